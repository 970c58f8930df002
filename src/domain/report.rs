//! The committee report: a period's figures as plain types, and the sums
//! that need no SQL (months of a period, totals, shares). Counts only:
//! nothing here names a person or a member.
//!
//! Over 800 lines: one plain type per section of the report, each with
//! the sums it needs; the sections are read together by every format.
//!
//! Over 800 lines with its tests (the figures and sums are under 700).
//!
//! One file on purpose: it is the report's one set of types, which the store
//! fills and the writers in `io/report/` read; about 700 lines, the rest its
//! tests. The police figures' types and sums are in `domain/police.rs`.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::exclusion::local_day_start;

/// A report's period: whole local days, `to` included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A calendar month of a period: its key (`2026-01`) and the instants it
/// covers within the period, `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthSpan {
    pub month: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

fn parse_day(what: &str, s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "{what} date “{}” is not a date (YYYY-MM-DD, e.g. 2026-01-31)",
            crate::domain::text::clean(s.trim())
        )
    })
}

fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("every month has a first day")
}

impl ReportPeriod {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<ReportPeriod, String> {
        if from > to {
            return Err(format!(
                "the period starts ({from}) after it ends ({to}); give --from before --to"
            ));
        }
        Ok(ReportPeriod { from, to })
    }

    /// `--from 2026-01-01 --to 2026-12-31`
    pub fn parse(from: &str, to: &str) -> Result<ReportPeriod, String> {
        ReportPeriod::new(parse_day("the --from", from)?, parse_day("the --to", to)?)
    }

    /// The instants the period covers, `[start, end)`: from the first moment
    /// of `from` to the first moment of the day after `to`, in the scheme's zone.
    pub fn bounds(&self, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let after = self.to.succ_opt().unwrap_or(self.to);
        (local_day_start(self.from, tz), local_day_start(after, tz))
    }

    /// The calendar months the period touches, in order, as `2026-01`.
    pub fn months(&self) -> Vec<String> {
        let mut out = vec![];
        let mut m = first_of_month(self.from);
        while m <= self.to {
            out.push(month_key(m));
            match m.checked_add_months(Months::new(1)) {
                Some(next) => m = next,
                None => break,
            }
        }
        out
    }

    /// Each month of the period with the instants it covers, clipped to the
    /// period: a period from the 15th has a first month from the 15th.
    pub fn month_spans(&self, tz: Tz) -> Vec<MonthSpan> {
        let (start, end) = self.bounds(tz);
        let mut out = vec![];
        let mut m = first_of_month(self.from);
        while m <= self.to {
            let next = m.checked_add_months(Months::new(1));
            let s = local_day_start(m, tz).max(start);
            let e = next.map(|n| local_day_start(n, tz)).unwrap_or(end).min(end);
            out.push(MonthSpan {
                month: month_key(m),
                start: s,
                end: e,
            });
            match next {
                Some(n) => m = n,
                None => break,
            }
        }
        out
    }

    /// `1 December 2025 to 30 November 2026`
    pub fn label(&self) -> String {
        if self.from == self.to {
            return day_label(self.from);
        }
        format!("{} to {}", day_label(self.from), day_label(self.to))
    }

    /// Whole days in the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// `1 December 2025`
pub fn day_label(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// `2026-01` → `Jan 2026` (anything else is shown as it is).
pub fn month_label(key: &str) -> String {
    match NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d") {
        Ok(d) => d.format("%b %Y").to_string(),
        Err(_) => key.to_string(),
    }
}

/// `2026-01` → `January 2026`
pub fn month_long(key: &str) -> String {
    match NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d") {
        Ok(d) => d.format("%B %Y").to_string(),
        Err(_) => key.to_string(),
    }
}

/// `2026-01` → `Jan`
pub fn month_short(key: &str) -> String {
    match NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d") {
        Ok(d) => d.format("%b").to_string(),
        Err(_) => key.to_string(),
    }
}

/// The periods the reports pane steps through with `v`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PeriodPreset {
    /// The twelve calendar months to this one, this one so far.
    #[default]
    Last12Months,
    ThisMonth,
    YearToDate,
}

impl PeriodPreset {
    pub fn next(self) -> PeriodPreset {
        match self {
            PeriodPreset::Last12Months => PeriodPreset::ThisMonth,
            PeriodPreset::ThisMonth => PeriodPreset::YearToDate,
            PeriodPreset::YearToDate => PeriodPreset::Last12Months,
        }
    }

    /// The period `back` steps before the current one (0: the current one,
    /// ending today; earlier ones are whole).
    pub fn period(self, today: NaiveDate, back: u32) -> ReportPeriod {
        let this_month = first_of_month(today);
        let (from, months) = match self {
            PeriodPreset::Last12Months => (
                this_month
                    .checked_sub_months(Months::new(11 + 12 * back))
                    .unwrap_or(NaiveDate::MIN),
                12,
            ),
            PeriodPreset::ThisMonth => (
                this_month
                    .checked_sub_months(Months::new(back))
                    .unwrap_or(NaiveDate::MIN),
                1,
            ),
            PeriodPreset::YearToDate => (
                NaiveDate::from_ymd_opt(today.year() - back as i32, 1, 1).unwrap_or(NaiveDate::MIN),
                12,
            ),
        };
        let end = from
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(today);
        ReportPeriod {
            from,
            to: end.min(today),
        }
    }

    /// What the pane's title calls the period.
    pub fn describe(self, period: &ReportPeriod, back: u32) -> String {
        match (self, back) {
            (PeriodPreset::Last12Months, 0) => "the last 12 months".into(),
            (PeriodPreset::ThisMonth, 0) => "this month so far".into(),
            (PeriodPreset::YearToDate, 0) => "this year so far".into(),
            (PeriodPreset::Last12Months, _) => {
                format!("12 months to {}", month_label(&month_key(period.to)))
            }
            (PeriodPreset::ThisMonth, _) => month_label(&month_key(period.from)),
            (PeriodPreset::YearToDate, _) => period.from.year().to_string(),
        }
    }
}

/// `part` of `whole`, or nothing when there is no whole; rounded to 0.001.
pub fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 1000.0)
}

/// `37%`, or `—` where there is nothing to share out.
pub fn percent(s: Option<f64>) -> String {
    match s {
        // halves round up (12.5% is 13%), as people round them
        Some(s) => format!("{}%", (s * 100.0).round()),
        None => "—".into(),
    }
}

// ----- the figures ------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub period: PeriodInfo,
    pub incidents: Incidents,
    pub losses: Losses,
    pub offenders: Offenders,
    pub hits: Hits,
    pub roll_calls: RollCalls,
    pub radios: Radios,
    pub members: Members,
    /// Police recorded crime beside the scheme's incidents of the same kind.
    pub police: Vec<PoliceSeries>,
    /// The area the police figures are for, and the months imported.
    #[serde(default)]
    pub police_coverage: PoliceCoverage,
    /// Agreements, breaches and the DPIA (`domain/governance.rs`).
    pub governance: super::governance::GovernanceFigures,
    /// Footage released outside the control room (`domain/evidence.rs`);
    /// absent from a report kept before releases were counted.
    #[serde(default)]
    pub releases: super::evidence::ReleaseFigures,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodInfo {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days are this zone's days.
    pub time_zone: String,
    /// The day the report was made: radio figures are as they stood then.
    pub made_on: NaiveDate,
    /// The months of the period (`2026-01`), the keys of every `by_month`.
    pub months: Vec<String>,
}

impl PeriodInfo {
    pub fn period(&self) -> ReportPeriod {
        ReportPeriod {
            from: self.from,
            to: self.to,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCount {
    pub month: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeCount {
    pub label: String,
    pub count: u64,
    pub loss_pence: i64,
    pub recovered_pence: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incidents {
    /// Incidents opened in the period.
    pub total: u64,
    /// Most first; ties by name.
    pub by_type: Vec<TypeCount>,
    /// Most first; incidents with no zone last, as "no zone".
    pub by_zone: Vec<Count>,
    /// Every month of the period, none left out.
    pub by_month: Vec<MonthCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Losses {
    pub loss_pence: i64,
    pub recovered_pence: i64,
    /// Incidents with a loss recorded.
    pub incidents_with_loss: u64,
    /// Recovered as a share of the loss (0–1), none when nothing was lost.
    pub recovered_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offenders {
    /// People seen on camera or named on an incident in the period.
    pub active: u64,
    /// People added to the register in the period (merged duplicates not counted).
    pub new: u64,
    /// People with an exclusion (a stage that excludes) in force at some point in the period.
    pub excluded: u64,
    /// Sanctions that started in the period, by stage, in ladder order.
    pub sanctions_issued: Vec<Count>,
    /// Of those, the ones that exclude.
    pub exclusions_issued: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcomes {
    pub raised: u64,
    pub accepted: u64,
    /// Rejected as false matches.
    pub rejected: u64,
    /// Not yet acknowledged.
    pub waiting: u64,
}

impl Outcomes {
    fn add(&mut self, status: &str, n: u64) {
        self.raised += n;
        match status {
            "accepted" => self.accepted += n,
            "rejected" => self.rejected += n,
            _ => self.waiting += n,
        }
    }
    pub fn plus(self, o: Outcomes) -> Outcomes {
        Outcomes {
            raised: self.raised + o.raised,
            accepted: self.accepted + o.accepted,
            rejected: self.rejected + o.rejected,
            waiting: self.waiting + o.waiting,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hits {
    /// A person with an exclusion in force seen where it applies.
    pub breach: Outcomes,
    /// A person with a watch marker seen.
    pub watch: Outcomes,
    /// Hits raised each month.
    pub by_month: Vec<MonthCount>,
    /// Hits of the period rejected as false matches, by the camera of their
    /// sighting, most first (label "" for those with no camera).
    #[serde(default)]
    pub false_by_camera: Vec<Count>,
    /// The people those false matches were for, counted only.
    #[serde(default)]
    pub false_people: FalsePeople,
}

/// How many people had a hit rejected as a false match, how many of them
/// more than once, and the most for one person: a photo that keeps
/// misleading the desk shows, and the report still names no one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FalsePeople {
    pub people: u64,
    pub more_than_once: u64,
    pub most_for_one: u64,
}

impl Hits {
    /// From (kind, status, count) rows and hits raised per month.
    pub fn from_rows(rows: &[(String, String, u64)], by_month: Vec<MonthCount>) -> Hits {
        let mut h = Hits {
            breach: Outcomes::default(),
            watch: Outcomes::default(),
            by_month,
            false_by_camera: Vec::new(),
            false_people: FalsePeople::default(),
        };
        for (kind, status, n) in rows {
            match kind.as_str() {
                "breach" => h.breach.add(status, *n),
                _ => h.watch.add(status, *n),
            }
        }
        h
    }
    pub fn all(&self) -> Outcomes {
        self.breach.plus(self.watch)
    }
}

/// One month's finished roll-calls (practice ones are never counted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollCallMonth {
    pub month: String,
    pub held: u64,
    /// Stations called, every roll-call's roster added up.
    pub called: u64,
    pub answered: u64,
    pub nothing_heard: u64,
    /// Stations closed that day: not expected to answer.
    pub closed: u64,
    /// Answered as a share of the stations open to answer (called less closed).
    pub answered_share: Option<f64>,
}

impl RollCallMonth {
    pub fn new(
        month: String,
        held: u64,
        called: u64,
        answered: u64,
        nothing_heard: u64,
        closed: u64,
    ) -> RollCallMonth {
        RollCallMonth {
            month,
            held,
            called,
            answered,
            nothing_heard,
            closed,
            answered_share: share(answered, called.saturating_sub(closed)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollCalls {
    pub held: u64,
    pub stations_called: u64,
    pub answered: u64,
    pub nothing_heard: u64,
    pub closed: u64,
    pub answered_share: Option<f64>,
    pub by_month: Vec<RollCallMonth>,
    /// Practice roll-calls in the period: counted apart, in none of the above.
    #[serde(default)]
    pub practice: u64,
    /// Answers passed on by another station.
    #[serde(default)]
    pub relays: u64,
    /// Answers of readability 2 or less.
    #[serde(default)]
    pub weak: u64,
    /// Answers after their station's turn (a late check-in or on the re-call).
    #[serde(default)]
    pub late: u64,
    /// The zones heard loud and clear least often, the worst first (see [`worst_zones`]).
    #[serde(default)]
    pub worst_zones: Vec<ZoneShare>,
}

/// A zone's answers on the period's roll-calls, and the share loud and clear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneShare {
    pub zone: String,
    pub loud_and_clear: u64,
    /// Answers (closed days are not answers; nothing heard is one).
    pub answers: u64,
    pub share: Option<f64>,
}

impl ZoneShare {
    pub fn new(zone: String, loud_and_clear: u64, answers: u64) -> ZoneShare {
        ZoneShare {
            zone,
            loud_and_clear,
            answers,
            share: share(loud_and_clear, answers),
        }
    }
}

/// How many zones the report names as heard worst.
pub const WORST_ZONES: usize = 3;

/// The [`WORST_ZONES`] zones with the lowest share loud and clear, the worst
/// first; of two alike, the one with more answers (its share is surer), then
/// by name. A zone with no answers has no share and is not among them.
pub fn worst_zones(mut zones: Vec<ZoneShare>) -> Vec<ZoneShare> {
    zones.retain(|z| z.answers > 0);
    // compared as whole answers rather than rounded shares
    zones.sort_by(|a, b| {
        (a.loud_and_clear * b.answers)
            .cmp(&(b.loud_and_clear * a.answers))
            .then(b.answers.cmp(&a.answers))
            .then(a.zone.cmp(&b.zone))
    });
    zones.truncate(WORST_ZONES);
    zones
}

impl RollCalls {
    pub fn from_months(by_month: Vec<RollCallMonth>) -> RollCalls {
        let sum = |f: fn(&RollCallMonth) -> u64| by_month.iter().map(f).sum::<u64>();
        let (held, called, answered, nothing, closed) = (
            sum(|m| m.held),
            sum(|m| m.called),
            sum(|m| m.answered),
            sum(|m| m.nothing_heard),
            sum(|m| m.closed),
        );
        RollCalls {
            held,
            stations_called: called,
            answered,
            nothing_heard: nothing,
            closed,
            answered_share: share(answered, called.saturating_sub(closed)),
            by_month,
            practice: 0,
            relays: 0,
            weak: 0,
            late: 0,
            worst_zones: vec![],
        }
    }
}

/// Radio statuses in the order the inventory uses.
pub const RADIO_STATUSES: &[&str] = &["issued", "spare", "faulty", "in repair", "lost", "stunned"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Radios {
    /// Radios on the network when the report was made.
    pub total: u64,
    /// Every status, in the inventory's order, zeros included.
    pub by_status: Vec<Count>,
    /// Faulty or in repair when the report was made.
    pub faulty_or_in_repair: u64,
    /// Radios reported faulty during the period.
    pub faults_reported: u64,
    /// Radios still with a member who has lapsed or left, to be fetched
    /// back: "HS07 (The Crown, lapsed)".
    #[serde(default)]
    pub to_recover: Vec<String>,
}

impl Radios {
    pub fn from_statuses(rows: &[(String, u64)], faults_reported: u64) -> Radios {
        let mut by_status: Vec<Count> = RADIO_STATUSES
            .iter()
            .map(|s| Count {
                label: s.to_string(),
                count: 0,
            })
            .collect();
        for (status, n) in rows {
            match by_status.iter_mut().find(|c| c.label == *status) {
                Some(c) => c.count += n,
                None => by_status.push(Count {
                    label: status.clone(),
                    count: *n,
                }),
            }
        }
        let of = |s: &str| {
            by_status
                .iter()
                .find(|c| c.label == s)
                .map_or(0, |c| c.count)
        };
        Radios {
            total: by_status.iter().map(|c| c.count).sum(),
            faulty_or_in_repair: of("faulty") + of("in repair"),
            by_status,
            faults_reported,
            to_recover: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Members {
    /// Joined in the period (applications still pending not counted).
    pub joined: u64,
    /// Lapsed or left in the period.
    pub lapsed: u64,
    /// Members at the end of the period.
    pub total_at_end: u64,
    /// Members at some point in the period (at its start, or joined during it).
    pub during: u64,
    /// Of those, the ones named on at least one incident opened in the period.
    pub reporting: u64,
    /// `reporting` as a share of `during`.
    pub reporting_share: Option<f64>,
}

impl Members {
    pub fn new(
        joined: u64,
        lapsed: u64,
        total_at_end: u64,
        during: u64,
        reporting: u64,
    ) -> Members {
        Members {
            joined,
            lapsed,
            total_at_end,
            during,
            reporting,
            reporting_share: share(reporting, during),
        }
    }
}

pub use super::police::{police_beside_scheme, PoliceCoverage, PoliceMonth, PoliceSeries};

impl Report {
    /// Whether any police open data covers the period: a month imported
    /// with no row in the area is covered, its figures noughts.
    pub fn has_police_data(&self) -> bool {
        !self.police_coverage.months.is_empty() || self.police.iter().any(|s| s.police_total > 0)
    }
}

/// The scheme's incidents of one type, zone and month, as the store groups them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentCell {
    /// Index into the period's months.
    pub month: usize,
    pub kind: String,
    /// The zone's name; none for an incident with no zone.
    pub zone: Option<String>,
    pub count: u64,
    pub loss_pence: i64,
    pub recovered_pence: i64,
    pub with_loss: u64,
}

/// What an incident with no zone is counted under.
pub const NO_ZONE: &str = "no zone";

/// Incidents by type, zone and month, and the losses, from the store's cells.
pub fn incidents_from_cells(cells: &[IncidentCell], months: &[String]) -> (Incidents, Losses) {
    let mut by_type: Vec<TypeCount> = vec![];
    let mut by_zone: Vec<Count> = vec![];
    let mut by_month: Vec<MonthCount> = months
        .iter()
        .map(|m| MonthCount {
            month: m.clone(),
            count: 0,
        })
        .collect();
    let mut losses = Losses {
        loss_pence: 0,
        recovered_pence: 0,
        incidents_with_loss: 0,
        recovered_share: None,
    };
    for c in cells {
        match by_type.iter_mut().find(|t| t.label == c.kind) {
            Some(t) => {
                t.count += c.count;
                t.loss_pence += c.loss_pence;
                t.recovered_pence += c.recovered_pence;
            }
            None => by_type.push(TypeCount {
                label: c.kind.clone(),
                count: c.count,
                loss_pence: c.loss_pence,
                recovered_pence: c.recovered_pence,
            }),
        }
        let zone = c.zone.as_deref().unwrap_or(NO_ZONE);
        match by_zone.iter_mut().find(|z| z.label == zone) {
            Some(z) => z.count += c.count,
            None => by_zone.push(Count {
                label: zone.to_string(),
                count: c.count,
            }),
        }
        if let Some(m) = by_month.get_mut(c.month) {
            m.count += c.count;
        }
        losses.loss_pence += c.loss_pence;
        losses.recovered_pence += c.recovered_pence;
        losses.incidents_with_loss += c.with_loss;
    }
    by_type.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    by_zone.sort_by(|a, b| {
        (a.label == NO_ZONE)
            .cmp(&(b.label == NO_ZONE))
            .then_with(|| b.count.cmp(&a.count))
            .then_with(|| a.label.cmp(&b.label))
    });
    losses.recovered_share = (losses.loss_pence > 0).then(|| {
        (losses.recovered_pence as f64 / losses.loss_pence as f64 * 1000.0).round() / 1000.0
    });
    let total = by_month.iter().map(|m| m.count).sum();
    (
        Incidents {
            total,
            by_type,
            by_zone,
            by_month,
        },
        losses,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::London;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_period_is_whole_local_days_with_the_last_day_included() {
        let p = ReportPeriod::parse("2026-01-01", "2026-06-30").unwrap();
        let (s, e) = p.bounds(London);
        // January is GMT; 30 June is BST, so its day ends at 23:00 UTC
        assert_eq!(s.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(e.to_rfc3339(), "2026-06-30T23:00:00+00:00");
        assert_eq!(p.days(), 181);
    }

    #[test]
    fn bad_dates_and_backward_periods_are_refused_with_a_reason() {
        let e = ReportPeriod::parse("2026-13-01", "2026-12-31").unwrap_err();
        assert!(e.contains("--from") && e.contains("YYYY-MM-DD"), "{e}");
        let e = ReportPeriod::parse("2026-01-01", "yesterday").unwrap_err();
        assert!(e.contains("--to") && e.contains("yesterday"), "{e}");
        let e = ReportPeriod::parse("2026-02-01", "2026-01-31").unwrap_err();
        assert!(e.contains("after it ends"), "{e}");
        assert!(ReportPeriod::parse("2026-02-01", "2026-02-01").is_ok());
    }

    #[test]
    fn months_are_clipped_to_the_period_and_follow_the_clock_changes() {
        let p = ReportPeriod::parse("2026-03-15", "2026-05-10").unwrap();
        assert_eq!(p.months(), vec!["2026-03", "2026-04", "2026-05"]);
        let spans = p.month_spans(London);
        assert_eq!(spans[0].start.to_rfc3339(), "2026-03-15T00:00:00+00:00");
        // April begins at midnight BST, 23:00 UTC on 31 March
        assert_eq!(spans[0].end.to_rfc3339(), "2026-03-31T23:00:00+00:00");
        assert_eq!(spans[1].start, spans[0].end);
        assert_eq!(spans[2].end.to_rfc3339(), "2026-05-10T23:00:00+00:00");
    }

    #[test]
    fn the_panes_periods_end_today_and_step_back_whole() {
        let today = d("2026-11-27");
        let p = PeriodPreset::Last12Months.period(today, 0);
        assert_eq!((p.from, p.to), (d("2025-12-01"), today));
        assert_eq!(p.months().len(), 12);
        let p = PeriodPreset::Last12Months.period(today, 1);
        assert_eq!((p.from, p.to), (d("2024-12-01"), d("2025-11-30")));
        let p = PeriodPreset::ThisMonth.period(today, 0);
        assert_eq!((p.from, p.to), (d("2026-11-01"), today));
        let p = PeriodPreset::ThisMonth.period(today, 9);
        assert_eq!((p.from, p.to), (d("2026-02-01"), d("2026-02-28")));
        let p = PeriodPreset::YearToDate.period(today, 0);
        assert_eq!((p.from, p.to), (d("2026-01-01"), today));
        let p = PeriodPreset::YearToDate.period(today, 1);
        assert_eq!((p.from, p.to), (d("2025-01-01"), d("2025-12-31")));
        assert_eq!(PeriodPreset::YearToDate.describe(&p, 1), "2025");
        assert_eq!(
            PeriodPreset::ThisMonth.describe(&PeriodPreset::ThisMonth.period(today, 1), 1),
            "Oct 2026"
        );
    }

    #[test]
    fn cells_add_up_by_type_zone_and_month() {
        let months = vec!["2026-01".to_string(), "2026-02".to_string()];
        let cell = |month, kind: &str, zone: Option<&str>, count, loss, rec, with| IncidentCell {
            month,
            kind: kind.into(),
            zone: zone.map(String::from),
            count,
            loss_pence: loss,
            recovered_pence: rec,
            with_loss: with,
        };
        let cells = vec![
            cell(0, "theft", Some("High Street"), 3, 3000, 1000, 2),
            cell(1, "theft", Some("Market Square"), 1, 500, 0, 1),
            cell(1, "antisocial", None, 2, 0, 0, 0),
            cell(1, "antisocial", Some("Market Square"), 1, 0, 0, 0),
        ];
        let (i, l) = incidents_from_cells(&cells, &months);
        assert_eq!(i.total, 7);
        assert_eq!(
            i.by_type
                .iter()
                .map(|t| (t.label.as_str(), t.count, t.loss_pence))
                .collect::<Vec<_>>(),
            vec![("theft", 4, 3500), ("antisocial", 3, 0)]
        );
        assert_eq!(
            i.by_zone
                .iter()
                .map(|z| (z.label.as_str(), z.count))
                .collect::<Vec<_>>(),
            vec![("High Street", 3), ("Market Square", 2), (NO_ZONE, 2)]
        );
        assert_eq!(
            i.by_month.iter().map(|m| m.count).collect::<Vec<_>>(),
            vec![3, 4]
        );
        assert_eq!(
            (l.loss_pence, l.recovered_pence, l.incidents_with_loss),
            (3500, 1000, 3)
        );
        assert_eq!(l.recovered_share, Some(0.286));

        let police = vec![
            ("2026-01".to_string(), "Shoplifting".to_string(), 10),
            (
                "2026-02".to_string(),
                "Anti-social behaviour".to_string(),
                4,
            ),
            ("2026-02".to_string(), "Burglary".to_string(), 9),
        ];
        let p = police_beside_scheme(
            &police,
            &cells,
            &months,
            &crate::domain::police::PolicePairing::default(),
        );
        assert_eq!(p[0].crime_type, "Shoplifting");
        assert_eq!(
            p[0].by_month
                .iter()
                .map(|m| (m.police, m.scheme))
                .collect::<Vec<_>>(),
            vec![(10, 3), (0, 1)]
        );
        assert_eq!((p[1].police_total, p[1].scheme_total), (4, 3));
    }

    #[test]
    fn shares_have_nothing_to_share_when_the_whole_is_empty() {
        assert_eq!(share(1, 3), Some(0.333));
        assert_eq!(share(0, 0), None);
        assert_eq!(percent(Some(0.5)), "50%");
        assert_eq!(percent(None), "—");
        let r = RollCalls::from_months(vec![
            RollCallMonth::new("2026-01".into(), 2, 20, 15, 3, 2),
            RollCallMonth::new("2026-02".into(), 0, 0, 0, 0, 0),
        ]);
        assert_eq!((r.held, r.stations_called, r.answered), (2, 20, 15));
        assert_eq!(r.answered_share, Some(0.833));
        assert_eq!(r.by_month[1].answered_share, None);
    }

    #[test]
    fn the_worst_zones_are_the_three_least_often_loud_and_clear() {
        let z = |name: &str, loud, answers| ZoneShare::new(name.into(), loud, answers);
        let worst = worst_zones(vec![
            z("High Street", 9, 10),
            z("Market Square", 2, 3),   // 66.7%
            z("Riverside", 20, 30),     // 66.7% too, over more answers
            z("Station Quarter", 0, 0), // no answers: no share
            z("Night-Time Economy", 7, 10),
            z("Castle Walk", 10, 10),
        ]);
        let names: Vec<&str> = worst.iter().map(|z| z.zone.as_str()).collect();
        assert_eq!(names, ["Riverside", "Market Square", "Night-Time Economy"]);
        assert_eq!(worst[1].share, Some(0.667));
        assert!(worst_zones(vec![z("High Street", 0, 0)]).is_empty());
    }
}
