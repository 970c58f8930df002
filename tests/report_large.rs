//! The committee report on a large store, worked out by the real store
//! worker on its own thread: the console's keys go on while it computes.

mod support;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;
use watchroom::app::work::{self, Done};
use watchroom::app::{Event, Pane};
use watchroom::store::{demo, Store};

/// The million-incident store of the README's figures: the year's figures take
/// about ten times as long to work out as the keys and frames below
/// (a few hundred milliseconds against a few tens, in a debug build).
const INCIDENTS: u64 = 1_000_000;

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn keys_move_and_draw_while_the_worker_works_out_a_large_stores_figures() {
    let (_dir, path) = support::demo_store();
    let mut store = Store::open(&path).unwrap();
    demo::add_bulk_incidents(&mut store, INCIDENTS, support::now(), |_| {}).unwrap();
    drop(store);
    let mut c = support::console_on(&path, "Alex Morgan", Default::default());

    // the runtime's worker: its own thread and connection, results posted back
    let (tx, rx) = std::sync::mpsc::channel::<Done>();
    let worker = work::spawn(Store::open(&path).unwrap(), move |done| {
        tx.send(done).is_ok()
    })
    .unwrap();
    let hand_over = |c: &mut support::Console| {
        for job in c.app.work.take() {
            worker.send(job).unwrap();
        }
    };

    // '7': the reports pane; its figures go to the worker
    c.app.handle_key(key('7'));
    assert_eq!(c.app.pane, Pane::Reports);
    hand_over(&mut c);
    assert!(c.app.report_working());
    assert!(c.text().contains("working out the figures"), "{}", c.text());

    // meanwhile: to the board, a row down, drawn, and back
    c.app.handle_key(key('1'));
    let at = c.app.board.selected;
    c.app.handle_key(key('j'));
    assert_eq!(c.app.board.selected, at + 1, "a key moves the board");
    assert_eq!(c.app.pane, Pane::Incidents);
    let board = c.text();
    assert!(board.contains("Incidents"), "{board}");
    c.app.handle_key(key('7'));
    hand_over(&mut c);
    assert!(
        rx.try_recv().is_err(),
        "the keys and frames were done while the figures were still being worked out"
    );
    assert!(c.app.report_working());

    // the figures, when they come, are drawn
    while c.app.report_working() {
        let done = rx
            .recv_timeout(Duration::from_secs(300))
            .expect("the worker answers");
        c.app.handle_event(Event::Worked(done));
        hand_over(&mut c);
    }
    let report = c.app.reports.report.as_ref().expect("the figures are in");
    assert!(
        report.incidents.total > 0,
        "the large store's incidents are counted"
    );
    assert!(!c.text().contains("working out"), "{}", c.text());
}
