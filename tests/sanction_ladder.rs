//! The sanction ladder as the scheme configured it, on copies of the demo
//! store: serving proposes the next rung for the person (the first if they
//! have none); a sanction whose stage is not on the configured ladder is not
//! counted as excluding, and the console says so at start, naming the stage
//! and who holds it.

mod support;

use crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::domain::exclusion::{assess, Finding, Ladder, Scope};
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::Store;

fn community_protection() -> Config {
    Config {
        ladder: Ladder::community_protection().stages,
        ..Config::default()
    }
}

#[test]
fn a_stage_off_the_configured_ladder_is_said_at_start_and_does_not_exclude() {
    let (_dir, path) = demo_store();
    let id = register(&path, "Zebedee Quill", "Zeb", &[], Some("exclusion"));
    let store = Store::open(&path).unwrap();
    let cp = Ladder::community_protection();

    let off = store.stages_off_ladder(&cp, now()).unwrap();
    let (_, holders) = off
        .iter()
        .find(|(stage, _)| stage == "exclusion")
        .expect("the default ladder's stage is off this one");
    assert!(holders.contains(&"Zebedee Quill".to_string()), "{off:?}");
    assert!(store
        .stages_off_ladder(&Ladder::default(), now())
        .unwrap()
        .is_empty());

    // seen in a zone it covered: under the ladder it was served on, a
    // breach; under one that does not have its stage, none
    let held = store.exclusions_for(id).unwrap();
    let breach = |ladder: &Ladder| {
        assess(&held, &[], &[], ladder, None, now())
            .iter()
            .any(|f| matches!(f, Finding::Breach { .. }))
    };
    assert!(breach(&Ladder::default()));
    assert!(!breach(&cp));

    // the console says so at start, and not when the ladder fits
    let c = console_on(&path, "Alex Morgan", community_protection());
    let problem = c.app.ladder_problem().expect("a config problem");
    assert!(problem.contains("“exclusion”"), "{problem}");
    // the first three who hold it by name, then how many more
    let named = holders[..3].join(", ");
    assert!(
        problem.contains(&format!("held by {named} and {} more", holders.len() - 3)),
        "{problem}"
    );
    assert!(problem.contains("CPW → CPN → CBO"), "{problem}");
    assert!(problem.contains("not counted as excluding"), "{problem}");
    let c = console_on(&path, "Alex Morgan", Config::default());
    assert_eq!(c.app.ladder_problem(), None);
}

/// Open the serve form on the person found by `query` and read the stage
/// it proposes.
fn proposed_stage(c: &mut Console, query: &str) -> String {
    c.keys("3/");
    c.keys(query);
    c.key(KeyCode::Enter);
    c.keys("x");
    let screen = c.text_at(120, 40);
    let line = screen
        .lines()
        .find(|l| l.contains("Stage"))
        .unwrap_or_else(|| panic!("no stage field:\n{screen}"))
        .to_string();
    c.key(KeyCode::Esc);
    c.key(KeyCode::Esc);
    line
}

#[test]
fn serving_proposes_the_next_rung_for_the_person() {
    let (_dir, path) = demo_store();
    let first = register(&path, "Quentin Abernathy", "Quen", &[], None);
    let warned = register(&path, "Ulrike Brannigan", "Ulli", &[], None);
    let top = register(&path, "Xavier Cattermole", "Xav", &[], None);
    let cp = Ladder::community_protection();
    let mut store = Store::open(&path).unwrap();
    let op = store
        .operator_or_add("Sam Manager", "manager", now())
        .unwrap();
    let serve = |store: &mut Store, who: i64, stage: &str| {
        let new = NewExclusion {
            offender_id: who,
            stage: stage.into(),
            scope: Scope::AllZones,
            starts_at: now() - days(10),
            ends_at: now() + days(100),
            served_at: Some(now() - days(10)),
            served_by: "PC Hale".into(),
            reason: "persistent theft".into(),
            evidence: vec![],
            review_on: None,
        };
        store.create_exclusion(&new, &cp, op.id, now()).unwrap();
    };
    serve(&mut store, warned, "CPW");
    serve(&mut store, top, "CPW");
    serve(&mut store, top, "CBO");
    let _ = first;

    let mut c = console_on(&path, "Alex Morgan", community_protection());
    assert_eq!(c.app.rules.ladder, cp);
    let none = proposed_stage(&mut c, "abernathy");
    assert!(
        none.contains("CPW"),
        "no sanction yet: the first rung\n{none}"
    );
    let next = proposed_stage(&mut c, "brannigan");
    assert!(next.contains("CPN"), "after a CPW, a CPN\n{next}");
    let at_top = proposed_stage(&mut c, "cattermole");
    assert!(at_top.contains("CBO"), "at the top it stays\n{at_top}");
}
