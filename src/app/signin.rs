//! Signing in, locking and unlocking: while locked nothing personal is drawn.

use super::input::LineInput;
use super::keymap::{Command, Context};
use super::work::{Job, Pin, SignInFailure};
use super::App;
use crossterm::event::KeyEvent;

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
    /// The PIN is being checked (on the store worker): Enter waits for it.
    pub checking: bool,
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
            checking: false,
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
        // a form is kept for the operator who locked; nothing else stays open
        self.hold_for_lock();
        self.modal = None;
        self.quitting = None;
        self.toasts.clear();
        self.message = None;
        self.lock = Some(LockScreen::new(
            LockMode::Unlock,
            &self.operator.name.clone(),
        ));
        self.refresh_banner();
    }

    /// A key on the lock screen, through the keymap's `lock` layer; any
    /// other is typed into the field (the PIN is typed, never bound).
    pub(crate) fn lock_key(&mut self, key: KeyEvent) {
        let Some(lock) = &mut self.lock else { return };
        let n = lock.fields();
        match self.keymap.lookup(&key, &[Context::Lock]) {
            Some(Command::NextLockField) => lock.focus = (lock.focus + 1) % n,
            Some(Command::PrevLockField) => lock.focus = (lock.focus + n - 1) % n,
            Some(Command::SignIn) if lock.focus + 1 < n => lock.focus += 1,
            Some(Command::SignIn) => self.submit_lock(),
            _ => {
                let field = match lock.focus {
                    0 => &mut lock.name,
                    1 => &mut lock.pin,
                    _ => &mut lock.pin_again,
                };
                if field.edit(key, &self.keymap) {
                    lock.error = None;
                }
            }
        }
    }

    fn submit_lock(&mut self) {
        let Some(lock) = self.lock.clone() else {
            return;
        };
        if lock.checking {
            return;
        }
        let now = self.now();
        let name = lock.name.value.trim().to_string();
        let pin = lock.pin.value.clone();
        if name.is_empty() {
            return self.sign_in_failed("type your name".into());
        }
        // argon2 takes tens of milliseconds: the store worker checks the PIN
        let job = if lock.mode == LockMode::FirstManager {
            let policy = self.config.pin_policy();
            if let Err(e) = policy.check(&pin) {
                return self.sign_in_failed(e);
            }
            if pin != lock.pin_again.value {
                return self.sign_in_failed("the two PINs differ".into());
            }
            Job::FirstManager {
                name,
                pin: Pin(pin),
                policy,
                now,
            }
        } else {
            Job::SignIn {
                name,
                pin: Pin(pin),
                now,
            }
        };
        self.work.queue(job, now);
        if let Some(l) = &mut self.lock {
            l.checking = true;
            l.error = None;
        }
    }

    /// Refused: say why, and ask for the PIN again.
    fn sign_in_failed(&mut self, why: String) {
        if let Some(l) = &mut self.lock {
            l.checking = false;
            l.error = Some(why);
            l.pin = LineInput::default();
            l.pin_again = LineInput::default();
            l.focus = if l.name.value.trim().is_empty() { 0 } else { 1 };
        }
    }

    pub(crate) fn sign_in_done(&mut self, outcome: Result<crate::store::Operator, SignInFailure>) {
        match outcome {
            Ok(op) => self.signed_in(op, "signed in"),
            Err(SignInFailure::Refused(e)) => self.sign_in_failed(e.describe(self.tz)),
            Err(SignInFailure::Store(e)) => self.sign_in_failed(e),
        }
    }

    pub(crate) fn first_manager_done(
        &mut self,
        made: Result<crate::store::Operator, String>,
        has_manager: bool,
    ) {
        // refused because another console made one meanwhile: sign in instead
        if has_manager {
            if let Some(l) = &mut self.lock {
                l.mode = LockMode::SignIn;
            }
        }
        match made {
            Ok(op) => self.signed_in(op, "first manager created"),
            Err(e) => self.sign_in_failed(e),
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
            self.leave_what_the_last_operator_had_open();
            self.open_home();
        }
        // signing in starts a shift (or carries on this operator's own)
        if !same || self.shift.is_none() {
            self.begin_shift();
        }
        let name = self.operator.name.clone();
        self.info(format!("{what}: {name}"));
        self.refresh_after_write();
        // the form left open at the lock comes back as it was; a handover
        // waiting can be opened after it
        if !self.after_sign_in_held() {
            self.offer_handover(true);
        }
    }

    /// Someone else signed in at this console: nothing of the last
    /// operator's that this one has not asked for (and given a reason for)
    /// stays on screen, and a pane their role does not open is left.
    fn leave_what_the_last_operator_had_open(&mut self) {
        use crate::domain::permission::{allowed, Permission};
        self.profile = None;
        self.work.drop_wanted(super::work::Purpose::Activity);
        self.activity = Default::default();
        self.evidence.open = None;
        let role = self.role();
        let barred = match self.pane {
            super::Pane::Activity => !allowed(role, Permission::ViewAudit),
            super::Pane::Setup => !allowed(role, Permission::SetUpScheme),
            _ => false,
        };
        if barred {
            self.pane = super::Pane::Incidents;
        }
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
