//! The scheme's documents and their templates: a bad template named with its
//! line and nothing written, never a half-written file; and the shell copying
//! the templates out, making documents and naming what is wrong.

mod documents_common;
mod support;

use documents_common::*;
use std::path::{Path, PathBuf};
use support::*;
use watchroom::domain::document::DocKind;
use watchroom::io::document::{make_document, Subject};

#[test]
fn a_bad_template_is_named_with_its_line_and_nothing_is_written() {
    let mut s = Scene::new();
    let templates = s.dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("exclusion-notice.md"),
        "# Exclusion notice\n\n{{scheme}}\nDear {{nmae}},\n",
    )
    .unwrap();
    let audit_before = s.store.audit_count().unwrap();
    let e = s
        .make(DocKind::ExclusionNotice, Subject::Exclusion(2))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 4") && e.contains("{{nmae}}"), "{e}");
    assert!(e.contains("exclusion-notice.md"), "the file is named: {e}");
    assert!(s.files_out().is_empty(), "{:?}", s.files_out());
    assert_eq!(s.store.audit_count().unwrap(), audit_before);
    assert!(s.store.documents_for_exclusion(2).unwrap().is_empty());

    // the scheme's own template is used when it is right; a letter the
    // font cannot print is said, not silently lost
    std::fs::write(
        templates.join("exclusion-notice.md"),
        "# Keep out, {{name}}\n\n{{premises}}\n\n李 (a note)\n",
    )
    .unwrap();
    let made = s
        .make(DocKind::ExclusionNotice, Subject::Exclusion(2))
        .unwrap();
    let md = std::fs::read_to_string(file(&made, "md")).unwrap();
    assert!(md.starts_with("# Keep out, ") && md.contains("李"), "{md}");
    assert!(
        made.warnings
            .iter()
            .any(|w| w.contains("no letters for “李”")),
        "{:?}",
        made.warnings
    );
    assert!(!made.warnings.iter().any(|w| w.contains("no template")));

    // a template not there: the built-in one, with a note saying so
    let made = s.make(DocKind::WarningLetter, Subject::None);
    assert!(made.unwrap_err().to_string().contains("--exclusion"));
    let made = s.make(DocKind::PrivacyNotice, Subject::None).unwrap();
    assert!(made
        .warnings
        .iter()
        .any(|w| w.contains("no template at") && w.contains("privacy-notice.md")));

    // an output folder that cannot be made: refused, nothing recorded
    let blocked = s.dir.path().join("blocked");
    std::fs::write(&blocked, "a file, not a folder").unwrap();
    let before = s.store.audit_count().unwrap();
    let e = make_document(
        &mut s.store,
        DocKind::PrivacyNotice,
        Subject::None,
        &s.settings,
        BOTH,
        &blocked.join("docs"),
        s.manager,
        now(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("cannot create"), "{e}");
    assert_eq!(s.store.audit_count().unwrap(), before);
}

/// The real binary, as the demo's manager (PIN on standard input).
fn watchroom(dir: &Path, db: &Path, args: &[&str]) -> (bool, String, String) {
    let config = dir.join("config.toml");
    let with_config = [&["--config", config.to_str().unwrap()][..], args].concat();
    run_binary(db, "Alex Morgan", "1234", &with_config)
}

#[test]
fn the_shell_copies_the_templates_makes_documents_and_names_what_is_wrong() {
    let (dir, db) = demo_store();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        "[scheme]\nname = \"Castlebrook BCRP\"\naddress = \"Town Hall, Castlebrook\"\n",
    )
    .unwrap();
    // the templates go beside the store for the scheme to edit
    let (ok, out, err) = watchroom(d, &db, &["document", "templates"]);
    assert!(ok, "{err}");
    let templates = db.parent().unwrap().join("templates");
    for kind in DocKind::ALL {
        assert!(
            templates.join(format!("{}.md", kind.code())).exists(),
            "{out}"
        );
    }
    let (ok, out, err) = watchroom(
        d,
        &db,
        &["document", "exclusion-notice", "--exclusion", "2"],
    );
    assert!(ok, "{err}");
    let pdf = db
        .parent()
        .unwrap()
        .join("documents/exclusion-notice-E2-2026-11-27.pdf");
    let pdf = if pdf.exists() {
        pdf
    } else {
        // the binary's clock is the real one: find the file it names
        PathBuf::from(
            out.lines()
                .find(|l| l.ends_with(".pdf"))
                .unwrap()
                .trim_start_matches("written: "),
        )
    };
    assert!(pdf_pages(&pdf).join(" ").contains("Castlebrook BCRP"));
    assert!(err.contains("note: there is no photo of"), "{err}");

    // an edited template with a mistake: named, and nothing written
    let t = templates.join("member-agreement.md");
    let text = std::fs::read_to_string(&t).unwrap();
    std::fs::write(&t, text.replacen("{{member}}", "{{membr}}", 1)).unwrap();
    let line = text.lines().position(|l| l.contains("{{member}}")).unwrap() + 1;
    let before = std::fs::read_dir(db.parent().unwrap().join("documents"))
        .unwrap()
        .count();
    let (ok, _, err) = watchroom(d, &db, &["document", "member-agreement", "--member", "1"]);
    assert!(!ok);
    assert!(
        err.contains(&format!("line {line}")) && err.contains("{{membr}}"),
        "{err}"
    );
    let after = std::fs::read_dir(db.parent().unwrap().join("documents"))
        .unwrap()
        .count();
    assert_eq!(before, after);
    // what the error quotes from the file never reaches the terminal raw
    std::fs::write(&t, "# Agreement\n\n{{\u{1b}]0;owned\u{7}\u{1b}[2J}}\n").unwrap();
    let (ok, _, err) = watchroom(d, &db, &["document", "member-agreement", "--member", "1"]);
    assert!(!ok && err.contains("line 3"), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");

    // alerts for the bulletin, added and listed from the shell
    let (ok, out, err) = watchroom(
        d,
        &db,
        &[
            "bulletin",
            "alert",
            "Distraction thieves working in pairs",
            "--until",
            "2099-01-31",
        ],
    );
    assert!(ok && out.contains("alert 1 added"), "{out}{err}");
    let (ok, out, _) = watchroom(d, &db, &["bulletin", "alerts"]);
    assert!(
        ok && out.contains("Distraction thieves working in pairs"),
        "{out}"
    );
    let (ok, out, err) = watchroom(d, &db, &["bulletin", "make", "--format", "md"]);
    assert!(ok, "{err}");
    let md = out
        .lines()
        .find(|l| l.ends_with(".md"))
        .unwrap()
        .trim_start_matches("written: ");
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.contains("Distraction thieves working in pairs"));
    assert!(md.contains("Castlebrook BCRP"));
    let (ok, _, err) = watchroom(
        d,
        &db,
        &[
            "bulletin",
            "make",
            "--from",
            "2026-11-30",
            "--to",
            "2026-11-01",
        ],
    );
    assert!(!ok && err.contains("before it starts"), "{err}");
}
