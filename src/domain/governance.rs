//! The scheme's own data-protection records, a manager's: the breach log,
//! the information-sharing agreements and the DPIA and appropriate policy
//! document. The rules here: a breach must be reported to the ICO within 72
//! hours of being found (UK GDPR art. 33), and a review within 30 days (or
//! past) is due. None of these records names anyone.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// How long after a breach is found the ICO must be told.
pub const REPORT_WITHIN: Duration = Duration::hours(72);

/// How many days ahead a review is flagged as due.
pub const REVIEW_NOTICE_DAYS: i64 = 30;

/// A personal data breach as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    pub id: i64,
    pub what: String,
    pub found_at: DateTime<Utc>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub people_affected: i64,
    /// Who was affected, in words ("members' staff", "two shoppers"): no names.
    pub who_affected: String,
    /// When the ICO was told; none: not (yet) reported.
    pub reported_at: Option<DateTime<Utc>>,
    pub ico_reference: String,
    pub actions: String,
    pub closed_at: Option<DateTime<Utc>>,
    /// The record's version, for a save made on an older copy to be refused.
    pub version: i64,
}

/// What a manager gives for a breach, new or corrected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BreachInput {
    pub what: String,
    pub found_at: Option<DateTime<Utc>>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub people_affected: i64,
    pub who_affected: String,
    pub reported_at: Option<DateTime<Utc>>,
    pub ico_reference: String,
    pub actions: String,
}

/// Where a breach stands against the 72 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Not reported, and this long left.
    Left(Duration),
    /// Not reported, and past it by this long.
    Overdue(Duration),
}

impl Deadline {
    /// "41h 12m left", "overdue by 3h 05m".
    pub fn describe(self) -> String {
        match self {
            Deadline::Left(d) => format!("{} left to report", span(d)),
            Deadline::Overdue(d) => format!("report overdue by {}", span(d)),
        }
    }

    /// Within 24 hours of the deadline, or past it: worth a reminder.
    pub fn pressing(self) -> bool {
        match self {
            Deadline::Left(d) => d <= Duration::hours(24),
            Deadline::Overdue(_) => true,
        }
    }
}

/// A span as the control room reads it: days and hours, or hours and minutes.
pub fn span(d: Duration) -> String {
    let mins = d.num_minutes().max(0);
    let (days, hours, m) = (mins / (24 * 60), (mins / 60) % 24, mins % 60);
    if days > 0 {
        format!("{days}d {hours}h")
    } else {
        format!("{hours}h {m:02}m")
    }
}

impl Breach {
    /// When the ICO must have been told by.
    pub fn deadline_at(&self) -> DateTime<Utc> {
        self.found_at + REPORT_WITHIN
    }

    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    /// The 72 hours, while the breach is open and not reported (none once
    /// reported or closed: nothing is left to count down).
    pub fn deadline(&self, now: DateTime<Utc>) -> Option<Deadline> {
        if !self.is_open() || self.reported_at.is_some() {
            return None;
        }
        let left = self.deadline_at() - now;
        Some(if left >= Duration::zero() {
            Deadline::Left(left)
        } else {
            Deadline::Overdue(-left)
        })
    }
}

impl BreachInput {
    /// Refuse what cannot be true, naming the field: nothing is written.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), String> {
        if self.what.trim().is_empty() {
            return Err("what happened: say what the breach was".into());
        }
        let Some(found) = self.found_at else {
            return Err("found: say when the breach was found".into());
        };
        if found > now {
            return Err("found: the time is in the future".into());
        }
        if self.occurred_at.is_some_and(|o| o > found) {
            return Err("occurred: a breach cannot happen after it was found".into());
        }
        if self.people_affected < 0 {
            return Err("people affected: a count, 0 or more".into());
        }
        if self.reported_at.is_some_and(|r| r < found) {
            return Err("reported: the ICO cannot be told before the breach was found".into());
        }
        if self.reported_at.is_some_and(|r| r > now) {
            return Err("reported: the time is in the future".into());
        }
        Ok(())
    }
}

/// An information-sharing agreement with a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agreement {
    /// Stable: a release of footage is recorded against it.
    pub id: i64,
    pub party: String,
    pub purpose: String,
    pub lawful_basis: String,
    pub signed_on: NaiveDate,
    pub review_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub version: i64,
}

/// What a manager gives for an agreement, new or corrected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementInput {
    pub party: String,
    pub purpose: String,
    pub lawful_basis: String,
    pub signed_on: NaiveDate,
    pub review_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

impl AgreementInput {
    pub fn check(&self) -> Result<(), String> {
        for (field, v) in [
            ("party", &self.party),
            ("purpose", &self.purpose),
            ("lawful basis", &self.lawful_basis),
        ] {
            if v.trim().is_empty() {
                return Err(format!("{field}: it cannot be blank"));
            }
        }
        if self.review_on < self.signed_on {
            return Err("review: the review date is before the day it was signed".into());
        }
        if self.ended_on.is_some_and(|e| e < self.signed_on) {
            return Err("ended: an agreement cannot end before it was signed".into());
        }
        Ok(())
    }
}

impl Agreement {
    /// In force on `day`: signed by then and not ended (an agreement ended
    /// on a day is no longer in force that day).
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.signed_on <= day && self.ended_on.is_none_or(|e| day < e)
    }

    /// Its review, if due; an ended agreement is not reviewed.
    pub fn review(&self, today: NaiveDate) -> Option<Review> {
        self.in_force(today)
            .then(|| Review::of(self.review_on, today))
            .flatten()
    }
}

/// The two documents the DPA 2018 and the UK GDPR ask the scheme to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DocumentKind {
    /// Data protection impact assessment.
    Dpia,
    /// The appropriate policy document for criminal-offence data (DPA 2018 sch. 1).
    AppropriatePolicy,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 2] = [DocumentKind::Dpia, DocumentKind::AppropriatePolicy];

    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Dpia => "dpia",
            DocumentKind::AppropriatePolicy => "appropriate_policy",
        }
    }

    /// As typed on the shell: `dpia`, `appropriate-policy`.
    pub fn typed(self) -> &'static str {
        match self {
            DocumentKind::Dpia => "dpia",
            DocumentKind::AppropriatePolicy => "appropriate-policy",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Dpia => "DPIA",
            DocumentKind::AppropriatePolicy => "appropriate policy document",
        }
    }

    pub fn from_code(s: &str) -> Option<DocumentKind> {
        let s = s.trim().to_lowercase().replace('-', "_");
        DocumentKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// One approved version of the DPIA or the appropriate policy document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDocument {
    pub id: i64,
    pub kind: DocumentKind,
    /// The document's own version ("2.1").
    pub edition: String,
    pub approved_on: NaiveDate,
    pub review_on: NaiveDate,
    pub notes: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocumentInput {
    pub kind: DocumentKind,
    pub edition: String,
    pub approved_on: NaiveDate,
    pub review_on: NaiveDate,
    pub notes: String,
}

impl PolicyDocumentInput {
    pub fn check(&self) -> Result<(), String> {
        if self.edition.trim().is_empty() {
            return Err("version: say which version was approved".into());
        }
        if self.review_on <= self.approved_on {
            return Err("review: the review date must be after the day it was approved".into());
        }
        Ok(())
    }
}

/// The one in force of a kind: the latest approved (then the latest recorded).
pub fn current(docs: &[PolicyDocument], kind: DocumentKind) -> Option<&PolicyDocument> {
    docs.iter()
        .filter(|d| d.kind == kind)
        .max_by_key(|d| (d.approved_on, d.id))
}

/// A review that is due: within [`REVIEW_NOTICE_DAYS`], or past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Review {
    /// Due in this many days (0: today).
    DueIn(i64),
    /// This many days past.
    Overdue(i64),
}

impl Review {
    /// The review on `review_on`, seen on `today`; none if not yet due.
    pub fn of(review_on: NaiveDate, today: NaiveDate) -> Option<Review> {
        let days = (review_on - today).num_days();
        if days < 0 {
            Some(Review::Overdue(-days))
        } else if days <= REVIEW_NOTICE_DAYS {
            Some(Review::DueIn(days))
        } else {
            None
        }
    }

    pub fn describe(self) -> String {
        match self {
            Review::DueIn(0) => "review due today".into(),
            Review::DueIn(1) => "review due tomorrow".into(),
            Review::DueIn(n) => format!("review due in {n} days"),
            Review::Overdue(1) => "review overdue by 1 day".into(),
            Review::Overdue(n) => format!("review overdue by {n} days"),
        }
    }
}

/// The committee report's governance section: counts and dates only, all
/// as they stood at the end of the period (so a report made again later
/// says the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernanceFigures {
    /// Agreements in force on the period's last day.
    pub agreements_in_force: u64,
    /// Of those, the ones whose review was due then (within 30 days, or past).
    pub agreements_due_for_review: u64,
    /// Breaches found during the period.
    pub breaches_found: u64,
    /// Of those, reported to the ICO by the period's end.
    pub breaches_reported: u64,
    /// Of those, still open at the period's end.
    pub breaches_open: u64,
    /// When the DPIA in force at the period's end was approved (none: no DPIA).
    pub last_dpia_review: Option<NaiveDate>,
    /// Whether that DPIA's review was due at the period's end.
    pub dpia_review_due: bool,
}

impl GovernanceFigures {
    /// The section from the records, for a period ending on `last_day`,
    /// whose instants are `[start, end)`.
    pub fn from_records(
        agreements: &[Agreement],
        breaches: &[Breach],
        documents: &[PolicyDocument],
        last_day: NaiveDate,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> GovernanceFigures {
        let in_force: Vec<&Agreement> =
            agreements.iter().filter(|a| a.in_force(last_day)).collect();
        let found: Vec<&Breach> = breaches
            .iter()
            .filter(|b| b.found_at >= start && b.found_at < end)
            .collect();
        let by_end = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t < end);
        let known: Vec<PolicyDocument> = documents
            .iter()
            .filter(|d| d.approved_on <= last_day)
            .cloned()
            .collect();
        let dpia = current(&known, DocumentKind::Dpia);
        GovernanceFigures {
            agreements_in_force: in_force.len() as u64,
            agreements_due_for_review: in_force
                .iter()
                .filter(|a| a.review(last_day).is_some())
                .count() as u64,
            breaches_found: found.len() as u64,
            breaches_reported: found.iter().filter(|b| by_end(b.reported_at)).count() as u64,
            breaches_open: found.iter().filter(|b| !by_end(b.closed_at)).count() as u64,
            last_dpia_review: dpia.map(|d| d.approved_on),
            dpia_review_due: dpia.is_some_and(|d| Review::of(d.review_on, last_day).is_some()),
        }
    }
}

/// A day typed as YYYY-MM-DD, or why not, naming the field.
pub fn parse_day(field: &str, s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "{field}: “{}” is not a date; write it as YYYY-MM-DD",
            crate::domain::text::clean(s.trim())
        )
    })
}

/// A time typed as `YYYY-MM-DD HH:MM` (or a bare day, read as its first
/// minute, which brings the 72 hours forward rather than back) on the
/// scheme's clock; `now` or blank is now.
pub fn parse_instant(
    field: &str,
    s: &str,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(NaiveTime::MIN))
        })
        .ok_or_else(|| {
            format!(
                "{field}: “{}” is not a time; write it as YYYY-MM-DD HH:MM",
                crate::domain::text::clean(s)
            )
        })?;
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{field}: {local} does not exist on the local clock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn breach(found: &str) -> Breach {
        Breach {
            id: 1,
            what: "Bulletin emailed to the wrong list".into(),
            found_at: at(found),
            occurred_at: None,
            people_affected: 12,
            who_affected: "members' staff".into(),
            reported_at: None,
            ico_reference: String::new(),
            actions: String::new(),
            closed_at: None,
            version: 1,
        }
    }

    #[test]
    fn the_ico_must_be_told_within_72_hours_of_the_breach_being_found() {
        let b = breach("2026-11-24T09:30:00Z");
        assert_eq!(b.deadline_at(), at("2026-11-27T09:30:00Z"));
        let d = b.deadline(at("2026-11-26T10:00:00Z")).unwrap();
        assert_eq!(d, Deadline::Left(Duration::minutes(23 * 60 + 30)));
        assert_eq!(d.describe(), "23h 30m left to report");
        assert!(d.pressing());
        let early = b.deadline(at("2026-11-24T10:30:00Z")).unwrap();
        assert_eq!(early.describe(), "2d 23h left to report");
        assert!(!early.pressing());
        let late = b.deadline(at("2026-11-27T12:35:00Z")).unwrap();
        assert_eq!(late, Deadline::Overdue(Duration::minutes(185)));
        assert_eq!(late.describe(), "report overdue by 3h 05m");
    }

    #[test]
    fn a_reported_or_closed_breach_has_no_deadline_left() {
        let mut b = breach("2026-11-24T09:30:00Z");
        b.reported_at = Some(at("2026-11-25T09:00:00Z"));
        assert_eq!(b.deadline(at("2026-11-28T00:00:00Z")), None);
        let mut c = breach("2026-11-24T09:30:00Z");
        c.closed_at = Some(at("2026-11-24T12:00:00Z"));
        assert_eq!(c.deadline(at("2026-11-28T00:00:00Z")), None);
    }

    #[test]
    fn a_breach_cannot_be_found_reported_or_happen_out_of_order() {
        let now = at("2026-11-27T12:00:00Z");
        let good = BreachInput {
            what: "Laptop left on a train".into(),
            found_at: Some(at("2026-11-26T08:00:00Z")),
            ..Default::default()
        };
        assert_eq!(good.check(now), Ok(()));
        let mut b = good.clone();
        b.occurred_at = Some(at("2026-11-26T09:00:00Z"));
        assert!(b.check(now).unwrap_err().starts_with("occurred:"));
        let mut b = good.clone();
        b.reported_at = Some(at("2026-11-25T09:00:00Z"));
        assert!(b.check(now).unwrap_err().starts_with("reported:"));
        let mut b = good.clone();
        b.found_at = Some(at("2026-11-28T09:00:00Z"));
        assert!(b.check(now).unwrap_err().starts_with("found:"));
        let mut b = good.clone();
        b.what = "  ".into();
        assert!(b.check(now).unwrap_err().starts_with("what happened:"));
        let mut b = good;
        b.people_affected = -1;
        assert!(b.check(now).unwrap_err().starts_with("people affected:"));
    }

    #[test]
    fn a_review_within_30_days_or_past_is_due() {
        let today = day("2026-11-27");
        assert_eq!(Review::of(day("2026-12-28"), today), None);
        assert_eq!(
            Review::of(day("2026-12-27"), today),
            Some(Review::DueIn(30))
        );
        assert_eq!(Review::of(today, today), Some(Review::DueIn(0)));
        assert_eq!(
            Review::of(day("2026-11-20"), today),
            Some(Review::Overdue(7))
        );
        assert_eq!(Review::DueIn(30).describe(), "review due in 30 days");
        assert_eq!(Review::Overdue(7).describe(), "review overdue by 7 days");
    }

    #[test]
    fn an_agreement_is_in_force_from_signing_until_the_day_it_ends() {
        let mut a = Agreement {
            id: 3,
            party: "Kent Police".into(),
            purpose: "exchange of offender information".into(),
            lawful_basis: "legitimate interests; DPA 2018 sch. 1 para 10".into(),
            signed_on: day("2025-01-10"),
            review_on: day("2026-12-10"),
            ended_on: None,
            version: 1,
        };
        assert!(!a.in_force(day("2025-01-09")));
        assert!(a.in_force(day("2025-01-10")));
        assert_eq!(a.review(day("2026-11-27")), Some(Review::DueIn(13)));
        a.ended_on = Some(day("2026-11-27"));
        assert!(a.in_force(day("2026-11-26")));
        assert!(!a.in_force(day("2026-11-27")));
        assert_eq!(
            a.review(day("2026-11-27")),
            None,
            "an ended one is not reviewed"
        );
    }

    #[test]
    fn an_agreement_reviewed_before_it_was_signed_is_refused() {
        let a = AgreementInput {
            party: "Council".into(),
            purpose: "CCTV".into(),
            lawful_basis: "public task".into(),
            signed_on: day("2026-05-01"),
            review_on: day("2026-04-01"),
            ended_on: None,
        };
        assert!(a.check().unwrap_err().starts_with("review:"));
        let blank = AgreementInput {
            party: " ".into(),
            ..a
        };
        assert!(blank.check().unwrap_err().starts_with("party:"));
    }

    #[test]
    fn the_document_in_force_is_the_latest_approved() {
        let doc = |id, kind, approved: &str| PolicyDocument {
            id,
            kind,
            edition: format!("v{id}"),
            approved_on: day(approved),
            review_on: day("2027-01-01"),
            notes: String::new(),
            version: 1,
        };
        let docs = [
            doc(1, DocumentKind::Dpia, "2025-03-01"),
            doc(2, DocumentKind::Dpia, "2024-03-01"),
            doc(3, DocumentKind::AppropriatePolicy, "2023-03-01"),
        ];
        assert_eq!(current(&docs, DocumentKind::Dpia).unwrap().id, 1);
        assert_eq!(
            current(&docs, DocumentKind::AppropriatePolicy).unwrap().id,
            3
        );
        assert_eq!(current(&docs[..0], DocumentKind::Dpia), None);
        assert_eq!(
            DocumentKind::from_code("Appropriate-Policy"),
            Some(DocumentKind::AppropriatePolicy)
        );
    }

    #[test]
    fn the_report_counts_as_things_stood_at_the_periods_end() {
        let (start, end) = (at("2026-01-01T00:00:00Z"), at("2026-07-01T00:00:00Z"));
        let last = day("2026-06-30");
        let mut inside = breach("2026-03-01T10:00:00Z");
        inside.reported_at = Some(at("2026-03-02T10:00:00Z"));
        inside.closed_at = Some(at("2026-03-10T10:00:00Z"));
        // reported and closed only after the period: unreported and open then
        let mut late = breach("2026-06-29T10:00:00Z");
        late.reported_at = Some(at("2026-07-02T10:00:00Z"));
        late.closed_at = Some(at("2026-07-05T10:00:00Z"));
        let before = breach("2025-12-31T23:59:59Z");
        let agreement = |id, signed: &str, review: &str, ended: Option<&str>| Agreement {
            id,
            party: "p".into(),
            purpose: "p".into(),
            lawful_basis: "b".into(),
            signed_on: day(signed),
            review_on: day(review),
            ended_on: ended.map(day),
            version: 1,
        };
        let agreements = [
            agreement(1, "2025-01-01", "2026-07-20", None),
            agreement(2, "2025-01-01", "2027-01-01", None),
            agreement(3, "2025-01-01", "2026-01-01", Some("2026-06-30")),
            agreement(4, "2026-07-01", "2027-07-01", None),
        ];
        let dpia = |id, approved: &str, review: &str| PolicyDocument {
            id,
            kind: DocumentKind::Dpia,
            edition: String::new(),
            approved_on: day(approved),
            review_on: day(review),
            notes: String::new(),
            version: 1,
        };
        let docs = [
            dpia(1, "2025-06-01", "2026-06-01"),
            dpia(2, "2026-08-01", "2027-08-01"),
        ];
        let g = GovernanceFigures::from_records(
            &agreements,
            &[inside, late, before],
            &docs,
            last,
            start,
            end,
        );
        assert_eq!(
            g,
            GovernanceFigures {
                agreements_in_force: 2,
                agreements_due_for_review: 1,
                breaches_found: 2,
                breaches_reported: 1,
                breaches_open: 1,
                last_dpia_review: Some(day("2025-06-01")),
                dpia_review_due: true,
            }
        );
    }

    #[test]
    fn times_are_typed_on_the_schemes_clock_and_bad_ones_name_the_field() {
        let tz: chrono_tz::Tz = "Europe/London".parse().unwrap();
        let now = at("2026-11-27T12:00:00Z");
        // summer time: an hour ahead of UTC
        assert_eq!(
            parse_instant("found", "2026-07-01 10:00", tz, now),
            Ok(at("2026-07-01T09:00:00Z"))
        );
        assert_eq!(
            parse_instant("found", "2026-07-01", tz, now),
            Ok(at("2026-06-30T23:00:00Z"))
        );
        assert_eq!(parse_instant("found", "", tz, now), Ok(now));
        let err = parse_instant("found", "yesterday", tz, now).unwrap_err();
        assert!(err.starts_with("found: “yesterday” is not a time"), "{err}");
        assert!(parse_day("review", "2026-13-01")
            .unwrap_err()
            .starts_with("review:"));
    }
}
