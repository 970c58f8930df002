//! Words typed on the board, a keystroke at a time, through the full-text
//! index: on the "all" view of the generated stores (1,000 and 1,000,000
//! incidents), each keystroke's filter applied as the console applies it
//! (the window and the count on the store worker's connection, then the
//! frame), beside the bare FTS query for the same words in the same run.
//!
//! Words: a member's name (one member in sixty), a word in about one
//! summary in a hundred, one nothing contains, and a police reference
//! typed out (its prefixes go from common to a single incident).
//!
//! `cargo bench --bench words`; `-- --test` runs it once on the small store.

mod common;

use common::town::{line, ms, stats, verdict};
use common::{
    bare_connection, draw, ensure_store, open_console, settle, sizes, terminal, test_mode, themes,
};
use std::time::{Duration, Instant};
use watchroom::app::Action;
use watchroom::store::Store;

const TARGET: Duration = Duration::from_millis(10);

fn main() {
    let themes = themes();
    let rounds = if test_mode() { 2 } else { 30 };
    for n in sizes() {
        let path = ensure_store(n);
        let mut app = open_console(&path, &themes, "all");
        let mut worker = Store::open(&path).expect("the worker's connection");
        let bare = bare_connection(&path);
        let mut t = terminal();
        // a reference of the newest incident that has one, typed as a clerk would
        let police_ref: String = bare
            .query_row(
                "SELECT police_ref FROM incidents WHERE police_ref <> '' ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .expect("an incident with a police reference");
        println!(
            "words: {} ({n} incidents), the all view, 120×40, {rounds} rounds",
            path.display()
        );
        let mut every = vec![];
        for word in ["perfume", "wallet", "zebra", police_ref.as_str()] {
            let (mut keys, mut floor) = (vec![], vec![]);
            let (mut worst, mut worst_at) = (Duration::ZERO, String::new());
            for _ in 0..rounds {
                app.update(Action::SetFilter("status:all".into()));
                settle(&mut app, &mut worker);
                for k in 1..=word.chars().count() {
                    let typed: String = word.chars().take(k).collect();
                    let text = format!("status:all {typed}");
                    let started = Instant::now();
                    app.update(Action::SetFilter(text.clone()));
                    settle(&mut app, &mut worker);
                    draw(&mut t, &app, &themes);
                    let took = started.elapsed();
                    assert_eq!(app.board.filter_text, text);
                    keys.push(took);
                    if took > worst {
                        (worst, worst_at) = (took, typed.clone());
                    }

                    let Some(q) = watchroom::domain::words::match_query(&[typed.as_str()]) else {
                        continue;
                    };
                    let started = Instant::now();
                    let matched: i64 = bare
                        .prepare_cached(
                            "SELECT COUNT(*) FROM text_index WHERE text_index MATCH ?1 AND (rowid & 7) = 1",
                        )
                        .expect("prepare")
                        .query_row([q], |r| r.get(0))
                        .expect("the bare query");
                    floor.push(started.elapsed());
                    std::hint::black_box(matched);
                }
            }
            if word == "zebra" {
                assert!(app.board.rows.is_empty(), "nothing contains “zebra”");
            } else {
                assert!(!app.board.rows.is_empty(), "“{word}” finds something");
            }
            println!(
                "  “{word}”, {} keystrokes, {} shown at the end",
                word.chars().count(),
                app.board.count
            );
            line(
                "keystroke to frame (window, count, draw)",
                &stats(keys.clone()),
            );
            line("bare FTS query: every match counted", &stats(floor));
            println!("  {:<44} “{worst_at}” {}", "slowest keystroke", ms(worst));
            every.extend(keys);
        }
        let all = stats(every);
        line("every keystroke of every word", &all);
        println!(
            "  target: p99 under {}: p99 {} ({})\n",
            ms(TARGET),
            ms(all.p99),
            verdict(all.p99, TARGET)
        );
    }
}
