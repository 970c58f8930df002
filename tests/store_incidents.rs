//! Incidents in the store on real SQLite files: one logged reads back as typed,
//! with its place and author, and is audited; a refused one writes nothing; an
//! edit keeps what every field was and became; the status lifecycle, where
//! closing needs a reason; and notes, appended, with an amendment a new entry.

mod store_common;
mod support;

use chrono::{DateTime, Utc};
use store_common::*;
use support::now as t0;
use watchroom::domain::history::FieldChange;
use watchroom::domain::incident::amended_ids;
use watchroom::domain::{IncidentEdit, Place, Priority, Status};
use watchroom::store::StoreError;

// ---------------------------------------------------- create and read back

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

// -------------------------------------------- a refused incident writes nothing

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

// ----------------------------------------------------- edits on the timeline

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

// --------------------------------------------------------- status lifecycle

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

// --------------------------------------------------------------------- notes

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
