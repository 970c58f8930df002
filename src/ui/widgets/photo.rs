//! A person's photo in their profile: real pixels where the terminal can show images
//! (kitty, sixel, iTerm2), half-block art everywhere else.
//!
//! Which protocol the terminal speaks is asked once at start-up (`detect.rs`).

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use image::{DynamicImage, ImageError, ImageFormat, ImageReader, Limits};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::halfblocks::Halfblocks;
use ratatui_image::protocol::{StatefulProtocol, StatefulProtocolType};
use ratatui_image::{FilterType, FontSize, Resize, StatefulImage};

mod detect;

/// The cell size half-blocks pretend to have: only its 1:2 shape matters.
const HALF_BLOCK_CELL: FontSize = FontSize::new(10, 20);
/// A photo's longer side is scaled down to this once loaded: plenty for a profile pane,
/// and it keeps the cache and every re-fit small.
const KEEP_SIDE: u32 = 512;
/// Bigger images than this are refused rather than decoded on the UI thread.
const MAX_SIDE: u32 = 10_000;
const MAX_DECODE_BYTES: u64 = 200 * 1024 * 1024;
/// How many photos stay decoded; the least recently drawn goes first.
const CACHE_LIMIT: usize = 24;

/// How photos are drawn, chosen once at start-up.
pub struct Photos {
    /// `None` for half-blocks (built without a `Picker`: `Picker::halfblocks()` runs
    /// `tmux set -p allow-passthrough on` when inside tmux, which half-blocks never need).
    picker: Option<Picker>,
    cache: HashMap<PathBuf, Cached>,
    tick: u64,
}

struct Cached {
    stamp: Stamp,
    last_used: u64,
    photo: Result<StatefulProtocol, Problem>,
}

/// What a file looked like when it was loaded: a change means load it again.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

/// Why a photo is not drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Problem {
    Missing,
    Unreadable,
    NotAnImage,
    /// An image, but in a format this build does not decode (only PNG and JPEG).
    Unsupported(&'static str),
    Damaged,
    TooLarge,
    CannotDraw,
}

impl Problem {
    fn message(&self, path: &Path) -> String {
        let what = match self {
            Problem::Missing => "photo missing".to_string(),
            Problem::Unreadable => "cannot read photo".to_string(),
            Problem::NotAnImage => "not an image".to_string(),
            Problem::Unsupported(format) => format!("cannot show {format} photos"),
            Problem::Damaged => "photo damaged".to_string(),
            Problem::TooLarge => "photo too large".to_string(),
            Problem::CannotDraw => "photo cannot be drawn".to_string(),
        };
        crate::ui::clean(&format!("{what}: {}", path.display()))
    }
}

impl std::fmt::Debug for Photos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Photos")
            .field("protocol", &self.protocol_name())
            .field("cached", &self.cache.len())
            .finish()
    }
}

impl Photos {
    /// Half-blocks only: never asks the terminal anything (tests, NO_GRAPHICS, not a terminal).
    pub fn half_blocks() -> Photos {
        Photos {
            picker: None,
            cache: HashMap::new(),
            tick: 0,
        }
    }

    /// Ask the terminal what it can show, waiting at most `timeout` for an answer; fall back to
    /// half-blocks.
    ///
    /// Call after the terminal is in raw mode and before the event loop starts reading keys
    /// (before an `EventStream` exists): the answer is read from stdin. If stdin is not in raw
    /// mode, or stdin/stdout is not a terminal, nothing is asked. Inside tmux or screen it
    /// always draws half-blocks. Nothing is left running when it returns (see `detect.rs`).
    pub fn detect(timeout: Duration) -> Photos {
        let (protocol, cell) = detect::terminal(timeout);
        Photos::with(protocol, cell)
    }

    /// Photos drawn with `protocol`; anything but half-blocks needs the real cell size.
    fn with(protocol: ProtocolType, cell: Option<FontSize>) -> Photos {
        match (protocol, cell) {
            (ProtocolType::Halfblocks, _) | (_, None) => Photos::half_blocks(),
            (protocol, Some(cell)) => {
                // `from_fontsize` is deprecated in favour of `from_query_stdio`, which is the
                // thing we must not call (see `detect.rs`); it is still the way to build a
                // Picker from a cell size we measured ourselves.
                #[allow(deprecated)]
                let mut picker = Picker::from_fontsize(cell);
                picker.set_protocol_type(protocol);
                Photos {
                    picker: Some(picker),
                    ..Photos::half_blocks()
                }
            }
        }
    }

    /// "half-blocks", "sixel", "kitty" or "iTerm2".
    pub fn protocol_name(&self) -> &'static str {
        match self.picker.as_ref().map(Picker::protocol_type) {
            None | Some(ProtocolType::Halfblocks) => "half-blocks",
            Some(ProtocolType::Sixel) => "sixel",
            Some(ProtocolType::Kitty) => "kitty",
            Some(ProtocolType::Iterm2) => "iTerm2",
        }
    }

    /// Draw the photo at `path` fitted into `area` (keeping its aspect, centred across the top).
    /// If the file is missing or not a decodable image, draw a one-line message instead.
    /// Decoded images are kept by path and loaded again when the file changes.
    ///
    /// The first draw of a photo decodes it on this thread (a few milliseconds for a
    /// profile-sized JPEG; larger images are scaled down once, and huge ones refused).
    pub fn draw(&mut self, f: &mut Frame, area: Rect, path: &Path) {
        let area = area.intersection(f.area());
        if area.is_empty() {
            return;
        }
        self.tick += 1;
        let tick = self.tick;

        let stamp = match stamp(path) {
            Ok(stamp) => stamp,
            Err(problem) => {
                self.cache.remove(path);
                show(f, area, &problem.message(path));
                return;
            }
        };
        if self.cache.get(path).is_none_or(|c| c.stamp != stamp) {
            let photo = decode(path).map(|image| self.protocol_for(image));
            self.remember(
                path,
                Cached {
                    stamp,
                    last_used: tick,
                    photo,
                },
            );
        }
        let Some(entry) = self.cache.get_mut(path) else {
            return;
        };
        entry.last_used = tick;
        match &mut entry.photo {
            Err(problem) => show(f, area, &problem.message(path)),
            Ok(protocol) => {
                let resize = Resize::Scale(Some(FilterType::Triangle));
                let fitted = protocol.size_for(resize.clone(), area.as_size());
                let width = fitted.width.clamp(1, area.width);
                let height = fitted.height.clamp(1, area.height);
                let target = Rect {
                    x: area.x + (area.width - width) / 2,
                    y: area.y,
                    width,
                    height,
                };
                f.render_stateful_widget(StatefulImage::new().resize(resize), target, protocol);
                if let Some(Err(_)) = protocol.last_encoding_result() {
                    entry.photo = Err(Problem::CannotDraw);
                    show(f, area, &Problem::CannotDraw.message(path));
                }
            }
        }
    }

    fn protocol_for(&self, image: DynamicImage) -> StatefulProtocol {
        match &self.picker {
            Some(picker) => picker.new_resize_protocol(image),
            None => StatefulProtocol::new(
                image,
                HALF_BLOCK_CELL,
                None,
                StatefulProtocolType::Halfblocks(Halfblocks::default()),
            ),
        }
    }

    fn remember(&mut self, path: &Path, entry: Cached) {
        if !self.cache.contains_key(path) && self.cache.len() >= CACHE_LIMIT {
            let oldest = self
                .cache
                .iter()
                .min_by_key(|(_, c)| c.last_used)
                .map(|(p, _)| p.clone());
            if let Some(oldest) = oldest {
                self.cache.remove(&oldest);
            }
        }
        self.cache.insert(path.to_path_buf(), entry);
    }
}

/// Draw a one-line message at the top of `area` in place of the photo.
fn show(f: &mut Frame, area: Rect, text: &str) {
    let line = Rect { height: 1, ..area };
    f.render_widget(
        Paragraph::new(text.to_string()).style(Style::new().add_modifier(Modifier::ITALIC)),
        line,
    );
}

fn stamp(path: &Path) -> Result<Stamp, Problem> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(Problem::NotAnImage),
        Ok(meta) => Ok(Stamp {
            modified: meta.modified().ok(),
            len: meta.len(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Problem::Missing),
        Err(_) => Err(Problem::Unreadable),
    }
}

/// Decode a PNG or JPEG, known by its first bytes (not its name), scaled down to `KEEP_SIDE`.
fn decode(path: &Path) -> Result<DynamicImage, Problem> {
    let file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Problem::Missing,
        _ => Problem::Unreadable,
    })?;
    let mut reader = ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .map_err(|_| Problem::Unreadable)?;
    match reader.format() {
        None => return Err(Problem::NotAnImage),
        Some(ImageFormat::Png | ImageFormat::Jpeg) => {}
        Some(other) => return Err(Problem::Unsupported(format_name(other))),
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        ImageError::Limits(_) => Problem::TooLarge,
        // A file cut short ends in an unexpected EOF: damaged, not unreadable.
        ImageError::IoError(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
            Problem::Unreadable
        }
        _ => Problem::Damaged,
    })?;
    Ok(if image.width() > KEEP_SIDE || image.height() > KEEP_SIDE {
        image.thumbnail(KEEP_SIDE, KEEP_SIDE)
    } else {
        image
    })
}

fn format_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Gif => "GIF",
        ImageFormat::WebP => "WebP",
        ImageFormat::Bmp => "BMP",
        ImageFormat::Tiff => "TIFF",
        ImageFormat::Avif => "AVIF",
        ImageFormat::Ico => "ICO",
        _ => "such",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use ratatui::style::Color;
    use ratatui::Terminal;

    fn gradient_png(path: &Path, w: u32, h: u32) {
        image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
        })
        .save(path)
        .unwrap();
    }

    fn draw(photos: &mut Photos, size: (u16, u16), area: Rect, path: &Path) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        terminal.draw(|f| photos.draw(f, area, path)).unwrap();
        terminal.backend().buffer().clone()
    }

    fn text(buf: &Buffer) -> String {
        let area = buf.area;
        (area.top()..area.bottom())
            .map(|y| {
                (area.left()..area.right())
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The cells drawn as half-blocks with true colours, as (x, y).
    fn blocks(buf: &Buffer) -> Vec<(u16, u16)> {
        let area = buf.area;
        let mut out = Vec::new();
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                let cell = &buf[(x, y)];
                let coloured =
                    matches!(cell.fg, Color::Rgb(..)) || matches!(cell.bg, Color::Rgb(..));
                if coloured && matches!(cell.symbol(), "▀" | "▄" | " ") {
                    out.push((x, y));
                }
            }
        }
        out
    }

    #[test]
    fn a_png_is_drawn_as_coloured_half_blocks_inside_its_area() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.png");
        gradient_png(&path, 96, 128);
        let mut photos = Photos::half_blocks();
        assert_eq!(photos.protocol_name(), "half-blocks");

        let area = Rect::new(3, 2, 12, 8);
        let buf = draw(&mut photos, (30, 12), area, &path);
        let cells = blocks(&buf);
        assert!(cells.len() > 60, "only {} coloured cells", cells.len());
        assert!(cells.iter().all(|&(x, y)| area.contains((x, y).into())));
        let halves = (area.top()..area.bottom())
            .flat_map(|y| (area.left()..area.right()).map(move |x| (x, y)))
            .filter(|&(x, y)| matches!(buf[(x, y)].symbol(), "▀" | "▄"))
            .count();
        assert!(halves > 30, "only {halves} half-block characters");
    }

    #[test]
    fn the_photo_keeps_its_shape_and_is_centred_in_a_wide_area() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.png");
        gradient_png(&path, 96, 128); // 3:4, so 8 rows of 2 half-pixels fit 12 columns
        let mut photos = Photos::half_blocks();
        let area = Rect::new(0, 0, 40, 8);
        let buf = draw(&mut photos, (40, 8), area, &path);
        let cells = blocks(&buf);
        let left = cells.iter().map(|c| c.0).min().unwrap();
        let right = cells.iter().map(|c| c.0).max().unwrap();
        assert_eq!(right - left + 1, 12, "width in cells");
        assert_eq!(left, 14, "centred: (40 - 12) / 2");
    }

    #[test]
    fn a_missing_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone.png");
        let mut photos = Photos::half_blocks();
        let buf = draw(&mut photos, (60, 4), Rect::new(0, 1, 60, 3), &path);
        let shown = text(&buf);
        assert!(shown.contains("photo missing: "), "{shown}");
        assert!(shown.contains("gone.png"), "{shown}");
        assert!(blocks(&buf).is_empty());
    }

    #[test]
    fn a_text_file_is_not_an_image() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.png");
        std::fs::write(&path, "Seen near the bus station, 14:05.\n").unwrap();
        let mut photos = Photos::half_blocks();
        let shown = text(&draw(&mut photos, (60, 3), Rect::new(0, 0, 60, 3), &path));
        assert!(shown.contains("not an image"), "{shown}");
        // A folder is not an image either.
        let shown = text(&draw(
            &mut photos,
            (60, 3),
            Rect::new(0, 0, 60, 3),
            dir.path(),
        ));
        assert!(shown.contains("not an image"), "{shown}");
    }

    #[test]
    fn other_formats_and_broken_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let gif = dir.path().join("p.gif");
        std::fs::write(&gif, b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").unwrap();
        let broken = dir.path().join("cut.png");
        let mut png = Vec::new();
        image::RgbImage::new(8, 8)
            .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        std::fs::write(&broken, &png[..png.len() / 2]).unwrap();
        let mut photos = Photos::half_blocks();
        let shown = text(&draw(&mut photos, (60, 2), Rect::new(0, 0, 60, 2), &gif));
        assert!(shown.contains("cannot show GIF photos"), "{shown}");
        let shown = text(&draw(&mut photos, (60, 2), Rect::new(0, 0, 60, 2), &broken));
        assert!(shown.contains("photo damaged"), "{shown}");
    }

    #[test]
    fn control_characters_in_a_path_are_not_drawn() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("evil\x1b[2Jname.png");
        let mut photos = Photos::half_blocks();
        let buf = draw(&mut photos, (120, 1), Rect::new(0, 0, 120, 1), &path);
        assert!(!text(&buf).contains('\x1b'));
        assert!(text(&buf).contains("photo missing"));
    }

    #[test]
    fn tiny_and_outside_areas_do_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.png");
        gradient_png(&path, 96, 128);
        let wide = dir.path().join("wide.png");
        gradient_png(&wide, 2000, 3);
        let text_file = dir.path().join("t.png");
        std::fs::write(&text_file, "x").unwrap();
        let mut photos = Photos::half_blocks();
        for p in [&path, &wide, &text_file, &dir.path().join("gone.png")] {
            for area in [
                Rect::new(0, 0, 0, 0),
                Rect::new(0, 0, 1, 1),
                Rect::new(2, 2, 1, 0),
                Rect::new(0, 0, 1, 5),
                Rect::new(0, 0, 5, 1),
                Rect::new(8, 3, 50, 50), // mostly outside the frame
                Rect::new(100, 100, 5, 5),
            ] {
                draw(&mut photos, (10, 5), area, p);
            }
        }
    }

    #[test]
    fn a_changed_file_is_loaded_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.png");
        let solid = |rgb: [u8; 3]| {
            image::RgbImage::from_pixel(16, 16, image::Rgb(rgb))
                .save(&path)
                .unwrap();
        };
        let colour_at = |buf: &Buffer| buf[(2, 2)].fg;
        let mut photos = Photos::half_blocks();
        solid([200, 0, 0]);
        let area = Rect::new(0, 0, 8, 4);
        let first = colour_at(&draw(&mut photos, (8, 4), area, &path));
        assert_eq!(first, Color::Rgb(200, 0, 0));

        solid([0, 0, 200]);
        let later = SystemTime::now() + Duration::from_secs(5);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(later)
            .unwrap();
        let second = colour_at(&draw(&mut photos, (8, 4), area, &path));
        assert_eq!(second, Color::Rgb(0, 0, 200));

        std::fs::remove_file(&path).unwrap();
        let shown = text(&draw(&mut photos, (40, 4), Rect::new(0, 0, 40, 4), &path));
        assert!(shown.contains("photo missing"), "{shown}");
    }

    #[test]
    fn the_cache_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let mut photos = Photos::half_blocks();
        for i in 0..CACHE_LIMIT + 5 {
            let path = dir.path().join(format!("{i}.png"));
            gradient_png(&path, 4, 4);
            draw(&mut photos, (4, 2), Rect::new(0, 0, 4, 2), &path);
        }
        assert_eq!(photos.cache.len(), CACHE_LIMIT);
        assert!(!photos.cache.contains_key(&dir.path().join("0.png")));
    }

    #[test]
    fn graphics_need_a_cell_size() {
        assert_eq!(
            Photos::with(ProtocolType::Sixel, None).protocol_name(),
            "half-blocks"
        );
        let sixel = Photos::with(ProtocolType::Sixel, Some(FontSize::new(9, 18)));
        assert_eq!(sixel.protocol_name(), "sixel");
        assert_eq!(
            Photos::with(ProtocolType::Kitty, Some(FontSize::new(9, 18))).protocol_name(),
            "kitty"
        );
    }

    #[test]
    fn detect_does_not_hang_outside_a_raw_terminal() {
        // Under `cargo test` stdin is a pipe, /dev/null or a terminal in cooked mode:
        // nothing is asked, and it returns at once.
        let started = std::time::Instant::now();
        let photos = Photos::detect(Duration::from_millis(300));
        assert!(started.elapsed() < Duration::from_millis(250));
        let _ = photos.protocol_name();
    }
}
