//! The scheme's places: zones, the cameras that watch them, and the members
//! an incident can be reported at. Zones and cameras are set up by a
//! manager and never deleted: a retired one keeps its history (incidents,
//! sightings, exclusions scoped to it) and is offered for nothing new.

use super::{audit, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::place::{place_name, zone_code};
use crate::domain::sighting::Camera;
use crate::domain::text::clean;
use crate::domain::{Member, Zone};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

fn zone_row(r: &rusqlite::Row) -> rusqlite::Result<Zone> {
    Ok(Zone {
        id: r.get(0)?,
        name: r.get(1)?,
        code: r.get(2)?,
        retired: r.get::<_, Option<i64>>(3)?.is_some(),
    })
}

const ZONE_COLUMNS: &str = "id, name, code, retired_at";
const CAMERA_COLUMNS: &str = "id, name, zone_id, is_default, number, retired_at";

fn camera_row(r: &rusqlite::Row) -> rusqlite::Result<Camera> {
    Ok(Camera {
        id: r.get(0)?,
        name: r.get(1)?,
        zone_id: r.get(2)?,
        is_default: r.get(3)?,
        number: r.get(4)?,
        retired: r.get::<_, Option<i64>>(5)?.is_some(),
    })
}

/// The zone with this id, inside a transaction.
fn zone_in(tx: &Transaction, id: i64) -> Result<Zone> {
    tx.query_row(
        &format!("SELECT {ZONE_COLUMNS} FROM zones WHERE id = ?1"),
        [id],
        zone_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("zone {id}")))
}

/// The camera with this id, inside a transaction.
fn camera_in(tx: &Transaction, id: i64) -> Result<Camera> {
    tx.query_row(
        &format!("SELECT {CAMERA_COLUMNS} FROM cameras WHERE id = ?1"),
        [id],
        camera_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("camera {id}")))
}

/// A zone something new is being put in: it must exist and not be retired.
/// `current` is the zone the record is in already, which it may keep.
pub(crate) fn zone_for_new(tx: &Transaction, zone: i64, current: Option<i64>) -> Result<()> {
    let found: Option<(String, Option<i64>)> = tx
        .query_row(
            "SELECT name, retired_at FROM zones WHERE id = ?1",
            [zone],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        None => Err(StoreError::Invalid(format!("zone {zone} does not exist"))),
        Some((name, Some(_))) if current != Some(zone) => Err(StoreError::Invalid(format!(
            "the zone “{}” is retired: it takes nothing new",
            clean(&name)
        ))),
        Some(_) => Ok(()),
    }
}

/// A camera a new sighting names: it must exist and not be retired. Its zone.
pub(crate) fn camera_for_new(tx: &Transaction, camera: i64) -> Result<Option<i64>> {
    let found: Option<(String, Option<i64>, Option<i64>)> = tx
        .query_row(
            "SELECT name, zone_id, retired_at FROM cameras WHERE id = ?1",
            [camera],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match found {
        None => Err(StoreError::Invalid(format!(
            "camera {camera} does not exist"
        ))),
        Some((name, _, Some(_))) => Err(StoreError::Invalid(format!(
            "the camera “{}” is retired: log the sighting on another",
            clean(&name)
        ))),
        Some((_, zone, None)) => Ok(zone),
    }
}

/// A camera as it is being added or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraEdit {
    pub name: String,
    pub zone_id: Option<i64>,
    pub number: Option<i64>,
}

impl Store {
    /// Every zone, retired ones included (history names them), by name.
    pub fn zones(&self) -> Result<Vec<Zone>> {
        let mut st = self
            .conn()
            .prepare_cached(&format!("SELECT {ZONE_COLUMNS} FROM zones ORDER BY name"))?;
        let rows = st.query_map([], zone_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The zone with this code (or, failing that, this name).
    pub fn zone_by_code(&self, code: &str) -> Result<Option<Zone>> {
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {ZONE_COLUMNS} FROM zones WHERE code = ?1
                     UNION ALL SELECT {ZONE_COLUMNS} FROM zones WHERE name = ?1 LIMIT 1"
                ),
                [code.trim()],
                zone_row,
            )
            .optional()?)
    }

    fn zone_named(&self, code: &str) -> Result<Zone> {
        self.zone_by_code(code)?.ok_or_else(|| {
            StoreError::NotFound(format!("a zone with the code “{}”", clean(code.trim())))
        })
    }

    /// Add a zone (a manager's), audited.
    pub fn add_zone(
        &mut self,
        name: &str,
        code: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Zone> {
        let name = place_name("zone", name).map_err(StoreError::Invalid)?;
        let code = zone_code(code).map_err(StoreError::Invalid)?;
        self.write(|tx| {
            zone_unclaimed(tx, &name, &code, None)?;
            tx.execute(
                "INSERT INTO zones (name, code) VALUES (?1, ?2)",
                params![name, code],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Create,
                "zone",
                Some(id),
                &format!("{name} ({code})"),
            )?;
            Ok(Zone {
                id,
                name: name.clone(),
                code: code.clone(),
                retired: false,
            })
        })
    }

    /// Change a zone's name and code (a manager's), audited with both.
    pub fn edit_zone(
        &mut self,
        id: i64,
        name: &str,
        code: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Zone> {
        let name = place_name("zone", name).map_err(StoreError::Invalid)?;
        let code = zone_code(code).map_err(StoreError::Invalid)?;
        self.write(|tx| {
            let before: Zone = zone_in(tx, id)?;
            zone_unclaimed(tx, &name, &code, Some(id))?;
            tx.execute(
                "UPDATE zones SET name = ?1, code = ?2 WHERE id = ?3",
                params![name, code, id],
            )?;
            let mut changes = vec![];
            if before.name != name {
                changes.push(format!("name “{}” → “{name}”", before.name));
            }
            if before.code != code {
                changes.push(format!("code {} → {code}", before.code));
            }
            if !changes.is_empty() {
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    AuditAction::Update,
                    "zone",
                    Some(id),
                    &changes.join(", "),
                )?;
            }
            Ok(Zone {
                id,
                name: name.clone(),
                code: code.clone(),
                retired: before.retired,
            })
        })
    }

    /// Rename the zone with this code (`zone rename`).
    pub fn rename_zone(
        &mut self,
        code: &str,
        new_name: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Zone> {
        let z = self.zone_named(code)?;
        self.edit_zone(z.id, new_name, &z.code, operator, now)
    }

    /// Retire a zone: it keeps its history and is offered for nothing new.
    pub fn retire_zone(&mut self, id: i64, operator: i64, now: DateTime<Utc>) -> Result<Zone> {
        self.write(|tx| {
            let z: Zone = zone_in(tx, id)?;
            if z.retired {
                return Err(StoreError::Invalid(format!(
                    "the zone “{}” is already retired",
                    clean(&z.name)
                )));
            }
            tx.execute(
                "UPDATE zones SET retired_at = ?1 WHERE id = ?2",
                params![ts(now), id],
            )?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Retire,
                "zone",
                Some(id),
                &format!("{} ({})", z.name, z.code),
            )?;
            Ok(Zone { retired: true, ..z })
        })
    }

    /// Retire the zone with this code (`zone retire`).
    pub fn retire_zone_by_code(
        &mut self,
        code: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Zone> {
        let z = self.zone_named(code)?;
        self.retire_zone(z.id, operator, now)
    }

    /// Active and pending members (the ones an incident can be reported at).
    pub fn members(&self) -> Result<Vec<Member>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, name, kind, zone_id FROM members WHERE status IN ('active','pending') ORDER BY name",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Member {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                zone_id: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every camera, retired ones included; the default first, then by name.
    pub fn cameras(&self) -> Result<Vec<Camera>> {
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT {CAMERA_COLUMNS} FROM cameras ORDER BY is_default DESC, name"
        ))?;
        let rows = st.query_map([], camera_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The camera with this name (or number).
    pub fn camera_by_name(&self, name: &str) -> Result<Option<Camera>> {
        let name = name.trim();
        let number: Option<i64> = name.parse().ok();
        Ok(self
            .conn()
            .query_row(
                &format!(
                    "SELECT {CAMERA_COLUMNS} FROM cameras WHERE name = ?1
                     UNION ALL SELECT {CAMERA_COLUMNS} FROM cameras WHERE number = ?2 LIMIT 1"
                ),
                params![name, number],
                camera_row,
            )
            .optional()?)
    }

    fn camera_named(&self, name: &str) -> Result<Camera> {
        self.camera_by_name(name)?.ok_or_else(|| {
            StoreError::NotFound(format!("a camera called “{}”", clean(name.trim())))
        })
    }

    /// Add a camera (a manager's), audited. The first camera of a store is
    /// the one the sighting form offers first.
    pub fn add_camera(
        &mut self,
        name: &str,
        zone: Option<i64>,
        is_default: bool,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Camera> {
        self.add_numbered_camera(
            &CameraEdit {
                name: name.into(),
                zone_id: zone,
                number: None,
            },
            is_default,
            operator,
            now,
        )
    }

    /// Add a camera with its number on the control room's system.
    pub fn add_numbered_camera(
        &mut self,
        c: &CameraEdit,
        is_default: bool,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Camera> {
        let c = camera_checked(c)?;
        self.write(|tx| {
            if let Some(z) = c.zone_id {
                zone_for_new(tx, z, None)?;
            }
            camera_unclaimed(tx, &c, None)?;
            let first: bool =
                tx.query_row("SELECT NOT EXISTS(SELECT 1 FROM cameras)", [], |r| r.get(0))?;
            let is_default = is_default || first;
            if is_default {
                tx.execute("UPDATE cameras SET is_default = 0", [])?;
            }
            tx.execute(
                "INSERT INTO cameras (name, zone_id, is_default, number) VALUES (?1, ?2, ?3, ?4)",
                params![c.name, c.zone_id, is_default, c.number],
            )?;
            let id = tx.last_insert_rowid();
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Create,
                "camera",
                Some(id),
                &c.name,
            )?;
            Ok(Camera {
                id,
                name: c.name.clone(),
                zone_id: c.zone_id,
                is_default,
                number: c.number,
                retired: false,
            })
        })
    }

    /// Change a camera's name, zone or number (a manager's), audited.
    pub fn edit_camera(
        &mut self,
        id: i64,
        c: &CameraEdit,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Camera> {
        let c = camera_checked(c)?;
        self.write(|tx| {
            let before: Camera = camera_in(tx, id)?;
            if let Some(z) = c.zone_id {
                zone_for_new(tx, z, before.zone_id)?;
            }
            camera_unclaimed(tx, &c, Some(id))?;
            tx.execute(
                "UPDATE cameras SET name = ?1, zone_id = ?2, number = ?3 WHERE id = ?4",
                params![c.name, c.zone_id, c.number, id],
            )?;
            let zone_name = |z: Option<i64>| -> Result<String> {
                Ok(match z {
                    Some(z) => {
                        tx.query_row("SELECT name FROM zones WHERE id = ?1", [z], |r| r.get(0))?
                    }
                    None => "no zone".into(),
                })
            };
            let mut changes = vec![];
            if before.name != c.name {
                changes.push(format!("name “{}” → “{}”", before.name, c.name));
            }
            if before.zone_id != c.zone_id {
                changes.push(format!(
                    "zone {} → {}",
                    zone_name(before.zone_id)?,
                    zone_name(c.zone_id)?
                ));
            }
            if before.number != c.number {
                let n = |n: Option<i64>| n.map_or("none".to_string(), |n| n.to_string());
                changes.push(format!("number {} → {}", n(before.number), n(c.number)));
            }
            if !changes.is_empty() {
                audit::append(
                    tx,
                    now,
                    Some(operator),
                    AuditAction::Update,
                    "camera",
                    Some(id),
                    &changes.join(", "),
                )?;
            }
            Ok(Camera {
                name: c.name.clone(),
                zone_id: c.zone_id,
                number: c.number,
                ..before
            })
        })
    }

    /// Point the named camera at another zone (`camera move`).
    pub fn move_camera(
        &mut self,
        name: &str,
        zone_code: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Camera> {
        let cam = self.camera_named(name)?;
        let zone = self.zone_named(zone_code)?;
        self.edit_camera(
            cam.id,
            &CameraEdit {
                name: cam.name.clone(),
                zone_id: Some(zone.id),
                number: cam.number,
            },
            operator,
            now,
        )
    }

    /// Retire a camera: its sightings stay, and no new one can name it.
    pub fn retire_camera(&mut self, id: i64, operator: i64, now: DateTime<Utc>) -> Result<Camera> {
        self.write(|tx| {
            let c: Camera = camera_in(tx, id)?;
            if c.retired {
                return Err(StoreError::Invalid(format!(
                    "the camera “{}” is already retired",
                    clean(&c.name)
                )));
            }
            // the form's first choice passes to the next camera still in use
            tx.execute(
                "UPDATE cameras SET retired_at = ?1, is_default = 0 WHERE id = ?2",
                params![ts(now), id],
            )?;
            if c.is_default {
                tx.execute(
                    "UPDATE cameras SET is_default = 1 WHERE id = (
                        SELECT id FROM cameras WHERE retired_at IS NULL ORDER BY name LIMIT 1)",
                    [],
                )?;
            }
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Retire,
                "camera",
                Some(id),
                &c.name,
            )?;
            Ok(Camera {
                retired: true,
                is_default: false,
                ..c
            })
        })
    }

    /// Retire the named camera (`camera retire`).
    pub fn retire_camera_by_name(
        &mut self,
        name: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Camera> {
        let c = self.camera_named(name)?;
        self.retire_camera(c.id, operator, now)
    }
}

fn camera_checked(c: &CameraEdit) -> Result<CameraEdit> {
    let name = place_name("camera", &c.name).map_err(StoreError::Invalid)?;
    if let Some(n) = c.number {
        if !(1..=99_999).contains(&n) {
            return Err(StoreError::Invalid(format!(
                "a camera number is 1 to 99999 ({n} is not)"
            )));
        }
    }
    Ok(CameraEdit {
        name,
        zone_id: c.zone_id,
        number: c.number,
    })
}

/// Refuse a zone name or code another zone (retired ones included) has.
fn zone_unclaimed(tx: &Transaction, name: &str, code: &str, except: Option<i64>) -> Result<()> {
    let clash: Option<(String, String, Option<i64>)> = tx
        .query_row(
            "SELECT name, code, retired_at FROM zones
             WHERE (name = ?1 OR code = ?2) AND id IS NOT ?3 LIMIT 1",
            params![name, code, except],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((other, other_code, retired)) = clash else {
        return Ok(());
    };
    let retired = if retired.is_some() { ", retired" } else { "" };
    Err(StoreError::Invalid(
        if other_code.eq_ignore_ascii_case(code) {
            format!(
                "the code {} is already used by the zone “{}”{retired}",
                clean(code),
                clean(&other)
            )
        } else {
            format!(
                "there is already a zone called “{}” ({}{retired})",
                clean(&other),
                clean(&other_code)
            )
        },
    ))
}

/// Refuse a camera name or number another camera (retired ones included) has.
fn camera_unclaimed(tx: &Transaction, c: &CameraEdit, except: Option<i64>) -> Result<()> {
    let clash: Option<(String, Option<i64>, Option<i64>)> = tx
        .query_row(
            "SELECT name, number, retired_at FROM cameras
             WHERE (name = ?1 OR (number IS NOT NULL AND number = ?2)) AND id IS NOT ?3 LIMIT 1",
            params![c.name, c.number, except],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((other, number, retired)) = clash else {
        return Ok(());
    };
    let retired = if retired.is_some() { " (retired)" } else { "" };
    Err(StoreError::Invalid(
        if other.eq_ignore_ascii_case(&c.name) {
            format!(
                "there is already a camera called “{}”{retired}",
                clean(&other)
            )
        } else {
            format!(
                "camera number {} is already “{}”{retired}",
                number.unwrap_or_default(),
                clean(&other)
            )
        },
    ))
}
