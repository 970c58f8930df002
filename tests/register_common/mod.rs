//! What the register tests share: a small town of two zones, a camera on each
//! and a mobile van, with one CCTV operator, on a real SQLite file in a
//! temporary folder; people to put on its register, bans and sightings; and
//! reading back what a refusal wrote (nothing) with a connection of our own.

#![allow(dead_code)] // each test file uses a different part of this

use crate::support::now as t0;
#[allow(unused_imports)] // each test file that shares this uses its own share of it
pub use crate::support::{count, days, mins, raw};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use watchroom::domain::exclusion::{Finding, Ladder, Scope};
use watchroom::domain::offender::{Offender, OffenderInput, OffenderKind};
use watchroom::domain::sighting::NewSighting;
use watchroom::domain::{NewIncident, Place, Priority};
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::sightings::{HitRules, SightingOutcome};
use watchroom::store::{Store, StoreError};

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn count_for(path: &Path, table: &str, offender: i64) -> i64 {
    count(
        path,
        &format!("SELECT COUNT(*) FROM {table} WHERE offender_id = {offender}"),
    )
}

/// Every row of a query, for comparing whole tables.
pub fn all_rows(path: &Path, sql: &str) -> Vec<Vec<Value>> {
    let c = raw(path);
    let mut st = c.prepare(sql).unwrap();
    let n = st.column_count();
    st.query_map([], |r| {
        (0..n)
            .map(|i| r.get::<_, Value>(i))
            .collect::<Result<_, _>>()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Row counts of everything a refused write might have touched.
pub fn footprint(path: &Path) -> Vec<i64> {
    [
        "offenders",
        "offender_aliases",
        "exclusions",
        "exclusion_zones",
        "exclusion_incidents",
        "sightings",
        "hits",
        "incident_offenders",
        "audit",
    ]
    .iter()
    .map(|t| count(path, &format!("SELECT COUNT(*) FROM {t}")))
    .collect()
}

pub fn invalid_message<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The refusal of a save made on an old copy: who had changed it since.
pub fn stale_by<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Stale(s)) => s.by,
        other => panic!("expected a stale refusal, got {other:?}"),
    }
}

/// A small town: two zones, a camera on each and a mobile van, one CCTV operator.
pub struct Town {
    pub _dir: TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub op: i64,
    pub high_street: i64,
    pub market: i64,
    pub cam_high_street: i64,
    pub cam_market: i64,
    pub van: i64,
}

pub fn town() -> Town {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchroom.db");
    let mut store = Store::open(&path).unwrap();
    let op = store
        .operator_or_add("Sam Okafor", "cctv", t0())
        .unwrap()
        .id;
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
    drop(c);
    let cam_high_street = store
        .add_camera("Cam 1 High Street", Some(high_street), true, op, t0())
        .unwrap()
        .id;
    let cam_market = store
        .add_camera("Cam 3 Market Square", Some(market), false, op, t0())
        .unwrap()
        .id;
    let van = store
        .add_camera("Mobile van", None, false, op, t0())
        .unwrap()
        .id;
    Town {
        _dir: dir,
        path,
        store,
        op,
        high_street,
        market,
        cam_high_street,
        cam_market,
        van,
    }
}

pub fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

pub fn known_input(name: &str, aliases: &[&str], markers: &[&str]) -> OffenderInput {
    OffenderInput {
        name: name.into(),
        aliases: strings(aliases),
        nicknames: vec![],
        description: "slim build, grey hoodie".into(),
        markers: strings(markers),
        photo_path: String::new(),
    }
}

impl Town {
    pub fn person(&mut self, name: &str, aliases: &[&str], markers: &[&str]) -> Offender {
        self.store
            .create_offender(
                OffenderKind::Known,
                known_input(name, aliases, markers),
                self.op,
                t0(),
            )
            .unwrap()
    }

    pub fn still(&mut self, description: &str, markers: &[&str]) -> Offender {
        self.store
            .create_offender(
                OffenderKind::IdSought,
                OffenderInput {
                    description: description.into(),
                    markers: strings(markers),
                    ..Default::default()
                },
                self.op,
                t0(),
            )
            .unwrap()
    }

    pub fn incident(&mut self, zone: i64, opened_at: DateTime<Utc>) -> i64 {
        self.store
            .create_incident(
                &NewIncident {
                    kind: "theft".into(),
                    priority: Priority::Medium,
                    place: Place {
                        zone_id: Some(zone),
                        member_id: None,
                        location: String::new(),
                    },
                    summary: "Razor blades taken from the display".into(),
                    opened_at,
                },
                self.op,
                t0(),
            )
            .unwrap()
            .id
    }

    pub fn exclude(&mut self, new: &NewExclusion) -> i64 {
        self.store
            .create_exclusion(new, &Ladder::default(), self.op, t0())
            .unwrap()
            .id
    }

    pub fn sight(&mut self, new: &NewSighting, now: DateTime<Utc>) -> SightingOutcome {
        self.store
            .record_sighting(new, &HitRules::default(), self.op, now)
            .unwrap()
    }
}

/// A sanction served on `offender` for `scope`, from `starts` to `ends`.
pub fn ban(
    offender: i64,
    stage: &str,
    scope: Scope,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> NewExclusion {
    NewExclusion {
        offender_id: offender,
        stage: stage.into(),
        scope,
        starts_at: starts,
        ends_at: ends,
        served_at: Some(starts),
        served_by: "PC Hale".into(),
        reason: "persistent shop theft".into(),
        evidence: vec![],
        review_on: None,
    }
}

/// `offender` seen by `camera` at `when`, the zone left to the camera.
pub fn seen(offender: i64, camera: i64, when: DateTime<Utc>) -> NewSighting {
    NewSighting {
        at: when,
        camera_id: Some(camera),
        zone_id: None,
        location: String::new(),
        offender_id: Some(offender),
        description: String::new(),
        note: String::new(),
        incident_id: None,
    }
}

pub fn has_breach(f: &[Finding]) -> bool {
    f.iter().any(|f| matches!(f, Finding::Breach { .. }))
}
