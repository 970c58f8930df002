//! Importing members: a member is matched by its name within its zone, so
//! two shops of one chain in two zones stay two members.

use super::{date, match_key, zones, ImportPlan, Lined, PlannedRow, RowPlan, Seen, Zones};
use crate::domain::audit::AuditAction;
use crate::domain::member::MemberStatus;
use crate::domain::text::tidy_input;
use crate::store::history::{self, Owner};
use crate::store::members::stored_status;
use crate::store::versions::{self, Record};
use crate::store::{audit, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, Transaction};
use std::collections::HashMap;

/// A member (business or venue) as a spreadsheet row gives it. `None`: the
/// cell was empty or the column absent, and the store's value stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberRecord {
    pub name: String,
    pub kind: String,
    /// A zone's name or code.
    pub zone: String,
    pub address: Option<String>,
    pub status: Option<MemberStatus>,
    pub joined_on: Option<NaiveDate>,
    pub renewal_on: Option<NaiveDate>,
    pub agreement_version: Option<String>,
    pub agreement_signed_on: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
}

/// A member lapsing or leaving with no day given is taken to go on the day of the import.
const LEFT_TODAY: &str = "left (today)";

#[derive(Debug, Clone)]
pub(super) struct MemberNow {
    id: i64,
    name: String,
    zone_id: i64,
    zone: String,
    kind: String,
    address: String,
    status: MemberStatus,
    joined_on: Option<String>,
    renewal_on: Option<String>,
    agreement_version: Option<String>,
    agreement_signed_on: Option<String>,
    left_on: Option<String>,
}

pub(super) fn members_now(conn: &Connection) -> Result<Vec<MemberNow>> {
    let mut st = conn.prepare(
        "SELECT m.id, m.name, m.zone_id, z.name, m.kind, m.address, m.status, m.joined_on, m.renewal_on,
                m.agreement_version, m.agreement_signed_on, m.left_on
         FROM members m JOIN zones z ON z.id = m.zone_id ORDER BY m.id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(MemberNow {
            id: r.get(0)?,
            name: r.get(1)?,
            zone_id: r.get(2)?,
            zone: r.get(3)?,
            kind: r.get(4)?,
            address: r.get(5)?,
            status: stored_status(r, 6)?,
            joined_on: r.get(7)?,
            renewal_on: r.get(8)?,
            agreement_version: r.get(9)?,
            agreement_signed_on: r.get(10)?,
            left_on: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn plan_members(conn: &Connection, rows: &[Lined<MemberRecord>]) -> Result<ImportPlan> {
    let zones = zones(conn)?;
    let existing = members_now(conn)?;
    let mut by_key: HashMap<(String, i64), Vec<&MemberNow>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<&MemberNow>> = HashMap::new();
    for m in &existing {
        by_key
            .entry((match_key(&m.name), m.zone_id))
            .or_default()
            .push(m);
        by_name.entry(match_key(&m.name)).or_default().push(m);
    }
    let mut seen = Seen::default();
    let mut plan = ImportPlan::default();
    for Lined { line, record: r } in rows {
        let mut row = PlannedRow {
            line: *line,
            label: r.name.clone(),
            plan: RowPlan::New,
            note: None,
        };
        let (zone_id, zone_name) = match zones.find(&r.zone) {
            Ok(z) => z,
            Err(e) => {
                row.plan = RowPlan::Bad(e);
                plan.rows.push(row);
                continue;
            }
        };
        row.label = format!("{} ({zone_name})", r.name);
        let known_here = by_key
            .get(&(match_key(&r.name), zone_id))
            .is_some_and(|v| !v.is_empty());
        if zones.retired.contains(&zone_id) && !known_here {
            row.plan = RowPlan::Bad(format!(
                "the zone “{zone_name}” is retired: it takes no new member"
            ));
            plan.rows.push(row);
            continue;
        }
        if let Some(first) = seen.repeat(format!("{}\u{1f}{zone_id}", match_key(&r.name)), *line) {
            row.plan = RowPlan::Bad(format!(
                "the same member as line {first} ({} in {zone_name}): keep one row",
                r.name
            ));
            plan.rows.push(row);
            continue;
        }
        row.plan = match by_key
            .get(&(match_key(&r.name), zone_id))
            .map(Vec::as_slice)
        {
            None | Some([]) => {
                let elsewhere: Vec<String> = by_name
                    .get(&match_key(&r.name))
                    .into_iter()
                    .flatten()
                    .map(|m| m.zone.clone())
                    .collect();
                if !elsewhere.is_empty() {
                    row.note = Some(format!(
                        "a member of that name is in {}; this is added as another",
                        elsewhere.join(", ")
                    ));
                }
                RowPlan::New
            }
            Some([m]) => {
                let mut fields = vec![];
                if tidy_input(&r.kind).to_lowercase() != m.kind {
                    fields.push("kind");
                }
                let differs =
                    |given: &Option<String>, now: &Option<String>| given.is_some() && given != now;
                if differs(&r.address, &Some(m.address.clone())) {
                    fields.push("address");
                }
                if r.status.is_some_and(|s| s != m.status) {
                    fields.push("status");
                }
                if differs(&date(r.joined_on), &m.joined_on) {
                    fields.push("joined");
                }
                if differs(&date(r.renewal_on), &m.renewal_on) {
                    fields.push("renewal");
                }
                if differs(&r.agreement_version, &m.agreement_version) {
                    fields.push("agreement version");
                }
                if differs(&date(r.agreement_signed_on), &m.agreement_signed_on) {
                    fields.push("agreement signed");
                }
                if differs(&date(r.left_on), &m.left_on) {
                    fields.push("left");
                }
                // the report counts a member lapsed or gone from the day it was
                if r.status.is_some_and(MemberStatus::is_gone)
                    && !m.status.is_gone()
                    && r.left_on.is_none()
                    && m.left_on.is_none()
                {
                    fields.push(LEFT_TODAY);
                }
                if fields.is_empty() {
                    RowPlan::Unchanged { id: m.id }
                } else {
                    RowPlan::Update { id: m.id, fields }
                }
            }
            Some(many) => RowPlan::Bad(format!(
                "matches {} members in {zone_name} ({}): change them in the store by hand",
                many.len(),
                many.iter()
                    .map(|m| format!("#{}", m.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        plan.rows.push(row);
    }
    Ok(plan)
}

pub(super) fn write_members(
    tx: &Transaction,
    rows: &[Lined<MemberRecord>],
    plan: &ImportPlan,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let zones = zones(tx)?;
    for (Lined { record: r, .. }, p) in rows.iter().zip(&plan.rows) {
        let zone_id = zones.find(&r.zone).map_err(StoreError::Invalid)?.0;
        let kind = tidy_input(&r.kind).to_lowercase();
        match &p.plan {
            RowPlan::New => {
                tx.execute(
                    "INSERT INTO members (name, kind, zone_id, address, status, joined_on, renewal_on,
                                          agreement_version, agreement_signed_on, left_on)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        r.name,
                        kind,
                        zone_id,
                        r.address.clone().unwrap_or_default(),
                        r.status.unwrap_or(MemberStatus::Active).code(),
                        date(r.joined_on),
                        date(r.renewal_on),
                        r.agreement_version,
                        date(r.agreement_signed_on),
                        date(r.left_on),
                    ],
                )?;
                let id = tx.last_insert_rowid();
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    AuditAction::Create,
                    "member",
                    Some(id),
                    "import",
                )?;
            }
            RowPlan::Update { id, fields } => {
                let before = history::fields(tx, Owner::Member(*id))?;
                // an empty cell leaves the store's value as it was
                tx.execute(
                    "UPDATE members SET kind = ?1, address = COALESCE(?2, address), status = COALESCE(?3, status),
                            joined_on = COALESCE(?4, joined_on), renewal_on = COALESCE(?5, renewal_on),
                            agreement_version = COALESCE(?6, agreement_version),
                            agreement_signed_on = COALESCE(?7, agreement_signed_on), left_on = COALESCE(?8, left_on)
                     WHERE id = ?9",
                    params![
                        kind,
                        r.address,
                        r.status.map(MemberStatus::code),
                        date(r.joined_on),
                        date(r.renewal_on),
                        r.agreement_version,
                        date(r.agreement_signed_on),
                        date(r.left_on).or_else(|| fields
                            .contains(&LEFT_TODAY)
                            .then(|| now.date_naive().format("%Y-%m-%d").to_string())),
                        id
                    ],
                )?;
                versions::bump(tx, Record::Member(*id), operator, now)?;
                history::record_since(tx, Owner::Member(*id), &before, now, operator)?;
                let detail = format!("import: {}", fields.join(", "));
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    AuditAction::Update,
                    "member",
                    Some(*id),
                    &detail,
                )?;
            }
            RowPlan::Unchanged { .. } | RowPlan::Bad(_) => {}
        }
    }
    Ok(())
}

/// Find a member by name, or by "Name (Zone)" when two share a name.
/// Whether member `id` has lapsed or left, and which ("lapsed", "left").
pub(super) fn member_gone(existing: &[MemberNow], id: i64) -> Option<&'static str> {
    existing
        .iter()
        .find(|m| m.id == id)
        .filter(|m| m.status.is_gone())
        .map(|m| m.status.code())
}

pub(super) fn find_member(
    given: &str,
    existing: &[MemberNow],
    zones: &Zones,
) -> std::result::Result<(i64, String), String> {
    let by_name = |name: &str| -> Vec<&MemberNow> {
        existing
            .iter()
            .filter(|m| match_key(&m.name) == match_key(name))
            .collect()
    };
    let mut found = by_name(given);
    if found.is_empty() {
        // "Greggs (High Street)"
        if let Some((name, rest)) = given.rsplit_once('(') {
            if let Some(zone) = rest.strip_suffix(')') {
                if let Ok((zone_id, _)) = zones.find(zone) {
                    found = by_name(name)
                        .into_iter()
                        .filter(|m| m.zone_id == zone_id)
                        .collect();
                }
            }
        }
    }
    match found.as_slice() {
        [] => Err(format!("no member called “{given}”")),
        [m] => Ok((m.id, m.name.clone())),
        many => Err(format!(
            "{} members are called “{given}” (in {}): write it as “{given} (zone)”",
            many.len(),
            many.iter()
                .map(|m| m.zone.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
