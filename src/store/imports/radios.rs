//! Importing radios: a radio is matched by its call sign or its serial, and
//! issued to a member found by name (or "Name (Zone)").

use super::members::{find_member, member_gone, members_now};
use super::{match_key, zones, ImportPlan, Lined, PlannedRow, RowPlan, Seen};
use crate::domain::audit::AuditAction;
use crate::domain::radio::status_for_holder;
use crate::store::history::{self, Owner};
use crate::store::versions::{self, Record};
use crate::store::{audit, ts, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RadioRecord {
    pub call_sign: String,
    pub serial: String,
    pub status: Option<String>,
    /// A member's name, or "Name (Zone)" where two members share a name.
    pub member: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone)]
struct RadioNow {
    id: i64,
    call_sign: String,
    serial: String,
    member_id: Option<i64>,
    status: String,
    notes: String,
}

fn radios_now(conn: &Connection) -> Result<Vec<RadioNow>> {
    let mut st = conn.prepare(
        "SELECT id, call_sign, serial, member_id, status, notes FROM radios ORDER BY id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(RadioNow {
            id: r.get(0)?,
            call_sign: r.get(1)?,
            serial: r.get(2)?,
            member_id: r.get(3)?,
            status: r.get(4)?,
            notes: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A radio row resolved against the store: the member's id, the status it will have.
pub(super) struct RadioResolved {
    member_id: Option<i64>,
    status: String,
}

pub(super) fn plan_radios(
    conn: &Connection,
    rows: &[Lined<RadioRecord>],
) -> Result<(ImportPlan, Vec<Option<RadioResolved>>)> {
    let zones = zones(conn)?;
    let members = members_now(conn)?;
    let radios = radios_now(conn)?;
    let mut by_call: HashMap<String, &RadioNow> = HashMap::new();
    let mut by_serial: HashMap<String, &RadioNow> = HashMap::new();
    for r in &radios {
        by_call.insert(match_key(&r.call_sign), r);
        by_serial.insert(match_key(&r.serial), r);
    }
    let mut seen_call = Seen::default();
    let mut seen_serial = Seen::default();
    let mut plan = ImportPlan::default();
    let mut resolved = vec![];
    for Lined { line, record: r } in rows {
        let mut row = PlannedRow {
            line: *line,
            label: format!("{} (serial {})", r.call_sign, r.serial),
            plan: RowPlan::New,
            note: None,
        };
        let bad = |row: &mut PlannedRow, why: String| row.plan = RowPlan::Bad(why);
        if let Some(first) = seen_call.repeat(match_key(&r.call_sign), *line) {
            bad(
                &mut row,
                format!(
                    "call sign {} is on line {first} too: keep one row",
                    r.call_sign
                ),
            );
        } else if let Some(first) = seen_serial.repeat(match_key(&r.serial), *line) {
            bad(
                &mut row,
                format!("serial {} is on line {first} too: keep one row", r.serial),
            );
        }
        let member = match &r.member {
            Some(m) => match find_member(m, &members, &zones) {
                Ok((id, _)) => Some(id),
                Err(e) => {
                    if !matches!(row.plan, RowPlan::Bad(_)) {
                        bad(&mut row, e);
                    }
                    None
                }
            },
            None => None,
        };
        if matches!(row.plan, RowPlan::Bad(_)) {
            plan.rows.push(row);
            resolved.push(None);
            continue;
        }
        let a = by_call.get(&match_key(&r.call_sign)).copied();
        let b = by_serial.get(&match_key(&r.serial)).copied();
        let current = match (a, b) {
            (Some(a), Some(b)) if a.id != b.id => {
                bad(
                    &mut row,
                    format!(
                        "call sign {} is radio #{} but serial {} is radio #{} ({}): sort them out by hand",
                        r.call_sign, a.id, r.serial, b.id, b.call_sign
                    ),
                );
                plan.rows.push(row);
                resolved.push(None);
                continue;
            }
            (Some(x), _) | (None, Some(x)) => Some(x),
            (None, None) => None,
        };
        let member_id = member.or(if r.member.is_none() {
            current.and_then(|c| c.member_id)
        } else {
            None
        });
        if let Some(gone) = member
            .filter(|&m| current.is_none_or(|c| c.member_id != Some(m)))
            .and_then(|m| member_gone(&members, m))
        {
            bad(
                &mut row,
                format!(
                    "{} has {gone}: a radio is issued only to a member on the scheme",
                    r.member.as_deref().unwrap_or_default()
                ),
            );
            plan.rows.push(row);
            resolved.push(None);
            continue;
        }
        // Given to a member, a spare is issued, as in the console.
        let status = match (&r.status, current) {
            (Some(s), _) => s.clone(),
            (None, Some(c)) => status_for_holder(&c.status, member_id.is_some()).to_string(),
            (None, None) => status_for_holder("spare", member_id.is_some()).to_string(),
        };
        if status == "issued" && member_id.is_none() {
            bad(
                &mut row,
                "an issued radio needs the member it is issued to (a member column)".into(),
            );
            plan.rows.push(row);
            resolved.push(None);
            continue;
        }
        row.plan = match current {
            None => RowPlan::New,
            Some(c) => {
                let mut fields = vec![];
                if c.call_sign != r.call_sign {
                    fields.push("call sign");
                }
                if match_key(&c.serial) != match_key(&r.serial) {
                    fields.push("serial");
                }
                if c.member_id != member_id {
                    fields.push("member");
                }
                if c.status != status {
                    fields.push("status");
                }
                if r.notes.as_ref().is_some_and(|n| *n != c.notes) {
                    fields.push("notes");
                }
                if fields.is_empty() {
                    RowPlan::Unchanged { id: c.id }
                } else {
                    RowPlan::Update { id: c.id, fields }
                }
            }
        };
        plan.rows.push(row);
        resolved.push(Some(RadioResolved { member_id, status }));
    }
    Ok((plan, resolved))
}

pub(super) fn write_radios(
    tx: &Transaction,
    rows: &[Lined<RadioRecord>],
    plan: &ImportPlan,
    resolved: &[Option<RadioResolved>],
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    for ((Lined { record: r, .. }, p), res) in rows.iter().zip(&plan.rows).zip(resolved) {
        let Some(res) = res else { continue };
        match &p.plan {
            RowPlan::New => {
                tx.execute(
                    "INSERT INTO radios (call_sign, serial, member_id, status, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![r.call_sign, r.serial, res.member_id, res.status, r.notes.clone().unwrap_or_default()],
                )?;
                let id = tx.last_insert_rowid();
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    AuditAction::Create,
                    "radio",
                    Some(id),
                    "import",
                )?;
            }
            RowPlan::Update { id, fields } => {
                let fields_before = history::fields(tx, Owner::Radio(*id))?;
                let before: String =
                    tx.query_row("SELECT status FROM radios WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })?;
                tx.execute(
                    "UPDATE radios SET call_sign = ?1, serial = ?2, member_id = ?3, status = ?4,
                            notes = COALESCE(?5, notes) WHERE id = ?6",
                    params![
                        r.call_sign,
                        r.serial,
                        res.member_id,
                        res.status,
                        r.notes,
                        id
                    ],
                )?;
                if before != res.status {
                    // a status change keeps its history, as one made in the console does
                    tx.execute(
                        "INSERT INTO radio_status_history (radio_id, at, from_status, to_status, operator_id, note)
                         VALUES (?1, ?2, ?3, ?4, ?5, 'import')",
                        params![id, ts(now), before, res.status, operator],
                    )?;
                }
                versions::bump(tx, Record::Radio(*id), operator, now)?;
                history::record_since(tx, Owner::Radio(*id), &fields_before, now, operator)?;
                let detail = format!("import: {}", fields.join(", "));
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    AuditAction::Update,
                    "radio",
                    Some(*id),
                    &detail,
                )?;
            }
            RowPlan::Unchanged { .. } | RowPlan::Bad(_) => {}
        }
    }
    Ok(())
}
