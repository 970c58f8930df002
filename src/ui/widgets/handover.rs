//! The handover, shown whole before a shift ends and to the operator who
//! takes it over: the same Markdown that is saved.

use crate::app::shift::HandoverView;
use crate::ui::{clean, Theme};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(f: &mut Frame, area: Rect, view: &HandoverView, theme: &Theme) {
    let r = crate::ui::centred(area, 110, area.height.saturating_sub(2));
    let body: Vec<Line> = view
        .body
        .lines()
        .map(|l| {
            let l = clean(l);
            if l.starts_with('#') {
                Line::from(Span::styled(l, theme.style("title")))
            } else {
                Line::from(l)
            }
        })
        .collect();
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(body)
            .wrap(Wrap { trim: false })
            .scroll((view.scroll, 0))
            .style(theme.style("base"))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.style("focus_border"))
                    .title(Span::styled(clean(&view.title), theme.style("title"))),
            ),
        r,
    );
}
