//! The board says when rows lie above or below its window, from the rows
//! it read and one past the edge, on an empty store and a full one.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::domain::{NewIncident, Place, Priority};
use watchroom::store::Store;

/// A fresh store (no demo) holding `n` live incidents.
fn store_with(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scheme.db");
    let mut s = Store::open(&path).unwrap();
    let op = s.operator_or_add("Setter", "manager", now()).unwrap();
    for k in 0..n {
        let new = NewIncident {
            kind: "theft".into(),
            priority: Priority::Medium,
            place: Place {
                location: format!("shop {k}"),
                ..Default::default()
            },
            summary: format!("incident number {k}"),
            opened_at: now() - mins(k as i64),
        };
        s.create_incident(&new, op.id, now()).unwrap();
    }
    (dir, path)
}

fn edges(c: &Console) -> (bool, bool) {
    let t = c.text();
    (t.contains("▲ more above"), t.contains("▼ more below"))
}

#[test]
fn an_empty_store_and_a_board_that_fits_say_nothing_more() {
    for n in [0, 34] {
        let (_dir, path) = store_with(n);
        let c = console_on(&path, "Priya", Config::default());
        assert_eq!(c.app.board.page, 34, "the rows that fit at 120×40");
        assert_eq!(c.app.board.rows.len(), n);
        assert_eq!(edges(&c), (false, false), "{n} incidents all shown");
    }
}

#[test]
fn the_board_says_which_way_more_rows_lie_as_it_moves() {
    let (_dir, path) = store_with(80);
    let mut c = console_on(&path, "Priya", Config::default());
    assert_eq!(edges(&c), (false, true), "at the top");
    c.key(KeyCode::PageDown);
    assert_eq!(edges(&c), (true, true), "a page down, in the middle");
    c.key(KeyCode::End);
    assert_eq!(edges(&c), (true, false), "at the bottom");
    c.key(KeyCode::PageUp);
    c.key(KeyCode::PageUp);
    assert_eq!(edges(&c), (false, true), "two pages up is the top again");
    // a row at a time past the window's foot: the first row goes above
    for _ in 0..34 {
        c.keys("j");
    }
    assert_eq!(edges(&c), (true, true));
    for _ in 0..80 {
        c.keys("j");
    }
    assert_eq!(edges(&c), (true, false), "walked to the last row");
    for _ in 0..80 {
        c.keys("k");
    }
    assert_eq!(edges(&c), (false, true), "and back up to the first");
}

#[test]
fn a_filter_that_reads_every_row_still_says_what_lies_below() {
    let (_dir, path) = store_with(80);
    let mut c = console_on(&path, "Priya", Config::default());
    c.keys("/incident number");
    c.key(KeyCode::Enter);
    assert!(c.app.board.filter.scans(), "a word filter is a scan");
    assert_eq!(c.app.board.rows.len(), 34);
    assert_eq!(edges(&c), (false, true));
    c.keys("/");
    c.ctrl('u'); // the filter line opens with the filter there is
    c.keys("incident number 7");
    c.key(KeyCode::Enter);
    let n = c.app.board.rows.len();
    assert!(n > 0 && n < 34, "fewer than fit: {n}");
    assert_eq!(edges(&c), (false, false));
}

#[test]
fn an_incident_logged_above_the_window_on_another_console_is_said_or_shown() {
    let (_dir, path) = store_with(80);
    let mut c = console_on(&path, "Priya", Config::default());
    assert_eq!(edges(&c), (false, true), "at the top");
    let mut other = Store::open(&path).unwrap();
    let op = other.operator_or_add("Setter", "manager", now()).unwrap();
    let urgent = NewIncident {
        kind: "assault".into(),
        priority: Priority::Urgent,
        place: Place::default(),
        summary: "fight outside the bar".into(),
        opened_at: now(),
    };
    other.create_incident(&urgent, op.id, now()).unwrap();
    c.app.handle_event(watchroom::app::Event::StoreChanged);
    c.settle();
    let shown = c.text().contains("fight outside the bar");
    assert!(shown || edges(&c).0, "neither shown nor said above");
}
