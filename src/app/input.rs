//! A one-line text editor shared by form fields, the filter and the command line.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub value: String,
    /// Cursor position in characters.
    pub cursor: usize,
}

pub const MAX_LEN: usize = 500;

impl LineInput {
    pub fn new(value: &str) -> Self {
        LineInput {
            value: value.to_string(),
            cursor: value.chars().count(),
        }
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_idx)
            .map(|(i, _)| i)
            .unwrap_or(self.value.len())
    }

    pub fn insert(&mut self, c: char) {
        // control characters never enter a field (a paste can carry them)
        if c.is_control() || self.value.chars().count() >= MAX_LEN {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
    }

    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars() {
            self.insert(if c == '\n' || c == '\t' { ' ' } else { c });
        }
    }

    /// Apply an editing key; true if it was one.
    pub fn edit(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                self.value.clear();
                self.cursor = 0;
            }
            KeyCode::Char('w') if ctrl => {
                let chars: Vec<char> = self.value.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1] == ' ' {
                    start -= 1;
                }
                while start > 0 && chars[start - 1] != ' ' {
                    start -= 1;
                }
                let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                self.value.replace_range(a..b, "");
                self.cursor = start;
            }
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.value.chars().count(),
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.insert(c)
            }
            KeyCode::Backspace => {
                if self.cursor > 0 {
                    let at = self.byte_at(self.cursor - 1);
                    self.value.remove(at);
                    self.cursor -= 1;
                }
            }
            KeyCode::Delete => {
                if self.cursor < self.value.chars().count() {
                    let at = self.byte_at(self.cursor);
                    self.value.remove(at);
                }
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.value.chars().count()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.value.chars().count(),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_and_editing_in_the_middle() {
        let mut l = LineInput::default();
        for c in "helo".chars() {
            l.edit(k(KeyCode::Char(c)));
        }
        l.edit(k(KeyCode::Left));
        l.edit(k(KeyCode::Char('l')));
        assert_eq!(l.value, "hello");
        l.edit(k(KeyCode::Home));
        l.edit(k(KeyCode::Delete));
        assert_eq!(l.value, "ello");
        l.edit(k(KeyCode::End));
        l.edit(k(KeyCode::Backspace));
        assert_eq!((l.value.as_str(), l.cursor), ("ell", 3));
    }

    #[test]
    fn words_and_lines_are_deleted_with_ctrl() {
        let mut l = LineInput::new("red jacket  ");
        l.edit(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(l.value, "red ");
        l.edit(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(l.value, "");
    }

    #[test]
    fn control_characters_never_enter_and_unicode_is_whole() {
        let mut l = LineInput::default();
        l.insert_str("Zoë\x1b[31m\nx");
        assert_eq!(l.value, "Zoë[31m x");
        l.edit(k(KeyCode::Home));
        l.edit(k(KeyCode::Right));
        l.edit(k(KeyCode::Right));
        l.edit(k(KeyCode::Delete));
        assert!(l.value.starts_with("Zo["));
    }
}
