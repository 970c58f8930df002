//! The scheme's documents and the members' bulletin, made from the demo
//! store with the fixed clock: real PDFs read back, Markdown snapshots, the
//! audit record linking each to what it serves, and bad input refused or
//! worked around with a note, never a half-written file.

mod support;

use watchroom::app::form::FieldKey;

use chrono::{Duration, NaiveDate};
use std::path::{Path, PathBuf};
use support::*;
use watchroom::app::config::Config;
use watchroom::domain::document::{BulletinRules, DocKind};
use watchroom::domain::exclusion::Scope;
use watchroom::io::document::{make_bulletin, make_document, DocSettings, Formats, Made, Subject};
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::members::MemberEdit;
use watchroom::store::Store;

const BOTH: Formats = Formats {
    pdf: true,
    markdown: true,
};

struct Scene {
    dir: tempfile::TempDir,
    store: Store,
    manager: i64,
    settings: DocSettings,
}

impl Scene {
    fn new() -> Scene {
        let (dir, path) = demo_store();
        let mut store = Store::open(&path).unwrap();
        let manager = store
            .operator_or_add("Test manager", "manager", now())
            .unwrap()
            .id;
        let mut config = Config::default();
        config.scheme.name = "Castlebrook BCRP".into();
        config.scheme.address = "Town Hall, Castlebrook CB1 1AA".into();
        config.scheme.contact = "the data protection lead (dp@castlebrook.example)".into();
        let settings = config.document_settings(dir.path().join("templates"));
        Scene {
            dir,
            store,
            manager,
            settings,
        }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("documents")
    }

    fn make(&mut self, kind: DocKind, subject: Subject) -> anyhow::Result<Made> {
        let out = self.out();
        make_document(
            &mut self.store,
            kind,
            subject,
            &self.settings,
            BOTH,
            &out,
            self.manager,
            now(),
        )
    }

    fn files_out(&self) -> Vec<String> {
        match std::fs::read_dir(self.out()) {
            Ok(rd) => rd
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => vec![],
        }
    }
}

/// Each page's text, whitespace collapsed.
fn pdf_pages(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"%PDF-"),
        "{} is not a PDF",
        path.display()
    );
    let doc = lopdf::Document::load_mem(&bytes).expect("a valid PDF");
    let pages = doc.get_pages();
    pages
        .keys()
        .map(|n| {
            let t = doc.extract_text(&[*n]).unwrap();
            t.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

fn file(made: &Made, ext: &str) -> PathBuf {
    made.files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == ext))
        .unwrap_or_else(|| panic!("no .{ext} in {:?}", made.files))
        .clone()
}

fn last_audit(store: &Store) -> watchroom::store::audit::AuditRecord {
    store.recent_audit(None, 1).unwrap().remove(0)
}

#[test]
fn an_exclusion_notice_prints_the_person_the_places_and_the_privacy_notice_on_the_back() {
    let mut s = Scene::new();
    let made = s
        .make(DocKind::ExclusionNotice, Subject::Exclusion(2))
        .unwrap();
    let facts = s.store.notice_facts(2).unwrap();
    let pdf = file(&made, "pdf");
    let pages = pdf_pages(&pdf);
    // the front runs to a second page with the ten premises it covers; the back is one
    assert_eq!(pages.len(), 3, "{pages:?}");
    let (front, back) = (&pages[0], pages.last().unwrap());
    assert!(front.contains("Exclusion notice"));
    assert!(front.contains(&facts.offender.name), "{front}");
    assert!(front.contains("No photo on file"));
    // every premises it covers is listed, and the footer numbers the pages
    let all = pages.join(" ");
    for p in &facts.premises {
        let shop = p.split(',').next().unwrap();
        assert!(all.contains(shop), "{shop} missing");
    }
    assert!(front.contains(&format!("page 1 of {}", pages.len())));
    // the privacy notice is the back, and only the back
    assert!(back.contains("How we use your information"));
    assert!(back.contains("Data Protection Act 2018"));
    assert!(!front.contains("How we use your information"));
    // owner-only files
    use std::os::unix::fs::PermissionsExt;
    for f in &made.files {
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
    assert!(made
        .warnings
        .iter()
        .any(|w| w.contains("no photo") && w.contains(&facts.offender.name)));
    insta::assert_snapshot!(
        "exclusion_notice_md",
        std::fs::read_to_string(file(&made, "md")).unwrap()
    );
    // audited, and linked to the exclusion it serves
    let a = last_audit(&s.store);
    assert_eq!(
        (a.action.code(), a.entity.as_str(), a.entity_id),
        ("document", "exclusion", Some(2))
    );
    let docs = s.store.documents_for_exclusion(2).unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].kind, "exclusion-notice");
    assert!(docs[0]
        .files
        .iter()
        .any(|f| f.ends_with("exclusion-notice-E2-2026-11-27.pdf")));
    // made again the same day: a second pair of files, the first kept
    let again = s
        .make(DocKind::ExclusionNotice, Subject::Exclusion(2))
        .unwrap();
    assert!(file(&again, "pdf").ends_with("exclusion-notice-E2-2026-11-27-2.pdf"));
    assert_eq!(s.files_out().len(), 4);
    assert_eq!(s.store.documents_for_exclusion(2).unwrap().len(), 2);
}

fn write_png(path: &Path) {
    let img = image::RgbImage::from_fn(60, 80, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 3) as u8, 90])
    });
    img.save(path).unwrap();
}

#[test]
fn a_warning_letter_carries_the_photo_and_is_refused_for_an_exclusion() {
    let mut s = Scene::new();
    let photo = s.dir.path().join("still.png");
    write_png(&photo);
    let facts = s.store.notice_facts(2).unwrap();
    let person = facts.offender.id;
    s.store
        .set_offender_photo(person, photo.to_str().unwrap(), s.manager, now())
        .unwrap();
    let ladder = s.settings.ladder.clone();
    let warning = s
        .store
        .create_exclusion(
            &NewExclusion {
                offender_id: person,
                stage: "warning".into(),
                scope: Scope::AllZones,
                starts_at: now() - Duration::days(1),
                ends_at: now() + Duration::days(90),
                served_at: Some(now() - Duration::days(1)),
                served_by: "Test manager".into(),
                reason: "shouting at staff in Boots on 20 November".into(),
                evidence: vec![],
                review_on: None,
            },
            &ladder,
            s.manager,
            now(),
        )
        .unwrap();
    let made = s
        .make(DocKind::WarningLetter, Subject::Exclusion(warning.id))
        .unwrap();
    let pdf = file(&made, "pdf");
    let pages = pdf_pages(&pdf);
    assert_eq!(
        pages.len(),
        2,
        "a letter on the front, the privacy notice on the back"
    );
    assert!(pages[1].starts_with("How we use your information"));
    let text = pages.join(" ");
    assert!(text.contains("Warning letter") && text.contains(&facts.offender.name));
    assert!(text.contains("shouting at staff in Boots"));
    assert!(!text.contains("No photo on file"));
    let bytes = std::fs::read(&pdf).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let images = doc
        .objects
        .values()
        .filter(|o| {
            o.as_stream()
                .ok()
                .and_then(|s| s.dict.get(b"Subtype").ok())
                .and_then(|t| t.as_name().ok())
                == Some(b"Image".as_slice())
        })
        .count();
    assert!(images >= 1, "the photo is in the PDF");
    let md = std::fs::read_to_string(file(&made, "md")).unwrap();
    assert!(md.contains("Photo of") && !md.contains("still.png"), "{md}");
    insta::assert_snapshot!(
        "warning_letter_md",
        md.replace(s.dir.path().to_str().unwrap(), "[folder]")
    );

    // the wrong document for the stage is refused before anything is written
    let before = s.files_out().len();
    let e = s
        .make(DocKind::ExclusionNotice, Subject::Exclusion(warning.id))
        .unwrap_err();
    assert!(e.to_string().contains("make a warning letter"), "{e}");
    let e = s
        .make(DocKind::WarningLetter, Subject::Exclusion(2))
        .unwrap_err();
    assert!(e.to_string().contains("make an exclusion notice"), "{e}");
    let e = s
        .make(DocKind::WarningLetter, Subject::Exclusion(9999))
        .unwrap_err();
    assert!(e.to_string().contains("exclusion 9999"), "{e}");
    assert_eq!(s.files_out().len(), before);
}

#[test]
fn a_demo_member_gets_a_one_page_agreement_naming_its_contact() {
    let mut s = Scene::new();
    let member = s.store.agreement_facts(1, now()).unwrap().member;
    let made = s
        .make(DocKind::MemberAgreement, Subject::Member(1))
        .unwrap();
    let pages = pdf_pages(&file(&made, "pdf"));
    assert_eq!(pages.len(), 1, "{pages:?}");
    let text = &pages[0];
    assert!(text.contains(&member.name) && text.contains(&member.address));
    let contact = &s.store.member_contacts(1).unwrap()[0];
    assert!(text.contains(&contact.name) && text.contains(&contact.phone));
    assert!(text.contains("For the member:"), "lines to sign");
    assert!(!made.warnings.iter().any(|w| w.contains("contact")));
}

#[test]
fn a_member_agreement_names_the_contact_or_leaves_lines_to_fill_in() {
    let mut s = Scene::new();
    let today = now().date_naive();
    let member = s
        .store
        .add_member(
            &MemberEdit {
                name: "The Crown".into(),
                kind: "pub".into(),
                zone_id: 1,
                address: "1 Market Place, Castlebrook".into(),
                status: watchroom::domain::member::MemberStatus::Active,
                joined_on: Some(today - Duration::days(30)),
                renewal_on: Some(today + Duration::days(335)),
                agreement_version: None,
                agreement_signed_on: None,
                fee_paid_pence: 12_000,
            },
            s.manager,
            now(),
        )
        .unwrap();
    let made = s
        .make(DocKind::MemberAgreement, Subject::Member(member))
        .unwrap();
    assert!(made
        .warnings
        .iter()
        .any(|w| w.contains("no contact on file")));
    let md = std::fs::read_to_string(file(&made, "md")).unwrap();
    assert!(md.contains("- Contact: ........................"));
    s.store
        .add_contact(
            member,
            "Dana Pryce",
            "licensee",
            "01632 960123",
            "dana@crown.example",
            s.manager,
            now(),
        )
        .unwrap();
    let made = s
        .make(DocKind::MemberAgreement, Subject::Member(member))
        .unwrap();
    assert!(!made.warnings.iter().any(|w| w.contains("contact")));
    let text = pdf_pages(&file(&made, "pdf")).join(" ");
    assert!(text.contains("Information-sharing agreement"));
    assert!(text.contains("Dana Pryce (licensee)") && text.contains("01632 960123"));
    assert!(text.contains("Version 2024"));
    insta::assert_snapshot!(
        "member_agreement_md",
        std::fs::read_to_string(file(&made, "md")).unwrap()
    );
    let a = last_audit(&s.store);
    assert_eq!(
        (a.action.code(), a.entity.as_str(), a.entity_id),
        ("document", "member", Some(member))
    );
}

#[test]
fn the_privacy_notice_gives_the_schemes_own_retention_periods() {
    let mut s = Scene::new();
    s.settings.retention.known_months = 18;
    s.settings.retention.id_sought_months = 4;
    let made = s.make(DocKind::PrivacyNotice, Subject::None).unwrap();
    let pages = pdf_pages(&file(&made, "pdf"));
    assert_eq!(
        pages.len(),
        1,
        "the privacy notice fits one page: {pages:?}"
    );
    assert!(pages[0].contains("delete it 18 months after"));
    assert!(pages[0].contains("deleted after 4 months"));
    assert!(pages[0].contains("Town Hall, Castlebrook CB1 1AA"));
    insta::assert_snapshot!(
        "privacy_notice_md",
        std::fs::read_to_string(file(&made, "md")).unwrap()
    );
    // a notice about no one is still audited
    let a = last_audit(&s.store);
    assert_eq!(
        (a.action.code(), a.entity.as_str()),
        ("document", "document")
    );
}

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

/// Every way a date of birth could be printed.
fn date_forms(d: NaiveDate) -> Vec<String> {
    ["%Y-%m-%d", "%-d %b %Y", "%-d %B %Y", "%d/%m/%Y"]
        .iter()
        .map(|f| d.format(f).to_string())
        .collect()
}

fn held_dates_and_addresses(path: &Path) -> (Vec<String>, Vec<String>) {
    let c = rusqlite::Connection::open(path).unwrap();
    let dobs: Vec<String> = c
        .prepare("SELECT date_of_birth FROM offenders WHERE date_of_birth IS NOT NULL")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|d| d.unwrap())
        .collect();
    let addresses: Vec<String> = c
        .prepare("SELECT address FROM offenders WHERE address <> '' UNION SELECT address FROM members WHERE address <> ''")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|a| a.unwrap())
        .collect();
    (dobs, addresses)
}

#[test]
fn the_bulletin_holds_no_date_of_birth_or_address_unless_the_config_allows() {
    let mut s = Scene::new();
    let today = now().date_naive();
    s.store
        .add_bulletin_alert(
            "Counterfeit £20 notes passed at the market",
            today - Duration::days(3),
            today + Duration::days(10),
            s.manager,
            now(),
        )
        .unwrap();
    let (from, to) = (today - Duration::days(60), today);
    let out = s.out();
    let made = make_bulletin(
        &mut s.store,
        from,
        to,
        &s.settings,
        BOTH,
        &out,
        s.manager,
        now(),
    )
    .unwrap();
    let md = std::fs::read_to_string(file(&made, "md")).unwrap();
    let pdf = pdf_pages(&file(&made, "pdf")).join(" ");
    let facts = s
        .store
        .bulletin_facts(from, to, today, s.settings.tz, &s.settings.ladder)
        .unwrap();
    assert!(!facts.new.is_empty() && !facts.ending.is_empty() && !facts.sought.is_empty());
    for text in [&md, &pdf] {
        for p in facts.new.iter().chain(&facts.ending) {
            assert!(
                text.contains(&p.name),
                "{} is newly excluded or ending",
                p.name
            );
        }
        for p in &facts.sought {
            assert!(text.contains(&p.label));
        }
        assert!(text.contains("Counterfeit £20 notes passed at the market"));
        assert!(text.contains("Destroy it by 4 Dec 2026 (7 days after issue)"));
    }
    let path = s.store.path().to_path_buf();
    let (dobs, addresses) = held_dates_and_addresses(&path);
    assert!(
        dobs.len() > 10 && addresses.len() > 10,
        "the demo holds both"
    );
    for text in [&md, &pdf] {
        for d in &dobs {
            for form in date_forms(d.parse().unwrap()) {
                assert!(!text.contains(&form), "date of birth {form} printed");
            }
        }
        for a in &addresses {
            assert!(!text.contains(a.as_str()), "address {a} printed");
        }
    }
    assert!(!md.contains("Date of birth") && !md.contains("Address:"));
    insta::assert_snapshot!("bulletin_md", md);
    let a = last_audit(&s.store);
    assert_eq!(
        (a.action.code(), a.entity.as_str()),
        ("document", "document")
    );
    assert!(a.detail.contains("bulletin"));

    // a scheme that decides members may see them gets them
    s.settings.bulletin = BulletinRules {
        show_dates_of_birth: true,
        show_addresses: true,
        keep_days: 14,
    };
    let made = make_bulletin(
        &mut s.store,
        from,
        to,
        &s.settings,
        BOTH,
        &out,
        s.manager,
        now(),
    )
    .unwrap();
    let md = std::fs::read_to_string(file(&made, "md")).unwrap();
    let (dob, address) = s
        .store
        .offender_identity(
            s.store
                .search_entries(now())
                .unwrap()
                .iter()
                .find(|e| e.name == facts.new[0].name)
                .unwrap()
                .id,
        )
        .unwrap();
    assert!(md.contains(&dob.unwrap().format("%-d %b %Y").to_string()));
    assert!(md.contains(&address));
    assert!(md.contains("Destroy it by 11 Dec 2026 (14 days after issue)"));
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

/// The person whose profile the console shows.
fn shown(c: &Console) -> &watchroom::domain::offender::Offender {
    &c.app.profile.as_ref().expect("a profile").profile.offender
}

#[test]
fn a_date_of_birth_and_address_are_kept_from_the_register_form_and_a_bad_one_loses_nothing() {
    use crossterm::event::KeyCode;
    let mut c = demo_console();
    c.keys("3");
    c.open_profile("serving a notice");
    let id = shown(&c).id;
    c.keys("e");
    // Name, Aliases, Nicknames, Markers, Description, Photo, then Born
    for _ in 0..6 {
        c.key(KeyCode::Tab);
    }
    c.ctrl('u');
    c.keys("2030-01-01");
    c.key(KeyCode::Tab);
    c.ctrl('u');
    c.keys("9 Mill Lane, Castlebrook");
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("a date of birth in the future is refused, the form kept")
    };
    assert_eq!(
        f.field(FieldKey::Address).unwrap().value(),
        "9 Mill Lane, Castlebrook"
    );
    let s = Store::open(c.worker.path()).unwrap();
    assert_ne!(
        s.offender_identity(id).unwrap().1,
        "9 Mill Lane, Castlebrook"
    );
    c.key(KeyCode::BackTab);
    c.ctrl('u');
    c.keys("1991-04-30");
    c.ctrl('s');
    assert!(c.app.nothing_open(), "saved");
    let (born, address) = s.offender_identity(id).unwrap();
    assert_eq!(born, NaiveDate::from_ymd_opt(1991, 4, 30));
    assert_eq!(address, "9 Mill Lane, Castlebrook");
    let a = s.recent_audit(None, 1).unwrap().remove(0);
    assert_eq!((a.action.code(), a.entity_id), ("edit", Some(id)));
    // the form shows what is held when it opens again
    c.keys("e");
    let Some(f) = c.app.form() else {
        panic!("the form opens")
    };
    assert_eq!(f.field(FieldKey::Born).unwrap().value(), "1991-04-30");
}

#[test]
fn retention_deletes_the_notices_made_for_a_person_it_removes() {
    use watchroom::domain::offender::{OffenderInput, OffenderKind};
    let mut s = Scene::new();
    let long_ago = now() - Duration::days(3 * 365);
    let person = s
        .store
        .create_offender(
            OffenderKind::Known,
            OffenderInput {
                name: "Wendell Quarry".into(),
                aliases: vec![],
                nicknames: vec![],
                description: "tall".into(),
                markers: vec![],
                photo_path: String::new(),
            },
            s.manager,
            long_ago,
        )
        .unwrap();
    let ladder = s.settings.ladder.clone();
    let old = s
        .store
        .create_exclusion(
            &NewExclusion {
                offender_id: person.id,
                stage: "exclusion".into(),
                scope: Scope::AllZones,
                starts_at: long_ago,
                ends_at: long_ago + Duration::days(180),
                served_at: Some(long_ago),
                served_by: "Test manager".into(),
                reason: "theft".into(),
                evidence: vec![],
                review_on: None,
            },
            &ladder,
            s.manager,
            long_ago,
        )
        .unwrap();
    let out = s.out();
    let made = make_document(
        &mut s.store,
        DocKind::ExclusionNotice,
        Subject::Exclusion(old.id),
        &s.settings,
        BOTH,
        &out,
        s.manager,
        long_ago,
    )
    .unwrap();
    assert!(made.files.iter().all(|f| f.exists()));
    // the bulletin of the week it was served shows them too
    let served_on = long_ago.date_naive();
    let bulletin = make_bulletin(
        &mut s.store,
        served_on,
        served_on + Duration::days(6),
        &s.settings,
        BOTH,
        &out,
        s.manager,
        long_ago + Duration::days(7),
    )
    .unwrap();
    assert!(std::fs::read_to_string(file(&bulletin, "md"))
        .unwrap()
        .contains("Wendell Quarry"));
    let sar = s.store.subject_access(person.id).unwrap();
    let kinds: Vec<&str> = sar.documents.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        ["exclusion-notice", "bulletin"],
        "the SAR lists both"
    );
    let kept = s
        .make(DocKind::ExclusionNotice, Subject::Exclusion(2))
        .unwrap();
    let mut report = vec![];
    let outcome = watchroom::io::retention::run_retention(
        &mut s.store,
        &s.settings.retention,
        true,
        s.manager,
        now(),
        &mut report,
    )
    .unwrap();
    assert!(s.store.offender(person.id).unwrap().is_none(), "removed");
    for f in &made.files {
        assert!(
            !f.exists(),
            "{} kept after its person was removed",
            f.display()
        );
        assert!(outcome.documents_deleted.contains(f));
    }
    assert!(
        bulletin.files.iter().all(|f| !f.exists()),
        "the bulletin that showed them goes too"
    );
    assert!(
        kept.files.iter().all(|f| f.exists()),
        "others' notices stay"
    );
    assert!(String::from_utf8(report)
        .unwrap()
        .contains("document files deleted: 4"));
}

#[test]
fn n_on_a_profile_makes_the_notice_for_the_selected_exclusion() {
    let mut c = demo_console();
    let store_path = c.worker.path().to_path_buf();
    let person = Store::open(&store_path)
        .unwrap()
        .notice_facts(2)
        .unwrap()
        .offender;
    c.keys("3");
    let row = c
        .app
        .register
        .rows
        .iter()
        .position(|r| r.id == person.id)
        .expect("on the register");
    for _ in 0..row {
        c.keys("j");
    }
    c.open_profile("serving the notice");
    let exclusions = &c.app.profile.as_ref().unwrap().profile.exclusions;
    assert_eq!(exclusions[0].id, 2, "the one served is selected");
    c.keys("N");
    let message = c.app.message.as_ref().expect("a message").text.clone();
    assert!(
        message.contains("exclusion notice for #2 written"),
        "{message}"
    );
    assert!(message.contains("no photo"), "the gaps are said: {message}");
    assert!(
        c.text().contains("exclusion notice made 27 Nov"),
        "the profile says it was made"
    );
    let docs = store_path.parent().unwrap().join("documents");
    let pdf = docs.join("exclusion-notice-E2-2026-11-27.pdf");
    assert!(pdf_pages(&pdf).join(" ").contains(&person.name));
    let s = Store::open(&store_path).unwrap();
    let a = s.recent_audit(None, 1).unwrap().remove(0);
    assert_eq!(
        (a.action.code(), a.entity.as_str(), a.entity_id),
        ("document", "exclusion", Some(2))
    );
}

#[test]
fn an_id_sought_person_is_given_no_date_of_birth_and_nothing_of_the_form_is_saved() {
    use crossterm::event::KeyCode;
    let mut c = demo_console();
    c.keys("3v");
    c.open_profile("checking a still");
    let before = shown(&c).clone();
    assert_eq!(
        before.kind,
        watchroom::domain::offender::OffenderKind::IdSought
    );
    c.keys("e");
    c.key(KeyCode::Tab);
    c.key(KeyCode::Tab);
    c.keys("Stretch");
    for _ in 0..4 {
        c.key(KeyCode::Tab);
    }
    c.keys("1990-01-01");
    c.ctrl('s');
    let Some(f) = c.app.form() else {
        panic!("refused, the form kept")
    };
    let error = f.error.as_deref().unwrap_or_default();
    assert!(error.contains("promote them to known first"), "{error}");
    assert_eq!(f.field(FieldKey::Born).unwrap().value(), "1990-01-01");
    let s = Store::open(c.worker.path()).unwrap();
    assert_eq!(
        s.offender(before.id).unwrap().unwrap(),
        before,
        "nothing saved"
    );
}
