//! A one-line text editor shared by form fields, the line at the foot (the
//! filter, the command line…) and the lock screen. Clearing, deleting a word and Ctrl-A/Ctrl-E
//! are the keymap's `editing` layer; the editor's own keys (characters,
//! Backspace, Del, ←/→, Home/End) are not bindings: they are what typing is,
//! and ←/→ also cycle a form's choices, so binding them here would clash.

use super::keymap::{Command, Context, Keymap};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub value: String,
    /// Cursor position in characters.
    pub cursor: usize,
    /// Characters the last key or paste brought that the limit kept out,
    /// so the field can say so rather than drop them silently.
    pub refused: usize,
}

pub const MAX_LEN: usize = 500;

impl LineInput {
    pub fn new(value: &str) -> Self {
        LineInput {
            value: value.to_string(),
            cursor: value.chars().count(),
            refused: 0,
        }
    }

    /// Full: nothing more can be typed until something is deleted.
    pub fn at_limit(&self) -> bool {
        self.value.chars().count() >= MAX_LEN
    }

    /// What a full field says (and what it kept out, if anything was).
    pub fn limit_note(&self) -> Option<String> {
        if !self.at_limit() {
            return None;
        }
        Some(match self.refused {
            0 => format!("at the {MAX_LEN}-character limit"),
            1 => format!("at the {MAX_LEN}-character limit: 1 character not taken"),
            n => format!("at the {MAX_LEN}-character limit: {n} characters not taken"),
        })
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
        if c.is_control() {
            return;
        }
        if self.at_limit() {
            self.refused += 1;
            return;
        }
        let at = self.byte_at(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
    }

    pub fn insert_str(&mut self, s: &str) {
        self.refused = 0;
        for c in s.chars() {
            self.insert(if c == '\n' || c == '\t' { ' ' } else { c });
        }
    }

    /// Apply an editing key, as the keymap's `editing` layer binds them;
    /// true if it was one.
    pub fn edit(&mut self, key: KeyEvent, keys: &Keymap) -> bool {
        self.refused = 0;
        match keys.lookup(&key, &[Context::Editing]) {
            Some(Command::ClearLine) => {
                self.value.clear();
                self.cursor = 0;
            }
            Some(Command::DeleteWord) => {
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
            Some(Command::LineStart) => self.cursor = 0,
            Some(Command::LineEnd) => self.cursor = self.value.chars().count(),
            _ => return self.type_key(key),
        }
        true
    }

    /// The editor's own keys: a character typed, Backspace, Del, ←/→, Home/End.
    fn type_key(&mut self, key: KeyEvent) -> bool {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if plain => self.insert(c),
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
        let keys = Keymap::default();
        let mut l = LineInput::default();
        for c in "helo".chars() {
            l.edit(k(KeyCode::Char(c)), &keys);
        }
        l.edit(k(KeyCode::Left), &keys);
        l.edit(k(KeyCode::Char('l')), &keys);
        assert_eq!(l.value, "hello");
        l.edit(k(KeyCode::Home), &keys);
        l.edit(k(KeyCode::Delete), &keys);
        assert_eq!(l.value, "ello");
        l.edit(k(KeyCode::End), &keys);
        l.edit(k(KeyCode::Backspace), &keys);
        assert_eq!((l.value.as_str(), l.cursor), ("ell", 3));
    }

    #[test]
    fn words_and_lines_are_deleted_with_ctrl() {
        let keys = Keymap::default();
        let mut l = LineInput::new("red jacket  ");
        l.edit(
            KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL),
            &keys,
        );
        assert_eq!(l.value, "red ");
        l.edit(
            KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
            &keys,
        );
        assert_eq!(l.value, "");
    }

    #[test]
    fn the_editing_keys_follow_a_rebinding() {
        let overrides = [("clear_line".to_string(), vec!["ctrl-k".to_string()])];
        let (keys, warnings) = Keymap::new(&overrides.into_iter().collect());
        assert!(warnings.is_empty(), "{warnings:?}");
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        let mut l = LineInput::new("red jacket");
        assert!(!l.edit(ctrl('u'), &keys), "Ctrl-U is no longer bound");
        assert_eq!(l.value, "red jacket");
        assert!(l.edit(ctrl('k'), &keys));
        assert_eq!(l.value, "");
    }

    #[test]
    fn a_full_line_says_so_and_counts_what_it_kept_out() {
        let keys = Keymap::default();
        let mut l = LineInput::new(&"x".repeat(MAX_LEN - 2));
        assert_eq!(l.limit_note(), None);
        l.insert_str("abcde");
        assert_eq!(l.value.chars().count(), MAX_LEN);
        assert_eq!(
            l.limit_note().as_deref(),
            Some("at the 500-character limit: 3 characters not taken")
        );
        l.edit(k(KeyCode::Char('z')), &keys);
        assert_eq!(
            l.limit_note().as_deref(),
            Some("at the 500-character limit: 1 character not taken")
        );
        l.edit(k(KeyCode::Left), &keys);
        assert_eq!(
            l.limit_note().as_deref(),
            Some("at the 500-character limit")
        );
        l.edit(k(KeyCode::Backspace), &keys);
        assert_eq!(l.limit_note(), None, "room again");
    }

    #[test]
    fn control_characters_never_enter_and_unicode_is_whole() {
        let keys = Keymap::default();
        let mut l = LineInput::default();
        l.insert_str("Zoë\x1b[31m\nx");
        assert_eq!(l.value, "Zoë[31m x");
        l.edit(k(KeyCode::Home), &keys);
        l.edit(k(KeyCode::Right), &keys);
        l.edit(k(KeyCode::Right), &keys);
        l.edit(k(KeyCode::Delete), &keys);
        assert!(l.value.starts_with("Zo["));
    }
}
