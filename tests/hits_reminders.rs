//! A waiting hit's reminders and escalation on consoles with a settable
//! clock, on a real store that starts empty: the schedule, the escalation
//! written once and told to the managers, a snooze holding reminders back,
//! reminders stopping when the exclusion behind the hit is lifted or ends,
//! a restarted console ringing nothing old, and a person seen again
//! counted on the hit on every console.

mod support;

use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use std::path::{Path, PathBuf};
use support::*;
use watchroom::app::config::Config;
use watchroom::app::{Action, Event, Pane};
use watchroom::domain::exclusion::Scope;
use watchroom::domain::sighting::HitStatus;
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::Store;

/// A new, empty store (no demo town) in a temp dir.
fn empty_store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchroom.db");
    Store::open(&path).unwrap();
    (dir, path)
}

/// A console that does not lock itself while the clock runs on (the tests
/// move it hours without a key).
fn awake() -> Config {
    Config {
        lock_after_minutes: 24 * 60,
        ..Config::default()
    }
}

/// A manager's console ("Sam Manager" is made a manager by `register`).
fn manager(path: &Path) -> Console {
    let c = console_on(path, "Sam Manager", awake());
    assert_eq!(
        c.app.operator.role,
        watchroom::domain::permission::Role::Manager
    );
    c
}

/// A sighting of the person a fragment finds, on the default camera, now.
fn sight(c: &mut Console, fragment: &str) -> i64 {
    c.keys("S");
    c.keys(fragment);
    c.key(KeyCode::Enter);
    c.ctrl('s');
    assert!(c.app.nothing_open(), "saved: {}", message(c));
    c.app.hits.last_seen
}

fn tick(consoles: &mut [&mut Console], by: Duration) {
    for c in consoles.iter_mut() {
        c.clock.advance(by);
        c.app.toasts.clear();
        c.app.notices.clear();
        c.app.bell = false;
        c.update(Action::Tick);
    }
}

fn toasted(c: &Console, text: &str) -> bool {
    c.app.toasts.iter().any(|t| t.text.contains(text))
}

/// The status bar, the screen's last line.
fn status_bar(c: &Console) -> String {
    c.text().lines().last().unwrap().to_string()
}

fn escalations_audited(path: &Path, hit: i64) -> i64 {
    count(
        path,
        &format!("SELECT COUNT(*) FROM audit WHERE action = 'escalate' AND entity = 'hit' AND entity_id = {hit}"),
    )
}

#[test]
fn a_waiting_hit_reminds_on_the_schedule_then_escalates_once_and_only_managers_are_told() {
    let (_dir, path) = empty_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut op = console_on(&path, "Alex Morgan", awake());
    let mut boss = manager(&path);
    let hit = sight(&mut op, "quil");
    boss.app.handle_event(Event::StoreChanged);
    assert!(toasted(&boss, "BREACH: Zebedee Quill"));

    tick(&mut [&mut op, &mut boss], Duration::minutes(1));
    assert!(op.app.toasts.is_empty() && boss.app.toasts.is_empty());
    tick(&mut [&mut op, &mut boss], Duration::minutes(1));
    for c in [&op, &boss] {
        assert!(
            toasted(c, "still not acknowledged (2m)"),
            "{:?}",
            c.app.toasts
        );
        assert!(c.app.bell);
        assert_eq!(c.app.notices.len(), 1, "and a desktop notification");
    }
    tick(&mut [&mut op, &mut boss], Duration::minutes(2));
    assert!(op.app.toasts.is_empty(), "the next step is at 5 minutes");
    tick(&mut [&mut op, &mut boss], Duration::minutes(1));
    assert!(toasted(&op, "still not acknowledged (5m)"));

    // ten minutes: the operator's console reaches it first and writes it
    tick(&mut [&mut op], Duration::minutes(5));
    assert!(
        toasted(&op, "escalated to the managers"),
        "{:?}",
        op.app.toasts
    );
    assert!(
        op.app
            .notices
            .iter()
            .all(|n| !n.summary.contains("escalated")),
        "an operator's console is reminded, not told of an escalation"
    );
    let h = op.worker.hit(hit).unwrap().unwrap();
    assert_eq!(h.escalated_at, Some(now() + Duration::minutes(10)));
    assert_eq!(escalations_audited(&path, hit), 1);

    // the manager's console reads it from the store, and is told once
    boss.clock.advance(Duration::minutes(5));
    boss.app.toasts.clear();
    boss.app.notices.clear();
    boss.app.handle_event(Event::StoreChanged);
    assert!(
        toasted(&boss, &format!("ESCALATED: hit {hit} on Zebedee Quill")),
        "{:?}",
        boss.app.toasts
    );
    assert!(boss
        .app
        .notices
        .iter()
        .any(|n| n.summary == "watchroom: hit escalated" && n.body.contains("Zebedee Quill")));
    assert!(boss.app.bell);
    boss.update(Action::Tick);
    assert_eq!(
        escalations_audited(&path, hit),
        1,
        "written once, by the first"
    );

    // shown on every console
    for c in [&mut op, &mut boss] {
        c.keys("2");
        assert_eq!(c.app.pane, Pane::Hits);
        let screen = c.text();
        assert!(screen.contains("ESCALATED"), "{screen}");
        assert!(screen.contains("1 escalated"), "{screen}");
        assert!(
            status_bar(c).contains("hits 1 (1 escalated)"),
            "{}",
            status_bar(c)
        );
    }

    // and then quiet: no reminder goes on ringing
    tick(&mut [&mut op, &mut boss], Duration::minutes(30));
    tick(&mut [&mut op, &mut boss], Duration::hours(3));
    for c in [&op, &boss] {
        assert!(c.app.toasts.is_empty() && !c.app.bell && c.app.notices.is_empty());
    }
}

#[test]
fn a_console_started_after_the_steps_rings_nothing_old_but_escalates_what_nobody_did() {
    let (_dir, path) = empty_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let hit = {
        let mut op = console_on(&path, "Alex Morgan", awake());
        sight(&mut op, "quil")
    };
    // nobody ran a console for six minutes: two reminders passed unrung
    let mut late = started_at(&path, "Alex Morgan", Duration::minutes(6));
    tick(&mut [&mut late], Duration::seconds(1));
    assert!(late.app.toasts.is_empty(), "{:?}", late.app.toasts);
    assert!(!late.app.bell);
    assert_eq!(late.app.hits.reminded.get(&hit), Some(&2));
    tick(&mut [&mut late], Duration::minutes(4));
    assert!(
        toasted(&late, "escalated to the managers"),
        "the steps still to come ring"
    );

    // started long after the last step, with nobody having escalated it
    let (_dir2, path2) = empty_store();
    register(&path2, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let hit2 = sight(&mut console_on(&path2, "Alex Morgan", awake()), "quil");
    let mut other_boss = manager(&path2);
    other_boss.clock.advance(Duration::hours(1));
    let mut boss = {
        let mut c = started_at(&path2, "Sam Manager", Duration::hours(1));
        c.update(Action::Tick);
        c
    };
    assert_eq!(escalations_audited(&path2, hit2), 1, "escalated at start");
    assert!(
        boss.app.toasts.is_empty() && !boss.app.bell,
        "without ringing on the console starting"
    );
    other_boss.app.handle_event(Event::StoreChanged);
    assert!(
        toasted(&other_boss, "ESCALATED"),
        "another manager's console is told"
    );
    // restarting again: nothing rings, nothing is written again
    drop(boss);
    boss = started_at(&path2, "Sam Manager", Duration::hours(2));
    boss.update(Action::Tick);
    assert!(boss.app.toasts.is_empty() && !boss.app.bell);
    assert_eq!(escalations_audited(&path2, hit2), 1);
}

/// A console whose clock reads `after` past the tests' start from its
/// first moment, as one started later would.
fn started_at(path: &Path, who: &str, after: Duration) -> Console {
    console_at(path, who, awake(), now() + after)
}

#[test]
fn a_snoozed_hit_holds_its_reminders_back_on_every_console_until_the_snooze_runs_out() {
    let (_dir, path) = empty_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut op = console_on(&path, "Alex Morgan", awake());
    let mut other = console_on(&path, "Priya Shah", awake());
    let hit = sight(&mut op, "quil");
    other.app.handle_event(Event::StoreChanged);
    tick(&mut [&mut op, &mut other], Duration::minutes(1));

    op.keys("2");
    op.keys("z");
    assert!(op.app.form().is_some(), "the snooze form");
    op.key(KeyCode::Enter); // 10 minutes, as offered
    op.key(KeyCode::Enter); // no reason
    let form = op.app.form().expect("refused without a reason");
    assert!(
        form.error.as_deref().unwrap_or("").contains("say why"),
        "{:?}",
        form.error
    );
    op.keys("police on the way");
    op.key(KeyCode::Enter);
    assert!(op.app.nothing_open());
    assert_eq!(message(&op), "hit 1 snoozed until 12:11: police on the way");
    let h = op.worker.hit(hit).unwrap().unwrap();
    assert_eq!(h.snoozed_until, Some(now() + Duration::minutes(11)));
    assert_eq!(h.snooze_reason.as_deref(), Some("police on the way"));
    assert_eq!(
        count(&path, "SELECT COUNT(*) FROM audit WHERE action = 'snooze'"),
        1
    );
    other.app.handle_event(Event::StoreChanged);
    other.keys("2");
    assert!(
        other.text().contains("snoozed to 12:11: police on the way"),
        "{}",
        other.text()
    );

    // 2, 5 and 10 minutes pass while it is snoozed: nothing rings, nothing escalates
    for by in [1, 3, 5] {
        tick(&mut [&mut op, &mut other], Duration::minutes(by));
        assert!(op.app.toasts.is_empty() && other.app.toasts.is_empty());
        assert!(!op.app.bell && !other.app.bell);
    }
    assert_eq!(escalations_audited(&path, hit), 0);

    // run out: the schedule catches up with one alert, the escalation
    tick(&mut [&mut op, &mut other], Duration::minutes(1));
    let said: Vec<&String> = op.app.toasts.iter().map(|t| &t.text).collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("escalated to the managers"), "{said:?}");
    assert_eq!(escalations_audited(&path, hit), 1);
}

#[test]
fn a_hit_is_snoozed_from_the_command_line_and_a_decided_one_cannot_be() {
    let (_dir, path) = empty_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut op = console_on(&path, "Alex Morgan", awake());
    let hit = sight(&mut op, "quil");
    op.keys(&format!(
        ":hit {hit} snooze 5 \"radio check with the door staff\""
    ));
    op.key(KeyCode::Enter);
    assert_eq!(
        message(&op),
        format!("hit {hit} snoozed until 12:05: radio check with the door staff")
    );
    op.keys(&format!(":hit {hit} snooze 500 too long"));
    op.key(KeyCode::Enter);
    assert!(message(&op).contains("1 to 60"), "{}", message(&op));
    op.keys(&format!(":hit {hit} accept radio warned"));
    op.key(KeyCode::Enter);
    op.keys(&format!(":hit {hit} snooze 5 later"));
    op.key(KeyCode::Enter);
    assert!(
        message(&op).contains("already accepted"),
        "{}",
        message(&op)
    );
}

/// An exclusion on `offender` from ten days ago, ending at `ends`.
fn exclude(path: &Path, offender: i64, ends: chrono::DateTime<chrono::Utc>) -> (i64, i64) {
    let mut s = Store::open(path).unwrap();
    let op = s.operator_or_add("Sam Manager", "manager", now()).unwrap();
    let e = s
        .create_exclusion(
            &NewExclusion {
                offender_id: offender,
                stage: "exclusion".into(),
                scope: Scope::AllZones,
                starts_at: now() - Duration::days(10),
                ends_at: ends,
                served_at: Some(now() - Duration::days(10)),
                served_by: "PC Hale".into(),
                reason: "persistent theft".into(),
                evidence: vec![],
                review_on: None,
            },
            &Config::default().hit_rules().ladder,
            op.id,
            now(),
        )
        .unwrap();
    (e.id, e.version)
}

#[test]
fn reminders_stop_when_the_exclusion_behind_the_hit_is_lifted_or_ends_and_the_hit_still_waits() {
    let (_dir, path) = empty_store();
    let zeb = register(&path, "Zebedee Quill", "Zeb", &[], None);
    let (exclusion, version) = exclude(&path, zeb, now() + Duration::days(30));
    let tyler = register(&path, "Tyler Pym", "Ty", &[], None);
    exclude(&path, tyler, now() + Duration::minutes(4));
    let mut op = console_on(&path, "Alex Morgan", awake());
    let lifted = sight(&mut op, "quil");
    let ended = sight(&mut op, "pym");
    tick(&mut [&mut op], Duration::minutes(2));
    assert!(toasted(&op, "Zebedee Quill still not acknowledged"));
    assert!(toasted(&op, "Tyler Pym still not acknowledged"));

    // a manager lifts Zebedee's exclusion on another console
    let mut s = Store::open(&path).unwrap();
    let boss = s.operator_or_add("Sam Manager", "manager", now()).unwrap();
    s.lift_exclusion(
        exclusion,
        version,
        "appeal upheld",
        boss.id,
        now() + Duration::minutes(3),
    )
    .unwrap();
    op.clock.advance(Duration::minutes(1));
    op.app.handle_event(Event::StoreChanged);

    for by in [2, 5, 30] {
        tick(&mut [&mut op], Duration::minutes(by));
        assert!(op.app.toasts.is_empty(), "{:?}", op.app.toasts);
        assert!(!op.app.bell);
    }
    assert_eq!(escalations_audited(&path, lifted), 0);
    assert_eq!(escalations_audited(&path, ended), 0);
    op.keys("2");
    let screen = op.text();
    assert!(
        screen.contains("exclusion lifted — no longer a breach"),
        "{screen}"
    );
    assert!(screen.contains("exclusion ended"), "{screen}");
    assert!(
        status_bar(&op).contains("hits 0"),
        "not urgent: {}",
        status_bar(&op)
    );
    // still waiting for someone to acknowledge them, without reminders
    assert_eq!(op.app.hits.unacknowledged, 2);
    for id in [lifted, ended] {
        assert_eq!(op.worker.hit(id).unwrap().unwrap().status, HitStatus::New);
    }
}

#[test]
fn a_person_seen_again_is_added_to_their_waiting_hit_on_every_console() {
    let (_dir, path) = empty_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    {
        let mut s = Store::open(&path).unwrap();
        let op = s.operator_or_add("Sam Manager", "manager", now()).unwrap();
        s.add_camera("Cam 2 Market", None, true, op.id, now())
            .unwrap();
    }
    let mut cctv = console_on(&path, "Alex Morgan", awake());
    let mut desk = console_on(&path, "Priya Shah", awake());
    let hit = sight(&mut cctv, "quil");
    desk.app.handle_event(Event::StoreChanged);
    desk.keys("2");
    desk.keys("a"); // an accept form open on the hit as first raised
    for minutes in [7, 14] {
        cctv.clock.advance(Duration::minutes(minutes));
        desk.clock.advance(Duration::minutes(minutes));
        assert_eq!(sight(&mut cctv, "quil"), hit, "no new hit");
        let m = message(&cctv);
        assert!(
            m.contains("HIT: Zebedee Quill") && m.contains("BREACH"),
            "{m}"
        );
        assert!(m.contains(&format!("added to hit {hit}")), "{m}");
        desk.app.toasts.clear();
        desk.app.handle_event(Event::StoreChanged);
        assert!(
            toasted(&desk, &format!("hit {hit}: Zebedee Quill seen again (")),
            "{:?}",
            desk.app.toasts
        );
    }
    assert_eq!(count(&path, "SELECT COUNT(*) FROM hits"), 1);
    // 12:21 on the scheme's clock (London, GMT in November)
    cctv.keys("2");
    let screen = cctv.text();
    assert!(
        screen.contains("seen 3 times, last 12:21 Cam 2 Market"),
        "{screen}"
    );

    // the decision typed on the copy before is refused once, then saved on the fresh one
    let banner = desk
        .app
        .form()
        .and_then(|f| f.banner.clone())
        .unwrap_or_default();
    assert!(banner.contains("has just changed hit"), "{banner}");
    desk.keys("p");
    desk.key(KeyCode::Enter);
    desk.key(KeyCode::Enter);
    assert!(
        message(&desk).contains("changed by Alex Morgan"),
        "{}",
        message(&desk)
    );
    for _ in 0..3 {
        if desk.app.nothing_open() {
            break;
        }
        desk.key(KeyCode::Enter);
    }
    let h = desk.worker.hit(hit).unwrap().unwrap();
    assert_eq!(h.status, HitStatus::Accepted);
    assert_eq!(h.action_taken.as_deref(), Some("police called"));
    assert_eq!(h.seen_count, 3);
}
