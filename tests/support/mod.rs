//! Builds a console on a real demo store in a temp dir, with a fixed clock.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use watchroom::app::config::Config;
use watchroom::app::{Action, App};
use watchroom::domain::FixedClock;
use watchroom::store::{demo, Store};
use watchroom::ui::Themes;

pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub struct Console {
    pub app: App,
    /// The store worker's own connection, as the runtime gives it one.
    pub worker: Store,
    pub clock: Arc<FixedClock>,
    pub themes: Themes,
    pub dir: Option<tempfile::TempDir>,
    pub path: PathBuf,
}

/// A demo store in a fresh temp dir.
pub fn demo_store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut s = Store::open(&path).unwrap();
    demo::build_demo(&mut s, now()).unwrap();
    (dir, path)
}

pub fn console_on(path: &Path, operator: &str, config: Config) -> Console {
    console_at(path, operator, config, now())
}

/// A console started with its clock at `at` (as one started later would be).
pub fn console_at(path: &Path, operator: &str, config: Config, at: DateTime<Utc>) -> Console {
    let clock = Arc::new(FixedClock::new(at));
    let mut store = Store::open(path).unwrap();
    let op = store.operator_or_add(operator, "operator", now()).unwrap();
    let (themes, warnings) = Themes::load(None, false);
    assert!(warnings.is_empty());
    let mut app = App::new(
        store,
        clock.clone(),
        config,
        op,
        "default".into(),
        themes.names(),
    )
    .unwrap();
    app.update(Action::Resize(120, 40));
    let mut c = Console {
        app,
        worker: Store::open(path).unwrap(),
        clock,
        themes,
        dir: None,
        path: path.to_path_buf(),
    };
    // what the worker reads at start (the register's search index) is in
    c.settle();
    c
}

/// A console on `path` with nobody signed in, as `watchroom --db PATH`
/// opens one: behind the lock screen given.
pub fn signed_out_console(path: &Path, lock: watchroom::app::signin::LockScreen) -> Console {
    let clock = Arc::new(FixedClock::new(now()));
    let store = Store::open(path).unwrap();
    let nobody = watchroom::store::Operator {
        id: 0,
        name: String::new(),
        role: watchroom::domain::permission::Role::Viewer,
    };
    let (themes, _) = Themes::load(None, false);
    let mut app = App::new(
        store,
        clock.clone(),
        Config::default(),
        nobody,
        "default".into(),
        themes.names(),
    )
    .unwrap();
    app.lock = Some(lock);
    app.update(Action::Resize(120, 40));
    let mut c = Console {
        app,
        worker: Store::open(path).unwrap(),
        clock,
        themes,
        dir: None,
        path: path.to_path_buf(),
    };
    // what the worker reads at start (the register's search index) is in
    c.settle();
    c
}

/// The real binary with `args` and these lines on standard input (PINs,
/// each on its own line): (succeeded, stdout, stderr).
pub fn run_with_input(dir: &Path, args: &[&str], input: &[&str]) -> (bool, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchroom"))
        .args(args)
        .env_clear()
        .env("HOME", dir)
        .env("TZ", "UTC")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for line in input {
            writeln!(stdin, "{line}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn demo_console() -> Console {
    let (dir, path) = demo_store();
    let mut c = console_on(&path, demo::DEMO_OPERATOR, Config::default());
    c.dir = Some(dir);
    c
}

impl Console {
    /// Enter on the register's selected person, then the one-line reason
    /// the console asks for before it shows a profile.
    pub fn open_profile(&mut self, why: &str) {
        self.key(KeyCode::Enter);
        self.keys(why);
        self.key(KeyCode::Enter);
    }
    pub fn key(&mut self, code: KeyCode) -> Option<Action> {
        let a = self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.settle();
        a
    }
    pub fn ctrl(&mut self, c: char) -> Option<Action> {
        let a = self
            .app
            .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        self.settle();
        a
    }
    /// An action, then whatever work it gave the store worker, done.
    pub fn update(&mut self, action: Action) {
        self.app.update(action);
        self.settle();
    }
    /// Run the jobs the console has queued on the worker's connection and
    /// hand back their results, as the runtime's worker thread does.
    pub fn settle(&mut self) {
        loop {
            let jobs = self.app.work.take();
            if jobs.is_empty() {
                return;
            }
            self.run_jobs(jobs);
        }
    }
    /// Run these jobs (taken from the console earlier) and hand back their
    /// results, in this order: for results that come late.
    pub fn run_jobs(&mut self, jobs: Vec<(u64, watchroom::app::work::Job)>) {
        for (ticket, job) in jobs {
            let purpose = job.purpose();
            let outcome = job.run(&mut self.worker);
            self.app
                .handle_event(watchroom::app::Event::Worked(watchroom::app::work::Done {
                    ticket,
                    purpose,
                    outcome,
                }));
        }
    }
    /// Live incidents not changed for the stale age, counted in SQL on a
    /// connection of the test's own.
    pub fn stale_in_store(&self) -> usize {
        let edge = (self.app.now() - self.app.stale_after()).timestamp();
        count(
            &self.path,
            &format!("SELECT COUNT(*) FROM incidents WHERE closed = 0 AND updated_at <= {edge}"),
        ) as usize
    }
    /// A key, leaving whatever work it queued waiting (as it is while the
    /// worker is busy).
    pub fn press(&mut self, c: char) {
        self.app
            .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    /// The roll-call open on this console's radio pane.
    pub fn roll_call(&self) -> &watchroom::domain::rollcall::RollCall {
        &self
            .app
            .radio
            .rollcall
            .as_ref()
            .expect("a roll-call is open")
            .rollcall
    }
    /// Type text one key at a time (upper-case letters as the terminal sends them).
    pub fn keys(&mut self, s: &str) {
        for c in s.chars() {
            let m = if c.is_ascii_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            self.app.handle_key(KeyEvent::new(KeyCode::Char(c), m));
            self.settle();
        }
    }
    pub fn screen(&self, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| watchroom::ui::draw(f, &self.app, &self.themes))
            .unwrap();
        t
    }
    /// The screen as text, one line per row.
    pub fn text(&self) -> String {
        let (w, h) = self.app.size;
        self.text_at(w, h)
    }
    /// The screen drawn at `w`×`h`, as text, one line per row.
    pub fn text_at(&self, w: u16, h: u16) -> String {
        let t = self.screen(w, h);
        let buf = t.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }
    /// Log an incident through the form, as an operator would.
    pub fn log_incident(&mut self, kind_letter: char, priority: char, place: &str, text: &str) {
        self.keys("n");
        self.keys(&kind_letter.to_string());
        self.key(KeyCode::Tab);
        self.keys(&priority.to_string());
        self.key(KeyCode::Tab);
        self.keys(place);
        self.key(KeyCode::Tab);
        self.keys(text);
        self.key(KeyCode::Enter);
    }
}

/// The real binary, as `who` would run it from the store's folder, with the
/// PIN on standard input: (succeeded, stdout, stderr).
pub fn run_binary(db: &Path, who: &str, pin: &str, args: &[&str]) -> (bool, String, String) {
    let mut all = vec!["--db", db.to_str().unwrap(), "--as", who];
    all.extend(args);
    run_with_input(db.parent().unwrap(), &all, &[pin])
}

/// Put a person on the register, with a sanction in force at the given stage if any.
pub fn register(
    path: &std::path::Path,
    name: &str,
    alias: &str,
    markers: &[&str],
    stage: Option<&str>,
) -> i64 {
    let mut s = Store::open(path).unwrap();
    let op = s.operator_or_add("Sam Manager", "manager", now()).unwrap();
    let input = watchroom::domain::offender::OffenderInput {
        name: name.into(),
        aliases: vec![alias.into()],
        markers: markers.iter().map(|m| m.to_string()).collect(),
        description: "slim, grey hoodie".into(),
        ..Default::default()
    };
    let o = s
        .create_offender(
            watchroom::domain::offender::OffenderKind::Known,
            input,
            op.id,
            now(),
        )
        .unwrap();
    if let Some(stage) = stage {
        let new = watchroom::store::exclusions::NewExclusion {
            offender_id: o.id,
            stage: stage.into(),
            scope: watchroom::domain::exclusion::Scope::AllZones,
            starts_at: now() - chrono::Duration::days(10),
            ends_at: now() + chrono::Duration::days(100),
            served_at: Some(now() - chrono::Duration::days(10)),
            served_by: "PC Hale".into(),
            reason: "persistent theft".into(),
            evidence: vec![],
            review_on: None,
        };
        s.create_exclusion(&new, &Config::default().hit_rules().ladder, op.id, now())
            .unwrap();
    }
    o.id
}

/// What the console's message line says (empty when nothing).
pub fn message(c: &Console) -> String {
    c.app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// A connection of the test's own to the store file, for counting rows and
/// seeding what the store has no writer for.
pub fn raw(path: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(path).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c
}

/// The one number a query gives, read on a connection of the test's own.
pub fn count(path: &Path, sql: &str) -> i64 {
    raw(path).query_row(sql, [], |r| r.get(0)).unwrap()
}

pub fn mins(n: i64) -> chrono::Duration {
    chrono::Duration::minutes(n)
}

pub fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

/// A sighting of `person` at Market Square, now, saved on a connection of
/// another console's (a CCTV operator "Cam Desk"): its id.
pub fn sighted_elsewhere(path: &Path, person: i64) -> i64 {
    let mut other = Store::open(path).unwrap();
    let desk = other.operator_or_add("Cam Desk", "cctv", now()).unwrap();
    other
        .record_sighting(
            &watchroom::domain::sighting::NewSighting {
                at: now(),
                camera_id: None,
                zone_id: None,
                location: "Market Square".into(),
                offender_id: Some(person),
                description: String::new(),
                note: String::new(),
                incident_id: None,
            },
            &Config::default().hit_rules(),
            desk.id,
            now(),
        )
        .unwrap()
        .sighting_id
}

/// An incident logged now by `who` on a connection of another console's: its id.
pub fn logged_elsewhere(
    path: &Path,
    who: &str,
    kind: &str,
    priority: watchroom::domain::Priority,
    summary: &str,
) -> i64 {
    let mut other = Store::open(path).unwrap();
    let op = other.operator_or_add(who, "operator", now()).unwrap();
    other
        .create_incident(
            &watchroom::domain::NewIncident {
                kind: kind.into(),
                priority,
                place: watchroom::domain::Place {
                    location: "Bus station".into(),
                    ..Default::default()
                },
                summary: summary.into(),
                opened_at: now(),
            },
            op.id,
            now(),
        )
        .unwrap()
        .id
}

/// A store made from empty, as a scheme going live makes one: its manager
/// `manager`, one zone (Market Square) and one active member `member` holding
/// a radio for each of `call_signs`. The store file is `dir/scheme.db`.
pub fn scheme_with_radios(dir: &Path, manager: &str, member: &str, call_signs: &[&str]) -> PathBuf {
    use watchroom::domain::member::MemberStatus;
    use watchroom::store::members::MemberEdit;
    let path = dir.join("scheme.db");
    let mut s = Store::open(&path).unwrap();
    let op = s.operator_or_add(manager, "manager", now()).unwrap().id;
    let zone = s.add_zone("Market Square", "MS", op, now()).unwrap().id;
    let member = s
        .add_member(
            &MemberEdit {
                name: member.into(),
                kind: "pub".into(),
                zone_id: zone,
                address: "1 Market Square".into(),
                status: MemberStatus::Active,
                joined_on: None,
                renewal_on: None,
                agreement_version: None,
                agreement_signed_on: None,
                fee_paid_pence: 0,
            },
            op,
            now(),
        )
        .unwrap();
    for cs in call_signs {
        s.add_radio(cs, &format!("SN-{cs}"), Some(member), "issued", op, now())
            .unwrap();
    }
    path
}
