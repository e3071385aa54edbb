//! Builds the Tauri app: state, commands, window. Kept short on purpose.

use std::sync::Arc;

use tauri::{Manager, Runtime};

use crate::commands::{self, AppError, ErrorKind};
use crate::credentials::{self, AccountRecord, Accounts};
use crate::deepcall::{Auth, BaseUrl, Client, Http, HttpConfig};
use crate::recent::RecentGroups;
use crate::sandbox::{self, Sandbox};
use crate::secret::Secret;

/// Points the app at an already running sandbox (tests use this to read the
/// sandbox's request log); otherwise the app starts its own.
pub const SANDBOX_URL_ENV: &str = "DEEPCALL_DESK_SANDBOX_URL";

/// Shared by every command. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    http: Http,
    sandbox_url: String,
    /// The embedded sandbox, kept alive for the app's lifetime.
    _embedded: Option<Sandbox>,
    accounts: Accounts,
    recent: RecentGroups,
    /// Changes of who receives calls run one at a time: each reads the
    /// group and sends complete lists, so two at once could undo each other.
    assignment: tokio::sync::Mutex<()>,
}

impl AppState {
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

    /// The active account's id, or `sandbox`: whose recent groups to use.
    /// Blocking (reads the accounts file).
    pub fn account_key(&self) -> String {
        self.accounts()
            .active()
            .map(|a| a.id)
            .unwrap_or_else(|| "sandbox".into())
    }

    pub fn sandbox_url(&self) -> &str {
        &self.0.sandbox_url
    }

    /// The client for the active account, or for the Sandbox.
    pub async fn client(&self) -> Result<Client, AppError> {
        let state = self.clone();
        commands::blocking(move || state.client_of(state.accounts().active())).await
    }

    /// The client for `account` (an account id, `None` for the Sandbox),
    /// which must still be the active one: a change the manager asked for
    /// on one account must not reach another after a switch. One read of
    /// the accounts file serves both the check and the client.
    pub async fn client_for(&self, account: Option<String>) -> Result<Client, AppError> {
        let state = self.clone();
        commands::blocking(move || {
            let active = state.accounts().active();
            if active.as_ref().map(|a| &a.id) != account.as_ref() {
                return Err(AppError::new(
                    ErrorKind::Rejected,
                    "The active account changed before this change was sent, so nothing was \
                     sent. Open the group again to change it on the account now in use.",
                ));
            }
            state.client_of(active)
        })
        .await
    }

    /// Blocking: reads the account's secret from the keyring.
    fn client_of(&self, active: Option<AccountRecord>) -> Result<Client, AppError> {
        match active {
            Some(record) => Ok(self.accounts().client(self.http(), &record)?),
            None => self.sandbox_client(),
        }
    }

    fn sandbox_client(&self) -> Result<Client, AppError> {
        let defaults = sandbox::Credentials::default();
        Ok(Client::new(
            self.0.http.clone(),
            BaseUrl::parse(&self.0.sandbox_url)?,
            Auth::Token {
                user_id: defaults.user_id,
                token: Secret::new(defaults.token),
            },
        ))
    }
}

/// The commands and their TypeScript bindings, from one place.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        .commands(tauri_specta::collect_commands![
            commands::app_status,
            commands::groups::group_members,
            commands::groups::recent_groups,
            commands::groups::group_choices,
            commands::groups::change_receiving,
            commands::groups::export_members::<tauri::Wry>,
            commands::accounts::accounts_overview,
            commands::accounts::retry_keyring,
            commands::accounts::check_connection,
            commands::accounts::secret_needed,
            commands::accounts::save_account,
            commands::accounts::remove_account,
            commands::accounts::set_active_account,
            commands::contacts::contact_lookup,
            commands::contacts::check_contact_changes,
            commands::contacts::save_contact,
        ])
        // The address most accounts use, for the account form.
        .constant("DEFAULT_HOST", crate::deepcall::DEFAULT_HOST)
        // The contact editor's fields: the UI renders the form from these.
        .typ::<crate::deepcall::directory::field::FieldSpec>()
        .constant(
            "CONTACT_FIELDS",
            crate::deepcall::directory::field::catalogue(),
        )
        // Ids are checked to fit a JavaScript number when they are read.
        .dangerously_cast_bigints_to_number()
}

/// The TypeScript exporter for `ui/src/bindings.ts`.
pub fn typescript() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default().header("// @ts-nocheck\n/* eslint-disable */")
}

/// Wires the app's plugins, commands and state into a builder.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    let specta = specta_builder::<R>();
    builder
        // Used from Rust only (the export's save dialog); the window is
        // granted none of its commands.
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(specta.invoke_handler())
        .setup(|app| {
            let (sandbox_url, embedded) = match std::env::var(SANDBOX_URL_ENV) {
                Ok(url) => (url, None),
                Err(_) => {
                    let sandbox = tauri::async_runtime::block_on(Sandbox::start(
                        sandbox::Options::default(),
                    ))?;
                    (sandbox.url(), Some(sandbox))
                }
            };
            let config_dir = app.path().app_config_dir()?;
            let accounts_file = config_dir.join("accounts.json");
            let accounts = Accounts::open(
                accounts_file,
                Arc::new(credentials::vault::open_platform_store),
            );
            app.manage(AppState(Arc::new(Inner {
                http: Http::new(HttpConfig::default())?,
                sandbox_url,
                _embedded: embedded,
                accounts,
                recent: RecentGroups::new(config_dir.join("recent-groups.json")),
                assignment: tokio::sync::Mutex::new(()),
            })));
            Ok(())
        })
}

pub fn run() {
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!(
            "DeepCall Desk needs a desktop to open its window, and none was found (DISPLAY and \
             WAYLAND_DISPLAY are not set). Start it from the computer's own desktop session."
        );
        std::process::exit(1);
    }
    if let Err(e) =
        build(tauri::Builder::default()).run(tauri::generate_context!("tauri.conf.json"))
    {
        eprintln!("DeepCall Desk could not start: {e}");
        std::process::exit(1);
    }
}
