//! The offender register: known and ID-sought apart, searched as you type,
//! the ID-sought's gallery, and the exclusions in force with those ending
//! soon marked.

use crate::app::register::RegisterView;
use crate::app::App;
use crate::ui::{clean, local, Theme};
use chrono::Duration;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};
use ratatui::Frame;

pub fn draw(
    f: &mut Frame,
    area: Rect,
    app: &App,
    theme: &Theme,
    photos: Option<&mut crate::ui::widgets::photo::Photos>,
) {
    let r = &app.register;
    let mut title = vec![Span::styled(" Offenders — ", theme.style("title"))];
    for v in [
        RegisterView::Known,
        RegisterView::IdSought,
        RegisterView::Gallery,
        RegisterView::Exclusions,
    ] {
        let style = if v == r.view {
            theme.style("tab_active")
        } else {
            theme.style("tab_inactive")
        };
        title.push(Span::styled(format!(" {} ", v.label()), style));
        title.push(Span::raw(" "));
    }
    if !r.reviews_due.is_empty() {
        title.push(Span::styled(
            format!("{} due for review this week ", r.reviews_due.len()),
            theme.style("alert_warn"),
        ));
    }
    if !r.query.is_empty() {
        title.push(Span::styled(
            format!("search: {} ", clean(&r.query)),
            theme.style("info"),
        ));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("focus_border"))
        .title(Line::from(title));
    let visible = area.height.saturating_sub(3) as usize;
    let offset = r.selected.saturating_sub(visible.saturating_sub(1));
    let now = app.now();
    match r.view {
        RegisterView::Gallery => super::gallery::draw(f, area, block, app, theme, photos),
        RegisterView::Exclusions => {
            let rows = r.exclusions.iter().skip(offset).take(visible).map(|x| {
                let e = &x.exclusion;
                let soon = e.ending_within(now, 14);
                let review = r
                    .reviews_due
                    .iter()
                    .any(|d| d.exclusion.id == e.id)
                    .then_some(e.review_on)
                    .flatten();
                let excluding = app.rules.ladder.excludes(&e.stage);
                let scope = match &e.scope {
                    crate::domain::exclusion::Scope::AllZones => "all zones".to_string(),
                    crate::domain::exclusion::Scope::Zones(z) => z
                        .iter()
                        .filter_map(|id| {
                            app.zones
                                .iter()
                                .find(|zone| zone.id == *id)
                                .map(|zone| clean(&zone.name))
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                Row::new(vec![
                    Cell::from(clean(&x.offender)),
                    Cell::from(clean(&e.stage)).style(if excluding {
                        theme.style("alert_critical")
                    } else {
                        theme.style("alert_warn")
                    }),
                    Cell::from(scope),
                    Cell::from(local(app, e.starts_at).format("%d %b %Y").to_string()),
                    Cell::from(
                        local(app, e.effective_end() - Duration::seconds(1))
                            .format("%d %b %Y")
                            .to_string(),
                    )
                    .style(if soon {
                        theme.style("alert_warn")
                    } else {
                        theme.style("base")
                    }),
                    Cell::from(match review {
                        Some(d) => format!("review due {}", d.format("%d %b")),
                        None if soon => "ends within 14 days".to_string(),
                        None => String::new(),
                    })
                    .style(theme.style("alert_warn")),
                ])
            });
            let table = Table::new(
                rows,
                [
                    Constraint::Length(22),
                    Constraint::Length(10),
                    Constraint::Fill(1),
                    Constraint::Length(12),
                    Constraint::Length(12),
                    Constraint::Length(20),
                ],
            )
            .header(
                Row::new(["who", "stage", "zones", "from", "to", ""]).style(theme.style("muted")),
            )
            .block(block)
            .row_highlight_style(theme.style("selection"));
            let mut state = TableState::default()
                .with_selected((!r.exclusions.is_empty()).then_some(r.selected - offset));
            f.render_stateful_widget(table, area, &mut state);
        }
        _ => {
            let rows = r.rows.iter().skip(offset).take(visible).map(|o| {
                let status = if o.excluded {
                    Span::styled("EXCLUDED", theme.style("alert_critical"))
                } else {
                    Span::raw("")
                };
                let also = match &o.matched {
                    Some(m) => format!("matched “{}”", clean(m)),
                    None => o
                        .aliases
                        .iter()
                        .map(|a| clean(a))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                Row::new(vec![
                    Cell::from(clean(&o.name)),
                    Cell::from(status),
                    Cell::from(
                        o.markers
                            .iter()
                            .map(|m| clean(m))
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                    .style(theme.style("alert_warn")),
                    Cell::from(if o.activity > 0 {
                        o.activity.to_string()
                    } else {
                        String::new()
                    }),
                    Cell::from(also).style(theme.style("muted")),
                ])
            });
            let table = Table::new(
                rows,
                [
                    Constraint::Length(24),
                    Constraint::Length(9),
                    Constraint::Length(22),
                    Constraint::Length(6),
                    Constraint::Fill(1),
                ],
            )
            .header(Row::new(["name", "", "markers", "90d", "aliases"]).style(theme.style("muted")))
            .block(block)
            .row_highlight_style(theme.style("selection"));
            let mut state = TableState::default()
                .with_selected((!r.rows.is_empty()).then_some(r.selected - offset));
            f.render_stateful_widget(table, area, &mut state);
        }
    }
}
