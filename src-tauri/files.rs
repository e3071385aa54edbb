//! Writing the app's local files safely. No Tauri here.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Who may read a file the app writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only this computer user (mode 0600 on Unix): the app's own records.
    OwnerOnly,
    /// The usual permissions for a document the manager saved.
    Document,
}

/// Writes `body` to a temporary file beside `path`, flushes it to disk and
/// renames it over `path`: a crash or a full disk never leaves half a file.
pub fn write_atomically(path: &Path, body: &[u8], access: Access) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = temporary_beside(path);
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if access == Access::OwnerOnly {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(body)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

fn temporary_beside(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("deepcall-files-{}", std::process::id()));
        let path = dir.join("a.csv");
        write_atomically(&path, b"one", Access::Document).unwrap();
        write_atomically(&path, b"two", Access::Document).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert!(!temporary_beside(&path).exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
