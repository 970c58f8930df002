//! The audit trail's hash chain: what it adds to a write, and how long it
//! takes to prove a large trail intact.
//!
//! - `audit_write/store_add_note`: `Store::add_note` — an incident note: the
//!   incident checked, a timeline row, the incident's `updated_at`, and one
//!   chained audit record (the anchor read, SHA-256, the audit row, the anchor
//!   updated), in one immediate transaction.
//!   `audit_write/bare_note_without_audit`: the same SQL statements on a bare
//!   rusqlite connection with the store's pragmas (WAL, `synchronous =
//!   NORMAL`, foreign keys on), with no audit record at all — the floor.
//!   `audit_write/bare_note_plain_audit`: the floor plus the audit insert as
//!   it was before the chain (no seq, no hash, no anchor), for scale.
//!   Each works on its own copy of the demo town in a temporary folder; the
//!   target is `store_add_note` within 20% of `bare_note_without_audit`.
//!   Measured one after another, the three drift apart with whatever else
//!   the machine is doing, so `audit_write/interleaved` runs them again in
//!   turns (15 rounds of 1,000 writes each) and prints the medians and the
//!   ratio as `bench:` lines: read the comparison from there. On a disk the
//!   WAL checkpoints dominate, so the figures depend on where `TMPDIR` is.
//! - `audit_verify/verify_1000000`: `Store::verify_audit` over a trail of
//!   1,000,000 records (target under 2 s). The store is made once, in the
//!   chain's own format, into `target/bench-stores/audit-1000000.db` (or
//!   `$WATCHROOM_BENCH_DIR`) and reused; delete it to make it again.
//!
//! `cargo bench --bench audit -- --quick --noplot` for figures;
//! `cargo bench --bench audit -- --test` checks every benchmark runs once,
//! with a trail of 10,000 records.

mod common;

use common::now;
use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::{params, Connection, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use watchroom::store::{audit, demo, Store};

/// Records in the verified trail: a million, 10,000 in `--test` mode.
fn trail_size() -> u64 {
    if common::test_mode() {
        10_000
    } else {
        1_000_000
    }
}

fn remove_with_companions(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// The kept trail, if it was made by this schema and holds `records`.
fn is_current(path: &Path, records: u64) -> Result<(), String> {
    common::is_current(path)?;
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot be opened ({e})"))?;
    let seq: i64 = conn
        .query_row("SELECT COALESCE(MAX(seq), 0) FROM audit_anchor", [], |r| {
            r.get(0)
        })
        .map_err(|e| format!("cannot be read ({e})"))?;
    if seq as u64 != records {
        return Err(format!("holds {seq} records, not {records}"));
    }
    // made by a build that hashed records another way?
    let first = conn
        .query_row(
            "SELECT at, operator_id, action, entity, entity_id, detail, prev_hash, hash FROM audit WHERE seq = 1",
            [],
            |r| {
                Ok(audit::record_hash(
                    1,
                    r.get(0)?,
                    r.get(1)?,
                    &r.get::<_, String>(2)?,
                    &r.get::<_, String>(3)?,
                    r.get(4)?,
                    &r.get::<_, String>(5)?,
                    &r.get::<_, String>(6)?,
                ) == r.get::<_, String>(7)?)
            },
        )
        .map_err(|e| format!("has no first record ({e})"))?;
    if first {
        Ok(())
    } else {
        Err("was hashed by another build".into())
    }
}

/// A store whose trail is `records` records (three operators added, the rest
/// synthetic records by them),
/// made once (into a temporary name, renamed when complete) and kept.
fn trail_store(records: u64) -> PathBuf {
    let path = common::bench_dir().join(format!("audit-{records}.db"));
    match is_current(&path, records) {
        Ok(()) => return path,
        Err(why) if path.exists() => {
            eprintln!("bench: {} {why}: generating it again", path.display())
        }
        Err(_) => {}
    }
    let dir = path.parent().expect("a store path has a folder");
    std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let partial = PathBuf::from(format!("{}.partial-{}", path.display(), std::process::id()));
    remove_with_companions(&partial);
    let started = Instant::now();
    eprintln!(
        "bench: generating {} ({records} audit records) …",
        path.display()
    );
    {
        let mut store = Store::open(&partial).expect("open the new bench store");
        let t = now();
        let operators: Vec<i64> = ["Alex Morgan", "Priya Shah", "Tom Baxter"]
            .iter()
            .map(|n| {
                store
                    .operator_or_add(n, "operator", t)
                    .expect("an operator")
                    .id
            })
            .collect();
        // adding the operators wrote their own records: the rest are synthetic
        let synthetic = records - store.audit_count().expect("count the trail") as u64;
        let first = t - chrono::Duration::seconds(records as i64);
        audit::append_synthetic(&mut store, synthetic, first, &operators, |done| {
            if done % 200_000 == 0 {
                eprintln!(
                    "bench:   {done:>9} / {records} ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
            }
        })
        .expect("append the records");
    }
    if Path::new(&format!("{}-wal", partial.display())).exists() {
        let conn = Connection::open(&partial).expect("reopen the new bench store");
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("checkpoint the new bench store");
    }
    remove_with_companions(&path);
    std::fs::rename(&partial, &path).expect("move the new bench store into place");
    remove_with_companions(&partial);
    eprintln!(
        "bench: generated {} in {:.1} s ({:.0} MiB)",
        path.display(),
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1_048_576.0
    );
    path
}

/// A demo town in a temporary folder, for one of the write benchmarks.
struct Town {
    _dir: tempfile::TempDir,
    path: PathBuf,
    operator: i64,
}

fn town() -> Town {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("watchroom.db");
    let mut store = Store::open(&path).expect("open the store");
    demo::build_demo(&mut store, now()).expect("build the demo town");
    let operator = store
        .operator_or_add(demo::DEMO_OPERATOR, "operator", now())
        .expect("the demo operator")
        .id;
    Town {
        _dir: dir,
        path,
        operator,
    }
}

/// A connection of our own with the store's pragmas.
fn bare(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open the store bare");
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;",
    )
    .unwrap();
    conn
}

/// The statements `Store::add_note` runs for a plain note, without its audit
/// record; with `plain_audit`, plus the audit insert as it was before the chain.
fn bare_note(conn: &mut Connection, incident: i64, text: &str, operator: i64, plain_audit: bool) {
    let at = now().timestamp();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    let exists: bool = tx
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM incidents WHERE id = ?1)",
            [incident],
            |r| r.get(0),
        )
        .unwrap();
    assert!(exists);
    tx.execute(
        "INSERT INTO timeline (incident_id, at, operator_id, kind, text, amends) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![incident, at, operator, "note", text, None::<i64>],
    )
    .unwrap();
    let entry = tx.last_insert_rowid();
    tx.execute(
        "UPDATE incidents SET updated_at = ?1, updated_by = ?2 WHERE id = ?3",
        params![at, operator, incident],
    )
    .unwrap();
    if plain_audit {
        tx.execute(
            "INSERT INTO audit (at, operator_id, action, entity, entity_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![at, operator, "note", "incident", incident, format!("note {entry}")],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

const NOTE: &str = "Male now heading towards the market, CCTV following";

fn write(c: &mut Criterion) {
    let mut g = c.benchmark_group("audit_write");

    let t = town();
    let mut store = Store::open(&t.path).unwrap();
    g.bench_function("store_add_note", |b| {
        b.iter(|| store.add_note(1, NOTE, None, t.operator, now()).unwrap())
    });
    drop(store);
    assert!(
        Store::open(&t.path)
            .unwrap()
            .verify_audit()
            .unwrap()
            .is_intact(),
        "the notes left an intact trail"
    );

    let t = town();
    let mut conn = bare(&t.path);
    g.bench_function("bare_note_without_audit", |b| {
        b.iter(|| bare_note(&mut conn, 1, NOTE, t.operator, false))
    });

    let t = town();
    let mut conn = bare(&t.path);
    g.bench_function("bare_note_plain_audit", |b| {
        b.iter(|| bare_note(&mut conn, 1, NOTE, t.operator, true))
    });
    g.finish();
}

fn verify(c: &mut Criterion) {
    let records = trail_size();
    let path = trail_store(records);
    let store = Store::open(&path).expect("open the trail");
    let mut g = c.benchmark_group("audit_verify");
    g.sample_size(10);
    g.bench_function(format!("verify_{records}"), |b| {
        b.iter(|| {
            let report = store.verify_audit().unwrap();
            assert!(report.is_intact(), "{:?}", report.problem);
            assert_eq!(report.records, records);
            report
        })
    });
    g.finish();
}

/// The same three writes interleaved: rounds of `batch` writes of each kind
/// in turn, so a busy machine slows them alike, and the median of each kind's
/// per-round mean. Printed, as `bench: …` lines, after the criterion figures
/// for the write group.
fn interleaved(_: &mut Criterion) {
    let name = "audit_write/interleaved";
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if !filters.iter().all(|f| name.contains(f.as_str())) {
        return;
    }
    // a round long enough to take in the WAL checkpoints each kind causes
    let (rounds, batch) = if common::test_mode() {
        (1, 5)
    } else {
        (15, 1000)
    };
    let store_town = town();
    let mut store = Store::open(&store_town.path).unwrap();
    let (none, plain) = (town(), town());
    let (mut none_conn, mut plain_conn) = (bare(&none.path), bare(&plain.path));
    let mut times: [Vec<f64>; 3] = Default::default();
    let per_write = |started: Instant| started.elapsed().as_secs_f64() * 1e6 / batch as f64;
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..batch {
            store
                .add_note(1, NOTE, None, store_town.operator, now())
                .unwrap();
        }
        times[0].push(per_write(t));
        let t = Instant::now();
        for _ in 0..batch {
            bare_note(&mut none_conn, 1, NOTE, none.operator, false);
        }
        times[1].push(per_write(t));
        let t = Instant::now();
        for _ in 0..batch {
            bare_note(&mut plain_conn, 1, NOTE, plain.operator, true);
        }
        times[2].push(per_write(t));
    }
    let [store_us, none_us, plain_us] = times.map(|mut v| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    });
    eprintln!(
        "bench: {name} ({rounds} rounds of {batch}): store_add_note {store_us:.1} µs, \
         bare_note_without_audit {none_us:.1} µs, bare_note_plain_audit {plain_us:.1} µs"
    );
    eprintln!(
        "bench: {name}: the chained audit record adds {:+.0}% to the write (the unchained insert it replaced: {:+.0}%)",
        (store_us / none_us - 1.0) * 100.0,
        (plain_us / none_us - 1.0) * 100.0
    );
}

criterion_group!(benches, write, interleaved, verify);
criterion_main!(benches);
