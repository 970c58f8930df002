//! The incident board: a window of rows over the store, moved a row or a
//! page at a time, filtered and counted without reading the whole table.

use super::{work, App, COUNT_CAP};
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
    /// A window asked of the store worker and not yet come (the board says
    /// it is filtering meanwhile).
    pub working: Option<Working>,
}

/// Where the selection lands when a window arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Land {
    /// Where it was, within the rows there are.
    Keep,
    First,
    Last,
    /// On this incident, if the window holds it.
    On(i64),
}

/// A window on its way from the worker: how to land it, and whether it brings a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Working {
    pub land: Land,
    pub count: bool,
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

    /// Fill the board window from `anchor` (and count what the filter
    /// matches if asked), the selection landing as said. A filter that reads
    /// every row's text goes to the store worker, so typing it never waits on
    /// a scan: the board keeps what it shows, says it is filtering, and takes
    /// the newest result when it comes.
    pub(super) fn load_board(&mut self, anchor: Anchor, land: Land, count: bool) {
        let page = self.board.page.max(1);
        if self.board.filter.scans() {
            let job = work::Job::Board {
                filter: self.board.filter.clone(),
                anchor,
                page,
                count_cap: count.then_some(COUNT_CAP),
            };
            let now = self.now();
            self.work.queue(job, now);
            self.board.working = Some(Working { land, count });
            return;
        }
        // an older scan still on its way would land over this window
        self.work.drop_wanted(work::Purpose::Board);
        self.board.working = None;
        let rows = self.store.board_page(&self.board.filter, anchor, page);
        let count = count.then(|| self.store.count_incidents(&self.board.filter, COUNT_CAP));
        self.board_arrived(rows, count, land);
    }

    /// A window (and count) from the store or the worker, put on the board.
    fn board_arrived(
        &mut self,
        rows: crate::store::Result<Vec<BoardRow>>,
        count: Option<crate::store::Result<u64>>,
        land: Land,
    ) {
        match rows {
            Ok(rows) => {
                let b = &mut self.board;
                b.rows = rows;
                let last = b.rows.len().saturating_sub(1);
                b.selected = match land {
                    Land::Keep => b.selected.min(last),
                    Land::First => 0,
                    Land::Last => last,
                    Land::On(id) => b
                        .rows
                        .iter()
                        .position(|r| r.id == id)
                        .unwrap_or(b.selected.min(last)),
                };
            }
            Err(e) => self.store_error(e),
        }
        match count {
            Some(Ok(n)) => self.board.count = n,
            Some(Err(e)) => self.store_error(e),
            None => {}
        }
    }

    /// The worker's window for a filter that scans: the newest asked for.
    pub(super) fn board_done(
        &mut self,
        rows: Result<Vec<BoardRow>, String>,
        count: Option<Result<u64, String>>,
    ) {
        let Some(w) = self.board.working.take() else {
            return;
        };
        let failed = |e: String| {
            crate::store::StoreError::Invalid(format!("the board could not be read: {e}"))
        };
        let count = if w.count { count } else { None };
        self.board_arrived(
            rows.map_err(failed),
            count.map(|c| c.map_err(failed)),
            w.land,
        );
    }

    /// Fill the board window from `anchor`, keeping the selection's place.
    pub fn reload_board(&mut self, anchor: Anchor) {
        self.load_board(anchor, Land::Keep, false);
    }

    /// Reload the visible window where it stands, keeping the selected
    /// incident selected; counting again if the store may have changed.
    pub(super) fn reload_in_place(&mut self, count: bool) {
        let land = match self.board.selected_row() {
            Some(r) => Land::On(r.id),
            None => Land::Keep,
        };
        let anchor = self
            .board
            .rows
            .first()
            .map(|r| Anchor::AtOrAfter(r.key))
            .unwrap_or(Anchor::First);
        self.load_board(anchor, land, count);
    }

    /// Show the board with this incident on it, selected.
    pub(super) fn select_incident(&mut self, incident: &Incident) {
        if !self.board.filter.status.admits(incident.status) {
            self.set_view(StatusView::All);
        }
        let key = BoardKey::of(incident);
        self.load_board(Anchor::AtOrAfter(key), Land::On(incident.id), false);
    }

    pub(super) fn set_view(&mut self, view: StatusView) {
        self.board.view = view;
        let text = self.board.filter_text.clone();
        if self.apply_filter(&text).is_some() {
            self.board.filter.status = view;
            self.load_board(Anchor::First, Land::First, true);
        }
    }

    /// Apply a typed filter; on a mistake the board keeps its last good filter.
    pub(super) fn apply_filter(&mut self, text: &str) -> Option<String> {
        match IncidentFilter::parse(text, self.board.view) {
            Ok(f) => {
                self.detail = None;
                self.board.filter = f;
                self.board.filter_text = text.trim().to_string();
                self.load_board(Anchor::First, Land::First, true);
                None
            }
            Err(e) => Some(e),
        }
    }
}
