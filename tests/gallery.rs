//! The gallery of the ID-sought, on real stores: the same people as the
//! members' bulletin, moved through as a grid, Enter opening the profile
//! (audited), and on a store made from empty.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::register::RegisterView;
use watchroom::app::{Action, Event, Pane};
use watchroom::domain::offender::{OffenderInput, OffenderKind};
use watchroom::store::Store;

fn gallery(c: &mut Console) {
    c.keys("3");
    while c.app.register.view != RegisterView::Gallery {
        c.keys("v");
    }
}

fn shown(c: &Console) -> Vec<i64> {
    c.app
        .register
        .gallery
        .iter()
        .map(|s| s.offender_id)
        .collect()
}

/// An ID-sought record made on another console's connection: its id.
fn seek(path: &std::path::Path, label: &str, description: &str) -> i64 {
    let mut s = Store::open(path).unwrap();
    let op = s.operator_or_add("Cam Desk", "cctv", now()).unwrap();
    s.create_offender(
        OffenderKind::IdSought,
        OffenderInput {
            name: label.into(),
            description: description.into(),
            ..Default::default()
        },
        op.id,
        now() - days(1),
    )
    .unwrap()
    .id
}

#[test]
fn the_gallery_shows_whom_the_bulletin_seeks_in_the_same_order() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Priya Shah", Config::default());
    gallery(&mut c);
    let today = now().with_timezone(&chrono_tz::Europe::London).date_naive();
    let facts = Store::open(&path)
        .unwrap()
        .bulletin_facts(
            today - chrono::Duration::days(6),
            today,
            today,
            chrono_tz::Europe::London,
            &Config::default().hit_rules().ladder,
        )
        .unwrap();
    let bulletin: Vec<i64> = facts.sought.iter().map(|s| s.offender_id).collect();
    assert!(bulletin.len() > 3, "the demo seeks several people");
    assert_eq!(shown(&c), bulletin);
    let screen = c.text_at(140, 40);
    let first = &facts.sought[0];
    assert!(screen.contains(&first.label), "{screen}");
    assert!(screen.contains("sought since"), "{screen}");
    assert!(
        screen.contains(&first.description[..20]),
        "the description beneath: {screen}"
    );

    // a search narrows the gallery to those it finds
    c.keys("/");
    c.keys(&first.label);
    c.key(KeyCode::Enter);
    assert_eq!(shown(&c), vec![first.offender_id]);
}

#[test]
fn arrows_move_across_rows_move_down_and_enter_opens_the_profile_audited() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Priya Shah", Config::default());
    // 140 columns hold five tiles a row
    c.update(Action::Resize(140, 40));
    gallery(&mut c);
    assert!(c.app.register.gallery.len() > 6, "two rows in the demo");
    c.key(KeyCode::Right);
    assert_eq!(c.app.register.selected, 1);
    c.key(KeyCode::Down);
    assert_eq!(c.app.register.selected, 6, "a row down");
    c.key(KeyCode::Left);
    assert_eq!(c.app.register.selected, 5);
    c.key(KeyCode::Up);
    assert_eq!(c.app.register.selected, 0, "a row up");
    c.key(KeyCode::Left);
    assert_eq!(c.app.register.selected, 0, "stops at the first");

    let person = shown(&c)[2];
    c.keys("ll");
    let views = |path: &std::path::Path| {
        count(
            path,
            &format!("SELECT COUNT(*) FROM audit WHERE action = 'view' AND entity = 'offender' AND entity_id = {person}"),
        )
    };
    let before = views(&path);
    c.open_profile("a member may know him");
    assert_eq!(c.app.pane, Pane::Offenders);
    assert_eq!(
        c.app.profile.as_ref().unwrap().profile.offender.id,
        person,
        "the tile selected"
    );
    assert_eq!(views(&path), before + 1, "the view is audited");
}

#[test]
fn a_scheme_going_live_sees_no_one_then_the_first_person_it_seeks() {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), "Dana Chief", "The Old Bell", &[]);
    let mut c = console_on(&path, "Dana Chief", Config::default());
    gallery(&mut c);
    assert!(c.app.register.gallery.is_empty());
    assert!(c.text_at(140, 40).contains("No one is being sought"));

    let id = seek(
        &path,
        "Unknown male A",
        "tall, red beanie\u{1b}[2J, limps on the left",
    );
    c.app.handle_event(Event::StoreChanged);
    c.settle();
    assert_eq!(shown(&c), vec![id]);
    let screen = c.text_at(140, 40);
    assert!(screen.contains("Unknown male A"), "{screen}");
    assert!(screen.contains("no still"), "no photo yet: {screen}");
    assert!(screen.contains("tall, red beanie"), "{screen}");
    assert!(
        !screen.chars().any(|ch| ch.is_control() && ch != '\n'),
        "a control character reached the screen"
    );
}
