//! The radio pane's inventory and health: every radio with its last ten
//! roll-calls as marks, its last 90 days as a sparkline with its relays and
//! nothing-heard counted, the flags for a radio to look at, the selected
//! radio's changes, and coverage by zone with each zone's weeks and trend.
//! All of it drawn from the store worker's last reading.

use super::radio::{mark, title, trouble_style};
use crate::app::radio::{RadioHealth, HEALTH_WINDOW};
use crate::app::App;
use crate::domain::radio_health::{share_level, RadioNights, Trend, ZoneWeeks, ZONE_WEEKS};
use crate::ui::widgets::changes;
use crate::ui::{clean, local, Theme};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// A sparkline's heights, 0 to `TOP_LEVEL`.
const BARS: [&str; 8] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
/// From this width the serial and the last ten roll-calls' marks are shown too.
const WIDE: u16 = 130;
/// Room a zone's name takes on a coverage line.
const ZONE_WIDTH: usize = 20;

fn level_style(level: u8, theme: &Theme) -> Style {
    match level {
        6.. => theme.style("ok"),
        4 | 5 => theme.style("alert_warn"),
        _ => theme.style("alert_critical"),
    }
}

/// A radio's 90 days, a cell each five; blank for a radio never called in them.
fn sparkline(n: &RadioNights, theme: &Theme) -> Line<'static> {
    if n.calls == 0 {
        return Line::default();
    }
    Line::from(
        n.cells
            .iter()
            .map(|c| match c {
                Some(l) => Span::styled(BARS[*l as usize], level_style(*l, theme)),
                None => Span::styled("·", theme.style("muted")),
            })
            .collect::<Vec<_>>(),
    )
}

/// A count beside the sparkline: muted when none, in `style` otherwise.
fn tally(n: usize, calls: usize, style: Style, theme: &Theme) -> Cell<'static> {
    if calls == 0 {
        return Cell::from("");
    }
    let style = if n == 0 { theme.style("muted") } else { style };
    Cell::from(Line::from(n.to_string()).alignment(Alignment::Right)).style(style)
}

pub fn inventory(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let zones = zone_lines(app);
    let cov_height = (zones.len().max(1) as u16 + 2).min(area.height / 3);
    let [top, detail, bottom] = Layout::vertical([
        Constraint::Min(4),
        Constraint::Length(3),
        Constraint::Length(cov_height),
    ])
    .areas(area);
    let wide = top.width >= WIDE;
    selected_detail(f, detail, app, wide, theme);
    let visible = top.height.saturating_sub(3) as usize;
    let sel = app.radio.selected;
    let offset = sel.saturating_sub(visible.saturating_sub(1));
    let rows = app.radio.radios.iter().skip(offset).take(visible).map(|h| {
        let r = &h.radio;
        let n = &h.nights;
        let status_style = match r.status.as_str() {
            "issued" => theme.style("base"),
            "spare" => theme.style("muted"),
            s => trouble_style(s, theme),
        };
        let mut cells = vec![Cell::from(clean(&r.call_sign))];
        if wide {
            cells.push(Cell::from(clean(&r.serial)));
        }
        cells.extend([
            Cell::from(clean(&r.member)),
            Cell::from(clean(&r.zone)),
            Cell::from(r.status.clone()).style(status_style),
        ]);
        if wide {
            cells.push(Cell::from(Line::from(
                h.marks.iter().map(|a| mark(a, theme)).collect::<Vec<_>>(),
            )));
        }
        cells.extend([
            Cell::from(sparkline(n, theme)),
            tally(n.relays, n.calls, theme.style("info"), theme),
            tally(
                n.nothing_heard,
                n.calls,
                theme.style("alert_critical"),
                theme,
            ),
            Cell::from(needs(h, theme)),
        ]);
        Row::new(cells)
    });
    let spark_width =
        crate::domain::radio_health::HEALTH_NIGHTS / crate::domain::radio_health::NIGHTS_PER_CELL;
    let mut widths = vec![Constraint::Length(6)];
    let mut header = vec!["call"];
    if wide {
        widths.push(Constraint::Length(11));
        header.push("serial");
    }
    widths.extend([
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(9),
    ]);
    header.extend(["issued to", "zone", "status"]);
    if wide {
        widths.push(Constraint::Length(HEALTH_WINDOW as u16));
        header.push("last 10");
    }
    widths.extend([
        Constraint::Length(spark_width as u16),
        Constraint::Length(6),
        Constraint::Length(9),
        Constraint::Fill(4),
    ]);
    header.extend(["90 days", "relays", "not heard", "needs"]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.style("muted")))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("focus_border"))
                .title(title(app, theme)),
        )
        .row_highlight_style(theme.style("selection"));
    let mut state =
        TableState::default().with_selected((!app.radio.radios.is_empty()).then_some(sel - offset));
    f.render_stateful_widget(table, top, &mut state);
    coverage(f, bottom, app, zones, theme);
}

/// The selected radio's notes and its latest changes, status and the rest
/// together, newest first.
/// What a radio needs: relayed or weak on three of its last five calls
/// (a warning), then a fault to look at or a radio to fetch back.
fn needs(h: &RadioHealth, theme: &Theme) -> Line<'static> {
    let mut spans = vec![];
    if let Some(p) = h.nights.poor {
        spans.push(Span::styled(p.label(), theme.style("alert_warn")));
    }
    if let Some(flag) = h.flag {
        if !spans.is_empty() {
            spans.push(Span::raw(" · "));
        }
        spans.push(Span::styled(flag, theme.style("alert_critical")));
    }
    Line::from(spans)
}

/// On a narrow screen the table has no room for the serial and the last
/// ten marks: the selected radio's are shown here.
fn selected_detail(f: &mut Frame, area: Rect, app: &App, wide: bool, theme: &Theme) {
    let Some(h) = app.radio.radios.get(app.radio.selected) else {
        return;
    };
    let mut spans = vec![Span::styled(
        format!(" {} ", clean(&h.radio.call_sign)),
        theme.style("key"),
    )];
    if h.nights.poor.is_some() || h.flag.is_some() {
        // whole here, where the table's column may cut it short
        spans.push(Span::raw("needs: "));
        spans.extend(needs(h, theme).spans);
        spans.push(Span::raw(" · "));
    }
    if !wide {
        spans.push(Span::raw(format!("{} · ", clean(&h.radio.serial))));
        if !h.marks.is_empty() {
            spans.push(Span::raw(format!("last {HEALTH_WINDOW}: ")));
            spans.extend(h.marks.iter().map(|a| mark(a, theme)));
            spans.push(Span::raw(" · "));
        }
    }
    if !h.radio.notes.is_empty() {
        spans.push(Span::raw(format!("notes: {} · ", clean(&h.radio.notes))));
    }
    if app.radio.history.is_empty() && app.radio.changes.is_empty() {
        spans.push(Span::styled("no changes recorded", theme.style("muted")));
    }
    let statuses = app.radio.history.iter().rev().map(|c| {
        (
            c.at,
            format!(
                "{} {} → {} ({}{}) · ",
                local(app, c.at).format("%d %b %H:%M"),
                clean(&c.from),
                clean(&c.to),
                clean(&c.by),
                if c.note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", clean(&c.note))
                }
            ),
        )
    });
    let others = app.radio.changes.iter().map(|c| {
        (
            c.at,
            format!(
                "{} {} ({}) · ",
                local(app, c.at).format("%d %b %H:%M"),
                changes::compact(c, app.tz),
                clean(&c.by)
            ),
        )
    });
    let mut latest: Vec<_> = statuses.chain(others).collect();
    latest.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    for (_, text) in latest.into_iter().take(3) {
        spans.push(Span::raw(text));
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border")),
        ),
        area,
    );
}

/// One coverage line's zone: its share over the last ten roll-calls (and
/// how many answers), and its weeks.
struct ZoneLine<'a> {
    zone: &'a str,
    last: Option<(f64, usize)>,
    weeks: Option<&'a ZoneWeeks>,
}

/// Every zone in either reading, by name.
fn zone_lines(app: &App) -> Vec<ZoneLine<'_>> {
    let mut lines: Vec<ZoneLine> = app
        .radio
        .coverage
        .iter()
        .map(|(zone, share, n)| ZoneLine {
            zone,
            last: Some((*share, *n)),
            weeks: app.radio.zones.iter().find(|z| &z.zone == zone),
        })
        .collect();
    for z in &app.radio.zones {
        if !lines.iter().any(|l| l.zone == z.zone) {
            lines.push(ZoneLine {
                zone: &z.zone,
                last: None,
                weeks: Some(z),
            });
        }
    }
    lines.sort_by(|a, b| a.zone.cmp(b.zone));
    lines
}

fn share_style(share: f64, theme: &Theme) -> Style {
    if share >= 0.8 {
        theme.style("ok")
    } else if share >= 0.6 {
        theme.style("alert_warn")
    } else {
        theme.style("alert_critical")
    }
}

fn coverage(f: &mut Frame, area: Rect, app: &App, zones: Vec<ZoneLine>, theme: &Theme) {
    // zone, bar, " 100% of 9999", "  this week 100%", "  " + weeks, "  steady"
    let rest = 13 + 16 + 2 + ZONE_WEEKS + 8;
    let width = (area.width.saturating_sub(2) as usize)
        .saturating_sub(ZONE_WIDTH + rest)
        .clamp(6, 30);
    let mut lines: Vec<Line> = zones
        .iter()
        .map(|z| {
            let name: String = clean(z.zone).chars().take(ZONE_WIDTH - 1).collect();
            let mut spans = vec![Span::raw(format!("{name:<ZONE_WIDTH$}"))];
            match z.last {
                Some((share, n)) => {
                    let filled = ((share * width as f64).round() as usize).min(width);
                    spans.extend([
                        Span::styled("█".repeat(filled), share_style(share, theme)),
                        Span::styled("░".repeat(width - filled), theme.style("muted")),
                        Span::raw(format!(" {:>3.0}% of {n:<4}", share * 100.0)),
                    ]);
                }
                None => spans.push(Span::styled(
                    format!("{:<w$}", "", w = width + 13),
                    theme.style("muted"),
                )),
            }
            let this_week = z.weeks.and_then(ZoneWeeks::this_week);
            spans.push(Span::raw("  this week "));
            spans.push(match this_week {
                Some(s) => Span::styled(format!("{:>3.0}%", s * 100.0), share_style(s, theme)),
                None => Span::styled("   —", theme.style("muted")),
            });
            spans.push(Span::raw("  "));
            for w in z.weeks.map(|z| z.weeks.as_slice()).unwrap_or_default() {
                spans.push(match w.share() {
                    Some(s) => Span::styled(BARS[share_level(s) as usize], share_style(s, theme)),
                    None => Span::styled("·", theme.style("muted")),
                });
            }
            if z.weeks.is_none() {
                spans.push(Span::styled("·".repeat(ZONE_WEEKS), theme.style("muted")));
            }
            let trend = z.weeks.and_then(|w| w.trend);
            spans.push(Span::styled(
                format!("  {}", trend.map_or("—", Trend::word)),
                match trend {
                    Some(Trend::Up) => theme.style("ok"),
                    Some(Trend::Down) => theme.style("alert_warn"),
                    _ => theme.style("muted"),
                },
            ));
            Line::from(spans)
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            if app.radio.health_reading {
                "reading the roll-calls…"
            } else {
                "no roll-calls yet: each zone's coverage shows here once one is saved"
            },
            theme.style("muted"),
        )));
    }
    let title = format!(
        " Coverage by zone: loud and clear, last {HEALTH_WINDOW} roll-calls · this week · \
         {ZONE_WEEKS} weeks · trend{} ",
        if app.radio.health_reading {
            " · reading…"
        } else {
            ""
        }
    );
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border"))
                .title(Span::styled(title, theme.style("title"))),
        ),
        area,
    );
}
