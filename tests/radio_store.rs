//! The radio network's store on real SQLite files in a temporary folder: the
//! inventory and its history, the radio log, the roll-call roster, and
//! roll-calls kept step by step, resumed, finished and summed up.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use watchroom::domain::rollcall::{Answer, Phase, RollCall, Step};
use watchroom::store::radios::RADIO_STATUSES;
use watchroom::store::rollcalls::OpenRollCall;
use watchroom::store::{Operator, Store, StoreError};

// ---------------------------------------------------------------- helpers

/// The fixed "now" of every test.
fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn mins(n: i64) -> Duration {
    Duration::minutes(n)
}

/// 20:00 on the evening `n` days before `t0`.
fn evening(n: i64) -> DateTime<Utc> {
    (t0() - Duration::days(n))
        .date_naive()
        .and_hms_opt(20, 0, 0)
        .unwrap()
        .and_utc()
}

/// A second connection of our own, for counting rows and seeding zones and
/// members (the store has no writer for those).
fn raw(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c
}

fn count(path: &Path, sql: &str) -> i64 {
    raw(path).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A small town: two zones, three active members and a lapsed one, two
/// operators. No radios yet.
struct Town {
    _dir: TempDir,
    path: PathBuf,
    store: Store,
    op: Operator,
    other_op: Operator,
    greggs: i64,
    boots: i64,
    old_bell: i64,
    lapsed: i64,
}

fn town() -> Town {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchroom.db");
    let mut store = Store::open(&path).unwrap();
    let op = store
        .operator_or_add("Sam Okafor", "operator", t0())
        .unwrap();
    let other_op = store
        .operator_or_add("Priya Shah", "coordinator", t0())
        .unwrap();
    let c = raw(&path);
    let zone = |name: &str, code: &str| {
        c.execute(
            "INSERT INTO zones (name, code) VALUES (?1, ?2)",
            [name, code],
        )
        .unwrap();
        c.last_insert_rowid()
    };
    // inserted out of name order: the roster sorts by name, not id
    let market = zone("Market Square", "MS");
    let high_street = zone("High Street", "HS");
    let member = |name: &str, zone: i64, status: &str| {
        c.execute(
            "INSERT INTO members (name, kind, zone_id, status) VALUES (?1, 'shop', ?2, ?3)",
            rusqlite::params![name, zone, status],
        )
        .unwrap();
        c.last_insert_rowid()
    };
    let old_bell = member("The Old Bell", market, "active");
    let greggs = member("Greggs", high_street, "active");
    let boots = member("Boots", high_street, "active");
    let lapsed = member("Closed Down Ltd", high_street, "lapsed");
    drop(c);
    Town {
        _dir: dir,
        path,
        store,
        op,
        other_op,
        greggs,
        boots,
        old_bell,
        lapsed,
    }
}

impl Town {
    /// A radio's version as the store has it now, as a console reading it would.
    fn version(&self, radio: i64) -> i64 {
        self.store.radio(radio).unwrap().version
    }

    fn radio(&mut self, call_sign: &str, member: Option<i64>, status: &str) -> i64 {
        let serial = format!("SN-{call_sign}");
        self.store
            .add_radio(call_sign, &serial, member, status, self.op.id, t0())
            .unwrap()
            .id
    }

    /// Five radios on the roster (HS01–HS03 at Greggs and Boots on the High
    /// Street, MS01 and MS02 at the Old Bell), and some that are not.
    fn network(&mut self) -> HashMap<&'static str, i64> {
        let (g, b, o, l) = (self.greggs, self.boots, self.old_bell, self.lapsed);
        let mut ids = HashMap::new();
        for (cs, member, status) in [
            ("MS02", Some(o), "issued"),
            ("HS02", Some(b), "issued"),
            ("MS01", Some(o), "issued"),
            ("HS01", Some(g), "issued"),
            ("HS03", Some(g), "issued"),
            ("HS09", Some(l), "issued"), // member lapsed
            ("HS08", Some(g), "faulty"), // not issued
            ("SP01", None, "spare"),     // on the shelf
        ] {
            ids.insert(cs, self.radio(cs, member, status));
        }
        ids
    }

    fn audit_rows(&self) -> i64 {
        count(&self.path, "SELECT COUNT(*) FROM audit")
    }

    /// Start a roll-call at `at`, answer every station from `answers` (by
    /// call sign; loud and clear if not named), keep each step, finish it.
    fn run_roll_call(
        &mut self,
        practice: bool,
        at: DateTime<Utc>,
        answers: &[(&str, Answer)],
    ) -> OpenRollCall {
        let mut open = self
            .store
            .start_roll_call(practice, self.op.id, at)
            .unwrap();
        assert!(open.rollcall.steps.is_empty(), "a new roll-call");
        let by_sign: HashMap<&str, &Answer> = answers.iter().map(|(c, a)| (*c, a)).collect();
        while let Some(i) = open.rollcall.current() {
            let cs = open.rollcall.stations[i].call_sign.clone();
            let answer = by_sign
                .get(cs.as_str())
                .map(|a| (*a).clone())
                .unwrap_or(Answer::Heard(5));
            let step = Step::Answer(answer);
            let seq = open.rollcall.steps.len();
            open.rollcall.apply(step.clone()).unwrap();
            self.store
                .record_roll_call_step(open.id, seq, &step, self.op.id, at + mins(1))
                .unwrap();
        }
        self.store
            .finish_roll_call(&open, self.op.id, at + mins(20))
            .unwrap();
        open
    }
}

fn invalid(e: StoreError) -> String {
    match e {
        StoreError::Invalid(m) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn call_signs(stations: &[watchroom::domain::rollcall::Station]) -> Vec<&str> {
    stations.iter().map(|s| s.call_sign.as_str()).collect()
}

/// Everything the console shows of a roll-call in progress.
fn assert_same_roll_call(resumed: &RollCall, driven: &RollCall, when: &str) {
    assert_eq!(resumed.stations, driven.stations, "{when}: stations");
    assert_eq!(resumed.steps, driven.steps, "{when}: steps");
    assert_eq!(resumed.current(), driven.current(), "{when}: current");
    assert_eq!(resumed.phase(), driven.phase(), "{when}: phase");
    assert_eq!(resumed.summary(), driven.summary(), "{when}: summary");
    assert_eq!(
        resumed.recall_queue(),
        driven.recall_queue(),
        "{when}: re-call queue"
    );
    for i in 0..driven.stations.len() {
        assert_eq!(resumed.entry(i), driven.entry(i), "{when}: entry {i}");
    }
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
    assert!(invalid(e).contains("needs a call sign and a serial"));
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
fn on_air_follows_signing_on_and_off_per_call_sign() {
    let mut t = town();
    t.network();
    let op = t.op.id;
    let mut log = |cs: &str, msg: &str, m: i64| {
        t.store.log_radio(cs, msg, op, t0() + mins(m)).unwrap();
    };
    log("MS02", "signing on", -600); // yesterday's shift, before the window
    log("HS01", "Signing on", 0);
    log("HS02", "signing on", 1);
    log("HS01", "male in red jacket heading your way", 2); // no change
    log("HS01", "signing off", 3);
    log("MS01", "on", 4);
    log("HS02", "HS02 sign off for lunch", 5);
    log("HS03", "signing on", 6);
    log("HS03", "off", 7);
    log("HS01", "signing on again", 8);
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
    t.radio("HS09", Some(t.lapsed), "issued");
    let e = t.store.start_roll_call(false, t.op.id, t0()).unwrap_err();
    assert!(invalid(e).contains("nothing to call"));
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM roll_calls"), 0);
    assert!(t.store.open_roll_call().unwrap().is_none());
}

// ---------------------------------------------------------------- roll-calls

/// A night with everything in it: silence, a weak answer, a relay, a closed
/// shop, a late check-in, undo, the re-call, and a second silence.
fn eventful_steps() -> Vec<Step> {
    use Answer::*;
    vec![
        Step::Answer(NothingHeard), // HS01 silent
        Step::Answer(Heard(2)),     // HS02 weak
        Step::Undo,
        Step::Answer(Heard(3)), // HS02 after all
        Step::Late {
            call_sign: "ms02".into(),
            answer: Heard(5),
        },
        Step::Answer(RelayedVia("HS02".into())), // HS03 via HS02
        Step::Answer(ClosedToday),               // MS01 closed; MS02 already in: re-call
        Step::Answer(NothingHeard),              // HS01 silent again
        Step::Undo,
        Step::Answer(Heard(4)), // HS01 heard on the re-call
    ]
}

#[test]
fn an_open_roll_call_is_replayed_exactly_from_its_steps_after_every_step() {
    let mut t = town();
    t.network();
    let open = t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    let mut driven = RollCall::new(open.rollcall.stations.clone());
    let check = |store: &Store, driven: &RollCall, when: &str| {
        let resumed = store.open_roll_call().unwrap().expect("an open roll-call");
        assert_eq!(resumed.id, open.id);
        assert!(!resumed.practice);
        assert_eq!(resumed.started_at, evening(0));
        assert_same_roll_call(&resumed.rollcall, driven, when);
    };
    check(&t.store, &driven, "before any step");
    for (seq, step) in eventful_steps().into_iter().enumerate() {
        driven.apply(step.clone()).unwrap();
        t.store
            .record_roll_call_step(open.id, seq, &step, t.op.id, evening(0) + mins(seq as i64))
            .unwrap();
        check(&t.store, &driven, &format!("after step {seq} ({step:?})"));
    }
    assert!(driven.is_finished());
    let s = driven.summary();
    assert_eq!(
        (
            s.expected,
            s.answered,
            s.nothing_heard,
            s.weak,
            s.relays,
            s.closed,
            s.late
        ),
        (5, 4, 0, 0, 1, 1, 2)
    );
    // the same steps stopped mid-way through the re-call
    let partial = RollCall::replay(open.rollcall.stations.clone(), &eventful_steps()[..7]);
    assert_eq!(partial.phase(), Phase::Recall);
    assert_eq!(partial.recall_queue(), [0]);
    // a step for the same place twice is refused: what is kept is never rewritten
    assert!(t
        .store
        .record_roll_call_step(open.id, 3, &Step::Undo, t.op.id, evening(0))
        .is_err());
    check(&t.store, &driven, "after a refused step");
}

#[test]
fn starting_again_carries_on_with_the_open_roll_call_rather_than_a_second() {
    let mut t = town();
    t.network();
    let first = t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    for (seq, step) in eventful_steps()[..4].iter().enumerate() {
        t.store
            .record_roll_call_step(first.id, seq, step, t.op.id, evening(0))
            .unwrap();
    }
    let audit = t.audit_rows();
    // even asked for a practice, later, by another operator
    let again = t
        .store
        .start_roll_call(true, t.other_op.id, evening(0) + mins(40))
        .unwrap();
    assert_eq!(again.id, first.id);
    assert!(!again.practice);
    assert_eq!(again.started_at, evening(0));
    assert_eq!(again.rollcall.steps, eventful_steps()[..4]);
    assert_eq!(again.rollcall.current(), Some(2));
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM roll_calls"), 1);
    assert_eq!(
        count(&t.path, "SELECT COUNT(*) FROM roll_call_stations"),
        5,
        "one roster"
    );
    assert_eq!(t.audit_rows(), audit, "nothing new started");
    // a second connection (another console) carries on with it too
    let mut other = Store::open(&t.path).unwrap();
    let theirs = other
        .start_roll_call(false, t.other_op.id, evening(0) + mins(41))
        .unwrap();
    assert_eq!(theirs.id, first.id);
    assert_eq!(theirs.rollcall.current(), Some(2));
}

#[test]
fn finishing_writes_the_summary_and_one_answer_row_per_station() {
    let mut t = town();
    let ids = t.network();
    let mut open = t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    for (seq, step) in eventful_steps().into_iter().enumerate() {
        open.rollcall.apply(step.clone()).unwrap();
        t.store
            .record_roll_call_step(open.id, seq, &step, t.op.id, evening(0))
            .unwrap();
    }
    let audit = t.audit_rows();
    let s = t
        .store
        .finish_roll_call(&open, t.op.id, evening(0) + mins(25))
        .unwrap();
    assert_eq!(s, open.rollcall.summary());
    assert!(
        t.store.open_roll_call().unwrap().is_none(),
        "nothing open now"
    );
    let rec = &t.store.roll_calls(10).unwrap()[0];
    assert_eq!(rec.id, open.id);
    assert_eq!(rec.started_at, evening(0));
    assert_eq!(rec.finished_at, Some(evening(0) + mins(25)));
    assert!(!rec.practice);
    assert_eq!(rec.summary, s);
    let mut rows: Vec<(i64, String, Option<i64>, bool)> = raw(&t.path)
        .prepare("SELECT radio_id, answer, readability, late FROM roll_call_answers WHERE roll_call_id = ?1")
        .unwrap()
        .query_map([open.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    let mut expected = vec![
        (ids["HS01"], "heard:4".to_string(), Some(4), true),
        (ids["HS02"], "heard:3".to_string(), Some(3), false),
        (ids["HS03"], "relay:HS02".to_string(), None, false),
        (ids["MS01"], "closed".to_string(), None, false),
        (ids["MS02"], "heard:5".to_string(), Some(5), true),
    ];
    expected.sort();
    assert_eq!(rows, expected, "one row per station, its final answer");
    assert_eq!(t.audit_rows(), audit + 1);
    let detail: String = raw(&t.path)
        .query_row(
            "SELECT detail FROM audit WHERE action = 'finish' AND entity = 'rollcall'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(detail.contains("4 of 5 answered"), "{detail}");
}

#[test]
fn finishing_twice_or_before_the_end_is_refused() {
    let mut t = town();
    t.network();
    let mut open = t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    for (seq, step) in eventful_steps()[..6].iter().enumerate() {
        open.rollcall.apply(step.clone()).unwrap();
        t.store
            .record_roll_call_step(open.id, seq, step, t.op.id, evening(0))
            .unwrap();
    }
    let audit = t.audit_rows();
    let e = t
        .store
        .finish_roll_call(&open, t.op.id, evening(0) + mins(10))
        .unwrap_err();
    assert_eq!(invalid(e), "the roll-call is not finished");
    assert_eq!(
        count(
            &t.path,
            "SELECT COUNT(*) FROM roll_calls WHERE finished_at IS NOT NULL"
        ),
        0
    );
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM roll_call_answers"), 0);
    assert_eq!(t.audit_rows(), audit);
    assert_eq!(t.store.open_roll_call().unwrap().unwrap().id, open.id);
    // F: the rest count as nothing heard
    open.rollcall.apply(Step::Finish).unwrap();
    t.store
        .record_roll_call_step(open.id, 6, &Step::Finish, t.op.id, evening(0) + mins(11))
        .unwrap();
    let s = t
        .store
        .finish_roll_call(&open, t.op.id, evening(0) + mins(11))
        .unwrap();
    assert_eq!(s.nothing_heard, 2, "MS01 uncalled, HS01 not re-called");
    // again, from the same screen or a second console's copy: who saved it, and when
    let e = t
        .store
        .finish_roll_call(&open, t.other_op.id, evening(0) + mins(12))
        .unwrap_err();
    assert_eq!(
        e.describe(chrono_tz::Europe::London),
        "the roll-call was already saved by Sam Okafor at 20:11:00"
    );
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM roll_call_answers"), 5);
    assert_eq!(
        t.store.roll_calls(1).unwrap()[0].finished_at,
        Some(evening(0) + mins(11)),
        "the first finish stands"
    );
    assert_eq!(t.audit_rows(), audit + 1);
}

#[test]
fn practice_roll_calls_are_left_out_of_recent_answers_and_coverage() {
    let mut t = town();
    let ids = t.network();
    t.run_roll_call(false, evening(2), &[("HS01", Answer::Heard(4))]);
    let real_answers = t.store.recent_answers(10).unwrap();
    let real_coverage = t.store.coverage_by_zone(10).unwrap();
    // a practice roll-call after it, with everyone silent
    let all_silent: Vec<(&str, Answer)> = ["HS01", "HS02", "HS03", "MS01", "MS02"]
        .into_iter()
        .map(|c| (c, Answer::NothingHeard))
        .collect();
    let practice = t.run_roll_call(true, evening(1), &all_silent);
    assert!(practice.practice);
    assert_eq!(t.store.recent_answers(10).unwrap(), real_answers);
    assert_eq!(t.store.recent_answers(1).unwrap(), real_answers);
    assert_eq!(t.store.coverage_by_zone(10).unwrap(), real_coverage);
    assert_eq!(real_answers[&ids["HS01"]], [Answer::Heard(4)]);
    // still listed, marked as practice
    let listed = t.store.roll_calls(10).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed[0].practice && !listed[1].practice);
    assert_eq!(listed[0].summary.nothing_heard, 5);
    // and an unfinished roll-call counts for nothing either
    t.store.start_roll_call(false, t.op.id, evening(0)).unwrap();
    assert_eq!(t.store.recent_answers(10).unwrap(), real_answers);
    assert_eq!(t.store.coverage_by_zone(10).unwrap(), real_coverage);
}

#[test]
fn recent_answers_are_the_last_n_real_roll_calls_oldest_first() {
    use Answer::*;
    let mut t = town();
    let ids = t.network();
    // HS01 fading night by night; MS01 closed on the second night
    t.run_roll_call(false, evening(4), &[("HS01", Heard(5))]);
    t.run_roll_call(
        false,
        evening(3),
        &[("HS01", Heard(4)), ("MS01", ClosedToday)],
    );
    t.run_roll_call(true, evening(3) + mins(60), &[("HS01", Heard(1))]); // practice
    t.run_roll_call(false, evening(2), &[("HS01", Heard(3))]);
    t.run_roll_call(false, evening(1), &[("HS01", NothingHeard)]);
    let last3 = t.store.recent_answers(3).unwrap();
    assert_eq!(last3[&ids["HS01"]], [Heard(4), Heard(3), NothingHeard]);
    assert_eq!(last3[&ids["MS01"]], [ClosedToday, Heard(5), Heard(5)]);
    assert_eq!(last3.len(), 5, "every station, none off the roster");
    assert!(!last3.contains_key(&ids["SP01"]));
    let all = t.store.recent_answers(10).unwrap();
    assert_eq!(
        all[&ids["HS01"]],
        [Heard(5), Heard(4), Heard(3), NothingHeard]
    );
    assert_eq!(
        t.store.recent_answers(1).unwrap()[&ids["HS01"]],
        [NothingHeard]
    );
    // a radio off the roster for the last two only has the ones it was on
    t.store
        .set_radio_status(
            ids["HS02"],
            t.version(ids["HS02"]),
            "in repair",
            "",
            t.op.id,
            evening(1) + mins(30),
        )
        .unwrap();
    t.run_roll_call(false, evening(0), &[]);
    assert_eq!(t.store.recent_answers(2).unwrap()[&ids["HS02"]], [Heard(5)]);
}

#[test]
fn recent_answers_follow_when_roll_calls_were_held_not_when_they_were_entered() {
    use Answer::*;
    let mut t = town();
    let ids = t.network();
    t.run_roll_call(false, evening(2), &[("HS01", Heard(3))]);
    t.run_roll_call(false, evening(1), &[("HS01", Heard(2))]);
    // entered afterwards, held the evening before both (a console whose
    // clock was a few days behind, or an import)
    t.run_roll_call(false, evening(3), &[("HS01", Heard(4))]);
    t.run_roll_call(false, evening(0), &[("HS01", Heard(1))]);
    assert_eq!(
        t.store.recent_answers(10).unwrap()[&ids["HS01"]],
        [Heard(4), Heard(3), Heard(2), Heard(1)],
        "oldest first by when they were held"
    );
    assert_eq!(
        t.store.recent_answers(3).unwrap()[&ids["HS01"]],
        [Heard(3), Heard(2), Heard(1)],
        "the last three held"
    );
}

#[test]
fn coverage_by_zone_is_the_share_of_loud_and_clear_answers_excluding_closed() {
    use Answer::*;
    let mut t = town();
    t.network();
    // High Street: one loud and clear, one weak, one relayed, one silent, one closed
    t.run_roll_call(
        false,
        evening(1),
        &[
            ("HS01", Heard(5)),
            ("HS02", Heard(2)),
            ("HS03", RelayedVia("HS01".into())),
            ("MS01", Heard(5)),
            ("MS02", ClosedToday),
        ],
    );
    t.run_roll_call(
        false,
        evening(0),
        &[
            ("HS01", NothingHeard),
            ("HS02", ClosedToday),
            ("HS03", Heard(5)),
            ("MS01", Heard(4)),
            ("MS02", Heard(5)),
        ],
    );
    let cov = t.store.coverage_by_zone(10).unwrap();
    let seen: Vec<(&str, f64, usize)> = cov.iter().map(|(z, s, n)| (z.as_str(), *s, *n)).collect();
    assert_eq!(
        seen,
        [
            ("High Street", 2.0 / 5.0, 5),
            ("Market Square", 2.0 / 3.0, 3)
        ],
        "silent and relayed answers count against a zone; closed ones not at all"
    );
    let last = t.store.coverage_by_zone(1).unwrap();
    let seen: Vec<(&str, f64, usize)> = last.iter().map(|(z, s, n)| (z.as_str(), *s, *n)).collect();
    assert_eq!(
        seen,
        [
            ("High Street", 1.0 / 2.0, 2),
            ("Market Square", 1.0 / 2.0, 2)
        ]
    );
    // a zone where nobody was heard at all
    let silent: Vec<(&str, Answer)> = ["HS01", "HS02", "HS03"]
        .into_iter()
        .map(|c| (c, NothingHeard))
        .collect();
    t.run_roll_call(false, evening(-1), &silent);
    assert_eq!(
        t.store.coverage_by_zone(1).unwrap()[0],
        ("High Street".to_string(), 0.0, 3)
    );
}
