use crate::app::App;
use crate::ui::{clean, Theme};
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

/// Short-lived notices in the top-right corner of the main area.
pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    for (i, t) in app.toasts.iter().rev().enumerate() {
        let text = format!(" {} ", clean(&t.text));
        let width = (unicode_width::UnicodeWidthStr::width(text.as_str()) as u16)
            .min(area.width.saturating_sub(2))
            .min(60);
        let y = area.y + 1 + i as u16;
        if y >= area.bottom() {
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
