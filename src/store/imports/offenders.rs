//! Importing the register: a person is matched by name or alias; what a row
//! adds to a record found is only ever added (aliases, nicknames, markers)
//! or filled in, and a date of birth held is never replaced.

use super::{date, match_key, ImportPlan, Lined, PlannedRow, RowPlan, Seen};
use crate::domain::audit::AuditAction;
use crate::domain::offender::OffenderKind;
use crate::domain::text::tidy_input;
use crate::store::history::{self, Owner};
use crate::store::versions::{self, Record};
use crate::store::{audit, ts, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, Transaction};
use std::collections::HashMap;

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
pub(super) struct OffenderChange {
    aliases: Vec<String>,
    nicknames: Vec<String>,
    markers: Vec<String>,
    description: Option<String>,
    date_of_birth: Option<NaiveDate>,
    address: Option<String>,
}

pub(super) fn plan_offenders(
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

pub(super) fn write_offenders(
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
                    AuditAction::Create,
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
                    AuditAction::Update,
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
