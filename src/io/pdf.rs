//! Printing a `Doc` as an A4 PDF (krilla draws lines; wrapping, page breaks
//! and photos are laid out here).
//!
//! Two passes: every block is laid out into a list of draw operations per
//! page, then the pages are drawn, so each footer can say "page N of M".
//! Glyphs are placed with the advances skrifa measured (no shaping or
//! kerning), so a line is drawn exactly as wide as it was measured.

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

    fn photo(&mut self, path: Option<&str>, caption: &str) {
        let image = path.map(load_photo);
        let (w, h) = match &image {
            Some(Some(img)) => {
                let (pw, ph) = img.size();
                let scale = (PHOTO_W / pw as f32).min(PHOTO_H / ph as f32);
                (pw as f32 * scale, ph as f32 * scale)
            }
            _ => (PHOTO_W, PHOTO_H),
        };
        let caption = wrap(&REGULAR.clean(caption), &REGULAR, SMALL.size, TEXT_W);
        let cap_h = if caption.is_empty() {
            0.0
        } else {
            3.0 + caption.len() as f32 * SMALL.lead()
        };
        self.gap = self.gap.max(PARA.before);
        let top = self.reserve(h + cap_h, h + cap_h);
        match image {
            Some(Some(image)) => self.push(Op::Image {
                x: MARGIN,
                y: top,
                w,
                h,
                image,
            }),
            missing => {
                self.push(Op::Rect {
                    x: MARGIN,
                    y: top,
                    w,
                    h,
                    grey: 232,
                });
                let text = if missing.is_none() {
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

/// A JPEG or PNG, known by its first bytes, or None if it cannot be used.
fn load_photo(path: &str) -> Option<Image> {
    let bytes = std::fs::read(path).ok()?;
    let format = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        image::ImageFormat::Jpeg
    } else if bytes.starts_with(b"\x89PNG") {
        image::ImageFormat::Png
    } else {
        return None;
    };
    // krilla reads only the header now and decodes when the PDF is written,
    // where a damaged file would fail the whole document: decode it first.
    let decoded = image::load_from_memory_with_format(&bytes, format).ok()?;
    if decoded.width() == 0 || decoded.height() == 0 {
        return None;
    }
    let image = match format {
        image::ImageFormat::Jpeg => Image::from_jpeg(bytes.into(), true),
        _ => Image::from_png(bytes.into(), true),
    };
    image.ok()
}

/// Height a block needs for its first line, to keep a heading above it.
fn first_need(next: Option<&Block>, after: f32) -> f32 {
    let style = match next {
        Some(Block::Title(_)) => TITLE,
        Some(Block::Heading(_)) => HEADING,
        Some(Block::Subheading(_)) => SUBHEADING,
        Some(Block::Para(_)) => PARA,
        Some(Block::Bullet(_)) => BULLET,
        Some(Block::Small(_)) => SMALL,
        Some(Block::Photo { .. }) => return after.max(PARA.before) + PHOTO_H,
        Some(Block::PageBreak) | None => return 0.0,
    };
    after.max(style.before) + style.lead()
}

fn lay_out(doc: &Doc) -> Vec<Vec<Op>> {
    let mut layout = Layout::new();
    for (i, block) in doc.blocks.iter().enumerate() {
        let next = doc.blocks.get(i + 1);
        match block {
            Block::Title(t) => layout.text(t, TITLE, false, first_need(next, TITLE.after)),
            Block::Heading(t) => layout.text(t, HEADING, false, first_need(next, HEADING.after)),
            Block::Subheading(t) => {
                layout.text(t, SUBHEADING, false, first_need(next, SUBHEADING.after))
            }
            Block::Para(t) => layout.text(t, PARA, false, 0.0),
            Block::Bullet(t) => layout.text(t, BULLET, true, 0.0),
            Block::Small(t) => layout.text(t, SMALL, false, 0.0),
            Block::Photo { path, caption } => layout.photo(path.as_deref(), caption),
            Block::PageBreak => layout.break_next = true,
        }
    }
    layout.pages
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
    let pages = lay_out(doc);
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
}
