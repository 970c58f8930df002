//! The set-up pane: the scheme's zones, its cameras, and the details its
//! documents carry. Keys in the title come from the keymap.

use crate::app::keymap::Command;
use crate::app::setup::SetupView;
use crate::app::App;
use crate::ui::{clean, Theme};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("focus_border"))
        .title(Span::styled(title, theme.style("title")))
}

/// `v view · A add · e edit · X retire`, as the keymap binds them.
fn hints(app: &App, retire: bool) -> String {
    let k = |c| app.keymap.key_for(c);
    let mut h = format!(
        "{} view · {} add · {} edit",
        k(Command::CycleView),
        k(Command::SetupAdd),
        k(Command::SetupEdit)
    );
    if retire {
        h.push_str(&format!(" · {} retire", k(Command::SetupRetire)));
    }
    h
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if let Some(e) = &app.setup.error {
        f.render_widget(
            Paragraph::new(format!("the set-up could not be read: {}", clean(e)))
                .style(theme.style("alert_warn"))
                .block(block(" Set-up ".into(), theme)),
            area,
        );
        return;
    }
    match app.setup.view {
        SetupView::Zones => zones(f, area, app, theme),
        SetupView::Cameras => cameras(f, area, app, theme),
        SetupView::Scheme => scheme(f, area, app, theme),
        _ => super::governance::draw(f, area, app, theme),
    }
}

/// One of the pane's lists: what it shows and what it says when empty.
struct List<'a> {
    title: String,
    header: Vec<&'a str>,
    widths: Vec<Constraint>,
    /// Each row's cells, and whether it is retired (drawn muted).
    rows: Vec<(Vec<String>, bool)>,
    empty: String,
}

fn table(f: &mut Frame, area: Rect, app: &App, list: List, theme: &Theme) {
    if list.rows.is_empty() {
        f.render_widget(
            Paragraph::new(list.empty)
                .style(theme.style("muted"))
                .wrap(Wrap { trim: true })
                .block(block(list.title, theme)),
            area,
        );
        return;
    }
    let rows: Vec<Row> = list
        .rows
        .into_iter()
        .map(|(cells, retired)| {
            let row = Row::new(cells.into_iter().map(Cell::from).collect::<Vec<_>>());
            if retired {
                row.style(theme.style("muted"))
            } else {
                row
            }
        })
        .collect();
    let t = Table::new(rows, list.widths)
        .header(Row::new(list.header).style(theme.style("muted")))
        .row_highlight_style(theme.style("selection"))
        .block(block(list.title, theme));
    let mut state = TableState::default().with_selected(Some(app.setup.selected));
    f.render_stateful_widget(t, area, &mut state);
}

fn zones(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let in_use = app.zones.iter().filter(|z| !z.retired).count();
    let title = format!(
        " Set-up: zones — {in_use} in use, {} retired · {} ",
        app.zones.len() - in_use,
        hints(app, true)
    );
    let rows = app
        .zones
        .iter()
        .map(|z| {
            let cameras = app
                .cameras
                .iter()
                .filter(|c| c.zone_id == Some(z.id) && !c.retired)
                .count();
            let members = app.members.iter().filter(|m| m.zone_id == z.id).count();
            (
                vec![
                    clean(&z.code),
                    clean(&z.name),
                    cameras.to_string(),
                    members.to_string(),
                    if z.retired { "retired" } else { "in use" }.to_string(),
                ],
                z.retired,
            )
        })
        .collect();
    let list = List {
        title,
        header: vec!["code", "zone", "cameras", "members", ""],
        widths: vec![
            Constraint::Length(9),
            Constraint::Fill(1),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(8),
        ],
        rows,
        empty: format!(
            "No zones yet. {} adds the first: a zone is an area of the town (High Street, Market Square, the night-time economy). Members, cameras and exclusions belong to zones.",
            app.keymap.key_for(Command::SetupAdd)
        ),
    };
    table(f, area, app, list, theme);
}

fn cameras(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let in_use = app.cameras.iter().filter(|c| !c.retired).count();
    let title = format!(
        " Set-up: cameras — {in_use} in use, {} retired · {} ",
        app.cameras.len() - in_use,
        hints(app, true)
    );
    let rows = app
        .cameras
        .iter()
        .map(|c| {
            let zone = c
                .zone_id
                .and_then(|z| app.zones.iter().find(|x| x.id == z))
                .map(|z| {
                    let retired = if z.retired { " (retired)" } else { "" };
                    format!("{}{retired}", clean(&z.name))
                })
                .unwrap_or_else(|| "— mobile".into());
            (
                vec![
                    c.number.map(|n| n.to_string()).unwrap_or_default(),
                    clean(&c.name),
                    zone,
                    if c.retired {
                        "retired".to_string()
                    } else if c.is_default {
                        "first in the form".to_string()
                    } else {
                        String::new()
                    },
                ],
                c.retired,
            )
        })
        .collect();
    let list = List {
        title,
        header: vec!["no.", "camera", "watches", ""],
        widths: vec![
            Constraint::Length(6),
            Constraint::Fill(2),
            Constraint::Fill(1),
            Constraint::Length(18),
        ],
        rows,
        empty: format!(
            "No cameras yet. {} adds one; the CCTV desk's sighting form offers them.",
            app.keymap.key_for(Command::SetupAdd)
        ),
    };
    table(f, area, app, list, theme);
}

fn scheme(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let title = format!(
        " Set-up: the scheme's details · {} view · {} edit ",
        app.keymap.key_for(Command::CycleView),
        app.keymap.key_for(Command::SetupEdit)
    );
    let effective = app.config.scheme.clone().with(&app.setup.details);
    let built_in = crate::domain::document::SchemeInfo::default();
    let defaults = [
        built_in.name.as_str(),
        built_in.address.as_str(),
        built_in.contact.as_str(),
        built_in.signatory.as_str(),
        built_in.signatory_role.as_str(),
    ];
    let typed = app.setup.details.fields();
    let shown = [
        effective.name.as_str(),
        effective.address.as_str(),
        effective.contact.as_str(),
        effective.signatory.as_str(),
        effective.signatory_role.as_str(),
    ];
    let mut lines = vec![];
    for (((label, value, _), shown), default) in typed.iter().zip(shown).zip(defaults) {
        let mut spans = vec![Span::styled(format!("{label:>16}  "), theme.style("muted"))];
        if shown.is_empty() {
            spans.push(Span::styled("not set", theme.style("alert_warn")));
        } else {
            spans.push(Span::raw(clean(shown)));
        }
        if value.is_empty() && !shown.is_empty() {
            let from = if shown == default {
                "  (built in)"
            } else {
                "  (from the config)"
            };
            spans.push(Span::styled(from, theme.style("muted")));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Notices, letters, agreements and the bulletin carry these; a blank here leaves the config's [scheme] value.",
        theme.style("muted"),
    ));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(title, theme)),
        area,
    );
}
