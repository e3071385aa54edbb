//! The X screen outside the page: windows by title (the app's own, GTK's
//! save dialog) driven with xdotool as a person would, and pictures of the
//! whole screen.

use std::process::Command;
use std::time::{Duration, Instant};

use super::queries::screenshot_dir;
use super::WAIT;

/// Runs xdotool with `args`; returns what it printed, trimmed.
pub fn xdotool(args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .expect("xdotool runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Waits for an X window titled exactly `name`; returns its id.
pub fn wait_for_x_window(name: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let found = xdotool(&["search", "--name", &format!("^{name}$")]);
        if let Some(id) = found.lines().next().filter(|l| !l.is_empty()) {
            // Give GTK a moment to map and focus its entry.
            std::thread::sleep(Duration::from_millis(700));
            return id.to_owned();
        }
        assert!(Instant::now() < deadline, "no window named {name}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A picture of the app's window (process `pid`, titled `title`) as it is
/// painted on the X screen, in `path`. Taken from the screen rather than
/// through WebDriver: WebKitGTK's WebDriver snapshot never answers for a
/// page drawn without compositing, which is how the app draws
/// (`app::tune_webview`).
pub fn screenshot_window(pid: u32, title: &str, path: &std::path::Path) {
    let pid = pid.to_string();
    let name = format!("^{title}$");
    let found = xdotool(&[
        "search",
        "--all",
        "--onlyvisible",
        "--pid",
        &pid,
        "--name",
        &name,
    ]);
    let id = found
        .lines()
        .next()
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| panic!("no visible window “{title}” of process {pid}"));
    let status = Command::new("import")
        .args(["-window", id, &path.display().to_string()])
        .status()
        .expect("import (ImageMagick) runs");
    assert!(status.success(), "import could not take {}", path.display());
}

/// A screenshot of the whole X screen (a GTK dialog is not in the page).
pub fn screenshot_x(name: &str) {
    let path = screenshot_dir().join(format!("{name}.png"));
    let _ = Command::new("import")
        .args(["-window", "root", &path.display().to_string()])
        .status();
}

/// In GTK's save dialog titled `title`: replaces the file name with `path`
/// and presses Return, typing as a person would.
pub fn save_in_dialog(title: &str, path: &std::path::Path) {
    let window = wait_for_x_window(title);
    xdotool(&["windowfocus", "--sync", &window]);
    xdotool(&["key", "--window", &window, "ctrl+a"]);
    let typed = path.display().to_string();
    xdotool(&["type", "--window", &window, "--delay", "20", &typed]);
    xdotool(&["key", "--window", &window, "Return"]);
}

/// In GTK's open dialog titled `title`: types `path` into its location
/// field (Ctrl+L) and presses Return, as a person would.
pub fn open_in_dialog(title: &str, path: &std::path::Path) {
    let window = wait_for_x_window(title);
    xdotool(&["windowfocus", "--sync", &window]);
    xdotool(&["key", "--window", &window, "ctrl+l"]);
    std::thread::sleep(Duration::from_millis(300));
    let typed = path.display().to_string();
    xdotool(&["type", "--window", &window, "--delay", "20", &typed]);
    std::thread::sleep(Duration::from_millis(300));
    xdotool(&["key", "--window", &window, "Return"]);
}
