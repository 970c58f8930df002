use crate::app::keymap::Command;
use crate::app::App;
use crate::ui::{clean, Theme};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Operator, store state, hits waiting, what the board holds, shift clock,
/// theme and help. When the window is narrow the least needed parts go first
/// (theme, then role, then shift clock); the store's state and hits never do.
pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let bar = theme.style("status_bar");
    let alert = bar.patch(theme.style("alert_critical"));
    let now = app.now();
    let shift = (now - app.started_at).num_seconds().max(0);
    let stale = app.stale_count();
    // waiting hits that still need someone: not those no longer a breach
    let (waiting, escalated) = app.hits.urgent(now);
    let filtered = if app.board.filter.is_narrowed() {
        " (filtered)"
    } else {
        ""
    };
    // (text, style, how readily it is dropped: 0 never)
    let mut parts: Vec<(String, ratatui::style::Style, u8)> = vec![
        (format!(" {} ", clean(&app.operator.name)), bar, 0),
        (format!("({}) ", app.operator.role), bar, 2),
        (
            if app.store_ok {
                "│ store ● ok ".into()
            } else {
                "│ store ● ERROR ".into()
            },
            if app.store_ok {
                bar
            } else {
                theme.style("alert_critical")
            },
            0,
        ),
    ];
    if let Some(gone) = &app.store_gone {
        // what happened, in a few words: the message line has the whole of it
        parts.push((
            format!("{} ", clean(&gone.short())),
            theme.style("alert_critical"),
            1,
        ));
    }
    if let Some(why) = &app.sync_trouble {
        let short: String = why.chars().take(40).collect();
        parts.push((
            format!("│ live sync stopped: {} ", clean(&short)),
            theme.style("alert_critical"),
            0,
        ));
    }
    parts.extend([
        (
            if escalated > 0 {
                format!("│ hits {waiting} ({escalated} escalated) ")
            } else {
                format!("│ hits {waiting} ")
            },
            if waiting > 0 { alert } else { bar },
            0,
        ),
        (
            format!(
                "│ {} {}{filtered} ",
                count(app.board.count),
                app.board.filter.status.label()
            ),
            bar,
            0,
        ),
    ]);
    if stale > 0 {
        parts.push((format!("· {stale} stale "), alert, 0));
    }
    parts.push((
        format!(
            "│ shift {:02}:{:02}:{:02} ",
            shift / 3600,
            (shift % 3600) / 60,
            shift % 60
        ),
        bar,
        3,
    ));
    parts.push((format!("│ on air {} ", app.radio.on_air.len()), bar, 3));
    parts.push((format!("│ theme {} ", clean(&app.theme)), bar, 4));
    parts.push((
        format!("│ {} help ", app.keymap.key_for(Command::Help)),
        bar,
        1,
    ));
    let width = |ps: &[(String, ratatui::style::Style, u8)]| {
        ps.iter()
            .map(|p| unicode_width::UnicodeWidthStr::width(p.0.as_str()))
            .sum::<usize>()
    };
    for level in [4, 3, 2, 1] {
        if width(&parts) <= area.width as usize {
            break;
        }
        parts.retain(|p| p.2 != level);
    }
    let used = width(&parts);
    let mut spans: Vec<Span> = parts
        .into_iter()
        .map(|(t, st, _)| Span::styled(t, st))
        .collect();
    spans.push(Span::styled(
        " ".repeat((area.width as usize).saturating_sub(used)),
        bar,
    ));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `1,234`, or `10,000+` when the count was capped.
pub fn count(n: u64) -> String {
    let mut out = crate::domain::money::group_thousands(n);
    if n >= crate::app::COUNT_CAP {
        out.push('+');
    }
    out
}
