//! Sightings and hits on real SQLite files in a temporary folder: which
//! sightings raise hits as the scheme says, what an unknown person's sighting
//! needs, naming a person on an incident, the hits pane's order, a hit decided
//! once, and the demo town's cameras, sightings and hits, the same every time.

mod register_common;
mod support;

use chrono::Duration;
use register_common::*;
use std::path::{Path, PathBuf};
use support::now as t0;
use watchroom::domain::exclusion::{Finding, Scope};
use watchroom::domain::sighting::{HitKind, HitStatus, NewSighting};
use watchroom::store::demo::build_demo;
use watchroom::store::sightings::HitRules;
use watchroom::store::{Store, StoreError};

// ---------------------------------------------------------------- helpers

/// A hit's version as raised, before anyone decides it.
const RAISED: i64 = 1;

// ----------------------------------------------------- sightings and hits

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
    assert!(out.seen_again.is_empty());
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
    assert!(out.hits.is_empty(), "his hit still waits: counted on it");
    assert_eq!(out.seen_again, [hit.id]);

    // a camera with no zone cannot put him inside a zoned exclusion
    let out = t.sight(&seen(darren.id, t.van, t0() - mins(1)), t0());
    assert!(out.hits.is_empty(), "{:?}", out.findings);

    assert_eq!(count_for(&t.path, "hits", darren.id), 1);
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
    t.store
        .decide_hit(hit.id, RAISED, true, "monitored on CCTV", t.op, t0())
        .unwrap();

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

// --------------------------------------------------------------- linking

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

// ------------------------------------------------------------- hits pane

/// Five breach hits, on five excluded people, raised ten minutes apart, oldest first.
fn five_hits(t: &mut Town) -> Vec<i64> {
    (0..5)
        .map(|k| {
            let who = t.person(&format!("Darren Hollis {k}"), &[], &[]);
            t.exclude(&ban(
                who.id,
                "exclusion",
                Scope::AllZones,
                t0() - days(30),
                t0() + days(30),
            ));
            let when = t0() - mins(50 - 10 * k);
            let out = t.sight(&seen(who.id, t.cam_market, when), when);
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

// --------------------------------------------------------------- the demo

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
