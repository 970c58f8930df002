//! The members pane: member businesses, their staff's training, and
//! membership over time. Read from the store when the pane opens, when the
//! view changes, and when the store changes while it is showing.

use super::App;
use crate::domain::member::MonthCount;
use crate::store::members::{MemberRow, TrainingRecord};
use chrono::NaiveDate;

/// The chart covers this many months, ending with this one.
pub const CHART_MONTHS: u32 = 12;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MembersView {
    #[default]
    Members,
    Training,
    OverTime,
}

impl MembersView {
    pub fn next(self) -> MembersView {
        match self {
            MembersView::Members => MembersView::Training,
            MembersView::Training => MembersView::OverTime,
            MembersView::OverTime => MembersView::Members,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MembersView::Members => "members",
            MembersView::Training => "training",
            MembersView::OverTime => "membership over time",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct MembersPane {
    pub view: MembersView,
    pub rows: Vec<MemberRow>,
    pub training: Vec<TrainingRecord>,
    pub months: Vec<MonthCount>,
    pub selected: usize,
    /// The day the figures were judged against (the scheme's today).
    pub today: Option<NaiveDate>,
    pub error: Option<String>,
}

impl MembersPane {
    /// Rows the selection moves over in the view shown.
    pub fn len(&self) -> usize {
        match self.view {
            MembersView::Members => self.rows.len(),
            MembersView::Training => self.training.len(),
            MembersView::OverTime => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl App {
    pub(crate) fn reload_members(&mut self) {
        let now = self.now();
        let today = now.with_timezone(&self.tz).date_naive();
        let read = || -> crate::store::Result<_> {
            Ok((
                self.store.member_rows(now)?,
                self.store.training_records()?,
                self.store.membership_by_month(today, CHART_MONTHS)?,
            ))
        };
        match read() {
            Ok((rows, training, months)) => {
                self.members_pane.rows = rows;
                self.members_pane.training = training;
                self.members_pane.months = months;
                self.members_pane.error = None;
            }
            Err(e) => {
                self.members_pane.error = Some(e.to_string());
                self.store_error(e);
            }
        }
        self.members_pane.today = Some(today);
        let n = self.members_pane.len();
        self.members_pane.selected = self.members_pane.selected.min(n.saturating_sub(1));
    }

    /// `v`: members, then training, then membership over time.
    pub(crate) fn cycle_members_view(&mut self) {
        self.members_pane.view = self.members_pane.view.next();
        self.members_pane.selected = 0;
        self.reload_members();
        let label = self.members_pane.view.label();
        self.info(format!("showing {label}"));
    }

    /// The store changed: read again if the pane is showing.
    pub(crate) fn members_store_changed(&mut self) {
        if self.pane == super::Pane::Members {
            self.reload_members();
        }
    }
}
