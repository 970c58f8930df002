//! What the radio exports read: a period's radio log, oldest first, and the
//! roll-calls begun in it, station by station. A roll-call is rebuilt from
//! its frozen roster and its steps, as the console rebuilds it, so an export
//! shows it as the coordinator left it (open, saved, corrected or voided).

use super::radio_log::stations_of;
use super::rollcalls::{record_row, RollCallRecord, RECORD_SELECT};
use super::{from_ts, ts, Result, Store};
use chrono::{DateTime, Utc};
use rusqlite::params;

/// One line of the radio log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadioLogExport {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub call_sign: String,
    pub message: String,
    /// `on` for a sign-on, `off` for a sign-off, empty for a message.
    pub event: String,
    /// The operator who logged it, or the account ingest wrote it under.
    pub logged_by: String,
}

pub use super::radio_log::PastStation as StationAnswer;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollCallExport {
    /// Its summary is the one its stations give.
    pub record: RollCallRecord,
    /// In calling order.
    pub stations: Vec<StationAnswer>,
}

impl Store {
    /// The radio log in [from, to), oldest first.
    pub fn export_radio_log(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<RadioLogExport>> {
        let mut st = self.conn().prepare(
            "SELECT l.id, l.at, r.call_sign, l.message, COALESCE(l.event, ''), COALESCE(o.name, '')
             FROM radio_log l INDEXED BY radio_log_at JOIN radios r ON r.id = l.radio_id
             LEFT JOIN operators o ON o.id = l.operator_id
             WHERE l.at >= ?1 AND l.at < ?2 ORDER BY l.at, l.id",
        )?;
        let rows = st.query_map(params![ts(from), ts(to)], |r| {
            Ok(RadioLogExport {
                id: r.get(0)?,
                at: from_ts(r.get(1)?),
                call_sign: r.get(2)?,
                message: r.get(3)?,
                event: r.get(4)?,
                logged_by: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every roll-call begun in [from, to), oldest first, with its stations.
    pub fn export_roll_calls(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<RollCallExport>> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "{RECORD_SELECT} WHERE r.started_at >= ?1 AND r.started_at < ?2 ORDER BY r.started_at, r.id"
        ))?;
        let records: Vec<RollCallRecord> = st
            .query_map(params![ts(from), ts(to)], record_row)?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(records.len());
        for mut record in records {
            let (stations, rebuilt) = stations_of(conn, record.id)?;
            if let Some(summary) = rebuilt {
                record.summary = summary;
            }
            out.push(RollCallExport { record, stations });
        }
        Ok(out)
    }
}
