//! One optimistic-concurrency rule for every record two people can edit —
//! incidents, people on the register, exclusions, members, radios, hits and
//! the governance records:
//! each has a version, bumped by every write to it together with who made
//! the write and when ([`bump`]). A save made on the copy a form opened with
//! names that copy's version, and is refused, writing nothing, when the
//! record has moved on since ([`check`]), with a [`Stale`] saying what, who
//! and when. What the console does next (keep the typing, learn the fresh
//! copy, apply only what this operator changed) is `app/clash.rs`, with the
//! field merge in `domain/merge.rs`.
//!
//! Limits: the version is the record's, not each field's, so a save is
//! refused even when the colleague changed another field; the form's merge
//! then writes only what this operator changed. A note on an incident, a
//! sighting or a name linked is not an edit of the record and bumps nothing.
//! A roll-call's steps are not under this rule: the store settles them as
//! they are kept (`store/rollcalls.rs`).

use super::{from_ts, ts, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// A record under the rule, by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Record {
    Incident(i64),
    Offender(i64),
    Exclusion(i64),
    Member(i64),
    Radio(i64),
    Hit(i64),
    /// The governance records (`store/governance.rs`).
    Breach(i64),
    Agreement(i64),
    PolicyDocument(i64),
}

impl Record {
    pub fn id(self) -> i64 {
        match self {
            Record::Incident(id)
            | Record::Offender(id)
            | Record::Exclusion(id)
            | Record::Member(id)
            | Record::Radio(id)
            | Record::Hit(id)
            | Record::Breach(id)
            | Record::Agreement(id)
            | Record::PolicyDocument(id) => id,
        }
    }

    /// The table, and what names one of its rows.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Record::Incident(_) => ("incidents", "''"),
            Record::Offender(_) => ("offenders", "t.name"),
            Record::Exclusion(_) => ("exclusions", "t.stage"),
            Record::Member(_) => ("members", "t.name"),
            Record::Radio(_) => ("radios", "t.call_sign"),
            Record::Hit(_) => ("hits", "''"),
            Record::Breach(_) => ("breaches", "''"),
            Record::Agreement(_) => ("sharing_agreements", "t.party"),
            Record::PolicyDocument(_) => ("governance_documents", "t.edition"),
        }
    }

    /// The record in a sentence, given its name.
    fn words(self, name: &str) -> String {
        match self {
            Record::Incident(id) => format!("incident #{id}"),
            Record::Offender(_) => format!("{name}'s record"),
            Record::Exclusion(id) => format!("the {name} #{id}"),
            Record::Member(_) => name.to_string(),
            Record::Radio(_) => format!("radio {name}"),
            Record::Hit(id) => format!("hit {id}"),
            Record::Breach(id) => format!("breach #{id}"),
            Record::Agreement(id) => format!("the agreement with {name} (#{id})"),
            Record::PolicyDocument(id) => format!("document #{id} (version {name})"),
        }
    }
}

impl std::fmt::Display for Record {
    /// The record by its number, as a "not found" names it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Record::Incident(id) => write!(f, "incident #{id}"),
            Record::Offender(id) => write!(f, "offender {id}"),
            Record::Exclusion(id) => write!(f, "exclusion {id}"),
            Record::Member(id) => write!(f, "member {id}"),
            Record::Radio(id) => write!(f, "radio {id}"),
            Record::Hit(id) => write!(f, "hit {id}"),
            Record::Breach(id) => write!(f, "breach {id}"),
            Record::Agreement(id) => write!(f, "agreement {id}"),
            Record::PolicyDocument(id) => write!(f, "document {id}"),
        }
    }
}

/// A record's version as the store has it, and who wrote it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub version: i64,
    /// The operator's name; empty when not known (a record not written
    /// since versions were kept).
    pub by: String,
    pub at: DateTime<Utc>,
    /// The record in words: "incident #12", "radio HS12".
    pub what: String,
}

/// A save refused because the record changed after the form opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub record: Record,
    /// The record in words, as [`Stamp::what`].
    pub what: String,
    /// Who changed it (empty if not known), and when.
    pub by: String,
    pub at: DateTime<Utc>,
}

impl Stale {
    /// Who changed it, as a sentence names them.
    pub fn who(&self) -> &str {
        if self.by.is_empty() {
            "another console"
        } else {
            &self.by
        }
    }

    /// What the operator is told, the time on the scheme's clock.
    pub fn describe(&self, tz: chrono_tz::Tz) -> String {
        format!(
            "{} was changed by {} at {} while you had it open; your save was refused",
            self.what,
            self.who(),
            self.at.with_timezone(&tz).format("%H:%M:%S")
        )
    }
}

impl std::fmt::Display for Stale {
    /// For logs and the shell, where no zone is known: in UTC, saying so.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} was changed by {} at {} UTC while you had it open; your save was refused",
            self.what,
            self.who(),
            self.at.format("%H:%M:%S")
        )
    }
}

/// The record's stamp (none: no such record).
pub(crate) fn stamp(conn: &Connection, record: Record) -> Result<Option<Stamp>> {
    let (table, name) = record.table();
    let sql = format!(
        "SELECT t.version, COALESCE(o.name, ''), t.changed_at, {name}
         FROM {table} t LEFT JOIN operators o ON o.id = t.changed_by WHERE t.id = ?1"
    );
    let row = conn
        .prepare_cached(&sql)?
        .query_row([record.id()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()?;
    Ok(row.map(|(version, by, at, name)| Stamp {
        version,
        by,
        at: at.map(from_ts).unwrap_or(DateTime::<Utc>::MIN_UTC),
        what: record.words(&name),
    }))
}

/// Refuse a write made on version `expected` of a record that has moved
/// on. Inside the write's own (immediate) transaction, so nothing can come
/// between the look and the write.
pub(crate) fn check(conn: &Connection, record: Record, expected: i64) -> Result<()> {
    match stamp(conn, record)? {
        None => Err(StoreError::NotFound(record.to_string())),
        Some(s) if s.version == expected => Ok(()),
        Some(s) => Err(StoreError::Stale(Stale {
            record,
            what: s.what,
            by: s.by,
            at: s.at,
        })),
    }
}

/// Mark a write to the record: a new version, by `operator`, at `now`.
/// Every write to a record under the rule calls this, checked or not, so
/// an open form on the old copy is refused.
pub(crate) fn bump(
    conn: &Connection,
    record: Record,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let (table, _) = record.table();
    conn.prepare_cached(&format!(
        "UPDATE {table} SET version = version + 1, changed_by = ?1, changed_at = ?2 WHERE id = ?3"
    ))?
    .execute(params![operator, ts(now), record.id()])?;
    Ok(())
}

impl Store {
    /// A record's version now, and who wrote it when (none: no such record):
    /// for a console to see that a record open in a form has moved on.
    pub fn version_of(&self, record: Record) -> Result<Option<Stamp>> {
        stamp(self.conn(), record)
    }
}
