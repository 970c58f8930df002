//! What a key press costs on the wire: the bytes the console writes to the
//! terminal for the frame after a key, beside the cells that changed. The
//! console draws through ratatui's crossterm backend (as the binary does)
//! into a counter instead of a terminal, inside the synchronized update the
//! runtime wraps each frame in, on the generated 1,000-incident store at
//! 120×40 (the million-incident one with `WATCHROOM_BENCH_SIZES`).
//!
//! `cargo bench --bench bytes` prints one line a key; `-- --test` the same.

mod common;

use common::{ensure_store, key, open_console, sizes, themes, HEIGHT, WIDTH};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Bytes written, shared with the backend that writes them.
#[derive(Clone, Default)]
struct Counter(Arc<Mutex<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.0.lock().unwrap() += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn changed_cells(before: &Buffer, after: &Buffer) -> usize {
    before
        .content
        .iter()
        .zip(&after.content)
        .filter(|(a, b)| a != b)
        .count()
}

fn main() {
    let themes = themes();
    for size in sizes() {
        let path = ensure_store(size);
        let mut app = open_console(&path, &themes, "live");
        let counter = Counter::default();
        let backend = CrosstermBackend::new(counter.clone());
        let mut terminal = Terminal::with_options(
            backend,
            ratatui::TerminalOptions {
                viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT)),
            },
        )
        .expect("a terminal on the counter");
        let mut frame = |app: &watchroom::app::App| -> (usize, Buffer) {
            let before = *counter.0.lock().unwrap();
            crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate).unwrap();
            let drawn = terminal
                .draw(|f| watchroom::ui::draw(f, app, &themes))
                .expect("draw")
                .buffer
                .clone();
            crossterm::execute!(terminal.backend_mut(), EndSynchronizedUpdate).unwrap();
            (*counter.0.lock().unwrap() - before, drawn)
        };
        let (first, mut last) = frame(&app);
        println!(
            "bytes: {size} incidents, 120x40: first frame {first} bytes for {} cells",
            WIDTH as usize * HEIGHT as usize
        );
        for (what, code) in [
            ("j (next row)", KeyCode::Char('j')),
            ("j again", KeyCode::Char('j')),
            ("k (back up)", KeyCode::Char('k')),
            ("G (last row)", KeyCode::Char('G')),
            ("g (first row)", KeyCode::Char('g')),
            ("2 (the hits pane)", KeyCode::Char('2')),
            ("1 (the board again)", KeyCode::Char('1')),
        ] {
            app.handle_key(key(code));
            let (bytes, now) = frame(&app);
            let cells = changed_cells(&last, &now);
            println!(
                "bytes: {size} incidents: {what:<22} {bytes:>6} bytes written for {cells:>5} changed cells ({:.1} bytes a cell)",
                bytes as f64 / cells.max(1) as f64
            );
            assert!(cells == 0 || bytes > 0, "a changed frame writes something");
            last = now;
        }
    }
}
