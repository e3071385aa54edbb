//! The release build's figures, measured in the real window: start-up and
//! idle memory (in Sandbox mode with the sandbox outside the app; with a
//! real account active; in Sandbox mode with the built-in Sandbox), the
//! 10,000-member group and one change on it, opening a 100,000-entry
//! History, a 10,000-row bulk run, and the sizes of the binary and the
//! packages; each beside WebKitGTK's own MiniBrowser started the same way
//! in the same run (the floor) and the target it is held to. Measured,
//! never asserted: these machines are noisy, and the ratio to the floor is
//! the figure that means something.
//!
//! A program, not a test: it measures the release app named by
//! `DEEPCALL_DESK_APP` (and the .deb named by `DEEPCALL_DESK_DEB`, the
//! Windows program and its MSI by `DEEPCALL_DESK_WINDOWS_EXE` and
//! `DEEPCALL_DESK_MSI`), which `scripts/measure-release` sets, under
//! `scripts/with-desktop`. It starts the app and reads its window through
//! the end-to-end tests' own support code.
//!
//!   cargo run --example measure-release          every figure: release.txt and bulk.txt
//!   cargo run --example measure-release -- bulk  the bulk run alone: bulk.txt
//!
//! Each writes its file(s) to `target/measurements` and prints the first.

#[cfg(target_os = "linux")]
mod bulk;
#[cfg(target_os = "linux")]
mod figures;
#[cfg(target_os = "linux")]
mod floor;
#[cfg(target_os = "linux")]
mod groups;
#[cfg(target_os = "linux")]
mod history;
#[cfg(target_os = "linux")]
mod raw;
#[cfg(target_os = "linux")]
mod report;
#[cfg(target_os = "linux")]
mod sizes;
#[cfg(target_os = "linux")]
#[path = "../support/mod.rs"]
#[allow(
    dead_code,
    unused_imports,
    reason = "the figures need only a part of what the end-to-end tests share"
)]
mod support;

/// How long a freshly started window is left alone before its memory is read.
#[cfg(target_os = "linux")]
const SETTLE: std::time::Duration = std::time::Duration::from_secs(3);

#[cfg(target_os = "linux")]
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    use support::launch::APP_BINARY_ENV;

    let Some(binary) = std::env::var_os(APP_BINARY_ENV) else {
        eprintln!("Name the release binary to measure in {APP_BINARY_ENV} (scripts/measure-release does).");
        std::process::exit(2);
    };
    let report = match std::env::args().nth(1).as_deref() {
        None => figures::measure(binary.as_ref()).await,
        Some("bulk") => bulk::run().await.write(None),
        Some(other) => {
            eprintln!("No figure '{other}': measure-release measures every figure, or with 'bulk' the bulk run alone.");
            std::process::exit(2);
        }
    };
    print!("{report}");
}

/// The window is WebKitGTK's only on Linux: elsewhere there is nothing to
/// measure it against.
#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("The release figures are measured on Linux, where the window is WebKitGTK's.");
    std::process::exit(1);
}
