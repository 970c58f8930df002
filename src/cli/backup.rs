//! `watchroom backup` and `watchroom restore`: a copy of the live store,
//! checked before it is kept, and putting one back.

use super::{read_pin, Globals};
use crate::domain::permission::Permission;
use crate::domain::text::clean;
use crate::store::backup::{self, BackupCheck};
use crate::store::Store;
use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use std::path::Path;

fn describe(c: &BackupCheck) -> String {
    let trail = match &c.newest {
        Some(h) => format!(
            "audit trail intact, {} records up to seq {} (hash {})",
            c.audit_records, h.seq, h.hash
        ),
        None => "no audit records yet".into(),
    };
    format!(
        "{:.1} MB; integrity ok; {trail}",
        c.bytes as f64 / 1_048_576.0
    )
}

pub(super) fn backup_command(g: &Globals, out: &Path, now: DateTime<Utc>) -> Result<()> {
    // a folder that is not there is said before the PIN is asked
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
    let mut s = g.manager_session(Permission::SetUpScheme, now)?;
    let checked = s.store.backup_to(out, Some(s.manager), now)?;
    println!("backup written: {} ({})", out.display(), describe(&checked));
    println!("holds: {}", checked.counts);
    if let Some(h) = &checked.newest {
        // kept apart from the store, it shows later whether the trail was cut
        println!(
            "checkpoint {}:{} written to {}",
            h.seq,
            h.hash,
            clean(&backup::checkpoint_path(out).display().to_string())
        );
    }
    Ok(())
}

pub(super) fn restore_command(g: &Globals, from: &Path, now: DateTime<Utc>) -> Result<()> {
    let to = g.store_path()?;
    let key = crate::store::key::start_key();
    // the backup is checked before anyone is asked for anything
    backup::check(from, key).with_context(|| format!("{} cannot be restored", from.display()))?;
    let name = g
        .operator
        .clone()
        .context("name the manager doing this with --as NAME")?;
    // a manager of the store being replaced says so; if that store is gone
    // or unreadable, a manager of the backup
    let here = if to.exists() {
        Store::open(&to).ok()
    } else {
        None
    };
    let signed_in_here = match here {
        Some(mut store) if store.has_manager().unwrap_or(false) => {
            super::signed_in(&mut store, Some(&name), Permission::SetUpScheme, now)?;
            true
        }
        _ => false,
    };
    if !signed_in_here {
        let pin = read_pin(&format!("PIN for {name} (a manager in the backup)"))?;
        if !backup::manager_pin_matches(from, key, &name, &pin)? {
            anyhow::bail!("refused: {name} is not a manager of the backup with that PIN");
        }
    }
    let restored = backup::restore(from, &to, key, now)?;
    let mut store = Store::open(&to)?;
    let by = store.operator_by_name(&name)?.map(|o| o.id);
    let kept = restored
        .kept
        .as_ref()
        .map(|k| format!("; the store it replaced is kept as {}", k.display()))
        .unwrap_or_default();
    store.record_restore(from, &restored.check, by, &kept, now)?;
    println!("restored {} from {}", to.display(), from.display());
    println!("checked: {}", describe(&restored.check));
    println!("holds: {}", restored.check.counts);
    if let Some(k) = &restored.kept {
        println!(
            "the store it replaced is kept as {}",
            clean(&k.display().to_string())
        );
    }
    Ok(())
}
