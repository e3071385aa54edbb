//! The private home each app runs in: a scratch directory of its own, the
//! environment that points the app's config, data and cache there, and the
//! files the app writes in it.

use std::path::{Path, PathBuf};

use super::tauri_conf;

/// A scratch directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("deepcall-e2e-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The environment an app gets: its own config, data and cache under
/// `home`, and the sandbox to use (`None`: the app starts its own).
pub fn app_environment(home: &Path, sandbox_url: Option<&str>) -> Vec<(String, String)> {
    let dir = |name: &str| home.join(name).display().to_string();
    let mut env = vec![
        ("XDG_CONFIG_HOME".into(), dir("config")),
        ("XDG_DATA_HOME".into(), dir("data")),
        ("XDG_CACHE_HOME".into(), dir("cache")),
        ("NO_AT_BRIDGE".into(), "1".into()),
    ];
    if let Some(url) = sandbox_url {
        env.push((deepcall_desk::SANDBOX_URL_ENV.into(), url.into()));
    }
    env
}

/// The folder named after the app's identifier, in which it keeps its
/// files under a base folder (`XDG_CONFIG_HOME` or `XDG_DATA_HOME`).
fn app_folder(base: PathBuf) -> PathBuf {
    base.join(
        tauri_conf()["identifier"]
            .as_str()
            .expect("the app has an identifier"),
    )
}

/// Where the app in `home` keeps its accounts, recent groups and window
/// state.
pub fn config_dir(home: &Path) -> PathBuf {
    app_folder(home.join("config"))
}

/// The accounts file of the app in `home` (the secrets are in the keyring).
pub fn accounts_file(home: &Path) -> PathBuf {
    config_dir(home).join("accounts.json")
}

/// Where the app in `home` keeps History and its log folder.
pub fn data_dir(home: &Path) -> PathBuf {
    app_folder(home.join("data"))
}

/// The History file of the app in `home`.
pub fn history_file(home: &Path) -> PathBuf {
    data_dir(home).join(deepcall_desk::history::FILE_NAME)
}

/// The folder of the app's log files in `home`.
pub fn log_dir(home: &Path) -> PathBuf {
    data_dir(home).join("logs")
}

/// Everything the app wrote to its log files under `home`.
pub fn log_of(home: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(log_dir(home))
        .into_iter()
        .flatten()
        .flatten()
    {
        text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    text
}
