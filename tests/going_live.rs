//! Going live: a real scheme's store made from nothing with the real binary
//! (init, zones, cameras, imports), no way in without a PIN, and the demo
//! kept out of it.

mod support;

use std::path::{Path, PathBuf};
use support::run_with_input;
use watchroom::store::meta::StoreKind;
use watchroom::store::Store;

const PIN: &str = "482913";

fn db_args<'a>(db: &'a str, who: Option<&'a str>, rest: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["--db", db];
    if let Some(w) = who {
        v.extend(["--as", w]);
    }
    v.extend(rest);
    v
}

/// A new scheme's store with its first manager, Dana Chief.
fn new_scheme(dir: &Path) -> PathBuf {
    let db = dir.join("real.db");
    let (ok, out, err) = run_with_input(
        dir,
        &[
            "--db",
            db.to_str().unwrap(),
            "init",
            "--manager",
            "Dana Chief",
        ],
        &[PIN, PIN],
    );
    assert!(ok, "{out}{err}");
    db
}

/// Run a manager's command as Dana Chief.
fn dana(dir: &Path, db: &Path, rest: &[&str]) -> (bool, String, String) {
    run_with_input(
        dir,
        &db_args(db.to_str().unwrap(), Some("Dana Chief"), rest),
        &[PIN],
    )
}

fn audit_actions(db: &Path, entity: &str) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT action || ' ' || detail FROM audit WHERE entity = ?1 ORDER BY seq")
        .unwrap();
    st.query_map([entity], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn init_makes_a_private_scheme_store_and_never_touches_an_existing_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = new_scheme(dir.path());
    assert_eq!(
        std::fs::metadata(&db).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let s = Store::open(&db).unwrap();
    assert_eq!(s.kind().unwrap(), Some(StoreKind::Scheme));
    let ops = s.operators().unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(
        (ops[0].name.as_str(), ops[0].role.code()),
        ("Dana Chief", "manager")
    );
    assert!(s.zones().unwrap().is_empty(), "no demo data in a new store");
    drop(s);
    assert!(audit_actions(&db, "store")[0].starts_with("create"));
    assert!(!audit_actions(&db, "operator").is_empty());

    // a second init on the same path changes nothing
    let before = std::fs::read(&db).unwrap();
    let (ok, _, err) = run_with_input(
        dir.path(),
        &["--db", db.to_str().unwrap(), "init", "--manager", "Mallory"],
        &["135790", "135790"],
    );
    assert!(!ok);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);

    // any file at all is refused, not only a store
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "shopping\n").unwrap();
    let (ok, _, err) = run_with_input(
        dir.path(),
        &["--db", notes.to_str().unwrap(), "init", "--manager", "X"],
        &[PIN, PIN],
    );
    assert!(!ok && err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "shopping\n");
}

#[test]
fn init_refuses_a_weak_or_mistyped_pin_and_a_missing_folder_leaving_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("real.db");
    let db_s = db.to_str().unwrap();
    for (pins, expect) in [
        (["1234", "1234"], "6 to 12 digits"),
        (["123456", "123456"], "too easy"),
        (["000000", "000000"], "too easy"),
        (["482913", "482914"], "differ"),
    ] {
        let (ok, _, err) = run_with_input(
            dir.path(),
            &["--db", db_s, "init", "--manager", "Dana Chief"],
            &pins,
        );
        assert!(!ok, "{pins:?} accepted");
        assert!(err.contains(expect), "{pins:?}: {err}");
        assert!(!db.exists(), "{pins:?} left a file");
        assert!(!err.contains(pins[0]), "the PIN is echoed: {err}");
    }
    let nowhere = dir.path().join("missing/real.db");
    let (ok, _, err) = run_with_input(
        dir.path(),
        &[
            "--db",
            nowhere.to_str().unwrap(),
            "init",
            "--manager",
            "Dana Chief",
        ],
        &[PIN, PIN],
    );
    assert!(!ok && err.contains("does not exist"), "{err}");
    assert!(!dir.path().join("missing").exists());
}

#[test]
fn zones_and_cameras_are_set_up_from_the_shell_by_a_manager_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = new_scheme(d);
    for (name, code) in [
        ("High Street", "hs"),
        ("Market Square", "MS"),
        ("Old Arcade", "OA"),
    ] {
        let (ok, out, err) = dana(d, &db, &["zone", "add", name, "--code", code]);
        assert!(ok, "{out}{err}");
    }
    let (ok, out, _) = dana(
        d,
        &db,
        &[
            "camera",
            "add",
            "Cam 12 Market Square",
            "--zone",
            "MS",
            "--number",
            "12",
        ],
    );
    assert!(ok && out.contains("camera added"), "{out}");
    let (ok, out, err) = dana(d, &db, &["camera", "add", "Arcade dome", "--zone", "OA"]);
    assert!(ok, "{out}{err}");

    // the same code, name or number again, an unknown zone, nonsense: each
    // said plainly, and nothing written
    let before = audit_actions(&db, "zone").len() + audit_actions(&db, "camera").len();
    for (args, expect) in [
        (
            vec!["zone", "add", "Riverside", "--code", "HS"],
            "already used by the zone “High Street”",
        ),
        (
            vec!["zone", "add", "high street", "--code", "XX"],
            "already a zone called “High Street”",
        ),
        (
            vec!["zone", "add", "Riverside", "--code", "R S"],
            "letters, digits and hyphens",
        ),
        (
            vec!["zone", "add", "Riverside", "--code", "TOOLONGCODE"],
            "1 to 8",
        ),
        (
            vec!["camera", "add", "cam 12 market square", "--zone", "HS"],
            "already a camera called",
        ),
        (
            vec!["camera", "add", "Cam 99", "--zone", "HS", "--number", "12"],
            "number 12 is already",
        ),
        (
            vec!["camera", "add", "Cam 98", "--zone", "ZZ"],
            "no zone with the code “ZZ”",
        ),
        (
            vec!["zone", "rename", "ZZ", "Nowhere"],
            "a zone with the code “ZZ”",
        ),
        (
            vec!["camera", "move", "No such cam", "--zone", "HS"],
            "a camera called “No such cam”",
        ),
    ] {
        let (ok, out, err) = dana(d, &db, &args);
        assert!(!ok, "{args:?} accepted: {out}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    let after = audit_actions(&db, "zone").len() + audit_actions(&db, "camera").len();
    assert_eq!(before, after, "a refused command wrote something");

    let (ok, _, err) = dana(d, &db, &["zone", "rename", "MS", "Market Place"]);
    assert!(ok, "{err}");
    let (ok, _, err) = dana(d, &db, &["camera", "move", "Arcade dome", "--zone", "HS"]);
    assert!(ok, "{err}");
    let (ok, _, err) = dana(d, &db, &["zone", "retire", "OA"]);
    assert!(ok, "{err}");
    // a retired zone takes nothing new: no camera, not twice retired
    let (ok, _, err) = dana(d, &db, &["camera", "add", "Arcade east", "--zone", "OA"]);
    assert!(!ok && err.contains("retired"), "{err}");
    let (ok, _, err) = dana(d, &db, &["zone", "retire", "OA"]);
    assert!(!ok && err.contains("already retired"), "{err}");

    // listing names places, not people: no sign-in needed
    let (ok, zones, _) = run_with_input(d, &["--db", db.to_str().unwrap(), "zone", "list"], &[]);
    assert!(ok);
    assert!(zones.contains("MS       Market Place"), "{zones}");
    assert!(zones.contains("Old Arcade  (retired)"), "{zones}");
    let (_, cams, _) = run_with_input(d, &["--db", db.to_str().unwrap(), "camera", "list"], &[]);
    assert!(cams.contains("12  MS       Cam 12 Market Square"), "{cams}");
    assert!(cams.contains("HS       Arcade dome"), "{cams}");

    let zones_audit = audit_actions(&db, "zone").join("\n");
    for expect in [
        "create High Street (HS)",
        "update name “Market Square” → “Market Place”",
        "retire Old Arcade (OA)",
    ] {
        assert!(zones_audit.contains(expect), "{zones_audit}");
    }
    assert!(audit_actions(&db, "camera")
        .iter()
        .any(|a| a.starts_with("update zone Old Arcade → High Street")));

    // a wrong PIN, or someone who is not a manager, changes nothing
    let (ok, _, err) = run_with_input(
        d,
        &db_args(
            db.to_str().unwrap(),
            Some("Dana Chief"),
            &["zone", "add", "X", "--code", "X"],
        ),
        &["999999"],
    );
    assert!(!ok && err.contains("wrong PIN"), "{err}");
    assert!(Store::open(&db)
        .unwrap()
        .zone_by_code("X")
        .unwrap()
        .is_none());
}

#[test]
fn zones_and_cameras_import_all_or_nothing_with_every_bad_row_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = new_scheme(d);
    let zones = d.join("zones.csv");
    std::fs::write(
        &zones,
        "Zone,Code\r\nHigh Street,HS\r\nMarket Square,MS\r\nNight-Time Economy,NTE\r\n",
    )
    .unwrap();
    let (ok, out, _) = dana(d, &db, &["import", "zones", zones.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("3 new"), "{out}");
    assert!(
        Store::open(&db).unwrap().zones().unwrap().is_empty(),
        "a dry run wrote"
    );
    let (ok, out, _) = dana(
        d,
        &db,
        &["import", "zones", zones.to_str().unwrap(), "--apply"],
    );
    assert!(ok && out.contains("imported: 3 new"), "{out}");
    // the same file again finds them all
    let (ok, out, _) = dana(
        d,
        &db,
        &["import", "zones", zones.to_str().unwrap(), "--apply"],
    );
    assert!(ok && out.contains("0 new, 0 updated, 3 unchanged"), "{out}");

    let cameras = d.join("cameras.csv");
    std::fs::write(
        &cameras,
        "name,zone,number\nCam 1 High Street,HS,1\nCam 2 Market,Market Square,2\nCam 3 Bar Street,Atlantis,3\nCam 4 Taxi rank,NTE,1\nCam 1 High Street,HS,5\n",
    )
    .unwrap();
    let (ok, out, err) = dana(
        d,
        &db,
        &["import", "cameras", cameras.to_str().unwrap(), "--apply"],
    );
    assert!(!ok, "{out}");
    assert!(out.contains("line 4: no zone called “Atlantis”"), "{out}");
    assert!(
        out.contains("line 5: camera number 1 is on line 2 too"),
        "{out}"
    );
    assert!(
        out.contains("line 6: the camera “Cam 1 High Street” is on line 2 too"),
        "{out}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        Store::open(&db).unwrap().cameras().unwrap().is_empty(),
        "one bad row, nothing written"
    );

    std::fs::write(
        &cameras,
        "name,zone,number\nCam 1 High Street,HS,1\nCam 2 Market,Market Square,2\nMobile van,NTE,\n",
    )
    .unwrap();
    let (ok, out, _) = dana(
        d,
        &db,
        &["import", "cameras", cameras.to_str().unwrap(), "--apply"],
    );
    assert!(ok && out.contains("imported: 3 new"), "{out}");
    let cams = Store::open(&db).unwrap().cameras().unwrap();
    assert_eq!(cams.len(), 3);
    assert!(
        cams[0].is_default && cams[0].name == "Cam 1 High Street",
        "{cams:?}"
    );

    // a retired zone takes no new camera by import either
    let (ok, _, _) = dana(d, &db, &["zone", "retire", "NTE"]);
    assert!(ok);
    std::fs::write(&cameras, "name,zone\nCam 9 Bar Street,NTE\n").unwrap();
    let (ok, out, _) = dana(
        d,
        &db,
        &["import", "cameras", cameras.to_str().unwrap(), "--apply"],
    );
    assert!(!ok && out.contains("retired"), "{out}");
}

#[test]
fn demo_never_opens_or_writes_into_a_scheme_store() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = new_scheme(d);
    let before = std::fs::read(&db).unwrap();
    for extra in [&[][..], &["--fresh"][..]] {
        let mut args = db_args(db.to_str().unwrap(), Some("Dana Chief"), &["demo"]);
        args.extend(extra);
        let (ok, _, err) = run_with_input(d, &args, &[]);
        assert!(!ok, "demo {extra:?} opened a scheme store");
        assert!(err.contains("not the demo town's"), "{err}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            before,
            "demo {extra:?} touched it"
        );
        assert!(!PathBuf::from(format!("{}-wal", db.display())).exists());
    }
    let s = Store::open(&db).unwrap();
    assert!(s.operator_by_name("Alex Morgan").unwrap().is_none());
    drop(s);

    // nor into a store that never said what it is but holds a scheme's data
    let old = d.join("old.db");
    {
        let mut s = Store::open(&old).unwrap();
        let op = s
            .add_operator("Sam Lee", "operator", None, support::now())
            .unwrap();
        s.add_zone("High Street", "HS", op.id, support::now())
            .unwrap();
    }
    rusqlite::Connection::open(&old)
        .unwrap()
        .execute("DELETE FROM store_meta", [])
        .unwrap();
    let before = std::fs::read(&old).unwrap();
    let (ok, _, err) = run_with_input(d, &["--db", old.to_str().unwrap(), "demo"], &[]);
    assert!(!ok && err.contains("not the demo town's"), "{err}");
    assert_eq!(std::fs::read(&old).unwrap(), before);
    let mut s = Store::open(&old).unwrap();
    assert_eq!(
        s.kind().unwrap(),
        Some(StoreKind::Scheme),
        "judged once by what it holds"
    );
    let err = watchroom::store::demo::ensure_demo(&mut s, support::now()).unwrap_err();
    assert!(err.to_string().contains("not the demo town's"), "{err}");
    assert!(s.operator_by_name("Alex Morgan").unwrap().is_none());
}

#[test]
fn a_demo_store_made_before_stores_said_what_they_are_is_still_the_demo() {
    let (_dir, path) = support::demo_store();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("DELETE FROM store_meta", [])
        .unwrap();
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.kind().unwrap(), Some(StoreKind::Demo));
    assert!(!watchroom::store::demo::ensure_demo(&mut s, support::now()).unwrap());
}

#[test]
fn the_last_manager_stays_and_a_store_without_one_is_recovered_only_by_its_owner() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = new_scheme(d);
    let (ok, _, err) = run_with_input(
        d,
        &db_args(
            db.to_str().unwrap(),
            Some("Dana Chief"),
            &["operator", "add", "Sam Lee", "--role", "cctv"],
        ),
        &[PIN, "246813", "246813"],
    );
    assert!(ok, "{err}");
    for args in [
        vec!["operator", "disable", "Dana Chief"],
        vec!["operator", "role", "Dana Chief", "operator"],
    ] {
        let (ok, _, err) = dana(d, &db, &args);
        assert!(!ok, "{args:?}");
        assert!(err.contains("last manager who can sign in"), "{err}");
    }
    // a weak PIN for a new operator is refused before anything is written
    let (ok, _, err) = run_with_input(
        d,
        &db_args(
            db.to_str().unwrap(),
            Some("Dana Chief"),
            &["operator", "add", "Jo Hughes"],
        ),
        &[PIN, "111111", "111111"],
    );
    assert!(!ok && err.contains("too easy"), "{err}");
    assert!(Store::open(&db)
        .unwrap()
        .operator_by_name("Jo Hughes")
        .unwrap()
        .is_none());

    // role and enable, each audited
    let (ok, _, err) = dana(d, &db, &["operator", "role", "Sam Lee", "manager"]);
    assert!(ok, "{err}");
    let (ok, _, err) = dana(d, &db, &["operator", "disable", "Dana Chief"]);
    assert!(ok, "another manager exists now: {err}");
    let sam = |rest: &[&str]| {
        run_with_input(
            d,
            &db_args(db.to_str().unwrap(), Some("Sam Lee"), rest),
            &["246813"],
        )
    };
    let (ok, _, err) = sam(&["operator", "enable", "Dana Chief"]);
    assert!(ok, "{err}");
    let ops = audit_actions(&db, "operator").join("\n");
    for expect in [
        "role Sam Lee: cctv → manager",
        "disable Dana Chief",
        "enable Dana Chief",
    ] {
        assert!(ops.contains(expect), "{ops}");
    }

    // an old store whose managers are all gone: no one can add one ...
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("UPDATE operators SET active = 0 WHERE role = 'manager'", [])
        .unwrap();
    let (ok, _, err) = run_with_input(
        d,
        &db_args(
            db.to_str().unwrap(),
            Some("Mallory"),
            &["operator", "add", "Mallory", "--role", "manager"],
        ),
        &["135790", "135790", "135790"],
    );
    assert!(!ok && err.contains("no manager who can sign in"), "{err}");
    assert!(Store::open(&db)
        .unwrap()
        .operator_by_name("Mallory")
        .unwrap()
        .is_none());

    // ... but the owner of the file can recover one, and it is audited as theirs
    let (ok, out, err) = run_with_input(
        d,
        &[
            "--db",
            db.to_str().unwrap(),
            "operator",
            "recover",
            "Dana Chief",
        ],
        &["975312", "975312"],
    );
    assert!(ok, "{out}{err}");
    let mut s = Store::open(&db).unwrap();
    assert!(s
        .sign_in("Dana Chief", "975312", support::now())
        .unwrap()
        .is_ok());
    drop(s);
    assert!(
        audit_actions(&db, "operator")
            .iter()
            .any(|a| a
                .starts_with("recover Dana Chief made a manager by the owner of the store file"))
    );
    // and only while no manager can sign in
    let (ok, _, err) = run_with_input(
        d,
        &[
            "--db",
            db.to_str().unwrap(),
            "operator",
            "recover",
            "Mallory",
        ],
        &["135790", "135790"],
    );
    assert!(!ok && err.contains("only for a store with none"), "{err}");
}

#[test]
fn recovery_is_refused_to_anyone_but_the_owner_of_the_store_file() {
    // only a superuser can give a file to someone else to prove it
    // SAFETY: geteuid has no preconditions
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs to run as root to hand the store to another user");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = new_scheme(dir.path());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("UPDATE operators SET active = 0", [])
        .unwrap();
    let c = std::ffi::CString::new(db.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path
    assert_eq!(unsafe { libc::chown(c.as_ptr(), 65534, 65534) }, 0);
    let (ok, _, err) = run_with_input(
        dir.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "operator",
            "recover",
            "Mallory",
        ],
        &["135790", "135790"],
    );
    assert!(!ok && err.contains("only the owner of"), "{err}");
}
