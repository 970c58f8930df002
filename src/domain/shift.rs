//! The shift: an operator's signed-on period, its occurrence log, and the
//! handover that closes it. The handover is plain Markdown so it reads the
//! same on screen, in a file, and printed for the shift log binder.

use super::text::tidy_input;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub id: i64,
    pub operator_id: i64,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// One entry in the occurrence log. Entries are never changed: an amendment
/// is a new entry naming the one it amends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub operator: String,
    pub text: String,
    pub amends: Option<i64>,
    /// The newest entry that amends this one, if any.
    pub amended_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIncidentLine {
    pub id: i64,
    pub kind: String,
    pub priority: i64,
    pub status: String,
    pub place: String,
    pub summary: String,
    pub opened_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingHitLine {
    pub id: i64,
    pub raised_at: DateTime<Utc>,
    /// "breach" or "watch".
    pub kind: String,
    pub offender: String,
    pub place: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollCallLine {
    pub started_at: DateTime<Utc>,
    pub finished: bool,
    pub practice: bool,
    pub expected: i64,
    pub answered: i64,
    pub nothing_heard: i64,
    pub weak: i64,
    pub late: i64,
    pub corrected: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SightingLine {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The person's name, or the description of someone not on the register.
    pub who: String,
    pub place: String,
    /// The hit it raised, if any ("breach" / "watch").
    pub hit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadioLine {
    pub call_sign: String,
    pub member: String,
    pub status: String,
}

/// Everything the next operator needs from the shift that is ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverFacts {
    pub operator: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub open_incidents: Vec<OpenIncidentLine>,
    pub waiting_hits: Vec<WaitingHitLine>,
    /// Tonight's roll-call: the latest real one (not practice, not void)
    /// begun during the shift or in the twelve hours before it ended.
    pub roll_call: Option<RollCallLine>,
    /// Practice roll-calls in the same time, oldest first: shown apart.
    pub practice_roll_calls: Vec<RollCallLine>,
    /// Sightings during the shift that raised a hit or were of someone not
    /// yet identified.
    pub sightings: Vec<SightingLine>,
    /// Radios that are faulty, in repair, lost or stunned.
    pub radios: Vec<RadioLine>,
    /// The shift's occurrence log, oldest first.
    pub log: Vec<LogEntry>,
    /// The audit trail's newest record as the handover is made, as a
    /// checkpoint for `audit verify --expect` (none: no records yet).
    pub audit_checkpoint: Option<super::audit::Checkpoint>,
}

/// A saved handover, as the next operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverRecord {
    pub id: i64,
    pub shift_id: i64,
    pub from: String,
    pub at: DateTime<Utc>,
    pub body: String,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// Text in a handover line: control characters (escape sequences, line
/// breaks) folded to spaces so nothing reaches a terminal raw or breaks a line.
fn cell(s: &str) -> String {
    tidy_input(s).replace('|', "/")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The handover as Markdown, with times in the scheme's zone.
pub fn handover_markdown(f: &HandoverFacts, tz: Tz) -> String {
    let t = |at: DateTime<Utc>| at.with_timezone(&tz).format("%H:%M").to_string();
    let day = |at: DateTime<Utc>| at.with_timezone(&tz).format("%a %d %b %Y").to_string();
    // the time alone on the shift's last day, the date too before it
    let today = f.ended_at.with_timezone(&tz).date_naive();
    let when = |at: DateTime<Utc>| {
        let l = at.with_timezone(&tz);
        if l.date_naive() == today {
            l.format("%H:%M").to_string()
        } else {
            l.format("%d %b %H:%M").to_string()
        }
    };
    let mut s = String::new();
    let _ = writeln!(s, "# Handover — {}", day(f.ended_at));
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Shift of {}, {} to {}.",
        cell(&f.operator),
        t(f.started_at),
        t(f.ended_at)
    );
    let _ = writeln!(s);

    let _ = writeln!(s, "## Open incidents ({})", f.open_incidents.len());
    let _ = writeln!(s);
    if f.open_incidents.is_empty() {
        let _ = writeln!(s, "None open.");
    } else {
        // a list rather than a table: it reads the same in a file and on a
        // console 80 columns wide
        for i in &f.open_incidents {
            let place = cell(&i.place);
            let place = if place.is_empty() {
                String::new()
            } else {
                format!(" at {place}")
            };
            let _ = writeln!(
                s,
                "- #{} P{} {} ({}){place}, opened {}: {}",
                i.id,
                i.priority,
                cell(&i.kind),
                cell(&i.status),
                when(i.opened_at),
                cell(&i.summary),
            );
        }
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "## Hits waiting ({})", f.waiting_hits.len());
    let _ = writeln!(s);
    if f.waiting_hits.is_empty() {
        let _ = writeln!(s, "None waiting: every hit was acknowledged.");
    } else {
        for h in &f.waiting_hits {
            let _ = writeln!(
                s,
                "- hit {} ({}) {}: {} at {}",
                h.id,
                cell(&h.kind),
                t(h.raised_at),
                cell(&h.offender),
                cell(&h.place)
            );
        }
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "## Roll-call");
    let _ = writeln!(s);
    match &f.roll_call {
        None => {
            let _ = writeln!(s, "No roll-call tonight.");
        }
        Some(r) => {
            let state = if r.finished { "" } else { " (not finished)" };
            let mut also = String::new();
            if r.late > 0 {
                also.push_str(&format!(", {} late", r.late));
            }
            if r.corrected > 0 {
                also.push_str(&format!(", {} corrected", r.corrected));
            }
            let _ = writeln!(
                s,
                "Roll-call at {}{state}: {} of {} stations answered, {} nothing heard, {} weak{also}.",
                t(r.started_at),
                r.answered,
                r.expected,
                r.nothing_heard,
                r.weak
            );
        }
    }
    if !f.practice_roll_calls.is_empty() {
        let each: Vec<String> = f
            .practice_roll_calls
            .iter()
            .map(|r| {
                format!(
                    "at {}, {} of {} answered{}",
                    t(r.started_at),
                    r.answered,
                    r.expected,
                    if r.finished { "" } else { " (not finished)" }
                )
            })
            .collect();
        let _ = writeln!(s);
        let _ = writeln!(s, "Practice, not counted: {}.", each.join("; "));
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "## Notable sightings ({})", f.sightings.len());
    let _ = writeln!(s);
    if f.sightings.is_empty() {
        let _ = writeln!(s, "None.");
    } else {
        for x in &f.sightings {
            let hit = match &x.hit {
                Some(k) => format!(" — {} hit", cell(k)),
                None => String::new(),
            };
            let _ = writeln!(
                s,
                "- {} {} at {}{hit}",
                t(x.at),
                cell(&x.who),
                cell(&x.place)
            );
        }
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "## Radios out of service ({})", f.radios.len());
    let _ = writeln!(s);
    if f.radios.is_empty() {
        let _ = writeln!(s, "Every radio is working.");
    } else {
        for r in &f.radios {
            let _ = writeln!(
                s,
                "- {} ({}): {}",
                cell(&r.call_sign),
                cell(&r.member),
                cell(&r.status)
            );
        }
    }
    let _ = writeln!(s);

    let _ = writeln!(
        s,
        "## Occurrence log ({})",
        plural(f.log.len(), "entry", "entries")
    );
    let _ = writeln!(s);
    if f.log.is_empty() {
        let _ = writeln!(s, "Nothing logged.");
    } else {
        for e in &f.log {
            let amends = match e.amends {
                Some(a) => format!(" (amends #{a})"),
                None => String::new(),
            };
            let _ = writeln!(
                s,
                "- #{} {} {}{amends}: {}",
                e.id,
                t(e.at),
                cell(&e.operator),
                cell(&e.text)
            );
        }
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "## Audit trail");
    let _ = writeln!(s);
    match &f.audit_checkpoint {
        None => {
            let _ = writeln!(s, "No audit records yet.");
        }
        Some(c) => {
            // kept in the binder, apart from the store: a later check that
            // the trail still holds this record shows it was not cut short
            let _ = writeln!(s, "Checkpoint: {c}");
            let _ = writeln!(s);
            let _ = writeln!(
                s,
                "`watchroom audit verify --expect {c}` shows the trail still holds this record."
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn facts() -> HandoverFacts {
        HandoverFacts {
            operator: "Sam Okafor".into(),
            started_at: at("2026-11-27T14:00:00Z"),
            ended_at: at("2026-11-27T22:00:00Z"),
            open_incidents: vec![],
            waiting_hits: vec![],
            roll_call: None,
            practice_roll_calls: vec![],
            sightings: vec![],
            radios: vec![],
            log: vec![],
            audit_checkpoint: None,
        }
    }

    #[test]
    fn a_quiet_shift_says_so_in_every_section() {
        let md = handover_markdown(&facts(), chrono_tz::Europe::London);
        assert!(md.starts_with("# Handover — Fri 27 Nov 2026\n"));
        assert!(md.contains("Shift of Sam Okafor, 14:00 to 22:00."));
        for line in [
            "None open.",
            "None waiting",
            "No roll-call tonight.",
            "Every radio is working.",
            "Nothing logged.",
            "No audit records yet.",
        ] {
            assert!(md.contains(line), "{line}\n{md}");
        }
    }

    #[test]
    fn the_handover_carries_the_audit_checkpoint_to_check_the_trail_against() {
        let mut f = facts();
        let hash = "0f".repeat(32);
        f.audit_checkpoint = Some(super::super::audit::Checkpoint {
            seq: 4211,
            hash: hash.clone(),
        });
        let md = handover_markdown(&f, chrono_tz::Europe::London);
        assert!(md.contains(&format!("Checkpoint: 4211:{hash}\n")), "{md}");
        assert!(
            md.contains(&format!("watchroom audit verify --expect 4211:{hash}")),
            "{md}"
        );
    }

    #[test]
    fn hostile_text_cannot_break_a_line_or_reach_a_terminal() {
        let mut f = facts();
        f.open_incidents.push(OpenIncidentLine {
            id: 7,
            kind: "theft".into(),
            priority: 2,
            status: "open".into(),
            place: "Greggs".into(),
            summary: "took | two\x1b[2J sandwiches\nthen ran".into(),
            opened_at: at("2026-11-27T15:00:00Z"),
        });
        let md = handover_markdown(&f, chrono_tz::Europe::London);
        let row = md.lines().find(|l| l.starts_with("- #7 ")).unwrap();
        assert_eq!(
            row,
            "- #7 P2 theft (open) at Greggs, opened 15:00: took / two [2J sandwiches then ran"
        );
        assert!(!md.contains('\x1b'));
    }

    #[test]
    fn times_are_the_schemes_local_times() {
        let mut f = facts();
        f.started_at = at("2026-07-01T13:00:00Z");
        f.ended_at = at("2026-07-01T21:00:00Z");
        let md = handover_markdown(&f, chrono_tz::Europe::London);
        assert!(md.contains("14:00 to 22:00"), "{md}");
    }
}
