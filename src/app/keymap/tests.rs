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
        vec!["i".to_string(), "F2".to_string()],
    );
    let (k, w) = Keymap::new(&o);
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(
        k.lookup(&key('i'), &[Context::Global]),
        Some(Command::NewIncident)
    );
    assert_eq!(k.lookup(&key('n'), &[Context::Global]), None);
    assert_eq!(k.key_for(Command::NewIncident), "i");
    let help_line = k
        .bindings()
        .iter()
        .find(|b| b.command == Command::NewIncident)
        .unwrap();
    assert_eq!(
        help_line.keys.iter().map(|k| k.label()).collect::<Vec<_>>(),
        vec!["i", "F2"]
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
