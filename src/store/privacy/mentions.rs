//! Where people on the register are named in the free text of other
//! records: every table that holds any, read once per table (narrowed in
//! SQL to rows holding one of the words every mention must contain, then
//! matched word by word by `domain::mentions`). Retention and erasure strike
//! out what this finds; a subject access report lists it. The documents'
//! Markdown files are read too: one that names them goes with them.

use crate::domain::mentions::{context, Mentions, Person};
use crate::store::{from_ts, Result, Store};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::Connection;

/// A table's free text: its columns, how its records are called, when each
/// was made, and which column says whose record it is (a person's own rows
/// are theirs, not mentions, and go with them).
struct FreeText {
    table: &'static str,
    columns: &'static [&'static str],
    /// SQL naming the record, e.g. `'incident #' || id`.
    record: &'static str,
    at: &'static str,
    owner: Option<&'static str>,
    /// Bumped when struck out, so a console holding an old copy sees it is stale.
    versioned: bool,
}

const FREE_TEXT: &[FreeText] = &[
    FreeText {
        table: "incidents",
        columns: &["summary", "location", "close_reason"],
        record: "'incident #' || id",
        at: "opened_at",
        owner: None,
        versioned: true,
    },
    FreeText {
        table: "timeline",
        columns: &["text"],
        record: "'note #' || id || ' on incident #' || incident_id",
        at: "at",
        owner: None,
        versioned: false,
    },
    FreeText {
        table: "occurrence_log",
        columns: &["text"],
        record: "'occurrence log entry #' || id",
        at: "at",
        owner: None,
        versioned: false,
    },
    FreeText {
        table: "handovers",
        columns: &["body"],
        record: "'handover #' || id",
        at: "at",
        owner: None,
        versioned: false,
    },
    FreeText {
        table: "radio_log",
        columns: &["message"],
        record: "'radio message #' || id",
        at: "at",
        owner: None,
        versioned: false,
    },
    FreeText {
        table: "sightings",
        columns: &["location", "description", "note"],
        record: "'sighting #' || id",
        at: "at",
        owner: Some("offender_id"),
        versioned: false,
    },
    FreeText {
        table: "hits",
        columns: &["detail", "action_taken", "reject_reason"],
        record: "'hit #' || id",
        at: "raised_at",
        owner: Some("offender_id"),
        versioned: false,
    },
    FreeText {
        table: "exclusions",
        columns: &["reason", "served_by", "appeal_outcome"],
        record: "'exclusion #' || id",
        at: "starts_at",
        owner: Some("offender_id"),
        versioned: false,
    },
    FreeText {
        table: "offenders",
        columns: &["description", "nicknames"],
        record: "'register record #' || id",
        at: "created_at",
        owner: Some("id"),
        versioned: true,
    },
    FreeText {
        table: "bulletin_alerts",
        columns: &["text"],
        record: "'bulletin alert #' || id",
        at: "created_at",
        owner: None,
        versioned: false,
    },
    FreeText {
        table: "evidence_entries",
        columns: &["note", "reason", "correction", "file_name"],
        record: "'evidence entry #' || id || ' of exhibit ' || (SELECT exhibit_ref FROM evidence_items WHERE evidence_items.id = item_id)",
        at: "recorded_at",
        owner: None,
        versioned: false,
    },
    FreeText {
        table: "field_changes",
        columns: &["old", "new"],
        record: "'recorded change #' || id",
        at: "at",
        owner: Some("offender_id"),
        versioned: false,
    },
];

/// One place a person is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub table: &'static str,
    pub column: &'static str,
    pub rowid: i64,
    /// The record as a person would call it: "note #12 on incident #3".
    pub record: String,
    pub at: DateTime<Utc>,
    /// The words found, as written.
    pub words: Vec<String>,
    /// The text around the first of them, on one line.
    pub context: String,
    /// The whole text with every mention replaced.
    pub redacted: String,
}

/// Each person's names as the register holds them: name, aliases,
/// nicknames, and the names they had before an edit.
pub(crate) fn people(conn: &Connection, ids: &[i64]) -> Result<Vec<Person>> {
    let mut out = vec![];
    for &id in ids {
        let (name, nicknames): (String, String) = match conn.query_row(
            "SELECT name, nicknames FROM offenders WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        ) {
            Ok(row) => row,
            Err(rusqlite::Error::QueryReturnedNoRows) => continue,
            Err(e) => return Err(e.into()),
        };
        let mut aliases: Vec<String> = conn
            .prepare_cached("SELECT alias FROM offender_aliases WHERE offender_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        aliases.extend(crate::store::history::former_names(
            conn,
            &super::id_list(&[id]),
        )?);
        out.push(Person {
            name,
            aliases,
            nicknames: nicknames
                .split([',', ';'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(String::from)
                .collect(),
        });
    }
    Ok(out)
}

/// Every mention of `people` (by register id) in other records' free text,
/// newest first. Their own rows (their record, sightings, hits, exclusions
/// and its edits) are not mentions.
pub(crate) fn find_mentions(conn: &Connection, ids: &[i64]) -> Result<Vec<Mention>> {
    let people = people(conn, ids)?;
    let m = Mentions::new(&people);
    if m.is_empty() {
        return Ok(vec![]);
    }
    // SQLite's LIKE folds ASCII letters only: with any other word the SQL
    // narrows nothing and every row is read
    let ascii = m.anchors().iter().all(|a| a.is_ascii());
    let owned = super::id_list(ids);
    let mut out = vec![];
    for t in FREE_TEXT {
        let mut values: Vec<Value> = vec![];
        let mut wheres = vec![];
        if let Some(owner) = t.owner {
            values.push(Value::Text(owned.clone()));
            wheres.push(format!(
                "({owner} IS NULL OR {owner} NOT IN (SELECT value FROM json_each(?{})))",
                values.len()
            ));
        }
        if ascii {
            let mut any = vec![];
            for a in m.anchors() {
                values.push(Value::Text(format!("%{a}%")));
                let n = values.len();
                any.extend(t.columns.iter().map(|c| format!("{c} LIKE ?{n}")));
            }
            wheres.push(format!("({})", any.join(" OR ")));
        }
        let sql = format!(
            "SELECT rowid, {}, {}, {} FROM {} {}",
            t.record,
            t.at,
            t.columns.join(", "),
            t.table,
            if wheres.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", wheres.join(" AND "))
            }
        );
        let mut st = conn.prepare(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(values))?;
        while let Some(r) = rows.next()? {
            for (k, column) in t.columns.iter().enumerate() {
                let Some(text) = r.get::<_, Option<String>>(k + 3)? else {
                    continue;
                };
                let found = m.find(&text);
                let Some(first) = found.first() else { continue };
                out.push(Mention {
                    table: t.table,
                    column,
                    rowid: r.get(0)?,
                    record: r.get(1)?,
                    at: from_ts(r.get(2)?),
                    words: found.iter().map(|f| f.words.clone()).collect(),
                    context: context(&text, first, 80),
                    redacted: m.redact(&text).unwrap_or_default(),
                });
            }
        }
    }
    out.extend(document_mentions(conn, &m, &owned)?);
    out.sort_by(|a, b| b.at.cmp(&a.at).then(a.record.cmp(&b.record)));
    Ok(out)
}

/// The documents whose Markdown names them, among those that do not show
/// them (a bulletin whose alert names someone it has no picture of): a
/// file cannot be struck out in place, so retention and erasure delete the
/// document (`table` "documents", `rowid` its number).
fn document_mentions(conn: &Connection, m: &Mentions, owned: &str) -> Result<Vec<Mention>> {
    let mut st = conn.prepare(
        "SELECT id, kind, created_at, files FROM documents
         WHERE id NOT IN (SELECT document_id FROM document_subjects
                          WHERE offender_id IN (SELECT value FROM json_each(?1)))
           AND (exclusion_id IS NULL OR exclusion_id NOT IN
                (SELECT id FROM exclusions WHERE offender_id IN (SELECT value FROM json_each(?1))))",
    )?;
    let rows = st.query_map([owned], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = vec![];
    for row in rows {
        let (id, kind, at, files) = row?;
        for file in crate::store::documents::files_of(&files) {
            if !file.ends_with(".md") {
                continue;
            }
            // a file moved or deleted by hand names no one here
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let found = m.find(&text);
            let Some(first) = found.first() else { continue };
            let name = std::path::Path::new(&file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push(Mention {
                table: "documents",
                column: "markdown",
                rowid: id,
                record: format!("{kind} #{id} ({name})"),
                at: from_ts(at),
                words: found.iter().map(|f| f.words.clone()).collect(),
                context: context(&text, first, 80),
                redacted: String::new(),
            });
        }
    }
    Ok(out)
}

/// Replace every mention found with its struck-out text; how many fields changed.
pub(crate) fn strike_out(conn: &Connection, mentions: &[Mention]) -> Result<usize> {
    // a document's file is deleted with it instead (see `document_mentions`)
    let mentions: Vec<&Mention> = mentions.iter().filter(|m| m.table != "documents").collect();
    for mention in &mentions {
        let versioned = FREE_TEXT
            .iter()
            .any(|t| t.table == mention.table && t.versioned);
        let sql = if versioned {
            format!(
                "UPDATE {} SET {} = ?1, version = version + 1 WHERE rowid = ?2",
                mention.table, mention.column
            )
        } else {
            format!(
                "UPDATE {} SET {} = ?1 WHERE rowid = ?2",
                mention.table, mention.column
            )
        };
        conn.execute(&sql, rusqlite::params![mention.redacted, mention.rowid])?;
    }
    Ok(mentions.len())
}

impl Store {
    /// Where the people `ids` are named in other records, newest first (reads only).
    pub fn mentions_of(&self, ids: &[i64]) -> Result<Vec<Mention>> {
        let tx = self.conn().unchecked_transaction()?;
        let found = find_mentions(&tx, ids)?;
        tx.finish()?;
        Ok(found)
    }
}
