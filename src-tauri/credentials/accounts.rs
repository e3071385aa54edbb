//! The accounts of this computer: the file (read and changed under a lock
//! shared by every copy of the app) and the keyring beside it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::model::invalid;
use super::rules::{check_input, check_secret, name_is_free, secret_prompt};
use super::store::{self, AccountsFile, Disk};
use super::*;
use crate::deepcall::{Auth, BaseUrl};
use crate::secret::Secret;

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

    /// Where a saved account's requests go, and how they sign in (the
    /// secret from the keyring): what a DeepCall client for it is made of.
    pub fn address_and_auth(
        &self,
        record: &AccountRecord,
    ) -> Result<(BaseUrl, Auth), AccountError> {
        let base = BaseUrl::parse(&record.host).map_err(|e| invalid("host", e.to_string()))?;
        Ok((base, self.auth(record)?))
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

pub(super) fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
