//! What the end-to-end tests share, in two layers.
//!
//! The screens ([`screens`]): the steps a manager takes on each screen of
//! the app and what the tests read from it, as `app.groups()`,
//! `app.contacts()`, `app.bulk()`, `app.history()`, `app.lineups()` and
//! `app.accounts()`.
//!
//! Below them, the mechanisms: starting the app ([`launch`]) in a home of
//! its own ([`home`]), finding and reading what it shows ([`queries`]), the
//! steps any screen shares ([`steps`]) and the keyboard ([`keyboard`]),
//! axe-core ([`a11y`]), the X screen outside the page ([`x11`]), the ports
//! the app listens on ([`sockets`]), what reached the sandbox
//! ([`requests`]), the 50-row bulk file ([`bulk_file`]) and the figures
//! written to `target/measurements` ([`measure`]).
//!
//! The app is driven over WebDriver: `/usr/bin/WebKitWebDriver` started by
//! the test itself, the built app binary, and a sandbox server in this test
//! process whose request log the tests read. Needs `DISPLAY` (the test
//! command runs under Xvfb). The release figures (`measure_release/`) start
//! the release app through the same code.

pub mod a11y;
pub mod bulk_file;
pub mod home;
pub mod keyboard;
pub mod launch;
pub mod measure;
pub mod queries;
pub mod requests;
pub mod screens;
pub mod sockets;
pub mod steps;
pub mod x11;

use std::sync::OnceLock;
use std::time::Duration;

pub use home::TempDir;
pub use launch::{App, BareBus, Launch};

/// How long any wait for the window lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);
/// How often a wait looks again.
pub const POLL: Duration = Duration::from_millis(100);

/// The app's `tauri.conf.json`: its window's title, its identifier.
pub fn tauri_conf() -> &'static serde_json::Value {
    static CONF: OnceLock<serde_json::Value> = OnceLock::new();
    CONF.get_or_init(|| {
        serde_json::from_str(include_str!("../../../tauri.conf.json")).expect("tauri.conf.json")
    })
}
