//! Imports: zones, cameras, members, radios and offenders from a spreadsheet, and the police's
//! street-level crime file. Rows arrive already parsed and tidied (see
//! `io/import.rs`); here each is matched against the store (found, not
//! doubled) and, when the whole file is good, written in one transaction.
//!
//! The plan is made twice: once to preview, and again inside the writing
//! transaction, so a change made by another console in between is seen and
//! a file that has gone bad meanwhile still changes nothing.

mod places;

pub use places::{CameraRecord, ZoneRecord};

use super::history::{self, Owner};
use super::versions::{self, Record};
use super::{audit, ts, Result, Store, StoreError};
use crate::domain::offender::OffenderKind;
use crate::domain::text::tidy_input;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::collections::HashMap;

pub const MEMBER_STATUSES: &[&str] = &["pending", "active", "lapsed", "left"];

/// A member (business or venue) as a spreadsheet row gives it. `None`: the
/// cell was empty or the column absent, and the store's value stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberRecord {
    pub name: String,
    pub kind: String,
    /// A zone's name or code.
    pub zone: String,
    pub address: Option<String>,
    pub status: Option<String>,
    pub joined_on: Option<NaiveDate>,
    pub renewal_on: Option<NaiveDate>,
    pub agreement_version: Option<String>,
    pub agreement_signed_on: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RadioRecord {
    pub call_sign: String,
    pub serial: String,
    pub status: Option<String>,
    /// A member's name, or "Name (Zone)" where two members share a name.
    pub member: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OffenderRecord {
    pub name: String,
    pub kind: OffenderKind,
    pub aliases: Vec<String>,
    pub nicknames: Vec<String>,
    pub description: Option<String>,
    pub markers: Vec<String>,
    /// For notices served on the person; checked to be in the past.
    pub date_of_birth: Option<NaiveDate>,
    pub address: Option<String>,
}

/// One row of the police's monthly street-level crime file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PoliceCrime {
    /// The Crime ID, or a digest of the row when it has none.
    pub row_key: String,
    pub crime_id: String,
    /// YYYY-MM
    pub month: String,
    pub reported_by: String,
    pub falls_within: String,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub location: String,
    pub lsoa_code: String,
    pub lsoa_name: String,
    pub crime_type: String,
    pub last_outcome: String,
    pub context: String,
}

/// A record and the line of the file it started on.
#[derive(Debug, Clone, PartialEq)]
pub struct Lined<T> {
    pub line: u64,
    pub record: T,
}

/// The good rows of one file, of one kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportBatch {
    Zones(Vec<Lined<ZoneRecord>>),
    Cameras(Vec<Lined<CameraRecord>>),
    Members(Vec<Lined<MemberRecord>>),
    Radios(Vec<Lined<RadioRecord>>),
    Offenders(Vec<Lined<OffenderRecord>>),
    Police(Vec<Lined<PoliceCrime>>),
}

impl ImportBatch {
    /// The audit trail's name for what was imported.
    pub fn entity(&self) -> &'static str {
        match self {
            ImportBatch::Zones(_) => "zones",
            ImportBatch::Cameras(_) => "cameras",
            ImportBatch::Members(_) => "members",
            ImportBatch::Radios(_) => "radios",
            ImportBatch::Offenders(_) => "offenders",
            ImportBatch::Police(_) => "police_crimes",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ImportBatch::Zones(v) => v.len(),
            ImportBatch::Cameras(v) => v.len(),
            ImportBatch::Members(v) => v.len(),
            ImportBatch::Radios(v) => v.len(),
            ImportBatch::Offenders(v) => v.len(),
            ImportBatch::Police(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What importing one row would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowPlan {
    New,
    /// Already in the store; these fields would change.
    Update {
        id: i64,
        fields: Vec<&'static str>,
    },
    /// Already in the store, as the row has it: nothing to do.
    Unchanged {
        id: i64,
    },
    /// Cannot be imported, and why.
    Bad(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRow {
    pub line: u64,
    /// What the row is, for the preview (may name a person: the screen only, never the audit).
    pub label: String,
    pub plan: RowPlan,
    /// Something worth knowing that does not stop the import.
    pub note: Option<String>,
}

/// What applying an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportResult {
    /// Written, in one transaction.
    Applied(ImportPlan),
    /// Nothing written: some row cannot be imported (see its plan).
    Refused(ImportPlan),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportPlan {
    pub rows: Vec<PlannedRow>,
}

/// How many rows of a plan do what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub bad: usize,
}

impl ImportCounts {
    /// The counts in words, naming no one: the audit line.
    pub fn describe(&self) -> String {
        format!(
            "{} new, {} updated, {} unchanged",
            self.new, self.updated, self.unchanged
        )
    }
}

impl ImportPlan {
    pub fn counts(&self) -> ImportCounts {
        let mut c = ImportCounts::default();
        for r in &self.rows {
            match r.plan {
                RowPlan::New => c.new += 1,
                RowPlan::Update { .. } => c.updated += 1,
                RowPlan::Unchanged { .. } => c.unchanged += 1,
                RowPlan::Bad(_) => c.bad += 1,
            }
        }
        c
    }

    pub fn bad_rows(&self) -> impl Iterator<Item = &PlannedRow> {
        self.rows
            .iter()
            .filter(|r| matches!(r.plan, RowPlan::Bad(_)))
    }
}

/// How two names are compared: case and spacing do not count.
pub fn match_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A member lapsing or leaving with no day given is taken to go on the day of the import.
const LEFT_TODAY: &str = "left (today)";

fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// The first line a key was seen on in this file.
#[derive(Default)]
struct Seen(HashMap<String, u64>);

impl Seen {
    /// The earlier line with this key, or `None` (and remember this one).
    fn repeat(&mut self, key: String, line: u64) -> Option<u64> {
        match self.0.get(&key) {
            Some(first) => Some(*first),
            None => {
                self.0.insert(key, line);
                None
            }
        }
    }
}

struct Zones {
    by_key: HashMap<String, (i64, String)>,
    names: Vec<String>,
    /// Zones that take nothing new.
    retired: std::collections::HashSet<i64>,
}

fn zones(conn: &Connection) -> Result<Zones> {
    let mut by_key = HashMap::new();
    let mut names = vec![];
    let mut retired = std::collections::HashSet::new();
    let mut st =
        conn.prepare("SELECT id, name, code, retired_at IS NOT NULL FROM zones ORDER BY name")?;
    for row in st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, bool>(3)?,
        ))
    })? {
        let (id, name, code, is_retired) = row?;
        by_key.insert(match_key(&name), (id, name.clone()));
        by_key.entry(match_key(&code)).or_insert((id, name.clone()));
        if is_retired {
            retired.insert(id);
        } else {
            names.push(name);
        }
    }
    Ok(Zones {
        by_key,
        names,
        retired,
    })
}

impl Zones {
    fn find(&self, given: &str) -> std::result::Result<(i64, String), String> {
        self.by_key.get(&match_key(given)).cloned().ok_or_else(|| {
            if self.names.is_empty() {
                format!("no zone called “{given}”: the store has no zones yet (a manager adds them with `watchroom zone add` or `watchroom import zones`)")
            } else {
                format!(
                    "no zone called “{given}” (zones: {})",
                    self.names.join(", ")
                )
            }
        })
    }
}

#[derive(Debug, Clone)]
struct MemberNow {
    id: i64,
    name: String,
    zone_id: i64,
    zone: String,
    kind: String,
    address: String,
    status: String,
    joined_on: Option<String>,
    renewal_on: Option<String>,
    agreement_version: Option<String>,
    agreement_signed_on: Option<String>,
    left_on: Option<String>,
}

fn members_now(conn: &Connection) -> Result<Vec<MemberNow>> {
    let mut st = conn.prepare(
        "SELECT m.id, m.name, m.zone_id, z.name, m.kind, m.address, m.status, m.joined_on, m.renewal_on,
                m.agreement_version, m.agreement_signed_on, m.left_on
         FROM members m JOIN zones z ON z.id = m.zone_id ORDER BY m.id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(MemberNow {
            id: r.get(0)?,
            name: r.get(1)?,
            zone_id: r.get(2)?,
            zone: r.get(3)?,
            kind: r.get(4)?,
            address: r.get(5)?,
            status: r.get(6)?,
            joined_on: r.get(7)?,
            renewal_on: r.get(8)?,
            agreement_version: r.get(9)?,
            agreement_signed_on: r.get(10)?,
            left_on: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn plan_members(conn: &Connection, rows: &[Lined<MemberRecord>]) -> Result<ImportPlan> {
    let zones = zones(conn)?;
    let existing = members_now(conn)?;
    let mut by_key: HashMap<(String, i64), Vec<&MemberNow>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<&MemberNow>> = HashMap::new();
    for m in &existing {
        by_key
            .entry((match_key(&m.name), m.zone_id))
            .or_default()
            .push(m);
        by_name.entry(match_key(&m.name)).or_default().push(m);
    }
    let mut seen = Seen::default();
    let mut plan = ImportPlan::default();
    for Lined { line, record: r } in rows {
        let mut row = PlannedRow {
            line: *line,
            label: r.name.clone(),
            plan: RowPlan::New,
            note: None,
        };
        let (zone_id, zone_name) = match zones.find(&r.zone) {
            Ok(z) => z,
            Err(e) => {
                row.plan = RowPlan::Bad(e);
                plan.rows.push(row);
                continue;
            }
        };
        row.label = format!("{} ({zone_name})", r.name);
        let known_here = by_key
            .get(&(match_key(&r.name), zone_id))
            .is_some_and(|v| !v.is_empty());
        if zones.retired.contains(&zone_id) && !known_here {
            row.plan = RowPlan::Bad(format!(
                "the zone “{zone_name}” is retired: it takes no new member"
            ));
            plan.rows.push(row);
            continue;
        }
        if let Some(first) = seen.repeat(format!("{}\u{1f}{zone_id}", match_key(&r.name)), *line) {
            row.plan = RowPlan::Bad(format!(
                "the same member as line {first} ({} in {zone_name}): keep one row",
                r.name
            ));
            plan.rows.push(row);
            continue;
        }
        row.plan = match by_key
            .get(&(match_key(&r.name), zone_id))
            .map(Vec::as_slice)
        {
            None | Some([]) => {
                let elsewhere: Vec<String> = by_name
                    .get(&match_key(&r.name))
                    .into_iter()
                    .flatten()
                    .map(|m| m.zone.clone())
                    .collect();
                if !elsewhere.is_empty() {
                    row.note = Some(format!(
                        "a member of that name is in {}; this is added as another",
                        elsewhere.join(", ")
                    ));
                }
                RowPlan::New
            }
            Some([m]) => {
                let mut fields = vec![];
                if tidy_input(&r.kind).to_lowercase() != m.kind {
                    fields.push("kind");
                }
                let differs =
                    |given: &Option<String>, now: &Option<String>| given.is_some() && given != now;
                if differs(&r.address, &Some(m.address.clone())) {
                    fields.push("address");
                }
                if differs(&r.status, &Some(m.status.clone())) {
                    fields.push("status");
                }
                if differs(&date(r.joined_on), &m.joined_on) {
                    fields.push("joined");
                }
                if differs(&date(r.renewal_on), &m.renewal_on) {
                    fields.push("renewal");
                }
                if differs(&r.agreement_version, &m.agreement_version) {
                    fields.push("agreement version");
                }
                if differs(&date(r.agreement_signed_on), &m.agreement_signed_on) {
                    fields.push("agreement signed");
                }
                if differs(&date(r.left_on), &m.left_on) {
                    fields.push("left");
                }
                // the report counts a member lapsed or gone from the day it was
                let gone = |s: &str| matches!(s, "lapsed" | "left");
                if r.status.as_deref().is_some_and(gone)
                    && !gone(&m.status)
                    && r.left_on.is_none()
                    && m.left_on.is_none()
                {
                    fields.push(LEFT_TODAY);
                }
                if fields.is_empty() {
                    RowPlan::Unchanged { id: m.id }
                } else {
                    RowPlan::Update { id: m.id, fields }
                }
            }
            Some(many) => RowPlan::Bad(format!(
                "matches {} members in {zone_name} ({}): change them in the store by hand",
                many.len(),
                many.iter()
                    .map(|m| format!("#{}", m.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        plan.rows.push(row);
    }
    Ok(plan)
}

fn write_members(
    tx: &Transaction,
    rows: &[Lined<MemberRecord>],
    plan: &ImportPlan,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let zones = zones(tx)?;
    for (Lined { record: r, .. }, p) in rows.iter().zip(&plan.rows) {
        let zone_id = zones.find(&r.zone).map_err(StoreError::Invalid)?.0;
        let kind = tidy_input(&r.kind).to_lowercase();
        match &p.plan {
            RowPlan::New => {
                tx.execute(
                    "INSERT INTO members (name, kind, zone_id, address, status, joined_on, renewal_on,
                                          agreement_version, agreement_signed_on, left_on)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        r.name,
                        kind,
                        zone_id,
                        r.address.clone().unwrap_or_default(),
                        r.status.clone().unwrap_or_else(|| "active".into()),
                        date(r.joined_on),
                        date(r.renewal_on),
                        r.agreement_version,
                        date(r.agreement_signed_on),
                        date(r.left_on),
                    ],
                )?;
                let id = tx.last_insert_rowid();
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    "create",
                    "member",
                    Some(id),
                    "import",
                )?;
            }
            RowPlan::Update { id, fields } => {
                let before = history::fields(tx, Owner::Member(*id))?;
                // an empty cell leaves the store's value as it was
                tx.execute(
                    "UPDATE members SET kind = ?1, address = COALESCE(?2, address), status = COALESCE(?3, status),
                            joined_on = COALESCE(?4, joined_on), renewal_on = COALESCE(?5, renewal_on),
                            agreement_version = COALESCE(?6, agreement_version),
                            agreement_signed_on = COALESCE(?7, agreement_signed_on), left_on = COALESCE(?8, left_on)
                     WHERE id = ?9",
                    params![
                        kind,
                        r.address,
                        r.status,
                        date(r.joined_on),
                        date(r.renewal_on),
                        r.agreement_version,
                        date(r.agreement_signed_on),
                        date(r.left_on).or_else(|| fields
                            .contains(&LEFT_TODAY)
                            .then(|| now.date_naive().format("%Y-%m-%d").to_string())),
                        id
                    ],
                )?;
                versions::bump(tx, Record::Member(*id), operator, now)?;
                history::record_since(tx, Owner::Member(*id), &before, now, operator)?;
                let detail = format!("import: {}", fields.join(", "));
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    "update",
                    "member",
                    Some(*id),
                    &detail,
                )?;
            }
            RowPlan::Unchanged { .. } | RowPlan::Bad(_) => {}
        }
    }
    Ok(())
}

/// Find a member by name, or by "Name (Zone)" when two share a name.
fn find_member(
    given: &str,
    existing: &[MemberNow],
    zones: &Zones,
) -> std::result::Result<(i64, String), String> {
    let by_name = |name: &str| -> Vec<&MemberNow> {
        existing
            .iter()
            .filter(|m| match_key(&m.name) == match_key(name))
            .collect()
    };
    let mut found = by_name(given);
    if found.is_empty() {
        // "Greggs (High Street)"
        if let Some((name, rest)) = given.rsplit_once('(') {
            if let Some(zone) = rest.strip_suffix(')') {
                if let Ok((zone_id, _)) = zones.find(zone) {
                    found = by_name(name)
                        .into_iter()
                        .filter(|m| m.zone_id == zone_id)
                        .collect();
                }
            }
        }
    }
    match found.as_slice() {
        [] => Err(format!("no member called “{given}”")),
        [m] => Ok((m.id, m.name.clone())),
        many => Err(format!(
            "{} members are called “{given}” (in {}): write it as “{given} (zone)”",
            many.len(),
            many.iter()
                .map(|m| m.zone.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[derive(Debug, Clone)]
struct RadioNow {
    id: i64,
    call_sign: String,
    serial: String,
    member_id: Option<i64>,
    status: String,
    notes: String,
}

fn radios_now(conn: &Connection) -> Result<Vec<RadioNow>> {
    let mut st = conn.prepare(
        "SELECT id, call_sign, serial, member_id, status, notes FROM radios ORDER BY id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(RadioNow {
            id: r.get(0)?,
            call_sign: r.get(1)?,
            serial: r.get(2)?,
            member_id: r.get(3)?,
            status: r.get(4)?,
            notes: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A radio row resolved against the store: the member's id, the status it will have.
struct RadioResolved {
    member_id: Option<i64>,
    status: String,
}

fn plan_radios(
    conn: &Connection,
    rows: &[Lined<RadioRecord>],
) -> Result<(ImportPlan, Vec<Option<RadioResolved>>)> {
    let zones = zones(conn)?;
    let members = members_now(conn)?;
    let radios = radios_now(conn)?;
    let mut by_call: HashMap<String, &RadioNow> = HashMap::new();
    let mut by_serial: HashMap<String, &RadioNow> = HashMap::new();
    for r in &radios {
        by_call.insert(match_key(&r.call_sign), r);
        by_serial.insert(match_key(&r.serial), r);
    }
    let mut seen_call = Seen::default();
    let mut seen_serial = Seen::default();
    let mut plan = ImportPlan::default();
    let mut resolved = vec![];
    for Lined { line, record: r } in rows {
        let mut row = PlannedRow {
            line: *line,
            label: format!("{} (serial {})", r.call_sign, r.serial),
            plan: RowPlan::New,
            note: None,
        };
        let bad = |row: &mut PlannedRow, why: String| row.plan = RowPlan::Bad(why);
        if let Some(first) = seen_call.repeat(match_key(&r.call_sign), *line) {
            bad(
                &mut row,
                format!(
                    "call sign {} is on line {first} too: keep one row",
                    r.call_sign
                ),
            );
        } else if let Some(first) = seen_serial.repeat(match_key(&r.serial), *line) {
            bad(
                &mut row,
                format!("serial {} is on line {first} too: keep one row", r.serial),
            );
        }
        let member = match &r.member {
            Some(m) => match find_member(m, &members, &zones) {
                Ok((id, _)) => Some(id),
                Err(e) => {
                    if !matches!(row.plan, RowPlan::Bad(_)) {
                        bad(&mut row, e);
                    }
                    None
                }
            },
            None => None,
        };
        if matches!(row.plan, RowPlan::Bad(_)) {
            plan.rows.push(row);
            resolved.push(None);
            continue;
        }
        let a = by_call.get(&match_key(&r.call_sign)).copied();
        let b = by_serial.get(&match_key(&r.serial)).copied();
        let current = match (a, b) {
            (Some(a), Some(b)) if a.id != b.id => {
                bad(
                    &mut row,
                    format!(
                        "call sign {} is radio #{} but serial {} is radio #{} ({}): sort them out by hand",
                        r.call_sign, a.id, r.serial, b.id, b.call_sign
                    ),
                );
                plan.rows.push(row);
                resolved.push(None);
                continue;
            }
            (Some(x), _) | (None, Some(x)) => Some(x),
            (None, None) => None,
        };
        let member_id = member.or(if r.member.is_none() {
            current.and_then(|c| c.member_id)
        } else {
            None
        });
        let status = match (&r.status, current) {
            (Some(s), _) => s.clone(),
            (None, Some(c)) => c.status.clone(),
            (None, None) if member_id.is_some() => "issued".into(),
            (None, None) => "spare".into(),
        };
        if status == "issued" && member_id.is_none() {
            bad(
                &mut row,
                "an issued radio needs the member it is issued to (a member column)".into(),
            );
            plan.rows.push(row);
            resolved.push(None);
            continue;
        }
        row.plan = match current {
            None => RowPlan::New,
            Some(c) => {
                let mut fields = vec![];
                if c.call_sign != r.call_sign {
                    fields.push("call sign");
                }
                if match_key(&c.serial) != match_key(&r.serial) {
                    fields.push("serial");
                }
                if c.member_id != member_id {
                    fields.push("member");
                }
                if c.status != status {
                    fields.push("status");
                }
                if r.notes.as_ref().is_some_and(|n| *n != c.notes) {
                    fields.push("notes");
                }
                if fields.is_empty() {
                    RowPlan::Unchanged { id: c.id }
                } else {
                    RowPlan::Update { id: c.id, fields }
                }
            }
        };
        plan.rows.push(row);
        resolved.push(Some(RadioResolved { member_id, status }));
    }
    Ok((plan, resolved))
}

fn write_radios(
    tx: &Transaction,
    rows: &[Lined<RadioRecord>],
    plan: &ImportPlan,
    resolved: &[Option<RadioResolved>],
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    for ((Lined { record: r, .. }, p), res) in rows.iter().zip(&plan.rows).zip(resolved) {
        let Some(res) = res else { continue };
        match &p.plan {
            RowPlan::New => {
                tx.execute(
                    "INSERT INTO radios (call_sign, serial, member_id, status, notes) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![r.call_sign, r.serial, res.member_id, res.status, r.notes.clone().unwrap_or_default()],
                )?;
                let id = tx.last_insert_rowid();
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    "create",
                    "radio",
                    Some(id),
                    "import",
                )?;
            }
            RowPlan::Update { id, fields } => {
                let fields_before = history::fields(tx, Owner::Radio(*id))?;
                let before: String =
                    tx.query_row("SELECT status FROM radios WHERE id = ?1", [id], |r| {
                        r.get(0)
                    })?;
                tx.execute(
                    "UPDATE radios SET call_sign = ?1, serial = ?2, member_id = ?3, status = ?4,
                            notes = COALESCE(?5, notes) WHERE id = ?6",
                    params![
                        r.call_sign,
                        r.serial,
                        res.member_id,
                        res.status,
                        r.notes,
                        id
                    ],
                )?;
                if before != res.status {
                    // a status change keeps its history, as one made in the console does
                    tx.execute(
                        "INSERT INTO radio_status_history (radio_id, at, from_status, to_status, operator_id, note)
                         VALUES (?1, ?2, ?3, ?4, ?5, 'import')",
                        params![id, ts(now), before, res.status, operator],
                    )?;
                }
                versions::bump(tx, Record::Radio(*id), operator, now)?;
                history::record_since(tx, Owner::Radio(*id), &fields_before, now, operator)?;
                let detail = format!("import: {}", fields.join(", "));
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    "update",
                    "radio",
                    Some(*id),
                    &detail,
                )?;
            }
            RowPlan::Unchanged { .. } | RowPlan::Bad(_) => {}
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
struct OffenderNow {
    id: i64,
    kind: String,
    name: String,
    aliases: Vec<String>,
    nicknames: Vec<String>,
    description: String,
    markers: Vec<String>,
    date_of_birth: Option<NaiveDate>,
    address: String,
}

fn offenders_now(conn: &Connection) -> Result<Vec<OffenderNow>> {
    let mut aliases: HashMap<i64, Vec<String>> = HashMap::new();
    let mut st = conn.prepare("SELECT offender_id, alias FROM offender_aliases ORDER BY rowid")?;
    for row in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, a) = row?;
        aliases.entry(id).or_default().push(a);
    }
    let list = |s: String, sep: char| -> Vec<String> {
        s.split(sep)
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    };
    // a merged record stands for nobody now: its names live on the person it joined
    let mut st = conn.prepare(
        "SELECT id, kind, name, nicknames, description, markers, date_of_birth, address
         FROM offenders WHERE status <> 'merged' ORDER BY id",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            (
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ),
            (r.get::<_, Option<String>>(6)?, r.get::<_, String>(7)?),
        ))
    })?;
    let mut out = vec![];
    for row in rows {
        let ((id, kind, name, nicknames, description, markers), (date_of_birth, address)) = row?;
        out.push(OffenderNow {
            id,
            kind,
            name,
            aliases: aliases.remove(&id).unwrap_or_default(),
            nicknames: list(nicknames, ','),
            description,
            markers: list(markers, ','),
            date_of_birth: date_of_birth
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            address,
        });
    }
    Ok(out)
}

/// As `set_offender_identity` has it: nobody knows who an ID-sought person
/// is, so nothing that identifies them is held until they are promoted.
const ID_SOUGHT_HAS_NO_IDENTITY: &str =
    "an ID-sought person has no known date of birth or address: promote them to known first";

/// What an offender row adds to the record it matched.
struct OffenderChange {
    aliases: Vec<String>,
    nicknames: Vec<String>,
    markers: Vec<String>,
    description: Option<String>,
    date_of_birth: Option<NaiveDate>,
    address: Option<String>,
}

fn plan_offenders(
    conn: &Connection,
    rows: &[Lined<OffenderRecord>],
) -> Result<(ImportPlan, Vec<Option<OffenderChange>>)> {
    let existing = offenders_now(conn)?;
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, o) in existing.iter().enumerate() {
        for n in std::iter::once(&o.name).chain(&o.aliases) {
            let list = by_key.entry(match_key(n)).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    let mut seen = Seen::default();
    // a date of birth an earlier row gives a record that holds none: a later
    // row must not replace it either
    let mut born_by_row: HashMap<i64, (NaiveDate, u64)> = HashMap::new();
    let mut plan = ImportPlan::default();
    let mut changes = vec![];
    for Lined { line, record: r } in rows {
        let mut row = PlannedRow {
            line: *line,
            label: r.name.clone(),
            plan: RowPlan::New,
            note: None,
        };
        let names: Vec<&String> = std::iter::once(&r.name).chain(&r.aliases).collect();
        let repeat = names
            .iter()
            .find_map(|n| seen.repeat(match_key(n), *line).map(|first| (n, first)));
        if let Some((n, first)) = repeat {
            row.plan = RowPlan::Bad(format!(
                "“{n}” is on line {first} too (the same person?): keep one row"
            ));
            plan.rows.push(row);
            changes.push(None);
            continue;
        }
        let mut matched: Vec<usize> = vec![];
        for n in &names {
            for i in by_key.get(&match_key(n)).into_iter().flatten() {
                if !matched.contains(i) {
                    matched.push(*i);
                }
            }
        }
        let one = match matched.as_slice() {
            [i] => Some(&existing[*i]),
            _ => None,
        };
        if let Some(why) = id_sought_identity(r, one) {
            row.plan = RowPlan::Bad(why);
            plan.rows.push(row);
            changes.push(None);
            continue;
        }
        let (plan_row, change) = match matched.as_slice() {
            [] => (RowPlan::New, None),
            [i] => {
                let o = &existing[*i];
                let by_alias = match_key(&o.name) != match_key(&r.name);
                // a different date of birth is most likely someone else of
                // the same name: never written over
                let held = o
                    .date_of_birth
                    .map(|d| (d, None))
                    .or_else(|| born_by_row.get(&o.id).map(|(d, l)| (*d, Some(*l))));
                let born_differs = match (r.date_of_birth, held) {
                    (Some(d), Some((h, from))) if d != h => Some((d, from)),
                    _ => None,
                };
                if o.kind != r.kind.code() {
                    (
                        RowPlan::Bad(format!(
                            "matches record #{} on the register, which is {}: change its kind in the console, not by import",
                            o.id,
                            OffenderKind::from_code(&o.kind).map_or("?", |k| k.label())
                        )),
                        None,
                    )
                } else if let Some((d, from)) = born_differs {
                    let who = format!(
                        "{} (#{}{})",
                        tidy_input(&o.name),
                        o.id,
                        if by_alias { ", found by an alias" } else { "" }
                    );
                    let why = match from {
                        None => format!(
                            "date of birth {d} differs from the one held for {who}: if this is someone else, \
                             give them a distinguishing name; if the held date is wrong, correct it on their profile"
                        ),
                        Some(first) => format!(
                            "date of birth {d} differs from the one line {first} gives for {who}: keep one row, \
                             or if this is someone else, give them a distinguishing name"
                        ),
                    };
                    (RowPlan::Bad(why), None)
                } else {
                    let has = |list: &[String], x: &str| {
                        list.iter().any(|y| match_key(y) == match_key(x))
                    };
                    let known: Vec<String> = std::iter::once(o.name.clone())
                        .chain(o.aliases.clone())
                        .collect();
                    let mut change = OffenderChange {
                        aliases: vec![],
                        nicknames: vec![],
                        markers: vec![],
                        description: None,
                        date_of_birth: None,
                        address: None,
                    };
                    for n in &names {
                        if !has(&known, n) && !has(&change.aliases, n) {
                            change.aliases.push(n.to_string());
                        }
                    }
                    for n in &r.nicknames {
                        if !has(&o.nicknames, n) {
                            change.nicknames.push(n.clone());
                        }
                    }
                    for m in &r.markers {
                        if !o.markers.contains(m) {
                            change.markers.push(m.clone());
                        }
                    }
                    if let Some(d) = &r.description {
                        if *d != o.description {
                            change.description = Some(d.clone());
                        }
                    }
                    // an empty cell keeps what is held, and a date of birth
                    // held is never replaced (a different one is refused
                    // above); people are not matched on these
                    if let Some(d) = r.date_of_birth {
                        if held.is_none() {
                            change.date_of_birth = Some(d);
                            born_by_row.insert(o.id, (d, *line));
                        }
                    }
                    if let Some(a) = &r.address {
                        if *a != o.address {
                            change.address = Some(a.clone());
                        }
                    }
                    let mut fields = vec![];
                    if !change.aliases.is_empty() {
                        fields.push("aliases");
                    }
                    if !change.nicknames.is_empty() {
                        fields.push("nicknames");
                    }
                    if !change.markers.is_empty() {
                        fields.push("markers");
                    }
                    if change.description.is_some() {
                        fields.push("description");
                    }
                    if change.date_of_birth.is_some() {
                        fields.push("date of birth");
                    }
                    if change.address.is_some() {
                        fields.push("address");
                    }
                    if by_alias {
                        row.note = Some(format!("found as record #{} by an alias", o.id));
                    }
                    if fields.is_empty() {
                        (RowPlan::Unchanged { id: o.id }, None)
                    } else {
                        (RowPlan::Update { id: o.id, fields }, Some(change))
                    }
                }
            }
            many => (
                RowPlan::Bad(format!(
                    "matches {} records on the register ({}): change them in the console",
                    many.len(),
                    many.iter()
                        .map(|i| format!("#{}", existing[*i].id))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                None,
            ),
        };
        row.plan = plan_row;
        plan.rows.push(row);
        changes.push(change);
    }
    Ok((plan, changes))
}

/// Why a row may not give a date of birth or address, if it names an
/// ID-sought person: by its kind, or by matching one on the register.
fn id_sought_identity(r: &OffenderRecord, matched: Option<&OffenderNow>) -> Option<String> {
    if r.date_of_birth.is_none() && r.address.is_none() {
        return None;
    }
    let sought = OffenderKind::IdSought.code();
    match matched {
        Some(o) if o.kind == sought => Some(format!(
            "{ID_SOUGHT_HAS_NO_IDENTITY} (record #{}, in the console), or leave the date of birth and address empty",
            o.id
        )),
        Some(o) if r.kind == OffenderKind::IdSought => Some(format!(
            "{ID_SOUGHT_HAS_NO_IDENTITY}; record #{} is known already: give the row's kind as known",
            o.id
        )),
        _ if r.kind == OffenderKind::IdSought => Some(format!(
            "{ID_SOUGHT_HAS_NO_IDENTITY} (give the row's kind as known), or leave the date of birth and address empty"
        )),
        _ => None,
    }
}

fn write_offenders(
    tx: &Transaction,
    rows: &[Lined<OffenderRecord>],
    plan: &ImportPlan,
    changes: &[Option<OffenderChange>],
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let add_alias = |id: i64, alias: &str| -> Result<()> {
        tx.execute(
            "INSERT OR IGNORE INTO offender_aliases (offender_id, alias) VALUES (?1, ?2)",
            params![id, alias],
        )?;
        Ok(())
    };
    for ((Lined { record: r, line }, p), change) in rows.iter().zip(&plan.rows).zip(changes) {
        // as `set_offender_identity` holds it: a date of birth is in the past
        if let Some(d) = r.date_of_birth {
            if d >= now.date_naive() {
                return Err(StoreError::Invalid(format!(
                    "line {line}: a date of birth of {d} is not in the past"
                )));
            }
        }
        // a row's kind is its record's (the plan refuses any other)
        if r.kind == OffenderKind::IdSought && (r.date_of_birth.is_some() || r.address.is_some()) {
            return Err(StoreError::Invalid(format!(
                "line {line}: {ID_SOUGHT_HAS_NO_IDENTITY}"
            )));
        }
        match &p.plan {
            RowPlan::New => {
                tx.execute(
                    "INSERT INTO offenders (kind, name, nicknames, description, markers, date_of_birth, address,
                                            created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                    params![
                        r.kind.code(),
                        r.name,
                        r.nicknames.join(", "),
                        r.description.clone().unwrap_or_default(),
                        r.markers.join(","),
                        date(r.date_of_birth),
                        r.address.clone().unwrap_or_default(),
                        ts(now)
                    ],
                )?;
                let id = tx.last_insert_rowid();
                for a in &r.aliases {
                    add_alias(id, a)?;
                }
                let detail = format!("import: {}", r.kind.label());
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    "create",
                    "offender",
                    Some(id),
                    &detail,
                )?;
            }
            RowPlan::Update { id, fields } => {
                let Some(c) = change else { continue };
                let before = history::fields(tx, Owner::Offender(*id))?;
                let (nicknames, markers): (String, String) = tx.query_row(
                    "SELECT nicknames, markers FROM offenders WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                let join = |now: String, more: &[String], sep: &str| -> String {
                    let mut all: Vec<String> = now
                        .split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(String::from)
                        .collect();
                    all.extend(more.iter().cloned());
                    all.join(sep)
                };
                tx.execute(
                    "UPDATE offenders SET nicknames = ?1, markers = ?2, description = COALESCE(?3, description),
                            date_of_birth = COALESCE(date_of_birth, ?4), address = COALESCE(?5, address),
                            updated_at = ?6 WHERE id = ?7",
                    params![
                        join(nicknames, &c.nicknames, ", "),
                        join(markers, &c.markers, ","),
                        c.description,
                        date(c.date_of_birth),
                        c.address,
                        ts(now),
                        id
                    ],
                )?;
                for a in &c.aliases {
                    add_alias(*id, a)?;
                }
                versions::bump(tx, Record::Offender(*id), operator, now)?;
                history::record_since(tx, Owner::Offender(*id), &before, now, operator)?;
                let detail = format!("import: {}", fields.join(", "));
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    "update",
                    "offender",
                    Some(*id),
                    &detail,
                )?;
            }
            RowPlan::Unchanged { .. } | RowPlan::Bad(_) => {}
        }
    }
    Ok(())
}

const POLICE_COLUMNS: &str =
    "crime_id, month, reported_by, falls_within, longitude, latitude, location,
     lsoa_code, lsoa_name, crime_type, last_outcome, context";

fn plan_police(conn: &Connection, rows: &[Lined<PoliceCrime>]) -> Result<ImportPlan> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT id, {POLICE_COLUMNS} FROM police_crimes WHERE row_key = ?1"
    ))?;
    let mut seen = Seen::default();
    let mut plan = ImportPlan::default();
    for Lined { line, record: c } in rows {
        let mut row = PlannedRow {
            line: *line,
            label: format!("{} {}", c.month, c.crime_type),
            plan: RowPlan::New,
            note: None,
        };
        if let Some(first) = seen.repeat(c.row_key.clone(), *line) {
            row.plan = RowPlan::Bad(format!(
                "Crime ID {} is on line {first} too: keep one row",
                c.crime_id
            ));
            plan.rows.push(row);
            continue;
        }
        let now: Option<(i64, PoliceCrime)> = st
            .query_row([&c.row_key], |r| {
                Ok((
                    r.get(0)?,
                    PoliceCrime {
                        row_key: c.row_key.clone(),
                        crime_id: r.get(1)?,
                        month: r.get(2)?,
                        reported_by: r.get(3)?,
                        falls_within: r.get(4)?,
                        longitude: r.get(5)?,
                        latitude: r.get(6)?,
                        location: r.get(7)?,
                        lsoa_code: r.get(8)?,
                        lsoa_name: r.get(9)?,
                        crime_type: r.get(10)?,
                        last_outcome: r.get(11)?,
                        context: r.get(12)?,
                    },
                ))
            })
            .optional()?;
        row.plan = match now {
            None => RowPlan::New,
            Some((id, was)) => {
                // a month's file is published again as outcomes are recorded
                let mut fields = vec![];
                if was.last_outcome != c.last_outcome {
                    fields.push("last outcome");
                }
                if was.context != c.context {
                    fields.push("context");
                }
                if (
                    was.month.as_str(),
                    was.crime_type.as_str(),
                    was.location.as_str(),
                    was.lsoa_code.as_str(),
                ) != (
                    c.month.as_str(),
                    c.crime_type.as_str(),
                    c.location.as_str(),
                    c.lsoa_code.as_str(),
                ) || was.longitude != c.longitude
                    || was.latitude != c.latitude
                    || was.reported_by != c.reported_by
                    || was.falls_within != c.falls_within
                    || was.lsoa_name != c.lsoa_name
                {
                    fields.push("details");
                }
                if fields.is_empty() {
                    RowPlan::Unchanged { id }
                } else {
                    RowPlan::Update { id, fields }
                }
            }
        };
        plan.rows.push(row);
    }
    Ok(plan)
}

fn write_police(tx: &Transaction, rows: &[Lined<PoliceCrime>], plan: &ImportPlan) -> Result<()> {
    let mut insert = tx.prepare_cached(&format!(
        "INSERT INTO police_crimes (row_key, {POLICE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    ))?;
    let mut update = tx.prepare_cached(
        "UPDATE police_crimes SET month = ?2, reported_by = ?3, falls_within = ?4, longitude = ?5, latitude = ?6,
                location = ?7, lsoa_code = ?8, lsoa_name = ?9, crime_type = ?10, last_outcome = ?11, context = ?12
         WHERE id = ?1",
    )?;
    for (Lined { record: c, .. }, p) in rows.iter().zip(&plan.rows) {
        match &p.plan {
            RowPlan::New => {
                insert.execute(params![
                    c.row_key,
                    c.crime_id,
                    c.month,
                    c.reported_by,
                    c.falls_within,
                    c.longitude,
                    c.latitude,
                    c.location,
                    c.lsoa_code,
                    c.lsoa_name,
                    c.crime_type,
                    c.last_outcome,
                    c.context
                ])?;
            }
            RowPlan::Update { id, .. } => {
                update.execute(params![
                    id,
                    c.month,
                    c.reported_by,
                    c.falls_within,
                    c.longitude,
                    c.latitude,
                    c.location,
                    c.lsoa_code,
                    c.lsoa_name,
                    c.crime_type,
                    c.last_outcome,
                    c.context
                ])?;
            }
            RowPlan::Unchanged { .. } | RowPlan::Bad(_) => {}
        }
    }
    Ok(())
}

fn plan_on(conn: &Connection, batch: &ImportBatch) -> Result<ImportPlan> {
    Ok(match batch {
        ImportBatch::Zones(rows) => places::plan_zones(conn, rows)?,
        ImportBatch::Cameras(rows) => places::plan_cameras(conn, rows)?.0,
        ImportBatch::Members(rows) => plan_members(conn, rows)?,
        ImportBatch::Radios(rows) => plan_radios(conn, rows)?.0,
        ImportBatch::Offenders(rows) => plan_offenders(conn, rows)?.0,
        ImportBatch::Police(rows) => plan_police(conn, rows)?,
    })
}

impl Store {
    /// What importing these rows would do, changing nothing.
    pub fn plan_import(&self, batch: &ImportBatch) -> Result<ImportPlan> {
        // one read transaction: the plan sees one state of the store
        let tx = self.conn().unchecked_transaction()?;
        let plan = plan_on(&tx, batch)?;
        tx.finish()?;
        Ok(plan)
    }

    /// Import every row in one transaction, with an audit record per record
    /// created or changed and one for the import (counts, no names). If any
    /// row cannot be imported, nothing is, and the plan says why.
    pub fn apply_import(
        &mut self,
        batch: &ImportBatch,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<ImportResult> {
        // a bad row rolls the transaction back; its plan is kept to report
        let mut refused: Option<ImportPlan> = None;
        let mut refuse_bad = |plan: &ImportPlan| -> Result<()> {
            if plan.counts().bad > 0 {
                refused = Some(plan.clone());
                return Err(StoreError::Invalid("rows cannot be imported".into()));
            }
            Ok(())
        };
        let applied = self.write(|tx| {
            let plan = match batch {
                ImportBatch::Zones(rows) => {
                    let plan = places::plan_zones(tx, rows)?;
                    refuse_bad(&plan)?;
                    places::write_zones(tx, rows, &plan, operator, now)?;
                    plan
                }
                ImportBatch::Cameras(rows) => {
                    let (plan, zones) = places::plan_cameras(tx, rows)?;
                    refuse_bad(&plan)?;
                    places::write_cameras(tx, rows, &plan, &zones, operator, now)?;
                    plan
                }
                ImportBatch::Members(rows) => {
                    let plan = plan_members(tx, rows)?;
                    refuse_bad(&plan)?;
                    write_members(tx, rows, &plan, operator, now)?;
                    plan
                }
                ImportBatch::Radios(rows) => {
                    let (plan, resolved) = plan_radios(tx, rows)?;
                    refuse_bad(&plan)?;
                    write_radios(tx, rows, &plan, &resolved, operator, now)?;
                    plan
                }
                ImportBatch::Offenders(rows) => {
                    let (plan, changes) = plan_offenders(tx, rows)?;
                    refuse_bad(&plan)?;
                    write_offenders(tx, rows, &plan, &changes, operator, now)?;
                    plan
                }
                ImportBatch::Police(rows) => {
                    let plan = plan_police(tx, rows)?;
                    refuse_bad(&plan)?;
                    write_police(tx, rows, &plan)?;
                    plan
                }
            };
            let detail = plan.counts().describe();
            audit::append(
                tx,
                now,
                Some(operator),
                "import",
                batch.entity(),
                None,
                &detail,
            )?;
            Ok(plan)
        });
        match (applied, refused) {
            (Ok(plan), _) => Ok(ImportResult::Applied(plan)),
            (Err(_), Some(plan)) => Ok(ImportResult::Refused(plan)),
            (Err(e), None) => Err(e),
        }
    }

    /// Police open data rows held, by month and crime type (for reports and checks).
    pub fn police_crime_counts(&self) -> Result<Vec<(String, String, i64)>> {
        let mut st = self.conn().prepare(
            "SELECT month, crime_type, COUNT(*) FROM police_crimes GROUP BY month, crime_type ORDER BY month, crime_type",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
