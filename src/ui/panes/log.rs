//! The occurrence log: timed entries, newest first. An amended entry stays
//! as it was, marked with the entry that amends it.

use crate::app::App;
use crate::ui::{clean, local, Theme};
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Borders, Row, Table, TableState};
use ratatui::Frame;

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let log = &app.log;
    let visible = area.height.saturating_sub(3) as usize;
    let offset = log.selected.saturating_sub(visible.saturating_sub(1));
    let rows = log.entries.iter().skip(offset).take(visible).map(|e| {
        let mut text = String::new();
        if let Some(a) = e.amends {
            text.push_str(&format!("amends #{a}: "));
        }
        text.push_str(&clean(&e.text));
        if let Some(b) = e.amended_by {
            text.push_str(&format!("  (amended by #{b})"));
        }
        let row = Row::new(vec![
            format!("#{}", e.id),
            local(app, e.at).format("%d %b %H:%M").to_string(),
            clean(&e.operator),
            text,
        ]);
        if e.amended_by.is_some() {
            row.style(theme.style("muted"))
        } else {
            row
        }
    });
    let shift = match app.shift() {
        Some(s) => format!("shift since {}", local(app, s.started_at).format("%H:%M")),
        None => "no shift".into(),
    };
    let title = format!(
        " Occurrence log — {shift} · {} ",
        app.keymap.hints(&[
            crate::app::keymap::Command::AddLogEntry,
            crate::app::keymap::Command::AmendLogEntry,
            crate::app::keymap::Command::EndShift
        ])
    );
    let table = Table::new(
        rows,
        [
            Constraint::Length(7),
            Constraint::Length(13),
            Constraint::Length(16),
            Constraint::Fill(1),
        ],
    )
    .header(Row::new(["#", "when", "who", "entry"]).style(theme.style("muted")))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style("focus_border"))
            .title(ratatui::text::Span::styled(title, theme.style("title"))),
    )
    .row_highlight_style(theme.style("selection"));
    let mut state = TableState::default()
        .with_selected((!log.entries.is_empty()).then_some(log.selected - offset));
    f.render_stateful_widget(table, area, &mut state);
}
