//! The shift in the console: the occurrence log pane, ending a shift with
//! its handover, and taking a handover over on signing in.

use super::effect::{moved, Effect, Nav};
use super::keymap::Command;
use super::{App, InputKind, Modal};
use crate::domain::permission::Permission;
use crate::domain::shift::{handover_markdown, LogEntry, Shift};

/// Entries the log pane holds (newest first).
const LOG_LIMIT: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OccurrenceLog {
    pub entries: Vec<LogEntry>,
    pub selected: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverPurpose {
    /// This operator is ending their shift: Enter saves the handover (and
    /// quits, when ending it was the answer to quitting).
    Ending { shift: i64, then_quit: bool },
    /// Someone else's handover, waiting: Enter takes it over.
    TakingOver { id: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverView {
    pub purpose: HandoverPurpose,
    pub title: String,
    /// Markdown, as it is saved.
    pub body: String,
    pub scroll: u16,
}

impl OccurrenceLog {
    /// `a` (a new entry) or `A` (amending the selected one): the line to
    /// type it in.
    pub fn write(&self, amend: bool) -> Vec<Effect> {
        let amends = match (amend, self.entries.get(self.selected)) {
            (false, _) => None,
            (true, Some(e)) => Some(e.id),
            (true, None) => return vec![Effect::Warn("no entry to amend".into())],
        };
        vec![Effect::AskLine(InputKind::LogEntry { amends })]
    }

    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        moved(&mut self.selected, self.entries.len(), nav);
        vec![]
    }
}

impl App {
    /// Begin (or carry on) this operator's shift; the status bar's clock
    /// counts from its start.
    pub(crate) fn begin_shift(&mut self) {
        if self.operator.id == 0 {
            return;
        }
        let now = self.now();
        match self.store.start_shift(self.operator.id, now) {
            Ok(s) => {
                self.started_at = s.started_at;
                self.shift = Some(s);
                self.mark_own_writes_seen();
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Show a handover someone else left, if one is waiting.
    pub(crate) fn offer_handover(&mut self, quiet: bool) {
        match self.store.pending_handover(self.operator.id) {
            Ok(Some(h)) => {
                let at = h.at.with_timezone(&self.tz).format("%a %d %b %H:%M");
                self.modal = Some(Modal::Handover(HandoverView {
                    purpose: HandoverPurpose::TakingOver { id: h.id },
                    title: format!(
                        " Handover from {} at {at} · {} take it over · {} later ",
                        h.from,
                        self.keymap.key_for(Command::TakeHandover),
                        self.keymap.key_for(Command::HandoverLater)
                    ),
                    body: h.body,
                    scroll: 0,
                }));
            }
            Ok(None) if !quiet => self.info("no handover is waiting"),
            Ok(None) => {}
            Err(e) => self.store_error(e),
        }
    }

    pub(crate) fn reload_log(&mut self) {
        match self.store.occurrence_log(LOG_LIMIT) {
            Ok(entries) => {
                self.log.selected = self.log.selected.min(entries.len().saturating_sub(1));
                self.log.entries = entries;
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Ask for an entry in one line (or an amendment of the selected one).
    pub(crate) fn start_log_entry(&mut self, amend: bool) {
        let effects = self.log.write(amend);
        self.run(effects);
    }

    /// Save a log entry; an error keeps the line for another go.
    pub(crate) fn add_log_entry(&mut self, text: &str, amends: Option<i64>) -> Result<(), String> {
        if !self.permit(Permission::KeepLog) {
            return Ok(());
        }
        let now = self.now();
        let shift = self.shift.as_ref().map(|s| s.id);
        match self
            .store
            .add_log_entry(shift, self.operator.id, text, amends, now)
        {
            Ok(e) => {
                self.mark_own_writes_seen();
                self.reload_log();
                self.log.selected = 0;
                self.info(match amends {
                    Some(a) => format!("entry #{} amends #{a}", e.id),
                    None => format!("logged #{}", e.id),
                });
                Ok(())
            }
            Err(crate::store::StoreError::Invalid(m)) => Err(m),
            Err(crate::store::StoreError::NotFound(m)) => Err(format!("{m} not found")),
            Err(e) => {
                // the line stays, as typed, for another go
                let m = e.to_string();
                self.store_error(e);
                Err(m)
            }
        }
    }

    /// Show the handover of the shift that is ending, for a last look;
    /// `then_quit` when the operator is quitting.
    pub(crate) fn review_handover(&mut self, then_quit: bool) {
        let Some(shift) = self.shift.clone() else {
            return self.warn("no shift is running on this console");
        };
        let now = self.now();
        match self.store.handover_facts(&shift, now) {
            Ok(facts) => {
                let body = handover_markdown(&facts, self.tz);
                let (save, later) = (
                    self.keymap.key_for(Command::TakeHandover),
                    self.keymap.key_for(Command::HandoverLater),
                );
                let title = if then_quit {
                    format!(" End of shift: the handover · {save} save it and quit · {later} stay ")
                } else {
                    format!(
                        " End of shift: the handover · {save} save it and sign out · {later} carry on "
                    )
                };
                self.modal = Some(Modal::Handover(HandoverView {
                    purpose: HandoverPurpose::Ending {
                        shift: shift.id,
                        then_quit,
                    },
                    title,
                    body,
                    scroll: 0,
                }));
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(crate) fn confirm_handover(&mut self) {
        let Some(Modal::Handover(view)) = self.modal.take() else {
            return;
        };
        let now = self.now();
        match view.purpose {
            HandoverPurpose::Ending { shift, .. } => {
                match self
                    .store
                    .end_shift(shift, self.operator.id, &view.body, now)
                {
                    Ok(h) => {
                        self.mark_own_writes_seen();
                        self.shift = None;
                        let dir = self
                            .store
                            .path()
                            .parent()
                            .map(|d| d.join("handovers"))
                            .unwrap_or_else(|| "handovers".into());
                        let saved = crate::io::handover::write_markdown(&dir, &h, self.tz);
                        self.lock_now("shift ended");
                        // the next operator signs in by name
                        self.lock = Some(super::signin::LockScreen::new(
                            super::signin::LockMode::SignIn,
                            "",
                        ));
                        match &saved {
                            Ok(path) => {
                                if let Some(l) = &mut self.lock {
                                    let name = path.file_name().unwrap_or_default();
                                    l.notice = Some(format!(
                                        "shift ended; handover saved as {}",
                                        name.to_string_lossy()
                                    ));
                                }
                            }
                            Err(e) => {
                                if let Some(l) = &mut self.lock {
                                    l.error = Some(format!(
                                        "shift ended and the handover kept in the store, but its file could not be written: {e}"
                                    ));
                                }
                            }
                        }
                        // quitting goes on once all is saved; a file that could not be
                        // written is said on the sign-in screen instead
                        if saved.is_ok() {
                            self.quit_after_handover(view.purpose);
                        }
                    }
                    Err(e) => self.store_error(e),
                }
            }
            HandoverPurpose::TakingOver { id } => {
                match self.store.acknowledge_handover(id, self.operator.id, now) {
                    Ok(()) => {
                        self.mark_own_writes_seen();
                        self.info("handover taken over");
                    }
                    Err(e) => self.store_error(e),
                }
            }
        }
    }

    pub(crate) fn close_handover(&mut self) {
        if let Some(Modal::Handover(view)) = self.modal.take() {
            match view.purpose {
                HandoverPurpose::TakingOver { .. } => {
                    self.info("the handover is waiting: :handover shows it again")
                }
                HandoverPurpose::Ending {
                    then_quit: true, ..
                } => self.info("still signed in; the shift carries on"),
                HandoverPurpose::Ending { .. } => {}
            }
        }
    }

    pub fn shift(&self) -> Option<&Shift> {
        self.shift.as_ref()
    }
}
