//! How soon a commit on one console is drawn on another, with two processes
//! on one store: the console woken by the file system (`store::watch` with
//! notification on, its poll set to ten seconds so only a notification can
//! wake it in time).
//!
//! Console A is a second process (this benchmark run again as a child, with
//! `WAKE_ROLE` set), on its own connection. It commits at random intervals of
//! 20–60 ms (SplitMix64, fixed seed) and after each commit writes the wall
//! clock (`SystemTime`, one clock for both processes) to its stdout. Console B
//! is an `App` in this process, on the board (the radio pane for the
//! roll-call), 120×40, run as the runtime runs it: the watcher's wake-ups
//! through a channel, a turn's events applied by `runtime::apply_turn`, a frame
//! drawn when `runtime::Pacer` allows. Latency: from A's commit to the end of
//! the first frame B draws that shows it. Three kinds of commit:
//!
//! - **hit**: A saves a sighting of a person under an exclusion (a person
//!   each, so every one raises a hit); B's frame has the hit in its list.
//! - **ingest**: A ingests one alarm line (`io::ingest::parse_line` and
//!   `Store::ingest`, as `watchroom ingest` writes a lone line); B's frame has
//!   its toast ("ALARM: #N …").
//! - **roll-call**: A answers the station being called in an open roll-call
//!   and, next time, undoes it; B's frame has read that step.
//!
//! Floor, in the same run: B's own work for one commit (`Event::StoreChanged`
//! and the frame), with A's commit made beforehand in this process. Target:
//! p99 under 10 ms over at least 200 commits of each kind.
//!
//! **Burst**: A commits 10,000 ingested lines (thefts, the last an alarm),
//! each in its own transaction as
//! fast as it can (the worst case: `watchroom ingest` would batch them into
//! about ten), while three consoles (threads of this process, each with its
//! own connection and watcher) watch the overview. Each reports how many
//! frames it drew, the shortest gap between two (never under the runtime's
//! 16 ms), and the lag of its last frame: from A's last commit to the frame
//! that shows it.
//!
//! `cargo bench --bench wake` for figures (200 commits of each kind);
//! `cargo bench --bench wake -- --test` checks the same quickly (10 of each,
//! a burst of 500). Targets are reported, not asserted; correctness is.

mod common;

use chrono::Utc;
use common::town::*;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use watchroom::app::runtime::{apply_turn, Pacer, FRAME_EVERY};
use watchroom::app::{Action, App, Event, Pane};
use watchroom::domain::rollcall::{Answer, Step};
use watchroom::io::ingest::{parse_line, Rules};
use watchroom::store::demo::Rng;
use watchroom::store::operators::Operator;
use watchroom::store::sightings::HitRules;
use watchroom::store::{watch, Store};
use watchroom::ui::Themes;

const TARGET: Duration = Duration::from_millis(10);
const SEED: u64 = 0x5741_4B45;
/// B's poll: far longer than any latency measured, so only a notification counts.
const LONG_POLL: Duration = Duration::from_secs(10);

/// Commits of each kind, and the burst's lines.
fn sizes() -> (usize, usize) {
    if common::test_mode() {
        (10, 500)
    } else {
        (200, 10_000)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Hit,
    Ingest,
    RollCall,
    Burst,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Hit => "hit",
            Kind::Ingest => "ingest",
            Kind::RollCall => "roll-call",
            Kind::Burst => "burst",
        }
    }

    fn from_name(s: &str) -> Kind {
        [Kind::Hit, Kind::Ingest, Kind::RollCall, Kind::Burst]
            .into_iter()
            .find(|k| k.name() == s)
            .unwrap_or_else(|| panic!("no kind {s}"))
    }
}

fn wall() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos()
}

fn since(earlier: u128, later: u128) -> Duration {
    Duration::from_nanos(later.saturating_sub(earlier) as u64)
}

// ----- console A: what it commits ------------------------------------------------

/// One kind of commit, made again and again on A's connection; each returns
/// what B looks for on its frame (a hit's id, an incident's id, a step's number).
struct Committer {
    store: Store,
    operator: i64,
    ingest: Operator,
    people: Vec<i64>,
    cameras: Vec<watchroom::domain::sighting::Camera>,
    roll_call: Option<(i64, usize)>,
    made: usize,
}

impl Committer {
    fn new(path: &Path, people: Vec<i64>) -> Committer {
        let mut store = Store::open(path).expect("console A opens the store");
        let operator = store
            .operator_or_add(
                watchroom::store::demo::DEMO_OPERATOR,
                "operator",
                Utc::now(),
            )
            .expect("A's operator")
            .id;
        let ingest = store
            .ingest_account("ingest", Utc::now())
            .expect("the ingest account");
        let cameras = store
            .cameras()
            .expect("the cameras")
            .into_iter()
            .filter(|c| c.zone_id.is_some())
            .collect();
        let roll_call = store
            .open_roll_call()
            .expect("read the open roll-call")
            .map(|r| (r.id, r.next_seq));
        Committer {
            store,
            operator,
            ingest,
            people,
            cameras,
            roll_call,
            made: 0,
        }
    }

    /// `alarm`: for the burst, whether this line is its alarm (the rest are
    /// incidents of other kinds, as a real stream's mostly are).
    fn commit(&mut self, kind: Kind, alarm: bool) -> i64 {
        let i = self.made;
        self.made += 1;
        match kind {
            Kind::Hit => {
                let camera = &self.cameras[i % self.cameras.len()];
                let out = self
                    .store
                    .record_sighting(
                        &sighting(self.people[i], camera),
                        &HitRules::default(),
                        self.operator,
                        Utc::now(),
                    )
                    .expect("A saves a sighting");
                out.hits[0]
            }
            Kind::Ingest | Kind::Burst => {
                let reference = format!("WAKE-{}-{}-{i}", kind.name(), std::process::id());
                let line = if alarm {
                    format!(
                        r#"{{"kind":"alarm","member":"Greggs","alarm":"panic","ref":"{reference}"}}"#
                    )
                } else {
                    format!(
                        r#"{{"kind":"incident","type":"theft","zone":"High Street","summary":"burst line {i}","ref":"{reference}"}}"#
                    )
                };
                let now = Utc::now();
                let event =
                    parse_line(line.as_bytes(), now, &Rules::default()).expect("a good line");
                match self
                    .store
                    .ingest(&[event], &self.ingest, now)
                    .expect("A ingests a line")
                    .as_slice()
                {
                    [watchroom::store::ingest::Outcome::Incident(id)] => *id,
                    other => panic!("the line made {other:?}"),
                }
            }
            Kind::RollCall => {
                let (id, seq) = self.roll_call.as_mut().expect("a roll-call is open");
                let step = if i.is_multiple_of(2) {
                    Step::Answer(Answer::Heard(5))
                } else {
                    Step::Undo
                };
                self.store
                    .record_roll_call_step(*id, *seq, &step, self.operator, Utc::now())
                    .expect("A records a step");
                *seq += 1;
                *seq as i64
            }
        }
    }
}

/// The child: commit `n` of a kind, writing `seen-as wall-clock` after each.
fn console_a(path: &Path, kind: Kind, n: usize, people: Vec<i64>) {
    let mut a = Committer::new(path, people);
    let mut rng = Rng::new(SEED ^ kind as u64);
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready").unwrap();
    out.flush().unwrap();
    // started once B says it is watching
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).unwrap();
    for i in 0..n {
        if kind != Kind::Burst {
            thread::sleep(Duration::from_millis(20 + rng.below(41)));
        }
        let key = a.commit(kind, kind != Kind::Burst || i + 1 == n);
        let at = wall();
        writeln!(out, "{key} {at}").unwrap();
        out.flush().unwrap();
    }
}

/// Start A as a child process; returns it once it is ready.
fn spawn_a(path: &Path, kind: Kind, n: usize, people: &[i64]) -> std::process::Child {
    let people: Vec<String> = people.iter().map(i64::to_string).collect();
    let mut child = Command::new(std::env::current_exe().expect("this benchmark's path"))
        .env("WAKE_ROLE", "a")
        .env("WAKE_STORE", path)
        .env("WAKE_KIND", kind.name())
        .env("WAKE_N", n.to_string())
        .env("WAKE_PEOPLE", people.join(","))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start console A");
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().expect("A's stdout"))
        .read_line(&mut first)
        .expect("A's first line");
    assert_eq!(first.trim(), "ready", "console A starts");
    child
}

/// A's commits as it wrote them: what B looks for, and when it was committed.
fn commits_of(child: &mut std::process::Child) -> Vec<(i64, u128)> {
    let out = child.stdout.take().expect("A's stdout");
    let commits = BufReader::new(out)
        .lines()
        .map(|l| {
            let l = l.expect("a line from A");
            let (key, at) = l.split_once(' ').expect("key and time");
            (key.parse().unwrap(), at.parse().unwrap())
        })
        .collect();
    assert!(
        child.wait().expect("A ends").success(),
        "console A succeeded"
    );
    commits
}

// ----- console B -----------------------------------------------------------------

fn console(path: &Path, name: &str, pane: Pane, themes: &Themes) -> App {
    let mut app = live_console(path, name, themes);
    app.update(Action::ShowPane(pane));
    app
}

/// Who console B is: the coordinator for the roll-call, else the CCTV desk.
fn watcher_of(kind: Kind) -> &'static str {
    if kind == Kind::RollCall {
        "Tom Baxter"
    } else {
        "Priya Shah"
    }
}

/// What a frame shows of A's commits: the keys B looks for.
fn shown(app: &App, kind: Kind) -> Vec<i64> {
    match kind {
        Kind::Hit => app.hits.rows.iter().map(|h| h.id).collect(),
        Kind::Ingest | Kind::Burst => app
            .toasts
            .iter()
            .filter_map(|t| {
                // "ALARM: #N panic alarm (from ingest)"
                let rest = t.text.split_once("ALARM: #")?.1;
                rest.split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse()
                    .ok()
            })
            .collect(),
        Kind::RollCall => app
            .radio
            .rollcall
            .as_ref()
            .map(|r| vec![r.next_seq as i64])
            .unwrap_or_default(),
    }
}

/// A frame: when it began (as the pacer saw it), when it was finished
/// (the wall clock, to set beside A's), and what it showed.
struct Frame {
    began: Instant,
    at: u128,
    shows: Vec<i64>,
}

/// Run a console as the runtime does until `stop`: woken by its watcher,
/// a turn's events applied together, frames paced. Its frames.
fn run_console(
    path: &Path,
    mut app: App,
    kind: Kind,
    themes: &Themes,
    stop: &AtomicBool,
) -> Vec<Frame> {
    let (tx, rx) = mpsc::channel::<Event>();
    let settings = watch::WatchSettings {
        poll: LONG_POLL,
        notify: true,
    };
    // the runtime's watcher has a connection of its own, as here
    let watched = Store::open(path).expect("the watcher's store");
    let watching = watch::spawn(&watched, settings, move |notice| {
        notice != watch::Notice::Changed || tx.send(Event::StoreChanged).is_ok()
    })
    .expect("start the watcher");
    assert!(
        matches!(watching.waking, watch::Waking::Notified { .. }),
        "{}",
        watching.waking
    );
    let mut terminal = common::terminal();
    common::draw(&mut terminal, &app, themes);
    app.dirty = false;
    let mut pacer = Pacer::default();
    pacer.drew(Instant::now());
    let mut frames = vec![];
    while !stop.load(Ordering::Relaxed) {
        let wait = match pacer.due().filter(|_| app.dirty) {
            Some(due) => due.saturating_duration_since(Instant::now()),
            None => Duration::from_millis(20),
        };
        if let Ok(first) = rx.recv_timeout(wait) {
            apply_turn(&mut app, first, || rx.try_recv().ok());
        }
        let now = Instant::now();
        if app.dirty && pacer.may_draw(now) {
            common::draw(&mut terminal, &app, themes);
            app.dirty = false;
            pacer.drew(now);
            frames.push(Frame {
                began: now,
                at: wall(),
                shows: shown(&app, kind),
            });
        }
        app.notices.clear();
    }
    frames
}

/// Whether a frame shows a commit: its key among those shown, or for the
/// roll-call, a step read at or past it (two steps can arrive in one reload).
fn covers(kind: Kind, frame: &Frame, key: i64) -> bool {
    match kind {
        Kind::RollCall => frame.shows.iter().any(|s| *s >= key),
        _ => frame.shows.contains(&key),
    }
}

/// For each commit, from its time to the first frame that shows it.
fn latencies(kind: Kind, commits: &[(i64, u128)], frames: &[Frame]) -> Vec<Duration> {
    commits
        .iter()
        .map(|(key, at)| {
            let frame = frames
                .iter()
                .find(|f| f.at >= *at && covers(kind, f, *key))
                .unwrap_or_else(|| panic!("no frame showed {key}"));
            since(*at, frame.at)
        })
        .collect()
}

/// B's own work for one commit: the commit made first, then StoreChanged and a frame.
fn floor(path: &Path, kind: Kind, n: usize, people: Vec<i64>, themes: &Themes) -> Vec<Duration> {
    let pane = if kind == Kind::RollCall {
        Pane::Radio
    } else {
        Pane::Incidents
    };
    let mut app = console(path, watcher_of(kind), pane, themes);
    let mut terminal = common::terminal();
    let mut a = Committer::new(path, people);
    (0..n)
        .map(|_| {
            let key = a.commit(kind, true);
            let started = Instant::now();
            app.handle_event(Event::StoreChanged);
            common::draw(&mut terminal, &app, themes);
            let took = started.elapsed();
            assert!(shown(&app, kind).contains(&key), "B shows {key}");
            app.notices.clear();
            took
        })
        .collect()
}

fn one_kind(path: &Path, kind: Kind, n: usize, people: &[i64], themes: &Themes) {
    let pane = if kind == Kind::RollCall {
        Pane::Radio
    } else {
        Pane::Incidents
    };
    let (for_a, for_floor) = people.split_at(people.len() / 2);
    let mut child = spawn_a(path, kind, n, for_a);
    let stop = AtomicBool::new(false);
    let frames = thread::scope(|s| {
        let b = s.spawn(|| {
            run_console(
                path,
                console(path, watcher_of(kind), pane, themes),
                kind,
                themes,
                &stop,
            )
        });
        // B's watcher is up once B has drawn; then A may start
        thread::sleep(Duration::from_millis(300));
        writeln!(child.stdin.as_mut().expect("A's stdin"), "go").unwrap();
        let commits = commits_of(&mut child);
        thread::sleep(Duration::from_millis(200));
        stop.store(true, Ordering::Relaxed);
        (commits, b.join().expect("console B"))
    });
    let (commits, frames) = frames;
    assert_eq!(commits.len(), n, "A committed {n}");
    let latency = stats(latencies(kind, &commits, &frames));
    if kind == Kind::Hit {
        // untimed: A's hits decided, so the floor's are among the waiting
        // hits a console lists (the oldest 300 waiting)
        rusqlite::Connection::open(path)
            .and_then(|c| {
                c.execute(
                    "UPDATE hits SET status = 'accepted' WHERE status = 'new'",
                    [],
                )
            })
            .expect("decide A's hits");
    }
    let floor = stats(floor(path, kind, n, for_floor.to_vec(), themes));
    println!(
        "\n{} from console A (another process) to console B's frame",
        kind.name()
    );
    line("commit → B's frame showing it", &latency);
    line("floor: B's StoreChanged + frame, apart", &floor);
    println!("  frames drawn: {}", frames.len());
    println!(
        "  target: p99 under {}: p99 {} ({})",
        ms(TARGET),
        ms(latency.p99),
        verdict(latency.p99, TARGET)
    );
}

fn burst(path: &Path, lines: usize, themes: &Themes) {
    let mut child = spawn_a(path, Kind::Burst, lines, &[]);
    let stop = AtomicBool::new(false);
    let (commits, consoles, took) = thread::scope(|s| {
        let consoles: Vec<_> = ["Priya Shah", "Tom Baxter", "Sam Okafor"]
            .into_iter()
            .map(|name| {
                let stop = &stop;
                s.spawn(move || {
                    run_console(
                        path,
                        console(path, name, Pane::Overview, themes),
                        Kind::Burst,
                        themes,
                        stop,
                    )
                })
            })
            .collect();
        thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        writeln!(child.stdin.as_mut().expect("A's stdin"), "go").unwrap();
        let commits = commits_of(&mut child);
        let took = started.elapsed();
        thread::sleep(Duration::from_millis(300));
        stop.store(true, Ordering::Relaxed);
        let consoles: Vec<Vec<Frame>> = consoles
            .into_iter()
            .map(|c| c.join().expect("a console"))
            .collect();
        (commits, consoles, took)
    });
    assert_eq!(commits.len(), lines);
    let (last, last_at) = *commits.last().expect("a last commit");
    println!(
        "\nburst: {lines} lines from console A, each its own commit, in {:.2} s ({:.0} commits a second), three consoles on the overview",
        took.as_secs_f64(),
        lines as f64 / took.as_secs_f64()
    );
    for (i, frames) in consoles.iter().enumerate() {
        let gaps: Vec<Duration> = frames
            .windows(2)
            .map(|w| w[1].began.duration_since(w[0].began))
            .collect();
        let shortest = gaps.iter().min().copied().unwrap_or_default();
        let lag = latencies(Kind::Burst, &[(last, last_at)], frames)[0];
        println!(
            "  console {}: frames {:>4}, shortest gap between frames {} (pacing {}), last frame {} after the last commit",
            i + 1,
            frames.len(),
            ms(shortest),
            ms(FRAME_EVERY),
            ms(lag)
        );
        assert!(
            frames.len() < 2 || shortest >= FRAME_EVERY,
            "console {} drew two frames {shortest:?} apart",
            i + 1
        );
    }
}

fn main() {
    if std::env::var_os("WAKE_ROLE").is_some() {
        let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is set"));
        let people = var("WAKE_PEOPLE")
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        console_a(
            &PathBuf::from(var("WAKE_STORE")),
            Kind::from_name(&var("WAKE_KIND")),
            var("WAKE_N").parse().unwrap(),
            people,
        );
        return;
    }
    let dir = common::bench_dir();
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let tmp = tempfile::Builder::new()
        .prefix("wake-")
        .tempdir_in(&dir)
        .expect("a temporary folder for the bench store");
    let themes = common::themes();
    let (n, lines) = sizes();
    let path = tmp.path().join("wake.db");
    let mut t = town(&path);
    // a person each for A's hits and the floor's, so every sighting raises one
    let people = excluded_people(&mut t, 2 * n);
    t.store
        .start_roll_call(false, t.operator, Utc::now())
        .expect("start a roll-call");
    t.store
        .ingest_account("ingest", Utc::now())
        .expect("the ingest account");
    drop(t);
    println!(
        "wake bench{} (store in {})",
        if common::test_mode() { " --test" } else { "" },
        tmp.path().display()
    );
    for kind in [Kind::Hit, Kind::Ingest, Kind::RollCall] {
        one_kind(&path, kind, n, &people, &themes);
    }
    burst(&path, lines, &themes);
}
