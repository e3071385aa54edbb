//! Drives the real DeepCall Desk window over WebDriver: tauri-driver in front
//! of WebKitWebDriver, the built app binary, and a sandbox server in this
//! test process whose request log the tests read.
//!
//! Needs `DISPLAY` (the test command runs under Xvfb), `tauri-driver` on PATH
//! and `/usr/bin/WebKitWebDriver`.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use deepcall_desk::sandbox::{Options, Sandbox};
use serde_json::json;
use thirtyfour::prelude::*;

pub const WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);

/// tauri-driver and everything it started (WebKitWebDriver, the app), as one
/// process group that is stopped with SIGTERM when dropped.
struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: a killed tauri-driver orphans WebKitWebDriver.
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

/// One running app, its sandbox, and a WebDriver session to it.
pub struct App {
    pub driver: WebDriver,
    pub sandbox: Arc<Sandbox>,
    /// The app's own config, data and cache directories, and
    /// `app-output.log` with everything the app and drivers printed.
    _home: Arc<TempDir>,
    _tauri_driver: Driver,
}

/// How to start the app: a sandbox and home to share across a restart,
/// and extra environment for the app.
pub struct Launch {
    pub tag: &'static str,
    pub sandbox: Option<Arc<Sandbox>>,
    pub home: Option<Arc<TempDir>>,
    pub env: Vec<(String, String)>,
}

impl Launch {
    pub fn new(tag: &'static str) -> Self {
        Self {
            tag,
            sandbox: None,
            home: None,
            env: Vec::new(),
        }
    }
}

/// A scratch directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("deepcall-e2e-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl App {
    /// Starts a sandbox and the app pointed at it, and waits for the window.
    pub async fn launch(tag: &'static str) -> Self {
        Self::launch_with(Launch::new(tag)).await
    }

    pub async fn launch_with(launch: Launch) -> Self {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "DISPLAY is not set: run the end-to-end tests under Xvfb (the README's test command does)"
        );
        let sandbox = match launch.sandbox {
            Some(s) => s,
            None => Arc::new(
                Sandbox::start(Options::default())
                    .await
                    .expect("sandbox starts"),
            ),
        };
        let home = launch
            .home
            .unwrap_or_else(|| Arc::new(TempDir::new(launch.tag)));
        let output = home.0.join("app-output.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&output)
            .expect("open the app's output log");
        let (port, native_port) = (free_port(), free_port());
        let mut command = Command::new("tauri-driver");
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
                "--native-driver",
                "/usr/bin/WebKitWebDriver",
            ])
            // These reach the app: tauri-driver and WebKitWebDriver pass their
            // environment on. Each app gets its own config, data and cache.
            .env("DEEPCALL_DESK_SANDBOX_URL", sandbox.url())
            .env("XDG_CONFIG_HOME", home.0.join("config"))
            .env("XDG_DATA_HOME", home.0.join("data"))
            .env("XDG_CACHE_HOME", home.0.join("cache"))
            .env("NO_AT_BRIDGE", "1")
            .envs(launch.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .process_group(0)
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log);
        let child = command
            .spawn()
            .expect("tauri-driver runs (install it with `cargo install tauri-driver --locked`)");
        let tauri_driver = Driver { child };
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut caps = Capabilities::new();
        caps.set(
            "tauri:options",
            json!({ "application": env!("CARGO_BIN_EXE_deepcall-desk"), "args": [] }),
        )
        .expect("capabilities");
        // tauri-driver can accept the connection a moment before it can
        // serve it: retry the session request a few times, briefly.
        let mut attempt = 0;
        let driver = loop {
            attempt += 1;
            match WebDriver::builder(format!("http://127.0.0.1:{port}"), caps.clone())
                .request_timeout(Duration::from_secs(60))
                .await
            {
                Ok(driver) => break driver,
                Err(e) if attempt < 3 && format!("{e:?}").contains("HttpError") => {
                    eprintln!("WebDriver session attempt {attempt} failed ({e}); retrying");
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => panic!("a WebDriver session with the app: {e:?}"),
            }
        };
        let app = Self {
            driver,
            sandbox,
            _home: home,
            _tauri_driver: tauri_driver,
        };
        // The frame is ready once the active account is shown.
        app.find(By::Css("[data-testid='active-account']")).await;
        app
    }

    /// Waits for an element and returns it.
    pub async fn find(&self, by: By) -> WebElement {
        let what = format!("{by:?}");
        self.driver
            .query(by)
            .wait(WAIT, POLL)
            .first()
            .await
            .unwrap_or_else(|e| panic!("{what} did not appear: {e}"))
    }

    /// A button by its accessible text, as a person would name it.
    pub async fn button(&self, starts_with: &str) -> WebElement {
        self.find(By::XPath(format!(
            "//button[starts-with(normalize-space(.), '{starts_with}')]"
        )))
        .await
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

    /// Saves the window as `target/screenshots/<name>.png`.
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
        let png = self.driver.screenshot_as_png().await.expect("screenshot");
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
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

    /// An input by the text of its label, as a person finds it.
    pub async fn field(&self, label: &str) -> WebElement {
        self.find(By::XPath(format!(
            "//input[@id=//label[normalize-space(.)='{label}']/@for]"
        )))
        .await
    }

    /// Replaces an input's value by typing, as a person does.
    pub async fn type_into(&self, label: &str, text: &str) {
        let input = self.field(label).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    /// Waits until an element whose own text contains `text` appears.
    pub async fn wait_text(&self, text: &str) -> WebElement {
        self.find(By::XPath(format!(
            "//*[contains(normalize-space(.), '{text}')][not(*[contains(normalize-space(.), '{text}')])]"
        )))
        .await
    }

    /// Opens a screen from the main navigation and waits for its heading.
    pub async fn go(&self, screen: &str) {
        self.button(screen).await.click().await.expect("click");
        self.wait_heading(screen).await;
    }

    /// In the account form, picks the Session ID sign-in method.
    pub async fn choose_session_id(&self) {
        self.find(By::XPath(
            "//label[normalize-space(.)='Session ID']/input[@type='radio']",
        ))
        .await
        .click()
        .await
        .expect("click");
        self.field("Session ID").await;
    }

    /// Presses Check connection and waits for a verdict starting with `outcome`.
    pub async fn check_connection(&self, outcome: &str) {
        self.button("Check connection")
            .await
            .click()
            .await
            .expect("click");
        self.find(By::XPath(format!(
            "//*[@data-testid='check-result'][starts-with(normalize-space(.), '{outcome}')]"
        )))
        .await;
    }

    /// Presses the open confirmation's "Remove “name”" and waits for the outcome.
    pub async fn confirm_removal(&self, name: &str) {
        self.find(By::XPath(format!(
            "//dialog[@open]//button[normalize-space(.)='Remove “{name}”']"
        )))
        .await
        .click()
        .await
        .expect("click");
        self.wait_text(&format!("“{name}” was removed")).await;
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

    /// Runs axe-core inside the window on what it shows now and fails with
    /// every violation: rule, impact, help and the elements' selectors.
    pub async fn assert_accessible(&self, screen_name: &str) {
        self.assert_accessible_except(screen_name, &[]).await;
    }

    /// As [`App::assert_accessible`], but violations of the rules in `known`
    /// are printed instead of failing: for an explicit, reviewed allow-list.
    pub async fn assert_accessible_except(&self, screen_name: &str, known: &[&str]) {
        let report = self.axe().await;
        let violations = report["violations"].as_array().cloned().unwrap_or_default();
        let (allowed, failing): (Vec<_>, Vec<_>) = violations
            .iter()
            .partition(|v| known.contains(&v["id"].as_str().unwrap_or_default()));
        let needs_review = report["incomplete"].as_array().cloned().unwrap_or_default();
        eprintln!(
            "axe-core {} on \"{screen_name}\": {} rules passed, {} violated ({} allow-listed), {} to review by hand",
            report["engine"].as_str().unwrap_or("?"),
            report["passes"],
            violations.len(),
            allowed.len(),
            needs_review.len(),
        );
        // Not failures: axe could not decide these (for example the contrast
        // of text scrolled out of view). Printed for a person to look at.
        for v in &needs_review {
            eprintln!("  needs review:\n{}", describe_violation(v));
        }
        for v in &allowed {
            eprintln!(
                "  known (allow-listed) violation on \"{screen_name}\":\n{}",
                describe_violation(v)
            );
        }
        if !failing.is_empty() {
            let slug: String = screen_name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            let shot = self.screenshot(&format!("a11y-{slug}")).await;
            let list: Vec<String> = failing.iter().map(|v| describe_violation(v)).collect();
            panic!(
                "{} accessibility violation(s) on \"{screen_name}\" (screenshot: {}):\n{}",
                failing.len(),
                shot.display(),
                list.join("\n")
            );
        }
    }

    /// Injects axe-core (once per page) and runs its default rule set on the
    /// whole document, after fonts and two animation frames have settled.
    async fn axe(&self) -> serde_json::Value {
        let loaded = self
            .driver
            .execute("return typeof window.axe === 'object';", Vec::new())
            .await
            .expect("script runs");
        if loaded.json() != &serde_json::Value::Bool(true) {
            // The app's CSP forbids loading scripts from elsewhere; WebDriver's
            // execute is not subject to it.
            let injected = self
                .driver
                .execute(
                    format!("{}\n;return typeof window.axe === 'object';", axe_source()),
                    Vec::new(),
                )
                .await
                .expect("axe-core injects");
            assert_eq!(
                injected.json(),
                &serde_json::Value::Bool(true),
                "axe-core did not load in the window"
            );
        }
        let ret = self
            .driver
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
                   const brief = (v) => ({
                     id: v.id,
                     impact: v.impact,
                     help: v.help,
                     helpUrl: v.helpUrl,
                     nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
                   });
                   document.fonts.ready
                     .then(frames)
                     .then(() => window.axe.run(document, { resultTypes: ["violations"] }))
                     .then(
                       (r) => done({
                         engine: r.testEngine.version,
                         passes: r.passes.length,
                         violations: r.violations.map(brief),
                         // With resultTypes limited to violations, axe keeps one
                         // example node for each rule it could not decide.
                         incomplete: r.incomplete.map(brief),
                       }),
                       (e) => done({ error: String((e && e.stack) || e) }),
                     );"#,
                Vec::new(),
            )
            .await
            .expect("axe-core runs");
        let report = ret.json().clone();
        assert!(
            report.get("error").is_none(),
            "axe-core failed: {}",
            report["error"]
        );
        report
    }

    pub async fn close(self) {
        let App {
            driver,
            _tauri_driver,
            ..
        } = self;
        let _ = driver.quit().await;
        drop(_tauri_driver);
    }
}

/// A private session bus with no services at all: no Secret Service provider.
/// Give its address to the app as `DBUS_SESSION_BUS_ADDRESS`.
pub struct BareBus {
    child: std::process::Child,
    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    _dir: TempDir,
}

impl BareBus {
    pub fn start() -> Self {
        let dir = TempDir::new("bare-bus");
        let config = dir.0.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
                dir.0.display()
            ),
        )
        .unwrap();
        let mut child = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon runs");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        Self {
            child,
            address: line.trim().to_owned(),
            _dir: dir,
        }
    }
}

impl Drop for BareBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// axe-core as installed by npm in `ui/` (an exact-pinned devDependency).
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; install the UI's packages first (`cd ui && npm ci`)",
                path.display()
            )
        })
    })
}

/// One axe violation as lines a person can act on.
fn describe_violation(v: &serde_json::Value) -> String {
    let mut out = format!(
        "- {} [{}]: {} ({})",
        v["id"].as_str().unwrap_or("?"),
        v["impact"].as_str().unwrap_or("no impact given"),
        v["help"].as_str().unwrap_or_default(),
        v["helpUrl"].as_str().unwrap_or_default(),
    );
    for node in v["nodes"].as_array().into_iter().flatten() {
        let target = match &node["target"] {
            serde_json::Value::Array(parts) => parts
                .iter()
                .map(|p| {
                    p.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| p.to_string())
                })
                .collect::<Vec<_>>()
                .join(" >>> "),
            other => other.to_string(),
        };
        let summary = node["summary"]
            .as_str()
            .unwrap_or_default()
            .replace('\n', "\n        ");
        out.push_str(&format!(
            "\n    at {target}\n      {}\n      {summary}",
            node["html"].as_str().unwrap_or_default()
        ));
    }
    out
}

// ---- Contacts helpers ---------------------------------------------------------

impl App {
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

    /// The id and text of the element that has the keyboard focus.
    pub async fn focused(&self) -> (String, String) {
        let ret = self
            .driver
            .execute(
                "const a = document.activeElement; return a ? [a.id || '', (a.innerText || a.value || '').trim()] : ['', ''];",
                Vec::new(),
            )
            .await
            .expect("script runs");
        let v = ret.json();
        (
            v[0].as_str().unwrap_or_default().to_owned(),
            v[1].as_str().unwrap_or_default().to_owned(),
        )
    }

    /// Presses keys on whatever has the focus, as a keyboard does.
    pub async fn press(&self, keys: impl Into<thirtyfour::TypingData>) {
        // Key actions go to whatever has the focus, as a keyboard's do; an
        // element's send_keys would first move the focus to that element.
        self.driver
            .action_chain()
            .send_keys(keys)
            .perform()
            .await
            .expect("keys");
    }

    /// Presses Tab until the element with `id` has the focus; fails after `max` presses.
    pub async fn tab_to(&self, id: &str, max: usize) {
        for _ in 0..max {
            if self.focused().await.0 == id {
                return;
            }
            self.press(Key::Tab).await;
        }
        assert_eq!(
            self.focused().await.0,
            id,
            "Tab did not reach #{id} in {max} presses"
        );
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
}

impl App {
    /// Sets a date field to `iso` (YYYY-MM-DD) the way its date picker does:
    /// the value, then `input` and `change` events. (WebKitGTK's segmented
    /// date field does not take typed digits over WebDriver reliably.)
    pub async fn pick_date(&self, label: &str, iso: &str) {
        let input = self.field(label).await;
        self.driver
            .execute(
                r#"const [el, v] = arguments;
                   el.focus();
                   el.value = v;
                   el.dispatchEvent(new Event("input", { bubbles: true }));
                   el.dispatchEvent(new Event("change", { bubbles: true }));"#,
                vec![input.to_json().expect("element"), serde_json::json!(iso)],
            )
            .await
            .expect("script runs");
        assert_eq!(input.value().await.unwrap().as_deref(), Some(iso));
    }
}

impl App {
    /// Presses Shift+Tab until the element with `id` has the focus.
    pub async fn tab_back_to(&self, id: &str, max: usize) {
        for _ in 0..max {
            if self.focused().await.0 == id {
                return;
            }
            self.press(Key::Shift + Key::Tab).await;
        }
        assert_eq!(
            self.focused().await.0,
            id,
            "Shift+Tab did not reach #{id} in {max} presses"
        );
    }
}

impl App {
    /// Ctrl + `key` on whatever has the focus (Ctrl+A selects a field's text).
    pub async fn press_ctrl(&self, key: char) {
        self.driver
            .action_chain()
            .key_down(Key::Control)
            .send_keys(key.to_string())
            .key_up(Key::Control)
            .perform()
            .await
            .expect("keys");
    }
}

impl App {
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
