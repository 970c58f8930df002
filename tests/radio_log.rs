//! The radio log as the coordinator reads it back, driven by keys: every
//! line dated, scrolled to the first line ever logged, narrowed by call
//! sign, words and day with `/`; a past roll-call opened station by
//! station from the list of them. On a store made from empty and the demo.

mod support;

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::store::Store;

/// Type a line on the radio pane's line and press Enter.
fn line(c: &mut Console, key: &str, text: &str) {
    c.keys(key);
    c.keys(text);
    c.key(KeyCode::Enter);
}

fn selected_message(c: &Console) -> String {
    c.app
        .radio
        .log
        .get(c.app.radio.selected)
        .map(|l| l.message.clone())
        .unwrap_or_default()
}

/// A month of lines on a store made from empty: the first a month ago,
/// then one every 90 minutes, MS01 and MS02 in turn, every fifth about a
/// shutter. Returns when each line was logged.
fn month_of_lines(path: &std::path::Path) -> Vec<(DateTime<Utc>, String, String)> {
    let mut s = Store::open(path).unwrap();
    let op = s
        .operator_or_add("Cleo Desk", "operator", now())
        .unwrap()
        .id;
    let mut lines = vec![];
    for i in 0..450i64 {
        let at = now() - days(30) + mins(90 * i);
        let cs = if i % 2 == 0 { "MS01" } else { "MS02" };
        let text = match i {
            0 => "first line of the log".to_string(),
            i if i % 5 == 0 => format!("shutter down at the arcade {i}"),
            i => format!("all quiet {i}"),
        };
        s.log_radio(cs, &text, op, at).unwrap();
        lines.push((at, cs.to_string(), text));
    }
    lines
}

#[test]
fn the_log_scrolls_back_to_its_first_line_dated_and_narrows_by_call_sign_words_and_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), "Dana Chief", "The Old Bell", &["MS01", "MS02"]);
    let lines = month_of_lines(&path);
    let mut c = console_on(&path, "Cleo Desk", Config::default());
    c.keys("5vv");
    let text = c.text_at(140, 40);
    assert!(text.contains("line 1 of 450, newest first"), "{text}");
    assert_eq!(selected_message(&c), lines[449].2);

    // G: the first line ever logged, with its date
    c.keys("G");
    let text = c.text_at(140, 40);
    assert!(text.contains("line 450 of 450"), "{text}");
    assert!(text.contains("first line of the log"), "{text}");
    let first = lines[0].0.with_timezone(&c.app.tz);
    assert!(
        text.contains(&first.format("%d %b %H:%M:%S").to_string()),
        "dated: {text}"
    );
    // and back to the newest, then a page at a time
    c.keys("g");
    assert_eq!(selected_message(&c), lines[449].2);
    c.key(KeyCode::PageDown);
    c.key(KeyCode::PageDown);
    let at = c.app.radio.selected;
    assert!(at > 1, "two pages down: row {at}");
    assert_eq!(selected_message(&c), lines[449 - at].2);

    // a call sign: its lines only
    line(&mut c, "/", "ms02");
    assert_eq!(c.app.radio.log.total, 225);
    let text = c.text_at(140, 40);
    assert!(text.contains("narrowed to “ms02”"), "{text}");
    assert!(!text.contains("MS01 "), "{text}");
    // Esc: every line again
    c.key(KeyCode::Esc);
    assert_eq!(c.app.radio.log.total, 450);

    // words of the messages, with the call sign
    line(&mut c, "/", "shutter ms01");
    let shutters = lines
        .iter()
        .filter(|(_, cs, t)| cs == "MS01" && t.contains("shutter"))
        .count();
    assert_eq!(c.app.radio.log.total, shutters);
    assert!(c
        .app
        .radio
        .log
        .rows
        .iter()
        .all(|l| l.call_sign == "MS01" && l.message.contains("shutter")));
    c.key(KeyCode::Esc);

    // a day in the scheme's time
    let day = (now() - days(10)).with_timezone(&c.app.tz).date_naive();
    line(&mut c, "/", &day.format("%Y-%m-%d").to_string());
    let on_day = lines
        .iter()
        .filter(|(at, _, _)| at.with_timezone(&c.app.tz).date_naive() == day)
        .count();
    assert!(on_day >= 15, "{on_day}");
    assert_eq!(c.app.radio.log.total, on_day);
    // G within it reaches that day's first line
    c.keys("G");
    let first_that_day = lines
        .iter()
        .find(|(at, _, _)| at.with_timezone(&c.app.tz).date_naive() == day)
        .unwrap();
    assert_eq!(selected_message(&c), first_that_day.2);
    c.key(KeyCode::Esc);

    // a date that is no day is said, and the line kept to put right
    line(&mut c, "/", "2026-13-40");
    let e = c.app.input.as_ref().and_then(|i| i.error.clone());
    assert!(e.unwrap_or_default().contains("YYYY-MM-DD"));
}

#[test]
fn a_line_logged_at_another_console_keeps_the_line_being_read_selected() {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), "Dana Chief", "The Old Bell", &["MS01", "MS02"]);
    let lines = month_of_lines(&path);
    let mut a = console_on(&path, "Cleo Desk", Config::default());
    a.keys("5vv");
    a.keys("G");
    assert_eq!(selected_message(&a), lines[0].2);
    let mut b = console_on(&path, "Tom Baxter", Config::default());
    line(&mut b, "5l", "MS02 van on the square");
    a.update(watchroom::app::Action::StoreChanged);
    assert_eq!(a.app.radio.log.total, 451);
    assert_eq!(
        selected_message(&a),
        lines[0].2,
        "still the line being read"
    );
    // at the newest, the newest stays selected: the new line
    a.keys("g");
    b.keys("l");
    b.keys("MS01 all clear");
    b.key(KeyCode::Enter);
    a.update(watchroom::app::Action::StoreChanged);
    assert_eq!(selected_message(&a), "all clear");
}

#[test]
fn a_past_roll_call_opens_station_by_station_with_late_corrected_and_void_marked() {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(
        dir.path(),
        "Dana Chief",
        "The Old Bell",
        &["MS01", "MS02", "MS03"],
    );
    let mut c = console_on(&path, "Cleo Desk", Config::default());
    // one begun by mistake, voided
    c.keys("5R");
    line(&mut c, "X", "started by mistake");
    c.keys("y");
    // tonight's: MS01 loud and clear, MS02 silent then late, MS03 closed; MS01 corrected
    c.keys("R");
    c.keys("5nc");
    c.keys("Fy");
    c.key(KeyCode::Enter);
    assert!(c.app.radio.rollcall.is_none(), "saved: {}", c.text());
    line(&mut c, "i", "MS02 3");
    line(&mut c, "C", "MS01 4");

    let text = c.text_at(140, 40);
    assert!(text.contains("1 of 2, newest first"), "{text}");
    assert!(text.contains("void · "), "{text}");
    c.key(KeyCode::Enter);
    let text = c.text_at(140, 40);
    let row = |cs: &str| {
        text.lines()
            .find(|l| l.contains(cs) && l.contains("The Old Bell"))
            .unwrap_or_else(|| panic!("{cs}: {text}"))
            .to_string()
    };
    assert!(row("MS01").contains("4 of 5"), "{text}");
    assert!(
        row("MS01").contains("corrected, was 5 loud and clear"),
        "{text}"
    );
    assert!(row("MS02").contains("3 of 5") && row("MS02").contains("late"));
    assert!(row("MS02").contains("Cleo Desk"), "who answered: {text}");
    assert!(row("MS03").contains("closed today"));
    // back to the list, then the void one
    c.key(KeyCode::Esc);
    assert!(c.app.radio.past.is_none());
    c.keys("j");
    c.key(KeyCode::Enter);
    let text = c.text_at(140, 40);
    assert!(text.contains("void #"), "{text}");
    assert!(text.contains("started by mistake"), "{text}");
    assert!(text.contains("not answered"), "{text}");
}

#[test]
fn the_demo_s_past_roll_calls_open_from_the_list_and_go_back_to_the_first() {
    let mut c = demo_console();
    c.keys("5");
    let total = c.app.radio.recent.total;
    assert!(total >= 20, "{total}");
    c.keys("G");
    assert_eq!(c.app.radio.selected, total - 1);
    let oldest = c.worker.roll_calls(total).unwrap().pop().unwrap();
    c.key(KeyCode::Enter);
    let past = c.app.radio.past.as_ref().expect("opened");
    assert_eq!(past.record.id, oldest.id);
    let answered = past.stations.iter().filter(|s| s.entry.is_some()).count();
    assert_eq!(
        answered,
        oldest.summary.answered + oldest.summary.nothing_heard + oldest.summary.closed
    );
    let text = c.text_at(100, 30);
    assert!(text.contains(&format!("#{}", oldest.id)), "{text}");
    c.key(KeyCode::Esc);
    assert_eq!(c.app.radio.selected, total - 1, "back at the one opened");
}
