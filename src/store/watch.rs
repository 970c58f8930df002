//! Noticing other consoles' commits: `PRAGMA data_version` on a connection of
//! our own that never writes changes only when another connection commits.
//! The same look checks whether the store's files are still at their paths
//! (see [`super::files`]), so a console notices a deleted or replaced store
//! without waiting for a write.
//!
//! A look is made as soon as the file system says the store or its WAL was
//! written (inotify on Linux, through `notify`), and otherwise every poll
//! interval: the poll stays as the fallback where notifications are
//! unavailable (some network file systems never send them) and as a safety
//! net for one that is lost.

use super::{Gone, Store, StoreKey};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

pub struct ChangeWatcher {
    conn: Connection,
    last: i64,
}

impl ChangeWatcher {
    /// Watch the store at `path`, with the key given at start if there was one.
    pub fn open(path: &Path) -> rusqlite::Result<ChangeWatcher> {
        ChangeWatcher::open_with_key(path, super::key::start_key())
    }

    /// Watch an encrypted store: a connection of its own needs the key too.
    pub fn open_with_key(path: &Path, key: Option<&StoreKey>) -> rusqlite::Result<ChangeWatcher> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        super::key::unlock(&conn, key)?;
        conn.busy_timeout(Duration::from_secs(2))?;
        let last = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok(ChangeWatcher { conn, last })
    }

    /// True when any connection (our own console's included) has committed since the last call.
    pub fn changed(&mut self) -> rusqlite::Result<bool> {
        let now: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let changed = now != self.last;
        self.last = now;
        Ok(changed)
    }
}

/// What the watcher reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Another connection committed.
    Changed,
    /// The store's files have gone from their paths (said once): the store
    /// refuses every write from now on.
    Gone(Gone),
    /// After that, what the paths hold now, each time it changes: `None`
    /// when the files opened are back at their paths (writes stay refused).
    Since(Option<Gone>),
    /// Looking for other connections' commits failed (said once, until it
    /// works again): the screen may no longer follow other consoles.
    Failed(String),
    /// It works again after a failure.
    Resumed,
}

/// What one look for other connections' commits has to say: a failure once
/// (until a look works again), then that it works again and a reload, since
/// commits may have been missed meanwhile.
fn after_look(look: Result<bool, String>, failing: &mut bool) -> [Option<Notice>; 2] {
    match look {
        Ok(changed) => {
            let resumed = std::mem::take(failing).then_some(Notice::Resumed);
            let reload = (changed || resumed.is_some()).then_some(Notice::Changed);
            [resumed, reload]
        }
        Err(e) if !*failing => {
            tracing::warn!(error = %e, "store watch failed");
            *failing = true;
            [Some(Notice::Failed(e)), None]
        }
        Err(_) => [None, None],
    }
}

/// How a console is woken to look at the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchSettings {
    /// The longest a look waits when nothing wakes it.
    pub poll: Duration,
    /// Whether to ask the file system to say when the store is written.
    pub notify: bool,
}

/// What wakes a look, as the console's log says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waking {
    /// File-system notification, with the poll behind it.
    Notified { poll: Duration },
    /// The poll alone, and why.
    Polled { poll: Duration, why: String },
}

impl std::fmt::Display for Waking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Waking::Notified { poll } => write!(
                f,
                "woken by file-system notification of writes to the store, with a poll every {} ms as fallback",
                poll.as_millis()
            ),
            Waking::Polled { poll, why } => write!(
                f,
                "polling the store every {} ms ({why})",
                poll.as_millis()
            ),
        }
    }
}

/// The store's own files (the database, its WAL, shared memory and
/// journal) among the paths of an event.
fn is_store_file(path: &Path, store_name: &std::ffi::OsStr) -> bool {
    let (Some(name), Some(store)) = (
        path.file_name().and_then(|n| n.to_str()),
        store_name.to_str(),
    ) else {
        return false;
    };
    name == store
        || name
            .strip_prefix(store)
            .is_some_and(|rest| matches!(rest, "-wal" | "-shm" | "-journal"))
}

/// A write, a new file or a removal: not an open or a read, which every
/// console's own reload makes and which must not wake it again.
fn is_write(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    matches!(
        kind,
        EventKind::Modify(_)
            | EventKind::Create(_)
            | EventKind::Remove(_)
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    )
}

/// Ask the file system to say when the store's files are written: the
/// folder is watched, not the files, so a WAL made after the watch began
/// (or a store file replaced) is seen too.
fn file_events(path: &Path) -> notify::Result<(notify::RecommendedWatcher, mpsc::Receiver<()>)> {
    use notify::Watcher;
    let dir: PathBuf = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().unwrap_or_default().to_os_string();
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev {
            if is_write(&ev.kind) && ev.paths.iter().any(|p| is_store_file(p, &name)) {
                let _ = tx.send(());
            }
        }
    })?;
    watcher.watch(&dir, notify::RecursiveMode::NonRecursive)?;
    Ok((watcher, rx))
}

/// How long after a write that did not show as a commit to look again, and
/// again. The last write of a commit, to its WAL, comes a moment before the
/// commit is published in the WAL's index (shared memory, which sends no
/// event), so a look woken by that write can see the store as it was; with
/// nothing more to wake it, the commit would wait for the poll. The looks
/// thin out, up to half a second in all, for a writer held up mid-commit
/// on a busy host.
const LOOK_AGAIN: [Duration; 11] = [
    Duration::from_micros(100),
    Duration::from_micros(300),
    Duration::from_millis(1),
    Duration::from_millis(2),
    Duration::from_millis(4),
    Duration::from_millis(8),
    Duration::from_millis(16),
    Duration::from_millis(32),
    Duration::from_millis(64),
    Duration::from_millis(128),
    Duration::from_millis(256),
];

/// The looking thread, and what wakes it.
pub struct Watching {
    pub waking: Waking,
    pub thread: std::thread::JoinHandle<()>,
}

/// Look on a thread of its own until `on` returns false: other connections'
/// commits, and whether the store's files are still at their paths.
pub fn spawn(
    store: &Store,
    settings: WatchSettings,
    mut on: impl FnMut(Notice) -> bool + Send + 'static,
) -> rusqlite::Result<Watching> {
    let mut w = ChangeWatcher::open(store.path())?;
    let files = store.files().clone();
    let every = settings.poll;
    let (events, waking) = if settings.notify {
        match file_events(store.path()) {
            Ok(events) => (Some(events), Waking::Notified { poll: every }),
            Err(e) => (
                None,
                Waking::Polled {
                    poll: every,
                    why: format!("file-system notification is unavailable: {e}"),
                },
            ),
        }
    } else {
        (
            None,
            Waking::Polled {
                poll: every,
                why: "file-system notification is turned off in the config".into(),
            },
        )
    };
    let thread = std::thread::Builder::new()
        .name("store-watch".into())
        .spawn(move || {
            // kept for as long as the thread looks: dropping it ends the events
            let (_watcher, events) = match events {
                Some((w, rx)) => (Some(w), Some(rx)),
                None => (None, None),
            };
            // the paths as last reported, once the files have gone
            let mut reported: Option<Option<Gone>> = None;
            // a failure is said once, and again only after it has worked
            let mut failing = false;
            // after a write that did not show as a commit, how many of the
            // quick looks again have been made
            let mut again: Option<usize> = None;
            loop {
                let wait = again.map_or(every, |n| LOOK_AGAIN[n]);
                let woken = match &events {
                    Some(rx) => match rx.recv_timeout(wait) {
                        // a commit is several writes: one look for them all
                        Ok(()) => {
                            while rx.try_recv().is_ok() {}
                            true
                        }
                        Err(mpsc::RecvTimeoutError::Timeout) => false,
                        Err(mpsc::RecvTimeoutError::Disconnected) => {
                            std::thread::sleep(every);
                            false
                        }
                    },
                    None => {
                        std::thread::sleep(every);
                        false
                    }
                };
                let notice = match &reported {
                    None => files.gone().map(|gone| {
                        reported = Some(files.look());
                        Notice::Gone(gone)
                    }),
                    Some(last) => {
                        let now = files.look();
                        (&now != last).then(|| {
                            reported = Some(now.clone());
                            Notice::Since(now)
                        })
                    }
                };
                if let Some(notice) = notice {
                    if !on(notice) {
                        return;
                    }
                }
                let look = w.changed().map_err(|e| e.to_string());
                again = match (&look, woken, again) {
                    // the commit is seen, or the look failed and says so
                    (Ok(true), ..) | (Err(_), ..) => None,
                    (Ok(false), true, _) => Some(0),
                    (Ok(false), false, Some(n)) => (n + 1 < LOOK_AGAIN.len()).then_some(n + 1),
                    (Ok(false), false, None) => None,
                };
                let notices = after_look(look, &mut failing);
                for notice in notices.into_iter().flatten() {
                    if !on(notice) {
                        return;
                    }
                }
            }
        })
        .expect("spawn store watcher");
    Ok(Watching { waking, thread })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_stores_own_files_wake_a_look() {
        let name = std::ffi::OsStr::new("watchroom.db");
        for (path, wakes) in [
            ("/srv/wr/watchroom.db", true),
            ("/srv/wr/watchroom.db-wal", true),
            ("/srv/wr/watchroom.db-shm", true),
            ("/srv/wr/watchroom.db-journal", true),
            ("/srv/wr/watchroom.db.bak", false),
            ("/srv/wr/watchroom.log", false),
            ("/srv/wr/other.db-wal", false),
        ] {
            assert_eq!(is_store_file(Path::new(path), name), wakes, "{path}");
        }
    }

    #[test]
    fn a_commit_on_another_connection_is_told_without_waiting_for_the_poll() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let store = Store::open(&path).unwrap();
        let (tx, rx) = mpsc::channel();
        let settings = WatchSettings {
            poll: Duration::from_secs(3600),
            notify: true,
        };
        let waking = spawn(&store, settings, move |n| tx.send(n).is_ok())
            .unwrap()
            .waking;
        assert!(matches!(waking, Waking::Notified { .. }), "{waking}");
        let other = Connection::open(&path).unwrap();
        other
            .execute_batch("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        // an hour's poll: only the notification can bring it this soon
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(Notice::Changed));
    }

    /// The last write of a commit comes a moment before the commit can be
    /// read: a look woken by it alone would now and then miss the commit
    /// until the next one (or the poll), which is what the looks again are for.
    #[test]
    fn every_commit_is_told_not_only_most() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let store = Store::open(&path).unwrap();
        let (tx, rx) = mpsc::channel();
        let settings = WatchSettings {
            poll: Duration::from_secs(3600),
            notify: true,
        };
        let _watching = spawn(&store, settings, move |n| tx.send(n).is_ok()).unwrap();
        let other = Connection::open(&path).unwrap();
        other.execute_batch("CREATE TABLE t(x);").unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(Notice::Changed));
        let mut missed = vec![];
        for i in 0..300 {
            other.execute("INSERT INTO t VALUES (?1)", [i]).unwrap();
            if rx.recv_timeout(Duration::from_secs(2)).is_err() {
                missed.push(i);
            }
            while rx.try_recv().is_ok() {}
            std::thread::sleep(Duration::from_millis(2));
        }
        assert!(missed.is_empty(), "commits never told: {missed:?}");
    }

    fn said(looks: &[Result<bool, &str>]) -> Vec<Notice> {
        let mut failing = false;
        looks
            .iter()
            .flat_map(|l| after_look((*l).map_err(String::from), &mut failing))
            .flatten()
            .collect()
    }

    #[test]
    fn a_failure_is_said_once_and_its_end_reloads() {
        assert_eq!(
            said(&[
                Ok(false),
                Ok(true),
                Err("disk I/O error"),
                Err("disk I/O error"),
                Ok(false)
            ]),
            [
                Notice::Changed,
                Notice::Failed("disk I/O error".into()),
                Notice::Resumed,
                Notice::Changed
            ]
        );
    }
}
