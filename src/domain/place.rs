//! Where things happen: zones of the town and the member businesses in them.

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Zone {
    pub id: i64,
    pub name: String,
    /// The scheme's short code for it (`HS`, `MKT`), used from the shell and in imports.
    pub code: String,
    /// A retired zone keeps its history and is offered for nothing new.
    pub retired: bool,
}

/// A zone code as typed: 1 to 8 letters, digits or hyphens, kept upper case.
pub fn zone_code(typed: &str) -> Result<String, String> {
    let code = typed.trim().to_uppercase();
    if code.is_empty() || code.chars().count() > 8 {
        return Err(format!(
            "a zone code is 1 to 8 letters or digits (“{}” is not)",
            super::text::clean(typed.trim())
        ));
    }
    if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!(
            "a zone code is letters, digits and hyphens only (“{}” is not)",
            super::text::clean(typed.trim())
        ));
    }
    Ok(code)
}

/// A zone's or camera's name as typed: tidied, 1 to 40 characters.
pub fn place_name(what: &str, typed: &str) -> Result<String, String> {
    let name = super::text::tidy_input(typed);
    if name.is_empty() {
        return Err(format!("a {what} needs a name"));
    }
    if name.chars().count() > 40 {
        return Err(format!("a {what}'s name is at most 40 characters"));
    }
    Ok(name)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub zone_id: i64,
}

/// Where an incident is: a zone, a member's premises (which is in a zone), or
/// free text when neither fits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    pub zone_id: Option<i64>,
    pub member_id: Option<i64>,
    pub location: String,
}

/// One suggestion for a typed place fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceChoice {
    Zone(Zone),
    Member(Member),
}

impl PlaceChoice {
    pub fn label(&self) -> String {
        match self {
            PlaceChoice::Zone(z) => format!("{} (zone)", z.name),
            PlaceChoice::Member(m) => format!("{} ({})", m.name, m.kind),
        }
    }
    pub fn place(&self) -> Place {
        match self {
            PlaceChoice::Zone(z) => Place {
                zone_id: Some(z.id),
                member_id: None,
                location: String::new(),
            },
            PlaceChoice::Member(m) => Place {
                zone_id: Some(m.zone_id),
                member_id: Some(m.id),
                location: String::new(),
            },
        }
    }
}

/// Zones and members whose name holds the typed fragment, best first: names
/// that start with it, then zones before members, then alphabetical.
pub fn suggest_places(
    fragment: &str,
    zones: &[Zone],
    members: &[Member],
    most: usize,
) -> Vec<PlaceChoice> {
    let f = fragment.trim().to_lowercase();
    if f.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u8, String, PlaceChoice)> = Vec::new();
    // a retired zone takes nothing new
    for z in zones.iter().filter(|z| !z.retired) {
        let n = z.name.to_lowercase();
        if let Some(pos) = n.find(&f) {
            hits.push((
                if pos == 0 { 0 } else { 2 },
                n,
                PlaceChoice::Zone(z.clone()),
            ));
        }
    }
    for m in members {
        let n = m.name.to_lowercase();
        if let Some(pos) = n.find(&f) {
            hits.push((
                if pos == 0 { 1 } else { 3 },
                n,
                PlaceChoice::Member(m.clone()),
            ));
        }
    }
    hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    hits.into_iter().take(most).map(|h| h.2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town() -> (Vec<Zone>, Vec<Member>) {
        let zones = vec![
            Zone {
                id: 1,
                name: "High Street".into(),
                ..Default::default()
            },
            Zone {
                id: 2,
                name: "Market Square".into(),
                ..Default::default()
            },
        ];
        let members = vec![
            Member {
                id: 7,
                name: "Highland Outdoor".into(),
                kind: "shop".into(),
                zone_id: 2,
            },
            Member {
                id: 8,
                name: "The Market Tavern".into(),
                kind: "pub".into(),
                zone_id: 2,
            },
        ];
        (zones, members)
    }

    #[test]
    fn zone_codes_are_short_plain_and_upper_case() {
        assert_eq!(zone_code(" hs ").unwrap(), "HS");
        assert_eq!(zone_code("nte-2").unwrap(), "NTE-2");
        assert!(zone_code("").is_err());
        assert!(zone_code("HIGHSTREET").is_err());
        assert!(zone_code("H S").is_err());
        let hostile = zone_code("\x1b[31mHS").unwrap_err();
        assert!(!hostile.contains('\x1b'), "{hostile}");
    }

    #[test]
    fn place_names_are_tidied_and_bounded() {
        assert_eq!(
            place_name("zone", "  High   Street ").unwrap(),
            "High Street"
        );
        assert!(place_name("zone", "   ").is_err());
        assert!(place_name("camera", &"x".repeat(41)).is_err());
    }

    #[test]
    fn prefix_matches_come_first_and_zones_before_members() {
        let (z, m) = town();
        let s = suggest_places("high", &z, &m, 5);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].label(), "High Street (zone)");
        assert_eq!(s[1].label(), "Highland Outdoor (shop)");
        let s = suggest_places("market", &z, &m, 5);
        assert_eq!(s[0].label(), "Market Square (zone)");
        assert_eq!(s[1].label(), "The Market Tavern (pub)");
    }

    #[test]
    fn a_member_place_carries_its_zone() {
        let (z, m) = town();
        let s = suggest_places("tavern", &z, &m, 5);
        assert_eq!(
            s[0].place(),
            Place {
                zone_id: Some(2),
                member_id: Some(8),
                location: String::new()
            }
        );
        assert!(suggest_places("  ", &z, &m, 5).is_empty());
        assert!(suggest_places("nowhere", &z, &m, 5).is_empty());
    }
}
