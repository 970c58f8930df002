//! Moving through whatever list the pane shows, opening what is selected,
//! and going back.

use super::board::Land;
use super::{ActivityView, App, Modal, Pane};
use crate::domain::retention::DueKind;
use crate::domain::StatusView;
use crate::store::Anchor;

/// Move a selection by `d` within `n` rows, stopping at the ends.
pub(super) fn step(selected: &mut usize, n: usize, d: i64) {
    *selected = (*selected as i64)
        .saturating_add(d)
        .clamp(0, n.saturating_sub(1) as i64) as usize;
}

impl App {
    pub(super) fn move_by(&mut self, d: i64) {
        if let Some(Modal::Help { scroll }) = &mut self.modal {
            *scroll = (*scroll as i64 + d).clamp(0, 200) as u16;
            return;
        }
        if let Some(Modal::Handover(h)) = &mut self.modal {
            let lines = h.body.lines().count() as i64;
            h.scroll = (h.scroll as i64 + d).clamp(0, lines) as u16;
            return;
        }
        if let Some(detail) = &mut self.detail {
            if self.pane == Pane::Incidents {
                let n = detail.timeline.len();
                detail.selected =
                    (detail.selected as i64 + d).clamp(0, n.saturating_sub(1) as i64) as usize;
                return;
            }
        }
        match self.pane {
            Pane::Activity => {
                let n = match self.activity.view {
                    ActivityView::Audit => self.activity.records.len(),
                    ActivityView::Retention => self.activity.due.len(),
                };
                step(&mut self.activity.selected, n, d)
            }
            Pane::Hits => step(&mut self.hits.selected, self.hits.rows.len(), d),
            Pane::Log => step(&mut self.log.selected, self.log.entries.len(), d),
            Pane::Reports => {}
            Pane::Setup => {
                let n = self.setup_len();
                step(&mut self.setup.selected, n, d)
            }
            Pane::Members => {
                let n = self.members_pane.len();
                step(&mut self.members_pane.selected, n, d);
                self.load_member_contacts();
            }
            Pane::Radio => {
                let n = self.radio_len();
                step(&mut self.radio.selected, n, d);
                self.load_radio_history();
            }
            Pane::Offenders => match &mut self.profile {
                Some(p) => step(&mut p.selected, p.profile.exclusions.len(), d),
                None => {
                    let n = self.register_len();
                    step(&mut self.register.selected, n, d)
                }
            },
            Pane::Incidents => {
                for _ in 0..d.unsigned_abs() {
                    let read = self.board.step(d > 0);
                    self.board_read(read);
                }
            }
        }
    }

    pub(super) fn page(&mut self, down: bool) {
        if self.modal.is_some() || self.detail.is_some() || self.pane != Pane::Incidents {
            let step = self.board.page.max(1) as i64;
            self.move_by(if down { step } else { -step });
            return;
        }
        let read = self.board.turn_page(down);
        self.board_read(read);
    }

    pub(super) fn jump(&mut self, top: bool) {
        if let Some(Modal::Help { scroll }) = &mut self.modal {
            *scroll = 0;
            return;
        }
        if let Some(Modal::Handover(h)) = &mut self.modal {
            h.scroll = 0;
            return;
        }
        if let (Some(d), Pane::Incidents) = (&mut self.detail, self.pane) {
            d.selected = if top {
                0
            } else {
                d.timeline.len().saturating_sub(1)
            };
            return;
        }
        if self.pane != Pane::Incidents {
            self.move_by(if top { i64::MIN / 2 } else { i64::MAX / 2 });
            return;
        }
        let (anchor, land) = if top {
            (Anchor::First, Land::First)
        } else {
            (Anchor::Last, Land::Last)
        };
        self.load_board(anchor, land, false);
    }

    pub(super) fn open_selected(&mut self) {
        match self.pane {
            Pane::Incidents if self.detail.is_none() => {
                if let Some(id) = self.board.selected_row().map(|r| r.id) {
                    self.open_incident(id);
                }
            }
            Pane::Hits => self.open_selected_hit(),
            // Enter on a roll-call with every station in saves it
            Pane::Radio
                if self
                    .radio
                    .rollcall
                    .as_ref()
                    .is_some_and(|r| r.rollcall.is_finished()) =>
            {
                self.save_roll_call()
            }
            Pane::Offenders if self.profile.is_none() => {
                if let Some(id) = self.register_selected_offender() {
                    self.ask_why(id);
                }
            }
            Pane::Activity if self.activity.view == ActivityView::Retention => {
                let Some(item) = self.activity.due.get(self.activity.selected) else {
                    return;
                };
                let (kind, id) = (item.kind, item.id);
                match kind {
                    // reviewing a person before their record goes is a view
                    // like any other: asked why, audited
                    DueKind::IdSought | DueKind::Known | DueKind::Merged => {
                        self.last_why = "retention review".into();
                        self.ask_why(id)
                    }
                    DueKind::ClosedIncident => {
                        self.pane = Pane::Incidents;
                        self.open_incident(id);
                    }
                    DueKind::Sighting => {
                        self.info("a sighting past its period: it goes when retention is applied")
                    }
                }
            }
            Pane::Activity => {
                let target = self
                    .activity
                    .records
                    .get(self.activity.selected)
                    .and_then(|r| (r.entity == "incident").then_some(r.entity_id).flatten());
                if let Some(id) = target {
                    self.pane = Pane::Incidents;
                    self.open_incident(id);
                }
            }
            _ => {}
        }
    }

    pub(super) fn back(&mut self) {
        if self.pane == Pane::Offenders && self.profile.is_some() {
            self.profile = None;
            self.refresh_register_if_changed();
        } else if self.pane == Pane::Offenders && !self.register.query.is_empty() {
            self.register.query.clear();
            self.refresh_register();
        } else if self.detail.is_some() && self.pane == Pane::Incidents {
            self.detail = None;
            self.reload_in_place(false);
        } else if self.pane == Pane::Incidents
            && (self.board.filter.is_narrowed() || self.board.filter.status != StatusView::Live)
        {
            self.board.filter_text.clear();
            self.set_view(StatusView::Live);
            self.info("filter cleared: showing live incidents");
        } else if self.pane != Pane::Incidents {
            self.pane = Pane::Incidents;
        }
    }
}
