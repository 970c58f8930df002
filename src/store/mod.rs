//! The store: one SQLite file shared by every console on the host.
//! Every write runs in a transaction that also appends its audit record.

pub mod audit;
pub mod backup;
pub mod demo;
pub mod documents;
pub mod evidence;
pub mod exclusions;
pub mod exports;
pub mod files;
pub mod find;
pub mod folders;
pub mod governance;
pub mod history;
pub mod imports;
pub mod incidents;
pub mod ingest;
pub mod key;
pub mod members;
pub mod meta;
pub mod offenders;
pub mod operators;
pub mod photos;
pub mod places;
pub mod privacy;
pub mod radio_exports;
pub mod radio_health;
pub mod radio_log;
pub mod radios;
pub mod report;
pub mod rollcalls;
mod schema;
pub mod search;
pub mod shifts;
pub mod sightings;
pub mod versions;
pub mod watch;
mod words;

pub use audit::AuditRecord;
pub use files::{Gone, StoreFiles};
pub use incidents::{Anchor, BoardKey, BoardRow};
pub use key::{StoreKey, ENCRYPTION};
pub use operators::Operator;
pub use schema::LATEST as SCHEMA_VERSION;
pub use versions::{Record, Stale};

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OpenFlags, Transaction};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not a watchroom store (not an SQLite database); it was left as it was")]
    NotADatabase { path: PathBuf },
    #[error("{path} was written by a newer watchroom (schema {found}, this one knows up to {supported}); it was not touched — use the newer version")]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{path} is encrypted and the key is wrong or missing (give the key file with WATCHROOM_KEY_FILE or --key-file)")]
    KeyWrongOrMissing { path: PathBuf },
    #[error("{path} is not encrypted, but a key was given; open it without the key")]
    NotEncrypted { path: PathBuf },
    #[error("a store key was given, but this build has no encryption; rebuild with --features encryption")]
    NoEncryption,
    #[error("cannot read the key file {path}: {reason}")]
    KeyFile { path: PathBuf, reason: String },
    #[error("[audit] key_file {path} is refused: {reason}")]
    AuditKeyFile { path: PathBuf, reason: String },
    #[error("the audit trail of {path} is keyed: give its key with [audit] key_file in the config; nothing was saved or checked without it")]
    AuditKeyed { path: PathBuf },
    #[error("the audit trail of {path} is not keyed, but [audit] key_file gives a key: a trail is keyed from its first record, so if this store was never keyed, take key_file out of its config; if it was keyed, its trail has been rewritten without the key")]
    AuditNotKeyed { path: PathBuf },
    #[error("cannot open {path}: {reason}")]
    CannotOpen { path: PathBuf, reason: String },
    #[error("{path} cannot be written ({reason}); nothing was changed")]
    ReadOnly { path: PathBuf, reason: String },
    /// A save on a copy of a record that another write has moved on from
    /// (see [`versions`]): what, who and when, the time on the scheme's
    /// clock in [`StoreError::describe`] (in UTC here, for logs and the shell).
    #[error("{0}")]
    Stale(versions::Stale),
    /// A roll-call step another console got to first (see
    /// [`rollcalls::RollCallClash`]); its time, in UTC here, is on the scheme's
    /// clock in [`StoreError::describe`].
    #[error("{0}")]
    RollCallClash(rollcalls::RollCallClash),
    #[error("{path} is a scheme's own store, not the demo town's: `demo` never opens it, and it was left as it was (open it with `watchroom --db {path}`)")]
    NotDemo { path: PathBuf },
    /// The store file (or its log, or the log's index) is no longer at its
    /// path: nothing is written into a file nobody will open again.
    #[error("{0} while watchroom had it open; nothing was saved — {advice}", advice = .0.advice())]
    Gone(Gone),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("store error: {0}")]
    Sql(#[from] rusqlite::Error),
}

impl StoreError {
    /// The error as the console says it: a time in it on the scheme's clock.
    pub fn describe(&self, tz: chrono_tz::Tz) -> String {
        match self {
            StoreError::Stale(s) => s.describe(tz),
            StoreError::RollCallClash(c) => c.describe(tz),
            other => other.to_string(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The files opened, to refuse writing once their paths name others.
    files: StoreFiles,
    /// The audit trail's key (`[audit] key_file`), if one was given.
    audit_key: Option<audit::AuditKey>,
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What the first bytes of the store file say it is.
#[derive(Debug, PartialEq)]
enum Header {
    /// Missing or empty: a store nobody has written yet.
    New,
    /// A plain SQLite database.
    Plain,
    /// Whole pages starting with binary bytes (SQLCipher's random salt):
    /// most likely an encrypted store.
    Encrypted,
}

/// Refuse, before SQLite touches it, a file that is not an SQLite database
/// (nor, in a build with encryption, an encrypted one).
fn check_header(path: &Path) -> Result<Header> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Header::New),
        Err(e) => {
            return Err(StoreError::CannotOpen {
                path: path.into(),
                reason: e.to_string(),
            });
        }
    };
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(StoreError::CannotOpen {
            path: path.into(),
            reason: "it is a directory".into(),
        });
    }
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < 16 {
        match f.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => {
                return Err(StoreError::CannotOpen {
                    path: path.into(),
                    reason: e.to_string(),
                })
            }
        }
    }
    // An empty file is a database nobody has written yet.
    if read == 0 {
        return Ok(Header::New);
    }
    if read == 16 && &head == SQLITE_MAGIC {
        return Ok(Header::Plain);
    }
    // SQLite's smallest page is 512 bytes; text never starts with 16 bytes of
    // which none is binary, while a random salt almost never does
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let text = |b: &u8| matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r');
    if ENCRYPTION && read == 16 && len % 512 == 0 && !head.iter().all(text) {
        Ok(Header::Encrypted)
    } else {
        Err(StoreError::NotADatabase { path: path.into() })
    }
}

/// Create the file readable by its owner only, before SQLite does (its WAL and
/// shared-memory files take the same permissions).
fn create_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if path.exists() {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(StoreError::CannotOpen {
                path: path.into(),
                reason: format!("the folder {} does not exist", dir.display()),
            });
        }
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map(|_| ())
        .or_else(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Ok(()),
            std::io::ErrorKind::PermissionDenied => Err(StoreError::ReadOnly {
                path: path.into(),
                reason: e.to_string(),
            }),
            _ => Err(StoreError::CannotOpen {
                path: path.into(),
                reason: e.to_string(),
            }),
        })
}

/// `fragment` anywhere, as a LIKE pattern (with `ESCAPE '\\'`): its own
/// `%`, `_` and `\\` stand for themselves.
pub(crate) fn like_anywhere(fragment: &str) -> String {
    let escaped = fragment
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub(crate) fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub(crate) fn from_ts(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(s, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A day as the store keeps it (`YYYY-MM-DD`); anything else is no day.
pub(crate) fn stored_day(s: Option<String>) -> Option<chrono::NaiveDate> {
    s.and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

impl Store {
    /// Open (creating if need be) the store at `path`, applying any migrations,
    /// with the key given at start ([`key::use_key`]) if there was one.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Store::open_with_key(path, key::start_key())
    }

    /// Open the store with this key (none: a plain store). A new store
    /// opened with a key is created encrypted.
    pub fn open_with_key(path: impl AsRef<Path>, key: Option<&StoreKey>) -> Result<Store> {
        Store::open_with_keys(path, key, audit::key::start_key())
    }

    /// Open the store whose audit trail is keyed with `audit_key` (none: an
    /// unkeyed trail), with the store key given at start.
    pub fn open_with_audit_key(
        path: impl AsRef<Path>,
        audit_key: Option<&audit::AuditKey>,
    ) -> Result<Store> {
        Store::open_with_keys(path, key::start_key(), audit_key)
    }

    fn open_with_keys(
        path: impl AsRef<Path>,
        key: Option<&StoreKey>,
        audit_key: Option<&audit::AuditKey>,
    ) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        if key.is_some() && !ENCRYPTION {
            return Err(StoreError::NoEncryption);
        }
        let header = check_header(&path)?;
        match (&header, key) {
            (Header::Encrypted, None) => return Err(StoreError::KeyWrongOrMissing { path }),
            // SQLCipher would only say "not a database"
            (Header::Plain, Some(_)) => return Err(StoreError::NotEncrypted { path }),
            _ => {}
        }
        create_private(&path)?;
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| classify(&path, e))?;
        // the file SQLite has just opened, before anything is written to it
        let mut files = StoreFiles::remember(&path).map_err(|e| StoreError::CannotOpen {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        key::unlock(&conn, key).map_err(|e| classify(&path, e))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // Read the version before anything writes: a newer store is never touched.
        // It is also the first read, where SQLCipher finds a wrong key, or a
        // missing one when the file is still empty and the pages are in its
        // write-ahead log; only a plain header means the file itself is bad.
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| match classify(&path, e) {
                StoreError::NotADatabase { path } if ENCRYPTION && header != Header::Plain => {
                    StoreError::KeyWrongOrMissing { path }
                }
                other => other,
            })?;
        if found > schema::LATEST {
            return Err(StoreError::TooNew {
                path,
                found,
                supported: schema::LATEST,
            });
        }
        // SQLite quietly falls back to read-only for a write-protected file:
        // say so now rather than at the first save
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(StoreError::ReadOnly {
                path,
                reason: "the file is write-protected".into(),
            });
        }
        let mut store = Store {
            conn,
            path,
            files: files.clone(),
            audit_key: audit_key.cloned(),
        };
        store.configure()?;
        store.migrate(found)?;
        if audit_key.is_some() {
            let path = store.path.clone();
            store.write(|tx| audit::key::settle(tx, &path))?;
        }
        // the full-text index's vocabulary, for typed words (see words.rs)
        store.conn.execute_batch(words::VOCABULARY)?;
        audit::seal_unchained(&mut store)?;
        store.settle_kind()?;
        // the log and its index exist once the store has been read in WAL mode
        if let Some(opened) = store.conn.path().filter(|p| !p.is_empty()) {
            files.remember_companions(Path::new(opened));
        }
        store.files = files;
        Ok(store)
    }

    fn configure(&self) -> Result<()> {
        // Switching to WAL needs a moment alone with the file; another console
        // opening it at the same instant can make SQLite answer busy at once,
        // without waiting, so wait here as the busy timeout would.
        let started = std::time::Instant::now();
        let mode: String = loop {
            match self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            {
                Ok(mode) => break mode,
                Err(rusqlite::Error::SqliteFailure(f, _))
                    if f.code == rusqlite::ErrorCode::DatabaseBusy
                        && started.elapsed() < Duration::from_secs(5) =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(classify(&self.path, e)),
            }
        };
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, "store is not in WAL mode");
        }
        self.conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;",
        )?;
        Ok(())
    }

    fn migrate(&mut self, found: i64) -> Result<()> {
        if found == schema::LATEST {
            return Ok(());
        }
        let path = self.path.clone();
        // Immediate, and the version read again inside: two consoles opening a
        // new store together must not both apply the same migration.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > schema::LATEST {
            return Err(StoreError::TooNew {
                path,
                found,
                supported: schema::LATEST,
            });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.execute_batch(sql).map_err(|e| classify(&path, e))?;
            tracing::info!(version = i + 1, "applied migration");
        }
        tx.pragma_update(None, "user_version", schema::LATEST)?;
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The store's files as opened; a clone shares what has been seen of
    /// them (for the change watcher).
    pub fn files(&self) -> &StoreFiles {
        &self.files
    }

    /// Whether the store file (or its log, or the log's index) has gone
    /// from its path since it was opened: deleted, moved or replaced. Once
    /// gone, every write is refused with [`StoreError::Gone`].
    pub fn file_gone(&self) -> Option<Gone> {
        self.files.gone()
    }

    pub(crate) fn refuse_if_gone(&self) -> Result<()> {
        match self.files.gone() {
            Some(gone) => Err(StoreError::Gone(gone)),
            None => Ok(()),
        }
    }

    /// Run `f` in one immediate transaction (so two consoles queue rather
    /// than fail). Refused, writing nothing, when the store's files have
    /// gone from their paths: looked at just before the commit (see
    /// [`files`]); once that is known, not even begun.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        if let Some(gone) = self.files.seen_gone() {
            return Err(StoreError::Gone(gone));
        }
        let path = self.path.clone();
        // the trail's key, for `audit::append`, which is handed only `tx`
        let _sealing = audit::key::sealing(self.audit_key.as_ref());
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        // A statement refused because the file cannot be written (or has gone
        // bad) says so in the operator's words, like a refused BEGIN or COMMIT.
        let out = f(&tx).map_err(|e| match e {
            StoreError::Sql(e) => classify(&path, e),
            other => other,
        })?;
        // one look per write, as late as it can be: a store gone by now (even
        // while `f` ran) is rolled back by dropping the transaction
        if let Some(gone) = self.files.gone() {
            return Err(StoreError::Gone(gone));
        }
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(out)
    }

    /// SQLite's count of commits by other connections, as this one has seen
    /// them: unchanged by this connection's own commits, so a console can
    /// tell its own writes from another's.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Turn SQLite's codes into messages an operator can act on.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::*;
    if let rusqlite::Error::SqliteFailure(f, ref msg) = e {
        let reason = msg.clone().unwrap_or_else(|| f.to_string());
        return match f.code {
            NotADatabase => StoreError::NotADatabase { path: path.into() },
            ReadOnly | PermissionDenied => StoreError::ReadOnly {
                path: path.into(),
                reason,
            },
            CannotOpen => StoreError::CannotOpen {
                path: path.into(),
                reason,
            },
            _ => StoreError::Sql(e),
        };
    }
    StoreError::Sql(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_store_is_migrated_private_and_in_wal_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        let mode: String = s
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = s
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let perm = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(perm, 0o600);
        drop(s);
        // opening again applies nothing and keeps the version
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "shopping list: milk, eggs\n").unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
        assert!(err.to_string().contains("not a watchroom store"));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "shopping list: milk, eggs\n"
        );
    }

    #[test]
    fn a_store_from_a_newer_version_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE x(a); PRAGMA user_version = 999;")
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(
            matches!(err, StoreError::TooNew { found: 999, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("newer watchroom"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(!dir.path().join("future.db-wal").exists());
    }

    #[test]
    fn a_missing_folder_gets_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Store::open(dir.path().join("nope/w.db")).err().unwrap();
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert!(!dir.path().join("nope").exists());
    }

    #[test]
    fn a_store_file_gone_while_a_write_runs_is_rolled_back_not_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let mut s = Store::open(&path).unwrap();
        let zones = |s: &Store| -> i64 {
            s.conn
                .query_row("SELECT COUNT(*) FROM zones", [], |r| r.get(0))
                .unwrap()
        };
        let before = zones(&s);
        let err = s
            .write(|tx| {
                tx.execute("INSERT INTO zones (name, code) VALUES ('Quay', 'QY')", [])?;
                std::fs::remove_file(&path).unwrap();
                Ok(())
            })
            .unwrap_err();
        assert!(matches!(err, StoreError::Gone(_)), "{err:?}");
        assert_eq!(zones(&s), before, "the insert was rolled back");
    }

    #[test]
    fn a_directory_is_not_a_store() {
        let dir = tempfile::tempdir().unwrap();
        let err = Store::open(dir.path()).err().unwrap();
        assert!(err.to_string().contains("directory"), "{err}");
    }
}
