//! The incident board: a window of rows over the store, moved a row or a
//! page at a time, filtered and counted without reading the whole table.

use super::{App, COUNT_CAP};
use crate::domain::{Incident, IncidentFilter, StatusView};
use crate::store::{Anchor, BoardKey, BoardRow};

#[derive(Debug, Clone, Default)]
pub struct Board {
    /// The status view chosen with `v` or `:view`; a typed `status:` overrides it.
    pub view: StatusView,
    pub filter: IncidentFilter,
    pub filter_text: String,
    pub rows: Vec<BoardRow>,
    pub selected: usize,
    pub count: u64,
    /// Rows that fit on screen.
    pub page: usize,
}

impl Board {
    pub fn selected_row(&self) -> Option<&BoardRow> {
        self.rows.get(self.selected)
    }
}

impl App {
    pub(super) fn board_down(&mut self) {
        let b = &mut self.board;
        if b.selected + 1 < b.rows.len() {
            b.selected += 1;
            return;
        }
        let Some(last) = b.rows.last().map(|r| r.key) else {
            return;
        };
        match self.store.board_window(&b.filter, Anchor::After(last), 1) {
            Ok(mut more) if !more.is_empty() => {
                let b = &mut self.board;
                b.rows.append(&mut more);
                while b.rows.len() > b.page {
                    b.rows.remove(0);
                }
                b.selected = b.rows.len() - 1;
            }
            Ok(_) => {}
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn board_up(&mut self) {
        let b = &mut self.board;
        if b.selected > 0 {
            b.selected -= 1;
            return;
        }
        let Some(first) = b.rows.first().map(|r| r.key) else {
            return;
        };
        match self.store.board_window(&b.filter, Anchor::Before(first), 1) {
            Ok(more) if !more.is_empty() => {
                let b = &mut self.board;
                b.rows.splice(0..0, more);
                b.rows.truncate(b.page);
                b.selected = 0;
            }
            Ok(_) => {}
            Err(e) => self.store_error(e),
        }
    }

    /// Fill the board window from `anchor`, counting what the filter matches.
    pub fn reload_board(&mut self, anchor: Anchor) {
        let page = self.board.page.max(1);
        let result = self
            .store
            .board_window(&self.board.filter, anchor, page)
            .and_then(|rows| {
                // past the end (rows closed or filtered away): show the last page instead
                if rows.len() < page && !matches!(anchor, Anchor::First | Anchor::Last) {
                    let tail = self
                        .store
                        .board_window(&self.board.filter, Anchor::Last, page)?;
                    if tail.len() > rows.len() {
                        return Ok(tail);
                    }
                }
                Ok(rows)
            });
        match result {
            Ok(rows) => {
                self.board.rows = rows;
                self.board.selected = self
                    .board
                    .selected
                    .min(self.board.rows.len().saturating_sub(1));
            }
            Err(e) => self.store_error(e),
        }
    }

    /// Count what the filter matches. Only when the filter or the store changes:
    /// never on a move, so a key press does not pay for it.
    pub(super) fn recount(&mut self) {
        match self.store.count_incidents(&self.board.filter, COUNT_CAP) {
            Ok(n) => self.board.count = n,
            Err(e) => self.store_error(e),
        }
    }

    /// Reload the visible window where it stands, keeping the selected incident selected.
    pub(super) fn reload_in_place(&mut self) {
        let selected_id = self.board.selected_row().map(|r| r.id);
        let anchor = self
            .board
            .rows
            .first()
            .map(|r| Anchor::AtOrAfter(r.key))
            .unwrap_or(Anchor::First);
        self.reload_board(anchor);
        if let Some(id) = selected_id {
            if let Some(i) = self.board.rows.iter().position(|r| r.id == id) {
                self.board.selected = i;
            }
        }
    }

    /// Show the board with this incident on it, selected.
    pub(super) fn select_incident(&mut self, incident: &Incident) {
        if !self.board.filter.status.admits(incident.status) {
            self.set_view(StatusView::All);
        }
        let key = BoardKey::of(incident);
        self.reload_board(Anchor::AtOrAfter(key));
        if let Some(i) = self.board.rows.iter().position(|r| r.id == incident.id) {
            self.board.selected = i;
        }
    }

    pub(super) fn set_view(&mut self, view: StatusView) {
        self.board.view = view;
        let text = self.board.filter_text.clone();
        if self.apply_filter(&text).is_some() {
            self.board.filter.status = view;
            self.reload_board(Anchor::First);
            self.recount();
        }
    }

    /// Apply a typed filter; on a mistake the board keeps its last good filter.
    pub(super) fn apply_filter(&mut self, text: &str) -> Option<String> {
        match IncidentFilter::parse(text, self.board.view) {
            Ok(f) => {
                self.detail = None;
                self.board.filter = f;
                self.board.filter_text = text.trim().to_string();
                self.board.selected = 0;
                self.reload_board(Anchor::First);
                self.recount();
                None
            }
            Err(e) => Some(e),
        }
    }
}
