//! `:find WORDS` (and `f`): everything the operator may read that holds
//! the words, from the full-text index (incidents, notes, the occurrence
//! log, radio messages) and the register's own search (people), grouped by
//! kind, each newest first. Enter opens what is selected where it lives:
//! an incident, the incident at its note, the log at its entry, the radio
//! pane, or a person's profile after the reason a profile asks for.

use super::{App, InputKind, InputLine, Modal, Pane};
pub use crate::store::find::{Found, FoundKind};

/// How many of each kind are listed.
pub const PER_KIND: usize = 20;

/// One line of what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindItem {
    Text(Found),
    /// A person on the register: their number and name as the index has them.
    Person {
        id: i64,
        name: String,
    },
}

impl FindItem {
    /// The group it is listed under.
    pub fn heading(&self) -> &'static str {
        match self {
            FindItem::Text(f) => f.kind.heading(),
            FindItem::Person { .. } => "People on the register",
        }
    }
}

/// What `:find` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindView {
    pub words: Vec<String>,
    pub items: Vec<FindItem>,
    pub selected: usize,
}

impl App {
    /// `f`: the command line, ready for the words.
    pub(super) fn start_find(&mut self) {
        self.input = Some(InputLine {
            kind: InputKind::Command,
            line: super::input::LineInput::new("find "),
            before: String::new(),
            error: None,
        });
    }

    /// Find the words everywhere the operator may read.
    pub(super) fn find(&mut self, typed: &str) {
        let words: Vec<String> = typed.split_whitespace().map(String::from).collect();
        if crate::domain::words::match_query(&words).is_none() {
            return self.warn("usage: :find WORDS (what to look for in incidents, notes, the log, radio messages and the register)");
        }
        let found = match self.store.find_words(&words, PER_KIND) {
            Ok(f) => f,
            Err(e) => return self.store_error(e),
        };
        let mut items: Vec<FindItem> = found.into_iter().map(FindItem::Text).collect();
        let people = self.index.search(&words.join(" "), None, PER_KIND);
        items.extend(people.into_iter().filter_map(|h| {
            let e = self.index.entry(h.id)?;
            Some(FindItem::Person {
                id: e.id,
                name: e.name.clone(),
            })
        }));
        if items.is_empty() {
            return self.info(format!(
                "nothing holds “{}”",
                crate::domain::text::clean(&words.join(" "))
            ));
        }
        self.modal = Some(Modal::Find(FindView {
            words,
            items,
            selected: 0,
        }));
    }

    pub(super) fn find_move(&mut self, by: i64) {
        if let Some(Modal::Find(v)) = &mut self.modal {
            let last = v.items.len().saturating_sub(1) as i64;
            v.selected = (v.selected as i64 + by).clamp(0, last) as usize;
        }
    }

    /// `g` / `G`: the first or the last thing found.
    pub(super) fn find_jump(&mut self, top: bool) {
        if let Some(Modal::Find(v)) = &mut self.modal {
            v.selected = if top {
                0
            } else {
                v.items.len().saturating_sub(1)
            };
        }
    }

    /// Enter: the selected item, where it lives.
    pub(super) fn find_open(&mut self) {
        let Some(Modal::Find(v)) = self.modal.take() else {
            return;
        };
        let Some(item) = v.items.get(v.selected).cloned() else {
            return;
        };
        match item {
            FindItem::Text(f) => match f.kind {
                FoundKind::Incident => self.open_incident(f.id),
                FoundKind::Note => {
                    let Some(incident) = f.incident else { return };
                    self.open_incident(incident);
                    if let Some(d) = &mut self.detail {
                        if let Some(at) = d.timeline.iter().position(|e| e.id == f.id) {
                            d.selected = at;
                            d.person = None;
                        }
                    }
                }
                FoundKind::Log => {
                    self.show_pane(Pane::Log);
                    match self.log.entries.iter().position(|e| e.id == f.id) {
                        Some(at) => self.log.selected = at,
                        None => self.info(format!(
                            "log entry #{} is older than the log shows here",
                            f.id
                        )),
                    }
                }
                FoundKind::Radio => {
                    self.show_pane(Pane::Radio);
                    self.show_radio_line(f.id);
                }
            },
            FindItem::Person { id, .. } => {
                self.show_pane(Pane::Offenders);
                self.ask_why(id);
            }
        }
    }
}
