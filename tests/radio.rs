//! The radio pane driven by keys: the roll-call one key per station, re-calls,
//! late check-ins, relays, undo, resuming after a close, the log, the inventory.

mod support;

use watchroom::app::forms::RadioForm;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::radio::RadioView;
use watchroom::app::{Action, FormKind, Pane};
use watchroom::domain::rollcall::Answer;
use watchroom::store::Store;

#[test]
fn a_roll_call_takes_one_key_per_station_and_calls_the_silent_again() {
    let mut c = demo_console();
    c.keys("5R");
    let n = c.roll_call().stations.len();
    assert!(n >= 30, "the demo roster has {n} stations");
    let mut keys = 0;
    // every fifth station silent, the rest loud and clear
    for i in 0..n {
        keys += 1;
        c.keys(if i % 5 == 0 { "n" } else { "5" });
    }
    let silent = n.div_ceil(5);
    let r = &c.roll_call();
    assert_eq!(
        r.recall_queue().len(),
        silent,
        "the silent ones wait to be called again"
    );
    assert!(c.text().contains("Calling again"), "{}", c.text());
    // on the re-call, half answer
    for i in 0..silent {
        keys += 1;
        c.keys(if i % 2 == 0 { "3" } else { "n" });
    }
    assert_eq!(
        keys,
        n + silent,
        "exactly one key per station plus the re-calls"
    );
    assert!(c.text().contains("All stations in"));
    c.key(KeyCode::Enter);
    assert!(c.app.radio.rollcall.is_none(), "saved");
    let saved = &c.worker.roll_calls(1).unwrap()[0];
    assert_eq!(saved.summary.expected, n);
    assert_eq!(saved.summary.answered, n - silent + silent.div_ceil(2));
    assert_eq!(saved.summary.nothing_heard, silent / 2);
    assert_eq!(saved.summary.late, silent.div_ceil(2));
    assert!(saved.finished_at.is_some() && !saved.practice);
    assert!(c
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains(&format!("of {n} answered")));
}

#[test]
fn relays_late_check_ins_and_undo() {
    let mut c = demo_console();
    c.keys("5R");
    let stations = c.roll_call().stations.clone();
    c.keys("r");
    c.keys(&stations[3].call_sign[..2]);
    c.key(KeyCode::Tab); // completes as far as it can
    c.keys(&stations[3].call_sign[2..]);
    c.key(KeyCode::Enter);
    let r = &c.roll_call();
    assert_eq!(
        r.entry(0).unwrap().answer,
        Answer::RelayedVia(stations[3].call_sign.clone())
    );
    // a late check-in by call sign, out of turn
    c.keys("i");
    c.keys(&format!("{} 4", stations[5].call_sign));
    c.key(KeyCode::Enter);
    let r = &c.roll_call();
    assert!(r.entry(5).unwrap().late);
    // an unknown call sign gets a clear answer and nothing changes
    c.keys("i");
    c.keys("ZZ99 5");
    c.key(KeyCode::Enter);
    assert!(c
        .app
        .input
        .as_ref()
        .unwrap()
        .error
        .as_ref()
        .unwrap()
        .contains("no station ZZ99 on tonight's roster"));
    c.key(KeyCode::Esc);
    // so does a relay through a station not on the roster: the line stays
    // open with why, and what was typed is kept
    let before = c.roll_call().steps.len();
    c.keys("r");
    c.keys("HS0");
    c.key(KeyCode::Enter);
    let line = c.app.input.as_ref().expect("the line stays open");
    assert!(
        line.error
            .as_deref()
            .is_some_and(|e| e.contains("no such station")),
        "{:?}",
        line.error
    );
    assert_eq!(line.line.value, "HS0", "what was typed is kept");
    assert_eq!(c.roll_call().steps.len(), before, "nothing was taken");
    c.key(KeyCode::Esc);
    c.keys("5");
    assert_eq!(c.roll_call().current(), Some(2));
    c.keys("u");
    assert_eq!(c.roll_call().current(), Some(1), "undone");
    assert!(c.roll_call().entry(1).is_none());
}

#[test]
fn a_roll_call_interrupted_by_closing_the_console_resumes_where_it_stopped() {
    let (_dir, path) = demo_store();
    let before = {
        let mut c = console_on(&path, "Alex Morgan", Config::default());
        c.keys("5R");
        c.keys("55n4");
        c.keys("u");
        c.keys("2");
        let r = c.roll_call().clone();
        (r.current(), r.summary(), r.recall_queue())
        // the console is dropped here, as if closed mid-call
    };
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("5");
    let r = &c.app.radio.rollcall.as_ref().expect("resumed").rollcall;
    assert_eq!((r.current(), r.summary(), r.recall_queue()), before);
    c.keys("R"); // carrying on, not a second roll-call
    assert!(c.app.message.as_ref().unwrap().text.contains("carrying on"));
    assert_eq!(
        Store::open(&path)
            .unwrap()
            .roll_calls(50)
            .unwrap()
            .iter()
            .filter(|r| r.finished_at.is_none())
            .count(),
        1
    );
}

#[test]
fn a_practice_roll_call_is_marked_and_kept_out_of_the_figures() {
    let mut c = demo_console();
    c.keys("5");
    let health_before = c.worker.recent_answers(1).unwrap();
    c.keys("T");
    assert!(c.text().contains("PRACTICE"));
    c.keys("Fy"); // finish now (asked first): the rest count as nothing heard
    c.key(KeyCode::Enter);
    let saved = &c.worker.roll_calls(1).unwrap()[0];
    assert!(saved.practice);
    assert_eq!(
        c.worker.recent_answers(1).unwrap(),
        health_before,
        "radio health ignores practice"
    );
}

#[test]
fn the_radio_log_completes_call_signs_and_shows_who_is_on_air() {
    let mut c = demo_console();
    c.keys("5vv");
    assert_eq!(c.app.radio.view, RadioView::Log);
    c.keys("l");
    c.keys("rc2");
    c.key(KeyCode::Tab);
    let typed = c.app.input.as_ref().unwrap().line.value.clone();
    assert!(typed.starts_with("RC2"), "{typed}");
    c.ctrl('u');
    // on air only by a sign-on or sign-off, never by a message's words
    c.keys("hs01");
    c.key(KeyCode::Enter);
    let why = c.app.input.as_ref().unwrap().error.clone().unwrap();
    assert!(why.contains("o signs a station on, O off"), "{why}");
    c.key(KeyCode::Esc);
    c.keys("O");
    c.keys("hs01");
    c.key(KeyCode::Enter);
    assert!(!c.app.radio.on_air.contains(&"HS01".to_string()));
    c.keys("l");
    c.keys("hs01 lad was signing on the shutter");
    c.key(KeyCode::Enter);
    assert!(
        !c.app.radio.on_air.contains(&"HS01".to_string()),
        "words are not a sign-on: {:?}",
        c.app.radio.on_air
    );
    c.keys("o");
    c.keys("hs01");
    c.key(KeyCode::Enter);
    assert!(
        c.app.radio.on_air.contains(&"HS01".to_string()),
        "{:?}",
        c.app.radio.on_air
    );
    c.keys("l");
    c.keys("hs01 signing off now");
    c.key(KeyCode::Enter);
    assert!(c.app.radio.on_air.contains(&"HS01".to_string()));
    c.keys("O");
    c.keys("hs01");
    c.key(KeyCode::Enter);
    assert!(!c.app.radio.on_air.contains(&"HS01".to_string()));
    c.keys("l");
    c.keys("XY42 hello");
    c.key(KeyCode::Enter);
    assert!(c
        .app
        .input
        .as_ref()
        .unwrap()
        .error
        .as_ref()
        .unwrap()
        .contains("no radio has the call sign “XY42”"));
}

#[test]
fn the_inventory_flags_failing_radios_and_keeps_status_history() {
    let mut c = demo_console();
    c.keys("5v");
    assert_eq!(c.app.radio.view, RadioView::Inventory);
    let silent = c
        .app
        .radio
        .radios
        .iter()
        .find(|h| h.flag == Some("not heard on the last three roll-calls"))
        .expect("the demo has a silent radio");
    let fading = c
        .app
        .radio
        .radios
        .iter()
        .find(|h| h.flag.is_some() && h.radio.id != silent.radio.id)
        .expect("and a weak one");
    assert!(fading.flag.unwrap().contains("weak") || fading.flag.unwrap().contains("weaker"));
    let id = silent.radio.id;
    let at = c
        .app
        .radio
        .radios
        .iter()
        .position(|h| h.radio.id == id)
        .unwrap();
    for _ in 0..at {
        c.keys("j");
    }
    c.keys("s");
    let Some(FormKind::Radio(RadioForm::Status { .. })) = c.app.form_kind() else {
        panic!("status form")
    };
    c.keys("f"); // faulty
    c.key(KeyCode::Tab);
    c.keys("sent for repair");
    c.key(KeyCode::Enter);
    let h = c.worker.radio_history(id).unwrap();
    assert_eq!(
        (h[0].from.as_str(), h[0].to.as_str(), h[0].note.as_str()),
        ("issued", "faulty", "sent for repair")
    );
    assert!(
        !c.worker
            .roll_call_roster()
            .unwrap()
            .iter()
            .any(|s| s.radio_id == id),
        "no longer expected on the roll-call"
    );
}

#[test]
fn a_call_sign_cannot_be_issued_twice() {
    let mut c = demo_console();
    c.keys("5vA");
    c.keys("HS01");
    c.key(KeyCode::Tab);
    c.keys("NEW-1");
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("still open")
    };
    assert!(
        f.error.as_ref().unwrap().contains("HS01 is already issued"),
        "{:?}",
        f.error
    );
}

#[test]
fn the_roll_call_keys_apply_only_to_a_roll_call_on_screen() {
    let mut c = demo_console();
    c.keys("5");
    assert_eq!(c.app.pane, Pane::Radio);
    c.keys("2"); // no roll-call: 2 is still the hits pane
    assert_eq!(c.app.pane, Pane::Hits);
    c.update(Action::ShowPane(Pane::Radio));
    c.keys("R2");
    assert_eq!(c.app.pane, Pane::Radio, "in a roll-call 2 is an answer");
    assert_eq!(
        c.app
            .radio
            .rollcall
            .as_ref()
            .unwrap()
            .rollcall
            .entry(0)
            .unwrap()
            .answer,
        Answer::Heard(2)
    );
}

#[test]
fn a_radio_line_offers_every_call_sign_whatever_the_inventory_filter() {
    let mut c = demo_console();
    c.update(watchroom::app::Action::ShowPane(
        watchroom::app::Pane::Radio,
    ));
    let all = c.app.call_signs_matching("");
    assert!(all.len() > 2, "{all:?}");
    // the inventory filtered down to one radio
    let one = all[0].clone();
    c.update(watchroom::app::Action::RadioLine(
        watchroom::app::radio::RadioInput::Filter,
    ));
    c.keys(&one);
    c.key(KeyCode::Enter);
    assert_eq!(c.app.radio.radios.len(), 1, "the filter shows one");
    assert_eq!(
        c.app.call_signs_matching(""),
        all,
        "the lines still offer all"
    );
    // and one matching none
    c.update(watchroom::app::Action::RadioLine(
        watchroom::app::radio::RadioInput::Filter,
    ));
    c.keys("nothing-like-this");
    c.key(KeyCode::Enter);
    assert!(c.app.radio.radios.is_empty());
    assert_eq!(c.app.call_signs_matching(""), all);
}

/// The radios' history behind the marks and coverage is read on the store
/// worker: the inventory is listed and moves at once, says it is reading,
/// and the marks and flags come when the reading does.
#[test]
fn the_inventory_lists_and_moves_before_its_history_is_read() {
    let mut c = demo_console();
    c.keys("5");
    c.press('v');
    assert_eq!(c.app.radio.view, RadioView::Inventory);
    assert!(
        !c.app.radio.radios.is_empty(),
        "the radios are listed at once"
    );
    assert!(c.text().contains("reading…"), "{}", c.text());
    c.press('j');
    assert_eq!(c.app.radio.selected, 1, "a key still moves");
    c.settle();
    assert!(!c.text().contains("reading…"));
    assert!(c.app.radio.radios.iter().any(|h| !h.marks.is_empty()));
    assert!(c
        .app
        .radio
        .radios
        .iter()
        .any(|h| h.flag == Some("not heard on the last three roll-calls")));
    assert!(!c.app.radio.coverage.is_empty());
}
