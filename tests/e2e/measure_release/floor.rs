//! The floor the app's start-up and memory are set beside: WebKitGTK's own
//! MiniBrowser, started through WebKitWebDriver as the app is, showing an
//! empty page.

use std::path::PathBuf;
use std::time::Duration;

use thirtyfour::prelude::*;

use crate::support::home::{app_environment, TempDir};
use crate::support::launch::Browser;
use crate::support::measure::{memory_of_tree, Memory};
use crate::support::WAIT;

/// WebKitGTK's own browser, which WebKitWebDriver can drive like the app:
/// the floor that the app's start-up time and memory are compared with.
fn minibrowser() -> PathBuf {
    PathBuf::from(format!(
        "/usr/lib/{}-linux-gnu/webkit2gtk-4.1/MiniBrowser",
        std::env::consts::ARCH
    ))
}

/// MiniBrowser started through WebKitWebDriver, as the app is, showing an
/// empty page.
pub struct Floor {
    browser: Browser,
    /// From starting MiniBrowser to the empty page's content being there.
    pub first_content: Duration,
    _dir: TempDir,
}

/// How WebKit draws and runs script: the app draws without compositing
/// (`app::tune_webview`) and runs its script without the optimising JIT
/// compilers (`app::without_optimising_jit`), neither of which is WebKit's
/// default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebKitMode {
    /// As the app: no compositing, no optimising JIT.
    AsTheApp,
    /// WebKit's default: composited on the GPU (here, Mesa's software GL),
    /// with every JIT compiler.
    Default,
}

impl Floor {
    /// MiniBrowser drawing and running script as the app does.
    pub async fn launch() -> Self {
        Self::launch_in(WebKitMode::AsTheApp).await
    }

    pub async fn launch_in(mode: WebKitMode) -> Self {
        let dir = TempDir::new("floor");
        let mut env = app_environment(&dir.0, None);
        match mode {
            WebKitMode::AsTheApp => {
                // What the app's hardware-acceleration policy "never" does,
                // for a browser that has no option for it.
                env.push(("WEBKIT_DISABLE_COMPOSITING_MODE".into(), "1".into()));
                // As `app::without_optimising_jit`: its default, unless
                // this process's environment sets it for both (to compare).
                if std::env::var_os(deepcall_desk::JIT_ENV).is_none() {
                    env.push((deepcall_desk::JIT_ENV.into(), "0".into()));
                }
            }
            // Set in this process's environment (to compare), they would
            // reach MiniBrowser too.
            WebKitMode::Default => env.push((deepcall_desk::JIT_ENV.into(), "1".into())),
        }
        // MiniBrowser lets WebDriver drive it only when asked to; the app
        // is asked by TAURI_WEBVIEW_AUTOMATION instead.
        let browser = Browser::start(
            &minibrowser(),
            &["--automation"],
            &env,
            &dir.0.join("output.log"),
        )
        .await;
        browser
            .driver
            .goto("data:text/html,<!doctype html><title>floor</title><p id=floor>.</p>")
            .await
            .expect("MiniBrowser shows a page");
        browser
            .driver
            .query(By::Id("floor"))
            .wait(WAIT, Duration::from_millis(10))
            .first()
            .await
            .expect("the empty page's content");
        let first_content = browser.asked.elapsed();
        Self {
            browser,
            first_content,
            _dir: dir,
        }
    }

    pub fn memory(&self) -> Memory {
        memory_of_tree(self.browser.pid)
    }

    /// Ends the session; MiniBrowser and its WebKitWebDriver stop with it.
    pub async fn close(self) {
        let _ = self.browser.driver.quit().await;
    }
}
