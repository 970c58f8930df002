//! Imports on real store files, previewed then applied: members (a second
//! import doubling nothing, a lapse without a day given), radios matched by
//! call sign or serial with a status change keeping its history, and offenders
//! found by name or alias, never doubled.

mod import_common;
mod support;

use chrono::NaiveDate;
use import_common::*;
use rusqlite::Connection;
use support::*;
use watchroom::io::import::ImportKind;
use watchroom::store::demo::DEMO_OPERATOR;
use watchroom::store::imports::RowPlan;
use watchroom::store::Store;

#[test]
fn members_are_previewed_then_applied_and_a_second_import_doubles_nothing() {
    let (_dir, db) = demo_store();
    let members_before = count(&db, "SELECT COUNT(*) FROM members");
    let before = fingerprint(&db);

    let dry = import(
        &db,
        ImportKind::Members,
        "members.csv",
        GOOD_MEMBERS.as_bytes(),
        false,
    );
    assert!(dry.outcome.problems().is_empty(), "{}", dry.printed);
    let c = dry.outcome.plan.counts();
    assert_eq!(
        (c.new, c.updated, c.unchanged),
        (2, 1, 1),
        "{}",
        dry.printed
    );
    assert!(!dry.outcome.applied);
    assert!(
        dry.printed
            .contains("line 2     new        Castlebrook Cycles (High Street)"),
        "{}",
        dry.printed
    );
    assert!(dry.printed.contains("unchanged"), "{}", dry.printed);
    assert!(
        dry.printed
            .contains("update     Boots the Chemist (High Street)"),
        "{}",
        dry.printed
    );
    assert!(dry.printed.contains("add --apply"), "{}", dry.printed);
    assert_eq!(fingerprint(&db), before, "a dry run changes nothing");

    let applied = import(
        &db,
        ImportKind::Members,
        "members.csv",
        GOOD_MEMBERS.as_bytes(),
        true,
    );
    assert!(applied.outcome.applied, "{}", applied.printed);
    assert!(
        applied
            .printed
            .contains("imported: 2 new, 1 updated, 1 unchanged"),
        "{}",
        applied.printed
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM members"),
        members_before + 2
    );
    let c = Connection::open(&db).unwrap();
    let (zone, address, status, joined, renewal): (String, String, String, String, String) = c
        .query_row(
            "SELECT z.name, m.address, m.status, m.joined_on, m.renewal_on FROM members m JOIN zones z ON z.id = m.zone_id
             WHERE m.name = 'Castlebrook Cycles'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (
            zone.as_str(),
            address.as_str(),
            status.as_str(),
            joined.as_str(),
            renewal.as_str()
        ),
        (
            "High Street",
            "12 High Street, Castlebrook",
            "active",
            "2026-01-05",
            "2027-01-05"
        )
    );
    let (zone, status): (String, String) = c
        .query_row(
            "SELECT z.name, m.status FROM members m JOIN zones z ON z.id = m.zone_id WHERE m.name = 'The Tap Room'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (zone.as_str(), status.as_str()),
        ("Night-Time Economy", "pending")
    );
    let boots: String = c
        .query_row(
            "SELECT address FROM members WHERE name = 'Boots the Chemist'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(boots, "99 New Road, Castlebrook");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM members WHERE name LIKE '%greggs%'"
        ),
        1
    );

    // one audit record per record written, and one for the import: counts, no names
    let store = Store::open(&db).unwrap();
    let audit = store.recent_audit(None, 4).unwrap();
    assert_eq!(
        (audit[0].action.code(), audit[0].entity.as_str()),
        ("import", "members")
    );
    assert_eq!(audit[0].detail, "2 new, 1 updated, 1 unchanged");
    assert_eq!(audit[0].operator, DEMO_OPERATOR);
    assert_eq!(
        audit[1..]
            .iter()
            .map(|a| (a.action.code(), a.entity.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("update", "member"),
            ("create", "member"),
            ("create", "member")
        ]
    );
    for a in &audit {
        for name in ["Castlebrook Cycles", "Tap Room", "Boots", "Greggs"] {
            assert!(!a.detail.contains(name), "{:?}", a.detail);
        }
    }
    drop(store);

    // the same file again: found, not doubled
    let again = import(
        &db,
        ImportKind::Members,
        "members.csv",
        GOOD_MEMBERS.as_bytes(),
        true,
    );
    let c = again.outcome.plan.counts();
    assert_eq!(
        (c.new, c.updated, c.unchanged),
        (0, 0, 4),
        "{}",
        again.printed
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM members"),
        members_before + 2
    );
}

#[test]
fn a_member_lapsing_without_a_day_given_lapses_on_the_day_of_the_import() {
    let (_dir, db) = demo_store();
    let file =
        "name,kind,zone,status,left_on\nWH Smith,shop,HS,lapsed,\nGreggs,shop,HS,left,2026-10-31\n";
    let run = import(
        &db,
        ImportKind::Members,
        "members.csv",
        file.as_bytes(),
        true,
    );
    assert!(run.outcome.applied, "{}", run.printed);
    assert!(
        run.printed.contains("status, left (today)"),
        "{}",
        run.printed
    );
    let left = |name: &str| -> (String, String) {
        Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT status, left_on FROM members WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    assert_eq!(left("WH Smith"), ("lapsed".into(), "2026-11-27".into()));
    assert_eq!(left("Greggs"), ("left".into(), "2026-10-31".into()));
}

#[test]
fn radios_are_matched_by_call_sign_or_serial_and_a_status_change_keeps_its_history() {
    let (_dir, db) = demo_store();
    let radios_before = count(&db, "SELECT COUNT(*) FROM radios");
    let (hs01_serial, hs01_id): (String, i64) = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT serial, id FROM radios WHERE call_sign = 'HS01'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let history_before = count(
        &db,
        &format!("SELECT COUNT(*) FROM radio_status_history WHERE radio_id = {hs01_id}"),
    );
    let good = format!(
        "Call sign,Serial number,Status,Issued to,Notes
hs99,MTP-999001,,Greggs,new handset
HS98,MTP-999002,spare,,
HS01,{hs01_serial},faulty,,battery will not hold charge
NT97,MTP-999003,in_repair,,
"
    );
    let dry = import(
        &db,
        ImportKind::Radios,
        "radios.csv",
        good.as_bytes(),
        false,
    );
    assert!(dry.outcome.problems().is_empty(), "{}", dry.printed);
    let c = dry.outcome.plan.counts();
    assert_eq!(
        (c.new, c.updated, c.unchanged),
        (3, 1, 0),
        "{}",
        dry.printed
    );
    assert!(
        matches!(&dry.outcome.plan.rows[2].plan, RowPlan::Update { fields, .. } if fields.contains(&"status") && fields.contains(&"notes"))
    );

    let run = import(&db, ImportKind::Radios, "radios.csv", good.as_bytes(), true);
    assert!(run.outcome.applied, "{}", run.printed);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM radios"), radios_before + 3);
    let store = Store::open(&db).unwrap();
    let radios = store.radios().unwrap();
    let hs99 = radios.iter().find(|r| r.call_sign == "HS99").unwrap();
    assert_eq!(
        (
            hs99.status.as_str(),
            hs99.member.as_str(),
            hs99.notes.as_str()
        ),
        ("issued", "Greggs", "new handset")
    );
    let hs01 = radios.iter().find(|r| r.call_sign == "HS01").unwrap();
    assert_eq!(hs01.status, "faulty");
    assert!(
        hs01.member_id.is_some(),
        "an empty member cell keeps who it is issued to"
    );
    let history = store.radio_history(hs01_id).unwrap();
    assert_eq!(history.len() as i64, history_before + 1);
    let last = history.last().unwrap();
    assert_eq!(
        (last.from.as_str(), last.to.as_str(), last.by.as_str()),
        ("issued", "faulty", DEMO_OPERATOR)
    );
    assert_eq!(
        radios
            .iter()
            .find(|r| r.call_sign == "NT97")
            .unwrap()
            .status,
        "in repair"
    );
    drop(store);

    // again, matched by serial alone this time for one of them
    let again = good.replace("hs99,MTP-999001", "HS99,mtp-999001");
    let run = import(
        &db,
        ImportKind::Radios,
        "radios.csv",
        again.as_bytes(),
        true,
    );
    let c = run.outcome.plan.counts();
    assert_eq!(
        (c.new, c.updated, c.unchanged),
        (0, 0, 4),
        "{}",
        run.printed
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM radios"), radios_before + 3);

    // bad rows
    let before = fingerprint(&db);
    let bad = format!(
        "call_sign,serial,status,member
HS50,MTP-555001,issued,Nobody's Shop
HS51,MTP-555002,broken,
HS02,{hs01_serial},,
HS52,MTP-555003,issued,
HS53,MTP-555004,spare,
HS53,MTP-555005,spare,
,MTP-555006,spare,
HS 77,MTP-555007,spare,
HS1234567890123456789,MTP-555008,spare,
\u{1b}[31mHS99 \u{1b}[0m,MTP-555009,spare,
"
    );
    let run = import(&db, ImportKind::Radios, "radios.csv", bad.as_bytes(), true);
    let problems = run.outcome.problems();
    assert_eq!(
        lines(&problems),
        vec![2, 3, 4, 5, 7, 8, 9, 10, 11],
        "{}",
        run.printed
    );
    // one rule for a call sign, named; nothing stored mangled
    for (line, says) in [
        (9, "call sign “HS 77” has a space"),
        (10, "is 21 characters long"),
        (11, "has “[” in it"),
    ] {
        let why = reason_on(&problems, line);
        assert!(
            why.contains(says) && why.contains("2 to 16 letters, digits or -"),
            "line {line}: {why}"
        );
        assert!(!why.contains('\u{1b}'), "{why:?}");
    }
    assert!(reason_on(&problems, 2).contains("no member called “Nobody's Shop”"));
    assert!(reason_on(&problems, 3)
        .contains("status “broken” is not one of issued, spare, faulty, in repair, lost, stunned"));
    assert!(
        reason_on(&problems, 4).contains("call sign HS02 is radio #"),
        "{}",
        reason_on(&problems, 4)
    );
    assert!(reason_on(&problems, 5).contains("an issued radio needs the member"));
    assert!(reason_on(&problems, 7).contains("call sign HS53 is on line 6 too"));
    assert!(reason_on(&problems, 8).contains("call sign is missing"));
    assert_eq!(fingerprint(&db), before);
}

#[test]
fn offenders_are_found_by_name_or_alias_and_never_doubled() {
    let (_dir, db) = demo_store();
    let c = Connection::open(&db).unwrap();
    // someone with an alias, whose name no one else on the register shares
    let (id, name, alias): (i64, String, String) = c
        .query_row(
            "SELECT o.id, o.name, a.alias FROM offenders o JOIN offender_aliases a ON a.offender_id = o.id
             WHERE (SELECT COUNT(*) FROM offenders p WHERE p.name = o.name) = 1
               AND NOT EXISTS (SELECT 1 FROM offenders p WHERE p.name = a.alias)
               AND (SELECT COUNT(*) FROM offender_aliases b WHERE b.alias = a.alias) = 1
             ORDER BY o.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let people_before = count(&db, "SELECT COUNT(*) FROM offenders");
    let shouty = name.to_uppercase().replace(' ', "   ");
    let file = format!(
        "name,kind,aliases,nicknames,description,markers,date of birth
Quentin Mallory,known,\"Q Mallory; Quin Mallory\",Quinny,\"tall, red cap\",\"Violent, drugs\",1990-02-03
ID-sought 901,ID-sought,,,\"male, 20s, green parka\",,
{shouty},,,Shades,,prolific,
Someone Else,known,{alias},,,,
"
    );
    let dry = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        file.as_bytes(),
        false,
    );
    assert!(dry.outcome.problems().is_empty(), "{}", dry.printed);
    let counts = dry.outcome.plan.counts();
    assert_eq!(
        (counts.new, counts.updated, counts.unchanged),
        (2, 2, 0),
        "{}",
        dry.printed
    );
    // the date of birth column is read, not ignored
    assert!(!dry.printed.contains("ignored"), "{}", dry.printed);
    assert!(
        matches!(&dry.outcome.plan.rows[2].plan, RowPlan::Update { id: i, fields } if *i == id && fields.contains(&"nicknames"))
    );
    // found by its alias: the other name is new to the record, so it becomes an alias
    assert!(
        matches!(&dry.outcome.plan.rows[3].plan, RowPlan::Update { id: i, fields } if *i == id && fields == &vec!["aliases"])
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
        people_before + 2
    );
    let store = Store::open(&db).unwrap();
    let q = store
        .offender(count(
            &db,
            "SELECT id FROM offenders WHERE name = 'Quentin Mallory'",
        ))
        .unwrap()
        .unwrap();
    assert_eq!(q.aliases, vec!["Q Mallory", "Quin Mallory"]);
    assert_eq!(q.nicknames, vec!["Quinny"]);
    assert_eq!(q.markers, vec!["violent", "drugs"]);
    assert_eq!(q.description, "tall, red cap");
    assert_eq!(
        store.offender_identity(q.id).unwrap(),
        (NaiveDate::from_ymd_opt(1990, 2, 3), String::new())
    );
    let sought = count(
        &db,
        "SELECT COUNT(*) FROM offenders WHERE name = 'ID-sought 901' AND kind = 'id_sought'",
    );
    assert_eq!(sought, 1);
    let known = store.offender(id).unwrap().unwrap();
    assert!(known.nicknames.contains(&"Shades".to_string()));
    assert!(known.markers.contains(&"prolific".to_string()));
    assert!(
        known.aliases.contains(&"Someone Else".to_string()),
        "{:?}",
        known.aliases
    );
    assert_eq!(known.name, name, "the register's spelling is kept");
    drop(store);

    let again = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        file.as_bytes(),
        true,
    );
    let counts = again.outcome.plan.counts();
    assert_eq!(
        (counts.new, counts.updated, counts.unchanged),
        (0, 0, 4),
        "{}",
        again.printed
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM offenders"),
        people_before + 2
    );

    // the same person twice in one file, a person matching two records, a
    // known row on an ID-sought record, a bad kind: all refused
    let before = fingerprint(&db);
    let file = format!(
        "name,kind,aliases
New Person,known,Newt Person
newt person,known,
Quentin Mallory,known,{name}
ID-sought 901,known,
Fresh Face,suspect,
,known,
"
    );
    let run = import(
        &db,
        ImportKind::Offenders,
        "people.csv",
        file.as_bytes(),
        true,
    );
    let problems = run.outcome.problems();
    assert_eq!(lines(&problems), vec![3, 4, 5, 6, 7], "{}", run.printed);
    assert!(reason_on(&problems, 3).contains("is on line 2 too"));
    assert!(reason_on(&problems, 4).contains("matches 2 records on the register"));
    assert!(reason_on(&problems, 5).contains("which is ID-sought"));
    assert!(reason_on(&problems, 6).contains("kind “suspect” is not known or ID-sought"));
    assert!(reason_on(&problems, 7).contains("name is missing"));
    assert_eq!(fingerprint(&db), before);
}
