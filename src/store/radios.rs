//! The radio network: handsets and their history, and the day's radio log
//! (roll-calls are in [`super::rollcalls`]).

use super::radio_log::{log_row, LOG_SELECT};
use super::versions::{self, Record};
use super::{audit, from_ts, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

pub const RADIO_STATUSES: &[&str] = &["issued", "spare", "faulty", "in repair", "lost", "stunned"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Radio {
    pub id: i64,
    pub call_sign: String,
    pub serial: String,
    pub member_id: Option<i64>,
    pub member: String,
    /// The member's own status (active, lapsed…), empty for no member.
    pub member_status: String,
    pub zone: String,
    pub status: String,
    pub notes: String,
    /// Bumped by every change, so a form on an old copy is refused.
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    pub from: String,
    pub to: String,
    pub by: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub call_sign: String,
    pub message: String,
    pub by: String,
    /// The radio's status now (not when the line was logged).
    pub status: String,
}

const RADIO_SELECT: &str = "SELECT r.id, r.call_sign, r.serial, r.member_id, COALESCE(m.name, ''), COALESCE(z.name, ''), r.status, r.notes, r.version, COALESCE(m.status, '')
     FROM radios r LEFT JOIN members m ON m.id = r.member_id LEFT JOIN zones z ON z.id = m.zone_id";

fn radio_row(r: &rusqlite::Row) -> rusqlite::Result<Radio> {
    Ok(Radio {
        id: r.get(0)?,
        call_sign: r.get(1)?,
        serial: r.get(2)?,
        member_id: r.get(3)?,
        member: r.get(4)?,
        zone: r.get(5)?,
        status: r.get(6)?,
        notes: r.get(7)?,
        version: r.get(8)?,
        member_status: r.get(9)?,
    })
}

/// Refuse to issue a radio to a member who is not on the scheme now.
fn check_holder(tx: &rusqlite::Connection, member: Option<i64>) -> Result<()> {
    let Some(id) = member else { return Ok(()) };
    let found: Option<(String, String)> = tx
        .query_row(
            "SELECT name, status FROM members WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        None => Err(StoreError::Invalid(format!("no member #{id}"))),
        Some((name, status)) if status == "lapsed" || status == "left" => {
            Err(StoreError::Invalid(format!(
                "{} has {status}: a radio is issued only to a member on the scheme",
                crate::domain::text::tidy_input(&name)
            )))
        }
        Some(_) => Ok(()),
    }
}

fn radio_by_call_sign(tx: &rusqlite::Connection, call_sign: &str) -> Result<Option<(i64, String)>> {
    Ok(tx
        .query_row(
            "SELECT id, status FROM radios WHERE call_sign = ?1",
            [call_sign.trim()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

fn radio_by_id(conn: &rusqlite::Connection, id: i64) -> Result<Radio> {
    conn.query_row(&format!("{RADIO_SELECT} WHERE r.id = ?1"), [id], radio_row)
        .map_err(|_| StoreError::NotFound(format!("radio {id}")))
}

impl Store {
    /// Every handset, by zone then call sign.
    pub fn radios(&self) -> Result<Vec<Radio>> {
        let mut st = self.conn().prepare_cached(&format!(
            "{RADIO_SELECT} ORDER BY COALESCE(z.name, '~'), r.call_sign"
        ))?;
        let rows = st.query_map([], radio_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_radio(
        &mut self,
        call_sign: &str,
        serial: &str,
        member: Option<i64>,
        status: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Radio> {
        let call_sign = crate::domain::radio::call_sign(call_sign).map_err(StoreError::Invalid)?;
        let serial = crate::domain::text::tidy_input(serial);
        if serial.is_empty() {
            return Err(StoreError::Invalid("a radio needs a serial number".into()));
        }
        if !RADIO_STATUSES.contains(&status) {
            return Err(StoreError::Invalid(format!(
                "unknown status “{status}” ({})",
                RADIO_STATUSES.join(", ")
            )));
        }
        if status == "issued" && member.is_none() {
            return Err(StoreError::Invalid(
                "an issued radio needs the member it is issued to".into(),
            ));
        }
        let status = crate::domain::radio::status_for_holder(status, member.is_some());
        let id = self.write(|tx| {
            check_holder(tx, member)?;
            if radio_by_call_sign(tx, &call_sign)?.is_some() {
                return Err(StoreError::Invalid(format!(
                    "call sign {call_sign} is already issued to another radio"
                )));
            }
            tx.execute(
                "INSERT INTO radios (call_sign, serial, member_id, status) VALUES (?1, ?2, ?3, ?4)",
                params![call_sign, serial, member, status],
            )
            .map_err(|_| {
                StoreError::Invalid(format!(
                    "serial {serial} is already on the inventory, or that member does not exist"
                ))
            })?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Create,
                "radio",
                Some(id),
                &call_sign,
            )?;
            Ok(id)
        })?;
        self.radio(id)
    }

    /// Change a radio's serial, who it is issued to, and its notes, keeping
    /// what each was (status has its own history), on the version of the
    /// radio the operator had.
    #[allow(clippy::too_many_arguments)]
    pub fn update_radio(
        &mut self,
        id: i64,
        expected_version: i64,
        serial: &str,
        member: Option<i64>,
        notes: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Radio> {
        let serial = crate::domain::text::tidy_input(serial);
        if serial.is_empty() {
            return Err(StoreError::Invalid("a radio needs a serial number".into()));
        }
        let current = self.radio(id)?;
        self.write(|tx| {
            versions::check(tx, Record::Radio(id), expected_version)?;
            if member != current.member_id {
                check_holder(tx, member)?;
            }
            let before = super::history::fields(tx, super::history::Owner::Radio(id))?;
            tx.execute(
                "UPDATE radios SET serial = ?1, member_id = ?2, notes = ?3 WHERE id = ?4",
                params![serial, member, crate::domain::text::tidy_input(notes), id],
            )
            .map_err(|_| {
                StoreError::Invalid(format!("serial {serial} is already on another radio"))
            })?;
            // Given to a member, a spare is issued; taken back, it is a spare.
            let status =
                crate::domain::radio::status_for_holder(&current.status, member.is_some());
            if status != current.status {
                tx.execute("UPDATE radios SET status = ?1 WHERE id = ?2", params![status, id])?;
                tx.execute(
                    "INSERT INTO radio_status_history (radio_id, at, from_status, to_status, operator_id, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id, ts(now), current.status, status, operator, if member.is_some() { "issued to a member" } else { "taken back from its member" }],
                )?;
            }
            versions::bump(tx, Record::Radio(id), operator, now)?;
            super::history::record_since(
                tx,
                super::history::Owner::Radio(id),
                &before,
                now,
                operator,
            )?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Update,
                "radio",
                Some(id),
                &current.call_sign,
            )?;
            Ok(())
        })?;
        self.radio(id)
    }

    pub fn radio(&self, id: i64) -> Result<Radio> {
        radio_by_id(self.conn(), id)
    }

    /// Change a handset's status, keeping the history of changes, on the
    /// version of the radio the operator had.
    pub fn set_radio_status(
        &mut self,
        id: i64,
        expected_version: i64,
        status: &str,
        note: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Radio> {
        if !RADIO_STATUSES.contains(&status) {
            return Err(StoreError::Invalid(format!(
                "unknown status “{status}” ({})",
                RADIO_STATUSES.join(", ")
            )));
        }
        self.write(|tx| {
            versions::check(tx, Record::Radio(id), expected_version)?;
            let current = radio_by_id(tx, id)?;
            if current.status == status {
                return Err(StoreError::Invalid(format!(
                    "{} is already {status}",
                    current.call_sign
                )));
            }
            if status == "issued" && current.member_id.is_none() {
                return Err(StoreError::Invalid(format!(
                    "{} is issued to no one: edit it to choose its member, and it is issued",
                    current.call_sign
                )));
            }
            tx.execute("UPDATE radios SET status = ?1 WHERE id = ?2", params![status, id])?;
            if status == "spare" && current.member_id.is_some() {
                // A spare is with the control room, not a member.
                let before = super::history::fields(tx, super::history::Owner::Radio(id))?;
                tx.execute("UPDATE radios SET member_id = NULL WHERE id = ?1", [id])?;
                super::history::record_since(tx, super::history::Owner::Radio(id), &before, now, operator)?;
            }
            versions::bump(tx, Record::Radio(id), operator, now)?;
            tx.execute(
                "INSERT INTO radio_status_history (radio_id, at, from_status, to_status, operator_id, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, ts(now), current.status, status, operator, crate::domain::text::tidy_input(note)],
            )?;
            audit::append(tx, now, Some(operator), AuditAction::Status, "radio", Some(id), &format!("{} → {status}", current.status))?;
            Ok(())
        })?;
        self.radio(id)
    }

    pub fn radio_history(&self, id: i64) -> Result<Vec<StatusChange>> {
        let mut st = self.conn().prepare_cached(
            "SELECT h.at, h.from_status, h.to_status, COALESCE(o.name, ''), h.note FROM radio_status_history h
             LEFT JOIN operators o ON o.id = h.operator_id WHERE h.radio_id = ?1 ORDER BY h.at, h.id",
        )?;
        let rows = st.query_map([id], |r| {
            Ok(StatusChange {
                at: from_ts(r.get(0)?),
                from: r.get(1)?,
                to: r.get(2)?,
                by: r.get(3)?,
                note: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One line of radio traffic: a known call sign and what it said. It
    /// puts no one on air or off, whatever its words ([`Store::sign_radio`] does).
    pub fn log_radio(
        &mut self,
        call_sign: &str,
        message: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<LogLine> {
        self.radio_line(call_sign, message, None, operator, now)
    }

    /// A station signing on (`on`) or off: a line in the radio log that
    /// puts it on air or takes it off.
    pub fn sign_radio(
        &mut self,
        call_sign: &str,
        on: bool,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<LogLine> {
        let (message, event) = if on {
            ("signing on", "on")
        } else {
            ("signing off", "off")
        };
        self.radio_line(call_sign, message, Some(event), operator, now)
    }

    fn radio_line(
        &mut self,
        call_sign: &str,
        message: &str,
        event: Option<&str>,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<LogLine> {
        let message = crate::domain::text::tidy_input(message);
        if message.is_empty() {
            return Err(StoreError::Invalid(
                "say what was said (e.g. signing on)".into(),
            ));
        }
        let id = self.write(|tx| {
            let (radio, status) = radio_by_call_sign(tx, call_sign)?
                .ok_or_else(|| StoreError::Invalid(format!("no radio has the call sign “{}”", crate::domain::text::tidy_input(call_sign))))?;
            tx.execute(
                "INSERT INTO radio_log (at, radio_id, message, operator_id, event) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![ts(now), radio, message, operator, event],
            )?;
            let id = tx.last_insert_rowid();
            // the message itself stays in the log, not in the never-pruned trail
            let what = match event {
                Some("on") => "signing on",
                Some(_) => "signing off",
                None => "message",
            };
            let detail = match event {
                None if !crate::domain::radio::is_missing(&status) => String::new(),
                _ => crate::domain::radio::heard_detail(what, &status),
            };
            audit::append(tx, now, Some(operator), AuditAction::Log, "radio", Some(radio), &detail)?;
            Ok(id)
        })?;
        // by its id: the newest line may be another's (a console a second ahead)
        self.conn()
            .query_row(&format!("{LOG_SELECT} WHERE l.id = ?1"), [id], log_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound("log line".into()))
    }

    /// The radio log since `since`, newest first.
    pub fn radio_log(&self, since: DateTime<Utc>, limit: usize) -> Result<Vec<LogLine>> {
        let mut st = self.conn().prepare_cached(&format!(
            "{LOG_SELECT} WHERE l.at >= ?1 ORDER BY l.at DESC, l.id DESC LIMIT ?2"
        ))?;
        let rows = st.query_map(params![ts(since), limit as i64], log_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Radios whose status is trouble (lost, stunned, faulty, in repair),
    /// by call sign: what a roll-call in progress shows beside its stations.
    pub fn radios_in_trouble(&self) -> Result<std::collections::HashMap<String, String>> {
        let mut st = self.conn().prepare_cached(
            "SELECT call_sign, status FROM radios WHERE status IN ('lost', 'stunned', 'faulty', 'in repair')",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Radios set lost or stunned that have been heard since `since` (a
    /// line in the radio log): call sign, status and when last heard,
    /// latest first.
    pub fn trouble_heard(
        &self,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(String, String, DateTime<Utc>)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT r.call_sign, r.status, MAX(l.at) AS heard FROM radio_log l JOIN radios r ON r.id = l.radio_id
             WHERE l.at >= ?1 AND r.status IN ('lost', 'stunned')
             GROUP BY r.id ORDER BY heard DESC LIMIT ?2",
        )?;
        let rows = st.query_map(params![ts(since), limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, from_ts(r.get(2)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Call signs on air: signed on since `since` and not signed off
    /// after, by sign-ons and sign-offs only (never a message's words).
    pub fn on_air(&self, since: DateTime<Utc>) -> Result<Vec<String>> {
        let mut st = self.conn().prepare_cached(
            "SELECT r.call_sign, l.event = 'on' FROM radio_log l JOIN radios r ON r.id = l.radio_id
             WHERE l.at >= ?1 AND l.event IS NOT NULL ORDER BY l.at, l.id",
        )?;
        let mut state: Vec<(String, bool)> = vec![];
        for row in st.query_map([ts(since)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))
        })? {
            let (cs, on) = row?;
            state.retain(|(c, _)| *c != cs);
            state.push((cs, on));
        }
        Ok(state
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| c)
            .collect())
    }
}
