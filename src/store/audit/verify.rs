//! `audit verify`: walk the trail in id order and name the first problem
//! (what it can and cannot tell is in the module's opening comment). Each
//! record's hash is recomputed through [`Sealed`], the encoding appending
//! uses.

use super::chain::{as_hex, hex_str, Hex, Sealed};
use super::key::AuditKey;
use super::{AuditHead, AuditLink};
use crate::domain::audit::Checkpoint;
use crate::store::{from_ts, Result, Store};
use rusqlite::types::ValueRef;
use rusqlite::{OptionalExtension, Row};
use std::fmt;

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
    /// No record and no anchor, yet the store holds `rows` of `table`, each
    /// written with an audit record: the trail was emptied.
    Emptied { table: &'static str, rows: i64 },
    /// The checkpoint's seq is past the end of the trail (`last`: its
    /// newest record): records were cut from the end and the anchor reset.
    CheckpointMissing { seq: i64, last: Option<AuditLink> },
    /// `record` holds the checkpoint's seq with another hash: the trail was
    /// rewritten up to it and its hashes recomputed.
    CheckpointMismatch { record: AuditLink },
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
            AuditProblem::Emptied { .. } | AuditProblem::CheckpointMissing { .. } => {
                AuditProblemKind::Removed
            }
            AuditProblem::CheckpointMismatch { .. } => AuditProblemKind::Edited,
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
            AuditProblem::AnchorMissing { .. }
            | AuditProblem::Emptied { .. }
            | AuditProblem::CheckpointMissing { .. } => None,
            AuditProblem::AnchorMismatch { record, .. }
            | AuditProblem::CheckpointMismatch { record } => Some(record.id),
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
            AuditProblem::Emptied { table, rows } => write!(
                f,
                "the start: there are no records (and no anchor), yet the store holds {rows} {table}, each written with one — the trail was emptied"
            ),
            AuditProblem::CheckpointMissing { seq, last } => {
                let ends = match last {
                    Some(l) => format!("ends at {l}"),
                    None => "has no records".into(),
                };
                write!(
                    f,
                    "the checkpoint: seq {seq} is not in the trail, which {ends} — records were cut from the end and its anchor set to match"
                )
            }
            AuditProblem::CheckpointMismatch { record } => write!(
                f,
                "{record}: its hash is not the one the checkpoint holds for seq {} — the trail was rewritten up to here and its hashes recomputed",
                record.seq
            ),
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

const VERIFY: &str =
    "SELECT id, seq, at, operator_id, action, entity, entity_id, detail, prev_hash, hash, state
     FROM audit ORDER BY id";

impl Seal {
    fn read(r: &Row<'_>, buf: &mut Vec<u8>, key: Option<&AuditKey>) -> rusqlite::Result<Seal> {
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
                h == Sealed {
                    seq: seq_v,
                    at: at_v,
                    operator_id: r.get_ref(3)?,
                    action: r.get_ref(4)?,
                    entity: r.get_ref(5)?,
                    entity_id: r.get_ref(6)?,
                    detail: r.get_ref(7)?,
                    prev_hash: prev_v,
                    state: r.get_ref(10)?,
                }
                .seal(buf, key)
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
    /// the checkpoint to find, and the record found at its seq
    expect: Option<(i64, Hex)>,
    at_checkpoint: Option<(AuditLink, Hex)>,
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
            if matches!(self.expect, Some((s, _)) if s == seq) {
                self.at_checkpoint = Some((here, hash));
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

    /// With the chain found good: is the checkpoint's record on it?
    fn checkpoint(&self) -> Option<AuditProblem> {
        let (seq, hash) = self.expect?;
        match self.at_checkpoint {
            Some((_, h)) if h == hash => None,
            Some((record, _)) => Some(AuditProblem::CheckpointMismatch { record }),
            None => Some(AuditProblem::CheckpointMissing {
                seq,
                last: self.tip.link,
            }),
        }
    }
}

/// Tables whose every row is written with an audit record (the demo and
/// `generate` write one for all they make): one with rows beside an empty
/// trail shows the trail was emptied. A store made from empty has none.
const AUDITED: &[&str] = &[
    "incidents",
    "offenders",
    "exclusions",
    "sightings",
    "members",
    "radios",
    "cameras",
    "zones",
    "operators",
];

fn emptied(conn: &rusqlite::Connection) -> Result<Option<AuditProblem>> {
    for table in AUDITED {
        let rows: i64 =
            conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        if rows > 0 {
            return Ok(Some(AuditProblem::Emptied { table, rows }));
        }
    }
    Ok(None)
}

impl Store {
    /// Check the whole trail, record by record in id order, against its
    /// hashes, its seqs and its anchor; name the first problem. One read
    /// transaction (a snapshot: consoles may go on writing), one statement,
    /// nothing kept per record but its links. A keyed trail needs its key
    /// ([`StoreError::AuditKeyed`](crate::store::StoreError) without it).
    pub fn verify_audit(&self) -> Result<AuditReport> {
        self.verify_audit_expecting(None)
    }

    /// [`Store::verify_audit`], and the trail must hold exactly the
    /// checkpoint's record (`audit verify --expect`).
    pub fn verify_audit_expecting(&self, expect: Option<&Checkpoint>) -> Result<AuditReport> {
        let key = self.trail_key()?;
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
            // a hash not of 64 digits can match no record
            expect: expect.map(|c| {
                let h = as_hex(ValueRef::Text(c.hash.as_bytes())).unwrap_or([b'?'; 64]);
                (c.seq, h)
            }),
            at_checkpoint: None,
        };
        let mut st = tx.prepare_cached(VERIFY)?;
        let mut rows = st.query([])?;
        let mut pending: Option<Seal> = None;
        let mut problem = None;
        let mut buf = Vec::with_capacity(256);
        while let Some(r) = rows.next()? {
            let seal = Seal::read(r, &mut buf, key.as_ref())?;
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
        if problem.is_none() && chain.records == 0 {
            problem = emptied(&tx)?;
        }
        if problem.is_none() {
            problem = chain.checkpoint();
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
    use crate::store::Store;

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
