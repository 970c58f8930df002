//! The register's forms: a person's record, an exclusion, lifting one, an
//! appeal, promoting an ID-sought record and merging two; each opened on the
//! record as it stands and saved by `submit_register_form`.

use super::{lift_form, parse_date};
use crate::app::form::{Field, FieldKey, Form, OffenderChoice};
use crate::app::sightings::parse_incident_ids;
use crate::app::{App, FormKind, Modal};
use crate::domain::exclusion::{local_span, Exclusion, Scope};
use crate::domain::offender::{split_list, OffenderInput, OffenderKind};
use crate::domain::Zone;
use crate::store::exclusions::NewExclusion;
use crate::store::StoreError;
use chrono::Duration;

/// The register's forms: a person, their exclusions and appeals, promoting and merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterForm {
    Offender { id: Option<i64>, version: i64 },
    Exclusion { offender: i64 },
    LiftExclusion { id: i64, version: i64 },
    Promote { id: i64 },
    Merge { from: i64 },
    Appeal { id: i64, version: i64 },
    Review { id: i64, version: i64 },
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
            | RegisterForm::Appeal { .. }
            | RegisterForm::Review { .. } => P::ManageExclusions,
        }
    }
}

impl App {
    // ----- forms -------------------------------------------------------------------

    pub(crate) fn offender_choice(&self, id: i64) -> Option<OffenderChoice> {
        self.index.entry(id).map(|e| OffenderChoice {
            id,
            name: e.name.clone(),
            label: e.name.clone(),
            score: 0,
            photo: String::new(),
        })
    }

    /// The form for a new person of `kind`, or for editing person `edit`
    /// as the store has them now.
    pub(crate) fn open_offender_form(&mut self, edit: Option<i64>, kind: OffenderKind) {
        let (born, address) = match edit {
            Some(id) => match self.store.offender_identity(id) {
                Ok((b, a)) => (b.map(|d| d.to_string()).unwrap_or_default(), a),
                Err(e) => return self.store_error(e),
            },
            None => (String::new(), String::new()),
        };
        let existing = match edit {
            Some(id) => match self.store.offender(id) {
                Ok(Some(o)) => Some(o),
                Ok(None) => return,
                Err(e) => return self.store_error(e),
            },
            None => None,
        };
        let edit = edit.is_some();
        let o = existing
            .clone()
            .unwrap_or_else(|| crate::domain::offender::Offender {
                id: 0,
                kind,
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
    pub(crate) fn offender_form(
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

    pub(crate) fn open_exclusion_form(&mut self, id: i64) {
        let name = self
            .index
            .entry(id)
            .map(|e| e.name.clone())
            .unwrap_or_default();
        let stages = self.rules.ladder.names();
        // the next rung for this person, as the scheme's ladder climbs
        let held = self.store.exclusions_for(id).unwrap_or_default();
        let default = self.rules.ladder.next_rung(
            held.iter()
                .filter(|e| e.lifted_at.is_none())
                .map(|e| e.stage.as_str()),
        );
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

    pub(crate) fn open_lift_form(&mut self, e: &Exclusion) {
        if !e.in_force(self.now()) {
            return self.warn("the selected exclusion is not in force");
        }
        self.modal = Some(lift_form(e));
    }

    /// The appeal form for this copy of an exclusion.
    pub(crate) fn appeal_form(&self, e: &Exclusion) -> Modal {
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

    /// The review form for this copy of an exclusion: the outcome, and
    /// the next review date (blank for none).
    pub(crate) fn review_form(&self, e: &Exclusion) -> Modal {
        let due = e.review_on.map_or("no review date set".to_string(), |d| {
            format!("review due {d}")
        });
        let form = Form::new(
            format!("Review of {} #{} ({due})", e.stage, e.id),
            vec![
                Field::text(
                    FieldKey::Outcome,
                    "",
                    "what the review decided, e.g. continues unchanged",
                ),
                Field::text(
                    FieldKey::ReviewOn,
                    "",
                    "the next review, YYYY-MM-DD, or blank for none",
                ),
            ],
        );
        Modal::Form(
            FormKind::Register(RegisterForm::Review {
                id: e.id,
                version: e.version,
            }),
            form,
        )
    }

    pub(crate) fn open_promote_form(&mut self, id: i64) {
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

    pub(crate) fn open_merge_form(&mut self, id: i64) {
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
                let review_on = parse_date(form.field(FieldKey::ReviewOn)?.value(), "review on")
                    .map_err(invalid)?;
                if let Some(review) = review_on.filter(|&r| r < from) {
                    return Err(invalid(format!(
                        "review on: {review} is before the sanction starts ({from}); review it on or after that day"
                    )));
                }
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
                    review_on,
                };
                let e = self
                    .store
                    .create_exclusion(&new, &self.rules.ladder, op, now)?;
                // the exclusions listed, and their reviews due, are the register's
                self.refresh_register();
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
            RegisterForm::Review { id, version } => {
                let next = parse_date(form.field(FieldKey::ReviewOn)?.value(), "review on")
                    .map_err(invalid)?;
                let today = now.with_timezone(&self.tz).date_naive();
                let outcome = form.field(FieldKey::Outcome)?.value().to_string();
                self.store
                    .record_review(*id, *version, &outcome, next, today, op, now)?;
                self.refresh_register();
                Ok(match next {
                    Some(n) => format!("review recorded; the next is on {n}"),
                    None => "review recorded; no further review set".to_string(),
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

impl App {
    /// For those who manage exclusions, on the overview: how many reviews
    /// are due within the week, and the soonest.
    pub fn review_reminder(&self) -> Option<String> {
        use crate::domain::permission::{allowed, Permission};
        if !allowed(self.role(), Permission::ManageExclusions) {
            return None;
        }
        let due = &self.register.reviews_due;
        let first = due.first()?.exclusion.review_on?;
        let today = self.now().with_timezone(&self.tz).date_naive();
        let when = if first < today {
            format!("the first was due {}", first.format("%d %b"))
        } else if first == today {
            "the first today".to_string()
        } else {
            format!("the first on {}", first.format("%d %b"))
        };
        Some(format!(
            "{} due ({when}; R on the profile records one)",
            if due.len() == 1 {
                "1 exclusion review".to_string()
            } else {
                format!("{} exclusion reviews", due.len())
            }
        ))
    }

    /// At start: sanctions in force whose stage is not on the configured
    /// ladder, which are not counted as excluding, named with who holds
    /// them so the config can be put right. `None` when there are none.
    pub fn ladder_problem(&self) -> Option<String> {
        let ladder = &self.rules.ladder;
        let off = match self.store.stages_off_ladder(ladder, self.now()) {
            Ok(off) => off,
            Err(e) => {
                tracing::warn!("checking sanctions against the ladder: {e}");
                return None;
            }
        };
        if off.is_empty() {
            return None;
        }
        let stages: Vec<String> = off
            .iter()
            .map(|(stage, people)| {
                let shown: Vec<String> = people
                    .iter()
                    .take(3)
                    .map(|p| crate::domain::text::clean(p).into_owned())
                    .collect();
                let more = people.len().saturating_sub(shown.len());
                let more = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                format!(
                    "“{}” (held by {}{more})",
                    crate::domain::text::clean(stage),
                    shown.join(", ")
                )
            })
            .collect();
        Some(format!(
            "config: stage {} is not on the ladder ({}) and not counted as excluding; add it to the ladder, or lift and serve again",
            stages.join(", "),
            ladder.names().join(" → ")
        ))
    }
}
