//! Secrets in the operating system's keyring, one entry per account under
//! the app's identifier as the service. Never a file.
//!
//! The store is injected: the app opens the platform store
//! ([`open_platform_store`]), unit tests pass `keyring_core::sample`'s
//! in-memory store. Every call blocks (D-Bus, and possibly an unlock
//! prompt), so callers run them off the async runtime.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error};
use serde::Serialize;

use crate::secret::Secret;

/// The keyring "service" every entry is filed under: the app's identifier.
pub const SERVICE: &str = "com.deepcalldesk.desk";

pub type Store = Arc<CredentialStore>;

/// Why the keyring cannot be used, in terms a manager can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub enum KeyringProblem {
    /// No D-Bus session bus (Linux): not a normal desktop session.
    NoSessionBus,
    /// A session bus, but nothing provides the Secret Service.
    NoProvider,
    /// The keyring is locked (or has no default collection), and unlocking was refused or impossible.
    Locked,
    /// Anything else the platform keyring reported.
    Unavailable,
}

impl KeyringProblem {
    pub fn message(self) -> &'static str {
        match self {
            KeyringProblem::NoSessionBus => "DeepCall Desk cannot reach this computer's keyring: there is no desktop session bus (D-Bus). Saved accounts need a normal desktop login.",
            KeyringProblem::NoProvider => "This computer has no keyring service running, so DeepCall Desk has nowhere safe to keep your DeepCall sign-in. Install and unlock GNOME Keyring (package gnome-keyring), or KWallet, then try again.",
            #[cfg(not(target_os = "windows"))]
            KeyringProblem::Locked => "Your keyring is locked, so DeepCall Desk cannot read or save your DeepCall sign-in. Unlock your login keyring (for example in \"Passwords and Keys\"), then try again.",
            #[cfg(target_os = "windows")]
            KeyringProblem::Locked => "Windows Credential Manager refused DeepCall Desk access to your saved DeepCall sign-in. Log off and on again; if it keeps happening, ask your IT contact whether a policy blocks saved credentials.",
            KeyringProblem::Unavailable => "This computer's keyring did not respond as expected, so DeepCall Desk cannot use your saved DeepCall sign-in. Try again; if it keeps happening, restart the computer.",
        }
    }
}

impl std::fmt::Display for KeyringProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// Turns a keyring error into what the manager can do about it.
pub fn classify(e: &Error) -> KeyringProblem {
    match e {
        Error::NoStorageAccess(_) => KeyringProblem::Locked,
        Error::PlatformFailure(inner) => classify_platform(inner.as_ref()),
        _ => KeyringProblem::Unavailable,
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
fn classify_platform(inner: &(dyn std::error::Error + Send + Sync + 'static)) -> KeyringProblem {
    use secret_service::Error as S;
    match inner.downcast_ref::<S>() {
        Some(S::Unavailable) => KeyringProblem::NoSessionBus,
        Some(S::Zbus(zbus::Error::Connection(..) | zbus::Error::Address(_))) => {
            KeyringProblem::NoSessionBus
        }
        Some(S::Zbus(zbus::Error::InputOutput(_))) => KeyringProblem::NoSessionBus,
        Some(S::Zbus(zbus::Error::MethodError(name, _, _)))
            if name.as_str() == "org.freedesktop.DBus.Error.ServiceUnknown" =>
        {
            KeyringProblem::NoProvider
        }
        Some(S::Locked | S::Prompt | S::NoResult) => KeyringProblem::Locked,
        _ => KeyringProblem::Unavailable,
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn classify_platform(_: &(dyn std::error::Error + Send + Sync + 'static)) -> KeyringProblem {
    KeyringProblem::Unavailable
}

/// The keyring [`open_platform_store`] opens, in a manager's words.
#[cfg(all(unix, not(target_os = "macos")))]
pub const PLATFORM_STORE: &str = "the Secret Service (GNOME Keyring or KWallet)";
#[cfg(target_os = "macos")]
pub const PLATFORM_STORE: &str = "the macOS Keychain";
#[cfg(target_os = "windows")]
pub const PLATFORM_STORE: &str = "Windows Credential Manager";

/// Opens this platform's keyring: Secret Service on Linux, Keychain on macOS,
/// Credential Manager on Windows. Cheap enough to retry after the manager
/// fixed the keyring.
pub fn open_platform_store() -> Result<Store, KeyringProblem> {
    #[cfg(all(unix, not(target_os = "macos")))]
    let opened = zbus_secret_service_keyring_store::Store::new().map(|s| s as Store);
    #[cfg(target_os = "macos")]
    let opened = apple_native_keyring_store::keychain::Store::new().map(|s| s as Store);
    #[cfg(target_os = "windows")]
    let opened = windows_native_keyring_store::Store::new().map(|s| s as Store);
    opened.map_err(|e| classify(&e))
}

/// The name Windows Credential Manager shows for an account's entry.
#[cfg(target_os = "windows")]
pub fn windows_target(account: &str) -> String {
    format!("DeepCall Desk/{account}")
}

/// The app's secrets in one keyring store.
#[derive(Clone)]
pub struct Vault {
    store: Store,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault")
    }
}

impl Vault {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    fn entry(&self, account: &str) -> Result<Entry, KeyringProblem> {
        #[cfg(target_os = "windows")]
        if self
            .store
            .as_any()
            .is::<windows_native_keyring_store::Store>()
        {
            // Named so that someone reading Credential Manager knows whose
            // entry it is, and kept on this computer only: the store's
            // default ("Enterprise") travels with a roaming profile to every
            // PC the manager logs in to.
            let target = windows_target(account);
            let modifiers = std::collections::HashMap::from([
                ("target", target.as_str()),
                ("persistence", "Local"),
            ]);
            return self
                .store
                .build(SERVICE, account, Some(&modifiers))
                .map_err(|e| classify(&e));
        }
        self.store
            .build(SERVICE, account, None)
            .map_err(|e| classify(&e))
    }

    /// Saves or replaces the account's secret.
    pub fn save(&self, account: &str, secret: &Secret) -> Result<(), KeyringProblem> {
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(|e| classify(&e))
    }

    /// The account's secret, or `None` when the keyring has none.
    pub fn load(&self, account: &str) -> Result<Option<Secret>, KeyringProblem> {
        match self.entry(account)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(&e)),
        }
    }

    /// Deletes the account's secret; already gone is fine.
    pub fn delete(&self, account: &str) -> Result<(), KeyringProblem> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(Error::NoEntry) => Ok(()),
            Err(e) => Err(classify(&e)),
        }
    }

    /// A harmless read that tells whether the keyring answers at all.
    pub fn probe(&self) -> Result<(), KeyringProblem> {
        self.load("__deepcall_desk_probe__").map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Vault {
        let store: Store = keyring_core::sample::Store::new().expect("in-memory store");
        Vault::new(store)
    }

    #[test]
    fn save_read_replace_delete() {
        let v = vault();
        assert_eq!(v.load("a1").unwrap(), None);
        v.save("a1", &Secret::new("tok-1")).unwrap();
        v.save("a2", &Secret::new("ssid-2")).unwrap();
        assert_eq!(v.load("a1").unwrap().unwrap().expose(), "tok-1");
        v.save("a1", &Secret::new("tok-1b")).unwrap();
        assert_eq!(v.load("a1").unwrap().unwrap().expose(), "tok-1b");
        assert_eq!(v.load("a2").unwrap().unwrap().expose(), "ssid-2");
        v.delete("a1").unwrap();
        v.delete("a1").unwrap();
        assert_eq!(v.load("a1").unwrap(), None);
        assert!(v.probe().is_ok());
    }

    #[test]
    fn errors_become_problems_a_manager_can_act_on() {
        assert_eq!(
            classify(&Error::NoStorageAccess("locked".into())),
            KeyringProblem::Locked
        );
        assert_eq!(
            classify(&Error::NoDefaultStore),
            KeyringProblem::Unavailable
        );
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            let e = Error::PlatformFailure(Box::new(secret_service::Error::Unavailable));
            assert_eq!(classify(&e), KeyringProblem::NoSessionBus);
            let e = Error::PlatformFailure(Box::new(secret_service::Error::Locked));
            assert_eq!(classify(&e), KeyringProblem::Locked);
        }
        for p in [
            KeyringProblem::NoSessionBus,
            KeyringProblem::NoProvider,
            KeyringProblem::Locked,
            KeyringProblem::Unavailable,
        ] {
            assert!(!p.message().is_empty());
        }
        assert!(KeyringProblem::NoProvider
            .message()
            .contains("GNOME Keyring"));
        #[cfg(not(target_os = "windows"))]
        assert!(KeyringProblem::Locked.message().contains("nlock"));
        #[cfg(target_os = "windows")]
        assert!(KeyringProblem::Locked
            .message()
            .contains("Credential Manager"));
    }
}
