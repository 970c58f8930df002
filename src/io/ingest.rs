//! Ingest: JSON lines from other systems — radio gateway sign-ons and
//! sign-offs, alarm activations, incidents — read from standard input or a
//! Unix socket, checked line by line and written in batches.
//!
//! A line is parsed and checked here, on the thread that reads it; what only
//! the store can answer (is there such a radio, member, zone; was this
//! reference seen before) is checked by `store::ingest` as the batch is
//! written. A bad line is reported as `line N: reason` and skipped; it never
//! stops the ingest or costs the lines around it.
//!
//! Batches: a batch opens with the first line waiting and closes at
//! [`BATCH_LINES`] lines, [`BATCH_WAIT`] after it opened, or when no line has
//! come for [`BATCH_GAP`], whichever comes first: a lone line is written at
//! once and reaches the consoles at their next poll, while a stream is
//! written a thousand lines to a transaction.

use crate::domain::text::{clean, tidy_input};
use crate::domain::{Clock, Priority};
use crate::store::ingest::{IngestEvent, IngestIncident, MemberRef, Outcome, RadioEvent};
use crate::store::{Operator, Store};
use anyhow::Context as _;
use chrono::{DateTime, Duration as Span, Utc};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest line read, in bytes; a longer one is skipped and reported.
pub const MAX_LINE: usize = 16 * 1024;
/// The most lines written in one transaction.
pub const BATCH_LINES: usize = 1_000;
/// The longest a line waits for others to share its transaction.
pub const BATCH_WAIT: Duration = Duration::from_millis(50);
/// A pause this long in the lines arriving closes the batch early: a lone
/// line is not kept waiting for company that is not coming.
pub const BATCH_GAP: Duration = Duration::from_millis(5);
/// How far ahead of this host's clock an event's time may be (clocks drift).
pub const MAX_AHEAD_MINUTES: i64 = 5;
/// The most socket clients connected at once.
pub const MAX_CLIENTS: usize = 64;
/// Rejections kept to send back to one socket client (all go to stderr).
const MAX_REPLY_PROBLEMS: usize = 100;

/// Text limits, in characters (after tidying).
const MAX_TYPE: usize = 40;
const MAX_ALARM: usize = 40;
const MAX_CALL_SIGN: usize = 16;
const MAX_NAME: usize = 120;
const MAX_LOCATION: usize = 200;
const MAX_SUMMARY: usize = 500;
const MAX_REF: usize = 64;
const MAX_SOURCE: usize = 40;

/// What a line is checked against besides the store.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The scheme's incident types (config `incident_types`): an incident
    /// line's `type` must be one of them.
    pub incident_types: Vec<String>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            incident_types: crate::domain::incident::DEFAULT_TYPES
                .iter()
                .map(|t| t.to_string())
                .collect(),
        }
    }
}

/// Every field any kind of line may carry; which belong to which kind is
/// checked after. Values are taken as they come so a wrong type can be
/// named by its field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    kind: Option<Value>,
    call_sign: Option<Value>,
    event: Option<Value>,
    member: Option<Value>,
    member_id: Option<Value>,
    zone: Option<Value>,
    alarm: Option<Value>,
    #[serde(rename = "type")]
    incident_type: Option<Value>,
    priority: Option<Value>,
    location: Option<Value>,
    summary: Option<Value>,
    #[serde(rename = "ref")]
    reference: Option<Value>,
    source: Option<Value>,
    at: Option<Value>,
}

impl RawLine {
    /// The fields present, by name, in the order of the schema.
    fn present(&self) -> Vec<&'static str> {
        let all: [(&'static str, bool); 14] = [
            ("kind", self.kind.is_some()),
            ("call_sign", self.call_sign.is_some()),
            ("event", self.event.is_some()),
            ("member", self.member.is_some()),
            ("member_id", self.member_id.is_some()),
            ("zone", self.zone.is_some()),
            ("alarm", self.alarm.is_some()),
            ("type", self.incident_type.is_some()),
            ("priority", self.priority.is_some()),
            ("location", self.location.is_some()),
            ("summary", self.summary.is_some()),
            ("ref", self.reference.is_some()),
            ("source", self.source.is_some()),
            ("at", self.at.is_some()),
        ];
        all.into_iter()
            .filter(|(_, p)| *p)
            .map(|(n, _)| n)
            .collect()
    }
}

const RADIO_FIELDS: &[&str] = &["kind", "call_sign", "event", "at"];
const ALARM_FIELDS: &[&str] = &[
    "kind",
    "member",
    "member_id",
    "zone",
    "alarm",
    "priority",
    "location",
    "summary",
    "ref",
    "source",
    "at",
];
const INCIDENT_FIELDS: &[&str] = &[
    "kind",
    "type",
    "priority",
    "member",
    "member_id",
    "zone",
    "location",
    "summary",
    "ref",
    "source",
    "at",
];

/// A text field: a JSON string, tidied (whitespace folded, control
/// characters and escape sequences removed), within `max` characters.
/// Empty after tidying counts as absent.
fn text(field: &str, v: Option<&Value>, max: usize) -> Result<Option<String>, String> {
    let Some(v) = v else { return Ok(None) };
    let Value::String(s) = v else {
        return Err(format!("\"{field}\" must be text"));
    };
    let t = tidy_input(s);
    if t.chars().count() > max {
        return Err(format!("\"{field}\" is longer than {max} characters"));
    }
    Ok((!t.is_empty()).then_some(t))
}

fn required(field: &str, v: Option<&Value>, max: usize) -> Result<String, String> {
    text(field, v, max)?.ok_or_else(|| format!("missing \"{field}\""))
}

fn priority(v: Option<&Value>, default: Priority) -> Result<Priority, String> {
    let Some(v) = v else { return Ok(default) };
    v.as_i64()
        .and_then(Priority::from_number)
        .ok_or_else(|| "\"priority\" must be a whole number from 1 (urgent) to 4 (low)".to_string())
}

fn time(v: Option<&Value>, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let Some(v) = v else { return Ok(now) };
    let bad =
        || "\"at\" is not a time: give RFC 3339 with a zone, e.g. 2026-11-27T18:02:00Z".to_string();
    let Value::String(s) = v else {
        return Err(bad());
    };
    let at = DateTime::parse_from_rfc3339(s.trim())
        .map_err(|_| bad())?
        .with_timezone(&Utc);
    if at > now + Span::minutes(MAX_AHEAD_MINUTES) {
        return Err(format!(
            "\"at\" is in the future (more than {MAX_AHEAD_MINUTES} minutes ahead of this host's clock)"
        ));
    }
    // nothing the scheme keeps is that old: a clock that lost its date
    if at.timestamp() < 946_684_800 {
        return Err("\"at\" is before 2000: check the sender's clock".into());
    }
    Ok(at)
}

/// The member a line names: `member_id` or `member` (not both).
fn member(raw: &RawLine) -> Result<Option<MemberRef>, String> {
    match (&raw.member_id, &raw.member) {
        (Some(_), Some(_)) => Err("give \"member\" or \"member_id\", not both".into()),
        (Some(v), None) => v
            .as_i64()
            .filter(|id| *id > 0)
            .map(|id| Some(MemberRef::Id(id)))
            .ok_or_else(|| "\"member_id\" must be a whole number".into()),
        (None, m) => Ok(text("member", m.as_ref(), MAX_NAME)?.map(MemberRef::Name)),
    }
}

/// serde's words for a line it could not read, without its position (a line
/// is one line) and without the list of every field it knows.
fn serde_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let msg = e.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            format!("not JSON ({msg} at column {})", e.column())
        }
        Category::Data => {
            if msg.starts_with("invalid type") {
                "not a JSON object".into()
            } else if let Some(rest) = msg.strip_prefix("unknown field `") {
                let name = rest.split('`').next().unwrap_or_default();
                format!("unknown field \"{}\"", clean(name))
            } else if let Some(rest) = msg.strip_prefix("duplicate field `") {
                let name = rest.split('`').next().unwrap_or_default();
                format!("\"{name}\" is given twice")
            } else {
                clean(&msg).into_owned()
            }
        }
    }
}

/// Parse and check one line (without its newline). `now` is when it was
/// read: the event's time when it gives none, and the limit of the future.
pub fn parse_line(line: &[u8], now: DateTime<Utc>, rules: &Rules) -> Result<IngestEvent, String> {
    let line = std::str::from_utf8(line).map_err(|e| {
        format!(
            "not UTF-8 text (a bad byte at column {})",
            e.valid_up_to() + 1
        )
    })?;
    // serde would also read a struct from an array of its fields in order
    if !line.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(line) {
            Ok(_) => "not a JSON object".into(),
            Err(e) => serde_reason(&e),
        });
    }
    let raw: RawLine = serde_json::from_str(line).map_err(|e| serde_reason(&e))?;
    let kind = match &raw.kind {
        None => return Err("missing \"kind\" (radio, alarm or incident)".into()),
        Some(Value::String(k)) => k.trim().to_lowercase(),
        Some(_) => return Err("\"kind\" must be text: radio, alarm or incident".into()),
    };
    let allowed = match kind.as_str() {
        "radio" => RADIO_FIELDS,
        "alarm" => ALARM_FIELDS,
        "incident" => INCIDENT_FIELDS,
        other => {
            return Err(format!(
                "unknown kind “{}” (radio, alarm or incident)",
                tidy_input(other)
            ))
        }
    };
    if let Some(stray) = raw.present().into_iter().find(|f| !allowed.contains(f)) {
        return Err(format!(
            "\"{stray}\" does not belong on a{} {kind} line",
            if kind == "alarm" || kind == "incident" {
                "n"
            } else {
                ""
            }
        ));
    }
    let at = time(raw.at.as_ref(), now)?;
    match kind.as_str() {
        "radio" => {
            let call_sign = required("call_sign", raw.call_sign.as_ref(), MAX_CALL_SIGN)?;
            let signing_on = match text("event", raw.event.as_ref(), 20)?.as_deref() {
                Some("sign_on") => true,
                Some("sign_off") => false,
                Some(other) => {
                    return Err(format!("unknown event “{other}” (sign_on or sign_off)"))
                }
                None => return Err("missing \"event\" (sign_on or sign_off)".into()),
            };
            Ok(IngestEvent::Radio(RadioEvent {
                call_sign: call_sign.to_uppercase(),
                signing_on,
                at,
            }))
        }
        "alarm" => {
            let member = member(&raw)?.ok_or_else(|| {
                "missing \"member\" (or \"member_id\"): where the alarm went off".to_string()
            })?;
            let alarm = required("alarm", raw.alarm.as_ref(), MAX_ALARM)?;
            let what = if alarm.to_lowercase().ends_with("alarm") {
                format!("{alarm} activated")
            } else {
                format!("{alarm} alarm activated")
            };
            let summary = match text("summary", raw.summary.as_ref(), MAX_SUMMARY)? {
                Some(s) => format!("{what}: {s}"),
                None => what,
            };
            if summary.chars().count() > MAX_SUMMARY {
                return Err(format!(
                    "\"summary\" is longer than {MAX_SUMMARY} characters with the alarm's words"
                ));
            }
            Ok(IngestEvent::Incident(IngestIncident {
                kind: "alarm".into(),
                // an alarm tops every console's board unless the sender says otherwise
                priority: priority(raw.priority.as_ref(), Priority::Urgent)?,
                member: Some(member),
                zone: text("zone", raw.zone.as_ref(), MAX_NAME)?,
                location: text("location", raw.location.as_ref(), MAX_LOCATION)?
                    .unwrap_or_default(),
                summary,
                at,
                source: text("source", raw.source.as_ref(), MAX_SOURCE)?,
                reference: text("ref", raw.reference.as_ref(), MAX_REF)?,
            }))
        }
        _ => {
            let given = required("type", raw.incident_type.as_ref(), MAX_TYPE)?;
            let kind = rules
                .incident_types
                .iter()
                .find(|t| t.eq_ignore_ascii_case(&given))
                .cloned()
                .ok_or_else(|| {
                    format!(
                        "unknown type “{given}” ({})",
                        rules.incident_types.join(", ")
                    )
                })?;
            Ok(IngestEvent::Incident(IngestIncident {
                kind,
                priority: priority(raw.priority.as_ref(), Priority::Medium)?,
                member: member(&raw)?,
                zone: text("zone", raw.zone.as_ref(), MAX_NAME)?,
                location: text("location", raw.location.as_ref(), MAX_LOCATION)?
                    .unwrap_or_default(),
                summary: required("summary", raw.summary.as_ref(), MAX_SUMMARY)?,
                at,
                source: text("source", raw.source.as_ref(), MAX_SOURCE)?,
                reference: text("ref", raw.reference.as_ref(), MAX_REF)?,
            }))
        }
    }
}

/// How many lines came to what.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub accepted: u64,
    pub duplicates: u64,
    pub rejected: u64,
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{} accepted, {}, {} rejected",
            self.accepted,
            s(self.duplicates, "duplicate", "duplicates"),
            self.rejected
        )
    }
}

/// What one client is told when it has sent its last line.
#[derive(Debug, Clone, Default)]
pub struct ClientReport {
    pub tally: Tally,
    /// `line N: reason`, the first [`MAX_REPLY_PROBLEMS`] of them.
    pub problems: Vec<String>,
    pub more_problems: u64,
}

/// From a reader to the writer.
enum Msg {
    Line {
        client: u64,
        line: u64,
        parsed: Result<IngestEvent, String>,
    },
    /// The client's lines have all been sent: reply once they are written.
    End {
        client: u64,
        reply: mpsc::Sender<ClientReport>,
    },
    /// Write what came before and stop: a signal, or the input failed.
    Stop { by_signal: bool },
}

/// Read one line of at most [`MAX_LINE`] bytes into `buf`, without its
/// newline (or carriage return). `None` at the end of the input; `Some(false)`
/// for a line too long, read to its end and dropped.
fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    buf.clear();
    let mut fits = true;
    let mut any = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(any.then_some(fits));
        }
        any = true;
        let (part, used, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (&avail[..i], i + 1, true),
            None => (avail, avail.len(), false),
        };
        if fits && buf.len() + part.len() <= MAX_LINE {
            buf.extend_from_slice(part);
        } else {
            fits = false;
            buf.clear();
        }
        r.consume(used);
        if done {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(Some(fits));
        }
    }
}

/// Read, parse and pass on every line of `input` as client `client`; then
/// the end, with where to send the client's report. Stops early (quietly)
/// when the writer has gone.
fn read_lines(
    input: &mut impl BufRead,
    client: u64,
    clock: &dyn Clock,
    rules: &Rules,
    to_writer: &SyncSender<Msg>,
) -> std::io::Result<Option<Receiver<ClientReport>>> {
    let mut buf = Vec::with_capacity(1024);
    let mut line = 0u64;
    loop {
        let got = read_line(input, &mut buf)?;
        let Some(fits) = got else { break };
        line += 1;
        let mut bytes = &buf[..];
        if line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let parsed = if !fits {
            Err(format!("longer than {MAX_LINE} bytes"))
        } else if bytes.iter().all(u8::is_ascii_whitespace) {
            // a blank line is no event and no mistake
            continue;
        } else {
            parse_line(bytes, clock.now(), rules)
        };
        if to_writer
            .send(Msg::Line {
                client,
                line,
                parsed,
            })
            .is_err()
        {
            return Ok(None);
        }
    }
    let (reply, report) = mpsc::channel();
    if to_writer.send(Msg::End { client, reply }).is_err() {
        return Ok(None);
    }
    Ok(Some(report))
}

/// The one thread that writes: batches lines into transactions and reports
/// what became of each.
struct Writer<W: Write> {
    store: Store,
    operator: Operator,
    clock: Arc<dyn Clock>,
    err: W,
    /// Whether lines are named with their client (a socket) or not (stdin).
    name_clients: bool,
    clients: HashMap<u64, ClientReport>,
    total: Tally,
    /// The last line handled (standard input's numbering).
    last_line: u64,
    /// Set by a `Stop`: whether a signal sent it.
    stopped: Option<bool>,
}

/// The lines of a failed batch and why: nothing of them was written.
#[derive(Debug)]
pub struct Fatal {
    pub why: String,
    pub tally: Tally,
}

impl<W: Write> Writer<W> {
    fn report(&mut self, client: u64, line: u64, why: &str) {
        let why = clean(why);
        let said = if self.name_clients {
            format!("client {client} line {line}: {why}")
        } else {
            format!("line {line}: {why}")
        };
        let _ = writeln!(self.err, "{said}");
        let c = self.clients.entry(client).or_default();
        if c.problems.len() < MAX_REPLY_PROBLEMS {
            c.problems.push(format!("line {line}: {why}"));
        } else {
            c.more_problems += 1;
        }
    }

    fn count(&mut self, client: u64, f: impl Fn(&mut Tally)) {
        f(&mut self.total);
        f(&mut self.clients.entry(client).or_default().tally);
    }

    /// Write one batch; a busy store is waited for (the batch is tried
    /// again: a failed transaction wrote nothing).
    fn write(&mut self, batch: Vec<Msg>) -> Result<(), Fatal> {
        let mut events = Vec::with_capacity(batch.len());
        for m in &batch {
            if let Msg::Line { parsed: Ok(ev), .. } = m {
                events.push(ev.clone());
            }
        }
        let outcomes = if events.is_empty() {
            vec![]
        } else {
            let started = Instant::now();
            loop {
                match self.store.ingest(&events, &self.operator, self.clock.now()) {
                    Ok(o) => break o,
                    Err(e) if Store::is_busy(&e) && started.elapsed() < Duration::from_secs(60) => {
                        std::thread::sleep(Duration::from_millis(200));
                    }
                    Err(e) => {
                        let first = batch.iter().find_map(|m| match m {
                            Msg::Line { client, line, .. } => Some((*client, *line)),
                            _ => None,
                        });
                        let from = match first {
                            Some((c, l)) if self.name_clients => format!("client {c} line {l}"),
                            Some((_, l)) => format!("line {l}"),
                            None => "the last batch".into(),
                        };
                        return Err(Fatal {
                            why: format!(
                                "the store failed ({e}); nothing from {from} on was written"
                            ),
                            tally: self.total,
                        });
                    }
                }
            }
        };
        let mut outcomes = outcomes.into_iter();
        if let Some(line) = batch.iter().rev().find_map(|m| match m {
            Msg::Line { line, .. } => Some(*line),
            _ => None,
        }) {
            self.last_line = self.last_line.max(line);
        }
        for m in batch {
            match m {
                Msg::Stop { by_signal } => self.stopped = Some(by_signal),
                Msg::Line {
                    client,
                    line,
                    parsed,
                } => match parsed {
                    Err(why) => {
                        self.report(client, line, &why);
                        self.count(client, |t| t.rejected += 1);
                    }
                    Ok(_) => match outcomes.next() {
                        Some(Outcome::Incident(_) | Outcome::RadioLog(_)) => {
                            self.count(client, |t| t.accepted += 1)
                        }
                        Some(Outcome::Duplicate(id)) => {
                            self.count(client, |t| t.duplicates += 1);
                            tracing::info!(client, line, incident = id, "duplicate reference");
                        }
                        Some(Outcome::Rejected(why)) => {
                            self.report(client, line, &why);
                            self.count(client, |t| t.rejected += 1);
                        }
                        None => unreachable!("one outcome per event"),
                    },
                },
                Msg::End { client, reply } => {
                    let report = self.clients.remove(&client).unwrap_or_default();
                    if self.name_clients {
                        let _ = writeln!(self.err, "client {client}: {}", report.tally);
                    }
                    let _ = reply.send(report);
                }
            }
        }
        let _ = self.err.flush();
        Ok(())
    }

    /// Batch and write everything that arrives until every reader has gone
    /// (a socket), standard input has ended, or a `Stop` came.
    fn run(mut self, rx: Receiver<Msg>) -> Result<Self, Fatal> {
        while let Ok(first) = rx.recv() {
            let deadline = Instant::now() + BATCH_WAIT;
            let ends = |m: &Msg| matches!(m, Msg::End { .. } | Msg::Stop { .. });
            let mut ended = ends(&first);
            let mut batch = vec![first];
            // an ended client is answered at once: it waits for nothing more
            while !ended && batch.len() < BATCH_LINES {
                // lines that keep coming share the batch; a pause ends it
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left.min(BATCH_GAP)) {
                    Ok(m) => {
                        ended = ends(&m);
                        batch.push(m);
                    }
                    Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
                }
            }
            let input_ended = !self.name_clients && batch.iter().any(ends);
            self.write(batch)?;
            if input_ended || self.stopped.is_some() {
                break;
            }
        }
        Ok(self)
    }
}

/// Ingest every line of `input` (standard input, a file, bytes in memory)
/// and return the tally once it is all written (and the run audited). Bad
/// lines go to `err` as `line N: reason`; an error is returned only when the
/// store failed (what was written before stays; the message says from which
/// line nothing was) or the input could not be read.
pub fn ingest_stream<R, W>(
    store: Store,
    operator: Operator,
    input: R,
    rules: Rules,
    clock: Arc<dyn Clock>,
    err: W,
) -> anyhow::Result<Tally>
where
    R: BufRead + Send + 'static,
    W: Write,
{
    stream(store, operator, input, rules, clock, err, false).map(|(tally, _)| tally)
}

/// As [`ingest_stream`]; with `signals`, SIGINT, SIGTERM or SIGHUP stops the
/// reading: what came before is written, and the last line handled returned
/// (a second signal ends the process at once).
fn stream<R, W>(
    store: Store,
    operator: Operator,
    input: R,
    rules: Rules,
    clock: Arc<dyn Clock>,
    err: W,
    signals: bool,
) -> anyhow::Result<(Tally, Option<u64>)>
where
    R: BufRead + Send + 'static,
    W: Write,
{
    let (tx, rx) = mpsc::sync_channel::<Msg>(4 * BATCH_LINES);
    if signals {
        stop_on_signal(tx.clone())?;
    }
    let (operator_id, clock_end) = (operator.id, Arc::clone(&clock));
    let reader = {
        let clock = Arc::clone(&clock);
        std::thread::Builder::new()
            .name("ingest-read".into())
            .spawn(move || {
                let mut input = input;
                let read = read_lines(&mut input, 0, &*clock, &rules, &tx).map(|_| ());
                if read.is_err() {
                    // the writer would otherwise wait for an end that never comes
                    let _ = tx.send(Msg::Stop { by_signal: false });
                }
                read
            })
            .context("cannot start the reader")?
    };
    let writer = Writer {
        store,
        operator,
        clock,
        err,
        name_clients: false,
        clients: HashMap::new(),
        total: Tally::default(),
        last_line: 0,
        stopped: None,
    };
    let written = writer
        .run(rx)
        .map_err(|f| anyhow::anyhow!("{} (before that: {})", f.why, f.tally))?;
    let by_signal = written.stopped == Some(true);
    let (tally, last_line, mut store) = (written.total, written.last_line, written.store);
    // a reader stopped by a signal may be waiting on its input: left to the exit
    let read = if by_signal {
        Ok(())
    } else {
        reader
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the reader stopped unexpectedly")))
    };
    store.record_ingest_run(
        operator_id,
        tally.accepted,
        tally.duplicates,
        tally.rejected,
        clock_end.now(),
    )?;
    read.with_context(|| format!("the input could not be read to its end ({tally} before that)"))?;
    Ok((tally, by_signal.then_some(last_line)))
}

/// On SIGINT, SIGTERM or SIGHUP, tell the writer to stop; on a second, end
/// the process at once.
fn stop_on_signal(tx: SyncSender<Msg>) -> anyhow::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // installed before the first line is read, so no signal finds the default
    let (mut term, mut int, mut hup) = runtime.block_on(async {
        Ok::<_, std::io::Error>((
            signal(SignalKind::terminate())?,
            signal(SignalKind::interrupt())?,
            signal(SignalKind::hangup())?,
        ))
    })?;
    std::thread::Builder::new()
        .name("ingest-signals".into())
        .spawn(move || {
            runtime.block_on(async {
                for second in [false, true] {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                        _ = hup.recv() => {}
                    }
                    if second {
                        eprintln!("ingest: stopped at once; the batch being written was not");
                        std::process::exit(130);
                    }
                    let _ = tx.send(Msg::Stop { by_signal: true });
                }
            })
        })
        .context("cannot start the signal watcher")?;
    Ok(())
}

/// A listening socket, removed when dropped (the ingest stopping).
struct SocketFile {
    path: PathBuf,
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Bind `path` readable and writable by its owner only. A socket a running
/// ingest listens on is refused; one left by an ingest that died is replaced;
/// anything else at that path is left alone.
fn bind(path: &Path) -> anyhow::Result<(std::os::unix::net::UnixListener, SocketFile)> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    use std::os::unix::net::{UnixListener, UnixStream};
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            anyhow::bail!(
                "{} exists and is not a socket; it was left alone: choose another path",
                path.display()
            );
        }
        match UnixStream::connect(path) {
            Ok(_) => anyhow::bail!(
                "{} is in use: another ingest is listening there",
                path.display()
            ),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                std::fs::remove_file(path).with_context(|| {
                    format!("cannot remove the stale socket {}", path.display())
                })?;
                eprintln!("removed a stale socket at {}", path.display());
            }
            Err(e) => anyhow::bail!("{} is in use or cannot be checked ({e})", path.display()),
        }
    }
    // created owner-only from the first instant, not narrowed after
    // SAFETY: umask only swaps the process's file-creation mask
    let old = unsafe { libc::umask(0o177) };
    let bound = UnixListener::bind(path);
    unsafe { libc::umask(old) };
    let listener = bound.with_context(|| format!("cannot listen on {}", path.display()))?;
    let file = SocketFile {
        path: path.to_path_buf(),
    };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot make {} private", path.display()))?;
    Ok((listener, file))
}

/// Serve one socket client: read its lines, then send back what became of
/// them (`line N: reason` for each bad one, then the tally) and close.
fn serve_client(
    stream: std::os::unix::net::UnixStream,
    client: u64,
    clock: &dyn Clock,
    rules: &Rules,
    to_writer: &SyncSender<Msg>,
) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut input = std::io::BufReader::with_capacity(64 * 1024, read_half);
    let report = match read_lines(&mut input, client, clock, rules, to_writer) {
        Ok(Some(r)) => r.recv().ok(),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(client, error = %e, "socket client read failed");
            None
        }
    };
    let mut out = std::io::BufWriter::new(&stream);
    if let Some(r) = report {
        for p in &r.problems {
            let _ = writeln!(out, "{p}");
        }
        if r.more_problems > 0 {
            let _ = writeln!(out, "… and {} more rejected lines", r.more_problems);
        }
        let _ = writeln!(out, "{}", r.tally);
    }
    let _ = out.flush();
    drop(out);
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// Listen on a Unix socket at `path` for any number of clients at once
/// (up to [`MAX_CLIENTS`]), each sending JSON lines, until SIGINT, SIGTERM or SIGHUP;
/// then stop reading, write what was received, remove the socket and return
/// the tally. Lines are numbered per client.
pub fn ingest_socket(
    store: Store,
    operator: Operator,
    path: &Path,
    rules: Rules,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Tally> {
    let (listener, socket_file) = bind(path)?;
    listener.set_nonblocking(true)?;
    let (tx, rx) = mpsc::sync_channel::<Msg>(4 * BATCH_LINES);
    let writer = {
        let clock = Arc::clone(&clock);
        let w = Writer {
            store,
            operator: operator.clone(),
            clock,
            err: std::io::stderr(),
            name_clients: true,
            clients: HashMap::new(),
            total: Tally::default(),
            last_line: 0,
            stopped: None,
        };
        std::thread::Builder::new()
            .name("ingest-write".into())
            .spawn(move || w.run(rx))
            .context("cannot start the writer")?
    };
    eprintln!(
        "listening on {} (JSON lines; stop with Ctrl-C or SIGTERM)",
        path.display()
    );
    let rules = Arc::new(rules);
    // every open client, so stopping can close them
    let open: Arc<Mutex<HashMap<u64, std::os::unix::net::UnixStream>>> = Arc::default();
    let mut threads: Vec<std::thread::JoinHandle<()>> = vec![];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let served: anyhow::Result<()> = runtime.block_on(async {
        use tokio::signal::unix::{signal, SignalKind};
        let listener = tokio::net::UnixListener::from_std(listener)?;
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let mut hup = signal(SignalKind::hangup())?;
        let mut next = 0u64;
        loop {
            tokio::select! {
                _ = term.recv() => break,
                _ = int.recv() => break,
                _ = hup.recv() => break,
                accepted = listener.accept() => {
                    let (stream, _) = match accepted {
                        Ok(s) => s,
                        Err(e) => {
                            tracing::warn!(error = %e, "accept failed");
                            continue;
                        }
                    };
                    let stream = stream.into_std()?;
                    stream.set_nonblocking(false)?;
                    threads.retain(|t| !t.is_finished());
                    if threads.len() >= MAX_CLIENTS {
                        let mut s = &stream;
                        let _ = writeln!(s, "refused: {MAX_CLIENTS} clients are already connected");
                        continue;
                    }
                    next += 1;
                    let client = next;
                    if let Ok(c) = stream.try_clone() {
                        open.lock().unwrap_or_else(|e| e.into_inner()).insert(client, c);
                    }
                    let (clock, rules, tx, open) =
                        (Arc::clone(&clock), Arc::clone(&rules), tx.clone(), Arc::clone(&open));
                    threads.push(
                        std::thread::Builder::new()
                            .name(format!("ingest-client-{client}"))
                            .spawn(move || {
                                serve_client(stream, client, &*clock, &rules, &tx);
                                open.lock().unwrap_or_else(|e| e.into_inner()).remove(&client);
                            })?,
                    );
                }
            }
        }
        Ok(())
    });
    // no new clients; those connected are read to where they are and answered
    drop(socket_file);
    for (_, s) in open.lock().unwrap_or_else(|e| e.into_inner()).drain() {
        let _ = s.shutdown(std::net::Shutdown::Read);
    }
    for t in threads {
        let _ = t.join();
    }
    drop(tx);
    let written = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the writer stopped unexpectedly"))?;
    served?;
    let written = written.map_err(|f| anyhow::anyhow!("{} (before that: {})", f.why, f.tally))?;
    let (tally, mut store) = (written.total, written.store);
    store.record_ingest_run(
        operator.id,
        tally.accepted,
        tally.duplicates,
        tally.rejected,
        clock.now(),
    )?;
    Ok(tally)
}

/// `watchroom ingest`: open the store, take the account, then read standard
/// input to its end (or serve the socket until stopped) and say how it went.
pub fn run(
    db: &Path,
    account: Option<&str>,
    socket: Option<&Path>,
    rules: Rules,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<()> {
    let mut store = Store::open(db)?;
    let account = account.unwrap_or(crate::store::ingest::DEFAULT_ACCOUNT);
    let operator = store.ingest_account(account, clock.now())?;
    let tally = match socket {
        Some(path) => ingest_socket(store, operator, path, rules, clock)?,
        None => {
            use std::io::IsTerminal;
            if std::io::stdin().is_terminal() {
                eprintln!("reading JSON lines from standard input; Ctrl-D ends");
            }
            let input = std::io::BufReader::with_capacity(64 * 1024, std::io::stdin());
            let (tally, stopped) = stream(
                store,
                operator,
                input,
                rules,
                clock,
                std::io::stderr(),
                true,
            )?;
            if let Some(line) = stopped {
                eprintln!(
                    "ingest: stopped by a signal after line {line}; lines after it were not written (send them again: a line with a ref is never doubled)"
                );
            }
            tally
        }
    };
    eprintln!("ingest: {tally}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-27T12:00:00Z".parse().unwrap()
    }

    fn parse(s: &str) -> Result<IngestEvent, String> {
        parse_line(s.as_bytes(), now(), &Rules::default())
    }

    #[test]
    fn a_radio_line_is_a_sign_on_at_its_time() {
        let ev = parse(
            r#"{"kind":"radio","call_sign":"hs03","event":"sign_on","at":"2026-11-27T11:02:00Z"}"#,
        )
        .unwrap();
        assert_eq!(
            ev,
            IngestEvent::Radio(RadioEvent {
                call_sign: "HS03".into(),
                signing_on: true,
                at: "2026-11-27T11:02:00Z".parse().unwrap(),
            })
        );
    }

    #[test]
    fn an_alarm_is_an_urgent_incident_of_type_alarm() {
        let IngestEvent::Incident(i) =
            parse(r#"{"kind":"alarm","member":"Greggs","alarm":"panic","ref":"ALM-1"}"#).unwrap()
        else {
            panic!("an incident")
        };
        assert_eq!(i.kind, "alarm");
        assert_eq!(i.priority, Priority::Urgent);
        assert_eq!(i.summary, "panic alarm activated");
        assert_eq!(i.member, Some(MemberRef::Name("Greggs".into())));
        assert_eq!(i.at, now());
        assert_eq!(i.reference.as_deref(), Some("ALM-1"));
    }

    #[test]
    fn each_bad_line_says_why() {
        let cases = [
            ("not json", "not JSON"),
            ("[1,2]", "not a JSON object"),
            (
                r#"["radio","HS01","sign_on",null,null,null,null,null,null,null,null,null,null,null]"#,
                "not a JSON object",
            ),
            ("42", "not a JSON object"),
            (r#"{"call_sign":"HS01"}"#, "missing \"kind\""),
            (r#"{"kind":"weather"}"#, "unknown kind “weather”"),
            (
                r#"{"kind":"radio","event":"sign_on"}"#,
                "missing \"call_sign\"",
            ),
            (
                r#"{"kind":"radio","call_sign":"HS01","event":"dance"}"#,
                "unknown event “dance”",
            ),
            (
                r#"{"kind":"radio","call_sign":"HS01","event":"sign_on","summary":"x"}"#,
                "\"summary\" does not belong on a radio line",
            ),
            (
                r#"{"kind":"incident","type":"theft","sumary":"x"}"#,
                "unknown field \"sumary\"",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":"x","summary":"y"}"#,
                "\"summary\" is given twice",
            ),
            (
                r#"{"kind":"incident","type":"burglary","summary":"x"}"#,
                "unknown type “burglary”",
            ),
            (
                r#"{"kind":"incident","type":"theft"}"#,
                "missing \"summary\"",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":"x","priority":7}"#,
                "\"priority\" must be a whole number",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":"x","priority":"1"}"#,
                "\"priority\" must be a whole number",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":"x","at":"yesterday"}"#,
                "\"at\" is not a time",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":"x","at":"2026-11-27T13:00:00Z"}"#,
                "\"at\" is in the future",
            ),
            (r#"{"kind":"alarm","alarm":"panic"}"#, "missing \"member\""),
            (
                r#"{"kind":"alarm","member":"Greggs","member_id":2,"alarm":"panic"}"#,
                "not both",
            ),
            (
                r#"{"kind":"incident","type":"theft","summary":3}"#,
                "\"summary\" must be text",
            ),
        ];
        for (line, want) in cases {
            let why = parse(line).expect_err(line);
            assert!(why.contains(want), "{line}: {why}");
        }
        let long = format!(
            r#"{{"kind":"incident","type":"theft","summary":"{}"}}"#,
            "x".repeat(501)
        );
        assert!(parse(&long).unwrap_err().contains("longer than 500"));
        let bad_utf8 = b"{\"kind\":\"radio\",\"call_sign\":\"HS\xff\"}";
        assert!(parse_line(bad_utf8, now(), &Rules::default())
            .unwrap_err()
            .contains("not UTF-8"));
    }

    #[test]
    fn escape_sequences_in_text_are_never_kept() {
        let IngestEvent::Incident(i) = parse(
            r#"{"kind":"incident","type":"THEFT","summary":"two \u001b[2J men\u0007","location":"\u001b]0;x\u0007door"}"#,
        )
        .unwrap() else {
            panic!("an incident")
        };
        assert_eq!(i.kind, "theft", "the scheme's own spelling of the type");
        assert!(!i.summary.chars().any(char::is_control), "{:?}", i.summary);
        assert!(
            !i.location.chars().any(char::is_control),
            "{:?}",
            i.location
        );
        assert_eq!(i.summary, "two [2J men");
    }

    #[test]
    fn lines_are_read_bounded_and_without_their_endings() {
        let long = "y".repeat(MAX_LINE + 10);
        let input = format!("a\r\n{long}\nb\nlast");
        let mut r = std::io::BufReader::with_capacity(64, input.as_bytes());
        let mut buf = vec![];
        let mut got = vec![];
        while let Some(fits) = read_line(&mut r, &mut buf).unwrap() {
            got.push((fits, String::from_utf8(buf.clone()).unwrap()));
        }
        assert_eq!(
            got,
            vec![
                (true, "a".to_string()),
                (false, String::new()),
                (true, "b".to_string()),
                (true, "last".to_string())
            ]
        );
    }
}
