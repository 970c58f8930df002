//! The incident board at 1,000 and 1,000,000 incidents, on a 120×40 test
//! terminal with the clock standing at 2026-11-27 12:00 UTC.
//!
//! - `first_frame`: open the store, build the console, size it, draw the first
//!   board (`live`, and `all` — the live view is small).
//! - `key_to_frame`: one key press and the frame after it, on the `all` view.
//! - `filter`: apply a text filter and draw.
//! - floors: `empty_frame` (drawing with nothing to draw, and redrawing the
//!   board unchanged) and `bare_query` (the store's query, and the same SQL on
//!   a bare connection); `bare_query_filter` splits a text filter on the
//!   `all` view into its window query and its count.
//!
//! `cargo bench --bench board -- --quick --noplot` for figures;
//! `cargo bench --bench board -- --test` checks every benchmark runs once, on
//! the 1,000-incident store only. Stores: see `common/mod.rs`.

mod common;

use common::{draw, open_console, press, settle, terminal, themes, PAGE};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::Terminal;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use watchroom::app::{Action, App, Pane, COUNT_CAP};
use watchroom::domain::{BoardOrder, IncidentFilter, StatusView};
use watchroom::store::{Anchor, Store};
use watchroom::ui::Themes;

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

/// A console on a test terminal, for timing key presses one frame at a time.
struct Console<'a> {
    app: App,
    terminal: Terminal<TestBackend>,
    themes: &'a Themes,
    /// Timed presses since the last (untimed) reset.
    since_reset: u64,
}

impl<'a> Console<'a> {
    fn open(path: &Path, themes: &'a Themes, view: &str) -> Console<'a> {
        let app = open_console(path, themes, view);
        let mut terminal = terminal();
        draw(&mut terminal, &app, themes);
        Console {
            app,
            terminal,
            themes,
            since_reset: u64::MAX,
        }
    }

    /// Time `iters` presses of `code`, each with the frame after it. Before a
    /// press, when `due` says so (given the app and the presses since the last
    /// reset), press `reset` and redraw, untimed.
    fn time_key(
        &mut self,
        iters: u64,
        code: KeyCode,
        due: impl Fn(&App, u64) -> bool,
        reset: &[KeyCode],
    ) -> Duration {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            if due(&self.app, self.since_reset) {
                for k in reset {
                    press(&mut self.app, *k);
                }
                draw(&mut self.terminal, &self.app, self.themes);
                self.since_reset = 0;
            }
            let t = Instant::now();
            press(&mut self.app, code);
            draw(&mut self.terminal, &self.app, self.themes);
            total += t.elapsed();
            self.since_reset = self.since_reset.saturating_add(1);
        }
        total
    }
}

/// `iters` first frames: the console opened by `open`, then drawn. Closing
/// the store afterwards is not part of it.
fn time_first_frame(iters: u64, open: impl Fn() -> App, themes: &Themes) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let t = Instant::now();
        let app = open();
        let mut terminal = terminal();
        draw(&mut terminal, &app, themes);
        total += t.elapsed();
        black_box(&terminal);
        drop(app);
    }
    total
}

fn first_frame(c: &mut Criterion) {
    let themes = themes();
    let mut g = c.benchmark_group("first_frame");
    for (n, path) in stores() {
        for view in ["live", "all"] {
            g.bench_with_input(BenchmarkId::new(view, n), path, |b, path| {
                b.iter_custom(|iters| {
                    time_first_frame(iters, || open_console(path, &themes, view), &themes)
                })
            });
        }
    }
    g.finish();
}

fn key_to_frame(c: &mut Criterion) {
    let themes = themes();
    let mut g = c.benchmark_group("key_to_frame");
    let top = KeyCode::Char('g');
    let down = KeyCode::Char('j');
    for (n, path) in stores() {
        let mut con = Console::open(path, &themes, "all");
        assert_eq!(
            con.app.board.rows.len(),
            PAGE,
            "a full page on the all view"
        );

        // `j` moving the selection inside the window: no query.
        con.since_reset = u64::MAX;
        g.bench_function(BenchmarkId::new("j_move", n), |b| {
            b.iter_custom(|iters| {
                con.time_key(
                    iters,
                    down,
                    |a, _| a.board.selected + 1 >= a.board.rows.len(),
                    &[top],
                )
            })
        });

        // `j` on the window's last row: every press fetches the next row.
        let to_last_row: Vec<KeyCode> = std::iter::once(top)
            .chain(std::iter::repeat_n(down, PAGE - 1))
            .collect();
        con.since_reset = u64::MAX;
        g.bench_function(BenchmarkId::new("j_scroll", n), |b| {
            b.iter_custom(|iters| {
                con.time_key(
                    iters,
                    down,
                    |a, k| a.board.selected + 1 < a.board.rows.len() || k >= 300,
                    &to_last_row,
                )
            })
        });

        // PageDown: back to the top every 20 pages, so it never meets the end.
        con.since_reset = u64::MAX;
        g.bench_function(BenchmarkId::new("page_down", n), |b| {
            b.iter_custom(|iters| con.time_key(iters, KeyCode::PageDown, |_, k| k >= 20, &[top]))
        });

        // PageUp: 20 pages down, then back up to the top.
        let twenty_down: Vec<KeyCode> = std::iter::once(top)
            .chain(std::iter::repeat_n(KeyCode::PageDown, 20))
            .collect();
        con.since_reset = u64::MAX;
        g.bench_function(BenchmarkId::new("page_up", n), |b| {
            b.iter_custom(|iters| {
                con.time_key(iters, KeyCode::PageUp, |_, k| k >= 20, &twenty_down)
            })
        });

        // `g` from one page down: reloads the first window, and recounts.
        con.since_reset = u64::MAX;
        g.bench_function(BenchmarkId::new("g_top", n), |b| {
            b.iter_custom(|iters| con.time_key(iters, top, |_, _| true, &[KeyCode::PageDown]))
        });
        assert_eq!(con.app.board.rows.len(), PAGE);
    }
    g.finish();
}

/// The overview beside the board, in the same run: its first frame (open
/// the store, build the console, show the overview) and `j` in its live
/// incidents section, against the board's.
fn overview(c: &mut Criterion) {
    let themes = themes();
    let mut g = c.benchmark_group("overview");
    let top = KeyCode::Char('g');
    let down = KeyCode::Char('j');
    for (n, path) in stores() {
        for pane in ["overview", "board"] {
            g.bench_with_input(
                BenchmarkId::new(format!("first_frame_{pane}"), n),
                path,
                |b, path| {
                    b.iter_custom(|iters| {
                        time_first_frame(
                            iters,
                            || {
                                let mut app = open_console(path, &themes, "live");
                                if pane == "overview" {
                                    press(&mut app, KeyCode::Char('0'));
                                }
                                app
                            },
                            &themes,
                        )
                    })
                },
            );
        }
        for pane in ["overview", "board"] {
            let mut con = Console::open(path, &themes, "live");
            if pane == "overview" {
                press(&mut con.app, KeyCode::Char('0'));
                assert_eq!(con.app.pane, Pane::Overview, "the overview fits 120×40");
                assert!(!con.app.overview.incidents.is_empty());
            }
            con.since_reset = u64::MAX;
            g.bench_function(BenchmarkId::new(format!("j_{pane}"), n), |b| {
                b.iter_custom(|iters| {
                    con.time_key(
                        iters,
                        down,
                        |a, _| {
                            if a.pane == Pane::Overview {
                                // within what the section shows on screen
                                a.overview.incident_selected + 1
                                    >= a.overview.incidents.len().min(15)
                            } else {
                                a.board.selected + 1 >= a.board.rows.len()
                            }
                        },
                        &[top],
                    )
                })
            });
        }
    }
    g.finish();
}

fn filter(c: &mut Criterion) {
    let themes = themes();
    let mut g = c.benchmark_group("filter");
    // A slow case (a word nothing contains, all view, 1M) takes about a second.
    g.sample_size(10);
    // The Perfume Shop is one member of 60 (matches its name); “wallet” is in
    // about one summary in a hundred; nothing contains “zebra”.
    for (n, path) in stores() {
        for view in ["live", "all"] {
            let mut app = open_console(path, &themes, view);
            // a filter that reads text is worked out on the store worker
            let mut worker = Store::open(path).expect("the worker's connection");
            let mut t = terminal();
            for word in ["perfume", "wallet", "zebra"] {
                let text = match view {
                    "live" => word.to_string(),
                    v => format!("status:{v} {word}"),
                };
                app.update(Action::SetFilter(text.clone()));
                settle(&mut app, &mut worker);
                assert_eq!(app.board.filter_text, text);
                assert_eq!(app.board.filter.status.label(), view);
                if word == "zebra" {
                    assert!(app.board.rows.is_empty(), "nothing contains “zebra”");
                } else if view == "all" {
                    assert!(!app.board.rows.is_empty(), "“{word}” matches something");
                }
                g.bench_function(BenchmarkId::new(format!("{view}_{word}"), n), |b| {
                    b.iter(|| {
                        app.update(Action::SetFilter(text.clone()));
                        settle(&mut app, &mut worker);
                        draw(&mut t, &app, &themes);
                    })
                });
            }
        }
    }
    g.finish();
}

fn empty_frame(c: &mut Criterion) {
    let themes = themes();
    let mut g = c.benchmark_group("empty_frame");

    // Nothing but clearing a 120×40 frame.
    let mut t = terminal();
    g.bench_function("clear", |b| {
        b.iter(|| {
            t.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))
                .expect("draw");
        })
    });

    // The whole console with no incidents at all.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let empty = dir.path().join("empty.db");
    let app = open_console(&empty, &themes, "all");
    assert!(app.board.rows.is_empty());
    let mut t = terminal();
    g.bench_function("ui_zero_rows", |b| b.iter(|| draw(&mut t, &app, &themes)));
    drop(app);

    // The full board drawn again with nothing changed: the drawing part of a key press.
    for (n, path) in stores() {
        let app = open_console(path, &themes, "all");
        let mut t = terminal();
        g.bench_function(BenchmarkId::new("board_redraw", n), |b| {
            b.iter(|| draw(&mut t, &app, &themes))
        });
    }
    g.finish();
}

fn bare_query(c: &mut Criterion) {
    let mut g = c.benchmark_group("bare_query");
    for (n, path) in stores() {
        // the store's queries on a connection of their own, as the console makes them
        let store = watchroom::store::Store::open(path).expect("open the bench store");
        let conn = common::bare_connection(path);
        // each view in the order it opens in, and the all view in the working order too
        for (view, status, clause, order) in [
            (
                "live",
                StatusView::Live,
                "i.closed = 0",
                BoardOrder::Priority,
            ),
            ("all", StatusView::All, "1", BoardOrder::Newest),
            (
                "all_by_priority",
                StatusView::All,
                "1",
                BoardOrder::Priority,
            ),
        ] {
            let filter = IncidentFilter {
                status,
                order,
                ..Default::default()
            };
            let first = store
                .board_window(&filter, Anchor::First, PAGE)
                .expect("board window");
            let expected = first.len();
            assert!(expected > 0, "the {view} view has incidents");
            // The store's query, as the board runs it (rows built).
            g.bench_function(BenchmarkId::new(format!("store_{view}"), n), |b| {
                b.iter(|| {
                    let rows = store
                        .board_window(black_box(&filter), Anchor::First, PAGE)
                        .expect("board window");
                    assert_eq!(rows.len(), expected);
                    rows
                })
            });
            // The same SELECT on a bare connection, read into plain values.
            let sql = common::board_sql(clause, order == BoardOrder::Newest);
            g.bench_function(BenchmarkId::new(format!("sql_{view}"), n), |b| {
                b.iter(|| {
                    let mut st = conn.prepare_cached(&sql).expect("prepare");
                    let rows = common::bare_rows(&mut st, PAGE);
                    assert_eq!(rows.len(), expected);
                    rows
                })
            });
            let bare = {
                let mut st = conn.prepare_cached(&sql).expect("prepare");
                common::bare_rows(&mut st, PAGE)
            };
            assert_eq!(
                bare.iter().map(|r| r.3).collect::<Vec<_>>(),
                first.iter().map(|r| r.id).collect::<Vec<_>>(),
                "the bare SQL returns the store's rows"
            );
        }
        // The query behind PageDown on the all view (keyset, after the first window).
        let all = IncidentFilter {
            status: StatusView::All,
            order: BoardOrder::Newest,
            ..Default::default()
        };
        let last = store
            .board_window(&all, Anchor::First, PAGE)
            .expect("board window")
            .last()
            .expect("a row")
            .key;
        g.bench_function(BenchmarkId::new("store_all_page_down", n), |b| {
            b.iter(|| {
                store
                    .board_window(black_box(&all), Anchor::After(last), PAGE)
                    .expect("board window")
            })
        });
        // The count every reload makes (stops at COUNT_CAP).
        g.bench_function(BenchmarkId::new("count_all", n), |b| {
            b.iter(|| {
                store
                    .count_incidents(black_box(&all), COUNT_CAP)
                    .expect("count")
            })
        });
    }
    g.finish();
}

/// What a text filter on the all view costs the store, split into its two
/// queries: the window (walks the board index until a page matches) and the
/// count (reads every incident unless COUNT_CAP matches are found first).
fn bare_query_filter(c: &mut Criterion) {
    let mut g = c.benchmark_group("bare_query_filter");
    g.sample_size(10);
    for (n, path) in stores() {
        let store = watchroom::store::Store::open(path).expect("open the bench store");
        for word in ["perfume", "zebra"] {
            let filter = IncidentFilter {
                status: StatusView::All,
                text: vec![word.to_string()],
                ..Default::default()
            };
            g.bench_function(BenchmarkId::new(format!("window_all_{word}"), n), |b| {
                b.iter(|| {
                    store
                        .board_window(black_box(&filter), Anchor::First, PAGE)
                        .expect("board window")
                })
            });
            g.bench_function(BenchmarkId::new(format!("count_all_{word}"), n), |b| {
                b.iter(|| {
                    store
                        .count_incidents(black_box(&filter), COUNT_CAP)
                        .expect("count")
                })
            });
        }
    }
    g.finish();
}

criterion_group!(
    benches,
    first_frame,
    key_to_frame,
    overview,
    filter,
    empty_frame,
    bare_query,
    bare_query_filter
);
criterion_main!(benches);
