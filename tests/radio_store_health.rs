//! The radios' health over time on real SQLite files in a temporary folder,
//! with the clock standing at Friday 27 November 2026, 12:00: each radio's
//! answers night by night over the last 90 nights, each zone's share loud
//! and clear week by week with its trend, and the flag for a radio relayed
//! or weak on three of its last five calls, as the store worker reads them
//! for the inventory. Practice and void roll-calls count for none of it.

mod radio_store_common;
mod support;

use chrono::{Duration, NaiveDate};
use radio_store_common::*;
use support::now as t0;
use watchroom::app::work::radio_health;
use watchroom::domain::radio_health::{NightAnswer, Trend};
use watchroom::domain::rollcall::Answer::{self, *};

const TZ: chrono_tz::Tz = chrono_tz::Europe::London;

fn night(n: i64) -> NaiveDate {
    evening(n).date_naive()
}

fn relay() -> Answer {
    RelayedVia("HS02".into())
}

/// Void a roll-call just held, as `X` on the radio pane does.
fn void(t: &mut Town, id: i64) {
    let op = t.op.id;
    t.store
        .void_roll_call(id, "a test of the sets", op, t0())
        .unwrap();
}

#[test]
fn a_radio_s_ninety_nights_are_its_real_answers_night_by_night() {
    let mut t = town();
    let ids = t.network();
    t.run_roll_call(false, evening(95), &[("HS01", Heard(1))]); // before the 90 nights
    t.run_roll_call(false, evening(89), &[("HS01", relay())]);
    t.run_roll_call(false, evening(10), &[("HS01", Heard(2))]);
    // 00:30 on Sunday 22 November: Saturday's roll-call, late
    t.run_roll_call(
        false,
        evening(6) + Duration::minutes(270),
        &[("HS01", Heard(4))],
    );
    t.run_roll_call(true, evening(3), &[("HS01", NothingHeard)]); // practice
    let voided = t.run_roll_call(false, evening(2), &[("HS01", NothingHeard)]);
    void(&mut t, voided.id);
    t.run_roll_call(false, evening(1), &[("HS01", NothingHeard)]);

    let (tonight, by_radio) = t.store.radio_nights(t0(), TZ).unwrap();
    assert_eq!(tonight, night(0));
    let n = |k: i64, answer: Answer| NightAnswer {
        night: night(k),
        answer,
    };
    assert_eq!(
        by_radio[&ids["HS01"]],
        [
            n(89, relay()),
            n(10, Heard(2)),
            n(6, Heard(4)),
            n(1, NothingHeard)
        ],
        "oldest first; not the practice or the void one, nor before the 90 nights"
    );
    assert_eq!(by_radio[&ids["MS01"]].len(), 4);
    assert!(
        !by_radio.contains_key(&ids["SP01"]),
        "a spare is on no roll-call"
    );

    // as the inventory shows it: one relay, one nothing heard, four calls
    let read = radio_health(&t.store, 10, t0(), TZ).unwrap();
    let hs01 = &read.nights[&ids["HS01"]];
    assert_eq!((hs01.calls, hs01.relays, hs01.nothing_heard), (4, 1, 1));
    let cells = &hs01.cells;
    assert_eq!(cells.len(), 18);
    // the relay 89 nights ago starts the line low; tonight's cell holds
    // only last night's silence, the bottom of the line
    assert_eq!((cells[0], cells[17]), (Some(1), Some(0)));
    // readability 4, six nights ago, stands higher than 2, ten nights ago
    assert!(cells[16] > cells[15], "{cells:?}");
    assert_eq!(cells.iter().flatten().count(), 4, "{cells:?}");
    let ms01 = &read.nights[&ids["MS01"]];
    assert_eq!((ms01.relays, ms01.nothing_heard), (0, 0));
    assert_eq!(ms01.cells[17], Some(7), "loud and clear reaches the top");
}

#[test]
fn each_zone_s_weeks_hold_its_share_loud_and_clear_and_say_where_it_is_heading() {
    let mut t = town();
    t.network();
    // a roll-call a week for eight weeks, the newest last night: the High
    // Street loud and clear throughout until the last four weeks, when HS01
    // comes through at 3; the Market Square the other way round
    for k in (0..8).rev() {
        let recent = k < 4;
        let hs01 = if recent { Heard(3) } else { Heard(5) };
        let ms01 = if recent { Heard(5) } else { Heard(3) };
        t.run_roll_call(
            false,
            evening(7 * k + 1),
            &[("HS01", hs01), ("MS01", ms01), ("MS02", ClosedToday)],
        );
    }
    // everyone silent on a practice and a void roll-call this week
    let silent: Vec<(&str, Answer)> = ["HS01", "HS02", "HS03", "MS01", "MS02"]
        .into_iter()
        .map(|c| (c, NothingHeard))
        .collect();
    t.run_roll_call(true, evening(3), &silent);
    let voided = t.run_roll_call(false, evening(2), &silent);
    void(&mut t, voided.id);

    let zones = t.store.zone_weeks(t0(), TZ).unwrap();
    let names: Vec<&str> = zones.iter().map(|z| z.zone.as_str()).collect();
    assert_eq!(names, ["High Street", "Market Square"]);
    let (high, market) = (&zones[0], &zones[1]);
    assert_eq!(high.weeks.len(), 12);
    // this week (from Monday 23 November): two of three loud and clear
    assert_eq!(
        high.weeks[11].week,
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    );
    assert_eq!(
        (high.weeks[11].loud_and_clear, high.weeks[11].answers),
        (2, 3)
    );
    assert!((high.this_week().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    // MS02 closed every night: the Market Square's answers are MS01's alone
    assert_eq!(market.weeks[11].answers, 1);
    assert_eq!(market.this_week(), Some(1.0));
    // eight weeks of roll-calls, the four before them empty
    assert!(high.weeks[..4].iter().all(|w| w.answers == 0));
    assert!(high.weeks[4..].iter().all(|w| w.answers == 3));
    assert_eq!(high.trend, Some(Trend::Down));
    assert_eq!(market.trend, Some(Trend::Up));
}

#[test]
fn a_radio_relayed_on_three_of_its_last_five_calls_is_flagged_and_not_on_two() {
    let mut t = town();
    let ids = t.network();
    let flag = |t: &Town| {
        radio_health(&t.store, 10, t0(), TZ).unwrap().nights[&ids["HS03"]]
            .poor
            .map(|p| p.label())
    };
    let mut nights = (1..20).rev();
    let mut call = |t: &mut Town, a: Answer| {
        t.run_roll_call(false, evening(nights.next().unwrap()), &[("HS03", a)])
    };
    for a in [Heard(5), Heard(5), relay(), Heard(5), relay()] {
        call(&mut t, a);
    }
    assert_eq!(flag(&t), None, "relayed on two of the last five");
    // closed for the day is no call, and a void roll-call counts for nothing
    call(&mut t, ClosedToday);
    let voided = call(&mut t, relay());
    void(&mut t, voided.id);
    assert_eq!(flag(&t), None, "still two");
    call(&mut t, relay());
    assert_eq!(flag(&t).as_deref(), Some("relayed 3/5"));
    // two loud and clear calls later, the oldest relays fall out of the five
    call(&mut t, Heard(5));
    assert_eq!(flag(&t).as_deref(), Some("relayed 3/5"));
    call(&mut t, Heard(5));
    assert_eq!(flag(&t), None);
    // weak answers count as relays do
    for a in [Heard(2), Heard(1), Heard(2)] {
        call(&mut t, a);
    }
    assert_eq!(flag(&t).as_deref(), Some("weak 3/5"));
}

#[test]
fn a_zone_nobody_was_heard_in_has_a_share_of_none_not_a_failed_reading() {
    let mut t = town();
    t.network();
    let silent: Vec<(&str, Answer)> = ["HS01", "HS02", "HS03", "MS01", "MS02"]
        .into_iter()
        .map(|c| (c, NothingHeard))
        .collect();
    t.run_roll_call(false, evening(1), &silent);
    let read = radio_health(&t.store, 10, t0(), TZ).unwrap();
    let high = &read.zones[0];
    assert_eq!(high.zone, "High Street");
    assert_eq!(
        (high.weeks[11].loud_and_clear, high.weeks[11].answers),
        (0, 3)
    );
    assert_eq!(high.this_week(), Some(0.0));
}

#[test]
fn with_no_roll_calls_yet_there_is_nothing_to_read_and_nothing_fails() {
    let mut t = town();
    t.network();
    let read = radio_health(&t.store, 10, t0(), TZ).unwrap();
    assert!(read.nights.is_empty());
    assert!(read.zones.is_empty());
    assert!(read.coverage.is_empty());
}
