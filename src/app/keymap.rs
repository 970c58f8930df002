//! One table of keys drives both the console and its help screen, so help
//! never drifts from what the keys do. A config file may rebind any command.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

/// Where a binding applies. `Global` keys work wherever no text is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    Global,
    List,
    Incident,
    Hit,
    Offender,
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
    Form,
    /// The question a form asks, before saving, about a field both this
    /// operator and a colleague changed.
    Clash,
    /// The question `q` asks while this operator's shift is open.
    Quitting,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Anywhere",
            Context::List => "Lists (board, timeline, activity)",
            Context::Incident => "The selected or open incident",
            Context::Hit => "Hits",
            Context::Offender => "The offender register and a profile",
            Context::RollCall => "A roll-call in progress (one key per station)",
            Context::Radio => "Radios: inventory, log, roll-calls",
            Context::Log => "The occurrence log and the shift",
            Context::Reports => "Reports (the committee's figures)",
            Context::Members => "Members and their training",
            Context::Setup => "Set-up: zones, cameras, the scheme's details (a manager's)",
            Context::Form => "Forms",
            Context::Clash => "A field you and a colleague both changed (asked on saving)",
            Context::Quitting => "Quitting with your shift open",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Quit,
    Help,
    CommandLine,
    NewIncident,
    NextPane,
    PrevPane,
    Pane1,
    Pane2,
    Pane3,
    Pane4,
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
    MakeNotice,
    Pane5,
    Pane6,
    AddLogEntry,
    AmendLogEntry,
    EndShift,
    Pane7,
    Pane8,
    AddMember,
    AddTraining,
    EditMember,
    AddContact,
    Pane9,
    SetupAdd,
    SetupEdit,
    SetupRetire,
    EarlierPeriod,
    LaterPeriod,
    Lock,
    Heard5,
    Heard4,
    Heard3,
    Heard2,
    Heard1,
    NothingHeard,
    Relayed,
    ClosedToday,
    UndoAnswer,
    LateCheckIn,
    FinishRollCall,
    StartRollCall,
    StartPractice,
    RadioStatus,
    AddRadio,
    EditRadio,
    LogRadio,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Open,
    Back,
    Filter,
    CycleView,
    AdvanceStatus,
    CloseIncident,
    Reopen,
    AddNote,
    AmendNote,
    EditIncident,
    NextField,
    PrevField,
    Submit,
    KeepTheirs,
    KeepMine,
    DecideLater,
    EndShiftAndQuit,
    LeaveShiftRunning,
    StaySignedIn,
}

/// (command, config name, context, default keys, what it does)
const TABLE: &[(Command, &str, Context, &[&str], &str)] = &[
    (
        Command::Help,
        "help",
        Context::Global,
        &["?", "f1"],
        "show or hide this help",
    ),
    (
        Command::CommandLine,
        "command_line",
        Context::Global,
        &[":"],
        "command line (:theme night, :open 12, :q)",
    ),
    (
        Command::NewIncident,
        "new_incident",
        Context::Global,
        &["n", "ctrl-n"],
        "new incident",
    ),
    (
        Command::NewSighting,
        "new_sighting",
        Context::Global,
        &["S"],
        "log a sighting: who, where, when (hits decided at once)",
    ),
    (
        Command::NextPane,
        "next_pane",
        Context::Global,
        &["tab"],
        "next pane",
    ),
    (
        Command::PrevPane,
        "prev_pane",
        Context::Global,
        &["backtab"],
        "previous pane",
    ),
    (
        Command::Pane1,
        "pane_incidents",
        Context::Global,
        &["1"],
        "incidents pane",
    ),
    (
        Command::Pane2,
        "pane_hits",
        Context::Global,
        &["2"],
        "hits pane (unacknowledged first)",
    ),
    (
        Command::Pane3,
        "pane_offenders",
        Context::Global,
        &["3"],
        "offender register and exclusions",
    ),
    (
        Command::Pane4,
        "pane_activity",
        Context::Global,
        &["4"],
        "activity pane (who changed what)",
    ),
    (
        Command::Quit,
        "quit",
        Context::Global,
        &["q", "ctrl-c"],
        "quit (asks about unsaved input, and whether to end your shift)",
    ),
    (Command::Up, "up", Context::List, &["up", "k"], "move up"),
    (
        Command::Down,
        "down",
        Context::List,
        &["down", "j"],
        "move down",
    ),
    (
        Command::Top,
        "top",
        Context::List,
        &["g", "home"],
        "go to the top",
    ),
    (
        Command::Bottom,
        "bottom",
        Context::List,
        &["G", "end"],
        "go to the bottom",
    ),
    (
        Command::PageUp,
        "page_up",
        Context::List,
        &["pageup", "ctrl-b"],
        "page up",
    ),
    (
        Command::PageDown,
        "page_down",
        Context::List,
        &["pagedown", "ctrl-f"],
        "page down",
    ),
    (
        Command::Open,
        "open",
        Context::List,
        &["enter"],
        "open the selected incident, hit or person",
    ),
    (
        Command::Back,
        "back",
        Context::List,
        &["esc"],
        "back out (close detail, clear filter)",
    ),
    (
        Command::Filter,
        "filter",
        Context::List,
        &["/"],
        "filter incidents (zone:, type:, status:, p:) or search the register",
    ),
    (
        Command::CycleView,
        "cycle_view",
        Context::List,
        &["v"],
        "cycle the view: incident status, or known / ID-sought / exclusions",
    ),
    (
        Command::AdvanceStatus,
        "advance_status",
        Context::Incident,
        &["s"],
        "next status (open → responding → police attending)",
    ),
    (
        Command::CloseIncident,
        "close_incident",
        Context::Incident,
        &["c"],
        "close (asks for a reason)",
    ),
    (
        Command::Reopen,
        "reopen",
        Context::Incident,
        &["r"],
        "reopen a closed incident",
    ),
    (
        Command::AddNote,
        "add_note",
        Context::Incident,
        &["a"],
        "add a timeline note",
    ),
    (
        Command::AmendNote,
        "amend_note",
        Context::Incident,
        &["A"],
        "amend the selected note (the original is kept)",
    ),
    (
        Command::EditIncident,
        "edit_incident",
        Context::Incident,
        &["e"],
        "edit type, priority, place, text, police ref, loss",
    ),
    (
        Command::LinkOffender,
        "link_offender",
        Context::Incident,
        &["o"],
        "name an offender on the incident (hits decided at once)",
    ),
    (
        Command::AcceptHit,
        "accept_hit",
        Context::Hit,
        &["a"],
        "accept the hit, saying what was done",
    ),
    (
        Command::RejectHit,
        "reject_hit",
        Context::Hit,
        &["x"],
        "reject as a false match, saying why",
    ),
    (
        Command::NewOffender,
        "new_offender",
        Context::Offender,
        &["O"],
        "add a person to the register",
    ),
    (
        Command::EditOffender,
        "edit_offender",
        Context::Offender,
        &["e"],
        "edit the person: names, aliases, markers, photo",
    ),
    (
        Command::NewExclusion,
        "new_exclusion",
        Context::Offender,
        &["x"],
        "serve an exclusion on the person",
    ),
    (
        Command::LiftExclusion,
        "lift_exclusion",
        Context::Offender,
        &["L"],
        "lift the selected exclusion early",
    ),
    (
        Command::Promote,
        "promote",
        Context::Offender,
        &["P"],
        "an ID-sought person is identified: give the name",
    ),
    (
        Command::Merge,
        "merge",
        Context::Offender,
        &["M"],
        "merge this ID-sought record into a known person",
    ),
    (
        Command::Appeal,
        "appeal",
        Context::Offender,
        &["a"],
        "record an appeal (and later its outcome) on the selected exclusion",
    ),
    (
        Command::MakeNotice,
        "make_notice",
        Context::Offender,
        &["N"],
        "make the letter or notice for the selected exclusion, PDF and Markdown",
    ),
    (
        Command::NextField,
        "next_field",
        Context::Form,
        &["tab"],
        "next field (accepts the highlighted suggestion)",
    ),
    (
        Command::PrevField,
        "prev_field",
        Context::Form,
        &["backtab"],
        "previous field",
    ),
    (
        Command::Submit,
        "submit",
        Context::Form,
        &["ctrl-s"],
        "save (Enter on the last field saves too)",
    ),
    (
        Command::KeepTheirs,
        "keep_theirs",
        Context::Clash,
        &["t"],
        "keep the colleague's value (yours is not written)",
    ),
    (
        Command::KeepMine,
        "keep_mine",
        Context::Clash,
        &["y"],
        "keep your value (it replaces theirs)",
    ),
    (
        Command::DecideLater,
        "decide_later",
        Context::Clash,
        &["esc"],
        "back to the form; saving asks again",
    ),
    (
        Command::Pane5,
        "pane_radio",
        Context::Global,
        &["5"],
        "radios: roll-call, inventory and health, log",
    ),
    (
        Command::Heard5,
        "heard_5",
        Context::RollCall,
        &["5"],
        "loud and clear (5)",
    ),
    (
        Command::Heard4,
        "heard_4",
        Context::RollCall,
        &["4"],
        "readability 4",
    ),
    (
        Command::Heard3,
        "heard_3",
        Context::RollCall,
        &["3"],
        "readability 3",
    ),
    (
        Command::Heard2,
        "heard_2",
        Context::RollCall,
        &["2"],
        "readability 2 (weak)",
    ),
    (
        Command::Heard1,
        "heard_1",
        Context::RollCall,
        &["1"],
        "readability 1 (unreadable)",
    ),
    (
        Command::NothingHeard,
        "nothing_heard",
        Context::RollCall,
        &["n"],
        "nothing heard: called again after the last station",
    ),
    (
        Command::Relayed,
        "relayed",
        Context::RollCall,
        &["r"],
        "relayed via another station (type its call sign)",
    ),
    (
        Command::ClosedToday,
        "closed_today",
        Context::RollCall,
        &["c"],
        "closed today",
    ),
    (
        Command::UndoAnswer,
        "undo_answer",
        Context::RollCall,
        &["u"],
        "undo the last answer",
    ),
    (
        Command::LateCheckIn,
        "late_check_in",
        Context::RollCall,
        &["i"],
        "late check-in: call sign and answer, at any point",
    ),
    (
        Command::FinishRollCall,
        "finish_roll_call",
        Context::RollCall,
        &["F"],
        "finish now: the rest count as nothing heard",
    ),
    (
        Command::StartRollCall,
        "start_roll_call",
        Context::Radio,
        &["R"],
        "start tonight's roll-call (or carry on with an interrupted one)",
    ),
    (
        Command::StartPractice,
        "start_practice",
        Context::Radio,
        &["T"],
        "start a practice roll-call (kept out of the figures)",
    ),
    (
        Command::RadioStatus,
        "radio_status",
        Context::Radio,
        &["s"],
        "change the selected radio's status",
    ),
    (
        Command::AddRadio,
        "add_radio",
        Context::Radio,
        &["A"],
        "add a radio to the inventory",
    ),
    (
        Command::EditRadio,
        "edit_radio",
        Context::Radio,
        &["e"],
        "edit the selected radio: serial, who it is issued to, notes",
    ),
    (
        Command::LogRadio,
        "log_radio",
        Context::Radio,
        &["l"],
        "log radio traffic: call sign (Tab completes) and message",
    ),
    (
        Command::Pane6,
        "pane_log",
        Context::Global,
        &["6"],
        "the occurrence log and the shift",
    ),
    (
        Command::AddLogEntry,
        "add_log_entry",
        Context::Log,
        &["a"],
        "add a timed entry to the occurrence log",
    ),
    (
        Command::AmendLogEntry,
        "amend_log_entry",
        Context::Log,
        &["e"],
        "amend the selected entry (a new entry pointing at it; the old one stays)",
    ),
    (
        Command::EndShift,
        "end_shift",
        Context::Log,
        &["E"],
        "end the shift: review the handover, save it and sign out",
    ),
    (
        Command::Pane7,
        "pane_reports",
        Context::Global,
        &["7"],
        "reports: the committee's figures for a period, with charts",
    ),
    (
        Command::EarlierPeriod,
        "earlier_period",
        Context::Reports,
        &["["],
        "the period before (v chooses: last 12 months, this month, this year)",
    ),
    (
        Command::LaterPeriod,
        "later_period",
        Context::Reports,
        &["]"],
        "the period after, up to the one ending today",
    ),
    (
        Command::Pane8,
        "pane_members",
        Context::Global,
        &["8"],
        "members: renewals, agreements and training (v: members, training, over time)",
    ),
    (
        Command::AddMember,
        "add_member",
        Context::Members,
        &["A"],
        "add a member business (a manager's)",
    ),
    (
        Command::AddTraining,
        "add_training",
        Context::Members,
        &["a"],
        "record a course taken by someone at a member (a manager's)",
    ),
    (
        Command::EditMember,
        "edit_member",
        Context::Members,
        &["e"],
        "edit the selected member: status, renewal, fee, agreement (a manager's)",
    ),
    (
        Command::AddContact,
        "add_contact",
        Context::Members,
        &["c"],
        "add a contact at the selected member (a manager's)",
    ),
    (
        Command::Pane9,
        "pane_setup",
        Context::Global,
        &["9"],
        "set-up: zones, cameras, the scheme's details (a manager's)",
    ),
    (
        Command::SetupAdd,
        "setup_add",
        Context::Setup,
        &["A"],
        "add a zone or a camera",
    ),
    (
        Command::SetupEdit,
        "setup_edit",
        Context::Setup,
        &["e"],
        "edit the selected zone or camera, or the scheme's details",
    ),
    (
        Command::SetupRetire,
        "setup_retire",
        Context::Setup,
        &["X"],
        "retire the selected zone or camera (asks first; its history stays)",
    ),
    (
        Command::Lock,
        "lock",
        Context::Global,
        &["ctrl-l"],
        "lock the console now: nothing shows until the PIN is entered",
    ),
    (
        Command::EndShiftAndQuit,
        "quit_ending_shift",
        Context::Quitting,
        &["e"],
        "end the shift: review the handover, save it, then quit",
    ),
    (
        Command::LeaveShiftRunning,
        "quit_leaving_shift",
        Context::Quitting,
        &["l"],
        "leave the shift running for the next operator: sign out and quit",
    ),
    (
        Command::StaySignedIn,
        "stay",
        Context::Quitting,
        &["esc"],
        "stay: do not quit",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyCombo {
    pub code: KeyCodeKey,
    pub ctrl: bool,
    pub alt: bool,
}

/// A hashable, printable key code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeKey {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Insert,
}

impl KeyCombo {
    pub fn from_event(k: &KeyEvent) -> Option<KeyCombo> {
        let code = match k.code {
            KeyCode::Char(c) => KeyCodeKey::Char(c),
            KeyCode::F(n) => KeyCodeKey::F(n),
            KeyCode::Enter => KeyCodeKey::Enter,
            KeyCode::Esc => KeyCodeKey::Esc,
            KeyCode::Tab => KeyCodeKey::Tab,
            KeyCode::BackTab => KeyCodeKey::BackTab,
            KeyCode::Backspace => KeyCodeKey::Backspace,
            KeyCode::Delete => KeyCodeKey::Delete,
            KeyCode::Up => KeyCodeKey::Up,
            KeyCode::Down => KeyCodeKey::Down,
            KeyCode::Left => KeyCodeKey::Left,
            KeyCode::Right => KeyCodeKey::Right,
            KeyCode::Home => KeyCodeKey::Home,
            KeyCode::End => KeyCodeKey::End,
            KeyCode::PageUp => KeyCodeKey::PageUp,
            KeyCode::PageDown => KeyCodeKey::PageDown,
            KeyCode::Insert => KeyCodeKey::Insert,
            _ => return None,
        };
        // Shift is carried by the character itself ('G'), so it is not part of the combo.
        let code = match code {
            KeyCodeKey::Char(c) if k.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCodeKey::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Some(KeyCombo {
            code,
            ctrl: k.modifiers.contains(KeyModifiers::CONTROL),
            alt: k.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// Parse `q`, `G`, `ctrl-n`, `alt-x`, `enter`, `pagedown`, `f1`, `space`, `shift-tab`.
    pub fn parse(s: &str) -> Result<KeyCombo, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s.trim();
        if rest.is_empty() {
            return Err("an empty key".into());
        }
        loop {
            let lower = rest.to_lowercase();
            if rest.len() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+")) {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && (lower.starts_with("alt-") || lower.starts_with("alt+")) {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCodeKey::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_lowercase().as_str() {
                "enter" | "return" => KeyCodeKey::Enter,
                "esc" | "escape" => KeyCodeKey::Esc,
                "tab" => KeyCodeKey::Tab,
                "backtab" | "shift-tab" | "shift+tab" => KeyCodeKey::BackTab,
                "backspace" => KeyCodeKey::Backspace,
                "delete" | "del" => KeyCodeKey::Delete,
                "up" => KeyCodeKey::Up,
                "down" => KeyCodeKey::Down,
                "left" => KeyCodeKey::Left,
                "right" => KeyCodeKey::Right,
                "home" => KeyCodeKey::Home,
                "end" => KeyCodeKey::End,
                "pageup" | "pgup" => KeyCodeKey::PageUp,
                "pagedown" | "pgdn" => KeyCodeKey::PageDown,
                "insert" | "ins" => KeyCodeKey::Insert,
                "space" => KeyCodeKey::Char(' '),
                f if f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) =>
                {
                    KeyCodeKey::F(f[1..].parse().unwrap_or(1))
                }
                _ => {
                    return Err(format!(
                        "“{s}” is not a key (examples: q, G, ctrl-n, enter, pagedown, f1)"
                    ))
                }
            },
        };
        Ok(KeyCombo { code, ctrl, alt })
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCodeKey::Char(' ') => "space".to_string(),
            KeyCodeKey::Char(c) => c.to_string(),
            KeyCodeKey::F(n) => format!("F{n}"),
            KeyCodeKey::Enter => "Enter".into(),
            KeyCodeKey::Esc => "Esc".into(),
            KeyCodeKey::Tab => "Tab".into(),
            KeyCodeKey::BackTab => "Shift-Tab".into(),
            KeyCodeKey::Backspace => "Backspace".into(),
            KeyCodeKey::Delete => "Del".into(),
            KeyCodeKey::Up => "↑".into(),
            KeyCodeKey::Down => "↓".into(),
            KeyCodeKey::Left => "←".into(),
            KeyCodeKey::Right => "→".into(),
            KeyCodeKey::Home => "Home".into(),
            KeyCodeKey::End => "End".into(),
            KeyCodeKey::PageUp => "PgUp".into(),
            KeyCodeKey::PageDown => "PgDn".into(),
            KeyCodeKey::Insert => "Ins".into(),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("Ctrl-{base}"),
            (_, true) => format!("Alt-{base}"),
            _ => base,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub command: Command,
    pub name: &'static str,
    pub context: Context,
    pub keys: Vec<KeyCombo>,
    pub description: &'static str,
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
    /// The default table with the config's `[keys]` overrides; bad entries are
    /// reported and the default kept.
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> (Keymap, Vec<String>) {
        let mut warnings = vec![];
        let mut bindings: Vec<Binding> = TABLE
            .iter()
            .map(|(command, name, context, keys, description)| Binding {
                command: *command,
                name,
                context: *context,
                keys: keys
                    .iter()
                    .map(|k| KeyCombo::parse(k).expect("built-in key parses"))
                    .collect(),
                description,
            })
            .collect();
        for (name, keys) in overrides {
            let Some(b) = bindings.iter_mut().find(|b| b.name == name) else {
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
                        | Context::Radio
                        | Context::RollCall
                        | Context::Log
                        | Context::Reports
                        | Context::Members
                )
            };
            // a roll-call's answer keys shadow the global ones on purpose
            let shadows = (a == Context::RollCall && b == Context::Global)
                || (b == Context::RollCall && a == Context::Global);
            // the roll-call's keys apply with the radio pane's, so they must not clash
            let radio_pair = matches!(
                (a, b),
                (Context::RollCall, Context::Radio) | (Context::Radio, Context::RollCall)
            );
            // forms and the quit question stand alone: nothing else applies with them
            let alone =
                |c: Context| matches!(c, Context::Form | Context::Clash | Context::Quitting);
            !shadows && (a == b || radio_pair)
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
        self.bindings
            .iter()
            .find(|b| b.command == command)
            .and_then(|b| b.keys.first())
            .map(|k| k.label())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn default_keys_are_the_ones_operators_know() {
        let k = Keymap::default();
        let list = [Context::List, Context::Global];
        assert_eq!(k.lookup(&key('j'), &list), Some(Command::Down));
        assert_eq!(
            k.lookup(&KeyEvent::new(KeyCode::Down, KeyModifiers::NONE), &list),
            Some(Command::Down)
        );
        assert_eq!(
            k.lookup(
                &KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT),
                &list
            ),
            Some(Command::Bottom)
        );
        assert_eq!(k.lookup(&key('?'), &list), Some(Command::Help));
        assert_eq!(
            k.lookup(
                &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                &list
            ),
            Some(Command::Quit)
        );
        assert_eq!(
            k.lookup(&key('c'), &list),
            None,
            "close is only for an incident"
        );
        assert_eq!(
            k.lookup(&key('c'), &[Context::Incident]),
            Some(Command::CloseIncident)
        );
        let members = [Context::Members, Context::List, Context::Global];
        assert_eq!(k.lookup(&key('e'), &members), Some(Command::EditMember));
        assert_eq!(k.lookup(&key('c'), &members), Some(Command::AddContact));
    }

    #[test]
    fn keys_can_be_rebound_and_help_follows() {
        let mut o = BTreeMap::new();
        o.insert(
            "new_incident".to_string(),
            vec!["i".to_string(), "F2".to_string()],
        );
        let (k, w) = Keymap::new(&o);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            k.lookup(&key('i'), &[Context::Global]),
            Some(Command::NewIncident)
        );
        assert_eq!(k.lookup(&key('n'), &[Context::Global]), None);
        assert_eq!(k.key_for(Command::NewIncident), "i");
        let help_line = k
            .bindings()
            .iter()
            .find(|b| b.command == Command::NewIncident)
            .unwrap();
        assert_eq!(
            help_line.keys.iter().map(|k| k.label()).collect::<Vec<_>>(),
            vec!["i", "F2"]
        );
    }

    #[test]
    fn bad_rebindings_are_reported_and_the_default_kept() {
        let mut o = BTreeMap::new();
        o.insert("fly".to_string(), vec!["x".to_string()]);
        o.insert("quit".to_string(), vec!["ctrl-banana".to_string()]);
        o.insert("help".to_string(), vec!["j".to_string()]);
        let (k, w) = Keymap::new(&o);
        assert!(
            w.iter().any(|m| m.contains("unknown command “fly”")),
            "{w:?}"
        );
        assert!(w.iter().any(|m| m.contains("ctrl-banana")), "{w:?}");
        assert!(w.iter().any(|m| m.contains("bound to both")), "{w:?}");
        assert_eq!(k.lookup(&key('q'), &[Context::Global]), Some(Command::Quit));
    }

    #[test]
    fn key_names_parse_and_print() {
        for (s, label) in [
            ("ctrl-n", "Ctrl-n"),
            ("G", "G"),
            ("pagedown", "PgDn"),
            ("f1", "F1"),
            ("space", "space"),
            ("shift-tab", "Shift-Tab"),
        ] {
            assert_eq!(KeyCombo::parse(s).unwrap().label(), label);
        }
        assert!(KeyCombo::parse("").is_err());
        assert!(KeyCombo::parse("f99").is_err());
    }

    #[test]
    fn the_default_table_has_no_clashes() {
        let (_, w) = Keymap::new(&BTreeMap::new());
        assert!(w.is_empty(), "{w:?}");
    }
}
