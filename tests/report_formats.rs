//! The committee report's three formats on a small hand-made store — Markdown
//! that reads as a progress report's statistics, CSV that is one tidy table
//! and JSON that both read back, hostile labels made harmless in each — and
//! the `watchroom report` command run for real.

mod report_common;

use report_common::*;
use rusqlite::Connection;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use watchroom::domain::exclusion::Ladder;
use watchroom::domain::report::Report;
use watchroom::io::report::{csv_rows, Format, CSV_HEADER};
use watchroom::store::Store;

/// Names that must never appear in a report: it holds counts only.
const NAMES: &[&str] = &[
    "Greggs",
    "Boots",
    "Old Bell",
    "Late Joiner",
    "Closed Down",
    "Gone Before",
    "Leaves Later",
    "Applicant",
    "Last Day Ltd",
    "No Date Ltd",
    "Darren Hollis",
    "Kyle Marsh",
    "Jade Pennington",
    "Wayne Crowther",
    "Shannon Fairley",
    "Callum Ashdown",
    "Dana Reporter",
];

#[test]
fn the_markdown_reads_as_a_progress_reports_statistics() {
    let town = town();
    let md = watchroom::io::report::markdown(&town.report());
    for expected in [
        "## Statistics: 1 January 2026 to 30 June 2026",
        "(181 whole days, Europe/London time)",
        "Radio figures are as they stood on 27 November 2026.",
        "### Incidents",
        "Members and the control room logged 8 incidents, an average of 1 a month.",
        "The most common types were theft (4, 50%), antisocial (2, 25%) and drunk (1, 13%).",
        "The busiest month was May 2026, with 2.",
        "High Street saw the most (4, 50%).",
        "| drunk | 1 | 13% | £0.00 | £0.00 |",
        "| Type | Incidents | Share | Loss | Recovered |",
        "| theft | 4 | 50% | £47.99 | £13.00 |",
        "| **All types** | **8** | 100% | **£47.99** | **£13.00** |",
        "| no zone | 1 | 13% |",
        "| Apr 2026 | 1 | 0 | 1 | 50% |",
        "| Jun 2026 | 2 | 1 | 1 | 67% |",
        "Losses of £47.99 were recorded on 3 incidents, of which £13.00 (27%) was recovered.",
        "3 people on the register were active in the period (seen on camera or named on an incident), and 2 were added to it.",
        "3 people had an exclusion in force at some point in the period.",
        "Sanctions issued: 1 warning and 2 exclusions.",
        "The register raised 4 hits: 2 breaches of an exclusion and 2 watch alerts. Operators accepted 1 and rejected 2 as false matches; 1 is still waiting to be acknowledged.",
        "| Breach of an exclusion | 2 | 1 | 1 | 0 |",
        "The coordinator held 3 roll-calls, calling 9 stations in all: 6 answered and 2 were not heard, an answer rate of 75% (1 station closed for the day is not counted against it).",
        "On 27 November 2026 the network had 6 radios: 3 issued, 1 spare, 1 faulty and 1 in repair. 2 are faulty or in repair; 1 was reported faulty during the period.",
        "2 members joined and 2 lapsed or left during the period; the scheme had 4 members at its end. Of the 6 who were members at some point in the period, 2 (33%) reported at least one incident.",
        "| Month | Shoplifting (police) | Theft (scheme) | Anti-social behaviour (police) | Antisocial (scheme) |",
        "| Jan 2026 | 3 | 1 | 2 | 0 |",
        "The police's published street-level crime data holds 4 records of shoplifting and 2 of anti-social behaviour for the scheme's area over the months of the period; the scheme logged 4 incidents of theft and 2 of antisocial.",
    ] {
        assert!(md.contains(expected), "missing: {expected}\n\n{md}");
    }
    for name in NAMES {
        assert!(!md.contains(name), "{name} is named in:\n{md}");
    }
}

#[test]
fn the_governance_section_reads_as_counts_and_names_no_partner() {
    let mut town = town();
    let none = watchroom::io::report::markdown(&town.report());
    for expected in [
        "### Data protection governance",
        "On 30 June 2026 the scheme had 0 information-sharing agreements in force",
        "No personal data breach was found during the period.",
        "No data protection impact assessment (DPIA) had been recorded.",
    ] {
        assert!(none.contains(expected), "missing: {expected}\n\n{none}");
    }
    town.governance();
    let r = town.report();
    let md = watchroom::io::report::markdown(&r);
    for expected in [
        "On 30 June 2026 the scheme had 2 information-sharing agreements in force, 1 of them due for review within 30 days or overdue.",
        "2 personal data breaches were found during the period; 1 reported to the ICO and 1 still open at its end.",
        "The data protection impact assessment (DPIA) was last reviewed on 1 June 2025; its next review was due.",
    ] {
        assert!(md.contains(expected), "missing: {expected}\n\n{md}");
    }
    let csv = watchroom::io::report::render(&r, Format::Csv).unwrap();
    for line in [
        "governance,agreements_in_force,,,2",
        "governance,breaches_reported_to_ico,,,1",
        "governance,last_dpia_review,,,2025-06-01",
        "governance,dpia_review_due,,,true",
    ] {
        assert!(csv.contains(line), "missing: {line}\n\n{csv}");
    }
    let json = watchroom::io::report::render(&r, Format::Json).unwrap();
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.governance, r.governance);
    for text in [&md, &csv, &json] {
        for name in [
            "Kent Police",
            "Castlebrook Council",
            "wrong list",
            "photo posted",
        ] {
            assert!(!text.contains(name), "{name} is named");
        }
    }
}

#[test]
fn the_csv_is_one_tidy_table_that_reads_back() {
    let town = town();
    let report = town.report();
    let text = watchroom::io::report::render(&report, Format::Csv).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        CSV_HEADER
    );
    let mut figures: HashMap<(String, String, String, String), String> = HashMap::new();
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        assert_eq!(row.len(), 5);
        let key = (
            row[0].to_string(),
            row[1].to_string(),
            row[2].to_string(),
            row[3].to_string(),
        );
        assert!(
            figures.insert(key.clone(), row[4].to_string()).is_none(),
            "{key:?} twice"
        );
        rows += 1;
    }
    assert_eq!(rows, csv_rows(&report).len());
    let get = |s: &str, f: &str, g: &str, m: &str| {
        figures
            .get(&(s.into(), f.into(), g.into(), m.into()))
            .unwrap_or_else(|| panic!("no {s},{f},{g},{m}"))
            .as_str()
    };
    assert_eq!(get("period", "from", "", ""), "2026-01-01");
    assert_eq!(get("incidents", "incidents", "", ""), "8");
    assert_eq!(get("incidents", "incidents_by_type", "theft", ""), "4");
    assert_eq!(get("incidents", "loss_pence_by_type", "theft", ""), "4799");
    assert_eq!(get("incidents", "incidents_by_zone", "no zone", ""), "1");
    assert_eq!(get("incidents", "incidents", "", "2026-05"), "2");
    assert_eq!(get("losses", "recovered_share", "", ""), "0.271");
    assert_eq!(get("offenders", "sanctions_issued", "warning", ""), "1");
    assert_eq!(get("hits", "waiting", "watch", ""), "1");
    assert_eq!(get("hits", "raised", "all", "2026-03"), "2");
    assert_eq!(get("roll_calls", "answered_share", "", "2026-04"), "0.500");
    assert_eq!(get("roll_calls", "answered_share", "", "2026-02"), "");
    assert_eq!(get("radios", "radios_by_status", "in repair", ""), "1");
    assert_eq!(get("members", "reporting", "", ""), "2");
    assert_eq!(
        get("police", "police_recorded", "Shoplifting", "2026-01"),
        "3"
    );
    assert_eq!(
        get("police", "scheme_incidents", "Anti-social behaviour", ""),
        "2"
    );
    for name in NAMES {
        assert!(!text.contains(name), "{name} is named in the CSV");
    }
}

#[test]
fn the_json_reads_back_as_the_same_figures() {
    let town = town();
    let report = town.report();
    let text = watchroom::io::report::render(&report, Format::Json).unwrap();
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
    for name in NAMES {
        assert!(!text.contains(name), "{name} is named in the JSON");
    }
}

#[test]
fn hostile_labels_are_made_harmless_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut store = Store::open(&path).unwrap();
    let op = store
        .operator_or_add("Dana Reporter", "manager", made())
        .unwrap();
    let c = Connection::open(&path).unwrap();
    c.execute(
        "INSERT INTO zones (name, code) VALUES ('High | Street\u{1b}[2J', 'HS')",
        [],
    )
    .unwrap();
    // a type as another system might send it, straight into the table
    c.execute(
        "INSERT INTO incidents (kind, priority, status, zone_id, summary, opened_at, updated_at, opened_by, updated_by)
         VALUES ('=HYPERLINK(\"http://x\")', 3, 'open', 1, 'x', ?1, ?1, ?2, ?2)",
        rusqlite::params![t("2026-02-01T10:00:00Z").timestamp(), op.id],
    )
    .unwrap();
    // a roll-call answered in that zone, so it is named among the worst
    c.execute_batch(
        "INSERT INTO members (id, name, kind, zone_id, status) VALUES (1, 'Greggs', 'shop', 1, 'active');
         INSERT INTO radios (id, call_sign, serial, member_id, status) VALUES (1, 'HS01', 'SN1', 1, 'issued');",
    )
    .unwrap();
    let at = t("2026-02-01T20:00:00Z").timestamp();
    c.execute(
        "INSERT INTO roll_calls (id, started_at, finished_at, started_by, expected, answered) VALUES (1, ?1, ?1, ?2, 1, 1);",
        rusqlite::params![at, op.id],
    )
    .unwrap();
    c.execute(
        "INSERT INTO roll_call_answers (roll_call_id, radio_id, answer, readability) VALUES (1, 1, 'heard:5', 5)",
        [],
    )
    .unwrap();
    let r = store
        .report(&half_year(), TZ, &Ladder::default(), made())
        .unwrap();
    let md = watchroom::io::report::markdown(&r);
    assert!(!md.contains('\u{1b}'), "{md}");
    assert!(
        md.contains("Loud and clear least often: High \\| Street\u{fffd}\\[2J (100%)."),
        "{md}"
    );
    assert!(
        md.contains("| High \\| Street\u{fffd}\\[2J | 1 | 100% |"),
        "{md}"
    );
    let csv = watchroom::io::report::render(&r, Format::Csv).unwrap();
    assert!(!csv.contains('\u{1b}'));
    assert!(
        csv.contains("incidents,incidents_by_type,\"'=HYPERLINK(\"\"http://x\"\")\",,1"),
        "{csv}"
    );
}

/// The real binary, with a home of its own (so no one's config is read).
fn watchroom(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_watchroom"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("WATCHROOM_KEY_FILE")
        .output()
        .unwrap()
}

#[test]
fn the_command_refuses_bad_dates_and_touches_nothing() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("never.db");
    let db = db.to_str().unwrap();
    for (from, to, says) in [
        (
            "2026-02-30",
            "2026-03-31",
            "“2026-02-30” is not a date (YYYY-MM-DD",
        ),
        ("2026-01-01", "30/06/2026", "“30/06/2026” is not a date"),
        (
            "2026-07-01",
            "2026-06-30",
            "starts (2026-07-01) after it ends (2026-06-30)",
        ),
    ] {
        let out = watchroom(
            home.path(),
            &["--db", db, "report", "--from", from, "--to", to],
        );
        assert!(!out.status.success(), "{from} {to}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert!(out.stdout.is_empty());
    }
    // a format it does not know
    let out = watchroom(
        home.path(),
        &[
            "--db",
            db,
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--format",
            "pdf",
        ],
    );
    assert!(!out.status.success());
    // a good request on a store that is not there
    let out = watchroom(
        home.path(),
        &[
            "--db",
            db,
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no store at"));
    assert!(!Path::new(db).exists(), "no store was made");
}

#[test]
fn the_command_writes_each_format_to_stdout_or_a_file() {
    let town = town();
    let home = tempfile::tempdir().unwrap();
    let db = town.path.to_str().unwrap().to_string();
    let period = ["--from", "2026-01-01", "--to", "2026-06-30"];
    let run = |extra: &[&str]| {
        let mut args = vec!["--db", db.as_str(), "report"];
        args.extend(period);
        args.extend(extra);
        let out = watchroom(home.path(), &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // JSON: the same figures as the store gives (made today, not on the test's day)
    let mut back: Report = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let expected = town.report();
    back.period.made_on = expected.period.made_on;
    assert_eq!(back, expected);
    // Markdown is the default
    let md = run(&[]);
    assert!(
        md.starts_with("## Statistics: 1 January 2026 to 30 June 2026"),
        "{md}"
    );
    assert!(md.contains("| theft | 4 | 50% | £47.99 | £13.00 |"));
    // CSV into a file
    let file = home.path().join("report.csv");
    let said = run(&["--format", "csv", "--out", file.to_str().unwrap()]);
    assert_eq!(said.trim(), format!("written: {}", file.display()));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("section,figure,group,month,value\n"),
        "{text}"
    );
    assert!(text.contains("incidents,incidents,,,8\n"));
    // reading made no audit records: a report changes nothing
    let c = Connection::open(&town.path).unwrap();
    let before: i64 = c
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    run(&[]);
    let after: i64 = c
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(before, after);
}
