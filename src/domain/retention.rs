//! Retention: how long the scheme may keep what it holds about people, and
//! what is due to go. Plain rules on dates; the store gathers the facts and
//! carries out the verdicts (see `store/privacy/`).
//!
//! The defaults (each can be set in the config file's `[retention]` table):
//!
//! | rule | default | what goes |
//! |---|---|---|
//! | `id_sought_months` | 6 | an ID-sought record with no sighting, linked incident or hit for that long |
//! | `known_months` | 12 | a known person with no sighting, linked incident or hit for that long, and no exclusion in force or ended within it |
//! | `sightings_months` | 12 | any sighting older than that (and the hits it raised) |
//! | `closed_incidents_years` | 6 | a closed incident older than that (by its closing) is anonymised: summary, place, timeline texts (what its edits replaced included) and the people named on it go; its type, dates, zone, member, figures and police reference stay |
//!
//! A record's age is measured from its latest activity: the record being
//! made, a sighting, an incident naming the person (when it happened) or a
//! hit. An incident naming them that is still live keeps the record whatever
//! its age. Any exclusion in force, not yet started, or ended within the
//! period also keeps it (for an ID-sought record too: a sanction outlives
//! the record it is served on, never the other way round).
//!
//! The boundary: the cut-off is `now` minus the period (calendar months; the
//! 31st minus a month is the last day of the shorter month). Activity at or
//! after the cut-off keeps a record; activity before it lets it go.

use super::offender::OffenderKind;
use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What an anonymised incident's summary and timeline texts become.
pub const ANONYMISED: &str = "[anonymised]";
/// What a removed person's name becomes where other records mention it.
pub const REMOVED: &str = "[removed]";

/// How long the scheme keeps what it holds. `[retention]` in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionRules {
    /// An ID-sought record with no activity for this many months is deleted.
    pub id_sought_months: u32,
    /// A known person with no activity and no exclusion in force or ended
    /// within this many months is deleted.
    pub known_months: u32,
    /// Sightings older than this many months are deleted.
    pub sightings_months: u32,
    /// Closed incidents older than this many years are anonymised.
    pub closed_incidents_years: u32,
}

impl Default for RetentionRules {
    fn default() -> Self {
        RetentionRules {
            id_sought_months: 6,
            known_months: 12,
            sightings_months: 12,
            closed_incidents_years: 6,
        }
    }
}

/// The longest period a rule may name: a century, well past any statute.
const MAX_MONTHS: u32 = 1200;

/// `now` less a number of calendar months (the earliest instant if that is out of range).
pub fn months_before(now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn plural(n: u32, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// A day as the reasons write it: `3 Nov 2025` (UTC).
pub fn day(t: DateTime<Utc>) -> String {
    t.format("%-d %b %Y").to_string()
}

impl RetentionRules {
    /// Refuse a period of zero (it would delete everything at once) or an absurd one.
    pub fn validate(&self) -> Result<(), String> {
        for (name, months) in [
            ("id_sought_months", self.id_sought_months),
            ("known_months", self.known_months),
            ("sightings_months", self.sightings_months),
            (
                "closed_incidents_years",
                self.closed_incidents_years.saturating_mul(12),
            ),
        ] {
            if months == 0 {
                return Err(format!("retention: {name} must be at least 1"));
            }
            if months > MAX_MONTHS {
                return Err(format!("retention: {name} is longer than a century"));
            }
        }
        Ok(())
    }

    pub fn id_sought_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        months_before(now, self.id_sought_months)
    }

    pub fn known_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        months_before(now, self.known_months)
    }

    pub fn sightings_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        months_before(now, self.sightings_months)
    }

    pub fn incidents_cutoff(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        months_before(now, self.closed_incidents_years.saturating_mul(12))
    }

    /// The periods in words, for reports and the subject's copy: (what, how long).
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "ID-sought records (a person not yet identified)",
                format!(
                    "deleted after {} with no sighting, incident or hit, unless an exclusion is in force or ended within that time",
                    plural(self.id_sought_months, "month")
                ),
            ),
            (
                "Records of identified people",
                format!(
                    "deleted after {} with no sighting, incident or hit and no exclusion in force or ended within that time",
                    plural(self.known_months, "month")
                ),
            ),
            (
                "Sightings",
                format!(
                    "deleted {} after the sighting",
                    plural(self.sightings_months, "month")
                ),
            ),
            (
                "Incidents",
                format!(
                    "anonymised {} after they are closed (names, descriptions and places removed)",
                    plural(self.closed_incidents_years, "year")
                ),
            ),
        ]
    }

    /// One line: `ID-sought 6 months, known 12 months, sightings 12 months, closed incidents 6 years`.
    pub fn summary(&self) -> String {
        format!(
            "ID-sought {}, known {}, sightings {}, closed incidents {}",
            plural(self.id_sought_months, "month"),
            plural(self.known_months, "month"),
            plural(self.sightings_months, "month"),
            plural(self.closed_incidents_years, "year"),
        )
    }
}

/// What kind of thing is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DueKind {
    /// An ID-sought record, deleted with everything about it.
    IdSought,
    /// A known person's record, deleted with everything about it.
    Known,
    /// An earlier record merged into one being deleted: it goes with it.
    Merged,
    /// A sighting past its period (of someone who is kept).
    Sighting,
    /// A closed incident past its period, to be anonymised.
    ClosedIncident,
}

impl DueKind {
    pub fn label(self) -> &'static str {
        match self {
            DueKind::IdSought => "ID-sought record",
            DueKind::Known => "offender record",
            DueKind::Merged => "merged record",
            DueKind::Sighting => "sighting",
            DueKind::ClosedIncident => "incident",
        }
    }

    pub fn is_offender(self) -> bool {
        matches!(self, DueKind::IdSought | DueKind::Known | DueKind::Merged)
    }
}

/// One thing due to go, with why, for the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub kind: DueKind,
    pub id: i64,
    /// What it is, for the review pane (a person's name is fine on screen).
    pub label: String,
    pub reason: String,
}

/// What the store knows of one person's record, as retention needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffenderFacts {
    pub kind: OffenderKind,
    pub created_at: DateTime<Utc>,
    pub last_sighting: Option<DateTime<Utc>>,
    /// When the latest incident naming them happened.
    pub last_incident: Option<DateTime<Utc>>,
    /// An incident naming them is still live.
    pub live_incident: bool,
    pub last_hit: Option<DateTime<Utc>>,
    /// The latest effective end (lifted or ended) of any exclusion on them.
    pub exclusion_end: Option<DateTime<Utc>>,
}

impl OffenderFacts {
    /// The latest activity and what it was.
    pub fn last_activity(&self) -> (DateTime<Utc>, &'static str) {
        let mut best = (self.created_at, "record made");
        for (t, what) in [
            (self.last_sighting, "sighting"),
            (self.last_incident, "incident"),
            (self.last_hit, "hit"),
        ] {
            if let Some(t) = t {
                if t > best.0 {
                    best = (t, what);
                }
            }
        }
        best
    }
}

/// Whether a person's record is due to be deleted, and why; `None` keeps it.
pub fn offender_due(
    rules: &RetentionRules,
    facts: &OffenderFacts,
    now: DateTime<Utc>,
) -> Option<String> {
    let (months, cutoff, kind) = match facts.kind {
        OffenderKind::IdSought => (
            rules.id_sought_months,
            rules.id_sought_cutoff(now),
            "ID-sought",
        ),
        OffenderKind::Known => (rules.known_months, rules.known_cutoff(now), "known"),
    };
    if facts.live_incident {
        return None;
    }
    let (last, what) = facts.last_activity();
    if last >= cutoff {
        return None;
    }
    if facts.exclusion_end.is_some_and(|end| end >= cutoff) {
        return None;
    }
    let exclusion = match facts.exclusion_end {
        Some(end) => format!("; last exclusion ended {}", day(end)),
        None if facts.kind == OffenderKind::Known => "; never excluded".to_string(),
        None => String::new(),
    };
    Some(format!(
        "{kind}: last activity {} ({what}); nothing for over {}{exclusion}",
        day(last),
        plural(months, "month"),
    ))
}

/// Whether a sighting is past its period, and why.
pub fn sighting_due(
    rules: &RetentionRules,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<String> {
    (at < rules.sightings_cutoff(now)).then(|| {
        format!(
            "seen {}, over {} ago",
            day(at),
            plural(rules.sightings_months, "month")
        )
    })
}

/// Whether a closed incident is past its period, and why.
pub fn incident_due(
    rules: &RetentionRules,
    closed_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<String> {
    (closed_at < rules.incidents_cutoff(now)).then(|| {
        format!(
            "closed {}, over {} ago: to be anonymised",
            day(closed_at),
            plural(rules.closed_incidents_years, "year")
        )
    })
}

/// Finds a removed person's names where other records mention them, so
/// they can be struck out. Names are matched as whole words, ignoring case
/// and the punctuation between words (“Quentin Zzyzx-Retained” matches
/// “quentin zzyzx retained”). Only names of two words or more are looked
/// for: a single word (a nickname such as “Red”) is too likely to be an
/// ordinary word in someone else's record.
#[derive(Debug, Clone, Default)]
pub struct NameRedactor {
    /// by first word: the names (as words) that start with it, longest first
    names: HashMap<String, Vec<Vec<String>>>,
}

use super::mentions::words;

impl NameRedactor {
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> NameRedactor {
        let mut r = NameRedactor::default();
        for n in names {
            let w: Vec<String> = words(n.as_ref()).into_iter().map(|w| w.2).collect();
            if w.len() < 2 {
                continue;
            }
            let list = r.names.entry(w[0].clone()).or_default();
            if !list.contains(&w) {
                list.push(w);
            }
        }
        for list in r.names.values_mut() {
            list.sort_by_key(|w| std::cmp::Reverse(w.len()));
        }
        r
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The text with every mention replaced by [`REMOVED`]; `None` if it mentions none.
    pub fn redact(&self, text: &str) -> Option<String> {
        if self.names.is_empty() || text.is_empty() {
            return None;
        }
        let ws = words(text);
        let mut out = String::new();
        let mut copied = 0;
        let mut i = 0;
        while i < ws.len() {
            let hit = self.names.get(&ws[i].2).and_then(|list| {
                list.iter().find(|name| {
                    i + name.len() <= ws.len() && name.iter().zip(&ws[i..]).all(|(a, b)| *a == b.2)
                })
            });
            match hit {
                Some(name) => {
                    let end = ws[i + name.len() - 1].1;
                    out.push_str(&text[copied..ws[i].0]);
                    out.push_str(REMOVED);
                    copied = end;
                    i += name.len();
                }
                None => i += 1,
            }
        }
        if copied == 0 {
            return None;
        }
        out.push_str(&text[copied..]);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
    }

    /// The fixed clock of these tests.
    fn now() -> DateTime<Utc> {
        at(2026, 11, 27, 12, 0, 0)
    }

    fn facts(kind: OffenderKind, created: DateTime<Utc>) -> OffenderFacts {
        OffenderFacts {
            kind,
            created_at: created,
            last_sighting: None,
            last_incident: None,
            live_incident: false,
            last_hit: None,
            exclusion_end: None,
        }
    }

    #[test]
    fn the_defaults_are_the_documented_ones_and_a_partial_table_keeps_the_rest() {
        let d = RetentionRules::default();
        assert_eq!(
            (
                d.id_sought_months,
                d.known_months,
                d.sightings_months,
                d.closed_incidents_years
            ),
            (6, 12, 12, 6)
        );
        let r: RetentionRules = toml::from_str("known_months = 24").unwrap();
        assert_eq!(r.known_months, 24);
        assert_eq!(r.id_sought_months, 6);
        assert!(toml::from_str::<RetentionRules>("known_month = 24").is_err());
        assert!(d.validate().is_ok());
        let zero = RetentionRules {
            sightings_months: 0,
            ..d
        };
        assert!(zero.validate().unwrap_err().contains("sightings_months"));
        let huge = RetentionRules {
            closed_incidents_years: 500,
            ..d
        };
        assert!(huge.validate().is_err());
    }

    #[test]
    fn an_id_sought_record_goes_six_months_after_its_last_activity_to_the_second() {
        let rules = RetentionRules::default();
        let cutoff = at(2026, 5, 27, 12, 0, 0);
        assert_eq!(rules.id_sought_cutoff(now()), cutoff);
        let mut f = facts(OffenderKind::IdSought, at(2025, 1, 1, 0, 0, 0));
        // seen on the boundary instant: kept
        f.last_sighting = Some(cutoff);
        assert_eq!(offender_due(&rules, &f, now()), None);
        // a second earlier: due
        f.last_sighting = Some(cutoff - Duration::seconds(1));
        let why = offender_due(&rules, &f, now()).unwrap();
        assert!(why.contains("ID-sought"), "{why}");
        assert!(why.contains("27 May 2026 (sighting)"), "{why}");
        assert!(why.contains("over 6 months"), "{why}");
        // the day after the boundary day: kept; the day before: due
        f.last_sighting = Some(at(2026, 5, 28, 0, 0, 0));
        assert_eq!(offender_due(&rules, &f, now()), None);
        f.last_sighting = Some(at(2026, 5, 26, 23, 59, 59));
        assert!(offender_due(&rules, &f, now()).is_some());
    }

    #[test]
    fn any_kind_of_activity_keeps_a_record() {
        let rules = RetentionRules::default();
        let old = at(2025, 1, 1, 0, 0, 0);
        let recent = at(2026, 10, 1, 0, 0, 0);
        let base = facts(OffenderKind::IdSought, old);
        assert!(offender_due(&rules, &base, now())
            .unwrap()
            .contains("record made"));
        for f in [
            OffenderFacts {
                last_incident: Some(recent),
                ..base
            },
            OffenderFacts {
                last_hit: Some(recent),
                ..base
            },
            OffenderFacts {
                last_sighting: Some(recent),
                ..base
            },
            OffenderFacts {
                created_at: recent,
                ..base
            },
            // a live incident, however old
            OffenderFacts {
                last_incident: Some(old),
                live_incident: true,
                ..base
            },
        ] {
            assert_eq!(offender_due(&rules, &f, now()), None, "{f:?}");
        }
        let f = OffenderFacts {
            last_incident: Some(at(2025, 6, 1, 0, 0, 0)),
            last_hit: Some(at(2025, 3, 1, 0, 0, 0)),
            ..base
        };
        let why = offender_due(&rules, &f, now()).unwrap();
        assert!(why.contains("1 Jun 2025 (incident)"), "{why}");
    }

    #[test]
    fn a_known_person_is_kept_twelve_months_and_while_an_exclusion_is_recent() {
        let rules = RetentionRules::default();
        let cutoff = at(2025, 11, 27, 12, 0, 0);
        assert_eq!(rules.known_cutoff(now()), cutoff);
        let mut f = facts(OffenderKind::Known, at(2024, 1, 1, 0, 0, 0));
        f.last_sighting = Some(at(2025, 8, 1, 10, 0, 0));
        // nine months quiet: an ID-sought record would go, a known one stays
        let id_sought = OffenderFacts {
            kind: OffenderKind::IdSought,
            ..f
        };
        assert!(offender_due(&rules, &id_sought, now()).is_some());
        f.last_sighting = Some(cutoff);
        assert_eq!(offender_due(&rules, &f, now()), None);
        f.last_sighting = Some(cutoff - Duration::seconds(1));
        let why = offender_due(&rules, &f, now()).unwrap();
        assert!(why.starts_with("known:"), "{why}");
        assert!(why.contains("never excluded"), "{why}");
        // an exclusion that ended on the boundary keeps them; one before does not
        f.exclusion_end = Some(cutoff);
        assert_eq!(offender_due(&rules, &f, now()), None);
        f.exclusion_end = Some(cutoff - Duration::seconds(1));
        let why = offender_due(&rules, &f, now()).unwrap();
        assert!(why.contains("last exclusion ended 27 Nov 2025"), "{why}");
        // one in force (ending in future) keeps them
        f.exclusion_end = Some(now() + Duration::days(30));
        assert_eq!(offender_due(&rules, &f, now()), None);
        // and keeps an ID-sought record too
        let id_sought = OffenderFacts {
            kind: OffenderKind::IdSought,
            ..f
        };
        assert_eq!(offender_due(&rules, &id_sought, now()), None);
    }

    #[test]
    fn sightings_and_closed_incidents_on_their_boundaries() {
        let rules = RetentionRules::default();
        let s_cut = at(2025, 11, 27, 12, 0, 0);
        assert_eq!(sighting_due(&rules, s_cut, now()), None);
        let why = sighting_due(&rules, s_cut - Duration::seconds(1), now()).unwrap();
        assert_eq!(why, "seen 27 Nov 2025, over 12 months ago");
        let i_cut = at(2020, 11, 27, 12, 0, 0);
        assert_eq!(rules.incidents_cutoff(now()), i_cut);
        assert_eq!(incident_due(&rules, i_cut, now()), None);
        let why = incident_due(&rules, i_cut - Duration::seconds(1), now()).unwrap();
        assert!(
            why.contains("closed 27 Nov 2020, over 6 years ago"),
            "{why}"
        );
        // a future sighting (a clock set wrong) is never due
        assert_eq!(sighting_due(&rules, now() + Duration::days(1), now()), None);
    }

    #[test]
    fn months_are_calendar_months_clamped_to_the_shorter_month() {
        assert_eq!(
            months_before(at(2026, 8, 31, 9, 0, 0), 6),
            at(2026, 2, 28, 9, 0, 0)
        );
        assert_eq!(
            months_before(at(2028, 3, 31, 9, 0, 0), 1),
            at(2028, 2, 29, 9, 0, 0)
        );
        assert_eq!(months_before(now(), 12), at(2025, 11, 27, 12, 0, 0));
    }

    #[test]
    fn names_are_struck_out_as_whole_words_whatever_the_case() {
        let r = NameRedactor::new(["Quentin Zzyzx-Retained", "Q Zed", "Daz", "ID-sought 104"]);
        assert_eq!(
            r.redact("Known shoplifter QUENTIN zzyzx retained took gin; Q. Zed with him")
                .as_deref(),
            Some("Known shoplifter [removed] took gin; [removed] with him")
        );
        // a single-word name is not looked for; parts of words never match
        assert_eq!(r.redact("Daz washing powder taken"), None);
        assert_eq!(r.redact("Quentin Zzyzx-Retainedness"), None);
        assert_eq!(r.redact("Quentin on his own"), None);
        assert_eq!(
            r.redact("matches ID-sought 104 (still)").as_deref(),
            Some("matches [removed] (still)")
        );
        assert_eq!(r.redact(""), None);
        assert!(NameRedactor::new(["Solo"]).is_empty());
    }

    #[test]
    fn the_rules_read_in_words() {
        let r = RetentionRules {
            closed_incidents_years: 1,
            ..RetentionRules::default()
        };
        assert_eq!(
            r.summary(),
            "ID-sought 6 months, known 12 months, sightings 12 months, closed incidents 1 year"
        );
        assert_eq!(r.describe().len(), 4);
        assert!(r.describe()[3].1.contains("1 year after"));
    }
}
