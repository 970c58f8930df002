//! What the ingest tests share: a connection of our own to a store file, for
//! counting rows and finding a radio's call sign by its status.

#![allow(dead_code)] // each test file uses a different part of this

#[allow(unused_imports)] // each test file that shares this uses its own share of it
pub use crate::support::count;
use rusqlite::Connection;
use std::path::Path;

pub fn conn(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

/// A call sign of a radio with this status in the demo town.
pub fn call_sign(path: &Path, status: &str) -> String {
    conn(path)
        .query_row(
            "SELECT call_sign FROM radios WHERE status = ?1 ORDER BY id LIMIT 1",
            [status],
            |r| r.get(0),
        )
        .unwrap()
}
