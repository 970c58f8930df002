//! Roll-calls: the roster frozen at the start, every step kept as it is
//! taken, the outcome saved at the end (and written again for a late
//! check-in or correction after it), voiding, and the radios' recent answers.
//!
//! Over 800 lines: every write to a roll-call settles a clash with another
//! console inside the same transaction, so the steps, the saving and what
//! comes after it share the reading and writing of the outcome here.
//!
//! Two coordinators can share one roll-call. Each step is kept with the
//! sequence number the console expected; when another console's steps got
//! there first, the store decides, inside the same write, whether the step
//! still means what its coordinator meant (the domain's `still_means`): if
//! so it is kept after the others', if not it is refused as a
//! [`RollCallClash`] naming who got there first and when. Never an SQL error.

use super::{audit, from_ts, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::rollcall::{Answer, Clash, RollCall, Station, Step, Summary};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::HashMap;

/// A roll-call in progress, as the console needs it to carry on.
#[derive(Debug, Clone)]
pub struct OpenRollCall {
    pub id: i64,
    pub practice: bool,
    pub started_at: DateTime<Utc>,
    /// Who began it.
    pub started_by: String,
    pub rollcall: RollCall,
    /// The sequence number the next step will be kept under, as far as this
    /// copy has read: another console's steps since start from here.
    pub next_seq: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollCallRecord {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub practice: bool,
    pub summary: Summary,
    /// Who began it, and who saved it (empty when not known: saved before
    /// the store kept it, or not yet saved).
    pub started_by: String,
    pub finished_by: String,
    /// Voided: when, by whom and why (then in no figure or mark).
    pub voided: Option<Voided>,
}

/// A roll-call voided: kept, but left out of every figure and mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voided {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

/// What became of a step given to [`Store::record_roll_call_step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKept {
    /// Kept straight after the steps the console had.
    InTurn,
    /// Another console's steps came first; this one still meant the same and
    /// was kept after them (the console should read them).
    AfterOthers,
}

/// A roll-call step refused because another console got there first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollCallClash {
    pub what: ClashWhat,
    /// Who took the step that got there first (empty if not known), and when.
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClashWhat {
    /// The station had been answered: its call sign, the answer kept, and
    /// the answer refused (the same or not).
    Answered {
        call_sign: String,
        kept: Answer,
        yours: Answer,
    },
    /// Finished early at another console: the rest counted as nothing heard.
    Finished { yours: String },
    /// The roll-call moved on: the station is no longer the one called, or
    /// an undo would take back another's step.
    MovedOn { yours: String },
    /// Saved at another console (`None`: this was a second save).
    Saved { yours: Option<String> },
}

impl RollCallClash {
    /// What the coordinator is told, the time on the scheme's clock.
    pub fn describe(&self, tz: chrono_tz::Tz) -> String {
        let who = if self.by.is_empty() {
            "another console".to_string()
        } else {
            self.by.clone()
        };
        let at = self.at.with_timezone(&tz).format("%H:%M:%S");
        match &self.what {
            ClashWhat::Answered {
                call_sign,
                kept,
                yours,
            } if kept == yours => format!(
                "{call_sign} was already answered by {who} at {at} ({}), as you had it: it counts once",
                kept.label()
            ),
            ClashWhat::Answered {
                call_sign,
                kept,
                yours,
            } => format!(
                "{call_sign} was already answered by {who} at {at} ({}): your {} was not kept",
                kept.label(),
                yours.label()
            ),
            ClashWhat::Finished { yours } => format!(
                "the roll-call was finished by {who} at {at} (the rest counted as nothing heard): your {yours} was not kept"
            ),
            ClashWhat::MovedOn { yours } => format!(
                "the roll-call moved on at {who}'s console at {at}: your {yours} was not kept; the screen shows it as it is now"
            ),
            ClashWhat::Saved { yours: Some(yours) } => {
                format!("the roll-call was saved by {who} at {at}: your {yours} was not kept")
            }
            ClashWhat::Saved { yours: None } => {
                format!("the roll-call was already saved by {who} at {at}")
            }
        }
    }
}

impl std::fmt::Display for RollCallClash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (UTC)", self.describe(chrono_tz::UTC))
    }
}

/// A step as a coordinator would name it: "answer (4 of 5)", "undo".
fn step_words(s: &Step) -> String {
    match s {
        Step::Answer(a) => format!("answer ({})", a.label()),
        Step::Late { call_sign, answer } => {
            format!("late check-in for {call_sign} ({})", answer.label())
        }
        Step::Correct { call_sign, answer } => {
            format!("correction of {call_sign} to {}", answer.label())
        }
        Step::Undo => "undo".into(),
        Step::Finish => "finish".into(),
    }
}

/// What another console has done to a roll-call this one has open.
#[derive(Debug, Clone)]
pub enum RollCallNews {
    /// Still open: the steps kept from the sequence number asked for (none
    /// when nothing is new), and the number the next will be kept under.
    Open { steps: Vec<Step>, next_seq: usize },
    /// Saved.
    Saved(RollCallRecord),
    /// No longer in the store.
    Gone,
}

/// Who took a kept step, and when.
#[derive(Debug, Clone)]
struct StepMeta {
    seq: i64,
    at: DateTime<Utc>,
    by: String,
}

/// A roll-call rebuilt from the store: its state, and for each step it
/// applied (in the order of `rollcall.steps`) who took it.
pub(super) struct Kept {
    pub(super) rollcall: RollCall,
    meta: Vec<StepMeta>,
    next_seq: usize,
}

/// Read roll-call `id`'s roster and steps (its own rows only, by its key).
pub(super) fn read_roll_call(c: &Connection, id: i64) -> Result<Kept> {
    let mut st = c.prepare_cached(
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
    let mut st = c.prepare_cached(
        "SELECT s.seq, s.at, s.step, COALESCE(o.name, '') FROM roll_call_steps s
         LEFT JOIN operators o ON o.id = s.operator_id WHERE s.roll_call_id = ?1 ORDER BY s.seq",
    )?;
    let rows = st.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut rollcall = RollCall::new(stations);
    let mut meta = vec![];
    let mut next_seq = 0;
    for row in rows {
        let (seq, at, text, by) = row?;
        next_seq = next_seq.max(seq as usize + 1);
        // as `RollCall::replay`: a step that would be refused now never counted
        if let Some(step) = decode_step(&text) {
            if rollcall.apply(step).is_ok() {
                meta.push(StepMeta {
                    seq,
                    at: from_ts(at),
                    by,
                });
            }
        }
    }
    Ok(Kept {
        rollcall,
        meta,
        next_seq,
    })
}

/// Roll-call `id`'s stations as its steps left them, with who gave each
/// answer kept and when, and the summary they give (no stations when only
/// its answers were kept).
pub(super) fn kept_stations(
    c: &Connection,
    id: i64,
) -> Result<(Vec<super::radio_log::PastStation>, Summary)> {
    let kept = read_roll_call(c, id)?;
    let r = &kept.rollcall;
    let stations = r
        .stations
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let meta = r.answered_by(i).and_then(|step| kept.meta.get(step));
            super::radio_log::PastStation {
                station: s.clone(),
                entry: r.entry(i).cloned(),
                at: meta.map(|m| m.at),
                by: meta.map(|m| m.by.clone()).unwrap_or_default(),
            }
        })
        .collect();
    Ok((stations, r.summary()))
}

/// Up to `limit` roll-calls from the `offset`-th newest, newest first.
pub(super) fn records_window(
    c: &Connection,
    offset: usize,
    limit: usize,
) -> Result<Vec<RollCallRecord>> {
    let mut st = c.prepare_cached(&format!(
        "{RECORD_SELECT} ORDER BY r.started_at DESC, r.id DESC LIMIT ?1 OFFSET ?2"
    ))?;
    let rows = st.query_map(params![limit as i64, offset as i64], record_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Why `step` (taken after the first `seen` of `kept`'s steps) was refused.
fn clash_error(kept: &Kept, clash: Clash, step: &Step) -> StoreError {
    let r = &kept.rollcall;
    let meta = |i: usize| kept.meta.get(i).cloned();
    let (what, by_step) = match clash {
        Clash::Answered { by_step, .. } if r.steps.get(by_step) == Some(&Step::Finish) => (
            ClashWhat::Finished {
                yours: step_words(step),
            },
            by_step,
        ),
        Clash::Answered { station, by_step } => {
            let yours = match step {
                Step::Answer(a)
                | Step::Late { answer: a, .. }
                | Step::Correct { answer: a, .. } => a.clone(),
                _ => Answer::NothingHeard,
            };
            (
                ClashWhat::Answered {
                    call_sign: r.stations[station].call_sign.clone(),
                    kept: r
                        .entry(station)
                        .map(|e| e.answer.clone())
                        .unwrap_or(Answer::NothingHeard),
                    yours,
                },
                by_step,
            )
        }
        Clash::MovedOn { by_step } => (
            ClashWhat::MovedOn {
                yours: step_words(step),
            },
            by_step,
        ),
    };
    let m = meta(by_step);
    StoreError::RollCallClash(RollCallClash {
        what,
        by: m.as_ref().map(|m| m.by.clone()).unwrap_or_default(),
        at: m.map(|m| m.at).unwrap_or(DateTime::<Utc>::MIN_UTC),
    })
}

pub(super) const RECORD_SELECT: &str = "SELECT r.id, r.started_at, r.finished_at, r.practice, r.expected, r.answered, r.nothing_heard, r.weak, r.relays, r.closed, r.late,
     COALESCE(s.name, ''), COALESCE(f.name, ''), r.corrected, r.voided_at, COALESCE(v.name, ''), r.void_reason
     FROM roll_calls r LEFT JOIN operators s ON s.id = r.started_by LEFT JOIN operators f ON f.id = r.finished_by
     LEFT JOIN operators v ON v.id = r.voided_by";

/// The roll-calls every figure and mark counts: real ones, saved, not voided
/// (`r` is `roll_calls`). Practice ones are counted apart, as practice.
pub(crate) const COUNTED: &str =
    "r.practice = 0 AND r.finished_at IS NOT NULL AND r.voided_at IS NULL";

pub(super) fn record_row(r: &rusqlite::Row) -> rusqlite::Result<RollCallRecord> {
    let mut summary = summary_of(r, 4)?;
    summary.corrected = r.get::<_, i64>(13)? as usize;
    Ok(RollCallRecord {
        id: r.get(0)?,
        started_at: from_ts(r.get(1)?),
        finished_at: r.get::<_, Option<i64>>(2)?.map(from_ts),
        practice: r.get(3)?,
        summary,
        started_by: r.get(11)?,
        finished_by: r.get(12)?,
        voided: match r.get::<_, Option<i64>>(14)? {
            Some(at) => Some(Voided {
                at: from_ts(at),
                by: r.get(15)?,
                reason: r.get(16)?,
            }),
            None => None,
        },
    })
}

pub fn encode_step(s: &Step) -> String {
    match s {
        Step::Answer(a) => format!("answer|{}", a.code()),
        Step::Late { call_sign, answer } => format!("late|{call_sign}|{}", answer.code()),
        Step::Correct { call_sign, answer } => format!("correct|{call_sign}|{}", answer.code()),
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
        ["correct", cs, a] => Answer::from_code(a).map(|answer| Step::Correct {
            call_sign: cs.to_string(),
            answer,
        }),
        ["undo"] => Some(Step::Undo),
        ["finish"] => Some(Step::Finish),
        _ => None,
    }
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
        corrected: 0,
    })
}

/// Write roll-call `id`'s outcome as `r` has it: the summary, and each
/// station's answer (the answer it replaced, if corrected).
fn write_outcome(tx: &Transaction, id: i64, r: &RollCall) -> Result<()> {
    let s = r.summary();
    tx.execute(
        "UPDATE roll_calls SET answered = ?1, nothing_heard = ?2, weak = ?3, relays = ?4, closed = ?5, late = ?6, corrected = ?7
         WHERE id = ?8",
        params![
            s.answered as i64,
            s.nothing_heard as i64,
            s.weak as i64,
            s.relays as i64,
            s.closed as i64,
            s.late as i64,
            s.corrected as i64,
            id
        ],
    )?;
    tx.execute(
        "DELETE FROM roll_call_answers WHERE roll_call_id = ?1",
        [id],
    )?;
    let mut st = tx.prepare_cached(
        "INSERT INTO roll_call_answers (roll_call_id, radio_id, answer, readability, late, replaced)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, station) in r.stations.iter().enumerate() {
        if let Some(e) = r.entry(i) {
            let readability = match e.answer {
                Answer::Heard(n) => Some(n as i64),
                _ => None,
            };
            st.execute(params![
                id,
                station.radio_id,
                e.answer.code(),
                readability,
                e.late,
                e.replaced.as_ref().map(Answer::code)
            ])?;
        }
    }
    Ok(())
}

/// The audit line for a step that puts an answer right or takes one late
/// (the others are the call itself, summed up when it is saved).
fn audit_step(
    tx: &Transaction,
    id: i64,
    step: &Step,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let action = match step {
        Step::Late { .. } => AuditAction::Late,
        Step::Correct { .. } => AuditAction::Correct,
        _ => return Ok(()),
    };
    audit::append(
        tx,
        now,
        Some(operator),
        action,
        "rollcall",
        Some(id),
        &step_words(step),
    )?;
    Ok(())
}

impl Store {
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

    /// When each of `radios` was last heard: a line in the radio log (typed,
    /// or from ingest), or an answer heard or relayed on a roll-call not
    /// voided (at the time the roll-call began). One indexed look each.
    pub fn last_heard(&self, radios: &[i64]) -> Result<HashMap<i64, DateTime<Utc>>> {
        let mut log = self
            .conn()
            .prepare_cached("SELECT MAX(at) FROM radio_log WHERE radio_id = ?1")?;
        let mut answered = self.conn().prepare_cached(
            "SELECT rc.started_at FROM roll_call_answers a JOIN roll_calls rc ON rc.id = a.roll_call_id
             WHERE a.radio_id = ?1 AND (a.answer LIKE 'heard:%' OR a.answer LIKE 'relay:%')
               AND rc.voided_at IS NULL
             ORDER BY a.roll_call_id DESC LIMIT 1",
        )?;
        let mut heard = HashMap::new();
        for &id in radios {
            let in_log: Option<i64> = log.query_row([id], |r| r.get(0))?;
            let on_call: Option<i64> = answered.query_row([id], |r| r.get(0)).optional()?;
            if let Some(at) = in_log.max(on_call) {
                heard.insert(id, from_ts(at));
            }
        }
        Ok(heard)
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
            audit::append(tx, now, Some(operator), AuditAction::Start, "rollcall", Some(id), &format!("{what}: {} stations", roster.len()))?;
            Ok(Some(id))
        })?;
        let Some(id) = id else {
            return self.open_roll_call()?.ok_or_else(|| {
                StoreError::NotFound("the roll-call begun on another console".into())
            });
        };
        let started_by = self
            .conn()
            .query_row(
                "SELECT name FROM operators WHERE id = ?1",
                [operator],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        Ok(OpenRollCall {
            id,
            practice,
            started_at: now,
            started_by,
            rollcall: RollCall::new(roster),
            next_seq: 0,
        })
    }

    /// The roll-call begun and not finished (after the console was closed
    /// mid-call, or begun on another console), rebuilt from its steps.
    pub fn open_roll_call(&self) -> Result<Option<OpenRollCall>> {
        match self.open_roll_call_id()? {
            Some(id) => self.open_roll_call_by_id(id),
            None => Ok(None),
        }
    }

    /// The open roll-call's id, if one is open.
    pub fn open_roll_call_id(&self) -> Result<Option<i64>> {
        // by the index of open roll-calls: ten years of nights are not read
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM roll_calls WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Roll-call `id` rebuilt from its steps, if it is still open.
    pub fn open_roll_call_by_id(&self, id: i64) -> Result<Option<OpenRollCall>> {
        let row: Option<(bool, i64, String)> = self
            .conn()
            .query_row(
                "SELECT r.practice, r.started_at, COALESCE(o.name, '') FROM roll_calls r
                 LEFT JOIN operators o ON o.id = r.started_by WHERE r.id = ?1 AND r.finished_at IS NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((practice, started, started_by)) = row else {
            return Ok(None);
        };
        let kept = read_roll_call(self.conn(), id)?;
        Ok(Some(OpenRollCall {
            id,
            practice,
            started_at: from_ts(started),
            started_by,
            rollcall: kept.rollcall,
            next_seq: kept.next_seq,
        }))
    }

    /// What has happened to roll-call `id` since this console read up to
    /// sequence number `from`: a read of that roll-call's new steps only.
    pub fn roll_call_since(&self, id: i64, from: usize) -> Result<RollCallNews> {
        let finished: Option<Option<i64>> = self
            .conn()
            .query_row(
                "SELECT finished_at FROM roll_calls WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        match finished {
            None => return Ok(RollCallNews::Gone),
            Some(Some(_)) => {
                return Ok(self
                    .roll_call_record(id)?
                    .map_or(RollCallNews::Gone, RollCallNews::Saved))
            }
            Some(None) => {}
        }
        let mut st = self.conn().prepare_cached(
            "SELECT seq, step FROM roll_call_steps WHERE roll_call_id = ?1 AND seq >= ?2 ORDER BY seq",
        )?;
        let mut steps = vec![];
        let mut next_seq = from;
        for row in st.query_map(params![id, from as i64], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })? {
            let (seq, text) = row?;
            next_seq = next_seq.max(seq as usize + 1);
            steps.extend(decode_step(&text));
        }
        Ok(RollCallNews::Open { steps, next_seq })
    }

    /// Keep one step the moment it is taken, so closing the console loses
    /// nothing. `seq` is the sequence number the console expects it to have
    /// (its copy's `next_seq`). If another console's steps came first, the
    /// step is kept after them when it still means what its coordinator
    /// meant, and refused as a [`RollCallClash`] when it does not: a station
    /// answered twice counts once.
    pub fn record_roll_call_step(
        &mut self,
        id: i64,
        seq: usize,
        step: &Step,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<StepKept> {
        self.write(|tx| {
            let finished: Option<(Option<i64>, String)> = tx
                .query_row(
                    "SELECT r.finished_at, COALESCE(o.name, '') FROM roll_calls r
                     LEFT JOIN operators o ON o.id = r.finished_by WHERE r.id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match finished {
                None => return Err(StoreError::NotFound(format!("roll-call {id}"))),
                Some((Some(at), by)) => {
                    return Err(StoreError::RollCallClash(RollCallClash {
                        what: ClashWhat::Saved {
                            yours: Some(step_words(step)),
                        },
                        by,
                        at: from_ts(at),
                    }))
                }
                Some((None, _)) => {}
            }
            // the next number is worked out here, inside the immediate write:
            // two consoles' steps can never be given the same one
            let next: i64 = tx.query_row(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM roll_call_steps WHERE roll_call_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            let kept = if next <= seq as i64 {
                StepKept::InTurn
            } else {
                // another console's steps came first: judged on the roll-call as it is now
                let mut fresh = read_roll_call(tx, id)?;
                let seen = fresh.meta.iter().filter(|m| m.seq < seq as i64).count();
                if let Err(clash) = fresh.rollcall.still_means(seen, step) {
                    return Err(clash_error(&fresh, clash, step));
                }
                fresh
                    .rollcall
                    .apply(step.clone())
                    .map_err(|e| StoreError::Invalid(e.to_string()))?;
                StepKept::AfterOthers
            };
            tx.execute(
                "INSERT INTO roll_call_steps (roll_call_id, seq, at, step, operator_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, next, ts(now), encode_step(step), operator],
            )?;
            audit_step(tx, id, step, operator, now)?;
            Ok(kept)
        })
    }

    /// A late check-in or a correction on roll-call `id` once it is saved:
    /// kept as a step of it, as during the call, and its outcome written
    /// again. Its summary as it now stands.
    pub fn amend_saved_roll_call(
        &mut self,
        id: i64,
        step: &Step,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Summary> {
        if !matches!(step, Step::Late { .. } | Step::Correct { .. }) {
            return Err(StoreError::Invalid(
                "a saved roll-call takes late check-ins and corrections only".into(),
            ));
        }
        self.write(|tx| {
            let state: Option<(Option<i64>, Option<i64>)> = tx
                .query_row(
                    "SELECT finished_at, voided_at FROM roll_calls WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match state {
                None => return Err(StoreError::NotFound(format!("roll-call {id}"))),
                Some((None, _)) => {
                    return Err(StoreError::Invalid("the roll-call is not saved yet".into()))
                }
                Some((_, Some(_))) => {
                    return Err(StoreError::Invalid("the roll-call was voided".into()))
                }
                Some((Some(_), None)) => {}
            }
            let mut kept = read_roll_call(tx, id)?;
            kept.rollcall
                .apply(step.clone())
                .map_err(|e| StoreError::Invalid(e.to_string()))?;
            tx.execute(
                "INSERT INTO roll_call_steps (roll_call_id, seq, at, step, operator_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, kept.next_seq as i64, ts(now), encode_step(step), operator],
            )?;
            write_outcome(tx, id, &kept.rollcall)?;
            audit_step(tx, id, step, operator, now)?;
            Ok(kept.rollcall.summary())
        })
    }

    /// Void roll-call `id` (started by mistake, a test of the sets): kept,
    /// with who, when and why, and left out of every figure and mark. One
    /// still open is ended so (no answers counted).
    pub fn void_roll_call(
        &mut self,
        id: i64,
        reason: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Invalid("say why the roll-call is void".into()));
        }
        self.change_roll_call(
            "UPDATE roll_calls SET voided_at = ?1, voided_by = ?2, void_reason = ?3,
                    finished_at = COALESCE(finished_at, ?1), finished_by = COALESCE(finished_by, ?2)
             WHERE id = ?4 AND voided_at IS NULL",
            params![ts(now), operator, reason, id],
            (id, &format!("roll-call {id} is not there or already void")),
            (AuditAction::Void, &format!("voided: {reason}")),
            (operator, now),
        )
    }

    /// One change to roll-call `id` by an UPDATE, and its audit line; an
    /// UPDATE that changed nothing is refused with the words given.
    fn change_roll_call(
        &mut self,
        sql: &str,
        values: &[&dyn rusqlite::ToSql],
        (id, refused): (i64, &str),
        (action, detail): (AuditAction, &str),
        (operator, now): (i64, DateTime<Utc>),
    ) -> Result<()> {
        self.write(|tx| {
            if tx.execute(sql, values)? == 0 {
                return Err(StoreError::Invalid(refused.to_string()));
            }
            audit::append(
                tx,
                now,
                Some(operator),
                action,
                "rollcall",
                Some(id),
                detail,
            )?;
            Ok(())
        })
    }

    /// Turn roll-call `id` into a practice one: kept, counted apart as
    /// practice, out of the real figures and marks.
    pub fn make_roll_call_practice(
        &mut self,
        id: i64,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.change_roll_call(
            "UPDATE roll_calls SET practice = 1 WHERE id = ?1 AND practice = 0 AND voided_at IS NULL",
            params![id],
            (id, &format!("roll-call {id} is not a real one that is kept")),
            (AuditAction::Update, "made a practice roll-call"),
            (operator, now),
        )
    }

    /// Save the outcome: the summary, and each station's final answer, as
    /// the store has the roll-call (every console's steps), not as the
    /// caller's copy has it.
    pub fn finish_roll_call(
        &mut self,
        open: &OpenRollCall,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Summary> {
        self.write(|tx: &Transaction| {
            let r = read_roll_call(tx, open.id)?.rollcall;
            if !r.is_finished() {
                return Err(StoreError::Invalid("the roll-call is not finished".into()));
            }
            let s = r.summary();
            let n = tx.execute(
                "UPDATE roll_calls SET finished_at = ?1, finished_by = ?2 WHERE id = ?3 AND finished_at IS NULL",
                params![ts(now), operator, open.id],
            )?;
            if n == 0 {
                let (at, by): (i64, String) = tx.query_row(
                    "SELECT r.finished_at, COALESCE(o.name, '') FROM roll_calls r
                     LEFT JOIN operators o ON o.id = r.finished_by WHERE r.id = ?1",
                    [open.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                return Err(StoreError::RollCallClash(RollCallClash {
                    what: ClashWhat::Saved { yours: None },
                    by,
                    at: from_ts(at),
                }));
            }
            write_outcome(tx, open.id, &r)?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Finish,
                "rollcall",
                Some(open.id),
                &format!("{} of {} answered, {} nothing heard, {} weak, {} relayed", s.answered, s.expected, s.nothing_heard, s.weak, s.relays),
            )?;
            Ok(s)
        })
    }

    pub fn roll_calls(&self, limit: usize) -> Result<Vec<RollCallRecord>> {
        let mut st = self.conn().prepare_cached(&format!(
            "{RECORD_SELECT} ORDER BY r.started_at DESC, r.id DESC LIMIT ?1"
        ))?;
        let rows = st.query_map([limit as i64], record_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn roll_call_record(&self, id: i64) -> Result<Option<RollCallRecord>> {
        Ok(self
            .conn()
            .query_row(
                &format!("{RECORD_SELECT} WHERE r.id = ?1"),
                [id],
                record_row,
            )
            .optional()?)
    }

    /// The latest real (not practice) roll-call begun in `[from, to)`, open
    /// or saved: whether tonight already has one.
    pub fn real_roll_call_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Option<RollCallRecord>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "{RECORD_SELECT} WHERE r.practice = 0 AND r.voided_at IS NULL AND r.started_at >= ?1 AND r.started_at < ?2
                     ORDER BY r.started_at DESC, r.id DESC LIMIT 1"
                ),
                params![ts(from), ts(to)],
                record_row,
            )
            .optional()?)
    }

    /// The roll-call saved in `[from, to)` that late check-ins and
    /// corrections go to once the call is over: the latest real one, or
    /// the latest practice one if there is no real one; never a void one.
    pub fn saved_roll_call_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Option<RollCallRecord>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "{RECORD_SELECT} WHERE r.finished_at IS NOT NULL AND r.voided_at IS NULL
                       AND r.started_at >= ?1 AND r.started_at < ?2
                     ORDER BY r.practice, r.started_at DESC, r.id DESC LIMIT 1"
                ),
                params![ts(from), ts(to)],
                record_row,
            )
            .optional()?)
    }

    /// Each radio's answers on the last `n` real (not practice) roll-calls, oldest first.
    pub fn recent_answers(&self, n: usize) -> Result<HashMap<i64, Vec<Answer>>> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT a.radio_id, a.answer FROM roll_call_answers a
             JOIN (SELECT r.id, r.started_at FROM roll_calls r WHERE {COUNTED} ORDER BY r.started_at DESC, r.id DESC LIMIT ?1) rc
               ON rc.id = a.roll_call_id
             ORDER BY rc.started_at, rc.id"
        ))?;
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
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT z.name, AVG(CASE WHEN a.readability = 5 THEN 1.0 ELSE 0.0 END), COUNT(*) FROM roll_call_answers a
             JOIN (SELECT r.id FROM roll_calls r WHERE {COUNTED} ORDER BY r.started_at DESC, r.id DESC LIMIT ?1) rc
               ON rc.id = a.roll_call_id
             JOIN radios r ON r.id = a.radio_id JOIN members m ON m.id = r.member_id JOIN zones z ON z.id = m.zone_id
             WHERE a.answer <> 'closed'
             GROUP BY z.name ORDER BY z.name"
        ))?;
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
