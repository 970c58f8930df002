//! `watchroom audit`: prove the trail intact, or list its latest records.

use super::Globals;
use crate::domain::permission::Permission;
use crate::store::Store;
use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every record against its hash chain; exit 1 naming the first
    /// record edited, removed or inserted out of order
    Verify,
    /// Print the latest records, newest first
    List {
        /// How many records
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
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
        AuditCommand::Verify => {
            let store = Store::open(&path)?;
            let report = store.verify_audit()?;
            if let Some(problem) = &report.problem {
                println!("audit trail broken at {problem}");
                drop(store);
                std::process::exit(1);
            }
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
            Ok(())
        }
        AuditCommand::List { limit } => {
            use crate::domain::text::clean;
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
