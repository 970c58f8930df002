//! Backups of a live store, checked before they are trusted, and restoring
//! one in place of a store.
//!
//! # How a backup is taken
//!
//! SQLite's online backup copies the store page by page from a connection of
//! its own. It is run as one step: the whole copy is one read transaction,
//! so it is one consistent moment of the store, and in WAL mode the consoles
//! and ingest keep writing meanwhile (their commits go to the WAL, which
//! the copy does not wait for). Copying in small steps instead would start
//! again every time another connection commits, and under a steady ingest
//! it might never finish.
//!
//! The copy is written under a temporary name, owner-only, then checked: an
//! integrity check and the audit chain verified on the copy itself. Only a
//! good copy is renamed into place, and only then is the backup recorded in
//! the live store's audit trail with the newest audit hash the copy holds,
//! so the trail says which moment each backup holds; the same record is
//! written beside the backup as its checkpoint (`FILE.checkpoint`, `SEQ:HASH`)
//! for `audit verify --expect`. An encrypted store's
//! copy is keyed with the same key, and stays encrypted.
//!
//! # Who is using a store
//!
//! A console or ingest holds a shared lock on `STORE-lock` beside the store
//! for as long as it runs; `restore` takes it exclusively, so it refuses
//! while any of them runs, and none can start while a restore is under way.

use super::audit::{AuditHead, AuditReport};
use super::{audit, check_header, classify, key, Header, Result, Store, StoreError, StoreKey};
use crate::domain::audit::AuditAction;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

/// What a backup holds, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCheck {
    pub bytes: u64,
    /// The newest audit record in the copy (none in a store never written).
    pub newest: Option<AuditHead>,
    pub audit_records: u64,
    pub schema: i64,
    pub counts: Counts,
}

/// How much of each kind a store holds, for saying what was restored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub incidents: i64,
    pub offenders: i64,
    pub sightings: i64,
    pub members: i64,
    pub radios: i64,
    pub operators: i64,
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} incidents, {} people on the register, {} sightings, {} members, {} radios, {} operators",
            self.incidents, self.offenders, self.sightings, self.members, self.radios, self.operators
        )
    }
}

/// A path beside `path` with `suffix` on its name.
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// The lock a console or ingest holds while it has the store open.
pub struct InUse {
    _file: Option<std::fs::File>,
}

fn lock_file(store: &Path) -> Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = beside(store, "-lock");
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(|e| StoreError::CannotOpen {
            path,
            reason: e.to_string(),
        })
}

fn flock(file: &std::fs::File, how: libc::c_int) -> bool {
    use std::os::unix::io::AsRawFd;
    // SAFETY: a valid open descriptor; flock has no other preconditions
    unsafe { libc::flock(file.as_raw_fd(), how | libc::LOCK_NB) == 0 }
}

/// Say that this process has the store open (a console, ingest) until the
/// returned guard is dropped; refused while the store is being restored.
pub fn mark_in_use(store: &Path) -> Result<InUse> {
    // a store in a folder that is not there is refused by the store's own
    // opening, which says so plainly
    if !folder_of(store).is_dir() {
        return Ok(InUse { _file: None });
    }
    let file = lock_file(store)?;
    if !flock(&file, libc::LOCK_SH) {
        return Err(StoreError::Invalid(format!(
            "{} is being restored just now; start again when the restore has finished",
            store.display()
        )));
    }
    Ok(InUse { _file: Some(file) })
}

/// Hold the store for a restore: nobody else may have it open meanwhile.
fn hold_for_restore(store: &Path) -> Result<InUse> {
    let file = lock_file(store)?;
    if !flock(&file, libc::LOCK_EX) {
        return Err(StoreError::Invalid(format!(
            "{} is open in a console or ingest: close every one before restoring (nothing was changed)",
            store.display()
        )));
    }
    Ok(InUse { _file: Some(file) })
}

/// Open a store file to read and check it, changing nothing in it.
fn open_to_check(path: &Path, key: Option<&StoreKey>) -> Result<Connection> {
    match check_header(path)? {
        Header::New => {
            return Err(StoreError::Invalid(format!(
                "{} is empty: not a watchroom store",
                path.display()
            )))
        }
        Header::Encrypted if key.is_none() => {
            return Err(StoreError::KeyWrongOrMissing { path: path.into() })
        }
        _ => {}
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| classify(path, e))?;
    key::unlock(&conn, key).map_err(|e| classify(path, e))?;
    Ok(conn)
}

fn counts(conn: &Connection) -> Result<Counts> {
    let n = |t: &str| -> Result<i64> {
        Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?)
    };
    Ok(Counts {
        incidents: n("incidents")?,
        offenders: n("offenders")?,
        sightings: n("sightings")?,
        members: n("members")?,
        radios: n("radios")?,
        operators: n("operators")?,
    })
}

/// Check that `path` is a whole watchroom store this version can open, its
/// pages sound and its audit trail unbroken, and say what it holds.
pub fn check(path: &Path, key: Option<&StoreKey>) -> Result<BackupCheck> {
    let conn = open_to_check(path, key)?;
    let not_ours = || StoreError::Invalid(format!("{} is not a watchroom store", path.display()));
    let schema: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    if schema > super::schema::LATEST {
        return Err(StoreError::TooNew {
            path: path.into(),
            found: schema,
            supported: super::schema::LATEST,
        });
    }
    for table in ["operators", "incidents", "audit", "audit_anchor"] {
        let found: bool = conn
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| classify(path, e))?;
        if !found {
            return Err(not_ours());
        }
    }
    let integrity: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    if integrity != "ok" {
        return Err(StoreError::Invalid(format!(
            "{} is damaged ({integrity})",
            path.display()
        )));
    }
    // read only: the identity is there for the type, never looked at by a write
    let files = super::StoreFiles::remember(path).map_err(|e| StoreError::CannotOpen {
        path: path.into(),
        reason: e.to_string(),
    })?;
    let store = Store {
        conn,
        path: path.to_path_buf(),
        files,
        audit_key: audit::key::start_key().cloned(),
    };
    let report: AuditReport = store.verify_audit()?;
    if let Some(problem) = &report.problem {
        return Err(StoreError::Invalid(format!(
            "the audit trail in {} is broken at {problem}",
            path.display()
        )));
    }
    let counts = counts(store.conn())?;
    Ok(BackupCheck {
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        newest: report.last,
        audit_records: report.records,
        schema,
        counts,
    })
}

/// Flush a folder's entries (a rename in it) to disk.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Copy the store at `store` to `out`, check the copy, and put it in place
/// whole or not at all; `out` must not exist. Reads through a connection of
/// its own, so it may run beside a console's or ingest's own work.
pub fn copy(store: &Path, key: Option<&StoreKey>, out: &Path) -> Result<BackupCheck> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = folder_of(out);
    if !dir.is_dir() {
        return Err(StoreError::Invalid(format!(
            "the folder {} does not exist: nothing was written",
            dir.display()
        )));
    }
    if out.exists() {
        return Err(StoreError::Invalid(format!(
            "{} already exists: a backup never replaces a file; choose another name",
            out.display()
        )));
    }
    if let (Ok(a), Ok(b)) = (std::fs::canonicalize(store), std::fs::canonicalize(dir)) {
        if out.file_name().is_some() && a == b.join(out.file_name().unwrap_or_default()) {
            return Err(StoreError::Invalid(
                "a backup cannot be written over the store itself".into(),
            ));
        }
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| StoreError::Invalid(format!("{} is not a file name", out.display())))?;
    let temp = dir.join(format!(".{name}.{}.part", std::process::id()));
    let cleanup = |temp: &Path| {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = std::fs::remove_file(beside(temp, suffix));
        }
    };
    // the copy is owner-only from its first byte
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .map_err(|e| StoreError::Invalid(format!("cannot write in {}: {e}", dir.display())))?;
    let taken = (|| -> Result<()> {
        let src = Connection::open_with_flags(
            store,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| classify(store, e))?;
        key::unlock(&src, key).map_err(|e| classify(store, e))?;
        src.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut dst = Connection::open(&temp).map_err(|e| classify(&temp, e))?;
        key::unlock(&dst, key).map_err(|e| classify(&temp, e))?;
        {
            let b = rusqlite::backup::Backup::new(&src, &mut dst)?;
            // one step: one read transaction, one consistent moment (see above)
            loop {
                match b.step(-1).map_err(|e| full_or(&temp, e))? {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => continue,
                    rusqlite::backup::StepResult::Busy | rusqlite::backup::StepResult::Locked => {
                        std::thread::sleep(std::time::Duration::from_millis(20))
                    }
                    _ => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
        }
        // the copy keeps the store's WAL mode: fold everything into the file
        dst.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .optional()
            .map_err(|e| full_or(&temp, e))?;
        dst.close().map_err(|(_, e)| full_or(&temp, e))?;
        std::fs::File::open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(|e| StoreError::Invalid(format!("cannot write {}: {e}", temp.display())))?;
        Ok(())
    })();
    if let Err(e) = taken {
        cleanup(&temp);
        return Err(e);
    }
    let checked = match check(&temp, key) {
        Ok(c) => c,
        Err(e) => {
            cleanup(&temp);
            return Err(StoreError::Invalid(format!(
                "the copy failed its check, so nothing was kept: {e}"
            )));
        }
    };
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(beside(&temp, suffix));
    }
    if let Err(e) = std::fs::rename(&temp, out) {
        cleanup(&temp);
        return Err(StoreError::Invalid(format!(
            "cannot put the backup at {}: {e}",
            out.display()
        )));
    }
    sync_dir(dir);
    write_checkpoint(out, &checked)?;
    Ok(checked)
}

/// Where a backup's checkpoint is kept: `FILE.checkpoint` beside it.
pub fn checkpoint_path(backup: &Path) -> PathBuf {
    beside(backup, ".checkpoint")
}

/// The newest record the copy holds, as `SEQ:HASH` beside it: kept with the
/// backup (and wherever it is carried), `audit verify --expect` later shows
/// whether a trail still holds that record. None for a trail with no records.
fn write_checkpoint(backup: &Path, checked: &BackupCheck) -> Result<()> {
    let Some(h) = &checked.newest else {
        return Ok(());
    };
    let checkpoint = crate::domain::audit::Checkpoint {
        seq: h.seq,
        hash: h.hash.clone(),
    };
    let path = checkpoint_path(backup);
    std::fs::write(&path, format!("{checkpoint}\n")).map_err(|e| {
        StoreError::Invalid(format!(
            "the backup {} was written, but not its checkpoint {}: {e}",
            backup.display(),
            path.display()
        ))
    })
}

/// A full disk (or a file-size limit) said in the operator's words.
fn full_or(path: &Path, e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        if f.code == rusqlite::ErrorCode::DiskFull
            || f.extended_code == rusqlite::ffi::SQLITE_IOERR_WRITE
            || f.extended_code == rusqlite::ffi::SQLITE_IOERR_FSYNC
        {
            return StoreError::Invalid(format!(
                "the disk holding {} is full (or will not take a file this size): nothing was kept",
                folder_of(path).display()
            ));
        }
    }
    classify(path, e)
}

impl Store {
    /// Take a backup of this store to `out` (checked, whole or not at all)
    /// and record it in the audit trail with the newest audit hash it holds.
    pub fn backup_to(
        &mut self,
        out: &Path,
        operator: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<BackupCheck> {
        let checked = copy(&self.path, key::start_key(), out)?;
        self.record_backup(out, &checked, operator, now)?;
        Ok(checked)
    }

    /// The audit record of a backup taken.
    pub fn record_backup(
        &mut self,
        out: &Path,
        checked: &BackupCheck,
        operator: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let held = match &checked.newest {
            Some(h) => format!("up to audit seq {}, hash {}", h.seq, h.hash),
            None => "no audit records".into(),
        };
        let detail = format!(
            "to {} ({} bytes, {held})",
            crate::domain::text::tidy_input(&out.display().to_string()),
            checked.bytes
        );
        self.write(|tx| {
            audit::append(
                tx,
                now,
                operator,
                AuditAction::Backup,
                "store",
                None,
                &detail,
            )
        })
    }
}

impl Store {
    /// The audit record of a restore, the first in the store after it.
    pub fn record_restore(
        &mut self,
        from: &Path,
        checked: &BackupCheck,
        operator: Option<i64>,
        kept: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let held = match &checked.newest {
            Some(h) => format!("up to audit seq {}, hash {}", h.seq, h.hash),
            None => "no audit records".into(),
        };
        let detail =
            crate::domain::text::tidy_input(&format!("from {} ({held}){kept}", from.display()));
        self.write(|tx| {
            audit::append(
                tx,
                now,
                operator,
                AuditAction::Restore,
                "store",
                None,
                &detail,
            )
        })
    }
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    pub check: BackupCheck,
    /// Where the store it replaced was kept, if there was one.
    pub kept: Option<PathBuf>,
}

/// Put the backup at `from` in place of the store at `to`, after checking it,
/// keeping any store it replaces beside it. Refused while a console or
/// ingest has the store open. `now` names the kept file.
pub fn restore(
    from: &Path,
    to: &Path,
    key: Option<&StoreKey>,
    now: DateTime<Utc>,
) -> Result<Restored> {
    let check = check(from, key)?;
    let dir = folder_of(to);
    if !dir.is_dir() {
        return Err(StoreError::Invalid(format!(
            "the folder {} does not exist",
            dir.display()
        )));
    }
    if let (Ok(a), Ok(b)) = (std::fs::canonicalize(from), std::fs::canonicalize(to)) {
        if a == b {
            return Err(StoreError::Invalid(
                "that backup is the store itself".into(),
            ));
        }
    }
    let _held = hold_for_restore(to)?;
    // bring in a copy first: the backup itself is never moved or changed
    let temp = dir.join(format!(
        ".{}.restoring.{}",
        to.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    copy(from, key, &temp)?;
    let kept = if to.exists() {
        // what the replaced store committed is folded into its file first,
        // so the kept copy is whole on its own
        if let Ok(c) = Connection::open(to) {
            if key::unlock(&c, key).is_ok() {
                let _ = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            }
        }
        let kept = beside(to, &format!(".replaced-{}", now.format("%Y%m%d-%H%M%S")));
        if let Err(e) = std::fs::rename(to, &kept) {
            let _ = std::fs::remove_file(&temp);
            return Err(StoreError::Invalid(format!(
                "cannot move the store aside to {}: {e}; nothing was changed",
                kept.display()
            )));
        }
        for suffix in ["-wal", "-shm"] {
            let side = beside(to, suffix);
            if side.exists() {
                let _ = std::fs::rename(&side, beside(&kept, suffix));
            }
        }
        Some(kept)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&temp, to) {
        // put the old store back where it was
        if let Some(k) = &kept {
            let _ = std::fs::rename(k, to);
        }
        let _ = std::fs::remove_file(&temp);
        return Err(StoreError::Invalid(format!(
            "cannot put the backup in place: {e}; the store was left as it was"
        )));
    }
    sync_dir(dir);
    Ok(Restored { check, kept })
}

/// Whether `name` is a manager who can sign in to the store (or backup) at
/// `path` with `pin`, read without writing to it (no sign-in record, no
/// lock-out count): for a restore when the store it replaces cannot be
/// signed in to.
pub fn manager_pin_matches(
    path: &Path,
    key: Option<&StoreKey>,
    name: &str,
    pin: &str,
) -> Result<bool> {
    let conn = open_to_check(path, key)?;
    let hash: Option<String> = conn
        .query_row(
            "SELECT pin_hash FROM operators WHERE name = ?1 AND role = 'manager' AND active = 1",
            [name.trim()],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| classify(path, e))?
        .flatten();
    Ok(hash.is_some_and(|h| super::operators::pin_matches(pin, &h)))
}

/// Backups taken on a timer by whichever console or ingest is running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every_hours: u32,
    /// How many of the newest scheduled backups to keep.
    pub keep: u32,
}

/// How long a process may hold the claim on a scheduled backup before
/// another may take it over (it crashed, or the machine slept).
const CLAIM_MINUTES: i64 = 60;
/// After a failed scheduled backup, when to try again.
const RETRY_MINUTES: i64 = 10;

fn meta_ts(tx: &rusqlite::Transaction, key: &str) -> Result<Option<i64>> {
    let v: Option<String> = tx
        .query_row("SELECT value FROM store_meta WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()))
}

fn set_meta(tx: &rusqlite::Transaction, key: &str, value: Option<i64>) -> Result<()> {
    match value {
        Some(v) => tx.execute(
            "INSERT INTO store_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            rusqlite::params![key, v.to_string()],
        )?,
        None => tx.execute("DELETE FROM store_meta WHERE key = ?1", [key])?,
    };
    Ok(())
}

/// The scheduled backups in `dir` for the store at `store`, oldest first.
pub fn scheduled_files(store: &Path, dir: &Path) -> Vec<PathBuf> {
    let stem = store
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!("{stem}-backup-");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".db"))
        })
        .collect();
    // the names carry the time: sorting them sorts by age
    found.sort();
    found
}

impl Store {
    /// Claim the scheduled backup if one is due, so no other console or
    /// ingest takes it at the same time: true if this process should take it.
    pub fn claim_scheduled_backup(&mut self, every_hours: u32, now: DateTime<Utc>) -> Result<bool> {
        let now_ts = super::ts(now);
        self.write(|tx| {
            if meta_ts(tx, "backup.claimed_until")?.is_some_and(|t| t > now_ts) {
                return Ok(false);
            }
            let due = meta_ts(tx, "backup.last_at")?
                .is_none_or(|last| now_ts >= last + every_hours as i64 * 3600);
            if due {
                set_meta(
                    tx,
                    "backup.claimed_until",
                    Some(now_ts + CLAIM_MINUTES * 60),
                )?;
            }
            Ok(due)
        })
    }

    /// After a scheduled backup: done (the next is due `every_hours` from
    /// now) or failed (tried again in a few minutes).
    fn finish_scheduled_backup(&mut self, done: bool, now: DateTime<Utc>) -> Result<()> {
        let now_ts = super::ts(now);
        self.write(|tx| {
            if done {
                set_meta(tx, "backup.last_at", Some(now_ts))?;
                set_meta(tx, "backup.claimed_until", None)
            } else {
                set_meta(
                    tx,
                    "backup.claimed_until",
                    Some(now_ts + RETRY_MINUTES * 60),
                )
            }
        })
    }

    /// When the last scheduled backup was taken.
    pub fn last_scheduled_backup(&self) -> Result<Option<DateTime<Utc>>> {
        let v: Option<String> = self
            .conn()
            .query_row(
                "SELECT value FROM store_meta WHERE key = 'backup.last_at'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(v.and_then(|v| v.parse().ok()).map(super::from_ts))
    }
}

/// What one scheduled run did.
#[derive(Debug, Clone)]
pub struct ScheduledBackup {
    pub file: PathBuf,
    pub check: BackupCheck,
    /// Older backups removed to keep `keep`.
    pub pruned: Vec<PathBuf>,
}

/// Take the scheduled backup of the store at `store` if it is due and no
/// other process has it: `None` if it was not due. Uses connections of its
/// own, so it runs on a thread beside the console or ingest.
pub fn run_schedule(
    store: &Path,
    key: Option<&StoreKey>,
    schedule: &Schedule,
    now: DateTime<Utc>,
) -> Result<Option<ScheduledBackup>> {
    // a store gone from its path is not made again, empty, to be backed up
    if !store.is_file() {
        return Err(StoreError::Invalid(format!(
            "there is no store at {} to back up",
            store.display()
        )));
    }
    let mut live = Store::open_with_key(store, key)?;
    if !live.claim_scheduled_backup(schedule.every_hours.max(1), now)? {
        return Ok(None);
    }
    let taken = (|| -> Result<ScheduledBackup> {
        if !schedule.dir.is_dir() {
            return Err(StoreError::Invalid(format!(
                "the backup folder {} does not exist ([backup] dir in the config)",
                schedule.dir.display()
            )));
        }
        let stem = store
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "watchroom".into());
        let file = schedule
            .dir
            .join(format!("{stem}-backup-{}.db", now.format("%Y%m%d-%H%M%S")));
        let check = copy(store, key, &file)?;
        live.record_backup(&file, &check, None, now)?;
        let mut all = scheduled_files(store, &schedule.dir);
        let mut pruned = vec![];
        let keep = schedule.keep.max(1) as usize;
        while all.len() > keep {
            let old = all.remove(0);
            if std::fs::remove_file(&old).is_ok() {
                let _ = std::fs::remove_file(checkpoint_path(&old));
                pruned.push(old);
            }
        }
        Ok(ScheduledBackup {
            file,
            check,
            pruned,
        })
    })();
    live.finish_scheduled_backup(taken.is_ok(), now)?;
    taken.map(Some)
}

/// One line for the console's toast or ingest's log.
pub fn describe_scheduled(b: &ScheduledBackup) -> String {
    let name = b
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pruned = match b.pruned.len() {
        0 => String::new(),
        1 => ", 1 old one removed".into(),
        n => format!(", {n} old ones removed"),
    };
    format!(
        "backup taken: {} ({:.1} MB, checked){pruned}",
        crate::domain::text::clean(&name),
        b.check.bytes as f64 / 1_048_576.0
    )
}
