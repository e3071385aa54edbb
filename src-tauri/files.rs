//! Writing the app's local files safely. No Tauri here.
//!
//! What Unix needs and Windows does not:
//! - Modes (0700 folders, 0600 files). On Windows the app's folders are under
//!   the user's AppData, whose access list (inherited by every file made
//!   there) already grants only that user, SYSTEM and the administrators:
//!   there is nothing to narrow, and a narrower list would lock out backups.
//! - Syncing the folder after a rename. Windows has no call for it (a folder
//!   cannot be opened as a file to flush); NTFS journals the rename itself.
//! - Refusing to follow a planted link. Creating a file exclusively
//!   (`CREATE_NEW`) never follows one on Windows either (the tests that
//!   plant links are Unix's: making one on Windows needs an administrator or
//!   Developer Mode).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Who may read a file the app writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only this computer user (mode 0600 on Unix): the app's own records.
    OwnerOnly,
    /// The usual permissions for a document the manager saved.
    Document,
}

/// Writes `body` to a new temporary file beside `path`, flushes it to disk
/// and renames it over `path`: a crash or a full disk never leaves half a
/// file, and two writers never share a temporary file.
///
/// The temporary file has a name no one can predict and is created
/// exclusively (`O_CREAT | O_EXCL`), which never follows a symbolic link; the
/// rename replaces a link at `path` itself rather than writing through it.
pub fn write_atomically(path: &Path, body: &[u8], access: Access) -> std::io::Result<()> {
    write_atomically_with(path, access, |out| out.write_all(body))
}

/// As [`write_atomically`], the body written by `write` a piece at a time
/// (through a buffer), so a long file never has to be in memory whole. An
/// error from `write` leaves no file behind and `path` as it was.
pub fn write_atomically_with<T, E: From<std::io::Error>>(
    path: &Path,
    access: Access,
    write: impl FnOnce(&mut dyn Write) -> Result<T, E>,
) -> Result<T, E> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let (tmp, f) = create_temporary(access, || random_temporary_name(path))?;
    let written = (|| -> Result<T, E> {
        let mut out = BufWriter::with_capacity(64 * 1024, f);
        let done = write(&mut out)?;
        let f = out.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        drop(f);
        replace(&tmp, path)?;
        Ok(done)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return written;
    }
    sync_directory(dir);
    written
}

/// Creates the folder `dir` for the app's own records (History, logs), only
/// this computer user's (0700 on Unix) from the moment it exists; one an
/// earlier version made readable by others is narrowed to that. Its parents
/// are made as usual.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        match std::fs::DirBuilder::new().mode(0o700).create(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {
                narrow(dir, 0o700)
            }
            created => created,
        }
    }
    // AppData's inherited access list: see the top of this file.
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// Opens `path` to append to, creating it only this computer user's (0600
/// on Unix) from its first byte; an existing one is narrowed to that.
pub fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    make_private(path)?;
    Ok(file)
}

/// Narrows an existing file of the app's own records to this computer user
/// (0600 on Unix). A file that is not there is left so.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    match narrow(path, 0o600) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        done => done,
    }
    // AppData's inherited access list: see the top of this file.
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Sets `mode` unless the file already has it (no write for nothing).
#[cfg(unix)]
fn narrow(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::metadata(path)?.permissions().mode() & 0o777 == mode {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// Renames `from` over `to`. On Windows, a rename over a file that another
/// handle has open (a reader, another copy of the app, a virus scanner, a
/// backup) fails with "access denied" or a sharing violation until that
/// handle closes, which is a moment: a few short waits let it through.
/// Elsewhere a rename replaces an open file at once.
fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    {
        use std::time::{Duration, Instant};
        /// ERROR_SHARING_VIOLATION.
        const SHARING_VIOLATION: i32 = 32;
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut wait = Duration::from_millis(1);
        loop {
            match std::fs::rename(from, to) {
                Err(e)
                    if (e.kind() == std::io::ErrorKind::PermissionDenied
                        || e.raw_os_error() == Some(SHARING_VIOLATION))
                        && Instant::now() < deadline =>
                {
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(Duration::from_millis(50));
                }
                done => return done,
            }
        }
    }
    #[cfg(not(windows))]
    std::fs::rename(from, to)
}

/// `.<name>.<random>.tmp` beside `path`.
fn random_temporary_name(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()))
}

/// Creates the first of `names` that does not exist yet, exclusively.
fn create_temporary(
    access: Access,
    mut names: impl FnMut() -> PathBuf,
) -> std::io::Result<(PathBuf, File)> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(match access {
            Access::OwnerOnly => 0o600,
            Access::Document => 0o666, // less the user's umask
        });
    }
    #[cfg(not(unix))]
    let _ = access;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let tmp = names();
        match options.open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            // Something (perhaps a planted link) already has that name; pick another.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => {}
            Err(e) => return Err(e),
        }
    }
}

/// Makes the rename itself durable. Best effort: the file is already in place,
/// so a failure here is not reported as a failed save.
fn sync_directory(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    // Windows has none: see the top of this file.
    #[cfg(not(unix))]
    let _ = dir;
}

/// The names in `dir`, sorted: what the tests of the app's files look at.
#[cfg(test)]
pub(crate) fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A file's or folder's permission bits (`0o600`).
#[cfg(all(test, unix))]
pub(crate) fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "deepcall-files-{tag}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = scratch("replace");
        let path = dir.join("a.csv");
        write_atomically(&path, b"one", Access::Document).unwrap();
        write_atomically(&path, b"two", Access::Document).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(names_in(&dir), vec!["a.csv".to_owned()]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_body_written_in_pieces_that_fails_leaves_the_old_file_and_no_temporary() {
        let dir = scratch("pieces");
        let path = dir.join("a.csv");
        write_atomically(&path, b"old", Access::Document).unwrap();
        let failed: std::io::Result<()> = write_atomically_with(&path, Access::Document, |out| {
            out.write_all(b"new, half")?;
            Err(std::io::Error::other("the source could not be read"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(names_in(&dir), vec!["a.csv".to_owned()]);
        let rows = write_atomically_with(&path, Access::Document, |out| {
            for i in 0..3 {
                writeln!(out, "row {i}")?;
            }
            Ok::<_, std::io::Error>(3)
        })
        .unwrap();
        assert_eq!(rows, 3);
        assert_eq!(std::fs::read(&path).unwrap(), b"row 0\nrow 1\nrow 2\n");
        std::fs::remove_dir_all(dir).unwrap();
    }

    // Not on Windows: Unix file modes (Windows: AppData's access list, files.rs).
    #[cfg(unix)]
    #[test]
    fn owner_only_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("mode");
        let path = dir.join("accounts.json");
        write_atomically(&path, b"{}", Access::OwnerOnly).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::remove_dir_all(dir).unwrap();
    }

    // Not on Windows: Unix file modes (Windows: AppData's access list, files.rs).
    #[cfg(unix)]
    #[test]
    fn private_folders_and_files_are_the_owners_only_from_the_start() {
        use std::os::unix::fs::PermissionsExt;
        let mode = mode_of;
        let top = scratch("private");
        let dir = top.join("app").join("logs");
        create_private_dir(&top.join("app")).unwrap();
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&top.join("app")), 0o700);
        assert_eq!(mode(&dir), 0o700);
        // One an earlier version made readable by others is narrowed.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);

        let file = dir.join("a.log");
        let mut f = open_private(&file).unwrap();
        assert_eq!(mode(&file), 0o600, "before its first byte");
        f.write_all(b"one\n").unwrap();
        drop(f);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        open_private(&file).unwrap().write_all(b"two\n").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::read(&file).unwrap(), b"one\ntwo\n", "appended");
        make_private(&dir.join("missing")).unwrap();
        std::fs::remove_dir_all(top).unwrap();
    }

    #[test]
    fn two_writers_at_once_never_mix_their_files() {
        let dir = scratch("writers");
        let path = dir.join("accounts.json");
        let bodies: Vec<Vec<u8>> = (0..4)
            .map(|i| format!("writer {i} ").repeat(20_000).into_bytes())
            .collect();
        std::thread::scope(|s| {
            for body in &bodies {
                let path = path.clone();
                s.spawn(move || {
                    for _ in 0..25 {
                        write_atomically(&path, body, Access::OwnerOnly).unwrap();
                    }
                });
            }
            s.spawn(|| {
                for _ in 0..200 {
                    if let Ok(now) = std::fs::read(&path) {
                        assert!(bodies.contains(&now), "a mixed file of {} bytes", now.len());
                    }
                }
            });
        });
        assert!(bodies.contains(&std::fs::read(&path).unwrap()));
        assert_eq!(names_in(&dir), vec!["accounts.json".to_owned()]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    // Not on Windows: a link there needs an administrator or Developer Mode (files.rs).
    #[cfg(unix)]
    #[test]
    fn planted_links_are_never_written_through() {
        let dir = scratch("links");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        let path = dir.join("accounts.json");
        // The old fixed temporary name, and a link at the target itself.
        std::os::unix::fs::symlink(&victim, dir.join("accounts.json.tmp")).unwrap();
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        write_atomically(&path, b"{}", Access::OwnerOnly).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        assert!(!std::fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink());
        std::fs::remove_dir_all(dir).unwrap();
    }

    // Not on Windows: a link there needs an administrator or Developer Mode (files.rs).
    #[cfg(unix)]
    #[test]
    fn a_link_at_the_temporary_name_is_refused_not_followed() {
        let dir = scratch("tmplink");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        let path = dir.join("accounts.json");
        let planted = dir.join(".accounts.json.guessed.tmp");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        // The first name tried is the planted link: it is skipped, not opened.
        let mut names = vec![random_temporary_name(&path), planted.clone()];
        let (tmp, mut f) = create_temporary(Access::OwnerOnly, || names.pop().unwrap()).unwrap();
        assert_ne!(tmp, planted);
        assert!(names.is_empty(), "both names were tried");
        f.write_all(b"mine").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(std::fs::read(&tmp).unwrap(), b"mine");
        // A link at every name tried: the write fails and touches nothing.
        let e = create_temporary(Access::OwnerOnly, || planted.clone()).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
