//! Hits: unacknowledged first, escalating colour while they wait.

use crate::app::keymap::Command;
use crate::app::App;
use crate::domain::clock::format_age;
use crate::domain::sighting::{escalation_level, HitKind, HitStatus};
use crate::ui::{clean, local, Theme};
use chrono::Duration;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let h = &app.hits;
    let now = app.now();
    let after = Duration::minutes(app.config.hit_escalate_after_minutes);
    let visible = area.height.saturating_sub(3) as usize;
    let offset = h.selected.saturating_sub(visible.saturating_sub(1));
    let rows = h.rows.iter().skip(offset).take(visible).map(|r| {
        let (state, style) = match r.status {
            HitStatus::New if escalation_level(r.raised_at, now, after) > 0 => {
                ("WAITING", theme.style("alert_critical"))
            }
            HitStatus::New => ("new", theme.style("alert_warn")),
            HitStatus::Accepted => ("accepted", theme.style("ok")),
            HitStatus::Rejected => ("false match", theme.style("muted")),
        };
        let kind = match r.kind {
            HitKind::Breach => Span::styled("BREACH", theme.style("alert_critical")),
            HitKind::Watch => Span::styled("watch", theme.style("alert_warn")),
        };
        let outcome = match r.status {
            HitStatus::New => clean(&r.detail),
            HitStatus::Accepted => format!(
                "{} — {}",
                clean(r.decided_by.as_deref().unwrap_or("")),
                clean(r.action_taken.as_deref().unwrap_or(""))
            ),
            HitStatus::Rejected => format!(
                "{} — {}",
                clean(r.decided_by.as_deref().unwrap_or("")),
                clean(r.reject_reason.as_deref().unwrap_or(""))
            ),
        };
        let place = if r.camera.is_empty() {
            clean(&r.place)
        } else {
            format!("{} · {}", clean(&r.place), clean(&r.camera))
        };
        Row::new(vec![
            Cell::from(r.id.to_string()),
            Cell::from(kind),
            Cell::from(state).style(style),
            Cell::from(if r.status == HitStatus::New {
                format_age(now - r.raised_at)
            } else {
                local(app, r.raised_at).format("%d %b %H:%M").to_string()
            }),
            Cell::from(clean(&r.offender)),
            Cell::from(place),
            Cell::from(outcome),
        ])
        .style(if r.status == HitStatus::New {
            theme.style("base")
        } else {
            theme.style("muted")
        })
    });
    let title = Line::from(vec![
        Span::styled(
            format!(" Hits — {} waiting ", h.unacknowledged),
            if h.unacknowledged > 0 {
                theme.style("alert_critical")
            } else {
                theme.style("title")
            },
        ),
        Span::styled(
            format!("· {} false matches ", h.false_matches),
            theme.style("muted"),
        ),
    ]);
    let table = Table::new(
        rows,
        [
            Constraint::Length(5),
            Constraint::Length(6),
            Constraint::Length(11),
            Constraint::Length(12),
            Constraint::Length(20),
            Constraint::Fill(1),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new([
            "hit",
            "kind",
            "state",
            "when",
            "who",
            "where",
            "detail / outcome",
        ])
        .style(theme.style("muted")),
    )
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style("focus_border"))
            .title(title),
    )
    .row_highlight_style(theme.style("selection"));
    let mut state =
        TableState::default().with_selected((!h.rows.is_empty()).then_some(h.selected - offset));
    f.render_stateful_widget(table, area, &mut state);
    if h.rows.is_empty() {
        let r = Rect {
            x: area.x + 2,
            y: area.y + 2,
            width: area.width.saturating_sub(4),
            height: 1,
        };
        if r.y < area.bottom() {
            let hint = format!(
                "no hits yet — a sighting ({}) of an excluded or watched person raises one",
                app.keymap.key_for(Command::NewSighting)
            );
            f.render_widget(Paragraph::new(hint).style(theme.style("muted")), r);
        }
    }
}
