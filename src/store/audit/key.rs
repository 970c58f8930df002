//! The key of a keyed trail (`[audit] key_file`): each record's hash is then
//! an HMAC-SHA256 under a key kept off the store, so someone who can write
//! the file can no longer rewrite the chain and recompute its hashes.
//!
//! The store records only that its trail is keyed (`audit.seal` in
//! `store_meta`), never the key. A trail is keyed from its first record:
//! the flag is set when a store whose trail is still empty is opened with a
//! key. A trail begun without a key is never switched part-way — records
//! before the switch could still be rewritten by anyone, and the switch
//! itself would hide that — so a key given to such a store is refused.

use crate::store::{Result, StoreError};
use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension};
use sha2::Sha256;
use std::cell::RefCell;
use std::path::Path;
use std::sync::OnceLock;

/// What `audit.seal` holds for a keyed trail.
pub(crate) const KEYED: &str = "hmac-sha256";

/// The key, ready to seal with: an HMAC already fed the key (the key's
/// bytes themselves are not kept). Its `Debug` shows nothing.
#[derive(Clone)]
pub struct AuditKey {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    /// A key from its bytes (none is refused: an empty key is no secret).
    pub fn new(bytes: &[u8]) -> Result<AuditKey> {
        if bytes.is_empty() {
            return Err(StoreError::Invalid("the audit key is empty".into()));
        }
        let mac = Hmac::<Sha256>::new_from_slice(bytes)
            .map_err(|_| StoreError::Invalid("the audit key cannot be used".into()))?;
        Ok(AuditKey { mac })
    }

    /// Read the key from `[audit] key_file`: refused when missing, empty, or
    /// readable by anyone but its owner, each with what to do. The newline an
    /// editor leaves at the end is not part of it. Errors never hold the key.
    pub fn from_file(path: &Path) -> Result<AuditKey> {
        use std::os::unix::fs::PermissionsExt;
        let refused = |reason: String| StoreError::AuditKeyFile {
            path: path.into(),
            reason,
        };
        let meta = std::fs::metadata(path).map_err(|e| {
            refused(if e.kind() == std::io::ErrorKind::NotFound {
                "it does not exist — make one (e.g. `head -c 32 /dev/urandom | base64 > FILE; chmod 600 FILE`) and keep a copy off this machine".into()
            } else {
                format!("it cannot be read ({e})")
            })
        })?;
        if !meta.is_file() {
            return Err(refused("it is not a file".into()));
        }
        let mode = meta.permissions().mode();
        if mode & 0o044 != 0 {
            return Err(refused(format!(
                "others can read it (mode {:o}) — make it the owner's alone with `chmod 600`",
                mode & 0o777
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| refused(format!("it cannot be read ({e})")))?;
        let end = bytes
            .iter()
            .rposition(|b| !matches!(b, b'\r' | b'\n'))
            .map_or(0, |i| i + 1);
        if end == 0 {
            return Err(refused(
                "it is empty — put the key in it (e.g. `head -c 32 /dev/urandom | base64`)".into(),
            ));
        }
        AuditKey::new(&bytes[..end])
    }

    /// HMAC-SHA256 of `parts` in turn.
    pub(super) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut m = self.mac.clone();
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().into()
    }
}

static START_KEY: OnceLock<AuditKey> = OnceLock::new();

/// Give the key once, at start: `Store::open` then seals and verifies with it.
pub fn use_key(key: AuditKey) -> Result<()> {
    START_KEY
        .set(key)
        .map_err(|_| StoreError::Invalid("an audit key was already given".into()))
}

/// The key given at start, if any.
pub fn start_key() -> Option<&'static AuditKey> {
    START_KEY.get()
}

thread_local! {
    /// The key of the store whose write transaction runs on this thread:
    /// `append` is handed only the transaction, and a store's writes run
    /// their closure on the calling thread (see `Store::write`).
    static WRITING: RefCell<Option<AuditKey>> = const { RefCell::new(None) };
}

/// Hold `key` as the sealing key while the returned guard lives.
pub(crate) fn sealing(key: Option<&AuditKey>) -> SealingGuard {
    let before = WRITING.with(|w| w.replace(key.cloned()));
    SealingGuard { before }
}

pub(crate) struct SealingGuard {
    before: Option<AuditKey>,
}

impl Drop for SealingGuard {
    fn drop(&mut self) {
        let before = self.before.take();
        WRITING.with(|w| *w.borrow_mut() = before);
    }
}

/// The key the current write seals with, if one is held.
pub(super) fn writing_key() -> Option<AuditKey> {
    WRITING.with(|w| w.borrow().clone())
}

/// Whether the store says its trail is keyed.
pub(crate) fn is_keyed(conn: &Connection) -> Result<bool> {
    let v: Option<String> = conn
        .prepare_cached("SELECT value FROM store_meta WHERE key = 'audit.seal'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(v.as_deref() == Some(KEYED))
}

/// As a store opens with `key`: key a trail that is still empty, refuse a
/// trail begun without one. Inside the caller's write transaction, so two
/// consoles opening a new store together agree.
pub(crate) fn settle(tx: &rusqlite::Transaction, path: &Path) -> Result<()> {
    if is_keyed(tx)? {
        return Ok(());
    }
    let begun: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM audit) OR EXISTS(SELECT 1 FROM audit_anchor)",
        [],
        |r| r.get(0),
    )?;
    if begun {
        return Err(StoreError::AuditNotKeyed { path: path.into() });
    }
    tx.execute(
        "INSERT INTO store_meta (key, value) VALUES ('audit.seal', ?1)",
        [KEYED],
    )?;
    Ok(())
}

impl crate::store::Store {
    /// The key to verify this store's trail with: none for an unkeyed
    /// trail. Refused for a keyed trail without its key, and for a key given
    /// to a begun trail that says it is not keyed (never keyed, or rewritten
    /// and its flag removed).
    pub(crate) fn trail_key(&self) -> Result<Option<AuditKey>> {
        let path = || self.path().to_path_buf();
        match (is_keyed(self.conn())?, &self.audit_key) {
            (true, Some(k)) => Ok(Some(k.clone())),
            (true, None) => Err(StoreError::AuditKeyed { path: path() }),
            (false, None) => Ok(None),
            (false, Some(_)) => {
                let begun: bool = self.conn().query_row(
                    "SELECT EXISTS(SELECT 1 FROM audit) OR EXISTS(SELECT 1 FROM audit_anchor)",
                    [],
                    |r| r.get(0),
                )?;
                if begun {
                    Err(StoreError::AuditNotKeyed { path: path() })
                } else {
                    Ok(None)
                }
            }
        }
    }

    /// Whether this store's trail is keyed.
    pub fn audit_keyed(&self) -> Result<bool> {
        is_keyed(self.conn())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn write_key(dir: &Path, text: &str, mode: u32) -> std::path::PathBuf {
        let p = dir.join("audit.key");
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    #[test]
    fn a_key_file_missing_empty_or_readable_by_others_is_refused_saying_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let err = AuditKey::from_file(&dir.path().join("none.key")).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert!(err.to_string().contains("chmod 600"), "{err}");

        let empty = write_key(dir.path(), "\n", 0o600);
        let err = AuditKey::from_file(&empty).unwrap_err().to_string();
        assert!(err.contains("it is empty"), "{err}");

        for mode in [0o644, 0o640, 0o604] {
            let open = write_key(dir.path(), "correct horse battery\n", mode);
            let err = AuditKey::from_file(&open).unwrap_err().to_string();
            assert!(err.contains("others can read it"), "{mode:o}: {err}");
            assert!(err.contains("chmod 600"), "{err}");
            assert!(!err.contains("correct horse"), "{err}");
        }
        let good = write_key(dir.path(), "correct horse battery\n", 0o600);
        let key = AuditKey::from_file(&good).unwrap();
        assert_eq!(format!("{key:?}"), "AuditKey(…)");
    }

    #[test]
    fn the_newline_at_the_end_of_a_key_file_is_not_part_of_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let a = AuditKey::from_file(&write_key(dir.path(), "k3y-material\r\n", 0o600)).unwrap();
        let b = AuditKey::new(b"k3y-material").unwrap();
        let c = AuditKey::new(b"k3y-material2").unwrap();
        assert_eq!(a.mac(&[b"x"]), b.mac(&[b"x"]));
        assert_ne!(a.mac(&[b"x"]), c.mac(&[b"x"]));
    }

    #[test]
    fn the_mac_is_hmac_sha256() {
        // RFC 4231, test case 2
        let key = AuditKey::new(b"Jefe").unwrap();
        let mac = key.mac(&[b"what do ya want ", b"for nothing?"]);
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
