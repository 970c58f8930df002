use crate::app::{App, Pane};
use crate::ui::{clean, local, Theme};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = vec![Span::styled(" watchroom ", theme.style("title"))];
    for (i, p) in Pane::ALL.iter().enumerate() {
        let style = if *p == app.pane {
            theme.style("tab_active")
        } else {
            theme.style("tab_inactive")
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!(" {} {} ", i + 1, p.title()), style));
    }
    let store = app
        .store
        .path()
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let right_side =
        |clock: &str| format!("{} · {} ", clean(&store), local(app.now()).format(clock));
    // with every tab showing, a narrow terminal drops the weekday before the
    // clock runs into the tabs
    let mut right = right_side("%a %d %b %H:%M:%S");
    if used + right.chars().count() >= area.width as usize {
        right = right_side("%d %b %H:%M:%S");
    }
    let pad = (area.width as usize)
        .saturating_sub(used + right.chars().count())
        .max(1);
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(right, theme.style("muted")));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
