//! The offender register, exclusions, sightings and hits on real SQLite files
//! in a temporary folder: what the CCTV desk and the scheme manager would
//! notice — what is saved, what is refused (and that a refusal writes
//! nothing), which sightings raise hits, the hits pane's order, merging a
//! still into a person without losing a link, and that every look at a
//! profile is audited.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use watchroom::domain::exclusion::{local_span, Finding, Ladder, Scope};
use watchroom::domain::offender::{Offender, OffenderInput, OffenderKind};
use watchroom::domain::sighting::{HitKind, HitStatus, NewSighting};
use watchroom::domain::{NewIncident, Place, Priority};
use watchroom::store::demo::build_demo;
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::sightings::{HitRules, SightingOutcome};
use watchroom::store::{Store, StoreError};

// ---------------------------------------------------------------- helpers

/// The fixed "now" of every test.
fn t0() -> DateTime<Utc> {
    at("2026-11-27T12:00:00Z")
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn mins(n: i64) -> Duration {
    Duration::minutes(n)
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// A connection of our own, for counting rows and seeding zones.
fn raw(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c
}

fn count(path: &Path, sql: &str) -> i64 {
    raw(path).query_row(sql, [], |r| r.get(0)).unwrap()
}

fn count_for(path: &Path, table: &str, offender: i64) -> i64 {
    count(
        path,
        &format!("SELECT COUNT(*) FROM {table} WHERE offender_id = {offender}"),
    )
}

/// Every row of a query, for comparing whole tables.
fn all_rows(path: &Path, sql: &str) -> Vec<Vec<Value>> {
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
fn footprint(path: &Path) -> Vec<i64> {
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

fn invalid_message<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The refusal of a save made on an old copy: who had changed it since.
fn stale_by<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Stale(s)) => s.by,
        other => panic!("expected a stale refusal, got {other:?}"),
    }
}

/// A hit's version as raised, before anyone decides it.
const RAISED: i64 = 1;

/// An exclusion's version as the store has it now.
fn excl_version(s: &Store, id: i64) -> i64 {
    s.exclusion(id).unwrap().version
}

/// A small town: two zones, a camera on each and a mobile van, one CCTV operator.
struct Town {
    _dir: TempDir,
    path: PathBuf,
    store: Store,
    op: i64,
    high_street: i64,
    market: i64,
    cam_high_street: i64,
    cam_market: i64,
    van: i64,
}

fn town() -> Town {
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

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

fn known_input(name: &str, aliases: &[&str], markers: &[&str]) -> OffenderInput {
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
    fn person(&mut self, name: &str, aliases: &[&str], markers: &[&str]) -> Offender {
        self.store
            .create_offender(
                OffenderKind::Known,
                known_input(name, aliases, markers),
                self.op,
                t0(),
            )
            .unwrap()
    }

    fn still(&mut self, description: &str, markers: &[&str]) -> Offender {
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

    fn incident(&mut self, zone: i64, opened_at: DateTime<Utc>) -> i64 {
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

    fn exclude(&mut self, new: &NewExclusion) -> i64 {
        self.store
            .create_exclusion(new, &Ladder::default(), self.op, t0())
            .unwrap()
            .id
    }

    fn sight(&mut self, new: &NewSighting, now: DateTime<Utc>) -> SightingOutcome {
        self.store
            .record_sighting(new, &HitRules::default(), self.op, now)
            .unwrap()
    }
}

/// A sanction served on `offender` for `scope`, from `starts` to `ends`.
fn ban(
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
fn seen(offender: i64, camera: i64, when: DateTime<Utc>) -> NewSighting {
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

fn has_breach(f: &[Finding]) -> bool {
    f.iter().any(|f| matches!(f, Finding::Breach { .. }))
}

// ------------------------------------------------------------ 1. offenders

#[test]
fn known_and_id_sought_records_are_created_with_their_aliases_in_the_order_typed() {
    let mut t = town();
    let audit_before = t.store.audit_count().unwrap();

    let darren = t.person(
        " Darren   Hollis ",
        &["Zed", "Daz", "D-Man"],
        &["Violent", "drugs", "violent"],
    );
    assert_eq!(darren.kind, OffenderKind::Known);
    assert_eq!(darren.name, "Darren Hollis", "the name is tidied");
    assert_eq!(
        darren.aliases,
        ["Zed", "Daz", "D-Man"],
        "kept as typed, not sorted"
    );
    assert_eq!(
        darren.markers,
        ["violent", "drugs"],
        "lower-cased, once each"
    );
    assert_eq!(darren.status, "active");
    assert_eq!(darren.version, 1);
    assert_eq!(darren.created_at, t0());
    assert_eq!(t.store.offender(darren.id).unwrap().unwrap(), darren);

    let still = t.still("male, 20s, red puffer jacket", &[]);
    assert_eq!(still.kind, OffenderKind::IdSought);
    assert_eq!(
        still.name,
        format!("ID-sought {:03}", still.id),
        "an unnamed still is known by its number"
    );
    assert_eq!(still.description, "male, 20s, red puffer jacket");

    // each creation is one audit record naming the kind
    let audit = t.store.recent_audit(None, 2).unwrap();
    assert_eq!(t.store.audit_count().unwrap(), audit_before + 2);
    assert_eq!(
        (audit[0].action.code(), audit[0].entity.as_str()),
        ("create", "offender")
    );
    assert_eq!(audit[0].entity_id, Some(still.id));
    assert_eq!(audit[0].detail, "ID-sought");
    assert_eq!(audit[1].entity_id, Some(darren.id));
    assert_eq!(audit[1].operator, "Sam Okafor");
}

#[test]
fn a_duplicate_alias_or_a_missing_name_or_description_is_refused_and_nothing_is_written() {
    let mut t = town();
    let before = footprint(&t.path);

    let m = invalid_message(t.store.create_offender(
        OffenderKind::Known,
        known_input("Kyle Marsh", &["Kaz", "Stretch", "kaz"], &[]),
        t.op,
        t0(),
    ));
    assert!(m.contains("kaz") && m.contains("twice"), "{m}");

    let m = invalid_message(t.store.create_offender(
        OffenderKind::Known,
        known_input("Kyle Marsh", &["kyle marsh"], &[]),
        t.op,
        t0(),
    ));
    assert!(m.contains("name itself"), "{m}");

    let m = invalid_message(t.store.create_offender(
        OffenderKind::Known,
        known_input("   ", &[], &[]),
        t.op,
        t0(),
    ));
    assert!(m.contains("needs a name"), "{m}");

    let m = invalid_message(t.store.create_offender(
        OffenderKind::IdSought,
        OffenderInput::default(),
        t.op,
        t0(),
    ));
    assert!(m.contains("description"), "{m}");

    assert_eq!(footprint(&t.path), before, "no record, alias or audit line");
    assert_eq!(t.store.offender_count().unwrap(), 0);
}

#[test]
fn an_edit_on_the_version_seen_is_saved_and_one_on_a_stale_copy_is_refused_keeping_the_other() {
    let mut t = town();
    let kyle = t.person("Kyle Marsh", &["Kaz"], &["drugs"]);
    // a second console on the same file, opened on the same version
    let mut other = Store::open(&t.path).unwrap();
    let priya = other
        .operator_or_add("Priya Shah", "manager", t0())
        .unwrap()
        .id;

    let mut mine = known_input("Kyle Marsh", &["Kaz", "Stretch"], &["drugs", "prolific"]);
    mine.description = "tall, shaved head, white trainers".into();
    let saved = t
        .store
        .update_offender(kyle.id, kyle.version, mine, t.op, t0() + mins(1))
        .unwrap();
    assert_eq!(saved.version, kyle.version + 1);
    assert_eq!(saved.aliases, ["Kaz", "Stretch"]);
    assert_eq!(saved.markers, ["drugs", "prolific"]);
    assert_eq!(saved.description, "tall, shaved head, white trainers");
    assert_eq!(saved.updated_at, t0() + mins(1));

    // Priya was still looking at version 1
    let audit_before = t.store.audit_count().unwrap();
    let mut theirs = known_input("Kyle Marsh", &["K"], &[]);
    theirs.description = "short, dark jacket".into();
    let refused = other.update_offender(kyle.id, kyle.version, theirs, priya, t0() + mins(2));
    let m = refused.as_ref().unwrap_err().to_string();
    assert!(
        m.contains("Kyle Marsh's record was changed by Sam Okafor"),
        "{m}"
    );
    assert_eq!(stale_by(refused), "Sam Okafor");

    let now = other.offender(kyle.id).unwrap().unwrap();
    assert_eq!(now, saved, "the first save stands, aliases and all");
    assert_eq!(t.store.audit_count().unwrap(), audit_before);

    // a duplicate alias on an edit is refused too, and the aliases stay as they were
    let m = invalid_message(t.store.update_offender(
        kyle.id,
        saved.version,
        known_input("Kyle Marsh", &["Kaz", "KAZ"], &[]),
        t.op,
        t0() + mins(3),
    ));
    assert!(m.contains("twice"), "{m}");
    assert_eq!(t.store.offender(kyle.id).unwrap().unwrap(), saved);
}

/// The ids a change query names, changed and removed.
fn changed_since(store: &Store, seen: i64) -> (i64, Vec<i64>, Vec<i64>) {
    let c = store.register_changes_since(seen, t0()).unwrap();
    let changed = c.changed.iter().map(|e| e.id).collect();
    (c.upto, changed, c.removed)
}

#[test]
fn the_register_names_each_changed_record_once_and_only_when_it_changed() {
    let mut t = town();
    let (mark, _, _) = changed_since(&t.store, 0);
    assert_eq!(
        changed_since(&t.store, mark),
        (mark, vec![], vec![]),
        "nothing while nothing changes"
    );

    let jade = t.person("Jade Pennington", &[], &[]);
    let (mark, changed, removed) = changed_since(&t.store, mark);
    assert_eq!((changed, removed), (vec![jade.id], vec![]), "a new record");

    let mut edit = known_input("Jade Pennington", &[], &[]);
    edit.description = "with a pushchair".into();
    let jade = t
        .store
        .update_offender(jade.id, jade.version, edit, t.op, t0())
        .unwrap();
    let c = t.store.register_changes_since(mark, t0()).unwrap();
    assert_eq!(c.changed.len(), 1, "an edit, read once");
    assert_eq!(c.changed[0].description, "with a pushchair");
    let mark = c.upto;

    let edit = OffenderInput {
        aliases: strings(&["Jay"]),
        ..known_input("Jade Pennington", &[], &[])
    };
    t.store
        .update_offender(jade.id, jade.version, edit, t.op, t0())
        .unwrap();
    let c = t.store.register_changes_since(mark, t0()).unwrap();
    assert_eq!(c.changed.len(), 1, "an alias added");
    assert_eq!(c.changed[0].aliases, ["Jay"]);
    let mark = c.upto;

    // a profile view changes nothing on the register
    t.store
        .open_profile(jade.id, t.op, "checking a still", t0())
        .unwrap();
    assert_eq!(changed_since(&t.store, mark), (mark, vec![], vec![]));

    // an alias written by another connection, even without a version bump, is noticed
    raw(&t.path)
        .execute(
            "INSERT INTO offender_aliases (offender_id, alias) VALUES (?1, 'JP')",
            [jade.id],
        )
        .unwrap();
    let c = t.store.register_changes_since(mark, t0()).unwrap();
    assert_eq!(c.changed[0].aliases, ["Jay", "JP"]);
    let mark = c.upto;

    // a merge removes the still and changes the person it joined
    let still = t.still("tall, shaved head", &[]);
    let (mark, _, _) = changed_since(&t.store, mark);
    t.store
        .merge_offender(still.id, jade.id, t.op, t0())
        .unwrap();
    let (mark, changed, removed) = changed_since(&t.store, mark);
    assert_eq!((changed, removed), (vec![jade.id], vec![still.id]));

    // a record erased (deleted, as retention does, with its aliases) is a removal
    let lee = t.person("Lee Tolley", &["Tolls"], &[]);
    let (mark, _, _) = changed_since(&t.store, mark);
    raw(&t.path)
        .execute_batch(&format!(
            "PRAGMA foreign_keys = ON; DELETE FROM offenders WHERE id = {}",
            lee.id
        ))
        .unwrap();
    let (_, changed, removed) = changed_since(&t.store, mark);
    assert_eq!((changed, removed), (vec![], vec![lee.id]));
}

#[test]
fn search_entries_carry_aliases_markers_and_ninety_days_of_activity_and_leave_out_merged_records() {
    let mut t = town();
    let rules = HitRules::default();
    let wayne = t
        .store
        .create_offender(
            OffenderKind::Known,
            OffenderInput {
                nicknames: strings(&["Wazza"]),
                ..known_input(
                    "Wayne Crowther",
                    &["Wayne Crow", "W. Crowther"],
                    &["prolific", "drugs"],
                )
            },
            t.op,
            t0(),
        )
        .unwrap();
    let quiet = t.person("Lee Tolley", &[], &[]);

    // incidents 10 and 89 days ago count; 91 days ago does not
    for d in [10, 89, 91] {
        let i = t.incident(t.high_street, t0() - days(d));
        t.store
            .link_offender(i, wayne.id, &rules, t.op, t0())
            .unwrap();
    }
    // sightings within 90 days count; one a second too old does not
    for when in [
        t0() - days(5),
        t0() - days(90) + mins(1),
        t0() - days(90) - Duration::seconds(1),
    ] {
        t.sight(&seen(wayne.id, t.cam_high_street, when), t0());
    }

    // a still merged into Wayne drops out of the index
    let still = t.still("tall, shaved head", &[]);
    t.store
        .merge_offender(still.id, wayne.id, t.op, t0())
        .unwrap();

    let entries = t.store.search_entries(t0()).unwrap();
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    assert!(
        !ids.contains(&still.id),
        "merged records are not searched: {ids:?}"
    );
    assert_eq!(entries.len(), 2);

    let w = entries.iter().find(|e| e.id == wayne.id).unwrap();
    assert_eq!(w.name, "Wayne Crowther");
    assert_eq!(w.kind, OffenderKind::Known);
    assert_eq!(w.aliases, ["Wayne Crow", "W. Crowther"]);
    assert_eq!(w.nicknames, ["Wazza"]);
    assert_eq!(w.markers, ["prolific", "drugs"]);
    assert_eq!(
        w.description,
        "slim build, grey hoodie; from ID-sought 003: tall, shaved head"
    );
    assert_eq!(
        w.activity,
        2 + 2,
        "two incidents and two sightings in 90 days"
    );

    let q = entries.iter().find(|e| e.id == quiet.id).unwrap();
    assert_eq!(q.activity, 0);
    assert!(q.aliases.is_empty());

    // the profile counts the same way
    let p = t.store.profile(wayne.id, t0()).unwrap();
    assert_eq!((p.activity.incidents_90d, p.activity.sightings_90d), (2, 2));
    assert_eq!(
        p.incidents.len(),
        3,
        "the profile still lists the older incident"
    );
    assert_eq!(p.sightings.len(), 3);
}

// -------------------------------------------------------------- 2. promote

#[test]
fn an_id_sought_record_is_promoted_with_a_name_and_a_known_one_cannot_be() {
    let mut t = town();
    let still = t.still("female, 30s, long blonde hair", &["prolific"]);
    let known = t.person("Shannon Fairley", &[], &[]);

    let m = invalid_message(t.store.promote_offender(still.id, "   ", t.op, t0()));
    assert!(m.contains("name"), "{m}");

    let before = footprint(&t.path);
    let m = invalid_message(
        t.store
            .promote_offender(known.id, "Someone Else", t.op, t0()),
    );
    assert!(m.contains("already identified"), "{m}");
    assert_eq!(footprint(&t.path), before);
    assert_eq!(t.store.offender(known.id).unwrap().unwrap(), known);

    let promoted = t
        .store
        .promote_offender(still.id, " Stacey  Oakes ", t.op, t0() + mins(5))
        .unwrap();
    assert_eq!(promoted.kind, OffenderKind::Known);
    assert_eq!(promoted.name, "Stacey Oakes");
    assert_eq!(
        promoted.description, still.description,
        "the still's details are kept"
    );
    assert_eq!(promoted.markers, ["prolific"]);
    assert_eq!(promoted.version, still.version + 1);
    let last = &t.store.recent_audit(None, 1).unwrap()[0];
    assert_eq!(
        (last.action.code(), last.entity.as_str(), last.entity_id),
        ("promote", "offender", Some(still.id))
    );

    // once identified it cannot be promoted again
    let m = invalid_message(
        t.store
            .promote_offender(still.id, "Stacey Oakes", t.op, t0()),
    );
    assert!(m.contains("already identified"), "{m}");
    assert!(matches!(
        t.store.promote_offender(9999, "Nobody", t.op, t0()),
        Err(StoreError::NotFound(_))
    ));
}

// ---------------------------------------------------------------- 3. merge

#[test]
fn merging_a_still_into_a_person_moves_every_link_and_loses_nothing() {
    let mut t = town();
    let rules = HitRules::default();
    let person = t.person("Callum Ashdown", &["Cal"], &["drugs"]);
    let still = t.still("male, 20s, red puffer jacket", &["prolific", "drugs"]);

    // the still is excluded from the market, seen twice (once in it), and named on two incidents
    let exclusion = t.exclude(&ban(
        still.id,
        "exclusion",
        Scope::Zones(vec![t.market]),
        t0() - days(10),
        t0() + days(30),
    ));
    let in_market = t.sight(
        &seen(still.id, t.cam_market, t0() - mins(50)),
        t0() - mins(50),
    );
    assert_eq!(in_market.hits.len(), 1, "a breach hit");
    let on_high_street = t.sight(
        &seen(still.id, t.cam_high_street, t0() - mins(30)),
        t0() - mins(30),
    );
    assert!(on_high_street.hits.is_empty());
    let first = t.incident(t.high_street, t0() - days(3));
    let shared = t.incident(t.high_street, t0() - days(1));
    t.store
        .link_offender(first, still.id, &rules, t.op, t0())
        .unwrap();
    t.store
        .link_offender(shared, still.id, &rules, t.op, t0())
        .unwrap();
    t.store
        .link_offender(shared, person.id, &rules, t.op, t0())
        .unwrap();

    assert_eq!(count_for(&t.path, "sightings", still.id), 2);
    assert_eq!(count_for(&t.path, "hits", still.id), 1);
    assert_eq!(count_for(&t.path, "exclusions", still.id), 1);
    assert_eq!(count_for(&t.path, "incident_offenders", still.id), 2);
    assert_eq!(count_for(&t.path, "incident_offenders", person.id), 1);
    let totals = |p: &Path| {
        [
            count(p, "SELECT COUNT(*) FROM sightings"),
            count(p, "SELECT COUNT(*) FROM hits"),
            count(p, "SELECT COUNT(*) FROM exclusions"),
            count(
                p,
                "SELECT COUNT(DISTINCT incident_id) FROM incident_offenders",
            ),
            count(p, "SELECT COUNT(*) FROM offenders"),
        ]
    };
    let before = totals(&t.path);

    let merged = t
        .store
        .merge_offender(still.id, person.id, t.op, t0())
        .unwrap();

    // every link now points at the person
    for table in ["sightings", "hits", "exclusions", "incident_offenders"] {
        assert_eq!(
            count_for(&t.path, table, still.id),
            0,
            "{table} left on the still"
        );
    }
    assert_eq!(count_for(&t.path, "sightings", person.id), 2);
    assert_eq!(count_for(&t.path, "hits", person.id), 1);
    assert_eq!(count_for(&t.path, "exclusions", person.id), 1);
    assert_eq!(count_for(&t.path, "incident_offenders", person.id), 2);
    assert_eq!(
        count(
            &t.path,
            &format!("SELECT COUNT(*) FROM incident_offenders WHERE incident_id = {shared}")
        ),
        1,
        "the incident both were named on names the person once"
    );
    assert_eq!(totals(&t.path), before, "nothing lost, nothing duplicated");
    assert_eq!(t.store.exclusion(exclusion).unwrap().offender_id, person.id);

    // the still is kept as a pointer, out of the register
    let (status, into): (String, Option<i64>) = raw(&t.path)
        .query_row(
            "SELECT status, merged_into FROM offenders WHERE id = ?1",
            [still.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), into), ("merged", Some(person.id)));
    assert_eq!(
        t.store.profile(still.id, t0()).unwrap().merged_into,
        Some(person.id)
    );
    assert_eq!(t.store.offender_count().unwrap(), 1);

    // markers are unioned, description kept from both
    assert_eq!(merged.markers, ["drugs", "prolific"]);
    assert!(
        merged.description.contains("red puffer jacket"),
        "{}",
        merged.description
    );
    assert!(merged.description.starts_with("slim build, grey hoodie"));
    assert_eq!(merged.aliases, ["Cal"]);
    assert_eq!(merged.version, person.version + 1);

    // the person's profile shows all of it
    let p = t.store.profile(person.id, t0()).unwrap();
    assert_eq!(p.sightings.len(), 2);
    assert_eq!(
        p.incidents.iter().map(|i| i.id).collect::<Vec<_>>(),
        [shared, first]
    );
    assert_eq!(p.exclusions.len(), 1);
    assert_eq!(
        t.store.hit(in_market.hits[0]).unwrap().unwrap().offender,
        "Callum Ashdown"
    );

    // the moved exclusion now applies to the person
    let next = t.sight(&seen(person.id, t.cam_market, t0() - mins(5)), t0());
    assert!(has_breach(&next.findings), "{:?}", next.findings);

    // and the still can no longer be sighted
    let before = footprint(&t.path);
    let m = invalid_message(t.store.record_sighting(
        &seen(still.id, t.cam_market, t0()),
        &rules,
        t.op,
        t0(),
    ));
    assert!(m.contains("merged"), "{m}");
    assert_eq!(footprint(&t.path), before, "neither the sighting nor a hit");
}

#[test]
fn merging_a_known_record_into_itself_or_twice_is_refused() {
    let mut t = town();
    let person = t.person("Dean Garside", &[], &[]);
    let other = t.person("Ryan Brindle", &[], &[]);
    let still = t.still("male, 40s, walking stick", &[]);
    let second = t.still("female, teens, school uniform", &[]);
    let before = footprint(&t.path);

    let m = invalid_message(t.store.merge_offender(other.id, person.id, t.op, t0()));
    assert!(m.contains("only an ID-sought record"), "{m}");
    let m = invalid_message(t.store.merge_offender(still.id, still.id, t.op, t0()));
    assert!(m.contains("itself"), "{m}");
    assert_eq!(footprint(&t.path), before);

    t.store
        .merge_offender(still.id, person.id, t.op, t0())
        .unwrap();
    let before = footprint(&t.path);
    let m = invalid_message(t.store.merge_offender(still.id, person.id, t.op, t0()));
    assert!(m.contains("already been merged"), "{m}");
    let m = invalid_message(t.store.merge_offender(still.id, other.id, t.op, t0()));
    assert!(m.contains("already been merged"), "{m}");
    let m = invalid_message(t.store.merge_offender(second.id, still.id, t.op, t0()));
    assert!(
        m.contains("already been merged"),
        "nothing merges into a merged record: {m}"
    );
    assert!(matches!(
        t.store.merge_offender(second.id, 9999, t.op, t0()),
        Err(StoreError::NotFound(_))
    ));
    // a console whose list still shows the merged still cannot identify it:
    // the person it turned out to be is already on the register
    let m = invalid_message(
        t.store
            .promote_offender(still.id, "Dean Garside", t.op, t0()),
    );
    assert!(m.contains("already been merged"), "{m}");
    assert_eq!(footprint(&t.path), before);
    let pointer = t.store.offender(still.id).unwrap().unwrap();
    assert_eq!(
        (pointer.kind, pointer.status.as_str()),
        (OffenderKind::IdSought, "merged")
    );
    assert_eq!(t.store.offender(person.id).unwrap().unwrap().version, 2);
}

// ----------------------------------------------------------- 4. exclusions

#[test]
fn an_exclusion_is_refused_for_a_stage_off_the_ladder_bad_dates_or_missing_zones_and_evidence() {
    let mut t = town();
    let craig = t.person("Craig Renshaw", &[], &[]);
    let evidence = t.incident(t.high_street, t0() - days(2));
    let good = NewExclusion {
        evidence: vec![evidence],
        ..ban(
            craig.id,
            "exclusion",
            Scope::Zones(vec![t.high_street, t.market]),
            t0(),
            t0() + days(180),
        )
    };
    let ladder = Ladder::default();
    let before = footprint(&t.path);

    let refuse = |store: &mut Store, new: NewExclusion, ladder: &Ladder| {
        invalid_message(store.create_exclusion(&new, ladder, t.op, t0()))
    };
    let m = refuse(
        &mut t.store,
        NewExclusion {
            stage: "CBO".into(),
            ..good.clone()
        },
        &ladder,
    );
    assert!(m.contains("“CBO” is not a stage"), "{m}");
    assert!(m.contains("warning → exclusion"), "names the ladder: {m}");
    let m = refuse(
        &mut t.store,
        NewExclusion {
            stage: "exclusion".into(),
            ..good.clone()
        },
        &Ladder::community_protection(),
    );
    assert!(m.contains("CPW → CPN → CBO"), "{m}");

    let m = refuse(
        &mut t.store,
        NewExclusion {
            ends_at: t0() - days(1),
            ..good.clone()
        },
        &ladder,
    );
    assert!(m.contains("ends before it starts"), "{m}");
    let m = refuse(
        &mut t.store,
        NewExclusion {
            ends_at: t0(),
            ..good.clone()
        },
        &ladder,
    );
    assert!(
        m.contains("ends before it starts"),
        "a zero-length exclusion: {m}"
    );

    let m = refuse(
        &mut t.store,
        NewExclusion {
            scope: Scope::Zones(vec![]),
            ..good.clone()
        },
        &ladder,
    );
    assert!(m.contains("at least one zone"), "{m}");

    let m = refuse(
        &mut t.store,
        NewExclusion {
            scope: Scope::Zones(vec![t.market, 999]),
            ..good.clone()
        },
        &ladder,
    );
    assert!(m.contains("zone 999 does not exist"), "{m}");

    let m = refuse(
        &mut t.store,
        NewExclusion {
            evidence: vec![evidence, 4242],
            ..good.clone()
        },
        &ladder,
    );
    assert!(m.contains("incident #4242 does not exist"), "{m}");

    assert_eq!(footprint(&t.path), before, "each refusal wrote nothing");

    // the good one is saved with its zones and evidence, stage as the ladder spells it
    let made = t
        .store
        .create_exclusion(
            &NewExclusion {
                stage: "EXCLUSION".into(),
                ..good.clone()
            },
            &ladder,
            t.op,
            t0(),
        )
        .unwrap();
    assert_eq!(made.stage, "exclusion");
    assert_eq!(made.scope, Scope::Zones(vec![t.high_street, t.market]));
    assert_eq!((made.starts_at, made.ends_at), (t0(), t0() + days(180)));
    assert_eq!(made.served_by, "PC Hale");
    assert_eq!(made.offender_id, craig.id);
    assert_eq!(t.store.exclusion_evidence(made.id).unwrap(), [evidence]);
    assert_eq!(
        t.store.exclusions_for(craig.id).unwrap(),
        vec![made.clone()]
    );
    let last = &t.store.recent_audit(None, 1).unwrap()[0];
    assert_eq!(
        (last.action.code(), last.entity.as_str(), last.entity_id),
        ("create", "exclusion", Some(made.id))
    );
}

#[test]
fn exclusions_in_force_are_listed_soonest_ending_first_and_one_lifted_early_drops_out() {
    let mut t = town();
    let a = t.person("Amber Cobb", &[], &[]);
    let b = t.person("Scott Wragg", &[], &[]);
    let c = t.person("Paige Stott", &[], &[]);
    let long = t.exclude(&ban(
        a.id,
        "exclusion",
        Scope::AllZones,
        t0() - days(20),
        t0() + days(60),
    ));
    let short = t.exclude(&ban(
        b.id,
        "exclusion",
        Scope::AllZones,
        t0() - days(5),
        t0() + days(4),
    ));
    let warning = t.exclude(&ban(
        c.id,
        "warning",
        Scope::Zones(vec![t.market]),
        t0() - days(1),
        t0() + days(30),
    ));
    let ended = t.exclude(&ban(
        c.id,
        "exclusion",
        Scope::AllZones,
        t0() - days(100),
        t0() - days(1),
    ));
    let future = t.exclude(&ban(
        b.id,
        "exclusion",
        Scope::AllZones,
        t0() + days(1),
        t0() + days(2),
    ));

    let listed = |s: &Store, now| -> Vec<(i64, String)> {
        s.exclusions_in_force(now)
            .unwrap()
            .into_iter()
            .map(|r| (r.exclusion.id, r.offender))
            .collect()
    };
    assert_eq!(
        listed(&t.store, t0()),
        [
            (short, "Scott Wragg".to_string()),
            (warning, "Paige Stott".to_string()),
            (long, "Amber Cobb".to_string()),
        ],
        "not the ended one, not the one yet to start"
    );
    assert!(!listed(&t.store, t0())
        .iter()
        .any(|(id, _)| *id == ended || *id == future));

    // lifted early: no longer in force, no longer listed, no longer a breach
    let lift_at = t0() + mins(10);
    let lifted = t
        .store
        .lift_exclusion(
            long,
            excl_version(&t.store, long),
            "appeal upheld",
            t.op,
            lift_at,
        )
        .unwrap();
    assert_eq!(lifted.lifted_at, Some(lift_at));
    assert!(lifted.in_force(lift_at - Duration::seconds(1)));
    assert!(!lifted.in_force(lift_at));
    assert_eq!(lifted.effective_end(), lift_at);
    assert!(!listed(&t.store, lift_at).iter().any(|(id, _)| *id == long));
    assert!(
        listed(&t.store, t0()).iter().any(|(id, _)| *id == long),
        "it was in force before"
    );
    let later = t.sight(
        &seen(a.id, t.cam_high_street, lift_at + mins(1)),
        lift_at + mins(1),
    );
    assert!(later.hits.is_empty(), "{:?}", later.findings);
    assert!(matches!(later.findings[0], Finding::Ended { .. }));

    // lifting what is not in force is refused and changes nothing
    let before = footprint(&t.path);
    for id in [long, ended, future] {
        let v = excl_version(&t.store, id);
        let m = invalid_message(
            t.store
                .lift_exclusion(id, v, "again", t.op, lift_at + mins(2)),
        );
        assert!(m.contains("not in force"), "{m}");
    }
    assert_eq!(footprint(&t.path), before);
    assert_eq!(t.store.exclusion(long).unwrap().lifted_at, Some(lift_at));
}

#[test]
fn an_appeal_is_recorded_with_its_date_and_later_its_outcome_and_the_evidence_is_kept() {
    let mut t = town();
    let liam = t.person("Liam Kettle", &[], &[]);
    let i1 = t.incident(t.high_street, t0() - days(9));
    let i2 = t.incident(t.market, t0() - days(4));
    let id = t
        .store
        .create_exclusion(
            &NewExclusion {
                evidence: vec![i2, i1, i2],
                review_on: Some(day("2027-02-01")),
                ..ban(
                    liam.id,
                    "exclusion",
                    Scope::AllZones,
                    t0(),
                    t0() + days(365),
                )
            },
            &Ladder::default(),
            t.op,
            t0(),
        )
        .unwrap()
        .id;
    assert_eq!(t.store.exclusion_evidence(id).unwrap(), [i1, i2]);

    let lodged = t
        .store
        .record_appeal(id, 1, day("2026-11-30"), None, t.op, t0() + days(3))
        .unwrap();
    assert_eq!(lodged.appeal_lodged_on, Some(day("2026-11-30")));
    assert_eq!(lodged.appeal_outcome, None);
    assert_eq!(lodged.review_on, Some(day("2027-02-01")));

    let decided = t
        .store
        .record_appeal(
            id,
            lodged.version,
            day("2026-11-30"),
            Some(" dismissed by the  panel "),
            t.op,
            t0() + days(20),
        )
        .unwrap();
    assert_eq!(decided.appeal_lodged_on, Some(day("2026-11-30")));
    assert_eq!(
        decided.appeal_outcome.as_deref(),
        Some("dismissed by the panel")
    );
    assert_eq!(
        t.store.exclusions_for(liam.id).unwrap(),
        vec![decided.clone()]
    );
    assert!(
        decided.in_force(t0() + days(20)),
        "a dismissed appeal leaves it in force"
    );
    assert_eq!(
        t.store.exclusion_evidence(id).unwrap(),
        [i1, i2],
        "evidence kept"
    );

    let audit = t.store.recent_audit(None, 2).unwrap();
    assert_eq!(audit[0].action.code(), "appeal");
    // free text (the outcome) stays on the exclusion, out of the never-pruned trail
    assert_eq!(audit[0].detail, "outcome recorded");
    assert_eq!(audit[1].detail, "lodged");
    assert!(matches!(
        t.store
            .record_appeal(9999, 1, day("2026-11-30"), None, t.op, t0()),
        Err(StoreError::NotFound(_))
    ));
}

// -------------------------------------------------- 5. sightings and hits

#[test]
fn a_sighting_in_the_excluded_zone_raises_a_breach_hit_and_one_outside_it_does_not() {
    let mut t = town();
    let darren = t.person("Darren Hollis", &[], &["drugs"]);
    let exclusion = t.exclude(&ban(
        darren.id,
        "exclusion",
        Scope::Zones(vec![t.market]),
        t0() - days(10),
        t0() + days(30),
    ));
    let audit_before = t.store.audit_count().unwrap();

    // the market camera: the zone comes from the camera
    let out = t.sight(&seen(darren.id, t.cam_market, t0() - mins(3)), t0());
    assert_eq!(
        out.findings,
        [Finding::Breach {
            exclusion_id: exclusion,
            stage: "exclusion".into()
        }]
    );
    assert_eq!(out.hits.len(), 1);
    let zone: Option<i64> = raw(&t.path)
        .query_row(
            "SELECT zone_id FROM sightings WHERE id = ?1",
            [out.sighting_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        zone,
        Some(t.market),
        "the camera's zone is stored with the sighting"
    );
    let hit = t.store.hit(out.hits[0]).unwrap().unwrap();
    assert_eq!(hit.kind, HitKind::Breach);
    assert_eq!(hit.status, HitStatus::New);
    assert_eq!(hit.offender_id, darren.id);
    assert_eq!(hit.offender, "Darren Hollis");
    assert_eq!(hit.place, "Market Square");
    assert_eq!(hit.camera, "Cam 3 Market Square");
    assert_eq!(hit.sighting_id, Some(out.sighting_id));
    assert_eq!(hit.raised_at, t0());
    assert_eq!(hit.detail, "exclusion in force");
    // one audit line for the sighting and one for its hit, in the same commit
    assert_eq!(t.store.audit_count().unwrap(), audit_before + 2);
    let audit = t.store.recent_audit(None, 2).unwrap();
    assert_eq!(
        (audit[0].action.code(), audit[0].entity.as_str()),
        ("raise", "hit")
    );
    assert_eq!(audit[0].entity_id, Some(hit.id));
    assert_eq!(
        (audit[1].action.code(), audit[1].entity.as_str()),
        ("create", "sighting")
    );
    assert_eq!(audit[1].entity_id, Some(out.sighting_id));

    // the high-street camera: in force, but not here
    let audit_before = t.store.audit_count().unwrap();
    let out = t.sight(&seen(darren.id, t.cam_high_street, t0() - mins(2)), t0());
    assert!(out.hits.is_empty());
    assert_eq!(
        out.findings,
        [Finding::OutOfScope {
            exclusion_id: exclusion,
            stage: "exclusion".into()
        }]
    );
    assert_eq!(
        t.store.audit_count().unwrap(),
        audit_before + 1,
        "the sighting alone"
    );

    // the operator says where, over the camera's zone
    let out = t.sight(
        &NewSighting {
            zone_id: Some(t.market),
            ..seen(darren.id, t.cam_high_street, t0() - mins(1))
        },
        t0(),
    );
    assert!(has_breach(&out.findings), "{:?}", out.findings);

    // a camera with no zone cannot put him inside a zoned exclusion
    let out = t.sight(&seen(darren.id, t.van, t0() - mins(1)), t0());
    assert!(out.hits.is_empty(), "{:?}", out.findings);

    assert_eq!(count_for(&t.path, "hits", darren.id), 2);
    assert_eq!(count_for(&t.path, "sightings", darren.id), 4);
}

#[test]
fn a_warning_an_ended_exclusion_and_a_watch_marker_are_decided_as_the_scheme_says() {
    let mut t = town();
    let warned = t.person("Chantelle Lowther", &[], &[]);
    let warning = t.exclude(&ban(
        warned.id,
        "warning",
        Scope::AllZones,
        t0() - days(3),
        t0() + days(90),
    ));
    let out = t.sight(&seen(warned.id, t.cam_market, t0() - mins(1)), t0());
    assert!(out.hits.is_empty(), "a warning is never a breach");
    assert_eq!(
        out.findings,
        [Finding::WarningInForce {
            exclusion_id: warning,
            stage: "warning".into()
        }]
    );

    let served = t.person("Tyler Pym", &[], &[]);
    let old = t.exclude(&ban(
        served.id,
        "exclusion",
        Scope::AllZones,
        t0() - days(200),
        t0() - days(20),
    ));
    let out = t.sight(&seen(served.id, t.cam_market, t0() - mins(1)), t0());
    assert!(out.hits.is_empty(), "an ended exclusion is history");
    assert_eq!(
        out.findings,
        [Finding::Ended {
            exclusion_id: old,
            stage: "exclusion".into(),
            ended_at: t0() - days(20)
        }]
    );

    // the same sighting before it ended was a breach
    let then = t.sight(&seen(served.id, t.cam_market, t0() - days(21)), t0());
    assert_eq!(then.hits.len(), 1);

    let violent = t.person("Jordan Hatherley", &[], &["Violent", "drugs"]);
    let out = t.sight(&seen(violent.id, t.cam_high_street, t0() - mins(1)), t0());
    assert_eq!(
        out.findings,
        [Finding::Watch {
            marker: "violent".into()
        }]
    );
    assert_eq!(out.hits.len(), 1);
    let hit = t.store.hit(out.hits[0]).unwrap().unwrap();
    assert_eq!(hit.kind, HitKind::Watch);
    assert_eq!(hit.detail, "marked violent");
    assert_eq!(hit.place, "High Street");

    // excluded and marked: one breach and one watch hit, breach first
    t.exclude(&ban(
        violent.id,
        "exclusion",
        Scope::AllZones,
        t0() - days(1),
        t0() + days(10),
    ));
    let out = t.sight(&seen(violent.id, t.cam_high_street, t0()), t0());
    let kinds: Vec<HitKind> = out
        .hits
        .iter()
        .map(|h| t.store.hit(*h).unwrap().unwrap().kind)
        .collect();
    assert_eq!(kinds, [HitKind::Breach, HitKind::Watch]);

    // a marker the scheme does not watch for raises nothing
    let quiet = t.person("Kayleigh Oakes", &[], &["drugs"]);
    assert!(t
        .sight(&seen(quiet.id, t.cam_market, t0()), t0())
        .findings
        .is_empty());
}

#[test]
fn an_unknown_person_needs_a_description_and_a_missing_camera_zone_or_incident_writes_nothing() {
    let mut t = town();
    let darren = t.person("Darren Hollis", &[], &["violent"]);
    t.exclude(&ban(
        darren.id,
        "exclusion",
        Scope::AllZones,
        t0() - days(1),
        t0() + days(10),
    ));
    let rules = HitRules::default();
    let before = footprint(&t.path);

    let unknown = NewSighting {
        offender_id: None,
        description: "  ".into(),
        ..seen(0, t.cam_market, t0())
    };
    let m = invalid_message(t.store.record_sighting(&unknown, &rules, t.op, t0()));
    assert!(m.contains("describe an unknown person"), "{m}");

    let cases: [(NewSighting, &str); 5] = [
        (seen(darren.id, 77, t0()), "camera 77 does not exist"),
        (
            NewSighting {
                zone_id: Some(88),
                ..seen(darren.id, t.cam_market, t0())
            },
            "zone 88 does not exist",
        ),
        (
            NewSighting {
                incident_id: Some(99),
                ..seen(darren.id, t.cam_market, t0())
            },
            "no incident #99",
        ),
        (
            seen(4040, t.cam_market, t0()),
            "offender 4040 does not exist",
        ),
        (seen(darren.id, t.cam_market, t0() + mins(30)), "future"),
    ];
    for (new, expect) in cases {
        let m = invalid_message(t.store.record_sighting(&new, &rules, t.op, t0()));
        assert!(m.contains(expect), "{m}");
    }
    assert_eq!(
        footprint(&t.path),
        before,
        "no sighting, no hit, no audit line"
    );

    // described, not picked: saved, and decides nothing
    let out = t
        .store
        .record_sighting(
            &NewSighting {
                description: "male, 20s, red puffer jacket".into(),
                ..unknown
            },
            &rules,
            t.op,
            t0(),
        )
        .unwrap();
    assert!(out.findings.is_empty() && out.hits.is_empty());
    let row = &t.store.recent_sightings(1).unwrap()[0];
    assert_eq!(row.id, out.sighting_id);
    assert_eq!(row.offender_id, None);
    assert_eq!(row.description, "male, 20s, red puffer jacket");
    assert_eq!(row.place, "Market Square");
    assert_eq!(row.by, "Sam Okafor");
}

#[test]
fn a_sighting_on_an_incident_names_the_person_on_it_and_counts_one_audit_line_per_hit() {
    let mut t = town();
    let darren = t.person("Darren Hollis", &[], &["weapons"]);
    t.exclude(&ban(
        darren.id,
        "exclusion",
        Scope::AllZones,
        t0() - days(1),
        t0() + days(10),
    ));
    let incident = t.incident(t.market, t0() - mins(20));
    assert!(t.store.incident_offenders(incident).unwrap().is_empty());
    let audit_before = t.store.audit_count().unwrap();

    let out = t.sight(
        &NewSighting {
            incident_id: Some(incident),
            note: "left towards the station".into(),
            ..seen(darren.id, t.cam_market, t0() - mins(15))
        },
        t0(),
    );
    assert_eq!(out.hits.len(), 2, "breach and watch");
    assert_eq!(
        t.store.audit_count().unwrap(),
        audit_before + 1 + 2,
        "one for the sighting, one per hit"
    );
    assert_eq!(
        t.store.incident_offenders(incident).unwrap(),
        [(darren.id, "Darren Hollis".to_string())]
    );
    for h in &out.hits {
        assert_eq!(
            t.store.hit(*h).unwrap().unwrap().incident_id,
            Some(incident)
        );
    }
    let p = t.store.profile(darren.id, t0()).unwrap();
    assert_eq!(
        p.incidents.iter().map(|i| i.id).collect::<Vec<_>>(),
        [incident]
    );
    assert_eq!(p.sightings[0].incident_id, Some(incident));
    assert_eq!(p.sightings[0].note, "left towards the station");

    // seen again on the same incident: still named once
    t.sight(
        &NewSighting {
            incident_id: Some(incident),
            ..seen(darren.id, t.cam_market, t0() - mins(10))
        },
        t0(),
    );
    assert_eq!(t.store.incident_offenders(incident).unwrap().len(), 1);
}

// ------------------------------------------------------------ 6. linking

#[test]
fn naming_a_person_on_an_incident_in_their_exclusion_raises_a_breach_and_naming_them_twice_is_refused(
) {
    let mut t = town();
    let rules = HitRules::default();
    let kyle = t.person("Kyle Marsh", &[], &[]);
    let exclusion = t.exclude(&ban(
        kyle.id,
        "exclusion",
        Scope::Zones(vec![t.market]),
        t0() - days(10),
        t0() + days(30),
    ));
    let in_market = t.incident(t.market, t0() - mins(40));
    let on_high_street = t.incident(t.high_street, t0() - mins(30));
    let before_it_started = t.incident(t.market, t0() - days(11));

    let (findings, hits) = t
        .store
        .link_offender(in_market, kyle.id, &rules, t.op, t0())
        .unwrap();
    assert_eq!(
        findings,
        [Finding::Breach {
            exclusion_id: exclusion,
            stage: "exclusion".into()
        }]
    );
    assert_eq!(hits.len(), 1);
    let hit = t.store.hit(hits[0]).unwrap().unwrap();
    assert_eq!(hit.incident_id, Some(in_market));
    assert_eq!(hit.sighting_id, None);
    assert_eq!(hit.place, "Market Square");
    assert_eq!(hit.kind, HitKind::Breach);

    let (findings, hits) = t
        .store
        .link_offender(on_high_street, kyle.id, &rules, t.op, t0())
        .unwrap();
    assert!(hits.is_empty());
    assert!(matches!(findings[0], Finding::OutOfScope { .. }));

    let (findings, hits) = t
        .store
        .link_offender(before_it_started, kyle.id, &rules, t.op, t0())
        .unwrap();
    assert!(hits.is_empty(), "decided at the incident's time, not now");
    assert!(matches!(findings[0], Finding::NotYetStarted { .. }));

    let before = footprint(&t.path);
    let m = invalid_message(
        t.store
            .link_offender(in_market, kyle.id, &rules, t.op, t0()),
    );
    assert!(m.contains("already named"), "{m}");
    assert_eq!(
        footprint(&t.path),
        before,
        "no second link and no second hit"
    );
    assert!(matches!(
        t.store.link_offender(4242, kyle.id, &rules, t.op, t0()),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        t.store.link_offender(in_market, 4242, &rules, t.op, t0()),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(footprint(&t.path), before);
}

// ---------------------------------------------------------- 7. hits pane

/// Five breach hits raised ten minutes apart, oldest first.
fn five_hits(t: &mut Town) -> Vec<i64> {
    let darren = t.person("Darren Hollis", &[], &[]);
    t.exclude(&ban(
        darren.id,
        "exclusion",
        Scope::AllZones,
        t0() - days(30),
        t0() + days(30),
    ));
    (0..5)
        .map(|k| {
            let when = t0() - mins(50 - 10 * k);
            let out = t.sight(&seen(darren.id, t.cam_market, when), when);
            assert_eq!(out.hits.len(), 1);
            out.hits[0]
        })
        .collect()
}

#[test]
fn the_hits_pane_lists_waiting_hits_oldest_first_then_decided_ones_newest_first() {
    let mut t = town();
    let h = five_hits(&mut t);
    t.store
        .decide_hit(h[0], RAISED, true, "radio warned", t.op, t0() - mins(5))
        .unwrap();
    t.store
        .decide_hit(
            h[2],
            RAISED,
            false,
            "not him: different build",
            t.op,
            t0() - mins(4),
        )
        .unwrap();

    let order: Vec<i64> = t.store.hits(50).unwrap().iter().map(|r| r.id).collect();
    assert_eq!(order, [h[1], h[3], h[4], h[2], h[0]]);
    let statuses: Vec<HitStatus> = t.store.hits(50).unwrap().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            HitStatus::New,
            HitStatus::New,
            HitStatus::New,
            HitStatus::Rejected,
            HitStatus::Accepted
        ]
    );
    assert_eq!(
        t.store
            .hits(2)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        [h[1], h[3]]
    );
    assert_eq!(t.store.hit_counts().unwrap(), (3, 1, 1));

    // hits a console has not yet announced
    assert_eq!(t.store.last_hit_id().unwrap(), h[4]);
    let newer: Vec<i64> = t
        .store
        .hits_after(h[2])
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(newer, [h[3], h[4]]);
    assert!(t.store.hits_after(h[4]).unwrap().is_empty());
    assert_eq!(t.store.hits_after(0).unwrap().len(), 5);
}

#[test]
fn a_hit_is_accepted_with_its_action_or_rejected_with_a_reason_and_never_decided_twice() {
    let mut t = town();
    let h = five_hits(&mut t);
    let audit_before = t.store.audit_count().unwrap();

    let accepted = t
        .store
        .decide_hit(h[0], RAISED, true, " police  called ", t.op, t0() + mins(1))
        .unwrap();
    assert_eq!(accepted.status, HitStatus::Accepted);
    assert_eq!(accepted.action_taken.as_deref(), Some("police called"));
    assert_eq!(accepted.reject_reason, None);
    assert_eq!(accepted.decided_by.as_deref(), Some("Sam Okafor"));
    assert_eq!(accepted.decided_at, Some(t0() + mins(1)));

    let rejected = t
        .store
        .decide_hit(
            h[1],
            RAISED,
            false,
            "not him: different build",
            t.op,
            t0() + mins(2),
        )
        .unwrap();
    assert_eq!(rejected.status, HitStatus::Rejected);
    assert_eq!(
        rejected.reject_reason.as_deref(),
        Some("not him: different build")
    );
    assert_eq!(rejected.action_taken, None);
    assert_eq!(
        t.store.hit_counts().unwrap(),
        (3, 1, 1),
        "counted as a false match"
    );
    assert_eq!(t.store.audit_count().unwrap(), audit_before + 2);
    let last = &t.store.recent_audit(None, 1).unwrap()[0];
    assert_eq!(
        (last.action.code(), last.entity.as_str(), last.entity_id),
        ("rejected", "hit", Some(h[1]))
    );

    let before = footprint(&t.path);
    // a decision made on the hit as it was raised, after Sam decided it
    let by =
        stale_by(
            t.store
                .decide_hit(h[0], RAISED, false, "changed my mind", t.op, t0() + mins(3)),
        );
    assert_eq!(by, "Sam Okafor");
    let m = invalid_message(t.store.decide_hit(h[2], RAISED, true, "   ", t.op, t0()));
    assert!(m.contains("what action was taken"), "{m}");
    let m = invalid_message(t.store.decide_hit(h[2], RAISED, false, "", t.op, t0()));
    assert!(m.contains("why it is a false match"), "{m}");
    assert!(matches!(
        t.store
            .decide_hit(9999, RAISED, true, "radio warned", t.op, t0()),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(footprint(&t.path), before);
    assert_eq!(
        t.store.hit(h[0]).unwrap().unwrap(),
        accepted,
        "the first decision stands"
    );

    // two consoles on one store: the first to decide wins, the second is told who
    let mut a = Store::open(&t.path).unwrap();
    let mut b = Store::open(&t.path).unwrap();
    let priya = a
        .operator_or_add("Priya Shah", "operator", t0())
        .unwrap()
        .id;
    let tom = b
        .operator_or_add("Tom Baxter", "operator", t0())
        .unwrap()
        .id;
    a.decide_hit(
        h[3],
        RAISED,
        true,
        "monitored on CCTV",
        priya,
        t0() + mins(4),
    )
    .unwrap();
    let refused = b.decide_hit(h[3], RAISED, false, "not him", tom, t0() + mins(4));
    let m = refused.as_ref().unwrap_err().to_string();
    assert!(
        m.contains(&format!("hit {} was changed by Priya Shah", h[3])),
        "{m}"
    );
    assert_eq!(stale_by(refused), "Priya Shah");
    let seen_by_b = b.hit(h[3]).unwrap().unwrap();
    assert_eq!(seen_by_b.decided_by.as_deref(), Some("Priya Shah"));
    assert_eq!(seen_by_b.action_taken.as_deref(), Some("monitored on CCTV"));
    assert_eq!(b.hit_counts().unwrap(), (2, 2, 1));
}

// ------------------------------------------------ 8. the clocks go forward

#[test]
fn an_exclusion_to_the_day_the_clocks_go_forward_ends_at_local_midnight() {
    let mut t = town();
    let jade = t.person("Jade Pennington", &[], &[]);
    let (starts, ends) = local_span(
        day("2026-03-01"),
        day("2026-03-29"),
        chrono_tz::Europe::London,
    )
    .unwrap();
    assert_eq!(starts, at("2026-03-01T00:00:00Z"), "1 March is in GMT");
    assert_eq!(
        ends,
        at("2026-03-29T23:00:00Z"),
        "midnight BST at the end of the 29th"
    );
    let exclusion = t.exclude(&ban(jade.id, "exclusion", Scope::AllZones, starts, ends));
    assert_eq!(
        t.store.exclusion(exclusion).unwrap().ends_at,
        ends,
        "stored to the second"
    );

    let last_second = t.sight(
        &seen(jade.id, t.cam_market, at("2026-03-29T22:59:59Z")),
        t0(),
    );
    assert!(
        has_breach(&last_second.findings),
        "{:?}",
        last_second.findings
    );
    assert_eq!(last_second.hits.len(), 1);

    let just_after = t.sight(
        &seen(jade.id, t.cam_market, at("2026-03-29T23:00:00Z")),
        t0(),
    );
    assert!(
        just_after.hits.is_empty(),
        "00:00 BST on the 30th is after it"
    );
    assert!(matches!(just_after.findings[0], Finding::Ended { .. }));

    // the hour the clocks skip is inside it
    let skipped_hour = t.sight(
        &seen(jade.id, t.cam_market, at("2026-03-29T01:30:00Z")),
        t0(),
    );
    assert_eq!(skipped_hour.hits.len(), 1);
}

// ------------------------------------------------------------ 9. the demo

fn demo_store(dir: &Path, name: &str) -> (PathBuf, Store) {
    let path = dir.join(name);
    let mut store = Store::open(&path).unwrap();
    build_demo(&mut store, t0()).unwrap();
    (path, store)
}

#[test]
fn the_demo_town_has_cameras_a_fortnight_of_sightings_and_hits_some_still_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = demo_store(dir.path(), "demo.db");

    let cameras = store.cameras().unwrap();
    assert!(cameras.len() >= 5, "{cameras:?}");
    assert_eq!(
        cameras.iter().filter(|c| c.is_default).count(),
        1,
        "one default camera"
    );
    assert!(cameras[0].is_default, "the default is offered first");
    assert!(cameras.iter().filter(|c| c.zone_id.is_some()).count() >= 5);

    let sightings = count(&path, "SELECT COUNT(*) FROM sightings");
    assert!(sightings >= 20, "{sightings}");
    let (first, last): (i64, i64) = raw(&path)
        .query_row("SELECT MIN(at), MAX(at) FROM sightings", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(
        first >= (t0() - days(14)).timestamp(),
        "within the last fortnight"
    );
    assert!(last <= t0().timestamp() && last >= (t0() - Duration::hours(1)).timestamp());
    assert!(store
        .recent_sightings(5)
        .unwrap()
        .iter()
        .all(|s| !s.camera.is_empty()));

    let (waiting, accepted, rejected) = store.hit_counts().unwrap();
    assert!((1..=5).contains(&waiting), "a few still new: {waiting}");
    assert!(
        accepted + rejected > waiting,
        "most already decided: {accepted} + {rejected}"
    );
    assert_eq!(
        count(&path, "SELECT COUNT(*) FROM hits WHERE status = 'new'"),
        waiting
    );
    let pane = store.hits(100).unwrap();
    assert_eq!(pane.len() as i64, waiting + accepted + rejected);
    assert!(pane[..waiting as usize]
        .iter()
        .all(|h| h.status == HitStatus::New));
    assert!(
        pane[waiting as usize..]
            .iter()
            .all(|h| h.decided_by.is_some()
                && (h.action_taken.is_some() || h.reject_reason.is_some()))
    );
    // every hit has its cause
    assert_eq!(
        count(&path, "SELECT COUNT(*) FROM hits h LEFT JOIN sightings s ON s.id = h.sighting_id WHERE s.id IS NULL"),
        0
    );
    // and every breach is on an exclusion of the person seen
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM hits h JOIN exclusions e ON e.id = h.exclusion_id
             WHERE h.kind = 'breach' AND e.offender_id <> h.offender_id"
        ),
        0
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM hits WHERE kind = 'breach' AND exclusion_id IS NULL"
        ),
        0
    );
}

#[test]
fn the_demo_town_raises_the_same_hits_every_time_it_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _sa) = demo_store(dir.path(), "a.db");
    let (b, _sb) = demo_store(dir.path(), "b.db");
    for sql in [
        "SELECT * FROM hits ORDER BY id",
        "SELECT * FROM sightings ORDER BY id",
        "SELECT * FROM cameras ORDER BY id",
        "SELECT * FROM exclusions ORDER BY id",
    ] {
        let rows = all_rows(&a, sql);
        assert!(!rows.is_empty(), "{sql}");
        assert_eq!(rows, all_rows(&b, sql), "{sql}");
    }
}

// --------------------------------------------------------- 10. profiles

#[test]
fn opening_a_profile_shows_everything_about_the_person_and_audits_who_looked_and_why() {
    let mut t = town();
    let rules = HitRules::default();
    let darren = t.person("Darren Hollis", &["Daz"], &["drugs"]);
    let other = t.person("Kyle Marsh", &[], &[]);
    let old = t.exclude(&ban(
        darren.id,
        "warning",
        Scope::AllZones,
        t0() - days(300),
        t0() - days(200),
    ));
    let current = t.exclude(&ban(
        darren.id,
        "exclusion",
        Scope::Zones(vec![t.market]),
        t0() - days(10),
        t0() + days(30),
    ));
    let older = t.incident(t.high_street, t0() - days(120));
    let recent = t.incident(t.market, t0() - days(2));
    let not_his = t.incident(t.market, t0() - days(1));
    t.store
        .link_offender(older, darren.id, &rules, t.op, t0())
        .unwrap();
    t.store
        .link_offender(recent, darren.id, &rules, t.op, t0())
        .unwrap();
    t.store
        .link_offender(not_his, other.id, &rules, t.op, t0())
        .unwrap();
    // recorded out of order: the profile sorts them
    let middle = t
        .sight(&seen(darren.id, t.cam_high_street, t0() - days(3)), t0())
        .sighting_id;
    let newest = t
        .sight(&seen(darren.id, t.cam_market, t0() - mins(30)), t0())
        .sighting_id;
    let oldest = t
        .sight(&seen(darren.id, t.cam_high_street, t0() - days(100)), t0())
        .sighting_id;
    t.sight(&seen(other.id, t.cam_market, t0() - mins(10)), t0());

    let audit_before = t.store.audit_count().unwrap();
    let p = t
        .store
        .open_profile(darren.id, t.op, "breach hit at Market Square", t0())
        .unwrap();
    assert_eq!(p.offender, t.store.offender(darren.id).unwrap().unwrap());
    assert_eq!(p.offender.aliases, ["Daz"]);
    assert_eq!(p.merged_into, None);
    assert_eq!(
        p.exclusions.iter().map(|e| e.id).collect::<Vec<_>>(),
        [current, old],
        "newest sanction first"
    );
    assert_eq!(
        p.incidents.iter().map(|i| i.id).collect::<Vec<_>>(),
        [recent, older]
    );
    assert_eq!(p.incidents[0].place, "Market Square");
    assert_eq!(p.incidents[0].kind, "theft");
    assert_eq!(
        p.sightings.iter().map(|s| s.id).collect::<Vec<_>>(),
        [newest, middle, oldest],
        "newest first"
    );
    let last = p.last_seen().unwrap();
    assert_eq!((last.id, last.at), (newest, t0() - mins(30)));
    assert_eq!(last.camera, "Cam 3 Market Square");
    assert_eq!(last.place, "Market Square");
    assert_eq!(last.offender, "Darren Hollis");
    assert_eq!((p.activity.incidents_90d, p.activity.sightings_90d), (1, 2));

    // the look is audited: who, which record, why
    assert_eq!(t.store.audit_count().unwrap(), audit_before + 1);
    let a = &t.store.recent_audit(None, 1).unwrap()[0];
    assert_eq!(a.action.code(), "view");
    assert_eq!(a.entity, "offender");
    assert_eq!(a.entity_id, Some(darren.id));
    assert_eq!(a.detail, "breach hit at Market Square");
    assert_eq!(a.operator, "Sam Okafor");
    assert_eq!(a.at, t0());

    // a refresh of the open profile is not another look
    let refreshed = t.store.profile(darren.id, t0() + mins(1)).unwrap();
    assert_eq!(refreshed, p);
    assert_eq!(t.store.audit_count().unwrap(), audit_before + 1);

    // every opening is audited, by whoever opens it
    let mut other_console = Store::open(&t.path).unwrap();
    let priya = other_console
        .operator_or_add("Priya Shah", "manager", t0())
        .unwrap()
        .id;
    other_console
        .open_profile(darren.id, priya, "subject access request", t0() + mins(2))
        .unwrap();
    let views = all_rows(
        &t.path,
        &format!(
            "SELECT o.name, a.detail FROM audit a JOIN operators o ON o.id = a.operator_id
             WHERE a.action = 'view' AND a.entity = 'offender' AND a.entity_id = {} ORDER BY a.id",
            darren.id
        ),
    );
    assert_eq!(
        views,
        [
            vec![
                Value::Text("Sam Okafor".into()),
                Value::Text("breach hit at Market Square".into())
            ],
            vec![
                Value::Text("Priya Shah".into()),
                Value::Text("subject access request".into())
            ],
        ]
    );

    // a profile that does not exist is not found, and its look is not audited
    let before = t.store.audit_count().unwrap();
    assert!(matches!(
        t.store.open_profile(9999, t.op, "curious", t0()),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(t.store.audit_count().unwrap(), before);
}
