//! The keymap's own tests: the default table, rebinding, key names.

use super::*;
use crossterm::event::{KeyCode, KeyModifiers};

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn default_keys_are_the_ones_operators_know() {
    let k = Keymap::default();
    let list = [Context::List, Context::Global];
    assert_eq!(k.lookup(&key('j'), &list), Some(Command::Down));
    assert_eq!(
        k.lookup(&KeyEvent::new(KeyCode::Down, KeyModifiers::NONE), &list),
        Some(Command::Down)
    );
    assert_eq!(
        k.lookup(
            &KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT),
            &list
        ),
        Some(Command::Bottom)
    );
    assert_eq!(k.lookup(&key('?'), &list), Some(Command::Help));
    assert_eq!(
        k.lookup(
            &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
            &list
        ),
        Some(Command::Quit)
    );
    assert_eq!(
        k.lookup(&key('c'), &list),
        None,
        "close is only for an incident"
    );
    assert_eq!(
        k.lookup(&key('c'), &[Context::Incident]),
        Some(Command::CloseIncident)
    );
    let members = [Context::Members, Context::List, Context::Global];
    assert_eq!(k.lookup(&key('e'), &members), Some(Command::EditMember));
    assert_eq!(k.lookup(&key('c'), &members), Some(Command::AddContact));
}

#[test]
fn keys_can_be_rebound_and_help_follows() {
    let mut o = BTreeMap::new();
    o.insert(
        "new_incident".to_string(),
        vec!["w".to_string(), "F2".to_string()],
    );
    let (k, w) = Keymap::new(&o);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(
        k.lookup(&key('w'), &[Context::Global]),
        Some(Command::NewIncident)
    );
    assert_eq!(k.lookup(&key('n'), &[Context::Global]), None);
    assert_eq!(k.key_for(Command::NewIncident), "w");
    let help_line = k
        .bindings()
        .iter()
        .find(|b| b.command == Command::NewIncident)
        .unwrap();
    assert_eq!(
        help_line.keys.iter().map(|k| k.label()).collect::<Vec<_>>(),
        vec!["w", "F2"]
    );
}

#[test]
fn bad_rebindings_are_reported_and_the_default_kept() {
    let mut o = BTreeMap::new();
    o.insert("fly".to_string(), vec!["x".to_string()]);
    o.insert("quit".to_string(), vec!["ctrl-banana".to_string()]);
    o.insert("help".to_string(), vec!["j".to_string()]);
    let (k, w) = Keymap::new(&o);
    assert!(
        w.iter().any(|m| m.contains("unknown command “fly”")),
        "{w:?}"
    );
    assert!(w.iter().any(|m| m.contains("ctrl-banana")), "{w:?}");
    assert!(w.iter().any(|m| m.contains("bound to both")), "{w:?}");
    assert_eq!(k.lookup(&key('q'), &[Context::Global]), Some(Command::Quit));
}

#[test]
fn key_names_parse_and_print() {
    for (s, label) in [
        ("ctrl-n", "Ctrl-n"),
        ("G", "G"),
        ("pagedown", "PgDn"),
        ("f1", "F1"),
        ("space", "space"),
        ("shift-tab", "Shift-Tab"),
    ] {
        assert_eq!(KeyCombo::parse(s).unwrap().label(), label);
    }
    assert!(KeyCombo::parse("").is_err());
    assert!(KeyCombo::parse("f99").is_err());
}

#[test]
fn the_default_table_has_no_clashes() {
    let (_, w) = Keymap::new(&BTreeMap::new());
    assert!(w.is_empty(), "{w:?}");
}

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn forms_the_line_the_lock_screen_and_questions_have_their_keys() {
    let k = Keymap::default();
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    let form = [Context::Form];
    assert_eq!(
        k.lookup(&press(KeyCode::Esc), &form),
        Some(Command::CancelForm)
    );
    assert_eq!(
        k.lookup(&press(KeyCode::Enter), &form),
        Some(Command::NextOrSave)
    );
    assert_eq!(
        k.lookup(&key(' '), &form),
        Some(Command::ChoiceNext),
        "space cycles a choice (and is typed elsewhere)"
    );
    assert_eq!(
        k.lookup(&press(KeyCode::Enter), &[Context::Line]),
        Some(Command::LineSubmit)
    );
    assert_eq!(
        k.lookup(&press(KeyCode::Tab), &[Context::Line]),
        Some(Command::CompleteCallSign)
    );
    assert_eq!(
        k.lookup(&ctrl('w'), &[Context::Editing]),
        Some(Command::DeleteWord)
    );
    assert_eq!(
        k.lookup(&press(KeyCode::Down), &[Context::Lock]),
        Some(Command::NextLockField)
    );
    assert_eq!(
        k.lookup(&key('1'), &[Context::Lock]),
        None,
        "a PIN's digits are typed"
    );
    assert_eq!(
        k.lookup(
            &KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT),
            &[Context::Confirm]
        ),
        Some(Command::Yes)
    );
    assert_eq!(k.keys_for(Command::Yes), "y/Enter");
    assert_eq!(k.keys_for(Command::No), "n/Esc");
    assert_eq!(k.key_for(Command::Discard), "y");
}

#[test]
fn hints_written_with_the_default_keys_follow_a_rebinding() {
    let fields = [
        Command::ChoicePrev,
        Command::ChoiceNext,
        Command::NextOrSave,
        Command::CancelForm,
    ];
    let k = Keymap::default();
    assert!(matches!(
        k.follow("1-4 or ←/→", &fields),
        Cow::Borrowed("1-4 or ←/→")
    ));
    let mut o = BTreeMap::new();
    o.insert("choice_prev".to_string(), vec!["h".to_string()]);
    o.insert("choice_next".to_string(), vec!["l".to_string()]);
    // Enter and Esc swap places: each is replaced once, not twice
    o.insert("next_or_save".to_string(), vec!["esc".to_string()]);
    o.insert("cancel_form".to_string(), vec!["enter".to_string()]);
    let (k, w) = Keymap::new(&o);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(k.follow("1-4 or ←/→", &fields), "1-4 or h/l");
    assert_eq!(
        k.follow("type retire and Enter; Esc keeps it in use", &fields),
        "type retire and Esc; Enter keeps it in use"
    );
    assert_eq!(
        k.follow("Entered by Tab; Enter·Esc", &fields),
        "Entered by Tab; Esc·Enter",
        "only a key's whole name, and only the commands asked about"
    );
}

#[test]
fn a_user_keymap_with_a_bad_binding_in_the_new_layers_is_refused_by_line() {
    let path = std::path::Path::new("keymap.toml");
    let load = |text: &str| Keymap::load(&BTreeMap::new(), Some((path, text)));
    let (k, w) = load("[[forms]]\non = [\"ctrl-g\"]\nrun = \"cancel_form\"\n\n[[lock]]\non = [\"ctrl-banana\"]\nrun = \"sign_in\"\n");
    assert!(
        w.iter()
            .any(|m| m.contains("line 6") && m.contains("ctrl-banana")),
        "{w:?}"
    );
    assert_eq!(k.key_for(Command::CancelForm), "Esc", "refused whole");
    let (_, w) = load("[[forms]]\non = [\"f5\"]\nrun = \"line_submit\"\n");
    assert!(
        w.iter()
            .any(|m| m.contains("line 3") && m.contains("belongs under [[line]]")),
        "{w:?}"
    );
    let (_, w) = load("[[confirm]]\non = [\"j\"]\nrun = \"maybe\"\n");
    assert!(w.iter().any(|m| m.contains("line 3")), "{w:?}");
}

#[test]
fn a_form_key_that_hides_an_editing_key_is_reported() {
    let mut o = BTreeMap::new();
    o.insert("cancel_form".to_string(), vec!["ctrl-u".to_string()]);
    let (_, w) = Keymap::new(&o);
    assert!(
        w.iter()
            .any(|m| m.contains("cancel_form") && m.contains("clear_line")),
        "{w:?}"
    );
    // the line and a form never apply together: Enter in both is no clash
    let (_, w) = Keymap::new(&BTreeMap::new());
    assert!(w.is_empty(), "{w:?}");
}
