//! Help, generated from the same key table that drives the keys.

use crate::app::command_line::COMMANDS;
use crate::app::keymap::{Command, Context};
use crate::app::App;
use crate::ui::{centred, Theme};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![];
    // the pane's own keys first, then the rest in their usual order
    let all = [
        Context::Global,
        Context::Overview,
        Context::List,
        Context::Incident,
        Context::Hit,
        Context::Offender,
        Context::Profile,
        Context::Radio,
        Context::RollCall,
        Context::Log,
        Context::Reports,
        Context::Members,
        Context::Setup,
        Context::Evidence,
        Context::Sightings,
        Context::Form,
        Context::Clash,
        Context::Line,
        Context::Editing,
        Context::Confirm,
        Context::Handover,
        Context::Quitting,
        Context::Lock,
    ];
    let here = app.contexts();
    let order = here
        .iter()
        .copied()
        .chain(all.into_iter().filter(|c| !here.contains(c)));
    for ctx in order {
        out.push(Line::from(Span::styled(
            ctx.title().to_string(),
            theme.style("title"),
        )));
        for b in app.keymap.bindings().iter().filter(|b| b.context == ctx) {
            let keys = b
                .keys
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(" ");
            out.push(Line::from(vec![
                Span::styled(format!("  {keys:<18}"), theme.style("key")),
                Span::raw(b.description.to_string()),
                Span::styled(format!("  [{}]", b.name), theme.style("muted")),
            ]));
        }
        out.push(Line::default());
    }
    out.push(Line::from(Span::styled(
        "Command line (:)",
        theme.style("title"),
    )));
    for c in COMMANDS {
        let aliases = if c.aliases.is_empty() {
            String::new()
        } else {
            format!(
                "  (also {})",
                c.aliases
                    .iter()
                    .map(|a| format!(":{a}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push(Line::from(vec![
            Span::styled(format!("  :{:<17}", c.usage), theme.style("key")),
            Span::raw(c.desc.to_string()),
            Span::styled(aliases, theme.style("muted")),
        ]));
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "Keys are rebound in keymap.toml beside config.toml (or under [keys] in config.toml), by the names in brackets.",
        theme.style("muted"),
    )));
    out
}

pub fn draw(f: &mut Frame, area: Rect, app: &App, scroll: u16, theme: &Theme) {
    let r: Rect = centred(area, 110, area.height.saturating_sub(2));
    let body = lines(app, theme);
    let max_scroll = (body.len() as u16).saturating_sub(r.height.saturating_sub(2));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(body)
            .scroll((scroll.min(max_scroll), 0))
            .style(theme.style("base"))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.style("focus_border"))
                    .title(Span::styled(
                        format!(
                            " Help — {}/{} scroll · {} closes ",
                            app.keymap.key_for(Command::Up),
                            app.keymap.key_for(Command::Down),
                            app.keymap.key_for(Command::Back)
                        ),
                        theme.style("title"),
                    )),
            ),
        r,
    );
}
