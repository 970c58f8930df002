//! The radio network: handsets and their history, the day's radio log, and
//! roll-calls (the roster frozen at the start, every step kept as it is taken).

use super::{audit, from_ts, ts, Result, Store, StoreError};
use crate::domain::rollcall::{Answer, RollCall, Station, Step, Summary};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashMap;

pub const RADIO_STATUSES: &[&str] = &["issued", "spare", "faulty", "in repair", "lost", "stunned"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Radio {
    pub id: i64,
    pub call_sign: String,
    pub serial: String,
    pub member_id: Option<i64>,
    pub member: String,
    pub zone: String,
    pub status: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    pub from: String,
    pub to: String,
    pub by: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub call_sign: String,
    pub message: String,
    pub by: String,
}

/// A roll-call in progress, as the console needs it to carry on.
#[derive(Debug, Clone)]
pub struct OpenRollCall {
    pub id: i64,
    pub practice: bool,
    pub started_at: DateTime<Utc>,
    pub rollcall: RollCall,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollCallRecord {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub practice: bool,
    pub summary: Summary,
}

pub fn encode_step(s: &Step) -> String {
    match s {
        Step::Answer(a) => format!("answer|{}", a.code()),
        Step::Late { call_sign, answer } => format!("late|{call_sign}|{}", answer.code()),
        Step::Undo => "undo".into(),
        Step::Finish => "finish".into(),
    }
}

pub fn decode_step(s: &str) -> Option<Step> {
    let parts: Vec<&str> = s.splitn(3, '|').collect();
    match parts.as_slice() {
        ["answer", a] => Answer::from_code(a).map(Step::Answer),
        ["late", cs, a] => Answer::from_code(a).map(|answer| Step::Late {
            call_sign: cs.to_string(),
            answer,
        }),
        ["undo"] => Some(Step::Undo),
        ["finish"] => Some(Step::Finish),
        _ => None,
    }
}

const RADIO_SELECT: &str = "SELECT r.id, r.call_sign, r.serial, r.member_id, COALESCE(m.name, ''), COALESCE(z.name, ''), r.status, r.notes
     FROM radios r LEFT JOIN members m ON m.id = r.member_id LEFT JOIN zones z ON z.id = m.zone_id";

fn radio_row(r: &rusqlite::Row) -> rusqlite::Result<Radio> {
    Ok(Radio {
        id: r.get(0)?,
        call_sign: r.get(1)?,
        serial: r.get(2)?,
        member_id: r.get(3)?,
        member: r.get(4)?,
        zone: r.get(5)?,
        status: r.get(6)?,
        notes: r.get(7)?,
    })
}

fn radio_by_call_sign(tx: &rusqlite::Connection, call_sign: &str) -> Result<Option<(i64, String)>> {
    Ok(tx
        .query_row(
            "SELECT id, status FROM radios WHERE call_sign = ?1",
            [call_sign.trim()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

fn summary_of(r: &rusqlite::Row, from: usize) -> rusqlite::Result<Summary> {
    Ok(Summary {
        expected: r.get::<_, i64>(from)? as usize,
        answered: r.get::<_, i64>(from + 1)? as usize,
        nothing_heard: r.get::<_, i64>(from + 2)? as usize,
        weak: r.get::<_, i64>(from + 3)? as usize,
        relays: r.get::<_, i64>(from + 4)? as usize,
        closed: r.get::<_, i64>(from + 5)? as usize,
        late: r.get::<_, i64>(from + 6)? as usize,
    })
}

impl Store {
    /// Every handset, by zone then call sign.
    pub fn radios(&self) -> Result<Vec<Radio>> {
        let mut st = self.conn().prepare_cached(&format!(
            "{RADIO_SELECT} ORDER BY COALESCE(z.name, '~'), r.call_sign"
        ))?;
        let rows = st.query_map([], radio_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_radio(
        &mut self,
        call_sign: &str,
        serial: &str,
        member: Option<i64>,
        status: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Radio> {
        let call_sign = crate::domain::text::tidy_input(call_sign).to_uppercase();
        let serial = crate::domain::text::tidy_input(serial);
        if call_sign.is_empty() || serial.is_empty() {
            return Err(StoreError::Invalid(
                "a radio needs a call sign and a serial number".into(),
            ));
        }
        if !RADIO_STATUSES.contains(&status) {
            return Err(StoreError::Invalid(format!(
                "unknown status “{status}” ({})",
                RADIO_STATUSES.join(", ")
            )));
        }
        let id = self.write(|tx| {
            if radio_by_call_sign(tx, &call_sign)?.is_some() {
                return Err(StoreError::Invalid(format!(
                    "call sign {call_sign} is already issued to another radio"
                )));
            }
            tx.execute(
                "INSERT INTO radios (call_sign, serial, member_id, status) VALUES (?1, ?2, ?3, ?4)",
                params![call_sign, serial, member, status],
            )
            .map_err(|_| {
                StoreError::Invalid(format!(
                    "serial {serial} is already on the inventory, or that member does not exist"
                ))
            })?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                Some(operator),
                "create",
                "radio",
                Some(id),
                &call_sign,
            )?;
            Ok(id)
        })?;
        self.radio(id)
    }

    /// Change a radio's serial, who it is issued to, and its notes, keeping
    /// what each was (status has its own history).
    pub fn update_radio(
        &mut self,
        id: i64,
        serial: &str,
        member: Option<i64>,
        notes: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Radio> {
        let serial = crate::domain::text::tidy_input(serial);
        if serial.is_empty() {
            return Err(StoreError::Invalid("a radio needs a serial number".into()));
        }
        let current = self.radio(id)?;
        self.write(|tx| {
            let before = super::history::fields(tx, super::history::Owner::Radio(id))?;
            tx.execute(
                "UPDATE radios SET serial = ?1, member_id = ?2, notes = ?3 WHERE id = ?4",
                params![serial, member, crate::domain::text::tidy_input(notes), id],
            )
            .map_err(|_| {
                StoreError::Invalid(format!("serial {serial} is already on another radio"))
            })?;
            super::history::record_since(
                tx,
                super::history::Owner::Radio(id),
                &before,
                now,
                operator,
            )?;
            audit::append(
                tx,
                now,
                Some(operator),
                "update",
                "radio",
                Some(id),
                &current.call_sign,
            )?;
            Ok(())
        })?;
        self.radio(id)
    }

    pub fn radio(&self, id: i64) -> Result<Radio> {
        self.conn()
            .query_row(&format!("{RADIO_SELECT} WHERE r.id = ?1"), [id], radio_row)
            .map_err(|_| StoreError::NotFound(format!("radio {id}")))
    }

    /// Change a handset's status, keeping the history of changes.
    pub fn set_radio_status(
        &mut self,
        id: i64,
        status: &str,
        note: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Radio> {
        if !RADIO_STATUSES.contains(&status) {
            return Err(StoreError::Invalid(format!(
                "unknown status “{status}” ({})",
                RADIO_STATUSES.join(", ")
            )));
        }
        let current = self.radio(id)?;
        if current.status == status {
            return Err(StoreError::Invalid(format!(
                "{} is already {status}",
                current.call_sign
            )));
        }
        self.write(|tx| {
            tx.execute("UPDATE radios SET status = ?1 WHERE id = ?2", params![status, id])?;
            tx.execute(
                "INSERT INTO radio_status_history (radio_id, at, from_status, to_status, operator_id, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, ts(now), current.status, status, operator, crate::domain::text::tidy_input(note)],
            )?;
            audit::append(tx, now, Some(operator), "status", "radio", Some(id), &format!("{} → {status}", current.status))?;
            Ok(())
        })?;
        self.radio(id)
    }

    pub fn radio_history(&self, id: i64) -> Result<Vec<StatusChange>> {
        let mut st = self.conn().prepare_cached(
            "SELECT h.at, h.from_status, h.to_status, COALESCE(o.name, ''), h.note FROM radio_status_history h
             LEFT JOIN operators o ON o.id = h.operator_id WHERE h.radio_id = ?1 ORDER BY h.at, h.id",
        )?;
        let rows = st.query_map([id], |r| {
            Ok(StatusChange {
                at: from_ts(r.get(0)?),
                from: r.get(1)?,
                to: r.get(2)?,
                by: r.get(3)?,
                note: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One line of radio traffic: a known call sign and what it said.
    pub fn log_radio(
        &mut self,
        call_sign: &str,
        message: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<LogLine> {
        let message = crate::domain::text::tidy_input(message);
        if message.is_empty() {
            return Err(StoreError::Invalid(
                "say what was said (e.g. signing on)".into(),
            ));
        }
        let id = self.write(|tx| {
            let (radio, status) = radio_by_call_sign(tx, call_sign)?
                .ok_or_else(|| StoreError::Invalid(format!("no radio has the call sign “{}”", crate::domain::text::tidy_input(call_sign))))?;
            tx.execute(
                "INSERT INTO radio_log (at, radio_id, message, operator_id) VALUES (?1, ?2, ?3, ?4)",
                params![ts(now), radio, message, operator],
            )?;
            let id = tx.last_insert_rowid();
            // the message itself stays in the log, not in the never-pruned trail
            let detail = if matches!(status.as_str(), "lost" | "stunned") {
                format!("message from a radio that is {status}")
            } else {
                String::new()
            };
            audit::append(tx, now, Some(operator), "log", "radio", Some(radio), &detail)?;
            Ok(id)
        })?;
        // by its id: the newest line may be another's (a console a second ahead)
        self.conn()
            .query_row(
                "SELECT l.id, l.at, r.call_sign, l.message, o.name FROM radio_log l JOIN radios r ON r.id = l.radio_id
                 JOIN operators o ON o.id = l.operator_id WHERE l.id = ?1",
                [id],
                |r| {
                    Ok(LogLine {
                        id: r.get(0)?,
                        at: from_ts(r.get(1)?),
                        call_sign: r.get(2)?,
                        message: r.get(3)?,
                        by: r.get(4)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("log line".into()))
    }

    /// The radio log since `since`, newest first.
    pub fn radio_log(&self, since: DateTime<Utc>, limit: usize) -> Result<Vec<LogLine>> {
        let mut st = self.conn().prepare_cached(
            "SELECT l.id, l.at, r.call_sign, l.message, o.name FROM radio_log l JOIN radios r ON r.id = l.radio_id
             JOIN operators o ON o.id = l.operator_id WHERE l.at >= ?1 ORDER BY l.at DESC, l.id DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![ts(since), limit as i64], |r| {
            Ok(LogLine {
                id: r.get(0)?,
                at: from_ts(r.get(1)?),
                call_sign: r.get(2)?,
                message: r.get(3)?,
                by: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Call signs on air: signed on since `since` and not signed off after.
    pub fn on_air(&self, since: DateTime<Utc>) -> Result<Vec<String>> {
        let mut st = self.conn().prepare_cached(
            "SELECT r.call_sign, l.message FROM radio_log l JOIN radios r ON r.id = l.radio_id
             WHERE l.at >= ?1 ORDER BY l.at, l.id",
        )?;
        let mut state: Vec<(String, bool)> = vec![];
        for row in st.query_map([ts(since)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (cs, msg) = row?;
            let m = msg.to_lowercase();
            let on = if m.contains("signing on") || m.contains("sign on") || m == "on" {
                Some(true)
            } else if m.contains("signing off") || m.contains("sign off") || m == "off" {
                Some(false)
            } else {
                None
            };
            if let Some(on) = on {
                state.retain(|(c, _)| *c != cs);
                state.push((cs, on));
            }
        }
        Ok(state
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| c)
            .collect())
    }

    /// The roster: every radio issued to an active member, by zone then call sign.
    pub fn roll_call_roster(&self) -> Result<Vec<Station>> {
        let mut st = self.conn().prepare_cached(
            "SELECT r.id, r.call_sign, m.name, z.name FROM radios r JOIN members m ON m.id = r.member_id
             JOIN zones z ON z.id = m.zone_id
             WHERE r.status = 'issued' AND m.status = 'active' ORDER BY z.name, r.call_sign",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Station {
                radio_id: r.get(0)?,
                call_sign: r.get(1)?,
                member: r.get(2)?,
                zone: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Start tonight's roll-call, or carry on with the one not yet finished.
    pub fn start_roll_call(
        &mut self,
        practice: bool,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<OpenRollCall> {
        if let Some(open) = self.open_roll_call()? {
            return Ok(open);
        }
        let roster = self.roll_call_roster()?;
        if roster.is_empty() {
            return Err(StoreError::Invalid(
                "no radios are issued to active members: nothing to call".into(),
            ));
        }
        let id = self.write(|tx| {
            // checked again inside the write: two coordinators pressing R at
            // the same instant get one roll-call between them
            let open: Option<i64> = tx
                .query_row("SELECT id FROM roll_calls WHERE finished_at IS NULL LIMIT 1", [], |r| r.get(0))
                .optional()?;
            if open.is_some() {
                return Ok(None);
            }
            tx.execute(
                "INSERT INTO roll_calls (started_at, practice, started_by, expected) VALUES (?1, ?2, ?3, ?4)",
                params![ts(now), practice, operator, roster.len() as i64],
            )?;
            let id = tx.last_insert_rowid();
            for (seq, s) in roster.iter().enumerate() {
                tx.execute(
                    "INSERT INTO roll_call_stations (roll_call_id, seq, radio_id, call_sign, member, zone) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id, seq as i64, s.radio_id, s.call_sign, s.member, s.zone],
                )?;
            }
            let what = if practice { "practice roll-call" } else { "roll-call" };
            audit::append(tx, now, Some(operator), "start", "rollcall", Some(id), &format!("{what}: {} stations", roster.len()))?;
            Ok(Some(id))
        })?;
        let Some(id) = id else {
            return self.open_roll_call()?.ok_or_else(|| {
                StoreError::NotFound("the roll-call begun on another console".into())
            });
        };
        Ok(OpenRollCall {
            id,
            practice,
            started_at: now,
            rollcall: RollCall::new(roster),
        })
    }

    /// The roll-call begun and not finished (after the console was closed mid-call), rebuilt from its steps.
    pub fn open_roll_call(&self) -> Result<Option<OpenRollCall>> {
        let row: Option<(i64, bool, i64)> = self
            .conn()
            .query_row(
                "SELECT id, practice, started_at FROM roll_calls WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((id, practice, started)) = row else {
            return Ok(None);
        };
        let mut st = self.conn().prepare_cached(
            "SELECT radio_id, call_sign, member, zone FROM roll_call_stations WHERE roll_call_id = ?1 ORDER BY seq",
        )?;
        let stations: Vec<Station> = st
            .query_map([id], |r| {
                Ok(Station {
                    radio_id: r.get(0)?,
                    call_sign: r.get(1)?,
                    member: r.get(2)?,
                    zone: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut st = self.conn().prepare_cached(
            "SELECT step FROM roll_call_steps WHERE roll_call_id = ?1 ORDER BY seq",
        )?;
        let steps: Vec<Step> = st
            .query_map([id], |r| r.get::<_, String>(0))?
            .filter_map(|s| s.ok().and_then(|s| decode_step(&s)))
            .collect();
        Ok(Some(OpenRollCall {
            id,
            practice,
            started_at: from_ts(started),
            rollcall: RollCall::replay(stations, &steps),
        }))
    }

    /// Keep one step the moment it is taken, so closing the console loses nothing.
    pub fn record_roll_call_step(
        &mut self,
        id: i64,
        seq: usize,
        step: &Step,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO roll_call_steps (roll_call_id, seq, at, step) VALUES (?1, ?2, ?3, ?4)",
                params![id, seq as i64, ts(now), encode_step(step)],
            )?;
            Ok(())
        })
    }

    /// Save the outcome: the summary, and each station's final answer.
    pub fn finish_roll_call(
        &mut self,
        open: &OpenRollCall,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Summary> {
        let r = &open.rollcall;
        if !r.is_finished() {
            return Err(StoreError::Invalid("the roll-call is not finished".into()));
        }
        let s = r.summary();
        self.write(|tx: &Transaction| {
            let n = tx.execute(
                "UPDATE roll_calls SET finished_at = ?1, answered = ?2, nothing_heard = ?3, weak = ?4, relays = ?5, closed = ?6, late = ?7
                 WHERE id = ?8 AND finished_at IS NULL",
                params![ts(now), s.answered as i64, s.nothing_heard as i64, s.weak as i64, s.relays as i64, s.closed as i64, s.late as i64, open.id],
            )?;
            if n == 0 {
                return Err(StoreError::Invalid("that roll-call was already finished".into()));
            }
            for (i, station) in r.stations.iter().enumerate() {
                if let Some(e) = r.entry(i) {
                    let readability = match e.answer {
                        Answer::Heard(n) => Some(n as i64),
                        _ => None,
                    };
                    tx.execute(
                        "INSERT INTO roll_call_answers (roll_call_id, radio_id, answer, readability, late) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![open.id, station.radio_id, e.answer.code(), readability, e.late],
                    )?;
                }
            }
            audit::append(
                tx,
                now,
                Some(operator),
                "finish",
                "rollcall",
                Some(open.id),
                &format!("{} of {} answered, {} nothing heard, {} weak, {} relayed", s.answered, s.expected, s.nothing_heard, s.weak, s.relays),
            )?;
            Ok(())
        })?;
        Ok(s)
    }

    pub fn roll_calls(&self, limit: usize) -> Result<Vec<RollCallRecord>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, started_at, finished_at, practice, expected, answered, nothing_heard, weak, relays, closed, late
             FROM roll_calls ORDER BY started_at DESC, id DESC LIMIT ?1",
        )?;
        let rows = st.query_map([limit as i64], |r| {
            Ok(RollCallRecord {
                id: r.get(0)?,
                started_at: from_ts(r.get(1)?),
                finished_at: r.get::<_, Option<i64>>(2)?.map(from_ts),
                practice: r.get(3)?,
                summary: summary_of(r, 4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Each radio's answers on the last `n` real (not practice) roll-calls, oldest first.
    pub fn recent_answers(&self, n: usize) -> Result<HashMap<i64, Vec<Answer>>> {
        let mut st = self.conn().prepare_cached(
            "SELECT a.radio_id, a.answer FROM roll_call_answers a
             JOIN (SELECT id, started_at FROM roll_calls WHERE practice = 0 AND finished_at IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT ?1) rc
               ON rc.id = a.roll_call_id
             ORDER BY rc.started_at, rc.id",
        )?;
        let mut out: HashMap<i64, Vec<Answer>> = HashMap::new();
        for row in st.query_map([n as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })? {
            let (radio, code) = row?;
            if let Some(a) = Answer::from_code(&code) {
                out.entry(radio).or_default().push(a);
            }
        }
        Ok(out)
    }

    /// Per zone: the share of answers that were loud and clear on the last `n` real roll-calls.
    pub fn coverage_by_zone(&self, n: usize) -> Result<Vec<(String, f64, usize)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT z.name, AVG(CASE WHEN a.readability = 5 THEN 1.0 ELSE 0.0 END), COUNT(*) FROM roll_call_answers a
             JOIN (SELECT id FROM roll_calls WHERE practice = 0 AND finished_at IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT ?1) rc
               ON rc.id = a.roll_call_id
             JOIN radios r ON r.id = a.radio_id JOIN members m ON m.id = r.member_id JOIN zones z ON z.id = m.zone_id
             WHERE a.answer <> 'closed'
             GROUP BY z.name ORDER BY z.name",
        )?;
        let rows = st.query_map([n as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<f64>>(1)?.unwrap_or(0.0),
                r.get::<_, i64>(2)? as usize,
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_round_trip_through_the_store_encoding() {
        for s in [
            Step::Answer(Answer::Heard(4)),
            Step::Answer(Answer::RelayedVia("MS02".into())),
            Step::Late {
                call_sign: "HS01".into(),
                answer: Answer::NothingHeard,
            },
            Step::Undo,
            Step::Finish,
        ] {
            assert_eq!(decode_step(&encode_step(&s)), Some(s));
        }
        assert_eq!(decode_step("dance"), None);
    }
}
