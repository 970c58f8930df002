//! Dates of birth and addresses imported on real store files: imported, then
//! updated or left alone; one differing from the date held, or given for an
//! ID-sought person, or bad or in the future, is a bad row and nothing is
//! imported; the same date written another way is unchanged; and the store
//! itself refuses a date not in the past.

mod import_common;
mod support;

use chrono::NaiveDate;
use import_common::*;
use rusqlite::Connection;
use std::path::Path;
use support::*;
use watchroom::io::import::ImportKind;
use watchroom::store::demo::DEMO_OPERATOR;
use watchroom::store::imports::RowPlan;
use watchroom::store::Store;

fn offender_id(db: &Path, name: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT id FROM offenders WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
}

fn identity(db: &Path, name: &str) -> (Option<NaiveDate>, String) {
    Store::open(db)
        .unwrap()
        .offender_identity(offender_id(db, name))
        .unwrap()
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn a_date_of_birth_and_address_are_imported_then_updated_or_left_alone() {
    let (_dir, db) = demo_store();
    let people_before = count(&db, "SELECT COUNT(*) FROM offenders");
    let file = "Name,Date of Birth,Address,Aliases
Quentin Mallory,03/02/1990,\"14 Mill Lane, Castlebrook CB2 4QT\",Q Mallory
Rhona Vickers,,,
Stefan Orme,1985-07-19,,
";
    let dry = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        file.as_bytes(),
        false,
    );
    assert!(dry.outcome.problems().is_empty(), "{}", dry.printed);
    assert!(dry.outcome.parsed.notes.is_empty(), "{}", dry.printed);
    assert_eq!(dry.outcome.plan.counts().new, 3, "{}", dry.printed);
    // the preview names people, never where they live or when they were born
    assert!(
        !dry.printed.contains("Mill Lane") && !dry.printed.contains("1990"),
        "{}",
        dry.printed
    );

    let run = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        file.as_bytes(),
        true,
    );
    assert!(run.outcome.applied, "{}", run.printed);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM offenders"),
        people_before + 3
    );
    assert_eq!(
        identity(&db, "Quentin Mallory"),
        (
            ymd(1990, 2, 3),
            "14 Mill Lane, Castlebrook CB2 4QT".to_string()
        )
    );
    assert_eq!(identity(&db, "Rhona Vickers"), (None, String::new()));
    assert_eq!(
        identity(&db, "Stefan Orme"),
        (ymd(1985, 7, 19), String::new())
    );

    // changed: found by name or alias (never by date of birth), and updated;
    // the same date written the other way, and an empty cell, are no change
    let quentin = offender_id(&db, "Quentin Mallory");
    let rhona = offender_id(&db, "Rhona Vickers");
    let stefan = offender_id(&db, "Stefan Orme");
    let changed = "name,DOB,address
Q Mallory,1990-02-03,\"9 Station Road, Castlebrook\"
Rhona Vickers,31/12/2001,\"  Flat 2,\t  Kiln Court \"
Stefan Orme,19/07/1985,
";
    let dry = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        changed.as_bytes(),
        false,
    );
    assert!(dry.outcome.problems().is_empty(), "{}", dry.printed);
    let plans: Vec<&RowPlan> = dry.outcome.plan.rows.iter().map(|r| &r.plan).collect();
    assert_eq!(
        plans,
        vec![
            &RowPlan::Update {
                id: quentin,
                fields: vec!["address"]
            },
            &RowPlan::Update {
                id: rhona,
                fields: vec!["date of birth", "address"]
            },
            &RowPlan::Unchanged { id: stefan },
        ],
        "{}",
        dry.printed
    );
    assert!(
        dry.printed
            .contains(&format!("update     Q Mallory #{quentin}: address")),
        "{}",
        dry.printed
    );
    assert!(
        dry.printed
            .contains(&format!("#{rhona}: date of birth, address")),
        "{}",
        dry.printed
    );
    let fp = fingerprint(&db);
    assert_eq!(
        identity(&db, "Quentin Mallory").1,
        "14 Mill Lane, Castlebrook CB2 4QT"
    );

    let run = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        changed.as_bytes(),
        true,
    );
    assert!(run.outcome.applied, "{}", run.printed);
    assert_ne!(fingerprint(&db), fp);
    assert!(
        run.printed
            .contains("imported: 0 new, 2 updated, 1 unchanged"),
        "{}",
        run.printed
    );
    assert_eq!(
        identity(&db, "Quentin Mallory"),
        (ymd(1990, 2, 3), "9 Station Road, Castlebrook".to_string())
    );
    assert_eq!(
        identity(&db, "Rhona Vickers"),
        (ymd(2001, 12, 31), "Flat 2, Kiln Court".to_string())
    );
    assert_eq!(
        identity(&db, "Stefan Orme"),
        (ymd(1985, 7, 19), String::new())
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM offenders"),
        people_before + 3
    );
    // audited as the rest of the import is: which fields, never their values
    let store = Store::open(&db).unwrap();
    let audit = store.recent_audit(None, 3).unwrap();
    assert_eq!(
        audit
            .iter()
            .map(|a| (a.action.code(), a.entity.as_str(), a.detail.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("import", "offenders", "0 new, 2 updated, 1 unchanged"),
            ("update", "offender", "import: date of birth, address"),
            ("update", "offender", "import: address"),
        ]
    );
    for a in store.recent_audit(None, 50).unwrap() {
        for held in [
            "Mill Lane",
            "Station Road",
            "Kiln Court",
            "1990",
            "2001",
            "1985",
        ] {
            assert!(!a.detail.contains(held), "{:?}", a.detail);
        }
    }
    drop(store);

    // the same values again: unchanged, nothing written but the import's record
    let fp = data_fingerprint(&db);
    let again = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        changed.as_bytes(),
        true,
    );
    let c = again.outcome.plan.counts();
    assert_eq!(
        (c.new, c.updated, c.unchanged),
        (0, 0, 3),
        "{}",
        again.printed
    );
    assert_eq!(data_fingerprint(&db), fp);

    // empty cells leave what is held alone
    let empty = "name,date of birth,address\nQuentin Mallory,,\nRhona Vickers,,\n";
    let run = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        empty.as_bytes(),
        true,
    );
    assert!(run.outcome.applied, "{}", run.printed);
    assert_eq!(run.outcome.plan.counts().unchanged, 2, "{}", run.printed);
    assert_eq!(data_fingerprint(&db), fp);
    assert_eq!(
        identity(&db, "Quentin Mallory"),
        (ymd(1990, 2, 3), "9 Station Road, Castlebrook".to_string())
    );
    assert_eq!(
        identity(&db, "Rhona Vickers"),
        (ymd(2001, 12, 31), "Flat 2, Kiln Court".to_string())
    );

    // a date of birth held is never written over: a different one is refused
    // (and so is the address beside it), and nothing changes
    let fp = fingerprint(&db);
    let other = "name,date of birth,address\nQ Mallory,04/03/1991,\"1 New Road\"\n";
    let run = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        other.as_bytes(),
        true,
    );
    assert!(!run.outcome.applied, "{}", run.printed);
    let problems = run.outcome.problems();
    assert_eq!(lines(&problems), vec![2], "{}", run.printed);
    assert!(
        reason_on(&problems, 2).contains(&format!(
            "date of birth 1991-03-04 differs from the one held for Quentin Mallory (#{quentin}, found by an alias)"
        )),
        "{problems:?}"
    );
    assert_eq!(fingerprint(&db), fp);
    assert_eq!(
        identity(&db, "Quentin Mallory"),
        (ymd(1990, 2, 3), "9 Station Road, Castlebrook".to_string())
    );
}

/// A known person on the demo register with a date of birth held, whose
/// name no one else's name or alias shares.
fn demo_person_born(db: &Path) -> (i64, String, NaiveDate) {
    let (id, name, born): (i64, String, String) = Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT o.id, o.name, o.date_of_birth FROM offenders o
             WHERE o.kind = 'known' AND o.date_of_birth IS NOT NULL
               AND (SELECT COUNT(*) FROM offenders p WHERE lower(p.name) = lower(o.name)) = 1
               AND NOT EXISTS (SELECT 1 FROM offender_aliases a WHERE lower(a.alias) = lower(o.name))
             ORDER BY o.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    (
        id,
        name,
        NaiveDate::parse_from_str(&born, "%Y-%m-%d").unwrap(),
    )
}

#[test]
fn a_date_of_birth_differing_from_the_one_held_is_a_bad_row_and_nothing_is_imported() {
    let (_dir, db) = demo_store();
    let first = "name,aliases,date of birth,address
Stefan Orme,,1985-07-19,
Quentin Mallory,Q Mallory,03/02/1990,1 Mill Lane
Rhona Vickers,Ronnie Vickers,,
";
    let run = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        first.as_bytes(),
        true,
    );
    assert!(run.outcome.applied, "{}", run.printed);
    let stefan = offender_id(&db, "Stefan Orme");
    let quentin = offender_id(&db, "Quentin Mallory");
    let rhona = offender_id(&db, "Rhona Vickers");
    // held from the register itself, not an import
    let (held_id, held_name, held_born) = demo_person_born(&db);
    let other_day = held_born.succ_opt().unwrap();

    let before = fingerprint(&db);
    let people_before = count(&db, "SELECT COUNT(*) FROM offenders");
    let file = format!(
        "name,date of birth,address
  stefan   ORME ,1985-07-20,
Q Mallory,04/03/1990,\"9 Station Road, Castlebrook\"
Rhona Vickers,31/12/2001,Flat 2 Kiln Court
Ronnie Vickers,2002-01-01,
{held_name},{other_day},
New Person,1999-09-09,3 High Street
"
    );
    for apply in [false, true] {
        let run = import(
            &db,
            ImportKind::Offenders,
            "people.csv",
            file.as_bytes(),
            apply,
        );
        let problems = run.outcome.problems();
        assert_eq!(lines(&problems), vec![2, 3, 5, 6], "{}", run.printed);
        // named by the register's name, tidied; the held date is not shown
        let stefan_why = reason_on(&problems, 2);
        assert!(
            stefan_why.contains(&format!(
                "date of birth 1985-07-20 differs from the one held for Stefan Orme (#{stefan})"
            )) && stefan_why.contains("if this is someone else, give them a distinguishing name")
                && stefan_why.contains("if the held date is wrong, correct it on their profile"),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 3).contains(&format!(
                "date of birth 1990-03-04 differs from the one held for Quentin Mallory (#{quentin}, found by an alias)"
            )),
            "{problems:?}"
        );
        // nothing held yet: line 4 would give it, so line 5 may not give another
        assert!(
            reason_on(&problems, 5).contains(&format!(
                "date of birth 2002-01-01 differs from the one line 4 gives for Rhona Vickers (#{rhona}, found by an alias)"
            )),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 6).contains(&format!(
                "date of birth {other_day} differs from the one held for {held_name} (#{held_id})"
            )),
            "{problems:?}"
        );
        assert!(
            run.printed.contains(&format!(
                "line 2: date of birth 1985-07-20 differs from the one held for Stefan Orme (#{stefan})"
            )),
            "{}",
            run.printed
        );
        for held in [
            "1985-07-19",
            "1990-02-03",
            "03/02/1990",
            &held_born.to_string(),
        ] {
            assert!(!run.printed.contains(held), "{held}:\n{}", run.printed);
        }
        assert!(run.printed.contains("4 problem(s)"), "{}", run.printed);
        assert!(!run.outcome.applied);
        assert_eq!(
            fingerprint(&db),
            before,
            "apply={apply}: nothing imported, not even the audit trail"
        );
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM offenders"), people_before);
    assert_eq!(
        identity(&db, "Stefan Orme"),
        (ymd(1985, 7, 19), String::new())
    );
    assert_eq!(
        identity(&db, "Quentin Mallory"),
        (ymd(1990, 2, 3), "1 Mill Lane".to_string())
    );
    assert_eq!(identity(&db, "Rhona Vickers"), (None, String::new()));
    assert_eq!(identity(&db, &held_name).0, Some(held_born));

    // without the differing dates: a date where none is held is stored, and
    // an address that differs is an ordinary update
    let file = "name,date of birth,address
Q Mallory,,\"9 Station Road, Castlebrook\"
Rhona Vickers,31/12/2001,Flat 2 Kiln Court
Ronnie Vickers,2001-12-31,
";
    let run = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        file.as_bytes(),
        true,
    );
    assert!(run.outcome.applied, "{}", run.printed);
    let plans: Vec<&RowPlan> = run.outcome.plan.rows.iter().map(|r| &r.plan).collect();
    assert_eq!(
        plans,
        vec![
            &RowPlan::Update {
                id: quentin,
                fields: vec!["address"]
            },
            &RowPlan::Update {
                id: rhona,
                fields: vec!["date of birth", "address"]
            },
            &RowPlan::Unchanged { id: rhona },
        ],
        "{}",
        run.printed
    );
    assert_eq!(
        identity(&db, "Quentin Mallory"),
        (ymd(1990, 2, 3), "9 Station Road, Castlebrook".to_string())
    );
    assert_eq!(
        identity(&db, "Rhona Vickers"),
        (ymd(2001, 12, 31), "Flat 2 Kiln Court".to_string())
    );
}

#[test]
fn the_same_date_of_birth_written_another_way_is_unchanged_not_a_problem() {
    let (_dir, db) = demo_store();
    let first = "name,aliases,dob\nStefan Orme,Steve Orme,1985-07-19\n";
    let run = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        first.as_bytes(),
        true,
    );
    assert!(run.outcome.applied, "{}", run.printed);
    let stefan = offender_id(&db, "Stefan Orme");
    let (held_id, held_name, held_born) = demo_person_born(&db);

    let fp = data_fingerprint(&db);
    let audit_before = count(&db, "SELECT COUNT(*) FROM audit");
    let file = format!(
        "name,date of birth
STEFAN  ORME,19/07/1985
{held_name},{}
",
        held_born.format("%d/%m/%Y")
    );
    for apply in [false, true] {
        let run = import(
            &db,
            ImportKind::Offenders,
            "people.csv",
            file.as_bytes(),
            apply,
        );
        assert!(run.outcome.problems().is_empty(), "{}", run.printed);
        let plans: Vec<&RowPlan> = run.outcome.plan.rows.iter().map(|r| &r.plan).collect();
        assert_eq!(
            plans,
            vec![
                &RowPlan::Unchanged { id: stefan },
                &RowPlan::Unchanged { id: held_id }
            ],
            "{}",
            run.printed
        );
        assert_eq!(run.outcome.applied, apply, "{}", run.printed);
        assert_eq!(data_fingerprint(&db), fp, "apply={apply}");
    }
    // applied: the import's own record, and nothing else
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit"), audit_before + 1);
    // found by an alias, the other way round
    let by_alias = "name,dob\nSteve Orme,1985-07-19\n";
    let run = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        by_alias.as_bytes(),
        false,
    );
    assert!(run.outcome.problems().is_empty(), "{}", run.printed);
    assert_eq!(
        run.outcome.plan.rows[0].plan,
        RowPlan::Unchanged { id: stefan }
    );
    assert_eq!(
        identity(&db, "Stefan Orme"),
        (ymd(1985, 7, 19), String::new())
    );
}

#[test]
fn a_row_for_an_id_sought_person_giving_a_date_of_birth_or_address_is_a_bad_row() {
    let (_dir, db) = demo_store();
    let sought: Vec<(i64, String)> = {
        let c = Connection::open(&db).unwrap();
        let mut st = c
            .prepare("SELECT id, name FROM offenders WHERE kind = 'id_sought' ORDER BY id LIMIT 3")
            .unwrap();
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        rows
    };
    assert_eq!(sought.len(), 3);
    let (a, b, c) = (&sought[0], &sought[1], &sought[2]);
    let (known_id, known_name, _) = demo_person_born(&db);
    let before = fingerprint(&db);
    let people_before = count(&db, "SELECT COUNT(*) FROM offenders");
    // empty cells are fine; any date of birth or address is not, whether the
    // row's kind or the register says ID-sought
    let file = format!(
        "name,kind,date of birth,address,description
Good Person,known,1990-02-03,1 High Street,
{},ID-sought,,,
{},ID-sought,1990-02-03,,
{},,,\"  1   High   Street \",
ID-sought 950,ID-sought,,2 Low Road,\"male, 30s\"
{known_name},ID-sought,,3 Low Road,
Unknown Woman,ID-sought,,,\"female, 40s, red coat\"
",
        a.1, b.1, c.1
    );
    let message =
        "an ID-sought person has no known date of birth or address: promote them to known first";
    for apply in [false, true] {
        let run = import(
            &db,
            ImportKind::Offenders,
            "people.csv",
            file.as_bytes(),
            apply,
        );
        let problems = run.outcome.problems();
        assert_eq!(lines(&problems), vec![4, 5, 6, 7], "{}", run.printed);
        for l in 4..=7 {
            assert!(reason_on(&problems, l).contains(message), "{problems:?}");
            assert!(
                run.printed.contains(&format!("line {l}: {message}")),
                "line {l}:\n{}",
                run.printed
            );
        }
        assert!(
            reason_on(&problems, 4).contains(&format!("record #{}", b.0)),
            "{problems:?}"
        );
        // no kind given, but the register says ID-sought
        assert!(
            reason_on(&problems, 5).contains(&format!("record #{}", c.0)),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 6).contains("give the row's kind as known"),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 7).contains(&format!("record #{known_id} is known already")),
            "{problems:?}"
        );
        // the good rows are planned as ever
        let c = run.outcome.plan.counts();
        assert_eq!((c.new, c.unchanged), (2, 1), "{}", run.printed);
        assert!(run.printed.contains("4 problem(s)"), "{}", run.printed);
        assert!(!run.outcome.applied);
        assert_eq!(
            fingerprint(&db),
            before,
            "apply={apply}: nothing imported, not even the audit trail"
        );
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM offenders"), people_before);
    for (_, name) in &sought {
        assert_eq!(identity(&db, name), (None, String::new()));
    }

    // the store refuses it too, in a batch made by hand
    use watchroom::domain::offender::OffenderKind;
    use watchroom::store::imports::{ImportBatch, ImportResult, Lined, OffenderRecord};
    let mut store = Store::open(&db).unwrap();
    let manager = store.operator_by_name(DEMO_OPERATOR).unwrap().unwrap().id;
    let batch = ImportBatch::Offenders(vec![Lined {
        line: 2,
        record: OffenderRecord {
            name: a.1.clone(),
            kind: OffenderKind::IdSought,
            aliases: vec![],
            nicknames: vec![],
            description: None,
            markers: vec![],
            date_of_birth: None,
            address: Some("1 High Street".into()),
        },
    }]);
    match store.apply_import(&batch, manager, now()).unwrap() {
        ImportResult::Refused(plan) => assert!(
            matches!(&plan.rows[0].plan, RowPlan::Bad(why) if why.contains(message)),
            "{plan:?}"
        ),
        other => panic!("{other:?}"),
    }
    drop(store);
    assert_eq!(fingerprint(&db), before);
}

#[test]
fn a_bad_or_future_date_of_birth_is_named_by_its_line_and_nothing_is_imported() {
    let (_dir, db) = demo_store();
    let before = fingerprint(&db);
    // the import's day is 2026-11-27
    let file = "name,born,address
Good Person,1990-02-03,1 High Street
Bad Date,31/02/1990,
Tomorrow Person,2026-11-28,
Today Person,27/11/2026,
Short Year,03/02/90,
Word Date,3rd February 1990,
Another Good,,2 High Street
";
    for apply in [false, true] {
        let run = import(
            &db,
            ImportKind::Offenders,
            "people.csv",
            file.as_bytes(),
            apply,
        );
        let problems = run.outcome.problems();
        assert_eq!(lines(&problems), vec![3, 4, 5, 6, 7], "{}", run.printed);
        assert!(
            reason_on(&problems, 3).contains("date of birth “31/02/1990” is not a date"),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 4).contains("date of birth “2026-11-28” is not in the past"),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 5).contains("date of birth “27/11/2026” is not in the past"),
            "{problems:?}"
        );
        // a two-digit year would be year 90: refused, not kept
        assert!(
            reason_on(&problems, 6).contains("date of birth “03/02/90” is more than 120 years ago")
                && reason_on(&problems, 6).contains("write the year in full"),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 7).contains("date of birth “3rd February 1990” is not a date"),
            "{problems:?}"
        );
        for l in 3..=7 {
            assert!(
                run.printed.contains(&format!("line {l}: date of birth")),
                "line {l} printed:\n{}",
                run.printed
            );
        }
        assert!(run.printed.contains("5 problem(s)"), "{}", run.printed);
        assert!(!run.outcome.applied);
        assert_eq!(
            fingerprint(&db),
            before,
            "apply={apply}: nothing imported, not even the audit trail"
        );
    }
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM offenders WHERE name IN ('Good Person', 'Another Good')"
        ),
        0
    );
}

#[test]
fn the_store_refuses_a_date_of_birth_not_in_the_past_in_a_batch_made_by_hand() {
    use watchroom::domain::offender::OffenderKind;
    use watchroom::store::imports::{ImportBatch, Lined, OffenderRecord};
    let (_dir, db) = demo_store();
    let before = fingerprint(&db);
    let mut store = Store::open(&db).unwrap();
    let manager = store.operator_by_name(DEMO_OPERATOR).unwrap().unwrap().id;
    let batch = ImportBatch::Offenders(vec![Lined {
        line: 2,
        record: OffenderRecord {
            name: "Tomorrow Person".into(),
            kind: OffenderKind::Known,
            aliases: vec![],
            nicknames: vec![],
            description: None,
            markers: vec![],
            date_of_birth: ymd(2026, 11, 27),
            address: Some("1 High Street".into()),
        },
    }]);
    let err = store.apply_import(&batch, manager, now()).unwrap_err();
    assert!(err.to_string().contains("not in the past"), "{err}");
    drop(store);
    assert_eq!(fingerprint(&db), before);
}
