//! Roll-calls put right after the event, on a real SQLite file: a late
//! check-in and a correction on a saved roll-call (kept as steps, the
//! outcome written again, both audited), a roll-call voided (kept, in no
//! figure or mark), and one made a practice one.

mod radio_store_common;
mod support;

use radio_store_common::*;
use watchroom::domain::rollcall::{Answer, Step};

fn answer_row(t: &Town, roll_call: i64, radio: i64) -> (String, bool, Option<String>) {
    raw(&t.path)
        .query_row(
            "SELECT answer, late, replaced FROM roll_call_answers WHERE roll_call_id = ?1 AND radio_id = ?2",
            [roll_call, radio],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn a_saved_roll_call_takes_late_check_ins_and_corrections_each_audited() {
    let mut t = town();
    let ids = t.network();
    let open = t.run_roll_call(
        false,
        evening(0),
        &[("HS02", Answer::NothingHeard), ("MS01", Answer::Heard(3))],
    );
    let saved = t.store.roll_call_record(open.id).unwrap().unwrap();
    assert_eq!(
        (saved.summary.answered, saved.summary.nothing_heard),
        (4, 1)
    );
    let audit = t.audit_rows();

    // HS02 comes on air at ten: heard late
    let s = t
        .store
        .amend_saved_roll_call(
            open.id,
            &Step::Late {
                call_sign: "HS02".into(),
                answer: Answer::Heard(4),
            },
            t.other_op.id,
            evening(0) + mins(120),
        )
        .unwrap();
    assert_eq!((s.answered, s.nothing_heard, s.late), (5, 0, 1));
    assert_eq!(
        answer_row(&t, open.id, ids["HS02"]),
        ("heard:4".into(), true, None)
    );
    // MS01 was a 5, not a 3: corrected, not late, the 3 kept
    let s = t
        .store
        .amend_saved_roll_call(
            open.id,
            &Step::Correct {
                call_sign: "ms01".into(),
                answer: Answer::Heard(5),
            },
            t.other_op.id,
            evening(0) + mins(121),
        )
        .unwrap();
    assert_eq!((s.late, s.corrected), (1, 1));
    assert_eq!(
        answer_row(&t, open.id, ids["MS01"]),
        ("heard:5".into(), false, Some("heard:3".into()))
    );
    // the record says so too, and the audit trail has one line for each
    let record = t.store.roll_call_record(open.id).unwrap().unwrap();
    assert_eq!(record.summary, s);
    assert_eq!(t.audit_rows(), audit + 2);
    let lines: Vec<(String, String)> = raw(&t.path)
        .prepare("SELECT action, detail FROM audit WHERE entity = 'rollcall' AND action IN ('late', 'correct') ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        lines,
        [
            ("late".into(), "late check-in for HS02 (4 of 5)".into()),
            (
                "correct".into(),
                "correction of ms01 to 5 loud and clear".into()
            )
        ]
    );
    // read again from its steps, the roll-call is the same
    let steps = count(
        &t.path,
        &format!(
            "SELECT COUNT(*) FROM roll_call_steps WHERE roll_call_id = {}",
            open.id
        ),
    );
    assert_eq!(steps as usize, open.rollcall.steps.len() + 2);

    // what cannot be: a late check-in for one heard, an unknown call sign,
    // an answer on a saved roll-call other than these two
    let refused = |t: &mut Town, step: Step| {
        invalid(
            t.store
                .amend_saved_roll_call(open.id, &step, t.op.id, evening(0) + mins(130))
                .unwrap_err(),
        )
    };
    assert!(refused(
        &mut t,
        Step::Late {
            call_sign: "HS01".into(),
            answer: Answer::Heard(5)
        }
    )
    .contains("correct the answer instead"));
    assert!(refused(
        &mut t,
        Step::Correct {
            call_sign: "ZZ99".into(),
            answer: Answer::Heard(5)
        }
    )
    .contains("ZZ99"));
    assert!(
        refused(&mut t, Step::Answer(Answer::Heard(5))).contains("late check-ins and corrections")
    );
    assert_eq!(
        t.store.roll_call_record(open.id).unwrap().unwrap().summary,
        s
    );
}

#[test]
fn a_void_roll_call_is_kept_but_counted_nowhere_and_a_practice_one_apart() {
    let mut t = town();
    t.network();
    // three real nights, HS02 silent on each
    let silent = [("HS02", Answer::NothingHeard)];
    for n in [3, 2, 1] {
        t.run_roll_call(false, evening(n), &silent);
    }
    let before = t.store.recent_answers(10).unwrap();
    let coverage = t.store.coverage_by_zone(10).unwrap();
    // tonight's, begun by mistake with everyone silent, is voided
    let mistake = t.run_roll_call(
        false,
        evening(0),
        &[
            ("HS01", Answer::NothingHeard),
            ("HS03", Answer::NothingHeard),
            ("MS01", Answer::NothingHeard),
        ],
    );
    assert_ne!(
        t.store.recent_answers(10).unwrap(),
        before,
        "counted while real"
    );
    assert!(invalid(
        t.store
            .void_roll_call(mistake.id, "  ", t.op.id, evening(0) + mins(30))
            .unwrap_err()
    )
    .contains("say why"));
    let audit = t.audit_rows();
    t.store
        .void_roll_call(
            mistake.id,
            "started by mistake",
            t.op.id,
            evening(0) + mins(30),
        )
        .unwrap();
    assert_eq!(t.audit_rows(), audit + 1);
    let r = t.store.roll_call_record(mistake.id).unwrap().expect("kept");
    let voided = r.voided.expect("voided");
    assert_eq!(voided.reason, "started by mistake");
    assert_eq!(voided.by, "Sam Okafor");
    assert_eq!(
        t.store.recent_answers(10).unwrap(),
        before,
        "out of the marks"
    );
    assert_eq!(t.store.coverage_by_zone(10).unwrap(), coverage);
    let (from, to) = (evening(0) - mins(600), evening(0) + mins(600));
    assert!(
        t.store.real_roll_call_between(from, to).unwrap().is_none(),
        "tonight has no real roll-call: R starts one without asking"
    );
    assert!(t.store.saved_roll_call_between(from, to).unwrap().is_none());
    assert!(t
        .store
        .void_roll_call(mistake.id, "again", t.op.id, evening(0) + mins(31))
        .is_err());

    // one still open is voided too: ended, counted nowhere
    let open = t
        .store
        .start_roll_call(false, t.op.id, evening(0) + mins(40))
        .unwrap();
    t.store
        .void_roll_call(
            open.id,
            "a test of the sets",
            t.op.id,
            evening(0) + mins(41),
        )
        .unwrap();
    assert!(t.store.open_roll_call().unwrap().is_none());
    assert_eq!(t.store.recent_answers(10).unwrap(), before);

    // last night's made a practice one: out of the marks, counted apart
    let last = t.store.roll_calls(10).unwrap();
    let last_night = last.iter().find(|r| r.started_at == evening(1)).unwrap().id;
    t.store
        .make_roll_call_practice(last_night, t.op.id, evening(0) + mins(50))
        .unwrap();
    assert!(
        t.store
            .roll_call_record(last_night)
            .unwrap()
            .unwrap()
            .practice
    );
    let marks = t.store.recent_answers(10).unwrap();
    assert!(
        marks.values().all(|m| m.len() == 2),
        "two real nights left: {marks:?}"
    );
}
