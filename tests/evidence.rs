//! Evidence continuity through the real binary on a store made from empty:
//! an item added with its file's SHA-256, handed over and released, its
//! continuity statement read back from the PDF; a correction superseding an
//! entry with both kept; a release refused with no agreement in force and
//! counted in the report once one is; exports as CSV and JSON; every step
//! audited; roles that may not record refused. The binary runs on the real
//! clock, so times are typed relative to it.
//!
//! Over 800 lines: each test drives one exhibit through the binary from an
//! empty store, and they share its set-up; split, each file would repeat it.

mod support;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::path::{Path, PathBuf};
use support::*;
use watchroom::domain::governance::AgreementInput;
use watchroom::domain::pin::PinPolicy;
use watchroom::domain::sighting::NewSighting;
use watchroom::domain::{NewIncident, Priority};
use watchroom::store::sightings::HitRules;
use watchroom::store::Store;

const MANAGER: &str = "Rita Manager";
const CCTV: &str = "Priya Shah";
const VIEWER: &str = "Jo Lindqvist";
const OPERATOR: &str = "Sam Okafor";
const PIN: &str = "864297";
const TZ: chrono_tz::Tz = chrono_tz::Europe::London;

struct Scheme {
    _dir: tempfile::TempDir,
    path: PathBuf,
    incident: i64,
    manager: i64,
}

/// A store made from empty: a manager, CCTV staff and a viewer with PINs, a
/// camera, and an incident from an hour ago.
fn scheme() -> Scheme {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), MANAGER, "The Old Bell", &["MS01"]);
    let mut s = Store::open(&path).unwrap();
    let manager = s.operator_by_name(MANAGER).unwrap().unwrap().id;
    for (name, role) in [
        (MANAGER, "manager"),
        (CCTV, "cctv"),
        (VIEWER, "viewer"),
        (OPERATOR, "operator"),
    ] {
        let id = s.operator_or_add(name, role, now()).unwrap().id;
        s.set_pin(id, PIN, &PinPolicy::default(), None, now())
            .unwrap();
    }
    s.add_camera("Cam 3 Market Square", None, true, manager, now())
        .unwrap();
    s.add_camera("Cam 4 Bank Street", None, false, manager, now())
        .unwrap();
    let incident = s
        .create_incident(
            &NewIncident {
                kind: "theft".into(),
                priority: Priority::Medium,
                place: Default::default(),
                summary: "Two males took razors from the chemist".into(),
                opened_at: Utc::now() - Duration::hours(1),
            },
            manager,
            Utc::now(),
        )
        .unwrap()
        .id;
    Scheme {
        _dir: dir,
        path,
        incident,
        manager,
    }
}

/// A time this long ago on the scheme's clock, as typed.
fn ago(d: Duration) -> String {
    (Utc::now() - d)
        .with_timezone(&TZ)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn today() -> NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive()
}

fn run(path: &Path, who: &str, args: &[&str]) -> (bool, String, String) {
    run_binary(path, who, PIN, args)
}

fn ok(path: &Path, who: &str, args: &[&str]) -> String {
    let (done, out, err) = run(path, who, args);
    assert!(done, "{args:?}: {err}");
    out
}

fn refused(path: &Path, who: &str, args: &[&str]) -> String {
    let (done, out, err) = run(path, who, args);
    assert!(!done, "{args:?} should be refused: {out}");
    err
}

fn agreement(path: &Path, manager: i64, party: &str) -> i64 {
    Store::open(path)
        .unwrap()
        .add_agreement(
            &AgreementInput {
                party: party.into(),
                purpose: "prevention and detection of crime".into(),
                lawful_basis: "DPA 2018 s.35, law enforcement".into(),
                signed_on: today() - Duration::days(30),
                review_on: today() + Duration::days(300),
                ended_on: None,
            },
            manager,
            now(),
        )
        .unwrap()
}

fn add_item(sc: &Scheme, exhibit: &str, extra: &[&str]) -> String {
    let incident = sc.incident.to_string();
    let start = ago(Duration::minutes(50));
    let end = ago(Duration::minutes(40));
    let mut args = vec![
        "evidence",
        "add",
        exhibit,
        "--incident",
        &incident,
        "--camera",
        "Cam 3 Market Square",
        "--start",
        &start,
        "--end",
        &end,
    ];
    args.extend(extra);
    ok(&sc.path, CCTV, &args)
}

fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"%PDF"),
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

/// (action, detail) of every audit record about evidence, oldest first.
fn evidence_audit(path: &Path) -> Vec<(String, String)> {
    let c = raw(path);
    let mut st = c
        .prepare("SELECT action, detail FROM audit WHERE entity = 'evidence' ORDER BY id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn an_item_and_its_whole_trail_reach_the_continuity_statement() {
    let sc = scheme();
    agreement(&sc.path, sc.manager, "Kent Police");
    let clip = sc.path.parent().unwrap().join("cam3-clip.mp4");
    std::fs::write(&clip, b"not really video, but bytes all the same").unwrap();
    let sha = watchroom::domain::evidence::sha256_hex(&std::fs::read(&clip).unwrap());
    let out = add_item(
        &sc,
        "PS/1",
        &[
            "--copied-by",
            CCTV,
            "--medium",
            "usb",
            "--file",
            clip.to_str().unwrap(),
        ],
    );
    assert!(out.contains("exhibit PS/1 added on incident #"), "{out}");

    // within the control room first, then out to the police
    let at1 = ago(Duration::minutes(30));
    ok(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "handover",
            "PS/1",
            "--to",
            "Tom Baxter",
            "--org",
            "Castlebrook CCTV",
            "--why",
            "into the evidence safe",
            "--at",
            &at1,
            "--internal",
        ],
    );
    let at2 = ago(Duration::minutes(10));
    let out = ok(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "handover",
            "PS/1",
            "--to",
            "PC 4471 Reed",
            "--org",
            "kent police",
            "--why",
            "crime ref 46/12345/26",
            "--at",
            &at2,
        ],
    );
    assert!(out.contains("released to PC 4471 Reed"), "{out}");
    assert!(out.contains("under agreement #1 (Kent Police)"), "{out}");

    let list = ok(&sc.path, VIEWER, &["evidence", "list"]);
    assert!(
        list.contains("PS/1") && list.contains("held by PC 4471 Reed"),
        "{list}"
    );
    let show = ok(&sc.path, VIEWER, &["evidence", "show", "ps/1"]);
    assert!(show.contains(&sha), "{show}");
    let safe = show
        .find("into the evidence safe")
        .expect("internal handover");
    let police = show.find("crime ref 46/12345/26").expect("release");
    assert!(safe < police, "the trail is in order: {show}");

    let pdf = sc.path.parent().unwrap().join("PS-1.pdf");
    ok(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "statement",
            "PS/1",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let text = pdf_text(&pdf);
    for want in [
        "Continuity statement: exhibit PS/1",
        "Camera: Cam 3 Market Square",
        &format!("SHA-256 of the exported file: {sha}"),
        "Copied by: Priya Shah to USB drive",
        "Exported file: cam3-clip.mp4",
        "Handed to Tom Baxter (Castlebrook CCTV)",
        "Released to PC 4471 Reed (kent police)",
        "under information-sharing agreement #1 (Kent Police)",
        "Held now by: PC 4471 Reed (kent police)",
        "Signature:",
    ] {
        assert!(text.contains(want), "{want:?} not in the statement: {text}");
    }
    let (first, second) = (
        text.find("Handed to Tom Baxter").unwrap(),
        text.find("Released to PC 4471 Reed").unwrap(),
    );
    assert!(first < second, "the statement's trail is in order");

    let actions: Vec<String> = evidence_audit(&sc.path).into_iter().map(|a| a.0).collect();
    assert_eq!(
        actions,
        ["add", "handover", "release", "view", "document"],
        "every add, handover, release, show and statement is audited"
    );
    let (_, release) = &evidence_audit(&sc.path)[2];
    assert!(release.contains("under agreement #1"), "{release}");
    assert!(
        !release.contains("Reed"),
        "the audit line names the organisation only: {release}"
    );
}

#[test]
fn a_correction_supersedes_its_entry_and_the_trail_keeps_both() {
    let sc = scheme();
    add_item(&sc, "PS/2", &["--note", "shows both males leaving"]);
    let out = ok(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "correct",
            "PS/2",
            "--entry",
            "1",
            "--camera",
            "Cam 4 Bank Street",
            "--why",
            "wrong camera noted at first",
        ],
    );
    assert!(out.contains("entry 2 corrects entry 1"), "{out}");
    let s = Store::open(&sc.path).unwrap();
    let item = s.evidence_by_exhibit("PS/2").unwrap().unwrap();
    assert_eq!(item.entries.len(), 2, "both entries kept");
    assert_eq!(item.clip().unwrap().camera, "Cam 4 Bank Street");
    assert_eq!(item.clip().unwrap().note, "shows both males leaving");
    let show = ok(&sc.path, CCTV, &["evidence", "show", "PS/2"]);
    assert!(
        show.contains("Cam 3 Market Square") && show.contains("Corrected by entry 2"),
        "{show}"
    );
    assert!(
        show.contains("corrects entry 1 (why: wrong camera noted at first)"),
        "{show}"
    );

    // an entry already corrected is not corrected again, and the store
    // itself refuses an edit in place
    let err = refused(
        &sc.path,
        CCTV,
        &[
            "evidence", "correct", "PS/2", "--entry", "1", "--note", "x", "--why", "again",
        ],
    );
    assert!(err.contains("already been corrected"), "{err}");
    let edit = raw(&sc.path).execute(
        "UPDATE evidence_entries SET camera = 'Cam 9' WHERE id = 1",
        [],
    );
    assert!(edit.unwrap_err().to_string().contains("never changed"));
    let delete = raw(&sc.path).execute("DELETE FROM evidence_entries WHERE id = 1", []);
    assert!(delete.is_err());
    let actions: Vec<String> = evidence_audit(&sc.path).into_iter().map(|a| a.0).collect();
    assert_eq!(
        actions,
        ["add", "correct", "view"],
        "the correction is audited"
    );
}

#[test]
fn bad_clips_duplicate_exhibits_and_the_wrong_roles_are_refused() {
    let sc = scheme();
    let incident = sc.incident.to_string();
    let (start, end) = (ago(Duration::minutes(20)), ago(Duration::minutes(30)));
    let err = refused(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "add",
            "PS/3",
            "--incident",
            &incident,
            "--camera",
            "Cam 3 Market Square",
            "--start",
            &start,
            "--end",
            &end,
        ],
    );
    assert!(err.contains("end after it starts"), "{err}");
    let err = refused(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "add",
            "PS/3",
            "--incident",
            &incident,
            "--camera",
            "Cam 3",
            "--start",
            "yesterday",
            "--end",
            &end,
        ],
    );
    assert!(
        err.contains("start:") && err.contains("YYYY-MM-DD"),
        "{err}"
    );
    add_item(&sc, "PS/3", &[]);
    let (done, _, err) = run(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "add",
            "ps/3",
            "--incident",
            &incident,
            "--camera",
            "Cam 3 Market Square",
            "--start",
            &ago(Duration::minutes(50)),
            "--end",
            &ago(Duration::minutes(45)),
        ],
    );
    assert!(!done && err.contains("already used"), "{err}");

    for who in [VIEWER, OPERATOR] {
        let err = refused(
            &sc.path,
            who,
            &[
                "evidence",
                "handover",
                "PS/3",
                "--to",
                "x",
                "--org",
                "y",
                "--why",
                "z",
                "--internal",
            ],
        );
        assert!(err.contains("cannot record evidence items"), "{err}");
    }
    let err = refused(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "export",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--why",
            "x",
        ],
    );
    assert!(err.contains("cannot export data"), "{err}");
    let entries = count(&sc.path, "SELECT COUNT(*) FROM evidence_entries");
    assert_eq!(entries, 1, "nothing refused was written");
}

#[test]
fn a_release_needs_an_agreement_in_force_and_is_counted_in_the_report() {
    let sc = scheme();
    add_item(&sc, "PS/4", &[]);
    let release = |to: &str, org: &str, extra: &[&str]| {
        let at = ago(Duration::minutes(5));
        let mut args = vec![
            "evidence",
            "handover",
            "PS/4",
            "--to",
            to,
            "--org",
            org,
            "--why",
            "crime ref 1",
            "--at",
            &at,
        ];
        args.extend(extra);
        run(&sc.path, CCTV, &args)
    };
    let (done, _, err) = release("PC Reed", "Kent Police", &[]);
    assert!(!done);
    assert!(
        err.contains("no information-sharing agreement is in force on")
            && err.contains("watchroom agreement add"),
        "{err}"
    );
    assert_eq!(count(&sc.path, "SELECT COUNT(*) FROM evidence_entries"), 1);

    let police = agreement(&sc.path, sc.manager, "Kent Police");
    let insurer = agreement(&sc.path, sc.manager, "Castlebrook Council");
    // an organisation no agreement names: which one must be said
    let (done, _, err) = release("Ann Lee", "Acme Insurance", &[]);
    assert!(
        !done && err.contains("--agreement N") && err.contains("#2 Castlebrook Council"),
        "{err}"
    );
    let (done, _, err) = release("PC Reed", "Kent Police", &[]);
    assert!(done, "{err}");
    let (done, _, err) = release(
        "Ann Lee",
        "Acme Insurance",
        &["--agreement", &insurer.to_string()],
    );
    assert!(done, "{err}");
    // a handover kept in the room is no release
    let (done, _, err) = release("Tom Baxter", "Castlebrook CCTV", &["--internal"]);
    assert!(done, "{err}");

    let from = (today() - Duration::days(1)).to_string();
    let to = today().to_string();
    let csv = ok(
        &sc.path,
        CCTV,
        &["report", "--from", &from, "--to", &to, "--format", "csv"],
    );
    assert!(csv.contains("releases,releases,,,2"), "{csv}");
    assert!(
        csv.contains(&format!("releases,by_agreement,#{police} Kent Police,,1")),
        "{csv}"
    );
    assert!(
        csv.contains("releases,by_organisation,Acme Insurance,,1"),
        "{csv}"
    );
    let md = ok(&sc.path, CCTV, &["report", "--from", &from, "--to", &to]);
    assert!(md.contains("### Release of CCTV footage"), "{md}");
    assert!(md.contains("2 releases of 1 exhibit released"), "{md}");
    let json = ok(
        &sc.path,
        CCTV,
        &["report", "--from", &from, "--to", &to, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["releases"]["releases"], 2);

    // a period before the releases counts none
    let before = (today() - Duration::days(40)).to_string();
    let old = (today() - Duration::days(35)).to_string();
    let csv = ok(
        &sc.path,
        CCTV,
        &["report", "--from", &before, "--to", &old, "--format", "csv"],
    );
    assert!(csv.contains("releases,releases,,,0"), "{csv}");
}

#[test]
fn the_evidence_log_exports_as_csv_and_json_with_names_redacted_on_request() {
    let sc = scheme();
    let person = register(&sc.path, "Tyler Garside", "Ty", &[], None);
    assert!(person > 0);
    agreement(&sc.path, sc.manager, "Kent Police");
    add_item(
        &sc,
        "PS/5",
        &["--note", "Tyler Garside at the razor shelf, =HYPERLINK"],
    );
    ok(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "handover",
            "PS/5",
            "--to",
            "PC Reed",
            "--org",
            "Kent Police",
            "--why",
            "crime ref 7",
        ],
    );
    let dir = sc.path.parent().unwrap();
    let from = (today() - Duration::days(1)).to_string();
    let to = today().to_string();
    let csv = dir.join("evidence.csv");
    let out = ok(
        &sc.path,
        MANAGER,
        &[
            "evidence",
            "export",
            "--from",
            &from,
            "--to",
            &to,
            "--why",
            "police request ref 99",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert!(out.contains("(1 items)"), "{out}");
    let body = std::fs::read_to_string(&csv).unwrap();
    let mut rows = csv::Reader::from_reader(body.as_bytes());
    let header = rows.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2, "a row per entry of the trail");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&records[0][col("kind")], "clip");
    assert_eq!(&records[1][col("release")], "yes");
    assert_eq!(&records[1][col("agreement")], "#1 Kent Police");
    assert!(records[0][col("note")].contains("Tyler Garside"));
    let notice = std::fs::read_to_string(dir.join("evidence.notice.txt")).unwrap();
    assert!(notice.contains("watchroom export of evidence"), "{notice}");

    let json = dir.join("evidence.json");
    ok(
        &sc.path,
        MANAGER,
        &[
            "evidence",
            "export",
            "--from",
            &from,
            "--to",
            &to,
            "--why",
            "police request ref 99",
            "--format",
            "json",
            "--redact",
            "--out",
            json.to_str().unwrap(),
        ],
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["count"], 1);
    assert_eq!(v["redacted"], true);
    let item = &v["rows"][0];
    assert_eq!(item["exhibit"], "PS/5");
    assert_eq!(item["entries"].as_array().unwrap().len(), 2);
    let note = item["entries"][0]["note"].as_str().unwrap();
    assert!(
        !note.contains("Garside") && note.contains("[removed]"),
        "{note}"
    );
    let exports = count(
        &sc.path,
        "SELECT COUNT(*) FROM audit WHERE action = 'export' AND entity = 'evidence'",
    );
    assert_eq!(exports, 2, "each export is audited");
}

/// A person's sighting with footage kept: subject access lists it, and
/// erasing them keeps the item's trail (the police have the footage) with
/// its words anonymised and its link to the sighting gone.
#[test]
fn erasing_a_person_keeps_the_trail_of_their_footage_with_its_words_anonymised() {
    let sc = scheme();
    let person = register(&sc.path, "Tyler Garside", "Ty", &[], None);
    let mut s = Store::open(&sc.path).unwrap();
    let camera = s.camera_by_name("Cam 3 Market Square").unwrap().unwrap().id;
    let at: DateTime<Utc> = Utc::now() - Duration::minutes(45);
    let sighting = s
        .record_sighting(
            &NewSighting {
                at,
                camera_id: Some(camera),
                zone_id: None,
                location: String::new(),
                offender_id: Some(person),
                description: String::new(),
                note: String::new(),
                incident_id: None,
            },
            &HitRules::default(),
            sc.manager,
            Utc::now(),
        )
        .unwrap()
        .sighting_id;
    drop(s);
    let start = ago(Duration::minutes(46));
    let end = ago(Duration::minutes(44));
    let sighting_arg = sighting.to_string();
    ok(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "add",
            "PS/6",
            "--sighting",
            &sighting_arg,
            "--camera",
            "Cam 3 Market Square",
            "--start",
            &start,
            "--end",
            &end,
            "--note",
            "Ty Garside in a grey hoodie",
        ],
    );
    ok(
        &sc.path,
        CCTV,
        &[
            "evidence",
            "handover",
            "PS/6",
            "--to",
            "Tom",
            "--org",
            "CCTV room",
            "--why",
            "safe",
            "--internal",
        ],
    );
    let mut s = Store::open(&sc.path).unwrap();
    let sar = s.subject_access(person).unwrap();
    assert_eq!(sar.evidence.len(), 1);
    assert_eq!(sar.evidence[0].exhibit, "PS/6");
    assert_eq!(sar.evidence[0].handed_to[0].1, "CCTV room");
    let mentions = s.mentions_of(&[person]).unwrap();
    assert!(
        mentions
            .iter()
            .any(|m| m.table == "evidence_entries" && m.record.contains("exhibit PS/6")),
        "{mentions:?}"
    );
    let plan = s.erasure_plan(person, Utc::now()).unwrap();
    assert_eq!(plan.evidence, vec!["PS/6".to_string()]);
    let counts = s
        .erase_person(
            person,
            "erasure request ref 77",
            None,
            sc.manager,
            Utc::now(),
        )
        .unwrap();
    assert_eq!(counts.evidence_anonymised, 1);
    let item = s.evidence_by_exhibit("PS/6").unwrap().unwrap();
    assert_eq!(item.of, None, "the sighting went, the item stays");
    assert_eq!(item.entries.len(), 2, "its whole trail stays");
    assert_eq!(item.clip().unwrap().note, "[anonymised]");
    let all: String = raw(&sc.path)
        .query_row(
            "SELECT group_concat(note || reason || correction || file_name, ' ') FROM evidence_entries",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!all.contains("Garside") && !all.contains("Ty "), "{all}");
}

/// Retention removes a sighting past its period: footage kept from it as
/// evidence stays, with its words anonymised and its link gone.
#[test]
fn retention_keeps_the_trail_of_footage_from_a_sighting_past_its_period() {
    use watchroom::domain::evidence::{ClipDetails, EvidenceOf};
    use watchroom::store::evidence::NewEvidence;
    let sc = scheme();
    let mut s = Store::open(&sc.path).unwrap();
    let camera = s.camera_by_name("Cam 3 Market Square").unwrap().unwrap().id;
    let long_ago = Utc::now() - Duration::days(500);
    let sighting = s
        .record_sighting(
            &NewSighting {
                at: long_ago,
                camera_id: Some(camera),
                zone_id: None,
                location: String::new(),
                offender_id: None,
                description: "male in a red jacket".into(),
                note: String::new(),
                incident_id: None,
            },
            &HitRules::default(),
            sc.manager,
            long_ago,
        )
        .unwrap()
        .sighting_id;
    s.add_evidence(
        &NewEvidence {
            exhibit: "PS/7".into(),
            of: EvidenceOf::Sighting(sighting),
            clip: ClipDetails {
                camera_id: Some(camera),
                clip_start: long_ago - Duration::minutes(2),
                clip_end: long_ago + Duration::minutes(3),
                reviewed_by: CCTV.into(),
                note: "red jacket by the cash machine".into(),
                ..Default::default()
            },
        },
        sc.manager,
        long_ago + Duration::hours(1),
    )
    .unwrap();
    let counts = s
        .apply_retention(
            &watchroom::domain::retention::RetentionRules::default(),
            sc.manager,
            Utc::now(),
        )
        .unwrap();
    assert_eq!(counts.old_sightings, 1);
    assert_eq!(counts.evidence_anonymised, 1);
    let item = s.evidence_by_exhibit("PS/7").unwrap().unwrap();
    assert_eq!(item.of, None);
    assert_eq!(item.clip().unwrap().note, "[anonymised]");
    assert_eq!(
        item.clip().unwrap().camera,
        "Cam 3 Market Square",
        "the trail itself stays"
    );
}
