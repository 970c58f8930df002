//! The `:` line's commands: one table that both parses what is typed and
//! feeds help, so help can never list a command the line does not know, or
//! miss one it does.

use super::input::LineInput;
use super::keymap::Command;
use super::{radio, Action, App, Modal, Pane};
use crate::domain::text::tidy_input;
use crate::domain::StatusView;
use crossterm::event::KeyEvent;

/// What a `:` command does; the console acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineCommand {
    Quit,
    QuitNow,
    Help,
    Theme,
    Incident,
    Open,
    Filter,
    View,
    Note,
    Close,
    Sighting,
    Hit,
    RollCall,
    Log,
    EndShift,
    Handover,
    Incidents,
    Hits,
    Offenders,
    Activity,
    Radio,
    Reports,
    Members,
    Setup,
    Find,
}

/// One command: its name, other names, how it is used, and what it does.
pub struct Spec {
    pub command: LineCommand,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub usage: &'static str,
    pub desc: &'static str,
}

pub const COMMANDS: &[Spec] = &[
    Spec {
        command: LineCommand::Find,
        name: "find",
        aliases: &[],
        usage: "find WORDS",
        desc: "find the words in incidents, notes, the log, radio messages and the register (f)",
    },
    Spec {
        command: LineCommand::Incident,
        name: "incident",
        aliases: &["new"],
        usage: "incident",
        desc: "log a new incident",
    },
    Spec {
        command: LineCommand::Open,
        name: "open",
        aliases: &[],
        usage: "open N",
        desc: "open incident N (or just :N)",
    },
    Spec {
        command: LineCommand::Note,
        name: "note",
        aliases: &[],
        usage: "note TEXT",
        desc: "add a note to the selected or open incident",
    },
    Spec {
        command: LineCommand::Close,
        name: "close",
        aliases: &[],
        usage: "close REASON",
        desc: "close the selected or open incident",
    },
    Spec {
        command: LineCommand::Filter,
        name: "filter",
        aliases: &[],
        usage: "filter TEXT",
        desc: "filter the board, as the filter key does",
    },
    Spec {
        command: LineCommand::View,
        name: "view",
        aliases: &[],
        usage: "view NAME",
        desc: "live, all, open, responding, police, closed",
    },
    Spec {
        command: LineCommand::Theme,
        name: "theme",
        aliases: &[],
        usage: "theme NAME",
        desc: "switch theme (:theme alone lists them)",
    },
    Spec {
        command: LineCommand::Sighting,
        name: "sighting",
        aliases: &["seen"],
        usage: "sighting",
        desc: "log a sighting",
    },
    Spec {
        command: LineCommand::Hit,
        name: "hit",
        aliases: &[],
        usage: "hit N accept WHAT",
        desc:
            "accept hit N saying what was done (or: reject WHY, a false match; snooze MINUTES WHY)",
    },
    Spec {
        command: LineCommand::RollCall,
        name: "rollcall",
        aliases: &["roll-call"],
        usage: "rollcall [WORD]",
        desc: "start tonight's; practice: a practice one; void WHY; make-practice",
    },
    Spec {
        command: LineCommand::Log,
        name: "log",
        aliases: &[],
        usage: "log [TEXT]",
        desc: "add an entry to the occurrence log (:log alone shows it)",
    },
    Spec {
        command: LineCommand::EndShift,
        name: "endshift",
        aliases: &[],
        usage: "endshift",
        desc: "end the shift: review the handover, save it and sign out",
    },
    Spec {
        command: LineCommand::Handover,
        name: "handover",
        aliases: &[],
        usage: "handover",
        desc: "show the handover waiting to be taken over",
    },
    Spec {
        command: LineCommand::Incidents,
        name: "incidents",
        aliases: &[],
        usage: "incidents",
        desc: "show the incident board",
    },
    Spec {
        command: LineCommand::Hits,
        name: "hits",
        aliases: &[],
        usage: "hits",
        desc: "show the hits pane",
    },
    Spec {
        command: LineCommand::Offenders,
        name: "offenders",
        aliases: &["register"],
        usage: "offenders",
        desc: "show the offender register",
    },
    Spec {
        command: LineCommand::Activity,
        name: "activity",
        aliases: &[],
        usage: "activity",
        desc: "show who changed what",
    },
    Spec {
        command: LineCommand::Radio,
        name: "radio",
        aliases: &["radios"],
        usage: "radio",
        desc: "show the radios: roll-call, inventory, log",
    },
    Spec {
        command: LineCommand::Reports,
        name: "reports",
        aliases: &["report"],
        usage: "reports",
        desc: "show the committee's figures for a period",
    },
    Spec {
        command: LineCommand::Members,
        name: "members",
        aliases: &[],
        usage: "members",
        desc: "show the members pane",
    },
    Spec {
        command: LineCommand::Setup,
        name: "setup",
        aliases: &["set-up"],
        usage: "setup",
        desc: "show the set-up pane: zones, cameras, the scheme's details",
    },
    Spec {
        command: LineCommand::Help,
        name: "help",
        aliases: &["h"],
        usage: "help",
        desc: "this help",
    },
    Spec {
        command: LineCommand::Quit,
        name: "q",
        aliases: &["quit", "exit"],
        usage: "q",
        desc: "quit: asks whether to end your shift",
    },
    Spec {
        command: LineCommand::QuitNow,
        name: "q!",
        aliases: &["quit!"],
        usage: "q!",
        desc: "quit at once, leaving your shift running",
    },
];

/// The command a typed name means (any case, with or without the `:`).
pub fn lookup(name: &str) -> Option<LineCommand> {
    let name = name.trim_start_matches(':').to_lowercase();
    COMMANDS
        .iter()
        .find(|s| s.name == name || s.aliases.contains(&name.as_str()))
        .map(|s| s.command)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Command,
    /// Searching the offender register as you type.
    Search,
    /// Filtering the audit trail in the activity pane.
    AuditFilter,
    /// Filtering the sightings pane.
    SightingFilter,
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
    pub(super) fn saves(self) -> bool {
        !matches!(
            self,
            InputKind::Filter
                | InputKind::Search
                | InputKind::AuditFilter
                | InputKind::SightingFilter
                | InputKind::Radio(radio::RadioInput::Filter)
                | InputKind::Radio(radio::RadioInput::LogFilter)
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
}

impl App {
    pub(super) fn input_key(&mut self, k: KeyEvent) {
        let Some(input) = &mut self.input else { return };
        if !input.line.edit(k, &self.keymap) {
            return;
        }
        input.error = None;
        if input.kind == InputKind::AuditFilter {
            self.activity.filter = input.line.value.clone();
            self.activity.selected = 0;
            self.reload_activity();
            return;
        }
        if input.kind == InputKind::SightingFilter {
            // the list follows the filter as it is typed; a word naming nothing is said
            let text = input.line.value.clone();
            let problem = self.set_sightings_filter(&text);
            if let Some(i) = &mut self.input {
                i.error = problem;
            }
            return;
        }
        if input.kind == InputKind::Radio(radio::RadioInput::LogFilter) {
            // the log follows the filter as it is typed; a half-typed day is said on Enter
            let text = input.line.value.clone();
            self.set_log_filter(&text);
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
        if input.kind == InputKind::Filter {
            // the board follows the filter as it is typed
            let text = input.line.value.clone();
            if let Some(e) = self.apply_filter(&text) {
                if let Some(i) = &mut self.input {
                    i.error = Some(e);
                }
            }
        }
    }

    pub(super) fn paste(&mut self, s: &str) {
        if let Some(Modal::Form(_, f)) = &mut self.modal {
            let focus = f.focus;
            f.fields[focus].input.insert_str(s);
        } else if let Some(input) = &mut self.input {
            input.line.insert_str(s);
            if input.kind == InputKind::Filter {
                let text = input.line.value.clone();
                self.apply_filter(&text);
            }
        }
    }

    pub(super) fn run_command(&mut self, line: &str) {
        let line = line.trim();
        let (cmd, rest) = line
            .split_once(char::is_whitespace)
            .map(|(a, b)| (a, b.trim()))
            .unwrap_or((line, ""));
        use LineCommand as C;
        let Some(command) = lookup(cmd) else {
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
                let (word, why) = rest.split_once(' ').unwrap_or((rest, ""));
                match word.to_ascii_lowercase().as_str() {
                    "void" => self.update(Action::AskVoidRollCall(why.to_string())),
                    "make-practice" => self.update(Action::AskMakePractice),
                    _ => self.update(Action::StartRollCall(rest.eq_ignore_ascii_case("practice"))),
                }
            }
            C::Radio => self.update(Action::ShowPane(Pane::Radio)),
            C::Reports => self.update(Action::ShowPane(Pane::Reports)),
            C::Members => self.update(Action::ShowPane(Pane::Members)),
            C::Setup => self.update(Action::ShowPane(Pane::Setup)),
            C::Find => self.find(rest),
            C::Incidents => self.update(Action::ShowPane(Pane::Incidents)),
        }
    }

    pub(super) fn switch_theme(&mut self, name: &str) {
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
}

impl App {
    /// `/`: the line that filters or searches what this pane shows.
    pub(super) fn start_filter(&mut self) {
        match self.pane {
            Pane::Activity => {
                let before = self.activity.filter.clone();
                self.input = Some(InputLine {
                    kind: InputKind::AuditFilter,
                    line: LineInput::new(&before),
                    before,
                    error: None,
                });
            }
            Pane::Sightings => {
                let before = self.sightings.filter.clone();
                self.input = Some(InputLine {
                    kind: InputKind::SightingFilter,
                    line: LineInput::new(&before),
                    before,
                    error: None,
                });
            }
            Pane::Radio if self.radio.view == radio::RadioView::Log => {
                let before = self.radio.log_filter.clone();
                self.input = Some(InputLine {
                    kind: InputKind::Radio(radio::RadioInput::LogFilter),
                    line: LineInput::new(&before),
                    before,
                    error: None,
                });
            }
            Pane::Radio => {
                self.radio.view = radio::RadioView::Inventory;
                let before = self.radio.filter.clone();
                self.input = Some(InputLine {
                    kind: InputKind::Radio(radio::RadioInput::Filter),
                    line: LineInput::new(&before),
                    before,
                    error: None,
                });
            }
            Pane::Offenders => {
                self.profile = None;
                let before = self.register.query.clone();
                self.input = Some(InputLine {
                    kind: InputKind::Search,
                    line: LineInput::new(&before),
                    before,
                    error: None,
                });
            }
            _ => {
                let before = self.board.filter_text.clone();
                self.pane = Pane::Incidents;
                self.input = Some(InputLine {
                    kind: InputKind::Filter,
                    line: LineInput::new(&before),
                    before,
                    error: None,
                });
            }
        }
    }

    /// Enter on the line: what it does depends on what the line is for.
    pub(super) fn submit_input(&mut self) {
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
                InputKind::SightingFilter => {
                    if let Some(e) = self.set_sightings_filter(&input.line.value) {
                        self.input = Some(InputLine {
                            error: Some(e),
                            ..input
                        });
                    }
                }
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
                            error: Some(format!(
                                "say why in a few words; {} to not open it",
                                self.keymap.key_for(Command::LineCancel)
                            )),
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

    /// Esc on the line: a filter or search goes back to what it was.
    pub(super) fn cancel_input(&mut self) {
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
            } else if input.kind == InputKind::SightingFilter {
                let _ = self.set_sightings_filter(&input.before);
            } else if input.kind == InputKind::Radio(radio::RadioInput::Filter) {
                self.radio.filter = input.before;
                self.refresh_radio();
            } else if input.kind == InputKind::Radio(radio::RadioInput::LogFilter) {
                self.set_log_filter(&input.before);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_and_alias_means_one_command_only() {
        let mut seen = std::collections::HashSet::new();
        for s in COMMANDS {
            for n in std::iter::once(&s.name).chain(s.aliases) {
                assert!(seen.insert(*n), "“{n}” is listed twice");
            }
        }
    }

    #[test]
    fn names_and_aliases_are_found_in_any_case() {
        assert_eq!(lookup("RADIO"), Some(LineCommand::Radio));
        assert_eq!(lookup(":roll-call"), Some(LineCommand::RollCall));
        assert_eq!(lookup("q!"), Some(LineCommand::QuitNow));
        assert_eq!(lookup("fly"), None);
    }
}
