//! Starting the app: a sandbox, a private home, WebKitWebDriver and a
//! WebDriver session whose browser is the built app; and a bare D-Bus for
//! the tests that need no Secret Service at all.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use deepcall_desk::sandbox::{Options, Sandbox};
use serde_json::json;
use thirtyfour::prelude::*;

use super::WAIT;

/// The WebDriver server WebKitGTK ships (Debian: `webkit2gtk-driver`).
const WEBKIT_WEBDRIVER: &str = "/usr/bin/WebKitWebDriver";

/// Names the app binary to test instead of the one cargo built for these
/// tests: the installed `/usr/bin/deepcall-desk`, or a release build.
pub const APP_BINARY_ENV: &str = "DEEPCALL_DESK_APP";

/// The app binary the tests start: `$DEEPCALL_DESK_APP`, else cargo's build.
pub fn app_binary() -> PathBuf {
    std::env::var_os(APP_BINARY_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_deepcall-desk")))
}

/// The environment an app gets: its own config, data and cache under
/// `home`, and the sandbox to use (`None`: the app starts its own).
pub fn app_environment(home: &Path, sandbox_url: Option<&str>) -> Vec<(String, String)> {
    let dir = |name: &str| home.join(name).display().to_string();
    let mut env = vec![
        ("XDG_CONFIG_HOME".into(), dir("config")),
        ("XDG_DATA_HOME".into(), dir("data")),
        ("XDG_CACHE_HOME".into(), dir("cache")),
        ("NO_AT_BRIDGE".into(), "1".into()),
    ];
    if let Some(url) = sandbox_url {
        env.push((deepcall_desk::SANDBOX_URL_ENV.into(), url.into()));
    }
    env
}

/// WebKitWebDriver and everything it started (the app and its WebKit
/// processes), as one process group that is stopped with SIGTERM when
/// dropped.
struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = -(self.child.id() as i32);
        unsafe { libc::kill(group, libc::SIGTERM) };
        let _ = self.child.wait();
        // The app holds its single-instance name on the session bus until
        // it is gone: the next test's app must not find it still there.
        let deadline = Instant::now() + Duration::from_secs(10);
        while unsafe { libc::kill(group, 0) } == 0 {
            if Instant::now() > deadline {
                unsafe { libc::kill(group, libc::SIGKILL) };
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// One running app, its sandbox, and a WebDriver session to it.
pub struct App {
    pub driver: WebDriver,
    pub sandbox: Arc<Sandbox>,
    /// From starting the app to its first screen being ready.
    pub ready_after: Duration,
    /// The app's own config, data and cache directories, and
    /// `app-output.log` with everything the app and the driver printed.
    _home: Arc<TempDir>,
    _webdriver: Driver,
}

/// How to start the app: a sandbox and home to share across a restart,
/// and extra environment for the app.
pub struct Launch {
    pub tag: &'static str,
    pub sandbox: Option<Arc<Sandbox>>,
    pub home: Option<Arc<TempDir>>,
    pub env: Vec<(String, String)>,
    /// The app is not given the test's sandbox address: in Sandbox mode it
    /// starts its own, as on a manager's computer. The test's sandbox is
    /// still there, for an account to point at.
    pub builtin_sandbox: bool,
}

impl Launch {
    pub fn new(tag: &'static str) -> Self {
        Self {
            tag,
            sandbox: None,
            home: None,
            env: Vec::new(),
            builtin_sandbox: false,
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

/// A browser started by its own WebKitWebDriver, and the WebDriver session
/// to it: the app, or (for the floor in `measure`) WebKitGTK's MiniBrowser.
pub struct Browser {
    pub driver: WebDriver,
    /// When the session was asked for, which is when the browser was
    /// started: the zero of a start-up time.
    pub asked: Instant,
    webdriver: Driver,
}

impl Browser {
    /// Starts WebKitWebDriver with `env` (it passes its environment on to
    /// the browser), then a session whose browser is `binary` started with
    /// `args`; everything
    /// they print is appended to `output`. Returns once the session exists,
    /// that is once the browser has started and connected.
    pub async fn start(
        binary: &Path,
        args: &[&str],
        env: &[(String, String)],
        output: &Path,
    ) -> Self {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "DISPLAY is not set: run the end-to-end tests under Xvfb (the README's test command does)"
        );
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(output)
            .expect("open the browser's output log");
        let port = free_port();
        let child = Command::new(WEBKIT_WEBDRIVER)
            .args([format!("--port={port}"), "--host=127.0.0.1".to_owned()])
            .env("NO_AT_BRIDGE", "1")
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .process_group(0)
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "{WEBKIT_WEBDRIVER} runs ({e}; Debian and Ubuntu ship it in webkit2gtk-driver)"
                )
            });
        let webdriver = Driver { child };
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "WebKitWebDriver did not start listening"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut caps = Capabilities::new();
        caps.set(
            "webkitgtk:browserOptions",
            json!({ "binary": binary, "args": args }),
        )
        .expect("capabilities");
        let asked = Instant::now();
        let driver = WebDriver::builder(format!("http://127.0.0.1:{port}"), caps)
            .request_timeout(Duration::from_secs(60))
            .await
            .unwrap_or_else(|e| panic!("a WebDriver session with {}: {e:?}", binary.display()));
        Self {
            driver,
            asked,
            webdriver,
        }
    }

    /// The process id of the browser itself (WebKitWebDriver's child).
    pub fn pid(&self) -> u32 {
        super::measure::child_of(self.webdriver.child.id())
    }

    pub async fn close(self) {
        let _ = self.driver.quit().await;
    }
}

impl App {
    /// Starts a sandbox and the app pointed at it, and waits for the window.
    pub async fn launch(tag: &'static str) -> Self {
        Self::launch_with(Launch::new(tag)).await
    }

    pub async fn launch_with(launch: Launch) -> Self {
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
        let mut env: Vec<(String, String)> = vec![
            // Tauri lets WebDriver automate its webview only with this set.
            ("TAURI_WEBVIEW_AUTOMATION".into(), "true".into()),
        ];
        let given = (!launch.builtin_sandbox).then(|| sandbox.url());
        env.extend(app_environment(&home.0, given.as_deref()));
        env.extend(launch.env);
        // The browser WebKitWebDriver starts is the app itself.
        let Browser {
            driver,
            asked,
            webdriver,
        } = Browser::start(&app_binary(), &[], &env, &output).await;
        let mut app = Self {
            driver,
            sandbox,
            ready_after: Duration::ZERO,
            _home: home,
            _webdriver: webdriver,
        };
        // The frame is ready once the active account is shown: looked for
        // often, since this is also the start-up time `measure` reports.
        app.driver
            .query(By::Css("[data-testid='active-account']"))
            .wait(WAIT, Duration::from_millis(10))
            .first()
            .await
            .unwrap_or_else(|e| panic!("the app's window did not appear: {e}"));
        app.ready_after = asked.elapsed();
        app
    }

    /// The app's own process id (WebKitWebDriver's child).
    pub fn pid(&self) -> u32 {
        super::measure::child_of(self._webdriver.child.id())
    }

    pub async fn close(self) {
        let App {
            driver, _webdriver, ..
        } = self;
        let _ = driver.quit().await;
        drop(_webdriver);
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
