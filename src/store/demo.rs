//! The demo town of Castlebrook: a deterministic, fictional scheme to open the
//! console on, and a bulk generator for benchmark stores.
//!
//! Over 800 lines because the town is data: its zones, members, radios and
//! people are tables read top to bottom, kept in one place so the demo stays
//! one deterministic whole.
//!
//! One file on purpose: about a third of it is the town's fixed tables
//! (zones, members, names, summaries), which the demo and the bulk generator
//! both draw from with the same seeded generator; splitting them would only
//! put the tables away from the one place that reads them.

use super::{audit, ts, Result, Store};
use crate::domain::audit::AuditAction;
use crate::domain::member::MemberStatus;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};

/// SplitMix64: small, fast, and the same sequence on every machine and version.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub const DEMO_SEED: u64 = 0x0BC2_9A11;
pub const DEMO_OPERATOR: &str = "Alex Morgan";

/// The demo's operators, one per role, with their PINs (listed in the README);
/// `demo` signs in as the first without asking.
pub const DEMO_OPERATORS: &[(&str, &str, &str)] = &[
    (DEMO_OPERATOR, "manager", "1234"),
    ("Priya Shah", "cctv", "2345"),
    ("Tom Baxter", "coordinator", "3456"),
    ("Sam Okafor", "operator", "4567"),
    ("Jo Lindqvist", "viewer", "5678"),
];

const ZONES: &[(&str, &str)] = &[
    ("High Street", "HS"),
    ("Market Square", "MS"),
    ("Riverside Centre", "RC"),
    ("Station Quarter", "SQ"),
    ("Night-Time Economy", "NTE"),
];

/// (name, kind, zone index)
const MEMBERS: &[(&str, &str, usize)] = &[
    ("Boots the Chemist", "shop", 0),
    ("Greggs", "shop", 0),
    ("WH Smith", "shop", 0),
    ("Castlebrook Jewellers", "shop", 0),
    ("Superdrug", "shop", 0),
    ("Card Factory", "shop", 0),
    ("Holland & Barrett", "shop", 0),
    ("Vale Vapes", "shop", 0),
    ("Poundstretcher", "shop", 0),
    ("Brook Street Bakery", "shop", 0),
    ("Sports Direct", "shop", 0),
    ("Castlebrook Library", "council", 0),
    ("Market Hall Traders", "shop", 1),
    ("The Corn Exchange", "pub", 1),
    ("Co-op Food", "shop", 1),
    ("Fenwick's Hardware", "shop", 1),
    ("Square Deal Phones", "shop", 1),
    ("The Old Bell", "pub", 1),
    ("Tesco Express", "shop", 1),
    ("Cancer Research UK", "shop", 1),
    ("Millers Butchers", "shop", 1),
    ("Castlebrook Town Council", "council", 1),
    ("Costa Coffee", "shop", 1),
    ("Riverside Centre Management", "council", 2),
    ("Primark", "shop", 2),
    ("Next", "shop", 2),
    ("JD Sports", "shop", 2),
    ("TK Maxx", "shop", 2),
    ("Boots Riverside", "shop", 2),
    ("Marks & Spencer", "shop", 2),
    ("H Samuel", "shop", 2),
    ("Game", "shop", 2),
    ("The Perfume Shop", "shop", 2),
    ("Claire's", "shop", 2),
    ("Riverside Cinema", "club", 2),
    ("Station News", "shop", 3),
    ("The Railway Tavern", "pub", 3),
    ("Quickstop Off-Licence", "shop", 3),
    ("Castlebrook Taxis", "shop", 3),
    ("Lidl", "shop", 3),
    ("The Platform Café", "shop", 3),
    ("British Transport Police liaison", "police liaison", 3),
    ("Station Quarter Hotel", "shop", 3),
    ("Aldi", "shop", 3),
    ("The Red Lion", "pub", 4),
    ("The Crown & Anchor", "pub", 4),
    ("Vibe Nightclub", "club", 4),
    ("The Brook Bar", "pub", 4),
    ("Revolution", "club", 4),
    ("The Kings Head", "pub", 4),
    ("Spoons (The Castle Keep)", "pub", 4),
    ("Moonlight Kebabs", "shop", 4),
    ("Pizza Palace", "shop", 4),
    ("The Blue Anchor", "pub", 4),
    ("Club Neon", "club", 4),
    ("The Wheatsheaf", "pub", 4),
    ("Castlebrook Police liaison", "police liaison", 0),
    ("Street Pastors", "council", 4),
    ("The Fox & Hounds", "pub", 4),
    ("Vale Pawnbrokers", "shop", 3),
];

const FIRST: &[&str] = &[
    "Darren",
    "Kyle",
    "Jade",
    "Wayne",
    "Shannon",
    "Callum",
    "Lee",
    "Chantelle",
    "Ryan",
    "Stacey",
    "Dean",
    "Kayleigh",
    "Jordan",
    "Tyler",
    "Leanne",
    "Craig",
    "Paige",
    "Liam",
    "Amber",
    "Scott",
];
const LAST: &[&str] = &[
    "Hollis",
    "Marsh",
    "Pennington",
    "Crowther",
    "Fairley",
    "Ashdown",
    "Tolley",
    "Garside",
    "Brindle",
    "Oakes",
    "Hatherley",
    "Cobb",
    "Renshaw",
    "Stott",
    "Wragg",
    "Pym",
    "Kettle",
    "Lowther",
];
const MARKERS: &[&str] = &[
    "violent",
    "weapons",
    "drugs",
    "prolific",
    "aggressive",
    "team-working",
];
const STAGES: &[&str] = &["warning", "exclusion"];

const KINDS: &[(&str, u64)] = &[
    ("theft", 38),
    ("antisocial", 16),
    ("suspicious", 12),
    ("violence", 7),
    ("criminal damage", 6),
    ("drunk", 8),
    ("drugs", 4),
    ("vulnerable person", 4),
    ("alarm", 3),
    ("other", 2),
];

const SUMMARIES: &[(&str, &[&str])] = &[
    (
        "theft",
        &[
            "Male concealed fragrance in rucksack and left without paying",
            "Two females filled bags with meat and walked out",
            "Razor blades taken from security display",
            "Known shoplifter took alcohol, decamped towards the station",
            "Teenagers took energy drinks, chased off by staff",
            "Distraction theft at the till, cash taken",
            "Bike stolen from the rack outside",
        ],
    ),
    (
        "antisocial",
        &[
            "Group of youths shouting abuse at staff",
            "Begging at the cash machine, aggressive towards customers",
            "Street drinkers refusing to move from the benches",
            "Skateboarders damaging the planters",
        ],
    ),
    (
        "suspicious",
        &[
            "Male loitering near jewellery counter for 20 minutes",
            "Two males looking into parked cars",
            "Person photographing the staff entrance",
            "Unattended bag by the entrance",
        ],
    ),
    (
        "violence",
        &[
            "Fight outside the venue, one male on the floor",
            "Staff member assaulted when challenging a thief",
            "Door staff restraining a male after a scuffle",
        ],
    ),
    (
        "criminal damage",
        &[
            "Shop window smashed overnight",
            "Graffiti on the shutters",
            "Car wing mirror kicked off",
        ],
    ),
    (
        "drunk",
        &[
            "Male too drunk to stand, refused entry",
            "Female asleep in the doorway",
            "Drunk male urinating in the alley",
        ],
    ),
    (
        "drugs",
        &[
            "Suspected deal in the car park",
            "Strong smell of cannabis by the toilets",
        ],
    ),
    (
        "vulnerable person",
        &[
            "Lost child found near the fountain",
            "Elderly male confused, cannot find his way home",
        ],
    ),
    (
        "alarm",
        &[
            "Intruder alarm sounding, keyholder en route",
            "Fire alarm activation, building evacuated",
        ],
    ),
    (
        "other",
        &["Lost property handed in: wallet", "Radio check requested"],
    ),
];

const CLOSE_REASONS: &[&str] = &[
    "offender left the area",
    "police dealt",
    "goods recovered, no further action",
    "advice given",
    "no trace on CCTV",
    "false alarm",
    "handed to police",
];

fn weighted<'a>(rng: &mut Rng, table: &'a [(&'a str, u64)]) -> &'a str {
    let total: u64 = table.iter().map(|t| t.1).sum();
    let mut x = rng.below(total);
    for (k, w) in table {
        if x < *w {
            return k;
        }
        x -= w;
    }
    table[0].0
}

fn summary_for(rng: &mut Rng, kind: &str) -> &'static str {
    let list: &[&'static str] = SUMMARIES
        .iter()
        .find(|s| s.0 == kind)
        .map(|s| s.1)
        .unwrap_or(&["Incident reported"]);
    let i = rng.below(list.len() as u64) as usize;
    list[i]
}

/// Fill an empty store with the demo town as it stands at `now`.
pub fn build_demo(store: &mut Store, now: DateTime<Utc>) -> Result<()> {
    if ensure_demo(store, now)? {
        Ok(())
    } else {
        Err(super::StoreError::Invalid(
            "this store already has a town in it".into(),
        ))
    }
}

/// Build the demo town unless the store already has one; true if it was built.
/// The check and the build are one transaction, so two consoles starting
/// together on a new demo store build it once.
pub fn ensure_demo(store: &mut Store, now: DateTime<Utc>) -> Result<bool> {
    let mut rng = Rng::new(DEMO_SEED);
    let day = Duration::days(1);
    let path = store.path().to_path_buf();
    store.write(|tx| {
        use super::meta::{self, Found, StoreKind};
        // the demo never writes into a store that is a scheme's, or that
        // holds anything it did not make itself
        let kind = match store_kind(tx)? {
            Some(k) => Found::Is(k),
            None => meta::judged_here(tx)?,
        };
        match kind {
            Found::Is(StoreKind::Scheme) => return Err(super::StoreError::NotDemo { path }),
            Found::Is(StoreKind::Demo) => {
                meta::set_kind(tx, StoreKind::Demo)?;
                // a demo store from before cameras existed gets them now
                let cameras: bool =
                    tx.query_row("SELECT EXISTS(SELECT 1 FROM cameras)", [], |r| r.get(0))?;
                if !cameras {
                    add_cameras(tx)?;
                }
                return Ok(false);
            }
            Found::Missing | Found::Empty => meta::set_kind(tx, StoreKind::Demo)?,
        }
        let mut op_ids = vec![];
        // one operator per role; the first three share the demo's history
        for (k, (name, role, pin)) in DEMO_OPERATORS.iter().enumerate() {
            let hash = super::operators::hash_pin(pin).map_err(super::StoreError::Invalid)?;
            tx.execute(
                "INSERT OR IGNORE INTO operators (name, role, created_at, pin_hash) VALUES (?1, ?2, ?3, ?4)",
                params![name, role, ts(now), hash],
            )?;
            let id = tx.query_row("SELECT id FROM operators WHERE name = ?1", [name], |r| r.get::<_, i64>(0))?;
            if k < 3 {
                op_ids.push(id);
            }
        }
        let operator_id = op_ids[0];
        for (name, code) in ZONES {
            tx.execute("INSERT INTO zones (name, code) VALUES (?1, ?2)", params![name, code])?;
        }
        for (i, (name, kind, zone)) in MEMBERS.iter().enumerate() {
            let joined = (now - Duration::days(200 + (i as i64 * 37) % 1500)).date_naive();
            let renewal = (now + Duration::days((i as i64 * 11) % 365 - 20)).date_naive();
            let status = if i % 23 == 7 {
                MemberStatus::Lapsed
            } else if i % 29 == 5 {
                MemberStatus::Pending
            } else {
                MemberStatus::Active
            };
            // the day a lapsed member lapsed, for the committee report's figures
            let left = (status == MemberStatus::Lapsed).then(|| (now - Duration::days(20 + (i as i64 * 29) % 300)).date_naive().to_string());
            tx.execute(
                "INSERT INTO members (name, kind, zone_id, address, status, joined_on, renewal_on, agreement_version, agreement_signed_on, left_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    name,
                    kind,
                    *zone as i64 + 1,
                    format!("{} {}, Castlebrook", 1 + i * 3, ZONES[*zone].0),
                    status.code(),
                    joined.to_string(),
                    renewal.to_string(),
                    if i % 6 == 0 { "2019" } else { "2024" },
                    joined.to_string(),
                    left
                ],
            )?;
        }
        // 45 radios: most issued to members, a few spare or broken
        // spread across the members, so every zone's radios are on the roll-call
        for r in 0..45usize {
            let m = (r * 4 / 3) % MEMBERS.len();
            let member = MEMBERS[m];
            let code = ZONES[member.2].1;
            let status = match r {
                40 | 41 => "spare",
                42 => "faulty",
                43 => "in repair",
                44 => "lost",
                _ => "issued",
            };
            let member_id = if status == "issued" { Some(m as i64 + 1) } else { None };
            tx.execute(
                "INSERT INTO radios (call_sign, serial, member_id, status) VALUES (?1, ?2, ?3, ?4)",
                params![format!("{code}{:02}", r + 1), format!("MTP-{:06}", 480_100 + r * 7), member_id, status],
            )?;
        }
        // about 40 offenders: known and ID-sought, some excluded
        for o in 0..40i64 {
            let known = o % 5 != 4;
            let name = if known {
                format!("{} {}", rng.pick(FIRST), rng.pick(LAST))
            } else {
                format!("ID-sought {:03}", 100 + o)
            };
            let description = match o % 4 {
                0 => "slim build, grey hoodie, black cap",
                1 => "heavy build, tattoo on left hand, often with a dog",
                2 => "short, dark puffer jacket, carries a large bag",
                _ => "tall, shaved head, white trainers",
            };
            let mut markers = vec![];
            if rng.chance(30) {
                markers.push(*rng.pick(MARKERS));
            }
            if rng.chance(10) {
                markers.push("drugs");
            }
            markers.dedup();
            let created = now - Duration::days(20 + rng.below(700) as i64);
            tx.execute(
                "INSERT INTO offenders (kind, name, description, markers, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![if known { "known" } else { "id_sought" }, name, description, markers.join(","), ts(created)],
            )?;
            let id = tx.last_insert_rowid();
            if known {
                // what a notice served on them needs; fictional, and set
                // without the generator so the rest of the town is unchanged
                let born = NaiveDate::from_ymd_opt(1970 + (o * 7 % 35) as i32, 1 + (o % 12) as u32, 1 + (o * 3 % 28) as u32)
                    .expect("a real date");
                tx.execute(
                    "UPDATE offenders SET date_of_birth = ?2, address = ?3 WHERE id = ?1",
                    params![id, born.to_string(), format!("{} Brook Street, Castlebrook CB{} {}QT", 2 + o, 1 + o % 9, o % 10)],
                )?;
            }
            if known && o % 3 == 0 {
                let alias = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
                tx.execute("INSERT OR IGNORE INTO offender_aliases (offender_id, alias) VALUES (?1, ?2)", params![id, alias])?;
            }
            if known && o % 2 == 0 {
                // active (most), ended, or a warning
                let (start, end) = match o % 8 {
                    6 => (now - Duration::days(500), now - Duration::days(135)),
                    _ => (now - Duration::days(10 + (o * 7) % 200), now + Duration::days(5 + (o * 13) % 300)),
                };
                let stage = if o % 10 == 4 { STAGES[0] } else { STAGES[1] };
                tx.execute(
                    "INSERT INTO exclusions (offender_id, stage, all_zones, starts_at, ends_at, served_at, served_by, reason)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?6, ?7)",
                    params![id, stage, (o % 4 == 0) as i64, ts(start), ts(end), DEMO_OPERATOR, "persistent shop theft"],
                )?;
                let ex = tx.last_insert_rowid();
                if o % 4 != 0 {
                    tx.execute("INSERT INTO exclusion_zones (exclusion_id, zone_id) VALUES (?1, ?2)", params![ex, 1 + o % 3])?;
                }
            }
        }
        // 90 days of incidents, the last few hours' still being handled
        let mut t = now - day * 90;
        let mut n = 0i64;
        while t < now - Duration::minutes(30) {
            t += Duration::minutes(40 + rng.below(170) as i64);
            if t >= now {
                break;
            }
            n += 1;
            let kind = weighted(&mut rng, KINDS);
            let priority = match kind {
                "violence" => 1 + rng.below(2) as i64,
                "vulnerable person" => 1 + rng.below(2) as i64,
                "theft" | "suspicious" | "drugs" => 2 + rng.below(2) as i64,
                _ => 3 + rng.below(2) as i64,
            };
            let member = if rng.chance(75) { Some(1 + rng.below(MEMBERS.len() as u64) as i64) } else { None };
            let zone = match member {
                Some(m) => MEMBERS[(m - 1) as usize].2 as i64 + 1,
                None => 1 + rng.below(ZONES.len() as u64) as i64,
            };
            let location = if member.is_none() && rng.chance(50) { "outside the bus station" } else { "" };
            let age = now - t;
            let status = if age < Duration::hours(8) {
                *rng.pick(&["open", "open", "responding", "police"])
            } else if age < Duration::hours(48) && rng.chance(12) {
                "responding"
            } else {
                "closed"
            };
            let closed_at = (status == "closed").then(|| t + Duration::minutes(10 + rng.below(180) as i64));
            // most live incidents were touched recently; a few have been left too long
            let updated = match closed_at {
                Some(c) => c,
                None if rng.chance(70) => now - Duration::minutes(rng.below(15) as i64),
                None => t + Duration::minutes(rng.below(20) as i64),
            }
            .min(now)
            .max(t);
            let loss = if kind == "theft" { (rng.below(300) as i64 + 5) * 100 + rng.below(100) as i64 } else { 0 };
            let recovery = if loss > 0 && rng.chance(35) { loss / (1 + rng.below(3) as i64) } else { 0 };
            let police_ref = if priority <= 2 && rng.chance(50) { format!("CB-{:06}", 300_000 + n * 17) } else { String::new() };
            let op = op_ids[rng.below(op_ids.len() as u64) as usize];
            tx.execute(
                "INSERT INTO incidents (kind, priority, status, zone_id, member_id, location, summary, opened_at, updated_at,
                                        closed_at, close_reason, police_ref, loss_pence, recovery_pence, opened_by, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
                params![
                    kind,
                    priority,
                    status,
                    zone,
                    member,
                    location,
                    summary_for(&mut rng, kind),
                    ts(t),
                    ts(updated),
                    closed_at.map(ts),
                    closed_at.map(|_| *rng.pick(CLOSE_REASONS)),
                    police_ref,
                    loss,
                    recovery,
                    op
                ],
            )?;
            let id = tx.last_insert_rowid();
            if kind == "theft" && rng.chance(30) {
                tx.execute(
                    "INSERT OR IGNORE INTO incident_offenders (incident_id, offender_id) VALUES (?1, ?2)",
                    params![id, 1 + rng.below(40) as i64],
                )?;
            }
            if rng.chance(40) || status != "closed" {
                tx.execute(
                    "INSERT INTO timeline (incident_id, at, operator_id, kind, text) VALUES (?1, ?2, ?3, 'note', ?4)",
                    params![id, ts(t + Duration::minutes(2)), op, "CCTV on it, radio warning sent to nearby members"],
                )?;
            }
            if let Some(c) = closed_at {
                tx.execute(
                    "INSERT INTO timeline (incident_id, at, operator_id, kind, text) VALUES (?1, ?2, ?3, 'status', 'open → closed')",
                    params![id, ts(c), op],
                )?;
            }
        }
        add_cameras(tx)?;
        add_sightings(tx, &mut rng, operator_id, now)?;
        add_radio_history(tx, &mut rng, operator_id, now)?;
        // after everything that draws on the seed, so the rest of the town is unchanged
        super::members::add_demo_training(tx, now, &crate::domain::member::default_courses())?;
        add_evidence(tx, operator_id, now)?;
        add_unidentified_sightings(tx, operator_id, now)?;
        audit::append(tx, now, Some(operator_id), AuditAction::Create, "demo", None, &format!("demo town generated: {n} incidents"))?;
        Ok(true)
    })
}

/// Two exhibits on the latest incidents, so the evidence log has something
/// in it: one copied and kept in the evidence safe, one reviewed and not yet
/// copied. Neither is released (the demo town keeps no sharing agreement,
/// and a release needs one). Written like the rest of the demo, without
/// audit records of their own.
fn add_evidence(tx: &rusqlite::Transaction, operator: i64, now: DateTime<Utc>) -> Result<()> {
    let latest: Vec<(i64, i64)> = tx
        .prepare("SELECT id, opened_at FROM incidents ORDER BY opened_at DESC, id DESC LIMIT 2")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let exhibits = [
        ("PS/1", "Cam 3 Market Square", "Priya Shah", true),
        ("PS/2", "Cam 1 High Street east", "Priya Shah", false),
    ];
    for ((incident, opened), (exhibit, camera, by, copied)) in latest.into_iter().zip(exhibits) {
        let camera_id: i64 =
            tx.query_row("SELECT id FROM cameras WHERE name = ?1", [camera], |r| {
                r.get(0)
            })?;
        let start = opened - 5 * 60;
        let end = opened + 4 * 60;
        let recorded = (ts(now)).min(end + 20 * 60);
        tx.execute(
            "INSERT INTO evidence_items (exhibit_ref, incident_id, created_at, created_by) VALUES (?1, ?2, ?3, ?4)",
            params![exhibit, incident, recorded, operator],
        )?;
        let item = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO evidence_entries (item_id, kind, recorded_at, recorded_by, camera_id, camera,
                 clip_start, clip_end, reviewed_by, copied_by, medium, sha256, file_name, note)
             VALUES (?1, 'clip', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                item,
                recorded,
                operator,
                camera_id,
                camera,
                start,
                end,
                by,
                if copied { by } else { "" },
                if copied { "usb" } else { "" },
                if copied {
                    crate::domain::evidence::sha256_hex(exhibit.as_bytes())
                } else {
                    String::new()
                },
                if copied { format!("{}-clip.mp4", exhibit.replace('/', "-")) } else { String::new() },
                "the incident from the first approach to leaving the camera's view"
            ],
        )?;
        if copied {
            tx.execute(
                "INSERT INTO evidence_entries (item_id, kind, recorded_at, recorded_by, handed_at, to_name,
                     organisation, reason, release)
                 VALUES (?1, 'handover', ?2, ?3, ?2, 'Tom Baxter', 'Castlebrook CCTV control room',
                     'into the evidence safe until the police collect it', 0)",
                params![item, recorded, operator],
            )?;
        }
    }
    Ok(())
}

const CAMERAS: &[(&str, Option<i64>, bool)] = &[
    ("Cam 1 High Street east", Some(1), true),
    ("Cam 2 High Street west", Some(1), false),
    ("Cam 3 Market Square", Some(2), false),
    ("Cam 4 Riverside Centre mall", Some(3), false),
    ("Cam 5 Riverside car park", Some(3), false),
    ("Cam 6 Station forecourt", Some(4), false),
    ("Cam 7 Bar Street", Some(5), false),
    ("Cam 8 Taxi rank", Some(5), false),
    ("Mobile van", None, false),
];

fn add_cameras(tx: &rusqlite::Transaction) -> Result<()> {
    for (name, zone, default) in CAMERAS {
        // "Cam 3 …" is camera number 3 on the control room's system
        let number: Option<i64> = name
            .strip_prefix("Cam ")
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok());
        tx.execute(
            "INSERT INTO cameras (name, zone_id, is_default, number) VALUES (?1, ?2, ?3, ?4)",
            params![name, zone, default, number],
        )?;
    }
    Ok(())
}

/// What the store has recorded it is, inside a transaction.
fn store_kind(tx: &rusqlite::Transaction) -> Result<Option<super::meta::StoreKind>> {
    let v: Option<String> = tx
        .query_row("SELECT value FROM store_meta WHERE key = 'kind'", [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(v.as_deref().and_then(super::meta::StoreKind::from_code))
}

/// Whether a store that never said what it is holds the demo town: the
/// demo's five operators and its five zones, and nothing else in either.
pub(crate) fn looks_like_demo(conn: &rusqlite::Connection) -> Result<bool> {
    let names = |sql: &str| -> Result<Vec<String>> {
        let mut st = conn.prepare(sql)?;
        let v = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(v)
    };
    let mut zones = names("SELECT code FROM zones ORDER BY code")?;
    let mut want_zones: Vec<String> = ZONES.iter().map(|z| z.1.to_string()).collect();
    zones.sort();
    want_zones.sort();
    if zones != want_zones {
        return Ok(false);
    }
    let operators = names("SELECT name FROM operators")?;
    Ok(DEMO_OPERATORS
        .iter()
        .all(|(n, _, _)| operators.iter().any(|o| o == n)))
}

/// A month of sightings of the register's people, with the hits they raised:
/// older hits decided, the last two still waiting for an operator.
fn add_sightings(
    tx: &rusqlite::Transaction,
    rng: &mut Rng,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let rules = super::sightings::HitRules::default();
    let offenders: Vec<i64> = {
        let mut st = tx.prepare("SELECT id FROM offenders ORDER BY id")?;
        let ids = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        ids
    };
    let notes = [
        "walking towards the market",
        "went into the shopping centre",
        "with two others",
        "carrying a large bag",
        "left towards the station",
    ];
    let count = 40u64;
    for k in 0..count {
        // spread over the last fortnight, the last few within the hour
        let at = if k + 3 >= count {
            now - Duration::minutes(((count - k) * 9) as i64 + rng.below(5) as i64)
        } else {
            now - Duration::minutes(((count - k) * 8 * 60) as i64 + rng.below(50) as i64)
        };
        let camera = 1 + rng.below(CAMERAS.len() as u64 - 1) as i64;
        let zone = CAMERAS[(camera - 1) as usize].1;
        let offender = offenders[rng.below(offenders.len() as u64) as usize];
        tx.execute(
            "INSERT INTO sightings (at, camera_id, zone_id, offender_id, note, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?1)",
            params![ts(at), camera, zone, offender, rng.pick(&notes), operator],
        )?;
        let sighting = tx.last_insert_rowid();
        let hits = super::sightings::raise_hits(
            tx,
            &rules,
            offender,
            zone,
            at,
            Some(sighting),
            None,
            operator,
            at,
        )?
        .raised;
        for h in hits {
            if k + 3 < count {
                let accept = rng.chance(80);
                tx.execute(
                    "UPDATE hits SET status = ?1, decided_at = ?2, decided_by = ?3, action_taken = ?4, reject_reason = ?5 WHERE id = ?6",
                    params![
                        if accept { "accepted" } else { "rejected" },
                        ts(at + Duration::minutes(2)),
                        operator,
                        accept.then_some("radio warned"),
                        (!accept).then_some("not him: different build"),
                        h
                    ],
                )?;
            }
        }
    }
    Ok(())
}

/// Two sightings of people not yet identified, described as the desk saw
/// them: one on the latest theft, one on no incident. Drawn from no seed.
fn add_unidentified_sightings(
    tx: &rusqlite::Transaction,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let theft: Option<(i64, i64)> = tx
        .query_row(
            "SELECT id, opened_at FROM incidents WHERE kind = 'theft' ORDER BY opened_at DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let seen = [
        (
            theft.map_or(now - Duration::minutes(50), |(_, at)| {
                super::from_ts(at) + Duration::minutes(3)
            }),
            3,
            "white male, 30s, grey hoodie, black cap, tattoo on left hand",
            "took two bottles of spirits, left towards the bus station",
            theft.map(|(id, _)| id),
        ),
        (
            now - Duration::hours(26),
            7,
            "female, 20s, long camel coat, blonde ponytail, pushing a pram",
            "watched the jewellers' window for ten minutes",
            None,
        ),
    ];
    for (at, camera, description, note, incident) in seen {
        let zone = CAMERAS[(camera - 1) as usize].1;
        tx.execute(
            "INSERT INTO sightings (at, camera_id, zone_id, description, note, incident_id, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?1)",
            params![ts(at), camera, zone, description, note, incident, operator],
        )?;
    }
    Ok(())
}

/// Thirty nights of roll-calls, with a couple of radios going bad, and
/// today's radio traffic.
fn add_radio_history(
    tx: &rusqlite::Transaction,
    rng: &mut Rng,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let roster: Vec<(i64, String)> = {
        let mut st = tx.prepare(
            "SELECT r.id, r.call_sign FROM radios r JOIN members m ON m.id = r.member_id JOIN zones z ON z.id = m.zone_id
             WHERE r.status = 'issued' AND m.status = 'active' ORDER BY z.name, r.call_sign",
        )?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows
    };
    for night in (1..=30i64).rev() {
        let started = (now - Duration::days(night))
            .date_naive()
            .and_hms_opt(20, 0, 0)
            .expect("time")
            .and_utc();
        let mut counts = [0i64; 6]; // answered, nothing, weak, relays, closed, late
        tx.execute(
            "INSERT INTO roll_calls (started_at, finished_at, practice, started_by, expected) VALUES (?1, ?2, 0, ?3, ?4)",
            params![ts(started), ts(started + Duration::minutes(25)), operator, roster.len() as i64],
        )?;
        let rc = tx.last_insert_rowid();
        for (k, (radio, _)) in roster.iter().enumerate() {
            // the fifth radio on the roster has gone silent lately; the ninth is fading
            let answer = if k == 4 && night <= 4 {
                "nothing".to_string()
            } else if k == 8 {
                format!("heard:{}", (1 + night / 6).min(5))
            } else if rng.chance(4) {
                "closed".into()
            } else if rng.chance(5) {
                "nothing".into()
            } else {
                format!(
                    "heard:{}",
                    if rng.chance(80) { 5 } else { 3 + rng.below(2) }
                )
            };
            let readability = answer
                .strip_prefix("heard:")
                .and_then(|n| n.parse::<i64>().ok());
            match answer.as_str() {
                "nothing" => counts[1] += 1,
                "closed" => counts[4] += 1,
                _ => counts[0] += 1,
            }
            if readability.is_some_and(|r| r <= 2) {
                counts[2] += 1;
            }
            tx.execute(
                "INSERT INTO roll_call_answers (roll_call_id, radio_id, answer, readability) VALUES (?1, ?2, ?3, ?4)",
                params![rc, radio, answer, readability],
            )?;
        }
        tx.execute(
            "UPDATE roll_calls SET answered = ?1, nothing_heard = ?2, weak = ?3, relays = ?4, closed = ?5, late = ?6 WHERE id = ?7",
            params![counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], rc],
        )?;
    }
    let messages = [
        "signing on",
        "signing on",
        "signing on",
        "male in red jacket heading your way",
        "signing off",
        "all quiet",
    ];
    for k in 0..12i64 {
        let (radio, _) = &roster[(k as usize * 5) % roster.len()];
        let at = now - Duration::minutes(300 - k * 23);
        let message = messages[(k % messages.len() as i64) as usize];
        let event = match message {
            "signing on" => Some("on"),
            "signing off" => Some("off"),
            _ => None,
        };
        tx.execute(
            "INSERT INTO radio_log (at, radio_id, message, operator_id, event) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![ts(at), radio, message, operator, event],
        )?;
    }
    Ok(())
}

/// Add `count` synthetic incidents over ten years (for benchmark stores), with
/// about one in two hundred still live. Runs in one transaction.
pub fn add_bulk_incidents(
    store: &mut Store,
    count: u64,
    now: DateTime<Utc>,
    mut progress: impl FnMut(u64),
) -> Result<()> {
    let mut rng = Rng::new(DEMO_SEED ^ count);
    let operator = store.operator_or_add(DEMO_OPERATOR, "operator", now)?;
    let members: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM members", [], |r| r.get(0))?;
    let zones: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM zones", [], |r| r.get(0))?;
    if members == 0 || zones == 0 {
        return Err(super::StoreError::Invalid(
            "build the demo town first (zones and members)".into(),
        ));
    }
    let span = 10 * 365 * 86_400i64;
    store.write(|tx| {
        let mut st = tx.prepare(
            "INSERT INTO incidents (kind, priority, status, zone_id, member_id, location, summary, opened_at, updated_at,
                                    closed_at, close_reason, police_ref, loss_pence, recovery_pence, opened_by, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, ?7, ?8, ?9, ?10, '', ?11, 0, ?12, ?12)",
        )?;
        for i in 0..count {
            let opened = ts(now) - span + (span as u64 * i / count.max(1)) as i64;
            let kind = weighted(&mut rng, KINDS);
            let live = rng.below(200) == 0;
            let member = 1 + rng.below(members as u64) as i64;
            let zone = 1 + rng.below(zones as u64) as i64;
            let closed_at = (!live).then_some(opened + 600 + rng.below(7200) as i64);
            st.execute(params![
                kind,
                1 + rng.below(4) as i64,
                if live { "open" } else { "closed" },
                zone,
                member,
                summary_for(&mut rng, kind),
                opened,
                closed_at.unwrap_or(opened),
                closed_at,
                closed_at.map(|_| "dealt with"),
                if kind == "theft" { rng.below(20_000) as i64 } else { 0 },
                operator.id
            ])?;
            if i % 100_000 == 0 {
                progress(i);
            }
        }
        audit::append(tx, now, Some(operator.id), AuditAction::Create, "bulk", None, &format!("{count} synthetic incidents"))?;
        Ok(())
    })
}

/// Grow the radio network to `radios` handsets (issued to active members,
/// members added as needed) and add `nights` of finished roll-calls for them
/// (for benchmark stores). One transaction.
pub fn add_bulk_roll_calls(
    store: &mut Store,
    radios: usize,
    nights: usize,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut rng = Rng::new(DEMO_SEED ^ (radios as u64) << 20 ^ nights as u64);
    let operator = store.operator_or_add(DEMO_OPERATOR, "operator", now)?;
    store.write(|tx| {
        let zones: i64 = tx.query_row("SELECT COUNT(*) FROM zones", [], |r| r.get(0))?;
        if zones == 0 {
            return Err(super::StoreError::Invalid("build the demo town first (zones and members)".into()));
        }
        let have: i64 = tx.query_row("SELECT COUNT(*) FROM radios", [], |r| r.get(0))?;
        for k in have as usize..radios {
            let zone = 1 + (k as i64 % zones);
            tx.execute(
                "INSERT INTO members (name, kind, zone_id, status) VALUES (?1, 'shop', ?2, 'active')",
                params![format!("Bench member {k}"), zone],
            )?;
            let member = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO radios (call_sign, serial, member_id, status) VALUES (?1, ?2, ?3, 'issued')",
                params![format!("BX{k:03}"), format!("BENCH-{k:06}"), member],
            )?;
        }
        let roster: Vec<i64> = {
            let mut st = tx.prepare(
                "SELECT r.id FROM radios r JOIN members m ON m.id = r.member_id JOIN zones z ON z.id = m.zone_id
                 WHERE r.status = 'issued' AND m.status = 'active' ORDER BY z.name, r.call_sign",
            )?;
            let ids = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            ids
        };
        let mut rc_insert = tx.prepare(
            "INSERT INTO roll_calls (started_at, finished_at, practice, started_by, expected, answered, nothing_heard)
             VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6)",
        )?;
        let mut answer_insert =
            tx.prepare("INSERT INTO roll_call_answers (roll_call_id, radio_id, answer, readability) VALUES (?1, ?2, ?3, ?4)")?;
        for night in (1..=nights as i64).rev() {
            let started = (now - Duration::days(night)).date_naive().and_hms_opt(20, 0, 0).expect("time").and_utc();
            let silent = roster.len() / 20;
            rc_insert.execute(params![
                ts(started),
                ts(started + Duration::minutes(30)),
                operator.id,
                roster.len() as i64,
                (roster.len() - silent) as i64,
                silent as i64
            ])?;
            let rc = tx.last_insert_rowid();
            for radio in &roster {
                let (answer, readability) = if rng.below(20) == 0 { ("nothing".to_string(), None) } else {
                    let n = if rng.chance(80) { 5 } else { 2 + rng.below(3) as i64 };
                    (format!("heard:{n}"), Some(n))
                };
                answer_insert.execute(params![rc, radio, answer, readability])?;
            }
        }
        audit::append(tx, now, Some(operator.id), AuditAction::Create, "bulk", None, &format!("{radios} radios, {nights} nights of roll-calls"))?;
        Ok(())
    })
}
