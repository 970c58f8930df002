//! The README's "Going live" path, run as written: from an empty folder to
//! the first sighting logged at the console on the scheme's own zones and
//! cameras. Each line of the README's block is a step here (a comment, a
//! folder made, the store named, a file written, a command run); the PINs
//! the commands ask for are typed on standard input, and the last line is
//! the real console in a pseudo-terminal, where the CCTV desk signs in and
//! logs a sighting. Nothing of the demo town is anywhere in the store.

mod pty;

use pty::{some_line_has, Place, CTRL_S, ENTER, TAB, WAIT};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const DANA: &str = "482913";
const NEW_PINS: [&str; 2] = ["246813", "135792"];

/// The README's block under "## Going live".
fn going_live_block() -> String {
    let readme = include_str!("../README.md");
    let section = &readme[readme.find("## Going live").expect("a Going live section")..];
    let start = section.find("```sh\n").expect("a shell block") + "```sh\n".len();
    let end = start + section[start..].find("\n```").expect("the block ends");
    section[start..end].to_string()
}

/// Split a shell line into words as `sh` would for these (quotes, no
/// expansions), dropping a trailing comment.
fn words(line: &str) -> Vec<String> {
    let mut out = vec![];
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '#') if !in_word => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// What each line asks for on standard input: a new PIN twice for `init`,
/// the manager's PIN then the new one twice for `operator add`, and the
/// manager's PIN for the rest.
fn pins_for(args: &[String], new_pins: &mut std::slice::Iter<&str>) -> Vec<String> {
    let has = |w: &str| args.iter().any(|a| a == w);
    if has("init") {
        vec![DANA.into(), DANA.into()]
    } else if has("operator") && has("add") {
        let p = new_pins.next().expect("a PIN for each operator added");
        vec![DANA.into(), p.to_string(), p.to_string()]
    } else {
        vec![DANA.into()]
    }
}

#[test]
fn the_readme_going_live_path_runs_as_written_on_an_empty_host() {
    let place = Place::new();
    let srv = place.path("srv");
    // the README's folder, moved into the test's own
    let here = |s: &str| s.replace("/srv/watchroom", srv.join("watchroom").to_str().unwrap());
    let mut env: HashMap<String, String> = HashMap::new();
    let mut new_pins = NEW_PINS.iter();
    let block = going_live_block();
    let mut lines = block.lines();
    let mut ran = vec![];
    let mut console_args = None;
    std::fs::create_dir_all(&srv).unwrap();
    while let Some(line) = lines.next() {
        let w: Vec<String> = words(&here(line));
        let Some(first) = w.first() else { continue };
        match first.as_str() {
            // building and installing is what made the binary under test
            "cargo" => assert_eq!(w, ["cargo", "install", "--path", "."]),
            "mkdir" => {
                use std::os::unix::fs::DirBuilderExt;
                assert_eq!(w[1..3], ["-m", "700"]);
                for dir in &w[3..] {
                    std::fs::DirBuilder::new().mode(0o700).create(dir).unwrap();
                }
            }
            "export" => {
                let (k, v) = w[1].split_once('=').expect("export NAME=VALUE");
                env.insert(k.into(), v.into());
            }
            "cat" => {
                // cat > FILE <<'EOF' … EOF
                assert_eq!((w[1].as_str(), w[3].as_str()), (">", "<<EOF"), "{line}");
                let mut body = String::new();
                for l in lines.by_ref() {
                    if l == "EOF" {
                        break;
                    }
                    body.push_str(l);
                    body.push('\n');
                }
                std::fs::write(place.path(&w[2]), body).unwrap();
            }
            "watchroom" if w.len() == 3 && w[1] == "--as" => console_args = Some(w[1..].to_vec()),
            "watchroom" => {
                let input = pins_for(&w, &mut new_pins);
                let (ok, out, err) = place.run(&w[1..], &env, &input);
                assert!(ok, "`{line}` failed:\n{out}{err}");
                ran.push((line.to_string(), out));
            }
            other => {
                panic!("the README's Going live block has a step the test does not know: {other}")
            }
        }
    }
    assert!(ran.len() >= 10, "{ran:?}");
    let dry_run = ran
        .iter()
        .find(|(l, _)| l.contains("import cameras") && !l.contains("--apply"))
        .expect("a dry run");
    assert!(dry_run.1.contains("2 new"), "{}", dry_run.1);

    // the last line: the CCTV desk at the console, on the store named above
    let args = console_args.expect("the README ends at the console");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut c = place.spawn_with("cctv", 120, 40, &args, &env);
    c.wait_text("PIN");
    c.send(NEW_PINS[0]);
    c.send(ENTER);
    c.wait_for("signed in", WAIT, |t| t.contains("Priya Shah (cctv)"));
    c.send("S");
    c.wait_for("the sighting form", WAIT, |t| {
        some_line_has(t, &["▶", "Who"])
    });
    c.send(TAB);
    c.wait_for("the camera offered first", WAIT, |t| {
        some_line_has(t, &["▶", "Camera", "Cam 1 High Street east"])
    });
    c.send(TAB);
    c.send(TAB);
    c.send(TAB);
    c.wait_for("Description", WAIT, |t| {
        some_line_has(t, &["▶", "Description"])
    });
    c.send("tall man, red coat, grey rucksack");
    c.wait_for("typed", WAIT, |t| t.contains("grey rucksack"));
    c.send(CTRL_S);
    c.wait_for("the sighting saved", WAIT, |t| {
        t.contains("saved") && !some_line_has(t, &["Description", "rucksack"])
    });
    c.quit_leaving_shift();
    assert!(c.wait_exit().success());

    // what the store holds: the scheme's own, and the sighting on its camera
    let db = PathBuf::from(&env["WATCHROOM_DB"]);
    check_store(&db, &srv);
}

fn check_store(db: &Path, srv: &Path) {
    let s = watchroom::store::Store::open(db).unwrap();
    assert_eq!(
        s.kind().unwrap(),
        Some(watchroom::store::meta::StoreKind::Scheme)
    );
    let zones: Vec<String> = s.zones().unwrap().into_iter().map(|z| z.code).collect();
    assert_eq!(zones, ["HS", "MS"]);
    assert_eq!(s.cameras().unwrap().len(), 3);
    assert!(
        s.operator_by_name("Alex Morgan").unwrap().is_none(),
        "no demo operator"
    );
    let c = rusqlite::Connection::open(db).unwrap();
    let (camera, description): (String, String) = c
        .query_row(
            "SELECT c.name, s.description FROM sightings s JOIN cameras c ON c.id = s.camera_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(camera, "Cam 1 High Street east");
    assert!(description.contains("red coat"));
    let members: i64 = c
        .query_row("SELECT COUNT(*) FROM members", [], |r| r.get(0))
        .unwrap();
    let radios: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM radios WHERE status = 'issued' AND member_id IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!((members, radios), (2, 2));
    let offenders: i64 = c
        .query_row("SELECT COUNT(*) FROM offenders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(offenders, 0, "nothing of the demo town");
    assert!(s.verify_audit().unwrap().is_intact());
    // the first backup is there and checks out
    let first = srv.join("watchroom/backups/first.db");
    assert!(watchroom::store::backup::check(&first, None).is_ok());
}
