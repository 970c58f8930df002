//! Exclusions on real SQLite files in a temporary folder: refused off the
//! ladder, with bad dates or missing zones and evidence; those in force listed
//! soonest ending first; an appeal and its outcome; and one to the day the
//! clocks go forward ending at local midnight.

mod register_common;
mod support;

use chrono::{Duration, NaiveDate};
use register_common::*;
use support::now as t0;
use watchroom::domain::exclusion::{local_span, Finding, Ladder, Scope};
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::{Store, StoreError};

// ---------------------------------------------------------------- helpers

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An exclusion's version as the store has it now.
fn excl_version(s: &Store, id: i64) -> i64 {
    s.exclusion(id).unwrap().version
}

// -------------------------------------------------------------- exclusions

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

// --------------------------------------------------- the clocks go forward

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
    // a breach: counted on her hit still waiting
    assert!(matches!(skipped_hour.findings[0], Finding::Breach { .. }));
    assert_eq!(skipped_hour.hits.len() + skipped_hour.seen_again.len(), 1);
}
