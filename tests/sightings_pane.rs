//! The sightings pane, driven by keys on real stores: every sighting newest
//! first, those of someone not yet identified too; `/` narrows by person,
//! camera, zone and day; Enter opens the person (audited for the sighting)
//! or the incident; another console's sighting arrives at the top.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::{Action, Event, Pane};

/// `/`, the line cleared (it opens on the filter in force), `text`, Enter.
fn filter(c: &mut Console, text: &str) {
    c.keys("/");
    c.ctrl('u');
    c.keys(text);
    c.key(KeyCode::Enter);
}

fn line_error(c: &Console) -> Option<String> {
    c.app.input.as_ref().and_then(|i| i.error.clone())
}

#[test]
fn a_scheme_going_live_sees_the_unidentified_person_it_logged() {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), "Dana Chief", "The Old Bell", &[]);
    let mut c = console_on(&path, "Dana Chief", Config::default());
    c.keys("W");
    assert_eq!(c.app.pane, Pane::Sightings);
    assert!(c.text_at(140, 40).contains("No sightings yet"));

    // someone not on the register: who left blank, a description given
    c.keys("S");
    c.key(KeyCode::Tab); // who: not known
    c.key(KeyCode::Tab); // camera: the scheme has none yet
    c.key(KeyCode::Tab); // where
    c.key(KeyCode::Tab); // when: now
    c.keys("tall man, green parka, white trainers");
    c.key(KeyCode::Tab);
    c.keys("tried the doors of three cars");
    c.ctrl('s');
    assert_eq!(
        c.app.sightings.rows.len(),
        1,
        "{} {}",
        message(&c),
        c.text_at(140, 40)
    );
    let s = &c.app.sightings.rows[0];
    assert_eq!(s.offender_id, None);
    let screen = c.text_at(140, 40);
    assert!(
        screen.contains("not identified: tall man, green parka"),
        "{screen}"
    );
    assert!(screen.contains("tried the doors of three cars"), "{screen}");

    c.key(KeyCode::Enter);
    assert!(
        message(&c).contains("not yet identified, on no incident"),
        "{}",
        message(&c)
    );
    assert_eq!(c.app.pane, Pane::Sightings);
}

#[test]
fn the_filter_narrows_by_person_camera_zone_and_day() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Priya Shah", Config::default());
    c.keys("W");
    let all = count(&path, "SELECT COUNT(*) FROM sightings") as usize;
    assert_eq!(c.app.sightings.total, all);
    let at: Vec<_> = c.app.sightings.rows.iter().map(|s| (s.at, s.id)).collect();
    let mut newest_first = at.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(at, newest_first, "newest first");

    filter(&mut c, "unidentified");
    let rows = &c.app.sightings.rows;
    assert_eq!(
        rows.len() as i64,
        count(
            &path,
            "SELECT COUNT(*) FROM sightings WHERE offender_id IS NULL"
        )
    );
    assert!(
        !rows.is_empty(),
        "the demo has sightings of the unidentified"
    );
    assert!(rows.iter().all(|s| s.offender_id.is_none()));

    filter(&mut c, "camera:market");
    let rows = &c.app.sightings.rows;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|s| s.camera == "Cam 3 Market Square"));
    assert_eq!(
        rows.len() as i64,
        count(
            &path,
            "SELECT COUNT(*) FROM sightings s JOIN cameras c ON c.id = s.camera_id WHERE c.name = 'Cam 3 Market Square'"
        )
    );

    filter(&mut c, "zone:night");
    let rows = &c.app.sightings.rows;
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|s| s.place.starts_with("Night-Time Economy")));

    filter(&mut c, "person:kyle");
    let rows = &c.app.sightings.rows;
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|s| s.offender.contains("Kyle")), "{rows:?}");

    // today on the scheme's clock (27 November, London), and only today
    filter(&mut c, "today");
    let rows = c.app.sightings.rows.clone();
    assert!(!rows.is_empty());
    let day =
        |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&chrono_tz::Europe::London).date_naive();
    assert!(rows.iter().all(|s| day(s.at) == day(now())));
    assert!(rows.len() < all);

    // a camera that is not there is said on the line; the list stays
    c.keys("/");
    c.update(Action::Paste(" camera:bus_depot".into()));
    c.key(KeyCode::Enter);
    let e = line_error(&c).expect("the line says what is wrong");
    assert!(e.contains("no camera is called “bus_depot”"), "{e}");
    assert!(e.contains("Cam 1 High Street east"), "{e}");
    assert_eq!(c.app.sightings.rows, rows, "the list as it was");
    c.key(KeyCode::Esc);
    assert_eq!(c.app.sightings.filter, "today", "Esc puts the filter back");

    // Esc on the pane clears the filter: every sighting again
    c.key(KeyCode::Esc);
    assert_eq!(c.app.sightings.filter, "");
    assert_eq!(c.app.sightings.rows.len(), all);
}

#[test]
fn enter_opens_the_person_audited_for_the_sighting_or_the_unidentified_ones_incident() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Priya Shah", Config::default());
    c.keys("W");
    let first = c.app.sightings.rows[0].clone();
    let person = first.offender_id.expect("the newest is of someone known");
    c.key(KeyCode::Enter);
    assert_eq!(c.app.pane, Pane::Offenders);
    let shown = c.app.profile.as_ref().expect("the profile is open");
    assert_eq!(shown.profile.offender.id, person);
    let why: String = raw(&path)
        .query_row(
            "SELECT detail FROM audit WHERE action = 'view' AND entity = 'offender' AND entity_id = ?1
             ORDER BY id DESC LIMIT 1",
            [person],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        why.contains(&format!("sighting {}", first.id)),
        "the view is audited for the sighting: {why}"
    );

    // someone not yet identified, seen on an incident: Enter opens it
    c.keys("W");
    filter(&mut c, "unidentified");
    let on = c
        .app
        .sightings
        .rows
        .iter()
        .position(|s| s.incident_id.is_some())
        .expect("the demo's unidentified thief is on an incident");
    let incident = c.app.sightings.rows[on].incident_id.unwrap();
    for _ in 0..on {
        c.key(KeyCode::Down);
    }
    c.key(KeyCode::Enter);
    assert_eq!(c.app.pane, Pane::Incidents);
    assert_eq!(c.app.detail.as_ref().unwrap().incident.id, incident);

    // `i` on a sighting of someone known on no incident says so
    c.keys("W");
    c.key(KeyCode::Esc);
    let none = c
        .app
        .sightings
        .rows
        .iter()
        .position(|s| s.incident_id.is_none())
        .unwrap();
    for _ in 0..none {
        c.key(KeyCode::Down);
    }
    c.keys("i");
    assert!(
        message(&c).contains("is on no incident"),
        "{} {:?} {:?}",
        message(&c),
        c.app.pane,
        c.app.sightings.selected_row()
    );
    assert_eq!(c.app.pane, Pane::Sightings);
}

#[test]
fn another_consoles_sighting_arrives_at_the_top_and_the_selection_stays() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Priya Shah", Config::default());
    c.keys("W");
    c.key(KeyCode::Down);
    c.key(KeyCode::Down);
    let selected = c.app.sightings.selected_row().unwrap().id;
    let new = sighted_elsewhere(&path, 3);
    c.app.handle_event(Event::StoreChanged);
    assert_eq!(c.app.sightings.rows[0].id, new, "the new one at the top");
    assert_eq!(c.app.sightings.selected_row().unwrap().id, selected);
}

#[test]
fn a_description_with_escape_sequences_is_drawn_harmlessly() {
    let (_dir, path) = demo_store();
    raw(&path)
        .execute(
            "UPDATE sightings SET description = 'EVIL\x1b[2J\x1b]0;pwned\x07 coat', note = 'x\u{202E}y'
             WHERE id = (SELECT MAX(id) FROM sightings WHERE offender_id IS NULL)",
            [],
        )
        .unwrap();
    let mut c = console_on(&path, "Priya Shah", Config::default());
    c.keys("W");
    filter(&mut c, "unidentified");
    let screen = c.text_at(140, 40);
    assert!(screen.contains("EVIL\u{FFFD}[2J"), "{screen}");
    assert!(
        !screen.chars().any(|ch| ch.is_control() && ch != '\n'),
        "a control character reached the screen"
    );
    assert!(!screen.contains('\u{202E}'));
}
