//! Who did what, newest first: the audit trail as it happens.

use crate::app::keymap::Command;
use crate::app::work::Purpose;
use crate::app::{ActivityView, App};
use crate::ui::{clean, local, Theme};
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Borders, Row, Table, TableState};
use ratatui::Frame;

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if app.activity.view == ActivityView::Retention {
        return draw_retention(f, area, app, theme);
    }
    let a = &app.activity;
    // only the rows that fit are built
    let visible = area.height.saturating_sub(3) as usize;
    let offset = a.selected.saturating_sub(visible.saturating_sub(1));
    let rows = a.records.iter().skip(offset).take(visible).map(|r| {
        let what = match r.entity_id {
            Some(id) => format!("{} #{id}", r.entity),
            None => r.entity.clone(),
        };
        Row::new(vec![
            local(app, r.at).format("%d %b %H:%M:%S").to_string(),
            clean(&r.operator),
            clean(r.action.code()),
            clean(&what),
            clean(&r.detail),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(15),
            Constraint::Length(16),
            Constraint::Length(8),
            Constraint::Length(16),
            Constraint::Fill(1),
        ],
    )
    .header(Row::new(["when", "who", "did", "what", "detail"]).style(theme.style("muted")))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style("focus_border"))
            .title(ratatui::text::Span::styled(
                format!(
                    " Activity — the latest {} changes{} · {} retention review ",
                    a.records.len(),
                    if a.reading {
                        format!(" · {}", crate::ui::busy(app, "reading", Purpose::Activity))
                    } else {
                        String::new()
                    },
                    app.keymap.key_for(Command::CycleView)
                ),
                theme.style("title"),
            )),
    )
    .row_highlight_style(theme.style("selection"));
    let mut state =
        TableState::default().with_selected((!a.records.is_empty()).then_some(a.selected - offset));
    f.render_stateful_widget(table, area, &mut state);
}

/// The retention review: what the rules say is due now, and why. Applying
/// it is a shell command, so a manager reviews here and removes there.
fn draw_retention(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let a = &app.activity;
    let visible = area.height.saturating_sub(3) as usize;
    let offset = a.selected.saturating_sub(visible.saturating_sub(1));
    let rows = a.due.iter().skip(offset).take(visible).map(|d| {
        Row::new(vec![
            d.kind.label().to_string(),
            clean(&d.label),
            clean(&d.reason),
        ])
    });
    let title = if a.reading && a.due.is_empty() {
        format!(
            " Retention review — {} ",
            crate::ui::busy(app, "reading", Purpose::Activity)
        )
    } else if a.due.is_empty() {
        format!(
            " Retention review — nothing is due ({}) · {} audit trail ",
            app.config.retention.summary(),
            app.keymap.key_for(Command::CycleView)
        )
    } else {
        format!(
            " Retention review — {} due · {} looks (audited) · `watchroom retention --apply` removes them · {} audit trail ",
            a.due.len(),
            app.keymap.key_for(Command::Open),
            app.keymap.key_for(Command::CycleView)
        )
    };
    let table = Table::new(
        rows,
        [
            Constraint::Length(17),
            Constraint::Percentage(35),
            Constraint::Fill(1),
        ],
    )
    .header(Row::new(["what", "which", "why it is due"]).style(theme.style("muted")))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style("focus_border"))
            .title(ratatui::text::Span::styled(title, theme.style("title"))),
    )
    .row_highlight_style(theme.style("selection"));
    let mut state =
        TableState::default().with_selected((!a.due.is_empty()).then_some(a.selected - offset));
    f.render_stateful_widget(table, area, &mut state);
}
