//! One person's profile: who they are, what is in force, where they were
//! last seen, how active they are, and their history on the register
//! (sightings and incidents, and every change to the record and its
//! exclusions with what it replaced).

use crate::app::keymap::Command;
use crate::app::register::ProfileView;
use crate::app::App;
use crate::domain::exclusion::Scope;
use crate::domain::offender::OffenderKind;
use crate::ui::widgets::changes;
use crate::ui::widgets::photo::Photos;
use crate::ui::{clean, local, Theme};
use chrono::Duration;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(
    f: &mut Frame,
    area: Rect,
    app: &App,
    view: &ProfileView,
    theme: &Theme,
    photos: Option<&mut Photos>,
) {
    let p = &view.profile;
    let o = &p.offender;
    let now = app.now();
    let [top, middle, hints] = Layout::vertical([
        // room for a photo beside the details when there is one to show
        Constraint::Length(
            if photos.is_some() && !view.profile.offender.photo_path.is_empty() {
                14
            } else {
                11
            },
        ),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(area);
    let label = |s: &str| Span::styled(format!("{s:>12}  "), theme.style("muted"));
    let join = |v: &[String]| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.iter().map(|x| clean(x)).collect::<Vec<_>>().join(", ")
        }
    };
    let in_force: Vec<_> = p.exclusions.iter().filter(|e| e.in_force(now)).collect();
    let standing = if let Some(e) = in_force
        .iter()
        .find(|e| app.rules.ladder.excludes(&e.stage))
    {
        Span::styled(
            format!(
                "EXCLUDED ({}) until {}",
                clean(&e.stage),
                local(app, e.effective_end() - Duration::seconds(1)).format("%d %b %Y")
            ),
            theme.style("alert_critical"),
        )
    } else if let Some(e) = in_force.first() {
        Span::styled(
            format!("{} in force (not an exclusion)", clean(&e.stage)),
            theme.style("alert_warn"),
        )
    } else {
        Span::styled("no sanction in force", theme.style("ok"))
    };
    let last_seen = match p.last_seen() {
        Some(s) => format!(
            "{} at {}{}",
            local(app, s.at).format("%a %d %b %H:%M"),
            clean(&s.place),
            if s.camera.is_empty() {
                String::new()
            } else {
                format!(" ({})", clean(&s.camera))
            }
        ),
        None => "not seen on camera".into(),
    };
    let photo = if o.photo_path.is_empty() {
        "none".to_string()
    } else {
        clean(&o.photo_path)
    };
    let mut lines = vec![
        Line::from(vec![label("standing"), standing]),
        Line::from(vec![
            label("kind"),
            Span::raw(o.kind.label()),
            Span::styled(
                if p.merged_into.is_some() {
                    "  (merged)"
                } else {
                    ""
                },
                theme.style("muted"),
            ),
        ]),
        Line::from(vec![label("aliases"), Span::raw(join(&o.aliases))]),
        Line::from(vec![label("nicknames"), Span::raw(join(&o.nicknames))]),
        Line::from(vec![
            label("markers"),
            Span::styled(join(&o.markers), theme.style("alert_warn")),
        ]),
        Line::from(vec![
            label("description"),
            Span::raw(if o.description.is_empty() {
                "—".into()
            } else {
                clean(&o.description)
            }),
        ]),
        Line::from(vec![label("last seen"), Span::raw(last_seen)]),
        Line::from(vec![
            label("activity"),
            Span::raw(format!(
                "{} incidents and {} sightings in the last 90 days",
                p.activity.incidents_90d, p.activity.sightings_90d
            )),
        ]),
    ];
    lines.push(Line::from(vec![label("photo"), Span::raw(photo)]));
    let title = Span::styled(format!(" {} ", clean(&o.name)), theme.style("title"));
    let details = match photos {
        Some(photos) if !o.photo_path.is_empty() => {
            let [details, photo] =
                Layout::horizontal([Constraint::Fill(1), Constraint::Length(22)]).areas(top);
            let block = Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border"));
            let inner = block.inner(photo);
            f.render_widget(block, photo);
            photos.draw(f, inner, std::path::Path::new(&o.photo_path));
            details
        }
        _ => top,
    };
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("focus_border"))
                .title(title),
        ),
        details,
    );

    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(middle);
    // the changes share the right-hand column when there are any
    let (right, changes_area) = if p.changes.is_empty() {
        (right, None)
    } else {
        let [r, c] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(right);
        (r, Some(c))
    };
    let zone_names = |scope: &Scope| match scope {
        Scope::AllZones => "all zones".to_string(),
        Scope::Zones(z) => z
            .iter()
            .filter_map(|id| {
                app.zones
                    .iter()
                    .find(|x| x.id == *id)
                    .map(|x| clean(&x.name))
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    let exclusions: Vec<ListItem> = p
        .exclusions
        .iter()
        .map(|e| {
            let state = if e.in_force(now) {
                Span::styled(
                    "in force ",
                    if app.rules.ladder.excludes(&e.stage) {
                        theme.style("alert_critical")
                    } else {
                        theme.style("alert_warn")
                    },
                )
            } else if e.starts_at > now {
                Span::styled("from later ", theme.style("info"))
            } else if e.lifted_at.is_some() {
                Span::styled("lifted ", theme.style("muted"))
            } else {
                Span::styled("ended ", theme.style("muted"))
            };
            let first = format!("{} · {}", clean(&e.stage), zone_names(&e.scope));
            // the dates and what has happened since on a second line, so a half-width list shows them
            let text = format!(
                "  {} to {}",
                local(app, e.starts_at).format("%d %b %Y"),
                local(app, e.effective_end() - Duration::seconds(1)).format("%d %b %Y")
            );
            let mut later = vec![];
            if let Some(a) = e.appeal_lodged_on {
                later.push(format!(
                    "appeal {a}{}",
                    e.appeal_outcome
                        .as_ref()
                        .map(|o| format!(": {}", clean(o)))
                        .unwrap_or_else(|| " (pending)".into())
                ));
            }
            if let (Some(d), Some(o)) = (e.reviewed_on, &e.review_outcome) {
                later.push(format!("reviewed {d}: {}", clean(o)));
            }
            if let Some(r) = e.review_on {
                later.push(format!("review {r}"));
            }
            if let Some((_, kind, at)) = p.notices.iter().find(|(x, _, _)| *x == e.id) {
                later.push(format!(
                    "{} made {}",
                    kind.replace('-', " "),
                    local(app, *at).format("%d %b")
                ));
            }
            let mut item = vec![Line::from(vec![state, Span::raw(first)]), Line::from(text)];
            if !later.is_empty() {
                item.push(Line::from(format!("  {}", later.join(" · "))));
            }
            ListItem::new(item)
        })
        .collect();
    let empty = exclusions.is_empty();
    let list = List::new(exclusions)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border"))
                .title(Span::styled(" Exclusions ", theme.style("title"))),
        )
        .highlight_style(theme.style("selection"));
    let mut state = ListState::default().with_selected((!empty).then_some(view.selected));
    f.render_stateful_widget(list, left, &mut state);

    let mut history: Vec<ListItem> = vec![];
    for s in &p.sightings {
        history.push(ListItem::new(Line::from(vec![
            Span::styled(
                format!("{} ", local(app, s.at).format("%d %b %H:%M")),
                theme.style("muted"),
            ),
            Span::styled("seen ", theme.style("info")),
            Span::raw(format!("{} {}", clean(&s.place), clean(&s.note))),
        ])));
    }
    for i in &p.incidents {
        history.push(ListItem::new(Line::from(vec![
            Span::styled(
                format!("{} ", local(app, i.opened_at).format("%d %b %H:%M")),
                theme.style("muted"),
            ),
            Span::styled(format!("#{} ", i.id), theme.style("key")),
            Span::raw(format!(
                "{} · {} · {}",
                clean(&i.kind),
                clean(&i.place),
                clean(&i.summary)
            )),
        ])));
    }
    f.render_widget(
        List::new(history).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("border"))
                .title(Span::styled(
                    format!(
                        " Sightings ({}) and incidents ({}) ",
                        p.sightings.len(),
                        p.incidents.len()
                    ),
                    theme.style("title"),
                )),
        ),
        right,
    );
    if let Some(area) = changes_area {
        let width = area.width.saturating_sub(2) as usize;
        let lines: Vec<Line> = p
            .changes
            .iter()
            .flat_map(|c| changes::change_lines(c, width, app.tz, theme))
            .collect();
        f.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.style("border"))
                    .title(Span::styled(
                        format!(" Changes ({}), newest first ", p.changes.len()),
                        theme.style("title"),
                    )),
            ),
            area,
        );
    }
    let k = |c| app.keymap.key_for(c);
    let mut hint = format!(
        " {} sighting · {} edit · {} exclusion · {} lift selected · {} appeal · {} review · {} notice · {} back",
        k(Command::NewSighting),
        k(Command::EditOffender),
        k(Command::NewExclusion),
        k(Command::LiftExclusion),
        k(Command::Appeal),
        k(Command::ReviewExclusion),
        k(Command::MakeNotice),
        k(Command::Back)
    );
    if o.kind == OffenderKind::IdSought {
        hint.push_str(&format!(
            " · {} identified · {} merge",
            k(Command::Promote),
            k(Command::Merge)
        ));
    }
    f.render_widget(Paragraph::new(hint).style(theme.style("muted")), hints);
}
