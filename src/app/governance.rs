//! The governance views of the set-up pane, a manager's: the breach log,
//! the information-sharing agreements, and the DPIA and appropriate policy
//! document. Add and edit through forms; `X` closes a breach or ends an
//! agreement. Each form names the version it opened on, so a colleague's
//! save in between is caught and merged as any other record's.

use super::form::{Field, FieldKey, Form};
use super::setup::{SetupForm, SetupView};
use super::{App, FormKind, Modal};
use crate::domain::governance::{
    current, parse_day, parse_instant, Agreement, AgreementInput, Breach, BreachInput,
    DocumentKind, PolicyDocument, PolicyDocumentInput, Review,
};
use crate::store::StoreError;
use chrono::{DateTime, NaiveDate, Utc};

/// What the governance views list, as last read.
#[derive(Debug, Clone, Default)]
pub struct GovernanceLists {
    /// Open first, then the latest found.
    pub breaches: Vec<Breach>,
    /// In force first, the soonest review first.
    pub agreements: Vec<Agreement>,
    /// The latest approved first.
    pub documents: Vec<PolicyDocument>,
}

/// A reminder for the manager's overview, short enough for the shift strip:
/// breaches unreported with under 24 of their 72 hours left, or none, and
/// reviews due (none: nothing to remind).
pub fn reminder(lists: &GovernanceLists, now: DateTime<Utc>, today: NaiveDate) -> Option<String> {
    let pressing = lists
        .breaches
        .iter()
        .filter(|b| b.deadline(now).is_some_and(|d| d.pressing()))
        .count();
    let agreements = lists
        .agreements
        .iter()
        .filter(|a| a.review(today).is_some())
        .count();
    let documents = DocumentKind::ALL
        .into_iter()
        .filter_map(|k| current(&lists.documents, k))
        .filter(|d| Review::of(d.review_on, today).is_some())
        .count();
    let mut parts = vec![];
    if pressing > 0 {
        parts.push(format!(
            "{pressing} breach{} due to the ICO",
            if pressing == 1 { "" } else { "es" }
        ));
    }
    if agreements + documents > 0 {
        parts.push(format!(
            "{} review{} due",
            agreements + documents,
            if agreements + documents == 1 { "" } else { "s" }
        ));
    }
    (!parts.is_empty()).then(|| format!("governance: {}", parts.join(" · ")))
}

fn local(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

fn invalid(e: String) -> StoreError {
    StoreError::Invalid(e)
}

impl App {
    fn today_here_governance(&self) -> NaiveDate {
        self.now().with_timezone(&self.tz).date_naive()
    }

    pub(crate) fn reload_governance(&mut self) -> Result<(), StoreError> {
        self.setup.governance = GovernanceLists {
            breaches: self.store.breaches()?,
            agreements: self.store.agreements()?,
            documents: self.store.policy_documents()?,
        };
        Ok(())
    }

    /// The governance reminder for the overview, for those who keep the records.
    pub fn governance_reminder(&self) -> Option<String> {
        use crate::domain::permission::{allowed, Permission};
        if !allowed(self.role(), Permission::KeepGovernance) {
            return None;
        }
        reminder(
            &self.setup.governance,
            self.now(),
            self.today_here_governance(),
        )
    }

    pub(crate) fn breach_form(&self, b: Option<&Breach>) -> Modal {
        let tz = self.tz;
        let shown = |t: Option<DateTime<Utc>>| t.map(|t| local(t, tz)).unwrap_or_default();
        let form = Form::new(
            match b {
                Some(b) => format!("Breach #{}", b.id),
                None => "New breach".into(),
            },
            vec![
                Field::text(
                    FieldKey::WhatHappened,
                    b.map_or("", |b| b.what.as_str()),
                    "what happened, without naming anyone",
                ),
                Field::text(
                    FieldKey::Found,
                    &shown(b.map(|b| b.found_at)),
                    "YYYY-MM-DD HH:MM; blank: now. The 72 hours run from here",
                ),
                Field::text(
                    FieldKey::Occurred,
                    &shown(b.and_then(|b| b.occurred_at)),
                    "YYYY-MM-DD HH:MM, if known",
                ),
                Field::text(
                    FieldKey::Affected,
                    &b.map_or(0, |b| b.people_affected).to_string(),
                    "how many people",
                ),
                Field::text(
                    FieldKey::Who,
                    b.map_or("", |b| b.who_affected.as_str()),
                    "who, in words: members' staff, shoppers… (no names)",
                ),
                Field::text(
                    FieldKey::Reported,
                    &shown(b.and_then(|b| b.reported_at)),
                    "when the ICO was told (YYYY-MM-DD HH:MM, or now); blank: not yet",
                ),
                Field::text(
                    FieldKey::IcoRef,
                    b.map_or("", |b| b.ico_reference.as_str()),
                    "the ICO's reference",
                ),
                Field::text(
                    FieldKey::Done,
                    b.map_or("", |b| b.actions.as_str()),
                    "what was done to contain it and stop it again",
                ),
            ],
        );
        let kind = match b {
            Some(b) => SetupForm::EditBreach {
                id: b.id,
                version: b.version,
            },
            None => SetupForm::AddBreach,
        };
        Modal::Form(FormKind::Setup(kind), form)
    }

    pub(crate) fn agreement_form(&self, a: Option<&Agreement>) -> Modal {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let form = Form::new(
            match a {
                Some(a) => format!("Agreement #{}", a.id),
                None => "New sharing agreement".into(),
            },
            vec![
                Field::text(
                    FieldKey::Party,
                    a.map_or("", |a| a.party.as_str()),
                    "with whom: Kent Police, the council…",
                ),
                Field::text(
                    FieldKey::Purpose,
                    a.map_or("", |a| a.purpose.as_str()),
                    "what is shared, and why",
                ),
                Field::text(
                    FieldKey::LawfulBasis,
                    a.map_or("", |a| a.lawful_basis.as_str()),
                    "e.g. legitimate interests; DPA 2018 sch. 1 para 10",
                ),
                Field::text(
                    FieldKey::SignedOn,
                    &day(a.map(|a| a.signed_on)),
                    "YYYY-MM-DD",
                ),
                Field::text(
                    FieldKey::ReviewOn,
                    &day(a.map(|a| a.review_on)),
                    "YYYY-MM-DD: flagged 30 days before",
                ),
            ],
        );
        let kind = match a {
            Some(a) => SetupForm::EditAgreement {
                id: a.id,
                version: a.version,
            },
            None => SetupForm::AddAgreement,
        };
        Modal::Form(FormKind::Setup(kind), form)
    }

    pub(crate) fn document_form(&self, d: Option<&PolicyDocument>) -> Modal {
        let mut fields = vec![];
        if d.is_none() {
            fields.push(Field::choice(
                FieldKey::Kind,
                DocumentKind::ALL
                    .iter()
                    .map(|k| k.label().to_string())
                    .collect(),
                0,
                "←/→: which document",
            ));
        }
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        fields.extend([
            Field::text(
                FieldKey::Edition,
                d.map_or("", |d| d.edition.as_str()),
                "the document's version, e.g. 2.1",
            ),
            Field::text(
                FieldKey::ApprovedOn,
                &day(d.map(|d| d.approved_on)),
                "YYYY-MM-DD",
            ),
            Field::text(
                FieldKey::ReviewOn,
                &day(d.map(|d| d.review_on)),
                "YYYY-MM-DD: flagged 30 days before",
            ),
            Field::text(FieldKey::Notes, d.map_or("", |d| d.notes.as_str()), ""),
        ]);
        let (title, kind) = match d {
            Some(d) => (
                format!("{} version {}", d.kind.label(), d.edition),
                SetupForm::EditDocument {
                    id: d.id,
                    version: d.version,
                },
            ),
            None => ("A version approved".to_string(), SetupForm::RecordDocument),
        };
        Modal::Form(FormKind::Setup(kind), Form::new(title, fields))
    }

    /// `A` in a governance view.
    pub(crate) fn governance_add(&mut self) {
        self.modal = Some(match self.setup.view {
            SetupView::Breaches => self.breach_form(None),
            SetupView::Agreements => self.agreement_form(None),
            _ => self.document_form(None),
        });
    }

    /// `e` on the breach, agreement or document `id`.
    pub(crate) fn governance_edit(&mut self, id: Option<i64>) {
        let g = &self.setup.governance;
        let modal = match self.setup.view {
            SetupView::Breaches => g
                .breaches
                .iter()
                .find(|b| Some(b.id) == id)
                .map(|b| self.breach_form(Some(b))),
            SetupView::Agreements => g
                .agreements
                .iter()
                .find(|a| Some(a.id) == id)
                .map(|a| self.agreement_form(Some(a))),
            _ => g
                .documents
                .iter()
                .find(|d| Some(d.id) == id)
                .map(|d| self.document_form(Some(d))),
        };
        match modal {
            Some(m) => self.modal = Some(m),
            None => self.warn("nothing selected: A adds one"),
        }
    }

    /// `X`: close the breach, or end the agreement, selected.
    pub(crate) fn governance_retire(&mut self, id: Option<i64>) {
        let g = &self.setup.governance;
        match self.setup.view {
            SetupView::Breaches => {
                let Some(b) = g.breaches.iter().find(|b| Some(b.id) == id).cloned() else {
                    return self.warn("no breach selected");
                };
                if !b.is_open() {
                    return self.warn(format!("breach #{} is already closed", b.id));
                }
                let mut form = Form::new(
                    format!("Close breach #{}", b.id),
                    vec![
                        Field::text(FieldKey::Done, &b.actions, "what was done"),
                        Field::text(FieldKey::When, "", "YYYY-MM-DD HH:MM; blank: now"),
                    ],
                );
                if b.reported_at.is_none() {
                    form.banner = Some(
                        "Not reported to the ICO: say in what was done why it need not be.".into(),
                    );
                }
                self.modal = Some(Modal::Form(
                    FormKind::Setup(SetupForm::CloseBreach {
                        id: b.id,
                        version: b.version,
                    }),
                    form,
                ));
            }
            SetupView::Agreements => {
                let Some(a) = g.agreements.iter().find(|a| Some(a.id) == id).cloned() else {
                    return self.warn("no agreement selected");
                };
                if a.ended_on.is_some() {
                    return self.warn(format!("the agreement with {} has ended", a.party));
                }
                let mut form = Form::new(
                    format!("End agreement #{}", a.id),
                    vec![Field::text(
                        FieldKey::EndedOn,
                        &self.today_here_governance().to_string(),
                        "YYYY-MM-DD: no longer in force from this day",
                    )],
                );
                form.banner = Some(format!(
                    "End the agreement with {}? It is kept, no longer in force.",
                    a.party
                ));
                self.modal = Some(Modal::Form(
                    FormKind::Setup(SetupForm::EndAgreement {
                        id: a.id,
                        version: a.version,
                    }),
                    form,
                ));
            }
            _ => self.warn("a new version is recorded with A; nothing here is removed"),
        }
    }

    /// Save a governance form; the message said.
    pub(crate) fn submit_governance_form(
        &mut self,
        kind: &SetupForm,
        form: &Form,
    ) -> Result<String, StoreError> {
        let (op, now, tz) = (self.operator.id, self.now(), self.tz);
        let text = |k| form.field(k).map(|f| f.value().to_string());
        let day = |k, name: &str| -> Result<NaiveDate, StoreError> {
            parse_day(name, form.field(k)?.value()).map_err(invalid)
        };
        let optional = |k, name: &str| -> Result<Option<DateTime<Utc>>, StoreError> {
            let v = form.field(k)?.value().trim().to_string();
            if v.is_empty() {
                return Ok(None);
            }
            parse_instant(name, &v, tz, now).map(Some).map_err(invalid)
        };
        let breach = || -> Result<BreachInput, StoreError> {
            let affected = text(FieldKey::Affected)?;
            Ok(BreachInput {
                what: text(FieldKey::WhatHappened)?,
                found_at: Some(
                    parse_instant("found", form.field(FieldKey::Found)?.value(), tz, now)
                        .map_err(invalid)?,
                ),
                occurred_at: optional(FieldKey::Occurred, "occurred")?,
                people_affected: affected.trim().parse().map_err(|_| {
                    invalid(format!(
                        "people affected: “{}” is not a count",
                        affected.trim()
                    ))
                })?,
                who_affected: text(FieldKey::Who)?,
                reported_at: optional(FieldKey::Reported, "reported")?,
                ico_reference: text(FieldKey::IcoRef)?,
                actions: text(FieldKey::Done)?,
            })
        };
        let agreement = |ended_on| -> Result<AgreementInput, StoreError> {
            Ok(AgreementInput {
                party: text(FieldKey::Party)?,
                purpose: text(FieldKey::Purpose)?,
                lawful_basis: text(FieldKey::LawfulBasis)?,
                signed_on: day(FieldKey::SignedOn, "signed")?,
                review_on: day(FieldKey::ReviewOn, "review")?,
                ended_on,
            })
        };
        let document = |kind| -> Result<PolicyDocumentInput, StoreError> {
            Ok(PolicyDocumentInput {
                kind,
                edition: text(FieldKey::Edition)?,
                approved_on: day(FieldKey::ApprovedOn, "approved")?,
                review_on: day(FieldKey::ReviewOn, "review")?,
                notes: text(FieldKey::Notes)?,
            })
        };
        let saved = |what: String, n: usize| {
            if n == 0 {
                format!("{what}: nothing changed")
            } else {
                format!("{what} saved")
            }
        };
        let msg = match *kind {
            SetupForm::AddBreach => {
                let id = self.store.add_breach(&breach()?, op, now)?;
                format!("breach #{id} logged: the ICO must be told within 72 hours of finding it")
            }
            SetupForm::EditBreach { id, version } => {
                let n = self.store.update_breach(id, version, &breach()?, op, now)?;
                saved(format!("breach #{id}"), n.len())
            }
            SetupForm::CloseBreach { id, version } => {
                let at = optional(FieldKey::When, "closed")?.unwrap_or(now);
                let done = text(FieldKey::Done)?;
                self.store.close_breach(id, version, at, &done, op, now)?;
                format!("breach #{id} closed")
            }
            SetupForm::AddAgreement => {
                let a = agreement(None)?;
                let id = self.store.add_agreement(&a, op, now)?;
                format!("agreement #{id} with {} recorded", a.party)
            }
            SetupForm::EditAgreement { id, version } => {
                let ended = self.store.agreement(id)?.and_then(|a| a.ended_on);
                let n = self
                    .store
                    .update_agreement(id, version, &agreement(ended)?, op, now)?;
                saved(format!("agreement #{id}"), n.len())
            }
            SetupForm::EndAgreement { id, version } => {
                let on = day(FieldKey::EndedOn, "ended")?;
                self.store.end_agreement(id, version, on, op, now)?;
                format!("agreement #{id} ended {on}: kept, no longer in force")
            }
            SetupForm::RecordDocument => {
                let k = DocumentKind::ALL
                    .get(form.field(FieldKey::Kind)?.choice_index())
                    .copied()
                    .unwrap_or(DocumentKind::Dpia);
                let d = document(k)?;
                self.store.record_policy_document(&d, op, now)?;
                format!("{} version {} recorded", k.label(), d.edition)
            }
            SetupForm::EditDocument { id, version } => {
                let k = self
                    .setup
                    .governance
                    .documents
                    .iter()
                    .find(|d| d.id == id)
                    .map_or(DocumentKind::Dpia, |d| d.kind);
                let n = self
                    .store
                    .update_policy_document(id, version, &document(k)?, op, now)?;
                saved(format!("document #{id}"), n.len())
            }
            _ => unreachable!("only governance forms come here"),
        };
        if let Err(e) = self.reload_governance() {
            self.store_error(e);
        }
        Ok(msg)
    }

    /// A fresh copy of a governance form, for a save refused as stale.
    pub(crate) fn fresh_governance_form(
        &self,
        kind: &SetupForm,
    ) -> Result<Option<Modal>, StoreError> {
        Ok(match *kind {
            SetupForm::EditBreach { id, .. } => {
                self.store.breach(id)?.map(|b| self.breach_form(Some(&b)))
            }
            SetupForm::EditAgreement { id, .. } => self
                .store
                .agreement(id)?
                .map(|a| self.agreement_form(Some(&a))),
            SetupForm::EditDocument { id, .. } => self
                .store
                .policy_documents()?
                .into_iter()
                .find(|d| d.id == id)
                .map(|d| self.document_form(Some(&d))),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_reminder_names_breaches_near_their_deadline_and_reviews_due() {
        let now = at("2026-11-27T12:00:00Z");
        let today = now.date_naive();
        let breach = |id, found: &str| Breach {
            id,
            what: "x".into(),
            found_at: at(found),
            occurred_at: None,
            people_affected: 1,
            who_affected: String::new(),
            reported_at: None,
            ico_reference: String::new(),
            actions: String::new(),
            closed_at: None,
            version: 1,
        };
        let mut lists = GovernanceLists::default();
        assert_eq!(reminder(&lists, now, today), None);
        // 60 hours left: not yet pressing
        lists.breaches.push(breach(1, "2026-11-27T00:00:00Z"));
        assert_eq!(reminder(&lists, now, today), None);
        // 12 hours left
        lists.breaches.push(breach(2, "2026-11-25T00:00:00Z"));
        lists.agreements.push(Agreement {
            id: 1,
            party: "p".into(),
            purpose: "p".into(),
            lawful_basis: "b".into(),
            signed_on: today,
            review_on: today + chrono::Duration::days(5),
            ended_on: None,
            version: 1,
        });
        assert_eq!(
            reminder(&lists, now, today).as_deref(),
            Some("governance: 1 breach due to the ICO · 1 review due")
        );
    }
}
