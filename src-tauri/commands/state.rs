//! What every command shares: the accounts, the HTTP client, the Sandbox's
//! place, recent groups and History (opened on first use), and who a
//! change is sent as. The app builds it once at start (`app::set_up`).

use std::path::PathBuf;
use std::sync::Arc;

use super::sandbox_place::SandboxPlace;
use super::{AppError, ErrorKind};
use crate::credentials::{AccountRecord, Accounts};
use crate::deepcall::{Auth, BaseUrl, Client, Http};
use crate::history::{AccountRef, History, HistoryError};
use crate::recent::RecentGroups;
use crate::sandbox;
use crate::secret::Secret;

/// Runs keyring and file work off the async runtime: it blocks (D-Bus, and
/// possibly an unlock prompt the manager has to answer).
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|_| AppError::internal("DeepCall Desk stopped a task unexpectedly. Try again."))?
}

/// Shared by every command. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    http: Http,
    sandbox: SandboxPlace,
    accounts: Accounts,
    recent: RecentGroups,
    /// Changes of who receives calls run one at a time: each reads the
    /// group and sends complete lists, so two at once could undo each other.
    assignment: tokio::sync::Mutex<()>,
    /// Opened off the way to the window (a long History takes a moment to
    /// check); the first command that needs it waits for it.
    /// One that did not open (another copy holds it, the disk is full) is
    /// tried again by the next command that needs it.
    history: tokio::sync::OnceCell<History>,
    history_file: PathBuf,
}

impl AppState {
    /// The state of an app whose History is (or will be) `history_file`.
    pub fn new(
        http: Http,
        sandbox: SandboxPlace,
        accounts: Accounts,
        recent: RecentGroups,
        history_file: PathBuf,
    ) -> Self {
        AppState(Arc::new(Inner {
            http,
            sandbox,
            accounts,
            recent,
            assignment: tokio::sync::Mutex::new(()),
            history: tokio::sync::OnceCell::new(),
            history_file,
        }))
    }

    pub fn http(&self) -> &Http {
        &self.0.http
    }

    pub fn accounts(&self) -> &Accounts {
        &self.0.accounts
    }

    pub fn recent(&self) -> &RecentGroups {
        &self.0.recent
    }

    pub fn assignment_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.0.assignment
    }

    /// History, opened on first use.
    pub async fn history(&self) -> Result<History, AppError> {
        let opened = self
            .0
            .history
            .get_or_try_init(|| async {
                let file = self.0.history_file.clone();
                tauri::async_runtime::spawn_blocking(move || History::open(&file))
                    .await
                    .unwrap_or_else(|_| Err(HistoryError::unavailable("it stopped while opening")))
            })
            .await?;
        Ok(opened.clone())
    }

    /// The client and account that `account` (an account id, `None` for the
    /// Sandbox) sends a change with. It must still be the active one: a
    /// change the manager asked for on one account must not reach another
    /// after a switch. One read of the accounts file serves the check, the
    /// client and the account History records.
    pub async fn sender_for(
        &self,
        account: Option<String>,
    ) -> Result<(Client, AccountRef), AppError> {
        let state = self.clone();
        let real = blocking(move || {
            let active = state.accounts().active();
            if active.as_ref().map(|a| &a.id) != account.as_ref() {
                return Err(AppError::new(
                    ErrorKind::Rejected,
                    "The active account changed before this change was sent, so nothing was \
                     sent. Open it again to change it on the account now in use.",
                ));
            }
            active
                .map(|a| Ok((state.account_client(&a)?, account_ref(a))))
                .transpose()
        })
        .await?;
        match real {
            Some(sender) => Ok(sender),
            None => {
                let url = self.sandbox_url().await?;
                Ok((self.sandbox_client_at(&url)?, AccountRef::sandbox(&url)))
            }
        }
    }

    /// The client for the account History recorded `account` under: to
    /// read DeepCall again, never to send.
    pub async fn reader_for(&self, account: &AccountRef) -> Result<Client, AppError> {
        if account.sandbox {
            return self.sandbox_reader().await;
        }
        let state = self.clone();
        let (id, name) = (account.id.clone(), account.name.clone());
        blocking(move || match state.accounts().get(&id) {
            Some(record) => state.account_client(&record),
            None => Err(AppError::new(
                ErrorKind::NotFound,
                format!(
                    "This change was sent with the account “{name}”, which is no longer on this \
                     computer, so DeepCall cannot be read for it. Add the account again to check it."
                ),
            )),
        })
        .await
    }

    /// The Sandbox's client for a change History recorded in Sandbox mode.
    /// The built-in Sandbox is not started for it while a real account is
    /// active.
    async fn sandbox_reader(&self) -> Result<Client, AppError> {
        if !self.0.sandbox.is_running() {
            let state = self.clone();
            let real = blocking(move || Ok(state.accounts().active().is_some())).await?;
            if real {
                return Err(AppError::new(
                    ErrorKind::Rejected,
                    "This change was made in the Sandbox, which is not running while a real \
                     account is active. Choose the Sandbox as the active account to check it.",
                ));
            }
        }
        self.sandbox_client().await
    }

    /// The active account's id, or `sandbox`: whose recent groups to use.
    /// Blocking (reads the accounts file).
    pub fn account_key(&self) -> String {
        self.accounts()
            .active()
            .map(|a| a.id)
            .unwrap_or_else(|| "sandbox".into())
    }

    /// The Sandbox's address; the built-in Sandbox is started the first
    /// time it is asked for. Ask only in Sandbox mode.
    pub async fn sandbox_url(&self) -> Result<String, AppError> {
        self.0.sandbox.url().await
    }

    /// The client for the active account, or for the Sandbox.
    pub async fn client(&self) -> Result<Client, AppError> {
        let state = self.clone();
        let real = blocking(move || {
            state
                .accounts()
                .active()
                .map(|a| state.account_client(&a))
                .transpose()
        })
        .await?;
        match real {
            Some(client) => Ok(client),
            None => self.sandbox_client().await,
        }
    }

    /// Blocking: reads the account's secret from the keyring.
    fn account_client(&self, record: &AccountRecord) -> Result<Client, AppError> {
        let (base, auth) = self.accounts().address_and_auth(record)?;
        Ok(Client::new(self.http().clone(), base, auth))
    }

    async fn sandbox_client(&self) -> Result<Client, AppError> {
        self.sandbox_client_at(&self.sandbox_url().await?)
    }

    fn sandbox_client_at(&self, url: &str) -> Result<Client, AppError> {
        let defaults = sandbox::Credentials::default();
        Ok(Client::new(
            self.0.http.clone(),
            BaseUrl::parse(url)?,
            Auth::Token {
                user_id: defaults.user_id,
                token: Secret::new(defaults.token),
            },
        ))
    }
}

/// Who a change is sent as, for History: a real account.
fn account_ref(a: AccountRecord) -> AccountRef {
    AccountRef {
        id: a.id,
        name: a.name,
        sandbox: false,
        host: a.host,
    }
}
