//! The police's street-level crime file imported once however often it is
//! given, with its bad rows and a wrong header named; and the real binary,
//! driven with a manager's PIN on standard input, previewing imports and
//! refusing a bad file and a non-manager.

mod import_common;
mod support;

use import_common::*;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use support::*;
use watchroom::io::import::ImportKind;
use watchroom::store::demo::DEMO_OPERATOR;
use watchroom::store::Store;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/police-street-sample.csv")
}

#[test]
fn the_police_street_file_is_imported_once_however_often_it_is_given() {
    let (_dir, db) = demo_store();
    let dry = import_file(&db, ImportKind::Police, &sample(), false);
    assert!(dry.outcome.problems().is_empty(), "{}", dry.printed);
    assert_eq!(dry.outcome.parsed.rows, 20);
    // the row with no location lies in no area
    assert_eq!(dry.outcome.plan.counts().new, 19);
    assert!(
        dry.printed
            .contains("19 row(s) in the area; 1 row outside the area: no LSOA 1"),
        "{}",
        dry.printed
    );
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
    assert_eq!(count(&db, "SELECT COUNT(*) FROM police_crimes"), 19);
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
        13
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
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM police_crimes WHERE location = 'No Location'"
        ),
        0
    );
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
        (
            "import",
            "police_crimes",
            "19 new, 0 updated, 0 unchanged, 0 removed; 1 outside the area; months 2026-10"
        )
    );
    drop(store);

    let again = import_file(&db, ImportKind::Police, &sample(), true);
    let k = again.outcome.plan.counts();
    assert_eq!(
        (k.new, k.updated, k.unchanged),
        (0, 0, 19),
        "{}",
        again.printed
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM police_crimes"), 19);

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
        (0, 1, 18),
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
        "{header}abc1,2026-10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01024170,Castlebrook 006C,Shoplifting,,
abc2,2026/10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01024170,Castlebrook 006C,Shoplifting,,
abc3,2026-10,Kent Police,Kent Police,east,51.44,On or near High Street,E01024170,Castlebrook 006C,Shoplifting,,
abc4,2026-10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01024170,Castlebrook 006C,,,
abc1,2026-10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01024170,Castlebrook 006C,Shoplifting,,
abc5,2026-00,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01024170,Castlebrook 006C,Shoplifting,,
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
    let outcomes = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\nabc1,2026-10,Kent Police,Kent Police,0.21,51.44,On or near High Street,E01024170,Castlebrook 006C,Under investigation\n";
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

    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[police]\nlsoa = [\"E01024170\", \"E01024171\", \"E01024172\", \"E01024173\", \"E01024174\", \"E01024175\"]\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = watchroom(
        &db,
        DEMO_OPERATOR,
        "1234",
        &[
            "--config",
            config.to_str().unwrap(),
            "import",
            "police",
            sample().to_str().unwrap(),
            "--apply",
        ],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("imported: 19 new"), "{stdout}");

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
