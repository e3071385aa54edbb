//! Where the app keeps each computer user's own files, made by the app and
//! never by an installer (so uninstalling leaves them):
//!
//! | what | Linux | Windows |
//! |---|---|---|
//! | accounts, recent groups | `$XDG_CONFIG_HOME/<id>` | `%LOCALAPPDATA%\<id>` |
//! | History, the log (`logs`) | `$XDG_DATA_HOME/<id>` | `%LOCALAPPDATA%\<id>` |
//!
//! On Windows none of these goes in AppData\Roaming, where Tauri's own
//! resolver would put them (only the window's size and place, kept by the
//! window-state plugin, are there): a roaming profile copies that folder to whichever PC the
//! manager signs in at next, but the secrets each account names stay in this
//! PC's Credential Manager (saved with *Local* persistence), so the copied
//! accounts would have none; and History, an SQLite file with its WAL open
//! while the app runs, would be copied at sign-out, half-written, and be
//! large to carry.

use std::path::PathBuf;

/// Accounts and recent groups, of the app with this identifier. `None`
/// when this computer user has no home folder.
pub fn settings(identifier: &str) -> Option<PathBuf> {
    #[cfg(windows)]
    let base = dirs::data_local_dir();
    #[cfg(not(windows))]
    let base = dirs::config_dir();
    Some(base?.join(identifier))
}

/// History and the log folder, of the app with this identifier.
pub fn data(identifier: &str) -> Option<PathBuf> {
    Some(dirs::data_local_dir()?.join(identifier))
}
