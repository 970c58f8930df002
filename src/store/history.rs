//! The history of edits: for every save that changed a record, each field it
//! changed with what it was and what it became (see `domain/history.rs`),
//! kept in `field_changes` in the same transaction as the change and its
//! audit record.
//!
//! Each row belongs to one record — the timeline entry of an incident's
//! edit, a person on the register, an exclusion, a member or a radio — and
//! goes when it goes. Old values can name people, so they are kept here,
//! where retention and the subject access request reach them, and never in
//! the audit trail. What retention does with them (`store/privacy/`): a
//! person's history and their exclusions' go with them, and the names and
//! aliases they had before an edit are struck out of other records as their
//! present ones are; an anonymised incident's edits are anonymised with its
//! timeline; a removed person's name is struck out of every other history.
//! Retention's own changes are never recorded here: that would keep what it
//! removes.
//!
//! A radio's status keeps its own history (`radio_status_history`, with the
//! note given) as it always has; a radio's other fields are kept here.

use super::{from_ts, ts, Result, Store};
use crate::domain::format_pence;
use crate::domain::history::{self, Change, FieldChange, Fields};
use crate::domain::offender::OffenderKind;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Params};
use std::collections::HashMap;

/// The record a change belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// An incident's edit, by the timeline entry that tells of it.
    Entry(i64),
    Offender(i64),
    Exclusion(i64),
    Member(i64),
    Radio(i64),
}

impl Owner {
    fn column(self) -> (&'static str, i64) {
        match self {
            Owner::Entry(id) => ("timeline_id", id),
            Owner::Offender(id) => ("offender_id", id),
            Owner::Exclusion(id) => ("exclusion_id", id),
            Owner::Member(id) => ("member_id", id),
            Owner::Radio(id) => ("radio_id", id),
        }
    }
}

/// Keep one save's changes (nothing, if it changed nothing). The rows share
/// `edit`, the first one's id.
pub(crate) fn record(
    conn: &Connection,
    owner: Owner,
    at: DateTime<Utc>,
    operator: i64,
    changes: &[FieldChange],
) -> Result<()> {
    let (column, id) = owner.column();
    let sql = format!(
        "INSERT INTO field_changes (edit, at, operator_id, {column}, field, old, new)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    );
    let mut edit = 0;
    for (k, c) in changes.iter().enumerate() {
        conn.prepare_cached(&sql)?.execute(params![
            edit,
            ts(at),
            operator,
            id,
            c.field,
            c.old,
            c.new
        ])?;
        if k == 0 {
            edit = conn.last_insert_rowid();
            conn.execute("UPDATE field_changes SET edit = ?1 WHERE id = ?1", [edit])?;
        }
    }
    Ok(())
}

/// Keep what changed between `before` and the record as it is now; the changes.
pub(crate) fn record_since(
    conn: &Connection,
    owner: Owner,
    before: &Fields,
    at: DateTime<Utc>,
    operator: i64,
) -> Result<Vec<FieldChange>> {
    let changes = history::diff(before, &fields(conn, owner)?);
    record(conn, owner, at, operator, &changes)?;
    Ok(changes)
}

/// A text column, nothing where it is NULL.
fn text(r: &rusqlite::Row, i: usize) -> rusqlite::Result<String> {
    Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
}

/// An instant column as a history keeps it, nothing where it is NULL.
fn instant(r: &rusqlite::Row, i: usize) -> rusqlite::Result<String> {
    Ok(r.get::<_, Option<i64>>(i)?
        .map(|t| history::instant(from_ts(t)))
        .unwrap_or_default())
}

/// A record's fields as its history compares them (none for a record that
/// is not there, or for an incident, whose fields come from the edit).
pub(crate) fn fields(conn: &Connection, owner: Owner) -> Result<Fields> {
    Ok(match owner {
        Owner::Entry(_) => None,
        Owner::Offender(id) => offender_fields(conn, id)?,
        Owner::Exclusion(id) => exclusion_fields(conn, id)?,
        Owner::Member(id) => member_fields(conn, id)?,
        Owner::Radio(id) => radio_fields(conn, id)?,
    }
    .unwrap_or_default())
}

/// The values of a list column (`a, b` or `a,b`), as a history keeps a list.
fn listed(stored: &str) -> String {
    let items: Vec<String> = stored
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(String::from)
        .collect();
    history::list(&items)
}

fn offender_fields(conn: &Connection, id: i64) -> Result<Option<Fields>> {
    let Some(mut fields) = conn
        .prepare_cached(
            "SELECT name, kind, status, nicknames, description, markers, date_of_birth, address, photo_path
             FROM offenders WHERE id = ?1",
        )?
        .query_row([id], |r| {
            let kind = text(r, 1)?;
            Ok(vec![
                ("name", text(r, 0)?),
                (
                    "kind",
                    OffenderKind::from_code(&kind).map_or(kind.clone(), |k| k.label().to_string()),
                ),
                ("status", text(r, 2)?),
                ("nicknames", listed(&text(r, 3)?)),
                ("description", text(r, 4)?),
                ("markers", listed(&text(r, 5)?)),
                ("date of birth", text(r, 6)?),
                ("address", text(r, 7)?),
                ("photo", text(r, 8)?),
            ])
        })
        .optional()?
    else {
        return Ok(None);
    };
    let aliases: Vec<String> = conn
        .prepare_cached("SELECT alias FROM offender_aliases WHERE offender_id = ?1 ORDER BY rowid")?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    fields.insert(3, ("aliases", history::list(&aliases)));
    Ok(Some(fields))
}

fn exclusion_fields(conn: &Connection, id: i64) -> Result<Option<Fields>> {
    let Some((all_zones, mut fields)) = conn
        .prepare_cached(
            "SELECT all_zones, stage, starts_at, ends_at, served_at, served_by, reason,
                    review_on, appeal_lodged_on, appeal_outcome, lifted_at,
                    reviewed_on, review_outcome
             FROM exclusions WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, bool>(0)?,
                vec![
                    ("stage", text(r, 1)?),
                    ("starts", instant(r, 2)?),
                    ("ends", instant(r, 3)?),
                    ("served", instant(r, 4)?),
                    ("served by", text(r, 5)?),
                    ("reason", text(r, 6)?),
                    ("review", text(r, 7)?),
                    ("appeal lodged", text(r, 8)?),
                    ("appeal outcome", text(r, 9)?),
                    ("lifted", instant(r, 10)?),
                    ("reviewed", text(r, 11)?),
                    ("review outcome", text(r, 12)?),
                ],
            ))
        })
        .optional()?
    else {
        return Ok(None);
    };
    let covers = if all_zones {
        "all zones".to_string()
    } else {
        let zones: Vec<String> = conn
            .prepare_cached(
                "SELECT z.name FROM exclusion_zones ez JOIN zones z ON z.id = ez.zone_id
                 WHERE ez.exclusion_id = ?1 ORDER BY z.name",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        history::list(&zones)
    };
    let evidence: Vec<String> = conn
        .prepare_cached(
            "SELECT '#' || incident_id FROM exclusion_incidents WHERE exclusion_id = ?1 ORDER BY incident_id",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    fields.insert(1, ("covers", covers));
    fields.insert(7, ("evidence", history::list(&evidence)));
    Ok(Some(fields))
}

fn member_fields(conn: &Connection, id: i64) -> Result<Option<Fields>> {
    Ok(conn
        .prepare_cached(
            "SELECT m.name, m.kind, z.name, m.address, m.status, m.joined_on, m.renewal_on,
                    m.fee_paid_pence, m.agreement_version, m.agreement_signed_on, m.left_on
             FROM members m LEFT JOIN zones z ON z.id = m.zone_id WHERE m.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(vec![
                ("name", text(r, 0)?),
                ("type", text(r, 1)?),
                ("zone", text(r, 2)?),
                ("address", text(r, 3)?),
                ("status", text(r, 4)?),
                ("joined", text(r, 5)?),
                ("renewal", text(r, 6)?),
                ("fee paid", format_pence(r.get(7)?)),
                ("agreement", text(r, 8)?),
                ("agreement signed", text(r, 9)?),
                ("left", text(r, 10)?),
            ])
        })
        .optional()?)
}

fn radio_fields(conn: &Connection, id: i64) -> Result<Option<Fields>> {
    // the member by name and zone, as the inventory lists it
    let row: Option<(String, String, String, String)> = conn
        .prepare_cached(
            "SELECT r.call_sign, r.serial,
                    COALESCE(m.name || COALESCE(' (' || z.name || ')', ''), ''), r.notes
             FROM radios r LEFT JOIN members m ON m.id = r.member_id LEFT JOIN zones z ON z.id = m.zone_id
             WHERE r.id = ?1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    Ok(row.map(|(call_sign, serial, member, notes)| {
        vec![
            ("call sign", call_sign),
            ("serial", serial),
            ("issued to", member),
            ("notes", notes),
        ]
    }))
}

// ---------------------------------------------------------------- reading

/// A row limit as SQLite takes it (-1: none).
fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(-1)
}

/// Changes from rows of (edit, at, by, of, field, old, new), one edit's rows
/// together, in the order given.
fn read(conn: &Connection, sql: &str, p: impl Params) -> Result<Vec<Change>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st.query_map(p, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            FieldChange {
                field: r.get(4)?,
                old: r.get(5)?,
                new: r.get(6)?,
            },
        ))
    })?;
    let mut out: Vec<Change> = vec![];
    let mut last = None;
    for row in rows {
        let (edit, at, by, of, field) = row?;
        match out.last_mut() {
            Some(c) if last == Some(edit) => c.fields.push(field),
            _ => out.push(Change {
                at: from_ts(at),
                by,
                of,
                fields: vec![field],
            }),
        }
        last = Some(edit);
    }
    Ok(out)
}

const COLUMNS: &str = "c.edit, c.at, COALESCE(o.name, ''), ";
const FIELDS: &str = ", c.field, c.old, c.new";

/// Each edit of an incident's timeline with the fields it changed, by entry.
pub(crate) fn entry_changes(
    conn: &Connection,
    incident: i64,
) -> Result<HashMap<i64, Vec<FieldChange>>> {
    let mut st = conn.prepare_cached(
        "SELECT c.timeline_id, c.field, c.old, c.new FROM field_changes c
         JOIN timeline t ON t.id = c.timeline_id WHERE t.incident_id = ?1 ORDER BY c.id",
    )?;
    let mut out: HashMap<i64, Vec<FieldChange>> = HashMap::new();
    for row in st.query_map([incident], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            FieldChange {
                field: r.get(1)?,
                old: r.get(2)?,
                new: r.get(3)?,
            },
        ))
    })? {
        let (entry, change) = row?;
        out.entry(entry).or_default().push(change);
    }
    Ok(out)
}

/// An incident's edits, oldest first.
pub(crate) fn incident_changes(conn: &Connection, incident: i64) -> Result<Vec<Change>> {
    read(
        conn,
        &format!(
            "SELECT {COLUMNS}''{FIELDS} FROM field_changes c
             JOIN timeline t ON t.id = c.timeline_id LEFT JOIN operators o ON o.id = c.operator_id
             WHERE t.incident_id = ?1 ORDER BY c.edit, c.id"
        ),
        [incident],
    )
}

/// The changes to the people with these records (a JSON list of ids) and to
/// their exclusions, newest first: `of` names the record changed unless it
/// is `main`, the person's own. Merged records are `record #N`, exclusions
/// their stage and number.
pub(crate) fn people_changes(
    conn: &Connection,
    main: i64,
    records: &str,
    limit: usize,
) -> Result<Vec<Change>> {
    read(
        conn,
        &format!(
            "SELECT * FROM (
                SELECT {COLUMNS}CASE WHEN c.offender_id = ?2 THEN '' ELSE 'record #' || c.offender_id END{FIELDS}, c.id
                FROM field_changes c LEFT JOIN operators o ON o.id = c.operator_id
                WHERE c.offender_id IN (SELECT value FROM json_each(?1))
                UNION ALL
                SELECT {COLUMNS}e.stage || ' #' || e.id{FIELDS}, c.id
                FROM field_changes c JOIN exclusions e ON e.id = c.exclusion_id
                LEFT JOIN operators o ON o.id = c.operator_id
                WHERE e.offender_id IN (SELECT value FROM json_each(?1)))
             ORDER BY 1 DESC, 8 LIMIT ?3"
        ),
        params![records, main, sql_limit(limit)],
    )
}

// ---------------------------------------------------------------- retention

/// The names and aliases these people (a JSON list of ids) had before an
/// edit, so retention strikes them out of other records as it does the
/// names they have now.
pub(crate) fn former_names(conn: &Connection, people: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT field, old FROM field_changes
         WHERE offender_id IN (SELECT value FROM json_each(?1)) AND field IN ('name', 'aliases') AND old <> ''",
    )?;
    let mut out = vec![];
    for row in st.query_map([people], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (field, old) = row?;
        if field == "aliases" {
            out.extend(old.split(", ").map(String::from));
        } else {
            out.push(old);
        }
    }
    Ok(out)
}

/// Delete the history of these people (a JSON list of ids) and of their
/// exclusions; how many rows went.
pub(crate) fn delete_people(conn: &Connection, people: &str) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM field_changes WHERE offender_id IN (SELECT value FROM json_each(?1))
            OR exclusion_id IN (SELECT id FROM exclusions WHERE offender_id IN (SELECT value FROM json_each(?1)))",
        [people],
    )?)
}

/// Anonymise the edits of these incidents (a JSON list of ids) as their
/// timeline texts are: what each field was and became goes, that it was
/// edited stays.
pub(crate) fn anonymise_incidents(
    conn: &Connection,
    incidents: &str,
    anonymised: &str,
) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE field_changes SET old = ?2, new = ?2
         WHERE timeline_id IN (SELECT id FROM timeline WHERE incident_id IN (SELECT value FROM json_each(?1)))
           AND (old <> ?2 OR new <> ?2)",
        params![incidents, anonymised],
    )?)
}

impl Store {
    /// A person's changes and their exclusions', newest first (at most `limit` fields).
    pub fn offender_changes(&self, id: i64, limit: usize) -> Result<Vec<Change>> {
        people_changes(self.conn(), id, &format!("[{id}]"), limit)
    }

    /// A member's changes, newest first.
    pub fn member_changes(&self, id: i64, limit: usize) -> Result<Vec<Change>> {
        read(
            self.conn(),
            &format!(
                "SELECT {COLUMNS}''{FIELDS} FROM field_changes c LEFT JOIN operators o ON o.id = c.operator_id
                 WHERE c.member_id = ?1 ORDER BY c.edit DESC, c.id LIMIT ?2"
            ),
            params![id, sql_limit(limit)],
        )
    }

    /// A radio's changes other than its status (see [`Store::radio_history`]), newest first.
    pub fn radio_changes(&self, id: i64, limit: usize) -> Result<Vec<Change>> {
        read(
            self.conn(),
            &format!(
                "SELECT {COLUMNS}''{FIELDS} FROM field_changes c LEFT JOIN operators o ON o.id = c.operator_id
                 WHERE c.radio_id = ?1 ORDER BY c.edit DESC, c.id LIMIT ?2"
            ),
            params![id, sql_limit(limit)],
        )
    }
}
