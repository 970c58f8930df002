//! The committee report on a small hand-made store (a real SQLite file in a
//! temporary folder) whose right answers are worked out here, event by
//! event, with things placed on both sides of every edge of the period: its
//! first and last instants, and the hour the clocks change (the period's
//! days are Europe/London days, so 30 June ends at 23:00 UTC). Then the three
//! formats, the command run for real, and the reports pane.

mod support;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ratatui::crossterm::event::KeyCode;
use rusqlite::Connection;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;
use watchroom::domain::exclusion::{Ladder, Scope};
use watchroom::domain::offender::{OffenderInput, OffenderKind};
use watchroom::domain::report::{Report, ReportPeriod};
use watchroom::domain::rollcall::{Answer, Step};
use watchroom::domain::sighting::NewSighting;
use watchroom::domain::{IncidentEdit, NewIncident, Place, Priority};
use watchroom::io::report::{csv_rows, Format, CSV_HEADER};
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::sightings::HitRules;
use watchroom::store::{Operator, Record, Store};

const TZ: chrono_tz::Tz = chrono_tz::Europe::London;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn mins(n: i64) -> Duration {
    Duration::minutes(n)
}

/// The period every test reports on: the first half of 2026, London days.
fn half_year() -> ReportPeriod {
    ReportPeriod::parse("2026-01-01", "2026-06-30").unwrap()
}

/// When the report is made.
fn made() -> DateTime<Utc> {
    t("2026-11-27T12:00:00Z")
}

/// Names that must never appear in a report: it holds counts only.
const NAMES: &[&str] = &[
    "Greggs",
    "Boots",
    "Old Bell",
    "Late Joiner",
    "Closed Down",
    "Gone Before",
    "Leaves Later",
    "Applicant",
    "Last Day Ltd",
    "No Date Ltd",
    "Darren Hollis",
    "Kyle Marsh",
    "Jade Pennington",
    "Wayne Crowther",
    "Shannon Fairley",
    "Callum Ashdown",
    "Dana Reporter",
];

/// (name, zone, status, joined on, left on)
type MemberRow = (
    &'static str,
    i64,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

struct Town {
    _dir: TempDir,
    path: PathBuf,
    store: Store,
    op: Operator,
}

/// The hand-made town. Each event says where it falls; the figures it
/// should give are worked out in `the_figures_are_right_at_every_edge`.
fn town() -> Town {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watchroom.db");
    let mut store = Store::open(&path).unwrap();
    let op = store
        .operator_or_add("Dana Reporter", "manager", t("2025-01-01T09:00:00Z"))
        .unwrap();

    // zones and members have no writer in the store: seeded with SQL
    let c = Connection::open(&path).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    for (name, code) in [
        ("High Street", "HS"),
        ("Market Square", "MS"),
        ("Riverside", "RC"),
    ] {
        c.execute(
            "INSERT INTO zones (name, code) VALUES (?1, ?2)",
            [name, code],
        )
        .unwrap();
    }
    let members: &[MemberRow] = &[
        ("Greggs", 1, "active", Some("2020-05-01"), None), // 1: a member throughout
        ("Boots", 1, "active", Some("2026-01-01"), None),  // 2: joined on the first day
        ("The Old Bell", 2, "active", Some("2026-06-30"), None), // 3: joined on the last day
        ("Late Joiner", 2, "active", Some("2026-07-01"), None), // 4: joined the day after
        (
            "Closed Down",
            1,
            "lapsed",
            Some("2019-01-01"),
            Some("2026-03-15"),
        ), // 5: lapsed in it
        (
            "Gone Before",
            1,
            "left",
            Some("2018-01-01"),
            Some("2025-12-31"),
        ), // 6: left the day before
        (
            "Leaves Later",
            2,
            "lapsed",
            Some("2019-01-01"),
            Some("2026-07-01"),
        ), // 7: lapsed after
        ("Applicant", 2, "pending", Some("2026-02-01"), None), // 8: never a member yet
        (
            "Last Day Ltd",
            1,
            "left",
            Some("2019-01-01"),
            Some("2026-06-30"),
        ), // 9: left on the last day
        ("No Date Ltd", 1, "lapsed", Some("2019-01-01"), None), // 10: lapsed, no date
    ];
    for (name, zone, status, joined, left) in members {
        c.execute(
            "INSERT INTO members (name, kind, zone_id, status, joined_on, left_on) VALUES (?1, 'shop', ?2, ?3, ?4, ?5)",
            rusqlite::params![name, zone, status, joined, left],
        )
        .unwrap();
    }
    // police open data: two months inside, one each side, and a type not compared
    let mut n = 0;
    for (month, kind, count) in [
        ("2025-12", "Shoplifting", 4),
        ("2026-01", "Shoplifting", 3),
        ("2026-01", "Anti-social behaviour", 2),
        ("2026-01", "Burglary", 5),
        ("2026-06", "Shoplifting", 1),
        ("2026-07", "Anti-social behaviour", 2),
    ] {
        for _ in 0..count {
            n += 1;
            c.execute(
                "INSERT INTO police_crimes (row_key, month, crime_type) VALUES (?1, ?2, ?3)",
                rusqlite::params![format!("row-{n}"), month, kind],
            )
            .unwrap();
        }
    }
    drop(c);

    let mut town = Town {
        _dir: dir,
        path,
        store,
        op,
    };
    town.incidents();
    town.register();
    town.radio();
    town
}

impl Town {
    /// A record's version as the store has it now, as a console reading it would.
    fn version(&self, r: Record) -> i64 {
        self.store.version_of(r).unwrap().unwrap().version
    }

    fn incident(
        &mut self,
        kind: &str,
        zone: Option<i64>,
        member: Option<i64>,
        at: &str,
        loss: &str,
        recovered: &str,
    ) -> i64 {
        let at = t(at);
        let place = Place {
            zone_id: zone,
            member_id: member,
            location: if zone.is_none() {
                "by the bus station".into()
            } else {
                String::new()
            },
        };
        let new = NewIncident {
            kind: kind.into(),
            priority: Priority::ALL[2],
            place: place.clone(),
            summary: "something happened".into(),
            opened_at: at,
        };
        let i = self.store.create_incident(&new, self.op.id, at).unwrap();
        if !loss.is_empty() {
            let edit = IncidentEdit::from_input(
                kind,
                Priority::ALL[2],
                place,
                "something happened",
                "",
                loss,
                recovered,
            )
            .unwrap();
            self.store
                .update_incident(i.id, i.version, &edit, self.op.id, at + mins(30))
                .unwrap();
        }
        i.id
    }

    fn incidents(&mut self) {
        // outside: the last second of 31 December (GMT), and the first of
        // 1 July in London, which is still 30 June in UTC
        self.incident("theft", Some(1), Some(2), "2025-12-31T23:59:59Z", "100", "");
        self.incident("theft", Some(1), Some(1), "2026-06-30T23:00:00Z", "50", "");
        // inside
        self.incident(
            "theft",
            Some(1),
            Some(1),
            "2026-01-01T00:00:00Z",
            "25",
            "10",
        ); // Jan, the first instant
        self.incident(
            "theft",
            Some(2),
            Some(5),
            "2026-02-10T14:00:00Z",
            "19.99",
            "",
        ); // Feb, a member that later lapsed
        self.incident("antisocial", Some(2), None, "2026-03-31T22:30:00Z", "", ""); // 23:30 on 31 March (BST): March
        self.incident(
            "antisocial",
            Some(1),
            Some(1),
            "2026-03-31T23:30:00Z",
            "",
            "",
        ); // 00:30 on 1 April (BST): April
        self.incident("violence", None, None, "2026-05-05T12:00:00Z", "", ""); // May, no zone
        self.incident("theft", Some(2), Some(1), "2026-05-20T10:00:00Z", "", ""); // May
        self.incident("drunk", Some(1), Some(1), "2026-06-15T01:00:00Z", "", ""); // June
        self.incident("theft", Some(1), Some(8), "2026-06-30T22:59:59Z", "3", "3");
        // 23:59:59 on 30 June: June, an applicant
    }

    fn offender(&mut self, kind: OffenderKind, name: &str, markers: &[&str], at: &str) -> i64 {
        let input = OffenderInput {
            name: name.into(),
            markers: markers.iter().map(|m| m.to_string()).collect(),
            description: "grey hoodie".into(),
            ..Default::default()
        };
        self.store
            .create_offender(kind, input, self.op.id, t(at))
            .unwrap()
            .id
    }

    fn exclusion(&mut self, offender: i64, stage: &str, from: &str, to: &str) -> i64 {
        let new = NewExclusion {
            offender_id: offender,
            stage: stage.into(),
            scope: Scope::AllZones,
            starts_at: t(from),
            ends_at: t(to),
            served_at: Some(t(from)),
            served_by: "PC Jones".into(),
            reason: "persistent theft".into(),
            evidence: vec![],
            review_on: None,
        };
        self.store
            .create_exclusion(&new, &Ladder::default(), self.op.id, t(from))
            .unwrap()
            .id
    }

    /// A sighting saved a minute after it was seen; its hits are raised then.
    fn seen(&mut self, offender: i64, zone: i64, at: &str) -> Vec<i64> {
        let at = t(at);
        let new = NewSighting {
            at,
            camera_id: None,
            zone_id: Some(zone),
            location: String::new(),
            offender_id: Some(offender),
            description: String::new(),
            note: String::new(),
            incident_id: None,
        };
        self.store
            .record_sighting(&new, &HitRules::default(), self.op.id, at + mins(1))
            .unwrap()
            .hits
    }

    fn register(&mut self) {
        use OffenderKind::{IdSought, Known};
        let o1 = self.offender(Known, "Darren Hollis", &[], "2025-06-01T10:00:00Z"); // before
        let o2 = self.offender(Known, "Kyle Marsh", &[], "2026-02-01T10:00:00Z"); // new
        let o3 = self.offender(Known, "Jade Pennington", &[], "2026-06-30T22:00:00Z"); // new: 23:00 on the last day
        let o4 = self.offender(Known, "Wayne Crowther", &[], "2026-06-30T23:30:00Z"); // 1 July in London: not new
        let o5 = self.offender(Known, "Shannon Fairley", &[], "2025-12-31T23:30:00Z"); // 31 December: not new
        let o6 = self.offender(IdSought, "", &[], "2026-03-01T10:00:00Z"); // new, but merged into o1 below
        let o7 = self.offender(
            Known,
            "Callum Ashdown",
            &["violent"],
            "2024-01-01T10:00:00Z",
        );

        // exclusions, each on an edge
        self.exclusion(
            o1,
            "exclusion",
            "2025-10-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
        ); // ends as the period starts
        let e7 = self.exclusion(
            o1,
            "exclusion",
            "2025-11-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
        );
        self.exclusion(
            o2,
            "exclusion",
            "2026-02-15T00:00:00Z",
            "2026-08-15T00:00:00Z",
        ); // issued in it
        self.exclusion(
            o7,
            "warning",
            "2026-03-01T00:00:00Z",
            "2026-09-01T00:00:00Z",
        ); // a warning: issued, excludes no one
        let e4 = self.exclusion(
            o5,
            "exclusion",
            "2025-06-01T00:00:00Z",
            "2026-12-01T00:00:00Z",
        );
        self.exclusion(
            o3,
            "exclusion",
            "2026-06-30T22:30:00Z",
            "2026-12-30T00:00:00Z",
        ); // issued at 23:30 on the last day
        self.exclusion(
            o4,
            "exclusion",
            "2026-06-30T23:00:00Z",
            "2026-12-30T00:00:00Z",
        ); // starts on 1 July in London
        self.store
            .lift_exclusion(
                e4,
                self.version(Record::Exclusion(e4)),
                "appeal upheld",
                self.op.id,
                t("2025-12-20T10:00:00Z"),
            )
            .unwrap(); // lifted before the period
        self.store
            .lift_exclusion(
                e7,
                self.version(Record::Exclusion(e7)),
                "moved away",
                self.op.id,
                t("2026-03-01T10:00:00Z"),
            )
            .unwrap(); // lifted during it: in force for part of it

        // sightings and the hits they raise (raised a minute after)
        let h1 = self.seen(o1, 1, "2026-02-20T10:00:00Z"); // breach (e7 in force)
        assert_eq!(h1.len(), 1);
        self.store
            .decide_hit(
                h1[0],
                self.version(Record::Hit(h1[0])),
                true,
                "radio warned",
                self.op.id,
                t("2026-02-20T10:05:00Z"),
            )
            .unwrap();
        assert!(self.seen(o1, 1, "2026-04-10T10:00:00Z").is_empty()); // e7 lifted: no hit
        let h2 = self.seen(o7, 2, "2026-03-10T15:00:00Z"); // watch
        assert_eq!(h2.len(), 1);
        self.store
            .decide_hit(
                h2[0],
                self.version(Record::Hit(h2[0])),
                false,
                "not him",
                self.op.id,
                t("2026-03-10T15:10:00Z"),
            )
            .unwrap();
        let h5 = self.seen(o2, 2, "2026-03-20T12:00:00Z"); // breach (o2's exclusion)
        assert_eq!(h5.len(), 1);
        self.store
            .decide_hit(
                h5[0],
                self.version(Record::Hit(h5[0])),
                false,
                "twin brother",
                self.op.id,
                t("2026-03-20T12:10:00Z"),
            )
            .unwrap();
        assert_eq!(self.seen(o7, 2, "2026-06-30T22:50:00Z").len(), 1); // watch at 23:51 London: waiting
        assert_eq!(self.seen(o7, 2, "2026-06-30T23:10:00Z").len(), 1); // raised 00:11 on 1 July: outside
        assert!(self.seen(o6, 1, "2026-03-05T10:00:00Z").is_empty()); // the still's person, before the merge
        assert!(self.seen(o5, 1, "2026-07-02T10:00:00Z").is_empty()); // after the period

        // named on incidents: o2 on February's theft; o5 on December's
        let feb = self.incident_at("2026-02-10T14:00:00Z");
        self.store
            .link_offender(
                feb,
                o2,
                &HitRules::default(),
                self.op.id,
                t("2026-02-10T15:00:00Z"),
            )
            .unwrap();
        let dec = self.incident_at("2025-12-31T23:59:59Z");
        self.store
            .link_offender(
                dec,
                o5,
                &HitRules::default(),
                self.op.id,
                t("2026-01-01T09:00:00Z"),
            )
            .unwrap();

        // the ID-sought record turns out to be o1: its sighting moves to o1
        self.store
            .merge_offender(o6, o1, self.op.id, t("2026-04-01T10:00:00Z"))
            .unwrap();
    }

    fn incident_at(&self, at: &str) -> i64 {
        let c = Connection::open(&self.path).unwrap();
        c.query_row(
            "SELECT id FROM incidents WHERE opened_at = ?1",
            [t(at).timestamp()],
            |r| r.get(0),
        )
        .unwrap()
    }

    fn roll_call(&mut self, practice: bool, at: &str, answers: &[(&str, Answer)]) {
        let at = t(at);
        let mut open = self
            .store
            .start_roll_call(practice, self.op.id, at)
            .unwrap();
        let by_sign: HashMap<&str, &Answer> = answers.iter().map(|(c, a)| (*c, a)).collect();
        while let Some(i) = open.rollcall.current() {
            let cs = open.rollcall.stations[i].call_sign.clone();
            let step = Step::Answer(
                by_sign
                    .get(cs.as_str())
                    .map(|a| (*a).clone())
                    .unwrap_or(Answer::Heard(5)),
            );
            let seq = open.rollcall.steps.len();
            open.rollcall.apply(step.clone()).unwrap();
            self.store
                .record_roll_call_step(open.id, seq, &step, self.op.id, at + mins(1))
                .unwrap();
        }
        self.store
            .finish_roll_call(&open, self.op.id, at + mins(20))
            .unwrap();
    }

    fn radio(&mut self) {
        let now = t("2025-11-01T09:00:00Z");
        let op = self.op.id;
        // the roster: three radios issued to active members (HS01, HS02, MS01)
        for (cs, member) in [("HS01", 1), ("HS02", 2), ("MS01", 3)] {
            self.store
                .add_radio(cs, &format!("SN-{cs}"), Some(member), "issued", op, now)
                .unwrap();
        }
        self.store
            .add_radio("SP01", "SN-SP01", None, "spare", op, now)
            .unwrap();
        self.roll_call(false, "2026-01-15T20:00:00Z", &[]); // January: 3 of 3
        self.roll_call(
            false,
            "2026-03-31T23:30:00Z", // 00:30 on 1 April in London: April
            &[
                ("HS02", Answer::NothingHeard),
                ("MS01", Answer::ClosedToday),
            ],
        );
        self.roll_call(true, "2026-05-10T20:00:00Z", &[]); // practice: never counted
        self.roll_call(false, "2025-12-31T23:30:00Z", &[]); // 31 December: outside
        self.roll_call(
            false,
            "2026-06-30T21:00:00Z", // 22:00 on 30 June: June
            &[("HS02", Answer::NothingHeard), ("MS01", Answer::Heard(3))],
        );
        self.roll_call(false, "2026-06-30T23:00:00Z", &[]); // midnight into 1 July: outside

        // two more radios (after the roll-calls, so never on their roster)
        let r5 = self
            .store
            .add_radio("HS05", "SN-HS05", Some(1), "issued", op, now)
            .unwrap()
            .id;
        let r6 = self
            .store
            .add_radio("HS06", "SN-HS06", Some(1), "issued", op, now)
            .unwrap()
            .id;
        self.store
            .set_radio_status(
                r6,
                self.version(Record::Radio(r6)),
                "faulty",
                "no power",
                op,
                t("2025-12-31T23:59:00Z"),
            )
            .unwrap(); // a fault on 31 December: outside
        self.store
            .set_radio_status(
                r6,
                self.version(Record::Radio(r6)),
                "in repair",
                "sent off",
                op,
                t("2026-01-10T10:00:00Z"),
            )
            .unwrap(); // not a fault report
        self.store
            .set_radio_status(
                r5,
                self.version(Record::Radio(r5)),
                "faulty",
                "crackles",
                op,
                t("2026-04-01T10:00:00Z"),
            )
            .unwrap(); // a fault in April
    }

    fn report(&self) -> Report {
        self.store
            .report(&half_year(), TZ, &Ladder::default(), made())
            .unwrap()
    }
}

fn pairs<T, F: Fn(&T) -> (String, u64)>(xs: &[T], f: F) -> Vec<(String, u64)> {
    xs.iter().map(f).collect()
}

fn owned(xs: &[(&str, u64)]) -> Vec<(String, u64)> {
    xs.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

#[test]
fn the_figures_are_right_at_every_edge() {
    let town = town();
    let r = town.report();

    // the period and its months
    assert_eq!(r.period.from, day("2026-01-01"));
    assert_eq!(r.period.to, day("2026-06-30"));
    assert_eq!(r.period.time_zone, "Europe/London");
    assert_eq!(r.period.made_on, day("2026-11-27"));
    let months = [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ];
    assert_eq!(r.period.months, months);

    // incidents: ten logged, two outside (31 Dec 23:59:59 GMT; 1 July 00:00 BST)
    let i = &r.incidents;
    assert_eq!(i.total, 8);
    assert_eq!(
        pairs(&i.by_type, |t| (t.label.clone(), t.count)),
        owned(&[
            ("theft", 4),
            ("antisocial", 2),
            ("drunk", 1),
            ("violence", 1)
        ])
    );
    let theft = &i.by_type[0];
    assert_eq!(
        (theft.loss_pence, theft.recovered_pence),
        (2500 + 1999 + 300, 1000 + 300)
    );
    assert!(i.by_type[1..].iter().all(|t| t.loss_pence == 0));
    assert_eq!(
        pairs(&i.by_zone, |z| (z.label.clone(), z.count)),
        owned(&[("High Street", 4), ("Market Square", 3), ("no zone", 1)])
    );
    // 23:30 on 31 March (BST) is March; 00:30 on 1 April is April, though
    // both are 31 March in UTC
    assert_eq!(
        pairs(&i.by_month, |m| (m.month.clone(), m.count)),
        owned(&[
            ("2026-01", 1),
            ("2026-02", 1),
            ("2026-03", 1),
            ("2026-04", 1),
            ("2026-05", 2),
            ("2026-06", 2)
        ])
    );

    // losses: £25 (£10 back), £19.99, £3 (all back); £100 and £50 fall outside
    let l = &r.losses;
    assert_eq!(l.loss_pence, 4799);
    assert_eq!(l.recovered_pence, 1300);
    assert_eq!(l.incidents_with_loss, 3);
    assert_eq!(l.recovered_share, Some(0.271)); // 1300 / 4799

    // offenders: active o1 (seen), o2 (named on February's theft), o7
    // (seen); o5 was seen and named only outside. New: o2 and o3 (o4 is
    // 1 July in London, o5 31 December, o6 merged into o1). Excluded at some
    // point: o1 (until lifted in March), o2, o3 (from 23:30 on the last
    // day); not o1's exclusion ending as the period starts, o5's lifted
    // before it, o4's starting after it, nor o7's warning.
    let o = &r.offenders;
    assert_eq!(o.active, 3);
    assert_eq!(o.new, 2);
    assert_eq!(o.excluded, 3);
    assert_eq!(
        pairs(&o.sanctions_issued, |c| (c.label.clone(), c.count)),
        owned(&[("warning", 1), ("exclusion", 2)])
    );
    assert_eq!(o.exclusions_issued, 2);

    // hits: breaches o1 (accepted) and o2 (rejected); watch o7 in March
    // (rejected) and at 23:51 on the last day (waiting); o7's hit raised at
    // 00:11 on 1 July is outside
    let h = &r.hits;
    assert_eq!(
        (
            h.breach.raised,
            h.breach.accepted,
            h.breach.rejected,
            h.breach.waiting
        ),
        (2, 1, 1, 0)
    );
    assert_eq!(
        (
            h.watch.raised,
            h.watch.accepted,
            h.watch.rejected,
            h.watch.waiting
        ),
        (2, 0, 1, 1)
    );
    assert_eq!(h.all().raised, 4);
    assert_eq!(
        h.by_month.iter().map(|m| m.count).collect::<Vec<_>>(),
        vec![0, 1, 2, 0, 0, 1]
    );

    // roll-calls: January 3 of 3; April 1 answered, 1 not heard, 1 closed;
    // June 2 answered, 1 not heard. The practice and the two outside are not
    // counted. Answered 6 of the 8 open to answer.
    let c = &r.roll_calls;
    assert_eq!(
        (
            c.held,
            c.stations_called,
            c.answered,
            c.nothing_heard,
            c.closed
        ),
        (3, 9, 6, 2, 1)
    );
    assert_eq!(c.answered_share, Some(0.75));
    assert_eq!(
        c.by_month.iter().map(|m| m.held).collect::<Vec<_>>(),
        vec![1, 0, 0, 1, 0, 1]
    );
    assert_eq!(
        c.by_month
            .iter()
            .map(|m| m.answered_share)
            .collect::<Vec<_>>(),
        vec![Some(1.0), None, None, Some(0.5), None, Some(0.667)]
    );

    // radios now: HS01, HS02, MS01 issued, SP01 spare, HS05 faulty, HS06 in
    // repair; one fault reported in the period (HS05 in April; HS06's was on
    // 31 December)
    let d = &r.radios;
    assert_eq!(d.total, 6);
    assert_eq!(
        pairs(&d.by_status, |c| (c.label.clone(), c.count)),
        owned(&[
            ("issued", 3),
            ("spare", 1),
            ("faulty", 1),
            ("in repair", 1),
            ("lost", 0),
            ("stunned", 0)
        ])
    );
    assert_eq!(d.faulty_or_in_repair, 2);
    assert_eq!(d.faults_reported, 1);

    // members: joined Boots (first day) and the Old Bell (last day); lapsed
    // Closed Down and Last Day Ltd; at the end Greggs, Boots, the Old Bell
    // and Leaves Later; during it those and the two that lapsed. Reporting:
    // Greggs and Closed Down (the applicant's report does not count, nor
    // Boots', which was in December).
    let m = &r.members;
    assert_eq!(
        (m.joined, m.lapsed, m.total_at_end, m.during, m.reporting),
        (2, 2, 4, 6, 2)
    );
    assert_eq!(m.reporting_share, Some(0.333));

    // police beside the scheme: shoplifting 3 in January and 1 in June
    // beside the scheme's thefts; anti-social behaviour 2 in January beside
    // March's and April's antisocial incidents; burglary and the months
    // outside are left out
    assert_eq!(r.police.len(), 2);
    let shop = &r.police[0];
    assert_eq!(shop.crime_type, "Shoplifting");
    assert_eq!(
        shop.by_month
            .iter()
            .map(|p| (p.police, p.scheme))
            .collect::<Vec<_>>(),
        vec![(3, 1), (0, 1), (0, 0), (0, 0), (0, 1), (1, 1)]
    );
    assert_eq!((shop.police_total, shop.scheme_total), (4, 4));
    let asb = &r.police[1];
    assert_eq!(asb.crime_type, "Anti-social behaviour");
    assert_eq!(
        asb.by_month
            .iter()
            .map(|p| (p.police, p.scheme))
            .collect::<Vec<_>>(),
        vec![(2, 0), (0, 0), (0, 1), (0, 1), (0, 0), (0, 0)]
    );
    assert!(r.has_police_data());
}

#[test]
fn a_single_day_and_a_day_of_nothing() {
    let town = town();
    let one = |d: &str| {
        town.store
            .report(
                &ReportPeriod::parse(d, d).unwrap(),
                TZ,
                &Ladder::default(),
                made(),
            )
            .unwrap()
    };
    // 31 March in London holds the 23:30 incident and not the 00:30 one
    let r = one("2026-03-31");
    assert_eq!(r.incidents.total, 1);
    assert_eq!(r.incidents.by_type[0].label, "antisocial");
    assert_eq!(r.period.months, ["2026-03"]);
    // 1 April holds the 00:30 one and the roll-call begun at 00:30
    let r = one("2026-04-01");
    assert_eq!((r.incidents.total, r.roll_calls.held), (1, 1));
    // a quiet day: every figure nought, shares left empty, nothing invented
    let r = one("2026-04-20");
    assert_eq!(r.incidents.total, 0);
    assert!(r.incidents.by_type.is_empty());
    assert_eq!(r.losses.recovered_share, None);
    assert_eq!(r.roll_calls.answered_share, None);
    assert!(!r.has_police_data());
    let md = watchroom::io::report::markdown(&r);
    assert!(
        md.contains("No incidents were logged in the period."),
        "{md}"
    );
    assert!(md.contains("No losses were recorded"), "{md}");
    assert!(md.contains("No hits were raised in the period."), "{md}");
    assert!(md.contains("No police open data has been imported"), "{md}");
}

#[test]
fn the_markdown_reads_as_a_progress_reports_statistics() {
    let town = town();
    let md = watchroom::io::report::markdown(&town.report());
    for expected in [
        "## Statistics: 1 January 2026 to 30 June 2026",
        "(181 whole days, Europe/London time)",
        "Radio figures are as they stood on 27 November 2026.",
        "### Incidents",
        "Members and the control room logged 8 incidents, an average of 1 a month.",
        "The most common types were theft (4, 50%), antisocial (2, 25%) and drunk (1, 13%).",
        "The busiest month was May 2026, with 2.",
        "High Street saw the most (4, 50%).",
        "| drunk | 1 | 13% | £0.00 | £0.00 |",
        "| Type | Incidents | Share | Loss | Recovered |",
        "| theft | 4 | 50% | £47.99 | £13.00 |",
        "| **All types** | **8** | 100% | **£47.99** | **£13.00** |",
        "| no zone | 1 | 13% |",
        "| Apr 2026 | 1 | 0 | 1 | 50% |",
        "| Jun 2026 | 2 | 1 | 1 | 67% |",
        "Losses of £47.99 were recorded on 3 incidents, of which £13.00 (27%) was recovered.",
        "3 people on the register were active in the period (seen on camera or named on an incident), and 2 were added to it.",
        "3 people had an exclusion in force at some point in the period.",
        "Sanctions issued: 1 warning and 2 exclusions.",
        "The register raised 4 hits: 2 breaches of an exclusion and 2 watch alerts. Operators accepted 1 and rejected 2 as false matches; 1 is still waiting to be acknowledged.",
        "| Breach of an exclusion | 2 | 1 | 1 | 0 |",
        "The coordinator held 3 roll-calls, calling 9 stations in all: 6 answered and 2 were not heard, an answer rate of 75% (1 station closed for the day is not counted against it).",
        "On 27 November 2026 the network had 6 radios: 3 issued, 1 spare, 1 faulty and 1 in repair. 2 are faulty or in repair; 1 was reported faulty during the period.",
        "2 members joined and 2 lapsed or left during the period; the scheme had 4 members at its end. Of the 6 who were members at some point in the period, 2 (33%) reported at least one incident.",
        "| Month | Shoplifting (police) | Theft (scheme) | Anti-social behaviour (police) | Antisocial (scheme) |",
        "| Jan 2026 | 3 | 1 | 2 | 0 |",
        "The police's published street-level crime data holds 4 records of shoplifting and 2 of anti-social behaviour for the scheme's area over the months of the period; the scheme logged 4 incidents of theft and 2 of antisocial.",
    ] {
        assert!(md.contains(expected), "missing: {expected}\n\n{md}");
    }
    for name in NAMES {
        assert!(!md.contains(name), "{name} is named in:\n{md}");
    }
}

#[test]
fn the_csv_is_one_tidy_table_that_reads_back() {
    let town = town();
    let report = town.report();
    let text = watchroom::io::report::render(&report, Format::Csv).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        CSV_HEADER
    );
    let mut figures: HashMap<(String, String, String, String), String> = HashMap::new();
    let mut rows = 0;
    for row in reader.records() {
        let row = row.unwrap();
        assert_eq!(row.len(), 5);
        let key = (
            row[0].to_string(),
            row[1].to_string(),
            row[2].to_string(),
            row[3].to_string(),
        );
        assert!(
            figures.insert(key.clone(), row[4].to_string()).is_none(),
            "{key:?} twice"
        );
        rows += 1;
    }
    assert_eq!(rows, csv_rows(&report).len());
    let get = |s: &str, f: &str, g: &str, m: &str| {
        figures
            .get(&(s.into(), f.into(), g.into(), m.into()))
            .unwrap_or_else(|| panic!("no {s},{f},{g},{m}"))
            .as_str()
    };
    assert_eq!(get("period", "from", "", ""), "2026-01-01");
    assert_eq!(get("incidents", "incidents", "", ""), "8");
    assert_eq!(get("incidents", "incidents_by_type", "theft", ""), "4");
    assert_eq!(get("incidents", "loss_pence_by_type", "theft", ""), "4799");
    assert_eq!(get("incidents", "incidents_by_zone", "no zone", ""), "1");
    assert_eq!(get("incidents", "incidents", "", "2026-05"), "2");
    assert_eq!(get("losses", "recovered_share", "", ""), "0.271");
    assert_eq!(get("offenders", "sanctions_issued", "warning", ""), "1");
    assert_eq!(get("hits", "waiting", "watch", ""), "1");
    assert_eq!(get("hits", "raised", "all", "2026-03"), "2");
    assert_eq!(get("roll_calls", "answered_share", "", "2026-04"), "0.500");
    assert_eq!(get("roll_calls", "answered_share", "", "2026-02"), "");
    assert_eq!(get("radios", "radios_by_status", "in repair", ""), "1");
    assert_eq!(get("members", "reporting", "", ""), "2");
    assert_eq!(
        get("police", "police_recorded", "Shoplifting", "2026-01"),
        "3"
    );
    assert_eq!(
        get("police", "scheme_incidents", "Anti-social behaviour", ""),
        "2"
    );
    for name in NAMES {
        assert!(!text.contains(name), "{name} is named in the CSV");
    }
}

#[test]
fn the_json_reads_back_as_the_same_figures() {
    let town = town();
    let report = town.report();
    let text = watchroom::io::report::render(&report, Format::Json).unwrap();
    let back: Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
    for name in NAMES {
        assert!(!text.contains(name), "{name} is named in the JSON");
    }
}

#[test]
fn hostile_labels_are_made_harmless_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut store = Store::open(&path).unwrap();
    let op = store
        .operator_or_add("Dana Reporter", "manager", made())
        .unwrap();
    let c = Connection::open(&path).unwrap();
    c.execute(
        "INSERT INTO zones (name, code) VALUES ('High | Street\u{1b}[2J', 'HS')",
        [],
    )
    .unwrap();
    // a type as another system might send it, straight into the table
    c.execute(
        "INSERT INTO incidents (kind, priority, status, zone_id, summary, opened_at, updated_at, opened_by, updated_by)
         VALUES ('=HYPERLINK(\"http://x\")', 3, 'open', 1, 'x', ?1, ?1, ?2, ?2)",
        rusqlite::params![t("2026-02-01T10:00:00Z").timestamp(), op.id],
    )
    .unwrap();
    let r = store
        .report(&half_year(), TZ, &Ladder::default(), made())
        .unwrap();
    let md = watchroom::io::report::markdown(&r);
    assert!(!md.contains('\u{1b}'), "{md}");
    assert!(
        md.contains("| High \\| Street\u{fffd}\\[2J | 1 | 100% |"),
        "{md}"
    );
    let csv = watchroom::io::report::render(&r, Format::Csv).unwrap();
    assert!(!csv.contains('\u{1b}'));
    assert!(
        csv.contains("incidents,incidents_by_type,\"'=HYPERLINK(\"\"http://x\"\")\",,1"),
        "{csv}"
    );
}

// ----- the command ----------------------------------------------------------------

/// The real binary, with a home of its own (so no one's config is read).
fn watchroom(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_watchroom"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("WATCHROOM_KEY_FILE")
        .output()
        .unwrap()
}

#[test]
fn the_command_refuses_bad_dates_and_touches_nothing() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("never.db");
    let db = db.to_str().unwrap();
    for (from, to, says) in [
        (
            "2026-02-30",
            "2026-03-31",
            "“2026-02-30” is not a date (YYYY-MM-DD",
        ),
        ("2026-01-01", "30/06/2026", "“30/06/2026” is not a date"),
        (
            "2026-07-01",
            "2026-06-30",
            "starts (2026-07-01) after it ends (2026-06-30)",
        ),
    ] {
        let out = watchroom(
            home.path(),
            &["--db", db, "report", "--from", from, "--to", to],
        );
        assert!(!out.status.success(), "{from} {to}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert!(out.stdout.is_empty());
    }
    // a format it does not know
    let out = watchroom(
        home.path(),
        &[
            "--db",
            db,
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--format",
            "pdf",
        ],
    );
    assert!(!out.status.success());
    // a good request on a store that is not there
    let out = watchroom(
        home.path(),
        &[
            "--db",
            db,
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no store at"));
    assert!(!Path::new(db).exists(), "no store was made");
}

#[test]
fn the_command_writes_each_format_to_stdout_or_a_file() {
    let town = town();
    let home = tempfile::tempdir().unwrap();
    let db = town.path.to_str().unwrap().to_string();
    let period = ["--from", "2026-01-01", "--to", "2026-06-30"];
    let run = |extra: &[&str]| {
        let mut args = vec!["--db", db.as_str(), "report"];
        args.extend(period);
        args.extend(extra);
        let out = watchroom(home.path(), &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // JSON: the same figures as the store gives (made today, not on the test's day)
    let mut back: Report = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let expected = town.report();
    back.period.made_on = expected.period.made_on;
    assert_eq!(back, expected);
    // Markdown is the default
    let md = run(&[]);
    assert!(
        md.starts_with("## Statistics: 1 January 2026 to 30 June 2026"),
        "{md}"
    );
    assert!(md.contains("| theft | 4 | 50% | £47.99 | £13.00 |"));
    // CSV into a file
    let file = home.path().join("report.csv");
    let said = run(&["--format", "csv", "--out", file.to_str().unwrap()]);
    assert_eq!(said.trim(), format!("written: {}", file.display()));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("section,figure,group,month,value\n"),
        "{text}"
    );
    assert!(text.contains("incidents,incidents,,,8\n"));
    // reading made no audit records: a report changes nothing
    let c = Connection::open(&town.path).unwrap();
    let before: i64 = c
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    run(&[]);
    let after: i64 = c
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(before, after);
}

// ----- the reports pane ------------------------------------------------------------

#[test]
fn the_reports_pane_opens_on_the_last_12_months_and_steps_through_periods() {
    let mut c = support::demo_console();
    c.keys("7");
    assert_eq!(c.app.pane, watchroom::app::Pane::Reports);
    let shown = |c: &support::Console| c.app.reports.report.as_ref().map(|r| r.period.period());
    assert_eq!(
        shown(&c),
        Some(ReportPeriod::new(day("2025-12-01"), day("2026-11-27")).unwrap())
    );
    let text = c.text();
    assert!(text.contains("the last 12 months"), "{text}");
    assert!(text.contains("Incidents by month"), "{text}");
    c.keys("v");
    assert_eq!(
        shown(&c),
        Some(ReportPeriod::new(day("2026-11-01"), day("2026-11-27")).unwrap())
    );
    c.keys("[");
    assert_eq!(
        shown(&c),
        Some(ReportPeriod::new(day("2026-10-01"), day("2026-10-31")).unwrap())
    );
    assert!(c.text().contains("Oct 2026"));
    c.keys("]");
    c.keys("]"); // no further than today
    assert_eq!(
        shown(&c),
        Some(ReportPeriod::new(day("2026-11-01"), day("2026-11-27")).unwrap())
    );
    c.keys("v");
    assert_eq!(
        shown(&c),
        Some(ReportPeriod::new(day("2026-01-01"), day("2026-11-27")).unwrap())
    );
    // the figures are the store's for the period shown
    let expected = c
        .worker
        .report(
            &ReportPeriod::new(day("2026-01-01"), day("2026-11-27")).unwrap(),
            TZ,
            &Ladder::default(),
            support::now(),
        )
        .unwrap();
    assert_eq!(c.app.reports.report.as_ref(), Some(&expected));
    c.key(KeyCode::Esc);
    assert_eq!(c.app.pane, watchroom::app::Pane::Incidents);
}

#[test]
fn every_role_may_read_the_reports_pane() {
    let (_dir, path) = support::demo_store();
    for name in ["Jo Lindqvist", "Sam Okafor", "Tom Baxter"] {
        let mut c = support::console_on(&path, name, Default::default());
        c.keys("7");
        assert_eq!(c.app.pane, watchroom::app::Pane::Reports, "{name}");
        assert!(c.app.reports.report.is_some(), "{name}");
    }
}

#[test]
fn the_pane_follows_a_change_made_on_another_console() {
    let mut c = support::demo_console();
    c.keys("7");
    let before = c.app.reports.report.as_ref().unwrap().incidents.total;
    let mut other = Store::open(&c.path).unwrap();
    let op = other
        .operator_or_add("Priya Shah", "cctv", support::now())
        .unwrap();
    let new = NewIncident {
        kind: "theft".into(),
        priority: Priority::ALL[2],
        place: Place {
            zone_id: Some(1),
            member_id: None,
            location: String::new(),
        },
        summary: "taken from the stand".into(),
        opened_at: support::now() - mins(5),
    };
    other.create_incident(&new, op.id, support::now()).unwrap();
    // read again at once, unless the figures were read in the last few
    // seconds: then at the next tick after that
    c.update(watchroom::app::Action::StoreChanged);
    let total = |c: &support::Console| c.app.reports.report.as_ref().unwrap().incidents.total;
    assert_eq!(total(&c), before, "figures read a moment ago are kept");
    c.clock.advance(Duration::seconds(5));
    c.update(watchroom::app::Action::Tick);
    assert_eq!(total(&c), before + 1);
    // a change seen while the pane is not showing is read when it opens
    other.create_incident(&new, op.id, support::now()).unwrap();
    c.keys("1");
    c.update(watchroom::app::Action::StoreChanged);
    c.keys("7");
    assert_eq!(total(&c), before + 2);
}

#[test]
fn the_pane_sets_police_figures_beside_the_schemes_own() {
    let (_dir, path) = support::demo_store();
    let c = Connection::open(&path).unwrap();
    for (n, (month, kind)) in [
        ("2026-10", "Shoplifting"),
        ("2026-10", "Shoplifting"),
        ("2026-11", "Anti-social behaviour"),
        ("2024-01", "Shoplifting"), // long before the period
    ]
    .iter()
    .enumerate()
    {
        c.execute(
            "INSERT INTO police_crimes (row_key, month, crime_type) VALUES (?1, ?2, ?3)",
            rusqlite::params![format!("k{n}"), month, kind],
        )
        .unwrap();
    }
    drop(c);
    let mut c = support::console_on(&path, "Jo Lindqvist", Default::default());
    c.keys("7");
    let r = c.app.reports.report.clone().unwrap();
    // the 2024 row is outside the last 12 months
    assert_eq!((r.police[0].police_total, r.police[1].police_total), (2, 1));
    let text = c.text();
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle} in\n{text}"))
            .to_string()
    };
    // police · scheme, month by month, and in all
    line("Police recorded · the scheme's own");
    assert!(
        line("Shoplifting · theft").contains("ASB · antisocial"),
        "{text}"
    );
    let oct = r.police[0]
        .by_month
        .iter()
        .find(|m| m.month == "2026-10")
        .unwrap();
    assert_eq!(oct.police, 2);
    assert!(
        line("Oct 2026 ").contains(&format!("2 · {}", oct.scheme)),
        "{text}"
    );
    let all = line("in all  ");
    assert!(
        all.contains(&format!("2 · {}", r.police[0].scheme_total)),
        "{all}"
    );
    assert!(
        all.contains(&format!("1 · {}", r.police[1].scheme_total)),
        "{all}"
    );
}

/// The figures are worked out on the store worker: until they come, keys
/// still move and draw, another console's incident still shows, the pane
/// says it is working, and figures for a period the operator has left are
/// never drawn.
#[test]
fn keys_and_other_consoles_go_on_while_the_figures_are_worked_out() {
    use watchroom::app::{Action, Pane};
    let mut c = support::demo_console();
    // '7' without letting the worker run: the job waits, the pane says so
    c.app.handle_key(key('7'));
    assert_eq!(c.app.pane, Pane::Reports);
    assert!(c.app.report_working());
    let text = c.text();
    assert!(text.contains("working out the figures"), "{text}");
    let first = c.app.work.take();
    assert_eq!(first.len(), 1);
    // 'v' chooses another period before the first figures come
    c.app.handle_key(key('v'));
    let second = c.app.work.take();
    assert_eq!(second.len(), 1);

    // another console logs an incident meanwhile: this one shows it at once
    let mut other = Store::open(&c.path).unwrap();
    let op = other
        .operator_or_add("Priya Shah", "cctv", support::now())
        .unwrap();
    let new = NewIncident {
        kind: "theft".into(),
        priority: Priority::ALL[0],
        place: Place {
            zone_id: Some(1),
            member_id: None,
            location: String::new(),
        },
        summary: "lad running with a crate of lager".into(),
        opened_at: support::now() - mins(1),
    };
    other.create_incident(&new, op.id, support::now()).unwrap();
    c.app.update(Action::StoreChanged);
    c.app.handle_key(key('1'));
    assert!(c.text().contains("lad running with a crate"));
    let at = c.app.board.selected;
    c.app.handle_key(key('j'));
    assert_eq!(c.app.board.selected, at + 1, "a key moves the board");
    c.app.handle_key(key('7'));
    // the store change queued a fresh reading too; only the newest counts
    let fresh = c.app.work.take();

    // the last-12-months figures, asked for first, come late: dropped
    c.run_jobs(first);
    assert_eq!(c.app.reports.report, None);
    assert!(c.app.report_working());
    c.run_jobs(second);
    c.run_jobs(fresh);
    assert!(!c.app.report_working());
    let shown = c.app.reports.report.as_ref().unwrap().period.period();
    assert_eq!(
        shown,
        ReportPeriod::new(day("2026-11-01"), day("2026-11-27")).unwrap()
    );
    let text = c.text();
    assert!(!text.contains("working out"), "{text}");
    assert!(text.contains("this month"), "{text}");
}

fn key(c: char) -> ratatui::crossterm::event::KeyEvent {
    ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char(c),
        ratatui::crossterm::event::KeyModifiers::NONE,
    )
}
