//! A person's photo in their profile, and the ID-sought's stills in the gallery: real pixels
//! where the terminal can show images (kitty, sixel, iTerm2), half-block art everywhere else.
//!
//! Which protocol the terminal speaks is asked once at start-up (`detect.rs`). A photo is
//! decoded on a thread of its own (`decode.rs`), never by the draw: until it is ready the draw
//! shows "loading photo…", and the thread wakes the console to draw it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::StatefulProtocol;
use ratatui_image::{FontSize, StatefulImage};

mod decode;
mod detect;

use decode::{fitted, resize, stamp, Decoded, Decoder, Problem, Request, Stamp};

/// How many photos stay decoded; the least recently drawn goes first.
const CACHE_LIMIT: usize = 24;
/// Shown where the photo goes while it is being decoded.
const LOADING: &str = "loading photo…";

/// How photos are drawn, chosen once at start-up.
pub struct Photos {
    /// `None` for half-blocks (built without a `Picker`: `Picker::halfblocks()` runs
    /// `tmux set -p allow-passthrough on` when inside tmux, which half-blocks never need).
    picker: Option<Picker>,
    cache: HashMap<PathBuf, Cached>,
    tick: u64,
    decoder: Decoder,
    /// The photo last asked of the decoder, until its result comes back.
    waiting: Option<Waiting>,
    tickets: u64,
}

struct Cached {
    stamp: Stamp,
    last_used: u64,
    photo: Result<StatefulProtocol, Problem>,
}

/// A request on its way: only a result with this ticket is kept.
struct Waiting {
    ticket: u64,
    path: PathBuf,
    stamp: Stamp,
}

impl std::fmt::Debug for Photos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Photos")
            .field("protocol", &self.protocol_name())
            .field("cached", &self.cache.len())
            .field("waiting", &self.waiting.is_some())
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
            decoder: Decoder::new(),
            waiting: None,
            tickets: 0,
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

    /// Call `wake` (from the decoding thread) each time a photo is ready, so the console draws
    /// again without waiting for a key. Set it before the first draw.
    pub fn waking(mut self, wake: impl Fn() + Send + Sync + 'static) -> Photos {
        self.decoder.wake = Arc::new(wake);
        self
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
    /// A photo not yet decoded is asked of the decoding thread and "loading photo…" drawn in
    /// its place: this never waits for a decode (it reads the file's size and time only).
    pub fn draw(&mut self, f: &mut Frame, area: Rect, path: &Path) {
        self.collect();
        self.draw_one(f, area, path, true);
    }

    /// Draw several photos at once (a gallery), each as [`Photos::draw`] does one. They are
    /// decoded one after another: while one is on its way, no other is asked for, so a frame
    /// drawn meanwhile does not take the decoder off the one it is making.
    pub fn draw_all(&mut self, f: &mut Frame, photos: &[(Rect, &Path)]) {
        self.collect();
        let mut may_ask = !self
            .waiting
            .as_ref()
            .is_some_and(|w| photos.iter().any(|(_, p)| *p == w.path.as_path()));
        for (area, path) in photos {
            if self.draw_one(f, *area, path, may_ask) {
                may_ask = false;
            }
        }
    }

    /// Draw one photo; one not yet decoded is asked for when `may_ask`. Whether it was asked.
    fn draw_one(&mut self, f: &mut Frame, area: Rect, path: &Path, may_ask: bool) -> bool {
        let area = area.intersection(f.area());
        if area.is_empty() {
            return false;
        }
        self.tick += 1;
        let tick = self.tick;

        let stamp = match stamp(path) {
            Ok(stamp) => stamp,
            Err(problem) => {
                self.cache.remove(path);
                // a decode started before the file went is of no use now
                self.waiting.take_if(|w| w.path == path);
                show(f, area, &problem.message(path));
                return false;
            }
        };
        if self.cache.get(path).is_none_or(|c| c.stamp != stamp) {
            let asked = self
                .waiting
                .as_ref()
                .is_some_and(|w| w.path == path && w.stamp == stamp);
            let asking = !asked && may_ask;
            if asking {
                self.ask(path, stamp, area);
            }
            show(f, area, LOADING);
            return asking;
        }
        let Some(entry) = self.cache.get_mut(path) else {
            return false;
        };
        entry.last_used = tick;
        match &mut entry.photo {
            Err(problem) => show(f, area, &problem.message(path)),
            Ok(protocol) => {
                let fitted = fitted(protocol, area.as_size());
                let target = Rect {
                    x: area.x + (area.width - fitted.width) / 2,
                    y: area.y,
                    width: fitted.width,
                    height: fitted.height,
                };
                f.render_stateful_widget(StatefulImage::new().resize(resize()), target, protocol);
                if let Some(Err(_)) = protocol.last_encoding_result() {
                    entry.photo = Err(Problem::CannotDraw);
                    show(f, area, &Problem::CannotDraw.message(path));
                }
            }
        }
        false
    }

    /// Ask the decoder for `path`; whatever was asked before is no longer wanted.
    fn ask(&mut self, path: &Path, stamp: Stamp, area: Rect) {
        self.tickets += 1;
        self.waiting = Some(Waiting {
            ticket: self.tickets,
            path: path.to_path_buf(),
            stamp,
        });
        self.decoder.request(Request {
            ticket: self.tickets,
            path: path.to_path_buf(),
            picker: self.picker.clone(),
            area: area.as_size(),
        });
    }

    /// Take in the results that have come back, without waiting.
    fn collect(&mut self) {
        while let Some(done) = self.decoder.try_take() {
            self.settle(done);
        }
    }

    /// Keep the result waited for; drop any other, asked for before the operator moved on, so
    /// it is never drawn in place of a newer photo (or a newer copy of the same file).
    fn settle(&mut self, done: Decoded) {
        let Some(waiting) = self.waiting.take_if(|w| w.ticket == done.ticket) else {
            return;
        };
        let entry = Cached {
            stamp: waiting.stamp,
            last_used: self.tick,
            photo: done.photo,
        };
        self.remember(&waiting.path, entry);
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

#[cfg(test)]
mod tests {
    use super::*;
    use image::ImageFormat;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;
    use ratatui::style::Color;
    use ratatui::Terminal;
    use std::fs::File;
    use std::sync::{mpsc, Mutex};
    use std::time::{Instant, SystemTime};

    /// Longer than any decode here takes, even in a debug build on a busy machine.
    const DECODE_WAIT: Duration = Duration::from_secs(30);

    impl Photos {
        /// Wait (at most `timeout`) until the photo asked for last has come back, and take it
        /// in as a draw would.
        fn wait_for_decode(&mut self, timeout: Duration) -> bool {
            let deadline = Instant::now() + timeout;
            while self.waiting.is_some() {
                let left = deadline.saturating_duration_since(Instant::now());
                match self.decoder.take_within(left) {
                    Some(done) => self.settle(done),
                    None => return false,
                }
            }
            true
        }

        /// Decode with `decode` in place of the real thing (to hold a decode up).
        fn decoding_with(
            mut self,
            decode: impl Fn(&Path) -> Result<image::DynamicImage, Problem> + Send + Sync + 'static,
        ) -> Photos {
            self.decoder.decode = Arc::new(decode);
            self
        }
    }

    /// A decode that tells `started` which file it is on, then waits for `go` before decoding.
    fn held_decode(
        started: mpsc::Sender<PathBuf>,
        go: mpsc::Receiver<()>,
    ) -> impl Fn(&Path) -> Result<image::DynamicImage, Problem> + Send + Sync + 'static {
        let go = Mutex::new(go);
        move |path| {
            let _ = started.send(path.to_path_buf());
            let _ = go.lock().unwrap().recv_timeout(DECODE_WAIT);
            decode::decode(path)
        }
    }

    fn gradient_png(path: &Path, w: u32, h: u32) {
        image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
        })
        .save(path)
        .unwrap();
    }

    fn solid_png(path: &Path, rgb: [u8; 3]) {
        image::RgbImage::from_pixel(16, 16, image::Rgb(rgb))
            .save(path)
            .unwrap();
    }

    /// One frame with the photo drawn, as the console draws it.
    fn draw_once(photos: &mut Photos, size: (u16, u16), area: Rect, path: &Path) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        terminal.draw(|f| photos.draw(f, area, path)).unwrap();
        terminal.backend().buffer().clone()
    }

    /// A frame once the photo is ready: if the first draw asked for a decode, wait for it and
    /// draw again, as the console does when the decoder wakes it.
    fn draw(photos: &mut Photos, size: (u16, u16), area: Rect, path: &Path) -> Buffer {
        let first = draw_once(photos, size, area, path);
        if photos.waiting.is_none() {
            return first;
        }
        assert!(photos.wait_for_decode(DECODE_WAIT), "not decoded in time");
        draw_once(photos, size, area, path)
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
        let colour_at = |buf: &Buffer| buf[(2, 2)].fg;
        let mut photos = Photos::half_blocks();
        solid_png(&path, [200, 0, 0]);
        let area = Rect::new(0, 0, 8, 4);
        let first = colour_at(&draw(&mut photos, (8, 4), area, &path));
        assert_eq!(first, Color::Rgb(200, 0, 0));

        solid_png(&path, [0, 0, 200]);
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
    fn a_draw_while_the_photo_decodes_shows_a_placeholder_and_the_photo_comes_later() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.png");
        gradient_png(&path, 96, 128);
        let (started_tx, started) = mpsc::channel();
        let (go, held) = mpsc::channel();
        let (woken_tx, woken) = mpsc::channel();
        let mut photos = Photos::half_blocks()
            .decoding_with(held_decode(started_tx, held))
            .waking(move || {
                let _ = woken_tx.send(());
            });
        let (size, area) = ((30, 10), Rect::new(2, 1, 20, 8));

        // The decode is held until `go`: a draw that waited for it could not come back.
        let buf = draw_once(&mut photos, size, area, &path);
        assert_eq!(started.recv_timeout(DECODE_WAIT).unwrap(), path);
        let shown = text(&buf);
        assert!(shown.lines().nth(1).unwrap().contains(LOADING), "{shown}");
        assert!(blocks(&buf).is_empty());
        // drawn again meanwhile (a key, another console's change): still waiting, not asked again
        let buf = draw_once(&mut photos, size, area, &path);
        assert!(text(&buf).contains(LOADING));
        assert_eq!(photos.tickets, 1);
        assert!(woken.try_recv().is_err());

        go.send(()).unwrap();
        woken
            .recv_timeout(DECODE_WAIT)
            .expect("the console is woken");
        let buf = draw_once(&mut photos, size, area, &path);
        assert!(!text(&buf).contains(LOADING));
        let cells = blocks(&buf);
        assert!(cells.len() > 60, "only {} coloured cells", cells.len());
        assert!(cells.iter().all(|&(x, y)| area.contains((x, y).into())));
    }

    #[test]
    fn a_photo_no_longer_wanted_is_dropped_when_it_arrives() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("a.png"), dir.path().join("b.png"));
        solid_png(&first, [200, 0, 0]);
        solid_png(&second, [0, 0, 200]);
        let (started_tx, started) = mpsc::channel();
        let (go, held) = mpsc::channel();
        let mut photos = Photos::half_blocks().decoding_with(held_decode(started_tx, held));
        let area = Rect::new(0, 0, 8, 4);

        draw_once(&mut photos, (8, 4), area, &first);
        assert_eq!(started.recv_timeout(DECODE_WAIT).unwrap(), first);
        // the operator moves to another profile while the first photo is still decoding
        let buf = draw_once(&mut photos, (8, 4), area, &second);
        assert!(text(&buf).contains("loading"), "{}", text(&buf));
        go.send(()).unwrap();
        go.send(()).unwrap();
        assert!(photos.wait_for_decode(DECODE_WAIT));
        assert_eq!(started.try_iter().collect::<Vec<_>>(), vec![second.clone()]);

        // the first came back first, and was dropped, not drawn or kept
        assert!(!photos.cache.contains_key(&first));
        let buf = draw_once(&mut photos, (8, 4), area, &second);
        assert_eq!(buf[(2, 2)].fg, Color::Rgb(0, 0, 200));
        let buf = draw_once(&mut photos, (8, 4), area, &first);
        assert!(text(&buf).contains("loading"), "{}", text(&buf));
    }

    #[test]
    fn a_gallery_drawn_while_it_decodes_gets_every_photo_each_asked_once() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..4u8)
            .map(|i| {
                let p = dir.path().join(format!("{i}.png"));
                solid_png(&p, [40 * (i + 1), 0, 0]);
                p
            })
            .collect();
        let (started_tx, started) = mpsc::channel();
        let (go, held) = mpsc::channel();
        let mut photos = Photos::half_blocks().decoding_with(held_decode(started_tx, held));
        let items: Vec<(Rect, &Path)> = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (Rect::new(i as u16 * 8, 0, 8, 4), p.as_path()))
            .collect();
        let mut terminal = Terminal::new(TestBackend::new(32, 4)).unwrap();
        for _ in 0..paths.len() {
            terminal.draw(|f| photos.draw_all(f, &items)).unwrap();
            started.recv_timeout(DECODE_WAIT).expect("one decode begun");
            // frames drawn while it decodes (keys, another console) ask for nothing more
            terminal.draw(|f| photos.draw_all(f, &items)).unwrap();
            terminal.draw(|f| photos.draw_all(f, &items)).unwrap();
            go.send(()).unwrap();
            assert!(photos.wait_for_decode(DECODE_WAIT));
        }
        assert_eq!(photos.tickets, 4, "each photo asked for once");
        terminal.draw(|f| photos.draw_all(f, &items)).unwrap();
        let buf = terminal.backend().buffer();
        assert!(!text(buf).contains("loading"), "{}", text(buf));
        for i in 0..4u16 {
            assert_eq!(buf[(i * 8 + 4, 1)].fg, Color::Rgb(40 * (i as u8 + 1), 0, 0));
        }
    }

    #[test]
    fn a_decode_of_a_file_since_replaced_is_not_drawn() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.png");
        solid_png(&path, [200, 0, 0]);
        let (started_tx, started) = mpsc::channel();
        let (go, held) = mpsc::channel();
        let mut photos = Photos::half_blocks().decoding_with(held_decode(started_tx, held));
        let area = Rect::new(0, 0, 8, 4);

        draw_once(&mut photos, (8, 4), area, &path);
        assert_eq!(started.recv_timeout(DECODE_WAIT).unwrap(), path);
        // the decode is held before it reads the file: let it read the old one first
        go.send(()).unwrap();
        let old = photos
            .decoder
            .take_within(DECODE_WAIT)
            .expect("the old photo");
        // replaced (a new photo taken) before that result is taken in
        solid_png(&path, [0, 0, 200]);
        let later = SystemTime::now() + Duration::from_secs(5);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(later)
            .unwrap();
        draw_once(&mut photos, (8, 4), area, &path);
        photos.settle(old);
        let buf = draw_once(&mut photos, (8, 4), area, &path);
        assert!(text(&buf).contains("loading"), "{}", text(&buf));

        go.send(()).unwrap();
        assert!(photos.wait_for_decode(DECODE_WAIT));
        let buf = draw_once(&mut photos, (8, 4), area, &path);
        assert_eq!(buf[(2, 2)].fg, Color::Rgb(0, 0, 200));
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
