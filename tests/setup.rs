//! The set-up pane on a scheme's own store made from empty: a manager lays
//! out zones and cameras and types the scheme's details, others cannot, a
//! retired zone or camera is offered nowhere new, and a second console sees
//! each change.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::{Action, Pane};
use watchroom::domain::pin::PinPolicy;
use watchroom::store::Store;

/// A new scheme's store: its first manager and nothing else.
fn scheme_store() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("real.db");
    let mut s = Store::open(&path).unwrap();
    s.create_first_manager("Dana Chief", "482913", &PinPolicy::default(), now())
        .unwrap();
    (dir, path)
}

/// Whether one line of the screen shows every part.
fn row_with(text: &str, parts: &[&str]) -> bool {
    text.lines().any(|l| parts.iter().all(|p| l.contains(p)))
}

fn type_field(c: &mut Console, text: &str) {
    c.keys(text);
    c.key(KeyCode::Tab);
}

#[test]
fn a_manager_lays_out_zones_and_cameras_from_the_console() {
    let (_dir, path) = scheme_store();
    let mut c = console_on(&path, "Dana Chief", Config::default());
    c.keys("9");
    assert_eq!(c.app.pane, Pane::Setup);
    assert!(c.text().contains("No zones yet"), "{}", c.text());

    for (name, code) in [("High Street", "hs"), ("Market Square", "MS")] {
        c.keys("A");
        type_field(&mut c, name);
        c.keys(code);
        c.key(KeyCode::Enter);
    }
    // a code already used is refused in the form, which keeps what was typed
    c.keys("A");
    type_field(&mut c, "Riverside");
    c.keys("HS");
    c.key(KeyCode::Enter);
    let screen = c.text();
    assert!(
        screen.contains("already used by the zone “High Street”"),
        "{screen}"
    );
    assert!(
        screen.contains("Riverside"),
        "what was typed is kept: {screen}"
    );
    c.key(KeyCode::Esc);
    assert!(
        c.text().contains("Discard what you typed?"),
        "asks before dropping what was typed"
    );
    c.keys("y");

    let screen = c.text();
    assert!(
        row_with(&screen, &["HS ", "High Street", "in use"]),
        "{screen}"
    );
    assert!(screen.contains("2 in use, 0 retired"), "{screen}");

    // cameras: the first added is the one the sighting form offers first
    c.keys("v");
    c.keys("A");
    type_field(&mut c, "Cam 1 High Street");
    c.key(KeyCode::Tab); // High Street is the first zone offered
    c.keys("1");
    c.key(KeyCode::Enter);
    c.keys("A");
    type_field(&mut c, "Cam 2 Market");
    c.keys("M"); // a letter jumps to the zone
    c.key(KeyCode::Tab);
    c.keys("two");
    c.key(KeyCode::Enter);
    assert!(c.text().contains("whole number"), "{}", c.text());
    c.key(KeyCode::Backspace);
    c.key(KeyCode::Backspace);
    c.key(KeyCode::Backspace);
    c.keys("2");
    c.key(KeyCode::Enter);
    let s = Store::open(&path).unwrap();
    let cams = s.cameras().unwrap();
    let zones = s.zones().unwrap();
    assert_eq!(cams.len(), 2, "{cams:?}");
    let market = zones.iter().find(|z| z.code == "MS").unwrap();
    let cam2 = cams.iter().find(|c| c.name == "Cam 2 Market").unwrap();
    assert_eq!((cam2.zone_id, cam2.number), (Some(market.id), Some(2)));
    assert!(
        cams.iter()
            .find(|c| c.name == "Cam 1 High Street")
            .unwrap()
            .is_default
    );
    drop(s);

    // edit a zone's name; its code stays (v goes round the details and
    // the governance views back to the zones)
    c.keys("vvvvv");
    assert_eq!(c.app.setup.view, watchroom::app::setup::SetupView::Zones);
    c.keys("j"); // Market Square (zones are by name)
    c.keys("e");
    for _ in 0.."Market Square".len() {
        c.key(KeyCode::Backspace);
    }
    c.keys("Market Place");
    c.ctrl('s');
    assert!(
        row_with(&c.text(), &["MS ", "Market Place"]),
        "{}",
        c.text()
    );
}

#[test]
fn retiring_asks_first_and_a_retired_place_is_offered_nowhere_new() {
    let (_dir, path) = scheme_store();
    let dana = Store::open(&path)
        .unwrap()
        .operator_by_name("Dana Chief")
        .unwrap()
        .unwrap();
    {
        let mut s = Store::open(&path).unwrap();
        let hs = s.add_zone("High Street", "HS", dana.id, now()).unwrap();
        let arc = s.add_zone("Old Arcade", "OA", dana.id, now()).unwrap();
        s.add_camera("Cam 1 High Street", Some(hs.id), false, dana.id, now())
            .unwrap();
        s.add_camera("Arcade dome", Some(arc.id), false, dana.id, now())
            .unwrap();
    }
    let mut c = console_on(&path, "Dana Chief", Config::default());
    c.keys("9");
    c.keys("j"); // Old Arcade
    c.keys("X");
    let screen = c.text();
    assert!(
        screen.contains("Retire the zone Old Arcade (OA)?"),
        "{screen}"
    );
    assert!(screen.contains("1 camera(s) still watch it"), "{screen}");
    c.keys("yes");
    c.key(KeyCode::Enter);
    assert!(c.text().contains("type retire to confirm"), "{}", c.text());
    assert!(!Store::open(&path).unwrap().zones().unwrap()[1].retired);
    for _ in 0..3 {
        c.key(KeyCode::Backspace);
    }
    c.keys("retire");
    c.key(KeyCode::Enter);
    assert!(Store::open(&path).unwrap().zones().unwrap()[1].retired);
    assert!(
        c.text().contains("Old Arcade"),
        "history keeps it: {}",
        c.text()
    );
    // the camera there is retired too, from its own view
    c.keys("v");
    c.keys("g");
    let cams = c.app.cameras.clone();
    let at = cams.iter().position(|x| x.name == "Arcade dome").unwrap();
    for _ in 0..at {
        c.keys("j");
    }
    c.keys("X");
    c.keys("retire");
    c.key(KeyCode::Enter);
    assert!(Store::open(&path)
        .unwrap()
        .cameras()
        .unwrap()
        .iter()
        .any(|x| x.name == "Arcade dome" && x.retired));

    // the sighting form offers only cameras in use; places only zones in use
    c.keys("1");
    c.keys("S");
    let screen = c.text();
    assert!(screen.contains("Cam 1 High Street"), "{screen}");
    c.key(KeyCode::Tab);
    let mut offered = vec![];
    for _ in 0..3 {
        let screen = c.text();
        let line = screen.lines().find(|l| l.contains("Camera ◀")).unwrap();
        offered.push(line.to_string());
        c.key(KeyCode::Right);
    }
    assert!(
        offered.iter().all(|l| !l.contains("Arcade dome")),
        "{offered:?}"
    );
    assert!(
        offered.iter().any(|l| l.contains("(no camera)")),
        "{offered:?}"
    );
    c.key(KeyCode::Esc);
    c.keys("n");
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab);
    c.keys("arcade");
    assert!(!c.text().contains("Old Arcade (zone)"), "{}", c.text());
    c.key(KeyCode::Esc);
    // the store refuses it too, whatever asks
    let mut s = Store::open(&path).unwrap();
    let oa = s.zone_by_code("OA").unwrap().unwrap();
    let err = s
        .add_camera("Arcade east", Some(oa.id), false, dana.id, now())
        .unwrap_err();
    assert!(err.to_string().contains("retired"), "{err}");
}

#[test]
fn only_a_manager_opens_the_set_up_pane() {
    let (_dir, path) = scheme_store();
    {
        let mut s = Store::open(&path).unwrap();
        let dana = s.operator_by_name("Dana Chief").unwrap().unwrap();
        s.add_operator("Sam Lee", "operator", Some(dana.id), now())
            .unwrap();
    }
    let mut c = console_on(&path, "Sam Lee", Config::default());
    c.keys("9");
    assert_ne!(c.app.pane, Pane::Setup);
    assert!(
        c.text().contains("cannot set up the scheme"),
        "{}",
        c.text()
    );
    // Tab passes over it
    for _ in 0..12 {
        c.key(KeyCode::Tab);
        assert_ne!(c.app.pane, Pane::Setup);
    }
    let refusals = Store::open(&path)
        .unwrap()
        .recent_audit(None, 5)
        .unwrap()
        .into_iter()
        .filter(|r| r.action.code() == "refused")
        .count();
    assert!(refusals >= 1);
}

#[test]
fn the_schemes_details_typed_here_are_what_documents_say() {
    let (dir, path) = scheme_store();
    let mut c = console_on(&path, "Dana Chief", Config::default());
    c.keys("9");
    c.keys("v");
    c.keys("v");
    let screen = c.text();
    assert!(screen.contains("address  not set"), "{screen}");
    c.keys("e");
    type_field(&mut c, "Dartford Town Against Crime");
    type_field(&mut c, "Civic Centre, Home Gardens, Dartford DA1 1DR");
    type_field(&mut c, "the data protection lead (dp@dtac.example)");
    type_field(&mut c, "Dana Chief");
    c.keys("Scheme manager");
    c.key(KeyCode::Enter);
    let screen = c.text();
    assert!(screen.contains("Dartford Town Against Crime"), "{screen}");
    assert!(!screen.contains("not set"), "{screen}");

    // a member agreement made now is signed by them and names the scheme
    let mut s = Store::open(&path).unwrap();
    let dana = s.operator_by_name("Dana Chief").unwrap().unwrap();
    let hs = s.add_zone("High Street", "HS", dana.id, now()).unwrap();
    let member = s
        .add_member(
            &watchroom::store::members::MemberEdit {
                name: "Greggs".into(),
                kind: "shop".into(),
                zone_id: hs.id,
                address: "1 High Street".into(),
                status: watchroom::domain::member::MemberStatus::Active,
                joined_on: None,
                renewal_on: None,
                agreement_version: None,
                agreement_signed_on: None,
                fee_paid_pence: 0,
            },
            dana.id,
            now(),
        )
        .unwrap();
    let settings = Config::default().document_settings(dir.path().join("templates"));
    let made = watchroom::io::document::make_document(
        &mut s,
        watchroom::domain::document::DocKind::MemberAgreement,
        watchroom::io::document::Subject::Member(member),
        &settings,
        watchroom::io::document::Formats {
            pdf: false,
            markdown: true,
        },
        &dir.path().join("documents"),
        dana.id,
        now(),
    )
    .unwrap();
    let md = std::fs::read_to_string(&made.files[0]).unwrap();
    assert!(md.contains("Between Dartford Town Against Crime"), "{md}");
    assert!(
        md.contains("Civic Centre, Home Gardens, Dartford DA1 1DR"),
        "{md}"
    );
    assert!(md.contains("Name: Dana Chief, Scheme manager"), "{md}");
    let audit = s.recent_audit(None, 20).unwrap();
    assert!(audit
        .iter()
        .any(|r| r.entity == "scheme" && r.detail.contains("signatory")));
}

#[test]
fn a_second_console_sees_a_new_zone_and_camera_at_once() {
    let (_dir, path) = scheme_store();
    let mut a = console_on(&path, "Dana Chief", Config::default());
    let mut b = console_on(&path, "Dana Chief", Config::default());
    b.keys("9");
    a.keys("9");
    a.keys("A");
    type_field(&mut a, "Station Quarter");
    a.keys("SQ");
    a.key(KeyCode::Enter);
    b.update(Action::StoreChanged);
    assert!(
        row_with(&b.text(), &["SQ ", "Station Quarter"]),
        "{}",
        b.text()
    );
    a.keys("v");
    a.keys("A");
    type_field(&mut a, "Cam 6 Station forecourt");
    a.key(KeyCode::Tab);
    a.key(KeyCode::Enter);
    b.update(Action::StoreChanged);
    // B's sighting form offers it straight away
    b.keys("1");
    b.keys("S");
    assert!(b.text().contains("Cam 6 Station forecourt"), "{}", b.text());
}

#[test]
fn the_set_up_pane_on_the_demo() {
    let mut c = demo_console();
    c.keys("9");
    insta::assert_snapshot!(c.screen(120, 20).backend());
}

#[test]
fn a_renamed_zone_stays_selected_as_the_list_re_sorts_so_retiring_next_retires_it() {
    let (_dir, path) = scheme_store();
    let mut c = console_on(&path, "Dana Chief", Config::default());
    c.keys("9");
    for (name, code) in [("Alpha Road", "AR"), ("Bravo Street", "BS")] {
        c.keys("A");
        type_field(&mut c, name);
        c.keys(code);
        c.key(KeyCode::Enter);
    }
    let zone = |name: &str| {
        let s = Store::open(&path).unwrap();
        s.zones()
            .unwrap()
            .into_iter()
            .find(|z| z.name == name)
            .unwrap()
    };
    // the zone just added is the one selected
    assert_eq!(c.app.zones[c.app.setup.selected].name, "Bravo Street");

    // renamed, it sorts first; the selection goes with it
    c.keys("e");
    for _ in "Bravo Street".chars() {
        c.key(KeyCode::Backspace);
    }
    type_field(&mut c, "Aardvark Lane");
    c.key(KeyCode::Enter);
    let renamed = zone("Aardvark Lane");
    assert_eq!(c.app.zones[c.app.setup.selected].id, renamed.id);

    c.keys("X");
    assert!(c.text().contains("Aardvark Lane"), "{}", c.text());
    c.keys("retire");
    c.key(KeyCode::Enter);
    assert!(zone("Aardvark Lane").retired, "the renamed zone is retired");
    assert!(!zone("Alpha Road").retired, "not the one that took its row");
}
