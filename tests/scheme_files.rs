//! The scheme's own files, on real store files in temp dirs: a photo given
//! by path is copied into `photos/` beside the store (owner-only, under a
//! name the store chooses) and the original left alone; what is not a
//! photo is refused with nothing stored; and retention deletes a file only
//! inside the scheme's folders, naming any other it leaves — from the
//! store's API, the console's form and the real binary.

mod support;

use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use support::*;
use watchroom::domain::exclusion::Scope;
use watchroom::domain::offender::{OffenderInput, OffenderKind};
use watchroom::domain::retention::RetentionRules;
use watchroom::io::retention::run_retention;
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::Store;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn still(path: &Path, seed: u64) -> Vec<u8> {
    watchroom::io::stills::write_still(path, seed).unwrap();
    std::fs::read(path).unwrap()
}

/// The files in the store's photo folder (none if it was never made).
fn photo_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("photos")) else {
        return vec![];
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn person(name: &str, photo: &Path) -> OffenderInput {
    OffenderInput {
        name: name.into(),
        photo_path: photo.to_str().unwrap().into(),
        ..Default::default()
    }
}

/// A store in a temp dir with a manager.
fn scheme() -> (tempfile::TempDir, PathBuf, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("watchroom.db");
    let mut store = Store::open(&db).unwrap();
    let op = store
        .operator_or_add("Dana Chief", "manager", now())
        .unwrap()
        .id;
    (dir, db, store, op)
}

#[test]
fn a_photo_given_by_path_is_copied_in_owner_only_and_the_original_is_left_alone() {
    let (dir, _db, mut store, op) = scheme();
    // a name that could act on a terminal, in a folder of the operator's own
    let given = dir.path().join("downloads").join("still\x1b]0;x\x07.png");
    let bytes = still(&given, 4);
    let o = store
        .create_offender(OffenderKind::Known, person("Kyle Marsh", &given), op, now())
        .unwrap();

    let copy = PathBuf::from(&o.photo_path);
    let folder = dir.path().canonicalize().unwrap().join("photos");
    assert_eq!(copy.parent(), Some(folder.as_path()), "{}", o.photo_path);
    let name = copy.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with(&format!("offender-{}-", o.id)) && name.ends_with(".png"),
        "the store chose the name: {name}"
    );
    assert!(!name.contains("still") && !name.contains('\x1b'));
    assert_eq!(std::fs::read(&copy).unwrap(), bytes, "the same bytes");
    assert_eq!(mode(&copy), 0o600, "the copy is owner-only");
    assert_eq!(mode(&folder), 0o700, "the folder is owner-only");
    assert_eq!(
        std::fs::read(&given).unwrap(),
        bytes,
        "the original untouched"
    );
    assert_eq!(
        photo_files(dir.path()),
        [name.to_string()],
        "no temporary file left"
    );

    // a JPEG is kept as one; an edit that keeps the photo copies nothing
    let jpeg = dir.path().join("phone.jpeg");
    std::fs::write(&jpeg, b"\xFF\xD8\xFF\xE0 a phone photo").unwrap();
    store
        .set_offender_photo(o.id, jpeg.to_str().unwrap(), op, now())
        .unwrap();
    let o = store.offender(o.id).unwrap().unwrap();
    assert!(o.photo_path.ends_with(".jpg"), "{}", o.photo_path);
    let input = OffenderInput {
        name: o.name.clone(),
        photo_path: o.photo_path.clone(),
        description: "grey hoodie".into(),
        ..Default::default()
    };
    let saved = store
        .update_offender(o.id, o.version, input, op, now())
        .unwrap();
    assert_eq!(saved.photo_path, o.photo_path);
    assert_eq!(
        photo_files(dir.path()).len(),
        1,
        "the PNG's copy went when replaced"
    );
}

#[test]
fn what_is_not_a_photo_is_refused_with_a_clear_message_and_nothing_is_stored() {
    let (dir, db, mut store, op) = scheme();
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "not an image at all").unwrap();
    let huge = dir.path().join("huge.png");
    {
        let mut f = std::fs::File::create(&huge).unwrap();
        std::io::Write::write_all(&mut f, b"\x89PNG\r\n\x1a\n").unwrap();
        f.set_len(21 * 1024 * 1024).unwrap();
    }
    let folder = dir.path().join("a folder.png");
    std::fs::create_dir(&folder).unwrap();
    let missing = dir.path().join("gone.png");
    let hostile = dir.path().join("gone\x1b[2J.png");
    let cases: [(&Path, &str); 5] = [
        (&text, "is not a JPEG or PNG image"),
        (&huge, "a photo may be at most 20 MB"),
        (&folder, "is a folder, not an image"),
        (&missing, "there is no file at"),
        (&hostile, "there is no file at"),
    ];
    let people = count(&db, "SELECT COUNT(*) FROM offenders");
    for (path, says) in cases {
        let err = store
            .create_offender(OffenderKind::Known, person("Nia Holt", path), op, now())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("photo: ") && err.contains(says), "{err}");
        assert!(!err.contains('\x1b'), "the path is cleaned: {err:?}");
        assert_eq!(count(&db, "SELECT COUNT(*) FROM offenders"), people);
    }

    // an edit refused for its photo changes nothing either
    let o = store
        .create_offender(
            OffenderKind::Known,
            person("Nia Holt", Path::new("")),
            op,
            now(),
        )
        .unwrap();
    let mut edit = person("Nia Holt-Renamed", &text);
    edit.description = "tall".into();
    assert!(store
        .update_offender(o.id, o.version, edit, op, now())
        .is_err());
    assert!(store
        .set_offender_photo(o.id, huge.to_str().unwrap(), op, now())
        .is_err());
    assert_eq!(store.offender(o.id).unwrap().unwrap(), o);
    assert!(
        photo_files(dir.path()).is_empty(),
        "{:?}",
        photo_files(dir.path())
    );
}

#[test]
fn a_refused_save_keeps_no_copy_and_a_replaced_photo_goes_only_from_the_photo_folder() {
    let (dir, db, mut store, op) = scheme();
    let first = dir.path().join("first.png");
    let second = dir.path().join("second.png");
    still(&first, 1);
    still(&second, 2);
    let o = store
        .create_offender(OffenderKind::Known, person("Jay Reed", &first), op, now())
        .unwrap();
    let first_copy = PathBuf::from(&o.photo_path);

    // a stale edit bringing a new photo is refused, and leaves no copy of it
    let stale = person("Jay Reed", &second);
    let mut elsewhere_edit = person("Jay Reed", &first_copy);
    elsewhere_edit.description = "edited on another console".into();
    store
        .update_offender(o.id, o.version, elsewhere_edit, op, now())
        .unwrap();
    assert!(store
        .update_offender(o.id, o.version, stale, op, now())
        .is_err());
    assert_eq!(
        photo_files(dir.path()).len(),
        1,
        "{:?}",
        photo_files(dir.path())
    );

    // replaced: the store's old copy goes, the files given stay
    store
        .set_offender_photo(o.id, second.to_str().unwrap(), op, now())
        .unwrap();
    let second_copy = PathBuf::from(store.offender(o.id).unwrap().unwrap().photo_path);
    assert!(!first_copy.exists() && second_copy.exists());
    assert!(first.exists() && second.exists());

    // an older store's photo, anywhere on the host: replacing it leaves it there
    let elsewhere = dir.path().join("elsewhere.png");
    still(&elsewhere, 3);
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE offenders SET photo_path = ?1 WHERE id = ?2",
            rusqlite::params![elsewhere.to_str().unwrap(), o.id],
        )
        .unwrap();
    store
        .set_offender_photo(o.id, first.to_str().unwrap(), op, now())
        .unwrap();
    assert!(elsewhere.exists(), "not the store's to delete");
    // cleared: the copy goes
    let copy = PathBuf::from(store.offender(o.id).unwrap().unwrap().photo_path);
    store.set_offender_photo(o.id, "", op, now()).unwrap();
    assert!(!copy.exists());
    assert_eq!(store.offender(o.id).unwrap().unwrap().photo_path, "");

    // a still shared by a merged record stays while the merged record uses it
    let stub = store
        .create_offender(
            OffenderKind::IdSought,
            OffenderInput {
                description: "red coat".into(),
                photo_path: first.to_str().unwrap().into(),
                ..Default::default()
            },
            op,
            now(),
        )
        .unwrap();
    store.merge_offender(stub.id, o.id, op, now()).unwrap();
    let shared = PathBuf::from(store.offender(o.id).unwrap().unwrap().photo_path);
    assert_eq!(shared, PathBuf::from(&stub.photo_path));
    store
        .set_offender_photo(o.id, second.to_str().unwrap(), op, now())
        .unwrap();
    assert!(shared.exists(), "the merged record still names it");
}

/// A person retention removes: known, quiet for three years.
fn quiet_person(store: &mut Store, op: i64, name: &str) -> i64 {
    let long_ago = now() - Duration::days(3 * 365);
    store
        .create_offender(
            OffenderKind::Known,
            person(name, Path::new("")),
            op,
            long_ago,
        )
        .unwrap()
        .id
}

#[test]
fn retention_deletes_only_inside_the_schemes_folders_and_names_the_rest() {
    let (dir, db, mut store, op) = scheme();
    // the store's own copy
    let given = dir.path().join("given.png");
    still(&given, 9);
    let owned = quiet_person(&mut store, op, "Owen Copy");
    store
        .set_offender_photo(
            owned,
            given.to_str().unwrap(),
            op,
            now() - Duration::days(3 * 365),
        )
        .unwrap();
    let copy = PathBuf::from(store.offender(owned).unwrap().unwrap().photo_path);
    // older stores' paths, set as they may be found: a file elsewhere on the
    // host, a way out of the photo folder through `..`, a link in the photo
    // folder pointing out of it
    let host = dir.path().join("host");
    std::fs::create_dir(&host).unwrap();
    let outside = host.join("system-file");
    std::fs::write(&outside, "keep me").unwrap();
    let climbing = host.join("climbed-to");
    std::fs::write(&climbing, "keep me too").unwrap();
    let link_target = host.join("linked-to");
    std::fs::write(&link_target, "and me").unwrap();
    let link = dir.path().join("photos").join("offender-99-linked.png");
    std::os::unix::fs::symlink(&link_target, &link).unwrap();
    let paths = [
        ("Olga Elsewhere", outside.to_str().unwrap().to_string()),
        (
            "Otto Climber",
            format!("{}/photos/../host/climbed-to", dir.path().display()),
        ),
        ("Ola Link", link.to_str().unwrap().to_string()),
    ];
    let c = Connection::open(&db).unwrap();
    let mut ids = vec![owned];
    for (name, path) in &paths {
        let id = quiet_person(&mut store, op, name);
        c.execute(
            "UPDATE offenders SET photo_path = ?1 WHERE id = ?2",
            rusqlite::params![path, id],
        )
        .unwrap();
        ids.push(id);
    }
    drop(c);

    let mut out = vec![];
    let outcome = run_retention(
        &mut store,
        &RetentionRules::default(),
        true,
        op,
        now(),
        &mut out,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    for id in &ids {
        assert!(
            store.offender(*id).unwrap().is_none(),
            "{id} removed: {text}"
        );
    }
    assert_eq!(outcome.photos_deleted, vec![copy.clone()], "{text}");
    assert!(!copy.exists() && given.exists());
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep me");
    assert_eq!(std::fs::read_to_string(&climbing).unwrap(), "keep me too");
    assert_eq!(std::fs::read_to_string(&link_target).unwrap(), "and me");
    assert!(link.symlink_metadata().is_ok(), "the link is left too");
    assert_eq!(outcome.not_deleted.len(), 3, "{text}");
    for (_, path) in &paths {
        assert!(text.contains(path.as_str()), "{path} named: {text}");
    }
    assert!(text.contains(&format!(
        "not deleted: outside the scheme's folders: {}",
        outside.display()
    )));
    assert!(text.contains(&format!(
        "not deleted: a link, not one of the scheme's files: {}",
        link.display()
    )));
    assert!(text.contains("photo files deleted: 1"), "{text}");
}

#[test]
fn a_document_written_elsewhere_is_named_not_deleted() {
    use watchroom::io::document::{make_document, Formats, Subject};
    let (dir, mut store, manager) = {
        let (dir, db) = demo_store();
        let mut store = Store::open(&db).unwrap();
        let manager = store
            .operator_or_add("Test manager", "manager", now())
            .unwrap()
            .id;
        (dir, store, manager)
    };
    let config = watchroom::app::config::Config::default();
    let settings = config.document_settings(dir.path().join("templates"));
    let long_ago = now() - Duration::days(3 * 365);
    let id = quiet_person(&mut store, manager, "Wendell Quarry");
    let exclusion = store
        .create_exclusion(
            &NewExclusion {
                offender_id: id,
                stage: "exclusion".into(),
                scope: Scope::AllZones,
                starts_at: long_ago,
                ends_at: long_ago + Duration::days(180),
                served_at: Some(long_ago),
                served_by: "Test manager".into(),
                reason: "theft".into(),
                evidence: vec![],
                review_on: None,
            },
            &settings.ladder,
            manager,
            long_ago,
        )
        .unwrap();
    let make = |store: &mut Store, out: &Path| {
        make_document(
            store,
            watchroom::domain::document::DocKind::ExclusionNotice,
            Subject::Exclusion(exclusion.id),
            &settings,
            Formats {
                pdf: false,
                markdown: true,
            },
            out,
            manager,
            long_ago,
        )
        .unwrap()
    };
    // one beside the store, one with --out into a folder of the manager's choosing
    let beside = make(&mut store, &dir.path().join("documents"));
    let chosen = dir.path().join("print");
    let elsewhere = make(&mut store, &chosen);

    let mut out = vec![];
    let outcome = run_retention(
        &mut store,
        &settings.retention,
        true,
        manager,
        now(),
        &mut out,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(store.offender(id).unwrap().is_none(), "removed");
    assert!(beside.files.iter().all(|f| !f.exists()), "{text}");
    for f in &elsewhere.files {
        assert!(f.exists(), "{} was the manager's to delete", f.display());
        assert!(outcome.not_deleted.contains(f));
        assert!(
            text.contains(&format!(
                "not deleted: outside the scheme's folders: {}",
                f.display()
            )),
            "{text}"
        );
    }
}

#[test]
fn the_binary_carries_on_past_files_it_leaves_and_prints_their_paths_cleaned() {
    let (dir, db) = demo_store();
    let mut store = Store::open(&db).unwrap();
    let op = store
        .operator_or_add("Alex Morgan", "manager", now())
        .unwrap()
        .id;
    let id = quiet_person(&mut store, op, "Quill Hostile");
    drop(store);
    let outside = dir.path().join("elsewhere\x1b[2J.png");
    std::fs::write(&outside, "not the store's").unwrap();
    Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE offenders SET photo_path = ?1 WHERE id = ?2",
            rusqlite::params![outside.to_str().unwrap(), id],
        )
        .unwrap();

    let (ok, stdout, stderr) = run_binary(&db, "Alex Morgan", "1234", &["retention", "--apply"]);
    assert!(ok, "{stdout}{stderr}");
    assert!(outside.exists(), "left where it is");
    assert!(
        stdout.contains("not deleted: outside the scheme's folders:")
            && stdout.contains("elsewhere")
            && stdout.contains("delete it by hand"),
        "{stdout}"
    );
    assert!(
        !stdout.contains('\x1b') && !stderr.contains('\x1b'),
        "{stdout:?}"
    );
    assert_eq!(
        count(
            &db,
            &format!("SELECT COUNT(*) FROM offenders WHERE id = {id}")
        ),
        0,
        "the record itself is removed"
    );
}

#[test]
fn the_consoles_form_copies_the_photo_in_and_refuses_what_is_not_one() {
    let mut c = demo_console();
    let dir = c.path.parent().unwrap().to_path_buf();
    let given = dir.join("still from member.png");
    let bytes = still(&given, 11);
    let notes = dir.join("notes.png");
    std::fs::write(&notes, "a text file").unwrap();

    let add = |c: &mut Console, name: &str, photo: &Path| {
        c.keys("3O");
        assert!(c.app.form().is_some());
        c.key(KeyCode::Tab);
        c.keys(name);
        for _ in 0..5 {
            c.key(KeyCode::Tab);
        }
        c.keys(photo.to_str().unwrap());
        c.ctrl('s');
    };
    let people = count(&c.path, "SELECT COUNT(*) FROM offenders");
    add(&mut c, "Yolanda Peck", &notes);
    let Some(f) = c.app.form() else {
        panic!("the form stays open")
    };
    let error = f.error.clone().unwrap_or_default();
    assert!(error.contains("is not a JPEG or PNG image"), "{error}");
    assert_eq!(count(&c.path, "SELECT COUNT(*) FROM offenders"), people);
    // put right in the same form, as an operator would
    c.ctrl('u');
    c.keys(given.to_str().unwrap());
    c.ctrl('s');
    assert!(c.app.nothing_open(), "{:?}", c.app.overlay());
    let saved = c.app.profile.as_ref().unwrap().profile.offender.clone();
    assert_eq!(saved.name, "Yolanda Peck");
    let copy = PathBuf::from(&saved.photo_path);
    assert!(
        copy.starts_with(dir.canonicalize().unwrap().join("photos")),
        "{}",
        saved.photo_path
    );
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
    assert_eq!(std::fs::read(&given).unwrap(), bytes);
    let message = c.app.message.as_ref().expect("a message").text.clone();
    assert!(
        message.contains("copied into the store's photo folder")
            && message.contains("still from member.png")
            && message.contains("left where it was"),
        "{message}"
    );
}
