//! Zones and members as the incident forms and filters need them.

use super::{Result, Store};
use crate::domain::{Member, Zone};

impl Store {
    pub fn zones(&self) -> Result<Vec<Zone>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT id, name FROM zones ORDER BY name")?;
        let rows = st.query_map([], |r| {
            Ok(Zone {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Active and pending members (the ones an incident can be reported at).
    pub fn members(&self) -> Result<Vec<Member>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, name, kind, zone_id FROM members WHERE status IN ('active','pending') ORDER BY name",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Member {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                zone_id: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
