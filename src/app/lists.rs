//! Moving through whatever list the pane shows, opening what is selected,
//! and going back.

use super::effect::Nav;
use super::{App, Modal, Pane};
use crate::domain::StatusView;

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
        if let Some(Modal::Find(_)) = &self.modal {
            return self.find_move(d);
        }
        self.nav(Nav::By(d));
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
        if let Some(Modal::Find(_)) = &self.modal {
            return self.find_jump(top);
        }
        self.nav(if top { Nav::Top } else { Nav::Bottom });
    }

    pub(super) fn open_selected(&mut self) {
        if let Some(Modal::Find(_)) = &self.modal {
            return self.find_open();
        }
        self.nav(Nav::Open);
    }

    pub(super) fn back(&mut self) {
        if let Some(Modal::Find(_)) = &self.modal {
            self.modal = None;
            return;
        }
        if self.pane == Pane::Evidence && self.evidence.open.is_some() {
            self.evidence.open = None;
        } else if self.pane == Pane::Sightings && !self.sightings.filter.is_empty() {
            let _ = self.set_sightings_filter("");
            self.info("sightings filter cleared: every sighting");
        } else if self.pane == Pane::Radio && self.close_past_roll_call() {
        } else if self.pane == Pane::Radio
            && self.radio.view == super::radio::RadioView::Log
            && !self.radio.log_filter.is_empty()
        {
            self.set_log_filter("");
            self.info("radio log filter cleared: every line");
        } else if self.pane == Pane::Offenders && self.profile.is_some() {
            self.profile = None;
            self.update_index();
        } else if self.pane == Pane::Offenders && !self.register.query.is_empty() {
            self.register.query.clear();
            self.refresh_register();
        } else if self.back_to_overview() {
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
