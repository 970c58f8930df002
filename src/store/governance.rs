//! The governance records (`domain/governance.rs`): the breach log, the
//! information-sharing agreements, and the DPIA and appropriate policy
//! document. Each write is one transaction with its audit record; none is
//! ever deleted. A correction is checked against the version the form (or
//! the shell) read, bumps it, and keeps each field's old and new value in
//! `governance_changes` (see the migration for why not `field_changes`);
//! the audit record names the fields changed, not their values.

use super::{audit, from_ts, stored_day, ts, versions, Record, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::governance::{
    Agreement, AgreementInput, Breach, BreachInput, DocumentKind, PolicyDocument,
    PolicyDocumentInput,
};
use crate::domain::history::{self, Change, FieldChange, Fields};
use crate::domain::text::tidy_input;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// Which kind of record a history row belongs to, as the table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GovernanceRecord {
    Breach(i64),
    Agreement(i64),
    Document(i64),
}

impl GovernanceRecord {
    fn code(self) -> (&'static str, i64) {
        match self {
            GovernanceRecord::Breach(id) => ("breach", id),
            GovernanceRecord::Agreement(id) => ("agreement", id),
            GovernanceRecord::Document(id) => ("document", id),
        }
    }

    fn versioned(self) -> Record {
        match self {
            GovernanceRecord::Breach(id) => Record::Breach(id),
            GovernanceRecord::Agreement(id) => Record::Agreement(id),
            GovernanceRecord::Document(id) => Record::PolicyDocument(id),
        }
    }
}

const BREACH: &str = "SELECT id, what, found_at, occurred_at, people_affected, who_affected,
    reported_at, ico_reference, actions, closed_at, version FROM breaches";

fn breach_row(r: &rusqlite::Row) -> rusqlite::Result<Breach> {
    Ok(Breach {
        id: r.get(0)?,
        what: r.get(1)?,
        found_at: from_ts(r.get(2)?),
        occurred_at: r.get::<_, Option<i64>>(3)?.map(from_ts),
        people_affected: r.get(4)?,
        who_affected: r.get(5)?,
        reported_at: r.get::<_, Option<i64>>(6)?.map(from_ts),
        ico_reference: r.get(7)?,
        actions: r.get(8)?,
        closed_at: r.get::<_, Option<i64>>(9)?.map(from_ts),
        version: r.get(10)?,
    })
}

const AGREEMENT: &str =
    "SELECT id, party, purpose, lawful_basis, signed_on, review_on, ended_on, version
     FROM sharing_agreements";

fn day_column(r: &rusqlite::Row, i: usize) -> rusqlite::Result<NaiveDate> {
    stored_day(r.get(i)?).ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(i, "day".into(), rusqlite::types::Type::Text)
    })
}

fn agreement_row(r: &rusqlite::Row) -> rusqlite::Result<Agreement> {
    Ok(Agreement {
        id: r.get(0)?,
        party: r.get(1)?,
        purpose: r.get(2)?,
        lawful_basis: r.get(3)?,
        signed_on: day_column(r, 4)?,
        review_on: day_column(r, 5)?,
        ended_on: stored_day(r.get(6)?),
        version: r.get(7)?,
    })
}

const DOCUMENT: &str =
    "SELECT id, kind, edition, approved_on, review_on, notes, version FROM governance_documents";

fn document_row(r: &rusqlite::Row) -> rusqlite::Result<PolicyDocument> {
    let kind: String = r.get(1)?;
    Ok(PolicyDocument {
        id: r.get(0)?,
        kind: DocumentKind::from_code(&kind).unwrap_or(DocumentKind::Dpia),
        edition: r.get(2)?,
        approved_on: day_column(r, 3)?,
        review_on: day_column(r, 4)?,
        notes: r.get(5)?,
        version: r.get(6)?,
    })
}

fn breach_by_id(conn: &Connection, id: i64) -> Result<Option<Breach>> {
    Ok(conn
        .prepare_cached(&format!("{BREACH} WHERE id = ?1"))?
        .query_row([id], breach_row)
        .optional()?)
}

fn agreement_by_id(conn: &Connection, id: i64) -> Result<Option<Agreement>> {
    Ok(conn
        .prepare_cached(&format!("{AGREEMENT} WHERE id = ?1"))?
        .query_row([id], agreement_row)
        .optional()?)
}

fn document_by_id(conn: &Connection, id: i64) -> Result<Option<PolicyDocument>> {
    Ok(conn
        .prepare_cached(&format!("{DOCUMENT} WHERE id = ?1"))?
        .query_row([id], document_row)
        .optional()?)
}

fn instant(t: Option<DateTime<Utc>>) -> String {
    t.map(history::instant).unwrap_or_default()
}

/// A record's fields as its history compares them.
fn fields(conn: &Connection, record: GovernanceRecord) -> Result<Fields> {
    Ok(match record {
        GovernanceRecord::Breach(id) => breach_by_id(conn, id)?
            .map(|b| {
                vec![
                    ("what happened", b.what),
                    ("found", history::instant(b.found_at)),
                    ("occurred", instant(b.occurred_at)),
                    ("people affected", b.people_affected.to_string()),
                    ("who affected", b.who_affected),
                    ("reported to the ICO", instant(b.reported_at)),
                    ("ICO reference", b.ico_reference),
                    ("actions", b.actions),
                    ("closed", instant(b.closed_at)),
                ]
            })
            .unwrap_or_default(),
        GovernanceRecord::Agreement(id) => agreement_by_id(conn, id)?
            .map(|a| {
                vec![
                    ("party", a.party),
                    ("purpose", a.purpose),
                    ("lawful basis", a.lawful_basis),
                    ("signed", a.signed_on.to_string()),
                    ("review", a.review_on.to_string()),
                    (
                        "ended",
                        a.ended_on.map(|d| d.to_string()).unwrap_or_default(),
                    ),
                ]
            })
            .unwrap_or_default(),
        GovernanceRecord::Document(id) => document_by_id(conn, id)?
            .map(|d| {
                vec![
                    ("kind", d.kind.label().to_string()),
                    ("version", d.edition),
                    ("approved", d.approved_on.to_string()),
                    ("review", d.review_on.to_string()),
                    ("notes", d.notes),
                ]
            })
            .unwrap_or_default(),
    })
}

/// Check the version, run `change`, then bump the version, keep what
/// changed and audit it; nothing changed writes nothing at all.
fn correct(
    tx: &Transaction,
    record: GovernanceRecord,
    expected_version: i64,
    action: AuditAction,
    operator: i64,
    now: DateTime<Utc>,
    change: impl FnOnce(&Transaction) -> Result<()>,
) -> Result<Vec<FieldChange>> {
    versions::check(tx, record.versioned(), expected_version)?;
    let before = fields(tx, record)?;
    change(tx)?;
    let changes = history::diff(&before, &fields(tx, record)?);
    if changes.is_empty() {
        return Ok(changes);
    }
    versions::bump(tx, record.versioned(), operator, now)?;
    let (kind, id) = record.code();
    let mut edit = 0;
    for (k, c) in changes.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO governance_changes (edit, at, operator_id, record, record_id, field, old, new)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![edit, ts(now), operator, kind, id, c.field, c.old, c.new])?;
        if k == 0 {
            edit = tx.last_insert_rowid();
            tx.execute(
                "UPDATE governance_changes SET edit = ?1 WHERE id = ?1",
                [edit],
            )?;
        }
    }
    let names: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    audit::append(
        tx,
        now,
        Some(operator),
        action,
        kind,
        Some(id),
        &format!("changed: {}", names.join(", ")),
    )?;
    Ok(changes)
}

fn invalid(e: String) -> StoreError {
    StoreError::Invalid(e)
}

fn tidy_breach(b: &BreachInput, now: DateTime<Utc>) -> Result<BreachInput> {
    let mut b = b.clone();
    b.what = tidy_input(&b.what);
    b.who_affected = tidy_input(&b.who_affected);
    b.ico_reference = tidy_input(&b.ico_reference);
    b.actions = tidy_input(&b.actions);
    b.check(now).map_err(invalid)?;
    Ok(b)
}

fn tidy_agreement(a: &AgreementInput) -> Result<AgreementInput> {
    let mut a = a.clone();
    a.party = tidy_input(&a.party);
    a.purpose = tidy_input(&a.purpose);
    a.lawful_basis = tidy_input(&a.lawful_basis);
    a.check().map_err(invalid)?;
    Ok(a)
}

fn tidy_document(d: &PolicyDocumentInput) -> Result<PolicyDocumentInput> {
    let mut d = d.clone();
    d.edition = tidy_input(&d.edition);
    d.notes = tidy_input(&d.notes);
    d.check().map_err(invalid)?;
    Ok(d)
}

impl Store {
    /// A breach found, into the log.
    pub fn add_breach(
        &mut self,
        b: &BreachInput,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let b = tidy_breach(b, now)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO breaches (what, found_at, occurred_at, people_affected, who_affected,
                     reported_to_ico, reported_at, ico_reference, actions, created_by, created_at,
                     changed_by, changed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11)",
                params![
                    b.what,
                    b.found_at.map(ts),
                    b.occurred_at.map(ts),
                    b.people_affected,
                    b.who_affected,
                    b.reported_at.is_some(),
                    b.reported_at.map(ts),
                    b.ico_reference,
                    b.actions,
                    operator,
                    ts(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            let detail = format!("{} affected", b.people_affected);
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Add,
                "breach",
                Some(id),
                &detail,
            )?;
            Ok(id)
        })
    }

    /// Correct a breach (reporting it to the ICO is one), on the copy at
    /// `expected_version`; the fields changed.
    pub fn update_breach(
        &mut self,
        id: i64,
        expected_version: i64,
        b: &BreachInput,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<FieldChange>> {
        let b = tidy_breach(b, now)?;
        self.write(|tx| {
            let closed = breach_by_id(tx, id)?.and_then(|x| x.closed_at);
            if closed.is_some_and(|c| b.found_at.is_some_and(|f| f > c)) {
                return Err(invalid("found: after the breach was closed".into()));
            }
            correct(tx, GovernanceRecord::Breach(id), expected_version, AuditAction::Edit, operator, now, |tx| {
                tx.execute(
                    "UPDATE breaches SET what = ?2, found_at = ?3, occurred_at = ?4, people_affected = ?5,
                         who_affected = ?6, reported_to_ico = ?7, reported_at = ?8, ico_reference = ?9,
                         actions = ?10
                     WHERE id = ?1",
                    params![
                        id,
                        b.what,
                        b.found_at.map(ts),
                        b.occurred_at.map(ts),
                        b.people_affected,
                        b.who_affected,
                        b.reported_at.is_some(),
                        b.reported_at.map(ts),
                        b.ico_reference,
                        b.actions
                    ],
                )?;
                Ok(())
            })
        })
    }

    /// Close a breach at `at`, with what was done (blank: as recorded).
    pub fn close_breach(
        &mut self,
        id: i64,
        expected_version: i64,
        at: DateTime<Utc>,
        actions: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<FieldChange>> {
        let actions = tidy_input(actions);
        self.write(|tx| {
            let b = breach_by_id(tx, id)?.ok_or_else(|| StoreError::NotFound(format!("breach {id}")))?;
            if b.closed_at.is_some() {
                return Err(invalid(format!("breach #{id} is already closed")));
            }
            if at < b.found_at || at > now {
                return Err(invalid("closed: between when it was found and now".into()));
            }
            if actions.is_empty() && b.actions.is_empty() {
                return Err(invalid("actions: say what was done before closing it".into()));
            }
            correct(tx, GovernanceRecord::Breach(id), expected_version, AuditAction::Close, operator, now, |tx| {
                tx.execute(
                    "UPDATE breaches SET closed_at = ?2, actions = CASE WHEN ?3 = '' THEN actions ELSE ?3 END
                     WHERE id = ?1",
                    params![id, ts(at), actions],
                )?;
                Ok(())
            })
        })
    }

    pub fn breach(&self, id: i64) -> Result<Option<Breach>> {
        breach_by_id(self.conn(), id)
    }

    /// The breach log: open ones first, then the latest found.
    pub fn breaches(&self) -> Result<Vec<Breach>> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "{BREACH} ORDER BY closed_at IS NOT NULL, found_at DESC, id DESC"
            ))?
            .query_map([], breach_row)?
            .collect::<Result<_, _>>()?)
    }

    /// A new information-sharing agreement; its id is stable.
    pub fn add_agreement(
        &mut self,
        a: &AgreementInput,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let a = tidy_agreement(a)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sharing_agreements (party, purpose, lawful_basis, signed_on, review_on,
                     ended_on, created_by, created_at, changed_by, changed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
                params![
                    a.party,
                    a.purpose,
                    a.lawful_basis,
                    a.signed_on.to_string(),
                    a.review_on.to_string(),
                    a.ended_on.map(|d| d.to_string()),
                    operator,
                    ts(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Add,
                "agreement",
                Some(id),
                "",
            )?;
            Ok(id)
        })
    }

    /// Correct an agreement (a new review date after a review is one).
    pub fn update_agreement(
        &mut self,
        id: i64,
        expected_version: i64,
        a: &AgreementInput,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<FieldChange>> {
        let a = tidy_agreement(a)?;
        self.write(|tx| {
            correct(
                tx,
                GovernanceRecord::Agreement(id),
                expected_version,
                AuditAction::Edit,
                operator,
                now,
                |tx| {
                    tx.execute(
                        "UPDATE sharing_agreements SET party = ?2, purpose = ?3, lawful_basis = ?4,
                         signed_on = ?5, review_on = ?6, ended_on = ?7
                     WHERE id = ?1",
                        params![
                            id,
                            a.party,
                            a.purpose,
                            a.lawful_basis,
                            a.signed_on.to_string(),
                            a.review_on.to_string(),
                            a.ended_on.map(|d| d.to_string())
                        ],
                    )?;
                    Ok(())
                },
            )
        })
    }

    /// End an agreement on `day`: kept, no longer in force from that day.
    pub fn end_agreement(
        &mut self,
        id: i64,
        expected_version: i64,
        day: NaiveDate,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<FieldChange>> {
        let a = self
            .agreement(id)?
            .ok_or_else(|| StoreError::NotFound(format!("agreement {id}")))?;
        if a.ended_on.is_some() {
            return Err(invalid(format!("agreement #{id} has already ended")));
        }
        if day < a.signed_on {
            return Err(invalid(
                "ended: an agreement cannot end before it was signed".into(),
            ));
        }
        self.write(|tx| {
            correct(
                tx,
                GovernanceRecord::Agreement(id),
                expected_version,
                AuditAction::End,
                operator,
                now,
                |tx| {
                    tx.execute(
                        "UPDATE sharing_agreements SET ended_on = ?2 WHERE id = ?1",
                        params![id, day.to_string()],
                    )?;
                    Ok(())
                },
            )
        })
    }

    pub fn agreement(&self, id: i64) -> Result<Option<Agreement>> {
        agreement_by_id(self.conn(), id)
    }

    /// Every agreement, in force or ended, the soonest review first.
    pub fn agreements(&self) -> Result<Vec<Agreement>> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "{AGREEMENT} ORDER BY ended_on IS NOT NULL, review_on, id"
            ))?
            .query_map([], agreement_row)?
            .collect::<Result<_, _>>()?)
    }

    /// The agreements in force on `day`: what a release of footage that
    /// day may be recorded against.
    pub fn agreements_in_force(&self, day: NaiveDate) -> Result<Vec<Agreement>> {
        Ok(self
            .agreements()?
            .into_iter()
            .filter(|a| a.in_force(day))
            .collect())
    }

    /// A version of the DPIA or the appropriate policy document, approved.
    pub fn record_policy_document(
        &mut self,
        d: &PolicyDocumentInput,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let d = tidy_document(d)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO governance_documents (kind, edition, approved_on, review_on, notes,
                     created_by, created_at, changed_by, changed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)",
                params![
                    d.kind.code(),
                    d.edition,
                    d.approved_on.to_string(),
                    d.review_on.to_string(),
                    d.notes,
                    operator,
                    ts(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            let detail = format!("{} version {}", d.kind.code(), d.edition);
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Add,
                "document",
                Some(id),
                &detail,
            )?;
            Ok(id)
        })
    }

    /// Correct a recorded document (its kind stays).
    pub fn update_policy_document(
        &mut self,
        id: i64,
        expected_version: i64,
        d: &PolicyDocumentInput,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<FieldChange>> {
        let d = tidy_document(d)?;
        self.write(|tx| {
            correct(tx, GovernanceRecord::Document(id), expected_version, AuditAction::Edit, operator, now, |tx| {
                tx.execute(
                    "UPDATE governance_documents SET edition = ?2, approved_on = ?3, review_on = ?4, notes = ?5
                     WHERE id = ?1",
                    params![id, d.edition, d.approved_on.to_string(), d.review_on.to_string(), d.notes],
                )?;
                Ok(())
            })
        })
    }

    /// Every version recorded, the latest approved first.
    pub fn policy_documents(&self) -> Result<Vec<PolicyDocument>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("{DOCUMENT} ORDER BY approved_on DESC, id DESC"))?
            .query_map([], document_row)?
            .collect::<Result<_, _>>()?)
    }

    /// A governance record's corrections, newest first.
    pub fn governance_changes(&self, record: GovernanceRecord) -> Result<Vec<Change>> {
        let (kind, id) = record.code();
        let mut st = self.conn().prepare_cached(
            "SELECT c.edit, c.at, COALESCE(o.name, ''), c.field, c.old, c.new
             FROM governance_changes c LEFT JOIN operators o ON o.id = c.operator_id
             WHERE c.record = ?1 AND c.record_id = ?2 ORDER BY c.edit DESC, c.id",
        )?;
        let rows = st.query_map(params![kind, id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                FieldChange {
                    field: r.get(3)?,
                    old: r.get(4)?,
                    new: r.get(5)?,
                },
            ))
        })?;
        let mut out: Vec<Change> = vec![];
        let mut last = None;
        for row in rows {
            let (edit, at, by, field) = row?;
            match out.last_mut() {
                Some(c) if last == Some(edit) => c.fields.push(field),
                _ => out.push(Change {
                    at: from_ts(at),
                    by,
                    of: String::new(),
                    fields: vec![field],
                }),
            }
            last = Some(edit);
        }
        Ok(out)
    }
}
