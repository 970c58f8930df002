//! Two consoles on one store (real SQLite files in a temporary folder): a
//! commit on one is seen by the other at once and the watcher notices; a save
//! on an out-of-date copy is refused naming who changed it; a note does not
//! make another operator's copy stale.

mod store_common;
mod support;

use store_common::*;
use support::now as t0;
use watchroom::domain::history::FieldChange;
use watchroom::domain::{IncidentEdit, IncidentFilter, Priority, Status};
use watchroom::store::watch::ChangeWatcher;
use watchroom::store::{Anchor, Record, Store, StoreError};

// ---------------------------------------------------- two consoles, one store

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

/// With notification turned off (as for a store on a file system that never
/// sends them), the poll alone still calls back.
#[test]
fn the_background_watcher_calls_back_when_another_connection_commits() {
    let mut t = town();
    let (tx, rx) = std::sync::mpsc::channel();
    let settings = watchroom::store::watch::WatchSettings {
        poll: std::time::Duration::from_millis(20),
        notify: false,
    };
    let watching =
        watchroom::store::watch::spawn(&t.store, settings, move |_| tx.send(()).is_ok()).unwrap();
    assert!(
        watching
            .waking
            .to_string()
            .contains("polling the store every 20 ms"),
        "{}",
        watching.waking
    );
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
    watching.thread.join().unwrap();
}

// --------------------------------------------------------------- stale saves

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
