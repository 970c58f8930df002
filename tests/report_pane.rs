//! The reports pane: it opens on the last twelve months and steps through
//! periods, every role may read it, it follows a change made on another
//! console, sets police figures beside the scheme's own, and keys and other
//! consoles go on while the figures are worked out.

mod report_common;
mod support;

use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use report_common::*;
use rusqlite::Connection;
use watchroom::domain::exclusion::Ladder;
use watchroom::domain::report::ReportPeriod;
use watchroom::domain::{NewIncident, Place, Priority};
use watchroom::store::Store;

#[test]
fn the_reports_pane_opens_on_the_last_12_months_and_steps_through_periods() {
    let mut c = support::demo_console();
    c.keys("7");
    assert_eq!(c.app.pane, watchroom::app::Pane::Reports);
    let shown = |c: &support::Console| c.app.reports.report.as_ref().map(|r| r.period.period());
    assert_eq!(
        shown(&c),
        Some(ReportPeriod::new(day("2025-12-01"), day("2026-11-27")).unwrap())
    );
    let text = c.text();
    assert!(text.contains("the last 12 months"), "{text}");
    assert!(text.contains("Incidents by month"), "{text}");
    c.keys("v");
    assert_eq!(
        shown(&c),
        Some(ReportPeriod::new(day("2026-11-01"), day("2026-11-27")).unwrap())
    );
    c.keys("[");
    assert_eq!(
        shown(&c),
        Some(ReportPeriod::new(day("2026-10-01"), day("2026-10-31")).unwrap())
    );
    assert!(c.text().contains("Oct 2026"));
    c.keys("]");
    c.keys("]"); // no further than today
    assert_eq!(
        shown(&c),
        Some(ReportPeriod::new(day("2026-11-01"), day("2026-11-27")).unwrap())
    );
    c.keys("v");
    assert_eq!(
        shown(&c),
        Some(ReportPeriod::new(day("2026-01-01"), day("2026-11-27")).unwrap())
    );
    // the figures are the store's for the period shown
    let expected = c
        .worker
        .report(
            &ReportPeriod::new(day("2026-01-01"), day("2026-11-27")).unwrap(),
            TZ,
            &Ladder::default(),
            support::now(),
        )
        .unwrap();
    assert_eq!(c.app.reports.report.as_ref(), Some(&expected));
    c.key(KeyCode::Esc);
    assert_eq!(c.app.pane, watchroom::app::Pane::Incidents);
}

#[test]
fn every_role_may_read_the_reports_pane() {
    let (_dir, path) = support::demo_store();
    for name in ["Jo Lindqvist", "Sam Okafor", "Tom Baxter"] {
        let mut c = support::console_on(&path, name, Default::default());
        c.keys("7");
        assert_eq!(c.app.pane, watchroom::app::Pane::Reports, "{name}");
        assert!(c.app.reports.report.is_some(), "{name}");
    }
}

#[test]
fn the_pane_follows_a_change_made_on_another_console() {
    let mut c = support::demo_console();
    c.keys("7");
    let before = c.app.reports.report.as_ref().unwrap().incidents.total;
    let mut other = Store::open(&c.path).unwrap();
    let op = other
        .operator_or_add("Priya Shah", "cctv", support::now())
        .unwrap();
    let new = NewIncident {
        kind: "theft".into(),
        priority: Priority::ALL[2],
        place: Place {
            zone_id: Some(1),
            member_id: None,
            location: String::new(),
        },
        summary: "taken from the stand".into(),
        opened_at: support::now() - mins(5),
    };
    other.create_incident(&new, op.id, support::now()).unwrap();
    // read again at once, unless the figures were read in the last few
    // seconds: then at the next tick after that
    c.update(watchroom::app::Action::StoreChanged);
    let total = |c: &support::Console| c.app.reports.report.as_ref().unwrap().incidents.total;
    assert_eq!(total(&c), before, "figures read a moment ago are kept");
    c.clock.advance(Duration::seconds(5));
    c.update(watchroom::app::Action::Tick);
    assert_eq!(total(&c), before + 1);
    // a change seen while the pane is not showing is read when it opens
    other.create_incident(&new, op.id, support::now()).unwrap();
    c.keys("1");
    c.update(watchroom::app::Action::StoreChanged);
    c.keys("7");
    assert_eq!(total(&c), before + 2);
}

#[test]
fn the_pane_sets_police_figures_beside_the_schemes_own() {
    let (_dir, path) = support::demo_store();
    let c = Connection::open(&path).unwrap();
    for (n, (month, kind)) in [
        ("2026-10", "Shoplifting"),
        ("2026-10", "Shoplifting"),
        ("2026-11", "Anti-social behaviour"),
        ("2024-01", "Shoplifting"), // long before the period
    ]
    .iter()
    .enumerate()
    {
        c.execute(
            "INSERT INTO police_crimes (row_key, month, crime_type) VALUES (?1, ?2, ?3)",
            rusqlite::params![format!("k{n}"), month, kind],
        )
        .unwrap();
    }
    // September imported with nothing in the area; October and November
    // for the area set now
    for month in ["2026-09", "2026-10", "2026-11"] {
        c.execute(
            "INSERT INTO police_months (month, area, imported_at) VALUES (?1, '2 LSOAs (E01024170, E01024171)', 0)",
            [month],
        )
        .unwrap();
    }
    drop(c);
    let config = watchroom::app::config::Config::parse(
        "[police]\nlsoa = [\"E01024170\", \"E01024171\"]\nshoplifting_types = [\"theft\"]\n",
    )
    .unwrap();
    let mut c = support::console_on(&path, "Jo Lindqvist", config);
    c.keys("7");
    let r = c.app.reports.report.clone().unwrap();
    // the 2024 row is outside the last 12 months
    assert_eq!((r.police[0].police_total, r.police[1].police_total), (2, 1));
    assert_eq!(r.police[0].scheme_types, ["theft"]);
    assert_eq!(r.police_coverage.months, ["2026-09", "2026-10", "2026-11"]);
    assert!(r.police_coverage.other_area.is_empty());
    let text = c.text();
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle} in\n{text}"))
            .to_string()
    };
    line("Police recorded · the scheme's own");
    line("area 2 LSOAs (E01024170, E01024171)");
    line("months Sep 2026 – Nov 2026 (3 of 12)");
    // the pairing, and police · scheme in all
    line(&format!(
        "Shoplifting 2 · {} beside theft",
        r.police[0].scheme_total
    ));
    line(&format!(
        "ASB 1 · {} beside antisocial, anti-social",
        r.police[1].scheme_total
    ));
    // month by month: months no police file covers are dots, the rest bars
    let police_row = line("police  ");
    assert!(police_row.contains(" ·  ·  · "), "{police_row}");
    insta::assert_snapshot!(c.screen(120, 40).backend());
}

/// The figures are worked out on the store worker: until they come, keys
/// still move and draw, another console's incident still shows, the pane
/// says it is working, and figures for a period the operator has left are
/// never drawn.
#[test]
fn keys_and_other_consoles_go_on_while_the_figures_are_worked_out() {
    use watchroom::app::{Action, Pane};
    let mut c = support::demo_console();
    // '7' without letting the worker run: the job waits, the pane says so
    c.app.handle_key(key('7'));
    assert_eq!(c.app.pane, Pane::Reports);
    assert!(c.app.report_working());
    let text = c.text();
    assert!(text.contains("working out the figures"), "{text}");
    let first = c.app.work.take();
    assert_eq!(first.len(), 1);
    // 'v' chooses another period before the first figures come
    c.app.handle_key(key('v'));
    let second = c.app.work.take();
    assert_eq!(second.len(), 1);

    // another console logs an incident meanwhile: this one shows it at once
    let mut other = Store::open(&c.path).unwrap();
    let op = other
        .operator_or_add("Priya Shah", "cctv", support::now())
        .unwrap();
    let new = NewIncident {
        kind: "theft".into(),
        priority: Priority::ALL[0],
        place: Place {
            zone_id: Some(1),
            member_id: None,
            location: String::new(),
        },
        summary: "lad running with a crate of lager".into(),
        opened_at: support::now() - mins(1),
    };
    other.create_incident(&new, op.id, support::now()).unwrap();
    c.app.update(Action::StoreChanged);
    c.app.handle_key(key('1'));
    assert!(c.text().contains("lad running with a crate"));
    let at = c.app.board.selected;
    c.app.handle_key(key('j'));
    assert_eq!(c.app.board.selected, at + 1, "a key moves the board");
    c.app.handle_key(key('7'));
    // the store change queued a fresh reading too; only the newest counts
    let fresh = c.app.work.take();

    // the last-12-months figures, asked for first, come late: dropped
    c.run_jobs(first);
    assert_eq!(c.app.reports.report, None);
    assert!(c.app.report_working());
    c.run_jobs(second);
    c.run_jobs(fresh);
    assert!(!c.app.report_working());
    let shown = c.app.reports.report.as_ref().unwrap().period.period();
    assert_eq!(
        shown,
        ReportPeriod::new(day("2026-11-01"), day("2026-11-27")).unwrap()
    );
    let text = c.text();
    assert!(!text.contains("working out"), "{text}");
    assert!(text.contains("this month"), "{text}");
}

fn key(c: char) -> ratatui::crossterm::event::KeyEvent {
    ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char(c),
        ratatui::crossterm::event::KeyModifiers::NONE,
    )
}
