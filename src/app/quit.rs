//! Quitting. Every way a signed-in console closes (a key, `:q`, a signal,
//! the terminal going away, a failure) writes the operator's sign-out into
//! the audit trail, once. With this operator's shift open, `q` first asks
//! whether to end it (the handover review, then quit) or leave it running
//! for the next operator; a signal never asks, and leaves the shift running.
//! Once the store's file has gone from its path nothing can be recorded:
//! `q` asks only about a form holding something typed, the sign-out is
//! refused (and said in the log), and the console exits with status 1.

use super::keymap::{Command, Context};
use super::shift::HandoverPurpose;
use super::{App, Modal};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the console is asking before it quits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitQuestion {
    /// “Quit and lose the unsaved form?”
    UnsavedForm,
    /// This operator's shift is open: end it, leave it running, or stay.
    OpenShift,
}

/// The answer to [`QuitQuestion::OpenShift`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftOnQuit {
    /// Review the handover; saving it ends the shift and quits.
    End,
    /// Sign out and quit; the shift stays open for the next operator.
    LeaveRunning,
    /// Do not quit.
    Stay,
}

impl App {
    /// Someone signed in on this console (not the sign-in or lock screen).
    pub fn is_signed_in(&self) -> bool {
        self.lock.is_none() && self.operator.id != 0
    }

    /// `q`, `:q` or Ctrl-C: ask what needs asking, or quit.
    pub(crate) fn request_quit(&mut self) {
        if matches!(&self.modal, Some(Modal::Form(_, f)) if f.is_dirty()) {
            self.quitting = Some(QuitQuestion::UnsavedForm);
        } else if self.store_gone.is_some() {
            // the store has gone: ending the shift could not be saved, so
            // there is nothing to ask; the sign-out is refused and logged
            self.close_console("quit");
        } else if self.is_signed_in() && self.shift.is_some() {
            self.quitting = Some(QuitQuestion::OpenShift);
        } else {
            self.close_console("quit");
        }
    }

    /// The answer to “quit and lose the unsaved form?”: yes drops the form
    /// and goes on to the shift's question, if there is one.
    pub(crate) fn confirm_quit(&mut self, yes: bool) {
        self.quitting = None;
        if yes {
            self.modal = None;
            self.request_quit();
        }
    }

    pub(crate) fn answer_quit(&mut self, answer: ShiftOnQuit) {
        self.quitting = None;
        match answer {
            ShiftOnQuit::End => self.review_handover(true),
            ShiftOnQuit::LeaveRunning => self.close_console("quit"),
            ShiftOnQuit::Stay => self.info("still signed in; the shift carries on"),
        }
    }

    /// Quit now, writing the sign-out first if someone is signed in (once,
    /// however many ways the console is told to close). A store that cannot
    /// take the record does not keep the console open: the failure is logged.
    pub fn close_console(&mut self, why: &str) {
        if self.quit {
            return;
        }
        self.quit = true;
        self.quitting = None;
        if !self.is_signed_in() {
            return;
        }
        let why = match &self.shift {
            Some(_) => format!("{why}; shift left running"),
            None => why.to_string(),
        };
        let now = self.now();
        if let Err(e) = self.store.sign_out(self.operator.id, &why, now) {
            tracing::error!(error = %e, "the sign-out could not be recorded");
        }
    }

    /// The key's meaning while the shift's question is on screen; other keys
    /// do nothing, so a stray key never quits.
    pub(crate) fn quit_question_key(&self, key: &KeyEvent) -> Option<ShiftOnQuit> {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            // Ctrl-C again: the operator wants out; the shift is left running
            return Some(ShiftOnQuit::LeaveRunning);
        }
        match self.keymap.lookup(key, &[Context::Quitting]) {
            Some(Command::EndShiftAndQuit) => Some(ShiftOnQuit::End),
            Some(Command::LeaveShiftRunning) => Some(ShiftOnQuit::LeaveRunning),
            Some(Command::StaySignedIn) => Some(ShiftOnQuit::Stay),
            _ => None,
        }
    }

    /// After a handover is saved: quit if that is why it was reviewed.
    pub(crate) fn quit_after_handover(&mut self, purpose: HandoverPurpose) {
        if let HandoverPurpose::Ending {
            then_quit: true, ..
        } = purpose
        {
            self.close_console("quit");
        }
    }
}
