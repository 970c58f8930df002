//! The set-up pane, a manager's: the scheme's zones, its cameras, the
//! details its documents carry (name, address, contact, signatory), and its
//! governance records (`app/governance.rs`). Add, edit and retire, each
//! audited by the store; retiring asks first.

use super::effect::{moved, Effect, Nav};
use super::form::{Field, FieldKey, Form};
use super::keymap::Command;
use super::{App, FormKind, Modal, Pane};
use crate::domain::document::SchemeDetails;
use crate::domain::sighting::Camera;
use crate::domain::Zone;
use crate::store::places::CameraEdit;
use crate::store::StoreError;

/// The set-up forms: zones, cameras and the scheme's details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupForm {
    AddZone,
    EditZone { id: i64 },
    RetireZone { id: i64 },
    AddCamera,
    EditCamera { id: i64 },
    RetireCamera { id: i64 },
    SchemeDetails,
    AddBreach,
    EditBreach { id: i64, version: i64 },
    CloseBreach { id: i64, version: i64 },
    AddAgreement,
    EditAgreement { id: i64, version: i64 },
    EndAgreement { id: i64, version: i64 },
    RecordDocument,
    EditDocument { id: i64, version: i64 },
}

impl SetupForm {
    pub fn permission(&self) -> crate::domain::permission::Permission {
        use crate::domain::permission::Permission as P;
        match self {
            SetupForm::AddZone
            | SetupForm::EditZone { .. }
            | SetupForm::RetireZone { .. }
            | SetupForm::AddCamera
            | SetupForm::EditCamera { .. }
            | SetupForm::RetireCamera { .. }
            | SetupForm::SchemeDetails => P::SetUpScheme,
            _ => P::KeepGovernance,
        }
    }

    /// One of the governance records' forms.
    pub fn is_governance(&self) -> bool {
        self.permission() == crate::domain::permission::Permission::KeepGovernance
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SetupView {
    #[default]
    Zones,
    Cameras,
    Scheme,
    Breaches,
    Agreements,
    /// The DPIA and the appropriate policy document.
    Documents,
}

impl SetupView {
    pub fn next(self) -> SetupView {
        match self {
            SetupView::Zones => SetupView::Cameras,
            SetupView::Cameras => SetupView::Scheme,
            SetupView::Scheme => SetupView::Breaches,
            SetupView::Breaches => SetupView::Agreements,
            SetupView::Agreements => SetupView::Documents,
            SetupView::Documents => SetupView::Zones,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SetupView::Zones => "zones",
            SetupView::Cameras => "cameras",
            SetupView::Scheme => "the scheme's details",
            SetupView::Breaches => "the breach log",
            SetupView::Agreements => "the sharing agreements",
            SetupView::Documents => "the DPIA and appropriate policy document",
        }
    }

    pub fn is_governance(self) -> bool {
        matches!(
            self,
            SetupView::Breaches | SetupView::Agreements | SetupView::Documents
        )
    }
}

#[derive(Debug, Clone, Default)]
pub struct SetupPane {
    pub view: SetupView,
    pub selected: usize,
    /// The details as the store keeps them (blank: the config's stand).
    pub details: SchemeDetails,
    pub governance: super::governance::GovernanceLists,
    pub error: Option<String>,
}

/// What typing this confirms a retirement.
pub const RETIRE_WORD: &str = "retire";

/// What a set-up key does, to the zone or camera the pane has selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupAct {
    Add,
    Edit,
    Retire,
}

impl SetupPane {
    /// A set-up key: which zone or camera it is for, of those shown.
    pub fn act(&self, act: SetupAct, zones: &[Zone], cameras: &[Camera]) -> Vec<Effect> {
        let id = match self.view {
            SetupView::Zones => zones.get(self.selected).map(|z| z.id),
            SetupView::Cameras => cameras.get(self.selected).map(|c| c.id),
            SetupView::Scheme => None,
            _ => self.governance_id(self.selected),
        };
        vec![Effect::OnSetup { act, id }]
    }

    /// The governance record at row `i` of the view shown.
    fn governance_id(&self, i: usize) -> Option<i64> {
        let g = &self.governance;
        match self.view {
            SetupView::Breaches => g.breaches.get(i).map(|b| b.id),
            SetupView::Agreements => g.agreements.get(i).map(|a| a.id),
            SetupView::Documents => g.documents.get(i).map(|d| d.id),
            _ => None,
        }
    }

    /// A move among the `n` zones or cameras shown.
    pub fn update(&mut self, nav: Nav, n: usize) -> Vec<Effect> {
        if nav == Nav::NextView {
            self.view = self.view.next();
            self.selected = 0;
            return vec![
                Effect::Reload(Pane::Setup),
                Effect::Say(format!("showing {}", self.view.label())),
            ];
        }
        if nav != Nav::Open {
            moved(&mut self.selected, n, nav);
        }
        vec![]
    }
}

impl App {
    pub(crate) fn reload_setup(&mut self) {
        match self
            .store
            .scheme_details()
            .and_then(|d| self.reload_governance().map(|_| d))
        {
            Ok(d) => {
                self.setup.details = d;
                self.setup.error = None;
            }
            Err(e) => {
                self.setup.error = Some(e.to_string());
                self.store_error(e);
            }
        }
        let n = self.setup_len();
        self.setup.selected = self.setup.selected.min(n.saturating_sub(1));
    }

    /// Rows the selection moves over in the view shown.
    pub(crate) fn setup_len(&self) -> usize {
        match self.setup.view {
            SetupView::Zones => self.zones.len(),
            SetupView::Cameras => self.cameras.len(),
            SetupView::Scheme => 0,
            SetupView::Breaches => self.setup.governance.breaches.len(),
            SetupView::Agreements => self.setup.governance.agreements.len(),
            SetupView::Documents => self.setup.governance.documents.len(),
        }
    }

    fn selected_zone(&self) -> Option<&Zone> {
        (self.setup.view == SetupView::Zones)
            .then(|| self.zones.get(self.setup.selected))
            .flatten()
    }

    fn selected_camera(&self) -> Option<&Camera> {
        (self.setup.view == SetupView::Cameras)
            .then(|| self.cameras.get(self.setup.selected))
            .flatten()
    }

    /// The zone or camera selected, by id.
    fn setup_selected_id(&self) -> Option<i64> {
        match self.setup.view {
            SetupView::Zones => self.selected_zone().map(|z| z.id),
            SetupView::Cameras => self.selected_camera().map(|c| c.id),
            SetupView::Scheme => None,
            _ => self.setup.governance_id(self.setup.selected),
        }
    }

    /// Select this zone or camera in the list shown, if it is there.
    fn select_in_setup(&mut self, id: i64) {
        let at = match self.setup.view {
            SetupView::Zones => self.zones.iter().position(|z| z.id == id),
            SetupView::Cameras => self.cameras.iter().position(|c| c.id == id),
            SetupView::Scheme => None,
            _ => (0..self.setup_len()).find(|i| self.setup.governance_id(*i) == Some(id)),
        };
        if let Some(i) = at {
            self.setup.selected = i;
        }
    }

    /// The zones a camera's form offers: those in use, the camera's own,
    /// and none (a mobile camera).
    fn camera_zones(&self, current: Option<i64>) -> Vec<Option<Zone>> {
        let mut v: Vec<Option<Zone>> = self
            .zones
            .iter()
            .filter(|z| !z.retired || Some(z.id) == current)
            .cloned()
            .map(Some)
            .collect();
        v.push(None);
        v
    }

    fn camera_form(&self, title: String, c: Option<&Camera>) -> Form {
        let zones = self.camera_zones(c.and_then(|c| c.zone_id));
        let names: Vec<String> = zones
            .iter()
            .map(|z| match z {
                Some(z) => format!("{} ({})", z.name, z.code),
                None => "(no zone: a mobile camera)".into(),
            })
            .collect();
        let at = c
            .and_then(|c| {
                zones
                    .iter()
                    .position(|z| z.as_ref().map(|z| z.id) == c.zone_id)
            })
            .unwrap_or(0);
        Form::new(
            title,
            vec![
                Field::text(
                    FieldKey::Name,
                    c.map_or("", |c| c.name.as_str()),
                    "as the control room calls it, e.g. Cam 12 Market Square",
                ),
                Field::choice(
                    FieldKey::Zone,
                    names,
                    at,
                    "←/→ or a letter: the zone it watches",
                ),
                Field::text(
                    FieldKey::Number,
                    &c.and_then(|c| c.number)
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    "its number on the CCTV system (blank: none)",
                ),
            ],
        )
    }

    /// `A`: a new zone or camera.
    pub(crate) fn open_setup_add_form(&mut self) {
        match self.setup.view {
            SetupView::Zones => {
                let form = Form::new(
                    "New zone",
                    vec![
                        Field::text(FieldKey::Name, "", "e.g. High Street, Night-Time Economy"),
                        Field::text(FieldKey::Code, "", "1 to 8 letters or digits, e.g. HS, NTE"),
                    ],
                );
                self.modal = Some(Modal::Form(FormKind::Setup(SetupForm::AddZone), form));
            }
            SetupView::Cameras => {
                if !self.zones.iter().any(|z| !z.retired) {
                    return self.warn("add a zone first: a camera watches one");
                }
                let form = self.camera_form("New camera".into(), None);
                self.modal = Some(Modal::Form(FormKind::Setup(SetupForm::AddCamera), form));
            }
            SetupView::Scheme => self.open_setup_edit_form(None),
            _ => self.governance_add(),
        }
    }

    /// `e`: the selected zone or camera, or the scheme's details.
    /// A set-up key, through the set-up pane's own update.
    pub(crate) fn setup_key(&mut self, act: SetupAct) {
        let effects = self.setup.act(act, &self.zones, &self.cameras);
        self.run(effects);
    }

    /// Carry out a set-up key on the zone or camera `id` (none selected:
    /// none), in the view the pane shows.
    pub(crate) fn on_setup(&mut self, act: SetupAct, id: Option<i64>) {
        if self.setup.view.is_governance() {
            return match act {
                SetupAct::Add => self.governance_add(),
                SetupAct::Edit => self.governance_edit(id),
                SetupAct::Retire => self.governance_retire(id),
            };
        }
        match act {
            SetupAct::Add => self.open_setup_add_form(),
            SetupAct::Edit => self.open_setup_edit_form(id),
            SetupAct::Retire => self.open_setup_retire_form(id),
        }
    }

    /// "No zone selected: A adds one", with the key now bound.
    fn none_selected(&mut self, what: &str) {
        let add = self.keymap.key_for(Command::SetupAdd);
        self.warn(format!("no {what} selected: {add} adds one"));
    }

    fn open_setup_edit_form(&mut self, id: Option<i64>) {
        match self.setup.view {
            SetupView::Zones => {
                let Some(z) = self.zones.iter().find(|z| Some(z.id) == id).cloned() else {
                    return self.none_selected("zone");
                };
                let form = Form::new(
                    format!("Zone {}", z.code),
                    vec![
                        Field::text(FieldKey::Name, &z.name, "its history keeps pointing at it"),
                        Field::text(FieldKey::Code, &z.code, "1 to 8 letters or digits"),
                    ],
                );
                self.modal = Some(Modal::Form(
                    FormKind::Setup(SetupForm::EditZone { id: z.id }),
                    form,
                ));
            }
            SetupView::Cameras => {
                let Some(c) = self.cameras.iter().find(|c| Some(c.id) == id).cloned() else {
                    return self.none_selected("camera");
                };
                let form = self.camera_form(format!("Camera {}", c.name), Some(&c));
                self.modal = Some(Modal::Form(
                    FormKind::Setup(SetupForm::EditCamera { id: c.id }),
                    form,
                ));
            }
            SetupView::Scheme => {
                let d = self.setup.details.clone();
                let config = &self.config.scheme;
                let mut form = Form::new(
                    "The scheme's details",
                    vec![
                        Field::text(FieldKey::Name, &d.name, "as documents name the scheme"),
                        Field::text(FieldKey::Address, &d.address, "where a letter to it goes"),
                        Field::text(
                            FieldKey::Contact,
                            &d.contact,
                            "who answers questions about personal data",
                        ),
                        Field::text(
                            FieldKey::Signatory,
                            &d.signatory,
                            "who signs notices and letters",
                        ),
                        Field::text(
                            FieldKey::SignatoryRole,
                            &d.signatory_role,
                            "e.g. Scheme manager",
                        ),
                    ],
                );
                form.banner = Some(format!(
                    "A blank field leaves the config's in force (now: {}).",
                    config.name
                ));
                self.modal = Some(Modal::Form(FormKind::Setup(SetupForm::SchemeDetails), form));
            }
            _ => self.governance_edit(id),
        }
    }

    /// `X`: retire the selected zone or camera, after typing the word.
    fn open_setup_retire_form(&mut self, id: Option<i64>) {
        let (kind, what, note) = match self.setup.view {
            SetupView::Zones => {
                let Some(z) = self.zones.iter().find(|z| Some(z.id) == id).cloned() else {
                    return self.warn("no zone selected");
                };
                if z.retired {
                    return self.warn(format!("the zone {} is already retired", z.name));
                }
                let cameras = self
                    .cameras
                    .iter()
                    .filter(|c| c.zone_id == Some(z.id) && !c.retired)
                    .count();
                let note = if cameras > 0 {
                    format!(" {cameras} camera(s) still watch it: move them first, or they take no sightings.")
                } else {
                    String::new()
                };
                (
                    FormKind::Setup(SetupForm::RetireZone { id: z.id }),
                    format!("the zone {} ({})", z.name, z.code),
                    note,
                )
            }
            SetupView::Cameras => {
                let Some(c) = self.cameras.iter().find(|c| Some(c.id) == id).cloned() else {
                    return self.warn("no camera selected");
                };
                if c.retired {
                    return self.warn(format!("the camera {} is already retired", c.name));
                }
                (
                    FormKind::Setup(SetupForm::RetireCamera { id: c.id }),
                    format!("the camera {}", c.name),
                    String::new(),
                )
            }
            SetupView::Scheme => {
                let edit = self.keymap.key_for(Command::SetupEdit);
                return self.warn(format!(
                    "the scheme's details are edited ({edit}), not retired"
                ));
            }
            _ => return self.governance_retire(id),
        };
        let mut form = Form::new(
            "Retire",
            vec![Field::text(
                FieldKey::Confirm,
                "",
                "type retire and Enter; Esc keeps it in use",
            )],
        );
        form.banner = Some(format!(
            "Retire {what}? Its history stays; it is offered for nothing new.{note}"
        ));
        self.modal = Some(Modal::Form(kind, form));
    }

    pub(crate) fn submit_setup_form(
        &mut self,
        kind: &SetupForm,
        form: &Form,
    ) -> Result<String, StoreError> {
        if kind.is_governance() {
            return self.submit_governance_form(kind, form);
        }
        let (op, now) = (self.operator.id, self.now());
        let camera_edit = |app: &App, current: Option<i64>| -> Result<CameraEdit, StoreError> {
            let zones = app.camera_zones(current);
            let zone = zones
                .get(form.field(FieldKey::Zone)?.choice_index())
                .cloned()
                .flatten()
                .map(|z| z.id);
            let typed = form.field(FieldKey::Number)?.value().trim();
            let number = if typed.is_empty() {
                None
            } else {
                Some(typed.parse::<i64>().map_err(|_| {
                    StoreError::Invalid(format!(
                        "a camera number is a whole number (not “{typed}”)"
                    ))
                })?)
            };
            Ok(CameraEdit {
                name: form.field(FieldKey::Name)?.value().to_string(),
                zone_id: zone,
                number,
            })
        };
        // a new zone or camera is selected once it is in the list
        let mut added = None;
        let msg = match kind {
            SetupForm::AddZone => {
                let z = self.store.add_zone(
                    form.field(FieldKey::Name)?.value(),
                    form.field(FieldKey::Code)?.value(),
                    op,
                    now,
                )?;
                added = Some(z.id);
                format!("zone {} ({}) added", z.name, z.code)
            }
            SetupForm::EditZone { id } => {
                let z = self.store.edit_zone(
                    *id,
                    form.field(FieldKey::Name)?.value(),
                    form.field(FieldKey::Code)?.value(),
                    op,
                    now,
                )?;
                format!("zone {} ({}) saved", z.name, z.code)
            }
            SetupForm::AddCamera => {
                let c = camera_edit(self, None)?;
                let c = self.store.add_numbered_camera(&c, false, op, now)?;
                added = Some(c.id);
                format!("camera {} added", c.name)
            }
            SetupForm::EditCamera { id } => {
                let current = self
                    .cameras
                    .iter()
                    .find(|c| c.id == *id)
                    .and_then(|c| c.zone_id);
                let c = camera_edit(self, current)?;
                let c = self.store.edit_camera(*id, &c, op, now)?;
                format!("camera {} saved", c.name)
            }
            SetupForm::RetireZone { id } | SetupForm::RetireCamera { id } => {
                if !form
                    .field(FieldKey::Confirm)?
                    .value()
                    .trim()
                    .eq_ignore_ascii_case(RETIRE_WORD)
                {
                    let keep = self.keymap.key_for(Command::CancelForm);
                    return Err(StoreError::Invalid(format!(
                        "type {RETIRE_WORD} to confirm, or {keep} to keep it"
                    )));
                }
                if matches!(kind, SetupForm::RetireZone { .. }) {
                    let z = self.store.retire_zone(*id, op, now)?;
                    format!("zone {} retired: its history stays", z.name)
                } else {
                    let c = self.store.retire_camera(*id, op, now)?;
                    format!("camera {} retired: its sightings stay", c.name)
                }
            }
            SetupForm::SchemeDetails => {
                let d = SchemeDetails {
                    name: form.field(FieldKey::Name)?.value().to_string(),
                    address: form.field(FieldKey::Address)?.value().to_string(),
                    contact: form.field(FieldKey::Contact)?.value().to_string(),
                    signatory: form.field(FieldKey::Signatory)?.value().to_string(),
                    signatory_role: form.field(FieldKey::SignatoryRole)?.value().to_string(),
                };
                self.store.set_scheme_details(d, op, now)?;
                "the scheme's details saved: documents made from now on carry them".into()
            }
            _ => unreachable!("governance forms are saved above"),
        };
        // a failed read is said; the save itself stands
        self.reload_places();
        self.reload_setup();
        if let Some(id) = added {
            self.select_in_setup(id);
        }
        Ok(msg)
    }

    /// Zones, members and cameras again, after a change here or elsewhere;
    /// false (the failure said) if the store could not be read.
    pub(crate) fn reload_places(&mut self) -> bool {
        match (
            self.store.zones(),
            self.store.members(),
            self.store.cameras(),
        ) {
            (Ok(z), Ok(m), Ok(c)) => {
                // the lists re-sort (a renamed zone or camera moves): the
                // set-up pane's selection stays on the same one, so a key
                // pressed next acts on what was selected
                let selected = self.setup_selected_id();
                self.zones = z;
                self.members = m;
                self.cameras = c;
                if let Some(id) = selected {
                    self.select_in_setup(id);
                }
                true
            }
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                self.store_error(e);
                false
            }
        }
    }
}
