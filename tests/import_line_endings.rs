//! Every import names a bad row by its line in the file, whatever the line
//! endings: a spreadsheet saved on Windows writes CRLF, and each kind's
//! error must name the same line as with LF (and as an editor shows it),
//! after a quoted value that runs over two lines and after a blank line.

mod import_common;
mod support;

use import_common::*;
use support::*;
use watchroom::io::import::ImportKind;

const POLICE_HEADER: &str = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context";

/// Each kind: a file with a good row, then its bad row on line 3, and what
/// the error says.
fn cases() -> Vec<(ImportKind, String, &'static str)> {
    vec![
        (
            ImportKind::Zones,
            "name,code\nRiverside Walk,RW\nNo Code Zone,\n".into(),
            "code is missing",
        ),
        (
            ImportKind::Cameras,
            "name,zone,number\nCam Riverside,High Street,501\nCam Other,High Street,abc\n".into(),
            "camera number “abc”",
        ),
        (
            ImportKind::Members,
            "name,kind,zone\nA New Shop,shop,HS\nNowhere Shop,shop,Atlantis\n".into(),
            "no zone called “Atlantis”",
        ),
        (
            ImportKind::Radios,
            "call sign,serial\nZZ01,SN-ZZ01\nZ!,SN-ZZ02\n".into(),
            "has “!” in it",
        ),
        (
            ImportKind::Offenders,
            "name,date of birth\nJohn Smithers,1990-01-01\nJane Dormer,31/02/1990\n".into(),
            "is not a date",
        ),
        (
            ImportKind::Police,
            format!(
                "{POLICE_HEADER}\nabc1,2026-10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01024170,Castlebrook 006C,Shoplifting,,\n\
                 abc2,2026/10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01024170,Castlebrook 006C,Shoplifting,,\n"
            ),
            "is not YYYY-MM",
        ),
    ]
}

fn crlf(s: &str) -> String {
    s.replace('\n', "\r\n")
}

fn problem_lines(kind: ImportKind, text: &str) -> Vec<(u64, String)> {
    let (_dir, db) = demo_store();
    let run = import(&db, kind, "file.csv", text.as_bytes(), false);
    run.outcome
        .problems()
        .into_iter()
        .map(|p| (p.line.unwrap_or(0), p.reason))
        .collect()
}

#[test]
fn every_import_names_the_right_line_in_a_windows_file() {
    for (kind, text, says) in cases() {
        for (endings, text) in [("LF", text.clone()), ("CRLF", crlf(&text))] {
            let problems = problem_lines(kind, &text);
            assert_eq!(problems.len(), 1, "{kind:?} {endings}: {problems:?}");
            assert_eq!(problems[0].0, 3, "{kind:?} {endings}: {problems:?}");
            assert!(
                problems[0].1.contains(says),
                "{kind:?} {endings}: {problems:?}"
            );
        }
    }
}

#[test]
fn a_value_over_two_lines_and_a_blank_line_are_counted_in_a_windows_file() {
    // the address runs over lines 2 and 3; line 4 is blank; the bad row is line 5
    let text = "name,kind,zone,address\n\
                A New Shop,shop,HS,\"1 High Street\nCastlebrook\"\n\
                \n\
                Nowhere Shop,shop,Atlantis,\n";
    for text in [text.to_string(), crlf(text)] {
        let problems = problem_lines(ImportKind::Members, &text);
        assert_eq!(
            problems.iter().map(|p| p.0).collect::<Vec<_>>(),
            [5],
            "{text:?}: {problems:?}"
        );
    }
    // a row with too many fields is named on its own line too
    let text = crlf("name,code\nRiverside Walk,RW\nExtra,EX,more\n");
    let problems = problem_lines(ImportKind::Zones, &text);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, 3, "{problems:?}");
    assert!(problems[0].1.contains("too many fields"), "{problems:?}");
}

#[test]
fn the_binary_names_the_line_of_a_windows_file() {
    let (dir, db) = demo_store();
    let file = dir.path().join("members.csv");
    std::fs::write(
        &file,
        crlf(
            "name,kind,zone\nA New Shop,shop,HS\nB New Shop,shop,HS\nNowhere Shop,shop,Atlantis\n",
        ),
    )
    .unwrap();
    let (ok, out, _) = run_binary(
        &db,
        watchroom::store::demo::DEMO_OPERATOR,
        "1234",
        &["import", "members", file.to_str().unwrap()],
    );
    assert!(!ok);
    assert!(out.contains("line 4: no zone called “Atlantis”"), "{out}");
    assert!(out.contains("line 2     new"), "{out}");
}
