//! Drawing only: each pane reads the app's state and draws it. Nothing here
//! touches the store; every piece of stored text goes through `clean` first.

pub mod panes;
pub mod theme;
pub mod widgets;

use crate::app::keymap::Command;
use crate::app::quit::QuitQuestion;
use crate::app::{App, InputKind, Level, Modal, Pane, MIN_HEIGHT, MIN_WIDTH};
use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;
pub use theme::{Theme, Themes};

/// Stored or typed text made safe for the terminal.
pub fn clean(s: &str) -> String {
    crate::domain::text::clean(s).into_owned()
}

/// Text from the store, cleaned, with the words typed (their tokens, see
/// `domain::words::wanted`) marked where they start a word of it, as the
/// full-text index matched them: bold and underlined over the cell's own
/// style, so the mark reads in every theme and without colour.
pub fn marked(text: &str, words: &[String], base: Style) -> Line<'static> {
    let text = clean(text);
    let marks = crate::domain::words::marks(&text, words);
    if marks.is_empty() {
        return Line::from(Span::styled(text, base));
    }
    let mark = base.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let mut spans = vec![];
    let mut at = 0;
    for m in marks {
        if m.start > at {
            spans.push(Span::styled(text[at..m.start].to_string(), base));
        }
        spans.push(Span::styled(text[m.clone()].to_string(), mark));
        at = m.end;
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_string(), base));
    }
    Line::from(spans)
}

/// A UTC instant on the scheme's clock (its configured time zone, never
/// the host's): every time the console shows goes through here.
/// What the store worker is doing for this pane, said as it goes on: after
/// a second, how long it has been at it (the work is one long read, so its
/// time is the progress there is to show).
pub fn busy(app: &App, what: &str, purpose: crate::app::work::Purpose) -> String {
    match app.work.busy(purpose) {
        Some(since) if app.now() - since >= chrono::Duration::seconds(1) => {
            format!("{what}… {} s", (app.now() - since).num_seconds())
        }
        _ => format!("{what}…"),
    }
}

pub fn local(app: &App, t: DateTime<Utc>) -> DateTime<chrono_tz::Tz> {
    t.with_timezone(&app.tz)
}

/// Draw one frame of the console, without photos (tests, benchmarks).
pub fn draw(f: &mut Frame, app: &App, themes: &Themes) {
    draw_with(f, app, themes, None)
}

/// Draw one frame, with photos in profiles where `photos` is given.
pub fn draw_with(
    f: &mut Frame,
    app: &App,
    themes: &Themes,
    mut photos: Option<&mut widgets::photo::Photos>,
) {
    let area = f.area();
    let theme = themes
        .get(&app.theme)
        .or_else(|| themes.get("default"))
        .expect("the default theme is built in");
    f.render_widget(Clear, area);
    f.render_widget(
        ratatui::widgets::Block::default().style(theme.style("base")),
        area,
    );
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "enlarge the window: watchroom needs {MIN_WIDTH}×{MIN_HEIGHT}, this is {}×{}",
            area.width, area.height
        );
        f.render_widget(
            Paragraph::new(msg).style(theme.style("alert_warn")),
            Rect {
                height: area.height.min(1),
                ..area
            },
        );
        return;
    }
    // locked or not signed in: the sign-in form and nothing else
    if let Some(lock) = &app.lock {
        widgets::signin::draw(f, area, app, lock, theme);
        return;
    }
    let [tabs, main, message, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);

    widgets::tabs::draw(f, tabs, app, theme);
    match app.pane {
        Pane::Overview => panes::overview::draw(f, main, app, theme),
        Pane::Incidents => match &app.detail {
            Some(d) => panes::detail::draw(f, main, app, d, theme),
            None => panes::board::draw(f, main, app, theme),
        },
        Pane::Hits => panes::hits::draw(f, main, app, theme),
        Pane::Offenders => match &app.profile {
            Some(p) => panes::profile::draw(f, main, app, p, theme, photos.as_deref_mut()),
            None => panes::register::draw(f, main, app, theme, photos.as_deref_mut()),
        },
        Pane::Activity => panes::activity::draw(f, main, app, theme),
        Pane::Radio => panes::radio::draw(f, main, app, theme),
        Pane::Log => panes::log::draw(f, main, app, theme),
        Pane::Reports => panes::reports::draw(f, main, app, theme),
        Pane::Members => panes::members::draw(f, main, app, theme),
        Pane::Setup => panes::setup::draw(f, main, app, theme),
        Pane::Evidence => panes::evidence::draw(f, main, app, theme),
        Pane::Sightings => panes::sightings::draw(f, main, app, theme),
    }
    draw_message_line(f, message, app, theme);
    widgets::status_bar::draw(f, status, app, theme);
    let above = widgets::store_gone::draw(f, main, app, theme);
    widgets::toast::draw(f, above, app, theme);
    match &app.modal {
        Some(Modal::Help { scroll }) => widgets::help::draw(f, area, app, *scroll, theme),
        Some(Modal::Form(_, form)) => {
            widgets::form::draw(f, area, app, form, theme);
            // the highlighted person's photo, to tell two of one name apart
            let picked = form
                .fields
                .get(form.focus)
                .and_then(|x| x.highlighted_offender());
            if let (Some(photos), Some(p)) = (photos, picked) {
                if !p.photo.is_empty() {
                    photo_beside(f, main, photos, p, theme);
                }
            }
        }
        Some(Modal::Handover(view)) => widgets::handover::draw(f, area, view, theme),
        Some(Modal::Find(view)) => widgets::find::draw(f, area, app, view, theme),
        Some(Modal::Confirm(c)) => widgets::form::confirm(f, area, &clean(&c.question), theme),
        None => {}
    }
    match app.quitting {
        Some(QuitQuestion::UnsavedForm) => widgets::form::confirm(
            f,
            area,
            &format!(
                "Quit and lose the unsaved form?  {} = quit · any other key = stay",
                app.keymap.key_for(Command::Discard)
            ),
            theme,
        ),
        Some(QuitQuestion::OpenShift) => widgets::quit::draw(f, area, app, theme),
        None => {}
    }
}

/// A small photo at the top right of the pane, named by record number.
fn photo_beside(
    f: &mut Frame,
    main: Rect,
    photos: &mut widgets::photo::Photos,
    who: &crate::app::form::OffenderChoice,
    theme: &Theme,
) {
    let (w, h) = (24u16, 13u16);
    if main.width < w + 2 || main.height < h {
        return;
    }
    let r = Rect {
        x: main.right() - w - 1,
        y: main.y,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(theme.style("border"))
        .title(Span::styled(format!(" #{} ", who.id), theme.style("title")));
    let inner = block.inner(r);
    f.render_widget(block, r);
    photos.draw(f, inner, std::path::Path::new(&who.photo));
}

fn draw_message_line(f: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if let Some(input) = &app.input {
        let prompt = match input.kind {
            InputKind::Filter => "/",
            InputKind::Command => ":",
            InputKind::Search => "search: ",
            InputKind::AuditFilter => "audit (who: did: offender: since: until:): ",
            InputKind::SightingFilter => {
                "sightings (person: unidentified camera: zone: today yesterday YYYY-MM-DD, words): "
            }
            InputKind::Radio(purpose) => purpose.prompt(),
            InputKind::Why { .. } => "why open this record? ",
            InputKind::LogEntry { amends: None } => "log: ",
            InputKind::LogEntry { amends: Some(_) } => "amend: ",
        };
        let submit = app.keymap.key_for(Command::LineSubmit);
        let cancel = app.keymap.key_for(Command::LineCancel);
        // the line scrolls with the cursor once it is wider than the room after the prompt
        let note = input.line.limit_note();
        let room = (area.width as usize)
            .saturating_sub(unicode_width::UnicodeWidthStr::width(prompt))
            // a full line keeps room to say so
            .saturating_sub(note.as_ref().map_or(0, |n| n.chars().count() + 2))
            .max(10);
        let (fitted, cursor_x) = widgets::line::fit(&input.line, room);
        let mut spans = vec![
            Span::styled(prompt, theme.style("key")),
            Span::styled(fitted, theme.style("input")),
        ];
        if let Some(note) = note {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(note, theme.style("alert_warn")));
        } else if let Some(e) = &input.error {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(clean(e), theme.style("alert_warn")));
        } else if input.kind == InputKind::Radio(crate::app::radio::RadioInput::LogFilter) {
            // the log follows what is typed: say how much of it is kept
            let n = app.radio.log.total;
            spans.push(Span::styled(
                format!("   {n} line{}", if n == 1 { "" } else { "s" }),
                theme.style("muted"),
            ));
        } else if let InputKind::Radio(_) = input.kind {
            // the call signs that fit what is typed: Tab completes
            let word = input.line.value.split_whitespace().next().unwrap_or("");
            if !word.is_empty() && !input.line.value.contains(' ') {
                let m = app.call_signs_matching(word);
                let shown: Vec<String> = m.iter().take(8).map(|c| clean(c)).collect();
                let text = if m.is_empty() {
                    "   no such call sign".to_string()
                } else {
                    format!(
                        "   {}{}",
                        shown.join(" "),
                        if m.len() > 8 { " …" } else { "" }
                    )
                };
                spans.push(Span::styled(
                    text,
                    theme.style(if m.is_empty() { "alert_warn" } else { "muted" }),
                ));
            }
        } else if let InputKind::Why { .. } = input.kind {
            spans.push(Span::styled(
                format!(
                    "   the reason is kept in the audit trail · {submit} open · {cancel} cancel"
                ),
                theme.style("muted"),
            ));
        } else if input.kind == InputKind::Filter {
            spans.push(Span::styled(
                format!("   {submit} keep · {cancel} undo · zone: type: status: p:"),
                theme.style("muted"),
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        let x = area.x + unicode_width::UnicodeWidthStr::width(prompt) as u16 + cursor_x as u16;
        f.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    if let Some(m) = &app.message {
        let style = match m.level {
            Level::Info => theme.style("info"),
            Level::Warn => theme.style("alert_warn"),
            Level::Error => theme.style("alert_critical"),
        };
        f.render_widget(Paragraph::new(clean(&m.text)).style(style), area);
    }
}

/// A rectangle of the given size centred in `area`, clipped to it.
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
