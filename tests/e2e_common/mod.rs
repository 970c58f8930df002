//! What the end-to-end tests share, on top of the harness in `tests/pty`:
//! reading the screen (an incident's number, the status bar, the message
//! line), a word no demo text contains, logging an incident by typing and
//! opening one with `:open`, and a connection of our own to the store.

#![allow(dead_code)] // each test file uses a different part of this

use crate::pty::*;
use std::time::Duration;

/// N from a complete "incident #N logged" on the screen.
pub fn logged_number(text: &str) -> Option<i64> {
    text.match_indices("incident #").find_map(|(at, m)| {
        let rest = &text[at + m.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        rest[digits.len()..]
            .starts_with(" logged")
            .then(|| digits.parse().ok())
            .flatten()
    })
}

pub fn bottom_line(text: &str) -> &str {
    text.lines().last().unwrap_or("")
}

/// A word no demo text contains, different in every call and every run.
pub fn unique(tag: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("zq{tag}{}x{n}", std::process::id() % 1000)
}

/// Log a P1 theft at Market Square with `what` as its text, by typing; returns its number.
pub fn log_incident(c: &Console, what: &str) -> i64 {
    c.send("n");
    c.wait_text("New incident");
    // Type: a letter jumps; Priority: a digit picks; Where: Tab takes the
    // highlighted suggestion; What happened: Enter on the last field saves
    c.send("t");
    c.send(TAB);
    c.send("1");
    c.send(TAB);
    c.send("market");
    c.wait_text("Market Square (zone)");
    c.send(TAB);
    c.send(what);
    c.wait_for("the text in What happened", WAIT, |t| {
        some_line_has(t, &["What happened", what])
    });
    c.send(ENTER);
    let text = c.wait_for("the incident to be logged", WAIT, |t| {
        logged_number(t).is_some() && !t.contains("New incident") && t.contains(what)
    });
    logged_number(&text).expect("number")
}

/// Open incident `id` with the command line.
pub fn open_incident(c: &Console, id: i64) {
    c.send(&format!(":open {id}"));
    c.wait_text(&format!(":open {id}"));
    c.send(ENTER);
    c.wait_for("the incident's detail", WAIT, |t| {
        t.contains(&format!("Incident #{id} ")) && t.contains("Timeline")
    });
}

/// The message line, just above the status bar.
pub fn message_line(text: &str) -> &str {
    let lines: Vec<&str> = text.lines().collect();
    lines.len().checked_sub(2).map_or("", |i| lines[i])
}

pub fn store(place: &Place) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(place.db()).expect("open the store");
    conn.busy_timeout(Duration::from_secs(10)).expect("busy");
    conn
}
