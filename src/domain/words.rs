//! Words as the full-text index sees them: split on anything that is not a
//! letter or digit, case and accents folded. The store builds its queries
//! from them and the screen marks them in the text it shows, so both agree
//! on what a typed word matched.

/// A word folded as the index folds it (unicode61 with diacritics removed):
/// lower case, accents dropped from the letters that carry them.
fn fold(c: char) -> impl Iterator<Item = char> {
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        other => other,
    };
    base.to_lowercase()
}

/// The index's tokens in what was typed: `o'brien` is `o` and `brien`,
/// `#1042` is `1042`.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().flat_map(fold).collect())
        .collect()
}

/// Up to this many letters, a token typed is a word of its own.
pub const WHOLE_UP_TO: usize = 2;

/// Whether a typed token matches a word of the text: as its start, or, up
/// to [`WHOLE_UP_TO`] letters, as the whole word (`cb`, `jd`, `5`): the
/// start of a great many words, one or two letters narrow little, and
/// finding them would gather the index's lists of every word they begin,
/// most of the store, at every first keystroke.
fn matches_word(typed: &str, word: &str) -> bool {
    if typed.chars().count() <= WHOLE_UP_TO {
        word == typed
    } else {
        word.starts_with(typed)
    }
}

/// An FTS5 query for words typed on the board or after `:find`: every
/// token must be in the entry, each as the start of a word there (the last
/// may still be being typed), one or two letters as a word of their own
/// (see [`matches_word`]). Each is quoted, so nothing typed can be read as the
/// query language. `None` when nothing typed is a word.
pub fn match_query<S: AsRef<str>>(words: &[S]) -> Option<String> {
    let all: Vec<String> = wanted(words)
        .into_iter()
        .map(|t| {
            let quoted = format!("\"{}\"", t.replace('"', "\"\""));
            if t.chars().count() <= WHOLE_UP_TO {
                quoted
            } else {
                quoted + "*"
            }
        })
        .collect();
    (!all.is_empty()).then(|| all.join(" "))
}

/// The tokens of every word typed, as [`marks`] looks for them: worked
/// out once for a frame's rows, not once a cell.
pub fn wanted<S: AsRef<str>>(words: &[S]) -> Vec<String> {
    words.iter().flat_map(|w| tokens(w.as_ref())).collect()
}

/// Where in `text` the tokens wanted (see [`wanted`]) match a word, as
/// byte ranges in order: what the board and `:find` mark.
pub fn marks(text: &str, wanted: &[String]) -> Vec<std::ops::Range<usize>> {
    if wanted.is_empty() {
        return vec![];
    }
    let mut out = vec![];
    let mut start: Option<usize> = None;
    let word = |from: usize, to: usize, out: &mut Vec<std::ops::Range<usize>>| {
        let folded: String = text[from..to].chars().flat_map(fold).collect();
        if let Some(best) = wanted
            .iter()
            .filter(|w| matches_word(w, &folded))
            .map(|w| w.chars().count())
            .max()
        {
            // the typed part only: `wal` marks `wal` in `wallet`
            let end = text[from..to]
                .char_indices()
                .nth(best)
                .map_or(to, |(i, _)| from + i);
            out.push(from..end);
        }
    };
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                word(s, i, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        word(s, text.len(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_become_quoted_prefix_tokens() {
        assert_eq!(tokens("O'Brien #1042 Zoë"), ["o", "brien", "1042", "zoe"]);
        assert_eq!(
            match_query(&["red", "coat"]).as_deref(),
            Some("\"red\"* \"coat\"*")
        );
        // one or two letters are a word of their own
        assert_eq!(
            match_query(&["a", "5", "bc", "cde"]).as_deref(),
            Some("\"a\" \"5\" \"bc\" \"cde\"*")
        );
        // the query language is never let through
        assert_eq!(
            match_query(&["NEAR(ab", "b)", "\"x"]).as_deref(),
            Some("\"near\"* \"ab\" \"b\" \"x\"")
        );
        assert_eq!(match_query(&["--", "#"]), None);
    }

    #[test]
    fn marks_fall_on_the_typed_start_of_each_matching_word() {
        let text = "Red coat, wallet taken; REDDISH car";
        let m = marks(text, &wanted(&["red", "wal"]));
        let got: Vec<&str> = m.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(got, ["Red", "wal", "RED"]);
        // inside a word is not a match, as the index sees it
        assert!(marks("a bored male", &wanted(&["red"])).is_empty());
        // one or two letters mark a word of those letters only
        let text = "Flat 5, block 52, CB-52";
        let got: Vec<&str> = marks(text, &wanted(&["5", "cb"]))
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(got, ["5", "CB"]);
        let zoe = "Zoë Hart";
        let m = marks(zoe, &wanted(&["zoe"]));
        assert_eq!(&zoe[m[0].clone()], "Zoë");
    }
}
