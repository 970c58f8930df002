//! The evidence log as a table: every item with an entry recorded in the
//! period, with its whole trail (in CSV a row per entry of each item; in
//! JSON one object per item with its entries inside). Times are UTC with
//! the scheme's local time beside them. Redaction strikes the names of
//! people on the register out of the entries' words (notes, reasons,
//! corrections, file names).

use super::export::{cell, csv_bytes, json_bytes, table, when, Made, Making};
use super::radio_export::local;
use crate::domain::evidence::{EntryBody, EvidenceEntry, EvidenceItem};
use crate::store::evidence::describe_of;
use crate::store::Store;
use serde::Serialize;

#[derive(Serialize)]
struct EntryJson {
    entry: i64,
    kind: &'static str,
    recorded_at: String,
    recorded_by: String,
    supersedes: Option<i64>,
    superseded_by: Option<i64>,
    correction: String,
    camera: String,
    clip_start: String,
    clip_start_local: String,
    clip_end: String,
    clip_end_local: String,
    reviewed_by: String,
    copied_by: String,
    medium: String,
    sha256: String,
    file_name: String,
    note: String,
    handed_at: String,
    handed_local: String,
    to: String,
    organisation: String,
    why: String,
    release: bool,
    agreement: String,
}

#[derive(Serialize)]
struct ItemJson {
    exhibit: String,
    on: String,
    added_at: String,
    added_by: String,
    held_by: String,
    entries: Vec<EntryJson>,
}

fn entry_json(item: &EvidenceItem, e: &EvidenceEntry, tz: chrono_tz::Tz) -> EntryJson {
    let superseded_by = item
        .entries
        .iter()
        .find(|x| x.supersedes == Some(e.id))
        .map(|x| x.id);
    let mut j = EntryJson {
        entry: e.id,
        kind: if e.is_clip() { "clip" } else { "handover" },
        recorded_at: when(e.recorded_at),
        recorded_by: e.recorded_by.clone(),
        supersedes: e.supersedes,
        superseded_by,
        correction: e.correction.clone(),
        camera: String::new(),
        clip_start: String::new(),
        clip_start_local: String::new(),
        clip_end: String::new(),
        clip_end_local: String::new(),
        reviewed_by: String::new(),
        copied_by: String::new(),
        medium: String::new(),
        sha256: String::new(),
        file_name: String::new(),
        note: String::new(),
        handed_at: String::new(),
        handed_local: String::new(),
        to: String::new(),
        organisation: String::new(),
        why: String::new(),
        release: false,
        agreement: String::new(),
    };
    match &e.body {
        EntryBody::Clip(c) => {
            j.camera = c.camera.clone();
            j.clip_start = when(c.clip_start);
            j.clip_start_local = local(c.clip_start, tz);
            j.clip_end = when(c.clip_end);
            j.clip_end_local = local(c.clip_end, tz);
            j.reviewed_by = c.reviewed_by.clone();
            j.copied_by = c.copied_by.clone();
            j.medium = c.medium.map(|m| m.code().to_string()).unwrap_or_default();
            j.sha256 = c.sha256.clone();
            j.file_name = c.file_name.clone();
            j.note = c.note.clone();
        }
        EntryBody::Handover { details, agreement } => {
            j.handed_at = when(details.at);
            j.handed_local = local(details.at, tz);
            j.to = details.to.clone();
            j.organisation = details.organisation.clone();
            j.why = details.why.clone();
            j.release = details.release;
            j.agreement = details
                .agreement_id
                .map(|a| format!("#{a} {agreement}"))
                .unwrap_or_default();
        }
    }
    j
}

const HEADER: [&str; 30] = [
    "exhibit",
    "on",
    "added_at",
    "added_by",
    "held_by",
    "entry",
    "kind",
    "recorded_at",
    "recorded_by",
    "supersedes",
    "superseded_by",
    "correction",
    "camera",
    "clip_start",
    "clip_start_local",
    "clip_end",
    "clip_end_local",
    "reviewed_by",
    "copied_by",
    "medium",
    "sha256",
    "file_name",
    "note",
    "handed_at",
    "handed_local",
    "to",
    "organisation",
    "why",
    "release",
    "agreement",
];

fn rows_of(i: &ItemJson) -> Vec<Vec<String>> {
    let opt = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    i.entries
        .iter()
        .map(|e| {
            vec![
                cell(&i.exhibit),
                cell(&i.on),
                i.added_at.clone(),
                cell(&i.added_by),
                cell(&i.held_by),
                e.entry.to_string(),
                e.kind.to_string(),
                e.recorded_at.clone(),
                cell(&e.recorded_by),
                opt(e.supersedes),
                opt(e.superseded_by),
                cell(&e.correction),
                cell(&e.camera),
                e.clip_start.clone(),
                e.clip_start_local.clone(),
                e.clip_end.clone(),
                e.clip_end_local.clone(),
                cell(&e.reviewed_by),
                cell(&e.copied_by),
                e.medium.clone(),
                e.sha256.clone(),
                cell(&e.file_name),
                cell(&e.note),
                e.handed_at.clone(),
                e.handed_local.clone(),
                cell(&e.to),
                cell(&e.organisation),
                cell(&e.why),
                if e.release { "yes" } else { "no" }.to_string(),
                cell(&e.agreement),
            ]
        })
        .collect()
}

/// Strike the register's names out of an item's words.
fn redact(r: &super::redact::Redactor, item: &mut EvidenceItem) {
    for e in &mut item.entries {
        e.correction = r.text(&e.correction);
        match &mut e.body {
            EntryBody::Clip(c) => {
                c.note = r.text(&c.note);
                c.file_name = r.text(&c.file_name);
            }
            EntryBody::Handover { details, .. } => details.why = r.text(&details.why),
        }
    }
}

pub(super) fn evidence(store: &Store, m: &Making) -> anyhow::Result<Made> {
    let mut items = store.export_evidence(m.from, m.to)?;
    if let Some(r) = m.redactor {
        items.iter_mut().for_each(|i| redact(r, i));
    }
    let tz = m.req.tz;
    let rows: Vec<ItemJson> = items
        .iter()
        .map(|i| ItemJson {
            exhibit: i.exhibit.clone(),
            on: describe_of(i.of),
            added_at: when(i.created_at),
            added_by: i.created_by.clone(),
            held_by: i.held_by(),
            entries: i.entries.iter().map(|e| entry_json(i, e, tz)).collect(),
        })
        .collect();
    let releases = items
        .iter()
        .flat_map(|i| i.handovers())
        .filter(|e| matches!(&e.body, EntryBody::Handover { details, .. } if details.release))
        .count();
    let notice = super::export::notice(m.req, rows.len(), m.why, m.by, m.now);
    let body = table(
        m.req.format,
        || {
            let flat: Vec<Vec<String>> = rows.iter().flat_map(rows_of).collect();
            csv_bytes(&HEADER, &flat, Clone::clone)
        },
        || json_bytes(m.req, &notice, m.why, m.by, m.now, &rows),
    )?;
    Ok(Made {
        rows: rows.len(),
        extra: format!("{releases} releases standing"),
        body,
        notice,
    })
}
