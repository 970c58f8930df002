//! The police's street-level crime data and the scheme's area: which of a
//! whole force's rows lie in the scheme's area (listed LSOAs, or a point
//! inside a boundary), the months a file covers, and which of the scheme's
//! incident types are set beside the police's Shoplifting and Anti-social
//! behaviour.

use crate::domain::money::group_thousands;
use crate::domain::report::IncidentCell;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The scheme's area: a row is in it when its LSOA code is listed or its
/// point lies inside the boundary. Both may be given; at least one is.
#[derive(Debug, Clone, PartialEq)]
pub struct PoliceArea {
    /// LSOA codes, upper case, sorted, each once.
    pub lsoa: Vec<String>,
    /// (longitude, latitude) corners, in order; empty or at least three.
    pub boundary: Vec<(f64, f64)>,
    /// The boundary's extent, so most of a force's rows are ruled out with
    /// four comparisons: (min lon, min lat, max lon, max lat).
    bounds: Option<(f64, f64, f64, f64)>,
}

/// What the config lines for an area look like, for a message saying how to set one.
pub const AREA_EXAMPLE: &str = "[police]\n\
lsoa = [\"E01024170\", \"E01024171\"]            # the LSOA codes the scheme covers, and/or\n\
boundary = [[0.205, 51.440], [0.225, 51.440], [0.225, 51.450], [0.205, 51.450]]   # longitude, latitude";

/// An LSOA code as the police data gives it: E01 (England) or W01 (Wales)
/// and six digits.
pub fn is_lsoa_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 9
        && matches!(b[0], b'E' | b'W')
        && &b[1..3] == b"01"
        && b[3..].iter().all(u8::is_ascii_digit)
}

impl PoliceArea {
    /// The area from the config's `[police] lsoa` and `boundary`: `None`
    /// when neither is set; an error naming the setting when one is wrong.
    pub fn new(lsoa: &[String], boundary: &[[f64; 2]]) -> Result<Option<PoliceArea>, String> {
        let mut codes = vec![];
        for given in lsoa {
            let code = given.trim().to_ascii_uppercase();
            if !is_lsoa_code(&code) {
                return Err(format!(
                    "[police] lsoa: “{}” is not an LSOA code (E01 or W01 and six digits, e.g. E01024170)",
                    crate::domain::text::clean(given)
                ));
            }
            codes.push(code);
        }
        codes.sort();
        codes.dedup();
        if !boundary.is_empty() && boundary.len() < 3 {
            return Err(format!(
                "[police] boundary needs at least 3 points (longitude, latitude) to enclose an area; it has {}",
                boundary.len()
            ));
        }
        for (i, [lon, lat]) in boundary.iter().enumerate() {
            if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0) {
                return Err(format!(
                    "[police] boundary: point {} [{lon}, {lat}] is not [longitude, latitude] (longitude -180 to 180, latitude -90 to 90)",
                    i + 1
                ));
            }
        }
        if codes.is_empty() && boundary.is_empty() {
            return Ok(None);
        }
        let boundary: Vec<(f64, f64)> = boundary.iter().map(|p| (p[0], p[1])).collect();
        let bounds = (!boundary.is_empty()).then(|| {
            boundary.iter().fold(
                (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
                |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y)),
            )
        });
        Ok(Some(PoliceArea {
            lsoa: codes,
            boundary,
            bounds,
        }))
    }

    /// Whether a row (its LSOA code, and its point if it has one) is in the area.
    pub fn contains(&self, lsoa_code: &str, point: Option<(f64, f64)>) -> bool {
        if !self.lsoa.is_empty() {
            let code = lsoa_code.trim();
            if self.lsoa.binary_search_by(|c| c.as_str().cmp(code)).is_ok()
                || (code.bytes().any(|b| b.is_ascii_lowercase())
                    && self.lsoa.binary_search(&code.to_ascii_uppercase()).is_ok())
            {
                return true;
            }
        }
        match (point, self.bounds) {
            (Some((x, y)), Some((x0, y0, x1, y1))) => {
                x >= x0 && x <= x1 && y >= y0 && y <= y1 && point_in_polygon((x, y), &self.boundary)
            }
            _ => false,
        }
    }

    /// The area in words: its LSOAs, the boundary, or both.
    pub fn describe(&self) -> String {
        let mut parts = vec![];
        if !self.lsoa.is_empty() {
            parts.push(match self.lsoa.as_slice() {
                [one] => format!("LSOA {one}"),
                many => format!("{} LSOAs ({})", many.len(), many.join(", ")),
            });
        }
        if !self.boundary.is_empty() {
            parts.push(format!("the boundary of {} points", self.boundary.len()));
        }
        parts.join(" and ")
    }
}

/// Whether `p` (x, y) lies inside the polygon whose corners are given in
/// order (closed implicitly; the last corner may repeat the first). A point
/// on an edge or a corner counts as inside: a crime "on or near" the line
/// the scheme drew is the scheme's. Fewer than three corners enclose nothing.
pub fn point_in_polygon(p: (f64, f64), polygon: &[(f64, f64)]) -> bool {
    if polygon.len() < 3 {
        return false;
    }
    let (x, y) = p;
    let mut inside = false;
    let mut j = polygon.len() - 1;
    for i in 0..polygon.len() {
        let (xi, yi) = polygon[i];
        let (xj, yj) = polygon[j];
        if on_segment(p, (xi, yi), (xj, yj)) {
            return true;
        }
        // the edge crosses the horizontal line through p, to p's right;
        // half-open in y so a corner on that line is counted once
        if (yi > y) != (yj > y) {
            let cross_x = xi + (y - yi) * (xj - xi) / (yj - yi);
            if x < cross_x {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

fn on_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> bool {
    // coordinates have six decimals in the police data: allow for rounding
    const EPS: f64 = 1e-9;
    let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
    if cross.abs() > EPS {
        return false;
    }
    p.0 >= a.0.min(b.0) - EPS
        && p.0 <= a.0.max(b.0) + EPS
        && p.1 >= a.1.min(b.1) - EPS
        && p.1 <= a.1.max(b.1) + EPS
}

/// A month as the police data writes it, `YYYY-MM`; the error says what was given.
pub fn parse_month(s: &str) -> Result<String, String> {
    let s = s.trim();
    let ok = s.len() == 7
        && s.as_bytes()[4] == b'-'
        && s[..4].bytes().all(|b| b.is_ascii_digit())
        && NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").is_ok();
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "“{}” is not a month: write YYYY-MM, e.g. 2026-10",
            crate::domain::text::clean(s)
        ))
    }
}

/// The rows of a file outside the area, by LSOA name, in words: the
/// largest few, then how many more places. `by_place` is (LSOA name, rows).
pub fn describe_outside(by_place: &[(String, u64)], top: usize) -> String {
    let total: u64 = by_place.iter().map(|p| p.1).sum();
    let mut sorted: Vec<&(String, u64)> = by_place.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut text = format!(
        "{} row{} outside the area",
        group_thousands(total),
        if total == 1 { "" } else { "s" }
    );
    if total == 0 {
        return text;
    }
    let shown: Vec<String> = sorted
        .iter()
        .take(top)
        .map(|(name, n)| {
            let name = if name.is_empty() { "no LSOA" } else { name };
            format!(
                "{} {}",
                crate::domain::text::clean(name),
                group_thousands(*n)
            )
        })
        .collect();
    text.push_str(": ");
    text.push_str(&shown.join(", "));
    if sorted.len() > top {
        let rest = sorted.len() - top;
        text.push_str(&format!(
            ", and {} more LSOA{}",
            group_thousands(rest as u64),
            if rest == 1 { "" } else { "s" }
        ));
    }
    text
}

/// Which of the scheme's incident types are set beside the police's crime
/// types (compared without regard to case or surrounding spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicePairing {
    /// Beside the police's "Shoplifting".
    pub shoplifting: Vec<String>,
    /// Beside the police's "Anti-social behaviour".
    pub antisocial: Vec<String>,
}

/// The police data's names for the two types set beside the scheme's own.
pub const SHOPLIFTING: &str = "Shoplifting";
pub const ANTISOCIAL: &str = "Anti-social behaviour";

impl Default for PolicePairing {
    fn default() -> Self {
        PolicePairing {
            shoplifting: vec!["theft".into(), "shoplifting".into()],
            antisocial: vec![
                "antisocial".into(),
                "anti-social behaviour".into(),
                "anti-social".into(),
                "asb".into(),
            ],
        }
    }
}

impl PolicePairing {
    /// Each police type with the scheme's types counted beside it.
    pub fn pairs(&self) -> [(&'static str, &[String]); 2] {
        [
            (SHOPLIFTING, &self.shoplifting),
            (ANTISOCIAL, &self.antisocial),
        ]
    }
}

/// What the report's police figures are made with: the area set (to name
/// it) and which of the scheme's types are set beside the police's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PoliceRules {
    pub area: Option<PoliceArea>,
    pub pairing: PolicePairing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliceMonth {
    pub month: String,
    /// Crimes of this type the police recorded in the month (whole month).
    pub police: u64,
    /// The scheme's incidents of the matching types in the month (within the period).
    pub scheme: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliceSeries {
    /// As the police data names it, e.g. "Shoplifting".
    pub crime_type: String,
    /// The scheme's incident types counted beside it.
    pub scheme_types: Vec<String>,
    pub police_total: u64,
    pub scheme_total: u64,
    /// Every month of the period.
    pub by_month: Vec<PoliceMonth>,
}

/// The area the report's police figures are for, and which months of the
/// period the police data covers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PoliceCoverage {
    /// The area as set in the config, in words; empty when none is set.
    pub area: String,
    /// The period's months whose police file has been imported, in order.
    pub months: Vec<String>,
    /// Of those, the months whose rows were kept for another area than the
    /// one set now (or, imported before areas were set, for the whole file).
    pub other_area: Vec<String>,
}

impl PoliceCoverage {
    /// `held` is (month, the area its rows were kept for) for every month
    /// held; `months` the period's.
    pub fn new(area: Option<&PoliceArea>, held: &[(String, String)], months: &[String]) -> Self {
        let area = area.map(PoliceArea::describe).unwrap_or_default();
        let mut covered = vec![];
        let mut other_area = vec![];
        for m in months {
            if let Some((_, kept_for)) = held.iter().find(|(h, _)| h == m) {
                covered.push(m.clone());
                if *kept_for != area {
                    other_area.push(m.clone());
                }
            }
        }
        PoliceCoverage {
            area,
            months: covered,
            other_area,
        }
    }
}

/// Police recorded crime beside the scheme's own incidents of the paired
/// types, month by month. `police` rows are (month, crime type, count).
pub fn police_beside_scheme(
    police: &[(String, String, u64)],
    cells: &[IncidentCell],
    months: &[String],
    pairing: &PolicePairing,
) -> Vec<PoliceSeries> {
    pairing
        .pairs()
        .iter()
        .map(|(crime_type, kinds)| {
            let matches = |k: &str| {
                kinds
                    .iter()
                    .any(|x| x.trim().eq_ignore_ascii_case(k.trim()))
            };
            let by_month: Vec<PoliceMonth> = months
                .iter()
                .enumerate()
                .map(|(i, m)| PoliceMonth {
                    month: m.clone(),
                    police: police
                        .iter()
                        .filter(|(pm, t, _)| pm == m && t.trim().eq_ignore_ascii_case(crime_type))
                        .map(|p| p.2)
                        .sum(),
                    scheme: cells
                        .iter()
                        .filter(|c| c.month == i && matches(&c.kind))
                        .map(|c| c.count)
                        .sum(),
                })
                .collect();
            PoliceSeries {
                crime_type: crime_type.to_string(),
                scheme_types: kinds.to_vec(),
                police_total: by_month.iter().map(|m| m.police).sum(),
                scheme_total: by_month.iter().map(|m| m.scheme).sum(),
                by_month,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_names_the_months_held_and_those_kept_for_another_area() {
        let area = PoliceArea::new(&["E01024170".into()], &[])
            .unwrap()
            .unwrap();
        let held = vec![
            ("2026-01".to_string(), "LSOA E01024170".to_string()),
            ("2026-03".to_string(), String::new()),
            ("2025-12".to_string(), "LSOA E01024170".to_string()),
        ];
        let months: Vec<String> = ["2026-01", "2026-02", "2026-03"].map(String::from).to_vec();
        let c = PoliceCoverage::new(Some(&area), &held, &months);
        assert_eq!(c.area, "LSOA E01024170");
        assert_eq!(c.months, ["2026-01", "2026-03"]);
        assert_eq!(c.other_area, ["2026-03"]);
    }

    #[test]
    fn the_pairing_set_in_config_decides_what_is_counted_beside_the_police() {
        let cells = vec![
            IncidentCell {
                month: 0,
                kind: "Shop theft".into(),
                zone: None,
                count: 4,
                loss_pence: 0,
                recovered_pence: 0,
                with_loss: 0,
            },
            IncidentCell {
                month: 0,
                kind: "theft".into(),
                zone: None,
                count: 7,
                loss_pence: 0,
                recovered_pence: 0,
                with_loss: 0,
            },
        ];
        let months = vec!["2026-01".to_string()];
        let police = vec![("2026-01".to_string(), "Shoplifting".to_string(), 9)];
        let default = police_beside_scheme(&police, &cells, &months, &PolicePairing::default());
        assert_eq!((default[0].police_total, default[0].scheme_total), (9, 7));
        let own = PolicePairing {
            shoplifting: vec!["shop theft".into()],
            antisocial: vec!["nuisance".into()],
        };
        let p = police_beside_scheme(&police, &cells, &months, &own);
        assert_eq!((p[0].police_total, p[0].scheme_total), (9, 4));
        assert_eq!(p[0].scheme_types, ["shop theft"]);
        assert_eq!(
            (p[1].crime_type.as_str(), p[1].scheme_total),
            (ANTISOCIAL, 0)
        );
    }

    fn square() -> Vec<(f64, f64)> {
        vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
    }

    #[test]
    fn a_point_inside_a_square_is_in_and_one_outside_is_not() {
        assert!(point_in_polygon((1.0, 1.0), &square()));
        assert!(!point_in_polygon((3.0, 1.0), &square()));
        assert!(!point_in_polygon((-0.5, 1.0), &square()));
        assert!(!point_in_polygon((1.0, 2.5), &square()));
    }

    #[test]
    fn a_point_on_an_edge_or_a_corner_is_in() {
        for p in [
            (0.0, 1.0),
            (2.0, 1.0),
            (1.0, 0.0),
            (1.0, 2.0),
            (0.0, 0.0),
            (2.0, 2.0),
        ] {
            assert!(point_in_polygon(p, &square()), "{p:?}");
        }
        // just beyond an edge is out
        assert!(!point_in_polygon((2.000_001, 1.0), &square()));
    }

    #[test]
    fn a_ray_through_a_corner_is_counted_once() {
        // a diamond: the ray from (0, 0) rightwards passes through the corner (2, 0)
        let diamond = [(0.0, -2.0), (2.0, 0.0), (0.0, 2.0), (-2.0, 0.0)];
        assert!(point_in_polygon((0.0, 0.0), &diamond));
        assert!(!point_in_polygon((-3.0, 0.0), &diamond));
        assert!(!point_in_polygon((3.0, 0.0), &diamond));
    }

    #[test]
    fn a_concave_boundary_leaves_out_its_notch() {
        // a U: the notch between its arms is outside
        let u = [
            (0.0, 0.0),
            (3.0, 0.0),
            (3.0, 3.0),
            (2.0, 3.0),
            (2.0, 1.0),
            (1.0, 1.0),
            (1.0, 3.0),
            (0.0, 3.0),
        ];
        assert!(point_in_polygon((0.5, 2.5), &u));
        assert!(point_in_polygon((2.5, 2.5), &u));
        assert!(!point_in_polygon((1.5, 2.0), &u));
        assert!(point_in_polygon((1.5, 0.5), &u));
    }

    #[test]
    fn a_boundary_closed_by_repeating_its_first_point_is_the_same() {
        let mut closed = square();
        closed.push((0.0, 0.0));
        assert!(point_in_polygon((1.0, 1.0), &closed));
        assert!(!point_in_polygon((3.0, 3.0), &closed));
    }

    #[test]
    fn fewer_than_three_points_enclose_nothing() {
        assert!(!point_in_polygon((0.0, 0.0), &[]));
        assert!(!point_in_polygon((0.5, 0.0), &[(0.0, 0.0), (1.0, 0.0)]));
    }

    #[test]
    fn real_coordinates_in_a_town_centre_boundary() {
        let area = PoliceArea::new(
            &[],
            &[[1.07, 51.27], [1.09, 51.27], [1.09, 51.29], [1.07, 51.29]],
        )
        .unwrap()
        .unwrap();
        assert!(area.contains("", Some((1.080_123, 51.280_456))));
        assert!(!area.contains("", Some((1.100_001, 51.28))));
        assert!(!area.contains("E01024170", None), "no point, not listed");
    }

    #[test]
    fn a_row_is_in_the_area_by_its_lsoa_or_its_point() {
        let area = PoliceArea::new(
            &["e01024170".into(), " E01024171 ".into(), "E01024170".into()],
            &[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]],
        )
        .unwrap()
        .unwrap();
        assert_eq!(area.lsoa, ["E01024170", "E01024171"]);
        assert!(area.contains("E01024170", None));
        assert!(area.contains("e01024171", Some((50.0, 50.0))));
        assert!(area.contains("E01099999", Some((0.9, 0.1))));
        assert!(
            !area.contains("E01099999", Some((0.1, 0.9))),
            "outside the triangle"
        );
        assert!(!area.contains("", None));
        assert_eq!(
            area.describe(),
            "2 LSOAs (E01024170, E01024171) and the boundary of 3 points"
        );
    }

    #[test]
    fn bad_area_settings_are_named() {
        let e = PoliceArea::new(&["E0102417".into()], &[]).unwrap_err();
        assert!(e.contains("[police] lsoa") && e.contains("E0102417"), "{e}");
        let e = PoliceArea::new(&["X01024170".into()], &[]).unwrap_err();
        assert!(e.contains("not an LSOA code"), "{e}");
        let e = PoliceArea::new(&[], &[[0.0, 0.0], [1.0, 1.0]]).unwrap_err();
        assert!(
            e.contains("[police] boundary") && e.contains("at least 3"),
            "{e}"
        );
        let e = PoliceArea::new(&[], &[[0.0, 0.0], [1.0, 1.0], [200.0, 1.0]]).unwrap_err();
        assert!(e.contains("point 3"), "{e}");
        assert_eq!(PoliceArea::new(&[], &[]), Ok(None));
    }

    #[test]
    fn months_are_yyyy_mm() {
        assert_eq!(parse_month("2019-07"), Ok("2019-07".into()));
        for bad in [
            "2019-7", "2019/07", "2019-13", "07-2019", "", "2019-00", "+201-07",
        ] {
            assert!(parse_month(bad).unwrap_err().contains("YYYY-MM"), "{bad}");
        }
    }

    #[test]
    fn rows_outside_are_described_by_the_largest_places_first() {
        let by_place: Vec<(String, u64)> = vec![
            ("Canterbury 014B".into(), 200),
            ("Canterbury 014A".into(), 310),
            ("Dover 001A".into(), 5),
            ("".into(), 40),
        ];
        assert_eq!(
            describe_outside(&by_place, 2),
            "555 rows outside the area: Canterbury 014A 310, Canterbury 014B 200, and 2 more LSOAs"
        );
        assert_eq!(
            describe_outside(&by_place, 4),
            "555 rows outside the area: Canterbury 014A 310, Canterbury 014B 200, no LSOA 40, Dover 001A 5"
        );
        assert_eq!(describe_outside(&[], 5), "0 rows outside the area");
        // an LSOA name from the file never reaches the terminal raw
        let hostile = vec![("Evil\u{1b}[2J".to_string(), 1)];
        assert!(!describe_outside(&hostile, 5).contains('\u{1b}'));
    }
}
