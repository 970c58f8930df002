//! The key of an encrypted store. Builds with the `encryption` feature use
//! SQLCipher, which encrypts every page of the store and its write-ahead log;
//! without the key the file is noise.

use super::{Result, StoreError};
use rusqlite::Connection;
use std::path::Path;
use std::sync::OnceLock;

/// Whether this build can encrypt (the `encryption` feature).
pub const ENCRYPTION: bool = cfg!(feature = "encryption");

/// A passphrase. Its `Debug` shows nothing, so it cannot reach a log by accident.
#[derive(Clone)]
pub struct StoreKey(String);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

impl StoreKey {
    pub fn new(passphrase: impl Into<String>) -> Result<StoreKey> {
        let passphrase = passphrase.into();
        if passphrase.is_empty() {
            return Err(StoreError::Invalid("the store key is empty".into()));
        }
        Ok(StoreKey(passphrase))
    }

    /// Read the passphrase from a file; the newline an editor leaves at the end is not part of it.
    pub fn from_file(path: &Path) -> Result<StoreKey> {
        let text = std::fs::read_to_string(path).map_err(|e| StoreError::KeyFile {
            path: path.into(),
            reason: e.to_string(),
        })?;
        let passphrase = text.trim_end_matches(['\r', '\n']);
        if passphrase.is_empty() {
            return Err(StoreError::KeyFile {
                path: path.into(),
                reason: "it is empty".into(),
            });
        }
        Ok(StoreKey(passphrase.to_string()))
    }
}

static START_KEY: OnceLock<StoreKey> = OnceLock::new();

/// Give the key once, at start: `Store::open` and the change watcher then use
/// it for every connection they open. Refused in a build without encryption,
/// and if a key was already given.
pub fn use_key(key: StoreKey) -> Result<()> {
    if !ENCRYPTION {
        return Err(StoreError::NoEncryption);
    }
    START_KEY
        .set(key)
        .map_err(|_| StoreError::Invalid("a store key was already given".into()))
}

/// The key given at start, if any.
pub fn start_key() -> Option<&'static StoreKey> {
    START_KEY.get()
}

/// Unlock a connection just opened: SQLCipher needs the key before the
/// first read of the file.
pub(crate) fn unlock(conn: &Connection, key: Option<&StoreKey>) -> rusqlite::Result<()> {
    let Some(key) = key else { return Ok(()) };
    if !ENCRYPTION {
        // plain SQLite ignores an unknown pragma, which would leave the
        // store readable by anyone while the operator believes it encrypted
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISUSE),
            Some(StoreError::NoEncryption.to_string()),
        ));
    }
    // SQLCipher writes its own errors to stderr, over the console's screen;
    // a wrong key is reported in the store's own words instead
    conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
    // pragma_update quotes the passphrase as an SQL string literal
    conn.pragma_update(None, "key", &key.0)
}

#[cfg(all(test, not(feature = "encryption")))]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_key_in_a_build_without_encryption_is_refused_before_the_file_is_made() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let key = StoreKey::new("s3cret").unwrap();
        let err = Store::open_with_key(&path, Some(&key)).err().unwrap();
        assert!(matches!(err, StoreError::NoEncryption), "{err:?}");
        assert!(
            err.to_string()
                .contains("this build has no encryption; rebuild with --features encryption"),
            "{err}"
        );
        assert!(!path.exists());
        assert!(matches!(use_key(key), Err(StoreError::NoEncryption)));
        assert!(start_key().is_none());
    }
}
