//! `:find` as an operator uses it: `f`, the words, Enter; what was found
//! grouped by kind, newest first; Enter opening each where it lives. On
//! the demo and on a store made from empty.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::find::FindItem;
use watchroom::app::Pane;
use watchroom::store::find::FoundKind;
use watchroom::store::Store;

fn find(c: &mut Console, words: &str) {
    c.press('f');
    c.keys(words);
    c.key(KeyCode::Enter);
}

fn kinds(c: &Console) -> Vec<&'static str> {
    c.app
        .found()
        .expect("what was found is shown")
        .items
        .iter()
        .map(|i| i.heading())
        .collect()
}

/// Select the first item under this heading.
fn select(c: &mut Console, heading: &str) {
    c.key(KeyCode::Char('g'));
    for _ in 0..200 {
        let v = c.app.found().unwrap();
        if v.items[v.selected].heading() == heading {
            return;
        }
        c.key(KeyCode::Char('j'));
    }
    panic!("nothing under {heading}");
}

#[test]
fn a_note_a_log_entry_and_a_radio_message_are_found_and_opened_where_they_live() {
    let mut c = demo_console();
    let path = c.dir.as_ref().unwrap().path().join("demo.db");
    let mut other = Store::open(&path).unwrap();
    let op = other
        .operator_or_add("Priya Shah", "cctv", now())
        .unwrap()
        .id;
    let incident = logged_elsewhere(
        &path,
        "Priya Shah",
        "theft",
        watchroom::domain::Priority::Low,
        "Bag snatched near the bins",
    );
    let note = other
        .add_note(
            incident,
            "Suspect in a red coat, heading north",
            None,
            op,
            now(),
        )
        .unwrap();
    let older = other
        .add_note(
            incident,
            "Earlier: red coat seen by door staff",
            None,
            op,
            now() - mins(30),
        )
        .unwrap();
    let log = other
        .add_log_entry(
            None,
            op,
            "Red coat male moved on from the square",
            None,
            now(),
        )
        .unwrap()
        .id;
    c.update(watchroom::app::Action::StoreChanged);

    find(&mut c, "red coat");
    let k = kinds(&c);
    assert!(
        k.contains(&"Notes on incidents") && k.contains(&"Occurrence log"),
        "{k:?}"
    );
    // each kind newest first
    let notes: Vec<i64> = c
        .app
        .found()
        .unwrap()
        .items
        .iter()
        .filter_map(|i| match i {
            FindItem::Text(f) if f.kind == FoundKind::Note => Some(f.id),
            _ => None,
        })
        .collect();
    assert_eq!(notes[..2], [note, older], "the newest note first");
    assert!(c.text().contains("Found: red coat"), "{}", c.text());

    select(&mut c, "Notes on incidents");
    c.key(KeyCode::Enter);
    assert!(c.app.nothing_open());
    let d = c.app.detail.as_ref().expect("the incident is open");
    assert_eq!(d.incident.id, incident);
    assert_eq!(d.timeline[d.selected].id, note, "at the note");

    c.key(KeyCode::Esc);
    find(&mut c, "red coat");
    select(&mut c, "Occurrence log");
    c.key(KeyCode::Enter);
    assert_eq!(c.app.pane, Pane::Log);
    assert_eq!(
        c.app.log.entries[c.app.log.selected].id, log,
        "at the entry"
    );

    // the demo's radio log has a red jacket in it
    find(&mut c, "red jacket");
    select(&mut c, "Radio messages");
    c.key(KeyCode::Enter);
    assert_eq!(c.app.pane, Pane::Radio);
    assert_eq!(c.app.radio.view, watchroom::app::radio::RadioView::Log);
    // at that line of the whole log, however old
    let at = c
        .app
        .radio
        .log
        .get(c.app.radio.selected)
        .expect("a line selected");
    assert!(at.message.contains("male in red jacket"), "{}", at.message);
    assert_eq!(
        c.app.radio.log.total,
        count(&c.path, "SELECT COUNT(*) FROM radio_log") as usize
    );
}

#[test]
fn a_person_is_found_and_their_profile_asks_why_before_it_opens() {
    let mut c = demo_console();
    find(&mut c, "garside");
    assert!(kinds(&c).contains(&"People on the register"));
    let n = c.app.found().unwrap().items.len();
    c.key(KeyCode::Char('G'));
    assert_eq!(c.app.found().unwrap().selected, n - 1, "G: the last found");
    c.key(KeyCode::Char('g'));
    assert_eq!(c.app.found().unwrap().selected, 0, "g: the first");
    select(&mut c, "People on the register");
    c.key(KeyCode::Enter);
    assert_eq!(c.app.pane, Pane::Offenders);
    assert!(c.app.profile.is_none(), "not before the reason");
    c.keys("checking a sighting");
    c.key(KeyCode::Enter);
    let p = c
        .app
        .profile
        .as_ref()
        .expect("the profile after the reason");
    assert!(p.profile.offender.name.contains("Garside"));
}

#[test]
fn nothing_found_says_so_and_esc_closes_what_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scheme.db");
    let mut c = console_on(&path, "Cleo", Config::default());
    find(&mut c, "anything");
    assert!(c.app.nothing_open());
    assert!(
        message(&c).contains("nothing holds “anything”"),
        "{}",
        message(&c)
    );
    find(&mut c, "--");
    assert!(
        message(&c).contains("usage: :find WORDS"),
        "{}",
        message(&c)
    );

    logged_elsewhere(
        &path,
        "Dana",
        "theft",
        watchroom::domain::Priority::Low,
        "Wallet taken",
    );
    c.update(watchroom::app::Action::StoreChanged);
    c.keys(":find wall");
    c.key(KeyCode::Enter);
    assert_eq!(kinds(&c), ["Incidents"]);
    c.key(KeyCode::Esc);
    assert!(c.app.nothing_open());
}
