//! What the document tests share: a scene on the demo store with the fixed
//! clock and a manager to make documents as, and reading back what was made
//! (PDF pages, the files by extension, the audit record).

#![allow(dead_code)] // each test file uses a different part of this

use crate::support::*;
use std::path::{Path, PathBuf};
use watchroom::app::config::Config;
use watchroom::domain::document::DocKind;
use watchroom::io::document::{make_document, DocSettings, Formats, Made, Subject};
use watchroom::store::Store;

pub const BOTH: Formats = Formats {
    pdf: true,
    markdown: true,
};

pub struct Scene {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub manager: i64,
    pub settings: DocSettings,
}

impl Scene {
    pub fn new() -> Scene {
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

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("documents")
    }

    pub fn make(&mut self, kind: DocKind, subject: Subject) -> anyhow::Result<Made> {
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

    pub fn files_out(&self) -> Vec<String> {
        match std::fs::read_dir(self.out()) {
            Ok(rd) => rd
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => vec![],
        }
    }
}

/// Each page's text, whitespace collapsed.
pub fn pdf_pages(path: &Path) -> Vec<String> {
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

pub fn file(made: &Made, ext: &str) -> PathBuf {
    made.files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == ext))
        .unwrap_or_else(|| panic!("no .{ext} in {:?}", made.files))
        .clone()
}

pub fn last_audit(store: &Store) -> watchroom::store::audit::AuditRecord {
    store.recent_audit(None, 1).unwrap().remove(0)
}
