//! The offender register: records, aliases, profiles, promotion and merging.
//! Every read of a profile is audited, like every change.

use super::history::{self, Owner};
use super::versions::{self, Record};
use super::{audit, from_ts, photos, ts, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::exclusion::Exclusion;
use crate::domain::offender::{Activity, Offender, OffenderInput, OffenderKind};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

/// An incident that names an offender, as the profile lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedIncident {
    pub id: i64,
    pub opened_at: DateTime<Utc>,
    pub kind: String,
    pub summary: String,
    pub place: String,
}

/// A sighting as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SightingRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub offender_id: Option<i64>,
    pub offender: String,
    pub camera: String,
    pub place: String,
    pub description: String,
    pub note: String,
    pub incident_id: Option<i64>,
    pub by: String,
}

/// Everything the profile shows about one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub offender: Offender,
    pub exclusions: Vec<Exclusion>,
    pub incidents: Vec<LinkedIncident>,
    pub sightings: Vec<SightingRow>,
    pub activity: Activity,
    pub merged_into: Option<i64>,
    /// The latest letter or notice made for each exclusion: (exclusion, kind, when).
    pub notices: Vec<(i64, String, DateTime<Utc>)>,
    /// Changes to the record and its exclusions, newest first.
    pub changes: Vec<crate::domain::history::Change>,
}

/// The profile shows at most this many changed fields.
pub const PROFILE_CHANGES: usize = 200;

impl Profile {
    pub fn last_seen(&self) -> Option<&SightingRow> {
        self.sightings.first()
    }
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

pub(crate) fn offender_row(r: &Row) -> rusqlite::Result<Offender> {
    let kind: String = r.get(1)?;
    Ok(Offender {
        id: r.get(0)?,
        kind: OffenderKind::from_code(&kind).unwrap_or(OffenderKind::Known),
        name: r.get(2)?,
        aliases: vec![],
        nicknames: split(&r.get::<_, String>(3)?),
        description: r.get(4)?,
        markers: split(&r.get::<_, String>(5)?),
        status: r.get(6)?,
        photo_path: r.get(7)?,
        created_at: from_ts(r.get(8)?),
        updated_at: from_ts(r.get(9)?),
        version: r.get(10)?,
    })
}

pub(crate) const OFFENDER_COLUMNS: &str =
    "id, kind, name, nicknames, description, markers, status, photo_path, created_at, updated_at, version";

pub(crate) fn get_offender(conn: &rusqlite::Connection, id: i64) -> Result<Option<Offender>> {
    let sql = format!("SELECT {OFFENDER_COLUMNS} FROM offenders WHERE id = ?1");
    let Some(mut o) = conn
        .prepare_cached(&sql)?
        .query_row([id], offender_row)
        .optional()?
    else {
        return Ok(None);
    };
    let mut st = conn.prepare_cached(
        "SELECT alias FROM offender_aliases WHERE offender_id = ?1 ORDER BY rowid",
    )?;
    o.aliases = st
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(o))
}

/// The photo a record has, as the transaction sees it (none: no such record).
fn photo_of(tx: &Transaction, id: i64) -> Result<String> {
    Ok(tx
        .query_row(
            "SELECT photo_path FROM offenders WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default())
}

fn write_aliases(tx: &Transaction, id: i64, aliases: &[String]) -> Result<()> {
    tx.execute("DELETE FROM offender_aliases WHERE offender_id = ?1", [id])?;
    for a in aliases {
        tx.execute(
            "INSERT INTO offender_aliases (offender_id, alias) VALUES (?1, ?2)",
            params![id, a],
        )
        .map_err(|_| StoreError::Invalid(format!("the alias “{a}” is given twice")))?;
    }
    Ok(())
}

fn activity_of(conn: &rusqlite::Connection, id: i64, now: DateTime<Utc>) -> Result<Activity> {
    let since = ts(now - Duration::days(90));
    let incidents_90d = conn.query_row(
        "SELECT COUNT(*) FROM incident_offenders io JOIN incidents i ON i.id = io.incident_id
         WHERE io.offender_id = ?1 AND i.opened_at >= ?2",
        params![id, since],
        |r| r.get(0),
    )?;
    let sightings_90d = conn.query_row(
        "SELECT COUNT(*) FROM sightings WHERE offender_id = ?1 AND at >= ?2",
        params![id, since],
        |r| r.get(0),
    )?;
    Ok(Activity {
        incidents_90d,
        sightings_90d,
    })
}

pub(crate) const SIGHTING_SELECT: &str =
    "SELECT s.id, s.at, s.offender_id, COALESCE(o.name, ''), COALESCE(c.name, ''),
        COALESCE(z.name, '') || CASE WHEN s.location <> '' THEN
            CASE WHEN z.name IS NULL THEN '' ELSE ' — ' END || s.location ELSE '' END,
        s.description, s.note, s.incident_id, op.name
     FROM sightings s
     LEFT JOIN offenders o ON o.id = s.offender_id
     LEFT JOIN cameras c ON c.id = s.camera_id
     LEFT JOIN zones z ON z.id = s.zone_id
     JOIN operators op ON op.id = s.created_by";

pub(crate) fn sighting_row(r: &Row) -> rusqlite::Result<SightingRow> {
    Ok(SightingRow {
        id: r.get(0)?,
        at: from_ts(r.get(1)?),
        offender_id: r.get(2)?,
        offender: r.get(3)?,
        camera: r.get(4)?,
        place: r.get(5)?,
        description: r.get(6)?,
        note: r.get(7)?,
        incident_id: r.get(8)?,
        by: r.get(9)?,
    })
}

impl Store {
    /// A record's photo file ("" when it has none).
    pub fn photo_path(&self, offender: i64) -> Result<String> {
        Ok(self
            .conn()
            .prepare_cached("SELECT photo_path FROM offenders WHERE id = ?1")?
            .query_row([offender], |r| r.get(0))
            .optional()?
            .unwrap_or_default())
    }

    /// When a person was last seen on a sighting (the newest, on the
    /// sightings' index of each person).
    pub fn last_sighted(&self, offender: i64) -> Result<Option<DateTime<Utc>>> {
        let at: Option<i64> = self
            .conn()
            .prepare_cached("SELECT MAX(at) FROM sightings WHERE offender_id = ?1")?
            .query_row([offender], |r| r.get(0))?;
        Ok(at.map(from_ts))
    }

    pub fn offender(&self, id: i64) -> Result<Option<Offender>> {
        get_offender(self.conn(), id)
    }

    pub fn create_offender(
        &mut self,
        kind: OffenderKind,
        input: OffenderInput,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Offender> {
        let input = input.validate(kind).map_err(StoreError::Invalid)?;
        // a photo given by path is checked and copied in before anything is saved
        let mut photo = self.incoming_photo("", &input.photo_path)?;
        let saved = self.write(|tx| {
            let name = if input.name.is_empty() {
                // an ID-sought record is named by its number until someone is identified
                let next: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM offenders", [], |r| r.get(0))?;
                format!("ID-sought {next:03}")
            } else {
                input.name.clone()
            };
            tx.execute(
                "INSERT INTO offenders (kind, name, nicknames, description, markers, photo_path, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![
                    kind.code(),
                    name,
                    input.nicknames.join(", "),
                    input.description,
                    input.markers.join(","),
                    "",
                    ts(now)
                ],
            )?;
            let id = tx.last_insert_rowid();
            if let Some(p) = photo.as_mut() {
                tx.execute("UPDATE offenders SET photo_path = ?1 WHERE id = ?2", params![p.place(id)?, id])?;
            }
            write_aliases(tx, id, &input.aliases)?;
            audit::append(tx, now, Some(operator), AuditAction::Create, "offender", Some(id), kind.label())?;
            Ok(id)
        });
        let id = photos::settle(saved, photo)?;
        self.offender(id)?
            .ok_or_else(|| StoreError::NotFound(format!("offender {id}")))
    }

    /// Save an edit onto the version the operator was looking at.
    pub fn update_offender(
        &mut self,
        id: i64,
        expected_version: i64,
        input: OffenderInput,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Offender> {
        let current = self
            .offender(id)?
            .ok_or_else(|| StoreError::NotFound(format!("offender {id}")))?;
        let input = input.validate(current.kind).map_err(StoreError::Invalid)?;
        // the photo it has is kept as it is; a new one is checked and copied in first
        let mut photo = self.incoming_photo(&current.photo_path, &input.photo_path)?;
        let saved = self.write(|tx| {
            versions::check(tx, Record::Offender(id), expected_version)?;
            let before = history::fields(tx, Owner::Offender(id))?;
            let old_photo = photo_of(tx, id)?;
            let photo_path = match photo.as_mut() {
                Some(p) => p.place(id)?,
                None => input.photo_path.clone(),
            };
            let name = if input.name.is_empty() { current.name.clone() } else { input.name.clone() };
            tx.execute(
                "UPDATE offenders SET name = ?1, nicknames = ?2, description = ?3, markers = ?4, photo_path = ?5,
                        updated_at = ?6
                 WHERE id = ?7",
                params![
                    name,
                    input.nicknames.join(", "),
                    input.description,
                    input.markers.join(","),
                    photo_path,
                    ts(now),
                    id
                ],
            )?;
            versions::bump(tx, Record::Offender(id), operator, now)?;
            write_aliases(tx, id, &input.aliases)?;
            history::record_since(tx, Owner::Offender(id), &before, now, operator)?;
            audit::append(tx, now, Some(operator), AuditAction::Update, "offender", Some(id), "")?;
            Ok((old_photo, photo_path))
        });
        let (old_photo, photo_path) = photos::settle(saved, photo)?;
        if old_photo != photo_path {
            self.release_photo(&old_photo);
        }
        self.offender(id)?
            .ok_or_else(|| StoreError::NotFound(format!("offender {id}")))
    }

    /// Give a record its photo: the file at `path` is checked and copied
    /// into the store's photo folder, and the copy recorded (see
    /// `store/photos.rs`); the file itself is left where it is. The path the
    /// record already has changes nothing; an empty one clears it. A photo
    /// replaced or cleared has the store's copy deleted once no record uses it.
    pub fn set_offender_photo(
        &mut self,
        id: i64,
        path: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let path = path.trim();
        let current = self
            .offender(id)?
            .ok_or_else(|| StoreError::NotFound(format!("offender {id}")))?;
        if path == current.photo_path {
            return Ok(());
        }
        let photo = self.incoming_photo(&current.photo_path, path)?;
        self.put_photo(id, photo, operator, now)
    }

    /// Give a record a photo from its bytes (a JPEG or PNG), copied into the
    /// store's photo folder as one given by path would be.
    pub fn set_offender_photo_bytes(
        &mut self,
        id: i64,
        bytes: &[u8],
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if self.offender(id)?.is_none() {
            return Err(StoreError::NotFound(format!("offender {id}")));
        }
        let photo = self.incoming_photo_bytes(bytes)?;
        self.put_photo(id, Some(photo), operator, now)
    }

    /// Record `photo` (placed now), or clear the record's photo (`None`).
    fn put_photo(
        &mut self,
        id: i64,
        mut photo: Option<photos::Incoming>,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let saved = self.write(|tx| {
            let before = history::fields(tx, Owner::Offender(id))?;
            let old_photo = photo_of(tx, id)?;
            let photo_path = match photo.as_mut() {
                Some(p) => p.place(id)?,
                None => String::new(),
            };
            let n = tx.execute(
                "UPDATE offenders SET photo_path = ?1, updated_at = ?2 WHERE id = ?3",
                params![photo_path, ts(now), id],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("offender {id}")));
            }
            versions::bump(tx, Record::Offender(id), operator, now)?;
            history::record_since(tx, Owner::Offender(id), &before, now, operator)?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Photo,
                "offender",
                Some(id),
                "",
            )?;
            Ok((old_photo, photo_path))
        });
        let (old_photo, photo_path) = photos::settle(saved, photo)?;
        if old_photo != photo_path {
            self.release_photo(&old_photo);
        }
        Ok(())
    }

    /// An ID-sought person has been identified: give the record its name.
    pub fn promote_offender(
        &mut self,
        id: i64,
        name: &str,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Offender> {
        let name = crate::domain::text::tidy_input(name);
        if name.is_empty() {
            return Err(StoreError::Invalid(
                "give the name of the person identified".into(),
            ));
        }
        self.write(|tx| {
            let row: Option<(String, String)> = tx
                .query_row(
                    "SELECT kind, status FROM offenders WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match row.as_ref().map(|(k, s)| (k.as_str(), s.as_str())) {
                None => return Err(StoreError::NotFound(format!("offender {id}"))),
                // another console merged it into the person it turned out to be
                Some((_, "merged")) => {
                    return Err(StoreError::Invalid(
                        "that record has already been merged".into(),
                    ))
                }
                Some(("known", _)) => {
                    return Err(StoreError::Invalid(
                        "this person is already identified".into(),
                    ))
                }
                _ => {}
            }
            let before = history::fields(tx, Owner::Offender(id))?;
            tx.execute(
                "UPDATE offenders SET kind = 'known', name = ?1, updated_at = ?2 WHERE id = ?3",
                params![name, ts(now), id],
            )?;
            versions::bump(tx, Record::Offender(id), operator, now)?;
            history::record_since(tx, Owner::Offender(id), &before, now, operator)?;
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::Promote,
                "offender",
                Some(id),
                "identified",
            )?;
            Ok(())
        })?;
        self.offender(id)?
            .ok_or_else(|| StoreError::NotFound(format!("offender {id}")))
    }

    /// Fold an ID-sought record into an existing person, moving every link
    /// (incidents, sightings, hits, exclusions) so nothing is lost.
    pub fn merge_offender(
        &mut self,
        from: i64,
        into: i64,
        operator: i64,
        now: DateTime<Utc>,
    ) -> Result<Offender> {
        if from == into {
            return Err(StoreError::Invalid(
                "a record cannot be merged into itself".into(),
            ));
        }
        self.write(|tx| {
            let src = get_offender(tx, from)?.ok_or_else(|| StoreError::NotFound(format!("offender {from}")))?;
            let dst = get_offender(tx, into)?.ok_or_else(|| StoreError::NotFound(format!("offender {into}")))?;
            if src.kind != OffenderKind::IdSought {
                return Err(StoreError::Invalid(format!("only an ID-sought record can be merged; {} is known", src.name)));
            }
            if src.status == "merged" || dst.status == "merged" {
                return Err(StoreError::Invalid("that record has already been merged".into()));
            }
            let (src_before, dst_before) = (history::fields(tx, Owner::Offender(from))?, history::fields(tx, Owner::Offender(into))?);
            tx.execute(
                "INSERT OR IGNORE INTO incident_offenders (incident_id, offender_id)
                 SELECT incident_id, ?2 FROM incident_offenders WHERE offender_id = ?1",
                params![from, into],
            )?;
            tx.execute("DELETE FROM incident_offenders WHERE offender_id = ?1", [from])?;
            // names it was known by stay searchable on the person
            tx.execute(
                "INSERT OR IGNORE INTO offender_aliases (offender_id, alias)
                 SELECT ?2, alias FROM offender_aliases WHERE offender_id = ?1",
                params![from, into],
            )?;
            tx.execute("DELETE FROM offender_aliases WHERE offender_id = ?1", [from])?;
            let moved: Vec<i64> = tx
                .prepare("SELECT id FROM exclusions WHERE offender_id = ?1 ORDER BY id")?
                .query_map([from], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for table in ["sightings", "hits", "exclusions"] {
                tx.execute(&format!("UPDATE {table} SET offender_id = ?2 WHERE offender_id = ?1"), params![from, into])?;
            }
            // each record whose row changed says so, with its new state (see audit/state.rs)
            for e in moved {
                audit::append(tx, now, Some(operator), AuditAction::Merge, "exclusion", Some(e), &format!("moved from offender {from} to {into}"))?;
            }
            // the still's description and markers are kept on the person
            let mut markers = dst.markers.clone();
            for m in src.markers {
                if !markers.contains(&m) {
                    markers.push(m);
                }
            }
            let description = match (dst.description.is_empty(), src.description.is_empty()) {
                (_, true) => dst.description.clone(),
                (true, false) => src.description.clone(),
                (false, false) => format!("{}; from {}: {}", dst.description, src.name, src.description),
            };
            let mut nicknames = dst.nicknames.clone();
            for n in src.nicknames {
                if !nicknames.contains(&n) {
                    nicknames.push(n);
                }
            }
            let photo = if dst.photo_path.is_empty() { src.photo_path.clone() } else { dst.photo_path.clone() };
            tx.execute(
                "UPDATE offenders SET markers = ?1, description = ?2, photo_path = ?3, nicknames = ?4,
                        updated_at = ?5 WHERE id = ?6",
                params![markers.join(","), description, photo, nicknames.join(", "), ts(now), into],
            )?;
            tx.execute(
                "UPDATE offenders SET status = 'merged', merged_into = ?1, updated_at = ?2 WHERE id = ?3",
                params![into, ts(now), from],
            )?;
            versions::bump(tx, Record::Offender(into), operator, now)?;
            versions::bump(tx, Record::Offender(from), operator, now)?;
            history::record_since(tx, Owner::Offender(from), &src_before, now, operator)?;
            history::record_since(tx, Owner::Offender(into), &dst_before, now, operator)?;
            audit::append(tx, now, Some(operator), AuditAction::Merge, "offender", Some(from), &format!("merged into record {into}"))?;
            audit::append(tx, now, Some(operator), AuditAction::Merge, "offender", Some(into), &format!("record {from} merged in"))?;
            Ok(())
        })?;
        self.offender(into)?
            .ok_or_else(|| StoreError::NotFound(format!("offender {into}")))
    }

    /// The whole profile, and an audit line saying who looked and why.
    pub fn open_profile(
        &mut self,
        id: i64,
        operator: i64,
        why: &str,
        now: DateTime<Utc>,
    ) -> Result<Profile> {
        let profile = self.profile(id, now)?;
        self.write(|tx| {
            audit::append(
                tx,
                now,
                Some(operator),
                AuditAction::View,
                "offender",
                Some(id),
                why,
            )
        })?;
        Ok(profile)
    }

    /// The profile without recording a view (for refreshing one already open).
    pub fn profile(&self, id: i64, now: DateTime<Utc>) -> Result<Profile> {
        let conn = self.conn();
        let offender = get_offender(conn, id)?
            .ok_or_else(|| StoreError::NotFound(format!("offender {id}")))?;
        let merged_into: Option<i64> = conn.query_row(
            "SELECT merged_into FROM offenders WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let exclusions = self.exclusions_for(id)?;
        let mut st = conn.prepare_cached(
            "SELECT i.id, i.opened_at, i.kind, i.summary, COALESCE(m.name, z.name, i.location)
             FROM incident_offenders io JOIN incidents i ON i.id = io.incident_id
             LEFT JOIN zones z ON z.id = i.zone_id LEFT JOIN members m ON m.id = i.member_id
             WHERE io.offender_id = ?1 ORDER BY i.opened_at DESC LIMIT 200",
        )?;
        let incidents = st
            .query_map([id], |r| {
                Ok(LinkedIncident {
                    id: r.get(0)?,
                    opened_at: from_ts(r.get(1)?),
                    kind: r.get(2)?,
                    summary: r.get(3)?,
                    place: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut st = conn.prepare_cached(&format!(
            "{SIGHTING_SELECT} WHERE s.offender_id = ?1 ORDER BY s.at DESC LIMIT 200"
        ))?;
        let sightings = st
            .query_map([id], sighting_row)?
            .collect::<Result<_, _>>()?;
        let mut st = conn.prepare_cached(
            "SELECT d.exclusion_id, d.kind, MAX(d.created_at) FROM documents d
             JOIN exclusions e ON e.id = d.exclusion_id
             WHERE e.offender_id = ?1 GROUP BY d.exclusion_id",
        )?;
        let notices = st
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, from_ts(r.get(2)?))))?
            .collect::<Result<_, _>>()?;
        Ok(Profile {
            changes: self.offender_changes(id, PROFILE_CHANGES)?,
            notices,
            activity: activity_of(conn, id, now)?,
            offender,
            exclusions,
            incidents,
            sightings,
            merged_into,
        })
    }

    /// Records on the register (merged ones excluded).
    pub fn offender_count(&self) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT COUNT(*) FROM offenders WHERE status <> 'merged'",
            [],
            |r| r.get(0),
        )?)
    }
}
