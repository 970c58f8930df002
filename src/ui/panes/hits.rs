//! Hits: unacknowledged first, in the alert colour once they have reminded;
//! escalated, snoozed, or no longer a breach said in words.

use crate::app::keymap::Command;
use crate::app::App;
use crate::domain::clock::format_age;
use crate::domain::hit::Standing;
use crate::domain::sighting::{HitKind, HitStatus};
use crate::store::sightings::{FalseMatchTallies, HitRow};
use crate::ui::{clean, local, Theme};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let h = &app.hits;
    let now = app.now();
    let reminders = app.config.reminders();
    let visible = area.height.saturating_sub(3) as usize;
    let offset = h.selected.saturating_sub(visible.saturating_sub(1));
    let rows = h.rows.iter().skip(offset).take(visible).map(|r| {
        let standing = r.alarm().standing(now);
        let (state, style) = match standing {
            Standing::Decided if r.status == HitStatus::Accepted => ("accepted", theme.style("ok")),
            Standing::Decided => ("false match", theme.style("muted")),
            Standing::Lifted => ("lifted", theme.style("muted")),
            Standing::Ended => ("ended", theme.style("muted")),
            Standing::Escalated => ("ESCALATED", theme.style("alert_critical")),
            Standing::Snoozed(_) => ("snoozed", theme.style("alert_warn")),
            Standing::Waiting if reminders.due(r.raised_at, now) > 0 => {
                ("WAITING", theme.style("alert_critical"))
            }
            Standing::Waiting => ("new", theme.style("alert_warn")),
        };
        let kind = match r.kind {
            HitKind::Breach => Span::styled("BREACH", theme.style("alert_critical")),
            HitKind::Watch => Span::styled("watch", theme.style("alert_warn")),
        };
        let outcome = match r.status {
            HitStatus::New => waiting_detail(app, r, standing),
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
        let place = match (r.place.is_empty(), r.camera.is_empty()) {
            (_, true) => clean(&r.place),
            (true, false) => clean(&r.camera),
            (false, false) => format!("{} · {}", clean(&r.place), clean(&r.camera)),
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
            Cell::from(clean(h.who.get(&r.id).unwrap_or(&r.offender))),
            Cell::from(place),
            Cell::from(outcome),
        ])
        .style(if standing.urgent() {
            theme.style("base")
        } else {
            theme.style("muted")
        })
    });
    let (_, escalated) = h.urgent(now);
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
            if escalated > 0 {
                format!("· {escalated} escalated ")
            } else {
                String::new()
            },
            theme.style("alert_critical"),
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
            Constraint::Fill(2),
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
            .title(title)
            .title_bottom(false_tallies(&h.false_tallies, theme)),
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

/// A waiting hit's detail, what matters first: why it is no longer a
/// breach, or how often and where the person was seen if more than once,
/// then any snooze, then what it is.
pub fn waiting_detail(app: &App, r: &HitRow, standing: Standing) -> String {
    let mut parts = vec![];
    if let Some(why) = standing.moot() {
        parts.push(why.to_string());
    }
    if r.seen_count > 1 {
        let at = if r.camera.is_empty() {
            &r.place
        } else {
            &r.camera
        };
        parts.push(format!(
            "seen {} times, last {} {}",
            r.seen_count,
            local(app, r.last_seen_at).format("%H:%M"),
            clean(at)
        ));
    }
    if let (Standing::Snoozed(until), Some(why)) = (standing, &r.snooze_reason) {
        parts.push(format!(
            "snoozed to {}: {}",
            local(app, until).format("%H:%M"),
            clean(why)
        ));
    }
    if standing.moot().is_none() {
        parts.push(clean(&r.detail));
    }
    parts.join(" · ")
}

/// The cameras and people the desk has most often rejected a hit for, so a
/// camera or a photo that keeps misleading it shows; nothing with none.
fn false_tallies(t: &FalseMatchTallies, theme: &Theme) -> Line<'static> {
    if t.cameras.is_empty() {
        return Line::default();
    }
    let list = |items: &[(String, i64)], none: &str| {
        items
            .iter()
            .map(|(name, n)| {
                let name = if name.is_empty() {
                    none.to_string()
                } else {
                    clean(name)
                };
                format!("{name} {n}")
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    Line::from(Span::styled(
        format!(
            " false matches by camera: {} — by person: {} ",
            list(&t.cameras, "no camera"),
            list(&t.people, "")
        ),
        theme.style("muted"),
    ))
}
