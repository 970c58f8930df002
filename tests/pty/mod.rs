//! The real `watchroom` binary in a pseudo-terminal, driven by keys and read
//! back from the screen (a `vt100` parser fed by every byte the console
//! writes): what the end-to-end tests share.
//!
//! Every wait is on the screen (or the child's exit) with a generous
//! timeout; nothing synchronises on a bare sleep. On a timeout the test fails
//! showing the whole screen.
//!
//! The console sends only the cells that changed, and a frame can arrive in
//! several reads, so a screen may be seen half drawn. Every check is
//! therefore a condition waited for (`wait_for`), never an assertion on a
//! snapshot taken the moment one word appeared.

#![allow(dead_code)] // each test file uses a different part of this

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::PathBuf;
use std::process::{Child, ExitStatus};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use pty_process::blocking as pty;

/// How long any wait may take before the test fails (a loaded 2-core machine).
pub const WAIT: Duration = Duration::from_secs(10);

pub const BOARD: &str = "Incidents — live";
/// The title of the question `q` asks with the shift open.
pub const QUIT_QUESTION: &str = "Quit — your shift since";

// ----- keys ---------------------------------------------------------------

pub const TAB: &str = "\t";
pub const ENTER: &str = "\r";
/// Sent on its own: a lone ESC followed by more bytes in the same read would
/// be taken for the start of an escape sequence.
pub const ESC: &str = "\x1b";
pub const CTRL_S: &str = "\x13";
pub const CTRL_U: &str = "\x15";

// ----- the harness --------------------------------------------------------

/// Answers the terminal queries a full-screen app might send (cursor position,
/// primary device attributes) so nothing waits two seconds for a reply, and
/// records what a hostile string might try to do to the real terminal.
#[derive(Default)]
pub struct Replies {
    pub pending: Vec<u8>,
    pub titles: Vec<Vec<u8>>,
}

impl vt100::Callbacks for Replies {
    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let first = params.first().and_then(|p| p.first()).copied();
        match (i1, c, first) {
            // DSR: cursor position report
            (None, 'n', Some(6)) => {
                let (row, col) = screen.cursor_position();
                self.pending
                    .extend_from_slice(format!("\x1b[{};{}R", row + 1, col + 1).as_bytes());
            }
            // DA1: "a VT100 with advanced video"
            (None, 'c', None | Some(0)) => self.pending.extend_from_slice(b"\x1b[?1;2c"),
            _ => {}
        }
    }

    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }

    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(name.to_vec());
    }
}

pub struct State {
    pub parser: vt100::Parser<Replies>,
    /// Every byte the console wrote, in order.
    pub raw: Vec<u8>,
    /// The pty reported end of file or an error: the child closed the terminal.
    pub eof: bool,
}

pub struct Shared {
    pub state: Mutex<State>,
    pub changed: Condvar,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        // a failed assertion elsewhere must not hide the screen behind a poisoned lock
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Opening a pty and spawning onto it happen under one lock (as does every
/// other spawn here), so a child spawned by a test on another thread never
/// inherits a pty descriptor in the moment before it is marked close-on-exec.
pub static SPAWN: Mutex<()> = Mutex::new(());

pub fn size(rows: u16, cols: u16) -> (NonZeroU16, NonZeroU16) {
    (
        NonZeroU16::new(rows).expect("rows > 0"),
        NonZeroU16::new(cols).expect("cols > 0"),
    )
}

/// One console in one pseudo-terminal.
pub struct Console {
    pub name: String,
    pub pty: Arc<pty::Pty>,
    pub child: Option<Child>,
    pub shared: Arc<Shared>,
    pub reader: Option<JoinHandle<()>>,
    pub log: PathBuf,
}

/// A temporary home for one test: the store's folder, and data/config
/// directories so the child never touches the real home.
pub struct Place {
    pub dir: tempfile::TempDir,
    /// The host's time zone as the child sees it (`TZ`).
    pub host_zone: &'static str,
}

impl Place {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        for sub in ["data", "config", "home"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        Place {
            dir,
            host_zone: "UTC",
        }
    }

    /// A place whose host keeps another time zone.
    pub fn with_host_zone(host_zone: &'static str) -> Self {
        Place {
            host_zone,
            ..Place::new()
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("store.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn envs(&self) -> Vec<(&'static str, PathBuf)> {
        let d = self.dir.path();
        vec![
            ("HOME", d.join("home")),
            ("XDG_DATA_HOME", d.join("data")),
            ("XDG_CONFIG_HOME", d.join("config")),
            ("TERM", "xterm-256color".into()),
            ("TZ", self.host_zone.into()),
            ("USER", "tester".into()),
            ("LANG", "C.UTF-8".into()),
            // the screen emulator answers no terminal queries: draw photos as half-blocks
            ("NO_GRAPHICS", "1".into()),
        ]
    }

    /// The binary as a shell command in this place's folder, with `extra`
    /// in its environment and `input` as lines on standard input:
    /// (succeeded, stdout, stderr).
    pub fn run(
        &self,
        args: &[String],
        extra: &std::collections::HashMap<String, String>,
        input: &[String],
    ) -> (bool, String, String) {
        use std::process::{Command, Stdio};
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_watchroom"));
        cmd.args(args)
            .env_clear()
            .current_dir(self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in self.envs() {
            cmd.env(k, v);
        }
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let mut child = {
            let _one_at_a_time = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
            cmd.spawn().expect("spawn watchroom")
        };
        {
            let mut stdin = child.stdin.take().expect("stdin");
            for line in input {
                let _ = writeln!(stdin, "{line}");
            }
        }
        let out = child.wait_with_output().expect("wait for watchroom");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `watchroom demo --db STORE [extra…]` in a terminal of `cols`×`rows`.
    pub fn demo(&self, name: &str, cols: u16, rows: u16, extra: &[&str]) -> Console {
        let db = self.db();
        let mut args: Vec<&str> = vec!["demo", "--db", db.to_str().expect("utf-8 path")];
        args.extend_from_slice(extra);
        self.spawn(name, cols, rows, &args)
    }

    pub fn spawn(&self, name: &str, cols: u16, rows: u16, args: &[&str]) -> Console {
        self.spawn_with(name, cols, rows, args, &Default::default())
    }

    /// The binary with `args` in a terminal, with `extra` in its environment.
    pub fn spawn_with(
        &self,
        name: &str,
        cols: u16,
        rows: u16,
        args: &[&str],
        extra: &std::collections::HashMap<String, String>,
    ) -> Console {
        let mut cmd = pty::Command::new(env!("CARGO_BIN_EXE_watchroom"))
            .args(args)
            .env_clear()
            .current_dir(self.dir.path());
        for (k, v) in self.envs() {
            cmd = cmd.env(k, v);
        }
        for (k, v) in extra {
            cmd = cmd.env(k, v);
        }
        let (pty, child) = {
            let _one_at_a_time = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
            let (pty, pts) = pty::open().expect("open a pty");
            pty.resize(pty_process::Size::new(rows, cols))
                .expect("size the pty");
            let child = cmd.spawn(pts).expect("spawn watchroom");
            (pty, child)
        };
        let (r, c) = size(rows, cols);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                parser: vt100::Parser::new_with_callbacks(r, c, 0, Replies::default()),
                raw: Vec::new(),
                eof: false,
            }),
            changed: Condvar::new(),
        });
        let pty = Arc::new(pty);
        let reader = {
            let pty = Arc::clone(&pty);
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("pty-{name}"))
                .spawn(move || read_all(&pty, &shared))
                .expect("reader thread")
        };
        Console {
            name: name.to_string(),
            pty,
            child: Some(child),
            shared,
            reader: Some(reader),
            log: self.dir.path().join("watchroom.log"),
        }
    }
}

/// U+FFFD as UTF-8. `vt100` treats it as the mark of undecodable input and
/// drops it (without moving the cursor), but the console prints it on purpose
/// (it is what a removed control character is shown as), so the reader swaps
/// it for a private-use stand-in of the same width and `text_of` swaps it back.
pub const REPLACEMENT_UTF8: &[u8] = "\u{FFFD}".as_bytes();
pub const STAND_IN: char = '\u{E0FD}';

/// Swap every complete U+FFFD in `bytes` for the stand-in (same length).
pub fn swap_replacement(bytes: &mut [u8]) {
    let mut stand_in = [0u8; 3];
    STAND_IN.encode_utf8(&mut stand_in);
    let mut i = 0;
    while i + 3 <= bytes.len() {
        if &bytes[i..i + 3] == REPLACEMENT_UTF8 {
            bytes[i..i + 3].copy_from_slice(&stand_in);
            i += 3;
        } else {
            i += 1;
        }
    }
}

/// How many bytes at the end of `bytes` could be the start of a U+FFFD cut by
/// the read boundary (held back until the next read).
pub fn partial_replacement(bytes: &[u8]) -> usize {
    (1..=2)
        .rev()
        .find(|&k| bytes.len() >= k && bytes[bytes.len() - k..] == REPLACEMENT_UTF8[..k])
        .unwrap_or(0)
}

/// Keep reading the pty until the child closes it: an unread pty fills up and
/// blocks the console.
pub fn read_all(pty: &pty::Pty, shared: &Shared) {
    let mut buf = [0u8; 16 * 1024];
    let mut held: Vec<u8> = Vec::new();
    loop {
        let n = match (&*pty).read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // EIO: every copy of the terminal's other end is closed
            Err(_) => break,
        };
        let mut chunk = std::mem::take(&mut held);
        chunk.extend_from_slice(&buf[..n]);
        let keep = partial_replacement(&chunk);
        held = chunk.split_off(chunk.len() - keep);
        let reply = {
            let mut st = shared.lock();
            st.raw.extend_from_slice(&buf[..n]);
            swap_replacement(&mut chunk);
            st.parser.process(&chunk);
            std::mem::take(&mut st.parser.callbacks_mut().pending)
        };
        if !reply.is_empty() {
            let _ = (&*pty).write_all(&reply);
        }
        shared.changed.notify_all();
    }
    let mut st = shared.lock();
    if !held.is_empty() {
        st.parser.process(&held);
    }
    st.eof = true;
    drop(st);
    shared.changed.notify_all();
}

/// The screen as lines of text, one per row.
pub fn text_of(screen: &vt100::Screen) -> String {
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .collect::<Vec<_>>()
        .join("\n")
        .replace(STAND_IN, "\u{FFFD}")
}

impl Console {
    pub fn pid(&self) -> i32 {
        self.child.as_ref().expect("child").id() as i32
    }

    /// Type `keys` (one write: the console reads them in order).
    pub fn send(&self, keys: &str) {
        (&*self.pty)
            .write_all(keys.as_bytes())
            .unwrap_or_else(|e| panic!("[{}] cannot type {keys:?}: {e}", self.name));
    }

    pub fn screen(&self) -> vt100::Screen {
        self.shared.lock().parser.screen().clone()
    }

    pub fn raw(&self) -> Vec<u8> {
        self.shared.lock().raw.clone()
    }

    pub fn titles(&self) -> Vec<Vec<u8>> {
        self.shared.lock().parser.callbacks().titles.clone()
    }

    pub fn failure(&self, what: &str, st: &State, why: &str) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        let (rows, cols) = st.parser.screen().size();
        format!(
            "[{}] {why} waiting for {what}\n--- screen {cols}x{rows} ---\n{}\n--- end of screen ---\n--- log tail ---\n{}\n",
            self.name,
            text_of(st.parser.screen()),
            tail.join("\n")
        )
    }

    /// Wait until `pred` holds for the screen's text; fail showing the screen.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        self.wait_screen(what, timeout, |s| pred(&text_of(s)))
    }

    /// Wait until `pred` holds for the screen; fail showing the screen.
    pub fn wait_screen(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&vt100::Screen) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        let mut st = self.shared.lock();
        loop {
            if pred(st.parser.screen()) {
                return text_of(st.parser.screen());
            }
            let why = if st.eof {
                Some("the console closed its terminal")
            } else if Instant::now() >= deadline {
                Some("timed out")
            } else {
                None
            };
            if let Some(why) = why {
                let msg = self.failure(what, &st, why);
                drop(st);
                panic!("{msg}");
            }
            let left = deadline.saturating_duration_since(Instant::now());
            st = self
                .shared
                .changed
                .wait_timeout(st, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// How many bytes the console has written so far (a mark for `wait_raw`).
    pub fn raw_len(&self) -> usize {
        self.shared.lock().raw.len()
    }

    /// Wait until `pred` holds for the raw bytes written since `from` (a
    /// `raw_len` mark); fail showing the screen.
    pub fn wait_raw(
        &self,
        what: &str,
        from: usize,
        timeout: Duration,
        pred: impl Fn(&[u8]) -> bool,
    ) {
        let deadline = Instant::now() + timeout;
        let mut st = self.shared.lock();
        loop {
            if pred(st.raw.get(from..).unwrap_or(&[])) {
                return;
            }
            let why = if st.eof {
                Some("the console closed its terminal")
            } else if Instant::now() >= deadline {
                Some("timed out")
            } else {
                None
            };
            if let Some(why) = why {
                let msg = self.failure(what, &st, why);
                drop(st);
                panic!("{msg}");
            }
            let left = deadline.saturating_duration_since(Instant::now());
            st = self
                .shared
                .changed
                .wait_timeout(st, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Wait until the screen shows `needle`.
    pub fn wait_text(&self, needle: &str) -> String {
        self.wait_for(&format!("{needle:?}"), WAIT, |t| t.contains(needle))
    }

    /// Wait until the screen no longer shows `needle`.
    pub fn wait_gone(&self, needle: &str) -> String {
        self.wait_for(&format!("{needle:?} to go"), WAIT, |t| !t.contains(needle))
    }

    /// `q`, then leave the shift running for the next operator: the console quits.
    pub fn quit_leaving_shift(&self) {
        self.send("q");
        self.wait_text(QUIT_QUESTION);
        self.send("l");
    }

    /// Wait for the live board (and the status bar under it).
    pub fn wait_board(&self) -> String {
        self.wait_for("the board", WAIT, |t| {
            t.contains(BOARD) && t.contains("store ● ok")
        })
    }

    /// Resize the terminal: the parser first, then the pty (which signals the child).
    pub fn resize(&self, cols: u16, rows: u16) {
        {
            let mut st = self.shared.lock();
            let (r, c) = size(rows, cols);
            st.parser.set_size(r, c);
        }
        self.pty
            .resize(pty_process::Size::new(rows, cols))
            .expect("resize the pty");
    }

    /// Whether the child is still running.
    pub fn running(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => c.try_wait().expect("try_wait").is_none(),
            None => false,
        }
    }

    /// Wait for the child to close the terminal and exit; every byte it wrote
    /// has been read (and parsed) by the time this returns.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        {
            let mut st = self.shared.lock();
            while !st.eof {
                if Instant::now() >= deadline {
                    let msg = self.failure("the console to exit", &st, "timed out");
                    drop(st);
                    panic!("{msg}");
                }
                let left = deadline.saturating_duration_since(Instant::now());
                st = self
                    .shared
                    .changed
                    .wait_timeout(st, left)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        }
        // the terminal is closed, so the process is exiting: reap it
        let child = self.child.as_mut().expect("child");
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                self.child = None;
                return status;
            }
            if Instant::now() >= deadline {
                panic!("[{}] closed its terminal but did not exit", self.name);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// After the console exits: the terminal must be as it was found.
    pub fn assert_restored(&self) {
        let screen = self.screen();
        assert!(
            !screen.alternate_screen(),
            "[{}] still on the alternate screen after exit\n{}",
            self.name,
            text_of(&screen)
        );
        assert!(
            !screen.hide_cursor(),
            "[{}] cursor still hidden after exit",
            self.name
        );
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // the reader ends when the terminal's other end closes; give it a moment,
        // then let it go (it owns its own handles)
        if let Some(reader) = self.reader.take() {
            let deadline = Instant::now() + Duration::from_secs(2);
            let mut st = self.shared.lock();
            while !st.eof && Instant::now() < deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                st = self
                    .shared
                    .changed
                    .wait_timeout(st, left)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
            let done = st.eof;
            drop(st);
            if done {
                let _ = reader.join();
            }
        }
    }
}

// ----- helpers over the screen --------------------------------------------

/// The first line that contains `needle`.
pub fn line_with<'a>(text: &'a str, needle: &str) -> Option<&'a str> {
    text.lines().find(|l| l.contains(needle))
}

/// Whether some line contains every one of `parts`.
pub fn some_line_has(text: &str, parts: &[&str]) -> bool {
    text.lines().any(|l| parts.iter().all(|p| l.contains(p)))
}
