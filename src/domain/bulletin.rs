//! The members' bulletin: who is newly excluded and whose exclusion ends,
//! whom the scheme is trying to identify, the manager's alerts and a few
//! figures, holding only what members may see.

use super::document::{Block, BulletinRules, Doc, SchemeInfo};
use super::exclusion::{local_day_start, local_span};
use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

/// An excluded person as the bulletin may show them. The store hands over
/// the date of birth and address; the bulletin's rules decide if they print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinPerson {
    pub offender_id: i64,
    pub name: String,
    pub aliases: Vec<String>,
    pub photo: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub address: String,
    pub stage: String,
    /// The zones it covers; empty for every zone.
    pub zones: Vec<String>,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
}

/// Someone the scheme is trying to identify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoughtPerson {
    pub offender_id: i64,
    pub label: String,
    pub description: String,
    pub photo: Option<String>,
    pub since: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub id: i64,
    pub text: String,
    pub from_on: NaiveDate,
    pub until_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Headlines {
    pub incidents: i64,
    pub sightings: i64,
    pub new_exclusions: i64,
    pub exclusions_in_force: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinFacts {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub new: Vec<BulletinPerson>,
    pub ending: Vec<BulletinPerson>,
    pub sought: Vec<SoughtPerson>,
    pub alerts: Vec<Alert>,
    pub headlines: Headlines,
}

/// Exclusions ending up to this many days after the period are listed as ending.
pub const ENDING_AHEAD_DAYS: i64 = 14;

/// The instants a bulletin for the scheme's days `from` to `to` looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first instant of `from`.
    pub start: DateTime<Utc>,
    /// The first instant after `to`.
    pub end: DateTime<Utc>,
    /// The first instant after the last day an ending exclusion may end on.
    pub ending_until: DateTime<Utc>,
}

impl Window {
    pub fn new(from: NaiveDate, to: NaiveDate, tz: Tz) -> Result<Window, String> {
        let (start, end) = local_span(from, to, tz)?;
        let last = to
            .checked_add_days(Days::new(ENDING_AHEAD_DAYS as u64 + 1))
            .ok_or("the end date is too far in the future")?;
        Ok(Window {
            start,
            end,
            ending_until: local_day_start(last, tz),
        })
    }

    /// Where an exclusion from `starts_at` to `ends_at` (exclusive; lifted
    /// ones end when lifted) stands: (new in the period, ending in it or
    /// the days after, in force at its end).
    pub fn place(&self, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> (bool, bool, bool) {
        let new = starts_at >= self.start && starts_at < self.end && ends_at > starts_at;
        // its last instant falls in [start, ending_until)
        let ending = ends_at > self.start && ends_at <= self.ending_until && ends_at > starts_at;
        let in_force = starts_at < self.end && ends_at >= self.end;
        (new, ending, in_force)
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// A photo where there is one; a line saying so where there is not (a
/// bulletin of empty boxes would hide the faces it is for).
fn photo_block(photo: &Option<String>, caption: &str) -> Block {
    match photo {
        Some(_) => Block::Photo {
            path: photo.clone(),
            caption: caption.to_string(),
        },
        None => Block::Bullet("No photo on file".into()),
    }
}

fn person_blocks(p: &BulletinPerson, rules: &BulletinRules) -> Vec<Block> {
    let mut out = vec![
        Block::Subheading(p.name.clone()),
        photo_block(&p.photo, &p.name),
    ];
    if !p.aliases.is_empty() {
        out.push(Block::Bullet(format!(
            "Also known as: {}",
            p.aliases.join(", ")
        )));
    }
    if rules.show_dates_of_birth {
        if let Some(dob) = p.date_of_birth {
            out.push(Block::Bullet(format!("Date of birth: {}", day(dob))));
        }
    }
    if rules.show_addresses && !p.address.is_empty() {
        out.push(Block::Bullet(format!("Address: {}", p.address)));
    }
    let zones = if p.zones.is_empty() {
        "every zone of the scheme".to_string()
    } else {
        p.zones.join(", ")
    };
    out.push(Block::Bullet(format!("{}: {zones}", capitalised(&p.stage))));
    out.push(Block::Bullet(format!(
        "From {} to {}",
        day(p.starts),
        day(p.ends)
    )));
    out
}

/// The bulletin as a document.
pub fn bulletin_doc(
    f: &BulletinFacts,
    rules: &BulletinRules,
    scheme: &SchemeInfo,
    issued: NaiveDate,
) -> Doc {
    let mut b = vec![
        Block::Title(format!("{} — members' bulletin", scheme.name)),
        Block::Para(format!(
            "For {} to {}, issued {}.",
            day(f.from),
            day(f.to),
            day(issued)
        )),
        Block::Heading("This period".into()),
        Block::Bullet(format!("Incidents reported: {}", f.headlines.incidents)),
        Block::Bullet(format!("Sightings logged: {}", f.headlines.sightings)),
        Block::Bullet(format!("New exclusions: {}", f.headlines.new_exclusions)),
        Block::Bullet(format!(
            "Exclusions in force at the end of the period: {}",
            f.headlines.exclusions_in_force
        )),
    ];
    if !f.alerts.is_empty() {
        b.push(Block::Heading("Alerts".into()));
        for a in &f.alerts {
            b.push(Block::Bullet(format!(
                "{} (until {})",
                a.text,
                day(a.until_on)
            )));
        }
    }
    b.push(Block::Heading("New exclusions".into()));
    if f.new.is_empty() {
        b.push(Block::Para(
            "No one was newly excluded in this period.".into(),
        ));
    }
    for p in &f.new {
        b.extend(person_blocks(p, rules));
    }
    b.push(Block::Heading("Exclusions ending".into()));
    if f.ending.is_empty() {
        b.push(Block::Para(format!(
            "No exclusion ends in this period or the {ENDING_AHEAD_DAYS} days after it."
        )));
    }
    for p in &f.ending {
        b.extend(person_blocks(p, rules));
    }
    b.push(Block::Heading("Can you identify these people?".into()));
    if f.sought.is_empty() {
        b.push(Block::Para("No one is being sought.".into()));
    } else {
        b.push(Block::Para(
            "If you know who any of these people are, tell the control room; do not approach them."
                .into(),
        ));
    }
    for s in &f.sought {
        b.push(Block::Subheading(s.label.clone()));
        b.push(photo_block(&s.photo, &s.label));
        b.push(Block::Bullet(s.description.clone()));
        b.push(Block::Bullet(format!("Sought since {}", day(s.since))));
    }
    let keep_until = issued + chrono::Duration::days(rules.keep_days as i64);
    b.push(Block::Small(format!(
        "This bulletin holds personal data about people excluded by {} and people it is trying to identify, shared with members under the information-sharing agreement to prevent crime. Show it only to staff who need it; do not copy, post or share it. Destroy it by {} ({} days after issue). Questions about personal data: {}.",
        scheme.name,
        day(keep_until),
        rules.keep_days,
        if scheme.contact.is_empty() { "the scheme manager" } else { &scheme.contact },
    )));
    Doc { blocks: b }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts() -> BulletinFacts {
        BulletinFacts {
            from: d("2026-11-20"),
            to: d("2026-11-26"),
            new: vec![BulletinPerson {
                offender_id: 1,
                name: "Dean Holt".into(),
                aliases: vec!["Deano".into()],
                photo: None,
                date_of_birth: Some(d("1990-02-03")),
                address: "4 Mill Lane".into(),
                stage: "exclusion".into(),
                zones: vec![],
                starts: d("2026-11-21"),
                ends: d("2027-11-20"),
            }],
            ending: vec![],
            sought: vec![],
            alerts: vec![Alert {
                id: 1,
                text: "Counterfeit £20 notes in town".into(),
                from_on: d("2026-11-20"),
                until_on: d("2026-12-04"),
            }],
            headlines: Headlines::default(),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_week_in_summer_time_places_exclusions_by_the_schemes_days() {
        let w = Window::new(d("2026-06-01"), d("2026-06-07"), chrono_tz::Europe::London).unwrap();
        // the days are London's: midnight BST is 23:00 UTC the day before
        assert_eq!(w.start, at("2026-05-31T23:00:00Z"));
        assert_eq!(w.end, at("2026-06-07T23:00:00Z"));
        // ending up to and including 21 June
        assert_eq!(w.ending_until, at("2026-06-21T23:00:00Z"));
        let far = at("2027-01-01T00:00:00Z");
        // starts in the first and last instant of the period: new
        assert_eq!(w.place(w.start, far), (true, false, true));
        assert!(w.place(w.end - chrono::Duration::seconds(1), far).0);
        // starts at the first instant after it, or before it: not new
        assert!(!w.place(w.end, far).0);
        assert!(!w.place(w.start - chrono::Duration::seconds(1), far).0);
        let long_ago = at("2026-01-01T00:00:00Z");
        // its last day was the day before the period: not ending, not in force
        assert_eq!(w.place(long_ago, w.start), (false, false, false));
        // its last day is the period's first: ending
        assert_eq!(
            w.place(long_ago, w.start + chrono::Duration::days(1)),
            (false, true, false)
        );
        // its last day is the 14th after the period: ending; the 15th: not
        assert_eq!(w.place(long_ago, w.ending_until), (false, true, true));
        assert_eq!(
            w.place(long_ago, w.ending_until + chrono::Duration::days(1)),
            (false, false, true)
        );
        // ending on the period's last day: ending, and not in force at its end
        assert_eq!(w.place(long_ago, w.end), (false, true, true));
        assert_eq!(
            w.place(long_ago, w.end - chrono::Duration::hours(1)),
            (false, true, false)
        );
    }

    #[test]
    fn dates_of_birth_and_addresses_print_only_when_the_config_allows() {
        let scheme = SchemeInfo::default();
        let md = |rules: &BulletinRules| {
            super::super::document::to_markdown(&bulletin_doc(
                &facts(),
                rules,
                &scheme,
                d("2026-11-27"),
            ))
        };
        let closed = md(&BulletinRules::default());
        assert!(closed.contains("Dean Holt") && closed.contains("Deano"));
        assert!(closed.contains("Counterfeit"));
        assert!(
            !closed.contains("1990") && !closed.contains("Feb") && !closed.contains("Mill Lane")
        );
        assert!(closed.contains("Destroy it by 4 Dec 2026 (7 days after issue)"));
        let open = md(&BulletinRules {
            show_dates_of_birth: true,
            show_addresses: true,
            keep_days: 14,
        });
        assert!(open.contains("3 Feb 1990") && open.contains("4 Mill Lane"));
        assert!(open.contains("Destroy it by 11 Dec 2026"));
    }
}
