//! The console's state and the one function that changes it.
//!
//! Keys become `Action`s through the keymap (`keys`); `update` (`actions`)
//! applies an action, asking the store for what it needs or handing slow
//! work to the store worker (`work`). Drawing lives in `ui` and only reads.
//! Each pane's state and the code that changes it have a module of their own.

pub mod actions;
pub mod activity;
pub mod alerts;
pub mod board;
pub mod clash;
pub mod command_line;
pub mod config;
pub mod effect;
pub mod evidence;
pub mod find;
pub mod form;
pub mod forms;
pub mod governance;
pub mod hits;
pub mod incidents;
pub mod input;
pub mod keymap;
pub mod keys;
pub mod lists;
pub mod members;
pub mod overview;
pub mod quit;
pub mod radio;
pub mod radio_log;
pub mod register;
pub mod reports;
pub mod rollcall;
pub mod runtime;
pub mod setup;
pub mod shift;
pub mod sighting_list;
pub mod sightings;
pub mod signin;
pub mod sync;
pub mod work;

pub use actions::Action;
pub use activity::{Activity, ActivityView};
pub use board::Board;
pub use command_line::{InputKind, InputLine};
pub use forms::FormKind;
pub use incidents::Detail;

use crate::domain::place::PlaceChoice;
use crate::domain::search::OffenderIndex;
use crate::domain::sighting::Camera;
use crate::domain::{Clock, Member, Zone};
use crate::store::sightings::HitRules;
use crate::store::{Anchor, Gone, Operator, Store};
use chrono::{DateTime, Duration, Utc};
use config::Config;
use crossterm::event::KeyEvent;
use form::Form;
use keymap::Keymap;
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
    /// The room at a glance: sections of the other panes side by side.
    Overview,
    Incidents,
    Hits,
    Offenders,
    Activity,
    Radio,
    Log,
    Reports,
    Members,
    Setup,
    /// The evidence log: footage kept as exhibits, and its trail.
    Evidence,
    /// Every sighting, newest first, filtered by person, camera, zone, day.
    Sightings,
}

impl Pane {
    pub const ALL: [Pane; 12] = [
        Pane::Overview,
        Pane::Incidents,
        Pane::Hits,
        Pane::Offenders,
        Pane::Activity,
        Pane::Radio,
        Pane::Log,
        Pane::Reports,
        Pane::Members,
        Pane::Setup,
        Pane::Evidence,
        Pane::Sightings,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Pane::Overview => "Overview",
            Pane::Incidents => "Incidents",
            Pane::Hits => "Hits",
            Pane::Offenders => "Offenders",
            Pane::Activity => "Activity",
            Pane::Radio => "Radio",
            Pane::Log => "Log",
            Pane::Reports => "Reports",
            Pane::Members => "Members",
            Pane::Setup => "Set-up",
            Pane::Evidence => "Evidence",
            Pane::Sightings => "Sightings",
        }
    }

    /// The number key that shows it (the overview is 0).
    pub fn number(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// Whether a number key shows it; the panes past 9 have their own keys.
    pub fn number_key(self) -> bool {
        self.number() <= 9
    }

    /// The key that shows it, as `keymap` has it.
    pub fn key(self, keymap: &keymap::Keymap) -> String {
        match self {
            Pane::Evidence => keymap.key_for(keymap::Command::PaneEvidence),
            Pane::Sightings => keymap.key_for(keymap::Command::PaneSightings),
            _ => self.number().to_string(),
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
pub enum Modal {
    Help {
        scroll: u16,
    },
    Handover(shift::HandoverView),
    Form(FormKind, Form),
    /// A yes-or-no question before something that should not happen by accident.
    Confirm(Confirm),
    /// What `:find` found.
    Find(find::FindView),
}

/// A question answered by the keymap's `confirm` layer: yes (y/Enter) does
/// `yes`, no (n/Esc) says `no`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub question: String,
    pub yes: Action,
    pub no: String,
}

/// The least time between two rings of the bell.
pub const BELL_GAP_SECONDS: i64 = 5;

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
    pub overview: overview::Overview,
    pub detail: Option<Detail>,
    pub activity: Activity,
    pub(crate) modal: Option<Modal>,
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
    /// Ring the terminal bell on the next frame (if the last ring was long
    /// enough ago: [`App::take_bell`]).
    pub bell: bool,
    /// When the bell last rang.
    last_bell: Option<DateTime<Utc>>,
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
    pub hits: hits::Hits,
    pub cameras: Vec<Camera>,
    /// Desktop notifications waiting for the runtime to send.
    pub notices: Vec<hits::Notice>,
    /// Why desktop notifications are not working, once known.
    pub notify_trouble: Option<String>,
    index_sync: register::IndexSync,
    pub radio: radio::RadioPane,
    pub reports: reports::ReportsPane,
    pub members_pane: members::MembersPane,
    pub evidence: evidence::EvidencePane,
    pub sightings: sighting_list::SightingsPane,
    pub setup: setup::SetupPane,
    /// Set while no one is signed in or the console is locked: nothing personal is drawn.
    pub lock: Option<signin::LockScreen>,
    /// What the lock screen counts (nothing personal).
    pub banner: alerts::Banner,
    /// A form set aside by the lock, for the operator who locked.
    pub(crate) held: Option<alerts::Held>,
    /// Drafts discarded because someone else signed in, to be told.
    pub(crate) discarded: Vec<alerts::Discarded>,
    /// The stale incidents already announced (id, last change); `None`
    /// until the first count, whose stale ones are not news.
    pub(crate) stale_told: Option<std::collections::HashSet<(i64, DateTime<Utc>)>>,
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
    /// The camera and place of an operator's last sighting, as last read
    /// (whose it is, and what it was): the next sighting form's defaults.
    desk: Option<(i64, Option<crate::store::sightings::Desk>)>,
}

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
            overview: overview::Overview::default(),
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
            last_bell: None,
            quitting: None,
            last_audit_seen,
            rules,
            tz,
            index: OffenderIndex::new(vec![]),
            register: register::Register::default(),
            profile: None,
            hits: hits::Hits {
                last_seen: last_hit,
                ..Default::default()
            },
            cameras: vec![],
            notices: vec![],
            notify_trouble: None,
            index_sync: Default::default(),
            radio: radio::RadioPane::default(),
            reports: reports::ReportsPane::default(),
            members_pane: members::MembersPane::default(),
            evidence: evidence::EvidencePane::default(),
            sightings: sighting_list::SightingsPane::default(),
            setup: setup::SetupPane::default(),
            lock: None,
            banner: Default::default(),
            held: None,
            discarded: vec![],
            stale_told: None,
            last_key: now,
            last_why: String::new(),
            shift: None,
            log: shift::OccurrenceLog::default(),
            work: work::Work::default(),
            sync_trouble: None,
            seen_version: 0,
            reloads: 0,
            desk: None,
        };
        app.seen_version = app.store.data_version()?;
        if !warnings.is_empty() {
            app.warn(warnings.join("; "));
        }
        app.load_board(Anchor::First, board::Land::First, true);
        app.count_stale();
        app.cameras = app.store.cameras()?;
        app.update_index();
        app.refresh_hits();
        app.refresh_on_air();
        app.refresh_banner();
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
    /// Whether to ring the bell now: at most once in [`BELL_GAP_SECONDS`]
    /// however many alerts ask (a burst of hits rings once, not once a
    /// hit). An alert that asks during the gap is not dropped: it rings
    /// once the gap is over, for all that asked meanwhile.
    pub fn take_bell(&mut self) -> bool {
        if !self.bell {
            return false;
        }
        let now = self.now();
        if self
            .last_bell
            .is_some_and(|t| now - t < Duration::seconds(BELL_GAP_SECONDS))
        {
            return false;
        }
        self.bell = false;
        self.last_bell = Some(now);
        true
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

    // ----- what is open over the pane ------------------------------------

    /// The open form, if one is.
    pub fn form(&self) -> Option<&Form> {
        match &self.modal {
            Some(Modal::Form(_, f)) => Some(f),
            _ => None,
        }
    }

    /// Which form is open, if one is.
    pub fn form_kind(&self) -> Option<&FormKind> {
        match &self.modal {
            Some(Modal::Form(k, _)) => Some(k),
            _ => None,
        }
    }

    /// The yes-or-no question being asked, if one is.
    pub fn question(&self) -> Option<&Confirm> {
        match &self.modal {
            Some(Modal::Confirm(q)) => Some(q),
            _ => None,
        }
    }

    /// The shift handover being shown, if it is.
    pub fn handover(&self) -> Option<&shift::HandoverView> {
        match &self.modal {
            Some(Modal::Handover(h)) => Some(h),
            _ => None,
        }
    }

    /// What `:find` found, while it is shown.
    pub fn found(&self) -> Option<&find::FindView> {
        match &self.modal {
            Some(Modal::Find(v)) => Some(v),
            _ => None,
        }
    }

    pub fn help_shown(&self) -> bool {
        matches!(self.modal, Some(Modal::Help { .. }))
    }

    /// Nothing (form, question, help, handover or what was found) is open over the pane.
    pub fn nothing_open(&self) -> bool {
        self.modal.is_none()
    }

    /// What is open over the pane, for the ui to draw.
    pub fn overlay(&self) -> Option<&Modal> {
        self.modal.as_ref()
    }

    /// The place label shown for a zone/member suggestion (used by the form view).
    pub fn suggestion_label(choice: &PlaceChoice) -> String {
        choice.label()
    }
}
