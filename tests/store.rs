//! The store on real SQLite files in a temporary folder: what an operator at a
//! console would notice — what is saved, what is refused, what another console
//! sees, and the order and filtering of the incident board.

use chrono::{DateTime, Duration, Utc};
use rusqlite::types::Value;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use watchroom::domain::history::FieldChange;
use watchroom::domain::incident::amended_ids;
use watchroom::domain::{
    IncidentEdit, IncidentFilter, NewIncident, Place, Priority, Status, StatusView,
};
use watchroom::store::demo::{add_bulk_incidents, build_demo, Rng, DEMO_OPERATOR};
use watchroom::store::watch::ChangeWatcher;
use watchroom::store::{Anchor, BoardRow, Operator, Record, Store, StoreError, SCHEMA_VERSION};

// ---------------------------------------------------------------- helpers

/// The fixed "now" of every test.
fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn mins(n: i64) -> Duration {
    Duration::minutes(n)
}

/// A second connection of our own, for counting rows and seeding zones and
/// members (the store has no writer for those yet).
fn raw(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c
}

fn count(path: &Path, sql: &str) -> i64 {
    raw(path).query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A small town: three zones and three members, one operator signed on.
struct Town {
    _dir: TempDir,
    path: PathBuf,
    store: Store,
    op: Operator,
    high_street: i64,
    market: i64,
    nte: i64,
    greggs: i64,
    old_bell: i64,
    red_lion: i64,
}

fn town() -> Town {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchroom.db");
    let mut store = Store::open(&path).unwrap();
    let op = store
        .operator_or_add("Sam Okafor", "operator", t0())
        .unwrap();
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
    let nte = zone("Night-Time Economy", "NTE");
    let member = |name: &str, kind: &str, zone: i64| {
        c.execute(
            "INSERT INTO members (name, kind, zone_id) VALUES (?1, ?2, ?3)",
            rusqlite::params![name, kind, zone],
        )
        .unwrap();
        c.last_insert_rowid()
    };
    let greggs = member("Greggs", "shop", high_street);
    let old_bell = member("The Old Bell", "pub", market);
    let red_lion = member("The Red Lion", "pub", nte);
    drop(c);
    Town {
        _dir: dir,
        path,
        store,
        op,
        high_street,
        market,
        nte,
        greggs,
        old_bell,
        red_lion,
    }
}

fn new_incident(
    kind: &str,
    priority: Priority,
    place: Place,
    summary: &str,
    opened_at: DateTime<Utc>,
) -> NewIncident {
    NewIncident {
        kind: kind.into(),
        priority,
        place,
        summary: summary.into(),
        opened_at,
    }
}

fn at_zone(zone: i64) -> Place {
    Place {
        zone_id: Some(zone),
        member_id: None,
        location: String::new(),
    }
}

fn at_member(zone: i64, member: i64, location: &str) -> Place {
    Place {
        zone_id: Some(zone),
        member_id: Some(member),
        location: location.into(),
    }
}

fn free(location: &str) -> Place {
    Place {
        zone_id: None,
        member_id: None,
        location: location.into(),
    }
}

fn ids(rows: &[BoardRow]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

fn all() -> IncidentFilter {
    IncidentFilter {
        status: StatusView::All,
        ..Default::default()
    }
}

// ------------------------------------------------- 1. create and read back

#[test]
fn a_new_incident_reads_back_as_typed_with_its_place_and_author_and_is_audited() {
    let mut t = town();
    let audit_before = t.store.audit_count().unwrap();

    let opened = t0() - mins(12);
    let created = t
        .store
        .create_incident(
            &new_incident(
                " theft ",
                Priority::High,
                at_member(t.high_street, t.greggs, "by the  tills"),
                "  lad took\tsandwiches and ran  ",
                opened,
            ),
            t.op.id,
            t0(),
        )
        .unwrap();

    let read = t
        .store
        .incident(created.id)
        .unwrap()
        .expect("the incident is there");
    assert_eq!(read, created, "what create returns is what is stored");
    assert_eq!(read.kind, "theft");
    assert_eq!(read.priority, Priority::High);
    assert_eq!(read.status, Status::Open);
    assert_eq!(
        read.summary, "lad took sandwiches and ran",
        "input is tidied before storing"
    );
    assert_eq!(
        read.place,
        at_member(t.high_street, t.greggs, "by the tills")
    );
    assert_eq!(read.place_label, "Greggs — by the tills");
    assert_eq!(read.opened_at, opened);
    assert_eq!(read.updated_at, t0());
    assert_eq!(read.closed_at, None);
    assert_eq!(read.close_reason, None);
    assert_eq!(read.police_ref, "");
    assert_eq!((read.loss_pence, read.recovery_pence), (0, 0));
    assert_eq!(read.version, 1);
    assert_eq!(read.opened_by, "Sam Okafor");
    assert_eq!(read.updated_by, "Sam Okafor");

    // one audit record, in the same transaction, naming who did it
    assert_eq!(t.store.audit_count().unwrap(), audit_before + 1);
    let last = &t.store.recent_audit(None, 1).unwrap()[0];
    assert_eq!(last.operator, "Sam Okafor");
    assert_eq!(last.action.code(), "create");
    assert_eq!(last.entity, "incident");
    assert_eq!(last.entity_id, Some(created.id));
    assert_eq!(last.at, t0());
    assert!(
        last.detail.contains("P2") && last.detail.contains("theft"),
        "{}",
        last.detail
    );

    // the place reads as the member, the zone, or the free text
    let cases = [
        (at_member(t.market, t.old_bell, ""), "The Old Bell"),
        (at_zone(t.nte), "Night-Time Economy"),
        (
            Place {
                location: "rear car park".into(),
                ..at_zone(t.market)
            },
            "Market Square — rear car park",
        ),
        (free("outside the bus station"), "outside the bus station"),
    ];
    for (place, label) in cases {
        let i = t
            .store
            .create_incident(
                &new_incident(
                    "antisocial",
                    Priority::Low,
                    place,
                    "youths shouting",
                    opened,
                ),
                t.op.id,
                t0(),
            )
            .unwrap();
        assert_eq!(t.store.incident(i.id).unwrap().unwrap().place_label, label);
    }
    assert_eq!(t.store.audit_count().unwrap(), audit_before + 5);
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM incidents"), 5);

    // the newest audit records come first and page backwards
    let recent = t.store.recent_audit(None, 3).unwrap();
    assert_eq!(recent.len(), 3);
    assert!(recent.windows(2).all(|w| w[0].id > w[1].id));
    let older = t.store.recent_audit(Some(recent[2].id), 100).unwrap();
    assert!(older.iter().all(|r| r.id < recent[2].id));
    assert_eq!(
        recent.len() as i64 + older.len() as i64,
        t.store.audit_count().unwrap()
    );

    assert_eq!(
        t.store.incident(9_999).unwrap(),
        None,
        "an unknown incident is simply absent"
    );
}

// ----------------------------------------- 2. a refused incident writes nothing

#[test]
fn a_refused_incident_leaves_no_incident_and_no_audit_record() {
    let mut t = town();
    let audit_before = t.store.audit_count().unwrap();
    let refusals = [
        new_incident("theft", Priority::High, at_zone(t.high_street), "   ", t0()),
        new_incident(
            "  ",
            Priority::High,
            at_zone(t.high_street),
            "took perfume",
            t0(),
        ),
        new_incident("theft", Priority::High, at_zone(999), "took perfume", t0()),
        new_incident(
            "theft",
            Priority::High,
            at_member(t.high_street, 999, ""),
            "took perfume",
            t0(),
        ),
        new_incident(
            "theft",
            Priority::High,
            at_zone(t.high_street),
            &"x".repeat(501),
            t0(),
        ),
    ];
    for bad in &refusals {
        let err = t.store.create_incident(bad, t.op.id, t0()).unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    }
    let err = t
        .store
        .create_incident(&refusals[2], t.op.id, t0())
        .unwrap_err();
    assert!(err.to_string().contains("zone 999 does not exist"), "{err}");

    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM incidents"), 0);
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM timeline"), 0);
    assert_eq!(t.store.audit_count().unwrap(), audit_before);
    assert_eq!(count(&t.path, "SELECT COUNT(*) FROM audit"), audit_before);
}

// ------------------------------------------------- 3. two consoles, one store

#[test]
fn a_commit_on_one_console_is_seen_by_another_at_once_and_the_watcher_notices() {
    let mut t = town();
    let mut other = Store::open(&t.path).unwrap();
    let priya = other.operator_or_add("Priya Shah", "cctv", t0()).unwrap();
    let mut watcher = ChangeWatcher::open(&t.path).unwrap();
    assert!(
        !watcher.changed().unwrap(),
        "nothing committed since the watcher opened"
    );

    let i = t
        .store
        .create_incident(
            &new_incident(
                "theft",
                Priority::High,
                at_zone(t.market),
                "bag snatch",
                t0(),
            ),
            t.op.id,
            t0(),
        )
        .unwrap();
    assert!(
        watcher.changed().unwrap(),
        "the other console's commit is noticed"
    );
    assert!(!watcher.changed().unwrap(), "and noticed once");

    // the other console sees it straight away, on the board and in full
    let seen = other
        .incident(i.id)
        .unwrap()
        .expect("visible on the other connection");
    assert_eq!(seen, i);
    assert_eq!(
        ids(&other
            .board_window(&IncidentFilter::default(), Anchor::First, 10)
            .unwrap()),
        vec![i.id]
    );

    // reading is not a change
    other.board_window(&all(), Anchor::First, 10).unwrap();
    other.timeline(i.id).unwrap();
    other.recent_audit(None, 5).unwrap();
    assert!(!watcher.changed().unwrap(), "reads commit nothing");

    // a refused write commits nothing either
    assert!(other
        .set_status(i.id, i.version, Status::Closed, None, priya.id, t0())
        .is_err());
    assert!(other
        .create_incident(
            &new_incident("theft", Priority::High, at_zone(77), "x", t0()),
            priya.id,
            t0()
        )
        .is_err());
    assert!(!watcher.changed().unwrap(), "refused writes commit nothing");

    // and back the other way
    let moved = other
        .set_status(
            i.id,
            i.version,
            Status::Responding,
            None,
            priya.id,
            t0() + mins(1),
        )
        .unwrap();
    assert!(watcher.changed().unwrap());
    let fresh = t.store.incident(i.id).unwrap().unwrap();
    assert_eq!(fresh, moved);
    assert_eq!(fresh.status, Status::Responding);
    assert_eq!(fresh.updated_by, "Priya Shah");
    assert_eq!(t.store.timeline(i.id).unwrap().len(), 1);
    assert_eq!(t.store.audit_count().unwrap(), other.audit_count().unwrap());

    // a note counts as a commit too
    t.store
        .add_note(i.id, "CCTV on it", None, t.op.id, t0() + mins(2))
        .unwrap();
    assert!(watcher.changed().unwrap());
    assert_eq!(
        other.timeline(i.id).unwrap().last().unwrap().text,
        "CCTV on it"
    );
}

#[test]
fn the_background_watcher_calls_back_when_another_connection_commits() {
    let mut t = town();
    let (tx, rx) = std::sync::mpsc::channel();
    let handle =
        watchroom::store::watch::spawn(&t.store, std::time::Duration::from_millis(20), move |_| {
            tx.send(()).is_ok()
        })
        .unwrap();
    // nothing committed: no call
    assert!(rx
        .recv_timeout(std::time::Duration::from_millis(200))
        .is_err());
    t.store
        .create_incident(
            &new_incident(
                "alarm",
                Priority::Medium,
                at_zone(t.nte),
                "intruder alarm",
                t0(),
            ),
            t.op.id,
            t0(),
        )
        .unwrap();
    rx.recv_timeout(std::time::Duration::from_secs(5))
        .expect("the watcher reports the commit");
    drop(rx); // the next callback returns false and the thread ends
    t.store
        .add_note(1, "keyholder en route", None, t.op.id, t0())
        .unwrap();
    handle.join().unwrap();
}

// ------------------------------------------------------------ 4. stale saves

#[test]
fn a_save_on_an_out_of_date_copy_is_refused_naming_who_changed_it_and_their_change_stands() {
    let mut t = town();
    let mut other = Store::open(&t.path).unwrap();
    let priya = other
        .operator_or_add("Priya Shah", "operator", t0())
        .unwrap();
    let created = t
        .store
        .create_incident(
            &new_incident(
                "theft",
                Priority::Medium,
                at_zone(t.high_street),
                "took razors",
                t0(),
            ),
            t.op.id,
            t0(),
        )
        .unwrap();

    // both consoles have version 1 open
    let mine = t.store.incident(created.id).unwrap().unwrap();
    let theirs = other.incident(created.id).unwrap().unwrap();
    assert_eq!((mine.version, theirs.version), (1, 1));

    // Sam saves first
    let mut edit = IncidentEdit::from_incident(&mine);
    edit.summary = "took razor blades from the security display".into();
    edit.police_ref = "CB-301234".into();
    edit.loss_pence = 4_599;
    let saved = t
        .store
        .update_incident(mine.id, mine.version, &edit, t.op.id, t0() + mins(5))
        .unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.summary, "took razor blades from the security display");
    assert_eq!(saved.updated_by, "Sam Okafor");
    let entry = t.store.timeline(mine.id).unwrap().pop().unwrap();
    assert_eq!(
        entry.text, "[edit] changed what happened, police ref, loss",
        "{entry:?}"
    );
    assert_eq!(
        entry.changes,
        [
            FieldChange::new(
                "what happened",
                "took razors",
                "took razor blades from the security display"
            ),
            FieldChange::new("police ref", "", "CB-301234"),
            FieldChange::new("loss", "£0.00", "£45.99"),
        ]
    );

    // Priya's save on version 1 is refused, naming Sam
    let audit_before = t.store.audit_count().unwrap();
    let timeline_before = t.store.timeline(mine.id).unwrap();
    let mut theirs_edit = IncidentEdit::from_incident(&theirs);
    theirs_edit.priority = Priority::Urgent;
    theirs_edit.summary = "nothing taken".into();
    let err = other
        .update_incident(
            theirs.id,
            theirs.version,
            &theirs_edit,
            priya.id,
            t0() + mins(6),
        )
        .unwrap_err();
    match &err {
        StoreError::Stale(s) => {
            assert_eq!(s.record, Record::Incident(theirs.id));
            assert_eq!(s.by, "Sam Okafor");
        }
        e => panic!("expected a stale refusal, got {e:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("Sam Okafor") && msg.contains(&format!("#{}", theirs.id)),
        "{msg}"
    );

    // Sam's change is intact, on both consoles, and nothing was written for the refusal
    for s in [&t.store, &other] {
        let now = s.incident(mine.id).unwrap().unwrap();
        assert_eq!(now, saved);
    }
    assert_eq!(t.store.audit_count().unwrap(), audit_before);
    assert_eq!(t.store.timeline(mine.id).unwrap(), timeline_before);

    // the same for a status change made on the old copy
    let err = other
        .set_status(
            theirs.id,
            theirs.version,
            Status::Responding,
            None,
            priya.id,
            t0() + mins(7),
        )
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Stale(s) if s.by == "Sam Okafor"),
        "{err:?}"
    );
    assert!(err.to_string().contains("Sam Okafor"));
    assert_eq!(other.incident(mine.id).unwrap().unwrap(), saved);
    assert_eq!(t.store.audit_count().unwrap(), audit_before);

    // on the fresh copy Priya's status change goes through, and now Sam's old copy is stale
    let fresh = other.incident(mine.id).unwrap().unwrap();
    let moved = other
        .set_status(
            fresh.id,
            fresh.version,
            Status::Responding,
            None,
            priya.id,
            t0() + mins(8),
        )
        .unwrap();
    assert_eq!((moved.version, moved.status), (3, Status::Responding));
    assert_eq!(
        moved.summary, saved.summary,
        "a status change keeps the edit"
    );
    let err = t
        .store
        .update_incident(saved.id, saved.version, &edit, t.op.id, t0() + mins(9))
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Stale(s) if s.by == "Priya Shah"),
        "{err:?}"
    );
    let err = t
        .store
        .set_status(
            saved.id,
            saved.version,
            Status::PoliceAttending,
            None,
            t.op.id,
            t0() + mins(9),
        )
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Stale(s) if s.by == "Priya Shah"),
        "{err:?}"
    );
    assert_eq!(t.store.incident(mine.id).unwrap().unwrap(), moved);

    // saving an incident that does not exist says so
    let err = t
        .store
        .update_incident(4_242, 1, &edit, t.op.id, t0())
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    let err = t
        .store
        .set_status(4_242, 1, Status::Responding, None, t.op.id, t0())
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

#[test]
fn an_edit_keeps_what_every_field_was_and_became_on_the_timeline_and_no_text_in_the_audit() {
    let mut t = town();
    let long = "Two men, one in a red Puffa jacket, took six bottles of gin and a box of razor \
                blades from the security display by the door and left towards the station car park \
                where a third was waiting in a grey van";
    let created = t
        .store
        .create_incident(
            &new_incident(
                "theft",
                Priority::Medium,
                at_zone(t.high_street),
                long,
                t0(),
            ),
            t.op.id,
            t0(),
        )
        .unwrap();
    let mut edit = IncidentEdit::from_incident(&created);
    edit.kind = "violence".into();
    edit.priority = Priority::High;
    edit.place = at_member(t.high_street, t.greggs, "by the tills");
    edit.summary = "Two men took gin and razors; staff member pushed over".into();
    edit.police_ref = "CB-301234".into();
    edit.loss_pence = 12_050;
    edit.recovery_pence = 8_000;
    t.store
        .update_incident(created.id, created.version, &edit, t.op.id, t0() + mins(5))
        .unwrap();

    let entry = t.store.timeline(created.id).unwrap().pop().unwrap();
    assert_eq!(entry.operator, "Sam Okafor");
    assert_eq!(entry.at, t0() + mins(5));
    assert_eq!(
        entry.changes,
        [
            FieldChange::new("type", "theft", "violence"),
            FieldChange::new("priority", "P3 medium", "P2 high"),
            FieldChange::new("where", "High Street", "Greggs — by the tills"),
            FieldChange::new(
                "what happened",
                long,
                "Two men took gin and razors; staff member pushed over"
            ),
            FieldChange::new("police ref", "", "CB-301234"),
            FieldChange::new("loss", "£0.00", "£120.50"),
            FieldChange::new("recovered", "£0.00", "£80.00"),
        ]
    );
    assert_eq!(
        entry.text,
        "[edit] changed type, priority, where, what happened, police ref, loss, recovered"
    );

    // the audit record says which fields, with none of their words
    let detail: String = raw(&t.path)
        .query_row(
            "SELECT detail FROM audit WHERE action = 'update' AND entity = 'incident' AND entity_id = ?1",
            [created.id],
            |r| r.get(0),
        )
        .unwrap();
    for word in ["Puffa", "razors", "tills", "CB-301234", "Greggs"] {
        assert!(!detail.contains(word), "{word} in the audit: {detail}");
    }
    assert!(
        detail.contains("text changed") && detail.contains("place changed"),
        "{detail}"
    );

    // an edit that changes nothing adds no entry; the next keeps only what it changed
    let saved = t.store.incident(created.id).unwrap().unwrap();
    let same = IncidentEdit::from_incident(&saved);
    let saved = t
        .store
        .update_incident(saved.id, saved.version, &same, t.op.id, t0() + mins(6))
        .unwrap();
    assert_eq!(t.store.timeline(created.id).unwrap().len(), 1);
    let mut again = IncidentEdit::from_incident(&saved);
    again.recovery_pence = 0;
    t.store
        .update_incident(saved.id, saved.version, &again, t.op.id, t0() + mins(7))
        .unwrap();
    let timeline = t.store.timeline(created.id).unwrap();
    assert_eq!(
        timeline.last().unwrap().changes,
        [FieldChange::new("recovered", "£80.00", "£0.00")]
    );
    assert_eq!(
        timeline[0].changes.len(),
        7,
        "the earlier edit is as it was"
    );
    assert!(t.store.verify_audit().unwrap().is_intact());
}

#[test]
fn a_note_does_not_make_another_operators_open_copy_stale() {
    let mut t = town();
    let mut other = Store::open(&t.path).unwrap();
    let priya = other
        .operator_or_add("Priya Shah", "operator", t0())
        .unwrap();
    let i = t
        .store
        .create_incident(
            &new_incident(
                "drunk",
                Priority::Low,
                at_zone(t.nte),
                "male asleep in doorway",
                t0(),
            ),
            t.op.id,
            t0(),
        )
        .unwrap();
    other
        .add_note(
            i.id,
            "street pastors on the way",
            None,
            priya.id,
            t0() + mins(1),
        )
        .unwrap();
    let after_note = t.store.incident(i.id).unwrap().unwrap();
    assert_eq!(after_note.version, i.version);
    assert_eq!(
        after_note.updated_at,
        t0() + mins(1),
        "a note counts as activity on the board"
    );
    assert_eq!(after_note.updated_by, "Priya Shah");
    let mut edit = IncidentEdit::from_incident(&i);
    edit.priority = Priority::Medium;
    let saved = t
        .store
        .update_incident(i.id, i.version, &edit, t.op.id, t0() + mins(2))
        .unwrap();
    assert_eq!(saved.priority, Priority::Medium);
}

// ------------------------------------------------------ 5. status lifecycle

#[test]
fn an_incident_moves_open_responding_police_closed_and_closing_needs_a_reason() {
    let mut t = town();
    let priya = t
        .store
        .operator_or_add("Priya Shah", "operator", t0())
        .unwrap();
    let i = t
        .store
        .create_incident(
            &new_incident(
                "violence",
                Priority::Urgent,
                at_member(t.nte, t.red_lion, ""),
                "fight outside",
                t0(),
            ),
            t.op.id,
            t0(),
        )
        .unwrap();

    let r = t
        .store
        .set_status(
            i.id,
            i.version,
            Status::Responding,
            None,
            t.op.id,
            t0() + mins(1),
        )
        .unwrap();
    assert_eq!(
        (r.status, r.version, r.closed_at),
        (Status::Responding, 2, None)
    );
    let p = t
        .store
        .set_status(
            i.id,
            r.version,
            Status::PoliceAttending,
            None,
            priya.id,
            t0() + mins(4),
        )
        .unwrap();
    assert_eq!(
        (p.status, p.version, p.updated_by.as_str()),
        (Status::PoliceAttending, 3, "Priya Shah")
    );
    assert_eq!(p.updated_at, t0() + mins(4));

    // closing without a reason (or with only blanks) is refused and changes nothing
    let audit_before = t.store.audit_count().unwrap();
    for reason in [None, Some(""), Some("   ")] {
        let err = t
            .store
            .set_status(
                i.id,
                p.version,
                Status::Closed,
                reason,
                t.op.id,
                t0() + mins(20),
            )
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
        assert!(err.to_string().contains("reason"), "{err}");
    }
    // going backwards or to the same status is refused too
    for to in [Status::Open, Status::Responding, Status::PoliceAttending] {
        let err = t
            .store
            .set_status(i.id, p.version, to, None, t.op.id, t0() + mins(20))
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    }
    assert_eq!(t.store.incident(i.id).unwrap().unwrap(), p);
    assert_eq!(t.store.audit_count().unwrap(), audit_before);
    assert_eq!(t.store.timeline(i.id).unwrap().len(), 2);

    let c = t
        .store
        .set_status(
            i.id,
            p.version,
            Status::Closed,
            Some("  police   dealt "),
            t.op.id,
            t0() + mins(30),
        )
        .unwrap();
    assert_eq!(c.status, Status::Closed);
    assert_eq!(c.closed_at, Some(t0() + mins(30)));
    assert_eq!(c.close_reason.as_deref(), Some("police dealt"));
    assert_eq!(c.version, 4);
    assert_eq!(t.store.incident(i.id).unwrap().unwrap(), c);

    let tl = t.store.timeline(i.id).unwrap();
    let lines: Vec<(&str, &str, DateTime<Utc>)> = tl
        .iter()
        .map(|e| (e.text.as_str(), e.operator.as_str(), e.at))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("[status] open → responding", "Sam Okafor", t0() + mins(1)),
            (
                "[status] responding → police attending",
                "Priya Shah",
                t0() + mins(4)
            ),
            (
                "[status] police attending → closed: police dealt",
                "Sam Okafor",
                t0() + mins(30)
            ),
        ]
    );
    assert!(tl.windows(2).all(|w| w[0].id < w[1].id));
    let audit = t.store.recent_audit(None, 3).unwrap();
    assert!(audit
        .iter()
        .all(|a| a.action.code() == "status" && a.entity_id == Some(i.id)));
    // the reason is on the incident and its timeline; the never-pruned trail gets the change
    assert_eq!(audit[0].detail, "police attending → closed");

    // closed: it can only be reopened, which clears the close
    let err = t
        .store
        .set_status(
            i.id,
            c.version,
            Status::Responding,
            None,
            t.op.id,
            t0() + mins(40),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let reopened = t
        .store
        .set_status(
            i.id,
            c.version,
            Status::Open,
            None,
            t.op.id,
            t0() + mins(41),
        )
        .unwrap();
    assert_eq!(
        (reopened.status, reopened.closed_at, reopened.close_reason),
        (Status::Open, None, None)
    );

    // steps may be skipped: open straight to closed, with a reason
    let j = t
        .store
        .create_incident(
            &new_incident(
                "alarm",
                Priority::Low,
                at_zone(t.market),
                "false alarm",
                t0(),
            ),
            t.op.id,
            t0(),
        )
        .unwrap();
    let jc = t
        .store
        .set_status(
            j.id,
            j.version,
            Status::Closed,
            Some("false alarm"),
            t.op.id,
            t0() + mins(3),
        )
        .unwrap();
    assert_eq!(
        (jc.status, jc.closed_at),
        (Status::Closed, Some(t0() + mins(3)))
    );
}

// ------------------------------------------------------------------ 6. notes

#[test]
fn notes_are_appended_and_an_amendment_is_a_new_entry_that_leaves_the_old_one_alone() {
    let mut t = town();
    let mk = |t: &mut Town, summary: &str| {
        t.store
            .create_incident(
                &new_incident(
                    "suspicious",
                    Priority::Medium,
                    at_zone(t.market),
                    summary,
                    t0(),
                ),
                t.op.id,
                t0(),
            )
            .unwrap()
    };
    let i = mk(&mut t, "male loitering by the jewellers");
    let other_incident = mk(&mut t, "two males looking into cars");

    let n1 = t
        .store
        .add_note(i.id, "CCTV on it", None, t.op.id, t0() + mins(1))
        .unwrap();
    let n2 = t
        .store
        .add_note(
            i.id,
            "male in red  jacket, grey cap",
            None,
            t.op.id,
            t0() + mins(2),
        )
        .unwrap();
    let n3 = t
        .store
        .add_note(
            i.id,
            "correction: blue jacket, not red",
            Some(n2),
            t.op.id,
            t0() + mins(3),
        )
        .unwrap();
    assert!(n1 < n2 && n2 < n3);

    let tl = t.store.timeline(i.id).unwrap();
    assert_eq!(
        tl.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![n1, n2, n3]
    );
    assert_eq!(
        tl[1].text, "male in red jacket, grey cap",
        "the amended note is unchanged"
    );
    assert_eq!(tl[1].amends, None);
    assert_eq!(tl[2].text, "correction: blue jacket, not red");
    assert_eq!(tl[2].amends, Some(n2));
    assert_eq!(tl[2].at, t0() + mins(3));
    assert_eq!(tl[2].operator, "Sam Okafor");
    assert_eq!(amended_ids(&tl).into_iter().collect::<Vec<_>>(), vec![n2]);
    let last = &t.store.recent_audit(None, 1).unwrap()[0];
    assert_eq!((last.action.code(), last.entity_id), ("note", Some(i.id)));
    assert_eq!(last.detail, format!("note {n3} amends {n2}"));

    // refusals, each writing nothing
    let audit_before = t.store.audit_count().unwrap();
    let entries_before = count(&t.path, "SELECT COUNT(*) FROM timeline");
    let other_note = t
        .store
        .add_note(
            other_incident.id,
            "checked the car park",
            None,
            t.op.id,
            t0(),
        )
        .unwrap();
    let audit_before = audit_before + 1;
    let entries_before = entries_before + 1;
    let moved = t
        .store
        .set_status(
            i.id,
            i.version,
            Status::Responding,
            None,
            t.op.id,
            t0() + mins(4),
        )
        .unwrap();
    let status_entry = t.store.timeline(i.id).unwrap().last().unwrap().id;
    let audit_before = audit_before + 1;
    let entries_before = entries_before + 1;

    let refusals: Vec<(&str, Option<i64>, i64)> = vec![
        ("amends a note of another incident", Some(other_note), i.id),
        ("amends an entry that does not exist", Some(99_999), i.id),
        (
            "amends a status line rather than a note",
            Some(status_entry),
            i.id,
        ),
        ("   ", None, i.id),
        ("\t\n", Some(n1), i.id),
    ];
    for (text, amends, incident) in refusals {
        let err = t
            .store
            .add_note(incident, text, amends, t.op.id, t0() + mins(5))
            .unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{text:?}: {err:?}");
    }
    let err = t
        .store
        .add_note(88_888, "note on nothing", None, t.op.id, t0())
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");

    assert_eq!(t.store.audit_count().unwrap(), audit_before);
    assert_eq!(
        count(&t.path, "SELECT COUNT(*) FROM timeline"),
        entries_before
    );
    assert_eq!(t.store.timeline(i.id).unwrap().len(), 4);
    assert_eq!(t.store.timeline(other_incident.id).unwrap().len(), 1);
    assert_eq!(t.store.incident(i.id).unwrap().unwrap(), moved);
}

// ------------------------------------------------------------- 7. the board

/// What the test itself knows about each incident it made.
#[derive(Debug, Clone)]
struct Made {
    id: i64,
    kind: String,
    priority: Priority,
    status: Status,
    opened_at: DateTime<Utc>,
    zone: Option<(String, String)>,
    member: Option<String>,
    location: String,
    summary: String,
    police_ref: String,
}

impl Made {
    /// The board's order, worked out independently: live before closed, then
    /// priority, then oldest live first / newest closed first, then id.
    fn board_order(&self) -> (bool, i64, i64, i64) {
        let closed = self.status == Status::Closed;
        let t = self.opened_at.timestamp();
        (
            closed,
            self.priority.number(),
            if closed { -t } else { t },
            self.id,
        )
    }

    fn admitted_by(&self, f: &IncidentFilter) -> bool {
        let has = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        let status_ok = match f.status {
            StatusView::Live => self.status != Status::Closed,
            StatusView::All => true,
            StatusView::Only(s) => self.status == s,
        };
        let zone_ok = f.zone.as_ref().is_none_or(|z| {
            self.zone
                .as_ref()
                .is_some_and(|(n, c)| has(n, z) || has(c, z))
        });
        let kind_ok = f.kind.as_ref().is_none_or(|k| has(&self.kind, k));
        let priority_ok = f.priority.is_none_or(|p| p == self.priority);
        let text_ok = f.text.iter().all(|w| {
            has(&self.summary, w)
                || has(&self.location, w)
                || has(&self.kind, w)
                || has(&self.police_ref, w)
                || self.member.as_ref().is_some_and(|m| has(m, w))
                || self.zone.as_ref().is_some_and(|(n, _)| has(n, w))
                || w.trim_start_matches('#').parse::<i64>() == Ok(self.id)
        });
        status_ok && zone_ok && kind_ok && priority_ok && text_ok
    }
}

const KINDS: &[&str] = &[
    "theft",
    "antisocial",
    "criminal damage",
    "suspicious",
    "violence",
    "drunk",
];
const SUMMARIES: &[&str] = &[
    "Male concealed fragrance in rucksack",
    "Group of youths shouting abuse at staff",
    "Shop window smashed overnight",
    "Lost child found near the fountain",
    "Drunk male refused entry",
    "Two females filled bags with meat",
];
const LOCATIONS: &[&str] = &["", "", "outside the bus station", "rear car park"];

/// 300 incidents with mixed priority, status, age and place, made through the
/// store as operators would make them.
fn busy_town() -> (Town, Vec<Made>) {
    let mut t = town();
    let mut rng = Rng::new(20261127);
    let zones = [
        (t.high_street, "High Street", "HS"),
        (t.market, "Market Square", "MS"),
        (t.nte, "Night-Time Economy", "NTE"),
    ];
    let members = [
        (t.greggs, t.high_street, "Greggs"),
        (t.old_bell, t.market, "The Old Bell"),
        (t.red_lion, t.nte, "The Red Lion"),
    ];
    let zone_names = |id: i64| {
        zones
            .iter()
            .find(|z| z.0 == id)
            .map(|z| (z.1.to_string(), z.2.to_string()))
    };
    let mut made: Vec<Made> = vec![];
    let mut opened_at = t0();
    for n in 0..300u64 {
        // every tenth shares its opening minute with the one before, to tie on age
        if n % 10 != 0 {
            opened_at = t0() - mins(1 + rng.below(90 * 24 * 60) as i64);
        }
        let kind = *rng.pick(KINDS);
        let priority = Priority::ALL[rng.below(4) as usize];
        let location = *rng.pick(LOCATIONS);
        let (place, zone, member) = match rng.below(3) {
            0 => {
                let z = rng.pick(&zones);
                (
                    Place {
                        location: location.into(),
                        ..at_zone(z.0)
                    },
                    zone_names(z.0),
                    None,
                )
            }
            1 => {
                let m = rng.pick(&members);
                (
                    at_member(m.1, m.0, location),
                    zone_names(m.1),
                    Some(m.2.to_string()),
                )
            }
            _ => (
                free(if location.is_empty() {
                    "car park level 2"
                } else {
                    location
                }),
                None,
                None,
            ),
        };
        let summary = format!("{} (log {n})", rng.pick(SUMMARIES));
        let inc = t
            .store
            .create_incident(
                &new_incident(kind, priority, place.clone(), &summary, opened_at),
                t.op.id,
                opened_at,
            )
            .unwrap();
        let status = match rng.below(7) {
            0 => Status::Responding,
            1 => Status::PoliceAttending,
            2 | 3 => Status::Open,
            _ => Status::Closed,
        };
        let mut version = inc.version;
        let mut police_ref = String::new();
        if n % 37 == 5 {
            let mut edit = IncidentEdit::from_incident(&inc);
            police_ref = format!("CB-{:06}", 400_000 + n);
            edit.police_ref = police_ref.clone();
            version = t
                .store
                .update_incident(inc.id, version, &edit, t.op.id, opened_at + mins(1))
                .unwrap()
                .version;
        }
        if status != Status::Open {
            let reason = (status == Status::Closed).then_some("advice given");
            let s = t
                .store
                .set_status(
                    inc.id,
                    version,
                    status,
                    reason,
                    t.op.id,
                    opened_at + mins(20),
                )
                .unwrap();
            assert_eq!(s.status, status);
        }
        made.push(Made {
            id: inc.id,
            kind: kind.into(),
            priority,
            status,
            opened_at,
            zone,
            member,
            location: inc.place.location.clone(),
            summary,
            police_ref,
        });
    }
    (t, made)
}

fn expected(made: &[Made], f: &IncidentFilter) -> Vec<i64> {
    let mut m: Vec<&Made> = made.iter().filter(|m| m.admitted_by(f)).collect();
    m.sort_by_key(|m| m.board_order());
    m.iter().map(|m| m.id).collect()
}

/// Every row, read a page at a time forwards from the top.
fn page_forwards(s: &Store, f: &IncidentFilter, page: usize) -> Vec<BoardRow> {
    let mut out: Vec<BoardRow> = vec![];
    let mut anchor = Anchor::First;
    loop {
        let rows = s.board_window(f, anchor, page).unwrap();
        assert!(rows.len() <= page);
        let Some(last) = rows.last() else { break };
        anchor = Anchor::After(last.key);
        let short = rows.len() < page;
        out.extend(rows);
        if short {
            // one more read past a short page finds nothing
            assert!(s.board_window(f, anchor, page).unwrap().is_empty());
            break;
        }
    }
    out
}

/// Every row, read a page at a time backwards from the bottom.
fn page_backwards(s: &Store, f: &IncidentFilter, page: usize) -> Vec<BoardRow> {
    let mut pages: Vec<Vec<BoardRow>> = vec![];
    let mut anchor = Anchor::Last;
    loop {
        let rows = s.board_window(f, anchor, page).unwrap();
        assert!(rows.len() <= page);
        let Some(first) = rows.first() else { break };
        anchor = Anchor::Before(first.key);
        pages.push(rows);
    }
    pages.into_iter().rev().flatten().collect()
}

#[test]
fn the_board_pages_through_every_incident_in_board_order_both_ways() {
    let (t, made) = busy_town();
    let s = &t.store;
    let f = all();
    let whole = s.board_window(&f, Anchor::First, 10_000).unwrap();
    assert_eq!(whole.len(), 300);
    assert_eq!(ids(&whole), expected(&made, &f), "the board's order");

    // each row's key agrees with the row, and keys rise strictly
    for r in &whole {
        let m = made.iter().find(|m| m.id == r.id).unwrap();
        assert_eq!(r.key.id, r.id);
        assert_eq!(r.key.closed, (r.status == Status::Closed) as i64);
        assert_eq!(r.key.priority, r.priority.number());
        assert_eq!(
            (r.status, r.priority, r.opened_at),
            (m.status, m.priority, m.opened_at)
        );
        assert_eq!(r.kind, m.kind);
        assert_eq!(r.summary, m.summary);
        assert_eq!(r.police_ref, m.police_ref);
    }
    assert!(whole.windows(2).all(|w| w[0].key < w[1].key));

    // sorted as an operator expects: live first, then priority, then age
    let live_count = whole.iter().filter(|r| r.status.is_live()).count();
    assert!(
        live_count > 50 && live_count < 250,
        "a mix of live and closed: {live_count}"
    );
    assert!(whole[..live_count].iter().all(|r| r.status.is_live()));
    assert!(whole[live_count..]
        .iter()
        .all(|r| r.status == Status::Closed));
    for w in whole.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.status.is_live() == b.status.is_live() {
            assert!(
                a.priority <= b.priority,
                "priority within a section: #{} then #{}",
                a.id,
                b.id
            );
            if a.priority == b.priority {
                if a.status.is_live() {
                    assert!(
                        a.opened_at <= b.opened_at,
                        "oldest live first: #{} then #{}",
                        a.id,
                        b.id
                    );
                } else {
                    assert!(
                        a.opened_at >= b.opened_at,
                        "newest closed first: #{} then #{}",
                        a.id,
                        b.id
                    );
                }
                if a.opened_at == b.opened_at {
                    assert!(a.id < b.id);
                }
            }
        }
    }
    assert!(
        made.windows(2).any(|w| w[0].opened_at == w[1].opened_at),
        "the data has ties on age"
    );

    // paging forwards and backwards, seven at a time, visits exactly the same rows
    assert_eq!(page_forwards(s, &f, 7), whole);
    assert_eq!(page_backwards(s, &f, 7), whole);
    assert_eq!(page_forwards(s, &f, 1), whole);

    // Last is the tail of the board, in board order
    assert_eq!(
        s.board_window(&f, Anchor::Last, 7).unwrap(),
        whole[whole.len() - 7..].to_vec()
    );
    assert_eq!(
        s.board_window(&f, Anchor::First, 7).unwrap(),
        whole[..7].to_vec()
    );

    // from a row in the middle
    for at in [0usize, 1, 6, 7, 150, 292, 293, 299] {
        let k = whole[at].key;
        let before = s.board_window(&f, Anchor::Before(k), 7).unwrap();
        assert_eq!(
            before,
            whole[at.saturating_sub(7)..at].to_vec(),
            "before row {at}"
        );
        let after = s.board_window(&f, Anchor::After(k), 7).unwrap();
        assert_eq!(
            after,
            whole[at + 1..(at + 8).min(300)].to_vec(),
            "after row {at}"
        );
        let from = s.board_window(&f, Anchor::AtOrAfter(k), 7).unwrap();
        assert_eq!(from[0].key, k, "AtOrAfter starts at the key itself");
        assert_eq!(
            from,
            whole[at..(at + 7).min(300)].to_vec(),
            "at or after row {at}"
        );
    }

    // a row that has since moved: AtOrAfter its old key continues from where it was
    let k = whole[100].key;
    let gone_from = s.board_window(&f, Anchor::AtOrAfter(k), 3).unwrap();
    assert_eq!(gone_from[0].id, whole[100].id);
}

#[test]
fn the_board_pages_the_same_under_every_filter() {
    let (t, made) = busy_town();
    let s = &t.store;
    let filters = [
        IncidentFilter::default(),
        IncidentFilter {
            status: StatusView::Only(Status::Closed),
            ..Default::default()
        },
        IncidentFilter {
            status: StatusView::Only(Status::Responding),
            ..Default::default()
        },
        IncidentFilter {
            zone: Some("market".into()),
            ..all()
        },
        IncidentFilter {
            priority: Some(Priority::Urgent),
            ..Default::default()
        },
        IncidentFilter {
            text: vec!["male".into()],
            ..all()
        },
    ];
    for f in &filters {
        let whole = s.board_window(f, Anchor::First, 10_000).unwrap();
        assert_eq!(ids(&whole), expected(&made, f), "{f:?}");
        assert_eq!(page_forwards(s, f, 7), whole, "{f:?}");
        assert_eq!(page_backwards(s, f, 7), whole, "{f:?}");
    }
}

#[test]
fn the_board_filters_by_status_zone_type_priority_and_words() {
    let (t, made) = busy_town();
    let s = &t.store;
    let check = |f: IncidentFilter| -> Vec<i64> {
        let want = expected(&made, &f);
        let got = ids(&s.board_window(&f, Anchor::First, 10_000).unwrap());
        assert_eq!(got, want, "{f:?}");
        assert_eq!(
            s.count_incidents(&f, 1_000_000).unwrap(),
            want.len() as u64,
            "{f:?}"
        );
        got
    };
    let rows_of = |ids: &[i64]| -> Vec<Made> {
        ids.iter()
            .map(|id| made.iter().find(|m| m.id == *id).unwrap().clone())
            .collect()
    };

    let live = rows_of(&check(IncidentFilter::default()));
    assert!(
        !live.is_empty() && live.iter().all(|m| m.status != Status::Closed),
        "live excludes closed"
    );
    let closed = rows_of(&check(IncidentFilter {
        status: StatusView::Only(Status::Closed),
        ..Default::default()
    }));
    assert!(!closed.is_empty() && closed.iter().all(|m| m.status == Status::Closed));
    assert_eq!(live.len() + closed.len(), 300);
    for st in [Status::Open, Status::Responding, Status::PoliceAttending] {
        let only = rows_of(&check(IncidentFilter {
            status: StatusView::Only(st),
            ..Default::default()
        }));
        assert!(
            !only.is_empty() && only.iter().all(|m| m.status == st),
            "{st:?}"
        );
    }

    // zone by a fragment of its name or by its code, in any case
    let market = rows_of(&check(IncidentFilter {
        zone: Some("MARKET".into()),
        ..all()
    }));
    assert!(
        !market.is_empty()
            && market
                .iter()
                .all(|m| m.zone.as_ref().unwrap().0 == "Market Square")
    );
    let nte = check(IncidentFilter {
        zone: Some("nte".into()),
        ..all()
    });
    assert_eq!(
        nte,
        check(IncidentFilter {
            zone: Some("Night-Time".into()),
            ..all()
        })
    );
    assert!(!nte.is_empty());
    assert!(check(IncidentFilter {
        zone: Some("Riverside".into()),
        ..all()
    })
    .is_empty());

    // type by a fragment
    let damage = rows_of(&check(IncidentFilter {
        kind: Some("damage".into()),
        ..all()
    }));
    assert!(!damage.is_empty() && damage.iter().all(|m| m.kind == "criminal damage"));

    // priority
    for p in Priority::ALL {
        let rows = rows_of(&check(IncidentFilter {
            priority: Some(p),
            ..all()
        }));
        assert!(
            !rows.is_empty() && rows.iter().all(|m| m.priority == p),
            "{p:?}"
        );
    }

    // words: summary, location, police reference, member name, "#id"; all words must match
    let words = |w: &[&str]| IncidentFilter {
        text: w.iter().map(|s| s.to_string()).collect(),
        ..all()
    };
    let fountain = rows_of(&check(words(&["FOUNTAIN"])));
    assert!(!fountain.is_empty() && fountain.iter().all(|m| m.summary.contains("fountain")));
    let bus = rows_of(&check(words(&["bus", "station"])));
    assert!(!bus.is_empty() && bus.iter().all(|m| m.location == "outside the bus station"));
    let with_ref = made.iter().find(|m| !m.police_ref.is_empty()).unwrap();
    assert_eq!(check(words(&[&with_ref.police_ref])), vec![with_ref.id]);
    let refs = check(words(&["CB-4"]));
    assert_eq!(
        refs.len(),
        made.iter().filter(|m| !m.police_ref.is_empty()).count()
    );
    assert!(refs.len() >= 8);
    let bell = rows_of(&check(words(&["old", "bell"])));
    assert!(
        !bell.is_empty()
            && bell
                .iter()
                .all(|m| m.member.as_deref() == Some("The Old Bell"))
    );
    let one = made[123].id;
    assert_eq!(check(words(&[&format!("#{one}")])), vec![one]);
    let log = rows_of(&check(words(&["(log", "123)"])));
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].id, made[123].id);
    assert!(
        check(words(&["fountain", "smashed"])).is_empty(),
        "every word must match"
    );

    // combined
    let combo = IncidentFilter {
        status: StatusView::Live,
        zone: Some("high".into()),
        kind: Some("theft".into()),
        priority: Some(Priority::High),
        text: vec![],
    };
    check(combo);
    let mixed = IncidentFilter {
        zone: Some("street".into()),
        text: vec!["male".into()],
        ..Default::default()
    };
    check(mixed);

    // the count stops at its cap
    let everything = all();
    assert_eq!(s.count_incidents(&everything, 1_000_000).unwrap(), 300);
    assert_eq!(s.count_incidents(&everything, 300).unwrap(), 300);
    assert_eq!(s.count_incidents(&everything, 50).unwrap(), 50);
    assert_eq!(s.count_incidents(&everything, 0).unwrap(), 0);
    let closed_n = closed.len() as u64;
    assert_eq!(
        s.count_incidents(
            &IncidentFilter {
                status: StatusView::Only(Status::Closed),
                ..Default::default()
            },
            10
        )
        .unwrap(),
        closed_n.min(10)
    );
}

#[test]
fn wildcards_typed_into_a_filter_are_taken_literally() {
    let mut t = town();
    let mut mk = |summary: &str, place: Place| {
        t.store
            .create_incident(
                &new_incident("theft", Priority::Medium, place, summary, t0()),
                t.op.id,
                t0(),
            )
            .unwrap()
            .id
    };
    let fifty_pc = mk("Poster saying 50% off torn down", at_zone(t.high_street));
    let _five_hundred = mk("Took 500 off the counter", at_zone(t.high_street));
    let a_underscore = mk("Ticket code A_1 found on the floor", at_zone(t.market));
    let _ab1 = mk("Ticket code AB1 found on the floor", at_zone(t.market));
    let backslash = mk(r"Note left saying C:\till", free("staff room"));
    let _ct = mk("Note left saying C:till", free("staff room"));

    let text = |typed: &str| {
        let f = IncidentFilter::parse(typed, StatusView::All).unwrap();
        let got = ids(&t.store.board_window(&f, Anchor::First, 100).unwrap());
        assert_eq!(t.store.count_incidents(&f, 100).unwrap(), got.len() as u64);
        got
    };
    assert_eq!(text("50%"), vec![fifty_pc]);
    assert_eq!(text("%"), vec![fifty_pc]);
    assert_eq!(text("A_1"), vec![a_underscore]);
    assert_eq!(text("_"), vec![a_underscore]);
    assert_eq!(text(r"C:\t"), vec![backslash]);
    assert_eq!(text(r"\"), vec![backslash]);
    assert_eq!(text("%%"), Vec::<i64>::new());

    let zone = |z: &str| {
        ids(&t
            .store
            .board_window(
                &IncidentFilter {
                    zone: Some(z.into()),
                    ..all()
                },
                Anchor::First,
                100,
            )
            .unwrap())
    };
    assert_eq!(zone("High%Street"), Vec::<i64>::new());
    assert_eq!(zone("High_Street"), Vec::<i64>::new());
    assert_eq!(zone("%"), Vec::<i64>::new());
    assert_eq!(zone("High Street").len(), 2);
    let kind = |k: &str| {
        ids(&t
            .store
            .board_window(
                &IncidentFilter {
                    kind: Some(k.into()),
                    ..all()
                },
                Anchor::First,
                100,
            )
            .unwrap())
    };
    assert_eq!(kind("%"), Vec::<i64>::new());
    assert_eq!(kind("th_ft"), Vec::<i64>::new());
    assert_eq!(kind("theft").len(), 6);
}

// ------------------------------------------------------ 8. opening a store

#[test]
fn a_file_of_random_text_is_refused_as_not_a_database_and_left_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(7);
    let text: String = (0..4096)
        .map(|i| {
            if i % 61 == 60 {
                '\n'
            } else {
                (b' ' + rng.below(95) as u8) as char
            }
        })
        .collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("random.txt", text.into_bytes()),
        ("tiny.db", b"hi\n".to_vec()),
        ("sqlite-lookalike.db", {
            // the right magic, then rubbish: SQLite itself must be the one to refuse it
            let mut v = b"SQLite format 3\0".to_vec();
            v.extend((0..4080).map(|i| (i * 7 % 251) as u8));
            v
        }),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let err = Store::open(&path)
            .err()
            .unwrap_or_else(|| panic!("{name} was opened"));
        assert!(
            matches!(err, StoreError::NotADatabase { .. }),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains("not a watchroom store"), "{err}");
        assert!(
            err.to_string().contains(name),
            "the message names the file: {err}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{name} is left byte-identical"
        );
        assert!(!dir.path().join(format!("{name}-wal")).exists());
        assert!(!dir.path().join(format!("{name}-journal")).exists());
    }
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(
        left,
        vec!["random.txt", "sqlite-lookalike.db", "tiny.db"],
        "no files were added beside them"
    );
}

#[test]
fn a_store_from_a_newer_watchroom_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    // a store a newer watchroom made: our schema and data, and a higher version
    {
        let mut s = Store::open(&path).unwrap();
        let op = s.operator_or_add("Sam Okafor", "operator", t0()).unwrap();
        s.create_incident(
            &new_incident(
                "theft",
                Priority::High,
                free("somewhere"),
                "from the future",
                t0(),
            ),
            op.id,
            t0(),
        )
        .unwrap();
    }
    {
        let c = raw(&path);
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        c.execute_batch("PRAGMA journal_mode = DELETE;").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("refused");
    match &err {
        StoreError::TooNew {
            found, supported, ..
        } => {
            assert_eq!((*found, *supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        e => panic!("expected TooNew, got {e:?}"),
    }
    assert!(err.to_string().contains("newer watchroom"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "not a byte changed");
    assert!(
        !dir.path().join("future.db-wal").exists(),
        "not even switched to WAL"
    );
    assert_eq!(count(&path, "PRAGMA user_version"), SCHEMA_VERSION + 1);
}

#[test]
fn a_read_only_store_is_refused_for_writing_and_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    {
        let mut s = Store::open(&path).unwrap();
        let op = s.operator_or_add("Sam Okafor", "operator", t0()).unwrap();
        s.create_incident(
            &new_incident("theft", Priority::High, free("till"), "took cash", t0()),
            op.id,
            t0(),
        )
        .unwrap();
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
    let before = std::fs::read(&path).unwrap();

    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        // Running as root (as in many CI containers), file permissions do not
        // bite: root may open a 0400 file for writing, so there is nothing
        // to refuse. The store must still open and read the file.
        let s = Store::open(&path).unwrap();
        assert!(s.incident(1).unwrap().is_some());
        return;
    }

    // A read-only file either refuses to open, or opens for reading and
    // refuses every write; either way it says "cannot be written" and nothing changes.
    match Store::open(&path) {
        Err(err) => {
            assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
            assert!(err.to_string().contains("cannot be written"), "{err}");
        }
        Ok(mut s) => {
            let i = s.incident(1).unwrap().expect("still readable");
            assert_eq!(i.summary, "took cash");
            let op = s.operator_by_name("Sam Okafor").unwrap().unwrap();
            let err = s
                .create_incident(
                    &new_incident("theft", Priority::High, free("till"), "again", t0()),
                    op.id,
                    t0(),
                )
                .unwrap_err();
            assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
            assert!(err.to_string().contains("cannot be written"), "{err}");
            let err = s.add_note(1, "a note", None, op.id, t0()).unwrap_err();
            assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
        }
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_store_in_a_missing_folder_is_refused_without_making_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-folder").join("watchroom.db");
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::CannotOpen { .. }), "{err:?}");
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(err.to_string().contains("no-such-folder"), "{err}");
    assert!(!dir.path().join("no-such-folder").exists());
}

#[test]
fn a_new_store_is_created_and_reopened_at_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(s.path(), path.as_path());
    drop(s);
    // an empty file (e.g. made by `touch`) is a store nobody has written yet
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let mut s = Store::open(&empty).unwrap();
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    let op = s.operator_or_add("Sam Okafor", "operator", t0()).unwrap();
    s.create_incident(
        &new_incident("theft", Priority::High, free("till"), "took cash", t0()),
        op.id,
        t0(),
    )
    .unwrap();
    drop(s);
    let s = Store::open(&empty).unwrap();
    assert_eq!(
        s.incident(1).unwrap().unwrap().summary,
        "took cash",
        "data survives reopening"
    );
}

// ------------------------------------------------------------ 9. the demo town

fn demo_store(dir: &Path, name: &str) -> (PathBuf, Store) {
    let path = dir.join(name);
    let mut s = Store::open(&path).unwrap();
    build_demo(&mut s, t0()).unwrap();
    (path, s)
}

fn all_rows(path: &Path, sql: &str) -> Vec<Vec<Value>> {
    let c = raw(path);
    let mut st = c.prepare(sql).unwrap();
    let n = st.column_count();
    let rows = st
        .query_map([], |r| {
            (0..n)
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn the_demo_town_has_its_zones_members_radios_offenders_and_ninety_days_of_incidents() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = demo_store(dir.path(), "demo.db");
    let now = t0().timestamp();
    let day = 86_400;

    assert_eq!(count(&path, "SELECT COUNT(*) FROM zones"), 5);
    assert_eq!(s.zones().unwrap().len(), 5);
    let members = count(&path, "SELECT COUNT(*) FROM members");
    assert!((55..=65).contains(&members), "{members} members");
    let listed = s.members().unwrap();
    assert!(
        !listed.is_empty() && listed.len() as i64 <= members,
        "lapsed members are not offered"
    );
    assert!(
        listed.windows(2).all(|w| w[0].name <= w[1].name),
        "members listed by name"
    );
    let radios = count(&path, "SELECT COUNT(*) FROM radios");
    assert!((40..=50).contains(&radios), "{radios} radios");
    assert!(count(&path, "SELECT COUNT(*) FROM radios WHERE status = 'issued'") > 30);
    let offenders = count(&path, "SELECT COUNT(*) FROM offenders");
    assert!((35..=45).contains(&offenders), "{offenders} offenders");
    assert!(
        count(
            &path,
            "SELECT COUNT(*) FROM offenders WHERE kind = 'id_sought'"
        ) > 0
    );
    let active = count(
        &path,
        &format!("SELECT COUNT(*) FROM exclusions WHERE starts_at <= {now} AND ends_at > {now}"),
    );
    assert!(active > 0, "some exclusions are in force now");
    assert!(
        count(
            &path,
            &format!("SELECT COUNT(*) FROM exclusions WHERE ends_at <= {now}")
        ) > 0,
        "and some have ended"
    );

    let incidents = count(&path, "SELECT COUNT(*) FROM incidents");
    assert!((500..=2000).contains(&incidents), "{incidents} incidents");
    assert_eq!(
        count(
            &path,
            &format!(
                "SELECT COUNT(*) FROM incidents WHERE opened_at < {} OR opened_at > {now}",
                now - 90 * day
            )
        ),
        0,
        "every incident opened in the last ninety days"
    );
    assert!(
        count(&path, "SELECT MIN(opened_at) FROM incidents") < now - 85 * day,
        "spread over the whole ninety days"
    );
    assert!(count(&path, "SELECT MAX(opened_at) FROM incidents") > now - day);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM incidents WHERE status = 'closed' AND (closed_at IS NULL OR close_reason IS NULL)"), 0);
    assert_eq!(
        count(
            &path,
            "SELECT COUNT(*) FROM incidents WHERE status <> 'closed' AND closed_at IS NOT NULL"
        ),
        0
    );

    // some are still live, and the board shows them first
    let live = s
        .count_incidents(&IncidentFilter::default(), 10_000)
        .unwrap();
    assert!(live > 0, "some incidents are still being handled");
    let top = s
        .board_window(&all(), Anchor::First, live as usize + 5)
        .unwrap();
    assert!(top[..live as usize].iter().all(|r| r.status.is_live()));
    assert!(top[live as usize..]
        .iter()
        .all(|r| r.status == Status::Closed));
    let one = s.incident(top[0].id).unwrap().unwrap();
    assert!(!one.place_label.is_empty());
    assert!(["Alex Morgan", "Priya Shah", "Tom Baxter"].contains(&one.opened_by.as_str()));

    assert!(s.operator_by_name(DEMO_OPERATOR).unwrap().is_some());
    let last = &s.recent_audit(None, 1).unwrap()[0];
    assert_eq!(
        (last.entity.as_str(), last.operator.as_str()),
        ("demo", DEMO_OPERATOR)
    );
    assert!(
        last.detail.contains(&incidents.to_string()),
        "{}",
        last.detail
    );
}

#[test]
fn the_demo_town_is_the_same_every_time_it_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _sa) = demo_store(dir.path(), "a.db");
    let (b, _sb) = demo_store(dir.path(), "b.db");
    for sql in [
        "SELECT * FROM incidents ORDER BY id",
        "SELECT * FROM timeline ORDER BY id",
        "SELECT * FROM offenders ORDER BY id",
        "SELECT * FROM exclusions ORDER BY id",
        "SELECT * FROM members ORDER BY id",
        "SELECT * FROM radios ORDER BY id",
    ] {
        let (ra, rb) = (all_rows(&a, sql), all_rows(&b, sql));
        assert!(!ra.is_empty(), "{sql}");
        assert_eq!(ra, rb, "{sql}");
    }
}

#[test]
fn building_the_demo_into_a_store_that_has_it_already_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s) = demo_store(dir.path(), "demo.db");
    let incidents = count(&path, "SELECT COUNT(*) FROM incidents");
    let audit = s.audit_count().unwrap();
    assert!(build_demo(&mut s, t0()).is_err());
    assert_eq!(count(&path, "SELECT COUNT(*) FROM incidents"), incidents);
    assert_eq!(count(&path, "SELECT COUNT(*) FROM zones"), 5);
    assert_eq!(s.audit_count().unwrap(), audit);
}

// ------------------------------------------------------- 10. bulk incidents

#[test]
fn bulk_incidents_are_added_and_the_board_still_shows_live_ones_first() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut s) = demo_store(dir.path(), "bulk.db");
    let demo_incidents = count(&path, "SELECT COUNT(*) FROM incidents");
    let mut progress = vec![];
    add_bulk_incidents(&mut s, 5_000, t0(), |n| progress.push(n)).unwrap();
    assert_eq!(progress, vec![0]);
    assert_eq!(
        count(&path, "SELECT COUNT(*) FROM incidents"),
        demo_incidents + 5_000
    );
    let ten_years_ago = t0().timestamp() - 10 * 365 * 86_400;
    assert_eq!(
        count(
            &path,
            &format!("SELECT COUNT(*) FROM incidents WHERE opened_at < {ten_years_ago}")
        ),
        0
    );

    let live = s
        .count_incidents(&IncidentFilter::default(), 1_000_000)
        .unwrap() as usize;
    let closed = s
        .count_incidents(
            &IncidentFilter {
                status: StatusView::Only(Status::Closed),
                ..Default::default()
            },
            1_000_000,
        )
        .unwrap() as usize;
    assert_eq!(live + closed, demo_incidents as usize + 5_000);
    assert!(
        live > 5,
        "about one in two hundred bulk incidents is live: {live}"
    );

    let top = s.board_window(&all(), Anchor::First, live + 50).unwrap();
    assert_eq!(top.len(), live + 50);
    assert!(
        top[..live].iter().all(|r| r.status.is_live()),
        "live rows first"
    );
    assert!(top[live..].iter().all(|r| r.status == Status::Closed));
    assert!(top[..live].windows(2).all(|w| w[0].key < w[1].key));
    // the newest closed come first after the live ones
    assert!(top[live..]
        .windows(2)
        .all(|w| w[0].priority < w[1].priority || w[0].opened_at >= w[1].opened_at));

    // and the end of the board pages back cleanly too
    let tail = s.board_window(&all(), Anchor::Last, 20).unwrap();
    assert_eq!(tail.len(), 20);
    let before = s
        .board_window(&all(), Anchor::Before(tail[0].key), 20)
        .unwrap();
    let after = s
        .board_window(&all(), Anchor::After(before.last().unwrap().key), 20)
        .unwrap();
    assert_eq!(after, tail);
    assert!(s
        .board_window(&all(), Anchor::After(tail.last().unwrap().key), 20)
        .unwrap()
        .is_empty());
}

#[test]
fn bulk_incidents_need_the_demo_town_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    let mut s = Store::open(&path).unwrap();
    let err = add_bulk_incidents(&mut s, 10, t0(), |_| {}).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert!(err.to_string().contains("demo"), "{err}");
    assert_eq!(count(&path, "SELECT COUNT(*) FROM incidents"), 0);
}

// ------------------------------------ 11. the store's file gone from its path

/// The incidents the store's own connection can still read (the file it
/// opened, named or not).
fn incidents_held(s: &Store) -> u64 {
    s.count_incidents(&IncidentFilter::default(), 1_000_000)
        .unwrap()
}

fn wal_of(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", path.display()))
}

fn shm_of(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-shm", path.display()))
}

/// A town with one incident committed (in the write-ahead log, not yet
/// copied into the store file).
fn town_with_an_incident() -> Town {
    let mut t = town();
    t.store
        .create_incident(
            &new_incident("theft", Priority::Medium, at_zone(t.market), "first", t0()),
            t.op.id,
            t0(),
        )
        .unwrap();
    assert_eq!(t.store.file_gone(), None, "in place after a write");
    t
}

/// Try to log one more incident: it must be refused as gone.
fn refused(t: &mut Town) -> watchroom::store::Gone {
    let before = incidents_held(&t.store);
    let err = t
        .store
        .create_incident(
            &new_incident("theft", Priority::High, at_zone(t.market), "second", t0()),
            t.op.id,
            t0(),
        )
        .unwrap_err();
    let StoreError::Gone(gone) = &err else {
        panic!("refused as gone, got {err:?}");
    };
    let text = err.to_string();
    assert!(
        text.contains("while watchroom had it open; nothing was saved"),
        "{text}"
    );
    assert_eq!(
        incidents_held(&t.store),
        before,
        "nothing written into the file the store still holds"
    );
    gone.clone()
}

#[test]
fn a_store_deleted_under_it_refuses_the_next_write_and_writes_nothing() {
    use watchroom::store::files::{Change, StoreFile};
    let mut t = town_with_an_incident();
    let wal = wal_of(&t.path);
    let log_before = std::fs::read(&wal).unwrap();
    std::fs::remove_file(&t.path).unwrap();

    let gone = refused(&mut t);
    assert_eq!(
        (gone.file, &gone.change),
        (StoreFile::Store, &Change::Deleted)
    );
    assert_eq!(gone.short(), "file deleted");
    assert!(
        gone.to_string()
            .ends_with(&format!("{} was deleted", t.path.display())),
        "{gone}"
    );
    assert_eq!(
        std::fs::read(&wal).unwrap(),
        log_before,
        "the log untouched"
    );
    // every write is refused, the sign-out too, and nothing is recreated
    assert!(matches!(
        t.store.sign_out(t.op.id, "quit", t0()),
        Err(StoreError::Gone(_))
    ));
    assert!(!t.path.exists(), "no new store file at the path");
    // the store can still read what it held
    assert_eq!(incidents_held(&t.store), 1);
}

#[test]
fn a_store_moved_away_refuses_writes_and_the_moved_file_is_not_written() {
    use watchroom::store::files::{Change, StoreFile};
    let mut t = town_with_an_incident();
    let away = t.path.with_file_name("moved.db");
    std::fs::rename(&t.path, &away).unwrap();
    // the log stays at the old name, and the store keeps writing into it
    let wal = wal_of(&t.path);
    let (file_before, log_before) = (std::fs::read(&away).unwrap(), std::fs::read(&wal).unwrap());

    let gone = refused(&mut t);
    assert_eq!(gone.file, StoreFile::Store);
    assert_eq!(gone.change, Change::MovedTo(away.clone()));
    assert!(gone.to_string().contains("was moved to"), "{gone}");
    assert!(
        gone.advice().contains("move it back to"),
        "{}",
        gone.advice()
    );
    assert_eq!(std::fs::read(&away).unwrap(), file_before, "the moved file");
    assert_eq!(std::fs::read(&wal).unwrap(), log_before, "its log");

    // put back where it was: the store stays refused (start again to go on)
    std::fs::rename(&away, &t.path).unwrap();
    assert_eq!(t.store.files().look(), None, "the same file is back");
    refused(&mut t);
    assert_eq!(std::fs::read(&t.path).unwrap(), file_before);
    assert_eq!(std::fs::read(&wal).unwrap(), log_before);
}

#[test]
fn a_store_replaced_by_another_store_refuses_writes_and_leaves_both_alone() {
    use watchroom::store::files::{Change, StoreFile};
    let mut t = town_with_an_incident();
    // another store, closed (so all in one file), renamed over the path
    let other = t.path.with_file_name("other.db");
    drop(Store::open(&other).unwrap());
    std::fs::rename(&other, &t.path).unwrap();
    let new_file = std::fs::read(&t.path).unwrap();
    let wal = wal_of(&t.path);
    let log_before = std::fs::read(&wal).unwrap();

    let gone = refused(&mut t);
    assert_eq!(
        (gone.file, &gone.change),
        (StoreFile::Store, &Change::Replaced)
    );
    assert!(
        gone.to_string().contains("was replaced by another file"),
        "{gone}"
    );
    assert!(gone.advice().contains("not the store this console opened"));
    assert_eq!(
        std::fs::read(&t.path).unwrap(),
        new_file,
        "the new file untouched"
    );
    assert_eq!(
        std::fs::read(&wal).unwrap(),
        log_before,
        "the old log untouched"
    );
}

#[test]
fn a_deleted_write_ahead_log_refuses_writes_and_closing_keeps_what_it_held() {
    use watchroom::store::files::{Change, StoreFile};
    let mut t = town_with_an_incident();
    let watched: Vec<StoreFile> = t.store.files().watched().iter().map(|w| w.0).collect();
    assert_eq!(
        watched,
        [StoreFile::Store, StoreFile::Log, StoreFile::Index]
    );
    let file_before = std::fs::read(&t.path).unwrap();
    std::fs::remove_file(wal_of(&t.path)).unwrap();

    let gone = refused(&mut t);
    assert_eq!(
        (gone.file, &gone.change),
        (StoreFile::Log, &Change::Deleted)
    );
    assert_eq!(gone.short(), "log deleted");
    assert!(gone.to_string().contains("write-ahead log"), "{gone}");
    assert_eq!(
        std::fs::read(&t.path).unwrap(),
        file_before,
        "the store file untouched"
    );

    // the last connection to close copies what the deleted log held into the file
    let Town {
        store, path, _dir, ..
    } = t;
    drop(store);
    let s = Store::open(&path).unwrap();
    assert_eq!(
        incidents_held(&s),
        1,
        "the incident committed before survives"
    );
}

#[test]
fn a_deleted_shared_memory_index_refuses_writes() {
    use watchroom::store::files::StoreFile;
    let mut t = town_with_an_incident();
    std::fs::remove_file(shm_of(&t.path)).unwrap();
    let gone = refused(&mut t);
    assert_eq!(gone.file, StoreFile::Index);
    assert_eq!(gone.short(), "index deleted");
}

#[test]
fn the_watcher_says_when_the_store_goes_and_what_comes_back() {
    use watchroom::store::files::{Change, StoreFile};
    use watchroom::store::watch::{spawn, Notice};
    let t = town_with_an_incident();
    let (tx, rx) = std::sync::mpsc::channel();
    spawn(&t.store, std::time::Duration::from_millis(20), move |n| {
        tx.send(n).is_ok()
    })
    .unwrap();
    let next = || {
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("a notice from the watcher")
    };
    std::fs::remove_file(&t.path).unwrap();
    let started = std::time::Instant::now();
    let gone = loop {
        match next() {
            Notice::Gone(g) => break g,
            Notice::Changed => continue,
            other => panic!("unexpected {other:?}"),
        }
    };
    eprintln!(
        "the watcher saw the store deleted after {:?}",
        started.elapsed()
    );
    assert_eq!(
        (gone.file, &gone.change),
        (StoreFile::Store, &Change::Deleted)
    );
    // the store itself refuses from the same moment, without looking again
    assert_eq!(t.store.file_gone(), Some(gone));

    // a new file at the path is not the store it opened
    std::fs::write(&t.path, b"").unwrap();
    match next() {
        Notice::Since(Some(g)) => assert_eq!(g.change, Change::Replaced),
        other => panic!("expected what is there now, got {other:?}"),
    }
    std::fs::remove_file(&t.path).unwrap();
    match next() {
        Notice::Since(Some(g)) => assert_eq!(g.change, Change::DeletedOrMoved),
        other => panic!("expected the path empty again, got {other:?}"),
    }
}
