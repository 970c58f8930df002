//! Printing a `Doc` as an A4 PDF (krilla draws lines; wrapping, page breaks
//! and photos are laid out here).
//!
//! Over 800 lines with its tests (the layout itself is about 650): the
//! tests print real PDFs and read them back, beside what they check.
//!
//! Two passes: every block is laid out into a list of draw operations per
//! page, then the pages are drawn, so each footer can say "page N of M".
//! Glyphs are placed with the advances skrifa measured (no shaping or
//! kerning), so a line is drawn exactly as wide as it was measured.
//!
//! One file on purpose: measuring, wrapping, page layout and drawing share
//! the same faces, styles and units, and must agree to the point; the code is
//! about 640 lines, the rest its tests (text read back from the PDF).

use std::sync::LazyLock;

use anyhow::{anyhow, Context};
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;
use skrifa::instance::{LocationRef, Size as EmSize};
use skrifa::{FontRef, MetadataProvider};

use crate::domain::document::{Block, Doc};

pub struct PdfMeta {
    /// The PDF's metadata title (what a viewer shows in its title bar).
    pub title: String,
    /// Printed at the foot of every page, left of "page N of M".
    pub footer: String,
}

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Content stops here; the footer sits in the bottom margin below it.
const BOTTOM: f32 = PAGE_H - MARGIN;
const FOOTER_BASELINE: f32 = PAGE_H - 34.0;
const LEADING: f32 = 1.35;
/// Liberation Sans' ascender, in ems: where a baseline sits below a line's top.
const ASCENT: f32 = 0.905;
const BULLET_INDENT: f32 = 14.0;
const PHOTO_W: f32 = 130.0;
const PHOTO_H: f32 = 170.0;
/// A photo is embedded with at most this many pixels a point of its drawn
/// size (216 dpi): ample for print, and no more of the original than that.
const PHOTO_PX_PER_PT: f32 = 3.0;

const BLACK: u8 = 0;
const GREY: u8 = 96;

/// One embedded font: krilla's handle for drawing, skrifa's for measuring.
struct Face {
    pdf: Font,
    sk: FontRef<'static>,
}

fn face(data: &'static [u8]) -> Face {
    // The fonts are compiled in, so failing to parse them is a build defect.
    Face {
        pdf: Font::new(data.into(), 0).expect("bundled font parses"),
        sk: FontRef::new(data).expect("bundled font parses"),
    }
}

static REGULAR: LazyLock<Face> = LazyLock::new(|| {
    face(include_bytes!(
        "../../assets/fonts/LiberationSans-Regular.ttf"
    ))
});
static BOLD: LazyLock<Face> =
    LazyLock::new(|| face(include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf")));

impl Face {
    /// Glyph id and advance in ems of each character; 0 (.notdef) if absent.
    fn glyphs<'a>(&'a self, text: &'a str) -> impl Iterator<Item = (GlyphId, f32)> + 'a {
        let cmap = self.sk.charmap();
        let metrics = self
            .sk
            .glyph_metrics(EmSize::new(1.0), LocationRef::default());
        text.chars().map(move |c| {
            let gid = cmap.map(c).unwrap_or_default();
            let advance = metrics.advance_width(gid).unwrap_or(0.0);
            (GlyphId::new(gid.to_u32()), advance)
        })
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        self.glyphs(text).map(|(_, a)| a).sum::<f32>() * size
    }

    /// Whether the font has a glyph for `c`.
    fn draws(&self, c: char) -> bool {
        self.sk.charmap().map(c).is_some()
    }

    /// Control characters and characters the font cannot draw become '?',
    /// so nothing turns into an invisible .notdef box.
    fn clean(&self, text: &str) -> String {
        let cmap = self.sk.charmap();
        text.chars()
            .map(|c| {
                if c.is_control() || cmap.map(c).is_none() {
                    '?'
                } else {
                    c
                }
            })
            .collect()
    }
}

/// Greedy word wrap of cleaned text to `width` points. Words are split on
/// plain spaces only (a no-break space keeps its words together); a word
/// longer than a line is broken between characters.
fn wrap(text: &str, face: &Face, size: f32, width: f32) -> Vec<String> {
    let space = face.width(" ", size);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = face.width(word, size);
        let joined = if line.is_empty() {
            w
        } else {
            line_w + space + w
        };
        if joined <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            line_w = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_w = 0.0;
        }
        if w <= width {
            line.push_str(word);
            line_w = w;
            continue;
        }
        for (c, (_, advance)) in word.chars().zip(face.glyphs(word)) {
            let cw = advance * size;
            if !line.is_empty() && line_w + cw > width {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            line.push(c);
            line_w += cw;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` cut short with "..." so that it fits in `width`.
fn fit(text: &str, face: &Face, size: f32, width: f32) -> String {
    if face.width(text, size) <= width {
        return text.to_string();
    }
    let mut out: String = text.to_string();
    while !out.is_empty() && face.width(&format!("{out}..."), size) > width {
        out.pop();
    }
    format!("{}...", out.trim_end())
}

#[derive(Clone, Copy)]
struct Style {
    size: f32,
    bold: bool,
    grey: u8,
    /// Space above and below; between two blocks the larger one applies.
    before: f32,
    after: f32,
}

impl Style {
    fn lead(&self) -> f32 {
        self.size * LEADING
    }
    fn face(&self) -> &'static Face {
        if self.bold {
            &BOLD
        } else {
            &REGULAR
        }
    }
}

#[rustfmt::skip]
mod styles {
    use super::{Style, BLACK, GREY};
    pub const TITLE: Style = Style { size: 18.0, bold: true, grey: BLACK, before: 12.0, after: 10.0 };
    pub const HEADING: Style = Style { size: 13.0, bold: true, grey: BLACK, before: 14.0, after: 4.0 };
    pub const SUBHEADING: Style = Style { size: 11.5, bold: true, grey: BLACK, before: 10.0, after: 3.0 };
    pub const PARA: Style = Style { size: 11.0, bold: false, grey: BLACK, before: 7.0, after: 7.0 };
    pub const BULLET: Style = Style { size: 11.0, bold: false, grey: BLACK, before: 7.0, after: 3.0 };
    pub const SMALL: Style = Style { size: 8.5, bold: false, grey: GREY, before: 5.0, after: 5.0 };
}
use styles::*;

enum Op {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: Image,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: u8,
    },
}

struct Layout {
    pages: Vec<Vec<Op>>,
    /// Top of the free space on the last page.
    y: f32,
    /// Space still owed below the last block.
    gap: f32,
    /// A page break was asked for; taken before the next thing drawn, so
    /// leading, repeated or trailing breaks never make an empty page.
    break_next: bool,
}

impl Layout {
    fn new() -> Self {
        Layout {
            pages: vec![Vec::new()],
            y: MARGIN,
            gap: 0.0,
            break_next: false,
        }
    }

    fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a page").push(op);
    }

    /// Room for something `h` high; it goes on a new page unless `need`
    /// (h, or more to keep it with what follows) fits here. Returns its top.
    fn reserve(&mut self, h: f32, need: f32) -> f32 {
        let empty = self.pages.last().is_none_or(Vec::is_empty);
        if !empty && (self.break_next || self.y + self.gap + need > BOTTOM) {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
        let top = if self.y <= MARGIN {
            MARGIN
        } else {
            self.y + self.gap
        };
        self.break_next = false;
        self.gap = 0.0;
        self.y = top + h;
        top
    }

    /// `keep`: height that must fit below this block's lines along with its
    /// first line (a heading kept with the start of the next block).
    fn text(&mut self, text: &str, style: Style, bullet: bool, keep: f32) {
        let face = style.face();
        let indent = if bullet { BULLET_INDENT } else { 0.0 };
        let lines = wrap(&face.clean(text), face, style.size, TEXT_W - indent);
        let lead = style.lead();
        self.gap = self.gap.max(style.before);
        let first = if keep > 0.0 {
            lead * lines.len() as f32 + keep
        } else {
            lead
        };
        for (i, line) in lines.into_iter().enumerate() {
            let top = self.reserve(lead, if i == 0 { first } else { lead });
            let y = top + (lead - style.size) / 2.0 + ASCENT * style.size;
            if bullet && i == 0 {
                self.push(Op::Text {
                    x: MARGIN,
                    y,
                    style,
                    text: "\u{2022}".into(),
                });
            }
            self.push(Op::Text {
                x: MARGIN + indent,
                y,
                style,
                text: line,
            });
        }
        self.gap = self.gap.max(style.after);
    }

    fn photo(&mut self, picture: Picture, caption: &str) {
        let h = picture.height();
        let caption = caption_lines(caption);
        let cap_h = caption_height(caption.len());
        self.gap = self.gap.max(PARA.before);
        let top = self.reserve(h + cap_h, h + cap_h);
        match picture {
            Picture::Image { image, w, h } => self.push(Op::Image {
                x: MARGIN,
                y: top,
                w,
                h,
                image,
            }),
            missing => {
                let w = PHOTO_W;
                self.push(Op::Rect {
                    x: MARGIN,
                    y: top,
                    w,
                    h,
                    grey: 232,
                });
                let text = if matches!(missing, Picture::None) {
                    "No photo on file"
                } else {
                    "Photo could not be read"
                };
                let style = Style {
                    size: 9.0,
                    grey: 80,
                    ..PARA
                };
                let x = MARGIN + (w - REGULAR.width(text, style.size)) / 2.0;
                self.push(Op::Text {
                    x,
                    y: top + h / 2.0 + 3.0,
                    style,
                    text: text.into(),
                });
            }
        }
        for (i, line) in caption.into_iter().enumerate() {
            let y = top + h + 3.0 + i as f32 * SMALL.lead() + ASCENT * SMALL.size;
            self.push(Op::Text {
                x: MARGIN,
                y,
                style: SMALL,
                text: line,
            });
        }
        self.gap = PARA.after;
    }
}

/// A photo's caption, wrapped to the text width.
fn caption_lines(caption: &str) -> Vec<String> {
    wrap(&REGULAR.clean(caption), &REGULAR, SMALL.size, TEXT_W)
}

/// Height of a caption of `lines` lines below its photo.
fn caption_height(lines: usize) -> f32 {
    if lines == 0 {
        0.0
    } else {
        3.0 + lines as f32 * SMALL.lead()
    }
}

/// A photo block's picture, loaded before the layout so that a heading kept
/// with it knows how tall it will be drawn.
enum Picture {
    /// The block names no file.
    None,
    /// The file is missing, not a JPEG or PNG, or damaged.
    Unreadable,
    /// Drawn `w` by `h` points.
    Image { image: Image, w: f32, h: f32 },
}

impl Picture {
    fn load(path: Option<&str>) -> Self {
        match path.map(load_photo) {
            None => Picture::None,
            Some(None) => Picture::Unreadable,
            Some(Some((image, w, h))) => Picture::Image { image, w, h },
        }
    }

    /// Drawn height in points; the box that says why there is no photo is
    /// the full PHOTO_H.
    fn height(&self) -> f32 {
        match self {
            Picture::Image { h, .. } => *h,
            _ => PHOTO_H,
        }
    }
}

/// A JPEG or PNG, known by its first bytes, with the size it is drawn at in
/// points, or None if it cannot be used.
///
/// The file's own bytes never reach the PDF: it is decoded, scaled down to
/// at most PHOTO_PX_PER_PT pixels a point of its drawn size, flattened onto
/// white, and encoded afresh as a PNG. So no EXIF, XMP or comment (a GPS
/// position, a camera serial, a CCTV caption) and no more resolution than
/// print needs go into a document handed to members.
fn load_photo(path: &str) -> Option<(Image, f32, f32)> {
    let bytes = std::fs::read(path).ok()?;
    let format = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        image::ImageFormat::Jpeg
    } else if bytes.starts_with(b"\x89PNG") {
        image::ImageFormat::Png
    } else {
        return None;
    };
    let decoded = image::load_from_memory_with_format(&bytes, format).ok()?;
    drop(bytes);
    let (pw, ph) = (decoded.width(), decoded.height());
    if pw == 0 || ph == 0 {
        return None;
    }
    // The drawn size comes from the original, so scaling cannot change it.
    let scale = (PHOTO_W / pw as f32).min(PHOTO_H / ph as f32);
    let (w, h) = (pw as f32 * scale, ph as f32 * scale);
    let (max_w, max_h) = (
        (PHOTO_W * PHOTO_PX_PER_PT) as u32,
        (PHOTO_H * PHOTO_PX_PER_PT) as u32,
    );
    let decoded = if pw > max_w || ph > max_h {
        decoded.resize(max_w, max_h, image::imageops::FilterType::Triangle)
    } else {
        decoded
    };
    let rgb = if decoded.color().has_alpha() {
        let rgba = decoded.to_rgba8();
        image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
            let [r, g, b, a] = rgba.get_pixel(x, y).0;
            let a = u32::from(a);
            let over_white = |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            image::Rgb([over_white(r), over_white(g), over_white(b)])
        })
    } else {
        decoded.to_rgb8()
    };
    let mut png = Vec::new();
    rgb.write_with_encoder(image::codecs::png::PngEncoder::new(&mut png))
        .ok()?;
    // krilla decodes this when the PDF is written; being our own PNG of a
    // picture already decoded, it cannot fail the document there.
    let image = Image::from_png(png.into(), true).ok()?;
    Some((image, w, h))
}

/// A style with its type and spacing made `k` times the size.
fn scaled(s: Style, k: f32) -> Style {
    Style {
        size: s.size * k,
        before: s.before * k,
        after: s.after * k,
        ..s
    }
}

/// The style a block's text is printed in (a photo's is its caption's),
/// at `k` times its size.
fn block_style(block: &Block, k: f32) -> Option<Style> {
    Some(scaled(
        match block {
            Block::Title(_) => TITLE,
            Block::Heading(_) => HEADING,
            Block::Subheading(_) => SUBHEADING,
            Block::Para(_) | Block::Lines(_) => PARA,
            Block::Bullet(_) => BULLET,
            Block::Small(_) => SMALL,
            Block::Photo { .. } => SMALL,
            Block::PageBreak => return None,
        },
        k,
    ))
}

/// Height a block needs for its first line, to keep a heading above it. A
/// photo is placed whole with its caption, so it needs all of that;
/// `photo_h` is its drawn height.
fn first_need(next: Option<&Block>, photo_h: f32, after: f32, k: f32) -> f32 {
    match next {
        Some(Block::Photo { caption, .. }) => {
            let cap_h = caption_height(caption_lines(caption).len());
            after.max(PARA.before * k) + photo_h + cap_h
        }
        Some(block) => match block_style(block, k) {
            Some(style) => after.max(style.before) + style.lead(),
            None => 0.0,
        },
        None => 0.0,
    }
}

/// The pages, and how many of them come before the first page break (the
/// front of a notice), with the text at `k` times its size.
fn lay_out_at(doc: &Doc, k: f32) -> (Vec<Vec<Op>>, Option<usize>) {
    let mut layout = Layout::new();
    let mut front = None;
    let mut pictures: Vec<Option<Picture>> = doc
        .blocks
        .iter()
        .map(|block| match block {
            Block::Photo { path, .. } => Some(Picture::load(path.as_deref())),
            _ => None,
        })
        .collect();
    for (i, block) in doc.blocks.iter().enumerate() {
        let next = doc.blocks.get(i + 1);
        let photo_h = pictures
            .get(i + 1)
            .and_then(Option::as_ref)
            .map_or(PHOTO_H, Picture::height);
        let keep = |after| first_need(next, photo_h, after, k);
        let (title, heading, sub) = (scaled(TITLE, k), scaled(HEADING, k), scaled(SUBHEADING, k));
        match block {
            Block::Title(t) => layout.text(t, title, false, keep(title.after)),
            Block::Heading(t) => layout.text(t, heading, false, keep(heading.after)),
            Block::Subheading(t) => layout.text(t, sub, false, keep(sub.after)),
            Block::Para(t) => layout.text(t, scaled(PARA, k), false, 0.0),
            Block::Lines(lines) => {
                // one under another: the block's space above the first and
                // below the last, none between
                let para = scaled(PARA, k);
                for (n, line) in lines.iter().enumerate() {
                    let style = Style {
                        before: if n == 0 { para.before } else { 0.0 },
                        after: if n + 1 == lines.len() {
                            para.after
                        } else {
                            0.0
                        },
                        ..para
                    };
                    layout.text(line, style, false, 0.0);
                }
            }
            Block::Bullet(t) => layout.text(t, scaled(BULLET, k), true, 0.0),
            Block::Small(t) => layout.text(t, scaled(SMALL, k), false, 0.0),
            Block::Photo { caption, .. } => {
                let picture = pictures[i].take().unwrap_or(Picture::None);
                layout.photo(picture, caption)
            }
            Block::PageBreak => {
                front.get_or_insert(layout.pages.len());
                layout.break_next = true
            }
        }
    }
    (layout.pages, front)
}

/// How far the type of a notice's front may shrink so that it stays one
/// side with its back (the privacy notice) on the other; below this it is
/// kept at full size and runs on.
const SMALLEST: f32 = 0.75;

/// The pages. A document with a back (a page break) whose front runs past
/// one page has its type made smaller, a step at a time, until the front
/// fits one side: a notice is two sides, printed back to back.
fn lay_out(doc: &Doc) -> Vec<Vec<Op>> {
    let (pages, front) = lay_out_at(doc, 1.0);
    if front.is_none_or(|n| n <= 1) {
        return pages;
    }
    let mut k = 0.95;
    while k >= SMALLEST - 0.001 {
        let (smaller, front) = lay_out_at(doc, k);
        if front.is_some_and(|n| n <= 1) {
            return smaller;
        }
        k -= 0.05;
    }
    pages
}

/// The characters of the document's text and captions that its font cannot
/// draw, and so are printed as '?': each once, in the order they first
/// appear. Control characters are left out (they are cleaned elsewhere).
/// Each block is checked against the face it is printed in.
pub fn unprintable(doc: &Doc) -> Vec<char> {
    let mut out = Vec::new();
    for block in &doc.blocks {
        let joined: String;
        let text = match block {
            Block::Title(t)
            | Block::Heading(t)
            | Block::Subheading(t)
            | Block::Para(t)
            | Block::Bullet(t)
            | Block::Small(t) => t,
            Block::Photo { caption, .. } => caption,
            Block::Lines(lines) => {
                joined = lines.join(" ");
                &joined
            }
            Block::PageBreak => continue,
        };
        let face = block_style(block, 1.0).map_or(&*REGULAR, |style| style.face());
        for c in text.chars() {
            if !c.is_control() && !face.draws(c) && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

fn set_grey(surface: &mut Surface, grey: u8) {
    surface.set_fill(Some(Fill {
        paint: luma::Color::new(grey).into(),
        ..Fill::default()
    }));
}

fn draw_text(surface: &mut Surface, x: f32, y: f32, style: Style, text: &str) {
    let face = style.face();
    let mut start = 0;
    let glyphs: Vec<KrillaGlyph> = text
        .chars()
        .zip(face.glyphs(text))
        .map(|(c, (gid, advance))| {
            let range = start..start + c.len_utf8();
            start = range.end;
            KrillaGlyph::new(gid, advance, 0.0, 0.0, 0.0, range, None)
        })
        .collect();
    set_grey(surface, style.grey);
    surface.draw_glyphs(
        Point::from_xy(x, y),
        &glyphs,
        face.pdf.clone(),
        text,
        style.size,
        false,
    );
}

fn draw(surface: &mut Surface, op: &Op) {
    match op {
        Op::Text { x, y, style, text } => draw_text(surface, *x, *y, *style, text),
        Op::Image { x, y, w, h, image } => {
            if let Some(size) = Size::from_wh(*w, *h) {
                surface.push_transform(&Transform::from_translate(*x, *y));
                surface.draw_image(image.clone(), size);
                surface.pop();
            }
        }
        Op::Rect { x, y, w, h, grey } => {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                set_grey(surface, *grey);
                surface.draw_path(&path);
            }
        }
    }
}

/// Lay out and draw the document; every page carries `footer` and "page N of M".
pub fn render(doc: &Doc, meta: &PdfMeta) -> anyhow::Result<Vec<u8>> {
    render_pages(&lay_out(doc), meta)
}

fn render_pages(pages: &[Vec<Op>], meta: &PdfMeta) -> anyhow::Result<Vec<u8>> {
    let mut document = Document::new();
    // No creation date: the same document gives the same bytes.
    document.set_metadata(Metadata::new().title(REGULAR.clean(&meta.title)));
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).context("A4 page size")?;
    let count = pages.len();
    for (n, ops) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, op);
        }
        let number = format!("page {} of {count}", n + 1);
        let number_w = REGULAR.width(&number, SMALL.size);
        let x = PAGE_W - MARGIN - number_w;
        draw_text(&mut surface, x, FOOTER_BASELINE, SMALL, &number);
        let room = TEXT_W - number_w - 12.0;
        let footer = fit(&REGULAR.clean(&meta.footer), &REGULAR, SMALL.size, room);
        draw_text(&mut surface, MARGIN, FOOTER_BASELINE, SMALL, &footer);
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| anyhow!("could not write the PDF: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> PdfMeta {
        PdfMeta {
            title: "Exclusion notice".into(),
            footer: "Town Centre BCRP".into(),
        }
    }

    fn doc(blocks: Vec<Block>) -> Doc {
        Doc { blocks }
    }

    /// The PDF read back: its pages' text, whitespace collapsed.
    fn read(bytes: &[u8]) -> (lopdf::Document, Vec<String>) {
        let pdf = lopdf::Document::load_mem(bytes).expect("a PDF lopdf can read");
        let texts = pdf
            .get_pages()
            .keys()
            .map(|n| {
                let text = pdf.extract_text(&[*n]).expect("text");
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect();
        (pdf, texts)
    }

    #[test]
    fn a_short_document_is_one_a4_page_with_its_footer() {
        let d = doc(vec![
            Block::Title("Exclusion notice".into()),
            Block::Heading("What this means".into()),
            Block::Para("You may not enter the premises of any member.".into()),
            Block::Bullet("High Street".into()),
            Block::Small("Issued under the scheme's rules.".into()),
        ]);
        let bytes = render(&d, &meta()).unwrap();
        let (pdf, texts) = read(&bytes);
        assert_eq!(texts.len(), 1);
        let page_id = pdf.get_pages()[&1];
        let media = pdf
            .get_dictionary(page_id)
            .unwrap()
            .get(b"MediaBox")
            .unwrap();
        let media: Vec<f32> = media
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_float().unwrap())
            .collect();
        assert_eq!(media.len(), 4);
        assert!((media[2] - media[0] - 595.28).abs() < 0.01, "{media:?}");
        assert!((media[3] - media[1] - 841.89).abs() < 0.01, "{media:?}");
        let t = &texts[0];
        for want in [
            "Exclusion notice",
            "What this means",
            "You may not enter the premises of any member.",
            "High Street",
            "Issued under the scheme's rules.",
            "Town Centre BCRP",
            "page 1 of 1",
        ] {
            assert!(t.contains(want), "{want:?} missing from {t:?}");
        }
        let info = pdf
            .trailer
            .get(b"Info")
            .and_then(|i| i.as_reference())
            .unwrap();
        let title = pdf.get_dictionary(info).unwrap().get(b"Title").unwrap();
        assert_eq!(title.as_str().unwrap(), b"Exclusion notice");
    }

    #[test]
    fn a_front_a_little_too_long_is_set_smaller_to_stay_one_side_with_its_back() {
        let lines = |n: usize| -> Vec<Block> {
            (0..n)
                .map(|i| Block::Bullet(format!("premises line {i} of the notice")))
                .collect()
        };
        // a page and a fifth of lines at full size, then the back
        let mut blocks = lines(40);
        blocks.push(Block::PageBreak);
        blocks.push(Block::Para("How we use your information".into()));
        let (_, texts) = read(&render(&doc(blocks), &meta()).unwrap());
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts[0].contains("premises line 39"));
        assert!(texts[1].contains("How we use your information"));
        // with no back, a long document runs on at full size
        let (_, texts) = read(&render(&doc(lines(40)), &meta()).unwrap());
        assert_eq!(texts.len(), 2);
        // far too long to shrink onto one side: full size, on as many pages as it takes
        let mut blocks = lines(150);
        blocks.push(Block::PageBreak);
        blocks.push(Block::Para("back".into()));
        let (_, texts) = read(&render(&doc(blocks), &meta()).unwrap());
        assert!(texts.len() >= 4, "{}", texts.len());
    }

    #[test]
    fn a_page_break_starts_a_new_page_but_never_an_empty_one() {
        let d = doc(vec![
            Block::PageBreak,
            Block::Para("Front of the notice.".into()),
            Block::PageBreak,
            Block::PageBreak,
            Block::Para("Back of the notice.".into()),
            Block::PageBreak,
        ]);
        let (_, texts) = read(&render(&d, &meta()).unwrap());
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts[0].contains("Front of the notice.") && texts[0].contains("page 1 of 2"));
        assert!(!texts[0].contains("Back"));
        assert!(texts[1].contains("Back of the notice.") && texts[1].contains("page 2 of 2"));
        assert!(!texts[1].contains("Front"));
    }

    #[test]
    fn a_long_paragraph_flows_over_pages_without_losing_a_word() {
        let para: Vec<String> = (0..400)
            .map(|i| format!("Sentence number {i} about the shop."))
            .collect();
        let d = doc(vec![
            Block::Title("Long".into()),
            Block::Para(para.join(" ")),
        ]);
        let (_, texts) = read(&render(&d, &meta()).unwrap());
        let n = texts.len();
        assert!(n >= 3, "{n} pages");
        assert!(texts[2].contains(&format!("page 3 of {n}")));
        // Each page ends with its footer; without them the text reads on.
        let body: Vec<&str> = texts
            .iter()
            .enumerate()
            .map(|(k, t)| {
                let footer = format!(" page {} of {n} Town Centre BCRP", k + 1);
                t.strip_suffix(&footer).expect("footer last")
            })
            .collect();
        let all = body.join(" ");
        for i in 0..400 {
            assert!(
                all.contains(&format!("Sentence number {i} about the shop.")),
                "sentence {i}"
            );
        }
    }

    #[test]
    fn a_heading_is_not_left_alone_at_the_foot_of_a_page() {
        // Lists of every length that brings the heading near the foot of page 1.
        let mut moved = 0;
        for n in 30..45 {
            let mut blocks: Vec<Block> =
                (0..n).map(|i| Block::Bullet(format!("Item {i}"))).collect();
            blocks.push(Block::Heading("Conditions".into()));
            blocks.push(Block::Para("You must leave when asked.".into()));
            let pages = lay_out(&doc(blocks));
            let on = |want: &str| {
                pages
                    .iter()
                    .position(|p| {
                        p.iter()
                            .any(|op| matches!(op, Op::Text { text, .. } if text == want))
                    })
                    .unwrap()
            };
            let heading = on("Conditions");
            assert_eq!(heading, on("You must leave when asked."), "after {n} items");
            if heading > on(&format!("Item {}", n - 1)) {
                moved += 1;
            }
        }
        assert!(moved > 0, "some heading went over to page 2");
    }

    #[test]
    fn photos_are_drawn_or_replaced_by_a_box_that_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("face.png");
        image::RgbImage::from_pixel(40, 60, image::Rgb([200, 120, 40]))
            .save(&png)
            .unwrap();
        let good = std::fs::read(&png).unwrap();
        // A PNG header with the pixel data cut off: krilla would only find
        // out when writing the PDF.
        let broken = dir.path().join("broken.png");
        std::fs::write(&broken, &good[..good.len() / 2]).unwrap();
        let text = dir.path().join("notes.png");
        std::fs::write(&text, "not an image").unwrap();
        let photo = |p: &std::path::Path| Block::Photo {
            path: Some(p.to_string_lossy().into_owned()),
            caption: "Jay Red".into(),
        };

        // A wide JPEG is limited by the box's width, the tall PNG by its height.
        let jpg = dir.path().join("wide.jpg");
        image::RgbImage::from_pixel(260, 100, image::Rgb([90, 90, 90]))
            .save(&jpg)
            .unwrap();
        for (file, want) in [
            (&png, (PHOTO_H * 40.0 / 60.0, PHOTO_H)),
            (&jpg, (PHOTO_W, 50.0)),
        ] {
            let pages = lay_out(&doc(vec![photo(file)]));
            let image = pages[0].iter().find_map(|op| match op {
                Op::Image { w, h, .. } => Some((*w, *h)),
                _ => None,
            });
            let (w, h) = image.expect("the photo is drawn");
            assert!(
                (w - want.0).abs() < 0.01 && (h - want.1).abs() < 0.01,
                "{w}x{h}"
            );
            let (_, texts) = read(&render(&doc(vec![photo(file)]), &meta()).unwrap());
            assert!(texts[0].contains("Jay Red") && !texts[0].contains("hoto"));
        }

        let d = doc(vec![
            Block::Photo {
                path: None,
                caption: "No One".into(),
            },
            Block::PageBreak,
            photo(&dir.path().join("gone.jpg")),
            Block::PageBreak,
            photo(&broken),
            Block::PageBreak,
            photo(&text),
        ]);
        let (_, texts) = read(&render(&d, &meta()).unwrap());
        assert_eq!(texts.len(), 4);
        assert!(texts[0].contains("No photo on file") && texts[0].contains("No One"));
        for t in &texts[1..] {
            assert!(
                t.contains("Photo could not be read") && t.contains("Jay Red"),
                "{t}"
            );
        }
    }

    #[test]
    fn no_wrapped_line_is_wider_than_the_text() {
        let long_word = "x".repeat(300);
        let text = format!(
            "The quick brown fox jumps over the lazy dog {long_word} and then WWWWWWWW \
             runs through the Market Place Arcade, past number 1234567890 on the corner."
        );
        for face in [&*REGULAR, &*BOLD] {
            for (size, width) in [(11.0, TEXT_W), (18.0, TEXT_W), (8.5, 100.0), (11.0, 40.0)] {
                let lines = wrap(&text, face, size, width);
                assert!(lines.len() > 1);
                for line in &lines {
                    assert!(
                        face.width(line, size) <= width + 1e-3,
                        "{line:?} at {size}pt"
                    );
                }
                // Nothing is lost but the spaces the lines were broken at.
                let strip = |s: &str| s.replace(' ', "");
                assert_eq!(strip(&lines.concat()), strip(&text));
            }
        }
        assert_eq!(wrap("", &REGULAR, 11.0, TEXT_W), Vec::<String>::new());
        assert_eq!(
            wrap("  two   words ", &REGULAR, 11.0, TEXT_W),
            vec!["two words"]
        );
    }

    #[test]
    fn characters_that_cannot_be_drawn_become_question_marks() {
        assert_eq!(REGULAR.clean("a\u{7}b\tc \u{1F600} é • £"), "a?b?c ? é • £");
        let d = doc(vec![Block::Para("Smile \u{1F600}\u{1b}[31m please".into())]);
        let (_, texts) = read(&render(&d, &meta()).unwrap());
        assert!(texts[0].contains("Smile ??[31m please"), "{}", texts[0]);
    }

    #[test]
    fn the_same_document_gives_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("face.png");
        image::RgbImage::new(40, 60).save(&png).unwrap();
        let d = doc(vec![
            Block::Title("Warning letter".into()),
            Block::Para("Dear Jay, ".repeat(200)),
            Block::Photo {
                path: Some(png.to_string_lossy().into_owned()),
                caption: "Jay".into(),
            },
        ]);
        let a = render(&d, &meta()).unwrap();
        let b = render(&d, &meta()).unwrap();
        assert!(a.starts_with(b"%PDF-"));
        assert!(a == b, "two renders differ");
    }

    /// Every image XObject in the PDF: its width, height and filter.
    fn images(pdf: &lopdf::Document) -> Vec<(i64, i64, String, &lopdf::Stream)> {
        pdf.objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(|t| t.as_name())
                    .is_ok_and(|t| t == b"Image")
            })
            .map(|s| {
                let int = |k: &[u8]| s.dict.get(k).and_then(|v| v.as_i64()).unwrap();
                let filter = s
                    .dict
                    .get(b"Filter")
                    .map(|f| format!("{f:?}"))
                    .unwrap_or_default();
                (int(b"Width"), int(b"Height"), filter, s)
            })
            .collect()
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    /// A JPEG segment: marker, big-endian length counting itself, body.
    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, marker];
        out.extend(u16::try_from(body.len() + 2).unwrap().to_be_bytes());
        out.extend(body);
        out
    }

    #[test]
    fn a_photo_goes_into_the_pdf_without_its_metadata() {
        let img = image::RgbImage::from_fn(64, 48, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 5) as u8, 128])
        });
        let mut plain = Vec::new();
        img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut plain))
            .unwrap();
        assert_eq!(plain[..2], [0xFF, 0xD8]);
        let serial: &[u8] = b"SECRET-CAMERA-SERIAL-123";
        let gps: &[u8] = b"SECRET-GPS-51.5072N-0.1276W";
        // "Exif\0\0", then a big-endian TIFF header with an empty first IFD.
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0".to_vec();
        exif.extend(gps);
        let mut jpeg = plain[..2].to_vec();
        jpeg.extend(segment(0xFE, serial));
        jpeg.extend(segment(0xE1, &exif));
        jpeg.extend(&plain[2..]);
        assert!(contains(&jpeg, serial) && contains(&jpeg, gps));
        let back = image::load_from_memory(&jpeg).expect("still a JPEG");
        assert_eq!((back.width(), back.height()), (64, 48));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cctv.jpg");
        std::fs::write(&path, &jpeg).unwrap();
        let d = doc(vec![Block::Photo {
            path: Some(path.to_string_lossy().into_owned()),
            caption: "Jay Red".into(),
        }]);
        let bytes = render(&d, &meta()).unwrap();
        let (pdf, texts) = read(&bytes);
        assert!(texts[0].contains("Jay Red") && !texts[0].contains("hoto"));
        // Not in the file, nor in any stream once decompressed.
        let mut streams = vec![bytes.clone()];
        streams.extend(
            pdf.objects
                .values()
                .filter_map(|o| o.as_stream().ok())
                .filter_map(|s| s.decompressed_content().ok()),
        );
        for data in &streams {
            for secret in [serial, gps, b"Exif".as_slice()] {
                assert!(
                    !contains(data, secret),
                    "{}",
                    String::from_utf8_lossy(secret)
                );
            }
        }
        // The JPEG was not embedded as it is.
        assert!(!contains(&bytes, b"/DCTDecode"));
        let images = images(&pdf);
        assert_eq!(images.len(), 1);
        let (w, h, filter, _) = &images[0];
        assert_eq!((*w, *h), (64, 48));
        assert!(!filter.contains("DCT"), "{filter}");
    }

    #[test]
    fn a_transparent_photo_is_flattened_onto_white() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut-out.png");
        let mut img = image::RgbaImage::new(2, 1);
        img.put_pixel(1, 0, image::Rgba([200, 10, 10, 255]));
        img.save(&path).unwrap();
        let d = doc(vec![Block::Photo {
            path: Some(path.to_string_lossy().into_owned()),
            caption: String::new(),
        }]);
        let bytes = render(&d, &meta()).unwrap();
        let (pdf, _) = read(&bytes);
        let images = images(&pdf);
        assert_eq!(images.len(), 1, "one image and no soft mask");
        let (_, _, _, stream) = images[0];
        assert!(stream.dict.get(b"SMask").is_err());
        assert_eq!(
            stream.decompressed_content().unwrap(),
            [255, 255, 255, 200, 10, 10]
        );
    }

    #[test]
    fn a_large_photo_is_embedded_at_print_resolution_and_drawn_the_same_size() {
        let (pw, ph) = (4000, 3000);
        // Grain, so the original does not compress to almost nothing.
        let img = image::RgbImage::from_fn(pw, ph, |x, y| {
            let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).rotate_left(13) % 64;
            let v = ((x / 24 + y / 18) / 2 + n) as u8;
            image::Rgb([v, v / 2 + 40, 200 - v / 2])
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jpg");
        img.save(&path).unwrap();
        drop(img);
        let original = std::fs::metadata(&path).unwrap().len();
        // Embedded as it is, it alone would break the limit below.
        assert!(original > 2_000_000, "{original} bytes");

        let d = doc(vec![Block::Photo {
            path: Some(path.to_string_lossy().into_owned()),
            caption: "Jay Red".into(),
        }]);
        let pages = lay_out(&d);
        let drawn = pages[0].iter().find_map(|op| match op {
            Op::Image { w, h, .. } => Some((*w, *h)),
            _ => None,
        });
        let (w, h) = drawn.expect("the photo is drawn");
        assert!(
            (w - PHOTO_W).abs() < 0.01 && (h - PHOTO_W * 0.75).abs() < 0.01,
            "{w}x{h}"
        );

        let bytes = render_pages(&pages, &meta()).unwrap();
        assert!(bytes.len() < 1_500_000, "{} bytes", bytes.len());
        let (pdf, _) = read(&bytes);
        let images = images(&pdf);
        assert_eq!(images.len(), 1);
        let (iw, ih, _, _) = images[0];
        // 3 pixels a point of the drawn size, the aspect kept.
        assert_eq!(iw, 390);
        assert!((292..=293).contains(&ih), "{iw}x{ih}");
    }

    #[test]
    fn characters_the_font_cannot_draw_are_reported_once_each() {
        let printable = doc(vec![
            Block::Title("Zoë Łukasz".into()),
            Block::Heading("Zoë Łukasz".into()),
            Block::Para("Zoë Łukasz, Ахмед, £5 • “quoted” – café".into()),
            Block::Photo {
                path: None,
                caption: "Zoë Łukasz\tÅsa Ørsted".into(),
            },
            Block::PageBreak,
        ]);
        assert_eq!(unprintable(&printable), Vec::<char>::new());

        let d = doc(vec![
            Block::Para("Zoë Łukasz".into()),
            Block::Heading("李雷".into()),
            Block::Bullet("Ахмед \u{1F600}".into()),
            Block::Small("\u{7}\u{1b}[31m".into()),
            Block::Photo {
                path: None,
                caption: "雷 \u{1F600} 李".into(),
            },
        ]);
        let missing = unprintable(&d);
        assert_eq!(missing, vec!['李', '雷', '\u{1F600}']);
        // Exactly what printing turns into '?'.
        for c in missing {
            assert_eq!(REGULAR.clean(&c.to_string()), "?");
            assert_eq!(BOLD.clean(&c.to_string()), "?");
        }
    }

    #[test]
    fn a_heading_is_not_left_alone_at_the_foot_of_a_page_above_a_photo() {
        let dir = tempfile::tempdir().unwrap();
        let wide = dir.path().join("wide.png");
        image::RgbImage::from_pixel(260, 100, image::Rgb([90, 90, 90]))
            .save(&wide)
            .unwrap();
        let wide = Some(wide.to_string_lossy().into_owned());
        let long = "Jay Red, seen at the Market Place Arcade on the afternoon of 3 May \
                    taking goods from the stall by the north entrance without paying";
        assert_eq!(caption_lines(long).len(), 2);
        // A missing photo's full-height box, the same with a two-line
        // caption, and a wide photo drawn only 50 points high.
        let variants = [(None, "Jay Red"), (None, long), (wide, "Jay Red")];
        let mut moved = vec![Vec::new(); variants.len()];
        for (v, (path, caption)) in variants.iter().enumerate() {
            // Lists of every length that brings the heading near the foot
            // of page 1, with a line or two of small print to shift it less
            // than one item does.
            for n in 14..34 {
                for small in 0..3 {
                    let mut blocks: Vec<Block> =
                        (0..n).map(|i| Block::Bullet(format!("Item {i}"))).collect();
                    blocks.extend((0..small).map(|_| Block::Small("Note".into())));
                    blocks.push(Block::Heading("Seen in town".into()));
                    blocks.push(Block::Photo {
                        path: path.clone(),
                        caption: caption.to_string(),
                    });
                    let pages = lay_out(&doc(blocks));
                    let on = |want: &str| {
                        pages
                            .iter()
                            .position(|p| {
                                p.iter()
                                    .any(|op| matches!(op, Op::Text { text, .. } if text == want))
                            })
                            .unwrap()
                    };
                    let heading = on("Seen in town");
                    for line in caption_lines(caption) {
                        assert_eq!(heading, on(&line), "variant {v}, {n} items, {small} notes");
                    }
                    if heading > on(&format!("Item {}", n - 1)) {
                        moved[v].push((n, small));
                    }
                }
            }
            assert!(!moved[v].is_empty(), "variant {v}: some heading went over");
            assert!(moved[v].len() < 60, "variant {v}: some heading stayed");
        }
        // The wide photo's heading goes over only when the photo as drawn
        // does not fit, not whenever a full-height box would not.
        assert!(moved[2].len() < moved[0].len());
        assert!(moved[2].iter().all(|m| moved[0].contains(m)));
    }
}
