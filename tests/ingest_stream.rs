//! Ingest: JSON lines from other systems into the store, on real SQLite
//! files — good events of each kind, every kind of bad line named by its
//! number, duplicates by reference, hostile text, a bad line in the middle of
//! a batch, a write the checks did not foresee, the audit trail, and the
//! ingest account nobody signs in with.

mod ingest_common;
mod support;

use chrono::{DateTime, Duration, Utc};
use ingest_common::*;
use std::path::Path;
use std::sync::Arc;
use support::{demo_store, now};
use watchroom::domain::{FixedClock, Priority};
use watchroom::io::ingest::{ingest_stream, Rules, Tally};
use watchroom::store::ingest::{IngestEvent, IngestIncident, MemberRef, Outcome};
use watchroom::store::{demo, Store};

/// Feed `lines` (joined by newlines) to ingest on the store at `path`, with
/// the clock at the tests' fixed `now`; the tally and what went to stderr.
fn feed(path: &Path, lines: &[&str]) -> (Tally, String) {
    let mut store = Store::open(path).unwrap();
    let op = store.ingest_account("ingest", now()).unwrap();
    let input = std::io::Cursor::new(lines.join("\n").into_bytes());
    let mut err: Vec<u8> = vec![];
    let tally = ingest_stream(
        store,
        op,
        input,
        Rules::default(),
        Arc::new(FixedClock::new(now())),
        &mut err,
    )
    .unwrap();
    (tally, String::from_utf8(err).unwrap())
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[test]
fn good_events_of_each_kind_are_stored_where_the_console_reads_them() {
    let (_dir, path) = demo_store();
    let cs = call_sign(&path, "issued");
    let radio = format!(
        r#"{{"kind":"radio","call_sign":"{cs}","event":"sign_on","at":"2026-11-27T11:02:00Z"}}"#
    );
    let lines = [
        radio.as_str(),
        r#"{"kind":"alarm","member":"greggs","alarm":"panic","at":"2026-11-27T11:30:00Z","ref":"ALM-123"}"#,
        r#"{"kind":"incident","type":"theft","priority":2,"zone":"High Street","summary":"two men, razors, towards the station","ref":"EXT-1"}"#,
    ];
    let (tally, err) = feed(&path, &lines);
    assert_eq!(
        tally,
        Tally {
            accepted: 3,
            duplicates: 0,
            rejected: 0
        },
        "{err}"
    );
    assert_eq!(err, "");

    let store = Store::open(&path).unwrap();
    // the radio is on air, its sign-on in the log under the ingest account
    assert!(store
        .on_air(now() - Duration::hours(18))
        .unwrap()
        .contains(&cs));
    let log = store.radio_log(now() - Duration::hours(18), 5).unwrap();
    let line = log.iter().find(|l| l.call_sign == cs).expect("the sign-on");
    assert_eq!(
        (line.message.as_str(), line.by.as_str(), line.at),
        ("signing on", "ingest", t("2026-11-27T11:02:00Z"))
    );

    // the alarm: an urgent incident of type alarm at Greggs, top of the live board
    let c = conn(&path);
    let (id, kind, priority, member, summary, opened, source, reference): (
        i64,
        String,
        i64,
        String,
        String,
        i64,
        String,
        String,
    ) = c
        .query_row(
            "SELECT i.id, i.kind, i.priority, m.name, i.summary, i.opened_at, i.source, i.source_ref
             FROM incidents i JOIN members m ON m.id = i.member_id WHERE i.source_ref = 'ALM-123'",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        (
            kind.as_str(),
            priority,
            member.as_str(),
            summary.as_str(),
            source.as_str(),
            reference.as_str()
        ),
        (
            "alarm",
            1,
            "Greggs",
            "panic alarm activated",
            "ingest",
            "ALM-123"
        )
    );
    assert_eq!(opened, t("2026-11-27T11:30:00Z").timestamp());
    let board = store
        .board_window(
            &watchroom::domain::IncidentFilter::default(),
            watchroom::store::Anchor::First,
            50,
        )
        .unwrap();
    let row = board
        .iter()
        .find(|r| r.id == id)
        .expect("the alarm is on the live board");
    assert_eq!(row.priority, Priority::Urgent);
    assert!(row.place_label.contains("Greggs"), "{}", row.place_label);
    // its reference is on the timeline the operator reads
    let timeline = store.timeline(id).unwrap();
    assert!(
        timeline
            .iter()
            .any(|e| e.text.contains("ALM-123") && e.operator == "ingest"),
        "{timeline:?}"
    );

    // the incident: P2 theft in High Street, at the time it was read
    let (zone, priority, opened): (String, i64, i64) = c
        .query_row(
            "SELECT z.name, i.priority, i.opened_at FROM incidents i JOIN zones z ON z.id = i.zone_id WHERE i.source_ref = 'EXT-1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (zone.as_str(), priority, opened),
        ("High Street", 2, now().timestamp())
    );
}

#[test]
fn each_bad_line_is_named_by_its_number_and_the_good_ones_kept() {
    let (_dir, path) = demo_store();
    let cs = call_sign(&path, "issued");
    let before = count(&path, "SELECT COUNT(*) FROM incidents");
    let good_radio = format!(r#"{{"kind":"radio","call_sign":"{cs}","event":"sign_off"}}"#);
    let long = format!(
        r#"{{"kind":"incident","type":"theft","zone":"High Street","summary":"{}"}}"#,
        "x".repeat(600)
    );
    let lines = [
        r#"{"kind":"incident","type":"theft","zone":"Market Square","summary":"first good"}"#, // 1
        "this is not json",                                                                    // 2
        r#"{"kind":"parade","at":"2026-11-27T11:00:00Z"}"#,                                    // 3
        r#"{"kind":"incident","type":"theft","zone":"High Street"}"#,                          // 4
        r#"{"kind":"radio","call_sign":"ZZ99","event":"sign_on"}"#,                            // 5
        r#"{"kind":"alarm","member":"Nobody's Shop","alarm":"panic"}"#,                        // 6
        r#"{"kind":"incident","type":"theft","zone":"Atlantis","summary":"x"}"#,               // 7
        &long,                                                                                 // 8
        r#"{"kind":"incident","type":"theft","summary":"x","at":"27/11/2026 18:02"}"#,         // 9
        r#"{"kind":"incident","type":"theft","summary":"x","at":"2027-01-01T00:00:00Z"}"#,     // 10
        "",                                                      // 11: blank, skipped
        &good_radio,                                             // 12
        r#"{"kind":"alarm","member_id":99999,"alarm":"panic"}"#, // 13
        r#"{"kind":"alarm","member":"Greggs","zone":"Market Square","alarm":"panic"}"#, // 14
        r#"{"kind":"incident","type":"drunk","zone":"NTE","summary":"last good"}"#, // 15
        r#"{"kind":"radio","call_sign":"HS 77","event":"sign_on"}"#, // 16
        r#"{"kind":"radio","call_sign":"\u001b[31mHS99","event":"sign_on"}"#, // 17
    ];
    let (tally, err) = feed(&path, &lines);
    assert_eq!(
        tally,
        Tally {
            accepted: 3,
            duplicates: 0,
            rejected: 13
        },
        "{err}"
    );
    let said: Vec<&str> = err.lines().collect();
    let want = [
        "line 2: not JSON",
        "line 3: unknown kind “parade”",
        "line 4: missing \"summary\"",
        "line 5: no radio has the call sign “ZZ99”",
        "line 6: no member is called “Nobody's Shop”",
        "line 7: no zone in use is called “Atlantis”",
        "line 8: \"summary\" is longer than 500 characters",
        "line 9: \"at\" is not a time",
        "line 10: \"at\" is in the future",
        "line 13: no member has the id 99999",
        "line 14: no member called “Greggs” in zone “Market Square”",
        "line 16: call sign “HS 77” has a space: a call sign is 2 to 16 letters, digits or -",
        "line 17: call sign “[31mHS99” has a control character",
    ];
    assert_eq!(said.len(), want.len(), "{err}");
    for (got, want) in said.iter().zip(want) {
        assert!(got.starts_with(want), "expected {want:?}, got {got:?}");
    }
    assert_eq!(count(&path, "SELECT COUNT(*) FROM incidents"), before + 2);
    for s in ["first good", "last good"] {
        let n: i64 = conn(&path)
            .query_row(
                "SELECT COUNT(*) FROM incidents WHERE summary = ?1",
                [s],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{s}");
    }
    let zone: String = conn(&path)
        .query_row(
            "SELECT z.name FROM incidents i JOIN zones z ON z.id = i.zone_id WHERE i.summary = 'last good'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(zone, "Night-Time Economy", "a zone by its code");
}

#[test]
fn a_line_sent_twice_is_one_incident_reported_as_a_duplicate() {
    let (_dir, path) = demo_store();
    let alarm = r#"{"kind":"alarm","member":"Greggs","alarm":"panic","ref":"ALM-7"}"#;
    let (tally, err) = feed(&path, &[alarm, alarm]);
    assert_eq!(
        tally,
        Tally {
            accepted: 1,
            duplicates: 1,
            rejected: 0
        },
        "{err}"
    );
    // sent again later, by a sender that lost track
    let (tally, _) = feed(&path, &[alarm]);
    assert_eq!(tally.duplicates, 1);
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM incidents WHERE source_ref = 'ALM-7'"
        ),
        1
    );
    // the same reference from another system is another incident
    let other =
        r#"{"kind":"alarm","member":"Greggs","alarm":"panic","ref":"ALM-7","source":"redcare"}"#;
    let (tally, _) = feed(&path, &[other]);
    assert_eq!(tally.accepted, 1);
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM incidents WHERE source_ref = 'ALM-7'"
        ),
        2
    );
}

#[test]
fn hostile_text_is_cleaned_before_it_is_stored() {
    let (_dir, path) = demo_store();
    let lines = [
        r#"{"kind":"incident","type":"suspicious","zone":"High Street","summary":"man \u001b[2J\u001b]0;pwned\u0007 at door \u009b31m","location":"rear \u202e door","ref":"EXT-\u001b[1m9"}"#,
    ];
    let (tally, err) = feed(&path, &lines);
    assert_eq!(tally.accepted, 1, "{err}");
    let (summary, location, reference): (String, String, String) = conn(&path)
        .query_row(
            "SELECT summary, location, source_ref FROM incidents WHERE kind = 'suspicious' AND source = 'ingest'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    for s in [&summary, &location, &reference] {
        assert!(
            !s.chars()
                .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
            "{s:?}"
        );
    }
    assert!(summary.starts_with("man ") && summary.contains("at door"));

    // and a rejection that quotes hostile text quotes it cleaned
    let (_, err) = feed(
        &path,
        &[r#"{"kind":"radio","call_sign":"\u001b[31mX","event":"sign_on"}"#],
    );
    assert!(
        err.starts_with("line 1: call sign “[31mX” has a control character"),
        "{err}"
    );
    assert!(!err.contains('\x1b'), "{err:?}");
    // and one the rule allows, that no radio has
    let (_, err) = feed(
        &path,
        &[r#"{"kind":"radio","call_sign":"zz-99","event":"sign_on"}"#],
    );
    assert!(
        err.starts_with("line 1: no radio has the call sign “ZZ-99”"),
        "{err}"
    );
}

#[test]
fn a_bad_line_in_the_middle_of_a_batch_keeps_the_good_ones_around_it() {
    let (_dir, path) = demo_store();
    let mut store = Store::open(&path).unwrap();
    let op = store.ingest_account("ingest", now()).unwrap();
    let incident = |summary: &str, member: Option<MemberRef>| {
        IngestEvent::Incident(IngestIncident {
            kind: "theft".into(),
            priority: Priority::High,
            member,
            zone: None,
            location: String::new(),
            summary: summary.into(),
            at: now(),
            source: None,
            reference: None,
        })
    };
    let audit_before = count(&path, "SELECT COUNT(*) FROM audit");
    let out = store
        .ingest(
            &[
                incident("before the bad one", Some(MemberRef::Name("Greggs".into()))),
                incident("at a shop that is not", Some(MemberRef::Id(424242))),
                incident("after the bad one", None),
            ],
            &op,
            now(),
        )
        .unwrap();
    assert!(matches!(out[0], Outcome::Incident(_)), "{out:?}");
    assert_eq!(
        out[1],
        Outcome::Rejected("no member has the id 424242".into())
    );
    assert!(matches!(out[2], Outcome::Incident(_)), "{out:?}");
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM incidents WHERE summary LIKE '%the bad one'"
        ),
        2
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM incidents WHERE summary = 'at a shop that is not'"
        ),
        0
    );
    // one audit record per incident written, none for the refused line
    assert_eq!(count(&path, "SELECT COUNT(*) FROM audit"), audit_before + 2);
}

#[test]
fn every_event_is_audited_with_ids_and_the_trail_stays_intact() {
    let (_dir, path) = demo_store();
    let cs = call_sign(&path, "issued");
    let lost = call_sign(&path, "lost");
    let on = format!(r#"{{"kind":"radio","call_sign":"{cs}","event":"sign_on"}}"#);
    let stray = format!(r#"{{"kind":"radio","call_sign":"{lost}","event":"sign_on"}}"#);
    let lines = [
        on.as_str(),
        stray.as_str(),
        r#"{"kind":"alarm","member":"Greggs","alarm":"panic","ref":"ALM-1"}"#,
        r#"{"kind":"alarm","member":"Greggs","alarm":"panic","ref":"ALM-1"}"#,
        "garbage",
    ];
    let (tally, _) = feed(&path, &lines);
    assert_eq!(
        tally,
        Tally {
            accepted: 3,
            duplicates: 1,
            rejected: 1
        }
    );
    let c = conn(&path);
    let ingest_id: i64 = c
        .query_row("SELECT id FROM operators WHERE name = 'ingest'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut st = c
        .prepare(
            "SELECT action, entity, entity_id, detail FROM audit
             WHERE operator_id = ?1 AND entity <> 'operator' ORDER BY id",
        )
        .unwrap();
    let rows: Vec<(String, String, Option<i64>, String)> = st
        .query_map([ingest_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let radio_id = |call: &str| -> i64 {
        c.query_row("SELECT id FROM radios WHERE call_sign = ?1", [call], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let alarm_id: i64 = c
        .query_row(
            "SELECT id FROM incidents WHERE source_ref = 'ALM-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        rows,
        vec![
            (
                "log".to_string(),
                "radio".to_string(),
                Some(radio_id(&cs)),
                "signing on".to_string()
            ),
            (
                "log".into(),
                "radio".into(),
                Some(radio_id(&lost)),
                "signing on from a radio that is lost".into()
            ),
            (
                "create".into(),
                "incident".into(),
                Some(alarm_id),
                "P1 alarm".into()
            ),
            (
                "ingest".into(),
                "ingest".into(),
                None,
                "accepted 3, duplicates 1, rejected 1".into()
            ),
        ]
    );
    // no names in the details: the member and call sign are found by id
    for (_, _, _, detail) in &rows {
        assert!(
            !detail.contains("Greggs") && !detail.contains(&cs),
            "{detail}"
        );
    }
    let report = Store::open(&path).unwrap().verify_audit().unwrap();
    assert!(report.problem.is_none(), "{:?}", report.problem);
}

#[test]
fn the_ingest_account_is_one_nobody_signs_in_with() {
    let (_dir, path) = demo_store();
    let mut store = Store::open(&path).unwrap();
    let op = store.ingest_account("ingest", now()).unwrap();
    assert_eq!(op.role.code(), "operator");
    // it has no PIN, so it cannot sign in
    let refused = store.sign_in("ingest", "0000", now()).unwrap();
    assert!(refused.is_err(), "{refused:?}");
    // a person's account (with a PIN) is refused: no writing in their name without it
    let err = store
        .ingest_account(demo::DEMO_OPERATOR, now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("signs in with a PIN"), "{err}");
    // an account whose role may not log incidents is refused
    store
        .add_operator("partner feed", "viewer", None, now())
        .unwrap();
    let err = store
        .ingest_account("partner feed", now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("may not log incidents"), "{err}");
    // a named feed gets its own account, and its references are its own
    let feed = store.ingest_account("alarm-gateway", now()).unwrap();
    assert_ne!(feed.id, op.id);
}

#[test]
fn a_write_the_checks_did_not_foresee_being_refused_costs_only_its_line() {
    let (_dir, path) = demo_store();
    // a rule of the store no check of ingest knows about
    conn(&path)
        .execute_batch(
            "CREATE TRIGGER no_poison BEFORE INSERT ON incidents WHEN NEW.summary = 'poison'
             BEGIN SELECT RAISE(ABORT, 'poison refused'); END;",
        )
        .unwrap();
    let audit_before = count(&path, "SELECT COUNT(*) FROM audit");
    let (tally, err) = feed(
        &path,
        &[
            r#"{"kind":"incident","type":"theft","zone":"HS","summary":"before","ref":"P-1"}"#,
            r#"{"kind":"incident","type":"theft","zone":"HS","summary":"poison","ref":"P-2"}"#,
            r#"{"kind":"incident","type":"theft","zone":"HS","summary":"after","ref":"P-3"}"#,
        ],
    );
    assert_eq!(
        tally,
        Tally {
            accepted: 2,
            duplicates: 0,
            rejected: 1
        },
        "{err}"
    );
    assert!(
        err.starts_with("line 2: the store refused it") && err.contains("poison refused"),
        "{err}"
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM incidents WHERE source_ref LIKE 'P-%'"
        ),
        2
    );
    // nothing of the refused line is left: no timeline line, no audit record
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM timeline WHERE text LIKE '%reference P-2'"
        ),
        0
    );
    // the account made on first use, two incidents and the run's own record
    assert_eq!(count(&path, "SELECT COUNT(*) FROM audit"), audit_before + 4);
    let report = Store::open(&path).unwrap().verify_audit().unwrap();
    assert!(report.problem.is_none(), "{:?}", report.problem);
}
