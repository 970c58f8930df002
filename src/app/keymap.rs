//! One table of keys, `keymap.toml` (embedded), drives the console, its
//! help screen and the keys pane titles and footers name, so none of them
//! drifts from what the keys do. A `keymap.toml` in the config folder, or
//! the config's `[keys]`, may rebind any command.

use crossterm::event::KeyEvent;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

mod combo;
pub use combo::{KeyCodeKey, KeyCombo};

/// The default keys.
pub const DEFAULT_KEYMAP: &str = include_str!("keymap.toml");

/// Where a binding applies (a layer of `keymap.toml`). `Global` keys work
/// wherever no text is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    /// The overview: moving between its sections (its keys shadow the
    /// global Tab, which moves between panes elsewhere).
    Overview,
    #[serde(rename = "lists")]
    List,
    Incident,
    #[serde(rename = "hits")]
    Hit,
    #[serde(rename = "register")]
    Offender,
    /// A profile open: its exclusions (with the register's keys).
    Profile,
    /// A roll-call on screen: its answer keys shadow the global ones.
    RollCall,
    Radio,
    /// The occurrence log and the shift.
    Log,
    /// The reports pane: the committee report's figures.
    Reports,
    /// The members pane: member businesses and their training.
    Members,
    /// The set-up pane: zones, cameras and the scheme's details.
    Setup,
    /// The evidence log.
    Evidence,
    /// The sightings pane.
    Sightings,
    #[serde(rename = "forms")]
    Form,
    /// The question a form asks, before saving, about a field both this
    /// operator and a colleague changed.
    Clash,
    /// The question `q` asks while this operator's shift is open.
    Quitting,
    /// The line at the foot: `:` commands, `/` filters, log entries, reasons.
    Line,
    /// Editing any text being typed: the line, a form's field, the lock screen.
    Editing,
    /// The sign-in and lock screen (the PIN itself is typed, never bound).
    Lock,
    /// A yes-or-no question.
    Confirm,
    /// A handover on screen (it scrolls with the list keys).
    Handover,
}

impl Context {
    /// Its layer's name in `keymap.toml`.
    pub fn layer(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Overview => "overview",
            Context::List => "lists",
            Context::Incident => "incident",
            Context::Hit => "hits",
            Context::Offender => "register",
            Context::Profile => "profile",
            Context::RollCall => "roll_call",
            Context::Radio => "radio",
            Context::Log => "log",
            Context::Reports => "reports",
            Context::Members => "members",
            Context::Setup => "setup",
            Context::Evidence => "evidence",
            Context::Sightings => "sightings",
            Context::Form => "forms",
            Context::Clash => "clash",
            Context::Quitting => "quitting",
            Context::Line => "line",
            Context::Editing => "editing",
            Context::Lock => "lock",
            Context::Confirm => "confirm",
            Context::Handover => "handover",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Anywhere",
            Context::Overview => "The overview (each section also takes its full pane's keys)",
            Context::List => "Lists (board, timeline, activity)",
            Context::Incident => "The selected or open incident",
            Context::Hit => "Hits",
            Context::Offender => "The offender register (and the person a profile shows)",
            Context::Profile => "A profile: the exclusion selected",
            Context::RollCall => "A roll-call in progress (one key per station)",
            Context::Radio => "Radios: inventory, log, roll-calls",
            Context::Log => "The occurrence log and the shift",
            Context::Reports => "Reports (the committee's figures)",
            Context::Members => "Members and their training",
            Context::Setup => "Set-up: zones, cameras, the scheme's details (a manager's)",
            Context::Evidence => "The evidence log (footage kept as exhibits, and its trail)",
            Context::Sightings => "The sightings (who was seen where, newest first)",
            Context::Form => "Forms",
            Context::Clash => "A field you and a colleague both changed (asked on saving)",
            Context::Quitting => "Quitting with your shift open",
            Context::Line => "The line at the foot (commands, filters, log entries, reasons)",
            Context::Editing => "Editing text (on the line, in a form's field, on the lock screen)",
            Context::Lock => "The sign-in and lock screen",
            Context::Confirm => "A yes-or-no question",
            Context::Handover => "A handover on screen (it scrolls with the list keys)",
        }
    }
}

/// What a binding runs. Its `run` name is the variant in snake case unless
/// renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    #[serde(rename = "quit")]
    Quit,
    #[serde(rename = "help")]
    Help,
    #[serde(rename = "command_line")]
    CommandLine,
    #[serde(rename = "new_incident")]
    NewIncident,
    #[serde(rename = "next_pane")]
    NextPane,
    #[serde(rename = "prev_pane")]
    PrevPane,
    #[serde(rename = "pane_overview")]
    Pane0,
    #[serde(rename = "next_section")]
    NextSection,
    #[serde(rename = "prev_section")]
    PrevSection,
    #[serde(rename = "pane_incidents")]
    Pane1,
    #[serde(rename = "pane_hits")]
    Pane2,
    #[serde(rename = "pane_offenders")]
    Pane3,
    #[serde(rename = "pane_activity")]
    Pane4,
    #[serde(rename = "new_sighting")]
    NewSighting,
    #[serde(rename = "link_offender")]
    LinkOffender,
    #[serde(rename = "accept_hit")]
    AcceptHit,
    #[serde(rename = "reject_hit")]
    RejectHit,
    #[serde(rename = "snooze_hit")]
    SnoozeHit,
    #[serde(rename = "new_offender")]
    NewOffender,
    #[serde(rename = "edit_offender")]
    EditOffender,
    #[serde(rename = "new_exclusion")]
    NewExclusion,
    #[serde(rename = "lift_exclusion")]
    LiftExclusion,
    #[serde(rename = "promote")]
    Promote,
    #[serde(rename = "merge")]
    Merge,
    #[serde(rename = "appeal")]
    Appeal,
    #[serde(rename = "review_exclusion")]
    ReviewExclusion,
    PreviousTile,
    NextTile,
    #[serde(rename = "make_notice")]
    MakeNotice,
    #[serde(rename = "pane_radio")]
    Pane5,
    #[serde(rename = "pane_log")]
    Pane6,
    #[serde(rename = "add_log_entry")]
    AddLogEntry,
    #[serde(rename = "amend_log_entry")]
    AmendLogEntry,
    #[serde(rename = "end_shift")]
    EndShift,
    #[serde(rename = "pane_reports")]
    Pane7,
    #[serde(rename = "pane_members")]
    Pane8,
    #[serde(rename = "add_member")]
    AddMember,
    #[serde(rename = "add_training")]
    AddTraining,
    #[serde(rename = "edit_member")]
    EditMember,
    #[serde(rename = "add_contact")]
    AddContact,
    #[serde(rename = "pane_setup")]
    Pane9,
    #[serde(rename = "pane_evidence")]
    PaneEvidence,
    AddEvidence,
    EvidenceFromIncident,
    EvidenceHandover,
    CorrectEvidence,
    PaneSightings,
    SightingIncident,
    #[serde(rename = "setup_add")]
    SetupAdd,
    #[serde(rename = "setup_edit")]
    SetupEdit,
    #[serde(rename = "setup_retire")]
    SetupRetire,
    #[serde(rename = "earlier_period")]
    EarlierPeriod,
    #[serde(rename = "later_period")]
    LaterPeriod,
    #[serde(rename = "lock")]
    Lock,
    #[serde(rename = "heard_5")]
    Heard5,
    #[serde(rename = "heard_4")]
    Heard4,
    #[serde(rename = "heard_3")]
    Heard3,
    #[serde(rename = "heard_2")]
    Heard2,
    #[serde(rename = "heard_1")]
    Heard1,
    #[serde(rename = "nothing_heard")]
    NothingHeard,
    #[serde(rename = "relayed")]
    Relayed,
    #[serde(rename = "closed_today")]
    ClosedToday,
    #[serde(rename = "undo_answer")]
    UndoAnswer,
    #[serde(rename = "late_check_in")]
    LateCheckIn,
    #[serde(rename = "correct_answer")]
    CorrectAnswer,
    #[serde(rename = "void_roll_call")]
    VoidRollCall,
    #[serde(rename = "sign_on")]
    SignOn,
    #[serde(rename = "sign_off")]
    SignOff,
    #[serde(rename = "finish_roll_call")]
    FinishRollCall,
    #[serde(rename = "start_roll_call")]
    StartRollCall,
    #[serde(rename = "start_practice")]
    StartPractice,
    #[serde(rename = "radio_status")]
    RadioStatus,
    #[serde(rename = "add_radio")]
    AddRadio,
    #[serde(rename = "edit_radio")]
    EditRadio,
    #[serde(rename = "log_radio")]
    LogRadio,
    #[serde(rename = "up")]
    Up,
    #[serde(rename = "down")]
    Down,
    #[serde(rename = "top")]
    Top,
    #[serde(rename = "bottom")]
    Bottom,
    #[serde(rename = "page_up")]
    PageUp,
    #[serde(rename = "page_down")]
    PageDown,
    #[serde(rename = "open")]
    Open,
    #[serde(rename = "back")]
    Back,
    #[serde(rename = "filter")]
    Filter,
    #[serde(rename = "cycle_view")]
    CycleView,
    CycleOrder,
    Find,
    #[serde(rename = "advance_status")]
    AdvanceStatus,
    #[serde(rename = "close_incident")]
    CloseIncident,
    #[serde(rename = "reopen")]
    Reopen,
    #[serde(rename = "add_note")]
    AddNote,
    #[serde(rename = "amend_note")]
    AmendNote,
    #[serde(rename = "edit_incident")]
    EditIncident,
    #[serde(rename = "next_field")]
    NextField,
    #[serde(rename = "prev_field")]
    PrevField,
    #[serde(rename = "submit")]
    Submit,
    #[serde(rename = "keep_theirs")]
    KeepTheirs,
    #[serde(rename = "keep_mine")]
    KeepMine,
    #[serde(rename = "decide_later")]
    DecideLater,
    #[serde(rename = "quit_ending_shift")]
    EndShiftAndQuit,
    #[serde(rename = "quit_leaving_shift")]
    LeaveShiftRunning,
    #[serde(rename = "stay")]
    StaySignedIn,
    // forms, besides next_field, prev_field and submit
    CancelForm,
    OpenInstead,
    NextOrSave,
    ChoiceNext,
    ChoicePrev,
    PickNext,
    PickPrev,
    Discard,
    // the line at the foot
    LineSubmit,
    LineCancel,
    CompleteCallSign,
    // editing text anywhere
    ClearLine,
    DeleteWord,
    LineStart,
    LineEnd,
    // the lock screen
    NextLockField,
    PrevLockField,
    SignIn,
    // questions and the handover
    Yes,
    No,
    TakeHandover,
    HandoverLater,
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub command: Command,
    /// Its `run` name in `keymap.toml` and the config's `[keys]`.
    pub name: String,
    pub context: Context,
    pub keys: Vec<KeyCombo>,
    pub description: String,
    /// The word a pane's title or footer names it by, if any.
    pub hint: Option<String>,
    /// Its first key in the built-in table, which hints are written with.
    default_key: Option<KeyCombo>,
}

/// One binding as `keymap.toml` writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    on: Vec<toml::Spanned<String>>,
    run: toml::Spanned<Command>,
    desc: Option<String>,
    hint: Option<String>,
}

type Layers = BTreeMap<Context, Vec<Entry>>;

/// The line of `text` a byte offset falls on, counting from 1.
fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// Read a keymap file: every layer's bindings, or what is wrong and on which line.
fn read_layers(text: &str) -> Result<Vec<(Context, Entry, Vec<KeyCombo>)>, String> {
    let layers: Layers = toml::from_str(text).map_err(|e| match e.span() {
        Some(s) => format!("line {}: {}", line_of(text, s.start), e.message().trim()),
        None => e.message().trim().to_string(),
    })?;
    let mut out = vec![];
    for (context, entries) in layers {
        for entry in entries {
            let keys = entry
                .on
                .iter()
                .map(|k| {
                    KeyCombo::parse(k.get_ref())
                        .map_err(|e| format!("line {}: {e}", line_of(text, k.span().start)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            if keys.is_empty() {
                return Err(format!(
                    "line {}: `on` needs at least one key",
                    line_of(text, entry.run.span().start)
                ));
            }
            out.push((context, entry, keys));
        }
    }
    Ok(out)
}

/// The `run` name of a command, as `keymap.toml` and `[keys]` spell it.
fn run_name(text: &str, entry: &Entry) -> String {
    text.get(entry.run.span())
        .map(|s| s.trim_matches(|c| c == '"' || c == '\'').to_string())
        .unwrap_or_default()
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::new(&BTreeMap::new()).0
    }
}

impl Keymap {
    /// The default keys with the config's `[keys]` overrides; bad entries are
    /// reported and the default kept.
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> (Keymap, Vec<String>) {
        Keymap::load(overrides, None)
    }

    /// The default keys, then a user keymap (`keymap.toml` in the config
    /// folder: its path and text), then the config's `[keys]`. A user keymap
    /// with anything wrong in it is refused whole, naming the line, and the
    /// keys stay as they were.
    pub fn load(
        overrides: &BTreeMap<String, Vec<String>>,
        user: Option<(&std::path::Path, &str)>,
    ) -> (Keymap, Vec<String>) {
        let mut warnings = vec![];
        let mut bindings: Vec<Binding> = read_layers(DEFAULT_KEYMAP)
            .expect("the built-in keymap reads")
            .into_iter()
            .map(|(context, entry, keys)| Binding {
                command: *entry.run.get_ref(),
                name: run_name(DEFAULT_KEYMAP, &entry),
                context,
                default_key: keys.first().copied(),
                keys,
                description: entry.desc.unwrap_or_default(),
                hint: entry.hint,
            })
            .collect();
        if let Some((path, text)) = user {
            match Keymap::user_bindings(&bindings, text) {
                Ok(changes) => {
                    for (i, keys, desc, hint) in changes {
                        let b = &mut bindings[i];
                        b.keys = keys;
                        if let Some(d) = desc {
                            b.description = d;
                        }
                        if hint.is_some() {
                            b.hint = hint;
                        }
                    }
                }
                Err(e) => warnings.push(format!(
                    "keymap {}: {e}; using the default keys",
                    path.display()
                )),
            }
        }
        for (name, keys) in overrides {
            let Some(b) = bindings.iter_mut().find(|b| &b.name == name) else {
                warnings.push(format!("keys: unknown command “{name}”"));
                continue;
            };
            let parsed: Result<Vec<KeyCombo>, String> =
                keys.iter().map(|k| KeyCombo::parse(k)).collect();
            match parsed {
                Ok(p) if !p.is_empty() => b.keys = p,
                Ok(_) => warnings.push(format!("keys: “{name}” needs at least one key")),
                Err(e) => warnings.push(format!("keys: {name}: {e}")),
            }
        }
        // A key bound twice where both could apply would make one command unreachable.
        // pane contexts (incident, hit, offender) never apply together; each
        // applies with the list and global keys; forms stand alone
        let overlapping = |a: Context, b: Context| {
            let pane = |c: Context| {
                matches!(
                    c,
                    Context::Incident
                        | Context::Hit
                        | Context::Offender
                        | Context::Profile
                        | Context::Radio
                        | Context::RollCall
                        | Context::Log
                        | Context::Reports
                        | Context::Members
                )
            };
            // a roll-call's answer keys, and the overview's section keys,
            // shadow the global ones on purpose
            let shadows = (a == Context::RollCall && b == Context::Global)
                || (b == Context::RollCall && a == Context::Global)
                || (a == Context::Overview && b == Context::Global)
                || (b == Context::Overview && a == Context::Global);
            // the overview's keys apply with its sections' panes and lists
            let with_overview =
                |c: Context| matches!(c, Context::List | Context::Incident | Context::Hit);
            let overview_pair = (a == Context::Overview && with_overview(b))
                || (b == Context::Overview && with_overview(a));
            // the roll-call's keys apply with the radio pane's, so they must not clash
            let radio_pair = matches!(
                (a, b),
                (Context::RollCall, Context::Radio)
                    | (Context::Radio, Context::RollCall)
                    | (Context::Profile, Context::Offender)
                    | (Context::Offender, Context::Profile)
            );
            // forms, the line, the lock screen and the questions stand alone,
            // but for the editing keys, which apply wherever text is typed; a
            // handover's Enter and Esc shadow the list keys it scrolls with
            let alone = |c: Context| {
                matches!(
                    c,
                    Context::Form
                        | Context::Clash
                        | Context::Quitting
                        | Context::Line
                        | Context::Editing
                        | Context::Lock
                        | Context::Confirm
                        | Context::Handover
                )
            };
            let typing = |c: Context| matches!(c, Context::Form | Context::Line | Context::Lock);
            let editing_pair =
                (a == Context::Editing && typing(b)) || (b == Context::Editing && typing(a));
            !shadows && (a == b || radio_pair || editing_pair || overview_pair)
                || (!shadows
                    && !alone(a)
                    && !alone(b)
                    && (a == Context::Global
                        || b == Context::Global
                        || (a == Context::List && pane(b))
                        || (b == Context::List && pane(a))))
        };
        for (i, a) in bindings.iter().enumerate() {
            for b in bindings.iter().skip(i + 1) {
                if overlapping(a.context, b.context) {
                    for k in &a.keys {
                        if b.keys.contains(k) {
                            warnings.push(format!(
                                "keys: {} is bound to both “{}” and “{}”; “{}” wins",
                                k.label(),
                                a.name,
                                b.name,
                                a.name
                            ));
                        }
                    }
                }
            }
        }
        (Keymap { bindings }, warnings)
    }

    /// What a user keymap changes: (binding, keys, description, hint) for
    /// each of its entries, or the first thing wrong, by line.
    #[allow(clippy::type_complexity)]
    fn user_bindings(
        bindings: &[Binding],
        text: &str,
    ) -> Result<Vec<(usize, Vec<KeyCombo>, Option<String>, Option<String>)>, String> {
        let mut out = vec![];
        for (context, entry, keys) in read_layers(text)? {
            let command = *entry.run.get_ref();
            let line = line_of(text, entry.run.span().start);
            let Some(i) = bindings.iter().position(|b| b.command == command) else {
                return Err(format!("line {line}: no such command"));
            };
            if bindings[i].context != context {
                return Err(format!(
                    "line {line}: “{}” belongs under [[{}]]",
                    bindings[i].name,
                    bindings[i].context.layer()
                ));
            }
            out.push((i, keys, entry.desc, entry.hint));
        }
        Ok(out)
    }

    /// `v view · A add · e edit`: the keys and hint words of these commands,
    /// for a pane's title or footer.
    pub fn hints(&self, commands: &[Command]) -> String {
        commands
            .iter()
            .filter_map(|c| self.bindings.iter().find(|b| b.command == *c))
            .map(|b| {
                let key = b.keys.first().map(|k| k.label()).unwrap_or_default();
                match &b.hint {
                    Some(h) => format!("{key} {h}"),
                    None => format!("{key} {}", b.description),
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// The command a key means in the given contexts (searched in order).
    pub fn lookup(&self, key: &KeyEvent, contexts: &[Context]) -> Option<Command> {
        let combo = KeyCombo::from_event(key)?;
        contexts.iter().find_map(|ctx| {
            self.bindings
                .iter()
                .find(|b| b.context == *ctx && b.keys.contains(&combo))
                .map(|b| b.command)
        })
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The first key for a command, as help and hints show it.
    pub fn key_for(&self, command: Command) -> String {
        self.binding(command)
            .and_then(|b| b.keys.first())
            .map(|k| k.label())
            .unwrap_or_default()
    }

    /// Every key for a command, `y/Enter`: a capital whose small letter is
    /// bound too is left out, as a reader takes the two for one key.
    pub fn keys_for(&self, command: Command) -> String {
        let Some(b) = self.binding(command) else {
            return String::new();
        };
        let small_too = |k: &KeyCombo| match k.code {
            KeyCodeKey::Char(c) if c.is_uppercase() => b.keys.iter().any(|o| {
                o.code == KeyCodeKey::Char(c.to_ascii_lowercase())
                    && (o.ctrl, o.alt) == (k.ctrl, k.alt)
            }),
            _ => false,
        };
        b.keys
            .iter()
            .filter(|k| !small_too(k))
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// A hint written with the built-in keys (“1-4 or ←/→”, “Enter picks”),
    /// each of these commands' default key replaced by the one now bound, so
    /// a rebinding shows in text that was written once. A key's name is
    /// replaced only where it stands alone, never inside a word.
    pub fn follow<'a>(&self, text: &'a str, commands: &[Command]) -> Cow<'a, str> {
        let swaps: Vec<(String, String)> = commands
            .iter()
            .filter_map(|c| self.binding(*c))
            .filter_map(|b| match (b.default_key, b.keys.first()) {
                (Some(d), Some(k)) if d != *k => Some((d.label(), k.label())),
                _ => None,
            })
            .collect();
        if swaps.is_empty() {
            return Cow::Borrowed(text);
        }
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        let mut out = String::with_capacity(text.len());
        let (mut rest, mut before) = (text, None);
        // one pass, so keys that swap places do not undo each other
        'scan: while let Some(c) = rest.chars().next() {
            if !word(before) {
                for (from, to) in &swaps {
                    match rest.strip_prefix(from.as_str()) {
                        Some(after) if !word(after.chars().next()) => {
                            out.push_str(to);
                            (rest, before) = (after, from.chars().last());
                            continue 'scan;
                        }
                        _ => {}
                    }
                }
            }
            out.push(c);
            (rest, before) = (&rest[c.len_utf8()..], Some(c));
        }
        Cow::Owned(out)
    }

    fn binding(&self, command: Command) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.command == command)
    }
}

#[cfg(test)]
mod tests;
