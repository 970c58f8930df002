//! Exports on real store files: CSV and JSON that parse back, the period kept
//! to, redaction that leaves no name on the register anywhere in the output,
//! files readable by their owner only and never half-written, and an audit
//! record with the reason. The real binary is driven with a manager's PIN on
//! standard input.

mod support;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use support::*;
use watchroom::io::export::{run_export, ExportFormat, ExportKind, ExportOutcome, ExportRequest};
use watchroom::store::demo::DEMO_OPERATOR;
use watchroom::store::Store;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn utc(s: &str) -> i64 {
    Utc.from_utc_datetime(&day(s).and_hms_opt(0, 0, 0).unwrap())
        .timestamp()
}

fn request(
    kind: ExportKind,
    format: ExportFormat,
    from: &str,
    to: &str,
    out: PathBuf,
) -> ExportRequest {
    ExportRequest {
        kind,
        from: day(from),
        to: day(to),
        tz: chrono_tz::Europe::London,
        format,
        why: "police request ref CB-2026-114".into(),
        redact: false,
        out: Some(out),
        scheme: "Castlebrook BCRP".into(),
    }
}

fn export(db: &Path, req: &ExportRequest) -> ExportOutcome {
    let mut store = Store::open(db).unwrap();
    let manager = store.operator_by_name(DEMO_OPERATOR).unwrap().unwrap().id;
    run_export(&mut store, req, manager, now()).unwrap()
}

fn ids(db: &Path, sql: &str) -> Vec<i64> {
    let c = Connection::open(db).unwrap();
    let mut st = c.prepare(sql).unwrap();
    let rows = st.query_map([], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Nothing but the finished files in the folder: no temporary leftovers.
fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("demo.db") && n != "watchroom.log")
        .collect()
}

fn parse_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn incidents_export_as_csv_and_json_parse_back_and_keep_to_the_period() {
    let (dir, db) = demo_store();
    let expected = ids(
        &db,
        &format!(
            "SELECT id FROM incidents WHERE opened_at >= {} AND opened_at < {} ORDER BY opened_at, id",
            utc("2026-11-01"),
            utc("2026-11-21")
        ),
    );
    assert!(expected.len() > 50, "the demo has November incidents");
    let audit_before = Store::open(&db).unwrap().audit_count().unwrap();

    let csv_path = dir.path().join("nov.csv");
    let out = export(
        &db,
        &request(
            ExportKind::Incidents,
            ExportFormat::Csv,
            "2026-11-01",
            "2026-11-20",
            csv_path.clone(),
        ),
    );
    assert_eq!(out.rows, expected.len());
    let (header, rows) = parse_csv(&csv_path);
    assert_eq!(
        header,
        [
            "id",
            "opened_at",
            "closed_at",
            "kind",
            "priority",
            "status",
            "zone",
            "member",
            "place",
            "summary",
            "police_ref",
            "loss_pence",
            "recovery_pence",
            "close_reason",
            "source",
            "offender_ids",
            "offenders"
        ]
    );
    let got: Vec<i64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(
        got, expected,
        "every incident of the period, and only those"
    );
    for r in &rows {
        let opened = DateTime::parse_from_rfc3339(&r[1]).unwrap().timestamp();
        assert!(
            opened >= utc("2026-11-01") && opened < utc("2026-11-21"),
            "{r:?}"
        );
        assert!(!r[8].is_empty(), "every incident has a place label: {r:?}");
    }
    // an incident that names someone gives their record number and name
    let named = rows
        .iter()
        .find(|r| !r[15].is_empty())
        .expect("some incident names someone");
    let id: i64 = named[15].split("; ").next().unwrap().parse().unwrap();
    let name: String = Connection::open(&db)
        .unwrap()
        .query_row("SELECT name FROM offenders WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(named[16].contains(&name), "{named:?}");

    // the CSV says what it holds in a companion file
    let notice = out.notice_path.clone().unwrap();
    assert_eq!(notice, dir.path().join("nov.notice.txt"));
    let text = std::fs::read_to_string(&notice).unwrap();
    assert!(text.contains("watchroom export of incidents"), "{text}");
    assert!(
        text.contains("Period 2026-11-01 to 2026-11-20 inclusive (Europe/London)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{} row(s)", expected.len())),
        "{text}"
    );
    assert!(
        text.contains("police request ref CB-2026-114") && text.contains("criminal-offence data"),
        "{text}"
    );
    assert!(text.contains("Not redacted"), "{text}");
    assert_eq!((mode(&csv_path), mode(&notice)), (0o600, 0o600));

    let json_path = dir.path().join("nov.json");
    let out = export(
        &db,
        &request(
            ExportKind::Incidents,
            ExportFormat::Json,
            "2026-11-01",
            "2026-11-20",
            json_path.clone(),
        ),
    );
    assert!(out.notice_path.is_none());
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert!(doc["notice"]
        .as_str()
        .unwrap()
        .contains("incidents opened in the period"));
    assert_eq!(doc["contents"], "incidents");
    assert_eq!(doc["period"]["from"], "2026-11-01");
    assert_eq!(doc["period"]["to"], "2026-11-20");
    assert_eq!(doc["why"], "police request ref CB-2026-114");
    assert_eq!(doc["redacted"], false);
    assert_eq!(doc["count"], expected.len());
    let got: Vec<i64> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(mode(&json_path), 0o600);
    assert_eq!(
        files_in(dir.path()),
        ["nov.csv", "nov.json", "nov.notice.txt"]
            .map(String::from)
            .into(),
        "no temporary file left behind"
    );

    // each export audited: who, why, how many; no names
    let store = Store::open(&db).unwrap();
    assert_eq!(store.audit_count().unwrap(), audit_before + 2);
    let audit = store.recent_audit(None, 2).unwrap();
    for (a, fmt) in audit.iter().zip(["json", "csv"]) {
        assert_eq!(
            (a.action.code(), a.entity.as_str(), a.operator.as_str()),
            ("export", "incidents", DEMO_OPERATOR)
        );
        assert!(
            a.detail.contains(&format!("{} rows", expected.len())),
            "{}",
            a.detail
        );
        assert!(
            a.detail.contains(fmt) && a.detail.contains("2026-11-01 to 2026-11-20"),
            "{}",
            a.detail
        );
        assert!(
            a.detail.contains("why: police request ref CB-2026-114"),
            "{}",
            a.detail
        );
        assert!(!a.detail.contains(&name), "{}", a.detail);
    }
}

#[test]
fn sightings_export_keeps_to_the_period() {
    let (dir, db) = demo_store();
    let expected = ids(
        &db,
        &format!(
            "SELECT id FROM sightings WHERE at >= {} AND at < {} ORDER BY at, id",
            utc("2026-11-20"),
            utc("2026-11-27")
        ),
    );
    assert!(!expected.is_empty());
    let path = dir.path().join("s.csv");
    export(
        &db,
        &request(
            ExportKind::Sightings,
            ExportFormat::Csv,
            "2026-11-20",
            "2026-11-26",
            path.clone(),
        ),
    );
    let (header, rows) = parse_csv(&path);
    assert_eq!(
        header,
        [
            "id",
            "at",
            "camera",
            "zone",
            "location",
            "offender_id",
            "offender",
            "description",
            "note",
            "incident_id"
        ]
    );
    let got: Vec<i64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(got, expected);
    assert!(
        rows.iter()
            .all(|r| !r[2].is_empty() && (!r[6].is_empty() || !r[7].is_empty())),
        "cameras named, and people named or described"
    );
    assert!(
        rows.iter().any(|r| r[6].is_empty() && !r[7].is_empty()),
        "someone not yet identified is exported with their description"
    );
}

#[test]
fn the_register_export_holds_the_people_added_or_active_in_the_period() {
    let (dir, db) = demo_store();
    let (from, to) = (utc("2026-11-13"), utc("2026-11-28"));
    let expected = ids(
        &db,
        &format!(
            "SELECT o.id FROM offenders o WHERE o.status <> 'merged' AND (
                (o.created_at >= {from} AND o.created_at < {to})
                OR EXISTS (SELECT 1 FROM incident_offenders io JOIN incidents i ON i.id = io.incident_id
                           WHERE io.offender_id = o.id AND i.opened_at >= {from} AND i.opened_at < {to})
                OR EXISTS (SELECT 1 FROM sightings s WHERE s.offender_id = o.id AND s.at >= {from} AND s.at < {to})
                OR EXISTS (SELECT 1 FROM exclusions e WHERE e.offender_id = o.id AND e.starts_at < {to}
                           AND MIN(e.ends_at, COALESCE(e.lifted_at, e.ends_at)) > {from}))
             ORDER BY o.id"
        ),
    );
    let everyone = ids(&db, "SELECT id FROM offenders ORDER BY id");
    assert!(
        !expected.is_empty() && expected.len() < everyone.len(),
        "the period picks some, not all"
    );

    let path = dir.path().join("register.json");
    export(
        &db,
        &request(
            ExportKind::Register,
            ExportFormat::Json,
            "2026-11-13",
            "2026-11-27",
            path.clone(),
        ),
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let rows = doc["rows"].as_array().unwrap();
    let got: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(got, expected);
    // counts in the period, and the exclusions in force in it
    for r in rows {
        let id = r["id"].as_i64().unwrap();
        let sightings = ids(
            &db,
            &format!("SELECT COUNT(*) FROM sightings WHERE offender_id = {id} AND at >= {from} AND at < {to}"),
        )[0];
        assert_eq!(r["sightings_in_period"].as_i64().unwrap(), sightings, "{r}");
        for e in r["exclusions"].as_array().unwrap() {
            let ends = DateTime::parse_from_rfc3339(e["ends_at"].as_str().unwrap())
                .unwrap()
                .timestamp();
            assert!(
                ends > from,
                "an exclusion over before the period is not listed: {e}"
            );
            assert!(!e["zones"].as_str().unwrap().is_empty());
        }
    }
    assert!(
        rows.iter()
            .any(|r| !r["exclusions"].as_array().unwrap().is_empty()),
        "someone excluded in the period"
    );
}

/// Every name the register holds, as the test sees it (names, aliases,
/// nicknames), lower-cased.
fn register_names(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT name FROM offenders UNION SELECT alias FROM offender_aliases UNION SELECT nicknames FROM offenders")
        .unwrap();
    let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
    let mut names: Vec<String> = rows
        .flat_map(|n| {
            n.unwrap()
                .split(',')
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn a_redacted_export_names_no_one_on_the_register_and_shows_no_photo() {
    let (dir, db) = demo_store();
    // free text naming people, a one-word alias and a nickname, and a photo
    let c = Connection::open(&db).unwrap();
    let (id, name): (i64, String) = c
        .query_row(
            "SELECT o.id, o.name FROM offenders o JOIN incident_offenders io ON io.offender_id = o.id
             JOIN incidents i ON i.id = io.incident_id WHERE o.kind = 'known' AND i.opened_at >= ?1
             ORDER BY o.id LIMIT 1",
            [utc("2026-09-01")],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let alias: String = c
        .query_row(
            "SELECT alias FROM offender_aliases ORDER BY rowid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    c.execute(
        "INSERT INTO offender_aliases (offender_id, alias) VALUES (?1, 'Dazzer')",
        [id],
    )
    .unwrap();
    c.execute(
        "UPDATE offenders SET nicknames = 'Shifty, Little Mo' WHERE id = ?1",
        [id],
    )
    .unwrap();
    c.execute(
        "UPDATE incidents SET summary = ?1 WHERE id = (SELECT MAX(id) FROM incidents WHERE opened_at >= ?2)",
        rusqlite::params![format!("{} seen with {alias}, also known as Dazzer", name.to_uppercase()), utc("2026-11-01")],
    )
    .unwrap();
    c.execute(
        "UPDATE sightings SET note = ?1, description = 'Shifty in a red cap' WHERE id = (SELECT MAX(id) FROM sightings)",
        [format!("walking with {name}")],
    )
    .unwrap();
    c.execute(
        "UPDATE offenders SET description = ?1 WHERE id = (SELECT MAX(id) FROM offenders WHERE kind = 'known')",
        [format!("brother of {name}; calls himself Little Mo")],
    )
    .unwrap();
    // a photo path as an older store may hold one, anywhere on the host
    c.execute(
        "UPDATE offenders SET photo_path = '/srv/photos/secret-still-7.png' WHERE id = ?1",
        [id],
    )
    .unwrap();
    drop(c);
    let names = register_names(&db);
    assert!(names.contains(&"dazzer".to_string()) && names.contains(&"little mo".to_string()));

    let mut outputs = vec![];
    // the radio network's exports are redacted in export_radio.rs
    for kind in [
        ExportKind::Incidents,
        ExportKind::Register,
        ExportKind::Sightings,
    ] {
        for format in [ExportFormat::Csv, ExportFormat::Json] {
            let path = dir
                .path()
                .join(format!("{}-redacted.{}", kind.code(), format.code()));
            let mut req = request(kind, format, "2026-08-01", "2026-11-27", path.clone());
            req.redact = true;
            req.why = format!("committee review, incl. the {name} case");
            let out = export(&db, &req);
            assert!(out.rows > 0, "{kind:?} has rows");
            assert!(out.notice.contains("Names redacted"), "{}", out.notice);
            outputs.push(std::fs::read_to_string(&path).unwrap());
            if let Some(n) = &out.notice_path {
                outputs.push(std::fs::read_to_string(n).unwrap());
            }
        }
    }
    for text in &outputs {
        let lower = text.to_lowercase();
        for n in &names {
            assert!(
                !lower.contains(n.as_str()),
                "“{n}” is in a redacted export:\n{text}"
            );
        }
        assert!(
            !text.contains("secret-still-7"),
            "a photo path in a redacted export"
        );
        assert!(text.contains("[removed]"));
    }

    // the same export without --redact does name them: the check above can fail
    let path = dir.path().join("register.json");
    export(
        &db,
        &request(
            ExportKind::Register,
            ExportFormat::Json,
            "2026-08-01",
            "2026-11-27",
            path.clone(),
        ),
    );
    let plain = std::fs::read_to_string(&path).unwrap();
    assert!(
        plain.contains(&name) && plain.contains("secret-still-7.png") && plain.contains("Dazzer")
    );

    // the reason stays whole in the audit trail, where it answers "why"
    let last = Store::open(&db)
        .unwrap()
        .recent_audit(None, 2)
        .unwrap()
        .remove(1);
    assert!(
        last.detail.contains("redacted") && last.detail.contains(&name),
        "{}",
        last.detail
    );
}

#[test]
fn an_export_without_a_reason_or_with_a_period_backwards_writes_and_audits_nothing() {
    let (dir, db) = demo_store();
    let mut store = Store::open(&db).unwrap();
    let manager = store.operator_by_name(DEMO_OPERATOR).unwrap().unwrap().id;
    let before = store.audit_count().unwrap();
    let path = dir.path().join("x.csv");
    let mut req = request(
        ExportKind::Incidents,
        ExportFormat::Csv,
        "2026-11-01",
        "2026-11-20",
        path.clone(),
    );
    req.why = "  \t ".into();
    let err = run_export(&mut store, &req, manager, now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("say why the export is made"), "{err}");
    let mut req = request(
        ExportKind::Incidents,
        ExportFormat::Csv,
        "2026-11-20",
        "2026-11-01",
        path.clone(),
    );
    let err = run_export(&mut store, &req, manager, now())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the period ends (2026-11-01) before it starts (2026-11-20)"),
        "{err}"
    );
    req.out = Some(dir.path().join("no-such-folder/x.csv"));
    req.to = day("2026-11-21");
    let err = run_export(&mut store, &req, manager, now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not exist"), "{err}");
    assert_eq!(store.audit_count().unwrap(), before);
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn the_binary_exports_for_a_manager_and_refuses_anyone_else() {
    let (dir, db) = demo_store();
    let period = ["--from", "2026-11-01", "--to", "2026-11-20"];
    let out = dir.path().join("nov.json");
    let mut args = vec![
        "export",
        "incidents",
        "--format",
        "json",
        "--why",
        "monthly figures",
    ];
    args.extend(period);
    args.extend(["--out", out.to_str().unwrap()]);
    let (ok, stdout, stderr) = run_binary(&db, DEMO_OPERATOR, "1234", &args);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains(&format!("written: {}", out.display())),
        "{stdout}"
    );
    assert_eq!(mode(&out), 0o600);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["prepared_by"], DEMO_OPERATOR);
    assert!(doc["count"].as_u64().unwrap() > 50);

    // CSV by default, named for what and when, with its notice beside it
    let mut args = vec!["export", "sightings", "--redact", "--why", "CCTV audit"];
    args.extend(period);
    let (ok, stdout, stderr) = run_binary(&db, DEMO_OPERATOR, "1234", &args);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("what the file contains"), "{stdout}");
    let csv_file = dir
        .path()
        .join("sightings-2026-11-01-to-2026-11-20-redacted.csv");
    let notice = dir
        .path()
        .join("sightings-2026-11-01-to-2026-11-20-redacted.notice.txt");
    assert_eq!((mode(&csv_file), mode(&notice)), (0o600, 0o600));
    let store = Store::open(&db).unwrap();
    let last = store.recent_audit(None, 1).unwrap().remove(0);
    assert_eq!(
        (last.action.code(), last.entity.as_str()),
        ("export", "sightings")
    );
    assert!(
        last.detail.contains("why: CCTV audit") && last.detail.contains("redacted"),
        "{}",
        last.detail
    );
    drop(store);

    // no reason: refused before the PIN is asked, nothing written
    let mut args = vec!["export", "register", "--why", " "];
    args.extend(period);
    let (ok, _, stderr) = run_binary(&db, DEMO_OPERATOR, "1234", &args);
    assert!(
        !ok && stderr.contains("say why the export is made"),
        "{stderr}"
    );

    // a viewer may not export; the refusal is audited and nothing written
    let before = files_in(dir.path());
    let mut args = vec!["export", "register", "--why", "curious"];
    args.extend(period);
    let (ok, _, stderr) = run_binary(&db, "Jo Lindqvist", "5678", &args);
    assert!(!ok);
    assert!(
        stderr.contains("refused: a viewer cannot export data (that needs: manager)"),
        "{stderr}"
    );
    assert_eq!(files_in(dir.path()), before);
    let last = Store::open(&db)
        .unwrap()
        .recent_audit(None, 1)
        .unwrap()
        .remove(0);
    assert_eq!(
        (last.action.code(), last.operator.as_str()),
        ("refused", "Jo Lindqvist")
    );
}
