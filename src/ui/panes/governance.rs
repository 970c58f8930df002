//! The set-up pane's governance views: the breach log (open ones first,
//! the 72 hours counting down in the alert colour), the sharing agreements
//! and the DPIA and appropriate policy document, each review due flagged.

use crate::app::keymap::Command;
use crate::app::setup::SetupView;
use crate::app::App;
use crate::domain::governance::{current, Deadline, DocumentKind, Review};
use crate::ui::{clean, Theme};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("focus_border"))
        .title(Span::styled(title, theme.style("title")))
}

/// `v view · A add · e edit · X close`, as the keymap binds them.
fn hints(app: &App, retire: Option<&str>) -> String {
    let k = |c| app.keymap.key_for(c);
    let mut h = format!(
        "{} view · {} add · {} edit",
        k(Command::CycleView),
        k(Command::SetupAdd),
        k(Command::SetupEdit)
    );
    if let Some(word) = retire {
        h.push_str(&format!(" · {} {word}", k(Command::SetupRetire)));
    }
    h
}

fn local(t: chrono::DateTime<chrono::Utc>, app: &App) -> String {
    t.with_timezone(&app.tz)
        .format("%d %b %Y %H:%M")
        .to_string()
}

/// A review's words and style (none due: the plain style).
fn review(r: Option<Review>, theme: &Theme) -> (String, Style) {
    match r {
        None => (String::new(), theme.style("base")),
        Some(r @ Review::Overdue(_)) => (r.describe(), theme.style("alert_critical")),
        Some(r) => (r.describe(), theme.style("alert_warn")),
    }
}

/// One view's list: rows of cells, each with its style, under a header;
/// and the words for none.
struct List<'a> {
    title: String,
    header: Vec<&'a str>,
    widths: Vec<Constraint>,
    rows: Vec<(Vec<String>, Style)>,
    empty: String,
}

fn table(f: &mut Frame, area: Rect, app: &App, list: List, theme: &Theme) {
    let List {
        title,
        header,
        widths,
        rows,
        empty,
    } = list;
    if rows.is_empty() {
        f.render_widget(
            Paragraph::new(empty)
                .style(theme.style("muted"))
                .wrap(Wrap { trim: true })
                .block(block(title, theme)),
            area,
        );
        return;
    }
    let rows: Vec<Row> = rows
        .into_iter()
        .map(|(cells, style)| {
            Row::new(cells.into_iter().map(Cell::from).collect::<Vec<_>>()).style(style)
        })
        .collect();
    let t = Table::new(rows, widths)
        .header(Row::new(header).style(theme.style("muted")))
        .row_highlight_style(theme.style("selection"))
        .block(block(title, theme));
    let mut state = TableState::default().with_selected(Some(app.setup.selected));
    f.render_stateful_widget(t, area, &mut state);
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    match app.setup.view {
        SetupView::Breaches => breaches(f, area, app, theme),
        SetupView::Agreements => agreements(f, area, app, theme),
        _ => documents(f, area, app, theme),
    }
}

fn breaches(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let now = app.now();
    let list = &app.setup.governance.breaches;
    let open = list.iter().filter(|b| b.is_open()).count();
    let title = format!(
        " Governance: the breach log — {open} open, {} closed · {} ",
        list.len() - open,
        hints(app, Some("close"))
    );
    let rows = list
        .iter()
        .map(|b| {
            let (state, style) = match (b.closed_at, b.reported_at, b.deadline(now)) {
                (Some(c), _, _) => (format!("closed {}", local(c, app)), theme.style("muted")),
                (None, Some(r), _) => (format!("reported {}", local(r, app)), theme.style("base")),
                (None, None, Some(d @ Deadline::Overdue(_))) => {
                    (d.describe(), theme.style("alert_critical"))
                }
                (None, None, Some(d)) if d.pressing() => {
                    (d.describe(), theme.style("alert_critical"))
                }
                (None, None, Some(d)) => (d.describe(), theme.style("alert_warn")),
                (None, None, None) => (String::new(), theme.style("base")),
            };
            (
                vec![
                    format!("#{}", b.id),
                    local(b.found_at, app),
                    b.people_affected.to_string(),
                    state,
                    clean(&b.what),
                ],
                style,
            )
        })
        .collect();
    let list = List {
        title,
        header: vec!["", "found", "affected", "ICO (72 hours from found)", "what happened"],
        widths: vec![
            Constraint::Length(5),
            Constraint::Length(18),
            Constraint::Length(9),
            Constraint::Length(30),
            Constraint::Fill(1),
        ],
        rows,
        empty: format!(
            "No breaches logged. {} logs one: what happened, when it was found, how many people; the ICO must be told within 72 hours of finding it unless it is unlikely to risk anyone's rights.",
            app.keymap.key_for(Command::SetupAdd)
        ),
    };
    table(f, area, app, list, theme);
}

fn agreements(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let today = app.now().with_timezone(&app.tz).date_naive();
    let list = &app.setup.governance.agreements;
    let in_force = list.iter().filter(|a| a.in_force(today)).count();
    let due = list.iter().filter(|a| a.review(today).is_some()).count();
    let title = format!(
        " Governance: sharing agreements — {in_force} in force, {due} due for review · {} ",
        hints(app, Some("end"))
    );
    let rows = list
        .iter()
        .map(|a| {
            let (words, style) = match a.ended_on {
                Some(e) => (format!("ended {e}"), theme.style("muted")),
                None if !a.in_force(today) => ("not yet in force".into(), theme.style("muted")),
                None => match a.review(today) {
                    None => ("in force".into(), theme.style("base")),
                    r => review(r, theme),
                },
            };
            (
                vec![
                    format!("#{}", a.id),
                    clean(&a.party),
                    clean(&a.purpose),
                    clean(&a.lawful_basis),
                    a.signed_on.to_string(),
                    a.review_on.to_string(),
                    words,
                ],
                style,
            )
        })
        .collect();
    let list = List {
        title,
        header: vec!["", "with whom", "purpose", "lawful basis", "signed", "review", ""],
        widths: vec![
            Constraint::Length(4),
            Constraint::Fill(2),
            Constraint::Fill(2),
            Constraint::Fill(2),
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Length(24),
        ],
        rows,
        empty: format!(
            "No sharing agreements recorded. {} records one: with whom, the purpose, the lawful basis, when signed and when reviewed. Releases of footage are recorded against them.",
            app.keymap.key_for(Command::SetupAdd)
        ),
    };
    table(f, area, app, list, theme);
}

fn documents(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let today = app.now().with_timezone(&app.tz).date_naive();
    let docs = &app.setup.governance.documents;
    let missing: Vec<&str> = DocumentKind::ALL
        .into_iter()
        .filter(|k| current(docs, *k).is_none())
        .map(|k| k.label())
        .collect();
    let title = format!(
        " Governance: DPIA and appropriate policy document{} · {} ",
        if missing.is_empty() {
            String::new()
        } else {
            format!(" — none recorded: {}", missing.join(", "))
        },
        hints(app, None)
    );
    let rows = docs
        .iter()
        .map(|d| {
            let in_force = current(docs, d.kind).map(|c| c.id) == Some(d.id);
            let (words, style) = if in_force {
                match Review::of(d.review_on, today) {
                    None => ("in force".into(), theme.style("base")),
                    r => review(r, theme),
                }
            } else {
                ("replaced".into(), theme.style("muted"))
            };
            (
                vec![
                    format!("#{}", d.id),
                    d.kind.label().to_string(),
                    clean(&d.edition),
                    d.approved_on.to_string(),
                    d.review_on.to_string(),
                    words,
                    clean(&d.notes),
                ],
                style,
            )
        })
        .collect();
    let list = List {
        title,
        header: vec!["", "document", "version", "approved", "review", "", "notes"],
        widths: vec![
            Constraint::Length(4),
            Constraint::Length(28),
            Constraint::Length(8),
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Length(24),
            Constraint::Fill(1),
        ],
        rows,
        empty: format!(
            "Neither is recorded yet. {} records a version approved: the DPIA, and the appropriate policy document that criminal-offence data needs (DPA 2018 sch. 1).",
            app.keymap.key_for(Command::SetupAdd)
        ),
    };
    table(f, area, app, list, theme);
}
