//! Radio trouble during the roll-call, driven by keys: a radio set lost or
//! faulty on another console shows beside its station as it happens;
//! answering for a lost one asks first; a lost or stunned radio heard on air
//! (signed on here, on another console, or by ingest) rings and toasts on
//! every console and is in the audit trail. On the demo and on a store made
//! from empty.

mod support;

use ratatui::crossterm::event::KeyCode;
use std::sync::Arc;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::Action;
use watchroom::domain::rollcall::Answer;
use watchroom::domain::FixedClock;
use watchroom::io::ingest::{ingest_stream, Rules};
use watchroom::store::Store;

fn toasts(c: &Console) -> Vec<String> {
    c.app.toasts.iter().map(|t| t.text.clone()).collect()
}

/// Set a radio's status from another console (its own store connection).
fn set_status_elsewhere(path: &std::path::Path, call_sign: &str, status: &str) {
    let mut s = Store::open(path).unwrap();
    let op = s.operator_by_name("Alex Morgan").unwrap().unwrap().id;
    let r = s
        .radios()
        .unwrap()
        .into_iter()
        .find(|r| r.call_sign == call_sign)
        .unwrap();
    s.set_radio_status(r.id, r.version, status, "reported by the member", op, now())
        .unwrap();
}

#[test]
fn a_radio_gone_lost_during_the_call_shows_on_the_roster_and_answering_it_asks_first() {
    let mut c = demo_console();
    c.keys("5R");
    let stations = c.roll_call().stations.clone();
    let (first, third) = (stations[0].call_sign.clone(), stations[2].call_sign.clone());
    set_status_elsewhere(&c.path, &first, "lost");
    set_status_elsewhere(&c.path, &third, "faulty");
    c.update(Action::StoreChanged);
    let screen = c.text();
    assert!(screen.contains("LOST"), "{screen}");
    assert!(screen.contains("FAULTY"), "{screen}");
    assert!(
        screen.contains("marked lost: asked before answering"),
        "{screen}"
    );

    // 5 for the lost radio: asked; no leaves it unanswered
    c.keys("5");
    let asked = c.text();
    assert!(
        asked.contains(&format!(
            "{first} is marked lost: record “5 loud and clear” for it?"
        )),
        "{asked}"
    );
    c.keys("n");
    assert_eq!(c.roll_call().entry(0), None, "nothing recorded");
    assert_eq!(c.roll_call().current(), Some(0));
    // nothing heard needs no question
    c.keys("n");
    assert_eq!(c.roll_call().entry(0).unwrap().answer, Answer::NothingHeard);
    // heard after all, on the re-call… a late check-in asks too, and yes keeps it
    c.keys("4"); // the second station, not in trouble: no question
    assert_eq!(c.roll_call().entry(1).unwrap().answer, Answer::Heard(4));
    c.keys("5"); // the faulty one: not missing, no question
    assert_eq!(c.roll_call().entry(2).unwrap().answer, Answer::Heard(5));
    c.keys("i");
    c.keys(&format!("{first} 3"));
    c.key(KeyCode::Enter);
    assert!(c.text().contains("is marked lost"), "{}", c.text());
    c.keys("y");
    let e = c.roll_call().entry(0).unwrap().clone();
    assert_eq!((e.answer, e.late), (Answer::Heard(3), true));
    let kept = c.worker.open_roll_call().unwrap().unwrap();
    assert_eq!(kept.rollcall.entry(0).unwrap().answer, Answer::Heard(3));
}

#[test]
fn a_lost_radio_heard_on_air_rings_and_toasts_on_every_console_and_is_audited() {
    let (_dir, path) = demo_store();
    let lost = {
        let s = Store::open(&path).unwrap();
        s.radios()
            .unwrap()
            .into_iter()
            .find(|r| r.status == "lost")
            .expect("the demo has a lost radio")
            .call_sign
    };
    let mut a = console_on(&path, "Tom Baxter", Config::default());
    let mut b = console_on(&path, "Sam Okafor", Config::default());

    // by ingest, from the radio gateway: both consoles are told
    let mut store = Store::open(&path).unwrap();
    let account = store.ingest_account("ingest", now()).unwrap();
    let line = format!(r#"{{"kind":"radio","call_sign":"{lost}","event":"sign_on"}}"#);
    ingest_stream(
        store,
        account,
        std::io::Cursor::new(line.into_bytes()),
        Rules::default(),
        Arc::new(FixedClock::new(now())),
        &mut Vec::new(),
    )
    .unwrap();
    for c in [&mut a, &mut b] {
        c.update(Action::StoreChanged);
        let t = toasts(c);
        let want = format!("LOST RADIO {lost} heard: signing on (logged by ingest)");
        assert!(t.contains(&want), "{t:?}");
        assert!(c.app.take_bell(), "it rings");
        assert!(
            c.app
                .notices
                .iter()
                .any(|n| n.summary == "watchroom: lost radio heard"),
            "a desktop notice"
        );
    }
    let trail = a.worker.recent_audit(None, 5).unwrap();
    assert!(
        trail.iter().any(|r| r.entity == "radio"
            && r.operator == "ingest"
            && r.detail == "signing on from a radio that is lost"),
        "{trail:?}"
    );

    // signed on by hand on one console: that console is told, and so is the other
    a.clock.advance(mins(1));
    a.keys("5o");
    a.keys(&lost);
    a.key(KeyCode::Enter);
    assert!(
        toasts(&a).iter().any(|t| t.starts_with(&format!(
            "LOST RADIO {lost} heard: signing on (logged by Tom Baxter)"
        ))),
        "{:?}",
        toasts(&a)
    );
    assert!(a.app.take_bell());
    b.update(Action::StoreChanged);
    assert!(
        toasts(&b)
            .iter()
            .any(|t| *t == format!("LOST RADIO {lost} heard: signing on (logged by Tom Baxter)")),
        "{:?}",
        toasts(&b)
    );
    // an ordinary radio signing on rings nowhere
    let fine = a.app.radio.call_signs[0].clone();
    let before = b.app.notices.len();
    a.keys("o");
    a.keys(&fine);
    a.key(KeyCode::Enter);
    b.update(Action::StoreChanged);
    assert_eq!(b.app.notices.len(), before);
}

#[test]
fn on_a_store_made_from_empty_a_stunned_radio_is_asked_about_and_rings_when_heard() {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), "Dana Chief", "The Old Bell", &["MS01", "MS02"]);
    // the other console's manager
    Store::open(&path)
        .unwrap()
        .operator_or_add("Alex Morgan", "manager", now())
        .unwrap();
    let mut c = console_on(&path, "Dana Chief", Config::default());
    c.keys("5R");
    set_status_elsewhere(&path, "MS01", "stunned");
    c.update(Action::StoreChanged);
    assert!(c.text().contains("STUNNED"), "{}", c.text());
    c.keys("r");
    c.keys("MS02");
    c.key(KeyCode::Enter);
    assert!(
        c.text()
            .contains("MS01 is marked stunned: record “relayed via MS02”"),
        "{}",
        c.text()
    );
    c.keys("y");
    assert_eq!(
        c.roll_call().entry(0).unwrap().answer,
        Answer::RelayedVia("MS02".into())
    );
    c.keys("o");
    c.keys("ms01");
    c.key(KeyCode::Enter);
    assert!(
        toasts(&c)
            .iter()
            .any(|t| t.starts_with("STUNNED RADIO MS01 heard: signing on")),
        "{:?}",
        toasts(&c)
    );
}
