//! Every time shown and typed is on the scheme's clock (the config's
//! `timezone`), never the host's: an instant stored in UTC in July draws as
//! British Summer Time, a typed time shows back as it was typed, in summer
//! and in winter, and times in messages (a stale save, a lock-out, an
//! amendment) follow the same clock. The host's own zone is never read, so
//! nothing here sets it (the end-to-end test runs the binary on a host in
//! New York).

mod support;

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::*;
use watchroom::app::config::Config;
use watchroom::store::operators::SignInError;
use watchroom::store::{Record, Stale, Store, StoreError};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// 13:05 UTC on a summer's day: 14:05 in London.
const JULY: &str = "2026-07-14T13:05:00Z";

fn in_zone(zone: &str) -> Console {
    let (dir, path) = demo_store();
    let config = Config {
        timezone: zone.into(),
        ..Config::default()
    };
    let mut c = console_on(&path, "Alex Morgan", config);
    c.dir = Some(dir);
    c
}

fn header(c: &Console) -> String {
    c.text().lines().next().unwrap_or_default().to_string()
}

#[test]
fn a_july_instant_draws_on_british_summer_time() {
    let mut c = in_zone("Europe/London");
    c.clock.set(t(JULY));
    assert!(header(&c).contains("14 Jul 14:05:00"), "{}", header(&c));

    // an incident opened now: its time is stored in UTC and drawn in BST
    c.log_incident('t', '2', "greggs", "Pasties taken in the heat");
    let id = c.app.board.rows[0].id;
    assert_eq!(
        c.worker.incident(id).unwrap().unwrap().opened_at,
        t(JULY),
        "stored as the instant"
    );
    c.key(KeyCode::Enter);
    let screen = c.text();
    assert!(
        screen.contains("opened  Tue 14 Jul 14:05 by Alex Morgan"),
        "{screen}"
    );
    assert!(
        screen.contains("last update  14:05 by Alex Morgan"),
        "{screen}"
    );
    assert!(!screen.contains("13:05"), "no UTC time shown:\n{screen}");

    // the same instant in winter time's months is GMT, the same as UTC
    let c = in_zone("Europe/London");
    c.clock.set(t("2026-01-13T13:05:00Z"));
    assert!(header(&c).contains("13 Jan 13:05:00"), "{}", header(&c));
}

#[test]
fn the_configured_zone_is_the_one_drawn() {
    let c = in_zone("America/New_York");
    c.clock.set(t(JULY));
    assert!(header(&c).contains("14 Jul 09:05:00"), "{}", header(&c));
}

/// Type a sighting of `who` (a name fragment) at `when`, with `note`.
fn sighting(c: &mut Console, who: &str, when: &str, note: &str) {
    c.keys("S");
    c.keys(who);
    c.key(KeyCode::Enter); // the person found; Camera next
    c.key(KeyCode::Tab); // Where
    c.key(KeyCode::Tab); // When
    c.app
        .handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    c.keys(when);
    c.key(KeyCode::Tab); // Description
    c.key(KeyCode::Tab); // Note
    c.keys(note);
    c.ctrl('s');
    assert!(
        c.app.nothing_open(),
        "the sighting is saved: {:?}",
        c.app.overlay()
    );
}

#[test]
fn a_typed_time_shows_back_as_typed_in_summer_and_in_winter() {
    let mut c = in_zone("Europe/London");
    sighting(&mut c, "garside", "2026-07-14 14:05", "summer sighting");
    sighting(&mut c, "garside", "2026-01-13 14:05", "winter sighting");

    // stored as the instants those wall-clock times were in London
    let raw = rusqlite::Connection::open(&c.path).unwrap();
    let at = |note: &str| -> i64 {
        raw.query_row("SELECT at FROM sightings WHERE note = ?1", [note], |r| {
            r.get(0)
        })
        .unwrap()
    };
    assert_eq!(at("summer sighting"), t(JULY).timestamp(), "BST is UTC+1");
    assert_eq!(
        at("winter sighting"),
        t("2026-01-13T14:05:00Z").timestamp(),
        "GMT is UTC"
    );

    // and the profile shows both as they were typed
    c.keys("3/");
    c.keys("garside");
    c.key(KeyCode::Enter);
    c.open_profile("checking two sightings");
    let screen = c.text();
    assert!(
        screen.contains("14 Jul 14:05 seen") && screen.contains("summer sighting"),
        "{screen}"
    );
    assert!(
        screen.contains("13 Jan 14:05 seen") && screen.contains("winter sighting"),
        "{screen}"
    );
}

#[test]
fn the_amended_notes_time_is_on_the_schemes_clock() {
    let mut c = in_zone("Europe/London");
    c.clock.set(t(JULY));
    c.log_incident('t', '2', "greggs", "Pasties taken");
    c.key(KeyCode::Enter);
    c.keys("a");
    c.keys("Suspect left towards the station");
    c.ctrl('s');
    // the note is the newest timeline entry: select it and amend it
    c.keys("G");
    c.keys("A");
    let Some(form) = c.app.form() else {
        panic!("the amend form: {:?}", c.app.overlay())
    };
    let banner = form.banner.clone().unwrap_or_default();
    assert!(
        banner.starts_with("Amending the note of 14:05:"),
        "{banner}"
    );
}

#[test]
fn a_stale_save_names_the_other_change_on_the_schemes_clock() {
    let e = StoreError::Stale(Stale {
        record: Record::Incident(12),
        what: "incident #12".into(),
        by: "Priya Shah".into(),
        at: t(JULY),
    });
    let london = e.describe(chrono_tz::Europe::London);
    assert!(
        london.contains("changed by Priya Shah at 14:05:00"),
        "{london}"
    );
    // the shell's message names its zone rather than guessing the reader's
    assert!(e.to_string().contains("at 13:05:00 UTC"), "{e}");
}

#[test]
fn a_lock_out_ends_on_the_schemes_clock() {
    let (_dir, path) = demo_store();
    let mut s = Store::open(&path).unwrap();
    let at = t(JULY);
    let mut last = None;
    for _ in 0..5 {
        last = Some(s.sign_in("Priya Shah", "0000", at).unwrap());
    }
    let Some(Err(e @ SignInError::LockedOut { .. })) = last else {
        panic!("locked out: {last:?}")
    };
    assert_eq!(
        e.describe(chrono_tz::Europe::London),
        "too many wrong PINs: Priya Shah is locked out until 14:10"
    );
    assert_eq!(
        e.to_string(),
        "too many wrong PINs: Priya Shah is locked out for 5 more minutes"
    );
}
