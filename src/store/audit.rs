//! The audit trail: who created, changed, viewed or exported what, and when.
//! Records are only ever appended, inside the same transaction as the change.
//!
//! # The chain
//!
//! Every record carries a gapless `seq` (1, 2, 3 …), the `prev_hash` of the
//! record before it (64 zeros for the first) and its own `hash`: SHA-256, in
//! lowercase hex, over an unambiguous encoding of
//! (seq, at, operator_id, action, entity, entity_id, detail, prev_hash) — each
//! value tagged with its SQLite type, texts prefixed by their length in bytes
//! (see [`record_hash`]). The row id is not hashed; the order is `seq`'s.
//!
//! `append` reads the newest (seq, hash) and writes the next record inside
//! the caller's write transaction. Writes are `BEGIN IMMEDIATE`, so two
//! consoles appending at once queue on SQLite's write lock and the chain never
//! forks. The same transaction updates `audit_anchor`, one row holding the
//! newest record's seq and hash.
//!
//! # What [`Store::verify_audit`] can and cannot tell
//!
//! It reads every record in id order and names the first problem:
//! - a record whose content (or seq, or link) was changed: its hash no longer
//!   matches ([`AuditProblem::Edited`]); if the hash was recomputed too, the
//!   next record still carries the old one ([`AuditProblem::Resealed`]);
//! - records removed from the middle: a gap in `seq`, the record after the
//!   gap naming a hash nobody has ([`AuditProblem::Removed`]);
//! - records removed from the end: the anchor says the trail went further;
//! - a record added by hand: no hash ([`AuditProblem::Unsealed`]), or one the
//!   chain passes over, or a second record claiming the same place, or one
//!   after the newest record the anchor vouches for
//!   ([`AuditProblem::Inserted`]).
//!
//! Its limit: the chain has no secret. Someone who can write the file and
//! knows this scheme can rewrite every record from some point on, recompute
//! each hash and set the anchor to match, and nothing inside the file can tell.
//! Removing the anchor row too only leaves [`AuditProblem::AnchorMissing`].
//! Against that only an outside witness helps: `watchroom audit verify`
//! prints the newest seq and hash; written into the shift handover, a report
//! or another machine, a later verify that no longer reaches that seq with
//! that hash proves the trail was cut or rewritten.

use super::{from_ts, ts, Result, Store};
use chrono::{DateTime, Utc};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub operator: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
}

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Names the encoding, so a hash of this scheme never equals one of another:
/// the first 64-byte block of every record's hash input (zero-padded), so its
/// compression is done once and the hasher cloned.
const DOMAIN: &[u8] = b"watchroom audit record, encoding 1";

fn domain_hasher() -> &'static Sha256 {
    static HASHER: std::sync::OnceLock<Sha256> = std::sync::OnceLock::new();
    HASHER.get_or_init(|| {
        let mut block = [0u8; 64];
        block[..DOMAIN.len()].copy_from_slice(DOMAIN);
        Sha256::new_with_prefix(block)
    })
}

/// A SHA-256 in lowercase hex, as stored.
type Hex = [u8; 64];

fn put(buf: &mut Vec<u8>, v: ValueRef<'_>) {
    match v {
        ValueRef::Null => buf.push(0),
        ValueRef::Integer(i) => {
            buf.push(1);
            buf.extend_from_slice(&i.to_be_bytes());
        }
        ValueRef::Real(f) => {
            buf.push(2);
            buf.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        ValueRef::Text(t) => {
            buf.push(3);
            buf.extend_from_slice(&(t.len() as u64).to_be_bytes());
            buf.extend_from_slice(t);
        }
        ValueRef::Blob(b) => {
            buf.push(4);
            buf.extend_from_slice(&(b.len() as u64).to_be_bytes());
            buf.extend_from_slice(b);
        }
    }
}

/// The hash of a record's stored values, in the order
/// seq, at, operator_id, action, entity, entity_id, detail, prev_hash.
/// Each value is tagged with its type, so a changed type is a changed record.
/// `buf` is scratch space, reused from record to record.
fn digest(buf: &mut Vec<u8>, fields: [ValueRef<'_>; 8]) -> Hex {
    buf.clear();
    for f in fields {
        put(buf, f);
    }
    let mut h = domain_hasher().clone();
    h.update(&buf[..]);
    hex(&h.finalize().into())
}

fn hex(bytes: &[u8; 32]) -> Hex {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[(b >> 4) as usize];
        out[2 * i + 1] = DIGITS[(b & 15) as usize];
    }
    out
}

fn hex_str(h: &Hex) -> &str {
    std::str::from_utf8(h).expect("hex digits are ASCII")
}

fn opt(v: Option<i64>) -> ValueRef<'static> {
    v.map_or(ValueRef::Null, ValueRef::Integer)
}

/// The hash a record with these values is sealed with (`at` in Unix seconds,
/// as stored), for anyone checking the trail with tools of their own.
#[allow(clippy::too_many_arguments)]
pub fn record_hash(
    seq: i64,
    at: i64,
    operator_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
    prev_hash: &str,
) -> String {
    let h = digest(
        &mut Vec::new(),
        [
            ValueRef::Integer(seq),
            ValueRef::Integer(at),
            opt(operator_id),
            ValueRef::Text(action.as_bytes()),
            ValueRef::Text(entity.as_bytes()),
            opt(entity_id),
            ValueRef::Text(detail.as_bytes()),
            ValueRef::Text(prev_hash.as_bytes()),
        ],
    );
    hex_str(&h).to_string()
}

const INSERT: &str =
    "INSERT INTO audit (at, operator_id, action, entity, entity_id, detail, seq, prev_hash, hash)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const SET_ANCHOR: &str = "INSERT INTO audit_anchor (id, seq, hash) VALUES (1, ?1, ?2)
     ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash";

/// The newest record's (seq, hash): the anchor's, or, if the anchor is gone,
/// the last record's; (0, genesis) for an empty trail. Reading the anchor
/// rather than the last row means a record cut from the end stays missing:
/// the next record still names it.
fn head(conn: &Connection) -> Result<(i64, String)> {
    let anchored = conn
        .prepare_cached("SELECT seq, hash FROM audit_anchor WHERE id = 1")?
        .query_row([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .optional()?;
    if let Some(h) = anchored {
        return Ok(h);
    }
    let last = conn
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| {
            Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<String>>(1)?))
        })
        .optional()?;
    Ok(match last {
        Some((seq, hash)) => (
            seq.unwrap_or(0),
            hash.unwrap_or_else(|| GENESIS.to_string()),
        ),
        None => (0, GENESIS.to_string()),
    })
}

pub(crate) fn append(
    tx: &Transaction,
    at: DateTime<Utc>,
    operator_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
) -> Result<()> {
    let (last, prev) = head(tx)?;
    let seq = last + 1;
    let at = ts(at);
    let hash = digest(
        &mut Vec::with_capacity(256),
        [
            ValueRef::Integer(seq),
            ValueRef::Integer(at),
            opt(operator_id),
            ValueRef::Text(action.as_bytes()),
            ValueRef::Text(entity.as_bytes()),
            opt(entity_id),
            ValueRef::Text(detail.as_bytes()),
            ValueRef::Text(prev.as_bytes()),
        ],
    );
    let hash = hex_str(&hash);
    tx.prepare_cached(INSERT)?.execute(params![
        at,
        operator_id,
        action,
        entity,
        entity_id,
        detail,
        seq,
        prev,
        hash
    ])?;
    tx.prepare_cached(SET_ANCHOR)?.execute(params![seq, hash])?;
    Ok(())
}

/// Seal the records kept before the trail was chained (schema 5): number and
/// hash them in id order, in one transaction, and set the anchor. Called as
/// the store opens; once the chain has begun (an anchor exists) it only reads
/// one row. A record added by hand later is never sealed here: that would
/// launder it. Verify reports it instead.
pub(crate) fn seal_unchained(store: &mut Store) -> Result<()> {
    let anchored: bool =
        store
            .conn()
            .query_row("SELECT EXISTS(SELECT 1 FROM audit_anchor)", [], |r| {
                r.get(0)
            })?;
    if anchored {
        return Ok(());
    }
    let unsealed: bool = store.conn().query_row(
        "SELECT EXISTS(SELECT 1 FROM audit WHERE hash IS NULL)",
        [],
        |r| r.get(0),
    )?;
    if !unsealed {
        return Ok(());
    }
    store.write(|tx| {
        // again under the write lock: another console may have sealed them
        let anchored: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM audit_anchor)", [], |r| {
                r.get(0)
            })?;
        let begun: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM audit WHERE hash IS NOT NULL)",
            [],
            |r| r.get(0),
        )?;
        if anchored || begun {
            // a chain whose anchor was removed is evidence, not a job
            return Ok(());
        }
        let mut read = tx.prepare(
            "SELECT id, at, operator_id, action, entity, entity_id, detail
             FROM audit WHERE id > ?1 ORDER BY id LIMIT 5000",
        )?;
        let mut seal =
            tx.prepare("UPDATE audit SET seq = ?1, prev_hash = ?2, hash = ?3 WHERE id = ?4")?;
        let (mut seq, mut prev, mut after) = (0i64, GENESIS.to_string(), 0i64);
        let mut buf = Vec::with_capacity(256);
        loop {
            let batch = read
                .query_map([after], |r| {
                    let mut values: [Value; 7] = std::array::from_fn(|_| Value::Null);
                    for (i, v) in values.iter_mut().enumerate() {
                        *v = r.get(i)?;
                    }
                    Ok(values)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            if batch.is_empty() {
                break;
            }
            for [id, at, operator_id, action, entity, entity_id, detail] in &batch {
                seq += 1;
                let hash = digest(
                    &mut buf,
                    [
                        ValueRef::Integer(seq),
                        at.into(),
                        operator_id.into(),
                        action.into(),
                        entity.into(),
                        entity_id.into(),
                        detail.into(),
                        ValueRef::Text(prev.as_bytes()),
                    ],
                );
                let hash = hex_str(&hash);
                seal.execute(params![seq, prev, hash, id])?;
                prev = hash.to_string();
                if let Value::Integer(id) = id {
                    after = *id;
                }
            }
        }
        if seq > 0 {
            tx.execute(SET_ANCHOR, params![seq, prev])?;
        }
        Ok(())
    })
}

/// Append `count` synthetic records (one second apart from `first_at`, by
/// `operators` in turn, or by nobody if empty) in the chain's format, many per
/// transaction: for benchmarks of a large trail.
#[doc(hidden)]
pub fn append_synthetic(
    store: &mut Store,
    count: u64,
    first_at: DateTime<Utc>,
    operators: &[i64],
    mut progress: impl FnMut(u64),
) -> Result<()> {
    const ACTIONS: &[(&str, &str)] = &[
        ("view", "offender"),
        ("note", "incident"),
        ("create", "sighting"),
        ("status", "incident"),
        ("log", "radio"),
    ];
    let mut done = 0u64;
    while done < count {
        let chunk = (count - done).min(100_000);
        store.write(|tx| {
            let (mut seq, mut prev) = head(tx)?;
            let mut insert = tx.prepare_cached(INSERT)?;
            let mut buf = Vec::with_capacity(256);
            for i in done..done + chunk {
                seq += 1;
                let (action, entity) = ACTIONS[(i % ACTIONS.len() as u64) as usize];
                let at = ts(first_at) + i as i64;
                let operator = (!operators.is_empty())
                    .then(|| operators[(i % operators.len() as u64) as usize]);
                let entity_id = Some(1 + (i % 997) as i64);
                let detail = format!("synthetic record {i}");
                let hash = digest(
                    &mut buf,
                    [
                        ValueRef::Integer(seq),
                        ValueRef::Integer(at),
                        opt(operator),
                        ValueRef::Text(action.as_bytes()),
                        ValueRef::Text(entity.as_bytes()),
                        opt(entity_id),
                        ValueRef::Text(detail.as_bytes()),
                        ValueRef::Text(prev.as_bytes()),
                    ],
                );
                let hash = hex_str(&hash);
                insert.execute(params![
                    at, operator, action, entity, entity_id, detail, seq, prev, hash
                ])?;
                prev = hash.to_string();
            }
            tx.prepare_cached(SET_ANCHOR)?.execute(params![seq, prev])?;
            Ok(())
        })?;
        done += chunk;
        progress(done);
    }
    Ok(())
}

// ------------------------------------------------------------------ verify

/// A record named in a report: its row id and its seq.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditLink {
    pub id: i64,
    pub seq: i64,
}

impl fmt::Display for AuditLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record {} (seq {})", self.id, self.seq)
    }
}

/// The newest record of an intact trail (or the last good one of a broken one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub id: i64,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub hash: String,
}

/// How a record that is not part of the chain shows itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intrusion {
    /// The chain passes over it: the record after it follows `after` (none:
    /// starts the chain). `sealed` is false when it has no hash at all.
    Bypassed {
        after: Option<AuditLink>,
        sealed: bool,
    },
    /// It comes after `last`, the newest record the anchor vouches for.
    AfterAnchor { last: AuditLink },
    /// It follows `after` but its seq does not (repeated, backwards or skipping).
    OutOfOrder { after: Option<AuditLink> },
    /// Record `other` also follows `after`, and the chain goes on from `other`.
    Twin {
        other: i64,
        after: Option<AuditLink>,
    },
}

/// The first thing wrong with the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditProblem {
    /// Its content (or seq, or link) no longer matches its hash.
    Edited { id: i64, seq: Option<i64> },
    /// Its hash matches its content but `next`, written after it, carries a
    /// different one for it: it was changed and its hash recomputed (or
    /// records after it were removed and the rest renumbered and resealed).
    Resealed { id: i64, seq: i64, next: AuditLink },
    /// It has no hash: added by hand, or its hash was removed.
    Unsealed { id: i64, seq: Option<i64> },
    /// Seqs `from..=to` are missing, after `after` and before `before`
    /// (`before` none: cut from the end, known from the anchor).
    Removed {
        from: i64,
        to: i64,
        after: Option<AuditLink>,
        before: Option<AuditLink>,
    },
    /// A record that is not part of the chain.
    Inserted {
        id: i64,
        seq: Option<i64>,
        how: Intrusion,
    },
    /// The first record does not start the chain: it names a record before it
    /// that is not there (removed, and the rest renumbered).
    Unlinked { id: i64, seq: i64 },
    /// Records exist but the anchor does not.
    AnchorMissing { last: AuditLink },
    /// `record` is on the chain but the anchor holds another hash for its
    /// seq: the chain was rewritten and its hashes recomputed.
    AnchorMismatch {
        record: AuditLink,
        anchor_seq: Option<i64>,
    },
}

/// What kind of tampering a problem points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditProblemKind {
    Edited,
    Removed,
    Inserted,
    Unsealed,
    Anchor,
}

impl AuditProblem {
    pub fn kind(&self) -> AuditProblemKind {
        match self {
            AuditProblem::Edited { .. } | AuditProblem::Resealed { .. } => AuditProblemKind::Edited,
            AuditProblem::Removed { .. } | AuditProblem::Unlinked { .. } => {
                AuditProblemKind::Removed
            }
            AuditProblem::Inserted { .. } => AuditProblemKind::Inserted,
            AuditProblem::Unsealed { .. } => AuditProblemKind::Unsealed,
            AuditProblem::AnchorMissing { .. } | AuditProblem::AnchorMismatch { .. } => {
                AuditProblemKind::Anchor
            }
        }
    }

    /// The row id of the record the problem is found at: the edited or
    /// inserted one, the one after a gap (none when cut from the end).
    pub fn record_id(&self) -> Option<i64> {
        match self {
            AuditProblem::Edited { id, .. }
            | AuditProblem::Resealed { id, .. }
            | AuditProblem::Unsealed { id, .. }
            | AuditProblem::Inserted { id, .. }
            | AuditProblem::Unlinked { id, .. } => Some(*id),
            AuditProblem::Removed { before, .. } => before.map(|b| b.id),
            AuditProblem::AnchorMissing { .. } => None,
            AuditProblem::AnchorMismatch { record, .. } => Some(record.id),
        }
    }
}

fn record(id: i64, seq: Option<i64>) -> String {
    match seq {
        Some(s) => format!("record {id} (seq {s})"),
        None => format!("record {id}"),
    }
}

fn seqs(from: i64, to: i64) -> String {
    if from == to {
        format!("seq {from} is")
    } else {
        format!("seqs {from}–{to} are")
    }
}

fn follows(after: &Option<AuditLink>) -> String {
    match after {
        Some(a) => format!("follows {a}"),
        None => "starts the chain".into(),
    }
}

/// Reads after "audit trail broken at ".
impl fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditProblem::Edited { id, seq } => write!(
                f,
                "{}: its content does not match its hash — it was edited after it was written",
                record(*id, *seq)
            ),
            AuditProblem::Resealed { id, seq, next } => write!(
                f,
                "{}: its hash was recomputed — {next}, written after it, still carries its old hash; it was edited after it was written (or records after it were removed and the rest renumbered)",
                record(*id, Some(*seq))
            ),
            AuditProblem::Unsealed { id, seq } => write!(
                f,
                "{}: it has no hash — it was added by hand, or its hash was removed",
                record(*id, *seq)
            ),
            AuditProblem::Removed {
                from,
                to,
                after,
                before: Some(b),
            } => {
                let n = to - from + 1;
                let what = if n == 1 {
                    "a record was removed".to_string()
                } else {
                    format!("{n} records were removed")
                };
                let after = match after {
                    Some(a) => format!(", after {a}"),
                    None => String::new(),
                };
                write!(f, "{b}: {} missing before it{after} — {what}", seqs(*from, *to))
            }
            AuditProblem::Removed {
                from,
                to,
                after: Some(a),
                before: None,
            } => write!(
                f,
                "the end: {} missing after {a}, the last one left — the newest {} removed (the trail's anchor says it reached seq {to})",
                seqs(*from, *to),
                if from == to { "record was" } else { "records were" }
            ),
            AuditProblem::Removed {
                to,
                after: None,
                before: None,
                ..
            } => write!(
                f,
                "the start: every record (seq 1–{to}) is missing — the trail was emptied (its anchor says it reached seq {to})"
            ),
            AuditProblem::Inserted { id, seq, how } => {
                let r = record(*id, *seq);
                match how {
                    Intrusion::Bypassed { after, sealed } => write!(
                        f,
                        "{r}: {}it is not part of the chain (the record after it {}) — it was inserted out of order",
                        if *sealed { "" } else { "it has no hash and " },
                        follows(after)
                    ),
                    Intrusion::AfterAnchor { last } => write!(
                        f,
                        "{r}: it comes after {last}, the newest record the trail's anchor vouches for — it was inserted after the trail was written"
                    ),
                    Intrusion::OutOfOrder { after: Some(a) } => write!(
                        f,
                        "{r}: its seq does not follow seq {} of {a} before it — it was inserted out of order",
                        a.seq
                    ),
                    Intrusion::OutOfOrder { after: None } => write!(
                        f,
                        "{r}: it starts the chain but its seq is not 1 — it was inserted out of order"
                    ),
                    Intrusion::Twin { other, after } => write!(
                        f,
                        "{r}: record {other} also {} and the chain goes on from that one — it was inserted out of order",
                        follows(after)
                    ),
                }
            }
            AuditProblem::Unlinked { id, seq } => write!(
                f,
                "{}: it does not start the chain (it names a record before it that is not there) — the records before it were removed and the rest renumbered",
                record(*id, Some(*seq))
            ),
            AuditProblem::AnchorMissing { last } => write!(
                f,
                "the end: the trail's anchor (its newest seq and hash) is missing — it was deleted, so records cut from the end after {last} cannot be ruled out"
            ),
            AuditProblem::AnchorMismatch { record, anchor_seq } => match anchor_seq {
                Some(s) if *s == record.seq => write!(
                    f,
                    "{record}: its hash is not the one the trail's anchor holds for seq {s} — the trail was rewritten up to here and its hashes recomputed"
                ),
                _ => write!(
                    f,
                    "{record}: the trail's anchor names no record of the chain — the trail or its anchor was rewritten"
                ),
            },
        }
    }
}

/// The outcome of [`Store::verify_audit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// Records checked: all of them when intact, those up to the problem if not.
    pub records: u64,
    /// The newest record checked and found good.
    pub last: Option<AuditHead>,
    /// The first problem, if any.
    pub problem: Option<AuditProblem>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// One record as verify sees it: no text kept, only what links it.
struct Seal {
    id: i64,
    seq: Option<i64>,
    at: Option<i64>,
    prev: Option<Hex>,
    hash: Option<Hex>,
    /// it has a hash at all
    sealed: bool,
    /// seq, link and hash well formed, and the hash is that of its content
    intact: bool,
}

fn as_hex(v: ValueRef<'_>) -> Option<Hex> {
    match v {
        ValueRef::Text(t) if t.len() == 64 => {
            let mut h = [0u8; 64];
            h.copy_from_slice(t);
            Some(h)
        }
        _ => None,
    }
}

const VERIFY: &str =
    "SELECT id, seq, at, operator_id, action, entity, entity_id, detail, prev_hash, hash
     FROM audit ORDER BY id";

impl Seal {
    fn read(r: &Row<'_>, buf: &mut Vec<u8>) -> rusqlite::Result<Seal> {
        let id: i64 = r.get(0)?;
        let seq_v = r.get_ref(1)?;
        let at_v = r.get_ref(2)?;
        let prev_v = r.get_ref(8)?;
        let hash_v = r.get_ref(9)?;
        let seq = match seq_v {
            ValueRef::Integer(s) => Some(s),
            _ => None,
        };
        let prev = as_hex(prev_v);
        let hash = as_hex(hash_v);
        let sealed = !matches!(hash_v, ValueRef::Null);
        let intact = match hash {
            Some(h) if seq.is_some() && prev.is_some() => {
                h == digest(
                    buf,
                    [
                        seq_v,
                        at_v,
                        r.get_ref(3)?,
                        r.get_ref(4)?,
                        r.get_ref(5)?,
                        r.get_ref(6)?,
                        r.get_ref(7)?,
                        prev_v,
                    ],
                )
            }
            _ => false,
        };
        Ok(Seal {
            id,
            seq,
            at: match at_v {
                ValueRef::Integer(t) => Some(t),
                _ => None,
            },
            prev,
            hash,
            sealed,
            intact,
        })
    }
}

/// The newest record accepted onto the chain so far.
struct Tip {
    link: Option<AuditLink>,
    hash: Hex,
    /// the hash it follows (none for the genesis)
    prev: Option<Hex>,
    /// the record it follows (none: it is the first, or the genesis)
    before: Option<AuditLink>,
    at: Option<i64>,
}

struct Chain {
    anchor: Option<(Option<i64>, Option<Hex>)>,
    tip: Tip,
    records: u64,
    /// the first record on the chain at the anchor's seq with another hash
    anchor_conflict: Option<AuditLink>,
}

impl Chain {
    fn seq(&self) -> i64 {
        self.tip.link.map_or(0, |l| l.seq)
    }

    fn anchored_at(&self, seq: i64, hash: &Hex) -> bool {
        matches!(&self.anchor, Some((Some(s), Some(h))) if *s == seq && h == hash)
    }

    /// Judge `cur`, knowing the record after it (if any): accept it onto the
    /// chain, or name the first problem.
    fn judge(&mut self, cur: Seal, next: Option<&Seal>) -> Option<AuditProblem> {
        self.records += 1;
        let next_follows = |h: &Hex| next.is_some_and(|n| n.prev.as_ref() == Some(h));
        let after = self.tip.link;
        if let Some(last) = after {
            if self.anchored_at(last.seq, &self.tip.hash) {
                return Some(AuditProblem::Inserted {
                    id: cur.id,
                    seq: cur.seq,
                    how: Intrusion::AfterAnchor { last },
                });
            }
        }
        if !cur.sealed {
            return Some(if next_follows(&self.tip.hash) {
                AuditProblem::Inserted {
                    id: cur.id,
                    seq: cur.seq,
                    how: Intrusion::Bypassed {
                        after,
                        sealed: false,
                    },
                }
            } else {
                AuditProblem::Unsealed {
                    id: cur.id,
                    seq: cur.seq,
                }
            });
        }
        let (Some(seq), Some(prev), Some(hash), true) = (cur.seq, cur.prev, cur.hash, cur.intact)
        else {
            // the record after it still names its hash: its content changed
            let named = cur.hash.is_some_and(|h| next_follows(&h));
            return Some(if !named && next_follows(&self.tip.hash) {
                AuditProblem::Inserted {
                    id: cur.id,
                    seq: cur.seq,
                    how: Intrusion::Bypassed {
                        after,
                        sealed: true,
                    },
                }
            } else {
                AuditProblem::Edited {
                    id: cur.id,
                    seq: cur.seq,
                }
            });
        };
        let here = AuditLink { id: cur.id, seq };
        if prev == self.tip.hash {
            if seq != self.seq() + 1 {
                return Some(AuditProblem::Inserted {
                    id: cur.id,
                    seq: Some(seq),
                    how: Intrusion::OutOfOrder { after },
                });
            }
            if self.anchor_conflict.is_none()
                && matches!(self.anchor, Some((Some(s), _)) if s == seq)
                && !self.anchored_at(seq, &hash)
            {
                self.anchor_conflict = Some(here);
            }
            self.tip = Tip {
                link: Some(here),
                hash,
                prev: Some(prev),
                before: after,
                at: cur.at,
            };
            return None;
        }
        if next_follows(&self.tip.hash) {
            return Some(AuditProblem::Inserted {
                id: cur.id,
                seq: Some(seq),
                how: Intrusion::Bypassed {
                    after,
                    sealed: true,
                },
            });
        }
        if let Some(tip) = after.filter(|_| self.tip.prev == Some(prev)) {
            // two records claim the same place: the one the chain goes on
            // from is kept, the other was put in
            let before = self.tip.before;
            let goes_on = next_follows(&hash) || (next.is_none() && self.anchored_at(seq, &hash));
            return Some(if goes_on {
                AuditProblem::Inserted {
                    id: tip.id,
                    seq: Some(tip.seq),
                    how: Intrusion::Twin {
                        other: cur.id,
                        after: before,
                    },
                }
            } else {
                AuditProblem::Inserted {
                    id: cur.id,
                    seq: Some(seq),
                    how: Intrusion::Twin {
                        other: tip.id,
                        after: before,
                    },
                }
            });
        }
        let last = self.seq();
        Some(if seq > last + 1 {
            AuditProblem::Removed {
                from: last + 1,
                to: seq - 1,
                after,
                before: Some(here),
            }
        } else if seq <= last {
            AuditProblem::Inserted {
                id: cur.id,
                seq: Some(seq),
                how: Intrusion::OutOfOrder { after },
            }
        } else if let Some(tip) = after {
            AuditProblem::Resealed {
                id: tip.id,
                seq: tip.seq,
                next: here,
            }
        } else {
            AuditProblem::Unlinked { id: cur.id, seq }
        })
    }

    fn finish(&self) -> Option<AuditProblem> {
        let last = self.tip.link;
        match (&self.anchor, last) {
            (None, None) => None,
            (None, Some(last)) => Some(AuditProblem::AnchorMissing { last }),
            (Some((seq, _)), _) => {
                let upto = self.seq();
                if let Some(l) = last {
                    if self.anchored_at(l.seq, &self.tip.hash) {
                        return None;
                    }
                }
                match *seq {
                    Some(s) if s > upto => Some(AuditProblem::Removed {
                        from: upto + 1,
                        to: s,
                        after: last,
                        before: None,
                    }),
                    _ => {
                        let record = self.anchor_conflict.or(last)?;
                        Some(AuditProblem::AnchorMismatch {
                            record,
                            anchor_seq: *seq,
                        })
                    }
                }
            }
        }
    }
}

/// A manager's filter of the audit trail: who (a fragment of the operator's
/// name), what (the action), an offender's record, a time window, and words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub who: Option<String>,
    pub action: Option<String>,
    pub offender: Option<i64>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub words: Vec<String>,
}

impl Store {
    /// The newest records first, at most `limit`, older than `before` if given.
    pub fn recent_audit(&self, before: Option<i64>, limit: usize) -> Result<Vec<AuditRecord>> {
        let mut st = self.conn().prepare_cached(
            "SELECT a.id, a.at, COALESCE(o.name, 'system'), a.action, a.entity, a.entity_id, a.detail
             FROM audit a LEFT JOIN operators o ON o.id = a.operator_id
             WHERE a.id < ?1 ORDER BY a.id DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![before.unwrap_or(i64::MAX), limit as i64], |r| {
            Ok(AuditRecord {
                id: r.get(0)?,
                at: from_ts(r.get(1)?),
                operator: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                detail: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest records matching a manager's filter: who (a fragment of
    /// the operator's name), what (action), an offender's id, a time window
    /// and words anywhere in the record.
    pub fn audit_filtered(&self, q: &AuditQuery, limit: usize) -> Result<Vec<AuditRecord>> {
        let (who, action, offender, since, until, words) = (
            q.who.as_deref(),
            q.action.as_deref(),
            q.offender,
            q.since,
            q.until,
            &q.words,
        );
        use rusqlite::types::Value;
        let like = |s: &str| {
            Value::Text(format!(
                "%{}%",
                s.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            ))
        };
        let mut clauses = vec!["1".to_string()];
        let mut values: Vec<Value> = vec![];
        if let Some(w) = who {
            clauses.push("COALESCE(o.name, 'system') LIKE ? ESCAPE '\\'".into());
            values.push(like(w));
        }
        if let Some(a) = action {
            clauses.push("a.action LIKE ? ESCAPE '\\'".into());
            values.push(like(a));
        }
        if let Some(id) = offender {
            clauses.push("a.entity = 'offender' AND a.entity_id = ?".into());
            values.push(Value::Integer(id));
        }
        if let Some(t) = since {
            clauses.push("a.at >= ?".into());
            values.push(Value::Integer(ts(t)));
        }
        if let Some(t) = until {
            clauses.push("a.at < ?".into());
            values.push(Value::Integer(ts(t)));
        }
        for w in words {
            clauses.push(
                "(a.detail LIKE ?1 ESCAPE '\\' OR a.entity LIKE ?1 ESCAPE '\\' OR a.action LIKE ?1 ESCAPE '\\' OR COALESCE(o.name, '') LIKE ?1 ESCAPE '\\')"
                    .replace("?1", "?"),
            );
            for _ in 0..4 {
                values.push(like(w));
            }
        }
        values.push(Value::Integer(limit as i64));
        let sql = format!(
            "SELECT a.id, a.at, COALESCE(o.name, 'system'), a.action, a.entity, a.entity_id, a.detail
             FROM audit a LEFT JOIN operators o ON o.id = a.operator_id
             WHERE {} ORDER BY a.id DESC LIMIT ?",
            clauses.join(" AND ")
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(values), |r| {
            Ok(AuditRecord {
                id: r.get(0)?,
                at: from_ts(r.get(1)?),
                operator: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                detail: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn audit_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?)
    }

    /// Check the whole trail, record by record in id order, against its
    /// hashes, its seqs and its anchor; name the first problem. One read
    /// transaction (a snapshot: consoles may go on writing), one statement,
    /// nothing kept per record but its links.
    pub fn verify_audit(&self) -> Result<AuditReport> {
        let tx = self.conn().unchecked_transaction()?;
        let anchor = tx
            .prepare_cached("SELECT seq, hash FROM audit_anchor WHERE id = 1")?
            .query_row([], |r| {
                let seq = match r.get_ref(0)? {
                    ValueRef::Integer(s) => Some(s),
                    _ => None,
                };
                Ok((seq, as_hex(r.get_ref(1)?)))
            })
            .optional()?;
        let mut chain = Chain {
            anchor,
            tip: Tip {
                link: None,
                hash: [b'0'; 64],
                prev: None,
                before: None,
                at: None,
            },
            records: 0,
            anchor_conflict: None,
        };
        let mut st = tx.prepare_cached(VERIFY)?;
        let mut rows = st.query([])?;
        let mut pending: Option<Seal> = None;
        let mut problem = None;
        let mut buf = Vec::with_capacity(256);
        while let Some(r) = rows.next()? {
            let seal = Seal::read(r, &mut buf)?;
            if let Some(cur) = pending.take() {
                problem = chain.judge(cur, Some(&seal));
                if problem.is_some() {
                    break;
                }
            }
            pending = Some(seal);
        }
        if problem.is_none() {
            if let Some(cur) = pending {
                problem = chain.judge(cur, None);
            }
        }
        if problem.is_none() {
            problem = chain.finish();
        }
        let last = chain.tip.link.map(|l| AuditHead {
            id: l.id,
            seq: l.seq,
            at: from_ts(chain.tip.at.unwrap_or_default()),
            hash: hex_str(&chain.tip.hash).to_string(),
        });
        Ok(AuditReport {
            records: chain.records,
            last,
            problem,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::MIGRATIONS;

    #[test]
    fn records_kept_before_the_chain_are_sealed_in_order_when_the_store_is_upgraded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.db");
        {
            // a store as schema 4 left it, with three audit records
            let c = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..4] {
                c.execute_batch(sql).unwrap();
            }
            c.pragma_update(None, "user_version", 4).unwrap();
            c.execute_batch(
                "INSERT INTO operators (id, name, role, created_at) VALUES (1, 'Sam Okafor', 'manager', 1);
                 INSERT INTO audit (id, at, operator_id, action, entity, entity_id, detail) VALUES
                     (3, 100, 1, 'create', 'operator', 1, 'Sam Okafor (manager)'),
                     (7, 200, NULL, 'view', 'offender', 4, 'checking a sighting'),
                     (9, 300, 1, 'note', 'incident', 2, '');",
            )
            .unwrap();
        }
        let mut s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), crate::store::SCHEMA_VERSION);
        let rows: Vec<(i64, i64, String, String)> = s
            .conn()
            .prepare("SELECT id, seq, prev_hash, hash FROM audit ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
            [(3, 1), (7, 2), (9, 3)]
        );
        assert_eq!(rows[0].2, GENESIS);
        assert_eq!(rows[1].2, rows[0].3);
        assert_eq!(rows[2].2, rows[1].3);
        assert_eq!(
            rows[1].3,
            record_hash(
                2,
                200,
                None,
                "view",
                "offender",
                Some(4),
                "checking a sighting",
                &rows[0].3
            )
        );
        let report = s.verify_audit().unwrap();
        assert_eq!(report.problem, None);
        assert_eq!(report.records, 3);
        assert_eq!(report.last.as_ref().map(|l| (l.id, l.seq)), Some((9, 3)));

        // the next write goes on from the sealed records
        s.write(|tx| {
            append(
                tx,
                from_ts(400),
                Some(1),
                "view",
                "offender",
                Some(4),
                "again",
            )
        })
        .unwrap();
        let report = s.verify_audit().unwrap();
        assert!(report.is_intact(), "{:?}", report.problem);
        assert_eq!(report.last.map(|l| (l.seq, l.at)), Some((4, from_ts(400))));
    }

    #[test]
    fn the_encoding_is_unambiguous() {
        // the same letters split differently between fields hash differently
        let a = record_hash(1, 0, None, "ab", "c", None, "", GENESIS);
        let b = record_hash(1, 0, None, "a", "bc", None, "", GENESIS);
        assert_ne!(a, b);
        // an absent operator is not operator 0
        let c = record_hash(1, 0, Some(0), "ab", "c", None, "", GENESIS);
        assert_ne!(a, c);
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

    #[test]
    fn an_empty_store_is_intact_with_no_records() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path().join("w.db")).unwrap();
        let report = s.verify_audit().unwrap();
        assert_eq!(
            (report.records, report.last, report.problem),
            (0, None, None)
        );
    }
}
