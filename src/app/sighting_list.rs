//! The sightings pane: every sighting, newest first, those of people not
//! yet identified too (saved with a description and otherwise seen again
//! nowhere). `/` filters it by person, camera, zone and day; Enter opens
//! the person's profile (audited, for that sighting) or, for someone not
//! yet identified, the sighting's incident.

use super::effect::{moved, Effect, Nav};
use super::radio_log::{day_bounds, looks_like_date};
use super::App;
use crate::domain::place::Zone;
use crate::domain::sighting::Camera;
use crate::domain::text::clean;
use crate::store::offenders::SightingRow;
use crate::store::sightings::SightingQuery;
use chrono::{Duration, NaiveDate};

/// How many sightings the pane reads: the newest the filter lets through.
pub const SIGHTINGS_LIMIT: usize = 500;

#[derive(Debug, Clone, Default)]
pub struct SightingsPane {
    /// The filter as typed (see [`parse_filter`]).
    pub filter: String,
    /// Newest first.
    pub rows: Vec<SightingRow>,
    /// How many the filter lets through, beyond those read too.
    pub total: usize,
    pub selected: usize,
}

impl SightingsPane {
    /// A move in the list; Enter opens the person, or the incident of a
    /// sighting of someone not yet identified.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav == Nav::Open {
            let Some(s) = self.rows.get(self.selected) else {
                return vec![Effect::Say("no sighting selected".into())];
            };
            return vec![match (s.offender_id, s.incident_id) {
                (Some(offender), _) => Effect::OpenProfile {
                    offender,
                    why: format!("sighting {}", s.id),
                },
                (None, Some(i)) => Effect::OpenIncident(i),
                (None, None) => Effect::Say(format!(
                    "sighting {} is of someone not yet identified, on no incident: its description is below",
                    s.id
                )),
            }];
        }
        moved(&mut self.selected, self.rows.len(), nav);
        vec![]
    }

    pub fn selected_row(&self) -> Option<&SightingRow> {
        self.rows.get(self.selected)
    }

    /// The rows read, keeping the same sighting selected when it is still
    /// there (a sighting logged on another console arrives at the top).
    fn got(&mut self, rows: Vec<SightingRow>, total: usize) {
        let keep = self.selected_row().map(|s| s.id);
        self.selected = keep
            .and_then(|id| rows.iter().position(|s| s.id == id))
            .unwrap_or(self.selected)
            .min(rows.len().saturating_sub(1));
        self.rows = rows;
        self.total = total;
    }
}

/// `name_with_underscores` as typed, folded for comparing.
fn folded(v: &str) -> String {
    v.replace('_', " ").trim().to_lowercase()
}

/// The one camera `v` names: its name, its CCTV number, or a part of one
/// name only.
fn camera_named(v: &str, cameras: &[Camera]) -> Result<i64, String> {
    let want = folded(v);
    if let Some(c) = cameras.iter().find(|c| c.name.to_lowercase() == want) {
        return Ok(c.id);
    }
    if let Ok(n) = want.parse::<i64>() {
        if let Some(c) = cameras.iter().find(|c| c.number == Some(n)) {
            return Ok(c.id);
        }
    }
    let names: Vec<(i64, &str)> = cameras.iter().map(|c| (c.id, c.name.as_str())).collect();
    one_holding(v, &want, &names, "camera")
}

/// The one zone `v` names: its name or code, or a part of one name only.
fn zone_named(v: &str, zones: &[Zone]) -> Result<i64, String> {
    let want = folded(v);
    if let Some(z) = zones
        .iter()
        .find(|z| z.name.to_lowercase() == want || z.code.to_lowercase() == want)
    {
        return Ok(z.id);
    }
    let names: Vec<(i64, &str)> = zones.iter().map(|z| (z.id, z.name.as_str())).collect();
    one_holding(v, &want, &names, "zone")
}

/// The one of `names` (id, name) whose name holds `want`; none or several
/// said, naming what there is (`v` as typed, `what` it should name).
fn one_holding(v: &str, want: &str, names: &[(i64, &str)], what: &str) -> Result<i64, String> {
    let like: Vec<&(i64, &str)> = names
        .iter()
        .filter(|(_, n)| n.to_lowercase().contains(want))
        .collect();
    match like.as_slice() {
        [(id, _)] => Ok(*id),
        [] => Err(format!(
            "no {what} is called “{}”{}",
            clean(v),
            known(names.iter().map(|(_, n)| *n))
        )),
        many => Err(format!(
            "“{}” could be {}: give more of the name",
            clean(v),
            named(many.iter().map(|(_, n)| *n))
        )),
    }
}

fn named<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| clean(n).into_owned())
        .collect::<Vec<_>>()
        .join(" or ")
}

fn known<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.take(6).map(|n| clean(n).into_owned()).collect();
    if names.is_empty() {
        " (the scheme has none yet)".into()
    } else {
        format!(" (there are {})", names.join(", "))
    }
}

/// The pane's filter as typed, word by word:
/// - `person:NAME` (or `who:`): people whose name, an alias or a nickname
///   holds it; `_` stands for a space (`person:kyle_fairley`);
/// - `unidentified`: sightings of someone not yet identified;
/// - `camera:NAME` (or `cam:`), by name, CCTV number or a part of one name;
/// - `zone:NAME`, by name, code or a part of one name;
/// - a day: `today`, `yesterday`, `2026-12-04` (or `day:` before one), in
///   the scheme's time;
/// - any other word: found in the person's name, the description, the note
///   or the place typed.
///
/// A word that names nothing is said, naming it.
pub fn parse_filter(
    text: &str,
    cameras: &[Camera],
    zones: &[Zone],
    tz: chrono_tz::Tz,
    today: NaiveDate,
) -> Result<SightingQuery, String> {
    let mut q = SightingQuery::default();
    for word in text.split_whitespace() {
        let (key, value) = match word.split_once(':') {
            Some((k, v)) => (Some(k.to_lowercase()), v),
            None => (None, word),
        };
        let day = |v: &str| -> Option<Result<NaiveDate, String>> {
            match v.to_lowercase().as_str() {
                "today" => Some(Ok(today)),
                "yesterday" => Some(Ok(today - Duration::days(1))),
                w if looks_like_date(w) => {
                    Some(NaiveDate::parse_from_str(w, "%Y-%m-%d").map_err(|_| {
                        format!("“{}” is not a day: write it as YYYY-MM-DD", clean(v))
                    }))
                }
                _ => None,
            }
        };
        let empty = || format!("“{}” needs something after the colon", clean(word));
        match key.as_deref() {
            Some("person" | "who") if !value.is_empty() => {
                if value == "?" {
                    q.unidentified = true;
                } else {
                    q.person = Some(value.replace('_', " "));
                }
            }
            Some("camera" | "cam") if !value.is_empty() => {
                q.camera = Some(camera_named(value, cameras)?)
            }
            Some("zone") if !value.is_empty() => q.zone = Some(zone_named(value, zones)?),
            Some("day") => match day(value) {
                Some(d) => {
                    let (from, to) = day_bounds(d?, tz);
                    q.since = Some(from);
                    q.until = Some(to);
                }
                None => {
                    return Err(format!(
                        "“{}” is not a day: today, yesterday or YYYY-MM-DD",
                        clean(value)
                    ))
                }
            },
            Some("person" | "who" | "camera" | "cam" | "zone") => return Err(empty()),
            _ => match day(word) {
                Some(d) => {
                    let (from, to) = day_bounds(d?, tz);
                    q.since = Some(from);
                    q.until = Some(to);
                }
                None if word.eq_ignore_ascii_case("unidentified") => q.unidentified = true,
                None => q.words.push(word.to_string()),
            },
        }
    }
    Ok(q)
}

impl App {
    /// The pane's rows as the filter now keeps them; a filter that names
    /// nothing is said on the line (or the status bar) and the rows stay.
    pub(crate) fn reload_sightings(&mut self) -> Option<String> {
        let today = self.now().with_timezone(&self.tz).date_naive();
        let query = match parse_filter(
            &self.sightings.filter,
            &self.cameras,
            &self.zones,
            self.tz,
            today,
        ) {
            Ok(q) => q,
            Err(e) => return Some(e),
        };
        match self.store.sightings(&query, SIGHTINGS_LIMIT) {
            Ok((rows, total)) => self.sightings.got(rows, total),
            Err(e) => self.store_error(e),
        }
        None
    }

    /// The filter as typed so far, applied, from the newest.
    pub(crate) fn set_sightings_filter(&mut self, text: &str) -> Option<String> {
        self.sightings.filter = text.to_string();
        let problem = self.reload_sightings();
        self.sightings.selected = 0;
        problem
    }

    /// `i`: the incident the selected sighting was logged against.
    pub(crate) fn sighting_incident(&mut self) {
        match self.sightings.selected_row().map(|s| (s.id, s.incident_id)) {
            Some((_, Some(i))) => self.run(vec![Effect::OpenIncident(i)]),
            Some((id, None)) => self.info(format!("sighting {id} is on no incident")),
            None => self.info("no sighting selected"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cameras() -> Vec<Camera> {
        let cam = |id, name: &str, number| Camera {
            id,
            name: name.into(),
            zone_id: None,
            is_default: false,
            number,
            retired: false,
        };
        vec![
            cam(1, "High St North", Some(11)),
            cam(2, "High St South", Some(12)),
            cam(3, "Market Cross", None),
        ]
    }

    fn zones() -> Vec<Zone> {
        vec![
            Zone {
                id: 7,
                name: "Market Square".into(),
                code: "MKT".into(),
                retired: false,
            },
            Zone {
                id: 8,
                name: "High Street".into(),
                code: "HS".into(),
                retired: false,
            },
        ]
    }

    fn parse(text: &str) -> Result<SightingQuery, String> {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        parse_filter(text, &cameras(), &zones(), chrono_tz::Europe::London, today)
    }

    #[test]
    fn each_part_of_the_filter_narrows_by_what_it_names() {
        let q = parse("person:kyle_fairley camera:market zone:hs yesterday red").unwrap();
        assert_eq!(q.person.as_deref(), Some("kyle fairley"));
        assert_eq!(q.camera, Some(3));
        assert_eq!(q.zone, Some(8));
        assert_eq!(q.words, vec!["red".to_string()]);
        // yesterday in the scheme's time: 4 December, midnight to midnight (GMT)
        assert_eq!(q.since.unwrap().to_rfc3339(), "2026-12-04T00:00:00+00:00");
        assert_eq!(q.until.unwrap().to_rfc3339(), "2026-12-05T00:00:00+00:00");
        assert!(!q.unidentified);
    }

    #[test]
    fn a_camera_by_number_a_zone_by_name_and_the_unidentified() {
        let q = parse("cam:12 zone:Market_Square unidentified").unwrap();
        assert_eq!(q.camera, Some(2));
        assert_eq!(q.zone, Some(7));
        assert!(q.unidentified);
        assert!(parse("person:?").unwrap().unidentified);
    }

    #[test]
    fn a_day_in_summer_starts_at_local_midnight() {
        let q = parse("day:2026-07-01").unwrap();
        assert_eq!(q.since.unwrap().to_rfc3339(), "2026-06-30T23:00:00+00:00");
    }

    #[test]
    fn what_names_nothing_or_too_much_is_said() {
        let e = parse("camera:high").unwrap_err();
        assert!(e.contains("High St North or High St South"), "{e}");
        let e = parse("camera:bus_station").unwrap_err();
        assert!(e.contains("no camera is called “bus_station”"), "{e}");
        assert!(e.contains("Market Cross"), "{e}");
        let e = parse("zone:docks").unwrap_err();
        assert!(e.contains("no zone is called"), "{e}");
        assert!(parse("2026-13-40").unwrap_err().contains("not a day"));
        assert!(parse("day:soon").unwrap_err().contains("not a day"));
        assert!(parse("camera:").unwrap_err().contains("after the colon"));
    }

    #[test]
    fn a_name_with_an_escape_is_said_cleaned() {
        let e = parse("camera:\u{1b}[2J").unwrap_err();
        assert!(!e.contains('\u{1b}'), "{e:?}");
    }
}
