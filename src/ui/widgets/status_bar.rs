use crate::app::keymap::Command;
use crate::app::App;
use crate::ui::{clean, Theme};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Operator, shift clock, what the board holds, the store's state, the theme.
pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let bar = theme.style("status_bar");
    let shift = (app.now() - app.started_at).num_seconds().max(0);
    let stale = app
        .board
        .rows
        .iter()
        .filter(|r| r.status.is_live() && app.now() - r.updated_at >= app.stale_after())
        .count();
    // the store's state first: at the narrowest width it must still show
    let (store_text, store_style) = if app.store_ok {
        ("│ store ● ok ", bar)
    } else {
        ("│ store ● ERROR ", theme.style("alert_critical"))
    };
    let mut spans = vec![
        Span::styled(
            format!(" {} ({}) ", clean(&app.operator.name), app.operator.role),
            bar,
        ),
        Span::styled(store_text, store_style),
    ];
    let filtered = if app.board.filter.is_narrowed() {
        " (filtered)"
    } else {
        ""
    };
    spans.push(Span::styled(
        format!(
            "│ {} {}{filtered} ",
            count(app.board.count),
            app.board.filter.status.label()
        ),
        bar,
    ));
    if stale > 0 {
        spans.push(Span::styled(
            format!("· {stale} stale "),
            bar.patch(theme.style("alert_critical")),
        ));
    }
    spans.push(Span::styled(
        format!(
            "│ shift {:02}:{:02}:{:02} ",
            shift / 3600,
            (shift % 3600) / 60,
            shift % 60
        ),
        bar,
    ));
    spans.push(Span::styled(format!("│ theme {} ", clean(&app.theme)), bar));
    spans.push(Span::styled(
        format!("│ {} help ", app.keymap.key_for(Command::Help)),
        bar,
    ));
    let used: usize = spans.iter().map(|s| s.width()).sum();
    spans.push(Span::styled(
        " ".repeat((area.width as usize).saturating_sub(used)),
        bar,
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `1,234` or `100,000+` when the count was capped.
pub fn count(n: u64) -> String {
    let mut out = crate::domain::money::group_thousands(n);
    if n >= crate::app::COUNT_CAP {
        out.push('+');
    }
    out
}
