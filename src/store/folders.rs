//! The scheme's own folders beside the store file, and the one way a file
//! the store names is ever deleted.
//!
//! `photos/` holds the store's copies of the photos given to it (see
//! `store/photos.rs`); `documents/` the notices, letters and bulletins made
//! without `--out`. Retention and a replaced photo delete a file only when
//! it is a plain file whose real path lies inside one of these. Anything
//! else the store names — a photo recorded before photos were copied in, a
//! document written with `--out` to a folder of the manager's choosing, a
//! path edited into the store file, a link inside a folder pointing out of
//! it — is never deleted: the caller is told, and a person decides.
//!
//! Limits: the check is made on the path as it stands when deleting. A link
//! is never followed (deleting a link would remove only the link, and a link
//! is refused anyway); someone who can swap one of these owner-only folders
//! for a link between the check and the deletion can already delete the
//! files themselves.

use std::path::{Path, PathBuf};

/// The folder of the store's photo copies, beside the store file.
pub const PHOTOS: &str = "photos";
/// The folder documents are written into unless `--out` says otherwise.
pub const DOCUMENTS: &str = "documents";

/// A folder beside the store file.
pub fn beside(store: &Path, name: &str) -> PathBuf {
    store
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(name)
}

/// What became of a file the store asked to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    Deleted,
    /// Not there (already deleted, or moved by hand).
    Gone,
    /// Left alone: not one of the scheme's files; the reason, in words.
    NotOurs(&'static str),
    /// It should have gone and would not (the error, in words).
    Failed(String),
}

/// Delete `file` if it is a plain file (not a link, not a folder) whose
/// real path lies inside one of `folders`; leave anything else alone.
pub fn remove_inside(file: &Path, folders: &[PathBuf]) -> Removal {
    let meta = match std::fs::symlink_metadata(file) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Removal::Gone,
        Err(e) => return Removal::Failed(e.to_string()),
    };
    if meta.file_type().is_symlink() {
        return Removal::NotOurs("a link, not one of the scheme's files");
    }
    if !meta.is_file() {
        return Removal::NotOurs("not a file");
    }
    let Ok(real) = file.canonicalize() else {
        return Removal::NotOurs("outside the scheme's folders");
    };
    let inside = folders
        .iter()
        .filter_map(|d| d.canonicalize().ok())
        .any(|d| real.starts_with(&d) && real != d);
    if !inside {
        return Removal::NotOurs("outside the scheme's folders");
    }
    match std::fs::remove_file(&real) {
        Ok(()) => Removal::Deleted,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Removal::Gone,
        Err(e) => Removal::Failed(e.to_string()),
    }
}

impl super::Store {
    /// `photos/` beside the store file (it may not exist yet).
    pub fn photo_folder(&self) -> PathBuf {
        beside(self.path(), PHOTOS)
    }

    /// The folders whose files the scheme may delete: its photo copies and
    /// the documents written beside the store.
    pub fn scheme_folders(&self) -> Vec<PathBuf> {
        vec![self.photo_folder(), beside(self.path(), DOCUMENTS)]
    }

    /// Delete a file the store named, if it is one of the scheme's own.
    pub fn remove_scheme_file(&self, file: &Path) -> Removal {
        remove_inside(file, &self.scheme_folders())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_files_inside_the_folders_are_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let photos = dir.path().join("photos");
        std::fs::create_dir(&photos).unwrap();
        let folders = [photos.clone()];
        let inside = photos.join("a.png");
        std::fs::write(&inside, "x").unwrap();
        assert_eq!(remove_inside(&inside, &folders), Removal::Deleted);
        assert!(!inside.exists());
        assert_eq!(remove_inside(&inside, &folders), Removal::Gone);

        let outside = dir.path().join("host-file");
        std::fs::write(&outside, "keep").unwrap();
        assert_eq!(
            remove_inside(&outside, &folders),
            Removal::NotOurs("outside the scheme's folders")
        );
        // a way out through `..` is judged by where it really leads
        let climbing = photos.join("..").join("host-file");
        assert!(matches!(
            remove_inside(&climbing, &folders),
            Removal::NotOurs(_)
        ));
        // a link inside pointing out is never followed, nor removed
        let link = photos.join("link.png");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        assert!(matches!(
            remove_inside(&link, &folders),
            Removal::NotOurs(_)
        ));
        assert!(link.symlink_metadata().is_ok() && outside.exists());
        // the folder itself, and folders in it, are not files
        assert_eq!(
            remove_inside(&photos, &folders),
            Removal::NotOurs("not a file")
        );
        // no folder at all: nothing is inside it
        assert!(matches!(
            remove_inside(&outside, &[dir.path().join("absent")]),
            Removal::NotOurs(_)
        ));
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
    }
}
