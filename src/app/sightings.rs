//! Sightings: the CCTV desk's log of who was seen where, checked at once
//! against exclusions and watch markers (a breach raises a hit), and naming
//! a person on an incident, which is checked the same way.

use super::form::{Field, FieldKey, Form};
use super::{App, FormKind, Modal, Pane};
use crate::domain::exclusion::Finding;
use crate::domain::sighting::NewSighting;
use crate::store::sightings::Desk;
use crate::store::StoreError;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

const WHERE_HINT: &str = "blank: where the camera points";

/// The sighting forms: logging one, and naming someone on an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SightingForm {
    Log,
    LinkOffender { incident: i64 },
}

impl SightingForm {
    pub fn permission(&self) -> crate::domain::permission::Permission {
        use crate::domain::permission::Permission as P;
        match self {
            SightingForm::Log => P::LogSighting,
            SightingForm::LinkOffender { .. } => P::NameOffenderOnIncident,
        }
    }
}

/// Parse “when” as typed: blank or `now`, `HH:MM` (today, or yesterday if
/// that would be in the future), or `YYYY-MM-DD HH:MM`, in the scheme's zone.
pub fn parse_when(
    input: &str,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Result<DateTime<Utc>, String> {
    let s = input.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    let local = |d: NaiveDate, t: NaiveTime| {
        tz.from_local_datetime(&d.and_time(t))
            .earliest()
            .map(|x| x.with_timezone(&Utc))
            .ok_or_else(|| {
                format!("{d} {t} does not exist on the local clock (the clocks went forward)")
            })
    };
    if let Ok(t) = NaiveTime::parse_from_str(s, "%H:%M") {
        let today = now.with_timezone(&tz).date_naive();
        let at = local(today, t)?;
        return if at > now {
            local(today.pred_opt().unwrap_or(today), t)
        } else {
            Ok(at)
        };
    }
    if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M") {
        return local(dt.date(), dt.time());
    }
    Err(format!(
        "“{s}” is not a time: use HH:MM, YYYY-MM-DD HH:MM, or leave it blank for now"
    ))
}

pub(super) fn parse_incident_ids(input: &str) -> Result<Vec<i64>, String> {
    input
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim_start_matches('#')
                .parse::<i64>()
                .map_err(|_| format!("“{s}” is not an incident number"))
        })
        .collect()
}

impl App {
    /// The cameras a new sighting can name: every one not retired.
    pub(crate) fn cameras_offered(&self) -> Vec<&crate::domain::sighting::Camera> {
        self.cameras.iter().filter(|c| !c.retired).collect()
    }

    pub(crate) fn open_sighting_form(&mut self) {
        // from a profile or the register, the person is already chosen
        let chosen = if self.pane == Pane::Offenders {
            self.current_offender()
                .and_then(|id| self.offender_choice(id))
        } else {
            None
        };
        let desk = self.desk();
        let (names, default) = {
            let offered = self.cameras_offered();
            let mut names: Vec<String> = offered.iter().map(|c| c.name.clone()).collect();
            names.push("(no camera)".into());
            let today = offered.iter().position(|c| c.is_default).unwrap_or(0);
            // the last sighting's camera, unless it has been retired since
            let d = match &desk {
                Some(Desk {
                    camera_id: Some(id),
                    ..
                }) => offered.iter().position(|c| c.id == *id).unwrap_or(today),
                Some(Desk {
                    camera_id: None, ..
                }) => offered.len(),
                None => today,
            };
            (names, d)
        };
        let place = desk
            .as_ref()
            .map(|d| self.desk_place(d))
            .unwrap_or_else(|| Field::place(FieldKey::Where, "", None, WHERE_HINT));
        let incident = match (&self.detail, self.pane) {
            (Some(d), Pane::Incidents) => format!("#{}", d.incident.id),
            _ => String::new(),
        };
        let form = Form::new(
            "Sighting",
            vec![
                Field::offender(
                    FieldKey::Who,
                    chosen,
                    None,
                    "a name fragment; Enter picks the highlighted person; blank if unknown",
                ),
                Field::choice(FieldKey::Camera, names, default, "←/→ or a letter"),
                place,
                Field::text(FieldKey::When, "now", "now, HH:MM, or YYYY-MM-DD HH:MM"),
                Field::text(
                    FieldKey::Description,
                    "",
                    "for someone not on the register: what they look like",
                ),
                Field::text(FieldKey::Note, "", "what they were doing"),
                Field::text(
                    FieldKey::Incident,
                    &incident,
                    "optional: the incident this belongs to, e.g. #1234",
                ),
            ],
        );
        self.input = None;
        self.modal = Some(Modal::Form(FormKind::Sighting(SightingForm::Log), form));
    }

    /// This operator's desk: the camera and place of their last sighting,
    /// read from the store once per operator (a console started again, or
    /// someone else signing in, reads it afresh).
    fn desk(&mut self) -> Option<Desk> {
        let op = self.operator.id;
        match &self.desk {
            Some((who, desk)) if *who == op => desk.clone(),
            _ => {
                let desk = match self.store.last_desk(op) {
                    Ok(d) => d,
                    Err(e) => {
                        // only a default lost: the form opens as on a fresh store
                        tracing::warn!(error = %e, "the last sighting's desk could not be read");
                        None
                    }
                };
                self.desk = Some((op, desk.clone()));
                desk
            }
        }
    }

    /// The Where field as the last sighting left it: blank where it was
    /// where the camera points (so another camera's zone follows it), a
    /// zone retired since is left out.
    fn desk_place(&self, desk: &Desk) -> Field {
        let camera_zone = desk
            .camera_id
            .and_then(|id| self.cameras.iter().find(|c| c.id == id))
            .and_then(|c| c.zone_id);
        let location = desk.location.trim();
        let pointing = location.is_empty() && desk.zone_id.is_some() && desk.zone_id == camera_zone;
        let zone = match desk.zone_id {
            Some(id) if !pointing => self.zones.iter().find(|z| z.id == id && !z.retired),
            _ => None,
        };
        match zone {
            Some(z) => {
                let shown = if location.is_empty() {
                    z.name.clone()
                } else {
                    format!("{} — {location}", z.name)
                };
                let place = crate::domain::Place {
                    zone_id: Some(z.id),
                    member_id: None,
                    location: location.to_string(),
                };
                Field::place(FieldKey::Where, &shown, Some(place), WHERE_HINT)
            }
            None => Field::place(FieldKey::Where, location, None, WHERE_HINT),
        }
    }

    /// Name someone on the register on this incident.
    pub(crate) fn open_link_form(&mut self, i: &crate::domain::Incident) {
        let form = Form::new(
            format!("Name an offender on incident #{}", i.id),
            vec![Field::offender(
                FieldKey::Who,
                None,
                None,
                "a name fragment; Enter picks the highlighted person",
            )],
        );
        self.modal = Some(Modal::Form(
            FormKind::Sighting(SightingForm::LinkOffender { incident: i.id }),
            form,
        ));
    }

    /// Say at once what a sighting found: a breach loudly, anything else plainly.
    pub(super) fn announce_findings(&mut self, who: &str, findings: &[Finding]) -> String {
        let described: Vec<String> = findings.iter().map(|f| f.describe(self.tz)).collect();
        if findings.iter().any(Finding::is_hit) {
            self.bell = true;
            let text = format!(
                "HIT: {who} — {}",
                described.first().cloned().unwrap_or_default()
            );
            self.toast(text.clone());
            self.refresh_hits();
            text
        } else if described.is_empty() {
            format!("sighting of {who} saved: no exclusion or marker")
        } else {
            format!("sighting of {who} saved: {}", described.join("; "))
        }
    }

    /// Save a sighting, or the naming of a person on an incident; Ok is the
    /// message to show, which says at once what it found.
    pub(crate) fn submit_sighting_form(
        &mut self,
        kind: &SightingForm,
        form: &Form,
    ) -> Result<String, StoreError> {
        let now = self.now();
        let op = self.operator.id;
        let invalid = StoreError::Invalid;
        match kind {
            SightingForm::Log => {
                let who = form.field(FieldKey::Who)?;
                let offender = who.offender_value().map(|c| c.id);
                if offender.is_none() && !who.value().trim().is_empty() {
                    return Err(invalid(format!(
                        "nobody on the register matches “{}”: pick from the list, or clear Who and describe the person",
                        who.value().trim()
                    )));
                }
                let cam = form.field(FieldKey::Camera)?.choice_index();
                let camera = self.cameras_offered().get(cam).map(|c| (*c).clone());
                let place = form.field(FieldKey::Where)?.place_value();
                let at = parse_when(form.field(FieldKey::When)?.value(), now, self.tz)
                    .map_err(invalid)?;
                let incident = match parse_incident_ids(form.field(FieldKey::Incident)?.value())
                    .map_err(invalid)?
                    .as_slice()
                {
                    [] => None,
                    [one] => Some(*one),
                    _ => return Err(invalid("a sighting belongs to one incident at most".into())),
                };
                let new = NewSighting {
                    at,
                    camera_id: camera.map(|c| c.id),
                    zone_id: place.zone_id,
                    location: place.location,
                    offender_id: offender,
                    description: form.field(FieldKey::Description)?.value().to_string(),
                    note: form.field(FieldKey::Note)?.value().to_string(),
                    incident_id: incident,
                };
                let outcome = self.store.record_sighting(&new, &self.rules, op, now)?;
                // the desk as the store kept it (the camera's zone where none was typed)
                self.desk = None;
                if let Some(last) = outcome.hits.iter().max() {
                    self.hits.last_seen = self.hits.last_seen.max(*last);
                }
                let who = who
                    .offender_value()
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| "unknown person".into());
                let said = self.announce_findings(&who, &outcome.findings);
                Ok(match outcome.seen_again.as_slice() {
                    [] => said,
                    ids => {
                        let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                        format!("{said} · added to hit {} (still waiting)", ids.join(", "))
                    }
                })
            }
            SightingForm::LinkOffender { incident } => {
                let Some(who) = form.field(FieldKey::Who)?.offender_value().cloned() else {
                    return Err(invalid("pick a person from the list".into()));
                };
                let (findings, hits) =
                    self.store
                        .link_offender(*incident, who.id, &self.rules, op, now)?;
                if let Some(last) = hits.iter().max() {
                    self.hits.last_seen = self.hits.last_seen.max(*last);
                }
                Ok(format!(
                    "{} named on #{incident} — {}",
                    who.name,
                    self.announce_findings(&who.name, &findings)
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::London;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn when_is_read_as_the_control_room_clock_reads() {
        let now = t("2026-07-01T12:00:00Z"); // 13:00 BST
        assert_eq!(parse_when("", now, London).unwrap(), now);
        assert_eq!(parse_when("now", now, London).unwrap(), now);
        assert_eq!(
            parse_when("12:30", now, London).unwrap(),
            t("2026-07-01T11:30:00Z")
        );
        assert_eq!(
            parse_when("23:10", now, London).unwrap(),
            t("2026-06-30T22:10:00Z"),
            "a later time is yesterday's"
        );
        assert_eq!(
            parse_when("2026-01-05 09:00", now, London).unwrap(),
            t("2026-01-05T09:00:00Z"),
            "GMT in winter"
        );
        assert!(parse_when("teatime", now, London)
            .unwrap_err()
            .contains("not a time"));
        assert!(parse_when("2026-03-29 01:30", now, London)
            .unwrap_err()
            .contains("does not exist"));
    }

    #[test]
    fn incident_numbers_are_read_from_a_list() {
        assert_eq!(parse_incident_ids("#12, 40 #7").unwrap(), vec![12, 40, 7]);
        assert!(parse_incident_ids("twelve").is_err());
        assert!(parse_incident_ids("").unwrap().is_empty());
    }
}
