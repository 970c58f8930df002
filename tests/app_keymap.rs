//! Help built from the keymap, and a user keymap rebinding keys: what the
//! keys do and every place that names them follows.

mod support;

use watchroom::app::forms::IncidentForm;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::{Action, FormKind};

#[test]
fn help_is_built_from_the_key_table_and_follows_rebinding() {
    let mut config = Config::default();
    config.keys.insert("new_incident".into(), vec!["w".into()]);
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Alex Morgan", config);
    c.keys("?");
    assert!(c.app.help_shown());
    c.update(Action::Resize(120, 200));
    let screen = c.text();
    for b in c.app.keymap.bindings() {
        assert!(
            screen.contains(&b.description),
            "help lacks {:?}",
            b.description
        );
    }
    assert!(
        screen.contains("w                 new incident"),
        "{screen}"
    );
    for c in watchroom::app::command_line::COMMANDS {
        assert!(screen.contains(c.desc), "help lacks :{}", c.name);
        assert!(
            screen.contains(&format!(":{}", c.usage)),
            "help lacks :{}",
            c.usage
        );
    }
    c.key(KeyCode::Esc);
    assert!(c.app.nothing_open());
    c.keys("n");
    assert!(c.app.nothing_open(), "n is no longer bound");
    c.keys("w");
    assert!(matches!(
        c.app.form_kind(),
        Some(FormKind::Incident(IncidentForm::New))
    ));
}

/// A user keymap beside the config rebinds keys, and every place that names
/// a key follows: the pane's title, the status bar's footer, help (the
/// pane's own keys first), and what the key does.
#[test]
fn a_user_keymap_rebinds_keys_and_titles_footer_and_help_follow() {
    use ratatui::crossterm::event::KeyCode;
    let (dir, path) = support::demo_store();
    let keymap = dir.path().join("keymap.toml");
    std::fs::write(
        &keymap,
        "[[global]]\non = [\"f2\"]\nrun = \"help\"\n\n[[members]]\non = [\"K\"]\nrun = \"add_contact\"\n",
    )
    .unwrap();
    let config = watchroom::app::config::Config {
        keymap_file: Some(keymap.clone()),
        ..Default::default()
    };
    let mut c = support::console_on(&path, "Alex Morgan", config);
    c.keys("8");
    let text = c.text();
    assert!(text.contains("K contact"), "{text}");
    assert!(!text.contains("c contact"), "{text}");
    assert!(text.contains("F2 help"), "{text}");
    assert!(!text.contains("? help"), "{text}");
    // '?' no longer opens help; F2 does, with the members pane's keys first
    c.keys("?");
    assert!(!c.text().contains("Help —"));
    c.key(KeyCode::F(2));
    let help = c.text();
    assert!(help.contains("Help —"), "{help}");
    let at = |needle: &str| {
        help.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {help}"))
    };
    assert!(
        at("Members and their training") < at("Anywhere"),
        "the pane's keys first: {help}"
    );
    assert!(help.contains("K "), "{help}");
    c.key(KeyCode::Esc);
    // K adds a contact
    c.keys("K");
    assert!(c.text().contains("Add a contact at"), "{}", c.text());

    // a keymap with a mistake is refused whole, naming its line
    std::fs::write(
        &keymap,
        "[[global]]\non = [\"f2\"]\nrun = \"help\"\n\n[[members]]\non = [\"ctrl-banana\"]\nrun = \"add_contact\"\n",
    )
    .unwrap();
    let config = watchroom::app::config::Config {
        keymap_file: Some(keymap),
        ..Default::default()
    };
    let mut c = support::console_on(&path, "Alex Morgan", config);
    let text = c.text();
    assert!(text.contains("line 6"), "{text}");
    assert!(text.contains("ctrl-banana"), "{text}");
    c.keys("8");
    let text = c.text();
    assert!(
        text.contains("c contact") && text.contains("? help"),
        "{text}"
    );
}

/// A user keymap rebinds a form's cancel and choice keys, the line's submit
/// and the lock screen's sign-in: the new keys do it, the old ones no longer
/// do, and the form's footer and field hints, the line's hint, the lock
/// screen and help all name the new keys.
#[test]
fn a_user_keymap_rebinds_form_line_and_lock_keys_and_what_they_show_follows() {
    let (dir, path) = support::demo_store();
    let keymap = dir.path().join("keymap.toml");
    std::fs::write(
        &keymap,
        "[[forms]]\non = [\"ctrl-g\"]\nrun = \"cancel_form\"\n\n\
         [[forms]]\non = [\"ctrl-p\"]\nrun = \"choice_prev\"\n\n\
         [[forms]]\non = [\"ctrl-n\"]\nrun = \"choice_next\"\n\n\
         [[line]]\non = [\"f5\"]\nrun = \"line_submit\"\n\n\
         [[lock]]\non = [\"f6\"]\nrun = \"sign_in\"\n",
    )
    .unwrap();
    let config = Config {
        keymap_file: Some(keymap.clone()),
        ..Default::default()
    };
    let mut c = support::console_on(&path, "Alex Morgan", config);
    let said = support::message(&c);
    assert!(
        !said.contains("keymap") && !said.contains("keys:"),
        "{said}"
    );
    let focused = |c: &Console| match c.app.form() {
        Some(f) => f.fields[f.focus].value().to_string(),
        None => panic!("no form open"),
    };

    // the form: its footer and the focused choice's hint name the new keys
    c.keys("n");
    let text = c.text();
    assert!(text.contains("Ctrl-g cancels"), "{text}");
    assert!(!text.contains("Esc cancels"), "{text}");
    assert!(text.contains("Ctrl-p/Ctrl-n or a letter"), "{text}");
    let first = focused(&c);
    c.key(KeyCode::Right);
    assert_eq!(focused(&c), first, "→ no longer cycles the choice");
    c.ctrl('n');
    assert_ne!(focused(&c), first, "Ctrl-N does");
    c.key(KeyCode::Esc);
    assert!(!c.app.nothing_open(), "Esc no longer cancels");
    c.ctrl('g');
    assert!(
        c.text().contains("Discard what you typed?  y = discard"),
        "{}",
        c.text()
    );
    c.keys("y");
    assert!(c.app.nothing_open());

    // the line: Enter no longer keeps a filter, F5 does, and the hint says so
    c.keys("/");
    let text = c.text();
    assert!(text.contains("F5 keep · Esc undo"), "{text}");
    c.keys("theft");
    c.key(KeyCode::Enter);
    assert!(c.app.input.is_some(), "Enter no longer submits");
    c.key(KeyCode::F(5));
    assert!(c.app.input.is_none(), "F5 does");

    // the lock screen: Enter no longer signs in, F6 does
    c.ctrl('l');
    let text = c.text();
    assert!(text.contains("Tab next field · F6 signs in"), "{text}");
    c.keys("1234");
    c.key(KeyCode::Enter);
    assert!(c.app.lock.is_some(), "Enter no longer signs in");
    c.key(KeyCode::F(6));
    assert!(c.app.lock.is_none(), "F6 does: {}", c.text());

    // help lists the new layers with the new keys
    let theme = c.themes.get("default").unwrap();
    let help: Vec<String> = watchroom::ui::widgets::help::lines(&c.app, theme)
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    let line_of = |name: &str| {
        help.iter()
            .find(|l| l.contains(&format!("[{name}]")))
            .unwrap_or_else(|| panic!("{name}: {help:#?}"))
            .trim_start()
            .to_string()
    };
    assert!(line_of("cancel_form").starts_with("Ctrl-g "));
    assert!(line_of("line_submit").starts_with("F5 "));
    assert!(line_of("sign_in").starts_with("F6 "));
    assert!(line_of("yes").starts_with("y Y Enter "));
    for layer in [
        "The line at the foot",
        "Editing text",
        "The sign-in and lock screen",
        "A yes-or-no question",
        "A handover on screen",
    ] {
        assert!(help.iter().any(|l| l.starts_with(layer)), "{layer}");
    }

    // a mistake in one of the new layers is refused whole, naming its line
    std::fs::write(
        &keymap,
        "[[line]]\non = [\"f5\"]\nrun = \"line_submit\"\n\n[[lock]]\non = [\"ctrl-banana\"]\nrun = \"sign_in\"\n",
    )
    .unwrap();
    let config = Config {
        keymap_file: Some(keymap),
        ..Default::default()
    };
    let mut c = support::console_on(&path, "Alex Morgan", config);
    let text = c.text();
    assert!(
        text.contains("line 6") && text.contains("ctrl-banana"),
        "{text}"
    );
    c.keys("/");
    assert!(c.text().contains("Enter keep · Esc undo"), "{}", c.text());
}
