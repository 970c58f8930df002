//! The radios' health over time: every answer on the real roll-calls of the
//! last 90 nights, per radio, and from them, with each radio's zone, the
//! zones' weekly shares. One range of `roll_calls_started` with each
//! roll-call's answers read by their key, so ten years of roll-calls cost no
//! more than the 90 nights asked for. Practice and void roll-calls are left
//! out, as from every figure.

use super::rollcalls::COUNTED;
use super::{from_ts, ts, Result, Store};
use crate::domain::radio_health::{
    night_date, zone_weeks_of, NightAnswer, ZoneWeeks, HEALTH_NIGHTS,
};
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

    /// Each radio's zone now: the zone of the member it is issued to (a
    /// spare has none).
    pub fn radio_zones(&self) -> Result<HashMap<i64, String>> {
        let mut st = self.conn().prepare_cached(
            "SELECT rd.id, z.name FROM radios rd JOIN members m ON m.id = rd.member_id
             JOIN zones z ON z.id = m.zone_id",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Per zone (of the member each radio is issued to now, as the
    /// inventory's coverage is), the share of answers loud and clear in
    /// each of the last twelve ISO weeks up to `now`'s, and its trend; by
    /// zone name. Closed days are not answers. Made from the radios' nights
    /// and their zones: joining every answer to its radio's zone in SQL
    /// costs more than reading the answers.
    pub fn zone_weeks(&self, now: DateTime<Utc>, tz: Tz) -> Result<Vec<ZoneWeeks>> {
        let (tonight, nights) = self.radio_nights(now, tz)?;
        Ok(zone_weeks_of(&nights, &self.radio_zones()?, tonight))
    }
}
