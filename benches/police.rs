//! Importing a whole force's month of the police's street-level data, kept
//! to the scheme's area, beside reading the CSV alone, in the same run.
//!
//! The file: 20,000 generated rows shaped as data.police.uk publishes them
//! (a third anti-social behaviour with no Crime ID), 1,000 of them (5%) in
//! the area — 600 in its three listed LSOAs, 400 in another LSOA but inside
//! its boundary — and the rest across 300 other LSOAs of the force.
//!
//! - `police/parse`: `io::import::parse`, the CSV read, checked and tidied
//!   into records (the floor: every row is read whatever the area).
//! - `police/parse_and_keep_area`: the same, then the area's rows kept and
//!   the rest counted by LSOA name.
//! - `police/import_new`: `run_import --apply` of the file into a store made
//!   from empty (made afresh for each run, untimed): read, parse, keep the
//!   area, match and write the 1,000 rows with the month and the audit.
//! - `police/import_again`: the same month given again to a store holding
//!   it: every row matched, unchanged, the month replaced.
//!
//! Each is reported in rows of the file per second (criterion's
//! throughput). `cargo bench --bench police -- --quick --noplot` for
//! figures; `cargo bench --bench police -- --test` runs each once.

mod common;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use watchroom::domain::police::PoliceArea;
use watchroom::io::import::{keep_area, parse, run_import, ImportKind};
use watchroom::store::Store;

const ROWS: usize = 20_000;
const HEADER: &str = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";
const TYPES: [&str; 6] = [
    "Violence and sexual offences",
    "Shoplifting",
    "Criminal damage and arson",
    "Vehicle crime",
    "Public order",
    "Other theft",
];

fn area() -> PoliceArea {
    PoliceArea::new(
        &["E01024170".into(), "E01024171".into(), "E01024172".into()],
        &[
            [0.215, 51.444],
            [0.222, 51.444],
            [0.222, 51.448],
            [0.215, 51.448],
        ],
    )
    .expect("a good area")
    .expect("an area")
}

/// A whole force's month: row `k` in the area when `k % 20 == 0` (by its
/// LSOA for three in five of those, by its point for the rest).
fn force_month() -> String {
    let mut f = String::with_capacity(ROWS * 200);
    f.push_str(HEADER);
    for k in 0..ROWS {
        let asb = k % 3 == 0;
        let id = if asb {
            String::new()
        } else {
            format!("{:064x}", k as u128 * 0x9e37_79b9_7f4a_7c15)
        };
        let kind = if asb {
            "Anti-social behaviour"
        } else {
            TYPES[k % TYPES.len()]
        };
        let (lon, lat, code, name) = if k % 20 == 0 {
            if k % 100 < 60 {
                let n = 170 + (k / 20) % 3;
                (
                    0.213 + (k % 7) as f64 * 0.0001,
                    51.4454,
                    format!("E01024{n}"),
                    format!("Castlebrook 00{}C", n - 164),
                )
            } else {
                (
                    0.2184,
                    51.4460 + (k % 9) as f64 * 0.0001,
                    "E01024180".to_string(),
                    "Castlebrook 010A".to_string(),
                )
            }
        } else {
            let lsoa = k % 300;
            (
                0.9 + (lsoa % 30) as f64 * 0.01,
                51.1 + (lsoa / 30) as f64 * 0.01 + (k % 13) as f64 * 0.0001,
                format!("E0103{lsoa:04}"),
                format!("Kent {:03}{}", lsoa / 4, (b'A' + (lsoa % 4) as u8) as char),
            )
        };
        let _ = writeln!(
            f,
            "{id},2026-10,Kent Police,Kent Police,{lon:.6},{lat:.6},On or near Street {},{code},{name},{kind},{},",
            k % 997,
            if asb { "" } else { "Investigation complete; no suspect identified" }
        );
    }
    f
}

/// A store made from empty, with its manager.
fn empty_store(dir: &Path, n: usize) -> (PathBuf, i64) {
    let path = dir.join(format!("scheme-{n}.db"));
    let mut s = Store::open(&path).expect("a new store");
    let op = s
        .operator_or_add("Dana Chief", "manager", common::now())
        .expect("the manager")
        .id;
    (path, op)
}

fn import(path: &Path, op: i64, file: &Path, area: &PoliceArea) -> usize {
    let mut store = Store::open(path).expect("open the store");
    let outcome = run_import(
        &mut store,
        ImportKind::Police,
        file,
        true,
        op,
        common::now(),
        Some(area),
        &mut std::io::sink(),
    )
    .expect("the import runs");
    assert!(outcome.applied, "{:?}", outcome.problems());
    outcome.plan.rows.len()
}

fn police(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = force_month();
    let file = dir.path().join("2026-10-kent-street.csv");
    std::fs::write(&file, &text).expect("write the file");
    let bytes = text.as_bytes();
    let area = area();
    let today = common::now().date_naive();

    // the shape is as described: 5% in the area
    let mut parsed = parse(ImportKind::Police, bytes, today);
    assert!(parsed.problems.is_empty(), "{:?}", &parsed.problems[..1]);
    keep_area(&mut parsed, &area);
    assert_eq!(parsed.batch.len(), ROWS / 20);

    let mut g = c.benchmark_group("police");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("parse", |b| {
        b.iter(|| black_box(parse(ImportKind::Police, black_box(bytes), today)).rows)
    });
    g.bench_function("parse_and_keep_area", |b| {
        b.iter(|| {
            let mut p = parse(ImportKind::Police, black_box(bytes), today);
            keep_area(&mut p, &area);
            black_box(p.batch.len())
        })
    });
    let mut made = 0;
    g.bench_function("import_new", |b| {
        b.iter_batched(
            || {
                made += 1;
                empty_store(dir.path(), made)
            },
            |(path, op)| import(&path, op, &file, &area),
            BatchSize::PerIteration,
        )
    });
    let (held, op) = empty_store(dir.path(), 0);
    import(&held, op, &file, &area);
    g.bench_function("import_again", |b| {
        b.iter(|| import(&held, op, &file, &area))
    });
    g.finish();
}

criterion_group!(benches, police);
criterion_main!(benches);
