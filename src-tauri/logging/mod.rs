//! The app's log, for engineers: daily files in the app's data folder
//! (`logs` in [`crate::folders::data`]), each of limited
//! size, the last [`KEEP_DAYS`] days kept, only this computer user's
//! (`file`). Started before Tauri, so that a start-up failure (no display, a
//! window that cannot open) is in it too, and with a panic hook.
//!
//! What goes in: start-up, each DeepCall call (module, endpoint, outcome,
//! duration: `deepcall::Client::call`) and the detail of its errors that the
//! manager is not shown, keyring trouble, panics. The domain modules log
//! through the `tracing` facade; this module only writes the file. Nothing
//! logged carries a request or answer body, and every server text has been
//! scrubbed of the account's secret by the client before it is logged.

mod file;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

pub use file::KEEP_DAYS;

/// Log files are named `deepcall-desk.<date>.log`.
const FILE_PREFIX: &str = "deepcall-desk";

static FOLDER: OnceLock<PathBuf> = OnceLock::new();

/// The folder the log files are written to, once [`start`] managed to open
/// one there.
pub fn folder() -> Option<&'static Path> {
    FOLDER.get().map(PathBuf::as_path)
}

/// Where the log files of the app with this identifier go.
fn folder_for(identifier: &str) -> Option<PathBuf> {
    Some(crate::folders::data(identifier)?.join("logs"))
}

/// Starts writing the log and logging panics. When no file can be written,
/// says so on stderr and the app runs without a log.
pub fn start(identifier: &str) {
    log_panics();
    let Some(dir) = folder_for(identifier) else {
        eprintln!("DeepCall Desk keeps no log: this account has no home folder.");
        return;
    };
    // The app's folder too: the log may be the first to make it.
    let made = dir
        .parent()
        .map_or(Ok(()), crate::files::create_private_dir)
        .and_then(|()| crate::files::create_private_dir(&dir));
    if let Err(e) = made {
        eprintln!(
            "DeepCall Desk keeps no log: {} cannot be made ({e}).",
            dir.display()
        );
        return;
    }
    let files = match file::DailyFiles::new(&dir, FILE_PREFIX) {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "DeepCall Desk keeps no log: {} cannot be written ({e}).",
                dir.display()
            );
            return;
        }
    };
    // This app's own lines from `info`; the libraries' (Tauri, WebKit
    // glue, HTTP) only when they warn.
    let filter = Targets::new()
        .with_target(env!("CARGO_CRATE_NAME"), Level::INFO)
        .with_default(Level::WARN);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(files)
        .with_ansi(false)
        .with_filter(filter);
    if tracing_subscriber::registry()
        .with(layer)
        .try_init()
        .is_ok()
    {
        let _ = FOLDER.set(dir);
    }
}

/// A panic is logged (message and place in the code) before the default
/// hook prints it.
fn log_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(target: "deepcall_desk::panic", "DeepCall Desk stopped on an internal error: {info}");
        previous(info);
    }));
}
