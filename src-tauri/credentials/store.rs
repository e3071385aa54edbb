//! The accounts file on disk, shared by every copy of the app that runs at
//! once. Each change is made under an exclusive lock on a sibling
//! `accounts.json.lock`, to what is on disk at that moment, and written
//! atomically; so a second copy of the app never drops what the first wrote.
//! A file this version cannot read is never overwritten.

use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::AccountRecord;
use crate::files::{self, Access};

/// The version this app writes, and the newest it reads.
pub(super) const FILE_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct AccountsFile {
    pub version: u32,
    /// `None`: Sandbox mode.
    pub active: Option<String>,
    pub accounts: Vec<AccountRecord>,
}

/// What is on disk.
#[derive(Debug)]
pub(super) enum Disk {
    Missing,
    Read(AccountsFile),
    /// The file is there but could not be read; the reason in plain words.
    Unreadable(String),
    /// Written by a newer version of the app.
    TooNew,
    /// Not a list of accounts at all.
    Damaged,
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

pub(super) fn read(path: &Path) -> Disk {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => return Disk::Missing,
        Err(e) => return Disk::Unreadable(plain(&e)),
    };
    match serde_json::from_slice::<VersionOnly>(&bytes) {
        Ok(v) if v.version > FILE_VERSION => Disk::TooNew,
        Ok(_) => serde_json::from_slice(&bytes)
            .map(Disk::Read)
            .unwrap_or(Disk::Damaged),
        Err(_) => Disk::Damaged,
    }
}

/// Writes the file atomically, readable by this user only.
pub(super) fn write(path: &Path, file: &AccountsFile) -> std::io::Result<()> {
    let body = serde_json::to_vec_pretty(&AccountsFile {
        version: FILE_VERSION,
        active: file.active.clone(),
        accounts: file.accounts.clone(),
    })
    .map_err(std::io::Error::other)?;
    files::write_atomically(path, &body, Access::OwnerOnly)
}

/// An exclusive advisory lock shared by every copy of the app; released on drop.
pub(super) struct Lock(File);

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Waits for the exclusive lock that guards changes to the file at `path`.
pub(super) fn lock(path: &Path) -> std::io::Result<Lock> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let lock_path = path.with_file_name(name);
    if let Some(dir) = lock_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = open_lock_file(&lock_path)?;
    file.lock()?;
    Ok(Lock(file))
}

/// Opens (or creates, exclusively) the lock file; anything else planted at
/// its name, such as a symbolic link, is removed rather than followed.
fn open_lock_file(lock_path: &Path) -> std::io::Result<File> {
    let mut create = OpenOptions::new();
    create.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        create.mode(0o600);
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        match create.open(lock_path) {
            Ok(f) => return Ok(f),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 5 => {}
            Err(e) => return Err(e),
        }
        match std::fs::symlink_metadata(lock_path) {
            Ok(meta) if meta.file_type().is_file() => {
                match OpenOptions::new().read(true).write(true).open(lock_path) {
                    Ok(f) => return Ok(f),
                    // Removed in between by another copy: create it again.
                    Err(e) if e.kind() == ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(_) => std::fs::remove_file(lock_path)?,
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
}

/// Moves a damaged file aside to `<name>.unreadable` (or `-2`, `-3`, … when
/// that is taken: an earlier damaged file is never overwritten).
pub(super) fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    let base = path.file_name().unwrap_or_default().to_string_lossy();
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{base}.unreadable")
        } else {
            format!("{base}.unreadable-{n}")
        };
        let aside = path.with_file_name(name);
        match std::fs::symlink_metadata(&aside) {
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        std::fs::rename(path, &aside)?;
        return Ok(aside);
    }
    Err(std::io::Error::new(
        ErrorKind::AlreadyExists,
        "too many damaged lists are already kept",
    ))
}

/// An I/O error in words a manager can act on.
pub(super) fn plain(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::PermissionDenied => "you do not have permission to use it".into(),
        ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "the disk is full".into(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".into(),
        _ => format!("the computer reported: {e}"),
    }
}
