//! End to end, roll-calls (the real binary in pseudo-terminals, harness in
//! `tests/pty`): sixty stations at one key each, an interrupted roll-call
//! carried on where it stopped, and two consoles sharing one live.

mod e2e_common;
mod pty;

use e2e_common::*;
use pty::*;
use std::time::Instant;

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
            "answered {} of {STATIONS} nothing heard {} · weak {} · relayed 0 · closed {} · late {} · corrected 0",
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
    // a coordinator opens on the overview, the radio its first section
    b.wait_for("B's overview", WAIT, |t| {
        t.contains("Radio · ")
            && t.contains("Hits waiting")
            && bottom_line(t).contains("Tom Baxter")
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
