//! Key names: a key press as a combination that can be compared and
//! printed, and the names `keymap.toml` writes keys with.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyCombo {
    pub code: KeyCodeKey,
    pub ctrl: bool,
    pub alt: bool,
}

/// A hashable, printable key code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeKey {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Insert,
}

impl KeyCombo {
    pub fn from_event(k: &KeyEvent) -> Option<KeyCombo> {
        let code = match k.code {
            KeyCode::Char(c) => KeyCodeKey::Char(c),
            KeyCode::F(n) => KeyCodeKey::F(n),
            KeyCode::Enter => KeyCodeKey::Enter,
            KeyCode::Esc => KeyCodeKey::Esc,
            KeyCode::Tab => KeyCodeKey::Tab,
            KeyCode::BackTab => KeyCodeKey::BackTab,
            KeyCode::Backspace => KeyCodeKey::Backspace,
            KeyCode::Delete => KeyCodeKey::Delete,
            KeyCode::Up => KeyCodeKey::Up,
            KeyCode::Down => KeyCodeKey::Down,
            KeyCode::Left => KeyCodeKey::Left,
            KeyCode::Right => KeyCodeKey::Right,
            KeyCode::Home => KeyCodeKey::Home,
            KeyCode::End => KeyCodeKey::End,
            KeyCode::PageUp => KeyCodeKey::PageUp,
            KeyCode::PageDown => KeyCodeKey::PageDown,
            KeyCode::Insert => KeyCodeKey::Insert,
            _ => return None,
        };
        // Shift is carried by the character itself ('G'), so it is not part of the combo.
        let code = match code {
            KeyCodeKey::Char(c) if k.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCodeKey::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Some(KeyCombo {
            code,
            ctrl: k.modifiers.contains(KeyModifiers::CONTROL),
            alt: k.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// Parse `q`, `G`, `ctrl-n`, `alt-x`, `enter`, `pagedown`, `f1`, `space`, `shift-tab`.
    pub fn parse(s: &str) -> Result<KeyCombo, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s.trim();
        if rest.is_empty() {
            return Err("an empty key".into());
        }
        loop {
            let lower = rest.to_lowercase();
            if rest.len() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+")) {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && (lower.starts_with("alt-") || lower.starts_with("alt+")) {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCodeKey::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_lowercase().as_str() {
                "enter" | "return" => KeyCodeKey::Enter,
                "esc" | "escape" => KeyCodeKey::Esc,
                "tab" => KeyCodeKey::Tab,
                "backtab" | "shift-tab" | "shift+tab" => KeyCodeKey::BackTab,
                "backspace" => KeyCodeKey::Backspace,
                "delete" | "del" => KeyCodeKey::Delete,
                "up" => KeyCodeKey::Up,
                "down" => KeyCodeKey::Down,
                "left" => KeyCodeKey::Left,
                "right" => KeyCodeKey::Right,
                "home" => KeyCodeKey::Home,
                "end" => KeyCodeKey::End,
                "pageup" | "pgup" => KeyCodeKey::PageUp,
                "pagedown" | "pgdn" => KeyCodeKey::PageDown,
                "insert" | "ins" => KeyCodeKey::Insert,
                "space" => KeyCodeKey::Char(' '),
                f if f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n)) =>
                {
                    KeyCodeKey::F(f[1..].parse().unwrap_or(1))
                }
                _ => {
                    return Err(format!(
                        "“{s}” is not a key (examples: q, G, ctrl-n, enter, pagedown, f1)"
                    ))
                }
            },
        };
        Ok(KeyCombo { code, ctrl, alt })
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCodeKey::Char(' ') => "space".to_string(),
            KeyCodeKey::Char(c) => c.to_string(),
            KeyCodeKey::F(n) => format!("F{n}"),
            KeyCodeKey::Enter => "Enter".into(),
            KeyCodeKey::Esc => "Esc".into(),
            KeyCodeKey::Tab => "Tab".into(),
            KeyCodeKey::BackTab => "Shift-Tab".into(),
            KeyCodeKey::Backspace => "Backspace".into(),
            KeyCodeKey::Delete => "Del".into(),
            KeyCodeKey::Up => "↑".into(),
            KeyCodeKey::Down => "↓".into(),
            KeyCodeKey::Left => "←".into(),
            KeyCodeKey::Right => "→".into(),
            KeyCodeKey::Home => "Home".into(),
            KeyCodeKey::End => "End".into(),
            KeyCodeKey::PageUp => "PgUp".into(),
            KeyCodeKey::PageDown => "PgDn".into(),
            KeyCodeKey::Insert => "Ins".into(),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("Ctrl-{base}"),
            (_, true) => format!("Alt-{base}"),
            _ => base,
        }
    }
}
