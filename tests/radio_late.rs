//! The coordinator's evening after the call, driven by keys: `F` asks first
//! with stations uncalled, late check-ins and corrections (`i`, `C`) during
//! the call, once it has ended and once it is saved, seen on a second
//! console; a roll-call voided (`X`) or made practice; the handover counting
//! the real one. On the demo and on a store made from empty.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::domain::rollcall::Answer;

/// Type a line on the radio pane's line and press Enter.
fn line(c: &mut Console, key: &str, text: &str) {
    c.keys(key);
    c.keys(text);
    c.key(KeyCode::Enter);
}

fn line_error(c: &Console) -> String {
    c.app
        .input
        .as_ref()
        .and_then(|i| i.error.clone())
        .unwrap_or_default()
}

#[test]
fn finishing_early_asks_first_and_late_answers_and_corrections_come_after_saving() {
    let mut c = demo_console();
    c.keys("5R");
    let stations = c.roll_call().stations.clone();
    let n = stations.len();
    c.keys("5n4"); // three called; HS of the second silent
    c.keys("F");
    let asked = c.text();
    assert!(
        asked.contains(&format!(
            "{} stations not called yet and 1 to call again",
            n - 3
        )),
        "{asked}"
    );
    c.keys("n");
    assert!(!c.roll_call().is_finished(), "no: the call goes on");
    c.keys("Fy");
    assert!(c.roll_call().is_finished());

    // before saving: a late check-in for one counted as nothing heard
    line(&mut c, "i", &format!("{} 3", stations[5].call_sign));
    let e = c.roll_call().entry(5).unwrap().clone();
    assert_eq!((e.answer, e.late), (Answer::Heard(3), true));
    c.key(KeyCode::Enter); // save
    assert!(c.app.radio.rollcall.is_none(), "saved");
    let id = c.worker.roll_calls(1).unwrap()[0].id;
    let saved = c.worker.roll_call_record(id).unwrap().unwrap().summary;
    assert_eq!((saved.answered, saved.late), (3, 1));

    // a second console, open beside it
    let mut other = console_on(&c.path, "Tom Baxter", Config::default());
    other.keys("5");
    assert!(other.text().contains("Saved: 3 of"), "{}", other.text());

    // after saving: the second station heard late, the first corrected
    line(
        &mut c,
        "i",
        &format!("{} 4", stations[1].call_sign.to_lowercase()),
    );
    assert!(c.app.input.is_none(), "{}", line_error(&c));
    line(&mut c, "C", &format!("{} 4", stations[0].call_sign));
    assert!(c.app.input.is_none(), "{}", line_error(&c));
    assert!(
        message(&c).contains("corrected to 4 of 5"),
        "{}",
        message(&c)
    );
    let s = c.worker.roll_call_record(id).unwrap().unwrap().summary;
    assert_eq!((s.answered, s.late, s.corrected), (4, 2, 1));
    assert!(c.text().contains("1 corrected"), "{}", c.text());
    // a late check-in for one already heard is refused, the line kept
    line(&mut c, "i", &format!("{} 2", stations[2].call_sign));
    assert!(line_error(&c).contains("correct the answer instead"));
    c.key(KeyCode::Esc);

    other.update(watchroom::app::Action::StoreChanged);
    assert!(other.text().contains("Saved: 4 of"), "{}", other.text());
    assert!(
        other.text().contains("2 late · 1 corrected"),
        "{}",
        other.text()
    );
    assert_eq!(
        count(
            &c.path,
            &format!("SELECT COUNT(*) FROM audit WHERE entity = 'rollcall' AND entity_id = {id} AND action IN ('late', 'correct')")
        ),
        3
    );

    // the handover counts it, and not a practice one held after
    c.keys("T");
    c.keys("Fy");
    c.key(KeyCode::Enter);
    let shift = c.app.shift().expect("the shift under way").clone();
    let facts = c.worker.handover_facts(&shift, support::now()).unwrap();
    let real = facts.roll_call.expect("tonight's real roll-call");
    assert!(!real.practice);
    assert_eq!(real.answered, 4);
    assert_eq!(facts.practice_roll_calls.len(), 1);
}

#[test]
fn a_roll_call_begun_by_mistake_is_voided_with_why_on_a_store_made_from_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(dir.path(), "Dana Chief", "The Old Bell", &["MS01", "MS02"]);
    let mut c = console_on(&path, "Cleo Desk", Config::default());
    c.keys("5R");
    c.keys("n");
    // no reason: refused, the line kept open
    line(&mut c, "X", "");
    assert!(line_error(&c).contains("say why"), "{}", line_error(&c));
    c.keys("started by mistake");
    c.key(KeyCode::Enter);
    assert!(
        c.text().contains("Void the roll-call begun at"),
        "{}",
        c.text()
    );
    c.keys("y");
    assert!(c.app.radio.rollcall.is_none());
    assert!(message(&c).contains("voided"), "{}", message(&c));
    let r = &c.worker.roll_calls(1).unwrap()[0];
    assert_eq!(r.voided.as_ref().unwrap().reason, "started by mistake");
    assert!(c.worker.recent_answers(10).unwrap().is_empty());
    // R starts tonight's without asking about the void one
    c.keys("R");
    assert!(c.app.radio.rollcall.is_some(), "{}", c.text());
    c.keys("55");
    c.key(KeyCode::Enter);
    // and it can be made a practice one after all
    c.update(watchroom::app::Action::AskMakePractice);
    c.keys("y");
    let r = &c.worker.roll_calls(1).unwrap()[0];
    assert!(r.practice && r.voided.is_none());
    assert!(c.worker.recent_answers(10).unwrap().is_empty());
}
