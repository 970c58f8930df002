//! What an edit replaced, drawn the same way wherever a history shows: a
//! field on one line (`priority  P3 medium → P2 high`) where it fits, else
//! the field with its old text after `was` and its new text after `now`,
//! each wrapped to the width given. Stored text goes through `clean`.

use crate::domain::history::{as_instant, Change, FieldChange};
use crate::ui::{clean, Theme};
use chrono_tz::Tz;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A history value as the screen shows it: nothing as `—`, an instant in
/// the control room's time, anything else cleaned.
pub fn value(v: &str, tz: Tz) -> String {
    match as_instant(v) {
        Some(t) => t.with_timezone(&tz).format("%d %b %Y %H:%M").to_string(),
        None if v.is_empty() => "—".into(),
        None => clean(v),
    }
}

/// Split `text` into lines of at most `width` columns, at spaces where it
/// can and inside a word longer than a line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = vec![];
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if line.width() + c.width().unwrap_or(0) > width {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// Each field changed, `indent` columns in, within `width` columns.
pub fn field_lines(
    fields: &[FieldChange],
    indent: usize,
    width: usize,
    tz: Tz,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let pad = " ".repeat(indent);
    let room = width.saturating_sub(indent).max(12);
    let mut out = vec![];
    for f in fields {
        let (field, old, new) = (clean(&f.field), value(&f.old, tz), value(&f.new, tz));
        let one = format!("{field}  {old} → {new}");
        if one.width() <= room {
            out.push(Line::from(vec![
                Span::raw(pad.clone()),
                Span::styled(format!("{field}  "), theme.style("muted")),
                Span::styled(old, theme.style("muted")),
                Span::styled(" → ", theme.style("muted")),
                Span::styled(new, theme.style("base")),
            ]));
            continue;
        }
        out.push(Line::from(vec![
            Span::raw(pad.clone()),
            Span::styled(field, theme.style("muted")),
        ]));
        for (tag, text, style) in [("was ", old, "muted"), ("now ", new, "base")] {
            for (k, part) in wrap(&text, room.saturating_sub(6)).into_iter().enumerate() {
                out.push(Line::from(vec![
                    Span::raw(pad.clone()),
                    Span::styled(
                        if k == 0 {
                            format!("  {tag}")
                        } else {
                            "      ".into()
                        },
                        theme.style(if tag == "was " { "muted" } else { "info" }),
                    ),
                    Span::styled(part, theme.style(style)),
                ]));
            }
        }
    }
    out
}

/// Who changed what when, then each field, for a history list.
pub fn change_lines(c: &Change, width: usize, tz: Tz, theme: &Theme) -> Vec<Line<'static>> {
    let mut head = vec![
        Span::styled(
            format!("{} ", c.at.with_timezone(&tz).format("%d %b %Y %H:%M")),
            theme.style("muted"),
        ),
        Span::styled(clean(&c.by), theme.style("info")),
    ];
    if !c.of.is_empty() {
        head.push(Span::styled(
            format!(" · {}", clean(&c.of)),
            theme.style("key"),
        ));
    }
    let mut out = vec![Line::from(head)];
    out.extend(field_lines(&c.fields, 2, width, tz, theme));
    out
}

/// One save's changes in a line (`status active → lapsed, left — → 2026-11-27`).
pub fn compact(c: &Change, tz: Tz) -> String {
    c.fields
        .iter()
        .map(|f| {
            format!(
                "{} {} → {}",
                clean(&f.field),
                value(&f.old, tz),
                value(&f.new, tz)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_at_spaces_and_inside_words_too_long_for_a_line() {
        assert_eq!(
            wrap("two men took razor blades", 10),
            ["two men", "took razor", "blades"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn values_are_shown_cleaned_with_nothing_as_a_dash() {
        assert_eq!(value("", chrono_tz::UTC), "—");
        assert_eq!(value("Bob\x1b[2J", chrono_tz::UTC), "Bob\u{FFFD}[2J");
    }
}
