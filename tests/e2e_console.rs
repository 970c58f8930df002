//! End to end: the real `watchroom` binary in a pseudo-terminal, driven by
//! keys and read back from the screen (the harness is in `tests/pty`): logging
//! an incident and quitting cleanly, Ctrl-C with unsaved input, hostile text
//! kept from the terminal, resizing, a file that is not a store, themes, a
//! typed time shown back as typed, and a profile's photo.

mod e2e_common;
mod pty;

use e2e_common::*;
use pty::*;

/// Log an incident by typing, read it back from the board, quit cleanly.
#[test]
fn log_an_incident_by_typing_and_quit_cleanly() {
    let place = Place::new();
    let mut c = place.demo("console", 120, 30, &[]);
    c.wait_for("the board, signed on as the demo operator", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("Alex Morgan (manager)")
    });
    assert!(
        c.screen().alternate_screen(),
        "runs on the alternate screen"
    );

    let what = unique("razors");
    let id = log_incident(&c, &what);
    let number = format!("#{id} ");
    c.wait_for("the new row: P1 open theft at Market Square", WAIT, |t| {
        t.contains(&format!("incident #{id} logged"))
            && some_line_has(t, &[&number, "P1", "open", "theft", "Market Square", &what])
    });

    // and the store has it as typed
    let (summary, priority, status): (String, i64, String) = store(&place)
        .query_row(
            "SELECT summary, priority, status FROM incidents WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the incident is in the store");
    assert_eq!(
        (summary.as_str(), priority, status.as_str()),
        (what.as_str(), 1, "open")
    );

    // the detail (Enter on the selected new row) shows the same
    c.send(ENTER);
    c.wait_for("the detail of the new incident", WAIT, |t| {
        t.contains(&format!("Incident #{id} "))
            && t.contains("Timeline")
            && some_line_has(t, &["where", "Market Square"])
            && some_line_has(t, &["what happened", &what])
            && some_line_has(t, &["status", "open", "P1"])
    });
    c.send(ESC);
    c.wait_for("the board again", WAIT, |t| {
        t.contains(BOARD) && !t.contains("Timeline")
    });

    c.quit_leaving_shift();
    let status = c.wait_exit();
    assert!(status.success(), "q exits with 0, got {status:?}");
    c.assert_restored();
}

/// Ctrl-C is a key in raw mode: it quits from the board, and asks first when a
/// form holds something typed.
#[test]
fn ctrl_c_quits_but_asks_about_unsaved_input() {
    let place = Place::new();
    let mut c = place.demo("console", 100, 30, &[]);
    c.wait_board();
    c.send("n");
    c.wait_text("New incident");
    c.send(TAB);
    c.send(TAB);
    c.send("half typed");
    c.wait_text("half typed");
    c.send("\x03");
    c.wait_for("a question about the unsaved form", WAIT, |t| {
        t.contains("Quit and lose the unsaved form?") && t.contains("New incident")
    });
    assert!(c.running(), "Ctrl-C with unsaved input must ask, not quit");
    // any other key stays
    c.send("n");
    c.wait_for("the question to go, the form kept", WAIT, |t| {
        !t.contains("Quit and lose") && some_line_has(t, &["Where", "half typed"])
    });
    c.send("\x03");
    c.wait_text("Quit and lose the unsaved form?");
    c.send("y");
    // nothing typed is at stake now, but the shift is open: Ctrl-C again leaves it running
    c.wait_for("the form gone and the shift's question", WAIT, |t| {
        t.contains(QUIT_QUESTION) && !t.contains("New incident")
    });
    c.send("\x03");
    let status = c.wait_exit();
    assert!(
        status.success(),
        "confirmed quit exits with 0, got {status:?}"
    );
    c.assert_restored();

    let mut c = place.demo("console again", 100, 30, &[]);
    c.wait_board();
    c.send("\x03");
    c.wait_text(QUIT_QUESTION);
    assert!(c.running(), "Ctrl-C with the shift open asks first");
    c.send("\x03");
    let status = c.wait_exit();
    assert!(
        status.success(),
        "Ctrl-C on the board exits with 0, got {status:?}"
    );
    c.assert_restored();
}

/// Escape sequences stored in a summary never reach the terminal raw: they
/// are shown as visible replacement marks.
#[test]
fn hostile_text_in_the_store_never_reaches_the_terminal() {
    let place = Place::new();
    // let the demo make the store, then quit
    let mut c = place.demo("setup", 100, 30, &[]);
    c.wait_board();
    c.quit_leaving_shift();
    assert!(c.wait_exit().success());
    drop(c);

    let conn = store(&place);
    let id: i64 = conn
        .query_row(
            "SELECT MAX(id) FROM incidents WHERE status <> 'closed'",
            [],
            |r| r.get(0),
        )
        .expect("a live incident");
    let changed = conn
        .execute(
            "UPDATE incidents SET summary = ?1 WHERE id = ?2",
            rusqlite::params!["EVIL\x1b[2J\x1b]0;pwned\x07 text", id],
        )
        .expect("update");
    assert_eq!(changed, 1);
    drop(conn);

    // each control character (ESC, ESC, BEL) is one visible mark; the rest is text
    let shown = "EVIL\u{FFFD}[2J\u{FFFD}]0;pwned\u{FFFD} text";
    let c = place.demo("console", 140, 30, &[]);
    let number = format!("#{id} ");
    c.wait_for(
        "the hostile summary shown cleaned on the board",
        WAIT,
        |t| t.contains(BOARD) && some_line_has(t, &[&number, shown]),
    );

    // the detail shows it cleaned too, and the screen around it is intact
    open_incident(&c, id);
    c.wait_for(
        "the hostile summary shown cleaned in the detail",
        WAIT,
        |t| {
            some_line_has(t, &["what happened", shown])
                && t.contains("Timeline")
                && bottom_line(t).contains("store ● ok")
        },
    );

    let raw = c.raw();
    let find = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(find("EVIL\u{FFFD}".as_bytes()), "the summary was drawn");
    assert!(
        !find(b"\x1b]0;pwned"),
        "the OSC title sequence reached the terminal"
    );
    assert!(!find(b"pwned\x07"), "the BEL reached the terminal");
    assert!(
        !find(b"EVIL\x1b[2J"),
        "the clear-screen sequence reached the terminal"
    );
    assert!(
        c.titles()
            .iter()
            .all(|t| !t.windows(5).any(|w| w == b"pwned")),
        "the window title was changed: {:?}",
        c.titles()
    );
}

/// Tiny, just-too-small, minimum and huge terminals: a request to enlarge,
/// then the board again, and the console keeps answering keys.
#[test]
fn resizing_to_tiny_and_back_keeps_running() {
    let place = Place::new();
    let mut c = place.demo("console", 100, 30, &[]);
    c.wait_board();

    c.resize(40, 8);
    c.wait_for("a request to enlarge at 40x8", WAIT, |t| {
        t.contains("enlarge the window") && !t.contains(BOARD)
    });

    c.resize(100, 30);
    c.wait_for("the board back at 100x30", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("? help") && !t.contains("enlarge")
    });

    // just under the minimum in one direction only
    c.resize(59, 30);
    c.wait_for("a request to enlarge at 59x30", WAIT, |t| {
        t.contains("enlarge the window") && t.contains("this is 59×30")
    });
    // exactly the minimum
    c.resize(60, 12);
    c.wait_for("the board at 60x12", WAIT, |t| {
        t.contains(BOARD) && !t.contains("enlarge")
    });

    // one cell, then huge
    c.resize(1, 1);
    c.wait_for("the request to enlarge cut to one cell", WAIT, |t| t == "e");
    c.resize(300, 100);
    c.wait_for("the board at 300x100", WAIT, |t| {
        t.contains(BOARD)
            && bottom_line(t).contains("store ● ok")
            && bottom_line(t).contains("? help")
    });

    // still alive and still answering keys
    c.resize(100, 30);
    c.wait_for("the board back at 100x30", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("? help")
    });
    c.send("?");
    c.wait_text("Help");
    assert!(c.running(), "resizing must not end the console");
    c.send(ESC);
    c.wait_gone("Help");
    c.quit_leaving_shift();
    assert!(c.wait_exit().success());
    c.assert_restored();
}

/// A file that is not an SQLite database is refused and left alone.
#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_alone() {
    let place = Place::new();
    let notes = place.path("notes.txt");
    let content = b"Shopping list\nmilk\neggs\n".repeat(50);
    std::fs::write(&notes, &content).expect("write notes");
    let notes_arg = notes.to_str().expect("utf-8 path");

    for args in [vec!["--db", notes_arg], vec!["demo", "--db", notes_arg]] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_watchroom"));
        cmd.args(&args)
            .env_clear()
            .current_dir(place.dir.path())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        for (k, v) in place.envs() {
            cmd.env(k, v);
        }
        let out = {
            let _one_at_a_time = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
            cmd.spawn().expect("run watchroom")
        }
        .wait_with_output()
        .expect("wait for watchroom");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} must fail: {stderr}");
        assert!(
            stderr.contains("not a watchroom store"),
            "{args:?}: a clear message, got: {stderr}"
        );
        assert!(
            stderr.contains("notes.txt"),
            "{args:?}: names the file: {stderr}"
        );
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains('\x1b'),
            "{args:?}: nothing drawn on stdout"
        );
        assert_eq!(
            std::fs::read(&notes).expect("read notes"),
            content,
            "{args:?} changed the file"
        );
        for companion in ["notes.txt-wal", "notes.txt-shm", "notes.txt-journal"] {
            assert!(
                !place.path(companion).exists(),
                "{args:?} left {companion} beside it"
            );
        }
    }
}

/// A person put on the register directly (no exclusion, no markers).
fn put_person(place: &Place, name: &str) {
    store(place)
        .execute(
            "INSERT INTO offenders (kind, name, description, markers, created_at, updated_at) \
             VALUES ('known', ?1, 'tall', '', strftime('%s','now'), strftime('%s','now'))",
            [name],
        )
        .expect("insert the person");
}

/// Type a sighting of `who` (found by `fragment`) at `when`, with `note`.
fn type_sighting(c: &Console, fragment: &str, who: &str, when: &str, note: &str) {
    c.send("S");
    c.wait_for("the sighting form", WAIT, |t| {
        t.contains("Sighting") && some_line_has(t, &["▶", "Who"])
    });
    c.send(fragment);
    c.wait_for("the person suggested", WAIT, |t| t.contains(who));
    c.send(ENTER);
    c.wait_for("the person taken", WAIT, |t| {
        some_line_has(t, &["Who", who]) && some_line_has(t, &["▶", "Camera"])
    });
    c.send(TAB);
    c.send(TAB);
    c.wait_for("When focused", WAIT, |t| some_line_has(t, &["▶", "When"]));
    c.send(CTRL_U);
    c.send(when);
    c.wait_for("the time typed", WAIT, |t| {
        some_line_has(t, &["When", when])
    });
    c.send(TAB);
    c.send(TAB);
    c.send(note);
    c.wait_for("the note typed", WAIT, |t| {
        some_line_has(t, &["Note", note])
    });
    c.send(CTRL_S);
    // the form gone, not only the message: an earlier save says the same
    c.wait_for("the sighting saved", WAIT, |t| {
        message_line(t).contains(&format!("sighting of {who} saved"))
            && !some_line_has(t, &["Note", note])
    });
}

/// On a host in New York, a scheme in London: a time typed in the sighting
/// form shows back as the same wall-clock time, on a summer date (BST) and a
/// winter one (GMT), and the header's clock is London's.
#[test]
fn a_typed_time_shows_back_as_typed_whatever_the_hosts_zone() {
    let place = Place::with_host_zone("America/New_York");
    let config = place.path("london.toml");
    std::fs::write(&config, "timezone = \"Europe/London\"\n").expect("write the config");
    let config = config.to_str().expect("utf-8 path").to_string();
    let mut setup = place.demo("setup", 120, 40, &["--config", &config]);
    setup.wait_board();
    setup.quit_leaving_shift();
    assert!(setup.wait_exit().success());
    drop(setup);
    let who = "Quentin Marlowe-Zed";
    put_person(&place, who);

    let c = place.demo("console", 120, 40, &["--config", &config]);
    c.wait_board();
    let london = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&chrono_tz::Europe::London)
            .format("%H:%M")
            .to_string()
    };
    let now = chrono::Utc::now();
    let header = c.screen().rows(0, 120).next().unwrap_or_default();
    assert!(
        [london(now), london(now - chrono::Duration::minutes(1))]
            .iter()
            .any(|hm| header.contains(hm.as_str())),
        "the header's clock is London's ({}): {header}",
        london(now)
    );

    let summer = unique("summer");
    let winter = unique("winter");
    type_sighting(&c, "marlowe", who, "2025-07-15 14:05", &summer);
    type_sighting(&c, "marlowe", who, "2025-12-02 14:05", &winter);

    // stored as the instants those were in London
    let conn = store(&place);
    let at = |note: &str| -> i64 {
        conn.query_row("SELECT at FROM sightings WHERE note = ?1", [note], |r| {
            r.get(0)
        })
        .unwrap_or_else(|e| {
            let notes: Vec<String> = conn
                .prepare("SELECT note || ' @' || at FROM sightings ORDER BY id DESC LIMIT 5")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            panic!("the sighting {note}: {e}; latest: {notes:?}")
        })
    };
    assert_eq!(
        at(&summer),
        chrono::DateTime::parse_from_rfc3339("2025-07-15T13:05:00Z")
            .unwrap()
            .timestamp()
    );
    assert_eq!(
        at(&winter),
        chrono::DateTime::parse_from_rfc3339("2025-12-02T14:05:00Z")
            .unwrap()
            .timestamp()
    );

    // the profile shows both at 14:05
    c.send("3");
    c.wait_for("the register", WAIT, |t| t.contains("Offenders —"));
    c.send("/");
    c.send("marlowe");
    c.send(ENTER);
    c.wait_for("the person found", WAIT, |t| {
        t.contains(who) && !t.contains("search:")
    });
    c.send(ENTER);
    c.wait_text("why open this record?");
    c.send("checking the times of two sightings");
    c.send(ENTER);
    c.wait_for("both sightings at 14:05 on the profile", WAIT, |t| {
        some_line_has(t, &["15 Jul 14:05", "seen", &summer])
            && some_line_has(t, &["02 Dec 14:05", "seen", &winter])
    });
}

/// `:theme NAME` switches theme; an unknown name lists the available ones.
#[test]
fn theme_command_switches_and_lists_themes() {
    let place = Place::new();
    // wide enough that the status bar keeps the theme beside the demo's escalated hit
    let mut c = place.demo("console", 140, 30, &[]);
    c.wait_for("the board in the default theme", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("theme default")
    });

    c.send(":theme night");
    c.wait_text(":theme night");
    c.send(ENTER);
    c.wait_for("the status bar to say theme night", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("theme night")
    });

    c.send(":theme nosuch");
    c.wait_text(":theme nosuch");
    c.send(ENTER);
    c.wait_for("a message naming the available themes", WAIT, |t| {
        some_line_has(t, &["nosuch", "available", "default", "night"])
            && !t.contains(":theme nosuch")
            && bottom_line(t).contains("theme night")
    });

    c.quit_leaving_shift();
    assert!(c.wait_exit().success());
    c.assert_restored();
}

/// A person's profile, opened from the register's ID-sought view, shows the
/// demo's synthetic still as half-blocks (NO_GRAPHICS), with its path.
#[test]
fn a_profile_from_the_register_shows_its_photo_as_half_blocks() {
    let place = Place::new();
    let c = place.demo("console", 120, 34, &[]);
    c.wait_board();
    c.send("3");
    c.wait_for("the register", WAIT, |t| {
        t.contains("Offenders —") && !t.contains(BOARD)
    });
    c.send("v");
    c.wait_for("the ID-sought view", WAIT, |t| {
        some_line_has(t, &["│ID-sought "])
    });
    c.send(ENTER);
    c.wait_for("the one-line reason", WAIT, |t| {
        t.contains("why open this record?")
    });
    c.send("matching a still for a member");
    c.send(ENTER);
    let text = c.wait_for("the profile with a photo drawn in half-blocks", WAIT, |t| {
        let blocks = t.chars().filter(|&ch| ch == '▀' || ch == '▄').count();
        t.lines()
            .any(|l| l.contains("photo") && l.split_whitespace().any(|w| w.ends_with(".png")))
            && t.contains("standing")
            && blocks >= 20
    });
    let line = line_with(&text, ".png").expect("the photo line");
    let path = line
        .split_whitespace()
        .find(|w| w.ends_with(".png"))
        .expect("a path");
    assert!(
        std::path::Path::new(path).is_file(),
        "the photo {path} exists"
    );
    let photos = place
        .dir
        .path()
        .canonicalize()
        .expect("the folder")
        .join("photos");
    assert!(
        std::path::Path::new(path).starts_with(&photos),
        "the demo put {path} in its store's photo folder"
    );
}

/// The sighting picker draws the highlighted person's photo beside the
/// form, named by record number, so two of one name can be told apart.
#[test]
fn the_sighting_picker_shows_the_highlighted_persons_photo() {
    let place = Place::new();
    let c = place.demo("console", 140, 40, &[]);
    c.wait_board();
    c.send("S");
    c.wait_for("the sighting form", WAIT, |t| t.contains("Sighting"));
    c.send("ID-sought 12");
    let text = c.wait_for("the photo beside the picker", WAIT, |t| {
        let blocks = t.chars().filter(|&ch| ch == '▀' || ch == '▄').count();
        let first = t
            .lines()
            .find(|l| l.contains("ID-sought 12") && l.contains('#') && !l.contains("Who"))
            .and_then(|l| l.split('#').nth(1))
            .and_then(|s| s.split_whitespace().next())
            .map(|n| format!("┌ #{n} "));
        first.is_some_and(|f| t.contains(&f)) && blocks >= 20
    });
    assert!(text.contains("Sighting"), "{text}");
}

/// Every frame reaches the terminal inside a synchronized update, so a
/// terminal on a slow link shows it whole: as many ends as begins, and a key
/// press's frame inside one too.
#[test]
fn every_frame_is_drawn_inside_a_synchronized_update() {
    let place = Place::new();
    let c = place.demo("console", 120, 40, &[]);
    c.wait_board();
    c.send("j");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let raw = c.raw();
    let count = |needle: &[u8]| raw.windows(needle.len()).filter(|w| *w == needle).count();
    let (begins, ends) = (count(b"\x1b[?2026h"), count(b"\x1b[?2026l"));
    assert!(begins >= 2, "the first frame and the key's: {begins} begun");
    assert_eq!(begins, ends, "each begun update is ended");
    // the last thing written is the end of an update: no frame is left outside one
    let last_end = raw
        .windows(8)
        .rposition(|w| w == b"\x1b[?2026l")
        .expect("an end");
    let last_begin = raw
        .windows(8)
        .rposition(|w| w == b"\x1b[?2026h")
        .expect("a begin");
    assert!(last_begin < last_end);
}
