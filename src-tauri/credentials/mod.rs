//! DeepCall accounts on this computer. No Tauri here.
//!
//! The non-secret part of each account (name, address, sign-in method, user
//! id) and which one is active live in a small JSON file in the app's config
//! directory. The secret (token or session id) lives only in the OS keyring
//! ([`vault`]), one entry per account, keyed by the account's id.

mod store;
pub mod vault;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use store::{AccountsFile, Disk};
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

/// What a manager entered to add or edit an account.
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub name: String,
    pub host: String,
    pub sign_in: SignIn,
    /// Required for a new account, or when an edit changes the address or the
    /// sign-in ([`saved_secret_may_be_sent`]); `None` keeps the saved one.
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
///
/// The file on disk is the truth: every read looks at it, so a second copy of
/// the app sees this one's changes, and every change is made to what is on
/// disk under a lock shared by all copies ([`store`]).
pub struct Accounts {
    path: PathBuf,
    opener: StoreOpener,
    vault: Mutex<Option<Vault>>,
    /// The last list read from disk: what reads show while the file cannot be read.
    last: Mutex<AccountsFile>,
    /// A note for the manager when the file could not be read at start.
    load_note: Option<String>,
}

/// A change in progress: the lock, and the file as it is on disk.
struct Change {
    file: AccountsFile,
    _lock: store::Lock,
}

impl Accounts {
    /// Reads `path` (missing is fine: no accounts yet). A damaged file is
    /// moved aside, never overwritten; a file that cannot be read, or comes
    /// from a newer version of the app, is left as it is and never
    /// overwritten. Both are reported in [`Accounts::load_note`].
    pub fn open(path: PathBuf, opener: StoreOpener) -> Self {
        let shown = path.display();
        let (file, load_note) = match store::read(&path) {
            Disk::Missing => (AccountsFile::default(), None),
            Disk::Read(f) => (f, None),
            Disk::Unreadable(reason) => (
                AccountsFile::default(),
                Some(format!(
                    "Your saved accounts could not be read from {shown} ({reason}). DeepCall Desk will not change that file. Make it readable, then restart DeepCall Desk."
                )),
            ),
            Disk::TooNew => (
                AccountsFile::default(),
                Some(format!(
                    "Your saved accounts in {shown} were saved by a newer version of DeepCall Desk, so this version does not show or change them. Update DeepCall Desk to use them."
                )),
            ),
            Disk::Damaged => match set_aside_damaged(&path) {
                Ok((file, Some(aside))) => (
                    file,
                    Some(format!(
                        "The list of saved accounts was damaged and could not be read. It was kept as {}; add your accounts again.",
                        aside.display()
                    )),
                ),
                Ok((file, None)) => (file, None),
                Err(e) => (
                    AccountsFile::default(),
                    Some(format!(
                        "The list of saved accounts in {shown} is damaged, and it could not be kept aside ({}). DeepCall Desk will not change it. Move the file away, then restart DeepCall Desk.",
                        store::plain(&e)
                    )),
                ),
            },
        };
        Self {
            path,
            opener,
            vault: Mutex::new(None),
            last: Mutex::new(file),
            load_note,
        }
    }

    pub fn load_note(&self) -> Option<&str> {
        self.load_note.as_deref()
    }

    /// The file as it is on disk now; the last one read when it cannot be read.
    fn current(&self) -> AccountsFile {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        match store::read(&self.path) {
            Disk::Read(f) => *last = f,
            Disk::Missing => *last = AccountsFile::default(),
            Disk::Unreadable(_) | Disk::TooNew | Disk::Damaged => {}
        }
        last.clone()
    }

    /// Locks the file against every other writer and reads it. Refuses
    /// when what is on disk cannot be read: it must not be overwritten.
    fn begin(&self) -> Result<Change, AccountError> {
        let lock = store::lock(&self.path).map_err(|e| self.storage(store::plain(&e)))?;
        let file = match store::read(&self.path) {
            Disk::Missing => AccountsFile::default(),
            Disk::Read(f) => f,
            Disk::Unreadable(reason) => return Err(self.storage(format!(
                "DeepCall Desk could not read it first ({reason}), and never overwrites a list it cannot read. Make the file readable, then try again."
            ))),
            Disk::TooNew => return Err(self.storage(
                "it was saved by a newer version of DeepCall Desk, which this version does not change. Update DeepCall Desk.".into(),
            )),
            Disk::Damaged => return Err(self.storage(
                "it is damaged, and DeepCall Desk never overwrites it. Close DeepCall Desk and open it again: the damaged file will be kept aside and a new list started.".into(),
            )),
        };
        Ok(Change { file, _lock: lock })
    }

    /// Writes the changed file, then releases the lock.
    fn commit(&self, change: Change) -> Result<(), AccountError> {
        store::write(&self.path, &change.file).map_err(|e| self.storage(store::plain(&e)))?;
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = change.file;
        Ok(())
    }

    fn storage(&self, reason: String) -> AccountError {
        AccountError::Storage {
            path: self.path.display().to_string(),
            reason,
        }
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
        self.current().accounts
    }

    pub fn active(&self) -> Option<AccountRecord> {
        let f = self.current();
        let id = f.active.as_ref()?;
        f.accounts.into_iter().find(|a| &a.id == id)
    }

    pub fn get(&self, id: &str) -> Option<AccountRecord> {
        self.current().accounts.into_iter().find(|a| a.id == id)
    }

    /// Adds an account: its secret into the keyring, the rest into the file.
    pub fn add(&self, input: AccountInput) -> Result<AccountRecord, AccountError> {
        let (name, base, sign_in) = check_input(&input)?;
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
        let mut change = self.begin()?;
        name_is_free(&change.file, &record.name, None)?;
        let vault = self.vault()?;
        vault.save(&record.id, secret)?;
        change.file.accounts.push(record.clone());
        if let Err(e) = self.commit(change) {
            let _ = vault.delete(&record.id);
            return Err(e);
        }
        Ok(record)
    }

    /// Edits an account. A new secret replaces the saved one; without one,
    /// the saved secret is kept only if the address and sign-in it was saved
    /// for stay the same ([`saved_secret_may_be_sent`]).
    pub fn update(&self, id: &str, input: AccountInput) -> Result<AccountRecord, AccountError> {
        let (name, base, sign_in) = check_input(&input)?;
        let mut change = self.begin()?;
        let Some(index) = change.file.accounts.iter().position(|a| a.id == id) else {
            return Err(AccountError::NotFound);
        };
        name_is_free(&change.file, &name, Some(id))?;
        let record = AccountRecord {
            id: id.to_owned(),
            name,
            host: base.as_str().to_owned(),
            sign_in,
        };
        // Keyring first, so the file never names an address its secret was not saved for.
        let restore = match &input.secret {
            None => {
                saved_secret_may_be_sent(&change.file.accounts[index], &base, &record.sign_in)?;
                None
            }
            Some(secret) => {
                let vault = self.vault()?;
                let old = vault.load(id)?;
                vault.save(id, secret)?;
                Some((vault, old))
            }
        };
        change.file.accounts[index] = record.clone();
        if let Err(e) = self.commit(change) {
            if let Some((vault, old)) = restore {
                let _ = match old {
                    Some(s) => vault.save(id, &s),
                    None => vault.delete(id),
                };
            }
            return Err(e);
        }
        Ok(record)
    }

    /// Removes an account: the keyring entry first, then the record.
    pub fn remove(&self, id: &str) -> Result<(), AccountError> {
        let mut change = self.begin()?;
        if !change.file.accounts.iter().any(|a| a.id == id) {
            return Err(AccountError::NotFound);
        }
        self.vault()?.delete(id)?;
        change.file.accounts.retain(|a| a.id != id);
        if change.file.active.as_deref() == Some(id) {
            change.file.active = None;
        }
        self.commit(change)
    }

    /// Makes an account active; `None` switches to the Sandbox.
    pub fn set_active(&self, id: Option<&str>) -> Result<(), AccountError> {
        let mut change = self.begin()?;
        if let Some(id) = id {
            if !change.file.accounts.iter().any(|a| a.id == id) {
                return Err(AccountError::NotFound);
            }
        }
        change.file.active = id.map(str::to_owned);
        self.commit(change)
    }

    /// The DeepCall auth for a saved account, from the keyring.
    pub fn auth(&self, record: &AccountRecord) -> Result<Auth, AccountError> {
        Ok(auth_from(&record.sign_in, self.saved_secret(&record.id)?))
    }

    fn saved_secret(&self, id: &str) -> Result<Secret, AccountError> {
        self.vault()?
            .load(id)?
            .ok_or_else(|| invalid("secret", "This account's token or session ID is missing from the keyring: edit the account and enter it again."))
    }

    /// A client for a saved account.
    pub fn client(&self, http: &Http, record: &AccountRecord) -> Result<Client, AccountError> {
        let base = BaseUrl::parse(&record.host).map_err(|e| invalid("host", e.to_string()))?;
        Ok(Client::new(http.clone(), base, self.auth(record)?))
    }

    /// Why editing `id` to this address and sign-in needs its token or
    /// session ID entered again (the words of [`saved_secret_may_be_sent`]),
    /// or `None` when the saved one may be kept. An address that cannot be
    /// read yet says nothing here: its own field says what is wrong.
    pub fn secret_needed(&self, id: &str, host: &str, sign_in: &SignIn) -> Option<String> {
        let saved = self.get(id)?;
        let base = BaseUrl::parse(host).ok()?;
        let sign_in = check_sign_in(sign_in).unwrap_or_else(|_| sign_in.clone());
        match saved_secret_may_be_sent(&saved, &base, &sign_in) {
            Ok(()) => None,
            Err(e) => Some(e.to_string()),
        }
    }

    /// The address and credentials for trying a draft before it is saved:
    /// the secret typed, or (editing `editing`) the saved one, only when the
    /// draft keeps the address and sign-in it was saved for.
    pub fn draft_auth(
        &self,
        editing: Option<&str>,
        host: &str,
        sign_in: &SignIn,
        typed: Option<Secret>,
    ) -> Result<(BaseUrl, Auth), AccountError> {
        let base = BaseUrl::parse(host).map_err(|e| invalid("host", e.to_string()))?;
        let sign_in = check_sign_in(sign_in)?;
        let secret = match (typed.filter(|s| !s.is_empty()), editing) {
            (Some(s), _) => {
                check_secret(&s)?;
                s
            }
            (None, Some(id)) => {
                let saved = self.get(id).ok_or(AccountError::NotFound)?;
                saved_secret_may_be_sent(&saved, &base, &sign_in)?;
                self.saved_secret(id)?
            }
            (None, None) => return Err(invalid("secret", secret_prompt(&sign_in))),
        };
        Ok((base, auth_from(&sign_in, secret)))
    }
}

/// Moves a damaged accounts file aside, under the lock. Returns what is on
/// disk afterwards and where the damaged file went (`None`: another copy of
/// the app already dealt with it).
fn set_aside_damaged(path: &Path) -> std::io::Result<(AccountsFile, Option<PathBuf>)> {
    let _lock = store::lock(path)?;
    match store::read(path) {
        Disk::Damaged => Ok((AccountsFile::default(), Some(store::set_aside(path)?))),
        Disk::Read(f) => Ok((f, None)),
        Disk::Missing => Ok((AccountsFile::default(), None)),
        Disk::Unreadable(_) | Disk::TooNew => {
            Err(std::io::Error::other("it changed while being read"))
        }
    }
}

/// The one rule for a saved secret: it is only ever sent to the address it
/// was saved for, with the sign-in method (and user ID) it was saved for.
/// Anything else needs the token or session ID entered again. Every path that
/// could send a saved secret (checking a draft, saving an edit) asks this.
pub fn saved_secret_may_be_sent(
    saved: &AccountRecord,
    base: &BaseUrl,
    sign_in: &SignIn,
) -> Result<(), AccountError> {
    let (new, old) = (secret_word(sign_in), secret_word(&saved.sign_in));
    let same_method = std::mem::discriminant(sign_in) == std::mem::discriminant(&saved.sign_in);
    let same_host = BaseUrl::parse(&saved.host).is_ok_and(|b| b.as_str() == base.as_str());
    if !same_host {
        let again = if same_method { " again" } else { "" };
        return Err(invalid(
            "secret",
            format!("The DeepCall address changed, so enter the {new}{again}: a saved {old} is only ever sent to the address it was saved for."),
        ));
    }
    match (&saved.sign_in, sign_in) {
        (SignIn::SessionId, SignIn::SessionId) => Ok(()),
        (SignIn::UserToken { user_id: a }, SignIn::UserToken { user_id: b }) if a == b => Ok(()),
        (SignIn::UserToken { .. }, SignIn::UserToken { .. }) => Err(invalid(
            "secret",
            "The user ID changed, so enter the token again: a saved token is only ever sent with the user ID it was saved for.",
        )),
        _ => Err(invalid(
            "secret",
            format!("The sign-in method changed, so enter the {new}: a saved {old} is only ever sent with the sign-in method it was saved for."),
        )),
    }
}

/// Checks an input's own fields; returns the normalised name, host and sign-in.
fn check_input(input: &AccountInput) -> Result<(String, BaseUrl, SignIn), AccountError> {
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
    let base = BaseUrl::parse(&input.host).map_err(|e| invalid("host", e.to_string()))?;
    let sign_in = check_sign_in(&input.sign_in)?;
    if let Some(s) = &input.secret {
        if s.is_empty() {
            return Err(invalid("secret", secret_prompt(&sign_in)));
        }
        check_secret(s)?;
    }
    Ok((name, base, sign_in))
}

/// The longest token or session ID kept. Windows Credential Manager holds
/// at most 2,560 bytes of UTF-16, which is 1,280 characters; the same limit
/// everywhere, so an account set up on one computer can be set up on any.
/// DeepCall's own are a few dozen characters.
pub const MAX_SECRET_CHARS: usize = 1280;

fn check_secret(s: &Secret) -> Result<(), AccountError> {
    if s.expose().trim() != s.expose() {
        return Err(invalid(
            "secret",
            "The token or session ID has spaces at its start or end: paste it again.",
        ));
    }
    if s.expose().encode_utf16().count() > MAX_SECRET_CHARS {
        return Err(invalid(
            "secret",
            format!(
                "This is longer than any DeepCall token or session ID (at most \
                 {MAX_SECRET_CHARS} characters are kept): paste only the token or session ID."
            ),
        ));
    }
    Ok(())
}

/// No other account (than `editing`) in `file` has this name.
fn name_is_free(
    file: &AccountsFile,
    name: &str,
    editing: Option<&str>,
) -> Result<(), AccountError> {
    let taken = file
        .accounts
        .iter()
        .any(|a| Some(a.id.as_str()) != editing && a.name.eq_ignore_ascii_case(name));
    if taken {
        return Err(invalid(
            "name",
            format!("An account called \"{name}\" already exists."),
        ));
    }
    Ok(())
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

/// What the secret of a sign-in method is called.
fn secret_word(sign_in: &SignIn) -> &'static str {
    match sign_in {
        SignIn::SessionId => "session ID",
        SignIn::UserToken { .. } => "token",
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
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
    fn a_secret_longer_than_credential_manager_holds_is_refused_before_it_is_saved() {
        let accounts = Accounts::open(temp_file("long-secret"), memory_opener());
        let longest = "t".repeat(MAX_SECRET_CHARS);
        accounts.add(token_input("Longest", &longest)).unwrap();
        let too_long = format!("{longest}t");
        match accounts.add(token_input("Too long", &too_long)) {
            Err(AccountError::Invalid { field, message }) => {
                assert_eq!(field, "secret");
                assert!(message.contains("1280 characters"), "{message}");
                assert!(!message.contains(&too_long));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(accounts.list().len(), 1);
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

    fn secret_problem(result: Result<impl std::fmt::Debug, AccountError>) -> String {
        match result {
            Err(AccountError::Invalid { field, message }) if field == "secret" => message,
            other => panic!("expected the secret to be asked for again, got {other:?}"),
        }
    }

    fn sent_secret(result: Result<(BaseUrl, Auth), AccountError>) -> (String, String) {
        let (base, auth) = result.unwrap();
        let secret = match auth {
            Auth::Token { token, .. } => token,
            Auth::Session { ssid } => ssid,
        };
        (base.as_str().to_owned(), secret.expose().to_owned())
    }

    #[test]
    fn a_saved_secret_goes_only_to_the_address_and_sign_in_it_was_saved_for() {
        let path = temp_file("host-rule");
        let accounts = Accounts::open(path.clone(), memory_opener());
        let a = accounts
            .add(token_input("Head office", "tok-saved"))
            .unwrap();
        let token = |user_id: &str| SignIn::UserToken {
            user_id: user_id.into(),
        };

        // Same address (however it is spelled) and sign-in: the saved token is used.
        for host in ["v4-api.deepcall.com", " https://V4-API.deepcall.com/ "] {
            assert_eq!(
                sent_secret(accounts.draft_auth(Some(&a.id), host, &token(" 29791451 "), None)),
                ("https://v4-api.deepcall.com".into(), "tok-saved".into())
            );
        }

        // What the form is told as the manager edits: the same rule's words.
        for host in ["v4-api.deepcall.com", " https://V4-API.deepcall.com/ "] {
            assert_eq!(
                accounts.secret_needed(&a.id, host, &token("29791451")),
                None
            );
        }
        let said = accounts
            .secret_needed(&a.id, "http://127.0.0.1:9", &token("29791451"))
            .expect("a changed address needs the token again");
        assert!(said.starts_with("The DeepCall address changed"), "{said}");
        let said = accounts
            .secret_needed(&a.id, "v4-api.deepcall.com", &token(" 11111111 "))
            .expect("a changed user ID needs the token again");
        assert!(said.starts_with("The user ID changed"), "{said}");
        assert!(accounts
            .secret_needed(&a.id, "v4-api.deepcall.com", &SignIn::SessionId)
            .is_some_and(|m| m.contains("sign-in method changed")));
        assert_eq!(
            accounts.secret_needed(&a.id, "http://", &SignIn::SessionId),
            None
        );
        assert_eq!(
            accounts.secret_needed("no-such-id", "x.example", &SignIn::SessionId),
            None
        );

        // Another address, method or user ID: never the saved token.
        let other_host = accounts.draft_auth(
            Some(&a.id),
            "http://127.0.0.1:9",
            &token("29791451"),
            Some(Secret::new("")),
        );
        let message = secret_problem(other_host);
        assert!(
            message.contains("address changed, so enter the token again"),
            "{message}"
        );
        let message = secret_problem(accounts.draft_auth(
            Some(&a.id),
            "v4-api.deepcall.com",
            &SignIn::SessionId,
            None,
        ));
        assert!(
            message.contains("sign-in method changed, so enter the session ID"),
            "{message}"
        );
        let message = secret_problem(accounts.draft_auth(
            Some(&a.id),
            "v4-api.deepcall.com",
            &token("11111111"),
            None,
        ));
        assert!(message.contains("user ID changed"), "{message}");
        let message = secret_problem(accounts.draft_auth(
            Some(&a.id),
            "brand.example",
            &SignIn::SessionId,
            None,
        ));
        assert!(
            message.contains("address changed, so enter the session ID:"),
            "{message}"
        );

        // A token typed again goes where the draft says.
        assert_eq!(
            sent_secret(accounts.draft_auth(
                Some(&a.id),
                "http://127.0.0.1:9",
                &token("29791451"),
                Some(Secret::new("tok-typed"))
            )),
            ("http://127.0.0.1:9".into(), "tok-typed".into())
        );
        assert!(secret_problem(accounts.draft_auth(
            None,
            "v4-api.deepcall.com",
            &token("1"),
            Some(Secret::new(" padded "))
        ))
        .contains("spaces"));

        // Saving follows the same rule, and a refused edit changes nothing.
        let moved = |sign_in: SignIn, secret: Option<&str>| AccountInput {
            name: "Head office".into(),
            host: "http://127.0.0.1:9".into(),
            sign_in,
            secret: secret.map(Secret::new),
        };
        let message = secret_problem(accounts.update(&a.id, moved(token("29791451"), None)));
        assert!(message.contains("address changed"), "{message}");
        let same_host = AccountInput {
            host: a.host.clone(),
            ..moved(token("42"), None)
        };
        secret_problem(accounts.update(&a.id, same_host));
        assert_eq!(accounts.get(&a.id), Some(a.clone()));
        assert!(
            matches!(accounts.auth(&a).unwrap(), Auth::Token { token, .. } if token.expose() == "tok-saved")
        );
        // With the token entered again, the edit is saved with it.
        let b = accounts
            .update(&a.id, moved(token("29791451"), Some("tok-for-local")))
            .unwrap();
        assert_eq!(b.host, "http://127.0.0.1:9");
        assert!(
            matches!(accounts.auth(&b).unwrap(), Auth::Token { token, .. } if token.expose() == "tok-for-local")
        );
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn two_copies_of_the_app_adding_at_once_lose_nothing() {
        let path = temp_file("two-writers");
        let opener = memory_opener();
        let first = Accounts::open(path.clone(), opener.clone());
        let second = Accounts::open(path.clone(), opener.clone());
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let writers: Vec<_> = [("First", &first), ("Second", &second)]
                .into_iter()
                .map(|(tag, accounts)| {
                    s.spawn(move || {
                        for i in 0..8 {
                            accounts
                                .add(token_input(&format!("{tag} {i}"), "tok"))
                                .unwrap();
                        }
                    })
                })
                .collect();
            // Meanwhile the file always parses, whenever it is read.
            let reader = s.spawn(|| {
                let mut reads = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    match store::read(&path) {
                        Disk::Read(_) | Disk::Missing => reads += 1,
                        other => panic!("the file was {other:?} while being written"),
                    }
                    // Windows 10 and 11 replace a file another handle has
                    // open (std's rename uses POSIX semantics on NTFS).
                    // Where that is not offered (Wine, FAT drives, some
                    // shares) the rename waits for the reader to close it
                    // (files::replace): a reader that never lets go would
                    // starve it, and a second copy reads the list only now
                    // and then.
                    #[cfg(windows)]
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                reads
            });
            // The reader stops however the writers end: a writer that
            // failed must fail the test, not leave the reader spinning.
            let written: Vec<_> = writers.into_iter().map(|w| w.join()).collect();
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            assert!(reader.join().unwrap() > 0);
            for w in written {
                w.unwrap();
            }
        });
        for accounts in [&first, &second] {
            let mut names: Vec<_> = accounts.list().into_iter().map(|a| a.name).collect();
            names.sort();
            let mut expected: Vec<_> = (0..8)
                .flat_map(|i| [format!("First {i}"), format!("Second {i}")])
                .collect();
            expected.sort();
            assert_eq!(names, expected);
        }
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn each_copy_sees_and_keeps_the_other_copys_changes() {
        let path = temp_file("two-copies");
        let opener = memory_opener();
        let first = Accounts::open(path.clone(), opener.clone());
        let second = Accounts::open(path.clone(), opener.clone());
        let a = first.add(token_input("Head office", "t1")).unwrap();
        assert_eq!(second.get(&a.id), Some(a.clone()));
        second.set_active(Some(&a.id)).unwrap();
        assert_eq!(first.active(), Some(a.clone()));
        let b = second.add(token_input("Branch", "t2")).unwrap();
        // A name taken in the other copy is taken here too.
        assert!(matches!(
            first.add(token_input("branch", "t3")),
            Err(AccountError::Invalid { field, .. }) if field == "name"
        ));
        first.remove(&a.id).unwrap();
        assert_eq!(second.list(), vec![b.clone()]);
        assert_eq!(second.active(), None);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn a_file_that_cannot_be_read_is_never_overwritten() {
        // A folder where the file should be: reading it fails even for root.
        let path = temp_file("unreadable");
        std::fs::create_dir_all(path.join("inside")).unwrap();
        let accounts = Accounts::open(path.clone(), memory_opener());
        let note = accounts.load_note().unwrap();
        assert!(
            note.contains("could not be read") && note.contains("will not change"),
            "{note}"
        );
        assert!(accounts.list().is_empty());
        match accounts.add(token_input("Head office", "t")) {
            Err(e @ AccountError::Storage { .. }) => {
                assert!(e.to_string().contains("never overwrites"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert!(accounts.set_active(None).is_err());
        assert!(path.join("inside").is_dir(), "left as it was");
        assert_eq!(
            accounts.vault().unwrap().load("anything").unwrap(),
            None,
            "nothing half-saved in the keyring"
        );

        // A file from a newer version: shown as such, and not changed.
        let path = temp_file("newer");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let newer = br#"{"version": 99, "active": null, "accounts": [], "more": 1}"#;
        std::fs::write(&path, newer).unwrap();
        let accounts = Accounts::open(path.clone(), memory_opener());
        assert!(accounts.load_note().unwrap().contains("newer version"));
        assert!(matches!(
            accounts.add(token_input("Head office", "t")),
            Err(AccountError::Storage { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), newer);
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn damaged_files_are_kept_aside_and_never_overwrite_each_other() {
        let path = temp_file("damaged-twice");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"first damage").unwrap();
        Accounts::open(path.clone(), memory_opener());
        std::fs::write(&path, b"second damage").unwrap();
        let accounts = Accounts::open(path.clone(), memory_opener());
        let note = accounts.load_note().unwrap();
        assert!(note.contains("accounts.json.unreadable-2"), "{note}");
        assert_eq!(
            std::fs::read(path.with_extension("json.unreadable")).unwrap(),
            b"first damage"
        );
        assert_eq!(
            std::fs::read(path.with_extension("json.unreadable-2")).unwrap(),
            b"second damage"
        );
        // A fresh list can be started.
        accounts.add(token_input("Head office", "t")).unwrap();
        // Damage appearing while the app runs is refused, not overwritten.
        std::fs::write(&path, b"third damage").unwrap();
        assert!(matches!(
            accounts.add(token_input("Branch", "t")),
            Err(AccountError::Storage { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"third damage");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    // Not on Windows: a link there needs an administrator or Developer Mode (files.rs).
    #[cfg(unix)]
    #[test]
    fn planted_links_beside_the_file_are_not_followed() {
        let path = temp_file("links");
        let dir = path.parent().unwrap().to_path_buf();
        std::fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        // The old fixed temporary name, and the lock file's name.
        std::os::unix::fs::symlink(&victim, path.with_extension("json.tmp")).unwrap();
        std::os::unix::fs::symlink(&victim, path.with_extension("json.lock")).unwrap();
        let accounts = Accounts::open(path.clone(), memory_opener());
        let a = accounts.add(token_input("Head office", "t")).unwrap();
        accounts.set_active(Some(&a.id)).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(
            Accounts::open(path.clone(), memory_opener()).active(),
            Some(a)
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
