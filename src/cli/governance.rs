//! The governance records from the shell: `breach`, `agreement` and `dpia`.
//! A manager's, signed in with their PIN (listing too: the breach log says
//! what went wrong with people's data). Every change is audited by the
//! store; a correction names the fields it changed. Times are typed and
//! shown on the scheme's clock.

use super::Globals;
use crate::domain::governance::{
    current, parse_day, parse_instant, Agreement, AgreementInput, Breach, BreachInput,
    DocumentKind, PolicyDocument, PolicyDocumentInput, Review,
};
use crate::domain::history::FieldChange;
use crate::domain::permission::Permission;
use crate::domain::text::clean;
use anyhow::{Context as _, Result};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum BreachCommand {
    /// Log a breach: `breach add --what "…" --found "2026-11-24 09:30" --affected 12`
    Add {
        #[command(flatten)]
        fields: BreachFields,
    },
    /// The log, open breaches first, each with its 72-hour deadline while unreported
    List,
    /// Correct a breach, or record that the ICO was told (`--reported`)
    Update {
        id: i64,
        #[command(flatten)]
        fields: BreachFields,
    },
    /// Close a breach, with what was done
    Close {
        id: i64,
        /// What was done (needed unless already recorded)
        #[arg(long)]
        actions: Option<String>,
        /// When it was closed (YYYY-MM-DD HH:MM; default now)
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
}

/// A breach's fields as typed; what is not given stays as it was.
#[derive(Debug, clap::Args)]
pub struct BreachFields {
    /// What happened
    #[arg(long)]
    what: Option<String>,
    /// When it was found (YYYY-MM-DD HH:MM; default now, for a new one)
    #[arg(long, value_name = "TIME")]
    found: Option<String>,
    /// When it happened, if known (YYYY-MM-DD HH:MM; "" for not known)
    #[arg(long, value_name = "TIME")]
    occurred: Option<String>,
    /// How many people were affected
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    affected: Option<i64>,
    /// Who was affected, in words (no names)
    #[arg(long, value_name = "TEXT")]
    who: Option<String>,
    /// When the ICO was told (YYYY-MM-DD HH:MM, or now; "" for not reported)
    #[arg(long, value_name = "TIME")]
    reported: Option<String>,
    /// The ICO's reference
    #[arg(long = "ico-ref", value_name = "REF")]
    ico_ref: Option<String>,
    /// What was done
    #[arg(long)]
    actions: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AgreementCommand {
    /// Record an agreement: `agreement add --party "Kent Police" --purpose "…" --basis "…" --signed D --review D`
    Add {
        #[command(flatten)]
        fields: AgreementFields,
    },
    /// Every agreement, in force or ended, each review due flagged
    List {
        /// Only those in force on this day (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
    /// Correct an agreement, or give it its next review date
    Update {
        id: i64,
        #[command(flatten)]
        fields: AgreementFields,
    },
    /// End an agreement: kept, no longer in force from the day
    End {
        id: i64,
        /// The day it ends (YYYY-MM-DD; default today)
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct AgreementFields {
    /// With whom
    #[arg(long)]
    party: Option<String>,
    #[arg(long)]
    purpose: Option<String>,
    /// The lawful basis for the sharing
    #[arg(long)]
    basis: Option<String>,
    /// The day it was signed (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    signed: Option<String>,
    /// The day it is next reviewed (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    review: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum DpiaCommand {
    /// Record an approved version: `dpia record --kind dpia --version 2.1 --approved D --review D`
    Record {
        #[arg(long, value_parser = ["dpia", "appropriate-policy"])]
        kind: String,
        #[command(flatten)]
        fields: DocumentFields,
    },
    /// Every version recorded, the one in force of each kind and its review
    List,
    /// Correct a recorded version
    Update {
        id: i64,
        #[command(flatten)]
        fields: DocumentFields,
    },
}

#[derive(Debug, clap::Args)]
pub struct DocumentFields {
    /// The document's version, e.g. 2.1
    #[arg(long = "version", value_name = "V")]
    edition: Option<String>,
    /// The day it was approved (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    approved: Option<String>,
    /// The day it is next reviewed (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    review: Option<String>,
    #[arg(long)]
    notes: Option<String>,
}

fn msg(e: String) -> anyhow::Error {
    anyhow::anyhow!(e)
}

/// An optional time: "" clears it.
fn optional_instant(
    field: &str,
    typed: &str,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    if typed.trim().is_empty() {
        return Ok(None);
    }
    parse_instant(field, typed, tz, now).map(Some).map_err(msg)
}

impl BreachFields {
    /// `base` with what was typed put over it.
    fn apply(
        &self,
        mut b: BreachInput,
        tz: chrono_tz::Tz,
        now: DateTime<Utc>,
    ) -> Result<BreachInput> {
        if let Some(v) = &self.what {
            b.what = v.clone();
        }
        if let Some(v) = &self.found {
            b.found_at = Some(parse_instant("found", v, tz, now).map_err(msg)?);
        }
        if let Some(v) = &self.occurred {
            b.occurred_at = optional_instant("occurred", v, tz, now)?;
        }
        if let Some(v) = self.affected {
            b.people_affected = v;
        }
        if let Some(v) = &self.who {
            b.who_affected = v.clone();
        }
        if let Some(v) = &self.reported {
            b.reported_at = optional_instant("reported", v, tz, now)?;
        }
        if let Some(v) = &self.ico_ref {
            b.ico_reference = v.clone();
        }
        if let Some(v) = &self.actions {
            b.actions = v.clone();
        }
        Ok(b)
    }
}

fn as_input(b: &Breach) -> BreachInput {
    BreachInput {
        what: b.what.clone(),
        found_at: Some(b.found_at),
        occurred_at: b.occurred_at,
        people_affected: b.people_affected,
        who_affected: b.who_affected.clone(),
        reported_at: b.reported_at,
        ico_reference: b.ico_reference.clone(),
        actions: b.actions.clone(),
    }
}

/// A time on the scheme's clock, as the lists show it.
fn local(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// What a correction changed, one field a line.
fn print_changes(what: &str, changes: &[FieldChange]) {
    if changes.is_empty() {
        println!("{what}: nothing changed");
        return;
    }
    println!("{what} saved:");
    for c in changes {
        println!(
            "  {}: “{}” → “{}”",
            clean(&c.field),
            clean(&c.old),
            clean(&c.new)
        );
    }
}

fn print_breach(b: &Breach, tz: chrono_tz::Tz, now: DateTime<Utc>) {
    let state = match (&b.closed_at, &b.reported_at) {
        (Some(c), _) => format!("closed {}", local(*c, tz)),
        (None, Some(r)) => format!("open, reported to the ICO {}", local(*r, tz)),
        (None, None) => format!(
            "open, not reported: {}",
            b.deadline(now).map(|d| d.describe()).unwrap_or_default()
        ),
    };
    println!(
        "#{}  found {}  {} affected  {state}",
        b.id,
        local(b.found_at, tz),
        b.people_affected
    );
    println!("    {}", clean(&b.what));
    if !b.who_affected.is_empty() {
        println!("    who: {}", clean(&b.who_affected));
    }
    if !b.ico_reference.is_empty() {
        println!("    ICO reference: {}", clean(&b.ico_reference));
    }
    if !b.actions.is_empty() {
        println!("    done: {}", clean(&b.actions));
    }
}

pub(super) fn breach_command(
    g: &Globals,
    command: BreachCommand,
    now: DateTime<Utc>,
) -> Result<()> {
    // a bad time is said before the PIN is asked
    let tz = g.config()?.tz();
    let fresh = match &command {
        BreachCommand::Add { fields } => Some(fields.apply(
            BreachInput {
                found_at: Some(now),
                ..Default::default()
            },
            tz,
            now,
        )?),
        _ => None,
    };
    let closed_at = match &command {
        BreachCommand::Close { at: Some(at), .. } => {
            parse_instant("at", at, tz, now).map_err(msg)?
        }
        _ => now,
    };
    let mut s = g.manager_session(Permission::KeepGovernance, now)?;
    let (store, op) = (&mut s.store, s.manager);
    match command {
        BreachCommand::Add { .. } => {
            let b = fresh.expect("read above");
            b.check(now).map_err(msg)?;
            let id = store.add_breach(&b, op, now)?;
            let b = store.breach(id)?.context("the breach just logged")?;
            println!("breach #{id} logged");
            print_breach(&b, tz, now);
        }
        BreachCommand::List => {
            let all = store.breaches()?;
            if all.is_empty() {
                println!("no breaches logged");
            }
            for b in &all {
                print_breach(b, tz, now);
            }
        }
        BreachCommand::Update { id, fields } => {
            let b = store
                .breach(id)?
                .with_context(|| format!("there is no breach #{id}"))?;
            let input = fields.apply(as_input(&b), tz, now)?;
            let changes = store.update_breach(id, b.version, &input, op, now)?;
            print_changes(&format!("breach #{id}"), &changes);
        }
        BreachCommand::Close { id, actions, .. } => {
            let b = store
                .breach(id)?
                .with_context(|| format!("there is no breach #{id}"))?;
            store.close_breach(
                id,
                b.version,
                closed_at,
                actions.as_deref().unwrap_or(""),
                op,
                now,
            )?;
            println!("breach #{id} closed {}", local(closed_at, tz));
            if b.reported_at.is_none() {
                println!(
                    "note: it was not reported to the ICO; the log keeps why in what was done"
                );
            }
        }
    }
    Ok(())
}

impl AgreementFields {
    fn apply(&self, base: Option<&Agreement>) -> Result<AgreementInput> {
        let text = |typed: &Option<String>, field: &str, kept: Option<&String>| -> Result<String> {
            match (typed, kept) {
                (Some(v), _) => Ok(v.clone()),
                (None, Some(k)) => Ok(k.clone()),
                (None, None) => anyhow::bail!("{field}: give it with --{field}"),
            }
        };
        let day = |typed: &Option<String>,
                   field: &str,
                   kept: Option<NaiveDate>|
         -> Result<NaiveDate> {
            match (typed, kept) {
                (Some(v), _) => parse_day(field, v).map_err(msg),
                (None, Some(k)) => Ok(k),
                (None, None) => anyhow::bail!("{field}: give the day with --{field} YYYY-MM-DD"),
            }
        };
        Ok(AgreementInput {
            party: text(&self.party, "party", base.map(|a| &a.party))?,
            purpose: text(&self.purpose, "purpose", base.map(|a| &a.purpose))?,
            lawful_basis: text(&self.basis, "basis", base.map(|a| &a.lawful_basis))?,
            signed_on: day(&self.signed, "signed", base.map(|a| a.signed_on))?,
            review_on: day(&self.review, "review", base.map(|a| a.review_on))?,
            ended_on: base.and_then(|a| a.ended_on),
        })
    }
}

fn print_agreement(a: &Agreement, today: NaiveDate) {
    let state = match a.ended_on {
        Some(e) => format!("ended {e}"),
        None if !a.in_force(today) => "not yet in force".into(),
        None => match a.review(today) {
            Some(r) => format!("in force, {}", r.describe().to_uppercase()),
            None => "in force".into(),
        },
    };
    println!(
        "#{}  {}  signed {}  review {}  {state}",
        a.id,
        clean(&a.party),
        a.signed_on,
        a.review_on
    );
    println!("    purpose: {}", clean(&a.purpose));
    println!("    lawful basis: {}", clean(&a.lawful_basis));
}

pub(super) fn agreement_command(
    g: &Globals,
    command: AgreementCommand,
    now: DateTime<Utc>,
) -> Result<()> {
    let tz = g.config()?.tz();
    let today = now.with_timezone(&tz).date_naive();
    // what can be read without the store is read before the PIN is asked
    let (fresh, day) = match &command {
        AgreementCommand::Add { fields } => {
            let a = fields.apply(None)?;
            a.check().map_err(msg)?;
            (Some(a), today)
        }
        AgreementCommand::List { on: Some(d) } | AgreementCommand::End { on: Some(d), .. } => {
            (None, parse_day("on", d).map_err(msg)?)
        }
        _ => (None, today),
    };
    let mut s = g.manager_session(Permission::KeepGovernance, now)?;
    let (store, op) = (&mut s.store, s.manager);
    match command {
        AgreementCommand::Add { .. } => {
            let a = fresh.expect("read above");
            let id = store.add_agreement(&a, op, now)?;
            println!("agreement #{id} recorded with {}", clean(&a.party));
        }
        AgreementCommand::List { on } => {
            let all = match on {
                Some(_) => store.agreements_in_force(day)?,
                None => store.agreements()?,
            };
            if all.is_empty() {
                println!("no agreements recorded");
            }
            for a in &all {
                print_agreement(a, today);
            }
        }
        AgreementCommand::Update { id, fields } => {
            let a = store
                .agreement(id)?
                .with_context(|| format!("there is no agreement #{id}"))?;
            let input = fields.apply(Some(&a))?;
            let changes = store.update_agreement(id, a.version, &input, op, now)?;
            print_changes(&format!("agreement #{id}"), &changes);
        }
        AgreementCommand::End { id, .. } => {
            let a = store
                .agreement(id)?
                .with_context(|| format!("there is no agreement #{id}"))?;
            store.end_agreement(id, a.version, day, op, now)?;
            println!(
                "agreement #{id} with {} ended {day}: kept, no longer in force",
                clean(&a.party)
            );
        }
    }
    Ok(())
}

impl DocumentFields {
    fn apply(
        &self,
        kind: DocumentKind,
        base: Option<&PolicyDocument>,
    ) -> Result<PolicyDocumentInput> {
        let day = |typed: &Option<String>,
                   field: &str,
                   kept: Option<NaiveDate>|
         -> Result<NaiveDate> {
            match (typed, kept) {
                (Some(v), _) => parse_day(field, v).map_err(msg),
                (None, Some(k)) => Ok(k),
                (None, None) => anyhow::bail!("{field}: give the day with --{field} YYYY-MM-DD"),
            }
        };
        let edition = match (&self.edition, base) {
            (Some(v), _) => v.clone(),
            (None, Some(d)) => d.edition.clone(),
            (None, None) => anyhow::bail!("version: give it with --version V"),
        };
        Ok(PolicyDocumentInput {
            kind,
            edition,
            approved_on: day(&self.approved, "approved", base.map(|d| d.approved_on))?,
            review_on: day(&self.review, "review", base.map(|d| d.review_on))?,
            notes: self
                .notes
                .clone()
                .or_else(|| base.map(|d| d.notes.clone()))
                .unwrap_or_default(),
        })
    }
}

pub(super) fn dpia_command(g: &Globals, command: DpiaCommand, now: DateTime<Utc>) -> Result<()> {
    let tz = g.config()?.tz();
    let today = now.with_timezone(&tz).date_naive();
    let fresh = match &command {
        DpiaCommand::Record { kind, fields } => {
            let kind = DocumentKind::from_code(kind).context("kind: dpia or appropriate-policy")?;
            let d = fields.apply(kind, None)?;
            d.check().map_err(msg)?;
            Some(d)
        }
        _ => None,
    };
    let mut s = g.manager_session(Permission::KeepGovernance, now)?;
    let (store, op) = (&mut s.store, s.manager);
    match command {
        DpiaCommand::Record { .. } => {
            let d = fresh.expect("read above");
            let id = store.record_policy_document(&d, op, now)?;
            println!(
                "{} version {} recorded as #{id}, approved {}, review {}",
                d.kind.label(),
                clean(&d.edition),
                d.approved_on,
                d.review_on
            );
        }
        DpiaCommand::List => {
            let docs = store.policy_documents()?;
            for kind in DocumentKind::ALL {
                match current(&docs, kind) {
                    None => println!("{}: none recorded", kind.label()),
                    Some(d) => println!(
                        "{}: version {} (#{}), approved {}, review {}{}",
                        kind.label(),
                        clean(&d.edition),
                        d.id,
                        d.approved_on,
                        d.review_on,
                        Review::of(d.review_on, today)
                            .map(|r| format!("  {}", r.describe().to_uppercase()))
                            .unwrap_or_default()
                    ),
                }
            }
            let earlier: Vec<&PolicyDocument> = docs
                .iter()
                .filter(|d| current(&docs, d.kind).map(|c| c.id) != Some(d.id))
                .collect();
            if !earlier.is_empty() {
                println!("earlier versions:");
                for d in earlier {
                    println!(
                        "  #{}  {} version {}, approved {}",
                        d.id,
                        d.kind.label(),
                        clean(&d.edition),
                        d.approved_on
                    );
                }
            }
        }
        DpiaCommand::Update { id, fields } => {
            let d = store
                .policy_documents()?
                .into_iter()
                .find(|d| d.id == id)
                .with_context(|| format!("there is no document #{id}"))?;
            let input = fields.apply(d.kind, Some(&d))?;
            let changes = store.update_policy_document(id, d.version, &input, op, now)?;
            print_changes(&format!("document #{id}"), &changes);
        }
    }
    Ok(())
}
