//! Making the scheme's documents and bulletin: template (the scheme's own
//! or the built-in one), facts from the store, Markdown and PDF written
//! whole or not at all, and a record of each in the audit trail.

use crate::domain::bulletin::bulletin_doc;
use crate::domain::document::{
    fill, to_markdown, BulletinRules, Doc, DocKind, SchemeInfo, Value, Values,
};
use crate::domain::exclusion::Ladder;
use crate::domain::retention::RetentionRules;
use crate::io::pdf::{render, PdfMeta};
use crate::store::documents::{AgreementFacts, NoticeFacts};
use crate::store::Store;
use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use std::path::{Path, PathBuf};

/// What every document needs from the config.
#[derive(Debug, Clone)]
pub struct DocSettings {
    pub scheme: SchemeInfo,
    pub bulletin: BulletinRules,
    pub retention: RetentionRules,
    pub tz: Tz,
    pub ladder: Ladder,
    pub agreement_version: String,
    /// The scheme's own templates; one not found here is the built-in one.
    pub templates_dir: PathBuf,
}

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub pdf: bool,
    pub markdown: bool,
}

impl Formats {
    pub fn parse(s: &str) -> Result<Formats, String> {
        match s {
            "pdf" => Ok(Formats {
                pdf: true,
                markdown: false,
            }),
            "md" => Ok(Formats {
                pdf: false,
                markdown: true,
            }),
            "both" => Ok(Formats {
                pdf: true,
                markdown: true,
            }),
            other => Err(format!("--format pdf, md or both, not “{other}”")),
        }
    }
}

/// A document made: its files, its record, and what the reader should know.
#[derive(Debug, Clone)]
pub struct Made {
    pub files: Vec<PathBuf>,
    pub document_id: i64,
    /// Gaps the document was made around (no photo, no contact…).
    pub warnings: Vec<String>,
    pub doc: Doc,
}

/// The built-in template of each document.
pub fn builtin_template(kind: DocKind) -> &'static str {
    match kind {
        DocKind::WarningLetter => include_str!("../../assets/templates/warning-letter.md"),
        DocKind::ExclusionNotice => include_str!("../../assets/templates/exclusion-notice.md"),
        DocKind::MemberAgreement => include_str!("../../assets/templates/member-agreement.md"),
        DocKind::PrivacyNotice => include_str!("../../assets/templates/privacy-notice.md"),
    }
}

/// The template to use and where it came from: the scheme's file, or the
/// built-in one with a note saying the file was not there.
pub fn load_template(
    kind: DocKind,
    dir: &Path,
) -> anyhow::Result<(String, String, Option<String>)> {
    let path = dir.join(format!("{}.md", kind.code()));
    match std::fs::read(&path) {
        Ok(bytes) => {
            let text = String::from_utf8(bytes).map_err(|_| {
                anyhow::anyhow!("the template {} is not UTF-8 text", path.display())
            })?;
            Ok((text, path.display().to_string(), None))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((
            builtin_template(kind).to_string(),
            "built-in".into(),
            Some(format!(
                "no template at {}: used the built-in {} (`watchroom document templates` puts copies there to edit)",
                path.display(),
                kind.label()
            )),
        )),
        Err(e) => Err(e).with_context(|| format!("cannot read the template {}", path.display())),
    }
}

/// A folder beside the store file: where documents and templates live
/// unless the config or the command says otherwise.
pub fn beside_store(store: &Path, name: &str) -> PathBuf {
    crate::store::folders::beside(store, name)
}

/// Copy the built-in templates into `dir` for the scheme to edit, leaving
/// any already there alone. Returns the files written.
pub fn write_templates(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut out = vec![];
    for kind in DocKind::ALL {
        let path = dir.join(format!("{}.md", kind.code()));
        if !path.exists() {
            crate::io::files::write_whole(&path, builtin_template(kind).as_bytes())?;
            out.push(path);
        }
    }
    Ok(out)
}

fn long_day(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn text(v: impl Into<String>) -> Value {
    Value::Text(v.into())
}

/// What is blank on a printed form: a line to write on.
const BLANK: &str = "........................";

fn common(values: &mut Values, s: &DocSettings, today: NaiveDate) {
    values.insert("scheme", text(&s.scheme.name));
    values.insert(
        "scheme_address",
        text(if s.scheme.address.is_empty() {
            BLANK
        } else {
            &s.scheme.address
        }),
    );
    values.insert("scheme_contact", text(&s.scheme.contact));
    // who signs: a line to sign on when no one is named
    values.insert(
        "signatory",
        text(if s.scheme.signatory.is_empty() {
            BLANK
        } else {
            &s.scheme.signatory
        }),
    );
    values.insert("signatory_role", text(&s.scheme.signatory_role));
    values.insert("today", text(long_day(today)));
}

fn retention_sentence(r: &RetentionRules) -> String {
    format!(
        "We keep your record while any warning or exclusion is in force, and delete it {} months after the last one ends if nothing new is reported.",
        r.known_months
    )
}

/// A photo that can be read, or None with the reason.
fn readable_photo(path: &str, name: &str, warnings: &mut Vec<String>) -> Option<String> {
    if path.is_empty() {
        warnings.push(format!(
            "there is no photo of {name} on file: the document says so (add one with e on their profile, then make it again)"
        ));
        return None;
    }
    match crate::store::photos::check(Path::new(path)) {
        Ok(_) => Some(path.to_string()),
        Err(e) => {
            warnings.push(format!("{e}: the document says there is no photo on file"));
            None
        }
    }
}

fn notice_values(f: &NoticeFacts, s: &DocSettings, today: NaiveDate) -> (Values, Vec<String>) {
    let mut w = vec![];
    let mut v = Values::new();
    common(&mut v, s, today);
    let local = |t: DateTime<Utc>| t.with_timezone(&s.tz).date_naive();
    let name = crate::domain::text::tidy_input(&f.offender.name);
    v.insert("name", text(&name));
    v.insert(
        "aliases",
        text(if f.offender.aliases.is_empty() {
            "none known".to_string()
        } else {
            f.offender.aliases.join(", ")
        }),
    );
    v.insert(
        "date_of_birth",
        text(
            f.date_of_birth
                .map(long_day)
                .unwrap_or_else(|| "not known".into()),
        ),
    );
    v.insert(
        "address",
        text(if f.address.is_empty() {
            "not known".to_string()
        } else {
            f.address.clone()
        }),
    );
    // who it is for, set as an envelope's window shows it, where an address is held
    v.insert(
        "address_block",
        Value::Lines(if f.address.trim().is_empty() {
            vec![]
        } else {
            std::iter::once(name.clone())
                .chain(
                    f.address
                        .split([',', '\n'])
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(String::from),
                )
                .collect()
        }),
    );
    v.insert(
        "photo",
        Value::Photo(readable_photo(&f.offender.photo_path, &name, &mut w)),
    );
    let e = &f.exclusion;
    v.insert("reference", text(format!("E{}", e.id)));
    v.insert("stage", text(&e.stage));
    v.insert("starts", text(long_day(local(e.starts_at))));
    // the last day covered, as people read "to … inclusive"
    v.insert(
        "ends",
        text(long_day(local(e.effective_end() - Duration::seconds(1)))),
    );
    v.insert(
        "served_on",
        text(
            e.served_at
                .map(|t| long_day(local(t)))
                .unwrap_or_else(|| BLANK.into()),
        ),
    );
    // made after the day it was served: a copy of that notice, and says so
    let served = e.served_at.map(local);
    v.insert(
        "copy",
        text(match served {
            Some(d) if d < today => format!(
                "This is a copy, made {}, of the notice served on {}.",
                long_day(today),
                long_day(d)
            ),
            _ => String::new(),
        }),
    );
    v.insert(
        "reason",
        text(if e.reason.trim().is_empty() {
            "the incidents reported by members".to_string()
        } else {
            e.reason.clone()
        }),
    );
    v.insert(
        "review_on",
        text(
            e.review_on
                .map(long_day)
                .unwrap_or_else(|| "none set".into()),
        ),
    );
    v.insert(
        "scope",
        text(match e.scope {
            crate::domain::exclusion::Scope::AllZones => "every zone of the scheme",
            _ => "these zones",
        }),
    );
    v.insert("zones", Value::List(f.zones.clone()));
    let premises = if f.premises.is_empty() {
        w.push("no active member has premises in the zones it covers".into());
        vec!["no member premises at present".to_string()]
    } else {
        // a zone's members on one line: a town's worth of premises still
        // leaves the notice one side, with the privacy notice on the back
        f.premises
            .iter()
            .map(|(zone, names)| format!("{zone}: {}", names.join(", ")))
            .collect()
    };
    v.insert("premises", Value::List(premises));
    v.insert("appeal", text(&s.scheme.appeal));
    v.insert("retention", text(retention_sentence(&s.retention)));
    (v, w)
}

fn agreement_values(
    f: &AgreementFacts,
    s: &DocSettings,
    today: NaiveDate,
) -> (Values, Vec<String>) {
    let mut w = vec![];
    let mut v = Values::new();
    common(&mut v, s, today);
    let m = &f.member;
    v.insert("member", text(&m.name));
    v.insert("member_type", text(&m.kind));
    v.insert(
        "member_address",
        text(if m.address.is_empty() {
            BLANK
        } else {
            &m.address
        }),
    );
    v.insert("zone", text(&m.zone));
    let contact = f.contacts.first();
    if contact.is_none() {
        w.push(format!(
            "{} has no contact on file: the agreement leaves the contact lines blank to fill in by hand",
            m.name
        ));
    }
    let or_blank = |s: Option<&str>| match s {
        Some(s) if !s.trim().is_empty() => s.to_string(),
        _ => BLANK.to_string(),
    };
    v.insert(
        "contact",
        text(contact.map_or(BLANK.to_string(), |c| {
            if c.role.is_empty() {
                c.name.clone()
            } else {
                format!("{} ({})", c.name, c.role)
            }
        })),
    );
    v.insert(
        "contact_phone",
        text(or_blank(contact.map(|c| c.phone.as_str()))),
    );
    v.insert(
        "contact_email",
        text(or_blank(contact.map(|c| c.email.as_str()))),
    );
    v.insert("agreement_version", text(&s.agreement_version));
    v.insert(
        "signed",
        text(match (&m.agreement_version, m.agreement_signed_on) {
            (Some(ver), Some(on)) => format!("version {ver}, signed {}", long_day(on)),
            (Some(ver), None) => format!("version {ver}"),
            _ => "none".into(),
        }),
    );
    v.insert(
        "renewal_on",
        text(m.renewal_on.map(long_day).unwrap_or_else(|| BLANK.into())),
    );
    (v, w)
}

fn privacy_values(s: &DocSettings, today: NaiveDate) -> Values {
    let mut v = Values::new();
    common(&mut v, s, today);
    v.insert("retention", text(retention_sentence(&s.retention)));
    v.insert(
        "retention_id_sought",
        text(s.retention.id_sought_months.to_string()),
    );
    v.insert(
        "retention_sightings",
        text(s.retention.sightings_months.to_string()),
    );
    let b = &s.bulletin;
    v.insert(
        "identity_sharing",
        text(match (b.show_dates_of_birth, b.show_addresses) {
            (false, false) => "we do not share them with member businesses",
            (true, false) => "your date of birth is shown to member businesses in their bulletin",
            (false, true) => "your address is shown to member businesses in their bulletin",
            (true, true) => {
                "your date of birth and address are shown to member businesses in their bulletin"
            }
        }),
    );
    v.insert(
        "retention_incidents",
        text(s.retention.closed_incidents_years.to_string()),
    );
    v
}

/// A file name not yet taken in `dir`: `stem.ext`, then `stem-2.ext`…
fn free_name(dir: &Path, stem: &str, exts: &[&str]) -> String {
    let taken = |s: &str| exts.iter().any(|e| dir.join(format!("{s}.{e}")).exists());
    if !taken(stem) {
        return stem.to_string();
    }
    (2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|s| !taken(s))
        .expect("a free name")
}

/// What a document serves and whom it shows, for its record.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Served {
    exclusion: Option<i64>,
    member: Option<i64>,
    subjects: Vec<i64>,
}

/// A document's files written and in place, not yet recorded: made apart
/// from the store's record so the slow part (rendering the PDF) can run on
/// one connection and the record be written on another.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    files: Vec<PathBuf>,
    kind_code: String,
    served: Served,
    warnings: Vec<String>,
    doc: Doc,
}

impl Placed {
    /// Record the document; if that fails, its files go again.
    pub fn record(
        self,
        store: &mut Store,
        operator: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Made> {
        let names: Vec<String> = self.files.iter().map(|p| p.display().to_string()).collect();
        let recorded = store.record_document(
            &self.kind_code,
            self.served.exclusion,
            self.served.member,
            &self.served.subjects,
            &names,
            operator,
            now,
        );
        match recorded {
            Ok(document_id) => Ok(Made {
                files: self.files,
                document_id,
                warnings: self.warnings,
                doc: self.doc,
            }),
            Err(e) => {
                self.discard();
                Err(e.into())
            }
        }
    }

    /// Take the files away again, recording nothing.
    pub fn discard(&self) {
        for f in &self.files {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// Render and write the files, for [`Placed::record`]. Nothing is left
/// half-written and nothing recorded without its files: each file is
/// complete under a temporary name, all are renamed into place, and only
/// then is the record made; if that fails, the files go again.
#[allow(clippy::too_many_arguments)]
fn place(
    doc: Doc,
    kind_code: &str,
    stem: &str,
    footer: String,
    formats: Formats,
    out_dir: &Path,
    served: Served,
    mut warnings: Vec<String>,
) -> anyhow::Result<Placed> {
    if !formats.pdf && !formats.markdown {
        anyhow::bail!("choose at least one of pdf and md");
    }
    let missing: String = crate::io::pdf::unprintable(&doc).into_iter().collect();
    if formats.pdf && !missing.is_empty() {
        warnings.push(format!(
            "the PDF's font has no letters for “{missing}”, printed as ?: the Markdown has them"
        ));
    }
    let mut outputs: Vec<(&str, Vec<u8>)> = vec![];
    if formats.pdf {
        let meta = PdfMeta {
            title: doc.title().to_string(),
            footer,
        };
        outputs.push(("pdf", render(&doc, &meta)?));
    }
    if formats.markdown {
        outputs.push(("md", to_markdown(&doc).into_bytes()));
    }
    if !out_dir.is_dir() {
        std::fs::create_dir_all(out_dir)
            .with_context(|| format!("cannot create the folder {}", out_dir.display()))?;
    }
    // kept whole and absolute, so retention finds the files from anywhere
    let out_dir = out_dir
        .canonicalize()
        .with_context(|| format!("cannot use the folder {}", out_dir.display()))?;
    if out_dir.to_str().is_none() {
        anyhow::bail!(
            "the folder {} has a name that is not text: choose another with --out",
            out_dir.display()
        );
    }
    let exts: Vec<&str> = outputs.iter().map(|(e, _)| *e).collect();
    let stem = free_name(&out_dir, stem, &exts);
    let mut temps: Vec<(PathBuf, PathBuf)> = vec![];
    let mut placed: Vec<PathBuf> = vec![];
    let undo = |temps: &[(PathBuf, PathBuf)], placed: &[PathBuf]| {
        for f in temps.iter().map(|(t, _)| t).chain(placed) {
            let _ = std::fs::remove_file(f);
        }
    };
    for (ext, bytes) in &outputs {
        let path = out_dir.join(format!("{stem}.{ext}"));
        match crate::io::files::write_temp(&path, bytes) {
            Ok(t) => temps.push((t, path)),
            Err(e) => {
                undo(&temps, &placed);
                return Err(e);
            }
        }
    }
    while let Some((t, p)) = temps.pop() {
        if let Err(e) = std::fs::rename(&t, &p) {
            temps.push((t, p.clone()));
            undo(&temps, &placed);
            return Err(anyhow::anyhow!("cannot write {}: {e}", p.display()));
        }
        placed.push(p);
    }
    placed.reverse();
    Ok(Placed {
        files: placed,
        kind_code: kind_code.to_string(),
        served,
        warnings,
        doc,
    })
}

/// What to make a document about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Exclusion(i64),
    Member(i64),
    None,
}

/// The settings with the scheme's details from the set-up screen laid over
/// the config's: what the manager typed there is what documents say.
fn with_store_details(store: &Store, settings: &DocSettings) -> anyhow::Result<DocSettings> {
    let mut s = settings.clone();
    s.scheme = s.scheme.with(&store.scheme_details()?);
    Ok(s)
}

/// Make one of the scheme's documents. Everything that can be wrong (the
/// template, the record, the stage) is found before any file is written.
#[allow(clippy::too_many_arguments)]
pub fn make_document(
    store: &mut Store,
    kind: DocKind,
    subject: Subject,
    settings: &DocSettings,
    formats: Formats,
    out_dir: &Path,
    operator: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Made> {
    place_document(store, kind, subject, settings, formats, out_dir, now)?
        .record(store, operator, now)
}

/// [`make_document`] up to its files in place, reading the store only: the
/// record is [`Placed::record`]'s.
pub fn place_document(
    store: &Store,
    kind: DocKind,
    subject: Subject,
    settings: &DocSettings,
    formats: Formats,
    out_dir: &Path,
    now: DateTime<Utc>,
) -> anyhow::Result<Placed> {
    let settings = &with_store_details(store, settings)?;
    let today = now.with_timezone(&settings.tz).date_naive();
    let (template, source, missing) = load_template(kind, &settings.templates_dir)?;
    let mut warnings: Vec<String> = vec![];
    let (values, served, stem) = match (kind, subject) {
        (DocKind::WarningLetter | DocKind::ExclusionNotice, Subject::Exclusion(id)) => {
            let facts = store.notice_facts(id)?;
            let excludes = settings.ladder.excludes(&facts.exclusion.stage);
            if kind == DocKind::ExclusionNotice && !excludes {
                anyhow::bail!(
                    "exclusion {id} is a {}, which excludes no one: make a warning letter for it",
                    facts.exclusion.stage
                );
            }
            if kind == DocKind::WarningLetter && excludes {
                anyhow::bail!(
                    "exclusion {id} is a {}, which excludes: make an exclusion notice for it",
                    facts.exclusion.stage
                );
            }
            let (v, w) = notice_values(&facts, settings, today);
            warnings.extend(w);
            let served = Served {
                exclusion: Some(id),
                member: None,
                subjects: vec![facts.offender.id],
            };
            (v, served, format!("{}-E{id}-{today}", kind.code()))
        }
        (DocKind::MemberAgreement, Subject::Member(id)) => {
            let facts = store.agreement_facts(id, now)?;
            let (v, w) = agreement_values(&facts, settings, today);
            warnings.extend(w);
            let served = Served {
                exclusion: None,
                member: Some(id),
                subjects: vec![],
            };
            (v, served, format!("{}-M{id}-{today}", kind.code()))
        }
        (DocKind::PrivacyNotice, Subject::None) => (
            privacy_values(settings, today),
            Served {
                exclusion: None,
                member: None,
                subjects: vec![],
            },
            format!("{}-{today}", kind.code()),
        ),
        (DocKind::WarningLetter | DocKind::ExclusionNotice, _) => {
            anyhow::bail!(
                "a {} is made for an exclusion: give --exclusion N",
                kind.label()
            )
        }
        (DocKind::MemberAgreement, _) => {
            anyhow::bail!("a member agreement is made for a member: give --member N")
        }
        (DocKind::PrivacyNotice, _) => {
            anyhow::bail!("the privacy notice is the same for everyone: give neither --exclusion nor --member")
        }
    };
    let doc = fill(&template, &values)
        .map_err(|e| anyhow::anyhow!("the {} template ({source}), {e}", kind.label()))?;
    // what the store lacks first: the config's gaps are the same every time
    warnings.extend(missing);
    warnings.extend(settings.scheme.gaps());
    let footer = format!(
        "{} · {} · {}",
        settings.scheme.name,
        kind.label(),
        long_day(today)
    );
    place(
        doc,
        kind.code(),
        &stem,
        footer,
        formats,
        out_dir,
        served,
        warnings,
    )
}

/// Make the members' bulletin for the days `from` to `to`.
#[allow(clippy::too_many_arguments)]
pub fn make_bulletin(
    store: &mut Store,
    from: NaiveDate,
    to: NaiveDate,
    settings: &DocSettings,
    formats: Formats,
    out_dir: &Path,
    operator: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Made> {
    let settings = &with_store_details(store, settings)?;
    let today = now.with_timezone(&settings.tz).date_naive();
    let mut facts = store.bulletin_facts(from, to, today, settings.tz, &settings.ladder)?;
    let mut warnings = vec![];
    for p in facts.new.iter_mut().chain(facts.ending.iter_mut()) {
        p.photo = readable_photo(p.photo.as_deref().unwrap_or(""), &p.name, &mut warnings);
    }
    for s in facts.sought.iter_mut() {
        s.photo = readable_photo(s.photo.as_deref().unwrap_or(""), &s.label, &mut warnings);
    }
    // someone both new and ending is one note
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
    let doc = bulletin_doc(&facts, &settings.bulletin, &settings.scheme, today);
    let footer = format!(
        "{} · members' bulletin · not to be shared · destroy by {}",
        settings.scheme.name,
        long_day(today + Duration::days(settings.bulletin.keep_days as i64))
    );
    let stem = format!("bulletin-{from}-to-{to}");
    let mut subjects: Vec<i64> = facts
        .new
        .iter()
        .chain(&facts.ending)
        .map(|p| p.offender_id)
        .collect();
    subjects.extend(facts.sought.iter().map(|s| s.offender_id));
    let served = Served {
        exclusion: None,
        member: None,
        subjects,
    };
    place(
        doc, "bulletin", &stem, footer, formats, out_dir, served, warnings,
    )?
    .record(store, operator, now)
}
