//! The CCTV desk driven by keys: sightings, hits on two consoles, the register,
//! profiles, exclusions, and the refusals an operator would meet.

mod support;

use watchroom::app::forms::{HitForm, RegisterForm};

use watchroom::app::form::FieldKey;

use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::{Action, Event, FormKind, Pane};
use watchroom::domain::exclusion::Scope;
use watchroom::domain::offender::{OffenderInput, OffenderKind};
use watchroom::domain::sighting::HitStatus;
use watchroom::store::Store;

/// Typed keys counted as an operator would count them.
struct Counter<'a> {
    c: &'a mut Console,
    keys: usize,
}

impl Counter<'_> {
    fn key(&mut self, code: KeyCode) {
        self.keys += 1;
        self.c.key(code);
    }
    fn ctrl(&mut self, ch: char) {
        self.keys += 1;
        self.c.ctrl(ch);
    }
    fn keys(&mut self, s: &str) {
        self.keys += s.chars().count();
        self.c.keys(s);
    }
}

#[test]
fn a_sighting_of_an_excluded_person_takes_a_fragment_and_three_keys_and_says_breach_at_once() {
    let (_dir, path) = demo_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    let waiting = c.app.hits.unacknowledged;
    let mut k = Counter { c: &mut c, keys: 0 };
    k.keys("S");
    let before_fragment = k.keys;
    k.c.keys("quil"); // the name fragment, not counted
    k.key(KeyCode::Enter); // take the highlighted person
    k.ctrl('s'); // save: default camera, now
    assert_eq!(k.keys - before_fragment + 1, 3, "S, Enter, Ctrl-S");
    assert!(k.keys < 10);
    assert!(c.app.nothing_open(), "saved");
    let m = &c.app.message.as_ref().unwrap().text;
    assert!(
        m.contains("HIT: Zebedee Quill") && m.contains("BREACH"),
        "{m}"
    );
    assert!(c.app.bell, "the bell rings");
    assert_eq!(c.app.hits.unacknowledged, waiting + 1);
    assert!(c.app.toasts.iter().any(|t| t.text.contains("BREACH")));
}

#[test]
fn a_warning_is_shown_as_what_it_is_and_never_as_a_breach() {
    let (_dir, path) = demo_store();
    register(&path, "Wilma Quartermain", "Wil", &[], Some("warning"));
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    let waiting = c.app.hits.unacknowledged;
    c.keys("S");
    c.keys("quarterm");
    c.key(KeyCode::Enter);
    c.ctrl('s');
    let m = &c.app.message.as_ref().unwrap().text;
    assert!(m.contains("warning in force (not an exclusion)"), "{m}");
    assert!(!m.contains("BREACH"));
    assert_eq!(c.app.hits.unacknowledged, waiting);
}

#[test]
fn a_watch_marker_raises_a_watch_hit() {
    let (_dir, path) = demo_store();
    register(&path, "Victor Umber", "Vic", &["violent"], None);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("S");
    c.keys("umber");
    c.key(KeyCode::Enter);
    c.ctrl('s');
    assert!(c
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("watch: marked violent"));
}

#[test]
fn the_hit_reaches_the_other_console_which_acknowledges_it_and_the_first_sees_that() {
    let (_dir, path) = demo_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut a = console_on(&path, "Alex Morgan", Config::default());
    let mut b = console_on(&path, "Priya Shah", Config::default());
    a.keys("S");
    a.keys("quil");
    a.key(KeyCode::Enter);
    // Alex's desk, from the demo's sightings, is elsewhere: High Street's camera
    a.keys("1");
    a.ctrl('s');
    // the store watcher's notice, as the runtime delivers it
    b.app.handle_event(Event::StoreChanged);
    assert!(
        b.app
            .toasts
            .iter()
            .any(|t| t.text.contains("BREACH: Zebedee Quill seen at High Street")),
        "{:?}",
        b.app.toasts
    );
    assert!(b.app.bell);
    assert_eq!(
        b.app.notices.len(),
        1,
        "a desktop notification is asked for"
    );
    assert!(b.app.notices[0].body.contains("Zebedee Quill"));
    b.keys("2");
    assert_eq!(b.app.pane, Pane::Hits);
    // waiting hits come first (the demo's older ones, then ours)
    let waiting = b
        .app
        .hits
        .rows
        .iter()
        .take_while(|h| h.status == HitStatus::New)
        .count();
    let at = b
        .app
        .hits
        .rows
        .iter()
        .position(|h| h.offender == "Zebedee Quill")
        .unwrap();
    assert!(at < waiting, "unacknowledged first");
    let id = b.app.hits.rows[at].id;
    for _ in 0..at {
        b.keys("j");
    }
    b.keys("a");
    assert!(matches!(
        b.app.form_kind(),
        Some(FormKind::Hit(HitForm::Accept { .. }))
    ));
    b.keys("p"); // "police called"
    b.key(KeyCode::Enter);
    b.keys("units on the way");
    b.key(KeyCode::Enter);
    assert!(b.app.nothing_open());
    let h = b.worker.hit(id).unwrap().unwrap();
    assert_eq!(h.status, HitStatus::Accepted);
    assert_eq!(
        h.action_taken.as_deref(),
        Some("police called: units on the way")
    );
    assert_eq!(h.decided_by.as_deref(), Some("Priya Shah"));
    a.app.handle_event(Event::StoreChanged);
    a.keys("2");
    let seen = a.app.hits.rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(seen.status, HitStatus::Accepted);
    assert!(
        a.text().contains("Priya Shah — police called"),
        "{}",
        a.text()
    );
}

#[test]
fn rejected_hits_are_counted_as_false_matches_and_cannot_be_decided_twice() {
    let (_dir, path) = demo_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut a = console_on(&path, "Alex Morgan", Config::default());
    let mut b = console_on(&path, "Priya Shah", Config::default());
    a.keys("S");
    a.keys("quil");
    a.key(KeyCode::Enter);
    a.ctrl('s');
    let id = a.app.hits.last_seen;
    let false_before = a.app.hits.false_matches;
    a.keys(&format!(":hit {id} reject \"taller, different walk\""));
    a.key(KeyCode::Enter);
    assert_eq!(a.app.hits.false_matches, false_before + 1);
    assert_eq!(
        a.worker.hit(id).unwrap().unwrap().reject_reason.as_deref(),
        Some("taller, different walk")
    );
    b.keys(&format!(":hit {id} accept radio warned"));
    b.key(KeyCode::Enter);
    let m = &b.app.message.as_ref().unwrap().text;
    assert!(m.contains("already rejected by Alex Morgan"), "{m}");
}

#[test]
fn a_waiting_hit_reminds_on_the_schedule() {
    let (_dir, path) = demo_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.update(Action::Tick); // the demo's own waiting hits, already past their steps, ring nothing
    assert!(c.app.toasts.is_empty(), "{:?}", c.app.toasts);
    c.app.toasts.clear();
    c.app.notices.clear();
    c.keys("S");
    c.keys("quil");
    c.key(KeyCode::Enter);
    c.ctrl('s');
    c.app.toasts.clear();
    c.app.bell = false;
    c.update(Action::Tick);
    assert!(c.app.toasts.is_empty(), "not yet");
    c.clock.advance(Duration::minutes(2));
    c.update(Action::Tick);
    assert!(
        c.app
            .toasts
            .iter()
            .any(|t| t.text.contains("Zebedee Quill still not acknowledged")),
        "{:?}",
        c.app.toasts
    );
    assert!(c.app.bell);
    c.app.toasts.clear();
    c.update(Action::Tick);
    assert!(
        c.app.toasts.iter().all(|t| !t.text.contains("Zebedee")),
        "once a step"
    );
    c.clock.advance(Duration::minutes(2));
    c.update(Action::Tick);
    assert!(
        c.app.toasts.iter().all(|t| !t.text.contains("Zebedee")),
        "the next step is at 5 minutes"
    );
    c.clock.advance(Duration::minutes(1));
    c.update(Action::Tick);
    assert!(c
        .app
        .toasts
        .iter()
        .any(|t| t.text.contains("Zebedee Quill still not acknowledged (5m)")));
    c.keys("2");
    assert!(
        c.text().contains("WAITING"),
        "and it changes colour and label on the hits pane"
    );
}

#[test]
fn no_notification_service_is_said_once_and_everything_carries_on() {
    let mut c = demo_console();
    c.app
        .handle_event(Event::NotifyFailed("no session bus".into()));
    assert!(c
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("no desktop notifications (no session bus)"));
    // the warning runs out its time
    c.clock.advance(Duration::seconds(15));
    c.update(Action::Tick);
    c.app
        .handle_event(Event::NotifyFailed("no session bus".into()));
    assert!(c.app.message.is_none(), "said once");
}

/// The names the register pane lists for a search typed now, of those
/// called Zebedee (a fuzzy search finds others too).
fn found(c: &mut Console, query: &str) -> Vec<String> {
    if c.app.input.is_some() {
        c.key(KeyCode::Esc);
    }
    c.keys("/");
    c.keys(query);
    c.app
        .register
        .rows
        .iter()
        .filter(|r| r.name.starts_with("Zebedee"))
        .map(|r| r.name.clone())
        .collect()
}

#[test]
fn a_record_added_renamed_and_erased_on_another_console_is_searched_at_once_in_place() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("3");
    let size = c.app.index.len();
    assert!(found(&mut c, "zebedee").is_empty());

    // the other console: the CCTV desk's own connection to the store
    let id = register(&path, "Zebedee Quill", "Daz the Blade", &[], None);
    c.app.update(Action::StoreChanged);
    assert_eq!(found(&mut c, "zebedee"), ["Zebedee Quill"]);
    assert_eq!(c.app.register.rows[0].name, "Zebedee Quill", "and first");
    assert_eq!(c.app.index.len(), size + 1);

    let mut other = Store::open(&path).unwrap();
    let op = other
        .operator_or_add("Sam Manager", "manager", now())
        .unwrap();
    let before = other.offender(id).unwrap().unwrap();
    let renamed = OffenderInput {
        name: "Zebedee Quince".into(),
        aliases: before.aliases.clone(),
        description: before.description.clone(),
        ..Default::default()
    };
    other
        .update_offender(id, before.version, renamed, op.id, now())
        .unwrap();
    c.app.update(Action::StoreChanged);
    assert_eq!(found(&mut c, "quince"), ["Zebedee Quince"]);
    assert!(found(&mut c, "quill").is_empty(), "the old name is gone");
    assert_eq!(found(&mut c, "blade"), ["Zebedee Quince"], "the alias kept");
    assert_eq!(c.app.index.len(), size + 1, "replaced, not added");

    // erased, as retention deletes a record
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    raw.execute_batch(&format!(
        "PRAGMA foreign_keys = ON; DELETE FROM offenders WHERE id = {id}"
    ))
    .unwrap();
    c.app.update(Action::StoreChanged);
    assert!(found(&mut c, "zebedee").is_empty());
    assert_eq!(c.app.index.len(), size);

    // and the index kept in place ranks as one built afresh
    let mut afresh =
        watchroom::domain::search::OffenderIndex::new(other.search_entries(now()).unwrap());
    for q in ["", "dar", "daz hol", "hoodie"] {
        assert_eq!(
            c.app.index.search(q, None, 50),
            afresh.search(q, None, 50),
            "{q:?}"
        );
    }
}

#[test]
fn the_register_is_searched_as_you_type_known_and_id_sought_apart() {
    let (_dir, path) = demo_store();
    register(&path, "Zebedee Quill", "Daz the Blade", &["weapons"], None);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("3");
    assert_eq!(c.app.pane, Pane::Offenders);
    assert!(c
        .app
        .register
        .rows
        .iter()
        .all(|r| r.kind == OffenderKind::Known));
    c.keys("/");
    c.keys("quil");
    assert_eq!(c.app.register.rows[0].name, "Zebedee Quill");
    c.key(KeyCode::Esc);
    c.keys("/");
    c.keys("blade");
    assert_eq!(
        c.app.register.rows[0].name, "Zebedee Quill",
        "found by alias"
    );
    assert!(c.text().contains("matched “Daz the Blade”"), "{}", c.text());
    c.key(KeyCode::Enter);
    c.key(KeyCode::Esc); // clears the search
    assert!(c.app.register.query.is_empty());
    c.keys("v");
    assert!(!c.app.register.rows.is_empty());
    assert!(c
        .app
        .register
        .rows
        .iter()
        .all(|r| r.kind == OffenderKind::IdSought));
    c.keys("v");
    assert!(c.text().contains("exclusions in force"));
    assert!(!c.app.register.exclusions.is_empty());
}

#[test]
fn a_misspelt_name_finds_the_person_on_the_register_and_in_the_sighting_picker() {
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("3");
    for (typed, who) in [
        ("tylor garside", "Tyler Garside"),
        ("kyle fariley", "Kyle Fairley"),
        ("chantel oaks", "Chantelle Oakes"),
    ] {
        if c.app.input.is_some() {
            c.key(KeyCode::Esc);
        }
        c.keys("/");
        c.keys(typed);
        let first = c.app.register.rows.first().map(|r| r.name.clone());
        assert_eq!(first.as_deref(), Some(who), "{typed}: {}", c.text());
        assert!(c.text().contains(who));
    }
    c.key(KeyCode::Esc);
    c.key(KeyCode::Esc);
    // the sighting form's picker takes the person found through the typo
    c.keys("S");
    c.keys("tylor garside");
    c.key(KeyCode::Enter);
    c.ctrl('s');
    assert!(c.app.nothing_open(), "saved: {}", c.text());
    let saved = &c.worker.recent_sightings(1).unwrap()[0];
    assert_eq!(saved.offender, "Tyler Garside");
    assert!(saved.offender_id.is_some());
}

#[test]
fn opening_a_profile_is_audited_and_shows_standing_history_and_activity() {
    let (_dir, path) = demo_store();
    let id = register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("S");
    c.keys("quil");
    c.key(KeyCode::Enter);
    c.ctrl('s');
    c.keys("3/quil");
    c.key(KeyCode::Enter);
    c.open_profile("checking the register");
    let p = &c.app.profile.as_ref().expect("profile open").profile;
    assert_eq!(p.offender.id, id);
    let audit = c.worker.recent_audit(None, 1).unwrap();
    assert_eq!(
        (
            audit[0].action.code(),
            audit[0].entity.as_str(),
            audit[0].entity_id
        ),
        ("view", "offender", Some(id))
    );
    assert_eq!(audit[0].operator, "Alex Morgan");
    let screen = c.text();
    assert!(screen.contains("EXCLUDED (exclusion) until"), "{screen}");
    assert!(
        screen.contains("0 incidents and 1 sightings in the last 90 days"),
        "{screen}"
    );
    assert!(screen.contains("last seen"));
    c.key(KeyCode::Esc);
    assert!(c.app.profile.is_none());
}

#[test]
fn exclusion_forms_refuse_bad_dates_and_unknown_zones_and_keep_the_input() {
    let (_dir, path) = demo_store();
    register(&path, "Zebedee Quill", "Zeb", &[], None);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("3/quil");
    c.key(KeyCode::Enter);
    c.open_profile("checking the register");
    c.keys("x");
    let Some(FormKind::Register(RegisterForm::Exclusion { .. })) = c.app.form_kind() else {
        panic!("exclusion form")
    };
    c.key(KeyCode::Tab);
    c.ctrl('u');
    c.keys("Narnia");
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("still open")
    };
    assert!(
        f.error
            .as_ref()
            .unwrap()
            .contains("no zone called “Narnia”"),
        "{:?}",
        f.error
    );
    assert_eq!(
        f.field(FieldKey::Zones).unwrap().value(),
        "Narnia",
        "what was typed is kept"
    );
    c.key(KeyCode::BackTab);
    c.key(KeyCode::Tab);
    c.ctrl('u');
    c.keys("market, high");
    c.key(KeyCode::Tab); // From
    c.ctrl('u');
    c.keys("2026-12-10");
    c.key(KeyCode::Tab); // To
    c.ctrl('u');
    c.keys("2026-12-01");
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("still open")
    };
    assert!(
        f.error.as_ref().unwrap().contains("before it starts"),
        "{:?}",
        f.error
    );
    c.ctrl('u');
    c.keys("2027-06-30");
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{:?}", c.app.overlay());
    let p = &c.app.profile.as_ref().unwrap().profile;
    assert_eq!(p.exclusions.len(), 1);
    assert!(matches!(&p.exclusions[0].scope, Scope::Zones(z) if z.len() == 2));
}

#[test]
fn the_offender_form_refuses_duplicate_aliases_and_missing_photos() {
    let mut c = demo_console();
    c.keys("3O");
    let Some(FormKind::Register(RegisterForm::Offender { id: None, .. })) = c.app.form_kind()
    else {
        panic!("add form")
    };
    c.key(KeyCode::Tab);
    c.keys("Yolanda Peck");
    c.key(KeyCode::Tab);
    c.keys("Yol, yol");
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("still open")
    };
    assert!(
        f.error.as_ref().unwrap().contains("given twice"),
        "{:?}",
        f.error
    );
    c.ctrl('u');
    c.keys("Yol");
    for _ in 0..4 {
        c.key(KeyCode::Tab);
    }
    c.keys("/no/such/still.png");
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("still open")
    };
    assert!(
        f.error
            .as_ref()
            .unwrap()
            .contains("no file at /no/such/still.png"),
        "{:?}",
        f.error
    );
    c.ctrl('u');
    c.ctrl('s');
    assert!(c.app.nothing_open());
    assert_eq!(
        c.app.profile.as_ref().unwrap().profile.offender.name,
        "Yolanda Peck"
    );
    assert_eq!(
        c.app.profile.as_ref().unwrap().profile.offender.aliases,
        vec!["Yol"]
    );
}

#[test]
fn an_id_sought_record_is_promoted_or_merged_by_keys() {
    let (_dir, path) = demo_store();
    let known = register(&path, "Zebedee Quill", "Zeb", &[], None);
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("3v"); // ID-sought
    let first = c.app.register.rows[0].id;
    c.open_profile("a member thinks they know him");
    c.keys("M");
    c.keys("quil");
    c.key(KeyCode::Enter);
    assert!(c.app.nothing_open(), "{:?}", c.app.overlay());
    assert_eq!(c.app.profile.as_ref().unwrap().profile.offender.id, known);
    assert!(c
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("merged into Zebedee Quill"));
    let merged = c.worker.offender(first).unwrap().unwrap();
    assert_eq!(merged.status, "merged");
    // promoting the next ID-sought record
    c.key(KeyCode::Esc);
    c.keys("v");
    while c.app.register.view != watchroom::app::register::RegisterView::IdSought {
        c.keys("v");
    }
    let next = c.app.register.rows[0].id;
    assert_ne!(next, first, "the merged record has left the list");
    c.keys("P");
    c.keys("Xavier Ronson");
    c.key(KeyCode::Enter);
    let o = c.worker.offender(next).unwrap().unwrap();
    assert_eq!(
        (o.name.as_str(), o.kind),
        ("Xavier Ronson", OffenderKind::Known)
    );
}

#[test]
fn naming_an_excluded_person_on_an_incident_raises_a_breach() {
    let (_dir, path) = demo_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.log_incident('t', '2', "greggs", "Sandwiches taken");
    c.keys("O");
    c.keys("quil");
    c.key(KeyCode::Enter);
    let m = &c.app.message.as_ref().unwrap().text;
    assert!(
        m.contains("Zebedee Quill named on #") && m.contains("BREACH"),
        "{m}"
    );
}

#[test]
fn an_appeal_is_recorded_and_an_exclusion_lifted_early() {
    let (_dir, path) = demo_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let mut c = console_on(&path, "Alex Morgan", Config::default());
    c.keys("3/quil");
    c.key(KeyCode::Enter);
    c.open_profile("checking the register");
    c.keys("a");
    let (Some(FormKind::Register(RegisterForm::Appeal { .. })), Some(f)) =
        (c.app.form_kind(), c.app.form())
    else {
        panic!("appeal form")
    };
    assert_eq!(
        f.field(FieldKey::LodgedOn).unwrap().value(),
        "2026-11-27",
        "today by default"
    );
    c.key(KeyCode::Tab);
    c.keys("dismissed");
    c.key(KeyCode::Enter);
    let e = &c.app.profile.as_ref().unwrap().profile.exclusions[0];
    assert_eq!(e.appeal_outcome.as_deref(), Some("dismissed"));
    assert!(
        c.text().contains("appeal 2026-11-27: dismissed"),
        "{}",
        c.text()
    );
    c.keys("L");
    c.keys("moved out of the area");
    c.key(KeyCode::Enter);
    let e = &c.app.profile.as_ref().unwrap().profile.exclusions[0];
    assert!(!e.in_force(now()), "lifted");
    assert!(c.text().contains("no sanction in force"));
    // and a sighting now raises nothing
    c.keys("S");
    c.key(KeyCode::Enter);
    c.ctrl('s');
    assert!(
        c.app
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("exclusion ended"),
        "{:?}",
        c.app.message
    );
}

/// The register is read on the store worker; a person added on another
/// console while a sighting is being typed is suggested without retyping.
#[test]
fn a_person_registered_elsewhere_while_the_name_is_typed_is_suggested_when_the_register_catches_up()
{
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Priya Shah", Config::default());
    c.keys("S");
    c.keys("quil");
    assert!(!c.text().contains("Zebedee Quill"));
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    c.update(Action::StoreChanged);
    assert!(c.text().contains("Zebedee Quill"), "{}", c.text());
    c.key(KeyCode::Enter);
    c.ctrl('s');
    assert!(
        c.app.message.as_ref().unwrap().text.contains("BREACH"),
        "the person suggested is the one taken: {:?}",
        c.app.message
    );
}

/// Hits arriving together ring the bell once on another console, however
/// many they are; one during the gap after a ring is not lost: it rings
/// once the gap is over.
#[test]
fn a_burst_of_hits_rings_the_bell_once_and_one_in_the_gap_rings_after_it() {
    let (_dir, path) = demo_store();
    register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    register(&path, "Yolanda Quince", "Yoyo", &[], Some("exclusion"));
    register(&path, "Xavier Quarry", "Xav", &[], Some("exclusion"));
    let mut a = console_on(&path, "Alex Morgan", Config::default());
    let mut b = console_on(&path, "Priya Shah", Config::default());
    assert!(!b.app.take_bell(), "nothing has rung yet");
    let sight = |a: &mut Console, who: &str| {
        a.keys("S");
        a.keys(who);
        a.key(KeyCode::Enter);
        a.ctrl('s');
    };
    // two together: one ring
    sight(&mut a, "zebedee");
    sight(&mut a, "yolanda");
    b.app.handle_event(Event::StoreChanged);
    assert!(b.app.take_bell(), "the hits ring");
    assert!(!b.app.take_bell(), "once");
    // one a second later: announced at once, rung when the gap is over
    sight(&mut a, "xavier");
    b.clock.advance(Duration::seconds(1));
    b.app.handle_event(Event::StoreChanged);
    assert!(
        b.app
            .toasts
            .iter()
            .any(|t| t.text.contains("Xavier Quarry")),
        "the third hit is announced at once"
    );
    assert!(!b.app.take_bell(), "a second after a ring: not yet");
    b.clock
        .advance(Duration::seconds(watchroom::app::BELL_GAP_SECONDS));
    assert!(b.app.take_bell(), "after the gap it rings");
    assert!(!b.app.take_bell(), "and only once");
}
