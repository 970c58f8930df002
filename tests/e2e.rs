//! End to end: the real `watchroom` binary in a pseudo-terminal, driven by
//! keys and read back from the screen, including two consoles on one store.
//! The harness is in `tests/pty`.

mod pty;

use pty::*;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};
/// N from a complete "incident #N logged" on the screen.
fn logged_number(text: &str) -> Option<i64> {
    text.match_indices("incident #").find_map(|(at, m)| {
        let rest = &text[at + m.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        rest[digits.len()..]
            .starts_with(" logged")
            .then(|| digits.parse().ok())
            .flatten()
    })
}

fn bottom_line(text: &str) -> &str {
    text.lines().last().unwrap_or("")
}

/// A word no demo text contains, different in every call and every run.
fn unique(tag: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("zq{tag}{}x{n}", std::process::id() % 1000)
}

/// Log a P1 theft at Market Square with `what` as its text, by typing; returns its number.
fn log_incident(c: &Console, what: &str) -> i64 {
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

/// Filter the board down to `word` and keep the filter.
fn filter_to(c: &Console, word: &str) {
    c.send("/");
    c.send(word);
    c.wait_text(&format!("live (1) filter: {word}"));
    c.send(ENTER);
    c.wait_for("the filter to be kept", WAIT, |t| {
        t.contains(&format!("live (1) filter: {word}")) && !t.contains("Enter keep")
    });
}

/// Open incident `id` with the command line.
fn open_incident(c: &Console, id: i64) {
    c.send(&format!(":open {id}"));
    c.wait_text(&format!(":open {id}"));
    c.send(ENTER);
    c.wait_for("the incident's detail", WAIT, |t| {
        t.contains(&format!("Incident #{id} ")) && t.contains("Timeline")
    });
}

/// The number after "hits " on the status bar: hits waiting for an operator.
fn hits_waiting(text: &str) -> Option<i64> {
    let bar = bottom_line(text);
    let at = bar.find("│ hits ")? + "│ hits ".len();
    let digits: String = bar[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// The message line, just above the status bar.
fn message_line(text: &str) -> &str {
    let lines: Vec<&str> = text.lines().collect();
    lines.len().checked_sub(2).map_or("", |i| lines[i])
}

/// The selected row of the table whose header row contains `header`: the one
/// data row (starting with a number) drawn differently from the header
/// (background or reverse video), as `row_highlight_style` draws it. `None`
/// unless exactly one row is drawn so (e.g. half way through a frame).
fn selected_row(screen: &vt100::Screen, header: &str) -> Option<String> {
    let (rows, cols) = screen.size();
    let texts: Vec<String> = screen.rows(0, cols.get()).collect();
    let top = texts.iter().position(|l| l.contains(header))? as u16;
    let look = |row: u16| {
        screen
            .cell(row, 1)
            .map(|c| (c.bgcolor(), c.inverse(), c.contents().to_string()))
    };
    let (header_bg, header_inverse, _) = look(top)?;
    let mut found = None;
    for row in top + 1..rows.get() {
        let Some((bg, inverse, first)) = look(row) else {
            continue;
        };
        if !first.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        if (bg, inverse) != (header_bg, header_inverse) {
            if found.is_some() {
                return None;
            }
            found = Some(texts[row as usize].clone());
        }
    }
    found
}

/// The number at the start of a table row drawn as "│13    BREACH …".
fn row_number(row: &str) -> Option<i64> {
    let digits: String = row
        .trim_start_matches('│')
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// Put `name` on the register (known) with an exclusion from every zone in
/// force from yesterday for a hundred days; returns the offender's id.
fn put_excluded_person(place: &Place, name: &str) -> i64 {
    let conn = store(place);
    conn.execute(
        "INSERT INTO offenders (kind, name, description, markers, created_at, updated_at) \
         VALUES ('known', ?1, 'slim', '', strftime('%s','now'), strftime('%s','now'))",
        [name],
    )
    .expect("insert the offender");
    let id = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO exclusions (offender_id, stage, all_zones, starts_at, ends_at, served_by, reason) \
         VALUES (?1, 'exclusion', 1, strftime('%s','now')-86400, strftime('%s','now')+86400*100, 'PC Hale', 'theft')",
        [id],
    )
    .expect("insert the exclusion");
    id
}

fn store(place: &Place) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(place.db()).expect("open the store");
    conn.busy_timeout(Duration::from_secs(10)).expect("busy");
    conn
}

// ----- the tests ------------------------------------------------------------

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

/// Two consoles on one store see each other's commits without a key press.
#[test]
fn two_consoles_see_each_other_live() {
    let place = Place::new();
    // the first generates the demo store; the second opens it afterwards
    let a = place.demo("Alex", 120, 30, &[]);
    a.wait_board();
    let b = place.demo("Priya", 120, 30, &["--as", "Priya Shah"]);
    b.wait_for("B's board", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("Priya Shah")
    });

    let what = unique("live");
    let id = log_incident(&a, &what);

    // B: no key pressed, the row arrives
    let started = Instant::now();
    let number = format!("#{id} ");
    b.wait_for("the other console's incident", WAIT, |t| {
        some_line_has(t, &[&number, "P1", &what])
    });
    let took = started.elapsed();
    eprintln!("live sync: console B showed #{id} {took:?} after A showed it");
    assert!(
        took < Duration::from_secs(5),
        "another console's commit should show within about a second (polls every 200 ms), took {took:?}"
    );

    // A opens it and stays on the detail view
    open_incident(&a, id);

    // B finds it on the board, opens it and adds a note
    filter_to(&b, &what);
    b.send(ENTER);
    b.wait_for("B's detail", WAIT, |t| {
        t.contains(&format!("Incident #{id} ")) && t.contains("Timeline")
    });
    b.send("a");
    b.wait_text(&format!("Note on incident #{id}"));
    let note = unique("note");
    b.send(&note);
    b.wait_for("the note typed", WAIT, |t| {
        some_line_has(t, &["Note", &note])
    });
    b.send(ENTER);
    b.wait_for("the note saved in B's timeline", WAIT, |t| {
        t.contains(&format!("note added to #{id}"))
            && !t.contains(&format!("Note on incident #{id}"))
            && some_line_has(t, &["Priya Shah", &note])
    });

    // A: no key pressed, the note arrives in the open detail, with its author
    a.wait_for("the other console's note in A's detail", WAIT, |t| {
        t.contains(&format!("Incident #{id} ")) && some_line_has(t, &["Priya Shah", &note])
    });
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

/// SIGTERM and SIGHUP close the console and give the terminal back.
#[test]
fn signals_close_the_console_and_restore_the_terminal() {
    let place = Place::new();
    for (sig, name) in [(libc::SIGTERM, "SIGTERM"), (libc::SIGHUP, "SIGHUP")] {
        let mut c = place.demo(name, 100, 30, &[]);
        c.wait_board();
        assert!(c.screen().alternate_screen());
        // SAFETY: kill(2) on our own child, which has not been reaped
        let rc = unsafe { libc::kill(c.pid(), sig) };
        assert_eq!(rc, 0, "kill {name}");
        let status = c.wait_exit();
        assert!(
            status.code().is_some(),
            "{name}: the console closes itself rather than dying of the signal: {status:?}"
        );
        c.assert_restored();
        // the sign-out is recorded, and the shift is left running for whoever is next
        let (action, detail) = last_operator_record(&place);
        assert_eq!(
            (action.as_str(), detail.as_str()),
            ("sign-out", format!("{name}; shift left running").as_str())
        );
        assert_eq!(open_shifts(&place), 1, "{name}: the shift is still open");
    }
    // the store is intact afterwards: a new console opens it
    let c = place.demo("after", 100, 30, &[]);
    c.wait_board();
}

/// The newest audit record about an operator: (action, detail).
fn last_operator_record(place: &Place) -> (String, String) {
    store(place)
        .query_row(
            "SELECT action, detail FROM audit WHERE entity = 'operator' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an operator's audit record")
}

fn open_shifts(place: &Place) -> i64 {
    store(place)
        .query_row(
            "SELECT COUNT(*) FROM shifts WHERE ended_at IS NULL",
            [],
            |r| r.get(0),
        )
        .expect("count the open shifts")
}

/// `q` with the shift open asks (end it, leave it running, stay); leaving it
/// running quits with 0, restores the terminal, and the audit trail holds
/// the sign-out, as the README says.
#[test]
fn q_asks_about_the_shift_and_leaving_it_running_signs_out_and_exits() {
    let place = Place::new();
    let mut c = place.demo("console", 100, 30, &[]);
    c.wait_board();
    c.send("q");
    c.wait_for("the shift's question with its three choices", WAIT, |t| {
        t.contains(QUIT_QUESTION)
            && some_line_has(t, &["e ", "end the shift"])
            && some_line_has(t, &["l ", "leave the shift running for the next operator"])
            && some_line_has(t, &["Esc", "stay"])
    });
    // Esc stays, still signed in
    c.send(ESC);
    c.wait_gone(QUIT_QUESTION);
    assert!(c.running(), "Esc does not quit");
    c.wait_board();

    c.send("q");
    c.wait_text(QUIT_QUESTION);
    c.send("l");
    let status = c.wait_exit();
    assert!(status.success(), "exits with 0, got {status:?}");
    c.assert_restored();
    let (action, detail) = last_operator_record(&place);
    assert_eq!(
        (action.as_str(), detail.as_str()),
        ("sign-out", "quit; shift left running")
    );
    assert_eq!(open_shifts(&place), 1, "the shift is still open");
}

/// `q`, then ending the shift: the handover is reviewed, Enter saves it and
/// the console quits; the shift is ended and its sign-out recorded once.
#[test]
fn q_then_ending_the_shift_saves_the_handover_and_exits() {
    let place = Place::new();
    let mut c = place.demo("console", 120, 34, &[]);
    c.wait_board();
    c.send("q");
    c.wait_text(QUIT_QUESTION);
    c.send("e");
    c.wait_for("the handover to review", WAIT, |t| {
        t.contains("Enter save it and quit") && t.contains("# Handover")
    });
    c.send(ENTER);
    let status = c.wait_exit();
    assert!(status.success(), "exits with 0, got {status:?}");
    c.assert_restored();
    assert_eq!(open_shifts(&place), 0, "the shift ended");
    let sign_outs: i64 = store(&place)
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'sign-out'",
            [],
            |r| r.get(0),
        )
        .expect("count the sign-outs");
    assert_eq!(sign_outs, 1);
    assert_eq!(
        last_operator_record(&place),
        ("sign-out".to_string(), "shift ended".to_string())
    );
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
    let mut c = place.demo("console", 120, 30, &[]);
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

/// Two consoles edit the same incident: the second save is refused, the
/// form stays open with what was typed, and the store keeps the first; both
/// changed what happened, so saving again shows both and asks which to keep.
#[test]
fn a_stale_save_from_another_console_is_refused() {
    let place = Place::new();
    let a = place.demo("Alex", 120, 30, &[]);
    a.wait_board();
    let b = place.demo("Priya", 120, 30, &["--as", "Priya Shah"]);
    b.wait_board();

    let what = unique("stale");
    let id = log_incident(&a, &what);
    b.wait_text(&what);

    // both open the edit form on the same version
    let edit = format!("Edit incident #{id}");
    a.send(ENTER);
    a.wait_for("A's detail", WAIT, |t| {
        t.contains(&format!("Incident #{id} ")) && t.contains("Timeline")
    });
    a.send("e");
    a.wait_text(&edit);
    filter_to(&b, &what);
    b.send("e");
    b.wait_text(&edit);

    let from_a = unique("alpha");
    let from_b = unique("beta");
    for (c, text) in [(&a, &from_a), (&b, &from_b)] {
        // Type → Priority → Where → What happened; Ctrl-U clears the field
        c.send(TAB);
        c.send(TAB);
        c.send(TAB);
        c.send(CTRL_U);
        c.send(text);
        c.wait_for("the new text alone in What happened", WAIT, |t| {
            line_with(t, "What happened")
                .is_some_and(|l| l.contains(text.as_str()) && !l.contains(&what))
        });
    }

    a.send(CTRL_S);
    a.wait_for("A's save", WAIT, |t| {
        t.contains(&format!("incident #{id} saved")) && !t.contains(&edit)
    });

    b.send(CTRL_S);
    b.wait_for(
        "B's save refused, the form still open with B's text",
        WAIT,
        |t| {
            some_line_has(t, &["changed by Alex Morgan"])
                && t.contains(&edit)
                && some_line_has(t, &["What happened", &from_b])
        },
    );

    let summary: String = store(&place)
        .query_row("SELECT summary FROM incidents WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("the incident");
    assert_eq!(summary, from_a, "the store keeps A's save");

    b.send(CTRL_S);
    b.wait_for("the question, with A's text in it", WAIT, |t| {
        some_line_has(t, &["keep Alex Morgan's", &from_a])
    });
    b.send("y");
    b.wait_for("B's save, kept over A's", WAIT, |t| {
        t.contains(&format!("incident #{id} saved")) && !t.contains(&edit)
    });
    let summary: String = store(&place)
        .query_row("SELECT summary FROM incidents WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("the incident");
    assert_eq!(summary, from_b, "B chose to keep theirs");
}

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

/// Two consoles started at the same moment on a store that does not exist
/// yet (a control room's start-up script): both must open it.
#[test]
fn two_consoles_starting_together_on_a_new_store_both_open_it() {
    for demo in [false, true] {
        let place = Place::new();
        let db = place.db();
        let db = db.to_str().expect("utf-8 path");
        let args = |name: &'static str| -> Vec<&str> {
            let mut v = vec!["--db", db, "--as", name];
            if demo {
                v.insert(0, "demo");
            }
            v
        };
        let a = place.spawn("Alex", 100, 30, &args("Alex Morgan"));
        let b = place.spawn("Priya", 100, 30, &args("Priya Shah"));
        for c in [&a, &b] {
            // a plain new store asks for its first manager; the demo signs straight in
            c.wait_for("the board, or the new store's first sign-in", WAIT, |t| {
                (t.contains(BOARD) && bottom_line(t).contains("store ● ok"))
                    || (!demo && t.contains("watchroom — a new store"))
            });
        }
    }
}

/// The CCTV desk across two consoles: a sighting typed on A of a person with
/// an exclusion in force raises a breach hit; B, untouched, announces it (a
/// toast, the bell, one more hit waiting), and accepts it; A's hits pane then
/// shows B's decision without a key press.
#[test]
fn a_sighting_on_one_console_raises_a_live_hit_on_the_other() {
    let place = Place::new();
    // let the demo make the store, then quit
    let mut setup = place.demo("setup", 120, 34, &[]);
    setup.wait_board();
    setup.quit_leaving_shift();
    assert!(setup.wait_exit().success());
    drop(setup);

    let who = "Zebedee Quill";
    let offender = put_excluded_person(&place, who);

    let a = place.demo("Alex", 120, 34, &[]);
    let b = place.demo("Priya", 120, 34, &["--as", "Priya Shah"]);
    a.wait_for("A's board", WAIT, |t| {
        t.contains(BOARD)
            && bottom_line(t).contains("Alex Morgan")
            && bottom_line(t).contains("store ● ok")
    });
    let text = b.wait_for("B's board with its hits count", WAIT, |t| {
        t.contains(BOARD)
            && bottom_line(t).contains("Priya Shah")
            && bottom_line(t).contains("store ● ok")
            && hits_waiting(t).is_some()
    });
    let before = hits_waiting(&text).expect("hits N");

    // A: the sighting as a CCTV operator types it
    let mut keys = 0;
    let press = |k: &str, keys: &mut usize| {
        a.send(k);
        *keys += 1;
    };
    press("S", &mut keys);
    a.wait_for("the sighting form", WAIT, |t| {
        t.contains("Sighting") && some_line_has(t, &["▶", "Who"])
    });
    a.send("quil");
    a.wait_for("the person suggested under Who", WAIT, |t| {
        some_line_has(t, &["Who", "quil"]) && t.contains(who)
    });
    press(ENTER, &mut keys);
    a.wait_for("the person taken, the next field focused", WAIT, |t| {
        some_line_has(t, &["Who", who]) && some_line_has(t, &["▶", "Camera"])
    });
    let mark = b.raw_len();
    press(CTRL_S, &mut keys);
    let saved = Instant::now();
    assert!(
        keys < 10,
        "a sighting should take fewer than 10 keys besides the name, took {keys}"
    );

    // B: no key pressed, the breach is announced
    let toast = format!("BREACH: {who} seen at");
    b.wait_for("the breach announced on B", WAIT, |t| t.contains(&toast));
    let took = saved.elapsed();
    eprintln!("live hit: console B announced the breach {took:?} after A's save");
    assert!(
        took < Duration::from_secs(5),
        "another console's hit should show within about a second (polls every 200 ms), took {took:?}"
    );
    b.wait_for("one more hit waiting on B's status bar", WAIT, |t| {
        hits_waiting(t) == Some(before + 1)
    });
    b.wait_raw("the bell on B", mark, WAIT, |raw| raw.contains(&0x07));

    // A: the hit said at once, loudly
    let hit_said = format!("HIT: {who}");
    a.wait_for("the hit on A's message line", WAIT, |t| {
        let m = message_line(t).trim_start();
        m.starts_with(&hit_said) && m.contains("BREACH") && !t.contains("Tab next")
    });
    // A watches its hits pane from now on
    a.send("2");
    a.wait_for("A's hits pane with the new hit", WAIT, |t| {
        t.contains("Hits — ") && some_line_has(t, &[who, "BREACH", "new"])
    });

    // B: the hits pane; walk down to Zebedee's row
    b.send("2");
    let waiting = format!("Hits — {} waiting", before + 1);
    b.wait_for("B's hits pane", WAIT, |t| {
        t.contains(&waiting) && some_line_has(t, &[who, "new"])
    });
    let pick = |prev: Option<&str>| -> String {
        let row = std::cell::RefCell::new(None);
        b.wait_screen("a (new) selected row in B's hits", WAIT, |s| {
            let r = selected_row(s, "detail / outcome");
            let ok = r.is_some() && r.as_deref() != prev;
            *row.borrow_mut() = r;
            ok
        });
        row.into_inner().expect("a selected row")
    };
    let mut row = pick(None);
    for _ in 0..20 {
        if row.contains(who) {
            break;
        }
        b.send("j");
        row = pick(Some(&row));
    }
    assert!(row.contains(who), "never selected {who}'s row: {row}");
    assert!(row.contains("new"), "{who}'s hit is waiting: {row}");
    let hit = row_number(&row).unwrap_or_else(|| panic!("a hit number in {row:?}"));

    // accept it: the first action is "radio warned"
    b.send("a");
    b.wait_for("the accept form for that hit", WAIT, |t| {
        t.contains(&format!("Accept hit {hit} — {who}"))
            && some_line_has(t, &["Action", "radio warned"])
    });
    b.send(CTRL_S);
    let number = format!("│{hit} ");
    b.wait_for("the hit accepted on B", WAIT, |t| {
        !t.contains("Accept hit")
            && some_line_has(t, &[&number, who, "accepted", "Priya Shah — radio warned"])
    });

    // A: no key pressed, B's decision arrives in the open hits pane
    a.wait_for("B's decision in A's hits pane", WAIT, |t| {
        some_line_has(t, &[&number, who, "accepted", "Priya Shah — radio warned"])
    });

    // and the store has it as decided by Priya
    let conn = store(&place);
    let priya: i64 = conn
        .query_row(
            "SELECT id FROM operators WHERE name = 'Priya Shah'",
            [],
            |r| r.get(0),
        )
        .expect("Priya is an operator");
    let (status, decided_by, action, of): (String, Option<i64>, Option<String>, i64) = conn
        .query_row(
            "SELECT status, decided_by, action_taken, offender_id FROM hits WHERE id = ?1",
            [hit],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("the hit is in the store");
    assert_eq!(
        (status.as_str(), decided_by, action.as_deref(), of),
        ("accepted", Some(priya), Some("radio warned"), offender)
    );
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

// ----- roll-calls -----------------------------------------------------------

/// How many stations the roll-call tests call.
const STATIONS: usize = 60;

/// The roll-call roster (as `Store::roll_call_roster` picks it): every radio
/// issued to an active member.
const ROSTER: &str = "FROM radios r JOIN members m ON m.id = r.member_id \
     JOIN zones z ON z.id = m.zone_id WHERE r.status = 'issued' AND m.status = 'active'";

/// One station as the roll-call froze it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Station {
    call: String,
    member: String,
    zone: String,
}

/// Let the demo make the store, then make the roster exactly 60 stations:
/// new shops in the first zone, each with a radio `ZZ01`, `ZZ02`, …
fn store_with_sixty_stations(place: &Place) {
    let mut setup = place.demo("setup", 120, 40, &[]);
    setup.wait_board();
    setup.quit_leaving_shift();
    assert!(setup.wait_exit().success());
    drop(setup);

    let conn = store(place);
    let on_roster = |conn: &rusqlite::Connection| -> usize {
        let n: i64 = conn
            .query_row(&format!("SELECT COUNT(*) {ROSTER}"), [], |r| r.get(0))
            .expect("count the roster");
        usize::try_from(n).expect("a count")
    };
    let have = on_roster(&conn);
    if have > STATIONS {
        // a bigger demo: put the newest radios aside as spares
        conn.execute(
            &format!(
                "UPDATE radios SET status = 'spare' WHERE id IN (SELECT r.id {ROSTER} ORDER BY r.id DESC LIMIT ?1)"
            ),
            [(have - STATIONS) as i64],
        )
        .expect("set radios aside");
    }
    let zone: i64 = conn
        .query_row("SELECT MIN(id) FROM zones", [], |r| r.get(0))
        .expect("a zone");
    for n in 1..=STATIONS.saturating_sub(have) {
        conn.execute(
            "INSERT INTO members (name, kind, zone_id, status) VALUES (?1, 'shop', ?2, 'active')",
            rusqlite::params![format!("E2E Shop {n:02}"), zone],
        )
        .expect("add a member");
        let member = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO radios (call_sign, serial, member_id, status) VALUES (?1, ?2, ?3, 'issued')",
            rusqlite::params![format!("ZZ{n:02}"), format!("E2E-{n:04}"), member],
        )
        .expect("issue a radio");
    }
    assert_eq!(
        on_roster(&conn),
        STATIONS,
        "the roster is {STATIONS} stations"
    );
    assert_eq!(
        unfinished_roll_calls(&conn),
        0,
        "the demo leaves no roll-call open"
    );
}

fn unfinished_roll_calls(conn: &rusqlite::Connection) -> i64 {
    conn.query_row(
        "SELECT COUNT(*) FROM roll_calls WHERE finished_at IS NULL",
        [],
        |r| r.get(0),
    )
    .expect("count open roll-calls")
}

fn roll_call_count(conn: &rusqlite::Connection) -> i64 {
    conn.query_row("SELECT COUNT(*) FROM roll_calls", [], |r| r.get(0))
        .expect("count roll-calls")
}

/// The newest roll-call's id.
fn newest_roll_call(conn: &rusqlite::Connection) -> i64 {
    conn.query_row("SELECT MAX(id) FROM roll_calls", [], |r| r.get(0))
        .expect("a roll-call")
}

/// Roll-call `id`'s roster as frozen when it began, in calling order; checked
/// against the roster as it stands (zone name, then call sign).
fn frozen_roster(conn: &rusqlite::Connection, id: i64) -> Vec<Station> {
    let read = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> Vec<Station> {
        let mut st = conn.prepare(sql).expect("prepare");
        st.query_map(args, |r| {
            Ok(Station {
                call: r.get(0)?,
                member: r.get(1)?,
                zone: r.get(2)?,
            })
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    };
    let frozen = read(
        "SELECT call_sign, member, zone FROM roll_call_stations WHERE roll_call_id = ?1 ORDER BY seq",
        &[&id],
    );
    let roster = read(
        &format!("SELECT r.call_sign, m.name, z.name {ROSTER} ORDER BY z.name, r.call_sign"),
        &[],
    );
    assert_eq!(frozen, roster, "the roll-call calls the roster in order");
    assert_eq!(frozen.len(), STATIONS);
    frozen
}

/// The answer typed for station `i` (from 0) the first time it is called:
/// now and then nothing heard, a weak one, a shop closed; most loud and clear.
fn first_key(i: usize) -> char {
    if i % 7 == 3 {
        'n'
    } else if i % 11 == 5 {
        '2'
    } else if i % 13 == 8 {
        'c'
    } else {
        '5'
    }
}

/// The answer typed for the `j`th station called again: heard (4), or
/// silent again.
fn recall_key(j: usize) -> char {
    if j.is_multiple_of(2) {
        '4'
    } else {
        'n'
    }
}

/// What a roll-call adds up to, worked out from the keys typed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    answered: usize,
    nothing_heard: usize,
    weak: usize,
    closed: usize,
    late: usize,
}

impl Tally {
    /// After `first` (one key per station, in calling order, maybe not all
    /// yet) and `recall` (one key per station called again, in order).
    fn of(first: &[char], recall: &[char]) -> Tally {
        let mut t = Tally::default();
        let mut queued = 0;
        for &key in first {
            let (key, late) = if key == 'n' {
                let again = recall.get(queued).copied();
                queued += 1;
                // heard on the re-call counts as late; silent again stays nothing heard
                again.map_or(('n', false), |a| (a, a != 'n'))
            } else {
                (key, false)
            };
            match key {
                '1'..='5' => {
                    t.answered += 1;
                    if key <= '2' {
                        t.weak += 1;
                    }
                }
                'n' => t.nothing_heard += 1,
                'c' => t.closed += 1,
                other => panic!("{other:?} is not an answer key these tests type"),
            }
            if late {
                t.late += 1;
            }
        }
        t
    }

    /// The running count in the roll-call's box, as words.
    fn in_box(&self) -> String {
        format!(
            "answered {} of {STATIONS} nothing heard {} · weak {} · relayed 0 · closed {} · late {}",
            self.answered, self.nothing_heard, self.weak, self.closed, self.late
        )
    }

    /// The message line once the roll-call is saved.
    fn saved_message(&self) -> String {
        format!(
            "roll-call saved: {} of {STATIONS} answered, {} nothing heard, {} weak, 0 relayed",
            self.answered, self.nothing_heard, self.weak
        )
    }

    /// The pane's line once the roll-call is saved.
    fn saved_line(&self) -> String {
        format!(
            "Saved: {} of {STATIONS} answered · {} nothing heard · {} weak · 0 relayed · {} closed · {} late",
            self.answered, self.nothing_heard, self.weak, self.closed, self.late
        )
    }
}

/// `s` as single-spaced words.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Row `row` of the screen from column `from` to the end, one char per cell.
fn cells_from(screen: &vt100::Screen, row: u16, from: u16) -> String {
    let (_, cols) = screen.size();
    (from..cols.get())
        .map(|c| {
            screen
                .cell(row, c)
                .map(|cell| cell.contents())
                .filter(|s| !s.is_empty())
                .unwrap_or(" ")
        })
        .collect()
}

/// The roll-call's box (right of the roster) as single-spaced words, from
/// its heading ("Now calling", "Calling again" or "All stations in") down
/// to its bottom border, so a line the box wrapped reads as one.
fn call_box(screen: &vt100::Screen) -> Option<String> {
    const HEADINGS: [&str; 3] = ["Now calling (", "Calling again (", "All stations in"];
    let (rows, cols) = screen.size();
    let (top, col) = (0..rows.get()).find_map(|row| {
        (1..cols.get()).find_map(|col| {
            let first = screen.cell(row, col)?.contents();
            HEADINGS
                .iter()
                .any(|h| h.starts_with(first) && !first.is_empty())
                .then(|| cells_from(screen, row, col))
                .filter(|rest| HEADINGS.iter().any(|h| rest.starts_with(h)))
                .map(|_| (row, col))
        })
    })?;
    let mut text = String::new();
    for row in top..rows.get() {
        if screen
            .cell(row, col - 1)
            .is_some_and(|c| c.contents() == "└")
        {
            return Some(words(&text));
        }
        text.push(' ');
        text.push_str(&cells_from(screen, row, col).replace('│', " "));
    }
    None
}

/// What the roll-call's box should say after `first` and `recall`: who is
/// being called (or that all are in), the running count, and who is left
/// to call again.
fn expected_box(stations: &[Station], first: &[char], recall: &[char]) -> (String, String) {
    let queue: Vec<usize> = (0..first.len()).filter(|&i| first[i] == 'n').collect();
    let calling = |heading: &str, i: usize| {
        let s = &stations[i];
        words(&format!(
            "{heading} ({} of {STATIONS}) {} {} · {}",
            i + 1,
            s.call,
            s.member,
            s.zone
        ))
    };
    let heading = if first.len() < STATIONS {
        calling("Now calling", first.len())
    } else if let Some(&i) = queue.get(recall.len()) {
        calling("Calling again", i)
    } else {
        "All stations in".to_string()
    };
    let left: Vec<&str> = queue
        .iter()
        .skip(recall.len())
        .map(|&i| stations[i].call.as_str())
        .collect();
    let mut tail = Tally::of(first, recall).in_box();
    if !left.is_empty() {
        tail.push_str(&format!(" to call again: {}", left.join(" ")));
    }
    (heading, tail)
}

/// Wait until the roll-call's box says what `expected_box` works out.
fn wait_for_box(c: &Console, stations: &[Station], first: &[char], recall: &[char]) -> String {
    let (heading, tail) = expected_box(stations, first, recall);
    let what = format!("the roll-call box to begin {heading:?} and to say {tail:?}");
    let got = std::cell::RefCell::new(String::new());
    c.wait_screen(&what, WAIT, |s| {
        let b = call_box(s).unwrap_or_default();
        let ok = b.starts_with(&heading) && b.contains(&tail);
        *got.borrow_mut() = b;
        ok
    });
    got.into_inner()
}

/// Answer stations `from..to` with `first_key`, a few keys to a write,
/// checking the box after each batch; every key sent is counted in `keys`.
fn answer_stations(
    c: &Console,
    stations: &[Station],
    first: &mut Vec<char>,
    to: usize,
    keys: &mut usize,
) {
    while first.len() < to {
        let batch: Vec<char> = (first.len()..to.min(first.len() + 5))
            .map(first_key)
            .collect();
        c.send(&batch.iter().collect::<String>());
        *keys += batch.len();
        first.extend(batch);
        wait_for_box(c, stations, first, &[]);
    }
}

/// Answer every station called again with `recall_key`, a few keys to a
/// write; every key sent is counted in `keys`.
fn answer_recalls(
    c: &Console,
    stations: &[Station],
    first: &[char],
    recall: &mut Vec<char>,
    keys: &mut usize,
) {
    let queued = first.iter().filter(|&&k| k == 'n').count();
    while recall.len() < queued {
        let batch: Vec<char> = (recall.len()..queued.min(recall.len() + 3))
            .map(recall_key)
            .collect();
        c.send(&batch.iter().collect::<String>());
        *keys += batch.len();
        recall.extend(batch);
        wait_for_box(c, stations, first, recall);
    }
}

/// Enter on a finished roll-call saves it: the message line and the pane
/// say the outcome, and the store has the same figures and one answer per
/// station.
fn save_and_check(c: &Console, place: &Place, id: i64, want: Tally) {
    c.wait_for("the message that every station is in", WAIT, |t| {
        message_line(t).contains(&format!(
            "all stations in: {} of {STATIONS} answered",
            want.answered
        ))
    });
    c.send(ENTER);
    let message = want.saved_message();
    let line = want.saved_line();
    c.wait_for(&format!("{message:?} and {line:?}"), WAIT, |t| {
        message_line(t).contains(&message) && t.contains(&line) && !t.contains("Now calling")
    });

    let conn = store(place);
    assert_eq!(newest_roll_call(&conn), id, "no other roll-call was begun");
    assert_eq!(unfinished_roll_calls(&conn), 0, "the roll-call is finished");
    type Row = (Option<i64>, i64, i64, i64, i64, i64, i64, i64, i64);
    let row: Row = conn
        .query_row(
            "SELECT finished_at, practice, expected, answered, nothing_heard, weak, closed, late, relays \
             FROM roll_calls WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            },
        )
        .expect("the saved roll-call");
    assert!(row.0.is_some(), "finished_at is set: {row:?}");
    let n = |v: usize| v as i64;
    assert_eq!(
        (row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8),
        (
            0,
            n(STATIONS),
            n(want.answered),
            n(want.nothing_heard),
            n(want.weak),
            n(want.closed),
            n(want.late),
            0
        ),
        "(practice, expected, answered, nothing heard, weak, closed, late, relays) of roll-call {id}"
    );
    let (answers, late, weak, closed, nothing): (i64, i64, i64, i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), SUM(late), SUM(readability <= 2), SUM(answer = 'closed'), SUM(answer = 'nothing') \
             FROM roll_call_answers WHERE roll_call_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("the answers");
    assert_eq!(
        (answers, late, weak, closed, nothing),
        (
            n(STATIONS),
            n(want.late),
            n(want.weak),
            n(want.closed),
            n(want.nothing_heard)
        ),
        "(answers, late, weak, closed, nothing heard) in roll_call_answers"
    );
}

/// A console for the roll-call tests. Its config turns off the repeated
/// alert for the demo's unacknowledged hit: the alert's desktop notice fails
/// here (no session bus), and the console's warning about that arrives a
/// moment later and takes the message line from whatever it was saying.
fn roll_call_console(place: &Place, name: &str) -> Console {
    roll_call_console_as(place, name, &[])
}

/// The same, signed in as someone else (`--as NAME`) if `who` says so.
fn roll_call_console_as(place: &Place, name: &str, who: &[&str]) -> Console {
    let config = place.path("roll-call.toml");
    std::fs::write(
        &config,
        "hit_escalate_after_minutes = 5000000\ntimezone = \"Europe/London\"\n",
    )
    .expect("write the config");
    let config = config.to_str().expect("utf-8 path").to_string();
    let mut args = vec!["--config", config.as_str()];
    args.extend_from_slice(who);
    place.demo(name, 120, 40, &args)
}

/// Start tonight's roll-call from the radio pane; returns its id and roster.
fn start_roll_call(c: &Console, place: &Place) -> (i64, Vec<Station>) {
    c.wait_board();
    c.send("5");
    c.wait_for("the radio pane's roll-call view", WAIT, |t| {
        t.contains(" roll-call ") && t.contains("starts tonight's roll-call")
    });
    c.send("R");
    let started = |t: &str| {
        message_line(t).contains(&format!("roll-call started: {STATIONS} stations"))
            && t.contains(&format!("Now calling (1 of {STATIONS})"))
    };
    let asked = "Start another?";
    let t = c.wait_for("the roll-call started, or a question", WAIT, |t| {
        started(t) || t.contains(asked)
    });
    if t.contains(asked) {
        // run in the small hours, the demo's roll-call of the evening before
        // is tonight's, and a second one asks first
        c.send("y");
    }
    c.wait_for("the roll-call started", WAIT, started);
    let conn = store(place);
    let id = newest_roll_call(&conn);
    assert_eq!(unfinished_roll_calls(&conn), 1, "one roll-call is open");
    (id, frozen_roster(&conn, id))
}

/// Sixty stations called with one key each, then one key for each station
/// called again; Enter saves. The keys are counted, and the summary on the
/// screen and in the store is the one worked out from the keys.
#[test]
fn a_sixty_station_roll_call_takes_one_key_per_station() {
    let place = Place::new();
    store_with_sixty_stations(&place);
    let before = roll_call_count(&store(&place));

    let c = roll_call_console(&place, "coordinator");
    let (id, stations) = start_roll_call(&c, &place);
    wait_for_box(&c, &stations, &[], &[]);

    let started = Instant::now();
    let mut keys = 0;
    let mut first = Vec::new();
    answer_stations(&c, &stations, &mut first, STATIONS, &mut keys);
    let queued = first.iter().filter(|&&k| k == 'n').count();
    assert!(queued > 0, "the pattern leaves stations to call again");
    c.wait_screen("the box to say Calling again", WAIT, |s| {
        call_box(s).is_some_and(|b| b.starts_with("Calling again ("))
    });
    let mut recall = Vec::new();
    answer_recalls(&c, &stations, &first, &mut recall, &mut keys);
    wait_for_box(&c, &stations, &first, &recall);
    let took = started.elapsed();
    eprintln!("roll-call: {STATIONS} stations and {queued} re-calls in {keys} keys, {took:?}");

    assert_eq!(
        keys,
        STATIONS + queued,
        "one key per station plus one per station called again"
    );
    let steps: i64 = store(&place)
        .query_row(
            "SELECT COUNT(*) FROM roll_call_steps WHERE roll_call_id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("count steps");
    assert_eq!(steps, keys as i64, "each key is kept as one step");

    let want = Tally::of(&first, &recall);
    // the pattern's figures, worked out by hand once: a check on `Tally` itself
    assert_eq!(
        want,
        Tally {
            answered: 52,
            nothing_heard: 4,
            weak: 4,
            closed: 4,
            late: 5
        }
    );
    save_and_check(&c, &place, id, want);
    assert_eq!(
        roll_call_count(&store(&place)),
        before + 1,
        "one roll-call was added"
    );
}

/// A console closed (SIGTERM) part way through a roll-call: started again,
/// it shows the same station being called, R carries on with the same
/// roll-call, and the saved summary counts the answers of both sessions.
#[test]
fn an_interrupted_roll_call_carries_on_where_it_stopped() {
    let place = Place::new();
    store_with_sixty_stations(&place);
    let before = roll_call_count(&store(&place));

    let mut c = roll_call_console(&place, "first session");
    let (id, stations) = start_roll_call(&c, &place);
    let mut keys = 0;
    let mut first = Vec::new();
    answer_stations(&c, &stations, &mut first, 19, &mut keys);
    // a slip on the twentieth station, taken back with u, then the right answer
    let slip = if first_key(19) == '3' { '4' } else { '3' };
    c.send(&slip.to_string());
    let mut slipped = first.clone();
    slipped.push(slip);
    wait_for_box(&c, &stations, &slipped, &[]);
    c.send("u");
    wait_for_box(&c, &stations, &first, &[]);
    answer_stations(&c, &stations, &mut first, 20, &mut keys);
    answer_stations(&c, &stations, &mut first, 23, &mut keys);
    let shown = wait_for_box(&c, &stations, &first, &[]);

    // closed mid-call: every step on the screen is already kept
    // SAFETY: kill(2) on our own child, which has not been reaped
    let rc = unsafe { libc::kill(c.pid(), libc::SIGTERM) };
    assert_eq!(rc, 0, "kill SIGTERM");
    let status = c.wait_exit();
    assert!(
        status.code().is_some(),
        "the console closes itself on SIGTERM: {status:?}"
    );
    c.assert_restored();
    drop(c);
    let conn = store(&place);
    assert_eq!(
        unfinished_roll_calls(&conn),
        1,
        "the roll-call is still open"
    );
    let steps: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM roll_call_steps WHERE roll_call_id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("count steps");
    assert_eq!(steps, 23 + 2, "23 answers, the slip and its undo");
    let started_at: i64 = conn
        .query_row(
            "SELECT started_at FROM roll_calls WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("the open roll-call");
    drop(conn);

    // started again: the radio pane shows the same station being called
    let c = roll_call_console(&place, "second session");
    c.wait_board();
    c.send("5");
    let again = wait_for_box(&c, &stations, &first, &[]);
    let (heading, _) = expected_box(&stations, &first, &[]);
    assert!(
        shown.starts_with(&heading) && again.starts_with(&heading),
        "the same station before ({shown:?}) and after ({again:?})"
    );

    // R carries on with it rather than beginning another
    let begun = chrono::DateTime::from_timestamp(started_at, 0)
        .expect("a time")
        // the console's time zone (its config)
        .with_timezone(&chrono_tz::Europe::London)
        .format("%H:%M")
        .to_string();
    c.send("R");
    let carrying_on = format!("carrying on with the roll-call begun at {begun}");
    c.wait_for(&format!("{carrying_on:?}"), WAIT, |t| {
        message_line(t).contains(&carrying_on)
    });
    wait_for_box(&c, &stations, &first, &[]);

    answer_stations(&c, &stations, &mut first, STATIONS, &mut keys);
    let mut recall = Vec::new();
    answer_recalls(&c, &stations, &first, &mut recall, &mut keys);
    let queued = first.iter().filter(|&&k| k == 'n').count();
    assert_eq!(keys, STATIONS + queued, "one key per station and re-call");

    let conn = store(&place);
    assert_eq!(
        unfinished_roll_calls(&conn),
        1,
        "one roll-call open before saving"
    );
    assert_eq!(newest_roll_call(&conn), id, "the same roll-call");
    drop(conn);
    save_and_check(&c, &place, id, Tally::of(&first, &recall));
    assert_eq!(
        roll_call_count(&store(&place)),
        before + 1,
        "one roll-call was added across both sessions"
    );
}

/// Two coordinators at two real consoles on one roll-call, taking turns a
/// few stations at a time: each console shows the other's steps, and who
/// is being called, without a key pressed; neither ever shows a store
/// error; the one that takes the last answer saves it, the other shows it
/// saved; the store has each answer once.
#[test]
fn two_consoles_share_one_roll_call_live() {
    let place = Place::new();
    store_with_sixty_stations(&place);
    let before = roll_call_count(&store(&place));

    let a = roll_call_console(&place, "coordinator A");
    a.wait_board();
    let b = roll_call_console_as(&place, "coordinator B", &["--as", "Tom Baxter"]);
    b.wait_for("B's board", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("Tom Baxter")
    });
    b.send("5");
    b.wait_for("B's radio pane with no roll-call", WAIT, |t| {
        t.contains("starts tonight's roll-call")
    });

    // A begins; B, on the radio pane, shows it without a key
    let (id, stations) = start_roll_call(&a, &place);
    wait_for_box(&b, &stations, &[], &[]);

    // A answers the first station; B shows the step and who is called now
    let mut first = vec![first_key(0)];
    a.send(&first_key(0).to_string());
    wait_for_box(&a, &stations, &first, &[]);
    wait_for_box(&b, &stations, &first, &[]);
    // B answers the next; A shows it
    first.push(first_key(1));
    b.send(&first_key(1).to_string());
    wait_for_box(&b, &stations, &first, &[]);
    wait_for_box(&a, &stations, &first, &[]);

    // the rest in turns of a few keys, each console waiting for the other
    let consoles = [&a, &b];
    let mut keys = first.len();
    let mut turn = 0;
    while first.len() < STATIONS {
        let batch: Vec<char> = (first.len()..STATIONS.min(first.len() + 4))
            .map(first_key)
            .collect();
        consoles[turn % 2].send(&batch.iter().collect::<String>());
        keys += batch.len();
        first.extend(batch);
        for c in consoles {
            wait_for_box(c, &stations, &first, &[]);
        }
        turn += 1;
    }
    let queued = first.iter().filter(|&&k| k == 'n').count();
    let mut recall = Vec::new();
    while recall.len() < queued {
        let batch: Vec<char> = (recall.len()..queued.min(recall.len() + 2))
            .map(recall_key)
            .collect();
        consoles[turn % 2].send(&batch.iter().collect::<String>());
        keys += batch.len();
        recall.extend(batch);
        for c in consoles {
            wait_for_box(c, &stations, &first, &recall);
        }
        turn += 1;
    }
    let (last, other) = (consoles[(turn + 1) % 2], consoles[turn % 2]);
    let steps: i64 = store(&place)
        .query_row(
            "SELECT COUNT(*) FROM roll_call_steps WHERE roll_call_id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("count steps");
    assert_eq!(
        steps, keys as i64,
        "each key kept as one step, on whichever console"
    );

    // the console that took the last answer saves it; the other shows it saved
    let want = Tally::of(&first, &recall);
    save_and_check(last, &place, id, want);
    let saver = if std::ptr::eq(last, &a) {
        "Alex Morgan"
    } else {
        "Tom Baxter"
    };
    let line = want.saved_line();
    other.wait_for("the roll-call saved at the other console", WAIT, |t| {
        message_line(t).contains(&format!("the roll-call was saved by {saver} at "))
            && t.contains(&line)
            && !t.contains("Now calling")
    });
    assert_eq!(
        roll_call_count(&store(&place)),
        before + 1,
        "one roll-call between the two consoles"
    );
    for c in consoles {
        let raw = String::from_utf8_lossy(&c.raw()).into_owned();
        for never in ["store error", "UNIQUE", "constraint"] {
            assert!(!raw.contains(never), "[{}] showed {never:?}", c.name);
        }
    }
}

/// Signing in with a wrong PIN and then the right one; locking with a key and
/// unlocking; nothing personal shows while locked.
#[test]
fn sign_in_wrong_then_right_pin_then_lock_and_unlock() {
    let place = Place::new();
    // the demo store has one operator per role, with the PINs the README lists
    let mut setup = place.demo("setup", 100, 30, &[]);
    setup.wait_board();
    setup.quit_leaving_shift();
    assert!(setup.wait_exit().success());
    drop(setup);
    let db = place.db();
    let db = db.to_str().expect("utf-8 path");
    // logging everything it may: still no key, so no PIN, reaches the log
    let debug = [("WATCHROOM_LOG".to_string(), "trace".to_string())].into();
    let c = place.spawn_with("console", 100, 30, &["--db", db], &debug);
    c.wait_for("the sign-in screen", WAIT, |t| {
        t.contains("watchroom — sign in") && !t.contains(BOARD)
    });
    c.send("Priya Shah\t9999\r");
    c.wait_for("a wrong PIN refused", WAIT, |t| {
        t.contains("wrong PIN (4 more tries") && !t.contains(BOARD)
    });
    c.send("2345\r");
    c.wait_for("the board for Priya", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("Priya Shah (cctv)")
    });
    // Ctrl-L locks: the board and every name go
    c.send("\x0c");
    let locked = c.wait_for("the lock screen", WAIT, |t| {
        t.contains("watchroom — locked") && !t.contains(BOARD)
    });
    assert!(
        !locked.contains("Two females"),
        "no incident text while locked"
    );
    c.send("2345\r");
    c.wait_for("the board again", WAIT, |t| {
        t.contains(BOARD) && bottom_line(t).contains("Priya Shah")
    });
    let conn = rusqlite::Connection::open(place.db()).expect("store");
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit WHERE entity = 'operator' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let tail: Vec<&str> = actions
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(tail, ["sign-in failed", "sign-in", "sign-out", "sign-in"]);
    let log = std::fs::read_to_string(place.path("watchroom.log")).expect("the log");
    assert!(log.contains("event=\"key\""), "keys were seen:\n{log}");
    for typed in ["Char(", "code:", "Priya Shah\t"] {
        assert!(!log.contains(typed), "{typed:?} is in the log:\n{log}");
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
