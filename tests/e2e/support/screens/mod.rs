//! The app's screens, one module each: the steps a manager takes on the
//! screen and what the tests read from it, reached from a running app as
//! `app.groups()`, `app.contacts()`, `app.bulk()`, `app.history()`,
//! `app.lineups()` (Line-ups and People) and `app.accounts()`; and, where a
//! screen's tests share one, the way to start the app on that screen. Built on the mechanisms of `support`.

pub mod accounts;
pub mod bulk;
pub mod contacts;
pub mod groups;
pub mod history;
pub mod lineups;

use std::sync::Arc;

use deepcall_desk::sandbox::Sandbox;

use super::{App, Launch};

/// Starts the app against `sandbox`, chooses to try the Sandbox on the
/// welcome screen, and opens `screen` from the navigation.
pub async fn launch_on(screen: &str, sandbox: Arc<Sandbox>, tag: &'static str) -> App {
    let app = App::launch_with(Launch {
        sandbox: Some(sandbox),
        ..Launch::new(tag)
    })
    .await;
    app.try_the_sandbox().await;
    app.go(screen).await;
    app
}
