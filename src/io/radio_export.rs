//! The radio network's exports as tables: the radio log line by line, and
//! the roll-calls (in CSV a row per station of each roll-call; in JSON one
//! object per roll-call with its stations inside). Times are UTC with the
//! scheme's local time beside them, since a radio log is read by the clock
//! on the control room's wall.

use super::export::{cell, csv_bytes, json_bytes, table, when, Made, Making};
use crate::domain::rollcall::{Answer, Summary};
use crate::store::radio_exports::{RadioLogExport, RollCallExport, StationAnswer};
use crate::store::rollcalls::RollCallRecord;
use crate::store::Store;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A time on the scheme's clock, with its offset from UTC (so the hour the
/// clocks go back is never ambiguous).
pub(super) fn local(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// A radio log line's event in words.
pub(super) fn event_words(code: &str) -> &'static str {
    match code {
        "on" => "sign-on",
        "off" => "sign-off",
        _ => "",
    }
}

/// real, practice or void (a void one is void whatever it was).
pub(super) fn roll_call_kind(rc: &RollCallExport) -> &'static str {
    if rc.record.voided.is_some() {
        "void"
    } else if rc.record.practice {
        "practice"
    } else {
        "real"
    }
}

/// When and by whom a roll-call was saved: none for one still open, or one
/// ended by being voided (the store ends an open one so, with the void's
/// time and name).
pub(super) fn saved(r: &RollCallRecord) -> Option<(DateTime<Utc>, &str)> {
    let at = r.finished_at?;
    match &r.voided {
        Some(v) if v.at == at && v.by == r.finished_by => None,
        _ => Some((at, r.finished_by.as_str())),
    }
}

/// What a station's answer is called on the export: the domain's words.
pub(super) fn answer_words(s: &StationAnswer) -> String {
    s.entry
        .as_ref()
        .map_or_else(|| "not answered".to_string(), |e| e.answer.label())
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

#[derive(Serialize)]
struct LogRow<'a> {
    id: i64,
    at: String,
    local: String,
    call_sign: &'a str,
    event: &'static str,
    message: &'a str,
    logged_by: &'a str,
}

pub(super) fn radio_log(store: &Store, m: &Making) -> anyhow::Result<Made> {
    let mut lines = store.export_radio_log(m.from, m.to)?;
    if let Some(r) = m.redactor {
        lines
            .iter_mut()
            .for_each(|l| l.message = r.text(&l.message));
    }
    let rows: Vec<LogRow> = lines.iter().map(|l| log_row(l, m.req.tz)).collect();
    let signs = lines.iter().filter(|l| !l.event.is_empty()).count();
    let notice = super::export::notice(m.req, rows.len(), m.why, m.by, m.now);
    let body = table(
        m.req.format,
        || {
            csv_bytes(
                &[
                    "id",
                    "at",
                    "local",
                    "call_sign",
                    "event",
                    "message",
                    "logged_by",
                ],
                &rows,
                |l| {
                    vec![
                        l.id.to_string(),
                        l.at.clone(),
                        l.local.clone(),
                        cell(l.call_sign),
                        l.event.to_string(),
                        cell(l.message),
                        cell(l.logged_by),
                    ]
                },
            )
        },
        || json_bytes(m.req, &notice, m.why, m.by, m.now, &rows),
    )?;
    Ok(Made {
        rows: rows.len(),
        extra: format!("{signs} sign-ons and sign-offs"),
        body,
        notice,
    })
}

fn log_row(l: &RadioLogExport, tz: chrono_tz::Tz) -> LogRow<'_> {
    LogRow {
        id: l.id,
        at: when(l.at),
        local: local(l.at, tz),
        call_sign: &l.call_sign,
        event: event_words(&l.event),
        message: &l.message,
        logged_by: &l.logged_by,
    }
}

#[derive(Serialize)]
struct SummaryJson {
    expected: usize,
    answered: usize,
    relayed: usize,
    nothing_heard: usize,
    weak: usize,
    closed: usize,
    late: usize,
    corrected: usize,
}

impl From<Summary> for SummaryJson {
    fn from(s: Summary) -> Self {
        SummaryJson {
            expected: s.expected,
            answered: s.answered,
            relayed: s.relays,
            nothing_heard: s.nothing_heard,
            weak: s.weak,
            closed: s.closed,
            late: s.late,
            corrected: s.corrected,
        }
    }
}

#[derive(Serialize)]
struct VoidJson<'a> {
    at: String,
    by: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct StationJson<'a> {
    order: usize,
    call_sign: &'a str,
    member: &'a str,
    zone: &'a str,
    answer: String,
    /// 5 (loud and clear) to 1, when heard directly.
    readability: Option<u8>,
    relayed_via: Option<&'a str>,
    late: bool,
    corrected: bool,
    /// The answer a correction replaced.
    replaced: Option<String>,
}

#[derive(Serialize)]
struct RollCallJson<'a> {
    id: i64,
    started_at: String,
    started_local: String,
    saved_at: Option<String>,
    kind: &'static str,
    void: Option<VoidJson<'a>>,
    started_by: &'a str,
    saved_by: &'a str,
    summary: SummaryJson,
    stations: Vec<StationJson<'a>>,
}

fn station_json(order: usize, s: &StationAnswer) -> StationJson<'_> {
    let e = s.entry.as_ref();
    StationJson {
        order,
        call_sign: &s.station.call_sign,
        member: &s.station.member,
        zone: &s.station.zone,
        answer: answer_words(s),
        readability: e.and_then(|e| match e.answer {
            Answer::Heard(n) => Some(n),
            _ => None,
        }),
        relayed_via: e.and_then(|e| match &e.answer {
            Answer::RelayedVia(cs) => Some(cs.as_str()),
            _ => None,
        }),
        late: e.is_some_and(|e| e.late),
        corrected: e.is_some_and(|e| e.replaced.is_some()),
        replaced: e.and_then(|e| e.replaced.as_ref().map(Answer::label)),
    }
}

fn roll_call_json(rc: &RollCallExport, tz: chrono_tz::Tz) -> RollCallJson<'_> {
    let r = &rc.record;
    RollCallJson {
        id: r.id,
        started_at: when(r.started_at),
        started_local: local(r.started_at, tz),
        saved_at: saved(r).map(|(at, _)| when(at)),
        kind: roll_call_kind(rc),
        void: r.voided.as_ref().map(|v| VoidJson {
            at: when(v.at),
            by: &v.by,
            reason: &v.reason,
        }),
        started_by: &r.started_by,
        saved_by: saved(r).map_or("", |(_, by)| by),
        summary: r.summary.into(),
        stations: rc
            .stations
            .iter()
            .enumerate()
            .map(|(i, s)| station_json(i + 1, s))
            .collect(),
    }
}

const ROLL_CALL_HEADER: [&str; 20] = [
    "roll_call_id",
    "started_at",
    "started_local",
    "saved_at",
    "kind",
    "void_reason",
    "voided_at",
    "voided_by",
    "started_by",
    "saved_by",
    "order",
    "call_sign",
    "member",
    "zone",
    "answer",
    "readability",
    "relayed_via",
    "late",
    "corrected",
    "replaced",
];

/// One CSV row per station; a roll-call with none still has its row.
fn roll_call_rows(rc: &RollCallJson) -> Vec<Vec<String>> {
    let head = vec![
        rc.id.to_string(),
        rc.started_at.clone(),
        rc.started_local.clone(),
        rc.saved_at.clone().unwrap_or_default(),
        rc.kind.to_string(),
        cell(rc.void.as_ref().map_or("", |v| v.reason)),
        rc.void.as_ref().map(|v| v.at.clone()).unwrap_or_default(),
        cell(rc.void.as_ref().map_or("", |v| v.by)),
        cell(rc.started_by),
        cell(rc.saved_by),
    ];
    if rc.stations.is_empty() {
        let mut row = head;
        row.resize(ROLL_CALL_HEADER.len(), String::new());
        return vec![row];
    }
    rc.stations
        .iter()
        .map(|s| {
            let mut row = head.clone();
            row.extend([
                s.order.to_string(),
                cell(s.call_sign),
                cell(s.member),
                cell(s.zone),
                cell(&s.answer),
                s.readability.map(|n| n.to_string()).unwrap_or_default(),
                cell(s.relayed_via.unwrap_or("")),
                yes_no(s.late).to_string(),
                yes_no(s.corrected).to_string(),
                cell(s.replaced.as_deref().unwrap_or("")),
            ]);
            row
        })
        .collect()
}

/// The roll-calls of the period, their void reasons redacted when asked
/// (the only free text they hold).
pub(super) fn read_roll_calls(store: &Store, m: &Making) -> anyhow::Result<Vec<RollCallExport>> {
    let mut calls = store.export_roll_calls(m.from, m.to)?;
    if let Some(r) = m.redactor {
        for v in calls.iter_mut().filter_map(|c| c.record.voided.as_mut()) {
            v.reason = r.text(&v.reason);
        }
    }
    Ok(calls)
}

pub(super) fn roll_calls(store: &Store, m: &Making) -> anyhow::Result<Made> {
    let calls = read_roll_calls(store, m)?;
    let rows: Vec<RollCallJson> = calls.iter().map(|c| roll_call_json(c, m.req.tz)).collect();
    let stations: usize = calls.iter().map(|c| c.stations.len()).sum();
    let void = calls.iter().filter(|c| c.record.voided.is_some()).count();
    let notice = super::export::notice(m.req, rows.len(), m.why, m.by, m.now);
    let body = table(
        m.req.format,
        || {
            let mut w = csv::Writer::from_writer(vec![]);
            w.write_record(ROLL_CALL_HEADER)?;
            for rc in &rows {
                for row in roll_call_rows(rc) {
                    w.write_record(row)?;
                }
            }
            w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
        },
        || json_bytes(m.req, &notice, m.why, m.by, m.now, &rows),
    )?;
    Ok(Made {
        rows: rows.len(),
        extra: format!("{stations} stations, {void} void"),
        body,
        notice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_carries_its_offset() {
        let t = DateTime::parse_from_rfc3339("2026-07-20T19:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            local(t, chrono_tz::Europe::London),
            "2026-07-20T20:30:00+01:00"
        );
    }
}
