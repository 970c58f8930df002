//! `watchroom operator`: the people who sign on to a console.

use super::{read_new_pin, Globals};
use crate::domain::permission::Permission;
use crate::domain::text::clean;
use crate::store::Store;
use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::path::Path;

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// List operators, their roles and whether they can sign in
    List,
    /// Add an operator with a role (operator, cctv, coordinator, manager, viewer); asks for their PIN twice
    Add {
        name: String,
        #[arg(long, default_value = "operator")]
        role: String,
    },
    /// Stop an operator signing in (their history stays); never the last manager
    Disable { name: String },
    /// Let a disabled operator sign in again
    Enable { name: String },
    /// Give an operator another role; the last manager keeps theirs
    Role { name: String, role: String },
    /// Set a new PIN for an operator (and clear a lock-out)
    ResetPin { name: String },
    /// A store with no manager who can sign in gets one again: NAME is made
    /// (or re-enabled as) a manager with a new PIN. Only the owner of the
    /// store file can run it; no one signs in first, and it is audited.
    Recover { name: String },
}

/// No one may manage operators on a store no manager can sign in to: the
/// way back is `recover`, by the owner of the file.
const NO_MANAGER: &str = "this store has no manager who can sign in, so nobody can manage its operators; the owner of the store file makes one with `watchroom operator recover NAME`";

pub(super) fn operator_command(
    g: &Globals,
    command: OperatorCommand,
    now: DateTime<Utc>,
) -> Result<()> {
    let path = g.existing_store()?;
    let policy = g.config()?.pin_policy();
    let mut store = Store::open(&path)?;
    if let OperatorCommand::Recover { name } = &command {
        return recover(&mut store, &path, name, &policy, now);
    }
    if !store.has_manager()? {
        anyhow::bail!(NO_MANAGER);
    }
    let by = Some(super::signed_in(
        &mut store,
        g.operator.as_deref(),
        Permission::ManageOperators,
        now,
    )?);
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
            crate::store::operators::parse_role(&role)?;
            if store.operator_by_name(&name)?.is_some() {
                anyhow::bail!("there is already an operator called {}", clean(&name));
            }
            let pin = read_new_pin(&name, &policy)?;
            let op = store.add_operator(&name, &role, by, now)?;
            store.set_pin(op.id, &pin, &policy, by, now)?;
            println!("added {} ({})", clean(&op.name), op.role);
        }
        OperatorCommand::Disable { name } => {
            store.disable_operator(&name, by, now)?;
            println!("{} can no longer sign in", clean(&name));
        }
        OperatorCommand::Enable { name } => {
            store.enable_operator(&name, by, now)?;
            println!("{} can sign in again", clean(&name));
        }
        OperatorCommand::Role { name, role } => {
            store.set_operator_role(&name, &role, by, now)?;
            println!("{} is now {}", clean(&name), clean(&role));
        }
        OperatorCommand::ResetPin { name } => {
            let op = store
                .operator_by_name(&name)?
                .with_context(|| format!("no active operator called {}", clean(&name)))?;
            let pin = read_new_pin(&name, &policy)?;
            store.set_pin(op.id, &pin, &policy, by, now)?;
            println!("PIN reset for {}", clean(&op.name));
        }
        OperatorCommand::Recover { .. } => unreachable!("handled above"),
    }
    Ok(())
}

/// `operator recover`: the owner of the store file, and only they, gives a
/// store with no manager one again.
fn recover(
    store: &mut Store,
    path: &Path,
    name: &str,
    policy: &crate::domain::pin::PinPolicy,
    now: DateTime<Utc>,
) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let owner = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .uid();
    // SAFETY: geteuid has no preconditions and cannot fail
    let me = unsafe { libc::geteuid() };
    if owner != me {
        anyhow::bail!(
            "only the owner of {} (user {owner}) can recover a manager; you are user {me}",
            path.display()
        );
    }
    if store.has_manager()? {
        anyhow::bail!(
            "this store has a manager who can sign in: recovery is only for a store with none (a manager resets PINs with `operator reset-pin`)"
        );
    }
    let pin = read_new_pin(name, policy)?;
    let os_user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| format!("user {me}"));
    let op = store.recover_manager(name, &pin, policy, &os_user, now)?;
    println!(
        "{} is a manager of {} again; the audit trail records that the file's owner did this",
        clean(&op.name),
        path.display()
    );
    Ok(())
}
