//! What a store is, and the scheme's own details.
//!
//! A store records whether it is a scheme's own or the demo town's, so that
//! `demo` can never open (or write the demo's operators and their published
//! PINs into) a real scheme's store. Stores made before this was recorded are
//! judged once by what they hold: the demo's five operators and five zones
//! mean the demo; anything else with operators or data is a scheme's.

use super::{audit, check_header, key, Header, Result, Store, StoreError, StoreKey};
use crate::domain::audit::AuditAction;
use crate::domain::document::SchemeDetails;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// A real scheme's store, made by `init` or at the first start of the console.
    Scheme,
    /// The demo town of Castlebrook, made by `demo` or `generate`.
    Demo,
}

impl StoreKind {
    pub fn code(self) -> &'static str {
        match self {
            StoreKind::Scheme => "scheme",
            StoreKind::Demo => "demo",
        }
    }
    pub fn from_code(s: &str) -> Option<StoreKind> {
        match s {
            "scheme" => Some(StoreKind::Scheme),
            "demo" => Some(StoreKind::Demo),
            _ => None,
        }
    }
}

/// What a store file holds, as [`inspect`] finds it without writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// No file, or a file nobody has written.
    Missing,
    /// A store with no operators and no data.
    Empty,
    Is(StoreKind),
}

/// What the store at `path` is, read without changing a byte of it (not
/// even a WAL beside it): `demo` asks before it opens anything.
pub fn inspect(path: &Path, key: Option<&StoreKey>) -> Result<Found> {
    if !path.exists() {
        return Ok(Found::Missing);
    }
    if check_header(path)? == Header::New {
        return Ok(Found::Missing);
    }
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    // with no WAL beside it the file holds everything, and reading it as
    // immutable makes no WAL or shared-memory file; with one, another
    // process has the store open and its WAL must be read
    let uri = format!(
        "file:{}?mode=ro{}",
        uri_path(path),
        if wal.exists() { "" } else { "&immutable=1" }
    );
    let conn = Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| super::classify(path, e))?;
    key::unlock(&conn, key).map_err(|e| super::classify(path, e))?;
    let has_meta: bool = conn
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE name = 'store_meta')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| match super::classify(path, e) {
            StoreError::NotADatabase { path } if key.is_none() && super::ENCRYPTION => {
                StoreError::KeyWrongOrMissing { path }
            }
            other => other,
        })?;
    if has_meta {
        if let Some(kind) = recorded(&conn)? {
            return Ok(Found::Is(kind));
        }
    }
    judged(&conn)
}

/// A path as an SQLite URI's path: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

fn recorded(conn: &Connection) -> Result<Option<StoreKind>> {
    let v: Option<String> = conn
        .query_row("SELECT value FROM store_meta WHERE key = 'kind'", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(v.as_deref().and_then(StoreKind::from_code))
}

/// What a store that never recorded its kind is, by what it holds, inside
/// the caller's transaction.
pub(crate) fn judged_here(tx: &Transaction) -> Result<Found> {
    judged(tx)
}

/// What a store that never recorded its kind is, by what it holds.
fn judged(conn: &Connection) -> Result<Found> {
    let has = |table: &str| -> Result<bool> {
        let exists: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
            [table],
            |r| r.get(0),
        )?;
        if !exists {
            return Ok(false);
        }
        Ok(
            conn.query_row(&format!("SELECT EXISTS(SELECT 1 FROM {table})"), [], |r| {
                r.get(0)
            })?,
        )
    };
    let mut any = false;
    for t in [
        "operators",
        "zones",
        "members",
        "radios",
        "offenders",
        "incidents",
    ] {
        any |= has(t)?;
    }
    if !any {
        return Ok(Found::Empty);
    }
    Ok(Found::Is(if super::demo::looks_like_demo(conn)? {
        StoreKind::Demo
    } else {
        StoreKind::Scheme
    }))
}

impl Store {
    /// What this store is, if it has said (an empty store has not yet).
    pub fn kind(&self) -> Result<Option<StoreKind>> {
        recorded(self.conn())
    }

    /// Settle what an older store is, once, by what it holds.
    pub(super) fn settle_kind(&mut self) -> Result<()> {
        if self.kind()?.is_some() {
            return Ok(());
        }
        if let Found::Is(kind) = judged(self.conn())? {
            self.write(|tx| set_kind(tx, kind))?;
        }
        Ok(())
    }

    /// Record, once, that `init` made this store for a real scheme.
    pub fn record_store_created(&mut self, operator: i64, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            set_kind(tx, StoreKind::Scheme)?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Create,
                "store",
                None,
                "a new store for a scheme (init)",
            )
        })
    }

    /// The scheme's details as the set-up screen keeps them.
    pub fn scheme_details(&self) -> Result<SchemeDetails> {
        let get = |k: &str| -> Result<String> {
            Ok(self
                .conn()
                .query_row(
                    "SELECT value FROM store_meta WHERE key = ?1",
                    [format!("scheme.{k}")],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or_default())
        };
        Ok(SchemeDetails {
            name: get("name")?,
            address: get("address")?,
            contact: get("contact")?,
            signatory: get("signatory")?,
            signatory_role: get("signatory_role")?,
        })
    }

    /// Save the scheme's details (a manager's), audited with the fields changed.
    pub fn set_scheme_details(
        &mut self,
        details: SchemeDetails,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let details = details.validate().map_err(StoreError::Invalid)?;
        let before = self.scheme_details()?;
        let keys = ["name", "address", "contact", "signatory", "signatory_role"];
        let (was, now_is) = (before.fields(), details.fields());
        let changed: Vec<&str> = (0..keys.len())
            .filter(|&i| was[i].1 != now_is[i].1)
            .map(|i| was[i].0)
            .collect();
        if changed.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            for ((_, value, _), k) in now_is.iter().zip(keys) {
                tx.execute(
                    "INSERT INTO store_meta (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![format!("scheme.{k}"), value],
                )?;
            }
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Update,
                "scheme",
                None,
                &format!("{} changed", changed.join(", ")),
            )
        })
    }
}

/// Record what the store is, inside the caller's transaction. A store that
/// has said what it is never becomes the other.
pub(crate) fn set_kind(tx: &Transaction, kind: StoreKind) -> Result<()> {
    let was: Option<String> = tx
        .query_row("SELECT value FROM store_meta WHERE key = 'kind'", [], |r| {
            r.get(0)
        })
        .optional()?;
    match was.as_deref().and_then(StoreKind::from_code) {
        Some(k) if k == kind => Ok(()),
        Some(k) => Err(StoreError::Invalid(format!(
            "this is a {} store, not a {} one",
            k.code(),
            kind.code()
        ))),
        None => {
            tx.execute(
                "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('kind', ?1)",
                [kind.code()],
            )?;
            Ok(())
        }
    }
}
