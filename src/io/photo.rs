//! Photos of people on the register: a file path, checked before it is saved.

use std::io::Read;
use std::path::Path;

/// The image formats a still may be in (the ones the profile can draw), by their first bytes.
fn format_of(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("JPEG")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("PNG")
    } else {
        None
    }
}

/// Refuse a photo that is missing, unreadable or not an image.
pub fn check(path: &Path) -> Result<&'static str, String> {
    let mut f = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("photo: there is no file at {}", path.display()),
        _ => format!("photo: cannot read {}: {e}", path.display()),
    })?;
    if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(format!(
            "photo: {} is a folder, not an image",
            path.display()
        ));
    }
    let mut head = [0u8; 16];
    let n = f
        .read(&mut head)
        .map_err(|e| format!("photo: cannot read {}: {e}", path.display()))?;
    format_of(&head[..n])
        .ok_or_else(|| format!("photo: {} is not a JPEG or PNG image", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("still.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n0000").unwrap();
        assert_eq!(check(&png), Ok("PNG"));
        let txt = dir.path().join("still.jpg");
        std::fs::write(&txt, "not really a jpeg").unwrap();
        assert!(check(&txt).unwrap_err().contains("not a JPEG or PNG image"));
        assert!(check(&dir.path().join("gone.png"))
            .unwrap_err()
            .contains("no file"));
        assert!(check(dir.path()).unwrap_err().contains("folder"));
    }
}
