//! The overview: the shift strip, then the role's sections side by side,
//! the focused one in the focus colour. Each draws only the rows that fit.

use crate::app::overview::{ticker_text, waiting};
use crate::app::App;
use crate::domain::clock::format_age;
use crate::domain::hit::Standing;
use crate::domain::overview::Section;
use crate::domain::sighting::HitKind;
use crate::domain::Priority;
use crate::ui::panes::board::{priority_style, status_style};
use crate::ui::panes::hits::waiting_detail;
use crate::ui::{clean, local, Theme};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [strip, sections] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    shift_strip(f, strip, app, theme);
    let layout = app.overview_layout();
    let focused = app.overview_section();
    let columns = layout.columns();
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|c| Constraint::Fill(c.iter().map(|(_, s)| *s).sum()))
        .collect();
    let cols = Layout::horizontal(widths).split(sections);
    for (column, col_area) in columns.iter().zip(cols.iter()) {
        let heights: Vec<Constraint> = column.iter().map(|(_, s)| Constraint::Fill(*s)).collect();
        let areas = Layout::vertical(heights).split(*col_area);
        for ((section, _), a) in column.iter().zip(areas.iter()) {
            let focus = *section == focused;
            match section {
                Section::Incidents => incidents(f, *a, app, theme, focus),
                Section::Hits => hits(f, *a, app, theme, focus),
                Section::Radio => radio(f, *a, app, theme, focus),
                Section::Activity => activity(f, *a, app, theme, focus),
            }
        }
    }
}

/// Who is on, for how long, and the scheme's own date and time.
fn shift_strip(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let now = app.now();
    let on = (now - app.started_at).num_seconds().max(0);
    let mut line = Line::from(vec![
        Span::styled(
            format!(" {} ", clean(&app.operator.name)),
            theme.style("title"),
        ),
        Span::styled(format!("({}) ", app.operator.role), theme.style("muted")),
        Span::raw(format!(
            "· on shift {}:{:02} since {} ",
            on / 3600,
            (on / 60) % 60,
            local(app, app.started_at).format("%H:%M")
        )),
        Span::styled(
            format!("· {}", local(app, now).format("%A %d %B %Y %H:%M %Z")),
            theme.style("info"),
        ),
    ]);
    // beside who is on, before the clock, so a narrow strip keeps it
    if let Some(r) = app.governance_reminder() {
        line.spans
            .insert(2, Span::styled(format!("{r} "), theme.style("alert_warn")));
    }
    if let Some(r) = app.review_reminder() {
        line.spans.insert(
            2,
            Span::styled(format!("· {r} "), theme.style("alert_warn")),
        );
    }
    f.render_widget(Paragraph::new(line), area);
}

fn block<'a>(title: Line<'a>, focus: bool, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(if focus { "focus_border" } else { "border" }))
        .title(title)
}

/// The first row to draw so the selected one shows in `visible` rows.
fn offset(selected: usize, visible: usize) -> usize {
    selected.saturating_sub(visible.saturating_sub(1))
}

/// A muted line inside an empty section.
fn empty(f: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let r = Rect {
        x: area.x + 2,
        y: area.y + 1,
        width: area.width.saturating_sub(4),
        height: 1,
    };
    if r.y < area.bottom().saturating_sub(1) {
        f.render_widget(
            Paragraph::new(text.to_string()).style(theme.style("muted")),
            r,
        );
    }
}

/// A section's table, drawn with its selection (`None`: not focused).
fn table<'a>(f: &mut Frame, area: Rect, t: Table<'a>, selected: Option<usize>, theme: &Theme) {
    let t = t
        .column_spacing(1)
        .row_highlight_style(theme.style("selection"));
    let mut state = TableState::default().with_selected(selected);
    f.render_stateful_widget(t, area, &mut state);
}

fn incidents(f: &mut Frame, area: Rect, app: &App, theme: &Theme, focus: bool) {
    let now = app.now();
    let o = &app.overview;
    let stale_after = app.stale_after();
    let live = app.board.live_changed.len();
    let stale = app.stale_count();
    let urgent = o
        .incidents
        .iter()
        .filter(|r| matches!(r.priority, Priority::Urgent | Priority::High))
        .count();
    let mut title = vec![Span::styled(
        format!(" {} · {live} ", Section::Incidents.title()),
        theme.style("title"),
    )];
    if urgent > 0 {
        title.push(Span::styled(
            format!("· {urgent} P1/P2 "),
            theme.style("priority_urgent"),
        ));
    }
    if stale > 0 {
        title.push(Span::styled(
            format!("· {stale} stale "),
            theme.style("alert_critical"),
        ));
    }
    let visible = area.height.saturating_sub(3) as usize;
    let first = offset(o.incident_selected, visible);
    let rows: Vec<Row> = o
        .incidents
        .iter()
        .skip(first)
        .take(visible)
        .map(|r| {
            let stale = now - r.updated_at >= stale_after;
            Row::new(vec![
                Cell::from(format!("#{}", r.id)),
                Cell::from(r.priority.short()).style(priority_style(theme, r.priority)),
                Cell::from(r.status.code()).style(status_style(theme, r.status)),
                Cell::from(format!(
                    "{}{}",
                    format_age(now - r.opened_at),
                    if stale { " !" } else { "" }
                ))
                .style(if stale {
                    theme.style("alert_critical")
                } else {
                    Style::default()
                }),
                Cell::from(clean(&r.kind)),
                Cell::from(clean(&r.place_label)),
                Cell::from(clean(&r.summary)),
            ])
        })
        .collect();
    let header = Row::new(["#", "P", "status", "age", "type", "where", "what happened"]);
    let widths = [
        Constraint::Length(7),
        Constraint::Length(2),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Fill(1),
        Constraint::Fill(2),
    ];
    let selected = (focus && !o.incidents.is_empty()).then(|| o.incident_selected - first);
    let t = Table::new(rows, widths)
        .header(header.style(theme.style("muted")))
        .block(block(Line::from(title), focus, theme));
    table(f, area, t, selected, theme);
    if o.incidents.is_empty() {
        empty(
            f,
            area.inner(ratatui::layout::Margin::new(0, 1)),
            "no live incidents",
            theme,
        );
    }
}

fn hits(f: &mut Frame, area: Rect, app: &App, theme: &Theme, focus: bool) {
    let now = app.now();
    let o = &app.overview;
    let shown: Vec<_> = waiting(&app.hits.rows).collect();
    let n = app.hits.unacknowledged;
    let title = Line::from(Span::styled(
        format!(" {} · {n} ", Section::Hits.title()),
        theme.style(if n > 0 { "alert_critical" } else { "title" }),
    ));
    let visible = area.height.saturating_sub(3) as usize;
    let first = offset(o.hit_selected, visible);
    let rows: Vec<Row> = shown
        .iter()
        .skip(first)
        .take(visible)
        .map(|h| {
            let kind = match h.kind {
                HitKind::Breach => Span::styled("BREACH", theme.style("alert_critical")),
                HitKind::Watch => Span::styled("watch", theme.style("alert_warn")),
            };
            let standing = h.alarm().standing(now);
            let (state, style) = match standing {
                Standing::Escalated => ("ESCALATED", theme.style("alert_critical")),
                Standing::Snoozed(_) => ("snoozed", theme.style("alert_warn")),
                Standing::Lifted => ("lifted", theme.style("muted")),
                Standing::Ended => ("ended", theme.style("muted")),
                _ => ("waiting", theme.style("alert_warn")),
            };
            // folded sightings, a snooze or a lifted exclusion say more than the place
            let place = if h.seen_count > 1 || standing != Standing::Waiting {
                waiting_detail(app, h, standing)
            } else if h.camera.is_empty() {
                clean(&h.place)
            } else {
                format!("{} · {}", clean(&h.place), clean(&h.camera))
            };
            Row::new(vec![
                Cell::from(h.id.to_string()),
                Cell::from(format_age(now - h.raised_at)),
                Cell::from(kind),
                Cell::from(state).style(style),
                Cell::from(clean(app.hits.who.get(&h.id).unwrap_or(&h.offender))),
                Cell::from(place),
            ])
        })
        .collect();
    let header = Row::new(["hit", "waiting", "kind", "state", "who", "where"]);
    let widths = [
        Constraint::Length(5),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(9),
        Constraint::Fill(3),
        Constraint::Fill(2),
    ];
    let selected = (focus && !shown.is_empty()).then(|| o.hit_selected - first);
    let t = Table::new(rows, widths)
        .header(header.style(theme.style("muted")))
        .block(block(title, focus, theme));
    table(f, area, t, selected, theme);
    if shown.is_empty() {
        empty(
            f,
            area.inner(ratatui::layout::Margin::new(0, 1)),
            "no hit is waiting",
            theme,
        );
    }
}

fn radio(f: &mut Frame, area: Rect, app: &App, theme: &Theme, focus: bool) {
    let o = &app.overview;
    let on_air = &app.radio.on_air;
    let mut title = vec![Span::styled(
        format!(" {} · {} on air ", Section::Radio.title(), on_air.len()),
        theme.style("title"),
    )];
    if !o.trouble.is_empty() {
        title.push(Span::styled(
            format!("· {} lost or stunned heard ", o.trouble.len()),
            theme.style("alert_critical"),
        ));
    }
    let b = block(Line::from(title), focus, theme);
    let inner = b.inner(area);
    f.render_widget(b, area);
    // the standing lines first: on air, the roll-call, radios in trouble
    let mut lines: Vec<Line> = vec![];
    let names: Vec<String> = on_air.iter().map(|c| clean(c)).collect();
    lines.push(Line::from(vec![
        Span::styled("on air  ", theme.style("muted")),
        Span::raw(if names.is_empty() {
            "nobody signed on".to_string()
        } else {
            names.join(" ")
        }),
    ]));
    if let Some(open) = &app.radio.rollcall {
        let s = open.rollcall.summary();
        let done = s.answered + s.nothing_heard + s.closed;
        let recall = open.rollcall.recall_queue().len();
        lines.push(Line::from(vec![
            Span::styled("roll-call  ", theme.style("muted")),
            Span::styled(
                format!(
                    "{}{done} of {} called · {} answered · {recall} to call again · begun {} by {}",
                    if open.practice { "practice: " } else { "" },
                    s.expected,
                    s.answered,
                    local(app, open.started_at).format("%H:%M"),
                    clean(&open.started_by)
                ),
                theme.style("info"),
            ),
        ]));
    }
    for (call_sign, status, at) in &o.trouble {
        lines.push(Line::from(Span::styled(
            format!(
                "{} is {} and was heard at {}",
                clean(call_sign),
                clean(status).to_uppercase(),
                local(app, *at).format("%H:%M")
            ),
            theme.style("alert_critical"),
        )));
    }
    let standing = lines.len();
    let room = (inner.height as usize).saturating_sub(standing + 1);
    if !o.check_ins.is_empty() && room > 0 {
        lines.push(Line::from(Span::styled("last heard", theme.style("muted"))));
        let first = offset(o.radio_selected, room);
        for (i, l) in o.check_ins.iter().enumerate().skip(first).take(room) {
            let style = if focus && i == o.radio_selected {
                theme.style("selection")
            } else {
                Style::default()
            };
            lines.push(Line::from(Span::styled(
                format!(
                    "{} {:<6} {}",
                    local(app, l.at).format("%H:%M"),
                    clean(&l.call_sign),
                    clean(&l.message)
                ),
                style,
            )));
        }
    } else if o.check_ins.is_empty() {
        lines.push(Line::from(Span::styled(
            "nothing heard on the radio log today",
            theme.style("muted"),
        )));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn activity(f: &mut Frame, area: Rect, app: &App, theme: &Theme, focus: bool) {
    let o = &app.overview;
    let title = Line::from(Span::styled(
        format!(" {} ", Section::Activity.title()),
        theme.style("title"),
    ));
    let visible = area.height.saturating_sub(2) as usize;
    let first = offset(o.ticker_selected, visible);
    let rows: Vec<Row> = o
        .ticker
        .iter()
        .skip(first)
        .take(visible)
        .map(|r| {
            // today's by the time, earlier ones by the day
            let at = local(app, r.at);
            let when = if at.date_naive() == local(app, app.now()).date_naive() {
                at.format("%H:%M").to_string()
            } else {
                at.format("%d %b").to_string()
            };
            Row::new(vec![
                Cell::from(when).style(theme.style("muted")),
                Cell::from(clean(&ticker_text(r))),
            ])
        })
        .collect();
    let widths = [Constraint::Length(6), Constraint::Fill(1)];
    let selected = (focus && !o.ticker.is_empty()).then(|| o.ticker_selected - first);
    let t = Table::new(rows, widths).block(block(title, focus, theme));
    table(f, area, t, selected, theme);
    if o.ticker.is_empty() {
        empty(f, area, "nothing done yet", theme);
    }
}
