//! What the scheme's documents and bulletin are made from, the record of
//! every one made (audited, linked to the exclusion or member it serves),
//! and the manager's bulletin alerts.

use super::members::{Contact, MemberRow};
use super::{audit, from_ts, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::bulletin::{
    Alert, BulletinFacts, BulletinPerson, Headlines, SoughtPerson, Window,
};
use crate::domain::exclusion::{Exclusion, Ladder, Scope};
use crate::domain::offender::Offender;
use crate::domain::text::tidy_input;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::{params, OptionalExtension};

/// Everything a notice served on a person is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeFacts {
    pub exclusion: Exclusion,
    pub offender: Offender,
    pub date_of_birth: Option<NaiveDate>,
    pub address: String,
    /// The zones it covers, by name (every zone for an all-zones exclusion).
    pub zones: Vec<String>,
    /// The member premises in those zones: each zone with its members' names.
    pub premises: Vec<(String, Vec<String>)>,
}

/// A member and its contacts, for the member agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementFacts {
    pub member: MemberRow,
    pub contacts: Vec<Contact>,
}

/// One document made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    pub id: i64,
    pub kind: String,
    pub exclusion_id: Option<i64>,
    pub member_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// The files written, as paths.
    pub files: Vec<String>,
}

/// The files of a document as kept: a JSON list, whatever a path contains.
pub(crate) fn files_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

use super::stored_day as date;

fn zone_names(conn: &rusqlite::Connection, scope: &Scope) -> Result<Vec<(i64, String)>> {
    let mut st = conn.prepare_cached("SELECT id, name FROM zones ORDER BY name COLLATE NOCASE")?;
    let all = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(match scope {
        Scope::AllZones => all,
        Scope::Zones(ids) => all.into_iter().filter(|(id, _)| ids.contains(id)).collect(),
    })
}

impl Store {
    /// A person's date of birth and address: only for notices served on them.
    pub fn offender_identity(&self, id: i64) -> Result<(Option<NaiveDate>, String)> {
        self.conn()
            .query_row(
                "SELECT date_of_birth, address FROM offenders WHERE id = ?1",
                [id],
                |r| Ok((date(r.get(0)?), r.get::<_, String>(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("offender record #{id}")))
    }

    /// Set what a notice needs to name and reach a person, on the version
    /// of the record the operator had; audited.
    pub fn set_offender_identity(
        &mut self,
        id: i64,
        expected_version: i64,
        date_of_birth: Option<NaiveDate>,
        address: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let address = tidy_input(address);
        if let Some(d) = date_of_birth {
            if d >= now.date_naive() {
                return Err(StoreError::Invalid(format!(
                    "a date of birth of {d} is not in the past"
                )));
            }
        }
        self.write(|tx| {
            super::versions::check(tx, super::versions::Record::Offender(id), expected_version)?;
            let kind: Option<String> = tx
                .query_row("SELECT kind FROM offenders WHERE id = ?1", [id], |r| r.get(0))
                .optional()?;
            // nobody knows who an ID-sought person is: what identifies them
            // comes with promoting them to known
            if kind.as_deref() == Some("id_sought") && (date_of_birth.is_some() || !address.is_empty()) {
                return Err(StoreError::Invalid(
                    "an ID-sought person has no known date of birth or address: promote them to known first".into(),
                ));
            }
            let before = super::history::fields(tx, super::history::Owner::Offender(id))?;
            let n = tx.execute(
                "UPDATE offenders SET date_of_birth = ?2, address = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, date_of_birth.map(|d| d.to_string()), address, ts(now)],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("offender record #{id}")));
            }
            super::versions::bump(tx, super::versions::Record::Offender(id), operator, now)?;
            super::history::record_since(tx, super::history::Owner::Offender(id), &before, now, operator)?;
            audit::append(tx, now, Some(operator), AuditAction::Edit, "offender", Some(id), "date of birth and address")
        })
    }

    /// What a warning letter or exclusion notice on this exclusion is made from.
    pub fn notice_facts(&self, exclusion_id: i64) -> Result<NoticeFacts> {
        let conn = self.conn();
        let exclusion = super::exclusions::exclusion_by_id(conn, exclusion_id)?
            .ok_or_else(|| StoreError::NotFound(format!("exclusion {exclusion_id}")))?;
        let offender_id = exclusion.offender_id;
        let offender = self
            .offender(offender_id)?
            .ok_or_else(|| StoreError::NotFound(format!("offender record #{offender_id}")))?;
        let (date_of_birth, address) = self.offender_identity(offender_id)?;
        let zones = zone_names(conn, &exclusion.scope)?;
        let mut premises = vec![];
        let mut st = conn.prepare_cached(
            "SELECT name FROM members WHERE zone_id = ?1 AND status = 'active'
             ORDER BY name COLLATE NOCASE",
        )?;
        for (id, zone) in &zones {
            let names: Vec<String> = st
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if !names.is_empty() {
                premises.push((zone.clone(), names));
            }
        }
        Ok(NoticeFacts {
            exclusion,
            offender,
            date_of_birth,
            address,
            zones: zones.into_iter().map(|(_, n)| n).collect(),
            premises,
        })
    }

    /// What a member agreement is made from.
    pub fn agreement_facts(&self, member_id: i64, now: DateTime<Utc>) -> Result<AgreementFacts> {
        let member = self
            .member_rows(now)?
            .into_iter()
            .find(|m| m.id == member_id)
            .ok_or_else(|| StoreError::NotFound(format!("member {member_id}")))?;
        let contacts = self.member_contacts(member_id)?;
        Ok(AgreementFacts { member, contacts })
    }

    /// Record a document made, with its audit record, in one transaction.
    /// The audit names what it serves: the exclusion, the member, or neither;
    /// `subjects` are the people it shows.
    #[allow(clippy::too_many_arguments)]
    pub fn record_document(
        &mut self,
        kind: &str,
        exclusion: Option<i64>,
        member: Option<i64>,
        subjects: &[i64],
        files: &[String],
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let files = serde_json::to_string(files).expect("a list of strings");
        self.write(|tx| {
            tx.execute(
                "INSERT INTO documents (kind, exclusion_id, member_id, created_at, created_by, files)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![kind, exclusion, member, ts(now), operator, files],
            )?;
            let id = tx.last_insert_rowid();
            let mut st = tx.prepare_cached(
                "INSERT OR IGNORE INTO document_subjects (document_id, offender_id) VALUES (?1, ?2)",
            )?;
            for s in subjects {
                st.execute(params![id, s])?;
            }
            let (entity, entity_id) = match (exclusion, member) {
                (Some(e), _) => ("exclusion", Some(e)),
                (None, Some(m)) => ("member", Some(m)),
                (None, None) => ("document", Some(id)),
            };
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Document,
                entity,
                entity_id,
                &format!("{kind} (document {id})"),
            )?;
            Ok(id)
        })
    }

    /// The documents made for an exclusion, newest first.
    pub fn documents_for_exclusion(&self, exclusion_id: i64) -> Result<Vec<DocumentRecord>> {
        let mut st = self.conn().prepare_cached(
            "SELECT d.id, d.kind, d.exclusion_id, d.member_id, d.created_at, COALESCE(o.name, ''), d.files
             FROM documents d LEFT JOIN operators o ON o.id = d.created_by
             WHERE d.exclusion_id = ?1 ORDER BY d.created_at DESC, d.id DESC",
        )?;
        let rows = st.query_map([exclusion_id], |r| {
            Ok(DocumentRecord {
                id: r.get(0)?,
                kind: r.get(1)?,
                exclusion_id: r.get(2)?,
                member_id: r.get(3)?,
                created_at: from_ts(r.get(4)?),
                created_by: r.get(5)?,
                files: files_of(&r.get::<_, String>(6)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Add an alert for bulletins covering any of its days; audited.
    pub fn add_bulletin_alert(
        &mut self,
        text: &str,
        from_on: NaiveDate,
        until_on: NaiveDate,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let text = tidy_input(text);
        if text.is_empty() {
            return Err(StoreError::Invalid("an alert needs some text".into()));
        }
        if until_on < from_on {
            return Err(StoreError::Invalid(format!(
                "the alert ends ({until_on}) before it starts ({from_on})"
            )));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO bulletin_alerts (text, from_on, until_on, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    text,
                    from_on.to_string(),
                    until_on.to_string(),
                    ts(now),
                    operator
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Create,
                "alert",
                Some(id),
                "bulletin alert",
            )?;
            Ok(id)
        })
    }

    /// End an alert early: it stops at the day before `today`, or goes if it
    /// had not started. Audited.
    pub fn end_bulletin_alert(
        &mut self,
        id: i64,
        operator: i64,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<()> {
        self.write(|tx| {
            let found: Option<String> = tx
                .query_row(
                    "SELECT from_on FROM bulletin_alerts WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            let from =
                date(Some(found.ok_or_else(|| {
                    StoreError::NotFound(format!("alert {id}"))
                })?))
                .unwrap_or(today);
            let yesterday = today.pred_opt().unwrap_or(today);
            if from > yesterday {
                tx.execute("DELETE FROM bulletin_alerts WHERE id = ?1", [id])?;
            } else {
                tx.execute(
                    "UPDATE bulletin_alerts SET until_on = MIN(until_on, ?2) WHERE id = ?1",
                    params![id, yesterday.to_string()],
                )?;
            }
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::End,
                "alert",
                Some(id),
                "bulletin alert",
            )
        })
    }

    /// Alerts covering a day of the period, or running on the day of issue.
    fn alerts_for_bulletin(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        issued: NaiveDate,
    ) -> Result<Vec<Alert>> {
        let mut out = self.bulletin_alerts(from, to)?;
        for a in self.bulletin_alerts(issued, issued)? {
            if !out.iter().any(|o| o.id == a.id) {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Whom the scheme is trying to identify, as the bulletin and the
    /// console's gallery show them: every ID-sought record active, not merged,
    /// made before `before`; the newest first.
    pub fn sought(&self, before: DateTime<Utc>, tz: Tz) -> Result<Vec<SoughtPerson>> {
        let mut st = self.conn().prepare_cached(
            "SELECT name, description, photo_path, created_at, id FROM offenders
             WHERE kind = 'id_sought' AND status = 'active' AND merged_into IS NULL AND created_at < ?1
             ORDER BY created_at DESC, id DESC",
        )?;
        let rows = st.query_map([ts(before)], |r| {
            let photo: String = r.get(2)?;
            Ok(SoughtPerson {
                offender_id: r.get(4)?,
                label: r.get(0)?,
                description: r.get(1)?,
                photo: (!photo.is_empty()).then_some(photo),
                since: from_ts(r.get(3)?).with_timezone(&tz).date_naive(),
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Alerts covering any day from `from` to `to`, oldest first.
    pub fn bulletin_alerts(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Alert>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, text, from_on, until_on FROM bulletin_alerts
             WHERE from_on <= ?2 AND until_on >= ?1 ORDER BY from_on, id",
        )?;
        let rows = st.query_map(params![from.to_string(), to.to_string()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?;
        let mut out = vec![];
        for r in rows {
            let (id, text, f, u) = r?;
            if let (Some(from_on), Some(until_on)) = (date(Some(f)), date(Some(u))) {
                out.push(Alert {
                    id,
                    text,
                    from_on,
                    until_on,
                });
            }
        }
        Ok(out)
    }

    /// What the bulletin for the days `from` to `to` (the scheme's days),
    /// issued on `issued`, is made from. Only exclusions whose stage excludes
    /// and that have been served are listed (members never learn of one
    /// before the person does); alerts are those of the period and any
    /// running on the day it is issued.
    pub fn bulletin_facts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        issued: NaiveDate,
        tz: Tz,
        ladder: &Ladder,
    ) -> Result<BulletinFacts> {
        let window = Window::new(from, to, tz).map_err(StoreError::Invalid)?;
        let (start, end) = (window.start, window.end);
        let conn = self.conn();
        let local = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
        let mut new = vec![];
        let mut ending = vec![];
        let mut in_force = 0;
        let overlapping =
            super::exclusions::exclusions_overlapping(conn, start, window.ending_until.max(end))?;
        for e in overlapping {
            // members never hear of an exclusion before the person does
            if e.served_at.is_none() || !ladder.excludes(&e.stage) {
                continue;
            }
            let offender_id = e.offender_id;
            let end_at = e.effective_end();
            let (is_new, is_ending, at_end) = window.place(e.starts_at, end_at);
            in_force += at_end as i64;
            if !is_new && !is_ending {
                continue;
            }
            let Some(o) = self.offender(offender_id)? else {
                continue;
            };
            let (date_of_birth, address) = self.offender_identity(offender_id)?;
            let zones = match &e.scope {
                Scope::AllZones => vec![],
                scope => zone_names(conn, scope)?
                    .into_iter()
                    .map(|(_, n)| n)
                    .collect(),
            };
            let person = BulletinPerson {
                offender_id,
                name: o.name.clone(),
                aliases: o.aliases.clone(),
                photo: (!o.photo_path.is_empty()).then(|| o.photo_path.clone()),
                date_of_birth,
                address,
                stage: e.stage.clone(),
                zones,
                starts: local(e.starts_at),
                // the last day it covers, as the notice says it
                ends: local(end_at - Duration::seconds(1)),
            };
            if is_new {
                new.push(person.clone());
            }
            if is_ending {
                ending.push(person);
            }
        }
        let sought = self.sought(end, tz)?;
        let count = |sql: &str| -> Result<i64> {
            Ok(conn.query_row(sql, params![ts(start), ts(end)], |r| r.get(0))?)
        };
        let headlines = Headlines {
            incidents: count(
                "SELECT COUNT(*) FROM incidents WHERE opened_at >= ?1 AND opened_at < ?2",
            )?,
            sightings: count("SELECT COUNT(*) FROM sightings WHERE at >= ?1 AND at < ?2")?,
            new_exclusions: new.len() as i64,
            exclusions_in_force: in_force,
        };
        Ok(BulletinFacts {
            from,
            to,
            new,
            ending,
            sought,
            alerts: self.alerts_for_bulletin(from, to, issued)?,
            headlines,
        })
    }
}
