//! What the data-protection tests share: a connection of our own to a store
//! file, for counting rows and listing its tables; people to put on the
//! register; and a closed incident.

#![allow(dead_code)] // each test file uses a different part of this

#[allow(unused_imports)] // each test file that shares this uses its own share of it
pub use crate::support::{count, raw};
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use watchroom::domain::offender::OffenderInput;
use watchroom::domain::{NewIncident, Place, Priority, Status};
use watchroom::store::Store;

pub fn tables(c: &Connection) -> Vec<String> {
    c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

pub fn known(name: &str) -> OffenderInput {
    OffenderInput {
        name: name.into(),
        ..Default::default()
    }
}

pub fn id_sought(description: &str) -> OffenderInput {
    OffenderInput {
        description: description.into(),
        ..Default::default()
    }
}

/// A closed incident opened and closed on the day given.
pub fn closed_incident(
    s: &mut Store,
    op: i64,
    zone: i64,
    when: DateTime<Utc>,
    summary: &str,
    location: &str,
) -> i64 {
    let i = s
        .create_incident(
            &NewIncident {
                kind: "theft".into(),
                priority: Priority::High,
                place: Place {
                    zone_id: Some(zone),
                    member_id: None,
                    location: location.into(),
                },
                summary: summary.into(),
                opened_at: when,
            },
            op,
            when,
        )
        .unwrap();
    let later = when + Duration::hours(1);
    s.set_status(
        i.id,
        i.version,
        Status::Closed,
        Some("police dealt"),
        op,
        later,
    )
    .unwrap();
    i.id
}
