//! Offender search-as-you-type: 100,000 offenders with 3 aliases each, one or
//! two nicknames, up to three markers and a description of a few phrases, all
//! generated from a fixed seed (SplitMix64), so every run searches the same
//! register.
//!
//! - `offender_search/build`: prepare the index from the entries (the clone of
//!   the entries is set-up, not timed).
//! - `offender_search/in_place_1_change`: what a console does on its own
//!   thread when one record changed on another: `apply_changes` one renamed
//!   entry and one activity figure moved, as the store worker hands them
//!   over (reading the record and working out which figures moved is the
//!   worker's, and not timed).
//! - `offender_search/keystroke/…`: one `search(query, None, 50)` per
//!   keystroke while typing "hollis" (`h` … `hollis`), the multi-word
//!   `daz hol`, a query that matches no one, and the empty query (the list by
//!   activity); then typos: the keystrokes of "hollis" typed as "hlolis"
//!   (`hl` … `hlolis`: from `hlol` on a typo may match), `darren hlolis`
//!   (one word right, one swapped), `brennna` (a typo with thousands of
//!   look-alikes to rank), and `kyle fariley`, which finds no one (no
//!   *Fairley* here): the exact scan visits everyone, then the typo pass
//!   finds no word like `fariley` and stops.
//!
//! `cargo bench --bench search -- --quick --noplot` for figures (the median of
//! each is in `target/criterion/offender_search/*/new/estimates.json`);
//! `cargo bench --bench search -- --test` checks every benchmark runs once, on
//! 2,000 offenders.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use std::hint::black_box;
use watchroom::domain::offender::{OffenderKind, COMMON_MARKERS};
use watchroom::domain::search::{OffenderIndex, SearchEntry};

const FULL: usize = 100_000;
const QUICK: usize = 2_000;
const LIMIT: usize = 50;
const KEYSTROKES: &[&str] = &[
    "h",
    "ho",
    "hol",
    "holl",
    "hollis",
    "daz hol",
    "qxzjvk",
    "",
    "hl",
    "hlo",
    "hlol",
    "hloli",
    "hlolis",
    "darren hlolis",
    "brennna",
    "kyle fariley",
];

const FIRST: &[&str] = &[
    "Aaron",
    "Adam",
    "Aidan",
    "Alan",
    "Alex",
    "Amy",
    "Andrew",
    "Ashley",
    "Barry",
    "Ben",
    "Bradley",
    "Callum",
    "Carl",
    "Charlotte",
    "Chelsea",
    "Chris",
    "Connor",
    "Craig",
    "Daniel",
    "Danny",
    "Darren",
    "Dean",
    "Declan",
    "Donna",
    "Emma",
    "Gary",
    "Gemma",
    "Glen",
    "Grace",
    "Harry",
    "Hayley",
    "Holly",
    "Ian",
    "Jack",
    "Jade",
    "Jamie",
    "Jason",
    "Jay",
    "Jodie",
    "Joe",
    "Jordan",
    "Josh",
    "Karen",
    "Kayleigh",
    "Keith",
    "Kelly",
    "Kevin",
    "Kieran",
    "Kyle",
    "Lee",
    "Leanne",
    "Lewis",
    "Liam",
    "Lisa",
    "Luke",
    "Marcus",
    "Mark",
    "Martin",
    "Michelle",
    "Mohammed",
    "Nathan",
    "Neil",
    "Nicola",
    "Paul",
    "Reece",
    "Rhys",
    "Ricky",
    "Robert",
    "Ryan",
    "Sam",
    "Sarah",
    "Scott",
    "Shane",
    "Sharon",
    "Stacey",
    "Stuart",
    "Terry",
    "Tom",
    "Tony",
    "Tyler",
    "Wayne",
    "Zoë",
];

const LAST: &[&str] = &[
    "Adams",
    "Allen",
    "Atkinson",
    "Bailey",
    "Baker",
    "Barker",
    "Bell",
    "Bennett",
    "Brennan",
    "Brooks",
    "Brown",
    "Butler",
    "Carter",
    "Chapman",
    "Clarke",
    "Cole",
    "Collins",
    "Cook",
    "Cooper",
    "Cox",
    "Davies",
    "Dawson",
    "Dixon",
    "Doyle",
    "Edwards",
    "Ellis",
    "Evans",
    "Fisher",
    "Foster",
    "Fox",
    "Gibson",
    "Gray",
    "Green",
    "Griffiths",
    "Hall",
    "Halloran",
    "Harris",
    "Harrison",
    "Hart",
    "Hill",
    "Holland",
    "Hollis",
    "Holmes",
    "Holt",
    "Hughes",
    "Hunt",
    "Jackson",
    "James",
    "Jenkins",
    "Johnson",
    "Jones",
    "Kelly",
    "Kennedy",
    "King",
    "Knight",
    "Lawrence",
    "Lee",
    "Lewis",
    "Lloyd",
    "Marsh",
    "Marshall",
    "Mason",
    "Matthews",
    "Mills",
    "Mitchell",
    "Moore",
    "Morgan",
    "Morris",
    "Murphy",
    "O'Brien",
    "Owen",
    "Palmer",
    "Parker",
    "Pearce",
    "Phillips",
    "Pike",
    "Powell",
    "Price",
    "Quinn",
    "Reid",
    "Richards",
    "Roberts",
    "Robinson",
    "Rogers",
    "Russell",
    "Scott",
    "Shaw",
    "Simpson",
    "Smith",
    "Stevens",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "Webb",
    "White",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
];

const NICKNAMES: &[&str] = &[
    "Daz", "Dazza", "Spider", "Tommo", "Smudge", "Chalky", "Lofty", "Ginge", "Mo", "Jonno",
    "Shifty", "Kez", "Bazza", "Gaz", "Taz", "Robbo", "Deano", "Stretch", "Tiny", "Wolfie",
    "Scouse", "Jacko", "Macca", "Bunny", "Sparky", "Lippy", "Nosey", "Fingers", "Tash", "Red",
];

const DESCRIPTION: &[&[&str]] = &[
    &[
        "tall",
        "short",
        "stocky",
        "slim",
        "thin",
        "heavy build",
        "medium build",
    ],
    &["teens", "20s", "30s", "40s", "50s", "60s"],
    &[
        "shaved head",
        "ginger hair",
        "dark curly hair",
        "blonde ponytail",
        "grey crew cut",
        "bald",
        "long brown hair",
        "bleached hair",
    ],
    &[
        "grey tracksuit",
        "black North Face jacket",
        "red cap",
        "blue hoodie",
        "camouflage coat",
        "white trainers",
        "puffer jacket",
        "hi-vis vest",
    ],
    &[
        "tattoo on neck",
        "scar over left eye",
        "walks with a limp",
        "nose ring",
        "spider web tattoo on hand",
        "gold tooth",
        "glasses",
        "beard",
    ],
    &[
        "carries large holdall",
        "rides a BMX",
        "often with a dog",
        "uses foil-lined bag",
        "pushes a pram",
        "works with a lookout",
        "sells on in the market",
        "",
    ],
];

/// SplitMix64: a tiny deterministic generator, good enough for test data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

/// `n` offenders: ~80 × ~100 first/last names, 3 aliases, 1–2 nicknames,
/// 0–3 markers, a 4–6 phrase description, activity skewed towards 0.
fn register(n: usize) -> Vec<SearchEntry> {
    let mut rng = SplitMix64(0x5EED_0FFE_DE45);
    (0..n)
        .map(|i| {
            let person = |rng: &mut SplitMix64| format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
            let name = person(&mut rng);
            let aliases = (0..3).map(|_| person(&mut rng)).collect();
            let nicknames = (0..1 + rng.below(2))
                .map(|_| rng.pick(NICKNAMES).to_string())
                .collect();
            let markers = (0..rng.below(4))
                .map(|_| rng.pick(COMMON_MARKERS).to_string())
                .collect();
            let description = DESCRIPTION
                .iter()
                .filter_map(|phrases| {
                    let phrase = rng.pick(phrases);
                    (rng.below(5) != 0 && !phrase.is_empty()).then_some(phrase)
                })
                .collect::<Vec<_>>()
                .join(", ");
            let kind = if rng.below(5) == 0 {
                OffenderKind::IdSought
            } else {
                OffenderKind::Known
            };
            let r = rng.below(100) as i64;
            SearchEntry {
                id: i as i64 + 1,
                kind,
                name,
                aliases,
                nicknames,
                markers,
                description,
                activity: r * r / 250,
            }
        })
        .collect()
}

fn size() -> usize {
    if std::env::args().any(|a| a == "--test") {
        QUICK
    } else {
        FULL
    }
}

fn offender_search(c: &mut Criterion) {
    let entries = register(size());
    let mut group = c.benchmark_group("offender_search");

    group.bench_function("build", |b| {
        b.iter_batched(
            || entries.clone(),
            |entries| black_box(OffenderIndex::new(entries)),
            BatchSize::LargeInput,
        )
    });

    let mut index = OffenderIndex::new(entries.clone());
    let mut turn = 0u64;
    group.bench_function("in_place_1_change", |b| {
        b.iter(|| {
            // a real change each time: the record's name goes back and
            // forth, and so does the activity of the person it was with
            turn += 1;
            let mut changed = entries[entries.len() / 2].clone();
            let other = &entries[entries.len() / 3];
            let mut figure = other.activity;
            if turn % 2 == 1 {
                changed.name = "Zebedee Quince".into();
                figure += 1;
            }
            index.apply_changes(vec![changed], &[], &[(other.id, figure)]);
        })
    });

    for &query in KEYSTROKES {
        let label = if query.is_empty() { "(empty)" } else { query };
        group.bench_with_input(BenchmarkId::new("keystroke", label), query, |b, q| {
            b.iter(|| black_box(index.search(black_box(q), None, LIMIT)))
        });
    }
    group.finish();
}

criterion_group!(benches, offender_search);
criterion_main!(benches);
