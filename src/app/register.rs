//! The CCTV desk in the console: the offender register, profiles and
//! exclusions (sightings and hits have modules of their own).

use super::effect::{moved, Effect, Nav};
use super::form::{Field, FieldKey, Form, OffenderChoice, Suggest};
use super::sightings::parse_incident_ids;
use super::{App, FormKind, Modal, Pane};
use crate::domain::exclusion::{local_span, Exclusion, Scope};
use crate::domain::offender::{split_list, OffenderInput, OffenderKind};
use crate::domain::place::{suggest_places, PlaceChoice};
use crate::domain::search::{MatchedOn, OffenderIndex};
use crate::domain::{Member, Zone};
use crate::store::exclusions::{ExclusionRow, NewExclusion};
use crate::store::offenders::Profile;
use crate::store::StoreError;
use chrono::{Duration, NaiveDate};
use std::collections::HashSet;

/// The register's forms: a person, their exclusions and appeals, promoting and merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterForm {
    Offender { id: Option<i64>, version: i64 },
    Exclusion { offender: i64 },
    LiftExclusion { id: i64, version: i64 },
    Promote { id: i64 },
    Merge { from: i64 },
    Appeal { id: i64, version: i64 },
}

impl RegisterForm {
    pub fn permission(&self) -> crate::domain::permission::Permission {
        use crate::domain::permission::Permission as P;
        match self {
            RegisterForm::Offender { .. }
            | RegisterForm::Promote { .. }
            | RegisterForm::Merge { .. } => P::EditRegister,
            RegisterForm::Exclusion { .. }
            | RegisterForm::LiftExclusion { .. }
            | RegisterForm::Appeal { .. } => P::ManageExclusions,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegisterView {
    #[default]
    Known,
    IdSought,
    Exclusions,
}

impl RegisterView {
    pub fn label(self) -> &'static str {
        match self {
            RegisterView::Known => "known",
            RegisterView::IdSought => "ID-sought",
            RegisterView::Exclusions => "exclusions in force",
        }
    }
    fn next(self) -> RegisterView {
        match self {
            RegisterView::Known => RegisterView::IdSought,
            RegisterView::IdSought => RegisterView::Exclusions,
            RegisterView::Exclusions => RegisterView::Known,
        }
    }
}

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    pub id: i64,
    pub name: String,
    pub kind: OffenderKind,
    pub aliases: Vec<String>,
    pub markers: Vec<String>,
    pub activity: i64,
    /// The alias, nickname or marker that the search matched, when not the name.
    pub matched: Option<String>,
    pub excluded: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Register {
    pub view: RegisterView,
    pub query: String,
    pub rows: Vec<RegisterRow>,
    pub exclusions: Vec<ExclusionRow>,
    pub selected: usize,
    /// Offenders with an excluding sanction in force now.
    pub excluded: HashSet<i64>,
}

#[derive(Debug, Clone)]
pub struct ProfileView {
    pub profile: Profile,
    /// The selected exclusion (for lifting).
    pub selected: usize,
}

/// Suggestions for the console's forms: places from the store, people from the index.
impl Register {
    /// A move in the list shown; Enter asks why before opening the
    /// selected person's profile.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav == Nav::Open {
            return self
                .selected_offender()
                .map(|offender| Effect::AskWhy {
                    offender,
                    why: None,
                })
                .into_iter()
                .collect();
        }
        if nav == Nav::NextView {
            self.view = self.view.next();
            self.selected = 0;
            return vec![Effect::Reload(Pane::Offenders)];
        }
        let n = self.len();
        moved(&mut self.selected, n, nav);
        vec![]
    }

    pub fn selected_offender(&self) -> Option<i64> {
        match self.view {
            RegisterView::Exclusions => self
                .exclusions
                .get(self.selected)
                .map(|r| r.exclusion.offender_id),
            _ => self.rows.get(self.selected).map(|r| r.id),
        }
    }

    pub fn len(&self) -> usize {
        match self.view {
            RegisterView::Exclusions => self.exclusions.len(),
            _ => self.rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl ProfileView {
    /// A move among the person's exclusions.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav != Nav::Open {
            moved(&mut self.selected, self.profile.exclusions.len(), nav);
        }
        vec![]
    }
}

pub(crate) struct AppSuggest<'a> {
    pub zones: &'a [Zone],
    pub members: &'a [Member],
    pub index: &'a mut OffenderIndex,
}

impl Suggest for AppSuggest<'_> {
    fn places(&mut self, fragment: &str) -> Vec<PlaceChoice> {
        suggest_places(fragment, self.zones, self.members, 6)
    }
    fn offenders(&mut self, fragment: &str, kind: Option<OffenderKind>) -> Vec<OffenderChoice> {
        let hits = self.index.search(fragment, kind, 6);
        hits.into_iter()
            .filter_map(|h| {
                let e = self.index.entry(h.id)?;
                let mut label = e.name.clone();
                match (h.matched_on, &h.matched_text) {
                    (MatchedOn::Alias, Some(t)) => label.push_str(&format!(" (alias {t})")),
                    (MatchedOn::Nickname, Some(t)) => label.push_str(&format!(" (“{t}”)")),
                    (MatchedOn::Marker, Some(t)) => label.push_str(&format!(" [{t}]")),
                    _ => {}
                }
                if e.kind == OffenderKind::IdSought {
                    label.push_str(" · ID-sought");
                }
                Some(OffenderChoice {
                    id: e.id,
                    name: e.name.clone(),
                    label,
                })
            })
            .collect()
    }
}

fn parse_date(input: &str, what: &str) -> Result<Option<NaiveDate>, String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("{what}: “{s}” is not a date (YYYY-MM-DD)"))
}

/// The lift form for this copy of an exclusion.
pub(super) fn lift_form(e: &Exclusion) -> Modal {
    let form = Form::new(
        format!("Lift {} #{}", e.stage, e.id),
        vec![Field::text(FieldKey::Reason, "", "why it is lifted early")],
    );
    Modal::Form(
        FormKind::Register(RegisterForm::LiftExclusion {
            id: e.id,
            version: e.version,
        }),
        form,
    )
}

impl App {
    // ----- the register ------------------------------------------------------

    /// Run the register's search (or list) for the current view.
    pub(crate) fn refresh_register(&mut self) {
        let now = self.now();
        match self.store.exclusions_in_force(now) {
            Ok(rows) => {
                self.register.excluded = rows
                    .iter()
                    .filter(|r| self.rules.ladder.excludes(&r.exclusion.stage))
                    .map(|r| r.exclusion.offender_id)
                    .collect();
                self.register.exclusions = rows;
            }
            Err(e) => return self.store_error(e),
        }
        let kind = match self.register.view {
            RegisterView::Known => Some(OffenderKind::Known),
            RegisterView::IdSought => Some(OffenderKind::IdSought),
            RegisterView::Exclusions => None,
        };
        if let Some(kind) = kind {
            let hits = self.index.search(&self.register.query, Some(kind), 500);
            self.register.rows = hits
                .into_iter()
                .filter_map(|h| {
                    let e = self.index.entry(h.id)?;
                    Some(RegisterRow {
                        id: e.id,
                        name: e.name.clone(),
                        kind: e.kind,
                        aliases: e.aliases.clone(),
                        markers: e.markers.clone(),
                        activity: e.activity,
                        matched: h
                            .matched_text
                            .clone()
                            .filter(|_| h.matched_on != MatchedOn::Name),
                        excluded: self.register.excluded.contains(&e.id),
                    })
                })
                .collect();
        }
        let n = match self.register.view {
            RegisterView::Exclusions => self.register.exclusions.len(),
            _ => self.register.rows.len(),
        };
        self.register.selected = self.register.selected.min(n.saturating_sub(1));
    }

    /// Update the search index in place with the records changed since it
    /// last looked (on this or another console); false if the store failed.
    pub(crate) fn update_index(&mut self) -> bool {
        let now = self.now();
        match self
            .store
            .update_search_index(&mut self.index, &mut self.register_mark, now)
        {
            Ok(_) => true,
            Err(e) => {
                self.store_error(e);
                false
            }
        }
    }

    /// Update the index and the register's lists when the register changed
    /// (here or on another console); cheap to call when it has not.
    pub(crate) fn refresh_register_if_changed(&mut self) {
        if self.update_index() {
            self.refresh_register();
        }
    }

    /// Ask in one line why a profile is opened from the register, outside a
    /// live incident or hit; the answer is audited with the view. Permission
    /// is checked first so a refused operator is not asked for a reason.
    pub(crate) fn ask_why(&mut self, offender: i64) {
        if !self.permit(crate::domain::permission::Permission::ViewProfile) {
            return;
        }
        let last = self.last_why.clone();
        self.input = Some(super::InputLine {
            kind: super::InputKind::Why { offender },
            line: super::input::LineInput::new(&last),
            before: String::new(),
            error: None,
        });
    }

    /// Open a profile; the view is audited with why it was opened.
    pub(crate) fn open_profile(&mut self, id: i64, why: &str) {
        if !self.permit(crate::domain::permission::Permission::ViewProfile) {
            return;
        }
        let now = self.now();
        match self.store.open_profile(id, self.operator.id, why, now) {
            Ok(profile) => {
                self.mark_own_writes_seen();
                self.pane = Pane::Offenders;
                self.profile = Some(ProfileView {
                    profile,
                    selected: 0,
                });
            }
            Err(e) => self.store_error(e),
        }
    }

    pub(crate) fn refresh_profile(&mut self) {
        let Some(p) = &self.profile else { return };
        let id = p.profile.offender.id;
        match self.store.profile(id, self.now()) {
            Ok(profile) => {
                let selected = p.selected.min(profile.exclusions.len().saturating_sub(1));
                self.profile = Some(ProfileView { profile, selected });
            }
            Err(e) => {
                self.profile = None;
                self.store_error(e);
            }
        }
    }

    pub(super) fn current_offender(&self) -> Option<i64> {
        if self.pane != Pane::Offenders {
            return None;
        }
        match &self.profile {
            Some(p) => Some(p.profile.offender.id),
            None => self.register.selected_offender(),
        }
    }

    // ----- forms -------------------------------------------------------------------

    pub(super) fn offender_choice(&self, id: i64) -> Option<OffenderChoice> {
        self.index.entry(id).map(|e| OffenderChoice {
            id,
            name: e.name.clone(),
            label: e.name.clone(),
        })
    }

    pub(crate) fn open_offender_form(&mut self, edit: bool) {
        let (born, address) = match (edit, self.current_offender()) {
            (true, Some(id)) => match self.store.offender_identity(id) {
                Ok((b, a)) => (b.map(|d| d.to_string()).unwrap_or_default(), a),
                Err(e) => return self.store_error(e),
            },
            _ => (String::new(), String::new()),
        };
        let existing = if edit {
            let Some(id) = self.current_offender() else {
                return;
            };
            match self.store.offender(id) {
                Ok(Some(o)) => Some(o),
                Ok(None) => return,
                Err(e) => return self.store_error(e),
            }
        } else {
            None
        };
        let o = existing
            .clone()
            .unwrap_or_else(|| crate::domain::offender::Offender {
                id: 0,
                kind: if self.register.view == RegisterView::IdSought {
                    OffenderKind::IdSought
                } else {
                    OffenderKind::Known
                },
                name: String::new(),
                aliases: vec![],
                nicknames: vec![],
                description: String::new(),
                markers: vec![],
                status: "active".into(),
                photo_path: String::new(),
                created_at: self.now(),
                updated_at: self.now(),
                version: 0,
            });
        self.modal = Some(self.offender_form(&o, &born, &address, edit));
    }

    /// The register's form for this copy of a person (a new one: `edit` false).
    pub(super) fn offender_form(
        &self,
        o: &crate::domain::offender::Offender,
        born: &str,
        address: &str,
        edit: bool,
    ) -> Modal {
        let kinds = vec!["known".to_string(), "ID-sought".to_string()];
        let mut fields = vec![];
        if !edit {
            fields.push(Field::choice(
                FieldKey::Kind,
                kinds,
                (o.kind == OffenderKind::IdSought) as usize,
                "known, or ID-sought (from a CCTV still)",
            ));
        }
        fields.extend([
            Field::text(
                FieldKey::Name,
                &o.name,
                "for ID-sought, blank gives a number",
            ),
            Field::text(
                FieldKey::Aliases,
                &o.aliases.join(", "),
                "other names, separated by commas",
            ),
            Field::text(
                FieldKey::Nicknames,
                &o.nicknames.join(", "),
                "separated by commas",
            ),
            Field::text(
                FieldKey::Markers,
                &o.markers.join(", "),
                "e.g. violent, weapons, drugs (violent and weapons raise watch hits)",
            ),
            Field::text(
                FieldKey::Description,
                &o.description,
                "build, clothing, marks; nothing about ethnicity, religion or health",
            ),
            Field::text(
                FieldKey::Photo,
                &o.photo_path,
                "path to a JPEG or PNG still (optional)",
            ),
            Field::text(
                FieldKey::Born,
                born,
                "date of birth, YYYY-MM-DD, if known: only for notices served on them",
            ),
            Field::text(
                FieldKey::Address,
                address,
                "if known: only for notices served on them",
            ),
        ]);
        let title = if edit {
            format!("Edit {}", o.name)
        } else {
            "Add to the register".to_string()
        };
        let kind = if edit {
            FormKind::Register(RegisterForm::Offender {
                id: Some(o.id),
                version: o.version,
            })
        } else {
            FormKind::Register(RegisterForm::Offender {
                id: None,
                version: 0,
            })
        };
        Modal::Form(kind, Form::new(title, fields))
    }

    pub(crate) fn open_exclusion_form(&mut self) {
        let Some(id) = self.current_offender() else {
            return;
        };
        let name = self
            .index
            .entry(id)
            .map(|e| e.name.clone())
            .unwrap_or_default();
        let stages = self.rules.ladder.names();
        let default = stages.len().saturating_sub(1);
        let today = self.now().with_timezone(&self.tz).date_naive();
        let form = Form::new(
            format!("Serve a sanction on {name}"),
            vec![
                Field::choice(FieldKey::Stage, stages, default, "the scheme's ladder"),
                Field::text(
                    FieldKey::Zones,
                    "all",
                    "all, or zone names separated by commas",
                ),
                Field::text(
                    FieldKey::From,
                    &today.to_string(),
                    "YYYY-MM-DD (from the start of the day)",
                ),
                Field::text(
                    FieldKey::To,
                    &(today + Duration::days(365)).to_string(),
                    "YYYY-MM-DD (to the end of the day)",
                ),
                Field::text(FieldKey::ServedBy, &self.operator.name, "who served it"),
                Field::text(FieldKey::Reason, "", "e.g. persistent shop theft"),
                Field::text(
                    FieldKey::Evidence,
                    "",
                    "incident numbers, e.g. #1201, #1244",
                ),
                Field::text(FieldKey::ReviewOn, "", "YYYY-MM-DD (optional)"),
            ],
        );
        self.modal = Some(Modal::Form(
            FormKind::Register(RegisterForm::Exclusion { offender: id }),
            form,
        ));
    }

    /// `N`: the warning letter or exclusion notice for the selected
    /// exclusion, written beside the store like the shell's `document`.
    pub(crate) fn make_notice(&mut self) {
        use crate::domain::document::DocKind;
        let Some(p) = &self.profile else {
            return self.warn("open the person's profile and select the exclusion");
        };
        let Some(e) = p.profile.exclusions.get(p.selected) else {
            return self.warn("this person has no exclusions");
        };
        let (id, stage) = (e.id, e.stage.clone());
        let kind = if self.config.hit_rules().ladder.excludes(&stage) {
            DocKind::ExclusionNotice
        } else {
            DocKind::WarningLetter
        };
        if self.work.busy(super::work::Purpose::Notice).is_some() {
            return self.info("a notice is still being made: a moment");
        }
        let store = self.store.path();
        let settings = self
            .config
            .document_settings(crate::io::document::beside_store(store, "templates"));
        let out = crate::io::document::beside_store(store, "documents");
        let now = self.now();
        // the PDF is made on the store worker: keys and other consoles' hits go on meanwhile
        self.work.queue(
            super::work::Job::Notice {
                kind,
                exclusion: id,
                settings: Box::new(settings),
                out,
                operator: self.operator.id,
                now,
            },
            now,
        );
        self.info(format!("making the {} for #{id}…", kind.label()));
    }

    /// The worker has made the notice (or could not).
    pub(crate) fn notice_done(
        &mut self,
        kind: crate::domain::document::DocKind,
        id: i64,
        made: Result<super::work::NoticeMade, String>,
    ) {
        match made {
            Ok(made) => {
                self.mark_own_writes_seen();
                self.refresh_profile();
                let file = made.file.map(|f| f.display().to_string());
                let notes = if made.warnings.is_empty() {
                    String::new()
                } else {
                    format!(" · note: {}", made.warnings.join("; "))
                };
                self.info(format!(
                    "{} for #{id} written: {}{notes}",
                    kind.label(),
                    crate::domain::text::clean(&file.unwrap_or_default())
                ));
            }
            Err(e) => self.warn(format!("no {} made: {e}", kind.label())),
        }
    }

    pub(crate) fn open_lift_form(&mut self) {
        let Some(p) = &self.profile else {
            return self.warn("open the person's profile and select the exclusion to lift");
        };
        let Some(e) = p.profile.exclusions.get(p.selected) else {
            return self.warn("this person has no exclusions");
        };
        if !e.in_force(self.now()) {
            return self.warn("the selected exclusion is not in force");
        }
        self.modal = Some(lift_form(e));
    }

    pub(crate) fn open_appeal_form(&mut self) {
        let Some(p) = &self.profile else {
            return self.warn("open the person's profile and select the exclusion appealed");
        };
        let Some(e) = p.profile.exclusions.get(p.selected) else {
            return self.warn("this person has no exclusions");
        };
        self.modal = Some(self.appeal_form(e));
    }

    /// The appeal form for this copy of an exclusion.
    pub(super) fn appeal_form(&self, e: &Exclusion) -> Modal {
        let today = self.now().with_timezone(&self.tz).date_naive();
        let lodged = e.appeal_lodged_on.unwrap_or(today).to_string();
        let outcome = e.appeal_outcome.clone().unwrap_or_default();
        let form = Form::new(
            format!("Appeal against {} #{}", e.stage, e.id),
            vec![
                Field::text(FieldKey::LodgedOn, &lodged, "YYYY-MM-DD"),
                Field::text(
                    FieldKey::Outcome,
                    &outcome,
                    "blank while it is pending, e.g. upheld, dismissed",
                ),
            ],
        );
        Modal::Form(
            FormKind::Register(RegisterForm::Appeal {
                id: e.id,
                version: e.version,
            }),
            form,
        )
    }

    pub(crate) fn open_promote_form(&mut self) {
        let Some(id) = self.current_offender() else {
            return;
        };
        if self.index.entry(id).map(|e| e.kind) != Some(OffenderKind::IdSought) {
            return self.warn("only an ID-sought record can be promoted");
        }
        let form = Form::new(
            "Identified: give the name",
            vec![Field::text(FieldKey::Name, "", "the person's full name")],
        );
        self.modal = Some(Modal::Form(
            FormKind::Register(RegisterForm::Promote { id }),
            form,
        ));
    }

    pub(crate) fn open_merge_form(&mut self) {
        let Some(id) = self.current_offender() else {
            return;
        };
        if self.index.entry(id).map(|e| e.kind) != Some(OffenderKind::IdSought) {
            return self.warn("only an ID-sought record can be merged into a known person");
        }
        let form = Form::new(
            "Merge into a known person",
            vec![Field::offender(
                FieldKey::Into,
                None,
                Some(OffenderKind::Known),
                "who this ID-sought record turned out to be",
            )],
        );
        self.modal = Some(Modal::Form(
            FormKind::Register(RegisterForm::Merge { from: id }),
            form,
        ));
    }

    /// Save one of the register's forms; Ok is the message to show.
    pub(crate) fn submit_register_form(
        &mut self,
        kind: &RegisterForm,
        form: &Form,
    ) -> Result<String, StoreError> {
        let now = self.now();
        let op = self.operator.id;
        let invalid = StoreError::Invalid;
        match kind {
            RegisterForm::Offender { id, version } => {
                let input = OffenderInput {
                    name: form.field(FieldKey::Name)?.value().into(),
                    aliases: split_list(form.field(FieldKey::Aliases)?.value()),
                    nicknames: split_list(form.field(FieldKey::Nicknames)?.value()),
                    description: form.field(FieldKey::Description)?.value().into(),
                    markers: split_list(form.field(FieldKey::Markers)?.value()),
                    photo_path: form.field(FieldKey::Photo)?.value().trim().into(),
                };
                // the store checks a new photo and copies it in before it saves anything
                let given_photo = input.photo_path.clone();
                // checked before anything is saved, so a bad date loses nothing
                let born =
                    parse_date(form.field(FieldKey::Born)?.value(), "born").map_err(invalid)?;
                if born.is_some_and(|d| d >= now.with_timezone(&self.tz).date_naive()) {
                    return Err(invalid("born: a date of birth is in the past".into()));
                }
                let address =
                    crate::domain::text::tidy_input(form.field(FieldKey::Address)?.value());
                let id_sought = match id {
                    Some(id) => self
                        .store
                        .offender(*id)?
                        .is_some_and(|o| o.kind == OffenderKind::IdSought),
                    None => form.field(FieldKey::Kind)?.choice_index() == 1,
                };
                if id_sought && (born.is_some() || !address.is_empty()) {
                    return Err(invalid(
                        "an ID-sought person has no known date of birth or address: promote them to known first".into(),
                    ));
                }
                let saved = match id {
                    Some(id) => self.store.update_offender(*id, *version, input, op, now)?,
                    None => {
                        let kind = if form.field(FieldKey::Kind)?.choice_index() == 1 {
                            OffenderKind::IdSought
                        } else {
                            OffenderKind::Known
                        };
                        self.store.create_offender(kind, input, op, now)?
                    }
                };
                if self.store.offender_identity(saved.id)? != (born, address.clone()) {
                    self.store.set_offender_identity(
                        saved.id,
                        saved.version,
                        born,
                        &address,
                        op,
                        now,
                    )?;
                }
                self.update_index();
                if id.is_none() {
                    self.open_profile(saved.id, "added to the register");
                }
                if !given_photo.is_empty() && given_photo != saved.photo_path {
                    return Ok(format!(
                        "{} saved · the photo was copied into the store's photo folder; {} is left where it was",
                        saved.name,
                        crate::domain::text::clean(&given_photo)
                    ));
                }
                Ok(format!("{} saved", saved.name))
            }
            RegisterForm::Exclusion { offender } => {
                let from = parse_date(form.field(FieldKey::From)?.value(), "from")
                    .map_err(invalid)?
                    .ok_or_else(|| invalid("from: give the first day".into()))?;
                let to = parse_date(form.field(FieldKey::To)?.value(), "to")
                    .map_err(invalid)?
                    .ok_or_else(|| invalid("to: give the last day".into()))?;
                let (starts_at, ends_at) = local_span(from, to, self.tz).map_err(invalid)?;
                let zones_text = form.field(FieldKey::Zones)?.value().trim().to_string();
                let scope = if zones_text.is_empty() || zones_text.eq_ignore_ascii_case("all") {
                    Scope::AllZones
                } else {
                    let mut ids = vec![];
                    for name in split_list(&zones_text) {
                        let l = name.to_lowercase();
                        let matching: Vec<&Zone> = self
                            .zones
                            .iter()
                            .filter(|z| !z.retired && z.name.to_lowercase().contains(&l))
                            .collect();
                        match matching.as_slice() {
                            [z] => ids.push(z.id),
                            [] => return Err(invalid(format!("there is no zone called “{name}”"))),
                            many => {
                                return Err(invalid(format!(
                                    "“{name}” could be {}",
                                    many.iter()
                                        .map(|z| z.name.as_str())
                                        .collect::<Vec<_>>()
                                        .join(" or ")
                                )))
                            }
                        }
                    }
                    Scope::Zones(ids)
                };
                let new = NewExclusion {
                    offender_id: *offender,
                    stage: form.field(FieldKey::Stage)?.value().into(),
                    scope,
                    starts_at,
                    ends_at,
                    served_at: Some(now.min(starts_at.max(now - Duration::days(3650)))),
                    served_by: form.field(FieldKey::ServedBy)?.value().into(),
                    reason: form.field(FieldKey::Reason)?.value().into(),
                    evidence: parse_incident_ids(form.field(FieldKey::Evidence)?.value())
                        .map_err(invalid)?,
                    review_on: parse_date(form.field(FieldKey::ReviewOn)?.value(), "review on")
                        .map_err(invalid)?,
                };
                let e = self
                    .store
                    .create_exclusion(&new, &self.rules.ladder, op, now)?;
                Ok(format!("{} served, to {}", e.stage, to))
            }
            RegisterForm::LiftExclusion { id, version } => {
                self.store.lift_exclusion(
                    *id,
                    *version,
                    form.field(FieldKey::Reason)?.value(),
                    op,
                    now,
                )?;
                Ok(format!("exclusion {id} lifted"))
            }
            RegisterForm::Appeal { id, version } => {
                let lodged = parse_date(form.field(FieldKey::LodgedOn)?.value(), "lodged on")
                    .map_err(invalid)?
                    .ok_or_else(|| {
                        invalid("lodged on: give the date the appeal was lodged".into())
                    })?;
                let outcome = form.field(FieldKey::Outcome)?.value().trim().to_string();
                let outcome = (!outcome.is_empty()).then_some(outcome);
                self.store
                    .record_appeal(*id, *version, lodged, outcome.as_deref(), op, now)?;
                Ok(match outcome {
                    Some(o) => format!("appeal recorded: {o}"),
                    None => "appeal recorded as pending".to_string(),
                })
            }
            RegisterForm::Promote { id } => {
                let o = self.store.promote_offender(
                    *id,
                    form.field(FieldKey::Name)?.value(),
                    op,
                    now,
                )?;
                self.update_index();
                Ok(format!("{} is now on the known register", o.name))
            }
            RegisterForm::Merge { from } => {
                let Some(into) = form.field(FieldKey::Into)?.offender_value().cloned() else {
                    return Err(invalid("pick the known person from the list".into()));
                };
                let o = self.store.merge_offender(*from, into.id, op, now)?;
                self.update_index();
                self.profile = None;
                self.open_profile(o.id, "merged an ID-sought record");
                Ok(format!(
                    "merged into {}: every incident, sighting, hit and exclusion moved",
                    o.name
                ))
            }
        }
    }
}
