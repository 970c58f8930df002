//! The radio log read a window at a time, from its newest line back to its
//! first, narrowed to a call sign, words of the messages (the full-text
//! index) or a day; and a past roll-call read back station by station.

use super::radios::LogLine;
use super::rollcalls::RollCallRecord;
use super::{from_ts, ts, Result, Store};
use crate::domain::rollcall::{Answer, Entry, Station, Summary};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::OptionalExtension as _;

/// What the radio log is narrowed to (nothing: every line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// One station's lines.
    pub call_sign: Option<String>,
    /// Words each message must hold (each the start of a word there).
    pub words: Vec<String>,
    /// Lines in `[from, to)`: a day in the scheme's time.
    pub between: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// One station of a roll-call and what became of it (`entry` none: not
/// answered, as on a roll-call still open or voided before its turn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastStation {
    pub station: Station,
    pub entry: Option<Entry>,
    /// When and by whom the answer kept was given (unknown for a roll-call
    /// kept only as its answers).
    pub at: Option<DateTime<Utc>>,
    pub by: String,
}

/// A roll-call read back: its record and every station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastRollCall {
    pub record: RollCallRecord,
    pub stations: Vec<PastStation>,
}

pub(super) const LOG_SELECT: &str =
    "SELECT l.id, l.at, r.call_sign, l.message, o.name, r.status FROM radio_log l
     JOIN radios r ON r.id = l.radio_id JOIN operators o ON o.id = l.operator_id";

pub(super) fn log_row(r: &rusqlite::Row) -> rusqlite::Result<LogLine> {
    Ok(LogLine {
        id: r.get(0)?,
        at: from_ts(r.get(1)?),
        call_sign: r.get(2)?,
        message: r.get(3)?,
        by: r.get(4)?,
        status: r.get(5)?,
    })
}

impl Store {
    /// The `WHERE` clause and its values for a filter; `None` when its
    /// words can match nothing.
    fn log_where(&self, f: &LogFilter) -> Result<Option<(String, Vec<Value>)>> {
        let mut clauses = vec!["1".to_string()];
        let mut values: Vec<Value> = vec![];
        if let Some(cs) = &f.call_sign {
            values.push(Value::Text(cs.trim().to_uppercase()));
            clauses.push(format!("r.call_sign = ?{}", values.len()));
        }
        if let Some((from, to)) = f.between {
            values.push(Value::Integer(ts(from)));
            values.push(Value::Integer(ts(to)));
            clauses.push(format!(
                "l.at >= ?{} AND l.at < ?{}",
                values.len() - 1,
                values.len()
            ));
        }
        if !f.words.is_empty() {
            let Some(query) = self.text_query(&f.words)? else {
                return Ok(None);
            };
            values.push(Value::Text(query));
            // radio messages are kept in the index as rowid id * 8 + 4
            clauses.push(format!(
                "l.id IN (SELECT rowid >> 3 FROM text_index WHERE text_index MATCH ?{} AND (rowid & 7) = 4)",
                values.len()
            ));
        }
        Ok(Some((clauses.join(" AND "), values)))
    }

    /// How many lines the filter keeps.
    pub fn radio_log_count(&self, f: &LogFilter) -> Result<usize> {
        let Some((clause, values)) = self.log_where(f)? else {
            return Ok(0);
        };
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT COUNT(*) FROM radio_log l JOIN radios r ON r.id = l.radio_id WHERE {clause}"
        ))?;
        let n: i64 = st.query_row(rusqlite::params_from_iter(values), |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Up to `limit` lines the filter keeps, newest first, from the
    /// `offset`-th newest of `total` (as [`Store::radio_log_count`] gave).
    /// A window nearer the first line is read from that end, so the log's
    /// first page costs what its last does.
    pub fn radio_log_window(
        &self,
        f: &LogFilter,
        offset: usize,
        limit: usize,
        total: usize,
    ) -> Result<Vec<LogLine>> {
        let Some((clause, mut values)) = self.log_where(f)? else {
            return Ok(vec![]);
        };
        let from_oldest = offset > total.saturating_sub(offset + limit);
        let (order, skip, take) = if from_oldest {
            let end = (offset + limit).min(total);
            ("ASC", total - end, end.saturating_sub(offset))
        } else {
            ("DESC", offset, limit)
        };
        values.push(Value::Integer(take as i64));
        values.push(Value::Integer(skip as i64));
        let n = values.len();
        let mut st = self.conn().prepare_cached(&format!(
            "{LOG_SELECT} WHERE {clause} ORDER BY l.at {order}, l.id {order} LIMIT ?{} OFFSET ?{n}",
            n - 1
        ))?;
        let mut lines: Vec<LogLine> = st
            .query_map(rusqlite::params_from_iter(values), log_row)?
            .collect::<rusqlite::Result<_>>()?;
        if from_oldest {
            lines.reverse();
        }
        Ok(lines)
    }

    /// Where line `id` is in the whole log, newest first (0: the newest).
    pub fn radio_log_position(&self, id: i64) -> Result<Option<usize>> {
        let n: Option<i64> = self
            .conn()
            .query_row(
                "SELECT (SELECT COUNT(*) FROM radio_log n WHERE n.at > l.at OR (n.at = l.at AND n.id > l.id))
                 FROM radio_log l WHERE l.id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(n.map(|n| n as usize))
    }

    /// How many roll-calls there are, voided and practice ones included.
    pub fn roll_call_count(&self) -> Result<usize> {
        let n: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM roll_calls", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// Roll-call `id` station by station, or `None` if there is none.
    pub fn past_roll_call(&self, id: i64) -> Result<Option<PastRollCall>> {
        let Some(mut record) = self.roll_call_record(id)? else {
            return Ok(None);
        };
        let (stations, rebuilt) = stations_of(self.conn(), id)?;
        if let Some(summary) = rebuilt {
            record.summary = summary;
        }
        Ok(Some(PastRollCall { record, stations }))
    }

    /// Up to `limit` roll-calls from the `offset`-th newest, newest first.
    pub fn roll_calls_window(&self, offset: usize, limit: usize) -> Result<Vec<RollCallRecord>> {
        super::rollcalls::records_window(self.conn(), offset, limit)
    }
}

/// Roll-call `id`'s stations in calling order, from its frozen roster and
/// steps, with the summary they give (a roll-call voided while open keeps
/// zeros in its row). One made in bulk (the demo's history, a benchmark
/// store) has only its saved answers: those, by zone then call sign as a
/// roster is, with each radio's member and zone as they are now.
pub(super) fn stations_of(
    c: &rusqlite::Connection,
    id: i64,
) -> Result<(Vec<PastStation>, Option<Summary>)> {
    let (kept, summary) = super::rollcalls::kept_stations(c, id)?;
    if !kept.is_empty() {
        return Ok((kept, Some(summary)));
    }
    let mut st = c.prepare_cached(
        "SELECT a.radio_id, r.call_sign, COALESCE(m.name, ''), COALESCE(z.name, ''), a.answer, a.late, a.replaced
         FROM roll_call_answers a JOIN radios r ON r.id = a.radio_id
         LEFT JOIN members m ON m.id = r.member_id LEFT JOIN zones z ON z.id = m.zone_id
         WHERE a.roll_call_id = ?1 ORDER BY COALESCE(z.name, '~'), r.call_sign",
    )?;
    let rows = st.query_map([id], |r| {
        let answer: String = r.get(4)?;
        let replaced: Option<String> = r.get(6)?;
        Ok(PastStation {
            station: Station {
                radio_id: r.get(0)?,
                call_sign: r.get(1)?,
                member: r.get(2)?,
                zone: r.get(3)?,
            },
            entry: Answer::from_code(&answer).map(|answer| Entry {
                answer,
                late: r.get(5).unwrap_or(false),
                replaced: replaced.as_deref().and_then(Answer::from_code),
            }),
            at: None,
            by: String::new(),
        })
    })?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, None))
}
