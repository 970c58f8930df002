//! The audit trail proves itself against tampering: on real store files, each
//! kind an attacker with the sqlite3 tool could do is named — which record,
//! and whether it was edited, removed or inserted — by `Store::verify_audit`
//! and by the real binary (`watchroom audit verify`), which exits non-zero.

mod audit_common;
mod support;

use audit_common::*;
use chrono::Duration;
use rusqlite::{params, Connection};
use support::now as t0;
use watchroom::store::audit::{
    record_hash, record_hash_with_state, AuditLink, AuditProblem, AuditProblemKind, Intrusion,
};
use watchroom::store::demo::DEMO_OPERATOR;
use watchroom::store::Store;

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
    // the last record is a note, and carries its incident's state
    let state: Option<String> = c
        .query_row("SELECT state FROM audit WHERE id = ?1", [n], |r| r.get(0))
        .unwrap();
    assert!(state.is_some());
    let forged = record_hash_with_state(
        n,
        at,
        op,
        &action,
        &entity,
        entity_id,
        "nothing to see",
        &t.hash_of(n - 1),
        state.as_deref(),
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
