//! Two people on one record, for every record two people can edit: a save
//! on a copy a colleague has changed since is refused with who and when,
//! keeps what was typed, and saving again writes only what this operator
//! changed onto the colleague's copy; where both changed one field, both
//! values are shown and the operator chooses before anything is written.
//!
//! Over 800 lines: one test per record two people can edit, so a new kind
//! of record is added beside the others with the same two-console helpers.
//! Two consoles on one real store file, driven by keys.

mod support;

use watchroom::app::forms::{IncidentForm, MemberForm, RegisterForm};

use watchroom::app::form::FieldKey;

use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::{Action, FormKind};
use watchroom::domain::governance::{
    AgreementInput, BreachInput, DocumentKind, PolicyDocumentInput,
};
use watchroom::domain::offender::OffenderInput;
use watchroom::domain::sighting::{HitStatus, NewSighting};
use watchroom::domain::IncidentEdit;
use watchroom::store::members::MemberEdit;
use watchroom::store::{Anchor, Record, Store, StoreError};

/// Two managers' consoles on one demo store: Alex Morgan (A) and Dana Reeve (B).
fn two_consoles() -> (tempfile::TempDir, Console, Console) {
    let (dir, path) = demo_store();
    Store::open(&path)
        .unwrap()
        .operator_or_add("Dana Reeve", "manager", now())
        .unwrap();
    let a = console_on(&path, "Alex Morgan", Config::default());
    let b = console_on(&path, "Dana Reeve", Config::default());
    (dir, a, b)
}

/// Another console's commit reaching this one, as the store watcher delivers it.
fn told(c: &mut Console) {
    c.update(Action::StoreChanged);
}

fn tabs(c: &mut Console, n: usize) {
    for _ in 0..n {
        c.key(KeyCode::Tab);
    }
}

/// Clear the focused field and type `text` into it.
fn retype(c: &mut Console, text: &str) {
    c.ctrl('u');
    c.keys(text);
}

fn form_open(c: &Console) -> bool {
    c.app.form().is_some()
}

/// Assert the screen shows every fragment.
#[track_caller]
fn shows(c: &Console, fragments: &[&str]) {
    let screen = c.text();
    for f in fragments {
        assert!(screen.contains(f), "“{f}” is not on the screen:\n{screen}");
    }
}

// ----- the store's rule ------------------------------------------------------

/// One write to `record` on the copy at version `seen`, setting one of its
/// texts to `text`, as each record's own form would.
fn write(
    s: &mut Store,
    record: Record,
    seen: i64,
    text: &str,
    op: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    match record {
        Record::Incident(id) => {
            let mut edit = IncidentEdit::from_incident(&s.incident(id)?.unwrap());
            edit.summary = text.into();
            s.update_incident(id, seen, &edit, op, at).map(|_| ())
        }
        Record::Offender(id) => {
            let input = OffenderInput {
                name: "Zebedee Quill".into(),
                description: text.into(),
                ..Default::default()
            };
            s.update_offender(id, seen, input, op, at).map(|_| ())
        }
        Record::Exclusion(id) => s
            .record_appeal(id, seen, at.date_naive(), Some(text), op, at)
            .map(|_| ()),
        Record::Member(id) => {
            let m = s.member_rows(at)?.into_iter().find(|m| m.id == id).unwrap();
            let edit = MemberEdit {
                name: m.name,
                kind: m.kind,
                zone_id: m.zone_id,
                address: text.into(),
                status: m.status,
                joined_on: m.joined_on,
                renewal_on: m.renewal_on,
                agreement_version: m.agreement_version,
                agreement_signed_on: m.agreement_signed_on,
                fee_paid_pence: m.fee_paid_pence,
            };
            s.edit_member(id, seen, &edit, op, at, at.date_naive())
        }
        Record::Radio(id) => {
            let r = s.radio(id)?;
            s.update_radio(id, seen, &r.serial, r.member_id, text, op, at)
                .map(|_| ())
        }
        Record::Hit(id) => s.decide_hit(id, seen, true, text, op, at).map(|_| ()),
        Record::Breach(id) => {
            let b = s.breach(id)?.unwrap();
            let input = BreachInput {
                what: b.what,
                found_at: Some(b.found_at),
                actions: text.into(),
                ..Default::default()
            };
            s.update_breach(id, seen, &input, op, at).map(|_| ())
        }
        Record::Agreement(id) => {
            let a = s.agreement(id)?.unwrap();
            let input = AgreementInput {
                party: a.party,
                purpose: text.into(),
                lawful_basis: a.lawful_basis,
                signed_on: a.signed_on,
                review_on: a.review_on,
                ended_on: a.ended_on,
            };
            s.update_agreement(id, seen, &input, op, at).map(|_| ())
        }
        Record::PolicyDocument(id) => {
            let d = s
                .policy_documents()?
                .into_iter()
                .find(|d| d.id == id)
                .unwrap();
            let input = PolicyDocumentInput {
                kind: d.kind,
                edition: d.edition,
                approved_on: d.approved_on,
                review_on: d.review_on,
                notes: text.into(),
            };
            s.update_policy_document(id, seen, &input, op, at)
                .map(|_| ())
        }
    }
}

#[test]
fn every_record_two_people_can_edit_refuses_a_write_on_an_old_copy_naming_who_and_when() {
    let (_dir, path) = demo_store();
    let person = register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut a = Store::open(&path).unwrap();
    let mut b = Store::open(&path).unwrap();
    let alex = a
        .operator_or_add("Alex Morgan", "manager", now())
        .unwrap()
        .id;
    let dana = b
        .operator_or_add("Dana Reeve", "manager", now())
        .unwrap()
        .id;
    let sighting = NewSighting {
        at: now(),
        camera_id: None,
        zone_id: Some(a.zones().unwrap()[0].id),
        location: String::new(),
        offender_id: Some(person),
        description: String::new(),
        note: String::new(),
        incident_id: None,
    };
    let hit = a
        .record_sighting(&sighting, &Config::default().hit_rules(), alex, now())
        .unwrap()
        .hits[0];
    let later = now() + Duration::minutes(7);
    let breach = a
        .add_breach(
            &BreachInput {
                what: "Bulletin sent to the wrong list".into(),
                found_at: Some(now()),
                ..Default::default()
            },
            alex,
            now(),
        )
        .unwrap();
    let day = now().date_naive();
    let agreement = a
        .add_agreement(
            &AgreementInput {
                party: "Kent Police".into(),
                purpose: "offender information".into(),
                lawful_basis: "law enforcement".into(),
                signed_on: day,
                review_on: day + Duration::days(365),
                ended_on: None,
            },
            alex,
            now(),
        )
        .unwrap();
    let dpia = a
        .record_policy_document(
            &PolicyDocumentInput {
                kind: DocumentKind::Dpia,
                edition: "1.0".into(),
                approved_on: day,
                review_on: day + Duration::days(365),
                notes: String::new(),
            },
            alex,
            now(),
        )
        .unwrap();
    let records = [
        Record::Incident(
            a.board_window(&Default::default(), Anchor::First, 1)
                .unwrap()[0]
                .id,
        ),
        Record::Offender(person),
        Record::Exclusion(a.exclusions_for(person).unwrap()[0].id),
        Record::Member(a.member_rows(now()).unwrap()[0].id),
        Record::Radio(a.radios().unwrap()[0].id),
        Record::Hit(hit),
        Record::Breach(breach),
        Record::Agreement(agreement),
        Record::PolicyDocument(dpia),
    ];
    for record in records {
        let seen = a.version_of(record).unwrap().unwrap().version;
        // B writes first, on the same copy as A
        write(&mut b, record, seen, "tall, red cap", dana, later).unwrap();
        // A's write on the copy it had is refused, naming Dana and when, and writes nothing
        let audit = a.audit_count().unwrap();
        match write(&mut a, record, seen, "short, blue coat", alex, later) {
            Err(StoreError::Stale(s)) => {
                assert_eq!(
                    (s.record, s.by.as_str(), s.at),
                    (record, "Dana Reeve", later),
                    "{s}"
                );
                let told = StoreError::Stale(s.clone()).describe(chrono_tz::Europe::London);
                assert!(
                    told.contains("was changed by Dana Reeve at 12:07:00"),
                    "{told}"
                );
            }
            other => panic!("{record:?}: expected a stale refusal, got {other:?}"),
        }
        assert_eq!(
            a.audit_count().unwrap(),
            audit,
            "{record:?}: nothing written"
        );
        assert_eq!(a.version_of(record).unwrap().unwrap().version, seen + 1);
        // on the fresh copy it goes through
        write(&mut a, record, seen + 1, "short, blue coat", alex, later).unwrap();
    }
}

// ----- incidents -------------------------------------------------------------

/// Both consoles open the edit form on the board's first incident.
fn both_edit_an_incident(a: &mut Console, b: &mut Console) -> i64 {
    let id = a.app.board.rows[0].id;
    for c in [&mut *a, &mut *b] {
        c.update(Action::OpenIncident(id));
        c.keys("e");
        assert!(matches!(
            c.app.form_kind(),
            Some(FormKind::Incident(IncidentForm::Edit { .. }))
        ));
    }
    id
}

#[test]
fn an_incident_saved_again_after_a_colleague_s_change_applies_only_this_operator_s_field() {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_edit_an_incident(&mut a, &mut b);
    let before = a.worker.incident(id).unwrap().unwrap();

    // B changes the priority
    tabs(&mut b, 1);
    b.key(KeyCode::Left);
    b.ctrl('s');
    assert!(!form_open(&b));
    let theirs = b.worker.incident(id).unwrap().unwrap().priority;
    assert_ne!(theirs, before.priority);
    told(&mut a);
    shows(&a, &["Dana Reeve has just changed incident"]);

    // A adds the police reference and saves: refused, the typing kept
    tabs(&mut a, 4);
    a.keys("CAD 4471");
    a.ctrl('s');
    assert!(form_open(&a), "the form stays open");
    shows(
        &a,
        &[
            &format!("incident #{id} was changed by Dana Reeve at 12:00:00"),
            "CAD 4471",
        ],
    );
    assert!(message(&a).contains("save refused"), "{}", message(&a));
    assert_eq!(
        a.worker.incident(id).unwrap().unwrap().police_ref,
        "",
        "nothing of A's written"
    );

    // saving again: A's reference on Dana's copy; the priority A never touched stays hers
    a.ctrl('s');
    assert!(!form_open(&a));
    let now = a.worker.incident(id).unwrap().unwrap();
    assert_eq!(
        (now.police_ref.as_str(), now.priority),
        ("CAD 4471", theirs)
    );
    assert_eq!(now.summary, before.summary);
    shows(&a, &[&format!("incident #{id} saved")]);
}

#[test]
fn both_changing_what_happened_are_shown_both_and_the_second_keeps_theirs_with_the_rest_of_their_own(
) {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_edit_an_incident(&mut a, &mut b);
    tabs(&mut b, 3);
    retype(&mut b, "bag taken");
    b.ctrl('s');
    told(&mut a);

    tabs(&mut a, 3);
    retype(&mut a, "purse taken");
    a.key(KeyCode::Tab);
    a.keys("CAD 9");
    a.ctrl('s');
    // refused: both values shown under the field, A's still in it
    shows(
        &a,
        &[
            "Dana Reeve: “bag taken” · you: “purse taken”",
            "You both changed What happened",
        ],
    );
    assert_eq!(
        a.app
            .form()
            .map(|f| f.field(FieldKey::WhatHappened).unwrap().value() == "purse taken"),
        Some(true)
    );

    // saving asks first, and writes nothing until answered
    a.ctrl('s');
    shows(
        &a,
        &[
            "What happened: keep Dana Reeve's “bag taken” (t)",
            "or yours “purse taken” (y)",
        ],
    );
    assert_eq!(a.worker.incident(id).unwrap().unwrap().police_ref, "");
    // a stray key decides nothing
    a.keys("q");
    assert!(form_open(&a));
    a.keys("t");
    assert!(!form_open(&a));
    let now = a.worker.incident(id).unwrap().unwrap();
    assert_eq!(
        (now.summary.as_str(), now.police_ref.as_str()),
        ("bag taken", "CAD 9")
    );
}

// ----- people on the register ------------------------------------------------

/// A person on the register, with an exclusion in force; both consoles on their profile.
fn both_on_a_profile(a: &mut Console, b: &mut Console) -> i64 {
    let id = register(
        &a.path,
        "Zebedee Quill",
        "Zeb",
        &["drugs"],
        Some("exclusion"),
    );
    for c in [&mut *a, &mut *b] {
        told(c);
        c.keys("3/quil");
        c.key(KeyCode::Enter);
        c.open_profile("checking the register");
        assert!(c.app.profile.is_some());
    }
    id
}

#[test]
fn a_person_s_record_saved_again_after_a_colleague_s_change_applies_only_this_operator_s_field() {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_on_a_profile(&mut a, &mut b);
    for c in [&mut a, &mut b] {
        c.keys("e");
        assert!(matches!(
            c.app.form_kind(),
            Some(FormKind::Register(RegisterForm::Offender {
                id: Some(_),
                ..
            }))
        ));
    }
    // B: the description (Name, Aliases, Nicknames, Markers, Description)
    tabs(&mut b, 4);
    retype(&mut b, "tall, red cap");
    b.ctrl('s');
    assert!(!form_open(&b));
    told(&mut a);

    // A: the markers
    tabs(&mut a, 3);
    retype(&mut a, "drugs, violent");
    a.ctrl('s');
    assert!(form_open(&a));
    shows(
        &a,
        &[
            "Zebedee Quill's record was changed by Dana Reeve",
            "drugs, violent",
        ],
    );
    assert_eq!(a.worker.offender(id).unwrap().unwrap().markers, ["drugs"]);

    a.ctrl('s');
    assert!(!form_open(&a), "{:?}", a.app.overlay());
    let o = a.worker.offender(id).unwrap().unwrap();
    assert_eq!(o.markers, ["drugs", "violent"]);
    assert_eq!(o.description, "tall, red cap", "Dana's description stands");
    assert!(o.nicknames.is_empty());
}

#[test]
fn both_changing_a_person_s_nicknames_are_shown_both_and_the_second_keeps_their_own() {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_on_a_profile(&mut a, &mut b);
    for c in [&mut a, &mut b] {
        c.keys("e");
        tabs(c, 2);
    }
    retype(&mut b, "Quill");
    b.ctrl('s');
    told(&mut a);
    retype(&mut a, "Zebby");
    a.ctrl('s');
    shows(&a, &["Dana Reeve: “Quill” · you: “Zebby”"]);
    a.ctrl('s');
    shows(&a, &["Nicknames: keep Dana Reeve's “Quill” (t)"]);
    assert_eq!(a.worker.offender(id).unwrap().unwrap().nicknames, ["Quill"]);
    a.keys("y");
    assert!(!form_open(&a));
    let o = a.worker.offender(id).unwrap().unwrap();
    assert_eq!(o.nicknames, ["Zebby"]);
    assert_eq!(o.description, "slim, grey hoodie");
}

// ----- exclusions ------------------------------------------------------------

#[test]
fn an_appeal_saved_again_after_a_colleague_s_outcome_applies_only_this_operator_s_date() {
    let (_dir, mut a, mut b) = two_consoles();
    let person = both_on_a_profile(&mut a, &mut b);
    for c in [&mut a, &mut b] {
        c.keys("a");
        assert!(matches!(
            c.app.form_kind(),
            Some(FormKind::Register(RegisterForm::Appeal { .. }))
        ));
    }
    tabs(&mut b, 1);
    b.keys("upheld");
    b.ctrl('s');
    assert!(!form_open(&b));
    told(&mut a);

    retype(&mut a, "2026-11-25");
    a.ctrl('s');
    assert!(form_open(&a));
    shows(&a, &["was changed by Dana Reeve", "2026-11-25"]);
    a.ctrl('s');
    assert!(!form_open(&a));
    let e = &a.worker.exclusions_for(person).unwrap()[0];
    assert_eq!(
        e.appeal_lodged_on.map(|d| d.to_string()).as_deref(),
        Some("2026-11-25")
    );
    assert_eq!(
        e.appeal_outcome.as_deref(),
        Some("upheld"),
        "Dana's outcome stands"
    );
}

#[test]
fn both_recording_an_appeal_s_outcome_are_shown_both_and_keeping_theirs_writes_nothing() {
    let (_dir, mut a, mut b) = two_consoles();
    let person = both_on_a_profile(&mut a, &mut b);
    for c in [&mut a, &mut b] {
        c.keys("a");
        tabs(c, 1);
    }
    b.keys("upheld");
    b.ctrl('s');
    told(&mut a);
    a.keys("dismissed");
    a.ctrl('s');
    shows(&a, &["Dana Reeve: “upheld” · you: “dismissed”"]);
    a.ctrl('s');
    shows(&a, &["Outcome: keep Dana Reeve's “upheld” (t)"]);
    let audit = a.worker.audit_count().unwrap();
    a.keys("t");
    assert!(!form_open(&a));
    assert!(message(&a).contains("nothing saved"), "{}", message(&a));
    assert_eq!(a.worker.audit_count().unwrap(), audit, "nothing written");
    let e = &a.worker.exclusions_for(person).unwrap()[0];
    assert_eq!(e.appeal_outcome.as_deref(), Some("upheld"));
}

// ----- members ---------------------------------------------------------------

/// Both consoles on the members pane, Brook Street Bakery's edit form open.
fn both_edit_a_member(a: &mut Console, b: &mut Console) -> i64 {
    for c in [&mut *a, &mut *b] {
        c.keys("8j");
        c.keys("e");
        assert!(matches!(
            c.app.form_kind(),
            Some(FormKind::Member(MemberForm::Edit { .. }))
        ));
    }
    a.app.members_pane.rows[a.app.members_pane.selected].id
}

fn member(c: &Console, id: i64) -> watchroom::store::members::MemberRow {
    c.worker
        .member_rows(now())
        .unwrap()
        .into_iter()
        .find(|m| m.id == id)
        .unwrap()
}

#[test]
fn a_member_saved_again_after_a_colleague_s_change_applies_only_this_operator_s_field() {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_edit_a_member(&mut a, &mut b);
    // Name, Type, Zone, Address
    tabs(&mut b, 3);
    retype(&mut b, "9 Castle Street");
    b.ctrl('s');
    assert!(!form_open(&b));
    told(&mut a);

    // Fee paid
    tabs(&mut a, 6);
    retype(&mut a, "175");
    a.ctrl('s');
    assert!(form_open(&a));
    shows(
        &a,
        &["Brook Street Bakery was changed by Dana Reeve", "175"],
    );
    assert_eq!(member(&a, id).fee_paid_pence, 15_000);
    a.ctrl('s');
    assert!(!form_open(&a));
    let m = member(&a, id);
    assert_eq!(
        (m.fee_paid_pence, m.address.as_str()),
        (17_500, "9 Castle Street")
    );
}

#[test]
fn both_changing_a_member_s_address_are_shown_both_and_the_second_keeps_their_own() {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_edit_a_member(&mut a, &mut b);
    for c in [&mut a, &mut b] {
        tabs(c, 3);
    }
    retype(&mut b, "9 Castle Street");
    b.ctrl('s');
    told(&mut a);
    retype(&mut a, "12 Mill Lane");
    a.ctrl('s');
    shows(&a, &["Dana Reeve: “9 Castle Street” · you: “12 Mill Lane”"]);
    a.ctrl('s');
    shows(&a, &["Address: keep Dana Reeve's “9 Castle Street” (t)"]);
    a.keys("y");
    assert!(!form_open(&a));
    assert_eq!(member(&a, id).address, "12 Mill Lane");
}

// ----- radios ----------------------------------------------------------------

/// Both consoles on the radio inventory, on its first radio.
fn both_on_a_radio(a: &mut Console, b: &mut Console) -> i64 {
    for c in [&mut *a, &mut *b] {
        c.keys("5v");
        c.keys("g");
    }
    a.app.radio.radios[0].radio.id
}

#[test]
fn a_radio_s_status_saved_again_after_a_colleague_s_edit_applies_only_the_status() {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_on_a_radio(&mut a, &mut b);
    let before = a.worker.radio(id).unwrap();
    b.keys("e");
    a.keys("s");
    // B's notes, in the edit form (Serial, Issued to, Notes)
    tabs(&mut b, 2);
    retype(&mut b, "cracked aerial");
    b.ctrl('s');
    assert!(!form_open(&b));
    told(&mut a);

    a.keys("l"); // lost
    a.ctrl('s');
    assert!(form_open(&a));
    shows(
        &a,
        &[&format!(
            "radio {} was changed by Dana Reeve",
            before.call_sign
        )],
    );
    assert_eq!(a.worker.radio(id).unwrap().status, before.status);
    a.ctrl('s');
    assert!(!form_open(&a));
    let r = a.worker.radio(id).unwrap();
    assert_eq!(
        (r.status.as_str(), r.notes.as_str()),
        ("lost", "cracked aerial")
    );
}

#[test]
fn both_changing_a_radio_s_notes_are_shown_both_and_the_second_keeps_theirs_with_their_own_serial()
{
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_on_a_radio(&mut a, &mut b);
    for c in [&mut a, &mut b] {
        c.keys("e");
    }
    tabs(&mut b, 2);
    retype(&mut b, "cracked aerial");
    b.ctrl('s');
    told(&mut a);
    retype(&mut a, "MTP-9");
    tabs(&mut a, 2);
    retype(&mut a, "spare battery");
    a.ctrl('s');
    shows(&a, &["Dana Reeve: “cracked aerial” · you: “spare battery”"]);
    a.ctrl('s');
    shows(&a, &["Notes: keep Dana Reeve's “cracked aerial” (t)"]);
    a.keys("t");
    assert!(!form_open(&a));
    let r = a.worker.radio(id).unwrap();
    assert_eq!(
        (r.serial.as_str(), r.notes.as_str()),
        ("MTP-9", "cracked aerial")
    );
}

// ----- hits ------------------------------------------------------------------

/// A fresh breach hit, waiting, selected on both consoles' hits pane.
fn both_on_a_new_hit(a: &mut Console, b: &mut Console) -> i64 {
    both_on_a_profile(a, b);
    a.keys("S");
    a.ctrl('s');
    let id = a.app.hits.last_seen;
    for c in [&mut *a, &mut *b] {
        told(c);
        c.keys("2");
        let at = c.app.hits.rows.iter().position(|h| h.id == id).unwrap();
        for _ in 0..at {
            c.keys("j");
        }
    }
    id
}

#[test]
fn a_hit_decided_both_ways_at_once_shows_both_decisions_and_the_second_chooses() {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_on_a_new_hit(&mut a, &mut b);
    b.keys("a");
    a.keys("x");
    b.keys("p"); // police called
    b.ctrl('s');
    assert_eq!(
        b.worker.hit(id).unwrap().unwrap().status,
        HitStatus::Accepted
    );
    told(&mut a);

    a.keys("not him");
    a.ctrl('s');
    // refused: the reason kept, both decisions shown
    assert!(form_open(&a));
    shows(
        &a,
        &[
            &format!("hit {id} was changed by Dana Reeve"),
            "Decision: Dana Reeve: “accepted: police called” · you: “rejected: not him”",
        ],
    );
    a.ctrl('s');
    shows(&a, &["keep Dana Reeve's “accepted: police called” (t)"]);
    a.keys("y");
    assert!(!form_open(&a));
    let h = a.worker.hit(id).unwrap().unwrap();
    assert_eq!(h.status, HitStatus::Rejected);
    assert_eq!(h.reject_reason.as_deref(), Some("not him"));
    assert_eq!(h.decided_by.as_deref(), Some("Alex Morgan"));
}

#[test]
fn a_hit_decided_elsewhere_is_left_as_decided_when_the_second_keeps_theirs() {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_on_a_new_hit(&mut a, &mut b);
    b.keys("a");
    a.keys("x");
    b.keys("p");
    b.ctrl('s');
    told(&mut a);
    a.keys("not him");
    a.ctrl('s');
    a.ctrl('s');
    let audit = a.worker.audit_count().unwrap();
    a.keys("t");
    assert!(!form_open(&a));
    assert!(message(&a).contains("nothing saved"), "{}", message(&a));
    assert_eq!(a.worker.audit_count().unwrap(), audit);
    let h = a.worker.hit(id).unwrap().unwrap();
    assert_eq!(
        (h.status, h.decided_by.as_deref()),
        (HitStatus::Accepted, Some("Dana Reeve"))
    );
}

#[test]
fn the_same_decision_made_on_two_consoles_counts_once() {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_on_a_new_hit(&mut a, &mut b);
    for c in [&mut a, &mut b] {
        c.keys("a");
        c.keys("p");
    }
    b.ctrl('s');
    told(&mut a);
    let audit = a.worker.audit_count().unwrap();
    a.ctrl('s');
    assert!(!form_open(&a));
    assert!(message(&a).contains("as you had it"), "{}", message(&a));
    assert_eq!(a.worker.audit_count().unwrap(), audit);
    assert_eq!(
        a.worker.hit(id).unwrap().unwrap().decided_by.as_deref(),
        Some("Dana Reeve")
    );
}

#[test]
fn a_colleague_s_value_shown_in_a_clash_never_reaches_the_terminal_raw() {
    let (_dir, mut a, mut b) = two_consoles();
    let id = both_on_a_radio(&mut a, &mut b);
    a.keys("e");
    tabs(&mut a, 2);
    retype(&mut a, "spare battery");
    // a value no console would store (written past the store's tidying), as from an old file
    rusqlite::Connection::open(&a.path)
        .unwrap()
        .execute(
            "UPDATE radios SET notes = ?1, version = version + 1 WHERE id = ?2",
            rusqlite::params!["\u{1b}]0;owned\u{7}cracked", id],
        )
        .unwrap();
    a.ctrl('s');
    a.ctrl('s');
    let screen = a.text();
    assert!(
        screen.contains("cracked") && screen.contains("you: “spare battery”"),
        "{screen}"
    );
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
        "{screen:?}"
    );
}
