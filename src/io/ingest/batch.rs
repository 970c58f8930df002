//! Batching: the one thread that writes, gathering lines into store
//! transactions and telling each client what became of its lines.

use crate::domain::text::clean;
use crate::domain::Clock;
use crate::store::ingest::{IngestEvent, Outcome};
use crate::store::{Operator, Store};
use std::collections::HashMap;
use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most lines written in one transaction.
pub const BATCH_LINES: usize = 1_000;
/// The longest a line waits for others to share its transaction.
pub const BATCH_WAIT: Duration = Duration::from_millis(50);
/// A pause this long in the lines arriving closes the batch early: a lone
/// line is not kept waiting for company that is not coming.
pub const BATCH_GAP: Duration = Duration::from_millis(5);
/// Rejections kept to send back to one socket client (all go to stderr).
const MAX_REPLY_PROBLEMS: usize = 100;

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
pub(super) enum Msg {
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

/// The one thread that writes: batches lines into transactions and reports
/// what became of each.
pub(super) struct Writer<W: Write> {
    pub store: Store,
    operator: Operator,
    clock: Arc<dyn Clock>,
    err: W,
    /// Whether lines are named with their client (a socket) or not (stdin).
    name_clients: bool,
    clients: HashMap<u64, ClientReport>,
    pub total: Tally,
    /// The last line handled (standard input's numbering).
    pub last_line: u64,
    /// Set by a `Stop`: whether a signal sent it.
    pub stopped: Option<bool>,
}

/// The lines of a failed batch and why: nothing of them was written.
#[derive(Debug)]
pub struct Fatal {
    pub why: String,
    pub tally: Tally,
}

impl<W: Write> Writer<W> {
    /// `name_clients`: lines are named with their client (a socket), not
    /// only by number (standard input).
    pub fn new(
        store: Store,
        operator: Operator,
        clock: Arc<dyn Clock>,
        err: W,
        name_clients: bool,
    ) -> Self {
        Writer {
            store,
            operator,
            clock,
            err,
            name_clients,
            clients: HashMap::new(),
            total: Tally::default(),
            last_line: 0,
            stopped: None,
        }
    }

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
    pub fn run(mut self, rx: Receiver<Msg>) -> Result<Self, Fatal> {
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
