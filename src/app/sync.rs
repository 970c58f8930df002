//! Time and other consoles: the tick, reloading what is on screen after
//! another connection commits, the store worker's results, and the store's
//! failures.

use super::{work, App, Pane};
use crate::domain::audit::AuditAction;
use crate::store::{AuditRecord, Gone, StoreError};

impl App {
    pub(super) fn store_error(&mut self, e: StoreError) {
        match e {
            StoreError::Invalid(_)
            | StoreError::NotFound(_)
            | StoreError::Stale { .. }
            | StoreError::RollCallClash(_) => self.warn(e.describe(self.tz)),
            StoreError::Gone(gone) => {
                let text = StoreError::Gone(gone.clone()).to_string();
                self.store_went(gone);
                self.store_failed = Some(text.clone());
                self.error(text);
            }
            other => {
                self.store_ok = false;
                tracing::error!(error = %other, "store");
                let text = other.to_string();
                self.store_failed = Some(text.clone());
                self.error(text);
            }
        }
    }

    /// The store's files have gone (seen by the watcher or by a refused
    /// write): the console stays in the error state for good, rings once,
    /// and keeps on screen whatever is typed.
    pub(super) fn store_went(&mut self, gone: Gone) {
        self.store_ok = false;
        if self.store_gone.is_some() {
            return;
        }
        tracing::error!(what = %gone, "the store has gone: every write is refused");
        self.bell = true;
        self.store_gone = Some(gone);
    }

    /// The watcher saw the store's files gone, before any write.
    pub(super) fn store_gone_seen(&mut self, gone: Gone) {
        let first = self.store_gone.is_none();
        self.store_went(gone.clone());
        if first {
            // the banner over the board says the rest, and stays
            self.error(format!(
                "{gone} while this console had it open: nothing more can be saved here"
            ));
        }
    }

    /// What the store's paths hold now, after it has gone: the console stays
    /// stopped whatever comes back.
    pub(super) fn store_since(&mut self, now: Option<Gone>) {
        let Some(first) = &self.store_gone else {
            return;
        };
        let store = first.store.display().to_string();
        let text = match now {
            None => format!(
                "{store} is back at its path, but this console stays stopped (nothing more is saved here): start the console again to go on"
            ),
            Some(g) if matches!(g.change, crate::store::files::Change::Replaced | crate::store::files::Change::NotAFile(_)) => format!(
                "something new is at {}, but it is not the store this console opened: this console stays stopped — start it again to use it",
                g.path.display()
            ),
            Some(g) => format!("{g}; this console stays stopped — {}", g.advice()),
        };
        self.error(text);
    }

    pub(super) fn tick(&mut self) {
        let now = self.now();
        self.toasts.retain(|t| t.until > now);
        if self.message.as_ref().is_some_and(|m| m.until <= now) {
            self.message = None;
        }
        self.escalate_hits();
        self.tell_newly_stale();
        self.lock_if_idle();
        self.reports_tick();
    }

    /// Another console (or ingest) committed: reload what is on screen and say what arrived.
    pub(super) fn store_changed(&mut self) {
        match self.store.data_version() {
            // only this console's own commits since the last look: its
            // screen was brought up to date when it wrote, and a roll-call's
            // keys must not wait on a reload
            Ok(v) if v == self.seen_version => return,
            Ok(v) => self.seen_version = v,
            Err(e) => {
                self.dirty = true;
                return self.store_error(e);
            }
        }
        self.dirty = true;
        self.reloads += 1;
        if !self.reload_places() {
            return;
        }
        if self.pane == Pane::Setup {
            self.reload_setup();
        }
        // a store that has gone stays in error whatever it reads
        self.store_ok = self.store_gone.is_none();
        // hits first: an alert must not wait for the rest of the screen
        let counted = self.seen_counts();
        self.announce_new_hits();
        self.refresh_hits();
        self.announce_seen_again(&counted);
        self.update_index();
        self.refresh_profile();
        self.refresh_on_air();
        self.radio_store_changed();
        self.reports_store_changed();
        self.members_store_changed();
        self.refresh_detail();
        self.note_change_under_open_form();
        self.refresh_board();
        self.refresh_shown_list();
        self.refresh_banner();
        let fresh: Vec<AuditRecord> = match self.store.recent_audit(None, 20) {
            Ok(r) => r
                .into_iter()
                .filter(|r| r.id > self.last_audit_seen)
                .collect(),
            Err(e) => return self.store_error(e),
        };
        if let Some(newest) = fresh.first() {
            self.last_audit_seen = newest.id;
        }
        for r in fresh.iter().rev().filter(|r| r.entity == "radio") {
            if r.action.known() != Some(AuditAction::Log) {
                continue;
            }
            if let Some((what, status)) = crate::domain::radio::missing_heard(&r.detail) {
                let call_sign = r
                    .entity_id
                    .and_then(|id| self.store.radio(id).ok())
                    .map(|radio| radio.call_sign)
                    .unwrap_or_default();
                self.missing_radio_heard(&call_sign, status, what, &r.operator);
            }
        }
        for r in fresh.iter().rev().filter(|r| r.entity == "incident") {
            let id = r.entity_id.unwrap_or_default();
            let text = match r.action.known() {
                Some(AuditAction::Create) => {
                    self.incident_logged_elsewhere(id, &r.operator, &r.detail);
                    continue;
                }
                Some(AuditAction::Status) => format!("{}: #{id} {}", r.operator, r.detail),
                Some(AuditAction::Note) => format!("{} added a note to #{id}", r.operator),
                _ => format!("{} updated #{id}", r.operator),
            };
            self.toast(text);
        }
    }

    /// A result from the store worker: applied if it is still the one wanted.
    /// What it did is written here first, wanted or not: the worker only
    /// reads and makes files, the console records (a sign-in attempt, a
    /// notice made), on its own connection, so its own screen is not
    /// reloaded for it, and no attempt or file goes unrecorded.
    pub(super) fn worked(&mut self, done: work::Done) {
        let wanted = self.work.accept(&done);
        let done_now = self.record_worked(done.outcome);
        if !wanted {
            tracing::debug!(purpose = ?done.purpose, "a result no longer wanted, dropped");
            return;
        }
        self.dirty = true;
        match done_now {
            Worked::Read(outcome) => self.apply_read(outcome),
            Worked::Notice {
                kind,
                exclusion,
                made,
            } => self.notice_done(kind, exclusion, made),
            Worked::SignIn(outcome) => self.sign_in_done(outcome),
            Worked::FirstManager { made, has_manager } => {
                self.first_manager_done(made, has_manager)
            }
        }
    }

    /// Write what a result says was done.
    fn record_worked(&mut self, outcome: work::Outcome) -> Worked {
        match outcome {
            work::Outcome::Notice {
                kind,
                exclusion,
                placed,
                operator,
                now,
            } => Worked::Notice {
                kind,
                exclusion,
                made: placed.and_then(|p| {
                    p.record(&mut self.store, operator, now)
                        .map(|m| work::NoticeMade {
                            file: m.files.first().cloned(),
                            warnings: m.warnings,
                        })
                        .map_err(|e| e.to_string())
                }),
            },
            work::Outcome::PinChecked {
                name,
                pin,
                check,
                now,
            } => Worked::SignIn(match check {
                Ok(check) => match self.store.record_sign_in(&name, &pin.0, &check, now) {
                    Ok(Ok(op)) => Ok(op),
                    Ok(Err(e)) => Err(work::SignInFailure::Refused(e)),
                    Err(e) => Err(work::SignInFailure::Store(e.to_string())),
                },
                Err(e) => Err(work::SignInFailure::Store(e)),
            }),
            work::Outcome::FirstManagerPin { name, hash, now } => {
                let made = hash.and_then(|h| {
                    self.store
                        .create_first_manager_hashed(&name, &h, now)
                        .map_err(|e| e.to_string())
                });
                // refused if another console made one meanwhile: then it is a sign-in screen
                let has_manager = made.is_err() && self.store.has_manager().unwrap_or(false);
                Worked::FirstManager { made, has_manager }
            }
            read => Worked::Read(read),
        }
    }

    fn apply_read(&mut self, outcome: work::Outcome) {
        match outcome {
            work::Outcome::Report { period, report } => self.report_done(period, report),
            work::Outcome::Board { rows, count } => self.board_done(rows, count),
            work::Outcome::Audit(records) => self.audit_done(records),
            work::Outcome::Retention(due) => self.retention_done(due),
            work::Outcome::Members(read) => self.members_done(read),
            work::Outcome::Register(update) => self.register_done(update),
            work::Outcome::RadioHealth(read) => self.radio_health_done(read),
            work::Outcome::Stale(counted) => self.stale_counted(counted),
            // recorded first, as `Worked`
            work::Outcome::Notice { .. }
            | work::Outcome::PinChecked { .. }
            | work::Outcome::FirstManagerPin { .. } => {}
        }
    }

    pub(super) fn refresh_after_write(&mut self) {
        self.reports_store_changed();
        self.members_store_changed();
        self.refresh_detail();
        self.refresh_board();
        self.refresh_hits();
        if self.pane == Pane::Offenders {
            self.update_index();
            self.refresh_profile();
        }
        self.refresh_shown_list();
    }

    /// The lists read only while their pane is shown, read again.
    fn refresh_shown_list(&mut self) {
        match self.pane {
            Pane::Activity => self.refresh_activity(),
            Pane::Log => self.reload_log(),
            Pane::Overview => self.refresh_overview(),
            Pane::Evidence => self.reload_evidence(),
            // a filter that names nothing is said as it is typed, not here
            Pane::Sightings => drop(self.reload_sightings()),
            _ => {}
        }
    }

    pub(super) fn mark_own_writes_seen(&mut self) {
        if let Ok(Some(r)) = self
            .store
            .recent_audit(None, 1)
            .map(|v| v.into_iter().next())
        {
            self.last_audit_seen = r.id;
        }
    }
}

/// A worker's result once what it did is written.
enum Worked {
    Read(work::Outcome),
    Notice {
        kind: crate::domain::document::DocKind,
        exclusion: i64,
        made: Result<work::NoticeMade, String>,
    },
    SignIn(Result<crate::store::Operator, work::SignInFailure>),
    FirstManager {
        made: Result<crate::store::Operator, String>,
        has_manager: bool,
    },
}
