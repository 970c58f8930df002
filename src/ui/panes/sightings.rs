//! The sightings: newest first, those of someone not yet identified named
//! by their description; beneath, the selected one in full (description,
//! note, who logged it). Every text from the store is cleaned before drawing.

use crate::app::keymap::Command;
use crate::app::App;
use crate::store::offenders::SightingRow;
use crate::ui::{clean, local, Theme};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

/// Lines beneath the list for the sighting selected, borders included.
const DETAIL: u16 = 5;

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let p = &app.sightings;
    let open = app.keymap.key_for(Command::Open);
    let filter = app.keymap.key_for(Command::Filter);
    let incident = app.keymap.key_for(Command::SightingIncident);
    let log = app.keymap.key_for(Command::NewSighting);
    let shown = if p.total > p.rows.len() {
        format!("newest {} of {}", p.rows.len(), p.total)
    } else {
        p.rows.len().to_string()
    };
    let narrowed = if p.filter.trim().is_empty() {
        format!("{filter} filters")
    } else {
        format!("filter: {}", clean(p.filter.trim()))
    };
    let title = format!(
        " Sightings ({shown}) · newest first · {narrowed} · {open} opens the person · {incident} incident "
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("focus_border"))
        .title(Span::styled(title, theme.style("title")));
    if p.rows.is_empty() {
        let text = if p.filter.trim().is_empty() {
            format!(
                "No sightings yet. {log} logs one: who was seen (or, for someone not yet identified, what they look like), the camera, where and when."
            )
        } else {
            let back = app.keymap.key_for(Command::Back);
            format!(
                "No sighting matches the filter. {back} clears it; {filter} changes it (person:NAME, unidentified, camera:NAME, zone:NAME, today, yesterday or a day as YYYY-MM-DD, or words)."
            )
        };
        f.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
            area,
        );
        return;
    }
    let [list, detail] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(DETAIL)]).areas(area);
    let visible = list.height.saturating_sub(3) as usize;
    let offset = p.selected.saturating_sub(visible.saturating_sub(1));
    let rows = p.rows.iter().skip(offset).take(visible).map(|s| {
        let who = match s.offender_id {
            Some(_) => Cell::from(clean(&s.offender)),
            None => Cell::from(Line::from(vec![
                Span::styled("not identified: ", theme.style("alert_warn")),
                Span::raw(clean(&s.description)),
            ])),
        };
        Row::new(vec![
            Cell::from(local(app, s.at).format("%a %d %b %H:%M").to_string()),
            who,
            Cell::from(clean(&s.camera)),
            Cell::from(clean(&s.place)),
            Cell::from(s.incident_id.map(|i| format!("#{i}")).unwrap_or_default()),
            Cell::from(clean(&s.by)),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Fill(2),
            Constraint::Length(22),
            Constraint::Fill(1),
            Constraint::Length(8),
            Constraint::Length(14),
        ],
    )
    .header(
        Row::new(["seen", "who", "camera", "where", "incident", "logged by"])
            .style(theme.style("muted")),
    )
    .block(block)
    .row_highlight_style(theme.style("selection"));
    let mut state = TableState::default().with_selected(Some(p.selected - offset));
    f.render_stateful_widget(table, list, &mut state);
    if let Some(s) = p.selected_row() {
        draw_detail(f, detail, app, s, theme);
    }
}

fn draw_detail(f: &mut Frame, area: Rect, app: &App, s: &SightingRow, theme: &Theme) {
    let muted = theme.style("muted");
    let field = |label: &str, text: &str| {
        Line::from(vec![
            Span::styled(format!("{label}: "), muted),
            Span::raw(if text.is_empty() {
                "—".to_string()
            } else {
                clean(text)
            }),
        ])
    };
    let who = match s.offender_id {
        Some(id) => format!("{} (record {id})", clean(&s.offender)),
        None => "not yet identified".into(),
    };
    let lines = vec![field("description", &s.description), field("note", &s.note)];
    let title = format!(
        " Sighting {} · {} · {} · logged by {} ",
        s.id,
        who,
        local(app, s.at).format("%d %b %Y %H:%M"),
        clean(&s.by)
    );
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border"))
                .title(Span::styled(title, muted)),
        ),
        area,
    );
}
