//! Finding, reading and waiting for what the window shows, as a person
//! names it (by label, by button text, by heading); asking the app over its
//! own IPC; and pictures of the window.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use thirtyfour::prelude::*;

use super::{tauri_conf, App, POLL, WAIT};

pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

impl App {
    /// Waits for an element and returns it. An element the page replaced
    /// while it was being looked at (a list drawn again) is looked for
    /// again, as a person's eye would.
    pub async fn find(&self, by: By) -> WebElement {
        let what = format!("{by:?}");
        let deadline = Instant::now() + WAIT;
        loop {
            match self.driver.query(by.clone()).wait(WAIT, POLL).first().await {
                Ok(found) => return found,
                Err(e) if e.to_string().contains("stale") && Instant::now() < deadline => {
                    tokio::time::sleep(POLL).await;
                }
                Err(e) => panic!("{what} did not appear: {e}"),
            }
        }
    }

    /// Waits for an element and returns its text as shown.
    pub async fn text_of(&self, by: By) -> String {
        self.find(by).await.text().await.expect("text")
    }

    /// Waits for the element whose `data-testid` is `id`; returns its text
    /// with its white space folded.
    pub async fn testid_text(&self, id: &str) -> String {
        self.text_of(By::Css(format!("[data-testid='{id}']")))
            .await
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The texts of the elements matching `css` now, in order.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for el in self.driver.find_all(By::Css(css)).await.unwrap() {
            out.push(el.text().await.unwrap().trim().to_owned());
        }
        out
    }

    /// A button by its accessible text, as a person would name it.
    pub async fn button(&self, starts_with: &str) -> WebElement {
        self.find(By::XPath(format!(
            "//button[starts-with(normalize-space(.), '{starts_with}')]"
        )))
        .await
    }

    /// An input by the text of its label, as a person finds it.
    pub async fn field(&self, label: &str) -> WebElement {
        self.find(By::XPath(format!(
            "//input[@id=//label[normalize-space(.)='{label}']/@for]"
        )))
        .await
    }

    /// A switch (`role="switch"`) by the text of the label that names it.
    pub async fn switch(&self, label: &str) -> WebElement {
        self.find(By::XPath(format!(
            "//*[@role='switch'][@aria-labelledby=//*[normalize-space(.)='{label}']/@id]"
        )))
        .await
    }

    /// Whether a switch is on, as assistive technology reads it.
    pub async fn switch_is_on(&self, label: &str) -> bool {
        let s = self.switch(label).await;
        s.attr("aria-checked")
            .await
            .expect("aria-checked")
            .as_deref()
            == Some("true")
    }

    /// The name shown as the active account in the header.
    pub async fn active_account(&self) -> String {
        let ret = self
            .driver
            .execute(
                "const s = document.getElementById('account-switch'); return s ? s.selectedOptions[0].text : null;",
                Vec::new(),
            )
            .await
            .expect("script runs");
        ret.json().as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the main heading reads `text`.
    pub async fn wait_heading(&self, text: &str) {
        self.find(By::XPath(format!("//h1[normalize-space(.)='{text}']")))
            .await;
    }

    /// Waits until an element whose own text contains `text` appears.
    pub async fn wait_text(&self, text: &str) -> WebElement {
        self.find(By::XPath(format!(
            "//*[contains(normalize-space(.), '{text}')][not(*[contains(normalize-space(.), '{text}')])]"
        )))
        .await
    }

    /// Runs a script in the window until it returns true; fails after
    /// [`WAIT`] naming `what` was awaited.
    pub async fn wait_until(&self, script: &str, what: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let ret = self
                .driver
                .execute(script, Vec::new())
                .await
                .expect("script runs");
            if ret.json().as_bool() == Some(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting: {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The open modal dialog's text, or `None` when no dialog is open.
    pub async fn open_dialog_text(&self) -> Option<String> {
        let ret = self
            .driver
            .execute(
                "const d = document.querySelector('dialog[open]'); return d ? d.innerText : null;",
                Vec::new(),
            )
            .await
            .expect("script runs");
        ret.json().as_str().map(str::to_owned)
    }

    /// Waits until no modal dialog is open.
    pub async fn wait_dialog_closed(&self) {
        let deadline = Instant::now() + WAIT;
        while self.open_dialog_text().await.is_some() {
            assert!(Instant::now() < deadline, "the dialog did not close");
            tokio::time::sleep(POLL).await;
        }
    }

    /// Calls a command through the app's own IPC, as the UI does.
    pub async fn invoke(&self, command: &str, args: serde_json::Value) -> serde_json::Value {
        let ret = self
            .driver
            .execute_async(
                r#"const [cmd, args, done] = arguments;
                   window.__TAURI_INTERNALS__.invoke(cmd, args)
                     .then((data) => done({ ok: data }), (error) => done({ error }));"#,
                vec![json!(command), args],
            )
            .await
            .expect("script runs");
        ret.json().clone()
    }

    /// Records every IPC reply the UI receives from now on.
    pub async fn record_ipc(&self) {
        let installed = self
            .driver
            .execute(
                r#"// Tauri's IPC answers arrive as responses to fetch() calls to
                   // its ipc: protocol; keep a copy of every body.
                   const original = window.fetch;
                   window.__ipcReplies = window.__ipcReplies || [];
                   window.fetch = async (input, init) => {
                     const response = await original(input, init);
                     const url = typeof input === "string" ? input : input.url;
                     if (url.startsWith("ipc:") || url.startsWith("http://ipc.localhost")) {
                       window.__ipcReplies.push(await response.clone().text());
                     }
                     return response;
                   };
                   return window.fetch !== original;"#,
                Vec::new(),
            )
            .await
            .expect("script runs");
        assert_eq!(
            installed.json(),
            &serde_json::Value::Bool(true),
            "the IPC recorder could not be installed"
        );
    }

    /// The IPC replies recorded since [`App::record_ipc`].
    pub async fn ipc_replies(&self) -> Vec<String> {
        let ret = self
            .driver
            .execute("return window.__ipcReplies || [];", Vec::new())
            .await
            .expect("script runs");
        ret.json()
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Saves the window as `target/screenshots/<name>.png`, as painted.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // The DOM can be ahead of what is painted: wait for fonts, images and
        // two animation frames so the picture shows what the test asserted.
        self.driver
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   Promise.all([
                     document.fonts.ready,
                     ...Array.from(document.images, (img) => img.decode().catch(() => {})),
                   ]).then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));"#,
                Vec::new(),
            )
            .await
            .expect("page settles");
        let path = screenshot_dir().join(format!("{name}.png"));
        super::x11::screenshot_window(self.pid(), &window_title(), &path);
        path
    }

    /// Clicks the element matching `css` as a person would: in view inside
    /// the app's scrolling area and with the page at rest. (WebKitGTK's
    /// WebDriver does not scroll that inner area, so a click on a button
    /// below its fold can land beside it.)
    pub async fn click_at_rest(&self, css: &str) {
        self.scroll_to(css).await;
        self.driver
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                Vec::new(),
            )
            .await
            .expect("the page settles");
        self.find(By::Css(css)).await.click().await.expect("click");
    }

    /// Scrolls the main area so the element matching `css` is at its top
    /// (for screenshots of a part of a long screen).
    pub async fn scroll_to(&self, css: &str) {
        self.driver
            .execute(
                r#"const el = document.querySelector(arguments[0]);
                   const main = el && el.closest("main");
                   if (main) main.scrollTop += el.getBoundingClientRect().top - main.getBoundingClientRect().top - 12;"#,
                vec![serde_json::json!(css)],
            )
            .await
            .expect("script runs");
    }
}

/// The app window's title, as `tauri.conf.json` gives it.
fn window_title() -> String {
    tauri_conf()["app"]["windows"][0]["title"]
        .as_str()
        .expect("the window has a title")
        .to_owned()
}
