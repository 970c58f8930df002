//! Incidents and their timelines. The board reads windows by keyset so a
//! million incidents draw as fast as a hundred.
//!
//! Over 800 lines: the board's windows (orders, anchors, words through the
//! full-text index) and the incident's writes share the filter's SQL and
//! the board key; the next split would be the board's reading into a file
//! of its own.

use super::versions::{self, Record};
use super::{audit, from_ts, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::history;
use crate::domain::{
    BoardOrder, Incident, IncidentEdit, IncidentFilter, NewIncident, Place, Priority, Status,
    StatusView, TimelineEntry,
};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row, Transaction};

/// An incident's place on the board in its order, compared as a tuple:
/// for the working order (closed, priority, age key, id), the columns of
/// the `incidents_board` index; for a time order the time and the id, both
/// negated when the order runs from the latest, so that every order sorts
/// ascending here whichever way its index is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BoardKey {
    pub parts: [i64; 3],
    pub id: i64,
}

impl BoardKey {
    /// Where an incident sits on the board (the same formula as the generated columns).
    pub fn of(i: &Incident, order: BoardOrder) -> BoardKey {
        let closed = (i.status == Status::Closed) as i64;
        let opened = ts(i.opened_at);
        let age_key = if closed == 1 { -opened } else { opened };
        BoardKey::from_columns(
            order,
            [closed, i.priority.number(), age_key],
            opened,
            ts(i.updated_at),
            i.id,
        )
    }

    fn from_columns(
        order: BoardOrder,
        working: [i64; 3],
        opened: i64,
        updated: i64,
        id: i64,
    ) -> BoardKey {
        let (parts, id) = match order {
            BoardOrder::Priority => (working, id),
            BoardOrder::Oldest => ([opened, 0, 0], id),
            BoardOrder::Newest => ([-opened, 0, 0], -id),
            BoardOrder::Updated => ([-updated, 0, 0], -id),
        };
        BoardKey { parts, id }
    }

    /// The key of the order's columns' values (as [`order_sql`] lists them).
    fn from_order_columns(order: BoardOrder, c: &[i64]) -> BoardKey {
        match order {
            BoardOrder::Priority => BoardKey {
                parts: [c[0], c[1], c[2]],
                id: c[3],
            },
            BoardOrder::Oldest => BoardKey {
                parts: [c[0], 0, 0],
                id: c[1],
            },
            BoardOrder::Newest | BoardOrder::Updated => BoardKey {
                parts: [-c[0], 0, 0],
                id: -c[1],
            },
        }
    }

    /// The key's values as the order's columns hold them.
    fn values(self, order: BoardOrder) -> Vec<Value> {
        let raw = match order {
            BoardOrder::Priority => vec![self.parts[0], self.parts[1], self.parts[2], self.id],
            BoardOrder::Oldest => vec![self.parts[0], self.id],
            BoardOrder::Newest | BoardOrder::Updated => vec![-self.parts[0], -self.id],
        };
        raw.into_iter().map(Value::Integer).collect()
    }
}

/// How an order reads the table: its columns, whether the board runs
/// down them (ascending) or up, and the index that holds them in order
/// (for the all view, or within live or closed).
fn order_sql(order: BoardOrder, all: bool) -> (&'static str, bool, &'static str) {
    match (order, all) {
        (BoardOrder::Priority, _) => (
            "i.closed, i.priority, i.age_key, i.id",
            true,
            "incidents_board",
        ),
        (BoardOrder::Newest, true) => ("i.opened_at, i.id", false, "incidents_opened"),
        (BoardOrder::Newest, false) => ("i.opened_at, i.id", false, "incidents_closed_opened"),
        (BoardOrder::Oldest, true) => ("i.opened_at, i.id", true, "incidents_opened"),
        (BoardOrder::Oldest, false) => ("i.opened_at, i.id", true, "incidents_closed_opened"),
        (BoardOrder::Updated, true) => ("i.updated_at, i.id", false, "incidents_updated"),
        (BoardOrder::Updated, false) => ("i.updated_at, i.id", false, "incidents_closed_updated"),
    }
}

/// What a window's query reads, beside the filter.
struct Reading<'a> {
    /// The columns selected (from `i`, the incidents).
    columns: &'a str,
    /// Tables joined for those columns.
    joins: &'a str,
    /// The filter's words as a query of the index, when few match: they are
    /// then read by number and sorted, as are `ids`.
    words: Option<&'a str>,
    /// Only these incidents (none: any).
    ids: &'a [i64],
}

/// A window's query and its values, and whether it reads against board
/// order (the rows then come last first). Along the order's index, or by
/// number and sorted when the words or numbers say which incidents.
fn window_sql(
    filter: &IncidentFilter,
    reading: Reading,
    anchor: Anchor,
    limit: usize,
) -> (String, Vec<Value>, bool) {
    let order = filter.order;
    let (mut cond, mut values) = filter_sql(filter, reading.words);
    if !reading.ids.is_empty() {
        cond.push_str(&format!(
            " AND i.id IN ({})",
            vec!["?"; reading.ids.len()].join(", ")
        ));
        values.extend(reading.ids.iter().map(|&id| Value::Integer(id)));
    }
    let (cols, ascending, index) = order_sql(order, filter.status == StatusView::All);
    let index = if reading.words.is_some() || !reading.ids.is_empty() {
        // by number from the matches, then sorted (see FEW_MATCHES)
        "NOT INDEXED".to_string()
    } else {
        format!("INDEXED BY {index}")
    };
    let marks = vec!["?"; cols.split(',').count()].join(", ");
    // (which way the read runs against board order, the comparison in board order)
    let (backwards, compare) = match anchor {
        Anchor::First => (false, None),
        Anchor::Last => (true, None),
        Anchor::After(k) => (false, Some((">", k))),
        Anchor::AtOrAfter(k) => (false, Some((">=", k))),
        Anchor::Before(k) => (true, Some(("<", k))),
    };
    if let Some((op, k)) = compare {
        // an order read from the latest runs up its columns: the comparison turns round
        let op = match (ascending, op) {
            (true, op) => op,
            (false, ">") => "<",
            (false, ">=") => "<=",
            (false, _) => ">",
        };
        cond.push_str(&format!(" AND ({cols}) {op} ({marks})"));
        values.extend(k.values(order));
    }
    let dir = if ascending != backwards {
        "ASC"
    } else {
        "DESC"
    };
    let order_by = cols
        .split(", ")
        .map(|c| format!("{c} {dir}"))
        .collect::<Vec<_>>()
        .join(", ");
    values.push(Value::Integer(limit as i64));
    let sql = format!(
        "SELECT {} FROM incidents i {index} {} WHERE {cond} ORDER BY {order_by} LIMIT ?",
        reading.columns, reading.joins
    );
    (sql, values, backwards)
}

/// The numbers as at most `most` ranges (lowest, highest) covering them
/// all, split at the widest gaps between them.
fn ranges(numbers: impl Iterator<Item = i64>, most: usize) -> Vec<(i64, i64)> {
    let mut sorted: Vec<i64> = numbers.collect();
    sorted.sort_unstable();
    if sorted.is_empty() {
        return vec![];
    }
    // the widest gaps, by where they begin
    let mut gaps: Vec<(i64, usize)> = sorted
        .windows(2)
        .enumerate()
        .map(|(at, w)| (w[1] - w[0], at))
        .collect();
    gaps.sort_unstable_by(|a, b| b.cmp(a));
    let mut cuts: Vec<usize> = gaps
        .into_iter()
        .take(most.saturating_sub(1))
        .filter(|&(gap, _)| gap > 1)
        .map(|(_, at)| at)
        .collect();
    cuts.sort_unstable();
    let mut out = vec![];
    let mut first = 0;
    for at in cuts {
        out.push((sorted[first], sorted[at]));
        first = at + 1;
    }
    out.push((sorted[first], sorted[sorted.len() - 1]));
    out
}

/// Where a window of the board starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    First,
    Last,
    /// Rows after this key, in board order.
    After(BoardKey),
    /// Rows before this key, returned in board order.
    Before(BoardKey),
    /// Rows from this key on (used to redraw in place after a change).
    AtOrAfter(BoardKey),
}

/// What a board row needs to draw, and nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRow {
    pub key: BoardKey,
    pub id: i64,
    pub kind: String,
    pub priority: Priority,
    pub status: Status,
    pub place_label: String,
    pub summary: String,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub police_ref: String,
}

/// How an incident's place reads: member, zone or free text (tables aliased i, m, z).
pub(crate) const PLACE_LABEL: &str = "CASE
    WHEN m.name IS NOT NULL THEN m.name || CASE WHEN i.location <> '' THEN ' — ' || i.location ELSE '' END
    WHEN z.name IS NOT NULL THEN z.name || CASE WHEN i.location <> '' THEN ' — ' || i.location ELSE '' END
    ELSE i.location END";

fn status_from(code: &str) -> Status {
    Status::from_code(code).unwrap_or(Status::Open)
}

/// The incidents whose entry in the full-text index matches the query (`?`).
const INCIDENTS_MATCHING: &str =
    "SELECT rowid >> 3 FROM text_index WHERE text_index MATCH ? AND (rowid & 7) = 1";

/// Up to this many incidents matching a filter's words are read by number
/// and sorted; more, and the board's index is walked instead (see
/// [`Store::walked_window`]): a window of rare matches then never walks the
/// table, nor one of common matches reads them all. (Both cost about this
/// many look-ups at the crossing, √(page × 1M).)
const FEW_MATCHES: i64 = 5_000;

/// The first stretch of the board's index a walk reads, in rows; each next
/// one is twice as long, up to [`WALK_MOST`].
const WALK_FIRST: usize = 1_024;
const WALK_MOST: usize = 32_768;

/// A stretch's incident numbers are asked of the index in at most this many
/// ranges, split at the widest gaps between them: the board's order mostly
/// follows the numbers, apart from a few (an incident logged late, the
/// live ones among the closed), which one range would stretch over.
const WALK_RANGES: usize = 4;

/// How a filter's words are matched.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Matching {
    /// No words to match.
    Nothing,
    /// Few matches, read by number from the index and sorted (the query).
    ByNumber(String),
    /// The board's index walked a stretch at a time, each stretch's
    /// matches read from the index by their numbers' ranges (the query).
    Walked(String),
}

/// The WHERE clause and its values for a filter (never string-built from input).
fn filter_sql(f: &IncidentFilter, words: Option<&str>) -> (String, Vec<Value>) {
    let mut clauses: Vec<String> = vec![];
    let mut values: Vec<Value> = vec![];
    match f.status {
        StatusView::Live => clauses.push("i.closed = 0".into()),
        StatusView::All => {}
        StatusView::Only(s) => {
            clauses.push(format!(
                "i.closed = {} AND i.status = ?",
                (s == Status::Closed) as i64
            ));
            values.push(Value::Text(s.code().into()));
        }
    }
    if let Some(z) = &f.zone {
        clauses.push("i.zone_id IN (SELECT id FROM zones WHERE name LIKE ? ESCAPE '\\' OR code LIKE ? ESCAPE '\\')".into());
        values.push(Value::Text(super::like_anywhere(z)));
        values.push(Value::Text(super::like_anywhere(z)));
    }
    if let Some(k) = &f.kind {
        clauses.push("i.kind LIKE ? ESCAPE '\\'".into());
        values.push(Value::Text(super::like_anywhere(k)));
    }
    if let Some(p) = f.priority {
        clauses.push("i.priority = ?".into());
        values.push(Value::Integer(p.number()));
    }
    // words: the full-text index (schema 17), each the start of a word in
    // the incident's text, place, type, police reference or number, asked
    // as `Store::text_query` says (`#1042` is that incident, whatever its
    // text says)
    for n in f.numbers_and_words().0 {
        clauses.push("i.id = ?".into());
        values.push(Value::Integer(n));
    }
    if let Some(query) = words {
        clauses.push(format!("i.id IN ({INCIDENTS_MATCHING})"));
        values.push(Value::Text(query.into()));
    }
    if clauses.is_empty() {
        ("1".into(), values)
    } else {
        (clauses.join(" AND "), values)
    }
}

fn board_row(r: &Row, order: BoardOrder) -> rusqlite::Result<BoardRow> {
    let id: i64 = r.get(3)?;
    let status: String = r.get(5)?;
    let priority: i64 = r.get(1)?;
    let (opened, updated): (i64, i64) = (r.get(8)?, r.get(9)?);
    Ok(BoardRow {
        key: BoardKey::from_columns(order, [r.get(0)?, priority, r.get(2)?], opened, updated, id),
        id,
        kind: r.get(4)?,
        priority: Priority::from_number(priority).unwrap_or(Priority::Low),
        status: status_from(&status),
        place_label: r.get(6)?,
        summary: r.get(7)?,
        opened_at: from_ts(opened),
        updated_at: from_ts(updated),
        police_ref: r.get(10)?,
    })
}

fn incident_row(r: &Row) -> rusqlite::Result<Incident> {
    let status: String = r.get(3)?;
    Ok(Incident {
        id: r.get(0)?,
        kind: r.get(1)?,
        priority: Priority::from_number(r.get(2)?).unwrap_or(Priority::Low),
        status: status_from(&status),
        place: Place {
            zone_id: r.get(4)?,
            member_id: r.get(5)?,
            location: r.get(6)?,
        },
        place_label: r.get(7)?,
        summary: r.get(8)?,
        opened_at: from_ts(r.get(9)?),
        updated_at: from_ts(r.get(10)?),
        closed_at: r.get::<_, Option<i64>>(11)?.map(from_ts),
        close_reason: r.get(12)?,
        police_ref: r.get(13)?,
        loss_pence: r.get(14)?,
        recovery_pence: r.get(15)?,
        version: r.get(16)?,
        opened_by: r.get(17)?,
        updated_by: r.get(18)?,
    })
}

fn get_incident(conn: &rusqlite::Connection, id: i64) -> Result<Option<Incident>> {
    let sql = format!(
        "SELECT i.id, i.kind, i.priority, i.status, i.zone_id, i.member_id, i.location, {PLACE_LABEL},
                i.summary, i.opened_at, i.updated_at, i.closed_at, i.close_reason, i.police_ref,
                i.loss_pence, i.recovery_pence, i.version, ob.name, ub.name
         FROM incidents i
         LEFT JOIN zones z ON z.id = i.zone_id
         LEFT JOIN members m ON m.id = i.member_id
         JOIN operators ob ON ob.id = i.opened_by
         JOIN operators ub ON ub.id = i.updated_by
         WHERE i.id = ?1"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], incident_row)
        .optional()?)
}

/// The place of a new incident, or of an edit of incident `editing` (which
/// may stay in a zone retired since it was logged).
fn check_place(tx: &Transaction, place: &Place, editing: Option<i64>) -> Result<()> {
    if let Some(z) = place.zone_id {
        let current: Option<i64> = match editing {
            Some(id) => tx
                .query_row("SELECT zone_id FROM incidents WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?
                .flatten(),
            None => None,
        };
        super::places::zone_for_new(tx, z, current)?;
    }
    if let Some(m) = place.member_id {
        let ok: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM members WHERE id = ?1)",
            [m],
            |r| r.get(0),
        )?;
        if !ok {
            return Err(StoreError::Invalid(format!("member {m} does not exist")));
        }
    }
    Ok(())
}

fn add_entry(
    tx: &Transaction,
    incident: i64,
    at: DateTime<Utc>,
    op: i64,
    kind: &str,
    text: &str,
    amends: Option<i64>,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO timeline (incident_id, at, operator_id, kind, text, amends) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![incident, ts(at), op, kind, text, amends],
    )?;
    Ok(tx.last_insert_rowid())
}

impl Store {
    /// When each live incident was last changed, oldest first: how many
    /// are stale follows from these as time passes, whatever the board shows.
    pub fn live_changed_times(&self) -> Result<Vec<(DateTime<Utc>, i64)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT updated_at, id FROM incidents WHERE closed = 0 ORDER BY updated_at, id",
        )?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        rows.map(|t| {
            let (at, id) = t?;
            Ok((from_ts(at), id))
        })
        .collect()
    }

    pub fn create_incident(
        &mut self,
        new: &NewIncident,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Incident> {
        let new = new.clone().validate().map_err(StoreError::Invalid)?;
        let id = self.write(|tx| {
            check_place(tx, &new.place, None)?;
            tx.execute(
                "INSERT INTO incidents (kind, priority, status, zone_id, member_id, location, summary,
                                        opened_at, updated_at, opened_by, updated_by)
                 VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                params![
                    new.kind,
                    new.priority.number(),
                    new.place.zone_id,
                    new.place.member_id,
                    new.place.location,
                    new.summary,
                    ts(new.opened_at),
                    ts(now),
                    operator
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(tx, now, Some(operator), AuditAction::Create, "incident", Some(id), &format!("{} {}", new.priority.short(), new.kind))?;
            Ok(id)
        })?;
        self.incident(id)?
            .ok_or_else(|| StoreError::NotFound(format!("incident #{id}")))
    }

    pub fn incident(&self, id: i64) -> Result<Option<Incident>> {
        get_incident(self.conn(), id)
    }

    /// Save an operator's edit, but only onto the version they were looking at.
    pub fn update_incident(
        &mut self,
        id: i64,
        expected_version: i64,
        edit: &IncidentEdit,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Incident> {
        self.write(|tx| {
            versions::check(tx, Record::Incident(id), expected_version)?;
            check_place(tx, &edit.place, Some(id))?;
            let before = get_incident(tx, id)?.ok_or_else(|| StoreError::NotFound(format!("incident #{id}")))?;
            tx.execute(
                "UPDATE incidents SET kind = ?1, priority = ?2, zone_id = ?3, member_id = ?4, location = ?5,
                        summary = ?6, police_ref = ?7, loss_pence = ?8, recovery_pence = ?9,
                        updated_at = ?10, updated_by = ?11
                 WHERE id = ?12",
                params![
                    edit.kind,
                    edit.priority.number(),
                    edit.place.zone_id,
                    edit.place.member_id,
                    edit.place.location,
                    edit.summary,
                    edit.police_ref,
                    edit.loss_pence,
                    edit.recovery_pence,
                    ts(now),
                    operator,
                    id
                ],
            )?;
            versions::bump(tx, Record::Incident(id), operator, now)?;
            // what each field was and became goes on the timeline; the
            // never-pruned trail gets which fields, with no text from them
            let after = get_incident(tx, id)?.ok_or_else(|| StoreError::NotFound(format!("incident #{id}")))?;
            let changes = history::diff(
                &IncidentEdit::from_incident(&before).fields(&before.place_label),
                &IncidentEdit::from_incident(&after).fields(&after.place_label),
            );
            if !changes.is_empty() {
                let entry = add_entry(tx, id, now, operator, "edit", &format!("changed {}", history::labels(&changes)), None)?;
                super::history::record(tx, super::history::Owner::Entry(entry), now, operator, &changes)?;
            }
            let changed = describe_changes(&IncidentEdit::from_incident(&before), edit);
            audit::append(tx, now, Some(operator), AuditAction::Update, "incident", Some(id), &changed)?;
            Ok(())
        })?;
        self.incident(id)?
            .ok_or_else(|| StoreError::NotFound(format!("incident #{id}")))
    }

    /// Move an incident along its lifecycle, refusing if it was changed meanwhile.
    pub fn set_status(
        &mut self,
        id: i64,
        expected_version: i64,
        to: Status,
        reason: Option<&str>,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Incident> {
        self.write(|tx| {
            versions::check(tx, Record::Incident(id), expected_version)?;
            let cur = get_incident(tx, id)?.ok_or_else(|| StoreError::NotFound(format!("incident #{id}")))?;
            cur.status.check_transition(to, reason).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let reason = reason.map(crate::domain::text::tidy_input).filter(|r| !r.is_empty());
            let (closed_at, close_reason) = if to == Status::Closed { (Some(ts(now)), reason.clone()) } else { (None, None) };
            tx.execute(
                "UPDATE incidents SET status = ?1, closed_at = ?2, close_reason = ?3, updated_at = ?4,
                        updated_by = ?5
                 WHERE id = ?6",
                params![to.code(), closed_at, close_reason, ts(now), operator, id],
            )?;
            versions::bump(tx, Record::Incident(id), operator, now)?;
            let mut text = format!("{} → {}", cur.status.label(), to.label());
            if let Some(r) = &reason {
                text.push_str(&format!(": {r}"));
            }
            add_entry(tx, id, now, operator, "status", &text, None)?;
            // the reason stays on the incident; the never-pruned trail gets the change only
            let change = format!("{} → {}", cur.status.label(), to.label());
            audit::append(tx, now, Some(operator), AuditAction::Status, "incident", Some(id), &change)?;
            Ok(())
        })?;
        self.incident(id)?
            .ok_or_else(|| StoreError::NotFound(format!("incident #{id}")))
    }

    /// Append a note; `amends` names an earlier note of the same incident it corrects.
    pub fn add_note(
        &mut self,
        id: i64,
        text: &str,
        amends: Option<i64>,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let text = crate::domain::text::tidy_input(text);
        if text.is_empty() {
            return Err(StoreError::Invalid("a note needs some text".into()));
        }
        self.write(|tx| {
            let exists: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM incidents WHERE id = ?1)", [id], |r| r.get(0))?;
            if !exists {
                return Err(StoreError::NotFound(format!("incident #{id}")));
            }
            if let Some(a) = amends {
                let ok: bool = tx.query_row(
                    "SELECT EXISTS(SELECT 1 FROM timeline WHERE id = ?1 AND incident_id = ?2 AND kind = 'note')",
                    [a, id],
                    |r| r.get(0),
                )?;
                if !ok {
                    return Err(StoreError::Invalid(format!("entry {a} is not a note of incident #{id}")));
                }
            }
            let entry = add_entry(tx, id, now, operator, "note", &text, amends)?;
            // A note counts as an update (the board's staleness) without making others' edits stale.
            tx.execute("UPDATE incidents SET updated_at = ?1, updated_by = ?2 WHERE id = ?3", params![ts(now), operator, id])?;
            let what = match amends {
                Some(a) => format!("note {entry} amends {a}"),
                None => format!("note {entry}"),
            };
            audit::append(tx, now, Some(operator), AuditAction::Note, "incident", Some(id), &what)?;
            Ok(entry)
        })
    }

    pub fn timeline(&self, id: i64) -> Result<Vec<TimelineEntry>> {
        let mut changes = super::history::entry_changes(self.conn(), id)?;
        let mut st = self.conn().prepare_cached(
            "SELECT t.id, t.incident_id, t.at, o.name, t.kind, t.text, t.amends
             FROM timeline t JOIN operators o ON o.id = t.operator_id
             WHERE t.incident_id = ?1 ORDER BY t.id",
        )?;
        let rows = st.query_map([id], |r| {
            let kind: String = r.get(4)?;
            let text: String = r.get(5)?;
            Ok(TimelineEntry {
                id: r.get(0)?,
                incident_id: r.get(1)?,
                at: from_ts(r.get(2)?),
                operator: r.get(3)?,
                text: if kind == "note" {
                    text
                } else {
                    format!("[{kind}] {text}")
                },
                amends: r.get(6)?,
                changes: vec![],
            })
        })?;
        let mut entries: Vec<TimelineEntry> = rows.collect::<Result<_, _>>()?;
        for e in &mut entries {
            e.changes = changes.remove(&e.id).unwrap_or_default();
        }
        Ok(entries)
    }

    /// Up to `limit` board rows from `anchor`, in board order (the filter's).
    pub fn board_window(
        &self,
        filter: &IncidentFilter,
        anchor: Anchor,
        limit: usize,
    ) -> Result<Vec<BoardRow>> {
        match self.matching(filter)? {
            Matching::Nothing => self.read_window(filter, None, &[], anchor, limit),
            Matching::ByNumber(query) => self.read_window(filter, Some(&query), &[], anchor, limit),
            Matching::Walked(query) => {
                let ids = self.walked_window(filter, &query, anchor, limit)?;
                self.read_window(filter, None, &ids, Anchor::First, ids.len())
            }
        }
    }

    /// The board rows of a window read in one query: along the board's
    /// index, or, with words (few matches) or numbers, by number and sorted.
    fn read_window(
        &self,
        filter: &IncidentFilter,
        words: Option<&str>,
        ids: &[i64],
        anchor: Anchor,
        limit: usize,
    ) -> Result<Vec<BoardRow>> {
        let columns = format!(
            "i.closed, i.priority, i.age_key, i.id, i.kind, i.status, {PLACE_LABEL}, i.summary,
             i.opened_at, i.updated_at, i.police_ref"
        );
        let (sql, values, backwards) = window_sql(
            filter,
            Reading {
                columns: &columns,
                joins: "LEFT JOIN zones z ON z.id = i.zone_id
                        LEFT JOIN members m ON m.id = i.member_id",
                words,
                ids,
            },
            anchor,
            limit,
        );
        let order = filter.order;
        let mut st = self.conn().prepare_cached(&sql)?;
        let mut rows: Vec<BoardRow> = st
            .query_map(params_from_iter(values), |r| board_row(r, order))?
            .collect::<Result<_, _>>()?;
        if backwards {
            rows.reverse();
        }
        Ok(rows)
    }

    /// The numbers of up to `limit` incidents from `anchor` that match the
    /// words, in board order: the board's index is read a stretch at a time
    /// (its order's columns only), and each stretch's matches are read from
    /// the full-text index by the ranges its numbers fall in, which FTS5
    /// seeks to in each word's list. A page of common words is found in the
    /// first stretch; rarer ones take a few, each twice the last.
    fn walked_window(
        &self,
        filter: &IncidentFilter,
        query: &str,
        anchor: Anchor,
        limit: usize,
    ) -> Result<Vec<i64>> {
        let order = filter.order;
        let (cols, _, _) = order_sql(order, filter.status == StatusView::All);
        let width = cols.split(',').count();
        let backwards = matches!(anchor, Anchor::Last | Anchor::Before(_));
        let mut st = self.conn().prepare_cached(
            "SELECT rowid >> 3 FROM text_index
             WHERE text_index MATCH ?1 AND rowid BETWEEN ?2 * 8 + 1 AND ?3 * 8 + 1
               AND (rowid & 7) = 1",
        )?;
        let (mut found, mut from, mut stretch) = (vec![], anchor, WALK_FIRST);
        while found.len() < limit {
            // (the stretch in reading order, each row's key and number)
            let reading = Reading {
                columns: cols,
                joins: "",
                words: None,
                ids: &[],
            };
            let (sql, values, _) = window_sql(filter, reading, from, stretch);
            let keys: Vec<(BoardKey, i64)> = self
                .conn()
                .prepare_cached(&sql)?
                .query_map(params_from_iter(values), |r| {
                    let c: Vec<i64> = (0..width).map(|n| r.get(n)).collect::<Result<_, _>>()?;
                    Ok((BoardKey::from_order_columns(order, &c), c[width - 1]))
                })?
                .collect::<Result<_, _>>()?;
            let Some(&(last, _)) = keys.last() else {
                break;
            };
            let mut matched: Vec<i64> = vec![];
            for (lo, hi) in ranges(keys.iter().map(|k| k.1), WALK_RANGES) {
                let rows = st.query_map(params![query, lo, hi], |r| r.get::<_, i64>(0))?;
                for id in rows {
                    matched.push(id?);
                }
            }
            matched.sort_unstable();
            found.extend(
                keys.iter()
                    .map(|k| k.1)
                    .filter(|id| matched.binary_search(id).is_ok())
                    .take(limit - found.len()),
            );
            if keys.len() < stretch {
                break; // the end of the board
            }
            from = if backwards {
                Anchor::Before(last)
            } else {
                Anchor::After(last)
            };
            stretch = (stretch * 2).min(WALK_MOST);
        }
        Ok(found)
    }

    /// How the filter's words are best matched, from a count of the
    /// matches (see [`FEW_MATCHES`]).
    fn matching(&self, filter: &IncidentFilter) -> Result<Matching> {
        let Some(query) = self.text_query(&filter.numbers_and_words().1)? else {
            return Ok(Matching::Nothing);
        };
        let n = self.count_matching(&query, FEW_MATCHES as u64)? as i64;
        Ok(if n < FEW_MATCHES {
            Matching::ByNumber(query)
        } else {
            Matching::Walked(query)
        })
    }

    /// Incidents whose entry matches the query, counted no further than `cap`.
    fn count_matching(&self, query: &str, cap: u64) -> Result<u64> {
        let n: i64 = self
            .conn()
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM ({INCIDENTS_MATCHING} LIMIT ?)"
            ))?
            .query_row(params![query, cap as i64], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// A page of board rows from `anchor`; past the end (rows closed or
    /// filtered away), the last page instead, so the board never shows a
    /// short page when there are rows before it.
    pub fn board_page(
        &self,
        filter: &IncidentFilter,
        anchor: Anchor,
        page: usize,
    ) -> Result<Vec<BoardRow>> {
        let rows = self.board_window(filter, anchor, page)?;
        if rows.len() < page && !matches!(anchor, Anchor::First | Anchor::Last) {
            let tail = self.board_window(filter, Anchor::Last, page)?;
            if tail.len() > rows.len() {
                return Ok(tail);
            }
        }
        Ok(rows)
    }

    /// How many incidents match, counting no further than `cap` (so a count never stalls a key press).
    pub fn count_incidents(&self, filter: &IncidentFilter, cap: u64) -> Result<u64> {
        let (numbers, words) = filter.numbers_and_words();
        let words_alone = filter.status == StatusView::All
            && filter.zone.is_none()
            && filter.kind.is_none()
            && filter.priority.is_none()
            && numbers.is_empty();
        let query = self.text_query(&words)?;
        if let (true, Some(query)) = (words_alone, &query) {
            // the index alone knows how many
            return self.count_matching(query, cap);
        }
        let (cond, mut values) = filter_sql(filter, query.as_deref());
        values.push(Value::Integer(cap as i64));
        let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM incidents i WHERE {cond} LIMIT ?)");
        let n: i64 = self
            .conn()
            .prepare_cached(&sql)?
            .query_row(params_from_iter(values), |r| r.get(0))?;
        Ok(n as u64)
    }

    /// The distinct incident types in use, for the form's choices.
    pub fn incident_kinds_in_use(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT DISTINCT kind FROM incidents ORDER BY kind LIMIT 200")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A one-line account of what an edit changed for the audit trail, which
/// names no one: the type, priority and sums, and which free texts changed
/// (their old and new words are on the timeline, see `store/history.rs`).
fn describe_changes(before: &IncidentEdit, after: &IncidentEdit) -> String {
    use crate::domain::format_pence;
    let mut parts = vec![];
    if before.kind != after.kind {
        parts.push(format!("type {} → {}", before.kind, after.kind));
    }
    if before.priority != after.priority {
        parts.push(format!(
            "priority {} → {}",
            before.priority.short(),
            after.priority.short()
        ));
    }
    if before.place != after.place {
        parts.push("place changed".to_string());
    }
    if before.summary != after.summary {
        parts.push("text changed".to_string());
    }
    if before.police_ref != after.police_ref {
        parts.push("police ref changed".to_string());
    }
    if before.loss_pence != after.loss_pence {
        parts.push(format!("loss {}", format_pence(after.loss_pence)));
    }
    if before.recovery_pence != after.recovery_pence {
        parts.push(format!("recovered {}", format_pence(after.recovery_pence)));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn numbers_are_covered_by_ranges_split_at_the_widest_gaps() {
        // the live few among the closed many: two ranges, not one over all
        let numbers = [1_000_003, 12, 1_000_001, 10, 1_000_002, 11, 500];
        assert_eq!(
            ranges(numbers.into_iter(), 2),
            [(10, 500), (1_000_001, 1_000_003)]
        );
        assert_eq!(
            ranges(numbers.into_iter(), 4),
            [(10, 12), (500, 500), (1_000_001, 1_000_003)]
        );
        // each number in some range, however many are allowed
        for most in 1..6 {
            let got = ranges(numbers.into_iter(), most);
            assert!(got.len() <= most);
            assert!(numbers
                .iter()
                .all(|n| got.iter().any(|(lo, hi)| lo <= n && n <= hi)));
        }
        // numbers in a row are never split
        assert_eq!(ranges([3, 1, 2].into_iter(), 4), [(1, 3)]);
        assert!(ranges(std::iter::empty(), 4).is_empty());
    }
}
