//! Reading and filtering the trail: the activity pane's newest records and a
//! manager's filter of them.

use super::AuditRecord;
use crate::domain::audit::{AuditAction, RecordedAction};
use crate::store::{from_ts, ts, Result, Store};
use chrono::{DateTime, Utc};
use rusqlite::{params, Row};

/// A manager's filter of the audit trail: who (a fragment of the operator's
/// name), what (the action), an offender's record, a time window, and words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub who: Option<String>,
    pub action: Option<AuditAction>,
    pub offender: Option<i64>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub words: Vec<String>,
}

/// A record as both reads select it: id, at, operator's name, action,
/// entity, entity id, detail.
fn record(r: &Row<'_>) -> rusqlite::Result<AuditRecord> {
    Ok(AuditRecord {
        id: r.get(0)?,
        at: from_ts(r.get(1)?),
        operator: r.get(2)?,
        action: RecordedAction::from_code(&r.get::<_, String>(3)?),
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        detail: r.get(6)?,
    })
}

/// What the overview's ticker shows of the trail: the room's work, never a
/// profile looked at, an export, a sign-in or a refusal (the manager's
/// activity pane has those).
const TICKER_ENTITIES: &str =
    "'incident','hit','sighting','radio','rollcall','shift','occurrence','exclusion'";
const TICKER_LEFT_OUT: &str =
    "'view','export','refused','sign-in','sign-in refused','sign-in failed','sign-out'";

impl Store {
    /// The latest records of the room's work from every console, newest
    /// first: read backwards from the newest, so it stops after `limit`.
    pub fn ticker(&self, limit: usize) -> Result<Vec<AuditRecord>> {
        let sql = format!(
            "SELECT a.id, a.at, COALESCE(o.name, 'system'), a.action, a.entity, a.entity_id, a.detail
             FROM audit a LEFT JOIN operators o ON o.id = a.operator_id
             WHERE a.entity IN ({TICKER_ENTITIES}) AND a.action NOT IN ({TICKER_LEFT_OUT})
             ORDER BY a.id DESC LIMIT ?1"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map([limit as i64], record)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest records first, at most `limit`, older than `before` if given.
    pub fn recent_audit(&self, before: Option<i64>, limit: usize) -> Result<Vec<AuditRecord>> {
        let mut st = self.conn().prepare_cached(
            "SELECT a.id, a.at, COALESCE(o.name, 'system'), a.action, a.entity, a.entity_id, a.detail
             FROM audit a LEFT JOIN operators o ON o.id = a.operator_id
             WHERE a.id < ?1 ORDER BY a.id DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![before.unwrap_or(i64::MAX), limit as i64], record)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The newest records matching a manager's filter: who (a fragment of
    /// the operator's name), what (action), an offender's id, a time window
    /// and words anywhere in the record.
    pub fn audit_filtered(&self, q: &AuditQuery, limit: usize) -> Result<Vec<AuditRecord>> {
        let (who, action, offender, since, until, words) = (
            q.who.as_deref(),
            q.action,
            q.offender,
            q.since,
            q.until,
            &q.words,
        );
        use rusqlite::types::Value;
        let like = |s: &str| Value::Text(crate::store::like_anywhere(s));
        let mut clauses = vec!["1".to_string()];
        let mut values: Vec<Value> = vec![];
        if let Some(w) = who {
            clauses.push("COALESCE(o.name, 'system') LIKE ? ESCAPE '\\'".into());
            values.push(like(w));
        }
        if let Some(a) = action {
            clauses.push("a.action = ?".into());
            values.push(Value::Text(a.code().into()));
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
        let rows = st.query_map(rusqlite::params_from_iter(values), record)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn audit_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))?)
    }
}
