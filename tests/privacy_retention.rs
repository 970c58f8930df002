//! Retention on real store files: a dry run lists what is due, with why, and
//! changes nothing; applying removes exactly what is due from every table and
//! leaves no trace in the files; rules of zero are refused before anything is
//! read.
//!
//! Over 800 lines: one small town holding every kind of record and mention
//! retention must reach, built once and read by each test.

mod privacy_common;
mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use privacy_common::*;
use rusqlite::types::ValueRef;
use std::path::{Path, PathBuf};
use support::now;
use watchroom::domain::exclusion::{Ladder, Scope};
use watchroom::domain::offender::OffenderKind;
use watchroom::domain::retention::{DueKind, RetentionRules};
use watchroom::domain::sighting::NewSighting;
use watchroom::domain::{NewIncident, Place, Priority};
use watchroom::io::retention::run_retention;
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::sightings::HitRules;
use watchroom::store::Store;

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap()
}

/// Every table's row count, to show a dry run changed nothing.
fn row_counts(path: &Path) -> Vec<(String, i64)> {
    let c = raw(path);
    tables(&c)
        .into_iter()
        .map(|t| {
            let n = c
                .query_row(&format!("SELECT COUNT(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect()
}

/// Every text (and blob) value in every table that contains `needle`, ignoring case.
fn text_containing(path: &Path, needle: &str) -> Vec<String> {
    let c = raw(path);
    let needle = needle.to_lowercase();
    let mut found = vec![];
    for t in tables(&c) {
        let mut st = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                let text = match r.get_ref(i).unwrap() {
                    ValueRef::Text(b) | ValueRef::Blob(b) => {
                        String::from_utf8_lossy(b).into_owned()
                    }
                    _ => continue,
                };
                if text.to_lowercase().contains(&needle) {
                    found.push(format!("{t}: {text}"));
                }
            }
        }
    }
    found
}

/// The store's files as they are on disk (the database, its log, its shared memory).
fn file_bytes(path: &Path) -> Vec<u8> {
    let mut all = vec![];
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if let Ok(b) = std::fs::read(&p) {
            all.extend(b);
        }
    }
    all
}

fn contains_bytes(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn file_image(path: &Path) -> (Vec<u8>, Vec<u8>) {
    (
        std::fs::read(path).unwrap(),
        std::fs::read(format!("{}-wal", path.display())).unwrap_or_default(),
    )
}

fn sighting(at: DateTime<Utc>, camera: i64, offender: Option<i64>, note: &str) -> NewSighting {
    NewSighting {
        at,
        camera_id: Some(camera),
        zone_id: None,
        location: String::new(),
        offender_id: offender,
        description: if offender.is_none() {
            "unknown male".into()
        } else {
            String::new()
        },
        note: note.into(),
        incident_id: None,
    }
}

/// A small town where every record of the people due carries the word
/// “Zzyzx”, and nothing about the people kept does.
struct Town {
    dir: tempfile::TempDir,
    path: PathBuf,
    store: Store,
    op: i64,
    quentin: i64,
    stub: i64,
    gone: i64,
    keeper: i64,
    banned: i64,
    boundary: i64,
    live: i64,
    keeper_old_sighting: i64,
    keeper_recent_sighting: i64,
    quentin_incident: i64,
    old_incident: i64,
    recent_closed_incident: i64,
    /// The store's copy of Quentin's photo, in `photos/` beside the store.
    photo: PathBuf,
    /// The file it was copied from, which is the operator's, not the store's.
    photo_given: PathBuf,
}

fn town() -> Town {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchroom.db");
    let mut s = Store::open(&path).unwrap();
    let op = s
        .operator_or_add("Sam Okafor", "manager", at(2019, 1, 1))
        .unwrap()
        .id;
    let c = raw(&path);
    c.execute(
        "INSERT INTO zones (name, code) VALUES ('High Street', 'HS')",
        [],
    )
    .unwrap();
    let zone = c.last_insert_rowid();
    c.execute(
        "INSERT INTO members (name, kind, zone_id) VALUES ('Greggs', 'shop', ?1)",
        [zone],
    )
    .unwrap();
    let member = c.last_insert_rowid();
    c.execute(
        "INSERT INTO radios (call_sign, serial, member_id, status) VALUES ('HS01', 'MTP-1', ?1, 'issued')",
        [member],
    )
    .unwrap();
    let radio = c.last_insert_rowid();
    drop(c);
    let cam = s
        .add_camera("Cam 1 High Street", Some(zone), true, op, at(2019, 1, 1))
        .unwrap()
        .id;
    let rules = HitRules::default();

    // --- due: a known person quiet since May 2025, exclusion ended June 2025
    let t = at(2024, 6, 1);
    let mut q = known("Quentin Zzyzx-Former");
    q.aliases = vec!["Quincy Zzyzx-Alias".into(), "Quin Zzyzx-Old-Alias".into()];
    q.nicknames = vec!["Zzyzx-Nick".into()];
    q.description = "tall, Zzyzx-Described tattoo on neck".into();
    let quentin = s
        .create_offender(OffenderKind::Known, q.clone(), op, t)
        .unwrap()
        .id;
    // renamed, an alias dropped: the old ones are kept in his history
    q.name = "Quentin Zzyzx-Retained".into();
    q.aliases = vec!["Quincy Zzyzx-Alias".into()];
    s.update_offender(quentin, 1, q, op, t).unwrap();
    let photo_given = dir.path().join("stills").join("quentin-zzyzx.png");
    watchroom::io::stills::write_still(&photo_given, 7).unwrap();
    s.set_offender_photo(quentin, photo_given.to_str().unwrap(), op, t)
        .unwrap();
    let photo = PathBuf::from(s.offender(quentin).unwrap().unwrap().photo_path);
    assert!(photo.starts_with(dir.path().canonicalize().unwrap().join("photos")));
    // an earlier ID-sought record of him, merged in when he was identified
    let stub = s
        .create_offender(
            OffenderKind::IdSought,
            id_sought("Zzyzx-Stub grey hoodie"),
            op,
            at(2024, 5, 1),
        )
        .unwrap()
        .id;
    s.merge_offender(stub, quentin, op, at(2024, 7, 1)).unwrap();
    let quentin_incident = closed_incident(
        &mut s,
        op,
        zone,
        at(2025, 5, 1),
        "Quentin Zzyzx-Retained took gin from the shelf",
        "by the tills",
    );
    let ex = s
        .create_exclusion(
            &NewExclusion {
                offender_id: quentin,
                stage: "exclusion".into(),
                scope: Scope::Zones(vec![zone]),
                starts_at: at(2025, 1, 1),
                ends_at: at(2025, 6, 1),
                served_at: Some(at(2025, 1, 1)),
                served_by: "Sam Okafor".into(),
                reason: "Zzyzx-Reason persistent theft".into(),
                evidence: vec![quentin_incident],
                review_on: None,
            },
            &Ladder::default(),
            op,
            at(2025, 1, 1),
        )
        .unwrap();
    let out = s
        .record_sighting(
            &sighting(
                at(2025, 5, 1),
                cam,
                Some(quentin),
                "Zzyzx-Note in the doorway",
            ),
            &rules,
            op,
            at(2025, 5, 1),
        )
        .unwrap();
    assert_eq!(out.hits.len(), 1, "a breach while excluded");
    s.link_offender(quentin_incident, quentin, &rules, op, at(2025, 5, 1))
        .unwrap();
    s.add_note(
        quentin_incident,
        "staff know him as Quentin Zzyzx-Retained",
        None,
        op,
        at(2025, 5, 1),
    )
    .unwrap();
    s.open_profile(quentin, op, "checking a sighting", at(2025, 5, 2))
        .unwrap();
    assert!(s.exclusion(ex.id).is_ok());
    s.record_appeal(
        ex.id,
        ex.version,
        chrono::NaiveDate::from_ymd_opt(2025, 1, 15).unwrap(),
        Some("Zzyzx-Appeal dismissed"),
        op,
        at(2025, 2, 1),
    )
    .unwrap();

    // --- due: an ID-sought record last seen the day before the six-month boundary
    let gone = s
        .create_offender(
            OffenderKind::IdSought,
            id_sought("Zzyzx-Gone red coat"),
            op,
            at(2026, 3, 1),
        )
        .unwrap()
        .id;
    s.record_sighting(
        &sighting(
            now() - Duration::days(185),
            cam,
            Some(gone),
            "Zzyzx-Gone by the cash machine",
        ),
        &rules,
        op,
        now() - Duration::days(185),
    )
    .unwrap();

    // --- kept: seen last month, with an old sighting that goes on its own,
    // and a sighting whose note mentions Quentin
    let mut k = known("Kept Keeper-Known");
    k.description = "often with Quentin Zzyzx-Retained".into();
    let keeper = s
        .create_offender(OffenderKind::Known, k.clone(), op, at(2024, 1, 1))
        .unwrap()
        .id;
    // his description said so once: the old words are in his history
    k.description = "usually alone".into();
    s.update_offender(keeper, 1, k, op, at(2024, 2, 1)).unwrap();
    let keeper_old_sighting = s
        .record_sighting(
            &sighting(at(2025, 1, 10), cam, Some(keeper), "old sighting"),
            &rules,
            op,
            at(2025, 1, 10),
        )
        .unwrap()
        .sighting_id;
    let keeper_recent_sighting = s
        .record_sighting(
            &sighting(
                at(2026, 10, 1),
                cam,
                Some(keeper),
                "with Quentin Zzyzx-Retained again",
            ),
            &rules,
            op,
            at(2026, 10, 1),
        )
        .unwrap()
        .sighting_id;
    // --- kept: quiet for years but excluded now
    let banned = s
        .create_offender(
            OffenderKind::Known,
            known("Excluded Still-Banned"),
            op,
            at(2024, 1, 1),
        )
        .unwrap()
        .id;
    s.create_exclusion(
        &NewExclusion {
            offender_id: banned,
            stage: "exclusion".into(),
            scope: Scope::AllZones,
            starts_at: at(2024, 1, 1),
            ends_at: at(2027, 1, 1),
            served_at: Some(at(2024, 1, 1)),
            served_by: "Sam Okafor".into(),
            reason: "violence".into(),
            evidence: vec![],
            review_on: None,
        },
        &Ladder::default(),
        op,
        at(2024, 1, 1),
    )
    .unwrap();
    // --- kept: an ID-sought record seen exactly on the boundary instant
    let boundary = s
        .create_offender(
            OffenderKind::IdSought,
            id_sought("boundary blue cap"),
            op,
            at(2026, 1, 1),
        )
        .unwrap()
        .id;
    let cutoff = Utc.with_ymd_and_hms(2026, 5, 27, 12, 0, 0).unwrap();
    s.record_sighting(
        &sighting(cutoff, cam, Some(boundary), "on the line"),
        &rules,
        op,
        cutoff,
    )
    .unwrap();
    // --- kept: an ID-sought record named on an incident still open
    let live = s
        .create_offender(
            OffenderKind::IdSought,
            id_sought("live green jacket"),
            op,
            at(2025, 1, 1),
        )
        .unwrap()
        .id;
    let open = s
        .create_incident(
            &NewIncident {
                kind: "theft".into(),
                priority: Priority::Medium,
                place: Place {
                    zone_id: Some(zone),
                    member_id: None,
                    location: String::new(),
                },
                summary: "still being handled".into(),
                opened_at: at(2025, 1, 1),
            },
            op,
            at(2025, 1, 1),
        )
        .unwrap();
    s.link_offender(open.id, live, &rules, op, at(2025, 1, 1))
        .unwrap();

    // --- incidents: one closed over six years ago naming the keeper, one closed under six
    let old_incident = closed_incident(
        &mut s,
        op,
        zone,
        at(2019, 3, 1),
        "Old-Anon-Summary of a theft",
        "Old-Anon-Place",
    );
    s.add_note(
        old_incident,
        "Old-Anon-Note: CCTV on it",
        None,
        op,
        at(2019, 3, 1),
    )
    .unwrap();
    // edited once: its old and new texts are in its timeline
    let before = s.incident(old_incident).unwrap().unwrap();
    let mut edit = watchroom::domain::IncidentEdit::from_incident(&before);
    edit.summary = "Old-Anon-Summary of a theft, edited".into();
    edit.place.location = "Old-Anon-Place by the door".into();
    s.update_incident(old_incident, before.version, &edit, op, at(2019, 3, 2))
        .unwrap();
    raw(&path)
        .execute(
            "UPDATE incidents SET police_ref = 'CB-2019-1' WHERE id = ?1",
            [old_incident],
        )
        .unwrap();
    s.link_offender(old_incident, keeper, &rules, op, at(2019, 3, 1))
        .unwrap();
    let recent_closed_incident = closed_incident(
        &mut s,
        op,
        zone,
        at(2021, 1, 1),
        "kept summary",
        "kept place",
    );
    // a kept record naming him by the name he had before the edit
    s.add_note(
        recent_closed_incident,
        "staff knew him as Quentin Zzyzx-Former",
        None,
        op,
        at(2021, 1, 1),
    )
    .unwrap();

    // a radio message naming Quentin (written directly: the radio log's own
    // writer copies messages into the audit trail)
    raw(&path)
        .execute(
            "INSERT INTO radio_log (at, radio_id, message, operator_id) VALUES (?1, ?2, 'Quentin Zzyzx-Retained heading your way', ?3)",
            rusqlite::params![at(2025, 5, 1).timestamp(), radio, op],
        )
        .unwrap();

    // the other ways he is named in what is kept: by initial and surname
    // in the occurrence log, by nickname in a note, by title in a handover,
    // surname first in a bulletin alert and a hit's outcome
    let c = raw(&path);
    c.execute(
        "INSERT INTO occurrence_log (operator_id, at, text) VALUES (?1, ?2, 'door staff say Q. Zzyzx-Retained was back')",
        rusqlite::params![op, at(2025, 5, 2).timestamp()],
    )
    .unwrap();
    c.execute(
        "INSERT INTO shifts (id, operator_id, started_at, ended_at) VALUES (900, ?1, ?2, ?2)",
        rusqlite::params![op, at(2025, 5, 2).timestamp()],
    )
    .unwrap();
    c.execute(
        "INSERT INTO handovers (shift_id, operator_id, at, body) VALUES (900, ?1, ?2, '## Watch
Mr ZZYZX-RETAINED tonight')",
        rusqlite::params![op, at(2025, 5, 2).timestamp()],
    )
    .unwrap();
    c.execute(
        "INSERT INTO bulletin_alerts (text, from_on, until_on, created_at, created_by) VALUES ('Zzyzx-Retained, Quentin: not welcome', '2025-05-01', '2025-05-08', ?1, ?2)",
        rusqlite::params![at(2025, 5, 1).timestamp(), op],
    )
    .unwrap();
    c.execute(
        "INSERT INTO hits (raised_at, kind, offender_id, detail, status, action_taken) VALUES (?1, 'watch', ?2, 'kept hit', 'accepted', 'told police Zzyzx-Retained Q was with him')",
        rusqlite::params![at(2026, 5, 1).timestamp(), keeper],
    )
    .unwrap();
    s.add_note(
        recent_closed_incident,
        "Zzyzx-Nick in the doorway again",
        None,
        op,
        at(2021, 1, 2),
    )
    .unwrap();

    Town {
        dir,
        path,
        store: s,
        op,
        quentin,
        stub,
        gone,
        keeper,
        banned,
        boundary,
        live,
        keeper_old_sighting,
        keeper_recent_sighting,
        quentin_incident,
        old_incident,
        recent_closed_incident,
        photo,
        photo_given,
    }
}

#[test]
fn a_dry_run_lists_what_is_due_with_why_and_changes_nothing() {
    let mut t = town();
    let rules = RetentionRules::default();
    let counts_before = row_counts(&t.path);
    let bytes_before = file_image(&t.path);
    let mut out = Vec::new();
    let outcome = run_retention(&mut t.store, &rules, false, t.op, now(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();

    let mut due: Vec<(DueKind, i64)> = outcome.due.iter().map(|d| (d.kind, d.id)).collect();
    due.sort_by_key(|d| (format!("{:?}", d.0), d.1));
    let mut expected = vec![
        (DueKind::Known, t.quentin),
        (DueKind::Merged, t.stub),
        (DueKind::IdSought, t.gone),
        (DueKind::Sighting, t.keeper_old_sighting),
        (DueKind::ClosedIncident, t.old_incident),
    ];
    expected.sort_by_key(|d| (format!("{:?}", d.0), d.1));
    assert_eq!(due, expected, "{text}");
    assert!(outcome.applied.is_none());

    // one line per item, saying why
    assert!(text.contains("Quentin Zzyzx-Retained"), "{text}");
    assert!(text.contains("known: last activity 1 May 2025"), "{text}");
    assert!(text.contains("last exclusion ended 1 Jun 2025"), "{text}");
    assert!(
        text.contains("merged into Quentin Zzyzx-Retained"),
        "{text}"
    );
    assert!(
        text.contains("ID-sought: last activity 26 May 2026 (sighting)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("sighting #{}", t.keeper_old_sighting)),
        "{text}"
    );
    assert!(
        text.contains(&format!("incident #{}", t.old_incident)),
        "{text}"
    );
    // each mention elsewhere, with the words found and the record
    for (record, words) in [
        ("occurrence log entry #", "“Q. Zzyzx-Retained”"),
        ("handover #", "“Mr ZZYZX-RETAINED”"),
        ("bulletin alert #", "“Zzyzx-Retained, Quentin”"),
        ("hit #", "“Zzyzx-Retained Q”"),
        ("note #", "“Zzyzx-Nick”"),
        ("radio message #", "“Quentin Zzyzx-Retained”"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("mention") && l.contains(record) && l.contains(words)),
            "{record} {words}: {text}"
        );
    }
    assert!(text.contains("dry run: nothing was changed"), "{text}");
    assert!(!text.contains("Excluded Still-Banned"), "{text}");

    // nothing changed: not a row, not a byte
    assert_eq!(row_counts(&t.path), counts_before);
    assert_eq!(file_image(&t.path), bytes_before);
    assert!(t.photo.exists());
}

#[test]
fn applying_removes_exactly_what_is_due_from_every_table_and_from_the_files() {
    let mut t = town();
    let rules = RetentionRules::default();
    // the test can see the name in the files before
    t.store.compact_after_deletion().unwrap();
    assert!(contains_bytes(&file_bytes(&t.path), "Zzyzx-Retained"));
    assert!(!text_containing(&t.path, "zzyzx").is_empty());
    // the full-text index holds the word too, before
    let in_index = |path: &Path, word: &str| -> i64 {
        let c = raw(path);
        c.execute_batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.words USING fts5vocab(main, text_index, row)",
        )
        .unwrap();
        c.query_row(
            "SELECT COUNT(*) FROM temp.words WHERE term = ?1",
            [word],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert!(
        in_index(&t.path, "zzyzx") > 0,
        "the index has the word before"
    );
    let audit_before = count(&t.path, "SELECT COUNT(*) FROM audit");
    // their history of edits, and their exclusions': his renaming, the merge, the photo, the appeal
    let history = count(
        &t.path,
        &format!(
            "SELECT COUNT(*) FROM field_changes WHERE offender_id IN ({q}, {s}, {g})
                OR exclusion_id IN (SELECT id FROM exclusions WHERE offender_id = {q})",
            q = t.quentin,
            s = t.stub,
            g = t.gone
        ),
    );
    assert!(history >= 5, "{history}");

    let mut out = Vec::new();
    let outcome = run_retention(&mut t.store, &rules, true, t.op, now(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let c = outcome.applied.clone().unwrap();
    assert_eq!(c.offenders, 3, "{text}");
    assert_eq!(c.aliases, 1);
    assert_eq!(c.exclusions, 1);
    assert_eq!(c.sightings_of_removed, 2);
    assert_eq!(c.old_sightings, 1);
    // the breach his sighting raised and the one naming him on the incident raised
    assert_eq!(c.hits, 2);
    assert_eq!(c.incidents_anonymised, 1);
    // Quentin's on his incident, the keeper's on the old one
    assert_eq!(c.incident_links, 2);
    assert_eq!(c.changes as i64, history);
    // his incident's summary and note, the keeper's sighting note, the radio
    // message, the keeper's old description in his history, and the note
    // naming him by his former name; and by initial, title, surname first
    // and nickname: the occurrence log, the handover, the bulletin alert,
    // the kept hit's outcome and the note
    assert_eq!(c.mentions_struck_out, 11, "{text}");
    assert!(
        c.compaction.vacuumed && c.compaction.wal_truncated,
        "{:?}",
        c.compaction
    );
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    assert!(text.contains("3 offender records removed"), "{text}");

    // the store's copy of his photo went with him; the file it was copied from is not the store's
    assert_eq!(outcome.photos_deleted, vec![t.photo.clone()]);
    assert!(!t.photo.exists());
    assert!(t.photo_given.exists());
    assert!(outcome.not_deleted.is_empty(), "{:?}", outcome.not_deleted);

    // exactly the kept people remain
    let ids: Vec<i64> = raw(&t.path)
        .prepare("SELECT id FROM offenders ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut kept = vec![t.keeper, t.banned, t.boundary, t.live];
    kept.sort();
    assert_eq!(ids, kept);

    // nothing about the people removed is left in any table…
    let left = text_containing(&t.path, "zzyzx");
    assert!(left.is_empty(), "{left:#?}");
    for q in [
        format!("SELECT COUNT(*) FROM offender_aliases WHERE offender_id IN ({}, {}, {})", t.quentin, t.stub, t.gone),
        format!("SELECT COUNT(*) FROM exclusions WHERE offender_id = {}", t.quentin),
        "SELECT COUNT(*) FROM exclusion_zones WHERE exclusion_id NOT IN (SELECT id FROM exclusions)".to_string(),
        "SELECT COUNT(*) FROM exclusion_incidents WHERE exclusion_id NOT IN (SELECT id FROM exclusions)".to_string(),
        format!("SELECT COUNT(*) FROM sightings WHERE offender_id IN ({}, {}, {})", t.quentin, t.stub, t.gone),
        format!("SELECT COUNT(*) FROM hits WHERE offender_id IN ({}, {}, {})", t.quentin, t.stub, t.gone),
        format!("SELECT COUNT(*) FROM incident_offenders WHERE offender_id IN ({}, {}, {})", t.quentin, t.stub, t.gone),
        format!("SELECT COUNT(*) FROM field_changes WHERE offender_id IN ({}, {}, {})", t.quentin, t.stub, t.gone),
        "SELECT COUNT(*) FROM field_changes WHERE exclusion_id NOT IN (SELECT id FROM exclusions)".to_string(),
    ] {
        assert_eq!(count(&t.path, &q), 0, "{q}");
    }
    // …nor among the full-text index's words
    for word in ["zzyzx", "quentin", "quincy"] {
        assert_eq!(
            in_index(&t.path, word),
            0,
            "{word} is still in the full-text index"
        );
    }
    // …nor in the bytes of the files (the freed pages were overwritten)
    let bytes = file_bytes(&t.path);
    for needle in ["Zzyzx", "zzyzx", "Quentin", "Quincy", "Former", "Old-Alias"] {
        assert!(
            !contains_bytes(&bytes, needle),
            "{needle} is still in the store's files"
        );
    }

    // what is kept is intact
    let c2 = raw(&t.path);
    let name: String = c2
        .query_row(
            "SELECT name FROM offenders WHERE id = ?1",
            [t.keeper],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "Kept Keeper-Known");
    let note: String = c2
        .query_row(
            "SELECT note FROM sightings WHERE id = ?1",
            [t.keeper_recent_sighting],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(note, "with [removed] again");
    // a kept person's history keeps its change, his name struck out of it
    let (old, new): (String, String) = c2
        .query_row(
            "SELECT old, new FROM field_changes WHERE offender_id = ?1 AND field = 'description'",
            [t.keeper],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (old.as_str(), new.as_str()),
        ("often with [removed]", "usually alone")
    );
    // and the name he had before he was renamed is struck out of what is kept
    let former: String = c2
        .query_row(
            "SELECT text FROM timeline WHERE incident_id = ?1 AND kind = 'note'",
            [t.recent_closed_incident],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(former, "staff knew him as [removed]");
    assert_eq!(
        count(
            &t.path,
            &format!(
                "SELECT COUNT(*) FROM sightings WHERE id = {}",
                t.keeper_old_sighting
            )
        ),
        0
    );
    assert_eq!(
        count(
            &t.path,
            &format!(
                "SELECT COUNT(*) FROM exclusions WHERE offender_id = {}",
                t.banned
            )
        ),
        1
    );
    let (summary, location): (String, String) = c2
        .query_row(
            "SELECT summary, location FROM incidents WHERE id = ?1",
            [t.quentin_incident],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (summary.as_str(), location.as_str()),
        ("[removed] took gin from the shelf", "by the tills")
    );
    let (summary, location, police_ref): (String, String, String) = c2
        .query_row(
            "SELECT summary, location, police_ref FROM incidents WHERE id = ?1",
            [t.old_incident],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (summary.as_str(), location.as_str(), police_ref.as_str()),
        ("[anonymised]", "", "CB-2019-1")
    );
    assert_eq!(
        count(
            &t.path,
            &format!(
                "SELECT COUNT(*) FROM timeline WHERE incident_id = {} AND text <> '[anonymised]'",
                t.old_incident
            )
        ),
        0
    );
    assert!(text_containing(&t.path, "Old-Anon").is_empty());
    // the anonymised incident's edit is still there, what it replaced is not
    let edits: Vec<(String, String, String)> = c2
        .prepare(
            "SELECT c.field, c.old, c.new FROM field_changes c JOIN timeline t ON t.id = c.timeline_id
             WHERE t.incident_id = ?1 ORDER BY c.id",
        )
        .unwrap()
        .query_map([t.old_incident], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let anon = || "[anonymised]".to_string();
    assert_eq!(
        edits,
        [
            ("where".to_string(), anon(), anon()),
            ("what happened".to_string(), anon(), anon())
        ]
    );
    let summary: String = c2
        .query_row(
            "SELECT summary FROM incidents WHERE id = ?1",
            [t.recent_closed_incident],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(summary, "kept summary");
    assert_eq!(
        count(
            &t.path,
            &format!(
                "SELECT COUNT(*) FROM incident_offenders WHERE offender_id = {}",
                t.live
            )
        ),
        1
    );

    // one audit line, naming no one, and the trail still verifies
    assert_eq!(
        count(&t.path, "SELECT COUNT(*) FROM audit"),
        audit_before + 1
    );
    let (action, detail): (String, String) = c2
        .query_row(
            "SELECT action, detail FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(action, "retention");
    assert!(detail.contains("3 offender records removed"), "{detail}");
    assert!(detail.contains("1 incidents anonymised"), "{detail}");
    assert!(
        !detail.to_lowercase().contains("zzyzx") && !detail.contains("Quentin"),
        "{detail}"
    );
    assert!(t.store.verify_audit().unwrap().is_intact());

    // and running again finds nothing more to do
    let mut out = Vec::new();
    let again = run_retention(&mut t.store, &rules, false, t.op, now(), &mut out).unwrap();
    assert!(again.due.is_empty(), "{:?}", again.due);
    drop(t.dir);
}

#[test]
fn rules_of_zero_are_refused_before_anything_is_read() {
    let mut t = town();
    let rules = RetentionRules {
        known_months: 0,
        ..RetentionRules::default()
    };
    let mut out = Vec::new();
    let err = run_retention(&mut t.store, &rules, true, t.op, now(), &mut out).unwrap_err();
    assert!(err.to_string().contains("known_months"), "{err}");
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM offenders"), 7);
}
