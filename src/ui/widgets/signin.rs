//! The sign-in and lock screen: it shows no one's details, only the form.

use crate::app::keymap::Command;
use crate::app::signin::{LockMode, LockScreen};
use crate::app::App;
use crate::ui::{centred, clean, local, Theme};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(f: &mut Frame, area: Rect, app: &App, lock: &LockScreen, theme: &Theme) {
    f.render_widget(Clear, area);
    f.render_widget(Block::default().style(theme.style("base")), area);
    let (title, intro) = match lock.mode {
        LockMode::SignIn => (" watchroom — sign in ", "Name and PIN."),
        LockMode::Unlock => (
            " watchroom — locked ",
            "Locked. Enter your PIN to carry on, or sign in as someone else.",
        ),
        LockMode::FirstManager => (
            " watchroom — a new store ",
            "No one runs this store yet: create its first manager.",
        ),
    };
    let field = |label: &str, value: String, i: usize| {
        let focused = lock.focus == i;
        Line::from(vec![
            Span::styled(
                format!("{}{label:>10} ", if focused { "▶" } else { " " }),
                if focused {
                    theme.style("key")
                } else {
                    theme.style("muted")
                },
            ),
            Span::styled(
                format!("{value:<24}"),
                if focused {
                    theme.style("input")
                } else {
                    theme.style("base")
                },
            ),
        ])
    };
    let dots = |s: &str| "•".repeat(s.chars().count());
    let mut lines = vec![];
    // counts and call signs only: who and where wait for the PIN
    if lock.mode != LockMode::FirstManager {
        if let Some(b) = app.banner.text() {
            lines.push(Line::from(Span::styled(
                format!("⚠ {}", clean(&b)),
                theme.style("alert_critical"),
            )));
            lines.push(Line::default());
        }
    }
    let top = lines.len() as u16;
    lines.extend([
        Line::from(intro),
        Line::default(),
        field("Name", clean(&lock.name.value), 0),
        field("PIN", dots(&lock.pin.value), 1),
    ]);
    if lock.mode == LockMode::FirstManager {
        lines.push(field("PIN again", dots(&lock.pin_again.value), 2));
    }
    lines.push(Line::default());
    if lock.checking {
        lines.push(Line::from(Span::styled(
            "checking the PIN…",
            theme.style("muted"),
        )));
    } else if let Some(e) = &lock.error {
        lines.push(Line::from(Span::styled(
            format!("✗ {}", clean(e)),
            theme.style("alert_critical"),
        )));
    } else if let Some(n) = &lock.notice {
        lines.push(Line::from(Span::styled(
            format!("✓ {}", clean(n)),
            theme.style("muted"),
        )));
    }
    // Ctrl-C is not a binding: it always quits
    lines.push(Line::from(Span::styled(
        format!(
            "{} next field · {} signs in · Ctrl-C quits",
            app.keymap.key_for(Command::NextLockField),
            app.keymap.key_for(Command::SignIn)
        ),
        theme.style("muted"),
    )));
    lines.push(Line::from(Span::styled(
        local(app, app.now()).format("%a %d %b %H:%M").to_string(),
        theme.style("muted"),
    )));
    let r = centred(area, 64, lines.len() as u16 + 2);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.style("focus_border"))
                .title(Span::styled(title, theme.style("title"))),
        ),
        r,
    );
    // the cursor sits at the end of the focused field
    let value_len = match lock.focus {
        0 => clean(&lock.name.value).chars().count(),
        1 => lock.pin.value.chars().count(),
        _ => lock.pin_again.value.chars().count(),
    };
    let (x, y) = (
        r.x + 1 + 12 + value_len as u16,
        r.y + 1 + top + 2 + lock.focus as u16,
    );
    if x < r.right() && y < r.bottom() {
        f.set_cursor_position((x, y));
    }
}
