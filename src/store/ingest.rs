//! Events from other systems (radio gateways, alarm receivers, other incident
//! systems), written in batches: many lines to one transaction, each line
//! checked against the store before anything of it is written, so one bad
//! line never costs the good lines around it. Every event appends its audit
//! record in the same transaction, as every other write does.
//!
//! Lines arrive already parsed and tidied (`io::ingest`); what only the store
//! can answer — is there such a radio, member or zone, was this reference
//! seen before — is decided here.

use super::{audit, ts, Operator, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::permission::{allowed, Permission};
use crate::domain::Priority;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashMap;

/// The account ingested events are recorded under when none is named.
pub const DEFAULT_ACCOUNT: &str = "ingest";

/// A member named by a line: by the store's id, or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberRef {
    Id(i64),
    Name(String),
}

/// A radio gateway saw a handset sign on or off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RadioEvent {
    pub call_sign: String,
    pub signing_on: bool,
    pub at: DateTime<Utc>,
}

/// An incident sent by another system (an alarm activation is one of type
/// `alarm`). Text is already tidied and within its limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestIncident {
    pub kind: String,
    pub priority: Priority,
    pub member: Option<MemberRef>,
    /// A zone's name or code.
    pub zone: Option<String>,
    pub location: String,
    pub summary: String,
    pub at: DateTime<Utc>,
    /// The sending system's name for its references (default: the account's name).
    pub source: Option<String>,
    /// The sending system's reference: the same (source, reference) twice is one incident.
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestEvent {
    Radio(RadioEvent),
    Incident(IngestIncident),
}

/// What became of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new incident, with its id.
    Incident(i64),
    /// A new radio log line, with its id.
    RadioLog(i64),
    /// The reference was seen before: the incident it made then.
    Duplicate(i64),
    /// Not written, and why (in words for the sender).
    Rejected(String),
}

/// A line refused by the store's own checks: reported, the batch goes on.
struct Refused(String);

enum LineError {
    Refused(Refused),
    Store(StoreError),
}

impl From<rusqlite::Error> for LineError {
    fn from(e: rusqlite::Error) -> Self {
        LineError::Store(StoreError::Sql(e))
    }
}

impl From<StoreError> for LineError {
    fn from(e: StoreError) -> Self {
        LineError::Store(e)
    }
}

fn refuse<T>(why: String) -> std::result::Result<T, LineError> {
    Err(LineError::Refused(Refused(why)))
}

/// Whether an SQLite error is about this row (a constraint) rather than the
/// store as a whole (busy, full, unreadable).
fn about_the_row(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Sql(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::ConstraintViolation
    )
}

fn quoted(s: &str) -> String {
    format!("“{}”", crate::domain::text::tidy_input(s))
}

/// A member's id and its zone's.
type MemberAt = (i64, i64);

/// Names looked up once a batch: the batch holds the write lock, so no other
/// console can change them under it, and a stream names the same few radios,
/// members and zones over and over.
#[derive(Default)]
struct Lookups {
    zones: HashMap<String, Option<i64>>,
    members_by_id: HashMap<i64, Option<i64>>,
    /// (name, zone) → the (id, zone id) of at most two members so called.
    members_by_name: HashMap<(String, Option<i64>), Vec<MemberAt>>,
    radios: HashMap<String, Option<(i64, String)>>,
}

/// One batch's transaction and what it has looked up.
struct Batch<'t, 'c> {
    tx: &'t Transaction<'c>,
    seen: Lookups,
    operator: i64,
    account: &'t str,
    now: DateTime<Utc>,
}

impl Batch<'_, '_> {
    fn zone_id(&mut self, zone: &str) -> std::result::Result<i64, LineError> {
        let id = match self.seen.zones.get(zone) {
            Some(id) => *id,
            None => {
                // a retired zone takes nothing new: as if it were not there
                let id: Option<i64> = self
                    .tx
                    .prepare_cached(
                        "SELECT id FROM zones WHERE (name = ?1 OR code = ?1) AND retired_at IS NULL",
                    )?
                    .query_row([zone], |r| r.get(0))
                    .optional()?;
                self.seen.zones.insert(zone.to_string(), id);
                id
            }
        };
        match id {
            Some(id) => Ok(id),
            None => refuse(format!("no zone in use is called {}", quoted(zone))),
        }
    }

    /// The member's (id, zone id), checked against the zone when a line gives both.
    fn member(
        &mut self,
        member: &MemberRef,
        zone: Option<i64>,
        zone_name: Option<&str>,
    ) -> std::result::Result<(i64, i64), LineError> {
        match member {
            MemberRef::Id(id) => {
                let found = match self.seen.members_by_id.get(id) {
                    Some(z) => *z,
                    None => {
                        let z: Option<i64> = self
                            .tx
                            .prepare_cached("SELECT zone_id FROM members WHERE id = ?1")?
                            .query_row([id], |r| r.get(0))
                            .optional()?;
                        self.seen.members_by_id.insert(*id, z);
                        z
                    }
                };
                match (found, zone) {
                    (None, _) => refuse(format!("no member has the id {id}")),
                    (Some(z), Some(want)) if z != want => refuse(format!(
                        "member {id} is not in zone {}",
                        quoted(zone_name.unwrap_or_default())
                    )),
                    (Some(z), _) => Ok((*id, z)),
                }
            }
            MemberRef::Name(name) => {
                let key = (name.clone(), zone);
                if !self.seen.members_by_name.contains_key(&key) {
                    // a name can be shared (two branches of one chain): the zone tells them apart
                    let mut st = self.tx.prepare_cached(
                        "SELECT id, zone_id FROM members WHERE name = ?1 COLLATE NOCASE
                         AND (?2 IS NULL OR zone_id = ?2) ORDER BY id LIMIT 2",
                    )?;
                    let found: Vec<(i64, i64)> = st
                        .query_map(params![name, zone], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect::<rusqlite::Result<_>>()?;
                    self.seen.members_by_name.insert(key.clone(), found);
                }
                match self.seen.members_by_name[&key].as_slice() {
                    [one] => Ok(*one),
                    [] if zone.is_some() => refuse(format!(
                        "no member called {} in zone {}",
                        quoted(name),
                        quoted(zone_name.unwrap_or_default())
                    )),
                    [] => refuse(format!("no member is called {}", quoted(name))),
                    _ => refuse(format!(
                        "more than one member is called {}: give member_id or zone",
                        quoted(name)
                    )),
                }
            }
        }
    }

    /// Everything a line needs is looked up and checked before anything of it
    /// is written, so a refused line leaves nothing behind.
    fn radio(&mut self, ev: &RadioEvent) -> std::result::Result<Outcome, LineError> {
        let found = match self.seen.radios.get(&ev.call_sign) {
            Some(f) => f.clone(),
            None => {
                let f: Option<(i64, String)> = self
                    .tx
                    .prepare_cached("SELECT id, status FROM radios WHERE call_sign = ?1")?
                    .query_row([&ev.call_sign], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                self.seen.radios.insert(ev.call_sign.clone(), f.clone());
                f
            }
        };
        let Some((radio, status)) = found else {
            return refuse(format!(
                "no radio has the call sign {}",
                quoted(&ev.call_sign)
            ));
        };
        // the words the radio log and "on air" already speak
        let message = if ev.signing_on {
            "signing on"
        } else {
            "signing off"
        };
        let tx = self.tx;
        tx.prepare_cached(
            "INSERT INTO radio_log (at, radio_id, message, operator_id, event) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            ts(ev.at),
            radio,
            message,
            self.operator,
            if ev.signing_on { "on" } else { "off" }
        ])?;
        let id = tx.last_insert_rowid();
        let detail = crate::domain::radio::heard_detail(message, &status);
        audit::append(
            tx,
            self.now,
            Some(self.operator),
            AuditAction::Log,
            "radio",
            Some(radio),
            &detail,
        )?;
        Ok(Outcome::RadioLog(id))
    }

    fn incident(&mut self, ev: &IngestIncident) -> std::result::Result<Outcome, LineError> {
        let tx = self.tx;
        let source = ev.source.as_deref().unwrap_or(self.account);
        if let Some(reference) = &ev.reference {
            let seen: Option<i64> = tx
                .prepare_cached("SELECT id FROM incidents WHERE source = ?1 AND source_ref = ?2")?
                .query_row([source, reference], |r| r.get(0))
                .optional()?;
            if let Some(id) = seen {
                return Ok(Outcome::Duplicate(id));
            }
        }
        let zone = match &ev.zone {
            Some(z) => Some(self.zone_id(z)?),
            None => None,
        };
        let (member_id, zone_id) = match &ev.member {
            Some(m) => {
                let (m, z) = self.member(m, zone, ev.zone.as_deref())?;
                (Some(m), Some(z))
            }
            None => (None, zone),
        };
        tx.prepare_cached(
            "INSERT INTO incidents (kind, priority, status, zone_id, member_id, location, summary,
                                    opened_at, updated_at, opened_by, updated_by, source, source_ref)
             VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11)",
        )?
        .execute(params![
            ev.kind,
            ev.priority.number(),
            zone_id,
            member_id,
            ev.location,
            ev.summary,
            ts(ev.at),
            ts(self.now),
            self.operator,
            source,
            ev.reference
        ])?;
        let id = tx.last_insert_rowid();
        if let Some(reference) = &ev.reference {
            // where it came from, on the timeline the operator reads
            tx.prepare_cached(
                "INSERT INTO timeline (incident_id, at, operator_id, kind, text) VALUES (?1, ?2, ?3, 'note', ?4)",
            )?
            .execute(params![id, ts(self.now), self.operator, format!("received from {source}, reference {reference}")])?;
        }
        // as the console words an incident it logs, so other consoles announce it alike
        audit::append(
            tx,
            self.now,
            Some(self.operator),
            AuditAction::Create,
            "incident",
            Some(id),
            &format!("{} {}", ev.priority.short(), ev.kind),
        )?;
        Ok(Outcome::Incident(id))
    }

    fn event(&mut self, ev: &IngestEvent) -> std::result::Result<Outcome, LineError> {
        match ev {
            IngestEvent::Radio(r) => self.radio(r),
            IngestEvent::Incident(i) => self.incident(i),
        }
    }
}

impl Store {
    /// The account ingested events are recorded under: created on first use
    /// with the operator role and no PIN, so nobody can sign in as it. A
    /// person's account (one with a PIN) is refused: a script must not write
    /// in someone's name without their PIN.
    pub fn ingest_account(&mut self, name: &str, now: DateTime<Utc>) -> Result<Operator> {
        let name = crate::domain::text::tidy_input(name);
        let has_pin: Option<bool> = self
            .conn()
            .query_row(
                "SELECT pin_hash IS NOT NULL FROM operators WHERE name = ?1 AND active = 1",
                [&name],
                |r| r.get(0),
            )
            .optional()?;
        if has_pin == Some(true) {
            return Err(StoreError::Invalid(format!(
                "{name} signs in with a PIN: ingest records events under an account nobody signs in with (the default is “{DEFAULT_ACCOUNT}”)"
            )));
        }
        let op = self.operator_or_add(&name, "operator", now)?;
        let role = op.role;
        for p in [Permission::LogIncident, Permission::LogRadio] {
            if !allowed(role, p) {
                return Err(StoreError::Invalid(format!(
                    "{name} is a {} account, which may not {}",
                    op.role,
                    p.describe()
                )));
            }
        }
        Ok(op)
    }

    /// Write a batch of events in one transaction, each with its audit
    /// record; the outcomes are in the order of `events`. A line the store
    /// refuses (an unknown radio, member or zone) is found out before any of
    /// it is written and the rest carry on. Should a write itself be refused
    /// (a constraint no check foresaw), the batch is done again with each
    /// line in a savepoint of its own, so only that line is lost. A fault of
    /// the store itself (busy past the timeout, full, unreadable) fails the
    /// whole batch, and then nothing of it was written.
    pub fn ingest(
        &mut self,
        events: &[IngestEvent],
        operator: &Operator,
        now: DateTime<Utc>,
    ) -> Result<Vec<Outcome>> {
        match self.ingest_batch(events, operator, now, false) {
            Err(e) if about_the_row(&e) => self.ingest_batch(events, operator, now, true),
            done => done,
        }
    }

    fn ingest_batch(
        &mut self,
        events: &[IngestEvent],
        operator: &Operator,
        now: DateTime<Utc>,
        careful: bool,
    ) -> Result<Vec<Outcome>> {
        self.write(|tx| {
            let mut batch = Batch {
                tx,
                seen: Lookups::default(),
                operator: operator.id,
                account: &operator.name,
                now,
            };
            let mut out = Vec::with_capacity(events.len());
            for ev in events {
                if careful {
                    tx.prepare_cached("SAVEPOINT ingest_line")?.execute([])?;
                }
                match batch.event(ev) {
                    Ok(outcome) => out.push(outcome),
                    Err(LineError::Refused(Refused(why))) => out.push(Outcome::Rejected(why)),
                    Err(LineError::Store(e)) if careful && about_the_row(&e) => {
                        tx.prepare_cached("ROLLBACK TO ingest_line")?.execute([])?;
                        out.push(Outcome::Rejected(format!("the store refused it ({e})")));
                    }
                    Err(LineError::Store(e)) => return Err(e),
                }
                if careful {
                    tx.prepare_cached("RELEASE ingest_line")?.execute([])?;
                }
            }
            Ok(out)
        })
    }

    /// One audit record for a finished ingest run: how many lines of each outcome.
    pub fn record_ingest_run(
        &mut self,
        operator: i64,
        accepted: u64,
        duplicates: u64,
        rejected: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Ingest,
                "ingest",
                None,
                &format!("accepted {accepted}, duplicates {duplicates}, rejected {rejected}"),
            )
        })
    }

    /// Whether an error means another connection held the store too long
    /// (worth trying the same batch again) rather than something lasting.
    pub fn is_busy(e: &StoreError) -> bool {
        matches!(
            e,
            StoreError::Sql(rusqlite::Error::SqliteFailure(f, _))
                if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}
