//! Every pane follows other consoles: two consoles on one real store file,
//! one writing as its operator would, the other showing the pane that holds
//! the change. The second console is told only what the runtime tells it
//! (the store changed); what it then shows is read off its screen.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::radio::RadioView;
use watchroom::app::Action;
use watchroom::domain::offender::OffenderInput;
use watchroom::store::Store;

/// Two consoles on one demo store: `a` writes, `b` watches.
fn two(a: &str, b: &str) -> (tempfile::TempDir, Console, Console) {
    let (dir, path) = demo_store();
    let a = console_on(&path, a, Config::default());
    let b = console_on(&path, b, Config::default());
    (dir, a, b)
}

fn shows(c: &Console, text: &str) -> bool {
    c.text().contains(text)
}

#[test]
fn the_members_pane_shows_a_contact_added_at_another_console() {
    let (_dir, mut a, mut b) = two("Alex Morgan", "Alex Morgan");
    a.keys("8jj");
    b.keys("8jj");
    assert!(!shows(&b, "Dana Fox"));
    a.keys("c");
    a.keys("Dana Fox");
    a.key(KeyCode::Tab);
    a.keys("duty manager");
    a.key(KeyCode::Tab);
    a.keys("01632 960999");
    a.key(KeyCode::Tab);
    a.keys("dana.fox@example.org");
    a.key(KeyCode::Enter);
    assert!(
        a.app
            .members_pane
            .contacts
            .iter()
            .any(|c| c.name == "Dana Fox"),
        "saved at the first console: {}",
        a.text()
    );
    b.update(Action::StoreChanged);
    assert!(shows(&b, "Dana Fox"), "{}", b.text());
}

#[test]
fn the_members_pane_shows_a_member_renamed_at_another_console() {
    let (_dir, mut a, mut b) = two("Alex Morgan", "Alex Morgan");
    a.keys("8");
    b.keys("8");
    a.keys("e");
    // the name is the form's first field: replace it
    for _ in 0..40 {
        a.key(KeyCode::Backspace);
    }
    a.keys("The Quiet Lantern");
    a.ctrl('s');
    assert!(
        a.app
            .members_pane
            .rows
            .iter()
            .any(|r| r.name == "The Quiet Lantern"),
        "saved at the first console: {}",
        a.text()
    );
    assert!(!shows(&b, "The Quiet Lantern"));
    b.update(Action::StoreChanged);
    assert!(shows(&b, "The Quiet Lantern"), "{}", b.text());
    // renamed, it sorts elsewhere: the member selected stays selected
    let p = &b.app.members_pane;
    assert_eq!(p.rows[p.selected].name, "The Quiet Lantern");
}

#[test]
fn the_occurrence_log_shows_an_entry_made_at_another_console() {
    let (_dir, mut a, mut b) = two("Alex Morgan", "Tom Baxter");
    b.keys("6");
    a.keys(":log Shutter alarm at the indoor market, keyholder called");
    a.key(KeyCode::Enter);
    assert!(!shows(&b, "Shutter alarm at the indoor market"));
    b.update(Action::StoreChanged);
    assert!(
        shows(&b, "Shutter alarm at the indoor market"),
        "{}",
        b.text()
    );
}

#[test]
fn the_activity_pane_shows_what_a_colleague_just_did() {
    let (_dir, mut a, mut b) = two("Priya Shah", "Alex Morgan");
    b.keys("4");
    let newest_before = b.app.activity.records[0].id;
    a.log_incident('v', '2', "vibe", "Glass broken outside Vibe");
    b.update(Action::StoreChanged);
    let newest = &b.app.activity.records[0];
    assert!(newest.id > newest_before, "{newest:?}");
    assert_eq!(newest.operator, "Priya Shah", "{newest:?}");
    assert_eq!(newest.entity, "incident");
    assert!(shows(&b, "Priya Shah"), "{}", b.text());
}

#[test]
fn the_radio_log_and_on_air_list_follow_a_line_logged_at_another_console() {
    let (_dir, mut a, mut b) = two("Tom Baxter", "Alex Morgan");
    a.keys("5");
    b.keys("5");
    for _ in 0..4 {
        if b.app.radio.view == RadioView::Log {
            break;
        }
        b.keys("v");
    }
    assert_eq!(b.app.radio.view, RadioView::Log);
    a.keys("l");
    a.keys("HS02 store detective on the shop floor");
    a.key(KeyCode::Enter);
    assert!(!shows(&b, "store detective on the shop floor"));
    b.update(Action::StoreChanged);
    assert!(
        shows(&b, "store detective on the shop floor"),
        "{}",
        b.text()
    );
    assert!(b.app.radio.log.rows.iter().any(|l| l.call_sign == "HS02"));
    assert_eq!(
        b.app.radio.on_air, a.app.radio.on_air,
        "both show one picture of who is on air"
    );
}

#[test]
fn an_open_profile_follows_an_edit_made_at_another_console() {
    let (_dir, _a, mut b) = two("Alex Morgan", "Priya Shah");
    b.keys("3");
    b.open_profile("checking a description");
    let id = b
        .app
        .profile
        .as_ref()
        .expect("profile open")
        .profile
        .offender
        .id;
    let mut other = Store::open(&b.path).unwrap();
    let op = other
        .operator_or_add("Alex Morgan", "manager", now())
        .unwrap();
    let before = other.offender(id).unwrap().unwrap();
    other
        .update_offender(
            id,
            before.version,
            OffenderInput {
                name: "Zebedee Quince".into(),
                aliases: before.aliases.clone(),
                description: "red coat, grey rucksack".into(),
                ..Default::default()
            },
            op.id,
            now(),
        )
        .unwrap();
    assert!(!shows(&b, "Zebedee Quince"));
    b.update(Action::StoreChanged);
    let text = b.text();
    assert!(text.contains("Zebedee Quince"), "{text}");
    assert!(text.contains("red coat, grey rucksack"), "{text}");
}
