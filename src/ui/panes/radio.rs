//! Radios: the roll-call (the current station highlighted, one key per
//! station), the inventory with each radio's health (in `radio_inventory`),
//! and the log.

use crate::app::keymap::Command;
use crate::app::radio::RadioView;
use crate::app::App;
use crate::domain::rollcall::{Answer, Phase};
use crate::ui::{clean, local, Theme};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// One roll-call answer as a mark: loudness as a bar, silence as a cross.
pub fn mark(a: &Answer, theme: &Theme) -> Span<'static> {
    match a {
        Answer::Heard(5) => Span::styled("█", theme.style("ok")),
        Answer::Heard(4) => Span::styled("▆", theme.style("ok")),
        Answer::Heard(3) => Span::styled("▄", theme.style("alert_warn")),
        Answer::Heard(2) => Span::styled("▂", theme.style("alert_warn")),
        Answer::Heard(_) => Span::styled("▁", theme.style("alert_critical")),
        Answer::NothingHeard => Span::styled("✗", theme.style("alert_critical")),
        Answer::RelayedVia(_) => Span::styled("r", theme.style("info")),
        Answer::ClosedToday => Span::styled("·", theme.style("muted")),
    }
}

pub(super) fn answer_style(a: &Answer, theme: &Theme) -> Style {
    match a {
        Answer::Heard(n) if *n >= 4 => theme.style("ok"),
        Answer::Heard(n) if *n >= 3 => theme.style("alert_warn"),
        Answer::Heard(_) | Answer::NothingHeard => theme.style("alert_critical"),
        Answer::RelayedVia(_) => theme.style("info"),
        Answer::ClosedToday => theme.style("muted"),
    }
}

pub(super) fn title(app: &App, theme: &Theme) -> Line<'static> {
    let mut t = vec![Span::styled(" Radio — ", theme.style("title"))];
    for v in [RadioView::RollCall, RadioView::Inventory, RadioView::Log] {
        let style = if v == app.radio.view {
            theme.style("tab_active")
        } else {
            theme.style("tab_inactive")
        };
        t.push(Span::styled(format!(" {} ", v.label()), style));
        t.push(Span::raw(" "));
    }
    Line::from(t)
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    match app.radio.view {
        RadioView::RollCall => roll_call(f, area, app, theme),
        RadioView::Inventory => super::radio_inventory::inventory(f, area, app, theme),
        RadioView::Log => super::radio_log::log(f, area, app, theme),
    }
}

fn roll_call(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let k = |c| app.keymap.key_for(c);
    if app.radio.past.is_some() {
        return super::radio_log::past(f, area, app, theme);
    }
    let Some(open) = &app.radio.rollcall else {
        let mut lines = vec![Line::default()];
        if let Some((s, practice)) = &app.radio.last_summary {
            lines.push(Line::from(Span::styled(
                format!("Saved{}: {} of {} answered · {} nothing heard · {} weak · {} relayed · {} closed · {} late · {} corrected", if *practice { " (practice)" } else { "" }, s.answered, s.expected, s.nothing_heard, s.weak, s.relays, s.closed, s.late, s.corrected),
                theme.style("ok"),
            )));
            lines.push(Line::from(format!(
                "  on the roll-call saved: {} takes a late check-in · {} corrects an answer · {} voids it",
                k(Command::LateCheckIn),
                k(Command::CorrectAnswer),
                k(Command::VoidRollCall)
            )));
            lines.push(Line::default());
        }
        lines.push(Line::from(format!(
            "  {} starts tonight's roll-call · {} a practice one (kept out of the figures)",
            k(Command::StartRollCall),
            k(Command::StartPractice)
        )));
        super::radio_log::past_list(f, area, app, theme, lines);
        return;
    };
    let r = &open.rollcall;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(64), Constraint::Percentage(36)]).areas(area);
    let current = r.current();
    // the calling script for the station being called, above the roster
    let script = app
        .config
        .rollcall
        .script
        .as_deref()
        .zip(current.and_then(|i| r.stations.get(i)))
        .map(|(script, st)| {
            clean(&crate::domain::radio::script_for(
                script,
                &st.call_sign,
                &st.member,
            ))
        });
    let left = match &script {
        Some(text) => {
            let width = left.width.saturating_sub(2).max(1) as usize;
            let lines = (text.chars().count().div_ceil(width)).clamp(1, 3) as u16;
            let [say, rest] =
                Layout::vertical([Constraint::Length(lines + 2), Constraint::Min(4)]).areas(left);
            f.render_widget(
                Paragraph::new(text.as_str())
                    .wrap(ratatui::widgets::Wrap { trim: true })
                    .style(theme.style("title"))
                    .block(
                        Block::default()
                            .borders(Borders::ALL)
                            .border_style(theme.style("border"))
                            .title(Span::styled(" Say ", theme.style("muted"))),
                    ),
                say,
            );
            rest
        }
        None => left,
    };
    let marks = app.marks_by_radio();
    // The business name is shown whole: its column is as wide as the
    // longest name allows, and a name wider still wraps onto more lines.
    // The zone (the roster's order, and beside the station being called)
    // gives way first when the pane is narrow.
    const FIXED: u16 = 6 + 9 + 11 + 18 + 4;
    let room = left.width.saturating_sub(2 + FIXED);
    let longest = r
        .stations
        .iter()
        .map(|s| s.member.chars().count())
        .max()
        .unwrap_or(0) as u16;
    let member_width = longest.min(room).max(6);
    let zone_width = room.saturating_sub(member_width + 1);
    let show_zone = zone_width >= 6;
    let visible = left.height.saturating_sub(3) as usize;
    let focus = current.unwrap_or(r.stations.len().saturating_sub(1));
    let offset = focus
        .saturating_sub(visible / 2)
        .min(r.stations.len().saturating_sub(visible));
    let today = local(app, app.now()).date_naive();
    let rows = r.stations.iter().enumerate().map(|(i, s)| {
        let (answer, style) = match r.entry(i) {
            Some(e) => (
                format!(
                    "{}{}{}",
                    e.answer.label(),
                    if e.late { " (late)" } else { "" },
                    e.replaced
                        .as_ref()
                        .map(|old| format!(" (corrected, was {})", old.label()))
                        .unwrap_or_default()
                ),
                answer_style(&e.answer, theme),
            ),
            None if r.recall_queue().contains(&i) => {
                ("to call again".into(), theme.style("alert_warn"))
            }
            None => (String::new(), theme.style("base")),
        };
        let history: Vec<Span> = marks
            .get(&s.radio_id)
            .map(|m| m.iter().map(|a| mark(a, theme)).collect())
            .unwrap_or_default();
        // a radio gone lost, stunned or faulty since the call began
        let mut member: Vec<Span> = Vec::new();
        if let Some(status) = app.radio.trouble.get(&s.call_sign) {
            member.push(Span::styled(
                format!("{} ", status.to_uppercase()),
                trouble_style(status, theme),
            ));
        }
        let name = clean(&s.member);
        let taken: usize = member.iter().map(|s| s.content.chars().count()).sum();
        let lines = wrap_words(&name, usize::from(member_width), taken);
        let height = lines.len().max(1) as u16;
        let mut first = true;
        let member: Vec<Line> = lines
            .into_iter()
            .map(|l| {
                if std::mem::take(&mut first) {
                    let mut spans = std::mem::take(&mut member);
                    spans.push(Span::raw(l));
                    Line::from(spans)
                } else {
                    Line::from(l)
                }
            })
            .collect();
        let heard = match app.radio.last_heard.get(&s.radio_id) {
            Some(at) => {
                let at = local(app, *at);
                if at.date_naive() == today {
                    at.format("%H:%M").to_string()
                } else if (today - at.date_naive()).num_days() < 7 {
                    at.format("%a %H:%M").to_string()
                } else {
                    at.format("%d %b %y").to_string()
                }
            }
            None => "never".to_string(),
        };
        let mut cells = vec![
            Cell::from(clean(&s.call_sign)),
            Cell::from(ratatui::text::Text::from(member)),
        ];
        if show_zone {
            cells.push(Cell::from(clean(&s.zone)));
        }
        cells.extend([
            Cell::from(heard).style(theme.style("muted")),
            Cell::from(Line::from(history)),
            Cell::from(answer).style(style),
        ]);
        Row::new(cells).height(height)
    });
    let mut t = title(app, theme);
    if open.practice {
        t.spans
            .push(Span::styled(" PRACTICE ", theme.style("alert_warn")));
    }
    let mut widths = vec![Constraint::Length(6), Constraint::Length(member_width)];
    let mut header = vec!["call", "member"];
    if show_zone {
        widths.push(Constraint::Fill(1));
        header.push("zone");
    }
    widths.extend([
        Constraint::Length(9),
        Constraint::Length(11),
        Constraint::Fill(1),
    ]);
    header.extend(["heard", "last 10", "tonight"]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.style("muted")))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("focus_border"))
                .title(t),
        )
        .row_highlight_style(theme.style("selection"));
    // centred on the station being called; the table keeps it in view
    // when wrapped names make rows taller
    let mut state = TableState::default()
        .with_offset(offset)
        .with_selected(current);
    f.render_stateful_widget(table, left, &mut state);

    let s = r.summary();
    let mut lines = vec![];
    match current {
        Some(i) => {
            let st = &r.stations[i];
            let phase = if r.phase() == Phase::Recall {
                "Calling again"
            } else {
                "Now calling"
            };
            lines.push(Line::from(Span::styled(
                format!("{phase} ({} of {})", i + 1, r.stations.len()),
                theme.style("muted"),
            )));
            lines.push(Line::from(Span::styled(
                format!("  {}", clean(&st.call_sign)),
                theme.style("title"),
            )));
            lines.push(Line::from(format!(
                "  {} · {}",
                clean(&st.member),
                clean(&st.zone)
            )));
            // how long this station has been called for
            if let Some((_, since)) = app.radio.calling.filter(|(at, _)| *at == i) {
                let secs = (app.now() - since).num_seconds().max(0);
                lines.push(Line::from(Span::styled(
                    format!("  calling for {}:{:02}", secs / 60, secs % 60),
                    theme.style("muted"),
                )));
            }
            if let Some(status) = app.radio.trouble.get(&st.call_sign) {
                lines.push(Line::from(Span::styled(
                    if crate::domain::radio::is_missing(status) {
                        format!("  marked {status}: asked before answering")
                    } else {
                        format!("  marked {status} since the roll-call began")
                    },
                    trouble_style(status, theme),
                )));
            }
        }
        None => {
            lines.push(Line::from(Span::styled(
                "All stations in",
                theme.style("ok"),
            )));
            lines.push(Line::from(format!(
                "  {} saves the roll-call · {} undoes the last answer",
                k(Command::Open),
                k(Command::UndoAnswer)
            )));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(format!(
        "answered {} of {}",
        s.answered, s.expected
    )));
    lines.push(Line::from(vec![
        Span::styled(
            format!("nothing heard {}", s.nothing_heard),
            if s.nothing_heard > 0 {
                theme.style("alert_warn")
            } else {
                theme.style("base")
            },
        ),
        Span::raw(format!(
            " · weak {} · relayed {} · closed {} · late {} · corrected {}",
            s.weak, s.relays, s.closed, s.late, s.corrected
        )),
    ]));
    let queue: Vec<String> = r
        .recall_queue()
        .iter()
        .map(|i| r.stations[*i].call_sign.clone())
        .collect();
    if !queue.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("to call again: {}", queue.join(" ")),
            theme.style("alert_warn"),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!(
            "{}-{} readability · {} nothing heard · {} relayed · {} closed · {} late check-in · {} correct · {} undo · {} finish",
            k(Command::Heard5),
            k(Command::Heard1),
            k(Command::NothingHeard),
            k(Command::Relayed),
            k(Command::ClosedToday),
            k(Command::LateCheckIn),
            k(Command::CorrectAnswer),
            k(Command::UndoAnswer),
            k(Command::FinishRollCall)
        ),
        theme.style("muted"),
    )));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.style("border")),
            ),
        right,
    );
}

/// `text` broken at spaces into lines of at most `width` characters, the
/// first `first_taken` shorter.
fn wrap_words(text: &str, width: usize, first_taken: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut room = width.saturating_sub(first_taken).max(1);
    for word in text.split(' ') {
        let (have, need) = (line.chars().count(), word.chars().count());
        if have > 0 && have + 1 + need > room {
            lines.push(std::mem::take(&mut line));
            room = width;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        // a word longer than a whole line is broken where the line ends
        let mut rest: Vec<char> = word.chars().collect();
        while line.chars().count() + rest.len() > room {
            let take = room.saturating_sub(line.chars().count()).max(1);
            line.extend(rest.drain(..take.min(rest.len())));
            lines.push(std::mem::take(&mut line));
            room = width;
        }
        line.extend(rest);
    }
    lines.push(line);
    lines
}

/// Lost or stunned in the critical colour, faulty or in repair in the warning one.
pub(super) fn trouble_style(status: &str, theme: &Theme) -> Style {
    if crate::domain::radio::is_missing(status) {
        theme.style("alert_critical")
    } else {
        theme.style("alert_warn")
    }
}
