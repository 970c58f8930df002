//! A radio's health over time, as the inventory shows it: each radio's last
//! 90 nights as a sparkline with its relays and nothing-heard counted, a
//! flag for a radio relayed or weak on three of its last five calls, and per
//! zone the share loud and clear week by week with its trend. Plain rules on
//! answers already read; the nights are the scheme's (see [`night_date`]).

use super::rollcall::{night_of, Answer};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};

/// How many nights the inventory's sparklines look back over.
pub const HEALTH_NIGHTS: i64 = 90;
/// Nights each sparkline cell stands for (90 nights in 18 cells).
pub const NIGHTS_PER_CELL: i64 = 5;
/// How many ISO weeks the zones' weekly shares cover, this one included.
pub const ZONE_WEEKS: usize = 12;
/// Weeks on each side of the trend's comparison.
pub const TREND_SPAN: usize = 4;
/// A change in the share loud and clear smaller than this is steady.
pub const TREND_STEP: f64 = 0.05;
/// The sparkline's heights: 0 (nothing heard throughout) to 7 (loud and clear).
pub const TOP_LEVEL: u8 = 7;

/// The evening `at` belongs to (the roll-call's night, 06:00 to 06:00 in
/// the scheme's time zone), as a date: a call at 00:30 is the evening before's.
pub fn night_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    night_of(at, tz).0.with_timezone(&tz).date_naive()
}

/// The Monday that starts the ISO week of `night`.
pub fn week_of(night: NaiveDate) -> NaiveDate {
    night - Duration::days(night.weekday().num_days_from_monday() as i64)
}

/// One answer a radio gave, on the night it gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NightAnswer {
    pub night: NaiveDate,
    pub answer: Answer,
}

/// How well an answer was heard, 0 to 5: its readability; a relay counts
/// as 1 (the control room did not hear it), nothing heard as 0. A station
/// closed for the day was not called, so it has none.
pub fn heard_level(a: &Answer) -> Option<u8> {
    match a {
        Answer::Heard(n) => Some(*n),
        Answer::RelayedVia(_) => Some(1),
        Answer::NothingHeard => Some(0),
        Answer::ClosedToday => None,
    }
}

/// A radio's last [`HEALTH_NIGHTS`] nights, summed up for the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RadioNights {
    /// Oldest first, one per [`NIGHTS_PER_CELL`] nights: the mean of how
    /// well it was heard as a height 0 to [`TOP_LEVEL`], or none where it
    /// was not called (no roll-call, or closed).
    pub cells: Vec<Option<u8>>,
    /// Calls over the nights (closed days are not calls).
    pub calls: usize,
    pub relays: usize,
    pub nothing_heard: usize,
    /// Relayed or weak on three of its last five calls.
    pub poor: Option<PoorCalls>,
}

/// `answers` (oldest first) over the [`HEALTH_NIGHTS`] nights up to and
/// including `tonight`; answers from before them are left out.
pub fn radio_nights(answers: &[NightAnswer], tonight: NaiveDate) -> RadioNights {
    let cells = (HEALTH_NIGHTS / NIGHTS_PER_CELL) as usize;
    let mut sums = vec![(0u32, 0u32); cells];
    let mut out = RadioNights::default();
    let mut calls: Vec<&Answer> = Vec::new();
    for a in answers {
        let ago = (tonight - a.night).num_days();
        if !(0..HEALTH_NIGHTS).contains(&ago) {
            continue;
        }
        let Some(level) = heard_level(&a.answer) else {
            continue;
        };
        let cell = cells - 1 - (ago / NIGHTS_PER_CELL) as usize;
        sums[cell].0 += level as u32;
        sums[cell].1 += 1;
        out.calls += 1;
        match a.answer {
            Answer::RelayedVia(_) => out.relays += 1,
            Answer::NothingHeard => out.nothing_heard += 1,
            _ => {}
        }
        calls.push(&a.answer);
    }
    out.cells = sums
        .into_iter()
        .map(|(sum, n)| {
            (n > 0).then(|| {
                let mean = sum as f64 / n as f64;
                (mean / 5.0 * TOP_LEVEL as f64).round() as u8
            })
        })
        .collect();
    out.poor = poor_calls(&calls);
    out
}

/// A radio relayed or weak on three or more of its last five calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoorCalls {
    pub relayed: usize,
    pub weak: usize,
    /// The calls looked at: five, or fewer for a radio called less often.
    pub of: usize,
}

impl PoorCalls {
    /// "relayed 3/5", "weak 4/5", or "poor 3/5" when it was some of each.
    pub fn label(&self) -> String {
        let what = match (self.relayed, self.weak) {
            (_, 0) => "relayed",
            (0, _) => "weak",
            _ => "poor",
        };
        format!("{what} {}/{}", self.relayed + self.weak, self.of)
    }
}

/// `calls` oldest first (closed days already left out): flagged when three
/// of the last five were relayed or weak (readability 2 or less). Nothing
/// heard is neither: [`super::rollcall::needs_maintenance`] says that.
pub fn poor_calls(calls: &[&Answer]) -> Option<PoorCalls> {
    let last = &calls[calls.len().saturating_sub(5)..];
    let relayed = last
        .iter()
        .filter(|a| matches!(a, Answer::RelayedVia(_)))
        .count();
    let weak = last.iter().filter(|a| a.is_weak()).count();
    (relayed + weak >= 3).then_some(PoorCalls {
        relayed,
        weak,
        of: last.len(),
    })
}

/// One zone's answers in one ISO week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WeekShare {
    /// The week's Monday.
    pub week: NaiveDate,
    pub loud_and_clear: usize,
    /// Answers (closed days are not answers; nothing heard is one).
    pub answers: usize,
}

impl WeekShare {
    pub fn share(&self) -> Option<f64> {
        (self.answers > 0).then(|| self.loud_and_clear as f64 / self.answers as f64)
    }
}

/// The height 0 to [`TOP_LEVEL`] of a share loud and clear on a sparkline.
pub fn share_level(share: f64) -> u8 {
    (share.clamp(0.0, 1.0) * TOP_LEVEL as f64).round() as u8
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Up,
    Down,
    Steady,
}

impl Trend {
    pub fn word(self) -> &'static str {
        match self {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Steady => "steady",
        }
    }
}

/// `weeks` oldest first: the share loud and clear over the last
/// [`TREND_SPAN`] weeks against the span before, every answer counted
/// alike (a week of few roll-calls weighs little). None when either span
/// has no answers.
pub fn trend(weeks: &[WeekShare]) -> Option<Trend> {
    if weeks.len() < 2 * TREND_SPAN {
        return None;
    }
    let pooled = |ws: &[WeekShare]| {
        let (loud, all) = ws
            .iter()
            .fold((0, 0), |(l, a), w| (l + w.loud_and_clear, a + w.answers));
        (all > 0).then(|| loud as f64 / all as f64)
    };
    let n = weeks.len();
    let recent = pooled(&weeks[n - TREND_SPAN..])?;
    let before = pooled(&weeks[n - 2 * TREND_SPAN..n - TREND_SPAN])?;
    Some(if recent - before >= TREND_STEP {
        Trend::Up
    } else if before - recent >= TREND_STEP {
        Trend::Down
    } else {
        Trend::Steady
    })
}

/// One zone's weeks, oldest first, and where they are heading.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneWeeks {
    pub zone: String,
    pub weeks: Vec<WeekShare>,
    pub trend: Option<Trend>,
}

impl ZoneWeeks {
    /// This week's share loud and clear, if anyone has answered this week.
    pub fn this_week(&self) -> Option<f64> {
        self.weeks.last().and_then(WeekShare::share)
    }
}

/// Per zone, `(zone, night, loud and clear, answers)` binned into the
/// [`ZONE_WEEKS`] ISO weeks up to `tonight`'s, each with its trend; by zone
/// name as given. Nights before the first week are left out.
pub fn zone_weeks(
    rows: &[(String, NaiveDate, usize, usize)],
    tonight: NaiveDate,
) -> Vec<ZoneWeeks> {
    let last = week_of(tonight);
    let first = last - Duration::weeks(ZONE_WEEKS as i64 - 1);
    let mut out: Vec<ZoneWeeks> = Vec::new();
    for (zone, night, loud, answers) in rows {
        let week = week_of(*night);
        if week < first || week > last {
            continue;
        }
        let i = ((week - first).num_days() / 7) as usize;
        let z = match out.iter().position(|z| &z.zone == zone) {
            Some(k) => &mut out[k],
            None => {
                out.push(ZoneWeeks {
                    zone: zone.clone(),
                    weeks: (0..ZONE_WEEKS)
                        .map(|k| WeekShare {
                            week: first + Duration::weeks(k as i64),
                            ..WeekShare::default()
                        })
                        .collect(),
                    trend: None,
                });
                out.last_mut().expect("just pushed")
            }
        };
        z.weeks[i].loud_and_clear += loud;
        z.weeks[i].answers += answers;
    }
    for z in &mut out {
        z.trend = trend(&z.weeks);
    }
    out
}

/// Per zone, each radio's nights put under the zone `zones` says it is in
/// (by radio id; a radio in none is left out), then as [`zone_weeks`], by
/// zone name.
pub fn zone_weeks_of(
    nights: &HashMap<i64, Vec<NightAnswer>>,
    zones: &HashMap<i64, String>,
    tonight: NaiveDate,
) -> Vec<ZoneWeeks> {
    let mut by_night: BTreeMap<(&str, NaiveDate), (usize, usize)> = BTreeMap::new();
    for (radio, answers) in nights {
        let Some(zone) = zones.get(radio) else {
            continue;
        };
        for a in answers.iter().filter(|a| a.answer != Answer::ClosedToday) {
            let n = by_night.entry((zone, a.night)).or_default();
            n.0 += usize::from(a.answer == Answer::Heard(5));
            n.1 += 1;
        }
    }
    let rows: Vec<_> = by_night
        .into_iter()
        .map(|((zone, night), (loud, answers))| (zone.to_string(), night, loud, answers))
        .collect();
    zone_weeks(&rows, tonight)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Answer::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn night(s: &str, answer: Answer) -> NightAnswer {
        NightAnswer {
            night: d(s),
            answer,
        }
    }

    #[test]
    fn a_call_after_midnight_belongs_to_the_evening_before() {
        let tz: Tz = "Europe/London".parse().unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 00:30 BST on Saturday 27 June is Friday's night
        assert_eq!(night_date(at("2026-06-26T23:30:00Z"), tz), d("2026-06-26"));
        assert_eq!(night_date(at("2026-06-26T19:00:00Z"), tz), d("2026-06-26"));
        assert_eq!(night_date(at("2026-06-27T05:30:00Z"), tz), d("2026-06-27"));
        // Sunday night is the week that began on Monday; Monday starts the next
        assert_eq!(week_of(d("2026-06-28")), d("2026-06-22"));
        assert_eq!(week_of(d("2026-06-29")), d("2026-06-29"));
    }

    #[test]
    fn the_sparkline_puts_tonight_last_and_dips_where_a_radio_was_not_heard() {
        let tonight = d("2026-11-27");
        let answers = [
            night("2026-08-29", Heard(5)), // the 91st night back: outside
            night("2026-08-30", Heard(1)), // the 90th: the first cell
            night("2026-11-23", Heard(5)),
            night("2026-11-24", ClosedToday),
            night("2026-11-25", NothingHeard),
            night("2026-11-26", RelayedVia("MS02".into())),
            night("2026-11-27", Heard(4)),
        ];
        let n = radio_nights(&answers, tonight);
        assert_eq!(n.cells.len(), 18);
        // readability 1 of 5 alone in the first cell
        assert_eq!(n.cells[0], Some(1));
        assert!(n.cells[1..17].iter().all(Option::is_none));
        // the last five nights: 5, 0, 1, 4 (closed is no call) average 2.5
        assert_eq!(n.cells[17], Some(4));
        assert_eq!((n.calls, n.relays, n.nothing_heard), (5, 1, 1));
        // loud and clear every night reaches the top; nothing heard the bottom
        let all = |a: Answer| {
            let xs: Vec<NightAnswer> = (0..5)
                .map(|k| NightAnswer {
                    night: tonight - Duration::days(k),
                    answer: a.clone(),
                })
                .collect();
            radio_nights(&xs, tonight).cells[17]
        };
        assert_eq!(all(Heard(5)), Some(TOP_LEVEL));
        assert_eq!(all(NothingHeard), Some(0));
        assert_eq!(all(ClosedToday), None);
    }

    #[test]
    fn three_relayed_or_weak_of_the_last_five_calls_flag_a_radio_two_do_not() {
        let relay = || RelayedVia("HS02".into());
        let flag = |xs: &[Answer]| poor_calls(&xs.iter().collect::<Vec<_>>());
        assert_eq!(
            flag(&[Heard(5), relay(), Heard(5), relay(), Heard(4)]),
            None,
            "two"
        );
        let three = flag(&[Heard(5), relay(), Heard(5), relay(), relay()]).unwrap();
        assert_eq!(three.label(), "relayed 3/5");
        let weak = flag(&[Heard(2), Heard(1), Heard(3), Heard(2), Heard(5)]).unwrap();
        assert_eq!(weak.label(), "weak 3/5");
        assert_eq!(
            flag(&[relay(), Heard(2), NothingHeard, Heard(1)])
                .unwrap()
                .label(),
            "poor 3/4",
            "a radio called four times is judged on the four"
        );
        // three poor calls, but the last five are good: long past
        assert_eq!(
            flag(&[
                relay(),
                relay(),
                relay(),
                Heard(5),
                Heard(5),
                Heard(5),
                Heard(5),
                Heard(4)
            ]),
            None
        );
        // readability 3 is not weak; nothing heard is neither
        assert_eq!(
            flag(&[Heard(3), Heard(3), Heard(3), NothingHeard, NothingHeard]),
            None
        );
    }

    #[test]
    fn a_trend_compares_the_last_four_weeks_with_the_four_before() {
        let w = |loud: usize, answers: usize| WeekShare {
            week: d("2026-01-05"),
            loud_and_clear: loud,
            answers,
        };
        let weeks = |before: [(usize, usize); 4], recent: [(usize, usize); 4]| {
            let mut v = vec![w(0, 0); 4]; // older weeks count for nothing
            v.extend(before.iter().chain(recent.iter()).map(|&(l, a)| w(l, a)));
            trend(&v)
        };
        // 70% → 80%
        assert_eq!(weeks([(7, 10); 4], [(8, 10); 4]), Some(Trend::Up));
        assert_eq!(weeks([(8, 10); 4], [(7, 10); 4]), Some(Trend::Down));
        // 70% → 73%: steady
        assert_eq!(
            weeks([(7, 10); 4], [(8, 10), (7, 10), (7, 10), (7, 10)]),
            Some(Trend::Steady)
        );
        // a week of one bad answer weighs one answer, not a quarter
        assert_eq!(
            weeks([(8, 10); 4], [(8, 10), (8, 10), (8, 10), (0, 1)]),
            Some(Trend::Steady)
        );
        assert_eq!(
            weeks([(0, 0); 4], [(8, 10); 4]),
            None,
            "nothing to compare with"
        );
        assert_eq!(trend(&[w(1, 1); 7]), None);
    }

    #[test]
    fn zone_weeks_fill_twelve_weeks_to_this_one_and_leave_older_nights_out() {
        let tonight = d("2026-11-27"); // a Friday; the week began 23 November
        let rows = vec![
            ("High Street".to_string(), d("2026-11-23"), 4, 5),
            ("High Street".to_string(), d("2026-11-26"), 5, 5),
            ("Market Square".to_string(), d("2026-09-07"), 1, 2), // the first week
            ("Market Square".to_string(), d("2026-09-06"), 9, 9), // the week before it
        ];
        let z = zone_weeks(&rows, tonight);
        assert_eq!(z.len(), 2);
        assert_eq!(z[0].zone, "High Street");
        assert_eq!(z[0].weeks.len(), ZONE_WEEKS);
        assert_eq!(z[0].weeks[11].week, d("2026-11-23"));
        assert_eq!(z[0].this_week(), Some(0.9));
        assert_eq!(z[1].weeks[0].week, d("2026-09-07"));
        assert_eq!(
            (z[1].weeks[0].loud_and_clear, z[1].weeks[0].answers),
            (1, 2)
        );
        assert_eq!(z[1].this_week(), None);
        assert_eq!(z[1].trend, None, "no answers in the last four weeks");
        assert_eq!(share_level(1.0), TOP_LEVEL);
        assert_eq!(share_level(0.0), 0);
    }
}
