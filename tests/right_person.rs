//! The right person, every time: the sighting picker tells two people of
//! one name apart, a save asks which was meant when two are equally good,
//! and adding someone already on the register says so and offers them.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::{InputKind, Pane};

fn two_dean_marshes(path: &std::path::Path) -> (i64, i64) {
    let excluded = register(path, "Dean Marsh", "Deano", &["violent"], Some("exclusion"));
    let other = register(path, "Dean Marsh", "Marshy", &["drugs"], None);
    (excluded, other)
}

/// The picker's lines under the Who field, as drawn.
fn picker_lines(c: &Console) -> Vec<String> {
    c.text()
        .lines()
        .filter(|l| l.contains("Dean Marsh"))
        .map(|l| {
            l.trim_matches(|ch: char| ch == '│' || ch == ' ')
                .to_string()
        })
        .collect()
}

#[test]
fn the_picker_shows_record_marker_exclusion_and_last_seen_for_each_person() {
    let (_dir, path) = demo_store();
    let (excluded, other) = two_dean_marshes(&path);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("S");
    c.keys("dean marsh");
    let lines = picker_lines(&c);
    let of = |id: i64| {
        lines
            .iter()
            .find(|l| l.contains(&format!("#{id} ")))
            .unwrap_or_else(|| panic!("#{id} in {lines:#?}"))
            .clone()
    };
    let a = of(excluded);
    assert!(
        a.contains("violent") && a.contains("EXCLUDED · all zones"),
        "{a}"
    );
    let b = of(other);
    assert!(b.contains("drugs") && !b.contains("EXCLUDED"), "{b}");
    assert!(!b.contains("seen "), "never sighted: {b}");
    // once sighted, the last time seen is on the row
    c.key(KeyCode::Down);
    c.key(KeyCode::Enter);
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{}", message(&c));
    c.keys("S");
    c.keys("dean marsh");
    let b = picker_lines(&c)
        .into_iter()
        .find(|l| l.contains(&format!("#{other} ")))
        .unwrap();
    assert!(b.contains("seen 27 Nov 12:00"), "{b}");
}

#[test]
fn saving_when_two_people_match_equally_asks_which_was_meant() {
    let (_dir, path) = demo_store();
    let (excluded, other) = two_dean_marshes(&path);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    let sightings = count(&path, "SELECT COUNT(*) FROM sightings");
    c.keys("S");
    c.keys("dean marsh");
    c.key(KeyCode::Enter); // the highlighted one, without looking
    c.ctrl('s');
    let form = c.app.form().expect("not saved: it asks");
    let err = form.error.clone().unwrap_or_default();
    assert!(
        err.contains("2 people match “dean marsh” equally well"),
        "{err}"
    );
    assert_eq!(count(&path, "SELECT COUNT(*) FROM sightings"), sightings);
    assert_eq!(picker_lines(&c).len(), 2, "both offered again");
    // the one taken now is meant: the other, with one key
    let first = form.fields[form.focus].value().to_string();
    assert_eq!(first, "dean marsh", "what was typed is back");
    let chosen_row = picker_lines(&c)[1].clone();
    c.key(KeyCode::Down);
    c.key(KeyCode::Enter);
    c.ctrl('s');
    assert!(c.app.nothing_open(), "saved: {}", message(&c));
    let who: i64 = count(
        &path,
        "SELECT offender_id FROM sightings ORDER BY id DESC LIMIT 1",
    );
    let meant = if chosen_row.contains(&format!("#{excluded} ")) {
        excluded
    } else {
        other
    };
    assert_eq!(who, meant, "the person chosen: {chosen_row}");
}

#[test]
fn a_name_that_picks_one_person_saves_without_asking() {
    let (_dir, path) = demo_store();
    two_dean_marshes(&path);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("S");
    c.keys("deano");
    c.key(KeyCode::Enter);
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{}", message(&c));
}

#[test]
fn adding_someone_already_on_the_register_warns_and_offers_their_record() {
    let (_dir, path) = demo_store();
    let (excluded, _) = two_dean_marshes(&path);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("3");
    c.keys("O");
    c.key(KeyCode::Tab);
    c.keys("Zed Ferris");
    c.key(KeyCode::Tab);
    c.keys("deano");
    c.ctrl('s');
    let form = c.app.form().expect("not saved yet");
    let err = form.error.clone().unwrap_or_default();
    assert!(
        err.contains(&format!("already on the register: #{excluded} "))
            && err.contains("Dean Marsh")
            && err.contains("Ctrl-o"),
        "{err}"
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM offenders WHERE name = 'Zed Ferris'"
        ),
        0
    );
    // Ctrl-O: the record's profile, asked for with a reason as any is
    c.ctrl('o');
    assert!(c.app.form().is_none());
    assert_eq!(c.app.pane, Pane::Offenders);
    assert!(matches!(
        c.app.input.as_ref().map(|i| i.kind),
        Some(InputKind::Why { offender }) if offender == excluded
    ));
}

#[test]
fn saving_again_after_the_warning_adds_the_new_record() {
    let (_dir, path) = demo_store();
    two_dean_marshes(&path);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("3");
    c.keys("O");
    c.key(KeyCode::Tab);
    c.keys("dean  MARSH");
    c.ctrl('s');
    assert!(c.app.form().is_some(), "warned first");
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{}", message(&c));
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM offenders WHERE lower(name) LIKE 'dean%marsh'"
        ),
        3
    );
}
