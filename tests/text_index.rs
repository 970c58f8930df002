//! The full-text index, as the store keeps it: every kind of free text is
//! found by its words the moment it is saved, an edit's old words stop
//! finding it, and a renamed member's incidents are found by the new name.
//! On the demo and on a store made from empty.

mod support;

use rusqlite::Connection;
use support::*;
use watchroom::domain::member::MemberStatus;
use watchroom::domain::sighting::NewSighting;
use watchroom::domain::words::match_query;
use watchroom::domain::{IncidentEdit, IncidentFilter, NewIncident, Place, Priority, StatusView};
use watchroom::store::members::MemberEdit;
use watchroom::store::sightings::HitRules;
use watchroom::store::{Anchor, Store};

/// What the index finds for the words, as (kind, source id): 1 incident,
/// 2 note, 3 log entry, 4 radio message, 5 sighting, 6 hit.
fn found(path: &std::path::Path, words: &[&str]) -> Vec<(i64, i64)> {
    let c = Connection::open(path).unwrap();
    let q = match_query(words).unwrap();
    let mut st = c
        .prepare(
            "SELECT rowid & 7, rowid >> 3 FROM text_index WHERE text_index MATCH ?1 ORDER BY rowid",
        )
        .unwrap();
    st.query_map([q], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn board(s: &Store, words: &[&str]) -> Vec<i64> {
    let f = IncidentFilter {
        status: StatusView::All,
        text: words.iter().map(|w| w.to_string()).collect(),
        ..Default::default()
    };
    s.board_window(&f, Anchor::First, 100)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn every_kind_of_free_text_is_found_as_it_is_saved() {
    let (_dir, path) = demo_store();
    let mut s = Store::open(&path).unwrap();
    let op = s
        .operator_or_add("Sam Okafor", "operator", now())
        .unwrap()
        .id;
    let incident = s
        .create_incident(
            &NewIncident {
                kind: "theft".into(),
                priority: Priority::Medium,
                place: Place {
                    location: "by the quokka fountain".into(),
                    ..Default::default()
                },
                summary: "Male took perfume".into(),
                opened_at: now(),
            },
            op,
            now(),
        )
        .unwrap()
        .id;
    assert_eq!(found(&path, &["quokka"]), [(1, incident)]);
    let note = s
        .add_note(incident, "Wearing a red quokka coat", None, op, now())
        .unwrap();
    let log = s
        .add_log_entry(None, op, "Quokka sticker left on the door", None, now())
        .unwrap()
        .id;
    let call_sign: String = Connection::open(&path)
        .unwrap()
        .query_row("SELECT call_sign FROM radios LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let radio = s
        .log_radio(&call_sign, "quokka seen heading to the station", op, now())
        .unwrap()
        .id;
    let rules = HitRules::default();
    let sighting = s
        .record_sighting(
            &NewSighting {
                at: now(),
                camera_id: None,
                zone_id: None,
                location: "Market".into(),
                offender_id: None,
                description: "male, grey hoodie".into(),
                note: "quokka tattoo on the neck".into(),
                incident_id: None,
            },
            &rules,
            op,
            now(),
        )
        .unwrap()
        .sighting_id;
    let (hit, version): (i64, i64) = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT id, version FROM hits WHERE status = 'new' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    s.decide_hit(hit, version, true, "quokka warned and moved on", op, now())
        .unwrap();
    let mut every = vec![
        (1, incident),
        (2, note),
        (3, log),
        (4, radio),
        (5, sighting),
        (6, hit),
    ];
    every.sort_by_key(|(kind, id)| id * 8 + kind);
    assert_eq!(found(&path, &["quokka"]), every);
    // words together, in any order, each the start of a word; case and accents folded
    assert_eq!(found(&path, &["COAT", "réd"]), [(2, note)]);
    assert_eq!(found(&path, &["quok", "neck"]), [(5, sighting)]);
    assert!(
        found(&path, &["uokka"]).is_empty(),
        "not from inside a word"
    );
}

#[test]
fn an_edit_moves_the_words_and_a_renamed_member_is_found_by_the_new_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scheme.db");
    let mut s = Store::open(&path).unwrap();
    let op = s
        .operator_or_add("Dana Chief", "manager", now())
        .unwrap()
        .id;
    let zone = s.add_zone("Market Square", "MS", op, now()).unwrap().id;
    let shop = |name: &str| MemberEdit {
        name: name.into(),
        kind: "shop".into(),
        zone_id: zone,
        address: "2 Market Square".into(),
        status: MemberStatus::Active,
        joined_on: None,
        renewal_on: None,
        agreement_version: None,
        agreement_signed_on: None,
        fee_paid_pence: 0,
    };
    let member = s.add_member(&shop("Pemberton Books"), op, now()).unwrap();
    let i = s
        .create_incident(
            &NewIncident {
                kind: "theft".into(),
                priority: Priority::Low,
                place: Place {
                    member_id: Some(member),
                    ..Default::default()
                },
                summary: "Atlas taken from the window".into(),
                opened_at: now(),
            },
            op,
            now(),
        )
        .unwrap();
    assert_eq!(board(&s, &["atlas"]), [i.id]);
    assert_eq!(board(&s, &["pemberton"]), [i.id], "found by its place");

    let mut edit = IncidentEdit::from_incident(&i);
    edit.summary = "Globe taken from the window".into();
    s.update_incident(i.id, i.version, &edit, op, now())
        .unwrap();
    assert!(board(&s, &["atlas"]).is_empty(), "the old word is gone");
    assert_eq!(board(&s, &["globe"]), [i.id]);

    s.edit_member(
        member,
        1,
        &shop("Hartley Books"),
        op,
        now(),
        now().date_naive(),
    )
    .unwrap();
    assert!(board(&s, &["pemberton"]).is_empty());
    assert_eq!(board(&s, &["hartley", "globe"]), [i.id]);
}

#[test]
fn the_board_marks_the_words_typed_in_the_rows_it_found() {
    use ratatui::style::Modifier;
    let mut c = demo_console();
    c.press('1');
    c.update(watchroom::app::Action::SetFilter(
        "status:all filled bag".into(),
    ));
    assert!(!c.app.board.rows.is_empty(), "the demo has bags filled");
    let term = c.screen(120, 40);
    let buf = term.backend().buffer();
    // the first row found, and where its words lie on screen
    let row = (0..40u16)
        .find(|y| {
            let line: String = (0..120u16).map(|x| buf[(x, *y)].symbol()).collect();
            line.contains("filled bags")
        })
        .expect("a row with the words");
    let line: String = (0..120u16).map(|x| buf[(x, row)].symbol()).collect();
    // a column, counted in cells (the borders are wider than a byte)
    let at = |word: &str| line[..line.find(word).unwrap()].chars().count() as u16;
    let marked = |x: u16| buf[(x, row)].modifier.contains(Modifier::UNDERLINED);
    let filled = at("filled");
    assert!((filled..filled + 6).all(marked), "“filled” is marked");
    let bags = at("bags");
    assert!((bags..bags + 3).all(marked), "the typed “bag” of “bags”");
    assert!(!marked(bags + 3), "not the letter past what was typed");
    let two = at("Two");
    assert!(!marked(two), "a word not typed is not marked");
}

#[test]
fn a_start_finds_every_word_it_begins_however_many_and_whatever_its_letters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scheme.db");
    let mut s = Store::open(&path).unwrap();
    let op = s
        .operator_or_add("Dana Chief", "manager", now())
        .unwrap()
        .id;
    let mut logged = |summary: String| {
        s.create_incident(
            &NewIncident {
                kind: "theft".into(),
                priority: Priority::Low,
                place: Place {
                    location: "High Street".into(),
                    ..Default::default()
                },
                summary,
                opened_at: now(),
            },
            op,
            now(),
        )
        .unwrap()
        .id
    };
    // fifty references beginning 317, each a word of its own, and a
    // reference that only holds 317 inside it
    let refs: Vec<i64> = (0..50).map(|k| logged(format!("ref 317{k:03}"))).collect();
    logged("ref 4317".into());
    // words with accents, typed with and without them
    let zoe = logged("Zoë seen by the Café".into());
    logged("Zoo trip".into());
    let s = Store::open(&path).unwrap();
    assert_eq!(board(&s, &["317"]), refs);
    assert_eq!(board(&s, &["31704"]), refs[40..].to_vec());
    assert_eq!(board(&s, &["317045"]), [refs[45]]);
    assert_eq!(board(&s, &["zoë"]), [zoe]);
    assert_eq!(board(&s, &["zoe"]), [zoe]);
    assert_eq!(board(&s, &["caf"]), [zoe]);
    assert_eq!(board(&s, &["CAFÉ"]), [zoe]);
    assert!(board(&s, &["zoet"]).is_empty());
}
