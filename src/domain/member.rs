//! Member businesses' standing: renewals, the information-sharing agreement,
//! the training of their staff, and membership over time. Today is passed in.

use chrono::{Datelike, Months, NaiveDate};

/// A renewal this close (or already past) stands out.
pub const RENEWAL_WARNING_DAYS: i64 = 30;
/// A refresher due this close (or already past) stands out.
pub const REFRESHER_WARNING_DAYS: i64 = 30;

/// Where a member stands with the scheme. The store keeps the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberStatus {
    /// Applied, not yet joined.
    Pending,
    Active,
    /// Stopped paying or renewing.
    Lapsed,
    Left,
}

impl MemberStatus {
    pub const ALL: [MemberStatus; 4] = [
        MemberStatus::Pending,
        MemberStatus::Active,
        MemberStatus::Lapsed,
        MemberStatus::Left,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MemberStatus::Pending => "pending",
            MemberStatus::Active => "active",
            MemberStatus::Lapsed => "lapsed",
            MemberStatus::Left => "left",
        }
    }

    pub fn from_code(s: &str) -> Option<MemberStatus> {
        let s = s.trim().to_lowercase();
        MemberStatus::ALL.into_iter().find(|m| m.code() == s)
    }

    /// Every code, for a message naming the ones allowed.
    pub fn codes() -> String {
        MemberStatus::ALL.map(MemberStatus::code).join(", ")
    }

    /// Lapsed or left: no longer on the scheme, and the day it went is kept
    /// for the committee report and the membership chart.
    pub fn is_gone(self) -> bool {
        matches!(self, MemberStatus::Lapsed | MemberStatus::Left)
    }

    /// Pending or active: on the scheme, so it renews and needs trained staff.
    pub fn is_current(self) -> bool {
        !self.is_gone()
    }
}

impl std::fmt::Display for MemberStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A course the scheme trains members' staff on, and how long it lasts
/// before a refresher is due.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    pub name: String,
    pub refresher_months: u32,
}

/// Radio procedure and counter-terrorism awareness are refreshed yearly,
/// conflict management every two years.
pub fn default_courses() -> Vec<Course> {
    [
        ("radio procedure", 12),
        ("counter-terrorism awareness", 12),
        ("conflict management", 24),
    ]
    .iter()
    .map(|(n, m)| Course {
        name: n.to_string(),
        refresher_months: *m,
    })
    .collect()
}

/// When a refresher falls due for a course taken on `taken_on`.
pub fn refresher_due_on(course: &Course, taken_on: NaiveDate) -> NaiveDate {
    taken_on
        .checked_add_months(Months::new(course.refresher_months))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a member on the scheme should be renewing soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// No renewal date, or the member has lapsed or left.
    NotDue,
    /// Due in this many days (0 is today).
    DueIn(i64),
    /// Past its renewal date by this many days.
    Overdue(i64),
}

impl Renewal {
    pub fn stands_out(self) -> bool {
        !matches!(self, Renewal::NotDue)
    }
}

/// Only pending and active members renew; a lapsed or left member's date is history.
pub fn renewal(status: MemberStatus, renewal_on: Option<NaiveDate>, today: NaiveDate) -> Renewal {
    let Some(on) = renewal_on else {
        return Renewal::NotDue;
    };
    if !status.is_current() {
        return Renewal::NotDue;
    }
    let days = (on - today).num_days();
    if days < 0 {
        Renewal::Overdue(-days)
    } else if days <= RENEWAL_WARNING_DAYS {
        Renewal::DueIn(days)
    } else {
        Renewal::NotDue
    }
}

/// The information-sharing agreement a member has signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Agreement {
    Current,
    /// Signed, but on a version other than the scheme's current one.
    Old(String),
    Unsigned,
}

impl Agreement {
    pub fn stands_out(&self) -> bool {
        *self != Agreement::Current
    }

    pub fn describe(&self) -> String {
        match self {
            Agreement::Current => "current".into(),
            Agreement::Old(v) => format!("old ({v})"),
            Agreement::Unsigned => "not signed".into(),
        }
    }
}

pub fn agreement(version: Option<&str>, signed_on: Option<NaiveDate>, current: &str) -> Agreement {
    match (version.map(str::trim).filter(|v| !v.is_empty()), signed_on) {
        (Some(v), Some(_)) if v == current.trim() => Agreement::Current,
        (Some(v), Some(_)) => Agreement::Old(v.to_string()),
        _ => Agreement::Unsigned,
    }
}

/// One training record's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Refresher {
    OutOfDate,
    DueSoon,
    Current,
}

impl Refresher {
    pub fn describe(self) -> &'static str {
        match self {
            Refresher::OutOfDate => "out of date",
            Refresher::DueSoon => "refresher due",
            Refresher::Current => "current",
        }
    }
}

pub fn refresher(due_on: NaiveDate, today: NaiveDate) -> Refresher {
    let days = (due_on - today).num_days();
    if days < 0 {
        Refresher::OutOfDate
    } else if days <= REFRESHER_WARNING_DAYS {
        Refresher::DueSoon
    } else {
        Refresher::Current
    }
}

/// A member's training as a whole, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MemberTraining {
    /// Nobody at the member has ever been trained.
    Nobody,
    /// Somebody was trained, but every record is past its refresher.
    OutOfDate,
    /// Somebody is in date, but a refresher is due within the warning days
    /// or another record is out of date.
    Due,
    Current,
}

impl MemberTraining {
    pub fn stands_out(self) -> bool {
        self != MemberTraining::Current
    }

    pub fn describe(self) -> &'static str {
        match self {
            MemberTraining::Nobody => "nobody trained",
            MemberTraining::OutOfDate => "out of date",
            MemberTraining::Due => "refresher due",
            MemberTraining::Current => "current",
        }
    }
}

/// From the refresher dates of every record at one member.
pub fn member_training(due_dates: &[NaiveDate], today: NaiveDate) -> MemberTraining {
    if due_dates.is_empty() {
        return MemberTraining::Nobody;
    }
    let states: Vec<Refresher> = due_dates.iter().map(|d| refresher(*d, today)).collect();
    if states.iter().all(|s| *s == Refresher::OutOfDate) {
        MemberTraining::OutOfDate
    } else if states.iter().all(|s| *s == Refresher::Current) {
        MemberTraining::Current
    } else {
        MemberTraining::Due
    }
}

/// One month of membership: who joined, who lapsed or left, and how many
/// were members at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthCount {
    /// The first day of the month.
    pub month: NaiveDate,
    pub joined: u32,
    pub lapsed: u32,
    pub total: u32,
}

fn first_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// `months` months ending with the one holding `today`, from each member's
/// joined and left-or-lapsed dates. A member with no joined date counts as
/// a member from before the first month.
pub fn membership_by_month(
    members: &[(Option<NaiveDate>, Option<NaiveDate>)],
    today: NaiveDate,
    months: u32,
) -> Vec<MonthCount> {
    let last = first_of(today);
    (0..months)
        .rev()
        .map(|back| {
            let month = last.checked_sub_months(Months::new(back)).unwrap_or(last);
            let next = month
                .checked_add_months(Months::new(1))
                .unwrap_or(NaiveDate::MAX);
            let within = |d: Option<NaiveDate>| d.is_some_and(|d| d >= month && d < next);
            let joined = members.iter().filter(|(j, _)| within(*j)).count() as u32;
            let lapsed = members.iter().filter(|(_, l)| within(*l)).count() as u32;
            let total = members
                .iter()
                .filter(|(j, l)| j.is_none_or(|j| j < next) && l.is_none_or(|l| l >= next))
                .count() as u32;
            MonthCount {
                month,
                joined,
                lapsed,
                total,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn renewals_stand_out_for_thirty_days_and_after() {
        let today = d("2026-11-27");
        assert_eq!(
            renewal(MemberStatus::Active, Some(d("2026-12-27")), today),
            Renewal::DueIn(30)
        );
        assert_eq!(
            renewal(MemberStatus::Active, Some(d("2026-12-28")), today),
            Renewal::NotDue
        );
        assert_eq!(
            renewal(MemberStatus::Pending, Some(d("2026-11-27")), today),
            Renewal::DueIn(0)
        );
        assert_eq!(
            renewal(MemberStatus::Active, Some(d("2026-11-20")), today),
            Renewal::Overdue(7)
        );
        assert_eq!(
            renewal(MemberStatus::Lapsed, Some(d("2026-11-20")), today),
            Renewal::NotDue
        );
        assert_eq!(renewal(MemberStatus::Active, None, today), Renewal::NotDue);
    }

    #[test]
    fn every_status_code_reads_back_and_only_lapsed_or_left_is_gone() {
        for s in MemberStatus::ALL {
            assert_eq!(MemberStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(
            MemberStatus::from_code(" Lapsed "),
            Some(MemberStatus::Lapsed)
        );
        assert_eq!(MemberStatus::from_code("retired"), None);
        assert_eq!(MemberStatus::codes(), "pending, active, lapsed, left");
        let gone: Vec<MemberStatus> = MemberStatus::ALL
            .into_iter()
            .filter(|s| s.is_gone())
            .collect();
        assert_eq!(gone, [MemberStatus::Lapsed, MemberStatus::Left]);
        assert!(MemberStatus::ALL
            .iter()
            .all(|s| s.is_current() != s.is_gone()));
    }

    #[test]
    fn an_agreement_on_another_version_or_unsigned_stands_out() {
        let on = Some(d("2025-01-01"));
        assert_eq!(agreement(Some("2026-1"), on, "2026-1"), Agreement::Current);
        assert_eq!(
            agreement(Some("2024"), on, "2026-1"),
            Agreement::Old("2024".into())
        );
        assert_eq!(
            agreement(Some("2026-1"), None, "2026-1"),
            Agreement::Unsigned
        );
        assert_eq!(agreement(Some("  "), on, "2026-1"), Agreement::Unsigned);
        assert_eq!(agreement(None, None, "2026-1"), Agreement::Unsigned);
        assert!(!Agreement::Current.stands_out() && Agreement::Unsigned.stands_out());
    }

    #[test]
    fn refreshers_fall_due_by_course_and_a_member_is_judged_on_all_its_staff() {
        let courses = default_courses();
        assert_eq!(
            refresher_due_on(&courses[0], d("2026-01-31")),
            d("2027-01-31")
        );
        assert_eq!(
            refresher_due_on(&courses[2], d("2024-02-29")),
            d("2026-02-28")
        );
        let today = d("2026-11-27");
        assert_eq!(refresher(d("2026-11-26"), today), Refresher::OutOfDate);
        assert_eq!(refresher(d("2026-12-27"), today), Refresher::DueSoon);
        assert_eq!(refresher(d("2027-03-01"), today), Refresher::Current);
        assert_eq!(member_training(&[], today), MemberTraining::Nobody);
        assert_eq!(
            member_training(&[d("2026-01-01")], today),
            MemberTraining::OutOfDate
        );
        assert_eq!(
            member_training(&[d("2026-01-01"), d("2027-06-01")], today),
            MemberTraining::Due
        );
        assert_eq!(
            member_training(&[d("2027-06-01")], today),
            MemberTraining::Current
        );
    }

    #[test]
    fn membership_counts_joiners_leavers_and_the_total_at_each_months_end() {
        let members = [
            (Some(d("2026-09-10")), None),
            (Some(d("2026-10-01")), Some(d("2026-11-05"))),
            (None, None),
            (Some(d("2026-11-30")), None),
        ];
        let m = membership_by_month(&members, d("2026-11-27"), 3);
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].month, d("2026-09-01"));
        assert_eq!((m[0].joined, m[0].lapsed, m[0].total), (1, 0, 2));
        assert_eq!((m[1].joined, m[1].lapsed, m[1].total), (1, 0, 3));
        assert_eq!((m[2].joined, m[2].lapsed, m[2].total), (1, 1, 3));
    }
}
