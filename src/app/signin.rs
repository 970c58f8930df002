//! Signing in, locking and unlocking: while locked nothing personal is drawn.

use super::input::LineInput;
use super::App;
use crate::store::operators::SignInError;
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// No one is signed in yet.
    SignIn,
    /// Locked (idle, or on a key): the PIN brings the same console back.
    Unlock,
    /// An empty store: create the first manager.
    FirstManager,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockScreen {
    pub mode: LockMode,
    pub name: LineInput,
    pub pin: LineInput,
    /// The PIN again (first manager only).
    pub pin_again: LineInput,
    pub focus: usize,
    pub error: Option<String>,
    /// What just happened, e.g. the last shift's handover saved.
    pub notice: Option<String>,
}

impl LockScreen {
    pub fn new(mode: LockMode, name: &str) -> LockScreen {
        LockScreen {
            mode,
            name: LineInput::new(name),
            pin: LineInput::default(),
            pin_again: LineInput::default(),
            // straight to the PIN when the name is known
            focus: if name.is_empty() { 0 } else { 1 },
            error: None,
            notice: None,
        }
    }

    pub fn fields(&self) -> usize {
        if self.mode == LockMode::FirstManager {
            3
        } else {
            2
        }
    }
}

impl App {
    /// Lock the console now (a key, or the idle timer).
    pub fn lock_now(&mut self, why: &str) {
        if self.lock.is_some() {
            return;
        }
        let now = self.now();
        if let Err(e) = self.store.sign_out(self.operator.id, why, now) {
            self.store_error(e);
        }
        self.mark_own_writes_seen();
        self.modal = None;
        self.input = None;
        self.quitting = None;
        self.toasts.clear();
        self.message = None;
        self.lock = Some(LockScreen::new(
            LockMode::Unlock,
            &self.operator.name.clone(),
        ));
    }

    pub(crate) fn lock_key(&mut self, key: KeyEvent) {
        let Some(lock) = &mut self.lock else { return };
        let n = lock.fields();
        match key.code {
            KeyCode::Tab | KeyCode::Down => lock.focus = (lock.focus + 1) % n,
            KeyCode::BackTab | KeyCode::Up => lock.focus = (lock.focus + n - 1) % n,
            KeyCode::Enter if lock.focus + 1 < n => lock.focus += 1,
            KeyCode::Enter => self.submit_lock(),
            _ => {
                let field = match lock.focus {
                    0 => &mut lock.name,
                    1 => &mut lock.pin,
                    _ => &mut lock.pin_again,
                };
                if field.edit(key) {
                    lock.error = None;
                }
            }
        }
    }

    fn submit_lock(&mut self) {
        let Some(lock) = self.lock.clone() else {
            return;
        };
        let now = self.now();
        let name = lock.name.value.trim().to_string();
        let pin = lock.pin.value.clone();
        let fail = |app: &mut App, e: String| {
            if let Some(l) = &mut app.lock {
                l.error = Some(e);
                l.pin = LineInput::default();
                l.pin_again = LineInput::default();
                l.focus = if l.name.value.trim().is_empty() { 0 } else { 1 };
            }
        };
        if name.is_empty() {
            return fail(self, "type your name".into());
        }
        if lock.mode == LockMode::FirstManager {
            let policy = self.config.pin_policy();
            if let Err(e) = policy.check(&pin) {
                return fail(self, e);
            }
            if pin != lock.pin_again.value {
                return fail(self, "the two PINs differ".into());
            }
            // refused by the store if another console made one meanwhile
            let made = self.store.create_first_manager(&name, &pin, &policy, now);
            if made.is_err() {
                if let Ok(true) = self.store.has_manager() {
                    if let Some(l) = &mut self.lock {
                        l.mode = LockMode::SignIn;
                    }
                }
            }
            return match made {
                Ok(op) => self.signed_in(op, "first manager created"),
                Err(e) => fail(self, e.to_string()),
            };
        }
        match self.store.sign_in(&name, &pin, now) {
            Ok(Ok(op)) => self.signed_in(op, "signed in"),
            Ok(Err(
                e @ (SignInError::WrongPin { .. }
                | SignInError::LockedOut { .. }
                | SignInError::Unknown(_)
                | SignInError::NoPin(_)),
            )) => fail(self, e.describe(self.tz)),
            Err(e) => fail(self, e.to_string()),
        }
    }

    fn signed_in(&mut self, op: crate::store::Operator, what: &str) {
        let same = op.id == self.operator.id;
        self.operator = op;
        self.lock = None;
        self.last_key = self.now();
        self.mark_own_writes_seen();
        if !same {
            self.started_at = self.now();
        }
        // signing in starts a shift (or carries on this operator's own)
        if !same || self.shift.is_none() {
            self.begin_shift();
        }
        let name = self.operator.name.clone();
        self.info(format!("{what}: {name}"));
        self.refresh_after_write();
        self.offer_handover(true);
    }

    /// Lock after the configured idle time.
    pub(crate) fn lock_if_idle(&mut self) {
        let idle = self.now() - self.last_key;
        if self.lock.is_none() && idle >= chrono::Duration::minutes(self.config.lock_after_minutes)
        {
            self.lock_now("idle");
        }
    }
}
