//! The members pane: member businesses (renewals due and agreements not
//! signed on the current version stand out), their staff's training, and
//! membership over time.

use crate::app::keymap::Command;
use crate::app::members::Contact;
use crate::app::members::MembersView;
use crate::app::work::Purpose;
use crate::app::App;
use crate::domain::format_pence;
use crate::domain::history::Change;
use crate::domain::member::{MemberStatus, MemberTraining, Refresher, Renewal};
use crate::ui::{clean, widgets, Theme};
use chrono::NaiveDate;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Bar, BarChart, BarGroup, Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap,
};
use ratatui::Frame;

fn block<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("focus_border"))
        .title(Span::styled(title, theme.style("title")))
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d %b %Y").to_string())
        .unwrap_or_else(|| "—".into())
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let pane = &app.members_pane;
    if let Some(e) = &pane.error {
        f.render_widget(
            Paragraph::new(format!("the members could not be read: {}", clean(e)))
                .style(theme.style("alert_warn"))
                .block(block(" Members ".into(), theme)),
            area,
        );
        return;
    }
    let today = pane
        .today
        .unwrap_or_else(|| app.now().with_timezone(&app.tz).date_naive());
    match pane.view {
        MembersView::Members => members(f, area, app, today, theme),
        MembersView::Training => training(f, area, app, today, theme),
        MembersView::OverTime => over_time(f, area, app, theme),
    }
}

fn members(f: &mut Frame, area: Rect, app: &App, today: NaiveDate, theme: &Theme) {
    let pane = &app.members_pane;
    let current = app.config.agreement_version.as_str();
    let selected = pane.rows.get(pane.selected);
    // the selected member's contacts, a few at most, beneath its details
    let contacts: Vec<Line> = match selected {
        Some(m) if pane.contacts_of == Some(m.id) => contact_lines(
            &pane.contacts,
            &app.keymap.key_for(Command::AddContact),
            theme,
        ),
        _ => vec![],
    };
    // and its latest changes, with what they replaced
    let changes: Vec<Line> = match selected {
        Some(m) if pane.contacts_of == Some(m.id) => change_lines(
            &pane.changes,
            area.width.saturating_sub(2) as usize,
            app.tz,
            theme,
        ),
        _ => vec![],
    };
    let [list, detail] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(4 + (contacts.len() + changes.len()) as u16),
    ])
    .areas(area);
    let renewals = pane
        .rows
        .iter()
        .filter(|m| m.renewal(today).stands_out())
        .count();
    let agreements = pane
        .rows
        .iter()
        .filter(|m| m.status != MemberStatus::Left && m.agreement(current).stands_out())
        .count();
    let title = format!(
        " Members — {}{} · {renewals} renewals due · {agreements} agreements not on {} · {} ",
        pane.rows.len(),
        if pane.reading {
            format!(" · {}", crate::ui::busy(app, "reading", Purpose::Members))
        } else {
            String::new()
        },
        clean(current),
        app.keymap.hints(&[
            Command::CycleView,
            Command::AddMember,
            Command::AddTraining,
            Command::EditMember,
            Command::AddContact
        ])
    );
    let visible = list.height.saturating_sub(3) as usize;
    let offset = pane.selected.saturating_sub(visible.saturating_sub(1));
    let warn = theme.style("alert_warn");
    let rows = pane.rows.iter().skip(offset).take(visible).map(|m| {
        let renewal = m.renewal(today);
        let renewal_text = match renewal {
            Renewal::DueIn(0) => "due today".into(),
            Renewal::DueIn(d) => format!("due in {d}d"),
            Renewal::Overdue(d) => format!("overdue {d}d"),
            Renewal::NotDue => day(m.renewal_on),
        };
        let agreement = m.agreement(current);
        let agreement_out = m.status != MemberStatus::Left && agreement.stands_out();
        let trained = m.training(today);
        let cell = |text: String, out: bool| {
            if out {
                Cell::from(text).style(warn)
            } else {
                Cell::from(text)
            }
        };
        let row = Row::new(vec![
            Cell::from(if renewal.stands_out() || agreement_out {
                "!"
            } else {
                " "
            })
            .style(warn),
            Cell::from(clean(&m.name)),
            Cell::from(clean(&m.kind)),
            Cell::from(clean(&m.zone)),
            Cell::from(m.status.code()),
            cell(renewal_text, renewal.stands_out()),
            Cell::from(format_pence(m.fee_paid_pence)),
            cell(
                match &agreement {
                    crate::domain::member::Agreement::Unsigned => "not signed".into(),
                    _ => clean(m.agreement_version.as_deref().unwrap_or("")),
                },
                agreement_out,
            ),
            Cell::from(m.radios.len().to_string()),
            Cell::from(m.recent_incidents.to_string()),
            cell(
                trained.describe().into(),
                m.status == MemberStatus::Active && trained.stands_out(),
            ),
        ]);
        if m.status.is_gone() {
            row.style(theme.style("muted"))
        } else {
            row
        }
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Min(18),
            Constraint::Length(8),
            Constraint::Length(12),
            Constraint::Length(7),
            Constraint::Length(12),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(6),
            Constraint::Length(7),
            Constraint::Length(14),
        ],
    )
    .header(
        Row::new([
            "",
            "member",
            "type",
            "zone",
            "status",
            "renewal",
            "fee",
            "agreement",
            "radios",
            "inc 90d",
            "training",
        ])
        .style(theme.style("muted")),
    )
    .block(block(title, theme))
    .row_highlight_style(theme.style("selection"));
    let mut state = TableState::default()
        .with_selected((!pane.rows.is_empty()).then_some(pane.selected - offset));
    f.render_stateful_widget(table, list, &mut state);

    let text: Vec<Line> = match selected {
        Some(m) => {
            let agreement = match (&m.agreement_version, m.agreement_signed_on) {
                (Some(v), Some(on)) => format!("agreement {} signed {}", clean(v), day(Some(on))),
                _ => "no agreement signed".into(),
            };
            vec![
                Line::from(format!(
                    "{} · {} · joined {} · {} {}",
                    clean(&m.name),
                    clean(&m.address),
                    day(m.joined_on),
                    m.contacts,
                    if m.contacts == 1 {
                        "contact"
                    } else {
                        "contacts"
                    }
                )),
                Line::from(format!(
                    "{agreement} · radios {}{}",
                    if m.radios.is_empty() {
                        "none".into()
                    } else {
                        clean(&m.radios.join(" "))
                    },
                    m.left_on
                        .map(|d| format!(" · lapsed or left {}", day(Some(d))))
                        .unwrap_or_default()
                )),
            ]
            .into_iter()
            .chain(contacts)
            .chain(changes)
            .collect()
        }
        None => vec![Line::from("no members yet")],
    };
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border")),
        ),
        detail,
    );
}

/// Contacts shown beneath a member's details.
const CONTACTS_SHOWN: usize = 3;

/// Changes shown beneath a member's details, the latest first.
const CHANGES_SHOWN: usize = 3;

/// A line or two per change: when, who, and each field's old and new value.
fn change_lines(
    changes: &[Change],
    width: usize,
    tz: chrono_tz::Tz,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut out = vec![];
    for c in changes.iter().take(CHANGES_SHOWN) {
        let head = format!(
            "changed {} by {}: ",
            c.at.with_timezone(&tz).format("%d %b %Y %H:%M"),
            clean(&c.by)
        );
        let text = format!("{head}{}", widgets::changes::compact(c, tz));
        for (k, part) in widgets::changes::wrap(&text, width)
            .into_iter()
            .take(2)
            .enumerate()
        {
            out.push(if k == 0 && part.starts_with(&head) {
                Line::from(vec![
                    Span::styled(head.clone(), theme.style("muted")),
                    Span::raw(part[head.len()..].to_string()),
                ])
            } else {
                Line::from(part)
            });
        }
    }
    if changes.len() > CHANGES_SHOWN {
        out.push(Line::from(Span::styled(
            "and earlier changes".to_string(),
            theme.style("muted"),
        )));
    }
    out
}

fn contact_lines(contacts: &[Contact], add: &str, theme: &Theme) -> Vec<Line<'static>> {
    if contacts.is_empty() {
        return vec![Line::from(Span::styled(
            format!("no contacts yet · {add} adds one"),
            theme.style("muted"),
        ))];
    }
    let more = contacts.len().saturating_sub(CONTACTS_SHOWN);
    // the last line says how many more there are rather than hide them silently
    let shown = if more > 0 {
        CONTACTS_SHOWN - 1
    } else {
        contacts.len()
    };
    let mut out: Vec<Line> = contacts
        .iter()
        .take(shown)
        .map(|c| {
            let mut parts = vec![clean(&c.name)];
            for p in [&c.role, &c.phone, &c.email] {
                if !p.is_empty() {
                    parts.push(clean(p));
                }
            }
            Line::from(vec![
                Span::styled("contact ", theme.style("muted")),
                Span::raw(parts.join(" · ")),
            ])
        })
        .collect();
    if more > 0 {
        out.push(Line::from(Span::styled(
            format!("and {} more contacts", contacts.len() - shown),
            theme.style("muted"),
        )));
    }
    out
}

fn training(f: &mut Frame, area: Rect, app: &App, today: NaiveDate, theme: &Theme) {
    let pane = &app.members_pane;
    let warn = theme.style("alert_warn");
    // only members on the scheme need trained staff
    let live = pane.rows.iter().filter(|m| m.status.is_current());
    let names = |state: MemberTraining| -> Vec<String> {
        live.clone()
            .filter(|m| m.training(today) == state)
            .map(|m| clean(&m.name))
            .collect()
    };
    let nobody = names(MemberTraining::Nobody);
    let stale = names(MemberTraining::OutOfDate);
    let line = |label: &str, names: &[String]| {
        Line::from(vec![
            Span::styled(
                format!("{label} ({}): ", names.len()),
                if names.is_empty() {
                    theme.style("ok")
                } else {
                    warn
                },
            ),
            Span::raw(if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            }),
        ])
    };
    let courses: Vec<String> = app
        .config
        .training_courses
        .iter()
        .map(|c| format!("{} {} months", clean(&c.name), c.refresher_months))
        .collect();
    let summary = vec![
        line("nobody trained", &nobody),
        line("all training out of date", &stale),
        Line::from(Span::styled(
            format!("refreshers: {}", courses.join(" · ")),
            theme.style("muted"),
        )),
    ];
    let [top, list] = Layout::vertical([Constraint::Length(7), Constraint::Fill(1)]).areas(area);
    f.render_widget(
        Paragraph::new(summary)
            .wrap(Wrap { trim: true })
            .block(block(
                " Training — members on the scheme needing it ".into(),
                theme,
            )),
        top,
    );
    let visible = list.height.saturating_sub(3) as usize;
    let offset = pane.selected.saturating_sub(visible.saturating_sub(1));
    let rows = pane.training.iter().skip(offset).take(visible).map(|t| {
        let state = crate::domain::member::refresher(t.refresher_due_on, today);
        let due = Cell::from(day(Some(t.refresher_due_on)));
        let state_cell = Cell::from(state.describe());
        let (due, state_cell) = if let Some(on) = t.superseded_on {
            // refreshed since: kept as history, no longer due
            (
                due.style(theme.style("muted")),
                Cell::from(format!("refreshed {}", day(Some(on)))).style(theme.style("muted")),
            )
        } else if state == Refresher::Current {
            (due, state_cell)
        } else {
            (due.style(warn), state_cell.style(warn))
        };
        Row::new(vec![
            Cell::from(clean(&t.member)),
            Cell::from(clean(&t.person)),
            Cell::from(clean(&t.course)),
            Cell::from(day(Some(t.taken_on))),
            due,
            state_cell,
        ])
    });
    let due_count = pane
        .training
        .iter()
        .filter(|t| {
            t.superseded_on.is_none()
                && crate::domain::member::refresher(t.refresher_due_on, today) != Refresher::Current
        })
        .count();
    let table = Table::new(
        rows,
        [
            Constraint::Fill(2),
            Constraint::Fill(1),
            Constraint::Fill(2),
            Constraint::Length(12),
            Constraint::Length(13),
            Constraint::Length(22),
        ],
    )
    .header(
        Row::new(["member", "trained", "course", "taken", "refresher due", ""])
            .style(theme.style("muted")),
    )
    .block(block(
        format!(
            " {} records · {due_count} due or out of date · soonest refresher first · {} · {} add ",
            pane.training.len(),
            app.keymap.hints(&[Command::CycleView]),
            app.keymap.key_for(Command::AddTraining)
        ),
        theme,
    ))
    .row_highlight_style(theme.style("selection"));
    let mut state = TableState::default()
        .with_selected((!pane.training.is_empty()).then_some(pane.selected - offset));
    f.render_stateful_widget(table, list, &mut state);
}

fn over_time(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let months = &app.members_pane.months;
    let [chart, table] = Layout::vertical([Constraint::Fill(1), Constraint::Length(7)]).areas(area);
    let b = block(
        format!(
            " Membership over time — members at each month's end · {} ",
            app.keymap.hints(&[Command::CycleView])
        ),
        theme,
    );
    let inner = b.inner(chart);
    f.render_widget(b, chart);
    let n = months.len().max(1) as u16;
    let gap = 1;
    let width = (inner.width.saturating_sub(gap * (n - 1)) / n).clamp(1, 8);
    let bars: Vec<Bar> = months
        .iter()
        .map(|m| {
            Bar::default()
                .value(m.total as u64)
                .label(Line::from(m.month.format("%b").to_string()))
                .text_value(m.total.to_string())
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
    let row = |label: &str, f: &dyn Fn(&crate::domain::member::MonthCount) -> u32| {
        let mut cells = vec![Cell::from(label.to_string())];
        cells.extend(months.iter().map(|m| Cell::from(f(m).to_string())));
        Row::new(cells)
    };
    let mut widths = vec![Constraint::Length(8)];
    widths.extend(months.iter().map(|_| Constraint::Length(5)));
    let mut header = vec![Cell::from("")];
    header.extend(
        months
            .iter()
            .map(|m| Cell::from(m.month.format("%b").to_string())),
    );
    f.render_widget(
        Table::new(
            vec![
                row("joined", &|m| m.joined),
                row("lapsed", &|m| m.lapsed),
                row("total", &|m| m.total),
            ],
            widths,
        )
        .header(Row::new(header).style(theme.style("muted")))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border")),
        ),
        table,
    );
}
