//! What the keyboard waits for on every pane, on the generated store (the
//! demo town plus a million incidents in full runs), on a 120×40 test
//! terminal: the reads the console still makes at once, on the loop that
//! reads keys, must stay cheap on a large store; anything long goes to the
//! store worker, whose time is measured apart.
//!
//! For each pane, repeated:
//! - open: its key pressed from the board, and the frame after it;
//! - follow: another connection commits (a line in the occurrence log),
//!   then the console's reload on the store's notice, and the frame after it;
//! - worker: what the pane handed the store worker on opening, run on the
//!   worker's own connection (not on the keys' path).
//!
//! Figures are printed as `bench:` lines. `cargo bench --bench panes` for
//! figures; `-- --test` runs a few rounds on the small store.

mod common;

use common::{draw, open_console, press, terminal, themes};
use ratatui::crossterm::event::KeyCode;
use std::time::{Duration, Instant};
use watchroom::app::{Action, App, Pane};
use watchroom::store::Store;

fn rounds() -> usize {
    if common::test_mode() {
        3
    } else {
        40
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn line(size: u64, pane: &str, what: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "bench: panes/{pane}/{what}/{size}: median {:.2} ms, p99 {:.2} ms, worst {:.2} ms ({} rounds)",
        ms(at(0.5)),
        ms(at(0.99)),
        ms(*times.last().expect("timed")),
        times.len()
    );
}

/// Run what the console queued for the worker, on the worker's connection; how long it took.
fn work(app: &mut App, worker: &mut Store) -> Duration {
    let started = Instant::now();
    common::settle(app, worker);
    started.elapsed()
}

/// The key that opens `pane`: its number, or past the ten number keys its
/// own (the evidence log's `V`, the sightings' `W`), as the keymap has it.
fn key_for(app: &App, pane: Pane) -> char {
    pane.key(&app.keymap)
        .chars()
        .next()
        .expect("a key for every pane")
}

fn bench(size: u64) {
    let source = common::ensure_store(size);
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("store.db");
    std::fs::copy(&source, &path).expect("copy the bench store");
    let themes = themes();
    let mut app = open_console(&path, &themes, "all");
    let mut worker = Store::open(&path).expect("the worker's connection");
    let mut other = Store::open(&path).expect("another console's connection");
    let colleague = other
        .operator_or_add("Priya Shah", "cctv", common::now())
        .expect("a colleague");
    let mut term = terminal();
    draw(&mut term, &app, &themes);
    for pane in Pane::ALL {
        let name = pane.title().to_lowercase();
        let (mut open, mut follow, mut worked) = (vec![], vec![], vec![]);
        for n in 0..rounds() {
            press(&mut app, KeyCode::Char('1'));
            work(&mut app, &mut worker);
            draw(&mut term, &app, &themes);

            let started = Instant::now();
            let key = key_for(&app, pane);
            press(&mut app, KeyCode::Char(key));
            draw(&mut term, &app, &themes);
            open.push(started.elapsed());
            assert_eq!(app.pane, pane, "{name} opens");
            worked.push(work(&mut app, &mut worker));

            other
                .add_log_entry(
                    None,
                    colleague.id,
                    &format!("round {n}: all quiet"),
                    None,
                    common::now(),
                )
                .expect("a colleague's log entry");
            let started = Instant::now();
            app.update(Action::StoreChanged);
            draw(&mut term, &app, &themes);
            follow.push(started.elapsed());
            work(&mut app, &mut worker);
        }
        line(size, &name, "open", open);
        line(size, &name, "follow", follow);
        line(size, &name, "worker", worked);
    }
}

fn main() {
    for size in common::sizes() {
        bench(size);
    }
}
