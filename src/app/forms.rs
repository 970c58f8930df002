//! Which form is open (`FormKind`: one type per family of forms, each with
//! its permission and its save, in the module of what it changes), its keys,
//! and saving it.

pub use super::evidence::EvidenceForm;
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
    Evidence(EvidenceForm),
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
    Setup(SetupForm),
    Evidence(EvidenceForm)
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
            FormKind::Evidence(f) => f.permission(),
        }
    }
}

impl App {
    /// Someone on the register whose name, alias or nickname is the new
    /// person's name or one of their aliases (case and spacing aside):
    /// their number and how they read in the picker.
    fn already_on_register(&mut self, form: &super::form::Form) -> Option<(i64, String)> {
        use super::form::FieldKey;
        let fold = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        let mut names: Vec<String> = vec![];
        if let Ok(f) = form.field(FieldKey::Name) {
            names.push(f.value().to_string());
        }
        if let Ok(f) = form.field(FieldKey::Aliases) {
            names.extend(f.value().split(',').map(str::to_string));
        }
        let names: Vec<String> = names
            .iter()
            .map(|n| fold(n))
            .filter(|n| !n.is_empty())
            .collect();
        for name in &names {
            let found = self.index.search(name, None, 10).into_iter().find_map(|h| {
                let e = self.index.entry(h.id)?;
                let same = std::iter::once(&e.name)
                    .chain(&e.aliases)
                    .chain(&e.nicknames)
                    .any(|n| names.contains(&fold(n)));
                same.then_some(h.id)
            });
            if let Some(id) = found {
                let suggest = super::register::app_suggest!(self);
                let name = suggest
                    .index
                    .entry(id)
                    .map(|e| e.name.clone())
                    .unwrap_or_default();
                let reads = suggest.describe(id, &name);
                return Some((id, reads));
            }
        }
        None
    }

    /// Ctrl-O on a form that names a record already on the register: the
    /// form is left (it would have made a second record) and that
    /// record's profile asked for, the usual way, with a reason.
    pub(super) fn open_instead(&mut self) {
        let Some(Modal::Form(_, form)) = &self.modal else {
            return;
        };
        let Some((id, _)) = form.open_instead.clone() else {
            return;
        };
        self.modal = None;
        self.show_pane(super::Pane::Offenders);
        self.ask_why(id);
    }

    pub(super) fn form_key(&mut self, k: KeyEvent) {
        let Some(Modal::Form(_, form)) = &mut self.modal else {
            return;
        };
        let mut suggest = super::register::app_suggest!(self);
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
        // two people equally good for what was typed: ask which was meant
        if matches!(kind, FormKind::Sighting(_)) {
            if let Some(q) = form.ask_who_was_meant() {
                form.error = Some(q);
                self.modal = Some(Modal::Form(kind, form));
                return;
            }
        }
        // someone already on the register by that name or alias: said
        // once, with the record offered to open instead
        if let FormKind::Register(register::RegisterForm::Offender { id: None, .. }) = &kind {
            if let Some((id, reads)) = self.already_on_register(&form) {
                if form.open_instead.as_ref().map(|o| o.0) != Some(id) {
                    let open = self.keymap.key_for(super::keymap::Command::OpenInstead);
                    form.error = Some(format!(
                        "already on the register: {reads}. Save again to add a new record anyway, or {open} to open #{id} instead"
                    ));
                    form.open_instead = Some((id, reads));
                    self.modal = Some(Modal::Form(kind, form));
                    return;
                }
            }
        }
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
            FormKind::Evidence(f) => self.submit_evidence_form(f, &form),
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
