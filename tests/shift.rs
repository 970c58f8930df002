//! The shift: signing in starts it, the occurrence log keeps its timed
//! entries (an amendment is a new entry, the old one untouched), ending it
//! shows and saves the handover (in the store and as a Markdown file), and
//! the next operator takes the handover over on signing in.

mod support;

use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::quit::QuitQuestion;
use watchroom::app::{Event, Pane};
use watchroom::domain::sighting::NewSighting;
use watchroom::store::Store;

#[test]
fn signing_in_starts_a_shift_and_a_restarted_console_carries_it_on() {
    let (_dir, path) = demo_store();
    let c = console_on(&path, "Sam Okafor", Config::default());
    let shift = c.app.shift().expect("a shift").clone();
    assert_eq!(shift.started_at, now());
    assert_eq!(
        count(&path, "SELECT COUNT(*) FROM shifts WHERE ended_at IS NULL"),
        1
    );
    let last = &c.worker.recent_audit(None, 1).unwrap()[0];
    assert_eq!(
        (last.action.code(), last.entity.as_str()),
        ("start", "shift")
    );
    drop(c);

    // the console closed and opened again: the same shift, nothing new
    let c = console_on(&path, "Sam Okafor", Config::default());
    assert_eq!(c.app.shift().unwrap().id, shift.id);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM shifts"), 1);
}

#[test]
fn the_occurrence_log_keeps_entries_and_an_amendment_never_changes_the_old_one() {
    let mut c = demo_console();
    c.keys("6");
    assert_eq!(c.app.pane, Pane::Log);
    c.keys("a");
    c.key(KeyCode::Enter);
    assert!(c.text().contains("say what happened"), "{}", c.text());
    c.keys("Walked the High Street with PCSO Reid");
    c.key(KeyCode::Enter);
    assert!(c.app.input.is_none());
    c.clock.advance(Duration::minutes(5));
    c.keys("e");
    c.keys("with PCSO Reed, not Reid");
    c.key(KeyCode::Enter);

    let log = &c.app.log.entries;
    assert_eq!(log.len(), 2);
    let (new, old) = (&log[0], &log[1]);
    assert_eq!(new.amends, Some(old.id));
    assert_eq!(old.amended_by, Some(new.id));
    assert_eq!(old.text, "Walked the High Street with PCSO Reid");
    assert_eq!(new.at - old.at, Duration::minutes(5));
    let screen = c.text();
    assert!(screen.contains("(amended by #"), "{screen}");
    assert!(screen.contains("amends #"), "{screen}");

    // the first entry is as it was written, in the file itself
    let kept: String = raw(&c.path)
        .query_row(
            "SELECT text FROM occurrence_log WHERE id = ?1",
            [old.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, "Walked the High Street with PCSO Reid");
    // both belong to this shift
    let shift = c.app.shift().unwrap().id;
    assert_eq!(
        count(
            &c.path,
            &format!("SELECT COUNT(*) FROM occurrence_log WHERE shift_id = {shift}")
        ),
        2
    );
    // `:log TEXT` adds one from anywhere
    c.keys("1:");
    c.keys("log Alarm at Boots reset by keyholder");
    c.key(KeyCode::Enter);
    assert_eq!(c.worker.occurrence_log(10).unwrap().len(), 3);
}

#[test]
fn hostile_text_in_an_entry_is_cleaned_before_it_is_kept() {
    let mut c = demo_console();
    c.keys("6a");
    c.keys("noted \x1b]52;c;Zm9v\x07 at the door");
    c.key(KeyCode::Enter);
    let e = &c.worker.occurrence_log(1).unwrap()[0];
    assert!(
        !e.text.contains('\x1b') && !e.text.contains('\x07'),
        "{:?}",
        e.text
    );
    assert!(e.text.starts_with("noted"));
}

#[test]
fn a_viewer_reads_the_log_but_cannot_write_in_it() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Jo Lindqvist", Config::default());
    c.keys("6a");
    assert!(c.app.input.is_none());
    assert!(c.text().contains("refused"), "{}", c.text());
    assert_eq!(count(&path, "SELECT COUNT(*) FROM occurrence_log"), 0);
}

/// A shift with something in every part of the handover.
fn busy_shift() -> Console {
    let mut c = demo_console();
    c.app.config.lock_after_minutes = 600;
    let op = c.app.operator.id;
    let t = now();
    {
        let s = &mut c.worker;
        let radio = s.radios().unwrap()[0].clone();
        s.set_radio_status(radio.id, radio.version, "faulty", "crackles", op, t)
            .unwrap();
    }
    // tonight's roll-call, as the coordinator's console would have saved it
    raw(&c.path)
        .execute(
            "INSERT INTO roll_calls (started_at, finished_at, started_by, expected, answered, nothing_heard, weak)
             VALUES (?1, ?2, ?3, 12, 10, 2, 1)",
            rusqlite::params![t.timestamp(), t.timestamp() + 600, op],
        )
        .unwrap();
    // a sighting of an excluded man during the shift: a breach
    c.clock.advance(Duration::minutes(30));
    let hits = c.worker.hits(10).unwrap();
    let breached = hits.iter().find(|h| h.offender == "Tyler Garside").unwrap();
    let zone = c
        .app
        .zones
        .iter()
        .find(|z| z.name == breached.place)
        .unwrap()
        .id;
    let rules = c.app.config.hit_rules();
    let outcome = c
        .worker
        .record_sighting(
            &NewSighting {
                at: c.app.now(),
                camera_id: None,
                zone_id: Some(zone),
                location: "by the fountain".into(),
                offender_id: Some(breached.offender_id),
                description: String::new(),
                note: String::new(),
                incident_id: None,
            },
            &rules,
            op,
            c.app.now(),
        )
        .unwrap();
    // a breach, counted on the demo's hit on him still waiting
    assert!(
        !outcome.hits.is_empty() || !outcome.seen_again.is_empty(),
        "a breach"
    );
    c.keys("6a");
    c.keys("Garside seen by Riverside CCTV, police informed");
    c.key(KeyCode::Enter);
    c.clock.advance(Duration::hours(7));
    c
}

#[test]
fn ending_a_shift_shows_the_handover_then_saves_it_and_its_file() {
    let mut c = busy_shift();
    let out_of_service = count(
        &c.path,
        "SELECT COUNT(*) FROM radios WHERE status IN ('faulty','in repair','lost','stunned')",
    );
    let radios = format!("## Radios out of service ({out_of_service})");
    c.keys("E");
    let Some(view) = c.app.handover() else {
        panic!("the handover is shown: {:?}", c.app.overlay())
    };
    let body = view.body.clone();
    for part in [
        "# Handover — Fri 27 Nov 2026",
        "Shift of Alex Morgan, 12:00 to 19:30.",
        "## Open incidents (",
        "## Hits waiting (",
        "Tyler Garside",
        "Roll-call at 12:00: 10 of 12 stations answered, 2 nothing heard, 1 weak.",
        "## Notable sightings (1)",
        "breach hit",
        &radios,
        ": faulty",
        "## Occurrence log (1 entry)",
        "Garside seen by Riverside CCTV, police informed",
    ] {
        assert!(body.contains(part), "{part:?} missing from\n{body}");
    }
    // the trail's newest record as the handover was made: a checkpoint the
    // binder keeps, which the real trail holds
    let anchor: (i64, String) = raw(&c.path)
        .query_row("SELECT seq, hash FROM audit_anchor", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let checkpoint = format!("{}:{}", anchor.0, anchor.1);
    assert!(
        body.contains(&format!("Checkpoint: {checkpoint}\n")),
        "{body}"
    );
    let expect: watchroom::domain::audit::Checkpoint = checkpoint.parse().unwrap();
    let report = watchroom::store::Store::open(&c.path)
        .unwrap()
        .verify_audit_expecting(Some(&expect))
        .unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);
    // Esc carries on the shift: nothing saved
    c.key(KeyCode::Esc);
    assert!(c.app.nothing_open() && c.app.shift().is_some());
    assert_eq!(count(&c.path, "SELECT COUNT(*) FROM handovers"), 0);

    c.keys("E");
    c.key(KeyCode::Enter);
    assert!(c.app.shift().is_none());
    let lock = c
        .app
        .lock
        .as_ref()
        .expect("signed out for the next operator");
    assert!(lock.name.value.is_empty());
    let (saved, ended): (String, Option<i64>) = raw(&c.path)
        .query_row(
            "SELECT h.body, s.ended_at FROM handovers h JOIN shifts s ON s.id = h.shift_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(saved, body, "what was shown is what is kept");
    assert!(ended.is_some());

    // and exported as Markdown beside the store, for the owner only
    let dir = c.path.parent().unwrap().join("handovers");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("handover-2026-11-27-1930-") && name.ends_with(".md"),
        "{name}"
    );
    assert_eq!(std::fs::read_to_string(&files[0]).unwrap(), body);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(c
        .text()
        .contains("handover saved as handover-2026-11-27-1930-"));
    let audit = c.worker.recent_audit(None, 5).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action.code() == "end" && a.entity == "shift"));
}

#[test]
fn the_next_operator_takes_the_handover_over_on_signing_in() {
    let mut c = busy_shift();
    c.keys("E");
    c.key(KeyCode::Enter);
    // Sam signs in on the same console
    c.keys("Sam Okafor");
    c.key(KeyCode::Enter);
    c.keys("4567");
    c.key(KeyCode::Enter);
    assert!(c.app.lock.is_none(), "signed in");
    assert!(c.app.shift().is_some(), "Sam's shift began");
    let screen = c.text();
    assert!(
        screen.contains("Handover from Alex Morgan"),
        "the handover is shown at once:\n{screen}"
    );
    let Some(view) = c.app.handover() else {
        panic!()
    };
    assert!(view.body.contains("Garside seen by Riverside CCTV"));

    // later, then taken over
    c.key(KeyCode::Esc);
    assert!(c.app.nothing_open());
    assert_eq!(
        count(
            &c.path,
            "SELECT COUNT(*) FROM handovers WHERE acknowledged_at IS NULL"
        ),
        1
    );
    c.keys(":");
    c.keys("handover");
    c.key(KeyCode::Enter);
    assert!(c.app.handover().is_some());
    c.key(KeyCode::Enter);
    let by: String = raw(&c.path)
        .query_row(
            "SELECT o.name FROM handovers h JOIN operators o ON o.id = h.acknowledged_by",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(by, "Sam Okafor");
    let last = &c.worker.recent_audit(None, 1).unwrap()[0];
    assert_eq!(
        (last.action.code(), last.entity.as_str()),
        ("acknowledge", "handover")
    );
    // nothing waits any more
    assert!(Store::open(&c.path)
        .unwrap()
        .pending_handover(c.app.operator.id)
        .unwrap()
        .is_none());
}

#[test]
fn a_shift_ended_elsewhere_cannot_be_ended_twice() {
    let (_dir, path) = demo_store();
    let mut a = Store::open(&path).unwrap();
    let op = a.operator_or_add("Sam Okafor", "operator", now()).unwrap();
    let s = a.start_shift(op.id, now()).unwrap();
    a.end_shift(s.id, op.id, "# Handover", now()).unwrap();
    let err = a.end_shift(s.id, op.id, "# Handover", now()).unwrap_err();
    assert!(err.to_string().contains("already ended"), "{err}");
    assert_eq!(count(&path, "SELECT COUNT(*) FROM handovers"), 1);
}

// ----- quitting -------------------------------------------------------------

/// The sign-out records in the audit trail, oldest first: their details.
fn sign_outs(path: &std::path::Path) -> Vec<String> {
    let conn = raw(path);
    let mut st = conn
        .prepare("SELECT detail FROM audit WHERE action = 'sign-out' ORDER BY id")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn open_shifts(path: &std::path::Path) -> i64 {
    count(path, "SELECT COUNT(*) FROM shifts WHERE ended_at IS NULL")
}

#[test]
fn q_with_the_shift_open_asks_and_leaving_it_running_signs_out_and_quits() {
    let mut c = demo_console();
    assert_eq!(open_shifts(&c.path), 1);
    c.keys("q");
    assert_eq!(c.app.quitting, Some(QuitQuestion::OpenShift));
    assert!(!c.app.quit, "asks first");
    let screen = c.text();
    for part in [
        "Quit — your shift since 12:00 is still open",
        "e    end the shift: review the handover, save it, then quit",
        "l    leave the shift running for the next operator: sign out and quit",
        "Esc  stay: do not quit",
    ] {
        assert!(screen.contains(part), "{part:?} missing from\n{screen}");
    }
    // a stray key neither quits nor closes the question
    c.keys("j");
    assert_eq!(c.app.quitting, Some(QuitQuestion::OpenShift));
    assert!(sign_outs(&c.path).is_empty());

    c.keys("l");
    assert!(c.app.quit);
    assert_eq!(open_shifts(&c.path), 1, "the shift is left running");
    assert_eq!(sign_outs(&c.path), ["quit; shift left running"]);
    let last = &c.worker.recent_audit(None, 1).unwrap()[0];
    assert_eq!(
        (last.action.code(), last.operator.as_str()),
        ("sign-out", "Alex Morgan")
    );
    // told to close again (the runtime does, as the loop ends): no second record
    c.app.close_console("console closed");
    assert_eq!(sign_outs(&c.path).len(), 1);
}

#[test]
fn ending_the_shift_on_quitting_reviews_the_handover_saves_it_then_quits() {
    let mut c = busy_shift();
    c.keys("q");
    c.keys("e");
    let Some(view) = c.app.handover() else {
        panic!("the handover is shown: {:?}", c.app.overlay())
    };
    assert!(
        view.title.contains("Enter save it and quit"),
        "{}",
        view.title
    );
    assert!(!c.app.quit);
    // Esc stays: nothing saved, still signed in, the shift carries on
    c.key(KeyCode::Esc);
    assert!(!c.app.quit && c.app.nothing_open() && c.app.lock.is_none());
    assert_eq!(count(&c.path, "SELECT COUNT(*) FROM handovers"), 0);
    assert!(sign_outs(&c.path).is_empty());

    c.keys("q");
    c.keys("e");
    c.key(KeyCode::Enter);
    assert!(c.app.quit, "saving the handover quits");
    assert_eq!(open_shifts(&c.path), 0, "the shift ended");
    assert_eq!(count(&c.path, "SELECT COUNT(*) FROM handovers"), 1);
    let files = std::fs::read_dir(c.path.parent().unwrap().join("handovers"))
        .unwrap()
        .count();
    assert_eq!(files, 1, "the handover's file is written");
    assert_eq!(sign_outs(&c.path), ["shift ended"], "one sign-out");
    c.app.close_console("console closed");
    assert_eq!(sign_outs(&c.path).len(), 1);
}

#[test]
fn esc_on_the_question_stays_signed_in_with_the_shift_running() {
    let mut c = demo_console();
    c.keys("q");
    c.key(KeyCode::Esc);
    assert!(!c.app.quit && c.app.quitting.is_none());
    assert!(c.app.shift().is_some());
    assert!(sign_outs(&c.path).is_empty());
    assert!(!c.text().contains("Quit —"));
}

#[test]
fn the_command_line_asks_as_q_does_and_q_bang_quits_leaving_the_shift() {
    let mut c = demo_console();
    c.keys(":q");
    c.key(KeyCode::Enter);
    assert_eq!(c.app.quitting, Some(QuitQuestion::OpenShift));
    c.key(KeyCode::Esc);
    c.keys(":q!");
    c.key(KeyCode::Enter);
    assert!(c.app.quit && c.app.quitting.is_none());
    assert_eq!(open_shifts(&c.path), 1);
    assert_eq!(sign_outs(&c.path), ["quit; shift left running"]);
}

#[test]
fn ctrl_c_asks_the_same_and_again_leaves_the_shift_running() {
    let mut c = demo_console();
    c.ctrl('c');
    assert_eq!(c.app.quitting, Some(QuitQuestion::OpenShift));
    c.ctrl('c');
    assert!(c.app.quit);
    assert_eq!(open_shifts(&c.path), 1);
    assert_eq!(sign_outs(&c.path), ["quit; shift left running"]);
}

#[test]
fn unsaved_input_is_asked_about_first_then_the_shift() {
    let mut c = demo_console();
    c.keys("n");
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab);
    c.keys("half typed");
    c.ctrl('c');
    assert_eq!(c.app.quitting, Some(QuitQuestion::UnsavedForm));
    assert!(c.text().contains("Quit and lose the unsaved form?"));
    c.keys("y");
    assert!(c.app.nothing_open(), "the form is dropped");
    assert_eq!(c.app.quitting, Some(QuitQuestion::OpenShift));
    c.keys("l");
    assert!(c.app.quit);
    assert_eq!(sign_outs(&c.path), ["quit; shift left running"]);
}

#[test]
fn a_signal_quits_without_asking_records_the_sign_out_and_leaves_the_shift() {
    for signal in ["SIGTERM", "SIGHUP"] {
        let mut c = demo_console();
        // even with a question or a form open
        c.keys("n");
        c.keys("x");
        c.app.handle_event(Event::Signal(signal));
        assert!(c.app.quit, "{signal}");
        assert_eq!(open_shifts(&c.path), 1);
        assert_eq!(
            sign_outs(&c.path),
            [format!("{signal}; shift left running")]
        );
    }
}

#[test]
fn a_locked_console_quits_without_another_sign_out() {
    let mut c = demo_console();
    c.ctrl('l');
    assert!(c.app.lock.is_some());
    assert_eq!(sign_outs(&c.path), ["locked"]);
    c.ctrl('c');
    assert!(c.app.quit, "Ctrl-C on the lock screen quits at once");
    assert_eq!(
        sign_outs(&c.path).len(),
        1,
        "signed out already when locked"
    );
}

#[test]
fn the_question_keys_are_the_keymaps_and_help_lists_them() {
    let (_dir, path) = demo_store();
    let mut config = Config::default();
    config
        .keys
        .insert("quit_leaving_shift".into(), vec!["ctrl-x".into()]);
    let mut c = console_on(&path, "Alex Morgan", config);
    c.keys("q");
    let screen = c.text();
    assert!(
        screen.contains("Ctrl-x  leave the shift running for the next operator"),
        "{screen}"
    );
    c.keys("l");
    assert!(!c.app.quit, "l is no longer bound");
    c.ctrl('x');
    assert!(c.app.quit);

    let mut c = demo_console();
    c.keys("?");
    let mut help = String::new();
    for _ in 0..40 {
        help.push_str(&c.text());
        c.key(KeyCode::PageDown);
    }
    for part in [
        "Quitting with your shift open",
        "[quit_ending_shift]",
        "[quit_leaving_shift]",
        "[stay]",
    ] {
        assert!(help.contains(part), "{part:?} not in help");
    }
}
