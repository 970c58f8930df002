//! The evening roll-call as a state machine: call every expected station in
//! order, one answer each; the silent ones are called again after the last;
//! a late check-in, or a correction of an answer given, is taken at any
//! point, after the call has ended too; the last step can be undone.
//! Replaying the same steps always gives the same state, which is how an
//! interrupted roll-call is resumed, and how two coordinators share one:
//! a step taken on a view another console has since moved on from is kept
//! only if it still means what its coordinator meant ([`RollCall::still_means`]).
//!
//! Over 800 lines, nearly half of them tests: the state machine and the
//! rules a step must meet on an out-of-date screen belong together.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Readability 5 (loud and clear) down to 1 (unreadable).
    Heard(u8),
    NothingHeard,
    /// Heard by another station, which passed the answer on.
    RelayedVia(String),
    /// The premises are closed today: not expected to answer.
    ClosedToday,
}

impl Answer {
    pub fn code(&self) -> String {
        match self {
            Answer::Heard(n) => format!("heard:{n}"),
            Answer::NothingHeard => "nothing".into(),
            Answer::RelayedVia(cs) => format!("relay:{cs}"),
            Answer::ClosedToday => "closed".into(),
        }
    }
    pub fn from_code(s: &str) -> Option<Answer> {
        match s.split_once(':') {
            Some(("heard", n)) => n
                .parse()
                .ok()
                .filter(|n| (1..=5).contains(n))
                .map(Answer::Heard),
            Some(("relay", cs)) if !cs.is_empty() => Some(Answer::RelayedVia(cs.to_string())),
            None if s == "nothing" => Some(Answer::NothingHeard),
            None if s == "closed" => Some(Answer::ClosedToday),
            _ => None,
        }
    }
    pub fn label(&self) -> String {
        match self {
            Answer::Heard(5) => "5 loud and clear".into(),
            Answer::Heard(n) => format!("{n} of 5"),
            Answer::NothingHeard => "nothing heard".into(),
            Answer::RelayedVia(cs) => format!("relayed via {cs}"),
            Answer::ClosedToday => "closed today".into(),
        }
    }
    /// Readability of 2 or less: worth a look at the radio.
    pub fn is_weak(&self) -> bool {
        matches!(self, Answer::Heard(n) if *n <= 2)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub radio_id: i64,
    pub call_sign: String,
    pub member: String,
    pub zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub answer: Answer,
    /// Answered after its turn (a late check-in or on the re-call).
    pub late: bool,
    /// The answer this one corrected (the one it replaced), if corrected.
    pub replaced: Option<Answer>,
}

impl Entry {
    fn new(answer: Answer, late: bool) -> Entry {
        Entry {
            answer,
            late,
            replaced: None,
        }
    }
}

/// One thing the coordinator did; the roll-call is the replay of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The current station's answer.
    Answer(Answer),
    /// A station heard out of turn: before its turn, after nothing was
    /// heard from it, or after the call has ended.
    Late {
        call_sign: String,
        answer: Answer,
    },
    /// An answer given put right (a wrong key, a readability misheard):
    /// counted as the answer it always was, not as late.
    Correct {
        call_sign: String,
        answer: Answer,
    },
    Undo,
    /// Stop now: anyone not yet answered counts as nothing heard.
    Finish,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Calling every station in order.
    Calling,
    /// Calling again the ones not heard.
    Recall,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollCallError {
    #[error("the roll-call is finished")]
    Finished,
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("no station {0} on tonight's roster")]
    UnknownStation(String),
    #[error("{0} cannot relay for itself")]
    SelfRelay(String),
    #[error("relay via {0}: no such station on the roster")]
    UnknownRelay(String),
    #[error("readability is 1 to 5")]
    Readability,
    #[error("{call_sign} has answered already ({answer}): correct the answer instead")]
    AlreadyAnswered { call_sign: String, answer: String },
    #[error("{0} has no answer yet to correct")]
    NotAnswered(String),
    #[error("{call_sign} is already {answer}")]
    SameAnswer { call_sign: String, answer: String },
}

/// Why a step taken on an out-of-date screen was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// The station it answers was answered meanwhile, by the step at `by_step`.
    Answered { station: usize, by_step: usize },
    /// The roll-call moved on meanwhile (its last step is at `by_step`): the
    /// station is no longer the one being called, or an undo would take back
    /// another's step.
    MovedOn { by_step: usize },
}

/// The evening a moment belongs to, in the scheme's time zone: from 06:00
/// to 06:00 the next morning, so a roll-call in the small hours is the
/// evening before's (as licensing hours count a night) and the next
/// morning's is a new day's.
pub fn night_of(at: DateTime<Utc>, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    const ENDS_AT: u32 = 6;
    let day = (at.with_timezone(&tz) - Duration::hours(ENDS_AT as i64)).date_naive();
    let start = |d: NaiveDate| {
        let t = d.and_hms_opt(ENDS_AT, 0, 0).expect("06:00 exists");
        // no clock change happens at 06:00; fall back to UTC if one ever did
        tz.from_local_datetime(&t)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&t))
    };
    (start(day), start(day + Duration::days(1)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    entries: Vec<Option<Entry>>,
    /// Which step (its place in `steps`) gave each entry, for saying who answered.
    by_step: Vec<Option<usize>>,
    cursor: usize,
    phase: Phase,
    recall: VecDeque<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollCall {
    pub stations: Vec<Station>,
    state: State,
    /// States before each applied step, for undo.
    history: Vec<State>,
    /// Every step as given, undo included (what the store keeps).
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub expected: usize,
    pub answered: usize,
    pub nothing_heard: usize,
    pub weak: usize,
    pub relays: usize,
    pub closed: usize,
    pub late: usize,
    /// Answers corrected after they were given.
    pub corrected: usize,
}

impl RollCall {
    pub fn new(stations: Vec<Station>) -> RollCall {
        let n = stations.len();
        let phase = if n == 0 { Phase::Done } else { Phase::Calling };
        RollCall {
            stations,
            state: State {
                entries: vec![None; n],
                by_step: vec![None; n],
                cursor: 0,
                phase,
                recall: VecDeque::new(),
            },
            history: vec![],
            steps: vec![],
        }
    }

    /// Rebuild a roll-call from its steps (resuming after an interruption).
    pub fn replay(stations: Vec<Station>, steps: &[Step]) -> RollCall {
        let mut r = RollCall::new(stations);
        for s in steps {
            // a step that was refused when given was never stored; ignore any that would be
            let _ = r.apply(s.clone());
        }
        r
    }

    pub fn phase(&self) -> Phase {
        self.state.phase
    }

    /// The station being called now.
    pub fn current(&self) -> Option<usize> {
        match self.state.phase {
            Phase::Calling => Some(self.state.cursor),
            Phase::Recall => self.state.recall.front().copied(),
            Phase::Done => None,
        }
    }

    pub fn entry(&self, i: usize) -> Option<&Entry> {
        self.state.entries.get(i).and_then(|e| e.as_ref())
    }

    /// Stations waiting to be called again.
    pub fn recall_queue(&self) -> Vec<usize> {
        self.state.recall.iter().copied().collect()
    }

    pub fn is_finished(&self) -> bool {
        self.state.phase == Phase::Done
    }

    fn index_of(&self, call_sign: &str) -> Option<usize> {
        self.stations
            .iter()
            .position(|s| s.call_sign.eq_ignore_ascii_case(call_sign.trim()))
    }

    fn check(&self, answer: &Answer, for_station: usize) -> Result<(), RollCallError> {
        match answer {
            Answer::Heard(n) if !(1..=5).contains(n) => Err(RollCallError::Readability),
            Answer::RelayedVia(cs) => {
                let via = self
                    .index_of(cs)
                    .ok_or_else(|| RollCallError::UnknownRelay(cs.clone()))?;
                if via == for_station {
                    return Err(RollCallError::SelfRelay(cs.clone()));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Move on after the current station has been dealt with.
    fn advance(&mut self) {
        let s = &mut self.state;
        match s.phase {
            Phase::Calling => {
                s.cursor += 1;
                while s.cursor < s.entries.len() && s.entries[s.cursor].is_some() {
                    // already checked in late: not called again
                    s.cursor += 1;
                }
                if s.cursor >= s.entries.len() {
                    s.phase = if s.recall.is_empty() {
                        Phase::Done
                    } else {
                        Phase::Recall
                    };
                }
            }
            Phase::Recall => {
                s.recall.pop_front();
                if s.recall.is_empty() {
                    s.phase = Phase::Done;
                }
            }
            Phase::Done => {}
        }
    }

    pub fn apply(&mut self, step: Step) -> Result<(), RollCallError> {
        let before = self.state.clone();
        // the place this step will take in `steps`
        let this = self.steps.len();
        match &step {
            Step::Undo => {
                let prev = self.history.pop().ok_or(RollCallError::NothingToUndo)?;
                self.state = prev;
                self.steps.push(step);
                return Ok(());
            }
            Step::Finish => {
                if self.is_finished() {
                    return Err(RollCallError::Finished);
                }
                let s = &mut self.state;
                for (e, by) in s.entries.iter_mut().zip(s.by_step.iter_mut()) {
                    if e.is_none() {
                        *e = Some(Entry::new(Answer::NothingHeard, false));
                        *by = Some(this);
                    }
                }
                self.state.recall.clear();
                self.state.phase = Phase::Done;
            }
            Step::Answer(answer) => {
                let i = self.current().ok_or(RollCallError::Finished)?;
                self.check(answer, i)?;
                match self.state.phase {
                    Phase::Calling => {
                        if *answer == Answer::NothingHeard {
                            self.state.recall.push_back(i);
                        }
                        self.state.entries[i] = Some(Entry::new(answer.clone(), false));
                    }
                    Phase::Recall => {
                        // heard on the re-call counts as late; silent again stays nothing heard
                        let late = *answer != Answer::NothingHeard;
                        self.state.entries[i] = Some(Entry::new(answer.clone(), late));
                    }
                    Phase::Done => return Err(RollCallError::Finished),
                }
                self.state.by_step[i] = Some(this);
                self.advance();
            }
            Step::Late { call_sign, answer } => {
                let i = self
                    .index_of(call_sign)
                    .ok_or_else(|| RollCallError::UnknownStation(call_sign.clone()))?;
                self.check(answer, i)?;
                if let Some(e) = self.entry(i).filter(|e| e.answer != Answer::NothingHeard) {
                    // heard already: a different answer is a correction
                    return Err(RollCallError::AlreadyAnswered {
                        call_sign: self.stations[i].call_sign.clone(),
                        answer: e.answer.label(),
                    });
                }
                let was_current = self.current() == Some(i);
                self.state.entries[i] = Some(Entry::new(answer.clone(), true));
                self.state.by_step[i] = Some(this);
                self.state.recall.retain(|r| *r != i);
                if was_current {
                    // the station being called answered by name: move on as for an answer
                    match self.state.phase {
                        Phase::Calling => self.advance(),
                        Phase::Recall if self.state.recall.is_empty() => {
                            self.state.phase = Phase::Done
                        }
                        _ => {}
                    }
                } else if self.state.phase == Phase::Recall && self.state.recall.is_empty() {
                    self.state.phase = Phase::Done;
                }
            }
            Step::Correct { call_sign, answer } => {
                let i = self
                    .index_of(call_sign)
                    .ok_or_else(|| RollCallError::UnknownStation(call_sign.clone()))?;
                self.check(answer, i)?;
                let cs = self.stations[i].call_sign.clone();
                let Some(old) = self.entry(i).cloned() else {
                    return Err(RollCallError::NotAnswered(cs));
                };
                if old.answer == *answer {
                    return Err(RollCallError::SameAnswer {
                        call_sign: cs,
                        answer: answer.label(),
                    });
                }
                self.state.entries[i] = Some(Entry {
                    answer: answer.clone(),
                    late: old.late,
                    replaced: Some(old.answer),
                });
                self.state.by_step[i] = Some(this);
                let s = &mut self.state;
                if *answer == Answer::NothingHeard {
                    // silent after all: called again, while the call goes on
                    if s.phase != Phase::Done && !s.recall.contains(&i) {
                        s.recall.push_back(i);
                    }
                } else {
                    s.recall.retain(|r| *r != i);
                    if s.phase == Phase::Recall && s.recall.is_empty() {
                        s.phase = Phase::Done;
                    }
                }
            }
        }
        self.history.push(before);
        self.steps.push(step);
        Ok(())
    }

    /// The step (its place in `steps`) that gave station `i` its answer.
    pub fn answered_by(&self, i: usize) -> Option<usize> {
        self.state.by_step.get(i).copied().flatten()
    }

    /// Whether `step`, taken by a coordinator who had seen only the first
    /// `seen` of `steps` (another console has added the rest since), still
    /// means what they meant, so that it can be kept after the others'. An
    /// answer is for the station that was being called on their screen; an
    /// undo for the step that was last there.
    pub fn still_means(&self, seen: usize, step: &Step) -> Result<(), Clash> {
        let Some(last) = self.steps.len().checked_sub(1).filter(|l| *l >= seen) else {
            return Ok(());
        };
        // answered by a step the coordinator had not seen
        let answered_since = |i: usize| self.answered_by(i).filter(|by| *by >= seen);
        match step {
            Step::Answer(_) => {
                let seen_state = RollCall::replay(self.stations.clone(), &self.steps[..seen]);
                let Some(meant) = seen_state.current() else {
                    return Ok(()); // finished on their screen too: apply refuses it
                };
                if let Some(by_step) = answered_since(meant) {
                    return Err(Clash::Answered {
                        station: meant,
                        by_step,
                    });
                }
                if self.current() == Some(meant) {
                    Ok(())
                } else {
                    Err(Clash::MovedOn { by_step: last })
                }
            }
            Step::Late { call_sign, .. } | Step::Correct { call_sign, .. } => {
                let Some(station) = self.index_of(call_sign) else {
                    return Ok(()); // not on the roster: apply says so
                };
                // a late check-in still means the same if all that came
                // between said nothing was heard from the station (as `F`
                // does); a correction was for the answer its coordinator saw
                let silent = self
                    .entry(station)
                    .is_some_and(|e| e.answer == Answer::NothingHeard);
                match answered_since(station) {
                    Some(_) if silent && matches!(step, Step::Late { .. }) => Ok(()),
                    Some(by_step) => Err(Clash::Answered { station, by_step }),
                    None => Ok(()),
                }
            }
            Step::Undo => Err(Clash::MovedOn { by_step: last }),
            Step::Finish => Ok(()),
        }
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            expected: self.stations.len(),
            ..Default::default()
        };
        for e in self.state.entries.iter().flatten() {
            match &e.answer {
                Answer::Heard(_) => s.answered += 1,
                Answer::RelayedVia(_) => {
                    s.answered += 1;
                    s.relays += 1;
                }
                Answer::NothingHeard => s.nothing_heard += 1,
                Answer::ClosedToday => s.closed += 1,
            }
            if e.answer.is_weak() {
                s.weak += 1;
            }
            if e.late {
                s.late += 1;
            }
            if e.replaced.is_some() {
                s.corrected += 1;
            }
        }
        s
    }
}

/// A radio's recent roll-call answers, newest last, judged for maintenance.
pub fn needs_maintenance(recent: &[Answer]) -> Option<&'static str> {
    let heard: Vec<&Answer> = recent
        .iter()
        .filter(|a| **a != Answer::ClosedToday)
        .collect();
    if heard.len() >= 3
        && heard[heard.len() - 3..]
            .iter()
            .all(|a| **a == Answer::NothingHeard)
    {
        return Some("not heard on the last three roll-calls");
    }
    // trending weaker: the last three readabilities each lower than the one before
    let levels: Vec<u8> = heard
        .iter()
        .filter_map(|a| match a {
            Answer::Heard(n) => Some(*n),
            _ => None,
        })
        .collect();
    if levels.len() >= 3 {
        let t = &levels[levels.len() - 3..];
        if t.iter().all(|n| *n <= 2) {
            return Some("weak on the last three roll-calls");
        }
        if t[0] > t[1] && t[1] > t[2] {
            return Some("getting weaker");
        }
    }
    if levels.len() >= 6 {
        // the last three a good step below the three before
        let avg = |s: &[u8]| s.iter().map(|n| *n as f64).sum::<f64>() / s.len() as f64;
        let n = levels.len();
        if avg(&levels[n - 6..n - 3]) - avg(&levels[n - 3..]) >= 1.5 {
            return Some("getting weaker");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster(n: usize) -> Vec<Station> {
        (0..n)
            .map(|i| Station {
                radio_id: i as i64 + 1,
                call_sign: format!("HS{:02}", i + 1),
                member: format!("Shop {i}"),
                zone: "High Street".into(),
            })
            .collect()
    }

    fn heard(n: u8) -> Step {
        Step::Answer(Answer::Heard(n))
    }

    #[test]
    fn one_answer_each_moves_through_the_roster_in_order() {
        let mut r = RollCall::new(roster(3));
        assert_eq!(r.current(), Some(0));
        r.apply(heard(5)).unwrap();
        assert_eq!(r.current(), Some(1));
        r.apply(Step::Answer(Answer::ClosedToday)).unwrap();
        r.apply(heard(2)).unwrap();
        assert!(r.is_finished());
        let s = r.summary();
        assert_eq!(
            (s.expected, s.answered, s.closed, s.weak, s.nothing_heard),
            (3, 2, 1, 1, 0)
        );
        assert_eq!(r.apply(heard(5)), Err(RollCallError::Finished));
    }

    #[test]
    fn silent_stations_are_called_again_after_the_last() {
        let mut r = RollCall::new(roster(4));
        r.apply(Step::Answer(Answer::NothingHeard)).unwrap();
        r.apply(heard(4)).unwrap();
        r.apply(Step::Answer(Answer::NothingHeard)).unwrap();
        r.apply(heard(5)).unwrap();
        assert_eq!(r.phase(), Phase::Recall);
        assert_eq!(r.recall_queue(), vec![0, 2]);
        assert_eq!(r.current(), Some(0));
        r.apply(heard(3)).unwrap(); // HS01 heard on the re-call
        assert_eq!(r.current(), Some(2));
        r.apply(Step::Answer(Answer::NothingHeard)).unwrap(); // HS03 silent again
        assert!(r.is_finished());
        let s = r.summary();
        assert_eq!((s.answered, s.nothing_heard, s.late), (3, 1, 1));
        assert!(r.entry(0).unwrap().late);
    }

    #[test]
    fn a_late_check_in_is_taken_at_any_point() {
        let mut r = RollCall::new(roster(4));
        r.apply(Step::Answer(Answer::NothingHeard)).unwrap(); // HS01 silent
                                                              // HS03 calls in before its turn: it is not called again
        r.apply(Step::Late {
            call_sign: "hs03".into(),
            answer: Answer::Heard(5),
        })
        .unwrap();
        assert_eq!(r.current(), Some(1));
        r.apply(heard(5)).unwrap();
        assert_eq!(r.current(), Some(3), "HS03 skipped");
        // HS01 calls in late: it leaves the re-call queue
        r.apply(Step::Late {
            call_sign: "HS01".into(),
            answer: Answer::Heard(4),
        })
        .unwrap();
        r.apply(heard(5)).unwrap();
        assert!(r.is_finished(), "nothing left to re-call");
        assert_eq!(r.summary().late, 2);
        assert_eq!(
            r.apply(Step::Late {
                call_sign: "XX99".into(),
                answer: Answer::Heard(5)
            }),
            Err(RollCallError::UnknownStation("XX99".into()))
        );
    }

    #[test]
    fn late_check_ins_and_corrections_are_taken_after_the_call_has_ended() {
        let mut r = RollCall::new(roster(4));
        r.apply(heard(4)).unwrap(); // HS01
        r.apply(Step::Finish).unwrap(); // HS02-HS04 nothing heard
        assert!(r.is_finished());
        // HS03 comes on air after the call: late, and the call stays ended
        r.apply(Step::Late {
            call_sign: "hs03".into(),
            answer: Answer::Heard(5),
        })
        .unwrap();
        assert!(r.is_finished());
        assert_eq!(
            r.entry(2),
            Some(&Entry {
                answer: Answer::Heard(5),
                late: true,
                replaced: None
            })
        );
        // HS01 was 5, not 4: corrected, not late, the 4 kept as replaced
        r.apply(Step::Correct {
            call_sign: "HS01".into(),
            answer: Answer::Heard(5),
        })
        .unwrap();
        assert_eq!(
            r.entry(0),
            Some(&Entry {
                answer: Answer::Heard(5),
                late: false,
                replaced: Some(Answer::Heard(4))
            })
        );
        let s = r.summary();
        assert_eq!(
            (s.answered, s.nothing_heard, s.late, s.corrected),
            (2, 2, 1, 1)
        );
        // a station heard already is corrected, not checked in late
        assert!(matches!(
            r.apply(Step::Late {
                call_sign: "HS01".into(),
                answer: Answer::Heard(3)
            }),
            Err(RollCallError::AlreadyAnswered { .. })
        ));
        // the same answer again is not a correction
        assert!(matches!(
            r.apply(Step::Correct {
                call_sign: "HS01".into(),
                answer: Answer::Heard(5)
            }),
            Err(RollCallError::SameAnswer { .. })
        ));
        // the undo takes a correction back like any step
        r.apply(Step::Undo).unwrap();
        assert_eq!(r.entry(0).map(|e| &e.answer), Some(&Answer::Heard(4)));
        assert_eq!(r.summary().corrected, 0);
    }

    #[test]
    fn a_correction_during_the_call_moves_the_recall_queue() {
        let mut r = RollCall::new(roster(3));
        r.apply(Step::Answer(Answer::NothingHeard)).unwrap(); // HS01, by mistake
        assert_eq!(r.recall_queue(), [0]);
        // HS02 not answered yet: nothing to correct
        assert_eq!(
            r.apply(Step::Correct {
                call_sign: "HS02".into(),
                answer: Answer::Heard(5)
            }),
            Err(RollCallError::NotAnswered("HS02".into()))
        );
        r.apply(Step::Correct {
            call_sign: "HS01".into(),
            answer: Answer::Heard(5),
        })
        .unwrap();
        assert!(
            r.recall_queue().is_empty(),
            "heard after all: not called again"
        );
        assert_eq!(r.current(), Some(1), "the call goes on where it was");
        r.apply(heard(5)).unwrap();
        r.apply(heard(5)).unwrap();
        assert!(r.is_finished());
        let s = r.summary();
        assert_eq!((s.answered, s.late, s.corrected), (3, 0, 1));
    }

    #[test]
    fn a_late_check_in_after_another_console_finished_the_call_still_counts() {
        let mut r = RollCall::new(roster(3));
        r.apply(heard(5)).unwrap();
        let seen = r.steps.len();
        r.apply(Step::Finish).unwrap(); // on the other console
        let late = Step::Late {
            call_sign: "HS02".into(),
            answer: Answer::Heard(4),
        };
        assert_eq!(r.still_means(seen, &late), Ok(()));
        // a correction of what was since answered does not
        let fix = Step::Correct {
            call_sign: "HS02".into(),
            answer: Answer::Heard(4),
        };
        assert!(r.still_means(seen, &fix).is_err());
    }

    #[test]
    fn a_late_check_in_during_the_recall_finishes_it_when_it_was_the_last() {
        let mut r = RollCall::new(roster(2));
        r.apply(Step::Answer(Answer::NothingHeard)).unwrap();
        r.apply(heard(5)).unwrap();
        assert_eq!(r.phase(), Phase::Recall);
        r.apply(Step::Late {
            call_sign: "HS01".into(),
            answer: Answer::Heard(3),
        })
        .unwrap();
        assert!(r.is_finished());
    }

    #[test]
    fn relays_name_another_station_on_the_roster() {
        let mut r = RollCall::new(roster(3));
        assert_eq!(
            r.apply(Step::Answer(Answer::RelayedVia("HS01".into()))),
            Err(RollCallError::SelfRelay("HS01".into()))
        );
        assert_eq!(
            r.apply(Step::Answer(Answer::RelayedVia("ZZ9".into()))),
            Err(RollCallError::UnknownRelay("ZZ9".into()))
        );
        assert_eq!(r.current(), Some(0), "a refused answer changes nothing");
        r.apply(Step::Answer(Answer::RelayedVia("HS02".into())))
            .unwrap();
        assert_eq!(r.summary().relays, 1);
        assert_eq!(r.apply(heard(7)), Err(RollCallError::Readability));
    }

    #[test]
    fn undo_takes_back_the_last_step_of_any_kind() {
        let mut r = RollCall::new(roster(3));
        assert_eq!(r.apply(Step::Undo), Err(RollCallError::NothingToUndo));
        r.apply(Step::Answer(Answer::NothingHeard)).unwrap();
        r.apply(heard(4)).unwrap();
        r.apply(Step::Undo).unwrap();
        assert_eq!(r.current(), Some(1));
        assert!(r.entry(1).is_none());
        r.apply(Step::Undo).unwrap();
        assert_eq!(r.current(), Some(0));
        assert!(
            r.recall_queue().is_empty(),
            "the re-call queue is restored too"
        );
        r.apply(Step::Late {
            call_sign: "HS03".into(),
            answer: Answer::Heard(5),
        })
        .unwrap();
        r.apply(Step::Undo).unwrap();
        assert!(r.entry(2).is_none());
        // the last answer of a finished roll-call can be undone too
        for _ in 0..3 {
            r.apply(heard(5)).unwrap();
        }
        assert!(r.is_finished());
        r.apply(Step::Undo).unwrap();
        assert_eq!(r.current(), Some(2));
    }

    #[test]
    fn an_interrupted_roll_call_resumes_where_it_stopped() {
        let mut r = RollCall::new(roster(5));
        let steps = vec![
            Step::Answer(Answer::NothingHeard),
            heard(5),
            Step::Late {
                call_sign: "HS04".into(),
                answer: Answer::Heard(3),
            },
            heard(4),
            Step::Undo,
            heard(2),
        ];
        for s in &steps {
            r.apply(s.clone()).unwrap();
        }
        let resumed = RollCall::replay(roster(5), &r.steps);
        assert_eq!(resumed.current(), r.current());
        assert_eq!(resumed.summary(), r.summary());
        assert_eq!(resumed.recall_queue(), r.recall_queue());
        assert_eq!(
            resumed.current(),
            Some(4),
            "HS04 checked in late, so HS05 is next"
        );
    }

    #[test]
    fn finishing_early_counts_the_uncalled_as_not_heard() {
        let mut r = RollCall::new(roster(4));
        r.apply(heard(5)).unwrap();
        r.apply(Step::Finish).unwrap();
        assert!(r.is_finished());
        assert_eq!(r.summary().nothing_heard, 3);
    }

    #[test]
    fn each_answer_remembers_the_step_that_gave_it() {
        let mut r = RollCall::new(roster(3));
        r.apply(heard(5)).unwrap(); // step 0: HS01
        r.apply(Step::Late {
            call_sign: "HS03".into(),
            answer: Answer::Heard(4),
        })
        .unwrap(); // step 1: HS03
        assert_eq!(
            (r.answered_by(0), r.answered_by(1), r.answered_by(2)),
            (Some(0), None, Some(1))
        );
        r.apply(Step::Finish).unwrap(); // step 2: HS02 counted as nothing heard
        assert_eq!(r.answered_by(1), Some(2));
        r.apply(Step::Undo).unwrap();
        assert_eq!(r.answered_by(1), None, "undo takes it back too");
    }

    /// Two coordinators on one roll-call: `seen` steps were on the second
    /// one's screen when they pressed a key; the first has taken more since.
    #[test]
    fn a_step_taken_on_an_out_of_date_screen_is_kept_only_if_it_means_the_same() {
        let mut r = RollCall::new(roster(4));
        r.apply(heard(5)).unwrap(); // both saw this: HS02 is being called
        let seen = 1;
        r.apply(heard(3)).unwrap(); // the first coordinator answers HS02
                                    // the second answers HS02 too: the same station, answered since
        assert_eq!(
            r.still_means(seen, &heard(4)),
            Err(Clash::Answered {
                station: 1,
                by_step: 1
            })
        );
        // a late check-in for a station nobody has answered is still good
        let late = |cs: &str| Step::Late {
            call_sign: cs.into(),
            answer: Answer::Heard(5),
        };
        assert_eq!(r.still_means(seen, &late("HS04")), Ok(()));
        assert_eq!(
            r.still_means(seen, &late("hs02")),
            Err(Clash::Answered {
                station: 1,
                by_step: 1
            })
        );
        // HS01 was answered before the screen was drawn: a correction, not a clash
        assert_eq!(r.still_means(seen, &late("HS01")), Ok(()));
        // an undo would take back the other coordinator's answer
        assert_eq!(
            r.still_means(seen, &Step::Undo),
            Err(Clash::MovedOn { by_step: 1 })
        );
        // nothing new since: everything means what it meant
        assert_eq!(r.still_means(2, &Step::Undo), Ok(()));
        assert_eq!(r.still_means(2, &heard(5)), Ok(()));

        // a step for another station only: the one being called is unchanged
        let mut r = RollCall::new(roster(4));
        r.apply(late("HS04")).unwrap();
        assert_eq!(r.still_means(0, &heard(5)), Ok(()));
        // the other coordinator undid an answer the screen still showed:
        // the station called is no longer the one answered for
        let mut r = RollCall::new(roster(4));
        r.apply(heard(5)).unwrap();
        r.apply(Step::Undo).unwrap();
        assert_eq!(
            r.still_means(1, &heard(4)),
            Err(Clash::MovedOn { by_step: 1 })
        );
        // finished at the other console: every station has its answer
        let mut r = RollCall::new(roster(4));
        r.apply(Step::Finish).unwrap();
        assert_eq!(
            r.still_means(0, &heard(4)),
            Err(Clash::Answered {
                station: 0,
                by_step: 0
            })
        );
    }

    #[test]
    fn an_evening_runs_until_six_the_next_morning_in_the_schemes_time_zone() {
        use chrono_tz::Europe::London;
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // a summer evening: London is an hour ahead of UTC
        let (from, to) = night_of(at("2026-07-01T19:30:00Z"), London);
        assert_eq!(
            (from, to),
            (at("2026-07-01T05:00:00Z"), at("2026-07-02T05:00:00Z"))
        );
        assert_eq!(
            night_of(at("2026-07-02T00:30:00Z"), London),
            (from, to),
            "after midnight is still that evening"
        );
        assert_eq!(
            night_of(at("2026-07-02T05:00:00Z"), London).0,
            to,
            "06:00 London begins the next"
        );
        // winter: London is on UTC
        assert_eq!(
            night_of(at("2026-11-27T20:00:00Z"), London).0,
            at("2026-11-27T06:00:00Z")
        );
    }

    #[test]
    fn answers_round_trip_through_their_codes() {
        for a in [
            Answer::Heard(1),
            Answer::Heard(5),
            Answer::NothingHeard,
            Answer::RelayedVia("MS03".into()),
            Answer::ClosedToday,
        ] {
            assert_eq!(Answer::from_code(&a.code()), Some(a));
        }
        assert_eq!(Answer::from_code("heard:9"), None);
        assert_eq!(Answer::from_code("bogus"), None);
    }

    #[test]
    fn radios_are_flagged_when_silent_three_times_or_weakening() {
        use Answer::*;
        assert_eq!(
            needs_maintenance(&[Heard(5), NothingHeard, NothingHeard, NothingHeard]),
            Some("not heard on the last three roll-calls")
        );
        assert_eq!(
            needs_maintenance(&[NothingHeard, ClosedToday, NothingHeard, NothingHeard]),
            Some("not heard on the last three roll-calls"),
            "closed days do not break the run"
        );
        assert_eq!(
            needs_maintenance(&[Heard(5), Heard(4), Heard(2)]),
            Some("getting weaker")
        );
        assert_eq!(needs_maintenance(&[Heard(5), Heard(5), Heard(4)]), None);
        assert_eq!(
            needs_maintenance(&[Heard(2), Heard(1), Heard(1)]),
            Some("weak on the last three roll-calls")
        );
        assert_eq!(
            needs_maintenance(&[Heard(5), Heard(5), Heard(5), Heard(3), Heard(3), Heard(3)]),
            Some("getting weaker")
        );
        assert_eq!(needs_maintenance(&[NothingHeard, NothingHeard]), None);
    }
}
