//! One typo per word: how a typed word is compared with a word of a name when
//! the register search looks past a misspelling (`search` says when it does,
//! and how such a match ranks).
//!
//! Words are folded first: lower case, accents off (as nucleo-matcher folds
//! them for the exact search), apostrophes and combining accents left out (so
//! *O'Brien* is the one word `obrien`), and anything else that is not a letter
//! or a digit ends a word.
//!
//! The distance is the optimal string alignment one (Damerau–Levenshtein
//! without a second edit on an edited letter): one letter wrong, missing,
//! extra, or two neighbours swapped is one edit. Only "at most one edit" is
//! ever asked, so there is no distance table: the check walks the start both
//! words share and tries the four edits at the first letter that differs,
//! which is where a single edit can always be put. It allocates nothing.

use nucleo_matcher::chars;

/// The shortest typed word allowed a typo. One edit in a word of three
/// letters or fewer changes a third of it or more: `daz` would find *Dan*,
/// *Gaz*, *Jaz*, *Day* and every *Da…*, `jo` nearly every short name. From
/// four letters on, three of four stay where they were typed.
pub const MIN_CHARS: usize = 4;

/// Longer words are not compared for typos (nor kept for it): no name has
/// one, and it keeps a word's length in a byte.
pub const MAX_CHARS: usize = 64;

/// How close a typed word came to a word of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closeness {
    /// 0 or 1.
    pub edits: u32,
    /// The whole word, not only its start.
    pub whole: bool,
}

/// A character folded as a word holds it; `None` for what a word leaves out.
fn fold(c: char) -> Option<char> {
    match c {
        '\'' | '\u{2019}' | '\u{0300}'..='\u{036F}' => None,
        _ => Some(chars::to_lower_case(chars::normalize(c))),
    }
}

/// Each word of `text`, folded (see the module comment), handed to `word`;
/// `buf` is scratch space, so splitting allocates nothing once it has grown.
pub fn for_each_word(text: &str, buf: &mut String, mut word: impl FnMut(&str)) {
    buf.clear();
    for c in text.chars() {
        match fold(c) {
            None => {}
            Some(c) if c.is_alphanumeric() => buf.push(c),
            Some(_) if !buf.is_empty() => {
                word(buf);
                buf.clear();
            }
            Some(_) => {}
        }
    }
    if !buf.is_empty() {
        word(buf);
    }
}

/// One bit per letter a–z; the ten digits share six bits; anything else has
/// none. A word within one edit of another lacks at most one of the other's
/// letters, so `(typed & !word).count_ones() > 1` rules a pair out before
/// their letters are compared. Shared and missing bits only ever undercount
/// what is lacking, so they never rule out a real match.
pub fn letter_mask(word: &str) -> u32 {
    word.chars().fold(0, |m, c| {
        m | match c {
            'a'..='z' => 1 << (c as u32 - 'a' as u32),
            '0'..='9' => 1 << (26 + (c as u32 - '0' as u32) % 6),
            _ => 0,
        }
    })
}

/// How close `typed` comes to `word`, both folded: the word itself or its
/// start with no edit; and, when `edits` is 1, the whole word with one edit,
/// or, when `prefix` (the word still being typed), its start with one.
/// `None` if none of these.
pub fn closeness<T: Eq>(typed: &[T], word: &[T], edits: u32, prefix: bool) -> Option<Closeness> {
    let shared = typed.iter().zip(word).take_while(|(a, b)| a == b).count();
    if shared == typed.len() {
        return Some(Closeness {
            edits: 0,
            whole: word.len() == typed.len(),
        });
    }
    if edits == 0 {
        return None;
    }
    let i = shared;
    // Where the rest of each word starts after one edit at `i`: a letter
    // wrong, one extra in what was typed, one missing from it, and a swap.
    let swapped = typed.get(i + 1).is_some_and(|t| word.get(i) == Some(t))
        && word.get(i + 1).is_some_and(|w| typed.get(i) == Some(w));
    let rests = [
        Some((i + 1, i + 1)),
        Some((i + 1, i)),
        Some((i, i + 1)),
        swapped.then_some((i + 2, i + 2)),
    ];
    let rest = |(t, w): (usize, usize)| Some((typed.get(t..)?, word.get(w..)?));
    let pairs = || rests.into_iter().flatten().filter_map(rest);
    if pairs().any(|(t, w)| t == w) {
        return Some(Closeness {
            edits: 1,
            whole: true,
        });
    }
    (prefix && pairs().any(|(t, w)| w.starts_with(t))).then_some(Closeness {
        edits: 1,
        whole: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(typed: &str, word: &str, prefix: bool) -> Option<(u32, bool)> {
        let t: Vec<char> = typed.chars().collect();
        let w: Vec<char> = word.chars().collect();
        closeness(&t, &w, 1, prefix).map(|c| (c.edits, c.whole))
    }

    fn words(text: &str) -> Vec<String> {
        let mut out = vec![];
        for_each_word(text, &mut String::new(), |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn each_kind_of_edit_is_one() {
        assert_eq!(close("tylor", "tyler", false), Some((1, true)), "wrong");
        assert_eq!(
            close("fairly", "fairley", false),
            Some((1, true)),
            "missing"
        );
        assert_eq!(close("dazz", "daz", false), Some((1, true)), "extra");
        assert_eq!(
            close("fariley", "fairley", false),
            Some((1, true)),
            "swapped"
        );
        assert_eq!(
            close("ytler", "tyler", false),
            Some((1, true)),
            "swapped first"
        );
        assert_eq!(close("tyelr", "tyler", false), Some((1, true)), "swapped");
        assert_eq!(
            close("tylre", "tyler", false),
            Some((1, true)),
            "swapped last"
        );
        assert_eq!(close("tyler", "tyler", false), Some((0, true)));
        assert_eq!(close("tyl", "tyler", false), Some((0, false)), "a start");
    }

    #[test]
    fn two_edits_are_too_many() {
        for (typed, word) in [
            ("tilor", "tyler"),
            ("garsdei", "garside"),
            ("dazzz", "daz"),
            ("gaz", "daisy"),
            ("hlolsi", "hollis"),
            ("abcd", "badc"), // two swaps
            ("abc", "ca"),    // three in OSA (no edit on a swapped pair)
        ] {
            assert_eq!(close(typed, word, true), None, "{typed} {word}");
        }
    }

    #[test]
    fn a_typo_in_a_start_counts_only_for_the_word_being_typed() {
        assert_eq!(close("garsi", "garside", false), Some((0, false)));
        assert_eq!(close("grasi", "garside", true), Some((1, false)));
        assert_eq!(close("grasi", "garside", false), None);
        assert_eq!(close("gxrs", "garside", true), Some((1, false)));
        // with no typo allowed, only the word or its start
        let t: Vec<char> = "tylor".chars().collect();
        let w: Vec<char> = "tyler".chars().collect();
        assert_eq!(closeness(&t, &w, 0, true), None);
        assert!(closeness(&t[..3], &w, 0, false).is_some());
    }

    /// The optimal string alignment distance by its table, and the least
    /// such distance to any start of the word.
    fn osa(a: &[char], b: &[char]) -> (usize, usize) {
        let (m, n) = (a.len(), b.len());
        let mut d = vec![vec![0usize; n + 1]; m + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=m {
            for j in 1..=n {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        (d[m][n], *d[m].iter().min().unwrap())
    }

    /// Every pair of short words over three letters: the walk agrees with
    /// the distance table, whole and as a start.
    #[test]
    fn agrees_with_the_distance_table() {
        let all = |len: usize| -> Vec<Vec<char>> {
            let mut out = vec![vec![]];
            for _ in 0..len {
                out = out
                    .into_iter()
                    .flat_map(|w| {
                        "abc".chars().map(move |c| {
                            let mut w = w.clone();
                            w.push(c);
                            w
                        })
                    })
                    .collect();
            }
            out
        };
        let short: Vec<Vec<char>> = (0..=5).flat_map(all).collect();
        let mut checked = 0;
        for t in &short {
            for w in &short {
                let (whole, start) = osa(t, w);
                let is_start = w.starts_with(t);
                let want = |prefix: bool| {
                    if is_start {
                        Some((0, w.len() == t.len()))
                    } else if whole <= 1 {
                        Some((1, true))
                    } else if prefix && start <= 1 {
                        Some((1, false))
                    } else {
                        None
                    }
                };
                for prefix in [false, true] {
                    let got = closeness(t, w, 1, prefix).map(|c| (c.edits, c.whole));
                    assert_eq!(got, want(prefix), "{t:?} {w:?} prefix {prefix}");
                }
                checked += 1;
            }
        }
        assert!(checked > 100_000);
    }

    #[test]
    fn words_are_folded_and_split() {
        assert_eq!(words("O'Brien"), ["obrien"]);
        assert_eq!(words("O\u{2019}Brien-Smith"), ["obrien", "smith"]);
        assert_eq!(words("Zoë BRENNAN"), ["zoe", "brennan"]);
        assert_eq!(words("Zoe\u{308} Ford"), ["zoe", "ford"]);
        assert_eq!(words("  team-working, 2nd "), ["team", "working", "2nd"]);
        assert!(words(" - ").is_empty());
    }

    #[test]
    fn the_letter_mask_never_rules_out_a_real_match() {
        let lacks = |t: &str, w: &str| (letter_mask(t) & !letter_mask(w)).count_ones();
        assert_eq!(lacks("tylor", "tyler"), 1);
        assert_eq!(lacks("fariley", "fairley"), 0);
        assert_eq!(lacks("qxzj", "tyler"), 4);
        // digits share bits: 0 and 6 look alike, so nothing is ruled out wrongly
        assert_eq!(lacks("a6", "a0"), 0);
        assert_eq!(letter_mask("ßé"), 0);
    }
}
