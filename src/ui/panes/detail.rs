//! One incident: its fields, then its timeline (append-only; amendments
//! point back; an edit shows each field it changed, what it was and what
//! it became).

use crate::app::keymap::Command;
use crate::app::{App, Detail};
use crate::domain::clock::format_age;
use crate::domain::format_pence;
use crate::domain::incident::amended_ids;
use crate::ui::panes::board::{priority_style, status_style};
use crate::ui::widgets::changes;
use crate::ui::{clean, local, Theme};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn draw(f: &mut Frame, area: Rect, app: &App, d: &Detail, theme: &Theme) {
    let i = &d.incident;
    let now = app.now();
    let label = |s: &str| Span::styled(format!("{s:>14}  "), theme.style("muted"));
    let stale = i.is_stale(now, app.stale_after());
    let age_style = if stale {
        theme.style("alert_critical")
    } else {
        theme.style("base")
    };
    let mut lines = vec![
        Line::from(vec![
            label("status"),
            Span::styled(i.status.label(), status_style(theme, i.status)),
            Span::raw("   "),
            Span::styled(i.priority.label(), priority_style(theme, i.priority)),
            Span::raw("   "),
            Span::raw(clean(&i.kind)),
        ]),
        Line::from(vec![
            label("where"),
            Span::raw(if i.place_label.is_empty() {
                "—".to_string()
            } else {
                clean(&i.place_label)
            }),
        ]),
        Line::from(vec![label("what happened"), Span::raw(clean(&i.summary))]),
        Line::from(vec![
            label("opened"),
            Span::raw(format!(
                "{} by {}  ",
                local(app, i.opened_at).format("%a %d %b %H:%M"),
                clean(&i.opened_by)
            )),
            Span::styled(format!("age {}", format_age(now - i.opened_at)), age_style),
        ]),
        Line::from(vec![
            label("last update"),
            Span::styled(
                format!(
                    "{} by {} ({} ago){}",
                    local(app, i.updated_at).format("%H:%M"),
                    clean(&i.updated_by),
                    format_age(now - i.updated_at),
                    if stale {
                        " — no update for too long"
                    } else {
                        ""
                    }
                ),
                age_style,
            ),
        ]),
        Line::from(vec![
            label("police ref"),
            Span::raw(if i.police_ref.is_empty() {
                "—".to_string()
            } else {
                clean(&i.police_ref)
            }),
        ]),
        Line::from(vec![
            label("loss"),
            Span::raw(format!(
                "{}   recovered {}",
                format_pence(i.loss_pence),
                format_pence(i.recovery_pence)
            )),
        ]),
    ];
    if let (Some(at), Some(reason)) = (i.closed_at, &i.close_reason) {
        lines.push(Line::from(vec![
            label("closed"),
            Span::raw(format!(
                "{} — {}",
                local(app, at).format("%a %d %b %H:%M"),
                clean(reason)
            )),
        ]));
    }
    // tall enough for every field, a long summary wrapped included, leaving
    // the timeline a few rows
    let width = area.width.saturating_sub(2) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            changes::wrap(&text, width).len()
        })
        .sum();
    // the people on it, a few rows at most, scrolled with the selection
    let people_h = if d.people.is_empty() {
        0
    } else {
        d.people.len().min(4) as u16 + 2
    };
    let [top, people, timeline, hints] = Layout::vertical([
        Constraint::Length(
            (rows as u16 + 2)
                .min(area.height.saturating_sub(6 + people_h))
                .max(9),
        ),
        Constraint::Length(people_h),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("focus_border"))
        .title(Span::styled(
            format!(" Incident #{} ", i.id),
            theme.style("title"),
        ));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        top,
    );

    if !d.people.is_empty() {
        draw_people(f, people, app, d, theme);
    }

    let amended = amended_ids(&d.timeline);
    // an edit's fields line up under the entry's text, wrapped to the list
    let inner = timeline.width.saturating_sub(2) as usize;
    let indent = 28.min(inner / 3);
    let items: Vec<ListItem> = d
        .timeline
        .iter()
        .map(|e| {
            let when = format!("{} ", local(app, e.at).format("%d %b %H:%M"));
            let who = format!("{:<14} ", clean(&e.operator));
            let mut spans = vec![
                Span::styled(when.clone(), theme.style("muted")),
                Span::styled(who.clone(), theme.style("info")),
            ];
            let mut lead = when.width() + who.width();
            if let Some(a) = e.amends {
                let when = d
                    .timeline
                    .iter()
                    .find(|x| x.id == a)
                    .map(|x| local(app, x.at).format("%H:%M").to_string())
                    .unwrap_or_default();
                let marker = format!("↳ amends {when}: ");
                lead += marker.width();
                spans.push(Span::styled(marker, theme.style("alert_warn")));
            }
            let text_style = if amended.contains(&e.id) {
                theme.style("muted")
            } else {
                theme.style("base")
            };
            let mut text = clean(&e.text);
            if amended.contains(&e.id) {
                text.push_str(" (amended below)");
            }
            // a long note wraps under its own first word, the list scrolling
            // by whole entries as before
            let room = inner.saturating_sub(lead).max(inner / 2).max(10);
            let lead = inner.saturating_sub(room).min(lead);
            let mut chunks = changes::wrap(&text, room).into_iter();
            spans.push(Span::styled(chunks.next().unwrap_or_default(), text_style));
            let mut lines = vec![Line::from(spans)];
            for chunk in chunks {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(lead)),
                    Span::styled(chunk, text_style),
                ]));
            }
            lines.extend(changes::field_lines(
                &e.changes, indent, inner, app.tz, theme,
            ));
            ListItem::new(lines)
        })
        .collect();
    let empty = items.is_empty();
    let list = List::new(items)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border"))
                .title(Span::styled(" Timeline ", theme.style("title"))),
        )
        .highlight_style(theme.style("selection"));
    let on_timeline = d.person.is_none() && !empty;
    let mut state = ListState::default().with_selected(on_timeline.then_some(d.selected));
    f.render_stateful_widget(list, timeline, &mut state);

    let k = |c| app.keymap.key_for(c);
    if d.person.is_some() {
        let hint = format!(
            " {} opens the profile (seen for incident #{}) · {} back",
            k(Command::Open),
            i.id,
            k(Command::Back)
        );
        f.render_widget(Paragraph::new(hint).style(theme.style("muted")), hints);
        return;
    }
    let hint = format!(
        " {} next status · {} close · {} reopen · {} note · {} amend note · {} edit · {} back",
        k(Command::AdvanceStatus),
        k(Command::CloseIncident),
        k(Command::Reopen),
        k(Command::AddNote),
        k(Command::AmendNote),
        k(Command::EditIncident),
        k(Command::Back)
    );
    f.render_widget(Paragraph::new(hint).style(theme.style("muted")), hints);
}

/// The people named or sighted on the incident, one a row, each opened
/// with Enter when selected.
fn draw_people(f: &mut Frame, area: Rect, app: &App, d: &Detail, theme: &Theme) {
    let items: Vec<ListItem> = d
        .people
        .iter()
        .map(|p| {
            let seen = match (p.sightings, p.last_seen) {
                (0, _) | (_, None) => "named on it".to_string(),
                (1, Some(at)) => format!(
                    "named · sighted for it {}",
                    local(app, at).format("%d %b %H:%M")
                ),
                (n, Some(at)) => format!(
                    "named · sighted for it {n} times, last {}",
                    local(app, at).format("%d %b %H:%M")
                ),
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!("{:<28} ", clean(&p.name)), theme.style("base")),
                Span::styled(seen, theme.style("muted")),
            ]))
        })
        .collect();
    let open = app.keymap.key_for(Command::Open);
    let list = List::new(items)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border"))
                .title(Span::styled(
                    format!(
                        " People ({}) — {open} on one opens the profile ",
                        d.people.len()
                    ),
                    theme.style("title"),
                )),
        )
        .highlight_style(theme.style("selection"));
    let mut state = ListState::default().with_selected(d.person);
    f.render_stateful_widget(list, area, &mut state);
}
