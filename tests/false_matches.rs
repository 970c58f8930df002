//! False matches counted per camera and per person, on a real SQLite file:
//! the hits pane's tallies (names and cameras, most first) and the
//! committee report's (cameras, and people counted only, never named).

mod register_common;
mod support;

use register_common::*;
use support::now as t0;
use watchroom::domain::exclusion::{Ladder, Scope};
use watchroom::domain::report::{FalsePeople, ReportPeriod};
use watchroom::io::report::markdown;

/// A breach hit for `who` seen on `camera` `ago` minutes back, decided:
/// rejected as a false match, or accepted.
fn hit(t: &mut Town, who: i64, camera: i64, ago: i64, reject: bool) {
    let when = t0() - mins(ago);
    let out = t.sight(&seen(who, camera, when), when);
    assert_eq!(out.hits.len(), 1, "a new hit each time");
    let id = out.hits[0];
    let version = t.store.hit(id).unwrap().unwrap().version;
    let why = if reject {
        "not her: older"
    } else {
        "radio warned"
    };
    t.store
        .decide_hit(id, version, !reject, why, t.op, when)
        .unwrap();
}

fn banned(t: &mut Town, name: &str) -> i64 {
    let who = t.person(name, &[], &[]);
    t.exclude(&ban(
        who.id,
        "exclusion",
        Scope::AllZones,
        t0() - days(30),
        t0() + days(30),
    ));
    who.id
}

#[test]
fn false_matches_are_counted_by_camera_and_by_person() {
    let mut t = town();
    // nothing rejected yet: nothing to show
    assert!(t.store.false_match_tallies(3).unwrap().cameras.is_empty());

    let kerry = banned(&mut t, "Kerry Doyle");
    let lee = banned(&mut t, "Lee Marsh");
    let (market, high) = (t.cam_market, t.cam_high_street);
    hit(&mut t, kerry, market, 90, true);
    hit(&mut t, kerry, market, 70, true);
    hit(&mut t, kerry, high, 50, true);
    hit(&mut t, lee, high, 30, false); // accepted: not a false match
    hit(&mut t, lee, market, 10, true);

    let tallies = t.store.false_match_tallies(3).unwrap();
    assert_eq!(
        tallies.cameras,
        [
            ("Cam 3 Market Square".to_string(), 3),
            ("Cam 1 High Street".to_string(), 1)
        ]
    );
    assert_eq!(
        tallies.people,
        [("Kerry Doyle".to_string(), 3), ("Lee Marsh".to_string(), 1)]
    );
    assert_eq!(t.store.false_match_tallies(1).unwrap().people.len(), 1);

    let day = t0().date_naive().to_string();
    let r = t
        .store
        .report(
            &ReportPeriod::parse(&day, &day).unwrap(),
            chrono_tz::Europe::London,
            &Ladder::default(),
            t0(),
        )
        .unwrap();
    let by_camera: Vec<(String, u64)> = r
        .hits
        .false_by_camera
        .iter()
        .map(|c| (c.label.clone(), c.count))
        .collect();
    assert_eq!(
        by_camera,
        [
            ("Cam 3 Market Square".to_string(), 3),
            ("Cam 1 High Street".to_string(), 1)
        ]
    );
    assert_eq!(
        r.hits.false_people,
        FalsePeople {
            people: 2,
            more_than_once: 1,
            most_for_one: 3
        }
    );
    let text = markdown(&r);
    assert!(
        text.contains(
            "False matches by camera: Cam 3 Market Square 3 and Cam 1 High Street 1. \
             They were for 2 people, 1 of them more than once (the most for one person: 3)."
        ),
        "{text}"
    );
    assert!(
        !text.contains("Kerry") && !text.contains("Lee Marsh"),
        "the report names no one"
    );
}
