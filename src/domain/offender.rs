//! People on the register: known (identified) or ID-sought (from a CCTV still).
//! There are deliberately no fields for special-category data (ethnicity,
//! religion, health, sexuality, politics): the register cannot hold them.

use super::text::tidy_input;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OffenderKind {
    Known,
    IdSought,
}

impl OffenderKind {
    pub fn code(self) -> &'static str {
        match self {
            OffenderKind::Known => "known",
            OffenderKind::IdSought => "id_sought",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            OffenderKind::Known => "known",
            OffenderKind::IdSought => "ID-sought",
        }
    }
    pub fn from_code(s: &str) -> Option<OffenderKind> {
        match s {
            "known" => Some(OffenderKind::Known),
            "id_sought" | "id-sought" | "idsought" => Some(OffenderKind::IdSought),
            _ => None,
        }
    }
}

/// Markers a scheme commonly uses; a scheme may use others.
pub const COMMON_MARKERS: &[&str] = &[
    "violent",
    "weapons",
    "drugs",
    "prolific",
    "aggressive",
    "team-working",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offender {
    pub id: i64,
    pub kind: OffenderKind,
    pub name: String,
    pub aliases: Vec<String>,
    pub nicknames: Vec<String>,
    pub description: String,
    pub markers: Vec<String>,
    pub status: String,
    pub photo_path: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// What an operator types to create or change a record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OffenderInput {
    pub name: String,
    pub aliases: Vec<String>,
    pub nicknames: Vec<String>,
    pub description: String,
    pub markers: Vec<String>,
    pub photo_path: String,
}

/// Split a typed list (`a, b; c`) into tidy, non-empty entries.
pub fn split_list(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(tidy_input)
        .filter(|x| !x.is_empty())
        .collect()
}

impl OffenderInput {
    /// Tidy the input and refuse what cannot be saved; `kind` decides whether a name is needed.
    pub fn validate(mut self, kind: OffenderKind) -> Result<OffenderInput, String> {
        self.name = tidy_input(&self.name);
        self.description = tidy_input(&self.description);
        self.photo_path = self.photo_path.trim().to_string();
        let tidy = |v: Vec<String>| {
            v.iter()
                .map(|s| tidy_input(s))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        };
        self.aliases = tidy(self.aliases);
        self.nicknames = tidy(self.nicknames);
        self.markers = tidy(self.markers)
            .into_iter()
            .map(|m| m.to_lowercase())
            .collect();
        if kind == OffenderKind::Known && self.name.is_empty() {
            return Err("a known offender needs a name".into());
        }
        if kind == OffenderKind::IdSought && self.name.is_empty() && self.description.is_empty() {
            return Err("an ID-sought record needs a description".into());
        }
        if self.name.chars().count() > 80 {
            return Err("a name is at most 80 characters".into());
        }
        let mut seen: Vec<String> = vec![self.name.to_lowercase()];
        for a in &self.aliases {
            let l = a.to_lowercase();
            if seen.contains(&l) {
                return Err(format!(
                    "the alias “{a}” is given twice (or is the name itself)"
                ));
            }
            seen.push(l);
        }
        let mut markers: Vec<String> = vec![];
        for m in &self.markers {
            if !markers.contains(m) {
                markers.push(m.clone());
            }
        }
        self.markers = markers;
        Ok(self)
    }
}

/// How active someone has been: incidents and sightings in the last 90 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Activity {
    pub incidents_90d: i64,
    pub sightings_90d: i64,
}

impl Activity {
    pub fn score(&self) -> i64 {
        self.incidents_90d + self.sightings_90d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, aliases: &[&str]) -> OffenderInput {
        OffenderInput {
            name: name.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_known_offender_needs_a_name_and_an_id_sought_one_a_description() {
        assert!(input(" ", &[])
            .validate(OffenderKind::Known)
            .unwrap_err()
            .contains("name"));
        assert!(input("", &[])
            .validate(OffenderKind::IdSought)
            .unwrap_err()
            .contains("description"));
        let mut i = input("", &[]);
        i.description = "male, 20s, grey hoodie".into();
        assert!(i.validate(OffenderKind::IdSought).is_ok());
    }

    #[test]
    fn duplicate_aliases_are_refused() {
        let e = input("Darren Hollis", &["Daz", "daz"])
            .validate(OffenderKind::Known)
            .unwrap_err();
        assert!(e.contains("“daz” is given twice"), "{e}");
        let e = input("Darren Hollis", &["darren hollis"])
            .validate(OffenderKind::Known)
            .unwrap_err();
        assert!(e.contains("name itself"), "{e}");
    }

    #[test]
    fn lists_are_split_and_tidied() {
        assert_eq!(
            split_list(" Daz, D-Man ;; Hollis "),
            vec!["Daz", "D-Man", "Hollis"]
        );
        let mut i = input("Kyle Marsh", &[]);
        i.markers = vec!["Violent".into(), "violent".into(), " drugs ".into()];
        assert_eq!(
            i.validate(OffenderKind::Known).unwrap().markers,
            vec!["violent", "drugs"]
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in [OffenderKind::Known, OffenderKind::IdSought] {
            assert_eq!(OffenderKind::from_code(k.code()), Some(k));
        }
    }
}
