//! While the store's file has gone from its path: what happened and what to
//! do, over the bottom of the main area for as long as the console runs (the
//! message line says it once; the status bar keeps `store ● ERROR`).

use crate::app::App;
use crate::ui::{clean, Theme};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

/// The most rows the banner takes; a longer text ends with "…".
const MOST: usize = 3;

/// Draw the banner, if the store has gone; returns the part of `area` left
/// above it (where toasts go).
pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Rect {
    let Some(gone) = &app.store_gone else {
        return area;
    };
    let text = format!(
        "STORE GONE: {gone} while this console had it open. Nothing more can be saved here; what you type stays on screen. What to do: {}.",
        gone.advice()
    );
    // inside the frame, a column of margin each side
    let width = area.width.saturating_sub(4) as usize;
    let mut lines = super::form::textwrap(&clean(&text), width);
    if lines.len() > MOST {
        lines.truncate(MOST);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    let height = lines.len() as u16;
    // above the frame's bottom border, leaving its title row alone
    let Some(y) = area.bottom().checked_sub(1 + height) else {
        return area;
    };
    if y <= area.y + 1 {
        return area;
    }
    let r = Rect {
        x: area.x + 1,
        y,
        width: area.width.saturating_sub(2),
        height,
    };
    let style = theme.style("alert_critical");
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(
            lines
                .into_iter()
                .map(|l| Line::from(format!(" {l}")))
                .collect::<Vec<_>>(),
        )
        .style(style),
        r,
    );
    Rect {
        height: y + 1 - area.y,
        ..area
    }
}
