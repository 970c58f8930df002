//! Members and their training on a real store, with the fixed clock: status,
//! renewals due, agreements, training due, membership over time, and the
//! audit trail of every change.

mod support;

use chrono::{Duration, NaiveDate};
use support::*;
use watchroom::app::config::Config;
use watchroom::domain::member::{default_courses, Agreement, MemberTraining, Renewal};
use watchroom::store::members::MemberEdit;
use watchroom::store::Store;

fn today() -> NaiveDate {
    now().date_naive()
}

fn shop(name: &str) -> MemberEdit {
    MemberEdit {
        name: name.into(),
        kind: "shop".into(),
        zone_id: 1,
        address: "2 High Street".into(),
        status: "active".into(),
        joined_on: Some(today() - Duration::days(400)),
        renewal_on: Some(today() + Duration::days(90)),
        agreement_version: Some("2024".into()),
        agreement_signed_on: Some(today() - Duration::days(300)),
        fee_paid_pence: 15_000,
    }
}

fn store_with_manager() -> (tempfile::TempDir, Store, i64) {
    let (dir, path) = demo_store();
    let mut s = Store::open(&path).unwrap();
    let op = s
        .operator_or_add("Test manager", "manager", now())
        .unwrap()
        .id;
    (dir, s, op)
}

#[test]
fn a_new_member_shows_its_renewal_agreement_and_training_standing() {
    let (_dir, mut s, op) = store_with_manager();
    let current = Config::default().agreement_version;
    let mut m = shop("Lantern Books");
    m.renewal_on = Some(today() + Duration::days(12));
    m.agreement_version = Some("2019".into());
    let id = s.add_member(&m, op, now()).unwrap();
    let row = s
        .member_rows(now())
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap();
    assert_eq!(row.zone, "High Street");
    assert_eq!(row.fee_paid_pence, 15_000);
    assert_eq!(row.renewal(today()), Renewal::DueIn(12));
    assert_eq!(row.agreement(&current), Agreement::Old("2019".into()));
    assert_eq!(row.training(today()), MemberTraining::Nobody);
    assert_eq!(
        (row.radios.len(), row.recent_incidents, row.contacts),
        (0, 0, 0)
    );

    // a renewal far off, a current agreement and someone trained: nothing stands out
    let mut fixed = m.clone();
    fixed.renewal_on = Some(today() + Duration::days(200));
    fixed.agreement_version = Some(current.clone());
    s.edit_member(id, &fixed, op, now(), today()).unwrap();
    s.add_training(
        id,
        "Ann Lee",
        "Radio Procedure",
        today() - Duration::days(30),
        &default_courses(),
        op,
        now(),
    )
    .unwrap();
    let row = s
        .member_rows(now())
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap();
    assert_eq!(row.renewal(today()), Renewal::NotDue);
    assert_eq!(row.agreement(&current), Agreement::Current);
    assert_eq!(row.training(today()), MemberTraining::Current);
}

#[test]
fn training_falls_due_by_the_courses_period_and_goes_out_of_date() {
    let (_dir, mut s, op) = store_with_manager();
    let id = s.add_member(&shop("Lantern Books"), op, now()).unwrap();
    let courses = default_courses();
    // radio procedure: 12 months; taken 11 months and a half ago, due in about 2 weeks
    let t = s
        .add_training(
            id,
            "Ann Lee",
            "radio procedure",
            today() - Duration::days(350),
            &courses,
            op,
            now(),
        )
        .unwrap();
    let rec = s
        .training_records()
        .unwrap()
        .into_iter()
        .find(|r| r.id == t)
        .unwrap();
    assert_eq!(
        rec.refresher_due_on,
        (today() - Duration::days(350)) + chrono::Months::new(12)
    );
    let row = |s: &Store| {
        s.member_rows(now())
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
    };
    assert_eq!(row(&s).training(today()), MemberTraining::Due);
    // a month on, the only record is past its refresher
    let later = today() + Duration::days(30);
    assert_eq!(row(&s).training(later), MemberTraining::OutOfDate);
    // conflict management lasts two years
    s.add_training(
        id,
        "Ben Ray",
        "conflict management",
        today() - Duration::days(400),
        &courses,
        op,
        now(),
    )
    .unwrap();
    assert_eq!(
        row(&s).training(later),
        MemberTraining::Due,
        "someone in date, someone not"
    );
}

#[test]
fn bad_input_gets_a_clear_answer_and_nothing_is_written() {
    let (_dir, mut s, op) = store_with_manager();
    let before = s.audit_count().unwrap();
    let id = s.add_member(&shop("Lantern Books"), op, now()).unwrap();
    let err = s
        .add_training(
            id,
            "Ann Lee",
            "first aid",
            today(),
            &default_courses(),
            op,
            now(),
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("first aid") && err.contains("radio procedure"),
        "{err}"
    );
    let err = s.add_training(
        999,
        "Ann Lee",
        "radio procedure",
        today(),
        &default_courses(),
        op,
        now(),
    );
    assert!(err.unwrap_err().to_string().contains("no member 999"));
    let err = s.add_training(
        id,
        "  ",
        "radio procedure",
        today(),
        &default_courses(),
        op,
        now(),
    );
    assert!(err.unwrap_err().to_string().contains("who was trained"));
    let mut bad = shop("Lantern Books");
    bad.status = "resting".into();
    assert!(s
        .add_member(&bad, op, now())
        .unwrap_err()
        .to_string()
        .contains("resting"));
    bad = shop("Lantern Books");
    bad.zone_id = 99;
    assert!(s
        .add_member(&bad, op, now())
        .unwrap_err()
        .to_string()
        .contains("zone 99"));
    bad = shop("  ");
    assert!(s
        .add_member(&bad, op, now())
        .unwrap_err()
        .to_string()
        .contains("needs a name"));
    assert_eq!(
        s.audit_count().unwrap(),
        before + 1,
        "only the good member was written"
    );
}

#[test]
fn every_change_is_audited_with_ids_and_no_names() {
    let (_dir, mut s, op) = store_with_manager();
    let id = s.add_member(&shop("Lantern Books"), op, now()).unwrap();
    s.add_contact(
        id,
        "Ann Lee",
        "owner",
        "01632 960000",
        "ann@example.org",
        op,
        now(),
    )
    .unwrap();
    s.add_training(
        id,
        "Ann Lee",
        "radio procedure",
        today(),
        &default_courses(),
        op,
        now(),
    )
    .unwrap();
    let mut lapsed = shop("Lantern Books");
    lapsed.status = "lapsed".into();
    s.edit_member(id, &lapsed, op, now(), today()).unwrap();
    let audit = s.recent_audit(None, 4).unwrap();
    let seen: Vec<(&str, &str)> = audit
        .iter()
        .map(|a| (a.action.as_str(), a.entity.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("edit", "member"),
            ("add", "training"),
            ("add", "member contact"),
            ("add", "member")
        ]
    );
    for a in &audit {
        assert_eq!(a.operator, "Test manager");
        assert!(
            !a.detail.contains("Ann") && !a.detail.contains("Lantern"),
            "{}",
            a.detail
        );
    }
    assert_eq!(audit[0].detail, "status active -> lapsed");
    let row = s
        .member_rows(now())
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap();
    assert_eq!(row.left_on, Some(today()), "lapsing records the day");
    assert_eq!(
        row.renewal(today()),
        Renewal::NotDue,
        "a lapsed member does not renew"
    );
    assert_eq!(row.contacts, 1);
    assert_eq!(s.member_contacts(id).unwrap()[0].email, "ann@example.org");
}

#[test]
fn membership_over_time_counts_joiners_leavers_and_the_total() {
    let (_dir, mut s, op) = store_with_manager();
    let before = s.membership_by_month(today(), 12).unwrap();
    assert_eq!(before.len(), 12);
    assert_eq!(
        before[11].month,
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    );
    let mut m = shop("Lantern Books");
    m.joined_on = Some(today());
    let id = s.add_member(&m, op, now()).unwrap();
    let after = s.membership_by_month(today(), 12).unwrap();
    assert_eq!(after[11].joined, before[11].joined + 1);
    assert_eq!(after[11].total, before[11].total + 1);
    m.status = "left".into();
    s.edit_member(id, &m, op, now(), today()).unwrap();
    let gone = s.membership_by_month(today(), 12).unwrap();
    assert_eq!(gone[11].lapsed, before[11].lapsed + 1);
    assert_eq!(gone[11].total, before[11].total);
    assert_eq!(gone[10], before[10], "earlier months are unchanged");
}

#[test]
fn the_demo_has_members_with_nobody_trained_and_training_out_of_date() {
    let (_dir, s, _op) = store_with_manager();
    let rows = s.member_rows(now()).unwrap();
    let count = |t: MemberTraining| rows.iter().filter(|r| r.training(today()) == t).count();
    assert!(count(MemberTraining::Nobody) > 0);
    assert!(count(MemberTraining::OutOfDate) > 0);
    assert!(count(MemberTraining::Current) > 0);
    assert!(rows
        .iter()
        .any(|r| !r.radios.is_empty() && r.recent_incidents > 0));
}

#[test]
fn a_manager_adds_a_member_and_records_training_from_the_pane() {
    use ratatui::crossterm::event::KeyCode;
    use watchroom::app::Modal;
    let mut c = demo_console();
    c.keys("8");
    let before = c.app.members_pane.rows.len();
    c.keys("A");
    c.keys("Lantern Books");
    for _ in 0..5 {
        c.key(KeyCode::Tab); // type, zone, address, renewal: as offered
    }
    c.keys("150");
    c.ctrl('s');
    assert!(c.app.modal.is_none(), "{:?}", c.app.modal);
    let rows = &c.app.members_pane.rows;
    assert_eq!(rows.len(), before + 1);
    let m = rows
        .iter()
        .find(|r| r.name == "Lantern Books")
        .unwrap()
        .clone();
    assert_eq!((m.fee_paid_pence, m.status.as_str()), (15_000, "active"));
    assert_eq!(
        m.agreement("2024"),
        Agreement::Current,
        "signed today on the current version"
    );
    assert_eq!(m.renewal(today()), Renewal::NotDue, "renews in a year");
    assert!(c.text().contains("Lantern Books"));

    // training for the selected member, today, on the first course
    let selected = c.app.members_pane.rows[c.app.members_pane.selected].id;
    c.keys("a");
    c.key(KeyCode::Tab);
    c.keys("Ann Lee");
    c.ctrl('s');
    assert!(c.app.modal.is_none(), "{:?}", c.app.modal);
    let t = c
        .app
        .members_pane
        .training
        .iter()
        .find(|t| t.person == "Ann Lee")
        .unwrap();
    assert_eq!(
        (t.member_id, t.course.as_str(), t.taken_on),
        (selected, "radio procedure", today())
    );

    // a bad date is named, and what was typed stays
    c.keys("a");
    c.key(KeyCode::Tab);
    c.keys("Ben Ray");
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab);
    c.keys("x");
    c.ctrl('s');
    let Some(Modal::Form(_, f)) = &c.app.modal else {
        panic!("the form stays open")
    };
    assert!(
        f.error.as_ref().unwrap().contains("not a date"),
        "{:?}",
        f.error
    );
}
