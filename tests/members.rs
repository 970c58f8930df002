//! Members and their training on a real store, with the fixed clock: status,
//! renewals due, agreements, training due, membership over time, and the
//! audit trail of every change.
//!
//! Over 800 lines: the store's rules and the pane's keys for members and
//! training share one fixed clock and one set of helpers here.

mod support;

use watchroom::app::forms::MemberForm;

use watchroom::app::form::FieldKey;

use chrono::{Duration, NaiveDate};
use support::*;
use watchroom::app::config::Config;
use watchroom::domain::member::{
    default_courses, Agreement, MemberStatus, MemberTraining, Renewal,
};
use watchroom::store::members::MemberEdit;
use watchroom::store::Store;

/// A member's version as added, before any edit.
const ADDED: i64 = 1;

fn today() -> NaiveDate {
    now().date_naive()
}

fn shop(name: &str) -> MemberEdit {
    MemberEdit {
        name: name.into(),
        kind: "shop".into(),
        zone_id: 1,
        address: "2 High Street".into(),
        status: MemberStatus::Active,
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
    s.edit_member(id, ADDED, &fixed, op, now(), today())
        .unwrap();
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
fn a_refresher_supersedes_the_older_record_and_the_counts_follow() {
    // a store made from empty, as a scheme going live makes one
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), "Dana Chief", "The Old Bell", &[]);
    let mut s = Store::open(&path).unwrap();
    let op = s.operator_by_name("Dana Chief").unwrap().unwrap().id;
    let id = s.add_member(&shop("Lantern Books"), op, now()).unwrap();
    let courses = default_courses();
    // Jo's 2024 radio procedure is out of date; so is Kim's, at the same shop
    let old = today() - Duration::days(800);
    for who in ["Jo Hughes", "Kim Lowe"] {
        s.add_training(id, who, "radio procedure", old, &courses, op, now())
            .unwrap();
    }
    let row = |s: &Store| {
        s.member_rows(now())
            .unwrap()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap()
    };
    assert_eq!(row(&s).training(today()), MemberTraining::OutOfDate);
    // Jo's refresher this month (her name typed with another case)
    let refreshed = today() - Duration::days(10);
    s.add_training(
        id,
        "jo hughes ",
        "radio procedure",
        refreshed,
        &courses,
        op,
        now(),
    )
    .unwrap();
    let records = s.training_records().unwrap();
    let jo_old = records
        .iter()
        .find(|r| r.person == "Jo Hughes" && r.taken_on == old)
        .unwrap();
    assert_eq!(jo_old.superseded_on, Some(refreshed));
    let kim = records.iter().find(|r| r.person == "Kim Lowe").unwrap();
    assert_eq!(kim.superseded_on, None, "Kim has not been refreshed");
    // the member has someone in date and someone not: due, no longer all out of date
    assert_eq!(row(&s).training(today()), MemberTraining::Due);

    // the training view: Jo's old record says refreshed and is not counted
    drop(s);
    let mut c = console_on(&path, "Dana Chief", Config::default());
    c.keys("8v");
    let text = c.text_at(140, 30);
    assert!(text.contains("3 records · 1 due or out of date"), "{text}");
    let jo = text
        .lines()
        .find(|l| l.contains("Jo Hughes") && l.contains("refreshed"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(!jo.contains("out of date"), "{jo}");
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
    lapsed.status = MemberStatus::Lapsed;
    s.edit_member(id, ADDED, &lapsed, op, now(), today())
        .unwrap();
    let audit = s.recent_audit(None, 4).unwrap();
    let seen: Vec<(&str, &str)> = audit
        .iter()
        .map(|a| (a.action.code(), a.entity.as_str()))
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
    m.status = MemberStatus::Left;
    s.edit_member(id, ADDED, &m, op, now(), today()).unwrap();
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
    assert!(c.app.nothing_open(), "{:?}", c.app.overlay());
    let rows = &c.app.members_pane.rows;
    assert_eq!(rows.len(), before + 1);
    let m = rows
        .iter()
        .find(|r| r.name == "Lantern Books")
        .unwrap()
        .clone();
    assert_eq!((m.fee_paid_pence, m.status), (15_000, MemberStatus::Active));
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
    assert!(c.app.nothing_open(), "{:?}", c.app.overlay());
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
    let Some(f) = c.app.form() else {
        panic!("the form stays open")
    };
    assert!(
        f.error.as_ref().unwrap().contains("not a date"),
        "{:?}",
        f.error
    );
}

/// The selected member on the members pane, as the store now has it.
fn selected_row(c: &Console) -> watchroom::store::members::MemberRow {
    let id = c.app.members_pane.rows[c.app.members_pane.selected].id;
    c.worker
        .member_rows(now())
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap()
}

#[test]
fn a_manager_edits_a_member_from_the_pane_and_bad_input_loses_nothing() {
    use ratatui::crossterm::event::KeyCode;
    use watchroom::app::FormKind;
    let mut c = demo_console();
    c.keys("8j");
    let before = selected_row(&c);
    assert_eq!(
        (before.name.as_str(), before.status),
        ("Brook Street Bakery", MemberStatus::Active)
    );

    // the form holds the member as it stands
    c.keys("e");
    {
        let (Some(FormKind::Member(MemberForm::Edit { id, .. })), Some(f)) =
            (c.app.form_kind(), c.app.form())
        else {
            panic!("the edit form opens: {:?}", c.app.overlay())
        };
        assert_eq!(*id, before.id);
        let v = |k: FieldKey| f.field(k).unwrap().value().to_string();
        assert_eq!(v(FieldKey::Name), "Brook Street Bakery");
        assert_eq!(v(FieldKey::Zone), before.zone);
        assert_eq!(v(FieldKey::Status), "active");
        assert_eq!(v(FieldKey::FeePaid), "150.00");
        assert_eq!(v(FieldKey::Renewal), before.renewal_on.unwrap().to_string());
        assert_eq!(v(FieldKey::Agreement), "2024");
        assert_eq!(
            v(FieldKey::SignedOn),
            before.agreement_signed_on.unwrap().to_string()
        );
    }

    // a new address and a bad fee: refused in the form, nothing written
    let audit_before = c.worker.audit_count().unwrap();
    for _ in 0..3 {
        c.key(KeyCode::Tab);
    }
    c.ctrl('u');
    c.keys("9 Castle Street");
    for _ in 0..3 {
        c.key(KeyCode::Tab);
    }
    c.ctrl('u');
    c.keys("ten");
    c.ctrl('s');
    {
        let (Some(FormKind::Member(MemberForm::Edit { .. })), Some(f)) =
            (c.app.form_kind(), c.app.form())
        else {
            panic!("the form stays open: {:?}", c.app.overlay())
        };
        let e = f.error.as_deref().unwrap_or_default();
        assert!(e.contains("fee paid") && e.contains("“ten”"), "{e}");
        assert_eq!(
            f.field(FieldKey::Address).unwrap().value(),
            "9 Castle Street"
        );
        assert_eq!(f.field(FieldKey::FeePaid).unwrap().value(), "ten");
    }
    assert_eq!(c.worker.audit_count().unwrap(), audit_before);
    assert_eq!(selected_row(&c), before, "nothing written");

    // a bad renewal date likewise
    c.ctrl('u');
    c.keys("175");
    c.key(KeyCode::BackTab);
    c.ctrl('u');
    c.keys("31/01/2027");
    c.ctrl('s');
    {
        let Some(f) = c.app.form() else {
            panic!("the form stays open: {:?}", c.app.overlay())
        };
        let e = f.error.as_deref().unwrap_or_default();
        assert!(e.contains("renewal") && e.contains("not a date"), "{e}");
        assert_eq!(f.field(FieldKey::FeePaid).unwrap().value(), "175");
    }
    assert_eq!(c.worker.audit_count().unwrap(), audit_before);

    // put right, lapsed, and saved
    c.ctrl('u');
    c.keys("2027-01-31");
    c.key(KeyCode::BackTab);
    c.keys("l");
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{:?}", c.app.overlay());
    // the bakery still holds a radio: said now, and flagged on the inventory
    assert_eq!(
        message(&c),
        "Brook Street Bakery saved; radio HS08 is still with them: fetch it back (flagged on the inventory)"
    );
    let after = selected_row(&c);
    assert_eq!(after.address, "9 Castle Street");
    assert_eq!(after.status, MemberStatus::Lapsed);
    assert_eq!(after.fee_paid_pence, 17_500);
    assert_eq!(
        after.renewal_on,
        Some(NaiveDate::from_ymd_opt(2027, 1, 31).unwrap())
    );
    assert_eq!(after.left_on, Some(today()), "lapsing records the day");
    assert_eq!(after.joined_on, before.joined_on, "joining is kept");
    assert_eq!(
        (
            after.agreement_version.as_deref(),
            after.agreement_signed_on
        ),
        (Some("2024"), before.agreement_signed_on)
    );
    let last = c.worker.recent_audit(None, 1).unwrap().remove(0);
    assert_eq!(
        (
            last.action.code(),
            last.entity.as_str(),
            last.entity_id,
            last.operator.as_str(),
            last.detail.as_str()
        ),
        (
            "edit",
            "member",
            Some(before.id),
            "Alex Morgan",
            "status active -> lapsed"
        )
    );
    assert_eq!(c.worker.audit_count().unwrap(), audit_before + 1);
    assert!(c.text().contains("9 Castle Street"));
    c.keys("5v");
    let hs08 = c
        .app
        .radio
        .radios
        .iter()
        .find(|h| h.radio.call_sign == "HS08")
        .unwrap();
    assert_eq!(hs08.flag, Some("recover: member lapsed"));
    assert!(c.text().contains("recover: member lapsed"));
}

#[test]
fn an_agreement_needs_its_version_and_the_day_it_was_signed() {
    use ratatui::crossterm::event::KeyCode;
    let mut c = demo_console();
    c.keys("8");
    let before = selected_row(&c);
    c.keys("e");
    for _ in 0..8 {
        c.key(KeyCode::Tab);
    }
    c.ctrl('u');
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("the form stays open: {:?}", c.app.overlay())
    };
    let e = f.error.as_deref().unwrap_or_default();
    assert!(e.contains("signed on") && e.contains("2019"), "{e}");
    // clearing both says the member has not signed
    c.key(KeyCode::BackTab);
    c.ctrl('u');
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{:?}", c.app.overlay());
    let after = selected_row(&c);
    assert_eq!(
        (after.agreement_version, after.agreement_signed_on),
        (None, None)
    );
    assert_eq!(after.status, before.status);
    assert_eq!(after.left_on, None);
}

#[test]
fn a_pending_member_made_active_joins_that_day() {
    let (dir, path) = demo_store();
    let id = {
        let mut s = Store::open(&path).unwrap();
        let op = s
            .operator_or_add("Test manager", "manager", now())
            .unwrap()
            .id;
        let mut m = shop("Lantern Books");
        m.status = MemberStatus::Pending;
        m.joined_on = None;
        s.add_member(&m, op, now()).unwrap()
    };
    let mut c = console_on(&path, "Test manager", Config::default());
    c.dir = Some(dir);
    c.keys("8");
    let at = c
        .app
        .members_pane
        .rows
        .iter()
        .position(|r| r.id == id)
        .unwrap();
    for _ in 0..at {
        c.keys("j");
    }
    c.keys("e");
    for _ in 0..4 {
        c.key(ratatui::crossterm::event::KeyCode::Tab);
    }
    c.keys("a");
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{:?}", c.app.overlay());
    let row = selected_row(&c);
    assert_eq!(row.status, MemberStatus::Active);
    assert_eq!(row.joined_on, Some(today()));
}

#[test]
fn a_manager_adds_a_contact_and_the_pane_shows_it() {
    use ratatui::crossterm::event::KeyCode;
    let mut c = demo_console();
    c.keys("8jj");
    let m = selected_row(&c);
    let had = c.worker.member_contacts(m.id).unwrap().len();
    c.keys("c");
    c.keys("Dana Fox");
    c.key(KeyCode::Tab);
    c.keys("duty manager");
    c.key(KeyCode::Tab);
    c.keys("01632 960999");
    c.key(KeyCode::Tab);
    c.keys("dana.fox");
    c.key(KeyCode::Enter);
    let Some(f) = c.app.form() else {
        panic!("the form stays open: {:?}", c.app.overlay())
    };
    assert!(
        f.error
            .as_deref()
            .unwrap_or_default()
            .contains("not an email"),
        "{:?}",
        f.error
    );
    c.keys("@example.org");
    c.key(KeyCode::Enter);
    assert!(c.app.nothing_open(), "{:?}", c.app.overlay());
    assert_eq!(message(&c), format!("contact added to {}", m.name));
    let contacts = c.worker.member_contacts(m.id).unwrap();
    assert_eq!(contacts.len(), had + 1);
    let added = contacts.last().unwrap();
    assert_eq!(
        (
            added.name.as_str(),
            added.role.as_str(),
            added.phone.as_str(),
            added.email.as_str()
        ),
        (
            "Dana Fox",
            "duty manager",
            "01632 960999",
            "dana.fox@example.org"
        )
    );
    let last = c.worker.recent_audit(None, 1).unwrap().remove(0);
    assert_eq!(
        (last.action.code(), last.entity.as_str(), last.entity_id),
        ("add", "member contact", Some(added.id))
    );
    let screen = c.text();
    assert!(
        screen.contains("Dana Fox · duty manager · 01632 960999 · dana.fox@example.org"),
        "{screen}"
    );
    assert_eq!(selected_row(&c).contacts, had as i64 + 1);
}

#[test]
fn only_a_manager_edits_members_or_adds_contacts_from_the_pane() {
    let (dir, path) = demo_store();
    // the demo's operator-role operator
    let mut c = console_on(&path, "Sam Okafor", Config::default());
    c.dir = Some(dir);
    assert_eq!(c.app.role(), watchroom::domain::permission::Role::Operator);
    c.keys("8");
    for key in ["e", "c"] {
        let before = c.worker.audit_count().unwrap();
        c.keys(key);
        assert!(c.app.nothing_open(), "{key}: {:?}", c.app.overlay());
        assert!(
            message(&c).starts_with("refused: an operator cannot"),
            "{key}: {}",
            message(&c)
        );
        assert_eq!(c.worker.audit_count().unwrap(), before + 1);
        let last = c.worker.recent_audit(None, 1).unwrap().remove(0);
        assert_eq!(
            (last.action.code(), last.operator.as_str()),
            ("refused", "Sam Okafor")
        );
    }
}

#[test]
fn edit_and_contact_keys_work_on_the_members_view_only() {
    let mut c = demo_console();
    c.keys("8v");
    c.keys("e");
    assert!(c.app.nothing_open());
    assert!(message(&c).contains("members view"), "{}", message(&c));
    c.keys("c");
    assert!(c.app.nothing_open());
    assert!(message(&c).contains("members view"), "{}", message(&c));
}

#[test]
fn a_status_the_schema_does_not_allow_is_named_when_read_not_guessed_at() {
    let (_dir, path) = demo_store();
    {
        // a store edited around the schema's check
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "ignore_check_constraints", true)
            .unwrap();
        c.execute(
            "UPDATE members SET status = 'retired' WHERE id = (SELECT MIN(id) FROM members)",
            [],
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let err = s.member_rows(now()).unwrap_err().to_string();
    assert!(
        err.contains("unknown member status “retired”")
            && err.contains("pending, active, lapsed, left"),
        "{err}"
    );
    assert!(s.membership_by_month(today(), 12).is_err());
}

#[test]
fn the_members_pane_is_read_off_the_keys_and_says_so_meanwhile() {
    let mut c = demo_console();
    c.press('8');
    assert!(c.app.members_pane.reading);
    assert!(c.text().contains("reading…"), "{}", c.text());
    assert!(c.app.members_pane.rows.is_empty());
    let jobs = c.app.work.take();
    c.run_jobs(jobs);
    assert!(!c.app.members_pane.reading);
    assert_eq!(c.app.members_pane.rows.len(), 60);
    assert!(!c.text().contains("reading…"));
    assert!(
        !c.app.members_pane.contacts.is_empty(),
        "the selected member's contacts are read with it"
    );
}
