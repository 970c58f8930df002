//! `watchroom export`: a period's incidents, sightings, the register, radio
//! log, roll-calls or evidence log as CSV or JSON, or a day's net log as PDF, optionally
//! with names and photos taken out. Each export says
//! what it contains (a `notice` in JSON; a companion `.notice.txt` beside a
//! CSV file, since a CSV has no place for one and a spreadsheet would read it
//! as a row), is written readable by its owner only and whole or not at all,
//! and is audited with who, when, why and how many rows.

use super::redact::Redactor;
use crate::domain::retention::REMOVED;
use crate::domain::text::{clean, tidy_input};
use crate::store::exports::{IncidentExport, NamedRecord, RegisterExport, SightingExport};
use crate::store::Store;
use anyhow::Context as _;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Incidents,
    Register,
    Sightings,
    RadioLog,
    RollCalls,
    /// A day's radio log and roll-calls as one printable document.
    NetLog,
    /// The evidence log: items with their continuity trails.
    Evidence,
}

impl ExportKind {
    pub const ALL: [ExportKind; 7] = [
        ExportKind::Incidents,
        ExportKind::Register,
        ExportKind::Sightings,
        ExportKind::RadioLog,
        ExportKind::RollCalls,
        ExportKind::NetLog,
        ExportKind::Evidence,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ExportKind::Incidents => "incidents",
            ExportKind::Register => "register",
            ExportKind::Sightings => "sightings",
            ExportKind::RadioLog => "radio-log",
            ExportKind::RollCalls => "roll-calls",
            ExportKind::NetLog => "net-log",
            ExportKind::Evidence => "evidence",
        }
    }

    /// The format an export of this kind is written in when none is asked for.
    pub fn default_format(self) -> ExportFormat {
        match self {
            ExportKind::NetLog => ExportFormat::Pdf,
            _ => ExportFormat::Csv,
        }
    }

    /// Refuse a period that ends before it starts, a table asked for as a
    /// PDF or a net log as a table, and a net log of more than one day.
    pub fn check(self, format: ExportFormat, from: NaiveDate, to: NaiveDate) -> anyhow::Result<()> {
        if to < from {
            anyhow::bail!("the period ends ({to}) before it starts ({from})");
        }
        let net_log = self == ExportKind::NetLog;
        if net_log && format != ExportFormat::Pdf {
            anyhow::bail!("a net log is made as PDF only (--format pdf, its default)");
        }
        if !net_log && format == ExportFormat::Pdf {
            anyhow::bail!(
                "{} is exported as csv or json: PDF is for a day's net log (export net-log --day DATE)",
                self.code()
            );
        }
        if net_log && from != to {
            anyhow::bail!(
                "a net log is one day's: give --day DATE (or the same day to --from and --to)"
            );
        }
        Ok(())
    }

    /// What its count counts.
    pub fn unit(self) -> &'static str {
        match self {
            ExportKind::RadioLog | ExportKind::NetLog => "line",
            ExportKind::RollCalls => "roll-call",
            ExportKind::Evidence => "item",
            _ => "row",
        }
    }

    /// Whose words its free text holds, for the notice of one not redacted.
    fn unredacted(self) -> &'static str {
        match self {
            ExportKind::RadioLog | ExportKind::RollCalls | ExportKind::NetLog | ExportKind::Evidence => {
                "Not redacted: its messages and reasons are as they were logged, and may name people on the register."
            }
            _ => "Not redacted: it names people on the register and gives their photo files' paths.",
        }
    }

    /// How its times are given.
    fn times(self) -> &'static str {
        match self {
            ExportKind::RadioLog | ExportKind::RollCalls | ExportKind::Evidence => {
                "times are UTC, each with the scheme's local time beside it"
            }
            ExportKind::NetLog => "times are the scheme's local time",
            _ => "times are UTC",
        }
    }

    pub fn from_code(s: &str) -> Option<ExportKind> {
        ExportKind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim().to_lowercase())
    }

    fn contents(self) -> &'static str {
        match self {
            ExportKind::Incidents => {
                "incidents opened in the period, with their zone, member and place, and the people on the register each names"
            }
            ExportKind::Register => {
                "the people on the register (as it stands now) who were added in the period or active in it \
                 (named on an incident, sighted, or under an exclusion in force), with their aliases and the \
                 exclusions in force in the period"
            }
            ExportKind::Sightings => "CCTV sightings in the period, with the camera, place and person seen",
            ExportKind::RadioLog => {
                "every line of the radio log in the period, oldest first: sign-ons, sign-offs and messages \
                 by call sign, with who logged each"
            }
            ExportKind::RollCalls => {
                "the roll-calls begun in the period, station by station: each answer, the station it was \
                 relayed via, late check-ins and corrections (with the answer each replaced), and whether \
                 the roll-call was real, practice or void"
            }
            ExportKind::NetLog => {
                "the day's radio log, line by line in order, and the roll-calls begun that day with their \
                 summaries and every station's answer"
            }
            ExportKind::Evidence => {
                "the evidence items (CCTV footage kept as exhibits) with an entry recorded in the period, \
                 each with its whole continuity trail: the clip, who reviewed and copied it, its SHA-256, \
                 every handover and release (with the sharing agreement it fell under), and every \
                 correction beside the entry it replaced"
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
    /// For the net log, which is printed.
    Pdf,
}

impl ExportFormat {
    pub fn from_code(s: &str) -> Option<ExportFormat> {
        match s.trim().to_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "json" => Some(ExportFormat::Json),
            "pdf" => Some(ExportFormat::Pdf),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Pdf => "pdf",
        }
    }
}

/// What a manager asked for.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub kind: ExportKind,
    /// First and last day of the period, both included, in the scheme's time zone.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub tz: chrono_tz::Tz,
    pub format: ExportFormat,
    pub why: String,
    pub redact: bool,
    /// Where to write; by default a name saying what and when, in the current folder.
    pub out: Option<PathBuf>,
    /// The scheme's name as its documents give it: it heads a net log.
    pub scheme: String,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOutcome {
    pub path: PathBuf,
    /// The companion saying what a CSV file contains.
    pub notice_path: Option<PathBuf>,
    pub notice: String,
    pub rows: usize,
}

/// A day as YYYY-MM-DD.
pub fn parse_day(s: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").with_context(|| {
        format!(
            "“{}” is not a date: write it as YYYY-MM-DD",
            clean(s.trim())
        )
    })
}

/// A person another record names, named no more (the record number stays).
fn person(p: &mut NamedRecord) {
    p.name = REMOVED.to_string();
}

fn redact_incident(r: &Redactor, i: &mut IncidentExport) {
    i.summary = r.text(&i.summary);
    i.place = r.text(&i.place);
    i.close_reason = r.text(&i.close_reason);
    for p in &mut i.offenders {
        person(p);
    }
}

fn redact_register(r: &Redactor, o: &mut RegisterExport) {
    o.name = REMOVED.to_string();
    o.aliases.clear();
    o.nicknames.clear();
    o.description = r.text(&o.description);
    o.photo.clear();
    for e in &mut o.exclusions {
        e.reason = r.text(&e.reason);
    }
}

fn redact_sighting(r: &Redactor, s: &mut SightingExport) {
    if let Some(p) = &mut s.offender {
        person(p);
    }
    s.location = r.text(&s.location);
    s.description = r.text(&s.description);
    s.note = r.text(&s.note);
}

/// A CSV cell: no control characters, and nothing a spreadsheet would run
/// as a formula.
pub(super) fn cell(s: &str) -> String {
    let s = clean(s);
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.into_owned()
    }
}

pub(super) fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(super) fn when_opt(t: Option<DateTime<Utc>>) -> String {
    t.map(when).unwrap_or_default()
}

pub(super) fn csv_bytes<R>(
    header: &[&str],
    rows: &[R],
    row: impl Fn(&R) -> Vec<String>,
) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(header)?;
    for r in rows {
        w.write_record(row(r))?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

fn incidents_csv(rows: &[IncidentExport]) -> anyhow::Result<Vec<u8>> {
    csv_bytes(
        &[
            "id",
            "opened_at",
            "closed_at",
            "kind",
            "priority",
            "status",
            "zone",
            "member",
            "place",
            "summary",
            "police_ref",
            "loss_pence",
            "recovery_pence",
            "close_reason",
            "source",
            "offender_ids",
            "offenders",
        ],
        rows,
        |i| {
            vec![
                i.id.to_string(),
                when(i.opened_at),
                when_opt(i.closed_at),
                cell(&i.kind),
                i.priority.to_string(),
                cell(&i.status),
                cell(&i.zone),
                cell(&i.member),
                cell(&i.place),
                cell(&i.summary),
                cell(&i.police_ref),
                i.loss_pence.to_string(),
                i.recovery_pence.to_string(),
                cell(&i.close_reason),
                cell(&i.source),
                i.offenders
                    .iter()
                    .map(|p| p.id.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
                cell(
                    &i.offenders
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ]
        },
    )
}

fn register_csv(rows: &[RegisterExport]) -> anyhow::Result<Vec<u8>> {
    csv_bytes(
        &[
            "id",
            "kind",
            "name",
            "aliases",
            "nicknames",
            "description",
            "markers",
            "status",
            "created_at",
            "photo",
            "incidents_in_period",
            "sightings_in_period",
            "exclusions",
        ],
        rows,
        |o| {
            let exclusions: Vec<String> = o
                .exclusions
                .iter()
                .map(|e| {
                    let mut s = format!(
                        "{} ({}) {} to {}",
                        e.stage,
                        e.zones,
                        e.starts_at.format("%Y-%m-%d"),
                        e.ends_at.format("%Y-%m-%d")
                    );
                    if let Some(l) = e.lifted_at {
                        s.push_str(&format!(", lifted {}", l.format("%Y-%m-%d")));
                    }
                    s
                })
                .collect();
            vec![
                o.id.to_string(),
                cell(&o.kind),
                cell(&o.name),
                cell(&o.aliases.join("; ")),
                cell(&o.nicknames.join("; ")),
                cell(&o.description),
                cell(&o.markers.join("; ")),
                cell(&o.status),
                when(o.created_at),
                cell(&o.photo),
                o.incidents_in_period.to_string(),
                o.sightings_in_period.to_string(),
                cell(&exclusions.join("; ")),
            ]
        },
    )
}

fn sightings_csv(rows: &[SightingExport]) -> anyhow::Result<Vec<u8>> {
    csv_bytes(
        &[
            "id",
            "at",
            "camera",
            "zone",
            "location",
            "offender_id",
            "offender",
            "description",
            "note",
            "incident_id",
        ],
        rows,
        |s| {
            vec![
                s.id.to_string(),
                when(s.at),
                cell(&s.camera),
                cell(&s.zone),
                cell(&s.location),
                s.offender
                    .as_ref()
                    .map(|p| p.id.to_string())
                    .unwrap_or_default(),
                cell(s.offender.as_ref().map_or("", |p| p.name.as_str())),
                cell(&s.description),
                cell(&s.note),
                s.incident_id.map(|i| i.to_string()).unwrap_or_default(),
            ]
        },
    )
}

#[derive(Serialize)]
struct Period {
    from: NaiveDate,
    to: NaiveDate,
    time_zone: String,
}

#[derive(Serialize)]
struct JsonExport<'a, T: Serialize> {
    notice: &'a str,
    contents: &'static str,
    period: Period,
    prepared_at: String,
    prepared_by: &'a str,
    why: &'a str,
    redacted: bool,
    count: usize,
    rows: &'a [T],
}

pub(super) fn json_bytes<T: Serialize>(
    req: &ExportRequest,
    notice: &str,
    why: &str,
    by: &str,
    now: DateTime<Utc>,
    rows: &[T],
) -> anyhow::Result<Vec<u8>> {
    let doc = JsonExport {
        notice,
        contents: req.kind.code(),
        period: Period {
            from: req.from,
            to: req.to,
            time_zone: req.tz.name().to_string(),
        },
        prepared_at: when(now),
        prepared_by: by,
        why,
        redacted: req.redact,
        count: rows.len(),
        rows,
    };
    let mut bytes = serde_json::to_vec_pretty(&doc)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// What the file contains, in words, for the file itself or its companion.
pub(super) fn notice(
    req: &ExportRequest,
    rows: usize,
    why: &str,
    by: &str,
    now: DateTime<Utc>,
) -> String {
    let redaction = if req.redact {
        format!(
            "Names redacted: the names, aliases and nicknames of everyone on the register are replaced \
             by {REMOVED} wherever they appear, free text included; aliases, nicknames and photos are left out. \
             Record numbers are kept, so rows about one person can be counted together. A name written \
             another way (a first name alone, a misspelling) is not caught: read the free text before sharing."
        )
    } else {
        req.kind.unredacted().to_string()
    };
    format!(
        "watchroom export of {what}: {contents}. Period {from} to {to} inclusive ({tz}); {times}. \
         {rows} {unit}(s). Prepared {at} by {by}, for: {why}. {redaction} It holds criminal-offence data \
         (Data Protection Act 2018): keep it secure, share it only with those entitled to it, and delete \
         it when it is no longer needed. The export is recorded in the audit trail.",
        what = req.kind.code(),
        contents = req.kind.contents(),
        times = req.kind.times(),
        unit = req.kind.unit(),
        from = req.from,
        to = req.to,
        tz = req.tz.name(),
        at = now.format("%Y-%m-%d %H:%M UTC"),
    )
}

/// The period's bounds as instants: from the start of `from` to the start
/// of the day after `to`, in the scheme's time zone.
fn bounds(req: &ExportRequest) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |d: NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0).expect("midnight");
        req.tz
            .from_local_datetime(&midnight)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| midnight.and_utc())
    };
    (start(req.from), start(req.to + Duration::days(1)))
}

fn default_path(req: &ExportRequest) -> PathBuf {
    if req.kind == ExportKind::NetLog {
        return PathBuf::from(format!(
            "net-log-{}{}.pdf",
            req.from,
            if req.redact { "-redacted" } else { "" }
        ));
    }
    PathBuf::from(format!(
        "{}-{}-to-{}{}.{}",
        req.kind.code(),
        req.from,
        req.to,
        if req.redact { "-redacted" } else { "" },
        req.format.code()
    ))
}

/// What an export's body is made with, once the request is checked.
pub(super) struct Making<'a> {
    pub req: &'a ExportRequest,
    pub redactor: Option<&'a Redactor>,
    /// The reason as the file gives it (redacted with the file).
    pub why: &'a str,
    pub by: &'a str,
    pub now: DateTime<Utc>,
    /// The period's bounds.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// An export's body, how many it holds and what else it counts (for the
/// audit record), and the notice saying what it holds.
pub(super) struct Made {
    pub rows: usize,
    pub extra: String,
    pub body: Vec<u8>,
    pub notice: String,
}

/// A table in the format asked for; a PDF of a table was refused before.
pub(super) fn table(
    format: ExportFormat,
    csv: impl FnOnce() -> anyhow::Result<Vec<u8>>,
    json: impl FnOnce() -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<Vec<u8>> {
    match format {
        ExportFormat::Csv => csv(),
        ExportFormat::Json => json(),
        ExportFormat::Pdf => anyhow::bail!("a table is exported as csv or json"),
    }
}

/// Where a CSV file's notice goes: `incidents.csv` → `incidents.notice.txt`.
pub fn notice_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    path.with_file_name(format!("{stem}.notice.txt"))
}

/// Export what the request asks for: read, redact if asked, write under a
/// temporary name, audit, then put the file(s) in place. If the audit
/// cannot be written, no file is left.
pub fn run_export(
    store: &mut Store,
    req: &ExportRequest,
    operator: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<ExportOutcome> {
    let why = tidy_input(&req.why);
    if why.is_empty() {
        anyhow::bail!(
            "say why the export is made (--why \"…\"); it is recorded in the audit trail"
        );
    }
    req.kind.check(req.format, req.from, req.to)?;
    let path = req.out.clone().unwrap_or_else(|| default_path(req));
    if path.is_dir() {
        anyhow::bail!(
            "{} is a folder: give a file name with --out",
            path.display()
        );
    }
    let by = store
        .operators()?
        .into_iter()
        .find(|o| o.id == operator)
        .map(|o| o.name)
        .unwrap_or_else(|| format!("operator #{operator}"));
    let (from, to) = bounds(req);
    let redactor = req
        .redact
        .then(|| store.register_names())
        .transpose()?
        .map(|n| Redactor::new(&n));
    // the reason is the manager's own words, and may name someone
    let why_shown = match &redactor {
        Some(r) => r.text(&why),
        None => why.clone(),
    };

    let (rows, extra, body) = match req.kind {
        ExportKind::Incidents => {
            let mut rows = store.export_incidents(from, to)?;
            if let Some(r) = &redactor {
                rows.iter_mut().for_each(|i| redact_incident(r, i));
            }
            let named = rows.iter().filter(|i| !i.offenders.is_empty()).count();
            let notice = notice(req, rows.len(), &why_shown, &by, now);
            let body = table(
                req.format,
                || incidents_csv(&rows),
                || json_bytes(req, &notice, &why_shown, &by, now, &rows),
            )?;
            (
                rows.len(),
                format!("{named} naming someone"),
                (body, notice),
            )
        }
        ExportKind::Register => {
            let mut rows = store.export_register(from, to)?;
            if let Some(r) = &redactor {
                rows.iter_mut().for_each(|o| redact_register(r, o));
            }
            let exclusions: usize = rows.iter().map(|o| o.exclusions.len()).sum();
            let notice = notice(req, rows.len(), &why_shown, &by, now);
            let body = table(
                req.format,
                || register_csv(&rows),
                || json_bytes(req, &notice, &why_shown, &by, now, &rows),
            )?;
            (
                rows.len(),
                format!("{exclusions} exclusions"),
                (body, notice),
            )
        }
        ExportKind::Sightings => {
            let mut rows = store.export_sightings(from, to)?;
            if let Some(r) = &redactor {
                rows.iter_mut().for_each(|s| redact_sighting(r, s));
            }
            let named = rows.iter().filter(|s| s.offender.is_some()).count();
            let notice = notice(req, rows.len(), &why_shown, &by, now);
            let body = table(
                req.format,
                || sightings_csv(&rows),
                || json_bytes(req, &notice, &why_shown, &by, now, &rows),
            )?;
            (
                rows.len(),
                format!("{named} of someone on the register"),
                (body, notice),
            )
        }
        ExportKind::RadioLog
        | ExportKind::RollCalls
        | ExportKind::NetLog
        | ExportKind::Evidence => {
            let making = Making {
                req,
                redactor: redactor.as_ref(),
                why: &why_shown,
                by: &by,
                now,
                from,
                to,
            };
            let made = match req.kind {
                ExportKind::RadioLog => super::radio_export::radio_log(store, &making)?,
                ExportKind::RollCalls => super::radio_export::roll_calls(store, &making)?,
                ExportKind::Evidence => super::evidence_export::evidence(store, &making)?,
                _ => super::net_log::net_log(store, &making)?,
            };
            (made.rows, made.extra, (made.body, made.notice))
        }
    };
    let (body, notice) = body;

    let temp = super::files::write_temp(&path, &body)?;
    let companion = match req.format {
        ExportFormat::Csv => {
            let np = notice_path(&path);
            match super::files::write_temp(&np, format!("{notice}\n").as_bytes()) {
                Ok(t) => Some((t, np)),
                Err(e) => {
                    let _ = std::fs::remove_file(&temp);
                    return Err(e);
                }
            }
        }
        ExportFormat::Json | ExportFormat::Pdf => None,
    };
    let detail = format!(
        "{rows} {}s ({extra}), {} to {}, {}{}",
        req.kind.unit(),
        req.from,
        req.to,
        req.format.code(),
        if req.redact { ", redacted" } else { "" }
    );
    let discard = |temp: &Path, companion: &Option<(PathBuf, PathBuf)>| {
        let _ = std::fs::remove_file(temp);
        if let Some((t, _)) = companion {
            let _ = std::fs::remove_file(t);
        }
    };
    if let Err(e) = store.record_export(req.kind.code(), &why, &detail, operator, now) {
        discard(&temp, &companion);
        return Err(e.into());
    }
    if let Some((t, np)) = &companion {
        if let Err(e) = std::fs::rename(t, np) {
            discard(&temp, &companion);
            return Err(e).with_context(|| format!("cannot write {}", np.display()));
        }
    }
    if let Err(e) = std::fs::rename(&temp, &path) {
        discard(&temp, &None);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(ExportOutcome {
        path,
        notice_path: companion.map(|(_, np)| np),
        notice,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_never_start_a_formula() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("High Street"), "High Street");
    }

    #[test]
    fn a_csv_notice_sits_beside_its_file() {
        assert_eq!(
            notice_path(Path::new("/tmp/out/incidents.csv")),
            PathBuf::from("/tmp/out/incidents.notice.txt")
        );
    }

    #[test]
    fn the_period_is_whole_days_in_the_schemes_time_zone() {
        let req = ExportRequest {
            kind: ExportKind::Incidents,
            from: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 7, 31).unwrap(),
            tz: chrono_tz::Europe::London,
            format: ExportFormat::Csv,
            why: "x".into(),
            redact: false,
            out: None,
            scheme: String::new(),
        };
        let (from, to) = bounds(&req);
        // British Summer Time: local midnight is 23:00 UTC the day before
        assert_eq!(when(from), "2026-06-30T23:00:00Z");
        assert_eq!(when(to), "2026-07-31T23:00:00Z");
    }
}
