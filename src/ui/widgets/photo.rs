//! A person's photo in their profile: real pixels where the terminal can show images
//! (kitty, sixel, iTerm2), half-block art everywhere else.
//!
//! # Why `detect` does not use `Picker::from_query_stdio`
//!
//! ratatui-image 11's `from_query_stdio` (even with `QueryStdioOptions::timeout`) reads the
//! answer on a thread of its own, blocked in `stdin().read()` until it sees the terminal's
//! status reply. When nothing answers (tmux, a test pty, a slow link) the call returns after
//! the timeout but that thread stays behind, reading, and eats the keys typed next.
//!
//! So [`Photos::detect`] asks the terminal itself, on the calling thread, with `poll(2)` and
//! a deadline, and leaves nothing running when it returns. It asks only what comes back as
//! CSI replies (device attributes for sixel, `CSI 16 t` for the cell size, `CSI 5 n` as the
//! end marker): if one of them arrives after the deadline, crossterm drops it instead of
//! reporting keys. It does *not* send kitty's graphics query, whose reply (`ESC _ G … ESC \`)
//! crossterm would read as Alt+_ and then typed letters if it came late; kitty (and ghostty)
//! and iTerm2-style terminals are recognised from the environment instead.
//!
//! Kept whole (about 900 lines, half of them tests): choosing the terminal's
//! image protocol, decoding and caching are one path and read best together.

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
    /// always draws half-blocks. Nothing is left running when it returns (see the module doc).
    pub fn detect(timeout: Duration) -> Photos {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if in_multiplexer(&env) {
            return Photos::half_blocks();
        }
        let answer = ask_terminal(timeout);
        let sixel = answer.as_ref().is_some_and(|a| a.sixel);
        let protocol = choose(&env, sixel);
        let cell = answer.and_then(|a| a.cell).or_else(window_cell_size);
        Photos::with(protocol, cell.map(FontSize::from))
    }

    /// Photos drawn with `protocol`; anything but half-blocks needs the real cell size.
    fn with(protocol: ProtocolType, cell: Option<FontSize>) -> Photos {
        match (protocol, cell) {
            (ProtocolType::Halfblocks, _) | (_, None) => Photos::half_blocks(),
            (protocol, Some(cell)) => {
                // `from_fontsize` is deprecated in favour of `from_query_stdio`, which is the
                // thing we must not call (see the module doc); it is still the way to build a
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

/// Inside tmux or GNU screen graphics would need passthrough, and then do not move or vanish
/// with the pane: half-blocks there.
fn in_multiplexer(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("TMUX").is_some()
        || env("STY").is_some()
        || env("TERM_PROGRAM").is_some_and(|t| t == "tmux")
        || env("TERM").is_some_and(|t| t.starts_with("tmux") || t.starts_with("screen"))
}

/// Which protocol to use, from the environment and whether the terminal said it does sixel.
/// Kitty beats sixel, as in ratatui-image; WezTerm and Konsole draw sixel badly.
fn choose(env: &dyn Fn(&str) -> Option<String>, sixel: bool) -> ProtocolType {
    let term = env("TERM").unwrap_or_default();
    let program = env("TERM_PROGRAM").unwrap_or_default();
    let kitty = term == "xterm-kitty"
        || env("KITTY_WINDOW_ID").is_some()
        || term == "xterm-ghostty"
        || program.eq_ignore_ascii_case("ghostty");
    let wezterm = program.contains("WezTerm") || env("WEZTERM_EXECUTABLE").is_some();
    let iterm2 = wezterm
        || program.contains("iTerm")
        || program.contains("mintty")
        || env("LC_TERMINAL").is_some_and(|t| t.contains("iTerm"));
    let konsole = env("KONSOLE_VERSION").is_some();
    if kitty && !wezterm && !konsole {
        ProtocolType::Kitty
    } else if wezterm {
        ProtocolType::Iterm2
    } else if sixel && !konsole {
        ProtocolType::Sixel
    } else if iterm2 {
        ProtocolType::Iterm2
    } else {
        ProtocolType::Halfblocks
    }
}

/// What the terminal said.
#[derive(Debug, Default, PartialEq)]
struct Answer {
    sixel: bool,
    /// Cell size in pixels, (width, height).
    cell: Option<(u16, u16)>,
}

/// A cell size in pixels, if it is believable.
fn sane_cell(width: u16, height: u16) -> Option<(u16, u16)> {
    ((2..=200).contains(&width) && (4..=400).contains(&height)).then_some((width, height))
}

/// Device attributes (sixel is attribute 4), cell size in pixels, then a status report whose
/// reply (`CSI 0 n`) marks the end of the answers. Every reply is a CSI sequence.
const QUERY: &[u8] = b"\x1b[c\x1b[16t\x1b[5n";

#[cfg(unix)]
fn ask_terminal(timeout: Duration) -> Option<Answer> {
    use std::io::IsTerminal;
    use std::os::fd::AsFd;

    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    if !stdin.is_terminal() || !stdout.is_terminal() || !unix::is_raw(stdin.as_fd()) {
        return None;
    }
    let mut out = stdout.lock();
    unix::query(stdin.as_fd(), &mut out, timeout)
}

#[cfg(not(unix))]
fn ask_terminal(_timeout: Duration) -> Option<Answer> {
    None
}

#[cfg(unix)]
fn window_cell_size() -> Option<(u16, u16)> {
    unix::window_cell_size()
}

#[cfg(not(unix))]
fn window_cell_size() -> Option<(u16, u16)> {
    None
}

#[cfg(unix)]
mod unix {
    use std::io::Write;
    use std::os::fd::{AsRawFd, BorrowedFd};
    use std::time::{Duration, Instant};

    use ratatui_image::picker::cap_parser::{Parser, Response};

    use super::{sane_cell, Answer, QUERY};

    /// Whether `fd` is a terminal in raw mode (no line editing, no echo, reads return at once),
    /// so the answer neither shows on screen nor waits for Enter.
    pub(super) fn is_raw(fd: BorrowedFd<'_>) -> bool {
        // SAFETY: termios is plain data; tcgetattr fills it for a valid fd or fails.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd.as_raw_fd(), &mut t) } != 0 {
            return false;
        }
        t.c_lflag & (libc::ICANON | libc::ECHO) == 0 && t.c_cc[libc::VMIN] <= 1
    }

    /// Write the query to `out`, then read replies from `input` until the status reply or the
    /// deadline, on this thread only. On the deadline, whatever part of an answer arrived is
    /// thrown away from the input queue so it is not read later as key presses.
    pub(super) fn query(
        input: BorrowedFd<'_>,
        out: &mut dyn Write,
        timeout: Duration,
    ) -> Option<Answer> {
        let fd = input.as_raw_fd();
        out.write_all(QUERY).and_then(|()| out.flush()).ok()?;
        let deadline = Instant::now() + timeout;
        let mut parser = Parser::new();
        let mut answer = Answer::default();
        let mut heard = false;
        let mut buf = [0u8; 256];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = i32::try_from(left.as_millis()).unwrap_or(i32::MAX).max(1);
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
            if ready < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                break;
            }
            if ready == 0 {
                continue; // the loop checks the deadline
            }
            if pfd.revents & libc::POLLIN == 0 {
                break; // hung up or error
            }
            // SAFETY: `buf` is valid for `buf.len()` bytes. Input is waiting and the terminal
            // is in raw mode (VMIN <= 1), so this returns at once.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n < 0 {
                match std::io::Error::last_os_error().kind() {
                    std::io::ErrorKind::Interrupted | std::io::ErrorKind::WouldBlock => continue,
                    _ => break,
                }
            }
            if n == 0 {
                break;
            }
            heard = true;
            for &byte in &buf[..n as usize] {
                for response in parser.push(char::from(byte)) {
                    match response {
                        Response::Sixel => answer.sixel = true,
                        Response::CellSize(Some((w, h))) => answer.cell = sane_cell(w, h),
                        Response::Status => return Some(answer),
                        _ => {}
                    }
                }
            }
        }
        // SAFETY: tcflush on a valid fd; at worst it fails and nothing is discarded.
        unsafe { libc::tcflush(fd, libc::TCIFLUSH) };
        heard.then_some(answer)
    }

    /// The cell size from the window size in pixels, where the terminal reports it.
    pub(super) fn window_cell_size() -> Option<(u16, u16)> {
        // SAFETY: winsize is plain data; TIOCGWINSZ fills it for a terminal or fails.
        let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
        if unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) } != 0
            || ws.ws_col == 0
            || ws.ws_row == 0
        {
            return None;
        }
        sane_cell(ws.ws_xpixel / ws.ws_col, ws.ws_ypixel / ws.ws_row)
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

    fn env_of(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_protocol_follows_the_terminal() {
        let pick =
            |vars: &'static [(&'static str, &'static str)], sixel| choose(&env_of(vars), sixel);
        assert_eq!(
            pick(&[("TERM", "xterm-256color")], false),
            ProtocolType::Halfblocks
        );
        assert_eq!(
            pick(&[("TERM", "xterm-256color")], true),
            ProtocolType::Sixel
        );
        assert_eq!(pick(&[("TERM", "xterm-kitty")], true), ProtocolType::Kitty);
        assert_eq!(
            pick(&[("KITTY_WINDOW_ID", "1")], false),
            ProtocolType::Kitty
        );
        assert_eq!(
            pick(&[("TERM_PROGRAM", "ghostty")], false),
            ProtocolType::Kitty
        );
        assert_eq!(
            pick(&[("TERM_PROGRAM", "iTerm.app")], false),
            ProtocolType::Iterm2
        );
        assert_eq!(
            pick(&[("TERM_PROGRAM", "WezTerm")], true),
            ProtocolType::Iterm2
        );
        assert_eq!(
            pick(&[("KONSOLE_VERSION", "230805")], true),
            ProtocolType::Halfblocks
        );
        assert_eq!(pick(&[], false), ProtocolType::Halfblocks);

        assert!(in_multiplexer(&env_of(&[(
            "TMUX",
            "/tmp/tmux-0/default,1,0"
        )])));
        assert!(in_multiplexer(&env_of(&[("TERM", "screen-256color")])));
        assert!(in_multiplexer(&env_of(&[("TERM", "tmux-256color")])));
        assert!(!in_multiplexer(&env_of(&[("TERM", "xterm-256color")])));
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
        assert!(sane_cell(0, 18).is_none());
        assert!(sane_cell(9, 0).is_none());
        assert!(sane_cell(9, 18).is_some());
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

    #[cfg(unix)]
    mod terminal {
        use super::super::{unix, QUERY};
        use super::*;
        use std::io::{Read, Write};
        use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
        use std::time::Instant;

        fn make_raw(fd: BorrowedFd<'_>) {
            unsafe {
                let mut t: libc::termios = std::mem::zeroed();
                assert_eq!(libc::tcgetattr(fd.as_raw_fd(), &mut t), 0);
                libc::cfmakeraw(&mut t);
                assert_eq!(libc::tcsetattr(fd.as_raw_fd(), libc::TCSANOW, &t), 0);
            }
        }

        /// Read from the terminal side with a timeout, as the console's own key reader would.
        fn read_within(fd: BorrowedFd<'_>, timeout: Duration) -> Vec<u8> {
            let mut pfd = libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let ready = unsafe { libc::poll(&mut pfd, 1, timeout.as_millis() as i32) };
            if ready <= 0 {
                return Vec::new();
            }
            let mut buf = [0u8; 64];
            let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            buf[..n.max(0) as usize].to_vec()
        }

        fn open() -> (pty_process::blocking::Pty, pty_process::blocking::Pts, File) {
            let (pty, pts) = pty_process::blocking::open().unwrap();
            make_raw(pts.as_fd());
            assert!(unix::is_raw(pts.as_fd()));
            let out = File::from(pts.as_fd().try_clone_to_owned().unwrap());
            (pty, pts, out)
        }

        #[test]
        fn a_terminal_that_answers_is_heard() {
            let (mut pty, pts, mut out) = open();
            let answerer = std::thread::spawn(move || {
                let mut asked = Vec::new();
                let mut buf = [0u8; 64];
                while !asked.ends_with(b"\x1b[5n") {
                    let n = pty.read(&mut buf).unwrap();
                    asked.extend_from_slice(&buf[..n]);
                }
                pty.write_all(b"\x1b[?62;4;22c\x1b[6;18;9t\x1b[0n").unwrap();
                (pty, asked)
            });
            let answer = unix::query(pts.as_fd(), &mut out, Duration::from_secs(10)).unwrap();
            let (_pty, asked) = answerer.join().unwrap();
            assert_eq!(asked, QUERY);
            assert!(answer.sixel);
            assert_eq!(answer.cell, Some((9, 18)));
        }

        #[test]
        fn a_silent_terminal_costs_the_timeout_and_keeps_later_keys() {
            let (mut pty, pts, mut out) = open();
            let started = Instant::now();
            let answer = unix::query(pts.as_fd(), &mut out, Duration::from_millis(150));
            let took = started.elapsed();
            assert_eq!(answer, None);
            assert!(took >= Duration::from_millis(150), "{took:?}");
            assert!(took < Duration::from_secs(2), "{took:?}");
            // Nothing was left reading the terminal: a key typed now reaches the console.
            pty.write_all(b"q").unwrap();
            assert_eq!(read_within(pts.as_fd(), Duration::from_secs(5)), b"q");
        }

        #[test]
        fn half_an_answer_is_used_and_then_thrown_away() {
            let (mut pty, pts, mut out) = open();
            // The terminal has said sixel, and started on the cell size, when time runs out.
            pty.write_all(b"\x1b[?62;4c\x1b[6;1").unwrap();
            let answer = unix::query(pts.as_fd(), &mut out, Duration::from_millis(150)).unwrap();
            assert!(answer.sixel);
            assert!(answer.cell.is_none());
            // The cut-off sequence is gone, so it cannot turn into key presses.
            pty.write_all(b"x").unwrap();
            assert_eq!(read_within(pts.as_fd(), Duration::from_secs(5)), b"x");
        }

        #[test]
        fn a_cooked_terminal_is_not_asked() {
            let (_pty, pts) = pty_process::blocking::open().unwrap();
            assert!(!unix::is_raw(pts.as_fd()));
        }
    }
}
