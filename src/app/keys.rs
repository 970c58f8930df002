//! Keys and other events from outside, turned into actions through the keymap.

use super::keymap::{Command, Context};
use super::{quit, radio, Action, App, Event, InputKind, Modal, Pane};
use crate::domain::rollcall::{Answer, Step};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl App {
    /// Turn a key into the action it means here, apply it, and return it.
    pub fn handle_key(&mut self, key: KeyEvent) -> Option<Action> {
        self.last_key = self.now();
        let action = self.action_for_key(key)?;
        self.update(action.clone());
        Some(action)
    }

    /// The layers of keys that apply on the pane shown, the pane's own first.
    pub fn contexts(&self) -> &'static [Context] {
        use crate::domain::overview::Section;
        match self.pane {
            // a section takes its full pane's keys
            Pane::Overview => match self.overview_section() {
                Section::Incidents => &[
                    Context::Overview,
                    Context::Incident,
                    Context::List,
                    Context::Global,
                ],
                Section::Hits => &[
                    Context::Overview,
                    Context::Hit,
                    Context::List,
                    Context::Global,
                ],
                Section::Radio | Section::Activity => {
                    &[Context::Overview, Context::List, Context::Global]
                }
            },
            Pane::Incidents => &[Context::Incident, Context::List, Context::Global],
            Pane::Hits => &[Context::Hit, Context::List, Context::Global],
            Pane::Radio if self.rollcall_keys_active() => &[
                Context::RollCall,
                Context::Radio,
                Context::List,
                Context::Global,
            ],
            Pane::Radio => &[Context::Radio, Context::List, Context::Global],
            Pane::Offenders if self.profile.is_some() => &[
                Context::Profile,
                Context::Offender,
                Context::List,
                Context::Global,
            ],
            // the exclusion keys from the list say to open the profile first
            Pane::Offenders => &[
                Context::Offender,
                Context::List,
                Context::Global,
                Context::Profile,
            ],
            Pane::Activity => &[Context::List, Context::Global],
            Pane::Log => &[Context::Log, Context::List, Context::Global],
            Pane::Reports => &[Context::Reports, Context::List, Context::Global],
            Pane::Members => &[Context::Members, Context::List, Context::Global],
            Pane::Setup => &[Context::Setup, Context::List, Context::Global],
            Pane::Evidence => &[Context::Evidence, Context::List, Context::Global],
            Pane::Sightings => &[Context::Sightings, Context::List, Context::Global],
        }
    }

    pub(super) fn action_for_key(&self, key: KeyEvent) -> Option<Action> {
        let is_ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if self.lock.is_some() {
            return Some(if is_ctrl_c {
                Action::Quit
            } else {
                Action::LockKey(key)
            });
        }
        match self.quitting {
            Some(quit::QuitQuestion::UnsavedForm) => {
                // the form's own “lose what was typed?” key
                let lose = self.keymap.lookup(&key, &[Context::Form]) == Some(Command::Discard);
                return Some(Action::ConfirmQuit(lose));
            }
            Some(quit::QuitQuestion::OpenShift) => {
                return self.quit_question_key(&key).map(Action::AnswerQuit);
            }
            None => {}
        }
        match &self.modal {
            Some(Modal::Help { .. }) => {
                return match self.keymap.lookup(&key, &[Context::List, Context::Global]) {
                    Some(Command::Quit) if is_ctrl_c => Some(Action::RequestQuit),
                    Some(Command::Help | Command::Back | Command::Quit) => Some(Action::ToggleHelp),
                    Some(c) => scrolled(c),
                    None => None,
                };
            }
            Some(Modal::Handover(_)) => {
                if is_ctrl_c {
                    return Some(Action::RequestQuit);
                }
                return match self
                    .keymap
                    .lookup(&key, &[Context::Handover, Context::List])
                {
                    Some(Command::TakeHandover) => Some(Action::ConfirmHandover),
                    Some(Command::HandoverLater) => Some(Action::CloseHandover),
                    Some(c) => scrolled(c),
                    None => None,
                };
            }
            Some(Modal::Find(_)) => {
                if is_ctrl_c {
                    return Some(Action::RequestQuit);
                }
                return match self.keymap.lookup(&key, &[Context::List, Context::Global]) {
                    Some(Command::Bottom) => Some(Action::Bottom),
                    Some(Command::Open) => Some(Action::Open),
                    Some(Command::Back | Command::Quit) => Some(Action::Back),
                    // another search without closing this one first
                    Some(Command::Find) => Some(Action::StartFind),
                    Some(c) => scrolled(c),
                    None => None,
                };
            }
            Some(Modal::Confirm(_)) => {
                if is_ctrl_c {
                    return Some(Action::RequestQuit);
                }
                // nothing else applies while it asks: any other key is ignored
                return match self.keymap.lookup(&key, &[Context::Confirm]) {
                    Some(Command::Yes) => Some(Action::Confirm(true)),
                    Some(Command::No) => Some(Action::Confirm(false)),
                    _ => None,
                };
            }
            Some(Modal::Form(_, form)) => {
                if is_ctrl_c {
                    return Some(Action::RequestQuit);
                }
                if form.asking {
                    return self.clash_key(&key);
                }
                // the form's other keys (cancel, choices, suggestions) are the
                // form's to read, as they depend on the field and the question
                return Some(match self.keymap.lookup(&key, &[Context::Form]) {
                    Some(Command::OpenInstead) if form.open_instead.is_some() => {
                        Action::OpenInstead
                    }
                    Some(Command::NextField) => Action::NextField,
                    Some(Command::PrevField) => Action::PrevField,
                    Some(Command::Submit) => Action::SubmitForm,
                    _ => Action::FormKey(key),
                });
            }
            None => {}
        }
        if self.input.is_some() {
            if is_ctrl_c {
                return Some(Action::RequestQuit);
            }
            let radio_line = matches!(
                self.input.as_ref().map(|i| i.kind),
                Some(InputKind::Radio(_))
            );
            return Some(match self.keymap.lookup(&key, &[Context::Line]) {
                Some(Command::LineSubmit) => Action::SubmitInput,
                Some(Command::LineCancel) => Action::CancelInput,
                Some(Command::CompleteCallSign) if radio_line => Action::CompleteCallSign,
                _ => Action::InputKey(key),
            });
        }
        let contexts = self.contexts();
        let cmd = self.keymap.lookup(&key, contexts)?;
        Some(match cmd {
            Command::Quit => Action::RequestQuit,
            Command::Help => Action::ToggleHelp,
            Command::CommandLine => Action::StartCommand,
            Command::NewIncident => Action::NewIncident,
            Command::NextPane => Action::NextPane,
            Command::PrevPane => Action::PrevPane,
            Command::Pane0 => Action::ShowPane(Pane::Overview),
            Command::NextSection => Action::FocusSection(true),
            Command::PrevSection => Action::FocusSection(false),
            Command::Pane1 => Action::ShowPane(Pane::Incidents),
            Command::Pane2 => Action::ShowPane(Pane::Hits),
            Command::Pane3 => Action::ShowPane(Pane::Offenders),
            Command::Pane4 => Action::ShowPane(Pane::Activity),
            Command::NewSighting => Action::NewSighting,
            Command::LinkOffender => Action::LinkOffender,
            Command::AcceptHit => Action::AcceptHit,
            Command::RejectHit => Action::RejectHit,
            Command::SnoozeHit => Action::SnoozeHit,
            Command::NewOffender => Action::NewOffender,
            Command::EditOffender => Action::EditOffender,
            Command::NewExclusion => Action::NewExclusion,
            Command::LiftExclusion => Action::LiftExclusion,
            Command::Promote => Action::Promote,
            Command::Merge => Action::Merge,
            Command::Appeal => Action::Appeal,
            Command::ReviewExclusion => Action::ReviewExclusion,
            Command::PreviousTile => Action::Tile(-1),
            Command::NextTile => Action::Tile(1),
            Command::MakeNotice => Action::MakeNotice,
            Command::Pane5 => Action::ShowPane(Pane::Radio),
            Command::Pane6 => Action::ShowPane(Pane::Log),
            Command::Pane7 => Action::ShowPane(Pane::Reports),
            Command::Pane8 => Action::ShowPane(Pane::Members),
            Command::Pane9 => Action::ShowPane(Pane::Setup),
            Command::PaneEvidence => Action::ShowPane(Pane::Evidence),
            Command::AddEvidence => Action::AddEvidence,
            Command::EvidenceFromIncident => Action::EvidenceFromIncident,
            Command::EvidenceHandover => Action::EvidenceHandover,
            Command::CorrectEvidence => Action::CorrectEvidence,
            Command::PaneSightings => Action::ShowPane(Pane::Sightings),
            Command::SightingIncident => Action::SightingIncident,
            Command::SetupAdd => Action::SetupAdd,
            Command::SetupEdit => Action::SetupEdit,
            Command::SetupRetire => Action::SetupRetire,
            Command::EarlierPeriod => Action::ReportPeriod(false),
            Command::LaterPeriod => Action::ReportPeriod(true),
            Command::AddLogEntry => Action::AddLogEntry,
            Command::AmendLogEntry => Action::AmendLogEntry,
            Command::EndShift => Action::EndShift,
            Command::Lock => Action::LockNow,
            Command::Heard5 => Action::RollCall(Step::Answer(Answer::Heard(5))),
            Command::Heard4 => Action::RollCall(Step::Answer(Answer::Heard(4))),
            Command::Heard3 => Action::RollCall(Step::Answer(Answer::Heard(3))),
            Command::Heard2 => Action::RollCall(Step::Answer(Answer::Heard(2))),
            Command::Heard1 => Action::RollCall(Step::Answer(Answer::Heard(1))),
            Command::NothingHeard => Action::RollCall(Step::Answer(Answer::NothingHeard)),
            Command::ClosedToday => Action::RollCall(Step::Answer(Answer::ClosedToday)),
            Command::UndoAnswer => Action::RollCall(Step::Undo),
            Command::FinishRollCall => Action::RollCall(Step::Finish),
            Command::Relayed => Action::RadioLine(radio::RadioInput::Relay),
            Command::LateCheckIn => Action::RadioLine(radio::RadioInput::LateCheckIn),
            Command::CorrectAnswer => Action::RadioLine(radio::RadioInput::Correct),
            Command::VoidRollCall => Action::RadioLine(radio::RadioInput::Void),
            Command::SignOn => Action::RadioLine(radio::RadioInput::Sign(true)),
            Command::SignOff => Action::RadioLine(radio::RadioInput::Sign(false)),
            Command::LogRadio => Action::RadioLine(radio::RadioInput::Log),
            Command::StartRollCall => Action::StartRollCall(false),
            Command::StartPractice => Action::StartRollCall(true),
            Command::RadioStatus => Action::RadioStatus,
            Command::AddRadio => Action::AddRadio,
            Command::AddMember => Action::AddMember,
            Command::AddTraining => Action::AddTraining,
            Command::EditMember => Action::EditMember,
            Command::AddContact => Action::AddContact,
            Command::EditRadio => Action::EditRadio,
            Command::Up => Action::Move(-1),
            Command::Down => Action::Move(1),
            Command::Top => Action::Top,
            Command::Bottom => Action::Bottom,
            Command::PageUp => Action::PageUp,
            Command::PageDown => Action::PageDown,
            Command::Open => Action::Open,
            Command::Back => Action::Back,
            Command::Filter => Action::StartFilter,
            Command::CycleView => Action::CycleView,
            Command::CycleOrder => Action::CycleOrder,
            Command::Find => Action::StartFind,
            Command::AdvanceStatus => Action::AdvanceStatus,
            Command::CloseIncident => Action::CloseIncident,
            Command::Reopen => Action::Reopen,
            Command::AddNote => Action::AddNote,
            Command::AmendNote => Action::AmendNote,
            Command::EditIncident => Action::EditIncident,
            Command::NextField
            | Command::PrevField
            | Command::Submit
            | Command::KeepTheirs
            | Command::KeepMine
            | Command::DecideLater
            | Command::EndShiftAndQuit
            | Command::LeaveShiftRunning
            | Command::StaySignedIn
            | Command::CancelForm
            | Command::OpenInstead
            | Command::NextOrSave
            | Command::ChoiceNext
            | Command::ChoicePrev
            | Command::PickNext
            | Command::PickPrev
            | Command::Discard
            | Command::LineSubmit
            | Command::LineCancel
            | Command::CompleteCallSign
            | Command::ClearLine
            | Command::DeleteWord
            | Command::LineStart
            | Command::LineEnd
            | Command::NextLockField
            | Command::PrevLockField
            | Command::SignIn
            | Command::Yes
            | Command::No
            | Command::TakeHandover
            | Command::HandoverLater => return None,
        })
    }

    pub fn handle_event(&mut self, event: Event) {
        // the kind only: a key or a paste may be a PIN, and is never logged
        tracing::debug!(event = event.kind(), "event");
        match event {
            Event::Key(k) => {
                // a key release or repeat from terminals that report them is not a new press
                if k.kind == crossterm::event::KeyEventKind::Release {
                    return;
                }
                self.handle_key(k);
            }
            Event::Paste(s) => self.update(Action::Paste(s)),
            Event::Resize(w, h) => self.update(Action::Resize(w, h)),
            Event::Tick => self.update(Action::Tick),
            Event::StoreChanged => self.update(Action::StoreChanged),
            Event::StoreGone(g) => self.update(Action::StoreGone(g)),
            Event::StoreSince(now) => self.update(Action::StoreSince(now)),
            Event::NotifyFailed(why) => self.update(Action::NotifyFailed(why)),
            Event::Backup(outcome) => self.update(Action::BackupDone(outcome)),
            Event::Worked(done) => self.worked(done),
            Event::SyncFailed(why) => {
                self.dirty = true;
                self.error(format!("live sync stopped: {why}"));
                self.sync_trouble = Some(why);
            }
            // nothing changes but the frame: the photo widget takes the result when it draws
            Event::PhotoReady => self.dirty = true,
            Event::SyncResumed => {
                self.dirty = true;
                self.sync_trouble = None;
                // over the message that said it had stopped
                self.info("live sync is working again: the screen follows other consoles");
            }
            Event::Signal(name) => {
                tracing::info!(signal = name, "closing on signal");
                self.update(Action::Closed(name));
            }
        }
    }
}

/// A list key over what is open on top of the pane (help, a handover, what
/// was found): it moves in that, and nothing else applies.
fn scrolled(c: Command) -> Option<Action> {
    match c {
        Command::Down => Some(Action::Move(1)),
        Command::Up => Some(Action::Move(-1)),
        Command::PageDown => Some(Action::PageDown),
        Command::PageUp => Some(Action::PageUp),
        Command::Top => Some(Action::Top),
        _ => None,
    }
}
