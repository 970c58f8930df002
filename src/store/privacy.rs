//! Data protection in the store: retention (what the scheme may no longer
//! keep is deleted or anonymised, in one transaction, and the freed space
//! overwritten) and subject access (everything held about one person).
//!
//! The rules themselves are in `domain/retention.rs`; this file gathers the
//! facts they need and carries out their verdicts.
//!
//! What deleting a person removes, in every table: the record, its aliases,
//! its exclusions (with their zones and evidence links), its sightings and
//! the hits they raised, every hit on them, every incident link naming them,
//! any earlier record merged into theirs, and their name (and aliases of two
//! words or more) wherever other records' free text mentions it (incident
//! summaries, timeline notes, sightings, hits, exclusions, other people's
//! descriptions, the radio log, every record's history of edits), struck
//! out as `[removed]`; the names and aliases they had before an edit are
//! struck out too. Their own history of edits, and their exclusions', goes
//! with them, and an anonymised incident's edits are anonymised with its
//! timeline (see `store/history.rs`). Photo files are
//! named back to the caller to delete, who deletes only those inside the
//! scheme's own folders (see `store/folders.rs`). The audit trail is not touched: its
//! records are chained by hashes and only ever appended; the retention line
//! it gains names no one.

use super::{audit, from_ts, ts, Result, Store, StoreError};
use crate::domain::history::Change;
use crate::domain::offender::OffenderKind;
use crate::domain::retention::{
    self, day, DueItem, DueKind, NameRedactor, OffenderFacts, RetentionRules, ANONYMISED,
};
use crate::domain::text::tidy_input;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// What a retention run removed, for the caller to report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionCounts {
    /// Offender records deleted (earlier records merged into them included).
    pub offenders: usize,
    pub aliases: usize,
    pub exclusions: usize,
    /// Fields of their history of edits (and their exclusions').
    pub changes: usize,
    /// Sightings of the people deleted.
    pub sightings_of_removed: usize,
    /// Sightings past their period (of people who are kept, or of nobody on the register).
    pub old_sightings: usize,
    /// Hits removed with the people, the sightings and the anonymised incidents.
    pub hits: usize,
    /// Links between incidents and people removed (people deleted, incidents anonymised).
    pub incident_links: usize,
    pub incidents_anonymised: usize,
    /// Free-text fields of other records from which a removed person's name was struck out.
    pub mentions_struck_out: usize,
    /// Photo files of the people deleted (no longer used by any record), for the caller to delete.
    pub photos: Vec<String>,
    /// Files of the notices and letters made for the people deleted, for the caller to delete.
    pub document_files: Vec<String>,
    /// How the freed space was overwritten afterwards.
    pub compaction: Compaction,
}

impl RetentionCounts {
    pub fn sightings(&self) -> usize {
        self.sightings_of_removed + self.old_sightings
    }

    /// The counts in words, naming no one: the audit line and the command's report.
    pub fn describe(&self) -> String {
        format!(
            "{} offender records removed (with {} aliases, {} exclusions, {} recorded changes); {} sightings removed ({} of those people, {} past their period); {} hits removed; {} incident links removed; {} incidents anonymised; {} mentions struck out",
            self.offenders,
            self.aliases,
            self.exclusions,
            self.changes,
            self.sightings(),
            self.sightings_of_removed,
            self.old_sightings,
            self.hits,
            self.incident_links,
            self.incidents_anonymised,
            self.mentions_struck_out,
        )
    }
}

/// What overwriting the freed space achieved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compaction {
    /// The store was rebuilt (VACUUM), so no deleted content is left in its pages.
    pub vacuumed: bool,
    /// The write-ahead log was emptied; false if another console was reading
    /// at the time (the log is then overwritten as consoles go on writing).
    pub wal_truncated: bool,
    /// What went wrong, if anything (the deletion itself stands).
    pub problem: Option<String>,
}

/// A JSON array of ids, for `json_each` (one statement however many there are).
fn id_list(ids: &[i64]) -> String {
    let mut s = String::with_capacity(ids.len() * 8 + 2);
    s.push('[');
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            s.push(',');
        }
        s.push_str(&id.to_string());
    }
    s.push(']');
    s
}

/// What is due, worked out in one read of the store.
struct Plan {
    items: Vec<DueItem>,
    offenders: Vec<i64>,
    incidents: Vec<i64>,
}

fn plan(conn: &Connection, rules: &RetentionRules, now: DateTime<Utc>) -> Result<Plan> {
    let mut items = vec![];
    let mut removed: BTreeSet<i64> = BTreeSet::new();
    let mut names: HashMap<i64, String> = HashMap::new();
    // people, judged on their own records (earlier records merged into
    // someone go with the person they were merged into)
    let mut st = conn.prepare(
        "SELECT o.id, o.kind, o.name, o.created_at,
            (SELECT MAX(s.at) FROM sightings s WHERE s.offender_id = o.id),
            (SELECT MAX(i.opened_at) FROM incident_offenders io JOIN incidents i ON i.id = io.incident_id
              WHERE io.offender_id = o.id),
            EXISTS(SELECT 1 FROM incident_offenders io JOIN incidents i ON i.id = io.incident_id
              WHERE io.offender_id = o.id AND i.status <> 'closed'),
            (SELECT MAX(h.raised_at) FROM hits h WHERE h.offender_id = o.id),
            (SELECT MAX(MIN(e.ends_at, COALESCE(e.lifted_at, e.ends_at))) FROM exclusions e
              WHERE e.offender_id = o.id)
         FROM offenders o WHERE o.merged_into IS NULL ORDER BY o.id",
    )?;
    let opt = |r: &Row, i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(from_ts))
    };
    let rows = st.query_map([], |r| {
        let kind: String = r.get(1)?;
        let kind = OffenderKind::from_code(&kind).unwrap_or(OffenderKind::Known);
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(2)?,
            OffenderFacts {
                kind,
                created_at: from_ts(r.get(3)?),
                last_sighting: opt(r, 4)?,
                last_incident: opt(r, 5)?,
                live_incident: r.get(6)?,
                last_hit: opt(r, 7)?,
                exclusion_end: opt(r, 8)?,
            },
        ))
    })?;
    for row in rows {
        let (id, name, facts) = row?;
        if let Some(reason) = retention::offender_due(rules, &facts, now) {
            let kind = match facts.kind {
                OffenderKind::IdSought => DueKind::IdSought,
                OffenderKind::Known => DueKind::Known,
            };
            items.push(DueItem {
                kind,
                id,
                label: format!("{name} (#{id})"),
                reason,
            });
            removed.insert(id);
            names.insert(id, name);
        }
    }
    // earlier records merged into those going, and into those, go too
    let mut st = conn.prepare(
        "SELECT id, merged_into, name FROM offenders WHERE merged_into IS NOT NULL ORDER BY id",
    )?;
    let stubs: Vec<(i64, i64, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    loop {
        let mut grew = false;
        for (id, into, name) in &stubs {
            if removed.contains(into) && removed.insert(*id) {
                grew = true;
                let root = names.get(into).cloned().unwrap_or_default();
                items.push(DueItem {
                    kind: DueKind::Merged,
                    id: *id,
                    label: format!("{name} (#{id})"),
                    reason: format!("merged into {root} (#{into}), which is deleted"),
                });
                names.insert(*id, name.clone());
            }
        }
        if !grew {
            break;
        }
    }
    // sightings past their period, of people who are kept
    let mut st = conn.prepare(
        "SELECT s.id, s.at, s.offender_id, COALESCE(o.name, ''), s.description, COALESCE(c.name, '')
         FROM sightings s LEFT JOIN offenders o ON o.id = s.offender_id
         LEFT JOIN cameras c ON c.id = s.camera_id
         WHERE s.at < ?1 ORDER BY s.at, s.id",
    )?;
    let rows = st.query_map([ts(rules.sightings_cutoff(now))], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            from_ts(r.get(1)?),
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    for row in rows {
        let (id, at, offender, name, description, camera) = row?;
        if offender.is_some_and(|o| removed.contains(&o)) {
            continue;
        }
        let Some(reason) = retention::sighting_due(rules, at, now) else {
            continue;
        };
        let who = match offender {
            Some(o) => format!("{name} (#{o})"),
            None => format!("unnamed: {description}"),
        };
        let whence = if camera.is_empty() {
            String::new()
        } else {
            format!(" on {camera}")
        };
        items.push(DueItem {
            kind: DueKind::Sighting,
            id,
            label: format!("sighting #{id} of {who}{whence}"),
            reason,
        });
    }
    // closed incidents past their period, not yet anonymised (or named on
    // again since); only indexed lookups per incident: the hits and sightings
    // pointing at them are cleared in the same run as the rest
    let mut st = conn.prepare(
        "SELECT i.id, i.kind, i.opened_at, COALESCE(i.closed_at, i.opened_at) FROM incidents i
         WHERE i.closed = 1 AND COALESCE(i.closed_at, i.opened_at) < ?1
           AND (i.summary <> ?2 OR i.location <> ''
                OR EXISTS(SELECT 1 FROM incident_offenders io WHERE io.incident_id = i.id)
                OR EXISTS(SELECT 1 FROM timeline t WHERE t.incident_id = i.id AND t.text <> ?2))
         ORDER BY i.id",
    )?;
    let rows = st.query_map(params![ts(rules.incidents_cutoff(now)), ANONYMISED], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            from_ts(r.get(2)?),
            from_ts(r.get(3)?),
        ))
    })?;
    let mut incidents = vec![];
    for row in rows {
        let (id, kind, opened, closed) = row?;
        let Some(reason) = retention::incident_due(rules, closed, now) else {
            continue;
        };
        incidents.push(id);
        items.push(DueItem {
            kind: DueKind::ClosedIncident,
            id,
            label: format!("incident #{id} ({kind}, opened {})", day(opened)),
            reason,
        });
    }
    Ok(Plan {
        items,
        offenders: removed.into_iter().collect(),
        incidents,
    })
}

/// Free text other records hold, where a removed person may be named:
/// (table, columns). Every table is keyed by its rowid.
const FREE_TEXT: &[(&str, &[&str])] = &[
    ("incidents", &["summary", "location", "close_reason"]),
    ("timeline", &["text"]),
    ("sightings", &["location", "description", "note"]),
    ("hits", &["detail", "action_taken", "reject_reason"]),
    ("exclusions", &["reason", "served_by", "appeal_outcome"]),
    ("offenders", &["description", "nicknames"]),
    ("radio_log", &["message"]),
    ("field_changes", &["old", "new"]),
];

/// Strike the names out of every free-text field; how many fields changed.
fn strike_out(conn: &Connection, redactor: &NameRedactor) -> Result<usize> {
    if redactor.is_empty() {
        return Ok(0);
    }
    let mut changed = 0;
    for (table, columns) in FREE_TEXT {
        let sql = format!("SELECT rowid, {} FROM {table}", columns.join(", "));
        let mut edits: Vec<(i64, &str, String)> = vec![];
        {
            let mut st = conn.prepare(&sql)?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let rowid: i64 = r.get(0)?;
                for (k, col) in columns.iter().enumerate() {
                    if let Some(text) = r.get::<_, Option<String>>(k + 1)? {
                        if let Some(new) = redactor.redact(&text) {
                            edits.push((rowid, col, new));
                        }
                    }
                }
            }
        }
        // a struck-out record is a changed record: consoles holding an old copy see it is stale
        let bump = matches!(*table, "incidents" | "offenders");
        for (rowid, col, new) in edits {
            let sql = if bump {
                format!("UPDATE {table} SET {col} = ?1, version = version + 1 WHERE rowid = ?2")
            } else {
                format!("UPDATE {table} SET {col} = ?1 WHERE rowid = ?2")
            };
            conn.execute(&sql, params![new, rowid])?;
            changed += 1;
        }
    }
    Ok(changed)
}

// ---------------------------------------------------------------- subject access

/// An earlier (ID-sought) record merged into the person's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergedRecord {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub nicknames: Vec<String>,
    pub markers: Vec<String>,
    pub photo_path: String,
    pub created_at: DateTime<Utc>,
    /// When it was merged (its last change).
    pub merged_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectExclusion {
    pub id: i64,
    pub stage: String,
    pub all_zones: bool,
    /// The zones it covers, by name (empty when it covers all).
    pub zones: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub served_at: Option<DateTime<Utc>>,
    pub served_by: String,
    pub reason: String,
    /// The incidents that are its evidence.
    pub evidence_incidents: Vec<i64>,
    pub appeal_lodged_on: Option<NaiveDate>,
    pub appeal_outcome: Option<String>,
    pub review_on: Option<NaiveDate>,
    pub lifted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectIncident {
    pub id: i64,
    pub opened_at: DateTime<Utc>,
    pub kind: String,
    pub status: String,
    pub summary: String,
    pub place: String,
    pub police_ref: String,
    /// Its edits: what each field was and became, oldest first.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectSighting {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub camera: String,
    pub place: String,
    pub description: String,
    pub note: String,
    pub incident_id: Option<i64>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectHit {
    pub id: i64,
    pub raised_at: DateTime<Utc>,
    pub kind: String,
    pub zone: String,
    pub detail: String,
    pub status: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub action_taken: Option<String>,
    pub reject_reason: Option<String>,
    pub sighting_id: Option<i64>,
    pub incident_id: Option<i64>,
    pub exclusion_id: Option<i64>,
}

/// Someone opening the person's record, from the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectView {
    pub at: DateTime<Utc>,
    pub operator: String,
    pub why: String,
}

/// Everything the store holds about one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectData {
    pub offender_id: i64,
    /// `known` or `ID-sought`.
    pub kind: String,
    pub name: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub aliases: Vec<String>,
    pub nicknames: Vec<String>,
    pub markers: Vec<String>,
    pub description: String,
    pub photo_path: String,
    /// Held only for notices served on them.
    pub date_of_birth: Option<String>,
    pub address: String,
    /// Notices, letters and bulletins that showed them: (kind, exclusion it
    /// served if any, when).
    pub documents: Vec<(String, Option<i64>, DateTime<Utc>)>,
    pub merged_records: Vec<MergedRecord>,
    pub exclusions: Vec<SubjectExclusion>,
    pub incidents: Vec<SubjectIncident>,
    pub sightings: Vec<SubjectSighting>,
    pub hits: Vec<SubjectHit>,
    pub views: Vec<SubjectView>,
    /// Changes to their record, to records merged into it (`record #N`) and
    /// to their exclusions: what each field was and became, newest first.
    pub changes: Vec<Change>,
}

impl SubjectData {
    /// Every record number this person's data is held under (theirs first).
    pub fn record_ids(&self) -> Vec<i64> {
        std::iter::once(self.offender_id)
            .chain(self.merged_records.iter().map(|m| m.id))
            .collect()
    }

    /// Photo files held of them (theirs first, then merged records'), once each.
    pub fn photo_paths(&self) -> Vec<&str> {
        let mut out: Vec<&str> = vec![];
        for p in std::iter::once(self.photo_path.as_str())
            .chain(self.merged_records.iter().map(|m| m.photo_path.as_str()))
        {
            if !p.is_empty() && !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

use super::stored_day as date;

/// The record a merged one was folded into, followed to the end.
fn root_of(conn: &Connection, id: i64) -> Result<i64> {
    let mut cur = id;
    // a chain is a handful long; the bound only guards against a corrupt loop
    for _ in 0..64 {
        let next: Option<i64> = conn
            .prepare_cached("SELECT merged_into FROM offenders WHERE id = ?1")?
            .query_row([cur], |r| r.get(0))
            .optional()?
            .flatten();
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    Ok(cur)
}

/// The person's record and every record merged into it (and into those).
fn family(conn: &Connection, root: i64) -> Result<Vec<i64>> {
    let mut all = vec![root];
    let mut k = 0;
    let mut st =
        conn.prepare_cached("SELECT id FROM offenders WHERE merged_into = ?1 ORDER BY id")?;
    while k < all.len() {
        let kids: Vec<i64> = st
            .query_map([all[k]], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for c in kids {
            if !all.contains(&c) {
                all.push(c);
            }
        }
        k += 1;
    }
    Ok(all)
}

impl Store {
    /// What retention would remove or anonymise now, and why. Changes nothing.
    pub fn retention_due(
        &self,
        rules: &RetentionRules,
        now: DateTime<Utc>,
    ) -> Result<Vec<DueItem>> {
        rules.validate().map_err(StoreError::Invalid)?;
        let tx = self.conn().unchecked_transaction()?;
        let plan = plan(&tx, rules, now)?;
        tx.finish()?;
        Ok(plan.items)
    }

    /// Delete and anonymise what is due, in one transaction with its audit
    /// line, then overwrite the freed space (see [`Store::compact_after_deletion`]).
    /// The photo files of the people removed are named in the result for
    /// the caller to delete.
    pub fn apply_retention(
        &mut self,
        rules: &RetentionRules,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<RetentionCounts> {
        rules.validate().map_err(StoreError::Invalid)?;
        // deleted content is zeroed as it is deleted, in the pages and the log
        let secure_before: i64 = self
            .conn()
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        self.conn().pragma_update(None, "secure_delete", 1)?;
        let result = self.write(|tx| {
            let plan = plan(tx, rules, now)?;
            let people = id_list(&plan.offenders);
            let incidents = id_list(&plan.incidents);
            let sightings_cutoff = ts(rules.sightings_cutoff(now));
            let mut c = RetentionCounts::default();

            // what to strike out elsewhere and which photos to delete, read before they go
            let mut names: Vec<String> = tx
                .prepare("SELECT name FROM offenders WHERE id IN (SELECT value FROM json_each(?1))")?
                .query_map([&people], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let aliases: Vec<String> = tx
                .prepare("SELECT alias FROM offender_aliases WHERE offender_id IN (SELECT value FROM json_each(?1))")?
                .query_map([&people], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            names.extend(aliases);
            names.extend(super::history::former_names(tx, &people)?);
            c.photos = tx
                .prepare(
                    "SELECT DISTINCT photo_path FROM offenders
                     WHERE id IN (SELECT value FROM json_each(?1)) AND photo_path <> ''
                       AND photo_path NOT IN (SELECT photo_path FROM offenders
                                              WHERE id NOT IN (SELECT value FROM json_each(?1)))
                     ORDER BY photo_path",
                )?
                .query_map([&people], |r| r.get(0))?
                .collect::<Result<_, _>>()?;

            c.hits = tx.execute(
                "DELETE FROM hits WHERE offender_id IN (SELECT value FROM json_each(?1))
                    OR incident_id IN (SELECT value FROM json_each(?2))
                    OR sighting_id IN (SELECT id FROM sightings
                                       WHERE offender_id IN (SELECT value FROM json_each(?1)) OR at < ?3)",
                params![people, incidents, sightings_cutoff],
            )?;
            c.sightings_of_removed = tx.execute(
                "DELETE FROM sightings WHERE offender_id IN (SELECT value FROM json_each(?1))",
                [&people],
            )?;
            c.old_sightings = tx.execute("DELETE FROM sightings WHERE at < ?1", [sightings_cutoff])?;
            // the notices, letters and bulletins that show them go with them
            let showing = "SELECT id FROM documents
                 WHERE id IN (SELECT document_id FROM document_subjects
                              WHERE offender_id IN (SELECT value FROM json_each(?1)))
                    OR exclusion_id IN (SELECT id FROM exclusions
                                        WHERE offender_id IN (SELECT value FROM json_each(?1)))";
            let docs: Vec<String> = tx
                .prepare(&format!("SELECT files FROM documents WHERE id IN ({showing})"))?
                .query_map([&people], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            c.document_files = docs.iter().flat_map(|f| super::documents::files_of(f)).collect();
            tx.execute(&format!("DELETE FROM documents WHERE id IN ({showing})"), [&people])?;
            c.changes = super::history::delete_people(tx, &people)?;
            tx.execute(
                "DELETE FROM exclusion_zones WHERE exclusion_id IN
                    (SELECT id FROM exclusions WHERE offender_id IN (SELECT value FROM json_each(?1)))",
                [&people],
            )?;
            tx.execute(
                "DELETE FROM exclusion_incidents WHERE exclusion_id IN
                    (SELECT id FROM exclusions WHERE offender_id IN (SELECT value FROM json_each(?1)))",
                [&people],
            )?;
            c.exclusions = tx.execute(
                "DELETE FROM exclusions WHERE offender_id IN (SELECT value FROM json_each(?1))",
                [&people],
            )?;
            c.incident_links = tx.execute(
                "DELETE FROM incident_offenders WHERE offender_id IN (SELECT value FROM json_each(?1))
                    OR incident_id IN (SELECT value FROM json_each(?2))",
                params![people, incidents],
            )?;
            c.aliases = tx.execute(
                "DELETE FROM offender_aliases WHERE offender_id IN (SELECT value FROM json_each(?1))",
                [&people],
            )?;
            // a merged record points at the one it went into: unhook before deleting both
            tx.execute(
                "UPDATE offenders SET merged_into = NULL WHERE id IN (SELECT value FROM json_each(?1))",
                [&people],
            )?;
            c.offenders = tx.execute(
                "DELETE FROM offenders WHERE id IN (SELECT value FROM json_each(?1))",
                [&people],
            )?;

            c.incidents_anonymised = tx.execute(
                "UPDATE incidents SET summary = ?2, location = '', version = version + 1,
                        changed_by = ?3, changed_at = ?4
                 WHERE id IN (SELECT value FROM json_each(?1))",
                params![incidents, ANONYMISED, operator, ts(now)],
            )?;
            tx.execute(
                "UPDATE timeline SET text = ?2 WHERE incident_id IN (SELECT value FROM json_each(?1)) AND text <> ?2",
                params![incidents, ANONYMISED],
            )?;
            super::history::anonymise_incidents(tx, &incidents, ANONYMISED)?;
            tx.execute(
                "UPDATE sightings SET incident_id = NULL WHERE incident_id IN (SELECT value FROM json_each(?1))",
                [&incidents],
            )?;

            c.mentions_struck_out = strike_out(tx, &NameRedactor::new(&names))?;

            audit::append(
                tx,
                now,
                Some(operator),
                "retention",
                "store",
                None,
                &format!("retention ({}): {}", rules.summary(), c.describe()),
            )?;
            Ok(c)
        });
        let mut counts = match result {
            Ok(c) => c,
            Err(e) => {
                let _ = self
                    .conn()
                    .pragma_update(None, "secure_delete", secure_before);
                return Err(e);
            }
        };
        counts.compaction = match self.compact_after_deletion() {
            Ok(c) => c,
            Err(e) => Compaction {
                problem: Some(format!(
                    "the records were deleted, but the freed space could not be overwritten: {e}"
                )),
                ..Compaction::default()
            },
        };
        let _ = self
            .conn()
            .pragma_update(None, "secure_delete", secure_before);
        Ok(counts)
    }

    /// After deleting, leave no copy of what was deleted in the files: empty
    /// the write-ahead log into the store, rebuild the store from what is
    /// kept (VACUUM: outside any transaction, so not through `write`), and
    /// empty the log again. Slow on a big store; run after a retention.
    pub fn compact_after_deletion(&mut self) -> Result<Compaction> {
        // VACUUM rewrites the whole file: never into one that has gone
        self.refuse_if_gone()?;
        let checkpoint = |conn: &Connection| -> Result<bool> {
            let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            Ok(busy == 0)
        };
        let first = checkpoint(self.conn())?;
        self.conn().execute_batch("VACUUM")?;
        let second = checkpoint(self.conn())?;
        let wal_truncated = first && second;
        Ok(Compaction {
            vacuumed: true,
            wal_truncated,
            problem: (!wal_truncated).then(|| {
                "another console was reading, so the write-ahead log could not be emptied; \
                 its old pages are overwritten as the consoles go on (run retention again when they are closed)"
                    .to_string()
            }),
        })
    }

    /// The one record `who` names: a number (`#12` or `12`), or a name or
    /// alias given in full (any case). A merged record stands for the person
    /// it was merged into. Several matches are refused, listing them by number.
    pub fn find_subject(&self, who: &str) -> Result<i64> {
        let who = tidy_input(who);
        if who.is_empty() {
            return Err(StoreError::Invalid(
                "say who: a record number (#12) or a name".into(),
            ));
        }
        let conn = self.conn();
        if let Ok(id) = who.trim_start_matches('#').trim().parse::<i64>() {
            let exists: bool = conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM offenders WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::NotFound(format!("offender record #{id}")));
            }
            return root_of(conn, id);
        }
        let wanted = who.to_lowercase();
        let mut found: BTreeSet<i64> = BTreeSet::new();
        let mut st = conn.prepare(
            "SELECT id, name FROM offenders UNION ALL SELECT offender_id, alias FROM offender_aliases",
        )?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, name) = row?;
            if tidy_input(&name).to_lowercase() == wanted {
                found.insert(root_of(conn, id)?);
            }
        }
        match found.len() {
            0 => Err(StoreError::NotFound(format!(
                "anyone called “{who}” on the register (give the name or an alias in full, or the record number)"
            ))),
            1 => Ok(*found.iter().next().expect("one")),
            _ => {
                let mut list = vec![];
                for id in &found {
                    let (kind, created): (String, i64) = conn.query_row(
                        "SELECT kind, created_at FROM offenders WHERE id = ?1",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )?;
                    let kind = OffenderKind::from_code(&kind).map_or("?", |k| k.label());
                    list.push(format!("#{id} ({kind}, on the register since {})", day(from_ts(created))));
                }
                Err(StoreError::Invalid(format!(
                    "“{who}” matches {} records: {}; give the record number",
                    found.len(),
                    list.join(", ")
                )))
            }
        }
    }

    /// Everything held about the person with this record (or the person a
    /// merged record was folded into). Reads only; the export is audited by
    /// [`Store::record_subject_export`].
    pub fn subject_access(&self, offender_id: i64) -> Result<SubjectData> {
        let tx = self.conn().unchecked_transaction()?;
        let data = subject_data(&tx, offender_id)?;
        tx.finish()?;
        Ok(data)
    }

    /// Audit a subject access export: who, when, about whom, and why.
    pub fn record_subject_export(
        &mut self,
        offender_id: i64,
        operator: i64,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let why = tidy_input(why);
        if why.is_empty() {
            return Err(StoreError::Invalid(
                "say why the export is made (e.g. the request's reference)".into(),
            ));
        }
        self.write(|tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM offenders WHERE id = ?1)",
                [offender_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::NotFound(format!(
                    "offender record #{offender_id}"
                )));
            }
            audit::append(
                tx,
                now,
                Some(operator),
                "export",
                "sar",
                Some(offender_id),
                &why,
            )
        })
    }
}

fn subject_data(conn: &Connection, offender_id: i64) -> Result<SubjectData> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM offenders WHERE id = ?1)",
        [offender_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(StoreError::NotFound(format!(
            "offender record #{offender_id}"
        )));
    }
    let root = root_of(conn, offender_id)?;
    let ids = family(conn, root)?;
    let list = id_list(&ids);

    struct Base {
        kind: String,
        name: String,
        status: String,
        created: i64,
        updated: i64,
        nicknames: String,
        markers: String,
        description: String,
        photo: String,
        date_of_birth: Option<String>,
        address: String,
    }
    let base = conn.query_row(
        "SELECT kind, name, status, created_at, updated_at, nicknames, markers, description, photo_path,
                date_of_birth, address
         FROM offenders WHERE id = ?1",
        [root],
        |r| {
            Ok(Base {
                kind: r.get(0)?,
                name: r.get(1)?,
                status: r.get(2)?,
                created: r.get(3)?,
                updated: r.get(4)?,
                nicknames: r.get(5)?,
                markers: r.get(6)?,
                description: r.get(7)?,
                photo: r.get(8)?,
                date_of_birth: r.get(9)?,
                address: r.get(10)?,
            })
        },
    )?;
    let aliases: Vec<String> = conn
        .prepare(
            "SELECT alias FROM offender_aliases WHERE offender_id IN (SELECT value FROM json_each(?1))
             ORDER BY rowid",
        )?
        .query_map([&list], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let merged_records: Vec<MergedRecord> = conn
        .prepare(
            "SELECT id, name, description, nicknames, markers, photo_path, created_at, updated_at
             FROM offenders WHERE id IN (SELECT value FROM json_each(?1)) AND id <> ?2 ORDER BY id",
        )?
        .query_map(params![list, root], |r| {
            Ok(MergedRecord {
                id: r.get(0)?,
                name: r.get(1)?,
                description: r.get(2)?,
                nicknames: split(&r.get::<_, String>(3)?),
                markers: split(&r.get::<_, String>(4)?),
                photo_path: r.get(5)?,
                created_at: from_ts(r.get(6)?),
                merged_at: from_ts(r.get(7)?),
            })
        })?
        .collect::<Result<_, _>>()?;

    let mut exclusions: Vec<SubjectExclusion> = conn
        .prepare(
            "SELECT e.id, e.stage, e.all_zones, e.starts_at, e.ends_at, e.served_at, e.served_by, e.reason,
                    e.appeal_lodged_on, e.appeal_outcome, e.review_on, e.lifted_at
             FROM exclusions e WHERE e.offender_id IN (SELECT value FROM json_each(?1))
             ORDER BY e.starts_at, e.id",
        )?
        .query_map([&list], |r| {
            Ok(SubjectExclusion {
                id: r.get(0)?,
                stage: r.get(1)?,
                all_zones: r.get(2)?,
                zones: vec![],
                starts_at: from_ts(r.get(3)?),
                ends_at: from_ts(r.get(4)?),
                served_at: r.get::<_, Option<i64>>(5)?.map(from_ts),
                served_by: r.get(6)?,
                reason: r.get(7)?,
                evidence_incidents: vec![],
                appeal_lodged_on: date(r.get(8)?),
                appeal_outcome: r.get(9)?,
                review_on: date(r.get(10)?),
                lifted_at: r.get::<_, Option<i64>>(11)?.map(from_ts),
            })
        })?
        .collect::<Result<_, _>>()?;
    for e in &mut exclusions {
        e.zones = conn
            .prepare_cached(
                "SELECT z.name FROM exclusion_zones ez JOIN zones z ON z.id = ez.zone_id
                 WHERE ez.exclusion_id = ?1 ORDER BY z.name",
            )?
            .query_map([e.id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        e.evidence_incidents = conn
            .prepare_cached(
                "SELECT incident_id FROM exclusion_incidents WHERE exclusion_id = ?1 ORDER BY incident_id",
            )?
            .query_map([e.id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
    }

    let mut incidents: Vec<SubjectIncident> = conn
        .prepare(&format!(
            "SELECT DISTINCT i.id, i.opened_at, i.kind, i.status, i.summary, {}, i.police_ref
             FROM incident_offenders io JOIN incidents i ON i.id = io.incident_id
             LEFT JOIN zones z ON z.id = i.zone_id LEFT JOIN members m ON m.id = i.member_id
             WHERE io.offender_id IN (SELECT value FROM json_each(?1))
             ORDER BY i.opened_at, i.id",
            super::incidents::PLACE_LABEL
        ))?
        .query_map([&list], |r| {
            Ok(SubjectIncident {
                id: r.get(0)?,
                opened_at: from_ts(r.get(1)?),
                kind: r.get(2)?,
                status: r.get(3)?,
                summary: r.get(4)?,
                place: r.get(5)?,
                police_ref: r.get(6)?,
                changes: vec![],
            })
        })?
        .collect::<Result<_, _>>()?;
    for i in &mut incidents {
        i.changes = super::history::incident_changes(conn, i.id)?;
    }
    let changes = super::history::people_changes(conn, root, &list, usize::MAX)?;

    let sightings: Vec<SubjectSighting> = conn
        .prepare(
            "SELECT s.id, s.at, COALESCE(c.name, ''),
                COALESCE(z.name, '') || CASE WHEN s.location <> '' THEN
                    CASE WHEN z.name IS NULL THEN '' ELSE ' — ' END || s.location ELSE '' END,
                s.description, s.note, s.incident_id, COALESCE(op.name, '')
             FROM sightings s
             LEFT JOIN cameras c ON c.id = s.camera_id
             LEFT JOIN zones z ON z.id = s.zone_id
             LEFT JOIN operators op ON op.id = s.created_by
             WHERE s.offender_id IN (SELECT value FROM json_each(?1))
             ORDER BY s.at, s.id",
        )?
        .query_map([&list], |r| {
            Ok(SubjectSighting {
                id: r.get(0)?,
                at: from_ts(r.get(1)?),
                camera: r.get(2)?,
                place: r.get(3)?,
                description: r.get(4)?,
                note: r.get(5)?,
                incident_id: r.get(6)?,
                recorded_by: r.get(7)?,
            })
        })?
        .collect::<Result<_, _>>()?;

    let hits: Vec<SubjectHit> = conn
        .prepare(
            "SELECT h.id, h.raised_at, h.kind, COALESCE(z.name, ''), h.detail, h.status, h.decided_at,
                    d.name, h.action_taken, h.reject_reason, h.sighting_id, h.incident_id, h.exclusion_id
             FROM hits h LEFT JOIN zones z ON z.id = h.zone_id LEFT JOIN operators d ON d.id = h.decided_by
             WHERE h.offender_id IN (SELECT value FROM json_each(?1))
             ORDER BY h.raised_at, h.id",
        )?
        .query_map([&list], |r| {
            Ok(SubjectHit {
                id: r.get(0)?,
                raised_at: from_ts(r.get(1)?),
                kind: r.get(2)?,
                zone: r.get(3)?,
                detail: r.get(4)?,
                status: r.get(5)?,
                decided_at: r.get::<_, Option<i64>>(6)?.map(from_ts),
                decided_by: r.get(7)?,
                action_taken: r.get(8)?,
                reject_reason: r.get(9)?,
                sighting_id: r.get(10)?,
                incident_id: r.get(11)?,
                exclusion_id: r.get(12)?,
            })
        })?
        .collect::<Result<_, _>>()?;

    let views: Vec<SubjectView> = conn
        .prepare(
            "SELECT a.at, COALESCE(o.name, 'system'), a.detail FROM audit a
             LEFT JOIN operators o ON o.id = a.operator_id
             WHERE a.action = 'view' AND a.entity = 'offender'
               AND a.entity_id IN (SELECT value FROM json_each(?1))
             ORDER BY a.id",
        )?
        .query_map([&list], |r| {
            Ok(SubjectView {
                at: from_ts(r.get(0)?),
                operator: r.get(1)?,
                why: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;

    let documents = conn
        .prepare(
            "SELECT d.kind, d.exclusion_id, d.created_at FROM documents d
             WHERE d.id IN (SELECT document_id FROM document_subjects
                            WHERE offender_id IN (SELECT value FROM json_each(?1)))
                OR d.exclusion_id IN (SELECT id FROM exclusions
                                      WHERE offender_id IN (SELECT value FROM json_each(?1)))
             ORDER BY d.created_at, d.id",
        )?
        .query_map([&list], |r| Ok((r.get(0)?, r.get(1)?, from_ts(r.get(2)?))))?
        .collect::<Result<_, _>>()?;
    Ok(SubjectData {
        offender_id: root,
        kind: OffenderKind::from_code(&base.kind)
            .map_or(base.kind.clone(), |k| k.label().to_string()),
        name: base.name,
        status: base.status,
        created_at: from_ts(base.created),
        updated_at: from_ts(base.updated),
        aliases,
        nicknames: split(&base.nicknames),
        markers: split(&base.markers),
        description: base.description,
        photo_path: base.photo,
        date_of_birth: base.date_of_birth,
        address: base.address,
        documents,
        merged_records,
        exclusions,
        incidents,
        sightings,
        hits,
        views,
        changes,
    })
}
