//! Subject access requests on real store files: the export holds everything
//! about the person and nothing about anyone else; a person is found by
//! number, name or alias, a shared name refused; the report says what their
//! record held before each edit; the photo goes with it and hostile text stays
//! inert. And the schema: every table that refers to a person is one that
//! retention clears and the export covers.

mod privacy_common;
mod support;

use chrono::Duration;
use privacy_common::*;
use std::os::unix::fs::PermissionsExt;
use support::now;
use watchroom::domain::exclusion::{Ladder, Scope};
use watchroom::domain::offender::OffenderKind;
use watchroom::domain::retention::RetentionRules;
use watchroom::io::sar::run_sar;
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::sightings::HitRules;
use watchroom::store::{demo, Store, StoreError};

// ---------------------------------------------------------------- subject access

/// Whether `text` has `prefix` followed by exactly the number `n` (not `n` as the start of a longer one).
fn names_number(text: &str, prefix: &str, n: i64) -> bool {
    let needle = format!("{prefix}{n}");
    text.match_indices(&needle)
        .any(|(i, _)| !text[i + needle.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

fn walk_offender_ids(v: &serde_json::Value, out: &mut Vec<i64>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k.contains("offender") {
                    if let Some(n) = x.as_i64() {
                        out.push(n);
                    }
                }
                walk_offender_ids(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk_offender_ids(x, out)),
        _ => {}
    }
}

#[test]
fn a_subject_access_export_holds_everything_about_the_person_and_nothing_about_anyone_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let mut s = Store::open(&path).unwrap();
    demo::build_demo(&mut s, now()).unwrap();
    let manager = s.operator_by_name(demo::DEMO_OPERATOR).unwrap().unwrap().id;
    let cctv = s.operator_by_name("Priya Shah").unwrap().unwrap().id;
    // the demo person with the most held about them, exclusions and all
    let id: i64 = raw(&path)
        .query_row(
            "SELECT o.id FROM offenders o WHERE EXISTS(SELECT 1 FROM exclusions e WHERE e.offender_id = o.id)
             ORDER BY (SELECT COUNT(*) FROM sightings s WHERE s.offender_id = o.id)
                    + (SELECT COUNT(*) FROM incident_offenders io WHERE io.offender_id = o.id)
                    + (SELECT COUNT(*) FROM hits h WHERE h.offender_id = o.id)
                    + (SELECT COUNT(*) FROM offender_aliases a WHERE a.offender_id = o.id) DESC, o.id
             LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    s.open_profile(id, manager, "test", now()).unwrap();
    s.open_profile(id, cctv, "test", now() + Duration::minutes(5))
        .unwrap();
    // someone else's view is not theirs
    let other = if id == 1 { 2 } else { 1 };
    s.open_profile(other, cctv, "test", now()).unwrap();

    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let rules = RetentionRules::default();
    let files = run_sar(
        &mut s,
        &rules,
        &format!("#{id}"),
        &out,
        manager,
        "SAR-2026-001",
        now(),
    )
    .unwrap();
    assert_eq!(files.offender_id, id);
    assert_eq!(files.json, out.join(format!("sar-{id}-2026-11-27.json")));
    assert_eq!(files.markdown, out.join(format!("sar-{id}-2026-11-27.md")));
    for f in [&files.json, &files.markdown] {
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
    let json_text = std::fs::read_to_string(&files.json).unwrap();
    let md = std::fs::read_to_string(&files.markdown).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    let subject = &json["subject"];

    // every kind of data held, counted against the store itself
    let n = |sql: &str| count(&path, &sql.replace("?", &id.to_string()));
    let len = |k: &str| subject[k].as_array().unwrap().len() as i64;
    assert_eq!(subject["offender_id"], id);
    assert_eq!(
        len("aliases"),
        n("SELECT COUNT(*) FROM offender_aliases WHERE offender_id = ?")
    );
    assert_eq!(
        len("exclusions"),
        n("SELECT COUNT(*) FROM exclusions WHERE offender_id = ?")
    );
    assert_eq!(
        len("incidents"),
        n("SELECT COUNT(*) FROM incident_offenders WHERE offender_id = ?")
    );
    assert_eq!(
        len("sightings"),
        n("SELECT COUNT(*) FROM sightings WHERE offender_id = ?")
    );
    assert_eq!(
        len("hits"),
        n("SELECT COUNT(*) FROM hits WHERE offender_id = ?")
    );
    assert_eq!(len("views"), 2);
    assert!(len("exclusions") >= 1 && len("sightings") + len("incidents") + len("hits") >= 1);
    let zones: i64 = subject["exclusions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["zones"].as_array().unwrap().len() as i64)
        .sum();
    assert_eq!(
        zones,
        n("SELECT COUNT(*) FROM exclusion_zones WHERE exclusion_id IN (SELECT id FROM exclusions WHERE offender_id = ?)")
    );
    let (name, description, markers): (String, String, String) = raw(&path)
        .query_row(
            "SELECT name, description, markers FROM offenders WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(subject["name"], name.as_str());
    assert_eq!(subject["description"], description.as_str());
    assert!(md.contains(&name) && md.contains(&description));
    for m in markers.split(',').filter(|m| !m.is_empty()) {
        assert!(md.contains(m), "marker {m}");
    }
    for v in subject["views"].as_array().unwrap() {
        assert_eq!(v["why"], "test");
    }
    assert!(
        md.contains("Alex Morgan") && md.contains("Priya Shah"),
        "who looked"
    );
    for s_ in subject["sightings"].as_array().unwrap() {
        assert!(md.contains(&format!("Sighting #{}", s_["id"])));
    }
    for i in subject["incidents"].as_array().unwrap() {
        assert!(md.contains(&format!("Incident #{}", i["id"])));
    }

    // what the law requires alongside the data
    for needle in [
        "Why the partnership holds this information",
        "crime",
        "exclusion scheme",
        "Who it is shared with",
        "Member businesses",
        "police",
        "How long it is kept",
        "12 months",
        "6 years",
        "Where it came from",
        "CCTV",
        "Your rights",
        "rectification",
        "erasure",
        "Information Commissioner",
    ] {
        assert!(md.contains(needle), "the report says nothing of “{needle}”");
    }
    assert!(json["information"]["retention"].as_array().unwrap().len() == 4);

    // nothing about anyone else: no other person's name (unless it is also
    // one of theirs) and no other record number
    let theirs: Vec<String> = std::iter::once(name.to_lowercase())
        .chain(
            subject["aliases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_lowercase()),
        )
        .collect();
    let others: Vec<(i64, String)> = raw(&path)
        .prepare("SELECT id, name FROM offenders WHERE id <> ?1 UNION ALL SELECT offender_id, alias FROM offender_aliases WHERE offender_id <> ?1")
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(others.len() > 30);
    for (oid, oname) in &others {
        if theirs.contains(&oname.to_lowercase()) {
            continue;
        }
        assert!(
            !json_text.contains(oname.as_str()),
            "{oname} (#{oid}) is in the JSON"
        );
        assert!(
            !md.contains(oname.as_str()),
            "{oname} (#{oid}) is in the report"
        );
        for prefix in ["record #", "Record #", "Record: #"] {
            assert!(
                !names_number(&md, prefix, *oid),
                "{prefix}{oid} is in the report"
            );
        }
    }
    let mut ids = vec![];
    walk_offender_ids(&json, &mut ids);
    assert!(!ids.is_empty() && ids.iter().all(|i| *i == id), "{ids:?}");

    // the export is audited: who, about whom, why
    let (op, detail): (i64, String) = raw(&path)
        .query_row(
            "SELECT operator_id, detail FROM audit WHERE action = 'export' AND entity = 'sar' AND entity_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((op, detail.as_str()), (manager, "SAR-2026-001"));
    assert!(s.verify_audit().unwrap().is_intact());
}

#[test]
fn a_person_is_found_by_number_name_or_alias_and_a_shared_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("w.db")).unwrap();
    let op = s
        .operator_or_add("Sam Okafor", "manager", now())
        .unwrap()
        .id;
    let t = now() - Duration::days(3);
    let mut a = known("Kyle Marsh");
    a.aliases = vec!["Kez Marsh".into()];
    let a = s.create_offender(OffenderKind::Known, a, op, t).unwrap().id;
    let b = s
        .create_offender(OffenderKind::Known, known("kyle marsh"), op, t)
        .unwrap()
        .id;
    let c = s
        .create_offender(OffenderKind::Known, known("Jade Pym"), op, t)
        .unwrap()
        .id;
    let stub = s
        .create_offender(
            OffenderKind::IdSought,
            id_sought("tall, white trainers"),
            op,
            t,
        )
        .unwrap()
        .id;
    s.merge_offender(stub, c, op, t).unwrap();

    assert_eq!(s.find_subject(&format!("#{a}")).unwrap(), a);
    assert_eq!(s.find_subject(&format!("{b}")).unwrap(), b);
    assert_eq!(s.find_subject("JADE PYM").unwrap(), c);
    assert_eq!(s.find_subject("  kez   marsh ").unwrap(), a);
    // a record merged into someone stands for them
    assert_eq!(s.find_subject(&format!("#{stub}")).unwrap(), c);
    let err = s.find_subject("Kyle Marsh").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("#{a}")) && msg.contains(&format!("#{b}")),
        "{msg}"
    );
    assert!(msg.contains("record number"), "{msg}");
    assert!(matches!(
        s.find_subject("Kyle"),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.find_subject("#999"),
        Err(StoreError::NotFound(_))
    ));

    // the merged record's data is part of the person's
    let data = s.subject_access(stub).unwrap();
    assert_eq!(data.offender_id, c);
    assert_eq!(data.merged_records.len(), 1);
    assert_eq!(data.merged_records[0].id, stub);

    // no reason, no export, no files
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let audit = s.audit_count().unwrap();
    let err = run_sar(
        &mut s,
        &RetentionRules::default(),
        "Jade Pym",
        &out,
        op,
        "  ",
        now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("why"), "{err}");
    let err = run_sar(
        &mut s,
        &RetentionRules::default(),
        "Kyle Marsh",
        &out,
        op,
        "SAR-7",
        now(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("matches 2 records"), "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    assert_eq!(s.audit_count().unwrap(), audit);
}

#[test]
fn a_subject_access_report_says_what_their_record_held_before_each_edit_and_nothing_of_anyone_else_s(
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut s = Store::open(&path).unwrap();
    let op = s
        .operator_or_add("Sam Okafor", "manager", now())
        .unwrap()
        .id;
    raw(&path)
        .execute(
            "INSERT INTO zones (name, code) VALUES ('High Street', 'HS')",
            [],
        )
        .unwrap();
    let t = now() - Duration::days(3);
    let mut k = known("Kyle Marsh");
    k.description = "grey hoodie".into();
    let kyle = s
        .create_offender(OffenderKind::Known, k.clone(), op, t)
        .unwrap()
        .id;
    k.name = "Kyle Marsh-Smith".into();
    k.description = "grey hoodie, limps".into();
    s.update_offender(kyle, 1, k, op, t + Duration::minutes(1))
        .unwrap();
    // an earlier still of him, edited before it was merged in
    let stub = s
        .create_offender(OffenderKind::IdSought, id_sought("red cap"), op, t)
        .unwrap();
    let mut edit = id_sought("red cap, blue rucksack");
    edit.markers = vec!["drugs".into()];
    s.update_offender(stub.id, stub.version, edit, op, t + Duration::minutes(2))
        .unwrap();
    s.merge_offender(stub.id, kyle, op, t + Duration::minutes(3))
        .unwrap();
    let ex = s
        .create_exclusion(
            &NewExclusion {
                offender_id: kyle,
                stage: "exclusion".into(),
                scope: Scope::AllZones,
                starts_at: t,
                ends_at: t + Duration::days(180),
                served_at: Some(t),
                served_by: "PC Hale".into(),
                reason: "theft".into(),
                evidence: vec![],
                review_on: None,
            },
            &Ladder::default(),
            op,
            t,
        )
        .unwrap();
    s.record_appeal(
        ex.id,
        ex.version,
        t.date_naive(),
        Some("dismissed"),
        op,
        t + Duration::minutes(4),
    )
    .unwrap();
    // an incident naming him, its summary edited
    let i = closed_incident(&mut s, op, 1, t, "Kyle took gin", "by the tills");
    s.link_offender(i, kyle, &HitRules::default(), op, t)
        .unwrap();
    let before = s.incident(i).unwrap().unwrap();
    let mut e = watchroom::domain::IncidentEdit::from_incident(&before);
    e.summary = "Kyle took two bottles of gin".into();
    s.update_incident(i, before.version, &e, op, t + Duration::minutes(5))
        .unwrap();
    // someone else's edits are not his
    let mut j = known("Jade Pym");
    j.description = "Jade-Only-Before".into();
    let jade = s
        .create_offender(OffenderKind::Known, j.clone(), op, t)
        .unwrap();
    j.description = "Jade-Only-After".into();
    s.update_offender(jade.id, jade.version, j, op, t).unwrap();

    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let files = run_sar(
        &mut s,
        &RetentionRules::default(),
        "Kyle Marsh-Smith",
        &out,
        op,
        "SAR-12",
        now(),
    )
    .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files.json).unwrap()).unwrap();
    let md = std::fs::read_to_string(&files.markdown).unwrap();
    let changes = json["subject"]["changes"].as_array().unwrap();
    // newest first: the appeal, the merge (on him, then on the still), the
    // still's own edit, his renaming
    let of: Vec<&str> = changes.iter().map(|c| c["of"].as_str().unwrap()).collect();
    let stub_of = format!("record #{}", stub.id);
    let ex_of = format!("exclusion #{}", ex.id);
    assert_eq!(
        of,
        [ex_of.as_str(), "", stub_of.as_str(), stub_of.as_str(), ""]
    );
    let last = &changes[4];
    assert_eq!(last["by"], "Sam Okafor");
    assert_eq!(last["fields"][0]["field"], "name");
    assert_eq!(last["fields"][0]["old"], "Kyle Marsh");
    assert_eq!(last["fields"][0]["new"], "Kyle Marsh-Smith");
    assert_eq!(json["contents"]["changes"], 5);
    let inc = &json["subject"]["incidents"][0];
    assert_eq!(inc["changes"][0]["fields"][0]["old"], "Kyle took gin");
    assert_eq!(
        inc["changes"][0]["fields"][0]["new"],
        "Kyle took two bottles of gin"
    );
    for needle in [
        "## Changes made to your record (5)",
        "name: “Kyle Marsh” → “Kyle Marsh-Smith”",
        "description: “grey hoodie” → “grey hoodie, limps”",
        "appeal outcome: nothing → “dismissed”",
        "description: “red cap” → “red cap, blue rucksack”",
        "what happened: “Kyle took gin” → “Kyle took two bottles of gin”",
    ] {
        assert!(md.contains(needle), "the report lacks “{needle}”:\n{md}");
    }
    for text in [json.to_string(), md] {
        assert!(!text.contains("Jade"), "someone else's history is in it");
    }
}

#[test]
fn the_photo_is_sent_with_the_report_and_hostile_text_stays_inert() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("w.db")).unwrap();
    let op = s
        .operator_or_add("Sam Okafor", "manager", now())
        .unwrap()
        .id;
    let mut p = known("Bob Smith");
    p.description = "wears a <script>alert(1)</script> hat".into();
    let id = s
        .create_offender(OffenderKind::Known, p, op, now())
        .unwrap()
        .id;
    // a name with an escape sequence, as if imported from a hostile file
    let c = raw(s.path());
    c.execute(
        "UPDATE offenders SET name = 'Bob\u{1b}[2J Smith' WHERE id = ?1",
        [id],
    )
    .unwrap();
    drop(c);
    let photo = dir.path().join("bob.png");
    watchroom::io::stills::write_still(&photo, 3).unwrap();
    s.set_offender_photo(id, photo.to_str().unwrap(), op, now())
        .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let files = run_sar(
        &mut s,
        &RetentionRules::default(),
        &id.to_string(),
        &out,
        op,
        "SAR-9",
        now(),
    )
    .unwrap();
    assert_eq!(files.photos.len(), 1);
    assert_eq!(
        std::fs::read(&files.photos[0]).unwrap(),
        std::fs::read(&photo).unwrap()
    );
    assert_eq!(
        std::fs::metadata(&files.photos[0])
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    let md = std::fs::read_to_string(&files.markdown).unwrap();
    assert!(!md.contains('\u{1b}'));
    assert!(!md.contains("<script>"));
    let json = std::fs::read_to_string(&files.json).unwrap();
    assert!(!json.contains('\u{1b}'), "JSON escapes control characters");
}

#[test]
fn every_record_that_names_them_is_listed_each_report_is_a_new_file_and_no_path_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("w.db")).unwrap();
    let op = s
        .operator_or_add("Dana Chief", "manager", now())
        .unwrap()
        .id;
    let zone = s.add_zone("Market Square", "MS", op, now()).unwrap().id;
    let mut p = known("Zebedee Quartermaine");
    p.nicknames = vec!["Zebbo".into()];
    let id = s
        .create_offender(OffenderKind::Known, p, op, now())
        .unwrap()
        .id;
    let photo = dir.path().join("control-room-photos").join("zq.png");
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    watchroom::io::stills::write_still(&photo, 2).unwrap();
    s.set_offender_photo(id, photo.to_str().unwrap(), op, now())
        .unwrap();
    // named in an incident's note by nickname, in the occurrence log by
    // initial and surname; someone else with his surname is not him
    let incident = closed_incident(&mut s, op, zone, now(), "till snatch", "Greggs");
    s.add_note(incident, "Zebbo was at the door again", None, op, now())
        .unwrap();
    s.add_log_entry(
        None,
        op,
        "door staff saw Z. Quartermaine by the bank",
        None,
        now(),
    )
    .unwrap();
    s.add_log_entry(
        None,
        op,
        "Alice Quartermaine rang about parking",
        None,
        now(),
    )
    .unwrap();

    // a folder that is not there yet is made, owner-only
    let out = dir.path().join("requests").join("SAR-12");
    let run = |s: &mut Store| {
        run_sar(
            s,
            &RetentionRules::default(),
            &id.to_string(),
            &out,
            op,
            "SAR-12",
            now(),
        )
        .unwrap()
    };
    let first = run(&mut s);
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let md = std::fs::read_to_string(&first.markdown).unwrap();
    assert!(md.contains("## Other records that name you (2)"), "{md}");
    assert!(md.contains("Zebbo was at the door again"), "{md}");
    // (the report's Markdown escapes the number sign)
    assert!(md.contains(&format!("on incident \\#{incident}")), "{md}");
    assert!(md.contains("occurrence log entry \\#"), "{md}");
    assert!(md.contains("Z. Quartermaine"), "{md}");
    assert!(!md.contains("Alice"), "someone else: {md}");
    let json = std::fs::read_to_string(&first.json).unwrap();
    assert!(json.contains("Zebbo was at the door again"), "{json}");
    // the control room's own file is copied, never named
    for text in [&md, &json] {
        assert!(!text.contains("control-room-photos"), "{text}");
        assert!(!text.contains(&dir.path().display().to_string()), "{text}");
    }

    // a second report the same day is a new file beside the first
    let first_bytes = std::fs::read(&first.json).unwrap();
    let second = run(&mut s);
    assert_ne!(second.json, first.json);
    assert_ne!(second.markdown, first.markdown);
    assert_ne!(second.photos, first.photos);
    assert_eq!(std::fs::read(&first.json).unwrap(), first_bytes);
    assert!(second.json.exists() && second.markdown.exists());
}

// ---------------------------------------------------------------- the schema

/// Retention deletes a person from the tables it knows. A new table that
/// refers to a person (or to their exclusions or sightings) must be taught
/// to `store/privacy/` — deleted in `apply_retention`, exported in
/// `subject_access` — and then listed here.
#[test]
fn every_table_that_refers_to_a_person_is_one_retention_clears() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    drop(Store::open(&path).unwrap());
    let c = raw(&path);
    let mut links: Vec<String> = vec![];
    for t in tables(&c) {
        let mut st = c
            .prepare(&format!(
                "SELECT \"table\", \"from\" FROM pragma_foreign_key_list('{t}')"
            ))
            .unwrap();
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap();
        for row in rows {
            let (to, from) = row.unwrap();
            if ["offenders", "exclusions", "sightings"].contains(&to.as_str()) {
                links.push(format!("{t}.{from} → {to}"));
            }
        }
    }
    links.sort();
    assert_eq!(
        links,
        [
            "document_subjects.offender_id → offenders",
            "documents.exclusion_id → exclusions",
            "evidence_items.sighting_id → sightings",
            "exclusion_incidents.exclusion_id → exclusions",
            "exclusion_zones.exclusion_id → exclusions",
            "exclusions.offender_id → offenders",
            "field_changes.exclusion_id → exclusions",
            "field_changes.offender_id → offenders",
            "hits.exclusion_id → exclusions",
            "hits.last_sighting_id → sightings",
            "hits.offender_id → offenders",
            "hits.sighting_id → sightings",
            "incident_offenders.offender_id → offenders",
            "offender_aliases.offender_id → offenders",
            "offenders.merged_into → offenders",
            "sightings.offender_id → offenders",
        ]
    );
}
