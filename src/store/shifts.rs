//! Shifts, the occurrence log and handovers. The log is append-only here:
//! there is no update or delete of an entry, only a new entry that amends.

use super::incidents::PLACE_LABEL;
use super::{audit, from_ts, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::shift::{
    HandoverFacts, HandoverRecord, LogEntry, OpenIncidentLine, RadioLine, RollCallLine, Shift,
    SightingLine, WaitingHitLine,
};
use crate::domain::text::tidy_input;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, Row};

/// The longest occurrence log entry kept, in characters.
pub const LOG_ENTRY_MAX: usize = 2000;

const LOG_SELECT: &str = "SELECT l.id, l.at, o.name, l.text, l.amends,
        (SELECT MAX(a.id) FROM occurrence_log a WHERE a.amends = l.id)
     FROM occurrence_log l JOIN operators o ON o.id = l.operator_id";

fn log_entry(r: &Row) -> rusqlite::Result<LogEntry> {
    Ok(LogEntry {
        id: r.get(0)?,
        at: from_ts(r.get(1)?),
        operator: r.get(2)?,
        text: r.get(3)?,
        amends: r.get(4)?,
        amended_by: r.get(5)?,
    })
}

fn shift_row(r: &Row) -> rusqlite::Result<Shift> {
    Ok(Shift {
        id: r.get(0)?,
        operator_id: r.get(1)?,
        started_at: from_ts(r.get(2)?),
        ended_at: r.get::<_, Option<i64>>(3)?.map(from_ts),
    })
}

const HANDOVER_SELECT: &str =
    "SELECT h.id, h.shift_id, o.name, h.at, h.body, a.name, h.acknowledged_at
     FROM handovers h JOIN operators o ON o.id = h.operator_id
     LEFT JOIN operators a ON a.id = h.acknowledged_by";

fn handover_row(r: &Row) -> rusqlite::Result<HandoverRecord> {
    Ok(HandoverRecord {
        id: r.get(0)?,
        shift_id: r.get(1)?,
        from: r.get(2)?,
        at: from_ts(r.get(3)?),
        body: r.get(4)?,
        acknowledged_by: r.get(5)?,
        acknowledged_at: r.get::<_, Option<i64>>(6)?.map(from_ts),
    })
}

impl Store {
    /// Begin a shift for this operator, or carry on the one they left open
    /// (a console restarted, or locked and unlocked, is the same shift).
    pub fn start_shift(&mut self, operator: i64, now: DateTime<Utc>) -> Result<Shift> {
        self.write(|tx| {
            let open = tx
                .prepare_cached(
                    "SELECT id, operator_id, started_at, ended_at FROM shifts
                     WHERE operator_id = ?1 AND ended_at IS NULL ORDER BY id DESC LIMIT 1",
                )?
                .query_row([operator], shift_row)
                .optional()?;
            if let Some(s) = open {
                return Ok(s);
            }
            tx.execute(
                "INSERT INTO shifts (operator_id, started_at) VALUES (?1, ?2)",
                params![operator, ts(now)],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Start,
                "shift",
                Some(id),
                "",
            )?;
            Ok(Shift {
                id,
                operator_id: operator,
                started_at: from_ts(ts(now)),
                ended_at: None,
            })
        })
    }

    /// End a shift, keeping its handover as it was shown. Refused if the
    /// shift was already ended (by this operator on another console).
    pub fn end_shift(
        &mut self,
        shift: i64,
        operator: i64,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<HandoverRecord> {
        let id = self.write(|tx| {
            let n = tx.execute(
                "UPDATE shifts SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL",
                params![shift, ts(now)],
            )?;
            if n == 0 {
                return Err(StoreError::Invalid(format!(
                    "shift {shift} has already ended"
                )));
            }
            tx.execute(
                "INSERT INTO handovers (shift_id, operator_id, at, body) VALUES (?1, ?2, ?3, ?4)",
                params![shift, operator, ts(now), body],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::End,
                "shift",
                Some(shift),
                &format!("handover {id}"),
            )?;
            Ok(id)
        })?;
        self.handover(id)?
            .ok_or_else(|| StoreError::NotFound(format!("handover {id}")))
    }

    pub fn handover(&self, id: i64) -> Result<Option<HandoverRecord>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("{HANDOVER_SELECT} WHERE h.id = ?1"))?
            .query_row([id], handover_row)
            .optional()?)
    }

    /// The newest handover nobody has taken over yet, from someone else.
    pub fn pending_handover(&self, operator: i64) -> Result<Option<HandoverRecord>> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "{HANDOVER_SELECT} WHERE h.acknowledged_at IS NULL AND h.operator_id <> ?1
                 ORDER BY h.id DESC LIMIT 1"
            ))?
            .query_row([operator], handover_row)
            .optional()?)
    }

    /// Take over a handover (and any older ones still waiting: the newest
    /// carries everything still open).
    pub fn acknowledge_handover(
        &mut self,
        id: i64,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE handovers SET acknowledged_by = ?2, acknowledged_at = ?3
                 WHERE id <= ?1 AND acknowledged_at IS NULL",
                params![id, operator, ts(now)],
            )?;
            if n == 0 {
                return Err(StoreError::Invalid(format!(
                    "handover {id} was already taken over"
                )));
            }
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Acknowledge,
                "handover",
                Some(id),
                "",
            )?;
            Ok(())
        })
    }

    /// Add an entry to the occurrence log (or amend one: a new entry naming it).
    pub fn add_log_entry(
        &mut self,
        shift: Option<i64>,
        operator: i64,
        text: &str,
        amends: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<LogEntry> {
        let text = tidy_input(text);
        if text.is_empty() {
            return Err(StoreError::Invalid("say what happened".into()));
        }
        if text.chars().count() > LOG_ENTRY_MAX {
            return Err(StoreError::Invalid(format!(
                "an entry holds at most {LOG_ENTRY_MAX} characters; split it"
            )));
        }
        let id = self.write(|tx| {
            if let Some(a) = amends {
                let exists: bool = tx.query_row(
                    "SELECT EXISTS(SELECT 1 FROM occurrence_log WHERE id = ?1)",
                    [a],
                    |r| r.get(0),
                )?;
                if !exists {
                    return Err(StoreError::NotFound(format!("log entry #{a}")));
                }
            }
            tx.execute(
                "INSERT INTO occurrence_log (shift_id, operator_id, at, text, amends)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![shift, operator, ts(now), text, amends],
            )?;
            let id = tx.last_insert_rowid();
            // the text stays in the log, where retention reaches it
            let detail = amends.map(|a| format!("amends {a}")).unwrap_or_default();
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Log,
                "occurrence",
                Some(id),
                &detail,
            )?;
            Ok(id)
        })?;
        self.conn()
            .prepare_cached(&format!("{LOG_SELECT} WHERE l.id = ?1"))?
            .query_row([id], log_entry)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("log entry #{id}")))
    }

    /// The occurrence log, newest first.
    pub fn occurrence_log(&self, limit: usize) -> Result<Vec<LogEntry>> {
        let mut st = self
            .conn()
            .prepare_cached(&format!("{LOG_SELECT} ORDER BY l.id DESC LIMIT ?1"))?;
        let rows = st.query_map([limit as i64], log_entry)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What the next operator needs to know as this shift ends at `now`.
    pub fn handover_facts(&self, shift: &Shift, now: DateTime<Utc>) -> Result<HandoverFacts> {
        let c = self.conn();
        let operator: String = c.query_row(
            "SELECT name FROM operators WHERE id = ?1",
            [shift.operator_id],
            |r| r.get(0),
        )?;
        let open_incidents = c
            .prepare(&format!(
                "SELECT i.id, i.kind, i.priority, i.status, {PLACE_LABEL}, i.summary, i.opened_at
                 FROM incidents i LEFT JOIN zones z ON z.id = i.zone_id
                 LEFT JOIN members m ON m.id = i.member_id
                 WHERE i.closed = 0 ORDER BY i.priority, i.opened_at, i.id LIMIT 200"
            ))?
            .query_map([], |r| {
                Ok(OpenIncidentLine {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    priority: r.get(2)?,
                    status: r.get(3)?,
                    place: r.get(4)?,
                    summary: r.get(5)?,
                    opened_at: from_ts(r.get(6)?),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let waiting_hits = c
            .prepare(
                "SELECT h.id, h.raised_at, h.kind, o.name, COALESCE(z.name, '')
                 FROM hits h JOIN offenders o ON o.id = h.offender_id
                 LEFT JOIN zones z ON z.id = h.zone_id
                 WHERE h.status = 'new' ORDER BY h.raised_at, h.id LIMIT 200",
            )?
            .query_map([], |r| {
                Ok(WaitingHitLine {
                    id: r.get(0)?,
                    raised_at: from_ts(r.get(1)?),
                    kind: r.get(2)?,
                    offender: r.get(3)?,
                    place: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let tonight = (shift.started_at).min(now - Duration::hours(12));
        // tonight's real roll-call, and the practice ones apart (void ones are in neither)
        let roll_call_line = |r: &rusqlite::Row| {
            Ok(RollCallLine {
                started_at: from_ts(r.get(0)?),
                finished: r.get(1)?,
                practice: r.get(2)?,
                expected: r.get(3)?,
                answered: r.get(4)?,
                nothing_heard: r.get(5)?,
                weak: r.get(6)?,
                late: r.get(7)?,
                corrected: r.get(8)?,
            })
        };
        const LINE: &str =
            "SELECT started_at, finished_at IS NOT NULL, practice, expected, answered,
                        nothing_heard, weak, late, corrected
                 FROM roll_calls WHERE started_at >= ?1 AND voided_at IS NULL";
        let roll_call = c
            .query_row(
                &format!("{LINE} AND practice = 0 ORDER BY started_at DESC, id DESC LIMIT 1"),
                [ts(tonight)],
                roll_call_line,
            )
            .optional()?;
        let practice_roll_calls = c
            .prepare(&format!(
                "{LINE} AND practice = 1 ORDER BY started_at, id LIMIT 20"
            ))?
            .query_map([ts(tonight)], roll_call_line)?
            .collect::<rusqlite::Result<_>>()?;
        let sightings = c
            .prepare(
                "SELECT s.id, s.at, COALESCE(o.name, s.description),
                        COALESCE(cam.name, z.name, s.location, ''),
                        (SELECT h.kind FROM hits h WHERE s.id IN (h.sighting_id, h.last_sighting_id) ORDER BY h.id LIMIT 1)
                 FROM sightings s LEFT JOIN offenders o ON o.id = s.offender_id
                 LEFT JOIN cameras cam ON cam.id = s.camera_id
                 LEFT JOIN zones z ON z.id = s.zone_id
                 WHERE s.at >= ?1 AND s.at <= ?2
                   AND (o.id IS NULL OR o.kind = 'id_sought'
                        OR EXISTS (SELECT 1 FROM hits h WHERE s.id IN (h.sighting_id, h.last_sighting_id)))
                 ORDER BY s.at, s.id LIMIT 200",
            )?
            .query_map(params![ts(shift.started_at), ts(now)], |r| {
                Ok(SightingLine {
                    id: r.get(0)?,
                    at: from_ts(r.get(1)?),
                    who: r.get(2)?,
                    place: r.get(3)?,
                    hit: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let radios = c
            .prepare(
                "SELECT r.call_sign, COALESCE(m.name, 'spare'), r.status
                 FROM radios r LEFT JOIN members m ON m.id = r.member_id
                 WHERE r.status IN ('faulty','in repair','lost','stunned')
                 ORDER BY r.call_sign",
            )?
            .query_map([], |r| {
                Ok(RadioLine {
                    call_sign: r.get(0)?,
                    member: r.get(1)?,
                    status: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let log = c
            .prepare(&format!("{LOG_SELECT} WHERE l.shift_id = ?1 ORDER BY l.id"))?
            .query_map([shift.id], log_entry)?
            .collect::<rusqlite::Result<_>>()?;
        // the anchor, not a walk of the trail: a handover is made in a moment
        let audit_checkpoint = c
            .query_row("SELECT seq, hash FROM audit_anchor WHERE id = 1", [], |r| {
                Ok(crate::domain::audit::Checkpoint {
                    seq: r.get(0)?,
                    hash: r.get(1)?,
                })
            })
            .optional()?;
        Ok(HandoverFacts {
            operator,
            started_at: shift.started_at,
            ended_at: now,
            open_incidents,
            waiting_hits,
            roll_call,
            practice_roll_calls,
            sightings,
            radios,
            log,
            audit_checkpoint,
        })
    }
}
