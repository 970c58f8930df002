//! Reading a photo file into something the profile can draw, on a thread of its own: a large
//! JPEG takes tens of milliseconds to decode (far more in a debug build), and the draw runs on
//! the loop that also reads keys and applies other consoles' changes.
//!
//! The widget sends a [`Request`] for the photo it wants and draws a placeholder meanwhile; the
//! worker decodes it, builds and encodes its ratatui-image protocol for the area it will fill,
//! sends back a [`Decoded`] and calls the wake-up, so the console draws again without waiting
//! for a key. Only the newest request is wanted: the worker skips any queued behind it, and the
//! widget drops a result whose ticket is not the one it waits for.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::SystemTime;

use image::{DynamicImage, ImageError, ImageFormat, ImageReader, Limits};
use ratatui::layout::Size;
use ratatui_image::picker::Picker;
use ratatui_image::protocol::halfblocks::Halfblocks;
use ratatui_image::protocol::{StatefulProtocol, StatefulProtocolType};
use ratatui_image::{FilterType, FontSize, ResizeEncodeRender};

/// The cell size half-blocks pretend to have: only its 1:2 shape matters.
const HALF_BLOCK_CELL: FontSize = FontSize::new(10, 20);
/// A photo's longer side is scaled down to this once loaded: plenty for a profile pane,
/// and it keeps the cache and every re-fit small.
const KEEP_SIDE: u32 = 512;
/// Bigger images than this are refused: even off the loop, one would hold the decoder (and
/// hundreds of megabytes) for seconds while the photo the operator turns to next waits.
const MAX_SIDE: u32 = 10_000;
const MAX_DECODE_BYTES: u64 = 200 * 1024 * 1024;

/// What a file looked like when it was loaded: a change means load it again.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

/// Why a photo is not drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Problem {
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
    pub(super) fn message(&self, path: &Path) -> String {
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

/// How a photo is fitted into its area, on both sides of the thread.
pub(super) fn resize() -> ratatui_image::Resize {
    ratatui_image::Resize::Scale(Some(FilterType::Triangle))
}

/// The size the photo takes inside `area`: its own shape, at least one cell, never more.
pub(super) fn fitted(protocol: &StatefulProtocol, area: Size) -> Size {
    let fitted = protocol.size_for(resize(), area);
    Size::new(
        fitted.width.clamp(1, area.width.max(1)),
        fitted.height.clamp(1, area.height.max(1)),
    )
}

/// One photo wanted, with everything the worker needs to make it drawable.
pub(super) struct Request {
    pub ticket: u64,
    pub path: PathBuf,
    /// `None` for half-blocks. The protocol is built on the worker: the picker is plain data
    /// (the protocol and the cell size measured once at start-up, never the terminal itself),
    /// and building hashes every pixel and the first encoding resizes the whole image.
    pub picker: Option<Picker>,
    /// The area the photo is drawn in, so that the first encoding is made here too.
    pub area: Size,
}

/// What came of a request.
pub(super) struct Decoded {
    pub ticket: u64,
    pub photo: Result<StatefulProtocol, Problem>,
}

pub(super) type Wake = Arc<dyn Fn() + Send + Sync>;
pub(super) type DecodeFn = Arc<dyn Fn(&Path) -> Result<DynamicImage, Problem> + Send + Sync>;

/// The decoding thread, started at the first request.
pub(super) struct Decoder {
    pub decode: DecodeFn,
    pub wake: Wake,
    running: Option<Running>,
}

struct Running {
    requests: Sender<Request>,
    results: Receiver<Decoded>,
    thread: JoinHandle<()>,
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder {
            decode: Arc::new(decode),
            wake: Arc::new(|| {}),
            running: None,
        }
    }

    /// Queue a request; it never waits.
    pub fn request(&mut self, request: Request) {
        if self.running.is_none() {
            let (requests, queue) = channel();
            let (done, results) = channel();
            let (decode, wake) = (self.decode.clone(), self.wake.clone());
            let thread = std::thread::Builder::new()
                .name("photo decoder".into())
                .spawn(move || serve(queue, done, decode, wake))
                .expect("a thread for decoding photos");
            self.running = Some(Running {
                requests,
                results,
                thread,
            });
        }
        let sent = self.running.as_ref().map(|r| r.requests.send(request));
        if let Some(Err(_)) = sent {
            self.stopped();
        }
    }

    /// A result that has come back, if any; it never waits.
    pub fn try_take(&mut self) -> Option<Decoded> {
        match self.running.as_ref()?.results.try_recv() {
            Ok(done) => Some(done),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                self.stopped();
                None
            }
        }
    }

    /// A result, waiting at most `timeout` for one (tests).
    #[cfg(test)]
    pub fn take_within(&mut self, timeout: std::time::Duration) -> Option<Decoded> {
        use std::sync::mpsc::RecvTimeoutError;
        match self.running.as_ref()?.results.recv_timeout(timeout) {
            Ok(done) => Some(done),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => {
                self.stopped();
                None
            }
        }
    }

    /// The thread ends early only by panicking. The panic hook has then already put the
    /// terminal back, so the panic goes on here, on the loop, and the console closes as it
    /// did when photos were decoded on the loop, instead of drawing on in a cooked terminal.
    fn stopped(&mut self) {
        if let Some(running) = self.running.take() {
            if let Err(panic) = running.thread.join() {
                std::panic::resume_unwind(panic);
            }
        }
    }
}

fn serve(requests: Receiver<Request>, results: Sender<Decoded>, decode: DecodeFn, wake: Wake) {
    while let Ok(mut request) = requests.recv() {
        // only the newest is still wanted: the widget would drop the others' results
        while let Ok(newer) = requests.try_recv() {
            request = newer;
        }
        let photo = decode(&request.path)
            .and_then(|image| prepare(image, request.picker.as_ref(), request.area));
        let done = Decoded {
            ticket: request.ticket,
            photo,
        };
        if results.send(done).is_err() {
            return; // the widget has gone
        }
        wake();
    }
}

/// The protocol for `image`, already encoded for `area`, so the draw that first shows it only
/// copies what was made here (it encodes again only if the area has changed since).
fn prepare(
    image: DynamicImage,
    picker: Option<&Picker>,
    area: Size,
) -> Result<StatefulProtocol, Problem> {
    let mut protocol = match picker {
        Some(picker) => picker.new_resize_protocol(image),
        None => StatefulProtocol::new(
            image,
            HALF_BLOCK_CELL,
            None,
            StatefulProtocolType::Halfblocks(Halfblocks::default()),
        ),
    };
    let target = fitted(&protocol, area);
    if let Some(size) = protocol.needs_resize(&resize(), target) {
        protocol.resize_encode(&resize(), size);
    }
    match protocol.last_encoding_result() {
        Some(Err(_)) => Err(Problem::CannotDraw),
        _ => Ok(protocol),
    }
}

pub(super) fn stamp(path: &Path) -> Result<Stamp, Problem> {
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
pub(super) fn decode(path: &Path) -> Result<DynamicImage, Problem> {
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
