//! The `:` line's commands: one table that both parses what is typed and
//! feeds help, so help can never list a command the line does not know, or
//! miss one it does.

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
        desc: "filter the board, as with /",
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
        desc: "log a sighting (as S does)",
    },
    Spec {
        command: LineCommand::Hit,
        name: "hit",
        aliases: &[],
        usage: "hit N accept WHAT",
        desc: "accept hit N saying what was done (or: reject WHY, a false match)",
    },
    Spec {
        command: LineCommand::RollCall,
        name: "rollcall",
        aliases: &["roll-call"],
        usage: "rollcall [practice]",
        desc: "start tonight's roll-call (:rollcall practice for a practice one)",
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
        desc: "show the incident board (pane 1)",
    },
    Spec {
        command: LineCommand::Hits,
        name: "hits",
        aliases: &[],
        usage: "hits",
        desc: "show the hits pane (pane 2)",
    },
    Spec {
        command: LineCommand::Offenders,
        name: "offenders",
        aliases: &["register"],
        usage: "offenders",
        desc: "show the offender register (pane 3)",
    },
    Spec {
        command: LineCommand::Activity,
        name: "activity",
        aliases: &[],
        usage: "activity",
        desc: "show who changed what (pane 4)",
    },
    Spec {
        command: LineCommand::Radio,
        name: "radio",
        aliases: &["radios"],
        usage: "radio",
        desc: "show the radios: roll-call, inventory, log (pane 5)",
    },
    Spec {
        command: LineCommand::Reports,
        name: "reports",
        aliases: &["report"],
        usage: "reports",
        desc: "show the committee's figures for a period (pane 7)",
    },
    Spec {
        command: LineCommand::Members,
        name: "members",
        aliases: &[],
        usage: "members",
        desc: "show the members pane (pane 8)",
    },
    Spec {
        command: LineCommand::Setup,
        name: "setup",
        aliases: &["set-up"],
        usage: "setup",
        desc: "show the set-up pane: zones, cameras, the scheme's details (pane 9)",
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
