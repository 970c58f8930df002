//! What the store tests share: a small town of three zones and three members
//! on a real SQLite file in a temporary folder, incidents to log in it, and a
//! connection of our own for counting rows.

#![allow(dead_code)] // each test file uses a different part of this

use crate::support::now as t0;
#[allow(unused_imports)] // each test file that shares this uses its own share of it
pub use crate::support::{count, mins, raw};
use chrono::{DateTime, Utc};
use std::path::PathBuf;
use tempfile::TempDir;
use watchroom::domain::{IncidentFilter, NewIncident, Place, Priority, StatusView};
use watchroom::store::{BoardRow, Operator, Store};

/// A small town: three zones and three members, one operator signed on.
pub struct Town {
    pub _dir: TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub op: Operator,
    pub high_street: i64,
    pub market: i64,
    pub nte: i64,
    pub greggs: i64,
    pub old_bell: i64,
    pub red_lion: i64,
}

pub fn town() -> Town {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchroom.db");
    let mut store = Store::open(&path).unwrap();
    let op = store
        .operator_or_add("Sam Okafor", "operator", t0())
        .unwrap();
    let c = raw(&path);
    let zone = |name: &str, code: &str| {
        c.execute(
            "INSERT INTO zones (name, code) VALUES (?1, ?2)",
            [name, code],
        )
        .unwrap();
        c.last_insert_rowid()
    };
    let high_street = zone("High Street", "HS");
    let market = zone("Market Square", "MS");
    let nte = zone("Night-Time Economy", "NTE");
    let member = |name: &str, kind: &str, zone: i64| {
        c.execute(
            "INSERT INTO members (name, kind, zone_id) VALUES (?1, ?2, ?3)",
            rusqlite::params![name, kind, zone],
        )
        .unwrap();
        c.last_insert_rowid()
    };
    let greggs = member("Greggs", "shop", high_street);
    let old_bell = member("The Old Bell", "pub", market);
    let red_lion = member("The Red Lion", "pub", nte);
    drop(c);
    Town {
        _dir: dir,
        path,
        store,
        op,
        high_street,
        market,
        nte,
        greggs,
        old_bell,
        red_lion,
    }
}

pub fn new_incident(
    kind: &str,
    priority: Priority,
    place: Place,
    summary: &str,
    opened_at: DateTime<Utc>,
) -> NewIncident {
    NewIncident {
        kind: kind.into(),
        priority,
        place,
        summary: summary.into(),
        opened_at,
    }
}

pub fn at_zone(zone: i64) -> Place {
    Place {
        zone_id: Some(zone),
        member_id: None,
        location: String::new(),
    }
}

pub fn at_member(zone: i64, member: i64, location: &str) -> Place {
    Place {
        zone_id: Some(zone),
        member_id: Some(member),
        location: location.into(),
    }
}

pub fn free(location: &str) -> Place {
    Place {
        zone_id: None,
        member_id: None,
        location: location.into(),
    }
}

pub fn ids(rows: &[BoardRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

pub fn all() -> IncidentFilter {
    IncidentFilter {
        status: StatusView::All,
        ..Default::default()
    }
}
