//! The demo town built into a real store: its zones, members, radios, offenders
//! and ninety days of incidents, the same every time, refused over itself; and
//! bulk incidents added on top, with the board still showing live ones first.

mod store_common;
mod support;

use rusqlite::types::Value;
use std::path::{Path, PathBuf};
use store_common::*;
use support::now as t0;
use watchroom::domain::{IncidentFilter, Status, StatusView};
use watchroom::store::demo::{add_bulk_incidents, build_demo, DEMO_OPERATOR};
use watchroom::store::{Anchor, Store, StoreError};

// --------------------------------------------------------------- the demo town

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

// ----------------------------------------------------------- bulk incidents

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
