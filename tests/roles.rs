//! Every action against every role: refused exactly where the role lacks the
//! permission, with a message saying why and an audit line recording it.

mod support;

use ratatui::crossterm::event::KeyCode;
use support::*;
use watchroom::app::config::Config;
use watchroom::app::radio::RadioInput;
use watchroom::app::{Action, Pane};
use watchroom::domain::permission::{allowed, Permission, Role};
use watchroom::domain::rollcall::{Answer, Step};
use watchroom::store::Store;

fn actions() -> Vec<(Action, Permission)> {
    use Permission as P;
    vec![
        (Action::NewIncident, P::LogIncident),
        (Action::EditIncident, P::UpdateIncident),
        (Action::AdvanceStatus, P::UpdateIncident),
        (Action::CloseIncident, P::UpdateIncident),
        (Action::Reopen, P::UpdateIncident),
        (Action::AddNote, P::UpdateIncident),
        (Action::AmendNote, P::UpdateIncident),
        (Action::NewSighting, P::LogSighting),
        (Action::LinkOffender, P::NameOffenderOnIncident),
        (Action::AcceptHit, P::DecideHit),
        (Action::RejectHit, P::DecideHit),
        (Action::NewOffender, P::EditRegister),
        (Action::EditOffender, P::EditRegister),
        (Action::Promote, P::EditRegister),
        (Action::Merge, P::EditRegister),
        (Action::NewExclusion, P::ManageExclusions),
        (Action::LiftExclusion, P::ManageExclusions),
        (Action::Appeal, P::ManageExclusions),
        (Action::StartRollCall(false), P::RunRollCall),
        (
            Action::RollCall(Step::Answer(Answer::Heard(5))),
            P::RunRollCall,
        ),
        (Action::SaveRollCall, P::RunRollCall),
        (Action::RadioLine(RadioInput::LateCheckIn), P::RunRollCall),
        (Action::RadioLine(RadioInput::Relay), P::RunRollCall),
        (Action::RadioLine(RadioInput::Log), P::LogRadio),
        (Action::RadioStatus, P::ManageRadios),
        (Action::AddRadio, P::ManageRadios),
        (Action::EditRadio, P::ManageRadios),
        (
            Action::RunCommand("note checked on CCTV".into()),
            P::UpdateIncident,
        ),
        (
            Action::RunCommand("close dealt with".into()),
            P::UpdateIncident,
        ),
        (
            Action::RunCommand("hit 1 accept radio warned".into()),
            P::DecideHit,
        ),
        (Action::ShowPane(Pane::Activity), P::ViewAudit),
        (Action::AddLogEntry, P::KeepLog),
        (Action::AmendLogEntry, P::KeepLog),
        (Action::AddMember, P::ManageMembers),
        (Action::AddTraining, P::ManageMembers),
        (Action::EditMember, P::ManageMembers),
        (Action::AddContact, P::ManageMembers),
        (Action::MakeNotice, P::ManageExclusions),
    ]
}

/// Back to where every action starts, as an operator gets there: Esc until
/// nothing (form, question, line) is open, the incidents pane, and the last
/// message left to run out its time.
fn start_again(c: &mut Console) {
    for _ in 0..4 {
        if c.app.nothing_open() && c.app.input.is_none() {
            break;
        }
        c.key(KeyCode::Esc);
    }
    assert!(
        c.app.nothing_open() && c.app.input.is_none(),
        "Esc closes what the last action opened: {:?}",
        c.app.overlay()
    );
    c.update(Action::ShowPane(Pane::Incidents));
    // no message outlasts twenty seconds
    c.clock.advance(chrono::Duration::seconds(20));
    c.update(Action::Tick);
    assert!(c.app.message.is_none(), "{:?}", c.app.message);
}

#[test]
fn every_action_is_checked_against_every_role() {
    let (_dir, path) = demo_store();
    {
        let mut s = Store::open(&path).unwrap();
        for r in Role::ALL {
            s.operator_or_add(&format!("Test {}", r.code()), r.code(), now())
                .unwrap();
        }
    }
    for role in Role::ALL {
        // the clock runs on while each action's message runs out: not long
        // enough idle to lock
        let config = Config {
            lock_after_minutes: 600,
            ..Default::default()
        };
        let mut c = console_on(&path, &format!("Test {}", role.code()), config);
        assert_eq!(c.app.role(), role);
        for (action, permission) in actions() {
            start_again(&mut c);
            let audit_before = c.worker.audit_count().unwrap();
            c.update(action.clone());
            let refused = c
                .app
                .message
                .as_ref()
                .is_some_and(|m| m.text.starts_with("refused:"));
            assert_eq!(
                refused,
                !allowed(role, permission),
                "{role:?} {action:?}: {:?}",
                c.app.message
            );
            if refused {
                let m = &c.app.message.as_ref().unwrap().text;
                assert!(
                    m.contains(&format!(
                        "{} {} cannot {}",
                        if role == Role::Operator { "an" } else { "a" },
                        role.code(),
                        permission.describe()
                    )),
                    "{m}"
                );
                assert!(
                    c.app.nothing_open() && c.app.input.is_none(),
                    "nothing opens for a refused action"
                );
                let last = c.worker.recent_audit(None, 1).unwrap().remove(0);
                assert_eq!(
                    (last.action.code(), last.operator.as_str()),
                    ("refused", format!("Test {}", role.code()).as_str())
                );
                assert_eq!(
                    c.worker.audit_count().unwrap(),
                    audit_before + 1,
                    "the refusal is audited once"
                );
            }
        }
    }
}

#[test]
fn a_viewer_can_read_a_profile_but_its_forms_never_open() {
    let (_dir, path) = demo_store();
    Store::open(&path)
        .unwrap()
        .operator_or_add("Jo Reader", "viewer", now())
        .unwrap();
    let mut c = console_on(&path, "Jo Reader", Config::default());
    c.keys("3");
    c.open_profile("police liaison query");
    assert!(c.app.profile.is_some(), "a viewer reads");
    c.keys("x");
    assert!(c.app.nothing_open());
    assert!(c
        .app
        .message
        .as_ref()
        .unwrap()
        .text
        .contains("a viewer cannot serve, lift or record appeals on exclusions"));
}

/// The shell's data commands, for every role: only a manager may import,
/// export or make documents; anyone else is refused with the reason, the refusal is audited,
/// and nothing is read in or written out.
#[test]
fn only_a_manager_imports_exports_or_makes_documents_from_the_shell() {
    use std::process::{Command, Stdio};
    use watchroom::store::demo::DEMO_OPERATORS;
    let (dir, path) = demo_store();
    let csv = dir.path().join("members.csv");
    std::fs::write(&csv, "name,kind,zone\nThe Tap Room,pub,NTE\n").unwrap();
    let out = dir.path().join("out.json");
    let import = ["import", "members", csv.to_str().unwrap(), "--apply"];
    let export = [
        "export",
        "incidents",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-20",
        "--why",
        "figures",
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ];
    let docs = dir.path().join("docs");
    let notice = [
        "document",
        "exclusion-notice",
        "--exclusion",
        "2",
        "--out",
        docs.to_str().unwrap(),
    ];
    let bulletin = [
        "bulletin",
        "make",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-20",
        "--out",
        docs.to_str().unwrap(),
    ];
    // the manager last, so what the others were refused is still undone
    let mut operators = DEMO_OPERATORS.to_vec();
    operators.sort_by_key(|(_, role, _)| *role == "manager");
    for (name, role, pin) in &operators {
        for (args, permission) in [
            (&import[..], Permission::Import),
            (&export[..], Permission::Export),
            (&notice[..], Permission::ManageExclusions),
            (&bulletin[..], Permission::Export),
        ] {
            let role = Role::from_code(role).unwrap();
            let mut child = Command::new(env!("CARGO_BIN_EXE_watchroom"))
                .args(["--db", path.to_str().unwrap(), "--as", name])
                .args(args)
                .env_clear()
                .env("HOME", dir.path())
                .current_dir(dir.path())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            {
                use std::io::Write;
                writeln!(child.stdin.take().unwrap(), "{pin}").unwrap();
            }
            let result = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&result.stderr);
            assert_eq!(
                result.status.success(),
                allowed(role, permission),
                "{name} {args:?}: {stderr}"
            );
            let store = Store::open(&path).unwrap();
            let last = store.recent_audit(None, 1).unwrap().remove(0);
            if allowed(role, permission) {
                assert_eq!(role, Role::Manager);
                assert_ne!(last.action.code(), "refused");
                continue;
            }
            let why = format!(
                "refused: {} {} cannot {}",
                if role == Role::Operator { "an" } else { "a" },
                role.code(),
                permission.describe()
            );
            assert!(stderr.contains(&why), "{name} {args:?}: {stderr}");
            assert_eq!(
                (last.action.code(), last.operator.as_str()),
                ("refused", *name)
            );
        }
        // what a refused role tried left no trace but the refusal
        if *role != "manager" {
            let store = Store::open(&path).unwrap();
            let members = store.members().unwrap();
            assert!(
                !members.iter().any(|m| m.name == "The Tap Room"),
                "{name} imported"
            );
            assert!(!out.exists(), "{name} exported");
            assert!(!docs.exists(), "{name} made a document");
        }
    }
    // the manager's notice and bulletin, each as PDF and Markdown
    let made = std::fs::read_dir(&docs).unwrap().count();
    assert_eq!(
        made,
        4,
        "{:?}",
        std::fs::read_dir(&docs).unwrap().collect::<Vec<_>>()
    );
}

/// The `:` line's writes are checked as the keys are: a viewer's `:note`,
/// `:close`, `:log` and `:hit` are each refused, said, audited, and write nothing.
#[test]
fn a_viewers_command_line_writes_are_refused_like_their_keys() {
    use ratatui::crossterm::event::KeyCode;
    let (_dir, path) = support::demo_store();
    let mut c = support::console_on(&path, "Jo Lindqvist", Default::default());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let (notes, log, open) = (
        count("SELECT COUNT(*) FROM timeline"),
        count("SELECT COUNT(*) FROM occurrence_log"),
        count("SELECT COUNT(*) FROM incidents WHERE closed = 0"),
    );
    for line in [
        ":note seen by the viewer",
        ":close not the viewer's to close",
        ":log the viewer writes",
        ":hit 1 accept warned",
    ] {
        let refusals = count("SELECT COUNT(*) FROM audit WHERE action LIKE '%refus%'");
        c.keys(line);
        c.key(KeyCode::Enter);
        assert!(c.text().contains("refused"), "{line}: {}", c.text());
        assert_eq!(
            count("SELECT COUNT(*) FROM audit WHERE action LIKE '%refus%'"),
            refusals + 1,
            "{line} is audited as refused"
        );
    }
    assert_eq!(count("SELECT COUNT(*) FROM timeline"), notes);
    assert_eq!(count("SELECT COUNT(*) FROM occurrence_log"), log);
    assert_eq!(
        count("SELECT COUNT(*) FROM incidents WHERE closed = 0"),
        open
    );
}
