//! Who holds a radio, on a real SQLite file with no demo data: a spare
//! given to a member is issued (and taken back, a spare again), `issued`
//! needs a member, no radio goes to a member off the scheme, and a radio
//! still with a member who lapses is flagged for recovery in the report.

mod radio_store_common;
mod support;

use radio_store_common::*;
use support::now as t0;
use watchroom::domain::exclusion::Ladder;
use watchroom::domain::report::ReportPeriod;
use watchroom::io::import::{run_import, ImportKind};

fn history(t: &Town, radio: i64) -> Vec<(String, String)> {
    t.store
        .radio_history(radio)
        .unwrap()
        .into_iter()
        .map(|c| (c.from, c.to))
        .collect()
}

/// Import the radios CSV at `file` (applied), as the operator; what it
/// printed beside the outcome.
fn import_radios(
    t: &mut Town,
    file: &std::path::Path,
) -> (watchroom::io::import::ImportOutcome, Vec<u8>) {
    let mut out = vec![];
    let run = run_import(
        &mut t.store,
        ImportKind::Radios,
        file,
        true,
        t.op.id,
        t0(),
        None,
        &mut out,
    )
    .unwrap();
    (run, out)
}

#[test]
fn a_spare_given_to_a_member_is_issued_and_taken_back_is_spare_each_in_its_history() {
    let mut t = town();
    let sp = t.radio("SP01", None, "spare");
    let v = t.version(sp);
    let r = t
        .store
        .update_radio(sp, v, "SN-SP01", Some(t.greggs), "", t.op.id, t0())
        .unwrap();
    assert_eq!((r.status.as_str(), r.member.as_str()), ("issued", "Greggs"));
    assert_eq!(history(&t, sp), [("spare".into(), "issued".into())]);
    // it is called on the next roll-call
    let roster = t.store.roll_call_roster().unwrap();
    assert!(roster.iter().any(|s| s.call_sign == "SP01"));

    // taken back (no member): a spare again
    let v = t.version(sp);
    let r = t
        .store
        .update_radio(sp, v, "SN-SP01", None, "", t.op.id, t0())
        .unwrap();
    assert_eq!((r.status.as_str(), r.member.as_str()), ("spare", ""));
    assert_eq!(
        history(&t, sp).last().unwrap(),
        &("issued".into(), "spare".into())
    );

    // a faulty radio given to a member stays faulty: only a spare is issued
    let f = t.radio("HS08", None, "faulty");
    let v = t.version(f);
    let r = t
        .store
        .update_radio(f, v, "SN-HS08", Some(t.boots), "", t.op.id, t0())
        .unwrap();
    assert_eq!(r.status, "faulty");
}

#[test]
fn issued_needs_a_member_and_made_spare_a_radio_leaves_its_member() {
    let mut t = town();
    let e = t
        .store
        .add_radio("HS05", "SN-5", None, "issued", t.op.id, t0())
        .unwrap_err();
    assert!(invalid(e).contains("an issued radio needs the member"));
    // added with a member, a radio is issued whatever the form said
    let r = t
        .store
        .add_radio("HS06", "SN-6", Some(t.boots), "spare", t.op.id, t0())
        .unwrap();
    assert_eq!(r.status, "issued");

    let sp = t.radio("SP02", None, "spare");
    let v = t.version(sp);
    let e = t
        .store
        .set_radio_status(sp, v, "issued", "", t.op.id, t0())
        .unwrap_err();
    assert!(invalid(e).contains("SP02 is issued to no one"), "refused");
    assert_eq!(t.store.radio(sp).unwrap().status, "spare");

    // set spare, the radio is back with the control room
    let v = t.version(r.id);
    let back = t
        .store
        .set_radio_status(r.id, v, "spare", "handed in", t.op.id, t0())
        .unwrap();
    assert_eq!((back.status.as_str(), back.member_id), ("spare", None));
}

#[test]
fn no_radio_goes_to_a_member_off_the_scheme_and_one_left_with_them_is_to_recover() {
    let mut t = town();
    let audit = t.audit_rows();
    let e = t
        .store
        .add_radio("HS09", "SN-9", Some(t.lapsed), "issued", t.op.id, t0())
        .unwrap_err();
    assert_eq!(
        invalid(e),
        "Closed Down Ltd has lapsed: a radio is issued only to a member on the scheme"
    );
    assert_eq!(t.audit_rows(), audit, "nothing written");

    // Boots holds HS02, then lapses: HS02 is on no roster, and flagged
    let hs02 = t.radio("HS02", Some(t.boots), "issued");
    t.radio("HS01", Some(t.greggs), "issued");
    raw(&t.path)
        .execute(
            "UPDATE members SET status = 'lapsed' WHERE id = ?1",
            [t.boots],
        )
        .unwrap();
    let r = t.store.radio(hs02).unwrap();
    assert_eq!(r.member_status, "lapsed");
    assert_eq!(
        watchroom::domain::radio::to_recover(&r.status, &r.member_status),
        Some("recover: member lapsed")
    );
    let roster = t.store.roll_call_roster().unwrap();
    let called: Vec<&str> = roster.iter().map(|s| s.call_sign.as_str()).collect();
    assert_eq!(called, ["HS01"], "a lapsed member's radio is not called");

    let day = t0().date_naive();
    let report = t
        .store
        .report(
            &ReportPeriod::new(day, day).unwrap(),
            chrono_tz::UTC,
            &Ladder::default(),
            t0(),
        )
        .unwrap();
    assert_eq!(report.radios.to_recover, ["HS02 (Boots, lapsed)"]);
    let md = watchroom::io::report::markdown(&report);
    assert!(
        md.contains("to be fetched back: HS02 (Boots, lapsed)"),
        "{md}"
    );
}

#[test]
fn an_import_issues_a_spare_it_gives_a_member_and_refuses_one_off_the_scheme() {
    let mut t = town();
    let sp = t.radio("SP01", None, "spare");
    let file = t.path.parent().unwrap().join("radios.csv");
    std::fs::write(
        &file,
        "call_sign,serial,member\nSP01,SN-SP01,Greggs\nHS09,SN-9,Closed Down Ltd\n",
    )
    .unwrap();
    let (run, out) = import_radios(&mut t, &file);
    let problems = run.problems();
    assert_eq!(problems.len(), 1, "{}", String::from_utf8_lossy(&out));
    assert_eq!(problems[0].line, Some(3));
    assert!(problems[0].reason.contains("Closed Down Ltd has lapsed"));
    // one bad row changes nothing
    assert_eq!(t.store.radio(sp).unwrap().status, "spare");

    std::fs::write(&file, "call_sign,serial,member\nSP01,SN-SP01,Greggs\n").unwrap();
    let (run, out) = import_radios(&mut t, &file);
    assert!(run.applied, "{}", String::from_utf8_lossy(&out));
    let r = t.store.radio(sp).unwrap();
    assert_eq!((r.status.as_str(), r.member.as_str()), ("issued", "Greggs"));
    assert_eq!(history(&t, sp), [("spare".into(), "issued".into())]);
}
