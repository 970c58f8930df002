//! A profile photo decoded off the loop: what the draw costs while the photo is decoded, and
//! how long until it is ready to draw (what one draw used to block for, keys included).
//!
//! Each round makes a fresh half-block `Photos` (an empty cache) and, on a 120×40 test terminal
//! with the profile's 20×12 photo area, times: the first draw (it asks the decoder and draws
//! "loading photo…"), the wait from that draw until the decoder's wake-up, and the draw that
//! then shows the photo. Photos: a 4000×3000 JPEG (a phone camera's) and a 640×480 one (a CCTV
//! still), both made at the start in a temporary folder.
//!
//! `cargo bench --bench photo` for figures (20 rounds each); `-- --test` runs 2.

use image::codecs::jpeg::JpegEncoder;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use watchroom::ui::widgets::photo::Photos;

fn rounds() -> usize {
    if std::env::args().any(|a| a == "--test") {
        2
    } else {
        20
    }
}

/// A JPEG with detail everywhere (a gradient with a fine pattern), so it decodes as a photo
/// does rather than as flat colour.
fn make_jpeg(path: &Path, w: u32, h: u32) {
    let image = image::RgbImage::from_fn(w, h, |x, y| {
        let grain = ((x * 7 + y * 13) % 31) as u8 * 4;
        image::Rgb([
            (x * 255 / w) as u8 ^ grain,
            (y * 255 / h) as u8,
            grain.wrapping_add(64),
        ])
    });
    let file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    JpegEncoder::new_with_quality(file, 85)
        .encode_image(&image)
        .expect("encode");
}

/// Draw the photo once; whether the frame shows it (rather than the placeholder or a problem).
fn draw(terminal: &mut Terminal<TestBackend>, photos: &mut Photos, path: &Path) -> bool {
    let area = Rect::new(90, 2, 20, 12);
    terminal.draw(|f| photos.draw(f, area, path)).expect("draw");
    let buf = terminal.backend().buffer();
    (area.top()..area.bottom())
        .any(|y| (area.left()..area.right()).any(|x| matches!(buf[(x, y)].symbol(), "▀" | "▄")))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bench(label: &str, path: &Path) {
    let (mut first, mut ready, mut shown) = (vec![], vec![], vec![]);
    for _ in 0..rounds() {
        let (woken, wake) = mpsc::channel();
        let mut photos = Photos::half_blocks().waking(move || {
            let _ = woken.send(Instant::now());
        });
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        let asked = Instant::now();
        assert!(!draw(&mut terminal, &mut photos, path), "drawn at once");
        first.push(asked.elapsed());
        let at = wake
            .recv_timeout(Duration::from_secs(60))
            .expect("the decoder wakes the console");
        ready.push(at - asked);
        let started = Instant::now();
        assert!(draw(&mut terminal, &mut photos, path), "the photo is drawn");
        shown.push(started.elapsed());
    }
    println!(
        "bench: photo/{label}: first draw (placeholder) {:.3} ms, asked to ready {:.1} ms (max {:.1}), draw that shows it {:.3} ms (medians of {})",
        ms(median(first)),
        ms(median(ready.clone())),
        ms(ready.iter().copied().max().unwrap_or_default()),
        ms(median(shown)),
        rounds(),
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (label, (w, h)) in [
        ("4000x3000_jpeg", (4000, 3000)),
        ("640x480_jpeg", (640, 480)),
    ] {
        let path = dir.path().join(format!("{label}.jpg"));
        make_jpeg(&path, w, h);
        bench(label, &path);
    }
}
