//! Backups of a live store and restoring one, with the real binary: a copy
//! taken while ingest writes holds everything committed before it, checks
//! out, and restores; nothing half-written is ever kept; a store in use is
//! never replaced; scheduled backups are taken once, by whoever runs.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use support::{now, run_with_input};
use watchroom::domain::pin::PinPolicy;
use watchroom::store::backup::{self, Schedule};
use watchroom::store::Store;

const PIN: &str = "482913";

/// A scheme's store with a manager, a zone and a member, ready for ingest.
fn scheme(dir: &Path) -> PathBuf {
    let path = dir.join("real.db");
    let mut s = Store::open(&path).unwrap();
    let dana = s
        .create_first_manager("Dana Chief", PIN, &PinPolicy::default(), now())
        .unwrap();
    s.add_zone("High Street", "HS", dana.id, now()).unwrap();
    path
}

fn manager(dir: &Path, db: &Path, rest: &[&str]) -> (bool, String, String) {
    let mut args = vec!["--db", db.to_str().unwrap(), "--as", "Dana Chief"];
    args.extend(rest);
    run_with_input(dir, &args, &[PIN])
}

fn ingest(dir: &Path, db: &Path, extra: &[&str]) -> Child {
    let mut args = vec!["--db", db.to_str().unwrap()];
    args.extend(extra);
    args.push("ingest");
    Command::new(env!("CARGO_BIN_EXE_watchroom"))
        .args(&args)
        .env_clear()
        .env("HOME", dir)
        .env("TZ", "UTC")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn line(n: usize) -> String {
    format!(
        "{{\"kind\":\"incident\",\"type\":\"theft\",\"zone\":\"HS\",\"summary\":\"stream line {n}\",\"ref\":\"S-{n}\"}}\n"
    )
}

fn refs(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT source_ref FROM incidents WHERE source_ref IS NOT NULL ORDER BY id")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn audit_details(db: &Path, action: &str) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT detail FROM audit WHERE action = ?1 ORDER BY seq")
        .unwrap();
    st.query_map([action], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_backup_taken_mid_ingest_holds_all_committed_before_it_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = scheme(d);
    let mut feeder = ingest(d, &db, &[]);
    let mut stdin = feeder.stdin.take().unwrap();
    // a steady stream, well under way before the backup starts
    let writer = std::thread::spawn(move || {
        for n in 0..4000 {
            if stdin.write_all(line(n).as_bytes()).is_err() {
                return;
            }
            if n % 50 == 0 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
    });
    // wait (on the store, not the clock) until a good part is in
    while refs(&db).len() < 500 {
        std::thread::yield_now();
    }
    let before = refs(&db);
    let out = d.join("mid-stream.db");
    let (ok, text, err) = manager(d, &db, &["backup", "--out", out.to_str().unwrap()]);
    assert!(ok, "{text}{err}");
    assert!(text.contains("integrity ok; audit trail intact"), "{text}");
    writer.join().unwrap();
    let status = feeder.wait_with_output().unwrap();
    assert!(status.status.success());
    let after = refs(&db);
    assert!(
        after.len() > before.len(),
        "ingest kept writing during the backup"
    );

    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // no temporary file is left beside it
    let left: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".part"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // restored elsewhere: every incident committed before the backup is there
    let restored = d.join("restored.db");
    let (ok, text, err) = run_with_input(
        d,
        &[
            "--db",
            restored.to_str().unwrap(),
            "--as",
            "Dana Chief",
            "restore",
            out.to_str().unwrap(),
        ],
        &[PIN],
    );
    assert!(ok, "{text}{err}");
    assert!(text.contains("restored"), "{text}");
    let got = refs(&restored);
    for r in &before {
        assert!(
            got.contains(r),
            "{r} committed before the backup is missing"
        );
    }
    assert!(got.len() <= after.len());
    let report = Store::open(&restored).unwrap().verify_audit().unwrap();
    assert!(report.is_intact(), "{:?}", report.problem);

    // the live store records the backup with the newest hash the copy holds
    let copy_head = backup::check(&out, None).unwrap().newest.unwrap();
    let recorded = audit_details(&db, "backup");
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert!(
        recorded[0].contains(&format!("seq {}, hash {}", copy_head.seq, copy_head.hash)),
        "{recorded:?}"
    );
    assert!(audit_details(&restored, "restore")[0].contains("mid-stream.db"));
}

#[test]
fn a_backup_is_refused_plainly_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = scheme(d);
    let out = d.join("b.db");
    std::fs::write(&out, "not mine").unwrap();
    for (args, expect) in [
        (
            vec!["backup", "--out", out.to_str().unwrap()],
            "already exists",
        ),
        (vec!["backup", "--out", "missing/b.db"], "does not exist"),
        (
            vec!["backup", "--out", db.to_str().unwrap()],
            "already exists",
        ),
    ] {
        let (ok, _, err) = manager(d, &db, &args);
        assert!(!ok, "{args:?}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "not mine");
    assert!(!d.join("missing").exists());
    // a wrong PIN takes no copy
    let (ok, _, err) = run_with_input(
        d,
        &[
            "--db",
            db.to_str().unwrap(),
            "--as",
            "Dana Chief",
            "backup",
            "--out",
            "c.db",
        ],
        &["999999"],
    );
    assert!(!ok && err.contains("wrong PIN"), "{err}");
    assert!(!d.join("c.db").exists());
    assert!(audit_details(&db, "backup").is_empty());
}

#[test]
fn a_full_disk_keeps_no_half_written_backup() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = scheme(d);
    // a store too big for the file-size limit the backup runs under
    {
        let mut c = rusqlite::Connection::open(&db).unwrap();
        let tx = c.transaction().unwrap();
        let text = "a long account of what happened at the till ".repeat(12);
        for n in 0..2000 {
            tx.execute(
                "INSERT INTO incidents (kind, priority, status, summary, opened_at, updated_at, opened_by, updated_by)
                 VALUES ('theft', 3, 'closed', ?1, ?2, ?2, 1, 1)",
                rusqlite::params![format!("{n} {text}"), 1_700_000_000 + n],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let size = std::fs::metadata(&db).unwrap().len();
    let limit = size / 2;
    assert!(limit > 64 * 1024, "the store is {size} bytes");
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchroom"));
    child
        .args([
            "--db",
            db.to_str().unwrap(),
            "--as",
            "Dana Chief",
            "backup",
            "--out",
            "full.db",
        ])
        .env_clear()
        .env("HOME", d)
        .current_dir(d)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe calls between fork and exec
    unsafe {
        child.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = child.spawn().unwrap();
    writeln!(child.stdin.take().unwrap(), "{PIN}").unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("full") && err.contains("nothing was kept"),
        "{err}"
    );
    let names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("full.db")),
        "a partial backup was left: {names:?}"
    );
    assert!(audit_details(&db, "backup").is_empty());
}

#[test]
fn restore_checks_the_backup_refuses_a_store_in_use_and_keeps_what_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = scheme(d);
    let out = d.join("monday.db");
    let (ok, _, err) = manager(d, &db, &["backup", "--out", out.to_str().unwrap()]);
    assert!(ok, "{err}");
    // after the backup the live store moves on
    let (ok, _, err) = manager(d, &db, &["zone", "add", "Market Square", "--code", "MS"]);
    assert!(ok, "{err}");

    // not a store, another program's database, a backup whose trail was edited
    let junk = d.join("junk.db");
    std::fs::write(&junk, "hello\n").unwrap();
    let other = d.join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE songs(title TEXT); INSERT INTO songs VALUES ('x');")
        .unwrap();
    let edited = d.join("edited.db");
    std::fs::copy(&out, &edited).unwrap();
    rusqlite::Connection::open(&edited)
        .unwrap()
        .execute(
            "UPDATE audit SET detail = 'nothing happened' WHERE seq = 2",
            [],
        )
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    for (file, expect) in [
        (&junk, "not a watchroom store"),
        (&other, "not a watchroom store"),
        (&edited, "audit trail"),
        (&d.join("absent.db"), "cannot be restored"),
    ] {
        let (ok, _, err) = manager(d, &db, &["restore", file.to_str().unwrap()]);
        assert!(!ok, "{file:?} restored");
        assert!(err.contains(expect), "{file:?}: {err}");
    }
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "a refused restore touched the store"
    );

    // refused while ingest has the store open; the store is left as it was
    let mut running = ingest(d, &db, &[]);
    let mut stdin = running.stdin.take().unwrap();
    stdin.write_all(line(1).as_bytes()).unwrap();
    stdin.flush().unwrap();
    while refs(&db).is_empty() {
        std::thread::yield_now();
    }
    let (ok, _, err) = manager(d, &db, &["restore", out.to_str().unwrap()]);
    assert!(!ok, "restored under a running ingest");
    assert!(err.contains("open in a console or ingest"), "{err}");
    assert_eq!(refs(&db).len(), 1);
    drop(stdin);
    assert!(running.wait().unwrap().success());

    // with nobody on it: restored, the replaced store kept beside it
    let (ok, text, err) = manager(d, &db, &["restore", out.to_str().unwrap()]);
    assert!(ok, "{text}{err}");
    assert!(text.contains("holds: 0 incidents"), "{text}");
    assert!(text.contains("kept as"), "{text}");
    let kept: Vec<PathBuf> = std::fs::read_dir(d)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("real.db.replaced-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let s = Store::open(&db).unwrap();
    assert!(
        s.zone_by_code("MS").unwrap().is_none(),
        "Monday's store is back"
    );
    assert!(s.verify_audit().unwrap().is_intact());
    drop(s);
    assert_eq!(
        refs(&kept[0]).len(),
        1,
        "the replaced store holds what it had"
    );
    assert!(Store::open(&kept[0])
        .unwrap()
        .zone_by_code("MS")
        .unwrap()
        .is_some());
}

#[test]
fn a_restore_onto_a_lost_store_asks_a_manager_of_the_backup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = scheme(d);
    let out = d.join("b.db");
    assert!(manager(d, &db, &["backup", "--out", out.to_str().unwrap()]).0);
    std::fs::remove_file(&db).unwrap();
    let (ok, _, err) = run_with_input(
        d,
        &[
            "--db",
            db.to_str().unwrap(),
            "--as",
            "Dana Chief",
            "restore",
            out.to_str().unwrap(),
        ],
        &["111111"],
    );
    assert!(!ok && err.contains("not a manager of the backup"), "{err}");
    assert!(!db.exists(), "a refused restore made a store");
    let (ok, text, err) = manager(d, &db, &["restore", out.to_str().unwrap()]);
    assert!(ok, "{text}{err}");
    assert!(!text.contains("kept as"), "{text}");
    assert!(Store::open(&db)
        .unwrap()
        .zone_by_code("HS")
        .unwrap()
        .is_some());
}

#[test]
fn scheduled_backups_are_taken_once_whoever_runs_and_old_ones_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = scheme(d);
    let backups = d.join("backups");
    std::fs::create_dir(&backups).unwrap();
    let schedule = Schedule {
        dir: backups.clone(),
        every_hours: 6,
        keep: 2,
    };
    // two processes' worth of takers at the same moment: one backup
    let takers: Vec<_> = (0..4)
        .map(|_| {
            let (db, schedule) = (db.clone(), schedule.clone());
            std::thread::spawn(move || backup::run_schedule(&db, None, &schedule, now()).unwrap())
        })
        .collect();
    let taken: Vec<_> = takers
        .into_iter()
        .filter_map(|t| t.join().unwrap())
        .collect();
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert_eq!(backup::scheduled_files(&db, &backups).len(), 1);
    // not due again until six hours on
    let later = now() + chrono::Duration::hours(5);
    assert!(backup::run_schedule(&db, None, &schedule, later)
        .unwrap()
        .is_none());
    for h in [6, 12, 18] {
        let at = now() + chrono::Duration::hours(h);
        assert!(backup::run_schedule(&db, None, &schedule, at)
            .unwrap()
            .is_some());
    }
    let files = backup::scheduled_files(&db, &backups);
    assert_eq!(files.len(), 2, "keep = 2: {files:?}");
    assert!(
        files[1]
            .to_string_lossy()
            .contains("-backup-20261128-060000"),
        "{files:?}"
    );
    assert_eq!(audit_details(&db, "backup").len(), 4);
    for f in &files {
        assert!(backup::check(f, None).is_ok());
    }

    // a missing folder is said, and tried again later rather than at once
    let gone = Schedule {
        dir: d.join("unplugged"),
        ..schedule
    };
    let at = now() + chrono::Duration::hours(30);
    let err = backup::run_schedule(&db, None, &gone, at).unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(backup::run_schedule(&db, None, &gone, at)
        .unwrap()
        .is_none());
}

#[test]
fn ingest_running_takes_the_scheduled_backup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = scheme(d);
    let backups = d.join("backups");
    std::fs::create_dir(&backups).unwrap();
    let config = d.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[backup]\ndir = \"{}\"\nevery_hours = 24\nkeep = 3\n",
            backups.display()
        ),
    )
    .unwrap();
    let mut running = ingest(d, &db, &["--config", config.to_str().unwrap()]);
    let stdin = running.stdin.take().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while backup::scheduled_files(&db, &backups).is_empty() {
        assert!(std::time::Instant::now() < deadline, "no scheduled backup");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    drop(stdin);
    let out = running.wait_with_output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("backup taken"), "{err}");
    let files = backup::scheduled_files(&db, &backups);
    assert_eq!(files.len(), 1);
    assert!(backup::check(&files[0], None).is_ok());
}
