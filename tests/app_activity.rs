//! The activity pane (the audit trail and the retention review) and the
//! reason asked before a profile opens, driven by keys on a real store.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::Pane;

#[test]
fn a_manager_filters_the_audit_trail_by_who_what_whom_and_when() {
    let mut c = demo_console();
    c.log_incident('t', '2', "greggs", "Sandwiches taken");
    c.keys("3");
    c.key(KeyCode::Enter); // opening a profile is audited as a view
    c.keys("checking a report");
    c.key(KeyCode::Enter);
    let viewed = c.app.profile.as_ref().unwrap().profile.offender.id;
    c.keys("4/");
    c.keys(&format!("did:view offender:{viewed}"));
    assert!(!c.app.activity.records.is_empty());
    assert!(c
        .app
        .activity
        .records
        .iter()
        .all(|r| r.action.code() == "view" && r.entity_id == Some(viewed)));
    c.ctrl('u');
    c.keys("who:alex since:2026-11-27 until:2026-11-27 sandwiches");
    assert!(
        c.app.activity.records.is_empty(),
        "the detail holds no text of the incident"
    );
    c.ctrl('u');
    c.keys("who:priya");
    assert!(c
        .app
        .activity
        .records
        .iter()
        .all(|r| r.operator == "Priya Shah"));
    c.ctrl('u');
    c.keys("since:yesterday");
    assert!(c
        .app
        .input
        .as_ref()
        .unwrap()
        .error
        .as_ref()
        .unwrap()
        .contains("not a date"));
    // an action is one of the trail's, named in full
    c.ctrl('u');
    c.keys("did:viewed");
    let error = c.app.input.as_ref().unwrap().error.clone().unwrap();
    assert!(
        error.contains("no action called “viewed”")
            && error.contains("view, photo")
            && error.contains("sign-in_failed"),
        "{error}"
    );
    c.ctrl('u');
    c.keys("did:CREATE");
    assert_eq!(c.app.input.as_ref().unwrap().error, None);
    assert!(!c.app.activity.records.is_empty());
    assert!(c
        .app
        .activity
        .records
        .iter()
        .all(|r| r.action.code() == "create"));
}

#[test]
fn opening_a_profile_from_the_register_asks_why_and_audits_the_answer() {
    let mut c = demo_console();
    c.keys("3");
    c.key(KeyCode::Enter);
    assert!(c.app.profile.is_none(), "nothing is shown before a reason");
    assert!(c.text().contains("why open this record?"), "{}", c.text());

    // an empty reason is refused and nothing is opened or audited
    let before = c.worker.recent_audit(None, 1).unwrap()[0].id;
    c.key(KeyCode::Enter);
    assert!(c.app.profile.is_none());
    assert!(c.text().contains("say why"), "{}", c.text());
    assert_eq!(c.worker.recent_audit(None, 1).unwrap()[0].id, before);

    // Esc leaves the register as it was
    c.key(KeyCode::Esc);
    assert!(c.app.input.is_none() && c.app.profile.is_none());

    c.key(KeyCode::Enter);
    c.keys("member asked about a \x1b[31mbanned\x1b[0m man");
    c.key(KeyCode::Enter);
    let viewed = c.app.profile.as_ref().expect("opened").profile.offender.id;
    let last = &c.worker.recent_audit(None, 1).unwrap()[0];
    assert_eq!((last.action.code(), last.entity_id), ("view", Some(viewed)));
    assert!(
        last.detail.contains("member asked about a"),
        "{}",
        last.detail
    );
    assert!(!last.detail.contains('\x1b'), "the reason is cleaned");

    // the next opening offers the same reason: one Enter repeats it
    c.key(KeyCode::Esc);
    c.keys("j");
    c.key(KeyCode::Enter);
    c.key(KeyCode::Enter);
    let second = c.app.profile.as_ref().expect("opened").profile.offender.id;
    assert_ne!(second, viewed);
    let last = &c.worker.recent_audit(None, 1).unwrap()[0];
    assert_eq!(last.entity_id, Some(second));
    assert!(last.detail.contains("member asked about a"));
}

#[test]
fn a_manager_reviews_what_retention_would_remove_and_why_before_it_goes() {
    let mut c = demo_console();
    c.app.config.lock_after_minutes = 5_000_000; // the clock jumps years ahead
    c.keys("4v");
    assert!(
        c.text().contains("Retention review — nothing is due"),
        "{}",
        c.text()
    );

    // two years on, with nothing new, the demo's people and sightings are due
    c.clock.advance(chrono::Duration::days(2 * 365));
    c.keys("vv");
    let due = c.app.activity.due.clone();
    assert!(!due.is_empty());
    let expected = c
        .worker
        .retention_due(&c.app.config.retention, c.app.now())
        .unwrap();
    assert_eq!(due, expected, "the pane lists exactly what a dry run would");
    let screen = c.text();
    assert!(
        screen.contains(&format!("Retention review — {} due", due.len())),
        "{screen}"
    );
    assert!(screen.contains(&due[0].reason[..20]), "{screen}");

    // reviewing is not removing: nothing was deleted
    assert_eq!(
        c.worker
            .retention_due(&c.app.config.retention, c.app.now())
            .unwrap(),
        due
    );

    // Enter on a person asks why (offering "retention review") and audits the view
    let person = due.iter().position(|d| d.kind.is_offender()).unwrap();
    for _ in 0..person {
        c.keys("j");
    }
    c.key(KeyCode::Enter);
    c.key(KeyCode::Enter);
    let shown = c
        .app
        .profile
        .as_ref()
        .expect("the profile")
        .profile
        .offender
        .id;
    assert_eq!(shown, due[person].id);
    let last = &c.worker.recent_audit(None, 1).unwrap()[0];
    assert_eq!(last.action.code(), "view");
    assert!(last.detail.contains("retention review"), "{}", last.detail);
}

#[test]
fn only_a_manager_may_open_the_retention_review() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Sam Okafor", Config::default());
    // no key or action brings an operator to this pane (it is refused
    // them, and signing in moves off it): what is tried here is the review's
    // own refusal, behind that, so the pane is set directly
    c.app.pane = Pane::Activity;
    c.keys("v");
    assert_eq!(c.app.activity.view, watchroom::app::ActivityView::Audit);
    assert!(c.text().contains("refused"), "{}", c.text());
}

#[test]
fn the_audit_trail_and_the_retention_review_are_read_off_the_keys() {
    use watchroom::app::ActivityView;
    let mut c = demo_console();
    // '4' without letting the worker run: the pane says it is reading
    c.press('4');
    assert_eq!(c.app.pane, Pane::Activity);
    assert!(c.app.activity.reading);
    assert!(c.text().contains("reading…"), "{}", c.text());
    let trail = c.app.work.take();
    // 'v' for the review before the trail comes: the trail is no longer wanted
    c.press('v');
    assert_eq!(c.app.activity.view, ActivityView::Retention);
    let review = c.app.work.take();
    c.run_jobs(trail);
    assert!(
        c.app.activity.records.is_empty(),
        "the late trail is dropped"
    );
    assert!(c.app.activity.reading);
    c.run_jobs(review);
    assert!(!c.app.activity.reading);
    assert!(!c.text().contains("reading…"));
    // and back: the trail, newest first, once the worker has read it
    c.press('v');
    let trail = c.app.work.take();
    assert_eq!(trail.len(), 1);
    c.run_jobs(trail);
    assert!(!c.app.activity.records.is_empty());
    assert!(c.app.activity.records.windows(2).all(|w| w[0].id > w[1].id));
}
