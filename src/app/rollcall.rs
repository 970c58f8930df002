//! The evening roll-call in the console: starting one (asking first if
//! tonight's real one exists), each answer through the radio pane's own
//! update and kept in the store, another console's steps followed, and the
//! outcome saved.

use super::effect::Effect;
use super::keymap::Command::{self, No, Yes};
use super::radio::{RadioPane, RadioView};
use super::{Action, App, Confirm, Modal};
use crate::domain::rollcall::{night_of, Step, Summary};
use crate::store::rollcalls::{RollCallNews, StepKept};
use crate::store::StoreError;

/// Why the radio pane would not take a roll-call step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRefused {
    NoRollCall,
    /// Only an undo is taken once every station is in.
    EveryStationIn,
    /// The roll-call's own rule (e.g. nothing to undo).
    Invalid(String),
}

impl RadioPane {
    /// A roll-call answer (or undo, relay, late check-in): applied to the
    /// roll-call shown, and kept in the store by the effect it returns.
    pub fn answer(&mut self, step: Step) -> Vec<Effect> {
        let Some(open) = &mut self.rollcall else {
            return vec![Effect::StepRefused(StepRefused::NoRollCall)];
        };
        if open.rollcall.is_finished()
            && !matches!(step, Step::Undo | Step::Late { .. } | Step::Correct { .. })
        {
            return vec![Effect::StepRefused(StepRefused::EveryStationIn)];
        }
        let (id, seq, applied) = (open.id, open.next_seq, open.rollcall.steps.len());
        if let Err(e) = open.rollcall.apply(step.clone()) {
            return vec![Effect::StepRefused(StepRefused::Invalid(e.to_string()))];
        }
        vec![Effect::RecordStep {
            id,
            seq,
            step,
            applied,
        }]
    }

    /// The step kept as `seq`: the next is kept after it.
    fn kept(&mut self, seq: usize) {
        if let Some(open) = &mut self.rollcall {
            open.next_seq = seq + 1;
        }
    }

    /// The store refused the step: back to the `applied` steps before it.
    fn take_back(&mut self, applied: usize) {
        if let Some(open) = &mut self.rollcall {
            open.rollcall = crate::domain::rollcall::RollCall::replay(
                open.rollcall.stations.clone(),
                &open.rollcall.steps[..applied],
            );
        }
    }

    /// The highlight on the station being called.
    fn follow_current(&mut self) {
        if let Some(i) = self.rollcall.as_ref().and_then(|o| o.rollcall.current()) {
            self.selected = i;
        }
    }

    /// The outcome, once every station is in.
    fn finished_summary(&self) -> Option<Summary> {
        let open = self.rollcall.as_ref()?;
        open.rollcall.is_finished().then(|| open.rollcall.summary())
    }
}

impl App {
    /// Bring the roll-call up to date with the store: another console's
    /// steps (only those since the last read), its saving, or a roll-call
    /// begun elsewhere.
    pub(crate) fn refresh_roll_call(&mut self) -> Result<(), StoreError> {
        self.radio.rollcall_reads += 1;
        self.radio.trouble = self.store.radios_in_trouble()?;
        let Some(open) = &mut self.radio.rollcall else {
            if let Some(open) = self.store.open_roll_call()? {
                self.radio.selected = open.rollcall.current().unwrap_or(0);
                self.radio.last_summary = None;
                self.radio.rollcall = Some(open);
            } else {
                // tonight's saved one as it stands (late check-ins and
                // corrections on any console included; a void one is none)
                let (from, to) = night_of(self.now(), self.tz);
                self.radio.last_summary = self
                    .store
                    .saved_roll_call_between(from, to)?
                    .map(|r| (r.summary, r.practice));
            }
            return Ok(());
        };
        match self.store.roll_call_since(open.id, open.next_seq)? {
            RollCallNews::Open { steps, next_seq } => {
                let before = open.rollcall.current();
                for step in steps {
                    // the store kept it as valid; one that is not never counted (as on replay)
                    let _ = open.rollcall.apply(step);
                }
                open.next_seq = next_seq;
                let now = open.rollcall.current();
                if now != before {
                    // the eye follows the station being called
                    self.radio.selected = now.unwrap_or(self.radio.selected);
                }
            }
            RollCallNews::Saved(record) => {
                self.radio.rollcall = None;
                self.radio.last_summary = Some((record.summary, record.practice));
                let at = record
                    .finished_at
                    .map(|t| t.with_timezone(&self.tz).format(" at %H:%M").to_string())
                    .unwrap_or_default();
                let by = if record.finished_by.is_empty() {
                    "at another console".to_string()
                } else {
                    format!("by {}", record.finished_by)
                };
                self.info(format!("the roll-call was saved {by}{at}"));
            }
            RollCallNews::Gone => self.radio.rollcall = None,
        }
        Ok(())
    }

    /// Read roll-call `id` afresh (after another console's steps came
    /// between this one's view and its step); saved by now, show its outcome.
    fn reload_roll_call(&mut self, id: i64) {
        self.radio.rollcall_reads += 1;
        let result = self.store.open_roll_call_by_id(id).and_then(|open| {
            let saved = match open {
                Some(_) => None,
                None => self.store.roll_call_record(id)?,
            };
            Ok((open, saved))
        });
        match result {
            Ok((open, saved)) => {
                if let Some(i) = open.as_ref().and_then(|o| o.rollcall.current()) {
                    self.radio.selected = i;
                }
                self.radio.rollcall = open;
                if let Some(r) = saved.filter(|r| r.finished_at.is_some()) {
                    self.radio.last_summary = Some((r.summary, r.practice));
                    self.refresh_radio();
                }
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Whether the roll-call's answer keys apply (a roll-call on screen).
    pub fn rollcall_keys_active(&self) -> bool {
        self.radio.view == RadioView::RollCall && self.radio.rollcall.is_some()
    }

    /// `R` or `T`. A real roll-call on a night that already has one (saved,
    /// on any console) asks first; an open one is carried on with, never
    /// doubled. A practice one never asks: it is kept out of the figures.
    pub(crate) fn start_roll_call(&mut self, practice: bool) {
        if !practice {
            match self.second_roll_call_question() {
                Ok(Some(question)) => {
                    self.modal = Some(Modal::Confirm(Confirm {
                        question,
                        yes: Action::StartAnotherRollCall,
                        no: "no second roll-call started".into(),
                    }));
                    return;
                }
                Ok(None) => {}
                Err(e) => return self.store_error(e),
            }
        }
        self.begin_roll_call(practice);
    }

    /// What to ask before a second real roll-call tonight, if there is one
    /// already (read from the store: it may have been on another console).
    fn second_roll_call_question(&self) -> Result<Option<String>, StoreError> {
        if self.store.open_roll_call_id()?.is_some() {
            return Ok(None); // R carries on with it
        }
        let (from, to) = night_of(self.now(), self.tz);
        let Some(r) = self.store.real_roll_call_between(from, to)? else {
            return Ok(None);
        };
        let at = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&self.tz).format("%H:%M");
        let by = |name: &str| match name {
            "" => String::new(),
            _ => format!(" by {name}"),
        };
        let saved = r
            .finished_at
            .map(|t| format!(", saved at {}{}", at(t), by(&r.finished_by)))
            .unwrap_or_default();
        let (yes, no) = (self.keymap.keys_for(Yes), self.keymap.keys_for(No));
        Ok(Some(format!(
            "Tonight already has a roll-call: started at {}{}{saved}. Start another?  {yes} start it · {no} do not",
            at(r.started_at),
            by(&r.started_by)
        )))
    }

    pub(crate) fn begin_roll_call(&mut self, practice: bool) {
        let now = self.now();
        let resumed = matches!(self.store.open_roll_call_id(), Ok(Some(_)));
        match self.store.start_roll_call(practice, self.operator.id, now) {
            Ok(open) => {
                let what = if open.practice {
                    "practice roll-call"
                } else {
                    "roll-call"
                };
                self.info(if resumed {
                    let by = if open.started_by.is_empty() || open.started_by == self.operator.name
                    {
                        String::new()
                    } else {
                        format!(" by {}", open.started_by)
                    };
                    format!(
                        "carrying on with the {what} begun at {}{by}",
                        open.started_at.with_timezone(&self.tz).format("%H:%M")
                    )
                } else {
                    format!("{what} started: {} stations", open.rollcall.stations.len())
                });
                self.radio.selected = open.rollcall.current().unwrap_or(0);
                self.radio.rollcall = Some(open);
                self.radio.view = RadioView::RollCall;
                self.radio.last_summary = None;
                self.mark_own_writes_seen();
                if let Err(e) = self.load_last_heard() {
                    self.store_error(e);
                }
            }
            Err(e) => self.store_error(e),
        }
    }

    /// A roll-call step, through the radio pane's own update. `F` with
    /// stations not yet called asks first, saying how many.
    pub(crate) fn roll_call_step(&mut self, step: Step) {
        if let Some(question) = self.missing_answer_question(&step) {
            self.modal = Some(Modal::Confirm(Confirm {
                question,
                yes: Action::AnswerAnyway(step),
                no: "no answer recorded".into(),
            }));
            return;
        }
        if step == Step::Finish {
            if let Some(question) = self.finish_question() {
                self.modal = Some(Modal::Confirm(Confirm {
                    question,
                    yes: Action::FinishRollCallNow,
                    no: "the roll-call goes on".into(),
                }));
                return;
            }
        }
        let effects = self.radio.answer(step);
        self.run(effects);
    }

    /// When the open roll-call's stations were last heard (read when the
    /// radio pane is, never on an answer key).
    pub(crate) fn load_last_heard(&mut self) -> Result<(), StoreError> {
        let open = self.radio.rollcall.as_ref().map(|o| o.id);
        // read once a roll-call (two look-ups a station), not on every
        // reload of the pane; a line logged here reads it again
        if open.is_some() && open == self.radio.last_heard_for {
            return Ok(());
        }
        let ids: Vec<i64> = match &self.radio.rollcall {
            Some(open) => open.rollcall.stations.iter().map(|s| s.radio_id).collect(),
            None => Vec::new(),
        };
        self.radio.last_heard = self.store.last_heard(&ids)?;
        self.radio.last_heard_for = open;
        Ok(())
    }

    /// Start the call's timer when the station being called changes (by a
    /// key here or an answer from another console).
    pub(crate) fn track_calling(&mut self) {
        let listing = self.radio.view == RadioView::RollCall && self.radio.lists_roll_calls();
        if listing && !self.radio.listing {
            self.radio.selected = 0;
        }
        self.radio.listing = listing;
        let current = self
            .radio
            .rollcall
            .as_ref()
            .and_then(|o| o.rollcall.current());
        match (current, self.radio.calling) {
            (None, _) => self.radio.calling = None,
            (Some(i), Some((was, _))) if i == was => {}
            (Some(i), _) => self.radio.calling = Some((i, self.now())),
        }
    }

    /// What to ask before a radio set lost or stunned is answered as heard
    /// (whoever answers has a radio that is not where it should be).
    pub(crate) fn missing_answer_question(&self, step: &Step) -> Option<String> {
        let (call_sign, answer) = match step {
            Step::Answer(a) => {
                let r = &self.radio.rollcall.as_ref()?.rollcall;
                (r.stations.get(r.current()?)?.call_sign.as_str(), a)
            }
            Step::Late { call_sign, answer } | Step::Correct { call_sign, answer } => {
                (call_sign.as_str(), answer)
            }
            _ => return None,
        };
        use crate::domain::rollcall::Answer;
        if !matches!(answer, Answer::Heard(_) | Answer::RelayedVia(_)) {
            return None;
        }
        let status = self.radio.trouble.get(&call_sign.to_uppercase())?;
        crate::domain::radio::is_missing(status).then(|| {
            format!(
                "{} is marked {status}: record “{}” for it? Whoever answered has a radio that is not where it should be",
                crate::domain::text::clean(call_sign),
                answer.label()
            )
        })
    }

    /// A step asked about and confirmed: on the roll-call open, or on
    /// tonight's saved one.
    pub(crate) fn answer_anyway(&mut self, step: Step) {
        if self.radio.rollcall.is_none() {
            if let Err(why) = self.amend_saved_roll_call(step) {
                self.warn(why);
            }
            return;
        }
        let effects = self.radio.answer(step);
        self.run(effects);
    }

    /// What to ask before finishing with stations left to call.
    fn finish_question(&self) -> Option<String> {
        let r = &self.radio.rollcall.as_ref()?.rollcall;
        if r.is_finished() {
            return None;
        }
        let uncalled = (0..r.stations.len())
            .filter(|i| r.entry(*i).is_none())
            .count();
        let again = r.recall_queue().len();
        let mut left = vec![];
        if uncalled > 0 {
            left.push(format!(
                "{uncalled} station{} not called yet",
                if uncalled == 1 { "" } else { "s" }
            ));
        }
        if again > 0 {
            left.push(format!("{again} to call again"));
        }
        if left.is_empty() {
            return None;
        }
        let (yes, no) = (self.keymap.keys_for(Yes), self.keymap.keys_for(No));
        Some(format!(
            "{}: finish now, counting them as nothing heard?  {yes} finish · {no} go on calling",
            left.join(" and ")
        ))
    }

    /// The roll-call a void or a change to practice is for: the one open,
    /// or else tonight's saved one.
    fn roll_call_to_put_right(
        &self,
    ) -> Result<Option<crate::store::rollcalls::RollCallRecord>, StoreError> {
        if let Some(open) = &self.radio.rollcall {
            return self.store.roll_call_record(open.id);
        }
        let (from, to) = night_of(self.now(), self.tz);
        self.store.saved_roll_call_between(from, to)
    }

    /// A roll-call described for a question: when it began, by whom, how far it got.
    fn describe_roll_call(&self, r: &crate::store::rollcalls::RollCallRecord) -> String {
        let what = if r.practice {
            "practice roll-call"
        } else {
            "roll-call"
        };
        let by = match r.started_by.as_str() {
            "" => String::new(),
            name => format!(" by {name}"),
        };
        let state = if r.finished_at.is_some() {
            "saved"
        } else {
            "in progress"
        };
        format!(
            "the {what} begun at {}{by} ({state})",
            r.started_at.with_timezone(&self.tz).format("%H:%M")
        )
    }

    /// The void line's reason given: ask before voiding (it cannot be undone).
    pub(crate) fn ask_void_roll_call(&mut self, reason: &str) -> Result<(), String> {
        let reason = crate::domain::text::tidy_input(reason);
        if reason.is_empty() {
            return Err("say why the roll-call is void".into());
        }
        let record = match self.roll_call_to_put_right() {
            Ok(Some(r)) => r,
            Ok(None) => return Err("no roll-call tonight to void".into()),
            Err(e) => return Err(e.to_string()),
        };
        let (yes, no) = (self.keymap.keys_for(Yes), self.keymap.keys_for(No));
        self.modal = Some(Modal::Confirm(Confirm {
            question: format!(
                "Void {}? It is kept, with why, but counted in no figure or mark.  {yes} void it · {no} keep it",
                self.describe_roll_call(&record)
            ),
            yes: Action::VoidRollCall {
                id: record.id,
                reason,
            },
            no: "the roll-call is kept as it was".into(),
        }));
        Ok(())
    }

    pub(crate) fn void_roll_call(&mut self, id: i64, reason: &str) {
        let now = self.now();
        match self.store.void_roll_call(id, reason, self.operator.id, now) {
            Ok(()) => {
                self.mark_own_writes_seen();
                if self.radio.rollcall.as_ref().is_some_and(|o| o.id == id) {
                    self.radio.rollcall = None;
                }
                self.radio.last_summary = None;
                self.info("roll-call voided: kept, counted in no figure or mark");
                self.refresh_radio();
            }
            Err(e) => self.store_error(e),
        }
    }

    /// `:rollcall make-practice`: ask before turning tonight's roll-call into a practice one.
    pub(crate) fn ask_make_practice(&mut self) {
        let record = match self.roll_call_to_put_right() {
            Ok(Some(r)) if !r.practice => r,
            Ok(_) => return self.warn("no real roll-call tonight to make a practice one"),
            Err(e) => return self.store_error(e),
        };
        let (yes, no) = (self.keymap.keys_for(Yes), self.keymap.keys_for(No));
        self.modal = Some(Modal::Confirm(Confirm {
            question: format!(
                "Make {} a practice one? It is then counted apart, as practice.  {yes} make it practice · {no} keep it real",
                self.describe_roll_call(&record)
            ),
            yes: Action::MakeRollCallPractice(record.id),
            no: "the roll-call is kept as it was".into(),
        }));
    }

    pub(crate) fn make_roll_call_practice(&mut self, id: i64) {
        let now = self.now();
        match self
            .store
            .make_roll_call_practice(id, self.operator.id, now)
        {
            Ok(()) => {
                self.mark_own_writes_seen();
                if let Some(open) = self.radio.rollcall.as_mut().filter(|o| o.id == id) {
                    open.practice = true;
                }
                if let Some((_, practice)) = &mut self.radio.last_summary {
                    *practice = true;
                }
                self.info("now a practice roll-call: counted apart");
                self.refresh_radio();
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Keep a step the radio pane took (see [`RadioPane::answer`]): in
    /// turn, or after another console's; refused, it is taken back so what
    /// is shown is what is stored.
    pub(crate) fn record_step(&mut self, id: i64, seq: usize, step: Step, applied: usize) {
        let now = self.now();
        match self
            .store
            .record_roll_call_step(id, seq, &step, self.operator.id, now)
        {
            Ok(StepKept::InTurn) => self.radio.kept(seq),
            // another console's steps came first: show them with this one after
            Ok(StepKept::AfterOthers) => self.reload_roll_call(id),
            Err(e @ StoreError::RollCallClash(_)) => {
                self.reload_roll_call(id);
                return self.store_error(e);
            }
            Err(e) => {
                self.radio.take_back(applied);
                return self.store_error(e);
            }
        }
        self.radio.follow_current();
        if let Some(s) = self.radio.finished_summary() {
            let keys = self.save_or_undo_keys();
            self.info(format!(
                "all stations in: {} of {} answered · {keys}",
                s.answered, s.expected
            ));
        }
    }

    /// A step the radio pane refused, said with the keys now bound.
    pub(crate) fn step_refused(&mut self, why: StepRefused) {
        match why {
            StepRefused::NoRollCall => {
                let start = self.keymap.key_for(Command::StartRollCall);
                self.warn(format!("no roll-call in progress: {start} starts one"));
            }
            StepRefused::EveryStationIn => {
                let keys = self.save_or_undo_keys();
                self.warn(format!("every station is in: {keys}"));
            }
            StepRefused::Invalid(why) => self.warn(why),
        }
    }

    /// What to press once every station is in, with the keys now bound.
    fn save_or_undo_keys(&self) -> String {
        format!(
            "{} saves the roll-call, {} undoes the last answer",
            self.keymap.key_for(Command::Open),
            self.keymap.key_for(Command::UndoAnswer)
        )
    }

    /// A late check-in or a correction once the call is saved: kept on
    /// tonight's saved roll-call (the real one before a practice one).
    /// Refused, the line stays open with why.
    pub(crate) fn amend_saved_roll_call(&mut self, step: Step) -> Result<(), String> {
        let (from, to) = night_of(self.now(), self.tz);
        let record = match self.store.saved_roll_call_between(from, to) {
            Ok(Some(r)) => r,
            Ok(None) => {
                let start = self.keymap.key_for(Command::StartRollCall);
                return Err(format!(
                    "no roll-call tonight to add it to: {start} starts one"
                ));
            }
            Err(e) => {
                let m = e.to_string();
                self.store_error(e);
                return Err(m);
            }
        };
        let now = self.now();
        match self
            .store
            .amend_saved_roll_call(record.id, &step, self.operator.id, now)
        {
            Ok(s) => {
                self.mark_own_writes_seen();
                let at = record.started_at.with_timezone(&self.tz).format("%H:%M");
                let what = match &step {
                    Step::Correct { call_sign, answer } => {
                        format!("{call_sign} corrected to {}", answer.label())
                    }
                    Step::Late { call_sign, answer } => {
                        format!("{call_sign} heard late ({})", answer.label())
                    }
                    _ => String::new(),
                };
                self.info(format!(
                    "{what}, on the roll-call of {at}: now {} of {} answered",
                    s.answered, s.expected
                ));
                self.radio.last_summary = Some((s, record.practice));
                self.refresh_radio();
                Ok(())
            }
            Err(StoreError::Invalid(why)) => Err(why),
            Err(e) => {
                let m = e.to_string();
                self.store_error(e);
                Err(m)
            }
        }
    }

    /// Save a finished roll-call's summary (Enter on the summary).
    pub(crate) fn save_roll_call(&mut self) {
        let now = self.now();
        let Some(open) = self.radio.rollcall.take() else {
            return;
        };
        if !open.rollcall.is_finished() {
            self.radio.rollcall = Some(open);
            return;
        }
        match self.store.finish_roll_call(&open, self.operator.id, now) {
            Ok(s) => {
                self.mark_own_writes_seen();
                self.info(format!(
                    "roll-call saved: {} of {} answered, {} nothing heard, {} weak, {} relayed{}",
                    s.answered,
                    s.expected,
                    s.nothing_heard,
                    s.weak,
                    s.relays,
                    if open.practice { " (practice)" } else { "" }
                ));
                self.radio.last_summary = Some((s, open.practice));
                self.refresh_radio();
            }
            Err(e) => {
                // saved or changed at another console meanwhile: show it as the store has it
                let id = open.id;
                self.radio.rollcall = Some(open);
                self.reload_roll_call(id);
                self.store_error(e);
            }
        }
    }
}
