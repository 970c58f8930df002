//! Exclusions: the sanction ladder's rungs as served on people.

use super::history::{self, Owner};
use super::versions::{self, Record};
use super::{audit, from_ts, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::exclusion::{Exclusion, Ladder, Scope};
use crate::domain::history::FieldChange;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Row};

/// What a manager fills in to serve a sanction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExclusion {
    pub offender_id: i64,
    pub stage: String,
    pub scope: Scope,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub served_at: Option<DateTime<Utc>>,
    pub served_by: String,
    pub reason: String,
    /// Incidents that are its evidence.
    pub evidence: Vec<i64>,
    pub review_on: Option<NaiveDate>,
}

/// An exclusion with the name of the person it is on, for the register's lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExclusionRow {
    pub exclusion: Exclusion,
    pub offender: String,
}

const EXCLUSION_COLUMNS: &str =
    "e.id, e.offender_id, e.stage, e.all_zones, e.starts_at, e.ends_at, e.served_at, e.served_by,
     e.reason, e.appeal_lodged_on, e.appeal_outcome, e.review_on, e.lifted_at,
     (SELECT group_concat(zone_id) FROM exclusion_zones WHERE exclusion_id = e.id), e.version,
     e.reviewed_on, e.review_outcome";

use super::stored_day as date;

fn exclusion_row(r: &Row) -> rusqlite::Result<Exclusion> {
    let all: bool = r.get(3)?;
    let zones: Option<String> = r.get(13)?;
    let scope = if all {
        Scope::AllZones
    } else {
        Scope::Zones(
            zones
                .unwrap_or_default()
                .split(',')
                .filter_map(|z| z.parse().ok())
                .collect(),
        )
    };
    Ok(Exclusion {
        id: r.get(0)?,
        offender_id: r.get(1)?,
        stage: r.get(2)?,
        scope,
        starts_at: from_ts(r.get(4)?),
        ends_at: from_ts(r.get(5)?),
        served_at: r.get::<_, Option<i64>>(6)?.map(from_ts),
        served_by: r.get(7)?,
        reason: r.get(8)?,
        appeal_lodged_on: date(r.get(9)?),
        appeal_outcome: r.get(10)?,
        review_on: date(r.get(11)?),
        reviewed_on: date(r.get(15)?),
        review_outcome: r.get(16)?,
        lifted_at: r.get::<_, Option<i64>>(12)?.map(from_ts),
        version: r.get(14)?,
    })
}

/// One exclusion by its number.
pub(crate) fn exclusion_by_id(conn: &rusqlite::Connection, id: i64) -> Result<Option<Exclusion>> {
    use rusqlite::OptionalExtension;
    let sql = format!("SELECT {EXCLUSION_COLUMNS} FROM exclusions e WHERE e.id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], exclusion_row)
        .optional()?)
}

/// The exclusions that could matter to a period: starting before `before`
/// and ending after `after`, of people not merged away, oldest first.
pub(crate) fn exclusions_overlapping(
    conn: &rusqlite::Connection,
    after: DateTime<Utc>,
    before: DateTime<Utc>,
) -> Result<Vec<Exclusion>> {
    let sql = format!(
        "SELECT {EXCLUSION_COLUMNS} FROM exclusions e JOIN offenders o ON o.id = e.offender_id
         WHERE o.merged_into IS NULL AND e.starts_at < ?2 AND e.ends_at > ?1
         ORDER BY e.starts_at, e.id"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params![super::ts(after), super::ts(before)], exclusion_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn exclusions_of(conn: &rusqlite::Connection, offender: i64) -> Result<Vec<Exclusion>> {
    let sql = format!("SELECT {EXCLUSION_COLUMNS} FROM exclusions e WHERE e.offender_id = ?1 ORDER BY e.starts_at DESC");
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map([offender], exclusion_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

impl Store {
    /// Sanctions not yet ended nor lifted whose stage is not on `ladder` (it
    /// was configured differently when they were served): each stage, and
    /// the names of the people holding it. A config problem, said at start.
    pub fn stages_off_ladder(
        &self,
        ladder: &Ladder,
        now: DateTime<Utc>,
    ) -> Result<Vec<(String, Vec<String>)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT e.stage, o.name FROM exclusions e JOIN offenders o ON o.id = e.offender_id
             WHERE e.lifted_at IS NULL AND e.ends_at > ?1 ORDER BY e.stage, o.name",
        )?;
        let rows = st.query_map([ts(now)], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
        let mut out: Vec<(String, Vec<String>)> = vec![];
        for row in rows {
            let (stage, name) = row?;
            if ladder.stage(&stage).is_some() {
                continue;
            }
            match out.last_mut() {
                Some((s, names)) if *s == stage => {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                _ => out.push((stage, vec![name])),
            }
        }
        Ok(out)
    }

    pub fn exclusions_for(&self, offender: i64) -> Result<Vec<Exclusion>> {
        exclusions_of(self.conn(), offender)
    }

    /// Serve a sanction. The stage must be on the scheme's ladder, the dates
    /// the right way round, and every zone and evidence incident must exist.
    pub fn create_exclusion(
        &mut self,
        new: &NewExclusion,
        ladder: &Ladder,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Exclusion> {
        if ladder.stage(&new.stage).is_none() {
            return Err(StoreError::Invalid(format!(
                "“{}” is not a stage of this scheme ({})",
                new.stage,
                ladder.names().join(" → ")
            )));
        }
        if new.ends_at <= new.starts_at {
            return Err(StoreError::Invalid("it ends before it starts".into()));
        }
        if let Scope::Zones(z) = &new.scope {
            if z.is_empty() {
                return Err(StoreError::Invalid(
                    "name at least one zone, or choose all zones".into(),
                ));
            }
        }
        let id = self.write(|tx| {
            let exists: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM offenders WHERE id = ?1 AND status <> 'merged')", [new.offender_id], |r| r.get(0))?;
            if !exists {
                return Err(StoreError::NotFound(format!("offender {}", new.offender_id)));
            }
            tx.execute(
                "INSERT INTO exclusions (offender_id, stage, all_zones, starts_at, ends_at, served_at, served_by, reason, review_on, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    new.offender_id,
                    ladder.stage(&new.stage).map(|s| s.name.clone()).unwrap_or_default(),
                    matches!(new.scope, Scope::AllZones),
                    ts(new.starts_at),
                    ts(new.ends_at),
                    new.served_at.map(ts),
                    crate::domain::text::tidy_input(&new.served_by),
                    crate::domain::text::tidy_input(&new.reason),
                    new.review_on.map(|d| d.to_string()),
                    operator
                ],
            )?;
            let id = tx.last_insert_rowid();
            if let Scope::Zones(zones) = &new.scope {
                for z in zones {
                    super::places::zone_for_new(tx, *z, None)?;
                    tx.execute("INSERT OR IGNORE INTO exclusion_zones (exclusion_id, zone_id) VALUES (?1, ?2)", params![id, z])
                        .map_err(|_| StoreError::Invalid(format!("zone {z} does not exist")))?;
                }
            }
            for i in &new.evidence {
                tx.execute("INSERT OR IGNORE INTO exclusion_incidents (exclusion_id, incident_id) VALUES (?1, ?2)", params![id, i])
                    .map_err(|_| StoreError::Invalid(format!("incident #{i} does not exist")))?;
            }
            audit::append(tx, now, Some(operator), AuditAction::Create, "exclusion", Some(id), &format!("{} on offender {}", new.stage, new.offender_id))?;
            Ok(id)
        })?;
        self.exclusion(id)
    }

    pub fn exclusion(&self, id: i64) -> Result<Exclusion> {
        let sql = format!("SELECT {EXCLUSION_COLUMNS} FROM exclusions e WHERE e.id = ?1");
        self.conn()
            .query_row(&sql, [id], exclusion_row)
            .map_err(|_| StoreError::NotFound(format!("exclusion {id}")))
    }

    pub fn exclusion_evidence(&self, id: i64) -> Result<Vec<i64>> {
        let mut st = self.conn().prepare_cached("SELECT incident_id FROM exclusion_incidents WHERE exclusion_id = ?1 ORDER BY incident_id")?;
        let rows = st.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// End a sanction early. The reason is kept in the exclusion's history
    /// (with when it was lifted), which goes with the person.
    pub fn lift_exclusion(
        &mut self,
        id: i64,
        expected_version: i64,
        reason: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Exclusion> {
        let e = self.exclusion(id)?;
        if !e.in_force(now) {
            return Err(StoreError::Invalid("that exclusion is not in force".into()));
        }
        let reason = crate::domain::text::tidy_input(reason);
        self.write(|tx| {
            versions::check(tx, Record::Exclusion(id), expected_version)?;
            let before = history::fields(tx, Owner::Exclusion(id))?;
            tx.execute(
                "UPDATE exclusions SET lifted_at = ?1 WHERE id = ?2",
                params![ts(now), id],
            )?;
            versions::bump(tx, Record::Exclusion(id), operator, now)?;
            let mut changes =
                crate::domain::history::diff(&before, &history::fields(tx, Owner::Exclusion(id))?);
            if !reason.is_empty() {
                changes.push(FieldChange::new("lift reason", "", reason.as_str()));
            }
            history::record(tx, Owner::Exclusion(id), now, operator, &changes)?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Lift,
                "exclusion",
                Some(id),
                // the reason is free text and the chained trail is never pruned: no names in it
                if reason.is_empty() {
                    "no reason given"
                } else {
                    "reason recorded"
                },
            )?;
            Ok(())
        })?;
        self.exclusion(id)
    }

    /// Record an appeal being lodged, and later its outcome, on the version
    /// of the exclusion the operator had.
    pub fn record_appeal(
        &mut self,
        id: i64,
        expected_version: i64,
        lodged_on: NaiveDate,
        outcome: Option<&str>,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Exclusion> {
        self.exclusion(id)?;
        self.write(|tx| {
            versions::check(tx, Record::Exclusion(id), expected_version)?;
            let before = history::fields(tx, Owner::Exclusion(id))?;
            tx.execute(
                "UPDATE exclusions SET appeal_lodged_on = ?1, appeal_outcome = ?2 WHERE id = ?3",
                params![
                    lodged_on.to_string(),
                    outcome.map(crate::domain::text::tidy_input),
                    id
                ],
            )?;
            versions::bump(tx, Record::Exclusion(id), operator, now)?;
            history::record_since(tx, Owner::Exclusion(id), &before, now, operator)?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Appeal,
                "exclusion",
                Some(id),
                if outcome.is_some() {
                    "outcome recorded"
                } else {
                    "lodged"
                },
            )?;
            Ok(())
        })?;
        self.exclusion(id)
    }

    /// Sanctions whose review has come or falls within `days` of `today`
    /// (the scheme's day), not ended nor lifted by `now`: soonest first.
    pub fn reviews_due(
        &self,
        today: NaiveDate,
        days: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<ExclusionRow>> {
        let until = (today + chrono::Duration::days(days)).to_string();
        let sql = format!(
            "SELECT {EXCLUSION_COLUMNS}, o.name FROM exclusions e JOIN offenders o ON o.id = e.offender_id
             WHERE e.review_on IS NOT NULL AND e.review_on <= ?1
               AND e.ends_at > ?2 AND (e.lifted_at IS NULL OR e.lifted_at > ?2)
             ORDER BY e.review_on, e.id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(params![until, ts(now)], |r| {
            Ok(ExclusionRow {
                exclusion: exclusion_row(r)?,
                offender: r.get(17)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Record an exclusion's review on the version the operator had: the
    /// day it was held (`today`), its outcome, and the next review date, or
    /// none. The next must not be before today. Audited, and kept in the
    /// exclusion's history.
    #[allow(clippy::too_many_arguments)]
    pub fn record_review(
        &mut self,
        id: i64,
        expected_version: i64,
        outcome: &str,
        next: Option<NaiveDate>,
        today: NaiveDate,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Exclusion> {
        let outcome = crate::domain::text::tidy_input(outcome);
        if outcome.is_empty() {
            return Err(StoreError::Invalid(
                "outcome: say what the review decided".into(),
            ));
        }
        if let Some(n) = next.filter(|&n| n < today) {
            return Err(StoreError::Invalid(format!(
                "next review: {n} is in the past; give a day from {today} on, or none"
            )));
        }
        self.exclusion(id)?;
        self.write(|tx| {
            versions::check(tx, Record::Exclusion(id), expected_version)?;
            let before = history::fields(tx, Owner::Exclusion(id))?;
            tx.execute(
                "UPDATE exclusions SET reviewed_on = ?1, review_outcome = ?2, review_on = ?3 WHERE id = ?4",
                params![today.to_string(), outcome, next.map(|n| n.to_string()), id],
            )?;
            versions::bump(tx, Record::Exclusion(id), operator, now)?;
            history::record_since(tx, Owner::Exclusion(id), &before, now, operator)?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Review,
                "exclusion",
                Some(id),
                if next.is_some() {
                    "reviewed, next review set"
                } else {
                    "reviewed"
                },
            )?;
            Ok(())
        })?;
        self.exclusion(id)
    }

    /// Sanctions in force now, those ending soonest first.
    pub fn exclusions_in_force(&self, now: DateTime<Utc>) -> Result<Vec<ExclusionRow>> {
        let sql = format!(
            "SELECT {EXCLUSION_COLUMNS}, o.name FROM exclusions e JOIN offenders o ON o.id = e.offender_id
             WHERE e.starts_at <= ?1 AND e.ends_at > ?1 AND (e.lifted_at IS NULL OR e.lifted_at > ?1)
             ORDER BY MIN(e.ends_at, COALESCE(e.lifted_at, e.ends_at)), e.id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map([ts(now)], |r| {
            Ok(ExclusionRow {
                exclusion: exclusion_row(r)?,
                offender: r.get(17)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
