//! One incident: its detail and timeline, its forms, and changing its status.

use super::effect::{moved, Effect, Nav};
use super::form::{Field, FieldKey, Form};
use super::keymap::Command;
use super::{App, FormKind, Modal, Pane};
use crate::domain::permission::Permission;
use crate::domain::{Incident, Priority, Status, TimelineEntry};
use crate::domain::{IncidentEdit, NewIncident};
use crate::store::sightings::IncidentPerson;
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
    /// The timeline entry selected, unless a person is.
    pub selected: usize,
    /// The people named or sighted on it, listed above the timeline.
    pub people: Vec<IncidentPerson>,
    /// The person selected: one cursor runs down the people, then the timeline.
    pub person: Option<usize>,
}

/// What an incident key does, to the incident a pane names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentAct {
    Edit,
    Close,
    Note,
    /// Amend a note: the note (none when no timeline is open to pick it from).
    AmendNote(Option<i64>),
    /// The next status (closing asks why).
    Advance,
    Reopen,
    /// Name someone on the register on it.
    LinkOffender,
    /// `:note TEXT` and `:close REASON`, from the command line.
    NoteNow(String),
    CloseNow(String),
    /// Add an evidence item on it.
    Evidence,
}

impl Detail {
    /// A move along the timeline.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav == Nav::Open {
            // a profile seen for this incident: the incident is the reason audited
            return self
                .person
                .and_then(|i| self.people.get(i))
                .map(|p| Effect::OpenProfile {
                    offender: p.id,
                    why: format!("incident #{}", self.incident.id),
                })
                .into_iter()
                .collect();
        }
        let n = self.people.len();
        let mut at = self.person.unwrap_or(n + self.selected);
        moved(&mut at, n + self.timeline.len(), nav);
        if at < n {
            self.person = Some(at);
        } else {
            self.person = None;
            self.selected = at - n;
        }
        vec![]
    }

    /// An incident key on the open incident; amending takes the note
    /// selected in the timeline.
    pub fn act(&self, act: IncidentAct) -> Vec<Effect> {
        let act = match act {
            IncidentAct::AmendNote(_) if self.person.is_some() => {
                return vec![Effect::Warn(
                    "select the note to amend in the timeline".into(),
                )]
            }
            IncidentAct::AmendNote(_) => match self.timeline.get(self.selected) {
                Some(e) if !e.text.starts_with('[') => IncidentAct::AmendNote(Some(e.id)),
                Some(_) => {
                    return vec![Effect::Warn(
                        "only notes can be amended; select a note in the timeline".into(),
                    )]
                }
                None => IncidentAct::AmendNote(None),
            },
            other => other,
        };
        vec![Effect::OnIncident {
            id: self.incident.id,
            act,
        }]
    }
}

impl App {
    pub(super) fn open_incident(&mut self, id: i64) {
        match (
            self.store.incident(id),
            self.store.timeline(id),
            self.store.incident_people(id),
        ) {
            (Ok(Some(incident)), Ok(timeline), Ok(people)) => {
                let selected = timeline.len().saturating_sub(1);
                self.pane = Pane::Incidents;
                self.detail = Some(Detail {
                    incident,
                    timeline,
                    selected,
                    people,
                    person: None,
                });
            }
            (Ok(None), _, _) => self.warn(format!("there is no incident #{id}")),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => self.store_error(e),
        }
    }

    pub(super) fn refresh_detail(&mut self) {
        let Some(d) = &self.detail else { return };
        let id = d.incident.id;
        match (
            self.store.incident(id),
            self.store.timeline(id),
            self.store.incident_people(id),
        ) {
            (Ok(Some(incident)), Ok(timeline), Ok(people)) => {
                let d = self.detail.as_mut().expect("detail open");
                let grew = timeline.len() > d.timeline.len();
                let at_end = d.selected + 1 >= d.timeline.len();
                d.incident = incident;
                d.timeline = timeline;
                if grew && at_end {
                    d.selected = d.timeline.len().saturating_sub(1);
                }
                d.selected = d.selected.min(d.timeline.len().saturating_sub(1));
                // the person selected stays selected while still on it
                let was = d.person.and_then(|i| d.people.get(i)).map(|p| p.id);
                d.people = people;
                d.person = was.and_then(|id| d.people.iter().position(|p| p.id == id));
            }
            (Ok(None), _, _) => {
                self.detail = None;
                self.warn(format!("incident #{id} is no longer in the store"));
            }
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => self.store_error(e),
        }
    }

    /// An incident key, through the pane that names the incident: the
    /// open one, else the board's selected row.
    pub(super) fn incident_key(&mut self, act: IncidentAct) {
        let effects = match (&self.detail, self.pane) {
            (Some(d), _) => d.act(act),
            (None, Pane::Incidents) => self.board.act(act),
            (None, Pane::Overview) => self.overview_incident_key(act),
            (None, _) => vec![],
        };
        self.run(effects);
    }

    /// Carry out an incident key on incident `id`, as the console has it
    /// open or, from the board, as the store has it now.
    pub(super) fn on_incident(&mut self, id: i64, act: IncidentAct) {
        let copy = match &self.detail {
            Some(d) if d.incident.id == id => Some(d.incident.clone()),
            _ => match self.store.incident(id) {
                Ok(i) => i,
                Err(e) => return self.store_error(e),
            },
        };
        let Some(i) = copy else {
            return self.warn(format!("there is no incident #{id}"));
        };
        match act {
            IncidentAct::Edit => self.modal = Some(self.edit_form(&i)),
            IncidentAct::Close => self.open_close_form(&i),
            IncidentAct::Note => self.open_note_form(&i, None),
            IncidentAct::AmendNote(None) => {
                let open = self.keymap.key_for(Command::Open);
                self.warn(format!(
                    "open the incident ({open}) and select the note to amend"
                ))
            }
            IncidentAct::AmendNote(Some(note)) => self.open_note_form(&i, Some(note)),
            IncidentAct::Advance => self.advance_status(&i),
            IncidentAct::Reopen => self.reopen(&i),
            IncidentAct::LinkOffender => self.open_link_form(&i),
            IncidentAct::Evidence => {
                self.open_evidence_form(Some(crate::domain::evidence::EvidenceOf::Incident(i.id)))
            }
            IncidentAct::NoteNow(text) => self.note_now(&i, &text),
            IncidentAct::CloseNow(reason) => self.set_status(&i, Status::Closed, Some(&reason)),
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

    fn open_close_form(&mut self, i: &Incident) {
        if i.status == Status::Closed {
            return self.warn(format!("incident #{} is already closed", i.id));
        }
        self.modal = Some(self.close_form(i));
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

    /// The note form, or the form amending note `amends`.
    fn open_note_form(&mut self, i: &Incident, amends: Option<i64>) {
        let amend = amends.is_some();
        let banner = amends
            .and_then(|id| {
                let d = self.detail.as_ref()?;
                d.timeline.iter().find(|e| e.id == id)
            })
            .map(|e| {
                format!(
                    "Amending the note of {}: {}",
                    e.at.with_timezone(&self.tz).format("%H:%M"),
                    e.text
                )
            });
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

    fn advance_status(&mut self, i: &Incident) {
        match i.status.next() {
            Some(Status::Closed) => self.open_close_form(i),
            Some(next) => self.set_status(i, next, None),
            None => self.warn(format!(
                "#{} is closed; {} reopens it",
                i.id,
                self.keymap.key_for(Command::Reopen)
            )),
        }
    }

    fn reopen(&mut self, i: &Incident) {
        if i.status != Status::Closed {
            return self.warn(format!("#{} is not closed", i.id));
        }
        self.set_status(i, Status::Open, None);
    }

    fn note_now(&mut self, i: &Incident, text: &str) {
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
