//! The radio log (dated, scrolled to any line, narrowed by `/`) and the
//! past roll-calls: the list of them, and one opened station by station.

use super::radio::{answer_style, title};
use crate::app::keymap::Command;
use crate::app::App;
use crate::store::rollcalls::RollCallRecord;
use crate::ui::{clean, local, Theme};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, List, ListItem, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// The first row shown so that row `selected` is on screen (as the other lists do).
fn first_shown(selected: usize, visible: usize) -> usize {
    selected.saturating_sub(visible.saturating_sub(1))
}

pub fn log(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [left, right] =
        Layout::horizontal([Constraint::Length(22), Constraint::Fill(1)]).areas(area);
    let on_air: Vec<ListItem> = app
        .radio
        .on_air
        .iter()
        .map(|c| ListItem::new(Span::styled(format!(" ● {}", clean(c)), theme.style("ok"))))
        .collect();
    f.render_widget(
        List::new(on_air).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border"))
                .title(Span::styled(
                    format!(" On air ({}) ", app.radio.on_air.len()),
                    theme.style("title"),
                )),
        ),
        left,
    );
    let log = &app.radio.log;
    let visible = right.height.saturating_sub(4) as usize;
    let first = first_shown(app.radio.selected, visible);
    // who logged it gives way on a narrow screen: the message matters more
    let with_by = right.width >= 110;
    let rows = (first..(first + visible).min(log.total))
        .filter_map(|i| log.get(i))
        .map(|l| {
            // the date on every line: a line scrolled to from another day says which
            let when = local(app, l.at).format("%d %b %H:%M:%S").to_string();
            Row::new(vec![
                Cell::from(when).style(theme.style("muted")),
                Cell::from(clean(&l.call_sign)).style(theme.style("key")),
                Cell::from(clean(&l.message)),
                Cell::from(if with_by {
                    clean(&l.by)
                } else {
                    Default::default()
                })
                .style(theme.style("muted")),
            ])
        });
    let k = |c| app.keymap.key_for(c);
    let mut t = title(app, theme);
    t.spans.push(Span::styled(
        format!(
            " {} logs a line · {} narrows ",
            k(Command::LogRadio),
            k(Command::Filter)
        ),
        theme.style("muted"),
    ));
    let narrowed = if app.radio.log_filter.trim().is_empty() {
        String::new()
    } else {
        format!(" · narrowed to “{}”", clean(app.radio.log_filter.trim()))
    };
    let shown = if log.total == 0 {
        if narrowed.is_empty() {
            "no line logged yet".to_string()
        } else {
            format!("no line{narrowed} ({} clears)", k(Command::Back))
        }
    } else {
        format!(
            "line {} of {}, newest first{narrowed} · {} the first line, {} the newest",
            app.radio.selected + 1,
            log.total,
            k(Command::Bottom),
            k(Command::Top)
        )
    };
    let mut state = TableState::default()
        .with_selected((log.total > 0).then_some(app.radio.selected.saturating_sub(first)));
    let [table, foot] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)])
        .areas(Block::default().borders(Borders::ALL).inner(right));
    f.render_widget(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style("focus_border"))
            .title(t),
        right,
    );
    f.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(15),
                Constraint::Length(8),
                Constraint::Fill(1),
                Constraint::Length(if with_by { 16 } else { 0 }),
            ],
        )
        .header(
            Row::new([
                "when",
                "call",
                "message",
                if with_by { "logged by" } else { "" },
            ])
            .style(theme.style("muted")),
        )
        .row_highlight_style(theme.style("selection")),
        table,
        &mut state,
    );
    f.render_widget(
        Paragraph::new(Span::styled(format!(" {shown}"), theme.style("muted"))),
        foot,
    );
}

/// One past roll-call in the list: when, what kind, its figures.
fn record_line(app: &App, r: &RollCallRecord) -> Vec<Span<'static>> {
    let s = &r.summary;
    let kind = match (&r.voided, r.practice) {
        (Some(_), _) => "void · ",
        (None, true) => "practice · ",
        (None, false) => "",
    };
    vec![
        Span::raw(format!(
            "{} ",
            local(app, r.started_at).format("%a %d %b %Y %H:%M")
        )),
        Span::raw(format!(
            "{kind}{} of {} answered · {} nothing heard · {} weak · {} relayed · {} late · {} corrected{}",
            s.answered,
            s.expected,
            s.nothing_heard,
            s.weak,
            s.relays,
            s.late,
            s.corrected,
            if r.finished_at.is_none() {
                "  (not finished)"
            } else {
                ""
            }
        )),
    ]
}

/// The past roll-calls, newest first, any of them opened with Enter.
pub fn past_list(f: &mut Frame, area: Rect, app: &App, theme: &Theme, heading: Vec<Line<'static>>) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("focus_border"))
        .title(title(app, theme));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [top, list] = Layout::vertical([
        Constraint::Length(heading.len() as u16 + 1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    let recent = &app.radio.recent;
    let mut lines = heading;
    lines.push(Line::from(vec![
        Span::styled("  Roll-calls", theme.style("title")),
        Span::styled(
            if recent.total == 0 {
                " · none yet".to_string()
            } else {
                format!(
                    " · {} of {}, newest first · {} opens one station by station",
                    app.radio.selected + 1,
                    recent.total,
                    app.keymap.key_for(Command::Open)
                )
            },
            theme.style("muted"),
        ),
    ]));
    f.render_widget(Paragraph::new(lines), top);
    let visible = list.height as usize;
    let first = first_shown(app.radio.selected, visible);
    let rows = (first..(first + visible).min(recent.total))
        .filter_map(|i| recent.get(i))
        .map(|r| {
            let style = if r.voided.is_some() || r.practice {
                theme.style("muted")
            } else {
                theme.style("base")
            };
            ListItem::new(Line::from(record_line(app, r)).style(style))
        });
    let mut state = ratatui::widgets::ListState::default()
        .with_selected((recent.total > 0).then_some(app.radio.selected.saturating_sub(first)));
    f.render_stateful_widget(
        List::new(rows.collect::<Vec<_>>())
            .highlight_style(theme.style("selection"))
            .highlight_symbol("▶ "),
        list,
        &mut state,
    );
}

/// A past roll-call, station by station: each answer, late or corrected
/// (with the answer it replaced), who gave it and when.
pub fn past(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(p) = &app.radio.past else { return };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("focus_border"))
        .title(title(app, theme));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [head, table] = Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(inner);
    let r = &p.record;
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!(
                " {}",
                clean(&crate::app::radio_log::past_heading(p, app.tz))
            ),
            theme.style("title"),
        ),
        Span::styled(
            format!("  {} back to the list", app.keymap.key_for(Command::Back)),
            theme.style("muted"),
        ),
    ])];
    lines.push(Line::from(record_line(app, r).split_off(1)));
    if let Some(v) = &r.voided {
        lines.push(Line::from(Span::styled(
            format!(
                " voided {} by {}: {}",
                local(app, v.at).format("%d %b %H:%M"),
                clean(&v.by),
                clean(&v.reason)
            ),
            theme.style("alert_warn"),
        )));
    }
    f.render_widget(Paragraph::new(lines), head);
    let visible = table.height.saturating_sub(1) as usize;
    let first = first_shown(app.radio.selected, visible);
    let rows = p.stations.iter().skip(first).take(visible).map(|s| {
        let (answer, style) = match s.entry.as_ref().map(|e| &e.answer) {
            Some(a) => (a.label(), answer_style(a, theme)),
            None => ("not answered".to_string(), theme.style("muted")),
        };
        let mut noted = vec![];
        if s.entry.as_ref().is_some_and(|e| e.late) {
            noted.push("late".to_string());
        }
        if let Some(was) = s.entry.as_ref().and_then(|e| e.replaced.as_ref()) {
            noted.push(format!("corrected, was {}", was.label()));
        }
        Row::new(vec![
            Cell::from(clean(&s.station.call_sign)).style(theme.style("key")),
            Cell::from(clean(&s.station.member)),
            Cell::from(clean(&s.station.zone)).style(theme.style("muted")),
            Cell::from(clean(&answer)).style(style),
            Cell::from(noted.join(" · ")).style(theme.style("alert_warn")),
            Cell::from(match s.at {
                Some(at) => format!("{} {}", local(app, at).format("%H:%M:%S"), clean(&s.by)),
                None => String::new(),
            })
            .style(theme.style("muted")),
        ])
    });
    let mut state = TableState::default().with_selected(
        (!p.stations.is_empty()).then_some(app.radio.selected.saturating_sub(first)),
    );
    f.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(8),
                Constraint::Fill(2),
                Constraint::Length(19),
                Constraint::Length(18),
                Constraint::Fill(2),
                Constraint::Length(24),
            ],
        )
        .header(
            Row::new(["call", "member", "zone", "answer", "", "answered"])
                .style(theme.style("muted")),
        )
        .row_highlight_style(theme.style("selection")),
        table,
        &mut state,
    );
}
