//! The backup of a live store: how long it takes, and what it costs the
//! consoles writing meanwhile.
//!
//! - backup: `store::backup::copy` of the generated store (the demo town
//!   plus a million incidents in full runs) to a new file: the online copy
//!   as one read transaction, the integrity check and audit verify of the
//!   copy, and the rename; three runs, median and worst.
//! - write at rest: an incident logged through `Store::create_incident` (its
//!   transaction, its chained audit record), one after another on a copy of
//!   the store, with nothing else running.
//! - write during backup: the same writes while another thread takes
//!   backups of that copy back to back; only writes that began while a
//!   backup was under way are counted.
//!
//! Figures are printed as `bench:` lines. `cargo bench --bench backup` for
//! figures; `-- --test` runs once on the small store.

mod common;

use chrono::Duration as ChronoDuration;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use watchroom::domain::{NewIncident, Place, Priority};
use watchroom::store::{backup, Store};

fn writes() -> usize {
    if common::test_mode() {
        30
    } else {
        400
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn copy_store(from: &Path, to: &Path) {
    std::fs::copy(from, to).expect("copy the bench store");
}

/// Log one incident as a console would, and say how long it took.
fn one_write(store: &mut Store, op: i64, n: usize) -> Duration {
    let at = common::now() + ChronoDuration::seconds(n as i64);
    let new = NewIncident {
        kind: "theft".into(),
        priority: Priority::ALL[2],
        place: Place::default(),
        summary: format!("bench write {n} while the store is backed up"),
        opened_at: at,
    };
    let started = Instant::now();
    store
        .create_incident(&new, op, at)
        .expect("log an incident");
    started.elapsed()
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "bench: backup/{label}: {} writes, median {:.2} ms, p99 {:.2} ms, worst {:.2} ms",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().unwrap_or(&Duration::ZERO))
    );
}

fn main() {
    for size in common::sizes() {
        let source = common::ensure_store(size);
        let dir = tempfile::tempdir().expect("a temporary folder");
        let live = dir.path().join("live.db");
        copy_store(&source, &live);
        let mb = std::fs::metadata(&live).map(|m| m.len()).unwrap_or(0) as f64 / 1_048_576.0;

        // the backup itself, on a store nobody is writing
        let mut took = vec![];
        for run in 0..3 {
            let out = dir.path().join(format!("b{run}.db"));
            let started = Instant::now();
            let checked = backup::copy(&live, None, &out).expect("take a backup");
            took.push(started.elapsed());
            assert!(checked.newest.is_some());
            std::fs::remove_file(&out).ok();
        }
        took.sort();
        println!(
            "bench: backup/copy_and_check: {size} incidents, {mb:.0} MiB: median {:.2} s ({:.0} MiB/s), worst {:.2} s",
            took[1].as_secs_f64(),
            mb / took[1].as_secs_f64(),
            took[2].as_secs_f64()
        );

        let mut store = Store::open(&live).expect("open the copy");
        let op = store
            .operator_or_add(
                watchroom::store::demo::DEMO_OPERATOR,
                "operator",
                common::now(),
            )
            .expect("the demo operator")
            .id;

        // writes with nothing else running
        let at_rest: Vec<Duration> = (0..writes())
            .map(|n| one_write(&mut store, op, n))
            .collect();
        summary("write_at_rest", at_rest);

        // writes while backups run back to back on another thread
        let running = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let taken = Arc::new(AtomicUsize::new(0));
        let backer = {
            let (running, stop, taken) = (running.clone(), stop.clone(), taken.clone());
            let (live, dir) = (live.clone(), dir.path().to_path_buf());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let out = dir.join(format!("during{n}.db"));
                    running.store(true, Ordering::SeqCst);
                    backup::copy(&live, None, &out).expect("a backup during writes");
                    running.store(false, Ordering::SeqCst);
                    taken.fetch_add(1, Ordering::Relaxed);
                    std::fs::remove_file(&out).ok();
                    n += 1;
                }
            })
        };
        let mut during = vec![];
        let mut n = writes();
        while during.len() < writes() {
            let overlapping = running.load(Ordering::SeqCst);
            let t = one_write(&mut store, op, n);
            n += 1;
            if overlapping {
                during.push(t);
            }
        }
        stop.store(true, Ordering::Relaxed);
        backer.join().expect("the backup thread");
        summary("write_during_backup", during);
        println!(
            "bench: backup/backups_during_the_writes: {}",
            taken.load(Ordering::Relaxed)
        );
        assert!(store.verify_audit().expect("verify").is_intact());
    }
}
