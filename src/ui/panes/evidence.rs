//! The evidence log: items newest first (exhibit, what it is on, camera and
//! clip, who holds it, releases); Enter shows one with its whole trail in
//! the order things happened, a corrected entry dimmed beside the entry
//! that corrects it. Every text from the store is cleaned before drawing.

use crate::app::keymap::Command;
use crate::app::App;
use crate::domain::evidence::{describe_of, trail, EntryBody, EvidenceItem};
use crate::ui::{clean, local, Theme};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

fn releases(i: &EvidenceItem) -> usize {
    i.handovers()
        .iter()
        .filter(|e| matches!(&e.body, EntryBody::Handover { details, .. } if details.release))
        .count()
}

fn hints(app: &App) -> String {
    app.keymap.hints(&[
        Command::AddEvidence,
        Command::EvidenceHandover,
        Command::CorrectEvidence,
    ])
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if let Some(item) = &app.evidence.open {
        return draw_item(f, area, app, item, theme);
    }
    let p = &app.evidence;
    let visible = area.height.saturating_sub(3) as usize;
    let offset = p.selected.saturating_sub(visible.saturating_sub(1));
    let rows = p.items.iter().skip(offset).take(visible).map(|i| {
        let (camera, clip) = match i.clip() {
            Some(c) => (
                clean(&c.camera),
                format!(
                    "{}–{}",
                    local(app, c.clip_start).format("%d %b %H:%M:%S"),
                    local(app, c.clip_end).format("%H:%M:%S")
                ),
            ),
            None => (String::new(), String::new()),
        };
        let corrected = i.entries.iter().filter(|e| e.supersedes.is_some()).count();
        Row::new(vec![
            clean(&i.exhibit),
            describe_of(i.of),
            camera,
            clip,
            clean(&i.held_by()),
            releases(i).to_string(),
            if corrected > 0 {
                corrected.to_string()
            } else {
                String::new()
            },
        ])
    });
    let open = app.keymap.key_for(Command::Open);
    let title = format!(
        " Evidence log ({}) · newest first · {open} shows the trail · {} ",
        p.items.len(),
        hints(app)
    );
    let table = Table::new(
        rows,
        [
            Constraint::Length(10),
            Constraint::Length(14),
            Constraint::Length(22),
            Constraint::Length(25),
            Constraint::Fill(1),
            Constraint::Length(8),
            Constraint::Length(9),
        ],
    )
    .header(
        Row::new([
            "exhibit",
            "on",
            "camera",
            "clip",
            "held by",
            "releases",
            "corrected",
        ])
        .style(theme.style("muted")),
    )
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style("focus_border"))
            .title(Span::styled(title, theme.style("title"))),
    )
    .row_highlight_style(theme.style("selection"));
    if p.items.is_empty() {
        let key = app.keymap.key_for(Command::AddEvidence);
        let text = format!(
            "The evidence log is empty. {key} adds an item (or E on an incident): footage kept as an exhibit, with its trail from the camera to whoever receives it."
        );
        f.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.style("focus_border"))
                    .title(Span::styled(
                        format!(" Evidence log · {} ", hints(app)),
                        theme.style("title"),
                    )),
            ),
            area,
        );
        return;
    }
    let mut state = TableState::default().with_selected(Some(p.selected - offset));
    f.render_stateful_widget(table, area, &mut state);
}

fn draw_item(f: &mut Frame, area: Rect, app: &App, item: &EvidenceItem, theme: &Theme) {
    let back = app.keymap.key_for(Command::Back);
    let title = format!(
        " Exhibit {} on {} · held by {} · {back} back · {} ",
        clean(&item.exhibit),
        describe_of(item.of),
        clean(&item.held_by()),
        hints(app)
    );
    let superseded = item.superseded();
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "Added {} by {}. The trail, in the order things happened:",
            local(app, item.created_at).format("%d %b %Y %H:%M:%S"),
            clean(&item.created_by)
        ),
        theme.style("muted"),
    ))];
    let mut entries: Vec<_> = item.entries.iter().collect();
    entries.sort_by_key(|e| (!e.is_clip(), e.happened_at(), e.id));
    for (e, text) in entries.iter().zip(trail(item, app.tz)) {
        let style = if superseded.contains(&e.id) {
            theme.style("muted")
        } else {
            ratatui::style::Style::default()
        };
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(clean(&text), style)));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .scroll((app.evidence.scroll.min(u16::MAX as usize) as u16, 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.style("focus_border"))
                    .title(Span::styled(title, theme.style("title"))),
            ),
        area,
    );
}
