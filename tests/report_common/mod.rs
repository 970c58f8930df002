//! What the committee report tests share: a small hand-made store (a real
//! SQLite file in a temporary folder) with things placed on both sides of
//! every edge of the period, whose right answers are worked out event by
//! event, and the period itself (the first half of 2026, in Europe/London
//! days, so 30 June ends at 23:00 UTC).

#![allow(dead_code)] // each test file uses a different part of this

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Connection;
use std::collections::HashMap;
use std::path::PathBuf;
use tempfile::TempDir;
use watchroom::domain::exclusion::{Ladder, Scope};
use watchroom::domain::offender::{OffenderInput, OffenderKind};
use watchroom::domain::report::{Report, ReportPeriod};
use watchroom::domain::rollcall::{Answer, Step};
use watchroom::domain::sighting::NewSighting;
use watchroom::domain::{IncidentEdit, NewIncident, Place, Priority};
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::sightings::HitRules;
use watchroom::store::{Operator, Record, Store};

pub const TZ: chrono_tz::Tz = chrono_tz::Europe::London;

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn mins(n: i64) -> Duration {
    Duration::minutes(n)
}

/// The period every test reports on: the first half of 2026, London days.
pub fn half_year() -> ReportPeriod {
    ReportPeriod::parse("2026-01-01", "2026-06-30").unwrap()
}

/// When the report is made.
pub fn made() -> DateTime<Utc> {
    t("2026-11-27T12:00:00Z")
}

/// (name, zone, status, joined on, left on)
pub type MemberRow = (
    &'static str,
    i64,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

pub struct Town {
    pub _dir: TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub op: Operator,
}

/// The hand-made town. Each event says where it falls; the figures it
/// should give are worked out in `the_figures_are_right_at_every_edge`.
pub fn town() -> Town {
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
    pub fn version(&self, r: Record) -> i64 {
        self.store.version_of(r).unwrap().unwrap().version
    }

    pub fn incident(
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

    pub fn incidents(&mut self) {
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

    pub fn offender(&mut self, kind: OffenderKind, name: &str, markers: &[&str], at: &str) -> i64 {
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

    pub fn exclusion(&mut self, offender: i64, stage: &str, from: &str, to: &str) -> i64 {
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
    pub fn seen(&mut self, offender: i64, zone: i64, at: &str) -> Vec<i64> {
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

    pub fn register(&mut self) {
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
                                                                       // seen again at 00:11 on 1 July: counted on the hit still waiting, no new one
        assert!(self.seen(o7, 2, "2026-06-30T23:10:00Z").is_empty());
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

    pub fn incident_at(&self, at: &str) -> i64 {
        let c = Connection::open(&self.path).unwrap();
        c.query_row(
            "SELECT id FROM incidents WHERE opened_at = ?1",
            [t(at).timestamp()],
            |r| r.get(0),
        )
        .unwrap()
    }

    pub fn roll_call(&mut self, practice: bool, at: &str, answers: &[(&str, Answer)]) {
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

    pub fn radio(&mut self) {
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

    /// Governance records on both sides of the period's edges: agreements
    /// in force or not on 30 June, breaches found just inside and outside it
    /// (reported and closed before or after its end), and two DPIAs, the
    /// later approved after the period.
    pub fn governance(&mut self) {
        use watchroom::domain::governance::{
            AgreementInput, BreachInput, DocumentKind, PolicyDocumentInput,
        };
        let op = self.op.id;
        let agreement = |party: &str, signed: &str, review: &str| AgreementInput {
            party: party.into(),
            purpose: "offender information".into(),
            lawful_basis: "law enforcement".into(),
            signed_on: day(signed),
            review_on: day(review),
            ended_on: None,
        };
        // due for review within 30 days of 30 June; not due; ended on 30 June;
        // signed the day after
        let s = &mut self.store;
        s.add_agreement(
            &agreement("Kent Police", "2025-01-01", "2026-07-30"),
            op,
            made(),
        )
        .unwrap();
        s.add_agreement(
            &agreement("Castlebrook Council", "2025-01-01", "2027-01-01"),
            op,
            made(),
        )
        .unwrap();
        let ended = s
            .add_agreement(
                &agreement("Old Partner", "2024-01-01", "2026-01-01"),
                op,
                made(),
            )
            .unwrap();
        s.end_agreement(ended, 1, day("2026-06-30"), op, made())
            .unwrap();
        s.add_agreement(
            &agreement("Late Partner", "2026-07-01", "2027-07-01"),
            op,
            made(),
        )
        .unwrap();
        let breach = |what: &str, found: &str, reported: Option<&str>| BreachInput {
            what: what.into(),
            found_at: Some(t(found)),
            people_affected: 4,
            reported_at: reported.map(t),
            ..Default::default()
        };
        // the first instant of the period (midnight GMT), reported and closed in it
        let first = s
            .add_breach(
                &breach(
                    "wrong list",
                    "2026-01-01T00:00:00Z",
                    Some("2026-01-02T09:00:00Z"),
                ),
                op,
                made(),
            )
            .unwrap();
        s.close_breach(
            first,
            1,
            t("2026-01-05T09:00:00Z"),
            "list recalled",
            op,
            made(),
        )
        .unwrap();
        // 30 June 23:30 BST, reported and closed only in July
        let last = s
            .add_breach(
                &breach(
                    "photo posted",
                    "2026-06-30T22:30:00Z",
                    Some("2026-07-01T09:00:00Z"),
                ),
                op,
                made(),
            )
            .unwrap();
        s.close_breach(last, 1, t("2026-07-03T09:00:00Z"), "taken down", op, made())
            .unwrap();
        // 1 July 00:00 BST: outside
        s.add_breach(
            &breach("laptop lost", "2026-06-30T23:00:00Z", None),
            op,
            made(),
        )
        .unwrap();
        let dpia = |edition: &str, approved: &str, review: &str| PolicyDocumentInput {
            kind: DocumentKind::Dpia,
            edition: edition.into(),
            approved_on: day(approved),
            review_on: day(review),
            notes: String::new(),
        };
        s.record_policy_document(&dpia("1.0", "2025-06-01", "2026-07-15"), op, made())
            .unwrap();
        s.record_policy_document(&dpia("2.0", "2026-08-01", "2027-08-01"), op, made())
            .unwrap();
    }

    pub fn report(&self) -> Report {
        self.store
            .report(&half_year(), TZ, &Ladder::default(), made())
            .unwrap()
    }
}
