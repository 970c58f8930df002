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
//!   Every note is a second later than the one before, as notes are: with
//!   one fixed time the incident's `updated_at` never changes, SQLite skips
//!   rewriting its page and the floor is one page lighter than a real note.
//!   Measured one after another, the three drift apart with whatever else
//!   the machine is doing, so `audit_write/interleaved` runs them again in
//!   turns (15 rounds of 1,000 writes each), together with a second write,
//!   `Store::create_incident` against the same SQL bare (the place checked,
//!   the incident inserted with its four indexes, read back), and prints the
//!   medians and the ratios as `bench:` lines: read the comparison from
//!   there. It first prints the WAL frames (pages) each kind writes per
//!   commit, which is what the cost follows. On a disk the WAL checkpoints
//!   dominate, so the figures depend on where `TMPDIR` is.
//! - `audit_verify/verify_1000000`: `Store::verify_audit` over a trail of
//!   1,000,000 records (target under 2 s). The store is made once, in the
//!   chain's own format, into `target/bench-stores/audit-1000000.db` (or
//!   `$WATCHROOM_BENCH_DIR`) and reused; delete it to make it again.
//!
//! - `audit_deep/verify_N` and `audit_deep/verify_deep_N`: `audit verify`
//!   and `audit verify --deep` (the same walk, then every described row held
//!   to its latest record's state) in the same run, over the store of N
//!   generated incidents (`common::sizes()`: 1,000 and 1,000,000) with one
//!   described record per incident appended, as creating each would have
//!   written it. Made once from the generated store into
//!   `audit-deep-N.db` beside it and reused.
//!
//! `cargo bench --bench audit -- --quick --noplot` for figures;
//! `cargo bench --bench audit -- audit_deep --quick --noplot` for verify
//! beside verify --deep;
//! `cargo bench --bench audit -- audit_write/interleaved --noplot` for the
//! write comparison alone;
//! `cargo bench --bench audit -- --test` checks every benchmark runs once,
//! with a trail of 10,000 records.

mod common;

use common::now;
use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::{params, Connection, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};
use watchroom::domain::incident::{NewIncident, Priority};
use watchroom::domain::Place;
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

/// The time of the next write: a second after the last, so each write
/// changes what a real one would (a fixed time would leave an incident's
/// `updated_at` as it was, and its page unwritten).
fn tick() -> chrono::DateTime<chrono::Utc> {
    static SECONDS: AtomicI64 = AtomicI64::new(0);
    now() + chrono::Duration::seconds(SECONDS.fetch_add(1, Ordering::Relaxed))
}

/// The statements `Store::add_note` runs for a plain note, without its audit
/// record; with `plain_audit`, plus the audit insert as it was before the chain.
fn bare_note(conn: &mut Connection, incident: i64, text: &str, operator: i64, plain_audit: bool) {
    let at = tick().timestamp();
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

fn new_incident() -> NewIncident {
    NewIncident {
        kind: "Shoplifting".into(),
        priority: Priority::High,
        place: Place {
            zone_id: Some(1),
            member_id: None,
            location: "by the tills".into(),
        },
        summary: NOTE.into(),
        opened_at: tick(),
    }
}

/// `Store::create_incident`'s read-back, its place label spelled out.
const GET_INCIDENT: &str = "SELECT i.id, i.kind, i.priority, i.status, i.zone_id, i.member_id, i.location,
        CASE
        WHEN m.name IS NOT NULL THEN m.name || CASE WHEN i.location <> '' THEN ' — ' || i.location ELSE '' END
        WHEN z.name IS NOT NULL THEN z.name || CASE WHEN i.location <> '' THEN ' — ' || i.location ELSE '' END
        ELSE i.location END,
        i.summary, i.opened_at, i.updated_at, i.closed_at, i.close_reason, i.police_ref,
        i.loss_pence, i.recovery_pence, i.version, ob.name, ub.name
     FROM incidents i
     LEFT JOIN zones z ON z.id = i.zone_id
     LEFT JOIN members m ON m.id = i.member_id
     JOIN operators ob ON ob.id = i.opened_by
     JOIN operators ub ON ub.id = i.updated_by
     WHERE i.id = ?1";

/// The statements `Store::create_incident` runs for `new`, without its
/// audit record: the place checked, the insert, and the incident read back.
fn bare_create(conn: &mut Connection, new: &NewIncident, operator: i64) {
    let at = new.opened_at.timestamp();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    let zone_exists: bool = tx
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM zones WHERE id = ?1)",
            [new.place.zone_id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(zone_exists);
    tx.execute(
        "INSERT INTO incidents (kind, priority, status, zone_id, member_id, location, summary,
                                opened_at, updated_at, opened_by, updated_by)
         VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            new.kind,
            new.priority.number(),
            new.place.zone_id,
            new.place.member_id,
            new.place.location,
            new.summary,
            at,
            at,
            operator
        ],
    )
    .unwrap();
    let id = tx.last_insert_rowid();
    tx.commit().unwrap();
    let found: i64 = conn
        .prepare_cached(GET_INCIDENT)
        .unwrap()
        .query_row([id], |r| r.get(0))
        .unwrap();
    assert_eq!(found, id);
}

/// WAL frames per commit of `writes` runs of `write` on the store at `path`:
/// a reader holding its snapshot keeps any checkpoint from reusing the WAL,
/// so every frame written stays there to be counted.
fn frames_per_commit(path: &Path, writes: usize, mut write: impl FnMut()) -> f64 {
    let reader = bare(path);
    reader
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    reader
        .execute_batch("BEGIN; SELECT COUNT(*) FROM zones;")
        .unwrap();
    for _ in 0..writes {
        write();
    }
    let wal = std::fs::read(format!("{}-wal", path.display())).unwrap_or_default();
    drop(reader);
    // 32-byte header, then frames of a 24-byte header and a page; frames of
    // this generation of the WAL carry the header's salt
    let page = u32::from_be_bytes(wal[8..12].try_into().unwrap()) as usize;
    let (mut frames, mut commits) = (0usize, 0usize);
    for frame in wal[32..].chunks_exact(24 + page) {
        if frame[8..16] != wal[16..24] {
            break;
        }
        frames += 1;
        if frame[4..8] != [0; 4] {
            commits += 1;
        }
    }
    assert_eq!(commits, writes, "every write is one commit");
    frames as f64 / commits as f64
}

fn write(c: &mut Criterion) {
    let mut g = c.benchmark_group("audit_write");

    let t = town();
    let mut store = Store::open(&t.path).unwrap();
    g.bench_function("store_add_note", |b| {
        b.iter(|| store.add_note(1, NOTE, None, t.operator, tick()).unwrap())
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

/// The five writes interleaved: rounds of `batch` writes of each kind in
/// turn, so a busy machine slows them alike, and the median of each kind's
/// per-round mean. Printed, as `bench: …` lines, after the criterion figures
/// for the write group, with the WAL frames each kind writes per commit.
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
    let (rounds, batch, counted) = if common::test_mode() {
        (1, 5, 5)
    } else {
        (15, 1000, 500)
    };
    const KINDS: [&str; 5] = [
        "store_add_note",
        "bare_note_without_audit",
        "bare_note_plain_audit",
        "store_create_incident",
        "bare_create_without_audit",
    ];
    let towns: Vec<Town> = KINDS.iter().map(|_| town()).collect();
    let mut stores: Vec<Store> = towns
        .iter()
        .map(|t| Store::open(&t.path).unwrap())
        .collect();
    let mut conns: Vec<Connection> = towns.iter().map(|t| bare(&t.path)).collect();
    let mut write = |kind: usize| {
        let (store, conn, op) = (&mut stores[kind], &mut conns[kind], towns[kind].operator);
        match kind {
            0 => drop(store.add_note(1, NOTE, None, op, tick()).unwrap()),
            1 => bare_note(conn, 1, NOTE, op, false),
            2 => bare_note(conn, 1, NOTE, op, true),
            3 => drop(store.create_incident(&new_incident(), op, tick()).unwrap()),
            _ => bare_create(conn, &new_incident(), op),
        }
    };
    let frames: Vec<f64> = (0..KINDS.len())
        .map(|kind| frames_per_commit(&towns[kind].path, counted, || write(kind)))
        .collect();
    let mut times: [Vec<f64>; 5] = Default::default();
    for _ in 0..rounds {
        for (kind, times) in times.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..batch {
                write(kind);
            }
            times.push(t.elapsed().as_secs_f64() * 1e6 / batch as f64);
        }
    }
    let us = times.map(|mut v| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    });
    let line = |kinds: &[usize]| {
        kinds
            .iter()
            .map(|&k| format!("{} {:.1} µs ({:.2} pages)", KINDS[k], us[k], frames[k]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let pct = |a: usize, b: usize| (us[a] / us[b] - 1.0) * 100.0;
    eprintln!(
        "bench: {name} ({rounds} rounds of {batch}; pages = WAL frames per commit): {}",
        line(&[0, 1, 2])
    );
    eprintln!(
        "bench: {name}: the chained audit record adds {:+.0}% to the note (the unchained insert it replaced: {:+.0}%)",
        pct(0, 1),
        pct(2, 1)
    );
    eprintln!("bench: {name}: {}", line(&[3, 4]));
    eprintln!(
        "bench: {name}: the chained audit record adds {:+.0}% to creating an incident",
        pct(3, 4)
    );
}

/// The store of `incidents` generated incidents with a described record for
/// each, made once (into a temporary name, renamed when complete) and kept.
fn described_store(incidents: u64) -> PathBuf {
    let path = common::bench_dir().join(format!("audit-deep-{incidents}.db"));
    let described = |p: &Path| -> Result<(), String> {
        common::is_current(p)?;
        let conn = Connection::open_with_flags(p, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| format!("cannot be opened ({e})"))?;
        let n: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE detail = 'synthetic description'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| format!("cannot be read ({e})"))?;
        let all: i64 = conn
            .query_row("SELECT COUNT(*) FROM incidents", [], |r| r.get(0))
            .map_err(|e| format!("cannot be read ({e})"))?;
        if n == all {
            Ok(())
        } else {
            Err(format!("describes {n} of {all} incidents"))
        }
    };
    match described(&path) {
        Ok(()) => return path,
        Err(why) if path.exists() => {
            eprintln!("bench: {} {why}: making it again", path.display())
        }
        Err(_) => {}
    }
    let source = common::ensure_store(incidents);
    let partial = PathBuf::from(format!("{}.partial-{}", path.display(), std::process::id()));
    remove_with_companions(&partial);
    std::fs::copy(&source, &partial).expect("copy the generated store");
    let started = Instant::now();
    {
        let mut store = Store::open(&partial).expect("open the copy");
        audit::describe_synthetic(&mut store, "incident", now(), None, |done| {
            if done % 200_000 == 0 {
                eprintln!(
                    "bench:   {done:>9} / {incidents} incidents described ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
            }
        })
        .expect("describe the incidents");
    }
    if Path::new(&format!("{}-wal", partial.display())).exists() {
        let conn = Connection::open(&partial).expect("reopen the copy");
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("checkpoint the copy");
    }
    remove_with_companions(&path);
    std::fs::rename(&partial, &path).expect("move the described store into place");
    remove_with_companions(&partial);
    eprintln!(
        "bench: described {} in {:.1} s ({:.0} MiB)",
        path.display(),
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1_048_576.0
    );
    path
}

fn deep(c: &mut Criterion) {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    // making the store is minutes at 1M: only when this group is wanted
    if !filters
        .iter()
        .all(|f| "audit_deep/verify_deep".contains(f.as_str()))
    {
        return;
    }
    for incidents in common::sizes() {
        let path = described_store(incidents);
        let store = Store::open(&path).expect("open the described store");
        let records = store.audit_count().unwrap() as u64;
        let mut g = c.benchmark_group("audit_deep");
        g.sample_size(10);
        g.bench_function(format!("verify_{incidents}"), |b| {
            b.iter(|| {
                let report = store.verify_audit().unwrap();
                assert!(report.is_intact(), "{:?}", report.problem);
                assert_eq!(report.records, records);
                report
            })
        });
        g.bench_function(format!("verify_deep_{incidents}"), |b| {
            b.iter(|| {
                let report = store.verify_audit().unwrap();
                assert!(report.is_intact(), "{:?}", report.problem);
                let deep = store.verify_states().unwrap();
                assert_eq!(deep.problem, None);
                assert!(deep.compared >= incidents, "{}", deep.compared);
                deep
            })
        });
        g.finish();
        eprintln!(
            "bench: audit_deep over {incidents} incidents: {records} audit records, {} MiB",
            std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) / 1_048_576
        );
    }
}

criterion_group!(benches, write, interleaved, verify, deep);
criterion_main!(benches);
