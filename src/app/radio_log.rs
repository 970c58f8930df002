//! The radio log and the past roll-calls as long lists: read from the store
//! a window at a time around the row selected, so the log scrolls back to
//! its first line and the roll-calls to the first night however many there
//! are; the log narrowed by call sign, words and day; a past roll-call
//! opened station by station.

use super::radio::RadioView;
use super::App;
use crate::store::radio_log::{LogFilter, PastRollCall};
use chrono::{Datelike as _, Duration, NaiveDate, TimeZone as _};

/// Rows read at a time: many screens' worth, so scrolling reads seldom.
pub const WINDOW: usize = 200;

/// A window of a long list: `rows` are rows `offset..` of `total`.
#[derive(Debug, Clone)]
pub struct Window<T> {
    pub rows: Vec<T>,
    pub offset: usize,
    pub total: usize,
}

impl<T> Default for Window<T> {
    fn default() -> Self {
        Window {
            rows: vec![],
            offset: 0,
            total: 0,
        }
    }
}

impl<T> Window<T> {
    /// Row `i` of the whole list, if it is in the window.
    pub fn get(&self, i: usize) -> Option<&T> {
        i.checked_sub(self.offset).and_then(|j| self.rows.get(j))
    }

    /// Where to read from for row `i` to be in the window, if it is not.
    pub fn wants(&self, i: usize) -> Option<usize> {
        let inside = i >= self.offset && i < self.offset + self.rows.len();
        (!inside && i < self.total).then(|| i.saturating_sub(WINDOW / 2))
    }
}

/// The log's filter as typed: a word that is a radio's call sign keeps its
/// lines, a date (`2026-11-20`, `today`, `yesterday`) that day's in the
/// scheme's time, and other words the messages holding them. A date that
/// is no date is said, and the rest still applies.
pub fn parse_log_filter(
    text: &str,
    call_signs: &[String],
    tz: chrono_tz::Tz,
    today: NaiveDate,
) -> (LogFilter, Option<String>) {
    let mut f = LogFilter::default();
    let mut problem = None;
    for word in text.split_whitespace() {
        let day = match word.to_lowercase().as_str() {
            "today" => Some(Ok(today)),
            "yesterday" => Some(Ok(today - Duration::days(1))),
            w if looks_like_date(w) => Some(NaiveDate::parse_from_str(w, "%Y-%m-%d")),
            _ => None,
        };
        match day {
            Some(Ok(d)) => f.between = Some(day_bounds(d, tz)),
            Some(Err(_)) => {
                problem = Some(format!(
                    "“{}” is not a day: write it as YYYY-MM-DD",
                    crate::domain::text::clean(word)
                ))
            }
            None if call_signs.iter().any(|c| c.eq_ignore_ascii_case(word)) => {
                f.call_sign = Some(word.to_uppercase())
            }
            None => f.words.push(word.to_string()),
        }
    }
    (f, problem)
}

pub(crate) fn looks_like_date(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-'
}

/// A day in the scheme's time, as instants: from its first moment to the next day's.
pub(crate) fn day_bounds(
    d: NaiveDate,
    tz: chrono_tz::Tz,
) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
    let start = |d: NaiveDate| {
        // a day begins at midnight, or on the clocks going forward the moment after
        let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        tz.from_local_datetime(&midnight)
            .earliest()
            .unwrap_or_else(|| tz.from_utc_datetime(&midnight))
            .with_timezone(&chrono::Utc)
    };
    (start(d), start(d.succ_opt().unwrap_or(d)))
}

impl App {
    /// The log's filter as now typed, applied: the log read again from its newest line.
    pub(crate) fn set_log_filter(&mut self, text: &str) -> Option<String> {
        self.radio.log_filter = text.to_string();
        self.radio.view = RadioView::Log;
        self.radio.selected = 0;
        self.radio.log.offset = 0;
        let problem = self.read_log_filter().1;
        self.read_radio_log();
        problem
    }

    fn read_log_filter(&self) -> (LogFilter, Option<String>) {
        let tz = self.tz;
        let today = self.now().with_timezone(&tz).date_naive();
        parse_log_filter(&self.radio.log_filter, &self.radio.call_signs, tz, today)
    }

    /// The log's window around the row selected, as the filter keeps it.
    /// A line added since (at the newest end) keeps the same line selected,
    /// unless the newest was: then the newest still is.
    pub(crate) fn read_radio_log(&mut self) {
        let (filter, _) = self.read_log_filter();
        let result = (|| {
            let total = self.store.radio_log_count(&filter)?;
            let before = self.radio.log.total;
            let log = &mut self.radio.log;
            // the selection is the log's only while the log is shown
            let shown = self.radio.view == RadioView::Log;
            let mut selected = if shown { self.radio.selected } else { 0 };
            if selected > 0 && before > 0 && total > before {
                selected += total - before;
                log.offset += total - before;
            }
            let selected = selected.min(total.saturating_sub(1));
            if shown {
                self.radio.selected = selected;
            }
            let offset = if selected >= log.offset && selected < log.offset + WINDOW {
                log.offset
            } else {
                selected.saturating_sub(WINDOW / 2)
            };
            let rows = self
                .store
                .radio_log_window(&filter, offset, WINDOW, total)?;
            self.radio.log = super::radio_log::Window {
                rows,
                offset,
                total,
            };
            Ok::<_, crate::store::StoreError>(())
        })();
        if let Err(e) = result {
            self.store_error(e);
        }
    }

    /// The whole radio log, at line `id` (a message found by `:find`).
    pub(crate) fn show_radio_line(&mut self, id: i64) {
        self.radio.view = RadioView::Log;
        self.radio.past = None;
        self.radio.log_filter.clear();
        match self.store.radio_log_position(id) {
            Ok(Some(at)) => {
                self.radio.selected = at;
                // read afresh around it: the window held may be of a filter
                self.radio.log = Window::default();
                self.read_radio_log();
            }
            Ok(None) => self.warn(format!("radio message #{id} is no longer kept")),
            Err(e) => self.store_error(e),
        }
    }

    /// The past roll-calls' window around the one selected.
    pub(crate) fn read_roll_calls(&mut self) {
        let result = (|| {
            let total = self.store.roll_call_count()?;
            let r = &self.radio.recent;
            let shown = self.radio.view == RadioView::RollCall && self.radio.lists_roll_calls();
            let selected = if shown { self.radio.selected } else { 0 };
            let selected = selected.min(total.saturating_sub(1));
            let offset = if r.total == total && selected >= r.offset && selected < r.offset + WINDOW
            {
                r.offset
            } else {
                selected.saturating_sub(WINDOW / 2)
            };
            let rows = self.store.roll_calls_window(offset, WINDOW)?;
            self.radio.recent = Window {
                rows,
                offset,
                total,
            };
            Ok::<_, crate::store::StoreError>(())
        })();
        if let Err(e) = result {
            self.store_error(e);
        }
    }

    /// Enter on a past roll-call: open it station by station.
    pub(crate) fn open_past_roll_call(&mut self, id: i64) {
        match self.store.past_roll_call(id) {
            Ok(Some(past)) => {
                self.radio.back_to = self.radio.selected;
                self.radio.selected = 0;
                self.radio.past = Some(past);
            }
            Ok(None) => self.warn(format!("roll-call #{id} is no longer kept")),
            Err(e) => self.store_error(e),
        }
    }

    /// Esc on a past roll-call: back to the list, at the one it was.
    pub(crate) fn close_past_roll_call(&mut self) -> bool {
        if self.radio.past.take().is_none() {
            return false;
        }
        self.radio.selected = self.radio.back_to;
        // back to the list where it was, not to its newest
        self.radio.listing = true;
        true
    }

    /// The selection moved past the window read: read the window around it.
    pub(crate) fn radio_window(&mut self) {
        match self.radio.view {
            RadioView::Log => self.read_radio_log(),
            RadioView::RollCall => self.read_roll_calls(),
            RadioView::Inventory => {}
        }
    }
}

/// A past roll-call's heading: when, what kind, and how it ended.
pub fn past_heading(p: &PastRollCall, tz: chrono_tz::Tz) -> String {
    let r = &p.record;
    let started = r.started_at.with_timezone(&tz);
    let kind = if r.voided.is_some() {
        "void"
    } else if r.practice {
        "practice"
    } else {
        "roll-call"
    };
    format!(
        "{kind} #{} · {} {} {} · begun by {}",
        r.id,
        started.format("%a"),
        started.day(),
        started.format("%b %Y %H:%M"),
        if r.started_by.is_empty() {
            "(not kept)"
        } else {
            &r.started_by
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signs() -> Vec<String> {
        vec!["HS02".into(), "MS01".into()]
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    }

    #[test]
    fn a_call_sign_a_day_and_words_each_narrow_the_log() {
        let tz = chrono_tz::Europe::London;
        let (f, problem) = parse_log_filter("hs02 shutter 2026-11-03", &signs(), tz, today());
        assert_eq!(problem, None);
        assert_eq!(f.call_sign.as_deref(), Some("HS02"));
        assert_eq!(f.words, vec!["shutter".to_string()]);
        let (from, to) = f.between.unwrap();
        assert_eq!(from.to_rfc3339(), "2026-11-03T00:00:00+00:00");
        assert_eq!(to - from, Duration::hours(24));
        // a word that is no radio's call sign is looked for in the messages
        let (f, _) = parse_log_filter("HS99", &signs(), tz, today());
        assert_eq!((f.call_sign, f.words), (None, vec!["HS99".to_string()]));
    }

    #[test]
    fn yesterday_is_the_scheme_day_before_and_summer_days_start_at_local_midnight() {
        let tz = chrono_tz::Europe::London;
        let (f, _) = parse_log_filter("yesterday", &signs(), tz, today());
        assert_eq!(
            f.between.unwrap().0.to_rfc3339(),
            "2026-11-19T00:00:00+00:00"
        );
        let (f, _) = parse_log_filter("2026-07-01", &signs(), tz, today());
        assert_eq!(
            f.between.unwrap().0.to_rfc3339(),
            "2026-06-30T23:00:00+00:00"
        );
        // the day the clocks go back is 25 hours long
        let (f, _) = parse_log_filter("2026-10-25", &signs(), tz, today());
        let (from, to) = f.between.unwrap();
        assert_eq!(to - from, Duration::hours(25));
    }

    #[test]
    fn a_date_that_is_no_day_is_said_and_the_rest_still_narrows() {
        let tz = chrono_tz::Europe::London;
        let (f, problem) = parse_log_filter("2026-13-40 MS01", &signs(), tz, today());
        assert!(problem.unwrap().contains("YYYY-MM-DD"));
        assert_eq!(f.between, None);
        assert_eq!(f.call_sign.as_deref(), Some("MS01"));
    }

    #[test]
    fn a_window_asks_for_a_read_only_for_a_row_outside_it() {
        let w = Window {
            rows: vec![0; WINDOW],
            offset: 0,
            total: 1000,
        };
        assert_eq!(w.wants(5), None);
        assert_eq!(w.wants(WINDOW - 1), None);
        assert_eq!(w.wants(999), Some(999 - WINDOW / 2));
        assert_eq!(w.get(3), Some(&0));
        assert_eq!(w.get(WINDOW), None);
        assert_eq!(w.wants(1000), None, "past the end is nothing to read");
    }
}
