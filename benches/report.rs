//! The committee report over a year of the million-incident store.
//!
//! - `report/year_N`: `Store::report` for the calendar year 2025 (about
//!   100,000 incidents of the store's million over ten years), on the store
//!   the board benchmark keeps in `target/bench-stores/incidents-N.db` (made
//!   there if missing), with the store already open. Target: under 1 s.
//! - `report/open_and_year_N`: the same with the store opened first, as
//!   `watchroom report` does.
//! - `report/markdown_N`: the figures written as Markdown (no store).
//! - floors, on a bare read-only connection: `report/bare_grouped_N`, the
//!   report's one grouped pass over the year's incidents (month, type, zone,
//!   losses) exactly as the store runs it; `report/bare_rows_N`, visiting the
//!   same rows with nothing grouped (a sum of one column); and
//!   `report/bare_count_N`, counting them from the index alone.
//!
//! `cargo bench --bench report -- --quick --noplot` for figures;
//! `cargo bench --bench report -- --test` checks every benchmark runs once,
//! on the 1,000-incident store only.

mod common;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::OnceLock;
use watchroom::domain::exclusion::Ladder;
use watchroom::domain::report::ReportPeriod;
use watchroom::store::Store;

/// The stores to measure, generated (once) if missing.
fn stores() -> &'static [(u64, PathBuf)] {
    static STORES: OnceLock<Vec<(u64, PathBuf)>> = OnceLock::new();
    STORES.get_or_init(|| {
        common::sizes()
            .into_iter()
            .map(|n| (n, common::ensure_store(n)))
            .collect()
    })
}

/// The calendar year before the stores' `now`.
fn year() -> ReportPeriod {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date");
    ReportPeriod::new(d("2025-01-01"), d("2025-12-31")).expect("a period")
}

const TZ: chrono_tz::Tz = chrono_tz::Europe::London;

/// One row of the grouped pass: month, type, zone, count, loss, recovered, with a loss.
type Cell = (i64, String, Option<i64>, i64, i64, i64, i64);

fn report(c: &mut Criterion) {
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    let period = year();
    let ladder = Ladder::default();
    for (n, path) in stores() {
        let store = Store::open(path).expect("open the bench store");
        let r = store
            .report(&period, TZ, &ladder, common::now())
            .expect("the report");
        eprintln!(
            "bench: {n}: the year holds {} incidents ({} types, {} zones, {} months), {} roll-calls, {} hits",
            r.incidents.total,
            r.incidents.by_type.len(),
            r.incidents.by_zone.len(),
            r.incidents.by_month.len(),
            r.roll_calls.held,
            r.hits.all().raised
        );
        g.bench_function(BenchmarkId::new("year", n), |b| {
            b.iter(|| {
                black_box(
                    store
                        .report(&period, TZ, &ladder, common::now())
                        .expect("the report"),
                )
            })
        });
        g.bench_function(BenchmarkId::new("open_and_year", n), |b| {
            b.iter(|| {
                let store = Store::open(path).expect("open the bench store");
                black_box(
                    store
                        .report(&period, TZ, &ladder, common::now())
                        .expect("the report"),
                )
            })
        });
        g.bench_function(BenchmarkId::new("markdown", n), |b| {
            b.iter(|| black_box(watchroom::io::report::markdown(&r)))
        });

        let bare = common::bare_connection(path);
        let (start, end) = period.bounds(TZ);
        let (start, end) = (start.timestamp(), end.timestamp());
        // the store's grouped pass over the year's incidents, as it runs it
        let spans = period.month_spans(TZ);
        let months: Vec<String> = spans
            .iter()
            .enumerate()
            .map(|(i, m)| format!("({i}, {}, {})", m.start.timestamp(), m.end.timestamp()))
            .collect();
        let grouped = format!(
            "WITH months(i, s, e) AS (VALUES {})
             SELECT months.i, i.kind, i.zone_id, COUNT(*), SUM(i.loss_pence), SUM(i.recovery_pence), SUM(i.loss_pence > 0)
             FROM months CROSS JOIN incidents i INDEXED BY incidents_opened
             WHERE i.opened_at >= months.s AND i.opened_at < months.e
             GROUP BY months.i, i.kind, i.zone_id",
            months.join(", ")
        );
        g.bench_function(BenchmarkId::new("bare_grouped", n), |b| {
            let mut st = bare.prepare_cached(&grouped).expect("prepare");
            b.iter(|| {
                let rows: Vec<Cell> = st
                    .query_map([], |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                            r.get(6)?,
                        ))
                    })
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("rows");
                black_box(rows)
            })
        });
        g.bench_function(BenchmarkId::new("bare_rows", n), |b| {
            let mut st = bare
                .prepare_cached(
                    "SELECT SUM(loss_pence) FROM incidents INDEXED BY incidents_opened
                     WHERE opened_at >= ?1 AND opened_at < ?2",
                )
                .expect("prepare");
            b.iter(|| {
                let n: Option<i64> = st.query_row([start, end], |r| r.get(0)).expect("sum");
                black_box(n)
            })
        });
        g.bench_function(BenchmarkId::new("bare_count", n), |b| {
            let mut st = bare
                .prepare_cached(
                    "SELECT COUNT(*) FROM incidents INDEXED BY incidents_opened
                     WHERE opened_at >= ?1 AND opened_at < ?2",
                )
                .expect("prepare");
            b.iter(|| {
                let n: i64 = st.query_row([start, end], |r| r.get(0)).expect("count");
                black_box(n)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
