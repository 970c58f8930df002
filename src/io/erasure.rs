//! `watchroom erase`: a person erased on their request. A dry run (the
//! default) says what would go, every mention elsewhere included, and
//! changes nothing; `--apply` erases them as retention removes a person,
//! their photo and document files with them.

use super::retention::{delete_files, mention_line, RetentionOutcome};
use crate::domain::text::clean;
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::io::Write;

/// What `watchroom erase` was asked.
pub struct EraseRequest<'a> {
    pub who: &'a str,
    pub why: &'a str,
    pub apply: bool,
    /// Why an exclusion in force is erased anyway.
    pub force: Option<&'a str>,
}

pub fn run_erasure(
    store: &mut Store,
    req: &EraseRequest,
    operator: i64,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> anyhow::Result<RetentionOutcome> {
    if crate::domain::text::tidy_input(req.why).is_empty() {
        anyhow::bail!("say why the person is erased (--why \"…\"): it is kept in the audit trail");
    }
    // a name that is no one's, or several people's, names the candidates
    let id = store.find_subject(req.who)?;
    let plan = store.erasure_plan(id, now)?;
    writeln!(
        out,
        "erasure of {} (record #{}{}):",
        clean(&plan.name),
        plan.id,
        match plan.records.len() {
            1 => String::new(),
            n => format!(", with {} earlier records merged into it", n - 1),
        }
    )?;
    writeln!(
        out,
        "  {} aliases, {} exclusions, {} sightings, {} hits, {} documents, {} photos, {} mentions in other records",
        plan.aliases,
        plan.exclusions,
        plan.sightings,
        plan.hits,
        plan.documents,
        plan.photos,
        plan.mentions.len()
    )?;
    for m in &plan.mentions {
        writeln!(out, "  mention {}", mention_line(m))?;
    }
    if !plan.evidence.is_empty() {
        writeln!(
            out,
            "  evidence kept: {} (footage from their sightings, its continuity trail kept for the police and the court; its notes and reasons anonymised, its link to the sightings gone)",
            plan.evidence.iter().map(|e| clean(e).into_owned()).collect::<Vec<_>>().join(", ")
        )?;
    }
    for (stage, ends) in &plan.in_force {
        writeln!(
            out,
            "  in force: {} until {}{}",
            clean(stage),
            ends.format("%-d %b %Y"),
            if req.force.is_some() {
                " (erased anyway: --force)"
            } else {
                ""
            }
        )?;
    }
    if !req.apply {
        if !plan.in_force.is_empty() && req.force.is_none() {
            writeln!(
                out,
                "an exclusion is in force: --apply will refuse unless it is lifted, or --force \"why\" is given"
            )?;
        }
        writeln!(
            out,
            "this was a dry run: nothing was changed (erase with --apply)"
        )?;
        return Ok(RetentionOutcome::default());
    }
    let counts = store.erase_person(plan.id, req.why, req.force, operator, now)?;
    writeln!(out, "erased: {}", counts.describe())?;
    let mut outcome = RetentionOutcome::default();
    delete_files(store, &counts, &mut outcome, out)?;
    outcome.applied = Some(counts);
    Ok(outcome)
}
