//! The radio network's exports on real store files made from empty: the
//! radio log and the roll-calls as CSV and JSON, and a day's net log as a
//! PDF read back, each kept to its period (days on the scheme's clock),
//! redacted when asked, and audited with the reason. The real binary is
//! driven with a manager's PIN on standard input.

mod support;

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::*;
use watchroom::domain::pin::PinPolicy;
use watchroom::domain::rollcall::{Answer, Step};
use watchroom::io::export::{run_export, ExportFormat, ExportKind, ExportOutcome, ExportRequest};
use watchroom::store::Store;

const MANAGER: &str = "Dana Chief";
const PIN: &str = "246813";
const WHY: &str = "police request ref CB-2026-114";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A roll-call begun at `at`, each answer given in turn, saved if `save`.
fn roll_call(s: &mut Store, op: i64, at: DateTime<Utc>, answers: &[Answer], save: bool) -> i64 {
    let mut open = s.start_roll_call(false, op, at).unwrap();
    for a in answers {
        let step = Step::Answer(a.clone());
        let seq = open.rollcall.steps.len();
        open.rollcall.apply(step.clone()).unwrap();
        s.record_roll_call_step(open.id, seq, &step, op, at + mins(1))
            .unwrap();
    }
    if save {
        s.finish_roll_call(&open, op, at + mins(20)).unwrap();
    }
    open.id
}

/// A scheme made from empty with four radios at The Old Bell, a person on
/// the register, and around 20 November 2026 (GMT, so local is UTC):
/// radio traffic on the 19th, 20th and 21st, a roll-call on the 19th, and
/// on the 20th one saved then amended (a late check-in, a correction) and
/// one voided.
struct Scheme {
    dir: tempfile::TempDir,
    path: PathBuf,
    /// The roll-calls of the 20th: the one kept and the void one.
    kept: i64,
    void: i64,
}

fn scheme() -> Scheme {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(
        dir.path(),
        MANAGER,
        "The Old Bell",
        &["MS01", "MS02", "MS03", "MS04"],
    );
    register(&path, "Darren Hollis", "Daz", &[], None);
    let mut s = Store::open(&path).unwrap();
    let manager = s.operator_by_name(MANAGER).unwrap().unwrap().id;
    s.set_pin(manager, PIN, &PinPolicy::default(), None, now())
        .unwrap();
    let cleo = s
        .operator_or_add("Cleo Desk", "coordinator", now())
        .unwrap()
        .id;
    // logged out of the order of time: the export goes by when, not by number
    for (on, when) in [
        (false, "2026-11-19T23:30:00Z"),
        (true, "2026-11-20T08:00:00Z"),
        (false, "2026-11-20T17:00:00Z"),
    ] {
        s.sign_radio("MS01", on, cleo, at(when)).unwrap();
    }
    s.log_radio(
        "MS02",
        "Darren Hollis heading to the market, Daz with him",
        cleo,
        at("2026-11-20T09:15:00Z"),
    )
    .unwrap();
    s.log_radio("MS03", "all quiet", cleo, at("2026-11-21T00:30:00Z"))
        .unwrap();

    let five = Answer::Heard(5);
    roll_call(
        &mut s,
        cleo,
        at("2026-11-19T19:00:00Z"),
        &vec![five.clone(); 4],
        true,
    );
    let nothing = Answer::NothingHeard;
    let kept = roll_call(
        &mut s,
        cleo,
        at("2026-11-20T19:00:00Z"),
        // MS03 and MS04 silent, and again on the re-call
        &[
            vec![five.clone(), Answer::RelayedVia("MS01".into())],
            vec![nothing; 4],
        ]
        .concat(),
        true,
    );
    s.amend_saved_roll_call(
        kept,
        &Step::Late {
            call_sign: "MS03".into(),
            answer: Answer::Heard(4),
        },
        cleo,
        at("2026-11-20T19:40:00Z"),
    )
    .unwrap();
    s.amend_saved_roll_call(
        kept,
        &Step::Correct {
            call_sign: "MS01".into(),
            answer: Answer::Heard(3),
        },
        cleo,
        at("2026-11-20T19:45:00Z"),
    )
    .unwrap();
    let void = roll_call(&mut s, cleo, at("2026-11-20T21:00:00Z"), &[five], false);
    s.void_roll_call(void, "started by mistake", cleo, at("2026-11-20T21:05:00Z"))
        .unwrap();
    Scheme {
        dir,
        path,
        kept,
        void,
    }
}

fn request(
    kind: ExportKind,
    format: ExportFormat,
    from: &str,
    to: &str,
    out: &Path,
) -> ExportRequest {
    ExportRequest {
        kind,
        from: day(from),
        to: day(to),
        tz: chrono_tz::Europe::London,
        format,
        why: WHY.into(),
        redact: false,
        out: Some(out.to_path_buf()),
        scheme: "Castlebrook BCRP".into(),
    }
}

fn export(db: &Path, req: &ExportRequest) -> ExportOutcome {
    let mut store = Store::open(db).unwrap();
    let manager = store.operator_by_name(MANAGER).unwrap().unwrap().id;
    run_export(&mut store, req, manager, now()).unwrap()
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

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The column named `name` of each row.
fn column(header: &[String], rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = header.iter().position(|h| h == name).unwrap();
    rows.iter().map(|r| r[i].clone()).collect()
}

/// Each page's text, whitespace collapsed, all pages joined.
fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"%PDF-"),
        "{} is not a PDF",
        path.display()
    );
    let doc = lopdf::Document::load_mem(&bytes).expect("a valid PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The newest `n` audit records, newest first.
fn audit(db: &Path, n: usize) -> Vec<watchroom::store::audit::AuditRecord> {
    Store::open(db).unwrap().recent_audit(None, n).unwrap()
}

fn audit_count(db: &Path) -> i64 {
    Store::open(db).unwrap().audit_count().unwrap()
}

/// How many exports the audit trail records (the binary's sign-in is
/// audited too).
fn exports(db: &Path) -> i64 {
    count(db, "SELECT COUNT(*) FROM audit WHERE action = 'export'")
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("scheme.db") && n != "watchroom.log")
        .collect()
}

#[test]
fn the_radio_log_exports_the_days_lines_oldest_first_as_csv_and_json() {
    let t = scheme();
    let before = audit_count(&t.path);
    let csv_path = t.dir.path().join("log.csv");
    let out = export(
        &t.path,
        &request(
            ExportKind::RadioLog,
            ExportFormat::Csv,
            "2026-11-20",
            "2026-11-20",
            &csv_path,
        ),
    );
    assert_eq!(out.rows, 3);
    let (header, rows) = parse_csv(&csv_path);
    assert_eq!(
        header,
        [
            "id",
            "at",
            "local",
            "call_sign",
            "event",
            "message",
            "logged_by"
        ]
    );
    assert_eq!(
        column(&header, &rows, "at"),
        [
            "2026-11-20T08:00:00Z",
            "2026-11-20T09:15:00Z",
            "2026-11-20T17:00:00Z"
        ],
        "the day's lines and only those, oldest first"
    );
    assert_eq!(
        column(&header, &rows, "local"),
        [
            "2026-11-20T08:00:00+00:00",
            "2026-11-20T09:15:00+00:00",
            "2026-11-20T17:00:00+00:00"
        ]
    );
    assert_eq!(
        column(&header, &rows, "call_sign"),
        ["MS01", "MS02", "MS01"]
    );
    assert_eq!(column(&header, &rows, "event"), ["sign-on", "", "sign-off"]);
    assert_eq!(
        column(&header, &rows, "message"),
        [
            "signing on",
            "Darren Hollis heading to the market, Daz with him",
            "signing off"
        ]
    );
    assert_eq!(column(&header, &rows, "logged_by"), ["Cleo Desk"; 3]);
    let notice = std::fs::read_to_string(out.notice_path.unwrap()).unwrap();
    assert!(notice.contains("watchroom export of radio-log"), "{notice}");
    assert!(notice.contains("3 line(s)"), "{notice}");
    assert!(
        notice.contains("may name people on the register"),
        "{notice}"
    );

    let json_path = t.dir.path().join("log.json");
    let out = export(
        &t.path,
        &request(
            ExportKind::RadioLog,
            ExportFormat::Json,
            "2026-11-19",
            "2026-11-20",
            &json_path,
        ),
    );
    assert!(out.notice_path.is_none());
    let doc = json(&json_path);
    assert_eq!(doc["contents"], "radio-log");
    assert_eq!(doc["count"], 4, "the 19th's sign-off too");
    let first = &doc["rows"][0];
    assert_eq!(first["at"], "2026-11-19T23:30:00Z");
    assert_eq!(first["local"], "2026-11-19T23:30:00+00:00");
    assert_eq!(first["event"], "sign-off");
    assert_eq!(
        doc["rows"][2]["message"],
        "Darren Hollis heading to the market, Daz with him"
    );
    assert!(doc["notice"].as_str().unwrap().contains("oldest first"));

    // one audit record each: what, how many, the period, the reason; no message
    assert_eq!(audit_count(&t.path), before + 2);
    for (a, (n, format, from)) in audit(&t.path, 2)
        .iter()
        .zip([(4, "json", "2026-11-19"), (3, "csv", "2026-11-20")])
    {
        assert_eq!(
            (a.action.code(), a.entity.as_str()),
            ("export", "radio-log")
        );
        assert_eq!(a.operator, MANAGER);
        assert!(
            a.detail.starts_with(&format!("{n} lines (")) && a.detail.contains(format),
            "{}",
            a.detail
        );
        assert!(
            a.detail.contains(&format!("{from} to 2026-11-20")),
            "{}",
            a.detail
        );
        assert!(a.detail.contains(&format!("why: {WHY}")), "{}", a.detail);
        assert!(!a.detail.contains("Hollis"), "{}", a.detail);
    }
}

#[test]
fn a_day_is_the_schemes_day_not_utcs() {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), MANAGER, "The Old Bell", &["MS01"]);
    let mut s = Store::open(&path).unwrap();
    let op = s.operator_by_name(MANAGER).unwrap().unwrap().id;
    // half past midnight on 21 July in British Summer Time
    s.log_radio("MS01", "closing up", op, at("2026-07-20T23:30:00Z"))
        .unwrap();
    drop(s);
    let out = dir.path().join("20.json");
    export(
        &path,
        &request(
            ExportKind::RadioLog,
            ExportFormat::Json,
            "2026-07-20",
            "2026-07-20",
            &out,
        ),
    );
    assert_eq!(json(&out)["count"], 0);
    let out = dir.path().join("21.json");
    export(
        &path,
        &request(
            ExportKind::RadioLog,
            ExportFormat::Json,
            "2026-07-21",
            "2026-07-21",
            &out,
        ),
    );
    let doc = json(&out);
    assert_eq!(doc["count"], 1);
    assert_eq!(doc["rows"][0]["at"], "2026-07-20T23:30:00Z");
    assert_eq!(doc["rows"][0]["local"], "2026-07-21T00:30:00+01:00");
}

#[test]
fn redacting_takes_a_register_name_out_of_a_radio_message() {
    let t = scheme();
    let path = t.dir.path().join("log.csv");
    let mut req = request(
        ExportKind::RadioLog,
        ExportFormat::Csv,
        "2026-11-20",
        "2026-11-20",
        &path,
    );
    req.redact = true;
    let out = export(&t.path, &req);
    let (header, rows) = parse_csv(&path);
    assert_eq!(
        column(&header, &rows, "message")[1],
        "[removed] heading to the market, [removed] with him"
    );
    let all = std::fs::read_to_string(&path).unwrap();
    assert!(!all.contains("Hollis") && !all.contains("Daz"), "{all}");
    let notice = std::fs::read_to_string(out.notice_path.unwrap()).unwrap();
    assert!(notice.contains("Names redacted"), "{notice}");
    let last = &audit(&t.path, 1)[0];
    assert!(last.detail.contains("redacted"), "{}", last.detail);
}

#[test]
fn roll_calls_export_a_row_per_station_with_late_corrected_and_void_marked() {
    let t = scheme();
    let before = audit_count(&t.path);
    let path = t.dir.path().join("calls.csv");
    let out = export(
        &t.path,
        &request(
            ExportKind::RollCalls,
            ExportFormat::Csv,
            "2026-11-20",
            "2026-11-20",
            &path,
        ),
    );
    assert_eq!(out.rows, 2, "the 20th's two roll-calls, not the 19th's");
    let (header, rows) = parse_csv(&path);
    assert_eq!(rows.len(), 8, "four stations each");
    let col = |name: &str| column(&header, &rows, name);
    let kept = t.kept.to_string();
    let void = t.void.to_string();
    assert_eq!(
        col("roll_call_id"),
        [&kept, &kept, &kept, &kept, &void, &void, &void, &void].map(String::clone)
    );
    assert_eq!(col("call_sign")[..4], ["MS01", "MS02", "MS03", "MS04"]);
    assert_eq!(col("member")[0], "The Old Bell");
    assert_eq!(
        col("answer")[..4],
        ["3 of 5", "relayed via MS01", "4 of 5", "nothing heard"]
    );
    assert_eq!(col("readability")[..4], ["3", "", "4", ""]);
    assert_eq!(col("relayed_via")[..4], ["", "MS01", "", ""]);
    assert_eq!(col("late")[..4], ["no", "no", "yes", "no"]);
    assert_eq!(col("corrected")[..4], ["yes", "no", "no", "no"]);
    assert_eq!(col("replaced")[..4], ["5 loud and clear", "", "", ""]);
    assert_eq!(col("kind")[0], "real");
    assert_eq!(col("started_at")[0], "2026-11-20T19:00:00Z");
    assert_eq!(col("saved_at")[0], "2026-11-20T19:20:00Z");
    assert_eq!(
        (col("started_by")[0].as_str(), col("saved_by")[0].as_str()),
        ("Cleo Desk", "Cleo Desk")
    );
    assert_eq!(col("void_reason")[0], "");
    // the void one: marked so, with why, its one answer and the rest not reached
    assert_eq!(col("kind")[4..], ["void"; 4]);
    assert_eq!(col("void_reason")[4], "started by mistake");
    assert_eq!(col("voided_at")[4], "2026-11-20T21:05:00Z");
    assert_eq!(col("saved_at")[4], "", "ended by the void, never saved");
    assert_eq!(
        col("answer")[4..],
        [
            "5 loud and clear",
            "not answered",
            "not answered",
            "not answered"
        ]
    );

    let json_path = t.dir.path().join("calls.json");
    export(
        &t.path,
        &request(
            ExportKind::RollCalls,
            ExportFormat::Json,
            "2026-11-20",
            "2026-11-20",
            &json_path,
        ),
    );
    let doc = json(&json_path);
    assert_eq!(doc["count"], 2);
    let rc = &doc["rows"][0];
    assert_eq!(rc["id"], t.kept);
    assert_eq!(rc["kind"], "real");
    assert!(rc["void"].is_null());
    let s = &rc["summary"];
    assert_eq!(
        (
            s["expected"].as_u64(),
            s["answered"].as_u64(),
            s["relayed"].as_u64()
        ),
        (Some(4), Some(3), Some(1))
    );
    assert_eq!(
        (
            s["nothing_heard"].as_u64(),
            s["late"].as_u64(),
            s["corrected"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let stations = rc["stations"].as_array().unwrap();
    assert_eq!(stations.len(), 4);
    assert_eq!(stations[0]["corrected"], true);
    assert_eq!(stations[0]["replaced"], "5 loud and clear");
    assert_eq!(stations[1]["relayed_via"], "MS01");
    assert_eq!(stations[2]["late"], true);
    assert_eq!(doc["rows"][1]["kind"], "void");
    assert_eq!(doc["rows"][1]["void"]["reason"], "started by mistake");
    assert_eq!(doc["rows"][1]["void"]["by"], "Cleo Desk");

    assert_eq!(audit_count(&t.path), before + 2);
    let a = &audit(&t.path, 2)[1];
    assert_eq!(
        (a.action.code(), a.entity.as_str()),
        ("export", "roll-calls")
    );
    assert!(
        a.detail.starts_with("2 roll-calls (8 stations, 1 void)")
            && a.detail.contains(&format!("why: {WHY}")),
        "{}",
        a.detail
    );
}

#[test]
fn a_store_made_in_bulk_exports_its_roll_calls_from_their_answers() {
    // the demo's month of roll-calls keeps each station's answer and no roster or steps
    let (dir, db) = demo_store();
    let out = dir.path().join("week.json");
    let mut store = Store::open(&db).unwrap();
    let manager = store
        .operator_by_name(watchroom::store::demo::DEMO_OPERATOR)
        .unwrap()
        .unwrap()
        .id;
    run_export(
        &mut store,
        &request(
            ExportKind::RollCalls,
            ExportFormat::Json,
            "2026-11-20",
            "2026-11-26",
            &out,
        ),
        manager,
        now(),
    )
    .unwrap();
    let doc = json(&out);
    let calls = doc["rows"].as_array().unwrap();
    assert_eq!(calls.len(), 7, "one a night");
    for rc in calls {
        let id = rc["id"].as_i64().unwrap();
        let answers = count(
            &db,
            &format!("SELECT COUNT(*) FROM roll_call_answers WHERE roll_call_id = {id}"),
        );
        let stations = rc["stations"].as_array().unwrap();
        assert!(answers > 10);
        assert_eq!(stations.len() as i64, answers, "{rc}");
        assert!(stations
            .iter()
            .all(|s| s["call_sign"].as_str().is_some_and(|c| !c.is_empty())
                && s["answer"] != "not answered"));
        let heard = stations
            .iter()
            .filter(|s| s["readability"].is_u64() || s["relayed_via"].is_string())
            .count();
        assert_eq!(
            rc["summary"]["answered"].as_u64(),
            Some(heard as u64),
            "{rc}"
        );
    }
}

#[test]
fn the_net_log_pdf_holds_the_days_lines_and_roll_calls_and_is_audited() {
    let t = scheme();
    {
        let mut s = Store::open(&t.path).unwrap();
        let manager = s.operator_by_name(MANAGER).unwrap().unwrap().id;
        s.set_scheme_details(
            watchroom::domain::document::SchemeDetails {
                name: "Castlebrook BCRP".into(),
                ..Default::default()
            },
            manager,
            now(),
        )
        .unwrap();
    }
    let before = exports(&t.path);
    let out = t.dir.path().join("net.pdf");
    let (ok, stdout, stderr) = run_binary(
        &t.path,
        MANAGER,
        PIN,
        &[
            "export",
            "net-log",
            "--day",
            "2026-11-20",
            "--why",
            "radio committee",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("(3 lines)"), "{stdout}");
    let text = pdf_text(&out);
    for want in [
        "Net log, Friday 20 November 2026",
        "Castlebrook BCRP",
        "08:00:00 MS01: signing on (sign-on)",
        "09:15:00 MS02: Darren Hollis heading to the market",
        "17:00:00 MS01: signing off (sign-off)",
        &format!("Roll-call {}, begun 19:00:00 by Cleo Desk", t.kept),
        "3 of 4 answered · 1 relayed · 1 nothing heard · 1 late · 1 corrected",
        "MS01 The Old Bell (Market Square): 3 of 5, corrected (was 5 loud and clear)",
        "MS03 The Old Bell (Market Square): 4 of 5, late",
        &format!("Roll-call {} (void), begun 21:00:00", t.void),
        "Voided before it was saved. 1 of 4 answered",
        "started by mistake",
        "radio committee",
    ] {
        assert!(text.contains(want), "{want:?} not in {text}");
    }
    assert!(!text.contains("all quiet"), "the 21st's line: {text}");
    assert!(!text.contains("23:30"), "the 19th's line: {text}");
    // the log comes before the roll-calls, each in the order of the day
    let place = |s: &str| text.find(s).unwrap();
    assert!(place("08:00:00 MS01") < place("09:15:00 MS02"));
    assert!(place("09:15:00 MS02") < place("17:00:00 MS01"));
    assert!(place("17:00:00 MS01") < place("begun 19:00:00"));

    assert_eq!(exports(&t.path), before + 1);
    let a = &audit(&t.path, 1)[0];
    assert_eq!(
        (a.action.code(), a.entity.as_str(), a.operator.as_str()),
        ("export", "net-log", MANAGER)
    );
    assert!(
        a.detail
            .starts_with("3 lines (2 roll-calls), 2026-11-20 to 2026-11-20, pdf")
            && a.detail.ends_with("why: radio committee"),
        "{}",
        a.detail
    );

    // redacted, named for its day by default
    let (ok, stdout, stderr) = run_binary(
        &t.path,
        MANAGER,
        PIN,
        &[
            "export",
            "net-log",
            "--day",
            "2026-11-20",
            "--redact",
            "--why",
            "members' briefing",
        ],
    );
    assert!(ok, "{stderr}");
    let named = t.dir.path().join("net-log-2026-11-20-redacted.pdf");
    assert!(
        stdout.contains("net-log-2026-11-20-redacted.pdf"),
        "{stdout}"
    );
    let text = pdf_text(&named);
    assert!(
        text.contains("09:15:00 MS02: [removed] heading to the market"),
        "{text}"
    );
    assert!(!text.contains("Hollis") && !text.contains("Daz"), "{text}");
}

#[test]
fn a_refused_export_writes_and_audits_nothing() {
    let t = scheme();
    let before = audit_count(&t.path);
    let files = files_in(t.dir.path());
    let day = ["--day", "2026-11-20"];
    let refused = |args: &[&str], says: &str| {
        let (ok, _, stderr) = run_binary(&t.path, MANAGER, PIN, args);
        assert!(!ok && stderr.contains(says), "{args:?}: {stderr}");
    };
    refused(
        &["export", "radio-log", day[0], day[1], "--why", "  "],
        "say why the export is made",
    );
    for (args, says) in [
        (
            "export roll-calls --day 2026-11-20 --why x --format pdf",
            "PDF is for a day's net log",
        ),
        (
            "export net-log --day 2026-11-20 --why x --format csv",
            "a net log is made as PDF only",
        ),
        (
            "export net-log --from 2026-11-19 --to 2026-11-20 --why x",
            "a net log is one day's",
        ),
        (
            "export radio-log --from 2026-11-20 --to 2026-11-19 --why x",
            "the period ends (2026-11-19) before it starts (2026-11-20)",
        ),
        (
            "export radio-log --day 2026-11-20 --to 2026-11-20 --why x",
            "cannot be used with",
        ),
    ] {
        refused(&args.split(' ').collect::<Vec<_>>(), says);
    }
    // all refused before the PIN is asked: not even a sign-in is recorded
    assert_eq!(audit_count(&t.path), before);
    let exported = exports(&t.path);
    let folder = t.dir.path().join("exports");
    std::fs::create_dir(&folder).unwrap();
    let out = ["--out", folder.to_str().unwrap()];
    refused(
        &[
            "export", "net-log", day[0], day[1], "--why", "x", out[0], out[1],
        ],
        "is a folder",
    );
    // and in the library: no reason, no file, no record
    let mut store = Store::open(&t.path).unwrap();
    let manager = store.operator_by_name(MANAGER).unwrap().unwrap().id;
    let mut req = request(
        ExportKind::NetLog,
        ExportFormat::Pdf,
        "2026-11-20",
        "2026-11-20",
        &t.dir.path().join("net.pdf"),
    );
    req.why = " \t".into();
    let err = run_export(&mut store, &req, manager, now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("say why the export is made"), "{err}");
    drop(store);

    assert_eq!(exports(&t.path), exported);
    let mut expected = files;
    expected.insert("exports".into());
    assert_eq!(files_in(t.dir.path()), expected);
    assert!(std::fs::read_dir(&folder).unwrap().next().is_none());
}
