//! Search-as-you-type over the offender register: fuzzy, ranked, over names,
//! aliases, nicknames, markers and description.
//!
//! Over 800 lines: the haystacks, the scan order, the ranking, the typo pass
//! and the in-place updates share one index's invariants and are kept
//! together; about 1,320 of the lines are its tests.
//!
//! Matching is nucleo-matcher's (the matcher from helix). Every haystack is
//! prepared once, as the matcher reads it, when an entry enters the index; one
//! `Matcher` and a few scratch vectors are reused by every query, so a
//! keystroke allocates per query, never per offender.
//!
//! Ranking, best first:
//! - an entry's score is the best weighted score over its fields: a name match
//!   outranks an alias or nickname match of the same quality, which outranks a
//!   marker match, which outranks a description match;
//! - a query of several words (`daz hol`) must match every word, but the words
//!   may land in different fields (nickname *Daz*, name *Hollis*): such a match
//!   is scored word by word, each word at its own field's weight but never above
//!   an alias's, and only counts when it beats every single-field match;
//! - ties go to the more active offender (incidents + sightings in the last
//!   90 days), then to the lower id.
//!
//! The query syntax is nucleo's (and so helix's and fzf's): words are matched
//! fuzzily; `'word` needs the letters together, `^word` at the start of a field,
//! `word$` at its end, and `!word` leaves out anyone with `word` in any field.
//! Case is ignored, and a plain letter matches its accented forms (`zoe` finds
//! *Zoë*; `zoë` finds only *Zoë*).
//!
//! A description is free text, long enough for almost any short query to be
//! found in it as letters picked from several words: a query word is
//! therefore looked for in one word of it at a time (as split on white
//! space), and counts only when it is close to a real word match (see
//! `DESCRIPTION_FLOOR`). nucleo scores a word the same alone as among others
//! (white space before it counts as the start of the text), so that is the
//! word's score in the whole description. A `!word` is looked for in the
//! whole text.
//!
//! Typos. nucleo finds the letters in the order typed, so a letter left out
//! is forgiven but a wrong, extra or swapped one is not (`tylor` misses
//! *Tyler*). When the exact matches leave places in the list, a typo pass
//! fills them:
//! - every query word must be a word of the name, an alias, a nickname or a
//!   marker (see [`typo`] for how words are folded and compared), or that
//!   word's start, with at most one letter wrong, missing, extra, or two
//!   swapped; the last word, still being typed, may have its typo in the
//!   start of a longer word (`tyler grasi` finds *Garside*);
//! - only words of four letters or more may have a typo (`typo::MIN_CHARS`
//!   says why), so a query of short words gets no typo pass at all; nor does
//!   one with `'word`, `^word` or `word$`, which ask for the letters as typed;
//!   `!word` leaves people out as ever;
//! - descriptions are left out: one edit in any of their many words would
//!   match nearly anything;
//! - a typo match ranks below every exact match, whatever its field or
//!   activity (its hit's score is below theirs too); among typo matches, each
//!   word scores by its length, less a little for its typo or for matching
//!   only a word's start, weighed by field and combined over fields as above;
//!   ties go to activity, then id.
//!
//! It runs only when the exact scan met every match (the list is not full),
//! so a query the exact matches fill costs nothing more. Its worst case is a
//! query each of whose words is like some word of the register while few
//! people have them all: it then visits everyone who has a word like the
//! rarest of them, or everyone when that is more than an eighth.
//!
//! Speed, for 100,000 offenders per keystroke:
//! - each haystack carries a bit set of the letters and digits it can match,
//!   so a field (or a whole entry) lacking one of the query's letters is passed
//!   over without running the matcher;
//! - and the letters that start a word there and the pairs of letters side
//!   by side (see [`search_bound`]), which bound how well a word could match
//!   a field without the matcher: a field or an entry that could not get
//!   into a full list is passed over;
//! - the scan keeps the best `limit` hits in a bounded heap and visits entries
//!   most active first: once even a perfect name match could not get into the
//!   heap, no later entry can either, and the scan stops. A query that has not
//!   stopped it after `ACTIVE_FIRST` entries (a poor or rare match) has the
//!   rest read in slot order, the order their text sits in memory;
//! - with several words, the longest is tried first, as the likeliest to
//!   miss;
//! - markers come from a small vocabulary, so each distinct marker is matched
//!   once per query, not once per offender; so do the words of the
//!   descriptions (tens of thousands, where the descriptions themselves are
//!   nearly all different): each is matched once, and the holders of those
//!   that matched are told their score in a table made for the query, which
//!   the scan reads (who holds each word is kept as for the typo pass,
//!   below);
//! - the letters and the texts of every name, alias and nickname are kept
//!   end to end in slot order, apart from the rest of the entry, and the
//!   slots are in scan order when the index is built: the scan reads memory
//!   in a row, judges each alias alone by its letters before its text is
//!   read, asks ahead for what it will read (texts included), and reads
//!   the rest of an entry only for `!words` or more markers than it keeps
//!   beside the letters;
//! - for the typo pass, the index keeps a vocabulary of every distinct word
//!   of the names, aliases, nicknames and markers, folded once, and each entry
//!   its words as numbers into it. A typed word is compared with each word of
//!   the vocabulary once per query (nearly every pair passed over on length
//!   and a letter mask: a word within one typo lacks at most one of the typed
//!   word's letters); if some typed word is like no word at all, no one is
//!   visited; otherwise scoring an entry is looking its words up. Who holds
//!   each word (and each marker) is kept too, made by the first typo pass
//!   after an entry is put in or taken out: when the holders of the
//!   look-alikes of the typed word with the fewest are few, only they are
//!   visited (`brennna` visits the few thousand with a *Brennan*).
//!
//! One file on purpose: the scan order, the letter masks, the pruning bound
//! and the scorer are one mechanism, and the pruning is only sound with this
//! file's weights and score ceilings (the tests check it, typo pass and all,
//! against a scan with no pruning). About 2,390 lines of it are code and
//! comment, the rest its tests; the word-by-word typo comparison, which
//! needs none of this, is in [`typo`], and what a field's letters say of
//! its best score in [`search_bound`].

use super::offender::OffenderKind;
use super::search_bound::{letter_bit, Letters, Needle};
use super::typo;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::fmt;

/// One offender as search sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchEntry {
    pub id: i64,
    pub kind: OffenderKind,
    pub name: String,
    pub aliases: Vec<String>,
    pub nicknames: Vec<String>,
    pub markers: Vec<String>,
    pub description: String,
    /// incidents + sightings in the last 90 days
    pub activity: i64,
}

/// Which field a hit was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedOn {
    Name,
    Alias,
    Nickname,
    Marker,
    Description,
    /// The query was empty: the entry is listed, not matched.
    Nothing,
}

impl MatchedOn {
    /// A short word for the screen ("alias", "marker"…); empty for `Nothing`.
    pub fn label(self) -> &'static str {
        match self {
            MatchedOn::Name => "name",
            MatchedOn::Alias => "alias",
            MatchedOn::Nickname => "nickname",
            MatchedOn::Marker => "marker",
            MatchedOn::Description => "description",
            MatchedOn::Nothing => "",
        }
    }
}

/// One result of a search, best first in the list `search` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub id: i64,
    /// Weighted match score (0 when listing for an empty query); only the
    /// order matters, and every exact match scores above every typo match.
    pub score: u32,
    pub matched_on: MatchedOn,
    /// the alias/nickname/marker text that matched, when not the name
    pub matched_text: Option<String>,
}

// Field weights: the same raw match quality ranks name > alias = nickname >
// marker > description. They are close on purpose: they order matches of
// equal or nearly equal quality, while a clearly better match wins whatever
// field it is in (a whole word in a description beats a few letters scattered
// through an alias: "tattoo neck" finds "tattoo on neck" before alias "Neil
// Cook").
const W_NAME: u32 = 20;
const W_ALIAS: u32 = 19;
const W_NICKNAME: u32 = 19;
const W_MARKER: u32 = 18;
const W_DESCRIPTION: u32 = 17;
/// A match spread over several fields ranks at most like an alias match.
const W_CROSS_CAP: u32 = W_ALIAS;

// The best raw score nucleo-matcher 0.3 can give one atom: every matched
// character scores SCORE_MATCH (16) plus a bonus of at most
// bonus_boundary_white (10), and the first character's bonus counts twice.
// `prefer_prefix` stays off (it would add to this). The pruning relies on it;
// the `ceiling_holds` test checks it against the matcher in use.
const MAX_CHAR_SCORE: u32 = 16 + 10;
const FIRST_CHAR_EXTRA: u32 = 10;

/// A description match (in one of its words) counts only if it scores at
/// least this share of a perfect match of the same word: the word, or one
/// with a letter or two left out, passes ("tatoo" in "tattoo" scores 121 of
/// 140); a few letters scattered through a long word do not, nor a single
/// letter inside a word.
const DESCRIPTION_FLOOR: (u32, u32) = (2, 3);

/// A typo match's raw score per letter of the typed word, matched whole with
/// no typo (these are not nucleo's scores: the typo pass ranks on its own).
const TYPO_PER_CHAR: u32 = 4;
/// What a typo takes off a typed word's score: less than one letter's worth,
/// so a longer word with a typo still outweighs a shorter one without.
const TYPO_COST: u32 = 3;
/// Added to an exact match's score in a hit, so that every exact hit scores
/// above every typo hit (which are capped below it).
const EXACT_FLOOR: u32 = 1 << 24;

fn atom_ceiling(atom: &Atom) -> u32 {
    MAX_CHAR_SCORE * atom.needle_text().len() as u32 + FIRST_CHAR_EXTRA
}

/// A prepared haystack and what its letters say (see [`search_bound`]).
struct Hay {
    text: Utf32String,
    letters: Letters,
}

impl Hay {
    fn new(s: &str) -> Hay {
        Hay {
            text: Utf32String::from(s),
            letters: Letters::of(s),
        }
    }
}

/// The names, aliases and nicknames of every entry, each entry's end to end
/// (name, aliases, nicknames) and the entries in slot order: their letters
/// (see [`search_bound`]) and, apart, their texts as the matcher reads
/// them. The scan reads the letters of most entries it visits and the
/// texts of the few the matcher runs on: in a row here, each a short read
/// on from the last, where the texts kept with each entry cost a jump to a
/// far place in memory for each. An entry put in again has its own put at
/// the end; they are laid out afresh in slot order (`compact_hays`) once
/// more than half of them are left behind.
#[derive(Default)]
struct HayPool {
    /// Each one's letters beside where its text is: the text is read just
    /// after the letters pass, from where they were read.
    all: Vec<PooledHay>,
    ascii: Vec<u8>,
    /// The texts with letters beyond ASCII, as the matcher takes them.
    wide: Vec<char>,
    /// How many of them belong to no entry now.
    stale: usize,
}

#[derive(Debug, Clone, Copy)]
struct PooledHay {
    letters: Letters,
    text: TextAt,
}

#[derive(Debug, Clone, Copy)]
struct TextAt {
    at: u32,
    len: u32,
    wide: bool,
}

impl TextAt {
    /// Where an ASCII text is, for `Hot::name_text`.
    fn ascii_at(&self) -> u32 {
        if self.wide {
            0
        } else {
            self.at
        }
    }
}

impl HayPool {
    fn push(&mut self, text: &str, buf: &mut Vec<char>) {
        let letters = Letters::of(text);
        let text = match Utf32Str::new(text, buf) {
            Utf32Str::Ascii(bytes) => {
                let at = self.ascii.len();
                self.ascii.extend_from_slice(bytes);
                TextAt {
                    at: at as u32,
                    len: bytes.len() as u32,
                    wide: false,
                }
            }
            Utf32Str::Unicode(chars) => {
                let at = self.wide.len();
                self.wide.extend_from_slice(chars);
                TextAt {
                    at: at as u32,
                    len: chars.len() as u32,
                    wide: true,
                }
            }
        };
        self.all.push(PooledHay { letters, text });
    }

    fn text(&self, i: usize) -> Utf32Str<'_> {
        let t = self.all[i].text;
        let (at, end) = (t.at as usize, (t.at + t.len) as usize);
        if t.wide {
            Utf32Str::Unicode(&self.wide[at..end])
        } else {
            Utf32Str::Ascii(&self.ascii[at..end])
        }
    }
}

/// An entry's haystacks, prepared once.
struct Prepared {
    /// Where its name, then each alias, then each nickname are in the
    /// index's `hays`, and how many aliases and nicknames it has.
    hays_at: u32,
    aliases: u32,
    nicknames: u32,
    /// Indexes into the index's marker vocabulary.
    markers: Box<[u32]>,
    /// The description's words (as split on white space), as indexes into
    /// the index's vocabulary of them.
    description: Box<[u32]>,
    /// The words of the name, aliases and nicknames, for the typo pass.
    words: Box<[WordRef]>,
    /// For the typo pass, which reads entries in slot order: the letters of
    /// the name, aliases, nicknames and markers (`letter_bit`s), and the kind.
    typo_mask: u64,
    kind: OffenderKind,
}

/// One word of an entry's name, aliases or nicknames: which word of the
/// vocabulary it is, and where.
#[derive(Debug, Clone, Copy)]
struct WordRef {
    id: u32,
    /// 0 for the name, then the aliases, then the nicknames, as `spot_at`
    /// numbers them.
    value: u16,
}

/// A distinct folded word (see [`typo`]) of any name, alias, nickname or
/// marker in the index.
struct VocabWord {
    text: Box<str>,
    chars: u8,
    mask: u32,
}

/// Every distinct word seen, so that a typed word is compared with each
/// once per query, not once per offender who has it: names repeat, and a
/// register of 100,000 has a few tens of thousands of words at most. Never
/// shrinks (as the marker vocabulary).
#[derive(Default)]
struct Vocab {
    words: Vec<VocabWord>,
    ids: HashMap<Box<str>, u32>,
    buf: String,
}

impl Vocab {
    /// The words of each of `values` in turn, numbered by value.
    fn refs<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> Box<[WordRef]> {
        let mut refs = Vec::new();
        let mut buf = std::mem::take(&mut self.buf);
        for (value, s) in values.into_iter().enumerate() {
            let Ok(value) = u16::try_from(value) else {
                break;
            };
            typo::for_each_word(s, &mut buf, |w| {
                if let Some(id) = self.id(w) {
                    refs.push(WordRef { id, value });
                }
            });
        }
        self.buf = buf;
        refs.into()
    }

    fn id(&mut self, word: &str) -> Option<u32> {
        if let Some(&id) = self.ids.get(word) {
            return Some(id);
        }
        let chars = u8::try_from(word.chars().count())
            .ok()
            .filter(|&c| usize::from(c) <= typo::MAX_CHARS)?;
        let id = u32::try_from(self.words.len()).ok()?;
        self.words.push(VocabWord {
            text: word.into(),
            chars,
            mask: typo::letter_mask(word),
        });
        self.ids.insert(word.into(), id);
        Some(id)
    }
}

/// What the scan reads for every entry, kept together, by slot.
#[derive(Debug, Clone, Copy)]
struct Hot {
    activity: i64,
    id: i64,
    /// What the name holds; the aliases and nicknames; the markers (see
    /// [`search_bound`]). A description needs none: its score is looked up
    /// (see `desc_score`).
    letters: [Letters; 3],
    /// Where the name, aliases and nicknames are in `hays`, how many (name
    /// included), and how many of them are aliases (`Prepared`'s, copied
    /// here): an alias is judged alone, and a text read, without reading
    /// the rest of the entry.
    hays: (u32, u32, u32),
    /// The markers (`Prepared`'s), when there are at most `FEW_MARKERS`
    /// with small enough ids (`marker_count` says how many), so that an
    /// entry of several words is scored without reading the rest of it;
    /// else `marker_count` is above `FEW_MARKERS`.
    markers: [u16; FEW_MARKERS],
    marker_count: u8,
    /// Where the name's text is in `hays`' ASCII texts, for asking for it
    /// ahead (see `View::ask_ahead`); 0 for a name beyond ASCII.
    name_text: u32,
    kind: OffenderKind,
}

const FEW_MARKERS: usize = 3;

/// How an entry's values lie end to end (name, aliases, nicknames,
/// markers, description: see `spot_at`), and its markers.
#[derive(Clone, Copy)]
struct Shape<'a> {
    hays_at: usize,
    aliases: usize,
    nicknames: usize,
    markers: &'a [u32],
}

impl Shape<'_> {
    /// Where the name, aliases and nicknames are in the index's `hays`.
    fn hays(&self) -> std::ops::Range<usize> {
        self.hays_at..self.hays_at + 1 + self.aliases + self.nicknames
    }
}

impl Prepared {
    fn shape(&self) -> Shape<'_> {
        Shape {
            hays_at: self.hays_at as usize,
            aliases: self.aliases as usize,
            nicknames: self.nicknames as usize,
            markers: &self.markers,
        }
    }
}

impl Hot {
    /// Whether the entry could score `needed` or more for the query, judged
    /// by its letters alone and its description's score for each positive
    /// atom (`desc`, see `desc_score`). One word, the common case, is
    /// settled field by field, best weight first, as soon as one could.
    fn reaches(
        &self,
        query: &Query,
        needed: u32,
        desc: impl Fn(usize) -> Option<u32>,
        hays: &[PooledHay],
    ) -> bool {
        let [needle] = &query.needles[..] else {
            return self.several_reach(query, needed, desc, hays);
        };
        if needed == 0 {
            // Any match will do: only the letters need be there.
            return self
                .letters
                .iter()
                .any(|l| l.mask & needle.need == needle.need)
                || desc(0).is_some();
        }
        let groups = [(0, W_NAME), (1, W_ALIAS.max(W_NICKNAME)), (2, W_MARKER)];
        for (g, weight) in groups {
            if query.ceiling * weight < needed {
                return false; // nor can any field weighed lower
            }
            let reaches = |l: &Letters| needle.bound(l).is_some_and(|b| b * weight >= needed);
            if !reaches(&self.letters[g]) {
                continue;
            }
            if g != 1 || self.others(hays).iter().any(|h| reaches(&h.letters)) {
                return true;
            }
        }
        desc(0).is_some_and(|s| s * W_DESCRIPTION >= needed)
    }

    /// The letters of each alias and nickname, alone: together they may
    /// hold what no one of them does (the query's first letter in one, the
    /// next in another), so each is judged alone once they pass together.
    fn others<'a>(&self, hays: &'a [PooledHay]) -> &'a [PooledHay] {
        &hays[self.range()][1..]
    }

    /// The entry's shape, from here when its markers are (`buf` holds
    /// them), else from the rest of it.
    fn shape<'a>(
        &self,
        buf: &'a mut [u32; FEW_MARKERS],
        prepared: &'a [Prepared],
        slot: usize,
    ) -> Shape<'a> {
        let (at, count, aliases) = self.hays;
        let markers: &[u32] = match usize::from(self.marker_count) {
            n if n <= FEW_MARKERS => {
                *buf = self.markers.map(u32::from);
                &buf[..n]
            }
            _ => many_markers(prepared, slot),
        };
        Shape {
            hays_at: at as usize,
            aliases: aliases as usize,
            nicknames: (count - 1 - aliases) as usize,
            markers,
        }
    }

    /// Where the name, aliases and nicknames are in `hays`.
    fn range(&self) -> std::ops::Range<usize> {
        let (at, count) = (self.hays.0 as usize, self.hays.1 as usize);
        at..at + count
    }

    /// `reaches` for several words: the most the entry could score, judged
    /// by its letters alone and its description's scores (`desc`), word by
    /// word, longest first, given up as soon as even perfect matches of the
    /// words left could not bring it to `needed`.
    fn several_reach(
        &self,
        query: &Query,
        needed: u32,
        desc: impl Fn(usize) -> Option<u32>,
        hays: &[PooledHay],
    ) -> bool {
        let [name, others, markers] = &self.letters;
        if needed == 0 {
            // Any match will do: each word's letters need only be in one
            // field value. Most queries that read everyone are these, with
            // too few matches to fill the list.
            return query.longest_first.iter().all(|&a| {
                let need = query.needles[a].need;
                let holds = |l: &Letters| l.mask & need == need;
                holds(name)
                    || holds(markers)
                    || desc(a).is_some()
                    || holds(others) && self.others(hays).iter().any(|h| holds(&h.letters))
            });
        }
        let capped = |w: u32| w.min(W_CROSS_CAP);
        let mut left = query.ceiling;
        let mut name_total = Some(0);
        let mut spread = 0;
        for &a in &query.longest_first {
            let needle = &query.needles[a];
            left -= query.ceilings[a];
            let in_name = needle.bound(name);
            let elsewhere = [
                in_name.map(|b| b * capped(W_NAME)),
                needle.bound(markers).map(|b| b * capped(W_MARKER)),
                desc(a).map(|s| s * capped(W_DESCRIPTION)),
            ]
            .into_iter()
            .flatten()
            .max();
            let best = |in_others: Option<u32>| {
                let others = in_others.map(|b| b * capped(W_ALIAS.max(W_NICKNAME)));
                elsewhere.max(others)
            };
            name_total = name_total.zip(in_name).map(|(t, b)| t + b);
            // Every word in the name: the name's total at its own weight,
            // which a spread over fields is capped below.
            let could = |spread: u32| {
                let name_could = name_total.map_or(0, |t| (t + left) * W_NAME);
                (spread + left * W_CROSS_CAP).max(name_could) >= needed
            };
            // The aliases and nicknames together first; each alone only if
            // that leaves the entry in.
            let together = needle.bound(others);
            match best(together) {
                Some(b) if could(spread + b) => {}
                _ => return false,
            }
            let alone = together.and_then(|_| {
                let each = self.others(hays).iter();
                each.filter_map(|h| needle.bound(&h.letters)).max()
            });
            match best(alone) {
                Some(b) if could(spread + b) => spread += b,
                _ => return false,
            }
        }
        true
    }
}

/// The markers of an entry with more than `Hot` keeps.
// Not inlined, so that the rest of the entry is read only here: inlined,
// the compiler may read it ahead whether it is needed or not.
#[inline(never)]
fn many_markers(prepared: &[Prepared], slot: usize) -> &[u32] {
    &prepared[slot].markers
}

/// The best raw score positive atom `a` has in one of the description's
/// words of the entry in `slot`, from the per-query `desc_best` (see
/// `prepare_query`).
#[inline]
fn desc_score(desc_best: &[u16], slots: usize, a: usize, slot: usize) -> Option<u32> {
    if desc_best.is_empty() {
        return None;
    }
    Some(u32::from(desc_best[a * slots + slot])).filter(|&s| s > 0)
}

/// How many entries the scan reads most active first before it reads the
/// rest in slot order (see `search`): a good match fills the list and stops
/// the scan well within it. Small under test, so that the tests' registers
/// of a few hundred are read both ways.
const ACTIVE_FIRST: usize = if cfg!(test) { 64 } else { 8192 };

/// Beyond this many entries moved in the scan order at once, sorting it
/// afresh is cheaper than shifting it along for each.
const FEW_MOVES: usize = 16;

/// The activity figures that differ between `before` and `now` (each
/// holding every figure that is not 0, as the store reads them), as `(id,
/// figure now)`: what [`OffenderIndex::apply_changes`] needs to move.
pub fn activity_moves(before: &HashMap<i64, i64>, now: &HashMap<i64, i64>) -> Vec<(i64, i64)> {
    let mut moved: Vec<(i64, i64)> = now
        .iter()
        .filter(|&(id, a)| before.get(id) != Some(a))
        .map(|(&id, &a)| (id, a))
        .collect();
    moved.extend(
        before
            .keys()
            .filter(|id| !now.contains_key(id))
            .map(|&id| (id, 0)),
    );
    moved
}

/// The scan order: most active first, then the lower id.
fn scan_key(activity: i64, id: i64) -> (Reverse<i64>, i64) {
    (Reverse(activity), id)
}

/// Where in an entry a match was found: the field and which of its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spot {
    on: MatchedOn,
    nth: u32,
}

/// A scored entry, ordered so that greater is better: score, then activity,
/// then the lower id.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: u32,
    activity: i64,
    id: i64,
    slot: usize,
    spot: Spot,
    /// Found by the typo pass (not part of the order: the two passes rank
    /// apart).
    typo: bool,
}

impl Ranked {
    fn key(&self) -> (u32, i64, Reverse<i64>) {
        (self.score, self.activity, Reverse(self.id))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// An entry listed for an empty query, ordered so that greater is better:
/// activity, then name (ignoring case), then the lower id.
struct Listed<'a> {
    activity: i64,
    name: &'a str,
    id: i64,
}

fn cmp_ignoring_case(a: &str, b: &str) -> Ordering {
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
        .then_with(|| a.cmp(b))
}

impl PartialEq for Listed<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Listed<'_> {}
impl PartialOrd for Listed<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Listed<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.activity
            .cmp(&other.activity)
            .then_with(|| cmp_ignoring_case(other.name, self.name))
            .then_with(|| other.id.cmp(&self.id))
    }
}

/// Keeps the best `limit` items offered; the worst kept is at the top.
struct Best<T: Ord> {
    heap: BinaryHeap<Reverse<T>>,
    limit: usize,
}

impl<T: Ord> Best<T> {
    fn new(limit: usize) -> Self {
        Best {
            heap: BinaryHeap::with_capacity(limit.min(4096) + 1),
            limit,
        }
    }
    /// The worst item kept, once the heap is full (a newcomer must beat it).
    fn bar(&self) -> Option<&T> {
        if self.heap.len() < self.limit {
            None
        } else {
            self.heap.peek().map(|r| &r.0)
        }
    }
    fn len(&self) -> usize {
        self.heap.len()
    }
    fn offer(&mut self, item: T) {
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(item));
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if item > worst.0 {
                *worst = Reverse(item);
            }
        }
    }
    /// Best first.
    fn into_sorted(self) -> Vec<T> {
        // Ascending order of Reverse<T> is descending order of T.
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|r| r.0)
            .collect()
    }
}

/// The lowest score with which an entry of this activity and id gets past
/// `bar` (the worst hit kept so far).
fn score_needed(bar: Option<&Ranked>, activity: i64, id: i64) -> u32 {
    match bar {
        None => 0,
        Some(bar) if (activity, Reverse(id)) > (bar.activity, Reverse(bar.id)) => bar.score,
        Some(bar) => bar.score.saturating_add(1),
    }
}

/// Scratch space reused by every query.
#[derive(Default)]
struct Scratch {
    /// Raw score of every (marker, positive atom) pair, marker-major.
    marker_scores: Vec<Option<u16>>,
    /// Whether each marker contains a negative atom.
    marker_excluded: Vec<bool>,
    /// Raw score of every (description word, positive atom) pair that
    /// reaches the atom's description floor, word-major.
    desc_scores: Vec<Option<u16>>,
    /// Per positive atom, then per slot: the best of those scores among the
    /// slot's description words, 0 for none. Empty when no description word
    /// matches any atom.
    desc_best: Vec<u16>,
    typo: TypoScratch,
}

/// What scoring an entry writes to: one for each thread the scan runs on.
struct Work {
    matcher: Matcher,
    /// A text as chars (a description for a negative atom, a name as it is
    /// prepared).
    chars: Vec<char>,
    /// Per field value of one entry: the running total over the atoms so far,
    /// `None` once an atom has missed.
    totals: Vec<Option<u32>>,
    /// Per atom of the query: the field value of one entry it did best in.
    best_spot: Vec<usize>,
}

impl Default for Work {
    fn default() -> Work {
        Work {
            matcher: Matcher::new(Config::DEFAULT),
            chars: Vec::new(),
            totals: Vec::new(),
            best_spot: Vec::new(),
        }
    }
}

/// What scoring an entry reads: shared by every thread the scan runs on.
#[derive(Clone, Copy)]
struct View<'a> {
    entries: &'a [SearchEntry],
    prepared: &'a [Prepared],
    hot: &'a [Hot],
    order: &'a [u32],
    hays: &'a HayPool,
    scratch: &'a Scratch,
}

/// Past the most active (`ACTIVE_FIRST`), a scan of at least this many
/// entries is shared with a second thread where the machine has a second
/// core: each reads half, keeping its own list, and the lists are merged.
/// Below it a second thread costs more to start than it saves. Small under
/// test, so that the tests' registers are read both ways.
const TWO_THREADS_FROM: usize = if cfg!(test) { 128 } else { 16_384 };

/// Scratch space for the typo pass.
#[derive(Default)]
struct TypoScratch {
    /// Raw typo score of every (vocabulary word, typed word) pair, word-major.
    vocab_raw: Vec<Option<u32>>,
    /// Raw typo score of every (marker, typed word) pair, marker-major.
    marker_raw: Vec<Option<u32>>,
    /// Per field value of one entry: the best raw score of one typed word.
    here: Vec<Option<u32>>,
    /// Per field value of one entry: the running total over the typed words.
    totals: Vec<Option<u32>>,
    /// Per typed word: the field value of one entry it did best in.
    spots: Vec<usize>,
    /// A word with letters beyond ASCII, as chars.
    chars: Vec<char>,
    /// Per typed word: whether any word of the vocabulary matches it.
    found: Vec<bool>,
    /// The slots the exact pass found, sorted.
    exact: Vec<usize>,
    /// The slots the typo pass reads, when not everyone (sorted).
    candidates: Vec<u32>,
}

/// The offender register, prepared for search-as-you-type.
pub struct OffenderIndex {
    /// Entries and their haystacks, by slot (in no particular order).
    entries: Vec<SearchEntry>,
    prepared: Vec<Prepared>,
    /// What each entry's name, aliases and nicknames hold (see
    /// [`search_bound`]), laid end to end in slot order rather than beside
    /// each text: the scan reads them for most entries it visits, the texts
    /// only for the few the matcher runs on, and reading them in a row
    /// measured a third quicker than a jump to each entry's texts. An
    /// entry put in again has its letters put at the end; the pool is laid
    /// out afresh in slot order once more than half of it is left behind.
    hays: HayPool,
    slot_of: HashMap<i64, usize>,
    /// One per entry, by slot (what the scan reads of it).
    hot: Vec<Hot>,
    /// Every slot, in scan order (`scan_key`).
    order: Vec<u32>,
    /// Every distinct marker text seen (never shrinks; a handful of words).
    markers: Vec<Hay>,
    /// Every distinct word of a description (never shrinks, as the markers).
    desc_words: Vec<Hay>,
    desc_ids: HashMap<Box<str>, u32>,
    /// The same markers' words, for the typo pass.
    marker_words: Vec<Box<[u32]>>,
    vocab: Vocab,
    marker_ids: HashMap<String, u32>,
    work: Work,
    /// The second thread's (see `TWO_THREADS_FROM`), made when first needed.
    spare: Option<Box<Work>>,
    /// Whether the scan may share its work with a second thread.
    two_threads: bool,
    scratch: Scratch,
    /// For the typo pass, who holds each word: made when a typo pass first
    /// needs it, dropped whenever an entry is put in or taken out.
    postings: Option<Postings>,
    /// Who holds each description word, in slot order, each slot once per
    /// list: made when a query first needs it, dropped as `postings` is.
    desc_holders: Option<Vec<Vec<u32>>>,
}

/// The slots holding each word of the vocabulary (in a name, alias or
/// nickname) and each marker, in slot order, each slot once per list.
struct Postings {
    words: Vec<Vec<u32>>,
    markers: Vec<Vec<u32>>,
}

impl Postings {
    fn of(prepared: &[Prepared], words: usize, markers: usize) -> Postings {
        let mut out = Postings {
            words: vec![Vec::new(); words],
            markers: vec![Vec::new(); markers],
        };
        let add = |list: &mut Vec<u32>, slot: u32| {
            if list.last() != Some(&slot) {
                list.push(slot);
            }
        };
        for (slot, p) in prepared.iter().enumerate() {
            let slot = slot as u32;
            for w in p.words.iter() {
                add(&mut out.words[w.id as usize], slot);
            }
            for &m in p.markers.iter() {
                add(&mut out.markers[m as usize], slot);
            }
        }
        out
    }
}

impl fmt::Debug for OffenderIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OffenderIndex")
            .field("entries", &self.entries.len())
            .field("markers", &self.markers.len())
            .finish_non_exhaustive()
    }
}

impl OffenderIndex {
    /// Build the index. Should two entries share an id, the later one wins.
    pub fn new(mut entries: Vec<SearchEntry>) -> OffenderIndex {
        // Slots in scan order, so that the scan reads memory in a row (see
        // `search`). Stable: of two entries with one id, the later still wins.
        entries.sort_by_key(|e| scan_key(e.activity, e.id));
        let mut index = OffenderIndex {
            entries: Vec::with_capacity(entries.len()),
            prepared: Vec::with_capacity(entries.len()),
            hays: HayPool::default(),
            slot_of: HashMap::with_capacity(entries.len()),
            hot: Vec::new(),
            order: Vec::new(),
            markers: Vec::new(),
            desc_words: Vec::new(),
            desc_ids: HashMap::new(),
            marker_words: Vec::new(),
            vocab: Vocab::default(),
            marker_ids: HashMap::new(),
            work: Work::default(),
            spare: None,
            two_threads: std::thread::available_parallelism().is_ok_and(|n| n.get() > 1),
            scratch: Scratch::default(),
            postings: None,
            desc_holders: None,
        };
        for entry in entries {
            index.place(entry);
        }
        index.order_all();
        index
    }

    /// Make the scan order afresh from every entry.
    fn order_all(&mut self) {
        self.hot = (0..self.entries.len()).map(|s| self.hot_for(s)).collect();
        let hot = &self.hot;
        self.order = (0..hot.len() as u32).collect();
        self.order
            .sort_unstable_by_key(|&s| scan_key(hot[s as usize].activity, hot[s as usize].id));
        self.compact_hays();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &SearchEntry> {
        self.entries.iter()
    }

    pub fn entry(&self, id: i64) -> Option<&SearchEntry> {
        self.slot_of.get(&id).map(|&slot| &self.entries[slot])
    }

    /// Insert or replace one entry (after an edit), without rebuilding the rest.
    pub fn upsert(&mut self, entry: SearchEntry) {
        if let Some(&slot) = self.slot_of.get(&entry.id) {
            let at = self.hot_position(slot);
            self.order.remove(at);
        }
        let slot = self.place(entry);
        self.insert_hot(slot);
    }

    /// Change only an entry's activity figure (a new incident or sighting),
    /// without preparing its text again. False if the id is not in the index.
    pub fn set_activity(&mut self, id: i64, activity: i64) -> bool {
        let Some(&slot) = self.slot_of.get(&id) else {
            return false;
        };
        if self.entries[slot].activity != activity {
            let at = self.hot_position(slot);
            self.order.remove(at);
            self.entries[slot].activity = activity;
            self.insert_hot(slot);
        }
        true
    }

    /// Take an entry out of the index; nothing happens if it is not there.
    pub fn remove(&mut self, id: i64) {
        let Some(&slot) = self.slot_of.get(&id) else {
            return;
        };
        let at = self.hot_position(slot);
        self.order.remove(at);
        // The last entry moves into `slot`: its place in the scan order must
        // name it there.
        let last = self.entries.len() - 1;
        let moved_at = (slot != last).then(|| self.hot_position(last));
        self.take_out(slot);
        if let Some(at) = moved_at {
            self.order[at] = slot as u32;
        }
    }

    /// Bring the index up to what the register now holds: `changed`
    /// entries put in or replaced, `removed` ids taken out, and the
    /// activity figures in `moved` set (only those that changed: see
    /// [`activity_moves`]) — the index a rebuild would make, with only the
    /// changed entries' text prepared again. A few changes move a few
    /// entries in the scan order; many make it afresh, once.
    pub fn apply_changes(
        &mut self,
        changed: Vec<SearchEntry>,
        removed: &[i64],
        moved: &[(i64, i64)],
    ) {
        if changed.len() + removed.len() + moved.len() <= FEW_MOVES {
            for &id in removed {
                self.remove(id);
            }
            for entry in changed {
                self.upsert(entry);
            }
            for &(id, a) in moved {
                self.set_activity(id, a);
            }
            return;
        }
        for &id in removed {
            if let Some(&slot) = self.slot_of.get(&id) {
                self.take_out(slot);
            }
        }
        for entry in changed {
            self.place(entry);
        }
        for &(id, a) in moved {
            if let Some(&slot) = self.slot_of.get(&id) {
                self.entries[slot].activity = a;
            }
        }
        self.order_all();
    }

    /// Whether this many changes are cheaper applied than built afresh.
    pub fn few_enough(changes: usize) -> bool {
        changes <= FEW_MOVES
    }

    /// Take the entry in `slot` out of everything but the scan order; true
    /// if the last entry moved into `slot` to fill it.
    fn take_out(&mut self, slot: usize) -> bool {
        let id = self.entries[slot].id;
        self.slot_of.remove(&id);
        self.entries.swap_remove(slot);
        let gone = self.prepared.swap_remove(slot);
        self.hays_left_behind(&gone);
        self.postings = None;
        self.desc_holders = None;
        if slot < self.hot.len() {
            self.hot.swap_remove(slot);
        }
        match self.entries.get(slot) {
            Some(moved) => {
                self.slot_of.insert(moved.id, slot);
                true
            }
            None => false,
        }
    }

    /// Put the entry in its slot (a new one, or the one its id had), leaving
    /// the scan order to the caller.
    fn place(&mut self, entry: SearchEntry) -> usize {
        let prepared = self.prepare(&entry);
        self.postings = None;
        self.desc_holders = None;
        match self.slot_of.get(&entry.id) {
            Some(&slot) => {
                self.entries[slot] = entry;
                let gone = std::mem::replace(&mut self.prepared[slot], prepared);
                self.hays_left_behind(&gone);
                slot
            }
            None => {
                let slot = self.entries.len();
                self.slot_of.insert(entry.id, slot);
                self.entries.push(entry);
                self.prepared.push(prepared);
                slot
            }
        }
    }

    /// Count `gone`'s names as left behind in `hays`.
    fn hays_left_behind(&mut self, gone: &Prepared) {
        self.hays.stale += hay_range(gone).len();
    }

    /// Lay `hays` out afresh in slot order if more than half of it is left
    /// behind. Only where `hot` names every slot, as it copies where each
    /// entry's are.
    fn compact_hays(&mut self) {
        let old = &self.hays;
        if old.stale * 2 <= old.all.len() {
            return;
        }
        let mut pool = HayPool {
            all: Vec::with_capacity(old.all.len() - old.stale),
            ..HayPool::default()
        };
        for (p, hot) in self.prepared.iter_mut().zip(self.hot.iter_mut()) {
            let at = pool.all.len() as u32;
            for i in hay_range(p) {
                let PooledHay { letters, text: t } = old.all[i];
                let (from, end) = (t.at as usize, (t.at + t.len) as usize);
                let moved = if t.wide {
                    pool.wide.extend_from_slice(&old.wide[from..end]);
                    pool.wide.len()
                } else {
                    pool.ascii.extend_from_slice(&old.ascii[from..end]);
                    pool.ascii.len()
                };
                let text = TextAt {
                    at: (moved - t.len as usize) as u32,
                    ..t
                };
                pool.all.push(PooledHay { letters, text });
            }
            p.hays_at = at;
            hot.hays.0 = at;
            hot.name_text = pool.all[at as usize].text.ascii_at();
        }
        self.hays = pool;
    }

    fn prepare(&mut self, entry: &SearchEntry) -> Prepared {
        let markers: Box<[u32]> = entry.markers.iter().map(|m| self.marker_id(m)).collect();
        let texts = || {
            std::iter::once(&entry.name)
                .chain(&entry.aliases)
                .chain(&entry.nicknames)
                .map(String::as_str)
        };
        let hays_at = self.hays.all.len() as u32;
        for text in texts() {
            self.hays.push(text, &mut self.work.chars);
        }
        let typo_mask = self.hays.all[hays_at as usize..]
            .iter()
            .map(|h| &h.letters)
            .chain(markers.iter().map(|&m| &self.markers[m as usize].letters))
            .fold(0, |m, l| m | l.mask);
        let count = |n: usize| u32::try_from(n).expect("fewer than 4 billion aliases");
        Prepared {
            hays_at,
            aliases: count(entry.aliases.len()),
            nicknames: count(entry.nicknames.len()),
            markers,
            description: entry
                .description
                .split_whitespace()
                .map(|w| self.desc_word_id(w))
                .collect(),
            words: self.vocab.refs(texts()),
            typo_mask,
            kind: entry.kind,
        }
    }

    fn marker_id(&mut self, marker: &str) -> u32 {
        if let Some(&id) = self.marker_ids.get(marker) {
            return id;
        }
        let id = self.markers.len() as u32;
        self.markers.push(Hay::new(marker));
        let words = self.vocab.refs([marker]).iter().map(|w| w.id).collect();
        self.marker_words.push(words);
        self.marker_ids.insert(marker.to_string(), id);
        id
    }

    fn desc_word_id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.desc_ids.get(word) {
            return id;
        }
        let id = self.desc_words.len() as u32;
        self.desc_words.push(Hay::new(word));
        self.desc_ids.insert(word.into(), id);
        id
    }

    fn hot_for(&self, slot: usize) -> Hot {
        let e = &self.entries[slot];
        let p = &self.prepared[slot];
        let union = |m: Letters, l: &Letters| m.union(*l);
        let (name, others) = self.hays.all[hay_range(p)]
            .split_first()
            .expect("every entry has a name");
        let markers = p.markers.iter().map(|&k| &self.markers[k as usize].letters);
        let mut few = (p.markers.len() <= FEW_MARKERS).then_some([0; FEW_MARKERS]);
        for (i, &m) in p.markers.iter().enumerate() {
            match (&mut few, u16::try_from(m)) {
                (Some(few), Ok(m)) => few[i] = m,
                _ => few = None,
            }
        }
        Hot {
            activity: e.activity,
            id: e.id,
            letters: [
                name.letters,
                others
                    .iter()
                    .map(|h| &h.letters)
                    .fold(Letters::default(), union),
                markers.fold(Letters::default(), union),
            ],
            hays: (p.hays_at, 1 + others.len() as u32, p.aliases),
            markers: few.unwrap_or_default(),
            marker_count: if few.is_some() {
                p.markers.len() as u8
            } else {
                u8::MAX
            },
            name_text: name.text.ascii_at(),
            kind: e.kind,
        }
    }

    /// Where the entry in `slot` sits in the scan order.
    fn hot_position(&self, slot: usize) -> usize {
        let e = &self.entries[slot];
        self.order_search(scan_key(e.activity, e.id))
            .expect("every entry is in the scan order")
    }

    fn order_search(&self, key: (Reverse<i64>, i64)) -> Result<usize, usize> {
        let hot = &self.hot;
        self.order.binary_search_by_key(&key, |&s| {
            let h = &hot[s as usize];
            scan_key(h.activity, h.id)
        })
    }

    /// Read the entry in `slot` into `hot` and put it in the scan order.
    fn insert_hot(&mut self, slot: usize) {
        let hot = self.hot_for(slot);
        let key = scan_key(hot.activity, hot.id);
        if slot == self.hot.len() {
            self.hot.push(hot);
        } else {
            self.hot[slot] = hot;
        }
        let at = self.order_search(key).unwrap_or_else(|at| at);
        self.order.insert(at, slot as u32);
    }

    /// Best first, at most `limit`, optionally only one kind. An empty (or
    /// all-whitespace) query lists by activity (most active first, then name).
    ///
    /// Ranking: the best score over the entry's fields, where a name match
    /// outranks the same-quality alias/nickname match, which outranks marker,
    /// which outranks description (weighted field scores); ties broken by
    /// activity (higher first), then id (lower first). Typo matches (one
    /// typo per word of four letters or more) fill any places left, after
    /// every exact match.
    pub fn search(
        &mut self,
        query: &str,
        kind: Option<OffenderKind>,
        limit: usize,
    ) -> Vec<SearchHit> {
        if limit == 0 || self.entries.is_empty() {
            return Vec::new();
        }
        self.compact_hays();
        let query = Query::parse(query);
        self.prepare_query(&query);
        if query.positive.is_empty() {
            return self.list(&query, kind, limit);
        }
        let perfect = query.ceiling.saturating_mul(W_NAME);
        let mut best = Best::new(limit);
        let two_threads = self.two_threads;
        let (view, work, spare) = self.split();
        let mut rest = None;
        for at in 0..view.order.len() {
            if at == ACTIVE_FIRST {
                rest = Some(at);
                break;
            }
            let slot = view.order[at] as usize;
            let hot = view.hot[slot];
            if kind.is_some_and(|k| k != hot.kind) {
                continue;
            }
            let needed = score_needed(best.bar(), hot.activity, hot.id);
            if perfect < needed {
                // Everyone after is less active (or as active with a higher
                // id), so needs at least as much: no one else can get in.
                break;
            }
            view.offer(work, &query, slot, needed, &mut best);
        }
        if let Some(at) = rest {
            // Not stopped among the most active: the query matches poorly or
            // few. Everyone else is read in slot order, the order their
            // text sits in memory, which is several times quicker than
            // hopping about in the scan order; the list kept is the same
            // whatever order entries are offered in, and so whether one
            // thread reads them or two.
            let first = view.order[at] as usize;
            let from = scan_key(view.hot[first].activity, view.hot[first].id);
            let slots = view.hot.len();
            if two_threads && slots - at >= TWO_THREADS_FROM {
                let spare = spare.get_or_insert_with(Box::default);
                // The list so far is full of better matches than many: the
                // second thread's list must beat it too.
                let floor = best.bar().copied();
                let query = &query;
                let mid = slots / 2;
                let other = std::thread::scope(|s| {
                    let other = s.spawn(move || {
                        let mut theirs = Best::new(limit);
                        view.scan(spare, query, (kind, from), mid..slots, floor, &mut theirs);
                        theirs
                    });
                    view.scan(work, query, (kind, from), 0..mid, None, &mut best);
                    other.join()
                });
                match other {
                    Ok(theirs) => theirs.into_sorted().into_iter().for_each(|r| best.offer(r)),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            } else {
                view.scan(work, &query, (kind, from), 0..slots, None, &mut best);
            }
        }
        let found = best.len();
        let mut ranked = best.into_sorted();
        if found < limit {
            // The scan above met every exact match (it stops early only
            // with the list full): typo matches may have the places left.
            if let Some(typo) = &query.typo {
                let more = self.typo_pass(&query, typo, kind, limit - found, &ranked);
                ranked.extend(more);
            }
        }
        ranked.into_iter().map(|r| self.hit(r)).collect()
    }

    /// What scoring reads, and what it writes to.
    fn split(&mut self) -> (View<'_>, &mut Work, &mut Option<Box<Work>>) {
        let view = View {
            entries: &self.entries,
            prepared: &self.prepared,
            hot: &self.hot,
            order: &self.order,
            hays: &self.hays,
            scratch: &self.scratch,
        };
        (view, &mut self.work, &mut self.spare)
    }

    /// The places the exact matches left: people with every query word in
    /// their name, aliases, nicknames or markers, one typo per word allowed
    /// (see the module comment), best first, none of `exact` among them.
    // Kept out of `search`: inlined there, the exact scan measured up to a
    // tenth slower in the benchmark (`hl`, which has no typo pass).
    #[inline(never)]
    fn typo_pass(
        &mut self,
        query: &Query,
        typo: &TypoQuery,
        kind: Option<OffenderKind>,
        limit: usize,
        exact: &[Ranked],
    ) -> Vec<Ranked> {
        if !self.prepare_typo(typo) {
            return Vec::new(); // some word is like no word of anyone's
        }
        let seen = &mut self.scratch.typo.exact;
        seen.clear();
        seen.extend(exact.iter().map(|r| r.slot));
        seen.sort_unstable();
        let mut best: Best<Ranked> = Best::new(limit);
        // Only those holding some word like the typed word whose look-alikes
        // are held by the fewest, when they are few; else everyone. Either
        // way in slot order, not the scan order: reading the entries in the
        // order they sit in memory took half the time in the benchmark, and
        // the scan order's early stop seldom comes when the exact matches
        // were few.
        let mut candidates = std::mem::take(&mut self.scratch.typo.candidates);
        let few = self.typo_candidates(typo.words.len(), &mut candidates);
        let count = if few {
            candidates.len()
        } else {
            self.prepared.len()
        };
        let slot_at = |i: usize| if few { candidates[i] as usize } else { i };
        // Each word may lack at most its typo's worth of the letters of
        // everything it could match.
        let lacking = |p: &Prepared| {
            let lacks = |w: &Typed| (w.wide & !p.typo_mask).count_ones() > w.edits;
            typo.words.iter().any(lacks)
        };
        for i in 0..count {
            ask_typo_ahead(&self.prepared, (i, count), slot_at, lacking);
            let slot = slot_at(i);
            let p = &self.prepared[slot];
            if kind.is_some_and(|k| k != p.kind) || lacking(p) {
                continue;
            }
            let needed = best.bar().map_or(0, |bar| bar.score);
            if let Some(ranked) = self.typo_slot(query, typo, slot, needed) {
                if self.scratch.typo.exact.binary_search(&slot).is_err() {
                    best.offer(ranked);
                }
            }
        }
        self.scratch.typo.candidates = candidates;
        best.into_sorted()
    }

    /// After `prepare_typo`: true, with `out` the slots (sorted) holding a
    /// word or marker like one typed word, the one with the fewest holders,
    /// if they are few enough to be worth it. Everyone the typo pass could
    /// match is among them: every typed word must match a word of theirs.
    fn typo_candidates(&mut self, typed_words: usize, out: &mut Vec<u32>) -> bool {
        out.clear();
        let postings = self.postings.get_or_insert_with(|| {
            Postings::of(&self.prepared, self.vocab.words.len(), self.markers.len())
        });
        let TypoScratch {
            vocab_raw,
            marker_raw,
            ..
        } = &self.scratch.typo;
        let matching = |i: usize| {
            let words = postings
                .words
                .iter()
                .enumerate()
                .filter(move |&(w, _)| vocab_raw[w * typed_words + i].is_some());
            let markers = postings
                .markers
                .iter()
                .enumerate()
                .filter(move |&(m, _)| marker_raw[m * typed_words + i].is_some());
            words.chain(markers).map(|(_, list)| list)
        };
        let held = |i: usize| matching(i).map(Vec::len).sum::<usize>();
        let Some(rarest) = (0..typed_words).min_by_key(|&i| held(i)) else {
            return false;
        };
        // Past this many, sorting them costs about what reading everyone does.
        if held(rarest) > self.prepared.len() / 8 {
            return false;
        }
        for list in matching(rarest) {
            out.extend_from_slice(list);
        }
        out.sort_unstable();
        out.dedup();
        true
    }

    /// Per query that gets a typo pass: compare each typed word with every
    /// word of the vocabulary once, and score each marker from its words.
    /// False if some typed word matches no word at all (no one can match).
    fn prepare_typo(&mut self, typo: &TypoQuery) -> bool {
        let Self {
            vocab,
            marker_words,
            scratch,
            ..
        } = self;
        let n = typo.words.len();
        let TypoScratch {
            vocab_raw,
            marker_raw,
            chars,
            found,
            ..
        } = &mut scratch.typo;
        vocab_raw.clear();
        found.clear();
        found.resize(n, false);
        for word in &vocab.words {
            for (typed, found) in typo.words.iter().zip(found.iter_mut()) {
                let raw = typo_raw(typed, word, chars);
                *found |= raw.is_some();
                vocab_raw.push(raw);
            }
        }
        marker_raw.clear();
        for words in marker_words.iter() {
            for i in 0..n {
                let best = words
                    .iter()
                    .filter_map(|&id| vocab_raw[id as usize * n + i])
                    .max();
                marker_raw.push(best);
            }
        }
        found.iter().all(|&f| f)
    }

    /// Per query: score each distinct marker once.
    fn prepare_query(&mut self, query: &Query) {
        let Self {
            prepared,
            markers,
            desc_words,
            desc_holders,
            work,
            scratch,
            ..
        } = self;
        let matcher = &mut work.matcher;
        scratch.marker_scores.clear();
        scratch.marker_excluded.clear();
        scratch.desc_scores.clear();
        scratch.desc_best.clear();

        // A word typed is looked for within one word of a description, and
        // only a close match counts (`DESCRIPTION_FLOOR`): each distinct
        // word is matched once per query, not once per offender who has it,
        // and then each holder of a word that matched is told its score.
        let atoms = query.positive.len();
        let mut any = false;
        for word in desc_words.iter() {
            for a in 0..atoms {
                let floor = query.floors[a];
                let s = score(
                    &query.positive[a],
                    &query.needles[a],
                    (word.text.slice(..), &word.letters),
                    floor,
                    matcher,
                )
                .filter(|&s| s >= floor)
                .and_then(|s| u16::try_from(s).ok());
                any |= s.is_some();
                scratch.desc_scores.push(s);
            }
        }
        if any {
            let holders = desc_holders.get_or_insert_with(|| {
                let mut holders = vec![Vec::new(); desc_words.len()];
                for (slot, p) in prepared.iter().enumerate() {
                    for &w in p.description.iter() {
                        let list: &mut Vec<u32> = &mut holders[w as usize];
                        if list.last() != Some(&(slot as u32)) {
                            list.push(slot as u32);
                        }
                    }
                }
                holders
            });
            let slots = prepared.len();
            let best = &mut scratch.desc_best;
            best.resize(atoms * slots, 0);
            for (w, list) in holders.iter().enumerate() {
                for a in 0..atoms {
                    if let Some(s) = scratch.desc_scores[w * atoms + a] {
                        for &slot in list {
                            let b = &mut best[a * slots + slot as usize];
                            *b = (*b).max(s);
                        }
                    }
                }
            }
        }

        for marker in markers.iter() {
            let text = marker.text.slice(..);
            for atom in &query.positive {
                scratch.marker_scores.push(atom.score(text, matcher));
            }
            let excluded = query
                .negative
                .iter()
                .any(|a| a.score(text, matcher).is_none());
            scratch.marker_excluded.push(excluded);
        }
    }

    /// The empty query: everyone (of the kind, and not left out by a `!word`)
    /// by activity, then name.
    fn list(&mut self, query: &Query, kind: Option<OffenderKind>, limit: usize) -> Vec<SearchHit> {
        let mut best = Best::new(limit);
        for &slot in &self.order {
            let hot = &self.hot[slot as usize];
            if kind.is_some_and(|k| k != hot.kind) {
                continue;
            }
            if best
                .bar()
                .is_some_and(|bar: &Listed| hot.activity < bar.activity)
            {
                break; // everyone after is less active still
            }
            let slot = slot as usize;
            if left_out(
                query,
                (&self.prepared[slot], &self.hays),
                &self.entries[slot],
                &self.scratch,
                &mut self.work,
            ) {
                continue;
            }
            let entry = &self.entries[slot];
            best.offer(Listed {
                activity: entry.activity,
                name: &entry.name,
                id: entry.id,
            });
        }
        best.into_sorted()
            .into_iter()
            .map(|l| SearchHit {
                id: l.id,
                score: 0,
                matched_on: MatchedOn::Nothing,
                matched_text: None,
            })
            .collect()
    }

    /// Score one entry in the typo pass, or `None` if it does not match or
    /// cannot reach `needed`.
    fn typo_slot(
        &mut self,
        query: &Query,
        typo: &TypoQuery,
        slot: usize,
        needed: u32,
    ) -> Option<Ranked> {
        let Self {
            entries,
            prepared,
            hays,
            work,
            scratch,
            ..
        } = self;
        let p = &prepared[slot];
        let (score, spot) = typo_score(typo, p, &mut scratch.typo)?;
        if score < needed || left_out(query, (p, hays), &entries[slot], scratch, work) {
            return None;
        }
        let entry = &entries[slot];
        Some(Ranked {
            score,
            activity: entry.activity,
            id: entry.id,
            slot,
            spot,
            typo: true,
        })
    }

    fn hit(&self, r: Ranked) -> SearchHit {
        let entry = &self.entries[r.slot];
        let nth = r.spot.nth as usize;
        let matched_text = match r.spot.on {
            MatchedOn::Alias => entry.aliases.get(nth).cloned(),
            MatchedOn::Nickname => entry.nicknames.get(nth).cloned(),
            MatchedOn::Marker => entry.markers.get(nth).cloned(),
            MatchedOn::Name | MatchedOn::Description | MatchedOn::Nothing => None,
        };
        // Every exact match above every typo match, in the score too (the
        // sighting form takes equal scores at the top for a tie).
        let score = if r.typo {
            r.score.min(EXACT_FLOOR - 1)
        } else {
            r.score.saturating_add(EXACT_FLOOR)
        };
        SearchHit {
            id: entry.id,
            score,
            matched_on: r.spot.on,
            matched_text,
        }
    }
}

impl View<'_> {
    /// Score the entry in `slot` and offer it to `best`, unless its letters
    /// say it could not reach `needed`.
    fn offer(
        &self,
        work: &mut Work,
        query: &Query,
        slot: usize,
        needed: u32,
        best: &mut Best<Ranked>,
    ) {
        let (best_desc, slots) = (&self.scratch.desc_best, self.hot.len());
        let desc = |a| desc_score(best_desc, slots, a, slot);
        if !self.hot[slot].reaches(query, needed, desc, &self.hays.all) {
            return;
        }
        if let Some(ranked) = self.score_slot(work, query, slot, needed) {
            best.offer(ranked);
        }
    }

    /// Offer every entry in `slots` of the kind (if one) and from `from` on
    /// in the scan order, each needing to beat `floor` as well as `best`.
    fn scan(
        &self,
        work: &mut Work,
        query: &Query,
        (kind, from): (Option<OffenderKind>, (Reverse<i64>, i64)),
        slots: std::ops::Range<usize>,
        floor: Option<Ranked>,
        best: &mut Best<Ranked>,
    ) {
        let need = query
            .longest_first
            .first()
            .map_or(0, |&a| query.needles[a].need);
        for slot in slots {
            self.ask_ahead(slot, need);
            let hot = self.hot[slot];
            if kind.is_some_and(|k| k != hot.kind) || scan_key(hot.activity, hot.id) < from {
                continue;
            }
            let needed = score_needed(best.bar(), hot.activity, hot.id).max(score_needed(
                floor.as_ref(),
                hot.activity,
                hot.id,
            ));
            self.offer(work, query, slot, needed, best);
        }
    }

    /// Ask for what the scan may read of the entry `AHEAD` slots on: its
    /// names' letters and where their texts are, and its name's text; only
    /// if its names (together) hold the letters of the query's longest word
    /// (`need`), as the others' are seldom read: asked for every entry, a
    /// query that matches no one took twice as long.
    #[inline]
    fn ask_ahead(&self, slot: usize, need: u64) {
        let Some(ahead) = self.hot.get(slot + AHEAD) else {
            return;
        };
        // One that lacks the letters is asked for as the first entry,
        // which stays in the cache: a branch taken or not on them was
        // guessed wrong so often that it cost more than the reads saved.
        let named = (ahead.letters[0].mask | ahead.letters[1].mask) & need == need;
        let named = usize::from(named);
        let HayPool { all, ascii, .. } = self.hays;
        let at = ahead.hays.0 as usize * named;
        prefetch(all.as_ptr().wrapping_add(at), AHEAD_LINES);
        let text = ahead.name_text as usize * named;
        prefetch(ascii.as_ptr().wrapping_add(text), TEXT_LINES);
    }

    /// Score one entry, or `None` if it does not match or cannot reach `needed`.
    fn score_slot(
        &self,
        work: &mut Work,
        query: &Query,
        slot: usize,
        needed: u32,
    ) -> Option<Ranked> {
        let View {
            entries,
            prepared,
            hays,
            hot,
            scratch,
            ..
        } = *self;
        // Only what is needed is read: an entry's letters and texts are in
        // `hays`, its shape in `hot`, and the rest of it only for `!words`
        // or more markers than `hot` keeps.
        let h = &hot[slot];
        let slots = prepared.len();
        if left_out(
            query,
            (&prepared[slot], hays),
            &entries[slot],
            scratch,
            work,
        ) {
            return None;
        }
        let mut buf = [0; FEW_MARKERS];
        let shape = h.shape(&mut buf, prepared, slot);
        let found = if query.positive.len() == 1 {
            let matcher = &mut work.matcher;
            score_one_atom(
                query,
                (h, &shape, hays),
                (slot, slots),
                scratch,
                matcher,
                needed,
            )
        } else {
            score_atoms(query, (&shape, hays), (slot, slots), scratch, work)
        };
        let (score, spot) = found.filter(|&(score, _)| score >= needed)?;
        Some(Ranked {
            score,
            activity: h.activity,
            id: h.id,
            slot,
            spot,
            typo: false,
        })
    }
}

/// A parsed query: the words to match and the `!words` to leave out.
struct Query {
    positive: Vec<Atom>,
    negative: Vec<Atom>,
    /// Per positive atom: its letters, for the bound (see [`search_bound`]).
    needles: Vec<Needle>,
    /// Per positive atom: the raw score a description match needs.
    floors: Vec<u32>,
    /// Per positive atom: the best raw score it could reach.
    ceilings: Vec<u32>,
    /// The positive atoms, longest first: the order several are tried in,
    /// as a long word is the likelier to miss and end the trial.
    longest_first: Vec<usize>,
    /// The best raw score the positive atoms together could reach.
    ceiling: u32,
    /// The words as the typo pass compares them; `None` when it would not run.
    typo: Option<TypoQuery>,
}

impl Query {
    fn parse(query: &str) -> Query {
        // nucleo splits words on spaces only; a tab or a newline is a space too.
        let query: String = query
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        let pattern = Pattern::parse(&query, CaseMatching::Ignore, Normalization::Smart);
        let (negative, positive): (Vec<Atom>, Vec<Atom>) =
            pattern.atoms.into_iter().partition(|a| a.negative);
        let ceilings: Vec<u32> = positive.iter().map(atom_ceiling).collect();
        Query {
            needles: positive.iter().map(Needle::new).collect(),
            floors: ceilings
                .iter()
                .map(|c| c * DESCRIPTION_FLOOR.0 / DESCRIPTION_FLOOR.1)
                .collect(),
            ceiling: ceilings.iter().sum(),
            ceilings,
            longest_first: {
                let mut order: Vec<usize> = (0..positive.len()).collect();
                order.sort_by_key(|&a| Reverse(positive[a].needle_text().len()));
                order
            },
            typo: TypoQuery::new(&positive, !query.ends_with(' ')),
            positive,
            negative,
        }
    }
}

/// A query word as the typo pass compares it: folded, one of perhaps
/// several an atom splits into (`smith-jones`).
struct Typed {
    text: String,
    chars: Vec<char>,
    ascii: bool,
    /// `typo::letter_mask`, for one word of a haystack.
    mask: u32,
    /// `letter_bit`s, for an entry's letter masks.
    wide: u64,
    /// 1 if long enough for a typo, else 0.
    edits: u32,
    /// The word still being typed: a typo in a word's start counts too.
    prefix: bool,
    /// Its raw score matched whole and with no typo.
    top: u32,
}

/// The query as the typo pass reads it.
struct TypoQuery {
    words: Vec<Typed>,
}

impl TypoQuery {
    /// `None` when the typo pass would add nothing or is not wanted: no word
    /// is long enough for a typo, or a word asks for its letters as typed
    /// (`'word`, `^word`, `word$`), or has no letters to compare.
    fn new(positive: &[Atom], typing: bool) -> Option<TypoQuery> {
        if positive.is_empty() || positive.iter().any(|a| a.kind != AtomKind::Fuzzy) {
            return None;
        }
        let mut words = Vec::new();
        let (mut needle, mut buf) = (String::new(), String::new());
        for atom in positive {
            needle.clear();
            needle.extend(atom.needle_text().chars());
            let before = words.len();
            typo::for_each_word(&needle, &mut buf, |w| words.push(Typed::new(w)));
            if words.len() == before {
                return None;
            }
        }
        if !words.iter().any(|w| w.edits > 0) {
            return None;
        }
        if let Some(last) = words.last_mut() {
            last.prefix = typing;
        }
        Some(TypoQuery { words })
    }
}

impl Typed {
    fn new(word: &str) -> Typed {
        let chars: Vec<char> = word.chars().collect();
        let long_enough = (typo::MIN_CHARS..=typo::MAX_CHARS).contains(&chars.len());
        Typed {
            text: word.to_string(),
            ascii: word.is_ascii(),
            mask: typo::letter_mask(word),
            wide: chars.iter().fold(0, |m, &c| m | letter_bit(c)),
            edits: u32::from(long_enough),
            prefix: false,
            top: TYPO_PER_CHAR.saturating_mul(chars.len() as u32),
            chars,
        }
    }
}

/// A typed word's raw score against one word of a haystack, or `None`.
/// Per letter typed, the same as a whole word with no typo, less a little
/// for a typo (`TYPO_COST`) and for only a word's start matching.
fn typo_raw(typed: &Typed, w: &VocabWord, chars: &mut Vec<char>) -> Option<u32> {
    // Too short even for the word's start with one letter missing.
    if usize::from(w.chars) + (typed.edits as usize) < typed.chars.len() {
        return None;
    }
    if (typed.mask & !w.mask).count_ones() > typed.edits {
        return None;
    }
    let text = &*w.text;
    let close = if typed.ascii && text.is_ascii() {
        typo::closeness(
            typed.text.as_bytes(),
            text.as_bytes(),
            typed.edits,
            typed.prefix,
        )
    } else {
        chars.clear();
        chars.extend(text.chars());
        typo::closeness(&typed.chars, chars, typed.edits, typed.prefix)
    }?;
    Some(typed.top - TYPO_COST * close.edits - u32::from(!close.whole))
}

/// The typo pass's score for one entry, or `None` if a typed word matches
/// none of its words. The same shape as `score_atoms`: all the words in one
/// field value at its weight, or each in its best, capped at an alias's.
fn typo_score(typo: &TypoQuery, p: &Prepared, s: &mut TypoScratch) -> Option<(u32, Spot)> {
    let shape = p.shape();
    let typed_words = typo.words.len();
    let markers_from = hay_range(p).len();
    let values = markers_from + p.markers.len();
    let TypoScratch {
        vocab_raw,
        marker_raw,
        here,
        totals,
        spots,
        ..
    } = s;
    // Most entries miss some word: find out before keeping any tally.
    let matches = |i: usize| {
        p.words
            .iter()
            .any(|w| vocab_raw[w.id as usize * typed_words + i].is_some())
            || p.markers
                .iter()
                .any(|&m| marker_raw[m as usize * typed_words + i].is_some())
    };
    if !(0..typed_words).all(matches) {
        return None;
    }
    totals.clear();
    totals.resize(values, Some(0));
    spots.clear();
    let mut cross = 0u32;
    for i in 0..typed_words {
        here.clear();
        here.resize(values, None);
        let mut any = false;
        for w in p.words.iter() {
            if let Some(raw) = vocab_raw[w.id as usize * typed_words + i] {
                let best = &mut here[usize::from(w.value)];
                if best.is_none_or(|b| raw > b) {
                    *best = Some(raw);
                }
                any = true;
            }
        }
        for (j, &m) in p.markers.iter().enumerate() {
            let raw = marker_raw[m as usize * typed_words + i];
            any |= raw.is_some();
            here[markers_from + j] = raw;
        }
        if !any {
            return None;
        }
        let mut best_here: Option<(u32, usize)> = None;
        for (k, (total, &raw)) in totals.iter_mut().zip(here.iter()).enumerate() {
            tally(&shape, k, raw, total, &mut best_here);
        }
        let (capped, k) = best_here?;
        cross += capped;
        spots.push(k);
    }
    Some(settle(&shape, totals, cross, spots))
}

/// One word's score in field `k` of an entry, for the exact and the typo
/// passes alike: added to that field's total (a field the word misses can
/// no longer hold every word), and kept as the word's best field, at the
/// field's weight capped as a cross-field match is, if it beats the best.
fn tally(
    p: &Shape,
    k: usize,
    raw: Option<u32>,
    total: &mut Option<u32>,
    best_here: &mut Option<(u32, usize)>,
) {
    let Some(r) = raw else {
        *total = None;
        return;
    };
    if let Some(t) = total {
        *t += r;
    }
    let capped = r * weight(spot_at(p, k).on).min(W_CROSS_CAP);
    if best_here.is_none_or(|(b, _)| capped > b) {
        *best_here = Some((capped, k));
    }
}

/// As `View::ask_ahead`, for the typo pass reading the `i`th of `count`
/// entries (`slot_at`): the entry `AHEAD` on, and the words and markers of
/// the one half as far, if its letters leave it in (see `lacking`).
#[inline]
fn ask_typo_ahead(
    prepared: &[Prepared],
    (i, count): (usize, usize),
    slot_at: impl Fn(usize) -> usize,
    lacking: impl Fn(&Prepared) -> bool,
) {
    if i + AHEAD < count {
        prefetch(&prepared[slot_at(i + AHEAD)], 2);
    }
    if i + AHEAD / 2 < count {
        let near = &prepared[slot_at(i + AHEAD / 2)];
        // As in `ask_ahead`, one left out asks for the first entry's, with
        // no branch to guess wrong.
        let p = [&prepared[0], near][usize::from(!lacking(near))];
        prefetch(p.words.as_ptr(), 2);
        prefetch(p.markers.as_ptr(), 1);
    }
}

/// How many slots ahead the scan asks for an entry's names' letters (see
/// `View::ask_ahead`), and how many cache lines of them and of its texts
/// (most entries' fit): read for most entries visited, waiting on them was
/// half of a slow keystroke's time.
const AHEAD: usize = 8;
const AHEAD_LINES: usize = 4;
const TEXT_LINES: usize = 2;

/// Ask for what is at `at` and the next `lines` cache lines to be brought
/// into the cache, without waiting for them.
#[inline]
#[cfg_attr(not(target_arch = "x86_64"), allow(unused_variables))]
fn prefetch<T>(at: *const T, lines: usize) {
    #[cfg(target_arch = "x86_64")]
    for line in 0..lines {
        // SAFETY: a prefetch never faults, whatever the address, and SSE is
        // part of every x86-64 processor.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                at.cast::<i8>().wrapping_add(64 * line),
            )
        };
    }
}

/// Whether the query's `!words` leave the entry out (see `excluded`).
#[inline]
fn left_out(
    query: &Query,
    hays: (&Prepared, &HayPool),
    entry: &SearchEntry,
    scratch: &Scratch,
    work: &mut Work,
) -> bool {
    !query.negative.is_empty() && excluded(&query.negative, hays, &entry.description, scratch, work)
}

/// Whether any field of the entry contains one of the `!words`.
// Not inlined: inlined, the entry's description was read ahead for every
// entry scored, `!words` or none, which cost a tenth of a two-word search.
#[inline(never)]
fn excluded(
    negative: &[Atom],
    (p, hays): (&Prepared, &HayPool),
    description: &str,
    scratch: &Scratch,
    work: &mut Work,
) -> bool {
    let Work { matcher, chars, .. } = work;
    // A negative atom scores `None` when its text is present.
    let hit = |h: Utf32Str<'_>, matcher: &mut Matcher| {
        negative.iter().any(|a| a.score(h, matcher).is_none())
    };
    hay_range(p).any(|i| hit(hays.text(i), matcher))
        || p.markers.iter().any(|&m| scratch.marker_excluded[m as usize])
        // The whole text, as typed: `!word` leaves out anyone with it there.
        || hit(Utf32Str::new(description, chars), matcher)
}

/// The atom's raw score in one haystack, skipping the matcher when the
/// haystack's letters say it could not score at least `min` (0: any match).
fn score(
    atom: &Atom,
    needle: &Needle,
    (text, letters): (Utf32Str<'_>, &Letters),
    min: u32,
    matcher: &mut Matcher,
) -> Option<u32> {
    if needle.bound(letters)? < min {
        return None;
    }
    atom.score(text, matcher).map(u32::from)
}

/// Where the entry's name, then its aliases, then its nicknames are in the
/// index's `hays`.
fn hay_range(p: &Prepared) -> std::ops::Range<usize> {
    let at = p.hays_at as usize;
    at..at + 1 + (p.aliases + p.nicknames) as usize
}

/// The common case, one word: the fields in order of weight, each skipped
/// when even a perfect match there could not improve on what is found or
/// reach `needed`.
fn score_one_atom(
    query: &Query,
    (h, p, hays): (&Hot, &Shape, &HayPool),
    (slot, slots): (usize, usize),
    scratch: &Scratch,
    matcher: &mut Matcher,
    needed: u32,
) -> Option<(u32, Spot)> {
    let atom = &query.positive[0];
    let needle = &query.needles[0];
    let mut best: Option<(u32, Spot)> = None;
    let worth = |best: &Option<(u32, Spot)>, weight: u32| {
        let top = query.ceiling * weight;
        top >= needed && best.is_none_or(|(b, _)| top > b)
    };
    // The least raw score in a field of this weight that could count: one
    // that reaches `needed` and beats the best so far.
    let least = |best: &Option<(u32, Spot)>, weight: u32| {
        let beat = best.map_or(0, |(b, _)| b / weight + 1);
        needed.div_ceil(weight).max(beat)
    };
    let consider = |best: &mut Option<(u32, Spot)>, score: u32, on: MatchedOn, nth: usize| {
        if best.is_none_or(|(b, _)| score > b) {
            let nth = nth as u32;
            *best = Some((score, Spot { on, nth }));
        }
    };

    let range = h.range();
    let name = range.start;
    let aliases = name + 1..name + 1 + h.hays.2 as usize;
    let nicknames = aliases.end..range.end;
    let hay = |i: usize| (hays.text(i), &hays.all[i].letters);
    if let Some(s) = score(atom, needle, hay(name), least(&best, W_NAME), matcher) {
        consider(&mut best, s * W_NAME, MatchedOn::Name, 0);
    }
    if !aliases.is_empty() && worth(&best, W_ALIAS) {
        for (nth, i) in aliases.enumerate() {
            if let Some(s) = score(atom, needle, hay(i), least(&best, W_ALIAS), matcher) {
                consider(&mut best, s * W_ALIAS, MatchedOn::Alias, nth);
            }
        }
    }
    if !nicknames.is_empty() && worth(&best, W_NICKNAME) {
        for (nth, i) in nicknames.enumerate() {
            if let Some(s) = score(atom, needle, hay(i), least(&best, W_NICKNAME), matcher) {
                consider(&mut best, s * W_NICKNAME, MatchedOn::Nickname, nth);
            }
        }
    }
    // The markers' letters together first: the markers are looked at only
    // if one of them could count.
    let markers_reach = |best: &Option<(u32, Spot)>| {
        needle
            .bound(&h.letters[2])
            .is_some_and(|b| b >= least(best, W_MARKER))
    };
    if worth(&best, W_MARKER) && markers_reach(&best) {
        for (nth, &m) in p.markers.iter().enumerate() {
            if let Some(s) = scratch.marker_scores[m as usize] {
                consider(&mut best, u32::from(s) * W_MARKER, MatchedOn::Marker, nth);
            }
        }
    }
    if worth(&best, W_DESCRIPTION) {
        if let Some(s) = desc_score(&scratch.desc_best, slots, 0, slot) {
            consider(&mut best, s * W_DESCRIPTION, MatchedOn::Description, 0);
        }
    }
    best
}

/// The field value at position `k` of an entry's values laid end to end:
/// name, aliases, nicknames, markers, description.
fn spot_at(p: &Shape, k: usize) -> Spot {
    let (a, n, m) = (p.aliases, p.nicknames, p.markers.len());
    let (on, nth) = if k == 0 {
        (MatchedOn::Name, 0)
    } else if k <= a {
        (MatchedOn::Alias, k - 1)
    } else if k <= a + n {
        (MatchedOn::Nickname, k - 1 - a)
    } else if k <= a + n + m {
        (MatchedOn::Marker, k - 1 - a - n)
    } else {
        (MatchedOn::Description, 0)
    };
    Spot {
        on,
        nth: nth as u32,
    }
}

fn weight(on: MatchedOn) -> u32 {
    match on {
        MatchedOn::Name => W_NAME,
        MatchedOn::Alias => W_ALIAS,
        MatchedOn::Nickname => W_NICKNAME,
        MatchedOn::Marker => W_MARKER,
        MatchedOn::Description => W_DESCRIPTION,
        MatchedOn::Nothing => 0,
    }
}

/// Several words: every word against every field value. A field value that
/// matches all the words scores their sum at its weight; failing that (or
/// beating it), the words may match in different fields, each counted at its
/// field's weight capped at an alias's. Reported as the first field, after
/// the name, that a word matched in.
fn score_atoms(
    query: &Query,
    (p, hays): (&Shape, &HayPool),
    (slot, slots): (usize, usize),
    scratch: &Scratch,
    work: &mut Work,
) -> Option<(u32, Spot)> {
    let atoms = query.positive.len();
    let markers_from = p.hays().len();
    let values = markers_from + p.markers.len() + 1;
    let Scratch {
        marker_scores,
        desc_best,
        ..
    } = scratch;
    let Work {
        matcher,
        totals,
        best_spot,
        ..
    } = work;
    totals.clear();
    totals.resize(values, Some(0));
    best_spot.clear();
    let mut cross = 0u32;
    for &a in &query.longest_first {
        let atom = &query.positive[a];
        let needle = &query.needles[a];
        let mut best_here: Option<(u32, usize)> = None;
        for (k, total) in totals.iter_mut().enumerate() {
            let raw = if k < markers_from {
                let i = p.hays_at + k;
                score(
                    atom,
                    needle,
                    (hays.text(i), &hays.all[i].letters),
                    0,
                    matcher,
                )
            } else if k < values - 1 {
                let m = p.markers[k - markers_from] as usize;
                marker_scores[m * atoms + a].map(u32::from)
            } else {
                desc_score(desc_best, slots, a, slot)
            };
            tally(p, k, raw, total, &mut best_here);
        }
        let (capped, k) = best_here?;
        cross += capped;
        best_spot.push(k);
    }
    Some(settle(p, totals, cross, best_spot))
}

/// The better of the best field value that every word matched in (`totals`)
/// and the words spread over fields (`cross`, each word's best at `spots`).
fn settle(p: &Shape, totals: &[Option<u32>], cross: u32, spots: &[usize]) -> (u32, Spot) {
    let mut best: Option<(u32, Spot)> = None;
    for (k, total) in totals.iter().enumerate() {
        if let Some(t) = total {
            let spot = spot_at(p, k);
            let s = t * weight(spot.on);
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, spot));
            }
        }
    }
    match best {
        Some(b) if b.0 >= cross => b,
        _ => {
            let k = spots.iter().copied().filter(|&k| k > 0).min().unwrap_or(0);
            (cross, spot_at(p, k))
        }
    }
}

#[cfg(test)]
impl OffenderIndex {
    /// Every entry that matches, best first, with no pruning and no letter
    /// masks: the reference the fast scan is tested against. Every exact
    /// match, then every typo match of those left.
    fn rank_all(&mut self, query: &str, kind: Option<OffenderKind>) -> Vec<SearchHit> {
        let mut query = Query::parse(query);
        query.needles = query.needles.iter().map(Needle::unknown).collect();
        let typo = query.typo.take().map(|mut typo| {
            for w in &mut typo.words {
                (w.mask, w.wide) = (0, 0);
            }
            typo
        });
        query.typo = typo;
        self.prepare_query(&query);
        let wanted = |index: &Self, slot: usize| kind.is_none_or(|k| k == index.entries[slot].kind);
        let (view, work, _) = self.split();
        let mut all: Vec<Ranked> = (0..view.entries.len())
            .filter(|&slot| kind.is_none_or(|k| k == view.entries[slot].kind))
            .filter_map(|slot| view.score_slot(work, &query, slot, 0))
            .collect();
        all.sort_by(|a, b| b.cmp(a));
        if let Some(typo) = &query.typo {
            self.prepare_typo(typo);
            let exact: Vec<usize> = all.iter().map(|r| r.slot).collect();
            let mut more: Vec<Ranked> = (0..self.entries.len())
                .filter(|slot| !exact.contains(slot))
                .filter_map(|slot| {
                    wanted(self, slot).then(|| self.typo_slot(&query, typo, slot, 0))?
                })
                .collect();
            more.sort_by(|a, b| b.cmp(a));
            all.extend(more);
        }
        all.into_iter().map(|r| self.hit(r)).collect()
    }

    /// The scan order is sorted and names every entry once, at its slot.
    fn check_order(&self) {
        assert_eq!(self.hot.len(), self.entries.len());
        assert_eq!(self.order.len(), self.entries.len());
        let key = |&s: &u32| scan_key(self.hot[s as usize].activity, self.hot[s as usize].id);
        assert!(self.order.windows(2).all(|w| key(&w[0]) < key(&w[1])));
        for (slot, hot) in self.hot.iter().enumerate() {
            let e = &self.entries[slot];
            assert_eq!((e.id, e.activity, e.kind), (hot.id, hot.activity, hot.kind));
            assert_eq!(self.slot_of[&e.id], slot);
            let fresh = self.hot_for(slot);
            assert_eq!(hot.letters, fresh.letters);
            assert_eq!(hot.hays, fresh.hays);
            let kept = (hot.markers, hot.marker_count, hot.name_text);
            let fresh = (fresh.markers, fresh.marker_count, fresh.name_text);
            assert_eq!(kept, fresh, "slot {slot}");
            let mut buf = [0; FEW_MARKERS];
            let markers = hot.shape(&mut buf, &self.prepared, slot).markers;
            assert_eq!(markers, &*self.prepared[slot].markers);
            let name = self.hays.all[self.prepared[slot].hays_at as usize].text;
            assert_eq!(hot.name_text, if name.wide { 0 } else { name.at });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::search_bound::draws;
    use super::*;
    use OffenderKind::{IdSought, Known};

    #[allow(clippy::too_many_arguments)]
    fn entry(
        id: i64,
        kind: OffenderKind,
        name: &str,
        aliases: &[&str],
        nicknames: &[&str],
        markers: &[&str],
        description: &str,
        activity: i64,
    ) -> SearchEntry {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect();
        SearchEntry {
            id,
            kind,
            name: name.into(),
            aliases: v(aliases),
            nicknames: v(nicknames),
            markers: v(markers),
            description: description.into(),
            activity,
        }
    }

    fn named(id: i64, name: &str, activity: i64) -> SearchEntry {
        entry(id, Known, name, &[], &[], &[], "", activity)
    }

    fn register() -> OffenderIndex {
        OffenderIndex::new(vec![
            entry(
                1,
                Known,
                "Darren Hollis",
                &["Dean Halloran"],
                &["Daz"],
                &["violent"],
                "Tall, shaved head, tattoo of a swallow on his neck",
                12,
            ),
            entry(
                2,
                Known,
                "Kelly Marsh",
                &["Kelly Pike", "K Marsh"],
                &[],
                &["drugs"],
                "Short, red hair, usually pushes a pram",
                30,
            ),
            entry(
                3,
                IdSought,
                "",
                &[],
                &[],
                &["team-working"],
                "Male, 20s, grey North Face jacket, sports bag",
                3,
            ),
            entry(
                4,
                Known,
                "Zoë Brennan",
                &[],
                &["Zo"],
                &["prolific"],
                "Dark bob, nose ring",
                8,
            ),
            entry(
                5,
                Known,
                "Marcus Webb",
                &["Mark Webster"],
                &["Spider"],
                &["violent", "weapons"],
                "Spider web tattoo on left hand",
                20,
            ),
            entry(
                6,
                IdSought,
                "Woman in red coat",
                &[],
                &[],
                &[],
                "Female, 40s, red coat, large handbag",
                5,
            ),
            entry(
                7,
                Known,
                "Neil Adams",
                &[],
                &[],
                &[],
                "Thin bloke, tall, thin, wears glasses",
                1,
            ),
        ])
    }

    fn ids(hits: &[SearchHit]) -> Vec<i64> {
        hits.iter().map(|h| h.id).collect()
    }

    #[test]
    fn a_fragment_with_letters_missing_finds_the_person() {
        let mut index = register();
        let hits = index.search("hols", None, 10);
        assert_eq!(hits[0].id, 1, "{hits:?}");
        assert_eq!(hits[0].matched_on, MatchedOn::Name);
        assert_eq!(hits[0].matched_text, None);
        assert_eq!(ids(&index.search("darren hollis", None, 10)), vec![1]);
    }

    #[test]
    fn an_alias_finds_the_person_and_says_which_alias() {
        let mut index = register();
        let hits = index.search("halloran", None, 10);
        assert_eq!(ids(&hits), vec![1]);
        assert_eq!(hits[0].matched_on, MatchedOn::Alias);
        assert_eq!(hits[0].matched_text.as_deref(), Some("Dean Halloran"));

        let hits = index.search("pike", None, 10);
        assert_eq!(ids(&hits), vec![2]);
        assert_eq!(hits[0].matched_text.as_deref(), Some("Kelly Pike"));
    }

    #[test]
    fn a_nickname_finds_the_person_and_says_which_nickname() {
        let mut index = register();
        let hits = index.search("daz", None, 10);
        assert_eq!(hits[0].id, 1);
        assert_eq!(hits[0].matched_on, MatchedOn::Nickname);
        assert_eq!(hits[0].matched_text.as_deref(), Some("Daz"));
    }

    #[test]
    fn a_marker_finds_everyone_marked_with_it() {
        let mut index = register();
        let hits = index.search("violent", None, 10);
        assert_eq!(ids(&hits), vec![5, 1], "more active first: {hits:?}");
        for hit in &hits {
            assert_eq!(hit.matched_on, MatchedOn::Marker);
            assert_eq!(hit.matched_text.as_deref(), Some("violent"));
        }
        let hits = index.search("weapons", None, 10);
        assert_eq!(ids(&hits), vec![5]);
    }

    #[test]
    fn description_words_find() {
        let mut index = register();
        let hits = index.search("tattoo", None, 10);
        assert_eq!(ids(&hits), vec![5, 1]);
        assert!(hits.iter().all(|h| h.matched_on == MatchedOn::Description));
        assert!(hits.iter().all(|h| h.matched_text.is_none()));
        assert_eq!(ids(&index.search("north face", None, 10)), vec![3]);
        assert_eq!(ids(&index.search("20s", None, 10)), vec![3]);
        // A letter wrong still finds the word.
        assert_eq!(ids(&index.search("tatoo", None, 10)), vec![5, 1]);
    }

    #[test]
    fn letters_scattered_across_a_description_do_not_count() {
        // "Thin bloke, tall, thin, wears glasses" holds h…o…l…l…i…s.
        // So does "shaved head, tattoo of a swallow on his neck", beside
        // Darren Hollis's name.
        let mut index = register();
        let hits = index.search("hollis", None, 10);
        assert_eq!(ids(&hits), vec![1]);
        assert_eq!(hits[0].matched_on, MatchedOn::Name);
        index.upsert(entry(
            30,
            Known,
            "Ian Cross",
            &[],
            &[],
            &[],
            "Thin bloke, tall, thin, wears glasses",
            0,
        ));
        assert!(!ids(&index.search("hollis", None, 10)).contains(&30));
        assert!(ids(&index.search("glasses", None, 10)).contains(&30));
        // A typed word is looked for within one word of a description: two
        // words run together ("tattoo of a swallow") are not found as one.
        assert_eq!(ids(&index.search("swallow", None, 10)), vec![1]);
        assert!(index.search("tattooswallow", None, 10).is_empty());
        // … while a `!word` still leaves out anyone with it there, words run
        // together or not.
        assert!(!ids(&index.search("ian !glasses", None, 10)).contains(&30));
        assert!(!ids(&index.search("ian !tall, thin", None, 10)).contains(&30));
    }

    #[test]
    fn name_beats_alias_beats_marker_beats_description_at_equal_quality() {
        // The least active has the name match: the field decides, not activity.
        let mut index = OffenderIndex::new(vec![
            entry(
                1,
                Known,
                "Robert Stone",
                &[],
                &[],
                &[],
                "Often seen with Quinn",
                40,
            ),
            entry(2, Known, "Robert Stone", &[], &[], &["quinn"], "", 30),
            entry(3, Known, "Robert Stone", &["Jo Quinn"], &[], &[], "", 20),
            entry(4, Known, "Jordan Quinn", &[], &[], &[], "", 1),
        ]);
        let hits = index.search("quinn", None, 10);
        assert_eq!(ids(&hits), vec![4, 3, 2, 1], "{hits:?}");
        let on: Vec<_> = hits.iter().map(|h| h.matched_on).collect();
        use MatchedOn::*;
        assert_eq!(on, vec![Name, Alias, Marker, Description]);
    }

    #[test]
    fn a_much_better_alias_match_beats_a_poor_name_match() {
        let mut index = OffenderIndex::new(vec![
            named(1, "Paul Tinsley", 50),
            entry(2, Known, "Gary Cole", &["Tinsley"], &[], &[], "", 0),
            named(3, "Tim Inskip Leroy", 90),
        ]);
        // Weights order equal matches; they do not rescue a poor one.
        let hits = index.search("tinsley", None, 10);
        assert_eq!(ids(&hits), vec![1, 2, 3], "{hits:?}");
        assert_eq!(hits[1].matched_on, MatchedOn::Alias);
        assert_eq!(hits[2].matched_on, MatchedOn::Name);
    }

    #[test]
    fn whole_words_in_a_description_beat_letters_scattered_through_an_alias() {
        let mut index = OffenderIndex::new(vec![
            entry(
                1,
                Known,
                "Danny Murphy",
                &["Neil Cook"],
                &[],
                &[],
                "spider web tattoo on hand",
                40,
            ),
            entry(
                2,
                Known,
                "Sam Price",
                &[],
                &[],
                &[],
                "shaved head, tattoo on neck",
                1,
            ),
        ]);
        let hits = index.search("tattoo neck", None, 10);
        assert_eq!(ids(&hits), vec![2, 1], "{hits:?}");
        assert_eq!(hits[0].matched_on, MatchedOn::Description);
    }

    #[test]
    fn activity_breaks_ties_then_id() {
        let mut index = OffenderIndex::new(vec![
            named(10, "Sam Price", 2),
            named(11, "Sam Price", 9),
            named(12, "Sam Price", 2),
            named(9, "Sam Price", 2),
        ]);
        let hits = index.search("price", None, 10);
        assert_eq!(ids(&hits), vec![11, 9, 10, 12]);
        assert!(hits.windows(2).all(|w| w[0].score == w[1].score));
    }

    #[test]
    fn kind_filter_separates_known_and_id_sought() {
        let mut index = register();
        assert_eq!(ids(&index.search("red", Some(Known), 10)), vec![2]);
        assert_eq!(ids(&index.search("red", Some(IdSought), 10)), vec![6]);
        let sought = index.search("", Some(IdSought), 10);
        assert_eq!(ids(&sought), vec![6, 3]);
        let known = index.search("", Some(Known), 10);
        assert_eq!(ids(&known), vec![2, 5, 1, 4, 7]);
    }

    #[test]
    fn an_empty_query_lists_by_activity_then_name() {
        let mut index = register();
        let hits = index.search("", None, 10);
        assert_eq!(ids(&hits), vec![2, 5, 1, 4, 6, 3, 7]);
        assert!(hits.iter().all(|h| h.matched_on == MatchedOn::Nothing
            && h.score == 0
            && h.matched_text.is_none()));
        assert_eq!(ids(&index.search("   \t ", None, 10)), ids(&hits));

        let mut index = OffenderIndex::new(vec![
            named(1, "carl York", 4),
            named(2, "Amy Lowe", 4),
            named(3, "Ben Hart", 4),
            named(4, "Zed Ash", 9),
        ]);
        assert_eq!(ids(&index.search("", None, 10)), vec![4, 2, 3, 1]);
    }

    #[test]
    fn upsert_replaces_and_remove_removes() {
        let mut index = register();
        let mut changed = index.entry(1).unwrap().clone();
        changed.name = "Wayne Pickett".into();
        changed.aliases = vec!["Wayne Pick".into()];
        index.upsert(changed);
        assert_eq!(index.len(), 7);
        assert!(index.search("hollis", None, 10).is_empty());
        let hits = index.search("pickett", None, 10);
        assert_eq!(ids(&hits), vec![1]);
        assert_eq!(hits[0].matched_on, MatchedOn::Name);
        assert_eq!(index.entry(1).unwrap().name, "Wayne Pickett");

        index.upsert(named(8, "Darren Hollis", 0));
        assert_eq!(index.len(), 8);
        assert_eq!(ids(&index.search("hollis", None, 10)), vec![8]);

        index.remove(5);
        index.check_order();
        assert_eq!(index.len(), 7);
        assert!(index.entry(5).is_none());
        assert!(index.search("webb", None, 10).is_empty());
        assert_eq!(ids(&index.search("violent", None, 10)), vec![1]);
        // The others are still found, and found as themselves.
        for id in [1, 2, 3, 4, 6, 7, 8] {
            assert_eq!(index.entry(id).unwrap().id, id);
        }
        assert_eq!(ids(&index.search("zo", None, 1)), vec![4]);
        index.remove(5);
        index.remove(999);
        assert_eq!(index.len(), 7);

        for id in [1, 2, 3, 4, 6, 7, 8] {
            index.remove(id);
        }
        assert!(index.is_empty());
        assert!(index.search("", None, 10).is_empty());
        index.check_order();
    }

    #[test]
    fn activity_can_change_without_re_preparing() {
        let mut index = register();
        assert!(index.set_activity(7, 99));
        assert!(!index.set_activity(999, 1));
        assert_eq!(index.search("", None, 1)[0].id, 7);
        assert_eq!(index.search("neil", None, 1)[0].id, 7);
        index.check_order();
    }

    #[test]
    fn every_activity_moved_at_once_ranks_as_a_rebuild_would() {
        let mut index = register();
        let before: HashMap<i64, i64> = index
            .iter()
            .filter(|e| e.activity != 0)
            .map(|e| (e.id, e.activity))
            .collect();
        let figure = |id: i64| (id * 7) % 5;
        let figures: HashMap<i64, i64> = index
            .iter()
            .map(|e| (e.id, figure(e.id)))
            .filter(|&(_, a)| a != 0)
            .collect();
        let moved = activity_moves(&before, &figures);
        let expected = index.iter().filter(|e| e.activity != figure(e.id)).count();
        assert_eq!(moved.len(), expected);
        index.apply_changes(vec![], &[], &moved);
        index.check_order();
        let mut rebuilt = OffenderIndex::new(
            index
                .iter()
                .cloned()
                .map(|e| SearchEntry {
                    activity: figure(e.id),
                    ..e
                })
                .collect(),
        );
        for q in ["", "hol", "neil", "daz hol", "hollsi", "dazz"] {
            assert_eq!(
                index.search(q, None, 50),
                rebuilt.search(q, None, 50),
                "{q}"
            );
        }
        assert!(activity_moves(&figures, &figures).is_empty());
        // one figure changing moves only that entry; one gone to 0 is named too
        let mut one = figures.clone();
        one.insert(7, 50);
        let gone = *figures.keys().find(|&&id| id != 7).unwrap();
        one.remove(&gone);
        let mut moved = activity_moves(&figures, &one);
        moved.sort();
        let mut want = vec![(7, 50), (gone, 0)];
        want.sort();
        assert_eq!(moved, want);
        index.apply_changes(vec![], &[], &moved);
        index.check_order();
        assert_eq!(index.search("", None, 1)[0].id, 7);
        assert_eq!(index.entry(gone).unwrap().activity, 0);
    }

    #[test]
    fn changes_applied_in_place_search_as_a_rebuild_of_the_same_register() {
        // one change, and more than a few (which take the other path)
        for n in [1usize, 40] {
            let mut index = register();
            let mut kept: Vec<SearchEntry> = index.iter().cloned().collect();
            kept.sort_by_key(|e| e.id);
            let gone = kept.remove(0).id;
            let mut changed = vec![];
            for i in 0..n as i64 {
                let e = named(100 + i, &format!("Quentin Zebedee {i}"), i % 3);
                kept.push(e.clone());
                changed.push(e);
            }
            let renamed = SearchEntry {
                name: "Darren Hollister".into(),
                ..kept[0].clone()
            };
            kept[0] = renamed.clone();
            changed.push(renamed);
            let figure = |id: i64| id % 4;
            let before: HashMap<i64, i64> = index
                .iter()
                .filter(|e| e.activity != 0)
                .map(|e| (e.id, e.activity))
                .collect();
            let figures: HashMap<i64, i64> = kept
                .iter()
                .map(|e| (e.id, figure(e.id)))
                .filter(|&(_, a)| a != 0)
                .collect();
            let changed: Vec<SearchEntry> = changed
                .into_iter()
                .map(|e| SearchEntry {
                    activity: figure(e.id),
                    ..e
                })
                .collect();
            index.apply_changes(changed, &[gone, 999], &activity_moves(&before, &figures));
            index.check_order();
            let mut rebuilt = OffenderIndex::new(
                kept.into_iter()
                    .map(|e| SearchEntry {
                        activity: figure(e.id),
                        ..e
                    })
                    .collect(),
            );
            assert_eq!(index.len(), rebuilt.len());
            let queries = [
                "",
                "hol",
                "hollister",
                "zebedee",
                "neil",
                "daz hol",
                "holister",
                "zebedea",
            ];
            searches_alike(&mut index, &mut rebuilt, queries, &format!("{n} changes"));
            assert!(index.entry(gone).is_none());
        }
    }

    #[test]
    fn every_entry_put_in_again_one_by_one_searches_as_a_rebuild() {
        // More than half the letters left behind: laid out afresh, and
        // nothing found differently for it.
        let mut index = register();
        let mut again: Vec<SearchEntry> = index.iter().cloned().collect();
        again.sort_by_key(|e| e.id);
        for round in 0..2 {
            for e in again.iter_mut() {
                e.aliases.push(format!("{} Junior Zoë {round}", e.name));
                index.upsert(e.clone());
            }
        }
        let new_one = named(500, "Holly Hollister", 3);
        index.upsert(new_one.clone());
        again.push(new_one);
        assert!(index.hays.stale * 2 > index.hays.all.len());
        assert_eq!(ids(&index.search("hollis", None, 50)), vec![1, 500]);
        assert_eq!(index.hays.stale, 0, "laid out afresh");
        index.check_order();
        let mut rebuilt = OffenderIndex::new(again);
        let queries = [
            "",
            "hol",
            "junior",
            "hollis jun",
            "daz hol",
            "tatoo",
            "holister",
            "zoe",
            "zoë 1",
        ];
        searches_alike(&mut index, &mut rebuilt, queries, "put in again");
    }

    /// Both indexes find the same for each query.
    fn searches_alike<const N: usize>(
        index: &mut OffenderIndex,
        rebuilt: &mut OffenderIndex,
        queries: [&str; N],
        what: &str,
    ) {
        for q in queries {
            assert_eq!(
                index.search(q, None, 50),
                rebuilt.search(q, None, 50),
                "{what}, {q:?}"
            );
        }
    }

    #[test]
    fn case_and_accents_are_ignored() {
        let mut index = register();
        for q in ["zoe", "ZOE", "Zoe", "zoë", "brennan zoe"] {
            let hits = index.search(q, None, 10);
            assert_eq!(hits.first().map(|h| h.id), Some(4), "{q}: {hits:?}");
        }
        // A decomposed ë (e + combining diaeresis), as some systems send it.
        index.upsert(named(20, "Zoe\u{308} Ford", 0));
        assert!(ids(&index.search("zoe ford", None, 10)).contains(&20));
        assert_eq!(index.search("KELLY MARSH", None, 10)[0].id, 2);
    }

    #[test]
    fn words_may_match_in_different_fields() {
        let mut index = register();
        let hits = index.search("daz hol", None, 10);
        assert_eq!(ids(&hits), vec![1]);
        assert_eq!(hits[0].matched_on, MatchedOn::Nickname);
        assert_eq!(hits[0].matched_text.as_deref(), Some("Daz"));

        // Name and marker: the violent Marcus, not the violent Darren.
        let hits = index.search("marcus violent", None, 10);
        assert_eq!(ids(&hits), vec![5]);
        assert_eq!(hits[0].matched_on, MatchedOn::Marker);

        // Every word must match somewhere.
        assert!(index.search("daz quibble", None, 10).is_empty());

        // Both words in the name beats the same words split over fields.
        let mut index = OffenderIndex::new(vec![
            entry(1, Known, "Lee Daniels", &["Daz"], &[], &[], "", 50),
            named(2, "Daz Lee", 0),
        ]);
        let hits = index.search("daz lee", None, 10);
        assert_eq!(ids(&hits), vec![2, 1]);
        assert_eq!(hits[0].matched_on, MatchedOn::Name);
        assert_eq!(hits[1].matched_on, MatchedOn::Alias);
    }

    #[test]
    fn every_marker_counts_however_many_an_entry_has() {
        let markers = ["violent", "weapons", "drugs", "shoplifter", "begging"];
        let mut index = OffenderIndex::new(vec![
            entry(1, Known, "Lee Daniels", &[], &[], &markers, "", 5),
            entry(2, Known, "Lee Marsh", &[], &[], &markers[..3], "", 9),
            named(3, "Begg Lee", 0),
        ]);
        // The fifth marker, alone and beside a name word; letters left out,
        // so that the typo pass could not find them.
        for q in ["begng", "lee begng", "daniels shplftr"] {
            let hits = index.search(q, None, 10);
            assert_eq!(hits.first().map(|h| h.id), Some(1), "{q}: {hits:?}");
            assert_eq!(hits[0].matched_on, MatchedOn::Marker, "{q}");
        }
        let hits = index.search("lee begng", None, 10);
        assert_eq!(hits[0].matched_text.as_deref(), Some("begging"));
        // Markers past the first three still leave people out.
        assert_eq!(ids(&index.search("lee !begging", None, 10)), vec![2, 3]);
        assert_eq!(ids(&index.search("lee drugs", None, 10)), vec![2, 1]);
    }

    #[test]
    fn an_excluded_word_leaves_people_out() {
        let mut index = register();
        assert_eq!(ids(&index.search("violent", None, 10)), vec![5, 1]);
        assert_eq!(ids(&index.search("violent !weapons", None, 10)), vec![1]);
        assert_eq!(
            ids(&index.search("!tattoo", Some(Known), 10)),
            vec![2, 4, 7]
        );
    }

    #[test]
    fn limit_is_respected() {
        let mut index = register();
        assert_eq!(index.search("", None, 3).len(), 3);
        assert_eq!(ids(&index.search("", None, 3)), vec![2, 5, 1]);
        assert!(index.search("e", None, 0).is_empty());
        let all = index.search("e", None, 100);
        assert!(all.len() > 2);
        assert_eq!(index.search("e", None, 2), all[..2].to_vec());
    }

    #[test]
    fn nothing_found_is_an_empty_list() {
        let mut index = register();
        assert!(index.search("xyzzy", None, 10).is_empty());
        assert!(OffenderIndex::new(Vec::new())
            .search("a", None, 10)
            .is_empty());
    }

    #[test]
    fn query_syntax_characters_alone_list_everyone() {
        let mut index = register();
        for q in ["^", "'", "$", "!"] {
            assert_eq!(index.search(q, None, 10).len(), 7, "{q}");
        }
    }

    #[test]
    fn the_index_can_be_moved_to_another_task() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<OffenderIndex>();
    }

    /// People a misspelling could be taken between, named as in the demo town.
    fn town() -> OffenderIndex {
        OffenderIndex::new(vec![
            named(1, "Tyler Garside", 1),
            entry(2, Known, "Tyler Lowther", &["Ryan Cobb"], &[], &[], "", 9),
            entry(
                3,
                Known,
                "Jordan Garside",
                &["JG"],
                &[],
                &["prolific"],
                "",
                7,
            ),
            named(4, "Kyle Fairley", 4),
            named(5, "Liam Fairley", 4),
            named(6, "Kyle Marsh", 6),
            entry(
                7,
                Known,
                "Chantelle Oakes",
                &[],
                &[],
                &["team-working"],
                "",
                5,
            ),
            named(8, "Chantelle Lowther", 3),
            entry(
                9,
                Known,
                "Darren Hollis",
                &[],
                &["Daz"],
                &["violent"],
                "",
                2,
            ),
            entry(10, Known, "Gary Ashdown", &[], &["Gaz"], &[], "", 8),
            entry(11, Known, "Barry Stott", &[], &["Baz"], &[], "", 8),
            named(12, "Dan Pym", 8),
            entry(13, Known, "Neil Adams", &[], &[], &[], "wears glasses", 1),
            entry(14, IdSought, "Man in grey hoodie", &[], &[], &[], "", 6),
        ])
    }

    #[test]
    fn a_misspelt_name_finds_the_person() {
        let mut index = town();
        for (q, id) in [
            ("tylor garside", 1),
            ("kyle fariley", 4),
            ("dazz", 9),
            ("chantel oaks", 7),
        ] {
            // Alone, not only first: the others share a word or a few letters.
            assert_eq!(ids(&index.search(q, None, 10)), vec![id], "{q}");
        }
        let hits = index.search("dazz", None, 10);
        assert_eq!(hits[0].matched_on, MatchedOn::Nickname);
        assert_eq!(hits[0].matched_text.as_deref(), Some("Daz"));
    }

    #[test]
    fn each_kind_of_typo_is_forgiven_once_per_word() {
        let mut index = town();
        for q in [
            "tylor garside",  // a wrong letter
            "tyler garsde",   // a missing one
            "tyler garsidde", // an extra one
            "tyelr garside",  // two swapped
            "tylor garsdie",  // one in each word
            "TYLOR GARSÍDE",  // case and accents as ever
        ] {
            let hits = index.search(q, None, 10);
            assert_eq!(ids(&hits), vec![1], "{q}");
            assert_eq!(hits[0].matched_on, MatchedOn::Name, "{q}");
        }
        // Two in one word are too many.
        for q in ["tilor garside", "tyler garisdde", "kyle fraiely"] {
            assert!(index.search(q, None, 10).is_empty(), "{q}");
        }
    }

    #[test]
    fn a_typo_needs_every_word_and_a_word_of_four_letters() {
        let mut index = town();
        // Kyle Marsh has the first word, Liam Fairley the second.
        assert_eq!(ids(&index.search("kyle fariley", None, 10)), vec![4]);
        // One edit from Gaz, Baz and Dan, but three letters take none.
        assert_eq!(ids(&index.search("daz", None, 10)), vec![9]);
        assert!(index.search("qan", None, 10).is_empty());
        assert!(index.search("qa", None, 10).is_empty());
        // From four letters a typo is forgiven: Dan is found, not Daz.
        assert_eq!(ids(&index.search("dann", None, 10)), vec![12]);
        // Nor does "dazz" bring in Gaz, Baz, Dan or Darren: two edits each.
        assert_eq!(ids(&index.search("dazz", None, 10)), vec![9]);
    }

    #[test]
    fn an_exact_match_ranks_above_a_typo_match() {
        let mut index = town();
        index.upsert(named(20, "Taylor Garside", 0));
        index.upsert(named(21, "Josh Farley", 50));
        index.upsert(entry(22, Known, "Dean Cole", &[], &["Dazzler"], &[], "", 0));
        // "tylor" is in "Taylor" as typed: the least active, still first.
        let hits = index.search("tylor garside", None, 10);
        assert_eq!(ids(&hits), vec![20, 1], "{hits:?}");
        assert!(hits[0].score > hits[1].score);
        // The start of a word typed exactly, above one with a letter extra.
        assert_eq!(ids(&index.search("fairl", None, 10)), vec![4, 5, 21]);
        assert_eq!(ids(&index.search("dazz", None, 10)), vec![22, 9]);
        // Scores keep the order, and no typo match ties an exact one.
        let hits = index.search("fairl", None, 10);
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(hits[1].score > hits[2].score);
    }

    #[test]
    fn typo_matches_rank_by_typos_then_field_then_activity() {
        let mut index = OffenderIndex::new(vec![
            named(1, "Kyla Fairley", 40),
            named(2, "Kyle Fairley", 1),
            entry(3, Known, "Sam Price", &["Kyle Farley"], &[], &[], "", 30),
            named(4, "Kyle Fairley", 9),
        ]);
        let hits = index.search("kyle fariley", None, 10);
        // One typo in the name (the more active first); one in an alias;
        // two in the name.
        assert_eq!(ids(&hits), vec![4, 2, 3, 1], "{hits:?}");
        assert_eq!(hits[2].matched_on, MatchedOn::Alias);
        assert_eq!(hits[2].matched_text.as_deref(), Some("Kyle Farley"));
        assert!(hits[1].score > hits[2].score && hits[2].score > hits[3].score);
    }

    #[test]
    fn typos_in_aliases_nicknames_and_markers_are_forgiven_but_not_in_descriptions() {
        let mut index = town();
        let hits = index.search("ryan cobbb", None, 10);
        assert_eq!(ids(&hits), vec![2]);
        assert_eq!(hits[0].matched_on, MatchedOn::Alias);
        assert_eq!(hits[0].matched_text.as_deref(), Some("Ryan Cobb"));
        let hits = index.search("violnet", None, 10);
        assert_eq!(ids(&hits), vec![9]);
        assert_eq!(hits[0].matched_on, MatchedOn::Marker);
        assert_eq!(ids(&index.search("garside prolifc", None, 10)), vec![3]);
        // A description is long free text: one edit there matches too much.
        assert_eq!(ids(&index.search("glasses", None, 10)), vec![13]);
        assert!(index.search("galsses", None, 10).is_empty());
    }

    #[test]
    fn only_the_word_being_typed_may_have_a_typo_in_its_start() {
        let mut index = town();
        assert_eq!(ids(&index.search("tyler grasi", None, 10)), vec![1]);
        // a space after it: the word is finished, and "grasi" is no word here
        assert!(index.search("tyler grasi ", None, 10).is_empty());
        assert!(index.search("grasi tyler", None, 10).is_empty());
        // the start of a finished word, typed right, is fine
        assert_eq!(ids(&index.search("chan oaks", None, 10)), vec![7]);
        assert_eq!(ids(&index.search("chan okaes", None, 10)), vec![7]);
    }

    #[test]
    fn the_typo_pass_only_fills_places_and_keeps_to_the_query() {
        let mut index = town();
        index.upsert(named(21, "Josh Farley", 50));
        assert_eq!(ids(&index.search("fairl", None, 2)), vec![4, 5]);
        assert_eq!(ids(&index.search("fairl", None, 3)), vec![4, 5, 21]);
        assert!(index.search("tylor garside", Some(IdSought), 10).is_empty());
        assert_eq!(
            ids(&index.search("gery hoodie", Some(IdSought), 10)),
            vec![14]
        );
        // `!word` leaves people out of typo matches too
        assert!(index.search("garside prolifc !jordan", None, 10).is_empty());
        assert_eq!(
            ids(&index.search("tylor garside !prolific", None, 10)),
            vec![1]
        );
        // letters asked for as typed get no typo
        for q in ["'tylor garside", "^tylor garside", "tylor garside$"] {
            assert!(index.search(q, None, 10).is_empty(), "{q}");
        }
    }

    /// The pruning trusts `atom_ceiling`; check it against the matcher.
    #[test]
    fn ceiling_holds() {
        let mut matcher = Matcher::new(Config::DEFAULT);
        let haystacks = [
            "hollis",
            "Darren Hollis",
            "darren-hollis",
            "HOLLIS",
            "o'brien",
            "O'Brien Hollis",
            "x hollis y",
            "a/b:c;d|e hollis",
            "Zoë",
            "zoe",
            "123 456",
            "Spider web tattoo on left hand",
            "violent",
        ];
        let needles = [
            "h", "hol", "hollis", "o'b", "zoe", "zoë", "123", "tattoo", "'web", "^hol", "lis$",
            "violent",
        ];
        for needle in needles {
            let pattern = Pattern::parse(needle, CaseMatching::Ignore, Normalization::Smart);
            let atom = &pattern.atoms[0];
            for h in haystacks {
                let h = Utf32String::from(h);
                if let Some(s) = atom.score(h.slice(..), &mut matcher) {
                    assert!(u32::from(s) <= atom_ceiling(atom), "{needle} in {h}: {s}");
                }
            }
            // The ceiling is reached, so it is not needlessly loose.
            let plain = needle.trim_start_matches(['\'', '^']).trim_end_matches('$');
            let own = Utf32String::from(plain);
            assert_eq!(
                atom.score(own.slice(..), &mut matcher).map(u32::from),
                Some(atom_ceiling(atom)),
                "{needle}"
            );
        }
    }

    /// The pruned top-`limit` scan gives what ranking everyone would.
    #[test]
    fn pruned_search_agrees_with_ranking_everyone() {
        let first = [
            "Darren", "Dean", "Kelly", "Zoë", "Marcus", "Lee", "Amy", "Holly", "Sam", "Jo",
        ];
        let last = [
            "Hollis", "Holt", "Marsh", "Webb", "Quinn", "Price", "Lowe", "Hart", "Pike",
        ];
        let nick = ["Daz", "Spider", "Holly", "Tommo", "Mo"];
        let marks = ["violent", "weapons", "drugs", "prolific"];
        let words = [
            "tall", "short", "tattoo", "hood", "holdall", "red", "scar", "hat",
        ];
        let mut next = draws(7);
        let mut entries = Vec::new();
        for id in 0..600 {
            let name = format!("{} {}", first[next(first.len())], last[next(last.len())]);
            let aliases = (0..next(3))
                .map(|_| format!("{} {}", first[next(first.len())], last[next(last.len())]))
                .collect();
            let nicknames = (0..next(2))
                .map(|_| nick[next(nick.len())].to_string())
                .collect();
            let markers = (0..next(3))
                .map(|_| marks[next(marks.len())].to_string())
                .collect();
            let description = (0..next(6))
                .map(|_| words[next(words.len())])
                .collect::<Vec<_>>()
                .join(", ");
            let kind = if next(4) == 0 { IdSought } else { Known };
            let activity = next(8) as i64;
            entries.push(SearchEntry {
                id,
                kind,
                name,
                aliases,
                nicknames,
                markers,
                description,
                activity,
            });
        }
        let mut index = OffenderIndex::new(entries.clone());
        index.check_order();
        let queries = [
            "h",
            "ho",
            "hol",
            "holl",
            "hollis",
            "daz hol",
            "t",
            "ta",
            "tattoo",
            "violent",
            "zoe",
            "ly",
            "holly",
            "d h",
            "pri lee",
            "viol hol",
            "'hol",
            "^ma",
            "lt$",
            "hol !violent",
            "xyz",
            // typos: the typo pass fills what the exact matches leave
            "hollsi",
            "holls",
            "hlolis",
            "holl",
            "darrne hol",
            "kelly mrash",
            "pirce",
            "violnet",
            "spidr",
            "tall hollsi",
            "prcie !violent",
            "qxzjvk",
        ];
        let agree = |index: &mut OffenderIndex| {
            for q in queries {
                for kind in [None, Some(Known), Some(IdSought)] {
                    let all = index.rank_all(q, kind);
                    for limit in [1, 5, 50, 1000] {
                        let top = index.search(q, kind, limit);
                        let want = &all[..all.len().min(limit)];
                        assert_eq!(top, want, "{q:?} {kind:?} limit {limit}");
                    }
                }
            }
        };
        agree(&mut index);

        // Edits, removals and new activity keep the scan order right.
        for round in 0..300 {
            let id = next(700) as i64;
            match round % 3 {
                0 => {
                    let mut e = entries[next(entries.len())].clone();
                    e.id = id;
                    e.activity = next(8) as i64;
                    index.upsert(e);
                }
                1 => index.remove(id),
                _ => {
                    index.set_activity(id, next(8) as i64);
                }
            }
        }
        index.check_order();
        agree(&mut index);
    }

    /// The typo pass reads only the holders of the rarest typed word's
    /// look-alikes when they are few: the same list as ranking everyone,
    /// before and after entries change (the holders are worked out again).
    #[test]
    fn the_typo_pass_over_few_holders_agrees_with_ranking_everyone() {
        let syllables = [
            "bren", "nan", "hol", "lis", "far", "ley", "gar", "side", "zoë", "ëm",
        ];
        let mut next = draws(3);
        let word = |next: &mut dyn FnMut(usize) -> usize| {
            let mut w: String = (0..2 + next(2))
                .map(|_| syllables[next(syllables.len())])
                .collect();
            let first = w.remove(0);
            first.to_uppercase().chain(w.chars()).collect::<String>()
        };
        let mut entries = Vec::new();
        for id in 0..800 {
            let name = format!("{} {}", word(&mut next), word(&mut next));
            let aliases = (0..next(3)).map(|_| word(&mut next)).collect();
            let nicknames = (0..next(2)).map(|_| word(&mut next)).collect();
            let markers = (0..next(2))
                .map(|_| ["violent", "drugs"][next(2)].to_string())
                .collect();
            entries.push(SearchEntry {
                id,
                kind: if next(3) == 0 { IdSought } else { Known },
                name,
                aliases,
                nicknames,
                markers,
                description: "brennan hollis in a hood".to_string(),
                activity: next(5) as i64,
            });
        }
        let mut index = OffenderIndex::new(entries.clone());
        let queries = [
            "brennna",
            "hollsi",
            "farlye",
            "garsdie",
            "brenan hol",
            "hollis farlye",
            "zoe brennna",
            "lisfar",
            "violnet hollsi",
            "brennna !violent",
            "nanbern",
            "qxzjvk",
        ];
        let agree = |index: &mut OffenderIndex| {
            let mut few = 0;
            for q in queries {
                let query = Query::parse(q);
                if let Some(typo) = &query.typo {
                    if index.prepare_typo(typo) {
                        let mut out = Vec::new();
                        few += usize::from(index.typo_candidates(typo.words.len(), &mut out));
                    }
                }
                for kind in [None, Some(Known)] {
                    let all = index.rank_all(q, kind);
                    for limit in [1, 5, 50, 1000] {
                        let top = index.search(q, kind, limit);
                        let want = &all[..all.len().min(limit)];
                        assert_eq!(top, want, "{q:?} {kind:?} limit {limit}");
                    }
                }
            }
            assert!(few >= 4, "few holders for only {few} queries");
        };
        agree(&mut index);
        for round in 0..200 {
            let id = next(900) as i64;
            match round % 3 {
                0 => {
                    let mut e = entries[next(entries.len())].clone();
                    e.id = id;
                    e.name = format!("{} {}", word(&mut next), word(&mut next));
                    index.upsert(e);
                }
                1 => index.remove(id),
                _ => {
                    index.set_activity(id, next(5) as i64);
                }
            }
            if round % 50 == 0 {
                agree(&mut index);
            }
        }
        agree(&mut index);
    }

    #[test]
    fn marker_ids_past_what_hot_keeps_are_read_from_the_rest_of_the_entry() {
        let many: Vec<String> = (0..65_540).map(|i| format!("m{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let mut index = OffenderIndex::new(vec![
            entry(1, Known, "Ann Other", &[], &[], &many, "", 100),
            // ids 65540.. : past u16, and few of them
            entry(
                2,
                Known,
                "Lee Daniels",
                &[],
                &[],
                &["violent", "zzqqx"],
                "",
                5,
            ),
            entry(3, Known, "Lee Marsh", &[], &[], &["m0"], "", 9),
        ]);
        index.check_order();
        let hot = index.hot[index.slot_of[&2]];
        assert_eq!(hot.marker_count, u8::MAX);
        for q in ["zzqqx", "lee zzqqx", "daniels violent", "lee vilent"] {
            let hits = index.search(q, None, 10);
            assert_eq!(hits.first().map(|h| h.id), Some(2), "{q}: {hits:?}");
            assert_eq!(hits[0].matched_on, MatchedOn::Marker, "{q}");
        }
        assert_eq!(
            index.search("lee zzqqx", None, 10)[0]
                .matched_text
                .as_deref(),
            Some("zzqqx")
        );
        // m0 has id 0: a truncated 65540 would read as m4 etc.
        assert_eq!(ids(&index.search("lee m0", None, 10)), vec![3]);
    }

    #[test]
    fn updates_with_many_markers_and_wide_names_search_as_a_rebuild() {
        let first = ["Zoë", "Łukasz", "Amy", "Holly", "Dee", "Sam"];
        let last = ["Brennan", "Hollis", "Pike", "Ñúñez", "Webb"];
        let marks = [
            "violent",
            "weapons",
            "drugs",
            "prolific",
            "begging",
            "shoplifter",
            "äxe",
        ];
        let mut next = draws(11);
        let make = |id: i64, next: &mut dyn FnMut(usize) -> usize| {
            let name = format!("{} {}", first[next(first.len())], last[next(last.len())]);
            let aliases = (0..next(3))
                .map(|_| format!("{} {}", first[next(6)], last[next(5)]))
                .collect();
            let nicknames = (0..next(2)).map(|_| first[next(6)].to_string()).collect();
            let markers = (0..next(6))
                .map(|_| marks[next(marks.len())].to_string())
                .collect();
            SearchEntry {
                id,
                kind: if next(4) == 0 { IdSought } else { Known },
                name,
                aliases,
                nicknames,
                markers,
                description: "tall red hood".into(),
                activity: next(6) as i64,
            }
        };
        let mut live: HashMap<i64, SearchEntry> = HashMap::new();
        for id in 0..300 {
            live.insert(id, make(id, &mut next));
        }
        let mut index = OffenderIndex::new(live.values().cloned().collect());
        let queries = [
            "lee",
            "hol beg",
            "zoe shop",
            "brennan violent drugs",
            "äxe",
            "axe hol",
            "begging",
            "pike prolific weapons",
            "nunez beg",
            "lukasz",
            "shoplifter !violent",
            "begign hollis",
            "amy",
            "h",
        ];
        for round in 0..600 {
            let id = next(400) as i64;
            match round % 4 {
                0 | 3 => {
                    let e = make(id, &mut next);
                    live.insert(id, e.clone());
                    index.upsert(e);
                }
                1 => {
                    live.remove(&id);
                    index.remove(id);
                }
                _ => {
                    let a = next(6) as i64;
                    if let Some(e) = live.get_mut(&id) {
                        e.activity = a;
                    }
                    index.set_activity(id, a);
                }
            }
            if round % 100 == 99 {
                let _ = index.search("hol", None, 5); // compaction
                index.check_order();
                let mut rebuilt = OffenderIndex::new(live.values().cloned().collect());
                searches_alike(&mut index, &mut rebuilt, queries, &format!("round {round}"));
                for q in queries {
                    let all = index.rank_all(q, None);
                    assert_eq!(index.search(q, None, 1000), all, "{q}");
                }
            }
        }
        // many at once
        let changed: Vec<SearchEntry> = (0..40)
            .map(|i| {
                let e = make(1000 + i, &mut next);
                live.insert(e.id, e.clone());
                e
            })
            .collect();
        let removed: Vec<i64> = live
            .keys()
            .copied()
            .filter(|k| k % 7 == 0 && *k < 1000)
            .collect();
        for r in &removed {
            live.remove(r);
        }
        index.apply_changes(changed, &removed, &[]);
        index.check_order();
        let mut rebuilt = OffenderIndex::new(live.values().cloned().collect());
        searches_alike(&mut index, &mut rebuilt, queries, "apply_changes");
    }

    #[test]
    fn every_name_beyond_ascii_and_an_empty_index() {
        let mut index = OffenderIndex::new(vec![
            named(1, "Zoë Brennan", 1),
            named(2, "Łukasz Ñúñez", 2),
        ]);
        assert!(index.hays.ascii.is_empty());
        assert_eq!(ids(&index.search("zoe", None, 5)), vec![1]);
        assert_eq!(ids(&index.search("zoe bren", None, 5)), vec![1]);
        assert_eq!(ids(&index.search("brenan", None, 5)), vec![1]);
        index.remove(1);
        index.remove(2);
        assert!(index.search("zoe", None, 5).is_empty());
        assert!(index.search("brenan hollis", None, 5).is_empty());
        let mut empty = OffenderIndex::new(vec![]);
        assert!(empty.search("brenan hollis", None, 5).is_empty());
        assert!(empty.search("", None, 5).is_empty());
        empty.apply_changes(vec![], &[5], &[(5, 3)]);
        assert!(empty.search("zoe", None, 5).is_empty());
    }
}
