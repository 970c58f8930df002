//! The committee report's figures on a small hand-made store whose right
//! answers are worked out event by event, with things placed on both sides of
//! every edge of the period: its first and last instants, and the hour the
//! clocks change; then a single day, and a day of nothing.

mod report_common;

use report_common::*;
use watchroom::domain::exclusion::Ladder;
use watchroom::domain::report::ReportPeriod;
use watchroom::domain::rollcall::Step;

fn pairs<T, F: Fn(&T) -> (String, u64)>(xs: &[T], f: F) -> Vec<(String, u64)> {
    xs.iter().map(f).collect()
}

fn owned(xs: &[(&str, u64)]) -> Vec<(String, u64)> {
    xs.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

#[test]
fn the_figures_are_right_at_every_edge() {
    let town = town();
    let r = town.report();

    // the period and its months
    assert_eq!(r.period.from, day("2026-01-01"));
    assert_eq!(r.period.to, day("2026-06-30"));
    assert_eq!(r.period.time_zone, "Europe/London");
    assert_eq!(r.period.made_on, day("2026-11-27"));
    let months = [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ];
    assert_eq!(r.period.months, months);

    // incidents: ten logged, two outside (31 Dec 23:59:59 GMT; 1 July 00:00 BST)
    let i = &r.incidents;
    assert_eq!(i.total, 8);
    assert_eq!(
        pairs(&i.by_type, |t| (t.label.clone(), t.count)),
        owned(&[
            ("theft", 4),
            ("antisocial", 2),
            ("drunk", 1),
            ("violence", 1)
        ])
    );
    let theft = &i.by_type[0];
    assert_eq!(
        (theft.loss_pence, theft.recovered_pence),
        (2500 + 1999 + 300, 1000 + 300)
    );
    assert!(i.by_type[1..].iter().all(|t| t.loss_pence == 0));
    assert_eq!(
        pairs(&i.by_zone, |z| (z.label.clone(), z.count)),
        owned(&[("High Street", 4), ("Market Square", 3), ("no zone", 1)])
    );
    // 23:30 on 31 March (BST) is March; 00:30 on 1 April is April, though
    // both are 31 March in UTC
    assert_eq!(
        pairs(&i.by_month, |m| (m.month.clone(), m.count)),
        owned(&[
            ("2026-01", 1),
            ("2026-02", 1),
            ("2026-03", 1),
            ("2026-04", 1),
            ("2026-05", 2),
            ("2026-06", 2)
        ])
    );

    // losses: £25 (£10 back), £19.99, £3 (all back); £100 and £50 fall outside
    let l = &r.losses;
    assert_eq!(l.loss_pence, 4799);
    assert_eq!(l.recovered_pence, 1300);
    assert_eq!(l.incidents_with_loss, 3);
    assert_eq!(l.recovered_share, Some(0.271)); // 1300 / 4799

    // offenders: active o1 (seen), o2 (named on February's theft), o7
    // (seen); o5 was seen and named only outside. New: o2 and o3 (o4 is
    // 1 July in London, o5 31 December, o6 merged into o1). Excluded at some
    // point: o1 (until lifted in March), o2, o3 (from 23:30 on the last
    // day); not o1's exclusion ending as the period starts, o5's lifted
    // before it, o4's starting after it, nor o7's warning.
    let o = &r.offenders;
    assert_eq!(o.active, 3);
    assert_eq!(o.new, 2);
    assert_eq!(o.excluded, 3);
    assert_eq!(
        pairs(&o.sanctions_issued, |c| (c.label.clone(), c.count)),
        owned(&[("warning", 1), ("exclusion", 2)])
    );
    assert_eq!(o.exclusions_issued, 2);

    // hits: breaches o1 (accepted) and o2 (rejected); watch o7 in March
    // (rejected) and at 23:51 on the last day (waiting); o7's hit raised at
    // 00:11 on 1 July is outside
    let h = &r.hits;
    assert_eq!(
        (
            h.breach.raised,
            h.breach.accepted,
            h.breach.rejected,
            h.breach.waiting
        ),
        (2, 1, 1, 0)
    );
    assert_eq!(
        (
            h.watch.raised,
            h.watch.accepted,
            h.watch.rejected,
            h.watch.waiting
        ),
        (2, 0, 1, 1)
    );
    assert_eq!(h.all().raised, 4);
    assert_eq!(
        h.by_month.iter().map(|m| m.count).collect::<Vec<_>>(),
        vec![0, 1, 2, 0, 0, 1]
    );

    // roll-calls: January 3 of 3; April 1 answered, 1 not heard, 1 closed;
    // June 2 answered, 1 not heard. The practice and the two outside are not
    // counted. Answered 6 of the 8 open to answer.
    let c = &r.roll_calls;
    assert_eq!(
        (
            c.held,
            c.stations_called,
            c.answered,
            c.nothing_heard,
            c.closed
        ),
        (3, 9, 6, 2, 1)
    );
    assert_eq!(c.answered_share, Some(0.75));
    assert_eq!(
        c.by_month.iter().map(|m| m.held).collect::<Vec<_>>(),
        vec![1, 0, 0, 1, 0, 1]
    );
    assert_eq!(
        c.by_month
            .iter()
            .map(|m| m.answered_share)
            .collect::<Vec<_>>(),
        vec![Some(1.0), None, None, Some(0.5), None, Some(0.667)]
    );

    // radios now: HS01, HS02, MS01 issued, SP01 spare, HS05 faulty, HS06 in
    // repair; one fault reported in the period (HS05 in April; HS06's was on
    // 31 December)
    let d = &r.radios;
    assert_eq!(d.total, 6);
    assert_eq!(
        pairs(&d.by_status, |c| (c.label.clone(), c.count)),
        owned(&[
            ("issued", 3),
            ("spare", 1),
            ("faulty", 1),
            ("in repair", 1),
            ("lost", 0),
            ("stunned", 0)
        ])
    );
    assert_eq!(d.faulty_or_in_repair, 2);
    assert_eq!(d.faults_reported, 1);

    // members: joined Boots (first day) and the Old Bell (last day); lapsed
    // Closed Down and Last Day Ltd; at the end Greggs, Boots, the Old Bell
    // and Leaves Later; during it those and the two that lapsed. Reporting:
    // Greggs and Closed Down (the applicant's report does not count, nor
    // Boots', which was in December).
    let m = &r.members;
    assert_eq!(
        (m.joined, m.lapsed, m.total_at_end, m.during, m.reporting),
        (2, 2, 4, 6, 2)
    );
    assert_eq!(m.reporting_share, Some(0.333));

    // police beside the scheme: shoplifting 3 in January and 1 in June
    // beside the scheme's thefts; anti-social behaviour 2 in January beside
    // March's and April's antisocial incidents; burglary and the months
    // outside are left out
    assert_eq!(r.police.len(), 2);
    let shop = &r.police[0];
    assert_eq!(shop.crime_type, "Shoplifting");
    assert_eq!(
        shop.by_month
            .iter()
            .map(|p| (p.police, p.scheme))
            .collect::<Vec<_>>(),
        vec![(3, 1), (0, 1), (0, 0), (0, 0), (0, 1), (1, 1)]
    );
    assert_eq!((shop.police_total, shop.scheme_total), (4, 4));
    let asb = &r.police[1];
    assert_eq!(asb.crime_type, "Anti-social behaviour");
    assert_eq!(
        asb.by_month
            .iter()
            .map(|p| (p.police, p.scheme))
            .collect::<Vec<_>>(),
        vec![(2, 0), (0, 0), (0, 1), (0, 1), (0, 0), (0, 0)]
    );
    assert!(r.has_police_data());
}

#[test]
fn a_single_day_and_a_day_of_nothing() {
    let town = town();
    let one = |d: &str| {
        town.store
            .report(
                &ReportPeriod::parse(d, d).unwrap(),
                TZ,
                &Ladder::default(),
                made(),
            )
            .unwrap()
    };
    // 31 March in London holds the 23:30 incident and not the 00:30 one
    let r = one("2026-03-31");
    assert_eq!(r.incidents.total, 1);
    assert_eq!(r.incidents.by_type[0].label, "antisocial");
    assert_eq!(r.period.months, ["2026-03"]);
    // 1 April holds the 00:30 one and the roll-call begun at 00:30
    let r = one("2026-04-01");
    assert_eq!((r.incidents.total, r.roll_calls.held), (1, 1));
    // a quiet day: every figure nought, shares left empty, nothing invented
    let r = one("2026-04-20");
    assert_eq!(r.incidents.total, 0);
    assert!(r.incidents.by_type.is_empty());
    assert_eq!(r.losses.recovered_share, None);
    assert_eq!(r.roll_calls.answered_share, None);
    assert!(!r.has_police_data());
    let md = watchroom::io::report::markdown(&r);
    assert!(
        md.contains("No incidents were logged in the period."),
        "{md}"
    );
    assert!(md.contains("No losses were recorded"), "{md}");
    assert!(md.contains("No hits were raised in the period."), "{md}");
    assert!(md.contains("No police open data has been imported"), "{md}");
}

/// A roll-call at `at` taken step by step as a coordinator would, saved.
fn held(town: &mut Town, practice: bool, at: &str, steps: &[Step]) -> i64 {
    let at = t(at);
    let op = town.op.id;
    let mut open = town.store.start_roll_call(practice, op, at).unwrap();
    for step in steps {
        let seq = open.rollcall.steps.len();
        open.rollcall.apply(step.clone()).unwrap();
        town.store
            .record_roll_call_step(open.id, seq, step, op, at + mins(1))
            .unwrap();
    }
    assert!(open.rollcall.current().is_none(), "every station in");
    town.store
        .finish_roll_call(&open, op, at + mins(20))
        .unwrap();
    open.id
}

#[test]
fn relays_weak_and_late_answers_and_the_zones_heard_worst_are_counted() {
    use watchroom::domain::rollcall::Answer::*;
    let mut town = town();
    let via = |cs: &str| Step::Answer(RelayedVia(cs.into()));
    // February (the roster HS01, HS02, MS01): MS01 checks in before its
    // turn, weak; HS01 is relayed; HS02 comes through at 1 of 5
    held(
        &mut town,
        false,
        "2026-02-10T20:00:00Z",
        &[
            Step::Late {
                call_sign: "MS01".into(),
                answer: Heard(2),
            },
            via("HS02"),
            Step::Answer(Heard(1)),
        ],
    );
    // relayed throughout, on a practice roll-call and a void one
    let all_relayed = [via("HS02"), via("MS01"), via("HS01")];
    held(&mut town, true, "2026-02-11T20:00:00Z", &all_relayed);
    let void = held(&mut town, false, "2026-03-03T20:00:00Z", &all_relayed);
    let op = town.op.id;
    town.store
        .void_roll_call(void, "begun by mistake", op, t("2026-03-03T21:00:00Z"))
        .unwrap();

    let c = town.report().roll_calls;
    assert_eq!((c.held, c.practice), (4, 2));
    assert_eq!((c.relays, c.weak, c.late), (1, 2, 1));
    // High Street: HS01 5, 5, relayed, 5; HS02 5, not heard, 1, not heard
    // (4 of 8). Market Square: MS01 5, 2, 3 (closed in April: no answer).
    // Riverside has no radio: no share, not named.
    let worst: Vec<(&str, u64, u64)> = c
        .worst_zones
        .iter()
        .map(|z| (z.zone.as_str(), z.loud_and_clear, z.answers))
        .collect();
    assert_eq!(worst, [("Market Square", 1, 3), ("High Street", 4, 8)]);
    assert_eq!(c.worst_zones[0].share, Some(0.333));

    let r = town.report();
    let md = watchroom::io::report::markdown(&r);
    for expected in [
        "Of the answers, 1 came relayed by another station, 2 were weak (readability 2 or less) and 1 came late.",
        "Loud and clear least often: Market Square (33%) and High Street (50%).",
        "2 practice roll-calls were held as well, counted apart.",
    ] {
        assert!(md.contains(expected), "missing: {expected}\n\n{md}");
    }
    let csv = watchroom::io::report::render(&r, watchroom::io::report::Format::Csv).unwrap();
    for row in [
        "roll_calls,relays,,,1",
        "roll_calls,weak,,,2",
        "roll_calls,late,,,1",
        "roll_calls,worst_zone_loud_and_clear_share,Market Square,,0.333",
        "roll_calls,worst_zone_answers,High Street,,8",
    ] {
        assert!(csv.lines().any(|l| l == row), "missing: {row}\n\n{csv}");
    }
    let json: serde_json::Value = serde_json::from_str(
        &watchroom::io::report::render(&r, watchroom::io::report::Format::Json).unwrap(),
    )
    .unwrap();
    let rc = &json["roll_calls"];
    assert_eq!(
        (rc["relays"].as_u64(), rc["late"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(rc["worst_zones"][1]["zone"], "High Street");
}

#[test]
fn the_governance_section_is_as_things_stood_at_the_periods_end() {
    use watchroom::domain::governance::GovernanceFigures;
    let mut town = town();
    assert_eq!(
        town.report().governance,
        GovernanceFigures {
            agreements_in_force: 0,
            agreements_due_for_review: 0,
            breaches_found: 0,
            breaches_reported: 0,
            breaches_open: 0,
            last_dpia_review: None,
            dpia_review_due: false,
        },
        "a store with none has nothing to count"
    );
    town.governance();
    assert_eq!(
        town.report().governance,
        GovernanceFigures {
            // Kent Police and the council; not the one ended on 30 June, nor
            // the one signed on 1 July
            agreements_in_force: 2,
            // Kent Police's review on 30 July is within 30 days of 30 June
            agreements_due_for_review: 1,
            // found at the first instant and in the last half hour (BST);
            // not 1 July 00:00 BST
            breaches_found: 2,
            // the last was told to the ICO only in July, and closed then
            breaches_reported: 1,
            breaches_open: 1,
            // the DPIA approved in August came after the period
            last_dpia_review: Some(day("2025-06-01")),
            dpia_review_due: true,
        }
    );
}
