//! The console driven by keys and actions, on a real store, with a fixed clock.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::quit::QuitQuestion;
use watchroom::app::{Action, FormKind, Modal, Pane};
use watchroom::domain::{Status, StatusView};
use watchroom::store::Store;

#[test]
fn an_incident_is_logged_from_the_board_in_a_few_keys() {
    let mut c = demo_console();
    let live_before = c.app.board.count;
    c.log_incident('t', '1', "market sq", "Two lads took razors from Boots");
    assert!(c.app.modal.is_none(), "form closed after saving");
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
    match &c.app.modal {
        Some(Modal::Form(FormKind::NewIncident, f)) => {
            assert!(
                f.error.as_ref().unwrap().contains("write a line"),
                "{:?}",
                f.error
            )
        }
        other => panic!("form should stay open, got {other:?}"),
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
fn moving_paging_and_jumping_through_all_incidents() {
    let mut c = demo_console();
    c.key(KeyCode::Char('v'));
    // cycle to "all"
    while c.app.board.filter.status != StatusView::All {
        c.key(KeyCode::Char('v'));
    }
    let page = c.app.board.page;
    assert_eq!(page, 34, "120x40 leaves 34 rows for the board");
    assert_eq!(c.app.board.rows.len(), page);
    let first = c.app.board.rows[0].id;
    c.keys("jjj");
    assert_eq!(c.app.board.selected, 3);
    c.key(KeyCode::Up);
    assert_eq!(c.app.board.selected, 2);
    // moving past the bottom scrolls one row at a time
    for _ in 0..page {
        c.keys("j");
    }
    assert_eq!(c.app.board.selected, page - 1);
    assert_ne!(c.app.board.rows[0].id, first);
    let key_before = c.app.board.selected_row().unwrap().key;
    c.key(KeyCode::PageDown);
    assert!(c.app.board.selected_row().unwrap().key > key_before);
    c.keys("G");
    let last = c.app.board.selected_row().unwrap().id;
    c.keys("j");
    assert_eq!(
        c.app.board.selected_row().unwrap().id,
        last,
        "the end stays the end"
    );
    c.keys("g");
    assert_eq!(c.app.board.selected_row().unwrap().id, first);
    c.keys("k");
    assert_eq!(
        c.app.board.selected_row().unwrap().id,
        first,
        "the top stays the top"
    );
    // the board is in order: live first, then priority, then age
    let keys: Vec<_> = c.app.board.rows.iter().map(|r| r.key).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]));
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
        c.app.modal,
        Some(Modal::Form(FormKind::Close { .. }, _))
    ));
    c.key(KeyCode::Enter);
    let Some(Modal::Form(_, f)) = &c.app.modal else {
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
    let Some(Modal::Form(_, f)) = &c.app.modal else {
        panic!("a recovery above the loss is refused")
    };
    assert!(f.error.as_ref().unwrap().contains("more than the loss"));
    c.ctrl('u');
    c.keys("80");
    c.key(KeyCode::Enter);
    assert!(c.app.modal.is_none());
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
    assert!(a.app.modal.is_none());
    b.keys("Priya's account");
    b.ctrl('s');
    let Some(Modal::Form(FormKind::Edit { .. }, f)) = &b.app.modal else {
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
        f.field("What happened").value(),
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
    assert!(b.app.modal.is_none());
    assert_eq!(s.incident(id).unwrap().unwrap().summary, "Priya's account");
}

#[test]
fn another_consoles_change_arrives_with_a_toast() {
    let (_dir, path) = demo_store();
    let mut a = console_on(&path, "Alex Morgan", Config::default());
    let mut b = console_on(&path, "Priya Shah", Config::default());
    let before = b.app.board.count;
    a.log_incident('v', '1', "vibe", "Fight outside Vibe");
    b.update(Action::StoreChanged);
    assert_eq!(b.app.board.count, before + 1);
    assert!(b
        .app
        .board
        .rows
        .iter()
        .any(|r| r.summary == "Fight outside Vibe"));
    assert!(
        b.app
            .toasts
            .iter()
            .any(|t| t.text.contains("Alex Morgan logged")),
        "{:?}",
        b.app.toasts
    );
    // a console's own writes do not toast back at it
    a.update(Action::StoreChanged);
    assert!(a.app.toasts.is_empty(), "{:?}", a.app.toasts);
}

#[test]
fn quitting_asks_only_when_typed_input_would_be_lost() {
    let mut c = demo_console();
    c.keys("n");
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab);
    c.keys("half a report");
    c.ctrl('c');
    assert!(c.app.quitting == Some(QuitQuestion::UnsavedForm) && !c.app.quit);
    c.keys("n");
    assert!(!c.app.quit && c.app.quitting.is_none());
    assert!(
        matches!(c.app.modal, Some(Modal::Form(..))),
        "the form and its text survive"
    );
    c.key(KeyCode::Esc);
    c.keys("y"); // discard
    assert!(c.app.modal.is_none());
    c.keys("q");
    // nothing typed is lost, but the shift is open: that is asked about (tests/shift.rs)
    assert!(c.app.quitting == Some(QuitQuestion::OpenShift) && !c.app.quit);
    c.keys("l");
    assert!(c.app.quit);
}

#[test]
fn filtering_by_text_zone_type_and_status() {
    let mut c = demo_console();
    c.keys("v");
    while c.app.board.filter.status != StatusView::All {
        c.keys("v");
    }
    let all = c.app.board.count;
    c.keys("/");
    c.keys("zone:market type:theft");
    assert!(c.app.board.count < all);
    assert!(c.app.board.rows.iter().all(|r| r.kind == "theft"));
    c.key(KeyCode::Esc); // undo the typing
    assert_eq!(c.app.board.count, all);
    c.keys("/");
    c.keys("perfume");
    c.key(KeyCode::Enter);
    assert!(c.app.input.is_none());
    assert!(!c.app.board.rows.is_empty());
    assert!(c
        .app
        .board
        .rows
        .iter()
        .all(|r| r.summary.to_lowercase().contains("perfume")
            || r.place_label.to_lowercase().contains("perfume")));
    assert!(c.text().contains("filter: perfume"));
    c.keys("/");
    c.ctrl('u');
    c.keys("status:nonsense");
    assert!(c
        .app
        .input
        .as_ref()
        .unwrap()
        .error
        .as_ref()
        .unwrap()
        .contains("nonsense"));
    c.key(KeyCode::Esc);
    c.key(KeyCode::Esc); // Esc on the board clears the filter
    assert_eq!(c.app.board.filter.status, StatusView::Live);
    assert!(c.app.board.filter_text.is_empty());
}

#[test]
fn themes_switch_live_from_the_command_line() {
    let mut c = demo_console();
    c.keys(":theme night");
    c.key(KeyCode::Enter);
    assert_eq!(c.app.theme, "night");
    assert!(c.text().contains("theme night"));
    c.keys(":theme sparkly");
    c.key(KeyCode::Enter);
    assert_eq!(c.app.theme, "night");
    let m = &c.app.message.as_ref().unwrap().text;
    assert!(m.contains("sparkly") && m.contains("high-contrast"), "{m}");
    c.keys(":flyaway");
    c.key(KeyCode::Enter);
    assert!(c
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("unknown command"));
}

#[test]
fn panes_switch_by_tab_and_number() {
    let mut c = demo_console();
    c.key(KeyCode::Tab);
    assert_eq!(c.app.pane, Pane::Hits);
    c.key(KeyCode::Tab);
    assert_eq!(c.app.pane, Pane::Offenders);
    c.keys("4");
    assert_eq!(c.app.pane, Pane::Activity);
    assert!(!c.app.activity.records.is_empty());
    c.keys("1");
    assert_eq!(c.app.pane, Pane::Incidents);
    c.keys("2");
    assert_eq!(c.app.pane, Pane::Hits);
    c.key(KeyCode::BackTab);
    assert_eq!(c.app.pane, Pane::Incidents);
    // back past the first pane comes round to the last
    let n = Pane::ALL.len();
    c.key(KeyCode::BackTab);
    assert_eq!(c.app.pane, Pane::ALL[n - 1]);
    c.key(KeyCode::BackTab);
    assert_eq!(c.app.pane, Pane::ALL[n - 2]);
    c.keys("6");
    assert_eq!(c.app.pane, Pane::Log);
}

#[test]
fn help_is_built_from_the_key_table_and_follows_rebinding() {
    let mut config = Config::default();
    config.keys.insert("new_incident".into(), vec!["i".into()]);
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Alex Morgan", config);
    c.keys("?");
    assert!(matches!(c.app.modal, Some(Modal::Help { .. })));
    c.update(Action::Resize(120, 200));
    let screen = c.text();
    for b in c.app.keymap.bindings() {
        assert!(
            screen.contains(&b.description),
            "help lacks {:?}",
            b.description
        );
    }
    assert!(
        screen.contains("i                 new incident"),
        "{screen}"
    );
    for c in watchroom::app::command_line::COMMANDS {
        assert!(screen.contains(c.desc), "help lacks :{}", c.name);
        assert!(
            screen.contains(&format!(":{}", c.usage)),
            "help lacks :{}",
            c.usage
        );
    }
    c.key(KeyCode::Esc);
    assert!(c.app.modal.is_none());
    c.keys("n");
    assert!(c.app.modal.is_none(), "n is no longer bound");
    c.keys("i");
    assert!(matches!(
        c.app.modal,
        Some(Modal::Form(FormKind::NewIncident, _))
    ));
}

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
    c.app.input.as_mut().unwrap().line = watchroom::app::input::LineInput::default();
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
    c.app.pane = watchroom::app::Pane::Activity;
    c.keys("v");
    assert_eq!(c.app.activity.view, watchroom::app::ActivityView::Audit);
    assert!(c.text().contains("refused"), "{}", c.text());
}

/// Delete the console's store file with its log and index, as someone might
/// under a running console, and tell the console as its watcher would.
fn delete_the_store_under(c: &mut Console) {
    for suffix in ["", "-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", c.path.display()));
        std::fs::remove_file(&p).unwrap();
    }
    let gone = c.worker.file_gone().expect("the store sees it gone");
    c.app.handle_event(watchroom::app::Event::StoreGone(gone));
}

/// The form on screen and its error, if it is of `kind`.
fn form_error(c: &Console) -> String {
    match &c.app.modal {
        Some(Modal::Form(_, f)) => f.error.clone().unwrap_or_default(),
        other => panic!("the form should stay open, got {other:?}"),
    }
}

fn field_value(c: &Console, label: &str) -> String {
    match &c.app.modal {
        Some(Modal::Form(_, f)) => f.field(label).value().to_string(),
        other => panic!("no form: {other:?}"),
    }
}

#[test]
fn a_console_whose_store_was_deleted_says_so_refuses_every_save_and_keeps_what_was_typed() {
    let mut c = demo_console();
    // a roll-call under way when the store goes
    c.keys("5R");
    c.keys("5");
    let steps = |c: &Console| c.roll_call().steps.len();
    assert_eq!(steps(&c), 1);

    delete_the_store_under(&mut c);
    assert!(!c.app.store_ok);
    assert!(c.app.bell, "the bell rings once");
    let m = c.app.message.clone().unwrap();
    assert!(
        m.text
            .contains("was deleted while this console had it open")
            && m.text.contains("nothing more can be saved here"),
        "{}",
        m.text
    );
    let screen = c.text();
    let bar = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(
        bar.contains("store ● ERROR") && bar.contains("file deleted"),
        "{bar}"
    );
    // and over the board, for as long as the console runs: what to do
    assert!(
        screen.contains("STORE GONE:") && screen.contains("you type stays on screen"),
        "{screen}"
    );

    // a roll-call answer is refused and not taken: what is shown is what is stored
    c.keys("4");
    assert_eq!(steps(&c), 1, "the answer was not kept");
    assert!(c
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("nothing was saved"));
    c.update(Action::ShowPane(Pane::Incidents));

    // a new incident: the form stays with its text and says why
    c.log_incident('t', '1', "market sq", "Two lads took razors from Boots");
    let e = form_error(&c);
    assert!(
        e.contains("was deleted")
            && e.contains("nothing was saved")
            && e.contains("what you typed is kept"),
        "{e}"
    );
    assert_eq!(
        field_value(&c, "What happened"),
        "Two lads took razors from Boots"
    );
    assert!(
        c.text().contains("The store has gone (file deleted)"),
        "{}",
        c.text()
    );
    c.app.modal = None;

    // a note on an incident
    c.key(KeyCode::Enter);
    assert!(
        c.app.detail.is_some(),
        "the detail opens (reads still work)"
    );
    c.keys("a");
    c.keys("CCTV following him down Bank Street");
    c.key(KeyCode::Enter);
    assert!(form_error(&c).contains("nothing was saved"));
    assert_eq!(
        field_value(&c, "Note"),
        "CCTV following him down Bank Street"
    );
    c.app.modal = None;
    c.key(KeyCode::Esc);

    // a sighting
    c.keys("S");
    for _ in 0..4 {
        c.key(KeyCode::Tab);
    }
    c.keys("tall, grey hoodie");
    c.ctrl('s');
    assert!(form_error(&c).contains("nothing was saved"));
    assert_eq!(field_value(&c, "Description"), "tall, grey hoodie");
    c.app.modal = None;

    // an occurrence log line, and the same typed on the command line
    c.keys("6");
    c.keys("a");
    c.keys("Walked the High Street with PCSO Reid");
    c.key(KeyCode::Enter);
    let line = c.app.input.clone().expect("the line stays");
    assert_eq!(line.line.value, "Walked the High Street with PCSO Reid");
    assert!(line.error.unwrap().contains("nothing was saved"));
    c.key(KeyCode::Esc);
    c.keys(":log radio check with the Old Bell");
    c.key(KeyCode::Enter);
    let line = c.app.input.clone().expect("the command line stays");
    assert_eq!(line.line.value, "log radio check with the Old Bell");
    assert!(line.error.unwrap().contains("nothing was saved"));
    c.key(KeyCode::Esc);

    // nothing arriving puts it right, nor the same file coming back
    c.update(Action::StoreChanged);
    assert!(!c.app.store_ok);
    c.update(Action::StoreSince(None));
    assert!(c
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("stays stopped"));
    assert!(c.text().contains("store ● ERROR"));

    // quitting asks nothing about the shift (it could not be ended) and
    // leaves no store file behind
    c.keys("q");
    assert!(c.app.quit, "quits at once");
    assert_eq!(c.app.quitting, None);
    assert!(!c.path.exists(), "no store file was made again");
}

/// The change watcher failing reaches the status bar, not the log alone,
/// and its recovery clears it.
#[test]
fn live_sync_stopping_shows_on_the_status_bar_until_it_works_again() {
    use watchroom::app::Event;
    let mut c = support::demo_console();
    c.app
        .handle_event(Event::SyncFailed("disk I/O error".into()));
    let text = c.text();
    let bottom = text.lines().rfind(|l| !l.trim().is_empty()).unwrap();
    assert!(
        bottom.contains("live sync stopped: disk I/O error"),
        "{text}"
    );
    c.app.handle_event(Event::SyncResumed);
    let text = c.text();
    assert!(!text.contains("live sync stopped"), "{text}");
    assert!(text.contains("live sync is working again"), "{text}");
}

/// A photo decoded off the loop asks for a frame and changes nothing else.
#[test]
fn a_photo_ready_asks_only_for_a_redraw() {
    use watchroom::app::Event;
    let mut c = support::demo_console();
    let before = c.text();
    c.app.dirty = false;
    c.app.handle_event(Event::PhotoReady);
    assert!(c.app.dirty);
    assert_eq!(Event::PhotoReady.kind(), "photo ready");
    assert_eq!(c.text(), before);
}

/// The change watcher sees every commit, this console's own included; only
/// another connection's commit reloads the screen.
#[test]
fn a_consoles_own_commit_does_not_reload_it_again() {
    use watchroom::app::Action;
    let mut c = support::demo_console();
    c.log_incident('t', '2', "Market", "own write, shown at once");
    assert!(c.text().contains("own write, shown at once"));
    let before = c.app.reloads;
    c.update(Action::StoreChanged);
    assert_eq!(c.app.reloads, before, "its own commit alone");

    let mut other = watchroom::store::Store::open(&c.path).unwrap();
    let op = other
        .operator_or_add("Priya Shah", "cctv", support::now())
        .unwrap();
    let new = watchroom::domain::NewIncident {
        kind: "theft".into(),
        priority: watchroom::domain::Priority::ALL[1],
        place: Default::default(),
        summary: "written by another console".into(),
        opened_at: support::now(),
    };
    other.create_incident(&new, op.id, support::now()).unwrap();
    c.update(Action::StoreChanged);
    assert_eq!(c.app.reloads, before + 1);
    assert!(c.text().contains("written by another console"));
}

/// A user keymap beside the config rebinds keys, and every place that names
/// a key follows: the pane's title, the status bar's footer, help (the
/// pane's own keys first), and what the key does.
#[test]
fn a_user_keymap_rebinds_keys_and_titles_footer_and_help_follow() {
    use ratatui::crossterm::event::KeyCode;
    let (dir, path) = support::demo_store();
    let keymap = dir.path().join("keymap.toml");
    std::fs::write(
        &keymap,
        "[[global]]\non = [\"f2\"]\nrun = \"help\"\n\n[[members]]\non = [\"K\"]\nrun = \"add_contact\"\n",
    )
    .unwrap();
    let config = watchroom::app::config::Config {
        keymap_file: Some(keymap.clone()),
        ..Default::default()
    };
    let mut c = support::console_on(&path, "Alex Morgan", config);
    c.keys("8");
    let text = c.text();
    assert!(text.contains("K contact"), "{text}");
    assert!(!text.contains("c contact"), "{text}");
    assert!(text.contains("F2 help"), "{text}");
    assert!(!text.contains("? help"), "{text}");
    // '?' no longer opens help; F2 does, with the members pane's keys first
    c.keys("?");
    assert!(!c.text().contains("Help —"));
    c.key(KeyCode::F(2));
    let help = c.text();
    assert!(help.contains("Help —"), "{help}");
    let at = |needle: &str| {
        help.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {help}"))
    };
    assert!(
        at("Members and their training") < at("Anywhere"),
        "the pane's keys first: {help}"
    );
    assert!(help.contains("K "), "{help}");
    c.key(KeyCode::Esc);
    // K adds a contact
    c.keys("K");
    assert!(c.text().contains("Add a contact at"), "{}", c.text());

    // a keymap with a mistake is refused whole, naming its line
    std::fs::write(
        &keymap,
        "[[global]]\non = [\"f2\"]\nrun = \"help\"\n\n[[members]]\non = [\"ctrl-banana\"]\nrun = \"add_contact\"\n",
    )
    .unwrap();
    let config = watchroom::app::config::Config {
        keymap_file: Some(keymap),
        ..Default::default()
    };
    let mut c = support::console_on(&path, "Alex Morgan", config);
    let text = c.text();
    assert!(text.contains("line 6"), "{text}");
    assert!(text.contains("ctrl-banana"), "{text}");
    c.keys("8");
    let text = c.text();
    assert!(
        text.contains("c contact") && text.contains("? help"),
        "{text}"
    );
}

/// A user keymap rebinds a form's cancel and choice keys, the line's submit
/// and the lock screen's sign-in: the new keys do it, the old ones no longer
/// do, and the form's footer and field hints, the line's hint, the lock
/// screen and help all name the new keys.
#[test]
fn a_user_keymap_rebinds_form_line_and_lock_keys_and_what_they_show_follows() {
    let (dir, path) = support::demo_store();
    let keymap = dir.path().join("keymap.toml");
    std::fs::write(
        &keymap,
        "[[forms]]\non = [\"ctrl-g\"]\nrun = \"cancel_form\"\n\n\
         [[forms]]\non = [\"ctrl-p\"]\nrun = \"choice_prev\"\n\n\
         [[forms]]\non = [\"ctrl-n\"]\nrun = \"choice_next\"\n\n\
         [[line]]\non = [\"f5\"]\nrun = \"line_submit\"\n\n\
         [[lock]]\non = [\"f6\"]\nrun = \"sign_in\"\n",
    )
    .unwrap();
    let config = Config {
        keymap_file: Some(keymap.clone()),
        ..Default::default()
    };
    let mut c = support::console_on(&path, "Alex Morgan", config);
    let said = support::message(&c);
    assert!(
        !said.contains("keymap") && !said.contains("keys:"),
        "{said}"
    );
    let focused = |c: &Console| match &c.app.modal {
        Some(Modal::Form(_, f)) => f.fields[f.focus].value().to_string(),
        _ => panic!("no form open"),
    };

    // the form: its footer and the focused choice's hint name the new keys
    c.keys("n");
    let text = c.text();
    assert!(text.contains("Ctrl-g cancels"), "{text}");
    assert!(!text.contains("Esc cancels"), "{text}");
    assert!(text.contains("Ctrl-p/Ctrl-n or a letter"), "{text}");
    let first = focused(&c);
    c.key(KeyCode::Right);
    assert_eq!(focused(&c), first, "→ no longer cycles the choice");
    c.ctrl('n');
    assert_ne!(focused(&c), first, "Ctrl-N does");
    c.key(KeyCode::Esc);
    assert!(c.app.modal.is_some(), "Esc no longer cancels");
    c.ctrl('g');
    assert!(
        c.text().contains("Discard what you typed?  y = discard"),
        "{}",
        c.text()
    );
    c.keys("y");
    assert!(c.app.modal.is_none());

    // the line: Enter no longer keeps a filter, F5 does, and the hint says so
    c.keys("/");
    let text = c.text();
    assert!(text.contains("F5 keep · Esc undo"), "{text}");
    c.keys("theft");
    c.key(KeyCode::Enter);
    assert!(c.app.input.is_some(), "Enter no longer submits");
    c.key(KeyCode::F(5));
    assert!(c.app.input.is_none(), "F5 does");

    // the lock screen: Enter no longer signs in, F6 does
    c.ctrl('l');
    let text = c.text();
    assert!(text.contains("Tab next field · F6 signs in"), "{text}");
    c.keys("1234");
    c.key(KeyCode::Enter);
    assert!(c.app.lock.is_some(), "Enter no longer signs in");
    c.key(KeyCode::F(6));
    assert!(c.app.lock.is_none(), "F6 does: {}", c.text());

    // help lists the new layers with the new keys
    let theme = c.themes.get("default").unwrap();
    let help: Vec<String> = watchroom::ui::widgets::help::lines(&c.app, theme)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    let line_of = |name: &str| {
        help.iter()
            .find(|l| l.contains(&format!("[{name}]")))
            .unwrap_or_else(|| panic!("{name}: {help:#?}"))
            .trim_start()
            .to_string()
    };
    assert!(line_of("cancel_form").starts_with("Ctrl-g "));
    assert!(line_of("line_submit").starts_with("F5 "));
    assert!(line_of("sign_in").starts_with("F6 "));
    assert!(line_of("yes").starts_with("y Y Enter "));
    for layer in [
        "The line at the foot",
        "Editing text",
        "The sign-in and lock screen",
        "A yes-or-no question",
        "A handover on screen",
    ] {
        assert!(help.iter().any(|l| l.starts_with(layer)), "{layer}");
    }

    // a mistake in one of the new layers is refused whole, naming its line
    std::fs::write(
        &keymap,
        "[[line]]\non = [\"f5\"]\nrun = \"line_submit\"\n\n[[lock]]\non = [\"ctrl-banana\"]\nrun = \"sign_in\"\n",
    )
    .unwrap();
    let config = Config {
        keymap_file: Some(keymap),
        ..Default::default()
    };
    let mut c = support::console_on(&path, "Alex Morgan", config);
    let text = c.text();
    assert!(
        text.contains("line 6") && text.contains("ctrl-banana"),
        "{text}"
    );
    c.keys("/");
    assert!(c.text().contains("Enter keep · Esc undo"), "{}", c.text());
}

/// Every pane's `:` command and its other names reach the pane (`:radio`
/// was once missing from the line though help implied it).
#[test]
fn the_command_line_knows_every_pane_by_each_of_its_names() {
    use watchroom::app::Pane;
    let mut c = demo_console();
    for (typed, pane) in [
        ("radio", Pane::Radio),
        ("radios", Pane::Radio),
        ("reports", Pane::Reports),
        ("report", Pane::Reports),
        ("register", Pane::Offenders),
        ("set-up", Pane::Setup),
        ("members", Pane::Members),
        ("HITS", Pane::Hits),
        ("incidents", Pane::Incidents),
    ] {
        c.keys(&format!(":{typed}"));
        c.key(KeyCode::Enter);
        assert_eq!(c.app.pane, pane, ":{typed}");
    }
    c.keys(":fly");
    c.key(KeyCode::Enter);
    assert!(c.text().contains("unknown command “fly”"), "{}", c.text());
}

#[test]
fn a_filter_that_reads_every_rows_text_is_worked_out_off_the_keys_and_only_the_newest_lands() {
    let mut c = demo_console();
    let live: Vec<i64> = c.app.board.rows.iter().map(|r| r.id).collect();
    assert!(live.len() > 2);
    // typed without letting the worker run: the board keeps its rows and says so
    c.app.update(Action::SetFilter("status:all wallet".into()));
    assert!(c.app.board.working.is_some());
    assert!(c.text().contains("filtering…"), "{}", c.text());
    let ids: Vec<i64> = c.app.board.rows.iter().map(|r| r.id).collect();
    assert_eq!(
        ids, live,
        "the rows stay as they were until the result comes"
    );
    let first = c.app.work.take();
    assert_eq!(first.len(), 1);
    // a long scan says how long it has been at it
    c.clock.advance(chrono::Duration::seconds(3));
    assert!(c.text().contains("filtering… 3 s"), "{}", c.text());
    // a key still moves meanwhile
    c.press('j');
    assert_eq!(c.app.board.selected, 1);
    // the operator types on: another filter before the first result comes
    c.app.update(Action::SetFilter("status:all perfume".into()));
    let second = c.app.work.take();
    c.run_jobs(first);
    assert!(
        c.app.board.working.is_some(),
        "the older filter's rows are dropped"
    );
    let ids: Vec<i64> = c.app.board.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, live);
    c.run_jobs(second);
    assert!(c.app.board.working.is_none());
    assert!(!c.text().contains("filtering…"));
    assert!(!c.app.board.rows.is_empty());
    assert!(
        c.app
            .board
            .rows
            .iter()
            .all(|r| r.place_label.contains("Perfume")),
        "{:?}",
        c.app.board.rows
    );
    let counted = c
        .worker
        .count_incidents(&c.app.board.filter, watchroom::app::COUNT_CAP)
        .unwrap();
    assert_eq!(c.app.board.count, counted, "the count is the new filter's");
    assert_eq!(c.app.board.selected, 0, "a new filter starts at the top");

    // a filter on the index alone (a priority) is read at once, and a scan
    // still on its way never lands over it
    c.app.update(Action::SetFilter("status:all zebra".into()));
    let late = c.app.work.take();
    c.app.update(Action::SetFilter("status:all p:1".into()));
    assert!(c.app.board.working.is_none());
    assert!(c.app.work.take().is_empty());
    let p1 = c.app.board.rows.clone();
    assert!(!p1.is_empty());
    c.run_jobs(late);
    assert_eq!(c.app.board.rows, p1, "the zebra scan came too late");
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

#[test]
fn under_a_filter_that_scans_the_board_finishes_its_scan_whatever_else_happens_meanwhile() {
    let mut c = demo_console();
    c.keys("/zone:market");
    c.key(KeyCode::Enter);
    assert!(
        c.app.work.take().is_empty(),
        "Enter does not scan again what typing just read"
    );
    let market_count = c.app.board.count;
    assert!(market_count > 0 && c.app.board.working.is_none());

    // a new incident logged under the filter is selected, as without one
    c.log_incident('t', '2', "market", "Lad with a trolley of meat");
    let selected = c.app.board.selected_row().expect("a row selected");
    assert_eq!(selected.summary, "Lad with a trolley of meat");
    assert_eq!(c.app.board.count, market_count + 1);

    // another console commits again and again while a scan is on its way:
    // the scan is not started over each time, and the window is read once more after it
    c.update(Action::SetFilter("status:all zone:market".into()));
    let all_count = c.app.board.count;
    c.app
        .update(Action::SetFilter("status:all zone:market wallet".into()));
    let scan = c.app.work.take();
    assert_eq!(scan.len(), 1);
    let mut other = Store::open(&c.path).unwrap();
    let op = other.operator_or_add("Priya Shah", "cctv", now()).unwrap();
    for n in 0..3 {
        let id = c.app.board.rows.first().map(|r| r.id).unwrap_or(1);
        other
            .add_note(id, &format!("note {n}"), None, op.id, now())
            .unwrap();
        c.app.update(Action::StoreChanged);
        assert!(
            c.app.work.take().is_empty(),
            "commit {n} does not restart the scan"
        );
    }
    c.run_jobs(scan);
    let again = c.app.work.take();
    assert_eq!(again.len(), 1, "once more, for the commits made meanwhile");
    c.run_jobs(again);
    assert!(c.app.board.working.is_none());
    assert!(c.app.work.take().is_empty());

    // a step at the window's edge waits for rows on their way; G, a new
    // window, replaces them, keeping the count they were to bring
    c.app
        .update(Action::SetFilter("status:all zone:market".into()));
    let counted_scan = c.app.work.take();
    c.app.update(Action::PageDown);
    assert!(c.app.work.take().is_empty(), "the page waits");
    c.app.update(Action::Bottom);
    let bottom = c.app.work.take();
    c.run_jobs(counted_scan);
    assert!(
        c.app.board.working.is_some(),
        "the first scan is no longer wanted"
    );
    c.run_jobs(bottom);
    assert!(c.app.board.working.is_none());
    assert_eq!(
        c.app.board.count, all_count,
        "the count came with G's window"
    );
    c.update(Action::SetFilter("status:all zone:market wallet".into()));
    let counted = c
        .worker
        .count_incidents(&c.app.board.filter, watchroom::app::COUNT_CAP)
        .unwrap();
    assert_eq!(c.app.board.count, counted);
    assert!(
        counted < all_count,
        "the words narrow the market's incidents"
    );
    assert!(c
        .app
        .board
        .rows
        .iter()
        .all(|r| r.place_label.contains("Market") || r.summary.to_lowercase().contains("wallet")));
}

#[test]
fn someone_else_signing_in_at_a_locked_console_is_not_left_on_the_managers_pane() {
    let mut c = demo_console();
    c.keys("4");
    assert_eq!(c.app.pane, Pane::Activity);
    assert!(!c.app.activity.records.is_empty());
    c.update(Action::LockNow);
    // Jo Lindqvist, a viewer, signs in at the lock screen in the name's place
    c.key(KeyCode::Up);
    for _ in 0.."Alex Morgan".len() {
        c.key(KeyCode::Backspace);
    }
    c.keys("Jo Lindqvist");
    c.key(KeyCode::Tab);
    c.keys("5678");
    c.key(KeyCode::Enter);
    assert!(c.app.lock.is_none(), "signed in");
    assert_eq!(c.app.operator.name, "Jo Lindqvist");
    assert_eq!(
        c.app.pane,
        Pane::Incidents,
        "the audit trail is a manager's"
    );
    assert!(c.app.activity.records.is_empty());
    assert!(!c.text().contains("Activity —"));
}
