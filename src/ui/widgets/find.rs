//! What `:find` found: one list, grouped by kind under a heading each, the
//! words marked where they start a word, the selected line kept in view.

use crate::app::find::{FindItem, FindView, FoundKind};
use crate::app::App;
use crate::ui::{clean, local, marked, Theme};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

pub fn draw(f: &mut Frame, area: Rect, app: &App, view: &FindView, theme: &Theme) {
    let r = crate::ui::centred(area, 110, area.height.saturating_sub(2));
    let words = crate::domain::words::wanted(&view.words);
    let mut lines: Vec<Line> = vec![];
    let mut selected_line = 0;
    let mut heading = "";
    for (n, item) in view.items.iter().enumerate() {
        if item.heading() != heading {
            heading = item.heading();
            let count = view.items.iter().filter(|i| i.heading() == heading).count();
            if !lines.is_empty() {
                lines.push(Line::from(""));
            }
            lines.push(Line::from(Span::styled(
                format!("{heading} ({count})"),
                theme.style("title"),
            )));
        }
        let base = if n == view.selected {
            selected_line = lines.len();
            theme.style("selection")
        } else {
            Style::default()
        };
        let (lead, text) = match item {
            FindItem::Text(found) => {
                let at = local(app, found.at).format("%d %b %Y %H:%M");
                let lead = match found.kind {
                    FoundKind::Incident => format!("  #{:<7} {at}  ", found.id),
                    FoundKind::Note => {
                        format!("  #{:<7} {at}  ", found.incident.unwrap_or_default())
                    }
                    FoundKind::Log => format!("  log #{:<4} {at}  ", found.id),
                    FoundKind::Radio => format!("  {:<7} {at}  ", clean(&found.call_sign)),
                };
                (lead, found.text.as_str())
            }
            FindItem::Person { id, name } => (format!("  #{id:<7} "), name.as_str()),
        };
        let mut spans = vec![Span::styled(lead, base.patch(theme.style("muted")))];
        // one line each: the text's first line, as the list has room for
        let first = text.lines().next().unwrap_or_default();
        spans.extend(marked(first, &words, base).spans);
        lines.push(Line::from(spans));
    }
    // keep the selected line on screen
    let inner = r.height.saturating_sub(2) as usize;
    let scroll = selected_line.saturating_sub(inner.saturating_sub(2));
    let title = format!(
        " Found: {} — Enter opens, Esc closes ",
        clean(&view.words.join(" "))
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .style(theme.style("base"))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.style("focus_border"))
                    .title(Span::styled(title, theme.style("title"))),
            ),
        r,
    );
}
