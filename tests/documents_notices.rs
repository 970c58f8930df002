//! The scheme's documents made from the demo store with the fixed clock, real
//! PDFs read back with Markdown beside them and the audit record linking each
//! to what it serves: an exclusion notice with the privacy notice on the back,
//! a warning letter with the photo, member agreements naming the contact or
//! leaving lines to fill in, the privacy notice with the scheme's own periods,
//! and `n` on a profile making the notice for the selected exclusion.

mod documents_common;
mod support;

use chrono::Duration;
use documents_common::*;
use std::path::Path;
use support::*;
use watchroom::domain::document::DocKind;
use watchroom::domain::exclusion::Scope;
use watchroom::io::document::Subject;
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::members::MemberEdit;
use watchroom::store::Store;

#[test]
fn an_exclusion_notice_prints_the_person_the_places_and_the_privacy_notice_on_the_back() {
    let mut s = Scene::new();
    let made = s
        .make(DocKind::ExclusionNotice, Subject::Exclusion(2))
        .unwrap();
    let facts = s.store.notice_facts(2).unwrap();
    let pdf = file(&made, "pdf");
    let pages = pdf_pages(&pdf);
    // two sides: the notice on the front, every premises it covers listed
    // by zone, and the privacy notice on the back
    assert_eq!(pages.len(), 2, "{pages:?}");
    let (front, back) = (&pages[0], pages.last().unwrap());
    assert!(front.contains("Exclusion notice"));
    assert!(front.contains(&facts.offender.name), "{front}");
    assert!(front.contains("No photo on file"));
    // the person's address block at the top, where an address is held
    let block = front.find("Tyler Garside 4 Brook Street Castlebrook CB3 2QT");
    assert!(
        block.is_some_and(|at| at < front.find("Reference E2").unwrap()),
        "{front}"
    );
    // made after the day it was served: a copy, and it says so
    assert!(
        front.contains(
            "This is a copy, made 27 November 2026, of the notice served on 3 November 2026."
        ),
        "{front}"
    );
    // every premises it covers is listed, and the footer numbers the pages
    for (zone, shops) in &facts.premises {
        assert!(front.contains(&format!("{zone}:")), "{zone} missing");
        for shop in shops {
            assert!(front.contains(shop.as_str()), "{shop} missing");
        }
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
