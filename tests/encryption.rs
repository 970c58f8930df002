//! Encryption at rest (SQLCipher): a store made with a key reads back only
//! with that key, and its files hold none of what is written into it.
//! Run with `cargo test --features encryption --test encryption`.
#![cfg(feature = "encryption")]

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use watchroom::store::demo::{build_demo, DEMO_OPERATOR};
use watchroom::store::watch::ChangeWatcher;
use watchroom::store::{Store, StoreError, StoreKey};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn key() -> StoreKey {
    StoreKey::new("correct horse battery staple").unwrap()
}

/// An encrypted demo store, closed, and the name of one person in it.
fn encrypted_demo() -> (TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut s = Store::open_with_key(&path, Some(&key())).unwrap();
    build_demo(&mut s, now()).unwrap();
    let name = s.search_entries(now()).unwrap()[0].name.clone();
    assert!(name.len() > 5, "a name worth looking for: {name:?}");
    drop(s);
    (dir, path, name)
}

/// The store file and whatever companions SQLite left beside it.
fn all_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = vec![];
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(b) = std::fs::read(format!("{}{suffix}", path.display())) {
            bytes.extend(b);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn assert_key_refused(err: StoreError) {
    assert!(
        matches!(err, StoreError::KeyWrongOrMissing { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("is encrypted and the key is wrong or missing"),
        "{err}"
    );
}

#[test]
fn an_encrypted_store_reads_back_with_its_key_and_stays_private() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path, name) = encrypted_demo();
    let perm = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(perm, 0o600);
    let s = Store::open_with_key(&path, Some(&key())).unwrap();
    let names: Vec<String> = s
        .search_entries(now())
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(names.contains(&name), "{name} is read back");
    assert!(s.operator_by_name(DEMO_OPERATOR).unwrap().is_some());
}

#[test]
fn without_the_key_or_with_a_wrong_one_the_store_is_refused_clearly_and_untouched() {
    let (_dir, path, _) = encrypted_demo();
    let before = std::fs::read(&path).unwrap();
    assert_key_refused(Store::open_with_key(&path, None).err().unwrap());
    let wrong = StoreKey::new("Correct horse battery staple").unwrap();
    assert_key_refused(Store::open_with_key(&path, Some(&wrong)).err().unwrap());
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // and the right key still opens it
    Store::open_with_key(&path, Some(&key())).unwrap();
}

#[test]
fn the_files_hold_no_plaintext() {
    let (_dir, path, name) = encrypted_demo();
    let bytes = all_bytes(&path);
    assert!(bytes.len() > 4096);
    for plain in [
        name.as_str(),
        DEMO_OPERATOR,
        "SQLite format 3",
        "CREATE TABLE",
    ] {
        assert!(!contains(&bytes, plain), "{plain:?} is in the file");
    }
}

#[test]
fn plain_sqlite_cannot_read_it_but_sqlcipher_with_the_key_can() {
    let (_dir, path, _) = encrypted_demo();
    let c = Connection::open(&path).unwrap();
    let err = c
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert_eq!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase),
        "{err}"
    );
    drop(c);
    // a standard SQLCipher file: its own tools open it with the passphrase
    let c = Connection::open(&path).unwrap();
    c.pragma_update(None, "key", "correct horse battery staple")
        .unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM offenders", [], |r| r.get(0))
        .unwrap();
    assert!(n > 0);
    let version: String = c
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .unwrap();
    assert!(!version.is_empty());
}

#[test]
fn a_second_console_and_the_change_watcher_need_the_key_while_the_store_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut a = Store::open_with_key(&path, Some(&key())).unwrap();
    a.operator_or_add("Priya Shah", "cctv", now()).unwrap();
    // the pages may be only in the write-ahead log yet, the file itself empty
    assert_key_refused(Store::open_with_key(&path, None).err().unwrap());
    let b = Store::open_with_key(&path, Some(&key())).unwrap();
    assert!(b.operator_by_name("Priya Shah").unwrap().is_some());
    let mut watcher = ChangeWatcher::open_with_key(&path, Some(&key())).unwrap();
    assert!(!watcher.changed().unwrap());
    a.operator_or_add("Tom Baxter", "coordinator", now())
        .unwrap();
    assert!(watcher.changed().unwrap());
    assert!(!contains(&all_bytes(&path), "Priya Shah"));
}

#[test]
fn a_plain_store_given_a_key_is_refused_and_still_opens_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    let mut s = Store::open_with_key(&path, None).unwrap();
    s.operator_or_add("Sam Okafor", "operator", now()).unwrap();
    drop(s);
    let err = Store::open_with_key(&path, Some(&key())).err().unwrap();
    assert!(matches!(err, StoreError::NotEncrypted { .. }), "{err:?}");
    assert!(err.to_string().contains("not encrypted"), "{err}");
    let s = Store::open_with_key(&path, None).unwrap();
    assert!(s.operator_by_name("Sam Okafor").unwrap().is_some());
}

#[test]
fn a_text_file_is_still_not_a_store_with_or_without_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    // whole pages of text: only its first bytes tell it from an encrypted store
    let text = "shopping list: milk, eggs\n".repeat(512);
    std::fs::write(&path, &text).unwrap();
    for key in [None, Some(key())] {
        let err = Store::open_with_key(&path, key.as_ref()).err().unwrap();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_key_file_loses_its_trailing_newline_and_never_shows_in_debug() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("key");
    std::fs::write(&file, "correct horse battery staple\n").unwrap();
    let from_file = StoreKey::from_file(&file).unwrap();
    assert!(!format!("{from_file:?}").contains("horse"));
    let path = dir.path().join("w.db");
    let mut s = Store::open_with_key(&path, Some(&from_file)).unwrap();
    s.operator_or_add("Jo Lindqvist", "viewer", now()).unwrap();
    drop(s);
    let s = Store::open_with_key(&path, Some(&key())).unwrap();
    assert!(s.operator_by_name("Jo Lindqvist").unwrap().is_some());

    std::fs::write(&file, "\n").unwrap();
    let err = StoreKey::from_file(&file).err().unwrap();
    assert!(err.to_string().contains("empty"), "{err}");
}

/// The command line takes the key from $WATCHROOM_KEY_FILE or --key-file.
#[test]
fn the_command_line_opens_an_encrypted_store_with_the_key_file() {
    let (dir, path, _) = encrypted_demo();
    let key_file = dir.path().join("store.key");
    std::fs::write(&key_file, "correct horse battery staple\n").unwrap();
    let run = |args: &[&str], env_key: Option<&Path>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_watchroom"));
        cmd.args(["--db", path.to_str().unwrap()])
            .args(args)
            .env_clear()
            .env("HOME", dir.path())
            .env("TZ", "UTC")
            .stdin(std::process::Stdio::null());
        if let Some(k) = env_key {
            cmd.env("WATCHROOM_KEY_FILE", k);
        }
        let out = cmd.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stdout, stderr) = run(&["audit", "verify"], Some(&key_file));
    assert!(ok, "{stderr}");
    assert!(stdout.contains("audit trail intact"), "{stdout}");
    let (ok, stdout, _) = run(
        &["--key-file", key_file.to_str().unwrap(), "audit", "verify"],
        None,
    );
    assert!(ok && stdout.contains("audit trail intact"), "{stdout}");

    let (ok, _, stderr) = run(&["audit", "verify"], None);
    assert!(!ok);
    assert!(
        stderr.contains("is encrypted and the key is wrong or missing"),
        "{stderr}"
    );
    assert!(!stderr.contains("horse"), "{stderr}");
    let wrong_file = dir.path().join("wrong.key");
    std::fs::write(&wrong_file, "Correct horse battery staple\n").unwrap();
    let (ok, _, stderr) = run(&["audit", "verify"], Some(&wrong_file));
    assert!(!ok);
    assert!(
        stderr.contains("is encrypted and the key is wrong or missing"),
        "{stderr}"
    );
    // one clear line, not SQLCipher's own log of the failed check
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    let log = std::fs::read_to_string(dir.path().join("watchroom.log")).unwrap_or_default();
    assert!(!log.contains("horse"), "the key is never logged");
}

/// A backup of an encrypted store is encrypted with the same key: it holds
/// none of the store's text, checks out only with the key, and restores.
#[test]
fn a_backup_of_an_encrypted_store_stays_encrypted() {
    use watchroom::store::backup;
    let (dir, path, name) = encrypted_demo();
    let out = dir.path().join("backup.db");
    let checked = backup::copy(&path, Some(&key()), &out).unwrap();
    assert!(checked.newest.is_some());
    assert!(
        !contains(&std::fs::read(&out).unwrap(), &name),
        "plaintext in the backup"
    );
    assert!(matches!(
        backup::check(&out, None).unwrap_err(),
        StoreError::KeyWrongOrMissing { .. }
    ));
    let restored = dir.path().join("restored.db");
    backup::restore(&out, &restored, Some(&key()), now()).unwrap();
    let s = Store::open_with_key(&restored, Some(&key())).unwrap();
    assert!(s
        .search_entries(now())
        .unwrap()
        .iter()
        .any(|e| e.name == name));
    assert!(!contains(&all_bytes(&restored), &name));
}
