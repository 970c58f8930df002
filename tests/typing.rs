//! Text typed past a field's width or its length limit, as the operator
//! sees it: the field scrolls with the cursor and a full one says so.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::{Action, Event};

const LONG: &str = "Two males in dark clothing took razor blades from the front display and left towards the station, one with a limp";

/// The screen row holding `needle`, and the cursor's place.
fn row_with(c: &Console, needle: &str) -> (String, (u16, u16)) {
    let (w, h) = c.app.size;
    let mut t = c.screen(w, h);
    let cursor = t.get_cursor_position().unwrap();
    let text = c.text();
    let row = text
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle:?}:\n{text}"))
        .to_string();
    (row, (cursor.x, cursor.y))
}

#[test]
fn a_form_field_scrolls_sideways_so_the_cursor_and_the_last_words_stay_in_view() {
    let mut c = demo_console();
    c.keys("n");
    for _ in 0..3 {
        c.key(KeyCode::Tab);
    }
    c.keys(LONG);
    let (row, (x, y)) = row_with(&c, "with a limp");
    assert!(row.contains('…'), "the start is marked hidden: {row}");
    assert!(!row.contains("Two males"), "{row}");
    let text = c.text();
    let cursor_row: Vec<char> = text.lines().nth(y as usize).unwrap().chars().collect();
    assert_eq!(
        cursor_row[x as usize - 1],
        'p',
        "the cursor sits just after the last letter typed"
    );
    // Home: the start again, the end marked hidden
    c.ctrl('a');
    let (row, _) = row_with(&c, "Two males");
    assert!(!row.contains("with a limp") && row.contains('…'), "{row}");
    // it all goes in, whatever is shown
    c.ctrl('s');
    let saved = c.app.board.selected_row().expect("logged").summary.clone();
    assert_eq!(saved, LONG);
}

#[test]
fn a_paste_past_the_limit_is_said_not_silently_cut() {
    let mut c = demo_console();
    c.keys("n");
    for _ in 0..3 {
        c.key(KeyCode::Tab);
    }
    c.app.handle_event(Event::Paste("x".repeat(510)));
    let field = c.app.form().unwrap().fields[3].value().chars().count();
    assert_eq!(field, 500);
    assert!(
        c.text()
            .contains("at the 500-character limit: 10 characters not taken"),
        "{}",
        c.text()
    );
    c.key(KeyCode::Backspace);
    assert!(!c.text().contains("character limit"), "room again");
}

#[test]
fn the_line_at_the_foot_scrolls_and_says_when_it_is_full() {
    let mut c = demo_console();
    c.update(Action::Resize(80, 24));
    c.keys(":note ");
    c.keys(LONG);
    let text = c.text();
    let foot = text.lines().nth(22).unwrap();
    assert!(
        foot.starts_with(":…") && foot.contains("with a limp"),
        "{foot}"
    );
    c.app.handle_event(Event::Paste("y".repeat(500)));
    let text = c.text();
    let foot = text.lines().nth(22).unwrap();
    assert!(foot.contains("at the 500-character limit"), "{foot}");
}
