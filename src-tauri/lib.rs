//! DeepCall Desk: a desktop app for managers of a DeepCall call-centre account.
//!
//! The domain modules (`deepcall`, `history`, `sandbox`, `secret`) know nothing of Tauri;
//! `commands` is the only seam to the webview, and `app` builds and runs it.

pub mod bulk;
pub mod credentials;
pub mod csv_guard;
pub mod daily_files;
pub mod deepcall;
pub mod export;
pub mod files;
pub mod folders;
pub mod history;
pub mod lineups;
pub mod recent;
pub mod sandbox;
pub mod secret;
pub mod sending;
mod wiped;

#[cfg(test)]
mod freed_memory;

#[cfg(feature = "desktop")]
mod app;
#[cfg(feature = "desktop")]
mod cannot_start;
#[cfg(feature = "desktop")]
pub mod commands;
#[cfg(feature = "desktop")]
mod core_dumps;
#[cfg(feature = "desktop")]
mod logging;
#[cfg(feature = "desktop")]
mod webview_tuning;

#[cfg(feature = "desktop")]
pub use app::{build, run, SANDBOX_URL_ENV};
#[cfg(feature = "desktop")]
pub use commands::{specta_builder, typescript};
#[cfg(feature = "desktop")]
pub use webview_tuning::JIT_ENV;
