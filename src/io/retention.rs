//! `watchroom retention`: review what the scheme may no longer keep (a dry
//! run, changing nothing) or remove it (`--apply`), photo and document files
//! included where they are the scheme's own.

use crate::domain::retention::{DueItem, DueKind, RetentionRules};
use crate::domain::text::clean;
use crate::store::folders::Removal;
use crate::store::privacy::RetentionCounts;
use crate::store::Store;
use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::PathBuf;

/// What a retention run found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionOutcome {
    /// What was due (for an applied run: just before it was applied).
    pub due: Vec<DueItem>,
    /// What was removed; `None` for a dry run.
    pub applied: Option<RetentionCounts>,
    /// Photo files deleted (or found already gone).
    pub photos_deleted: Vec<PathBuf>,
    /// Files of notices, letters and bulletins that showed the people removed, deleted.
    pub documents_deleted: Vec<PathBuf>,
    /// … and those that were not there to delete (moved or deleted by hand).
    pub documents_gone: Vec<PathBuf>,
    /// Files of the people removed that were left alone because they are
    /// not the scheme's own (outside its folders, or a link): named for the
    /// manager to check and delete by hand.
    pub not_deleted: Vec<PathBuf>,
    /// Anything that could not be finished (a photo file that would not go,
    /// the freed space not fully overwritten); the deletion itself stands.
    pub problems: Vec<String>,
}

fn count(items: &[DueItem], f: impl Fn(&DueItem) -> bool) -> usize {
    items.iter().filter(|i| f(i)).count()
}

/// Review (dry run) or apply the retention rules. A dry run prints one line
/// per item due, with why, and changes nothing; applying removes it all in
/// one transaction (audited, naming no one), overwrites the freed space,
/// deletes the removed people's photo and document files that are the
/// scheme's own (inside its folders: see `store/folders.rs`), names any
/// others it leaves alone, and prints the counts.
pub fn run_retention(
    store: &mut Store,
    rules: &RetentionRules,
    apply: bool,
    operator: i64,
    now: DateTime<Utc>,
    out: &mut dyn Write,
) -> anyhow::Result<RetentionOutcome> {
    rules.validate().map_err(anyhow::Error::msg)?;
    let due = store.retention_due(rules, now)?;
    let people = count(&due, |i| i.kind.is_offender());
    let sightings = count(&due, |i| i.kind == DueKind::Sighting);
    let incidents = due.len() - people - sightings;
    writeln!(out, "retention rules: {}", rules.summary())?;
    if !apply {
        for item in &due {
            writeln!(
                out,
                "{:<16} {} — {}",
                item.kind.label(),
                clean(&item.label),
                clean(&item.reason)
            )?;
        }
        // every place the people due are named elsewhere: struck out on --apply
        let mentions = store.retention_mentions(rules, now)?;
        for m in &mentions {
            writeln!(out, "{:<16} {}", "mention", mention_line(m))?;
        }
        if due.is_empty() {
            writeln!(out, "nothing is due")?;
        } else {
            writeln!(
                out,
                "would delete {people} offender records and {sightings} further sightings, anonymise {incidents} incidents, and strike out {} mentions elsewhere",
                mentions.len()
            )?;
            writeln!(
                out,
                "this was a dry run: nothing was changed (apply it with --apply)"
            )?;
        }
        return Ok(RetentionOutcome {
            due,
            ..RetentionOutcome::default()
        });
    }

    let counts = store.apply_retention(rules, operator, now)?;
    let mut outcome = RetentionOutcome {
        due,
        ..RetentionOutcome::default()
    };
    writeln!(out, "removed: {}", counts.describe())?;
    delete_files(store, &counts, &mut outcome, out)?;
    outcome.applied = Some(counts);
    Ok(outcome)
}

/// Delete the photo and document files of the people removed that are the
/// scheme's own (inside its folders: see `store/folders.rs`), name any
/// others left alone, and say what was done and anything unfinished.
pub(super) fn delete_files(
    store: &Store,
    counts: &RetentionCounts,
    outcome: &mut RetentionOutcome,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut photos_gone = vec![];
    let mut not_deleted = vec![];
    for (what, files, deleted, gone) in [
        (
            "photo",
            &counts.photos,
            &mut outcome.photos_deleted,
            &mut photos_gone,
        ),
        (
            "document",
            &counts.document_files,
            &mut outcome.documents_deleted,
            &mut outcome.documents_gone,
        ),
    ] {
        for file in files {
            let path = PathBuf::from(file);
            // only the scheme's own files: never one elsewhere on the host
            match store.remove_scheme_file(&path) {
                Removal::Deleted => deleted.push(path),
                Removal::Gone => gone.push(path),
                Removal::NotOurs(why) => {
                    not_deleted.push((path, why));
                }
                Removal::Failed(e) => outcome.problems.push(format!(
                    "{what} {} could not be deleted: {e}; delete it by hand",
                    clean(file)
                )),
            }
        }
    }
    if let Some(p) = &counts.compaction.problem {
        outcome.problems.push(p.clone());
    }
    // a photo already gone is as good as deleted: it was the store's copy
    outcome.photos_deleted.extend(photos_gone);
    writeln!(out, "photo files deleted: {}", outcome.photos_deleted.len())?;
    writeln!(
        out,
        "document files deleted: {}{}",
        outcome.documents_deleted.len(),
        match outcome.documents_gone.len() {
            0 => String::new(),
            n => format!(" ({n} were not there: moved or deleted by hand, so look for copies)"),
        }
    )?;
    for (path, why) in not_deleted {
        writeln!(
            out,
            "not deleted: {why}: {} (the record is removed; check the file and delete it by hand if it is theirs)",
            clean(&path.display().to_string())
        )?;
        outcome.not_deleted.push(path);
    }
    if counts.compaction.vacuumed {
        writeln!(out, "freed space overwritten (store rebuilt)")?;
    }
    for p in &outcome.problems {
        writeln!(out, "warning: {}", clean(p))?;
    }
    Ok(())
}

/// A mention as a dry run lists it: the record and field, the words found
/// and the text around them.
pub(super) fn mention_line(m: &crate::store::privacy::Mention) -> String {
    format!(
        "{} ({}): {} — “{}”",
        clean(&m.record),
        m.column,
        m.words
            .iter()
            .map(|w| format!("“{}”", clean(w)))
            .collect::<Vec<_>>()
            .join(", "),
        clean(&m.context)
    )
}
