//! The police's whole-force street-level file kept to the scheme's area: a
//! store made from empty, the real binary with the scheme's config, rows in
//! the area by LSOA and by boundary, those outside counted by LSOA name, a
//! month given again replacing the month (an anti-social behaviour row that
//! moved counted once), a month removed and audited, and the report's police
//! section naming the area, the months and the pairing.

mod support;

use std::path::{Path, PathBuf};
use support::*;
use watchroom::store::Store;

const HEADER: &str = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n";

/// The scheme's area: one LSOA, and a boundary round the shopping centre
/// (which lies in another LSOA).
const CONFIG: &str = "[police]
lsoa = [\"E01024170\"]
boundary = [[0.215, 51.444], [0.222, 51.444], [0.222, 51.448], [0.215, 51.448]]
shoplifting_types = [\"shop theft\"]
";

#[allow(clippy::too_many_arguments)]
fn row(
    id: &str,
    month: &str,
    point: Option<(f64, f64)>,
    location: &str,
    code: &str,
    name: &str,
    kind: &str,
    outcome: &str,
) -> String {
    let (lon, lat) = point
        .map(|(x, y)| (x.to_string(), y.to_string()))
        .unwrap_or_default();
    format!("{id},{month},Kent Police,Kent Police,{lon},{lat},{location},{code},{name},{kind},{outcome},\n")
}

/// A whole force's month, shaped as data.police.uk publishes it: six rows
/// in the area and 1,200 outside it across seven LSOAs.
fn force_month(month: &str, asb_moved: bool, outcome: &str) -> String {
    let mut f = String::from(HEADER);
    let high_street = Some((0.213012, 51.445467));
    // in the area by its LSOA (its point is outside the boundary)
    for n in 0..3 {
        f += &row(
            // a Crime ID is the crime's own: another month's file never repeats it
            &format!("{month}-shop{n}"),
            month,
            high_street,
            "On or near High Street",
            "E01024170",
            "Castlebrook 006C",
            "Shoplifting",
            if n == 0 {
                outcome
            } else {
                "Under investigation"
            },
        );
    }
    // two anti-social behaviour rows, no Crime ID; republished, one has
    // moved to another street of the same LSOA and the other has gone
    if asb_moved {
        f += &row(
            "",
            month,
            Some((0.214855, 51.444102)),
            "On or near Market Street",
            "E01024170",
            "Castlebrook 006C",
            "Anti-social behaviour",
            "",
        );
    } else {
        for _ in 0..2 {
            f += &row(
                "",
                month,
                high_street,
                "On or near High Street",
                "E01024170",
                "Castlebrook 006C",
                "Anti-social behaviour",
                "",
            );
        }
    }
    // in the area by its point alone: the shopping centre's LSOA is not listed
    f += &row(
        &format!("{month}-mall1"),
        month,
        Some((0.218411, 51.446021)),
        "On or near Shopping Area",
        "E01024171",
        "Castlebrook 006D",
        "Shoplifting",
        "Offender given a caution",
    );
    // outside: the rest of the force
    let places = [
        ("E01024600", "Canterbury 014A", 600),
        ("E01024601", "Canterbury 014B", 300),
        ("E01024700", "Dover 001A", 200),
        ("E01024800", "Maidstone 002C", 50),
        ("E01024900", "Ashford 003D", 30),
        ("E01025000", "Thanet 004E", 15),
        ("E01025100", "Swale 005F", 5),
    ];
    let mut k = 0;
    for (code, name, n) in places {
        for _ in 0..n {
            k += 1;
            let asb = k % 3 == 0;
            let id = if asb {
                String::new()
            } else {
                format!("out{k}")
            };
            f += &row(
                &id,
                month,
                Some((1.08 + (k % 100) as f64 * 0.0001, 51.28)),
                &format!("On or near Street {k}"),
                code,
                name,
                if asb {
                    "Anti-social behaviour"
                } else {
                    "Shoplifting"
                },
                "",
            );
        }
    }
    f
}

struct Scheme {
    _dir: tempfile::TempDir,
    db: PathBuf,
    config: PathBuf,
}

/// A store made from empty with `init`, and the scheme's config beside it.
fn scheme() -> Scheme {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("scheme.db");
    let (ok, _, err) = run_with_input(
        dir.path(),
        &[
            "--db",
            db.to_str().unwrap(),
            "init",
            "--manager",
            "Dana Chief",
        ],
        &["482913", "482913"],
    );
    assert!(ok, "{err}");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, CONFIG).unwrap();
    Scheme {
        _dir: dir,
        db,
        config,
    }
}

impl Scheme {
    fn file(&self, name: &str, text: &str) -> String {
        let p = self.db.parent().unwrap().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    }

    /// The binary as Dana, with the scheme's config.
    fn run(&self, args: &[&str]) -> (bool, String, String) {
        let mut all = vec!["--config", self.config.to_str().unwrap()];
        all.extend(args);
        run_binary(&self.db, "Dana Chief", "482913", &all)
    }

    fn rows(&self, sql: &str) -> i64 {
        count(&self.db, sql)
    }
}

#[test]
fn a_whole_force_file_keeps_the_areas_rows_and_counts_the_rest_by_lsoa() {
    let s = scheme();
    let file = s.file(
        "2026-10-kent-street.csv",
        &force_month("2026-10", false, ""),
    );

    // with no area set the import is refused, saying how to set one
    let bare = s.db.parent().unwrap().join("bare.toml");
    std::fs::write(&bare, "theme = \"night\"\n").unwrap();
    let (ok, _, err) = run_binary(
        &s.db,
        "Dana Chief",
        "482913",
        &[
            "--config",
            bare.to_str().unwrap(),
            "import",
            "police",
            &file,
        ],
    );
    assert!(!ok);
    assert!(err.contains("covers the whole force"), "{err}");
    assert!(err.contains(&format!("Add to {}", bare.display())), "{err}");
    assert!(err.contains("[police]\nlsoa = [\"E01"), "{err}");
    assert!(err.contains("boundary = [["), "{err}");
    assert_eq!(s.rows("SELECT COUNT(*) FROM police_crimes"), 0);

    // the dry run: the area's rows, and those outside by LSOA name
    let (ok, out, err) = s.run(&["import", "police", &file]);
    assert!(ok, "{err}\n{out}");
    assert!(out.contains("1206 police row(s) read"), "{out}");
    assert!(
        out.contains("area: LSOA E01024170 and the boundary of 4 points"),
        "{out}"
    );
    assert!(
        out.contains(
            "6 row(s) in the area; 1,200 rows outside the area: Canterbury 014A 600, \
             Canterbury 014B 300, Dover 001A 200, Maidstone 002C 50, Ashford 003D 30, and 2 more LSOAs"
        ),
        "{out}"
    );
    assert!(
        out.contains("dry run: 6 new, 0 to update, 0 unchanged"),
        "{out}"
    );
    assert_eq!(s.rows("SELECT COUNT(*) FROM police_crimes"), 0);

    let (ok, out, err) = s.run(&["import", "police", &file, "--apply"]);
    assert!(ok, "{err}\n{out}");
    assert!(
        out.contains("imported: 6 new, 0 updated, 0 unchanged, 0 removed"),
        "{out}"
    );
    assert_eq!(s.rows("SELECT COUNT(*) FROM police_crimes"), 6);
    // by its LSOA (point outside the boundary) and by its point (LSOA not listed)
    assert_eq!(
        s.rows("SELECT COUNT(*) FROM police_crimes WHERE lsoa_code = 'E01024170'"),
        5
    );
    assert_eq!(
        s.rows("SELECT COUNT(*) FROM police_crimes WHERE crime_id = '2026-10-mall1'"),
        1
    );
    assert_eq!(
        s.rows("SELECT COUNT(*) FROM police_crimes WHERE lsoa_name LIKE 'Canterbury%'"),
        0
    );
    assert_eq!(
        s.rows("SELECT COUNT(*) FROM police_crimes WHERE crime_id = ''"),
        2,
        "both anti-social behaviour rows, identical as they are"
    );
    assert_eq!(
        s.rows(
            "SELECT rows_kept * 10000 + rows_outside FROM police_months WHERE month = '2026-10'"
        ),
        6 * 10000 + 1200
    );
    let store = Store::open(&s.db).unwrap();
    let audit = store.recent_audit(None, 1).unwrap().remove(0);
    assert_eq!(
        (
            audit.action.code(),
            audit.entity.as_str(),
            audit.operator.as_str()
        ),
        ("import", "police_crimes", "Dana Chief")
    );
    assert_eq!(
        audit.detail,
        "6 new, 0 updated, 0 unchanged, 0 removed; 1200 outside the area; months 2026-10"
    );
}

#[test]
fn a_month_given_again_replaces_the_month_so_moved_antisocial_behaviour_is_counted_once() {
    let s = scheme();
    let first = s.file("first.csv", &force_month("2026-10", false, ""));
    let (ok, _, err) = s.run(&["import", "police", &first, "--apply"]);
    assert!(ok, "{err}");
    let asb = "SELECT COUNT(*) FROM police_crimes WHERE crime_type = 'Anti-social behaviour'";
    assert_eq!(s.rows(asb), 2);

    // republished: one anti-social behaviour row moved, the other gone, an
    // outcome recorded; the dry run says what the month would lose
    let again = s.file(
        "again.csv",
        &force_month("2026-10", true, "Offender sent to prison"),
    );
    let (ok, out, err) = s.run(&["import", "police", &again]);
    assert!(ok, "{err}");
    assert!(
        out.contains(
            "dry run: 1 new, 1 to update, 3 unchanged (already in the store), 2 to remove"
        ),
        "{out}"
    );
    assert_eq!(s.rows(asb), 2, "a dry run changes nothing");
    let (ok, out, err) = s.run(&["import", "police", &again, "--apply"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("imported: 1 new, 1 updated, 3 unchanged, 2 removed"),
        "{out}"
    );
    assert_eq!(s.rows(asb), 1, "the moved row once, the vanished one gone");
    assert_eq!(
        s.rows("SELECT COUNT(*) FROM police_crimes WHERE location = 'On or near Market Street'"),
        1
    );
    assert_eq!(s.rows("SELECT COUNT(*) FROM police_crimes"), 5);
    assert_eq!(
        s.rows("SELECT COUNT(*) FROM police_crimes WHERE last_outcome = 'Offender sent to prison'"),
        1
    );
    // the same file once more changes nothing
    let (ok, out, _) = s.run(&["import", "police", &again, "--apply"]);
    assert!(ok);
    assert!(
        out.contains("imported: 0 new, 0 updated, 5 unchanged, 0 removed"),
        "{out}"
    );

    // another month beside it is its own
    let nov = s.file("nov.csv", &force_month("2026-11", false, ""));
    let (ok, _, err) = s.run(&["import", "police", &nov, "--apply"]);
    assert!(ok, "{err}");
    assert_eq!(s.rows("SELECT COUNT(*) FROM police_crimes"), 11);
}

#[test]
fn a_month_is_removed_by_a_manager_audited_and_a_bad_or_missing_month_is_named() {
    let s = scheme();
    let oct = s.file("oct.csv", &force_month("2026-10", false, ""));
    let (ok, _, err) = s.run(&["import", "police", &oct, "--apply"]);
    assert!(ok, "{err}");

    let (ok, _, err) = s.run(&["import", "police", "--remove-month", "2026-9"]);
    assert!(!ok);
    assert!(
        err.contains("--remove-month “2026-9” is not a month: write YYYY-MM"),
        "{err}"
    );
    let (ok, _, err) = s.run(&["import", "police", "--remove-month", "2019-07", "--apply"]);
    assert!(!ok);
    assert!(
        err.contains("no police data is held for 2019-07 (months held: 2026-10)"),
        "{err}"
    );
    let (ok, _, err) = s.run(&["import", "members", "--remove-month", "2026-10"]);
    assert!(!ok);
    assert!(err.contains("for police data only"), "{err}");

    // a dry run first, as an import is
    let (ok, out, err) = s.run(&["import", "police", "--remove-month", "2026-10"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("dry run: 6 police row(s) held for 2026-10 would be removed"),
        "{out}"
    );
    assert_eq!(s.rows("SELECT COUNT(*) FROM police_crimes"), 6);

    let (ok, out, err) = s.run(&["import", "police", "--remove-month", "2026-10", "--apply"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("removed: 6 police row(s) held for 2026-10"),
        "{out}"
    );
    assert_eq!(s.rows("SELECT COUNT(*) FROM police_crimes"), 0);
    assert_eq!(s.rows("SELECT COUNT(*) FROM police_months"), 0);
    let audit = Store::open(&s.db)
        .unwrap()
        .recent_audit(None, 1)
        .unwrap()
        .remove(0);
    assert_eq!(
        (
            audit.action.code(),
            audit.entity.as_str(),
            audit.operator.as_str(),
            audit.detail.as_str()
        ),
        (
            "import",
            "police_crimes",
            "Dana Chief",
            "removed month 2026-10: 6 rows"
        )
    );
    // a wrong PIN removes nothing
    let (ok, _, _) = s.run(&["import", "police", &oct, "--apply"]);
    assert!(ok);
    let (ok, _, _) = run_binary(
        &s.db,
        "Dana Chief",
        "000000",
        &[
            "--config",
            s.config.to_str().unwrap(),
            "import",
            "police",
            "--remove-month",
            "2026-10",
            "--apply",
        ],
    );
    assert!(!ok);
    assert_eq!(s.rows("SELECT COUNT(*) FROM police_crimes"), 6);
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/police-street-sample.csv")
}

#[test]
fn the_reports_police_section_names_the_area_the_months_and_the_pairing() {
    use watchroom::domain::{NewIncident, Place, Priority};
    let s = scheme();
    // the sample's LSOAs 006C and 006D, and two shop thefts the scheme logged in October
    std::fs::write(
        &s.config,
        "[police]\nlsoa = [\"E01024170\", \"E01024171\"]\nshoplifting_types = [\"shop theft\"]\nantisocial_types = [\"nuisance\", \"antisocial\"]\n",
    )
    .unwrap();
    let (ok, out, err) = s.run(&["import", "police", sample().to_str().unwrap(), "--apply"]);
    assert!(ok, "{err}\n{out}");
    {
        let mut store = Store::open(&s.db).unwrap();
        let op = store.operator_by_name("Dana Chief").unwrap().unwrap().id;
        for (day, kind) in [(3, "shop theft"), (17, "Shop Theft"), (20, "theft")] {
            let at = chrono::NaiveDate::from_ymd_opt(2026, 10, day)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap()
                .and_utc();
            let new = NewIncident {
                kind: kind.into(),
                priority: Priority::ALL[2],
                place: Place {
                    zone_id: None,
                    member_id: None,
                    location: "High Street".into(),
                },
                summary: "taken from the shelf".into(),
                opened_at: at,
            };
            store.create_incident(&new, op, at).unwrap();
        }
    }
    let (ok, md, err) = s.run(&["report", "--from", "2026-09-01", "--to", "2026-11-30"]);
    assert!(ok, "{err}");
    for expected in [
        "The scheme's area in the police data: 2 LSOAs (E01024170, E01024171).",
        "The police files imported cover Oct 2026 (1 of the period's 3 months).",
        "Counted together: Shoplifting beside the scheme's shop theft; Anti-social behaviour beside the scheme's nuisance and antisocial.",
        "| Month | Shoplifting (police) | Shop theft (scheme) | Anti-social behaviour (police) | Nuisance (scheme) |",
        // the sample's 006C and 006D rows: shoplifting 1 + 3, anti-social behaviour 3 + 1
        "| Oct 2026 | 4 | 2 | 4 | 0 |",
        "| Sep 2026 | 0 | 0 | 0 | 0 |",
    ] {
        assert!(md.contains(expected), "missing: {expected}\n\n{md}");
    }

    let csv = s.db.parent().unwrap().join("report.csv");
    let (ok, _, err) = s.run(&[
        "report",
        "--from",
        "2026-09-01",
        "--to",
        "2026-11-30",
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let csv = std::fs::read_to_string(csv).unwrap();
    for expected in [
        "police,area,,,\"2 LSOAs (E01024170, E01024171)\"",
        "police,month_imported,,2026-10,1",
        "police,scheme_type_counted_beside,shop theft,,Shoplifting",
        "police,scheme_type_counted_beside,nuisance,,Anti-social behaviour",
        "police,police_recorded,Shoplifting,2026-10,4",
        "police,scheme_incidents,Shoplifting,2026-10,2",
    ] {
        assert!(csv.contains(expected), "missing: {expected}\n\n{csv}");
    }
    assert!(!csv.contains("police,month_imported,,2026-09"), "{csv}");
}
