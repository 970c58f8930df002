//! The radios' health over time: every answer on the real roll-calls of the
//! last 90 nights, per radio, and the same nights' answers per zone summed
//! up roll-call by roll-call for the weekly shares. Both are one range of
//! `roll_calls_started` with each roll-call's answers read by their key, so
//! ten years of roll-calls cost no more than the 90 nights asked for.
//! Practice and void roll-calls are left out, as from every figure.

use super::rollcalls::COUNTED;
use super::{from_ts, ts, Result, Store};
use crate::domain::radio_health::{night_date, zone_weeks, NightAnswer, ZoneWeeks, HEALTH_NIGHTS};
use crate::domain::rollcall::{night_of, Answer};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

/// The first instant worth reading for the nights up to `now`'s: the
/// sparklines' 90 nights cover the zones' twelve weeks too. A day more, so
/// a change of the clocks cannot cut off the first night; the domain's
/// rules keep to their nights exactly.
fn since(now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    night_of(now, tz).0 - Duration::days(HEALTH_NIGHTS)
}

impl Store {
    /// Each radio's answers on the real roll-calls of the last
    /// [`HEALTH_NIGHTS`] nights up to `now`'s, oldest first, each with its
    /// night in `tz`; and tonight's date, which the nights count back from.
    pub fn radio_nights(
        &self,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Result<(NaiveDate, HashMap<i64, Vec<NightAnswer>>)> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT a.radio_id, r.started_at, a.answer FROM roll_calls r
             JOIN roll_call_answers a ON a.roll_call_id = r.id
             WHERE r.started_at >= ?1 AND {COUNTED}
             ORDER BY r.started_at, r.id"
        ))?;
        let mut out: HashMap<i64, Vec<NightAnswer>> = HashMap::new();
        // one night a roll-call: worked out once for its answers
        let mut last: Option<(i64, NaiveDate)> = None;
        let rows = st.query_map([ts(since(now, tz))], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (radio, at, code) = row?;
            let night = match last {
                Some((t, n)) if t == at => n,
                _ => {
                    let n = night_date(from_ts(at), tz);
                    last = Some((at, n));
                    n
                }
            };
            if let Some(answer) = Answer::from_code(&code) {
                out.entry(radio)
                    .or_default()
                    .push(NightAnswer { night, answer });
            }
        }
        Ok((night_date(now, tz), out))
    }

    /// Per zone (of the member each radio is issued to now, as the
    /// inventory's coverage is), the share of answers loud and clear in
    /// each of the last twelve ISO weeks up to `now`'s, and its trend; by
    /// zone name. Closed days are not answers.
    pub fn zone_weeks(&self, now: DateTime<Utc>, tz: Tz) -> Result<Vec<ZoneWeeks>> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT z.name, r.started_at, COALESCE(SUM(a.readability = 5), 0), COUNT(*) FROM roll_calls r
             JOIN roll_call_answers a ON a.roll_call_id = r.id
             JOIN radios rd ON rd.id = a.radio_id JOIN members m ON m.id = rd.member_id
             JOIN zones z ON z.id = m.zone_id
             WHERE r.started_at >= ?1 AND {COUNTED} AND a.answer <> 'closed'
             GROUP BY r.id, z.name ORDER BY z.name, r.started_at"
        ))?;
        let rows = st.query_map([ts(since(now, tz))], |r| {
            Ok((
                r.get::<_, String>(0)?,
                night_date(from_ts(r.get(1)?), tz),
                r.get::<_, i64>(2)?.max(0) as usize,
                r.get::<_, i64>(3)?.max(0) as usize,
            ))
        })?;
        let rows: Vec<_> = rows.collect::<rusqlite::Result<_>>()?;
        Ok(zone_weeks(&rows, night_date(now, tz)))
    }
}
