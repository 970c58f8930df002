//! Exclusion reviews on copies of the demo store, as a manager at the
//! console: a review date before the sanction starts is refused; one due
//! within the week is listed in the offenders pane and the overview; `R` on
//! the profile records the outcome and the next date, audited and kept in
//! the exclusion's history; the store refuses a review with no outcome or a
//! next date gone by.

mod support;

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::form::FieldKey;
use watchroom::store::{Store, StoreError};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Tab to `key` in the open form, clear it and type `text`.
fn set(c: &mut Console, key: FieldKey, text: &str) {
    for _ in 0..12 {
        let f = c.app.form().expect("a form open");
        if f.fields[f.focus].key == key {
            c.ctrl('u');
            c.keys(text);
            return;
        }
        c.key(KeyCode::Tab);
    }
    let f = c.app.form().unwrap();
    panic!(
        "no {key:?} field in {:?}",
        f.fields.iter().map(|f| f.key).collect::<Vec<_>>()
    );
}

fn form_error(c: &Console) -> String {
    c.app
        .form()
        .and_then(|f| f.error.clone())
        .unwrap_or_default()
}

#[test]
fn a_review_is_refused_before_the_start_listed_when_due_and_recorded_from_the_profile() {
    let (_dir, path) = demo_store();
    let id = register(&path, "Zebedee Quill", "Zeb", &[], None);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    let today = now().date_naive();
    c.keys("3/quil");
    c.key(KeyCode::Enter);
    c.open_profile("serving a sanction");
    c.keys("x");
    set(&mut c, FieldKey::From, &today.to_string());
    let before = today - chrono::Duration::days(3);
    set(&mut c, FieldKey::ReviewOn, &before.to_string());
    c.ctrl('s');
    let error = form_error(&c);
    assert!(
        error.contains(&format!("{before} is before the sanction starts ({today})")),
        "{error}"
    );
    let due = today + chrono::Duration::days(3);
    set(&mut c, FieldKey::ReviewOn, &due.to_string());
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{}", form_error(&c));

    // listed as due: in the offenders pane's exclusions and the overview
    let e = Store::open(&path).unwrap().exclusions_for(id).unwrap()[0].clone();
    assert_eq!(e.review_on, Some(due));
    c.key(KeyCode::Esc);
    assert!(c
        .app
        .register
        .reviews_due
        .iter()
        .any(|r| r.exclusion.id == e.id));
    let reminder = c.app.review_reminder().expect("a reminder for a manager");
    assert!(reminder.contains("exclusion review"), "{reminder}");
    c.keys("vvv"); // past the ID-sought and their gallery, to the exclusions in force
    let screen = c.text_at(160, 40);
    let row = screen
        .lines()
        .find(|l| l.contains("Zebedee Quill"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        row.contains(&format!("review due {}", due.format("%d %b"))),
        "{row}"
    );
    assert!(screen.contains("due for review this week"), "{screen}");

    // R on the profile: the outcome and the next review
    c.keys("v"); // back to the known, still searched for him
    c.open_profile("the exclusion's review");
    assert_eq!(c.app.profile.as_ref().unwrap().profile.offender.id, id);
    c.keys("R");
    c.ctrl('s');
    assert!(
        form_error(&c).contains("say what the review decided"),
        "{}",
        form_error(&c)
    );
    set(&mut c, FieldKey::Outcome, "continues unchanged");
    set(&mut c, FieldKey::ReviewOn, "2027-02-01");
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{}", form_error(&c));
    assert!(
        message(&c).contains("the next is on 2027-02-01"),
        "{}",
        message(&c)
    );

    let screen = c.text_at(160, 40);
    assert!(
        screen.contains(&format!("reviewed {today}: continues unchanged")),
        "the profile shows the review\n{screen}"
    );

    let store = Store::open(&path).unwrap();
    let e = store.exclusion(e.id).unwrap();
    assert_eq!(e.reviewed_on, Some(today));
    assert_eq!(e.review_outcome.as_deref(), Some("continues unchanged"));
    assert_eq!(e.review_on, Some(day("2027-02-01")));
    let audit = store.recent_audit(None, 1).unwrap();
    assert_eq!(
        (audit[0].action.code(), audit[0].entity.as_str()),
        ("review", "exclusion")
    );
    // no longer due
    assert!(!store
        .reviews_due(today, 7, now())
        .unwrap()
        .iter()
        .any(|r| r.exclusion.id == e.id));
}

#[test]
fn the_store_refuses_a_review_with_no_outcome_or_a_next_date_gone_by() {
    let (_dir, path) = demo_store();
    let id = register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut store = Store::open(&path).unwrap();
    let op = store
        .operator_or_add("Sam Manager", "manager", now())
        .unwrap();
    let e = store.exclusions_for(id).unwrap()[0].clone();
    let today = now().date_naive();
    let invalid = |r: Result<_, StoreError>| match r {
        Err(StoreError::Invalid(m)) => m,
        other => panic!("{other:?}"),
    };
    let m = invalid(store.record_review(e.id, e.version, "  ", None, today, op.id, now()));
    assert!(m.contains("say what the review decided"), "{m}");
    let gone = today - chrono::Duration::days(1);
    let m = invalid(store.record_review(
        e.id,
        e.version,
        "lifted next month",
        Some(gone),
        today,
        op.id,
        now(),
    ));
    assert!(m.contains("is in the past"), "{m}");
    assert_eq!(
        store.exclusion(e.id).unwrap().version,
        e.version,
        "nothing written"
    );
    // with no next review, the date clears and it is not listed again
    store
        .record_review(
            e.id,
            e.version,
            "continues to its end",
            None,
            today,
            op.id,
            now(),
        )
        .unwrap();
    let after = store.exclusion(e.id).unwrap();
    assert_eq!(after.review_on, None);
    assert_eq!(after.reviewed_on, Some(today));
}
