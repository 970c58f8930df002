//! What the board shows: a status view plus optional zone, type and text.

use super::incident::{Priority, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusView {
    /// Everything not closed: the operator's working set.
    #[default]
    Live,
    All,
    Only(Status),
}

impl StatusView {
    pub const CYCLE: [StatusView; 6] = [
        StatusView::Live,
        StatusView::Only(Status::Open),
        StatusView::Only(Status::Responding),
        StatusView::Only(Status::PoliceAttending),
        StatusView::Only(Status::Closed),
        StatusView::All,
    ];
    pub fn label(self) -> &'static str {
        match self {
            StatusView::Live => "live",
            StatusView::All => "all",
            StatusView::Only(s) => s.label(),
        }
    }
    pub fn next(self) -> StatusView {
        let i = Self::CYCLE.iter().position(|v| *v == self).unwrap_or(0);
        Self::CYCLE[(i + 1) % Self::CYCLE.len()]
    }
    pub fn parse(s: &str) -> Option<StatusView> {
        match s.trim().to_lowercase().as_str() {
            "live" => Some(StatusView::Live),
            "all" => Some(StatusView::All),
            other => Status::from_code(other).map(StatusView::Only),
        }
    }
    pub fn admits(self, s: Status) -> bool {
        match self {
            StatusView::Live => s.is_live(),
            StatusView::All => true,
            StatusView::Only(x) => x == s,
        }
    }
}

/// The board's order, cycled with `o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoardOrder {
    /// Live before closed, then priority, then age (the oldest live first,
    /// the newest closed first): the working order.
    #[default]
    Priority,
    /// Opened most recently first.
    Newest,
    /// Opened longest ago first.
    Oldest,
    /// Changed most recently first (a note counts).
    Updated,
}

impl BoardOrder {
    pub const CYCLE: [BoardOrder; 4] = [
        BoardOrder::Priority,
        BoardOrder::Newest,
        BoardOrder::Oldest,
        BoardOrder::Updated,
    ];

    pub fn label(self) -> &'static str {
        match self {
            BoardOrder::Priority => "priority and age",
            BoardOrder::Newest => "newest first",
            BoardOrder::Oldest => "oldest first",
            BoardOrder::Updated => "last updated first",
        }
    }

    pub fn next(self) -> BoardOrder {
        let i = Self::CYCLE.iter().position(|o| *o == self).unwrap_or(0);
        Self::CYCLE[(i + 1) % Self::CYCLE.len()]
    }

    /// A view's order until the operator picks one: the working order for
    /// what is live, newest first where closed incidents are shown (a
    /// record of years read oldest-first would open on the first year).
    pub fn default_for(view: StatusView) -> BoardOrder {
        match view {
            StatusView::All | StatusView::Only(Status::Closed) => BoardOrder::Newest,
            _ => BoardOrder::Priority,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IncidentFilter {
    pub status: StatusView,
    /// The rows' order (not typed: the board sets it from its view or `o`).
    pub order: BoardOrder,
    /// A fragment of the zone's name.
    pub zone: Option<String>,
    /// A fragment of the type.
    pub kind: Option<String>,
    pub priority: Option<Priority>,
    /// Words that must all appear somewhere in the text, place, type or police reference.
    pub text: Vec<String>,
}

impl IncidentFilter {
    /// Parse what was typed after `/`: `status:closed zone:market type:theft p:1 words…`.
    /// Unknown `key:` words and bad values are reported, not silently dropped.
    pub fn parse(input: &str, status: StatusView) -> Result<IncidentFilter, String> {
        let mut f = IncidentFilter {
            status,
            ..Default::default()
        };
        for word in input.split_whitespace() {
            match word.split_once(':') {
                Some((key, value)) if !key.is_empty() => {
                    let value = value.trim();
                    if value.is_empty() {
                        return Err(format!("“{key}:” needs a value"));
                    }
                    match key.to_lowercase().as_str() {
                        "status" | "s" => {
                            f.status = StatusView::parse(value).ok_or_else(|| {
                                format!("unknown status “{value}” (live, all, open, responding, police, closed)")
                            })?
                        }
                        "zone" | "z" => f.zone = Some(value.replace('_', " ")),
                        "type" | "t" => f.kind = Some(value.replace('_', " ")),
                        "priority" | "p" => {
                            let n = value.trim_start_matches(['p', 'P']).parse::<i64>().ok();
                            f.priority = Some(
                                n.and_then(Priority::from_number)
                                    .ok_or_else(|| format!("priority is 1 to 4, not “{value}”"))?,
                            )
                        }
                        _ => f.text.push(word.to_string()),
                    }
                }
                _ => f.text.push(word.to_string()),
            }
        }
        Ok(f)
    }

    /// The filter written back as it would be typed.
    pub fn describe(&self) -> String {
        let mut parts = vec![];
        if let Some(z) = &self.zone {
            parts.push(format!("zone:{z}"));
        }
        if let Some(k) = &self.kind {
            parts.push(format!("type:{k}"));
        }
        if let Some(p) = self.priority {
            parts.push(format!("p:{}", p.number()));
        }
        parts.extend(self.text.iter().cloned());
        parts.join(" ")
    }

    /// The words typed: incident numbers written `#1042` (that incident,
    /// whatever its text says), and the words to find in the text.
    pub fn numbers_and_words(&self) -> (Vec<i64>, Vec<&str>) {
        let mut numbers = vec![];
        let mut words = vec![];
        for w in &self.text {
            match w.strip_prefix('#').map(str::parse::<i64>) {
                Some(Ok(n)) => numbers.push(n),
                _ => words.push(w.as_str()),
            }
        }
        (numbers, words)
    }

    /// Whether matching this filter means reading text in every row it
    /// looks at (words, a fragment of a zone or type) rather than following
    /// the board's index: on a large store that is a scan, not a window.
    pub fn scans(&self) -> bool {
        !self.text.is_empty() || self.zone.is_some() || self.kind.is_some()
    }

    pub fn is_narrowed(&self) -> bool {
        self.zone.is_some()
            || self.kind.is_some()
            || self.priority.is_some()
            || !self.text.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_filter_is_split_into_its_parts() {
        let f = IncidentFilter::parse("zone:market type:theft p:2 red  jacket", StatusView::Live)
            .unwrap();
        assert_eq!(f.zone.as_deref(), Some("market"));
        assert_eq!(f.kind.as_deref(), Some("theft"));
        assert_eq!(f.priority, Some(Priority::High));
        assert_eq!(f.text, vec!["red", "jacket"]);
        assert_eq!(f.status, StatusView::Live);
        assert_eq!(f.describe(), "zone:market type:theft p:2 red jacket");
    }

    #[test]
    fn status_in_the_filter_overrides_the_view() {
        let f = IncidentFilter::parse("status:closed", StatusView::Live).unwrap();
        assert_eq!(f.status, StatusView::Only(Status::Closed));
        assert!(!f.is_narrowed());
        let f = IncidentFilter::parse("s:all", StatusView::Live).unwrap();
        assert_eq!(f.status, StatusView::All);
    }

    #[test]
    fn bad_filter_values_are_named() {
        assert!(IncidentFilter::parse("status:lost", StatusView::Live)
            .unwrap_err()
            .contains("lost"));
        assert!(IncidentFilter::parse("p:9", StatusView::Live)
            .unwrap_err()
            .contains("1 to 4"));
        assert!(IncidentFilter::parse("zone:", StatusView::Live)
            .unwrap_err()
            .contains("needs a value"));
    }

    #[test]
    fn words_with_colons_that_are_not_keys_are_text() {
        let f = IncidentFilter::parse("12:30 ref:abc", StatusView::All).unwrap();
        assert_eq!(f.text, vec!["12:30", "ref:abc"]);
    }

    #[test]
    fn views_cycle_and_admit_the_right_statuses() {
        let mut v = StatusView::Live;
        let mut seen = vec![];
        for _ in 0..6 {
            seen.push(v.label());
            v = v.next();
        }
        assert_eq!(v, StatusView::Live);
        assert_eq!(
            seen,
            vec![
                "live",
                "open",
                "responding",
                "police attending",
                "closed",
                "all"
            ]
        );
        assert!(StatusView::Live.admits(Status::PoliceAttending));
        assert!(!StatusView::Live.admits(Status::Closed));
        assert!(StatusView::All.admits(Status::Closed));
    }
}
