//! Alerts that reach the operator: the locked console's banner (counts and
//! call signs, nothing personal), a toast on every console for a new P1, an
//! ingested alarm or an incident going stale, and an open form kept through
//! a lock for the operator who locked it.

use super::{App, InputLine, Modal};
use crate::domain::{IncidentFilter, StatusView};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashSet;

/// What a locked console shows: how much is waiting, never who.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Banner {
    pub hits: i64,
    /// Live P1 incidents.
    pub p1: u64,
    /// Radios set lost or stunned that are on air now: (call sign, status).
    pub trouble_on_air: Vec<(String, String)>,
}

impl Banner {
    /// "2 hits waiting · 1 P1 live · lost radio NTE45 on air", or nothing
    /// when all is quiet.
    pub fn text(&self) -> Option<String> {
        let mut parts = vec![];
        match self.hits {
            0 => {}
            1 => parts.push("1 hit waiting".to_string()),
            n => parts.push(format!("{n} hits waiting")),
        }
        if self.p1 > 0 {
            parts.push(format!("{} P1 live", self.p1));
        }
        for (call_sign, status) in &self.trouble_on_air {
            parts.push(format!("{status} radio {call_sign} on air"));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }

    /// Whether `self` holds something urgent that `before` did not.
    fn grew_from(&self, before: &Banner) -> bool {
        self.hits > before.hits
            || self.p1 > before.p1
            || self
                .trouble_on_air
                .iter()
                .any(|t| !before.trouble_on_air.contains(t))
    }
}

/// A form (or a line being typed) set aside when the console locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub operator: i64,
    pub modal: Option<Modal>,
    pub input: Option<InputLine>,
}

impl Held {
    fn what(&self) -> String {
        match &self.modal {
            Some(Modal::Form(_, f)) => format!("form “{}”", f.title.trim()),
            _ => "typing on the line".to_string(),
        }
    }
}

/// A held draft discarded because someone else signed in: told to its
/// operator at their next sign-in here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discarded {
    pub operator: i64,
    pub what: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

impl App {
    /// Read what the lock screen's banner counts; ring the bell while
    /// locked when something urgent is new.
    pub(crate) fn refresh_banner(&mut self) {
        let live_p1 = IncidentFilter::parse("p:1", StatusView::Live).unwrap_or_default();
        let since = self.now() - Duration::hours(18);
        let read = (|| -> Result<Banner, crate::store::StoreError> {
            let trouble = self.store.trouble_heard(since, 20)?;
            Ok(Banner {
                hits: self.hits.unacknowledged,
                p1: self.store.count_incidents(&live_p1, super::COUNT_CAP)?,
                trouble_on_air: trouble
                    .into_iter()
                    .filter(|(c, _, _)| self.radio.on_air.contains(c))
                    .map(|(c, s, _)| (c, s))
                    .collect(),
            })
        })();
        match read {
            Ok(b) => {
                if self.lock.is_some() && b.grew_from(&self.banner) {
                    self.bell = true;
                }
                self.banner = b;
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Set an open form (or line) aside as the console locks.
    pub(super) fn hold_for_lock(&mut self) {
        let modal = self.modal.take().filter(|m| matches!(m, Modal::Form(..)));
        let input = self.input.take();
        if modal.is_some() || input.is_some() {
            self.held = Some(Held {
                operator: self.operator.id,
                modal,
                input,
            });
        }
    }

    /// Signed in: the held form back for the operator who locked with it;
    /// for anyone else it is discarded, and its operator told next time.
    /// Whether a form came back.
    pub(super) fn after_sign_in_held(&mut self) -> bool {
        let mut back = false;
        if let Some(h) = self.held.take() {
            if h.operator == self.operator.id {
                self.modal = h.modal;
                self.input = h.input;
                back = self.modal.is_some() || self.input.is_some();
            } else {
                self.discarded.push(Discarded {
                    operator: h.operator,
                    what: h.what(),
                    by: self.operator.name.clone(),
                    at: self.now(),
                });
            }
        }
        let me = self.operator.id;
        if let Some(i) = self.discarded.iter().position(|d| d.operator == me) {
            let d = self.discarded.remove(i);
            let at = d.at.with_timezone(&self.tz).format("%H:%M");
            self.warn(format!(
                "your unsaved {} was discarded when {} signed in here at {at}",
                d.what, d.by
            ));
        }
        back
    }

    /// New on another console (or from ingest): a P1 or an alarm gives a
    /// toast and the bell; any other incident a toast.
    pub(super) fn incident_logged_elsewhere(&mut self, id: i64, by: &str, detail: &str) {
        let p1 = detail.starts_with("P1 ");
        let alarm = detail.split_whitespace().nth(1) == Some("alarm");
        let what = crate::domain::text::clean(detail);
        let text = match (p1, alarm) {
            (_, true) => format!("ALARM: #{id} {what} (from {by})"),
            (true, false) => format!("P1: {by} logged #{id}: {what}"),
            _ => format!("{by} logged #{id}: {what}"),
        };
        if p1 || alarm {
            self.bell = true;
            self.notices.push(super::hits::Notice {
                summary: if alarm {
                    "watchroom ALARM".into()
                } else {
                    "watchroom P1".into()
                },
                body: text.clone(),
            });
        }
        self.toast(text);
    }

    /// A radio set lost or stunned heard on air (signing on, off, or a
    /// message), here or on another console or by ingest: the bell, a
    /// desktop notice and a toast on every console, as a hit has. The
    /// audit trail holds it already, written with the log line.
    pub(super) fn missing_radio_heard(
        &mut self,
        call_sign: &str,
        status: &str,
        what: &str,
        by: &str,
    ) {
        let text = format!(
            "{} RADIO {} heard: {} (logged by {})",
            status.to_uppercase(),
            crate::domain::text::clean(call_sign),
            crate::domain::text::clean(what),
            crate::domain::text::clean(by)
        );
        self.bell = true;
        self.notices.push(super::hits::Notice {
            summary: format!("watchroom: {status} radio heard"),
            body: text.clone(),
        });
        self.toast(text);
    }

    /// An incident that has gone the stale age without an update gives a
    /// toast once (on every console, each counting from the store); those
    /// stale when the console started are not news.
    pub(super) fn tell_newly_stale(&mut self) {
        let edge = self.now() - self.stale_after();
        let stale: Vec<(i64, DateTime<Utc>)> = self
            .board
            .live_changed
            .iter()
            .take_while(|(t, _)| *t <= edge)
            .map(|(t, id)| (*id, *t))
            .collect();
        let Some(told) = &mut self.stale_told else {
            self.stale_told = Some(stale.into_iter().collect());
            return;
        };
        let fresh: Vec<i64> = stale
            .iter()
            .filter(|k| !told.contains(k))
            .map(|(id, _)| *id)
            .collect();
        *told = stale.into_iter().collect::<HashSet<_>>();
        let minutes = self.config.stale_after_minutes;
        match fresh.as_slice() {
            [] => {}
            [id] => self.toast(format!("#{id} has had no update for {minutes} min")),
            ids => self.toast(format!(
                "{} incidents have had no update for {minutes} min: {}",
                ids.len(),
                ids.iter()
                    .map(|i| format!("#{i}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        }
    }
}
