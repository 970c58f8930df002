//! What the radio store tests share: a small town of zones and members with
//! radios, on a real SQLite file in a temporary folder; evenings to hold
//! roll-calls on; and a connection of our own for counting rows.

#![allow(dead_code)] // each test file uses a different part of this

use crate::support::now as t0;
#[allow(unused_imports)] // each test file that shares this uses its own share of it
pub use crate::support::{count, mins, raw};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::path::PathBuf;
use tempfile::TempDir;
use watchroom::domain::rollcall::{Answer, Step};
use watchroom::store::rollcalls::OpenRollCall;
use watchroom::store::{Operator, Store, StoreError};

/// 20:00 on the evening `n` days before `t0`.
pub fn evening(n: i64) -> DateTime<Utc> {
    (t0() - Duration::days(n))
        .date_naive()
        .and_hms_opt(20, 0, 0)
        .unwrap()
        .and_utc()
}

/// A small town: two zones, three active members and a lapsed one, two
/// operators. No radios yet.
pub struct Town {
    pub _dir: TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub op: Operator,
    pub other_op: Operator,
    pub greggs: i64,
    pub boots: i64,
    pub old_bell: i64,
    pub lapsed: i64,
}

pub fn town() -> Town {
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
    pub fn version(&self, radio: i64) -> i64 {
        self.store.radio(radio).unwrap().version
    }

    /// A radio issued to the lapsed member while it was still on the
    /// scheme (no radio can be issued to one now).
    pub fn radio_of_lapsed(&mut self, call_sign: &str) -> i64 {
        let (path, lapsed) = (self.path.clone(), self.lapsed);
        let set = move |status: &str| {
            raw(&path)
                .execute(
                    "UPDATE members SET status = ?1 WHERE id = ?2",
                    rusqlite::params![status, lapsed],
                )
                .unwrap()
        };
        set("active");
        let id = self.radio(call_sign, Some(self.lapsed), "issued");
        set("lapsed");
        id
    }

    pub fn radio(&mut self, call_sign: &str, member: Option<i64>, status: &str) -> i64 {
        let serial = format!("SN-{call_sign}");
        self.store
            .add_radio(call_sign, &serial, member, status, self.op.id, t0())
            .unwrap()
            .id
    }

    /// Five radios on the roster (HS01–HS03 at Greggs and Boots on the High
    /// Street, MS01 and MS02 at the Old Bell), and some that are not.
    pub fn network(&mut self) -> HashMap<&'static str, i64> {
        let (g, b, o) = (self.greggs, self.boots, self.old_bell);
        let mut ids = HashMap::new();
        for (cs, member, status) in [
            ("MS02", Some(o), "issued"),
            ("HS02", Some(b), "issued"),
            ("MS01", Some(o), "issued"),
            ("HS01", Some(g), "issued"),
            ("HS03", Some(g), "issued"),
            ("HS08", Some(g), "faulty"), // not issued
            ("SP01", None, "spare"),     // on the shelf
        ] {
            ids.insert(cs, self.radio(cs, member, status));
        }
        ids.insert("HS09", self.radio_of_lapsed("HS09"));
        ids
    }

    pub fn audit_rows(&self) -> i64 {
        count(&self.path, "SELECT COUNT(*) FROM audit")
    }

    /// Start a roll-call at `at`, answer every station from `answers` (by
    /// call sign; loud and clear if not named), keep each step, finish it.
    pub fn run_roll_call(
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

pub fn invalid(e: StoreError) -> String {
    match e {
        StoreError::Invalid(m) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}
