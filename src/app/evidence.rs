//! The evidence log pane: the items newest first; Enter shows one with its
//! whole trail (audited, as `evidence show` is). Forms add an item (from
//! the pane, or `E` on an incident), record a handover or release, and
//! correct the clip's details; a correction is a new entry superseding the
//! one it replaces (`domain/evidence.rs`), never an edit.

use super::effect::{moved, Effect, Nav};
use super::form::{Field, FieldKey, Form};
use super::{App, FormKind, Modal};
use crate::domain::audit::AuditAction;
use crate::domain::evidence::{
    parse_time, ClipDetails, EvidenceItem, EvidenceOf, HandoverDetails, Medium,
};
use crate::domain::permission::Permission;
use crate::store::evidence::{NewEvidence, NewHandover};
use crate::store::StoreError;

/// How many items the pane reads: the log's recent end.
pub const EVIDENCE_LIMIT: usize = 200;

/// The evidence forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceForm {
    Add,
    Handover {
        item: i64,
    },
    /// The clip entry it supersedes.
    Correct {
        item: i64,
        entry: i64,
    },
}

impl EvidenceForm {
    pub fn permission(&self) -> Permission {
        Permission::RecordEvidence
    }
}

#[derive(Debug, Clone, Default)]
pub struct EvidencePane {
    /// Newest first.
    pub items: Vec<EvidenceItem>,
    pub selected: usize,
    /// The item shown with its trail (read when opened, audited).
    pub open: Option<EvidenceItem>,
    /// Lines of the trail scrolled past.
    pub scroll: usize,
}

impl EvidencePane {
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if self.open.is_some() {
            match nav {
                Nav::By(d) => self.scroll = (self.scroll as i64 + d).max(0) as usize,
                Nav::Top => self.scroll = 0,
                _ => {}
            }
            return vec![];
        }
        if nav == Nav::Open {
            return match self.items.get(self.selected) {
                Some(_) => vec![Effect::OpenEvidence],
                None => vec![Effect::Say("the evidence log is empty".into())],
            };
        }
        let n = self.items.len();
        moved(&mut self.selected, n, nav);
        vec![]
    }

    pub fn selected_item(&self) -> Option<&EvidenceItem> {
        match &self.open {
            Some(i) => Some(i),
            None => self.items.get(self.selected),
        }
    }
}

/// "incident 12", "#12", "12", "i12" → an incident; "sighting 40", "s40" → a sighting.
pub fn parse_on(s: &str) -> Result<EvidenceOf, String> {
    let t = s.trim().to_lowercase();
    let (sighting, rest) = if let Some(r) = t.strip_prefix("sighting") {
        (true, r)
    } else if let Some(r) = t.strip_prefix("incident") {
        (false, r)
    } else if let Some(r) = t.strip_prefix('s') {
        (true, r)
    } else if let Some(r) = t.strip_prefix('i') {
        (false, r)
    } else {
        (false, t.as_str())
    };
    let n: i64 = rest
        .trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| "on: give the incident or sighting it is evidence of, e.g. “incident 12” or “sighting 40”".to_string())?;
    Ok(if sighting {
        EvidenceOf::Sighting(n)
    } else {
        EvidenceOf::Incident(n)
    })
}

fn invalid(e: String) -> StoreError {
    StoreError::Invalid(e)
}

impl App {
    /// The pane's items, newest first; the item open is read again.
    pub(crate) fn reload_evidence(&mut self) {
        match self.store.recent_evidence(EVIDENCE_LIMIT) {
            Ok(items) => {
                let p = &mut self.evidence;
                p.selected = p.selected.min(items.len().saturating_sub(1));
                if let Some(open) = &p.open {
                    p.open = items.iter().find(|i| i.id == open.id).cloned();
                }
                p.items = items;
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Enter on an item: its whole trail, the view audited.
    pub(crate) fn open_evidence(&mut self) {
        let Some(exhibit) = self
            .evidence
            .items
            .get(self.evidence.selected)
            .map(|i| i.exhibit.clone())
        else {
            return;
        };
        let now = self.now();
        match self.store.view_evidence(
            &exhibit,
            AuditAction::View,
            "trail shown in the console",
            self.operator.id,
            now,
        ) {
            Ok(item) => {
                self.mark_own_writes_seen();
                self.evidence.open = Some(item);
                self.evidence.scroll = 0;
            }
            Err(e) => self.store_error(e),
        }
    }

    fn camera_names(&self) -> Vec<String> {
        self.cameras
            .iter()
            .filter(|c| !c.retired)
            .map(|c| c.name.clone())
            .collect()
    }

    /// The form for a new item, on what `on` names if given.
    pub(crate) fn open_evidence_form(&mut self, on: Option<EvidenceOf>) {
        let cameras = self.camera_names();
        if cameras.is_empty() {
            return self.warn(
                "no cameras yet: a manager adds them (set-up pane, or `watchroom camera add`)",
            );
        }
        let on = match on {
            Some(EvidenceOf::Incident(i)) => format!("incident {i}"),
            Some(EvidenceOf::Sighting(s)) => format!("sighting {s}"),
            None => String::new(),
        };
        let mut media = vec!["none yet".to_string()];
        media.extend(Medium::ALL.iter().map(|m| m.label().to_string()));
        let form = Form::new(
            "New evidence item",
            vec![
                Field::text(
                    FieldKey::Exhibit,
                    "",
                    "its exhibit reference, unique, e.g. PS/1",
                ),
                Field::text(FieldKey::EvidenceOn, &on, "incident 12 or sighting 40"),
                Field::choice(FieldKey::Camera, cameras, 0, "←/→ or a letter: the camera"),
                Field::text(
                    FieldKey::ClipStart,
                    "",
                    "YYYY-MM-DD HH:MM[:SS], the scheme's time",
                ),
                Field::text(FieldKey::ClipEnd, "", "after the start"),
                Field::text(
                    FieldKey::ReviewedBy,
                    &self.operator.name,
                    "who reviewed the footage",
                ),
                Field::text(
                    FieldKey::CopiedBy,
                    "",
                    "who made the copy (blank: no copy yet)",
                ),
                Field::choice(FieldKey::Medium, media, 0, "←/→: what the copy is on"),
                Field::text(
                    FieldKey::Sha256,
                    "",
                    "the exported file's SHA-256, if there is one",
                ),
                Field::text(FieldKey::Note, "", "what the clip shows, briefly"),
            ],
        );
        self.modal = Some(Modal::Form(FormKind::Evidence(EvidenceForm::Add), form));
    }

    /// The handover form for the item selected (or open).
    pub(crate) fn open_handover_form(&mut self) {
        let Some(item) = self.evidence.selected_item() else {
            return self.warn("no evidence item is selected");
        };
        let title = format!("Handover of {}", item.exhibit);
        let id = item.id;
        let form = Form::new(
            title,
            vec![
                Field::text(FieldKey::To, "", "who received it"),
                Field::text(
                    FieldKey::Organisation,
                    "",
                    "their organisation, e.g. Kent Police",
                ),
                Field::text(FieldKey::When, "", "YYYY-MM-DD HH:MM[:SS]; blank: now"),
                Field::text(
                    FieldKey::Reason,
                    "",
                    "why it was handed over, e.g. a crime reference",
                ),
                Field::choice(
                    FieldKey::Kind,
                    vec![
                        "release (outside the control room)".into(),
                        "within the control room".into(),
                    ],
                    0,
                    "←/→: a release needs a sharing agreement in force",
                ),
                Field::text(
                    FieldKey::Agreement,
                    "",
                    "agreement number; blank: the one whose party is the organisation",
                ),
                Field::text(
                    FieldKey::Corrects,
                    "",
                    "blank, or the handover entry this corrects",
                ),
                Field::text(FieldKey::Correction, "", "why that entry is corrected"),
            ],
        );
        self.modal = Some(Modal::Form(
            FormKind::Evidence(EvidenceForm::Handover { item: id }),
            form,
        ));
    }

    /// The correction form for the selected item's clip, filled with what stands.
    pub(crate) fn open_correction_form(&mut self) {
        let Some(item) = self.evidence.selected_item().cloned() else {
            return self.warn("no evidence item is selected");
        };
        let gone = item.superseded();
        let Some((entry, clip)) = item.entries.iter().rev().find_map(|e| match &e.body {
            crate::domain::evidence::EntryBody::Clip(c) if !gone.contains(&e.id) => {
                Some((e.id, c.clone()))
            }
            _ => None,
        }) else {
            return self.warn(format!("{} has no clip to correct", item.exhibit));
        };
        let tz = self.tz;
        let shown = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string()
        };
        let cameras = self.camera_names();
        let at = cameras.iter().position(|c| *c == clip.camera).unwrap_or(0);
        let mut media = vec!["none yet".to_string()];
        media.extend(Medium::ALL.iter().map(|m| m.label().to_string()));
        let medium = clip
            .medium
            .and_then(|m| Medium::ALL.iter().position(|x| *x == m))
            .map_or(0, |i| i + 1);
        let form = Form::new(
            format!("Correct {} (entry {entry})", item.exhibit),
            vec![
                Field::text(
                    FieldKey::Correction,
                    "",
                    "why it is corrected (kept with both entries)",
                ),
                Field::choice(FieldKey::Camera, cameras, at, "←/→ or a letter: the camera"),
                Field::text(
                    FieldKey::ClipStart,
                    &shown(clip.clip_start),
                    "YYYY-MM-DD HH:MM[:SS]",
                ),
                Field::text(FieldKey::ClipEnd, &shown(clip.clip_end), "after the start"),
                Field::text(
                    FieldKey::ReviewedBy,
                    &clip.reviewed_by,
                    "who reviewed the footage",
                ),
                Field::text(FieldKey::CopiedBy, &clip.copied_by, "who made the copy"),
                Field::choice(FieldKey::Medium, media, medium, "←/→: what the copy is on"),
                Field::text(
                    FieldKey::Sha256,
                    &clip.sha256,
                    "the exported file's SHA-256",
                ),
                Field::text(FieldKey::Note, &clip.note, "what the clip shows, briefly"),
            ],
        );
        self.modal = Some(Modal::Form(
            FormKind::Evidence(EvidenceForm::Correct {
                item: item.id,
                entry,
            }),
            form,
        ));
    }

    /// The clip's fields as the form holds them.
    fn clip_from(&self, form: &Form, base: ClipDetails) -> Result<ClipDetails, StoreError> {
        let now = self.now();
        let cameras: Vec<&crate::domain::sighting::Camera> =
            self.cameras.iter().filter(|c| !c.retired).collect();
        let camera = cameras
            .get(form.field(FieldKey::Camera)?.choice_index())
            .ok_or_else(|| invalid("camera: choose the camera".into()))?;
        let medium = match form.field(FieldKey::Medium)?.choice_index() {
            0 => None,
            i => Medium::ALL.get(i - 1).copied(),
        };
        Ok(ClipDetails {
            camera_id: Some(camera.id),
            camera: camera.name.clone(),
            clip_start: parse_time(
                "clip starts",
                form.field(FieldKey::ClipStart)?.value(),
                self.tz,
                now,
            )
            .map_err(invalid)?,
            clip_end: parse_time(
                "clip ends",
                form.field(FieldKey::ClipEnd)?.value(),
                self.tz,
                now,
            )
            .map_err(invalid)?,
            reviewed_by: form.field(FieldKey::ReviewedBy)?.value().to_string(),
            copied_by: form.field(FieldKey::CopiedBy)?.value().to_string(),
            medium,
            sha256: form.field(FieldKey::Sha256)?.value().to_string(),
            file_name: base.file_name,
            note: form.field(FieldKey::Note)?.value().to_string(),
        })
    }

    pub(crate) fn submit_evidence_form(
        &mut self,
        kind: &EvidenceForm,
        form: &Form,
    ) -> Result<String, StoreError> {
        let now = self.now();
        let op = self.operator.id;
        let said = match kind {
            EvidenceForm::Add => {
                let of = parse_on(form.field(FieldKey::EvidenceOn)?.value()).map_err(invalid)?;
                let clip = self.clip_from(form, ClipDetails::default())?;
                let item = self.store.add_evidence(
                    &NewEvidence {
                        exhibit: form.field(FieldKey::Exhibit)?.value().to_string(),
                        of,
                        clip,
                    },
                    op,
                    now,
                )?;
                self.evidence.selected = 0;
                format!(
                    "exhibit {} added on {}",
                    item.exhibit,
                    crate::store::evidence::describe_of(item.of)
                )
            }
            EvidenceForm::Handover { item } => {
                let typed = form.field(FieldKey::When)?.value();
                let at = if typed.trim().is_empty() {
                    now
                } else {
                    parse_time("when", typed, self.tz, now).map_err(invalid)?
                };
                let number = |key: FieldKey, what: &str| -> Result<Option<i64>, StoreError> {
                    let v = form.field(key)?.value().trim().trim_start_matches('#');
                    if v.is_empty() {
                        return Ok(None);
                    }
                    v.parse()
                        .map(Some)
                        .map_err(|_| invalid(format!("{what}: give a number")))
                };
                let corrects = number(FieldKey::Corrects, "corrects entry")?;
                let correction = form.field(FieldKey::Correction)?.value().to_string();
                let h = NewHandover {
                    details: HandoverDetails {
                        to: form.field(FieldKey::To)?.value().to_string(),
                        organisation: form.field(FieldKey::Organisation)?.value().to_string(),
                        at,
                        why: form.field(FieldKey::Reason)?.value().to_string(),
                        release: form.field(FieldKey::Kind)?.choice_index() == 0,
                        agreement_id: None,
                    },
                    agreement: number(FieldKey::Agreement, "agreement")?,
                    day: at.with_timezone(&self.tz).date_naive(),
                };
                let done = self.store.hand_over_evidence(
                    *item,
                    &h,
                    corrects.map(|c| (c, correction.as_str())),
                    op,
                    now,
                )?;
                format!(
                    "{} {} to {}",
                    done.exhibit,
                    if h.details.release {
                        "released"
                    } else {
                        "handed over"
                    },
                    crate::domain::text::tidy_input(&h.details.organisation)
                )
            }
            EvidenceForm::Correct { item, entry } => {
                let why = form.field(FieldKey::Correction)?.value().to_string();
                let base = self
                    .evidence
                    .selected_item()
                    .and_then(|i| i.clip().cloned())
                    .unwrap_or_default();
                let clip = self.clip_from(form, base)?;
                let done = self
                    .store
                    .correct_evidence_clip(*item, *entry, &why, &clip, op, now)?;
                format!("{}: entry {entry} corrected", done.exhibit)
            }
        };
        self.reload_evidence();
        Ok(said)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_an_item_is_on_is_typed_as_the_record_and_its_number() {
        assert_eq!(parse_on("incident 12"), Ok(EvidenceOf::Incident(12)));
        assert_eq!(parse_on("#12"), Ok(EvidenceOf::Incident(12)));
        assert_eq!(parse_on("S40"), Ok(EvidenceOf::Sighting(40)));
        assert_eq!(parse_on("sighting #40"), Ok(EvidenceOf::Sighting(40)));
        assert!(parse_on("the chemist").is_err());
    }
}
