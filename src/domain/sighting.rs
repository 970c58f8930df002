//! Sightings (who was seen, where, when, by which camera) and the hits they raise.

use super::exclusion::Finding;
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Camera {
    pub id: i64,
    pub name: String,
    pub zone_id: Option<i64>,
    pub is_default: bool,
    /// Its number in the control room's CCTV system, if the scheme uses them.
    pub number: Option<i64>,
    /// A retired camera keeps its sightings and is offered for no new one.
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSighting {
    pub at: DateTime<Utc>,
    pub camera_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub location: String,
    pub offender_id: Option<i64>,
    pub description: String,
    pub note: String,
    pub incident_id: Option<i64>,
}

impl NewSighting {
    pub fn validate(mut self, now: DateTime<Utc>) -> Result<NewSighting, String> {
        use super::text::tidy_input;
        self.location = tidy_input(&self.location);
        self.description = tidy_input(&self.description);
        self.note = tidy_input(&self.note);
        if self.offender_id.is_none() && self.description.is_empty() {
            return Err("pick who was seen, or describe an unknown person".into());
        }
        if self.at > now + Duration::minutes(5) {
            return Err("a sighting cannot be in the future".into());
        }
        Ok(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HitKind {
    Breach,
    Watch,
}

impl HitKind {
    pub fn code(self) -> &'static str {
        match self {
            HitKind::Breach => "breach",
            HitKind::Watch => "watch",
        }
    }
    pub fn from_code(s: &str) -> HitKind {
        if s == "watch" {
            HitKind::Watch
        } else {
            HitKind::Breach
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HitStatus {
    New,
    Accepted,
    Rejected,
}

impl HitStatus {
    pub fn code(self) -> &'static str {
        match self {
            HitStatus::New => "new",
            HitStatus::Accepted => "accepted",
            HitStatus::Rejected => "rejected",
        }
    }
    pub fn from_code(s: &str) -> HitStatus {
        match s {
            "accepted" => HitStatus::Accepted,
            "rejected" => HitStatus::Rejected,
            _ => HitStatus::New,
        }
    }
}

/// Actions an operator commonly records when accepting a hit.
pub const HIT_ACTIONS: &[&str] = &[
    "radio warned",
    "police called",
    "monitored on CCTV",
    "member informed",
    "offender left",
];

/// The hits a set of findings raises: at most one breach and one watch.
pub fn hits_from(findings: &[Finding]) -> Vec<(HitKind, Option<i64>, String)> {
    let mut out = vec![];
    if let Some(Finding::Breach {
        exclusion_id,
        stage,
    }) = findings
        .iter()
        .find(|f| matches!(f, Finding::Breach { .. }))
    {
        out.push((
            HitKind::Breach,
            Some(*exclusion_id),
            format!("{stage} in force"),
        ));
    }
    let watch: Vec<&str> = findings
        .iter()
        .filter_map(|f| match f {
            Finding::Watch { marker } => Some(marker.as_str()),
            _ => None,
        })
        .collect();
    if !watch.is_empty() {
        out.push((HitKind::Watch, None, format!("marked {}", watch.join(", "))));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn an_unknown_person_needs_a_description() {
        let s = NewSighting {
            at: t("2026-11-27T12:00:00Z"),
            camera_id: None,
            zone_id: None,
            location: String::new(),
            offender_id: None,
            description: "  ".into(),
            note: String::new(),
            incident_id: None,
        };
        assert!(s
            .clone()
            .validate(t("2026-11-27T12:00:00Z"))
            .unwrap_err()
            .contains("describe"));
        let future = NewSighting {
            offender_id: Some(1),
            at: t("2026-11-27T13:00:00Z"),
            ..s
        };
        assert!(future
            .validate(t("2026-11-27T12:00:00Z"))
            .unwrap_err()
            .contains("future"));
    }

    #[test]
    fn findings_raise_one_breach_and_one_watch_at_most() {
        let f = vec![
            Finding::Breach {
                exclusion_id: 3,
                stage: "exclusion".into(),
            },
            Finding::Breach {
                exclusion_id: 4,
                stage: "CBO".into(),
            },
            Finding::Watch {
                marker: "violent".into(),
            },
            Finding::Watch {
                marker: "weapons".into(),
            },
            Finding::WarningInForce {
                exclusion_id: 5,
                stage: "warning".into(),
            },
        ];
        let h = hits_from(&f);
        assert_eq!(h.len(), 2);
        assert_eq!(
            h[0],
            (HitKind::Breach, Some(3), "exclusion in force".into())
        );
        assert_eq!(
            h[1],
            (HitKind::Watch, None, "marked violent, weapons".into())
        );
        assert!(hits_from(&[Finding::WarningInForce {
            exclusion_id: 5,
            stage: "warning".into()
        }])
        .is_empty());
    }
}
