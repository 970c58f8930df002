//! End to end (the real binary in a pseudo-terminal, harness in `tests/pty`):
//! signing in with a wrong PIN then the right one, locking and unlocking, and
//! signing out: `q` with the shift open, ending the shift with its handover,
//! and SIGTERM or SIGHUP closing the console with the terminal given back.

mod e2e_common;
mod pty;

use e2e_common::*;
use pty::*;

/// SIGTERM and SIGHUP close the console and give the terminal back.
#[test]
fn signals_close_the_console_and_restore_the_terminal() {
    let place = Place::new();
    for (sig, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGHUP, "SIGHUP")] {
        let mut c = place.demo(name, 100, 30, &[]);
        c.wait_board();
        assert!(c.screen().alternate_screen());
        // SAFETY: kill(2) on our own child, which has not been reaped
        let rc = unsafe { libc::kill(c.pid(), sig) };
        assert_eq!(rc, 0, "kill {name}");
        let status = c.wait_exit();
        assert!(
            status.code().is_some(),
            "{name}: the console closes itself rather than dying of the signal: {status:?}"
        );
        c.assert_restored();
        // the sign-out is recorded, and the shift is left running for whoever is next
        let (action, detail) = last_operator_record(&place);
        assert_eq!(
            (action.as_str(), detail.as_str()),
            ("sign-out", format!("{name}; shift left running").as_str())
        );
        assert_eq!(open_shifts(&place), 1, "{name}: the shift is still open");
    }
    // the store is intact afterwards: a new console opens it
    let c = place.demo("after", 100, 30, &[]);
    c.wait_board();
}

/// The newest audit record about an operator: (action, detail).
fn last_operator_record(place: &Place) -> (String, String) {
    store(place)
        .query_row(
            "SELECT action, detail FROM audit WHERE entity = 'operator' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an operator's audit record")
}

fn open_shifts(place: &Place) -> i64 {
    store(place)
        .query_row(
            "SELECT COUNT(*) FROM shifts WHERE ended_at IS NULL",
            [],
            |r| r.get(0),
        )
        .expect("count the open shifts")
}

/// `q` with the shift open asks (end it, leave it running, stay); leaving it
/// running quits with 0, restores the terminal, and the audit trail holds
/// the sign-out, as the README says.
#[test]
fn q_asks_about_the_shift_and_leaving_it_running_signs_out_and_exits() {
    let place = Place::new();
    let mut c = place.demo("console", 100, 30, &[]);
    c.wait_board();
    c.send("q");
    c.wait_for("the shift's question with its three choices", WAIT, |t| {
        t.contains(QUIT_QUESTION)
            && some_line_has(t, &["e ", "end the shift"])
            && some_line_has(t, &["l ", "leave the shift running for the next operator"])
            && some_line_has(t, &["Esc", "stay"])
    });
    // Esc stays, still signed in
    c.send(ESC);
    c.wait_gone(QUIT_QUESTION);
    assert!(c.running(), "Esc does not quit");
    c.wait_board();

    c.send("q");
    c.wait_text(QUIT_QUESTION);
    c.send("l");
    let status = c.wait_exit();
    assert!(status.success(), "exits with 0, got {status:?}");
    c.assert_restored();
    let (action, detail) = last_operator_record(&place);
    assert_eq!(
        (action.as_str(), detail.as_str()),
        ("sign-out", "quit; shift left running")
    );
    assert_eq!(open_shifts(&place), 1, "the shift is still open");
}

/// `q`, then ending the shift: the handover is reviewed, Enter saves it and
/// the console quits; the shift is ended and its sign-out recorded once.
#[test]
fn q_then_ending_the_shift_saves_the_handover_and_exits() {
    let place = Place::new();
    let mut c = place.demo("console", 120, 34, &[]);
    c.wait_board();
    c.send("q");
    c.wait_text(QUIT_QUESTION);
    c.send("e");
    c.wait_for("the handover to review", WAIT, |t| {
        t.contains("Enter save it and quit") && t.contains("# Handover")
    });
    c.send(ENTER);
    let status = c.wait_exit();
    assert!(status.success(), "exits with 0, got {status:?}");
    c.assert_restored();
    assert_eq!(open_shifts(&place), 0, "the shift ended");
    let sign_outs: i64 = store(&place)
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'sign-out'",
            [],
            |r| r.get(0),
        )
        .expect("count the sign-outs");
    assert_eq!(sign_outs, 1);
    assert_eq!(
        last_operator_record(&place),
        ("sign-out".to_string(), "shift ended".to_string())
    );
}

/// Signing in with a wrong PIN and then the right one; locking with a key and
/// unlocking; nothing personal shows while locked.
#[test]
fn sign_in_wrong_then_right_pin_then_lock_and_unlock() {
    let place = Place::new();
    // the demo store has one operator per role, with the PINs the README lists
    let mut setup = place.demo("setup", 100, 30, &[]);
    setup.wait_board();
    setup.quit_leaving_shift();
    assert!(setup.wait_exit().success());
    drop(setup);
    let db = place.db();
    let db = db.to_str().expect("utf-8 path");
    // logging everything it may: still no key, so no PIN, reaches the log
    let debug = [("WATCHROOM_LOG".to_string(), "trace".to_string())].into();
    let c = place.spawn_with("console", 100, 30, &["--db", db], &debug);
    c.wait_for("the sign-in screen", WAIT, |t| {
        t.contains("watchroom — sign in") && !t.contains(BOARD)
    });
    c.send("Priya Shah\t9999\r");
    c.wait_for("a wrong PIN refused", WAIT, |t| {
        t.contains("wrong PIN (4 more tries") && !t.contains(BOARD)
    });
    c.send("2345\r");
    c.wait_for("the board for Priya", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("Priya Shah (cctv)")
    });
    // Ctrl-L locks: the board and every name go
    c.send("\x0c");
    let locked = c.wait_for("the lock screen", WAIT, |t| {
        t.contains("watchroom — locked") && !t.contains(BOARD)
    });
    assert!(
        !locked.contains("Two females"),
        "no incident text while locked"
    );
    c.send("2345\r");
    c.wait_for("the board again", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("Priya Shah")
    });
    let conn = rusqlite::Connection::open(place.db()).expect("store");
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit WHERE entity = 'operator' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let tail: Vec<&str> = actions
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(tail, ["sign-in failed", "sign-in", "sign-out", "sign-in"]);
    let log = std::fs::read_to_string(place.path("watchroom.log")).expect("the log");
    assert!(log.contains("event=\"key\""), "keys were seen:\n{log}");
    for typed in ["Char(", "code:", "Priya Shah\t"] {
        assert!(!log.contains(typed), "{typed:?} is in the log:\n{log}");
    }
}
