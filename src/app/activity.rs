//! The activity pane: the audit trail, filtered, and the retention review.

use super::App;
use crate::domain::audit::AuditAction;
use crate::domain::permission::Permission;
use crate::domain::retention::DueItem;
use crate::store::AuditRecord;

#[derive(Debug, Clone, Default)]
pub struct Activity {
    /// A manager's filter: `who:alex did:view offender:12 since:2026-11-01 until:2026-11-30 words`.
    pub filter: String,
    pub records: Vec<AuditRecord>,
    pub selected: usize,
    pub offset: usize,
    pub view: ActivityView,
    /// What the retention rules say is due now, and why (the review view).
    pub due: Vec<DueItem>,
}

/// The activity pane's two views, both a manager's: `v` switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ActivityView {
    /// Who did what: the audit trail.
    #[default]
    Audit,
    /// What the scheme may no longer keep, and why; applied from the shell.
    Retention,
}

pub(super) const ACTIVITY_LIMIT: usize = 500;

impl App {
    pub(super) fn reload_activity(&mut self) {
        if self.activity.view == ActivityView::Retention {
            match self.store.retention_due(&self.config.retention, self.now()) {
                Ok(due) => {
                    self.activity.selected =
                        self.activity.selected.min(due.len().saturating_sub(1));
                    self.activity.due = due;
                }
                Err(e) => self.store_error(e),
            }
            return;
        }
        let records = match self.activity_filter() {
            Ok(f) => self.store.audit_filtered(&f, ACTIVITY_LIMIT),
            Err(e) => {
                if let Some(i) = &mut self.input {
                    i.error = Some(e);
                }
                return;
            }
        };
        match records {
            Ok(r) => {
                self.activity.records = r;
                self.activity.selected = self
                    .activity
                    .selected
                    .min(self.activity.records.len().saturating_sub(1));
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn activity_filter(&self) -> Result<crate::store::audit::AuditQuery, String> {
        use crate::domain::exclusion::local_day_start;
        let day = |v: &str| {
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| format!("“{v}” is not a date (YYYY-MM-DD)"))
        };
        let mut f = crate::store::audit::AuditQuery::default();
        for word in self.activity.filter.split_whitespace() {
            match word.split_once(':') {
                Some(("who", v)) => f.who = Some(v.replace('_', " ")),
                Some(("did", v)) => f.action = Some(AuditAction::parse(v)?),
                Some(("offender" | "o", v)) => {
                    f.offender = Some(
                        v.trim_start_matches('#')
                            .parse()
                            .map_err(|_| format!("offender:{v} needs a record number"))?,
                    )
                }
                Some(("since", v)) => f.since = Some(local_day_start(day(v)?, self.tz)),
                Some(("until", v)) => {
                    f.until = Some(local_day_start(
                        day(v)?.succ_opt().unwrap_or(day(v)?),
                        self.tz,
                    ))
                }
                _ => f.words.push(word.to_string()),
            }
        }
        Ok(f)
    }
}

impl App {
    /// `v` on the activity pane: the audit trail or the retention review.
    pub(super) fn cycle_activity_view(&mut self) {
        let next = match self.activity.view {
            ActivityView::Audit => ActivityView::Retention,
            ActivityView::Retention => ActivityView::Audit,
        };
        if next == ActivityView::Retention && !self.permit(Permission::RunRetention) {
            return;
        }
        self.activity.view = next;
        self.activity.selected = 0;
        self.reload_activity();
    }
}
