//! Retention: what the scheme may no longer keep, worked out in one read,
//! then deleted or anonymised in one transaction and the freed space
//! overwritten.

use super::id_list;
use crate::domain::audit::AuditAction;
use crate::domain::offender::OffenderKind;
use crate::domain::retention::{
    self, day, DueItem, DueKind, OffenderFacts, RetentionRules, ANONYMISED,
};
use crate::store::{audit, from_ts, ts, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Row};
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
    /// Evidence items on sightings removed or incidents anonymised: kept
    /// (the footage's continuity trail is the police's), their free text
    /// anonymised and their link to a removed sighting gone.
    pub evidence_anonymised: usize,
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
            "{} offender records removed (with {} aliases, {} exclusions, {} recorded changes); {} sightings removed ({} of those people, {} past their period); {} hits removed; {} incident links removed; {} incidents anonymised; {} mentions struck out; {} evidence items kept with their text anonymised",
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
            self.evidence_anonymised,
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

/// The evidence items `items_where` picks (an SQL condition on
/// `evidence_items`, its `?1` bound to `value`) are kept: the trail of
/// footage handed to the police is theirs and the court's, and names no one
/// by itself. What its entries say in words (notes, reasons, corrections,
/// file names) may describe the person, so it is anonymised; the link to a
/// sighting being removed goes with the sighting. How many items.
pub(super) fn anonymise_evidence(
    tx: &Connection,
    items_where: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<usize> {
    let items = format!("SELECT id FROM evidence_items WHERE {items_where}");
    for column in ["note", "reason", "correction", "file_name"] {
        tx.execute(
            &format!(
                "UPDATE evidence_entries SET {column} = ?2
                 WHERE item_id IN ({items}) AND {column} <> '' AND {column} <> ?2"
            ),
            params![value, ANONYMISED],
        )?;
    }
    Ok(
        tx.query_row(&format!("SELECT COUNT(*) FROM ({items})"), [value], |r| {
            r.get::<_, i64>(0)
        })? as usize,
    )
}

/// Remove the people `ids` (records merged into them included in `ids`)
/// from every table: every mention of them elsewhere struck out first,
/// then their hits, sightings, the documents that show them, their history
/// of edits, exclusions, incident links, aliases and records. The photo and
/// document files to delete are named in `c` for the caller. Retention and
/// erasure on request both remove a person this way.
pub(super) fn remove_people(tx: &Connection, ids: &[i64], c: &mut RetentionCounts) -> Result<()> {
    let people = id_list(ids);
    // every mention of them elsewhere, struck out before anything
    // goes (an incident anonymised after keeps none of its text)
    let mentions = super::mentions::find_mentions(tx, ids)?;
    c.mentions_struck_out = super::mentions::strike_out(tx, &mentions)?;
    // and the documents whose Markdown names them, with the ones that show them
    let naming = id_list(
        &mentions
            .iter()
            .filter(|m| m.table == "documents")
            .map(|m| m.rowid)
            .collect::<Vec<_>>(),
    );
    // which photos to delete, read before they go
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
                OR sighting_id IN (SELECT id FROM sightings
                                   WHERE offender_id IN (SELECT value FROM json_each(?1)))",
        [&people],
    )?;
    // their evidence items stay (see `anonymise_evidence`), before their sightings go
    c.evidence_anonymised += anonymise_evidence(
        tx,
        "sighting_id IN (SELECT id FROM sightings WHERE offender_id IN (SELECT value FROM json_each(?1)))",
        &people.as_str(),
    )?;
    c.sightings_of_removed = tx.execute(
        "DELETE FROM sightings WHERE offender_id IN (SELECT value FROM json_each(?1))",
        [&people],
    )?;
    // the notices, letters and bulletins that show them go with them
    let showing = "SELECT id FROM documents
             WHERE id IN (SELECT document_id FROM document_subjects
                          WHERE offender_id IN (SELECT value FROM json_each(?1)))
                OR exclusion_id IN (SELECT id FROM exclusions
                                    WHERE offender_id IN (SELECT value FROM json_each(?1)))
                OR id IN (SELECT value FROM json_each(?2))";
    let docs: Vec<String> = tx
        .prepare(&format!(
            "SELECT files FROM documents WHERE id IN ({showing})"
        ))?
        .query_map(params![people, naming], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    c.document_files = docs
        .iter()
        .flat_map(|f| crate::store::documents::files_of(f))
        .collect();
    tx.execute(
        &format!("DELETE FROM documents WHERE id IN ({showing})"),
        params![people, naming],
    )?;
    c.changes = crate::store::history::delete_people(tx, &people)?;
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
        "DELETE FROM incident_offenders WHERE offender_id IN (SELECT value FROM json_each(?1))",
        [&people],
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

    Ok(())
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

    /// Where the people retention would remove now are named in other
    /// records, each with the words found. Changes nothing.
    pub fn retention_mentions(
        &self,
        rules: &RetentionRules,
        now: DateTime<Utc>,
    ) -> Result<Vec<super::mentions::Mention>> {
        rules.validate().map_err(StoreError::Invalid)?;
        let tx = self.conn().unchecked_transaction()?;
        let plan = plan(&tx, rules, now)?;
        let found = super::mentions::find_mentions(&tx, &plan.offenders)?;
        tx.finish()?;
        Ok(found)
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
        self.delete_securely("the records were deleted", |tx| {
            let plan = plan(tx, rules, now)?;
            let incidents = id_list(&plan.incidents);
            let sightings_cutoff = ts(rules.sightings_cutoff(now));
            let mut c = RetentionCounts::default();

            remove_people(tx, &plan.offenders, &mut c)?;
            // what the people removed leave behind that retention also clears:
            // hits on incidents anonymised or old sightings, old sightings,
            // the anonymised incidents' links
            c.hits += tx.execute(
                "DELETE FROM hits WHERE incident_id IN (SELECT value FROM json_each(?1))
                    OR sighting_id IN (SELECT id FROM sightings WHERE at < ?2)",
                params![incidents, sightings_cutoff],
            )?;
            c.evidence_anonymised += anonymise_evidence(
                tx,
                "sighting_id IN (SELECT id FROM sightings WHERE at < ?1)",
                &sightings_cutoff,
            )?;
            c.evidence_anonymised += anonymise_evidence(
                tx,
                "incident_id IN (SELECT value FROM json_each(?1))",
                &incidents.as_str(),
            )?;
            c.old_sightings = tx.execute("DELETE FROM sightings WHERE at < ?1", [sightings_cutoff])?;
            c.incident_links += tx.execute(
                "DELETE FROM incident_offenders WHERE incident_id IN (SELECT value FROM json_each(?1))",
                [&incidents],
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
            crate::store::history::anonymise_incidents(tx, &incidents, ANONYMISED)?;
            tx.execute(
                "UPDATE sightings SET incident_id = NULL WHERE incident_id IN (SELECT value FROM json_each(?1))",
                [&incidents],
            )?;

            // the full-text index drops a removed entry's words only when its
            // segments are merged: merge them all now, so no word of what was
            // removed stays in it (the triggers have already taken it out)
            tx.execute("INSERT INTO text_index (text_index) VALUES ('optimize')", [])?;

            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Retention,
                "store",
                None,
                &format!("retention ({}): {}", rules.summary(), c.describe()),
            )?;
            Ok(c)
        })
    }

    /// Delete in one transaction (`f`, which audits it) with SQLite's
    /// secure delete on, so deleted content is zeroed as it goes, in the
    /// pages and the log; then overwrite the freed space. `done` says what
    /// stands if the overwriting fails.
    pub(super) fn delete_securely(
        &mut self,
        done: &str,
        f: impl FnOnce(&rusqlite::Transaction) -> Result<RetentionCounts>,
    ) -> Result<RetentionCounts> {
        let secure_before: i64 = self
            .conn()
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        self.conn().pragma_update(None, "secure_delete", 1)?;
        let result = self.write(f);
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
                    "{done}, but the freed space could not be overwritten: {e}"
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
}
