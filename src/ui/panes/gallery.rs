//! The gallery of the ID-sought: each person's still in a tile, as the
//! terminal can show it (its image protocol, or half-blocks), with the
//! description beneath; the selected tile's border lit. The same people as
//! the members' bulletin's "Can you identify these people?".

use crate::app::register::{gallery_columns, TILE_HEIGHT, TILE_WIDTH};
use crate::app::App;
use crate::domain::bulletin::SoughtPerson;
use crate::ui::widgets::photo::Photos;
use crate::ui::{clean, Theme};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// Lines under the still: the description (wrapped) and since when.
const TEXT_LINES: u16 = 4;

pub fn draw(
    f: &mut Frame,
    area: Rect,
    block: Block,
    app: &App,
    theme: &Theme,
    photos: Option<&mut Photos>,
) {
    let r = &app.register;
    let inner = block.inner(area);
    f.render_widget(block, area);
    if r.gallery.is_empty() {
        let text = if r.query.trim().is_empty() {
            "No one is being sought. An ID-sought record (a description and a still) added to the register shows here, and in the members' bulletin."
        } else {
            "No one being sought matches the search."
        };
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .style(theme.style("muted")),
            inner,
        );
        return;
    }
    let columns = gallery_columns(area.width);
    let rows_shown = (inner.height / TILE_HEIGHT).max(1) as usize;
    let selected_row = r.selected / columns;
    let first_row = selected_row.saturating_sub(rows_shown - 1);
    let first = first_row * columns;
    let mut stills = vec![];
    for (n, person) in r
        .gallery
        .iter()
        .enumerate()
        .skip(first)
        .take(rows_shown * columns)
    {
        let at = n - first;
        let tile = Rect {
            x: inner.x + (at % columns) as u16 * TILE_WIDTH,
            y: inner.y + (at / columns) as u16 * TILE_HEIGHT,
            width: TILE_WIDTH,
            height: TILE_HEIGHT,
        }
        .intersection(inner);
        let still = draw_tile(f, tile, person, n == r.selected, theme, photos.is_some());
        if let (Some(area), Some(path)) = (still, &person.photo) {
            stills.push((area, std::path::Path::new(path)));
        }
    }
    // the stills together, so they are decoded one after another
    if let Some(photos) = photos {
        photos.draw_all(f, &stills);
    }
}

fn draw_tile(
    f: &mut Frame,
    tile: Rect,
    person: &SoughtPerson,
    selected: bool,
    theme: &Theme,
    with_photos: bool,
) -> Option<Rect> {
    let border = if selected {
        theme.style("focus_border")
    } else {
        theme.style("border")
    };
    let title = if selected {
        theme.style("selection")
    } else {
        theme.style("title")
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Span::styled(format!(" {} ", clean(&person.label)), title));
    let inner = block.inner(tile);
    f.render_widget(block, tile);
    let [still, text] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(TEXT_LINES)]).areas(inner);
    match (&person.photo, with_photos) {
        (Some(_), true) => {}
        // drawn without photos (tests, benchmarks): say one is there
        (Some(_), false) => placeholder(f, still, "still on file", theme),
        (None, _) => placeholder(f, still, "no still", theme),
    }
    // the description takes what the date line leaves
    let [description, foot] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(text);
    let described = if person.description.trim().is_empty() {
        "no description".to_string()
    } else {
        clean(&person.description)
    };
    f.render_widget(
        Paragraph::new(described).wrap(Wrap { trim: true }),
        description,
    );
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(
            format!("sought since {}", person.since.format("%d %b %Y")),
            theme.style("muted"),
        ))),
        foot,
    );
    Some(still)
}

fn placeholder(f: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let middle = Rect {
        y: area.y + area.height / 2,
        height: area.height.min(1),
        ..area
    };
    f.render_widget(
        Paragraph::new(text)
            .alignment(ratatui::layout::Alignment::Center)
            .style(theme.style("muted")),
        middle,
    );
}
