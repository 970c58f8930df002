//! The audit trail on real store files when nobody has tampered with it: a
//! fresh demo store is intact and the binary says so, the chain links every
//! record to the one before, two consoles appending keep one unbroken chain,
//! `audit list` prints the latest records with hostile text cleaned, and a
//! record with an action this version does not know reads back as stored.

mod audit_common;
mod support;

use audit_common::*;
use rusqlite::params;
use std::path::Path;
use support::now as t0;
use watchroom::store::audit::{record_hash, record_hash_with_state, GENESIS};
use watchroom::store::Store;

// ------------------------------------------------------------------ intact

#[test]
fn a_fresh_demo_store_is_intact_and_the_binary_says_so() {
    let t = Trail::new();
    let n = t.count();
    assert!(n > K + 5, "a trail with a middle: {n}");
    let report = Store::open(&t.path).unwrap().verify_audit().unwrap();
    assert_eq!(report.problem, None);
    assert_eq!(report.records, n as u64);
    let last = report.last.unwrap();
    assert_eq!((last.id, last.seq, last.at), (n, n, t0()));
    assert_eq!(last.hash, t.hash_of(n));

    let (code, out, err) = t.cli(&["audit", "verify"]);
    assert_eq!(code, Some(0), "stderr: {err}");
    assert_eq!(
        out,
        format!(
            "audit trail intact: {n} records, last at 2026-11-27 12:00\nnewest: seq {n}, hash {}\n",
            last.hash
        )
    );
}

#[test]
fn the_chain_links_every_record_to_the_one_before() {
    let t = Trail::new();
    let c = t.raw();
    let mut st = c
        .prepare("SELECT id, seq, at, operator_id, action, entity, entity_id, detail, prev_hash, hash, state FROM audit ORDER BY id")
        .unwrap();
    let mut prev = GENESIS.to_string();
    let mut rows = st.query([]).unwrap();
    let mut n = 0;
    while let Some(r) = rows.next().unwrap() {
        n += 1;
        let seq: i64 = r.get(1).unwrap();
        assert_eq!(seq, n);
        assert_eq!(r.get::<_, String>(8).unwrap(), prev);
        let hash = record_hash_with_state(
            seq,
            r.get(2).unwrap(),
            r.get(3).unwrap(),
            &r.get::<_, String>(4).unwrap(),
            &r.get::<_, String>(5).unwrap(),
            r.get(6).unwrap(),
            &r.get::<_, String>(7).unwrap(),
            &prev,
            r.get::<_, Option<String>>(10).unwrap().as_deref(),
        );
        assert_eq!(r.get::<_, String>(9).unwrap(), hash);
        prev = hash;
    }
    // the anchor holds the newest record
    let anchor: (i64, String) = c
        .query_row("SELECT seq, hash FROM audit_anchor", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(anchor, (n, prev));
}

// ------------------------------------------------------------------ writers

#[test]
fn two_consoles_appending_alternately_keep_one_unbroken_chain() {
    let t = Trail::new();
    let before = t.count();
    let mut a = Store::open(&t.path).unwrap();
    let mut b = Store::open(&t.path).unwrap();
    let op_a = a.operator_or_add("Priya Shah", "operator", t0()).unwrap();
    let op_b = b.operator_or_add("Tom Baxter", "cctv", t0()).unwrap();
    for i in 0..25 {
        a.add_note(1, &format!("operator note {i}"), None, op_a.id, t0())
            .unwrap();
        b.add_note(2, &format!("cctv note {i}"), None, op_b.id, t0())
            .unwrap();
    }
    let report = a.verify_audit().unwrap();
    assert_eq!(report.problem, None);
    assert_eq!(report.records as i64, before + 50);
    let (rows, distinct, max): (i64, i64, i64) = t
        .raw()
        .query_row(
            "SELECT COUNT(*), COUNT(DISTINCT seq), MAX(seq) FROM audit",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (rows, distinct, max),
        (before + 50, before + 50, before + 50)
    );
}

#[test]
fn two_consoles_appending_at_the_same_time_never_fork_the_chain() {
    let t = Trail::new();
    let before = t.count();
    let path: &Path = &t.path;
    std::thread::scope(|s| {
        for (name, incident) in [("Priya Shah", 1), ("Tom Baxter", 2)] {
            s.spawn(move || {
                let mut store = Store::open(path).unwrap();
                let op = store.operator_or_add(name, "operator", t0()).unwrap();
                for i in 0..40 {
                    store
                        .add_note(incident, &format!("{name} note {i}"), None, op.id, t0())
                        .unwrap();
                }
            });
        }
    });
    let report = Store::open(&t.path).unwrap().verify_audit().unwrap();
    assert_eq!(report.problem, None);
    assert_eq!(report.records as i64, before + 80);
    assert_eq!(report.last.unwrap().seq, before + 80);
}

// ------------------------------------------------------------------ list

#[test]
fn audit_list_prints_the_latest_records_with_hostile_text_cleaned() {
    let t = Trail::new();
    let n = t.count();
    t.raw()
        .execute(
            "UPDATE audit SET detail = 'note \u{1b}[2J\u{1b}]0;pwned\u{7}' WHERE id = ?1",
            [n],
        )
        .unwrap();
    // only a manager reads the trail from the shell; a refusal is itself recorded
    let (code, out, err) = t.cli_as("Sam Okafor", "4567", &["audit", "list"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.is_empty() && err.contains("refused"), "{err}");
    let (code, out, err) = t.cli_as("Alex Morgan", "1234", &["audit", "list", "--limit", "5"]);
    assert_eq!(code, Some(0), "stderr: {err}");
    // the newest records are the manager's sign-in and Sam's refusal
    let all: Vec<&str> = out.lines().collect();
    assert_eq!(all.len(), 5, "{out}");
    assert!(
        all[0].contains("Alex Morgan") && all[1].contains("Sam Okafor"),
        "{out}"
    );
    let lines: Vec<&str> = all
        .iter()
        .copied()
        .filter(|l| !l.contains("Sam Okafor"))
        .skip_while(|l| !l.contains("note"))
        .collect();
    assert!(lines.len() >= 2, "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(
        lines[0].starts_with("2026-11-27 12:00  Alex Morgan"),
        "{out}"
    );
    let words = |l: &str| l.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
    assert_eq!(
        words(lines[0]),
        "2026-11-27 12:00 Alex Morgan note incident",
        "{out}"
    );
    assert!(lines[0].contains("\u{fffd}[2J"), "{out}");
    assert!(words(lines[1]).ends_with("note incident"), "{out}");
    assert!(lines[1].contains("incident #1"), "{out}");
}

#[test]
fn a_record_with_an_action_this_version_does_not_know_verifies_and_reads_back_as_stored() {
    use watchroom::domain::audit::RecordedAction;
    use watchroom::store::audit::AuditQuery;
    // sealed and anchored as another version of watchroom would have written it
    let t = Trail::new();
    let n = t.count();
    let at = t0().timestamp() + 60;
    let hash = record_hash(
        n + 1,
        at,
        Some(1),
        "redact",
        "offender",
        Some(3),
        "",
        &t.hash_of(n),
    );
    let c = t.raw();
    c.execute(
        "INSERT INTO audit (at, operator_id, action, entity, entity_id, detail, seq, prev_hash, hash)
         VALUES (?1, 1, 'redact', 'offender', 3, '', ?2, ?3, ?4)",
        params![at, n + 1, t.hash_of(n), hash],
    )
    .unwrap();
    c.execute(
        "UPDATE audit_anchor SET seq = ?1, hash = ?2",
        params![n + 1, hash],
    )
    .unwrap();
    assert_eq!(t.problem(), None);
    let s = Store::open(&t.path).unwrap();
    let newest = &s.recent_audit(None, 1).unwrap()[0];
    assert_eq!(newest.action, RecordedAction::Unknown("redact".into()));
    assert_eq!(newest.action.code(), "redact");
    let found = s
        .audit_filtered(
            &AuditQuery {
                words: vec!["redact".into()],
                ..AuditQuery::default()
            },
            10,
        )
        .unwrap();
    assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), [n + 1]);
    // the listing prints it as stored (after the manager's own sign-in)
    let (code, out, err) = t.cli_as("Alex Morgan", "1234", &["audit", "list", "--limit", "3"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("redact"), "{out}");
}
