//! Themes named by meaning, not colour. Built-in themes are embedded from
//! `themes/*.toml`; a user's files in the config directory override or add.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub const BUILT_IN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("night", include_str!("../../themes/night.toml")),
];

/// Every role a theme can style. A theme that leaves one out inherits it.
pub const ROLES: &[&str] = &[
    "base",
    "muted",
    "title",
    "border",
    "focus_border",
    "selection",
    "tab_active",
    "tab_inactive",
    "status_bar",
    "alert_critical",
    "alert_warn",
    "ok",
    "info",
    "priority_urgent",
    "priority_high",
    "priority_medium",
    "priority_low",
    "status_open",
    "status_responding",
    "status_police",
    "status_closed",
    "input",
    "key",
    "toast",
];

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    styles: BTreeMap<String, Style>,
}

impl Theme {
    /// The style for a role; unknown roles fall back to `base`.
    pub fn style(&self, role: &str) -> Style {
        self.styles
            .get(role)
            .or_else(|| self.styles.get("base"))
            .copied()
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy)]
struct Colour(Color);

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_colour(&s)
            .map(Colour)
            .map_err(serde::de::Error::custom)
    }
}

fn parse_colour(s: &str) -> Result<Color, String> {
    let t = s.trim().to_lowercase();
    if let Some(hex) = t.strip_prefix('#') {
        if hex.len() == 6 {
            if let Ok(v) = u32::from_str_radix(hex, 16) {
                return Ok(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
            }
        }
        return Err(format!("“{s}” is not a #rrggbb colour"));
    }
    if let Ok(n) = t.parse::<u8>() {
        return Ok(Color::Indexed(n));
    }
    Ok(match t.as_str() {
        "reset" | "default" | "none" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" | "dark_gray" | "dark_grey" => Color::DarkGray,
        "lightred" | "light_red" => Color::LightRed,
        "lightgreen" | "light_green" => Color::LightGreen,
        "lightyellow" | "light_yellow" => Color::LightYellow,
        "lightblue" | "light_blue" => Color::LightBlue,
        "lightmagenta" | "light_magenta" => Color::LightMagenta,
        "lightcyan" | "light_cyan" => Color::LightCyan,
        "white" => Color::White,
        _ => {
            return Err(format!(
                "“{s}” is not a colour (a name like red, a number 0-255, or #rrggbb)"
            ))
        }
    })
}

#[derive(Debug, Deserialize, Default, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<Colour>,
    bg: Option<Colour>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
}

impl StyleSpec {
    fn to_style(self) -> Style {
        let mut s = Style::default();
        if let Some(c) = self.fg {
            s = s.fg(c.0);
        }
        if let Some(c) = self.bg {
            s = s.bg(c.0);
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.dim, Modifier::DIM),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
        ] {
            if on {
                s = s.add_modifier(m);
            }
        }
        s
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    inherits: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    styles: BTreeMap<String, StyleSpec>,
}

/// Parse one theme file; errors name the file and the line.
fn parse(origin: &str, text: &str) -> Result<ThemeFile, String> {
    let file: ThemeFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        let msg = e.message().trim().to_string();
        match line {
            Some(l) => format!("theme {origin}: line {l}: {msg}"),
            None => format!("theme {origin}: {msg}"),
        }
    })?;
    if let Some(bad) = file.styles.keys().find(|k| !ROLES.contains(&k.as_str())) {
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(bad.as_str()))
            .map(|i| i + 1);
        return Err(format!(
            "theme {origin}: line {}: unknown role “{bad}” (roles: {})",
            line.unwrap_or(0),
            ROLES.join(", ")
        ));
    }
    let _ = &file.description;
    Ok(file)
}

#[derive(Debug, Clone)]
pub struct Themes {
    themes: BTreeMap<String, Theme>,
    no_color: bool,
}

impl Themes {
    /// Load the built-in themes, then any `*.toml` in `user_dir` (same name wins).
    /// Problems are returned as messages; the built-in default always loads.
    pub fn load(user_dir: Option<&Path>, no_color: bool) -> (Themes, Vec<String>) {
        let mut files: Vec<(String, String, String)> = BUILT_IN
            .iter()
            .map(|(n, t)| (n.to_string(), format!("{n} (built in)"), t.to_string()))
            .collect();
        let mut warnings = vec![];
        if let Some(dir) = user_dir {
            if let Ok(entries) = std::fs::read_dir(dir) {
                let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
                paths.sort();
                for p in paths
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                {
                    let name = p
                        .file_stem()
                        .map(|s| s.to_string_lossy().to_string())
                        .unwrap_or_default();
                    match std::fs::read_to_string(&p) {
                        Ok(t) => {
                            files.retain(|f| f.0 != name);
                            files.push((name, p.display().to_string(), t));
                        }
                        Err(e) => warnings.push(format!("theme {}: {e}", p.display())),
                    }
                }
            }
        }
        let mut parsed: BTreeMap<String, ThemeFile> = BTreeMap::new();
        for (name, origin, text) in &files {
            match parse(origin, text) {
                Ok(f) => {
                    parsed.insert(name.clone(), f);
                }
                Err(e) => {
                    warnings.push(e);
                    // a broken override of a built-in falls back to the built-in
                    if let Some((_, t)) = BUILT_IN.iter().find(|(n, _)| n == name) {
                        if let Ok(f) = parse(name, t) {
                            parsed.insert(name.clone(), f);
                        }
                    }
                }
            }
        }
        let mut themes = BTreeMap::new();
        for name in parsed.keys() {
            let mut styles: BTreeMap<String, Style> = BTreeMap::new();
            // walk the inheritance chain, parents first, guarding against loops
            let mut chain = vec![name.clone()];
            while let Some(parent) = parsed
                .get(chain.last().unwrap())
                .and_then(|f| f.inherits.clone())
            {
                if chain.contains(&parent) || !parsed.contains_key(&parent) {
                    if !parsed.contains_key(&parent) {
                        warnings.push(format!("theme {name}: inherits unknown theme “{parent}”"));
                    }
                    break;
                }
                chain.push(parent);
            }
            if !chain.iter().any(|c| c == "default") && parsed.contains_key("default") {
                chain.push("default".into());
            }
            for theme in chain.iter().rev() {
                for (role, spec) in &parsed[theme].styles {
                    styles.insert(role.clone(), spec.to_style());
                }
            }
            if no_color {
                styles = styles
                    .into_iter()
                    .map(|(k, s)| (k.clone(), strip_colour(&k, s)))
                    .collect();
            }
            themes.insert(
                name.clone(),
                Theme {
                    name: name.clone(),
                    styles,
                },
            );
        }
        (Themes { themes, no_color }, warnings)
    }

    pub fn get(&self, name: &str) -> Option<&Theme> {
        self.themes.get(name)
    }

    pub fn names(&self) -> Vec<String> {
        self.themes.keys().cloned().collect()
    }

    pub fn no_color(&self) -> bool {
        self.no_color
    }
}

/// `NO_COLOR`: keep meaning with attributes alone.
fn strip_colour(role: &str, s: Style) -> Style {
    let mut out = Style::default().add_modifier(s.add_modifier);
    match role {
        "selection" | "tab_active" | "status_bar" => out = out.add_modifier(Modifier::REVERSED),
        "alert_critical" | "priority_urgent" | "focus_border" | "toast" => {
            out = out.add_modifier(Modifier::BOLD)
        }
        "muted" | "status_closed" => out = out.add_modifier(Modifier::DIM),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_built_in_themes_load_cleanly_and_style_every_role() {
        let (t, warnings) = Themes::load(None, false);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            t.names(),
            vec!["default", "high-contrast", "light", "night"]
        );
        for name in t.names() {
            let th = t.get(&name).unwrap();
            for role in ROLES {
                assert!(th.styles.contains_key(*role), "{name} lacks {role}");
            }
        }
        assert_ne!(
            t.get("night").unwrap().style("base"),
            t.get("light").unwrap().style("base")
        );
    }

    #[test]
    fn a_malformed_user_theme_is_named_with_its_line_and_the_rest_carry_on() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("broken.toml"),
            "[styles]\nbase = { fg = \"red\" }\nmuted = { fg = \"purpleish\" }\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "inherits = \"night\"\n[styles]\nselection = { fg = \"#ff8800\", bold = true }\n",
        )
        .unwrap();
        let (t, warnings) = Themes::load(Some(dir.path()), false);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("broken.toml"), "{}", warnings[0]);
        assert!(warnings[0].contains("line 3"), "{}", warnings[0]);
        assert!(warnings[0].contains("purpleish"), "{}", warnings[0]);
        assert!(t.get("broken").is_none());
        let mine = t.get("mine").unwrap();
        assert_eq!(mine.style("selection").fg, Some(Color::Rgb(0xff, 0x88, 0)));
        assert_eq!(mine.style("base"), t.get("night").unwrap().style("base"));
    }

    #[test]
    fn a_user_file_overrides_a_built_in_and_a_broken_one_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("light.toml"),
            "[styles]\nbase = { fg = \"black\", bg = \"white\" }\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("night.toml"), "[styles\n").unwrap();
        let (t, warnings) = Themes::load(Some(dir.path()), false);
        assert_eq!(t.get("light").unwrap().style("base").bg, Some(Color::White));
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("night.toml") && w.contains("line 1")),
            "{warnings:?}"
        );
        assert!(t.get("night").is_some());
    }

    #[test]
    fn unknown_roles_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("odd.toml"),
            "[styles]\n\nsparkle = { fg = \"red\" }\n",
        )
        .unwrap();
        let (_, warnings) = Themes::load(Some(dir.path()), false);
        assert!(
            warnings[0].contains("line 3") && warnings[0].contains("sparkle"),
            "{warnings:?}"
        );
    }

    #[test]
    fn no_color_keeps_meaning_without_colour() {
        let (t, _) = Themes::load(None, true);
        let th = t.get("default").unwrap();
        for role in ROLES {
            let s = th.style(role);
            assert!(s.fg.is_none() && s.bg.is_none(), "{role} has colour");
        }
        assert!(th
            .style("selection")
            .add_modifier
            .contains(Modifier::REVERSED));
        assert!(th
            .style("alert_critical")
            .add_modifier
            .contains(Modifier::BOLD));
    }
}
