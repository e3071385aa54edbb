//! Builds the Tauri app: state, commands, window. Kept short on purpose.

use std::sync::OnceLock;

use tauri::{Manager, Runtime};

use crate::commands::{self, AppError};
use crate::deepcall::{Auth, BaseUrl, Client, Http, HttpConfig};
use crate::sandbox::{self, Sandbox};
use crate::secret::Secret;

/// Points the app at an already running sandbox (tests use this to read the
/// sandbox's request log); otherwise the app starts its own.
pub const SANDBOX_URL_ENV: &str = "DEEPCALL_DESK_SANDBOX_URL";

pub struct AppState {
    http: Http,
    /// The embedded sandbox, kept alive for the app's lifetime.
    embedded: OnceLock<Sandbox>,
    sandbox_url: OnceLock<String>,
}

impl AppState {
    fn new() -> Result<Self, AppError> {
        Ok(Self {
            http: Http::new(HttpConfig::default())?,
            embedded: OnceLock::new(),
            sandbox_url: OnceLock::new(),
        })
    }

    /// The client for the active account (for now, always the sandbox).
    pub fn client(&self) -> Result<Client, AppError> {
        let url = self
            .sandbox_url
            .get()
            .ok_or_else(|| AppError::internal("The sandbox has not started yet."))?;
        let defaults = sandbox::Credentials::default();
        Ok(Client::new(
            self.http.clone(),
            BaseUrl::parse(url)?,
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
            commands::group_members,
        ])
        // Ids are checked to fit a JavaScript number when they are read.
        .dangerously_cast_bigints_to_number()
}

/// The TypeScript exporter for `ui/src/bindings.ts`.
pub fn typescript() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default().header("// @ts-nocheck\n/* eslint-disable */")
}

/// Wires a builder for any runtime, so tests can use `tauri::test::mock_builder()`.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    let specta = specta_builder::<R>();
    builder
        .invoke_handler(specta.invoke_handler())
        .setup(|app| {
            let state = AppState::new()?;
            let url = match std::env::var(SANDBOX_URL_ENV) {
                Ok(url) => url,
                Err(_) => {
                    let sandbox = tauri::async_runtime::block_on(Sandbox::start(
                        sandbox::Options::default(),
                    ))?;
                    let url = sandbox.url();
                    let _ = state.embedded.set(sandbox);
                    url
                }
            };
            let _ = state.sandbox_url.set(url);
            app.manage(state);
            Ok(())
        })
}

pub fn run() {
    if let Err(e) =
        build(tauri::Builder::default()).run(tauri::generate_context!("tauri.conf.json"))
    {
        eprintln!("DeepCall Desk could not start: {e}");
        std::process::exit(1);
    }
}
