//! One row into a typed record: each kind's cells read, tidied and checked
//! (dates, numbers, statuses, the lists in a cell).

use crate::domain::member::MemberStatus;
use crate::domain::offender::{split_list, OffenderInput, OffenderKind};
use crate::store::imports::{
    CameraRecord, MemberRecord, OffenderRecord, PoliceCrime, RadioRecord, ZoneRecord,
};
use crate::store::radios::RADIO_STATUSES;
use chrono::{Months, NaiveDate};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

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
pub(super) struct Cells<'a> {
    pub values: &'a [String],
    pub at: &'a HashMap<&'static str, usize>,
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

pub(super) fn zone_row(c: &Cells) -> Result<ZoneRecord, String> {
    use crate::domain::place::{place_name, zone_code};
    Ok(ZoneRecord {
        name: place_name("zone", &c.required("name")?)?,
        code: zone_code(&c.required("code")?)?,
    })
}

pub(super) fn camera_row(c: &Cells) -> Result<CameraRecord, String> {
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

pub(super) fn member_row(c: &Cells) -> Result<MemberRecord, String> {
    let status = match c.opt("status") {
        None => None,
        Some(s) => Some(MemberStatus::from_code(&s).ok_or_else(|| {
            format!(
                "status “{}” is not one of {}",
                s.to_lowercase(),
                MemberStatus::codes()
            )
        })?),
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

pub(super) fn radio_row(c: &Cells) -> Result<RadioRecord, String> {
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
        call_sign: crate::domain::radio::call_sign(&c.required("call sign")?)?,
        serial: c.required("serial")?,
        status,
        member: c.opt("member"),
        notes: c.opt("notes"),
    })
}

pub(super) fn offender_row(c: &Cells, today: NaiveDate) -> Result<OffenderRecord, String> {
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

pub(super) fn police_row(c: &Cells) -> Result<PoliceCrime, String> {
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
pub(super) fn police_key(c: &PoliceCrime, repeats: &mut HashMap<String, u32>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_member_row_with_a_status_not_on_the_list_is_refused_on_its_line() {
        use crate::io::import::{parse, ImportBatch, ImportKind, Problem};
        let file = "name,kind,zone,status\n\
                    Greggs,shop,High Street,Active\n\
                    Boots,shop,High Street,retired\n";
        let parsed = parse(ImportKind::Members, file.as_bytes(), NaiveDate::MIN);
        assert_eq!(
            parsed.problems,
            [Problem {
                line: Some(3),
                reason: "status “retired” is not one of pending, active, lapsed, left".into()
            }]
        );
        let ImportBatch::Members(good) = parsed.batch else {
            panic!("a members batch");
        };
        assert_eq!(good.len(), 1);
        assert_eq!(good[0].record.status, Some(MemberStatus::Active));
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
