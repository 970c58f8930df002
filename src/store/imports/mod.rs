//! Imports: zones, cameras, members, radios and offenders from a spreadsheet, and the police's
//! street-level crime file. Rows arrive already parsed and tidied (see
//! `io/import/`); here each is matched against the store (found, not
//! doubled) and, when the whole file is good, written in one transaction.
//!
//! The plan is made twice: once to preview, and again inside the writing
//! transaction, so a change made by another console in between is seen and
//! a file that has gone bad meanwhile still changes nothing.
//!
//! One file per kind (`places` holds zones and cameras; then `members`,
//! `radios`, `offenders`, `police`); here is what they share: the plan, the
//! key names are matched by, and the zones members and cameras are found in.

mod members;
mod offenders;
mod places;
mod police;
mod radios;

pub use members::MemberRecord;
pub use offenders::OffenderRecord;
pub use places::{CameraRecord, ZoneRecord};
pub use police::{not_held, HeldPoliceMonth, PoliceBatch, PoliceCrime, PoliceFileMonth};
pub use radios::RadioRecord;

use super::{audit, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use std::collections::HashMap;

/// A record and the line of the file it started on.
#[derive(Debug, Clone, PartialEq)]
pub struct Lined<T> {
    pub line: u64,
    pub record: T,
}

/// The good rows of one file, of one kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportBatch {
    Zones(Vec<Lined<ZoneRecord>>),
    Cameras(Vec<Lined<CameraRecord>>),
    Members(Vec<Lined<MemberRecord>>),
    Radios(Vec<Lined<RadioRecord>>),
    Offenders(Vec<Lined<OffenderRecord>>),
    Police(PoliceBatch),
}

impl ImportBatch {
    /// The audit trail's name for what was imported.
    pub fn entity(&self) -> &'static str {
        match self {
            ImportBatch::Zones(_) => "zones",
            ImportBatch::Cameras(_) => "cameras",
            ImportBatch::Members(_) => "members",
            ImportBatch::Radios(_) => "radios",
            ImportBatch::Offenders(_) => "offenders",
            ImportBatch::Police(_) => "police_crimes",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ImportBatch::Zones(v) => v.len(),
            ImportBatch::Cameras(v) => v.len(),
            ImportBatch::Members(v) => v.len(),
            ImportBatch::Radios(v) => v.len(),
            ImportBatch::Offenders(v) => v.len(),
            ImportBatch::Police(b) => b.rows.len(),
        }
    }

    /// Nothing to import. A police file whose rows all lay outside the
    /// area is not empty: its months are still replaced.
    pub fn is_empty(&self) -> bool {
        match self {
            ImportBatch::Police(b) => b.months.is_empty(),
            _ => self.len() == 0,
        }
    }
}

/// What importing one row would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowPlan {
    New,
    /// Already in the store; these fields would change.
    Update {
        id: i64,
        fields: Vec<&'static str>,
    },
    /// Already in the store, as the row has it: nothing to do.
    Unchanged {
        id: i64,
    },
    /// Cannot be imported, and why.
    Bad(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRow {
    pub line: u64,
    /// What the row is, for the preview (may name a person: the screen only, never the audit).
    pub label: String,
    pub plan: RowPlan,
    /// Something worth knowing that does not stop the import.
    pub note: Option<String>,
}

/// What applying an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportResult {
    /// Written, in one transaction.
    Applied(ImportPlan),
    /// Nothing written: some row cannot be imported (see its plan).
    Refused(ImportPlan),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportPlan {
    pub rows: Vec<PlannedRow>,
    /// Records the import would remove: the police rows held for a month
    /// the file gives again that the file no longer has.
    pub removed: Vec<i64>,
}

/// How many rows of a plan do what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub bad: usize,
    pub removed: usize,
}

impl ImportCounts {
    /// The counts in words, naming no one: the audit line.
    pub fn describe(&self) -> String {
        format!(
            "{} new, {} updated, {} unchanged",
            self.new, self.updated, self.unchanged
        )
    }
}

impl ImportPlan {
    pub fn counts(&self) -> ImportCounts {
        let mut c = ImportCounts {
            removed: self.removed.len(),
            ..Default::default()
        };
        for r in &self.rows {
            match r.plan {
                RowPlan::New => c.new += 1,
                RowPlan::Update { .. } => c.updated += 1,
                RowPlan::Unchanged { .. } => c.unchanged += 1,
                RowPlan::Bad(_) => c.bad += 1,
            }
        }
        c
    }

    pub fn bad_rows(&self) -> impl Iterator<Item = &PlannedRow> {
        self.rows
            .iter()
            .filter(|r| matches!(r.plan, RowPlan::Bad(_)))
    }
}

/// How two names are compared: case and spacing do not count.
pub fn match_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The first line a key was seen on in this file.
#[derive(Default)]
struct Seen(HashMap<String, u64>);

impl Seen {
    /// The earlier line with this key, or `None` (and remember this one).
    fn repeat(&mut self, key: String, line: u64) -> Option<u64> {
        match self.0.get(&key) {
            Some(first) => Some(*first),
            None => {
                self.0.insert(key, line);
                None
            }
        }
    }
}

struct Zones {
    by_key: HashMap<String, (i64, String)>,
    names: Vec<String>,
    /// Zones that take nothing new.
    retired: std::collections::HashSet<i64>,
}

fn zones(conn: &Connection) -> Result<Zones> {
    let mut by_key = HashMap::new();
    let mut names = vec![];
    let mut retired = std::collections::HashSet::new();
    let mut st =
        conn.prepare("SELECT id, name, code, retired_at IS NOT NULL FROM zones ORDER BY name")?;
    for row in st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, bool>(3)?,
        ))
    })? {
        let (id, name, code, is_retired) = row?;
        by_key.insert(match_key(&name), (id, name.clone()));
        by_key.entry(match_key(&code)).or_insert((id, name.clone()));
        if is_retired {
            retired.insert(id);
        } else {
            names.push(name);
        }
    }
    Ok(Zones {
        by_key,
        names,
        retired,
    })
}

impl Zones {
    fn find(&self, given: &str) -> std::result::Result<(i64, String), String> {
        self.by_key.get(&match_key(given)).cloned().ok_or_else(|| {
            if self.names.is_empty() {
                format!("no zone called “{given}”: the store has no zones yet (a manager adds them with `watchroom zone add` or `watchroom import zones`)")
            } else {
                format!(
                    "no zone called “{given}” (zones: {})",
                    self.names.join(", ")
                )
            }
        })
    }
}

fn plan_on(conn: &Connection, batch: &ImportBatch) -> Result<ImportPlan> {
    Ok(match batch {
        ImportBatch::Zones(rows) => places::plan_zones(conn, rows)?,
        ImportBatch::Cameras(rows) => places::plan_cameras(conn, rows)?.0,
        ImportBatch::Members(rows) => members::plan_members(conn, rows)?,
        ImportBatch::Radios(rows) => radios::plan_radios(conn, rows)?.0,
        ImportBatch::Offenders(rows) => offenders::plan_offenders(conn, rows)?.0,
        ImportBatch::Police(b) => police::plan_police(conn, b)?,
    })
}

impl Store {
    /// What importing these rows would do, changing nothing.
    pub fn plan_import(&self, batch: &ImportBatch) -> Result<ImportPlan> {
        // one read transaction: the plan sees one state of the store
        let tx = self.conn().unchecked_transaction()?;
        let plan = plan_on(&tx, batch)?;
        tx.finish()?;
        Ok(plan)
    }

    /// Import every row in one transaction, with an audit record per record
    /// created or changed and one for the import (counts, no names). If any
    /// row cannot be imported, nothing is, and the plan says why.
    pub fn apply_import(
        &mut self,
        batch: &ImportBatch,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<ImportResult> {
        // a bad row rolls the transaction back; its plan is kept to report
        let mut refused: Option<ImportPlan> = None;
        let mut refuse_bad = |plan: &ImportPlan| -> Result<()> {
            if plan.counts().bad > 0 {
                refused = Some(plan.clone());
                return Err(StoreError::Invalid("rows cannot be imported".into()));
            }
            Ok(())
        };
        let applied = self.write(|tx| {
            let plan = match batch {
                ImportBatch::Zones(rows) => {
                    let plan = places::plan_zones(tx, rows)?;
                    refuse_bad(&plan)?;
                    places::write_zones(tx, rows, &plan, operator, now)?;
                    plan
                }
                ImportBatch::Cameras(rows) => {
                    let (plan, zones) = places::plan_cameras(tx, rows)?;
                    refuse_bad(&plan)?;
                    places::write_cameras(tx, rows, &plan, &zones, operator, now)?;
                    plan
                }
                ImportBatch::Members(rows) => {
                    let plan = members::plan_members(tx, rows)?;
                    refuse_bad(&plan)?;
                    members::write_members(tx, rows, &plan, operator, now)?;
                    plan
                }
                ImportBatch::Radios(rows) => {
                    let (plan, resolved) = radios::plan_radios(tx, rows)?;
                    refuse_bad(&plan)?;
                    radios::write_radios(tx, rows, &plan, &resolved, operator, now)?;
                    plan
                }
                ImportBatch::Offenders(rows) => {
                    let (plan, changes) = offenders::plan_offenders(tx, rows)?;
                    refuse_bad(&plan)?;
                    offenders::write_offenders(tx, rows, &plan, &changes, operator, now)?;
                    plan
                }
                ImportBatch::Police(b) => {
                    let plan = police::plan_police(tx, b)?;
                    refuse_bad(&plan)?;
                    police::write_police(tx, b, &plan, operator, now)?;
                    plan
                }
            };
            let detail = match batch {
                ImportBatch::Police(b) => police::describe(b, &plan),
                _ => plan.counts().describe(),
            };
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Import,
                batch.entity(),
                None,
                &detail,
            )?;
            Ok(plan)
        });
        match (applied, refused) {
            (Ok(plan), _) => Ok(ImportResult::Applied(plan)),
            (Err(_), Some(plan)) => Ok(ImportResult::Refused(plan)),
            (Err(e), None) => Err(e),
        }
    }
}
