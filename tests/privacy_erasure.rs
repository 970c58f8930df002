//! Erasure on request through the real binary, on a store made from empty:
//! a dry run that lists every mention and changes nothing; `--apply` that
//! leaves no trace of the person in any table, the store's files or the
//! full-text index, deletes their photo, strikes out every mention and
//! audits the erasure with why and no name; an exclusion in force refused
//! unless forced with a reason; a name that is no one's or several people's
//! naming the candidates and changing nothing.

mod support;

use chrono::{Duration, Utc};
use std::path::{Path, PathBuf};
use support::*;
use watchroom::domain::exclusion::{Ladder, Scope};
use watchroom::domain::offender::{OffenderInput, OffenderKind};
use watchroom::domain::pin::PinPolicy;
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::Store;

const MANAGER: &str = "Dana Chief";
const PIN: &str = "246813";

struct Scheme {
    _dir: tempfile::TempDir,
    path: PathBuf,
    zeb: i64,
    alice: i64,
    photo: PathBuf,
}

/// The store's files, the database and its log, as bytes.
fn file_bytes(path: &Path) -> Vec<u8> {
    let mut all = std::fs::read(path).unwrap();
    all.extend(std::fs::read(format!("{}-wal", path.display())).unwrap_or_default());
    all
}

/// What the register and the free text hold (a sign-in is audited, so the
/// files themselves change with any run of the binary).
fn content(path: &Path) -> Vec<String> {
    let c = raw(path);
    let mut out = vec![];
    for q in [
        "SELECT id || ' ' || name || ' ' || photo_path FROM offenders",
        "SELECT offender_id || ' ' || alias FROM offender_aliases",
        "SELECT id || ' ' || offender_id || ' ' || ends_at FROM exclusions",
        "SELECT id || ' ' || text FROM timeline",
        "SELECT id || ' ' || text FROM occurrence_log",
        "SELECT 'erasures ' || COUNT(*) FROM audit WHERE action = 'erase'",
    ] {
        let mut st = c.prepare(q).unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
        out.extend(rows.map(|r| r.unwrap()));
    }
    out
}

fn holds(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Zebedee Quartermaine ("Zebbo", alias "Zed Q") with a photo, a past
/// exclusion and an incident of his own, named in another incident's note and
/// the occurrence log; Alice Quartermaine kept beside him. The binary runs on
/// the real clock, so the dates are the real ones.
fn scheme(in_force: bool) -> Scheme {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), MANAGER, "The Old Bell", &["MS01"]);
    let mut s = Store::open(&path).unwrap();
    let op = s.operator_by_name(MANAGER).unwrap().unwrap().id;
    s.set_pin(op, PIN, &PinPolicy::default(), None, Utc::now())
        .unwrap();
    let when = Utc::now() - Duration::days(40);
    let person = |name: &str, aliases: &[&str], nick: &[&str]| OffenderInput {
        name: name.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        nicknames: nick.iter().map(|a| a.to_string()).collect(),
        description: "grey hoodie".into(),
        ..Default::default()
    };
    let zeb = s
        .create_offender(
            OffenderKind::Known,
            person("Zebedee Quartermaine", &["Zed Q"], &["Zebbo"]),
            op,
            when,
        )
        .unwrap()
        .id;
    let alice = s
        .create_offender(
            OffenderKind::Known,
            person("Alice Quartermaine", &[], &[]),
            op,
            when,
        )
        .unwrap()
        .id;
    let still = dir.path().join("given.png");
    watchroom::io::stills::write_still(&still, 4).unwrap();
    s.set_offender_photo(zeb, still.to_str().unwrap(), op, when)
        .unwrap();
    let photo = PathBuf::from(s.offender(zeb).unwrap().unwrap().photo_path);
    let zone = s.zones().unwrap()[0].id;
    let (starts, ends) = if in_force {
        (when, Utc::now() + Duration::days(30))
    } else {
        (when, when + Duration::days(10))
    };
    s.create_exclusion(
        &NewExclusion {
            offender_id: zeb,
            stage: "exclusion".into(),
            scope: Scope::Zones(vec![zone]),
            starts_at: starts,
            ends_at: ends,
            served_at: Some(starts),
            served_by: "Dana Chief".into(),
            reason: "persistent theft".into(),
            evidence: vec![],
            review_on: None,
        },
        &Ladder::default(),
        op,
        when,
    )
    .unwrap();
    let other = watchroom::domain::NewIncident {
        kind: "theft".into(),
        priority: watchroom::domain::Priority::High,
        place: watchroom::domain::Place {
            zone_id: Some(zone),
            member_id: None,
            location: "Greggs".into(),
        },
        summary: "till snatch".into(),
        opened_at: when,
    };
    let incident = s.create_incident(&other, op, when).unwrap().id;
    s.add_note(incident, "Zebbo was at the door again", None, op, when)
        .unwrap();
    s.add_log_entry(
        None,
        op,
        "door staff saw Z. Quartermaine by the bank",
        None,
        when,
    )
    .unwrap();
    s.add_log_entry(
        None,
        op,
        "Alice Quartermaine rang about parking",
        None,
        when,
    )
    .unwrap();
    Scheme {
        _dir: dir,
        path,
        zeb,
        alice,
        photo,
    }
}

#[test]
fn a_dry_run_lists_every_mention_and_apply_leaves_no_trace_and_an_audit_line_naming_no_one() {
    let t = scheme(false);
    assert!(t.photo.exists());
    // a bulletin that shows someone else, its alert naming him by nickname
    let docs = t.path.parent().unwrap().join("documents");
    std::fs::create_dir_all(&docs).unwrap();
    let bulletin = docs.join("bulletin-2026-11-20.md");
    std::fs::write(
        &bulletin,
        "# Bulletin\n\n- Zebbo is back in town: call the control room\n",
    )
    .unwrap();
    raw(&t.path)
        .execute(
            "INSERT INTO documents (kind, created_at, files) VALUES ('bulletin', ?1, ?2)",
            rusqlite::params![
                Utc::now().timestamp(),
                format!("[\"{}\"]", bulletin.display())
            ],
        )
        .unwrap();
    let before = content(&t.path);
    let why = "erasure request ERQ-7 from Zebedee Quartermaine: no ground to keep";
    let (ok, out, err) = run_binary(&t.path, MANAGER, PIN, &["erase", "Zed Q", "--why", why]);
    assert!(ok, "{out}{err}");
    assert!(out.contains(&format!("record #{}", t.zeb)), "{out}");
    assert!(out.contains("mention note #"), "{out}");
    assert!(out.contains("“Zebbo”"), "{out}");
    assert!(out.contains("occurrence log entry #"), "{out}");
    assert!(out.contains("“Z. Quartermaine”"), "{out}");
    assert!(!out.contains("Alice"), "someone else: {out}");
    assert!(
        out.contains("mention bulletin #1 (bulletin-2026-11-20.md)"),
        "{out}"
    );
    assert!(out.contains("dry run: nothing was changed"), "{out}");
    assert!(content(&t.path) == before, "a dry run changes nothing");

    let (ok, out, err) = run_binary(
        &t.path,
        MANAGER,
        PIN,
        &["erase", "Zed Q", "--why", why, "--apply"],
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("erased: 1 offender records removed"), "{out}");
    assert!(!t.photo.exists(), "the photo file is deleted");
    assert!(!bulletin.exists(), "the bulletin naming him is deleted");
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM documents"), 0);
    assert_eq!(
        count(
            &t.path,
            &format!("SELECT COUNT(*) FROM offenders WHERE id = {}", t.zeb)
        ),
        0
    );
    assert_eq!(
        count(
            &t.path,
            &format!(
                "SELECT COUNT(*) FROM exclusions WHERE offender_id = {}",
                t.zeb
            )
        ),
        0
    );
    assert_eq!(
        count(
            &t.path,
            &format!("SELECT COUNT(*) FROM offenders WHERE id = {}", t.alice)
        ),
        1
    );
    let log: Vec<String> = raw(&t.path)
        .prepare("SELECT text FROM occurrence_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        log,
        vec![
            "door staff saw [removed] by the bank".to_string(),
            "Alice Quartermaine rang about parking".to_string()
        ]
    );
    // no trace of him in the files (Alice's surname is hers: look for his own words)
    let bytes = file_bytes(&t.path);
    for needle in ["Zebedee", "Zebbo", "Zed Q", "Z. Quartermaine"] {
        assert!(
            !holds(&bytes, needle),
            "{needle} is still in the store's files"
        );
    }
    let c = raw(&t.path);
    c.execute_batch("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, text_index, row)")
        .unwrap();
    let in_index: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM temp.words WHERE term IN ('zebbo', 'zebedee')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_index, 0, "his words are out of the full-text index");
    // the audit keeps that it happened, who and why, and no name
    let (action, detail): (String, String) = c
        .query_row(
            "SELECT action, detail FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(action, "erase");
    assert!(
        detail.contains("erasure request ERQ-7 from [removed]"),
        "{detail}"
    );
    assert!(
        !detail.contains("Zebedee") && !detail.contains("Quartermaine"),
        "{detail}"
    );
    let (ok, out, err) = run_binary(&t.path, MANAGER, PIN, &["audit", "verify"]);
    assert!(ok, "the trail is intact after: {out}{err}");
}

#[test]
fn an_exclusion_in_force_is_refused_unless_forced_with_why() {
    let t = scheme(true);
    let why = "court order 2026/114";
    let (ok, out, err) = run_binary(
        &t.path,
        MANAGER,
        PIN,
        &["erase", &t.zeb.to_string(), "--why", why],
    );
    assert!(ok, "{err}");
    assert!(out.contains("in force: exclusion until"), "{out}");
    let (ok, _, err) = run_binary(
        &t.path,
        MANAGER,
        PIN,
        &["erase", &t.zeb.to_string(), "--why", why, "--apply"],
    );
    assert!(!ok);
    assert!(err.contains("exclusion(s) in force"), "{err}");
    assert_eq!(
        count(
            &t.path,
            &format!("SELECT COUNT(*) FROM offenders WHERE id = {}", t.zeb)
        ),
        1
    );
    let (ok, out, err) = run_binary(
        &t.path,
        MANAGER,
        PIN,
        &[
            "erase",
            &t.zeb.to_string(),
            "--why",
            why,
            "--apply",
            "--force",
            "the court ordered it",
        ],
    );
    assert!(ok, "{out}{err}");
    assert_eq!(
        count(
            &t.path,
            &format!("SELECT COUNT(*) FROM offenders WHERE id = {}", t.zeb)
        ),
        0
    );
    let detail: String = raw(&t.path)
        .query_row("SELECT detail FROM audit WHERE action = 'erase'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(
        detail.contains("erased anyway: the court ordered it"),
        "{detail}"
    );
}

#[test]
fn no_one_or_several_by_that_name_names_the_candidates_and_changes_nothing() {
    let t = scheme(false);
    // a second Zebedee Quartermaine
    let mut s = Store::open(&t.path).unwrap();
    let op = s.operator_by_name(MANAGER).unwrap().unwrap().id;
    let twin = s
        .create_offender(
            OffenderKind::Known,
            OffenderInput {
                name: "Zebedee Quartermaine".into(),
                ..Default::default()
            },
            op,
            Utc::now(),
        )
        .unwrap()
        .id;
    drop(s);
    let before = content(&t.path);
    let (ok, _, err) = run_binary(
        &t.path,
        MANAGER,
        PIN,
        &["erase", "Zebedee Quartermaine", "--why", "ERQ-8", "--apply"],
    );
    assert!(!ok);
    assert!(
        err.contains(&format!("#{}", t.zeb)) && err.contains(&format!("#{twin}")),
        "{err}"
    );
    let (ok, _, err) = run_binary(
        &t.path,
        MANAGER,
        PIN,
        &["erase", "Nobody Atall", "--why", "ERQ-9", "--apply"],
    );
    assert!(!ok);
    assert!(err.contains("Nobody Atall"), "{err}");
    // no reason: refused before the PIN is asked
    let (ok, _, err) = run_binary(
        &t.path,
        MANAGER,
        "",
        &["erase", "Zed Q", "--why", " ", "--apply"],
    );
    assert!(!ok);
    assert!(err.contains("say why"), "{err}");
    assert!(content(&t.path) == before, "nothing changed");
}
