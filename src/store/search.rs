//! What the offender search index reads from the store, whole or by change.
//!
//! # Keeping a console's index up to date
//!
//! Triggers on `offenders` and `offender_aliases` (schema 13) give a record
//! the next change number whenever it or one of its aliases is added,
//! changed or deleted, by any writer on any connection: `register_changes`
//! holds one row per record, its newest number. A console remembers the
//! newest number it has read ([`RegisterMark`]); when the register changes it
//! reads only the records numbered after it, re-prepares those entries and
//! takes out the ones erased or merged into another. Numbers are given inside
//! the writing transaction, and writes queue on SQLite's write lock, so they
//! only grow and a change never lands below a mark already read.
//!
//! What it cannot tell: a store file replaced under a running console (a
//! restore) whose numbers went past the console's mark. Numbers that went
//! back are seen, and the index is made afresh.

use super::offenders::{get_offender, offender_row, OFFENDER_COLUMNS};
use super::{ts, Result, Store};
use crate::domain::offender::Offender;
use crate::domain::search::SearchEntry;
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use std::collections::HashMap;

/// How far a console's index has read the register's changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegisterMark(Option<i64>);

/// What changed on the register after a change number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterChanges {
    /// The newest change read: the number to ask from next time.
    pub upto: i64,
    /// Records added or changed, as search sees them.
    pub changed: Vec<SearchEntry>,
    /// Records gone from the register: erased, or merged into another.
    pub removed: Vec<i64>,
    /// Every activity figure that is not 0, as a rebuild would read them:
    /// they move with time and with incidents, not only with the record.
    pub activity: HashMap<i64, i64>,
}

/// What a console's search index needs to catch up with the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterRead {
    Unchanged,
    /// The records changed since the mark.
    Changes(RegisterChanges),
    /// Every current record, to build the index afresh.
    Whole(Vec<SearchEntry>),
}

/// incidents + sightings in the 90 days before `now`, by offender.
fn activity(conn: &Connection, now: DateTime<Utc>) -> Result<HashMap<i64, i64>> {
    let since = ts(now - Duration::days(90));
    let mut activity = HashMap::new();
    let mut st = conn.prepare_cached(
        "SELECT io.offender_id, COUNT(*) FROM incident_offenders io JOIN incidents i ON i.id = io.incident_id
         WHERE i.opened_at >= ?1 GROUP BY io.offender_id
         UNION ALL
         SELECT offender_id, COUNT(*) FROM sightings WHERE at >= ?1 AND offender_id IS NOT NULL GROUP BY offender_id",
    )?;
    for row in st.query_map([since], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (id, n) = row?;
        *activity.entry(id).or_default() += n;
    }
    Ok(activity)
}

fn entry(o: Offender, activity: &HashMap<i64, i64>) -> SearchEntry {
    SearchEntry {
        id: o.id,
        kind: o.kind,
        activity: activity.get(&o.id).copied().unwrap_or(0),
        aliases: o.aliases,
        name: o.name,
        nicknames: o.nicknames,
        markers: o.markers,
        description: o.description,
    }
}

fn newest_change(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM register_changes")?
        .query_row([], |r| r.get(0))?)
}

impl Store {
    /// Every current (not merged) record, as the search index needs it.
    pub fn search_entries(&self, now: DateTime<Utc>) -> Result<Vec<SearchEntry>> {
        let conn = self.conn();
        let activity = activity(conn, now)?;
        let mut aliases: HashMap<i64, Vec<String>> = HashMap::new();
        let mut st =
            conn.prepare("SELECT offender_id, alias FROM offender_aliases ORDER BY rowid")?;
        for row in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, a) = row?;
            aliases.entry(id).or_default().push(a);
        }
        let mut st = conn.prepare(&format!(
            "SELECT {OFFENDER_COLUMNS} FROM offenders WHERE status <> 'merged'"
        ))?;
        let rows = st.query_map([], offender_row)?;
        let mut out = vec![];
        for o in rows {
            let mut o = o?;
            o.aliases = aliases.remove(&o.id).unwrap_or_default();
            out.push(entry(o, &activity));
        }
        Ok(out)
    }

    /// The records changed after change number `seen`, each read once
    /// however often it changed (through the `register_changes_seq` index).
    pub fn register_changes_since(&self, seen: i64, now: DateTime<Utc>) -> Result<RegisterChanges> {
        let conn = self.conn();
        let mut st = conn.prepare_cached(
            "SELECT offender_id, seq FROM register_changes WHERE seq > ?1 ORDER BY seq",
        )?;
        let ids: Vec<(i64, i64)> = st
            .query_map([seen], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let activity = activity(conn, now)?;
        let mut changes = RegisterChanges {
            upto: ids.last().map_or(seen, |&(_, seq)| seq),
            changed: vec![],
            removed: vec![],
            activity: HashMap::new(),
        };
        for (id, _) in ids {
            match get_offender(conn, id)? {
                Some(o) if o.status != "merged" => changes.changed.push(entry(o, &activity)),
                _ => changes.removed.push(id),
            }
        }
        changes.activity = activity;
        Ok(changes)
    }

    /// Whether the register changed after `mark` (here or on another
    /// console): one look at an index, cheap enough for every commit seen.
    pub fn register_changed_since(&self, mark: RegisterMark) -> Result<bool> {
        Ok(mark.0 != Some(newest_change(self.conn())?))
    }

    /// What a search index of `len` entries, read up to `mark`, needs to
    /// catch up with the register: nothing, only the records changed since
    /// (read once each), or everything (the first time, when the numbers
    /// went back, or when there is too much to read one record at a time);
    /// with the mark to read from next time. One snapshot: no change lands
    /// between the number and the records.
    pub fn read_register(
        &self,
        mark: RegisterMark,
        len: usize,
        now: DateTime<Utc>,
    ) -> Result<(RegisterRead, RegisterMark)> {
        let tx = self.conn().unchecked_transaction()?;
        let newest = newest_change(&tx)?;
        let in_place = match mark.0 {
            Some(seen) if seen == newest => return Ok((RegisterRead::Unchanged, mark)),
            Some(seen) if seen < newest => {
                let count: i64 = tx
                    .prepare_cached("SELECT COUNT(*) FROM register_changes WHERE seq > ?1")?
                    .query_row([seen], |r| r.get(0))?;
                // past a quarter of the register, one read of it all is quicker
                (count as usize) * 4 <= len.max(64)
            }
            _ => false,
        };
        let read = if in_place {
            RegisterRead::Changes(self.register_changes_since(mark.0.unwrap_or(0), now)?)
        } else {
            RegisterRead::Whole(self.search_entries(now)?)
        };
        tx.finish()?;
        Ok((read, RegisterMark(Some(newest))))
    }
}
