//! The activity pane: the audit trail, filtered, and the retention review.
//!
//! [`Activity`] is plain state: the filter as typed, what was read, and the
//! selection. Both reads can be long on a large store (words in the filter
//! scan the whole trail; the review reads every closed incident), so the
//! app hands them to the store worker and the pane says it is reading.

use super::effect::{moved, Effect, Nav};
use super::{work, App};
use crate::domain::audit::AuditAction;
use crate::domain::exclusion::local_day_start;
use crate::domain::permission::{allowed, Permission};
use crate::domain::retention::DueItem;
use crate::domain::retention::DueKind;
use crate::store::audit::AuditQuery;
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
    /// A read on its way from the store worker.
    pub reading: bool,
    /// The store changed while it was on its way: read again when it comes.
    pub again: bool,
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

impl Activity {
    /// `v`: the audit trail or the retention review (for those allowed to
    /// review; anyone else is refused, and the refusal is audited).
    pub fn next_view(&mut self, may_review: bool) -> Vec<Effect> {
        let next = match self.view {
            ActivityView::Audit => ActivityView::Retention,
            ActivityView::Retention => ActivityView::Audit,
        };
        if next == ActivityView::Retention && !may_review {
            return vec![Effect::Refuse(Permission::RunRetention)];
        }
        self.view = next;
        self.selected = 0;
        vec![Effect::Reload(super::Pane::Activity)]
    }

    /// A move in the trail or the retention review. Enter opens the
    /// incident a record is about, or reviews a record that is due (a
    /// person's is a profile view like any other: asked why, audited).
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav == Nav::NextView {
            // the retention review needs its own permission: see next_view
            return vec![];
        }
        if nav != Nav::Open {
            let n = match self.view {
                ActivityView::Audit => self.records.len(),
                ActivityView::Retention => self.due.len(),
            };
            moved(&mut self.selected, n, nav);
            return vec![];
        }
        let effect = match self.view {
            ActivityView::Retention => self.due.get(self.selected).map(|item| match item.kind {
                DueKind::IdSought | DueKind::Known | DueKind::Merged => Effect::AskWhy {
                    offender: item.id,
                    why: Some("retention review"),
                },
                DueKind::ClosedIncident => Effect::OpenIncident(item.id),
                DueKind::Sighting => Effect::Say(
                    "a sighting past its period: it goes when retention is applied".into(),
                ),
            }),
            ActivityView::Audit => self
                .records
                .get(self.selected)
                .and_then(|r| (r.entity == "incident").then_some(r.entity_id).flatten())
                .map(Effect::OpenIncident),
        };
        effect.into_iter().collect()
    }

    /// The filter as a query of the trail, its days the scheme's; a mistake
    /// is said, naming the word.
    pub fn query(&self, tz: chrono_tz::Tz) -> Result<AuditQuery, String> {
        let day = |v: &str| {
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| format!("“{v}” is not a date (YYYY-MM-DD)"))
        };
        let mut f = AuditQuery::default();
        for word in self.filter.split_whitespace() {
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
                Some(("since", v)) => f.since = Some(local_day_start(day(v)?, tz)),
                Some(("until", v)) => {
                    f.until = Some(local_day_start(day(v)?.succ_opt().unwrap_or(day(v)?), tz))
                }
                _ => f.words.push(word.to_string()),
            }
        }
        Ok(f)
    }

    pub fn got_records(&mut self, records: Vec<AuditRecord>) {
        self.records = records;
        self.selected = self.selected.min(self.records.len().saturating_sub(1));
    }

    pub fn got_due(&mut self, due: Vec<DueItem>) {
        self.due = due;
        self.selected = self.selected.min(self.due.len().saturating_sub(1));
    }
}

impl App {
    /// Read what the pane shows again, on the store worker.
    pub(super) fn reload_activity(&mut self) {
        let job = match self.activity.view {
            ActivityView::Retention => work::Job::Retention {
                rules: self.config.retention,
                now: self.now(),
            },
            ActivityView::Audit => match self.activity.query(self.tz) {
                Ok(query) => work::Job::Audit {
                    query,
                    limit: ACTIVITY_LIMIT,
                },
                Err(e) => {
                    if let Some(i) = &mut self.input {
                        i.error = Some(e);
                    }
                    return;
                }
            },
        };
        let now = self.now();
        self.work.queue(job, now);
        self.activity.reading = true;
        self.activity.again = false;
    }

    /// The store changed: read again, or, with a read on its way, once it
    /// comes (a commit a second must not restart a scan of the trail each
    /// time, or it never finishes).
    pub(super) fn refresh_activity(&mut self) {
        if self.activity.reading {
            self.activity.again = true;
        } else {
            self.reload_activity();
        }
    }

    fn read_again_if_changed(&mut self) {
        if std::mem::take(&mut self.activity.again) {
            self.reload_activity();
        }
    }

    pub(super) fn audit_done(&mut self, records: Result<Vec<AuditRecord>, String>) {
        self.activity.reading = false;
        match records {
            Ok(r) if self.activity.view == ActivityView::Audit => self.activity.got_records(r),
            Ok(_) => {}
            Err(e) => self.warn(format!("the audit trail could not be read: {e}")),
        }
        self.read_again_if_changed();
    }

    pub(super) fn retention_done(&mut self, due: Result<Vec<DueItem>, String>) {
        self.activity.reading = false;
        match due {
            Ok(d) if self.activity.view == ActivityView::Retention => self.activity.got_due(d),
            Ok(_) => {}
            Err(e) => self.warn(format!("the retention review could not be read: {e}")),
        }
        self.read_again_if_changed();
    }
}

impl App {
    /// `v` on the activity pane: the audit trail or the retention review.
    pub(super) fn cycle_activity_view(&mut self) {
        let may_review = allowed(self.role(), Permission::RunRetention);
        let effects = self.activity.next_view(may_review);
        self.run(effects);
    }
}
