//! The question `q` asks while this operator's shift is open: end it, leave
//! it running for the next operator, or stay. Its keys and their meanings
//! come from the keymap, as help shows them.

use crate::app::keymap::Context;
use crate::app::App;
use crate::ui::{centred, local, Theme};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// The question's lines: one a choice, its keys first.
pub fn lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let choices: Vec<(String, &str)> = app
        .keymap
        .bindings()
        .iter()
        .filter(|b| b.context == Context::Quitting)
        .map(|b| {
            let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
            (keys.join(" "), b.description.as_str())
        })
        .collect();
    let wide = choices.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    choices
        .into_iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!(" {keys:<wide$}  "), theme.style("key")),
                Span::raw(what.to_string()),
            ])
        })
        .collect()
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = match app.shift() {
        Some(s) => format!(
            " Quit — your shift since {} is still open ",
            local(app, s.started_at).format("%H:%M")
        ),
        None => " Quit ".to_string(),
    };
    let body = lines(app, theme);
    let widest = body
        .iter()
        .map(|l| l.width())
        .chain([title.width()])
        .max()
        .unwrap_or(0) as u16;
    let width = (widest + 3).min(area.width);
    // a narrow terminal wraps the choices: room for every wrapped line
    let inner = width.saturating_sub(2).max(1) as usize;
    let rows: u16 = body
        .iter()
        .map(|l| l.width().div_ceil(inner).max(1) as u16)
        .sum();
    let r = centred(area, width, rows + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(body)
            .wrap(Wrap { trim: false })
            .style(theme.style("base"))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.style("focus_border"))
                    .title(Span::styled(title, theme.style("title"))),
            ),
        r,
    );
}
