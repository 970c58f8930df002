//! Which form is open (`FormKind`: one type per family of forms, each with
//! its permission and its save, in the module of what it changes), its keys,
//! and saving it.

use super::form::FormOutcome;
pub use super::hits::HitForm;
pub use super::incidents::IncidentForm;
pub use super::members::MemberForm;
pub use super::radio::RadioForm;
pub use super::register::RegisterForm;
pub use super::setup::SetupForm;
pub use super::sightings::SightingForm;
use super::{register, App, Modal};
use crate::domain::permission::Permission;
use crate::store::StoreError;
use crossterm::event::KeyEvent;

/// Which form is open: one type per family of forms, each in the module of
/// what it changes, with its own permission and its own save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    Incident(IncidentForm),
    Sighting(SightingForm),
    Register(RegisterForm),
    Hit(HitForm),
    Radio(RadioForm),
    Member(MemberForm),
    Setup(SetupForm),
}

macro_rules! families {
    ($($family:ident($ty:ty)),*) => {
        $(impl From<$ty> for FormKind {
            fn from(f: $ty) -> FormKind {
                FormKind::$family(f)
            }
        })*
    };
}
families!(
    Incident(IncidentForm),
    Sighting(SightingForm),
    Register(RegisterForm),
    Hit(HitForm),
    Radio(RadioForm),
    Member(MemberForm),
    Setup(SetupForm)
);

impl FormKind {
    /// What saving this form needs the operator to be allowed to do (checked
    /// again at saving, in case the operator's role changed while it was open).
    pub fn permission(&self) -> Permission {
        match self {
            FormKind::Incident(f) => f.permission(),
            FormKind::Sighting(f) => f.permission(),
            FormKind::Register(f) => f.permission(),
            FormKind::Hit(f) => f.permission(),
            FormKind::Radio(f) => f.permission(),
            FormKind::Member(f) => f.permission(),
            FormKind::Setup(f) => f.permission(),
        }
    }
}

impl App {
    pub(super) fn form_key(&mut self, k: KeyEvent) {
        let Some(Modal::Form(_, form)) = &mut self.modal else {
            return;
        };
        let mut suggest = register::AppSuggest {
            zones: &self.zones,
            members: &self.members,
            index: &mut self.index,
        };
        match form.handle_key(k, &self.keymap, &mut suggest) {
            FormOutcome::Continue => {}
            FormOutcome::Cancel => self.modal = None,
            FormOutcome::Submit => self.submit_form(),
        }
    }

    pub(super) fn submit_form(&mut self) {
        let Some(Modal::Form(kind, mut form)) = self.modal.take() else {
            return;
        };
        if !self.permit(kind.permission()) {
            return;
        }
        form.settle();
        // where this operator and a colleague changed one field, ask first
        if form.ask_which_to_keep() {
            self.modal = Some(Modal::Form(kind, form));
            return;
        }
        let result = match &kind {
            FormKind::Incident(f) => self.submit_incident_form(f, &form),
            FormKind::Sighting(f) => self.submit_sighting_form(f, &form),
            FormKind::Register(f) => self.submit_register_form(f, &form),
            FormKind::Hit(f) => self.submit_hit_form(f, &form),
            FormKind::Radio(f) => self.submit_radio_form(f, &form),
            FormKind::Member(f) => self.submit_members_form(f, &form),
            FormKind::Setup(f) => self.submit_setup_form(f, &form),
        };
        match result {
            Ok(msg) => {
                self.mark_own_writes_seen();
                self.info(msg);
                self.refresh_after_write();
            }
            Err(StoreError::Stale(stale)) => self.save_was_stale(kind, form, stale),
            Err(StoreError::Invalid(e)) | Err(StoreError::NotFound(e)) => {
                form.error = Some(e);
                self.modal = Some(Modal::Form(kind, form));
            }
            Err(e) => {
                form.error = Some(match &e {
                    StoreError::Gone(_) => format!("{e} · what you typed is kept here"),
                    _ => e.to_string(),
                });
                self.modal = Some(Modal::Form(kind, form));
                self.store_error(e);
            }
        }
    }
}
