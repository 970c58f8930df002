//! The overview: the room at a glance, each section a window of the store
//! (live incidents, hits waiting, the radio picture, the latest activity)
//! with a selection of its own, acting with its full pane's keys.
//!
//! The sections read no whole table: the first live incidents on the
//! board's index, the hits pane's rows, the radio log's last hours and the
//! trail's newest records, each capped.

use super::effect::{moved, Effect, Nav};
use super::incidents::IncidentAct;
use super::{App, Pane};
use crate::domain::audit::AuditAction;
use crate::domain::overview::{self, Layout, Section};
use crate::domain::sighting::HitStatus;
use crate::domain::IncidentFilter;
use crate::store::audit::AuditRecord;
use crate::store::radios::LogLine;
use crate::store::sightings::HitRow;
use crate::store::{Anchor, BoardRow};
use chrono::{DateTime, Duration, Utc};

/// The most live incidents the section holds (a room with more has
/// the board for the rest).
pub const INCIDENTS_SHOWN: usize = 100;
/// The radio log lines and trail records the sections hold.
pub const CHECK_INS_SHOWN: usize = 30;
pub const TICKER_SHOWN: usize = 40;

#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub focus: Option<Section>,
    pub incidents: Vec<BoardRow>,
    pub incident_selected: usize,
    pub hit_selected: usize,
    /// The radio log's latest lines: the last check-ins.
    pub check_ins: Vec<LogLine>,
    pub radio_selected: usize,
    /// Radios set lost or stunned that have been heard: call sign, status, when.
    pub trouble: Vec<(String, String, DateTime<Utc>)>,
    pub ticker: Vec<AuditRecord>,
    pub ticker_selected: usize,
    /// The console has said the terminal is too small for the overview.
    pub said_small: bool,
    /// A full pane was opened from a section: Esc comes back here.
    pub opened_from: bool,
}

impl Overview {
    /// The focused section, or the layout's first.
    pub fn focused(&self, layout: &Layout) -> Section {
        match self.focus {
            Some(s) if layout.has(s) => s,
            _ => layout
                .sections
                .first()
                .map(|(s, _)| *s)
                .unwrap_or(Section::Incidents),
        }
    }

    pub fn selected(&self, s: Section) -> usize {
        match s {
            Section::Incidents => self.incident_selected,
            Section::Hits => self.hit_selected,
            Section::Radio => self.radio_selected,
            Section::Activity => self.ticker_selected,
        }
    }

    fn selected_mut(&mut self, s: Section) -> &mut usize {
        match s {
            Section::Incidents => &mut self.incident_selected,
            Section::Hits => &mut self.hit_selected,
            Section::Radio => &mut self.radio_selected,
            Section::Activity => &mut self.ticker_selected,
        }
    }
}

/// The hits waiting for a decision, oldest first as the hits pane has them.
pub fn waiting(rows: &[HitRow]) -> impl Iterator<Item = &HitRow> {
    rows.iter().filter(|h| h.status == HitStatus::New)
}

/// One line of the ticker, naming no one on the register: who did what
/// to which record (the record's own text stays in its pane).
pub fn ticker_text(r: &AuditRecord) -> String {
    let id = r.entity_id.map(|i| i.to_string()).unwrap_or_default();
    let what = match (r.action.known(), r.entity.as_str()) {
        (Some(AuditAction::Create), "incident") => format!("logged incident #{id}"),
        (Some(AuditAction::Status), "incident") => {
            format!("#{id} {}", crate::domain::text::clean(&r.detail))
        }
        (Some(AuditAction::Note), "incident") => format!("added a note to #{id}"),
        (Some(AuditAction::Link), "incident") => format!("named a person on #{id}"),
        (Some(AuditAction::Update | AuditAction::Edit), "incident") => format!("updated #{id}"),
        (Some(AuditAction::Create), "sighting") => format!("logged sighting {id}"),
        (Some(AuditAction::Raise), "hit") => format!("raised hit {id}"),
        (Some(AuditAction::Accepted), "hit") => format!("accepted hit {id}"),
        (Some(AuditAction::Rejected), "hit") => format!("rejected hit {id} as a false match"),
        (Some(AuditAction::SeenAgain), "hit") => format!("added a sighting to hit {id}"),
        (Some(AuditAction::Snooze), "hit") => format!("snoozed hit {id}"),
        (Some(AuditAction::Escalate), "hit") => {
            return format!("hit {id} escalated to the managers")
        }
        (Some(AuditAction::Log), "radio") => "logged radio traffic".to_string(),
        (Some(AuditAction::Status), "radio") => format!("changed radio {id}'s status"),
        (Some(AuditAction::Start), "rollcall") => "began a roll-call".to_string(),
        (Some(AuditAction::Finish), "rollcall") => "saved the roll-call".to_string(),
        (Some(AuditAction::Start), "shift") => "began a shift".to_string(),
        (Some(AuditAction::End), "shift") => "ended a shift".to_string(),
        (Some(AuditAction::Create), "exclusion") => format!("issued exclusion {id}"),
        (Some(AuditAction::Lift), "exclusion") => format!("lifted exclusion {id}"),
        (_, "occurrence") => "wrote in the occurrence log".to_string(),
        (_, entity) => format!("{} {entity} {id}", r.action.code()),
    };
    format!("{} {}", r.operator, what.trim_end())
}

impl App {
    /// Whether the terminal is big enough for the overview.
    pub fn overview_fits(&self) -> bool {
        self.size.0 >= overview::MIN_WIDTH && self.size.1 >= overview::MIN_HEIGHT
    }

    /// This operator's overview: their role's sections and shares.
    pub fn overview_layout(&self) -> Layout {
        self.config.overview.layout(self.role())
    }

    /// The pane to open on: the overview for the roles that watch the
    /// room, when the terminal holds it; else the incidents.
    pub fn home_pane(&self) -> Pane {
        if overview::opens_on_overview(self.role()) && self.overview_fits() {
            Pane::Overview
        } else {
            Pane::Incidents
        }
    }

    /// Open on the home pane (at start and after a sign-in): saying once
    /// when the overview would have opened but the terminal is too small.
    pub fn open_home(&mut self) {
        let p = self.home_pane();
        if p == Pane::Incidents && overview::opens_on_overview(self.role()) {
            self.say_overview_too_small();
        }
        self.show_pane(p);
    }

    fn say_overview_too_small(&mut self) {
        if std::mem::replace(&mut self.overview.said_small, true) {
            return;
        }
        self.info(format!(
            "the overview needs a terminal of {}×{} (this is {}×{}): the panes are tabs",
            overview::MIN_WIDTH,
            overview::MIN_HEIGHT,
            self.size.0,
            self.size.1
        ));
    }

    /// The terminal shrank under the overview: the incidents instead, said once.
    pub(super) fn overview_resized(&mut self) {
        if self.pane == Pane::Overview && !self.overview_fits() {
            self.say_overview_too_small();
            self.pane = Pane::Incidents;
        }
    }

    /// Read what the sections show that the console does not keep anyway
    /// (the hits and who is on air are kept current on every pane).
    pub(crate) fn refresh_overview(&mut self) {
        let now = self.now();
        let since = now - Duration::hours(18);
        let read = (|| -> Result<(), crate::store::StoreError> {
            let keep = self
                .overview
                .incidents
                .get(self.overview.incident_selected)
                .map(|r| r.id);
            self.overview.incidents = self.store.board_window(
                &IncidentFilter::default(),
                Anchor::First,
                INCIDENTS_SHOWN,
            )?;
            if let Some(i) =
                keep.and_then(|id| self.overview.incidents.iter().position(|r| r.id == id))
            {
                self.overview.incident_selected = i;
            }
            self.overview.check_ins = self.store.radio_log(since, CHECK_INS_SHOWN)?;
            self.overview.trouble = self.store.trouble_heard(since, 10)?;
            self.overview.ticker = self.store.ticker(TICKER_SHOWN)?;
            self.refresh_roll_call()?;
            // the governance reminder: a manager's, a few rows each
            if crate::domain::permission::allowed(
                self.role(),
                crate::domain::permission::Permission::KeepGovernance,
            ) {
                self.reload_governance()?;
            }
            Ok(())
        })();
        if let Err(e) = read {
            self.store_error(e);
        }
        self.clamp_overview();
    }

    fn clamp_overview(&mut self) {
        let waiting = waiting(&self.hits.rows).count();
        let o = &mut self.overview;
        let last = |n: usize| n.saturating_sub(1);
        o.incident_selected = o.incident_selected.min(last(o.incidents.len()));
        o.hit_selected = o.hit_selected.min(last(waiting));
        o.radio_selected = o.radio_selected.min(last(o.check_ins.len()));
        o.ticker_selected = o.ticker_selected.min(last(o.ticker.len()));
    }

    /// Tab / Shift-Tab (or `l` / `h`) on the overview: the next section.
    pub(super) fn focus_section(&mut self, next: bool) {
        let layout = self.overview_layout();
        let n = layout.sections.len();
        let at = self.overview.focused(&layout);
        let i = layout
            .sections
            .iter()
            .position(|(s, _)| *s == at)
            .unwrap_or(0);
        let j = if next { (i + 1) % n } else { (i + n - 1) % n };
        self.overview.focus = Some(layout.sections[j].0);
    }

    pub fn overview_section(&self) -> Section {
        self.overview.focused(&self.overview_layout())
    }

    /// The waiting hit the hits section has selected.
    pub fn overview_hit(&self) -> Option<&HitRow> {
        waiting(&self.hits.rows).nth(self.overview.hit_selected)
    }

    /// The hits pane's selection put on the section's hit, so its keys
    /// (accept, reject, open) act on the hit the overview shows.
    pub(super) fn select_overview_hit(&mut self) -> bool {
        let Some(id) = self.overview_hit().map(|h| h.id) else {
            return false;
        };
        if let Some(i) = self.hits.rows.iter().position(|h| h.id == id) {
            self.hits.selected = i;
        }
        true
    }

    /// A move in the focused section; Enter opens what it has selected
    /// full screen.
    pub(super) fn overview_nav(&mut self, nav: Nav) -> Vec<Effect> {
        let section = self.overview_section();
        if nav == Nav::Open {
            return self.overview_open(section);
        }
        let n = match section {
            Section::Incidents => self.overview.incidents.len(),
            Section::Hits => waiting(&self.hits.rows).count(),
            Section::Radio => self.overview.check_ins.len(),
            Section::Activity => self.overview.ticker.len(),
        };
        moved(self.overview.selected_mut(section), n, nav);
        vec![]
    }

    fn overview_open(&mut self, section: Section) -> Vec<Effect> {
        self.overview.opened_from = true;
        match section {
            Section::Incidents => {
                match self.overview.incidents.get(self.overview.incident_selected) {
                    Some(r) => vec![Effect::OpenIncident(r.id)],
                    None => self.open_full(Pane::Incidents),
                }
            }
            Section::Hits => {
                self.select_overview_hit();
                self.open_full(Pane::Hits)
            }
            Section::Radio => self.open_full(Pane::Radio),
            Section::Activity => {
                let Some(r) = self.overview.ticker.get(self.overview.ticker_selected) else {
                    return self.open_full(Pane::Activity);
                };
                match (r.entity.as_str(), r.entity_id) {
                    ("incident", Some(id)) => vec![Effect::OpenIncident(id)],
                    ("hit", Some(id)) => {
                        if let Some(i) = self.hits.rows.iter().position(|h| h.id == id) {
                            self.hits.selected = i;
                        }
                        self.open_full(Pane::Hits)
                    }
                    ("radio" | "rollcall", _) => self.open_full(Pane::Radio),
                    _ => self.open_full(Pane::Activity),
                }
            }
        }
    }

    fn open_full(&mut self, p: Pane) -> Vec<Effect> {
        use crate::domain::permission::{allowed, Permission};
        if p == Pane::Activity && !allowed(self.role(), Permission::ViewAudit) {
            self.overview.opened_from = false;
            return vec![Effect::Warn(
                "the activity pane is a manager's: the overview shows the room's work".into(),
            )];
        }
        self.show_pane(p);
        vec![]
    }

    /// An incident key in the incidents section: on its selected incident.
    pub(super) fn overview_incident_key(&mut self, act: IncidentAct) -> Vec<Effect> {
        match self.overview.incidents.get(self.overview.incident_selected) {
            Some(r) if self.overview_section() == Section::Incidents => {
                let act = match act {
                    IncidentAct::AmendNote(_) => IncidentAct::AmendNote(None),
                    other => other,
                };
                vec![Effect::OnIncident { id: r.id, act }]
            }
            _ => vec![],
        }
    }

    /// Esc on a full pane opened from the overview: back to it.
    pub(super) fn back_to_overview(&mut self) -> bool {
        if !std::mem::take(&mut self.overview.opened_from)
            || self.pane == Pane::Overview
            || !self.overview_fits()
        {
            return false;
        }
        self.detail = None;
        self.profile = None;
        self.show_pane(Pane::Overview);
        true
    }
}
