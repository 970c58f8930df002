//! Hits: a sighting of someone excluded or watched, raised on one console and
//! alerted on every one, reminded on the scheme's schedule while nobody
//! acknowledges it and escalated to the managers at the last reminder,
//! snoozed for a few minutes with a reason, and decided (accepted with what
//! was done, or rejected as a false match).
//!
//! Each console keeps what it has already rung for. A console starting
//! counts every reminder and escalation already past as given, so a restart
//! rings nothing again; after that it rings each step once.

use super::effect::{moved, Effect, Nav};
use super::form::{Field, FieldKey, Form};
use super::App;
use crate::domain::clock::format_age;
use crate::domain::hit::{Standing, SNOOZE_CHOICES};
use crate::domain::permission::Role;
use crate::domain::sighting::{HitStatus, HIT_ACTIONS};
use crate::store::sightings::HitRow;
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// Deciding a hit: accepting it with what was done, or rejecting it as a false match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HitForm {
    Accept {
        id: i64,
        version: i64,
    },
    Reject {
        id: i64,
        version: i64,
    },
    /// Hold its reminders back for a few minutes, saying why.
    Snooze {
        id: i64,
    },
}

impl HitForm {
    pub fn permission(&self) -> crate::domain::permission::Permission {
        use crate::domain::permission::Permission as P;
        match self {
            HitForm::Accept { .. } | HitForm::Reject { .. } | HitForm::Snooze { .. } => {
                P::DecideHit
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Hits {
    pub rows: Vec<HitRow>,
    pub selected: usize,
    pub unacknowledged: i64,
    pub false_matches: i64,
    /// The cameras and people with the most false matches.
    pub false_tallies: crate::store::sightings::FalseMatchTallies,
    /// The newest hit this console has announced.
    pub last_seen: i64,
    /// How many of each waiting hit's reminders this console has given.
    pub reminded: HashMap<i64, usize>,
    /// The escalations this console knows of (told, on a manager's).
    pub escalations_known: HashSet<i64>,
    /// Whether the first load (at start) has counted what was already past.
    pub(crate) primed: bool,
    /// Each waiting hit's person as the sighting picker reads them (record
    /// number, first marker, exclusion in force and where, last seen), so
    /// two of one name are told apart on the row.
    pub who: HashMap<i64, String>,
}

/// A desktop notification for the runtime to send (never on the drawing path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub summary: String,
    pub body: String,
}

/// What the accept form says was done: the action, with its detail if given.
pub(crate) fn accepted_action(form: &Form) -> Result<String, StoreError> {
    let action = form.field(FieldKey::Action)?.value();
    Ok(match form.field(FieldKey::Detail)?.value().trim() {
        "" => action.to_string(),
        detail => format!("{action}: {detail}"),
    })
}

impl Hits {
    /// Waiting hits that still need someone (not those whose exclusion was
    /// lifted or has ended), and of them those escalated.
    pub fn urgent(&self, now: DateTime<Utc>) -> (usize, usize) {
        let standings: Vec<Standing> = self
            .rows
            .iter()
            .map(|h| h.alarm().standing(now))
            .filter(|s| s.urgent())
            .collect();
        let escalated = standings
            .iter()
            .filter(|s| **s == Standing::Escalated)
            .count();
        (standings.len(), escalated)
    }

    /// `z` on the selected hit: the form to hold its reminders back.
    pub fn snooze(&self) -> Vec<Effect> {
        let Some(h) = self.rows.get(self.selected) else {
            return vec![];
        };
        if h.status != HitStatus::New {
            return vec![Effect::Warn(format!(
                "hit {} is already {}: nothing to snooze",
                h.id,
                h.status.code()
            ))];
        }
        let form = Form::new(
            format!("Snooze hit {} — {}", h.id, h.offender),
            vec![
                Field::text(
                    FieldKey::Minutes,
                    &SNOOZE_CHOICES[1].to_string(),
                    "5, 10 or 15 — or any up to 60",
                ),
                Field::text(
                    FieldKey::Reason,
                    "",
                    "why the reminders can wait, e.g. police on the way",
                ),
            ],
        );
        vec![Effect::OpenForm(HitForm::Snooze { id: h.id }.into(), form)]
    }

    /// `a` or `x` on the selected hit: the form to accept it (what was
    /// done) or reject it (why it is not them), on the hit as shown.
    pub fn decide(&self, accept: bool) -> Vec<Effect> {
        let Some(h) = self.rows.get(self.selected) else {
            return vec![];
        };
        if h.status != HitStatus::New {
            return vec![Effect::Warn(format!(
                "hit {} is already {}",
                h.id,
                h.status.code()
            ))];
        }
        let (id, version) = (h.id, h.version);
        let (kind, form) = if accept {
            let form = Form::new(
                format!("Accept hit {} — {}", h.id, h.offender),
                vec![
                    Field::choice(
                        FieldKey::Action,
                        HIT_ACTIONS.iter().map(|s| s.to_string()).collect(),
                        0,
                        "what was done",
                    ),
                    Field::text(FieldKey::Detail, "", "optional"),
                ],
            );
            (HitForm::Accept { id, version }, form)
        } else {
            let form = Form::new(
                format!("Reject hit {} as a false match", h.id),
                vec![Field::text(
                    FieldKey::Reason,
                    "",
                    "why it is not them, e.g. different build",
                )],
            );
            (HitForm::Reject { id, version }, form)
        };
        vec![Effect::OpenForm(kind.into(), form)]
    }

    /// A move in the hits waiting; Enter opens the person's profile,
    /// audited as seen for that hit.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        if nav == Nav::Open {
            return self
                .rows
                .get(self.selected)
                .map(|h| Effect::OpenProfile {
                    offender: h.offender_id,
                    why: format!("hit {}", h.id),
                })
                .into_iter()
                .collect();
        }
        moved(&mut self.selected, self.rows.len(), nav);
        vec![]
    }
}

impl App {
    pub(crate) fn open_hit_form(&mut self, accept: bool) {
        let effects = self.hits.decide(accept);
        self.run(effects);
    }

    pub(crate) fn open_snooze_form(&mut self) {
        let effects = self.hits.snooze();
        self.run(effects);
    }

    /// Read what tells the waiting hits' people apart (a few indexed
    /// reads a waiting hit; decided ones show the name alone).
    pub(crate) fn describe_waiting(&mut self) {
        let people: Vec<(i64, i64, String)> = self
            .hits
            .rows
            .iter()
            .filter(|h| h.status == HitStatus::New)
            .map(|h| (h.id, h.offender_id, h.offender.clone()))
            .collect();
        let suggest = super::register::app_suggest!(self);
        self.hits.who = people
            .into_iter()
            .map(|(hit, person, name)| (hit, suggest.describe(person, &name)))
            .collect();
    }

    pub(crate) fn refresh_hits(&mut self) {
        match (self.store.hits(300), self.store.hit_counts()) {
            (Ok(rows), Ok((new, _, rejected))) => {
                self.hits.rows = rows;
                self.hits.unacknowledged = new;
                self.hits.false_matches = rejected;
                match self.store.false_match_tallies(2) {
                    Ok(t) => self.hits.false_tallies = t,
                    Err(e) => tracing::warn!("false matches by camera and person: {e}"),
                }
                self.hits.selected = self
                    .hits
                    .selected
                    .min(self.hits.rows.len().saturating_sub(1));
                let waiting: HashSet<i64> = self
                    .hits
                    .rows
                    .iter()
                    .filter(|h| h.status == HitStatus::New)
                    .map(|h| h.id)
                    .collect();
                self.hits.reminded.retain(|id, _| waiting.contains(id));
                self.describe_waiting();
                self.hits
                    .escalations_known
                    .retain(|id| waiting.contains(id));
                if !self.hits.primed {
                    self.hits.primed = true;
                    self.count_past_as_given();
                } else {
                    self.tell_escalations();
                }
            }
            (Err(e), _) | (_, Err(e)) => self.store_error(e),
        }
    }

    /// At start: every reminder already due and every escalation already
    /// made counts as given here, so starting a console rings nothing old.
    /// A hit past its last step while no console ran is escalated now, in
    /// the store, without ringing here (other managers' consoles are told).
    fn count_past_as_given(&mut self) {
        let now = self.now();
        let reminders = self.config.reminders();
        let mut overdue = vec![];
        for h in self.hits.rows.iter().filter(|h| h.status == HitStatus::New) {
            let due = reminders.due(h.raised_at, now);
            self.hits.reminded.insert(h.id, due);
            if h.escalated_at.is_some() {
                self.hits.escalations_known.insert(h.id);
            } else if h.alarm().standing(now).reminds() && reminders.escalates(due) {
                self.hits.escalations_known.insert(h.id);
                overdue.push((h.id, format_age(now - h.raised_at)));
            }
        }
        for (id, waited) in &overdue {
            if let Err(e) = self.store.escalate_hit(*id, waited, now) {
                return self.store_error(e);
            }
        }
        if !overdue.is_empty() {
            self.mark_own_writes_seen();
            self.refresh_hits();
        }
    }

    /// Escalations not yet known here, made by this console or another: a
    /// manager's console is told (toast, bell, desktop notification).
    fn tell_escalations(&mut self) {
        let now = self.now();
        let fresh: Vec<(i64, String, DateTime<Utc>)> = self
            .hits
            .rows
            .iter()
            .filter(|h| h.alarm().standing(now) == Standing::Escalated)
            .filter(|h| !self.hits.escalations_known.contains(&h.id))
            .map(|h| (h.id, h.offender.clone(), h.raised_at))
            .collect();
        for (id, offender, raised) in fresh {
            self.hits.escalations_known.insert(id);
            if self.operator.role != Role::Manager {
                continue;
            }
            // a locked console names no one
            let text = if self.lock.is_some() {
                "ESCALATED: a hit nobody has acknowledged — sign in to see it".to_string()
            } else {
                format!(
                    "ESCALATED: hit {id} on {offender} not acknowledged for {}",
                    format_age(now - raised)
                )
            };
            self.toast(text.clone());
            self.bell = true;
            self.notices.push(Notice {
                summary: "watchroom: hit escalated".into(),
                body: text,
            });
        }
    }

    /// After another console's commit: a waiting hit counted again (its
    /// person seen again there) is toasted here; `before` is each waiting
    /// hit's count as shown until now.
    pub(crate) fn announce_seen_again(&mut self, before: &HashMap<i64, i64>) {
        let mut said = vec![];
        for h in self.hits.rows.iter().filter(|h| h.status == HitStatus::New) {
            if before.get(&h.id).is_some_and(|n| h.seen_count > *n) {
                said.push(if self.lock.is_some() {
                    format!("hit {}: seen again — sign in to see it", h.id)
                } else {
                    format!(
                        "hit {}: {} seen again ({} times), last at {}",
                        h.id,
                        h.offender,
                        h.seen_count,
                        where_seen(h)
                    )
                });
            }
        }
        for text in said {
            self.toast(text);
        }
    }

    /// Each waiting hit's count as shown now.
    pub(crate) fn seen_counts(&self) -> HashMap<i64, i64> {
        self.hits
            .rows
            .iter()
            .filter(|h| h.status == HitStatus::New)
            .map(|h| (h.id, h.seen_count))
            .collect()
    }

    /// Announce hits raised on other consoles since the last one seen here.
    pub(crate) fn announce_new_hits(&mut self) {
        let fresh = match self.store.hits_after(self.hits.last_seen) {
            Ok(h) => h,
            Err(e) => return self.store_error(e),
        };
        for h in &fresh {
            self.hits.last_seen = self.hits.last_seen.max(h.id);
            let what = if h.kind == crate::domain::sighting::HitKind::Breach {
                "BREACH"
            } else {
                "WATCH"
            };
            let place = where_seen(h);
            // a locked console names no one: the bell and a plain word only
            let text = if self.lock.is_some() {
                format!("{what}: a new hit — sign in to see it")
            } else {
                format!("{what}: {} seen at {place}", h.offender)
            };
            self.toast(text.clone());
            self.bell = true;
            self.notices.push(Notice {
                summary: format!("watchroom {what}"),
                body: text,
            });
        }
        if !fresh.is_empty() {
            self.refresh_hits();
        }
    }

    /// On the tick: remind for each waiting hit whose next step on the
    /// schedule has come (once, however many steps passed meanwhile, as
    /// after a snooze), and at the last step escalate it. Decided hits,
    /// snoozed ones and those whose exclusion was lifted or has ended do not
    /// remind. On a manager's console the escalation itself is the alert.
    pub(crate) fn escalate_hits(&mut self) {
        let now = self.now();
        let reminders = self.config.reminders();
        let manager = self.operator.role == Role::Manager;
        let mut alerts = vec![];
        let mut escalate = vec![];
        for h in self
            .hits
            .rows
            .iter()
            .filter(|h| h.alarm().standing(now).reminds())
        {
            let due = reminders.due(h.raised_at, now);
            if due <= self.hits.reminded.get(&h.id).copied().unwrap_or(0) {
                continue;
            }
            self.hits.reminded.insert(h.id, due);
            let who = if self.lock.is_some() {
                "someone".to_string()
            } else {
                h.offender.clone()
            };
            let waited = format_age(now - h.raised_at);
            if reminders.escalates(due) {
                escalate.push((h.id, waited.clone()));
                if !manager {
                    alerts.push(format!(
                        "hit {} on {who} still not acknowledged ({waited}): escalated to the managers",
                        h.id
                    ));
                }
            } else {
                alerts.push(format!(
                    "hit {} on {who} still not acknowledged ({waited})",
                    h.id
                ));
            }
        }
        for (id, waited) in &escalate {
            // another console may have written it first: then this one reads it
            if let Err(e) = self.store.escalate_hit(*id, waited, now) {
                self.store_error(e);
            }
        }
        if !escalate.is_empty() {
            self.mark_own_writes_seen();
            self.refresh_hits();
        }
        for a in alerts {
            self.toast(a.clone());
            self.bell = true;
            self.notices.push(Notice {
                summary: "watchroom: hit waiting".into(),
                body: a,
            });
        }
    }

    /// The hit a `:hit N accept|reject TEXT` command names.
    pub(crate) fn hit_command(&mut self, rest: &str) {
        const USAGE: &str =
            "usage: :hit N accept ACTION  or  :hit N reject REASON  or  :hit N snooze MINUTES REASON";
        let mut parts = rest.splitn(3, char::is_whitespace);
        let (Some(id), Some(verb)) = (
            parts.next().and_then(|s| s.parse::<i64>().ok()),
            parts.next(),
        ) else {
            return self.warn(USAGE);
        };
        let text = parts.next().unwrap_or("").trim().trim_matches('"');
        let accept = match verb {
            "accept" | "a" => true,
            "reject" | "r" | "x" => false,
            "snooze" | "z" => return self.snooze_command(id, text),
            _ => return self.warn(USAGE),
        };
        // a command decides a waiting hit as it stands: never one already decided
        let h = match self.store.hit(id) {
            Ok(Some(h)) => h,
            Ok(None) => return self.warn(format!("there is no hit {id}")),
            Err(e) => return self.store_error(e),
        };
        if h.status != HitStatus::New {
            return self.warn(format!(
                "hit {id} was already {} by {}",
                h.status.code(),
                h.decided_by.as_deref().unwrap_or("another console")
            ));
        }
        let version = h.version;
        let now = self.now();
        match self
            .store
            .decide_hit(id, version, accept, text, self.operator.id, now)
        {
            Ok(h) => {
                self.mark_own_writes_seen();
                self.info(format!("hit {} {}", h.id, h.status.code()));
                self.refresh_hits();
            }
            Err(e) => self.store_error(e),
        }
    }

    /// `:hit N snooze MINUTES REASON`.
    fn snooze_command(&mut self, id: i64, text: &str) {
        let (minutes, reason) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let reason = reason.trim().trim_matches('"');
        match crate::domain::hit::snooze(minutes, reason) {
            Ok((m, reason)) => match self.snooze(id, m, &reason) {
                Ok(said) => {
                    self.info(said);
                    self.refresh_hits();
                }
                Err(e) => self.store_error(e),
            },
            Err(e) => self.warn(e),
        }
    }

    /// Snooze hit `id`; Ok is what to say.
    fn snooze(&mut self, id: i64, minutes: i64, reason: &str) -> Result<String, StoreError> {
        let now = self.now();
        let h = self
            .store
            .snooze_hit(id, minutes, reason, self.operator.id, now)?;
        self.mark_own_writes_seen();
        let until = h
            .snoozed_until
            .map(|t| t.with_timezone(&self.tz).format("%H:%M").to_string())
            .unwrap_or_default();
        Ok(format!("hit {id} snoozed until {until}: {reason}"))
    }

    /// Save an accept, reject or snooze form; Ok is the message to show.
    pub(crate) fn submit_hit_form(
        &mut self,
        kind: &HitForm,
        form: &Form,
    ) -> Result<String, StoreError> {
        let now = self.now();
        let op = self.operator.id;
        match kind {
            HitForm::Accept { id, version } => {
                let action = accepted_action(form)?;
                self.store
                    .decide_hit(*id, *version, true, &action, op, now)?;
                Ok(format!("hit {id} accepted: {action}"))
            }
            HitForm::Reject { id, version } => {
                self.store.decide_hit(
                    *id,
                    *version,
                    false,
                    form.field(FieldKey::Reason)?.value(),
                    op,
                    now,
                )?;
                Ok(format!("hit {id} rejected as a false match"))
            }
            HitForm::Snooze { id } => {
                let (minutes, reason) = crate::domain::hit::snooze(
                    form.field(FieldKey::Minutes)?.value(),
                    form.field(FieldKey::Reason)?.value(),
                )
                .map_err(StoreError::Invalid)?;
                self.snooze(*id, minutes, &reason)
            }
        }
    }
}

/// Where a hit's person was last seen: the place, and the camera if any.
pub(crate) fn where_seen(h: &HitRow) -> String {
    if h.camera.is_empty() {
        h.place.clone()
    } else {
        format!("{} ({})", h.place, h.camera)
    }
}
