//! The offender register on real SQLite files in a temporary folder: known and
//! ID-sought records created, refused (writing nothing) and edited on the
//! version seen; the register naming what changed; search entries; promoting
//! an ID-sought record; merging a still into a person without losing a link;
//! and opening a profile, which shows everything and audits who looked and why.

mod register_common;
mod support;

use chrono::Duration;
use register_common::*;
use rusqlite::types::Value;
use std::path::Path;
use support::now as t0;
use watchroom::domain::exclusion::Scope;
use watchroom::domain::offender::{OffenderInput, OffenderKind};
use watchroom::store::sightings::HitRules;
use watchroom::store::{Store, StoreError};

// --------------------------------------------------------------- offenders

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

// ----------------------------------------------------------------- promote

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

// ------------------------------------------------------------------- merge

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

// ------------------------------------------------------------- profiles

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

/// The store worker's reading of the register for a console's index.
fn worked(
    store: &mut Store,
    job: watchroom::app::work::Job,
) -> watchroom::app::work::RegisterUpdate {
    match job.run(store) {
        watchroom::app::work::Outcome::Register(u) => u.unwrap(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_worker_hands_a_console_a_whole_index_first_then_only_what_changed() {
    use watchroom::app::work::{IndexUpdate, Job};
    let mut t = town();
    t.person("Jade Pennington", &["Jay"], &[]);
    let first = worked(
        &mut t.store,
        Job::Register {
            mark: Default::default(),
            len: 0,
            figures: Default::default(),
            now: t0(),
        },
    );
    let IndexUpdate::Whole(built) = first.index.clone() else {
        panic!("{:?}", first.index)
    };
    let mut index = *built.0;
    assert!(index.search("jay", None, 5).iter().any(|h| {
        index
            .entry(h.id)
            .is_some_and(|e| e.name == "Jade Pennington")
    }));
    let again = || Job::Register {
        mark: first.mark,
        len: index.len(),
        figures: first.figures.clone(),
        now: t0(),
    };
    let job = again();
    assert_eq!(worked(&mut t.store, job).index, IndexUpdate::Unchanged);

    let kyle = t.person("Kyle Marsh", &[], &[]);
    let job = again();
    let next = worked(&mut t.store, job);
    let IndexUpdate::Changes {
        changed,
        removed,
        moved,
    } = next.index
    else {
        panic!("one new record is applied in place: {:?}", next.index)
    };
    assert_eq!(changed.iter().map(|e| e.id).collect::<Vec<_>>(), [kyle.id]);
    assert!(removed.is_empty() && moved.is_empty());
    index.apply_changes(changed, &removed, &moved);
    assert_eq!(index.search("kyle marsh", None, 1)[0].id, kyle.id);
}
