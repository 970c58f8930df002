//! Noticing other consoles' commits: `PRAGMA data_version` on a connection of
//! our own that never writes changes only when another connection commits.

use super::StoreKey;
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

/// Poll on a thread of its own until `on_change` returns false.
pub fn spawn(
    path: &Path,
    every: Duration,
    mut on_change: impl FnMut() -> bool + Send + 'static,
) -> rusqlite::Result<std::thread::JoinHandle<()>> {
    let mut w = ChangeWatcher::open(path)?;
    Ok(std::thread::Builder::new()
        .name("store-watch".into())
        .spawn(move || loop {
            std::thread::sleep(every);
            match w.changed() {
                Ok(true) => {
                    if !on_change() {
                        return;
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "store watch failed"),
            }
        })
        .expect("spawn store watcher"))
}
