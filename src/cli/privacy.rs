//! Data protection from the shell: retention, erasure on request and subject access.

use super::Globals;
use crate::domain::permission::Permission;
use anyhow::Result;
use chrono::{DateTime, Utc};
use std::path::Path;

pub(super) fn retention_command(g: &Globals, apply: bool, now: DateTime<Utc>) -> Result<()> {
    let mut s = g.manager_session(Permission::RunRetention, now)?;
    let mut out = std::io::stdout();
    let outcome = crate::io::retention::run_retention(
        &mut s.store,
        &s.config.retention,
        apply,
        s.manager,
        now,
        &mut out,
    )?;
    for p in &outcome.problems {
        eprintln!("watchroom: {}", crate::domain::text::clean(p));
    }
    Ok(())
}

pub(super) fn erase_command(
    g: &Globals,
    req: &crate::io::erasure::EraseRequest,
    now: DateTime<Utc>,
) -> Result<()> {
    // refused before the PIN is asked
    if crate::domain::text::tidy_input(req.why).is_empty() {
        anyhow::bail!("say why the person is erased (--why \"…\"): it is kept in the audit trail");
    }
    let mut s = g.manager_session(Permission::RunRetention, now)?;
    let mut out = std::io::stdout();
    let outcome = crate::io::erasure::run_erasure(&mut s.store, req, s.manager, now, &mut out)?;
    for p in &outcome.problems {
        eprintln!("watchroom: {}", crate::domain::text::clean(p));
    }
    Ok(())
}

pub(super) fn sar_command(
    g: &Globals,
    who: &str,
    why: &str,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut s = g.manager_session(Permission::AnswerSubjectAccess, now)?;
    let files = crate::io::sar::run_sar(
        &mut s.store,
        &s.config.retention,
        who,
        out,
        s.manager,
        why,
        now,
    )?;
    println!("written: {}", files.json.display());
    println!("written: {}", files.markdown.display());
    for p in &files.photos {
        println!("written: {}", p.display());
    }
    println!("{}", crate::io::sar::BEFORE_SENDING);
    Ok(())
}
