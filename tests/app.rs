//! The console driven by keys and actions, on a real store, with a fixed clock:
//! the board, its panes and filters, the command line, quitting, and what
//! reaches it from outside (other consoles, the store going).

mod support;

use watchroom::app::form::FieldKey;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::quit::QuitQuestion;
use watchroom::app::{Action, Pane};
use watchroom::domain::StatusView;
use watchroom::store::Store;

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
    assert!(c.app.form().is_some(), "the form and its text survive");
    c.key(KeyCode::Esc);
    c.keys("y"); // discard
    assert!(c.app.nothing_open());
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
    // before the incidents, the overview (the terminal holds it)
    c.key(KeyCode::BackTab);
    assert_eq!(c.app.pane, Pane::Overview);
    // there Tab and Shift-Tab move between its sections
    c.key(KeyCode::BackTab);
    assert_eq!(c.app.pane, Pane::Overview);
    // on past the last panes (the evidence log and the sightings, after
    // set-up) comes round to the first
    c.keys("9");
    assert_eq!(c.app.pane, Pane::Setup);
    c.key(KeyCode::Tab);
    assert_eq!(c.app.pane, Pane::Evidence);
    c.key(KeyCode::Tab);
    assert_eq!(c.app.pane, Pane::Sightings);
    assert_eq!(c.app.pane, Pane::ALL[Pane::ALL.len() - 1]);
    c.key(KeyCode::Tab);
    assert_eq!(c.app.pane, Pane::ALL[0]);
    c.keys("6");
    assert_eq!(c.app.pane, Pane::Log);
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
    match c.app.form() {
        Some(f) => f.error.clone().unwrap_or_default(),
        None => panic!("the form should stay open, got {:?}", c.app.overlay()),
    }
}

/// Esc on a form with typing in it, and `y` to the question whether to
/// throw the typing away.
fn discard_form(c: &mut Console) {
    c.key(KeyCode::Esc);
    c.keys("y");
}

fn field_value(c: &Console, key: FieldKey) -> String {
    match c.app.form() {
        Some(f) => f.field(key).unwrap().value().to_string(),
        None => panic!("no form: {:?}", c.app.overlay()),
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
        field_value(&c, FieldKey::WhatHappened),
        "Two lads took razors from Boots"
    );
    assert!(
        c.text().contains("The store has gone (file deleted)"),
        "{}",
        c.text()
    );
    discard_form(&mut c);

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
        field_value(&c, FieldKey::Note),
        "CCTV following him down Bank Street"
    );
    discard_form(&mut c);
    c.key(KeyCode::Esc);

    // a sighting
    c.keys("S");
    for _ in 0..4 {
        c.key(KeyCode::Tab);
    }
    c.keys("tall, grey hoodie");
    c.ctrl('s');
    assert!(form_error(&c).contains("nothing was saved"));
    assert_eq!(field_value(&c, FieldKey::Description), "tall, grey hoodie");
    discard_form(&mut c);

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

/// An incident logged by Priya Shah on a connection of her own.
fn logged_elsewhere(path: &std::path::Path, summary: &str) {
    let mut other = watchroom::store::Store::open(path).unwrap();
    let op = other
        .operator_or_add("Priya Shah", "cctv", support::now())
        .unwrap();
    let new = watchroom::domain::NewIncident {
        kind: "theft".into(),
        priority: watchroom::domain::Priority::ALL[1],
        place: Default::default(),
        summary: summary.into(),
        opened_at: support::now(),
    };
    other.create_incident(&new, op.id, support::now()).unwrap();
}

/// The change watcher sees every commit, this console's own included; only
/// another connection's commit reloads the screen (and draws it again).
#[test]
fn a_consoles_own_commit_does_not_reload_it_again() {
    use watchroom::app::Action;
    let mut c = support::demo_console();
    c.log_incident('t', '2', "Market", "own write, shown at once");
    assert!(c.text().contains("own write, shown at once"));
    let before = c.app.reloads;
    c.app.dirty = false;
    c.update(Action::StoreChanged);
    assert_eq!(c.app.reloads, before, "its own commit alone");
    assert!(!c.app.dirty, "nor a frame drawn for it");

    logged_elsewhere(&c.path, "written by another console");
    c.update(Action::StoreChanged);
    assert_eq!(c.app.reloads, before + 1);
    assert!(c.app.dirty, "the reload is drawn");
    assert!(c.text().contains("written by another console"));
}

/// Wake-ups that arrive together (a burst of commits elsewhere) are read
/// once, after the turn's other events: one reload, which sees every commit
/// made while the turn's events were being taken.
#[test]
fn a_burst_of_wake_ups_in_one_turn_reloads_once() {
    use watchroom::app::{runtime::apply_turn, Event};
    let mut c = support::demo_console();
    logged_elsewhere(&c.path, "first of the burst");
    let before = c.app.reloads;
    let path = c.path.clone();
    let mut waiting = vec![Event::StoreChanged, Event::Tick, Event::StoreChanged];
    let mut taken = 0;
    apply_turn(&mut c.app, Event::StoreChanged, || {
        taken += 1;
        if taken == 1 {
            // committed after the first wake-up was taken
            logged_elsewhere(&path, "last of the burst");
        }
        waiting.pop()
    });
    c.settle();
    assert_eq!(c.app.reloads, before + 1, "one reload for four wake-ups");
    let text = c.text();
    assert!(text.contains("first of the burst") && text.contains("last of the burst"));
}

/// The store worker writes on a connection of its own (a sign-in's audit
/// record here): still the console's own, so it reloads nothing; another
/// console's commit after it still does.
#[test]
fn a_write_by_the_consoles_own_store_worker_does_not_reload_it() {
    use watchroom::app::Action;
    let mut c = support::demo_console();
    c.update(Action::LockNow);
    let audit_before = c.worker.audit_count().unwrap();
    let before = c.app.reloads;
    c.keys("1234");
    c.key(KeyCode::Enter);
    assert!(c.app.lock.is_none(), "signed in again");
    assert!(
        c.worker.audit_count().unwrap() > audit_before,
        "the worker wrote the sign-in"
    );
    c.update(Action::StoreChanged);
    assert_eq!(c.app.reloads, before, "the worker's write alone");

    logged_elsewhere(&c.path, "another console, after the sign-in");
    c.update(Action::StoreChanged);
    assert_eq!(c.app.reloads, before + 1);
    assert!(c.text().contains("another console, after the sign-in"));
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
            board_jobs(c.app.work.take()).is_empty(),
            "commit {n} does not restart the scan"
        );
    }
    c.run_jobs(scan);
    let again = board_jobs(c.app.work.take());
    assert_eq!(again.len(), 1, "once more, for the commits made meanwhile");
    c.run_jobs(again);
    assert!(c.app.board.working.is_none());
    assert!(board_jobs(c.app.work.take()).is_empty());

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

/// The status bar's stale count is the store's: narrowing the board to one
/// fresh incident does not change it.
#[test]
fn the_stale_count_is_the_stores_whatever_the_board_shows() {
    use watchroom::app::Action;
    let mut c = support::demo_console();
    let n = c.stale_in_store();
    assert!(n >= 1, "the demo has stale incidents");
    assert!(c.text().contains(&format!("· {n} stale")), "{}", c.text());
    c.log_incident('t', '2', "Market", "a fresh one to narrow to");
    c.update(Action::SetFilter("fresh one to narrow".into()));
    assert_eq!(
        c.app.board.rows.len(),
        1,
        "the board shows only the fresh one"
    );
    assert!(
        c.text().contains(&format!("· {n} stale")),
        "the count stays the store's: {}",
        c.text()
    );
}

/// The board's reads among jobs taken from a console (a store change also
/// has the stale incidents counted again, apart from the board).
fn board_jobs(
    jobs: Vec<(u64, watchroom::app::work::Job)>,
) -> Vec<(u64, watchroom::app::work::Job)> {
    jobs.into_iter()
        .filter(|(_, j)| j.purpose() == watchroom::app::work::Purpose::Board)
        .collect()
}
