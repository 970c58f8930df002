//! The incident board: a window of rows over the store, moved a row or a
//! page at a time, filtered and counted without reading the whole table.
//!
//! [`Board`] is plain state: a move or a reload changes it and says what it
//! needs from the store (a [`Read`]); it never reads the store itself. The
//! app runs the read (at once for a window on the board's index, on the
//! store worker for a filter that reads every row's text) and hands the rows
//! back to [`Board::got`].

use super::effect::{Effect, Nav};
use super::incidents::IncidentAct;
use super::{work, App, COUNT_CAP};
use crate::domain::{BoardOrder, Incident, IncidentFilter, StatusView};
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
    /// When each live incident was last changed, oldest first, as the
    /// store last said: the stale count, read against the clock.
    pub live_changed: Vec<(chrono::DateTime<chrono::Utc>, i64)>,
    /// A read asked of the store worker and not yet come (the board says
    /// it is filtering meanwhile).
    pub working: Option<Read>,
    /// The store changed while that read was on its way: read the window
    /// again when it comes (counting again, if so), rather than start the
    /// scan over at every commit and never finish one.
    pub again: Option<bool>,
    /// Rows lie above or below the window: each read asks for one row
    /// more than it shows, past the edge it moves towards, so the board
    /// knows without counting (see [`Board::got`]).
    pub more_above: bool,
    pub more_below: bool,
    /// The order picked with `o`; until then each view's own (see
    /// [`BoardOrder::default_for`]).
    pub order: Option<BoardOrder>,
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

/// What the board needs from the store: rows from `anchor`, at most
/// `limit`, and what to do with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Read {
    pub anchor: Anchor,
    pub limit: usize,
    pub then: Then,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// The one row past the window's edge, down or up: the window slides by it.
    Step { down: bool },
    /// The page past the window's edge.
    Page { down: bool },
    /// A whole new window (the last page instead if `anchor` is past the
    /// end), counted again if asked.
    Window { land: Land, count: bool },
}

impl Board {
    /// A typed filter, from the first row, counted again; a mistake is
    /// refused and the board keeps its last good filter.
    pub fn set_filter(&mut self, text: &str) -> Result<Vec<Effect>, String> {
        let mut f = IncidentFilter::parse(text, self.view)?;
        f.order = self.order_for(f.status);
        // Enter after typing it: the board already shows (or is reading) this
        if f == self.filter && text.trim() == self.filter_text {
            return Ok(vec![]);
        }
        self.filter = f;
        self.filter_text = text.trim().to_string();
        Ok(vec![Effect::Board(self.window(
            Anchor::First,
            Land::First,
            true,
        ))])
    }

    /// The order a view is shown in: the one picked, or the view's own.
    pub fn order_for(&self, view: StatusView) -> BoardOrder {
        self.order.unwrap_or(BoardOrder::default_for(view))
    }

    /// The next order (`o`), from the first row, with the selected
    /// incident kept selected if the new window holds it.
    pub fn cycle_order(&mut self) -> Vec<Effect> {
        let order = self.filter.order.next();
        self.order = Some(order);
        self.filter.order = order;
        let land = self.selected_row().map_or(Land::First, |r| Land::On(r.id));
        vec![Effect::Board(self.window(Anchor::First, land, false))]
    }

    /// A status view (`v`, `:view`): the typed filter again under it, or,
    /// if that no longer reads, the view alone.
    pub fn set_view(&mut self, view: StatusView) -> Vec<Effect> {
        self.view = view;
        let text = self.filter_text.clone();
        self.set_filter(&text).unwrap_or_else(|_| {
            self.filter.status = view;
            self.filter.order = self.order_for(view);
            vec![Effect::Board(self.window(Anchor::First, Land::First, true))]
        })
    }

    /// An incident key on the selected row (there is no timeline here to
    /// pick a note to amend from).
    pub fn act(&self, act: IncidentAct) -> Vec<Effect> {
        let Some(row) = self.selected_row() else {
            return match act {
                IncidentAct::NoteNow(_) | IncidentAct::CloseNow(_) => {
                    vec![Effect::Warn("select an incident first".into())]
                }
                _ => vec![],
            };
        };
        let act = match act {
            IncidentAct::AmendNote(_) => IncidentAct::AmendNote(None),
            other => other,
        };
        vec![Effect::OnIncident { id: row.id, act }]
    }

    /// A move on the board: a row within the window or the one past its
    /// edge, the first or last page, or the selected incident opened.
    pub fn update(&mut self, nav: Nav) -> Vec<Effect> {
        let read = match nav {
            // the status views go through the typed filter: the app's to apply
            Nav::By(0) | Nav::NextView => None,
            Nav::By(d) => self.step(d > 0),
            Nav::Top => Some(self.window(Anchor::First, Land::First, false)),
            Nav::Bottom => Some(self.window(Anchor::Last, Land::Last, false)),
            Nav::Open => {
                return self
                    .selected_row()
                    .map(|r| Effect::OpenIncident(r.id))
                    .into_iter()
                    .collect()
            }
        };
        read.map(Effect::Board).into_iter().collect()
    }

    pub fn selected_row(&self) -> Option<&BoardRow> {
        self.rows.get(self.selected)
    }

    fn page_size(&self) -> usize {
        self.page.max(1)
    }

    /// One row down or up: within the window, or the row past its edge to read.
    pub fn step(&mut self, down: bool) -> Option<Read> {
        if down && self.selected + 1 < self.rows.len() {
            self.selected += 1;
            return None;
        }
        if !down && self.selected > 0 {
            self.selected -= 1;
            return None;
        }
        Some(Read {
            anchor: self.past_edge(down)?,
            limit: 1,
            then: Then::Step { down },
        })
    }

    /// Where the rows past the window's bottom (or top) edge start.
    fn past_edge(&self, down: bool) -> Option<Anchor> {
        Some(if down {
            Anchor::After(self.rows.last()?.key)
        } else {
            Anchor::Before(self.rows.first()?.key)
        })
    }

    /// The page after or before the window.
    pub fn turn_page(&self, down: bool) -> Option<Read> {
        Some(Read {
            anchor: self.past_edge(down)?,
            limit: self.page_size(),
            then: Then::Page { down },
        })
    }

    /// A whole window from `anchor`.
    pub fn window(&self, anchor: Anchor, land: Land, count: bool) -> Read {
        Read {
            anchor,
            limit: self.page_size(),
            then: Then::Window { land, count },
        }
    }

    /// The window where it stands, the selected incident staying selected.
    /// With a window on its way, that window: the rows shown are the last
    /// filter's, and the selection it asked for still stands.
    pub fn in_place(&self, count: bool) -> Read {
        if let Some(Read {
            anchor,
            limit,
            then: Then::Window { land, count: c },
        }) = self.working
        {
            return Read {
                anchor,
                limit,
                then: Then::Window {
                    land,
                    count: count || c,
                },
            };
        }
        let land = match self.selected_row() {
            Some(r) => Land::On(r.id),
            None => Land::Keep,
        };
        // a window at the top stays there: an incident logged above it
        // elsewhere comes into view rather than lying unseen above
        let anchor = match self.rows.first() {
            Some(r) if self.more_above => Anchor::AtOrAfter(r.key),
            _ => Anchor::First,
        };
        self.window(anchor, land, count)
    }

    /// The rows (and count, if the read asked for one) a read brought: up
    /// to one more than the read's limit, the row past the far edge, which
    /// says whether more lie that way and is not shown.
    pub fn got(&mut self, read: &Read, mut rows: Vec<BoardRow>, count: Option<u64>) {
        let page = self.page_size();
        // where the row past the edge sits: read back up the board it is first
        let from_top = match (read.then, read.anchor) {
            (Then::Step { down } | Then::Page { down }, _) => !down,
            (Then::Window { .. }, Anchor::Last | Anchor::Before(_)) => true,
            // past the end a window is the last page instead (`board_page`)
            (Then::Window { .. }, Anchor::After(k)) => rows.first().is_some_and(|r| r.key <= k),
            (Then::Window { .. }, Anchor::AtOrAfter(k)) => rows.first().is_some_and(|r| r.key < k),
            (Then::Window { .. }, Anchor::First) => false,
        };
        let beyond = rows.len() > read.limit;
        if beyond {
            if from_top {
                rows.drain(..rows.len() - read.limit);
            } else {
                rows.truncate(read.limit);
            }
        }
        match read.then {
            Then::Step { down } | Then::Page { down } if rows.is_empty() => {
                // nothing more that way: the selection goes to the edge
                if down {
                    self.more_below = false;
                    self.selected = self.rows.len().saturating_sub(1);
                } else {
                    self.more_above = false;
                    self.selected = 0;
                }
            }
            Then::Step { down: true } => {
                self.rows.append(&mut rows);
                let cut = self.rows.len().saturating_sub(page);
                self.rows.drain(..cut);
                self.more_above |= cut > 0;
                self.more_below = beyond;
                self.selected = self.rows.len() - 1;
            }
            Then::Step { down: false } => {
                self.rows.splice(0..0, rows);
                self.more_below |= self.rows.len() > page;
                self.rows.truncate(page);
                self.more_above = beyond;
                self.selected = 0;
            }
            Then::Page { down } if rows.len() >= page => {
                self.rows = rows;
                // the window left rows behind it
                if down {
                    (self.more_above, self.more_below) = (true, beyond);
                } else {
                    (self.more_above, self.more_below) = (beyond, true);
                }
            }
            // a short page: the window slides as far as there are rows
            Then::Page { down: true } => {
                self.rows.extend(rows);
                let cut = self.rows.len().saturating_sub(page);
                self.rows.drain(..cut);
                self.more_above |= cut > 0;
                self.more_below = false;
                self.selected = self.rows.len() - 1;
            }
            Then::Page { down: false } => {
                rows.append(&mut self.rows);
                self.more_below |= rows.len() > page;
                rows.truncate(page);
                self.rows = rows;
                self.more_above = false;
                self.selected = 0;
            }
            Then::Window { land, .. } => {
                self.rows = rows;
                match read.anchor {
                    Anchor::First => (self.more_above, self.more_below) = (false, beyond),
                    _ if from_top => (self.more_above, self.more_below) = (beyond, false),
                    // from a row on: what lies above is as it was, unless the count says
                    _ => self.more_below = beyond,
                }
                let last = self.rows.len().saturating_sub(1);
                self.selected = match land {
                    Land::Keep => self.selected.min(last),
                    Land::First => 0,
                    Land::Last => last,
                    Land::On(id) => self
                        .rows
                        .iter()
                        .position(|r| r.id == id)
                        .unwrap_or(self.selected.min(last)),
                };
            }
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        if let (Then::Window { count: true, .. }, Some(n)) = (read.then, count) {
            self.count = n;
            // a count short of the cap is exact: rows not on screen lie one way or the other
            if n < COUNT_CAP {
                let shown = self.rows.len() as u64;
                if shown >= n {
                    (self.more_above, self.more_below) = (false, false);
                } else if !self.more_below {
                    self.more_above = true;
                }
            }
        }
    }
}

impl App {
    /// Run what the board asks of the store. Under a filter that reads
    /// every row's text any read is a scan, so it goes to the store worker
    /// and typing never waits on one: the board keeps what it shows, says it
    /// is filtering, and takes the newest result when it comes (a step or a
    /// page asked meanwhile waits for it; a new window replaces it, keeping
    /// its count if it asked for one). Anything else follows the board's
    /// index and is read at once.
    pub(super) fn board_read(&mut self, read: Option<Read>) {
        let Some(mut read) = read else { return };
        if self.board.filter.scans() {
            match (self.board.working, &mut read.then) {
                // the rows on screen are about to change: a step from them would land wrong
                (Some(_), Then::Step { .. } | Then::Page { .. }) => return,
                (
                    Some(Read {
                        then: Then::Window { count: c, .. },
                        ..
                    }),
                    Then::Window { count, .. },
                ) => *count |= c,
                _ => {}
            }
            let count = matches!(read.then, Then::Window { count: true, .. });
            let job = work::Job::Board {
                filter: self.board.filter.clone(),
                anchor: read.anchor,
                // one past the edge: whether more lie that way
                limit: read.limit + 1,
                whole: matches!(read.then, Then::Window { .. }),
                count_cap: count.then_some(COUNT_CAP),
            };
            let now = self.now();
            self.work.queue(job, now);
            self.board.working = Some(read);
            self.board.again = None;
            return;
        }
        if let Then::Window { .. } = read.then {
            // an older scan still on its way would land over this window
            self.work.drop_wanted(work::Purpose::Board);
            self.board.working = None;
            self.board.again = None;
        }
        let filter = &self.board.filter;
        // one past the edge: whether more lie that way
        let rows = match read.then {
            Then::Window { .. } => self.store.board_page(filter, read.anchor, read.limit + 1),
            _ => self.store.board_window(filter, read.anchor, read.limit + 1),
        };
        let count = match read.then {
            Then::Window { count: true, .. } => {
                match self.store.count_incidents(filter, COUNT_CAP) {
                    Ok(n) => Some(n),
                    Err(e) => return self.store_error(e),
                }
            }
            _ => None,
        };
        match rows {
            Ok(rows) => self.board.got(&read, rows, count),
            Err(e) => self.store_error(e),
        }
    }

    /// The worker's read for a filter that scans: the newest asked for; if
    /// the store changed meanwhile, the window is read once more.
    pub(super) fn board_done(
        &mut self,
        rows: Result<Vec<BoardRow>, String>,
        count: Option<Result<u64, String>>,
    ) {
        let Some(read) = self.board.working.take() else {
            return;
        };
        let again = self.board.again.take();
        let failed = |e: String| {
            crate::store::StoreError::Invalid(format!("the board could not be read: {e}"))
        };
        let count = match count.transpose() {
            Ok(n) => n,
            Err(e) => return self.store_error(failed(e)),
        };
        match rows {
            Ok(rows) => self.board.got(&read, rows, count),
            Err(e) => self.store_error(failed(e)),
        }
        if let Some(count) = again {
            self.reload_in_place(count);
        }
    }

    /// Fill the board window from `anchor` (and count what the filter
    /// matches if asked), the selection landing as said.
    pub(super) fn load_board(&mut self, anchor: Anchor, land: Land, count: bool) {
        let read = self.board.window(anchor, land, count);
        self.board_read(Some(read));
    }

    /// Fill the board window from `anchor`, keeping the selection's place.
    pub fn reload_board(&mut self, anchor: Anchor) {
        self.load_board(anchor, Land::Keep, false);
    }

    /// Reload the visible window where it stands, keeping the selected
    /// incident selected; counting again if the store may have changed.
    pub(super) fn reload_in_place(&mut self, count: bool) {
        let read = self.board.in_place(count);
        self.board_read(Some(read));
    }

    /// The store changed (another console, or this one's write): the
    /// window again, counted again. With a scan on its way, once it comes:
    /// a commit a second on a busy store must not restart the scan each
    /// time, or it never finishes.
    pub(super) fn refresh_board(&mut self) {
        self.count_stale();
        if self.board.working.is_some() && self.board.filter.scans() {
            self.board.again = Some(true);
            return;
        }
        self.reload_in_place(true);
    }

    /// Have the worker read when each live incident was last changed
    /// (thousands of live incidents on a large store, each looked up).
    pub(super) fn count_stale(&mut self) {
        let now = self.now();
        self.work.queue(super::work::Job::Stale, now);
    }

    pub(super) fn stale_counted(
        &mut self,
        read: Result<Vec<(chrono::DateTime<chrono::Utc>, i64)>, String>,
    ) {
        match read {
            Ok(times) => {
                self.board.live_changed = times;
                self.tell_newly_stale();
            }
            Err(e) => self.warn(format!("the stale incidents could not be counted: {e}")),
        }
    }

    /// Live incidents not changed for the stale age: from the store,
    /// whatever rows the board shows.
    pub fn stale_count(&self) -> usize {
        let edge = self.now() - self.stale_after();
        self.board.live_changed.partition_point(|(t, _)| *t <= edge)
    }

    /// Show the board with this incident on it, selected.
    pub(super) fn select_incident(&mut self, incident: &Incident) {
        if !self.board.filter.status.admits(incident.status) {
            self.set_view(StatusView::All);
        }
        let key = BoardKey::of(incident, self.board.filter.order);
        self.load_board(Anchor::AtOrAfter(key), Land::On(incident.id), false);
    }

    pub(super) fn set_view(&mut self, view: StatusView) {
        let effects = self.board.set_view(view);
        self.detail = None;
        self.run(effects);
    }

    /// Apply a typed filter; on a mistake the board keeps its last good filter.
    pub(super) fn apply_filter(&mut self, text: &str) -> Option<String> {
        match self.board.set_filter(text) {
            Ok(effects) => {
                self.detail = None;
                self.run(effects);
                None
            }
            Err(e) => Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Priority, Status};
    use chrono::{DateTime, Utc};

    /// Rows ids `from..to` in board order (the key is the id alone here).
    fn rows(ids: std::ops::Range<i64>) -> Vec<BoardRow> {
        ids.map(|id| BoardRow {
            key: BoardKey {
                parts: [0, 3, 0],
                id,
            },
            id,
            kind: "theft".into(),
            priority: Priority::Medium,
            status: Status::Open,
            place_label: String::new(),
            summary: String::new(),
            opened_at: DateTime::<Utc>::MIN_UTC,
            updated_at: DateTime::<Utc>::MIN_UTC,
            police_ref: String::new(),
        })
        .collect()
    }

    fn ids(b: &Board) -> Vec<i64> {
        b.rows.iter().map(|r| r.id).collect()
    }

    fn board(window: std::ops::Range<i64>) -> Board {
        Board {
            rows: rows(window),
            page: 3,
            ..Default::default()
        }
    }

    #[test]
    fn a_step_inside_the_window_asks_nothing_and_at_its_edge_asks_for_one_row() {
        let mut b = board(10..13);
        assert_eq!(b.step(true), None);
        assert_eq!(b.step(true), None);
        assert_eq!(b.selected, 2);
        let read = b.step(true).expect("past the last row");
        assert_eq!(read.limit, 1);
        assert_eq!(read.anchor, Anchor::After(b.rows[2].key));
        b.got(&read, rows(13..14), None);
        assert_eq!(ids(&b), [11, 12, 13], "the window slides down by one");
        assert_eq!(b.selected, 2);
        // at the very end nothing comes, and nothing changes
        let read = b.step(true).unwrap();
        b.got(&read, vec![], None);
        assert_eq!((ids(&b), b.selected), (vec![11, 12, 13], 2));
        // and up, past the first row
        b.selected = 0;
        let read = b.step(false).unwrap();
        assert_eq!(read.anchor, Anchor::Before(b.rows[0].key));
        b.got(&read, rows(10..11), None);
        assert_eq!((ids(&b), b.selected), (vec![10, 11, 12], 0));
    }

    #[test]
    fn a_page_past_the_end_slides_as_far_as_there_are_rows() {
        let mut b = board(10..13);
        let read = b.turn_page(true).unwrap();
        assert_eq!(read.limit, 3);
        b.got(&read, rows(13..16), None);
        assert_eq!(ids(&b), [13, 14, 15], "a whole page replaces the window");
        let read = b.turn_page(true).unwrap();
        b.got(&read, rows(16..17), None);
        assert_eq!((ids(&b), b.selected), (vec![14, 15, 16], 2));
        let read = b.turn_page(true).unwrap();
        b.selected = 0;
        b.got(&read, vec![], None);
        assert_eq!(b.selected, 2, "nothing further: the last row is selected");
        let read = b.turn_page(false).unwrap();
        b.got(&read, rows(12..14), None);
        assert_eq!((ids(&b), b.selected), (vec![12, 13, 14], 0));
    }

    #[test]
    fn a_window_lands_the_selection_as_asked_and_takes_the_count_only_if_asked() {
        let mut b = board(10..13);
        b.count = 7;
        b.selected = 1;
        assert_eq!(
            b.in_place(false).anchor,
            Anchor::First,
            "a window at the top reads from the top, to show what was logged above it"
        );
        b.more_above = true; // further down the board
        let read = b.in_place(false);
        assert_eq!(read.anchor, Anchor::AtOrAfter(b.rows[0].key));
        b.got(&read, rows(9..12), Some(99));
        assert_eq!(b.selected, 2, "incident 11 stays selected where it now is");
        assert_eq!(b.count, 7, "a count not asked for is not taken");
        let read = b.window(Anchor::Last, Land::Last, true);
        b.got(&read, rows(20..23), Some(40));
        assert_eq!((b.selected, b.count), (2, 40));
        let read = b.window(Anchor::First, Land::On(99), false);
        b.got(&read, rows(1..3), None);
        assert_eq!(b.selected, 1, "not in the window: kept within the rows");
        let empty = Board::default();
        assert_eq!(empty.clone().step(true), None);
        assert_eq!(empty.turn_page(false), None);
    }

    #[test]
    fn a_filter_reads_the_first_window_once_and_a_mistake_keeps_the_last_good_one() {
        let mut b = board(10..13);
        let first = |e: &[Effect]| {
            matches!(
                e,
                [Effect::Board(Read {
                    anchor: Anchor::First,
                    then: Then::Window { count: true, .. },
                    ..
                })]
            )
        };
        assert!(first(&b.set_filter("theft").unwrap()));
        assert!(
            b.set_filter(" theft ").unwrap().is_empty(),
            "Enter after typing it: already read"
        );
        let good = b.filter.clone();
        assert!(b.set_filter("priority:9").is_err());
        assert_eq!(b.filter, good, "the last good filter stands");
        assert_eq!(b.filter_text, "theft");
        // another view keeps the words and reads again
        assert!(first(&b.set_view(StatusView::All)));
        assert_eq!(
            (b.filter.status, b.filter_text.as_str()),
            (StatusView::All, "theft")
        );
    }
}
