//! The roll-call on a store with ten years of nightly roll-calls for 500
//! radios (3,650 nights), on a 120×40 test terminal with the clock standing at
//! 2026-11-27 12:00 UTC.
//!
//! - `rollcall/answer_5`: **an answer key to the next frame** (target under
//!   2 ms): the console on the Radio pane (`5`), a roll-call started (`R`) and
//!   half the roster already answered; one press of `5` (loud and clear: the
//!   step applied and kept in `roll_call_steps`) and the frame after it. The
//!   roll-call never finishes: after each timed press, `u` (undo) and its frame
//!   are done untimed. `rollcall/undo_u` is the same the other way round.
//! - floors: `floor_redraw` (the same roll-call frame drawn again, no key),
//!   `floor_bare_insert` (one `roll_call_steps` row in its own immediate
//!   transaction on a bare rusqlite connection to the same file, with the
//!   store's pragmas: WAL, `synchronous = NORMAL`, foreign keys on) and
//!   `store_record_step` (the same row through `Store::record_roll_call_step`).
//! - `rollcall/inventory_v`: `v` from the roll-call to the inventory view
//!   (every radio with its marks and flag over the last 10 roll-calls, its
//!   90-day sparkline with relays and nothing-heard counted and the 3-of-5
//!   flag, coverage by zone with each zone's twelve weeks and trend, the
//!   latest roll-calls, the day's log) and the frame after it, all drawn
//!   from the last reading.
//! - `rollcall/inventory_read`: that reading, the store worker's whole job
//!   (`work::radio_health`: four queries and the nights summed up), beside
//!   its queries alone: `store_recent_answers`, `store_coverage_by_zone`,
//!   `store_radio_nights` (the 90 nights' answers, each given its night) and
//!   `store_zone_weeks` (the twelve weeks per zone on their own: the nights
//!   read again, with each radio's zone); and
//!   `floor_bare_90_nights`, the 90 nights' answers stepped through on a
//!   bare connection, nothing made of them.
//! - `past/open_enter`: Enter on the newest saved roll-call in the list of
//!   every night, to the frame showing it station by station (Esc back
//!   untimed); `past/first_night_G`: `G` to the first night of the ten years
//!   and its frame; beside `store_past_roll_call` (the store's read of it)
//!   and `bare_answers` (its answers on a bare connection).
//! - `resume/open_roll_call`: `Store::open_roll_call()` rebuilding a roll-call
//!   of the whole roster (about 500 stations) from 400 kept steps.
//!
//! The store is made once by the same code as
//! `watchroom generate --incidents 1000 --radios 500 --nights 3650` into
//! `target/bench-stores/rollcall-500x3650.db` (or `$WATCHROOM_BENCH_DIR`) and
//! reused; each run works on a copy in a temporary folder beside it, so the
//! kept store never gains a roll-call. Delete the file to make it again.
//!
//! `cargo bench --bench rollcall -- --quick --noplot` for figures;
//! `cargo bench --bench rollcall -- --test` checks every benchmark runs once,
//! on a small store (50 radios × 30 nights).

mod common;

use common::{draw, now, press, terminal, themes, HEIGHT, NOW, WIDTH};
use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::crossterm::event::KeyCode;
use rusqlite::{params, Connection, TransactionBehavior};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use watchroom::app::radio::{RadioView, HEALTH_WINDOW};
use watchroom::app::work::radio_health;
use watchroom::app::{Action, App, Pane};
use watchroom::domain::rollcall::{Answer, RollCall, Step};
use watchroom::store::{demo, Store};
use watchroom::ui::Themes;

/// Incidents in the generated store (as in the command above).
const INCIDENTS: u64 = 1_000;
/// Steps kept for the resume benchmark.
const RESUME_STEPS: usize = 400;

/// (radios, nights): ten years for 500 radios; 50 × 30 in `--test` mode.
fn size() -> (usize, usize) {
    if common::test_mode() {
        (50, 30)
    } else {
        (500, 3650)
    }
}

/// The kept store, generated (once) if missing or made for another schema.
fn source_store() -> &'static Path {
    static STORE: OnceLock<PathBuf> = OnceLock::new();
    STORE.get_or_init(|| {
        let (radios, nights) = size();
        let path = common::bench_dir().join(format!("rollcall-{radios}x{nights}.db"));
        match schema_of(&path) {
            Ok(v) if v == watchroom::store::SCHEMA_VERSION => {}
            Ok(v) => {
                eprintln!(
                    "bench: {} has schema version {v}, this build {}: generating it again",
                    path.display(),
                    watchroom::store::SCHEMA_VERSION
                );
                generate(radios, nights, &path);
            }
            Err(_) => generate(radios, nights, &path),
        }
        path
    })
}

/// The schema version in a store's header (`PRAGMA user_version`, bytes
/// 60..64), read without opening it as a database.
fn schema_of(path: &Path) -> std::io::Result<i64> {
    let mut header = [0u8; 64];
    std::fs::File::open(path)?.read_exact(&mut header)?;
    Ok(i32::from_be_bytes([header[60], header[61], header[62], header[63]]) as i64)
}

fn remove_with_companions(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// What `watchroom generate --incidents 1000 --radios R --nights N` does, into
/// a private temporary name renamed into place when complete.
fn generate(radios: usize, nights: usize, path: &Path) {
    let dir = path.parent().expect("a store path has a folder");
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let partial = PathBuf::from(format!("{}.partial-{}", path.display(), std::process::id()));
    remove_with_companions(&partial);
    let started = Instant::now();
    eprintln!(
        "bench: generating {} (demo town + {INCIDENTS} incidents + {radios} radios × {nights} nights of roll-calls, now = {NOW}) …",
        path.display()
    );
    // add_bulk_roll_calls is one transaction with no progress of its own
    let done = Arc::new(AtomicBool::new(false));
    let ticker = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut last = Instant::now();
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if last.elapsed() >= Duration::from_secs(5) {
                    eprintln!(
                        "bench:   … still generating ({:.0} s)",
                        started.elapsed().as_secs_f64()
                    );
                    last = Instant::now();
                }
            }
        })
    };
    {
        let mut store = Store::open(&partial).expect("open the new bench store");
        let now = now();
        demo::build_demo(&mut store, now).expect("build the demo town");
        demo::add_bulk_incidents(&mut store, INCIDENTS, now, |_| {}).expect("add the incidents");
        eprintln!(
            "bench:   demo town and {INCIDENTS} incidents ({:.1} s); roll-calls next",
            started.elapsed().as_secs_f64()
        );
        demo::add_bulk_roll_calls(&mut store, radios, nights, now).expect("add the roll-calls");
    }
    done.store(true, Ordering::Relaxed);
    ticker.join().expect("the progress thread");
    // the last connection to close checkpoints the WAL; make sure of it
    if Path::new(&format!("{}-wal", partial.display())).exists() {
        let conn = Connection::open(&partial).expect("reopen the new bench store");
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("checkpoint the new bench store");
    }
    remove_with_companions(path);
    std::fs::rename(&partial, path).expect("move the new bench store into place");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
    }
    eprintln!(
        "bench: generated {} in {:.1} s ({:.0} MiB)",
        path.display(),
        started.elapsed().as_secs_f64(),
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1_048_576.0
    );
}

/// A copy of the kept store in a temporary folder beside it, removed (with
/// its WAL companions) when dropped.
struct WorkingCopy {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl WorkingCopy {
    fn new() -> WorkingCopy {
        let source = source_store();
        let dir = tempfile::Builder::new()
            .prefix("rollcall-work-")
            .tempdir_in(common::bench_dir())
            .expect("a temporary folder for the working copy");
        // a console left open on the kept store may hold pages in its WAL
        let wal = PathBuf::from(format!("{}-wal", source.display()));
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            Connection::open(source)
                .and_then(|c| c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())))
                .expect("checkpoint the kept store");
        }
        let path = dir.path().join("watchroom.db");
        std::fs::copy(source, &path).expect("copy the bench store");
        WorkingCopy { _dir: dir, path }
    }
}

fn rollcall(app: &App) -> &RollCall {
    &app.radio
        .rollcall
        .as_ref()
        .expect("a roll-call on screen")
        .rollcall
}

/// The console on the Radio pane with a roll-call started and half the roster
/// answered (mostly loud and clear, some weaker, silent or closed).
fn console_mid_roll_call(path: &Path, themes: &Themes) -> App {
    let mut app = common::open_app(path, themes);
    app.update(Action::Resize(WIDTH, HEIGHT));
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.pane, Pane::Radio);
    assert!(
        app.radio.rollcall.is_none(),
        "no roll-call open in the copy"
    );
    press(&mut app, KeyCode::Char('R'));
    let stations = rollcall(&app).stations.len();
    assert!(stations >= 20, "the roster has {stations} stations");
    for i in 0..stations / 2 {
        let k = match i % 10 {
            3 => 'n',
            6 => '4',
            8 => '3',
            9 => 'c',
            _ => '5',
        };
        press(&mut app, KeyCode::Char(k));
    }
    assert!(!rollcall(&app).is_finished());
    app
}

fn roll_call_keys(c: &mut Criterion) {
    let themes = themes();
    let work = WorkingCopy::new();
    let mut app = console_mid_roll_call(&work.path, &themes);
    let mut term = terminal();
    draw(&mut term, &app, &themes);
    let stations = rollcall(&app).stations.len();
    let at = rollcall(&app).current().expect("a station being called");
    let five = KeyCode::Char('5');
    let undo = KeyCode::Char('u');
    // what is timed does what it should
    press(&mut app, five);
    assert_eq!(rollcall(&app).current(), Some(at + 1));
    assert_eq!(
        rollcall(&app).entry(at).map(|e| &e.answer),
        Some(&Answer::Heard(5))
    );
    press(&mut app, undo);
    assert_eq!(rollcall(&app).current(), Some(at));
    assert!(rollcall(&app).entry(at).is_none());
    draw(&mut term, &app, &themes);
    eprintln!(
        "bench: roll-call of {stations} stations, calling station {} of {stations}",
        at + 1
    );

    let mut g = c.benchmark_group("rollcall");

    // the answer key and its frame; undo (and its frame) untimed
    g.bench_function("answer_5", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                press(&mut app, five);
                draw(&mut term, &app, &themes);
                total += t.elapsed();
                press(&mut app, undo);
                draw(&mut term, &app, &themes);
            }
            total
        })
    });
    assert_eq!(rollcall(&app).current(), Some(at), "back where it was");

    // undo and its frame; the answer (and its frame) untimed
    g.bench_function("undo_u", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                press(&mut app, five);
                draw(&mut term, &app, &themes);
                let t = Instant::now();
                press(&mut app, undo);
                draw(&mut term, &app, &themes);
                total += t.elapsed();
            }
            total
        })
    });
    assert_eq!(rollcall(&app).current(), Some(at), "back where it was");
    assert!(!rollcall(&app).is_finished());

    // floor: the same roll-call frame drawn again, no key
    g.bench_function("floor_redraw", |b| {
        b.iter(|| draw(&mut term, &app, &themes))
    });

    // floor: one roll_call_steps row on a bare connection, under a practice
    // roll-call of its own (finished, so it is in no figure and not resumed)
    let conn = Connection::open(&work.path).expect("a bare connection");
    conn.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;",
    )
    .expect("the store's pragmas");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
    let t = now().timestamp();
    conn.execute(
        "INSERT INTO roll_calls (started_at, finished_at, practice, started_by, expected) VALUES (?1, ?1, 1, ?2, 0)",
        params![t - 3600, app.operator.id],
    )
    .expect("a roll-call for the bare rows");
    let floor_id = conn.last_insert_rowid();
    let mut seq: i64 = 0;
    let mut conn = conn;
    g.bench_function("floor_bare_insert", |b| {
        b.iter(|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .expect("begin");
            tx.prepare_cached(
                "INSERT INTO roll_call_steps (roll_call_id, seq, at, step) VALUES (?1, ?2, ?3, ?4)",
            )
            .expect("prepare")
            .execute(params![floor_id, seq, t, "answer|heard:5"])
            .expect("insert");
            tx.commit().expect("commit");
            seq += 1;
        })
    });

    // the same row through the store (its transaction and error handling);
    // the store keeps steps only for an open roll-call, so the floor's is
    // reopened for it and closed again after
    let reopen = |conn: &Connection, finished: Option<i64>| {
        conn.execute(
            "UPDATE roll_calls SET finished_at = ?1 WHERE id = ?2",
            params![finished, floor_id],
        )
        .expect("reopen or close the floor's roll-call");
    };
    reopen(&conn, None);
    let mut store = Store::open(&work.path).expect("a second store connection");
    let step = Step::Answer(Answer::Heard(5));
    let mut seq = seq as usize;
    let operator = app.operator.id;
    g.bench_function("store_record_step", |b| {
        b.iter(|| {
            store
                .record_roll_call_step(floor_id, seq, &step, operator, now())
                .expect("record a step");
            seq += 1;
        })
    });
    reopen(&conn, Some(t));
    drop(store);
    drop(conn);

    // v: the inventory with health marks and coverage; back to the roll-call untimed
    let v = KeyCode::Char('v');
    press(&mut app, v);
    assert_eq!(app.radio.view, RadioView::Inventory);
    // the marks and coverage are read on the store worker: in once here,
    // then kept; the timed `v` below queues the next reading and is not
    // kept waiting for it (the reading is `store_recent_answers` and
    // `store_coverage_by_zone`)
    let mut worker = watchroom::store::Store::open(&work.path).expect("open the bench store");
    common::settle(&mut app, &mut worker);
    let (radios, _) = size();
    assert_eq!(app.radio.radios.len(), radios, "every radio listed");
    let marked = app
        .radio
        .radios
        .iter()
        .filter(|h| (1..=HEALTH_WINDOW).contains(&h.marks.len()))
        .count();
    assert!(marked > radios / 2, "{marked} radios with recent marks");
    assert!(!app.radio.coverage.is_empty(), "coverage by zone");
    // the test store's 30 nights fill the last cells only, and too few
    // weeks for a trend
    let years = size().1 >= 365;
    let sparked = app
        .radio
        .radios
        .iter()
        .filter(|h| match years {
            true => h.nights.cells.iter().all(Option::is_some),
            false => h.nights.cells.last().is_some_and(Option::is_some),
        })
        .count();
    assert!(
        sparked > radios / 2,
        "{sparked} radios with their sparkline"
    );
    assert!(!app.radio.zones.is_empty(), "the zones' weeks");
    assert!(
        !years || app.radio.zones.iter().all(|z| z.trend.is_some()),
        "every zone's trend"
    );
    press(&mut app, v);
    press(&mut app, v);
    assert_eq!(app.radio.view, RadioView::RollCall);
    draw(&mut term, &app, &themes);
    g.bench_function("inventory_v", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                press(&mut app, v);
                draw(&mut term, &app, &themes);
                total += t.elapsed();
                press(&mut app, v);
                press(&mut app, v);
                draw(&mut term, &app, &themes);
            }
            total
        })
    });
    assert_eq!(app.radio.view, RadioView::RollCall);
    assert_eq!(rollcall(&app).current(), Some(at));

    // the two history queries behind the inventory's marks and coverage, on
    // a connection of their own (the console's is its own business)
    let store = watchroom::store::Store::open(&work.path).expect("open the bench store");
    let (at, tz) = (now(), app.tz);
    let read = radio_health(&store, HEALTH_WINDOW, at, tz).expect("the worker's reading");
    assert_eq!(read.nights.len(), app.radio.nights.len());
    g.bench_function("inventory_read", |b| {
        b.iter(|| radio_health(&store, HEALTH_WINDOW, at, tz).expect("the worker's reading"))
    });
    g.bench_function("store_recent_answers", |b| {
        b.iter(|| store.recent_answers(HEALTH_WINDOW).expect("recent answers"))
    });
    g.bench_function("store_coverage_by_zone", |b| {
        b.iter(|| store.coverage_by_zone(HEALTH_WINDOW).expect("coverage"))
    });
    g.bench_function("store_radio_nights", |b| {
        b.iter(|| store.radio_nights(at, tz).expect("the 90 nights"))
    });
    g.bench_function("store_zone_weeks", |b| {
        b.iter(|| store.zone_weeks(at, tz).expect("the zones' weeks"))
    });
    // floor: the same rows as `radio_nights` on a bare connection, each
    // stepped through and nothing made of it
    let bare = Connection::open(&work.path).expect("a bare connection");
    let since = (at - chrono::Duration::days(91)).timestamp();
    let mut st = bare
        .prepare(
            "SELECT a.radio_id, r.started_at, a.answer FROM roll_calls r
             JOIN roll_call_answers a ON a.roll_call_id = r.id
             WHERE r.started_at >= ?1 AND r.practice = 0 AND r.finished_at IS NOT NULL AND r.voided_at IS NULL
             ORDER BY r.started_at, r.id",
        )
        .expect("prepare");
    let rows = st
        .query_map([since], |r| r.get::<_, i64>(0))
        .expect("query")
        .count();
    eprintln!("bench: the 90 nights hold {rows} answers");
    g.bench_function("floor_bare_90_nights", |b| {
        b.iter(|| {
            let mut rows = st.query([since]).expect("query");
            let mut n = 0usize;
            while let Some(r) = rows.next().expect("a row") {
                let _: (i64, i64, String) =
                    (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap());
                n += 1;
            }
            n
        })
    });
    g.finish();
    drop(app);
}

/// `count` steps as a coordinator might take them (mostly answers, some
/// silent, late check-ins and undos), never finishing the roll-call.
fn steps_for(stations: &[watchroom::domain::rollcall::Station], count: usize) -> RollCall {
    let mut r = RollCall::new(stations.to_vec());
    let mut i = 0usize;
    while r.steps.len() < count {
        let candidate = match i % 20 {
            4 | 13 => Step::Answer(Answer::NothingHeard),
            7 => Step::Answer(Answer::Heard(3)),
            9 | 18 => Step::Undo,
            11 => Step::Answer(Answer::ClosedToday),
            15 => {
                // a station further down calls in out of turn
                let ahead = (r.current().unwrap_or(0) + 7) % stations.len();
                Step::Late {
                    call_sign: stations[ahead].call_sign.clone(),
                    answer: Answer::Heard(4),
                }
            }
            _ => Step::Answer(Answer::Heard(5)),
        };
        i += 1;
        // a refused step changes nothing; one that would finish is taken back
        if r.apply(candidate).is_ok() && r.is_finished() {
            r.apply(Step::Undo).expect("undo");
        }
    }
    r
}

fn resume(c: &mut Criterion) {
    let work = WorkingCopy::new();
    let mut store = Store::open(&work.path).expect("open the working copy");
    let op = store
        .operator_or_add(demo::DEMO_OPERATOR, "operator", now())
        .expect("the demo operator");
    let open = store
        .start_roll_call(false, op.id, now())
        .expect("start a roll-call");
    assert!(open.rollcall.steps.is_empty(), "a new roll-call");
    let driven = steps_for(&open.rollcall.stations, RESUME_STEPS);
    for (seq, s) in driven.steps.iter().enumerate() {
        store
            .record_roll_call_step(open.id, seq, s, op.id, now())
            .expect("record a step");
    }
    let resumed = store
        .open_roll_call()
        .expect("read the open roll-call")
        .expect("an open roll-call");
    assert_eq!(resumed.id, open.id);
    assert_eq!(resumed.rollcall.stations, driven.stations);
    assert_eq!(resumed.rollcall.steps, driven.steps);
    assert_eq!(resumed.rollcall.current(), driven.current());
    assert_eq!(resumed.rollcall.summary(), driven.summary());
    assert_eq!(resumed.rollcall.recall_queue(), driven.recall_queue());
    assert!(!resumed.rollcall.is_finished());
    eprintln!(
        "bench: resuming a roll-call of {} stations from {} steps (calling station {})",
        driven.stations.len(),
        driven.steps.len(),
        driven.current().map_or(0, |i| i + 1)
    );

    let kept = driven.steps.len();
    let mut g = c.benchmark_group("resume");
    g.bench_function("open_roll_call", |b| {
        b.iter(|| {
            let open = store
                .open_roll_call()
                .expect("read the open roll-call")
                .expect("an open roll-call");
            assert_eq!(open.rollcall.steps.len(), kept);
            open
        })
    });
    g.finish();
}

/// The list of past roll-calls (every night of ten years) and one opened
/// station by station: Enter on the newest saved and its frame, Esc back
/// untimed; `G` to the first night and its frame; beside the store's read
/// and the bare query of the night's answers.
fn past_roll_calls(c: &mut Criterion) {
    let themes = themes();
    let work = WorkingCopy::new();
    let mut app = common::open_app(&work.path, &themes);
    app.update(Action::Resize(WIDTH, HEIGHT));
    press(&mut app, KeyCode::Char('5'));
    assert!(
        app.radio.lists_roll_calls(),
        "no roll-call open in the copy"
    );
    let (radios, nights) = size();
    assert!(app.radio.recent.total >= nights, "every night listed");
    let mut term = terminal();
    // what is timed does what it should: the newest opened, every station
    press(&mut app, KeyCode::Enter);
    let opened = app.radio.past.as_ref().expect("a past roll-call opened");
    let id = opened.record.id;
    let stations = opened.stations.len();
    assert!(
        stations * 2 > radios && opened.stations.iter().all(|s| s.entry.is_some()),
        "{stations} stations of {radios} radios, each with its answer"
    );
    press(&mut app, KeyCode::Esc);
    assert!(app.radio.past.is_none());
    draw(&mut term, &app, &themes);
    eprintln!(
        "bench: {} roll-calls listed, #{id} opened with {stations} stations",
        app.radio.recent.total
    );

    let mut g = c.benchmark_group("past");
    g.bench_function("open_enter", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                press(&mut app, KeyCode::Enter);
                draw(&mut term, &app, &themes);
                total += t.elapsed();
                press(&mut app, KeyCode::Esc);
                draw(&mut term, &app, &themes);
            }
            total
        })
    });
    g.bench_function("first_night_G", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                press(&mut app, KeyCode::Char('G'));
                draw(&mut term, &app, &themes);
                total += t.elapsed();
                press(&mut app, KeyCode::Char('g'));
                draw(&mut term, &app, &themes);
            }
            total
        })
    });
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(app.radio.selected, app.radio.recent.total - 1);

    let store = Store::open(&work.path).expect("open the bench store");
    g.bench_function("store_past_roll_call", |b| {
        b.iter(|| store.past_roll_call(id).expect("read").expect("kept"))
    });
    let bare = common::bare_connection(&work.path);
    g.bench_function("bare_answers", |b| {
        let mut st = bare
            .prepare_cached(
                "SELECT r.call_sign, a.answer, a.late, a.replaced FROM roll_call_answers a
                 JOIN radios r ON r.id = a.radio_id WHERE a.roll_call_id = ?1",
            )
            .expect("prepare");
        b.iter(|| {
            let rows: Vec<(String, String, bool, Option<String>)> = st
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            rows
        })
    });
    g.finish();
}

criterion_group!(benches, roll_call_keys, resume, past_roll_calls);
criterion_main!(benches);
