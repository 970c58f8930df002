//! End to end, the coordinator's evening after the call (the real binary in
//! pseudo-terminals, harness in `tests/pty`): a late check-in taken on the
//! roll-call once it is saved, seen on a second console; and a lost radio
//! heard on air, alerting the second console.

mod e2e_common;
mod pty;

use e2e_common::*;
use pty::*;

/// A radio of the demo's with `status`, and one issued to a member on the
/// roster.
fn call_sign_with(place: &Place, status: &str) -> String {
    store(place)
        .query_row(
            "SELECT r.call_sign FROM radios r LEFT JOIN members m ON m.id = r.member_id
             WHERE r.status = ?1 AND (?1 <> 'issued' OR m.status = 'active') ORDER BY r.call_sign LIMIT 1",
            [status],
            |r| r.get(0),
        )
        .expect("a radio with that status")
}

#[test]
fn a_late_check_in_after_saving_and_a_lost_radio_heard_reach_the_second_console() {
    let place = Place::new();
    let a = place.demo("coordinator", 140, 40, &[]);
    a.wait_board();
    let b = place.demo("operator", 140, 40, &[]);
    b.wait_board();
    let late = call_sign_with(&place, "issued");
    let lost = call_sign_with(&place, "lost");

    // A calls the roll and finishes at once: every station nothing heard
    a.send("5");
    a.wait_text(" roll-call ");
    a.send("R");
    // Between midnight and 06:00 the demo's roll-call of the evening before
    // is tonight's: the console asks before a second one.
    let asked = "Tonight already has a roll-call";
    let seen = a.wait_for("roll-call started or asked", WAIT, |t| {
        t.contains("Now calling") || t.contains(asked)
    });
    if seen.contains(asked) {
        a.send("y");
    }
    a.wait_text("Now calling");
    a.send("F");
    a.wait_text("not called yet");
    a.send("y");
    a.wait_text("All stations in");
    a.send(ENTER);
    a.wait_for("the roll-call saved", WAIT, |t| {
        t.contains("Saved: 0 of") && t.contains("0 late")
    });
    // B looks at the radio pane: tonight's saved roll-call
    b.send("5");
    b.wait_for("the saved roll-call on B", WAIT, |t| {
        t.contains("Saved: 0 of") && t.contains("0 late")
    });

    // a station checks in late, after saving
    a.send("i");
    a.send(&format!("{late} 4"));
    a.send(ENTER);
    a.wait_for("the late check-in on A", WAIT, |t| {
        t.contains("Saved: 1 of") && t.contains("1 late")
    });
    b.wait_for("the late check-in on B", WAIT, |t| {
        t.contains("Saved: 1 of") && t.contains("1 late")
    });

    // the lost radio signs on, logged on A: B is told with no key pressed
    b.send("1");
    b.wait_board();
    a.send("o");
    a.send(&lost);
    a.send(ENTER);
    let alert = format!("LOST RADIO {lost} heard: signing on");
    a.wait_text(&alert);
    b.wait_text(&alert);
    let trail: i64 = store(&place)
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE entity = 'radio' AND detail = 'signing on from a radio that is lost'",
            [],
            |r| r.get(0),
        )
        .expect("count the trail");
    assert_eq!(trail, 1, "the sign-on is in the audit trail");
}
