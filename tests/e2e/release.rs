//! Release-build figures for `target/measurements/release.txt`: start-up,
//! memory, the 10,000-member group and one change on it, opening a
//! 100,000-entry History, a 10,000-row bulk run (`bulk_figures.rs`), each beside
//! WebKitGTK's own MiniBrowser started the same way in the same run (the
//! floor). Measured, never asserted: these machines are noisy, and the ratio
//! to the floor is the figure that means something.
//!
//! `scripts/measure-release` runs it against a release binary named by
//! `DEEPCALL_DESK_APP` (and the .deb named by `DEEPCALL_DESK_DEB`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use deepcall_desk::history::{self, History};
use deepcall_desk::sandbox::{Options, Sandbox, LARGE_GROUP_ID};

use crate::bulk_figures;
use crate::groups::{open_group_timed, submits, toggle_first_timed};
use crate::support::launch::APP_BINARY_ENV;
use crate::support::measure::{memory_of_app, write_measurements, ClickTimes, Floor};
use crate::support::{App, Launch, TempDir};

/// History's length for its figure.
const HISTORY_ENTRIES: usize = 100_000;

/// Names the .deb whose installed size is reported.
const DEB_ENV: &str = "DEEPCALL_DESK_DEB";

/// Start-ups of each, alternating, so that the machine's noise hits both.
const STARTS: usize = 5;

/// How long a freshly started window is left alone before its memory is read.
const SETTLE: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "scripts/measure-release runs it against a release build"]
async fn release_build_figures() {
    let binary = std::env::var_os(APP_BINARY_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!("{APP_BINARY_ENV} names the release binary to measure (scripts/measure-release sets it)")
        });

    let mut floor_starts = Vec::new();
    let mut app_starts = Vec::new();
    for _ in 0..STARTS - 1 {
        let floor = Floor::launch().await;
        floor_starts.push(floor.first_content);
        floor.browser.close().await;
        let app = App::launch("release").await;
        app_starts.push(app.ready_after);
        app.close().await;
    }

    // The last round also reads idle memory, then opens the large group.
    let floor = Floor::launch().await;
    floor_starts.push(floor.first_content);
    tokio::time::sleep(SETTLE).await;
    let floor_idle = floor.memory();
    floor.browser.close().await;

    let sb = Arc::new(
        Sandbox::start(Options {
            large_group: Some(10_000),
            ..Options::default()
        })
        .await
        .expect("sandbox starts"),
    );
    let app = App::launch_with(Launch {
        sandbox: Some(sb.clone()),
        ..Launch::new("release")
    })
    .await;
    app_starts.push(app.ready_after);
    tokio::time::sleep(SETTLE).await;
    let app_idle = memory_of_app(&sb.url());
    app.go("Groups").await;
    let ClickTimes {
        painted_ms: first_rows_ms,
        arrived_ms,
    } = open_group_timed(&app, &LARGE_GROUP_ID.to_string()).await;
    let with_group = memory_of_app(&sb.url());
    sb.clear_requests();
    let (change_ms, member) = toggle_first_timed(&app).await;
    let sent = submits(&sb);
    assert_eq!(sent.len(), 1, "one change reached the sandbox");
    assert_eq!(sent[0]["agent_unique_id"].as_array().unwrap().len(), 10_000);
    app.close().await;

    let (history_rows_ms, history_arrived_ms) = open_long_history().await;
    let bulk = bulk_figures::bulk_run().await;

    let floor_start = median(&floor_starts);
    let app_start = median(&app_starts);
    let binary_mib = mib(std::fs::metadata(&binary).expect("the binary").len());
    let webkit_mib = webkit_libraries_mib();
    let installed = std::env::var_os(DEB_ENV).map(|deb| installed_mib(Path::new(&deb)));

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let row = |what: &str, value: f64, unit: &str, floor: f64, against: &str| {
        format!(
            "{what:<44} {value:>8.1} {unit:<4} {:>6.2} x {against}\n",
            value / floor
        )
    };
    let floor_ms = ms(floor_start);
    let mut report = format!(
        "# Release build: {binary}\n\
         # floor: WebKitGTK's MiniBrowser showing an empty page, started the same way\n\
         # (WebKitWebDriver) in the same run. Ratio = figure / floor figure.\n\
         # Start-ups: median of {STARTS}, alternating with the floor's.\n\
         {:<44} {floor_ms:>8.1} ms\n\
         {:<44} {:>8.1} MiB\n",
        "floor: start to first content",
        "floor: memory idle (PSS)",
        floor_idle.pss_mib,
        binary = binary.display(),
    );
    report += &row(
        "start to first screen",
        ms(app_start),
        "ms",
        floor_ms,
        "floor start",
    );
    report += &row(
        "memory idle (PSS, app + WebKit)",
        app_idle.pss_mib,
        "MiB",
        floor_idle.pss_mib,
        "floor idle memory",
    );
    report += &row(
        "memory with the 10,000-member group open",
        with_group.pss_mib,
        "MiB",
        floor_idle.pss_mib,
        "floor idle memory",
    );
    report += &row(
        "click Open group to first rows painted",
        first_rows_ms,
        "ms",
        floor_ms,
        "floor start",
    );
    report += &row(
        "  of which until the answer arrived",
        arrived_ms,
        "ms",
        floor_ms,
        "floor start",
    );
    report += &row(
        "one receive-calls change, click to confirmed",
        change_ms,
        "ms",
        floor_ms,
        "floor start",
    );
    report += &row(
        "click History to first rows, 100,000 entries",
        history_rows_ms,
        "ms",
        floor_ms,
        "floor start",
    );
    report += &row(
        "  of which until its first page arrived",
        history_arrived_ms,
        "ms",
        floor_ms,
        "floor start",
    );
    report += &row(
        "bulk run, 10,000 rows: rows a second",
        bulk.app_rows_per_s,
        "/s",
        bulk.sandbox_max,
        "the sandbox's own maximum rate",
    );
    report += &row(
        "memory during the bulk run, peak (PSS)",
        bulk.peak.pss_mib,
        "MiB",
        floor_idle.pss_mib,
        "floor idle memory",
    );
    report += &row(
        "binary size",
        binary_mib,
        "MiB",
        webkit_mib,
        "WebKitGTK's own libraries",
    );
    match installed {
        Some(installed) => {
            report += &row(
                "installed size (.deb Installed-Size)",
                installed,
                "MiB",
                webkit_mib,
                "WebKitGTK's own libraries",
            )
        }
        None => report += &format!("installed size: not measured ({DEB_ENV} not set)\n"),
    }
    report += &format!(
        "{:<44} {webkit_mib:>8.1} MiB\n\
         # start-ups, ms: app {:?}, floor {:?}\n\
         # the change: {member}, 10,000 members sent\n\
         # processes: app {}; floor {}\n\
         # RSS, MiB: app idle {:.1}, with group {:.1}, floor idle {:.1}\n",
        "floor: WebKitGTK's own libraries (size)",
        app_starts
            .iter()
            .map(|d| ms(*d).round())
            .collect::<Vec<_>>(),
        floor_starts
            .iter()
            .map(|d| ms(*d).round())
            .collect::<Vec<_>>(),
        with_group.processes,
        floor_idle.processes,
        app_idle.rss_mib,
        with_group.rss_mib,
        floor_idle.rss_mib,
    );
    write_measurements("release.txt", &report);
    bulk.write(Some(floor_idle.pss_mib));
}

/// Starts the app with a History of [`HISTORY_ENTRIES`] entries and times,
/// in the page, a click on History until its first rows are painted (two
/// animation frames after they are in the page), and until its first page
/// of entries arrived.
async fn open_long_history() -> (f64, f64) {
    let home = Arc::new(TempDir::new("release-history"));
    let file = home
        .0
        .join("data/com.deepcalldesk.desk")
        .join(history::FILE_NAME);
    let h = History::open(&file).expect("History opens");
    h.record_settled(&history::sample::entries(
        HISTORY_ENTRIES,
        history::now_ms(),
    ))
    .expect("entries written");
    drop(h);
    let app = App::launch_with(Launch {
        home: Some(home),
        ..Launch::new("release-history")
    })
    .await;
    // Let History open in the background as it does at every start.
    tokio::time::sleep(SETTLE).await;
    let opened = app
        .click_timed(
            "nav",
            "History",
            "document.querySelector(\"[data-testid='history-entry']\")",
            "history_page",
        )
        .await;
    let shown = app
        .text_of(thirtyfour::By::Css("[data-testid='history-list']"))
        .await;
    assert!(!shown.is_empty(), "entries are shown");
    app.close().await;
    (opened.painted_ms, opened.arrived_ms)
}

fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The WebKitGTK and JavaScriptCore libraries every WebKitGTK app carries:
/// what the binary and installed sizes are set beside.
fn webkit_libraries_mib() -> f64 {
    let dir = PathBuf::from(format!("/usr/lib/{}-linux-gnu", std::env::consts::ARCH));
    ["libwebkit2gtk-4.1.so.0", "libjavascriptcoregtk-4.1.so.0"]
        .iter()
        .map(|lib| {
            let path = std::fs::canonicalize(dir.join(lib))
                .unwrap_or_else(|e| panic!("{lib} is installed: {e}"));
            mib(std::fs::metadata(path).unwrap().len())
        })
        .sum()
}

/// The .deb's `Installed-Size` (KiB), in MiB.
fn installed_mib(deb: &Path) -> f64 {
    let out = std::process::Command::new("dpkg-deb")
        .args(["-f", &deb.display().to_string(), "Installed-Size"])
        .output()
        .expect("dpkg-deb runs");
    let kib: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or_else(|e| panic!("Installed-Size of {}: {e}", deb.display()));
    kib / 1024.0
}
