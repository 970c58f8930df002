//! Subject access: everything the store holds about one person, their
//! record and every record merged into it, for the export the law gives
//! them a right to.

use super::id_list;
use crate::domain::audit::AuditAction;
use crate::domain::history::Change;
use crate::domain::offender::OffenderKind;
use crate::domain::retention::day;
use crate::domain::text::tidy_input;
use crate::store::{audit, from_ts, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeSet;

/// An earlier (ID-sought) record merged into the person's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergedRecord {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub nicknames: Vec<String>,
    pub markers: Vec<String>,
    /// The control room's own file: copied into the report, never named in it.
    #[serde(skip)]
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

/// Footage of them kept as evidence: an item on one of their sightings or
/// on an incident naming them, and who it was handed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectEvidence {
    pub exhibit: String,
    /// "sighting #N" or "incident #N".
    pub on: String,
    pub camera: String,
    pub clip_start: DateTime<Utc>,
    pub clip_end: DateTime<Utc>,
    /// Each handover standing: when, and to which organisation.
    pub handed_to: Vec<(DateTime<Utc>, String)>,
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
    /// The control room's own file: copied into the report, never named in it.
    #[serde(skip)]
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
    pub evidence: Vec<SubjectEvidence>,
    pub views: Vec<SubjectView>,
    /// Changes to their record, to records merged into it (`record #N`) and
    /// to their exclusions: what each field was and became, newest first.
    pub changes: Vec<Change>,
    /// Where other records name them (by name, alias, nickname, or surname
    /// with a first name, initial or title), newest first.
    pub mentions: Vec<SubjectMention>,
}

/// One place another record names them, with the text around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectMention {
    /// "note #12 on incident #3", "occurrence log entry #40"…
    pub record: String,
    pub field: String,
    pub at: DateTime<Utc>,
    pub words: Vec<String>,
    pub context: String,
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

use crate::store::stored_day as date;

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

/// The record `id` stands for (the one it was merged into, if merged),
/// refused if there is no such record.
pub(super) fn root(conn: &Connection, id: i64) -> Result<i64> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM offenders WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(StoreError::NotFound(format!("offender record #{id}")));
    }
    root_of(conn, id)
}

/// The person's record and every record merged into it (and into those).
pub(super) fn family(conn: &Connection, root: i64) -> Result<Vec<i64>> {
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
                AuditAction::Export,
                "sar",
                Some(offender_id),
                &why,
            )
        })
    }
}

fn subject_data(conn: &Connection, offender_id: i64) -> Result<SubjectData> {
    let root = root(conn, offender_id)?;
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
            crate::store::incidents::PLACE_LABEL
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
        i.changes = crate::store::history::incident_changes(conn, i.id)?;
    }
    let mut changes = crate::store::history::people_changes(conn, root, &list, usize::MAX)?;
    // a photo's history says one was set or taken away, never where the
    // control room keeps its files
    for f in changes.iter_mut().flat_map(|c| c.fields.iter_mut()) {
        if f.field == "photo" {
            for v in [&mut f.old, &mut f.new] {
                if !v.is_empty() {
                    *v = "a photo (sent with this report if still held)".into();
                }
            }
        }
    }

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

    let ids: Vec<i64> = conn
        .prepare(
            "SELECT id FROM evidence_items
             WHERE sighting_id IN (SELECT id FROM sightings WHERE offender_id IN (SELECT value FROM json_each(?1)))
                OR incident_id IN (SELECT incident_id FROM incident_offenders
                                   WHERE offender_id IN (SELECT value FROM json_each(?1)))
             ORDER BY id",
        )?
        .query_map([&list], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut evidence = vec![];
    for id in ids {
        let Some(item) = crate::store::evidence::item_on(conn, id)? else {
            continue;
        };
        let Some(clip) = item.clip() else { continue };
        evidence.push(SubjectEvidence {
            exhibit: item.exhibit.clone(),
            on: crate::store::evidence::describe_of(item.of),
            camera: clip.camera.clone(),
            clip_start: clip.clip_start,
            clip_end: clip.clip_end,
            handed_to: item
                .handovers()
                .iter()
                .filter_map(|e| match &e.body {
                    crate::domain::evidence::EntryBody::Handover { details, .. } => {
                        Some((details.at, details.organisation.clone()))
                    }
                    _ => None,
                })
                .collect(),
        });
    }

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
             WHERE a.action = ?2 AND a.entity = 'offender'
               AND a.entity_id IN (SELECT value FROM json_each(?1))
             ORDER BY a.id",
        )?
        .query_map(params![list, AuditAction::View.code()], |r| {
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
    let ids: Vec<i64> = std::iter::once(root)
        .chain(merged_records.iter().map(|m| m.id))
        .collect();
    let mentions = super::mentions::find_mentions(conn, &ids)?
        .into_iter()
        .map(|m| SubjectMention {
            record: m.record,
            field: m.column.replace('_', " "),
            at: m.at,
            words: m.words,
            context: m.context,
        })
        .collect();
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
        evidence,
        views,
        changes,
        mentions,
    })
}
