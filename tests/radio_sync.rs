//! Two coordinators on one roll-call, each at a console of their own: the
//! store on two connections to one real file (a clash on a step settled in
//! the store, never an SQL error; a station answered twice counts once), and
//! two consoles driven by keys that see each other's steps when the store
//! tells them it changed.

mod support;

use chrono::{DateTime, Duration, Utc};
use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::{Action, Level};
use watchroom::domain::rollcall::{Answer, Step};
use watchroom::store::rollcalls::{RollCallNews, StepKept};
use watchroom::store::{Operator, Store, StoreError};

fn at(minutes: i64) -> DateTime<Utc> {
    now() + Duration::minutes(minutes)
}

fn heard(n: u8) -> Step {
    Step::Answer(Answer::Heard(n))
}

/// The demo store, and two connections to it, one per coordinator.
fn two_connections() -> (tempfile::TempDir, Store, Operator, Store, Operator) {
    let (dir, path) = demo_store();
    let mut a = Store::open(&path).unwrap();
    let sam = a.operator_or_add("Sam Okafor", "operator", now()).unwrap();
    let mut b = Store::open(&path).unwrap();
    let tom = b.operator_or_add("Tom Baxter", "operator", now()).unwrap();
    (dir, a, sam, b, tom)
}

/// The steps kept for roll-call `id`: (seq, step, who took it).
fn kept_steps(store: &Store, id: i64) -> Vec<(i64, String, String)> {
    let c = rusqlite::Connection::open(store.path()).unwrap();
    let mut st = c
        .prepare(
            "SELECT s.seq, s.step, o.name FROM roll_call_steps s JOIN operators o ON o.id = s.operator_id
             WHERE s.roll_call_id = ?1 ORDER BY s.seq",
        )
        .unwrap();
    st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn clash(e: StoreError) -> String {
    match e {
        StoreError::RollCallClash(_) => e.describe(chrono_tz::Europe::Berlin),
        other => panic!("expected a clash the coordinator is told about, got {other:?}"),
    }
}

// ---------------------------------------------------------------- the store

#[test]
fn a_clash_on_one_step_number_is_settled_in_the_store_and_a_station_counts_once() {
    let (_dir, mut a, sam, mut b, tom) = two_connections();
    let open = a.start_roll_call(false, sam.id, at(0)).unwrap();
    let id = open.id;
    let theirs = b.open_roll_call().unwrap().expect("the same roll-call");
    assert_eq!((theirs.id, theirs.next_seq), (id, 0));
    let stations = &open.rollcall.stations;
    let (first, last) = (&stations[0].call_sign, &stations.last().unwrap().call_sign);

    // both hear the first station and press a key at once; Sam's lands first
    assert_eq!(
        a.record_roll_call_step(id, 0, &heard(5), sam.id, at(1))
            .unwrap(),
        StepKept::InTurn
    );
    let e = b
        .record_roll_call_step(id, 0, &heard(4), tom.id, at(1))
        .unwrap_err();
    assert_eq!(
        clash(e),
        format!("{first} was already answered by Sam Okafor at 13:01:00 (5 loud and clear): your 4 of 5 was not kept"),
        "who answered it and when, on the scheme's clock (Berlin here)"
    );
    let e = b
        .record_roll_call_step(id, 0, &heard(5), tom.id, at(1))
        .unwrap_err();
    assert_eq!(
        clash(e),
        format!("{first} was already answered by Sam Okafor at 13:01:00 (5 loud and clear), as you had it: it counts once")
    );

    // Tom's console reads only what is new since its copy
    let RollCallNews::Open { steps, next_seq } = b.roll_call_since(id, 0).unwrap() else {
        panic!("still open")
    };
    assert_eq!((steps, next_seq), (vec![heard(5)], 1));
    let RollCallNews::Open { steps, next_seq } = b.roll_call_since(id, 1).unwrap() else {
        panic!("still open")
    };
    assert!(steps.is_empty() && next_seq == 1, "nothing new from 1");

    // she answers the second station in turn
    assert_eq!(
        b.record_roll_call_step(id, 1, &heard(3), tom.id, at(2))
            .unwrap(),
        StepKept::InTurn
    );
    // Sam, not yet having read it, takes the last station's late check-in:
    // it means the same whatever came between, so it is kept after hers
    let late = Step::Late {
        call_sign: last.clone(),
        answer: Answer::Heard(4),
    };
    assert_eq!(
        a.record_roll_call_step(id, 1, &late, sam.id, at(3))
            .unwrap(),
        StepKept::AfterOthers
    );
    // Tom's undo, from a copy without Sam's step, would take his back
    let e = b
        .record_roll_call_step(id, 2, &Step::Undo, tom.id, at(4))
        .unwrap_err();
    assert_eq!(
        clash(e),
        "the roll-call moved on at Sam Okafor's console at 13:03:00: your undo was not kept; the screen shows it as it is now"
    );

    // each answer kept once, numbered in order, with who gave it
    assert_eq!(
        kept_steps(&a, id),
        [
            (0, "answer|heard:5".to_string(), "Sam Okafor".to_string()),
            (1, "answer|heard:3".to_string(), "Tom Baxter".to_string()),
            (2, format!("late|{last}|heard:4"), "Sam Okafor".to_string()),
        ]
    );
    let r = a.open_roll_call().unwrap().unwrap();
    assert_eq!(r.next_seq, 3);
    assert_eq!(r.rollcall.current(), Some(2), "the third station is called");
    assert_eq!(r.rollcall.summary().answered, 3);
}

/// Two coordinators answering every station as fast as they can, each on
/// its own connection and thread, each answering whatever its copy says is
/// being called: between them every station is answered exactly once, and
/// the only refusals are clashes they are told about.
#[test]
fn two_coordinators_racing_through_a_roll_call_count_each_station_once() {
    let (_dir, mut a, sam, b, tom) = two_connections();
    let open = a.start_roll_call(false, sam.id, at(0)).unwrap();
    let (id, n) = (open.id, open.rollcall.stations.len());
    let path = a.path().to_path_buf();
    drop(b);
    let racer = |who: Operator, readability: u8| {
        let path = path.clone();
        std::thread::spawn(move || {
            let mut store = Store::open(&path).unwrap();
            let mut mine = store.open_roll_call().unwrap().unwrap();
            let (mut kept, mut clashes) = (0, 0);
            while !mine.rollcall.is_finished() {
                let step = heard(readability);
                mine.rollcall.apply(step.clone()).unwrap();
                match store.record_roll_call_step(id, mine.next_seq, &step, who.id, at(1)) {
                    Ok(StepKept::InTurn) => {
                        kept += 1;
                        mine.next_seq += 1;
                        continue;
                    }
                    Ok(StepKept::AfterOthers) => kept += 1,
                    Err(StoreError::RollCallClash(_)) => clashes += 1,
                    Err(other) => panic!("{} was shown: {other}", who.name),
                }
                // read it afresh, as the console does
                match store.open_roll_call_by_id(id).unwrap() {
                    Some(fresh) => mine = fresh,
                    None => break,
                }
            }
            (kept, clashes)
        })
    };
    let sams = racer(sam.clone(), 5);
    let toms = racer(tom, 4);
    let (sam_kept, sam_clashes) = sams.join().unwrap();
    let (tom_kept, tom_clashes) = toms.join().unwrap();
    eprintln!(
        "{n} stations: Sam kept {sam_kept} ({sam_clashes} clashes), Tom {tom_kept} ({tom_clashes})"
    );
    assert_eq!(sam_kept + tom_kept, n, "one step per station between them");
    let steps = kept_steps(&a, id);
    assert_eq!(steps.len(), n);
    assert!(
        steps.iter().enumerate().all(|(i, s)| s.0 == i as i64),
        "numbered 0 to {n} with no gap"
    );
    let r = a.open_roll_call().unwrap().unwrap();
    assert!(r.rollcall.is_finished());
    assert_eq!(r.rollcall.summary().answered, n);
    let s = a.finish_roll_call(&r, sam.id, at(5)).unwrap();
    assert_eq!((s.expected, s.answered, s.late), (n, n, 0));
}

#[test]
fn data_version_moves_for_another_connections_commits_only() {
    let (_dir, mut a, sam, mut b, tom) = two_connections();
    let before = a.data_version().unwrap();
    a.log_radio("HS01", "signing on", sam.id, at(0)).unwrap();
    assert_eq!(
        a.data_version().unwrap(),
        before,
        "a connection's own commit leaves it"
    );
    b.log_radio("HS02", "signing on", tom.id, at(1)).unwrap();
    assert_ne!(
        a.data_version().unwrap(),
        before,
        "another connection's moves it"
    );
}

#[test]
fn tonights_real_roll_call_is_found_open_or_saved_with_who_began_and_saved_it() {
    let (_dir, mut a, sam, mut b, tom) = two_connections();
    let tz = chrono_tz::Europe::London;
    let (from, to) = watchroom::domain::rollcall::night_of(at(0), tz);
    assert!(a.real_roll_call_between(from, to).unwrap().is_none());
    let practice = a.start_roll_call(true, sam.id, at(0)).unwrap();
    a.record_roll_call_step(practice.id, 0, &Step::Finish, sam.id, at(1))
        .unwrap();
    let mut p = a.open_roll_call().unwrap().unwrap();
    assert!(p.rollcall.is_finished());
    a.finish_roll_call(&p, sam.id, at(1)).unwrap();
    assert!(
        a.real_roll_call_between(from, to).unwrap().is_none(),
        "a practice one is not tonight's roll-call"
    );
    let open = a.start_roll_call(false, sam.id, at(10)).unwrap();
    let found = b.real_roll_call_between(from, to).unwrap().expect("open");
    assert_eq!(
        (found.id, found.started_by.as_str(), found.finished_at),
        (open.id, "Sam Okafor", None)
    );
    b.record_roll_call_step(open.id, 0, &Step::Finish, tom.id, at(11))
        .unwrap();
    p = b.open_roll_call().unwrap().unwrap();
    b.finish_roll_call(&p, tom.id, at(12)).unwrap();
    let found = a.real_roll_call_between(from, to).unwrap().expect("saved");
    assert_eq!(
        (
            found.started_by.as_str(),
            found.finished_by.as_str(),
            found.finished_at
        ),
        ("Sam Okafor", "Tom Baxter", Some(at(12)))
    );
    // the next evening has none
    let (from, to) = watchroom::domain::rollcall::night_of(at(24 * 60), tz);
    assert!(a.real_roll_call_between(from, to).unwrap().is_none());
    // Sam's copy, saved at Tom's console meanwhile: his step is refused, saying so
    let e = a
        .record_roll_call_step(open.id, 1, &heard(5), sam.id, at(13))
        .unwrap_err();
    assert_eq!(
        e.describe(tz),
        "the roll-call was saved by Tom Baxter at 12:12:00: your answer (5 loud and clear) was not kept"
    );
}

// ---------------------------------------------------------------- two consoles

/// A console for `who` on `path`, on the scheme's clock in Berlin (so a time
/// shown in UTC would be seen to be wrong), the radio pane showing.
fn coordinator(path: &std::path::Path, who: &str) -> Console {
    let config = Config {
        timezone: "Europe/Berlin".into(),
        ..Config::default()
    };
    let mut c = console_on(path, who, config);
    c.keys("5");
    c
}

fn calling(c: &Console) -> Option<usize> {
    c.app.radio.rollcall.as_ref()?.rollcall.current()
}

fn entry(c: &Console, i: usize) -> Option<Answer> {
    let r = &c.app.radio.rollcall.as_ref()?.rollcall;
    r.entry(i).map(|e| e.answer.clone())
}

/// No store error anywhere on the screen or in the message line.
fn no_store_error(c: &Console) {
    let text = c.text();
    assert!(!text.contains("store error"), "{text}");
    assert!(
        !c.app
            .message
            .as_ref()
            .is_some_and(|m| m.level == Level::Error),
        "{:?}",
        c.app.message
    );
    assert!(c.app.store_ok);
}

#[test]
fn two_consoles_on_one_roll_call_see_each_others_steps() {
    let (_dir, path) = demo_store();
    let mut a = coordinator(&path, "Sam Okafor");
    let mut b = coordinator(&path, "Tom Baxter");
    a.keys("R");
    let n = a.roll_call().stations.len();
    let stations = a.roll_call().stations.clone();
    // B learns of it without a key
    b.update(Action::StoreChanged);
    assert!(
        b.text().contains(&format!("Now calling (1 of {n})")),
        "{}",
        b.text()
    );
    // and R on B carries on with it, saying who began it
    b.keys("R");
    assert!(
        b.app
            .message
            .as_ref()
            .unwrap()
            .text
            .contains("carrying on with the roll-call begun at 13:00 by Sam Okafor"),
        "{:?}",
        b.app.message
    );

    // A answers; B sees the step and who is called now
    a.keys("5");
    b.update(Action::StoreChanged);
    assert_eq!(calling(&b), Some(1));
    assert_eq!(entry(&b, 0), Some(Answer::Heard(5)));
    let screen = b.text();
    assert!(
        screen.contains(&format!("Now calling (2 of {n})")),
        "{screen}"
    );
    assert!(screen.contains(&stations[1].call_sign), "{screen}");
    // B answers the next; A sees it
    b.keys("4");
    no_store_error(&b);
    a.update(Action::StoreChanged);
    assert_eq!(calling(&a), Some(2));
    assert_eq!(entry(&a, 1), Some(Answer::Heard(4)));
    assert!(a.text().contains(&format!("Now calling (3 of {n})")));
    // a late check-in on A reaches B too
    a.keys("i");
    a.keys(&format!("{} 3", stations[n - 1].call_sign));
    a.key(KeyCode::Enter);
    b.update(Action::StoreChanged);
    assert_eq!(entry(&b, n - 1), Some(Answer::Heard(3)));

    // a console's own commits wake it too; they are on screen already, and
    // are not read again
    let reads = a.app.radio.rollcall_reads;
    a.keys("5");
    a.update(Action::StoreChanged);
    assert_eq!(
        a.app.radio.rollcall_reads, reads,
        "no read for its own step"
    );
    let reads = b.app.radio.rollcall_reads;
    b.update(Action::StoreChanged);
    assert_eq!(b.app.radio.rollcall_reads, reads + 1, "one for the other's");
    assert_eq!(calling(&b), Some(3));
    // woken again with nothing new from anyone: nothing read
    b.update(Action::StoreChanged);
    assert_eq!(b.app.radio.rollcall_reads, reads + 1);

    // A finishes and saves; B shows the outcome
    a.keys("Fy");
    a.key(KeyCode::Enter);
    assert!(a.app.radio.rollcall.is_none(), "saved");
    b.update(Action::StoreChanged);
    assert!(b.app.radio.rollcall.is_none());
    assert_eq!(
        b.app.message.as_ref().unwrap().text,
        "the roll-call was saved by Sam Okafor at 13:00"
    );
    assert!(
        b.text().contains(&format!("Saved: 4 of {n} answered")),
        "{}",
        b.text()
    );
    no_store_error(&a);
    no_store_error(&b);
}

#[test]
fn both_answering_the_same_station_keeps_the_first_and_tells_the_second_who_and_when() {
    let (_dir, path) = demo_store();
    let mut a = coordinator(&path, "Sam Okafor");
    let mut b = coordinator(&path, "Tom Baxter");
    a.keys("R55");
    b.update(Action::StoreChanged);
    let station = calling(&b).unwrap();
    assert_eq!(station, 2);
    let call_sign = b.roll_call().stations[station].call_sign.clone();
    // both hear the third station; A's key lands first, a minute later B's
    a.clock.advance(Duration::minutes(4));
    b.clock.advance(Duration::minutes(5));
    a.keys("5");
    b.keys("3");
    let m = b.app.message.clone().unwrap();
    assert_eq!(
        (m.level, m.text.as_str()),
        (
            Level::Warn,
            format!("{call_sign} was already answered by Sam Okafor at 13:04:00 (5 loud and clear): your 3 of 5 was not kept").as_str()
        )
    );
    // B shows the roll-call as it is: A's answer, the next station called
    assert_eq!(entry(&b, station), Some(Answer::Heard(5)));
    assert_eq!(calling(&b), Some(station + 1));
    no_store_error(&b);
    // the same answer from both: said, and counted once
    a.keys("4");
    b.keys("4");
    assert!(b
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .ends_with("(4 of 5), as you had it: it counts once"));
    // B carries on in turn with no error
    b.keys("2");
    no_store_error(&b);
    a.update(Action::StoreChanged);
    assert_eq!(entry(&a, station + 2), Some(Answer::Heard(2)));
    let steps = a
        .worker
        .open_roll_call()
        .unwrap()
        .unwrap()
        .rollcall
        .steps
        .len();
    assert_eq!(steps, 5, "five stations answered, each once");
}

#[test]
fn a_second_real_roll_call_tonight_asks_first_saying_when_and_by_whom() {
    let (_dir, path) = demo_store();
    let mut a = coordinator(&path, "Sam Okafor");
    let mut b = coordinator(&path, "Tom Baxter");
    let count = |c: &Console| c.worker.roll_calls(100).unwrap().len();
    let before = count(&a);
    a.keys("R");
    a.clock.advance(Duration::minutes(25));
    a.keys("Fy");
    a.key(KeyCode::Enter);
    assert!(a.app.radio.rollcall.is_none(), "saved");

    // B (which never saw it) presses R: asked first
    b.clock.advance(Duration::minutes(40));
    b.keys("R");
    let Some(q) = b.app.question() else {
        panic!("asked first: {:?}", b.app.message)
    };
    let question = "Tonight already has a roll-call: started at 13:00 by Sam Okafor, saved at 13:25 by Sam Okafor. Start another?  y/Enter start it · n/Esc do not";
    assert_eq!(q.question, question);
    let screen = b.text();
    assert!(
        screen.contains("started at 13:00 by Sam Okafor"),
        "{screen}"
    );
    assert!(screen.contains("y/Enter start it"), "{screen}");
    // other keys do nothing while it asks; n does not start one
    b.keys("5x");
    assert!(b.app.question().is_some());
    b.keys("n");
    assert!(b.app.nothing_open() && b.app.radio.rollcall.is_none());
    assert_eq!(
        b.app.message.as_ref().unwrap().text,
        "no second roll-call started"
    );
    assert_eq!(count(&b), before + 1);
    // Esc does not either
    b.keys("R");
    b.key(KeyCode::Esc);
    assert_eq!(count(&b), before + 1);

    // a practice roll-call does not ask
    b.keys("T");
    assert!(b.app.nothing_open());
    assert!(b.app.radio.rollcall.as_ref().unwrap().practice);
    b.keys("Fy");
    b.key(KeyCode::Enter);
    assert_eq!(count(&b), before + 2);

    // y (or Enter) starts the second one
    b.keys("R");
    assert!(b.app.question().is_some());
    b.key(KeyCode::Enter);
    let open = b.app.radio.rollcall.as_ref().expect("a second one");
    assert!(!open.practice && open.rollcall.steps.is_empty());
    assert_eq!(count(&b), before + 3);
    // with it open, R on A carries on with it rather than asking
    a.update(Action::StoreChanged);
    a.keys("R");
    assert!(a.app.nothing_open());
    assert!(a
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .starts_with("carrying on with the roll-call begun at 13:40 by Tom Baxter"));
    assert_eq!(count(&a), before + 3);
}
