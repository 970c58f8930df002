//! Typed text fitted to the columns it has: past its width it scrolls
//! sideways with the cursor, a `…` at either end standing for what is
//! hidden there, so the cursor is always on screen and nothing reads as
//! the whole text when it is not.

use crate::app::input::LineInput;
use crate::ui::clean;
use unicode_width::UnicodeWidthChar;

/// What hides text cut off at an end.
pub const MORE: char = '…';

/// The part of `line` to show in `width` columns, cleaned, and the
/// cursor's column within it.
pub fn fit(line: &LineInput, width: usize) -> (String, usize) {
    let chars: Vec<char> = line.value.chars().collect();
    let cursor = line.cursor.min(chars.len());
    let before: Vec<char> = clean(&chars[..cursor].iter().collect::<String>())
        .chars()
        .collect();
    let after: Vec<char> = clean(&chars[cursor..].iter().collect::<String>())
        .chars()
        .collect();
    let w = |c: &char| c.width().unwrap_or(0);
    let total: usize = before.iter().chain(&after).map(w).sum();
    let at: usize = before.iter().map(w).sum();
    // the cursor needs a cell of its own after the text
    if total < width || (total == width && !after.is_empty()) {
        return (before.iter().chain(&after).collect(), at);
    }
    let width = width.max(3);
    let mut shown = String::new();
    let mut used = 0;
    let start = if at < width.saturating_sub(1) {
        0
    } else {
        // the end of what comes before the cursor, after a mark
        shown.push(MORE);
        used = 1;
        let room = width - 2;
        let mut from = before.len();
        let mut taken = 0;
        while from > 0 && taken + w(&before[from - 1]) <= room {
            from -= 1;
            taken += w(&before[from]);
        }
        from
    };
    for c in &before[start..] {
        shown.push(*c);
        used += w(c);
    }
    let x = used;
    // what follows the cursor, as far as it fits, marked if cut
    let rest: usize = after.iter().map(w).sum();
    if used + rest <= width {
        shown.extend(after.iter());
    } else {
        for c in &after {
            if used + w(c) + 1 > width {
                break;
            }
            shown.push(*c);
            used += w(c);
        }
        shown.push(MORE);
    }
    (shown, x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    fn at(value: &str, cursor: usize) -> LineInput {
        LineInput {
            value: value.into(),
            cursor,
            refused: 0,
        }
    }

    #[test]
    fn short_text_is_shown_whole_with_the_cursor_where_it_is() {
        assert_eq!(fit(&at("red coat", 8), 20), ("red coat".into(), 8));
        assert_eq!(fit(&at("red coat", 3), 20), ("red coat".into(), 3));
    }

    #[test]
    fn typing_past_the_width_hides_the_start_behind_a_mark() {
        let text = "a tall man in a grey hoodie and black trainers";
        let (shown, x) = fit(&at(text, text.chars().count()), 20);
        assert_eq!(shown.width(), 19, "{shown}");
        assert!(
            shown.starts_with(MORE) && shown.ends_with("trainers"),
            "{shown}"
        );
        assert_eq!(x, 19, "the cursor just after the text, still inside");
    }

    #[test]
    fn the_cursor_moved_home_shows_the_start_and_marks_the_end() {
        let text = "a tall man in a grey hoodie and black trainers";
        let (shown, x) = fit(&at(text, 0), 20);
        assert_eq!(x, 0);
        assert!(
            shown.starts_with("a tall") && shown.ends_with(MORE),
            "{shown}"
        );
        assert!(shown.width() <= 20);
        // in the middle: both ends hidden, the cursor inside
        let (shown, x) = fit(&at(text, 30), 20);
        assert!(shown.starts_with(MORE) && shown.ends_with(MORE), "{shown}");
        assert!(x < 20 && shown.width() <= 20, "{shown} {x}");
        assert!(shown.contains("hoodie"), "{shown}");
    }

    #[test]
    fn wide_characters_and_escapes_never_push_the_cursor_out() {
        let text = "東京駅の前で見かけた男性\u{1b}[31m赤いコート";
        for cursor in 0..=text.chars().count() {
            let (shown, x) = fit(&at(text, cursor), 12);
            assert!(!shown.contains('\u{1b}'));
            assert!(shown.width() <= 12 && x < 12, "{cursor}: {shown} {x}");
        }
    }
}
