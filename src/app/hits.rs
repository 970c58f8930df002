//! Hits: a sighting of someone excluded or watched, raised on one console and
//! alerted on every one, escalated while nobody acknowledges it, and decided
//! (accepted with what was done, or rejected as a false match).

use super::effect::{moved, Effect, Nav};
use super::form::{Field, FieldKey, Form};
use super::App;
use crate::domain::sighting::{escalation_level, HitStatus, HIT_ACTIONS};
use crate::store::sightings::HitRow;
use crate::store::StoreError;
use chrono::Duration;
use std::collections::{HashMap, HashSet};

/// Deciding a hit: accepting it with what was done, or rejecting it as a false match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HitForm {
    Accept { id: i64, version: i64 },
    Reject { id: i64, version: i64 },
}

impl HitForm {
    pub fn permission(&self) -> crate::domain::permission::Permission {
        use crate::domain::permission::Permission as P;
        match self {
            HitForm::Accept { .. } | HitForm::Reject { .. } => P::DecideHit,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Hits {
    pub rows: Vec<HitRow>,
    pub selected: usize,
    pub unacknowledged: i64,
    pub false_matches: i64,
    /// The newest hit this console has announced.
    pub last_seen: i64,
    /// How far each waiting hit has escalated here.
    pub escalated: HashMap<i64, i64>,
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

    pub(crate) fn refresh_hits(&mut self) {
        match (self.store.hits(300), self.store.hit_counts()) {
            (Ok(rows), Ok((new, _, rejected))) => {
                self.hits.rows = rows;
                self.hits.unacknowledged = new;
                self.hits.false_matches = rejected;
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
                self.hits.escalated.retain(|id, _| waiting.contains(id));
            }
            (Err(e), _) | (_, Err(e)) => self.store_error(e),
        }
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
            let place = if h.camera.is_empty() {
                h.place.clone()
            } else {
                format!("{} ({})", h.place, h.camera)
            };
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

    /// Alert again for hits nobody has acknowledged, each time they wait another interval.
    pub(crate) fn escalate_hits(&mut self) {
        let now = self.now();
        let after = Duration::minutes(self.config.hit_escalate_after_minutes);
        let mut alerts = vec![];
        for h in self.hits.rows.iter().filter(|h| h.status == HitStatus::New) {
            let level = escalation_level(h.raised_at, now, after);
            let seen = self.hits.escalated.get(&h.id).copied().unwrap_or(0);
            if level > seen {
                self.hits.escalated.insert(h.id, level);
                let who = if self.lock.is_some() {
                    "someone".to_string()
                } else {
                    h.offender.clone()
                };
                alerts.push(format!(
                    "hit {} on {who} still not acknowledged ({})",
                    h.id,
                    crate::domain::clock::format_age(now - h.raised_at)
                ));
            }
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
        let mut parts = rest.splitn(3, char::is_whitespace);
        let (Some(id), Some(verb)) = (
            parts.next().and_then(|s| s.parse::<i64>().ok()),
            parts.next(),
        ) else {
            return self.warn("usage: :hit N accept ACTION  or  :hit N reject REASON");
        };
        let text = parts.next().unwrap_or("").trim().trim_matches('"');
        let accept = match verb {
            "accept" | "a" => true,
            "reject" | "r" | "x" => false,
            _ => return self.warn("usage: :hit N accept ACTION  or  :hit N reject REASON"),
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

    /// Save an accept or reject form; Ok is the message to show.
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
        }
    }
}
