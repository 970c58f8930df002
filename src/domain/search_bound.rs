//! What a field's letters say about how well a query word could match it,
//! without running the matcher: the register search's pruning bound.
//!
//! Knowing only which letters a field has, the best a word could score
//! there is a perfect match, and with a poor query (letters typed that make
//! no good match anywhere) every field with the letters looks as promising
//! as every other, so the scan cannot stop early and runs the matcher over
//! nearly everyone. Two more sets of letters tell fields apart:
//!
//! - the letters at a *start*, where the matcher gives a bonus (the start of
//!   the text or a word, a capital after a small letter, a digit after a
//!   letter): the first letter typed scores 36 there and 16 anywhere else;
//! - the *pairs* of letters side by side: a letter typed right after the
//!   one before it in the field scores up to 26; one that is not needs a gap
//!   before it (3 off) and scores at most 23 at a start, 13 elsewhere.
//!
//! The figures are nucleo-matcher 0.3's (its `score.rs`): every matched
//! character 16 and a bonus of at most 10, the first character's bonus
//! counted twice, a gap 3 to open. A letter's bonus is never above 10 and a
//! gap always costs before a letter that does not follow on, whichever way
//! the matcher aligns the word, so the bound holds for its optimal and its
//! greedy alignments alike; the tests check it against the matcher.
//!
//! Pairs are kept hashed into 64 bits: a pair a field lacks may look
//! present (the bound is then looser), never the other way round. Anything
//! the sets cannot speak for (a letter beyond ASCII, a mark) counts as
//! present, so a bound is only ever too generous.

use nucleo_matcher::chars;
use nucleo_matcher::pattern::Atom;

const MATCH: u32 = 16;
const MAX_BONUS: u32 = 10;
const GAP_START: u32 = 3;

/// A letter a–z (either case) as 0–25, a digit as 26–35.
fn letter_index(c: char) -> Option<u32> {
    match c.to_ascii_lowercase() {
        c @ 'a'..='z' => Some(c as u32 - 'a' as u32),
        c @ '0'..='9' => Some(26 + c as u32 - '0' as u32),
        _ => None,
    }
}

/// The bit standing for an ASCII letter (either case) or digit; 0 for the rest.
pub(super) fn letter_bit(c: char) -> u64 {
    letter_index(c).map_or(0, |i| 1 << i)
}

fn pair_bit(a: u32, b: u32) -> u64 {
    1 << ((a * 37 + b).wrapping_mul(0x9E37_79B9) >> 26)
}

/// The letter indexes a character of a field may be matched as: itself,
/// and, beyond ASCII, whatever the matcher may fold it to (é → e,
/// K (Kelvin) → k). At most four.
fn variants(c: char) -> [Option<u32>; 4] {
    if c.is_ascii() {
        return [letter_index(c), None, None, None];
    }
    let n = chars::normalize(c);
    [
        letter_index(c),
        letter_index(n),
        letter_index(chars::to_lower_case(c)),
        letter_index(chars::to_lower_case(n)),
    ]
}

/// What a field (or several fields together) holds, for the bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Letters {
    /// Every letter and digit.
    pub mask: u64,
    /// Those at a start (see the module comment); at least the matcher's.
    pub starts: u64,
    /// Letters side by side, hashed.
    pub pairs: u64,
}

impl Letters {
    pub fn of(text: &str) -> Letters {
        let mut l = Letters::default();
        if !text.is_ascii() {
            // The matcher reads such a text another way, where a letter's
            // bonus can come from further back than the letter before it:
            // only which letters it holds is known.
            for c in text.chars() {
                for i in variants(c).into_iter().flatten() {
                    l.mask |= 1 << i;
                }
            }
            l.starts = l.mask;
            l.pairs = u64::MAX;
            return l;
        }
        let mut prev: Option<char> = None;
        let mut prev_ix = None;
        for c in text.chars() {
            let ix = letter_index(c);
            // Where the matcher gives a bonus: the start, after anything not
            // a letter or digit, a capital after a small letter, a digit
            // after a letter.
            let start = match prev {
                None => true,
                Some(p) => {
                    !p.is_ascii_alphanumeric()
                        || p.is_ascii_lowercase() && c.is_ascii_uppercase()
                        || c.is_ascii_digit() && !p.is_ascii_digit()
                }
            };
            if let Some(i) = ix {
                l.mask |= 1 << i;
                if start {
                    l.starts |= 1 << i;
                }
                if let Some(p) = prev_ix {
                    l.pairs |= pair_bit(p, i);
                }
            }
            prev = Some(c);
            prev_ix = ix;
        }
        l
    }

    pub fn union(self, other: Letters) -> Letters {
        Letters {
            mask: self.mask | other.mask,
            starts: self.starts | other.starts,
            pairs: self.pairs | other.pairs,
        }
    }
}

/// A query word, read for the bound.
#[derive(Debug, Clone)]
pub(super) struct Needle {
    /// Every letter and digit the word needs.
    pub need: u64,
    /// The first character's bit (0: unknown).
    first: u64,
    /// Each later character's bit and its pair with the one before (0:
    /// unknown).
    rest: Box<[(u64, u64)]>,
}

impl Needle {
    pub fn new(atom: &Atom) -> Needle {
        let ix: Vec<Option<u32>> = atom.needle_text().chars().map(letter_index).collect();
        let bit = |i: Option<u32>| i.map_or(0, |i| 1u64 << i);
        Needle {
            need: ix.iter().fold(0, |m, &i| m | bit(i)),
            first: ix.first().map_or(0, |&i| bit(i)),
            rest: ix
                .windows(2)
                .map(|w| {
                    let pair = match (w[0], w[1]) {
                        (Some(a), Some(b)) => pair_bit(a, b),
                        _ => 0,
                    };
                    (bit(w[1]), pair)
                })
                .collect(),
        }
    }

    /// The same word with nothing known of its letters: bounds by it are
    /// the ceiling, and it never rules a field out (for the reference scan
    /// the tests compare with).
    #[cfg(test)]
    pub fn unknown(&self) -> Needle {
        Needle {
            need: 0,
            first: 0,
            rest: self.rest.iter().map(|_| (0, 0)).collect(),
        }
    }

    /// The most the word could score in a field holding `l`; `None` if the
    /// field lacks one of its letters.
    #[inline]
    pub fn bound(&self, l: &Letters) -> Option<u32> {
        if l.mask & self.need != self.need {
            return None;
        }
        let known = |bit: u64, set: u64| bit == 0 || set & bit != 0;
        let first = if known(self.first, l.starts) {
            2 * MAX_BONUS
        } else {
            0
        };
        let mut b = MATCH + first;
        for &(c, pair) in self.rest.iter() {
            b += if known(pair, l.pairs) {
                MATCH + MAX_BONUS
            } else if known(c, l.starts) {
                MATCH + MAX_BONUS - GAP_START
            } else {
                MATCH - GAP_START
            };
        }
        Some(b)
    }
}

/// A repeatable run of draws below `n`, from `seed`, for the tests of the
/// register search that try many random fields and words.
#[cfg(test)]
pub(super) fn draws(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |n| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
    use nucleo_matcher::{Config, Matcher, Utf32String};

    fn atom(needle: &str) -> Atom {
        Pattern::parse(needle, CaseMatching::Ignore, Normalization::Smart)
            .atoms
            .remove(0)
    }

    fn bound(needle: &str, hay: &str) -> Option<u32> {
        Needle::new(&atom(needle)).bound(&Letters::of(hay))
    }

    #[test]
    fn a_perfect_match_reaches_the_ceiling() {
        // 26 a letter and 10 more for the first: the matcher's best.
        assert_eq!(bound("hollis", "Darren Hollis"), Some(26 * 6 + 10));
        assert_eq!(bound("dh", "Darren Hollis"), Some(36 + 23));
    }

    #[test]
    fn letters_not_at_a_start_or_side_by_side_bound_lower() {
        // h starts a word but l neither starts one nor follows h
        assert_eq!(bound("hl", "Hollis"), Some(36 + 13));
        // o starts nothing: the first letter gets no bonus
        assert_eq!(bound("ol", "Hollis"), Some(16 + 26));
        assert_eq!(bound("hx", "Hollis"), None);
    }

    #[test]
    fn starts_are_the_matchers() {
        let l = Letters::of("McDonald-Smith o'brien 2nd x9");
        for c in ['m', 'd', 's', 'o', 'b', '2', 'x', '9'] {
            assert_ne!(l.starts & letter_bit(c), 0, "{c}");
        }
        for c in ['c', 'n', 'a', 'l', 'h', 'r', 'i'] {
            assert_eq!(l.starts & letter_bit(c), 0, "{c}");
        }
    }

    /// The bound is never below what the matcher scores, for every kind of
    /// word and field: cases, digits, marks, accents, repeats, long texts.
    #[test]
    fn the_bound_holds_for_the_matcher() {
        let mut matcher = Matcher::new(Config::DEFAULT);
        let ascii: Vec<char> = "aabehlosAHLO 19-'._/:".chars().collect();
        let wide: Vec<char> = "aehlAHL 1-éÉK".chars().collect();
        let mut next = draws(11);
        let mut checked = 0;
        for round in 0..40_000 {
            let alphabet = if round % 5 == 0 { &wide } else { &ascii };
            let hay: String = (0..1 + next(30))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            let needle: String = (0..1 + next(5))
                .map(|_| alphabet[next(alphabet.len())])
                .filter(|c| !c.is_whitespace())
                .collect();
            if needle.is_empty() {
                continue;
            }
            for prefix in ["", "'", "^"] {
                let text = format!("{prefix}{needle}");
                let pattern = Pattern::parse(&text, CaseMatching::Ignore, Normalization::Smart);
                let Some(a) = pattern.atoms.first() else {
                    continue;
                };
                let h = Utf32String::from(hay.as_str());
                if let Some(s) = a.score(h.slice(..), &mut matcher) {
                    let b = Needle::new(a).bound(&Letters::of(&hay));
                    assert!(
                        b.is_some_and(|b| b >= u32::from(s)),
                        "{text:?} in {hay:?}: scored {s}, bound {b:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 5_000, "{checked}");
    }
}
