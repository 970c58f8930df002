//! The console's config file (TOML): keys, theme, and the scheme's settings.

use crate::domain::exclusion::{Ladder, Stage};
use crate::domain::hit::Reminders;
use crate::store::sightings::HitRules;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Theme to start with (overridden by `--theme`).
    pub theme: String,
    /// A live incident with no update for this long shows its age in the alert colour.
    pub stale_after_minutes: i64,
    /// The incident types offered in the form, in order.
    pub incident_types: Vec<String>,
    /// Rebind commands: `new_incident = ["i", "ctrl-n"]` (names are listed in help).
    pub keys: BTreeMap<String, Vec<String>>,
    /// `keymap.toml` beside the config file, which may rebind any key.
    #[serde(skip)]
    pub keymap_file: Option<std::path::PathBuf>,
    /// The scheme's time zone: exclusion dates are its days.
    pub timezone: String,
    /// The older one-step schedule: an unacknowledged hit reminds once
    /// after this long, and escalates then. Still read; `[hits]
    /// remind_after_minutes` says more, and the two cannot both be set.
    pub hit_escalate_after_minutes: Option<i64>,
    /// When a waiting hit reminds (a `[hits]` table).
    pub hits: HitSettings,
    /// Markers that raise a watch hit whenever the person is seen.
    pub watch_markers: Vec<String>,
    /// The scheme's sanction ladder, lowest first; `excludes = false` for a warning stage.
    pub ladder: Vec<Stage>,
    /// The console locks after this long without a key press.
    pub lock_after_minutes: i64,
    /// How long the scheme keeps what it holds (a `[retention]` table).
    pub retention: crate::domain::retention::RetentionRules,
    /// The information-sharing agreement's current version: a member who
    /// signed another stands out on the members pane.
    pub agreement_version: String,
    /// The courses members' staff are trained on, each with the months
    /// until a refresher is due: `training_courses = [{ name = "radio
    /// procedure", refresher_months = 12 }, ...]`.
    pub training_courses: Vec<crate::domain::member::Course>,
    /// Who the scheme is, for its documents (a `[scheme]` table).
    pub scheme: crate::domain::document::SchemeInfo,
    /// What the members' bulletin may show (a `[bulletin]` table).
    pub bulletin: crate::domain::document::BulletinRules,
    /// The folder of the scheme's own document templates (default: a
    /// `templates` folder beside the store); a template not there is the
    /// built-in one.
    pub templates_dir: Option<std::path::PathBuf>,
    /// Sign-in rules (a `[security]` table).
    pub security: Security,
    /// Backups taken while the console or ingest runs (a `[backup]` table).
    pub backup: BackupSettings,
    /// The overview's sections and their shares, per role (an `[overview]` table).
    pub overview: crate::domain::overview::OverviewConfig,
    /// The evening roll-call (a `[rollcall]` table).
    pub rollcall: RollCallSettings,
    /// How the console learns of other consoles' commits (a `[sync]` table).
    pub sync: SyncSettings,
    /// The audit trail's key (an `[audit]` table).
    pub audit: AuditSettings,
    /// The scheme's area in the police data, and which incident types are
    /// set beside the police's (a `[police]` table).
    pub police: PoliceSettings,
}

/// `[police]`: the scheme's area in the police's street-level data (LSOA
/// codes and/or a boundary of longitude, latitude points), and the scheme's
/// incident types counted beside the police's Shoplifting and Anti-social
/// behaviour.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PoliceSettings {
    pub lsoa: Vec<String>,
    pub boundary: Vec<[f64; 2]>,
    pub shoplifting_types: Vec<String>,
    pub antisocial_types: Vec<String>,
}

impl Default for PoliceSettings {
    fn default() -> Self {
        let pairing = crate::domain::police::PolicePairing::default();
        PoliceSettings {
            lsoa: vec![],
            boundary: vec![],
            shoplifting_types: pairing.shoplifting,
            antisocial_types: pairing.antisocial,
        }
    }
}

impl PoliceSettings {
    /// The area, if one is set (checked when the config is read).
    pub fn area(&self) -> Option<crate::domain::police::PoliceArea> {
        crate::domain::police::PoliceArea::new(&self.lsoa, &self.boundary)
            .ok()
            .flatten()
    }

    /// What the report's police figures are made with.
    pub fn rules(&self) -> crate::domain::police::PoliceRules {
        crate::domain::police::PoliceRules {
            area: self.area(),
            pairing: self.pairing(),
        }
    }

    pub fn pairing(&self) -> crate::domain::police::PolicePairing {
        crate::domain::police::PolicePairing {
            shoplifting: self.shoplifting_types.clone(),
            antisocial: self.antisocial_types.clone(),
        }
    }

    fn validate(&mut self) -> Result<(), String> {
        crate::domain::police::PoliceArea::new(&self.lsoa, &self.boundary)?;
        for (name, types) in [
            ("shoplifting_types", &mut self.shoplifting_types),
            ("antisocial_types", &mut self.antisocial_types),
        ] {
            *types = types
                .iter()
                .map(|t| crate::domain::text::tidy_input(t))
                .filter(|t| !t.is_empty())
                .collect();
            if types.is_empty() {
                return Err(format!(
                    "[police] {name} needs at least one of the scheme's incident types"
                ));
            }
        }
        // an incident is counted beside one police type, never both
        if let Some(both) = self.shoplifting_types.iter().find(|t| {
            self.antisocial_types
                .iter()
                .any(|a| a.eq_ignore_ascii_case(t))
        }) {
            return Err(format!(
                "[police] “{both}” is in both shoplifting_types and antisocial_types: an incident type is counted beside one"
            ));
        }
        Ok(())
    }
}

/// `[audit]`: the audit trail.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    /// A file (owner-only, kept off the store and backed up apart from it)
    /// holding the key each record's hash is keyed with (HMAC-SHA256); a
    /// relative path is beside the config file. A trail is keyed from its
    /// first record: give it before the store is made (`init`).
    pub key_file: Option<std::path::PathBuf>,
}

/// `[rollcall]`: how the evening roll-call is called.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RollCallSettings {
    /// What the coordinator says to each station, shown above the roster:
    /// `{call_sign}` and `{business}` are put in for the station called.
    pub script: Option<String>,
}

/// `[sync]`: how a console is woken by another's commit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncSettings {
    /// Be woken by the file system when the store is written (false: poll only,
    /// for a store on a file system that never says).
    pub notify: bool,
    /// Milliseconds between looks when nothing wakes the console sooner.
    pub poll_ms: u64,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            notify: true,
            poll_ms: crate::app::runtime::WATCH_EVERY.as_millis() as u64,
        }
    }
}

impl SyncSettings {
    pub fn watch(&self) -> crate::store::watch::WatchSettings {
        crate::store::watch::WatchSettings {
            poll: std::time::Duration::from_millis(self.poll_ms),
            notify: self.notify,
        }
    }
}

/// `[hits]`: a waiting hit's reminders.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HitSettings {
    /// Minutes after a hit is raised at which it reminds, ascending; the
    /// last escalates it to the managers (default 2, 5, 10).
    pub remind_after_minutes: Option<Vec<i64>>,
}

/// `[security]`: what a new PIN must be.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Security {
    /// The fewest digits a new PIN may have (never fewer than 4).
    pub min_pin_length: usize,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            min_pin_length: crate::domain::pin::PinPolicy::default().min_length,
        }
    }
}

/// `[backup]`: scheduled backups. With no `dir` none are taken.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupSettings {
    /// The folder backups are written into (owner-only); none: no scheduled backups.
    pub dir: Option<std::path::PathBuf>,
    /// Hours between backups.
    pub every_hours: u32,
    /// How many of the newest scheduled backups are kept; older ones are removed.
    pub keep: u32,
}

impl BackupSettings {
    /// The schedule the store runs, if a folder is set.
    pub fn schedule(&self) -> Option<crate::store::backup::Schedule> {
        self.dir.as_ref().map(|dir| crate::store::backup::Schedule {
            dir: dir.clone(),
            every_hours: self.every_hours,
            keep: self.keep,
        })
    }
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            dir: None,
            every_hours: 6,
            keep: 28,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            theme: "default".into(),
            stale_after_minutes: 20,
            incident_types: crate::domain::incident::DEFAULT_TYPES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            keys: BTreeMap::new(),
            keymap_file: None,
            timezone: "Europe/London".into(),
            hit_escalate_after_minutes: None,
            hits: HitSettings::default(),
            watch_markers: vec!["violent".into(), "weapons".into()],
            ladder: Ladder::default().stages,
            lock_after_minutes: 10,
            retention: crate::domain::retention::RetentionRules::default(),
            agreement_version: "2024".into(),
            training_courses: crate::domain::member::default_courses(),
            scheme: Default::default(),
            bulletin: Default::default(),
            templates_dir: None,
            security: Security::default(),
            backup: BackupSettings::default(),
            overview: Default::default(),
            sync: SyncSettings::default(),
            rollcall: RollCallSettings::default(),
            audit: AuditSettings::default(),
            police: PoliceSettings::default(),
        }
    }
}

impl Config {
    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::Europe::London)
    }

    /// What the scheme's documents are made with; templates are looked for
    /// in the configured folder, or `default_templates`.
    pub fn document_settings(
        &self,
        default_templates: std::path::PathBuf,
    ) -> crate::io::document::DocSettings {
        crate::io::document::DocSettings {
            scheme: self.scheme.clone(),
            bulletin: self.bulletin.clone(),
            retention: self.retention,
            tz: self.tz(),
            ladder: Ladder {
                stages: self.ladder.clone(),
            },
            agreement_version: self.agreement_version.clone(),
            templates_dir: self.templates_dir.clone().unwrap_or(default_templates),
        }
    }

    /// The rule every new PIN is checked against.
    pub fn pin_policy(&self) -> crate::domain::pin::PinPolicy {
        crate::domain::pin::PinPolicy {
            min_length: self.security.min_pin_length,
        }
    }

    /// When a waiting hit reminds and escalates: `[hits]`, or the older
    /// one-step setting, or the default. Checked when the config is read.
    pub fn reminders(&self) -> Reminders {
        self.reminders_checked().unwrap_or_default()
    }

    fn reminders_checked(&self) -> Result<Reminders, String> {
        match (
            &self.hits.remind_after_minutes,
            self.hit_escalate_after_minutes,
        ) {
            (Some(_), Some(_)) => Err(
                "set [hits] remind_after_minutes or the older hit_escalate_after_minutes, not both"
                    .into(),
            ),
            (Some(steps), None) => Reminders::new(steps.clone())
                .map_err(|e| format!("[hits] remind_after_minutes {e}")),
            (None, Some(m)) => Reminders::new(vec![m])
                .map_err(|_| "hit_escalate_after_minutes must be at least 1".to_string()),
            (None, None) => Ok(Reminders::default()),
        }
    }

    pub fn hit_rules(&self) -> HitRules {
        HitRules {
            ladder: Ladder {
                stages: self.ladder.clone(),
            },
            watch_markers: self
                .watch_markers
                .iter()
                .map(|m| m.trim().to_lowercase())
                .collect(),
        }
    }

    /// Read the config; a missing file is the defaults, a broken one is the
    /// defaults plus a message naming the line.
    pub fn load(path: &Path) -> (Config, Option<String>) {
        let (mut config, warning) = Config::read(path);
        config.keymap_file = path.parent().map(|d| d.join("keymap.toml"));
        if let (Some(key), Some(dir)) = (&config.audit.key_file, path.parent()) {
            config.audit.key_file = Some(dir.join(key));
        }
        (config, warning)
    }

    fn read(path: &Path) -> (Config, Option<String>) {
        match std::fs::read_to_string(path) {
            Ok(text) => match Config::parse(&text) {
                Ok(c) => (c, None),
                Err(e) => (
                    Config::default(),
                    Some(format!("config {}: {e}; using defaults", path.display())),
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), None),
            Err(e) => (
                Config::default(),
                Some(format!("config {}: {e}; using defaults", path.display())),
            ),
        }
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let mut c: Config = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            match line {
                Some(l) => format!("line {l}: {}", e.message().trim()),
                None => e.message().trim().to_string(),
            }
        })?;
        if c.stale_after_minutes < 1 {
            return Err("stale_after_minutes must be at least 1".into());
        }
        if let Some(script) = &c.rollcall.script {
            crate::domain::radio::check_script(script)?;
        }
        c.retention.validate()?;
        if c.lock_after_minutes < 1 {
            return Err("lock_after_minutes must be at least 1".into());
        }
        c.reminders_checked()?;
        if c.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(format!(
                "timezone “{}” is not a time zone name (e.g. Europe/London)",
                c.timezone
            ));
        }
        if c.ladder.is_empty() {
            return Err("ladder needs at least one stage".into());
        }
        if let Some(s) = c.ladder.iter().find(|s| s.name.trim().is_empty()) {
            return Err(format!("ladder: a stage needs a name ({s:?})"));
        }
        c.incident_types = c
            .incident_types
            .iter()
            .map(|t| crate::domain::text::tidy_input(t))
            .filter(|t| !t.is_empty())
            .collect();
        if c.incident_types.is_empty() {
            c.incident_types = Config::default().incident_types;
        }
        if c.agreement_version.trim().is_empty() {
            return Err("agreement_version must not be empty".into());
        }
        for course in &mut c.training_courses {
            course.name = crate::domain::text::tidy_input(&course.name);
            if course.name.is_empty() || course.refresher_months == 0 {
                return Err(format!(
                    "training_courses: each course needs a name and refresher_months of at least 1 ({course:?})"
                ));
            }
        }
        if c.training_courses.is_empty() {
            return Err("training_courses needs at least one course".into());
        }
        c.scheme.validate()?;
        c.police.validate()?;
        c.overview.validate()?;
        if !(10..=600_000).contains(&c.sync.poll_ms) {
            return Err("[sync] poll_ms must be 10 to 600000 (ten minutes)".into());
        }
        if !(4..=crate::domain::pin::MAX_PIN_LENGTH).contains(&c.security.min_pin_length) {
            return Err(format!(
                "[security] min_pin_length must be 4 to {}",
                crate::domain::pin::MAX_PIN_LENGTH
            ));
        }
        if c.backup.dir.is_some() && (c.backup.every_hours < 1 || c.backup.keep < 1) {
            return Err("[backup] every_hours and keep must be at least 1".into());
        }
        if c.bulletin.keep_days < 1 {
            return Err("[bulletin] keep_days must be at least 1".into());
        }
        if c.audit
            .key_file
            .as_ref()
            .is_some_and(|p| p.as_os_str().is_empty())
        {
            return Err("[audit] key_file must name a file".into());
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_config_example_is_a_working_config() {
        let readme = include_str!("../../README.md");
        let section = &readme[readme.find("## Configuration").unwrap()..];
        let start = section.find("```toml\n").unwrap() + "```toml\n".len();
        let example = &section[start..start + section[start..].find("```").unwrap()];
        let c = Config::parse(example).unwrap();
        assert_eq!(c.theme, "night");
        assert!(c.scheme.name.starts_with("Castlebrook"));
        assert_eq!(c.bulletin.keep_days, 7);
        assert!(c.templates_dir.is_some());
    }

    #[test]
    fn an_audit_key_file_is_found_beside_the_config_unless_its_path_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "[audit]\nkey_file = \"audit.key\"\n").unwrap();
        let (c, msg) = Config::load(&p);
        assert!(msg.is_none(), "{msg:?}");
        assert_eq!(c.audit.key_file, Some(dir.path().join("audit.key")));
        std::fs::write(&p, "[audit]\nkey_file = \"/etc/watchroom/audit.key\"\n").unwrap();
        let (c, _) = Config::load(&p);
        assert_eq!(
            c.audit.key_file,
            Some(std::path::PathBuf::from("/etc/watchroom/audit.key"))
        );
        assert!(Config::default().audit.key_file.is_none());
        assert!(Config::parse("[audit]\nkey_file = \"\"\n")
            .unwrap_err()
            .contains("key_file"));
    }

    #[test]
    fn the_police_area_and_pairing_are_read_and_checked() {
        let d = Config::default();
        assert!(d.police.area().is_none());
        assert_eq!(
            d.police.pairing(),
            crate::domain::police::PolicePairing::default()
        );
        let c = Config::parse(
            "[police]\nlsoa = [\"E01024170\"]\nboundary = [[1.07, 51.27], [1.09, 51.27], [1.09, 51.29]]\nshoplifting_types = [\" Shop  theft \"]\n",
        )
        .unwrap();
        let area = c.police.area().unwrap();
        assert_eq!(area.lsoa, ["E01024170"]);
        assert_eq!(area.boundary.len(), 3);
        assert_eq!(c.police.pairing().shoplifting, ["Shop theft"]);
        assert_eq!(
            c.police.pairing().antisocial,
            crate::domain::police::PolicePairing::default().antisocial
        );
        for (text, says) in [
            (
                "[police]\nboundary = [[1.0, 51.0], [1.1, 51.0]]\n",
                "[police] boundary needs at least 3 points",
            ),
            (
                "[police]\nlsoa = [\"E1024170\"]\n",
                "[police] lsoa: “E1024170” is not an LSOA code",
            ),
            (
                "[police]\nshoplifting_types = []\n",
                "[police] shoplifting_types",
            ),
            ("[police]\nboundary = [[1.0]]\n", "line 2"),
            (
                "[police]\nshoplifting_types = [\"ASB\"]\n",
                "in both shoplifting_types and antisocial_types",
            ),
        ] {
            let e = Config::parse(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn a_partial_config_keeps_the_other_defaults() {
        let c = Config::parse("stale_after_minutes = 45\n[keys]\nquit = [\"ctrl-q\"]\n").unwrap();
        assert_eq!(c.stale_after_minutes, 45);
        assert_eq!(c.theme, "default");
        assert_eq!(c.keys["quit"], vec!["ctrl-q"]);
        assert!(c.incident_types.contains(&"theft".to_string()));
    }

    #[test]
    fn a_scheme_configures_its_own_ladder() {
        let c = Config::parse(
            "ladder = [{ name = \"CPW\", excludes = false }, { name = \"CPN\", excludes = true }, { name = \"CBO\", excludes = true }]\n",
        )
        .unwrap();
        let rules = c.hit_rules();
        assert_eq!(rules.ladder.names(), vec!["CPW", "CPN", "CBO"]);
        assert!(!rules.ladder.excludes("CPW") && rules.ladder.excludes("CBO"));
        assert!(Config::parse("ladder = []")
            .unwrap_err()
            .contains("at least one stage"));
        assert!(Config::parse("timezone = \"Mars/Olympus\"")
            .unwrap_err()
            .contains("Mars/Olympus"));
    }

    #[test]
    fn a_scheme_configures_its_courses_and_agreement_version() {
        let d = Config::default();
        assert_eq!(d.training_courses.len(), 3);
        assert_eq!(d.training_courses[2].refresher_months, 24);
        let c = Config::parse(
            "agreement_version = \"2026-1\"\ntraining_courses = [{ name = \" first  aid \", refresher_months = 36 }]\n",
        )
        .unwrap();
        assert_eq!(c.agreement_version, "2026-1");
        assert_eq!(c.training_courses[0].name, "first aid");
        assert!(Config::parse("training_courses = []")
            .unwrap_err()
            .contains("at least one course"));
        assert!(
            Config::parse("training_courses = [{ name = \"x\", refresher_months = 0 }]")
                .unwrap_err()
                .contains("refresher_months")
        );
    }

    #[test]
    fn hits_remind_on_the_configured_schedule_or_the_older_single_step() {
        assert_eq!(Config::default().reminders().minutes(), [2, 5, 10]);
        let c = Config::parse("[hits]\nremind_after_minutes = [1, 3]\n").unwrap();
        assert_eq!(c.reminders().minutes(), [1, 3]);
        let old = Config::parse("hit_escalate_after_minutes = 4\n").unwrap();
        assert_eq!(old.reminders().minutes(), [4], "one step, which escalates");
        for (text, says) in [
            ("[hits]\nremind_after_minutes = []\n", "at least one step"),
            ("[hits]\nremind_after_minutes = [5, 2]\n", "must go up"),
            (
                "[hits]\nremind_after_minutes = [0, 2]\n",
                "at least 1 minute",
            ),
            ("hit_escalate_after_minutes = 0\n", "at least 1"),
            (
                "hit_escalate_after_minutes = 3\n[hits]\nremind_after_minutes = [2]\n",
                "not both",
            ),
        ] {
            let e = Config::parse(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn a_broken_config_names_its_line_and_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "theme = \"night\"\nstale_after_minutes = \"soon\"\n").unwrap();
        let (c, msg) = Config::load(&p);
        let msg = msg.unwrap();
        assert!(msg.contains("line 2"), "{msg}");
        assert_eq!(c.stale_after_minutes, 20);
        assert!(Config::parse("colour = 1").unwrap_err().contains("colour"));
        assert!(Config::parse("stale_after_minutes = 0").is_err());
        let (c, msg) = Config::load(&dir.path().join("absent.toml"));
        assert!(msg.is_none());
        assert_eq!(c.theme, "default");
    }
}
