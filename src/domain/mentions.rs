//! Where a person on the register is named in free text: by their full
//! name, each alias and nickname, and their surname with a first name, an
//! initial or a title beside it ("T. Garside", "Garside, Tyler", "Mr
//! Garside"). Words are compared case-folded, whatever lies between them
//! (spaces, line breaks, hyphens, a full stop after an initial). One matcher
//! for retention, erasure and subject access, so what one finds the others do.

use super::retention::REMOVED;
use std::collections::HashMap;

/// Who to look for, as the register holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub aliases: Vec<String>,
    pub nicknames: Vec<String>,
}

/// A person's names, ready to look for in many texts.
#[derive(Debug, Clone, Default)]
pub struct Mentions {
    /// By a word a pattern may start with: the patterns (as the words each
    /// place accepts), longest first.
    by_first: HashMap<String, Vec<Vec<Vec<String>>>>,
    /// Words any mention holds at least one of (to narrow a search first).
    anchors: Vec<String>,
}

/// One mention found: where in the text, and the words as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub words: String,
}

const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr"];

/// The words of `s` with where each is, lower-cased.
pub(crate) fn words(s: &str) -> Vec<(usize, usize, String)> {
    let mut out = vec![];
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(st) = start.take() {
            out.push((st, i, s[st..i].to_lowercase()));
        }
    }
    if let Some(st) = start {
        out.push((st, s.len(), s[st..].to_lowercase()));
    }
    out
}

fn plain(s: &str) -> Vec<String> {
    words(s).into_iter().map(|w| w.2).collect()
}

impl Mentions {
    pub fn new<'a>(people: impl IntoIterator<Item = &'a Person>) -> Mentions {
        let mut m = Mentions::default();
        for p in people {
            m.add(p);
        }
        for list in m.by_first.values_mut() {
            list.sort_by_key(|p| std::cmp::Reverse(p.len()));
            list.dedup();
        }
        m.anchors.sort();
        m.anchors.dedup();
        m
    }

    fn add(&mut self, p: &Person) {
        let one = |w: &[String]| w.iter().map(|x| vec![x.clone()]).collect::<Vec<_>>();
        let mut patterns: Vec<Vec<Vec<String>>> = vec![];
        let name = plain(&p.name);
        // a full name of one word is as likely an ordinary word: looked for
        // only as part of the patterns below
        if name.len() >= 2 {
            patterns.push(one(&name));
        }
        for other in p.aliases.iter().chain(&p.nicknames) {
            let w = plain(other);
            // a single letter or digit is no name
            if w.len() > 1 || w.first().is_some_and(|x| x.chars().count() >= 2) {
                patterns.push(one(&w));
            }
        }
        // the surname (the name's last word as written, so a double-barrelled
        // one whole) with a first name, an initial or a title beside it; not
        // for a label such as "ID-sought 104"
        let tokens: Vec<&str> = p.name.split_whitespace().collect();
        if let ([first_token, .., last_token], Some(first)) = (
            tokens.as_slice(),
            plain(tokens.first().copied().unwrap_or("")).first(),
        ) {
            let surname = plain(last_token);
            let real = surname.iter().any(|w| w.chars().any(char::is_alphabetic))
                && surname.iter().map(|w| w.chars().count()).sum::<usize>() >= 2
                && !plain(first_token).is_empty();
            if real {
                let initial = first.chars().next().map(String::from).unwrap_or_default();
                let mut before = vec![first.clone(), initial.clone()];
                before.extend(TITLES.iter().map(|t| t.to_string()));
                let mut with_before = vec![before];
                with_before.extend(surname.iter().map(|w| vec![w.clone()]));
                patterns.push(with_before);
                let mut with_after: Vec<Vec<String>> =
                    surname.iter().map(|w| vec![w.clone()]).collect();
                with_after.push(vec![first.clone(), initial]);
                patterns.push(with_after);
            }
        }
        for pat in patterns {
            if let Some(last) = pat.last() {
                self.anchors.extend(last.iter().cloned());
            }
            for w in &pat[0] {
                self.by_first
                    .entry(w.clone())
                    .or_default()
                    .push(pat.clone());
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }

    /// Words every mention holds one of: a text holding none of them names no one.
    pub fn anchors(&self) -> &[String] {
        &self.anchors
    }

    /// Every mention in `text`, in order, none overlapping.
    pub fn find(&self, text: &str) -> Vec<Found> {
        if self.is_empty() || text.is_empty() {
            return vec![];
        }
        let ws = words(text);
        let mut out = vec![];
        let mut i = 0;
        while i < ws.len() {
            let hit = self.by_first.get(&ws[i].2).and_then(|list| {
                list.iter().find(|pat| {
                    i + pat.len() <= ws.len()
                        && pat
                            .iter()
                            .zip(&ws[i..])
                            .all(|(accepts, w)| accepts.contains(&w.2))
                })
            });
            match hit {
                Some(pat) => {
                    let (start, end) = (ws[i].0, ws[i + pat.len() - 1].1);
                    out.push(Found {
                        start,
                        end,
                        words: text[start..end].to_string(),
                    });
                    i += pat.len();
                }
                None => i += 1,
            }
        }
        out
    }

    /// The text with every mention replaced by [`REMOVED`]; `None` if it names no one.
    pub fn redact(&self, text: &str) -> Option<String> {
        let found = self.find(text);
        if found.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for f in found {
            out.push_str(&text[copied..f.start]);
            out.push_str(REMOVED);
            copied = f.end;
        }
        out.push_str(&text[copied..]);
        Some(out)
    }
}

/// Up to `width` characters of `text` around a mention, on one line.
pub fn context(text: &str, f: &Found, width: usize) -> String {
    let before: Vec<char> = text[..f.start].chars().collect();
    let after: Vec<char> = text[f.end..].chars().collect();
    let from = before.len().saturating_sub(width / 2);
    let to = after.len().min(width / 2);
    let snippet: String = before[from..]
        .iter()
        .chain(f.words.chars().collect::<Vec<_>>().iter())
        .chain(after[..to].iter())
        .collect();
    format!(
        "{}{}{}",
        if from > 0 { "…" } else { "" },
        snippet.split_whitespace().collect::<Vec<_>>().join(" "),
        if to < after.len() { "…" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zeb() -> Person {
        Person {
            name: "Zebedee Quartermaine".into(),
            aliases: vec!["Zed Q".into()],
            nicknames: vec!["Zebbo".into()],
        }
    }

    fn found(m: &Mentions, text: &str) -> Vec<String> {
        m.find(text).into_iter().map(|f| f.words).collect()
    }

    #[test]
    fn full_name_alias_nickname_and_surname_with_a_first_name_initial_or_title() {
        let p = zeb();
        let m = Mentions::new([&p]);
        assert_eq!(
            found(
                &m,
                "ZEBEDEE   quartermaine seen; Zebbo again; zed q with him"
            ),
            vec!["ZEBEDEE   quartermaine", "Zebbo", "zed q"]
        );
        assert_eq!(
            found(
                &m,
                "Z. Quartermaine, then Quartermaine, Zebedee; Mr Quartermaine"
            ),
            vec![
                "Z. Quartermaine",
                "Quartermaine, Zebedee",
                "Mr Quartermaine"
            ]
        );
        // across a line break
        assert_eq!(
            found(&m, "Zebedee\nQuartermaine"),
            vec!["Zebedee\nQuartermaine"]
        );
        // a double-barrelled surname is whole, however it is joined
        let p = Person {
            name: "Quentin Zzyzx-Retained".into(),
            ..Person::default()
        };
        let m = Mentions::new([&p]);
        assert_eq!(
            found(&m, "Q. Zzyzx-Retained; Mr zzyzx retained; Retained alone"),
            vec!["Q. Zzyzx-Retained", "Mr zzyzx retained"]
        );
    }

    #[test]
    fn an_ordinary_word_or_another_person_with_the_surname_is_not_them() {
        let p = zeb();
        let m = Mentions::new([&p]);
        // a surname alone, or with someone else's first name, is not them
        assert!(found(&m, "Quartermaine Road was closed").is_empty());
        assert!(found(&m, "Alice Quartermaine called").is_empty());
        // part of a word never matches
        assert!(found(&m, "Zebbos and Quartermaines").is_empty());
        // a label is not a surname
        let id = Person {
            name: "ID-sought 104".into(),
            ..Person::default()
        };
        let m = Mentions::new([&id]);
        assert_eq!(found(&m, "matches ID-sought 104"), vec!["ID-sought 104"]);
        assert!(found(&m, "room 104 at the I 104 unit").is_empty());
    }

    #[test]
    fn every_mention_is_replaced_and_the_context_read_on_one_line() {
        let p = zeb();
        let m = Mentions::new([&p]);
        let text = "Door staff say Zebbo\nleft with Z Quartermaine at 22:10";
        assert_eq!(
            m.redact(text).unwrap(),
            "Door staff say [removed]\nleft with [removed] at 22:10"
        );
        assert_eq!(m.redact("nothing here"), None);
        let f = &m.find(text)[0];
        assert_eq!(context(text, f, 20), "…staff say Zebbo left with…");
        assert!(m.anchors().contains(&"zebbo".to_string()));
        assert!(m.anchors().contains(&"quartermaine".to_string()));
    }
}
