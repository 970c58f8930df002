//! Appending records and the hash chain. [`Sealed`] is the one place a
//! record's hash encoding is written: appending, sealing old records,
//! synthetic trails, verify and [`record_hash`] all go through it, so they
//! cannot drift apart and break the chain.

use super::key::{self, AuditKey};
use super::{state, GENESIS};
use crate::domain::audit::AuditAction;
use crate::store::{ts, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{params, CachedStatement, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

/// Names the encoding, so a hash of this scheme never equals one of another:
/// the first 64-byte block of every record's hash input (zero-padded), so its
/// compression is done once and the hasher cloned.
const DOMAIN: &[u8] = b"watchroom audit record, encoding 1";

fn domain_block() -> &'static [u8; 64] {
    static BLOCK: std::sync::OnceLock<[u8; 64]> = std::sync::OnceLock::new();
    BLOCK.get_or_init(|| {
        let mut block = [0u8; 64];
        block[..DOMAIN.len()].copy_from_slice(DOMAIN);
        block
    })
}

fn domain_hasher() -> &'static Sha256 {
    static HASHER: std::sync::OnceLock<Sha256> = std::sync::OnceLock::new();
    HASHER.get_or_init(|| Sha256::new_with_prefix(domain_block()))
}

/// A SHA-256 in lowercase hex, as stored.
pub(super) type Hex = [u8; 64];

/// The values a record's hash covers, as SQLite holds them. Each is tagged
/// with its type when encoded, so a changed type is a changed record; the
/// row id is not covered. `state` (see `state.rs`) is encoded after
/// `prev_hash` only when there is one, so records without one hash as they
/// always have; the encoding is self-delimiting, so the two never collide.
pub(super) struct Sealed<'a> {
    pub seq: ValueRef<'a>,
    pub at: ValueRef<'a>,
    pub operator_id: ValueRef<'a>,
    pub action: ValueRef<'a>,
    pub entity: ValueRef<'a>,
    pub entity_id: ValueRef<'a>,
    pub detail: ValueRef<'a>,
    pub prev_hash: ValueRef<'a>,
    pub state: ValueRef<'a>,
}

impl<'a> Sealed<'a> {
    /// A record's values as the store writes them (`at` in Unix seconds).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        seq: i64,
        at: i64,
        operator_id: Option<i64>,
        action: &'a str,
        entity: &'a str,
        entity_id: Option<i64>,
        detail: &'a str,
        prev_hash: &'a str,
    ) -> Sealed<'a> {
        let opt = |v: Option<i64>| v.map_or(ValueRef::Null, ValueRef::Integer);
        Sealed {
            seq: ValueRef::Integer(seq),
            at: ValueRef::Integer(at),
            operator_id: opt(operator_id),
            action: ValueRef::Text(action.as_bytes()),
            entity: ValueRef::Text(entity.as_bytes()),
            entity_id: opt(entity_id),
            detail: ValueRef::Text(detail.as_bytes()),
            prev_hash: ValueRef::Text(prev_hash.as_bytes()),
            state: ValueRef::Null,
        }
    }

    /// The same record carrying the state of what it is about.
    pub fn with_state(self, state: Option<&'a str>) -> Sealed<'a> {
        Sealed {
            state: state.map_or(ValueRef::Null, |s| ValueRef::Text(s.as_bytes())),
            ..self
        }
    }

    /// The bytes hashed after the domain block: the values in the order
    /// seq, at, operator_id, action, entity, entity_id, detail, prev_hash
    /// (and state, if any). `buf` is scratch space, reused from record to
    /// record.
    fn encode(&self, buf: &mut Vec<u8>) {
        let Sealed {
            seq,
            at,
            operator_id,
            action,
            entity,
            entity_id,
            detail,
            prev_hash,
            state,
        } = self;
        buf.clear();
        for v in [
            seq,
            at,
            operator_id,
            action,
            entity,
            entity_id,
            detail,
            prev_hash,
        ] {
            put(buf, *v);
        }
        if !matches!(state, ValueRef::Null) {
            put(buf, *state);
        }
    }

    /// The hash the record is sealed with: SHA-256, or with a key, the
    /// HMAC-SHA256 of the same bytes.
    pub fn seal(&self, buf: &mut Vec<u8>, key: Option<&AuditKey>) -> Hex {
        self.encode(buf);
        match key {
            Some(k) => hex(&k.mac(&[domain_block(), &buf[..]])),
            None => {
                let mut h = domain_hasher().clone();
                h.update(&buf[..]);
                hex(&h.finalize().into())
            }
        }
    }

    /// The unkeyed hash.
    pub fn hash(&self, buf: &mut Vec<u8>) -> Hex {
        self.seal(buf, None)
    }
}

/// One value, tagged with its type; texts and blobs prefixed by their length
/// in bytes, so no two different records encode the same.
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

fn hex(bytes: &[u8; 32]) -> Hex {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[(b >> 4) as usize];
        out[2 * i + 1] = DIGITS[(b & 15) as usize];
    }
    out
}

pub(super) fn hex_str(h: &Hex) -> &str {
    std::str::from_utf8(h).expect("hex digits are ASCII")
}

/// A stored hash, if it is 64 bytes of text.
pub(super) fn as_hex(v: ValueRef<'_>) -> Option<Hex> {
    match v {
        ValueRef::Text(t) if t.len() == 64 => {
            let mut h = [0u8; 64];
            h.copy_from_slice(t);
            Some(h)
        }
        _ => None,
    }
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
    let sealed = Sealed::new(
        seq,
        at,
        operator_id,
        action,
        entity,
        entity_id,
        detail,
        prev_hash,
    );
    hex_str(&sealed.hash(&mut Vec::new())).to_string()
}

/// [`record_hash`] of a record that carries a state (see `state.rs`).
#[allow(clippy::too_many_arguments)]
pub fn record_hash_with_state(
    seq: i64,
    at: i64,
    operator_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
    prev_hash: &str,
    state: Option<&str>,
) -> String {
    let sealed = Sealed::new(
        seq,
        at,
        operator_id,
        action,
        entity,
        entity_id,
        detail,
        prev_hash,
    )
    .with_state(state);
    hex_str(&sealed.hash(&mut Vec::new())).to_string()
}

const INSERT: &str =
    "INSERT INTO audit (at, operator_id, action, entity, entity_id, detail, seq, prev_hash, hash, state)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
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

/// How a write seals its records: the key, if the trail is keyed.
struct Sealing<'k> {
    buf: Vec<u8>,
    key: Option<&'k AuditKey>,
}

/// Seal and insert the record at `seq` after `prev`; its hash, for the next.
/// The anchor is the caller's to set, once per transaction.
#[allow(clippy::too_many_arguments)]
fn insert(
    insert: &mut CachedStatement<'_>,
    sealing: &mut Sealing<'_>,
    seq: i64,
    at: i64,
    operator_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
    prev: &str,
    state: Option<&str>,
) -> Result<Hex> {
    let hash = Sealed::new(
        seq,
        at,
        operator_id,
        action,
        entity,
        entity_id,
        detail,
        prev,
    )
    .with_state(state)
    .seal(&mut sealing.buf, sealing.key);
    insert.execute(params![
        at,
        operator_id,
        action,
        entity,
        entity_id,
        detail,
        seq,
        prev,
        hex_str(&hash),
        state
    ])?;
    Ok(hash)
}

/// The key this write seals with: the one held for a keyed trail; none for
/// an unkeyed one. A keyed trail with no key held, or a key held for a trail
/// that says it is not keyed (its flag removed), is refused: either would
/// leave a chain no one could verify.
fn write_key(tx: &Transaction) -> Result<Option<AuditKey>> {
    let held = key::writing_key();
    let path = || std::path::PathBuf::from(tx.path().unwrap_or_default());
    match (key::is_keyed(tx)?, held) {
        (true, Some(k)) => Ok(Some(k)),
        (true, None) => Err(StoreError::AuditKeyed { path: path() }),
        (false, Some(_)) => Err(StoreError::AuditNotKeyed { path: path() }),
        (false, None) => Ok(None),
    }
}

/// Append a record; the action is stored and hashed as its text code, so
/// trails written before the code was an enum still verify.
pub(crate) fn append(
    tx: &Transaction,
    at: DateTime<Utc>,
    operator_id: Option<i64>,
    action: AuditAction,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
) -> Result<()> {
    let key = write_key(tx)?;
    let (last, prev) = head(tx)?;
    let seq = last + 1;
    let state = state::describe(tx, entity, entity_id, key.as_ref())?;
    let hash = insert(
        &mut tx.prepare_cached(INSERT)?,
        &mut Sealing {
            buf: Vec::with_capacity(256),
            key: key.as_ref(),
        },
        seq,
        ts(at),
        operator_id,
        action.code(),
        entity,
        entity_id,
        detail,
        &prev,
        state.as_deref(),
    )?;
    tx.prepare_cached(SET_ANCHOR)?
        .execute(params![seq, hex_str(&hash)])?;
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
                // the values as they were kept, whatever their type
                let hash = Sealed {
                    seq: ValueRef::Integer(seq),
                    at: at.into(),
                    operator_id: operator_id.into(),
                    action: action.into(),
                    entity: entity.into(),
                    entity_id: entity_id.into(),
                    detail: detail.into(),
                    prev_hash: ValueRef::Text(prev.as_bytes()),
                    state: ValueRef::Null,
                }
                .hash(&mut buf);
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
    const ACTIONS: &[(AuditAction, &str)] = &[
        (AuditAction::View, "offender"),
        (AuditAction::Note, "incident"),
        (AuditAction::Create, "sighting"),
        (AuditAction::Status, "incident"),
        (AuditAction::Log, "radio"),
    ];
    let mut done = 0u64;
    while done < count {
        let chunk = (count - done).min(100_000);
        store.write(|tx| {
            let key = write_key(tx)?;
            let (mut seq, mut prev) = head(tx)?;
            let mut statement = tx.prepare_cached(INSERT)?;
            let mut sealing = Sealing {
                buf: Vec::with_capacity(256),
                key: key.as_ref(),
            };
            for i in done..done + chunk {
                seq += 1;
                let (action, entity) = ACTIONS[(i % ACTIONS.len() as u64) as usize];
                let operator = (!operators.is_empty())
                    .then(|| operators[(i % operators.len() as u64) as usize]);
                let hash = insert(
                    &mut statement,
                    &mut sealing,
                    seq,
                    ts(first_at) + i as i64,
                    operator,
                    action.code(),
                    entity,
                    Some(1 + (i % 997) as i64),
                    &format!("synthetic record {i}"),
                    &prev,
                    None,
                )?;
                prev = hex_str(&hash).to_string();
            }
            tx.prepare_cached(SET_ANCHOR)?.execute(params![seq, prev])?;
            Ok(())
        })?;
        done += chunk;
        progress(done);
    }
    Ok(())
}

/// Append one described record (`create`, by `operator`, at `at`) for every
/// row of `entity`'s table, each carrying the row's state as a real write
/// would, many per transaction: for benchmarks of `verify --deep` over a
/// store made in bulk, whose rows no record describes.
#[doc(hidden)]
pub fn describe_synthetic(
    store: &mut Store,
    entity: &str,
    at: DateTime<Utc>,
    operator: Option<i64>,
    mut progress: impl FnMut(u64),
) -> Result<()> {
    let table = match entity {
        "exclusion" => "exclusions",
        "offender" => "offenders",
        "incident" => "incidents",
        other => return Err(StoreError::Invalid(format!("{other} is not described"))),
    };
    let (mut after, mut done) = (0i64, 0u64);
    loop {
        let ids: Vec<i64> = store
            .conn()
            .prepare(&format!(
                "SELECT id FROM {table} WHERE id > ?1 ORDER BY id LIMIT 100000"
            ))?
            .query_map([after], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let Some(&last) = ids.last() else {
            return Ok(());
        };
        store.write(|tx| {
            let key = write_key(tx)?;
            let (mut seq, mut prev) = head(tx)?;
            let mut statement = tx.prepare_cached(INSERT)?;
            let mut sealing = Sealing {
                buf: Vec::with_capacity(256),
                key: key.as_ref(),
            };
            for &id in &ids {
                seq += 1;
                let state = state::describe(tx, entity, Some(id), key.as_ref())?;
                let hash = insert(
                    &mut statement,
                    &mut sealing,
                    seq,
                    ts(at),
                    operator,
                    AuditAction::Create.code(),
                    entity,
                    Some(id),
                    "synthetic description",
                    &prev,
                    state.as_deref(),
                )?;
                prev = hex_str(&hash).to_string();
            }
            tx.prepare_cached(SET_ANCHOR)?.execute(params![seq, prev])?;
            Ok(())
        })?;
        after = last;
        done += ids.len() as u64;
        progress(done);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema::MIGRATIONS;
    use crate::store::{from_ts, Store};
    use rusqlite::Connection;

    /// Two records and the hashes they must always have. Worked out once by
    /// an implementation of the encoding written apart from this one, from
    /// the description in `audit/mod.rs`; if they change, every trail
    /// already kept would read as tampered with.
    const AT: i64 = 1_795_780_800; // 2026-11-27T12:00:00Z
    const FIRST: &str = "8af82e1c5cac4d66c23af004b9b2007079375c193a9b8ec24be810449c87b6be";
    const SECOND: &str = "e78238b401eb8e8c1cfca3ba4ba8387813c78a9f6f63fa708c60712e8e4445c2";

    #[test]
    fn a_known_record_always_hashes_the_same() {
        let first = record_hash(
            1,
            AT,
            Some(1),
            "create",
            "operator",
            Some(1),
            "Sam Okafor (manager)",
            GENESIS,
        );
        assert_eq!(first, FIRST);
        let second = record_hash(
            2,
            AT + 60,
            None,
            "view",
            "offender",
            Some(4),
            "checking a sighting",
            FIRST,
        );
        assert_eq!(second, SECOND);
    }

    #[test]
    fn the_store_seals_records_with_the_pinned_encoding_and_verify_reads_it_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path().join("w.db")).unwrap();
        s.write(|tx| {
            tx.execute(
                "INSERT INTO operators (id, name, role, created_at) VALUES (1, 'Sam Okafor', 'manager', 1)",
                [],
            )?;
            append(tx, from_ts(AT), Some(1), AuditAction::Create, "operator", Some(1), "Sam Okafor (manager)")?;
            append(tx, from_ts(AT + 60), None, AuditAction::View, "offender", Some(4), "checking a sighting")
        })
        .unwrap();
        let rows: Vec<(String, String)> = s
            .conn()
            .prepare("SELECT prev_hash, hash FROM audit ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                (GENESIS.to_string(), FIRST.to_string()),
                (FIRST.to_string(), SECOND.to_string())
            ]
        );
        let report = s.verify_audit().unwrap();
        assert_eq!(report.problem, None);
        assert_eq!(report.last.map(|l| l.hash), Some(SECOND.to_string()));
    }

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
                AuditAction::View,
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
}
