//! Alerts that reach the operator: the locked console's banner, a form kept
//! through a lock, and toasts on every console for a new P1, an ingested
//! alarm and an incident going stale.

mod support;

use ratatui::crossterm::event::KeyCode;
use std::sync::Arc;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::Action;
use watchroom::domain::{FixedClock, Priority};
use watchroom::io::ingest::{ingest_stream, Rules};
use watchroom::store::Store;

fn toasts(c: &Console) -> Vec<String> {
    c.app.toasts.iter().map(|t| t.text.clone()).collect()
}

/// Leave the console past its idle time: it locks itself.
fn idle(c: &mut Console) {
    c.clock.advance(mins(c.app.config.lock_after_minutes));
    c.update(Action::Tick);
    assert!(c.app.lock.is_some(), "locked when idle");
}

/// Type the PIN on the lock screen (the name is already there) and sign in.
fn unlock(c: &mut Console, pin: &str) {
    c.keys(pin);
    c.key(KeyCode::Enter);
}

#[test]
fn a_locked_console_counts_what_arrives_names_no_one_and_rings() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    let person = register(&path, "Quentin Vale", "Q", &[], Some("exclusion"));
    c.ctrl('l');
    assert!(c.app.lock.is_some());
    let before = c.text();
    assert!(before.contains("1 hit waiting"), "{before}");
    assert!(c.app.take_bell() || !c.app.bell, "nothing new rang");
    sighted_elsewhere(&path, person);
    c.clock.advance(mins(1));
    c.update(Action::StoreChanged);
    let screen = c.text();
    assert!(screen.contains("2 hits waiting"), "{screen}");
    assert!(
        !screen.contains("Quentin"),
        "no name while locked: {screen}"
    );
    assert!(!screen.contains("Market Square"), "no place: {screen}");
    assert!(c.app.take_bell(), "the bell rang for the new hit");
    // a P1 from another console adds to the count, and rings again
    logged_elsewhere(
        &path,
        "Sam Okafor",
        "violence",
        Priority::Urgent,
        "fight with a bottle",
    );
    c.clock.advance(mins(1));
    c.update(Action::StoreChanged);
    let screen = c.text();
    assert!(screen.contains("1 P1 live"), "{screen}");
    assert!(!screen.contains("bottle"), "{screen}");
    assert!(c.app.take_bell());
}

#[test]
fn the_form_left_open_at_the_lock_comes_back_for_the_same_operator() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("nt");
    c.key(KeyCode::Tab);
    c.keys("2");
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab);
    c.keys("Two lads by the tills");
    // called away to the monitors: the console locks on its own
    idle(&mut c);
    assert!(c.app.nothing_open(), "nothing of it shows while locked");
    assert!(!c.text().contains("Two lads"));
    unlock(&mut c, "1234");
    assert!(c.app.lock.is_none(), "{}", c.text());
    let form = c.app.form().expect("the form is back");
    assert!(
        form.fields
            .iter()
            .any(|f| f.value() == "Two lads by the tills"),
        "as it was"
    );
}

#[test]
fn someone_else_signing_in_discards_the_draft_and_its_operator_is_told_next_time() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("nt");
    idle(&mut c);
    // Priya signs in at the locked console
    c.key(KeyCode::BackTab);
    for _ in 0..20 {
        c.key(KeyCode::Backspace);
    }
    c.keys("Priya Shah");
    c.key(KeyCode::Tab);
    unlock(&mut c, "2345");
    assert_eq!(c.app.operator.name, "Priya Shah", "{}", c.text());
    assert!(c.app.form().is_none(), "Alex's draft is not hers to see");
    c.ctrl('l');
    c.key(KeyCode::BackTab);
    for _ in 0..20 {
        c.key(KeyCode::Backspace);
    }
    c.keys("Alex Morgan");
    c.key(KeyCode::Tab);
    unlock(&mut c, "1234");
    assert_eq!(c.app.operator.name, "Alex Morgan");
    assert!(c.app.form().is_none());
    let said = message(&c);
    assert!(
        said.contains("unsaved form") && said.contains("discarded when Priya Shah signed in"),
        "{said}"
    );
}

#[test]
fn a_p1_from_another_console_and_an_ingested_alarm_toast_and_ring_everywhere() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Sam Okafor", Config::default());
    let id = logged_elsewhere(&path, "Alex Morgan", "violence", Priority::Urgent, "fight");
    c.update(Action::StoreChanged);
    let t = toasts(&c);
    assert!(
        t.iter()
            .any(|t| t.starts_with("P1: Alex Morgan logged #") && t.contains(&id.to_string())),
        "{t:?}"
    );
    assert!(c.app.take_bell(), "a P1 rings");
    // an alarm from the alarm receiver, through ingest
    c.clock.advance(mins(1));
    let mut store = Store::open(&path).unwrap();
    let account = store.ingest_account("ingest", now()).unwrap();
    let line = r#"{"kind":"alarm","member":"greggs","alarm":"panic","at":"2026-11-27T12:00:30Z","ref":"ALM-9"}"#;
    ingest_stream(
        store,
        account,
        std::io::Cursor::new(line.as_bytes().to_vec()),
        Rules::default(),
        Arc::new(FixedClock::new(now())),
        &mut Vec::new(),
    )
    .unwrap();
    c.update(Action::StoreChanged);
    let t = toasts(&c);
    assert!(t.iter().any(|t| t.starts_with("ALARM: #")), "{t:?}");
    assert!(c.app.take_bell(), "an alarm rings");
    // an ordinary incident toasts without the bell
    c.clock.advance(mins(1));
    logged_elsewhere(&path, "Alex Morgan", "antisocial", Priority::Low, "begging");
    c.update(Action::StoreChanged);
    assert!(toasts(&c).iter().any(|t| t.contains("logged #")));
    assert!(!c.app.take_bell());
}

#[test]
fn an_incident_going_stale_toasts_once_and_those_stale_at_start_do_not() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Sam Okafor", Config::default());
    assert!(c.app.stale_count() > 0, "the demo has stale incidents");
    c.update(Action::Tick);
    assert!(
        toasts(&c).iter().all(|t| !t.contains("no update for")),
        "{:?}",
        toasts(&c)
    );
    c.log_incident('t', '3', "greggs", "Bag left by the door");
    let id: i64 = count(&path, "SELECT MAX(id) FROM incidents");
    c.app.toasts.clear();
    c.clock.advance(mins(19));
    c.update(Action::Tick);
    assert!(
        toasts(&c).iter().all(|t| !t.contains("no update for")),
        "not stale yet: {:?}",
        toasts(&c)
    );
    c.clock.advance(mins(2));
    c.update(Action::Tick);
    let stale: Vec<String> = toasts(&c)
        .into_iter()
        .filter(|t| t.contains("no update for"))
        .collect();
    assert_eq!(stale, vec![format!("#{id} has had no update for 20 min")]);
    c.app.toasts.clear();
    c.clock.advance(mins(1));
    c.update(Action::Tick);
    assert!(
        toasts(&c).iter().all(|t| !t.contains("no update for")),
        "once: {:?}",
        toasts(&c)
    );
}
