//! Noticing other consoles' commits: `PRAGMA data_version` on a connection of
//! our own that never writes changes only when another connection commits.
//! The same poll looks at whether the store's files are still at their paths
//! (see [`super::files`]), so a console notices a deleted or replaced store
//! without waiting for a write.

use super::{Gone, Store, StoreKey};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
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

impl Store {
    /// `PRAGMA data_version` on the store's own connection: it changes only
    /// when another connection commits, never for this one's own writes, so
    /// a console can tell the others' commits from its own.
    pub fn data_version(&self) -> rusqlite::Result<i64> {
        self.conn()
            .query_row("PRAGMA data_version", [], |r| r.get(0))
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
}

/// Poll on a thread of its own until `on` returns false: other connections'
/// commits, and whether the store's files are still at their paths.
pub fn spawn(
    store: &Store,
    every: Duration,
    mut on: impl FnMut(Notice) -> bool + Send + 'static,
) -> rusqlite::Result<std::thread::JoinHandle<()>> {
    let mut w = ChangeWatcher::open(store.path())?;
    let files = store.files().clone();
    Ok(std::thread::Builder::new()
        .name("store-watch".into())
        .spawn(move || {
            // the paths as last reported, once the files have gone
            let mut reported: Option<Option<Gone>> = None;
            loop {
                std::thread::sleep(every);
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
                match w.changed() {
                    Ok(true) => {
                        if !on(Notice::Changed) {
                            return;
                        }
                    }
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "store watch failed"),
                }
            }
        })
        .expect("spawn store watcher"))
}
