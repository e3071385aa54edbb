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

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the operating system says this user's folders are, as its own
    /// environment names them.
    fn from_env(name: &str) -> PathBuf {
        PathBuf::from(std::env::var_os(name).unwrap_or_else(|| panic!("{name} is not set")))
    }

    #[test]
    fn settings_and_data_are_where_each_system_keeps_a_users_own() {
        let id = "com.example.app";
        #[cfg(windows)]
        {
            // AppData\Local, never Roaming.
            let local = from_env("LOCALAPPDATA").join(id);
            assert_eq!(settings(id).unwrap(), local);
            assert_eq!(data(id).unwrap(), local);
            let roaming = from_env("APPDATA");
            assert!(
                !local.starts_with(&roaming),
                "{local:?} is under {roaming:?}"
            );
        }
        #[cfg(target_os = "linux")]
        {
            let home = from_env("HOME");
            let config =
                std::env::var_os("XDG_CONFIG_HOME").map_or(home.join(".config"), PathBuf::from);
            let share =
                std::env::var_os("XDG_DATA_HOME").map_or(home.join(".local/share"), PathBuf::from);
            assert_eq!(settings(id).unwrap(), config.join(id));
            assert_eq!(data(id).unwrap(), share.join(id));
        }
    }
}
