//! What the hits and wake benchmarks share: the demo town with people under
//! exclusions (a breach each), the sighting that raises one, and the figures
//! (nearest-rank percentiles) they print.

use chrono::{Duration as Span, Utc};
use std::path::Path;
use std::time::Duration;
use watchroom::domain::exclusion::Scope;
use watchroom::domain::offender::{OffenderInput, OffenderKind};
use watchroom::domain::sighting::{Camera, NewSighting};
use watchroom::store::demo;
use watchroom::store::exclusions::NewExclusion;
use watchroom::store::sightings::HitRules;
use watchroom::store::Store;

/// The person the benches' own excluded people are named after.
pub const EXCLUDED: &str = "Benton Harrow";
pub const UNSANCTIONED: &str = "Nolan Clearwater";

/// A demo town with one person excluded from every zone and one with no sanction.
pub struct Town {
    pub store: Store,
    pub operator: i64,
    pub unsanctioned: i64,
    /// Cameras that point at a zone (a breach needs a zone).
    pub cameras: Vec<Camera>,
}

pub fn town(path: &Path) -> Town {
    let now = Utc::now();
    let mut store = Store::open(path).expect("open the bench store");
    demo::build_demo(&mut store, now).expect("build the demo town");
    let operator = store
        .operator_or_add(demo::DEMO_OPERATOR, "operator", now)
        .expect("the demo operator")
        .id;
    // the person the benches' own excluded people are named after
    excluded_person(&mut store, EXCLUDED, operator);
    let unsanctioned = person(&mut store, UNSANCTIONED, operator);
    let cameras: Vec<Camera> = store
        .cameras()
        .expect("the cameras")
        .into_iter()
        .filter(|c| c.zone_id.is_some())
        .collect();
    assert!(!cameras.is_empty(), "the demo town has cameras on zones");
    Town {
        store,
        operator,
        unsanctioned,
        cameras,
    }
}

/// Someone named `name` on the register, with no sanction.
pub fn person(store: &mut Store, name: &str, operator: i64) -> i64 {
    store
        .create_offender(
            OffenderKind::Known,
            OffenderInput {
                name: name.into(),
                description: "medium build, navy parka".into(),
                ..Default::default()
            },
            operator,
            Utc::now(),
        )
        .expect("create an offender")
        .id
}

/// Someone named `name` under an all-zones exclusion in force.
pub fn excluded_person(store: &mut Store, name: &str, operator: i64) -> i64 {
    let now = Utc::now();
    let excluded = person(store, name, operator);
    let rules = HitRules::default();
    let exclusion = store
        .create_exclusion(
            &NewExclusion {
                offender_id: excluded,
                stage: "exclusion".into(),
                scope: Scope::AllZones,
                starts_at: now - Span::days(1),
                ends_at: now + Span::days(365),
                served_at: Some(now - Span::days(1)),
                served_by: demo::DEMO_OPERATOR.into(),
                reason: "persistent shop theft".into(),
                evidence: vec![],
                review_on: None,
            },
            &rules.ladder,
            operator,
            now,
        )
        .expect("serve the exclusion");
    assert!(exclusion.in_force(now), "the exclusion is in force");
    excluded
}

/// `k` more people under exclusions, each for one hit of their own.
pub fn excluded_people(t: &mut Town, k: usize) -> Vec<i64> {
    (0..k)
        .map(|i| excluded_person(&mut t.store, &format!("{EXCLUDED} {i}"), t.operator))
        .collect()
}

pub fn sighting(offender: i64, camera: &Camera) -> NewSighting {
    NewSighting {
        at: Utc::now(),
        camera_id: Some(camera.id),
        zone_id: None,
        location: String::new(),
        offender_id: Some(offender),
        description: String::new(),
        note: "walking towards the market".into(),
        incident_id: None,
    }
}

/// A console signed in as `name`, on the real clock, as the binary builds
/// it, sized to 120×40: another console's commits are what it shows.
pub fn live_console(
    path: &Path,
    name: &str,
    themes: &watchroom::ui::Themes,
) -> watchroom::app::App {
    let mut store = Store::open(path).expect("a console opens the store");
    let operator = store
        .operator_or_add(name, "operator", Utc::now())
        .expect("the console's operator");
    let mut app = watchroom::app::App::new(
        store,
        std::sync::Arc::new(watchroom::domain::SystemClock),
        watchroom::app::config::Config::default(),
        operator,
        "default".into(),
        themes.names(),
    )
    .expect("build the console");
    app.handle_event(watchroom::app::Event::Resize(super::WIDTH, super::HEIGHT));
    app
}

// ----- figures ------------------------------------------------------------------

pub struct Stats {
    pub n: usize,
    pub min: Duration,
    pub median: Duration,
    pub p99: Duration,
    pub max: Duration,
}

/// Nearest-rank percentiles.
pub fn stats(mut v: Vec<Duration>) -> Stats {
    assert!(!v.is_empty(), "nothing measured");
    v.sort();
    let rank = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    Stats {
        n: v.len(),
        min: v[0],
        median: rank(0.5),
        p99: rank(0.99),
        max: v[v.len() - 1],
    }
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.3} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

pub fn line(what: &str, s: &Stats) {
    println!(
        "  {what:<44} n={:<5} min {:>10}  median {:>10}  p99 {:>10}  max {:>10}",
        s.n,
        ms(s.min),
        ms(s.median),
        ms(s.p99),
        ms(s.max)
    );
}

pub fn verdict(figure: Duration, target: Duration) -> &'static str {
    if figure < target {
        "within target"
    } else {
        "OVER TARGET"
    }
}
