//! The readers: standard input (or any stream) on a thread of its own, and
//! a Unix socket serving many clients at once, each line parsed where it is
//! read and passed to the writer.

use super::batch::{ClientReport, Msg, Tally, Writer, BATCH_LINES};
use super::parse::{parse_line, Rules};
use crate::domain::Clock;
use crate::store::{Operator, Store};
use anyhow::Context as _;
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

/// The longest line read, in bytes; a longer one is skipped and reported.
pub const MAX_LINE: usize = 16 * 1024;
/// The most socket clients connected at once.
pub const MAX_CLIENTS: usize = 64;

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
pub(super) fn stream<R, W>(
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
    let writer = Writer::new(store, operator, clock, err, false);
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
        let w = Writer::new(store, operator.clone(), clock, std::io::stderr(), true);
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

#[cfg(test)]
mod tests {
    use super::*;

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
