use crate::app::App;
use crate::ui::{clean, Theme};
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

/// Short-lived notices stacked in the bottom-right corner of the main area,
/// newest lowest: the top rows (the most urgent incidents) stay uncovered.
pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    for (i, t) in app.toasts.iter().rev().enumerate() {
        let text = format!(" {} ", clean(&t.text));
        let width = (unicode_width::UnicodeWidthStr::width(text.as_str()) as u16)
            .min(area.width.saturating_sub(2))
            .min(60);
        // inside the frame's bottom border, above it
        let Some(y) = area.bottom().checked_sub(2 + i as u16) else {
            break;
        };
        if y <= area.y {
            break;
        }
        let r = Rect {
            x: area.right().saturating_sub(width + 1),
            y,
            width,
            height: 1,
        };
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(text).style(theme.style("toast")), r);
    }
}
