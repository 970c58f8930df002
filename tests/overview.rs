//! The overview: the room at a glance, each section a window of the store
//! acting with its full pane's keys, on the demo and on a store made from
//! empty, at three sizes, with a second console's work arriving live.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::{Action, Pane};
use watchroom::domain::overview::Section;
use watchroom::domain::sighting::HitStatus;

/// A console on the demo as `who`, opened where their role works, as the
/// runtime opens it once it knows the terminal's size.
fn signed_in(path: &std::path::Path, who: &str, w: u16, h: u16) -> Console {
    let mut c = console_on(path, who, Config::default());
    c.update(Action::Resize(w, h));
    c.app.open_home();
    c.settle();
    c
}

#[test]
fn the_overview_at_three_sizes() {
    let (_dir, path) = demo_store();
    for (w, h) in [(120, 32), (140, 45), (200, 60)] {
        let c = signed_in(&path, "Sam Okafor", w, h);
        assert_eq!(c.app.pane, Pane::Overview, "{w}×{h}");
        let screen = c.text_at(w, h);
        for section in ["Live incidents", "Hits waiting", "Radio", "Activity"] {
            assert!(screen.contains(section), "{w}×{h}: {section}\n{screen}");
        }
        insta::assert_snapshot!(format!("overview_{w}x{h}"), c.screen(w, h).backend());
    }
}

#[test]
fn the_roles_that_watch_the_room_open_on_it_and_a_manager_on_the_incidents() {
    let (_dir, path) = demo_store();
    for (who, home, first) in [
        ("Sam Okafor", Pane::Overview, Section::Incidents),
        ("Priya Shah", Pane::Overview, Section::Hits),
        ("Tom Baxter", Pane::Overview, Section::Radio),
        ("Alex Morgan", Pane::Incidents, Section::Incidents),
    ] {
        let c = signed_in(&path, who, 140, 40);
        assert_eq!(c.app.pane, home, "{who}");
        assert_eq!(c.app.overview_section(), first, "{who}");
    }
}

#[test]
fn tab_and_h_l_move_between_sections_each_keeping_its_selection() {
    let (_dir, path) = demo_store();
    let mut c = signed_in(&path, "Sam Okafor", 140, 40);
    assert_eq!(c.app.overview_section(), Section::Incidents);
    c.keys("jj");
    let third = c.app.overview.incidents[2].id;
    c.key(KeyCode::Tab);
    assert_eq!(c.app.overview_section(), Section::Hits);
    assert_eq!(c.app.pane, Pane::Overview, "Tab stays on the overview");
    c.keys("l");
    assert_eq!(c.app.overview_section(), Section::Radio);
    c.keys("j");
    c.keys("l");
    assert_eq!(c.app.overview_section(), Section::Activity);
    c.keys("l");
    assert_eq!(c.app.overview_section(), Section::Incidents, "round again");
    c.key(KeyCode::BackTab);
    assert_eq!(c.app.overview_section(), Section::Activity);
    c.keys("hhh");
    assert_eq!(c.app.overview_section(), Section::Incidents);
    let selected = &c.app.overview.incidents[c.app.overview.incident_selected];
    assert_eq!(selected.id, third, "the incidents kept their selection");
    assert_eq!(c.app.overview.radio_selected, 1, "so did the radio");
    // the number keys still go to the panes, and 0 back
    c.keys("5");
    assert_eq!(c.app.pane, Pane::Radio);
    c.keys("0");
    assert_eq!(c.app.pane, Pane::Overview);
}

#[test]
fn enter_opens_the_selected_incident_full_screen_and_esc_comes_back() {
    let (_dir, path) = demo_store();
    let mut c = signed_in(&path, "Sam Okafor", 140, 40);
    c.keys("j");
    let id = c.app.overview.incidents[1].id;
    c.key(KeyCode::Enter);
    assert_eq!(c.app.pane, Pane::Incidents);
    assert_eq!(c.app.detail.as_ref().map(|d| d.incident.id), Some(id));
    c.key(KeyCode::Esc);
    assert_eq!(c.app.pane, Pane::Overview);
    assert!(c.app.detail.is_none());
    // an incident key in the section acts on its selected incident
    c.keys("a");
    let form = c.app.form().expect("the note form");
    assert!(form.title.contains(&format!("#{id}")), "{}", form.title);
}

#[test]
fn a_in_the_hits_section_accepts_the_hit_it_shows_and_enter_opens_the_hits_pane() {
    let (_dir, path) = demo_store();
    let mut c = signed_in(&path, "Priya Shah", 140, 40);
    assert_eq!(c.app.overview_section(), Section::Hits);
    let hit = c.app.overview_hit().expect("the demo has a hit waiting").id;
    c.key(KeyCode::Enter);
    assert_eq!(c.app.pane, Pane::Hits);
    assert_eq!(c.app.hits.rows[c.app.hits.selected].id, hit);
    c.key(KeyCode::Esc);
    assert_eq!(c.app.pane, Pane::Overview);
    c.keys("a");
    assert!(c.app.form().is_some(), "the accept form");
    c.key(KeyCode::Enter);
    c.key(KeyCode::Enter);
    let status: String = raw(&path)
        .query_row("SELECT status FROM hits WHERE id = ?1", [hit], |r| r.get(0))
        .unwrap();
    assert_eq!(status, HitStatus::Accepted.code());
    assert!(c.app.overview_hit().is_none_or(|h| h.id != hit));
    assert!(c.text_at(140, 40).contains("Hits waiting · 0"));
}

#[test]
fn a_small_terminal_keeps_to_the_tabs_and_says_so_once() {
    let (_dir, path) = demo_store();
    let mut c = signed_in(&path, "Sam Okafor", 100, 30);
    assert_eq!(c.app.pane, Pane::Incidents);
    let said = message(&c);
    assert!(
        said.contains("overview needs a terminal of 120×32"),
        "{said}"
    );
    assert!(!c.text_at(100, 30).contains("0 Overview"), "no tab for it");
    c.key(KeyCode::BackTab);
    assert_ne!(c.app.pane, Pane::Overview, "Tab passes over it");
    // grown: the overview is there; shrunk under it: the tabs, not said again
    c.update(Action::Resize(130, 36));
    c.keys("0");
    assert_eq!(c.app.pane, Pane::Overview);
    c.app.message = None;
    c.update(Action::Resize(110, 36));
    assert_eq!(c.app.pane, Pane::Incidents);
    assert_eq!(message(&c), "", "said once");
}

#[test]
fn the_config_sets_each_roles_sections_and_their_shares() {
    let (_dir, path) = demo_store();
    let config = Config::parse(
        "[overview.operator]\nsections = [\"hits\", \"activity\"]\nshares = [70, 30]\n",
    )
    .unwrap();
    let mut c = console_on(&path, "Sam Okafor", config);
    c.update(Action::Resize(140, 40));
    c.app.open_home();
    let screen = c.text_at(140, 40);
    assert!(screen.contains("Hits waiting") && screen.contains("Activity"));
    assert!(!screen.contains("Live incidents"), "{screen}");
    // Tab goes round the two sections only
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab);
    assert_eq!(c.app.overview_section(), Section::Hits);
    let e = Config::parse("[overview.cctv]\nsections = [\"hits\", \"hits\"]\n").unwrap_err();
    assert!(e.contains("overview.cctv"), "{e}");
}

#[test]
fn another_consoles_sighting_and_incident_reach_the_overview_naming_no_one_in_the_ticker() {
    let (_dir, path) = demo_store();
    let mut c = signed_in(&path, "Sam Okafor", 140, 40);
    let person = register(&path, "Quentin Vale", "Q", &[], Some("exclusion"));
    let sighting = sighted_elsewhere(&path, person);
    c.update(Action::StoreChanged);
    let screen = c.text_at(140, 40);
    assert!(
        screen.contains("Quentin Vale"),
        "the hit shows in its section\n{screen}"
    );
    let ticker: Vec<String> = c
        .app
        .overview
        .ticker
        .iter()
        .map(watchroom::app::overview::ticker_text)
        .collect();
    assert!(
        ticker
            .iter()
            .any(|t| t == &format!("Cam Desk logged sighting {sighting}")),
        "{ticker:?}"
    );
    assert!(
        ticker.iter().all(|t| !t.contains("Quentin")),
        "the ticker names no one: {ticker:?}"
    );
}

#[test]
fn on_a_store_made_from_empty_every_section_says_it_has_nothing_yet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scheme.db");
    let c = signed_in(&path, "Sam Okafor", 140, 40);
    assert_eq!(c.app.pane, Pane::Overview);
    let screen = c.text_at(140, 40);
    for said in [
        "no live incidents",
        "no hit is waiting",
        "nobody signed on",
        "Live incidents · 0",
    ] {
        assert!(screen.contains(said), "{said}\n{screen}");
    }
}
