//! Taking the register's names out of text an export writes: the messages
//! of the radio log as much as an incident's summary. One place, so every
//! export that offers `--redact` removes the same names the same way.

use crate::domain::retention::{NameRedactor, REMOVED};
use std::collections::HashSet;

/// Takes every name the register holds out of text: whole names and aliases
/// of two words or more wherever they appear, and one-word aliases and
/// nicknames as whole words.
pub(crate) struct Redactor {
    names: NameRedactor,
    words: HashSet<String>,
}

impl Redactor {
    pub(crate) fn new(names: &[String]) -> Redactor {
        let words = names
            .iter()
            .filter_map(|n| {
                let ws: Vec<&str> = n
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect();
                (ws.len() == 1 && ws[0].chars().count() >= 2).then(|| ws[0].to_lowercase())
            })
            .collect();
        Redactor {
            names: NameRedactor::new(names),
            words,
        }
    }

    pub(crate) fn text(&self, s: &str) -> String {
        let s = self.names.redact(s).unwrap_or_else(|| s.to_string());
        if self.words.is_empty() {
            return s;
        }
        let mut out = String::with_capacity(s.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            if !word.is_empty() {
                if self.words.contains(&word.to_lowercase()) {
                    out.push_str(REMOVED);
                } else {
                    out.push_str(word);
                }
                word.clear();
            }
        };
        for c in s.chars() {
            if c.is_alphanumeric() {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_one_word_aliases_are_taken_out_of_text() {
        let r = Redactor::new(&[
            "Darren Hollis".to_string(),
            "Daz".to_string(),
            "ID-sought 104".to_string(),
        ]);
        assert_eq!(
            r.text("darren hollis and Daz seen with ID-sought 104; Dazzle shop"),
            "[removed] and [removed] seen with [removed]; Dazzle shop"
        );
    }
}
