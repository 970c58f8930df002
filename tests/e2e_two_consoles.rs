//! End to end, two consoles on one store (the real binary in pseudo-terminals,
//! harness in `tests/pty`): each sees the other's incidents live, a stale save
//! is refused, both open a new store started together, and a sighting on one
//! raises a live hit on the other.

mod e2e_common;
mod pty;

use e2e_common::*;
use pty::*;
use std::time::{Duration, Instant};

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
    // B, the CCTV desk, opens on its overview
    let text = b.wait_for("B's overview with its hits count", WAIT, |t| {
        t.contains("Hits waiting · ")
            && t.contains("Live incidents · ")
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
    // the hit in B's overview, its section counting one more
    let counted = format!("Hits waiting · {} ", before + 1);
    b.wait_for("the hit in B's overview", WAIT, |t| {
        t.contains(&counted) && some_line_has(t, &[who, "BREACH"])
    });

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

    // B: Enter on the overview's hit opens the hits pane on it
    b.send(ENTER);
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

/// A console is woken by the store's files changing, not by its poll: with
/// the poll set to ten minutes, another console's incident arrives at once,
/// and the log says which way the console is woken. A console with
/// notification turned off, on the same long poll, has not seen it.
#[test]
fn a_commit_wakes_the_other_console_without_waiting_for_the_poll() {
    let place = Place::new();
    let a = place.demo("Alex", 120, 30, &[]);
    a.wait_board();
    let long_poll = place.path("long-poll.toml");
    std::fs::write(&long_poll, "[sync]\npoll_ms = 600000\n").expect("write the config");
    let poll_only = place.path("poll-only.toml");
    std::fs::write(&poll_only, "[sync]\nnotify = false\npoll_ms = 600000\n")
        .expect("write the config");
    let started = |name: &str, config: &std::path::Path| {
        let c = place.demo(
            name,
            120,
            30,
            &["--as", "Priya Shah", "--config", config.to_str().unwrap()],
        );
        c.wait_for("the console's board", WAIT, |t| {
            t.contains(BOARD) && bottom_line(t).contains("Priya Shah")
        });
        c
    };
    let woken = started("woken", &long_poll);
    let polled = started("polled", &poll_only);
    let log = std::fs::read_to_string(place.path("watchroom.log")).unwrap_or_default();
    assert!(
        log.contains(
            "woken by file-system notification of writes to the store, with a poll every 600000 ms"
        ),
        "the log says the console is woken by notification:\n{log}"
    );
    assert!(
        log.contains("polling the store every 600000 ms (file-system notification is turned off in the config)"),
        "the log says the other console polls:\n{log}"
    );

    let what = unique("woken");
    let id = log_incident(&a, &what);
    let number = format!("#{id} ");
    let shown = Instant::now();
    woken.wait_for("the other console's incident", WAIT, |t| {
        some_line_has(t, &[&number, "P1", &what])
    });
    eprintln!("woken: #{id} shown {:?} after A showed it", shown.elapsed());
    // the poll-only console has had as long again, and its poll is ten minutes away
    std::thread::sleep(shown.elapsed().max(Duration::from_millis(500)));
    assert!(
        !text_of(&polled.screen()).contains(&what),
        "a console on a ten-minute poll with no notification cannot have seen it yet"
    );
}
