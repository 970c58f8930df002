//! What the operator sees, at a fixed size and a fixed clock (insta snapshots),
//! plus the things a snapshot of text cannot show: colour, hostile text, sizes.

mod support;

use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use support::Console;
use support::*;
use watchroom::app::Action;
use watchroom::store::Store;

const W: u16 = 120;
const H: u16 = 40;

#[test]
fn the_board() {
    let c = demo_console();
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_board_says_rows_lie_above_and_below_its_window() {
    let mut c = demo_console();
    c.update(Action::Resize(W, 16));
    c.keys(":view all"); // closed ones too: more than fit
    c.key(KeyCode::Enter);
    c.key(KeyCode::PageDown);
    insta::assert_snapshot!(c.screen(W, 16).backend());
}

#[test]
fn the_detail_view() {
    let mut c = demo_console();
    c.key(KeyCode::Enter);
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_new_incident_form_with_place_suggestions() {
    let mut c = demo_console();
    c.keys("nd");
    c.key(KeyCode::Tab);
    c.keys("2");
    c.key(KeyCode::Tab);
    c.keys("the");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_help_overlay() {
    let mut c = demo_console();
    c.keys("?");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_activity_pane() {
    let mut c = demo_console();
    c.log_incident('t', '2', "greggs", "Sandwiches taken");
    c.keys("4");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

/// The cell where `needle` starts on the screen.
fn find(t: &ratatui::Terminal<ratatui::backend::TestBackend>, needle: &str) -> (u16, u16) {
    let buf = t.backend().buffer();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        if let Some(i) = line.find(needle) {
            return (line[..i].chars().count() as u16, y);
        }
    }
    panic!("{needle:?} not on screen");
}

#[test]
fn an_untouched_live_incident_shows_its_age_in_the_alert_colour() {
    let mut c = demo_console();
    c.log_incident('a', '4', "lidl", "Alarm sounding at Lidl");
    c.keys("g"); // selection off the row, so its own colours show
    let t = c.screen(W, H);
    let (x, y) = find(&t, "Alarm sounding");
    let age_x = (0..x)
        .rev()
        .find(|&ax| t.backend().buffer()[(ax, y)].symbol() == "0")
        .unwrap();
    let fresh = t.backend().buffer()[(age_x, y)].fg;
    c.app.config.lock_after_minutes = 60; // the idle lock would hide the board
    c.clock.advance(chrono::Duration::minutes(21));
    c.update(Action::Tick);
    let t = c.screen(W, H);
    let (x, y) = find(&t, "Alarm sounding");
    let (ax, _) = find(&t, "21m");
    assert!(ax < x);
    let stale = t.backend().buffer()[(ax, y)].fg;
    assert_ne!(fresh, stale);
    assert_eq!(
        stale,
        Color::Rgb(0xff, 0x5f, 0x5f),
        "default theme's alert_critical"
    );
    let n = c.stale_in_store();
    assert!(n >= 1);
    assert!(c.text().contains(&format!("· {n} stale")), "{}", c.text());
}

#[test]
fn escape_sequences_in_stored_text_are_drawn_harmlessly() {
    let (_dir, path) = demo_store();
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute(
            "UPDATE incidents SET summary = 'EVIL\x1b[2J\x1b]0;pwned\x07 text', location = 'x\u{202E}y'
             WHERE id = (SELECT MAX(id) FROM incidents WHERE status <> 'closed')",
            [],
        )
        .unwrap();
    }
    let mut c = console_on(&path, "Alex Morgan", Default::default());
    let id = {
        let s = Store::open(&path).unwrap();
        let raw = rusqlite::Connection::open(&path).unwrap();
        let id: i64 = raw
            .query_row(
                "SELECT id FROM incidents WHERE summary LIKE 'EVIL%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(s.incident(id).unwrap().is_some());
        id
    };
    for screen in [c.text(), {
        c.update(Action::OpenIncident(id));
        c.text()
    }] {
        assert!(
            screen.contains("EVIL\u{FFFD}[2J\u{FFFD}]0;pwned\u{FFFD} text"),
            "{screen}"
        );
        assert!(
            !screen.chars().any(|ch| ch.is_control() && ch != '\n'),
            "a control character reached the screen"
        );
        assert!(!screen.contains('\u{202E}'));
    }
}

#[test]
fn any_window_size_draws_without_panicking() {
    let c = demo_console();
    for (w, h) in [
        (0, 0),
        (1, 1),
        (20, 5),
        (59, 30),
        (120, 11),
        (60, 12),
        (80, 24),
        (300, 100),
        (1000, 300),
    ] {
        let t = c.screen(w, h);
        let text: String = t
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        if w >= 60 && h >= 12 {
            assert!(text.contains("Incidents"), "{w}x{h}");
        } else if w > 0 && h > 0 {
            assert!(
                text.starts_with("enlarge the window") || w < 18,
                "{w}x{h}: {text}"
            );
        }
    }
}

#[test]
fn no_color_keeps_the_selection_visible_without_colour() {
    let mut c = demo_console();
    c.themes = watchroom::ui::Themes::load(None, true).0;
    let t = c.screen(W, H);
    let buf = t.backend().buffer();
    assert!(buf
        .content()
        .iter()
        .all(|cell| cell.fg == Color::Reset && cell.bg == Color::Reset));
    let (_, y) = find(&t, &format!("#{}", c.app.board.rows[0].id));
    assert!(buf[(2, y)]
        .modifier
        .contains(ratatui::style::Modifier::REVERSED));
}

#[test]
fn the_offender_register() {
    let mut c = demo_console();
    c.keys("3");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn an_offender_profile() {
    let mut c = demo_console();
    c.keys("3");
    c.open_profile("checking the register");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_sighting_form_with_people_found_as_you_type() {
    let mut c = demo_console();
    c.keys("Shol");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_hits_pane() {
    let mut c = demo_console();
    c.keys("2");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_radio_inventory_with_health_and_coverage() {
    let mut c = demo_console();
    c.keys("5v");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

/// Wide, the serial and the last ten marks have columns of their own;
/// narrow, they are shown for the selected radio beneath the table.
#[test]
fn the_radio_inventory_wide_and_narrow() {
    let mut c = demo_console();
    c.update(Action::Resize(140, 40));
    c.keys("5v");
    insta::assert_snapshot!("radio_inventory_140x40", c.screen(140, 40).backend());
    c.update(Action::Resize(100, 30));
    c.keys("jjjjjjjjj"); // MS10: weak on the last five, and three in a row
    let text = c.text_at(100, 30);
    assert!(
        text.contains("needs: weak 5/5 · weak on the last three roll-calls"),
        "{text}"
    );
    insta::assert_snapshot!("radio_inventory_100x30", c.screen(100, 30).backend());
}

#[test]
fn the_radio_inventory_before_any_roll_call() {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), "Dana Chief", "The Old Bell", &["MS01", "MS02"]);
    let mut c = console_on(
        &path,
        "Cleo Desk",
        watchroom::app::config::Config::default(),
    );
    c.update(Action::Resize(100, 30));
    c.keys("5v");
    assert!(
        c.text_at(100, 30).contains("no roll-calls yet"),
        "{}",
        c.text_at(100, 30)
    );
    insta::assert_snapshot!(c.screen(100, 30).backend());
}

#[test]
fn a_roll_call_in_progress() {
    let mut c = demo_console();
    c.keys("5R");
    c.keys("55n43r");
    let via = c.roll_call().stations[0].call_sign.clone();
    c.keys(&via);
    c.key(KeyCode::Enter);
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn a_roll_call_summary() {
    let mut c = demo_console();
    c.keys("5R");
    c.keys("5n4");
    c.keys("Fy");
    c.key(KeyCode::Enter);
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_occurrence_log() {
    let mut c = demo_console();
    c.app.config.lock_after_minutes = 600;
    c.keys("6a");
    c.keys("Walked the High Street with PCSO Reid; all quiet");
    c.key(KeyCode::Enter);
    c.clock.advance(chrono::Duration::minutes(40));
    c.keys("a");
    c.keys("Alarm at Boots, reset by the keyholder");
    c.key(KeyCode::Enter);
    c.keys("je");
    c.keys("PCSO Reed, not Reid");
    c.key(KeyCode::Enter);
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_handover_at_the_end_of_a_shift() {
    let mut c = demo_console();
    c.app.config.lock_after_minutes = 600;
    c.keys("6a");
    c.keys("Walked the High Street with PCSO Reid; all quiet");
    c.key(KeyCode::Enter);
    c.clock.advance(chrono::Duration::hours(8));
    c.keys("E");
    c.keys("jjjjjjjjjjjj"); // scrolled to the hits, roll-call and radios
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_reports_pane() {
    let mut c = demo_console();
    c.keys("7");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_members_pane() {
    let mut c = demo_console();
    c.keys("8");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_training_view() {
    let mut c = demo_console();
    c.keys("8v");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn membership_over_time() {
    let mut c = demo_console();
    c.keys("8vv");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn renewals_due_and_old_agreements_are_drawn_in_the_warning_colour() {
    let mut c = demo_console();
    c.keys("8");
    let t = c.screen(W, H);
    let buf = t.backend().buffer();
    // the colour of `needle` on the row that names `member`
    let colour = |member: &str, needle: &str| {
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            if line.contains(member) {
                let i = line
                    .find(needle)
                    .unwrap_or_else(|| panic!("{needle:?} not on {member}'s row"));
                return buf[(line[..i].chars().count() as u16, y)].fg;
            }
        }
        panic!("{member:?} not on screen");
    };
    let due = colour("WH Smith", "due in");
    assert_ne!(
        due,
        colour("Brook Street", "Feb 2027"),
        "a renewal far off is plain"
    );
    assert_eq!(
        colour("Holland", "2019"),
        due,
        "an old agreement in the same colour"
    );
    assert_ne!(
        colour("Brook Street", "2024"),
        due,
        "a current agreement is plain"
    );
}

/// The header line alone, at a width.
fn header_at(c: &Console, w: u16) -> String {
    let t = c.screen(w, H);
    let buf = t.backend().buffer();
    (0..w).map(|x| buf[(x, 0)].symbol().to_string()).collect()
}

#[test]
fn the_header_keeps_its_clock_at_every_width() {
    let mut c = demo_console();
    let lines: Vec<String> = [80, 100, 120, 200]
        .into_iter()
        .map(|w| header_at(&c, w))
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
    for (w, line) in [80, 100, 120, 200].into_iter().zip(&lines) {
        assert!(line.contains("27 Nov 12:00:00"), "{w}: {line}");
        assert!(line.contains("demo.db"), "{w}: the store is named: {line}");
    }
    assert!(lines[3].contains(" watchroom ") && lines[3].contains("Fri 27 Nov 12:00:00"));
    // whichever pane is showing, its name and the clock are drawn
    for pane in watchroom::app::Pane::ALL {
        c.update(Action::ShowPane(pane));
        for w in [80, 100, 120] {
            let line = header_at(&c, w);
            assert!(
                line.contains(pane.title()) && line.contains("27 Nov 12:00:00"),
                "{w}: {line}"
            );
        }
        // narrower than 80, the time at least
        for w in [60, 70] {
            let line = header_at(&c, w);
            assert!(line.contains("12:00"), "{w}: {line}");
        }
    }
}

#[test]
fn a_long_store_name_gives_way_to_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("castlebrook-bcrp-live-store-2026-onwards.db");
    let mut s = Store::open(&path).unwrap();
    watchroom::store::demo::build_demo(&mut s, now()).unwrap();
    drop(s);
    let c = console_on(&path, "Alex Morgan", Default::default());
    let line = header_at(&c, 80);
    assert!(line.contains("castlebro") && line.contains('…'), "{line}");
    assert!(line.trim_end().ends_with("27 Nov 12:00:00"), "{line}");
    let line = header_at(&c, 200);
    assert!(line.contains("castlebrook-bcrp-live-store-2026-onwards.db · Fri 27 Nov 12:00:00"));
}

#[test]
fn the_question_on_quitting_with_the_shift_open() {
    let mut c = demo_console();
    c.keys("q");
    insta::assert_snapshot!(c.screen(W, H).backend());
    // at the smallest size every choice still shows its key
    let t = c.screen(60, 12);
    let text: String = t
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    for part in ["Quit", " e ", " l ", "Esc", "leave the shift running"] {
        assert!(text.contains(part), "{part:?} at 60×12");
    }
}

/// The demo store with `edit` done to it as Alex Morgan at `at`, then a console on it.
fn edited_console(edit: impl FnOnce(&mut Store, i64)) -> Console {
    let (dir, path) = demo_store();
    {
        let mut s = Store::open(&path).unwrap();
        let op = s
            .operator_by_name(watchroom::store::demo::DEMO_OPERATOR)
            .unwrap()
            .unwrap()
            .id;
        edit(&mut s, op);
    }
    let mut c = console_on(
        &path,
        watchroom::store::demo::DEMO_OPERATOR,
        Default::default(),
    );
    c.dir = Some(dir);
    c
}

/// The live incident the board shows first.
fn first_live_incident(s: &Store) -> i64 {
    let rows = s
        .board_window(&Default::default(), watchroom::store::Anchor::First, 1)
        .unwrap();
    rows[0].id
}

#[test]
fn an_edited_incident_shows_what_each_field_was_and_became() {
    let mut id = 0;
    let mut c = edited_console(|s, op| {
        id = first_live_incident(s);
        let i = s.incident(id).unwrap().unwrap();
        let mut e = watchroom::domain::IncidentEdit::from_incident(&i);
        e.priority = watchroom::domain::Priority::High;
        e.summary = "Two men took six bottles of gin and a box of razor blades from the \
                     security display by the door, then left towards the station car park \
                     where a third man was waiting in a grey van"
            .into();
        e.police_ref = "CB-301234".into();
        e.loss_pence = 12_050;
        s.update_incident(id, i.version, &e, op, now() - chrono::Duration::minutes(3))
            .unwrap();
    });
    c.update(Action::OpenIncident(id));
    let text = c.text();
    assert!(text.contains("was "), "{text}");
    assert!(text.contains("now "), "{text}");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn escape_sequences_in_an_edit_s_old_text_are_drawn_harmlessly() {
    let mut id = 0;
    let mut c = edited_console(|s, op| {
        id = first_live_incident(s);
        let i = s.incident(id).unwrap().unwrap();
        let mut e = watchroom::domain::IncidentEdit::from_incident(&i);
        e.summary = "corrected".into();
        s.update_incident(id, i.version, &e, op, now()).unwrap();
        rusqlite::Connection::open(s.path())
            .unwrap()
            .execute(
                "UPDATE field_changes SET old = 'EVIL\x1b[2J\x1b]0;pwned\x07 text\u{202E}'",
                [],
            )
            .unwrap();
    });
    c.update(Action::OpenIncident(id));
    let screen = c.text();
    assert!(screen.contains("EVIL\u{FFFD}[2J"), "{screen}");
    assert!(!screen.chars().any(|ch| ch.is_control() && ch != '\n'));
    assert!(!screen.contains('\u{202E}'));
}

#[test]
fn a_profile_shows_the_changes_to_the_record_and_its_exclusions() {
    let mut c = demo_console();
    c.keys("3");
    let id = c.app.register.rows[c.app.register.selected].id;
    {
        let mut s = Store::open(&c.path).unwrap();
        let op = s
            .operator_by_name(watchroom::store::demo::DEMO_OPERATOR)
            .unwrap()
            .unwrap()
            .id;
        let o = s.offender(id).unwrap().unwrap();
        let input = watchroom::domain::offender::OffenderInput {
            name: o.name.clone(),
            aliases: vec!["Jordan Garside".into(), "JG".into()],
            nicknames: o.nicknames.clone(),
            description: "tall, shaved head, white trainers, scar on the left hand".into(),
            markers: vec!["drugs".into()],
            photo_path: o.photo_path.clone(),
        };
        s.update_offender(id, o.version, input, op, now() - chrono::Duration::hours(2))
            .unwrap();
        let e = s
            .create_exclusion(
                &watchroom::store::exclusions::NewExclusion {
                    offender_id: id,
                    stage: "warning".into(),
                    scope: watchroom::domain::exclusion::Scope::AllZones,
                    starts_at: now() - chrono::Duration::days(20),
                    ends_at: now() + chrono::Duration::days(160),
                    served_at: Some(now() - chrono::Duration::days(20)),
                    served_by: "PC Hale".into(),
                    reason: "theft".into(),
                    evidence: vec![],
                    review_on: None,
                },
                &Default::default(),
                op,
                now() - chrono::Duration::days(20),
            )
            .unwrap();
        s.record_appeal(
            e.id,
            e.version,
            (now() - chrono::Duration::days(2)).date_naive(),
            Some("dismissed by the panel"),
            op,
            now() - chrono::Duration::hours(1),
        )
        .unwrap();
    }
    c.open_profile("checking the register");
    let text = c.text();
    assert!(text.contains("Changes (2)"), "{text}");
    assert!(text.contains("dismissed by the panel"), "{text}");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_members_and_radio_panes_show_the_selected_record_s_changes() {
    let mut c = demo_console();
    c.keys("8");
    let m = c.app.members_pane.rows[c.app.members_pane.selected].clone();
    let radio = {
        let mut s = Store::open(&c.path).unwrap();
        let op = s
            .operator_by_name(watchroom::store::demo::DEMO_OPERATOR)
            .unwrap()
            .unwrap()
            .id;
        let edit = watchroom::store::members::MemberEdit {
            name: m.name.clone(),
            kind: m.kind.clone(),
            zone_id: m.zone_id,
            address: "1 Market Hall Lane".into(),
            status: m.status,
            joined_on: m.joined_on,
            renewal_on: m.renewal_on,
            agreement_version: m.agreement_version.clone(),
            agreement_signed_on: m.agreement_signed_on,
            fee_paid_pence: m.fee_paid_pence + 5_000,
        };
        s.edit_member(m.id, m.version, &edit, op, now(), now().date_naive())
            .unwrap();
        let r = s.radios().unwrap()[0].clone();
        s.update_radio(
            r.id,
            r.version,
            &r.serial,
            r.member_id,
            "cracked case",
            op,
            now(),
        )
        .unwrap();
        r
    };
    c.update(Action::StoreChanged);
    let text = c.text();
    assert!(
        text.contains("changed 27 Nov 2026 12:00 by Alex Morgan"),
        "{text}"
    );
    assert!(text.contains("address"), "{text}");
    assert!(text.contains("1 Market Hall Lane"), "{text}");
    c.keys("5v");
    let text = c.text();
    assert!(
        text.contains(&format!("{} ", radio.call_sign))
            && text.contains("notes — → cracked case (Alex Morgan)"),
        "{text}"
    );
}

#[test]
fn the_board_when_the_store_has_gone() {
    use watchroom::store::files::{Change, Gone, StoreFile};
    let mut c = demo_console();
    let path = std::path::PathBuf::from("/srv/watchroom/watchroom.db");
    c.update(Action::StoreGone(Gone {
        store: path.clone(),
        file: StoreFile::Store,
        path,
        change: Change::Deleted,
    }));
    insta::assert_snapshot!(c.screen(W, H).backend());
    // at the smallest size the status bar still says so
    let t = c.screen(60, 12);
    let buf = t.backend().buffer();
    let bottom: String = (0..60).map(|x| buf[(x, 11)].symbol()).collect();
    assert!(bottom.contains("store ● ERROR"), "{bottom}");
}

/// The demo store with a breach of each kind (unreported with hours left,
/// unreported and overdue, reported, closed), and the set-up pane's breach log.
fn governance_console() -> Console {
    use watchroom::domain::governance::BreachInput;
    let (dir, path) = demo_store();
    let mut s = Store::open(&path).unwrap();
    let op = s.operator_by_name("Alex Morgan").unwrap().unwrap().id;
    let breach = |what: &str, hours_ago: i64, reported: bool| BreachInput {
        what: what.into(),
        found_at: Some(now() - chrono::Duration::hours(hours_ago)),
        people_affected: 3,
        who_affected: "members' staff".into(),
        reported_at: reported.then(now),
        ..Default::default()
    };
    let closed = s
        .add_breach(&breach("Notes left on the bus", 400, false), op, now())
        .unwrap();
    s.close_breach(closed, 1, now(), "Recovered the same day", op, now())
        .unwrap();
    s.add_breach(
        &breach("Bulletin sent to the wrong list", 50, true),
        op,
        now(),
    )
    .unwrap();
    s.add_breach(
        &breach("Photo posted in a group chat", 80, false),
        op,
        now(),
    )
    .unwrap();
    s.add_breach(&breach("Radio log left on the desk", 30, false), op, now())
        .unwrap();
    drop(s);
    let mut c = console_on(&path, "Alex Morgan", Default::default());
    c.dir = Some(dir);
    c.keys("9vvv");
    c
}

#[test]
fn the_governance_breach_log() {
    let c = governance_console();
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn an_overdue_breach_is_in_the_alert_colour_and_one_with_hours_left_is_not() {
    let mut c = governance_console();
    // the selection off the first row, whose colour it would be
    c.keys("j");
    let t = c.screen(W, H);
    let buf = t.backend().buffer();
    let colour = |needle: &str| {
        for y in 0..buf.area.height {
            let line: String = (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect();
            if let Some(i) = line.find(needle) {
                return buf[(line[..i].chars().count() as u16, y)].fg;
            }
        }
        panic!("{needle:?} not on screen");
    };
    let critical = Color::Rgb(0xff, 0x5f, 0x5f);
    assert_eq!(colour("report overdue by 8h 00m"), critical);
    assert_eq!(
        colour("1d 18h left to report"),
        Color::Rgb(0xe5, 0xc0, 0x7b)
    );
    assert_ne!(colour("closed 27 Nov"), critical);
}

#[test]
fn the_evidence_log() {
    let mut c = console_on(&demo_store_kept(), "Priya Shah", Default::default());
    c.keys("V");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn an_exhibits_trail() {
    let mut c = console_on(&demo_store_kept(), "Priya Shah", Default::default());
    c.keys("V");
    c.key(KeyCode::Enter);
    insta::assert_snapshot!(c.screen(W, H).backend());
}

/// A demo store whose folder outlives the test's console (kept until exit).
fn demo_store_kept() -> std::path::PathBuf {
    let (dir, path) = demo_store();
    std::mem::forget(dir);
    path
}

#[test]
fn the_sightings_pane() {
    let mut c = console_on(&demo_store_kept(), "Priya Shah", Default::default());
    c.keys("W");
    insta::assert_snapshot!(c.screen(W, H).backend());
}

#[test]
fn the_sightings_of_people_not_yet_identified() {
    let mut c = console_on(&demo_store_kept(), "Priya Shah", Default::default());
    c.keys("W/unidentified");
    c.key(KeyCode::Enter);
    insta::assert_snapshot!(c.screen(W, H).backend());
}

/// The ID-sought's gallery, their stills drawn in half-blocks as a terminal
/// without an image protocol shows them (each decoded off the draw, which
/// is drawn again as each is ready).
#[test]
fn the_gallery_of_the_id_sought() {
    use watchroom::domain::offender::OffenderKind;
    use watchroom::ui::widgets::photo::Photos;
    let path = demo_store_kept();
    {
        let mut s = Store::open(&path).unwrap();
        let op = s.operator_or_add("Alex Morgan", "manager", now()).unwrap();
        for e in s.search_entries(now()).unwrap() {
            if e.kind == OffenderKind::IdSought {
                let still = watchroom::io::stills::png(e.id as u64).unwrap();
                s.set_offender_photo_bytes(e.id, &still, op.id, now())
                    .unwrap();
            }
        }
    }
    let mut c = console_on(&path, "Priya Shah", Default::default());
    c.update(Action::Resize(W, H));
    c.keys("3vv");
    let (tx, rx) = std::sync::mpsc::channel();
    let mut photos = Photos::half_blocks().waking(move || {
        let _ = tx.send(());
    });
    let themes = watchroom::ui::Themes::load(None, false).0;
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(W, H)).unwrap();
    for _ in 0..100 {
        t.draw(|f| watchroom::ui::draw_with(f, &c.app, &themes, Some(&mut photos)))
            .unwrap();
        let text = format!("{}", t.backend());
        if !text.contains("loading photo") {
            break;
        }
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .expect("a still decoded");
    }
    insta::assert_snapshot!(t.backend());
}
