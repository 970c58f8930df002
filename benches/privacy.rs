//! Finding a person in the free text of the million-incident store: the
//! scan retention, erasure and subject access all make.
//!
//! - `mentions/person_N`: `Store::mentions_of` for one person on the
//!   register (the demo town's first known person), over every table that
//!   holds free text, on the store the board benchmark keeps in
//!   `target/bench-stores/incidents-N.db` (made there if missing).
//! - `mentions/retention_N`: `Store::retention_mentions`, the dry run's
//!   list: what retention would remove now, and every mention of the people
//!   due.
//! - floor, on a bare read-only connection: `mentions/bare_like_N`, the
//!   same narrowing of the incidents alone (their three text columns against
//!   the person's words with `LIKE`), counted, nothing matched word by word.
//!
//! `cargo bench --bench privacy -- --quick --noplot` for figures;
//! `cargo bench --bench privacy -- --test` checks every benchmark runs once,
//! on the 1,000-incident store only.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use watchroom::domain::retention::RetentionRules;
use watchroom::store::Store;

fn mentions(c: &mut Criterion) {
    let mut g = c.benchmark_group("mentions");
    g.sample_size(10);
    for n in common::sizes() {
        let path = common::ensure_store(n);
        let store = Store::open(&path).expect("open the bench store");
        let (id, name): (i64, String) = common::bare_connection(&path)
            .query_row(
                "SELECT id, name FROM offenders WHERE kind = 'known' AND merged_into IS NULL ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("a known person in the demo town");
        let found = store.mentions_of(&[id]).expect("mentions");
        let rules = RetentionRules::default();
        let due = store
            .retention_mentions(&rules, common::now())
            .expect("retention's mentions");
        eprintln!(
            "bench: {n}: {} mentions of {name} (#{id}); retention's dry run lists {} mentions",
            found.len(),
            due.len()
        );
        g.bench_function(BenchmarkId::new("person", n), |b| {
            b.iter(|| black_box(store.mentions_of(&[id]).expect("mentions")))
        });
        g.bench_function(BenchmarkId::new("retention", n), |b| {
            b.iter(|| {
                black_box(
                    store
                        .retention_mentions(&rules, common::now())
                        .expect("retention's mentions"),
                )
            })
        });
        let surname = name
            .split_whitespace()
            .last()
            .unwrap_or(&name)
            .to_lowercase();
        let bare = common::bare_connection(&path);
        let mut st = bare
            .prepare(
                "SELECT COUNT(*) FROM incidents WHERE summary LIKE ?1 OR location LIKE ?1 OR close_reason LIKE ?1",
            )
            .expect("prepare");
        let like = format!("%{surname}%");
        g.bench_function(BenchmarkId::new("bare_like", n), |b| {
            b.iter(|| {
                let k: i64 = st.query_row([&like], |r| r.get(0)).expect("count");
                black_box(k)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, mentions);
criterion_main!(benches);
