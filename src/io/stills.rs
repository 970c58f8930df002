//! Synthetic CCTV stills for the demo town, so the demo's profiles have photos without
//! shipping anyone's real face: a grey, grainy frame with a head-and-shoulders silhouette
//! and a camera/timestamp bar, all made from a seed.

use std::path::Path;

use image::codecs::png::PngEncoder;
use image::{GrayImage, ImageEncoder, Luma};

/// Width of a still in pixels.
pub const WIDTH: u32 = 96;
/// Height of a still in pixels.
pub const HEIGHT: u32 = 128;

/// Height of the black camera/timestamp bar across the top.
const BAR: u32 = 9;

/// Write a still for `seed` to `path` as a 96×128 greyscale PNG, creating its folders.
/// The same seed always gives the same bytes.
pub fn write_still(path: &Path, seed: u64) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, png(seed)?)
}

/// The still for `seed`, encoded as PNG (the same seed, the same bytes).
pub fn png(seed: u64) -> std::io::Result<Vec<u8>> {
    let frame = still(seed);
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(
            frame.as_raw(),
            frame.width(),
            frame.height(),
            image::ExtendedColorType::L8,
        )
        .map_err(std::io::Error::other)?;
    Ok(bytes)
}

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// A fraction in `0.0..1.0`.
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// What a person in the frame looks like, chosen by the seed.
struct Figure {
    head_x: f32,
    head_y: f32,
    head_rx: f32,
    head_ry: f32,
    shoulder_y: f32,
    body_rx: f32,
    skin: f32,
    clothes: f32,
    headwear: Headwear,
    /// Which side the light comes from: -1 left, 1 right.
    light: f32,
}

#[derive(Clone, Copy, PartialEq)]
enum Headwear {
    None,
    Cap,
    Hood,
}

/// How much of a pixel lies inside an ellipse, with a soft (slightly out-of-focus) edge.
fn inside(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32) -> f32 {
    let dx = (x - cx) / rx;
    let dy = (y - cy) / ry;
    let d = dx * dx + dy * dy;
    ((1.08 - d) / 0.16).clamp(0.0, 1.0)
}

fn mix(under: f32, over: f32, amount: f32) -> f32 {
    under + (over - under) * amount
}

/// Draw the still for `seed`.
fn still(seed: u64) -> GrayImage {
    let mut rng = Rng(seed ^ 0x5743_5456_5354_494C); // "WCTVSTIL": keeps seed 0 interesting
    let wall = rng.range(85, 140) as f32;
    let door_x = if rng.next().is_multiple_of(2) {
        rng.range(4, 18)
    } else {
        rng.range(72, 86)
    } as f32;
    let door_w = rng.range(6, 12) as f32;
    let door_shade = rng.range(-30, 25) as f32;
    let headwear = match rng.next() % 3 {
        0 => Headwear::None,
        1 => Headwear::Cap,
        _ => Headwear::Hood,
    };
    let figure = Figure {
        head_x: 48.0 + rng.range(-9, 9) as f32,
        head_y: 56.0 + rng.range(-5, 6) as f32,
        head_rx: rng.range(13, 18) as f32,
        head_ry: rng.range(16, 21) as f32,
        shoulder_y: 0.0,
        body_rx: rng.range(32, 44) as f32,
        skin: rng.range(60, 185) as f32,
        clothes: if rng.next().is_multiple_of(3) {
            rng.range(140, 190) as f32
        } else {
            rng.range(22, 70) as f32
        },
        headwear,
        light: if rng.next().is_multiple_of(2) {
            -1.0
        } else {
            1.0
        },
    };
    let figure = Figure {
        shoulder_y: figure.head_y + figure.head_ry + rng.range(4, 9) as f32,
        ..figure
    };

    let mut frame = GrayImage::new(WIDTH, HEIGHT);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let mut v = scene(fx, fy, wall, door_x, door_w, door_shade);
            v = person(v, fx, fy, &figure);

            // Overhead light falls off towards the corners.
            let (cx, cy) = (fx / WIDTH as f32 - 0.5, fy / HEIGHT as f32 - 0.45);
            v *= 1.0 - 0.9 * (cx * cx + cy * cy);
            // Interlaced scan lines and sensor grain.
            if y % 2 == 1 {
                v -= 6.0;
            }
            v += (rng.unit() - 0.5) * 26.0;
            frame.put_pixel(x, y, Luma([v.round().clamp(0.0, 255.0) as u8]));
        }
    }
    stamp(&mut frame, &mut rng);
    frame
}

/// The room behind the person: a lit wall with a door frame on one side.
fn scene(x: f32, y: f32, wall: f32, door_x: f32, door_w: f32, door_shade: f32) -> f32 {
    let mut v = wall + 28.0 * (1.0 - y / HEIGHT as f32);
    if x >= door_x && x < door_x + door_w {
        v += door_shade;
    }
    if (x - door_x).abs() < 1.0 || (x - door_x - door_w).abs() < 1.0 {
        v -= 22.0; // the frame's edges
    }
    v
}

/// The head and shoulders over the background value `v`.
fn person(v: f32, x: f32, y: f32, p: &Figure) -> f32 {
    let side = (x - p.head_x) / p.head_rx * p.light; // -1 shadowed side .. 1 lit side

    // Shoulders: the top of a wide ellipse rising from the bottom of the frame.
    let body_cy = p.shoulder_y + 48.0;
    let body = if y >= p.shoulder_y - 2.0 {
        inside(x, y, p.head_x, body_cy, p.body_rx, 50.0)
    } else {
        0.0
    };
    let mut v = mix(v, p.clothes + 10.0 * side.clamp(-1.0, 1.0), body);

    // Neck.
    let neck_w = p.head_rx * 0.55;
    if p.headwear != Headwear::Hood
        && (x - p.head_x).abs() < neck_w
        && y > p.head_y
        && y < p.shoulder_y + 4.0
    {
        v = mix(v, p.skin * 0.8, 0.9);
    }

    // Head, lit from one side.
    let face = p.skin + 18.0 * side.clamp(-1.0, 1.0);
    match p.headwear {
        Headwear::Hood => {
            // The hood runs down into the shoulders.
            let hood = inside(
                x,
                y,
                p.head_x,
                p.head_y + 3.0,
                p.head_rx + 5.0,
                p.head_ry + 8.0,
            );
            let drape = if y > p.head_y && y < p.shoulder_y + 8.0 {
                let half = p.head_rx + 4.0 + (y - p.head_y) * 0.25;
                ((half - (x - p.head_x).abs()) / 2.0).clamp(0.0, 1.0)
            } else {
                0.0
            };
            v = mix(v, p.clothes + 6.0, hood.max(drape));
            let opening = inside(
                x,
                y,
                p.head_x,
                p.head_y + 5.0,
                p.head_rx * 0.72,
                p.head_ry * 0.8,
            );
            // The face sits in the hood's shadow.
            v = mix(v, face * 0.7, opening);
        }
        Headwear::Cap | Headwear::None => {
            v = mix(
                v,
                face,
                inside(x, y, p.head_x, p.head_y, p.head_rx, p.head_ry),
            );
            let hair_line = p.head_y - p.head_ry * 0.45;
            if y < hair_line {
                let top = inside(x, y, p.head_x, p.head_y, p.head_rx + 1.0, p.head_ry + 1.0);
                let tone = if p.headwear == Headwear::Cap {
                    p.clothes * 0.8
                } else {
                    p.skin * 0.35
                };
                v = mix(v, tone, top);
            }
            if p.headwear == Headwear::Cap {
                // The peak, pointing a little towards the light.
                let peak_y = hair_line + 1.0;
                let peak_x = p.head_x + p.light * 5.0;
                if (y - peak_y).abs() < 2.0 && (x - peak_x).abs() < p.head_rx + 3.0 {
                    v = mix(v, p.clothes * 0.6, 0.9);
                }
            }
        }
    }
    v
}

/// The black bar across the top with the camera number and a date and time, in a 3×5 font.
fn stamp(frame: &mut GrayImage, rng: &mut Rng) {
    for y in 0..BAR {
        for x in 0..WIDTH {
            frame.put_pixel(x, y, Luma([14]));
        }
    }
    let text = format!(
        "CAM{:02} {:02}-{:02} {:02}:{:02}:{:02}",
        rng.range(1, 24),
        rng.range(1, 12),
        rng.range(1, 28),
        rng.range(0, 23),
        rng.range(0, 59),
        rng.range(0, 59),
    );
    let mut left = 3;
    for ch in text.chars() {
        for (row, bits) in glyph(ch).iter().enumerate() {
            for col in 0..3 {
                if bits & (0b100 >> col) != 0 {
                    let (x, y) = (left + col, 2 + row as u32);
                    if x < WIDTH {
                        frame.put_pixel(x, y, Luma([225]));
                    }
                }
            }
        }
        left += 4;
    }
}

/// Rows of a 3×5 glyph, three bits each, high bit on the left.
fn glyph(ch: char) -> [u8; 5] {
    match ch {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b010, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '-' => [0b000, 0b000, 0b111, 0b000, 0b000],
        ':' => [0b000, 0b010, 0b000, 0b010, 0b000],
        'C' => [0b111, 0b100, 0b100, 0b100, 0b111],
        'A' => [0b010, 0b101, 0b111, 0b101, 0b101],
        'M' => [0b101, 0b111, 0b111, 0b101, 0b101],
        _ => [0; 5],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(path: &Path) -> image::DynamicImage {
        image::ImageReader::open(path)
            .unwrap()
            .with_guessed_format()
            .unwrap()
            .decode()
            .unwrap()
    }

    #[test]
    fn a_still_is_a_96_by_128_png_in_a_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo/photos/p1.png");
        write_still(&path, 1).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let img = decode(&path);
        assert_eq!((img.width(), img.height()), (96, 128));
        // Not a flat frame: the bar is dark, the picture has a range of greys.
        let grey = img.to_luma8();
        assert!(grey.get_pixel(1, 1)[0] < 40, "the timestamp bar is dark");
        let (lo, hi) = grey
            .pixels()
            .skip((WIDTH * BAR) as usize)
            .fold((255u8, 0u8), |(lo, hi), p| (lo.min(p[0]), hi.max(p[0])));
        assert!(hi - lo > 80, "too flat: {lo}..{hi}");
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_others_differ() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.png");
        let b = dir.path().join("b.png");
        let c = dir.path().join("c.png");
        write_still(&a, 42).unwrap();
        write_still(&b, 42).unwrap();
        write_still(&c, 43).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert_ne!(
            decode(&a).to_luma8().into_raw(),
            decode(&c).to_luma8().into_raw()
        );
    }

    #[test]
    fn seeds_vary_the_silhouette_not_just_the_grain() {
        // The middle of the frame (where the person stands), averaged over blocks so the
        // grain cancels out, differs between seeds.
        let blocks = |seed: u64| -> Vec<u32> {
            let img = still(seed);
            let mut out = Vec::new();
            for by in (BAR..HEIGHT).step_by(8) {
                for bx in (0..WIDTH).step_by(8) {
                    let mut sum = 0u32;
                    for y in by..(by + 8).min(HEIGHT) {
                        for x in bx..bx + 8 {
                            sum += u32::from(img.get_pixel(x, y)[0]);
                        }
                    }
                    out.push(sum / 64);
                }
            }
            out
        };
        let first = blocks(7);
        let different = (8..20)
            .filter(|&s| {
                let other = blocks(s);
                first
                    .iter()
                    .zip(&other)
                    .filter(|(a, b)| a.abs_diff(**b) > 20)
                    .count()
                    > 10
            })
            .count();
        assert!(
            different >= 10,
            "only {different} of 12 seeds looked different"
        );
    }
}
