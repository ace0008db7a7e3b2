//! Where uploaded image files live. Handlers see only [`MediaStore`]; the local
//! directory is the default, and an object store can stand behind the same trait.

pub mod images;
pub mod metadata;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub trait MediaStore: Send + Sync {
    /// Stores `bytes` under `key`, atomically: a reader sees the whole object
    /// or none. Storing a key that exists leaves it as it is.
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()>;

    /// The local file holding `key`, if it is stored.
    fn path(&self, key: &str) -> Option<PathBuf>;

    /// Removes `key`; removing what is not there is not an error.
    fn delete(&self, key: &str) -> io::Result<()>;
}

/// The content address of an image: SHA-256 of its bytes and its extension,
/// so identical uploads share one object and a key never changes meaning.
pub fn content_key(bytes: &[u8], extension: &str) -> String {
    let digest = Sha256::digest(bytes);
    let mut key = String::with_capacity(64 + 1 + extension.len());
    for b in digest {
        key.push_str(&format!("{b:02x}"));
    }
    key.push('.');
    key.push_str(extension);
    key
}

/// The key of a rendition of `key` at `width`, in the format of `extension`.
pub fn rendition_key(key: &str, width: u32, extension: &str) -> String {
    let hash = key.split_once('.').map_or(key, |(hash, _)| hash);
    format!("{hash}-w{width}.{extension}")
}

/// True for keys of the forms [`content_key`] and [`rendition_key`] make;
/// nothing else may reach the storage.
pub fn is_valid_key(key: &str) -> bool {
    let Some((name, ext)) = key.split_once('.') else {
        return false;
    };
    let hash = match name.split_once("-w") {
        Some((hash, width)) => {
            if width.is_empty() || width.len() > 5 || !width.bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            hash
        }
        None => name,
    };
    hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && matches!(ext, "jpg" | "png" | "webp" | "gif")
}

/// Objects as files in one directory.
#[derive(Debug, Clone)]
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl MediaStore for LocalDir {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        if !is_valid_key(key) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "invalid media key"));
        }
        let target = self.root.join(key);
        if target.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.root)?;
        let tmp = self.root.join(format!(".{key}.{}.tmp", rand::random::<u64>()));
        let written = (|| {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            std::fs::rename(&tmp, &target)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    fn path(&self, key: &str) -> Option<PathBuf> {
        if !is_valid_key(key) {
            return None;
        }
        let path = self.root.join(key);
        path.is_file().then_some(path)
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        if !is_valid_key(key) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "invalid media key"));
        }
        match std::fs::remove_file(self.root.join(key)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_content_addresses() {
        let key = content_key(b"abc", "png");
        assert_eq!(
            key,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.png"
        );
        assert!(is_valid_key(&key));
        let rendition = rendition_key(&key, 640, "webp");
        assert!(
            rendition.ends_with("-w640.webp") && is_valid_key(&rendition),
            "{rendition}"
        );
        for bad in [&key.replace(".png", "-w.png"), &key.replace(".png", "-w64x.png")] {
            assert!(!is_valid_key(bad), "{bad}");
        }
        for bad in [
            "../etc/passwd",
            "abc.png",
            &key.replace(".png", ".svg"),
            &key.to_uppercase(),
        ] {
            assert!(!is_valid_key(bad), "{bad}");
        }
    }

    #[test]
    fn put_is_idempotent_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("depeche-media-{}", rand::random::<u64>()));
        let store = LocalDir::new(&dir);
        let key = content_key(b"image", "png");
        store.put(&key, b"image").unwrap();
        store.put(&key, b"image").unwrap();
        assert_eq!(std::fs::read(store.path(&key).unwrap()).unwrap(), b"image");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
