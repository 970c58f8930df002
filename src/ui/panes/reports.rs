//! Reports: the committee report's figures for a period, as charts (incidents
//! by month as bars, hits and roll-call answers as sparklines) and small
//! tables. Drawing only: the figures were read when the pane opened.

use crate::app::keymap::Command;
use crate::app::work::Purpose;
use crate::app::App;
use crate::domain::money::{format_pence, group_thousands};
use crate::domain::report::{month_label, month_short, percent, share, Report};
use crate::ui::{clean, Theme};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Bar, BarChart, BarGroup, Block, Borders, Cell, Paragraph, Row, Sparkline, SparklineBar, Table,
};
use ratatui::Frame;

fn num(n: u64) -> String {
    group_thousands(n)
}

fn block<'a>(title: impl Into<Line<'a>>, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border"))
        .title(title)
}

fn title(text: String, theme: &Theme) -> Span<'static> {
    Span::styled(format!(" {text} "), theme.style("title"))
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let keys = &app.keymap;
    let hint = format!(
        " {} period · {} earlier · {} later ",
        keys.key_for(Command::CycleView),
        keys.key_for(Command::EarlierPeriod),
        keys.key_for(Command::LaterPeriod)
    );
    let heading = match &app.reports.period {
        Some(p) => format!(
            " Reports — {}: {} – {} ",
            app.reports.describe(),
            p.from.format("%-d %b %Y"),
            p.to.format("%-d %b %Y")
        ),
        None => " Reports ".to_string(),
    };
    let working = app.report_working();
    let heading = if working {
        format!(
            "{heading}· {} ",
            crate::ui::busy(app, "working out the figures", Purpose::Report)
        )
    } else {
        heading
    };
    let outer = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("focus_border"))
        .title(Span::styled(heading, theme.style("title")))
        .title(Line::from(Span::styled(hint, theme.style("muted"))).right_aligned());
    let inner = outer.inner(area);
    f.render_widget(outer, area);
    // figures of another period are not shown under this one's heading
    let shown = app
        .reports
        .report
        .as_ref()
        .filter(|r| Some(r.period.period()) == app.reports.period);
    let Some(r) = shown else {
        let text = match &app.reports.error {
            _ if working => Span::styled(
                crate::ui::busy(
                    app,
                    "working out the figures for this period",
                    Purpose::Report,
                ),
                theme.style("muted"),
            ),
            Some(e) => Span::styled(
                format!("the figures could not be read: {}", clean(e)),
                theme.style("alert_warn"),
            ),
            None => Span::styled("no figures yet", theme.style("muted")),
        };
        f.render_widget(Paragraph::new(Line::from(text)), inner);
        return;
    };

    let [charts, sparks, tables] = Layout::vertical([
        Constraint::Length(18),
        Constraint::Length(6),
        Constraint::Min(3),
    ])
    .areas(inner);
    let [bars, figures] =
        Layout::horizontal([Constraint::Min(30), Constraint::Length(52)]).areas(charts);
    incidents_by_month(f, bars, r, theme);
    key_figures(f, figures, r, theme);
    let [hits, answers] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(sparks);
    hits_sparkline(f, hits, r, theme);
    let [answers, worst] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(28)]).areas(answers);
    answers_sparkline(f, answers, r, theme);
    worst_zones(f, worst, r, theme);
    let [types, zones, police] = Layout::horizontal([
        Constraint::Percentage(29),
        Constraint::Percentage(28),
        Constraint::Percentage(43),
    ])
    .spacing(3)
    .areas(tables);
    by_type(f, types, r, theme);
    by_zone(f, zones, r, theme);
    police_beside(f, police, r, theme);
}

fn incidents_by_month(f: &mut Frame, area: Rect, r: &Report, theme: &Theme) {
    let b = block(
        title(
            format!("Incidents by month — {} in all", num(r.incidents.total)),
            theme,
        ),
        theme,
    );
    let inner = b.inner(area);
    f.render_widget(b, area);
    let n = r.incidents.by_month.len().max(1) as u16;
    let gap = 1;
    let width = (inner.width.saturating_sub(gap * (n - 1)) / n).clamp(1, 8);
    let bars: Vec<Bar> = r
        .incidents
        .by_month
        .iter()
        .map(|m| {
            Bar::default()
                .value(m.count)
                .label(Line::from(month_short(&m.month)))
                .text_value(num(m.count))
        })
        .collect();
    f.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(width)
            .bar_gap(gap)
            .bar_style(theme.style("info"))
            .value_style(theme.style("selection"))
            .label_style(theme.style("muted")),
        inner,
    );
}

fn key_figures(f: &mut Frame, area: Rect, r: &Report, theme: &Theme) {
    let plain = theme.style("base");
    let warn = |on: bool| {
        if on {
            theme.style("alert_warn")
        } else {
            plain
        }
    };
    let all = r.hits.all();
    let (o, l, c, d, m) = (
        &r.offenders,
        &r.losses,
        &r.roll_calls,
        &r.radios,
        &r.members,
    );
    let g = &r.governance;
    let rows: Vec<(&str, String, Style)> = vec![
        ("Incidents", num(r.incidents.total), plain),
        ("Losses", format_pence(l.loss_pence), plain),
        (
            "Recovered",
            format!(
                "{} ({})",
                format_pence(l.recovered_pence),
                percent(l.recovered_share)
            ),
            plain,
        ),
        (
            "People active · new",
            format!("{} · {}", num(o.active), num(o.new)),
            plain,
        ),
        (
            "People excluded",
            format!(
                "{} · {} exclusions issued",
                num(o.excluded),
                num(o.exclusions_issued)
            ),
            plain,
        ),
        (
            "Hits · breaches",
            format!("{} · {}", num(all.raised), num(r.hits.breach.raised)),
            plain,
        ),
        (
            "Accepted · rejected",
            format!(
                "{} · {} · {} waiting",
                num(all.accepted),
                num(all.rejected),
                num(all.waiting)
            ),
            warn(all.waiting > 0),
        ),
        (
            "False by camera",
            if r.hits.false_by_camera.is_empty() {
                "none".to_string()
            } else {
                r.hits
                    .false_by_camera
                    .iter()
                    .take(3)
                    .map(|c| {
                        let camera = if c.label.is_empty() {
                            "no camera".to_string()
                        } else {
                            clean(&c.label)
                        };
                        format!("{camera} {}", num(c.count))
                    })
                    .collect::<Vec<_>>()
                    .join(" · ")
            },
            plain,
        ),
        (
            "Roll-calls",
            format!(
                "{} · {} answering{}",
                num(c.held),
                percent(c.answered_share),
                if c.practice > 0 {
                    format!(" · {} practice, not counted", num(c.practice))
                } else {
                    String::new()
                }
            ),
            plain,
        ),
        (
            "Relays · weak · late",
            format!("{} · {} · {}", num(c.relays), num(c.weak), num(c.late)),
            plain,
        ),
        (
            "Radios",
            format!(
                "{} · {} faulty or in repair",
                num(d.total),
                num(d.faulty_or_in_repair)
            ),
            warn(d.faulty_or_in_repair > 0),
        ),
        (
            "Radios to recover",
            if d.to_recover.is_empty() {
                "none".to_string()
            } else {
                clean(&d.to_recover.join(", "))
            },
            warn(!d.to_recover.is_empty()),
        ),
        (
            "Members",
            format!(
                "{} · +{} joined · −{} lapsed",
                num(m.total_at_end),
                num(m.joined),
                num(m.lapsed)
            ),
            plain,
        ),
        (
            "Members reporting",
            format!("{} ({})", num(m.reporting), percent(m.reporting_share)),
            plain,
        ),
        (
            "Sharing agreements",
            format!(
                "{} in force · {} due for review",
                num(g.agreements_in_force),
                num(g.agreements_due_for_review)
            ),
            warn(g.agreements_due_for_review > 0),
        ),
        (
            "Data breaches",
            format!(
                "{} · {} to the ICO · {} open",
                num(g.breaches_found),
                num(g.breaches_reported),
                num(g.breaches_open)
            ),
            warn(g.breaches_open > 0),
        ),
        (
            "DPIA last reviewed",
            match g.last_dpia_review {
                None => "none recorded".to_string(),
                Some(d) => format!(
                    "{}{}",
                    d.format("%-d %b %Y"),
                    if g.dpia_review_due {
                        " · review due"
                    } else {
                        ""
                    }
                ),
            },
            warn(g.last_dpia_review.is_none() || g.dpia_review_due),
        ),
    ];
    let rows = rows.into_iter().map(|(label, value, style)| {
        Row::new(vec![
            Cell::from(label).style(theme.style("muted")),
            Cell::from(value).style(style),
        ])
    });
    f.render_widget(
        Table::new(rows, [Constraint::Length(20), Constraint::Min(10)])
            .block(block(title("Key figures".into(), theme), theme)),
        area,
    );
}

/// Each value repeated so the line fills the width (one column a month is
/// too thin to read).
fn stretched<T: Clone>(values: &[T], width: u16) -> Vec<T> {
    let each = (width as usize / values.len().max(1)).max(1);
    values
        .iter()
        .flat_map(|v| std::iter::repeat_n(v.clone(), each))
        .collect()
}

fn hits_sparkline(f: &mut Frame, area: Rect, r: &Report, theme: &Theme) {
    let counts: Vec<u64> = r.hits.by_month.iter().map(|m| m.count).collect();
    let most = counts.iter().copied().max().unwrap_or(0);
    let b = block(
        title(
            format!("Hits per month — most {} in a month", num(most)),
            theme,
        ),
        theme,
    );
    let inner = b.inner(area);
    f.render_widget(
        Sparkline::default()
            .block(b)
            .data(stretched(&counts, inner.width))
            .style(theme.style("alert_warn")),
        area,
    );
}

fn answers_sparkline(f: &mut Frame, area: Rect, r: &Report, theme: &Theme) {
    // months with no roll-call are gaps, not noughts
    let shares: Vec<SparklineBar> = r
        .roll_calls
        .by_month
        .iter()
        .map(|m| SparklineBar::from(m.answered_share.map(|s| (s * 100.0).round() as u64)))
        .collect();
    let b = block(
        title(
            format!(
                "Stations answering: {}",
                percent(r.roll_calls.answered_share)
            ),
            theme,
        ),
        theme,
    );
    let inner = b.inner(area);
    f.render_widget(
        Sparkline::default()
            .block(b)
            .data(stretched(&shares, inner.width))
            .max(100)
            .absent_value_symbol("·")
            .absent_value_style(theme.style("muted"))
            .style(theme.style("ok")),
        area,
    );
}

/// The zones heard loud and clear least often in the period, worst first.
fn worst_zones(f: &mut Frame, area: Rect, r: &Report, theme: &Theme) {
    let b = block(title("Least loud and clear".into(), theme), theme);
    let width = b.inner(area).width as usize;
    let lines: Vec<Line> = if r.roll_calls.worst_zones.is_empty() {
        vec![Line::from(Span::styled("no answers", theme.style("muted")))]
    } else {
        r.roll_calls
            .worst_zones
            .iter()
            .map(|z| {
                let share = percent(z.share);
                let room = width.saturating_sub(share.len() + 1);
                let name: String = clean(&z.zone).chars().take(room).collect();
                Line::from(vec![
                    Span::raw(format!("{name:<room$} ")),
                    Span::styled(share, theme.style("alert_warn")),
                ])
            })
            .collect()
    };
    f.render_widget(Paragraph::new(lines).block(b), area);
}

fn count_table<'a>(
    heading: &'a str,
    rows: Vec<(String, u64)>,
    total: u64,
    area: Rect,
    theme: &Theme,
) -> Table<'a> {
    let visible = area.height.saturating_sub(3) as usize;
    let more = rows.len().saturating_sub(visible);
    let mut shown: Vec<Row> = rows
        .iter()
        .take(if more > 0 {
            visible.saturating_sub(1)
        } else {
            visible
        })
        .map(|(label, n)| {
            Row::new(vec![
                Cell::from(clean(label)),
                Cell::from(Line::from(num(*n)).right_aligned()),
                Cell::from(Line::from(percent(share(*n, total))).right_aligned())
                    .style(theme.style("muted")),
            ])
        })
        .collect();
    if more > 0 {
        let rest = rows.len() - shown.len();
        shown.push(
            Row::new(vec![Cell::from(format!("… and {rest} more"))]).style(theme.style("muted")),
        );
    }
    Table::new(
        shown,
        [
            Constraint::Min(10),
            Constraint::Length(7),
            Constraint::Length(5),
        ],
    )
    .header(Row::new(vec![heading, "", ""]).style(theme.style("title")))
    .block(
        Block::default()
            .borders(Borders::TOP)
            .border_style(theme.style("border")),
    )
}

fn by_type(f: &mut Frame, area: Rect, r: &Report, theme: &Theme) {
    let rows = r
        .incidents
        .by_type
        .iter()
        .map(|t| (t.label.clone(), t.count))
        .collect();
    f.render_widget(
        count_table("By type", rows, r.incidents.total, area, theme),
        area,
    );
}

fn by_zone(f: &mut Frame, area: Rect, r: &Report, theme: &Theme) {
    let rows = r
        .incidents
        .by_zone
        .iter()
        .map(|z| (z.label.clone(), z.count))
        .collect();
    f.render_widget(
        count_table("By zone", rows, r.incidents.total, area, theme),
        area,
    );
}

fn police_beside(f: &mut Frame, area: Rect, r: &Report, theme: &Theme) {
    let frame = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.style("border"));
    let c = &r.police_coverage;
    let room = area.width as usize;
    let mut lines = vec![Line::from(Span::styled(
        "Police recorded · the scheme's own",
        theme.style("title"),
    ))];
    lines.push(if c.area.is_empty() {
        Line::from(Span::styled(
            "no area set: [police] in the config",
            theme.style("alert_warn"),
        ))
    } else {
        Line::from(vec![
            Span::styled("area ", theme.style("muted")),
            Span::raw(ellipsis(clean(&c.area), room.saturating_sub(5))),
        ])
    });
    if !r.has_police_data() {
        lines.push(Line::from(Span::styled(
            "none imported for these months",
            theme.style("muted"),
        )));
        f.render_widget(Paragraph::new(lines).block(frame), area);
        return;
    }
    let months = &r.period.months;
    let covered = match (c.months.first(), c.months.last()) {
        (Some(a), Some(b)) if a == b => month_label(a),
        (Some(a), Some(b)) => format!("{} – {}", month_label(a), month_label(b)),
        _ => "none".into(),
    };
    let mut held = vec![
        Span::styled("months ", theme.style("muted")),
        Span::raw(format!(
            "{covered} ({} of {})",
            c.months.len(),
            months.len()
        )),
    ];
    if !c.other_area.is_empty() {
        held.push(Span::styled(
            format!(" · {} for another area", c.other_area.len()),
            theme.style("alert_warn"),
        ));
    }
    lines.push(Line::from(held));
    // each police type and the scheme's types counted beside it, then its
    // months as bars on one scale: police above, the scheme's own below
    // ("·" a month no police file covers)
    let width = area.width.saturating_sub(8) as usize;
    let shown = months.len().min(width / 3).max(1);
    let first = months.len().saturating_sub(shown);
    for s in &r.police {
        // the totals first, so a long list of types is what gets cut
        let name = clean(&short(&s.crime_type));
        let totals = format!(" {} · {} ", num(s.police_total), num(s.scheme_total));
        let used = name.chars().count() + totals.chars().count();
        lines.push(Line::from(vec![
            Span::styled(name, theme.style("title")),
            Span::raw(totals),
            Span::styled(
                ellipsis(
                    format!("beside {}", clean(&s.scheme_types.join(", "))),
                    room.saturating_sub(used),
                ),
                theme.style("muted"),
            ),
        ]));
        let top = s
            .by_month
            .iter()
            .skip(first)
            .map(|m| m.police.max(m.scheme))
            .max()
            .unwrap_or(0);
        let bars = |pick: &dyn Fn(&crate::domain::report::PoliceMonth) -> Option<u64>| {
            s.by_month
                .iter()
                .skip(first)
                .map(|m| match pick(m) {
                    None => "·  ".to_string(),
                    Some(v) => {
                        let b = level(v, top);
                        format!("{b}{b} ")
                    }
                })
                .collect::<String>()
        };
        lines.push(Line::from(vec![
            Span::styled("police  ", theme.style("muted")),
            Span::styled(
                bars(&|m| c.months.contains(&m.month).then_some(m.police)),
                theme.style("alert_warn"),
            ),
        ]));
        lines.push(Line::from(vec![
            Span::styled("scheme  ", theme.style("muted")),
            Span::styled(bars(&|m| Some(m.scheme)), theme.style("base")),
        ]));
    }
    let axis: String = months[first..]
        .iter()
        .map(|m| format!("{:<3}", month_short(m).chars().next().unwrap_or(' ')))
        .collect();
    lines.push(Line::from(Span::styled(
        format!("        {axis}"),
        theme.style("muted"),
    )));
    f.render_widget(Paragraph::new(lines).block(frame), area);
}

/// `text` in at most `room` cells, ending "…" where it was cut.
fn ellipsis(text: String, room: usize) -> String {
    if text.chars().count() <= room {
        return text;
    }
    let mut cut: String = text.chars().take(room.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A bar of eighths for `v` on a scale up to `top` (blank for nought).
fn level(v: u64, top: u64) -> char {
    const BARS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if v == 0 || top == 0 {
        return BARS[0];
    }
    // anything recorded shows at least the lowest bar
    BARS[((v * 8).div_ceil(top)).clamp(1, 8) as usize]
}

/// A long crime type by its initials (`Anti-social behaviour` → `ASB`), to
/// fit a column; short ones as they are.
fn short(crime_type: &str) -> String {
    if crime_type.chars().count() <= 12 {
        return crime_type.to_string();
    }
    crime_type
        .split([' ', '-'])
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}
