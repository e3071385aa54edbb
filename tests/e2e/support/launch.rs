//! Starting the app: a sandbox, a private home, WebKitWebDriver and a
//! WebDriver session whose browser is the built app; stopping it as a
//! crash would; and a bare D-Bus for the tests that need no Secret Service
//! at all.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use deepcall_desk::sandbox::{Options, Sandbox};
use serde_json::json;
use thirtyfour::prelude::*;

use super::home::{app_environment, TempDir};
use super::measure::child_of;
use super::WAIT;

/// The WebDriver server WebKitGTK ships (Debian: `webkit2gtk-driver`).
const WEBKIT_WEBDRIVER: &str = "/usr/bin/WebKitWebDriver";

/// Names the app binary to start instead of the one cargo built for the
/// tests: the installed `/usr/bin/deepcall-desk`, or a release build.
pub const APP_BINARY_ENV: &str = "DEEPCALL_DESK_APP";

/// The app binary to start: `$DEEPCALL_DESK_APP`, else the one cargo built
/// for the tests (cargo names it to test targets only, so a program that
/// shares this code, such as the release figures, must name one).
pub fn app_binary() -> PathBuf {
    std::env::var_os(APP_BINARY_ENV)
        .map(PathBuf::from)
        .or_else(|| option_env!("CARGO_BIN_EXE_deepcall-desk").map(PathBuf::from))
        .unwrap_or_else(|| panic!("{APP_BINARY_ENV} names the app binary to start"))
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
    pid: u32,
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

/// A browser started by its own WebKitWebDriver, and the WebDriver session
/// to it: the app, or (for the release figures' floor) WebKitGTK's
/// MiniBrowser. Dropped, it stops them both.
pub struct Browser {
    pub driver: WebDriver,
    /// When the session was asked for, which is when the browser was
    /// started: the zero of a start-up time.
    pub asked: Instant,
    /// The process id of the browser itself (WebKitWebDriver's child).
    pub pid: u32,
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
        // The session exists once the browser has started and connected.
        let pid = child_of(webdriver.child.id());
        Self {
            driver,
            asked,
            pid,
            webdriver,
        }
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
            pid,
            webdriver,
        } = Browser::start(&app_binary(), &[], &env, &output).await;
        let mut app = Self {
            driver,
            sandbox,
            ready_after: Duration::ZERO,
            pid,
            _home: home,
            _webdriver: webdriver,
        };
        // The frame is ready once the active account is shown: looked for
        // often, since this is also the start-up time the release figures
        // report.
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
        self.pid
    }

    /// Kills the app with SIGKILL, as a crash or a power cut would, and
    /// waits until it is gone. [`App::close`] still ends the session.
    pub fn kill(&self) {
        unsafe { libc::kill(self.pid as i32, libc::SIGKILL) };
        let deadline = Instant::now() + WAIT;
        // Gone, or a zombie its parent (WebKitWebDriver) has not reaped yet.
        while std::fs::read_to_string(format!("/proc/{}/stat", self.pid))
            .is_ok_and(|s| !s.split(") ").nth(1).is_some_and(|r| r.starts_with('Z')))
        {
            assert!(Instant::now() < deadline, "the app did not die");
            std::thread::sleep(Duration::from_millis(20));
        }
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
