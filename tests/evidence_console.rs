//! The evidence log in the console, driven by keys on a real demo store:
//! the pane lists the items newest first, Enter shows the trail (audited),
//! the forms add an item, record a handover and correct the clip, and a
//! viewer is refused. Hostile text typed in a form never reaches the screen raw.

mod support;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::*;
use watchroom::app::config::Config;
use watchroom::app::Pane;
use watchroom::store::Store;

fn ctrl_s(c: &mut Console) {
    c.app
        .handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    c.settle();
}

/// Type into the focused field, then move to the next.
fn field(c: &mut Console, text: &str) {
    c.keys(text);
    c.key(KeyCode::Tab);
}

fn views(path: &std::path::Path) -> i64 {
    count(
        path,
        "SELECT COUNT(*) FROM audit WHERE entity = 'evidence' AND action = 'view'",
    )
}

#[test]
fn the_cctv_desk_adds_hands_over_and_corrects_an_item_from_the_console() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Priya Shah", Config::default());
    c.keys("V");
    assert_eq!(c.app.pane, Pane::Evidence);
    assert_eq!(c.app.evidence.items.len(), 2, "the demo's two exhibits");
    let text = c.text_at(140, 40);
    assert!(text.contains("PS/1") && text.contains("PS/2"), "{text}");

    // a new item: exhibit, what it is on, camera (the first), the clip
    c.keys("A");
    field(&mut c, "PS/3");
    field(&mut c, "incident 1030");
    c.key(KeyCode::Tab); // the camera: the first offered
    field(&mut c, "2026-11-27 11:00:00");
    field(&mut c, "2026-11-27 11:05:30");
    ctrl_s(&mut c);
    assert_eq!(
        message(&c),
        "exhibit PS/3 added on incident #1030",
        "{}",
        c.text_at(140, 40)
    );
    assert_eq!(c.app.evidence.items[0].exhibit, "PS/3", "newest first");

    // its trail, audited as it is shown
    let before = views(&path);
    c.key(KeyCode::Enter);
    assert_eq!(views(&path), before + 1);
    let text = c.text_at(140, 40);
    assert!(text.contains("Exhibit PS/3 on incident #1030"), "{text}");
    assert!(text.contains("reviewed by Priya Shah"), "{text}");

    // a handover kept in the room (the second kind), then a correction of the clip
    c.keys("h");
    field(&mut c, "Tom Baxter");
    field(&mut c, "Castlebrook CCTV");
    c.key(KeyCode::Tab); // when: now
    field(&mut c, "into the safe \u{1b}[31m");
    c.key(KeyCode::Right);
    ctrl_s(&mut c);
    assert!(message(&c).contains("PS/3 handed over"), "{}", message(&c));
    c.keys("C");
    c.keys("wrong end time");
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab); // camera kept
    c.key(KeyCode::Tab); // start kept
    c.app
        .handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    c.keys("2026-11-27 11:06:00");
    ctrl_s(&mut c);
    assert!(message(&c).contains("corrected"), "{}", message(&c));
    let s = Store::open(&path).unwrap();
    let item = s.evidence_by_exhibit("PS/3").unwrap().unwrap();
    assert_eq!(
        item.entries.len(),
        3,
        "the clip, the handover, the correction"
    );
    assert_eq!(item.entries[2].supersedes, Some(item.entries[0].id));
    assert_eq!(item.held_by(), "Tom Baxter (Castlebrook CCTV)");
    let text = c.text_at(140, 40);
    assert!(text.contains("Corrected by entry"), "{text}");
    let raw_screen = format!("{:?}", c.screen(140, 40).backend());
    assert!(
        !raw_screen.contains('\u{1b}'),
        "no escape reaches the screen"
    );
    c.key(KeyCode::Esc);
    assert!(c.app.evidence.open.is_none());
}

#[test]
fn a_release_without_an_agreement_is_refused_in_the_form_saying_how_to_record_one() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Priya Shah", Config::default());
    c.keys("V");
    c.keys("h");
    field(&mut c, "PC 4471 Reed");
    field(&mut c, "Kent Police");
    c.key(KeyCode::Tab);
    field(&mut c, "crime ref 46/12345/26");
    ctrl_s(&mut c);
    let text = c.text_at(140, 40);
    assert!(
        text.contains("no information-sharing agreement is in force"),
        "{text}"
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM evidence_entries WHERE release = 1"
        ),
        0
    );
}

#[test]
fn a_viewer_reads_the_log_but_records_nothing() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Jo Lindqvist", Config::default());
    c.keys("V");
    assert_eq!(c.app.pane, Pane::Evidence);
    c.keys("A");
    assert!(message(&c).contains("refused"), "{}", message(&c));
    assert!(c.app.evidence.items.len() == 2);
}

#[test]
fn e_on_an_incident_opens_the_form_for_an_item_on_it() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Priya Shah", Config::default());
    c.keys("1");
    let first = c.app.board.rows[0].id;
    c.keys("E");
    let text = c.text_at(140, 40);
    assert!(text.contains("New evidence item"), "{text}");
    assert!(text.contains(&format!("incident {first}")), "{text}");
    field(&mut c, "PS/9");
    ctrl_s(&mut c);
    assert!(
        c.text_at(140, 40).contains("give a time"),
        "the clip's times are asked for"
    );
    assert_eq!(count(&path, "SELECT COUNT(*) FROM evidence_items"), 2);
}
