//! An evidence item's trail in words, and its continuity statement: the
//! printed page a police officer puts in the file with the exhibit. The
//! trail is given in the order things happened (the clip, then each
//! handover), every entry a correction replaced kept and marked, so the
//! statement shows what was first recorded as well as what stands. Drawn by
//! the documents' PDF writer; times are on the scheme's clock.

use crate::domain::document::{Block, Doc};
use crate::domain::evidence::EvidenceItem;
pub use crate::domain::evidence::{clip_line, describe_of, entry_line, local, trail};
use crate::domain::text::clean;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

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
