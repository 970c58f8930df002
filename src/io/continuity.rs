//! An evidence item's trail in words, and its continuity statement: the
//! printed page a police officer puts in the file with the exhibit. The
//! trail is given in the order things happened (the clip, then each
//! handover), every entry a correction replaced kept and marked, so the
//! statement shows what was first recorded as well as what stands. Drawn by
//! the documents' PDF writer; times are on the scheme's clock.

use crate::domain::document::{Block, Doc};
use crate::domain::evidence::{ClipDetails, EntryBody, EvidenceEntry, EvidenceItem};
use crate::domain::text::clean;
use crate::store::evidence::describe_of;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// A time on the scheme's clock, to the second, with its zone's abbreviation.
pub fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .format("%-d %b %Y %H:%M:%S %Z")
        .to_string()
}

/// What the clip is, in one line.
pub fn clip_line(c: &ClipDetails, tz: Tz) -> String {
    let mut s = format!(
        "Footage from {} from {} to {}, reviewed by {}",
        c.camera,
        local(c.clip_start, tz),
        local(c.clip_end, tz),
        c.reviewed_by
    );
    match c.medium {
        Some(m) => s.push_str(&format!("; copied by {} to {}", c.copied_by, m.label())),
        None => s.push_str("; no copy made yet"),
    }
    if !c.file_name.is_empty() {
        s.push_str(&format!("; file {}", c.file_name));
    }
    if !c.sha256.is_empty() {
        s.push_str(&format!("; SHA-256 {}", c.sha256));
    }
    if !c.note.is_empty() {
        s.push_str(&format!("; note: {}", c.note));
    }
    s
}

/// One entry of the trail in one line (not cleaned: the caller cleans for
/// the terminal; a PDF draws what it is given).
pub fn entry_line(e: &EvidenceEntry, tz: Tz) -> String {
    let what = match &e.body {
        EntryBody::Clip(c) => clip_line(c, tz),
        EntryBody::Handover { details, agreement } => {
            let mut s = format!(
                "{} to {} ({}) at {}, why: {}",
                if details.release {
                    "Released"
                } else {
                    "Handed"
                },
                details.to,
                details.organisation,
                local(details.at, tz),
                details.why
            );
            if let Some(a) = details.agreement_id {
                s.push_str(&format!(
                    "; under information-sharing agreement #{a} ({agreement})"
                ));
            }
            s
        }
    };
    let mut s = format!(
        "Entry {}: {what}. Recorded by {} at {}",
        e.id,
        e.recorded_by,
        local(e.recorded_at, tz)
    );
    if let Some(old) = e.supersedes {
        s.push_str(&format!("; corrects entry {old} (why: {})", e.correction));
    }
    s.push('.');
    s
}

/// The trail in the order things happened: each entry, and which corrected it.
pub fn trail(item: &EvidenceItem, tz: Tz) -> Vec<String> {
    let superseded_by = |id: i64| item.entries.iter().find(|e| e.supersedes == Some(id));
    let mut entries: Vec<&EvidenceEntry> = item.entries.iter().collect();
    // the clip comes first, whatever its times say against a handover's
    entries.sort_by_key(|e| (!e.is_clip(), e.happened_at(), e.id));
    entries
        .into_iter()
        .map(|e| {
            let mut line = entry_line(e, tz);
            if let Some(by) = superseded_by(e.id) {
                line.push_str(&format!(" Corrected by entry {}.", by.id));
            }
            line
        })
        .collect()
}

/// The item for the terminal: every line cleaned.
pub fn show(item: &EvidenceItem, tz: Tz) -> String {
    let mut out = format!(
        "exhibit {} on {} (added {} by {}); held by {}\n",
        clean(&item.exhibit),
        describe_of(item.of),
        local(item.created_at, tz),
        clean(&item.created_by),
        clean(&item.held_by())
    );
    if let Some(c) = item.clip() {
        out.push_str(&format!("  now: {}\n", clean(&clip_line(c, tz))));
    }
    for line in trail(item, tz) {
        out.push_str(&format!("  {}\n", clean(&line)));
    }
    out
}

/// The statement as a document.
pub fn statement_doc(item: &EvidenceItem, scheme: &str, tz: Tz, now: DateTime<Utc>) -> Doc {
    let mut b = vec![
        Block::Title(format!("Continuity statement: exhibit {}", item.exhibit)),
        Block::Para(format!(
            "{scheme}, CCTV control room. The continuity of exhibit {} (footage recorded on {}) \
             from the camera to its last recipient, as the control room's evidence log records it. \
             Times are on the scheme's clock ({}).",
            item.exhibit,
            describe_of(item.of),
            tz.name()
        )),
        Block::Heading("The footage".into()),
    ];
    match item.clip() {
        Some(c) => {
            b.push(Block::Bullet(format!("Camera: {}", c.camera)));
            b.push(Block::Bullet(format!(
                "Clip: from {} to {}",
                local(c.clip_start, tz),
                local(c.clip_end, tz)
            )));
            b.push(Block::Bullet(format!("Reviewed by: {}", c.reviewed_by)));
            b.push(Block::Bullet(match c.medium {
                Some(m) => format!("Copied by: {} to {}", c.copied_by, m.label()),
                None => "Copied by: no copy made".into(),
            }));
            if !c.file_name.is_empty() {
                b.push(Block::Bullet(format!("Exported file: {}", c.file_name)));
            }
            b.push(Block::Bullet(if c.sha256.is_empty() {
                "SHA-256 of the exported file: not recorded".into()
            } else {
                format!("SHA-256 of the exported file: {}", c.sha256)
            }));
        }
        None => b.push(Block::Para("No clip is recorded.".into())),
    }
    b.push(Block::Bullet(format!("Held now by: {}", item.held_by())));
    b.push(Block::Heading("The trail, in order".into()));
    b.extend(trail(item, tz).into_iter().map(Block::Bullet));
    if item.entries.iter().any(|e| e.supersedes.is_some()) {
        b.push(Block::Para(
            "Entries are never changed: a correction is a later entry naming the one it replaces, \
             and both are shown."
                .into(),
        ));
    }
    b.push(Block::Heading("Statement".into()));
    b.push(Block::Para(
        "I produce the exhibit above. To the best of my knowledge the trail set out here is complete \
         and the footage has not been altered since it was copied."
            .into(),
    ));
    b.push(Block::Lines(vec![
        "Name: ________________________________".into(),
        "Signature: ____________________________".into(),
        "Date: _________________________________".into(),
    ]));
    b.push(Block::Small(format!(
        "Made {} from the control room's evidence log. It describes footage of people and may \
         identify them: keep it with the exhibit, share it only with those entitled to it \
         (Data Protection Act 2018). Its making is recorded in the audit trail.",
        local(now, tz)
    )));
    Doc { blocks: b }
}

/// The statement as PDF bytes.
pub fn statement_pdf(
    item: &EvidenceItem,
    scheme: &str,
    tz: Tz,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<u8>> {
    let doc = statement_doc(item, scheme, tz, now);
    let meta = super::pdf::PdfMeta {
        title: doc.title().to_string(),
        footer: format!("{scheme} · continuity statement, exhibit {}", item.exhibit),
    };
    super::pdf::render(&doc, &meta)
}
