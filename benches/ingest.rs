//! Ingest throughput with the audit on, beside SQLite's own insert rate for
//! the same rows, measured in the same run.
//!
//! - ingest: `io::ingest::ingest_stream` over 100,000 mixed JSON lines (10,000
//!   in `--test` mode) held in memory — 60% incidents (type, priority, zone or
//!   member by name, summary, a reference), 10% alarms at a member by name,
//!   30% radio sign-ons and sign-offs — read, parsed and checked on one
//!   thread; names looked up, duplicates checked, each event written with
//!   its chained audit record, a savepoint a line, 1,000 lines a
//!   transaction, on another.
//! - floor: the same rows (each incident, its reference's timeline line, each
//!   radio log line) inserted on a bare rusqlite connection with the store's
//!   pragmas (WAL, `synchronous = NORMAL`, foreign keys on), 1,000 to a
//!   transaction, with no audit, no parsing and no checks (ids looked up
//!   beforehand, untimed).
//! - the binary: `watchroom ingest --db STORE` with the same lines piped in
//!   from a file, timed from spawn to exit (opening the store included).
//! - a lone line: written into a pipe ingest reads, timed until another
//!   connection sees the commit (`PRAGMA data_version`, polled every 0.2
//!   ms): how soon a console can see a line sent on its own.
//!
//! Each round works on a fresh copy of the demo town in a temporary folder
//! (`TMPDIR`: on tmpfs the figures leave out the disk). The rounds take turns
//! so both sides see the same machine; the medians are printed as `bench:`
//! lines with the ratio. Beside the wall-clock time each run's CPU time is
//! printed (the writing thread's; for the binary, both its threads): on a
//! machine busy with other work, the rate a core of its own would give.
//!
//! `cargo bench --bench ingest` for figures; `cargo bench --bench ingest --
//! --test` runs one small round.

mod common;

use chrono::{DateTime, Utc};
use common::now;
use rusqlite::{params, Connection, TransactionBehavior};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use watchroom::domain::FixedClock;
use watchroom::io::ingest::{ingest_stream, Rules, BATCH_LINES};
use watchroom::store::{demo, Store};

fn events() -> usize {
    if common::test_mode() {
        10_000
    } else {
        100_000
    }
}

fn rounds() -> usize {
    if common::test_mode() {
        1
    } else {
        3
    }
}

/// The demo town, made once, copied for each round.
fn template(dir: &Path) -> PathBuf {
    let path = dir.join("template.db");
    {
        let mut store = Store::open(&path).expect("open the template");
        demo::build_demo(&mut store, now()).expect("build the demo town");
        store
            .ingest_account("ingest", now())
            .expect("the ingest account");
    }
    let conn = Connection::open(&path).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    path
}

fn copy(template: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(template, to).expect("copy the template");
}

/// One row as the floor writes it: ids already known.
enum Row {
    Incident {
        kind: &'static str,
        priority: i64,
        zone: Option<i64>,
        member: Option<i64>,
        summary: String,
        reference: String,
    },
    Radio {
        radio: i64,
        message: &'static str,
    },
}

struct Town {
    zones: Vec<(i64, String)>,
    members: Vec<(i64, i64, String)>,
    radios: Vec<(i64, String)>,
}

fn town(path: &Path) -> Town {
    let conn = Connection::open(path).unwrap();
    let zones = conn
        .prepare("SELECT id, name FROM zones ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // names the town has once only, so a name finds one member
    let members = conn
        .prepare(
            "SELECT id, zone_id, name FROM members m WHERE
             (SELECT COUNT(*) FROM members n WHERE n.name = m.name COLLATE NOCASE) = 1 ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let radios = conn
        .prepare("SELECT id, call_sign FROM radios WHERE status = 'issued' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    Town {
        zones,
        members,
        radios,
    }
}

const TYPES: &[&str] = &["theft", "antisocial", "suspicious", "drunk", "violence"];

/// The lines ingest reads and the rows the floor writes for them.
fn workload(town: &Town, n: usize, at: DateTime<Utc>) -> (Vec<u8>, Vec<Row>) {
    let mut lines = Vec::with_capacity(n * 160);
    let mut rows = Vec::with_capacity(n);
    let stamp = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for i in 0..n {
        match i % 10 {
            0..=5 => {
                let kind = TYPES[i % TYPES.len()];
                let priority = (i % 4) as i64 + 1;
                let summary = format!("two men, one in a grey hoodie, seen taking stock {i}");
                let reference = format!("EXT-{i}");
                let (zone, member, place) = if i % 2 == 0 {
                    let (z, name) = &town.zones[i % town.zones.len()];
                    (Some(*z), None, format!(r#""zone":"{name}""#))
                } else {
                    let (m, z, name) = &town.members[i % town.members.len()];
                    (Some(*z), Some(*m), format!(r#""member":"{name}""#))
                };
                writeln!(
                    lines,
                    r#"{{"kind":"incident","type":"{kind}","priority":{priority},{place},"summary":"{summary}","ref":"{reference}","at":"{stamp}"}}"#
                )
                .unwrap();
                rows.push(Row::Incident {
                    kind,
                    priority,
                    zone,
                    member,
                    summary,
                    reference,
                });
            }
            6 => {
                let (m, z, name) = &town.members[i % town.members.len()];
                let reference = format!("ALM-{i}");
                writeln!(
                    lines,
                    r#"{{"kind":"alarm","member":"{name}","alarm":"panic","ref":"{reference}","at":"{stamp}"}}"#
                )
                .unwrap();
                rows.push(Row::Incident {
                    kind: "alarm",
                    priority: 1,
                    zone: Some(*z),
                    member: Some(*m),
                    summary: "panic alarm activated".into(),
                    reference,
                });
            }
            _ => {
                let (r, call_sign) = &town.radios[i % town.radios.len()];
                let on = (i / town.radios.len()).is_multiple_of(2);
                let event = if on { "sign_on" } else { "sign_off" };
                writeln!(
                    lines,
                    r#"{{"kind":"radio","call_sign":"{call_sign}","event":"{event}","at":"{stamp}"}}"#
                )
                .unwrap();
                rows.push(Row::Radio {
                    radio: *r,
                    message: if on { "signing on" } else { "signing off" },
                });
            }
        }
    }
    (lines, rows)
}

/// Wall-clock and CPU time of one run.
#[derive(Clone, Copy)]
struct Took {
    wall: f64,
    /// This thread's CPU time, user and system: on a machine busy with other
    /// work it is what the run would take with a core of its own.
    cpu: f64,
}

/// The calling thread's CPU time so far, in seconds.
fn thread_cpu() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec it is given
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime");
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

fn timed(run: impl FnOnce()) -> Took {
    let (wall, cpu) = (Instant::now(), thread_cpu());
    run();
    Took {
        wall: wall.elapsed().as_secs_f64(),
        cpu: thread_cpu() - cpu,
    }
}

/// Ingest the lines; the CPU time is the writer's (this thread's), the
/// reader's parsing runs beside it on a thread of its own.
fn run_ingest(path: &Path, lines: &[u8]) -> Took {
    let mut tally = None;
    let took = timed(|| {
        tally = Some(ingest_once(path, lines));
    });
    let tally = tally.expect("ingest ran");
    assert_eq!(
        tally.accepted as usize,
        lines
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count(),
        "every line accepted: {tally}"
    );
    took
}

fn ingest_once(path: &Path, lines: &[u8]) -> watchroom::io::ingest::Tally {
    let mut store = Store::open(path).expect("open the store");
    let op = store.ingest_account("ingest", now()).unwrap();
    ingest_stream(
        store,
        op,
        std::io::Cursor::new(lines.to_vec()),
        Rules::default(),
        Arc::new(FixedClock::new(now())),
        std::io::sink(),
    )
    .expect("ingest")
}

/// The same rows on a bare connection: no audit, no checks.
fn run_floor(path: &Path, rows: &[Row], operator: i64) -> Took {
    timed(|| floor_once(path, rows, operator))
}

fn floor_once(path: &Path, rows: &[Row], operator: i64) {
    let mut conn = Connection::open(path).unwrap();
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;",
    )
    .unwrap();
    let at = now().timestamp();
    for chunk in rows.chunks(BATCH_LINES) {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        for row in chunk {
            match row {
                Row::Incident {
                    kind,
                    priority,
                    zone,
                    member,
                    summary,
                    reference,
                } => {
                    tx.prepare_cached(
                        "INSERT INTO incidents (kind, priority, status, zone_id, member_id, location, summary,
                                                opened_at, updated_at, opened_by, updated_by, source, source_ref)
                         VALUES (?1, ?2, 'open', ?3, ?4, '', ?5, ?6, ?6, ?7, ?7, 'ingest', ?8)",
                    )
                    .unwrap()
                    .execute(params![kind, priority, zone, member, summary, at, operator, reference])
                    .unwrap();
                    let id = tx.last_insert_rowid();
                    tx.prepare_cached(
                        "INSERT INTO timeline (incident_id, at, operator_id, kind, text) VALUES (?1, ?2, ?3, 'note', ?4)",
                    )
                    .unwrap()
                    .execute(params![id, at, operator, format!("received from ingest, reference {reference}")])
                    .unwrap();
                }
                Row::Radio { radio, message } => {
                    tx.prepare_cached(
                        "INSERT INTO radio_log (at, radio_id, message, operator_id) VALUES (?1, ?2, ?3, ?4)",
                    )
                    .unwrap()
                    .execute(params![at, radio, message, operator])
                    .unwrap();
                }
            }
        }
        tx.commit().unwrap();
    }
}

/// CPU time, user and system, of the children reaped so far, in seconds.
fn children_cpu() -> f64 {
    // SAFETY: getrusage writes into the rusage it is given
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    assert_eq!(rc, 0, "getrusage");
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// `watchroom ingest --db PATH < lines`, spawn to exit; the CPU time is the
/// child's, both its threads.
fn run_binary(dir: &Path, path: &Path, lines: &Path) -> Took {
    let input = std::fs::File::open(lines).unwrap();
    let cpu = children_cpu();
    let started = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_watchroom"))
        .args(["ingest", "--db", path.to_str().unwrap()])
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .stdin(input)
        .output()
        .expect("run watchroom ingest");
    let took = started.elapsed();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains(" accepted, 0 duplicates, 0 rejected"),
        "{said}"
    );
    Took {
        wall: took.as_secs_f64(),
        cpu: children_cpu() - cpu,
    }
}

/// One line at a time into a pipe: how long until another connection sees
/// each committed. The milliseconds, one per line.
fn lone_lines(path: &Path, count: usize) -> Vec<f64> {
    let (reader, mut writer) = std::io::pipe().expect("a pipe");
    let mut store = Store::open(path).expect("open the store");
    let op = store.ingest_account("ingest", now()).unwrap();
    let ingest = std::thread::spawn(move || {
        ingest_stream(
            store,
            op,
            std::io::BufReader::new(reader),
            Rules::default(),
            Arc::new(watchroom::domain::SystemClock),
            std::io::sink(),
        )
        .expect("ingest")
    });
    let mut watch = watchroom::store::watch::ChangeWatcher::open(path).unwrap();
    let mut took = vec![];
    for i in 0..count {
        let line = format!(
            r#"{{"kind":"incident","type":"theft","zone":"High Street","summary":"a lone line {i}","ref":"LONE-{i}"}}"#
        );
        watch.changed().unwrap();
        let started = Instant::now();
        writeln!(writer, "{line}").unwrap();
        writer.flush().unwrap();
        while !watch.changed().unwrap() {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "never committed"
            );
            std::thread::sleep(Duration::from_micros(200));
        }
        took.push(started.elapsed().as_secs_f64() * 1000.0);
        // a gap, so the next line is alone too
        std::thread::sleep(Duration::from_millis(80));
    }
    drop(writer);
    let tally = ingest.join().unwrap();
    assert_eq!(tally.accepted as usize, count);
    took
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let n = events();
    let template = template(dir.path());
    let town = town(&template);
    let operator: i64 = Connection::open(&template)
        .unwrap()
        .query_row("SELECT id FROM operators WHERE name = 'ingest'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let (lines, rows) = workload(&town, n, now());
    let lines_file = dir.path().join("lines.jsonl");
    std::fs::write(&lines_file, &lines).unwrap();
    let incidents = rows
        .iter()
        .filter(|r| matches!(r, Row::Incident { .. }))
        .count();
    eprintln!(
        "bench: ingest: {n} events ({incidents} incidents and alarms, {} radio lines, {:.1} MiB of JSON) into the demo town in {}",
        n - incidents,
        lines.len() as f64 / 1_048_576.0,
        dir.path().display()
    );
    let store = dir.path().join("round.db");
    let (mut ingest, mut floor, mut binary) = (vec![], vec![], vec![]);
    for round in 0..rounds() {
        copy(&template, &store);
        let t = run_ingest(&store, &lines);
        copy(&template, &store);
        let f = run_floor(&store, &rows, operator);
        copy(&template, &store);
        let b = run_binary(dir.path(), &store, &lines_file);
        eprintln!(
            "bench: ingest round {}: ingest {:.3} s (writer CPU {:.3} s), bare SQLite {:.3} s (CPU {:.3} s), the binary {:.3} s (CPU, both threads, {:.3} s)",
            round + 1,
            t.wall,
            t.cpu,
            f.wall,
            f.cpu,
            b.wall,
            b.cpu
        );
        ingest.push(t);
        floor.push(f);
        binary.push(b);
    }
    let wall = |v: &[Took]| median(&mut v.iter().map(|t| t.wall).collect::<Vec<_>>());
    let cpu = |v: &[Took]| median(&mut v.iter().map(|t| t.cpu).collect::<Vec<_>>());
    let (i, f, b) = (wall(&ingest), wall(&floor), wall(&binary));
    let (ic, fc, bc) = (cpu(&ingest), cpu(&floor), cpu(&binary));
    let rate = |secs: f64| n as f64 / secs;
    println!(
        "bench: ingest/stream_with_audit: {n} events in {i:.3} s = {:.0} events/s (target ≥ 20,000); the writer's CPU {ic:.3} s = {:.0} events/s a core",
        rate(i),
        rate(ic)
    );
    println!(
        "bench: ingest/bare_sqlite_same_rows: {n} events in {f:.3} s = {:.0} events/s; CPU {fc:.3} s = {:.0} events/s a core (no audit, no parsing, no checks)",
        rate(f),
        rate(fc)
    );
    println!(
        "bench: ingest/ratio: ingest runs at {:.0}% of SQLite's own insert rate for the same rows ({:.1}× its time); by CPU time {:.0}% ({:.1}×)",
        100.0 * f / i,
        i / f,
        100.0 * fc / ic,
        ic / fc
    );
    println!(
        "bench: ingest/binary_piped: {n} lines into `watchroom ingest` in {b:.3} s = {:.0} events/s (spawn to exit); CPU {bc:.3} s over both threads",
        rate(b)
    );
    copy(&template, &store);
    let mut lone = lone_lines(&store, if common::test_mode() { 3 } else { 20 });
    let worst = lone.iter().cloned().fold(0.0, f64::max);
    println!(
        "bench: ingest/lone_line: written to committed, median {:.1} ms, worst {worst:.1} ms (over {} lines, each alone)",
        median(&mut lone),
        lone.len()
    );
}
