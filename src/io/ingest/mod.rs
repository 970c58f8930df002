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
//!
//! `parse` turns a line into a typed record, `batch` writes them in
//! transactions, `socket` reads standard input or a Unix socket.

mod batch;
mod parse;
mod socket;

pub use batch::{ClientReport, Fatal, Tally, BATCH_GAP, BATCH_LINES, BATCH_WAIT};
pub use parse::{parse_line, Rules, MAX_AHEAD_MINUTES};
pub use socket::{ingest_socket, ingest_stream, MAX_CLIENTS, MAX_LINE};

use crate::domain::Clock;
use crate::store::Store;
use socket::stream;
use std::path::Path;
use std::sync::Arc;

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
