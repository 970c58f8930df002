//! Hits: how fast a sighting is saved with its hit decision, and how long a
//! breach committed on one console takes to be drawn on another.
//!
//! 1. **save**: on a demo store (a file on disk, in a temporary folder under
//!    `target/bench-stores` or `$WATCHROOM_BENCH_DIR`), one person under an
//!    all-zones exclusion in force and one with no sanction. Each round saves
//!    a sighting of an excluded person (a breach raised every time: each round
//!    a person of their own, since a second sighting of someone whose hit
//!    still waits is counted on that hit instead), one of
//!    the other (no hit), and, as the floor, a bare `INSERT INTO sightings` in
//!    its own transaction on a raw connection to the same file (same pragmas:
//!    WAL, `synchronous = NORMAL`, foreign keys on). Target: under 2 ms.
//! 2. **across consoles**: console A (a `Store` on its own thread) records a
//!    breach at random intervals of 50–400 ms (SplitMix64, fixed seed), so they
//!    never line up with the poll; console B (an `App` on a second connection,
//!    on the incident board, 120×40) is woken by the console's own watcher
//!    (`store::watch::spawn` every `WATCH_EVERY`) through a channel, handles
//!    `Event::StoreChanged`, draws a frame, and checks the hit is in
//!    `app.hits.rows`, its toast in `app.toasts` and both the toast and the
//!    waiting count on the screen. Latency: from the instant A's
//!    `record_sighting` returned (the commit is its last step) to the end of
//!    B's frame showing the hit. Target: p99 under 500 ms. Floor: the wait for
//!    the next poll (uniform over the interval: ~100 ms median, ~198 ms p99)
//!    plus B's processing, also timed separately without the watcher.
//!
//! `cargo bench --bench hits` for figures (2,000 saves of each kind, 100 hits);
//! `cargo bench --bench hits -- --test` checks the same things quickly (20
//! saves, 5 hits). Targets are reported, not asserted; correctness is.

mod common;

use common::town::*;

use chrono::Utc;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rusqlite::{params, Connection, TransactionBehavior};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};
use watchroom::app::runtime::WATCH_EVERY;
use watchroom::app::{App, Event};
use watchroom::domain::exclusion::Finding;
use watchroom::domain::sighting::{HitKind, HitStatus};
use watchroom::store::demo::Rng;
use watchroom::store::sightings::HitRules;
use watchroom::store::watch;
use watchroom::ui::Themes;

const SAVE_TARGET: Duration = Duration::from_millis(2);
const ACROSS_TARGET: Duration = Duration::from_millis(500);
const SEED: u64 = 0x4849_5453;

/// How much to do: (saves of each kind, warm-up saves of each kind, hits across consoles).
fn sizes() -> (usize, usize, usize) {
    if common::test_mode() {
        (20, 5, 5)
    } else {
        (2_000, 200, 100)
    }
}

// ----- figures ------------------------------------------------------------------

// ----- 1. saving a sighting with its hit decision -------------------------------

fn saves(dir: &Path) {
    let (n, warmup, _) = sizes();
    let path = dir.join("saves.db");
    let mut t = town(&path);
    let rules = HitRules::default();

    let mut raw = Connection::open(&path).expect("a raw connection to the store");
    raw.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    raw.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
        .expect("the store's pragmas");
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert!(mode.eq_ignore_ascii_case("wal"), "the store is in WAL mode");

    let sightings_before: i64 = raw
        .query_row("SELECT COUNT(*) FROM sightings", [], |r| r.get(0))
        .expect("count sightings");
    let people = excluded_people(&mut t, warmup + n);
    let mut rng = Rng::new(SEED);
    let (mut breach, mut none, mut bare) = (vec![], vec![], vec![]);
    for (i, excluded) in people.iter().enumerate() {
        let keep = i >= warmup;
        let camera = rng.pick(&t.cameras).clone();

        let new = sighting(*excluded, &camera);
        let now = Utc::now();
        let started = Instant::now();
        let out = t
            .store
            .record_sighting(&new, &rules, t.operator, now)
            .expect("save a sighting of the excluded person");
        let took = started.elapsed();
        assert_eq!(out.hits.len(), 1, "a breach is raised every time");
        assert!(
            out.findings
                .iter()
                .any(|f| matches!(f, Finding::Breach { .. })),
            "the finding is a breach: {:?}",
            out.findings
        );
        if keep {
            breach.push(took);
        }

        let new = sighting(t.unsanctioned, &camera);
        let now = Utc::now();
        let started = Instant::now();
        let out = t
            .store
            .record_sighting(&new, &rules, t.operator, now)
            .expect("save a sighting of the unsanctioned person");
        let took = started.elapsed();
        assert!(out.hits.is_empty(), "no sanction, no marker: no hit");
        if keep {
            none.push(took);
        }

        let now = Utc::now().timestamp();
        let started = Instant::now();
        let tx = raw
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .expect("begin");
        tx.prepare_cached(
            "INSERT INTO sightings (at, camera_id, zone_id, location, offender_id, description, note, incident_id, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .expect("prepare the bare insert")
        .execute(params![
            now,
            camera.id,
            camera.zone_id,
            "",
            t.unsanctioned,
            "",
            "walking towards the market",
            None::<i64>,
            t.operator,
            now
        ])
        .expect("bare insert");
        tx.commit().expect("commit");
        let took = started.elapsed();
        if keep {
            bare.push(took);
        }
    }

    // Every save is in the file, and every breach has its hit.
    let rounds = (warmup + n) as i64;
    let sightings: i64 = raw
        .query_row("SELECT COUNT(*) FROM sightings", [], |r| r.get(0))
        .expect("count sightings");
    assert_eq!(sightings - sightings_before, 3 * rounds);
    let breaches: i64 = raw
        .query_row(
            "SELECT COUNT(*) FROM hits h JOIN offenders o ON o.id = h.offender_id
             WHERE o.name LIKE ?1 AND h.kind = 'breach' AND h.status = 'new'",
            [format!("{EXCLUDED} %")],
            |r| r.get(0),
        )
        .expect("count breaches");
    assert_eq!(
        breaches, rounds,
        "one breach per sighting of an excluded person"
    );
    let others: i64 = raw
        .query_row(
            "SELECT COUNT(*) FROM hits WHERE offender_id = ?1",
            [t.unsanctioned],
            |r| r.get(0),
        )
        .expect("count hits");
    assert_eq!(others, 0, "no hit on the unsanctioned person");

    let (breach, none, bare) = (stats(breach), stats(none), stats(bare));
    println!("\n1. saving a sighting with its hit decision ({n} of each, after {warmup} warm-up, interleaved)");
    line("record_sighting, breach raised", &breach);
    line("record_sighting, no hit", &none);
    line("floor: bare INSERT INTO sightings + commit", &bare);
    println!(
        "  target: under {} per save: breach p99 {} ({}), no-hit p99 {} ({})",
        ms(SAVE_TARGET),
        ms(breach.p99),
        verdict(breach.p99, SAVE_TARGET),
        ms(none.p99),
        verdict(none.p99, SAVE_TARGET)
    );
}

// ----- 2. commit on one console to the hit drawn on another ----------------------

/// A breach A committed: its hit and the instant `record_sighting` returned.
struct Commit {
    hit: i64,
    committed: Instant,
}

/// When B first drew a hit.
struct Seen {
    drawn: Instant,
    /// When B's watcher saw the change that woke it for that frame.
    noticed: Instant,
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    let buf = terminal.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

/// B's console, as the binary builds it, on the incident board at 120×40.
fn console_b(path: &Path, themes: &Themes) -> App {
    live_console(path, "Priya Shah", themes)
}

/// B's checks on a frame that shows `fresh` new hits: each a breach on the
/// excluded person, announced by a toast, with the waiting count on screen.
fn check_frame(app: &App, terminal: &Terminal<TestBackend>, fresh: &[i64], waiting: i64) {
    for id in fresh {
        let row = app
            .hits
            .rows
            .iter()
            .find(|h| h.id == *id)
            .expect("the hit is in the hits list");
        assert_eq!(row.kind, HitKind::Breach, "hit {id} is a breach");
        assert_eq!(row.status, HitStatus::New, "hit {id} waits for an operator");
        assert!(row.offender.starts_with(EXCLUDED), "{}", row.offender);
    }
    let toast = format!("BREACH: {EXCLUDED} ");
    let announced = app
        .toasts
        .iter()
        .rev()
        .take(fresh.len().min(3))
        .filter(|t| t.text.starts_with(&toast) && t.text.contains(" seen at "))
        .count();
    assert_eq!(
        announced,
        fresh.len().min(3),
        "each new hit has its toast: {:?}",
        app.toasts.iter().map(|t| &t.text).collect::<Vec<_>>()
    );
    assert_eq!(app.hits.unacknowledged, waiting);
    let shown = screen(terminal);
    assert!(shown.contains(&toast), "the toast is drawn:\n{shown}");
    assert!(
        shown.contains(&format!("hits {waiting} ")),
        "the status bar shows {waiting} hits waiting:\n{shown}"
    );
}

fn across(dir: &Path, themes: &Themes) {
    let (_, _, n) = sizes();
    let path = dir.join("consoles.db");
    let mut t = town(&path);
    // a person each, for A's breaches and then the direct ones
    let mut people_a = excluded_people(&mut t, 2 * n);
    let people_direct = people_a.split_off(n);
    let rules = HitRules::default();

    let mut app = console_b(&path, themes);
    let mut terminal = common::terminal();
    common::draw(&mut terminal, &app, themes);
    let known: HashSet<i64> = app.hits.rows.iter().map(|h| h.id).collect();
    let waiting_before = app.hits.unacknowledged;

    // The console's own watcher, on its own read-only connection.
    let (notice_tx, notices) = mpsc::channel::<Instant>();
    let watched = watchroom::store::Store::open(&path).expect("open the store");
    let poll_only = watch::WatchSettings {
        poll: WATCH_EVERY,
        notify: false,
    };
    let _watcher = watch::spawn(&watched, poll_only, move |notice| {
        notice != watch::Notice::Changed || notice_tx.send(Instant::now()).is_ok()
    })
    .expect("start the store watcher");

    // Console A: breaches at random intervals.
    let (commit_tx, commits) = mpsc::channel::<Commit>();
    let a = thread::spawn(move || {
        let Town {
            mut store,
            operator,
            cameras,
            ..
        } = t;
        let rules = HitRules::default();
        let mut rng = Rng::new(SEED ^ 0xA);
        for excluded in people_a {
            thread::sleep(Duration::from_millis(50 + rng.below(351)));
            let new = sighting(excluded, rng.pick(&cameras));
            let out = store
                .record_sighting(&new, &rules, operator, Utc::now())
                .expect("console A saves a sighting");
            let committed = Instant::now();
            assert_eq!(out.hits.len(), 1, "console A raised a breach");
            commit_tx
                .send(Commit {
                    hit: out.hits[0],
                    committed,
                })
                .expect("console B is listening");
        }
        (store, operator, cameras)
    });

    // Console B's loop, as the runtime's: wait, apply every waiting notice, draw once.
    let deadline = Instant::now() + Duration::from_millis(400 * n as u64) + Duration::from_secs(10);
    let mut seen: HashMap<i64, Seen> = HashMap::new();
    let mut processing = vec![];
    let mut frames = 0usize;
    while seen.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "console B saw only {} of {n} hits",
            seen.len()
        );
        let mut noticed = match notices.recv_timeout(left.min(Duration::from_secs(1))) {
            Ok(t) => t,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the store watcher stopped"),
        };
        let received = Instant::now();
        while let Ok(t) = notices.try_recv() {
            noticed = t;
        }
        app.handle_event(Event::StoreChanged);
        common::draw(&mut terminal, &app, themes);
        let drawn = Instant::now();
        app.dirty = false;
        app.bell = false;
        app.notices.clear(); // the runtime hands these to the desktop
        frames += 1;
        processing.push(drawn - received);
        let fresh: Vec<i64> = app
            .hits
            .rows
            .iter()
            .map(|h| h.id)
            .filter(|id| !known.contains(id) && !seen.contains_key(id))
            .collect();
        if fresh.is_empty() {
            continue;
        }
        check_frame(
            &app,
            &terminal,
            &fresh,
            waiting_before + (seen.len() + fresh.len()) as i64,
        );
        for id in fresh {
            seen.insert(id, Seen { drawn, noticed });
        }
    }
    let (mut store_a, operator, cameras) = a.join().expect("console A finished");
    let commits: Vec<Commit> = commits.try_iter().collect();
    assert_eq!(commits.len(), n, "console A committed {n} breaches");
    assert_eq!(seen.len(), n, "console B drew exactly A's hits");

    let (mut latency, mut wait, mut late) = (vec![], vec![], 0);
    for c in &commits {
        let s = seen
            .get(&c.hit)
            .unwrap_or_else(|| panic!("console B never drew hit {}", c.hit));
        // B can read the commit in the instant between it and A's clock read.
        if s.drawn < c.committed {
            late += 1;
        }
        latency.push(s.drawn.saturating_duration_since(c.committed));
        wait.push(s.noticed.saturating_duration_since(c.committed));
    }

    // B's processing, timed apart: A commits, B applies it and draws at once.
    drop(notices);
    let mut direct = vec![];
    for excluded in people_direct {
        let out = store_a
            .record_sighting(
                &sighting(excluded, &cameras[0]),
                &rules,
                operator,
                Utc::now(),
            )
            .expect("console A saves a sighting");
        let started = Instant::now();
        app.handle_event(Event::StoreChanged);
        common::draw(&mut terminal, &app, themes);
        direct.push(started.elapsed());
        app.notices.clear();
        assert!(
            app.hits.rows.iter().any(|h| h.id == out.hits[0]),
            "console B has the hit"
        );
    }

    let (latency, wait, processing, direct) = (
        stats(latency),
        stats(wait),
        stats(processing),
        stats(direct),
    );
    let poll = WATCH_EVERY;
    println!(
        "\n2. commit on console A to the hit drawn on console B ({n} hits, A every 50–400 ms, poll every {})",
        ms(poll)
    );
    line("commit → B's frame with the hit", &latency);
    line("  of which: commit → watcher noticed", &wait);
    line("  of which: notice → frame drawn (in loop)", &processing);
    line("floor: B's StoreChanged + frame, apart", &direct);
    println!("  frames drawn: {frames}; hits drawn before A read its clock after commit: {late}");
    println!(
        "  floor: median ≈ {} (half the poll) + {} = {}; p99 ≈ {} (99% of the poll) + {} = {}",
        ms(poll / 2),
        ms(direct.median),
        ms(poll / 2 + direct.median),
        ms(poll.mul_f64(0.99)),
        ms(direct.p99),
        ms(poll.mul_f64(0.99) + direct.p99)
    );
    println!(
        "  target: p99 under {}: p99 {} ({})",
        ms(ACROSS_TARGET),
        ms(latency.p99),
        verdict(latency.p99, ACROSS_TARGET)
    );
}

fn main() {
    let dir = common::bench_dir();
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let tmp = tempfile::Builder::new()
        .prefix("hits-")
        .tempdir_in(&dir)
        .expect("a temporary folder for the bench stores");
    let themes = common::themes();
    println!(
        "hits bench{} (stores in {})",
        if common::test_mode() { " --test" } else { "" },
        tmp.path().display()
    );
    saves(tmp.path());
    across(tmp.path(), &themes);
}
