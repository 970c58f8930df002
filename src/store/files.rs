//! Noticing that the store's files are no longer the ones it opened.
//!
//! SQLite holds its files by descriptor, not by name. When the store file is
//! deleted, moved away or replaced under a running console (another file
//! renamed over it, a restore done by rename), every later commit still
//! succeeds — into a file nobody will open again, lost when the console
//! quits. So the store remembers the device and inode of each file it opened
//! (the store file, its write-ahead log `…-wal` and the log's shared-memory
//! index `…-shm`) and checks that each path still names that file: just
//! before every write commits, and on the change watcher's poll, so a console
//! notices within a fraction of a second even when nobody writes. A check is
//! one `stat` per file: 5–7 µs for the three on the 2-core development
//! machine, about 3% of an occurrence-log entry with its audit record
//! (140–190 µs); once a file is known gone nothing is looked at again.
//!
//! The log and the index matter as much as the store file: while consoles
//! are open, changes not yet copied into the store file live only in the
//! log, and a console started after the log was deleted makes a new one and
//! never sees them; two consoles on two different indexes over one log
//! corrupt the store.
//!
//! Once a path is seen not to name its file, the store refuses every write
//! for the rest of its life, even if the same file is put back: the console
//! has to be started again on the right store.
//!
//! Limits, written down where they live:
//! - A file overwritten in place (`cp backup.db store.db` truncates and
//!   rewrites the same inode) keeps its identity and is not noticed here.
//! - A deletion in the instant between the last check and the commit is not
//!   caught: that one commit goes into the old file (the next check, at the
//!   latest the watcher's next poll, stops everything after it).
//! - The log and the index are checked only if they existed when the store
//!   was opened (they always do in WAL mode once the store has been read).
//! - A path that cannot be looked at for another reason (a folder made
//!   unreadable, an I/O error) is not taken as gone: SQLite will say so
//!   itself if it cannot write.
//! - Whether a file with no name left at its path was deleted or moved, and
//!   where to, is found through this process's open descriptors
//!   (`/proc/self/fd`, Linux only); elsewhere it is "deleted or moved away".

use std::fmt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Which of the store's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreFile {
    /// The store file itself.
    Store,
    /// Its write-ahead log (`…-wal`).
    Log,
    /// The log's shared-memory index (`…-shm`).
    Index,
}

/// What is at a file's path now, when it is not the file that was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing is at the path, and the file has no name left anywhere.
    Deleted,
    /// Nothing is at the path: the file is now at this other path.
    MovedTo(PathBuf),
    /// Nothing is at the path; whether the file was deleted or moved is not known.
    DeletedOrMoved,
    /// Another file is at the path.
    Replaced,
    /// Something that is not a file is at the path (what it is: "a directory").
    NotAFile(&'static str),
}

/// One of the store's files whose path no longer names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gone {
    /// The store file's path, as it was opened.
    pub store: PathBuf,
    pub file: StoreFile,
    /// The path that changed: the store file's, or its log's or index's.
    pub path: PathBuf,
    pub change: Change,
}

impl Gone {
    /// A few words for the status bar: "file deleted", "log replaced".
    pub fn short(&self) -> String {
        let file = match self.file {
            StoreFile::Store => "file",
            StoreFile::Log => "log",
            StoreFile::Index => "index",
        };
        let change = match self.change {
            Change::Deleted => "deleted",
            Change::MovedTo(_) => "moved",
            Change::DeletedOrMoved => "gone",
            Change::Replaced | Change::NotAFile(_) => "replaced",
        };
        format!("{file} {change}")
    }

    /// What to do about it.
    pub fn advice(&self) -> String {
        let store = self.store.display();
        match (&self.file, &self.change) {
            (StoreFile::Store, Change::MovedTo(_)) => {
                format!("move it back to {store} and start the console again")
            }
            (StoreFile::Store, Change::Deleted) => {
                "restore the store from a backup and start the console again".into()
            }
            (StoreFile::Store, Change::DeletedOrMoved) => {
                "put the store back, or start the console again on the right store".into()
            }
            (StoreFile::Store, Change::Replaced | Change::NotAFile(_)) => {
                "what is there now is not the store this console opened: start the console again to use it".into()
            }
            (StoreFile::Log | StoreFile::Index, _) => {
                "changes not yet copied into the store file are held only by the consoles open on it: quit every one of them before starting any again".into()
            }
        }
    }
}

impl fmt::Display for Gone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match self.file {
            StoreFile::Store => write!(f, "{path}")?,
            StoreFile::Log => write!(f, "the store's write-ahead log {path}")?,
            StoreFile::Index => write!(f, "the store's shared-memory index {path}")?,
        }
        match &self.change {
            Change::Deleted => write!(f, " was deleted"),
            Change::MovedTo(to) => write!(f, " was moved to {}", to.display()),
            Change::DeletedOrMoved => write!(f, " was deleted or moved away"),
            Change::Replaced => write!(f, " was replaced by another file"),
            Change::NotAFile(what) => write!(f, " was replaced by {what}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    fn of(m: &std::fs::Metadata) -> FileId {
        FileId {
            dev: m.dev(),
            ino: m.ino(),
        }
    }
}

#[derive(Debug, Clone)]
struct Remembered {
    file: StoreFile,
    path: PathBuf,
    id: FileId,
}

/// The identity of the store's files as they were opened, and whether any
/// has gone since. Clones share what has been seen: the store and its
/// watcher refuse and report the same thing.
#[derive(Debug, Clone)]
pub struct StoreFiles {
    store: PathBuf,
    files: Vec<Remembered>,
    gone: Arc<OnceLock<Gone>>,
}

impl StoreFiles {
    /// Remember the store file at `path` (a link followed to its file).
    pub(crate) fn remember(path: &Path) -> std::io::Result<StoreFiles> {
        let id = FileId::of(&std::fs::metadata(path)?);
        Ok(StoreFiles {
            store: path.to_path_buf(),
            files: vec![Remembered {
                file: StoreFile::Store,
                path: path.to_path_buf(),
                id,
            }],
            gone: Arc::new(OnceLock::new()),
        })
    }

    /// Remember the log and the index beside `opened` (the store file as
    /// SQLite named it, links resolved), those that exist.
    pub(crate) fn remember_companions(&mut self, opened: &Path) {
        for (file, suffix) in [(StoreFile::Log, "-wal"), (StoreFile::Index, "-shm")] {
            let mut name = opened.as_os_str().to_owned();
            name.push(suffix);
            let path = PathBuf::from(name);
            if let Ok(m) = std::fs::metadata(&path) {
                self.files.retain(|r| r.file != file);
                self.files.push(Remembered {
                    file,
                    path,
                    id: FileId::of(&m),
                });
            }
        }
    }

    /// Which files are watched (the store's, and its log's and index's if
    /// they existed when it was opened).
    pub fn watched(&self) -> Vec<(StoreFile, &Path)> {
        self.files
            .iter()
            .map(|r| (r.file, r.path.as_path()))
            .collect()
    }

    /// The paths as they are now: the first whose file is not the one
    /// opened, looked at afresh (not remembered, not refined).
    pub fn look(&self) -> Option<Gone> {
        self.files.iter().find_map(|r| {
            let change = match std::fs::metadata(&r.path) {
                Ok(m) if !m.is_file() => Change::NotAFile(if m.is_dir() {
                    "a directory"
                } else {
                    "something that is not a file"
                }),
                Ok(m) if FileId::of(&m) != r.id => Change::Replaced,
                Ok(_) => return None,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                    ) =>
                {
                    Change::DeletedOrMoved
                }
                Err(e) => {
                    tracing::debug!(error = %e, path = %r.path.display(), "cannot look at a store file");
                    return None;
                }
            };
            Some(Gone {
                store: self.store.clone(),
                file: r.file,
                path: r.path.clone(),
                change,
            })
        })
    }

    /// What was seen gone, if anything, without looking again.
    pub fn seen_gone(&self) -> Option<Gone> {
        self.gone.get().cloned()
    }

    /// Whether a file has gone. Once seen it stays gone, with where the file
    /// went if that can be found.
    pub fn gone(&self) -> Option<Gone> {
        if let Some(g) = self.gone.get() {
            return Some(g.clone());
        }
        let mut g = self.look()?;
        if g.change == Change::DeletedOrMoved {
            let id = self.files.iter().find(|r| r.path == g.path).map(|r| r.id);
            if let Some(found) = id.and_then(whereabouts) {
                g.change = found;
            }
        }
        tracing::error!(what = %g, "a store file is gone");
        Some(self.gone.get_or_init(|| g).clone())
    }
}

/// Where a file this process holds open is now: deleted, or moved to
/// another path. `None` when that cannot be told.
#[cfg(target_os = "linux")]
fn whereabouts(id: FileId) -> Option<Change> {
    for entry in std::fs::read_dir("/proc/self/fd").ok()?.flatten() {
        let fd = entry.path();
        // the descriptor's own link leads to the open file, named or not
        let Ok(m) = std::fs::metadata(&fd) else {
            continue;
        };
        if FileId::of(&m) != id {
            continue;
        }
        if m.nlink() == 0 {
            return Some(Change::Deleted);
        }
        let to = std::fs::read_link(&fd).ok()?;
        // still linked elsewhere, but not through the name it was opened by
        if to.to_string_lossy().ends_with(" (deleted)") {
            return None;
        }
        return Some(Change::MovedTo(to));
    }
    None
}

#[cfg(not(target_os = "linux"))]
fn whereabouts(_: FileId) -> Option<Change> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_place_is_not_gone_and_its_replacement_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        std::fs::write(&path, b"one").unwrap();
        let files = StoreFiles::remember(&path).unwrap();
        assert_eq!(files.gone(), None);
        // written in place: the same file (not noticed, as the limits say)
        std::fs::write(&path, b"two").unwrap();
        assert_eq!(files.gone(), None);
        let other = dir.path().join("other.db");
        std::fs::write(&other, b"three").unwrap();
        std::fs::rename(&other, &path).unwrap();
        let g = files.gone().unwrap();
        assert_eq!((g.file, &g.change), (StoreFile::Store, &Change::Replaced));
        assert_eq!(g.short(), "file replaced");
        assert!(
            g.to_string().ends_with("s.db was replaced by another file"),
            "{g}"
        );
    }

    #[test]
    fn once_gone_always_gone_and_clones_share_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        std::fs::write(&path, b"one").unwrap();
        let files = StoreFiles::remember(&path).unwrap();
        let watcher = files.clone();
        let away = dir.path().join("away.db");
        std::fs::rename(&path, &away).unwrap();
        // nothing of ours holds it open here: where it went is not known
        let g = watcher.gone().unwrap();
        assert_eq!(g.change, Change::DeletedOrMoved);
        std::fs::rename(&away, &path).unwrap();
        assert_eq!(files.look(), None, "the same file is back at the path");
        assert_eq!(files.gone(), Some(g), "but the store stays refused");
    }

    #[test]
    fn a_directory_in_its_place_is_said_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        std::fs::write(&path, b"one").unwrap();
        let files = StoreFiles::remember(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        let g = files.gone().unwrap();
        assert_eq!(g.change, Change::NotAFile("a directory"));
        assert!(
            g.to_string().ends_with("was replaced by a directory"),
            "{g}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_held_open_is_found_deleted_or_moved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        std::fs::write(&path, b"one").unwrap();
        let held = std::fs::File::open(&path).unwrap();
        let files = StoreFiles::remember(&path).unwrap();
        let away = dir.path().join("away.db");
        std::fs::rename(&path, &away).unwrap();
        let g = files.clone().gone().unwrap();
        assert_eq!(g.change, Change::MovedTo(away.clone()));
        assert!(g.to_string().contains("was moved to"), "{g}");
        assert!(g.advice().contains("move it back to"), "{}", g.advice());

        let path2 = dir.path().join("t.db");
        std::fs::write(&path2, b"two").unwrap();
        let held2 = std::fs::File::open(&path2).unwrap();
        let files2 = StoreFiles::remember(&path2).unwrap();
        std::fs::remove_file(&path2).unwrap();
        assert_eq!(files2.gone().unwrap().change, Change::Deleted);
        drop((held, held2));
    }
}
