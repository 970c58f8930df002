//! One hit per situation, on real SQLite files in a temporary folder: a
//! person seen again while their hit waits is counted on it (how often,
//! where and when last, audited, its version bumped so a decision on an old
//! copy is refused), someone else gets their own hit, a watch hit and a
//! breach are counted apart, and a decided hit lets the next sighting raise
//! a new one.

mod register_common;
mod support;

use register_common::*;
use support::now as t0;
use watchroom::domain::exclusion::Scope;
use watchroom::store::sightings::HitRules;

/// A hit's version as raised, before anyone decides it.
const RAISED: i64 = 1;

#[test]
fn a_person_seen_again_while_their_hit_waits_is_counted_on_it_and_a_decided_hit_lets_a_new_one_be_raised(
) {
    let mut t = town();
    let darren = t.person("Darren Hollis", &[], &[]);
    let kyle = t.person("Kyle Marsh", &[], &[]);
    for who in [darren.id, kyle.id] {
        t.exclude(&ban(
            who,
            "exclusion",
            Scope::AllZones,
            t0() - days(10),
            t0() + days(30),
        ));
    }
    let first = t.sight(
        &seen(darren.id, t.cam_high_street, t0() - mins(30)),
        t0() - mins(29),
    );
    let hit = first.hits[0];
    let audit_before = t.store.audit_count().unwrap();
    let second = t.sight(
        &seen(darren.id, t.cam_market, t0() - mins(20)),
        t0() - mins(19),
    );
    let third = t.sight(&seen(darren.id, t.van, t0() - mins(10)), t0() - mins(9));
    for out in [&second, &third] {
        assert!(has_breach(&out.findings), "still told it is a breach");
        assert!(out.hits.is_empty());
        assert_eq!(out.seen_again, [hit]);
    }
    assert_eq!(
        count_for(&t.path, "hits", darren.id),
        1,
        "one hit, not three"
    );
    let h = t.store.hit(hit).unwrap().unwrap();
    assert_eq!(h.seen_count, 3);
    assert_eq!(h.last_seen_at, t0() - mins(10));
    assert_eq!(h.camera, "Mobile van", "the latest camera");
    assert_eq!(h.place, "", "the van points nowhere");
    assert_eq!(
        h.sighting_id,
        Some(first.sighting_id),
        "raised by the first"
    );
    assert_eq!(
        h.raised_at,
        t0() - mins(29),
        "its reminders run from the first"
    );
    assert_eq!(
        h.version,
        RAISED + 2,
        "each sighting counted is a change to it"
    );
    // the sighting and the hit's count, in one commit each: two lines a sighting
    assert_eq!(t.store.audit_count().unwrap(), audit_before + 4);
    let audit = t.store.recent_audit(None, 1).unwrap();
    assert_eq!(
        (
            audit[0].action.code(),
            audit[0].entity_id,
            audit[0].detail.as_str()
        ),
        (
            "seen again",
            Some(hit),
            format!("sighting {}", third.sighting_id).as_str()
        )
    );

    // logged late for an earlier time: counted, where and when last unmoved
    let late = t.sight(&seen(darren.id, t.cam_market, t0() - mins(25)), t0());
    assert_eq!(late.seen_again, [hit]);
    let h = t.store.hit(hit).unwrap().unwrap();
    assert_eq!((h.seen_count, h.camera.as_str()), (4, "Mobile van"));
    assert_eq!(h.last_seen_at, t0() - mins(10));

    // a decision made on the copy before the last sighting is refused as stale
    let by = stale_by(
        t.store
            .decide_hit(hit, RAISED + 2, true, "radio warned", t.op, t0()),
    );
    assert_eq!(by, "Sam Okafor");

    // someone else excluded gets their own hit
    let kyles = t.sight(&seen(kyle.id, t.cam_market, t0() - mins(5)), t0());
    assert_eq!(kyles.hits.len(), 1);
    assert!(kyles.seen_again.is_empty());
    assert_ne!(kyles.hits[0], hit);

    // once decided, the next sighting is a new situation
    t.store
        .decide_hit(hit, h.version, true, "radio warned", t.op, t0())
        .unwrap();
    let after = t.sight(&seen(darren.id, t.cam_market, t0()), t0() + mins(1));
    assert_eq!(after.hits.len(), 1);
    assert!(after.seen_again.is_empty());
    let new = t.store.hit(after.hits[0]).unwrap().unwrap();
    assert_eq!(
        (new.seen_count, new.camera.as_str(), new.place.as_str()),
        (1, "Cam 3 Market Square", "Market Square")
    );
    assert_eq!(
        t.store.hit(hit).unwrap().unwrap().seen_count,
        4,
        "the decided one keeps its count"
    );
}

#[test]
fn a_watch_hit_and_a_breach_are_counted_apart_and_naming_on_an_incident_raises_its_own() {
    let mut t = town();
    let jordan = t.person("Jordan Hatherley", &[], &["violent"]);
    t.exclude(&ban(
        jordan.id,
        "exclusion",
        Scope::AllZones,
        t0() - days(1),
        t0() + days(10),
    ));
    let first = t.sight(&seen(jordan.id, t.cam_market, t0() - mins(5)), t0());
    assert_eq!(first.hits.len(), 2, "breach and watch");
    let again = t.sight(&seen(jordan.id, t.cam_high_street, t0()), t0());
    assert!(again.hits.is_empty());
    assert_eq!(again.seen_again, first.hits, "each counted on its own kind");
    for id in &first.hits {
        assert_eq!(t.store.hit(*id).unwrap().unwrap().seen_count, 2);
    }
    let incident = t.incident(t.market, t0() - mins(3));
    let (_, raised) = t
        .store
        .link_offender(incident, jordan.id, &HitRules::default(), t.op, t0())
        .unwrap();
    assert_eq!(raised.len(), 2, "an incident's hits are its own");
}
