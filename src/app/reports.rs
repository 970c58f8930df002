//! The reports pane: the committee report's figures for a period, read from
//! the store when the pane opens, when the period changes, and when the
//! store changes — never on a frame. Counts only, so every role may see it.

use super::effect::{Effect, Nav};
use super::work::{Job, Purpose};
use super::App;
use crate::domain::report::{PeriodPreset, Report, ReportPeriod};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Another console's commits reload the figures at most this often: a year
/// of a large store takes a noticeable moment, and ingest may commit many
/// times a second.
pub const REFRESH_AT_MOST_EVERY: Duration = Duration::seconds(5);

#[derive(Debug, Clone, Default)]
pub struct ReportsPane {
    /// `v` steps through: the last 12 months, this month, this year so far.
    pub preset: PeriodPreset,
    /// Whole periods back from the one ending today (`[` and `]`).
    pub back: u32,
    /// The figures shown, for `period`.
    pub report: Option<Report>,
    pub period: Option<ReportPeriod>,
    /// The store has changed since the figures were read.
    pub stale: bool,
    pub loaded_at: Option<DateTime<Utc>>,
    /// Why the figures could not be read, if they could not.
    pub error: Option<String>,
}

impl ReportsPane {
    /// `v`: the next kind of period, ending today. Nothing else moves here.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav != Nav::NextView {
            return vec![];
        }
        self.preset = self.preset.next();
        self.back = 0;
        vec![Effect::Report]
    }

    /// `[` (earlier) and `]` (later, but never past the one ending today).
    pub fn step_period(&mut self, later: bool) -> Vec<Effect> {
        let back = if later {
            self.back.saturating_sub(1)
        } else {
            // nothing is kept from before the Common Era
            (self.back + 1).min(2000)
        };
        if back == self.back {
            return vec![Effect::Say(
                "this is the latest period: it ends today".into(),
            )];
        }
        self.back = back;
        vec![Effect::Report]
    }

    /// What the title calls the period shown.
    pub fn describe(&self) -> String {
        match &self.period {
            Some(p) => self.preset.describe(p, self.back),
            None => String::new(),
        }
    }
}

impl App {
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.tz).date_naive()
    }

    /// Read the figures for the period chosen, ending no later than today:
    /// on the store worker (a year of a large store takes a moment), the
    /// figures shown until then staying on screen, marked as being redone.
    pub(crate) fn reload_report(&mut self) {
        let period = self.reports.preset.period(self.today(), self.reports.back);
        let now = self.now();
        self.work.queue(
            Job::Report {
                period,
                tz: self.tz,
                ladder: self.rules.ladder.clone(),
                police: self.config.police.rules(),
                now,
            },
            now,
        );
        self.reports.period = Some(period);
        self.reports.stale = false;
        self.reports.loaded_at = Some(now);
    }

    /// Whether figures are being worked out now.
    pub fn report_working(&self) -> bool {
        self.work.busy(Purpose::Report).is_some()
    }

    /// The worker's figures: shown only if they are for the period still chosen.
    pub(crate) fn report_done(
        &mut self,
        period: ReportPeriod,
        report: Result<Box<Report>, String>,
    ) {
        if self.reports.period != Some(period) {
            return;
        }
        match report {
            Ok(r) => {
                self.reports.report = Some(*r);
                self.reports.error = None;
            }
            Err(e) => {
                self.reports.error = Some(e.clone());
                self.error(e);
            }
        }
    }

    /// The pane opened: figures if it has none, or the store has moved on.
    pub(crate) fn open_reports(&mut self) {
        let today_changed = self
            .reports
            .period
            .is_some_and(|p| p != self.reports.preset.period(self.today(), self.reports.back));
        if self.reports.report.is_none() || self.reports.stale || today_changed {
            self.reload_report();
        }
    }

    /// The store changed (another console, or this one): the figures are
    /// read again now if the pane is showing and they are not fresh, else
    /// when it is next shown or on a later tick.
    pub(crate) fn reports_store_changed(&mut self) {
        self.reports.stale = true;
        self.reports_tick();
    }

    pub(crate) fn reports_tick(&mut self) {
        if self.pane != super::Pane::Reports || !self.reports.stale {
            return;
        }
        let due = self
            .reports
            .loaded_at
            .is_none_or(|t| self.now() - t >= REFRESH_AT_MOST_EVERY);
        if due {
            self.reload_report();
        }
    }
}
