//! Key-to-frame while the store worker is busy, against key-to-frame at rest
//! in the same run, on the generated store (the demo town plus a million
//! incidents in full runs), on a 120×40 test terminal.
//!
//! - at rest: `j` and `k` in turn on the board's `all` view, each press
//!   with the frame drawn after it, nothing else running.
//! - during the yearly report: the same presses while the worker (its own
//!   thread and connection, as the console runs it) works out the committee
//!   report for the last 12 months, back to back; only presses made while a
//!   report was under way are counted.
//! - during a notice: the same while the worker makes an exclusion notice
//!   (PDF and Markdown) back to back.
//!
//! The console and worker run on a copy of the store, so the notices made
//! are not left in the shared bench store. Figures are printed as `bench:`
//! lines. `cargo bench --bench worker` for figures; `-- --test` runs once on
//! the small store.

mod common;

use common::{draw, open_console, press, terminal, themes};
use ratatui::crossterm::event::KeyCode;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use watchroom::app::work::{Done, Job, Purpose};
use watchroom::app::{App, Event};
use watchroom::domain::report::PeriodPreset;
use watchroom::store::Store;

fn presses() -> usize {
    if common::test_mode() {
        20
    } else {
        600
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

struct Figures {
    p99: Duration,
    worst: Duration,
}

fn summary(size: u64, label: &str, mut times: Vec<Duration>, jobs: usize) -> Figures {
    times.sort();
    let median = percentile(&times, 0.5);
    let f = Figures {
        p99: percentile(&times, 0.99),
        worst: times.last().copied().unwrap_or_default(),
    };
    let during = if jobs > 0 {
        format!(" during {jobs} jobs")
    } else {
        String::new()
    };
    println!(
        "bench: worker/{label}/{size}: {} presses{during}, median {:.2} ms, p99 {:.2} ms, worst {:.2} ms",
        times.len(),
        ms(median),
        ms(f.p99),
        ms(f.worst)
    );
    f
}

/// One press and the frame after it, timed.
fn timed_press(
    app: &mut App,
    term: &mut ratatui::Terminal<ratatui::backend::TestBackend>,
    themes: &watchroom::ui::Themes,
    n: usize,
) -> Duration {
    let code = if n.is_multiple_of(2) {
        KeyCode::Char('j')
    } else {
        KeyCode::Char('k')
    };
    let started = Instant::now();
    press(app, code);
    draw(term, app, themes);
    started.elapsed()
}

/// Presses while `job` runs on the worker again and again: the presses made
/// while one was under way, and how many ran.
fn while_busy(
    app: &mut App,
    term: &mut ratatui::Terminal<ratatui::backend::TestBackend>,
    themes: &watchroom::ui::Themes,
    worker: &mpsc::Sender<(u64, Job)>,
    done: &mpsc::Receiver<Done>,
    job: impl Fn() -> Job,
    purpose: Purpose,
) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut jobs = 0;
    let mut n = 0;
    while times.len() < presses() {
        if app.work.busy(purpose).is_none() {
            app.work.queue(job(), common::now());
            for j in app.work.take() {
                worker.send(j).expect("the worker runs");
            }
            jobs += 1;
        }
        let t = timed_press(app, term, themes, n);
        n += 1;
        // counted only if the job was still under way when the frame was drawn
        let mut finished = false;
        while let Ok(d) = done.try_recv() {
            finished = true;
            app.handle_event(Event::Worked(d));
        }
        if !finished {
            times.push(t);
        }
        // presses a few milliseconds apart, as fast typing is
        std::thread::sleep(Duration::from_millis(2));
    }
    (times, jobs)
}

fn bench(size: u64, source: &Path) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("store.db");
    std::fs::copy(source, &path).expect("copy the bench store");
    let themes = themes();
    let mut app = open_console(&path, &themes, "all");
    let mut term = terminal();
    draw(&mut term, &app, &themes);

    let (post, done) = mpsc::channel();
    let worker = watchroom::app::work::spawn(Store::open(&path).expect("open"), move |d| {
        post.send(d).is_ok()
    })
    .expect("the worker starts");

    // at rest
    let mut rest = Vec::new();
    for n in 0..presses() {
        rest.push(timed_press(&mut app, &mut term, &themes, n));
        std::thread::sleep(Duration::from_millis(2));
    }
    let rest = summary(size, "at_rest", rest, 0);

    let today = common::now().date_naive();
    let period = PeriodPreset::default().period(today, 0);
    let report = || Job::Report {
        period,
        tz: chrono_tz::Europe::London,
        ladder: Default::default(),
        police: Default::default(),
        now: common::now(),
    };
    let (times, jobs) = while_busy(
        &mut app,
        &mut term,
        &themes,
        &worker,
        &done,
        report,
        Purpose::Report,
    );
    let during_report = summary(size, "during_yearly_report", times, jobs);

    let exclusion: i64 = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row("SELECT MIN(id) FROM exclusions", [], |r| r.get(0))
        .expect("the demo town has exclusions");
    let out = dir.path().join("documents");
    let settings =
        watchroom::app::config::Config::default().document_settings(dir.path().join("templates"));
    let operator = app_operator(&path);
    let notice = || Job::Notice {
        kind: watchroom::domain::document::DocKind::ExclusionNotice,
        exclusion,
        settings: Box::new(settings.clone()),
        out: out.clone(),
        operator,
        now: common::now(),
    };
    let (times, jobs) = while_busy(
        &mut app,
        &mut term,
        &themes,
        &worker,
        &done,
        notice,
        Purpose::Notice,
    );
    let during_notice = summary(size, "during_notice", times, jobs);
    for (label, f) in [("yearly_report", during_report), ("notice", during_notice)] {
        println!(
            "bench: worker/{label}/{size}: worst {:.2}× the worst at rest, p99 {:.2}× the p99 at rest",
            ms(f.worst) / ms(rest.worst).max(0.001),
            ms(f.p99) / ms(rest.p99).max(0.001),
        );
    }
}

/// The demo operator's id, who makes the notices.
fn app_operator(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .expect("open")
        .query_row(
            "SELECT id FROM operators WHERE name = ?1",
            [watchroom::store::demo::DEMO_OPERATOR],
            |r| r.get(0),
        )
        .expect("the demo operator")
}

fn main() {
    for size in common::sizes() {
        let source = common::ensure_store(size);
        bench(size, &source);
    }
}
