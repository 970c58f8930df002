//! Erasure on request: a person the scheme has no ground to keep (their
//! right under the UK GDPR) removed from every table as retention removes
//! one, their mentions elsewhere struck out, with an audit line that says
//! an erasure happened, who did it and why, and names no one.

use super::mentions::{find_mentions, people, Mention};
use super::retention::{remove_people, RetentionCounts};
use super::subject::family;
use crate::domain::audit::AuditAction;
use crate::domain::mentions::Mentions;
use crate::domain::text::tidy_input;
use crate::store::{audit, from_ts, ts, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::Connection;

/// What erasing a person would remove, read before anything is changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasurePlan {
    pub id: i64,
    pub name: String,
    /// Their record and every record merged into it.
    pub records: Vec<i64>,
    pub aliases: usize,
    pub exclusions: usize,
    /// Exclusions in force now: stage and when each ends.
    pub in_force: Vec<(String, DateTime<Utc>)>,
    pub sightings: usize,
    /// Evidence items on their sightings: kept, their text anonymised.
    pub evidence: Vec<String>,
    pub hits: usize,
    pub documents: usize,
    pub photos: usize,
    pub mentions: Vec<Mention>,
}

fn count(c: &Connection, sql: &str, list: &str) -> Result<usize> {
    Ok(c.query_row(sql, [list], |r| r.get::<_, i64>(0))? as usize)
}

fn erasure_plan(c: &Connection, root: i64, now: DateTime<Utc>) -> Result<ErasurePlan> {
    let records = family(c, root)?;
    let list = super::id_list(&records);
    let name: String = c.query_row("SELECT name FROM offenders WHERE id = ?1", [root], |r| {
        r.get(0)
    })?;
    let in_force = c
        .prepare(
            "SELECT stage, ends_at FROM exclusions
             WHERE offender_id IN (SELECT value FROM json_each(?1))
               AND starts_at <= ?2 AND ends_at > ?2 AND lifted_at IS NULL ORDER BY ends_at",
        )?
        .query_map(rusqlite::params![list, ts(now)], |r| {
            Ok((r.get(0)?, from_ts(r.get(1)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let of = "IN (SELECT value FROM json_each(?1))";
    Ok(ErasurePlan {
        id: root,
        name,
        aliases: count(c, &format!("SELECT COUNT(*) FROM offender_aliases WHERE offender_id {of}"), &list)?,
        exclusions: count(c, &format!("SELECT COUNT(*) FROM exclusions WHERE offender_id {of}"), &list)?,
        in_force,
        sightings: count(c, &format!("SELECT COUNT(*) FROM sightings WHERE offender_id {of}"), &list)?,
        evidence: c
            .prepare(&format!(
                "SELECT exhibit_ref FROM evidence_items WHERE sighting_id IN
                     (SELECT id FROM sightings WHERE offender_id {of}) ORDER BY id"
            ))?
            .query_map([&list], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        hits: count(c, &format!("SELECT COUNT(*) FROM hits WHERE offender_id {of}"), &list)?,
        documents: count(
            c,
            &format!(
                "SELECT COUNT(*) FROM documents WHERE id IN (SELECT document_id FROM document_subjects WHERE offender_id {of})
                    OR exclusion_id IN (SELECT id FROM exclusions WHERE offender_id {of})"
            ),
            &list,
        )?,
        photos: count(
            c,
            &format!("SELECT COUNT(*) FROM offenders WHERE id {of} AND photo_path <> ''"),
            &list,
        )?,
        mentions: find_mentions(c, &records)?,
        records,
    })
}

impl Store {
    /// What erasing the person on record `id` (or the one it was merged
    /// into) would remove now. Changes nothing.
    pub fn erasure_plan(&self, id: i64, now: DateTime<Utc>) -> Result<ErasurePlan> {
        let tx = self.conn().unchecked_transaction()?;
        let root = super::subject::root(&tx, id)?;
        let plan = erasure_plan(&tx, root, now)?;
        tx.finish()?;
        Ok(plan)
    }

    /// Erase the person on record `id` on their request, saying why; one
    /// with an exclusion in force only with `force` and why it must go
    /// anyway. In one transaction with its audit line (their names struck
    /// out of the reasons given), then the freed space overwritten; the
    /// photo and document files to delete are named in the result.
    pub fn erase_person(
        &mut self,
        id: i64,
        why: &str,
        force: Option<&str>,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<RetentionCounts> {
        let why = tidy_input(why);
        if why.is_empty() {
            return Err(StoreError::Invalid(
                "say why the person is erased (--why \"…\"): it is kept in the audit trail".into(),
            ));
        }
        let force = force.map(tidy_input);
        if force.as_deref() == Some("") {
            return Err(StoreError::Invalid(
                "say why an exclusion in force is erased anyway (--force \"…\")".into(),
            ));
        }
        self.delete_securely("the person was erased", |tx| {
            let root = super::subject::root(tx, id)?;
            let plan = erasure_plan(tx, root, now)?;
            if !plan.in_force.is_empty() && force.is_none() {
                return Err(StoreError::Invalid(format!(
                    "record #{root} has {} exclusion(s) in force: lift them first, or give --force \"why\" to erase anyway",
                    plan.in_force.len()
                )));
            }
            // the reasons are the manager's words and may name them
            let names = Mentions::new(&people(tx, &plan.records)?);
            let said = |s: &str| names.redact(s).unwrap_or_else(|| s.to_string());
            let mut c = RetentionCounts::default();
            remove_people(tx, &plan.records, &mut c)?;
            tx.execute("INSERT INTO text_index (text_index) VALUES ('optimize')", [])?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Erase,
                "offender",
                Some(root),
                &format!(
                    "erased on request ({}){}: {}",
                    said(&why),
                    force
                        .as_deref()
                        .map(|f| format!("; exclusion in force erased anyway: {}", said(f)))
                        .unwrap_or_default(),
                    c.describe()
                ),
            )?;
            Ok(c)
        })
    }
}
