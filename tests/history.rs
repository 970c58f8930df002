//! An edit keeps what it replaced: on a real store file, every change to a
//! person on the register, an exclusion, a member or a radio — in the
//! console or by import — is kept field by field with what it was, what it
//! became, who and when, in a history its screen can show, and nothing of
//! it reaches the audit trail.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use watchroom::domain::exclusion::{Ladder, Scope};
use watchroom::domain::history::{instant, Change, FieldChange};
use watchroom::domain::offender::{OffenderInput, OffenderKind};
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::imports::{
    ImportBatch, ImportResult, Lined, MemberRecord, OffenderRecord, RadioRecord,
};
use watchroom::store::members::MemberEdit;
use watchroom::store::{Record, Store};

/// A record's version as the store has it now, as a console reading it would.
fn seen(s: &Store, r: Record) -> i64 {
    s.version_of(r).unwrap().unwrap().version
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn mins(n: i64) -> Duration {
    Duration::minutes(n)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn raw(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c
}

fn count(path: &Path, sql: &str) -> i64 {
    raw(path).query_row(sql, [], |r| r.get(0)).unwrap()
}

fn f(field: &str, old: &str, new: &str) -> FieldChange {
    FieldChange::new(field, old, new)
}

/// The audit details written since record `after`, to show they name no one.
fn audit_details_after(path: &Path, after: i64) -> Vec<String> {
    raw(path)
        .prepare("SELECT detail FROM audit WHERE id > ?1 ORDER BY id")
        .unwrap()
        .query_map([after], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn last_audit(path: &Path) -> i64 {
    count(path, "SELECT COALESCE(MAX(id), 0) FROM audit")
}

/// Two zones, a member in each, a manager.
struct Town {
    _dir: TempDir,
    path: PathBuf,
    store: Store,
    op: i64,
    high_street: i64,
    market: i64,
    greggs: i64,
    old_bell: i64,
}

fn town() -> Town {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchroom.db");
    let mut store = Store::open(&path).unwrap();
    let op = store
        .operator_or_add("Sam Okafor", "manager", t0())
        .unwrap()
        .id;
    let c = raw(&path);
    let zone = |name: &str, code: &str| {
        c.execute(
            "INSERT INTO zones (name, code) VALUES (?1, ?2)",
            [name, code],
        )
        .unwrap();
        c.last_insert_rowid()
    };
    let high_street = zone("High Street", "HS");
    let market = zone("Market Square", "MS");
    drop(c);
    let member = |s: &mut Store, name: &str, zone: i64| {
        s.add_member(
            &MemberEdit {
                name: name.into(),
                kind: "shop".into(),
                zone_id: zone,
                address: "2 High Street".into(),
                status: watchroom::domain::member::MemberStatus::Active,
                joined_on: Some(day("2024-01-10")),
                renewal_on: Some(day("2027-01-10")),
                agreement_version: Some("2024".into()),
                agreement_signed_on: Some(day("2024-01-10")),
                fee_paid_pence: 0,
            },
            op,
            t0(),
        )
        .unwrap()
    };
    let greggs = member(&mut store, "Greggs", high_street);
    let old_bell = member(&mut store, "The Old Bell", market);
    Town {
        _dir: dir,
        path,
        store,
        op,
        high_street,
        market,
        greggs,
        old_bell,
    }
}

fn fields(c: &Change) -> Vec<FieldChange> {
    c.fields.clone()
}

#[test]
fn every_edit_of_a_person_keeps_each_field_it_replaced_with_who_and_when() {
    let mut t = town();
    let kyle = t
        .store
        .create_offender(
            OffenderKind::Known,
            OffenderInput {
                name: "Kyle Marsh".into(),
                aliases: vec!["Kez".into()],
                nicknames: vec!["Marshy".into()],
                description: "slim build, grey hoodie".into(),
                markers: vec!["drugs".into()],
                photo_path: String::new(),
            },
            t.op,
            t0(),
        )
        .unwrap();
    assert!(t.store.offender_changes(kyle.id, 100).unwrap().is_empty());
    let audit_before = last_audit(&t.path);

    // the edit form: names, description, markers
    let saved = t
        .store
        .update_offender(
            kyle.id,
            kyle.version,
            OffenderInput {
                name: "Kyle Marsh-Smith".into(),
                aliases: vec!["Kez".into(), "K Smith".into()],
                nicknames: vec!["Marshy".into()],
                description: "slim build, scar over the left eye".into(),
                markers: vec!["drugs".into(), "violent".into()],
                photo_path: String::new(),
            },
            t.op,
            t0() + mins(1),
        )
        .unwrap();
    // what a notice needs: date of birth and address
    t.store
        .set_offender_identity(
            kyle.id,
            saved.version,
            Some(day("1990-02-03")),
            "14 Mill Lane, Castlebrook",
            t.op,
            t0() + mins(2),
        )
        .unwrap();
    let still = t._dir.path().join("kyle.png");
    watchroom::io::stills::write_still(&still, 5).unwrap();
    t.store
        .set_offender_photo(kyle.id, still.to_str().unwrap(), t.op, t0() + mins(3))
        .unwrap();
    // the record names the store's copy, not the file given
    let copy = t.store.offender(kyle.id).unwrap().unwrap().photo_path;
    assert!(copy.contains("/photos/offender-"), "{copy}");

    let changes = t.store.offender_changes(kyle.id, 100).unwrap();
    assert_eq!(changes.len(), 3, "{changes:#?}");
    // newest first, each with who and when, and the record's own (no `of`)
    assert_eq!(
        changes.iter().map(|c| c.at).collect::<Vec<_>>(),
        [t0() + mins(3), t0() + mins(2), t0() + mins(1)]
    );
    assert!(changes
        .iter()
        .all(|c| c.by == "Sam Okafor" && c.of.is_empty()));
    assert_eq!(
        fields(&changes[2]),
        [
            f("name", "Kyle Marsh", "Kyle Marsh-Smith"),
            f("aliases", "Kez", "Kez, K Smith"),
            f(
                "description",
                "slim build, grey hoodie",
                "slim build, scar over the left eye"
            ),
            f("markers", "drugs", "drugs, violent"),
        ]
    );
    assert_eq!(
        fields(&changes[1]),
        [
            f("date of birth", "", "1990-02-03"),
            f("address", "", "14 Mill Lane, Castlebrook"),
        ]
    );
    assert_eq!(fields(&changes[0]), [f("photo", "", &copy)]);

    // the profile shows the same
    let profile = t.store.profile(kyle.id, t0() + mins(4)).unwrap();
    assert_eq!(profile.changes, changes);

    // a stale save changes nothing, history included
    let rows = count(&t.path, "SELECT COUNT(*) FROM field_changes");
    assert!(t
        .store
        .update_offender(kyle.id, kyle.version, OffenderInput::default(), t.op, t0())
        .is_err());
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM field_changes"), rows);
    // and saving the same again adds nothing
    let now = t.store.offender(kyle.id).unwrap().unwrap();
    t.store
        .update_offender(
            kyle.id,
            now.version,
            OffenderInput {
                name: saved.name.clone(),
                aliases: saved.aliases.clone(),
                nicknames: saved.nicknames.clone(),
                description: saved.description.clone(),
                markers: saved.markers.clone(),
                photo_path: now.photo_path.clone(),
            },
            t.op,
            t0() + mins(5),
        )
        .unwrap();
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM field_changes"), rows);

    // the audit trail got none of the words
    for d in audit_details_after(&t.path, audit_before) {
        for word in ["Kyle", "Marsh", "scar", "Mill Lane", "1990", "violent"] {
            assert!(!d.contains(word), "{word} in the audit: {d}");
        }
    }
}

#[test]
fn identifying_and_merging_a_still_keep_the_name_and_what_moved() {
    let mut t = town();
    let still = t
        .store
        .create_offender(
            OffenderKind::IdSought,
            OffenderInput {
                description: "red coat, white trainers".into(),
                ..Default::default()
            },
            t.op,
            t0(),
        )
        .unwrap();
    let label = still.name.clone();
    t.store
        .promote_offender(still.id, "Jay Reed", t.op, t0() + mins(1))
        .unwrap();
    let changes = t.store.offender_changes(still.id, 100).unwrap();
    assert_eq!(
        fields(&changes[0]),
        [
            f("name", &label, "Jay Reed"),
            f("kind", "ID-sought", "known"),
        ]
    );

    let jay = t.store.offender(still.id).unwrap().unwrap();
    let other = t
        .store
        .create_offender(
            OffenderKind::IdSought,
            OffenderInput {
                aliases: vec!["JR".into()],
                description: "seen with a black dog".into(),
                markers: vec!["weapons".into()],
                ..Default::default()
            },
            t.op,
            t0(),
        )
        .unwrap();
    t.store
        .merge_offender(other.id, jay.id, t.op, t0() + mins(2))
        .unwrap();
    let into = t.store.offender_changes(jay.id, 100).unwrap();
    assert_eq!(into[0].at, t0() + mins(2));
    assert_eq!(
        fields(&into[0]),
        [
            f("aliases", "", "JR"),
            f(
                "description",
                "red coat, white trainers",
                &format!(
                    "red coat, white trainers; from {}: seen with a black dog",
                    other.name
                )
            ),
            f("markers", "", "weapons"),
        ]
    );
    let from = t.store.offender_changes(other.id, 100).unwrap();
    assert_eq!(
        fields(&from[0]),
        [f("status", "active", "merged"), f("aliases", "JR", ""),]
    );
}

#[test]
fn lifting_and_appealing_an_exclusion_keep_when_and_why_in_its_history_not_the_audit() {
    let mut t = town();
    let p = t
        .store
        .create_offender(
            OffenderKind::Known,
            OffenderInput {
                name: "Dean Holt".into(),
                ..Default::default()
            },
            t.op,
            t0(),
        )
        .unwrap();
    let e = t
        .store
        .create_exclusion(
            &NewExclusion {
                offender_id: p.id,
                stage: "exclusion".into(),
                scope: Scope::Zones(vec![t.high_street, t.market]),
                starts_at: t0() - Duration::days(10),
                ends_at: t0() + Duration::days(170),
                served_at: Some(t0() - Duration::days(10)),
                served_by: "PC Hale".into(),
                reason: "persistent shop theft".into(),
                evidence: vec![],
                review_on: None,
            },
            &Ladder::default(),
            t.op,
            t0() - Duration::days(10),
        )
        .unwrap();
    let audit_before = last_audit(&t.path);
    t.store
        .record_appeal(
            e.id,
            e.version,
            day("2026-11-28"),
            None,
            t.op,
            t0() + mins(1),
        )
        .unwrap();
    let v = seen(&t.store, Record::Exclusion(e.id));
    t.store
        .record_appeal(
            e.id,
            v,
            day("2026-11-28"),
            Some("upheld by the panel: Dean Holt must stay out"),
            t.op,
            t0() + mins(2),
        )
        .unwrap();
    let v = seen(&t.store, Record::Exclusion(e.id));
    t.store
        .lift_exclusion(
            e.id,
            v,
            "agreed at review with Dean Holt's support worker",
            t.op,
            t0() + mins(3),
        )
        .unwrap();

    let changes = t.store.offender_changes(p.id, 100).unwrap();
    assert_eq!(changes.len(), 3);
    let of = format!("exclusion #{}", e.id);
    assert!(changes.iter().all(|c| c.of == of && c.by == "Sam Okafor"));
    assert_eq!(fields(&changes[2]), [f("appeal lodged", "", "2026-11-28")]);
    assert_eq!(
        fields(&changes[1]),
        [f(
            "appeal outcome",
            "",
            "upheld by the panel: Dean Holt must stay out"
        )]
    );
    assert_eq!(
        fields(&changes[0]),
        [
            f("lifted", "", &instant(t0() + mins(3))),
            f(
                "lift reason",
                "",
                "agreed at review with Dean Holt's support worker"
            ),
        ]
    );
    // the trail says an outcome and a reason were recorded, and nothing of them
    let details = audit_details_after(&t.path, audit_before);
    assert_eq!(details, ["lodged", "outcome recorded", "reason recorded"]);
}

#[test]
fn a_member_edit_keeps_every_field_it_changed() {
    let mut t = town();
    let before = t
        .store
        .member_rows(t0())
        .unwrap()
        .into_iter()
        .find(|m| m.id == t.greggs)
        .unwrap();
    let edit = MemberEdit {
        name: "Greggs the Bakers".into(),
        kind: "bakery".into(),
        zone_id: t.market,
        address: "3 Market Square".into(),
        status: watchroom::domain::member::MemberStatus::Lapsed,
        joined_on: before.joined_on,
        renewal_on: None,
        agreement_version: Some("2026".into()),
        agreement_signed_on: Some(day("2026-11-27")),
        fee_paid_pence: 15_000,
    };
    t.store
        .edit_member(
            t.greggs,
            seen(&t.store, Record::Member(t.greggs)),
            &edit,
            t.op,
            t0() + mins(1),
            day("2026-11-27"),
        )
        .unwrap();
    let changes = t.store.member_changes(t.greggs, 100).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].at, changes[0].by.as_str()),
        (t0() + mins(1), "Sam Okafor")
    );
    assert_eq!(
        fields(&changes[0]),
        [
            f("name", "Greggs", "Greggs the Bakers"),
            f("type", "shop", "bakery"),
            f("zone", "High Street", "Market Square"),
            f("address", "2 High Street", "3 Market Square"),
            f("status", "active", "lapsed"),
            f("renewal", "2027-01-10", ""),
            f("fee paid", "£0.00", "£150.00"),
            f("agreement", "2024", "2026"),
            f("agreement signed", "2024-01-10", "2026-11-27"),
            f("left", "", "2026-11-27"),
        ]
    );
    assert!(t.store.member_changes(t.old_bell, 100).unwrap().is_empty());
}

#[test]
fn a_radio_edit_keeps_serial_member_and_notes_and_its_status_keeps_its_own_history() {
    let mut t = town();
    let r = t
        .store
        .add_radio("HS01", "MTP-1", Some(t.greggs), "issued", t.op, t0())
        .unwrap();
    t.store
        .update_radio(
            r.id,
            r.version,
            "MTP-2",
            Some(t.old_bell),
            "cracked case",
            t.op,
            t0() + mins(1),
        )
        .unwrap();
    let v = seen(&t.store, Record::Radio(r.id));
    t.store
        .set_radio_status(r.id, v, "faulty", "no transmit", t.op, t0() + mins(2))
        .unwrap();
    let changes = t.store.radio_changes(r.id, 100).unwrap();
    assert_eq!(
        changes.len(),
        1,
        "the status change is in the status history"
    );
    assert_eq!(
        fields(&changes[0]),
        [
            f("serial", "MTP-1", "MTP-2"),
            f(
                "issued to",
                "Greggs (High Street)",
                "The Old Bell (Market Square)"
            ),
            f("notes", "", "cracked case"),
        ]
    );
    let status = t.store.radio_history(r.id).unwrap();
    assert_eq!(
        (
            status[0].from.as_str(),
            status[0].to.as_str(),
            status[0].note.as_str()
        ),
        ("issued", "faulty", "no transmit")
    );
}

#[test]
fn an_import_that_updates_records_keeps_what_it_replaced() {
    let mut t = town();
    let r = t
        .store
        .add_radio("HS01", "MTP-1", Some(t.greggs), "issued", t.op, t0())
        .unwrap();
    let kyle = t
        .store
        .create_offender(
            OffenderKind::Known,
            OffenderInput {
                name: "Kyle Marsh".into(),
                description: "grey hoodie".into(),
                ..Default::default()
            },
            t.op,
            t0(),
        )
        .unwrap();
    let later = t0() + mins(10);
    let apply = |s: &mut Store, batch: ImportBatch| match s.apply_import(&batch, t.op, later) {
        Ok(ImportResult::Applied(_)) => {}
        other => panic!("{other:?}"),
    };
    apply(
        &mut t.store,
        ImportBatch::Members(vec![Lined {
            line: 2,
            record: MemberRecord {
                name: "Greggs".into(),
                kind: "shop".into(),
                zone: "High Street".into(),
                address: Some("9 High Street".into()),
                ..Default::default()
            },
        }]),
    );
    apply(
        &mut t.store,
        ImportBatch::Radios(vec![Lined {
            line: 2,
            record: RadioRecord {
                call_sign: "HS01".into(),
                serial: "MTP-1".into(),
                status: Some("spare".into()),
                member: None,
                notes: Some("back from repair".into()),
            },
        }]),
    );
    apply(
        &mut t.store,
        ImportBatch::Offenders(vec![Lined {
            line: 2,
            record: OffenderRecord {
                name: "Kyle Marsh".into(),
                kind: OffenderKind::Known,
                aliases: vec!["Kez".into()],
                nicknames: vec![],
                description: Some("tall, grey hoodie, limps".into()),
                markers: vec![],
                date_of_birth: None,
                address: None,
            },
        }]),
    );
    let m = t.store.member_changes(t.greggs, 100).unwrap();
    assert_eq!(
        (m[0].at, fields(&m[0])),
        (later, vec![f("address", "2 High Street", "9 High Street")])
    );
    let radio = t.store.radio_changes(r.id, 100).unwrap();
    assert_eq!(fields(&radio[0]), [f("notes", "", "back from repair")]);
    assert_eq!(t.store.radio_history(r.id).unwrap()[0].to, "spare");
    let p = t.store.offender_changes(kyle.id, 100).unwrap();
    assert_eq!(
        fields(&p[0]),
        [
            f("aliases", "", "Kez"),
            f("description", "grey hoodie", "tall, grey hoodie, limps"),
        ]
    );
}
