//! The console's state and the one function that changes it.
//!
//! Keys become `Action`s through the keymap; `update` applies an action,
//! asking the store for what it needs. Drawing lives in `ui` and only reads.
//!
//! Over the size the design asks: it is to be split into actions and
//! permissions, keys, board, incidents, command line and sync (open work on
//! the console's core); until then its sections are marked with `// -----`.

pub mod clash;
pub mod command_line;
pub mod config;
pub mod form;
pub mod input;
pub mod keymap;
pub mod members;
pub mod quit;
pub mod radio;
pub mod register;
pub mod reports;
pub mod runtime;
pub mod setup;
pub mod shift;
pub mod signin;
pub mod work;

use crate::domain::permission::{allowed, refusal, Permission, Role};
use crate::domain::place::PlaceChoice;
use crate::domain::retention::{DueItem, DueKind};
use crate::domain::rollcall::{Answer, Step};
use crate::domain::search::OffenderIndex;
use crate::domain::sighting::Camera;
use crate::domain::text::tidy_input;
use crate::domain::{
    Clock, Incident, IncidentEdit, IncidentFilter, Member, NewIncident, Priority, Status,
    StatusView, TimelineEntry, Zone,
};
use crate::store::sightings::HitRules;
use crate::store::{Anchor, AuditRecord, BoardKey, BoardRow, Gone, Operator, Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use config::Config;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use form::{Field, Form, FormOutcome};
use input::LineInput;
use keymap::{Command, Context, Keymap};
use std::sync::Arc;

/// Rows of the screen that are not board rows: tabs, frame, header, message line, status bar.
pub const BOARD_CHROME: u16 = 6;
/// Smallest usable terminal; anything less shows a one-line request to enlarge it.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;
/// Counting stops here so a count never stalls a key press on a huge store.
pub const COUNT_CAP: u64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Incidents,
    Hits,
    Offenders,
    Activity,
    Radio,
    Log,
    Reports,
    Members,
    Setup,
}

impl Pane {
    pub const ALL: [Pane; 9] = [
        Pane::Incidents,
        Pane::Hits,
        Pane::Offenders,
        Pane::Activity,
        Pane::Radio,
        Pane::Log,
        Pane::Reports,
        Pane::Members,
        Pane::Setup,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Pane::Incidents => "Incidents",
            Pane::Hits => "Hits",
            Pane::Offenders => "Offenders",
            Pane::Activity => "Activity",
            Pane::Radio => "Radio",
            Pane::Log => "Log",
            Pane::Reports => "Reports",
            Pane::Members => "Members",
            Pane::Setup => "Set-up",
        }
    }
}

/// Everything that reaches the console from outside.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Tick,
    /// Another connection committed to the store.
    StoreChanged,
    /// The store's files have gone from their paths (deleted, moved, replaced).
    StoreGone(Gone),
    /// After that, what the paths hold now (`None`: the files opened are back).
    StoreSince(Option<Gone>),
    /// SIGHUP, SIGTERM or SIGINT: close cleanly.
    Signal(&'static str),
    /// A desktop notification could not be shown (no notification service).
    NotifyFailed(String),
    /// A scheduled backup was taken (what it was), or failed (why).
    Backup(Result<String, String>),
    /// The store worker finished a job.
    Worked(work::Done),
    /// Looking for other consoles' commits failed (why), or works again.
    SyncFailed(String),
    SyncResumed,
    /// A photo decoded off the loop is ready to draw.
    PhotoReady,
}

impl Event {
    /// What kind of event this is, with nothing of what it carries.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Key(_) => "key",
            Event::Paste(_) => "paste",
            Event::Resize(..) => "resize",
            Event::Tick => "tick",
            Event::StoreChanged => "store changed",
            Event::StoreGone(_) => "store gone",
            Event::StoreSince(_) => "store since",
            Event::Signal(_) => "signal",
            Event::NotifyFailed(_) => "notify failed",
            Event::Backup(_) => "backup",
            Event::Worked(_) => "worked",
            Event::SyncFailed(_) => "sync failed",
            Event::SyncResumed => "sync resumed",
            Event::PhotoReady => "photo ready",
        }
    }
}

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
    NewOffender,
    EditOffender,
    NewExclusion,
    LiftExclusion,
    Promote,
    Merge,
    Appeal,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub level: Level,
    pub until: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub until: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    NewIncident,
    Edit { id: i64, version: i64 },
    Close { id: i64, version: i64 },
    Note { id: i64, amends: Option<i64> },
    Sighting,
    LinkOffender { incident: i64 },
    Offender { id: Option<i64>, version: i64 },
    Exclusion { offender: i64 },
    LiftExclusion { id: i64, version: i64 },
    Promote { id: i64 },
    Merge { from: i64 },
    Appeal { id: i64, version: i64 },
    RadioStatus { id: i64, version: i64 },
    EditRadio { id: i64, version: i64 },
    AddRadio,
    AddMember,
    AddTraining,
    EditMember { id: i64, version: i64 },
    AddContact { member: i64 },
    AddZone,
    EditZone { id: i64 },
    RetireZone { id: i64 },
    AddCamera,
    EditCamera { id: i64 },
    RetireCamera { id: i64 },
    SchemeDetails,
    AcceptHit { id: i64, version: i64 },
    RejectHit { id: i64, version: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modal {
    Help {
        scroll: u16,
    },
    Handover(shift::HandoverView),
    Form(FormKind, Form),
    /// A yes-or-no question before something that should not happen by accident.
    Confirm(Confirm),
}

/// A question answered y/Enter (do `yes`) or n/Esc (say `no`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub question: String,
    pub yes: Action,
    pub no: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Command,
    /// Searching the offender register as you type.
    Search,
    /// Filtering the audit trail in the activity pane.
    AuditFilter,
    /// A line for the radio pane: the log, a late check-in, a relay.
    Radio(radio::RadioInput),
    /// Why this offender's profile is being opened outside a live incident
    /// or hit: the answer goes into the audit record of the view.
    Why {
        offender: i64,
    },
    /// An occurrence log entry (amending another, if named).
    LogEntry {
        amends: Option<i64>,
    },
}

impl InputKind {
    /// Whether Enter on this line saves something (a filter or a search does not).
    fn saves(self) -> bool {
        !matches!(
            self,
            InputKind::Filter
                | InputKind::Search
                | InputKind::AuditFilter
                | InputKind::Radio(radio::RadioInput::Filter)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputLine {
    pub kind: InputKind,
    pub line: LineInput,
    /// The filter in force before `/`, restored by Esc.
    pub before: String,
    pub error: Option<String>,
    /// Filter as each key is typed; on a very large view only on Enter, so
    /// typing never waits on a scan of the whole store.
    pub live: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Board {
    /// The status view chosen with `v` or `:view`; a typed `status:` overrides it.
    pub view: StatusView,
    pub filter: IncidentFilter,
    pub filter_text: String,
    pub rows: Vec<BoardRow>,
    pub selected: usize,
    pub count: u64,
    /// Rows that fit on screen.
    pub page: usize,
}

impl Board {
    pub fn selected_row(&self) -> Option<&BoardRow> {
        self.rows.get(self.selected)
    }
}

#[derive(Debug, Clone)]
pub struct Detail {
    pub incident: Incident,
    pub timeline: Vec<TimelineEntry>,
    pub selected: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Activity {
    /// A manager's filter: `who:alex did:view offender:12 since:2026-11-01 until:2026-11-30 words`.
    pub filter: String,
    pub records: Vec<AuditRecord>,
    pub selected: usize,
    pub offset: usize,
    pub view: ActivityView,
    /// What the retention rules say is due now, and why (the review view).
    pub due: Vec<DueItem>,
}

/// The activity pane's two views, both a manager's: `v` switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ActivityView {
    /// Who did what: the audit trail.
    #[default]
    Audit,
    /// What the scheme may no longer keep, and why; applied from the shell.
    Retention,
}

pub struct App {
    /// The console's connection: private to the app layer, so the ui, which
    /// draws from state, has no way to reach the store.
    store: Store,
    /// The store file's name, for the header.
    pub store_name: String,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    pub keymap: Keymap,
    pub operator: Operator,
    pub started_at: DateTime<Utc>,
    pub pane: Pane,
    pub board: Board,
    pub detail: Option<Detail>,
    pub activity: Activity,
    pub modal: Option<Modal>,
    pub input: Option<InputLine>,
    pub theme: String,
    pub theme_names: Vec<String>,
    pub toasts: Vec<Toast>,
    pub message: Option<Message>,
    pub store_ok: bool,
    /// The store's files gone from their paths, once seen: the console
    /// stays in the error state and every write is refused.
    pub store_gone: Option<Gone>,
    /// What the last store failure said, for an input line to keep what
    /// was typed when its save failed.
    store_failed: Option<String>,
    pub zones: Vec<Zone>,
    pub members: Vec<Member>,
    pub size: (u16, u16),
    pub quit: bool,
    /// Something changed since the last frame.
    pub dirty: bool,
    /// Ring the terminal bell on the next frame.
    pub bell: bool,
    /// What the console is asking before it quits, if anything.
    pub quitting: Option<quit::QuitQuestion>,
    last_audit_seen: i64,
    /// What decides a hit: the scheme's ladder and watch markers.
    pub rules: HitRules,
    /// The scheme's time zone: dates typed and shown are its days.
    pub tz: chrono_tz::Tz,
    /// The register's fuzzy search, built once and kept up to date.
    pub index: OffenderIndex,
    pub register: register::Register,
    pub profile: Option<register::ProfileView>,
    pub hits: register::Hits,
    pub cameras: Vec<Camera>,
    /// Desktop notifications waiting for the runtime to send.
    pub notices: Vec<register::Notice>,
    /// Why desktop notifications are not working, once known.
    pub notify_trouble: Option<String>,
    register_mark: crate::store::search::RegisterMark,
    pub radio: radio::RadioPane,
    pub reports: reports::ReportsPane,
    pub members_pane: members::MembersPane,
    pub setup: setup::SetupPane,
    /// Set while no one is signed in or the console is locked: nothing personal is drawn.
    pub lock: Option<signin::LockScreen>,
    /// When a key was last pressed (for the idle lock).
    pub last_key: DateTime<Utc>,
    /// The last reason given for opening a profile, offered again so a run
    /// of checks for one purpose costs one Enter each.
    pub last_why: String,
    /// This operator's shift on this console.
    pub shift: Option<crate::domain::shift::Shift>,
    pub log: shift::OccurrenceLog,
    /// Jobs for the store worker, and which results are still wanted.
    pub work: work::Work,
    /// Why other consoles' commits can no longer be followed, while so.
    pub sync_trouble: Option<String>,
    /// Other connections' commits as last seen (`PRAGMA data_version`): a
    /// notice of this console's own commit alone reloads nothing.
    seen_version: i64,
    /// How many times the screen has been reloaded for other connections' commits.
    pub reloads: u64,
}

const ACTIVITY_LIMIT: usize = 500;

impl App {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        config: Config,
        operator: Operator,
        theme: String,
        theme_names: Vec<String>,
    ) -> anyhow::Result<App> {
        let user_keymap = config
            .keymap_file
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok().map(|t| (p.clone(), t)));
        let (keymap, warnings) = Keymap::load(
            &config.keys,
            user_keymap.as_ref().map(|(p, t)| (p.as_path(), t.as_str())),
        );
        let now = clock.now();
        let last_audit_seen = store
            .recent_audit(None, 1)?
            .first()
            .map(|r| r.id)
            .unwrap_or(0);
        let last_hit = store.last_hit_id()?;
        let rules = config.hit_rules();
        let tz = config.tz();
        let store_name = store
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut app = App {
            store_name,
            zones: store.zones()?,
            members: store.members()?,
            store,
            clock,
            config,
            keymap,
            operator,
            started_at: now,
            pane: Pane::Incidents,
            board: Board {
                page: 20,
                ..Default::default()
            },
            detail: None,
            activity: Activity::default(),
            modal: None,
            input: None,
            theme,
            theme_names,
            toasts: vec![],
            message: None,
            store_ok: true,
            store_gone: None,
            store_failed: None,
            size: (120, 40),
            quit: false,
            dirty: true,
            bell: false,
            quitting: None,
            last_audit_seen,
            rules,
            tz,
            index: OffenderIndex::new(vec![]),
            register: register::Register::default(),
            profile: None,
            hits: register::Hits {
                last_seen: last_hit,
                ..Default::default()
            },
            cameras: vec![],
            notices: vec![],
            notify_trouble: None,
            register_mark: Default::default(),
            radio: radio::RadioPane::default(),
            reports: reports::ReportsPane::default(),
            members_pane: members::MembersPane::default(),
            setup: setup::SetupPane::default(),
            lock: None,
            last_key: now,
            last_why: String::new(),
            shift: None,
            log: shift::OccurrenceLog::default(),
            work: work::Work::default(),
            sync_trouble: None,
            seen_version: 0,
            reloads: 0,
        };
        app.seen_version = app.store.data_version()?;
        if !warnings.is_empty() {
            app.warn(warnings.join("; "));
        }
        app.reload_board(Anchor::First);
        app.recount();
        app.cameras = app.store.cameras()?;
        app.refresh_register_if_changed();
        app.refresh_hits();
        app.refresh_on_air();
        app.begin_shift();
        app.offer_handover(true);
        Ok(app)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The config's scheduled backups, if it asks for any.
    pub fn backup_schedule(&self) -> Option<crate::store::backup::Schedule> {
        self.config.backup.schedule()
    }

    pub fn stale_after(&self) -> Duration {
        Duration::minutes(self.config.stale_after_minutes)
    }

    // ----- messages -------------------------------------------------------

    pub fn info(&mut self, text: impl Into<String>) {
        self.say(text.into(), Level::Info, 6);
    }
    pub fn warn(&mut self, text: impl Into<String>) {
        self.say(text.into(), Level::Warn, 15);
    }
    pub fn error(&mut self, text: impl Into<String>) {
        self.say(text.into(), Level::Error, 20);
    }
    fn say(&mut self, text: String, level: Level, secs: i64) {
        // messages can name people: only at debug level, which is off by default
        tracing::debug!(?level, %text, "message");
        self.message = Some(Message {
            text,
            level,
            until: self.now() + Duration::seconds(secs),
        });
    }
    pub fn toast(&mut self, text: impl Into<String>) {
        let until = self.now() + Duration::seconds(5);
        self.toasts.push(Toast {
            text: text.into(),
            until,
        });
        if self.toasts.len() > 3 {
            self.toasts.remove(0);
        }
    }

    fn store_error(&mut self, e: StoreError) {
        match e {
            StoreError::Invalid(_)
            | StoreError::NotFound(_)
            | StoreError::Stale { .. }
            | StoreError::RollCallClash(_) => self.warn(e.describe(self.tz)),
            StoreError::Gone(gone) => {
                let text = StoreError::Gone(gone.clone()).to_string();
                self.store_went(gone);
                self.store_failed = Some(text.clone());
                self.error(text);
            }
            other => {
                self.store_ok = false;
                tracing::error!(error = %other, "store");
                let text = other.to_string();
                self.store_failed = Some(text.clone());
                self.error(text);
            }
        }
    }

    /// The store's files have gone (seen by the watcher or by a refused
    /// write): the console stays in the error state for good, rings once,
    /// and keeps on screen whatever is typed.
    fn store_went(&mut self, gone: Gone) {
        self.store_ok = false;
        if self.store_gone.is_some() {
            return;
        }
        tracing::error!(what = %gone, "the store has gone: every write is refused");
        self.bell = true;
        self.store_gone = Some(gone);
    }

    /// The watcher saw the store's files gone, before any write.
    fn store_gone_seen(&mut self, gone: Gone) {
        let first = self.store_gone.is_none();
        self.store_went(gone.clone());
        if first {
            // the banner over the board says the rest, and stays
            self.error(format!(
                "{gone} while this console had it open: nothing more can be saved here"
            ));
        }
    }

    /// What the store's paths hold now, after it has gone: the console stays
    /// stopped whatever comes back.
    fn store_since(&mut self, now: Option<Gone>) {
        let Some(first) = &self.store_gone else {
            return;
        };
        let store = first.store.display().to_string();
        let text = match now {
            None => format!(
                "{store} is back at its path, but this console stays stopped (nothing more is saved here): start the console again to go on"
            ),
            Some(g) if matches!(g.change, crate::store::files::Change::Replaced | crate::store::files::Change::NotAFile(_)) => format!(
                "something new is at {}, but it is not the store this console opened: this console stays stopped — start it again to use it",
                g.path.display()
            ),
            Some(g) => format!("{g}; this console stays stopped — {}", g.advice()),
        };
        self.error(text);
    }

    // ----- keys -----------------------------------------------------------

    /// Turn a key into the action it means here, apply it, and return it.
    pub fn handle_key(&mut self, key: KeyEvent) -> Option<Action> {
        self.last_key = self.now();
        let action = self.action_for_key(key)?;
        self.update(action.clone());
        Some(action)
    }

    /// The layers of keys that apply on the pane shown, the pane's own first.
    pub fn contexts(&self) -> &'static [Context] {
        match self.pane {
            Pane::Incidents => &[Context::Incident, Context::List, Context::Global],
            Pane::Hits => &[Context::Hit, Context::List, Context::Global],
            Pane::Radio if self.rollcall_keys_active() => &[
                Context::RollCall,
                Context::Radio,
                Context::List,
                Context::Global,
            ],
            Pane::Radio => &[Context::Radio, Context::List, Context::Global],
            Pane::Offenders => &[Context::Offender, Context::List, Context::Global],
            Pane::Activity => &[Context::List, Context::Global],
            Pane::Log => &[Context::Log, Context::List, Context::Global],
            Pane::Reports => &[Context::Reports, Context::List, Context::Global],
            Pane::Members => &[Context::Members, Context::List, Context::Global],
            Pane::Setup => &[Context::Setup, Context::List, Context::Global],
        }
    }

    fn action_for_key(&self, key: KeyEvent) -> Option<Action> {
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
                return Some(Action::ConfirmQuit(matches!(
                    key.code,
                    KeyCode::Char('y') | KeyCode::Char('Y')
                )));
            }
            Some(quit::QuitQuestion::OpenShift) => {
                return self.quit_question_key(&key).map(Action::AnswerQuit);
            }
            None => {}
        }
        match &self.modal {
            Some(Modal::Help { .. }) => {
                return match self.keymap.lookup(&key, &[Context::List, Context::Global]) {
                    Some(Command::Down) => Some(Action::Move(1)),
                    Some(Command::Up) => Some(Action::Move(-1)),
                    Some(Command::PageDown) => Some(Action::PageDown),
                    Some(Command::PageUp) => Some(Action::PageUp),
                    Some(Command::Top) => Some(Action::Top),
                    Some(Command::Quit) if is_ctrl_c => Some(Action::RequestQuit),
                    Some(Command::Help | Command::Back | Command::Quit) => Some(Action::ToggleHelp),
                    _ if key.code == KeyCode::Esc => Some(Action::ToggleHelp),
                    _ => None,
                };
            }
            Some(Modal::Handover(_)) => {
                return match key.code {
                    KeyCode::Enter => Some(Action::ConfirmHandover),
                    KeyCode::Esc => Some(Action::CloseHandover),
                    _ if is_ctrl_c => Some(Action::RequestQuit),
                    _ => match self.keymap.lookup(&key, &[Context::List]) {
                        Some(Command::Down) => Some(Action::Move(1)),
                        Some(Command::Up) => Some(Action::Move(-1)),
                        Some(Command::PageDown) => Some(Action::PageDown),
                        Some(Command::PageUp) => Some(Action::PageUp),
                        Some(Command::Top) => Some(Action::Top),
                        _ => None,
                    },
                };
            }
            Some(Modal::Confirm(_)) => {
                // nothing else applies while it asks: any other key is ignored
                return match key.code {
                    _ if is_ctrl_c => Some(Action::RequestQuit),
                    KeyCode::Char('y' | 'Y') | KeyCode::Enter => Some(Action::Confirm(true)),
                    KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Action::Confirm(false)),
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
                return Some(match self.keymap.lookup(&key, &[Context::Form]) {
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
            return Some(match key.code {
                KeyCode::Enter => Action::SubmitInput,
                KeyCode::Esc => Action::CancelInput,
                KeyCode::Tab if radio_line => Action::CompleteCallSign,
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
            Command::Pane1 => Action::ShowPane(Pane::Incidents),
            Command::Pane2 => Action::ShowPane(Pane::Hits),
            Command::Pane3 => Action::ShowPane(Pane::Offenders),
            Command::Pane4 => Action::ShowPane(Pane::Activity),
            Command::NewSighting => Action::NewSighting,
            Command::LinkOffender => Action::LinkOffender,
            Command::AcceptHit => Action::AcceptHit,
            Command::RejectHit => Action::RejectHit,
            Command::NewOffender => Action::NewOffender,
            Command::EditOffender => Action::EditOffender,
            Command::NewExclusion => Action::NewExclusion,
            Command::LiftExclusion => Action::LiftExclusion,
            Command::Promote => Action::Promote,
            Command::Merge => Action::Merge,
            Command::Appeal => Action::Appeal,
            Command::MakeNotice => Action::MakeNotice,
            Command::Pane5 => Action::ShowPane(Pane::Radio),
            Command::Pane6 => Action::ShowPane(Pane::Log),
            Command::Pane7 => Action::ShowPane(Pane::Reports),
            Command::Pane8 => Action::ShowPane(Pane::Members),
            Command::Pane9 => Action::ShowPane(Pane::Setup),
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
            | Command::StaySignedIn => return None,
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
            // nothing changes but the frame: the photo widget takes the result when it draws
            Event::PhotoReady => self.dirty = true,
            Event::SyncFailed(why) => {
                self.dirty = true;
                self.error(format!("live sync stopped: {why}"));
                self.sync_trouble = Some(why);
            }
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

    // ----- the update function -------------------------------------------

    pub fn update(&mut self, action: Action) {
        self.dirty = true;
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
            Action::ShowPane(p) => self.show_pane(p),
            Action::NextPane | Action::PrevPane => {
                let i = Pane::ALL.iter().position(|p| *p == self.pane).unwrap_or(0);
                let n = Pane::ALL.len();
                let step = if action == Action::NextPane { 1 } else { n - 1 };
                let mut j = (i + step) % n;
                // the audit and set-up panes are a manager's: others pass over them
                while (Pane::ALL[j] == Pane::Activity
                    && !allowed(self.role(), Permission::ViewAudit))
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
            Action::StartFilter if self.pane == Pane::Activity => {
                let before = self.activity.filter.clone();
                self.input = Some(InputLine {
                    kind: InputKind::AuditFilter,
                    line: LineInput::new(&before),
                    before,
                    error: None,
                    live: true,
                });
            }
            Action::StartFilter if self.pane == Pane::Radio => {
                self.radio.view = radio::RadioView::Inventory;
                let before = self.radio.filter.clone();
                self.input = Some(InputLine {
                    kind: InputKind::Radio(radio::RadioInput::Filter),
                    line: LineInput::new(&before),
                    before,
                    error: None,
                    live: true,
                });
            }
            Action::StartFilter if self.pane == Pane::Offenders => {
                self.profile = None;
                let before = self.register.query.clone();
                self.input = Some(InputLine {
                    kind: InputKind::Search,
                    line: LineInput::new(&before),
                    before,
                    error: None,
                    live: true,
                });
            }
            Action::StartFilter => {
                let before = self.board.filter_text.clone();
                self.pane = Pane::Incidents;
                self.input = Some(InputLine {
                    kind: InputKind::Filter,
                    line: LineInput::new(&before),
                    before,
                    error: None,
                    live: self.board.count < COUNT_CAP,
                });
            }
            Action::StartCommand => {
                self.input = Some(InputLine {
                    kind: InputKind::Command,
                    line: LineInput::default(),
                    before: String::new(),
                    error: None,
                    live: false,
                })
            }
            Action::InputKey(k) => self.input_key(k),
            Action::Paste(s) => self.paste(&s),
            Action::SubmitInput => {
                if let Some(input) = self.input.take() {
                    self.store_failed = None;
                    let typed = input.clone();
                    match input.kind {
                        InputKind::Filter => {
                            if let Some(e) = self.apply_filter(&input.line.value) {
                                self.input = Some(InputLine {
                                    error: Some(e),
                                    ..input
                                });
                            }
                        }
                        InputKind::Command => self.update(Action::RunCommand(input.line.value)),
                        InputKind::Search | InputKind::AuditFilter => {}
                        InputKind::LogEntry { amends } => {
                            if let Err(e) = self.add_log_entry(&input.line.value, amends) {
                                self.input = Some(InputLine {
                                    error: Some(e),
                                    ..input
                                });
                            }
                        }
                        InputKind::Why { offender } => {
                            let why = tidy_input(&input.line.value);
                            if why.is_empty() {
                                self.input = Some(InputLine {
                                    error: Some(
                                        "say why in a few words; Esc to not open it".into(),
                                    ),
                                    ..input
                                });
                            } else {
                                self.open_profile(offender, &why);
                                self.last_why = why;
                            }
                        }
                        InputKind::Radio(purpose) => {
                            if let Err(e) = self.submit_radio_input(purpose, &input.line.value) {
                                self.input = Some(InputLine {
                                    error: Some(e),
                                    ..input
                                });
                            }
                        }
                    }
                    // a save the store refused keeps the line as typed, saying why
                    if let Some(why) = self.store_failed.take() {
                        if self.input.is_none()
                            && self.modal.is_none()
                            && self.lock.is_none()
                            && !self.quit
                            && typed.kind.saves()
                        {
                            self.input = Some(InputLine {
                                error: Some(why),
                                ..typed
                            });
                        }
                    }
                }
            }
            Action::CancelInput => {
                if let Some(input) = self.input.take() {
                    if input.kind == InputKind::Filter && input.before != self.board.filter_text {
                        self.apply_filter(&input.before);
                    }
                    if input.kind == InputKind::Search {
                        self.register.query = input.before;
                        self.refresh_register();
                    } else if input.kind == InputKind::AuditFilter {
                        self.activity.filter = input.before;
                        self.reload_activity();
                    } else if input.kind == InputKind::Radio(radio::RadioInput::Filter) {
                        self.radio.filter = input.before;
                        self.refresh_radio();
                    }
                }
            }
            Action::RunCommand(c) => self.run_command(&c),
            Action::SetFilter(f) => {
                if let Some(e) = self.apply_filter(&f) {
                    self.warn(e);
                }
            }
            Action::CycleView if self.pane == Pane::Radio => self.cycle_radio_view(),
            Action::CycleView if self.pane == Pane::Reports => self.cycle_report_period(),
            Action::CycleView if self.pane == Pane::Members => self.cycle_members_view(),
            Action::CycleView if self.pane == Pane::Setup => self.cycle_setup_view(),
            Action::ReportPeriod(later) => self.step_report_period(later),
            Action::CycleView if self.pane == Pane::Offenders => {
                self.profile = None;
                self.cycle_register_view();
            }
            Action::CycleView if self.pane == Pane::Activity => {
                let next = match self.activity.view {
                    ActivityView::Audit => ActivityView::Retention,
                    ActivityView::Retention => ActivityView::Audit,
                };
                if next == ActivityView::Retention && !self.permit(Permission::RunRetention) {
                    return;
                }
                self.activity.view = next;
                self.activity.selected = 0;
                self.reload_activity();
            }
            Action::CycleView => {
                self.set_view(self.board.filter.status.next());
                let label = self.board.filter.status.label();
                self.info(format!("showing {label} incidents"));
            }
            Action::NewIncident => self.open_new_form(),
            Action::EditIncident => self.open_edit_form(),
            Action::AdvanceStatus => self.advance_status(),
            Action::CloseIncident => self.open_close_form(),
            Action::Reopen => self.reopen(),
            Action::AddNote => self.open_note_form(false),
            Action::AmendNote => self.open_note_form(true),
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
            Action::LinkOffender => self.open_link_form(),
            Action::AcceptHit => self.open_hit_form(true),
            Action::RejectHit => self.open_hit_form(false),
            Action::NewOffender => self.open_offender_form(false),
            Action::EditOffender => self.open_offender_form(true),
            Action::NewExclusion => self.open_exclusion_form(),
            Action::LiftExclusion => self.open_lift_form(),
            Action::Promote => self.open_promote_form(),
            Action::Merge => self.open_merge_form(),
            Action::Appeal => self.open_appeal_form(),
            Action::MakeNotice => self.make_notice(),
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
            Action::RadioStatus => self.open_radio_status_form(),
            Action::AddRadio => self.open_add_radio_form(),
            Action::AddMember => self.open_add_member_form(),
            Action::AddTraining => self.open_add_training_form(),
            Action::EditMember => self.open_edit_member_form(),
            Action::AddContact => self.open_add_contact_form(),
            Action::EditRadio => self.open_edit_radio_form(),
            Action::SetupAdd => self.open_setup_add_form(),
            Action::SetupEdit => self.open_setup_edit_form(),
            Action::SetupRetire => self.open_setup_retire_form(),
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
            Action::NoteNow(text) => self.note_now(&text),
            Action::CloseNow(reason) => self.close_now(&reason),
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
                    self.reload_in_place();
                }
            }
        }
    }

    // ----- panes and lists --------------------------------------------------

    fn show_pane(&mut self, p: Pane) {
        self.pane = p;
        match p {
            Pane::Activity => self.reload_activity(),
            Pane::Hits => self.refresh_hits(),
            Pane::Offenders => self.refresh_register_if_changed(),
            Pane::Radio => self.refresh_radio(),
            Pane::Log => self.reload_log(),
            Pane::Reports => self.open_reports(),
            Pane::Members => self.reload_members(),
            Pane::Setup => self.reload_setup(),
            Pane::Incidents => {}
        }
    }

    fn move_by(&mut self, d: i64) {
        if let Some(Modal::Help { scroll }) = &mut self.modal {
            *scroll = (*scroll as i64 + d).clamp(0, 200) as u16;
            return;
        }
        if let Some(Modal::Handover(h)) = &mut self.modal {
            let lines = h.body.lines().count() as i64;
            h.scroll = (h.scroll as i64 + d).clamp(0, lines) as u16;
            return;
        }
        if let Some(detail) = &mut self.detail {
            if self.pane == Pane::Incidents {
                let n = detail.timeline.len();
                detail.selected =
                    (detail.selected as i64 + d).clamp(0, n.saturating_sub(1) as i64) as usize;
                return;
            }
        }
        match self.pane {
            Pane::Activity => {
                let n = match self.activity.view {
                    ActivityView::Audit => self.activity.records.len(),
                    ActivityView::Retention => self.activity.due.len(),
                };
                step(&mut self.activity.selected, n, d)
            }
            Pane::Hits => step(&mut self.hits.selected, self.hits.rows.len(), d),
            Pane::Log => step(&mut self.log.selected, self.log.entries.len(), d),
            Pane::Reports => {}
            Pane::Setup => {
                let n = self.setup_len();
                step(&mut self.setup.selected, n, d)
            }
            Pane::Members => {
                let n = self.members_pane.len();
                step(&mut self.members_pane.selected, n, d);
                self.load_member_contacts();
            }
            Pane::Radio => {
                let n = self.radio_len();
                step(&mut self.radio.selected, n, d);
                self.load_radio_history();
            }
            Pane::Offenders => match &mut self.profile {
                Some(p) => step(&mut p.selected, p.profile.exclusions.len(), d),
                None => {
                    let n = self.register_len();
                    step(&mut self.register.selected, n, d)
                }
            },
            Pane::Incidents => {
                for _ in 0..d.unsigned_abs() {
                    if d > 0 {
                        self.board_down();
                    } else {
                        self.board_up();
                    }
                }
            }
        }
    }

    fn board_down(&mut self) {
        let b = &mut self.board;
        if b.selected + 1 < b.rows.len() {
            b.selected += 1;
            return;
        }
        let Some(last) = b.rows.last().map(|r| r.key) else {
            return;
        };
        match self.store.board_window(&b.filter, Anchor::After(last), 1) {
            Ok(mut more) if !more.is_empty() => {
                let b = &mut self.board;
                b.rows.append(&mut more);
                while b.rows.len() > b.page {
                    b.rows.remove(0);
                }
                b.selected = b.rows.len() - 1;
            }
            Ok(_) => {}
            Err(e) => self.store_error(e),
        }
    }

    fn board_up(&mut self) {
        let b = &mut self.board;
        if b.selected > 0 {
            b.selected -= 1;
            return;
        }
        let Some(first) = b.rows.first().map(|r| r.key) else {
            return;
        };
        match self.store.board_window(&b.filter, Anchor::Before(first), 1) {
            Ok(more) if !more.is_empty() => {
                let b = &mut self.board;
                b.rows.splice(0..0, more);
                b.rows.truncate(b.page);
                b.selected = 0;
            }
            Ok(_) => {}
            Err(e) => self.store_error(e),
        }
    }

    fn page(&mut self, down: bool) {
        if self.modal.is_some() || self.detail.is_some() || self.pane != Pane::Incidents {
            let step = self.board.page.max(1) as i64;
            self.move_by(if down { step } else { -step });
            return;
        }
        let b = &self.board;
        let anchor = match (down, b.rows.first(), b.rows.last()) {
            (true, _, Some(last)) => Anchor::After(last.key),
            (false, Some(first), _) => Anchor::Before(first.key),
            _ => return,
        };
        match self.store.board_window(&b.filter, anchor, b.page) {
            Ok(more) if more.is_empty() => {
                self.board.selected = if down {
                    self.board.rows.len().saturating_sub(1)
                } else {
                    0
                };
            }
            Ok(more) => {
                let b = &mut self.board;
                let page = b.page;
                if more.len() >= page {
                    b.rows = more;
                } else if down {
                    b.rows.extend(more);
                    let cut = b.rows.len().saturating_sub(page);
                    b.rows.drain(..cut);
                    b.selected = b.rows.len() - 1;
                } else {
                    let mut rows = more;
                    rows.append(&mut b.rows);
                    rows.truncate(page);
                    b.rows = rows;
                    b.selected = 0;
                }
                b.selected = b.selected.min(b.rows.len().saturating_sub(1));
            }
            Err(e) => self.store_error(e),
        }
    }

    fn jump(&mut self, top: bool) {
        if let Some(Modal::Help { scroll }) = &mut self.modal {
            *scroll = 0;
            return;
        }
        if let Some(Modal::Handover(h)) = &mut self.modal {
            h.scroll = 0;
            return;
        }
        if let (Some(d), Pane::Incidents) = (&mut self.detail, self.pane) {
            d.selected = if top {
                0
            } else {
                d.timeline.len().saturating_sub(1)
            };
            return;
        }
        if self.pane != Pane::Incidents {
            self.move_by(if top { i64::MIN / 2 } else { i64::MAX / 2 });
            return;
        }
        self.reload_board(if top { Anchor::First } else { Anchor::Last });
        self.board.selected = if top {
            0
        } else {
            self.board.rows.len().saturating_sub(1)
        };
    }

    /// Fill the board window from `anchor`, counting what the filter matches.
    pub fn reload_board(&mut self, anchor: Anchor) {
        let page = self.board.page.max(1);
        let result = self
            .store
            .board_window(&self.board.filter, anchor, page)
            .and_then(|rows| {
                // past the end (rows closed or filtered away): show the last page instead
                if rows.len() < page && !matches!(anchor, Anchor::First | Anchor::Last) {
                    let tail = self
                        .store
                        .board_window(&self.board.filter, Anchor::Last, page)?;
                    if tail.len() > rows.len() {
                        return Ok(tail);
                    }
                }
                Ok(rows)
            });
        match result {
            Ok(rows) => {
                self.board.rows = rows;
                self.board.selected = self
                    .board
                    .selected
                    .min(self.board.rows.len().saturating_sub(1));
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Count what the filter matches. Only when the filter or the store changes:
    /// never on a move, so a key press does not pay for it.
    fn recount(&mut self) {
        match self.store.count_incidents(&self.board.filter, COUNT_CAP) {
            Ok(n) => self.board.count = n,
            Err(e) => self.store_error(e),
        }
    }

    /// Reload the visible window where it stands, keeping the selected incident selected.
    fn reload_in_place(&mut self) {
        let selected_id = self.board.selected_row().map(|r| r.id);
        let anchor = self
            .board
            .rows
            .first()
            .map(|r| Anchor::AtOrAfter(r.key))
            .unwrap_or(Anchor::First);
        self.reload_board(anchor);
        if let Some(id) = selected_id {
            if let Some(i) = self.board.rows.iter().position(|r| r.id == id) {
                self.board.selected = i;
            }
        }
    }

    /// Show the board with this incident on it, selected.
    fn select_incident(&mut self, incident: &Incident) {
        if !self.board.filter.status.admits(incident.status) {
            self.set_view(StatusView::All);
        }
        let key = BoardKey::of(incident);
        self.reload_board(Anchor::AtOrAfter(key));
        if let Some(i) = self.board.rows.iter().position(|r| r.id == incident.id) {
            self.board.selected = i;
        }
    }

    fn reload_activity(&mut self) {
        if self.activity.view == ActivityView::Retention {
            match self.store.retention_due(&self.config.retention, self.now()) {
                Ok(due) => {
                    self.activity.selected =
                        self.activity.selected.min(due.len().saturating_sub(1));
                    self.activity.due = due;
                }
                Err(e) => self.store_error(e),
            }
            return;
        }
        let records = match self.activity_filter() {
            Ok(f) => self.store.audit_filtered(&f, ACTIVITY_LIMIT),
            Err(e) => {
                if let Some(i) = &mut self.input {
                    i.error = Some(e);
                }
                return;
            }
        };
        match records {
            Ok(r) => {
                self.activity.records = r;
                self.activity.selected = self
                    .activity
                    .selected
                    .min(self.activity.records.len().saturating_sub(1));
            }
            Err(e) => self.store_error(e),
        }
    }

    fn open_selected(&mut self) {
        match self.pane {
            Pane::Incidents if self.detail.is_none() => {
                if let Some(id) = self.board.selected_row().map(|r| r.id) {
                    self.open_incident(id);
                }
            }
            Pane::Hits => self.open_selected_hit(),
            // Enter on a roll-call with every station in saves it
            Pane::Radio
                if self
                    .radio
                    .rollcall
                    .as_ref()
                    .is_some_and(|r| r.rollcall.is_finished()) =>
            {
                self.save_roll_call()
            }
            Pane::Offenders if self.profile.is_none() => {
                if let Some(id) = self.register_selected_offender() {
                    self.ask_why(id);
                }
            }
            Pane::Activity if self.activity.view == ActivityView::Retention => {
                let Some(item) = self.activity.due.get(self.activity.selected) else {
                    return;
                };
                let (kind, id) = (item.kind, item.id);
                match kind {
                    // reviewing a person before their record goes is a view
                    // like any other: asked why, audited
                    DueKind::IdSought | DueKind::Known | DueKind::Merged => {
                        self.last_why = "retention review".into();
                        self.ask_why(id)
                    }
                    DueKind::ClosedIncident => {
                        self.pane = Pane::Incidents;
                        self.open_incident(id);
                    }
                    DueKind::Sighting => {
                        self.info("a sighting past its period: it goes when retention is applied")
                    }
                }
            }
            Pane::Activity => {
                let target = self
                    .activity
                    .records
                    .get(self.activity.selected)
                    .and_then(|r| (r.entity == "incident").then_some(r.entity_id).flatten());
                if let Some(id) = target {
                    self.pane = Pane::Incidents;
                    self.open_incident(id);
                }
            }
            _ => {}
        }
    }

    fn open_incident(&mut self, id: i64) {
        match (self.store.incident(id), self.store.timeline(id)) {
            (Ok(Some(incident)), Ok(timeline)) => {
                let selected = timeline.len().saturating_sub(1);
                self.pane = Pane::Incidents;
                self.detail = Some(Detail {
                    incident,
                    timeline,
                    selected,
                });
            }
            (Ok(None), _) => self.warn(format!("there is no incident #{id}")),
            (Err(e), _) | (_, Err(e)) => self.store_error(e),
        }
    }

    fn refresh_detail(&mut self) {
        let Some(d) = &self.detail else { return };
        let id = d.incident.id;
        match (self.store.incident(id), self.store.timeline(id)) {
            (Ok(Some(incident)), Ok(timeline)) => {
                let d = self.detail.as_mut().expect("detail open");
                let grew = timeline.len() > d.timeline.len();
                let at_end = d.selected + 1 >= d.timeline.len();
                d.incident = incident;
                d.timeline = timeline;
                if grew && at_end {
                    d.selected = d.timeline.len().saturating_sub(1);
                }
                d.selected = d.selected.min(d.timeline.len().saturating_sub(1));
            }
            (Ok(None), _) => {
                self.detail = None;
                self.warn(format!("incident #{id} is no longer in the store"));
            }
            (Err(e), _) | (_, Err(e)) => self.store_error(e),
        }
    }

    fn back(&mut self) {
        if self.pane == Pane::Offenders && self.profile.is_some() {
            self.profile = None;
            self.refresh_register_if_changed();
        } else if self.pane == Pane::Offenders && !self.register.query.is_empty() {
            self.register.query.clear();
            self.refresh_register();
        } else if self.detail.is_some() && self.pane == Pane::Incidents {
            self.detail = None;
            self.reload_in_place();
        } else if self.pane == Pane::Incidents
            && (self.board.filter.is_narrowed() || self.board.filter.status != StatusView::Live)
        {
            self.board.filter_text.clear();
            self.set_view(StatusView::Live);
            self.info("filter cleared: showing live incidents");
        } else if self.pane != Pane::Incidents {
            self.pane = Pane::Incidents;
        }
    }

    // ----- filter and command line -------------------------------------------

    fn input_key(&mut self, k: KeyEvent) {
        let Some(input) = &mut self.input else { return };
        if !input.line.edit(k) {
            return;
        }
        input.error = None;
        if input.kind == InputKind::AuditFilter {
            self.activity.filter = input.line.value.clone();
            self.activity.selected = 0;
            self.reload_activity();
            return;
        }
        if input.kind == InputKind::Radio(radio::RadioInput::Filter) {
            self.radio.filter = input.line.value.clone();
            self.radio.selected = 0;
            self.refresh_radio();
            return;
        }
        if input.kind == InputKind::Search {
            self.register.query = input.line.value.clone();
            self.register.selected = 0;
            self.refresh_register();
            return;
        }
        if input.kind == InputKind::Filter && input.live {
            // the board follows the filter as it is typed
            let text = input.line.value.clone();
            if let Some(e) = self.apply_filter(&text) {
                if let Some(i) = &mut self.input {
                    i.error = Some(e);
                }
            }
        }
    }

    fn paste(&mut self, s: &str) {
        if let Some(Modal::Form(_, f)) = &mut self.modal {
            let focus = f.focus;
            f.fields[focus].input.insert_str(s);
        } else if let Some(input) = &mut self.input {
            input.line.insert_str(s);
            if input.kind == InputKind::Filter && input.live {
                let text = input.line.value.clone();
                self.apply_filter(&text);
            }
        }
    }

    fn set_view(&mut self, view: StatusView) {
        self.board.view = view;
        let text = self.board.filter_text.clone();
        if self.apply_filter(&text).is_some() {
            self.board.filter.status = view;
            self.reload_board(Anchor::First);
            self.recount();
        }
    }

    /// Apply a typed filter; on a mistake the board keeps its last good filter.
    fn apply_filter(&mut self, text: &str) -> Option<String> {
        match IncidentFilter::parse(text, self.board.view) {
            Ok(f) => {
                self.detail = None;
                self.board.filter = f;
                self.board.filter_text = text.trim().to_string();
                self.board.selected = 0;
                self.reload_board(Anchor::First);
                self.recount();
                None
            }
            Err(e) => Some(e),
        }
    }

    fn run_command(&mut self, line: &str) {
        let line = line.trim();
        let (cmd, rest) = line
            .split_once(char::is_whitespace)
            .map(|(a, b)| (a, b.trim()))
            .unwrap_or((line, ""));
        use command_line::LineCommand as C;
        let Some(command) = command_line::lookup(cmd) else {
            let other = cmd.trim_start_matches(':');
            if other.is_empty() {
                return;
            }
            if let Ok(id) = other.trim_start_matches('#').parse::<i64>() {
                return self.update(Action::OpenIncident(id));
            }
            return self.warn(format!(
                "unknown command “{}” — :help lists them",
                crate::domain::text::clean(other)
            ));
        };
        match command {
            C::Quit => self.update(Action::RequestQuit),
            C::QuitNow => self.update(Action::Quit),
            C::Help => self.update(Action::ToggleHelp),
            C::Theme if rest.is_empty() => {
                let names = self.theme_names.join(", ");
                self.info(format!("theme {} (available: {names})", self.theme));
            }
            C::Theme => self.update(Action::SwitchTheme(rest.to_string())),
            C::Incident => self.update(Action::NewIncident),
            C::Open => match rest.trim_start_matches('#').parse::<i64>() {
                Ok(id) => self.update(Action::OpenIncident(id)),
                Err(_) => self.warn("usage: :open NUMBER"),
            },
            C::Filter => self.update(Action::SetFilter(rest.to_string())),
            C::View => match StatusView::parse(rest) {
                Some(v) => self.set_view(v),
                None => self.warn("usage: :view live|all|open|responding|police|closed"),
            },
            C::Note => self.update(Action::NoteNow(rest.to_string())),
            C::Close => self.update(Action::CloseNow(rest.to_string())),
            C::Activity => self.update(Action::ShowPane(Pane::Activity)),
            C::Log if rest.is_empty() => self.update(Action::ShowPane(Pane::Log)),
            C::Log => self.update(Action::LogNow(rest.to_string())),
            C::EndShift => self.update(Action::EndShift),
            C::Handover => self.update(Action::ShowHandover),
            C::Hits => self.update(Action::ShowPane(Pane::Hits)),
            C::Offenders => self.update(Action::ShowPane(Pane::Offenders)),
            C::Sighting => self.update(Action::NewSighting),
            C::Hit => self.update(Action::HitCommand(rest.to_string())),
            C::RollCall => {
                self.update(Action::StartRollCall(rest.eq_ignore_ascii_case("practice")))
            }
            C::Radio => self.update(Action::ShowPane(Pane::Radio)),
            C::Reports => self.update(Action::ShowPane(Pane::Reports)),
            C::Members => self.update(Action::ShowPane(Pane::Members)),
            C::Setup => self.update(Action::ShowPane(Pane::Setup)),
            C::Incidents => self.update(Action::ShowPane(Pane::Incidents)),
        }
    }

    fn switch_theme(&mut self, name: &str) {
        if self.theme_names.iter().any(|n| n == name) {
            self.theme = name.to_string();
            self.info(format!("theme {name}"));
        } else {
            self.warn(format!(
                "no theme called “{}” (available: {})",
                crate::domain::text::clean(name),
                self.theme_names.join(", ")
            ));
        }
    }

    // ----- incidents --------------------------------------------------------

    /// The incident an incident command acts on: the open one, else the selected row.
    fn current_incident(&mut self) -> Option<Incident> {
        if let Some(d) = &self.detail {
            return Some(d.incident.clone());
        }
        if self.pane != Pane::Incidents {
            return None;
        }
        let id = self.board.selected_row()?.id;
        match self.store.incident(id) {
            Ok(i) => i,
            Err(e) => {
                self.store_error(e);
                None
            }
        }
    }

    fn place_field(&self, incident: Option<&Incident>) -> Field {
        let hint = "zone or member (↑/↓ to pick), or free text";
        match incident {
            Some(i) => Field::place("Where", &i.place_label, Some(i.place.clone()), hint),
            None => Field::place("Where", "", None, hint),
        }
    }

    fn kind_options(&self, current: Option<&str>) -> (Vec<String>, usize) {
        let mut options = self.config.incident_types.clone();
        if let Some(c) = current {
            if !options.iter().any(|o| o == c) {
                options.push(c.to_string());
            }
        }
        let index = current
            .and_then(|c| options.iter().position(|o| o == c))
            .unwrap_or(0);
        (options, index)
    }

    fn priority_options() -> Vec<String> {
        Priority::ALL
            .iter()
            .map(|p| p.label().to_string())
            .collect()
    }

    fn open_new_form(&mut self) {
        let (kinds, k) = self.kind_options(None);
        let form = Form::new(
            "New incident",
            vec![
                Field::choice("Type", kinds, k, "←/→ or a letter"),
                Field::choice("Priority", Self::priority_options(), 2, "1-4 or ←/→"),
                self.place_field(None),
                Field::text("What happened", "", "one line; add detail as notes later"),
            ],
        );
        self.input = None;
        self.modal = Some(Modal::Form(FormKind::NewIncident, form));
    }

    fn open_edit_form(&mut self) {
        let Some(i) = self.current_incident() else {
            return;
        };
        self.modal = Some(self.edit_form(&i));
    }

    /// The edit form for this copy of an incident.
    fn edit_form(&self, i: &Incident) -> Modal {
        let (kinds, k) = self.kind_options(Some(&i.kind));
        let loss = if i.loss_pence > 0 {
            format!("{:.2}", i.loss_pence as f64 / 100.0)
        } else {
            String::new()
        };
        let rec = if i.recovery_pence > 0 {
            format!("{:.2}", i.recovery_pence as f64 / 100.0)
        } else {
            String::new()
        };
        let form = Form::new(
            format!("Edit incident #{}", i.id),
            vec![
                Field::choice("Type", kinds, k, "←/→ or a letter"),
                Field::choice(
                    "Priority",
                    Self::priority_options(),
                    (i.priority.number() - 1) as usize,
                    "1-4 or ←/→",
                ),
                self.place_field(Some(i)),
                Field::text("What happened", &i.summary, ""),
                Field::text("Police ref", &i.police_ref, "e.g. the CAD or crime number"),
                Field::text("Loss £", &loss, "pounds and pence, e.g. 24.99"),
                Field::text("Recovered £", &rec, "pounds and pence"),
            ],
        );
        Modal::Form(
            FormKind::Edit {
                id: i.id,
                version: i.version,
            },
            form,
        )
    }

    fn open_close_form(&mut self) {
        let Some(i) = self.current_incident() else {
            return;
        };
        if i.status == Status::Closed {
            return self.warn(format!("incident #{} is already closed", i.id));
        }
        self.modal = Some(self.close_form(&i));
    }

    /// The close form for this copy of an incident.
    fn close_form(&self, i: &Incident) -> Modal {
        let form = Form::new(
            format!("Close incident #{}", i.id),
            vec![Field::text(
                "Reason",
                "",
                "e.g. offender left, police dealt, goods recovered",
            )],
        );
        Modal::Form(
            FormKind::Close {
                id: i.id,
                version: i.version,
            },
            form,
        )
    }

    fn open_note_form(&mut self, amend: bool) {
        let Some(i) = self.current_incident() else {
            return;
        };
        let mut amends = None;
        let mut banner = None;
        if amend {
            let entry = self
                .detail
                .as_ref()
                .and_then(|d| d.timeline.get(d.selected))
                .cloned();
            match entry {
                Some(e) if !e.text.starts_with('[') => {
                    banner = Some(format!(
                        "Amending the note of {}: {}",
                        e.at.with_timezone(&self.tz).format("%H:%M"),
                        e.text
                    ));
                    amends = Some(e.id);
                }
                Some(_) => {
                    return self.warn("only notes can be amended; select a note in the timeline")
                }
                None => return self.warn("open the incident (Enter) and select the note to amend"),
            }
        }
        let title = if amend {
            format!("Amend note on #{}", i.id)
        } else {
            format!("Note on incident #{}", i.id)
        };
        let mut form = Form::new(
            title,
            vec![Field::text(
                "Note",
                "",
                "appended to the timeline; never changed afterwards",
            )],
        );
        form.banner = banner;
        self.modal = Some(Modal::Form(FormKind::Note { id: i.id, amends }, form));
    }

    fn form_key(&mut self, k: KeyEvent) {
        let Some(Modal::Form(_, form)) = &mut self.modal else {
            return;
        };
        let mut suggest = register::AppSuggest {
            zones: &self.zones,
            members: &self.members,
            index: &mut self.index,
        };
        match form.key(k, &mut suggest) {
            FormOutcome::Continue => {}
            FormOutcome::Cancel => self.modal = None,
            FormOutcome::Submit => self.submit_form(),
        }
    }

    fn submit_form(&mut self) {
        let Some(Modal::Form(kind, mut form)) = self.modal.take() else {
            return;
        };
        if !self.permit(permission_for_form(&kind)) {
            return;
        }
        form.settle();
        // where this operator and a colleague changed one field, ask first
        if form.ask_which_to_keep() {
            self.modal = Some(Modal::Form(kind, form));
            return;
        }
        let now = self.now();
        let op = self.operator.id;
        let result: Result<String, StoreError> = match &kind {
            FormKind::NewIncident => {
                let new = NewIncident {
                    kind: form.field("Type").value().to_string(),
                    priority: Priority::ALL[form.field("Priority").choice_index().min(3)],
                    place: form.field("Where").place_value(),
                    summary: form.field("What happened").value().to_string(),
                    opened_at: now,
                };
                match new.validate() {
                    Err(e) => Err(StoreError::Invalid(e)),
                    Ok(new) => self.store.create_incident(&new, op, now).map(|i| {
                        self.select_incident(&i);
                        format!("incident #{} logged", i.id)
                    }),
                }
            }
            FormKind::Edit { id, version } => {
                let edit = IncidentEdit::from_input(
                    form.field("Type").value(),
                    Priority::ALL[form.field("Priority").choice_index().min(3)],
                    form.field("Where").place_value(),
                    form.field("What happened").value(),
                    form.field("Police ref").value(),
                    form.field("Loss £").value(),
                    form.field("Recovered £").value(),
                );
                match edit {
                    Err(e) => Err(StoreError::Invalid(e)),
                    Ok(edit) => self
                        .store
                        .update_incident(*id, *version, &edit, op, now)
                        .map(|i| format!("incident #{} saved", i.id)),
                }
            }
            FormKind::Close { id, version } => self
                .store
                .set_status(
                    *id,
                    *version,
                    Status::Closed,
                    Some(form.field("Reason").value()),
                    op,
                    now,
                )
                .map(|i| format!("incident #{} closed", i.id)),
            FormKind::Note { id, amends } => self
                .store
                .add_note(*id, form.field("Note").value(), *amends, op, now)
                .map(|_| format!("note added to #{id}")),
            k
            @ (FormKind::RadioStatus { .. } | FormKind::EditRadio { .. } | FormKind::AddRadio) => {
                self.submit_radio_form(k, &form)
            }
            k @ (FormKind::AddMember
            | FormKind::AddTraining
            | FormKind::EditMember { .. }
            | FormKind::AddContact { .. }) => self.submit_members_form(k, &form),
            k @ (FormKind::AddZone
            | FormKind::EditZone { .. }
            | FormKind::RetireZone { .. }
            | FormKind::AddCamera
            | FormKind::EditCamera { .. }
            | FormKind::RetireCamera { .. }
            | FormKind::SchemeDetails) => self.submit_setup_form(k, &form),
            other => self.submit_register_form(other, &form),
        };
        match result {
            Ok(msg) => {
                self.mark_own_writes_seen();
                self.info(msg);
                self.refresh_after_write();
            }
            Err(StoreError::Stale(stale)) => self.save_was_stale(kind, form, stale),
            Err(StoreError::Invalid(e)) | Err(StoreError::NotFound(e)) => {
                form.error = Some(e);
                self.modal = Some(Modal::Form(kind, form));
            }
            Err(e) => {
                form.error = Some(match &e {
                    StoreError::Gone(_) => format!("{e} · what you typed is kept here"),
                    _ => e.to_string(),
                });
                self.modal = Some(Modal::Form(kind, form));
                self.store_error(e);
            }
        }
    }

    fn refresh_after_write(&mut self) {
        self.reports_store_changed();
        self.members_store_changed();
        self.refresh_detail();
        self.reload_in_place();
        self.recount();
        self.refresh_hits();
        if self.pane == Pane::Offenders {
            self.refresh_register_if_changed();
            self.refresh_profile();
        }
        if self.pane == Pane::Activity {
            self.reload_activity();
        }
        if self.pane == Pane::Log {
            self.reload_log();
        }
    }

    fn mark_own_writes_seen(&mut self) {
        if let Ok(Some(r)) = self
            .store
            .recent_audit(None, 1)
            .map(|v| v.into_iter().next())
        {
            self.last_audit_seen = r.id;
        }
    }

    fn set_status(&mut self, i: &Incident, to: Status, reason: Option<&str>) {
        let now = self.now();
        match self
            .store
            .set_status(i.id, i.version, to, reason, self.operator.id, now)
        {
            Ok(updated) => {
                self.mark_own_writes_seen();
                self.info(format!("#{} is now {}", updated.id, updated.status.label()));
            }
            Err(e) => self.store_error(e),
        }
        self.refresh_after_write();
    }

    fn advance_status(&mut self) {
        let Some(i) = self.current_incident() else {
            return;
        };
        match i.status.next() {
            Some(Status::Closed) => self.open_close_form(),
            Some(next) => self.set_status(&i, next, None),
            None => self.warn(format!(
                "#{} is closed; {} reopens it",
                i.id,
                self.keymap.key_for(Command::Reopen)
            )),
        }
    }

    fn reopen(&mut self) {
        let Some(i) = self.current_incident() else {
            return;
        };
        if i.status != Status::Closed {
            return self.warn(format!("#{} is not closed", i.id));
        }
        self.set_status(&i, Status::Open, None);
    }

    fn note_now(&mut self, text: &str) {
        let Some(i) = self.current_incident() else {
            return self.warn("select an incident first");
        };
        let now = self.now();
        match self.store.add_note(i.id, text, None, self.operator.id, now) {
            Ok(_) => {
                self.mark_own_writes_seen();
                self.info(format!("note added to #{}", i.id));
            }
            Err(e) => self.store_error(e),
        }
        self.refresh_after_write();
    }

    fn close_now(&mut self, reason: &str) {
        let Some(i) = self.current_incident() else {
            return self.warn("select an incident first");
        };
        self.set_status(&i, Status::Closed, Some(reason));
    }

    // ----- time and other consoles ---------------------------------------------

    fn tick(&mut self) {
        let now = self.now();
        self.toasts.retain(|t| t.until > now);
        if self.message.as_ref().is_some_and(|m| m.until <= now) {
            self.message = None;
        }
        self.escalate_hits();
        self.lock_if_idle();
        self.reports_tick();
    }

    /// Another console (or ingest) committed: reload what is on screen and say what arrived.
    fn store_changed(&mut self) {
        match self.store.data_version() {
            // only this console's own commits since the last look: its
            // screen was brought up to date when it wrote, and a roll-call's
            // keys must not wait on a reload
            Ok(v) if v == self.seen_version => return,
            Ok(v) => self.seen_version = v,
            Err(e) => return self.store_error(e),
        }
        self.reloads += 1;
        match (
            self.store.zones(),
            self.store.members(),
            self.store.cameras(),
        ) {
            (Ok(z), Ok(m), Ok(c)) => {
                self.zones = z;
                self.members = m;
                self.cameras = c;
            }
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return self.store_error(e),
        }
        if self.pane == Pane::Setup {
            self.reload_setup();
        }
        // a store that has gone stays in error whatever it reads
        self.store_ok = self.store_gone.is_none();
        // hits first: an alert must not wait for the rest of the screen
        self.announce_new_hits();
        self.refresh_hits();
        self.refresh_register_if_changed();
        self.refresh_profile();
        self.refresh_on_air();
        self.radio_store_changed();
        self.reports_store_changed();
        self.members_store_changed();
        self.refresh_detail();
        self.note_change_under_open_form();
        self.reload_in_place();
        self.recount();
        if self.pane == Pane::Activity {
            self.reload_activity();
        }
        if self.pane == Pane::Log {
            self.reload_log();
        }
        let fresh: Vec<AuditRecord> = match self.store.recent_audit(None, 20) {
            Ok(r) => r
                .into_iter()
                .filter(|r| r.id > self.last_audit_seen)
                .collect(),
            Err(e) => return self.store_error(e),
        };
        if let Some(newest) = fresh.first() {
            self.last_audit_seen = newest.id;
        }
        for r in fresh.iter().rev().filter(|r| r.entity == "incident") {
            let id = r.entity_id.unwrap_or_default();
            let text = match r.action.as_str() {
                "create" => format!("{} logged #{id}: {}", r.operator, r.detail),
                "status" => format!("{}: #{id} {}", r.operator, r.detail),
                "note" => format!("{} added a note to #{id}", r.operator),
                _ => format!("{} updated #{id}", r.operator),
            };
            self.toast(text);
        }
    }

    /// A result from the store worker: applied if it is still the one wanted.
    fn worked(&mut self, done: work::Done) {
        if !self.work.accept(&done) {
            tracing::debug!(purpose = ?done.purpose, "a result no longer wanted, dropped");
            return;
        }
        self.dirty = true;
        match done.outcome {
            work::Outcome::Report { period, report } => self.report_done(period, report),
            work::Outcome::Notice {
                kind,
                exclusion,
                made,
            } => self.notice_done(kind, exclusion, made),
            work::Outcome::SignIn(outcome) => self.sign_in_done(outcome),
            work::Outcome::FirstManager { made, has_manager } => {
                self.first_manager_done(made, has_manager)
            }
        }
    }

    /// The place label shown for a zone/member suggestion (used by the form view).
    pub fn suggestion_label(choice: &PlaceChoice) -> String {
        choice.label()
    }
}

/// Move a selection by `d` within `n` rows, stopping at the ends.
fn step(selected: &mut usize, n: usize, d: i64) {
    *selected = (*selected as i64)
        .saturating_add(d)
        .clamp(0, n.saturating_sub(1) as i64) as usize;
}

/// The permission an action needs, if it changes anything.
/// What each action needs. Every action is named here, so a new one cannot
/// slip through unchecked: the compiler asks for it.
fn permission_for(action: &Action) -> Option<Permission> {
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
        Action::AcceptHit | Action::RejectHit | Action::HitCommand(_) => P::DecideHit,
        Action::NewOffender | Action::EditOffender | Action::Promote | Action::Merge => {
            P::EditRegister
        }
        Action::NewExclusion | Action::LiftExclusion | Action::Appeal | Action::MakeNotice => {
            P::ManageExclusions
        }
        Action::RollCall(_)
        | Action::StartRollCall(_)
        | Action::StartAnotherRollCall
        | Action::SaveRollCall => P::RunRollCall,
        Action::RadioLine(radio::RadioInput::Relay | radio::RadioInput::LateCheckIn) => {
            P::RunRollCall
        }
        Action::RadioLine(radio::RadioInput::Log) => P::LogRadio,
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
        // open to every signed-in role: moving about, reading, typing into
        // a line or form whose opening was checked, the console's own events
        Action::Quit
        | Action::RequestQuit
        | Action::AnswerQuit(_)
        | Action::Closed(_)
        | Action::ToggleHelp
        | Action::ShowPane(_)
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
        | Action::CompleteCallSign
        | Action::ReportPeriod(_)
        | Action::NotifyFailed(_)
        | Action::BackupDone(_) => return None,
    })
}

/// The permission saving a form needs (checked again at saving, in case the
/// operator's role changed while the form was open).
fn permission_for_form(kind: &FormKind) -> Permission {
    use Permission as P;
    match kind {
        FormKind::NewIncident => P::LogIncident,
        FormKind::Edit { .. } | FormKind::Close { .. } | FormKind::Note { .. } => P::UpdateIncident,
        FormKind::Sighting => P::LogSighting,
        FormKind::LinkOffender { .. } => P::NameOffenderOnIncident,
        FormKind::Offender { .. } | FormKind::Promote { .. } | FormKind::Merge { .. } => {
            P::EditRegister
        }
        FormKind::Exclusion { .. } | FormKind::LiftExclusion { .. } | FormKind::Appeal { .. } => {
            P::ManageExclusions
        }
        FormKind::AcceptHit { .. } | FormKind::RejectHit { .. } => P::DecideHit,
        FormKind::RadioStatus { .. } | FormKind::EditRadio { .. } | FormKind::AddRadio => {
            P::ManageRadios
        }
        FormKind::AddMember
        | FormKind::AddTraining
        | FormKind::EditMember { .. }
        | FormKind::AddContact { .. } => P::ManageMembers,
        FormKind::AddZone
        | FormKind::EditZone { .. }
        | FormKind::RetireZone { .. }
        | FormKind::AddCamera
        | FormKind::EditCamera { .. }
        | FormKind::RetireCamera { .. }
        | FormKind::SchemeDetails => P::SetUpScheme,
    }
}

impl App {
    pub fn role(&self) -> Role {
        // an unknown role can do nothing that changes the store
        Role::from_code(&self.operator.role).unwrap_or(Role::Viewer)
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

impl App {
    fn activity_filter(&self) -> Result<crate::store::audit::AuditQuery, String> {
        use crate::domain::exclusion::local_day_start;
        let day = |v: &str| {
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| format!("“{v}” is not a date (YYYY-MM-DD)"))
        };
        let mut f = crate::store::audit::AuditQuery::default();
        for word in self.activity.filter.split_whitespace() {
            match word.split_once(':') {
                Some(("who", v)) => f.who = Some(v.replace('_', " ")),
                Some(("did", v)) => f.action = Some(v.to_string()),
                Some(("offender" | "o", v)) => {
                    f.offender = Some(
                        v.trim_start_matches('#')
                            .parse()
                            .map_err(|_| format!("offender:{v} needs a record number"))?,
                    )
                }
                Some(("since", v)) => f.since = Some(local_day_start(day(v)?, self.tz)),
                Some(("until", v)) => {
                    f.until = Some(local_day_start(
                        day(v)?.succ_opt().unwrap_or(day(v)?),
                        self.tz,
                    ))
                }
                _ => f.words.push(word.to_string()),
            }
        }
        Ok(f)
    }
}
