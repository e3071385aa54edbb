//! DeepCall accounts on this computer. No Tauri here.
//!
//! The non-secret part of each account (name, address, sign-in method, user
//! id) and which one is active live in a small JSON file in the app's config
//! directory. The secret (token or session id) lives only in the OS keyring
//! ([`vault`]), one entry per account, keyed by the account's id.

pub mod vault;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

pub use vault::{KeyringProblem, Store, Vault, SERVICE};

use crate::deepcall::{Auth, BaseUrl, Client, Http};
use crate::secret::Secret;

/// How an account signs in to DeepCall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "method", rename_all = "camelCase")]
pub enum SignIn {
    /// A session id (`ssid`) is the secret.
    #[serde(rename_all = "camelCase")]
    SessionId,
    /// A user id with a token; the token is the secret.
    #[serde(rename_all = "camelCase")]
    UserToken { user_id: String },
}

/// An account as kept in the accounts file: nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountRecord {
    pub id: String,
    pub name: String,
    /// The checked DeepCall address, e.g. `https://v4-api.deepcall.com`.
    pub host: String,
    pub sign_in: SignIn,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountsFile {
    version: u32,
    /// `None`: Sandbox mode.
    active: Option<String>,
    accounts: Vec<AccountRecord>,
}

const FILE_VERSION: u32 = 1;

/// What a manager entered to add or edit an account.
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub name: String,
    pub host: String,
    pub sign_in: SignIn,
    /// Required for a new account or a change of method; `None` keeps the saved one.
    pub secret: Option<Secret>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AccountError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Keyring(KeyringProblem),
    #[error("The list of accounts could not be saved in {path}: {reason}")]
    Storage { path: String, reason: String },
    #[error("That account is no longer on this computer.")]
    NotFound,
}

impl From<KeyringProblem> for AccountError {
    fn from(p: KeyringProblem) -> Self {
        AccountError::Keyring(p)
    }
}

fn invalid(field: &str, message: impl Into<String>) -> AccountError {
    AccountError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// Opens the keyring store; the app passes the platform's, tests an in-memory one.
pub type StoreOpener = Arc<dyn Fn() -> Result<Store, KeyringProblem> + Send + Sync>;

/// The accounts of this computer: file plus keyring.
pub struct Accounts {
    path: PathBuf,
    opener: StoreOpener,
    vault: Mutex<Option<Vault>>,
    /// The file's content, read once; every change writes it back.
    file: Mutex<AccountsFile>,
    /// A note for the manager when the file could not be read at start.
    load_note: Option<String>,
}

impl Accounts {
    /// Reads `path` (missing is fine: no accounts yet). A file that cannot be
    /// read is moved aside, never overwritten, and reported in [`Accounts::load_note`].
    pub fn open(path: PathBuf, opener: StoreOpener) -> Self {
        let (file, load_note) = match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (AccountsFile::default(), None),
            Err(e) => (
                AccountsFile::default(),
                Some(format!("The saved accounts could not be read ({e}).")),
            ),
            Ok(bytes) => match serde_json::from_slice::<AccountsFile>(&bytes) {
                Ok(f) => (f, None),
                Err(_) => {
                    let aside = path.with_extension("json.unreadable");
                    let _ = std::fs::rename(&path, &aside);
                    (
                        AccountsFile::default(),
                        Some(format!(
                            "The list of saved accounts was damaged and could not be read. It was kept as {}; add your accounts again.",
                            aside.display()
                        )),
                    )
                }
            },
        };
        Self {
            path,
            opener,
            vault: Mutex::new(None),
            file: Mutex::new(file),
            load_note,
        }
    }

    pub fn load_note(&self) -> Option<&str> {
        self.load_note.as_deref()
    }

    fn file(&self) -> std::sync::MutexGuard<'_, AccountsFile> {
        self.file.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The keyring, opened on first use and again after a failure.
    pub fn vault(&self) -> Result<Vault, KeyringProblem> {
        let mut slot = self.vault.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = slot.as_ref() {
            return Ok(v.clone());
        }
        let vault = Vault::new((self.opener)()?);
        vault.probe()?;
        *slot = Some(vault.clone());
        Ok(vault)
    }

    /// Forgets an opened keyring so the next use opens it again.
    pub fn reset_vault(&self) {
        *self.vault.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub fn list(&self) -> Vec<AccountRecord> {
        self.file().accounts.clone()
    }

    pub fn active(&self) -> Option<AccountRecord> {
        let f = self.file();
        let id = f.active.as_ref()?;
        f.accounts.iter().find(|a| &a.id == id).cloned()
    }

    pub fn get(&self, id: &str) -> Option<AccountRecord> {
        self.file().accounts.iter().find(|a| a.id == id).cloned()
    }

    /// Checks an input; returns the normalised name, host and sign-in.
    pub fn validate(
        &self,
        input: &AccountInput,
        editing: Option<&str>,
    ) -> Result<(String, BaseUrl, SignIn), AccountError> {
        let name = input.name.trim().to_owned();
        if name.is_empty() {
            return Err(invalid(
                "name",
                "Give the account a name, for example \"Head office\".",
            ));
        }
        if name.chars().count() > 60 {
            return Err(invalid("name", "Keep the name to 60 characters or fewer."));
        }
        if name.eq_ignore_ascii_case("sandbox") {
            return Err(invalid(
                "name",
                "\"Sandbox\" is the built-in sample account; choose another name.",
            ));
        }
        let taken = self
            .file()
            .accounts
            .iter()
            .any(|a| Some(a.id.as_str()) != editing && a.name.eq_ignore_ascii_case(&name));
        if taken {
            return Err(invalid(
                "name",
                format!("An account called \"{name}\" already exists."),
            ));
        }
        let base = BaseUrl::parse(&input.host).map_err(|e| invalid("host", e.to_string()))?;
        let sign_in = check_sign_in(&input.sign_in)?;
        if let Some(s) = &input.secret {
            if s.is_empty() {
                return Err(invalid("secret", secret_prompt(&sign_in)));
            }
            if s.expose().trim() != s.expose() || s.expose().len() > 4096 {
                return Err(invalid(
                    "secret",
                    "The token or session ID has spaces at its start or end, or is too long: paste it again.",
                ));
            }
        }
        Ok((name, base, sign_in))
    }

    /// Adds an account: its secret into the keyring, the rest into the file.
    pub fn add(&self, input: AccountInput) -> Result<AccountRecord, AccountError> {
        let (name, base, sign_in) = self.validate(&input, None)?;
        let secret = input
            .secret
            .as_ref()
            .ok_or_else(|| invalid("secret", secret_prompt(&sign_in)))?;
        let record = AccountRecord {
            id: new_id(),
            name,
            host: base.as_str().to_owned(),
            sign_in,
        };
        let vault = self.vault()?;
        vault.save(&record.id, secret)?;
        let mut file = self.file();
        file.accounts.push(record.clone());
        if let Err(e) = self.write(&file) {
            file.accounts.pop();
            let _ = vault.delete(&record.id);
            return Err(e);
        }
        Ok(record)
    }

    /// Edits an account; a new secret replaces the saved one.
    pub fn update(&self, id: &str, input: AccountInput) -> Result<AccountRecord, AccountError> {
        let current = self.get(id).ok_or(AccountError::NotFound)?;
        let (name, base, sign_in) = self.validate(&input, Some(id))?;
        let method_changed =
            std::mem::discriminant(&sign_in) != std::mem::discriminant(&current.sign_in);
        if method_changed && input.secret.is_none() {
            return Err(invalid("secret", secret_prompt(&sign_in)));
        }
        if let Some(secret) = &input.secret {
            self.vault()?.save(id, secret)?;
        }
        let record = AccountRecord {
            id: id.to_owned(),
            name,
            host: base.as_str().to_owned(),
            sign_in,
        };
        let mut file = self.file();
        let Some(slot) = file.accounts.iter_mut().find(|a| a.id == id) else {
            return Err(AccountError::NotFound);
        };
        let before = std::mem::replace(slot, record.clone());
        if let Err(e) = self.write(&file) {
            if let Some(slot) = file.accounts.iter_mut().find(|a| a.id == id) {
                *slot = before;
            }
            return Err(e);
        }
        Ok(record)
    }

    /// Removes an account: the keyring entry first, then the record.
    pub fn remove(&self, id: &str) -> Result<(), AccountError> {
        if self.get(id).is_none() {
            return Err(AccountError::NotFound);
        }
        self.vault()?.delete(id)?;
        let mut file = self.file();
        file.accounts.retain(|a| a.id != id);
        if file.active.as_deref() == Some(id) {
            file.active = None;
        }
        self.write(&file)
    }

    /// Makes an account active; `None` switches to the Sandbox.
    pub fn set_active(&self, id: Option<&str>) -> Result<(), AccountError> {
        let mut file = self.file();
        if let Some(id) = id {
            if !file.accounts.iter().any(|a| a.id == id) {
                return Err(AccountError::NotFound);
            }
        }
        let before = std::mem::replace(&mut file.active, id.map(str::to_owned));
        if let Err(e) = self.write(&file) {
            file.active = before;
            return Err(e);
        }
        Ok(())
    }

    /// The DeepCall auth for a saved account, from the keyring.
    pub fn auth(&self, record: &AccountRecord) -> Result<Auth, AccountError> {
        let secret = self
            .vault()?
            .load(&record.id)?
            .ok_or_else(|| invalid("secret", "This account's token or session ID is missing from the keyring: edit the account and enter it again."))?;
        Ok(auth_from(&record.sign_in, secret))
    }

    /// A client for a saved account.
    pub fn client(&self, http: &Http, record: &AccountRecord) -> Result<Client, AccountError> {
        let base = BaseUrl::parse(&record.host).map_err(|e| invalid("host", e.to_string()))?;
        Ok(Client::new(http.clone(), base, self.auth(record)?))
    }

    fn write(&self, file: &AccountsFile) -> Result<(), AccountError> {
        let storage = |e: std::io::Error| AccountError::Storage {
            path: self.path.display().to_string(),
            reason: e.to_string(),
        };
        let body = serde_json::to_vec_pretty(&AccountsFile {
            version: FILE_VERSION,
            active: file.active.clone(),
            accounts: file.accounts.clone(),
        })
        .map_err(|e| storage(std::io::Error::other(e)))?;
        write_atomically(&self.path, &body).map_err(storage)
    }
}

/// Checks a sign-in method's own fields; returns it trimmed.
pub fn check_sign_in(sign_in: &SignIn) -> Result<SignIn, AccountError> {
    match sign_in {
        SignIn::SessionId => Ok(SignIn::SessionId),
        SignIn::UserToken { user_id } => {
            let user_id = user_id.trim();
            if user_id.is_empty() {
                return Err(invalid("userId", "Enter your DeepCall user ID."));
            }
            if user_id.chars().any(char::is_whitespace) || user_id.len() > 64 {
                return Err(invalid(
                    "userId",
                    "A user ID has no spaces, for example 29791451.",
                ));
            }
            Ok(SignIn::UserToken {
                user_id: user_id.to_owned(),
            })
        }
    }
}

/// Builds the auth for a sign-in method and its secret.
pub fn auth_from(sign_in: &SignIn, secret: Secret) -> Auth {
    match sign_in {
        SignIn::SessionId => Auth::Session { ssid: secret },
        SignIn::UserToken { user_id } => Auth::Token {
            user_id: user_id.clone(),
            token: secret,
        },
    }
}

fn secret_prompt(sign_in: &SignIn) -> &'static str {
    match sign_in {
        SignIn::SessionId => "Enter the session ID.",
        SignIn::UserToken { .. } => "Enter the token.",
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Writes via a temporary file and a rename, readable by this user only.
fn write_atomically(path: &Path, body: &[u8]) -> std::io::Result<()> {
    crate::files::write_atomically(path, body, crate::files::Access::OwnerOnly)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory_opener() -> StoreOpener {
        let store: Store = keyring_core::sample::Store::new().expect("in-memory store");
        Arc::new(move || Ok(store.clone()))
    }

    fn temp_file(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "deepcall-accounts-{tag}-{}-{}",
            std::process::id(),
            new_id()
        ));
        dir.join("accounts.json")
    }

    fn token_input(name: &str, token: &str) -> AccountInput {
        AccountInput {
            name: name.into(),
            host: "v4-api.deepcall.com".into(),
            sign_in: SignIn::UserToken {
                user_id: "29791451".into(),
            },
            secret: Some(Secret::new(token)),
        }
    }

    #[test]
    fn add_list_switch_edit_remove_and_reopen() {
        let path = temp_file("flow");
        let opener = memory_opener();
        let accounts = Accounts::open(path.clone(), opener.clone());
        let a = accounts
            .add(token_input("Head office", "tok-distinct-1"))
            .unwrap();
        let b = accounts
            .add(AccountInput {
                name: "Branch".into(),
                host: "https://brand.example/".into(),
                sign_in: SignIn::SessionId,
                secret: Some(Secret::new("ssid-distinct-2")),
            })
            .unwrap();
        assert_eq!(a.host, "https://v4-api.deepcall.com");
        assert_eq!(b.host, "https://brand.example");
        accounts.set_active(Some(&b.id)).unwrap();

        // The file holds no secret, and is private to the user.
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("tok-distinct-1") && !text.contains("ssid-distinct-2"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        // Reopening finds the same accounts, active one and secrets.
        let again = Accounts::open(path.clone(), opener.clone());
        assert_eq!(again.list(), vec![a.clone(), b.clone()]);
        assert_eq!(again.active(), Some(b.clone()));
        match again.auth(&a).unwrap() {
            Auth::Token { user_id, token } => {
                assert_eq!(user_id, "29791451");
                assert_eq!(token.expose(), "tok-distinct-1");
            }
            other => panic!("{other:?}"),
        }

        // Edit without a new secret keeps it; with one replaces it.
        let mut edit = token_input("Head office (Pune)", "unused");
        edit.secret = None;
        let a2 = again.update(&a.id, edit).unwrap();
        assert_eq!(a2.name, "Head office (Pune)");
        assert!(
            matches!(again.auth(&a2).unwrap(), Auth::Token { token, .. } if token.expose() == "tok-distinct-1")
        );
        again
            .update(&a.id, token_input("Head office (Pune)", "tok-new"))
            .unwrap();
        assert!(
            matches!(again.auth(&a2).unwrap(), Auth::Token { token, .. } if token.expose() == "tok-new")
        );

        // Changing the method needs the new kind of secret.
        let switch = AccountInput {
            name: "Head office (Pune)".into(),
            host: "v4-api.deepcall.com".into(),
            sign_in: SignIn::SessionId,
            secret: None,
        };
        assert!(
            matches!(again.update(&a.id, switch), Err(AccountError::Invalid { field, .. }) if field == "secret")
        );

        // Removing the active account falls back to the Sandbox and deletes the secret.
        again.remove(&b.id).unwrap();
        assert_eq!(again.active(), None);
        assert_eq!(again.vault().unwrap().load(&b.id).unwrap(), None);
        assert_eq!(again.list().len(), 1);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn input_is_checked_with_plain_messages() {
        let accounts = Accounts::open(temp_file("input"), memory_opener());
        accounts.add(token_input("Head office", "t")).unwrap();
        let cases = [
            (token_input("  ", "t"), "name"),
            (token_input("head OFFICE", "t"), "name"),
            (token_input("Sandbox", "t"), "name"),
            (
                AccountInput {
                    host: "http://deepcall.example".into(),
                    ..token_input("B", "t")
                },
                "host",
            ),
            (
                AccountInput {
                    sign_in: SignIn::UserToken {
                        user_id: " ".into(),
                    },
                    ..token_input("B", "t")
                },
                "userId",
            ),
            (token_input("B", "   "), "secret"),
            (token_input("B", " tok "), "secret"),
            (
                AccountInput {
                    secret: None,
                    ..token_input("B", "t")
                },
                "secret",
            ),
        ];
        for (input, expected) in cases {
            match accounts.add(input) {
                Err(AccountError::Invalid { field, message }) => {
                    assert_eq!(field, expected, "{message}");
                    assert!(!message.is_empty());
                }
                other => panic!("expected an invalid {expected}, got {other:?}"),
            }
        }
        assert_eq!(accounts.list().len(), 1);
    }

    #[test]
    fn keyring_trouble_is_reported_and_retried() {
        let broken: StoreOpener = Arc::new(|| Err(KeyringProblem::NoProvider));
        let accounts = Accounts::open(temp_file("broken"), broken);
        assert_eq!(
            accounts.add(token_input("A", "t")),
            Err(AccountError::Keyring(KeyringProblem::NoProvider))
        );
        assert!(accounts.list().is_empty(), "nothing half-saved");
    }

    #[test]
    fn a_damaged_file_is_kept_aside_not_overwritten() {
        let path = temp_file("damaged");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"{ not json").unwrap();
        let accounts = Accounts::open(path.clone(), memory_opener());
        assert!(accounts.list().is_empty());
        assert!(accounts.load_note().unwrap().contains("damaged"));
        assert_eq!(
            std::fs::read(path.with_extension("json.unreadable")).unwrap(),
            b"{ not json"
        );
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
