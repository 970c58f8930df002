//! Words typed, as queries of the full-text index (schema 17).
//!
//! `domain::words` says what a typed word matches: the start of a word of
//! the text, one or two letters a word of their own. Asked of FTS5 as a
//! prefix (`"wal"*`), the index has no list of its own for it (no prefix
//! index: it would cost ingest a fifth of its rate, see schema.rs), so FTS5
//! merges the lists of every word it begins before reading the first match:
//! 20–30 ms for a common start on a million incidents, however few matches
//! are wanted. Here the words it begins are read from the index's own
//! vocabulary first and asked for as alternatives, whose lists FTS5 reads
//! as it goes: a capped count, or the matches within a range of numbers,
//! stop early.

use super::{Result, Store};
use crate::domain::words::{wanted, WHOLE_UP_TO};

/// Up to this many words a typed start begins are asked for one by one;
/// more (a start common to many words, as `317` to police references),
/// and FTS5's own prefix query is used: its lists are then mostly short.
const ALTERNATIVES_UP_TO: usize = 32;

/// The index's vocabulary, one row a word (a temporary table: it writes
/// nothing to the store).
pub(crate) const VOCABULARY: &str =
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.text_words USING fts5vocab(main, text_index, row)";

fn quoted(t: &str) -> String {
    format!("\"{}\"", t.replace('"', "\"\""))
}

impl Store {
    /// An FTS5 query for the words typed, as `domain::words::match_query`
    /// says them, each start of a word asked for as the words of the index
    /// it begins. `None` when nothing typed is a word.
    pub(crate) fn text_query<S: AsRef<str>>(&self, words: &[S]) -> Result<Option<String>> {
        let mut parts = vec![];
        for t in wanted(words) {
            parts.push(if t.chars().count() <= WHOLE_UP_TO {
                quoted(&t)
            } else {
                self.begun_by(&t)?
            });
        }
        Ok((!parts.is_empty()).then(|| parts.join(" ")))
    }

    /// The words of the index that `start` begins, as alternatives; FTS5's
    /// prefix query when there are many, or none (then it finds nothing at
    /// once), or `start` is not plain ASCII (the index folds other letters
    /// its own way: let it fold the query too).
    fn begun_by(&self, start: &str) -> Result<String> {
        let prefix = quoted(start) + "*";
        if !start.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(prefix);
        }
        // every word beginning `start`: from it up to it followed by the
        // greatest character (the vocabulary is in byte order)
        let end = format!("{start}\u{10FFFF}");
        let mut st = self.conn().prepare_cached(
            "SELECT term FROM temp.text_words WHERE term >= ?1 AND term < ?2 LIMIT ?3",
        )?;
        let begun: Vec<String> = st
            .query_map(
                rusqlite::params![start, end, ALTERNATIVES_UP_TO as i64 + 1],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(match begun.len() {
            0 => prefix,
            n if n > ALTERNATIVES_UP_TO => prefix,
            1 => quoted(&begun[0]),
            _ => format!(
                "({})",
                begun
                    .iter()
                    .map(|w| quoted(w))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            ),
        })
    }
}
