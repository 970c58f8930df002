//! The handover as a Markdown file beside the store, for the shift binder
//! and for anyone reading it without the console.

use crate::domain::shift::HandoverRecord;
use anyhow::Context;
use chrono_tz::Tz;
use std::path::{Path, PathBuf};

/// Write `handover-<date>-<time>-<id>.md` into `dir` (made owner-only if
/// new): complete or not at all, readable by the owner only.
pub fn write_markdown(dir: &Path, h: &HandoverRecord, tz: Tz) -> anyhow::Result<PathBuf> {
    if !dir.exists() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let stamp = h.at.with_timezone(&tz).format("%Y-%m-%d-%H%M");
    let path = dir.join(format!("handover-{stamp}-{}.md", h.id));
    super::files::write_whole(&path, h.body.as_bytes())?;
    Ok(path)
}
