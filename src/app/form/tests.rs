//! A form's keys: moving between fields, choices, places and saving.
use super::*;
use crossterm::event::KeyModifiers;

fn k(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// A key pressed in a form with the default keys.
trait Press {
    fn key(&mut self, key: KeyEvent, suggest: &mut dyn Suggest) -> FormOutcome;
}
impl Press for Form {
    fn key(&mut self, key: KeyEvent, suggest: &mut dyn Suggest) -> FormOutcome {
        static KEYS: std::sync::OnceLock<Keymap> = std::sync::OnceLock::new();
        self.handle_key(key, KEYS.get_or_init(Keymap::default), suggest)
    }
}

fn town() -> (Vec<Zone>, Vec<Member>) {
    (
        vec![
            Zone {
                id: 1,
                name: "High Street".into(),
                ..Default::default()
            },
            Zone {
                id: 2,
                name: "Market Square".into(),
                ..Default::default()
            },
        ],
        vec![Member {
            id: 9,
            name: "Highland Outdoor".into(),
            kind: "shop".into(),
            zone_id: 2,
        }],
    )
}

/// A key pressed in a form whose places come from this town.
fn press(f: &mut Form, code: KeyCode, z: &[Zone], m: &[Member]) -> FormOutcome {
    f.key(
        k(code),
        &mut PlacesOnly {
            zones: z,
            members: m,
        },
    )
}

fn type_in(f: &mut Form, s: &str, z: &[Zone], m: &[Member]) {
    for c in s.chars() {
        f.key(
            k(KeyCode::Char(c)),
            &mut PlacesOnly {
                zones: z,
                members: m,
            },
        );
    }
}

#[test]
fn a_place_resolves_to_the_highlighted_suggestion() {
    let (z, m) = town();
    let mut f = Form::new(
        "t",
        vec![
            Field::place(FieldKey::Where, "", None, ""),
            Field::text(FieldKey::Note, "", ""),
        ],
    );
    type_in(&mut f, "high", &z, &m);
    match &f.fields[0].kind {
        FieldKind::Place { suggestions, .. } => assert_eq!(suggestions.len(), 2),
        _ => unreachable!(),
    }
    press(&mut f, KeyCode::Down, &z, &m); // Highland Outdoor
    press(&mut f, KeyCode::Tab, &z, &m); // Tab is not a form key here; Enter moves on
    press(&mut f, KeyCode::Enter, &z, &m);
    assert_eq!(f.focus, 1);
    assert_eq!(f.fields[0].value(), "Highland Outdoor");
    assert_eq!(
        f.fields[0].place_value(),
        Place {
            zone_id: Some(2),
            member_id: Some(9),
            location: String::new()
        }
    );
}

#[test]
fn free_text_is_kept_when_nothing_matches_or_as_typed_is_picked() {
    let (z, m) = town();
    let mut f = Form::new(
        "t",
        vec![
            Field::place(FieldKey::Where, "", None, ""),
            Field::text(FieldKey::Note, "", ""),
        ],
    );
    type_in(&mut f, "by the bus station", &z, &m);
    press(&mut f, KeyCode::Enter, &z, &m);
    assert_eq!(f.fields[0].place_value().location, "by the bus station");
    assert_eq!(f.fields[0].place_value().zone_id, None);

    let mut f = Form::new(
        "t",
        vec![
            Field::place(FieldKey::Where, "", None, ""),
            Field::text(FieldKey::Note, "", ""),
        ],
    );
    type_in(&mut f, "market", &z, &m);
    press(&mut f, KeyCode::Up, &z, &m); // wraps to “as typed”
    press(&mut f, KeyCode::Enter, &z, &m);
    assert_eq!(
        f.fields[0].place_value(),
        Place {
            zone_id: None,
            member_id: None,
            location: "market".into()
        }
    );
}

#[test]
fn choices_cycle_and_jump_by_letter_or_number() {
    let (z, m) = town();
    let prio = vec![
        "P1 urgent".to_string(),
        "P2 high".into(),
        "P3 medium".into(),
        "P4 low".into(),
    ];
    let mut f = Form::new("t", vec![Field::choice(FieldKey::Priority, prio, 2, "")]);
    press(&mut f, KeyCode::Char('1'), &z, &m);
    assert_eq!(f.fields[0].choice_index(), 0);
    press(&mut f, KeyCode::Left, &z, &m);
    assert_eq!(f.fields[0].value(), "P4 low");
    press(&mut f, KeyCode::Char('h'), &z, &m);
    assert_eq!(f.fields[0].value(), "P2 high");
}

#[test]
fn escape_asks_before_throwing_away_typed_input() {
    let (z, m) = town();
    let mut f = Form::new("t", vec![Field::text(FieldKey::Note, "", "")]);
    assert!(matches!(
        press(&mut f, KeyCode::Esc, &z, &m),
        FormOutcome::Cancel
    ));
    type_in(&mut f, "x", &z, &m);
    assert!(matches!(
        press(&mut f, KeyCode::Esc, &z, &m),
        FormOutcome::Continue
    ));
    assert!(f.confirm_discard);
    assert!(matches!(
        press(&mut f, KeyCode::Char('n'), &z, &m),
        FormOutcome::Continue
    ));
    assert_eq!(f.fields[0].value(), "x");
    press(&mut f, KeyCode::Esc, &z, &m);
    assert!(matches!(
        press(&mut f, KeyCode::Char('y'), &z, &m),
        FormOutcome::Cancel
    ));
}

#[test]
fn enter_on_the_last_field_submits() {
    let (z, m) = town();
    let mut f = Form::new(
        "t",
        vec![
            Field::text(FieldKey::Name, "", ""),
            Field::text(FieldKey::Note, "", ""),
        ],
    );
    assert!(matches!(
        press(&mut f, KeyCode::Enter, &z, &m),
        FormOutcome::Continue
    ));
    assert!(matches!(
        press(&mut f, KeyCode::Enter, &z, &m),
        FormOutcome::Submit
    ));
}

#[test]
fn a_field_the_form_does_not_have_is_refused_with_its_name_not_a_crash() {
    let f = Form::new("t", vec![Field::text(FieldKey::Note, "seen", "")]);
    assert_eq!(f.field(FieldKey::Note).unwrap().value(), "seen");
    let refused = f.field(FieldKey::Reason).unwrap_err().to_string();
    assert!(refused.contains("Reason"), "{refused}");
    assert!(refused.contains("nothing was saved"), "{refused}");
}
