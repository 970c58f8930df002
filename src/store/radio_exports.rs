//! What the radio exports read: a period's radio log, oldest first, and the
//! roll-calls begun in it, station by station. A roll-call is rebuilt from
//! its frozen roster and its steps, as the console rebuilds it, so an export
//! shows it as the coordinator left it (open, saved, corrected or voided).

use super::rollcalls::{read_roll_call, record_row, RollCallRecord, RECORD_SELECT};
use super::{from_ts, ts, Result, Store};
use crate::domain::rollcall::{Answer, Entry, Station};
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

/// One station of a roll-call and what became of it (`None`: not answered,
/// as on a roll-call still open or voided before its turn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationAnswer {
    pub station: Station,
    pub entry: Option<Entry>,
}

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
            let rollcall = read_roll_call(conn, record.id)?.rollcall;
            let stations = if rollcall.stations.is_empty() {
                // made in bulk (the demo's history, a benchmark store): its
                // answers only, with no roster or steps to rebuild it from
                answers_only(conn, record.id)?
            } else {
                record.summary = rollcall.summary();
                rollcall
                    .stations
                    .iter()
                    .enumerate()
                    .map(|(i, s)| StationAnswer {
                        station: s.clone(),
                        entry: rollcall.entry(i).cloned(),
                    })
                    .collect()
            };
            out.push(RollCallExport { record, stations });
        }
        Ok(out)
    }
}

/// A roll-call's saved answers, by zone then call sign as a roster is, with
/// each radio's member and zone as they are now (none was frozen for it).
fn answers_only(c: &rusqlite::Connection, id: i64) -> Result<Vec<StationAnswer>> {
    let mut st = c.prepare_cached(
        "SELECT a.radio_id, r.call_sign, COALESCE(m.name, ''), COALESCE(z.name, ''), a.answer, a.late, a.replaced
         FROM roll_call_answers a JOIN radios r ON r.id = a.radio_id
         LEFT JOIN members m ON m.id = r.member_id LEFT JOIN zones z ON z.id = m.zone_id
         WHERE a.roll_call_id = ?1 ORDER BY COALESCE(z.name, '~'), r.call_sign",
    )?;
    let rows = st.query_map([id], |r| {
        let answer: String = r.get(4)?;
        let replaced: Option<String> = r.get(6)?;
        Ok(StationAnswer {
            station: Station {
                radio_id: r.get(0)?,
                call_sign: r.get(1)?,
                member: r.get(2)?,
                zone: r.get(3)?,
            },
            entry: match Answer::from_code(&answer) {
                Some(answer) => Some(Entry {
                    answer,
                    late: r.get(5)?,
                    replaced: replaced.as_deref().and_then(Answer::from_code),
                }),
                None => None,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
