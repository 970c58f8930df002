//! Importing the police's street-level crime file: only the rows in the
//! scheme's area are kept (the file is filtered in `io/import/`), and each
//! month the file covers is replaced wholesale: a row held for the month
//! that the file no longer has is removed. Rows are still matched by Crime
//! ID (or a digest of the row), so a month published again with outcomes
//! updates them, and anti-social behaviour (no Crime ID) that moved or
//! vanished in the republished file is not counted twice.

use super::{ImportPlan, Lined, PlannedRow, RowPlan, Seen};
use crate::domain::audit::AuditAction;
use crate::store::{audit, ts, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::HashSet;

/// A police file's rows in the area, and what it covered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PoliceBatch {
    /// The good rows in the scheme's area.
    pub rows: Vec<Lined<PoliceCrime>>,
    /// Every month the file has rows for, in order, in the area or not.
    pub months: Vec<PoliceFileMonth>,
    /// The area the rows were kept for, in words.
    pub area: String,
    /// The file's rows outside the area, by LSOA name (empty: no LSOA).
    pub outside: Vec<(String, u64)>,
}

impl PoliceBatch {
    pub fn outside_total(&self) -> u64 {
        self.outside.iter().map(|o| o.1).sum()
    }
}

/// One month of a police file: its rows in the area and outside it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PoliceFileMonth {
    pub month: String,
    pub kept: u64,
    pub outside: u64,
}

/// A month of police data the store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPoliceMonth {
    pub month: String,
    /// What its rows were kept for, in words; empty for a month imported
    /// before areas were set (every row of the file).
    pub area: String,
    pub rows: u64,
    pub outside: u64,
}

/// One row of the police's monthly street-level crime file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PoliceCrime {
    /// The Crime ID, or a digest of the row when it has none.
    pub row_key: String,
    pub crime_id: String,
    /// YYYY-MM
    pub month: String,
    pub reported_by: String,
    pub falls_within: String,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub location: String,
    pub lsoa_code: String,
    pub lsoa_name: String,
    pub crime_type: String,
    pub last_outcome: String,
    pub context: String,
}

const POLICE_COLUMNS: &str =
    "crime_id, month, reported_by, falls_within, longitude, latitude, location,
     lsoa_code, lsoa_name, crime_type, last_outcome, context";

pub(super) fn plan_police(conn: &Connection, batch: &PoliceBatch) -> Result<ImportPlan> {
    let rows = &batch.rows;
    let mut st = conn.prepare_cached(&format!(
        "SELECT id, {POLICE_COLUMNS} FROM police_crimes WHERE row_key = ?1"
    ))?;
    let mut seen = Seen::default();
    let mut plan = ImportPlan::default();
    for Lined { line, record: c } in rows {
        let mut row = PlannedRow {
            line: *line,
            label: format!("{} {}", c.month, c.crime_type),
            plan: RowPlan::New,
            note: None,
        };
        if let Some(first) = seen.repeat(c.row_key.clone(), *line) {
            row.plan = RowPlan::Bad(format!(
                "Crime ID {} is on line {first} too: keep one row",
                c.crime_id
            ));
            plan.rows.push(row);
            continue;
        }
        let now: Option<(i64, PoliceCrime)> = st
            .query_row([&c.row_key], |r| {
                Ok((
                    r.get(0)?,
                    PoliceCrime {
                        row_key: c.row_key.clone(),
                        crime_id: r.get(1)?,
                        month: r.get(2)?,
                        reported_by: r.get(3)?,
                        falls_within: r.get(4)?,
                        longitude: r.get(5)?,
                        latitude: r.get(6)?,
                        location: r.get(7)?,
                        lsoa_code: r.get(8)?,
                        lsoa_name: r.get(9)?,
                        crime_type: r.get(10)?,
                        last_outcome: r.get(11)?,
                        context: r.get(12)?,
                    },
                ))
            })
            .optional()?;
        row.plan = match now {
            None => RowPlan::New,
            Some((id, was)) => {
                // a month's file is published again as outcomes are recorded
                let mut fields = vec![];
                if was.last_outcome != c.last_outcome {
                    fields.push("last outcome");
                }
                if was.context != c.context {
                    fields.push("context");
                }
                if (
                    was.month.as_str(),
                    was.crime_type.as_str(),
                    was.location.as_str(),
                    was.lsoa_code.as_str(),
                ) != (
                    c.month.as_str(),
                    c.crime_type.as_str(),
                    c.location.as_str(),
                    c.lsoa_code.as_str(),
                ) || was.longitude != c.longitude
                    || was.latitude != c.latitude
                    || was.reported_by != c.reported_by
                    || was.falls_within != c.falls_within
                    || was.lsoa_name != c.lsoa_name
                {
                    fields.push("details");
                }
                if fields.is_empty() {
                    RowPlan::Unchanged { id }
                } else {
                    RowPlan::Update { id, fields }
                }
            }
        };
        plan.rows.push(row);
    }
    // the month replaced wholesale: what it holds that the file no longer has
    let keys: HashSet<&str> = rows.iter().map(|r| r.record.row_key.as_str()).collect();
    let mut held = conn.prepare_cached("SELECT id, row_key FROM police_crimes WHERE month = ?1")?;
    for m in &batch.months {
        for row in held.query_map([&m.month], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })? {
            let (id, key) = row?;
            if !keys.contains(key.as_str()) {
                plan.removed.push(id);
            }
        }
    }
    Ok(plan)
}

/// The import's audit line: counts and months, naming no one.
pub(super) fn describe(batch: &PoliceBatch, plan: &ImportPlan) -> String {
    let c = plan.counts();
    let months: Vec<&str> = batch.months.iter().map(|m| m.month.as_str()).collect();
    format!(
        "{} new, {} updated, {} unchanged, {} removed; {} outside the area; months {}",
        c.new,
        c.updated,
        c.unchanged,
        c.removed,
        batch.outside_total(),
        months.join(", ")
    )
}

pub(super) fn write_police(
    tx: &Transaction,
    batch: &PoliceBatch,
    plan: &ImportPlan,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let rows = &batch.rows;
    // removed first: a row key leaving one month may be given to another row
    let mut remove = tx.prepare_cached("DELETE FROM police_crimes WHERE id = ?1")?;
    for id in &plan.removed {
        remove.execute([id])?;
    }
    let mut insert = tx.prepare_cached(&format!(
        "INSERT INTO police_crimes (row_key, {POLICE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    ))?;
    let mut update = tx.prepare_cached(
        "UPDATE police_crimes SET month = ?2, reported_by = ?3, falls_within = ?4, longitude = ?5, latitude = ?6,
                location = ?7, lsoa_code = ?8, lsoa_name = ?9, crime_type = ?10, last_outcome = ?11, context = ?12
         WHERE id = ?1",
    )?;
    for (Lined { record: c, .. }, p) in rows.iter().zip(&plan.rows) {
        match &p.plan {
            RowPlan::New => {
                insert.execute(params![
                    c.row_key,
                    c.crime_id,
                    c.month,
                    c.reported_by,
                    c.falls_within,
                    c.longitude,
                    c.latitude,
                    c.location,
                    c.lsoa_code,
                    c.lsoa_name,
                    c.crime_type,
                    c.last_outcome,
                    c.context
                ])?;
            }
            RowPlan::Update { id, .. } => {
                update.execute(params![
                    id,
                    c.month,
                    c.reported_by,
                    c.falls_within,
                    c.longitude,
                    c.latitude,
                    c.location,
                    c.lsoa_code,
                    c.lsoa_name,
                    c.crime_type,
                    c.last_outcome,
                    c.context
                ])?;
            }
            RowPlan::Unchanged { .. } | RowPlan::Bad(_) => {}
        }
    }
    let mut month = tx.prepare_cached(
        "INSERT INTO police_months (month, area, rows_kept, rows_outside, imported_at, imported_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (month) DO UPDATE SET area = excluded.area, rows_kept = excluded.rows_kept,
             rows_outside = excluded.rows_outside, imported_at = excluded.imported_at,
             imported_by = excluded.imported_by",
    )?;
    for m in &batch.months {
        month.execute(params![
            m.month,
            batch.area,
            m.kept as i64,
            m.outside as i64,
            ts(now),
            operator
        ])?;
    }
    Ok(())
}

impl Store {
    /// Police open data rows held, by month and crime type (for reports and checks).
    pub fn police_crime_counts(&self) -> Result<Vec<(String, String, i64)>> {
        let mut st = self.conn().prepare(
            "SELECT month, crime_type, COUNT(*) FROM police_crimes GROUP BY month, crime_type ORDER BY month, crime_type",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The months of police data held, oldest first, with the rows held now.
    pub fn police_months(&self) -> Result<Vec<HeldPoliceMonth>> {
        held_months(self.conn())
    }

    /// Remove every police row held for `month` (YYYY-MM), and the month,
    /// audited with how many; a month not held is refused, naming those held.
    pub fn remove_police_month(
        &mut self,
        month: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        self.write(|tx| {
            let held = held_months(tx)?;
            let Some(m) = held.iter().find(|m| m.month == month) else {
                return Err(StoreError::Invalid(not_held(month, &held)));
            };
            let rows = tx.execute("DELETE FROM police_crimes WHERE month = ?1", [month])? as u64;
            tx.execute("DELETE FROM police_months WHERE month = ?1", [month])?;
            debug_assert_eq!(rows, m.rows);
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Import,
                "police_crimes",
                None,
                &format!("removed month {month}: {rows} rows"),
            )?;
            Ok(rows)
        })
    }
}

/// Why a month cannot be removed: it is not held (and which are).
pub fn not_held(month: &str, held: &[HeldPoliceMonth]) -> String {
    if held.is_empty() {
        format!("no police data is held for {month}: the store holds none")
    } else {
        let months: Vec<&str> = held.iter().map(|m| m.month.as_str()).collect();
        format!(
            "no police data is held for {month} (months held: {})",
            months.join(", ")
        )
    }
}

/// Every month held: those imported (police_months) and any rows of a month
/// not recorded there, with the rows each holds.
fn held_months(conn: &Connection) -> Result<Vec<HeldPoliceMonth>> {
    let mut st = conn.prepare_cached(
        "WITH months AS (SELECT month FROM police_months UNION SELECT DISTINCT month FROM police_crimes)
         SELECT months.month, COALESCE(p.area, ''),
                (SELECT COUNT(*) FROM police_crimes c WHERE c.month = months.month),
                COALESCE(p.rows_outside, 0)
         FROM months LEFT JOIN police_months p ON p.month = months.month
         ORDER BY months.month",
    )?;
    let rows = st.query_map([], |r| {
        Ok(HeldPoliceMonth {
            month: r.get(0)?,
            area: r.get(1)?,
            rows: r.get::<_, i64>(2)?.max(0) as u64,
            outside: r.get::<_, i64>(3)?.max(0) as u64,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}
