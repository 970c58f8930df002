//! What an edit replaced: every field a save changed, what it was and what
//! it became, written as the console shows them (a member by name, money in
//! pounds, a list joined with commas). The store keeps these beside the
//! record they belong to, never in the audit trail: an old value can name a
//! person, and the trail is never pruned.
//!
//! Instants are kept as RFC 3339 in UTC (`2026-11-27T18:00:00Z`), so each
//! screen can show them in the scheme's time; days as `2026-11-27`; nothing
//! as the empty string.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

/// One field one save changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

impl FieldChange {
    pub fn new(field: &str, old: impl Into<String>, new: impl Into<String>) -> FieldChange {
        FieldChange {
            field: field.to_string(),
            old: old.into(),
            new: new.into(),
        }
    }
}

/// One save that changed a record: when, by whom, and each field it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub at: DateTime<Utc>,
    /// The operator who saved it.
    pub by: String,
    /// Which record, where a history covers more than one (`exclusion #4`
    /// on a person's profile); empty for the record itself.
    pub of: String,
    pub fields: Vec<FieldChange>,
}

/// A record's fields as the console shows them, each under its label.
pub type Fields = Vec<(&'static str, String)>;

/// The fields that differ between two readings of a record, in the order
/// of the later one (a field missing from either reads as empty).
pub fn diff(
    before: &[(&'static str, String)],
    after: &[(&'static str, String)],
) -> Vec<FieldChange> {
    let value = |fields: &[(&'static str, String)], label: &str| -> String {
        fields
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut out = vec![];
    let mut seen: Vec<&str> = vec![];
    for (label, _) in after.iter().chain(before) {
        if seen.contains(label) {
            continue;
        }
        seen.push(label);
        let (old, new) = (value(before, label), value(after, label));
        if old != new {
            out.push(FieldChange::new(label, old, new));
        }
    }
    out
}

/// An instant as a history keeps it.
pub fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The instant a history value holds, if it is one.
pub fn as_instant(value: &str) -> Option<DateTime<Utc>> {
    if !value.ends_with('Z') {
        return None;
    }
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A list as a history keeps it.
pub fn list(items: &[String]) -> String {
    items.join(", ")
}

/// The labels of the fields changed, for a one-line account (`type, what happened`).
pub fn labels(changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(|c| c.field.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn f(pairs: &[(&'static str, &str)]) -> Fields {
        pairs.iter().map(|(l, v)| (*l, v.to_string())).collect()
    }

    #[test]
    fn only_the_fields_that_differ_are_changes_with_both_values() {
        let before = f(&[("name", "Kyle Marsh"), ("aliases", "Kez"), ("address", "")]);
        let after = f(&[
            ("name", "Kyle Marsh-Smith"),
            ("aliases", "Kez"),
            ("address", "1 High St"),
        ]);
        assert_eq!(
            diff(&before, &after),
            vec![
                FieldChange::new("name", "Kyle Marsh", "Kyle Marsh-Smith"),
                FieldChange::new("address", "", "1 High St"),
            ]
        );
        assert!(diff(&after, &after).is_empty());
        // a field only one reading has is compared with nothing
        assert_eq!(
            diff(&f(&[("notes", "cracked case")]), &f(&[])),
            vec![FieldChange::new("notes", "cracked case", "")]
        );
    }

    #[test]
    fn instants_round_trip_and_other_text_is_not_one() {
        let t = Utc.with_ymd_and_hms(2026, 11, 27, 18, 5, 0).unwrap();
        assert_eq!(instant(t), "2026-11-27T18:05:00Z");
        assert_eq!(as_instant(&instant(t)), Some(t));
        for v in ["2026-11-27", "", "took razors", "2026-11-27T18:05:00+01:00"] {
            assert_eq!(as_instant(v), None, "{v}");
        }
    }
}
