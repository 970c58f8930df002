//! What the board and memory benchmarks share: the generated stores, a console
//! built on one of them, a frame drawn on a test backend, and the bare SQL the
//! board runs.
//!
//! Stores are made by the same code as `watchroom generate` (the demo town plus
//! N incidents over ten years) at a fixed `now`, into
//! `target/bench-stores/incidents-N.db` (or `$WATCHROOM_BENCH_DIR`), and reused
//! on later runs. Delete the file to make it again.

#![allow(dead_code)] // each benchmark uses a different part of this

pub mod town;

use chrono::{DateTime, Utc};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use watchroom::app::config::Config;
use watchroom::app::{Action, App};
use watchroom::domain::FixedClock;
use watchroom::store::{demo, Store};
use watchroom::ui::Themes;

/// The instant every store is generated at and every console's clock shows.
pub const NOW: &str = "2026-11-27T12:00:00Z";
/// The terminal the figures are for.
pub const WIDTH: u16 = 120;
pub const HEIGHT: u16 = 40;
/// Board rows on a 120×40 screen (40 less the board's chrome).
pub const PAGE: usize = (HEIGHT - watchroom::app::BOARD_CHROME) as usize;

pub fn now() -> DateTime<Utc> {
    NOW.parse().expect("NOW is a valid RFC 3339 instant")
}

/// `-- --test` (as `cargo bench -- --test` passes it): check the benchmarks
/// run, quickly, on the small store only.
pub fn test_mode() -> bool {
    std::env::args().any(|a| a == "--test")
}

/// Store sizes to measure: 1,000 and 1,000,000 incidents; only 1,000 in
/// `--test` mode. `WATCHROOM_BENCH_SIZES=1000,50000` chooses others.
pub fn sizes() -> Vec<u64> {
    if test_mode() {
        return vec![1_000];
    }
    match std::env::var("WATCHROOM_BENCH_SIZES") {
        Ok(s) if !s.trim().is_empty() => s
            .split(',')
            .map(|n| {
                n.trim()
                    .replace('_', "")
                    .parse()
                    .unwrap_or_else(|_| panic!("WATCHROOM_BENCH_SIZES: “{n}” is not a number"))
            })
            .collect(),
        _ => vec![1_000, 1_000_000],
    }
}

pub fn bench_dir() -> PathBuf {
    match std::env::var_os("WATCHROOM_BENCH_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-stores"),
    }
}

pub fn store_path(incidents: u64) -> PathBuf {
    bench_dir().join(format!("incidents-{incidents}.db"))
}

/// The store with `incidents` generated incidents, generating it if missing
/// or made for another schema than this build's.
pub fn ensure_store(incidents: u64) -> PathBuf {
    let path = store_path(incidents);
    if !path.exists() {
        generate(incidents, &path);
    } else if let Err(why) = is_current(&path) {
        eprintln!("bench: {} {why}: generating it again", path.display());
        generate(incidents, &path);
    }
    path
}

/// A kept store is only a cache: one made by a build with other migrations
/// (an older or newer schema, or a reordered one) may not open here at all.
pub fn is_current(path: &Path) -> Result<(), String> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("cannot be opened ({e})"))?;
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| format!("cannot be read ({e})"))?;
    if found == watchroom::store::SCHEMA_VERSION {
        Ok(())
    } else {
        Err(format!(
            "has schema version {found}, this build {}",
            watchroom::store::SCHEMA_VERSION
        ))
    }
}

/// Generate into a private temporary name, then rename, so an interrupted run
/// never leaves a half-made store that a later run would trust.
pub fn generate(incidents: u64, path: &Path) {
    let dir = path.parent().expect("a store path has a folder");
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let partial = PathBuf::from(format!("{}.partial-{}", path.display(), std::process::id()));
    remove_with_companions(&partial);
    let started = Instant::now();
    eprintln!(
        "bench: generating {} (demo town + {incidents} incidents, now = {NOW}) …",
        path.display()
    );
    {
        let mut store = Store::open(&partial).expect("open the new bench store");
        let now = now();
        demo::build_demo(&mut store, now).expect("build the demo town");
        demo::add_bulk_incidents(&mut store, incidents, now, |done| {
            if done > 0 {
                eprintln!(
                    "bench:   {done:>9} / {incidents} incidents ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
            }
        })
        .expect("add the bulk incidents");
    }
    // The last connection to close checkpoints the WAL into the file; make
    // sure nothing is left in a companion file before the rename.
    let wal = PathBuf::from(format!("{}-wal", partial.display()));
    if wal.exists() {
        let conn = rusqlite::Connection::open(&partial).expect("reopen the new bench store");
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("checkpoint the new bench store");
        drop(conn);
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

fn remove_with_companions(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

pub fn themes() -> Themes {
    Themes::load(None, false).0
}

/// Open the store and build the console on it, as the binary does, with the
/// clock standing at `NOW`. The board is not yet sized to the screen.
pub fn open_app(path: &Path, themes: &Themes) -> App {
    let mut store = Store::open(path).expect("open the bench store");
    let now = now();
    let operator = store
        .operator_or_add(demo::DEMO_OPERATOR, "operator", now)
        .expect("the demo operator");
    App::new(
        store,
        Arc::new(FixedClock::new(now)),
        Config::default(),
        operator,
        "default".into(),
        themes.names(),
    )
    .expect("build the console")
}

/// The console on `path`, sized to 120×40, showing `view` (`live` or `all`).
pub fn open_console(path: &Path, themes: &Themes, view: &str) -> App {
    let mut app = open_app(path, themes);
    app.update(Action::Resize(WIDTH, HEIGHT));
    if view != "live" {
        app.update(Action::SetFilter(format!("status:{view}")));
    }
    assert_eq!(
        app.board.filter.status.label(),
        view,
        "the board shows the {view} view"
    );
    app
}

/// Run the jobs the console queued on the store worker's connection and hand
/// back their results, as the runtime's worker thread does, in place: for a
/// figure of the whole time from the key to the result on the board.
pub fn settle(app: &mut App, worker: &mut Store) {
    loop {
        let jobs = app.work.take();
        if jobs.is_empty() {
            return;
        }
        for (ticket, job) in jobs {
            let purpose = job.purpose();
            let outcome = job.run(worker);
            app.handle_event(watchroom::app::Event::Worked(watchroom::app::work::Done {
                ticket,
                purpose,
                outcome,
            }));
        }
    }
}

pub fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a test terminal")
}

pub fn draw(terminal: &mut Terminal<TestBackend>, app: &App, themes: &Themes) {
    terminal
        .draw(|f| watchroom::ui::draw(f, app, themes))
        .expect("draw a frame");
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Press a key the console must act on.
pub fn press(app: &mut App, code: KeyCode) {
    assert!(
        app.handle_key(key(code)).is_some(),
        "{code:?} is bound on the board"
    );
}

/// The place label, as the store builds it (copied from `store::incidents`).
const PLACE_LABEL: &str = "CASE
    WHEN m.name IS NOT NULL THEN m.name || CASE WHEN i.location <> '' THEN ' — ' || i.location ELSE '' END
    WHEN z.name IS NOT NULL THEN z.name || CASE WHEN i.location <> '' THEN ' — ' || i.location ELSE '' END
    ELSE i.location END";

/// The SELECT `Store::board_window` runs for the first window of an
/// unfiltered view (`where` is `i.closed = 0` for live, `1` for all) in the
/// working order or newest first, copied from `src/store/incidents.rs`.
pub fn board_sql(where_clause: &str, newest: bool) -> String {
    let (index, order_by) = if newest {
        ("incidents_opened", "i.opened_at DESC, i.id DESC")
    } else {
        (
            "incidents_board",
            "i.closed ASC, i.priority ASC, i.age_key ASC, i.id ASC",
        )
    };
    format!(
        "SELECT i.closed, i.priority, i.age_key, i.id, i.kind, i.status, {PLACE_LABEL}, i.summary,
                i.opened_at, i.updated_at, i.police_ref
         FROM incidents i INDEXED BY {index}
         LEFT JOIN zones z ON z.id = i.zone_id
         LEFT JOIN members m ON m.id = i.member_id
         WHERE {where_clause}
         ORDER BY {order_by}
         LIMIT ?"
    )
}

/// One bare board row: the same columns, read as plain values.
pub type BareRow = (
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    String,
);

pub fn bare_rows(st: &mut rusqlite::CachedStatement<'_>, limit: usize) -> Vec<BareRow> {
    st.query_map([limit as i64], |r| {
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
            r.get(9)?,
            r.get(10)?,
        ))
    })
    .expect("run the board query")
    .collect::<Result<_, _>>()
    .expect("read the board rows")
}

/// A read-only connection straight onto the store file.
pub fn bare_connection(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("open the store read-only")
}
