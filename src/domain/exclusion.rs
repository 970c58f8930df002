//! Exclusions on the scheme's own ladder, and the hit decision: is this
//! person excluded from here, now? Instants are UTC; dates an operator types
//! are days in the scheme's time zone, so an exclusion ending "on 29 March"
//! ends at local midnight whether the clocks have gone forward or not.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// One rung of the scheme's ladder. Only rungs that exclude make a sighting a breach.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Stage {
    pub name: String,
    /// True when the person is barred (an exclusion, a notice, an order);
    /// false for a warning, which is recorded and shown but never a breach.
    pub excludes: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ladder {
    pub stages: Vec<Stage>,
}

impl Default for Ladder {
    /// warning → exclusion
    fn default() -> Self {
        Ladder {
            stages: vec![
                Stage {
                    name: "warning".into(),
                    excludes: false,
                },
                Stage {
                    name: "exclusion".into(),
                    excludes: true,
                },
            ],
        }
    }
}

impl Ladder {
    /// A scheme like Dartford's: community protection warning → notice → criminal behaviour order.
    pub fn community_protection() -> Ladder {
        Ladder {
            stages: vec![
                Stage {
                    name: "CPW".into(),
                    excludes: false,
                },
                Stage {
                    name: "CPN".into(),
                    excludes: true,
                },
                Stage {
                    name: "CBO".into(),
                    excludes: true,
                },
            ],
        }
    }

    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// A stage this ladder does not know (served under a ladder configured
    /// differently since) does not exclude: a default ladder's "warning" must
    /// not raise breaches under a CPW → CPN → CBO one. The console says so at
    /// start, naming who holds it (`Store::stages_off_ladder`), so the config
    /// is put right rather than guessed at.
    pub fn excludes(&self, name: &str) -> bool {
        self.stage(name).is_some_and(|s| s.excludes)
    }

    pub fn names(&self) -> Vec<String> {
        self.stages.iter().map(|s| s.name.clone()).collect()
    }

    /// The rung to propose serving on someone holding `held` (the stages of
    /// their sanctions so far): the one above the highest they have had, the
    /// first if none, the top once they have reached it. Stages off the
    /// ladder count for nothing.
    pub fn next_rung<'a>(&self, held: impl IntoIterator<Item = &'a str>) -> usize {
        let top = self.stages.len().saturating_sub(1);
        held.into_iter()
            .filter_map(|h| {
                self.stages
                    .iter()
                    .position(|s| s.name.eq_ignore_ascii_case(h))
            })
            .max()
            .map_or(0, |i| (i + 1).min(top))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    AllZones,
    Zones(Vec<i64>),
}

impl Scope {
    pub fn covers(&self, zone: Option<i64>) -> bool {
        match (self, zone) {
            (Scope::AllZones, _) => true,
            (Scope::Zones(zs), Some(z)) => zs.contains(&z),
            // scoped to some zones and the place is unknown: not provably inside
            (Scope::Zones(_), None) => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub id: i64,
    pub offender_id: i64,
    pub stage: String,
    pub scope: Scope,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub served_at: Option<DateTime<Utc>>,
    pub served_by: String,
    pub reason: String,
    pub appeal_lodged_on: Option<NaiveDate>,
    pub appeal_outcome: Option<String>,
    pub review_on: Option<NaiveDate>,
    /// The last review held: its day and outcome.
    pub reviewed_on: Option<NaiveDate>,
    pub review_outcome: Option<String>,
    /// Lifted early by a manager.
    pub lifted_at: Option<DateTime<Utc>>,
    /// Bumped by every change, so a form on an old copy is refused.
    pub version: i64,
}

impl Exclusion {
    /// In force at `at`: started, not ended (the end instant is outside), not lifted.
    pub fn in_force(&self, at: DateTime<Utc>) -> bool {
        self.starts_at <= at && at < self.effective_end()
    }

    pub fn effective_end(&self) -> DateTime<Utc> {
        match self.lifted_at {
            Some(l) if l < self.ends_at => l,
            _ => self.ends_at,
        }
    }

    /// Its review date has come or falls within `days` of `today` (the
    /// scheme's day), and it has not ended or been lifted by `now`.
    pub fn review_due(&self, today: NaiveDate, days: i64, now: DateTime<Utc>) -> bool {
        now < self.effective_end()
            && self
                .review_on
                .is_some_and(|r| r <= today + chrono::Duration::days(days))
    }

    /// Ends within `days` of `now` (and is in force now).
    pub fn ending_within(&self, now: DateTime<Utc>, days: i64) -> bool {
        self.in_force(now) && self.effective_end() <= now + Duration::days(days)
    }
}

/// What an exclusion or marker means for a sighting at a place and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// An excluding stage in force covering this zone: a breach hit.
    Breach { exclusion_id: i64, stage: String },
    /// A watch marker: a watch hit.
    Watch { marker: String },
    /// A warning-stage sanction in force: shown, never a breach.
    WarningInForce { exclusion_id: i64, stage: String },
    /// In force, but not for this zone.
    OutOfScope { exclusion_id: i64, stage: String },
    NotYetStarted {
        exclusion_id: i64,
        stage: String,
        starts_at: DateTime<Utc>,
    },
    Ended {
        exclusion_id: i64,
        stage: String,
        ended_at: DateTime<Utc>,
    },
}

impl Finding {
    pub fn is_hit(&self) -> bool {
        matches!(self, Finding::Breach { .. } | Finding::Watch { .. })
    }

    pub fn describe(&self, tz: Tz) -> String {
        let day = |t: &DateTime<Utc>| t.with_timezone(&tz).format("%d %b %Y %H:%M").to_string();
        match self {
            Finding::Breach { stage, .. } => format!("BREACH: {stage} in force here"),
            Finding::Watch { marker } => format!("watch: marked {marker}"),
            Finding::WarningInForce { stage, .. } => format!("{stage} in force (not an exclusion)"),
            Finding::OutOfScope { stage, .. } => {
                format!("{stage} in force elsewhere, not in this zone")
            }
            Finding::NotYetStarted {
                stage, starts_at, ..
            } => format!("{stage} starts {}", day(starts_at)),
            Finding::Ended {
                stage, ended_at, ..
            } => format!("{stage} ended {}", day(ended_at)),
        }
    }
}

/// The hit decision for a person seen in `zone` at `at`.
pub fn assess(
    exclusions: &[Exclusion],
    markers: &[String],
    watch_markers: &[String],
    ladder: &Ladder,
    zone: Option<i64>,
    at: DateTime<Utc>,
) -> Vec<Finding> {
    let mut out = vec![];
    for e in exclusions {
        let stage = e.stage.clone();
        let id = e.id;
        let f = if at < e.starts_at {
            Finding::NotYetStarted {
                exclusion_id: id,
                stage,
                starts_at: e.starts_at,
            }
        } else if at >= e.effective_end() {
            Finding::Ended {
                exclusion_id: id,
                stage,
                ended_at: e.effective_end(),
            }
        } else if !ladder.excludes(&e.stage) {
            Finding::WarningInForce {
                exclusion_id: id,
                stage,
            }
        } else if !e.scope.covers(zone) {
            Finding::OutOfScope {
                exclusion_id: id,
                stage,
            }
        } else {
            Finding::Breach {
                exclusion_id: id,
                stage,
            }
        };
        out.push(f);
    }
    for m in markers {
        if watch_markers
            .iter()
            .any(|w| w.eq_ignore_ascii_case(m.trim()))
        {
            out.push(Finding::Watch {
                marker: m.trim().to_string(),
            });
        }
    }
    // hits first, then what is in force, then the history
    out.sort_by_key(|f| match f {
        Finding::Breach { .. } => 0,
        Finding::Watch { .. } => 1,
        Finding::WarningInForce { .. } => 2,
        Finding::OutOfScope { .. } => 3,
        Finding::NotYetStarted { .. } => 4,
        Finding::Ended { .. } => 5,
    });
    out
}

/// The first instant of a local day.
/// The badge a person's row carries while a sanction that excludes is in
/// force at `at`: "EXCLUDED · High Street, Market Square", or "EXCLUDED ·
/// all zones"; `None` when none is. `zone_name` names a zone's id.
pub fn exclusion_badge(
    exclusions: &[Exclusion],
    ladder: &Ladder,
    zone_name: impl Fn(i64) -> Option<String>,
    at: DateTime<Utc>,
) -> Option<String> {
    let mut zones: Vec<String> = vec![];
    let mut all = false;
    for e in exclusions
        .iter()
        .filter(|e| e.in_force(at) && ladder.excludes(&e.stage))
    {
        match &e.scope {
            Scope::AllZones => all = true,
            Scope::Zones(ids) => {
                for id in ids {
                    let name = zone_name(*id).unwrap_or_else(|| format!("zone {id}"));
                    if !zones.contains(&name) {
                        zones.push(name);
                    }
                }
            }
        }
    }
    if all {
        Some("EXCLUDED · all zones".into())
    } else if zones.is_empty() {
        None
    } else {
        Some(format!("EXCLUDED · {}", zones.join(", ")))
    }
}

pub fn local_day_start(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    // `earliest` copes with a local midnight that a clock change skips or repeats
    match tz.from_local_datetime(&midnight).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => tz
            .from_local_datetime(&(midnight + Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&midnight)),
    }
}

/// An exclusion that runs "from" one local day "to" another covers both days whole.
pub fn local_span(
    from: NaiveDate,
    to: NaiveDate,
    tz: Tz,
) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    if to < from {
        return Err(format!("it ends ({to}) before it starts ({from})"));
    }
    let end_day = to
        .succ_opt()
        .ok_or("the end date is too far in the future")?;
    Ok((local_day_start(from, tz), local_day_start(end_day, tz)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::London;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn excl(stage: &str, scope: Scope, from: &str, to: &str) -> Exclusion {
        let (starts_at, ends_at) = local_span(d(from), d(to), London).unwrap();
        Exclusion {
            id: 7,
            offender_id: 1,
            stage: stage.into(),
            scope,
            starts_at,
            ends_at,
            served_at: Some(starts_at),
            served_by: "PC Hale".into(),
            reason: "theft".into(),
            appeal_lodged_on: None,
            appeal_outcome: None,
            review_on: None,
            reviewed_on: None,
            review_outcome: None,
            lifted_at: None,
            version: 1,
        }
    }

    fn decide(e: &Exclusion, zone: Option<i64>, at: &str) -> Finding {
        assess(
            std::slice::from_ref(e),
            &[],
            &[],
            &Ladder::default(),
            zone,
            t(at),
        )
        .remove(0)
    }

    #[test]
    fn active_exclusion_in_scope_is_a_breach() {
        let e = excl("exclusion", Scope::AllZones, "2026-06-01", "2026-12-31");
        assert!(matches!(
            decide(&e, Some(3), "2026-07-15T14:00:00Z"),
            Finding::Breach { .. }
        ));
        assert!(
            decide(&e, None, "2026-07-15T14:00:00Z").is_hit(),
            "all zones covers an unknown place"
        );
    }

    #[test]
    fn not_yet_started_and_ended_are_not_breaches() {
        let e = excl("exclusion", Scope::AllZones, "2026-06-01", "2026-06-30");
        assert!(matches!(
            decide(&e, Some(1), "2026-05-20T12:00:00Z"),
            Finding::NotYetStarted { .. }
        ));
        assert!(matches!(
            decide(&e, Some(1), "2026-07-20T12:00:00Z"),
            Finding::Ended { .. }
        ));
    }

    #[test]
    fn boundaries_to_the_second() {
        // 1 June is in BST: local midnight is 23:00 UTC the day before
        let e = excl("exclusion", Scope::AllZones, "2026-06-01", "2026-06-30");
        assert!(!decide(&e, Some(1), "2026-05-31T22:59:59Z").is_hit());
        assert!(
            decide(&e, Some(1), "2026-05-31T23:00:00Z").is_hit(),
            "the first second counts"
        );
        assert!(
            decide(&e, Some(1), "2026-06-30T22:59:59Z").is_hit(),
            "the last second counts"
        );
        assert!(
            matches!(
                decide(&e, Some(1), "2026-06-30T23:00:00Z"),
                Finding::Ended { .. }
            ),
            "the end instant is outside"
        );
    }

    #[test]
    fn zone_in_and_out_of_scope() {
        let e = excl(
            "exclusion",
            Scope::Zones(vec![2, 4]),
            "2026-06-01",
            "2026-12-31",
        );
        assert!(decide(&e, Some(2), "2026-07-01T12:00:00Z").is_hit());
        assert!(decide(&e, Some(4), "2026-07-01T12:00:00Z").is_hit());
        assert!(matches!(
            decide(&e, Some(1), "2026-07-01T12:00:00Z"),
            Finding::OutOfScope { .. }
        ));
        assert!(matches!(
            decide(&e, None, "2026-07-01T12:00:00Z"),
            Finding::OutOfScope { .. }
        ));
    }

    #[test]
    fn each_stage_of_each_ladder() {
        let at = t("2026-07-01T12:00:00Z");
        let default = Ladder::default();
        let cp = Ladder::community_protection();
        let cases = [
            (&default, "warning", false),
            (&default, "exclusion", true),
            (&cp, "CPW", false),
            (&cp, "CPN", true),
            (&cp, "CBO", true),
            (&cp, "cpn", true),
            // off the ladder (configured differently since): said at start,
            // not counted as excluding
            (&default, "retired stage", false),
            (&cp, "exclusion", false),
        ];
        for (ladder, stage, breach) in cases {
            let e = excl(stage, Scope::AllZones, "2026-06-01", "2026-12-31");
            let f = assess(&[e], &[], &[], ladder, Some(1), at);
            assert_eq!(
                matches!(f[0], Finding::Breach { .. }),
                breach,
                "{stage}: {f:?}"
            );
            if !breach {
                assert!(
                    matches!(f[0], Finding::WarningInForce { .. }),
                    "a warning is shown as what it is"
                );
            }
        }
    }

    #[test]
    fn lifted_early_ends_it() {
        let mut e = excl("exclusion", Scope::AllZones, "2026-06-01", "2026-12-31");
        e.lifted_at = Some(t("2026-08-01T09:00:00Z"));
        assert!(decide(&e, Some(1), "2026-08-01T08:59:59Z").is_hit());
        assert!(matches!(
            decide(&e, Some(1), "2026-08-01T09:00:00Z"),
            Finding::Ended { .. }
        ));
    }

    #[test]
    fn across_the_spring_clock_change() {
        // BST began at 01:00 UTC on Sunday 29 March 2026. An exclusion "to 29 March"
        // ends at midnight BST, which is 23:00 UTC, not midnight UTC.
        let e = excl("exclusion", Scope::AllZones, "2026-03-01", "2026-03-29");
        assert_eq!(e.starts_at, t("2026-03-01T00:00:00Z"), "1 March is GMT");
        assert_eq!(e.ends_at, t("2026-03-29T23:00:00Z"));
        assert!(decide(&e, Some(1), "2026-03-29T22:59:59Z").is_hit());
        assert!(
            !decide(&e, Some(1), "2026-03-29T23:30:00Z").is_hit(),
            "00:30 BST on the 30th is after it"
        );
        // a sighting in the hour the clocks skip is still inside
        assert!(decide(&e, Some(1), "2026-03-29T01:30:00Z").is_hit());
    }

    #[test]
    fn across_the_autumn_clock_change() {
        // GMT resumed at 01:00 UTC on Sunday 25 October 2026.
        let e = excl("exclusion", Scope::AllZones, "2026-10-25", "2026-10-25");
        assert_eq!(
            e.starts_at,
            t("2026-10-24T23:00:00Z"),
            "the 25th starts in BST"
        );
        assert_eq!(
            e.ends_at,
            t("2026-10-26T00:00:00Z"),
            "and ends in GMT: a 25-hour day"
        );
        assert!(decide(&e, Some(1), "2026-10-25T23:59:59Z").is_hit());
        assert!(!decide(&e, Some(1), "2026-10-26T00:00:00Z").is_hit());
    }

    #[test]
    fn watch_markers_raise_watch_hits_and_others_do_not() {
        let watch = vec!["violent".to_string(), "weapons".to_string()];
        let f = assess(
            &[],
            &["drugs".into(), " Violent".into()],
            &watch,
            &Ladder::default(),
            Some(1),
            t("2026-07-01T12:00:00Z"),
        );
        assert_eq!(
            f,
            vec![Finding::Watch {
                marker: "Violent".into()
            }]
        );
    }

    #[test]
    fn hits_come_before_history() {
        let ended = excl("exclusion", Scope::AllZones, "2025-01-01", "2025-06-01");
        let mut now = excl("exclusion", Scope::AllZones, "2026-06-01", "2026-12-31");
        now.id = 8;
        let f = assess(
            &[ended, now],
            &[],
            &[],
            &Ladder::default(),
            Some(1),
            t("2026-07-01T12:00:00Z"),
        );
        assert!(matches!(
            f[0],
            Finding::Breach {
                exclusion_id: 8,
                ..
            }
        ));
        assert!(matches!(
            f[1],
            Finding::Ended {
                exclusion_id: 7,
                ..
            }
        ));
    }

    #[test]
    fn an_end_before_the_start_is_refused() {
        assert!(local_span(d("2026-06-02"), d("2026-06-01"), London)
            .unwrap_err()
            .contains("before it starts"));
        let e = excl("exclusion", Scope::AllZones, "2026-06-01", "2026-06-01");
        assert_eq!(
            e.ends_at - e.starts_at,
            Duration::hours(24),
            "a one-day exclusion"
        );
    }

    #[test]
    fn ending_soon() {
        let e = excl("exclusion", Scope::AllZones, "2026-06-01", "2026-07-10");
        assert!(e.ending_within(t("2026-07-01T12:00:00Z"), 14));
        assert!(!e.ending_within(t("2026-06-10T12:00:00Z"), 14));
        assert!(
            !e.ending_within(t("2026-07-20T12:00:00Z"), 14),
            "already ended"
        );
    }
}
