//! Signing in: PINs kept only as slow salted hashes, lock-outs after repeated
//! wrong PINs, the idle lock, and the first manager of an empty store.

mod support;

use chrono::Duration;
use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::signin::{LockMode, LockScreen};
use watchroom::store::operators::SignInError;
use watchroom::store::Store;

#[test]
fn pins_are_kept_only_as_salted_hashes() {
    let (_dir, path) = demo_store();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let hashes: Vec<String> = raw
        .prepare("SELECT pin_hash FROM operators WHERE pin_hash IS NOT NULL")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(hashes.len(), 5, "one operator per role, each with a PIN");
    for h in &hashes {
        assert!(h.starts_with("$argon2id$"), "{h}");
        for pin in ["1234", "2345", "3456", "4567", "5678"] {
            assert!(!h.contains(pin));
        }
    }
    let mut unique = hashes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5, "salted: no two hashes alike");
}

#[test]
fn five_wrong_pins_lock_an_operator_out_for_a_while() {
    let (_dir, path) = demo_store();
    let mut s = Store::open(&path).unwrap();
    for left in (1..=4).rev() {
        assert_eq!(
            s.sign_in("Priya Shah", "0000", now()).unwrap(),
            Err(SignInError::WrongPin { left, minutes: 5 })
        );
    }
    assert!(matches!(
        s.sign_in("Priya Shah", "0000", now()).unwrap(),
        Err(SignInError::LockedOut { .. })
    ));
    // even the right PIN is refused while locked out …
    assert!(matches!(
        s.sign_in("Priya Shah", "2345", now() + Duration::minutes(4))
            .unwrap(),
        Err(SignInError::LockedOut { .. })
    ));
    // … and accepted once the lock-out is over
    assert_eq!(
        s.sign_in("Priya Shah", "2345", now() + Duration::minutes(6))
            .unwrap()
            .unwrap()
            .name,
        "Priya Shah"
    );
    assert!(matches!(
        s.sign_in("Nobody", "1234", now()).unwrap(),
        Err(SignInError::Unknown(_))
    ));
    let audit = s.recent_audit(None, 20).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action.code() == "sign-in failed" && a.detail == "locked out"));
    assert!(
        audit
            .iter()
            .all(|a| !a.detail.contains("0000") && !a.detail.contains("2345")),
        "PINs are never in the audit"
    );
}

#[test]
fn the_console_locks_when_idle_and_hides_everything_until_the_pin() {
    let mut c = demo_console();
    c.keys("3");
    c.clock.advance(Duration::minutes(9));
    c.update(watchroom::app::Action::Tick);
    assert!(c.app.lock.is_none(), "not yet");
    c.clock.advance(Duration::minutes(1));
    c.update(watchroom::app::Action::Tick);
    let screen = c.text();
    assert!(screen.contains("watchroom — locked"), "{screen}");
    for hidden in ["Offenders —", "Alex Morgan (manager)", "EXCLUDED", "hits"] {
        assert!(!screen.contains(hidden), "{hidden} shows while locked");
    }
    c.keys("0000");
    c.key(KeyCode::Enter);
    assert!(c.app.lock.is_some());
    assert!(c.text().contains("wrong PIN"));
    c.keys("1234");
    c.key(KeyCode::Enter);
    assert!(c.app.lock.is_none());
    assert!(c.text().contains("Offenders —"), "back where it was");
}

#[test]
fn an_empty_store_creates_its_first_manager() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let mut c = signed_out_console(&path, LockScreen::new(LockMode::FirstManager, ""));
    assert!(c.text().contains("create its first manager"));
    c.keys("Dana Chief");
    c.key(KeyCode::Tab);
    c.keys("2468");
    c.key(KeyCode::Tab);
    c.keys("2468");
    c.key(KeyCode::Enter);
    assert!(c.text().contains("6 to 12 digits"), "{}", c.text());
    for easy in ["123456", "999999"] {
        c.keys(easy);
        c.key(KeyCode::Tab);
        c.keys(easy);
        c.key(KeyCode::Enter);
        assert!(c.text().contains("too easy to guess"), "{}", c.text());
    }
    c.keys("246813");
    c.key(KeyCode::Tab);
    c.keys("246814");
    c.key(KeyCode::Enter);
    assert!(c.text().contains("the two PINs differ"));
    assert!(c.app.lock.is_some());
    c.keys("246813");
    c.key(KeyCode::Tab);
    c.keys("246813");
    c.key(KeyCode::Enter);
    assert!(c.app.lock.is_none());
    assert_eq!(
        (c.app.operator.name.as_str(), c.app.operator.role.code()),
        ("Dana Chief", "manager")
    );
    let mut s = Store::open(&path).unwrap();
    assert!(s.sign_in("Dana Chief", "246813", now()).unwrap().is_ok());
    assert_eq!(
        s.kind().unwrap(),
        Some(watchroom::store::meta::StoreKind::Scheme)
    );
}

#[test]
fn a_store_that_has_had_operators_never_makes_a_first_manager_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut s = Store::open(&path).unwrap();
        let policy = watchroom::domain::pin::PinPolicy::default();
        let dana = s
            .create_first_manager("Dana Chief", "246813", &policy, now())
            .unwrap();
        drop(s);
        // a store whose only manager is gone (as an old one might be)
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute("UPDATE operators SET active = 0 WHERE id = ?1", [dana.id])
            .unwrap();
    }
    // even a console left on the first-manager screen cannot make one
    let mut c = signed_out_console(&path, LockScreen::new(LockMode::FirstManager, ""));
    c.keys("Mallory");
    c.key(KeyCode::Tab);
    c.keys("135790");
    c.key(KeyCode::Tab);
    c.keys("135790");
    c.key(KeyCode::Enter);
    assert!(c.app.lock.is_some(), "no way in");
    assert!(c.text().contains("already has operators"), "{}", c.text());
    let s = Store::open(&path).unwrap();
    assert!(s.operator_by_name("Mallory").unwrap().is_none());
    assert!(!s.has_manager().unwrap());
}

#[test]
fn an_operator_with_a_role_the_scheme_does_not_have_is_refused_naming_the_roles() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("s.db")).unwrap();
    let refused = s
        .add_operator("Pat Doe", "superuser", None, now())
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("unknown role “superuser”") && refused.contains("coordinator"),
        "{refused}"
    );
    assert!(
        s.operator_by_name("Pat Doe").unwrap().is_none(),
        "nobody added"
    );
    let op = s.add_operator("Pat Doe", "cctv", None, now()).unwrap();
    assert_eq!(op.role, watchroom::domain::permission::Role::Cctv);
}
