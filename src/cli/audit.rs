//! `watchroom audit`: prove the trail intact, or list its latest records.

use super::Globals;
use crate::domain::audit::Checkpoint;
use crate::domain::permission::Permission;
use crate::domain::text::clean;
use crate::store::audit::AuditReport;
use crate::store::{Store, StoreError};
use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every record against its hash chain; exit 1 naming the first
    /// record edited, removed or inserted out of order, or a trail emptied
    /// on a store that holds records. A keyed trail ([audit] key_file) is
    /// checked with its key, and cannot be checked without it
    Verify {
        /// A checkpoint kept elsewhere (`audit checkpoint`, a backup's
        /// .checkpoint file, a handover): fail unless the trail holds exactly
        /// that record, so a trail cut short and re-anchored is caught
        #[arg(long, value_name = "SEQ:HASH", value_parser = parse_checkpoint)]
        expect: Option<Checkpoint>,
        /// Also hold each exclusion (offender, stage, start, end date,
        /// lifting), offender (kind, status, name) and incident (status,
        /// priority) to the state its latest audit record describes, and name
        /// the first table and record that differ; rows no record describes
        /// (made in bulk, or before states were kept) are not checked
        #[arg(long)]
        deep: bool,
    },
    /// Verify the trail and write its newest record as SEQ:HASH to FILE, to
    /// keep apart from the store (a later `verify --expect` holds the trail
    /// to it)
    Checkpoint {
        /// The file to write (replaced if it exists)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Print the latest records, newest first
    List {
        /// How many records
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

fn parse_checkpoint(s: &str) -> Result<Checkpoint, String> {
    s.parse()
}

/// What verify prints when the trail is broken (or cannot be checked), and
/// exit 1.
fn broken(line: &str) -> ! {
    println!("{}", clean(line));
    std::process::exit(1);
}

/// The trail verified, or the reason it cannot be: a keyed trail without its
/// key, or a key for a trail that is not keyed, is said plainly.
fn verified(path: &Path, expect: Option<&Checkpoint>) -> Result<AuditReport> {
    let refused = |e: &StoreError| {
        matches!(
            e,
            StoreError::AuditKeyed { .. } | StoreError::AuditNotKeyed { .. }
        )
    };
    let store = match Store::open(path) {
        Ok(s) => s,
        Err(e) if refused(&e) => broken(&format!("audit trail not verified: {e}")),
        Err(e) => return Err(e.into()),
    };
    match store.verify_audit_expecting(expect) {
        Ok(report) => {
            if let Some(problem) = &report.problem {
                drop(store);
                broken(&format!("audit trail broken at {problem}"));
            }
            Ok(report)
        }
        Err(e) if refused(&e) => broken(&format!("audit trail not verified: {e}")),
        Err(e) => Err(e.into()),
    }
}

/// Write `text` to `out` whole or not at all.
fn write_checkpoint(out: &Path, text: &str) -> Result<()> {
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        anyhow::bail!(
            "the folder {} does not exist: nothing was written",
            dir.display()
        );
    }
    crate::io::files::write_whole(out, text.as_bytes())
}

/// A count with thousands separated, as the verify line prints it.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(super) fn audit_command(g: &Globals, command: AuditCommand, now: DateTime<Utc>) -> Result<()> {
    // checking a trail must not make a new, empty one
    let path = g.existing_store()?;
    let tz = g.config_lenient().0.tz();
    let when = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    match command {
        AuditCommand::Verify { expect, deep } => {
            let report = verified(&path, expect.as_ref())?;
            let noun = if report.records == 1 {
                "record"
            } else {
                "records"
            };
            match &report.last {
                Some(last) => {
                    println!(
                        "audit trail intact: {} {noun}, last at {}",
                        grouped(report.records),
                        when(last.at)
                    );
                    // an outside witness: kept elsewhere, it shows later
                    // whether the trail still reaches this record
                    println!("newest: seq {}, hash {}", last.seq, last.hash);
                }
                None => println!("audit trail intact: no records yet"),
            }
            if let Some(c) = &expect {
                println!("checkpoint {c} found on the trail");
            }
            if deep {
                let store = Store::open(&path)?;
                let deep = store.verify_states()?;
                if let Some(problem) = &deep.problem {
                    drop(store);
                    broken(&format!("records differ from the trail: {problem}"));
                }
                println!(
                    "records as the trail describes them: {} compared",
                    grouped(deep.compared)
                );
            }
            Ok(())
        }
        AuditCommand::Checkpoint { out } => {
            let report = verified(&path, None)?;
            let Some(last) = &report.last else {
                anyhow::bail!(
                    "the trail has no records yet: there is nothing to checkpoint; nothing was written"
                );
            };
            let checkpoint = Checkpoint {
                seq: last.seq,
                hash: last.hash.clone(),
            };
            write_checkpoint(&out, &format!("{checkpoint}\n"))?;
            println!(
                "checkpoint {checkpoint} (last at {}) written to {}",
                when(last.at),
                clean(&out.display().to_string())
            );
            Ok(())
        }
        AuditCommand::List { limit } => {
            // the trail says who looked at whom: a manager's, as in the console
            let s = g.manager_session(Permission::ViewAudit, now)?;
            for r in s.store.recent_audit(None, limit)? {
                let entity = match r.entity_id {
                    Some(id) => format!("{} #{id}", r.entity),
                    None => r.entity.clone(),
                };
                println!(
                    "{}  {:<20}  {:<8}  {:<16}  {}",
                    when(r.at),
                    clean(&r.operator),
                    clean(r.action.code()),
                    clean(&entity),
                    clean(&r.detail)
                );
            }
            Ok(())
        }
    }
}
