//! The governance views of the set-up pane, driven by keys on a store made
//! from empty and on the demo: a breach logged with its 72 hours counting
//! down on the fixed clock, then overdue, reported and closed; agreements
//! and the DPIA with their reviews flagged; bad input kept in the form and
//! nothing written; the manager's overview reminder; other roles refused.

mod support;

use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::setup::SetupView;
use watchroom::app::{Action, Pane};
use watchroom::domain::pin::PinPolicy;
use watchroom::store::governance::GovernanceRecord;
use watchroom::store::Store;

fn scheme_store() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("real.db");
    let mut s = Store::open(&path).unwrap();
    s.create_first_manager("Dana Chief", "482913", &PinPolicy::default(), now())
        .unwrap();
    (dir, path)
}

/// The set-up pane's view `view`, from the zones.
fn open_view(c: &mut Console, view: SetupView) {
    c.keys("9");
    assert_eq!(c.app.pane, Pane::Setup);
    while c.app.setup.view != view {
        c.keys("v");
    }
}

/// Type into the focused field (cleared first) and move to the next.
fn field(c: &mut Console, text: &str) {
    c.ctrl('u');
    c.keys(text);
    c.key(KeyCode::Tab);
}

fn skip(c: &mut Console, n: usize) {
    for _ in 0..n {
        c.key(KeyCode::Tab);
    }
}

fn row_with(text: &str, parts: &[&str]) -> bool {
    text.lines().any(|l| parts.iter().all(|p| l.contains(p)))
}

#[test]
fn a_breach_is_logged_counted_down_reported_and_closed_from_the_console() {
    let (_dir, path) = scheme_store();
    // two days pass idle without the console locking
    let config = Config {
        lock_after_minutes: 10_000,
        ..Default::default()
    };
    let mut c = console_on(&path, "Dana Chief", config);
    open_view(&mut c, SetupView::Breaches);
    assert!(c.text().contains("No breaches logged"), "{}", c.text());

    // found 25 Nov 18:00 (GMT): 30 of its 72 hours left at noon on the 27th
    c.keys("A");
    field(&mut c, "Bulletin emailed to the wrong list");
    field(&mut c, "2026-11-25 18:00");
    skip(&mut c, 1);
    field(&mut c, "12");
    field(&mut c, "members' staff");
    c.ctrl('s');
    assert!(c.app.form().is_none(), "{}", c.text());
    let screen = c.text();
    assert!(
        row_with(
            &screen,
            &[
                "#1",
                "25 Nov 2026 18:00",
                "12",
                "1d 6h left to report",
                "Bulletin emailed"
            ]
        ),
        "{screen}"
    );
    assert!(screen.contains("1 open, 0 closed"), "{screen}");

    // two days on, unreported: overdue, and the overview says so
    c.clock.advance(Duration::hours(48));
    c.update(Action::Tick);
    assert!(
        row_with(&c.text(), &["#1", "report overdue by 18h 00m"]),
        "{}",
        c.text()
    );
    c.keys("0");
    let overview = c.text();
    assert!(
        overview.contains("governance: 1 breach due to the ICO"),
        "{overview}"
    );

    // reported: e, down to "Told the ICO", now, and its reference
    open_view(&mut c, SetupView::Breaches);
    c.keys("e");
    skip(&mut c, 5);
    field(&mut c, "now");
    field(&mut c, "ICO-77");
    c.ctrl('s');
    assert!(c.app.form().is_none(), "{}", c.text());
    assert!(
        row_with(&c.text(), &["#1", "reported 29 Nov 2026 12:00"]),
        "{}",
        c.text()
    );
    let s = Store::open(&path).unwrap();
    let b = s.breach(1).unwrap().unwrap();
    assert_eq!(b.ico_reference, "ICO-77");
    assert_eq!(b.reported_at, Some(now() + Duration::hours(48)));
    let history = s.governance_changes(GovernanceRecord::Breach(1)).unwrap();
    assert_eq!(history[0].by, "Dana Chief");
    assert_eq!(
        history[0]
            .fields
            .iter()
            .map(|f| f.field.as_str())
            .collect::<Vec<_>>(),
        ["reported to the ICO", "ICO reference"]
    );

    // closed with what was done
    c.keys("X");
    field(&mut c, "List recalled; staff retrained");
    c.ctrl('s');
    assert!(
        row_with(&c.text(), &["#1", "closed 29 Nov 2026 12:00"]),
        "{}",
        c.text()
    );
    assert!(c.text().contains("0 open, 1 closed"));
    let actions: Vec<String> = raw(&path)
        .prepare("SELECT action FROM audit WHERE entity = 'breach' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(actions, ["add", "edit", "close"]);
}

#[test]
fn agreements_and_the_dpia_are_added_with_reviews_flagged_and_bad_input_writes_nothing() {
    let (_dir, path) = scheme_store();
    let mut c = console_on(&path, "Dana Chief", Config::default());
    open_view(&mut c, SetupView::Agreements);
    assert!(c.text().contains("No sharing agreements recorded"));

    // the review before the day it was signed: refused in the form, kept as typed
    c.keys("A");
    field(&mut c, "Kent Police");
    field(&mut c, "offender information");
    field(&mut c, "law enforcement");
    field(&mut c, "2025-01-10");
    field(&mut c, "2024-12-10");
    c.ctrl('s');
    let screen = c.text();
    assert!(
        screen.contains("review: the review date is before the day it was signed"),
        "{screen}"
    );
    assert!(c.app.form().is_some() && screen.contains("Kent Police"));
    assert_eq!(count(&path, "SELECT COUNT(*) FROM sharing_agreements"), 0);
    // put right: reviewed on 10 December, 13 days away
    c.key(KeyCode::BackTab);
    field(&mut c, "2026-12-10");
    c.ctrl('s');
    assert!(c.app.form().is_none(), "{}", c.text());
    let screen = c.text();
    assert!(
        row_with(
            &screen,
            &[
                "#1",
                "Kent Police",
                "2025-01-10",
                "2026-12-10",
                "review due in 13 days"
            ]
        ),
        "{screen}"
    );
    assert!(screen.contains("1 in force, 1 due for review"), "{screen}");

    // the DPIA: approved a year ago, its review in four days
    c.keys("v");
    assert!(c.text().contains("Neither is recorded yet"));
    c.keys("A");
    skip(&mut c, 1);
    field(&mut c, "1.0");
    field(&mut c, "2025-12-01");
    field(&mut c, "2026-12-01");
    c.ctrl('s');
    let screen = c.text();
    assert!(
        row_with(
            &screen,
            &["#1", "DPIA", "1.0", "2025-12-01", "review due in 4 days"]
        ),
        "{screen}"
    );
    assert!(
        screen.contains("none recorded: appropriate policy document"),
        "{screen}"
    );
    c.keys("0");
    assert!(
        c.text().contains("governance: 2 reviews due"),
        "{}",
        c.text()
    );

    // the agreement ended: kept, no longer in force, no longer due
    open_view(&mut c, SetupView::Agreements);
    c.keys("X");
    c.ctrl('s');
    let screen = c.text();
    assert!(
        row_with(&screen, &["#1", "Kent Police", "ended 2026-11-27"]),
        "{screen}"
    );
    assert!(screen.contains("0 in force, 0 due for review"), "{screen}");
    assert_eq!(count(&path, "SELECT COUNT(*) FROM sharing_agreements"), 1);
}

#[test]
fn a_colleagues_save_in_between_is_caught_not_overwritten() {
    let (_dir, path) = demo_store();
    Store::open(&path)
        .unwrap()
        .operator_or_add("Dana Reeve", "manager", now())
        .unwrap();
    let mut a = console_on(&path, "Alex Morgan", Config::default());
    let mut b = console_on(&path, "Dana Reeve", Config::default());
    open_view(&mut a, SetupView::Breaches);
    a.keys("A");
    field(&mut a, "Radio log photo posted");
    a.ctrl('s');
    open_view(&mut b, SetupView::Breaches);
    for c in [&mut a, &mut b] {
        c.keys("e");
    }
    // A counts three affected; B, on the copy opened before, says who
    skip(&mut a, 3);
    field(&mut a, "3");
    a.ctrl('s');
    skip(&mut b, 4);
    field(&mut b, "two shoppers");
    b.ctrl('s');
    assert!(
        message(&b).contains("save refused: breach #1 was changed by Alex Morgan"),
        "{}",
        message(&b)
    );
    // saving again applies only what B changed, onto A's copy
    b.ctrl('s');
    let kept = Store::open(&path).unwrap().breach(1).unwrap().unwrap();
    assert_eq!(
        (kept.people_affected, kept.who_affected.as_str()),
        (3, "two shoppers")
    );
}

#[test]
fn other_roles_cannot_open_the_governance_views() {
    let (_dir, path) = demo_store();
    for who in ["Priya Shah", "Tom Baxter", "Sam Okafor", "Jo Lindqvist"] {
        let mut c = console_on(&path, who, Config::default());
        let refusals = count(&path, "SELECT COUNT(*) FROM audit WHERE action = 'refused'");
        c.keys("9");
        assert_ne!(c.app.pane, Pane::Setup, "{who}");
        assert!(
            message(&c).starts_with("refused:"),
            "{who}: {}",
            message(&c)
        );
        assert_eq!(
            count(&path, "SELECT COUNT(*) FROM audit WHERE action = 'refused'"),
            refusals + 1,
            "{who}'s refusal is audited"
        );
        assert_eq!(
            c.app.governance_reminder(),
            None,
            "{who} is reminded of nothing"
        );
    }
}
