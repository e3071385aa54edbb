//! Builds the Tauri app: state, commands, window. Kept short on purpose.

use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_window_state::StateFlags;

use crate::cannot_start::{cannot_start, has_display};
use crate::commands;
use crate::commands::{AppState, SandboxPlace};
use crate::credentials::vault::PLATFORM_STORE;
use crate::credentials::{self, Accounts};
use crate::deepcall::{Http, HttpConfig};
use crate::folders;
use crate::history;
use crate::logging;
use crate::recent::RecentGroups;
use crate::webview_tuning::{tune_webview, without_optimising_jit};

/// Points the app at an already running sandbox (tests use this to read the
/// sandbox's request log); otherwise the app starts its own when Sandbox
/// mode first needs it.
pub const SANDBOX_URL_ENV: &str = "DEEPCALL_DESK_SANDBOX_URL";

/// Wires the app's plugins, commands and state into a builder.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    let specta = commands::specta_builder::<R>();
    builder
        // First of all: a second copy hands over to the running one (which
        // comes to the front) and exits before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            bring_forward(app)
        }))
        // The window's size and place, in the app's config folder.
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
                .build(),
        )
        // Used from Rust only (the export's save dialog); the window is
        // granted none of its commands.
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(specta.invoke_handler())
        .setup(|app| {
            // A failure here is the app not starting: the manager is told,
            // not only the terminal.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| set_up(app)));
            if !matches!(outcome, Ok(Ok(()))) {
                // Only the message, not a window that cannot work.
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.hide();
                }
            }
            match outcome {
                Ok(Ok(())) => Ok(()),
                // Debug: the engineer's detail (a DeepCall error's plain
                // words would hide it).
                Ok(Err(e)) => cannot_start(&format!("{e:?}")),
                Err(_) => cannot_start("a panic while starting (logged above)"),
            }
        })
}

/// Builds the shared state.
fn set_up<R: Runtime>(app: &mut tauri::App<R>) -> Result<(), Box<dyn std::error::Error>> {
    // The built-in Sandbox is started only when Sandbox mode needs it.
    let sandbox = SandboxPlace::new(std::env::var(SANDBOX_URL_ENV).ok());
    let identifier = &app.config().identifier;
    let no_home =
        || format!("this computer user has no home folder to keep {identifier}'s files in");
    let config_dir = folders::settings(identifier).ok_or_else(no_home)?;
    let data_dir = folders::data(identifier).ok_or_else(no_home)?;
    let accounts_file = config_dir.join("accounts.json");
    let accounts = Accounts::open(
        accounts_file,
        Arc::new(credentials::vault::open_platform_store),
    );
    if let Some(note) = accounts.load_note() {
        tracing::warn!("accounts file: {note}");
    }
    let state = AppState::new(
        Http::new(HttpConfig::default())?,
        sandbox,
        accounts,
        RecentGroups::new(config_dir.join("recent-groups.json")),
        data_dir.join(history::FILE_NAME),
    );
    // History is opened now, off the way to the window: entries a crash
    // cut off are marked *outcome unknown* before the manager looks.
    let opening = state.clone();
    tauri::async_runtime::spawn(async move {
        match opening.history().await {
            Ok(h) => tracing::info!(
                "history: open; {} change(s) found cut off",
                h.interrupted_at_start()
            ),
            Err(e) => tracing::error!("history: {}", e.message),
        }
    });
    // Opening the keyring may wait on D-Bus: not on the way to the window.
    let keyring = state.clone();
    tauri::async_runtime::spawn_blocking(move || match keyring.accounts().vault() {
        Ok(_) => tracing::info!("keyring: {PLATFORM_STORE}, working"),
        Err(problem) => tracing::warn!("keyring: {PLATFORM_STORE}, not usable: {problem:?}"),
    });
    app.manage(state);
    app.manage(commands::bulk::BulkSession::default());
    app.manage(commands::schedule::ScheduleSession::default());
    commands::schedule::start(app.handle());
    if let Some(window) = app.get_webview_window("main") {
        window.with_webview(tune_webview)?;
    }
    Ok(())
}

/// A second launch: show this window, in front, instead.
fn bring_forward<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!("a second copy was started: bringing this window forward instead");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

pub fn run() {
    // First, while this is the only thread.
    without_optimising_jit();
    // Before any secret is read. Debug builds keep core dumps, for the
    // engineer.
    let dumps_off = if cfg!(debug_assertions) {
        Ok(())
    } else {
        crate::core_dumps::turn_off()
    };
    let context = tauri::generate_context!("tauri.conf.json");
    logging::start(&context.config().identifier);
    tracing::info!(
        "DeepCall Desk {} starting; log folder: {}",
        env!("CARGO_PKG_VERSION"),
        logging::folder().map_or("(none)".into(), |f| f.display().to_string())
    );
    if let Err(e) = dumps_off {
        tracing::warn!("core dumps could not be turned off: {e}");
    }
    if !has_display() {
        let message = "DeepCall Desk needs a desktop to open its window, and none was found \
                       (DISPLAY and WAYLAND_DISPLAY are not set). Start it from the computer's \
                       own desktop session.";
        tracing::error!("{message}");
        eprintln!("{message}");
        std::process::exit(1);
    }
    #[cfg(target_os = "windows")]
    if let Err(e) = tauri::webview_version() {
        crate::cannot_start::without_webview2(&e.to_string());
    }
    match build(tauri::Builder::default()).build(context) {
        Ok(app) => app.run(|_, event| {
            if let tauri::RunEvent::Exit = event {
                tracing::info!("DeepCall Desk closed");
            }
        }),
        Err(e) => cannot_start(&e.to_string()),
    }
}
