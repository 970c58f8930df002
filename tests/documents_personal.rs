//! Dates of birth and addresses in the scheme's documents: the members'
//! bulletin holds none unless the config allows; the register form keeps them
//! (a bad one losing nothing) and gives an ID-sought person none; and
//! retention deletes the notices made for a person it removes.

mod documents_common;
mod support;

use chrono::{Duration, NaiveDate};
use documents_common::*;
use std::path::Path;
use support::*;
use watchroom::app::form::FieldKey;
use watchroom::domain::document::{BulletinRules, DocKind};
use watchroom::domain::exclusion::Scope;
use watchroom::io::document::{make_bulletin, make_document, Subject};
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::Store;

/// Every way a date of birth could be printed.
fn date_forms(d: NaiveDate) -> Vec<String> {
    ["%Y-%m-%d", "%-d %b %Y", "%-d %B %Y", "%d/%m/%Y"]
        .iter()
        .map(|f| d.format(f).to_string())
        .collect()
}

fn held_dates_and_addresses(path: &Path) -> (Vec<String>, Vec<String>) {
    let c = rusqlite::Connection::open(path).unwrap();
    let dobs: Vec<String> = c
        .prepare("SELECT date_of_birth FROM offenders WHERE date_of_birth IS NOT NULL")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|d| d.unwrap())
        .collect();
    let addresses: Vec<String> = c
        .prepare("SELECT address FROM offenders WHERE address <> '' UNION SELECT address FROM members WHERE address <> ''")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|a| a.unwrap())
        .collect();
    (dobs, addresses)
}

#[test]
fn the_bulletin_holds_no_date_of_birth_or_address_unless_the_config_allows() {
    let mut s = Scene::new();
    let today = now().date_naive();
    s.store
        .add_bulletin_alert(
            "Counterfeit £20 notes passed at the market",
            today - Duration::days(3),
            today + Duration::days(10),
            s.manager,
            now(),
        )
        .unwrap();
    let (from, to) = (today - Duration::days(60), today);
    let out = s.out();
    let made = make_bulletin(
        &mut s.store,
        from,
        to,
        &s.settings,
        BOTH,
        &out,
        s.manager,
        now(),
    )
    .unwrap();
    let md = std::fs::read_to_string(file(&made, "md")).unwrap();
    let pdf = pdf_pages(&file(&made, "pdf")).join(" ");
    let facts = s
        .store
        .bulletin_facts(from, to, today, s.settings.tz, &s.settings.ladder)
        .unwrap();
    assert!(!facts.new.is_empty() && !facts.ending.is_empty() && !facts.sought.is_empty());
    for text in [&md, &pdf] {
        for p in facts.new.iter().chain(&facts.ending) {
            assert!(
                text.contains(&p.name),
                "{} is newly excluded or ending",
                p.name
            );
        }
        for p in &facts.sought {
            assert!(text.contains(&p.label));
        }
        assert!(text.contains("Counterfeit £20 notes passed at the market"));
        assert!(text.contains("Destroy it by 4 Dec 2026 (7 days after issue)"));
    }
    let path = s.store.path().to_path_buf();
    let (dobs, addresses) = held_dates_and_addresses(&path);
    assert!(
        dobs.len() > 10 && addresses.len() > 10,
        "the demo holds both"
    );
    for text in [&md, &pdf] {
        for d in &dobs {
            for form in date_forms(d.parse().unwrap()) {
                assert!(!text.contains(&form), "date of birth {form} printed");
            }
        }
        for a in &addresses {
            assert!(!text.contains(a.as_str()), "address {a} printed");
        }
    }
    assert!(!md.contains("Date of birth") && !md.contains("Address:"));
    insta::assert_snapshot!("bulletin_md", md);
    let a = last_audit(&s.store);
    assert_eq!(
        (a.action.code(), a.entity.as_str()),
        ("document", "document")
    );
    assert!(a.detail.contains("bulletin"));

    // a scheme that decides members may see them gets them
    s.settings.bulletin = BulletinRules {
        show_dates_of_birth: true,
        show_addresses: true,
        keep_days: 14,
    };
    let made = make_bulletin(
        &mut s.store,
        from,
        to,
        &s.settings,
        BOTH,
        &out,
        s.manager,
        now(),
    )
    .unwrap();
    let md = std::fs::read_to_string(file(&made, "md")).unwrap();
    let (dob, address) = s
        .store
        .offender_identity(
            s.store
                .search_entries(now())
                .unwrap()
                .iter()
                .find(|e| e.name == facts.new[0].name)
                .unwrap()
                .id,
        )
        .unwrap();
    assert!(md.contains(&dob.unwrap().format("%-d %b %Y").to_string()));
    assert!(md.contains(&address));
    assert!(md.contains("Destroy it by 11 Dec 2026 (14 days after issue)"));
}

/// The person whose profile the console shows.
fn shown(c: &Console) -> &watchroom::domain::offender::Offender {
    &c.app.profile.as_ref().expect("a profile").profile.offender
}

#[test]
fn a_date_of_birth_and_address_are_kept_from_the_register_form_and_a_bad_one_loses_nothing() {
    use crossterm::event::KeyCode;
    let mut c = demo_console();
    c.keys("3");
    c.open_profile("serving a notice");
    let id = shown(&c).id;
    c.keys("e");
    // Name, Aliases, Nicknames, Markers, Description, Photo, then Born
    for _ in 0..6 {
        c.key(KeyCode::Tab);
    }
    c.ctrl('u');
    c.keys("2030-01-01");
    c.key(KeyCode::Tab);
    c.ctrl('u');
    c.keys("9 Mill Lane, Castlebrook");
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("a date of birth in the future is refused, the form kept")
    };
    assert_eq!(
        f.field(FieldKey::Address).unwrap().value(),
        "9 Mill Lane, Castlebrook"
    );
    let s = Store::open(c.worker.path()).unwrap();
    assert_ne!(
        s.offender_identity(id).unwrap().1,
        "9 Mill Lane, Castlebrook"
    );
    c.key(KeyCode::BackTab);
    c.ctrl('u');
    c.keys("1991-04-30");
    c.ctrl('s');
    assert!(c.app.nothing_open(), "saved");
    let (born, address) = s.offender_identity(id).unwrap();
    assert_eq!(born, NaiveDate::from_ymd_opt(1991, 4, 30));
    assert_eq!(address, "9 Mill Lane, Castlebrook");
    let a = s.recent_audit(None, 1).unwrap().remove(0);
    assert_eq!((a.action.code(), a.entity_id), ("edit", Some(id)));
    // the form shows what is held when it opens again
    c.keys("e");
    let Some(f) = c.app.form() else {
        panic!("the form opens")
    };
    assert_eq!(f.field(FieldKey::Born).unwrap().value(), "1991-04-30");
}

#[test]
fn retention_deletes_the_notices_made_for_a_person_it_removes() {
    use watchroom::domain::offender::{OffenderInput, OffenderKind};
    let mut s = Scene::new();
    let long_ago = now() - Duration::days(3 * 365);
    let person = s
        .store
        .create_offender(
            OffenderKind::Known,
            OffenderInput {
                name: "Wendell Quarry".into(),
                aliases: vec![],
                nicknames: vec![],
                description: "tall".into(),
                markers: vec![],
                photo_path: String::new(),
            },
            s.manager,
            long_ago,
        )
        .unwrap();
    let ladder = s.settings.ladder.clone();
    let old = s
        .store
        .create_exclusion(
            &NewExclusion {
                offender_id: person.id,
                stage: "exclusion".into(),
                scope: Scope::AllZones,
                starts_at: long_ago,
                ends_at: long_ago + Duration::days(180),
                served_at: Some(long_ago),
                served_by: "Test manager".into(),
                reason: "theft".into(),
                evidence: vec![],
                review_on: None,
            },
            &ladder,
            s.manager,
            long_ago,
        )
        .unwrap();
    let out = s.out();
    let made = make_document(
        &mut s.store,
        DocKind::ExclusionNotice,
        Subject::Exclusion(old.id),
        &s.settings,
        BOTH,
        &out,
        s.manager,
        long_ago,
    )
    .unwrap();
    assert!(made.files.iter().all(|f| f.exists()));
    // the bulletin of the week it was served shows them too
    let served_on = long_ago.date_naive();
    let bulletin = make_bulletin(
        &mut s.store,
        served_on,
        served_on + Duration::days(6),
        &s.settings,
        BOTH,
        &out,
        s.manager,
        long_ago + Duration::days(7),
    )
    .unwrap();
    assert!(std::fs::read_to_string(file(&bulletin, "md"))
        .unwrap()
        .contains("Wendell Quarry"));
    let sar = s.store.subject_access(person.id).unwrap();
    let kinds: Vec<&str> = sar.documents.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        ["exclusion-notice", "bulletin"],
        "the SAR lists both"
    );
    let kept = s
        .make(DocKind::ExclusionNotice, Subject::Exclusion(2))
        .unwrap();
    let mut report = vec![];
    let outcome = watchroom::io::retention::run_retention(
        &mut s.store,
        &s.settings.retention,
        true,
        s.manager,
        now(),
        &mut report,
    )
    .unwrap();
    assert!(s.store.offender(person.id).unwrap().is_none(), "removed");
    for f in &made.files {
        assert!(
            !f.exists(),
            "{} kept after its person was removed",
            f.display()
        );
        assert!(outcome.documents_deleted.contains(f));
    }
    assert!(
        bulletin.files.iter().all(|f| !f.exists()),
        "the bulletin that showed them goes too"
    );
    assert!(
        kept.files.iter().all(|f| f.exists()),
        "others' notices stay"
    );
    assert!(String::from_utf8(report)
        .unwrap()
        .contains("document files deleted: 4"));
}

#[test]
fn an_id_sought_person_is_given_no_date_of_birth_and_nothing_of_the_form_is_saved() {
    use crossterm::event::KeyCode;
    let mut c = demo_console();
    c.keys("3v");
    c.open_profile("checking a still");
    let before = shown(&c).clone();
    assert_eq!(
        before.kind,
        watchroom::domain::offender::OffenderKind::IdSought
    );
    c.keys("e");
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab);
    c.keys("Stretch");
    for _ in 0..4 {
        c.key(KeyCode::Tab);
    }
    c.keys("1990-01-01");
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("refused, the form kept")
    };
    let error = f.error.as_deref().unwrap_or_default();
    assert!(error.contains("promote them to known first"), "{error}");
    assert_eq!(f.field(FieldKey::Born).unwrap().value(), "1990-01-01");
    let s = Store::open(c.worker.path()).unwrap();
    assert_eq!(
        s.offender(before.id).unwrap().unwrap(),
        before,
        "nothing saved"
    );
}
