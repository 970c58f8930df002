//! Importing the police's street-level crime file: a row is matched by its
//! Crime ID (or a digest of the row), as a month's file is published again
//! while outcomes are recorded.

use super::{ImportPlan, Lined, PlannedRow, RowPlan, Seen};
use crate::store::{Result, Store};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

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

pub(super) fn plan_police(conn: &Connection, rows: &[Lined<PoliceCrime>]) -> Result<ImportPlan> {
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
    Ok(plan)
}

pub(super) fn write_police(
    tx: &Transaction,
    rows: &[Lined<PoliceCrime>],
    plan: &ImportPlan,
) -> Result<()> {
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
}
