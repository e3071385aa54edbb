//! When the app cannot start: the reason in the log, and a native message
//! box for the manager (no window can show it), then exit.

use crate::logging;

/// The app cannot start: says why in the log, and to the manager in a
/// native message box when there is a desktop to show it on, then exits.
pub fn cannot_start(detail: &str) -> ! {
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
pub fn without_webview2(detail: &str) -> ! {
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
pub fn has_display() -> bool {
    cfg!(not(all(unix, not(target_os = "macos"))))
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
}
