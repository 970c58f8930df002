//! `watchroom import`: zones, cameras, members, radios and offenders from a spreadsheet's CSV
//! export, and the police's monthly street-level crime file. This reads and
//! checks the file (header, every row, every value) and tidies every value;
//! the store matches the rows and writes them (`store/imports.rs`).
//!
//! A dry run (the default) says what would change and lists every bad row
//! with its line number and why; `--apply` writes it all in one transaction,
//! and a file with any problem changes nothing.

use crate::domain::offender::{split_list, OffenderInput, OffenderKind};
use crate::domain::text::{clean, tidy_input};
use crate::store::imports::{
    CameraRecord, ImportBatch, ImportPlan, ImportResult, Lined, MemberRecord, OffenderRecord,
    PoliceCrime, RadioRecord, RowPlan, ZoneRecord, MEMBER_STATUSES,
};
use crate::store::radios::RADIO_STATUSES;
use crate::store::Store;
use anyhow::Context as _;
use chrono::{DateTime, Months, NaiveDate, Utc};
use sha2::{Digest, Sha256};
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

    fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Zones => ZONE_COLUMNS,
            ImportKind::Cameras => CAMERA_COLUMNS,
            ImportKind::Members => MEMBER_COLUMNS,
            ImportKind::Radios => RADIO_COLUMNS,
            ImportKind::Offenders => OFFENDER_COLUMNS,
            ImportKind::Police => POLICE_COLUMNS,
        }
    }
}

/// A column the import reads: its name in the header (compared without case,
/// spaces, hyphens or underscores), other names spreadsheets use for it, and
/// whether a file must have it.
struct Column {
    name: &'static str,
    also: &'static [&'static str],
    required: bool,
}

const fn req(name: &'static str, also: &'static [&'static str]) -> Column {
    Column {
        name,
        also,
        required: true,
    }
}

const fn opt(name: &'static str, also: &'static [&'static str]) -> Column {
    Column {
        name,
        also,
        required: false,
    }
}

const ZONE_COLUMNS: &[Column] = &[req("name", &["zone"]), req("code", &["zone code"])];

const CAMERA_COLUMNS: &[Column] = &[
    req("name", &["camera"]),
    req("zone", &[]),
    opt("number", &["camera number", "no"]),
];

const MEMBER_COLUMNS: &[Column] = &[
    req("name", &["member", "member name", "business"]),
    req("kind", &["type"]),
    req("zone", &[]),
    opt("address", &[]),
    opt("status", &[]),
    opt("joined on", &["joined"]),
    opt("renewal on", &["renewal", "renewal date", "renews"]),
    opt("agreement version", &[]),
    opt("agreement signed on", &["agreement signed"]),
    opt("left on", &["left"]),
];

const RADIO_COLUMNS: &[Column] = &[
    req("call sign", &["callsign"]),
    req("serial", &["serial number", "serial no"]),
    opt("status", &[]),
    opt("member", &["issued to"]),
    opt("notes", &["note"]),
];

const OFFENDER_COLUMNS: &[Column] = &[
    req("name", &[]),
    opt("kind", &["type"]),
    opt("aliases", &["alias", "aka"]),
    opt("nicknames", &["nickname"]),
    opt("description", &[]),
    opt("markers", &["marker"]),
    opt("date of birth", &["dob", "birthdate", "born"]),
    opt("address", &[]),
];

/// The street-level crime file as data.police.uk publishes it.
const POLICE_COLUMNS: &[Column] = &[
    req("Crime ID", &[]),
    req("Month", &[]),
    req("Reported by", &[]),
    req("Falls within", &[]),
    req("Longitude", &[]),
    req("Latitude", &[]),
    req("Location", &[]),
    req("LSOA code", &[]),
    req("LSOA name", &[]),
    req("Crime type", &[]),
    req("Last outcome category", &[]),
    req("Context", &[]),
];

/// Words that make a column special-category data (UK GDPR article 9), which
/// the scheme never holds. "IC" is the police's ethnicity code.
const SPECIAL_CATEGORY: &[&str] = &[
    "ethnicity",
    "ethnic",
    "ethnicities",
    "race",
    "racial",
    "religion",
    "religious",
    "faith",
    "belief",
    "beliefs",
    "health",
    "medical",
    "disability",
    "disabilities",
    "disabled",
    "sexuality",
    "sexual",
    "orientation",
    "politics",
    "political",
    "union",
    "genetic",
    "genetics",
    "biometric",
    "biometrics",
    "ic",
    "iccode",
];

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
        ImportKind::Police => ImportBatch::Police(vec![]),
    }
}

/// How a header is compared: no case, spaces, hyphens, dots or underscores.
fn header_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn header_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn is_special_category(header: &str) -> bool {
    let words = header_words(header);
    words.iter().any(|w| SPECIAL_CATEGORY.contains(&w.as_str()))
        || SPECIAL_CATEGORY.contains(&header_key(header).as_str())
}

/// What a file that is not CSV text most likely is.
fn not_csv(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG") {
        return Some("a PNG image");
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some("a JPEG image");
    }
    if starts(b"GIF8") {
        return Some("a GIF image");
    }
    if starts(b"%PDF") {
        return Some("a PDF document");
    }
    if starts(b"PK\x03\x04") {
        return Some("a ZIP archive, or an Excel workbook (.xlsx): save it as CSV first");
    }
    if starts(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some("an old Excel workbook (.xls): save it as CSV first");
    }
    if starts(b"SQLite format 3\0") {
        return Some("an SQLite database");
    }
    if starts(&[0x1F, 0x8B]) {
        return Some("a gzip-compressed file: uncompress it first");
    }
    if starts(&[0xFF, 0xFE]) || starts(&[0xFE, 0xFF]) {
        return Some("UTF-16 text: save it as “CSV UTF-8”");
    }
    let head = &bytes[..bytes.len().min(4096)];
    if head.contains(&0) {
        return Some("a binary file");
    }
    let first = head
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF));
    match first {
        Some(b'{') | Some(b'[') => Some("JSON"),
        Some(b'<') => Some("an HTML or XML page"),
        _ => None,
    }
}

/// A date as spreadsheets write it: 2026-11-27 or 27/11/2026.
fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// A date of birth further back than this is a mistake: most often a year
/// written with two digits, which would otherwise be read as year 90.
const OLDEST_BIRTH_YEARS: u32 = 120;

/// A row's cells by column, tidied.
struct Cells<'a> {
    values: &'a [String],
    at: &'a HashMap<&'static str, usize>,
}

impl Cells<'_> {
    fn get(&self, column: &str) -> &str {
        self.at
            .get(column)
            .and_then(|i| self.values.get(*i))
            .map(String::as_str)
            .unwrap_or("")
    }
    fn opt(&self, column: &str) -> Option<String> {
        Some(self.get(column).to_string()).filter(|s| !s.is_empty())
    }
    fn required(&self, column: &str) -> Result<String, String> {
        self.opt(column)
            .ok_or_else(|| format!("the {column} is missing (a required column)"))
    }
    fn date(&self, column: &str) -> Result<Option<NaiveDate>, String> {
        match self.opt(column) {
            None => Ok(None),
            Some(s) => parse_date(&s).map(Some).ok_or_else(|| {
                format!("{column} “{s}” is not a date (write 2026-11-27 or 27/11/2026)")
            }),
        }
    }
}

fn zone_row(c: &Cells) -> Result<ZoneRecord, String> {
    use crate::domain::place::{place_name, zone_code};
    Ok(ZoneRecord {
        name: place_name("zone", &c.required("name")?)?,
        code: zone_code(&c.required("code")?)?,
    })
}

fn camera_row(c: &Cells) -> Result<CameraRecord, String> {
    let number = match c.opt("number") {
        None => None,
        Some(n) => Some(
            n.parse::<i64>()
                .ok()
                .filter(|n| (1..=99_999).contains(n))
                .ok_or_else(|| format!("camera number “{n}” is not a number from 1 to 99999"))?,
        ),
    };
    Ok(CameraRecord {
        name: crate::domain::place::place_name("camera", &c.required("name")?)?,
        zone: c.required("zone")?,
        number,
    })
}

fn member_row(c: &Cells) -> Result<MemberRecord, String> {
    let status = match c.opt("status") {
        None => None,
        Some(s) => {
            let s = s.to_lowercase();
            if !MEMBER_STATUSES.contains(&s.as_str()) {
                return Err(format!(
                    "status “{s}” is not one of {}",
                    MEMBER_STATUSES.join(", ")
                ));
            }
            Some(s)
        }
    };
    Ok(MemberRecord {
        name: c.required("name")?,
        kind: c.required("kind")?.to_lowercase(),
        zone: c.required("zone")?,
        address: c.opt("address"),
        status,
        joined_on: c.date("joined on")?,
        renewal_on: c.date("renewal on")?,
        agreement_version: c.opt("agreement version"),
        agreement_signed_on: c.date("agreement signed on")?,
        left_on: c.date("left on")?,
    })
}

fn radio_row(c: &Cells) -> Result<RadioRecord, String> {
    let status = match c.opt("status") {
        None => None,
        Some(s) => {
            let s = s.to_lowercase().replace(['_', '-'], " ");
            if !RADIO_STATUSES.contains(&s.as_str()) {
                return Err(format!(
                    "status “{s}” is not one of {}",
                    RADIO_STATUSES.join(", ")
                ));
            }
            Some(s)
        }
    };
    Ok(RadioRecord {
        call_sign: c.required("call sign")?.to_uppercase(),
        serial: c.required("serial")?,
        status,
        member: c.opt("member"),
        notes: c.opt("notes"),
    })
}

fn offender_row(c: &Cells, today: NaiveDate) -> Result<OffenderRecord, String> {
    let kind = match c.opt("kind") {
        None => OffenderKind::Known,
        Some(k) => {
            let code = k.to_lowercase().replace(' ', "_");
            OffenderKind::from_code(&code)
                .ok_or_else(|| format!("kind “{k}” is not known or ID-sought"))?
        }
    };
    // an ID-sought person too needs the label they go by, or a second
    // import could not find them again
    let name = c.required("name")?;
    let input = OffenderInput {
        name,
        aliases: split_list(c.get("aliases")),
        nicknames: split_list(c.get("nicknames")),
        description: c.get("description").to_string(),
        markers: split_list(c.get("markers")),
        photo_path: String::new(),
    }
    .validate(kind)?;
    let date_of_birth = c.date("date of birth")?;
    if let Some(d) = date_of_birth {
        let given = c.get("date of birth");
        if d >= today {
            return Err(format!(
                "date of birth “{given}” is not in the past (today is {today})"
            ));
        }
        let oldest = today
            .checked_sub_months(Months::new(12 * OLDEST_BIRTH_YEARS))
            .unwrap_or(NaiveDate::MIN);
        if d < oldest {
            return Err(format!(
                "date of birth “{given}” is more than {OLDEST_BIRTH_YEARS} years ago \
                 (write the year in full: 2026-11-27 or 27/11/2026)"
            ));
        }
    }
    Ok(OffenderRecord {
        name: input.name,
        kind,
        aliases: input.aliases,
        nicknames: input.nicknames,
        description: Some(input.description).filter(|d| !d.is_empty()),
        markers: input.markers,
        date_of_birth,
        address: c.opt("address"),
    })
}

fn police_row(c: &Cells) -> Result<PoliceCrime, String> {
    let month = c.required("Month")?;
    let valid_month = month.len() == 7
        && NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_ok()
        && month.as_bytes()[4] == b'-';
    if !valid_month {
        return Err(format!("Month “{month}” is not YYYY-MM"));
    }
    let coordinate = |column: &str, limit: f64| -> Result<Option<f64>, String> {
        match c.opt(column) {
            None => Ok(None),
            Some(s) => match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v.abs() <= limit => Ok(Some(v)),
                _ => Err(format!(
                    "{column} “{s}” is not a number between -{limit} and {limit}"
                )),
            },
        }
    };
    Ok(PoliceCrime {
        row_key: String::new(),
        crime_id: c.get("Crime ID").to_string(),
        month,
        reported_by: c.get("Reported by").to_string(),
        falls_within: c.get("Falls within").to_string(),
        longitude: coordinate("Longitude", 180.0)?,
        latitude: coordinate("Latitude", 90.0)?,
        location: c.get("Location").to_string(),
        lsoa_code: c.get("LSOA code").to_string(),
        lsoa_name: c.get("LSOA name").to_string(),
        crime_type: c.required("Crime type")?,
        last_outcome: c.get("Last outcome category").to_string(),
        context: c.get("Context").to_string(),
    })
}

/// A row without a Crime ID (anti-social behaviour) is known by a digest of
/// its values; identical rows (two reports in one month at the same
/// snapshot location) are told apart by their order in the file, so each is
/// kept and importing the file again finds them all.
fn police_key(c: &PoliceCrime, repeats: &mut HashMap<String, u32>) -> String {
    if !c.crime_id.is_empty() {
        return c.crime_id.clone();
    }
    let fields = [
        c.month.as_str(),
        &c.reported_by,
        &c.falls_within,
        &c.longitude.map(|v| v.to_string()).unwrap_or_default(),
        &c.latitude.map(|v| v.to_string()).unwrap_or_default(),
        &c.location,
        &c.lsoa_code,
        &c.lsoa_name,
        &c.crime_type,
        &c.last_outcome,
        &c.context,
    ];
    let mut h = Sha256::new();
    for f in fields {
        h.update(f.as_bytes());
        h.update([0x1f]);
    }
    let base = h.finalize();
    let hex = |d: &[u8]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let n = repeats.entry(hex(&base)).or_insert(0);
    *n += 1;
    if *n == 1 {
        hex(&base)
    } else {
        let mut h = Sha256::new();
        h.update(base);
        h.update(n.to_string().as_bytes());
        hex(&h.finalize())
    }
}

fn describe_columns(kind: ImportKind) -> String {
    let cols = kind.columns();
    let required: Vec<&str> = cols.iter().filter(|c| c.required).map(|c| c.name).collect();
    let optional: Vec<&str> = cols
        .iter()
        .filter(|c| !c.required)
        .map(|c| c.name)
        .collect();
    if optional.is_empty() {
        required.join(", ")
    } else {
        format!(
            "{} (and optionally {})",
            required.join(", "),
            optional.join(", ")
        )
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
    let header_line = header.position().map_or(1, |p| p.line());
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
                let line = e.position().map(|p| p.line());
                parsed.problems.push(Problem {
                    line,
                    reason: format!("cannot read the file from here on: {e}"),
                });
                break;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
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
            ImportBatch::Police(v) => police_row(&cells).map(|mut record| {
                record.row_key = police_key(&record, &mut repeats);
                v.push(Lined { line, record })
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
/// `apply` and the file has no problem, import it in one transaction.
pub fn run_import(
    store: &mut Store,
    kind: ImportKind,
    path: &Path,
    apply: bool,
    operator: i64,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> anyhow::Result<ImportOutcome> {
    let bytes = read_file(path)?;
    let parsed = parse(kind, &bytes, now.date_naive());
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
    } else if let ImportBatch::Police(rows) = &o.parsed.batch {
        let mut months: Vec<&str> = rows.iter().map(|r| r.record.month.as_str()).collect();
        months.sort();
        months.dedup();
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
    let counts = format!(
        "{} new, {} to update, {} unchanged (already in the store)",
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
            "imported: {} new, {} updated, {} unchanged (one transaction, audited)",
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
    use super::*;

    #[test]
    fn headers_are_compared_without_case_or_spacing() {
        assert_eq!(header_key(" Call-Sign "), "callsign");
        assert_eq!(header_key("LSOA code"), header_key("lsoa_code"));
    }

    #[test]
    fn special_category_columns_are_recognised_by_their_words() {
        for h in [
            "Ethnicity",
            "self-defined ethnicity",
            "Religion",
            "health notes",
            "IC code",
            "Sexual orientation",
        ] {
            assert!(is_special_category(h), "{h}");
        }
        for h in ["name", "Trace ID", "description", "markers", "Location"] {
            assert!(!is_special_category(h), "{h}");
        }
    }

    #[test]
    fn files_that_are_not_csv_are_named() {
        assert_eq!(not_csv(b"\x89PNG\r\n\x1a\n\0\0"), Some("a PNG image"));
        assert_eq!(not_csv(b"  [{\"name\": \"x\"}]"), Some("JSON"));
        assert_eq!(not_csv(b"name,kind,zone\n"), None);
    }

    #[test]
    fn offender_columns_include_date_of_birth_and_address() {
        assert_eq!(
            describe_columns(ImportKind::Offenders),
            "name (and optionally kind, aliases, nicknames, description, markers, date of birth, address)"
        );
        for header in ["Date of Birth", "DOB", "d.o.b.", "birth_date", "Born"] {
            let key = header_key(header);
            assert!(
                OFFENDER_COLUMNS.iter().any(|c| c.name == "date of birth"
                    && (header_key(c.name) == key || c.also.iter().any(|a| header_key(a) == key))),
                "{header}"
            );
        }
    }

    #[test]
    fn dates_are_iso_or_british() {
        assert_eq!(
            parse_date("2026-11-27"),
            NaiveDate::from_ymd_opt(2026, 11, 27)
        );
        assert_eq!(
            parse_date("27/11/2026"),
            NaiveDate::from_ymd_opt(2026, 11, 27)
        );
        assert_eq!(parse_date("11/27/2026"), None);
        assert_eq!(parse_date("31/02/2026"), None);
    }

    #[test]
    fn identical_rows_without_a_crime_id_keep_distinct_keys() {
        let row = PoliceCrime {
            month: "2026-10".into(),
            crime_type: "Anti-social behaviour".into(),
            location: "On or near High Street".into(),
            ..Default::default()
        };
        let mut repeats = HashMap::new();
        let a = police_key(&row, &mut repeats);
        let b = police_key(&row, &mut repeats);
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        // the same file read again gives the same keys
        let mut again = HashMap::new();
        assert_eq!(police_key(&row, &mut again), a);
        assert_eq!(police_key(&row, &mut again), b);
    }
}
