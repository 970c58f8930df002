//! Which form is open (`FormKind`), its keys, and saving it: each kind of
//! form is saved by the code of what it changes.

use super::actions::permission_for_form;
use super::form::FormOutcome;
use super::{register, App, Modal};
use crate::domain::{IncidentEdit, NewIncident, Priority, Status};
use crate::store::StoreError;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    NewIncident,
    Edit { id: i64, version: i64 },
    Close { id: i64, version: i64 },
    Note { id: i64, amends: Option<i64> },
    Sighting,
    LinkOffender { incident: i64 },
    Offender { id: Option<i64>, version: i64 },
    Exclusion { offender: i64 },
    LiftExclusion { id: i64, version: i64 },
    Promote { id: i64 },
    Merge { from: i64 },
    Appeal { id: i64, version: i64 },
    RadioStatus { id: i64, version: i64 },
    EditRadio { id: i64, version: i64 },
    AddRadio,
    AddMember,
    AddTraining,
    EditMember { id: i64, version: i64 },
    AddContact { member: i64 },
    AddZone,
    EditZone { id: i64 },
    RetireZone { id: i64 },
    AddCamera,
    EditCamera { id: i64 },
    RetireCamera { id: i64 },
    SchemeDetails,
    AcceptHit { id: i64, version: i64 },
    RejectHit { id: i64, version: i64 },
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
        if !self.permit(permission_for_form(&kind)) {
            return;
        }
        form.settle();
        // where this operator and a colleague changed one field, ask first
        if form.ask_which_to_keep() {
            self.modal = Some(Modal::Form(kind, form));
            return;
        }
        let now = self.now();
        let op = self.operator.id;
        let result: Result<String, StoreError> = match &kind {
            FormKind::NewIncident => {
                let new = NewIncident {
                    kind: form.field("Type").value().to_string(),
                    priority: Priority::ALL[form.field("Priority").choice_index().min(3)],
                    place: form.field("Where").place_value(),
                    summary: form.field("What happened").value().to_string(),
                    opened_at: now,
                };
                match new.validate() {
                    Err(e) => Err(StoreError::Invalid(e)),
                    Ok(new) => self.store.create_incident(&new, op, now).map(|i| {
                        self.select_incident(&i);
                        format!("incident #{} logged", i.id)
                    }),
                }
            }
            FormKind::Edit { id, version } => {
                let edit = IncidentEdit::from_input(
                    form.field("Type").value(),
                    Priority::ALL[form.field("Priority").choice_index().min(3)],
                    form.field("Where").place_value(),
                    form.field("What happened").value(),
                    form.field("Police ref").value(),
                    form.field("Loss £").value(),
                    form.field("Recovered £").value(),
                );
                match edit {
                    Err(e) => Err(StoreError::Invalid(e)),
                    Ok(edit) => self
                        .store
                        .update_incident(*id, *version, &edit, op, now)
                        .map(|i| format!("incident #{} saved", i.id)),
                }
            }
            FormKind::Close { id, version } => self
                .store
                .set_status(
                    *id,
                    *version,
                    Status::Closed,
                    Some(form.field("Reason").value()),
                    op,
                    now,
                )
                .map(|i| format!("incident #{} closed", i.id)),
            FormKind::Note { id, amends } => self
                .store
                .add_note(*id, form.field("Note").value(), *amends, op, now)
                .map(|_| format!("note added to #{id}")),
            k
            @ (FormKind::RadioStatus { .. } | FormKind::EditRadio { .. } | FormKind::AddRadio) => {
                self.submit_radio_form(k, &form)
            }
            k @ (FormKind::AddMember
            | FormKind::AddTraining
            | FormKind::EditMember { .. }
            | FormKind::AddContact { .. }) => self.submit_members_form(k, &form),
            k @ (FormKind::AddZone
            | FormKind::EditZone { .. }
            | FormKind::RetireZone { .. }
            | FormKind::AddCamera
            | FormKind::EditCamera { .. }
            | FormKind::RetireCamera { .. }
            | FormKind::SchemeDetails) => self.submit_setup_form(k, &form),
            k @ (FormKind::Sighting | FormKind::LinkOffender { .. }) => {
                self.submit_sighting_form(k, &form)
            }
            k @ (FormKind::AcceptHit { .. } | FormKind::RejectHit { .. }) => {
                self.submit_hit_form(k, &form)
            }
            other => self.submit_register_form(other, &form),
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
