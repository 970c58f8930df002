//! Incidents: what happened, how urgent it is, and where it stands.

use super::money::parse_pence;
use super::place::Place;
use super::text::tidy_input;
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Urgent = 1,
    High = 2,
    Medium = 3,
    Low = 4,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Medium,
        Priority::Low,
    ];

    pub fn from_number(n: i64) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| *p as i64 == n)
    }
    pub fn number(self) -> i64 {
        self as i64
    }
    pub fn label(self) -> &'static str {
        match self {
            Priority::Urgent => "P1 urgent",
            Priority::High => "P2 high",
            Priority::Medium => "P3 medium",
            Priority::Low => "P4 low",
        }
    }
    pub fn short(self) -> &'static str {
        match self {
            Priority::Urgent => "P1",
            Priority::High => "P2",
            Priority::Medium => "P3",
            Priority::Low => "P4",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Open,
    Responding,
    PoliceAttending,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("incident is already {0}")]
    Same(&'static str),
    #[error("a closed incident must be reopened before it can move on")]
    FromClosed,
    #[error("closing needs a reason")]
    NoReason,
    #[error("cannot go back from {from} to {to}; add a note instead")]
    Backwards {
        from: &'static str,
        to: &'static str,
    },
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Responding,
        Status::PoliceAttending,
        Status::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Responding => "responding",
            Status::PoliceAttending => "police",
            Status::Closed => "closed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Responding => "responding",
            Status::PoliceAttending => "police attending",
            Status::Closed => "closed",
        }
    }
    pub fn from_code(s: &str) -> Option<Status> {
        match s.trim().to_lowercase().as_str() {
            "open" => Some(Status::Open),
            "responding" | "resp" => Some(Status::Responding),
            "police" | "police attending" | "police_attending" | "attending" => {
                Some(Status::PoliceAttending)
            }
            "closed" | "close" => Some(Status::Closed),
            _ => None,
        }
    }
    fn rank(self) -> u8 {
        match self {
            Status::Open => 0,
            Status::Responding => 1,
            Status::PoliceAttending => 2,
            Status::Closed => 3,
        }
    }
    pub fn is_live(self) -> bool {
        self != Status::Closed
    }
    /// The next step an operator normally takes; none once closed.
    pub fn next(self) -> Option<Status> {
        match self {
            Status::Open => Some(Status::Responding),
            Status::Responding => Some(Status::PoliceAttending),
            Status::PoliceAttending => Some(Status::Closed),
            Status::Closed => None,
        }
    }

    /// The lifecycle: forward only (steps may be skipped), closing needs a
    /// reason, and a closed incident can only be reopened.
    pub fn check_transition(self, to: Status, reason: Option<&str>) -> Result<(), TransitionError> {
        if self == to {
            return Err(TransitionError::Same(self.label()));
        }
        if self == Status::Closed {
            return if to == Status::Open {
                Ok(())
            } else {
                Err(TransitionError::FromClosed)
            };
        }
        if to.rank() < self.rank() {
            return Err(TransitionError::Backwards {
                from: self.label(),
                to: to.label(),
            });
        }
        if to == Status::Closed && reason.map(str::trim).unwrap_or("").is_empty() {
            return Err(TransitionError::NoReason);
        }
        Ok(())
    }
}

/// The incident types a scheme logs; a scheme may add its own in config.
pub const DEFAULT_TYPES: &[&str] = &[
    "theft",
    "violence",
    "antisocial",
    "criminal damage",
    "suspicious",
    "drunk",
    "drugs",
    "vulnerable person",
    "alarm",
    "other",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: i64,
    pub kind: String,
    pub priority: Priority,
    pub status: Status,
    pub place: Place,
    /// How the place reads on screen: member, zone or free text.
    pub place_label: String,
    pub summary: String,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<String>,
    pub police_ref: String,
    pub loss_pence: i64,
    pub recovery_pence: i64,
    /// Bumped on every change of the incident's own fields; a save made on an
    /// older version is refused rather than overwriting someone else's work.
    pub version: i64,
    pub opened_by: String,
    pub updated_by: String,
}

impl Incident {
    pub fn age(&self, now: DateTime<Utc>) -> Duration {
        now - self.opened_at
    }
    /// Live and nobody has touched it for longer than the scheme allows.
    pub fn is_stale(&self, now: DateTime<Utc>, stale_after: Duration) -> bool {
        self.status.is_live() && now - self.updated_at >= stale_after
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIncident {
    pub kind: String,
    pub priority: Priority,
    pub place: Place,
    pub summary: String,
    pub opened_at: DateTime<Utc>,
}

impl NewIncident {
    /// The least an operator must give: a type and a line of text.
    pub fn validate(mut self) -> Result<NewIncident, String> {
        self.kind = tidy_input(&self.kind);
        self.summary = tidy_input(&self.summary);
        self.place.location = tidy_input(&self.place.location);
        if self.kind.is_empty() {
            return Err("choose a type".into());
        }
        if self.summary.is_empty() {
            return Err("write a line saying what happened".into());
        }
        if self.summary.chars().count() > 500 {
            return Err("keep the line under 500 characters; add detail as notes".into());
        }
        Ok(self)
    }
}

/// The fields an operator may change on an existing incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentEdit {
    pub kind: String,
    pub priority: Priority,
    pub place: Place,
    pub summary: String,
    pub police_ref: String,
    pub loss_pence: i64,
    pub recovery_pence: i64,
}

impl IncidentEdit {
    pub fn from_incident(i: &Incident) -> Self {
        IncidentEdit {
            kind: i.kind.clone(),
            priority: i.priority,
            place: i.place.clone(),
            summary: i.summary.clone(),
            police_ref: i.police_ref.clone(),
            loss_pence: i.loss_pence,
            recovery_pence: i.recovery_pence,
        }
    }

    /// The fields as the detail view shows them, for the edit's history:
    /// `place` is the incident's place as the board reads it (member or
    /// zone, then the location).
    pub fn fields(&self, place: &str) -> crate::domain::history::Fields {
        use crate::domain::format_pence;
        vec![
            ("type", self.kind.clone()),
            ("priority", self.priority.label().to_string()),
            ("where", place.to_string()),
            ("what happened", self.summary.clone()),
            ("police ref", self.police_ref.clone()),
            ("loss", format_pence(self.loss_pence)),
            ("recovered", format_pence(self.recovery_pence)),
        ]
    }

    /// Build from typed fields, refusing bad amounts or a recovery larger than the loss.
    #[allow(clippy::too_many_arguments)]
    pub fn from_input(
        kind: &str,
        priority: Priority,
        place: Place,
        summary: &str,
        police_ref: &str,
        loss: &str,
        recovery: &str,
    ) -> Result<IncidentEdit, String> {
        let loss_pence = parse_pence(loss).map_err(|e| format!("loss: {e}"))?;
        let recovery_pence = parse_pence(recovery).map_err(|e| format!("recovery: {e}"))?;
        if recovery_pence > loss_pence {
            return Err("recovery cannot be more than the loss".into());
        }
        let police_ref = tidy_input(police_ref);
        if police_ref.chars().count() > 40 {
            return Err("police reference: at most 40 characters".into());
        }
        let checked = NewIncident {
            kind: kind.into(),
            priority,
            place,
            summary: summary.into(),
            opened_at: DateTime::<Utc>::MIN_UTC,
        }
        .validate()?;
        Ok(IncidentEdit {
            kind: checked.kind,
            priority,
            place: checked.place,
            summary: checked.summary,
            police_ref,
            loss_pence,
            recovery_pence,
        })
    }
}

/// One line of an incident's timeline. Entries are never changed: a correction
/// is a new entry that names the one it amends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub id: i64,
    pub incident_id: i64,
    pub at: DateTime<Utc>,
    pub operator: String,
    pub text: String,
    pub amends: Option<i64>,
    /// For an edit: each field it changed, what it was and what it became.
    pub changes: Vec<crate::domain::history::FieldChange>,
}

/// Which entries have been corrected by a later one.
pub fn amended_ids(entries: &[TimelineEntry]) -> std::collections::HashSet<i64> {
    entries.iter().filter_map(|e| e.amends).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn the_lifecycle_moves_forward_and_may_skip_steps() {
        assert_eq!(Open.check_transition(Responding, None), Ok(()));
        assert_eq!(Open.check_transition(PoliceAttending, None), Ok(()));
        assert_eq!(Responding.check_transition(PoliceAttending, None), Ok(()));
        assert_eq!(Open.next(), Some(Responding));
        assert_eq!(PoliceAttending.next(), Some(Closed));
        assert_eq!(Closed.next(), None);
    }

    #[test]
    fn closing_needs_a_reason() {
        assert_eq!(
            Open.check_transition(Closed, None),
            Err(TransitionError::NoReason)
        );
        assert_eq!(
            Open.check_transition(Closed, Some("  ")),
            Err(TransitionError::NoReason)
        );
        assert_eq!(
            Responding.check_transition(Closed, Some("offender left")),
            Ok(())
        );
    }

    #[test]
    fn no_going_back_except_reopening() {
        assert!(matches!(
            PoliceAttending.check_transition(Open, None),
            Err(TransitionError::Backwards { .. })
        ));
        assert_eq!(
            Closed.check_transition(Responding, None),
            Err(TransitionError::FromClosed)
        );
        assert_eq!(Closed.check_transition(Open, None), Ok(()));
        assert_eq!(
            Open.check_transition(Open, None),
            Err(TransitionError::Same("open"))
        );
    }

    #[test]
    fn status_codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert_eq!(Status::from_code("Police Attending"), Some(PoliceAttending));
        assert_eq!(Status::from_code("nope"), None);
    }

    #[test]
    fn priorities_come_from_their_numbers() {
        assert_eq!(Priority::from_number(1), Some(Priority::Urgent));
        assert_eq!(Priority::from_number(4), Some(Priority::Low));
        assert_eq!(Priority::from_number(0), None);
        assert!(Priority::Urgent < Priority::Low);
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn incident(status: Status) -> Incident {
        Incident {
            id: 1,
            kind: "theft".into(),
            priority: Priority::High,
            status,
            place: Place::default(),
            place_label: String::new(),
            summary: "x".into(),
            opened_at: t("2026-11-27T10:00:00Z"),
            updated_at: t("2026-11-27T10:10:00Z"),
            closed_at: None,
            close_reason: None,
            police_ref: String::new(),
            loss_pence: 0,
            recovery_pence: 0,
            version: 1,
            opened_by: "a".into(),
            updated_by: "a".into(),
        }
    }

    #[test]
    fn a_live_incident_goes_stale_when_untouched() {
        let i = incident(Open);
        let after = Duration::minutes(20);
        assert!(!i.is_stale(t("2026-11-27T10:29:59Z"), after));
        assert!(i.is_stale(t("2026-11-27T10:30:00Z"), after));
        assert!(!incident(Closed).is_stale(t("2026-11-28T10:30:00Z"), after));
        assert_eq!(i.age(t("2026-11-27T10:45:00Z")), Duration::minutes(45));
    }

    #[test]
    fn a_new_incident_needs_only_a_type_and_a_line() {
        let n = NewIncident {
            kind: " theft ".into(),
            priority: Priority::Medium,
            place: Place::default(),
            summary: "  lad took\tperfume  ".into(),
            opened_at: t("2026-11-27T10:00:00Z"),
        };
        let v = n.clone().validate().unwrap();
        assert_eq!(v.summary, "lad took perfume");
        assert_eq!(v.kind, "theft");
        let empty = NewIncident {
            summary: " ".into(),
            ..n
        };
        assert!(empty.validate().unwrap_err().contains("line"));
    }

    #[test]
    fn edits_refuse_bad_money() {
        let e = IncidentEdit::from_input(
            "theft",
            Priority::Low,
            Place::default(),
            "x",
            "CAD 123",
            "12.50",
            "2",
        );
        assert_eq!(e.as_ref().unwrap().loss_pence, 1250);
        assert_eq!(e.unwrap().recovery_pence, 200);
        let e =
            IncidentEdit::from_input("theft", Priority::Low, Place::default(), "x", "", "2", "3");
        assert!(e.unwrap_err().contains("more than the loss"));
        let e =
            IncidentEdit::from_input("theft", Priority::Low, Place::default(), "x", "", "abc", "");
        assert!(e.unwrap_err().starts_with("loss:"));
    }

    #[test]
    fn amended_entries_are_known() {
        let e = |id, amends| TimelineEntry {
            id,
            incident_id: 1,
            at: t("2026-11-27T10:00:00Z"),
            operator: "a".into(),
            text: "t".into(),
            amends,
            changes: vec![],
        };
        let set = amended_ids(&[e(1, None), e(2, None), e(3, Some(1))]);
        assert!(set.contains(&1) && !set.contains(&2) && set.len() == 1);
    }
}
