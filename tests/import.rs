//! Imports on real store files: good files previewed then applied, every kind
//! of bad row named by its line, files that are not CSV, duplicates found
//! rather than doubled, and the police's street-level crime file imported
//! once however often it is given. The real binary is driven with a
//! manager's PIN on standard input.

mod support;

use chrono::NaiveDate;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::*;
use watchroom::io::import::{run_import, ImportKind, ImportOutcome, Problem};
use watchroom::store::demo::DEMO_OPERATOR;
use watchroom::store::imports::RowPlan;
use watchroom::store::Store;

const DATA: &[&str] = &[
    "members",
    "radios",
    "radio_status_history",
    "offenders",
    "offender_aliases",
    "police_crimes",
];

/// Every row of the tables an import can touch, and the audit trail: if this
/// is the same before and after, nothing changed.
fn fingerprint(db: &Path) -> Fingerprint {
    rows_of(db, &[DATA, &["audit"]].concat())
}

/// The same without the audit trail (signing in from the shell is audited).
fn data_fingerprint(db: &Path) -> Fingerprint {
    rows_of(db, DATA)
}

/// Compared whole, shown short: a failure says which tables differ.
#[derive(PartialEq)]
struct Fingerprint(Vec<(String, String)>);

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (table, rows) in &self.0 {
            writeln!(f, "{table}: {} rows", rows.lines().count())?;
        }
        Ok(())
    }
}

impl Fingerprint {
    fn contains(&self, s: &str) -> bool {
        self.0.iter().any(|(_, rows)| rows.contains(s))
    }
}

fn rows_of(db: &Path, tables: &[&str]) -> Fingerprint {
    let c = Connection::open(db).unwrap();
    let mut all = vec![];
    for table in tables {
        let mut out = String::new();
        let mut st = c
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                out.push_str(&format!("{v:?}|"));
            }
            out.push('\n');
        }
        all.push((table.to_string(), out));
    }
    Fingerprint(all)
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

struct Run {
    outcome: ImportOutcome,
    printed: String,
}

fn import(db: &Path, kind: ImportKind, name: &str, bytes: &[u8], apply: bool) -> Run {
    let file = db.parent().unwrap().join(name);
    std::fs::write(&file, bytes).unwrap();
    import_file(db, kind, &file, apply)
}

fn import_file(db: &Path, kind: ImportKind, file: &Path, apply: bool) -> Run {
    let mut store = Store::open(db).unwrap();
    let manager = store.operator_by_name(DEMO_OPERATOR).unwrap().unwrap().id;
    let mut printed = vec![];
    let outcome = run_import(&mut store, kind, file, apply, manager, now(), &mut printed).unwrap();
    Run {
        outcome,
        printed: String::from_utf8(printed).unwrap(),
    }
}

fn lines(problems: &[Problem]) -> Vec<u64> {
    problems.iter().filter_map(|p| p.line).collect()
}

fn reason_on(problems: &[Problem], line: u64) -> String {
    problems
        .iter()
        .find(|p| p.line == Some(line))
        .map(|p| p.reason.clone())
        .unwrap_or_else(|| panic!("no problem on line {line}: {problems:?}"))
}

const GOOD_MEMBERS: &str = "name,kind,zone,address,status,joined_on,renewal_on
Castlebrook Cycles,shop,High Street,\"12 High Street, Castlebrook\",active,2026-01-05,05/01/2027
The Tap Room,pub,NTE,,pending,,
  greggs ,Shop,high street,,,,
Boots the Chemist,shop,HS,\"99 New Road, Castlebrook\",,,
";

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
fn every_kind_of_bad_row_is_named_by_its_line_and_one_bad_row_changes_nothing() {
    let (_dir, db) = demo_store();
    let before = fingerprint(&db);
    let file = "name,kind,zone,address,status,joined_on
Castlebrook Cycles,shop,High Street,,,
,shop,High Street,,,
Wrong Zone Shop,shop,Hihg Street,,,
Bad Date Shop,shop,HS,,,2026-13-45
Bad Status Shop,shop,HS,,closed,
CASTLEBROOK  cycles,shop,high street,,,
Too Many,shop,HS,1 Bridge Street, Castlebrook,active,
Too Few,shop
\"A name
over two lines\",shop,,,,
The Last Good One,pub,NTE,,,
";
    for apply in [false, true] {
        let run = import(
            &db,
            ImportKind::Members,
            "members.csv",
            file.as_bytes(),
            apply,
        );
        let problems = run.outcome.problems();
        assert_eq!(
            lines(&problems),
            vec![3, 4, 5, 6, 7, 8, 9, 10],
            "{}",
            run.printed
        );
        assert!(
            reason_on(&problems, 3).contains("name is missing"),
            "{problems:?}"
        );
        let zone = reason_on(&problems, 4);
        assert!(
            zone.contains("no zone called “Hihg Street”")
                && zone.contains("High Street, Market Square"),
            "{zone}"
        );
        assert!(
            reason_on(&problems, 5).contains("joined on “2026-13-45” is not a date"),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 6)
                .contains("status “closed” is not one of pending, active, lapsed, left"),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 7).contains("the same member as line 2"),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 8).contains("too many fields: 7 where the header has 6"),
            "{problems:?}"
        );
        assert!(
            reason_on(&problems, 9).contains("too few fields: 2 where the header has 6"),
            "{problems:?}"
        );
        // a quoted value over two lines is one row, named by the line it starts on
        assert!(
            reason_on(&problems, 10).contains("zone is missing"),
            "{problems:?}"
        );
        for l in [3, 4, 5, 6, 7, 8, 9, 10] {
            assert!(
                run.printed.contains(&format!("line {l}: ")),
                "line {l} printed:\n{}",
                run.printed
            );
        }
        assert!(run.printed.contains("8 problem(s)"), "{}", run.printed);
        assert!(!run.outcome.applied);
        // the good rows are still previewed
        assert_eq!(run.outcome.plan.counts().new, 2);
        assert_eq!(
            fingerprint(&db),
            before,
            "apply={apply}: nothing changed, not even the audit trail"
        );
    }

    // every value good, but one row matches nothing in the store: found as the
    // import is applied, and the whole transaction rolled back
    let file = "name,kind,zone\nGood One,shop,HS\nGood Two,pub,NTE\nLost One,shop,Atlantis\n";
    let run = import(
        &db,
        ImportKind::Members,
        "members.csv",
        file.as_bytes(),
        true,
    );
    assert!(!run.outcome.applied);
    assert_eq!(lines(&run.outcome.problems()), vec![4], "{}", run.printed);
    assert!(
        run.printed
            .contains("1 problem(s): refused; nothing was changed"),
        "{}",
        run.printed
    );
    assert_eq!(fingerprint(&db), before);
}

#[test]
fn a_wrong_header_names_the_columns_expected_and_found() {
    let (_dir, db) = demo_store();
    let before = fingerprint(&db);
    let run = import(
        &db,
        ImportKind::Members,
        "members.csv",
        b"Business,Type of shop,Postcode\nGreggs,shop,CB1 1AA\n",
        true,
    );
    let problems = run.outcome.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, None);
    let why = &problems[0].reason;
    assert!(
        why.starts_with(
            "wrong header: expected columns name, kind, zone (and optionally address, status"
        ),
        "{why}"
    );
    assert!(
        why.contains("found “Business”, “Type of shop”, “Postcode”"),
        "{why}"
    );
    assert!(why.contains("missing kind, zone"), "{why}");
    // "Business" is taken for the name; the others are reported, not silently dropped
    assert!(
        run.printed.contains("column “Postcode” ignored"),
        "{}",
        run.printed
    );
    assert_eq!(fingerprint(&db), before);

    // unknown columns beside the right ones do not stop an import, but are said
    let run = import(
        &db,
        ImportKind::Members,
        "members.csv",
        b"Name,Kind,Zone,Manager's mobile\nThe Tap Room,pub,NTE,07700 900123\n",
        true,
    );
    assert!(run.outcome.applied, "{}", run.printed);
    assert!(
        run.printed
            .contains("note: column “Manager's mobile” ignored"),
        "{}",
        run.printed
    );
    assert!(
        !fingerprint(&db).contains("07700"),
        "an ignored column is never stored"
    );
}

#[test]
fn files_that_are_not_csv_are_refused_saying_what_they_look_like() {
    let (dir, db) = demo_store();
    let before = fingerprint(&db);
    let png = dir.path().join("still.png");
    watchroom::io::stills::write_still(&png, 7).unwrap();
    let run = import_file(&db, ImportKind::Offenders, &png, true);
    let problems = run.outcome.problems();
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]
            .reason
            .contains("not a CSV file: it looks like a PNG image"),
        "{problems:?}"
    );
    assert!(!run.printed.contains('\u{1b}'));

    for (bytes, expect) in [
        (
            &b"[{\"name\": \"Darren Hollis\", \"kind\": \"known\"}]\n"[..],
            "it looks like JSON",
        ),
        (&b"{\"name\": \"x\"}"[..], "it looks like JSON"),
        (&b""[..], "the file is empty"),
        (&b"\n\n  \n"[..], "the file is empty"),
        (
            &b"PK\x03\x04\x14\x00\x06\x00"[..],
            "Excel workbook (.xlsx): save it as CSV first",
        ),
        (&b"name,kind\0\0\0\x01\x02"[..], "a binary file"),
    ] {
        let run = import(&db, ImportKind::Members, "odd.csv", bytes, true);
        let problems = run.outcome.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].reason.contains(expect),
            "{expect}: {problems:?}"
        );
        assert!(run.printed.contains(expect), "{}", run.printed);
    }
    assert_eq!(fingerprint(&db), before);
}

#[test]
fn bytes_that_are_not_utf8_are_reported_on_their_line() {
    let (_dir, db) = demo_store();
    let before = fingerprint(&db);
    // "Café" as a spreadsheet saves it in Windows-1252
    let mut file = b"name,kind,zone\nThe Tap Room,pub,NTE\n".to_vec();
    file.extend_from_slice(b"Caf\xE9 Rouge,shop,HS\nLast Shop,shop,HS\n");
    let run = import(&db, ImportKind::Members, "members.csv", &file, true);
    let problems = run.outcome.problems();
    assert_eq!(lines(&problems), vec![3], "{problems:?}");
    let why = reason_on(&problems, 3);
    assert!(
        why.contains("not UTF-8 text in the “name” column (byte 0xE9)")
            && why.contains("CSV UTF-8"),
        "{why}"
    );
    assert!(!run.outcome.applied);
    assert_eq!(fingerprint(&db), before);

    // a byte-order mark (Excel's "CSV UTF-8") is not part of the first column's name
    let mut file = b"\xEF\xBB\xBFname,kind,zone\n".to_vec();
    file.extend_from_slice("Café Rouge,shop,HS\n".as_bytes());
    let run = import(&db, ImportKind::Members, "members.csv", &file, true);
    assert!(run.outcome.applied, "{}", run.printed);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM members WHERE name = 'Café Rouge'"
        ),
        1
    );
}

#[test]
fn hostile_text_is_tidied_before_it_is_stored_or_shown() {
    let (_dir, db) = demo_store();
    let file = "name,kind,zone,address\n\"Evil\x1b[2J\x1b]0;pwned\x07 Shop\",shop,HS,\"1\u{202E}2 Street\"\nBad\x1b[31m Zone,shop,\"\x1b[5mNowhere\",\n";
    let run = import(
        &db,
        ImportKind::Members,
        "members.csv",
        file.as_bytes(),
        false,
    );
    assert!(
        !run.printed.contains('\u{1b}')
            && !run.printed.contains('\u{7}')
            && !run.printed.contains('\u{202E}'),
        "{:?}",
        run.printed
    );
    assert!(
        run.printed.contains("no zone called “[5mNowhere”"),
        "{}",
        run.printed
    );

    let run = import(
        &db,
        ImportKind::Members,
        "members.csv",
        file.lines()
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
        true,
    );
    assert!(run.outcome.applied, "{}", run.printed);
    let (name, address): (String, String) = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT name, address FROM members ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(name, "Evil [2J ]0;pwned Shop");
    assert_eq!(address, "1 2 Street");
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
"
    );
    let run = import(&db, ImportKind::Radios, "radios.csv", bad.as_bytes(), true);
    let problems = run.outcome.problems();
    assert_eq!(lines(&problems), vec![2, 3, 4, 5, 7, 8], "{}", run.printed);
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

#[test]
fn a_special_category_column_is_refused_and_never_read() {
    let (_dir, db) = demo_store();
    let before = fingerprint(&db);
    for header in ["Ethnicity", "Religion", "health notes", "IC code"] {
        let file = format!("name,description,{header}\nQuentin Mallory,tall,Secret Value 42\n");
        let run = import(
            &db,
            ImportKind::Offenders,
            "people.csv",
            file.as_bytes(),
            true,
        );
        let problems = run.outcome.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .reason
                .contains(&format!("column “{header}” is special-category data"))
                && problems[0].reason.contains("delete the column"),
            "{problems:?}"
        );
        assert!(!run.outcome.applied);
        assert!(!run.printed.contains("Secret Value"), "{}", run.printed);
    }
    assert_eq!(fingerprint(&db), before);
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/police-street-sample.csv")
}

#[test]
fn the_police_street_file_is_imported_once_however_often_it_is_given() {
    let (_dir, db) = demo_store();
    let dry = import_file(&db, ImportKind::Police, &sample(), false);
    assert!(dry.outcome.problems().is_empty(), "{}", dry.printed);
    assert_eq!(dry.outcome.parsed.rows, 20);
    assert_eq!(dry.outcome.plan.counts().new, 20);
    assert!(dry.printed.contains("months: 2026-10"), "{}", dry.printed);
    assert!(
        dry.printed.contains("Anti-social behaviour 6"),
        "{}",
        dry.printed
    );
    assert!(dry.printed.contains("Shoplifting 5"), "{}", dry.printed);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM police_crimes"), 0);

    let run = import_file(&db, ImportKind::Police, &sample(), true);
    assert!(run.outcome.applied, "{}", run.printed);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM police_crimes"), 20);
    // anti-social behaviour has no Crime ID: each row is kept under a digest,
    // the two identical ones included
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM police_crimes WHERE crime_id = '' AND length(row_key) = 64"
        ),
        6
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM police_crimes WHERE crime_type = 'Anti-social behaviour' AND location = 'On or near High Street'"),
        2
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM police_crimes WHERE crime_id <> '' AND row_key = crime_id"
        ),
        14
    );
    let c = Connection::open(&db).unwrap();
    let (location, context): (String, String) = c
        .query_row(
            "SELECT location, context FROM police_crimes WHERE context LIKE 'Reported by door staff%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(location, "On or near Nightclub");
    assert_eq!(
        context,
        "Reported by door staff, \"quoted\" in the original"
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM police_crimes WHERE location = 'On or near Lowfield Street, Market Place'"),
        2
    );
    let (lon, lat): (Option<f64>, Option<f64>) = c
        .query_row(
            "SELECT longitude, latitude FROM police_crimes WHERE location = 'No Location'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((lon, lat), (None, None));
    let store = Store::open(&db).unwrap();
    let counts = store.police_crime_counts().unwrap();
    assert!(
        counts.contains(&("2026-10".into(), "Shoplifting".into(), 5)),
        "{counts:?}"
    );
    let audit = store.recent_audit(None, 1).unwrap().remove(0);
    assert_eq!(
        (
            audit.action.code(),
            audit.entity.as_str(),
            audit.detail.as_str()
        ),
        ("import", "police_crimes", "20 new, 0 updated, 0 unchanged")
    );
    drop(store);

    let again = import_file(&db, ImportKind::Police, &sample(), true);
    let k = again.outcome.plan.counts();
    assert_eq!(
        (k.new, k.updated, k.unchanged),
        (0, 0, 20),
        "{}",
        again.printed
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM police_crimes"), 20);

    // the month's file published again with an outcome recorded since
    let text = std::fs::read_to_string(sample()).unwrap();
    let republished = text.replacen("Awaiting court outcome", "Offender sent to prison", 1);
    let run = import(
        &db,
        ImportKind::Police,
        "republished.csv",
        republished.as_bytes(),
        true,
    );
    let k = run.outcome.plan.counts();
    assert_eq!(
        (k.new, k.updated, k.unchanged),
        (0, 1, 19),
        "{}",
        run.printed
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM police_crimes WHERE last_outcome = 'Offender sent to prison'"
        ),
        1
    );
}

#[test]
fn bad_police_rows_and_a_wrong_police_header_are_named() {
    let (_dir, db) = demo_store();
    let header = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";
    let file = format!(
        "{header}abc1,2026-10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01,Castlebrook 006C,Shoplifting,,
abc2,2026/10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01,Castlebrook 006C,Shoplifting,,
abc3,2026-10,Kent Police,Kent Police,east,51.44,On or near High Street,E01,Castlebrook 006C,Shoplifting,,
abc4,2026-10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01,Castlebrook 006C,,,
abc1,2026-10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01,Castlebrook 006C,Shoplifting,,
abc5,2026-00,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01,Castlebrook 006C,Shoplifting,,
"
    );
    let run = import(&db, ImportKind::Police, "street.csv", file.as_bytes(), true);
    let problems = run.outcome.problems();
    assert_eq!(lines(&problems), vec![3, 4, 5, 6, 7], "{}", run.printed);
    assert!(reason_on(&problems, 3).contains("Month “2026/10” is not YYYY-MM"));
    assert!(reason_on(&problems, 4).contains("Longitude “east” is not a number"));
    assert!(reason_on(&problems, 5).contains("Crime type is missing"));
    assert!(reason_on(&problems, 6).contains("Crime ID abc1 is on line 2 too"));
    assert!(reason_on(&problems, 7).contains("Month “2026-00” is not YYYY-MM"));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM police_crimes"), 0);

    // the outcomes file (a different publication) is not the street file
    let outcomes = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\nabc1,2026-10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01,Castlebrook 006C,Under investigation\n";
    let run = import(
        &db,
        ImportKind::Police,
        "outcomes.csv",
        outcomes.as_bytes(),
        true,
    );
    let problems = run.outcome.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].reason.starts_with(
            "wrong header: expected columns Crime ID, Month, Reported by, Falls within"
        ),
        "{problems:?}"
    );
    assert!(
        problems[0]
            .reason
            .contains("missing Crime type, Last outcome category, Context"),
        "{problems:?}"
    );
    assert!(
        run.printed.contains("column “Outcome type” ignored"),
        "{}",
        run.printed
    );
}

/// The real binary, as a manager would run it, with the PIN on standard input.
fn watchroom(db: &Path, who: &str, pin: &str, args: &[&str]) -> (bool, String, String) {
    let dir = db.parent().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchroom"))
        .args(["--db", db.to_str().unwrap(), "--as", who])
        .args(args)
        .env_clear()
        .env("HOME", dir)
        .env("TZ", "UTC")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{pin}").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_binary_previews_imports_refuses_a_bad_file_and_a_non_manager() {
    let (dir, db) = demo_store();
    let members = dir.path().join("members.csv");
    std::fs::write(&members, GOOD_MEMBERS).unwrap();
    let file = members.to_str().unwrap();
    let before = count(&db, "SELECT COUNT(*) FROM members");

    let (ok, stdout, stderr) = watchroom(&db, DEMO_OPERATOR, "1234", &["import", "members", file]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("dry run: 2 new, 1 to update, 1 unchanged"),
        "{stdout}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM members"), before);

    let (ok, stdout, stderr) = watchroom(
        &db,
        DEMO_OPERATOR,
        "1234",
        &["import", "members", file, "--apply"],
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("imported: 2 new, 1 updated, 1 unchanged"),
        "{stdout}"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM members"), before + 2);

    let (ok, stdout, stderr) = watchroom(
        &db,
        DEMO_OPERATOR,
        "1234",
        &["import", "police", sample().to_str().unwrap(), "--apply"],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("imported: 20 new"), "{stdout}");

    // one bad row: exit 1, every problem on its line, nothing changed
    std::fs::write(
        &members,
        "name,kind,zone\nAnother Shop,shop,HS\nNowhere Shop,shop,Atlantis\n",
    )
    .unwrap();
    let fp = data_fingerprint(&db);
    let (ok, stdout, stderr) = watchroom(
        &db,
        DEMO_OPERATOR,
        "1234",
        &["import", "members", file, "--apply"],
    );
    assert!(!ok);
    assert!(
        stdout.contains("line 3: no zone called “Atlantis”"),
        "{stdout}"
    );
    assert!(
        stderr.contains("1 problem(s) in") && stderr.contains("nothing was imported"),
        "{stderr}"
    );
    assert_eq!(data_fingerprint(&db), fp);
    let last = Store::open(&db)
        .unwrap()
        .recent_audit(None, 1)
        .unwrap()
        .remove(0);
    assert_eq!(
        last.action.code(),
        "sign-in",
        "the refused import left no record but the sign-in"
    );

    // not a manager: refused, and the refusal audited
    let (ok, _, stderr) = watchroom(
        &db,
        "Priya Shah",
        "2345",
        &["import", "members", file, "--apply"],
    );
    assert!(!ok);
    assert!(
        stderr.contains("refused: a cctv cannot import data (that needs: manager)"),
        "{stderr}"
    );
    let store = Store::open(&db).unwrap();
    let last = store.recent_audit(None, 1).unwrap().remove(0);
    assert_eq!(
        (last.action.code(), last.operator.as_str()),
        ("refused", "Priya Shah")
    );
}
