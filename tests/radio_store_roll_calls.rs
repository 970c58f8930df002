//! Roll-calls in the radio store on real SQLite files in a temporary folder:
//! kept step by step and replayed exactly, resumed rather than started twice,
//! finished once with a summary and one answer per station, and summed up
//! (recent answers of real roll-calls in the order held, coverage by zone).

mod radio_store_common;
mod support;

use radio_store_common::*;
use watchroom::domain::rollcall::{Answer, Phase, RollCall, Step};
use watchroom::store::Store;

/// Everything the console shows of a roll-call in progress.
fn assert_same_roll_call(resumed: &RollCall, driven: &RollCall, when: &str) {
    assert_eq!(resumed.stations, driven.stations, "{when}: stations");
    assert_eq!(resumed.steps, driven.steps, "{when}: steps");
    assert_eq!(resumed.current(), driven.current(), "{when}: current");
    assert_eq!(resumed.phase(), driven.phase(), "{when}: phase");
    assert_eq!(resumed.summary(), driven.summary(), "{when}: summary");
    assert_eq!(
        resumed.recall_queue(),
        driven.recall_queue(),
        "{when}: re-call queue"
    );
    for i in 0..driven.stations.len() {
        assert_eq!(resumed.entry(i), driven.entry(i), "{when}: entry {i}");
    }
}

/// A night with everything in it: silence, a weak answer, a relay, a closed
/// shop, a late check-in, undo, the re-call, and a second silence.
fn eventful_steps() -> Vec<Step> {
    use Answer::*;
    vec![
        Step::Answer(NothingHeard), // HS01 silent
        Step::Answer(Heard(2)),     // HS02 weak
        Step::Undo,
        Step::Answer(Heard(3)), // HS02 after all
        Step::Late {
            call_sign: "ms02".into(),
            answer: Heard(5),
        },
        Step::Answer(RelayedVia("HS02".into())), // HS03 via HS02
        Step::Answer(ClosedToday),               // MS01 closed; MS02 already in: re-call
        Step::Answer(NothingHeard),              // HS01 silent again
        Step::Undo,
        Step::Answer(Heard(4)), // HS01 heard on the re-call
    ]
}

#[test]
fn an_open_roll_call_is_replayed_exactly_from_its_steps_after_every_step() {
    let mut t = town();
    t.network();
    let open = t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    let mut driven = RollCall::new(open.rollcall.stations.clone());
    let check = |store: &Store, driven: &RollCall, when: &str| {
        let resumed = store.open_roll_call().unwrap().expect("an open roll-call");
        assert_eq!(resumed.id, open.id);
        assert!(!resumed.practice);
        assert_eq!(resumed.started_at, evening(0));
        assert_same_roll_call(&resumed.rollcall, driven, when);
    };
    check(&t.store, &driven, "before any step");
    for (seq, step) in eventful_steps().into_iter().enumerate() {
        driven.apply(step.clone()).unwrap();
        t.store
            .record_roll_call_step(open.id, seq, &step, t.op.id, evening(0) + mins(seq as i64))
            .unwrap();
        check(&t.store, &driven, &format!("after step {seq} ({step:?})"));
    }
    assert!(driven.is_finished());
    let s = driven.summary();
    assert_eq!(
        (
            s.expected,
            s.answered,
            s.nothing_heard,
            s.weak,
            s.relays,
            s.closed,
            s.late
        ),
        (5, 4, 0, 0, 1, 1, 2)
    );
    // the same steps stopped mid-way through the re-call
    let partial = RollCall::replay(open.rollcall.stations.clone(), &eventful_steps()[..7]);
    assert_eq!(partial.phase(), Phase::Recall);
    assert_eq!(partial.recall_queue(), [0]);
    // a step for the same place twice is refused: what is kept is never rewritten
    assert!(t
        .store
        .record_roll_call_step(open.id, 3, &Step::Undo, t.op.id, evening(0))
        .is_err());
    check(&t.store, &driven, "after a refused step");
}

#[test]
fn starting_again_carries_on_with_the_open_roll_call_rather_than_a_second() {
    let mut t = town();
    t.network();
    let first = t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    for (seq, step) in eventful_steps()[..4].iter().enumerate() {
        t.store
            .record_roll_call_step(first.id, seq, step, t.op.id, evening(0))
            .unwrap();
    }
    let audit = t.audit_rows();
    // even asked for a practice, later, by another operator
    let again = t
        .store
        .start_roll_call(true, t.other_op.id, evening(0) + mins(40))
        .unwrap();
    assert_eq!(again.id, first.id);
    assert!(!again.practice);
    assert_eq!(again.started_at, evening(0));
    assert_eq!(again.rollcall.steps, eventful_steps()[..4]);
    assert_eq!(again.rollcall.current(), Some(2));
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM roll_calls"), 1);
    assert_eq!(
        count(&t.path, "SELECT COUNT(*) FROM roll_call_stations"),
        5,
        "one roster"
    );
    assert_eq!(t.audit_rows(), audit, "nothing new started");
    // a second connection (another console) carries on with it too
    let mut other = Store::open(&t.path).unwrap();
    let theirs = other
        .start_roll_call(false, t.other_op.id, evening(0) + mins(41))
        .unwrap();
    assert_eq!(theirs.id, first.id);
    assert_eq!(theirs.rollcall.current(), Some(2));
}

#[test]
fn finishing_writes_the_summary_and_one_answer_row_per_station() {
    let mut t = town();
    let ids = t.network();
    let mut open = t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    for (seq, step) in eventful_steps().into_iter().enumerate() {
        open.rollcall.apply(step.clone()).unwrap();
        t.store
            .record_roll_call_step(open.id, seq, &step, t.op.id, evening(0))
            .unwrap();
    }
    let audit = t.audit_rows();
    let s = t
        .store
        .finish_roll_call(&open, t.op.id, evening(0) + mins(25))
        .unwrap();
    assert_eq!(s, open.rollcall.summary());
    assert!(
        t.store.open_roll_call().unwrap().is_none(),
        "nothing open now"
    );
    let rec = &t.store.roll_calls(10).unwrap()[0];
    assert_eq!(rec.id, open.id);
    assert_eq!(rec.started_at, evening(0));
    assert_eq!(rec.finished_at, Some(evening(0) + mins(25)));
    assert!(!rec.practice);
    assert_eq!(rec.summary, s);
    let mut rows: Vec<(i64, String, Option<i64>, bool)> = raw(&t.path)
        .prepare("SELECT radio_id, answer, readability, late FROM roll_call_answers WHERE roll_call_id = ?1")
        .unwrap()
        .query_map([open.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    let mut expected = vec![
        (ids["HS01"], "heard:4".to_string(), Some(4), true),
        (ids["HS02"], "heard:3".to_string(), Some(3), false),
        (ids["HS03"], "relay:HS02".to_string(), None, false),
        (ids["MS01"], "closed".to_string(), None, false),
        (ids["MS02"], "heard:5".to_string(), Some(5), true),
    ];
    expected.sort();
    assert_eq!(rows, expected, "one row per station, its final answer");
    assert_eq!(t.audit_rows(), audit + 1);
    let detail: String = raw(&t.path)
        .query_row(
            "SELECT detail FROM audit WHERE action = 'finish' AND entity = 'rollcall'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(detail.contains("4 of 5 answered"), "{detail}");
}

#[test]
fn finishing_twice_or_before_the_end_is_refused() {
    let mut t = town();
    t.network();
    let mut open = t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    for (seq, step) in eventful_steps()[..6].iter().enumerate() {
        open.rollcall.apply(step.clone()).unwrap();
        t.store
            .record_roll_call_step(open.id, seq, step, t.op.id, evening(0))
            .unwrap();
    }
    let audit = t.audit_rows();
    let e = t
        .store
        .finish_roll_call(&open, t.op.id, evening(0) + mins(10))
        .unwrap_err();
    assert_eq!(invalid(e), "the roll-call is not finished");
    assert_eq!(
        count(
            &t.path,
            "SELECT COUNT(*) FROM roll_calls WHERE finished_at IS NOT NULL"
        ),
        0
    );
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM roll_call_answers"), 0);
    assert_eq!(t.audit_rows(), audit);
    assert_eq!(t.store.open_roll_call().unwrap().unwrap().id, open.id);
    // F: the rest count as nothing heard
    open.rollcall.apply(Step::Finish).unwrap();
    t.store
        .record_roll_call_step(open.id, 6, &Step::Finish, t.op.id, evening(0) + mins(11))
        .unwrap();
    let s = t
        .store
        .finish_roll_call(&open, t.op.id, evening(0) + mins(11))
        .unwrap();
    assert_eq!(s.nothing_heard, 2, "MS01 uncalled, HS01 not re-called");
    // again, from the same screen or a second console's copy: who saved it, and when
    let e = t
        .store
        .finish_roll_call(&open, t.other_op.id, evening(0) + mins(12))
        .unwrap_err();
    assert_eq!(
        e.describe(chrono_tz::Europe::London),
        "the roll-call was already saved by Sam Okafor at 20:11:00"
    );
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM roll_call_answers"), 5);
    assert_eq!(
        t.store.roll_calls(1).unwrap()[0].finished_at,
        Some(evening(0) + mins(11)),
        "the first finish stands"
    );
    assert_eq!(t.audit_rows(), audit + 1);
}

#[test]
fn practice_roll_calls_are_left_out_of_recent_answers_and_coverage() {
    let mut t = town();
    let ids = t.network();
    t.run_roll_call(false, evening(2), &[("HS01", Answer::Heard(4))]);
    let real_answers = t.store.recent_answers(10).unwrap();
    let real_coverage = t.store.coverage_by_zone(10).unwrap();
    // a practice roll-call after it, with everyone silent
    let all_silent: Vec<(&str, Answer)> = ["HS01", "HS02", "HS03", "MS01", "MS02"]
        .into_iter()
        .map(|c| (c, Answer::NothingHeard))
        .collect();
    let practice = t.run_roll_call(true, evening(1), &all_silent);
    assert!(practice.practice);
    assert_eq!(t.store.recent_answers(10).unwrap(), real_answers);
    assert_eq!(t.store.recent_answers(1).unwrap(), real_answers);
    assert_eq!(t.store.coverage_by_zone(10).unwrap(), real_coverage);
    assert_eq!(real_answers[&ids["HS01"]], [Answer::Heard(4)]);
    // still listed, marked as practice
    let listed = t.store.roll_calls(10).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed[0].practice && !listed[1].practice);
    assert_eq!(listed[0].summary.nothing_heard, 5);
    // and an unfinished roll-call counts for nothing either
    t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    assert_eq!(t.store.recent_answers(10).unwrap(), real_answers);
    assert_eq!(t.store.coverage_by_zone(10).unwrap(), real_coverage);
}

#[test]
fn recent_answers_are_the_last_n_real_roll_calls_oldest_first() {
    use Answer::*;
    let mut t = town();
    let ids = t.network();
    // HS01 fading night by night; MS01 closed on the second night
    t.run_roll_call(false, evening(4), &[("HS01", Heard(5))]);
    t.run_roll_call(
        false,
        evening(3),
        &[("HS01", Heard(4)), ("MS01", ClosedToday)],
    );
    t.run_roll_call(true, evening(3) + mins(60), &[("HS01", Heard(1))]); // practice
    t.run_roll_call(false, evening(2), &[("HS01", Heard(3))]);
    t.run_roll_call(false, evening(1), &[("HS01", NothingHeard)]);
    let last3 = t.store.recent_answers(3).unwrap();
    assert_eq!(last3[&ids["HS01"]], [Heard(4), Heard(3), NothingHeard]);
    assert_eq!(last3[&ids["MS01"]], [ClosedToday, Heard(5), Heard(5)]);
    assert_eq!(last3.len(), 5, "every station, none off the roster");
    assert!(!last3.contains_key(&ids["SP01"]));
    let all = t.store.recent_answers(10).unwrap();
    assert_eq!(
        all[&ids["HS01"]],
        [Heard(5), Heard(4), Heard(3), NothingHeard]
    );
    assert_eq!(
        t.store.recent_answers(1).unwrap()[&ids["HS01"]],
        [NothingHeard]
    );
    // a radio off the roster for the last two only has the ones it was on
    t.store
        .set_radio_status(
            ids["HS02"],
            t.version(ids["HS02"]),
            "in repair",
            "",
            t.op.id,
            evening(1) + mins(30),
        )
        .unwrap();
    t.run_roll_call(false, evening(0), &[]);
    assert_eq!(t.store.recent_answers(2).unwrap()[&ids["HS02"]], [Heard(5)]);
}

#[test]
fn recent_answers_follow_when_roll_calls_were_held_not_when_they_were_entered() {
    use Answer::*;
    let mut t = town();
    let ids = t.network();
    t.run_roll_call(false, evening(2), &[("HS01", Heard(3))]);
    t.run_roll_call(false, evening(1), &[("HS01", Heard(2))]);
    // entered afterwards, held the evening before both (a console whose
    // clock was a few days behind, or an import)
    t.run_roll_call(false, evening(3), &[("HS01", Heard(4))]);
    t.run_roll_call(false, evening(0), &[("HS01", Heard(1))]);
    assert_eq!(
        t.store.recent_answers(10).unwrap()[&ids["HS01"]],
        [Heard(4), Heard(3), Heard(2), Heard(1)],
        "oldest first by when they were held"
    );
    assert_eq!(
        t.store.recent_answers(3).unwrap()[&ids["HS01"]],
        [Heard(3), Heard(2), Heard(1)],
        "the last three held"
    );
}

#[test]
fn coverage_by_zone_is_the_share_of_loud_and_clear_answers_excluding_closed() {
    use Answer::*;
    let mut t = town();
    t.network();
    // High Street: one loud and clear, one weak, one relayed, one silent, one closed
    t.run_roll_call(
        false,
        evening(1),
        &[
            ("HS01", Heard(5)),
            ("HS02", Heard(2)),
            ("HS03", RelayedVia("HS01".into())),
            ("MS01", Heard(5)),
            ("MS02", ClosedToday),
        ],
    );
    t.run_roll_call(
        false,
        evening(0),
        &[
            ("HS01", NothingHeard),
            ("HS02", ClosedToday),
            ("HS03", Heard(5)),
            ("MS01", Heard(4)),
            ("MS02", Heard(5)),
        ],
    );
    let cov = t.store.coverage_by_zone(10).unwrap();
    let seen: Vec<(&str, f64, usize)> = cov.iter().map(|(z, s, n)| (z.as_str(), *s, *n)).collect();
    assert_eq!(
        seen,
        [
            ("High Street", 2.0 / 5.0, 5),
            ("Market Square", 2.0 / 3.0, 3)
        ],
        "silent and relayed answers count against a zone; closed ones not at all"
    );
    let last = t.store.coverage_by_zone(1).unwrap();
    let seen: Vec<(&str, f64, usize)> = last.iter().map(|(z, s, n)| (z.as_str(), *s, *n)).collect();
    assert_eq!(
        seen,
        [
            ("High Street", 1.0 / 2.0, 2),
            ("Market Square", 1.0 / 2.0, 2)
        ]
    );
    // a zone where nobody was heard at all
    let silent: Vec<(&str, Answer)> = ["HS01", "HS02", "HS03"]
        .into_iter()
        .map(|c| (c, NothingHeard))
        .collect();
    t.run_roll_call(false, evening(-1), &silent);
    assert_eq!(
        t.store.coverage_by_zone(1).unwrap()[0],
        ("High Street".to_string(), 0.0, 3)
    );
}
