//! The file's first bytes and its header: what each kind's columns are
//! called (and the other names spreadsheets give them), how a header is
//! matched to them, and the columns that are refused outright.

use super::ImportKind;

impl ImportKind {
    pub(super) fn columns(self) -> &'static [Column] {
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
pub(super) struct Column {
    pub name: &'static str,
    pub also: &'static [&'static str],
    pub required: bool,
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

/// How a header is compared: no case, spaces, hyphens, dots or underscores.
pub(super) fn header_key(s: &str) -> String {
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

pub(super) fn is_special_category(header: &str) -> bool {
    let words = header_words(header);
    words.iter().any(|w| SPECIAL_CATEGORY.contains(&w.as_str()))
        || SPECIAL_CATEGORY.contains(&header_key(header).as_str())
}

/// What a file that is not CSV text most likely is.
pub(super) fn not_csv(bytes: &[u8]) -> Option<&'static str> {
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

pub(super) fn describe_columns(kind: ImportKind) -> String {
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
}
