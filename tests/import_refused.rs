//! Imports on real store files refused, changing nothing: every kind of bad
//! row named by its line, a wrong header, files that are not CSV, bytes that
//! are not UTF-8, a special category column never read; and hostile text
//! tidied before it is stored or shown.

mod import_common;
mod support;

use import_common::*;
use rusqlite::Connection;
use support::*;
use watchroom::io::import::ImportKind;

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
