//! Incidents logged, moved on, noted, amended and edited through the
//! console's forms, on a real store, with a fixed clock.

mod support;

use watchroom::app::forms::IncidentForm;

use watchroom::app::form::FieldKey;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::{Action, FormKind};
use watchroom::domain::Status;
use watchroom::store::Store;

#[test]
fn an_incident_is_logged_from_the_board_in_a_few_keys() {
    let mut c = demo_console();
    let live_before = c.app.board.count;
    c.log_incident('t', '1', "market sq", "Two lads took razors from Boots");
    assert!(c.app.nothing_open(), "form closed after saving");
    let row = c
        .app
        .board
        .selected_row()
        .expect("the new incident is selected");
    assert_eq!(row.summary, "Two lads took razors from Boots");
    assert_eq!(row.kind, "theft");
    assert_eq!(row.place_label, "Market Square");
    assert_eq!(row.priority.short(), "P1");
    assert_eq!(row.status, Status::Open);
    assert_eq!(c.app.board.count, live_before + 1);
    assert!(c
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains(&format!("#{} logged", row.id)));
    // the write named its operator in the audit trail
    let audit = c.worker.recent_audit(None, 1).unwrap();
    assert_eq!(
        (audit[0].operator.as_str(), audit[0].action.code()),
        ("Alex Morgan", "create")
    );
    assert_eq!(audit[0].entity_id, Some(row.id));
}

#[test]
fn a_new_incident_needs_only_a_line_of_text_and_says_so() {
    let mut c = demo_console();
    c.keys("n");
    c.ctrl('s');
    match (c.app.form_kind(), c.app.form()) {
        (Some(FormKind::Incident(IncidentForm::New)), Some(f)) => {
            assert!(
                f.error.as_ref().unwrap().contains("write a line"),
                "{:?}",
                f.error
            )
        }
        _ => panic!("form should stay open, got {:?}", c.app.overlay()),
    }
    // free text that matches no zone or member is kept as the location
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab);
    c.keys("by the war memorial");
    c.key(KeyCode::Tab);
    c.keys("Drunk male asleep");
    c.key(KeyCode::Enter);
    let row = c.app.board.selected_row().unwrap();
    assert_eq!(row.place_label, "by the war memorial");
    assert_eq!(row.priority.short(), "P3", "medium by default");
}

#[test]
fn status_moves_forward_and_closing_asks_for_a_reason() {
    let mut c = demo_console();
    c.log_incident('s', '2', "high st", "Male trying car doors");
    let id = c.app.board.selected_row().unwrap().id;
    c.key(KeyCode::Enter);
    assert_eq!(c.app.detail.as_ref().unwrap().incident.id, id);
    c.keys("s");
    assert_eq!(
        c.app.detail.as_ref().unwrap().incident.status,
        Status::Responding
    );
    c.keys("s");
    assert_eq!(
        c.app.detail.as_ref().unwrap().incident.status,
        Status::PoliceAttending
    );
    c.keys("s"); // the next step is closing: a reason is asked for
    assert!(matches!(
        c.app.form_kind(),
        Some(FormKind::Incident(IncidentForm::Close { .. }))
    ));
    c.key(KeyCode::Enter);
    let Some(f) = c.app.form() else {
        panic!("still asking")
    };
    assert!(f.error.as_ref().unwrap().contains("reason"));
    c.keys("arrested by police");
    c.key(KeyCode::Enter);
    let d = c.app.detail.as_ref().unwrap();
    assert_eq!(d.incident.status, Status::Closed);
    assert_eq!(
        d.incident.close_reason.as_deref(),
        Some("arrested by police")
    );
    let texts: Vec<_> = d.timeline.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "[status] open → responding",
            "[status] responding → police attending",
            "[status] police attending → closed: arrested by police"
        ]
    );
    c.keys("r");
    assert_eq!(c.app.detail.as_ref().unwrap().incident.status, Status::Open);
}

#[test]
fn notes_are_appended_and_amendments_point_back() {
    let mut c = demo_console();
    c.log_incident('t', '3', "riverside", "Perfume taken");
    c.key(KeyCode::Enter);
    c.keys("a");
    c.keys("Male, red jacket, went towards the station");
    c.key(KeyCode::Enter);
    c.keys("A"); // amend the selected (latest) note
    c.keys("Male, red jacket, went towards the bus station");
    c.key(KeyCode::Enter);
    let d = c.app.detail.as_ref().unwrap();
    assert_eq!(d.timeline.len(), 2);
    assert_eq!(
        d.timeline[0].text, "Male, red jacket, went towards the station",
        "the original is kept"
    );
    assert_eq!(d.timeline[1].amends, Some(d.timeline[0].id));
    let screen = c.text();
    assert!(screen.contains("(amended below)"), "{screen}");
    assert!(
        screen.contains("↳ amends 12:00: Male, red jacket, went towards the bus station"),
        "{screen}"
    );
}

#[test]
fn editing_records_police_ref_and_money() {
    let mut c = demo_console();
    c.log_incident('t', '2', "primark", "Coats taken");
    c.key(KeyCode::Enter);
    c.keys("e");
    for _ in 0..4 {
        c.key(KeyCode::Tab);
    }
    c.keys("CB-123456");
    c.key(KeyCode::Tab);
    c.keys("£120.50");
    c.key(KeyCode::Tab);
    c.keys("200");
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("a recovery above the loss is refused")
    };
    assert!(f.error.as_ref().unwrap().contains("more than the loss"));
    c.ctrl('u');
    c.keys("80");
    c.key(KeyCode::Enter);
    assert!(c.app.nothing_open());
    let i = &c.app.detail.as_ref().unwrap().incident;
    assert_eq!(
        (i.police_ref.as_str(), i.loss_pence, i.recovery_pence),
        ("CB-123456", 12_050, 8_000)
    );
    assert!(c.text().contains("£120.50   recovered £80.00"));
    // the timeline keeps what the edit replaced, and the detail view shows it
    let d = c.app.detail.as_ref().unwrap();
    let edit = d.timeline.last().unwrap();
    assert_eq!(
        edit.changes
            .iter()
            .map(|f| (f.field.as_str(), f.old.as_str(), f.new.as_str()))
            .collect::<Vec<_>>(),
        [
            ("police ref", "", "CB-123456"),
            ("loss", "£0.00", "£120.50"),
            ("recovered", "£0.00", "£80.00"),
        ]
    );
    let screen = c.text();
    for line in [
        "police ref  — → CB-123456",
        "loss  £0.00 → £120.50",
        "recovered  £0.00 → £80.00",
    ] {
        assert!(screen.contains(line), "{line}: {screen}");
    }
}

#[test]
fn a_save_on_a_stale_copy_is_refused_and_the_fresh_copy_shown() {
    let (_dir, path) = demo_store();
    let mut a = console_on(&path, "Alex Morgan", Config::default());
    let mut b = console_on(&path, "Priya Shah", Config::default());
    let id = a.app.board.rows[0].id;
    b.update(Action::OpenIncident(id));
    a.update(Action::OpenIncident(id));
    for c in [&mut a, &mut b] {
        c.keys("e");
        c.key(KeyCode::Tab);
        c.key(KeyCode::Tab);
        c.key(KeyCode::Tab);
        c.ctrl('u');
    }
    a.keys("Alex's account");
    a.ctrl('s');
    assert!(a.app.nothing_open());
    b.keys("Priya's account");
    b.ctrl('s');
    let (Some(FormKind::Incident(IncidentForm::Edit { .. })), Some(f)) =
        (b.app.form_kind(), b.app.form())
    else {
        panic!("B's form stays open")
    };
    assert!(
        f.banner
            .as_ref()
            .unwrap()
            .contains("changed by Alex Morgan"),
        "{:?}",
        f.banner
    );
    assert_eq!(
        f.field(FieldKey::WhatHappened).unwrap().value(),
        "Priya's account",
        "B's typing is kept"
    );
    assert_eq!(
        b.app.detail.as_ref().unwrap().incident.summary,
        "Alex's account",
        "the fresh copy is shown"
    );
    assert!(b
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("save refused"));
    let s = Store::open(&path).unwrap();
    assert_eq!(s.incident(id).unwrap().unwrap().summary, "Alex's account");
    // both changed what happened: saving again shows both and asks first
    b.ctrl('s');
    let screen = b.text();
    assert!(
        screen.contains("keep Alex Morgan's “Alex's account” (t)"),
        "{screen}"
    );
    assert_eq!(s.incident(id).unwrap().unwrap().summary, "Alex's account");
    // keeping hers, knowingly, goes through
    b.keys("y");
    assert!(b.app.nothing_open());
    assert_eq!(s.incident(id).unwrap().unwrap().summary, "Priya's account");
}

#[test]
fn the_detail_lists_the_people_on_it_and_opens_one_audited_for_the_incident() {
    let (dir, path) = demo_store();
    let offender = register(&path, "Zebedee Quill", "Zeb", &[], None);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.dir = Some(dir);
    let incident: i64 = raw(&path)
        .query_row(
            "SELECT incident_id FROM incident_offenders ORDER BY incident_id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    c.keys(&format!(":open {incident}"));
    c.key(KeyCode::Enter);
    let before = c.app.detail.as_ref().unwrap().people.len();
    assert!(before > 0, "the demo names someone on it");
    // sighted for it at the desk: the form takes the open incident
    c.keys("S");
    c.keys("quil");
    c.key(KeyCode::Enter);
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{}", message(&c));
    let d = c.app.detail.clone().unwrap();
    assert_eq!(d.people.len(), before + 1, "named by the sighting");
    let text = c.text();
    assert!(text.contains(&format!("People ({})", before + 1)), "{text}");
    let row = text
        .lines()
        .find(|l| l.contains("Zebedee Quill"))
        .expect("listed");
    assert!(row.contains("sighted for it 27 Nov 12:00"), "{row}");
    // the cursor runs from the timeline up into the people
    assert_eq!(d.person, None, "the timeline's last entry selected first");
    c.keys("g");
    assert_eq!(c.app.detail.as_ref().unwrap().person, Some(0));
    let at = d.people.iter().position(|p| p.id == offender).unwrap();
    for _ in 0..at {
        c.keys("j");
    }
    c.key(KeyCode::Enter);
    let p = c.app.profile.as_ref().expect("the profile is open");
    assert_eq!(p.profile.offender.id, offender);
    assert_eq!(
        count(
            &c.path,
            &format!(
                "SELECT COUNT(*) FROM audit WHERE action = 'view' AND entity = 'offender' \
                 AND entity_id = {offender} AND detail = 'incident #{incident}'"
            )
        ),
        1,
        "the view is audited with the incident as its reason"
    );
}

#[test]
fn an_incident_with_nobody_on_it_shows_no_people_and_enter_opens_nothing() {
    let (_dir, path) = {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scheme.db");
        Store::open(&path).unwrap();
        (dir, path)
    };
    let mut c = console_on(&path, "Priya", Config::default());
    c.log_incident('t', '2', "", "a bag taken from a table");
    c.update(Action::Open);
    assert!(c.app.detail.as_ref().unwrap().people.is_empty());
    assert!(!c.text().contains("People ("));
    c.keys("g");
    c.key(KeyCode::Enter);
    assert!(c.app.profile.is_none());
    assert_eq!(c.app.detail.as_ref().unwrap().selected, 0);
}

#[test]
fn a_long_note_is_wrapped_whole_and_the_timeline_still_follows_the_selection() {
    let mut c = demo_console();
    c.log_incident('t', '3', "", "meat taken");
    c.update(Action::Open);
    let long =
        "Male returned at 14:20 wearing the same grey hoodie, went straight to the meat aisle, \
                filled a carrier bag with steaks and left by the side door towards Bar Street; \
                staff did not approach him";
    assert!(long.chars().count() > 190);
    for k in 0..25 {
        c.update(Action::AddNote);
        if k == 0 {
            c.keys(long);
        } else {
            c.keys(&format!("note {k}"));
        }
        c.key(KeyCode::Enter);
    }
    let d = c.app.detail.as_ref().unwrap();
    let note = d.timeline.iter().position(|e| e.text == long).unwrap();
    // the newest is selected and in view
    assert_eq!((d.selected, d.person), (d.timeline.len() - 1, None));
    assert!(c.text().contains("note 24"), "{}", c.text());
    // up to the long note: every word of it on screen, across lines
    for _ in 0..(d.timeline.len() - 1 - note) {
        c.keys("k");
    }
    let text = c.text();
    let words: String = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(words.contains("staff did not approach him"), "{text}");
    assert!(words.contains("filled a carrier bag"), "{text}");
    assert!(!text.contains("note 24"), "scrolled up to it:\n{text}");
    // and back down to the end
    c.keys("G");
    assert!(c.text().contains("note 24"));
}
