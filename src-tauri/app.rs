//! Builds the Tauri app: state, commands, window. Kept short on purpose.

use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_window_state::StateFlags;

use crate::commands;
use crate::commands::{AppState, SandboxPlace};
use crate::credentials::vault::PLATFORM_STORE;
use crate::credentials::{self, Accounts};
use crate::deepcall::{Http, HttpConfig};
use crate::folders;
use crate::history;
use crate::logging;
use crate::recent::RecentGroups;

/// Points the app at an already running sandbox (tests use this to read the
/// sandbox's request log); otherwise the app starts its own when Sandbox
/// mode first needs it.
pub const SANDBOX_URL_ENV: &str = "DEEPCALL_DESK_SANDBOX_URL";

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
            commands::history::history_overview,
            commands::history::history_note_seen,
            commands::history::history_page,
            commands::history::check_history,
            commands::history::export_history::<tauri::Wry>,
            commands::history::history_tidy_estimate,
            commands::history::history_tidy,
            commands::contacts::contact_from_history,
            commands::bulk::bulk_choose_file::<tauri::Wry>,
            commands::bulk::bulk_preview,
            commands::bulk::bulk_preview_rows,
            commands::bulk::bulk_start,
            commands::bulk::bulk_resume,
            commands::bulk::bulk_watch,
            commands::bulk::bulk_control,
            commands::bulk::bulk_unfinished,
            commands::bulk::bulk_results,
            commands::bulk::bulk_save_results::<tauri::Wry>,
            commands::about::about,
            commands::about::open_log_folder,
        ])
        // The address most accounts use, for the account form.
        .constant("DEFAULT_HOST", crate::deepcall::DEFAULT_HOST)
        // The contact editor's fields: the UI renders the form from these.
        .typ::<crate::deepcall::directory::field::FieldSpec>()
        .constant(
            "CONTACT_FIELDS",
            crate::deepcall::directory::field::catalogue(),
        )
        // History's outcomes in the manager's words, for its filter and list.
        .constant("HISTORY_OUTCOMES", crate::history::outcome_words())
        .constant("HISTORY_PURPOSES", crate::history::purpose_words())
        // The account id History keeps the Sandbox's own changes under.
        .constant("SANDBOX_ACCOUNT", crate::history::SANDBOX_ACCOUNT)
        // The ages History's tidy-up offers, in days, and the one offered first.
        .constant("TIDY_DAY_CHOICES", crate::history::tidy::DAY_CHOICES)
        .constant("TIDY_DEFAULT_DAYS", crate::history::tidy::DEFAULT_DAYS)
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
    if let Some(window) = app.get_webview_window("main") {
        window.with_webview(tune_webview)?;
    }
    Ok(())
}

/// WebKit settings that cost a manager nothing they would notice:
/// - no compositing on the GPU. The screens are text, lists and forms,
///   with no video, WebGL or 3D; composited, WebKit keeps layer buffers
///   (about 70 MiB more, measured), and where GL is Mesa's software
///   renderer (virtual machines, remote desktops, no GPU driver) it paints
///   a 10,000-member group about three times slower than painting directly
///   (`DEEPCALL_DESK_COMPOSITING=1` keeps WebKit's default, to
///   compare);
/// - the cache model of a document viewer: the app's pages come from the
///   app itself, so WebKit's memory cache for web pages buys nothing.
fn tune_webview(webview: tauri::webview::PlatformWebview) {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        use webkit2gtk::{
            CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
        };
        let view = webview.inner();
        if std::env::var_os(COMPOSITING_ENV).is_none() {
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        }
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    }
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let _ = webview;
}

/// Set, WebKit composites on the GPU as it does by default (to compare).
#[cfg(all(unix, not(target_os = "macos")))]
pub const COMPOSITING_ENV: &str = "DEEPCALL_DESK_COMPOSITING";

/// JavaScriptCore's own switch for its optimising JIT compilers (DFG, and
/// FTL above it), read by WebKit's web process, which inherits the app's
/// environment.
pub const JIT_ENV: &str = "JSC_useDFGJIT";

/// The window's JavaScript runs without JavaScriptCore's optimising JIT
/// compilers, unless [`JIT_ENV`] is set (`JSC_useDFGJIT=1` keeps WebKit's
/// default, to compare); its interpreter and baseline JIT remain. The app's
/// own script is light: reading, sorting out and checking DeepCall's
/// answers is done in Rust, and the page at most filters and sorts a
/// group's members. Measured with `scripts/measure-release`, alternating
/// with `JSC_useDFGJIT=1`, 5 runs each: about 2.5 MiB less idle
/// and 7 MiB less with the 10,000-member group open, while searching or
/// sorting that group showed in 6-35 ms (6-34 ms with them; timed to the
/// animation frame), and opening it or changing who receives calls took
/// as long, within the machine's noise. Without any JIT (`JSC_useJIT=0`)
/// memory fell further, but the group's first drawing took longer. Only
/// `set_var` before any other thread starts is sound, so `run` calls this
/// first.
fn without_optimising_jit() {
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os(JIT_ENV).is_none() {
        std::env::set_var(JIT_ENV, "0");
    }
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

/// The app cannot start: says why in the log, and to the manager in a
/// native message box when there is a desktop to show it on, then exits.
fn cannot_start(detail: &str) -> ! {
    tracing::error!("DeepCall Desk could not start: {detail}");
    eprintln!("DeepCall Desk could not start: {detail}");
    if has_display() {
        let log = match logging::folder() {
            Some(folder) => format!("The details are in the log, in {}.", folder.display()),
            None => "It could not write a log either.".into(),
        };
        tell_the_manager(&format!(
            "Try opening it again; if it still does not start, tell your IT contact. {log}"
        ));
    }
    std::process::exit(1)
}

/// For tests only: set, the message the manager would see is logged and no
/// message box waits for a click, so a test can see the app exit.
pub const NO_MESSAGE_BOX_ENV: &str = "DEEPCALL_DESK_NO_MESSAGE_BOX";

/// Where to get the WebView2 Runtime: Microsoft's page with its Evergreen
/// Bootstrapper.
#[cfg(target_os = "windows")]
const WEBVIEW2_PAGE: &str = "https://developer.microsoft.com/microsoft-edge/webview2/";

/// Windows without the WebView2 Runtime (Windows 11 has it; Windows 10 has
/// it with Edge, nearly always) cannot show the window: the manager is told
/// what to install, before Tauri would fail with words of its own.
#[cfg(target_os = "windows")]
fn without_webview2(detail: &str) -> ! {
    tracing::error!("DeepCall Desk could not start: the WebView2 Runtime was not found ({detail})");
    tell_the_manager(&format!(
        "DeepCall Desk shows its window with Microsoft's WebView2 Runtime, which is not \
         installed on this computer. Install the WebView2 Runtime (its Evergreen Bootstrapper) \
         from {WEBVIEW2_PAGE}, or ask your IT contact to, then open DeepCall Desk again."
    ));
    std::process::exit(1)
}

/// A native message box, on this (the main) thread. On Linux that is the
/// thread GTK runs on, and it may be inside GTK's loop (in `setup`): a
/// dialog library with a GTK thread of its own would wait for it forever.
fn tell_the_manager(detail: &str) {
    const TITLE: &str = "DeepCall Desk could not start";
    tracing::info!("the manager is told: {detail}");
    if std::env::var_os(NO_MESSAGE_BOX_ENV).is_some() {
        return;
    }
    #[cfg(all(unix, not(target_os = "macos")))]
    if gtk::init().is_ok() {
        use gtk::prelude::*;
        let dialog = gtk::MessageDialog::new(
            None::<&gtk::Window>,
            gtk::DialogFlags::MODAL,
            gtk::MessageType::Error,
            gtk::ButtonsType::Ok,
            TITLE,
        );
        dialog.set_title(TITLE);
        dialog.set_secondary_text(Some(detail));
        dialog.run();
        dialog.close();
    }
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title(TITLE)
        .set_description(detail)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

/// Whether there is a desktop to open a window on (always, off Linux).
fn has_display() -> bool {
    cfg!(not(all(unix, not(target_os = "macos"))))
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
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
        without_webview2(&e.to_string());
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
