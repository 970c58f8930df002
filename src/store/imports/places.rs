//! Importing the scheme's zones and cameras: a zone is matched by its code,
//! a camera by its name. A retired one is never brought back by an import.

use super::{match_key, zones, ImportPlan, Lined, PlannedRow, RowPlan, Seen};
use crate::domain::audit::AuditAction;
use crate::store::{audit, Result, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};

/// A zone as a spreadsheet row gives it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ZoneRecord {
    pub name: String,
    pub code: String,
}

/// A camera as a spreadsheet row gives it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CameraRecord {
    pub name: String,
    /// A zone's name or code.
    pub zone: String,
    pub number: Option<i64>,
}

struct ZoneNow {
    id: i64,
    name: String,
    code: String,
    retired: bool,
}

fn zones_now(conn: &Connection) -> Result<Vec<ZoneNow>> {
    let mut st = conn.prepare("SELECT id, name, code, retired_at IS NOT NULL FROM zones")?;
    let rows = st.query_map([], |r| {
        Ok(ZoneNow {
            id: r.get(0)?,
            name: r.get(1)?,
            code: r.get(2)?,
            retired: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn plan_zones(conn: &Connection, rows: &[Lined<ZoneRecord>]) -> Result<ImportPlan> {
    let existing = zones_now(conn)?;
    let mut seen_code = Seen::default();
    let mut seen_name = Seen::default();
    let mut plan = ImportPlan::default();
    for Lined { line, record: r } in rows {
        let mut row = PlannedRow {
            line: *line,
            label: format!("{} ({})", r.name, r.code),
            plan: RowPlan::New,
            note: None,
        };
        let by_code = existing
            .iter()
            .find(|z| match_key(&z.code) == match_key(&r.code));
        let by_name = existing
            .iter()
            .find(|z| match_key(&z.name) == match_key(&r.name));
        row.plan = if let Some(first) = seen_code.repeat(match_key(&r.code), *line) {
            RowPlan::Bad(format!(
                "the code {} is on line {first} too: keep one row",
                r.code
            ))
        } else if let Some(first) = seen_name.repeat(match_key(&r.name), *line) {
            RowPlan::Bad(format!(
                "the zone “{}” is on line {first} too: keep one row",
                r.name
            ))
        } else {
            match (by_code, by_name) {
                (Some(z), _) if z.retired => RowPlan::Bad(format!(
                    "the zone {} (“{}”) is retired: an import does not bring it back",
                    z.code, z.name
                )),
                (Some(z), Some(n)) if z.id != n.id => RowPlan::Bad(format!(
                    "the name “{}” belongs to the zone {}",
                    n.name, n.code
                )),
                (Some(z), _) if z.name == r.name => RowPlan::Unchanged { id: z.id },
                (Some(z), _) => RowPlan::Update {
                    id: z.id,
                    fields: vec!["name"],
                },
                (None, Some(n)) => RowPlan::Bad(format!(
                    "there is already a zone called “{}”, with the code {}",
                    n.name, n.code
                )),
                (None, None) => RowPlan::New,
            }
        };
        plan.rows.push(row);
    }
    Ok(plan)
}

pub(super) fn write_zones(
    tx: &Transaction,
    rows: &[Lined<ZoneRecord>],
    plan: &ImportPlan,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    for (Lined { record: r, .. }, p) in rows.iter().zip(&plan.rows) {
        match &p.plan {
            RowPlan::New => {
                tx.execute(
                    "INSERT INTO zones (name, code) VALUES (?1, ?2)",
                    params![r.name, r.code],
                )?;
                let id = tx.last_insert_rowid();
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    AuditAction::Create,
                    "zone",
                    Some(id),
                    &format!("{} ({}), imported", r.name, r.code),
                )?;
            }
            RowPlan::Update { id, .. } => {
                tx.execute(
                    "UPDATE zones SET name = ?1 WHERE id = ?2",
                    params![r.name, id],
                )?;
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    AuditAction::Update,
                    "zone",
                    Some(*id),
                    &format!("name → “{}”, imported", r.name),
                )?;
            }
            RowPlan::Unchanged { .. } => {}
            RowPlan::Bad(why) => return Err(StoreError::Invalid(why.clone())),
        }
    }
    Ok(())
}

struct CameraNow {
    id: i64,
    name: String,
    zone_id: Option<i64>,
    number: Option<i64>,
    retired: bool,
}

fn cameras_now(conn: &Connection) -> Result<Vec<CameraNow>> {
    let mut st =
        conn.prepare("SELECT id, name, zone_id, number, retired_at IS NOT NULL FROM cameras")?;
    let rows = st.query_map([], |r| {
        Ok(CameraNow {
            id: r.get(0)?,
            name: r.get(1)?,
            zone_id: r.get(2)?,
            number: r.get(3)?,
            retired: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The plan, and each row's zone.
pub(super) fn plan_cameras(
    conn: &Connection,
    rows: &[Lined<CameraRecord>],
) -> Result<(ImportPlan, Vec<Option<i64>>)> {
    let zones = zones(conn)?;
    let existing = cameras_now(conn)?;
    let mut seen_name = Seen::default();
    let mut seen_number = Seen::default();
    let mut plan = ImportPlan::default();
    let mut zone_ids = vec![];
    for Lined { line, record: r } in rows {
        let mut row = PlannedRow {
            line: *line,
            label: r.name.clone(),
            plan: RowPlan::New,
            note: None,
        };
        let found = zones.find(&r.zone);
        zone_ids.push(found.as_ref().ok().map(|z| z.0));
        let same = existing
            .iter()
            .find(|c| match_key(&c.name) == match_key(&r.name));
        let number_taken = r.number.and_then(|n| {
            existing
                .iter()
                .find(|c| c.number == Some(n) && Some(c.id) != same.map(|s| s.id))
        });
        row.plan = if let Some(first) = seen_name.repeat(match_key(&r.name), *line) {
            RowPlan::Bad(format!(
                "the camera “{}” is on line {first} too: keep one row",
                r.name
            ))
        } else if let Some(first) = r
            .number
            .and_then(|n| seen_number.repeat(n.to_string(), *line))
        {
            RowPlan::Bad(format!(
                "camera number {} is on line {first} too",
                r.number.unwrap_or_default()
            ))
        } else if let Some(other) = number_taken {
            RowPlan::Bad(format!(
                "camera number {} is already “{}”",
                r.number.unwrap_or_default(),
                other.name
            ))
        } else {
            match (found, same) {
                (Err(e), _) => RowPlan::Bad(e),
                (Ok(_), Some(c)) if c.retired => RowPlan::Bad(format!(
                    "the camera “{}” is retired: an import does not bring it back",
                    c.name
                )),
                (Ok((zone, zone_name)), same) => {
                    row.label = format!("{} ({zone_name})", r.name);
                    let moving = same.is_none_or(|c| c.zone_id != Some(zone));
                    if moving && zones.retired.contains(&zone) {
                        RowPlan::Bad(format!(
                            "the zone “{zone_name}” is retired: it takes no new camera"
                        ))
                    } else if let Some(c) = same {
                        let mut fields = vec![];
                        if c.zone_id != Some(zone) {
                            fields.push("zone");
                        }
                        if r.number.is_some() && c.number != r.number {
                            fields.push("number");
                        }
                        if c.name != r.name {
                            fields.push("name");
                        }
                        if fields.is_empty() {
                            RowPlan::Unchanged { id: c.id }
                        } else {
                            RowPlan::Update { id: c.id, fields }
                        }
                    } else {
                        RowPlan::New
                    }
                }
            }
        };
        plan.rows.push(row);
    }
    Ok((plan, zone_ids))
}

pub(super) fn write_cameras(
    tx: &Transaction,
    rows: &[Lined<CameraRecord>],
    plan: &ImportPlan,
    zone_ids: &[Option<i64>],
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    for ((Lined { record: r, .. }, p), zone) in rows.iter().zip(&plan.rows).zip(zone_ids) {
        match &p.plan {
            RowPlan::New => {
                // the first camera of a store is the form's first choice
                let first: bool =
                    tx.query_row("SELECT NOT EXISTS(SELECT 1 FROM cameras)", [], |r| r.get(0))?;
                tx.execute(
                    "INSERT INTO cameras (name, zone_id, number, is_default) VALUES (?1, ?2, ?3, ?4)",
                    params![r.name, zone, r.number, first],
                )?;
                let id = tx.last_insert_rowid();
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    AuditAction::Create,
                    "camera",
                    Some(id),
                    &format!("{}, imported", r.name),
                )?;
            }
            RowPlan::Update { id, fields } => {
                tx.execute(
                    "UPDATE cameras SET name = ?1, zone_id = ?2, number = COALESCE(?3, number) WHERE id = ?4",
                    params![r.name, zone, r.number, id],
                )?;
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    AuditAction::Update,
                    "camera",
                    Some(*id),
                    &format!("{} changed, imported", fields.join(", ")),
                )?;
            }
            RowPlan::Unchanged { .. } => {}
            RowPlan::Bad(why) => return Err(StoreError::Invalid(why.clone())),
        }
    }
    Ok(())
}
