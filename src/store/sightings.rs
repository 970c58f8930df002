//! Cameras, sightings and hits. A sighting (or an incident naming someone)
//! is saved with its hit decision in the same transaction, so a breach is
//! never saved without its hit nor a hit without its cause.

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
    /// Bumped by every decision, so a form on an old copy is refused.
    pub version: i64,
}

/// What saving a sighting found, for the operator to see at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SightingOutcome {
    pub sighting_id: i64,
    pub findings: Vec<Finding>,
    pub hits: Vec<i64>,
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

const HIT_SELECT: &str = "SELECT h.id, h.raised_at, h.kind, h.offender_id, o.name, COALESCE(z.name, ''), COALESCE(c.name, ''),
        h.sighting_id, h.incident_id, h.detail, h.status, h.decided_at, d.name, h.action_taken, h.reject_reason, h.version
     FROM hits h JOIN offenders o ON o.id = h.offender_id
     LEFT JOIN zones z ON z.id = h.zone_id
     LEFT JOIN sightings s ON s.id = h.sighting_id
     LEFT JOIN cameras c ON c.id = s.camera_id
     LEFT JOIN operators d ON d.id = h.decided_by";

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
    })
}

/// Decide and record the hits for `offender` seen in `zone` at `at`.
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
) -> Result<(Vec<Finding>, Vec<i64>)> {
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
    for (kind, exclusion, detail) in hits_from(&findings) {
        tx.execute(
            "INSERT INTO hits (raised_at, kind, offender_id, sighting_id, incident_id, exclusion_id, zone_id, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![ts(now), kind.code(), offender, sighting, incident, exclusion, zone, detail],
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
    Ok((findings, ids))
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
            let (findings, hits) = match new.offender_id {
                Some(o) => raise_hits(tx, rules, o, zone, new.at, Some(id), new.incident_id, operator, now)?,
                None => (vec![], vec![]),
            };
            if let (Some(i), Some(o)) = (new.incident_id, new.offender_id) {
                tx.execute("INSERT OR IGNORE INTO incident_offenders (incident_id, offender_id) VALUES (?1, ?2)", params![i, o])?;
            }
            Ok(SightingOutcome { sighting_id: id, findings, hits })
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
            raise_hits(tx, rules, offender, zone, from_ts(opened), None, Some(incident), operator, now)
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
}
