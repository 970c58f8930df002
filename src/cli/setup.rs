//! Setting up a real scheme from the shell: `init` makes its store and first
//! manager, `zone` and `camera` lay out the town. Each change is a
//! manager's, signed in with their PIN, and audited.

use super::{read_new_pin, Globals};
use crate::domain::permission::Permission;
use crate::domain::text::clean;
use crate::store::places::CameraEdit;
use crate::store::Store;
use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ZoneCommand {
    /// Add a zone of the town: `zone add "High Street" --code HS`
    Add {
        name: String,
        /// A short code (1 to 8 letters or digits), used here and in imports
        #[arg(long)]
        code: String,
    },
    /// List the zones, retired ones marked
    List,
    /// Give a zone a new name (its history keeps pointing at it)
    Rename { code: String, new_name: String },
    /// Retire a zone: it keeps its history and is offered for nothing new
    Retire { code: String },
}

#[derive(Debug, Subcommand)]
pub enum CameraCommand {
    /// Add a camera: `camera add "Market Square east" --zone MS --number 12`
    Add {
        name: String,
        /// The code (or name) of the zone it watches
        #[arg(long)]
        zone: String,
        /// Its number on the control room's CCTV system
        #[arg(long)]
        number: Option<i64>,
    },
    /// List the cameras, retired ones marked
    List,
    /// Point a camera at another zone
    Move {
        name: String,
        #[arg(long)]
        zone: String,
    },
    /// Retire a camera: its sightings stay, and no new one can name it
    Retire { name: String },
}

/// Remove a store that `init` began and could not finish, so a second try
/// starts clean.
fn remove_new_store(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(PathBuf::from(format!("{}{suffix}", path.display())));
    }
}

/// `watchroom init`: a new, empty store for a real scheme and its first
/// manager. It never touches a file that already exists.
pub(super) fn init_command(g: &Globals, manager: &str, now: DateTime<Utc>) -> Result<()> {
    let path = g.store_path()?;
    if path.exists() || PathBuf::from(format!("{}-wal", path.display())).exists() {
        anyhow::bail!(
            "{} already exists: init makes a new store and never touches an existing one (open it with `watchroom --db {}`)",
            path.display(),
            path.display()
        );
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            anyhow::bail!(
                "the folder {} does not exist; make it first (mkdir -m 700 {})",
                dir.display(),
                dir.display()
            );
        }
    }
    let policy = g.config()?.pin_policy();
    // every question is asked before the file is made
    let pin = read_new_pin(manager, &policy)?;
    let made = (|| -> Result<crate::store::Operator> {
        let mut store = Store::open(&path)?;
        let op = store.create_first_manager(manager, &pin, &policy, now)?;
        store.record_store_created(op.id, now)?;
        Ok(op)
    })();
    match made {
        Ok(op) => {
            println!(
                "made {} (owner-only) with its first manager, {}",
                path.display(),
                clean(&op.name)
            );
            println!(
                "next: its zones (`watchroom --db {p} --as \"{n}\" zone add NAME --code CODE`), cameras, operators and imports",
                p = path.display(),
                n = clean(&op.name)
            );
            Ok(())
        }
        Err(e) => {
            remove_new_store(&path);
            Err(e)
        }
    }
}

/// The zone list, for anyone who can read the store file: it names places, not people.
fn list_zones(store: &Store) -> Result<()> {
    let zones = store.zones()?;
    if zones.is_empty() {
        println!("no zones yet: add one with `watchroom zone add NAME --code CODE`");
    }
    for z in zones {
        println!(
            "{:<8} {}{}",
            clean(&z.code),
            clean(&z.name),
            if z.retired { "  (retired)" } else { "" }
        );
    }
    Ok(())
}

pub(super) fn zone_command(g: &Globals, command: ZoneCommand, now: DateTime<Utc>) -> Result<()> {
    if let ZoneCommand::List = command {
        return list_zones(&Store::open(g.existing_store()?)?);
    }
    let mut s = g.manager_session(Permission::SetUpScheme, now)?;
    let (store, op) = (&mut s.store, s.manager);
    match command {
        ZoneCommand::Add { name, code } => {
            let z = store.add_zone(&name, &code, op, now)?;
            println!("zone added: {} ({})", clean(&z.name), clean(&z.code));
        }
        ZoneCommand::Rename { code, new_name } => {
            let z = store.rename_zone(&code, &new_name, op, now)?;
            println!("zone {} is now “{}”", clean(&z.code), clean(&z.name));
        }
        ZoneCommand::Retire { code } => {
            let z = store.retire_zone_by_code(&code, op, now)?;
            println!(
                "zone {} (“{}”) retired: its history stays, and it is offered for nothing new",
                clean(&z.code),
                clean(&z.name)
            );
            let pointing: Vec<String> = store
                .cameras()?
                .into_iter()
                .filter(|c| c.zone_id == Some(z.id) && !c.retired)
                .map(|c| clean(&c.name).into_owned())
                .collect();
            if !pointing.is_empty() {
                eprintln!(
                    "note: {} still point at it and take no sightings until moved (`camera move NAME --zone CODE`) or retired: {}",
                    if pointing.len() == 1 { "one camera" } else { "cameras" },
                    pointing.join(", ")
                );
            }
        }
        ZoneCommand::List => unreachable!("handled above"),
    }
    Ok(())
}

pub(super) fn camera_command(
    g: &Globals,
    command: CameraCommand,
    now: DateTime<Utc>,
) -> Result<()> {
    if let CameraCommand::List = command {
        let store = Store::open(g.existing_store()?)?;
        let zones = store.zones()?;
        let cameras = store.cameras()?;
        if cameras.is_empty() {
            println!("no cameras yet: add one with `watchroom camera add NAME --zone CODE`");
        }
        for c in cameras {
            let zone = c
                .zone_id
                .and_then(|z| zones.iter().find(|x| x.id == z))
                .map(|z| clean(&z.code).into_owned())
                .unwrap_or_else(|| "-".into());
            println!(
                "{:>5}  {:<8} {}{}{}",
                c.number.map(|n| n.to_string()).unwrap_or_default(),
                zone,
                clean(&c.name),
                if c.is_default {
                    "  (first in the form)"
                } else {
                    ""
                },
                if c.retired { "  (retired)" } else { "" }
            );
        }
        return Ok(());
    }
    let mut s = g.manager_session(Permission::SetUpScheme, now)?;
    let (store, op) = (&mut s.store, s.manager);
    match command {
        CameraCommand::Add { name, zone, number } => {
            let z = store
                .zone_by_code(&zone)?
                .with_context(|| format!("there is no zone with the code “{}”", clean(&zone)))?;
            let c = store.add_numbered_camera(
                &CameraEdit {
                    name,
                    zone_id: Some(z.id),
                    number,
                },
                false,
                op,
                now,
            )?;
            println!("camera added: {} in {}", clean(&c.name), clean(&z.name));
        }
        CameraCommand::Move { name, zone } => {
            let c = store.move_camera(&name, &zone, op, now)?;
            let z = store.zone_by_code(&zone)?.map(|z| z.name).unwrap_or(zone);
            println!("camera {} now watches {}", clean(&c.name), clean(&z));
        }
        CameraCommand::Retire { name } => {
            let c = store.retire_camera_by_name(&name, op, now)?;
            println!(
                "camera {} retired: its sightings stay, and no new one can name it",
                clean(&c.name)
            );
        }
        CameraCommand::List => unreachable!("handled above"),
    }
    Ok(())
}
