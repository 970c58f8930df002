//! The radio network's store on real SQLite files in a temporary folder: the
//! inventory (call signs tidied and never issued twice, statuses and their
//! history in order), the radio log (refused for an unknown call sign, kept
//! newest first, on air following signing on and off), and the roll-call
//! roster (the issued radios of active members, a faulty radio leaving the
//! next roster, none at all refusing a roll-call).

mod radio_store_common;
mod support;

use chrono::{DateTime, Duration, Utc};
use radio_store_common::*;
use support::now as t0;
use watchroom::domain::rollcall::{Answer, Step};
use watchroom::store::radios::RADIO_STATUSES;
use watchroom::store::StoreError;

// ---------------------------------------------------------------- helpers

fn call_signs(stations: &[watchroom::domain::rollcall::Station]) -> Vec<&str> {
    stations.iter().map(|s| s.call_sign.as_str()).collect()
}

// ---------------------------------------------------------------- inventory

#[test]
fn a_radio_is_added_with_its_call_sign_tidied_and_listed_by_zone_then_call_sign() {
    let mut t = town();
    let before = t.audit_rows();
    let r = t
        .store
        .add_radio("  hs02 ", " MTP 1 ", Some(t.boots), "issued", t.op.id, t0())
        .unwrap();
    assert_eq!((r.call_sign.as_str(), r.serial.as_str()), ("HS02", "MTP 1"));
    assert_eq!(
        (r.member.as_str(), r.zone.as_str()),
        ("Boots", "High Street")
    );
    assert_eq!(r.status, "issued");
    assert_eq!(t.store.radio(r.id).unwrap(), r);
    assert_eq!(t.audit_rows(), before + 1, "the addition is audited");
    t.radio("SP01", None, "spare");
    t.radio("MS01", Some(t.old_bell), "issued");
    t.radio("HS01", Some(t.greggs), "issued");
    let listed: Vec<String> = t
        .store
        .radios()
        .unwrap()
        .into_iter()
        .map(|r| r.call_sign)
        .collect();
    assert_eq!(
        listed,
        ["HS01", "HS02", "MS01", "SP01"],
        "by zone, then call sign; spares (no zone) last"
    );
    assert!(matches!(t.store.radio(9999), Err(StoreError::NotFound(_))));
}

#[test]
fn a_call_sign_issued_twice_is_refused_with_a_clear_message_and_nothing_written() {
    let mut t = town();
    t.radio("HS01", Some(t.greggs), "issued");
    let radios = count(&t.path, "SELECT COUNT(*) FROM radios");
    let audit = t.audit_rows();
    // the same call sign, in another case and with spaces, on another handset
    let e = t
        .store
        .add_radio(" hs01", "SN-OTHER", Some(t.boots), "issued", t.op.id, t0())
        .unwrap_err();
    assert_eq!(
        invalid(e),
        "call sign HS01 is already issued to another radio"
    );
    // a serial number already on the inventory
    let e = t
        .store
        .add_radio("HS07", "SN-HS01", Some(t.boots), "issued", t.op.id, t0())
        .unwrap_err();
    assert!(invalid(e).contains("serial SN-HS01 is already on the inventory"));
    // a call sign and serial are both needed
    let e = t
        .store
        .add_radio("  ", "SN-9", None, "spare", t.op.id, t0())
        .unwrap_err();
    assert!(invalid(e).contains("a call sign is needed"));
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM radios"), radios);
    assert_eq!(t.audit_rows(), audit, "nothing audited for a refusal");
    let only = t.store.radios().unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].member, "Greggs", "the first radio is untouched");
}

#[test]
fn a_status_change_keeps_the_history_in_order_with_who_and_the_note() {
    let mut t = town();
    let id = t.radio("HS01", Some(t.greggs), "issued");
    assert!(t.store.radio_history(id).unwrap().is_empty());
    let audit = t.audit_rows();
    let r = t
        .store
        .set_radio_status(
            id,
            t.version(id),
            "faulty",
            "  cracked   aerial ",
            t.op.id,
            t0(),
        )
        .unwrap();
    assert_eq!(r.status, "faulty");
    t.store
        .set_radio_status(
            id,
            t.version(id),
            "in repair",
            "sent to Motorola",
            t.other_op.id,
            t0() + mins(60),
        )
        .unwrap();
    t.store
        .set_radio_status(
            id,
            t.version(id),
            "issued",
            "",
            t.op.id,
            t0() + Duration::days(9),
        )
        .unwrap();
    let h = t.store.radio_history(id).unwrap();
    let seen: Vec<(DateTime<Utc>, &str, &str, &str, &str)> = h
        .iter()
        .map(|c| {
            (
                c.at,
                c.from.as_str(),
                c.to.as_str(),
                c.by.as_str(),
                c.note.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (t0(), "issued", "faulty", "Sam Okafor", "cracked aerial"),
            (
                t0() + mins(60),
                "faulty",
                "in repair",
                "Priya Shah",
                "sent to Motorola"
            ),
            (
                t0() + Duration::days(9),
                "in repair",
                "issued",
                "Sam Okafor",
                ""
            ),
        ]
    );
    assert_eq!(t.store.radio(id).unwrap().status, "issued");
    assert_eq!(t.audit_rows(), audit + 3, "each change audited");
    // the same status again is no change
    let e = t
        .store
        .set_radio_status(
            id,
            t.version(id),
            "issued",
            "",
            t.op.id,
            t0() + Duration::days(10),
        )
        .unwrap_err();
    assert_eq!(invalid(e), "HS01 is already issued");
    assert_eq!(t.store.radio_history(id).unwrap().len(), 3);
    // another radio's history is its own
    let other = t.radio("HS02", Some(t.boots), "issued");
    assert!(t.store.radio_history(other).unwrap().is_empty());
}

#[test]
fn an_unknown_status_is_refused() {
    let mut t = town();
    let id = t.radio("HS01", Some(t.greggs), "issued");
    let audit = t.audit_rows();
    let e = t
        .store
        .set_radio_status(id, t.version(id), "broken", "dropped it", t.op.id, t0())
        .unwrap_err();
    let m = invalid(e);
    assert!(m.contains("unknown status “broken”"), "{m}");
    for s in RADIO_STATUSES {
        assert!(m.contains(s), "the message lists “{s}”: {m}");
    }
    let e = t
        .store
        .add_radio("HS02", "SN-2", Some(t.boots), "borrowed", t.op.id, t0())
        .unwrap_err();
    assert!(invalid(e).contains("unknown status “borrowed”"));
    assert_eq!(t.store.radio(id).unwrap().status, "issued");
    assert!(t.store.radio_history(id).unwrap().is_empty());
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM radios"), 1);
    assert_eq!(t.audit_rows(), audit);
    // a radio that does not exist
    assert!(matches!(
        t.store
            .set_radio_status(9999, 1, "faulty", "", t.op.id, t0()),
        Err(StoreError::NotFound(_))
    ));
}

// ---------------------------------------------------------------- radio log

#[test]
fn a_log_line_for_an_unknown_call_sign_is_refused_and_nothing_written() {
    let mut t = town();
    t.network();
    let audit = t.audit_rows();
    let e = t
        .store
        .log_radio(" zz99 ", "signing on", t.op.id, t0())
        .unwrap_err();
    assert_eq!(invalid(e), "no radio has the call sign “zz99”");
    let e = t.store.log_radio("HS01", "   ", t.op.id, t0()).unwrap_err();
    assert!(invalid(e).contains("say what was said"));
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM radio_log"), 0);
    assert_eq!(t.audit_rows(), audit);
    assert!(t
        .store
        .radio_log(t0() - Duration::days(1), 100)
        .unwrap()
        .is_empty());
}

#[test]
fn log_lines_are_kept_with_the_radio_and_who_logged_them_newest_first() {
    let mut t = town();
    t.network();
    let line = t
        .store
        .log_radio("hs01", "  signing   on ", t.op.id, t0())
        .unwrap();
    assert_eq!(
        (
            line.call_sign.as_str(),
            line.message.as_str(),
            line.by.as_str()
        ),
        ("HS01", "signing on", "Sam Okafor")
    );
    assert_eq!(line.at, t0());
    t.store
        .log_radio(
            "MS01",
            "male in red jacket heading your way",
            t.other_op.id,
            t0() + mins(5),
        )
        .unwrap();
    // a line logged with an earlier time than the last (another console's
    // clock a little behind) is still saved and returned
    let late = t
        .store
        .log_radio("HS02", "signing on", t.op.id, t0() + mins(2))
        .unwrap();
    assert_eq!((late.call_sign.as_str(), late.at), ("HS02", t0() + mins(2)));
    let log = t.store.radio_log(t0() - mins(1), 100).unwrap();
    let seen: Vec<(&str, &str)> = log
        .iter()
        .map(|l| (l.call_sign.as_str(), l.by.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("MS01", "Priya Shah"),
            ("HS02", "Sam Okafor"),
            ("HS01", "Sam Okafor")
        ]
    );
    assert_eq!(t.store.radio_log(t0() + mins(1), 100).unwrap().len(), 2);
    assert_eq!(t.store.radio_log(t0() - mins(1), 1).unwrap().len(), 1);
}

#[test]
fn on_air_follows_sign_ons_and_sign_offs_per_call_sign_never_words() {
    let mut t = town();
    t.network();
    let op = t.op.id;
    // a sign-on (true) or off (false), or a message (its words change nothing)
    let mut log = |cs: &str, said: Result<bool, &str>, m: i64| {
        let at = t0() + mins(m);
        match said {
            Ok(on) => t.store.sign_radio(cs, on, op, at).unwrap(),
            Err(msg) => t.store.log_radio(cs, msg, op, at).unwrap(),
        };
    };
    log("MS02", Ok(true), -600); // yesterday's shift, before the window
    log("HS01", Ok(true), 0);
    log("HS02", Ok(true), 1);
    log("HS01", Err("male in red jacket heading your way"), 2); // no change
    log("HS01", Ok(false), 3);
    log("MS01", Ok(true), 4);
    log("HS02", Ok(false), 5);
    log("HS03", Ok(true), 6);
    log("HS03", Ok(false), 7);
    log("HS01", Ok(true), 8);
    // words alone never: not a sign-off, not a sign-on
    log("MS01", Err("signing off"), 9);
    log("HS02", Err("lad was signing on the shutter"), 10);
    let mut on = t.store.on_air(t0() - mins(60)).unwrap();
    on.sort();
    assert_eq!(on, ["HS01", "MS01"]);
    // from before yesterday's shift, MS02 has not signed off since
    let mut on = t.store.on_air(t0() - mins(700)).unwrap();
    on.sort();
    assert_eq!(on, ["HS01", "MS01", "MS02"]);
    // only what was said since: MS01 signed on before minute 6, HS03 on and off after
    assert_eq!(t.store.on_air(t0() + mins(6)).unwrap(), ["HS01"]);
    assert!(t.store.on_air(t0() + mins(9)).unwrap().is_empty());
    // the words are in the log as said
    let said: Vec<String> = t
        .store
        .radio_log(t0() + mins(9), 10)
        .unwrap()
        .into_iter()
        .map(|l| l.message)
        .collect();
    assert_eq!(said, ["lad was signing on the shutter", "signing off"]);
}

// ---------------------------------------------------------------- roster

#[test]
fn the_roster_is_the_issued_radios_of_active_members_by_zone_then_call_sign() {
    let mut t = town();
    let ids = t.network();
    let roster = t.store.roll_call_roster().unwrap();
    assert_eq!(
        call_signs(&roster),
        ["HS01", "HS02", "HS03", "MS01", "MS02"],
        "High Street before Market Square, then call sign; not the faulty, spare or lapsed member's"
    );
    let hs02 = &roster[1];
    assert_eq!(
        (hs02.member.as_str(), hs02.zone.as_str()),
        ("Boots", "High Street")
    );
    assert_eq!(hs02.radio_id, ids["HS02"]);
}

#[test]
fn a_radio_marked_faulty_leaves_the_next_roster_but_not_the_one_in_progress() {
    let mut t = town();
    let ids = t.network();
    let open = t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    assert_eq!(
        call_signs(&open.rollcall.stations),
        ["HS01", "HS02", "HS03", "MS01", "MS02"]
    );
    t.store
        .record_roll_call_step(
            open.id,
            0,
            &Step::Answer(Answer::Heard(5)),
            t.op.id,
            evening(0),
        )
        .unwrap();
    t.store
        .set_radio_status(
            ids["HS02"],
            t.version(ids["HS02"]),
            "faulty",
            "dropped",
            t.op.id,
            evening(0) + mins(1),
        )
        .unwrap();
    assert_eq!(
        call_signs(&t.store.roll_call_roster().unwrap()),
        ["HS01", "HS03", "MS01", "MS02"],
        "off the roster for the next roll-call"
    );
    // the roll-call in progress keeps the roster it started with
    let resumed = t.store.open_roll_call().unwrap().unwrap();
    assert_eq!(resumed.rollcall.stations, open.rollcall.stations);
    assert_eq!(resumed.rollcall.current(), Some(1), "HS02 is being called");
    let again = t
        .store
        .start_roll_call(false, t.op.id, evening(0) + mins(2))
        .unwrap();
    assert_eq!(again.rollcall.stations, open.rollcall.stations);
    // the stations were frozen with their member and zone too
    t.store
        .set_radio_status(
            ids["MS01"],
            t.version(ids["MS01"]),
            "lost",
            "",
            t.op.id,
            evening(0) + mins(3),
        )
        .unwrap();
    let resumed = t.store.open_roll_call().unwrap().unwrap();
    assert_eq!(resumed.rollcall.stations[3].call_sign, "MS01");
    assert_eq!(resumed.rollcall.stations[3].member, "The Old Bell");
    assert_eq!(resumed.rollcall.stations[3].zone, "Market Square");
    // finish it (HS02 silent) and start the next: without HS02 and MS01
    let mut r = resumed;
    for a in [
        Answer::NothingHeard,
        Answer::Heard(5),
        Answer::NothingHeard,
        Answer::Heard(4),
    ] {
        let seq = r.rollcall.steps.len();
        let step = Step::Answer(a);
        r.rollcall.apply(step.clone()).unwrap();
        t.store
            .record_roll_call_step(r.id, seq, &step, t.op.id, evening(0) + mins(5))
            .unwrap();
    }
    let seq = r.rollcall.steps.len();
    r.rollcall.apply(Step::Finish).unwrap();
    t.store
        .record_roll_call_step(r.id, seq, &Step::Finish, t.op.id, evening(0) + mins(6))
        .unwrap();
    t.store
        .finish_roll_call(&r, t.op.id, evening(0) + mins(6))
        .unwrap();
    let next = t
        .store
        .start_roll_call(false, t.op.id, evening(-1))
        .unwrap();
    assert_ne!(next.id, r.id);
    assert_eq!(
        call_signs(&next.rollcall.stations),
        ["HS01", "HS03", "MS02"]
    );
}

#[test]
fn with_no_radio_on_the_roster_a_roll_call_is_refused() {
    let mut t = town();
    t.radio("SP01", None, "spare");
    t.radio_of_lapsed("HS09");
    let e = t.store.start_roll_call(false, t.op.id, t0()).unwrap_err();
    assert!(invalid(e).contains("nothing to call"));
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM roll_calls"), 0);
    assert!(t.store.open_roll_call().unwrap().is_none());
}
