//! Evidence continuity (BS 7958): for every piece of footage that leaves the
//! control room, a trail from the camera to whoever received it. An item is
//! an exhibit (its reference unique, e.g. "PS/1") on an incident or a
//! sighting; its trail is a list of entries never changed once written:
//! what the clip is (camera, start and end, who reviewed it, who copied it
//! and on what, the file's SHA-256) and each handover of it. A correction is
//! a new entry that supersedes an earlier one of the same kind, and the
//! trail keeps both, as an incident's timeline keeps an amended note.
//!
//! A handover to someone outside the control room is a release of footage:
//! it is made under an information-sharing agreement in force that day
//! (`domain/governance.rs`), and the committee report counts releases.

use super::governance::Agreement;
use crate::domain::text::tidy_input;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// How long an exhibit reference may be: it is written on a label.
pub const EXHIBIT_MAX: usize = 32;

/// Clocks disagree a little; a time this far ahead of now is still "now".
const SKEW: Duration = Duration::minutes(5);

/// What a copy of the footage was made on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Medium {
    Usb,
    Dvd,
    Cd,
    SecureUpload,
    HardDrive,
}

impl Medium {
    pub const ALL: [Medium; 5] = [
        Medium::Usb,
        Medium::Dvd,
        Medium::Cd,
        Medium::SecureUpload,
        Medium::HardDrive,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Medium::Usb => "usb",
            Medium::Dvd => "dvd",
            Medium::Cd => "cd",
            Medium::SecureUpload => "secure-upload",
            Medium::HardDrive => "hard-drive",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Medium::Usb => "USB drive",
            Medium::Dvd => "DVD",
            Medium::Cd => "CD",
            Medium::SecureUpload => "secure upload",
            Medium::HardDrive => "hard drive",
        }
    }

    /// A medium as typed: its code or its label, any case.
    pub fn parse(s: &str) -> Result<Medium, String> {
        let t = s.trim().to_lowercase().replace(['_', ' '], "-");
        Medium::ALL
            .into_iter()
            .find(|m| m.code() == t || m.label().to_lowercase().replace(' ', "-") == t)
            .ok_or_else(|| {
                let all: Vec<&str> = Medium::ALL.iter().map(|m| m.code()).collect();
                format!(
                    "medium: “{}” is not one the scheme records (one of {})",
                    crate::domain::text::clean(s.trim()),
                    all.join(", ")
                )
            })
    }
}

/// What the clip is: the record entry of an item's trail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClipDetails {
    pub camera_id: Option<i64>,
    /// The camera's name when recorded (a camera renamed later keeps the trail true).
    pub camera: String,
    pub clip_start: DateTime<Utc>,
    pub clip_end: DateTime<Utc>,
    pub reviewed_by: String,
    /// Who made the copy; empty while no copy has been made.
    pub copied_by: String,
    pub medium: Option<Medium>,
    /// Of the exported file, as 64 lowercase hex digits; empty if none was given.
    pub sha256: String,
    /// The exported file's name, as it was when hashed.
    pub file_name: String,
    pub note: String,
}

impl ClipDetails {
    /// Tidied and checked: the clip ends after it starts and not in the
    /// future, a copy names who made it and on what, a hash is a SHA-256.
    pub fn check(mut self, now: DateTime<Utc>) -> Result<ClipDetails, String> {
        self.reviewed_by = tidy_input(&self.reviewed_by);
        self.copied_by = tidy_input(&self.copied_by);
        self.file_name = tidy_input(&self.file_name);
        self.note = tidy_input(&self.note);
        self.sha256 = self.sha256.trim().to_lowercase();
        if self.camera_id.is_none() {
            return Err("camera: say which camera the footage is from".into());
        }
        if self.clip_end <= self.clip_start {
            return Err(
                "end: the clip must end after it starts (give the end time after the start)".into(),
            );
        }
        if self.clip_start > now + SKEW {
            return Err("start: the clip starts in the future".into());
        }
        if self.clip_end > now + SKEW {
            return Err("end: the clip ends in the future".into());
        }
        if self.reviewed_by.is_empty() {
            return Err("reviewed by: say who reviewed the footage".into());
        }
        match (self.copied_by.is_empty(), self.medium) {
            (false, None) => {
                return Err(
                    "medium: say what the copy was made on (usb, dvd, secure-upload …)".into(),
                )
            }
            (true, Some(_)) => return Err("copied by: say who made the copy".into()),
            _ => {}
        }
        if !self.sha256.is_empty()
            && (self.sha256.len() != 64 || !self.sha256.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(
                "sha256: a SHA-256 is 64 hexadecimal digits (or give --file to compute it)".into(),
            );
        }
        Ok(self)
    }
}

/// One handover of an item: to whom, from which organisation, when, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverDetails {
    pub to: String,
    pub organisation: String,
    pub at: DateTime<Utc>,
    pub why: String,
    /// To someone outside the control room: a release of footage.
    pub release: bool,
    /// The agreement a release falls under.
    pub agreement_id: Option<i64>,
}

impl HandoverDetails {
    /// Tidied and checked against the clip it hands over.
    pub fn check(
        mut self,
        clip: &ClipDetails,
        now: DateTime<Utc>,
    ) -> Result<HandoverDetails, String> {
        self.to = tidy_input(&self.to);
        self.organisation = tidy_input(&self.organisation);
        self.why = tidy_input(&self.why);
        if self.to.is_empty() {
            return Err("to: say who received it".into());
        }
        if self.organisation.is_empty() {
            return Err("organisation: say whose organisation they are from".into());
        }
        if self.why.is_empty() {
            return Err("why: say why it was handed over".into());
        }
        if self.at > now + SKEW {
            return Err("at: the handover is in the future".into());
        }
        if self.at < clip.clip_end {
            return Err("at: footage cannot be handed over before the clip ends".into());
        }
        if self.release && self.agreement_id.is_none() {
            return Err("a release of footage needs the agreement it falls under".into());
        }
        Ok(self)
    }
}

/// An exhibit reference as typed: trimmed, one line, not too long.
pub fn exhibit_ref(s: &str) -> Result<String, String> {
    let r = tidy_input(s);
    if r.is_empty() {
        return Err("exhibit: give the exhibit reference, e.g. PS/1".into());
    }
    if r.chars().count() > EXHIBIT_MAX {
        return Err(format!(
            "exhibit: a reference is at most {EXHIBIT_MAX} characters"
        ));
    }
    Ok(r)
}

/// What an item is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceOf {
    Incident(i64),
    Sighting(i64),
}

/// One entry of the trail, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceEntry {
    pub id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    /// The earlier entry this one corrects.
    pub supersedes: Option<i64>,
    /// Why the correction was made (empty for a first entry).
    pub correction: String,
    pub body: EntryBody,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryBody {
    Clip(ClipDetails),
    Handover {
        details: HandoverDetails,
        /// The agreement's party, when it is a release.
        agreement: String,
    },
}

impl EvidenceEntry {
    /// When what it records happened: the clip's end, or the handover.
    pub fn happened_at(&self) -> DateTime<Utc> {
        match &self.body {
            EntryBody::Clip(c) => c.clip_end,
            EntryBody::Handover { details, .. } => details.at,
        }
    }

    pub fn is_clip(&self) -> bool {
        matches!(self.body, EntryBody::Clip(_))
    }
}

/// An item with its whole trail, oldest entry first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceItem {
    pub id: i64,
    pub exhibit: String,
    /// None when what it was on has since been removed (retention, erasure).
    pub of: Option<EvidenceOf>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub entries: Vec<EvidenceEntry>,
}

impl EvidenceItem {
    /// The entries some later entry corrects.
    pub fn superseded(&self) -> HashSet<i64> {
        self.entries.iter().filter_map(|e| e.supersedes).collect()
    }

    /// What the clip is now: the latest clip entry not corrected.
    pub fn clip(&self) -> Option<&ClipDetails> {
        let gone = self.superseded();
        self.entries
            .iter()
            .rev()
            .filter(|e| !gone.contains(&e.id))
            .find_map(|e| match &e.body {
                EntryBody::Clip(c) => Some(c),
                _ => None,
            })
    }

    /// The handovers standing (none corrected), in the order they happened.
    pub fn handovers(&self) -> Vec<&EvidenceEntry> {
        let gone = self.superseded();
        let mut h: Vec<&EvidenceEntry> = self
            .entries
            .iter()
            .filter(|e| !e.is_clip() && !gone.contains(&e.id))
            .collect();
        h.sort_by_key(|e| (e.happened_at(), e.id));
        h
    }

    /// Who holds it now: the last handover's recipient, or the control room.
    pub fn held_by(&self) -> String {
        match self.handovers().last().map(|e| &e.body) {
            Some(EntryBody::Handover { details, .. }) => {
                format!("{} ({})", details.to, details.organisation)
            }
            _ => "the control room".into(),
        }
    }

    /// Whether a correction of entry `id` may be made: it is in this trail
    /// and no later entry already corrects it.
    pub fn can_correct(&self, id: i64) -> Result<&EvidenceEntry, String> {
        let e = self
            .entries
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| format!("entry {id} is not in the trail of {}", self.exhibit))?;
        if self.superseded().contains(&id) {
            return Err(format!(
                "entry {id} of {} has already been corrected: correct the entry that corrects it",
                self.exhibit
            ));
        }
        Ok(e)
    }
}

/// The agreement a release on `day` falls under: the one asked for, which
/// must be in force; or, asked for none, the only one in force whose party
/// is the receiving organisation. Refused, saying what to do, when none is
/// in force or the choice is not clear.
pub fn choose_agreement<'a>(
    in_force: &'a [Agreement],
    asked: Option<i64>,
    organisation: &str,
    day: NaiveDate,
) -> Result<&'a Agreement, String> {
    if in_force.is_empty() {
        return Err(format!(
            "no information-sharing agreement is in force on {day}, so footage cannot be released: \
             a manager records the agreement first (`watchroom agreement add --party \"…\" --purpose \"…\" \
             --basis \"…\" --signed DATE --review DATE`, or the set-up pane's agreements view), then the \
             handover is recorded against it"
        ));
    }
    let list = || {
        in_force
            .iter()
            .map(|a| format!("#{} {}", a.id, a.party))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(id) = asked {
        return in_force.iter().find(|a| a.id == id).ok_or_else(|| {
            format!(
                "agreement #{id} is not in force on {day}; in force then: {}",
                list()
            )
        });
    }
    let org = organisation.trim().to_lowercase();
    let matching: Vec<&Agreement> = in_force
        .iter()
        .filter(|a| a.party.trim().to_lowercase() == org)
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        _ => Err(format!(
            "say which agreement this release falls under (--agreement N): in force on {day}: {}",
            list()
        )),
    }
}

/// Releases in a period for the committee report: how many, and by
/// agreement and by receiving organisation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReleaseFigures {
    pub releases: u64,
    /// Items released at least once.
    pub items: u64,
    /// (agreement "#id party", releases), most first.
    pub by_agreement: Vec<(String, u64)>,
    /// (organisation, releases), most first.
    pub by_organisation: Vec<(String, u64)>,
}

/// One release as the report reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRow {
    pub item_id: i64,
    pub agreement: String,
    pub organisation: String,
}

impl ReleaseFigures {
    pub fn from_rows(rows: &[ReleaseRow]) -> ReleaseFigures {
        let mut agreements: BTreeMap<String, u64> = BTreeMap::new();
        let mut orgs: BTreeMap<String, u64> = BTreeMap::new();
        for r in rows {
            *agreements.entry(r.agreement.clone()).or_default() += 1;
            // organisations typed by hand differ in case: count them together
            let key = r.organisation.trim().to_string();
            let found = orgs
                .keys()
                .find(|k| k.to_lowercase() == key.to_lowercase())
                .cloned();
            *orgs.entry(found.unwrap_or(key)).or_default() += 1;
        }
        let sorted = |m: BTreeMap<String, u64>| {
            let mut v: Vec<(String, u64)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        };
        let items: HashSet<i64> = rows.iter().map(|r| r.item_id).collect();
        ReleaseFigures {
            releases: rows.len() as u64,
            items: items.len() as u64,
            by_agreement: sorted(agreements),
            by_organisation: sorted(orgs),
        }
    }
}

/// A time typed on the scheme's clock, to the second if need be
/// (`YYYY-MM-DD HH:MM:SS`) or the minute; "now" is now. A clip's start
/// and end are never left to default, so blank is refused.
pub fn parse_time(
    field: &str,
    s: &str,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    use chrono::{NaiveDateTime, TimeZone};
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("{field}: give a time, YYYY-MM-DD HH:MM[:SS]"));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(t, f) {
            return tz
                .from_local_datetime(&local)
                .earliest()
                .map(|x| x.with_timezone(&Utc))
                .ok_or_else(|| format!("{field}: {local} does not exist on the local clock"));
        }
    }
    super::governance::parse_instant(field, t, tz, now)
        .map_err(|e| e.replace("YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM[:SS]"))
}

// ----- the trail in words (the shell, the console and the statement) ---------

/// Where an item is.
pub fn describe_of(of: Option<EvidenceOf>) -> String {
    match of {
        Some(EvidenceOf::Incident(i)) => format!("incident #{i}"),
        Some(EvidenceOf::Sighting(s)) => format!("sighting #{s}"),
        None => "a record since removed".into(),
    }
}

/// A time on the scheme's clock, to the second, with its zone's abbreviation.
pub fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .format("%-d %b %Y %H:%M:%S %Z")
        .to_string()
}

/// What the clip is, in one line.
pub fn clip_line(c: &ClipDetails, tz: Tz) -> String {
    let mut s = format!(
        "Footage from {} from {} to {}, reviewed by {}",
        c.camera,
        local(c.clip_start, tz),
        local(c.clip_end, tz),
        c.reviewed_by
    );
    match c.medium {
        Some(m) => s.push_str(&format!("; copied by {} to {}", c.copied_by, m.label())),
        None => s.push_str("; no copy made yet"),
    }
    if !c.file_name.is_empty() {
        s.push_str(&format!("; file {}", c.file_name));
    }
    if !c.sha256.is_empty() {
        s.push_str(&format!("; SHA-256 {}", c.sha256));
    }
    if !c.note.is_empty() {
        s.push_str(&format!("; note: {}", c.note));
    }
    s
}

/// One entry of the trail in one line (not cleaned: the caller cleans for
/// the terminal; a PDF draws what it is given).
pub fn entry_line(e: &EvidenceEntry, tz: Tz) -> String {
    let what = match &e.body {
        EntryBody::Clip(c) => clip_line(c, tz),
        EntryBody::Handover { details, agreement } => {
            let mut s = format!(
                "{} to {} ({}) at {}, why: {}",
                if details.release {
                    "Released"
                } else {
                    "Handed"
                },
                details.to,
                details.organisation,
                local(details.at, tz),
                details.why
            );
            if let Some(a) = details.agreement_id {
                s.push_str(&format!(
                    "; under information-sharing agreement #{a} ({agreement})"
                ));
            }
            s
        }
    };
    let mut s = format!(
        "Entry {}: {what}. Recorded by {} at {}",
        e.id,
        e.recorded_by,
        local(e.recorded_at, tz)
    );
    if let Some(old) = e.supersedes {
        s.push_str(&format!("; corrects entry {old} (why: {})", e.correction));
    }
    s.push('.');
    s
}

/// The trail in the order things happened: each entry, and which corrected it.
pub fn trail(item: &EvidenceItem, tz: Tz) -> Vec<String> {
    let superseded_by = |id: i64| item.entries.iter().find(|e| e.supersedes == Some(id));
    let mut entries: Vec<&EvidenceEntry> = item.entries.iter().collect();
    // the clip comes first, whatever its times say against a handover's
    entries.sort_by_key(|e| (!e.is_clip(), e.happened_at(), e.id));
    entries
        .into_iter()
        .map(|e| {
            let mut line = entry_line(e, tz);
            if let Some(by) = superseded_by(e.id) {
                line.push_str(&format!(" Corrected by entry {}.", by.id));
            }
            line
        })
        .collect()
}

/// The hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, h, m, 0).unwrap()
    }

    fn clip() -> ClipDetails {
        ClipDetails {
            camera_id: Some(3),
            camera: "Cam 3".into(),
            clip_start: t(14, 0),
            clip_end: t(14, 10),
            reviewed_by: "  Priya   Shah ".into(),
            ..Default::default()
        }
    }

    fn agreement(id: i64, party: &str) -> Agreement {
        Agreement {
            id,
            party: party.into(),
            purpose: "prevention and detection of crime".into(),
            lawful_basis: "DPA 2018 s.31".into(),
            signed_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            review_on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            ended_on: None,
            version: 1,
        }
    }

    #[test]
    fn a_clip_must_end_after_it_starts() {
        let mut c = clip();
        c.clip_end = c.clip_start;
        let e = c.check(t(15, 0)).unwrap_err();
        assert!(e.contains("end after it starts"), "{e}");
        assert_eq!(clip().check(t(15, 0)).unwrap().reviewed_by, "Priya Shah");
    }

    #[test]
    fn a_copy_names_its_maker_and_medium_and_a_hash_is_a_sha256() {
        let mut c = clip();
        c.copied_by = "Priya Shah".into();
        assert!(c.clone().check(t(15, 0)).unwrap_err().contains("medium"));
        c.medium = Some(Medium::Usb);
        assert!(c.clone().check(t(15, 0)).is_ok());
        c.sha256 = "abc".into();
        assert!(c.check(t(15, 0)).unwrap_err().contains("64 hexadecimal"));
        assert_eq!(Medium::parse("Secure upload"), Ok(Medium::SecureUpload));
        assert!(Medium::parse("floppy").unwrap_err().contains("usb, dvd"));
    }

    #[test]
    fn future_footage_and_handovers_before_the_clip_are_refused() {
        assert!(clip().check(t(13, 0)).unwrap_err().contains("future"));
        let h = HandoverDetails {
            to: "PC 123 Jones".into(),
            organisation: "Kent Police".into(),
            at: t(14, 5),
            why: "crime ref 42".into(),
            release: false,
            agreement_id: None,
        };
        assert!(h
            .clone()
            .check(&clip(), t(15, 0))
            .unwrap_err()
            .contains("before the clip ends"));
        let ok = HandoverDetails { at: t(14, 30), ..h };
        assert!(ok.check(&clip(), t(15, 0)).is_ok());
    }

    #[test]
    fn a_release_falls_under_an_agreement_in_force_or_is_refused() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let e = choose_agreement(&[], None, "Kent Police", day).unwrap_err();
        assert!(
            e.contains("no information-sharing agreement is in force on 2026-11-20"),
            "{e}"
        );
        assert!(e.contains("watchroom agreement add"), "{e}");
        let two = [
            agreement(1, "Kent Police"),
            agreement(2, "Castlebrook Council"),
        ];
        assert_eq!(
            choose_agreement(&two, None, "kent police", day).unwrap().id,
            1
        );
        let e = choose_agreement(&two, None, "Insurer Ltd", day).unwrap_err();
        assert!(
            e.contains("--agreement N") && e.contains("#2 Castlebrook Council"),
            "{e}"
        );
        assert_eq!(
            choose_agreement(&two, Some(2), "Insurer Ltd", day)
                .unwrap()
                .id,
            2
        );
        assert!(choose_agreement(&two, Some(9), "x", day)
            .unwrap_err()
            .contains("#9 is not in force"));
    }

    fn entry(id: i64, supersedes: Option<i64>, body: EntryBody) -> EvidenceEntry {
        EvidenceEntry {
            id,
            recorded_at: t(16, id as u32),
            recorded_by: "Priya Shah".into(),
            supersedes,
            correction: String::new(),
            body,
        }
    }

    fn handover(to: &str, at: DateTime<Utc>) -> EntryBody {
        EntryBody::Handover {
            details: HandoverDetails {
                to: to.into(),
                organisation: "Kent Police".into(),
                at,
                why: "x".into(),
                release: true,
                agreement_id: Some(1),
            },
            agreement: "Kent Police".into(),
        }
    }

    #[test]
    fn a_correction_supersedes_and_the_trail_keeps_both() {
        let mut wrong = clip();
        wrong.camera = "Cam 2".into();
        let item = EvidenceItem {
            id: 1,
            exhibit: "PS/1".into(),
            of: Some(EvidenceOf::Incident(4)),
            created_at: t(16, 0),
            created_by: "Priya Shah".into(),
            entries: vec![
                entry(1, None, EntryBody::Clip(wrong)),
                entry(2, None, handover("PC Jones", t(17, 0))),
                entry(3, Some(1), EntryBody::Clip(clip())),
                entry(4, Some(2), handover("PC Smith", t(17, 5))),
            ],
        };
        assert_eq!(item.clip().unwrap().camera, "Cam 3");
        assert_eq!(item.handovers().len(), 1);
        assert_eq!(item.held_by(), "PC Smith (Kent Police)");
        assert_eq!(item.entries.len(), 4);
        assert!(item
            .can_correct(1)
            .unwrap_err()
            .contains("already been corrected"));
        assert!(item.can_correct(3).is_ok());
        assert!(item.can_correct(9).is_err());
    }

    #[test]
    fn releases_are_counted_by_agreement_and_organisation() {
        let r = |item, a: &str, o: &str| ReleaseRow {
            item_id: item,
            agreement: a.into(),
            organisation: o.into(),
        };
        let f = ReleaseFigures::from_rows(&[
            r(1, "#1 Kent Police", "Kent Police"),
            r(1, "#1 Kent Police", "kent police"),
            r(2, "#2 Council", "Castlebrook Council"),
        ]);
        assert_eq!(f.releases, 3);
        assert_eq!(f.items, 2);
        assert_eq!(f.by_agreement[0], ("#1 Kent Police".into(), 2));
        assert_eq!(f.by_organisation[0], ("Kent Police".into(), 2));
    }

    #[test]
    fn clip_times_are_read_on_the_schemes_clock_to_the_second() {
        let tz = chrono_tz::Europe::London;
        let now = t(18, 0);
        // 20 November is GMT: local time is UTC
        assert_eq!(
            parse_time("start", "2026-11-20 14:00:30", tz, now).unwrap(),
            t(14, 0) + Duration::seconds(30)
        );
        assert_eq!(
            parse_time("start", "2026-11-20 14:00", tz, now).unwrap(),
            t(14, 0)
        );
        assert!(parse_time("start", "", tz, now)
            .unwrap_err()
            .contains("give a time"));
        assert!(parse_time("end", "tuesday", tz, now)
            .unwrap_err()
            .starts_with("end:"));
    }

    #[test]
    fn exhibit_references_are_one_short_line() {
        assert_eq!(exhibit_ref("  PS/1 ").unwrap(), "PS/1");
        assert!(exhibit_ref("").is_err());
        assert!(exhibit_ref(&"X".repeat(40)).is_err());
        assert_eq!(sha256_hex(b"abc").len(), 64);
    }
}
