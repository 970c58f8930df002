//! End to end, what reaches a console while it runs (the real binary in a
//! pseudo-terminal, harness in `tests/pty`): its store deleted under it,
//! ingested lines (and bad ones named), and the scheduled backup.

mod e2e_common;
mod pty;

use e2e_common::*;
use pty::*;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The store file deleted under a running console (with its log and index):
/// within about a second, with no key pressed, the status bar says so; a new
/// incident typed after that is refused with the form kept as typed; quitting
/// gives the terminal back, exits with 1 and says why, and no store file holds
/// the incident afterwards.
#[test]
fn a_store_deleted_under_a_running_console_is_noticed_and_nothing_more_is_saved() {
    let place = Place::new();
    let mut c = place.demo("console", 120, 30, &[]);
    c.wait_board();

    let db = place.db();
    let companions = ["-wal", "-shm"].map(|s| PathBuf::from(format!("{}{s}", db.display())));
    std::fs::remove_file(&db).expect("delete the store");
    for f in &companions {
        std::fs::remove_file(f).expect("delete its log and index");
    }
    // the watcher looks every 200 ms; three seconds leave room for a loaded machine
    let started = Instant::now();
    c.wait_for(
        "store ● ERROR, with no key pressed",
        Duration::from_secs(3),
        |t| some_line_has(t, &["store ● ERROR", "file deleted"]),
    );
    let took = started.elapsed();
    eprintln!("the console showed its store deleted after {took:?}");
    c.wait_for("what happened, on the message line", WAIT, |t| {
        message_line(t).contains("was deleted while this console had it open")
    });

    // typed after the store went: refused, the form kept as typed
    let what = unique("void");
    c.send("n");
    c.wait_for("the form, saying it cannot be saved", WAIT, |t| {
        t.contains("New incident") && t.contains("The store has gone (file deleted)")
    });
    c.send("t");
    c.send(TAB);
    c.send("1");
    c.send(TAB);
    c.send("market");
    c.wait_text("Market Square (zone)");
    c.send(TAB);
    c.send(&what);
    c.wait_for("the text in What happened", WAIT, |t| {
        some_line_has(t, &["What happened", &what])
    });
    c.send(ENTER);
    c.wait_for(
        "the save refused, the form still open with the text",
        WAIT,
        |t| {
            t.contains("nothing was saved")
                && t.contains("New incident")
                && some_line_has(t, &["What happened", &what])
                && logged_number(t).is_none()
        },
    );

    // Ctrl-C asks about the form typed into, and nothing about the shift
    c.send("\x03");
    c.wait_text("Quit and lose the unsaved form?");
    c.send("y");
    let status = c.wait_exit();
    c.assert_restored();
    assert_eq!(
        status.code(),
        Some(1),
        "a console whose store went exits with 1"
    );
    let after = text_of(&c.screen());
    assert!(
        after.contains("was deleted while the console had it open"),
        "says why once the terminal is back:\n{after}"
    );
    let log = std::fs::read_to_string(place.path("watchroom.log")).unwrap_or_default();
    assert!(
        log.contains("the sign-out could not be recorded"),
        "the log says the sign-out was refused:\n{log}"
    );

    // no store file was made again with the incident in it
    for f in std::iter::once(&db).chain(&companions) {
        if let Ok(bytes) = std::fs::read(f) {
            assert!(
                !bytes.windows(what.len()).any(|w| w == what.as_bytes()),
                "{} holds the refused incident",
                f.display()
            );
        }
    }
    if db.exists() {
        let n: i64 = store(&place)
            .query_row(
                "SELECT COUNT(*) FROM incidents WHERE summary = ?1",
                [&what],
                |r| r.get(0),
            )
            .unwrap_or(0);
        assert_eq!(
            n, 0,
            "a store made again does not hold the refused incident"
        );
    }
}

/// Lines piped into `watchroom ingest` reach a console open on the same store
/// with no key pressed: the incident and the alarm (urgent, of type alarm, at
/// its member) on the board, the radio on air; the bad lines are named on
/// ingest's stderr by number and the rest carry on.
#[test]
fn ingested_lines_reach_an_open_console_and_bad_lines_are_named() {
    let place = Place::new();
    let c = place.demo("console", 140, 40, &[]);
    c.wait_board();
    // a radio not yet on air, so its sign-on is plainly the ingested one
    let call_sign = {
        let store = watchroom::store::Store::open(place.db()).expect("open the store");
        let on = store
            .on_air(chrono::Utc::now() - chrono::Duration::hours(18))
            .expect("who is on air");
        store
            .radios()
            .expect("the radios")
            .into_iter()
            .find(|r| r.status == "issued" && !on.contains(&r.call_sign))
            .expect("a radio off air")
            .call_sign
    };
    // the board filtered to a word only the ingested lines carry: empty for now
    let tag = unique("feed");
    c.send("/");
    c.send(&tag);
    c.wait_text(&format!("filter: {tag}"));
    c.send(ENTER);
    c.wait_for("the filter to be kept", WAIT, |t| {
        t.contains(&format!("live (0) filter: {tag}")) && !t.contains("Enter keep")
    });

    let theft_ref = unique("EXT");
    let alarm_ref = unique("ALM");
    let lines = [
        format!(
            r#"{{"kind":"incident","type":"theft","priority":2,"zone":"Market Square","summary":"{tag} two men with razors","ref":"{theft_ref}"}}"#
        ),
        "this is not json {".to_string(),
        format!(
            r#"{{"kind":"alarm","member":"Greggs","alarm":"panic","summary":"{tag} rear door","ref":"{alarm_ref}"}}"#
        ),
        r#"{"kind":"radio","call_sign":"ZZ99","event":"sign_on"}"#.to_string(),
        format!(r#"{{"kind":"radio","call_sign":"{call_sign}","event":"sign_on"}}"#),
    ];
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_watchroom"));
    cmd.args(["ingest", "--db", place.db().to_str().expect("utf-8 path")])
        .env_clear()
        .current_dir(place.dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in place.envs() {
        cmd.env(k, v);
    }
    let mut ingest = {
        let _one_at_a_time = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        cmd.spawn().expect("spawn watchroom ingest")
    };
    {
        let mut stdin = ingest.stdin.take().expect("ingest's stdin");
        stdin
            .write_all(lines.join("\n").as_bytes())
            .expect("pipe the lines");
    }
    let out = ingest.wait_with_output().expect("ingest finishes");
    let done = Instant::now();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}\n{said}", out.status);
    assert!(
        some_line_has(&said, &["line 2: not JSON"]),
        "stderr names the bad line: {said}"
    );
    assert!(
        some_line_has(&said, &["line 4: no radio has the call sign “ZZ99”"]),
        "{said}"
    );
    assert!(
        said.contains("ingest: 3 accepted, 0 duplicates, 2 rejected"),
        "{said}"
    );

    let id_of = |reference: &str| -> i64 {
        store(&place)
            .query_row(
                "SELECT id FROM incidents WHERE source_ref = ?1",
                [reference],
                |r| r.get(0),
            )
            .expect("the ingested incident")
    };
    let (theft, alarm) = (id_of(&theft_ref), id_of(&alarm_ref));
    let (theft_row, alarm_row) = (format!("#{theft} "), format!("#{alarm} "));
    c.wait_for("the ingested incident and alarm on the board", WAIT, |t| {
        t.contains(&format!("live (2) filter: {tag}"))
            && some_line_has(
                t,
                &[&theft_row, "P2", "open", "theft", "Market Square", &tag],
            )
            && some_line_has(
                t,
                &[&alarm_row, "P1", "open", "alarm", "Greggs", "panic alarm"],
            )
    });
    eprintln!(
        "ingest: the console showed both rows {:?} after ingest exited",
        done.elapsed()
    );

    // the radio pane's log view: the radio is on air
    c.send("5");
    c.wait_text(" roll-call ");
    c.send("v");
    c.send("v");
    let on_air = format!("● {call_sign}");
    c.wait_for("the ingested sign-on on air", WAIT, |t| {
        t.contains("On air (")
            && t.contains(&on_air)
            && some_line_has(t, &[&call_sign, "signing on"])
    });
}

/// A console with `[backup] dir` in its config takes the scheduled backup
/// (none was taken before) and says so; it is checked, and recorded.
#[test]
fn a_running_console_takes_the_scheduled_backup() {
    let place = Place::new();
    let backups = place.path("backups");
    std::fs::create_dir(&backups).expect("mkdir");
    let config = place.path("backup.toml");
    std::fs::write(
        &config,
        format!(
            "[backup]\ndir = \"{}\"\nevery_hours = 6\nkeep = 2\n",
            backups.display()
        ),
    )
    .expect("write the config");
    let mut c = place.demo("console", 120, 40, &["--config", config.to_str().unwrap()]);
    c.wait_board();
    c.wait_for("the backup's toast", WAIT, |t| t.contains("backup taken"));
    let files = watchroom::store::backup::scheduled_files(&place.db(), &backups);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(watchroom::store::backup::check(&files[0], None).is_ok());
    let recorded: i64 = store(&place)
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'backup' AND operator_id IS NULL",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(recorded, 1);
    c.quit_leaving_shift();
    assert!(c.wait_exit().success());
}
