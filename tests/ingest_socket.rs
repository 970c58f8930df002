//! Ingest by the real binary: listening on a Unix socket for two clients at
//! once, leaving alone a path that is not a socket, refusing a store that is
//! not there, and a signal stopping it reading standard input, keeping what
//! came before.

mod ingest_common;
mod support;

use chrono::Duration;
use ingest_common::*;
use rusqlite::params;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use support::{demo_store, now};
use watchroom::store::Store;

struct Ingest {
    child: std::process::Child,
}

impl Drop for Ingest {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_watchroom"));
    cmd.args(args)
        .env_clear()
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("TZ", "UTC")
        .env("LANG", "C.UTF-8")
        .current_dir(dir);
    cmd
}

/// Wait, polling, until `cond` holds; fail saying `what` after 10 s.
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Send `lines` as one client, say it has finished, and read the reply.
fn client(socket: &Path, lines: Vec<String>) -> String {
    let mut s = std::os::unix::net::UnixStream::connect(socket).expect("connect");
    for l in &lines {
        s.write_all(l.as_bytes()).unwrap();
        s.write_all(b"\n").unwrap();
    }
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    reply
}

#[test]
fn two_clients_on_the_socket_at_once_are_each_answered() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let (dir, path) = demo_store();
    let socket: PathBuf = dir.path().join("ingest.sock");
    let db = path.to_str().unwrap();
    let sock = socket.to_str().unwrap();
    let child = binary(dir.path(), &["ingest", "--db", db, "--socket", sock])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn ingest");
    let mut ingest = Ingest { child };
    wait_until("the socket", || {
        std::fs::symlink_metadata(&socket).is_ok_and(|m| m.file_type().is_socket())
    });
    let mode = std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the socket is its owner's only");

    // a second ingest on the same socket is refused, and the first keeps it
    let second = binary(dir.path(), &["ingest", "--db", db, "--socket", sock])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!second.status.success());
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("is in use"), "{said}");
    assert!(socket.exists());

    let cs = call_sign(&path, "issued");
    // two clients at once, each with a bad line; both send the same alarm
    let a = {
        let socket = socket.clone();
        let lines: Vec<String> = (0..200)
            .map(|i| format!(r#"{{"kind":"incident","type":"theft","zone":"HS","summary":"from A {i}","ref":"A-{i}"}}"#))
            .chain([
                "{broken".to_string(),
                r#"{"kind":"alarm","member":"Greggs","alarm":"panic","ref":"ALM-1"}"#.to_string(),
            ])
            .collect();
        std::thread::spawn(move || client(&socket, lines))
    };
    let b = {
        let socket = socket.clone();
        let lines: Vec<String> = vec![
            format!(r#"{{"kind":"radio","call_sign":"{cs}","event":"sign_on"}}"#),
            r#"{"kind":"radio","call_sign":"NOPE","event":"sign_on"}"#.to_string(),
            r#"{"kind":"alarm","member":"Greggs","alarm":"panic","ref":"ALM-1"}"#.to_string(),
        ];
        std::thread::spawn(move || client(&socket, lines))
    };
    let a = a.join().unwrap();
    let b = b.join().unwrap();
    assert!(a.contains("line 201: not JSON"), "{a}");
    assert!(
        b.contains("line 2: no radio has the call sign “NOPE”"),
        "{b}"
    );
    // the alarm both sent is one incident: one of them was told it is a duplicate
    let tallies = format!("{a}{b}");
    assert!(
        (a.contains("201 accepted, 0 duplicates, 1 rejected")
            && b.contains("1 accepted, 1 duplicate, 1 rejected"))
            || (a.contains("200 accepted, 1 duplicate, 1 rejected")
                && b.contains("2 accepted, 0 duplicates, 1 rejected")),
        "{tallies}"
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM incidents WHERE summary LIKE 'from A %'"
        ),
        200
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM incidents WHERE source_ref = 'ALM-1'"
        ),
        1
    );
    assert!(Store::open(&path)
        .unwrap()
        .on_air(now() - Duration::days(3650))
        .unwrap()
        .contains(&cs));

    // stopped: the socket is removed and it says how it went
    // SAFETY: kill(2) on our own child, which has not been reaped
    let rc = unsafe { libc::kill(ingest.child.id() as i32, libc::SIGTERM) };
    assert_eq!(rc, 0);
    let mut stderr = String::new();
    ingest
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = ingest.child.wait().unwrap();
    assert!(status.success(), "{status:?}\n{stderr}");
    assert!(!socket.exists(), "the socket is removed on exit");
    assert!(
        stderr.contains("client 1") && stderr.contains("client 2"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ingest: 202 accepted, 1 duplicate, 2 rejected"),
        "{stderr}"
    );
    let n: i64 = conn(&path)
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'ingest' AND detail = ?1",
            params!["accepted 202, duplicates 1, rejected 2"],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1, "the run is audited");
}

#[test]
fn a_path_that_is_not_a_socket_is_left_alone() {
    let (dir, path) = demo_store();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "keep me\n").unwrap();
    let out = binary(
        dir.path(),
        &[
            "ingest",
            "--db",
            path.to_str().unwrap(),
            "--socket",
            file.to_str().unwrap(),
        ],
    )
    .stdin(std::process::Stdio::null())
    .output()
    .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("is not a socket"), "{said}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me\n");
}

#[test]
fn ingest_into_a_store_that_is_not_there_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let out = binary(dir.path(), &["ingest", "--db", missing.to_str().unwrap()])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no store"));
    assert!(!missing.exists());
}

#[test]
fn a_signal_stops_reading_standard_input_and_keeps_what_came_before() {
    let (dir, path) = demo_store();
    let mut child = binary(dir.path(), &["ingest", "--db", path.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn ingest");
    let mut stdin = child.stdin.take().unwrap();
    for i in 1..=3 {
        writeln!(
            stdin,
            r#"{{"kind":"incident","type":"theft","zone":"HS","summary":"before the signal","ref":"SIG-{i}"}}"#
        )
        .unwrap();
    }
    stdin.flush().unwrap();
    wait_until("the three lines written", || {
        count(
            &path,
            "SELECT COUNT(*) FROM incidents WHERE source_ref LIKE 'SIG-%'",
        ) == 3
    });
    // the sender is still connected: only the signal ends it
    let mut ingest = Ingest { child };
    // SAFETY: kill(2) on our own child, which has not been reaped
    let rc = unsafe { libc::kill(ingest.child.id() as i32, libc::SIGTERM) };
    assert_eq!(rc, 0);
    let mut said = String::new();
    ingest
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut said)
        .unwrap();
    let status = ingest.child.wait().unwrap();
    drop(stdin);
    assert!(status.success(), "{status:?}\n{said}");
    assert!(said.contains("stopped by a signal after line 3"), "{said}");
    assert!(
        said.contains("ingest: 3 accepted, 0 duplicates, 0 rejected"),
        "{said}"
    );
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM audit WHERE action = 'ingest' AND detail = 'accepted 3, duplicates 0, rejected 0'"
        ),
        1
    );
}
