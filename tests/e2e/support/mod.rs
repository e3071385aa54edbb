//! What the end-to-end tests share, by what it does: starting the app
//! ([`launch`]), finding and reading what it shows ([`queries`]), the steps a
//! manager takes with the mouse ([`steps`]) and the keyboard ([`keyboard`]),
//! axe-core ([`a11y`]), the X screen outside the page ([`x11`]), the ports
//! the app listens on ([`sockets`]) and the figures written to
//! `target/measurements` ([`measure`]).
//!
//! The app is driven over WebDriver: `/usr/bin/WebKitWebDriver` started by
//! the test itself, the built app binary, and a sandbox server in this test
//! process whose request log the tests read. Needs `DISPLAY` (the test
//! command runs under Xvfb).

pub mod a11y;
pub mod keyboard;
pub mod launch;
pub mod measure;
pub mod queries;
pub mod sockets;
pub mod steps;
pub mod x11;

use std::time::Duration;

pub use launch::{App, BareBus, Launch, TempDir};

/// How long any wait for the window lasts before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);
/// How often a wait looks again.
pub const POLL: Duration = Duration::from_millis(100);
