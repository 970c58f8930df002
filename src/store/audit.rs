//! The audit trail: who created, changed, viewed or exported what, and when.
//! Records are only ever appended, inside the same transaction as the change.

use super::{from_ts, ts, Result, Store};
use chrono::{DateTime, Utc};
use rusqlite::{params, Transaction};

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

pub(crate) fn append(
    tx: &Transaction,
    at: DateTime<Utc>,
    operator_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit (at, operator_id, action, entity, entity_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![ts(at), operator_id, action, entity, entity_id, detail],
    )?;
    Ok(())
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

    pub fn audit_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?)
    }
}
