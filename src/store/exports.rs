//! What an export reads: a period's incidents, sightings, and the register
//! as it stands (the people created or active in the period), and the audit
//! record every export leaves (who, when, why, how many; no names).

use super::exclusions::exclusions_of;
use super::incidents::PLACE_LABEL;
use super::{audit, from_ts, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::exclusion::Scope;
use crate::domain::offender::OffenderKind;
use crate::domain::text::tidy_input;
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;
use std::collections::HashMap;

/// A person as another record names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedRecord {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentExport {
    pub id: i64,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub kind: String,
    pub priority: i64,
    pub status: String,
    pub zone: String,
    pub member: String,
    /// Member, zone and location as the board shows them.
    pub place: String,
    pub summary: String,
    pub police_ref: String,
    pub loss_pence: i64,
    pub recovery_pence: i64,
    pub close_reason: String,
    /// The system that sent it, when it came by ingest.
    pub source: String,
    pub offenders: Vec<NamedRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExclusionExport {
    pub id: i64,
    pub stage: String,
    /// "all zones", or the zones' names.
    pub zones: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub served_at: Option<DateTime<Utc>>,
    pub lifted_at: Option<DateTime<Utc>>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterExport {
    pub id: i64,
    /// known or ID-sought
    pub kind: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub nicknames: Vec<String>,
    pub description: String,
    pub markers: Vec<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub photo: String,
    pub incidents_in_period: i64,
    pub sightings_in_period: i64,
    /// Exclusions in force at any time in the period.
    pub exclusions: Vec<ExclusionExport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SightingExport {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub camera: String,
    pub zone: String,
    pub location: String,
    pub offender: Option<NamedRecord>,
    pub description: String,
    pub note: String,
    pub incident_id: Option<i64>,
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

impl Store {
    /// Incidents opened in [from, to), oldest first, with the people they name.
    pub fn export_incidents(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<IncidentExport>> {
        let conn = self.conn();
        let mut named: HashMap<i64, Vec<NamedRecord>> = HashMap::new();
        let mut st = conn.prepare(
            "SELECT io.incident_id, o.id, o.name FROM incident_offenders io
             JOIN incidents i ON i.id = io.incident_id JOIN offenders o ON o.id = io.offender_id
             WHERE i.opened_at >= ?1 AND i.opened_at < ?2 ORDER BY io.incident_id, o.id",
        )?;
        for row in st.query_map(params![ts(from), ts(to)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (incident, id, name) = row?;
            named
                .entry(incident)
                .or_default()
                .push(NamedRecord { id, name });
        }
        let mut st = conn.prepare(&format!(
            "SELECT i.id, i.opened_at, i.closed_at, i.kind, i.priority, i.status, COALESCE(z.name, ''),
                    COALESCE(m.name, ''), {PLACE_LABEL}, i.summary, i.police_ref, i.loss_pence,
                    i.recovery_pence, COALESCE(i.close_reason, ''), i.source
             FROM incidents i INDEXED BY incidents_opened
             LEFT JOIN zones z ON z.id = i.zone_id LEFT JOIN members m ON m.id = i.member_id
             WHERE i.opened_at >= ?1 AND i.opened_at < ?2 ORDER BY i.opened_at, i.id"
        ))?;
        let rows = st.query_map(params![ts(from), ts(to)], |r| {
            let id: i64 = r.get(0)?;
            Ok(IncidentExport {
                id,
                opened_at: from_ts(r.get(1)?),
                closed_at: r.get::<_, Option<i64>>(2)?.map(from_ts),
                kind: r.get(3)?,
                priority: r.get(4)?,
                status: r.get(5)?,
                zone: r.get(6)?,
                member: r.get(7)?,
                place: r.get(8)?,
                summary: r.get(9)?,
                police_ref: r.get(10)?,
                loss_pence: r.get(11)?,
                recovery_pence: r.get(12)?,
                close_reason: r.get(13)?,
                source: r.get(14)?,
                offenders: vec![],
            })
        })?;
        let mut out: Vec<IncidentExport> = rows.collect::<Result<_, _>>()?;
        for i in &mut out {
            i.offenders = named.remove(&i.id).unwrap_or_default();
        }
        Ok(out)
    }

    /// Sightings in [from, to), oldest first.
    pub fn export_sightings(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SightingExport>> {
        let mut st = self.conn().prepare(
            "SELECT s.id, s.at, COALESCE(c.name, ''), COALESCE(z.name, ''), s.location, s.offender_id,
                    COALESCE(o.name, ''), s.description, s.note, s.incident_id
             FROM sightings s LEFT JOIN cameras c ON c.id = s.camera_id LEFT JOIN zones z ON z.id = s.zone_id
             LEFT JOIN offenders o ON o.id = s.offender_id
             WHERE s.at >= ?1 AND s.at < ?2 ORDER BY s.at, s.id",
        )?;
        let rows = st.query_map(params![ts(from), ts(to)], |r| {
            let offender: Option<i64> = r.get(5)?;
            Ok(SightingExport {
                id: r.get(0)?,
                at: from_ts(r.get(1)?),
                camera: r.get(2)?,
                zone: r.get(3)?,
                location: r.get(4)?,
                offender: match offender {
                    Some(id) => Some(NamedRecord {
                        id,
                        name: r.get(6)?,
                    }),
                    None => None,
                },
                description: r.get(7)?,
                note: r.get(8)?,
                incident_id: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The register as it stands, for the people created in [from, to) or
    /// active in it (named on an incident opened, sighted, or under an
    /// exclusion in force), with the exclusions in force in the period.
    pub fn export_register(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<RegisterExport>> {
        let conn = self.conn();
        let zone_names: HashMap<i64, String> =
            self.zones()?.into_iter().map(|z| (z.id, z.name)).collect();
        let mut aliases: HashMap<i64, Vec<String>> = HashMap::new();
        let mut st =
            conn.prepare("SELECT offender_id, alias FROM offender_aliases ORDER BY rowid")?;
        for row in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, a) = row?;
            aliases.entry(id).or_default().push(a);
        }
        let mut st = conn.prepare(
            "SELECT o.id, o.kind, o.name, o.nicknames, o.description, o.markers, o.status, o.created_at, o.photo_path,
                    (SELECT COUNT(*) FROM incident_offenders io JOIN incidents i ON i.id = io.incident_id
                      WHERE io.offender_id = o.id AND i.opened_at >= ?1 AND i.opened_at < ?2),
                    (SELECT COUNT(*) FROM sightings s WHERE s.offender_id = o.id AND s.at >= ?1 AND s.at < ?2),
                    EXISTS (SELECT 1 FROM exclusions e WHERE e.offender_id = o.id AND e.starts_at < ?2
                             AND MIN(e.ends_at, COALESCE(e.lifted_at, e.ends_at)) > ?1)
             FROM offenders o WHERE o.status <> 'merged' ORDER BY o.id",
        )?;
        let rows = st.query_map(params![ts(from), ts(to)], |r| {
            let created: i64 = r.get(7)?;
            let kind: String = r.get(1)?;
            Ok((
                RegisterExport {
                    id: r.get(0)?,
                    kind: OffenderKind::from_code(&kind)
                        .map_or(kind.clone(), |k| k.label().to_string()),
                    name: r.get(2)?,
                    aliases: vec![],
                    nicknames: list(&r.get::<_, String>(3)?),
                    description: r.get(4)?,
                    markers: list(&r.get::<_, String>(5)?),
                    status: r.get(6)?,
                    created_at: from_ts(created),
                    photo: r.get(8)?,
                    incidents_in_period: r.get(9)?,
                    sightings_in_period: r.get(10)?,
                    exclusions: vec![],
                },
                created >= ts(from) && created < ts(to),
                r.get::<_, bool>(11)?,
            ))
        })?;
        let mut out = vec![];
        for row in rows {
            let (mut o, created_in_period, excluded) = row?;
            if !(created_in_period
                || excluded
                || o.incidents_in_period > 0
                || o.sightings_in_period > 0)
            {
                continue;
            }
            o.aliases = aliases.remove(&o.id).unwrap_or_default();
            o.exclusions = exclusions_of(conn, o.id)?
                .into_iter()
                .filter(|e| e.starts_at < to && e.effective_end() > from)
                .map(|e| ExclusionExport {
                    id: e.id,
                    stage: e.stage.clone(),
                    zones: match &e.scope {
                        Scope::AllZones => "all zones".into(),
                        Scope::Zones(ids) => ids
                            .iter()
                            .map(|z| {
                                zone_names
                                    .get(z)
                                    .cloned()
                                    .unwrap_or_else(|| format!("zone {z}"))
                            })
                            .collect::<Vec<_>>()
                            .join(", "),
                    },
                    starts_at: e.starts_at,
                    ends_at: e.ends_at,
                    served_at: e.served_at,
                    lifted_at: e.lifted_at,
                    reason: e.reason.clone(),
                })
                .collect();
            out.push(o);
        }
        Ok(out)
    }

    /// Every name the register holds or has held under a record still kept
    /// (names, aliases and nicknames, merged records included): what a
    /// redacted export must not contain.
    pub fn register_names(&self) -> Result<Vec<String>> {
        let mut st = self.conn().prepare(
            "SELECT name FROM offenders UNION SELECT alias FROM offender_aliases
             UNION SELECT nicknames FROM offenders WHERE nicknames <> ''",
        )?;
        let mut out = vec![];
        for row in st.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            // nicknames are kept as one comma-separated list
            for n in row.split(',') {
                let n = n.trim();
                if !n.is_empty() {
                    out.push(n.to_string());
                }
            }
        }
        Ok(out)
    }

    /// Audit an export: who and when (the record), what and how many, and
    /// why. Refused without a reason.
    pub fn record_export(
        &mut self,
        what: &str,
        why: &str,
        detail: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let why = tidy_input(why);
        if why.is_empty() {
            return Err(StoreError::Invalid(
                "say why the export is made (--why \"…\"); it is recorded in the audit trail"
                    .into(),
            ));
        }
        self.write(|tx| {
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Export,
                what,
                None,
                &format!("{detail}; why: {why}"),
            )
        })
    }
}
