//! Operators: the people who sign on to a console. Every write names one.

use super::{audit, ts, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    pub id: i64,
    pub name: String,
    pub role: String,
}

pub const ROLES: &[&str] = &["operator", "cctv", "coordinator", "manager", "viewer"];

impl Store {
    pub fn operator_by_name(&self, name: &str) -> Result<Option<Operator>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, name, role FROM operators WHERE name = ?1 AND active = 1",
                [name],
                |r| {
                    Ok(Operator {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        role: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Add an operator; the record of who added them is audited with them.
    pub fn add_operator(
        &mut self,
        name: &str,
        role: &str,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Operator> {
        let name = crate::domain::text::tidy_input(name);
        if name.is_empty() || name.chars().count() > 40 {
            return Err(StoreError::Invalid(
                "an operator name is 1 to 40 characters".into(),
            ));
        }
        if !ROLES.contains(&role) {
            return Err(StoreError::Invalid(format!(
                "unknown role “{role}” ({})",
                ROLES.join(", ")
            )));
        }
        self.write(|tx| {
            let exists: Option<i64> = tx
                .query_row("SELECT id FROM operators WHERE name = ?1", [&name], |r| {
                    r.get(0)
                })
                .optional()?;
            if exists.is_some() {
                return Err(StoreError::Invalid(format!(
                    "there is already an operator called {name}"
                )));
            }
            tx.execute(
                "INSERT INTO operators (name, role, created_at) VALUES (?1, ?2, ?3)",
                params![name, role, ts(now)],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                by.or(Some(id)),
                "create",
                "operator",
                Some(id),
                &format!("{name} ({role})"),
            )?;
            Ok(Operator {
                id,
                name: name.clone(),
                role: role.into(),
            })
        })
    }

    /// Record that an operator was refused something, and why.
    pub fn record_refusal(&mut self, operator: i64, why: &str, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| audit::append(tx, now, Some(operator), "refused", "permission", None, why))
    }

    /// The named operator, added with the given role on first use.
    pub fn operator_or_add(
        &mut self,
        name: &str,
        role: &str,
        now: DateTime<Utc>,
    ) -> Result<Operator> {
        match self.operator_by_name(name)? {
            Some(o) => Ok(o),
            None => self.add_operator(name, role, None, now),
        }
    }
}
