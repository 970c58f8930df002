//! The radio network in the console: the radio pane (the roll-call, one key
//! per station, with its keeping in `rollcall`), the inventory with each
//! radio's recent roll-calls, and the radio log.
//!
//! Over 800 lines: every line typed on the radio pane (a log entry, a
//! sign-on, a late check-in, a correction, a relay, a void, the filters) is
//! read by the one `submit_radio_input` beside the pane's state and forms;
//! the log's and the past roll-calls' windows are in `radio_log`.

use super::effect::{moved, Effect, Nav};
use super::form::{Field, FieldKey, Form};
use super::input::LineInput;
use super::radio_log::Window;
use super::rollcall::StepRefused;
use super::{App, FormKind, InputKind, Modal, Pane};
use crate::domain::radio_health::{RadioNights, ZoneWeeks};
use crate::domain::rollcall::{needs_maintenance, Answer, Step, Summary};
use crate::store::radios::{LogLine, Radio, RADIO_STATUSES};
use crate::store::rollcalls::OpenRollCall;
use crate::store::StoreError;
use chrono::Duration;
use std::collections::HashMap;

/// The radio forms: a handset's status, its details, a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RadioForm {
    Status { id: i64, version: i64 },
    Edit { id: i64, version: i64 },
    Add,
}

impl RadioForm {
    pub fn permission(&self) -> crate::domain::permission::Permission {
        use crate::domain::permission::Permission as P;
        match self {
            RadioForm::Status { .. } | RadioForm::Edit { .. } | RadioForm::Add => P::ManageRadios,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RadioView {
    #[default]
    RollCall,
    Inventory,
    Log,
}

impl RadioView {
    pub fn label(self) -> &'static str {
        match self {
            RadioView::RollCall => "roll-call",
            RadioView::Inventory => "inventory and health",
            RadioView::Log => "radio log",
        }
    }
    fn next(self) -> RadioView {
        match self {
            RadioView::RollCall => RadioView::Inventory,
            RadioView::Inventory => RadioView::Log,
            RadioView::Log => RadioView::RollCall,
        }
    }
}

/// What a line typed in the radio pane is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RadioInput {
    /// `HS03 signing on`
    Log,
    /// `HS07 5` (or n, c, r MS02)
    LateCheckIn,
    /// `HS07 4`: the answer HS07 should have had
    Correct,
    /// why the roll-call is void
    Void,
    /// the call sign signing on (`true`) or off
    Sign(bool),
    /// the call sign that relayed
    Relay,
    /// narrowing the inventory as you type
    Filter,
    /// narrowing the radio log as you type
    LogFilter,
}

impl RadioInput {
    pub fn prompt(self) -> &'static str {
        match self {
            RadioInput::Log => "radio log: ",
            RadioInput::LateCheckIn => {
                "late check-in (call sign and 5-1, n, c, r and who relayed): "
            }
            RadioInput::Correct => {
                "correct an answer (call sign and 5-1, n, c, r and who relayed): "
            }
            RadioInput::Void => "void the roll-call, kept but counted nowhere (why): ",
            RadioInput::Sign(true) => "signing on (call sign): ",
            RadioInput::Sign(false) => "signing off (call sign): ",
            RadioInput::Relay => "relayed via: ",
            RadioInput::Filter => "radios: ",
            RadioInput::LogFilter => {
                "radio log (call sign, words, a day as YYYY-MM-DD, today, yesterday): "
            }
        }
    }
}

/// One radio with its last roll-calls and whether it needs looking at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadioHealth {
    pub radio: Radio,
    pub marks: Vec<Answer>,
    pub flag: Option<&'static str>,
    /// Its last 90 nights, and whether it was relayed or weak on three of
    /// its last five calls.
    pub nights: RadioNights,
}

#[derive(Debug, Clone, Default)]
pub struct RadioPane {
    pub view: RadioView,
    pub radios: Vec<RadioHealth>,
    /// Every radio's call sign, the filter notwithstanding.
    pub call_signs: Vec<String>,
    pub selected: usize,
    /// The radio log as the filter keeps it, newest first, a window at a time.
    pub log: Window<LogLine>,
    /// What the log is narrowed to, as typed.
    pub log_filter: String,
    pub on_air: Vec<String>,
    pub rollcall: Option<OpenRollCall>,
    /// The last finished roll-call's outcome, shown until the next starts.
    pub last_summary: Option<(Summary, bool)>,
    /// Per zone: share of loud-and-clear answers and how many answers it is over.
    pub coverage: Vec<(String, f64, usize)>,
    /// Per zone: the share loud and clear week by week, and its trend.
    pub zones: Vec<ZoneWeeks>,
    /// Each radio's last 90 nights, as last read (by radio id).
    pub nights: HashMap<i64, RadioNights>,
    /// The roll-calls, newest first, a window at a time (shown when none is open).
    pub recent: Window<crate::store::rollcalls::RollCallRecord>,
    /// A past roll-call opened station by station.
    pub past: Option<crate::store::radio_log::PastRollCall>,
    /// The row of the roll-calls to go back to from the one opened.
    pub back_to: usize,
    /// Whether the roll-call view showed the list of roll-calls when last
    /// looked: coming to it (a roll-call saved or given up) starts at the newest.
    pub listing: bool,
    /// Words the inventory is narrowed to (call sign, serial, member, zone, status).
    pub filter: String,
    /// The selected radio's status changes, oldest first.
    pub history: Vec<crate::store::radios::StatusChange>,
    /// The selected radio's other changes (call sign, serial, member, notes), newest first.
    pub changes: Vec<crate::domain::history::Change>,
    /// How many times the roll-call has been read from the store: another
    /// console's commit adds one, this console's own commits none.
    pub rollcall_reads: usize,
    /// Each radio's answers on the last [`HEALTH_WINDOW`] roll-calls, as
    /// last read (on the store worker: every answer of those nights); the
    /// marks and flags are drawn from these until the next reading is in.
    pub health: HashMap<i64, Vec<Answer>>,
    /// Radios lost, stunned, faulty or in repair now, by call sign: shown
    /// beside tonight's stations as it changes, and asked about before a
    /// lost or stunned one is answered as heard.
    pub trouble: HashMap<String, String>,
    /// When each station of the open roll-call was last heard (before
    /// tonight's answer): the log, ingest, or a roll-call.
    pub last_heard: HashMap<i64, chrono::DateTime<chrono::Utc>>,
    /// The roll-call `last_heard` was read for.
    pub last_heard_for: Option<i64>,
    /// The station being called and since when, for the call's timer.
    pub calling: Option<(usize, chrono::DateTime<chrono::Utc>)>,
    /// A reading of the history is on the worker; another is wanted after it.
    pub health_reading: bool,
    health_again: bool,
}

/// How many roll-calls the health marks and coverage look back over.
pub const HEALTH_WINDOW: usize = 10;

/// What a radio key does, to the radio the inventory has selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RadioAct {
    Status,
    Edit,
}

impl RadioPane {
    /// Each radio's marks and flag, from the history as last read.
    fn mark_health(&mut self) {
        for h in &mut self.radios {
            h.marks = self.health.get(&h.radio.id).cloned().unwrap_or_default();
            h.nights = self.nights.get(&h.radio.id).cloned().unwrap_or_default();
            // Fetching a radio back from a member off the scheme comes first:
            // it is on no roll-call, so its marks would never say.
            h.flag = crate::domain::radio::to_recover(&h.radio.status, &h.radio.member_status)
                .or_else(|| needs_maintenance(&h.marks));
        }
    }

    /// A radio key on the radio selected in the inventory.
    pub fn act(&self, act: RadioAct) -> Vec<Effect> {
        if self.view != RadioView::Inventory {
            return vec![Effect::ChooseRadio(act)];
        }
        self.radios
            .get(self.selected)
            .map(|h| Effect::OnRadio {
                id: h.radio.id,
                act,
            })
            .into_iter()
            .collect()
    }

    /// `l`, `r`, `i` or `/`: the line to type a call sign (and more) in.
    pub fn line(&self, purpose: RadioInput) -> Vec<Effect> {
        vec![Effect::AskLine(InputKind::Radio(purpose))]
    }

    /// A move in the view shown (the inventory reads the selected radio's
    /// history); Enter on a roll-call with every station in saves it.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav == Nav::Open {
            let finished = self
                .rollcall
                .as_ref()
                .is_some_and(|r| r.rollcall.is_finished());
            return if finished {
                vec![Effect::SaveRollCall]
            } else {
                self.selected_past()
                    .map(Effect::OpenPastRollCall)
                    .into_iter()
                    .collect()
            };
        }
        let n = self.len();
        if nav == Nav::NextView {
            self.view = self.view.next();
            self.selected = 0;
            self.past = None;
            return vec![Effect::Reload(Pane::Radio)];
        }
        moved(&mut self.selected, n, nav);
        let window = match self.view {
            RadioView::Log => self.log.wants(self.selected),
            RadioView::RollCall if self.lists_roll_calls() => self.recent.wants(self.selected),
            _ => None,
        };
        if window.is_some() {
            return vec![Effect::RadioWindow];
        }
        vec![Effect::RadioHistory(self.selected_radio())]
    }

    /// Rows in the view shown.
    pub fn len(&self) -> usize {
        match self.view {
            RadioView::RollCall => match (&self.past, &self.rollcall) {
                (Some(p), _) => p.stations.len(),
                (None, Some(r)) => r.rollcall.stations.len(),
                (None, None) => self.recent.total,
            },
            RadioView::Inventory => self.radios.len(),
            RadioView::Log => self.log.total,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the roll-call view lists the past roll-calls (none is open
    /// and none opened).
    pub fn lists_roll_calls(&self) -> bool {
        self.rollcall.is_none() && self.past.is_none()
    }

    /// The past roll-call selected in the list.
    fn selected_past(&self) -> Option<i64> {
        (self.view == RadioView::RollCall && self.lists_roll_calls())
            .then(|| self.recent.get(self.selected).map(|r| r.id))
            .flatten()
    }

    /// The selected radio, when the inventory is shown.
    pub fn selected_radio(&self) -> Option<i64> {
        match self.view {
            RadioView::Inventory => self.radios.get(self.selected).map(|h| h.radio.id),
            _ => None,
        }
    }
}

impl App {
    pub(crate) fn refresh_radio(&mut self) {
        let now = self.now();
        let result = (|| -> Result<(), StoreError> {
            let radios = self.store.radios()?;
            // every call sign, whatever the filter: the lines complete from these
            self.radio.call_signs = radios.iter().map(|r| r.call_sign.clone()).collect();
            let words: Vec<String> = self
                .radio
                .filter
                .split_whitespace()
                .map(str::to_lowercase)
                .collect();
            self.radio.radios = radios
                .into_iter()
                .filter(|r| {
                    let hay = format!(
                        "{} {} {} {} {}",
                        r.call_sign, r.serial, r.member, r.zone, r.status
                    )
                    .to_lowercase();
                    words.iter().all(|w| hay.contains(w))
                })
                .map(|radio| RadioHealth {
                    radio,
                    marks: vec![],
                    flag: None,
                    nights: RadioNights::default(),
                })
                .collect();
            self.radio.mark_health();
            self.read_radio_health();
            self.refresh_roll_call()?;
            self.load_last_heard()?;
            let since = now - Duration::hours(18);
            self.radio.on_air = self.store.on_air(since)?;
            Ok(())
        })();
        if let Err(e) = result {
            self.store_error(e);
        }
        self.read_roll_calls();
        self.read_radio_log();
        let n = self.radio.len();
        self.radio.selected = self.radio.selected.min(n.saturating_sub(1));
        self.load_radio_history(self.radio.selected_radio());
    }

    /// Have the worker read the radios' answers and coverage over the last
    /// roll-calls (thousands of answers on a large network).
    fn read_radio_health(&mut self) {
        if self.radio.health_reading {
            self.radio.health_again = true;
            return;
        }
        self.radio.health_reading = true;
        let now = self.now();
        self.work.queue(
            super::work::Job::RadioHealth {
                window: HEALTH_WINDOW,
                now,
                tz: self.tz,
            },
            now,
        );
    }

    /// The worker's reading of the radios' history: marks, flags and
    /// coverage drawn from it.
    pub(crate) fn radio_health_done(&mut self, read: Result<super::work::RadioHealthRead, String>) {
        self.radio.health_reading = false;
        match read {
            Ok(r) => {
                self.radio.health = r.answers;
                self.radio.coverage = r.coverage;
                self.radio.zones = r.zones;
                self.radio.nights = r.nights;
                self.radio.mark_health();
            }
            Err(e) => self.warn(format!("the radios' history could not be read: {e}")),
        }
        if std::mem::take(&mut self.radio.health_again) {
            self.read_radio_health();
        }
    }

    /// Another console committed: reload what the radio pane shows. On the
    /// roll-call and the log that is the roll-call's new steps, the log and
    /// who is on air, so answering stays quick while another coordinator
    /// answers too; the inventory reads its radios' history as when shown.
    pub(crate) fn radio_store_changed(&mut self) {
        if self.pane != Pane::Radio {
            return;
        }
        let had = self.radio.rollcall.as_ref().map(|o| o.id);
        if self.radio.view == RadioView::Inventory {
            return self.refresh_radio();
        }
        if let Err(e) = self.refresh_radio_live() {
            return self.store_error(e);
        }
        if had.is_none() && self.radio.rollcall.is_some() {
            // begun at another console: when its stations were last heard
            if let Err(e) = self.load_last_heard() {
                return self.store_error(e);
            }
        }
        if had.is_some() && self.radio.rollcall.is_none() {
            // saved at another console: tonight's answers are in the history now
            self.refresh_radio();
        }
    }

    fn refresh_radio_live(&mut self) -> Result<(), StoreError> {
        self.refresh_roll_call()?;
        let since = self.now() - Duration::hours(18);
        self.radio.on_air = self.store.on_air(since)?;
        self.read_radio_log();
        if self.radio.rollcall.is_none() {
            self.read_roll_calls();
        }
        Ok(())
    }

    /// The selected radio's status history and other changes, for the inventory's detail line.
    /// The radio's recent roll-calls and changes, beneath the inventory.
    pub(crate) fn load_radio_history(&mut self, id: Option<i64>) {
        self.radio.history = match id {
            Some(id) => self.store.radio_history(id).unwrap_or_default(),
            None => vec![],
        };
        self.radio.changes = match id {
            Some(id) => self.store.radio_changes(id, 20).unwrap_or_default(),
            None => vec![],
        };
    }

    /// Who is on air now: kept current on every pane, for the status bar.
    pub(crate) fn refresh_on_air(&mut self) {
        let since = self.now() - Duration::hours(18);
        match self.store.on_air(since) {
            Ok(on) => self.radio.on_air = on,
            Err(e) => self.store_error(e),
        }
    }

    pub(crate) fn start_radio_input(&mut self, purpose: RadioInput) {
        let effects = self.radio.line(purpose);
        self.run(effects);
    }

    /// Call signs that start with what has been typed (for completion and hints).
    pub fn call_signs_matching(&self, prefix: &str) -> Vec<String> {
        let p = prefix.trim().to_uppercase();
        // every radio's, as the pane last read them: never the store, as
        // the hints beneath a radio line are drawn from this
        let mut out: Vec<String> = self
            .radio
            .call_signs
            .iter()
            .filter(|c| c.to_uppercase().starts_with(&p))
            .cloned()
            .collect();
        out.sort();
        out
    }

    /// Tab in a radio line: complete the call sign as far as it is unambiguous.
    pub(crate) fn complete_call_sign(&mut self) {
        let Some(input) = &self.input else { return };
        let text = input.line.value.clone();
        let (word, rest) = text
            .split_once(' ')
            .map(|(a, b)| (a.to_string(), format!(" {b}")))
            .unwrap_or((text.clone(), String::new()));
        let matches = self.call_signs_matching(&word);
        let Some(first) = matches.first() else { return };
        let mut common = first.clone();
        for m in &matches[1..] {
            while !m.starts_with(&common) {
                common.pop();
            }
        }
        let completed = if matches.len() == 1 {
            format!("{common} ")
        } else {
            common
        };
        if let Some(input) = &mut self.input {
            let value = if rest.is_empty() {
                completed
            } else {
                format!("{}{rest}", completed.trim_end())
            };
            input.line = LineInput::new(&value);
        }
    }

    pub(crate) fn submit_radio_input(
        &mut self,
        purpose: RadioInput,
        text: &str,
    ) -> Result<(), String> {
        let text = text.trim();
        match purpose {
            RadioInput::Filter => {
                self.radio.filter = text.to_string();
                self.refresh_radio();
                return Ok(());
            }
            RadioInput::LogFilter => {
                return match self.set_log_filter(text) {
                    Some(problem) => Err(problem),
                    None => Ok(()),
                }
            }
            RadioInput::Void => return self.ask_void_roll_call(text),
            _ => {}
        }
        let (call_sign, rest) = text
            .split_once(char::is_whitespace)
            .map(|(a, b)| (a.trim(), b.trim()))
            .unwrap_or((text, ""));
        if call_sign.is_empty() {
            return Err("type a call sign".into());
        }
        match purpose {
            // (answered above)
            RadioInput::Filter | RadioInput::LogFilter | RadioInput::Void => Ok(()),
            RadioInput::Log | RadioInput::Sign(_) => {
                let now = self.now();
                let written = match purpose {
                    RadioInput::Sign(on) if rest.is_empty() => {
                        self.store.sign_radio(call_sign, on, self.operator.id, now)
                    }
                    RadioInput::Sign(_) => {
                        return Err("the call sign alone: what was said goes in the log".into())
                    }
                    _ if rest.is_empty() => {
                        return Err(format!(
                            "after the call sign, what was said ({} signs a station on, {} off)",
                            self.keymap.key_for(super::keymap::Command::SignOn),
                            self.keymap.key_for(super::keymap::Command::SignOff)
                        ))
                    }
                    _ => self.store.log_radio(call_sign, rest, self.operator.id, now),
                };
                match written {
                    Ok(line) => {
                        self.mark_own_writes_seen();
                        // the station was heard just now
                        self.radio.last_heard_for = None;
                        self.refresh_radio();
                        if crate::domain::radio::is_missing(&line.status) {
                            // this console's own write wakes no reload: alert here too
                            let by = self.operator.name.clone();
                            self.missing_radio_heard(
                                &line.call_sign,
                                &line.status,
                                &line.message,
                                &by,
                            );
                        } else {
                            self.info(format!("{} {}", line.call_sign, line.message));
                        }
                        Ok(())
                    }
                    Err(StoreError::Invalid(e)) => Err(e),
                    Err(e) => {
                        let m = e.to_string();
                        self.store_error(e);
                        Err(m)
                    }
                }
            }
            RadioInput::Relay => {
                self.typed_step(Step::Answer(Answer::RelayedVia(call_sign.to_uppercase())))
            }
            RadioInput::LateCheckIn | RadioInput::Correct => {
                let answer = match rest.split_whitespace().collect::<Vec<_>>().as_slice() {
                    [] => Answer::Heard(5),
                    [n] if n.len() == 1 && n.chars().all(|c| ('1'..='5').contains(&c)) => Answer::Heard(n.parse().unwrap_or(5)),
                    ["n"] => Answer::NothingHeard,
                    ["c"] => Answer::ClosedToday,
                    ["r", via] => Answer::RelayedVia(via.to_uppercase()),
                    _ => return Err("after the call sign: 5 to 1, n (nothing heard), c (closed) or r and the relaying call sign".into()),
                };
                let call_sign = call_sign.to_uppercase();
                let step = if purpose == RadioInput::Correct {
                    Step::Correct { call_sign, answer }
                } else {
                    Step::Late { call_sign, answer }
                };
                if self.ask_before_missing(&step) {
                    return Ok(());
                }
                if self.radio.rollcall.is_none() {
                    // the call is over and saved: tonight's saved one takes it
                    return self.amend_saved_roll_call(step);
                }
                self.typed_step(step)
            }
        }
    }

    /// A step typed on the line: one the roll-call refuses keeps the line
    /// open with why, so what was typed is not lost.
    fn typed_step(&mut self, step: Step) -> Result<(), String> {
        if self.ask_before_missing(&step) {
            return Ok(());
        }
        let effects = self.radio.answer(step);
        if let [Effect::StepRefused(StepRefused::Invalid(why))] = effects.as_slice() {
            return Err(why.clone());
        }
        self.run(effects);
        Ok(())
    }

    /// Ask first (and say so) if `step` answers for a lost or stunned radio.
    fn ask_before_missing(&mut self, step: &Step) -> bool {
        let Some(question) = self.missing_answer_question(step) else {
            return false;
        };
        self.modal = Some(Modal::Confirm(super::Confirm {
            question,
            yes: super::Action::AnswerAnyway(step.clone()),
            no: "no answer recorded".into(),
        }));
        true
    }

    /// A radio key, through the radio pane's own update.
    pub(crate) fn radio_key(&mut self, act: RadioAct) {
        let effects = self.radio.act(act);
        self.run(effects);
    }

    /// Carry out a radio key on radio `id` as the inventory shows it.
    pub(crate) fn on_radio(&mut self, id: i64, act: RadioAct) {
        let Some(r) = self.radio.radios.iter().find(|h| h.radio.id == id) else {
            return;
        };
        let form = match act {
            RadioAct::Status => radio_status_form(&r.radio),
            RadioAct::Edit => self.edit_radio_form(&r.radio),
        };
        self.modal = Some(form);
    }

    /// A radio key pressed away from the inventory: the status key takes
    /// the operator there; each says what to do, with the keys bound.
    pub(crate) fn choose_radio_first(&mut self, act: RadioAct) {
        use super::keymap::Command;
        match act {
            RadioAct::Status => {
                self.radio.view = RadioView::Inventory;
                self.refresh_radio();
                let key = self.keymap.key_for(Command::RadioStatus);
                self.info(format!("choose the radio, then {key} to change its status"))
            }
            RadioAct::Edit => {
                let (v, e) = (
                    self.keymap.key_for(Command::CycleView),
                    self.keymap.key_for(Command::EditRadio),
                );
                self.warn(format!(
                    "choose the radio in the inventory ({v}), then {e} to edit it"
                ))
            }
        }
    }

    /// Who a radio can be issued to: no one (a spare), then every member.
    fn issue_choices(&self) -> Vec<String> {
        std::iter::once("(spare: not issued)".to_string())
            .chain(self.members.iter().map(|m| m.name.clone()))
            .collect()
    }

    /// The member chosen in `issue_choices`, if any.
    fn issued_to(&self, choice: usize) -> Option<i64> {
        choice
            .checked_sub(1)
            .and_then(|i| self.members.get(i))
            .map(|m| m.id)
    }

    /// The edit form for this copy of a radio.
    pub(crate) fn edit_radio_form(&self, r: &Radio) -> Modal {
        let members = self.issue_choices();
        let index = r
            .member_id
            .and_then(|id| self.members.iter().position(|m| m.id == id))
            .map(|i| i + 1)
            .unwrap_or(0);
        let form = Form::new(
            format!("Edit {}", r.call_sign),
            vec![
                Field::text(FieldKey::Serial, &r.serial, "as on the handset"),
                Field::choice(FieldKey::IssuedTo, members, index, "←/→ or a letter"),
                Field::text(
                    FieldKey::Notes,
                    &r.notes,
                    "e.g. cracked aerial, spare battery",
                ),
            ],
        );
        Modal::Form(
            FormKind::Radio(RadioForm::Edit {
                id: r.id,
                version: r.version,
            }),
            form,
        )
    }

    pub(crate) fn open_add_radio_form(&mut self) {
        let members = self.issue_choices();
        let form = Form::new(
            "Add a radio",
            vec![
                Field::text(FieldKey::CallSign, "", "e.g. HS12"),
                Field::text(FieldKey::Serial, "", "as on the handset"),
                Field::choice(FieldKey::IssuedTo, members, 0, "←/→ or a letter"),
            ],
        );
        self.modal = Some(Modal::Form(FormKind::Radio(RadioForm::Add), form));
    }

    pub(crate) fn submit_radio_form(
        &mut self,
        kind: &RadioForm,
        form: &Form,
    ) -> Result<String, StoreError> {
        let now = self.now();
        let op = self.operator.id;
        match kind {
            RadioForm::Status { id, version } => {
                let status = form.field(FieldKey::Status)?.value().to_string();
                let r = self.store.set_radio_status(
                    *id,
                    *version,
                    &status,
                    form.field(FieldKey::Note)?.value(),
                    op,
                    now,
                )?;
                let on_roster = self
                    .radio
                    .rollcall
                    .as_ref()
                    .is_some_and(|o| o.rollcall.stations.iter().any(|s| s.radio_id == r.id));
                self.refresh_radio();
                Ok(
                    if on_roster && matches!(status.as_str(), "lost" | "stunned" | "faulty") {
                        format!("{} is now {status}; it stays on tonight's roll-call: answer it as nothing heard", r.call_sign)
                    } else {
                        format!("{} is now {status}", r.call_sign)
                    },
                )
            }
            RadioForm::Edit { id, version } => {
                let i = form.field(FieldKey::IssuedTo)?.choice_index();
                let member = self.issued_to(i);
                let r = self.store.update_radio(
                    *id,
                    *version,
                    form.field(FieldKey::Serial)?.value(),
                    member,
                    form.field(FieldKey::Notes)?.value(),
                    op,
                    now,
                )?;
                self.refresh_radio();
                Ok(format!("{} saved", r.call_sign))
            }
            RadioForm::Add => {
                let i = form.field(FieldKey::IssuedTo)?.choice_index();
                let member = self.issued_to(i);
                let status = if member.is_some() { "issued" } else { "spare" };
                let r = self.store.add_radio(
                    form.field(FieldKey::CallSign)?.value(),
                    form.field(FieldKey::Serial)?.value(),
                    member,
                    status,
                    op,
                    now,
                )?;
                self.refresh_radio();
                Ok(format!("{} added", r.call_sign))
            }
        }
    }

    /// The radios' recent answers by radio id (for drawing the roll-call's marks).
    pub fn marks_by_radio(&self) -> HashMap<i64, &[Answer]> {
        self.radio
            .radios
            .iter()
            .map(|h| (h.radio.id, h.marks.as_slice()))
            .collect()
    }
}

/// The status form for this copy of a radio.
pub(crate) fn radio_status_form(r: &Radio) -> Modal {
    let options: Vec<String> = RADIO_STATUSES.iter().map(|s| s.to_string()).collect();
    let index = options.iter().position(|s| *s == r.status).unwrap_or(0);
    let form = Form::new(
        format!("Status of {}", r.call_sign),
        vec![
            Field::choice(
                FieldKey::Status,
                options,
                index,
                "issued, spare, faulty, in repair, lost, stunned",
            ),
            Field::text(FieldKey::Note, "", "optional"),
        ],
    );
    Modal::Form(
        FormKind::Radio(RadioForm::Status {
            id: r.id,
            version: r.version,
        }),
        form,
    )
}
