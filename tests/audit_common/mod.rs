//! What the audit trail tests share: a demo store on a real file with its
//! trail of audit records, and the record most tests tamper with.

#![allow(dead_code)] // each test file uses a different part of this

use crate::support::now as t0;
use rusqlite::Connection;
use std::path::PathBuf;
use std::process::Command;
use tempfile::TempDir;
use watchroom::store::audit::{AuditKey, AuditProblem};
use watchroom::store::demo::{build_demo, DEMO_OPERATOR};
use watchroom::store::Store;

/// Notes added on top of the demo town, so the trail has a middle.
pub const NOTES: usize = 20;

/// The record most tests tamper with: well inside the trail.
pub const K: i64 = 10;

/// A demo store on a real file, with its trail of audit records.
pub struct Trail {
    pub dir: TempDir,
    pub path: PathBuf,
}

/// The key of a keyed trail's tests: a secret nothing else in a store holds.
pub const KEY: &str = "kept-off-the-store 7f3a9c2e1b5d";

pub fn key() -> AuditKey {
    AuditKey::new(KEY.as_bytes()).unwrap()
}

impl Trail {
    pub fn new() -> Trail {
        Trail::build(None)
    }

    /// The same trail, keyed from its first record with [`KEY`]; the binary
    /// is given the key through `[audit] key_file` in its config.
    pub fn keyed() -> Trail {
        let t = Trail::build(Some(&key()));
        t.give_key_to_cli();
        t
    }

    /// `[audit] key_file` in the config the binary reads, the file owner-only.
    pub fn give_key_to_cli(&self) {
        use std::os::unix::fs::PermissionsExt;
        let file = self.dir.path().join("audit.key");
        std::fs::write(&file, format!("{KEY}\n")).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        self.write_config(&format!("[audit]\nkey_file = \"{}\"\n", file.display()));
    }

    /// The config file the binary reads (XDG_CONFIG_HOME is the trail's).
    pub fn write_config(&self, text: &str) {
        let dir = self.dir.path().join("config/watchroom");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), text).unwrap();
    }

    fn build(audit_key: Option<&AuditKey>) -> Trail {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("watchroom.db");
        let mut store = Store::open_with_audit_key(&path, audit_key).unwrap();
        build_demo(&mut store, t0()).unwrap();
        let op = store
            .operator_or_add(DEMO_OPERATOR, "operator", t0())
            .unwrap();
        for i in 0..NOTES {
            store
                .add_note(
                    1,
                    &format!("update {i} from the CCTV desk"),
                    None,
                    op.id,
                    t0(),
                )
                .unwrap();
        }
        Trail { dir, path }
    }

    /// The attacker's own connection, as the sqlite3 tool would give them.
    pub fn raw(&self) -> Connection {
        let c = Connection::open(&self.path).unwrap();
        c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
        c
    }

    pub fn count(&self) -> i64 {
        self.raw()
            .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
            .unwrap()
    }

    pub fn hash_of(&self, id: i64) -> String {
        self.raw()
            .query_row("SELECT hash FROM audit WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    }

    /// What a fresh console opening the store finds.
    pub fn problem(&self) -> Option<AuditProblem> {
        Store::open(&self.path)
            .unwrap()
            .verify_audit()
            .unwrap()
            .problem
    }

    /// `watchroom audit verify --db PATH`: exit code and what it printed.
    /// The binary as a manager (or whoever `who` is) runs it, PIN on stdin.
    pub fn cli_as(&self, who: &str, pin: &str, args: &[&str]) -> (Option<i32>, String, String) {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = Command::new(env!("CARGO_BIN_EXE_watchroom"))
            .args(args)
            .arg("--db")
            .arg(&self.path)
            .args(["--as", who])
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env_remove("WATCHROOM_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{pin}").unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    pub fn cli(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_watchroom"))
            .args(args)
            .arg("--db")
            .arg(&self.path)
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env_remove("WATCHROOM_LOG")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// Both the store and the binary name `expected`; the binary exits 1.
    pub fn assert_broken(&self, expected: &AuditProblem) {
        assert_eq!(self.problem().as_ref(), Some(expected));
        let (code, out, err) = self.cli(&["audit", "verify"]);
        assert_eq!(
            out,
            format!("audit trail broken at {expected}\n"),
            "stderr: {err}"
        );
        assert_eq!(code, Some(1), "stderr: {err}");
    }
}
