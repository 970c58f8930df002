//! Text from outside (the store, a file, a typed field) is hostile until cleaned.

use std::borrow::Cow;

/// What a removed control character is shown as: visible, one cell wide, harmless.
pub const REPLACEMENT: char = '\u{FFFD}';

fn is_unsafe(c: char) -> bool {
    c.is_control()
        // bidirectional overrides and isolates can reorder what an operator reads
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Make text safe to put on a terminal: every control character (ESC, CSI, BEL,
/// newline, DEL, C1 …) and bidi override becomes one visible replacement mark,
/// so an escape sequence in a name shows as text and never acts.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_unsafe(c) { REPLACEMENT } else { c })
            .collect(),
    )
}

/// Clean typed or imported input before it is stored: trim, fold runs of
/// whitespace and control characters into single spaces.
pub fn tidy_input(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        if c.is_whitespace() || is_unsafe(c) {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_made_visible_and_inert() {
        let hostile = "Bob\x1b[2J\x1b]0;pwned\x07 Smith\u{9b}31m";
        let shown = clean(hostile);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(shown.contains("Bob"));
        assert!(shown.contains("Smith"));
        assert_eq!(shown.matches(REPLACEMENT).count(), 4);
    }

    #[test]
    fn clean_text_is_not_copied() {
        assert!(matches!(clean("High Street"), Cow::Borrowed(_)));
    }

    #[test]
    fn bidi_overrides_are_removed() {
        assert_eq!(clean("abc\u{202E}def"), "abc\u{FFFD}def");
    }

    #[test]
    fn input_is_tidied_before_storing() {
        assert_eq!(tidy_input("  two \t words\x1b[0m \n"), "two words [0m");
        assert_eq!(tidy_input("\x07"), "");
    }
}
