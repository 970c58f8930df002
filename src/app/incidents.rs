//! One incident: its detail and timeline, its forms, and changing its status.

use super::effect::{moved, Effect, Nav};
use super::form::{Field, FieldKey, Form};
use super::keymap::Command;
use super::{App, FormKind, Modal, Pane};
use crate::domain::permission::Permission;
use crate::domain::{Incident, Priority, Status, TimelineEntry};
use crate::domain::{IncidentEdit, NewIncident};
use crate::store::StoreError;

/// The incident forms: logging one, editing, closing, and a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentForm {
    New,
    Edit { id: i64, version: i64 },
    Close { id: i64, version: i64 },
    Note { id: i64, amends: Option<i64> },
}

impl IncidentForm {
    pub fn permission(&self) -> Permission {
        match self {
            IncidentForm::New => Permission::LogIncident,
            IncidentForm::Edit { .. } | IncidentForm::Close { .. } | IncidentForm::Note { .. } => {
                Permission::UpdateIncident
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Detail {
    pub incident: Incident,
    pub timeline: Vec<TimelineEntry>,
    pub selected: usize,
}

impl Detail {
    /// A move along the timeline.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        moved(&mut self.selected, self.timeline.len(), nav);
        vec![]
    }
}

impl App {
    pub(super) fn open_incident(&mut self, id: i64) {
        match (self.store.incident(id), self.store.timeline(id)) {
            (Ok(Some(incident)), Ok(timeline)) => {
                let selected = timeline.len().saturating_sub(1);
                self.pane = Pane::Incidents;
                self.detail = Some(Detail {
                    incident,
                    timeline,
                    selected,
                });
            }
            (Ok(None), _) => self.warn(format!("there is no incident #{id}")),
            (Err(e), _) | (_, Err(e)) => self.store_error(e),
        }
    }

    pub(super) fn refresh_detail(&mut self) {
        let Some(d) = &self.detail else { return };
        let id = d.incident.id;
        match (self.store.incident(id), self.store.timeline(id)) {
            (Ok(Some(incident)), Ok(timeline)) => {
                let d = self.detail.as_mut().expect("detail open");
                let grew = timeline.len() > d.timeline.len();
                let at_end = d.selected + 1 >= d.timeline.len();
                d.incident = incident;
                d.timeline = timeline;
                if grew && at_end {
                    d.selected = d.timeline.len().saturating_sub(1);
                }
                d.selected = d.selected.min(d.timeline.len().saturating_sub(1));
            }
            (Ok(None), _) => {
                self.detail = None;
                self.warn(format!("incident #{id} is no longer in the store"));
            }
            (Err(e), _) | (_, Err(e)) => self.store_error(e),
        }
    }

    /// The incident an incident command acts on: the open one, else the selected row.
    pub(super) fn current_incident(&mut self) -> Option<Incident> {
        if let Some(d) = &self.detail {
            return Some(d.incident.clone());
        }
        if self.pane != Pane::Incidents {
            return None;
        }
        let id = self.board.selected_row()?.id;
        match self.store.incident(id) {
            Ok(i) => i,
            Err(e) => {
                self.store_error(e);
                None
            }
        }
    }

    pub(super) fn place_field(&self, incident: Option<&Incident>) -> Field {
        let hint = "zone or member (↑/↓ to pick), or free text";
        match incident {
            Some(i) => Field::place(FieldKey::Where, &i.place_label, Some(i.place.clone()), hint),
            None => Field::place(FieldKey::Where, "", None, hint),
        }
    }

    pub(super) fn kind_options(&self, current: Option<&str>) -> (Vec<String>, usize) {
        let mut options = self.config.incident_types.clone();
        if let Some(c) = current {
            if !options.iter().any(|o| o == c) {
                options.push(c.to_string());
            }
        }
        let index = current
            .and_then(|c| options.iter().position(|o| o == c))
            .unwrap_or(0);
        (options, index)
    }

    pub(super) fn priority_options() -> Vec<String> {
        Priority::ALL
            .iter()
            .map(|p| p.label().to_string())
            .collect()
    }

    pub(super) fn open_new_form(&mut self) {
        let (kinds, k) = self.kind_options(None);
        let form = Form::new(
            "New incident",
            vec![
                Field::choice(FieldKey::Type, kinds, k, "←/→ or a letter"),
                Field::choice(
                    FieldKey::Priority,
                    Self::priority_options(),
                    2,
                    "1-4 or ←/→",
                ),
                self.place_field(None),
                Field::text(
                    FieldKey::WhatHappened,
                    "",
                    "one line; add detail as notes later",
                ),
            ],
        );
        self.input = None;
        self.modal = Some(Modal::Form(FormKind::Incident(IncidentForm::New), form));
    }

    pub(super) fn open_edit_form(&mut self) {
        let Some(i) = self.current_incident() else {
            return;
        };
        self.modal = Some(self.edit_form(&i));
    }

    /// The edit form for this copy of an incident.
    pub(super) fn edit_form(&self, i: &Incident) -> Modal {
        let (kinds, k) = self.kind_options(Some(&i.kind));
        let loss = if i.loss_pence > 0 {
            format!("{:.2}", i.loss_pence as f64 / 100.0)
        } else {
            String::new()
        };
        let rec = if i.recovery_pence > 0 {
            format!("{:.2}", i.recovery_pence as f64 / 100.0)
        } else {
            String::new()
        };
        let form = Form::new(
            format!("Edit incident #{}", i.id),
            vec![
                Field::choice(FieldKey::Type, kinds, k, "←/→ or a letter"),
                Field::choice(
                    FieldKey::Priority,
                    Self::priority_options(),
                    (i.priority.number() - 1) as usize,
                    "1-4 or ←/→",
                ),
                self.place_field(Some(i)),
                Field::text(FieldKey::WhatHappened, &i.summary, ""),
                Field::text(
                    FieldKey::PoliceRef,
                    &i.police_ref,
                    "e.g. the CAD or crime number",
                ),
                Field::text(FieldKey::Loss, &loss, "pounds and pence, e.g. 24.99"),
                Field::text(FieldKey::Recovered, &rec, "pounds and pence"),
            ],
        );
        Modal::Form(
            FormKind::Incident(IncidentForm::Edit {
                id: i.id,
                version: i.version,
            }),
            form,
        )
    }

    pub(super) fn open_close_form(&mut self) {
        let Some(i) = self.current_incident() else {
            return;
        };
        if i.status == Status::Closed {
            return self.warn(format!("incident #{} is already closed", i.id));
        }
        self.modal = Some(self.close_form(&i));
    }

    /// The close form for this copy of an incident.
    pub(super) fn close_form(&self, i: &Incident) -> Modal {
        let form = Form::new(
            format!("Close incident #{}", i.id),
            vec![Field::text(
                FieldKey::Reason,
                "",
                "e.g. offender left, police dealt, goods recovered",
            )],
        );
        Modal::Form(
            FormKind::Incident(IncidentForm::Close {
                id: i.id,
                version: i.version,
            }),
            form,
        )
    }

    pub(super) fn open_note_form(&mut self, amend: bool) {
        let Some(i) = self.current_incident() else {
            return;
        };
        let mut amends = None;
        let mut banner = None;
        if amend {
            let entry = self
                .detail
                .as_ref()
                .and_then(|d| d.timeline.get(d.selected))
                .cloned();
            match entry {
                Some(e) if !e.text.starts_with('[') => {
                    banner = Some(format!(
                        "Amending the note of {}: {}",
                        e.at.with_timezone(&self.tz).format("%H:%M"),
                        e.text
                    ));
                    amends = Some(e.id);
                }
                Some(_) => {
                    return self.warn("only notes can be amended; select a note in the timeline")
                }
                None => {
                    let open = self.keymap.key_for(Command::Open);
                    return self.warn(format!(
                        "open the incident ({open}) and select the note to amend"
                    ));
                }
            }
        }
        let title = if amend {
            format!("Amend note on #{}", i.id)
        } else {
            format!("Note on incident #{}", i.id)
        };
        let mut form = Form::new(
            title,
            vec![Field::text(
                FieldKey::Note,
                "",
                "appended to the timeline; never changed afterwards",
            )],
        );
        form.banner = banner;
        self.modal = Some(Modal::Form(
            FormKind::Incident(IncidentForm::Note { id: i.id, amends }),
            form,
        ));
    }

    pub(super) fn set_status(&mut self, i: &Incident, to: Status, reason: Option<&str>) {
        let now = self.now();
        match self
            .store
            .set_status(i.id, i.version, to, reason, self.operator.id, now)
        {
            Ok(updated) => {
                self.mark_own_writes_seen();
                self.info(format!("#{} is now {}", updated.id, updated.status.label()));
            }
            Err(e) => self.store_error(e),
        }
        self.refresh_after_write();
    }

    pub(super) fn advance_status(&mut self) {
        let Some(i) = self.current_incident() else {
            return;
        };
        match i.status.next() {
            Some(Status::Closed) => self.open_close_form(),
            Some(next) => self.set_status(&i, next, None),
            None => self.warn(format!(
                "#{} is closed; {} reopens it",
                i.id,
                self.keymap.key_for(Command::Reopen)
            )),
        }
    }

    pub(super) fn reopen(&mut self) {
        let Some(i) = self.current_incident() else {
            return;
        };
        if i.status != Status::Closed {
            return self.warn(format!("#{} is not closed", i.id));
        }
        self.set_status(&i, Status::Open, None);
    }

    pub(super) fn note_now(&mut self, text: &str) {
        let Some(i) = self.current_incident() else {
            return self.warn("select an incident first");
        };
        let now = self.now();
        match self.store.add_note(i.id, text, None, self.operator.id, now) {
            Ok(_) => {
                self.mark_own_writes_seen();
                self.info(format!("note added to #{}", i.id));
            }
            Err(e) => self.store_error(e),
        }
        self.refresh_after_write();
    }

    pub(super) fn close_now(&mut self, reason: &str) {
        let Some(i) = self.current_incident() else {
            return self.warn("select an incident first");
        };
        self.set_status(&i, Status::Closed, Some(reason));
    }

    pub(crate) fn submit_incident_form(
        &mut self,
        kind: &IncidentForm,
        form: &Form,
    ) -> Result<String, StoreError> {
        let now = self.now();
        let op = self.operator.id;
        match kind {
            IncidentForm::New => {
                let new = NewIncident {
                    kind: form.field(FieldKey::Type)?.value().to_string(),
                    priority: Priority::ALL[form.field(FieldKey::Priority)?.choice_index().min(3)],
                    place: form.field(FieldKey::Where)?.place_value(),
                    summary: form.field(FieldKey::WhatHappened)?.value().to_string(),
                    opened_at: now,
                };
                let new = new.validate().map_err(StoreError::Invalid)?;
                let i = self.store.create_incident(&new, op, now)?;
                self.select_incident(&i);
                Ok(format!("incident #{} logged", i.id))
            }
            IncidentForm::Edit { id, version } => {
                let edit = IncidentEdit::from_input(
                    form.field(FieldKey::Type)?.value(),
                    Priority::ALL[form.field(FieldKey::Priority)?.choice_index().min(3)],
                    form.field(FieldKey::Where)?.place_value(),
                    form.field(FieldKey::WhatHappened)?.value(),
                    form.field(FieldKey::PoliceRef)?.value(),
                    form.field(FieldKey::Loss)?.value(),
                    form.field(FieldKey::Recovered)?.value(),
                )
                .map_err(StoreError::Invalid)?;
                self.store
                    .update_incident(*id, *version, &edit, op, now)
                    .map(|i| format!("incident #{} saved", i.id))
            }
            IncidentForm::Close { id, version } => {
                let reason = form.field(FieldKey::Reason)?.value();
                self.store
                    .set_status(*id, *version, Status::Closed, Some(reason), op, now)
                    .map(|i| format!("incident #{} closed", i.id))
            }
            IncidentForm::Note { id, amends } => self
                .store
                .add_note(*id, form.field(FieldKey::Note)?.value(), *amends, op, now)
                .map(|_| format!("note added to #{id}")),
        }
    }
}
