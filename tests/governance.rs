//! The governance records from the shell, through the real binary: the
//! breach log with its 72-hour deadline, the sharing agreements with their
//! reviews, the DPIA and appropriate policy document; corrections kept with
//! what changed, audited; bad input and other roles refused, writing nothing.
//! The binary runs on the real clock, so times are typed relative to it.

mod support;

use chrono::{Duration, Utc};
use support::*;
use watchroom::domain::governance::{AgreementInput, BreachInput};
use watchroom::domain::pin::PinPolicy;
use watchroom::store::{Store, StoreError};

const MANAGER: &str = "Rita Manager";
const PIN: &str = "864297";

/// A store made from empty, its manager with a PIN.
fn fresh_scheme(dir: &std::path::Path) -> std::path::PathBuf {
    let path = scheme_with_radios(dir, MANAGER, "The Old Bell", &["MS01"]);
    let mut s = Store::open(&path).unwrap();
    let id = s.operator_by_name(MANAGER).unwrap().unwrap().id;
    s.set_pin(id, PIN, &PinPolicy::default(), None, now())
        .unwrap();
    path
}

/// A time this long ago on the scheme's clock (the default, London), as typed.
fn ago(d: Duration) -> String {
    (Utc::now() - d)
        .with_timezone(&chrono_tz::Europe::London)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn day_from_today(days: i64) -> String {
    (Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive()
        + Duration::days(days))
    .to_string()
}

fn run(path: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    run_binary(path, MANAGER, PIN, args)
}

fn ok(path: &std::path::Path, args: &[&str]) -> String {
    let (done, out, err) = run(path, args);
    assert!(done, "{args:?}: {err}");
    out
}

/// (action, entity, detail) of the latest audit record.
fn last_audit(path: &std::path::Path) -> (String, String, String) {
    raw(path)
        .query_row(
            "SELECT action, entity, detail FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn a_breach_is_logged_counted_down_reported_corrected_and_closed() {
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_scheme(dir.path());
    let found = ago(Duration::hours(30));
    let out = ok(
        &path,
        &[
            "breach",
            "add",
            "--what",
            "Bulletin emailed to the wrong list",
            "--found",
            &found,
            "--affected",
            "12",
            "--who",
            "members' staff",
        ],
    );
    assert!(out.starts_with("breach #1 logged"), "{out}");
    // 72 hours from finding it, 30 gone (a minute may pass while it runs)
    assert!(
        out.contains("open, not reported: 1d 17h left to report")
            || out.contains("open, not reported: 1d 18h left to report"),
        "{out}"
    );
    assert_eq!(last_audit(&path).0, "add");
    ok(
        &path,
        &[
            "breach",
            "add",
            "--what",
            "Radio log photo posted",
            "--found",
            &ago(Duration::hours(100)),
        ],
    );
    let list = ok(&path, &["breach", "list"]);
    assert!(list.contains("report overdue by 1d 4h"), "{list}");

    // the ICO told: the deadline no longer counts down, and the change is kept
    let out = ok(
        &path,
        &[
            "breach",
            "update",
            "1",
            "--reported",
            "now",
            "--ico-ref",
            "ICO-77/2026",
        ],
    );
    assert!(out.contains("breach #1 saved:"), "{out}");
    assert!(out.contains("ICO reference: “” → “ICO-77/2026”"), "{out}");
    let (action, entity, detail) = last_audit(&path);
    assert_eq!(
        (action.as_str(), entity.as_str(), detail.as_str()),
        (
            "edit",
            "breach",
            "changed: reported to the ICO, ICO reference"
        )
    );
    let store = Store::open(&path).unwrap();
    let history = store
        .governance_changes(watchroom::store::governance::GovernanceRecord::Breach(1))
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].by, MANAGER);
    assert_eq!(history[0].fields[1].new, "ICO-77/2026");
    assert_eq!(store.breach(1).unwrap().unwrap().version, 2);

    // closing needs what was done; then the open one comes first
    let (done, _, err) = run(&path, &["breach", "close", "1"]);
    assert!(!done && err.contains("actions: say what was done"), "{err}");
    ok(
        &path,
        &[
            "breach",
            "close",
            "1",
            "--actions",
            "List recalled; staff retrained",
        ],
    );
    assert_eq!(last_audit(&path).0, "close");
    let list = ok(&path, &["breach", "list"]);
    let (first, second) = (list.find("#2 ").unwrap(), list.find("#1 ").unwrap());
    assert!(first < second, "open first: {list}");
    assert!(
        list.contains("done: List recalled; staff retrained"),
        "{list}"
    );
    assert_eq!(
        count(&path, "SELECT COUNT(*) FROM breaches"),
        2,
        "nothing deleted"
    );
}

#[test]
fn agreements_are_recorded_flagged_for_review_ended_and_listed_in_force_on_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_scheme(dir.path());
    let review = day_from_today(10);
    let out = ok(
        &path,
        &[
            "agreement",
            "add",
            "--party",
            "Kent Police",
            "--purpose",
            "offender information",
            "--basis",
            "DPA 2018 s.35 law enforcement",
            "--signed",
            "2025-01-10",
            "--review",
            &review,
        ],
    );
    assert_eq!(out.trim(), "agreement #1 recorded with Kent Police");
    ok(
        &path,
        &[
            "agreement",
            "add",
            "--party",
            "Castlebrook Council",
            "--purpose",
            "CCTV footage",
            "--basis",
            "public task",
            "--signed",
            "2025-06-01",
            "--review",
            "2099-06-01",
        ],
    );
    let list = ok(&path, &["agreement", "list"]);
    assert!(
        list.contains("#1  Kent Police  signed 2025-01-10"),
        "{list}"
    );
    assert!(list.contains("in force, REVIEW DUE IN 10 DAYS"), "{list}");
    assert!(
        list.contains("#2  Castlebrook Council  signed 2025-06-01  review 2099-06-01  in force\n"),
        "{list}"
    );

    // reviewed: the next date given, kept as a change
    let out = ok(
        &path,
        &["agreement", "update", "1", "--review", "2099-01-10"],
    );
    assert!(
        out.contains(&format!("review: “{review}” → “2099-01-10”")),
        "{out}"
    );
    ok(&path, &["agreement", "end", "2", "--on", "2026-03-01"]);
    assert_eq!(last_audit(&path).0, "end");
    let on = |d: &str| ok(&path, &["agreement", "list", "--on", d]);
    assert!(on("2026-02-28").contains("Castlebrook Council"));
    let after = on("2026-03-01");
    assert!(
        !after.contains("Castlebrook Council") && after.contains("Kent Police"),
        "{after}"
    );
    assert!(ok(&path, &["agreement", "list"]).contains("ended 2026-03-01"));
    let store = Store::open(&path).unwrap();
    let in_force = store
        .agreements_in_force(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        .unwrap();
    assert_eq!(in_force.iter().map(|a| a.id).collect::<Vec<_>>(), [1]);
}

#[test]
fn the_dpia_and_appropriate_policy_are_recorded_with_their_versions_and_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_scheme(dir.path());
    assert!(ok(&path, &["dpia", "list"]).contains("DPIA: none recorded"));
    let record = |kind: &str, v: &str, approved: &str, review: &str| {
        ok(
            &path,
            &[
                "dpia",
                "record",
                "--kind",
                kind,
                "--version",
                v,
                "--approved",
                approved,
                "--review",
                review,
            ],
        )
    };
    let out = record("dpia", "1.0", "2024-02-01", "2025-02-01");
    assert!(out.starts_with("DPIA version 1.0 recorded as #1"), "{out}");
    record("dpia", "2.0", "2025-02-03", "2099-02-03");
    record(
        "appropriate-policy",
        "1.1",
        "2024-05-01",
        &day_from_today(-3),
    );
    let list = ok(&path, &["dpia", "list"]);
    assert!(
        list.contains("DPIA: version 2.0 (#2), approved 2025-02-03, review 2099-02-03\n"),
        "{list}"
    );
    assert!(
        list.contains("appropriate policy document: version 1.1 (#3), approved 2024-05-01")
            && list.contains("REVIEW OVERDUE BY 3 DAYS"),
        "{list}"
    );
    assert!(
        list.contains("earlier versions:\n  #1  DPIA version 1.0"),
        "{list}"
    );
    let out = ok(
        &path,
        &[
            "dpia",
            "update",
            "3",
            "--review",
            "2099-05-01",
            "--notes",
            "reviewed by the committee",
        ],
    );
    assert!(
        out.contains("notes: “” → “reviewed by the committee”"),
        "{out}"
    );
    assert_eq!(last_audit(&path).2, "changed: review, notes");
}

#[test]
fn bad_input_is_refused_naming_the_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_scheme(dir.path());
    ok(
        &path,
        &["breach", "add", "--what", "Laptop left on a train"],
    );
    let audit = count(
        &path,
        "SELECT COUNT(*) FROM audit WHERE entity IN ('breach', 'agreement', 'document')",
    );
    let agreement = |signed: &'static str, review: &'static str| {
        vec![
            "agreement",
            "add",
            "--party",
            "Kent Police",
            "--purpose",
            "p",
            "--basis",
            "b",
            "--signed",
            signed,
            "--review",
            review,
        ]
    };
    for (args, says) in [
        (
            agreement("2026-13-01", "2027-01-01"),
            "signed: “2026-13-01” is not a date",
        ),
        (
            agreement("2026-05-01", "2026-04-01"),
            "review: the review date is before the day it was signed",
        ),
        (
            vec![
                "dpia",
                "record",
                "--kind",
                "dpia",
                "--version",
                "1",
                "--approved",
                "2026-05-01",
                "--review",
                "2026-05-01",
            ],
            "review: the review date must be after the day it was approved",
        ),
        (
            vec!["breach", "add", "--what", "x", "--found", "last tuesday"],
            "found: “last tuesday” is not a time",
        ),
        (
            vec!["breach", "add", "--found", "2026-01-01 10:00"],
            "what happened:",
        ),
        (
            vec!["breach", "add", "--what", "x", "--affected", "-3"],
            "people affected:",
        ),
        (
            vec!["breach", "update", "99", "--what", "x"],
            "there is no breach #99",
        ),
        (
            vec!["breach", "update", "1", "--occurred", "2099-01-01 00:00"],
            "occurred:",
        ),
        (vec!["agreement", "end", "7"], "there is no agreement #7"),
        (
            vec!["dpia", "update", "5", "--version", "2"],
            "there is no document #5",
        ),
    ] {
        let (done, out, err) = run(&path, &args);
        assert!(!done, "{args:?} succeeded: {out}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    for table in [
        "sharing_agreements",
        "governance_documents",
        "governance_changes",
    ] {
        assert_eq!(
            count(&path, &format!("SELECT COUNT(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    assert_eq!(count(&path, "SELECT COUNT(*) FROM breaches"), 1);
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM audit WHERE entity IN ('breach', 'agreement', 'document')"
        ),
        audit
    );
}

#[test]
fn only_a_manager_keeps_or_reads_the_governance_records() {
    let (_dir, path) = demo_store();
    for (who, pin, role) in [
        ("Priya Shah", "2345", "a cctv"),
        ("Jo Lindqvist", "5678", "a viewer"),
    ] {
        for args in [
            &["breach", "list"][..],
            &["breach", "add", "--what", "x"],
            &["agreement", "list"],
            &[
                "dpia",
                "record",
                "--kind",
                "dpia",
                "--version",
                "1",
                "--approved",
                "2026-01-01",
                "--review",
                "2027-01-01",
            ],
        ] {
            let (done, _, err) = run_binary(&path, who, pin, args);
            assert!(!done, "{who} {args:?}");
            assert!(
                err.contains(&format!(
                    "refused: {role} cannot keep the breach log, sharing agreements and the DPIA"
                )),
                "{err}"
            );
            let store = Store::open(&path).unwrap();
            let last = store.recent_audit(None, 1).unwrap().remove(0);
            assert_eq!(
                (last.action.code(), last.operator.as_str()),
                ("refused", who)
            );
        }
    }
    assert_eq!(count(&path, "SELECT COUNT(*) FROM breaches"), 0);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM governance_documents"), 0);
    // the demo's manager may
    let (done, out, err) = run_binary(&path, "Alex Morgan", "1234", &["breach", "list"]);
    assert!(done, "{err}");
    assert_eq!(out.trim(), "no breaches logged");
}

#[test]
fn two_managers_saves_never_silently_overwrite_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_scheme(dir.path());
    let mut a = Store::open(&path).unwrap();
    let mut b = Store::open(&path).unwrap();
    let rita = a.operator_by_name(MANAGER).unwrap().unwrap().id;
    let sam = a
        .operator_or_add("Sam Second", "manager", now())
        .unwrap()
        .id;
    let input = BreachInput {
        what: "Paper log left in the lift".into(),
        found_at: Some(now() - Duration::hours(5)),
        people_affected: 3,
        ..Default::default()
    };
    let id = a.add_breach(&input, rita, now()).unwrap();
    let opened = a.breach(id).unwrap().unwrap().version;
    // Rita corrects the count; Sam, on the copy he opened before, the text
    a.update_breach(
        id,
        opened,
        &BreachInput {
            people_affected: 4,
            ..input.clone()
        },
        rita,
        now(),
    )
    .unwrap();
    let err = b
        .update_breach(
            id,
            opened,
            &BreachInput {
                what: "Paper log lost".into(),
                ..input.clone()
            },
            sam,
            now(),
        )
        .unwrap_err();
    match err {
        StoreError::Stale(s) => {
            assert_eq!(s.by, MANAGER);
            assert!(
                s.to_string()
                    .starts_with("breach #1 was changed by Rita Manager"),
                "{s}"
            );
        }
        other => panic!("{other}"),
    }
    let kept = b.breach(id).unwrap().unwrap();
    assert_eq!(
        (kept.what.as_str(), kept.people_affected),
        ("Paper log left in the lift", 4)
    );

    let agreement = AgreementInput {
        party: "Kent Police".into(),
        purpose: "offender information".into(),
        lawful_basis: "law enforcement".into(),
        signed_on: now().date_naive(),
        review_on: now().date_naive() + Duration::days(365),
        ended_on: None,
    };
    let ag = a.add_agreement(&agreement, rita, now()).unwrap();
    a.end_agreement(ag, 1, now().date_naive(), rita, now())
        .unwrap();
    assert!(matches!(
        b.update_agreement(ag, 1, &agreement, sam, now()),
        Err(StoreError::Stale(_))
    ));
}
