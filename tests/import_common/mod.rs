//! What the import tests share: importing a file into a real store (the demo
//! town) as the manager, the problems named by line, and a fingerprint of
//! every table an import can touch, so a test can say nothing changed.

#![allow(dead_code)] // each test file uses a different part of this

#[allow(unused_imports)] // each test file that shares this uses its own share of it
pub use crate::support::count;
use crate::support::*;
use rusqlite::Connection;
use std::path::Path;
use watchroom::domain::police::PoliceArea;
use watchroom::io::import::{run_import, ImportKind, ImportOutcome, Problem};
use watchroom::store::demo::DEMO_OPERATOR;
use watchroom::store::Store;

pub const DATA: &[&str] = &[
    "members",
    "radios",
    "radio_status_history",
    "offenders",
    "offender_aliases",
    "police_crimes",
    "police_months",
];

/// The LSOAs of the police sample file (tests/data): its area, every row
/// with a location in it.
pub fn sample_area() -> PoliceArea {
    let codes: Vec<String> = (170..=175).map(|n| format!("E01024{n}")).collect();
    PoliceArea::new(&codes, &[]).unwrap().unwrap()
}

/// Every row of the tables an import can touch, and the audit trail: if this
/// is the same before and after, nothing changed.
pub fn fingerprint(db: &Path) -> Fingerprint {
    rows_of(db, &[DATA, &["audit"]].concat())
}

/// The same without the audit trail (signing in from the shell is audited).
pub fn data_fingerprint(db: &Path) -> Fingerprint {
    rows_of(db, DATA)
}

/// Compared whole, shown short: a failure says which tables differ.
#[derive(PartialEq)]
pub struct Fingerprint(Vec<(String, String)>);

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (table, rows) in &self.0 {
            writeln!(f, "{table}: {} rows", rows.lines().count())?;
        }
        Ok(())
    }
}

impl Fingerprint {
    pub fn contains(&self, s: &str) -> bool {
        self.0.iter().any(|(_, rows)| rows.contains(s))
    }
}

pub fn rows_of(db: &Path, tables: &[&str]) -> Fingerprint {
    let c = Connection::open(db).unwrap();
    let mut all = vec![];
    for table in tables {
        let mut out = String::new();
        let mut st = c
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i).unwrap();
                out.push_str(&format!("{v:?}|"));
            }
            out.push('\n');
        }
        all.push((table.to_string(), out));
    }
    Fingerprint(all)
}

pub struct Run {
    pub outcome: ImportOutcome,
    pub printed: String,
}

pub fn import(db: &Path, kind: ImportKind, name: &str, bytes: &[u8], apply: bool) -> Run {
    let file = db.parent().unwrap().join(name);
    std::fs::write(&file, bytes).unwrap();
    import_file(db, kind, &file, apply)
}

/// Import as the manager; a police file keeps the sample's area.
pub fn import_file(db: &Path, kind: ImportKind, file: &Path, apply: bool) -> Run {
    import_file_in(db, kind, file, apply, &sample_area())
}

pub fn import_file_in(
    db: &Path,
    kind: ImportKind,
    file: &Path,
    apply: bool,
    area: &PoliceArea,
) -> Run {
    let mut store = Store::open(db).unwrap();
    let manager = store.operator_by_name(DEMO_OPERATOR).unwrap().unwrap().id;
    let mut printed = vec![];
    let outcome = run_import(
        &mut store,
        kind,
        file,
        apply,
        manager,
        now(),
        Some(area),
        &mut printed,
    )
    .unwrap();
    Run {
        outcome,
        printed: String::from_utf8(printed).unwrap(),
    }
}

pub fn lines(problems: &[Problem]) -> Vec<u64> {
    problems.iter().filter_map(|p| p.line).collect()
}

pub fn reason_on(problems: &[Problem], line: u64) -> String {
    problems
        .iter()
        .find(|p| p.line == Some(line))
        .map(|p| p.reason.clone())
        .unwrap_or_else(|| panic!("no problem on line {line}: {problems:?}"))
}

pub const GOOD_MEMBERS: &str = "name,kind,zone,address,status,joined_on,renewal_on
Castlebrook Cycles,shop,High Street,\"12 High Street, Castlebrook\",active,2026-01-05,05/01/2027
The Tap Room,pub,NTE,,pending,,
  greggs ,Shop,high street,,,,
Boots the Chemist,shop,HS,\"99 New Road, Castlebrook\",,,
";
