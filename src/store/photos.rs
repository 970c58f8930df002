//! Photos of people on the register, and the store's copies of them.
//!
//! A photo given by path (the console's form, `create_offender`,
//! `update_offender`, `set_offender_photo`) is checked — a plain file, a
//! JPEG or PNG by its first bytes, at most [`MAX_PHOTO_BYTES`] — and copied
//! into the store's photo folder, `photos/` beside the store file (made
//! owner-only on first use), under a name the store chooses:
//! `offender-<id>-<first 12 hex digits of its SHA-256>.<png|jpg>`, never
//! the name it was given. The copy is written owner-only under a temporary
//! name before the transaction, and renamed into place inside the
//! transaction that records it, so a record never names half a file and a
//! refused save leaves no copy behind. The store records the copy's full
//! path; the file given is left where it was, as the operator's own.
//!
//! Replacing or clearing a photo deletes the store's old copy once no
//! record uses it (a merged record can share its person's), and only if it
//! is inside the photo folder (see `store/folders.rs`). A path already on a
//! record is kept as it is when the record is saved without changing it:
//! an older store may name photos anywhere, and those are never the
//! store's to delete.

use super::{Result, Store, StoreError};
use crate::domain::text::clean;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The largest photo the store takes: a CCTV still or a phone photo is a
/// few MB at most; anything bigger is not what the profile and the
/// documents are for, and is refused rather than copied.
pub const MAX_PHOTO_BYTES: u64 = 20 * 1024 * 1024;

/// The image formats a photo may be in (the ones the profile and the PDF can draw).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Png,
    Jpeg,
}

impl PhotoFormat {
    pub fn label(self) -> &'static str {
        match self {
            PhotoFormat::Png => "PNG",
            PhotoFormat::Jpeg => "JPEG",
        }
    }

    /// The file name ending of a copy.
    pub fn ext(self) -> &'static str {
        match self {
            PhotoFormat::Png => "png",
            PhotoFormat::Jpeg => "jpg",
        }
    }
}

/// The format, by the first bytes.
fn format_of(head: &[u8]) -> Option<PhotoFormat> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(PhotoFormat::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PhotoFormat::Png)
    } else {
        None
    }
}

/// A path as a message quotes it: cleaned, whatever its bytes.
fn shown(path: &Path) -> String {
    clean(&path.display().to_string()).into_owned()
}

fn too_big(what: &str, len: u64) -> String {
    format!(
        "photo: {what} is {:.1} MB; a photo may be at most {} MB",
        len as f64 / (1024.0 * 1024.0),
        MAX_PHOTO_BYTES / (1024 * 1024)
    )
}

/// Open a photo file after checking what it is: missing, a folder, not a
/// plain file (a device, a pipe: never opened), too big, unreadable or not
/// a JPEG or PNG are refused, each saying so.
fn open(path: &Path) -> Result<(std::fs::File, PhotoFormat), String> {
    let p = shown(path);
    // a link to a still is a still: what counts is what it leads to
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("photo: there is no file at {p}"),
        _ => format!("photo: cannot read {p}: {e}"),
    })?;
    if meta.is_dir() {
        return Err(format!("photo: {p} is a folder, not an image"));
    }
    if !meta.is_file() {
        return Err(format!("photo: {p} is not a file"));
    }
    if meta.len() > MAX_PHOTO_BYTES {
        return Err(too_big(&p, meta.len()));
    }
    let mut f = std::fs::File::open(path).map_err(|e| format!("photo: cannot read {p}: {e}"))?;
    let mut head = [0u8; 16];
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("photo: cannot read {p}: {e}")),
        }
    }
    let format =
        format_of(&head[..n]).ok_or_else(|| format!("photo: {p} is not a JPEG or PNG image"))?;
    Ok((f, format))
}

/// Refuse a photo that is missing, not a plain file, too big, unreadable
/// or not a JPEG or PNG (the message quotes the path, cleaned).
pub fn check(path: &Path) -> Result<PhotoFormat, String> {
    open(path).map(|(_, format)| format)
}

/// The whole of a photo file, checked.
pub fn read(path: &Path) -> Result<(Vec<u8>, PhotoFormat), String> {
    let (mut f, _) = open(path)?;
    let p = shown(path);
    let mut bytes = vec![];
    f.rewind()
        .and_then(|_| f.take(MAX_PHOTO_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("photo: cannot read {p}: {e}"))?;
    // read again whole: it may have changed since it was looked at
    let format = check_bytes(&bytes, &p)?;
    Ok((bytes, format))
}

/// Refuse bytes that are too many or not a JPEG or PNG.
fn check_bytes(bytes: &[u8], what: &str) -> Result<PhotoFormat, String> {
    if bytes.len() as u64 > MAX_PHOTO_BYTES {
        return Err(too_big(what, bytes.len() as u64));
    }
    format_of(bytes).ok_or_else(|| format!("photo: {what} is not a JPEG or PNG image"))
}

/// The photo folder, made owner-only if it is new, by its real path.
fn photo_folder(folder: &Path) -> Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    let cannot = |e: std::io::Error| {
        StoreError::Invalid(format!(
            "photo: cannot make the photo folder {}: {e}",
            shown(folder)
        ))
    };
    match std::fs::DirBuilder::new().mode(0o700).create(folder) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && folder.is_dir() => {}
        Err(e) => return Err(cannot(e)),
    }
    let real = folder.canonicalize().map_err(cannot)?;
    if real.to_str().is_none() {
        return Err(StoreError::Invalid(format!(
            "photo: the photo folder {} has a name that is not text: move the store to a folder whose name is",
            shown(folder)
        )));
    }
    Ok(real)
}

/// A photo checked and written under a temporary name in the photo folder,
/// waiting for the record that will name it. Dropped unplaced, the
/// temporary file goes.
pub(crate) struct Incoming {
    folder: PathBuf,
    temp: Option<PathBuf>,
    hash: String,
    format: PhotoFormat,
    /// The copy this save renamed into place, to take back if the save
    /// fails (not when a copy of the same bytes was already there).
    placed: Option<PathBuf>,
}

impl Incoming {
    fn new(folder: &Path, bytes: &[u8], format: PhotoFormat) -> Result<Incoming> {
        use sha2::{Digest, Sha256};
        use std::os::unix::fs::OpenOptionsExt;
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let folder = photo_folder(folder)?;
        let digest = Sha256::digest(bytes);
        let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        let temp = folder.join(format!(
            ".incoming-{}-{}.part",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let cannot = |e: std::io::Error| {
            StoreError::Invalid(format!(
                "photo: cannot write in the photo folder {}: {e}",
                shown(&folder)
            ))
        };
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)
            .map_err(cannot)?;
        if let Err(e) = f.write_all(bytes).and_then(|_| f.sync_all()) {
            let _ = std::fs::remove_file(&temp);
            return Err(cannot(e));
        }
        Ok(Incoming {
            folder,
            temp: Some(temp),
            hash,
            format,
            placed: None,
        })
    }

    /// Rename the copy into place as record `id`'s photo (inside the
    /// transaction that records it); the path to record.
    pub(crate) fn place(&mut self, id: i64) -> Result<String> {
        let name = format!("offender-{id}-{}.{}", self.hash, self.format.ext());
        let dest = self.folder.join(name);
        let Some(temp) = self.temp.take() else {
            return Err(StoreError::Invalid(
                "photo: the copy was already placed".into(),
            ));
        };
        // the same person's same photo again: the same name, the same bytes
        let there = dest.symlink_metadata().is_ok();
        if let Err(e) = std::fs::rename(&temp, &dest) {
            let _ = std::fs::remove_file(&temp);
            return Err(StoreError::Invalid(format!(
                "photo: cannot write {}: {e}",
                shown(&dest)
            )));
        }
        if !there {
            self.placed = Some(dest.clone());
        }
        Ok(dest
            .to_str()
            .expect("the folder's name was checked to be text; the file's is ASCII")
            .to_string())
    }

    /// The save that was to record it failed: take the copy back.
    fn undo(mut self) {
        if let Some(p) = self.placed.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if let Some(t) = self.temp.take() {
            let _ = std::fs::remove_file(t);
        }
    }
}

/// Keep the copy if the save that placed it went through; take it back if not.
pub(crate) fn settle<T>(result: Result<T>, photo: Option<Incoming>) -> Result<T> {
    if result.is_err() {
        if let Some(p) = photo {
            p.undo();
        }
    }
    result
}

impl Store {
    /// The copy a save brings in: none when the record keeps the photo it
    /// has (`given` is `current`) or has none. Checked and written before
    /// anything is saved, so a bad file saves nothing.
    pub(crate) fn incoming_photo(&self, current: &str, given: &str) -> Result<Option<Incoming>> {
        if given.is_empty() || given == current {
            return Ok(None);
        }
        let (bytes, format) = read(Path::new(given)).map_err(StoreError::Invalid)?;
        Incoming::new(&self.photo_folder(), &bytes, format).map(Some)
    }

    /// A photo given as bytes (the demo's synthetic stills), checked as a file would be.
    pub(crate) fn incoming_photo_bytes(&self, bytes: &[u8]) -> Result<Incoming> {
        let format = check_bytes(bytes, "the image given").map_err(StoreError::Invalid)?;
        Incoming::new(&self.photo_folder(), bytes, format)
    }

    /// After a save that replaced or cleared the photo `old`: delete the
    /// store's copy once no record uses it. A path outside the photo folder
    /// is never the store's, and is left where it is.
    pub(crate) fn release_photo(&self, old: &str) {
        if old.is_empty() {
            return;
        }
        let used = self
            .conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM offenders WHERE photo_path = ?1)",
                [old],
                |r| r.get::<_, bool>(0),
            )
            .unwrap_or(true);
        if used {
            return;
        }
        match super::folders::remove_inside(Path::new(old), &[self.photo_folder()]) {
            super::folders::Removal::Failed(e) => {
                tracing::warn!(error = %e, "the replaced photo's copy could not be deleted")
            }
            super::folders::Removal::NotOurs(why) => {
                tracing::info!(
                    why,
                    "a replaced photo outside the photo folder was left where it is"
                )
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("still.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n0000").unwrap();
        assert_eq!(check(&png), Ok(PhotoFormat::Png));
        let jpeg = dir.path().join("still.jpeg");
        std::fs::write(&jpeg, b"\xFF\xD8\xFF\xE0rest").unwrap();
        assert_eq!(check(&jpeg), Ok(PhotoFormat::Jpeg));
        let txt = dir.path().join("still.jpg");
        std::fs::write(&txt, "not really a jpeg").unwrap();
        assert!(check(&txt).unwrap_err().contains("not a JPEG or PNG image"));
        let empty = dir.path().join("empty.png");
        std::fs::write(&empty, "").unwrap();
        assert!(check(&empty)
            .unwrap_err()
            .contains("not a JPEG or PNG image"));
        assert!(check(&dir.path().join("gone.png"))
            .unwrap_err()
            .contains("no file"));
        assert!(check(dir.path()).unwrap_err().contains("folder"));
        // a device is not opened, let alone read
        assert!(check(Path::new("/dev/zero"))
            .unwrap_err()
            .contains("not a file"));
    }

    #[test]
    fn a_huge_file_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.png");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_PHOTO_BYTES + 1).unwrap();
        let e = check(&big).unwrap_err();
        assert!(e.contains("at most 20 MB"), "{e}");
    }

    #[test]
    fn a_path_is_quoted_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let e = check(&dir.path().join("x\x1b[2Jy.png")).unwrap_err();
        assert!(!e.contains('\x1b'), "{e:?}");
    }
}
