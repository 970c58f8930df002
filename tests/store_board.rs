//! The incident board from the store, on a busy town of random incidents: paged
//! through in board order both ways, the same under every filter, filtered by
//! status, zone, type, priority and words, with wildcards taken literally.
//!
//! Over 800 lines: every test pages the same random town through the same
//! reference ordering; kept together so the reference is written once.

mod store_common;
mod support;

use chrono::{DateTime, Utc};
use store_common::*;
use support::now as t0;
use watchroom::domain::{
    BoardOrder, IncidentEdit, IncidentFilter, Place, Priority, Status, StatusView,
};
use watchroom::store::demo::Rng;
use watchroom::store::{Anchor, BoardRow, Store};

/// What the test itself knows about each incident it made.
#[derive(Debug, Clone)]
struct Made {
    id: i64,
    kind: String,
    priority: Priority,
    status: Status,
    opened_at: DateTime<Utc>,
    zone: Option<(String, String)>,
    member: Option<String>,
    location: String,
    summary: String,
    police_ref: String,
}

impl Made {
    /// The board's order, worked out independently: live before closed, then
    /// priority, then oldest live first / newest closed first, then id.
    fn board_order(&self) -> (bool, i64, i64, i64) {
        let closed = self.status == Status::Closed;
        let t = self.opened_at.timestamp();
        (
            closed,
            self.priority.number(),
            if closed { -t } else { t },
            self.id,
        )
    }

    fn admitted_by(&self, f: &IncidentFilter) -> bool {
        let has = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        let status_ok = match f.status {
            StatusView::Live => self.status != Status::Closed,
            StatusView::All => true,
            StatusView::Only(s) => self.status == s,
        };
        let zone_ok = f.zone.as_ref().is_none_or(|z| {
            self.zone
                .as_ref()
                .is_some_and(|(n, c)| has(n, z) || has(c, z))
        });
        let kind_ok = f.kind.as_ref().is_none_or(|k| has(&self.kind, k));
        let priority_ok = f.priority.is_none_or(|p| p == self.priority);
        // the full-text index's sense: each typed token starts a word of
        // the text, place, type, police reference or number
        let words = |s: &str| -> Vec<String> {
            s.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| w.to_lowercase())
                .collect()
        };
        let mut doc = vec![
            self.summary.clone(),
            self.location.clone(),
            self.kind.clone(),
            self.police_ref.clone(),
            self.id.to_string(),
        ];
        doc.extend(self.member.clone());
        doc.extend(self.zone.as_ref().map(|(n, _)| n.clone()));
        let doc: Vec<String> = doc.iter().flat_map(|d| words(d)).collect();
        let text_ok = f.text.iter().all(|w| match w.strip_prefix('#') {
            Some(n) if n.parse::<i64>().is_ok() => n.parse() == Ok(self.id),
            // (one or two letters are a word of their own)
            _ => words(w).iter().all(|t| {
                doc.iter().any(|d| {
                    if t.len() <= 2 {
                        d == t
                    } else {
                        d.starts_with(t)
                    }
                })
            }),
        });
        status_ok && zone_ok && kind_ok && priority_ok && text_ok
    }
}

const KINDS: &[&str] = &[
    "theft",
    "antisocial",
    "criminal damage",
    "suspicious",
    "violence",
    "drunk",
];

const SUMMARIES: &[&str] = &[
    "Male concealed fragrance in rucksack",
    "Group of youths shouting abuse at staff",
    "Shop window smashed overnight",
    "Lost child found near the fountain",
    "Drunk male refused entry",
    "Two females filled bags with meat",
];

const LOCATIONS: &[&str] = &["", "", "outside the bus station", "rear car park"];

/// 300 incidents with mixed priority, status, age and place, made through the
/// store as operators would make them.
fn busy_town() -> (Town, Vec<Made>) {
    let mut t = town();
    let mut rng = Rng::new(20261127);
    let zones = [
        (t.high_street, "High Street", "HS"),
        (t.market, "Market Square", "MS"),
        (t.nte, "Night-Time Economy", "NTE"),
    ];
    let members = [
        (t.greggs, t.high_street, "Greggs"),
        (t.old_bell, t.market, "The Old Bell"),
        (t.red_lion, t.nte, "The Red Lion"),
    ];
    let zone_names = |id: i64| {
        zones
            .iter()
            .find(|z| z.0 == id)
            .map(|z| (z.1.to_string(), z.2.to_string()))
    };
    let mut made: Vec<Made> = vec![];
    let mut opened_at = t0();
    for n in 0..300u64 {
        // every tenth shares its opening minute with the one before, to tie on age
        if n % 10 != 0 {
            opened_at = t0() - mins(1 + rng.below(90 * 24 * 60) as i64);
        }
        let kind = *rng.pick(KINDS);
        let priority = Priority::ALL[rng.below(4) as usize];
        let location = *rng.pick(LOCATIONS);
        let (place, zone, member) = match rng.below(3) {
            0 => {
                let z = rng.pick(&zones);
                (
                    Place {
                        location: location.into(),
                        ..at_zone(z.0)
                    },
                    zone_names(z.0),
                    None,
                )
            }
            1 => {
                let m = rng.pick(&members);
                (
                    at_member(m.1, m.0, location),
                    zone_names(m.1),
                    Some(m.2.to_string()),
                )
            }
            _ => (
                free(if location.is_empty() {
                    "car park level 2"
                } else {
                    location
                }),
                None,
                None,
            ),
        };
        let summary = format!("{} (log {n})", rng.pick(SUMMARIES));
        let inc = t
            .store
            .create_incident(
                &new_incident(kind, priority, place.clone(), &summary, opened_at),
                t.op.id,
                opened_at,
            )
            .unwrap();
        let status = match rng.below(7) {
            0 => Status::Responding,
            1 => Status::PoliceAttending,
            2 | 3 => Status::Open,
            _ => Status::Closed,
        };
        let mut version = inc.version;
        let mut police_ref = String::new();
        if n % 37 == 5 {
            let mut edit = IncidentEdit::from_incident(&inc);
            police_ref = format!("CB-{:06}", 400_000 + n);
            edit.police_ref = police_ref.clone();
            version = t
                .store
                .update_incident(inc.id, version, &edit, t.op.id, opened_at + mins(1))
                .unwrap()
                .version;
        }
        if status != Status::Open {
            let reason = (status == Status::Closed).then_some("advice given");
            let s = t
                .store
                .set_status(
                    inc.id,
                    version,
                    status,
                    reason,
                    t.op.id,
                    opened_at + mins(20),
                )
                .unwrap();
            assert_eq!(s.status, status);
        }
        made.push(Made {
            id: inc.id,
            kind: kind.into(),
            priority,
            status,
            opened_at,
            zone,
            member,
            location: inc.place.location.clone(),
            summary,
            police_ref,
        });
    }
    (t, made)
}

fn expected(made: &[Made], f: &IncidentFilter) -> Vec<i64> {
    let mut m: Vec<&Made> = made.iter().filter(|m| m.admitted_by(f)).collect();
    m.sort_by_key(|m| m.board_order());
    m.iter().map(|m| m.id).collect()
}

/// Every row, read a page at a time forwards from the top.
fn page_forwards(s: &Store, f: &IncidentFilter, page: usize) -> Vec<BoardRow> {
    let mut out: Vec<BoardRow> = vec![];
    let mut anchor = Anchor::First;
    loop {
        let rows = s.board_window(f, anchor, page).unwrap();
        assert!(rows.len() <= page);
        let Some(last) = rows.last() else { break };
        anchor = Anchor::After(last.key);
        let short = rows.len() < page;
        out.extend(rows);
        if short {
            // one more read past a short page finds nothing
            assert!(s.board_window(f, anchor, page).unwrap().is_empty());
            break;
        }
    }
    out
}

/// Every row, read a page at a time backwards from the bottom.
fn page_backwards(s: &Store, f: &IncidentFilter, page: usize) -> Vec<BoardRow> {
    let mut pages: Vec<Vec<BoardRow>> = vec![];
    let mut anchor = Anchor::Last;
    loop {
        let rows = s.board_window(f, anchor, page).unwrap();
        assert!(rows.len() <= page);
        let Some(first) = rows.first() else { break };
        anchor = Anchor::Before(first.key);
        pages.push(rows);
    }
    pages.into_iter().rev().flatten().collect()
}

#[test]
fn the_board_pages_through_every_incident_in_board_order_both_ways() {
    let (t, made) = busy_town();
    let s = &t.store;
    let f = all();
    let whole = s.board_window(&f, Anchor::First, 10_000).unwrap();
    assert_eq!(whole.len(), 300);
    assert_eq!(ids(&whole), expected(&made, &f), "the board's order");

    // each row's key agrees with the row, and keys rise strictly
    for r in &whole {
        let m = made.iter().find(|m| m.id == r.id).unwrap();
        assert_eq!(r.key.id, r.id);
        let closed = (r.status == Status::Closed) as i64;
        let t = r.opened_at.timestamp();
        let age = if closed == 1 { -t } else { t };
        assert_eq!(r.key.parts, [closed, r.priority.number(), age]);
        assert_eq!(
            (r.status, r.priority, r.opened_at),
            (m.status, m.priority, m.opened_at)
        );
        assert_eq!(r.kind, m.kind);
        assert_eq!(r.summary, m.summary);
        assert_eq!(r.police_ref, m.police_ref);
    }
    assert!(whole.windows(2).all(|w| w[0].key < w[1].key));

    // sorted as an operator expects: live first, then priority, then age
    let live_count = whole.iter().filter(|r| r.status.is_live()).count();
    assert!(
        live_count > 50 && live_count < 250,
        "a mix of live and closed: {live_count}"
    );
    assert!(whole[..live_count].iter().all(|r| r.status.is_live()));
    assert!(whole[live_count..]
        .iter()
        .all(|r| r.status == Status::Closed));
    for w in whole.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.status.is_live() == b.status.is_live() {
            assert!(
                a.priority <= b.priority,
                "priority within a section: #{} then #{}",
                a.id,
                b.id
            );
            if a.priority == b.priority {
                if a.status.is_live() {
                    assert!(
                        a.opened_at <= b.opened_at,
                        "oldest live first: #{} then #{}",
                        a.id,
                        b.id
                    );
                } else {
                    assert!(
                        a.opened_at >= b.opened_at,
                        "newest closed first: #{} then #{}",
                        a.id,
                        b.id
                    );
                }
                if a.opened_at == b.opened_at {
                    assert!(a.id < b.id);
                }
            }
        }
    }
    assert!(
        made.windows(2).any(|w| w[0].opened_at == w[1].opened_at),
        "the data has ties on age"
    );

    // paging forwards and backwards, seven at a time, visits exactly the same rows
    assert_eq!(page_forwards(s, &f, 7), whole);
    assert_eq!(page_backwards(s, &f, 7), whole);
    assert_eq!(page_forwards(s, &f, 1), whole);

    // Last is the tail of the board, in board order
    assert_eq!(
        s.board_window(&f, Anchor::Last, 7).unwrap(),
        whole[whole.len() - 7..].to_vec()
    );
    assert_eq!(
        s.board_window(&f, Anchor::First, 7).unwrap(),
        whole[..7].to_vec()
    );

    // from a row in the middle
    for at in [0usize, 1, 6, 7, 150, 292, 293, 299] {
        let k = whole[at].key;
        let before = s.board_window(&f, Anchor::Before(k), 7).unwrap();
        assert_eq!(
            before,
            whole[at.saturating_sub(7)..at].to_vec(),
            "before row {at}"
        );
        let after = s.board_window(&f, Anchor::After(k), 7).unwrap();
        assert_eq!(
            after,
            whole[at + 1..(at + 8).min(300)].to_vec(),
            "after row {at}"
        );
        let from = s.board_window(&f, Anchor::AtOrAfter(k), 7).unwrap();
        assert_eq!(from[0].key, k, "AtOrAfter starts at the key itself");
        assert_eq!(
            from,
            whole[at..(at + 7).min(300)].to_vec(),
            "at or after row {at}"
        );
    }

    // a row that has since moved: AtOrAfter its old key continues from where it was
    let k = whole[100].key;
    let gone_from = s.board_window(&f, Anchor::AtOrAfter(k), 3).unwrap();
    assert_eq!(gone_from[0].id, whole[100].id);
}

#[test]
fn the_board_pages_the_same_under_every_filter() {
    let (t, made) = busy_town();
    let s = &t.store;
    let filters = [
        IncidentFilter::default(),
        IncidentFilter {
            status: StatusView::Only(Status::Closed),
            ..Default::default()
        },
        IncidentFilter {
            status: StatusView::Only(Status::Responding),
            ..Default::default()
        },
        IncidentFilter {
            zone: Some("market".into()),
            ..all()
        },
        IncidentFilter {
            priority: Some(Priority::Urgent),
            ..Default::default()
        },
        IncidentFilter {
            text: vec!["male".into()],
            ..all()
        },
    ];
    for f in &filters {
        let whole = s.board_window(f, Anchor::First, 10_000).unwrap();
        assert_eq!(ids(&whole), expected(&made, f), "{f:?}");
        assert_eq!(page_forwards(s, f, 7), whole, "{f:?}");
        assert_eq!(page_backwards(s, f, 7), whole, "{f:?}");
    }
}

/// Newest, oldest and last updated: each view and filter in each order
/// holds the same rows as in the working order, sorted by the time the rows
/// themselves carry (ties by number), and pages the same both ways.
#[test]
fn every_order_sorts_by_its_time_and_pages_the_same_both_ways() {
    let (mut t, made) = busy_town();
    // notes on some incidents, at times of their own: last updated differs from opened
    let mut rng = Rng::new(7);
    for m in made.iter().step_by(7) {
        let at = t0() - mins(rng.below(60 * 24) as i64);
        t.store
            .add_note(m.id, "looked at again", None, t.op.id, at)
            .unwrap();
    }
    let s = &t.store;
    let views = [
        IncidentFilter::default(),
        all(),
        IncidentFilter {
            status: StatusView::Only(Status::Closed),
            ..Default::default()
        },
        IncidentFilter {
            status: StatusView::Only(Status::Open),
            ..Default::default()
        },
        IncidentFilter {
            priority: Some(Priority::Urgent),
            ..all()
        },
        IncidentFilter {
            text: vec!["male".into()],
            ..Default::default()
        },
    ];
    for view in views {
        let mut working = expected(&made, &view);
        working.sort();
        for order in [BoardOrder::Newest, BoardOrder::Oldest, BoardOrder::Updated] {
            let f = IncidentFilter {
                order,
                ..view.clone()
            };
            let whole = s.board_window(&f, Anchor::First, 10_000).unwrap();
            let mut held = ids(&whole);
            held.sort();
            assert_eq!(held, working, "the same rows in {order:?}: {view:?}");
            let time = |r: &BoardRow| match order {
                BoardOrder::Updated => r.updated_at,
                _ => r.opened_at,
            };
            for w in whole.windows(2) {
                let (a, b) = ((time(&w[0]), w[0].id), (time(&w[1]), w[1].id));
                match order {
                    BoardOrder::Oldest => assert!(a < b, "{order:?}: {a:?} then {b:?}"),
                    _ => assert!(a > b, "{order:?}: {a:?} then {b:?}"),
                }
            }
            assert_eq!(page_forwards(s, &f, 7), whole, "{order:?} {view:?}");
            assert_eq!(page_backwards(s, &f, 7), whole, "{order:?} {view:?}");
            if let Some(mid) = whole.get(whole.len() / 2) {
                let at = whole.len() / 2;
                let after = s.board_window(&f, Anchor::After(mid.key), 5).unwrap();
                assert_eq!(after, whole[at + 1..(at + 6).min(whole.len())].to_vec());
                let before = s.board_window(&f, Anchor::Before(mid.key), 5).unwrap();
                assert_eq!(before, whole[at.saturating_sub(5)..at].to_vec());
            }
        }
    }
    assert!(
        made.iter().step_by(7).any(|m| m.status == Status::Closed),
        "a closed incident was noted too"
    );
}

#[test]
fn the_board_filters_by_status_zone_type_priority_and_words() {
    let (t, made) = busy_town();
    let s = &t.store;
    let check = |f: IncidentFilter| -> Vec<i64> {
        let want = expected(&made, &f);
        let got = ids(&s.board_window(&f, Anchor::First, 10_000).unwrap());
        assert_eq!(got, want, "{f:?}");
        assert_eq!(
            s.count_incidents(&f, 1_000_000).unwrap(),
            want.len() as u64,
            "{f:?}"
        );
        got
    };
    let rows_of = |ids: &[i64]| -> Vec<Made> {
        ids.iter()
            .map(|id| made.iter().find(|m| m.id == *id).unwrap().clone())
            .collect()
    };

    let live = rows_of(&check(IncidentFilter::default()));
    assert!(
        !live.is_empty() && live.iter().all(|m| m.status != Status::Closed),
        "live excludes closed"
    );
    let closed = rows_of(&check(IncidentFilter {
        status: StatusView::Only(Status::Closed),
        ..Default::default()
    }));
    assert!(!closed.is_empty() && closed.iter().all(|m| m.status == Status::Closed));
    assert_eq!(live.len() + closed.len(), 300);
    for st in [Status::Open, Status::Responding, Status::PoliceAttending] {
        let only = rows_of(&check(IncidentFilter {
            status: StatusView::Only(st),
            ..Default::default()
        }));
        assert!(
            !only.is_empty() && only.iter().all(|m| m.status == st),
            "{st:?}"
        );
    }

    // zone by a fragment of its name or by its code, in any case
    let market = rows_of(&check(IncidentFilter {
        zone: Some("MARKET".into()),
        ..all()
    }));
    assert!(
        !market.is_empty()
            && market
                .iter()
                .all(|m| m.zone.as_ref().unwrap().0 == "Market Square")
    );
    let nte = check(IncidentFilter {
        zone: Some("nte".into()),
        ..all()
    });
    assert_eq!(
        nte,
        check(IncidentFilter {
            zone: Some("Night-Time".into()),
            ..all()
        })
    );
    assert!(!nte.is_empty());
    assert!(check(IncidentFilter {
        zone: Some("Riverside".into()),
        ..all()
    })
    .is_empty());

    // type by a fragment
    let damage = rows_of(&check(IncidentFilter {
        kind: Some("damage".into()),
        ..all()
    }));
    assert!(!damage.is_empty() && damage.iter().all(|m| m.kind == "criminal damage"));

    // priority
    for p in Priority::ALL {
        let rows = rows_of(&check(IncidentFilter {
            priority: Some(p),
            ..all()
        }));
        assert!(
            !rows.is_empty() && rows.iter().all(|m| m.priority == p),
            "{p:?}"
        );
    }

    // words: summary, location, police reference, member name, "#id"; all words must match
    let words = |w: &[&str]| IncidentFilter {
        text: w.iter().map(|s| s.to_string()).collect(),
        ..all()
    };
    let fountain = rows_of(&check(words(&["FOUNTAIN"])));
    assert!(!fountain.is_empty() && fountain.iter().all(|m| m.summary.contains("fountain")));
    let bus = rows_of(&check(words(&["bus", "station"])));
    assert!(!bus.is_empty() && bus.iter().all(|m| m.location == "outside the bus station"));
    let with_ref = made.iter().find(|m| !m.police_ref.is_empty()).unwrap();
    assert_eq!(check(words(&[&with_ref.police_ref])), vec![with_ref.id]);
    let refs = check(words(&["CB"]));
    assert_eq!(
        refs.len(),
        made.iter().filter(|m| !m.police_ref.is_empty()).count()
    );
    assert!(refs.len() >= 8);
    let bell = rows_of(&check(words(&["old", "bell"])));
    assert!(
        !bell.is_empty()
            && bell
                .iter()
                .all(|m| m.member.as_deref() == Some("The Old Bell"))
    );
    let one = made[123].id;
    assert_eq!(check(words(&[&format!("#{one}")])), vec![one]);
    // "123" starts the words "123" of the text and of an incident's number
    let log = rows_of(&check(words(&["(log", "123)"])));
    assert!(log
        .iter()
        .any(|m| m.id == made[123].id && m.summary.contains("(log 123)")));
    assert!(log.len() <= 2, "and no more than #123 beside it");
    assert!(
        check(words(&["fountain", "smashed"])).is_empty(),
        "every word must match"
    );

    // combined
    let combo = IncidentFilter {
        status: StatusView::Live,
        zone: Some("high".into()),
        kind: Some("theft".into()),
        priority: Some(Priority::High),
        ..Default::default()
    };
    check(combo);
    let mixed = IncidentFilter {
        zone: Some("street".into()),
        text: vec!["male".into()],
        ..Default::default()
    };
    check(mixed);

    // the count stops at its cap
    let everything = all();
    assert_eq!(s.count_incidents(&everything, 1_000_000).unwrap(), 300);
    assert_eq!(s.count_incidents(&everything, 300).unwrap(), 300);
    assert_eq!(s.count_incidents(&everything, 50).unwrap(), 50);
    assert_eq!(s.count_incidents(&everything, 0).unwrap(), 0);
    let closed_n = closed.len() as u64;
    assert_eq!(
        s.count_incidents(
            &IncidentFilter {
                status: StatusView::Only(Status::Closed),
                ..Default::default()
            },
            10
        )
        .unwrap(),
        closed_n.min(10)
    );
}

#[test]
fn wildcards_typed_into_a_filter_are_taken_literally() {
    let mut t = town();
    let mut mk = |summary: &str, place: Place| {
        t.store
            .create_incident(
                &new_incident("theft", Priority::Medium, place, summary, t0()),
                t.op.id,
                t0(),
            )
            .unwrap()
            .id
    };
    let fifty_pc = mk("Poster saying 50% off torn down", at_zone(t.high_street));
    let five_hundred = mk("Took 500 off the counter", at_zone(t.high_street));
    let a_underscore = mk("Ticket code A_1 found on the floor", at_zone(t.market));
    let ab1 = mk("Ticket code AB1 found on the floor", at_zone(t.market));
    let backslash = mk(r"Note left saying C:\till", free("staff room"));
    let ct = mk("Note left saying C:till", free("staff room"));

    let text = |typed: &str| {
        let f = IncidentFilter::parse(typed, StatusView::All).unwrap();
        let got = ids(&t.store.board_window(&f, Anchor::First, 100).unwrap());
        assert_eq!(t.store.count_incidents(&f, 100).unwrap(), got.len() as u64);
        got
    };
    // words are the full-text index's: punctuation typed separates words
    // and is never a wildcard (`_` is not "any letter"), and a word matches
    // the start of a word in the text
    assert_eq!(text("A_1"), vec![a_underscore]);
    assert_eq!(
        text("50% off"),
        vec![fifty_pc],
        "two letters are a word of their own"
    );
    assert_eq!(text("500"), vec![five_hundred]);
    assert_eq!(text("50% poster"), vec![fifty_pc]);
    assert_eq!(text(r"C:\till"), vec![backslash, ct]);
    assert_eq!(text("ab1"), vec![ab1]);
    // nothing but punctuation is no word at all: the filter narrows nothing
    assert_eq!(text("%%").len(), 6);

    let zone = |z: &str| {
        ids(&t
            .store
            .board_window(
                &IncidentFilter {
                    zone: Some(z.into()),
                    ..all()
                },
                Anchor::First,
                100,
            )
            .unwrap())
    };
    assert_eq!(zone("High%Street"), Vec::<i64>::new());
    assert_eq!(zone("High_Street"), Vec::<i64>::new());
    assert_eq!(zone("%"), Vec::<i64>::new());
    assert_eq!(zone("High Street").len(), 2);
    let kind = |k: &str| {
        ids(&t
            .store
            .board_window(
                &IncidentFilter {
                    kind: Some(k.into()),
                    ..all()
                },
                Anchor::First,
                100,
            )
            .unwrap())
    };
    assert_eq!(kind("%"), Vec::<i64>::new());
    assert_eq!(kind("th_ft"), Vec::<i64>::new());
    assert_eq!(kind("theft").len(), 6);
}

/// A single letter that most of a large store matches is looked up row by
/// row along the board's index rather than gathered first (the store's
/// choice past 50,000 matches): the rows and pages are the same as any
/// other word's would be.
#[test]
fn a_letter_most_of_a_large_store_matches_pages_like_any_word() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.db");
    let mut s = Store::open(&path).unwrap();
    let op = s.operator_or_add("Setter", "manager", t0()).unwrap().id;
    let n = 60_000i64;
    {
        let mut c = rusqlite::Connection::open(&path).unwrap();
        let tx = c.transaction().unwrap();
        let mut st = tx
            .prepare(
                "INSERT INTO incidents (kind, priority, status, summary, opened_at, updated_at, opened_by, updated_by)
                 VALUES ('theft', ?1, ?2, ?3, ?4, ?4, ?5, ?5)",
            )
            .unwrap();
        for k in 0..n {
            let summary = if k % 10 == 0 {
                // two words "bet" begins, and one it does not
                let word =
                    ["beta", "betamax", "beta", "betamax", "beta", "bent"][(k / 10 % 6) as usize];
                format!("{word} {k}")
            } else {
                format!("alpha a {k}")
            };
            let status = if k % 7 == 0 { "open" } else { "closed" };
            let opened = t0().timestamp() - 60 * ((k * 7919) % n);
            st.execute(rusqlite::params![1 + k % 4, status, summary, opened, op])
                .unwrap();
        }
        drop(st);
        tx.commit().unwrap();
    }
    let s = Store::open(&path).unwrap();
    // worked out here: the incidents with “alpha”, newest first
    let c = rusqlite::Connection::open(&path).unwrap();
    let mut want: Vec<(i64, i64)> = c
        .prepare("SELECT opened_at, id FROM incidents WHERE summary LIKE 'alpha %'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    want.sort_by(|a, b| b.cmp(a));
    let want: Vec<i64> = want.into_iter().map(|(_, id)| id).collect();
    assert!(want.len() >= 50_000);
    let f = IncidentFilter {
        order: BoardOrder::Newest,
        text: vec!["a".into()],
        ..all()
    };
    let first = s.board_window(&f, Anchor::First, 40).unwrap();
    assert_eq!(ids(&first), want[..40].to_vec());
    let next = s
        .board_window(&f, Anchor::After(first[39].key), 40)
        .unwrap();
    assert_eq!(ids(&next), want[40..80].to_vec());
    let back = s.board_window(&f, Anchor::Before(next[0].key), 40).unwrap();
    assert_eq!(back, first);
    let last = s.board_window(&f, Anchor::Last, 40).unwrap();
    assert_eq!(ids(&last), want[want.len() - 40..].to_vec());
    // the live view, in the working order: each row live
    let live = IncidentFilter {
        text: vec!["a".into()],
        ..Default::default()
    };
    let rows = s.board_window(&live, Anchor::First, 40).unwrap();
    assert_eq!(rows.len(), 40);
    assert!(rows
        .iter()
        .all(|r| r.status.is_live() && r.summary.starts_with("alpha")));
    assert_eq!(s.count_incidents(&f, 10_000).unwrap(), 10_000);

    // the start of two words (5,000 incidents, one in twelve, their
    // numbers scattered over the board's order: the board's index walked)
    // pages the same way; so do they among the urgent ones only (one in
    // forty-eight: the walk takes more than one stretch), and a word in
    // one incident in thirty (read by number)
    for (typed, like, priority) in [
        ("bet", "beta%", None),
        ("bet", "beta%", Some(Priority::Urgent)),
        ("betam", "betamax %", None),
    ] {
        let mut want: Vec<(i64, i64)> = c
            .prepare(&format!(
                "SELECT opened_at, id FROM incidents WHERE summary LIKE '{like}' AND priority IN ({})",
                priority.map_or("1, 2, 3, 4".to_string(), |p| p.number().to_string())
            ))
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        want.sort_by(|a, b| b.cmp(a));
        let want: Vec<i64> = want.into_iter().map(|(_, id)| id).collect();
        let f = IncidentFilter {
            order: BoardOrder::Newest,
            text: vec![typed.into()],
            priority,
            ..all()
        };
        let first = s.board_window(&f, Anchor::First, 40).unwrap();
        assert_eq!(ids(&first), want[..40].to_vec(), "{typed}");
        let next = s
            .board_window(&f, Anchor::After(first[39].key), 40)
            .unwrap();
        assert_eq!(ids(&next), want[40..80].to_vec(), "{typed}");
        let back = s.board_window(&f, Anchor::Before(next[0].key), 40).unwrap();
        assert_eq!(back, first, "{typed}");
        let last = s.board_window(&f, Anchor::Last, 40).unwrap();
        assert_eq!(ids(&last), want[want.len() - 40..].to_vec(), "{typed}");
        assert_eq!(
            s.count_incidents(&f, 10_000).unwrap(),
            want.len() as u64,
            "{typed}"
        );
    }
}
