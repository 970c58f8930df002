//! Cameras, sightings and hits. A sighting (or an incident naming someone)
//! is saved with its hit decision in the same transaction, so a breach is
//! never saved without its hit nor a hit without its cause.
//!
//! One hit per situation: a sighting of someone whose hit of the same kind
//! (and, for a breach, on the same exclusion) still waits is counted on that
//! hit, with where and when they were seen last, instead of raising another.
//! Naming someone on an incident always raises its own hit, for its incident.

use super::offenders::{sighting_row, SightingRow, SIGHTING_SELECT};
use super::versions::{self, Record};
use super::{audit, exclusions::exclusions_of, from_ts, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::exclusion::{assess, Finding, Ladder};
use crate::domain::sighting::{hits_from, HitKind, HitStatus, NewSighting};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

/// What decides a hit: the scheme's ladder and the markers it watches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitRules {
    pub ladder: Ladder,
    pub watch_markers: Vec<String>,
}

impl Default for HitRules {
    fn default() -> Self {
        HitRules {
            ladder: Ladder::default(),
            watch_markers: vec!["violent".into(), "weapons".into()],
        }
    }
}

/// A hit as the hits pane shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitRow {
    pub id: i64,
    pub raised_at: DateTime<Utc>,
    pub kind: HitKind,
    pub offender_id: i64,
    pub offender: String,
    pub place: String,
    pub camera: String,
    pub sighting_id: Option<i64>,
    pub incident_id: Option<i64>,
    pub detail: String,
    pub status: HitStatus,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub action_taken: Option<String>,
    pub reject_reason: Option<String>,
    /// Bumped by every decision, sighting counted and snooze, so a form on
    /// an old copy is refused.
    pub version: i64,
    /// How many sightings the hit stands for (1: the one that raised it).
    pub seen_count: i64,
    /// When the person was last seen (`place` and `camera` are that sighting's).
    pub last_seen_at: DateTime<Utc>,
    /// When nobody had acknowledged it by the last reminder.
    pub escalated_at: Option<DateTime<Utc>>,
    /// Reminders held back until then, and why.
    pub snoozed_until: Option<DateTime<Utc>>,
    pub snooze_reason: Option<String>,
    /// The exclusion behind a breach: lifted when, and when it ends.
    pub exclusion_lifted_at: Option<DateTime<Utc>>,
    pub exclusion_ends_at: Option<DateTime<Utc>>,
}

impl HitRow {
    /// What decides whether it still reminds.
    pub fn alarm(&self) -> crate::domain::hit::HitAlarm {
        crate::domain::hit::HitAlarm {
            status: self.status,
            raised_at: self.raised_at,
            escalated_at: self.escalated_at,
            snoozed_until: self.snoozed_until,
            exclusion_lifted_at: self.exclusion_lifted_at,
            exclusion_ends_at: self.exclusion_ends_at,
        }
    }
}

/// What saving a sighting found, for the operator to see at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SightingOutcome {
    pub sighting_id: i64,
    pub findings: Vec<Finding>,
    /// Hits raised by this sighting.
    pub hits: Vec<i64>,
    /// Hits still waiting that this sighting was counted on instead.
    pub seen_again: Vec<i64>,
}

/// Someone on the register named on an incident, and their sightings for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentPerson {
    pub id: i64,
    pub name: String,
    pub sightings: i64,
    pub last_seen: Option<DateTime<Utc>>,
}

/// The camera and place of an operator's last sighting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Desk {
    pub camera_id: Option<i64>,
    pub zone_id: Option<i64>,
    pub location: String,
}

/// The query behind [`Store::last_desk`], public so its plan can be checked.
pub const LAST_DESK: &str =
    "SELECT camera_id, zone_id, location FROM sightings WHERE created_by = ?1 ORDER BY id DESC LIMIT 1";

/// What a sighting or a name on an incident decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decided {
    pub findings: Vec<Finding>,
    pub raised: Vec<i64>,
    pub seen_again: Vec<i64>,
}

// where and by which camera: the latest sighting counted on the hit
const HIT_SELECT: &str = "SELECT h.id, h.raised_at, h.kind, h.offender_id, o.name, COALESCE(z.name, ''), COALESCE(c.name, ''),
        h.sighting_id, h.incident_id, h.detail, h.status, h.decided_at, d.name, h.action_taken, h.reject_reason, h.version,
        h.seen_count, COALESCE(h.last_seen_at, h.raised_at), h.escalated_at, h.snoozed_until, h.snooze_reason,
        e.lifted_at, e.ends_at
     FROM hits h JOIN offenders o ON o.id = h.offender_id
     LEFT JOIN zones z ON z.id = h.last_zone_id
     LEFT JOIN sightings s ON s.id = COALESCE(h.last_sighting_id, h.sighting_id)
     LEFT JOIN cameras c ON c.id = s.camera_id
     LEFT JOIN operators d ON d.id = h.decided_by
     LEFT JOIN exclusions e ON e.id = h.exclusion_id";

/// Hits raised in `[start, end)` (stored instants) rejected as false
/// matches, by the camera of the sighting the hit shows ("" for none), most
/// first: for the hits pane's foot and the report alike.
pub(crate) fn false_by_camera(
    conn: &rusqlite::Connection,
    start: i64,
    end: i64,
) -> Result<Vec<(String, i64)>> {
    let mut st = conn.prepare_cached(
        "SELECT COALESCE(c.name, ''), COUNT(*) AS n FROM hits h
         LEFT JOIN sightings s ON s.id = COALESCE(h.last_sighting_id, h.sighting_id)
         LEFT JOIN cameras c ON c.id = s.camera_id
         WHERE h.status = 'rejected' AND h.raised_at >= ?1 AND h.raised_at < ?2
         GROUP BY c.id ORDER BY n DESC, c.name",
    )?;
    let rows = st.query_map([start, end], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// False matches by camera and by person, most first (see
/// [`Store::false_match_tallies`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FalseMatchTallies {
    /// Camera name ("" for hits with no camera) and how many.
    pub cameras: Vec<(String, i64)>,
    /// Person's name and how many.
    pub people: Vec<(String, i64)>,
}

fn hit_row(r: &Row) -> rusqlite::Result<HitRow> {
    Ok(HitRow {
        id: r.get(0)?,
        raised_at: from_ts(r.get(1)?),
        kind: HitKind::from_code(&r.get::<_, String>(2)?),
        offender_id: r.get(3)?,
        offender: r.get(4)?,
        place: r.get(5)?,
        camera: r.get(6)?,
        sighting_id: r.get(7)?,
        incident_id: r.get(8)?,
        detail: r.get(9)?,
        status: HitStatus::from_code(&r.get::<_, String>(10)?),
        decided_at: r.get::<_, Option<i64>>(11)?.map(from_ts),
        decided_by: r.get(12)?,
        action_taken: r.get(13)?,
        reject_reason: r.get(14)?,
        version: r.get(15)?,
        seen_count: r.get(16)?,
        last_seen_at: from_ts(r.get(17)?),
        escalated_at: r.get::<_, Option<i64>>(18)?.map(from_ts),
        snoozed_until: r.get::<_, Option<i64>>(19)?.map(from_ts),
        snooze_reason: r.get(20)?,
        exclusion_lifted_at: r.get::<_, Option<i64>>(21)?.map(from_ts),
        exclusion_ends_at: r.get::<_, Option<i64>>(22)?.map(from_ts),
    })
}

/// Decide and record the hits for `offender` seen in `zone` at `at`: a
/// sighting (`sighting`) of someone whose like hit still waits is counted
/// on it; anything else raises a hit.
#[allow(clippy::too_many_arguments)]
pub(crate) fn raise_hits(
    tx: &Transaction,
    rules: &HitRules,
    offender: i64,
    zone: Option<i64>,
    at: DateTime<Utc>,
    sighting: Option<i64>,
    incident: Option<i64>,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<Decided> {
    let (markers, status): (String, String) = tx.query_row(
        "SELECT markers, status FROM offenders WHERE id = ?1",
        [offender],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if status == "merged" {
        return Err(StoreError::Invalid(
            "that record has been merged into another; pick the person it was merged into".into(),
        ));
    }
    let markers: Vec<String> = markers
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(String::from)
        .collect();
    let exclusions = exclusions_of(tx, offender)?;
    let findings = assess(
        &exclusions,
        &markers,
        &rules.watch_markers,
        &rules.ladder,
        zone,
        at,
    );
    let mut ids = vec![];
    let mut seen_again = vec![];
    for (kind, exclusion, detail) in hits_from(&findings) {
        if let Some(s) = sighting {
            if let Some(waiting) = waiting_hit(tx, offender, kind, exclusion)? {
                seen_on(tx, waiting, s, zone, at, operator, now)?;
                seen_again.push(waiting);
                continue;
            }
        }
        tx.execute(
            "INSERT INTO hits (raised_at, kind, offender_id, sighting_id, incident_id, exclusion_id, zone_id, detail,
                               last_seen_at, last_sighting_id, last_zone_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?4, ?7)",
            params![ts(now), kind.code(), offender, sighting, incident, exclusion, zone, detail, ts(at)],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            tx,
            now,
            Some(operator),
            AuditAction::Raise,
            "hit",
            Some(id),
            &format!("{} on offender {offender}", kind.code()),
        )?;
        ids.push(id);
    }
    Ok(Decided {
        findings,
        raised: ids,
        seen_again,
    })
}

/// The newest hit of this kind on this person (for a breach, on this
/// exclusion) still waiting for a decision.
fn waiting_hit(
    tx: &Transaction,
    offender: i64,
    kind: HitKind,
    exclusion: Option<i64>,
) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached(
            "SELECT id FROM hits WHERE offender_id = ?1 AND kind = ?2 AND status = 'new' AND exclusion_id IS ?3
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![offender, kind.code(), exclusion], |r| r.get(0))
        .optional()?)
}

/// Count sighting `sighting` (in `zone` at `at`) on waiting hit `hit`: the
/// latest of its sightings gives where and when, so one logged late for an
/// earlier time is counted without moving them back.
fn seen_on(
    tx: &Transaction,
    hit: i64,
    sighting: i64,
    zone: Option<i64>,
    at: DateTime<Utc>,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    // every SET reads the row as it was, so each CASE sees the old last_seen_at
    tx.execute(
        "UPDATE hits SET seen_count = seen_count + 1,
             last_sighting_id = CASE WHEN ?2 >= COALESCE(last_seen_at, raised_at) THEN ?3 ELSE last_sighting_id END,
             last_zone_id = CASE WHEN ?2 >= COALESCE(last_seen_at, raised_at) THEN ?4 ELSE last_zone_id END,
             last_seen_at = MAX(COALESCE(last_seen_at, raised_at), ?2)
         WHERE id = ?1",
        params![hit, ts(at), sighting, zone],
    )?;
    versions::bump(tx, Record::Hit(hit), operator, now)?;
    audit::append(
        tx,
        now,
        Some(operator),
        AuditAction::SeenAgain,
        "hit",
        Some(hit),
        &format!("sighting {sighting}"),
    )?;
    Ok(())
}

/// Which sightings the sightings pane lists: every one by default; each
/// part given narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SightingQuery {
    /// Only people whose name, an alias or a nickname holds this (any case).
    pub person: Option<String>,
    /// Only sightings of someone not yet identified.
    pub unidentified: bool,
    pub camera: Option<i64>,
    pub zone: Option<i64>,
    /// Seen at or after.
    pub since: Option<DateTime<Utc>>,
    /// Seen before.
    pub until: Option<DateTime<Utc>>,
    /// Words each found in the person's name, the description, the note or
    /// the place typed.
    pub words: Vec<String>,
}

impl SightingQuery {
    /// The WHERE clause and its values, for [`SIGHTING_SELECT`]'s names.
    fn clause(&self) -> (String, Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value;
        // LIKE ignores the case of ASCII letters
        let like = |s: &str| Value::Text(super::like_anywhere(s));
        let mut parts: Vec<String> = vec![];
        let mut values: Vec<Value> = vec![];
        let next = |values: &mut Vec<Value>, v: Value| {
            values.push(v);
            values.len()
        };
        if let Some(p) = &self.person {
            let n = next(&mut values, like(p));
            parts.push(format!(
                "(o.name LIKE ?{n} ESCAPE '\\' OR o.nicknames LIKE ?{n} ESCAPE '\\'
                  OR EXISTS (SELECT 1 FROM offender_aliases a WHERE a.offender_id = s.offender_id
                             AND a.alias LIKE ?{n} ESCAPE '\\'))"
            ));
        }
        if self.unidentified {
            parts.push("s.offender_id IS NULL".into());
        }
        if let Some(c) = self.camera {
            let n = next(&mut values, Value::Integer(c));
            parts.push(format!("s.camera_id = ?{n}"));
        }
        if let Some(z) = self.zone {
            let n = next(&mut values, Value::Integer(z));
            parts.push(format!("s.zone_id = ?{n}"));
        }
        if let Some(t) = self.since {
            let n = next(&mut values, Value::Integer(ts(t)));
            parts.push(format!("s.at >= ?{n}"));
        }
        if let Some(t) = self.until {
            let n = next(&mut values, Value::Integer(ts(t)));
            parts.push(format!("s.at < ?{n}"));
        }
        for w in &self.words {
            let n = next(&mut values, like(w));
            parts.push(format!(
                "(COALESCE(o.name, '') LIKE ?{n} ESCAPE '\\' OR s.description LIKE ?{n} ESCAPE '\\'
                  OR s.note LIKE ?{n} ESCAPE '\\' OR s.location LIKE ?{n} ESCAPE '\\')"
            ));
        }
        let clause = if parts.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", parts.join(" AND "))
        };
        (clause, values)
    }
}

impl Store {
    /// Save a sighting and decide its hits at once.
    pub fn record_sighting(
        &mut self,
        new: &NewSighting,
        rules: &HitRules,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<SightingOutcome> {
        let new = new.clone().validate(now).map_err(StoreError::Invalid)?;
        self.write(|tx| {
            let camera_zone: Option<Option<i64>> = match new.camera_id {
                Some(c) => Some(super::places::camera_for_new(tx, c)?),
                None => None,
            };
            if let Some(z) = new.zone_id {
                super::places::zone_for_new(tx, z, None)?;
            }
            if let Some(i) = new.incident_id {
                let ok: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM incidents WHERE id = ?1)", [i], |r| r.get(0))?;
                if !ok {
                    return Err(StoreError::Invalid(format!("there is no incident #{i}")));
                }
            }
            // where the camera points, unless the operator said otherwise
            let zone = new.zone_id.or(camera_zone.flatten());
            if let (None, Some(z)) = (new.zone_id, zone) {
                // a camera left pointing at a retired zone must be moved first
                if let Err(StoreError::Invalid(e)) = super::places::zone_for_new(tx, z, None) {
                    return Err(StoreError::Invalid(format!(
                        "{e}; the camera still points at it (a manager moves it: camera move)"
                    )));
                }
            }
            if let Some(o) = new.offender_id {
                let ok: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM offenders WHERE id = ?1)", [o], |r| r.get(0))?;
                if !ok {
                    return Err(StoreError::Invalid(format!("offender {o} does not exist")));
                }
            }
            tx.execute(
                "INSERT INTO sightings (at, camera_id, zone_id, location, offender_id, description, note, incident_id, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    ts(new.at),
                    new.camera_id,
                    zone,
                    new.location,
                    new.offender_id,
                    new.description,
                    new.note,
                    new.incident_id,
                    operator,
                    ts(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(tx, now, Some(operator), AuditAction::Create, "sighting", Some(id), "")?;
            let decided = match new.offender_id {
                Some(o) => raise_hits(tx, rules, o, zone, new.at, Some(id), new.incident_id, operator, now)?,
                None => Decided { findings: vec![], raised: vec![], seen_again: vec![] },
            };
            if let (Some(i), Some(o)) = (new.incident_id, new.offender_id) {
                tx.execute("INSERT OR IGNORE INTO incident_offenders (incident_id, offender_id) VALUES (?1, ?2)", params![i, o])?;
            }
            Ok(SightingOutcome {
                sighting_id: id,
                findings: decided.findings,
                hits: decided.raised,
                seen_again: decided.seen_again,
            })
        })
    }

    /// Name an offender as involved in an incident; hits are decided for the
    /// incident's zone and time as for a sighting.
    pub fn link_offender(
        &mut self,
        incident: i64,
        offender: i64,
        rules: &HitRules,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Finding>, Vec<i64>)> {
        self.write(|tx| {
            let (zone, opened): (Option<i64>, i64) = tx
                .query_row("SELECT zone_id, opened_at FROM incidents WHERE id = ?1", [incident], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("incident #{incident}")))?;
            let exists: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM offenders WHERE id = ?1)", [offender], |r| r.get(0))?;
            if !exists {
                return Err(StoreError::NotFound(format!("offender {offender}")));
            }
            let n = tx.execute("INSERT OR IGNORE INTO incident_offenders (incident_id, offender_id) VALUES (?1, ?2)", params![incident, offender])?;
            if n == 0 {
                return Err(StoreError::Invalid("that person is already named on this incident".into()));
            }
            audit::append(tx, now, Some(operator), AuditAction::Link, "incident", Some(incident), &format!("offender {offender}"))?;
            let decided = raise_hits(tx, rules, offender, zone, from_ts(opened), None, Some(incident), operator, now)?;
            Ok((decided.findings, decided.raised))
        })
    }

    /// Where this operator's last sighting was logged: its camera, zone and
    /// location, the defaults for their next one (kept in the store, so a
    /// console started again remembers its desk). Newest by id: the scan
    /// runs down the rowid and stops at the operator's first row, so it
    /// sorts nothing however many sightings there are.
    pub fn last_desk(&self, operator: i64) -> Result<Option<Desk>> {
        Ok(self
            .conn()
            .prepare_cached(LAST_DESK)?
            .query_row([operator], |r| {
                Ok(Desk {
                    camera_id: r.get(0)?,
                    zone_id: r.get(1)?,
                    location: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// The people on an incident: each named on it, with how often and
    /// when last they were sighted for it. Read through the incident's
    /// links and each person's own sightings (both indexed), never the
    /// whole sightings table: a sighting of someone on the register for an
    /// incident names them on it, so every person sighted is here.
    pub fn incident_people(&self, incident: i64) -> Result<Vec<IncidentPerson>> {
        let mut st = self.conn().prepare_cached(
            "SELECT o.id, o.name,
                    (SELECT COUNT(*) FROM sightings s WHERE s.offender_id = o.id AND s.incident_id = ?1),
                    (SELECT MAX(s.at) FROM sightings s WHERE s.offender_id = o.id AND s.incident_id = ?1)
             FROM incident_offenders io JOIN offenders o ON o.id = io.offender_id
             WHERE io.incident_id = ?1 ORDER BY o.name",
        )?;
        let rows = st.query_map([incident], |r| {
            Ok(IncidentPerson {
                id: r.get(0)?,
                name: r.get(1)?,
                sightings: r.get(2)?,
                last_seen: r.get::<_, Option<i64>>(3)?.map(from_ts),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The offenders named on an incident.
    pub fn incident_offenders(&self, incident: i64) -> Result<Vec<(i64, String)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT o.id, o.name FROM incident_offenders io JOIN offenders o ON o.id = io.offender_id WHERE io.incident_id = ?1 ORDER BY o.name",
        )?;
        let rows = st.query_map([incident], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn recent_sightings(&self, limit: usize) -> Result<Vec<SightingRow>> {
        let mut st = self.conn().prepare_cached(&format!(
            "{SIGHTING_SELECT} ORDER BY s.at DESC, s.id DESC LIMIT ?1"
        ))?;
        let rows = st.query_map([limit as i64], sighting_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The sightings `query` lets through, newest first, at most `limit`
    /// of them, and how many it lets through in all.
    pub fn sightings(
        &self,
        query: &SightingQuery,
        limit: usize,
    ) -> Result<(Vec<SightingRow>, usize)> {
        let (clause, mut values) = query.clause();
        let count_sql = format!(
            "SELECT COUNT(*) FROM sightings s LEFT JOIN offenders o ON o.id = s.offender_id{clause}"
        );
        let total: i64 = self
            .conn()
            .prepare_cached(&count_sql)?
            .query_row(rusqlite::params_from_iter(values.iter()), |r| r.get(0))?;
        values.push(rusqlite::types::Value::Integer(limit as i64));
        let sql = format!(
            "{SIGHTING_SELECT}{clause} ORDER BY s.at DESC, s.id DESC LIMIT ?{}",
            values.len()
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(values.iter()), sighting_row)?;
        Ok((rows.collect::<std::result::Result<_, _>>()?, total as usize))
    }

    /// Unacknowledged hits first (oldest waiting first), then decided ones, newest first.
    pub fn hits(&self, limit: usize) -> Result<Vec<HitRow>> {
        let mut st = self.conn().prepare_cached(&format!(
            "{HIT_SELECT} ORDER BY h.status <> 'new', CASE WHEN h.status = 'new' THEN h.raised_at ELSE -h.raised_at END, h.id LIMIT ?1"
        ))?;
        let rows = st.query_map([limit as i64], hit_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn hit(&self, id: i64) -> Result<Option<HitRow>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("{HIT_SELECT} WHERE h.id = ?1"))?
            .query_row([id], hit_row)
            .optional()?)
    }

    /// Hits raised after `after` (by id), oldest first: what a console has not yet announced.
    pub fn hits_after(&self, after: i64) -> Result<Vec<HitRow>> {
        let mut st = self.conn().prepare_cached(&format!(
            "{HIT_SELECT} WHERE h.id > ?1 ORDER BY h.id LIMIT 100"
        ))?;
        let rows = st.query_map([after], hit_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn last_hit_id(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT COALESCE(MAX(id), 0) FROM hits", [], |r| r.get(0))?)
    }

    /// Hits rejected as false matches, most first (at most `top` of each):
    /// by the camera of the sighting shown on the hit ("" for none), and by
    /// person. A camera or a photo that keeps misleading the desk shows up.
    pub fn false_match_tallies(&self, top: usize) -> Result<FalseMatchTallies> {
        let conn = self.conn();
        let top = i64::try_from(top).unwrap_or(i64::MAX);
        let mut cameras = false_by_camera(conn, i64::MIN, i64::MAX)?;
        cameras.truncate(usize::try_from(top).unwrap_or(usize::MAX));
        let mut st = conn.prepare_cached(
            "SELECT o.name, COUNT(*) AS n FROM hits h JOIN offenders o ON o.id = h.offender_id
             WHERE h.status = 'rejected' GROUP BY h.offender_id ORDER BY n DESC, o.name LIMIT ?1",
        )?;
        let people = st
            .query_map([top], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(FalseMatchTallies { cameras, people })
    }

    /// (unacknowledged, accepted, rejected as false matches)
    pub fn hit_counts(&self) -> Result<(i64, i64, i64)> {
        Ok(self.conn().query_row(
            "SELECT COALESCE(SUM(status = 'new'), 0), COALESCE(SUM(status = 'accepted'), 0), COALESCE(SUM(status = 'rejected'), 0) FROM hits",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }

    /// Accept (with the action taken) or reject (with why it was a false
    /// match), on the version of the hit the operator had: a hit decided on
    /// another console meanwhile is refused as stale, not decided twice. A
    /// decision made knowing the other (on its version) replaces it.
    pub fn decide_hit(
        &mut self,
        id: i64,
        expected_version: i64,
        accept: bool,
        text: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<HitRow> {
        let text = crate::domain::text::tidy_input(text);
        if text.is_empty() {
            return Err(StoreError::Invalid(if accept {
                "say what action was taken".into()
            } else {
                "say why it is a false match".into()
            }));
        }
        self.write(|tx| {
            versions::check(tx, Record::Hit(id), expected_version)?;
            let (status, audited, action, reason) = if accept {
                ("accepted", AuditAction::Accepted, Some(&text), None)
            } else {
                ("rejected", AuditAction::Rejected, None, Some(&text))
            };
            tx.execute(
                "UPDATE hits SET status = ?1, decided_at = ?2, decided_by = ?3, action_taken = ?4, reject_reason = ?5 WHERE id = ?6",
                params![status, ts(now), operator, action, reason, id],
            )?;
            versions::bump(tx, Record::Hit(id), operator, now)?;
            // the action or reason stays on the hit; the never-pruned trail gets the decision only
            audit::append(tx, now, Some(operator), audited, "hit", Some(id), "")?;
            Ok(())
        })?;
        self.hit(id)?
            .ok_or_else(|| StoreError::NotFound(format!("hit {id}")))
    }

    /// Mark a waiting hit escalated: nobody acknowledged it by its last
    /// reminder. Written once, by whichever console reaches it first (the
    /// others read it), and only while the hit still reminds: not decided,
    /// not snoozed, its exclusion neither lifted nor ended. True if this
    /// call wrote it. Audited with no operator: it is the schedule's doing.
    /// It bumps no version: it changes nothing a decision form holds, and
    /// a decision being typed must not be refused for it.
    pub fn escalate_hit(&mut self, id: i64, waited: &str, now: DateTime<Utc>) -> Result<bool> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE hits SET escalated_at = ?2
                 WHERE id = ?1 AND status = 'new' AND escalated_at IS NULL
                   AND (snoozed_until IS NULL OR snoozed_until <= ?2)
                   AND NOT EXISTS (SELECT 1 FROM exclusions e WHERE e.id = hits.exclusion_id
                                   AND (e.lifted_at <= ?2 OR e.ends_at <= ?2))",
                params![id, ts(now)],
            )?;
            if n == 1 {
                audit::append(
                    tx,
                    now,
                    None,
                    AuditAction::Escalate,
                    "hit",
                    Some(id),
                    &format!("not acknowledged after {waited}"),
                )?;
            }
            Ok(n == 1)
        })
    }

    /// Hold a waiting hit's reminders (and its escalation) back for
    /// `minutes`, saying why; every console reads it. The reason stays on
    /// the hit, the trail gets the minutes.
    pub fn snooze_hit(
        &mut self,
        id: i64,
        minutes: i64,
        reason: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<HitRow> {
        let (minutes, reason) = crate::domain::hit::snooze(&minutes.to_string(), reason)
            .map_err(StoreError::Invalid)?;
        self.write(|tx| {
            let status: Option<String> = tx
                .query_row("SELECT status FROM hits WHERE id = ?1", [id], |r| r.get(0))
                .optional()?;
            match status.as_deref() {
                None => return Err(StoreError::NotFound(format!("hit {id}"))),
                Some("new") => {}
                Some(done) => {
                    return Err(StoreError::Invalid(format!(
                        "hit {id} is already {done}: nothing to snooze"
                    )))
                }
            }
            let until = now + chrono::Duration::minutes(minutes);
            tx.execute(
                "UPDATE hits SET snoozed_until = ?2, snooze_reason = ?3 WHERE id = ?1",
                params![id, ts(until), reason],
            )?;
            versions::bump(tx, Record::Hit(id), operator, now)?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Snooze,
                "hit",
                Some(id),
                &format!("{minutes} minutes"),
            )?;
            Ok(())
        })?;
        self.hit(id)?
            .ok_or_else(|| StoreError::NotFound(format!("hit {id}")))
    }
}
