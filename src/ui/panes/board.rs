//! The incident board, in the order picked (live before closed, then
//! priority, then age, unless `o` says otherwise). Only the rows on screen
//! are ever fetched or built; the words of a filter are marked in them.

use crate::app::App;
use crate::domain::clock::format_age;
use crate::domain::{Priority, Status};
use crate::ui::widgets::status_bar::count;
use crate::ui::{clean, marked, Theme};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};
use ratatui::Frame;

pub fn priority_style(theme: &Theme, p: Priority) -> Style {
    theme.style(match p {
        Priority::Urgent => "priority_urgent",
        Priority::High => "priority_high",
        Priority::Medium => "priority_medium",
        Priority::Low => "priority_low",
    })
}

pub fn status_style(theme: &Theme, s: Status) -> Style {
    theme.style(match s {
        Status::Open => "status_open",
        Status::Responding => "status_responding",
        Status::PoliceAttending => "status_police",
        Status::Closed => "status_closed",
    })
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let now = app.now();
    let stale_after = app.stale_after();
    let b = &app.board;
    let mut title = vec![Span::styled(
        format!(
            " Incidents — {} ({}) ",
            b.filter.status.label(),
            count(b.count)
        ),
        theme.style("title"),
    )];
    if !b.filter_text.is_empty() {
        title.push(Span::styled(
            format!("filter: {} ", clean(&b.filter_text)),
            theme.style("info"),
        ));
    }
    if b.working.is_some() {
        let busy = crate::ui::busy(app, "filtering", crate::app::work::Purpose::Board);
        title.push(Span::styled(format!("{busy} "), theme.style("muted")));
    }
    title.push(Span::styled(
        format!("· {} ", b.filter.order.label()),
        theme.style("muted"),
    ));
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("focus_border"))
        .title(Line::from(title));
    // rows beyond the window, said on the edge they lie past
    if b.more_above {
        block = block.title_top(
            Line::from(Span::styled(" ▲ more above ", theme.style("muted"))).right_aligned(),
        );
    }
    if b.more_below {
        block = block.title_bottom(
            Line::from(Span::styled(" ▼ more below ", theme.style("muted"))).right_aligned(),
        );
    }

    // the filter's words (not `#N`, which is the incident's number)
    let words = crate::domain::words::wanted(&b.filter.numbers_and_words().1);
    let rows = b.rows.iter().map(|r| {
        let closed = r.status == Status::Closed;
        let base = if closed {
            theme.style("muted")
        } else {
            Style::default()
        };
        let age_style = if r.status.is_live() && now - r.updated_at >= stale_after {
            theme.style("alert_critical")
        } else {
            base
        };
        Row::new(vec![
            Cell::from(format!("#{}", r.id)).style(base),
            Cell::from(r.priority.short()).style(if closed {
                base
            } else {
                priority_style(theme, r.priority)
            }),
            Cell::from(r.status.code()).style(status_style(theme, r.status)),
            Cell::from(format_age(now - r.opened_at)).style(age_style),
            Cell::from(marked(&r.kind, &words, base)),
            Cell::from(marked(&r.place_label, &words, base)),
            Cell::from(marked(&r.summary, &words, base)),
            Cell::from(marked(&r.police_ref, &words, base)),
        ])
    });
    let header = Row::new([
        "#",
        "P",
        "status",
        "age",
        "type",
        "where",
        "what happened",
        "police ref",
    ])
    .style(theme.style("muted"));
    // a narrow window gives the free text the room: shorter type, no police ref
    let narrow = area.width < 100;
    let widths = [
        Constraint::Length(8),
        Constraint::Length(2),
        Constraint::Length(10),
        Constraint::Length(6),
        Constraint::Length(if narrow { 8 } else { 12 }),
        Constraint::Fill(1),
        Constraint::Fill(2),
        Constraint::Length(if narrow { 0 } else { 10 }),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(theme.style("selection"))
        .column_spacing(1);
    let mut state = TableState::default().with_selected((!b.rows.is_empty()).then_some(b.selected));
    f.render_stateful_widget(table, area, &mut state);
    if b.rows.is_empty() {
        let hint = if b.filter.is_narrowed() {
            format!(
                "nothing matches this filter — {} clears it",
                app.keymap.key_for(crate::app::keymap::Command::Back)
            )
        } else {
            format!(
                "no {} incidents — {} logs one",
                b.filter.status.label(),
                app.keymap.key_for(crate::app::keymap::Command::NewIncident)
            )
        };
        let r = Rect {
            x: area.x + 2,
            y: area.y + 2,
            width: area.width.saturating_sub(4),
            height: 1,
        };
        if r.y < area.bottom() {
            f.render_widget(
                ratatui::widgets::Paragraph::new(hint).style(theme.style("muted")),
                r,
            );
        }
    }
}
