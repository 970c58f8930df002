//! Data protection in the store: retention (what the scheme may no longer
//! keep is deleted or anonymised, in one transaction, and the freed space
//! overwritten) and subject access (everything held about one person).
//!
//! The rules themselves are in `domain/retention.rs`; this module gathers the
//! facts they need and carries out their verdicts.
//!
//! What deleting a person removes, in every table: the record, its aliases,
//! its exclusions (with their zones and evidence links), its sightings and
//! the hits they raised, every hit on them, every incident link naming them,
//! any earlier record merged into theirs, and every mention of them in
//! other records' free text (found by `mentions`: full name, aliases,
//! nicknames, former names, the surname with a first name, initial or
//! title; in incidents, notes, the occurrence log, handovers, the radio
//! log, sightings, hits, exclusions, other people's records, bulletin
//! alerts and every record's history of edits), struck out as `[removed]`.
//! Their own history of edits, and their exclusions', goes
//! with them, and an anonymised incident's edits are anonymised with its
//! timeline (see `store/history.rs`). Photo files are
//! named back to the caller to delete, who deletes only those inside the
//! scheme's own folders (see `store/folders.rs`). The audit trail is not touched: its
//! records are chained by hashes and only ever appended; the retention line
//! it gains names no one.

//!
//! `retention` works out what is due and removes it; `subject` gathers
//! everything held about one person.

mod erasure;
mod mentions;
mod retention;
mod subject;

pub use erasure::ErasurePlan;
pub use mentions::Mention;

pub use retention::{Compaction, RetentionCounts};
pub use subject::{
    MergedRecord, SubjectData, SubjectEvidence, SubjectExclusion, SubjectHit, SubjectIncident,
    SubjectMention, SubjectSighting, SubjectView,
};

/// A JSON array of ids, for `json_each` (one statement however many there are).
fn id_list(ids: &[i64]) -> String {
    let mut s = String::with_capacity(ids.len() * 8 + 2);
    s.push('[');
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            s.push(',');
        }
        s.push_str(&id.to_string());
    }
    s.push(']');
    s
}
