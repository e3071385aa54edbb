//! The groups a manager opened recently, per account, in a small local file.
//! Nothing secret: group numbers and names. No Tauri here.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::files::{self, Access};

/// How many groups each account remembers.
pub const KEEP: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RecentGroup {
    pub id: u64,
    pub name: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RecentFile {
    version: u32,
    /// Keyed by account id, or `sandbox`.
    accounts: BTreeMap<String, Vec<RecentGroup>>,
}

pub struct RecentGroups {
    path: PathBuf,
    lock: Mutex<()>,
}

impl RecentGroups {
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            lock: Mutex::new(()),
        }
    }

    /// Most recent first. A missing or unreadable file is an empty list:
    /// this is a convenience, never a reason to stop the manager.
    pub fn list(&self, account: &str) -> Vec<RecentGroup> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.read().accounts.remove(account).unwrap_or_default()
    }

    /// Puts `group` first for `account`, keeping at most [`KEEP`].
    pub fn record(&self, account: &str, group: RecentGroup) -> std::io::Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = self.read();
        let list = file.accounts.entry(account.to_owned()).or_default();
        list.retain(|g| g.id != group.id);
        list.insert(0, group);
        list.truncate(KEEP);
        self.write(&file)
    }

    /// Drops an account's list (when the account is removed).
    pub fn forget(&self, account: &str) -> std::io::Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut file = self.read();
        if file.accounts.remove(account).is_some() {
            self.write(&file)?;
        }
        Ok(())
    }

    fn read(&self) -> RecentFile {
        std::fs::read(&self.path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn write(&self, file: &RecentFile) -> std::io::Result<()> {
        let body = serde_json::to_vec_pretty(&RecentFile {
            version: 1,
            accounts: file.accounts.clone(),
        })
        .map_err(std::io::Error::other)?;
        files::write_atomically(&self.path, &body, Access::OwnerOnly)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(id: u64) -> RecentGroup {
        RecentGroup {
            id,
            name: format!("G{id}"),
        }
    }

    #[test]
    fn most_recent_first_per_account_capped() {
        let dir = std::env::temp_dir().join(format!("deepcall-recent-{}", std::process::id()));
        let recent = RecentGroups::new(dir.join("recent-groups.json"));
        assert!(recent.list("sandbox").is_empty());
        for id in 1..=10 {
            recent.record("sandbox", g(id)).unwrap();
        }
        recent.record("sandbox", g(5)).unwrap();
        recent.record("acc", g(28)).unwrap();
        let ids: Vec<u64> = recent.list("sandbox").iter().map(|g| g.id).collect();
        assert_eq!(ids, [5, 10, 9, 8, 7, 6, 4, 3]);
        assert_eq!(recent.list("acc"), [g(28)]);
        recent.forget("acc").unwrap();
        assert!(recent.list("acc").is_empty());
        std::fs::write(dir.join("recent-groups.json"), b"{broken").unwrap();
        assert!(
            recent.list("sandbox").is_empty(),
            "unreadable file is empty"
        );
        recent.record("sandbox", g(1)).unwrap();
        assert_eq!(recent.list("sandbox"), [g(1)]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
