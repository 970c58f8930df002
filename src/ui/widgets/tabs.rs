//! The header line: the panes as tabs, the store's file name and the clock.
//!
//! The clock is always drawn, on the scheme's time. When the line is too
//! narrow for everything, other things give way first, in this order: the
//! tabs of the panes past the number keys (evidence, sightings; each shown
//! while it is the pane),
//! the weekday, the title, the other tabs' names (shortened, then numbers only),
//! the store's name (cut short, then left out), and only below 80 columns
//! the date and then the seconds.

use crate::app::{App, Pane};
use crate::ui::{clean, local, Theme};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// How the tabs other than the one showing are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TabNames {
    /// Every pane's name, those with no number key too.
    All,
    /// The numbered panes' names.
    Full,
    /// The first three letters.
    Short,
    /// Only the pane's number.
    Numbers,
}

/// How much of the store's name is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StoreName {
    Whole,
    /// Whole if it fits, else cut short with `…`, else left out.
    AsFits,
    Left,
}

/// One way to lay the line out: (title, tabs, store, clock format).
type Rung = (bool, TabNames, StoreName, &'static str);

/// From the fullest line to the barest; the first that fits is drawn.
#[rustfmt::skip]
const LADDER: &[Rung] = &[
    (true, TabNames::All, StoreName::Whole, "%a %d %b %H:%M:%S"),
    (true, TabNames::Full, StoreName::Whole, "%a %d %b %H:%M:%S"),
    (true, TabNames::Full, StoreName::Whole, "%d %b %H:%M:%S"),
    (false, TabNames::Full, StoreName::Whole, "%d %b %H:%M:%S"),
    (false, TabNames::Short, StoreName::Whole, "%d %b %H:%M:%S"),
    (false, TabNames::Numbers, StoreName::AsFits, "%d %b %H:%M:%S"),
    (false, TabNames::Numbers, StoreName::Left, "%H:%M:%S"),
    (false, TabNames::Numbers, StoreName::Left, "%H:%M"),
];

/// The fewest columns of a store's name worth showing cut short.
const STORE_MIN: usize = 6;

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let store = clean(&app.store_name);
    let parts = header(app, &store, area.width as usize);
    let mut spans = vec![];
    if parts.title {
        spans.push(Span::styled(" watchroom ", theme.style("title")));
    }
    for (p, name) in &parts.tabs {
        let style = if *p == app.pane {
            theme.style("tab_active")
        } else {
            theme.style("tab_inactive")
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(name.clone(), style));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let right = parts.right();
    let pad = (area.width as usize)
        .saturating_sub(used + right.width())
        .max(1);
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(right, theme.style("muted")));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// What the header line holds at a given width.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Header {
    title: bool,
    tabs: Vec<(Pane, String)>,
    store: String,
    clock: String,
}

impl Header {
    fn right(&self) -> String {
        if self.store.is_empty() {
            format!("{} ", self.clock)
        } else {
            format!("{} · {} ", self.store, self.clock)
        }
    }

    fn width(&self) -> usize {
        let title = if self.title { " watchroom ".width() } else { 0 };
        let tabs: usize = self.tabs.iter().map(|(_, t)| 1 + t.width()).sum();
        // at least one space between the tabs and the right-hand side
        title + tabs + 1 + self.right().width()
    }
}

fn header(app: &App, store: &str, width: usize) -> Header {
    let build = |&(title, names, store_name, clock): &Rung| {
        let tabs = Pane::ALL
            .iter()
            // on a terminal too small for it the overview is not a tab
            .filter(|p| **p != Pane::Overview || app.overview_fits())
            // the panes past the number keys are the first to give way
            // (unless showing)
            .filter(|p| names == TabNames::All || p.number_key() || app.pane == **p)
            .map(|p| {
                // past the number keys, a pane is shown with its own key
                let n = p.key(&app.keymap);
                let name = if *p == app.pane {
                    format!(" {n} {} ", p.title())
                } else {
                    match names {
                        TabNames::All | TabNames::Full => format!(" {n} {} ", p.title()),
                        TabNames::Short => {
                            let short: String = p.title().chars().take(3).collect();
                            format!(" {n} {short} ")
                        }
                        TabNames::Numbers => format!(" {n} "),
                    }
                };
                (*p, name)
            })
            .collect();
        let mut h = Header {
            title,
            tabs,
            store: match store_name {
                StoreName::Left => String::new(),
                _ => store.to_string(),
            },
            clock: local(app, app.now()).format(clock).to_string(),
        };
        if store_name == StoreName::AsFits && h.width() > width {
            let bare = Header {
                store: String::new(),
                ..h.clone()
            };
            // the name, its " · " and the "…" in what is left
            let room = width.saturating_sub(bare.width() + 4);
            h.store = if room >= STORE_MIN {
                cut(store, room)
            } else {
                String::new()
            };
        }
        h
    };
    LADDER
        .iter()
        .map(build)
        .find(|h| h.width() <= width)
        .unwrap_or_else(|| build(LADDER.last().expect("a rung")))
}

/// `s` cut to `room` columns, with `…` after.
fn cut(s: &str, room: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if (out.as_str().width() + c.to_string().width()) > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}
