//! The overview's layout: which sections it shows, in which order and with
//! what share of the screen, per role (the config's `[overview]` table).
//!
//! Sections are laid out in columns: the first half (rounded up) on the
//! left, the rest on the right. A column is as wide as the sum of its
//! sections' shares, and each section in it as tall as its own share, so a
//! section's share is its part of the whole screen.

use super::permission::Role;
use serde::Deserialize;

/// The smallest terminal the overview is drawn on; below it the console
/// keeps to its tabs.
pub const MIN_WIDTH: u16 = 120;
pub const MIN_HEIGHT: u16 = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Live incidents, P1 and P2 first.
    Incidents,
    /// Hits waiting for a decision.
    Hits,
    /// On air, the roll-call, the last check-ins, radios in trouble heard.
    Radio,
    /// The latest activity from every console.
    Activity,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Incidents,
        Section::Hits,
        Section::Radio,
        Section::Activity,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Incidents => "Live incidents",
            Section::Hits => "Hits waiting",
            Section::Radio => "Radio",
            Section::Activity => "Activity",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Section::Incidents => "incidents",
            Section::Hits => "hits",
            Section::Radio => "radio",
            Section::Activity => "activity",
        }
    }
}

/// One role's overview as the config writes it:
/// `[overview.cctv]  sections = ["hits", "incidents"]  shares = [60, 40]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleLayout {
    pub sections: Vec<Section>,
    /// Each section's share of the screen, in the order of `sections`;
    /// left out, they share it equally.
    #[serde(default)]
    pub shares: Vec<u16>,
}

/// The `[overview]` table: a layout per role, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OverviewConfig {
    pub operator: Option<RoleLayout>,
    pub cctv: Option<RoleLayout>,
    pub coordinator: Option<RoleLayout>,
    pub manager: Option<RoleLayout>,
    pub viewer: Option<RoleLayout>,
}

/// A layout made ready to draw: sections with their shares, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub sections: Vec<(Section, u16)>,
}

impl Layout {
    /// The sections by column, left then right, each with its share.
    pub fn columns(&self) -> Vec<Vec<(Section, u16)>> {
        let n = self.sections.len();
        if n <= 1 {
            return vec![self.sections.clone()];
        }
        let left = n.div_ceil(2);
        vec![
            self.sections[..left].to_vec(),
            self.sections[left..].to_vec(),
        ]
    }

    pub fn has(&self, s: Section) -> bool {
        self.sections.iter().any(|(x, _)| *x == s)
    }
}

/// What each role sees without a config: the operator the incidents first,
/// the CCTV desk its hits, the coordinator the radio.
pub fn default_layout(role: Role) -> Layout {
    use Section::*;
    let sections = match role {
        Role::Cctv => vec![(Hits, 35), (Incidents, 25), (Activity, 25), (Radio, 15)],
        Role::Coordinator => vec![(Radio, 40), (Incidents, 20), (Hits, 20), (Activity, 20)],
        Role::Operator | Role::Manager | Role::Viewer => {
            vec![(Incidents, 40), (Hits, 20), (Radio, 20), (Activity, 20)]
        }
    };
    Layout { sections }
}

/// Whether a role opens on the overview after signing in (the roles that
/// watch the room; a manager or viewer opens on the incidents).
pub fn opens_on_overview(role: Role) -> bool {
    matches!(role, Role::Operator | Role::Cctv | Role::Coordinator)
}

impl OverviewConfig {
    fn for_role(&self, role: Role) -> Option<&RoleLayout> {
        match role {
            Role::Operator => self.operator.as_ref(),
            Role::Cctv => self.cctv.as_ref(),
            Role::Coordinator => self.coordinator.as_ref(),
            Role::Manager => self.manager.as_ref(),
            Role::Viewer => self.viewer.as_ref(),
        }
    }

    /// The role's layout: its own if the config gives one, else the default.
    pub fn layout(&self, role: Role) -> Layout {
        match self.for_role(role) {
            Some(l) => made(l).unwrap_or_else(|_| default_layout(role)),
            None => default_layout(role),
        }
    }

    /// Every role's layout checked, for the config's loading to refuse a
    /// mistake with the role named.
    pub fn validate(&self) -> Result<(), String> {
        for (name, l) in [
            ("operator", &self.operator),
            ("cctv", &self.cctv),
            ("coordinator", &self.coordinator),
            ("manager", &self.manager),
            ("viewer", &self.viewer),
        ] {
            if let Some(l) = l {
                made(l).map_err(|e| format!("[overview.{name}] {e}"))?;
            }
        }
        Ok(())
    }
}

fn made(l: &RoleLayout) -> Result<Layout, String> {
    if l.sections.is_empty() {
        return Err("needs at least one section (incidents, hits, radio, activity)".into());
    }
    for (i, s) in l.sections.iter().enumerate() {
        if l.sections[..i].contains(s) {
            return Err(format!("names {} twice", s.code()));
        }
    }
    let shares = if l.shares.is_empty() {
        vec![1; l.sections.len()]
    } else if l.shares.len() != l.sections.len() {
        return Err(format!(
            "has {} sections but {} shares: give one share for each section, or none",
            l.sections.len(),
            l.shares.len()
        ));
    } else if l.shares.contains(&0) {
        return Err("a share of 0 would hide its section: leave the section out instead".into());
    } else {
        l.shares.clone()
    };
    Ok(Layout {
        sections: l.sections.iter().copied().zip(shares).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<OverviewConfig, String> {
        let c: OverviewConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        c.validate()?;
        Ok(c)
    }

    #[test]
    fn a_role_given_its_own_sections_sees_those_and_others_keep_the_default() {
        let c = parse("[cctv]\nsections = [\"hits\", \"radio\"]\nshares = [70, 30]\n").unwrap();
        let cctv = c.layout(Role::Cctv);
        assert_eq!(
            cctv.sections,
            vec![(Section::Hits, 70), (Section::Radio, 30)]
        );
        assert!(!cctv.has(Section::Incidents));
        assert_eq!(c.layout(Role::Operator), default_layout(Role::Operator));
    }

    #[test]
    fn columns_put_the_first_half_on_the_left() {
        let l = default_layout(Role::Operator);
        let cols = l.columns();
        assert_eq!(cols.len(), 2);
        assert_eq!(
            cols[0].iter().map(|(s, _)| *s).collect::<Vec<_>>(),
            vec![Section::Incidents, Section::Hits]
        );
        let three = parse("[operator]\nsections = [\"incidents\", \"hits\", \"radio\"]\n").unwrap();
        let cols = three.layout(Role::Operator).columns();
        assert_eq!((cols[0].len(), cols[1].len()), (2, 1));
        let one = parse("[operator]\nsections = [\"hits\"]\n").unwrap();
        assert_eq!(one.layout(Role::Operator).columns().len(), 1);
    }

    #[test]
    fn mistakes_are_refused_naming_the_role() {
        let e = parse("[coordinator]\nsections = [\"radio\", \"radio\"]\n").unwrap_err();
        assert!(
            e.contains("overview.coordinator") && e.contains("twice"),
            "{e}"
        );
        let e = parse("[operator]\nsections = [\"hits\", \"radio\"]\nshares = [1]\n").unwrap_err();
        assert!(e.contains("2 sections but 1 shares"), "{e}");
        let e = parse("[operator]\nsections = []\n").unwrap_err();
        assert!(e.contains("at least one"), "{e}");
        let e = parse("[operator]\nsections = [\"radio\"]\nshares = [0]\n").unwrap_err();
        assert!(e.contains("share of 0"), "{e}");
        assert!(parse("[operator]\nsections = [\"weather\"]\n").is_err());
        assert!(parse("[janitor]\nsections = [\"radio\"]\n").is_err());
    }

    #[test]
    fn the_roles_that_watch_the_room_open_on_it() {
        assert!(opens_on_overview(Role::Operator));
        assert!(opens_on_overview(Role::Cctv));
        assert!(opens_on_overview(Role::Coordinator));
        assert!(!opens_on_overview(Role::Manager));
        assert!(!opens_on_overview(Role::Viewer));
    }
}
