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
//! (see [`record_hash`]; `chain.rs` writes the encoding once, for every path).
//! The row id is not hashed; the order is `seq`'s.
//!
//! `append` reads the newest (seq, hash) and writes the next record inside
//! the caller's write transaction. Writes are `BEGIN IMMEDIATE`, so two
//! consoles appending at once queue on SQLite's write lock and the chain never
//! forks. The same transaction updates `audit_anchor`, one row holding the
//! newest record's seq and hash.
//!
//! # What [`Store::verify_audit`](super::Store::verify_audit) can and cannot tell
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
//! Its limit, unkeyed: the chain has no secret. Someone who can write the
//! file and knows this scheme can rewrite every record from some point on,
//! recompute each hash and set the anchor to match, and nothing inside the
//! file can tell. Removing the anchor row too only leaves
//! [`AuditProblem::AnchorMissing`]. Against that only a witness outside the
//! file helps: a checkpoint, or a key.
//!
//! Four things go further (each in its own file):
//! - an empty trail on a store that holds records of an audited kind is
//!   itself a problem ([`AuditProblem::Emptied`]), so deleting every record
//!   and the anchor no longer reads as "no records yet";
//! - a checkpoint (`SEQ:HASH`, written by `audit checkpoint`, into backups
//!   and the handover) kept elsewhere is that outside witness:
//!   `verify --expect` fails unless the trail holds exactly that record;
//! - with `[audit] key_file`, hashes are HMAC-SHA256 under a key kept off
//!   the store (`key.rs`), and a chain rewritten without the key fails for
//!   anyone who holds it;
//! - `verify --deep` holds each described row in its table to the state its
//!   latest audit record carries (`state.rs`), so a row edited by hand is
//!   named.
//!
//! # Where it lives
//!
//! `chain` appends records and holds the one encoding every hash is made
//! from; `verify` walks the chain; `key` the trail's key; `state` what a
//! record says its row looked like, and `--deep`; `query` reads and filters
//! the trail.

mod chain;
pub mod key;
mod query;
mod state;
mod verify;

pub(crate) use chain::{append, seal_unchained};
pub use chain::{append_synthetic, describe_synthetic, record_hash, record_hash_with_state};
pub use key::AuditKey;
pub use query::AuditQuery;
pub use state::{DeepReport, StateDiffers, StateProblem};
pub use verify::{AuditProblem, AuditProblemKind, AuditReport, Intrusion};

use crate::domain::audit::RecordedAction;
use chrono::{DateTime, Utc};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub operator: String,
    /// Unknown codes (another version's, or added by hand) are kept as stored.
    pub action: RecordedAction,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: String,
}

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
