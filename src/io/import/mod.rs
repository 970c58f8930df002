//! `watchroom import`: zones, cameras, members, radios and offenders from a spreadsheet's CSV
//! export, and the police's monthly street-level crime file. This reads and
//! checks the file (header, every row, every value) and tidies every value;
//! the store matches the rows and writes them (`store/imports/`).
//!
//! A dry run (the default) says what would change and lists every bad row
//! with its line number and why; `--apply` writes it all in one transaction,
//! and a file with any problem changes nothing.
//!
//! `header` knows each kind's columns and reads the header; `rows` turns a
//! row into a typed record.

mod header;
mod rows;

use crate::domain::police::{describe_outside, PoliceArea};
use crate::domain::text::{clean, tidy_input};
use crate::store::imports::{
    ImportBatch, ImportPlan, ImportResult, Lined, PoliceBatch, PoliceFileMonth, RowPlan,
};
use crate::store::Store;
use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use header::{describe_columns, header_key, is_special_category, not_csv};
use rows::{
    camera_row, member_row, offender_row, police_key, police_row, radio_row, zone_row, Cells,
};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// A file bigger than this is refused before it is read (a force's monthly
/// file is a few megabytes).
const MAX_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Zones,
    Cameras,
    Members,
    Radios,
    Offenders,
    Police,
}

impl ImportKind {
    pub const ALL: [ImportKind; 6] = [
        ImportKind::Zones,
        ImportKind::Cameras,
        ImportKind::Members,
        ImportKind::Radios,
        ImportKind::Offenders,
        ImportKind::Police,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Zones => "zones",
            ImportKind::Cameras => "cameras",
            ImportKind::Members => "members",
            ImportKind::Radios => "radios",
            ImportKind::Offenders => "offenders",
            ImportKind::Police => "police",
        }
    }

    pub fn from_code(s: &str) -> Option<ImportKind> {
        ImportKind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim().to_lowercase())
    }
}

/// Something wrong with the file (no line) or with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<u64>,
    pub reason: String,
}

impl Problem {
    fn file(reason: impl Into<String>) -> Problem {
        Problem {
            line: None,
            reason: reason.into(),
        }
    }
    fn row(line: u64, reason: impl Into<String>) -> Problem {
        Problem {
            line: Some(line),
            reason: reason.into(),
        }
    }
}

/// What reading and checking a file found: the good rows, and every problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub batch: ImportBatch,
    /// Data rows read (empty rows not counted).
    pub rows: usize,
    /// Problems that stop the import: the file's own, and bad rows.
    pub problems: Vec<Problem>,
    /// Worth knowing, but not stopping the import (columns ignored, empty rows).
    pub notes: Vec<String>,
}

fn empty_batch(kind: ImportKind) -> ImportBatch {
    match kind {
        ImportKind::Zones => ImportBatch::Zones(vec![]),
        ImportKind::Cameras => ImportBatch::Cameras(vec![]),
        ImportKind::Members => ImportBatch::Members(vec![]),
        ImportKind::Radios => ImportBatch::Radios(vec![]),
        ImportKind::Offenders => ImportBatch::Offenders(vec![]),
        ImportKind::Police => ImportBatch::Police(PoliceBatch::default()),
    }
}

/// Read and check a file's bytes: the header, then every row. `today` is the
/// day of the import (UTC, as the store counts it), which a date of birth
/// must be before.
pub fn parse(kind: ImportKind, bytes: &[u8], today: NaiveDate) -> Parsed {
    let mut parsed = Parsed {
        batch: empty_batch(kind),
        rows: 0,
        problems: vec![],
        notes: vec![],
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        parsed.problems.push(Problem::file(format!(
            "the file is empty: a CSV file is expected, its first line naming the columns {}",
            describe_columns(kind)
        )));
        return parsed;
    }
    if let Some(what) = not_csv(bytes) {
        parsed.problems.push(Problem::file(format!(
            "this is not a CSV file: it looks like {what}"
        )));
        return parsed;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();

    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            parsed
                .problems
                .push(Problem::file(format!("cannot read the header: {e}")));
            return parsed;
        }
        None => {
            parsed
                .problems
                .push(Problem::file("the file is empty".to_string()));
            return parsed;
        }
    };
    let mut lines = LineCounter::new(bytes);
    let header_line = header.position().map_or(1, |p| lines.line_at(p.byte()));
    let mut names = vec![];
    for (i, field) in header.iter().enumerate() {
        match std::str::from_utf8(field) {
            Ok(s) => names.push(tidy_input(s)),
            Err(_) => {
                parsed.problems.push(Problem::row(
                    header_line,
                    format!(
                        "column {} of the header is not UTF-8 text: save the file as “CSV UTF-8”",
                        i + 1
                    ),
                ));
                names.push(String::new());
            }
        }
    }

    // which column is which
    let mut at: HashMap<&'static str, usize> = HashMap::new();
    let mut unknown = vec![];
    for (i, name) in names.iter().enumerate() {
        let key = header_key(name);
        if key.is_empty() {
            continue;
        }
        if is_special_category(name) {
            parsed.problems.push(Problem::file(format!(
                "column “{name}” is special-category data (ethnicity, religion, health …), which the \
                 scheme never holds: delete the column and import again (nothing was read from it)"
            )));
            continue;
        }
        let found = kind
            .columns()
            .iter()
            .find(|c| header_key(c.name) == key || c.also.iter().any(|a| header_key(a) == key));
        match found {
            Some(c) if at.contains_key(c.name) => parsed.problems.push(Problem::file(format!(
                "the column “{}” is given twice in the header",
                c.name
            ))),
            Some(c) => {
                at.insert(c.name, i);
            }
            None => unknown.push(name.clone()),
        }
    }
    let missing: Vec<&str> = kind
        .columns()
        .iter()
        .filter(|c| c.required && !at.contains_key(c.name))
        .map(|c| c.name)
        .collect();
    if !missing.is_empty() {
        let found: Vec<String> = names.iter().map(|n| format!("“{n}”")).collect();
        parsed.problems.push(Problem::file(format!(
            "wrong header: expected columns {}; found {}; missing {}",
            describe_columns(kind),
            if found.is_empty() {
                "nothing".to_string()
            } else {
                found.join(", ")
            },
            missing.join(", ")
        )));
    }
    for name in &unknown {
        parsed.notes.push(format!(
            "column “{name}” ignored: not one {} imports (columns: {})",
            kind.code(),
            describe_columns(kind)
        ));
    }
    if !missing.is_empty() {
        return parsed;
    }

    let mut empty_rows = 0;
    let mut repeats = HashMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| lines.line_at(p.byte()));
                parsed.problems.push(Problem {
                    line,
                    reason: format!("cannot read the file from here on: {e}"),
                });
                break;
            }
        };
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            empty_rows += 1;
            continue;
        }
        parsed.rows += 1;
        if record.len() != names.len() {
            let (which, hint) = if record.len() > names.len() {
                (
                    "too many",
                    "a value with a comma in it must be in double quotes",
                )
            } else {
                ("too few", "is a comma missing?")
            };
            parsed.problems.push(Problem::row(
                line,
                format!(
                    "{which} fields: {} where the header has {} ({hint})",
                    record.len(),
                    names.len()
                ),
            ));
            continue;
        }
        let mut values = Vec::with_capacity(record.len());
        let mut bad_text = None;
        for (i, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(s) => values.push(tidy_input(s)),
                Err(e) => {
                    let byte = field[e.valid_up_to()];
                    bad_text = Some(format!(
                        "not UTF-8 text in the “{}” column (byte 0x{byte:02X}): save the file as “CSV UTF-8”",
                        names[i]
                    ));
                    break;
                }
            }
        }
        if let Some(why) = bad_text {
            parsed.problems.push(Problem::row(line, why));
            continue;
        }
        let cells = Cells {
            values: &values,
            at: &at,
        };
        let outcome = match &mut parsed.batch {
            ImportBatch::Zones(v) => zone_row(&cells).map(|record| v.push(Lined { line, record })),
            ImportBatch::Cameras(v) => {
                camera_row(&cells).map(|record| v.push(Lined { line, record }))
            }
            ImportBatch::Members(v) => {
                member_row(&cells).map(|record| v.push(Lined { line, record }))
            }
            ImportBatch::Radios(v) => {
                radio_row(&cells).map(|record| v.push(Lined { line, record }))
            }
            ImportBatch::Offenders(v) => {
                offender_row(&cells, today).map(|record| v.push(Lined { line, record }))
            }
            ImportBatch::Police(b) => police_row(&cells).map(|mut record| {
                record.row_key = police_key(&record, &mut repeats);
                b.rows.push(Lined { line, record })
            }),
        };
        if let Err(why) = outcome {
            parsed.problems.push(Problem::row(line, why));
        }
    }
    if empty_rows > 0 {
        parsed
            .notes
            .push(format!("{empty_rows} empty row(s) skipped"));
    }
    parsed
}

/// The line of the file a byte starts, counted by the importer itself: the
/// csv crate counts a line at its `\n`, which for a record ended by `\r\n`
/// it has not yet read when the next record's position is taken, so with
/// Windows line endings every row was named one line too early. A line ends
/// at `\n`, `\r\n` or a lone `\r`, as the csv crate ends records.
struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Bytes before this have been counted...
    at: usize,
    /// ...and this is the line `at` is on.
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The line of the first byte at or after `offset` that is not a line
    /// ending: a record's position may be taken before the ending of the
    /// line before it (or blank lines the csv crate skips) has been read.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut offset = (offset as usize).min(self.bytes.len());
        if offset < self.at {
            // positions come in order; start again if one ever does not
            self.at = 0;
            self.line = 1;
        }
        while offset < self.bytes.len() && matches!(self.bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        for i in self.at..offset {
            match self.bytes[i] {
                b'\n' => self.line += 1,
                b'\r' if self.bytes.get(i + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
        }
        self.at = offset;
        self.line
    }
}

/// Keep only a police file's rows in the scheme's area, counting those
/// outside by LSOA name, and note every month the file covers (a month
/// with no row in the area is still covered: its rows held are replaced).
pub fn keep_area(parsed: &mut Parsed, area: &PoliceArea) {
    let ImportBatch::Police(b) = &mut parsed.batch else {
        return;
    };
    let mut months: std::collections::BTreeMap<String, PoliceFileMonth> = Default::default();
    let mut outside: HashMap<String, u64> = HashMap::new();
    b.rows.retain(|r| {
        let c = &r.record;
        let point = c.longitude.zip(c.latitude);
        let inside = area.contains(&c.lsoa_code, point);
        let m = months
            .entry(c.month.clone())
            .or_insert_with(|| PoliceFileMonth {
                month: c.month.clone(),
                ..Default::default()
            });
        if inside {
            m.kept += 1;
        } else {
            m.outside += 1;
            match outside.get_mut(c.lsoa_name.as_str()) {
                Some(n) => *n += 1,
                None => {
                    outside.insert(c.lsoa_name.clone(), 1);
                }
            }
        }
        inside
    });
    b.months = months.into_values().collect();
    b.area = area.describe();
    let mut outside: Vec<(String, u64)> = outside.into_iter().collect();
    outside.sort();
    b.outside = outside;
}

/// Why a police file cannot be imported with no area set.
pub const NO_AREA: &str = "the police's street-level file covers the whole force: \
set the scheme's area first, with its LSOA codes or a boundary, in the config file's [police] table";

/// What an import run found and did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOutcome {
    pub parsed: Parsed,
    /// What the good rows would do (or did), matched against the store.
    pub plan: ImportPlan,
    pub applied: bool,
}

impl ImportOutcome {
    /// Every problem, the file's first, then rows in line order.
    pub fn problems(&self) -> Vec<Problem> {
        let mut all: Vec<Problem> = self.parsed.problems.clone();
        all.extend(self.plan.rows.iter().filter_map(|r| match &r.plan {
            RowPlan::Bad(why) => Some(Problem::row(r.line, why.clone())),
            _ => None,
        }));
        all.sort_by_key(|p| p.line.unwrap_or(0));
        all
    }
}

fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        anyhow::bail!("{} is a folder, not a CSV file", path.display());
    }
    if meta.len() > MAX_BYTES {
        anyhow::bail!(
            "{} is {} MB: too big for an import (at most {} MB)",
            path.display(),
            meta.len() / 1_048_576,
            MAX_BYTES / 1_048_576
        );
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Read `path`, preview what it would change (printing it to `out`), and if
/// `apply` and the file has no problem, import it in one transaction. A
/// police file keeps only the rows in `police_area`, and is refused
/// without one.
#[allow(clippy::too_many_arguments)] // each is one thing the import is told
pub fn run_import(
    store: &mut Store,
    kind: ImportKind,
    path: &Path,
    apply: bool,
    operator: i64,
    now: DateTime<Utc>,
    police_area: Option<&PoliceArea>,
    out: &mut dyn Write,
) -> anyhow::Result<ImportOutcome> {
    let area = match (kind, police_area) {
        (ImportKind::Police, None) => anyhow::bail!("{NO_AREA}"),
        (_, area) => area,
    };
    let bytes = read_file(path)?;
    let mut parsed = parse(kind, &bytes, now.date_naive());
    if let Some(area) = area {
        keep_area(&mut parsed, area);
    }
    let mut outcome = ImportOutcome {
        parsed,
        plan: ImportPlan::default(),
        applied: false,
    };
    // applying plans inside its own transaction: the rows are matched once
    if apply && outcome.parsed.problems.is_empty() && !outcome.parsed.batch.is_empty() {
        match store.apply_import(&outcome.parsed.batch, operator, now)? {
            ImportResult::Applied(plan) => {
                outcome.plan = plan;
                outcome.applied = true;
            }
            ImportResult::Refused(plan) => outcome.plan = plan,
        }
    } else {
        outcome.plan = store.plan_import(&outcome.parsed.batch)?;
    }
    report(out, kind, path, &outcome, apply)?;
    Ok(outcome)
}

fn report(
    out: &mut dyn Write,
    kind: ImportKind,
    path: &Path,
    o: &ImportOutcome,
    apply: bool,
) -> std::io::Result<()> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    writeln!(
        out,
        "{}: {} {} row(s) read",
        clean(&file),
        o.parsed.rows,
        kind.code()
    )?;
    for n in &o.parsed.notes {
        writeln!(out, "note: {}", clean(n))?;
    }
    // each row's fate; the police file is counted rather than listed
    if kind != ImportKind::Police {
        for r in &o.plan.rows {
            let (what, detail) = match &r.plan {
                RowPlan::New => ("new", String::new()),
                RowPlan::Update { id, fields } => {
                    ("update", format!(" #{id}: {}", fields.join(", ")))
                }
                RowPlan::Unchanged { id } => ("unchanged", format!(" #{id}, already in the store")),
                RowPlan::Bad(_) => continue,
            };
            write!(
                out,
                "  line {:<5} {what:<10} {}{detail}",
                r.line,
                clean(&r.label)
            )?;
            match &r.note {
                Some(n) => writeln!(out, " ({})", clean(n))?,
                None => writeln!(out)?,
            }
        }
    } else if let ImportBatch::Police(b) = &o.parsed.batch {
        let rows = &b.rows;
        let months: Vec<&str> = b.months.iter().map(|m| m.month.as_str()).collect();
        let mut types: Vec<(&str, usize)> = vec![];
        for r in rows {
            match types.iter_mut().find(|t| t.0 == r.record.crime_type) {
                Some(t) => t.1 += 1,
                None => types.push((&r.record.crime_type, 1)),
            }
        }
        types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        if !months.is_empty() {
            writeln!(out, "months: {}", clean(&months.join(", ")))?;
            let list: Vec<String> = types.iter().map(|(t, n)| format!("{t} {n}")).collect();
            writeln!(out, "crime types: {}", clean(&list.join(", ")))?;
            writeln!(out, "area: {}", clean(&b.area))?;
            writeln!(
                out,
                "{} row(s) in the area; {}",
                crate::domain::money::group_thousands(rows.len() as u64),
                describe_outside(&b.outside, 5)
            )?;
        }
    }
    let problems = o.problems();
    for p in &problems {
        match p.line {
            Some(l) => writeln!(out, "line {l}: {}", clean(&p.reason))?,
            None => writeln!(out, "error: {}", clean(&p.reason))?,
        }
    }
    let c = o.plan.counts();
    // a police month given again is replaced: say what it would lose
    let (to_remove, removed) = if kind == ImportKind::Police {
        (
            format!(
                ", {} to remove (held for these months, no longer in the file)",
                c.removed
            ),
            format!(", {} removed", c.removed),
        )
    } else {
        (String::new(), String::new())
    };
    let counts = format!(
        "{} new, {} to update, {} unchanged (already in the store){to_remove}",
        c.new, c.updated, c.unchanged
    );
    if !problems.is_empty() {
        writeln!(
            out,
            "{} problem(s): {}; nothing was changed",
            problems.len(),
            if apply {
                "refused"
            } else {
                "this file cannot be imported as it is"
            }
        )?;
    } else if o.applied {
        writeln!(
            out,
            "imported: {} new, {} updated, {} unchanged{removed} (one transaction, audited)",
            c.new, c.updated, c.unchanged
        )?;
    } else if o.parsed.batch.is_empty() {
        writeln!(out, "nothing to import: the file has no rows")?;
    } else {
        writeln!(
            out,
            "dry run: {counts}; nothing was changed — add --apply to import"
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::LineCounter;

    #[test]
    fn lines_end_at_lf_crlf_or_a_lone_cr_and_a_position_before_an_ending_is_the_next_line() {
        let text = b"a\r\nb\nc\rd\r\n\r\ne";
        let mut lines = LineCounter::new(text);
        // each letter's offset, and the offset of the ending before it (as
        // the csv crate gives a record's start after a CRLF)
        assert_eq!(lines.line_at(0), 1);
        assert_eq!(lines.line_at(2), 2, "the \\n of a CRLF starts no line");
        assert_eq!(lines.line_at(3), 2);
        assert_eq!(lines.line_at(5), 3);
        assert_eq!(lines.line_at(7), 4, "a lone CR ends a line");
        assert_eq!(lines.line_at(9), 6, "a blank line is counted");
        assert_eq!(lines.line_at(0), 1, "an earlier position counts again");
        assert_eq!(lines.line_at(100), 6);
    }
}
