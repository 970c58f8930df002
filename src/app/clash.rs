//! Two people on one record: what every form does when its save is refused
//! because a colleague changed the record after the form opened (the
//! store's rule is `store/versions.rs`).
//!
//! What was typed is kept. The form learns the fresh copy, built by the
//! same opener as the form itself, and merges field by field
//! (`Form::rebase`, the rule in `domain/merge.rs`): saving again writes only
//! the fields this operator changed onto the colleague's copy, and where
//! both changed one field the form shows both values and asks, before
//! anything is written, which to keep. A hit's one field is its decision.

use super::form::{Field, FieldKey, Form};
use super::forms::{HitForm, IncidentForm, MemberForm, RadioForm, RegisterForm, SetupForm};
use super::keymap::{Command, Context};
use super::{Action, App, FormKind, Modal};
use crate::domain::merge::{take, Keep, Take};
use crate::domain::sighting::HitStatus;
use crate::store::sightings::HitRow;
use crate::store::{Record, Stale, StoreError};
use crossterm::event::KeyEvent;

/// A field this operator and a colleague both changed, differently, since
/// the form opened: the form shows both, and saving asks which to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldClash {
    /// The field, or none when the clash is over the whole record.
    pub key: Option<FieldKey>,
    /// What the form calls it.
    pub label: &'static str,
    /// Who made the other change.
    pub by: String,
    pub theirs: String,
    pub mine: String,
    /// The field as the fresh copy has it; none when the clash is over the
    /// whole record (a hit's decision), which keeping theirs leaves alone.
    fresh: Option<Field>,
}

impl FieldClash {
    /// A clash over the record as a whole, not one of the form's fields.
    pub fn over_record(label: &'static str, by: &str, theirs: String, mine: String) -> FieldClash {
        FieldClash {
            key: None,
            label,
            by: by.into(),
            theirs,
            mine,
            fresh: None,
        }
    }

    pub fn is_over_record(&self) -> bool {
        self.fresh.is_none()
    }
}

/// Where settling a clash leaves the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// Another clash to ask about.
    Asking,
    /// None left: save what the form holds.
    Save,
    /// Nothing of this operator's is left to write.
    NothingLeft,
}

impl Form {
    /// Learn the fresh copy of the record, given as the form its opener
    /// builds from it: each field merged three ways (`domain/merge.rs`) —
    /// the colleague's value where only they changed it, this operator's
    /// typing where only they did, and a clash where both did. Afterwards the
    /// form counts as opened on the fresh copy, so saving writes only what
    /// this operator changed.
    pub fn rebase(&mut self, fresh: Form, by: &str) {
        use crate::domain::merge::three_way;
        let opened: Vec<_> = self
            .fields
            .iter()
            .map(|f| (f.key, f.opened_with().to_string()))
            .collect();
        let theirs: Vec<_> = fresh
            .fields
            .iter()
            .map(|f| (f.key, f.opened_with().to_string()))
            .collect();
        let mine: Vec<_> = self
            .fields
            .iter()
            .map(|f| (f.key, f.value().to_string()))
            .collect();
        self.clashes.clear();
        for (field, (key, take)) in self
            .fields
            .iter_mut()
            .zip(three_way(&opened, &theirs, &mine))
        {
            let Some(new) = fresh.fields.iter().find(|f| f.key == key) else {
                continue;
            };
            match take {
                Take::Theirs => *field = new.clone(),
                Take::Mine => field.count_as_opened_with(new.opened_with()),
                Take::Clash { theirs, mine } => {
                    field.count_as_opened_with(new.opened_with());
                    self.clashes.push(FieldClash {
                        key: Some(key),
                        label: new.label,
                        by: by.into(),
                        theirs,
                        mine,
                        fresh: Some(new.clone()),
                    });
                }
            }
        }
        self.asking = false;
        self.confirm_discard = false;
    }

    /// Before a save: whether a clash must be settled first (and if so, ask).
    pub fn ask_which_to_keep(&mut self) -> bool {
        self.asking = !self.clashes.is_empty();
        self.asking
    }

    /// Settle the first clash as the operator chose.
    pub fn keep(&mut self, keep: Keep) -> Settled {
        if self.clashes.is_empty() {
            self.asking = false;
            return Settled::Save;
        }
        let clash = self.clashes.remove(0);
        // a record-wide clash kept as mine is a whole decision to write
        let over_record = clash.is_over_record();
        if keep == Keep::Theirs {
            match clash.fresh {
                Some(fresh) => {
                    if let Some(f) = clash.key.and_then(|k| self.field_mut(k)) {
                        *f = fresh;
                    }
                }
                None => {
                    self.clashes.clear();
                    self.asking = false;
                    return Settled::NothingLeft;
                }
            }
        }
        if !self.clashes.is_empty() {
            return Settled::Asking;
        }
        self.asking = false;
        if self.is_dirty() || over_record {
            Settled::Save
        } else {
            Settled::NothingLeft
        }
    }
}

/// The record a form edits, and the version it opened on (none: a form
/// that makes something new, or adds to a record without editing it).
fn edited(kind: &FormKind) -> Option<(Record, i64)> {
    Some(match *kind {
        FormKind::Incident(IncidentForm::Edit { id, version })
        | FormKind::Incident(IncidentForm::Close { id, version }) => {
            (Record::Incident(id), version)
        }
        FormKind::Register(RegisterForm::Offender {
            id: Some(id),
            version,
        }) => (Record::Offender(id), version),
        FormKind::Register(RegisterForm::LiftExclusion { id, version })
        | FormKind::Register(RegisterForm::Appeal { id, version })
        | FormKind::Register(RegisterForm::Review { id, version }) => {
            (Record::Exclusion(id), version)
        }
        FormKind::Member(MemberForm::Edit { id, version }) => (Record::Member(id), version),
        FormKind::Radio(RadioForm::Status { id, version })
        | FormKind::Radio(RadioForm::Edit { id, version }) => (Record::Radio(id), version),
        FormKind::Hit(HitForm::Accept { id, version })
        | FormKind::Hit(HitForm::Reject { id, version }) => (Record::Hit(id), version),
        FormKind::Setup(SetupForm::EditBreach { id, version })
        | FormKind::Setup(SetupForm::CloseBreach { id, version }) => (Record::Breach(id), version),
        FormKind::Setup(SetupForm::EditAgreement { id, version })
        | FormKind::Setup(SetupForm::EndAgreement { id, version }) => {
            (Record::Agreement(id), version)
        }
        FormKind::Setup(SetupForm::EditDocument { id, version }) => {
            (Record::PolicyDocument(id), version)
        }
        _ => return None,
    })
}

/// A hit's decision in words, as the question shows it.
fn decision(h: &HitRow) -> String {
    match h.status {
        HitStatus::Accepted => format!("accepted: {}", h.action_taken.as_deref().unwrap_or("")),
        HitStatus::Rejected => format!("rejected: {}", h.reject_reason.as_deref().unwrap_or("")),
        HitStatus::New => WAITING.into(),
    }
}

/// A record read by a lookup that says "not found" as an error: none then.
fn found<T>(read: Result<T, StoreError>) -> Result<Option<T>, StoreError> {
    match read {
        Ok(t) => Ok(Some(t)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A hit as every decision form opens on it.
const WAITING: &str = "waiting";

impl App {
    /// A save refused because the record changed after the form opened.
    pub(crate) fn save_was_stale(&mut self, kind: FormKind, mut form: Form, stale: Stale) {
        let at = stale.at.with_timezone(&self.tz).format("%H:%M:%S");
        let by = stale.who().to_string();
        self.warn(format!(
            "save refused: {} was changed by {by} at {at}",
            stale.what
        ));
        // the screen behind shows the fresh copy
        self.refresh_after_write();
        self.radio_store_changed();
        let fresh = match &kind {
            FormKind::Hit(HitForm::Accept { .. }) | FormKind::Hit(HitForm::Reject { .. }) => {
                self.learn_hit_decision(&kind, &mut form, &by)
            }
            _ => self.fresh_form(&kind).map(|fresh| {
                fresh.map(|(fresh_kind, fresh)| {
                    form.rebase(fresh, &by);
                    fresh_kind
                })
            }),
        };
        let kind = match fresh {
            Ok(Some(k)) => k,
            // the same decision was made: there is nothing left of this form to save
            Ok(None)
                if matches!(
                    kind,
                    FormKind::Hit(HitForm::Accept { .. }) | FormKind::Hit(HitForm::Reject { .. })
                ) =>
            {
                return self.info(format!(
                    "{} was already decided by {by} at {at}, as you had it: nothing more to save",
                    stale.what
                ));
            }
            // gone from the store: the form stays, and saving says so
            Ok(None) => kind,
            Err(e) => {
                self.store_error(e);
                kind
            }
        };
        let mut banner = format!(
            "{} was changed by {by} at {at} while you were editing. What you typed is kept, on the fresh copy: saving again writes only what you changed.",
            stale.what
        );
        if !form.clashes.is_empty() {
            let fields: Vec<&str> = form.clashes.iter().map(|c| c.label).collect();
            banner.push_str(&format!(
                " You both changed {}: saving asks which to keep.",
                fields.join(", ")
            ));
        }
        form.banner = Some(banner);
        form.error = None;
        self.modal = Some(Modal::Form(kind, form));
    }

    /// The form its opener would build now on the store's copy of the
    /// record (none: the record has gone).
    fn fresh_form(&self, kind: &FormKind) -> Result<Option<(FormKind, Form)>, StoreError> {
        let modal = match *kind {
            FormKind::Incident(IncidentForm::Edit { id, .. })
            | FormKind::Incident(IncidentForm::Close { id, .. }) => {
                let Some(i) = self.store.incident(id)? else {
                    return Ok(None);
                };
                if matches!(kind, FormKind::Incident(IncidentForm::Edit { .. })) {
                    self.edit_form(&i)
                } else {
                    self.close_form(&i)
                }
            }
            FormKind::Register(RegisterForm::Offender { id: Some(id), .. }) => {
                let Some(o) = self.store.offender(id)? else {
                    return Ok(None);
                };
                let (born, address) = self.store.offender_identity(id)?;
                let born = born.map(|d| d.to_string()).unwrap_or_default();
                self.offender_form(&o, &born, &address, true)
            }
            FormKind::Register(RegisterForm::LiftExclusion { id, .. })
            | FormKind::Register(RegisterForm::Appeal { id, .. })
            | FormKind::Register(RegisterForm::Review { id, .. }) => {
                let Some(e) = found(self.store.exclusion(id))? else {
                    return Ok(None);
                };
                match kind {
                    FormKind::Register(RegisterForm::Appeal { .. }) => self.appeal_form(&e),
                    FormKind::Register(RegisterForm::Review { .. }) => self.review_form(&e),
                    _ => super::register::lift_form(&e),
                }
            }
            FormKind::Member(MemberForm::Edit { id, .. }) => {
                let rows = self.store.member_rows(self.now())?;
                let Some(m) = rows.into_iter().find(|m| m.id == id) else {
                    return Ok(None);
                };
                self.edit_member_form(&m)
            }
            FormKind::Radio(RadioForm::Status { id, .. })
            | FormKind::Radio(RadioForm::Edit { id, .. }) => {
                let Some(r) = found(self.store.radio(id))? else {
                    return Ok(None);
                };
                if matches!(kind, FormKind::Radio(RadioForm::Edit { .. })) {
                    self.edit_radio_form(&r)
                } else {
                    super::radio::radio_status_form(&r)
                }
            }
            FormKind::Setup(ref f) => match self.fresh_governance_form(f)? {
                Some(m) => m,
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        Ok(match modal {
            Modal::Form(kind, form) => Some((kind, form)),
            _ => None,
        })
    }

    /// A hit decided elsewhere while this operator was deciding it: its
    /// one field, the decision, merged like any other. None when both made
    /// the same decision, leaving nothing to save.
    fn learn_hit_decision(
        &self,
        kind: &FormKind,
        form: &mut Form,
        by: &str,
    ) -> Result<Option<FormKind>, StoreError> {
        let (FormKind::Hit(HitForm::Accept { id, .. }) | FormKind::Hit(HitForm::Reject { id, .. })) =
            *kind
        else {
            return Ok(None);
        };
        let Some(h) = self.store.hit(id)? else {
            return Ok(Some(kind.clone()));
        };
        let mine = match kind {
            FormKind::Hit(HitForm::Accept { .. }) => {
                format!("accepted: {}", super::hits::accepted_action(form)?)
            }
            _ => format!(
                "rejected: {}",
                crate::domain::text::tidy_input(form.field(FieldKey::Reason)?.value())
            ),
        };
        let version = h.version;
        form.clashes.clear();
        match take(&WAITING.to_string(), &decision(&h), &mine) {
            Take::Theirs => return Ok(None),
            Take::Mine => {}
            Take::Clash { theirs, mine } => form
                .clashes
                .push(FieldClash::over_record("Decision", by, theirs, mine)),
        }
        Ok(Some(match kind {
            FormKind::Hit(HitForm::Accept { .. }) => FormKind::Hit(HitForm::Accept { id, version }),
            _ => FormKind::Hit(HitForm::Reject { id, version }),
        }))
    }

    /// A key while the form asks which of two values to keep; a stray key
    /// decides nothing.
    pub(crate) fn clash_key(&self, key: &KeyEvent) -> Option<Action> {
        match self.keymap.lookup(key, &[Context::Clash]) {
            Some(Command::KeepTheirs) => Some(Action::Keep(Some(Keep::Theirs))),
            Some(Command::KeepMine) => Some(Action::Keep(Some(Keep::Mine))),
            Some(Command::DecideLater) => Some(Action::Keep(None)),
            _ => None,
        }
    }

    /// The operator's answer to the question; once every clash is settled
    /// the form is saved (or, if nothing of theirs is left, closed).
    pub(crate) fn keep_value(&mut self, keep: Option<Keep>) {
        let Some(Modal::Form(_, form)) = &mut self.modal else {
            return;
        };
        let Some(keep) = keep else {
            form.asking = false;
            return;
        };
        let by = form
            .clashes
            .first()
            .map(|c| c.by.clone())
            .unwrap_or_default();
        match form.keep(keep) {
            Settled::Asking => {}
            Settled::Save => self.submit_form(),
            Settled::NothingLeft => {
                self.modal = None;
                self.info(format!(
                    "nothing saved: you kept what {by} saved, and nothing else of yours was left to write"
                ));
            }
        }
    }

    /// After another console's commit: an open form whose record has moved
    /// on says so, before its save is refused.
    pub(crate) fn note_change_under_open_form(&mut self) {
        let Some(Modal::Form(kind, _)) = &self.modal else {
            return;
        };
        let Some((record, version)) = edited(kind) else {
            return;
        };
        match self.store.version_of(record) {
            Ok(Some(now)) if now.version != version => {
                let who = if now.by.is_empty() {
                    "another console".to_string()
                } else {
                    now.by
                };
                if let Some(Modal::Form(_, form)) = &mut self.modal {
                    form.banner = Some(format!(
                        "{who} has just changed {}: saving will keep what you typed and show you what changed",
                        now.what
                    ));
                }
            }
            Ok(_) => {}
            Err(e) => self.store_error(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::input::LineInput;

    /// A form as its opener would build it on a copy with these values.
    fn opened(priority: &str, note: &str) -> Form {
        Form::new(
            "t",
            vec![
                Field::text(FieldKey::Priority, priority, ""),
                Field::text(FieldKey::Note, note, ""),
            ],
        )
    }

    #[test]
    fn a_rebased_form_keeps_the_typing_takes_the_colleague_s_field_and_writes_only_its_own() {
        let mut f = opened("P3", "");
        f.fields[1].input = LineInput::new("seen leaving");
        f.rebase(opened("P1", ""), "Dana");
        assert_eq!(
            f.field(FieldKey::Priority).unwrap().value(),
            "P1",
            "theirs, untouched here"
        );
        assert!(
            !f.field(FieldKey::Priority).unwrap().changed(),
            "so not written"
        );
        assert_eq!(f.field(FieldKey::Note).unwrap().value(), "seen leaving");
        assert!(f.field(FieldKey::Note).unwrap().changed(), "mine, written");
        assert!(f.clashes.is_empty());
        assert!(!f.ask_which_to_keep());
    }

    #[test]
    fn a_field_both_changed_is_asked_about_and_keeping_theirs_leaves_nothing_to_write() {
        // a note typed here while a colleague saved another
        let clashing = || {
            let mut f = opened("P3", "");
            f.fields[1].input = LineInput::new("by the tills");
            f.rebase(opened("P3", "near the door"), "Dana");
            f
        };
        let mut f = clashing();
        assert_eq!(
            (
                f.clashes[0].label,
                f.clashes[0].theirs.as_str(),
                f.clashes[0].mine.as_str()
            ),
            ("Note", "near the door", "by the tills")
        );
        assert_eq!(
            f.field(FieldKey::Note).unwrap().value(),
            "by the tills",
            "the typing stays until chosen"
        );
        assert!(f.ask_which_to_keep());
        assert_eq!(f.keep(Keep::Theirs), Settled::NothingLeft);
        assert_eq!(f.field(FieldKey::Note).unwrap().value(), "near the door");
        assert!(!f.asking);

        let mut f = clashing();
        assert_eq!(f.keep(Keep::Mine), Settled::Save);
        assert_eq!(f.field(FieldKey::Note).unwrap().value(), "by the tills");
        assert!(
            f.field(FieldKey::Note).unwrap().changed(),
            "mine replaces theirs"
        );
    }
}
