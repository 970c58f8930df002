//! What an audit record says its record looked like after the write, and
//! `audit verify --deep`, which holds each record's row to it.
//!
//! Every record appended about an exclusion, an offender or an incident (by
//! its id) carries the `state` of that row as the write left it, read in the
//! same transaction: a small JSON object of the fields a hand edit would be
//! made for. The state is sealed into the record's hash with the rest, so it
//! cannot be changed to match an edited row without breaking the chain.
//!
//! - exclusions: the offender, stage, start, end, and when it was lifted;
//! - offenders: kind, status, and the name as a digest (the trail is never
//!   pruned, so it holds no names; keyed trails digest it under the key);
//! - incidents: status and priority.
//!
//! Its limits: a row no audit record describes (written before the trail
//! kept states, or made in bulk by `demo` and `generate`) is not checked,
//! and is counted as such. A row gone from its table is named only where no
//! erasure explains it: an exclusion whose offender is still on the register,
//! an incident (never removed); offenders and their exclusions are removed
//! together by retention and erasure, which the trail records as a whole.

use super::key::AuditKey;
use super::AuditLink;
use crate::store::{from_ts, Result, Store};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fmt;

/// How a field is shown when it differs.
#[derive(Clone, Copy)]
enum Shown {
    Text,
    Number,
    /// Unix seconds, shown as a UTC date and time; null is "not set".
    Time,
    /// Never shown: only that it differs.
    Hidden,
}

struct Field {
    key: &'static str,
    words: &'static str,
    shown: Shown,
}

/// One described table: the entity its audit records name, and how its row
/// is read (the columns in the order of `fields`, by id).
struct Described {
    entity: &'static str,
    table: &'static str,
    select: &'static str,
    fields: &'static [Field],
}

const fn field(key: &'static str, words: &'static str, shown: Shown) -> Field {
    Field { key, words, shown }
}

const DESCRIBED: &[Described] = &[
    Described {
        entity: "exclusion",
        table: "exclusions",
        select:
            "SELECT offender_id, stage, starts_at, ends_at, lifted_at FROM exclusions WHERE id = ?1",
        fields: &[
            field("offender", "offender", Shown::Number),
            field("stage", "stage", Shown::Text),
            field("starts", "start", Shown::Time),
            field("ends", "end date", Shown::Time),
            field("lifted", "lifting", Shown::Time),
        ],
    },
    Described {
        entity: "offender",
        table: "offenders",
        select: "SELECT kind, status, name FROM offenders WHERE id = ?1",
        fields: &[
            field("kind", "kind", Shown::Text),
            field("status", "status", Shown::Text),
            field("name", "name", Shown::Hidden),
        ],
    },
    Described {
        entity: "incident",
        table: "incidents",
        select: "SELECT status, priority FROM incidents WHERE id = ?1",
        fields: &[
            field("status", "status", Shown::Text),
            field("priority", "priority", Shown::Number),
        ],
    },
];

fn described(entity: &str) -> Option<&'static Described> {
    DESCRIBED.iter().find(|d| d.entity == entity)
}

/// A name as the trail keeps it: a digest, never the name.
fn name_digest(name: &str, key: Option<&AuditKey>) -> String {
    const WHAT: &[u8] = b"watchroom offender name\0";
    let bytes: [u8; 32] = match key {
        Some(k) => k.mac(&[WHAT, name.as_bytes()]),
        None => Sha256::new_with_prefix(WHAT)
            .chain_update(name.as_bytes())
            .finalize()
            .into(),
    };
    bytes[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The row's fields as its state holds them; none if it is not in its table.
fn current(
    conn: &Connection,
    d: &Described,
    id: i64,
    key: Option<&AuditKey>,
) -> Result<Option<Map<String, Value>>> {
    let mut st = conn.prepare_cached(d.select)?;
    let row = st
        .query_row([id], |r| {
            let mut m = Map::new();
            for (i, f) in d.fields.iter().enumerate() {
                use rusqlite::types::ValueRef;
                let v = match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::from(n),
                    ValueRef::Real(x) => Value::from(x),
                    ValueRef::Text(t) => {
                        let t = String::from_utf8_lossy(t);
                        if f.key == "name" {
                            Value::from(name_digest(&t, key))
                        } else {
                            Value::from(t.into_owned())
                        }
                    }
                    ValueRef::Blob(_) => Value::from("(binary)"),
                };
                m.insert(f.key.to_string(), v);
            }
            Ok(m)
        })
        .optional()?;
    Ok(row)
}

/// The state an audit record about `entity` #`id` carries, read inside the
/// write that appends it: none for what is not described, or for a row not
/// (or no longer) in its table.
pub(super) fn describe(
    conn: &Connection,
    entity: &str,
    id: Option<i64>,
    key: Option<&AuditKey>,
) -> Result<Option<String>> {
    let (Some(d), Some(id)) = (described(entity), id) else {
        return Ok(None);
    };
    Ok(current(conn, d, id, key)?.map(|m| Value::Object(m).to_string()))
}

/// The first row found not to be as its latest audit record describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateProblem {
    /// The row's table and id.
    pub table: &'static str,
    pub id: i64,
    /// The latest audit record describing it.
    pub record: AuditLink,
    pub how: StateDiffers,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateDiffers {
    /// A field differs: its words, and both values as shown (none: hidden).
    Field {
        words: &'static str,
        now: Option<String>,
        described: Option<String>,
    },
    /// The row is gone from its table, and no erasure explains it.
    Gone,
}

/// Reads after "audit trail intact, but ".
impl fmt::Display for StateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let StateProblem {
            table,
            id,
            record,
            how,
        } = self;
        match how {
            StateDiffers::Field {
                words,
                now: Some(now),
                described: Some(was),
            } => write!(
                f,
                "{table} record {id}: its {words} is {now}, but its latest audit record, {record}, says {was} — it was changed outside watchroom"
            ),
            StateDiffers::Field { words, .. } => write!(
                f,
                "{table} record {id}: its {words} is not the one its latest audit record, {record}, describes — it was changed outside watchroom"
            ),
            StateDiffers::Gone => write!(
                f,
                "{table} record {id}: it is gone from its table, though its latest audit record, {record}, describes it and nothing erased it — it was removed outside watchroom"
            ),
        }
    }
}

/// What `--deep` found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeepReport {
    /// Rows compared with their latest audit record.
    pub compared: u64,
    pub problem: Option<StateProblem>,
}

fn shown(f: &Field, v: &Value) -> Option<String> {
    match (f.shown, v) {
        (Shown::Hidden, _) => None,
        (_, Value::Null) => Some("not set".into()),
        (Shown::Time, Value::Number(n)) => n
            .as_i64()
            .map(|t| from_ts(t).format("%Y-%m-%d %H:%M UTC").to_string()),
        (Shown::Text, Value::String(s)) => Some(format!("“{s}”")),
        (_, v) => Some(v.to_string()),
    }
}

impl Store {
    /// Hold every described row to the state its latest audit record gives
    /// it, table by table (exclusions, incidents, offenders); name the first
    /// that differs. Meant after [`Store::verify_audit`] has found the trail
    /// itself intact: one read transaction, one pass over the trail.
    pub fn verify_states(&self) -> Result<DeepReport> {
        let tx = self.conn().unchecked_transaction()?;
        let key = self.trail_key()?;
        let mut report = DeepReport::default();
        // each row's latest description: one pass over the trail, grouped
        // (SQLite gives the other columns of the row holding MAX(id))
        let mut st = tx.prepare(
            "SELECT entity, entity_id, MAX(id), seq, state FROM audit
             WHERE entity IN ('exclusion', 'incident', 'offender')
               AND state IS NOT NULL AND entity_id IS NOT NULL
             GROUP BY entity, entity_id ORDER BY entity, entity_id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let entity: String = r.get(0)?;
            let Some(d) = described(&entity) else {
                continue;
            };
            let id: i64 = r.get(1)?;
            let record = AuditLink {
                id: r.get(2)?,
                seq: r.get(3)?,
            };
            let text: String = r.get(4)?;
            let Ok(Value::Object(was)) = serde_json::from_str::<Value>(&text) else {
                // sealed with the chain, so only a newer version's form
                continue;
            };
            report.compared += 1;
            let problem = |how| {
                Some(StateProblem {
                    table: d.table,
                    id,
                    record,
                    how,
                })
            };
            let Some(now) = current(&tx, d, id, key.as_ref())? else {
                if gone_unexplained(&tx, d, &was)? {
                    report.problem = problem(StateDiffers::Gone);
                    return Ok(report);
                }
                continue;
            };
            for f in d.fields {
                let (a, b) = (
                    now.get(f.key).unwrap_or(&Value::Null),
                    was.get(f.key).unwrap_or(&Value::Null),
                );
                if a != b {
                    report.problem = problem(StateDiffers::Field {
                        words: f.words,
                        now: shown(f, a),
                        described: shown(f, b),
                    });
                    return Ok(report);
                }
            }
        }
        Ok(report)
    }
}

/// Whether a row gone from its table is unexplained: an incident (never
/// removed), or an exclusion whose offender is still there (retention and
/// erasure remove both together).
fn gone_unexplained(conn: &Connection, d: &Described, was: &Map<String, Value>) -> Result<bool> {
    Ok(match d.entity {
        "incident" => true,
        "exclusion" => match was.get("offender").and_then(Value::as_i64) {
            Some(o) => conn.query_row(
                "SELECT EXISTS(SELECT 1 FROM offenders WHERE id = ?1)",
                [o],
                |r| r.get(0),
            )?,
            None => false,
        },
        _ => false,
    })
}
