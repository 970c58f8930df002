//! `watchroom operator`: the people who sign on to a console.

use super::{read_pin, Globals};
use crate::domain::permission::Permission;
use crate::domain::text::clean;
use crate::store::Store;
use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// List operators, their roles and whether they can sign in
    List,
    /// Add an operator with a role (operator, cctv, coordinator, manager, viewer); asks for their PIN
    Add {
        name: String,
        #[arg(long, default_value = "operator")]
        role: String,
    },
    /// Stop an operator signing in (their history stays)
    Disable { name: String },
    /// Set a new PIN for an operator (and clear a lock-out)
    ResetPin { name: String },
}

pub(super) fn operator_command(
    g: &Globals,
    command: OperatorCommand,
    now: DateTime<Utc>,
) -> Result<()> {
    let path = g.existing_store()?;
    let mut store = Store::open(&path)?;
    let operators = store.operators()?;
    let empty = !operators
        .iter()
        .any(|o| o.active && o.has_pin && o.role == "manager");
    // the first manager of an empty store needs no one's say-so; after that, a manager signs in
    let by = if empty {
        None
    } else {
        Some(super::signed_in(
            &mut store,
            g.operator.as_deref(),
            Permission::ManageOperators,
            now,
        )?)
    };
    match command {
        OperatorCommand::List => {
            for o in store.operators()? {
                println!(
                    "{:<24} {:<12} {}{}",
                    clean(&o.name),
                    o.role,
                    if o.active { "" } else { "disabled " },
                    if o.has_pin { "" } else { "no PIN yet" }
                );
            }
        }
        OperatorCommand::Add { name, role } => {
            if empty && role != "manager" {
                anyhow::bail!("this store has no manager yet: add one first (--role manager)");
            }
            let pin = read_pin(&format!("new PIN for {name}"))?;
            crate::store::operators::check_pin(&pin).map_err(|e| anyhow::anyhow!(e))?;
            let op = store.add_operator(&name, &role, by, now)?;
            store.set_pin(op.id, &pin, by.or(Some(op.id)), now)?;
            println!("added {} ({})", clean(&op.name), op.role);
        }
        OperatorCommand::Disable { name } => {
            store.disable_operator(&name, by, now)?;
            println!("{} can no longer sign in", clean(&name));
        }
        OperatorCommand::ResetPin { name } => {
            let op = store
                .operator_by_name(&name)?
                .with_context(|| format!("no active operator called {name}"))?;
            let pin = read_pin(&format!("new PIN for {name}"))?;
            store.set_pin(op.id, &pin, by, now)?;
            println!("PIN reset for {}", clean(&op.name));
        }
    }
    Ok(())
}
