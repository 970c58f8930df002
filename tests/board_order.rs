//! The board's orders as an operator meets them: the live view by priority
//! and age, the closed and all views newest first, and `o` cycling the
//! order, on the demo and on a scheme's own store, live across consoles.

mod support;

use chrono::{DateTime, Utc};
use support::*;
use watchroom::app::config::Config;
use watchroom::app::Pane;
use watchroom::domain::{BoardOrder, Priority, StatusView};

fn opened(c: &Console) -> Vec<DateTime<Utc>> {
    c.app.board.rows.iter().map(|r| r.opened_at).collect()
}

fn falls(times: &[DateTime<Utc>]) -> bool {
    times.windows(2).all(|w| w[0] >= w[1])
}

fn rises(times: &[DateTime<Utc>]) -> bool {
    times.windows(2).all(|w| w[0] <= w[1])
}

/// `v` until the board shows this view.
fn view(c: &mut Console, wanted: StatusView) {
    for _ in 0..StatusView::CYCLE.len() {
        if c.app.board.filter.status == wanted {
            return;
        }
        c.press('v');
    }
    panic!("no {wanted:?} view");
}

#[test]
fn closed_and_all_open_newest_first_and_o_cycles_every_order() {
    let mut c = demo_console();
    c.press('1');
    assert_eq!(c.app.pane, Pane::Incidents);
    assert_eq!(c.app.board.filter.order, BoardOrder::Priority);
    assert!(c.text().contains("· priority and age"), "{}", c.text());

    view(&mut c, StatusView::Only(watchroom::domain::Status::Closed));
    assert!(c.app.board.rows.len() > 3, "the demo has closed incidents");
    assert!(c.text().contains("· newest first"), "{}", c.text());
    assert!(falls(&opened(&c)), "closed: newest first");

    c.press('o');
    assert!(
        message(&c).contains("incidents: oldest first"),
        "{}",
        message(&c)
    );
    assert!(c.text().contains("· oldest first"));
    assert!(rises(&opened(&c)), "oldest first");

    c.press('o');
    assert!(message(&c).contains("last updated first"));
    let updated: Vec<_> = c.app.board.rows.iter().map(|r| r.updated_at).collect();
    assert!(falls(&updated), "last updated first");

    c.press('o');
    assert!(message(&c).contains("priority and age"));
    let p: Vec<_> = c.app.board.rows.iter().map(|r| r.priority).collect();
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "by priority: {p:?}");

    c.press('o');
    assert!(falls(&opened(&c)), "and round to newest first");

    // a picked order stays as the view changes
    c.press('o');
    view(&mut c, StatusView::All);
    assert_eq!(c.app.board.filter.order, BoardOrder::Oldest);
    assert!(rises(&opened(&c)));
    view(&mut c, StatusView::Live);
    assert_eq!(c.app.board.filter.order, BoardOrder::Oldest);
    assert!(rises(&opened(&c)));
}

#[test]
fn the_all_view_of_a_new_schemes_store_is_newest_first_and_follows_another_console() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scheme.db");
    let mut c = console_on(&path, "Cleo", Config::default());
    c.press('1');
    view(&mut c, StatusView::All);
    assert!(c.app.board.rows.is_empty());
    assert!(c.text().contains("· newest first"), "{}", c.text());

    let first = logged_elsewhere(&path, "Dana", "theft", Priority::Low, "first of the night");
    c.update(watchroom::app::Action::StoreChanged);
    let second = logged_elsewhere(&path, "Dana", "theft", Priority::Low, "second, a P4");
    c.update(watchroom::app::Action::StoreChanged);
    let ids: Vec<i64> = c.app.board.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, [second, first], "the newest on top");

    // oldest first, and a note elsewhere brings the first to the top of last updated
    c.press('o');
    let ids: Vec<i64> = c.app.board.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, [first, second]);
    c.press('o');
    let ids: Vec<i64> = c.app.board.rows.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        [second, first],
        "logged together: the later number first"
    );
    let mut other = watchroom::store::Store::open(&path).unwrap();
    let dana = other.operator_or_add("Dana", "operator", now()).unwrap();
    other
        .add_note(first, "still outside", None, dana.id, now() + mins(1))
        .unwrap();
    c.update(watchroom::app::Action::StoreChanged);
    let ids: Vec<i64> = c.app.board.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, [first, second], "the noted one first");
}

#[test]
fn o_on_the_overview_says_where_the_order_is_changed() {
    let mut c = demo_console();
    c.press('0');
    assert_eq!(c.app.pane, Pane::Overview, "the overview fits 120×40");
    c.press('o');
    assert!(
        message(&c).contains("orders the board (1)"),
        "{}",
        message(&c)
    );
    assert_eq!(c.app.board.filter.order, BoardOrder::Priority);
}
