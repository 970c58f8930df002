//! Forms drawn as a centred box: one line a field, the focused one marked,
//! suggestions under a place field, the reason for a refusal at the foot.

use crate::app::clash::FieldClash;
use crate::app::form::{FieldKind, Form};
use crate::app::keymap::Command;
use crate::app::App;
use crate::ui::{centred, clean, Theme};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

const LABEL: usize = 15;

/// The keys a field's hint may name (“1-4 or ←/→”, “Enter picks”, “↑/↓ to
/// pick”, “Esc keeps it”).
const FIELD_KEYS: &[Command] = &[
    Command::ChoicePrev,
    Command::ChoiceNext,
    Command::PickPrev,
    Command::PickNext,
    Command::NextOrSave,
    Command::CancelForm,
];

pub fn draw(f: &mut Frame, area: Rect, app: &App, form: &Form, theme: &Theme) {
    let width = 84.min(area.width.saturating_sub(2));
    let inner_w = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = vec![];
    let mut cursor: Option<(u16, u16)> = None;
    if let Some(gone) = &app.store_gone {
        let text = format!(
            "The store has gone ({}): this cannot be saved, and what you type stays here.",
            gone.short()
        );
        for chunk in textwrap(&clean(&text), inner_w.saturating_sub(1)) {
            lines.push(Line::from(Span::styled(
                chunk,
                theme.style("alert_critical"),
            )));
        }
        lines.push(Line::default());
    }
    if let Some(b) = &form.banner {
        for chunk in textwrap(&clean(b), inner_w.saturating_sub(1)) {
            lines.push(Line::from(Span::styled(chunk, theme.style("alert_warn"))));
        }
        lines.push(Line::default());
    }
    // a clash over the whole record (a hit's decision) has no field to sit under
    for c in form.clashes.iter().filter(|c| c.is_over_record()) {
        let text = format!("{}: {}", c.label, both(c));
        for chunk in textwrap(&text, inner_w.saturating_sub(1)) {
            lines.push(Line::from(Span::styled(chunk, theme.style("alert_warn"))));
        }
        lines.push(Line::default());
    }
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "▶" } else { " " };
        let label = Span::styled(
            format!("{marker}{:>w$} ", field.label, w = LABEL - 1),
            if focused {
                theme.style("key")
            } else {
                theme.style("muted")
            },
        );
        let value = clean(field.value());
        let value_w = inner_w.saturating_sub(LABEL + 12).min(60);
        // past its width a field scrolls with the cursor (see `line`)
        let (fitted, cursor_x) = super::line::fit(&field.input, value_w);
        let value_span = match &field.kind {
            FieldKind::Choice { .. } => Span::styled(
                format!("◀ {value} ▶"),
                if focused {
                    theme.style("input")
                } else {
                    theme.style("base")
                },
            ),
            _ => Span::styled(
                format!("{fitted:<value_w$}"),
                if focused {
                    theme.style("input")
                } else {
                    theme.style("base")
                },
            ),
        };
        let mut spans = vec![label, value_span];
        if let FieldKind::Place {
            resolved: Some(p),
            suggestions,
            ..
        } = &field.kind
        {
            if suggestions.is_empty() {
                let what = if p.member_id.is_some() {
                    " ✓ member"
                } else if p.zone_id.is_some() {
                    " ✓ zone"
                } else {
                    ""
                };
                spans.push(Span::styled(what, theme.style("ok")));
            }
        }
        if let FieldKind::Offender {
            resolved: Some(_),
            suggestions,
            ..
        } = &field.kind
        {
            if suggestions.is_empty() {
                spans.push(Span::styled(" ✓ on the register", theme.style("ok")));
            }
        }
        if focused {
            if let FieldKind::Text | FieldKind::Place { .. } | FieldKind::Offender { .. } =
                field.kind
            {
                cursor = Some(((LABEL + 1 + cursor_x) as u16, lines.len() as u16));
            }
        }
        lines.push(Line::from(spans));
        if let Some(c) = form.clashes.iter().find(|c| c.key == Some(field.key)) {
            for chunk in textwrap(&both(c), inner_w.saturating_sub(LABEL + 2)) {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(LABEL + 1)),
                    Span::styled(chunk, theme.style("alert_warn")),
                ]));
            }
        }
        if focused {
            if let FieldKind::Place {
                suggestions, pick, ..
            } = &field.kind
            {
                for (j, s) in suggestions.iter().enumerate() {
                    let style = if j == *pick {
                        theme.style("selection")
                    } else {
                        theme.style("base")
                    };
                    lines.push(Line::from(vec![
                        Span::raw(" ".repeat(LABEL + 1)),
                        Span::styled(clean(&s.label()), style),
                    ]));
                }
                if !suggestions.is_empty() {
                    let style = if *pick == suggestions.len() {
                        theme.style("selection")
                    } else {
                        theme.style("muted")
                    };
                    lines.push(Line::from(vec![
                        Span::raw(" ".repeat(LABEL + 1)),
                        Span::styled(format!("“{value}” as typed"), style),
                    ]));
                }
            }
            if let FieldKind::Offender {
                suggestions, pick, ..
            } = &field.kind
            {
                for (j, s) in suggestions.iter().enumerate() {
                    let style = if j == *pick {
                        theme.style("selection")
                    } else {
                        theme.style("base")
                    };
                    lines.push(Line::from(vec![
                        Span::raw(" ".repeat(LABEL + 1)),
                        Span::styled(clean(&s.label), style),
                    ]));
                }
                if suggestions.is_empty()
                    && !field.input.value.trim().is_empty()
                    && field.offender_value().is_none()
                {
                    lines.push(Line::from(vec![
                        Span::raw(" ".repeat(LABEL + 1)),
                        Span::styled("nobody on the register matches", theme.style("alert_warn")),
                    ]));
                }
            }
            // a full field says so, rather than drop what is typed after it unseen
            if let Some(note) = field.input.limit_note() {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(LABEL + 1)),
                    Span::styled(note, theme.style("alert_warn")),
                ]));
            }
            if !field.hint.is_empty() {
                // written with the default keys; a rebinding shows in it
                let hint = app.keymap.follow(field.hint, FIELD_KEYS).into_owned();
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(LABEL + 1)),
                    Span::styled(hint, theme.style("muted")),
                ]));
            }
        }
    }
    lines.push(Line::default());
    if let Some(e) = &form.error {
        for chunk in textwrap(&format!("✗ {}", clean(e)), inner_w.saturating_sub(1)) {
            lines.push(Line::from(Span::styled(
                chunk,
                theme.style("alert_critical"),
            )));
        }
    }
    let footer = if let (true, Some(c)) = (form.asking, form.clashes.first()) {
        let k = |c| app.keymap.key_for(c);
        let question = format!(
            "{}: keep {}'s “{}” ({}) or yours “{}” ({})? {} goes back to the form",
            c.label,
            clean(&c.by),
            clean(&c.theirs),
            k(Command::KeepTheirs),
            clean(&c.mine),
            k(Command::KeepMine),
            k(Command::DecideLater)
        );
        let mut chunks = textwrap(&question, inner_w.saturating_sub(1));
        let last = chunks.pop().unwrap_or_default();
        for chunk in chunks {
            lines.push(Line::from(Span::styled(chunk, theme.style("alert_warn"))));
        }
        Span::styled(last, theme.style("alert_warn"))
    } else if form.confirm_discard {
        Span::styled(
            format!(
                "Discard what you typed?  {} = discard · any other key = keep editing",
                app.keymap.key_for(Command::Discard)
            ),
            theme.style("alert_warn"),
        )
    } else {
        let k = |c| app.keymap.key_for(c);
        let keys = [
            format!("{} next", k(Command::NextField)),
            format!("{} back", k(Command::PrevField)),
            format!(
                "{} on the last field or {} saves",
                k(Command::NextOrSave),
                k(Command::Submit)
            ),
            format!("{} cancels", k(Command::CancelForm)),
        ];
        // rebound keys may have longer names: wrapped between keys, never cut off
        let mut chunks: Vec<String> = vec![];
        for part in keys {
            match chunks.last_mut() {
                Some(l) if l.width() + 3 + part.width() <= inner_w => {
                    l.push_str(" · ");
                    l.push_str(&part);
                }
                _ => chunks.push(part),
            }
        }
        let last = chunks.pop().unwrap_or_default();
        for chunk in chunks {
            lines.push(Line::from(Span::styled(chunk, theme.style("muted"))));
        }
        Span::styled(last, theme.style("muted"))
    };
    lines.push(Line::from(footer));

    let height = (lines.len() as u16 + 2).min(area.height);
    let r = centred(area, width, height);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).style(theme.style("base")).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("focus_border"))
                .title(Span::styled(
                    format!(" {} ", clean(&form.title)),
                    theme.style("title"),
                )),
        ),
        r,
    );
    if let Some((x, y)) = cursor {
        let (cx, cy) = (r.x + 1 + x, r.y + 1 + y);
        if cx < r.right().saturating_sub(1) && cy < r.bottom().saturating_sub(1) {
            f.set_cursor_position((cx, cy));
        }
    }
}

/// Both sides of a clash, cleaned: the colleague's value and this operator's.
fn both(c: &FieldClash) -> String {
    format!(
        "{}: “{}” · you: “{}”",
        clean(&c.by),
        clean(&c.theirs),
        clean(&c.mine)
    )
}

/// A question in a box, wrapped to fit the screen.
pub fn confirm(f: &mut Frame, area: Rect, question: &str, theme: &Theme) {
    let width = (question.width() as u16 + 4).min(area.width);
    // a question wider than the screen wraps rather than losing its keys
    let lines: Vec<Line> = textwrap(question, width.saturating_sub(4) as usize)
        .into_iter()
        .map(Line::from)
        .collect();
    let r = centred(area, width, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .style(theme.style("alert_warn"))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.style("focus_border")),
            ),
        r,
    );
}

/// Split text into lines of at most `width` columns, at spaces where possible.
pub(crate) fn textwrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut out = vec![];
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}
