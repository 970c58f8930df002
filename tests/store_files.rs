//! The store's file: what is refused on opening (not a database, from a newer
//! watchroom, read-only, in a missing folder) and left as it was, a new store
//! made at the current schema; and the file gone from its path while the store
//! has it open (deleted, moved, replaced, its log or index deleted), refused
//! for writing with nothing written, and the watcher saying so.

mod store_common;
mod support;

use std::path::{Path, PathBuf};
use store_common::*;
use support::now as t0;
use watchroom::domain::{IncidentFilter, Priority};
use watchroom::store::demo::Rng;
use watchroom::store::{Store, StoreError, SCHEMA_VERSION};

// --------------------------------------------------------- opening a store

#[test]
fn a_file_of_random_text_is_refused_as_not_a_database_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(7);
    let text: String = (0..4096)
        .map(|i| {
            if i % 61 == 60 {
                '\n'
            } else {
                (b' ' + rng.below(95) as u8) as char
            }
        })
        .collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("random.txt", text.into_bytes()),
        ("tiny.db", b"hi\n".to_vec()),
        ("sqlite-lookalike.db", {
            // the right magic, then rubbish: SQLite itself must be the one to refuse it
            let mut v = b"SQLite format 3\0".to_vec();
            v.extend((0..4080).map(|i| (i * 7 % 251) as u8));
            v
        }),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let err = Store::open(&path)
            .err()
            .unwrap_or_else(|| panic!("{name} was opened"));
        assert!(
            matches!(err, StoreError::NotADatabase { .. }),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains("not a watchroom store"), "{err}");
        assert!(
            err.to_string().contains(name),
            "the message names the file: {err}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{name} is left byte-identical"
        );
        assert!(!dir.path().join(format!("{name}-wal")).exists());
        assert!(!dir.path().join(format!("{name}-journal")).exists());
    }
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(
        left,
        vec!["random.txt", "sqlite-lookalike.db", "tiny.db"],
        "no files were added beside them"
    );
}

#[test]
fn a_store_from_a_newer_watchroom_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    // a store a newer watchroom made: our schema and data, and a higher version
    {
        let mut s = Store::open(&path).unwrap();
        let op = s.operator_or_add("Sam Okafor", "operator", t0()).unwrap();
        s.create_incident(
            &new_incident(
                "theft",
                Priority::High,
                free("somewhere"),
                "from the future",
                t0(),
            ),
            op.id,
            t0(),
        )
        .unwrap();
    }
    {
        let c = raw(&path);
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        c.execute_batch("PRAGMA journal_mode = DELETE;").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("refused");
    match &err {
        StoreError::TooNew {
            found, supported, ..
        } => {
            assert_eq!((*found, *supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        e => panic!("expected TooNew, got {e:?}"),
    }
    assert!(err.to_string().contains("newer watchroom"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "not a byte changed");
    assert!(
        !dir.path().join("future.db-wal").exists(),
        "not even switched to WAL"
    );
    assert_eq!(count(&path, "PRAGMA user_version"), SCHEMA_VERSION + 1);
}

#[test]
fn a_read_only_store_is_refused_for_writing_and_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    {
        let mut s = Store::open(&path).unwrap();
        let op = s.operator_or_add("Sam Okafor", "operator", t0()).unwrap();
        s.create_incident(
            &new_incident("theft", Priority::High, free("till"), "took cash", t0()),
            op.id,
            t0(),
        )
        .unwrap();
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
    let before = std::fs::read(&path).unwrap();

    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        // Running as root (as in many CI containers), file permissions do not
        // bite: root may open a 0400 file for writing, so there is nothing
        // to refuse. The store must still open and read the file.
        let s = Store::open(&path).unwrap();
        assert!(s.incident(1).unwrap().is_some());
        return;
    }

    // A read-only file either refuses to open, or opens for reading and
    // refuses every write; either way it says "cannot be written" and nothing changes.
    match Store::open(&path) {
        Err(err) => {
            assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
            assert!(err.to_string().contains("cannot be written"), "{err}");
        }
        Ok(mut s) => {
            let i = s.incident(1).unwrap().expect("still readable");
            assert_eq!(i.summary, "took cash");
            let op = s.operator_by_name("Sam Okafor").unwrap().unwrap();
            let err = s
                .create_incident(
                    &new_incident("theft", Priority::High, free("till"), "again", t0()),
                    op.id,
                    t0(),
                )
                .unwrap_err();
            assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
            assert!(err.to_string().contains("cannot be written"), "{err}");
            let err = s.add_note(1, "a note", None, op.id, t0()).unwrap_err();
            assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
        }
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_store_in_a_missing_folder_is_refused_without_making_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-folder").join("watchroom.db");
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::CannotOpen { .. }), "{err:?}");
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(err.to_string().contains("no-such-folder"), "{err}");
    assert!(!dir.path().join("no-such-folder").exists());
}

#[test]
fn a_new_store_is_created_and_reopened_at_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(s.path(), path.as_path());
    drop(s);
    // an empty file (e.g. made by `touch`) is a store nobody has written yet
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let mut s = Store::open(&empty).unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    let op = s.operator_or_add("Sam Okafor", "operator", t0()).unwrap();
    s.create_incident(
        &new_incident("theft", Priority::High, free("till"), "took cash", t0()),
        op.id,
        t0(),
    )
    .unwrap();
    drop(s);
    let s = Store::open(&empty).unwrap();
    assert_eq!(
        s.incident(1).unwrap().unwrap().summary,
        "took cash",
        "data survives reopening"
    );
}

// ---------------------------------------- the store's file gone from its path

/// The incidents the store's own connection can still read (the file it
/// opened, named or not).
fn incidents_held(s: &Store) -> u64 {
    s.count_incidents(&IncidentFilter::default(), 1_000_000)
        .unwrap()
}

fn wal_of(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", path.display()))
}

fn shm_of(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-shm", path.display()))
}

/// A town with one incident committed (in the write-ahead log, not yet
/// copied into the store file).
fn town_with_an_incident() -> Town {
    let mut t = town();
    t.store
        .create_incident(
            &new_incident("theft", Priority::Medium, at_zone(t.market), "first", t0()),
            t.op.id,
            t0(),
        )
        .unwrap();
    assert_eq!(t.store.file_gone(), None, "in place after a write");
    t
}

/// Try to log one more incident: it must be refused as gone.
fn refused(t: &mut Town) -> watchroom::store::Gone {
    let before = incidents_held(&t.store);
    let err = t
        .store
        .create_incident(
            &new_incident("theft", Priority::High, at_zone(t.market), "second", t0()),
            t.op.id,
            t0(),
        )
        .unwrap_err();
    let StoreError::Gone(gone) = &err else {
        panic!("refused as gone, got {err:?}");
    };
    let text = err.to_string();
    assert!(
        text.contains("while watchroom had it open; nothing was saved"),
        "{text}"
    );
    assert_eq!(
        incidents_held(&t.store),
        before,
        "nothing written into the file the store still holds"
    );
    gone.clone()
}

#[test]
fn a_store_deleted_under_it_refuses_the_next_write_and_writes_nothing() {
    use watchroom::store::files::{Change, StoreFile};
    let mut t = town_with_an_incident();
    let wal = wal_of(&t.path);
    let log_before = std::fs::read(&wal).unwrap();
    std::fs::remove_file(&t.path).unwrap();

    let gone = refused(&mut t);
    assert_eq!(
        (gone.file, &gone.change),
        (StoreFile::Store, &Change::Deleted)
    );
    assert_eq!(gone.short(), "file deleted");
    assert!(
        gone.to_string()
            .ends_with(&format!("{} was deleted", t.path.display())),
        "{gone}"
    );
    assert_eq!(
        std::fs::read(&wal).unwrap(),
        log_before,
        "the log untouched"
    );
    // every write is refused, the sign-out too, and nothing is recreated
    assert!(matches!(
        t.store.sign_out(t.op.id, "quit", t0()),
        Err(StoreError::Gone(_))
    ));
    assert!(!t.path.exists(), "no new store file at the path");
    // the store can still read what it held
    assert_eq!(incidents_held(&t.store), 1);
}

#[test]
fn a_store_moved_away_refuses_writes_and_the_moved_file_is_not_written() {
    use watchroom::store::files::{Change, StoreFile};
    let mut t = town_with_an_incident();
    let away = t.path.with_file_name("moved.db");
    std::fs::rename(&t.path, &away).unwrap();
    // the log stays at the old name, and the store keeps writing into it
    let wal = wal_of(&t.path);
    let (file_before, log_before) = (std::fs::read(&away).unwrap(), std::fs::read(&wal).unwrap());

    let gone = refused(&mut t);
    assert_eq!(gone.file, StoreFile::Store);
    assert_eq!(gone.change, Change::MovedTo(away.clone()));
    assert!(gone.to_string().contains("was moved to"), "{gone}");
    assert!(
        gone.advice().contains("move it back to"),
        "{}",
        gone.advice()
    );
    assert_eq!(std::fs::read(&away).unwrap(), file_before, "the moved file");
    assert_eq!(std::fs::read(&wal).unwrap(), log_before, "its log");

    // put back where it was: the store stays refused (start again to go on)
    std::fs::rename(&away, &t.path).unwrap();
    assert_eq!(t.store.files().look(), None, "the same file is back");
    refused(&mut t);
    assert_eq!(std::fs::read(&t.path).unwrap(), file_before);
    assert_eq!(std::fs::read(&wal).unwrap(), log_before);
}

#[test]
fn a_store_replaced_by_another_store_refuses_writes_and_leaves_both_alone() {
    use watchroom::store::files::{Change, StoreFile};
    let mut t = town_with_an_incident();
    // another store, closed (so all in one file), renamed over the path
    let other = t.path.with_file_name("other.db");
    drop(Store::open(&other).unwrap());
    std::fs::rename(&other, &t.path).unwrap();
    let new_file = std::fs::read(&t.path).unwrap();
    let wal = wal_of(&t.path);
    let log_before = std::fs::read(&wal).unwrap();

    let gone = refused(&mut t);
    assert_eq!(
        (gone.file, &gone.change),
        (StoreFile::Store, &Change::Replaced)
    );
    assert!(
        gone.to_string().contains("was replaced by another file"),
        "{gone}"
    );
    assert!(gone.advice().contains("not the store this console opened"));
    assert_eq!(
        std::fs::read(&t.path).unwrap(),
        new_file,
        "the new file untouched"
    );
    assert_eq!(
        std::fs::read(&wal).unwrap(),
        log_before,
        "the old log untouched"
    );
}

#[test]
fn a_deleted_write_ahead_log_refuses_writes_and_closing_keeps_what_it_held() {
    use watchroom::store::files::{Change, StoreFile};
    let mut t = town_with_an_incident();
    let watched: Vec<StoreFile> = t.store.files().watched().iter().map(|w| w.0).collect();
    assert_eq!(
        watched,
        [StoreFile::Store, StoreFile::Log, StoreFile::Index]
    );
    let file_before = std::fs::read(&t.path).unwrap();
    std::fs::remove_file(wal_of(&t.path)).unwrap();

    let gone = refused(&mut t);
    assert_eq!(
        (gone.file, &gone.change),
        (StoreFile::Log, &Change::Deleted)
    );
    assert_eq!(gone.short(), "log deleted");
    assert!(gone.to_string().contains("write-ahead log"), "{gone}");
    assert_eq!(
        std::fs::read(&t.path).unwrap(),
        file_before,
        "the store file untouched"
    );

    // the last connection to close copies what the deleted log held into the file
    let Town {
        store, path, _dir, ..
    } = t;
    drop(store);
    let s = Store::open(&path).unwrap();
    assert_eq!(
        incidents_held(&s),
        1,
        "the incident committed before survives"
    );
}

#[test]
fn a_deleted_shared_memory_index_refuses_writes() {
    use watchroom::store::files::StoreFile;
    let mut t = town_with_an_incident();
    std::fs::remove_file(shm_of(&t.path)).unwrap();
    let gone = refused(&mut t);
    assert_eq!(gone.file, StoreFile::Index);
    assert_eq!(gone.short(), "index deleted");
}

#[test]
fn the_watcher_says_when_the_store_goes_and_what_comes_back() {
    use watchroom::store::files::{Change, StoreFile};
    use watchroom::store::watch::{spawn, Notice, WatchSettings};
    let t = town_with_an_incident();
    let (tx, rx) = std::sync::mpsc::channel();
    let settings = WatchSettings {
        poll: std::time::Duration::from_millis(20),
        notify: true,
    };
    spawn(&t.store, settings, move |n| tx.send(n).is_ok()).unwrap();
    let next = || {
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("a notice from the watcher")
    };
    std::fs::remove_file(&t.path).unwrap();
    let started = std::time::Instant::now();
    let gone = loop {
        match next() {
            Notice::Gone(g) => break g,
            Notice::Changed => continue,
            other => panic!("unexpected {other:?}"),
        }
    };
    eprintln!(
        "the watcher saw the store deleted after {:?}",
        started.elapsed()
    );
    assert_eq!(
        (gone.file, &gone.change),
        (StoreFile::Store, &Change::Deleted)
    );
    // the store itself refuses from the same moment, without looking again
    assert_eq!(t.store.file_gone(), Some(gone));

    // a new file at the path is not the store it opened
    std::fs::write(&t.path, b"").unwrap();
    match next() {
        Notice::Since(Some(g)) => assert_eq!(g.change, Change::Replaced),
        other => panic!("expected what is there now, got {other:?}"),
    }
    std::fs::remove_file(&t.path).unwrap();
    match next() {
        Notice::Since(Some(g)) => assert_eq!(g.change, Change::DeletedOrMoved),
        other => panic!("expected the path empty again, got {other:?}"),
    }
}
