//! The CCTV desk each console remembers: the camera and place of the
//! operator's last sighting open their next one, after a restart too.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::form::FieldKey;
use watchroom::store::Store;

/// The sighting form's camera and place, as they read.
fn desk_defaults(c: &Console) -> (String, String) {
    let form = c.app.form().expect("the sighting form is open");
    let value = |k| form.field(k).unwrap().value().to_string();
    (value(FieldKey::Camera), value(FieldKey::Where))
}

#[test]
fn each_console_remembers_its_desk_after_a_restart_and_only_for_that_operator() {
    let (_dir, path) = demo_store();
    let today = {
        let mut c = console_on(&path, "Rita Desk", Config::default());
        c.keys("S");
        let today = desk_defaults(&c);
        assert_eq!(
            today,
            ("Cam 1 High Street east".into(), String::new()),
            "a desk with no sighting yet opens on the scheme's default camera"
        );
        c.key(KeyCode::Tab); // Who: unknown
        c.keys("3"); // Cam 3 Market Square
        c.key(KeyCode::Tab);
        c.keys("by the fountain");
        c.key(KeyCode::Tab);
        c.key(KeyCode::Tab);
        c.keys("tall man, grey hoodie");
        c.ctrl('s');
        assert!(c.app.nothing_open(), "saved: {}", message(&c));
        // the same console straight away: the place as kept, in the camera's zone
        c.keys("S");
        assert_eq!(
            desk_defaults(&c),
            (
                "Cam 3 Market Square".into(),
                "Market Square — by the fountain".into()
            )
        );
        today
    };
    // the console started again on the same store
    let mut again = console_on(&path, "Rita Desk", Config::default());
    again.keys("S");
    assert_eq!(
        desk_defaults(&again),
        (
            "Cam 3 Market Square".into(),
            "Market Square — by the fountain".into()
        ),
        "the desk survives a restart"
    );
    let mut other = console_on(&path, "Sam Other", Config::default());
    other.keys("S");
    assert_eq!(
        desk_defaults(&other),
        today,
        "another operator's desk is their own"
    );
}

#[test]
fn a_camera_retired_since_the_last_sighting_is_not_offered_as_the_desk() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Rita Desk", Config::default());
    c.keys("S");
    c.key(KeyCode::Tab);
    c.keys("7"); // Cam 7 Bar Street, pointing at the night-time economy
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab); // Where left blank: where the camera points
    c.key(KeyCode::Tab);
    c.keys("woman in a red coat");
    c.ctrl('s');
    assert!(c.app.nothing_open(), "saved: {}", message(&c));
    c.keys("S");
    assert_eq!(
        desk_defaults(&c),
        ("Cam 7 Bar Street".into(), String::new()),
        "a camera's own zone is not typed in for it: the place follows the camera"
    );
    let mut s = Store::open(&path).unwrap();
    let manager = s.operator_or_add("Alex Morgan", "manager", now()).unwrap();
    s.retire_camera_by_name("Cam 7 Bar Street", manager.id, now())
        .unwrap();
    let mut again = console_on(&path, "Rita Desk", Config::default());
    again.keys("S");
    assert_eq!(
        desk_defaults(&again),
        ("Cam 1 High Street east".into(), String::new())
    );
}

#[test]
fn the_last_desk_is_read_without_sorting_the_sightings() {
    let (_dir, path) = demo_store();
    let conn = raw(&path);
    let plan: Vec<String> = conn
        .prepare(&format!(
            "EXPLAIN QUERY PLAN {}",
            watchroom::store::sightings::LAST_DESK
        ))
        .unwrap()
        .query_map([1], |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
}
