//! What the audit trail proves beyond its own chain, attacked as someone with
//! the sqlite3 tool would, each on a copy of a real store and each caught by
//! the real binary with its message: a trail emptied on a store with records,
//! a tail cut and re-anchored (caught by a checkpoint kept elsewhere), a whole
//! chain rewritten with recomputed hashes (caught when keyed), and a row
//! edited in its own table (caught by `--deep`). An untouched store passes
//! every one of them.

mod audit_common;
mod support;

use audit_common::*;
use chrono::Duration;
use rusqlite::{params, Connection};
use support::now as t0;
use watchroom::domain::audit::Checkpoint;
use watchroom::domain::exclusion::{Ladder, Scope};
use watchroom::domain::incident::Status;
use watchroom::store::audit::{record_hash_with_state, AuditLink, AuditProblem};
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::{Store, StoreError};

/// Every check at once, as a scheme's cron would run it.
const ALL: &[&str] = &["audit", "verify", "--deep"];

fn passes(t: &Trail, args: &[&str]) -> String {
    let (code, out, err) = t.cli(args);
    assert_eq!(code, Some(0), "{args:?}: {out}{err}");
    assert!(out.starts_with("audit trail intact: "), "{out}");
    out
}

/// `audit checkpoint --out FILE` and what it wrote.
fn checkpoint(t: &Trail) -> String {
    let file = t.dir.path().join("kept-elsewhere.checkpoint");
    let (code, out, err) = t.cli(&["audit", "checkpoint", "--out", file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}{err}");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        out.starts_with(&format!("checkpoint {}", written.trim())),
        "{out}"
    );
    written.trim().to_string()
}

/// The binary ends naming `expected` and exits 1 (`--deep` says first that
/// the trail itself is intact).
fn caught(t: &Trail, args: &[&str], expected: &str) {
    let (code, out, err) = t.cli(args);
    assert_eq!(out.lines().last(), Some(expected), "{out}stderr: {err}");
    assert!(out.ends_with('\n'));
    assert_eq!(code, Some(1), "stderr: {err}");
}

/// An exclusion served through the store, as the register serves one, on
/// someone on the demo's register.
fn exclusion(store: &mut Store) -> i64 {
    let offender = first_offender(store, "known");
    exclusion_on(store, offender)
}

fn first_offender(store: &Store, kind: &str) -> i64 {
    Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT id FROM offenders WHERE status = 'active' AND kind = ?1 ORDER BY id LIMIT 1",
            [kind],
            |r| r.get(0),
        )
        .expect("the demo has people of each kind on the register")
}

fn exclusion_on(store: &mut Store, offender: i64) -> i64 {
    let ladder = Ladder::default();
    let stage = ladder.stages.last().unwrap().name.clone();
    let op = store
        .operator_by_name(watchroom::store::demo::DEMO_OPERATOR)
        .unwrap()
        .unwrap()
        .id;
    store
        .create_exclusion(
            &NewExclusion {
                offender_id: offender,
                stage,
                scope: Scope::AllZones,
                starts_at: t0(),
                ends_at: t0() + Duration::days(180),
                served_at: Some(t0()),
                served_by: "PC Hale".into(),
                reason: "repeated thefts".into(),
                evidence: vec![],
                review_on: None,
            },
            &ladder,
            op,
            t0(),
        )
        .unwrap()
        .id
}

// ------------------------------------------------------------ no false alarms

#[test]
fn an_untouched_demo_store_passes_every_check() {
    let t = Trail::new();
    let c = checkpoint(&t);
    let out = passes(&t, &["audit", "verify", "--deep", "--expect", &c]);
    assert!(
        out.contains(&format!("checkpoint {c} found on the trail\n")),
        "{out}"
    );
    // the notes on incident 1 describe it
    assert!(
        out.contains("records as the trail describes them: 1 compared"),
        "{out}"
    );
}

#[test]
fn a_store_made_from_empty_with_nothing_audited_passes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::open(&path).unwrap());
    let t = Trail {
        dir,
        path: path.clone(),
    };
    let out = passes(&t, ALL);
    assert!(
        out.starts_with("audit trail intact: no records yet\n"),
        "{out}"
    );
    // nothing to checkpoint, and nothing written
    let file = t.dir.path().join("c");
    let (code, _, err) = t.cli(&["audit", "checkpoint", "--out", file.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(err.contains("nothing to checkpoint"), "{err}");
    assert!(!file.exists());
}

#[test]
fn a_store_worked_on_through_watchroom_passes_deep() {
    let t = Trail::new();
    let mut s = Store::open(&t.path).unwrap();
    let op = s
        .operator_by_name(watchroom::store::demo::DEMO_OPERATOR)
        .unwrap()
        .unwrap()
        .id;
    let e = exclusion(&mut s);
    let version = s.exclusion(e).unwrap().version;
    s.lift_exclusion(e, version, "moved away", op, t0())
        .unwrap();
    // an ID-sought person with an exclusion, identified: the exclusion moves
    let (sought, known) = (first_offender(&s, "id_sought"), first_offender(&s, "known"));
    let moved = exclusion_on(&mut s, sought);
    s.merge_offender(sought, known, op, t0()).unwrap();
    assert_eq!(s.exclusion(moved).unwrap().offender_id, known);
    let open: i64 = Connection::open(&t.path)
        .unwrap()
        .query_row(
            "SELECT id FROM incidents WHERE status = 'open' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let i = s.incident(open).unwrap().unwrap();
    s.set_status(open, i.version, Status::Responding, None, op, t0())
        .unwrap();
    drop(s);
    let out = passes(&t, ALL);
    // two exclusions, two people, the incident moved on and incident 1 (noted)
    assert!(
        out.contains("records as the trail describes them: 6 compared"),
        "{out}"
    );
}

// ------------------------------------------------------------ emptied

#[test]
fn a_trail_emptied_with_its_anchor_on_a_store_with_records_is_broken() {
    let t = Trail::new();
    let incidents: i64 = t
        .raw()
        .query_row("SELECT COUNT(*) FROM incidents", [], |r| r.get(0))
        .unwrap();
    t.raw()
        .execute_batch("DELETE FROM audit; DELETE FROM audit_anchor;")
        .unwrap();
    let expected = AuditProblem::Emptied {
        table: "incidents",
        rows: incidents,
    };
    t.assert_broken(&expected);
    assert_eq!(
        expected.to_string(),
        format!("the start: there are no records (and no anchor), yet the store holds {incidents} incidents, each written with one — the trail was emptied")
    );
}

// ------------------------------------------------------------ cut and re-anchored

#[test]
fn a_tail_cut_and_re_anchored_passes_alone_but_not_against_a_checkpoint() {
    let t = Trail::new();
    let kept = checkpoint(&t);
    let n = t.count();
    let c = t.raw();
    c.execute("DELETE FROM audit WHERE id > ?1", [n - 3])
        .unwrap();
    c.execute(
        "UPDATE audit_anchor SET seq = ?1, hash = ?2",
        params![n - 3, t.hash_of(n - 3)],
    )
    .unwrap();
    // the limit of a trail with no witness outside it
    passes(&t, &["audit", "verify"]);
    caught(
        &t,
        &["audit", "verify", "--expect", &kept],
        &format!(
            "audit trail broken at the checkpoint: seq {n} is not in the trail, which ends at record {} (seq {}) — records were cut from the end and its anchor set to match",
            n - 3,
            n - 3
        ),
    );
}

#[test]
fn a_checkpoint_whose_record_was_rewritten_is_named() {
    let t = Trail::new();
    let hash = "ab".repeat(32);
    caught(
        &t,
        &["audit", "verify", "--expect", &format!("{K}:{hash}")],
        &format!("audit trail broken at record {K} (seq {K}): its hash is not the one the checkpoint holds for seq {K} — the trail was rewritten up to here and its hashes recomputed"),
    );
}

#[test]
fn a_backup_carries_its_checkpoint_beside_it() {
    let t = Trail::new();
    let out = t.dir.path().join("nightly.db");
    let (code, printed, err) = t.cli_as(
        "Alex Morgan",
        "1234",
        &["backup", "--out", out.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{printed}{err}");
    let carried = std::fs::read_to_string(t.dir.path().join("nightly.db.checkpoint")).unwrap();
    let carried: Checkpoint = carried.parse().unwrap();
    assert!(
        printed.contains(&format!("checkpoint {carried} written to ")),
        "{printed}"
    );
    // the live trail (which has since recorded the backup) still holds it
    passes(&t, &["audit", "verify", "--expect", &carried.to_string()]);
    // and so does the copy
    let copy = Store::open(&out).unwrap();
    assert!(copy
        .verify_audit_expecting(Some(&carried))
        .unwrap()
        .is_intact());
}

#[test]
fn a_malformed_checkpoint_is_refused_saying_the_form() {
    let t = Trail::new();
    for bad in ["12", "12:abc", "seq:hash", &format!("0:{}", "a".repeat(64))] {
        let (code, out, err) = t.cli(&["audit", "verify", "--expect", bad]);
        assert_eq!(code, Some(2), "{bad}: {out}{err}");
        assert!(
            err.contains("SEQ:HASH") && err.contains("64 hex digits"),
            "{bad}: {err}"
        );
        assert!(out.is_empty());
    }
}

// ------------------------------------------------------------ rewritten

/// Rewrite record `k`'s detail and reseal it and every record after it with
/// the unkeyed hash, as someone who knows the encoding but not the key would;
/// the anchor set to match.
fn rewrite_from(c: &Connection, k: i64) {
    let mut prev: String = if k == 1 {
        watchroom::store::audit::GENESIS.to_string()
    } else {
        c.query_row("SELECT hash FROM audit WHERE id = ?1", [k - 1], |r| {
            r.get(0)
        })
        .unwrap()
    };
    c.execute(
        "UPDATE audit SET detail = 'nothing to see' WHERE id = ?1",
        [k],
    )
    .unwrap();
    type Row = (
        i64,
        i64,
        Option<i64>,
        String,
        String,
        Option<i64>,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = c
        .prepare("SELECT id, at, operator_id, action, entity, entity_id, detail, state FROM audit WHERE id >= ?1 ORDER BY id")
        .unwrap()
        .query_map([k], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (id, at, op, action, entity, entity_id, detail, state) in rows {
        let hash = record_hash_with_state(
            id,
            at,
            op,
            &action,
            &entity,
            entity_id,
            &detail,
            &prev,
            state.as_deref(),
        );
        c.execute(
            "UPDATE audit SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
            params![prev, hash, id],
        )
        .unwrap();
        prev = hash;
    }
    c.execute("UPDATE audit_anchor SET hash = ?1", [prev])
        .unwrap();
}

#[test]
fn a_keyed_trail_verifies_with_its_key_and_is_not_checked_without_it() {
    let t = Trail::keyed();
    let c = checkpoint(&t);
    passes(&t, &["audit", "verify", "--deep", "--expect", &c]);
    // the same store with no key in the config
    t.write_config("");
    caught(
        &t,
        &["audit", "verify"],
        &format!(
            "audit trail not verified: the audit trail of {} is keyed: give its key with [audit] key_file in the config; nothing was saved or checked without it",
            t.path.display()
        ),
    );
}

#[test]
fn a_whole_chain_rewritten_with_recomputed_hashes_is_caught_when_keyed() {
    // unkeyed, nothing inside the file can tell
    let t = Trail::new();
    rewrite_from(&t.raw(), K);
    passes(&t, &["audit", "verify"]);

    // keyed, the first rewritten record fails for whoever holds the key
    let t = Trail::keyed();
    rewrite_from(&t.raw(), K);
    caught(
        &t,
        &["audit", "verify"],
        &format!("audit trail broken at record {K} (seq {K}): its content does not match its hash — it was edited after it was written"),
    );
    let s = Store::open_with_audit_key(&t.path, Some(&key())).unwrap();
    assert_eq!(
        s.verify_audit().unwrap().problem,
        Some(AuditProblem::Edited {
            id: K,
            seq: Some(K)
        })
    );
}

#[test]
fn a_keyed_trail_rewritten_and_its_flag_removed_is_caught_by_the_key() {
    let t = Trail::keyed();
    rewrite_from(&t.raw(), 1);
    t.raw()
        .execute("DELETE FROM store_meta WHERE key = 'audit.seal'", [])
        .unwrap();
    caught(
        &t,
        &["audit", "verify"],
        &format!(
            "audit trail not verified: the audit trail of {} is not keyed, but [audit] key_file gives a key: a trail is keyed from its first record, so if this store was never keyed, take key_file out of its config; if it was keyed, its trail has been rewritten without the key",
            t.path.display()
        ),
    );
    // and a console given the key writes nothing unkeyed into it
    let err = Store::open_with_audit_key(&t.path, Some(&key()))
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::AuditNotKeyed { .. }), "{err:?}");
}

#[test]
fn a_keyed_trail_written_by_the_binary_keeps_the_key_out_of_the_store_its_log_and_wal() {
    let t = Trail::keyed();
    let (code, out, err) = t.cli_as(
        "Alex Morgan",
        "1234",
        &["zone", "add", "Harbour Walk", "--code", "HW"],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    // verbose logging, to be sure nothing logs it
    let (code, out, err) = {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_watchroom"))
            .args(["audit", "verify", "--deep", "--db"])
            .arg(&t.path)
            .env("XDG_DATA_HOME", t.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", t.dir.path().join("config"))
            .env("WATCHROOM_LOG", "trace")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    assert_eq!(code, Some(0), "{out}{err}");
    let mut looked = 0;
    for name in ["watchroom.db", "watchroom.db-wal", "watchroom.log"] {
        let Ok(bytes) = std::fs::read(t.dir.path().join(name)) else {
            continue;
        };
        looked += 1;
        assert!(
            !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
            "the key is in {name}"
        );
    }
    assert!(looked >= 2, "the store and its log were read");
    assert!(!out.contains(KEY) && !err.contains(KEY));
    // the record the binary wrote is keyed: it fails an unkeyed check
    let plain = Store::open(&t.path).unwrap();
    assert!(matches!(
        plain.verify_audit(),
        Err(StoreError::AuditKeyed { .. })
    ));
}

#[test]
fn a_key_given_to_a_trail_begun_without_one_is_refused() {
    let t = Trail::new();
    t.give_key_to_cli();
    let (code, out, _) = t.cli(&["audit", "verify"]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("is not keyed, but [audit] key_file gives a key"),
        "{out}"
    );
    // the store was not switched part-way
    let s = Store::open(&t.path).unwrap();
    assert!(!s.audit_keyed().unwrap());
    assert!(s.verify_audit().unwrap().is_intact());
}

#[test]
fn a_key_file_missing_empty_or_readable_by_others_is_refused_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let t = Trail::new();
    let file = t.dir.path().join("audit.key");
    t.write_config(&format!("[audit]\nkey_file = \"{}\"\n", file.display()));
    let before = std::fs::read(&t.path).unwrap();
    for (text, mode, says) in [
        (None, 0o600, "it does not exist — make one"),
        (Some("\n"), 0o600, "it is empty"),
        (
            Some(&*format!("{KEY}\n")),
            0o644,
            "others can read it (mode 644) — make it the owner's alone with `chmod 600`",
        ),
    ] {
        if let Some(text) = text {
            std::fs::write(&file, text).unwrap();
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let (code, out, err) = t.cli(&["audit", "verify"]);
        assert_eq!(code, Some(1), "{out}{err}");
        assert!(
            err.contains(&format!(
                "[audit] key_file {} is refused: {says}",
                file.display()
            )),
            "{err}"
        );
        assert!(!err.contains(KEY), "{err}");
        assert!(out.is_empty(), "{out}");
    }
    assert_eq!(
        std::fs::read(&t.path).unwrap(),
        before,
        "the store was not touched"
    );
}

// ------------------------------------------------------------ edited in its table

#[test]
fn an_exclusions_end_date_edited_in_its_table_is_caught_by_deep() {
    let t = Trail::new();
    let e = exclusion(&mut Store::open(&t.path).unwrap());
    let record: (i64, i64) = t
        .raw()
        .query_row(
            "SELECT id, seq FROM audit WHERE entity = 'exclusion' AND entity_id = ?1 ORDER BY id DESC LIMIT 1",
            [e],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    t.raw()
        .execute(
            "UPDATE exclusions SET ends_at = ends_at - 170 * 86400 WHERE id = ?1",
            [e],
        )
        .unwrap();
    // the trail itself is untouched
    passes(&t, &["audit", "verify"]);
    let was = (t0() + Duration::days(180)).format("%Y-%m-%d %H:%M UTC");
    let now = (t0() + Duration::days(10)).format("%Y-%m-%d %H:%M UTC");
    caught(
        &t,
        ALL,
        &format!(
            "records differ from the trail: exclusions record {e}: its end date is {now}, but its latest audit record, {}, says {was} — it was changed outside watchroom",
            AuditLink { id: record.0, seq: record.1 }
        ),
    );
}

#[test]
fn an_incident_status_an_offender_name_or_a_removed_exclusion_is_caught_by_deep() {
    let t = Trail::new();
    t.raw()
        .execute(
            "UPDATE incidents SET status = 'open', closed_at = NULL WHERE id = 1",
            [],
        )
        .unwrap();
    let (code, out, _) = t.cli(ALL);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("\nrecords differ from the trail: incidents record 1: its status is “open”, but its latest audit record, record "),
        "{out}"
    );

    let t = Trail::new();
    let e = exclusion(&mut Store::open(&t.path).unwrap());
    let offender: i64 = t
        .raw()
        .query_row(
            "SELECT offender_id FROM exclusions WHERE id = ?1",
            [e],
            |r| r.get(0),
        )
        .unwrap();
    // a view of the person describes them too
    Store::open(&t.path)
        .unwrap()
        .open_profile(offender, 1, "checking a sighting", t0())
        .unwrap();
    t.raw()
        .execute(
            "UPDATE offenders SET name = 'Someone Else' WHERE id = ?1",
            [offender],
        )
        .unwrap();
    let (code, out, _) = t.cli(ALL);
    assert_eq!(code, Some(1));
    assert!(
        out.contains(&format!(
            "offenders record {offender}: its name is not the one its latest audit record"
        )),
        "{out}"
    );
    assert!(
        !out.contains("Someone Else"),
        "no names from the register: {out}"
    );

    let t = Trail::new();
    let e = exclusion(&mut Store::open(&t.path).unwrap());
    t.raw()
        .execute("DELETE FROM exclusions WHERE id = ?1", [e])
        .unwrap();
    let (code, out, _) = t.cli(ALL);
    assert_eq!(code, Some(1));
    assert!(
        out.contains(&format!("exclusions record {e}: it is gone from its table")),
        "{out}"
    );
}
