//! Evidence items and their continuity trail (`domain/evidence.rs`). Each
//! write is one transaction with its audit record: an item added (with its
//! first clip entry), a handover or release, a correction. Nothing is ever
//! updated or deleted (the migration's triggers refuse it): a correction is
//! a new entry that names the one it supersedes. Reading an item's trail for
//! `show` or a statement is audited too, since it leads to footage of people.

use super::{audit, from_ts, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::evidence::{
    choose_agreement, exhibit_ref, ClipDetails, EntryBody, EvidenceEntry, EvidenceItem, EvidenceOf,
    HandoverDetails, Medium, ReleaseRow,
};
use crate::domain::text::{clean, tidy_input};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// A new item: its exhibit reference, what it is on, and its clip.
#[derive(Debug, Clone)]
pub struct NewEvidence {
    pub exhibit: String,
    pub of: EvidenceOf,
    pub clip: ClipDetails,
}

/// A handover as asked for: the release's agreement is chosen by the store
/// from those in force on `day` (the scheme's day of the handover).
#[derive(Debug, Clone)]
pub struct NewHandover {
    pub details: HandoverDetails,
    /// The agreement asked for, if any.
    pub agreement: Option<i64>,
    pub day: NaiveDate,
}

fn invalid(e: String) -> StoreError {
    StoreError::Invalid(e)
}

const ENTRY: &str = "SELECT e.id, e.recorded_at, COALESCE(o.name, ''), e.supersedes, e.correction, e.kind,
    e.camera_id, e.camera, e.clip_start, e.clip_end, e.reviewed_by, e.copied_by, e.medium, e.sha256,
    e.file_name, e.note, e.handed_at, e.to_name, e.organisation, e.reason, e.release, e.agreement_id,
    COALESCE(a.party, '')
    FROM evidence_entries e LEFT JOIN operators o ON o.id = e.recorded_by
    LEFT JOIN sharing_agreements a ON a.id = e.agreement_id";

fn entry_row(r: &rusqlite::Row) -> rusqlite::Result<EvidenceEntry> {
    let kind: String = r.get(5)?;
    let body = if kind == "clip" {
        let medium: String = r.get(12)?;
        EntryBody::Clip(ClipDetails {
            camera_id: r.get(6)?,
            camera: r.get(7)?,
            clip_start: from_ts(r.get(8)?),
            clip_end: from_ts(r.get(9)?),
            reviewed_by: r.get(10)?,
            copied_by: r.get(11)?,
            medium: Medium::parse(&medium).ok(),
            sha256: r.get(13)?,
            file_name: r.get(14)?,
            note: r.get(15)?,
        })
    } else {
        EntryBody::Handover {
            details: HandoverDetails {
                at: from_ts(r.get(16)?),
                to: r.get(17)?,
                organisation: r.get(18)?,
                why: r.get(19)?,
                release: r.get(20)?,
                agreement_id: r.get(21)?,
            },
            agreement: r.get(22)?,
        }
    };
    Ok(EvidenceEntry {
        id: r.get(0)?,
        recorded_at: from_ts(r.get(1)?),
        recorded_by: r.get(2)?,
        supersedes: r.get(3)?,
        correction: r.get(4)?,
        body,
    })
}

const ITEM: &str = "SELECT i.id, i.exhibit_ref, i.incident_id, i.sighting_id, i.created_at,
    COALESCE(o.name, '') FROM evidence_items i LEFT JOIN operators o ON o.id = i.created_by";

fn item_in(
    conn: &Connection,
    where_: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<EvidenceItem>> {
    let head = conn
        .query_row(&format!("{ITEM} WHERE {where_}"), [value], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<i64>>(3)?,
                from_ts(r.get(4)?),
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    let Some((id, exhibit, incident, sighting, created_at, created_by)) = head else {
        return Ok(None);
    };
    let entries = conn
        .prepare_cached(&format!("{ENTRY} WHERE e.item_id = ?1 ORDER BY e.id"))?
        .query_map([id], entry_row)?
        .collect::<Result<_, _>>()?;
    let of = match (incident, sighting) {
        (_, Some(s)) => Some(EvidenceOf::Sighting(s)),
        (Some(i), None) => Some(EvidenceOf::Incident(i)),
        (None, None) => None,
    };
    Ok(Some(EvidenceItem {
        id,
        exhibit,
        of,
        created_at,
        created_by,
        entries,
    }))
}

pub use crate::domain::evidence::describe_of;

/// The camera's name, checked to exist (a retired camera's footage is still footage).
fn camera_name(tx: &Transaction, id: i64) -> Result<String> {
    tx.query_row("SELECT name FROM cameras WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| invalid(format!("camera {id} does not exist")))
}

fn insert_clip(
    tx: &Transaction,
    item: i64,
    c: &ClipDetails,
    supersedes: Option<i64>,
    correction: &str,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO evidence_entries (item_id, kind, recorded_at, recorded_by, supersedes, correction,
             camera_id, camera, clip_start, clip_end, reviewed_by, copied_by, medium, sha256, file_name, note)
         VALUES (?1, 'clip', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            item,
            ts(now),
            operator,
            supersedes,
            correction,
            c.camera_id,
            c.camera,
            ts(c.clip_start),
            ts(c.clip_end),
            c.reviewed_by,
            c.copied_by,
            c.medium.map(|m| m.code()).unwrap_or(""),
            c.sha256,
            c.file_name,
            c.note
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// An item with its trail, read on a connection (subject access reads in its own transaction).
pub(crate) fn item_on(conn: &Connection, id: i64) -> Result<Option<EvidenceItem>> {
    item_in(conn, "i.id = ?1", &id)
}

impl Store {
    /// Add an item with its clip, on an incident or a sighting; its exhibit
    /// reference must be new.
    pub fn add_evidence(
        &mut self,
        new: &NewEvidence,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<EvidenceItem> {
        let exhibit = exhibit_ref(&new.exhibit).map_err(invalid)?;
        let mut clip = new.clip.clone().check(now).map_err(invalid)?;
        let id = self.write(|tx| {
            let taken: Option<String> = tx
                .query_row(
                    "SELECT exhibit_ref FROM evidence_items WHERE exhibit_ref = ?1",
                    [&exhibit],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(t) = taken {
                return Err(invalid(format!(
                    "exhibit: {} is already used; every exhibit has its own reference",
                    clean(&t)
                )));
            }
            let (incident, sighting) = match new.of {
                EvidenceOf::Incident(i) => (Some(i), None),
                EvidenceOf::Sighting(s) => (None, Some(s)),
            };
            let (table, id) = match new.of {
                EvidenceOf::Incident(i) => ("incidents", i),
                EvidenceOf::Sighting(s) => ("sightings", s),
            };
            let exists: bool = tx.query_row(
                &format!("SELECT EXISTS(SELECT 1 FROM {table} WHERE id = ?1)"),
                [id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::NotFound(describe_of(Some(new.of))));
            }
            clip.camera = camera_name(tx, clip.camera_id.unwrap_or_default())?;
            tx.execute(
                "INSERT INTO evidence_items (exhibit_ref, incident_id, sighting_id, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![exhibit, incident, sighting, ts(now), operator],
            )?;
            let item = tx.last_insert_rowid();
            insert_clip(tx, item, &clip, None, "", operator, now)?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Add,
                "evidence",
                Some(item),
                &format!("exhibit {exhibit} on {}", describe_of(Some(new.of))),
            )?;
            Ok(item)
        })?;
        self.evidence_item(id)?
            .ok_or_else(|| StoreError::NotFound(format!("evidence item {id}")))
    }

    /// Record a handover of an item, or (with `supersedes`) correct an
    /// earlier one, saying why. A release is refused unless an agreement is
    /// in force on its day (see `domain::evidence::choose_agreement`).
    pub fn hand_over_evidence(
        &mut self,
        item: i64,
        h: &NewHandover,
        supersedes: Option<(i64, &str)>,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<EvidenceItem> {
        let current = self
            .evidence_item(item)?
            .ok_or_else(|| StoreError::NotFound(format!("evidence item {item}")))?;
        let correction = corrects(&current, supersedes, false)?;
        let clip = current
            .clip()
            .ok_or_else(|| invalid(format!("{} has no clip recorded", current.exhibit)))?;
        let mut details = h.details.clone();
        let mut party = String::new();
        if details.release {
            let in_force = self.agreements_in_force(h.day)?;
            let a = choose_agreement(&in_force, h.agreement, &details.organisation, h.day)
                .map_err(invalid)?;
            details.agreement_id = Some(a.id);
            party = a.party.clone();
        } else {
            details.agreement_id = None;
        }
        let details = details.check(clip, now).map_err(invalid)?;
        let exhibit = current.exhibit.clone();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO evidence_entries (item_id, kind, recorded_at, recorded_by, supersedes, correction,
                     handed_at, to_name, organisation, reason, release, agreement_id)
                 VALUES (?1, 'handover', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    item,
                    ts(now),
                    operator,
                    supersedes.map(|s| s.0),
                    correction,
                    ts(details.at),
                    details.to,
                    details.organisation,
                    details.why,
                    details.release,
                    details.agreement_id
                ],
            )?;
            let entry = tx.last_insert_rowid();
            let (action, what) = if details.release {
                (
                    AuditAction::Release,
                    format!(
                        "exhibit {exhibit} released to {} under agreement #{} ({party})",
                        details.organisation,
                        details.agreement_id.unwrap_or_default()
                    ),
                )
            } else {
                (
                    AuditAction::Handover,
                    format!("exhibit {exhibit} handed to {}", details.organisation),
                )
            };
            let what = match supersedes {
                Some((old, _)) => format!("{what}; entry {entry} corrects entry {old}"),
                None => format!("{what}; entry {entry}"),
            };
            audit::append(tx, now, Some(operator), action, "evidence", Some(item), &what)?;
            Ok(())
        })?;
        self.evidence_item(item)?
            .ok_or_else(|| StoreError::NotFound(format!("evidence item {item}")))
    }

    /// Correct what the clip is (camera, times, review, copy, hash) with a
    /// new clip entry superseding `supersedes`, saying why.
    pub fn correct_evidence_clip(
        &mut self,
        item: i64,
        supersedes: i64,
        why: &str,
        clip: &ClipDetails,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<EvidenceItem> {
        let current = self
            .evidence_item(item)?
            .ok_or_else(|| StoreError::NotFound(format!("evidence item {item}")))?;
        let correction = corrects(&current, Some((supersedes, why)), true)?;
        let mut clip = clip.clone().check(now).map_err(invalid)?;
        // a corrected clip must still hold every handover standing
        if let Some(first) = current.handovers().first() {
            if first.happened_at() < clip.clip_end {
                return Err(invalid(
                    "end: the corrected clip would end after it was handed over".into(),
                ));
            }
        }
        let exhibit = current.exhibit.clone();
        self.write(|tx| {
            clip.camera = camera_name(tx, clip.camera_id.unwrap_or_default())?;
            let entry = insert_clip(
                tx,
                item,
                &clip,
                Some(supersedes),
                &correction,
                operator,
                now,
            )?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Correct,
                "evidence",
                Some(item),
                &format!("exhibit {exhibit}: entry {entry} corrects entry {supersedes}"),
            )?;
            Ok(())
        })?;
        self.evidence_item(item)?
            .ok_or_else(|| StoreError::NotFound(format!("evidence item {item}")))
    }

    pub fn evidence_item(&self, id: i64) -> Result<Option<EvidenceItem>> {
        item_in(self.conn(), "i.id = ?1", &id)
    }

    pub fn evidence_by_exhibit(&self, exhibit: &str) -> Result<Option<EvidenceItem>> {
        item_in(self.conn(), "i.exhibit_ref = ?1", &tidy_input(exhibit))
    }

    /// An item named by its exhibit reference, read for someone to see,
    /// audited with why (`show`, the console's detail, a statement).
    pub fn view_evidence(
        &mut self,
        exhibit: &str,
        action: AuditAction,
        what: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<EvidenceItem> {
        let item = self.evidence_by_exhibit(exhibit)?.ok_or_else(|| {
            StoreError::NotFound(format!("an exhibit “{}”", clean(&tidy_input(exhibit))))
        })?;
        self.write(|tx| {
            audit::append(
                tx,
                now,
                Some(operator),
                action,
                "evidence",
                Some(item.id),
                &format!("exhibit {}: {what}", item.exhibit),
            )
        })?;
        Ok(item)
    }

    /// The latest items, newest first, each with its trail.
    pub fn recent_evidence(&self, limit: usize) -> Result<Vec<EvidenceItem>> {
        let ids: Vec<i64> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM evidence_items ORDER BY created_at DESC, id DESC LIMIT ?1",
            )?
            .query_map([limit as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        self.items(&ids)
    }

    /// The items on an incident or a sighting, oldest first.
    pub fn evidence_on(&self, of: EvidenceOf) -> Result<Vec<EvidenceItem>> {
        let (column, id) = match of {
            EvidenceOf::Incident(i) => ("incident_id", i),
            EvidenceOf::Sighting(s) => ("sighting_id", s),
        };
        let ids: Vec<i64> = self
            .conn()
            .prepare(&format!(
                "SELECT id FROM evidence_items WHERE {column} = ?1 ORDER BY id"
            ))?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        self.items(&ids)
    }

    /// Every item with an entry recorded in [from, to) (added, handed over
    /// or corrected then), oldest first, each with its whole trail.
    pub fn export_evidence(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<EvidenceItem>> {
        let ids: Vec<i64> = self
            .conn()
            .prepare(
                "SELECT i.id FROM evidence_items i WHERE EXISTS (SELECT 1 FROM evidence_entries e
                     WHERE e.item_id = i.id AND e.recorded_at >= ?1 AND e.recorded_at < ?2)
                 ORDER BY i.created_at, i.id",
            )?
            .query_map(params![ts(from), ts(to)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        self.items(&ids)
    }

    fn items(&self, ids: &[i64]) -> Result<Vec<EvidenceItem>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(i) = self.evidence_item(*id)? {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// The releases standing (not corrected) that happened in [from, to),
    /// for the committee report.
    pub fn evidence_releases(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ReleaseRow>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT e.item_id, '#' || e.agreement_id || ' ' || COALESCE(a.party, ''), e.organisation
                 FROM evidence_entries e INDEXED BY evidence_entries_released
                 LEFT JOIN sharing_agreements a ON a.id = e.agreement_id
                 WHERE e.release = 1 AND e.handed_at >= ?1 AND e.handed_at < ?2
                   AND NOT EXISTS (SELECT 1 FROM evidence_entries l WHERE l.supersedes = e.id)
                 ORDER BY e.handed_at, e.id",
            )?
            .query_map(params![ts(from), ts(to)], |r| {
                Ok(ReleaseRow {
                    item_id: r.get(0)?,
                    agreement: r.get(1)?,
                    organisation: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?)
    }
}

/// The correction's reason, tidied, if `supersedes` names an entry of the
/// right kind that no later entry corrects; empty for a first entry.
fn corrects(item: &EvidenceItem, supersedes: Option<(i64, &str)>, clip: bool) -> Result<String> {
    let Some((id, why)) = supersedes else {
        return Ok(String::new());
    };
    let e = item.can_correct(id).map_err(invalid)?;
    if e.is_clip() != clip {
        return Err(invalid(format!(
            "entry {id} of {} is {}: a correction replaces an entry of its own kind",
            item.exhibit,
            if e.is_clip() {
                "the clip's details"
            } else {
                "a handover"
            }
        )));
    }
    let why = tidy_input(why);
    if why.is_empty() {
        return Err(invalid(
            "say why the entry is corrected (--why \"…\")".into(),
        ));
    }
    Ok(why)
}
