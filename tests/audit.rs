//! The audit trail proves itself: on real store files, each kind of tampering
//! an attacker with the sqlite3 tool could do is named — which record, and
//! whether it was edited, removed or inserted — by `Store::verify_audit` and
//! by the real binary (`watchroom audit verify`), which exits non-zero.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;
use watchroom::store::audit::{
    record_hash, AuditLink, AuditProblem, AuditProblemKind, Intrusion, GENESIS,
};
use watchroom::store::demo::{build_demo, DEMO_OPERATOR};
use watchroom::store::Store;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// Notes added on top of the demo town, so the trail has a middle.
const NOTES: usize = 20;
/// The record most tests tamper with: well inside the trail.
const K: i64 = 10;

/// A demo store on a real file, with its trail of audit records.
struct Trail {
    dir: TempDir,
    path: PathBuf,
}

impl Trail {
    fn new() -> Trail {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watchroom.db");
        let mut store = Store::open(&path).unwrap();
        build_demo(&mut store, t0()).unwrap();
        let op = store
            .operator_or_add(DEMO_OPERATOR, "operator", t0())
            .unwrap();
        for i in 0..NOTES {
            store
                .add_note(
                    1,
                    &format!("update {i} from the CCTV desk"),
                    None,
                    op.id,
                    t0(),
                )
                .unwrap();
        }
        Trail { dir, path }
    }

    /// The attacker's own connection, as the sqlite3 tool would give them.
    fn raw(&self) -> Connection {
        let c = Connection::open(&self.path).unwrap();
        c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
        c
    }

    fn count(&self) -> i64 {
        self.raw()
            .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
            .unwrap()
    }

    fn hash_of(&self, id: i64) -> String {
        self.raw()
            .query_row("SELECT hash FROM audit WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    }

    /// What a fresh console opening the store finds.
    fn problem(&self) -> Option<AuditProblem> {
        Store::open(&self.path)
            .unwrap()
            .verify_audit()
            .unwrap()
            .problem
    }

    /// `watchroom audit verify --db PATH`: exit code and what it printed.
    /// The binary as a manager (or whoever `who` is) runs it, PIN on stdin.
    fn cli_as(&self, who: &str, pin: &str, args: &[&str]) -> (Option<i32>, String, String) {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = Command::new(env!("CARGO_BIN_EXE_watchroom"))
            .args(args)
            .arg("--db")
            .arg(&self.path)
            .args(["--as", who])
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env_remove("WATCHROOM_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{pin}").unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    fn cli(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_watchroom"))
            .args(args)
            .arg("--db")
            .arg(&self.path)
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env_remove("WATCHROOM_LOG")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// Both the store and the binary name `expected`; the binary exits 1.
    fn assert_broken(&self, expected: &AuditProblem) {
        assert_eq!(self.problem().as_ref(), Some(expected));
        let (code, out, err) = self.cli(&["audit", "verify"]);
        assert_eq!(
            out,
            format!("audit trail broken at {expected}\n"),
            "stderr: {err}"
        );
        assert_eq!(code, Some(1), "stderr: {err}");
    }
}

fn link(id: i64, seq: i64) -> AuditLink {
    AuditLink { id, seq }
}

/// Every column of a record, for forging one like it.
type Row = (i64, Option<i64>, String, String, Option<i64>, String);

fn row_of(c: &Connection, id: i64) -> Row {
    c.query_row(
        "SELECT at, operator_id, action, entity, entity_id, detail FROM audit WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )
    .unwrap()
}

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
        .prepare("SELECT id, seq, at, operator_id, action, entity, entity_id, detail, prev_hash, hash FROM audit ORDER BY id")
        .unwrap();
    let mut prev = GENESIS.to_string();
    let mut rows = st.query([]).unwrap();
    let mut n = 0;
    while let Some(r) = rows.next().unwrap() {
        n += 1;
        let seq: i64 = r.get(1).unwrap();
        assert_eq!(seq, n);
        assert_eq!(r.get::<_, String>(8).unwrap(), prev);
        let hash = record_hash(
            seq,
            r.get(2).unwrap(),
            r.get(3).unwrap(),
            &r.get::<_, String>(4).unwrap(),
            &r.get::<_, String>(5).unwrap(),
            r.get(6).unwrap(),
            &r.get::<_, String>(7).unwrap(),
            &prev,
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

// ------------------------------------------------------------------ edited

#[test]
fn an_edited_record_is_named() {
    let t = Trail::new();
    t.raw()
        .execute(
            "UPDATE audit SET detail = 'nothing to see' WHERE id = ?1",
            [K],
        )
        .unwrap();
    let expected = AuditProblem::Edited {
        id: K,
        seq: Some(K),
    };
    assert_eq!(expected.kind(), AuditProblemKind::Edited);
    assert_eq!(expected.record_id(), Some(K));
    t.assert_broken(&expected);
    assert_eq!(
        expected.to_string(),
        format!("record {K} (seq {K}): its content does not match its hash — it was edited after it was written")
    );
}

#[test]
fn an_edit_of_who_or_when_is_named_too() {
    let t = Trail::new();
    t.raw()
        .execute(
            "UPDATE audit SET at = at - 3600, operator_id = NULL WHERE id = ?1",
            [K + 3],
        )
        .unwrap();
    t.assert_broken(&AuditProblem::Edited {
        id: K + 3,
        seq: Some(K + 3),
    });
}

#[test]
fn an_edited_record_whose_hash_was_recomputed_is_named_by_the_record_after_it() {
    let t = Trail::new();
    let c = t.raw();
    let (at, op, action, entity, entity_id, _) = row_of(&c, K);
    let prev = t.hash_of(K - 1);
    let forged = record_hash(
        K,
        at,
        op,
        &action,
        &entity,
        entity_id,
        "nothing to see",
        &prev,
    );
    c.execute(
        "UPDATE audit SET detail = 'nothing to see', hash = ?1 WHERE id = ?2",
        params![forged, K],
    )
    .unwrap();
    let expected = AuditProblem::Resealed {
        id: K,
        seq: K,
        next: link(K + 1, K + 1),
    };
    assert_eq!(expected.kind(), AuditProblemKind::Edited);
    t.assert_broken(&expected);
}

#[test]
fn the_last_record_rewritten_with_its_hash_recomputed_is_caught_by_the_anchor() {
    let t = Trail::new();
    let n = t.count();
    let c = t.raw();
    let (at, op, action, entity, entity_id, _) = row_of(&c, n);
    let forged = record_hash(
        n,
        at,
        op,
        &action,
        &entity,
        entity_id,
        "nothing to see",
        &t.hash_of(n - 1),
    );
    c.execute(
        "UPDATE audit SET detail = 'nothing to see', hash = ?1 WHERE id = ?2",
        params![forged, n],
    )
    .unwrap();
    let expected = AuditProblem::AnchorMismatch {
        record: link(n, n),
        anchor_seq: Some(n),
    };
    assert_eq!(expected.kind(), AuditProblemKind::Anchor);
    t.assert_broken(&expected);
}

// ------------------------------------------------------------------ removed

#[test]
fn a_removed_record_is_named_by_the_gap_it_leaves() {
    let t = Trail::new();
    t.raw()
        .execute("DELETE FROM audit WHERE id = ?1", [K])
        .unwrap();
    let expected = AuditProblem::Removed {
        from: K,
        to: K,
        after: Some(link(K - 1, K - 1)),
        before: Some(link(K + 1, K + 1)),
    };
    assert_eq!(expected.kind(), AuditProblemKind::Removed);
    assert_eq!(expected.record_id(), Some(K + 1));
    t.assert_broken(&expected);
    assert_eq!(
        expected.to_string(),
        format!(
            "record {} (seq {}): seq {K} is missing before it, after record {} (seq {}) — a record was removed",
            K + 1,
            K + 1,
            K - 1,
            K - 1
        )
    );
}

#[test]
fn several_removed_records_and_the_first_one_are_named() {
    let t = Trail::new();
    t.raw()
        .execute("DELETE FROM audit WHERE id BETWEEN ?1 AND ?2", [K, K + 2])
        .unwrap();
    t.assert_broken(&AuditProblem::Removed {
        from: K,
        to: K + 2,
        after: Some(link(K - 1, K - 1)),
        before: Some(link(K + 3, K + 3)),
    });

    let t = Trail::new();
    t.raw()
        .execute("DELETE FROM audit WHERE id = 1", [])
        .unwrap();
    t.assert_broken(&AuditProblem::Removed {
        from: 1,
        to: 1,
        after: None,
        before: Some(link(2, 2)),
    });
}

#[test]
fn a_removed_last_record_is_caught_by_the_anchor() {
    let t = Trail::new();
    let n = t.count();
    t.raw()
        .execute("DELETE FROM audit WHERE id = ?1", [n])
        .unwrap();
    let expected = AuditProblem::Removed {
        from: n,
        to: n,
        after: Some(link(n - 1, n - 1)),
        before: None,
    };
    assert_eq!(expected.record_id(), None);
    t.assert_broken(&expected);
    assert!(expected.to_string().starts_with(&format!(
        "the end: seq {n} is missing after record {} (seq {}), the last one left",
        n - 1,
        n - 1
    )));
}

#[test]
fn a_cut_tail_stays_visible_after_the_next_write() {
    let t = Trail::new();
    let n = t.count();
    t.raw()
        .execute("DELETE FROM audit WHERE id >= ?1", [n - 1])
        .unwrap();
    // a console writes on: the new record still names the last one removed
    let mut store = Store::open(&t.path).unwrap();
    let op = store
        .operator_or_add(DEMO_OPERATOR, "operator", t0())
        .unwrap();
    store
        .add_note(1, "after the cut", None, op.id, t0())
        .unwrap();
    t.assert_broken(&AuditProblem::Removed {
        from: n - 1,
        to: n,
        after: Some(link(n - 2, n - 2)),
        before: Some(link(n - 1, n + 1)),
    });
}

#[test]
fn an_emptied_trail_is_caught_by_the_anchor() {
    let t = Trail::new();
    let n = t.count();
    t.raw().execute("DELETE FROM audit", []).unwrap();
    t.assert_broken(&AuditProblem::Removed {
        from: 1,
        to: n,
        after: None,
        before: None,
    });
}

#[test]
fn a_removed_anchor_is_reported() {
    let t = Trail::new();
    let n = t.count();
    t.raw().execute("DELETE FROM audit_anchor", []).unwrap();
    let expected = AuditProblem::AnchorMissing { last: link(n, n) };
    assert_eq!(expected.kind(), AuditProblemKind::Anchor);
    t.assert_broken(&expected);
}

/// The limit of any check kept inside the file: an attacker who cuts the
/// tail and moves the anchor back to match leaves a trail that verifies.
/// Only a witness kept elsewhere (the newest seq and hash that `audit
/// verify` prints) shows it: the trail no longer reaches that record.
#[test]
fn cutting_the_tail_and_moving_the_anchor_too_is_the_limit() {
    let t = Trail::new();
    let n = t.count();
    let (_, out, _) = t.cli(&["audit", "verify"]);
    let witness = format!("newest: seq {n}, hash {}", t.hash_of(n));
    assert!(out.contains(&witness), "{out}");
    let c = t.raw();
    c.execute("DELETE FROM audit WHERE id = ?1", [n]).unwrap();
    c.execute(
        "UPDATE audit_anchor SET seq = ?1, hash = ?2",
        params![n - 1, t.hash_of(n - 1)],
    )
    .unwrap();
    assert_eq!(t.problem(), None);
    let (code, out, _) = t.cli(&["audit", "verify"]);
    assert_eq!(code, Some(0));
    assert!(!out.contains(&witness), "{out}");
}

// ------------------------------------------------------------------ inserted

/// Make room for a record at id `at` by moving every record from there up one.
fn open_gap(c: &Connection, at: i64) {
    c.execute("UPDATE audit SET id = id + 1000000 WHERE id >= ?1", [at])
        .unwrap();
    c.execute(
        "UPDATE audit SET id = id - 1000000 + 1 WHERE id >= 1000000",
        [],
    )
    .unwrap();
}

#[test]
fn a_forged_record_in_the_middle_is_named() {
    let t = Trail::new();
    let prev = t.hash_of(K - 1);
    let c = t.raw();
    open_gap(&c, K);
    c.execute(
        "INSERT INTO audit (id, at, operator_id, action, entity, entity_id, detail, seq, prev_hash, hash)
         VALUES (?1, ?2, 1, 'view', 'offender', 3, 'routine check', ?3, ?4, ?5)",
        params![K, (t0() - Duration::hours(2)).timestamp(), K, prev, "f".repeat(64)],
    )
    .unwrap();
    let expected = AuditProblem::Inserted {
        id: K,
        seq: Some(K),
        how: Intrusion::Bypassed {
            after: Some(link(K - 1, K - 1)),
            sealed: true,
        },
    };
    assert_eq!(expected.kind(), AuditProblemKind::Inserted);
    t.assert_broken(&expected);
}

#[test]
fn a_record_added_by_hand_in_the_middle_without_a_hash_is_named() {
    let t = Trail::new();
    let c = t.raw();
    open_gap(&c, K);
    c.execute(
        "INSERT INTO audit (id, at, operator_id, action, entity, entity_id, detail)
         VALUES (?1, ?2, 1, 'view', 'offender', 3, 'routine check')",
        params![K, t0().timestamp()],
    )
    .unwrap();
    t.assert_broken(&AuditProblem::Inserted {
        id: K,
        seq: None,
        how: Intrusion::Bypassed {
            after: Some(link(K - 1, K - 1)),
            sealed: false,
        },
    });
}

/// An attacker who knows the scheme forges a record with a correct hash in
/// the place of record K: two records now follow record K − 1, and the chain
/// goes on from the genuine one.
#[test]
fn a_well_forged_record_claiming_a_taken_place_is_named() {
    let t = Trail::new();
    let prev = t.hash_of(K - 1);
    let c = t.raw();
    open_gap(&c, K);
    let at = (t0() - Duration::hours(2)).timestamp();
    let hash = record_hash(
        K,
        at,
        Some(1),
        "view",
        "offender",
        Some(3),
        "routine check",
        &prev,
    );
    c.execute(
        "INSERT INTO audit (id, at, operator_id, action, entity, entity_id, detail, seq, prev_hash, hash)
         VALUES (?1, ?2, 1, 'view', 'offender', 3, 'routine check', ?3, ?4, ?5)",
        params![K, at, K, prev, hash],
    )
    .unwrap();
    t.assert_broken(&AuditProblem::Inserted {
        id: K,
        seq: Some(K),
        how: Intrusion::Twin {
            other: K + 1,
            after: Some(link(K - 1, K - 1)),
        },
    });
}

#[test]
fn a_record_with_a_duplicated_seq_at_the_end_is_named() {
    let t = Trail::new();
    let n = t.count();
    let c = t.raw();
    c.execute(
        "INSERT INTO audit (at, operator_id, action, entity, entity_id, detail, seq, prev_hash, hash)
         VALUES (?1, 1, 'view', 'offender', 3, 'routine check', 3, ?2, ?3)",
        params![t0().timestamp(), t.hash_of(2), "a".repeat(64)],
    )
    .unwrap();
    t.assert_broken(&AuditProblem::Inserted {
        id: n + 1,
        seq: Some(3),
        how: Intrusion::AfterAnchor { last: link(n, n) },
    });
}

#[test]
fn a_well_forged_record_added_at_the_end_is_caught_by_the_anchor() {
    let t = Trail::new();
    let n = t.count();
    let prev = t.hash_of(n);
    let at = t0().timestamp() + 60;
    let hash = record_hash(
        n + 1,
        at,
        Some(1),
        "view",
        "offender",
        Some(3),
        "routine check",
        &prev,
    );
    t.raw()
        .execute(
            "INSERT INTO audit (at, operator_id, action, entity, entity_id, detail, seq, prev_hash, hash)
             VALUES (?1, 1, 'view', 'offender', 3, 'routine check', ?2, ?3, ?4)",
            params![at, n + 1, prev, hash],
        )
        .unwrap();
    let expected = AuditProblem::Inserted {
        id: n + 1,
        seq: Some(n + 1),
        how: Intrusion::AfterAnchor { last: link(n, n) },
    };
    t.assert_broken(&expected);

    // and a record added by hand at the end is never sealed by a console opening
    let t = Trail::new();
    t.raw()
        .execute(
            "INSERT INTO audit (at, operator_id, action, entity, detail) VALUES (?1, 1, 'view', 'offender', 'x')",
            [t0().timestamp()],
        )
        .unwrap();
    let expected = AuditProblem::Inserted {
        id: n + 1,
        seq: None,
        how: Intrusion::AfterAnchor { last: link(n, n) },
    };
    t.assert_broken(&expected);
}

#[test]
fn records_moved_out_of_their_order_are_named() {
    let t = Trail::new();
    let c = t.raw();
    // swap records K and K + 1
    c.execute("UPDATE audit SET id = -1 WHERE id = ?1", [K])
        .unwrap();
    c.execute("UPDATE audit SET id = ?1 WHERE id = ?2", [K, K + 1])
        .unwrap();
    c.execute("UPDATE audit SET id = ?1 WHERE id = -1", [K + 1])
        .unwrap();
    t.assert_broken(&AuditProblem::Inserted {
        id: K,
        seq: Some(K + 1),
        how: Intrusion::Bypassed {
            after: Some(link(K - 1, K - 1)),
            sealed: true,
        },
    });
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
