//! The scheme's documents and the members' bulletin.

use super::Globals;
use crate::app::config::Config;
use crate::domain::permission::Permission;
use crate::domain::text::clean;
use crate::io::document::beside_store;
use crate::store::Store;
use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum BulletinCommand {
    /// Make the bulletin for a period (default: the seven days to yesterday)
    Make {
        /// First day of the period (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day of the period, included (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        #[arg(long, default_value = "both", value_parser = ["pdf", "md", "both"])]
        format: String,
        /// The folder to write into (default: documents, beside the store)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Add an alert for members ("counterfeit £20 notes in town")
    Alert {
        text: String,
        /// The first day it shows (default: today)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// The last day it shows
        #[arg(long, value_name = "DATE")]
        until: String,
    },
    /// List the alerts showing today or later
    Alerts,
    /// End an alert now
    EndAlert { id: i64 },
}

fn doc_settings(store: &Store, config: &Config) -> crate::io::document::DocSettings {
    config.document_settings(beside_store(store.path(), "templates"))
}

fn print_made(made: &crate::io::document::Made) {
    for f in &made.files {
        println!("written: {}", clean(&f.display().to_string()));
    }
    for w in &made.warnings {
        eprintln!("note: {}", clean(w));
    }
}

pub(super) fn document_command(
    g: &Globals,
    what: &str,
    exclusion: Option<i64>,
    member: Option<i64>,
    format: &str,
    out: Option<PathBuf>,
    now: DateTime<Utc>,
) -> Result<()> {
    use crate::domain::document::DocKind;
    use crate::io::document::{make_document, write_templates, Formats, Subject};
    if what == "templates" {
        let config = g.config()?;
        let dir = match config.templates_dir {
            Some(d) => d,
            None => beside_store(&g.store_path()?, "templates"),
        };
        let written = write_templates(&dir)?;
        for f in &written {
            println!("written: {}", f.display());
        }
        println!(
            "templates in {} ({} new); edit them there: placeholders are {{{{name}}}}",
            dir.display(),
            written.len()
        );
        return Ok(());
    }
    let kind = DocKind::from_code(what).context("no such document")?;
    let formats = Formats::parse(format).map_err(anyhow::Error::msg)?;
    let subject = match (exclusion, member) {
        (Some(_), Some(_)) => anyhow::bail!("give --exclusion or --member, not both"),
        (Some(e), None) => Subject::Exclusion(e),
        (None, Some(m)) => Subject::Member(m),
        (None, None) => Subject::None,
    };
    let needs = match kind {
        DocKind::MemberAgreement => Permission::ManageMembers,
        _ => Permission::ManageExclusions,
    };
    let mut s = g.manager_session(needs, now)?;
    let settings = doc_settings(&s.store, &s.config);
    let out = out.unwrap_or_else(|| beside_store(s.store.path(), "documents"));
    let made = make_document(
        &mut s.store,
        kind,
        subject,
        &settings,
        formats,
        &out,
        s.manager,
        now,
    )?;
    print_made(&made);
    Ok(())
}

pub(super) fn bulletin_command(
    g: &Globals,
    command: BulletinCommand,
    now: DateTime<Utc>,
) -> Result<()> {
    use crate::io::export::parse_day;
    let s = g.manager_session(Permission::Export, now)?;
    let (mut store, manager, config) = (s.store, s.manager, s.config);
    let today = now.with_timezone(&config.tz()).date_naive();
    match command {
        BulletinCommand::Make {
            from,
            to,
            format,
            out,
        } => {
            let formats =
                crate::io::document::Formats::parse(&format).map_err(anyhow::Error::msg)?;
            let to = match to {
                Some(t) => parse_day(&t)?,
                None => today.pred_opt().unwrap_or(today),
            };
            let from = match from {
                Some(f) => parse_day(&f)?,
                None => to - chrono::Duration::days(6),
            };
            if to < from {
                anyhow::bail!("the period ends ({to}) before it starts ({from})");
            }
            let settings = doc_settings(&store, &config);
            let out = out.unwrap_or_else(|| beside_store(store.path(), "documents"));
            let made = crate::io::document::make_bulletin(
                &mut store, from, to, &settings, formats, &out, manager, now,
            )?;
            print_made(&made);
        }
        BulletinCommand::Alert { text, from, until } => {
            let from = match from {
                Some(f) => parse_day(&f)?,
                None => today,
            };
            let until = parse_day(&until)?;
            let id = store.add_bulletin_alert(&text, from, until, manager, now)?;
            println!("alert {id} added: shows in bulletins from {from} to {until}");
        }
        BulletinCommand::Alerts => {
            // dates are compared as ISO text: the last four-digit year, not NaiveDate::MAX
            let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date");
            let alerts = store.bulletin_alerts(today, last)?;
            if alerts.is_empty() {
                println!("no alerts showing today or later");
            }
            for a in alerts {
                println!(
                    "{:>4}  {} to {}  {}",
                    a.id,
                    a.from_on,
                    a.until_on,
                    clean(&a.text)
                );
            }
        }
        BulletinCommand::EndAlert { id } => {
            store.end_bulletin_alert(id, manager, now, today)?;
            println!("alert {id} ended");
        }
    }
    Ok(())
}
