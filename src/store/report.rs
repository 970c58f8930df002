//! The committee report's figures: each a grouped aggregate over an indexed
//! range (incidents by `opened_at`, sightings by `at`, roll-calls by
//! `started_at`, police data by month), so a year of a million-incident
//! store is read in one pass per table, never row by row in Rust.

use super::{from_ts, ts, Result, Store};
use crate::domain::exclusion::Ladder;
use crate::domain::governance::GovernanceFigures;
use crate::domain::police::{PoliceCoverage, PoliceRules};
use crate::domain::report::{
    incidents_from_cells, police_beside_scheme, worst_zones, Count, Hits, IncidentCell, Members,
    MonthCount, MonthSpan, Offenders, PeriodInfo, Radios, Report, ReportPeriod, RollCallMonth,
    RollCalls, ZoneShare,
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::params_from_iter;
use rusqlite::types::Value;
use std::collections::{HashMap, HashSet};

/// `WITH months(i, s, e) AS (VALUES (0, ?, ?), …)`: the period's months as
/// `[start, end)` instants, joined to a table's indexed time column so each
/// month is one range of the index.
fn months_cte(spans: &[MonthSpan]) -> (String, Vec<Value>) {
    let mut sql = String::from("WITH months(i, s, e) AS (VALUES ");
    let mut values = Vec::with_capacity(spans.len() * 2);
    for (i, m) in spans.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("({i}, ?, ?)"));
        values.push(Value::Integer(ts(m.start)));
        values.push(Value::Integer(ts(m.end)));
    }
    sql.push_str(") ");
    (sql, values)
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

impl Store {
    /// The committee report for `period` (whole days in `tz`). `ladder` says
    /// which sanctions exclude; radio figures are as they stand at `now`.
    pub fn report(
        &self,
        period: &ReportPeriod,
        tz: Tz,
        ladder: &Ladder,
        now: DateTime<Utc>,
    ) -> Result<Report> {
        self.report_with(period, tz, ladder, &PoliceRules::default(), now)
    }

    /// The committee report, its police figures for the area and with the
    /// pairing of incident types in `police` (the config's `[police]`).
    pub fn report_with(
        &self,
        period: &ReportPeriod,
        tz: Tz,
        ladder: &Ladder,
        police: &PoliceRules,
        now: DateTime<Utc>,
    ) -> Result<Report> {
        // one read transaction: every figure from the same snapshot, whatever
        // other consoles commit while the report is being read
        let conn = &self.conn().unchecked_transaction()?;
        let (start, end) = period.bounds(tz);
        let (start, end) = (ts(start), ts(end));
        let spans = period.month_spans(tz);
        let months: Vec<String> = spans.iter().map(|s| s.month.clone()).collect();
        let (cte, month_params) = months_cte(&spans);

        // incidents by month, type and zone, with their losses: one pass over
        // the period's range of incidents_opened
        let zones: HashMap<i64, String> = {
            let mut st = conn.prepare_cached("SELECT id, name FROM zones")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let cells: Vec<IncidentCell> = {
            let sql = format!(
                "{cte}SELECT months.i, i.kind, i.zone_id, COUNT(*), SUM(i.loss_pence), SUM(i.recovery_pence), SUM(i.loss_pence > 0)
                 FROM months CROSS JOIN incidents i INDEXED BY incidents_opened
                 WHERE i.opened_at >= months.s AND i.opened_at < months.e
                 GROUP BY months.i, i.kind, i.zone_id"
            );
            let mut st = conn.prepare_cached(&sql)?;
            let rows = st.query_map(params_from_iter(month_params.iter()), |r| {
                let zone: Option<i64> = r.get(2)?;
                Ok(IncidentCell {
                    month: r.get::<_, i64>(0)? as usize,
                    kind: r.get(1)?,
                    // a zone since removed is still a place, just unnamed
                    zone: zone.map(|z| {
                        zones
                            .get(&z)
                            .cloned()
                            .unwrap_or_else(|| format!("zone {z}"))
                    }),
                    count: count(r.get(3)?),
                    loss_pence: r.get(4)?,
                    recovered_pence: r.get(5)?,
                    with_loss: count(r.get(6)?),
                })
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let (incidents, losses) = incidents_from_cells(&cells, &months);

        // people active: seen on camera, or named on an incident opened, in the period
        let active: i64 = conn.query_row(
            "SELECT COUNT(*) FROM (
                 SELECT offender_id FROM sightings INDEXED BY sightings_at
                 WHERE at >= ?1 AND at < ?2 AND offender_id IS NOT NULL
                 UNION
                 SELECT io.offender_id FROM incident_offenders io JOIN incidents i ON i.id = io.incident_id
                 WHERE i.opened_at >= ?1 AND i.opened_at < ?2
             )",
            [start, end],
            |r| r.get(0),
        )?;
        let new: i64 = conn.query_row(
            "SELECT COUNT(*) FROM offenders WHERE created_at >= ?1 AND created_at < ?2 AND status <> 'merged'",
            [start, end],
            |r| r.get(0),
        )?;
        // sanctions in force at some point of the period: begun before it
        // ends, not ended (or lifted) before it starts, and not lifted before
        // they began
        let in_force: Vec<(i64, String)> = {
            let mut st = conn.prepare_cached(
                "SELECT offender_id, stage FROM exclusions
                 WHERE starts_at < ?2
                   AND MIN(ends_at, COALESCE(lifted_at, ends_at)) > ?1
                   AND MIN(ends_at, COALESCE(lifted_at, ends_at)) > starts_at",
            )?;
            let rows = st.query_map([start, end], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let excluded = in_force
            .iter()
            .filter(|(_, stage)| ladder.excludes(stage))
            .map(|(o, _)| *o)
            .collect::<HashSet<i64>>()
            .len();
        let issued: Vec<(String, i64)> = {
            let mut st = conn.prepare_cached(
                "SELECT stage, COUNT(*) FROM exclusions WHERE starts_at >= ?1 AND starts_at < ?2 GROUP BY stage",
            )?;
            let rows = st.query_map([start, end], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        // ladder order, every stage shown; a stage configured away since comes last
        let mut sanctions: Vec<Count> = ladder
            .stages
            .iter()
            .map(|s| Count {
                label: s.name.clone(),
                count: 0,
            })
            .collect();
        for (stage, n) in &issued {
            match sanctions
                .iter_mut()
                .find(|c| c.label.eq_ignore_ascii_case(stage))
            {
                Some(c) => c.count += count(*n),
                None => sanctions.push(Count {
                    label: stage.clone(),
                    count: count(*n),
                }),
            }
        }
        let exclusions_issued = sanctions
            .iter()
            .filter(|c| ladder.excludes(&c.label))
            .map(|c| c.count)
            .sum();

        // hits raised in the period, by kind and outcome, and by month; every
        // status is named so the range on raised_at is read from hits_open
        // (status, raised_at) rather than the whole table
        let hit_rows: Vec<(String, String, u64)> = {
            let mut st = conn.prepare_cached(
                "SELECT kind, status, COUNT(*) FROM hits
                 WHERE status IN ('new', 'accepted', 'rejected') AND raised_at >= ?1 AND raised_at < ?2
                 GROUP BY kind, status",
            )?;
            let rows = st.query_map([start, end], |r| {
                Ok((r.get(0)?, r.get(1)?, count(r.get(2)?)))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let hits_by_month = {
            let sql = format!(
                "{cte}SELECT months.i, COUNT(h.id) FROM months LEFT JOIN hits h
                 ON h.status IN ('new', 'accepted', 'rejected') AND h.raised_at >= months.s AND h.raised_at < months.e
                 GROUP BY months.i ORDER BY months.i"
            );
            let mut st = conn.prepare_cached(&sql)?;
            let rows = st.query_map(params_from_iter(month_params.iter()), |r| {
                Ok((r.get::<_, i64>(0)? as usize, count(r.get(1)?)))
            })?;
            let mut by_month: Vec<MonthCount> = months
                .iter()
                .map(|m| MonthCount {
                    month: m.clone(),
                    count: 0,
                })
                .collect();
            for row in rows {
                let (i, n) = row?;
                if let Some(m) = by_month.get_mut(i) {
                    m.count = n;
                }
            }
            by_month
        };
        let mut hits = Hits::from_rows(&hit_rows, hits_by_month);
        {
            hits.false_by_camera = super::sightings::false_by_camera(conn, start, end)?
                .into_iter()
                .map(|(label, n)| Count {
                    label,
                    count: count(n),
                })
                .collect();
            hits.false_people = conn.query_row(
                "SELECT COUNT(*), COALESCE(SUM(n > 1), 0), COALESCE(MAX(n), 0) FROM
                 (SELECT COUNT(*) AS n FROM hits
                  WHERE status = 'rejected' AND raised_at >= ?1 AND raised_at < ?2
                  GROUP BY offender_id)",
                [start, end],
                |r| {
                    Ok(crate::domain::report::FalsePeople {
                        people: count(r.get(0)?),
                        more_than_once: count(r.get(1)?),
                        most_for_one: count(r.get(2)?),
                    })
                },
            )?;
        }

        // finished roll-calls, practice and void ones left out, by month
        let roll_calls = {
            use super::rollcalls::COUNTED;
            let sql = format!(
                "{cte}SELECT months.i, COUNT(r.id), TOTAL(r.expected), TOTAL(r.answered), TOTAL(r.nothing_heard), TOTAL(r.closed)
                 FROM months LEFT JOIN roll_calls r
                 ON r.started_at >= months.s AND r.started_at < months.e AND {COUNTED}
                 GROUP BY months.i ORDER BY months.i"
            );
            let mut st = conn.prepare_cached(&sql)?;
            let rows = st.query_map(params_from_iter(month_params.iter()), |r| {
                let n =
                    |k: usize| -> rusqlite::Result<u64> { Ok(r.get::<_, f64>(k)?.max(0.0) as u64) };
                Ok((
                    r.get::<_, i64>(0)? as usize,
                    count(r.get(1)?),
                    n(2)?,
                    n(3)?,
                    n(4)?,
                    n(5)?,
                ))
            })?;
            let mut by_month: Vec<RollCallMonth> = months
                .iter()
                .map(|m| RollCallMonth::new(m.clone(), 0, 0, 0, 0, 0))
                .collect();
            for row in rows {
                let (i, held, called, answered, nothing, closed) = row?;
                if let Some(m) = by_month.get_mut(i) {
                    *m = RollCallMonth::new(
                        m.month.clone(),
                        held,
                        called,
                        answered,
                        nothing,
                        closed,
                    );
                }
            }
            let mut calls = RollCalls::from_months(by_month);
            calls.practice = count(conn.query_row(
                "SELECT COUNT(*) FROM roll_calls r WHERE r.practice = 1 AND r.voided_at IS NULL
                   AND r.finished_at IS NOT NULL AND r.started_at >= ?1 AND r.started_at < ?2",
                [start, end],
                |r| r.get(0),
            )?);
            (calls.relays, calls.weak, calls.late) = conn.query_row(
                &format!(
                    "SELECT TOTAL(r.relays), TOTAL(r.weak), TOTAL(r.late) FROM roll_calls r
                     WHERE r.started_at >= ?1 AND r.started_at < ?2 AND {COUNTED}"
                ),
                [start, end],
                |r| {
                    let n = |k: usize| -> rusqlite::Result<u64> {
                        Ok(r.get::<_, f64>(k)?.max(0.0) as u64)
                    };
                    Ok((n(0)?, n(1)?, n(2)?))
                },
            )?;
            // by the zone of the member each radio is issued to now, as
            // the console's coverage by zone is; summed per radio first, so
            // each radio's zone is looked up once rather than per answer
            let mut st = conn.prepare_cached(&format!(
                "SELECT z.name, SUM(x.loud), SUM(x.answers) FROM
                   (SELECT a.radio_id AS radio_id, COALESCE(SUM(a.readability = 5), 0) AS loud,
                           COUNT(*) AS answers
                    FROM roll_calls r JOIN roll_call_answers a ON a.roll_call_id = r.id
                    WHERE r.started_at >= ?1 AND r.started_at < ?2 AND {COUNTED} AND a.answer <> 'closed'
                    GROUP BY a.radio_id) x
                 JOIN radios rd ON rd.id = x.radio_id JOIN members m ON m.id = rd.member_id
                 JOIN zones z ON z.id = m.zone_id
                 GROUP BY z.name"
            ))?;
            let zones = st.query_map([start, end], |r| {
                Ok(ZoneShare::new(
                    r.get(0)?,
                    count(r.get(1)?),
                    count(r.get(2)?),
                ))
            })?;
            calls.worst_zones = worst_zones(zones.collect::<Result<_, _>>()?);
            calls
        };

        // the radio network as it stands, and faults reported in the period
        let radio_rows: Vec<(String, u64)> = {
            let mut st =
                conn.prepare_cached("SELECT status, COUNT(*) FROM radios GROUP BY status")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, count(r.get(1)?))))?;
            rows.collect::<Result<_, _>>()?
        };
        let faults: i64 = conn.query_row(
            "SELECT COUNT(*) FROM radio_status_history WHERE to_status = 'faulty' AND at >= ?1 AND at < ?2",
            [start, end],
            |r| r.get(0),
        )?;
        let mut radios = Radios::from_statuses(&radio_rows, count(faults));
        radios.to_recover = {
            let mut st = conn.prepare_cached(
                "SELECT r.call_sign, m.name, m.status FROM radios r JOIN members m ON m.id = r.member_id
                 WHERE r.status IN ('issued', 'faulty') AND m.status IN ('lapsed', 'left')
                 ORDER BY r.call_sign",
            )?;
            let rows = st.query_map([], |r| {
                Ok(format!(
                    "{} ({}, {})",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?
                ))
            })?;
            rows.collect::<Result<_, _>>()?
        };

        // membership: dates are the scheme's days, stored as YYYY-MM-DD. A
        // member counts from the day it joined (pending applications never)
        // until the day it lapsed or left; one lapsed with no date is gone.
        let (from, to) = (period.from.to_string(), period.to.to_string());
        let at_end = "(status <> 'pending' AND (joined_on IS NULL OR joined_on <= ?2)
              AND NOT (status IN ('lapsed', 'left') AND (left_on IS NULL OR left_on <= ?2)))";
        let during = "(status <> 'pending' AND (joined_on IS NULL OR joined_on <= ?2)
              AND NOT (status IN ('lapsed', 'left') AND (left_on IS NULL OR left_on < ?1)))";
        let (joined, lapsed, total_at_end, members_during): (i64, i64, i64, i64) = conn.query_row(
            &format!(
                "SELECT
                     COALESCE(SUM(status <> 'pending' AND joined_on >= ?1 AND joined_on <= ?2), 0),
                     COALESCE(SUM(status IN ('lapsed', 'left') AND left_on >= ?1 AND left_on <= ?2), 0),
                     COALESCE(SUM({at_end}), 0),
                     COALESCE(SUM({during}), 0)
                 FROM members"
            ),
            [&from, &to],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        // members who reported anything: those named on the period's
        // incidents (one pass over its range of incidents_opened)
        let reporting: i64 = conn.query_row(
            &format!(
                "SELECT COUNT(*) FROM members WHERE {during} AND id IN (
                     SELECT member_id FROM incidents INDEXED BY incidents_opened
                     WHERE opened_at >= ?3 AND opened_at < ?4)"
            ),
            rusqlite::params![&from, &to, start, end],
            |r| r.get(0),
        )?;
        let members = Members::new(
            count(joined),
            count(lapsed),
            count(total_at_end),
            count(members_during),
            count(reporting),
        );

        // police open data for the period's months, the compared types only
        let police_rows: Vec<(String, String, u64)> = {
            let types: Vec<String> = police
                .pairing
                .pairs()
                .iter()
                .map(|(t, _)| t.to_lowercase())
                .collect();
            let mut st = conn.prepare_cached(
                "SELECT month, crime_type, COUNT(*) FROM police_crimes
                 WHERE month >= ?1 AND month <= ?2 GROUP BY month, crime_type",
            )?;
            let first = months.first().cloned().unwrap_or_default();
            let last = months.last().cloned().unwrap_or_default();
            let rows = st.query_map([first, last], |r| {
                Ok((r.get(0)?, r.get(1)?, count(r.get(2)?)))
            })?;
            let mut kept = vec![];
            for row in rows {
                let row: (String, String, u64) = row?;
                if types.contains(&row.1.trim().to_lowercase()) {
                    kept.push(row);
                }
            }
            kept
        };
        let police_coverage = {
            let mut st = conn.prepare_cached(
                "SELECT month, area FROM police_months WHERE month >= ?1 AND month <= ?2
                 UNION SELECT DISTINCT month, '' FROM police_crimes
                 WHERE month >= ?1 AND month <= ?2
                   AND month NOT IN (SELECT month FROM police_months)",
            )?;
            let first = months.first().cloned().unwrap_or_default();
            let last = months.last().cloned().unwrap_or_default();
            let held: Vec<(String, String)> = st
                .query_map([first, last], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            PoliceCoverage::new(police.area.as_ref(), &held, &months)
        };
        let police_series = police_beside_scheme(&police_rows, &cells, &months, &police.pairing);

        // governance: a handful of rows each, summed up in the domain
        let governance = GovernanceFigures::from_records(
            &self.agreements()?,
            &self.breaches()?,
            &self.policy_documents()?,
            period.to,
            from_ts(start),
            from_ts(end),
        );

        let releases = crate::domain::evidence::ReleaseFigures::from_rows(
            &self.evidence_releases(from_ts(start), from_ts(end))?,
        );

        Ok(Report {
            period: PeriodInfo {
                from: period.from,
                to: period.to,
                time_zone: tz.name().to_string(),
                made_on: now.with_timezone(&tz).date_naive(),
                months,
            },
            incidents,
            losses,
            offenders: Offenders {
                active: count(active),
                new: count(new),
                excluded: excluded as u64,
                sanctions_issued: sanctions,
                exclusions_issued,
            },
            hits,
            roll_calls,
            radios,
            members,
            police: police_series,
            police_coverage,
            governance,
            releases,
        })
    }
}
