//! Every change of the console's state (`Action`), the one `update` that
//! applies it, and the permission each action needs: every action is named,
//! so a new one cannot slip through unchecked.

use super::effect::Nav;
use super::incidents::IncidentAct;
use super::input::LineInput;
use super::members::MemberAct;
use super::radio::RadioAct;
use super::register::OffenderAct;
use super::setup::SetupAct;
use super::{quit, radio, App, InputKind, InputLine, Modal, Pane, BOARD_CHROME};
use crate::domain::permission::{allowed, refusal, Permission, Role};
use crate::store::Gone;
use crossterm::event::KeyEvent;

/// Every change of the console's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Quit without asking (`:q!`): the shift, if open, is left running.
    Quit,
    /// `q`, `:q`, Ctrl-C: asks about unsaved input and an open shift first.
    RequestQuit,
    /// The answer to the question an open shift asks on quitting.
    AnswerQuit(quit::ShiftOnQuit),
    /// A signal or the terminal closed the console: it quits without asking.
    Closed(&'static str),
    ToggleHelp,
    ShowPane(Pane),
    /// The overview's next (true) or previous section.
    FocusSection(bool),
    /// Leave a new person's form for the record already on the register.
    OpenInstead,
    NextPane,
    PrevPane,
    Move(i64),
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    OpenIncident(i64),
    Back,
    StartFilter,
    StartCommand,
    InputKey(KeyEvent),
    SubmitInput,
    CancelInput,
    RunCommand(String),
    SetFilter(String),
    CycleView,
    /// The board's next order (`o`).
    CycleOrder,
    /// `f`: the command line, ready for `:find`'s words.
    StartFind,
    NewIncident,
    EditIncident,
    AdvanceStatus,
    CloseIncident,
    Reopen,
    AddNote,
    AmendNote,
    FormKey(KeyEvent),
    NextField,
    PrevField,
    SubmitForm,
    /// Which of two changes to one field to keep (none: decide later).
    Keep(Option<crate::domain::merge::Keep>),
    ConfirmQuit(bool),
    SwitchTheme(String),
    Paste(String),
    Tick,
    StoreChanged,
    StoreGone(Gone),
    StoreSince(Option<Gone>),
    Resize(u16, u16),
    NewSighting,
    LinkOffender,
    AcceptHit,
    RejectHit,
    SnoozeHit,
    NewOffender,
    EditOffender,
    NewExclusion,
    LiftExclusion,
    Promote,
    Merge,
    Appeal,
    /// `R` on a profile: the selected exclusion's review held.
    ReviewExclusion,
    /// The gallery's tile before (-1) or after (1) the one selected.
    Tile(i64),
    /// `N` on a profile: the letter or notice for the selected exclusion.
    MakeNotice,
    LockKey(KeyEvent),
    LockNow,
    /// The occurrence log: a new entry, or an amendment of the selected one.
    AddLogEntry,
    AmendLogEntry,
    /// Review the handover before ending the shift.
    EndShift,
    /// Enter on a handover: save it (ending) or take it over.
    ConfirmHandover,
    CloseHandover,
    /// Show the handover waiting to be taken over.
    ShowHandover,
    RollCall(crate::domain::rollcall::Step),
    StartRollCall(bool),
    /// Yes to starting a second real roll-call tonight.
    StartAnotherRollCall,
    /// Yes to finishing with stations not yet called.
    FinishRollCallNow,
    /// Yes to answering for a radio set lost or stunned.
    AnswerAnyway(crate::domain::rollcall::Step),
    /// `:rollcall void WHY`: ask before voiding tonight's roll-call.
    AskVoidRollCall(String),
    /// `:rollcall make-practice`: ask before making tonight's roll-call a practice one.
    AskMakePractice,
    /// Yes to voiding roll-call `id`, for the reason given.
    VoidRollCall {
        id: i64,
        reason: String,
    },
    /// Yes to making roll-call `id` a practice one.
    MakeRollCallPractice(i64),
    /// The answer to the question on screen ([`Modal::Confirm`]).
    Confirm(bool),
    SaveRollCall,
    RadioLine(radio::RadioInput),
    CompleteCallSign,
    RadioStatus,
    AddRadio,
    EditRadio,
    AddMember,
    AddTraining,
    /// `e` on the members view: edit the selected member.
    EditMember,
    /// `c` on the members view: a contact at the selected member.
    AddContact,
    /// The evidence log: a new item, one on the incident selected, a
    /// handover of the item selected, a correction of its clip.
    AddEvidence,
    EvidenceFromIncident,
    EvidenceHandover,
    CorrectEvidence,
    /// The selected sighting's incident.
    SightingIncident,
    /// The set-up pane: add, edit or retire a zone or camera; the scheme's details.
    SetupAdd,
    SetupEdit,
    SetupRetire,
    /// `[` or `]` on the reports pane: the period before (false) or after (true).
    ReportPeriod(bool),
    NotifyFailed(String),
    /// A scheduled backup's outcome.
    BackupDone(Result<String, String>),
    /// `:note TEXT`, `:close REASON`, `:log TEXT` and `:hit N accept|reject
    /// TEXT`: the command line's writes, checked as the keys' are.
    NoteNow(String),
    CloseNow(String),
    LogNow(String),
    HitCommand(String),
}

/// The permission an action needs, if it changes anything.
/// What each action needs. Every action is named here, so a new one cannot
/// slip through unchecked: the compiler asks for it.
pub(super) fn permission_for(action: &Action) -> Option<Permission> {
    use Permission as P;
    Some(match action {
        Action::NewIncident => P::LogIncident,
        Action::EditIncident
        | Action::AdvanceStatus
        | Action::CloseIncident
        | Action::Reopen
        | Action::AddNote
        | Action::AmendNote
        | Action::NoteNow(_)
        | Action::CloseNow(_) => P::UpdateIncident,
        Action::NewSighting => P::LogSighting,
        Action::LinkOffender => P::NameOffenderOnIncident,
        Action::AcceptHit | Action::RejectHit | Action::SnoozeHit | Action::HitCommand(_) => {
            P::DecideHit
        }
        Action::NewOffender | Action::EditOffender | Action::Promote | Action::Merge => {
            P::EditRegister
        }
        Action::NewExclusion
        | Action::LiftExclusion
        | Action::Appeal
        | Action::ReviewExclusion
        | Action::MakeNotice => {
            P::ManageExclusions
        }
        Action::RollCall(_)
        | Action::StartRollCall(_)
        | Action::StartAnotherRollCall
        | Action::FinishRollCallNow
        | Action::AnswerAnyway(_)
        | Action::AskVoidRollCall(_)
        | Action::AskMakePractice
        | Action::VoidRollCall { .. }
        | Action::MakeRollCallPractice(_)
        | Action::SaveRollCall => P::RunRollCall,
        Action::RadioLine(
            radio::RadioInput::Relay
            | radio::RadioInput::LateCheckIn
            | radio::RadioInput::Correct
            | radio::RadioInput::Void,
        ) => {
            P::RunRollCall
        }
        Action::RadioLine(radio::RadioInput::Log | radio::RadioInput::Sign(_)) => P::LogRadio,
        Action::RadioStatus | Action::AddRadio | Action::EditRadio => P::ManageRadios,
        Action::ShowPane(Pane::Activity) => P::ViewAudit,
        Action::ShowPane(Pane::Setup)
        | Action::SetupAdd
        | Action::SetupEdit
        | Action::SetupRetire => P::SetUpScheme,
        Action::AddLogEntry | Action::AmendLogEntry | Action::LogNow(_) => P::KeepLog,
        Action::AddMember | Action::AddTraining | Action::EditMember | Action::AddContact => {
            P::ManageMembers
        }
        Action::AddEvidence
        | Action::EvidenceFromIncident
        | Action::EvidenceHandover
        | Action::CorrectEvidence => P::RecordEvidence,
        // open to every signed-in role: moving about, reading, typing into
        // a line or form whose opening was checked, the console's own events
        Action::Quit
        | Action::SightingIncident
        | Action::Tile(_)
        | Action::RequestQuit
        | Action::AnswerQuit(_)
        | Action::Closed(_)
        | Action::ToggleHelp
        | Action::ShowPane(_)
        | Action::FocusSection(_)
        | Action::OpenInstead
        | Action::NextPane
        | Action::PrevPane
        | Action::Move(_)
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
        | Action::Open
        | Action::OpenIncident(_)
        | Action::Back
        | Action::StartFilter
        | Action::StartCommand
        | Action::InputKey(_)
        | Action::SubmitInput
        | Action::CancelInput
        | Action::RunCommand(_)
        | Action::SetFilter(_)
        | Action::CycleView
        | Action::CycleOrder
        | Action::StartFind
        | Action::FormKey(_)
        | Action::NextField
        | Action::PrevField
        | Action::SubmitForm
        // which value to keep of a field both changed: the save then is the form's, checked
        | Action::Keep(_)
        | Action::ConfirmQuit(_)
        | Action::SwitchTheme(_)
        | Action::Paste(_)
        | Action::Tick
        | Action::StoreChanged
        | Action::StoreGone(_)
        | Action::StoreSince(_)
        | Action::Resize(..)
        | Action::LockKey(_)
        | Action::LockNow
        | Action::EndShift
        | Action::ConfirmHandover
        | Action::CloseHandover
        | Action::ShowHandover
        | Action::Confirm(_)
        | Action::RadioLine(radio::RadioInput::Filter)
        | Action::RadioLine(radio::RadioInput::LogFilter)
        | Action::CompleteCallSign
        | Action::ReportPeriod(_)
        | Action::NotifyFailed(_)
        | Action::BackupDone(_) => return None,
    })
}

impl App {
    pub fn update(&mut self, action: Action) {
        // another console's commit redraws only if it reloads (this console's
        // own commits wake it too, and change nothing on its screen)
        self.dirty |= !matches!(action, Action::StoreChanged);
        if let Some(p) = permission_for(&action) {
            if !self.permit(p) {
                return;
            }
        }
        match action {
            Action::Quit => self.close_console("quit"),
            Action::RequestQuit => self.request_quit(),
            Action::ConfirmQuit(yes) => self.confirm_quit(yes),
            Action::AnswerQuit(answer) => self.answer_quit(answer),
            Action::Closed(why) => self.close_console(why),
            Action::ToggleHelp => {
                self.modal = match self.modal {
                    Some(Modal::Help { .. }) => None,
                    _ => Some(Modal::Help { scroll: 0 }),
                }
            }
            Action::ShowPane(Pane::Overview) if !self.overview_fits() => self.info(format!(
                "the overview needs a terminal of {}×{} (this is {}×{})",
                crate::domain::overview::MIN_WIDTH,
                crate::domain::overview::MIN_HEIGHT,
                self.size.0,
                self.size.1
            )),
            Action::ShowPane(p) => {
                self.overview.opened_from = false;
                self.show_pane(p)
            }
            Action::FocusSection(next) => self.focus_section(next),
            Action::OpenInstead => self.open_instead(),
            Action::NextPane | Action::PrevPane => {
                self.overview.opened_from = false;
                let i = Pane::ALL.iter().position(|p| *p == self.pane).unwrap_or(0);
                let n = Pane::ALL.len();
                let step = if action == Action::NextPane { 1 } else { n - 1 };
                let mut j = (i + step) % n;
                // the audit and set-up panes are a manager's: others pass over them
                while (Pane::ALL[j] == Pane::Activity
                    && !allowed(self.role(), Permission::ViewAudit))
                    || (Pane::ALL[j] == Pane::Overview && !self.overview_fits())
                    || (Pane::ALL[j] == Pane::Setup
                        && !allowed(self.role(), Permission::SetUpScheme))
                {
                    j = (j + step) % n;
                }
                self.show_pane(Pane::ALL[j]);
            }
            Action::Move(d) => self.move_by(d),
            Action::PageDown => self.page(true),
            Action::PageUp => self.page(false),
            Action::Top => self.jump(true),
            Action::Bottom => self.jump(false),
            Action::Open => self.open_selected(),
            Action::OpenIncident(id) => self.open_incident(id),
            Action::Back => self.back(),
            Action::StartFilter => self.start_filter(),
            Action::StartFind => self.start_find(),
            Action::StartCommand => {
                self.input = Some(InputLine {
                    kind: InputKind::Command,
                    line: LineInput::default(),
                    before: String::new(),
                    error: None,
                })
            }
            Action::InputKey(k) => self.input_key(k),
            Action::Paste(s) => self.paste(&s),
            Action::SubmitInput => self.submit_input(),
            Action::CancelInput => self.cancel_input(),
            Action::RunCommand(c) => self.run_command(&c),
            Action::SetFilter(f) => {
                if let Some(e) = self.apply_filter(&f) {
                    self.warn(e);
                }
            }
            Action::ReportPeriod(later) => {
                let effects = self.reports.step_period(later);
                self.run(effects)
            }
            Action::CycleView if self.pane == Pane::Offenders => {
                self.profile = None;
                self.nav(Nav::NextView);
            }
            Action::CycleView
                if matches!(
                    self.pane,
                    Pane::Radio | Pane::Members | Pane::Setup | Pane::Reports
                ) =>
            {
                self.nav(Nav::NextView)
            }
            Action::CycleView if self.pane == Pane::Activity => self.cycle_activity_view(),
            // the hits and the log have one view: v there is not the board's
            Action::CycleView if self.pane != Pane::Incidents => self.info(format!(
                "the {} pane has one view",
                self.pane.title().to_lowercase()
            )),
            Action::CycleView => {
                self.set_view(self.board.filter.status.next());
                let label = self.board.filter.status.label();
                self.info(format!("showing {label} incidents"));
            }
            Action::CycleOrder if self.pane == Pane::Incidents => {
                let effects = self.board.cycle_order();
                self.detail = None;
                self.run(effects);
                let label = self.board.filter.order.label();
                self.info(format!("incidents: {label}"));
            }
            // the overview's incidents are the working list, always by priority
            Action::CycleOrder => self.info(format!(
                "the overview lists live incidents by priority and age; {} orders the board ({})",
                self.keymap.key_for(super::keymap::Command::CycleOrder),
                Pane::Incidents.number()
            )),
            Action::NewIncident => self.open_new_form(),
            Action::EditIncident => self.incident_key(IncidentAct::Edit),
            Action::AdvanceStatus => self.incident_key(IncidentAct::Advance),
            Action::CloseIncident => self.incident_key(IncidentAct::Close),
            Action::Reopen => self.incident_key(IncidentAct::Reopen),
            Action::AddNote => self.incident_key(IncidentAct::Note),
            Action::AmendNote => self.incident_key(IncidentAct::AmendNote(None)),
            Action::FormKey(k) => self.form_key(k),
            Action::NextField | Action::PrevField => {
                if let Some(Modal::Form(_, f)) = &mut self.modal {
                    if action == Action::NextField {
                        f.focus_next()
                    } else {
                        f.focus_prev()
                    }
                }
            }
            Action::SubmitForm => self.submit_form(),
            Action::Keep(keep) => self.keep_value(keep),
            Action::SwitchTheme(name) => self.switch_theme(&name),
            Action::NewSighting => self.open_sighting_form(),
            Action::LinkOffender => self.incident_key(IncidentAct::LinkOffender),
            Action::AcceptHit | Action::RejectHit
                if self.pane == Pane::Overview && !self.select_overview_hit() =>
            {
                self.info("no hit is waiting")
            }
            Action::AcceptHit => self.open_hit_form(true),
            Action::RejectHit => self.open_hit_form(false),
            Action::SnoozeHit => self.open_snooze_form(),
            Action::NewOffender => self.register_key(OffenderAct::New),
            Action::EditOffender => self.register_key(OffenderAct::Edit),
            Action::NewExclusion => self.register_key(OffenderAct::Exclude),
            Action::LiftExclusion => self.register_key(OffenderAct::Lift),
            Action::Promote => self.register_key(OffenderAct::Promote),
            Action::Merge => self.register_key(OffenderAct::Merge),
            Action::Appeal => self.register_key(OffenderAct::Appeal),
            Action::ReviewExclusion => self.register_key(OffenderAct::Review),
            Action::Tile(d) => self.tile(d),
            Action::MakeNotice => self.register_key(OffenderAct::Notice),
            Action::LockKey(k) => self.lock_key(k),
            Action::LockNow => self.lock_now("locked"),
            Action::AddLogEntry => self.start_log_entry(false),
            Action::AmendLogEntry => self.start_log_entry(true),
            Action::EndShift => self.review_handover(false),
            Action::ConfirmHandover => self.confirm_handover(),
            Action::CloseHandover => self.close_handover(),
            Action::ShowHandover => self.offer_handover(false),
            Action::RollCall(step) => self.roll_call_step(step),
            Action::StartRollCall(practice) => self.start_roll_call(practice),
            Action::StartAnotherRollCall => self.begin_roll_call(false),
            Action::FinishRollCallNow => {
                let effects = self.radio.answer(crate::domain::rollcall::Step::Finish);
                self.run(effects);
            }
            Action::AnswerAnyway(step) => self.answer_anyway(step),
            Action::AskVoidRollCall(why) => {
                if let Err(why) = self.ask_void_roll_call(&why) {
                    self.warn(why);
                }
            }
            Action::AskMakePractice => self.ask_make_practice(),
            Action::VoidRollCall { id, reason } => self.void_roll_call(id, &reason),
            Action::MakeRollCallPractice(id) => self.make_roll_call_practice(id),
            Action::Confirm(yes) => {
                if let Some(Modal::Confirm(c)) = self.modal.take() {
                    if yes {
                        self.update(c.yes);
                    } else {
                        self.info(c.no);
                    }
                }
            }
            Action::SaveRollCall => self.save_roll_call(),
            Action::RadioLine(purpose) => self.start_radio_input(purpose),
            Action::CompleteCallSign => self.complete_call_sign(),
            Action::RadioStatus => self.radio_key(RadioAct::Status),
            Action::AddRadio => self.open_add_radio_form(),
            Action::AddMember => self.open_add_member_form(),
            Action::AddTraining => self.open_add_training_form(),
            Action::EditMember => self.member_key(MemberAct::Edit),
            Action::AddContact => self.member_key(MemberAct::AddContact),
            Action::EditRadio => self.radio_key(RadioAct::Edit),
            Action::AddEvidence => self.open_evidence_form(None),
            Action::EvidenceFromIncident => self.incident_key(IncidentAct::Evidence),
            Action::EvidenceHandover => self.open_handover_form(),
            Action::CorrectEvidence => self.open_correction_form(),
            Action::SightingIncident => self.sighting_incident(),
            Action::SetupAdd => self.setup_key(SetupAct::Add),
            Action::SetupEdit => self.setup_key(SetupAct::Edit),
            Action::SetupRetire => self.setup_key(SetupAct::Retire),
            Action::NotifyFailed(why) => {
                // said once; everything else carries on
                if self.notify_trouble.is_none() {
                    let short: String = why.chars().take(60).collect();
                    let text = format!(
                        "no desktop notifications ({short}); alerts still show here, with the bell"
                    );
                    // never over the confirmation of what the operator just did
                    if self.message.is_some() {
                        self.toast(text);
                    } else {
                        self.warn(text);
                    }
                    self.notify_trouble = Some(why);
                }
            }
            Action::BackupDone(Ok(what)) => self.toast(what),
            Action::BackupDone(Err(why)) => {
                tracing::warn!(%why, "scheduled backup");
                self.warn(format!("scheduled backup failed: {why}"));
            }
            Action::NoteNow(text) => self.incident_key(IncidentAct::NoteNow(text)),
            Action::CloseNow(reason) => self.incident_key(IncidentAct::CloseNow(reason)),
            Action::LogNow(text) => {
                if let Err(e) = self.add_log_entry(&text, None) {
                    self.warn(e);
                }
            }
            Action::HitCommand(rest) => self.hit_command(&rest),
            Action::Tick => self.tick(),
            Action::StoreChanged => self.store_changed(),
            Action::StoreGone(g) => self.store_gone_seen(g),
            Action::StoreSince(now) => self.store_since(now),
            Action::Resize(w, h) => {
                self.size = (w, h);
                let page = h.saturating_sub(BOARD_CHROME).max(1) as usize;
                if page != self.board.page {
                    self.board.page = page;
                    self.reload_in_place(false);
                }
                self.overview_resized();
            }
        }
        self.track_calling();
    }

    pub(super) fn show_pane(&mut self, p: Pane) {
        self.pane = p;
        match p {
            Pane::Activity => self.reload_activity(),
            Pane::Hits => self.refresh_hits(),
            Pane::Offenders => self.update_index(),
            Pane::Radio => self.refresh_radio(),
            Pane::Log => self.reload_log(),
            Pane::Reports => self.open_reports(),
            Pane::Members => self.reload_members(),
            Pane::Setup => self.reload_setup(),
            Pane::Evidence => self.reload_evidence(),
            Pane::Sightings => {
                if let Some(e) = self.reload_sightings() {
                    self.warn(e);
                }
            }
            Pane::Overview => self.refresh_overview(),
            Pane::Incidents => {}
        }
    }

    pub fn role(&self) -> Role {
        self.operator.role
    }

    /// Whether this operator may; if not, say why and record the refusal.
    pub fn permit(&mut self, p: Permission) -> bool {
        let role = self.role();
        if allowed(role, p) {
            return true;
        }
        let why = refusal(role, p);
        let now = self.now();
        if let Err(e) = self.store.record_refusal(self.operator.id, &why, now) {
            self.store_error(e);
        } else {
            self.mark_own_writes_seen();
        }
        self.warn(format!("refused: {why}"));
        false
    }
}
