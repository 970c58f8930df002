//! Member businesses with what the members pane shows of each (zone, radios,
//! recent incidents, contacts, training), the training of their staff, and
//! membership over time. Every change is audited; details carry ids only.

use super::versions::{self, Record};
use super::{audit, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::member::{self, Course, MemberStatus, MonthCount};
use crate::domain::text::tidy_input;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use std::collections::HashMap;

/// A member's incidents are counted over this many days.
pub const RECENT_INCIDENT_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub zone_id: i64,
    pub zone: String,
    pub address: String,
    pub status: MemberStatus,
    pub joined_on: Option<NaiveDate>,
    pub renewal_on: Option<NaiveDate>,
    pub agreement_version: Option<String>,
    pub agreement_signed_on: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
    pub fee_paid_pence: i64,
    /// Call signs of the radios issued to it.
    pub radios: Vec<String>,
    /// Incidents it reported in the last `RECENT_INCIDENT_DAYS`.
    pub recent_incidents: i64,
    pub contacts: i64,
    /// The refresher dates of every training record at it.
    pub refreshers: Vec<NaiveDate>,
    /// Bumped by every change, so a form on an old copy is refused.
    pub version: i64,
}

impl MemberRow {
    pub fn renewal(&self, today: NaiveDate) -> member::Renewal {
        member::renewal(self.status, self.renewal_on, today)
    }

    pub fn agreement(&self, current: &str) -> member::Agreement {
        member::agreement(
            self.agreement_version.as_deref(),
            self.agreement_signed_on,
            current,
        )
    }

    pub fn training(&self, today: NaiveDate) -> member::MemberTraining {
        member::member_training(&self.refreshers, today)
    }
}

/// A member as entered or edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEdit {
    pub name: String,
    pub kind: String,
    pub zone_id: i64,
    pub address: String,
    pub status: MemberStatus,
    pub joined_on: Option<NaiveDate>,
    pub renewal_on: Option<NaiveDate>,
    pub agreement_version: Option<String>,
    pub agreement_signed_on: Option<NaiveDate>,
    pub fee_paid_pence: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: i64,
    pub member_id: i64,
    pub name: String,
    pub role: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingRecord {
    pub id: i64,
    pub member_id: i64,
    pub member: String,
    pub person: String,
    pub course: String,
    pub taken_on: NaiveDate,
    pub refresher_due_on: NaiveDate,
    /// When the same person took the same course again at the same member
    /// (the latest such), so this older record no longer falls due.
    pub superseded_on: Option<NaiveDate>,
}

/// The same person's later record of the same course at the same member
/// (`t` is the record, `n` the later one): a refresher supersedes what it
/// refreshes. Names are compared without case or surrounding spaces.
const LATER_SAME_COURSE: &str = "n.member_id = t.member_id AND n.course = t.course
     AND lower(trim(n.person)) = lower(trim(t.person))
     AND (n.taken_on > t.taken_on OR (n.taken_on = t.taken_on AND n.id > t.id))";

use super::stored_day as date;

/// A member's status as a row holds it. The schema's CHECK keeps it to the
/// known codes; a store edited around that is named, not guessed at.
pub(crate) fn stored_status(r: &Row<'_>, column: usize) -> rusqlite::Result<MemberStatus> {
    let code: String = r.get(column)?;
    MemberStatus::from_code(&code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!(
                "unknown member status “{code}” in the store (one of {})",
                MemberStatus::codes()
            )
            .into(),
        )
    })
}

fn check(m: &MemberEdit) -> Result<MemberEdit> {
    let mut m = m.clone();
    m.name = tidy_input(&m.name);
    m.kind = tidy_input(&m.kind).to_lowercase();
    m.address = tidy_input(&m.address);
    m.agreement_version = m
        .agreement_version
        .as_deref()
        .map(tidy_input)
        .filter(|v| !v.is_empty());
    if m.name.is_empty() || m.kind.is_empty() {
        return Err(StoreError::Invalid(
            "a member needs a name and a type (shop, pub, club, council…)".into(),
        ));
    }
    if m.fee_paid_pence < 0 {
        return Err(StoreError::Invalid("a fee paid cannot be negative".into()));
    }
    Ok(m)
}

/// The zone of a new member, or of member `editing` (which may stay in a
/// zone retired since it joined).
fn zone_exists(tx: &Transaction, zone: i64, editing: Option<i64>) -> Result<()> {
    let current: Option<i64> = match editing {
        Some(id) => tx
            .query_row("SELECT zone_id FROM members WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?,
        None => None,
    };
    super::places::zone_for_new(tx, zone, current)
}

fn member_exists(tx: &Transaction, member: i64) -> Result<()> {
    let found: Option<i64> = tx
        .query_row("SELECT id FROM members WHERE id = ?1", [member], |r| {
            r.get(0)
        })
        .optional()?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::Invalid(format!("there is no member {member}"))),
    }
}

impl Store {
    /// Every member, by zone then name, with what the members pane shows.
    pub fn member_rows(&self, now: DateTime<Utc>) -> Result<Vec<MemberRow>> {
        let conn = self.conn();
        let mut radios: HashMap<i64, Vec<String>> = HashMap::new();
        let mut st = conn.prepare_cached(
            "SELECT member_id, call_sign FROM radios WHERE member_id IS NOT NULL ORDER BY call_sign",
        )?;
        for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (m, c) = r?;
            radios.entry(m).or_default().push(c);
        }
        let mut refreshers: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
        // a record a refresher has superseded no longer falls due
        let mut st = conn.prepare_cached(&format!(
            "SELECT member_id, refresher_due_on FROM training t
             WHERE NOT EXISTS (SELECT 1 FROM training n WHERE {LATER_SAME_COURSE})"
        ))?;
        for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (m, d) = r?;
            if let Some(d) = date(Some(d)) {
                refreshers.entry(m).or_default().push(d);
            }
        }
        // one pass over the last 90 days by date; the `+` keeps SQLite off the
        // member index, which would visit every incident a member ever
        // reported (2 s on a million incidents, against 20 ms)
        let since = ts(now - Duration::days(RECENT_INCIDENT_DAYS));
        let mut recent: HashMap<i64, i64> = HashMap::new();
        let mut st = conn.prepare_cached(
            "SELECT member_id, COUNT(*) FROM incidents
             WHERE opened_at >= ?1 AND +member_id IS NOT NULL GROUP BY +member_id",
        )?;
        for r in st.query_map([since], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
            let (m, n) = r?;
            recent.insert(m, n);
        }
        let mut st = conn.prepare_cached(
            "SELECT m.id, m.name, m.kind, m.zone_id, z.name, m.address, m.status, m.joined_on,
                    m.renewal_on, m.agreement_version, m.agreement_signed_on, m.left_on, m.fee_paid_pence,
                    (SELECT COUNT(*) FROM member_contacts c WHERE c.member_id = m.id), m.version
             FROM members m JOIN zones z ON z.id = m.zone_id
             ORDER BY z.name, m.name COLLATE NOCASE, m.id",
        )?;
        let rows = st.query_map([], |r| {
            let id: i64 = r.get(0)?;
            Ok(MemberRow {
                id,
                name: r.get(1)?,
                kind: r.get(2)?,
                zone_id: r.get(3)?,
                zone: r.get(4)?,
                address: r.get(5)?,
                status: stored_status(r, 6)?,
                joined_on: date(r.get(7)?),
                renewal_on: date(r.get(8)?),
                agreement_version: r.get(9)?,
                agreement_signed_on: date(r.get(10)?),
                left_on: date(r.get(11)?),
                fee_paid_pence: r.get(12)?,
                recent_incidents: 0,
                contacts: r.get(13)?,
                radios: Vec::new(),
                refreshers: Vec::new(),
                version: r.get(14)?,
            })
        })?;
        let mut out: Vec<MemberRow> = rows.collect::<Result<_, _>>()?;
        for m in &mut out {
            m.radios = radios.remove(&m.id).unwrap_or_default();
            m.recent_incidents = recent.get(&m.id).copied().unwrap_or(0);
            m.refreshers = refreshers.remove(&m.id).unwrap_or_default();
        }
        Ok(out)
    }

    /// Every training record, soonest refresher first.
    pub fn training_records(&self) -> Result<Vec<TrainingRecord>> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT t.id, t.member_id, m.name, t.person, t.course, t.taken_on, t.refresher_due_on,
                    (SELECT MAX(n.taken_on) FROM training n WHERE {LATER_SAME_COURSE})
             FROM training t JOIN members m ON m.id = t.member_id
             ORDER BY t.refresher_due_on, m.name, t.person, t.id"
        ))?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?;
        let mut out = vec![];
        for r in rows {
            let (id, member_id, member, person, course, taken, due, later) = r?;
            let (Some(taken_on), Some(refresher_due_on)) = (date(Some(taken)), date(Some(due)))
            else {
                continue;
            };
            out.push(TrainingRecord {
                id,
                member_id,
                member,
                person,
                course,
                taken_on,
                refresher_due_on,
                superseded_on: date(later),
            });
        }
        Ok(out)
    }

    pub fn member_contacts(&self, member: i64) -> Result<Vec<Contact>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, member_id, name, role, phone, email FROM member_contacts WHERE member_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([member], |r| {
            Ok(Contact {
                id: r.get(0)?,
                member_id: r.get(1)?,
                name: r.get(2)?,
                role: r.get(3)?,
                phone: r.get(4)?,
                email: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_member(&mut self, m: &MemberEdit, operator: i64, now: DateTime<Utc>) -> Result<i64> {
        let m = check(m)?;
        self.write(|tx| {
            zone_exists(tx, m.zone_id, None)?;
            tx.execute(
                "INSERT INTO members (name, kind, zone_id, address, status, joined_on, renewal_on,
                                      agreement_version, agreement_signed_on, fee_paid_pence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    m.name,
                    m.kind,
                    m.zone_id,
                    m.address,
                    m.status.code(),
                    m.joined_on.map(|d| d.to_string()),
                    m.renewal_on.map(|d| d.to_string()),
                    m.agreement_version,
                    m.agreement_signed_on.map(|d| d.to_string()),
                    m.fee_paid_pence
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Add,
                "member",
                Some(id),
                &format!("zone {}", m.zone_id),
            )?;
            Ok(id)
        })
    }

    /// Change a member; a move to lapsed or left records the day it happened
    /// (for the committee report and the membership chart), a move back clears it.
    pub fn edit_member(
        &mut self,
        id: i64,
        expected_version: i64,
        m: &MemberEdit,
        operator: i64,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<()> {
        let m = check(m)?;
        self.write(|tx| {
            versions::check(tx, Record::Member(id), expected_version)?;
            zone_exists(tx, m.zone_id, Some(id))?;
            let fields_before = super::history::fields(tx, super::history::Owner::Member(id))?;
            let before = tx.query_row("SELECT status FROM members WHERE id = ?1", [id], |r| stored_status(r, 0))?;
            let left_on: Option<String> = if m.status.is_gone() && !before.is_gone() {
                Some(today.to_string())
            } else if m.status.is_gone() {
                tx.query_row("SELECT left_on FROM members WHERE id = ?1", [id], |r| r.get(0))?
            } else {
                None
            };
            tx.execute(
                "UPDATE members SET name = ?2, kind = ?3, zone_id = ?4, address = ?5, status = ?6, joined_on = ?7,
                        renewal_on = ?8, agreement_version = ?9, agreement_signed_on = ?10, fee_paid_pence = ?11,
                        left_on = ?12
                 WHERE id = ?1",
                params![
                    id,
                    m.name,
                    m.kind,
                    m.zone_id,
                    m.address,
                    m.status.code(),
                    m.joined_on.map(|d| d.to_string()),
                    m.renewal_on.map(|d| d.to_string()),
                    m.agreement_version,
                    m.agreement_signed_on.map(|d| d.to_string()),
                    m.fee_paid_pence,
                    left_on
                ],
            )?;
            versions::bump(tx, Record::Member(id), operator, now)?;
            super::history::record_since(tx, super::history::Owner::Member(id), &fields_before, now, operator)?;
            let detail = if before != m.status { format!("status {before} -> {}", m.status) } else { String::new() };
            audit::append(tx, now, Some(operator), AuditAction::Edit, "member", Some(id), &detail)?;
            Ok(())
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn add_contact(
        &mut self,
        member: i64,
        name: &str,
        role: &str,
        phone: &str,
        email: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let (name, role, phone, email) = (
            tidy_input(name),
            tidy_input(role),
            tidy_input(phone),
            tidy_input(email),
        );
        if name.is_empty() {
            return Err(StoreError::Invalid("a contact needs a name".into()));
        }
        self.write(|tx| {
            member_exists(tx, member)?;
            tx.execute(
                "INSERT INTO member_contacts (member_id, name, role, phone, email) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![member, name, role, phone, email],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(tx, now, Some(operator), AuditAction::Add, "member contact", Some(id), &format!("member {member}"))?;
            Ok(id)
        })
    }

    /// Record a course taken; the refresher date comes from the course's
    /// period in the config, which must list the course.
    #[allow(clippy::too_many_arguments)]
    pub fn add_training(
        &mut self,
        member: i64,
        person: &str,
        course: &str,
        taken_on: NaiveDate,
        courses: &[Course],
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let person = tidy_input(person);
        if person.is_empty() {
            return Err(StoreError::Invalid(
                "a training record needs the name of who was trained".into(),
            ));
        }
        let wanted = tidy_input(course).to_lowercase();
        let Some(course) = courses.iter().find(|c| c.name.to_lowercase() == wanted) else {
            let names: Vec<&str> = courses.iter().map(|c| c.name.as_str()).collect();
            return Err(StoreError::Invalid(format!(
                "unknown course “{wanted}” (the config lists: {})",
                names.join(", ")
            )));
        };
        if taken_on > now.date_naive() + Duration::days(1) {
            return Err(StoreError::Invalid(format!("{taken_on} is in the future")));
        }
        let due = member::refresher_due_on(course, taken_on);
        self.write(|tx| {
            member_exists(tx, member)?;
            tx.execute(
                "INSERT INTO training (member_id, person, course, taken_on, refresher_due_on) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![member, person, course.name, taken_on.to_string(), due.to_string()],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(tx, now, Some(operator), AuditAction::Add, "training", Some(id), &format!("member {member}"))?;
            Ok(id)
        })
    }

    /// Joined, lapsed or left, and the total, for `months` months ending with today's.
    pub fn membership_by_month(&self, today: NaiveDate, months: u32) -> Result<Vec<MonthCount>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT joined_on, left_on, status FROM members")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                stored_status(r, 2)?,
            ))
        })?;
        let mut spans = vec![];
        for r in rows {
            let (joined, left, status) = r?;
            // pending members have not joined yet
            if status == MemberStatus::Pending {
                continue;
            }
            spans.push((date(joined), date(left)));
        }
        Ok(member::membership_by_month(&spans, today, months))
    }
}

/// Demo training and contacts, without randomness so the demo stays the same:
/// most members have someone trained, a few have nobody, some are out of date.
pub(crate) fn add_demo_training(
    tx: &Transaction,
    now: DateTime<Utc>,
    courses: &[Course],
) -> Result<()> {
    const PEOPLE: &[&str] = &[
        "Sam Patel",
        "Jo Hughes",
        "Alex Reid",
        "Chris Moore",
        "Priya Shah",
        "Lee Evans",
    ];
    const ROLES: &[&str] = &["store manager", "security lead", "licensee", "duty manager"];
    let today = now.date_naive();
    let ids: Vec<i64> = {
        let mut st = tx.prepare("SELECT id FROM members ORDER BY id")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for (i, id) in ids.iter().enumerate() {
        tx.execute(
            "UPDATE members SET fee_paid_pence = ?2 WHERE id = ?1",
            params![
                id,
                if i % 5 == 3 {
                    0
                } else {
                    15_000 + (i as i64 % 3) * 10_000
                }
            ],
        )?;
        if i % 7 != 4 {
            let person = PEOPLE[i % PEOPLE.len()];
            tx.execute(
                "INSERT INTO member_contacts (member_id, name, role, phone, email) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    person,
                    ROLES[i % ROLES.len()],
                    format!("01632 96{:04}", 100 + i * 7),
                    format!("{}@example.org", person.to_lowercase().replace(' ', "."))
                ],
            )?;
        }
        // every ninth member has nobody trained
        if i % 9 == 2 {
            continue;
        }
        for (k, course) in courses.iter().enumerate() {
            if (i + k) % 3 == 2 {
                continue;
            }
            let taken = today - Duration::days(40 + ((i * 53 + k * 97) % 700) as i64);
            let due = member::refresher_due_on(course, taken);
            tx.execute(
                "INSERT INTO training (member_id, person, course, taken_on, refresher_due_on) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, PEOPLE[(i + k) % PEOPLE.len()], course.name, taken.to_string(), due.to_string()],
            )?;
        }
    }
    Ok(())
}
