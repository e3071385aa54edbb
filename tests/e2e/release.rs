//! Release-build figures for `target/measurements/release.txt`: start-up
//! and idle memory (also with a real account active, and with the built-in
//! Sandbox), the 10,000-member group and one change on it, opening a
//! 100,000-entry History, a 10,000-row bulk run (`bulk_figures.rs`), each beside
//! WebKitGTK's own MiniBrowser started the same way in the same run (the
//! floor). Measured, never asserted: these machines are noisy, and the ratio
//! to the floor is the figure that means something.
//!
//! `scripts/measure-release` runs it against a release binary named by
//! `DEEPCALL_DESK_APP` (and the .deb named by `DEEPCALL_DESK_DEB`, the
//! Windows program and its MSI by `DEEPCALL_DESK_WINDOWS_EXE` and
//! `DEEPCALL_DESK_MSI`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use deepcall_desk::deepcall::{BaseUrl, Module};
use deepcall_desk::history::{self, History};
use deepcall_desk::sandbox::{self, Options, Sandbox, LARGE_GROUP_ID};
use serde_json::{json, Value};

use crate::builtin_sandbox::home_with_account;
use crate::bulk_figures;
use crate::groups::{list_change_timed, open_group_timed, submits, toggle_first_timed};
use crate::support::launch::APP_BINARY_ENV;
use crate::support::measure::{
    memory_of_app, memory_of_tree, write_measurements, ClickTimes, Floor, WebKitMode,
};
use crate::support::{App, Launch, TempDir};

/// History's length for its figure.
const HISTORY_ENTRIES: usize = 100_000;

/// Names the .deb whose installed size is reported.
const DEB_ENV: &str = "DEEPCALL_DESK_DEB";

/// Name the Windows program and its MSI whose sizes are reported.
const WINDOWS_EXE_ENV: &str = "DEEPCALL_DESK_WINDOWS_EXE";
const MSI_ENV: &str = "DEEPCALL_DESK_MSI";

/// Raw round trips of each kind, for the medians.
const RAW_RUNS: usize = 5;

/// Receive-calls changes timed, for their median.
const CHANGES: usize = 5;

/// The member list's own work, timed with the large group open: what is
/// done, the control's id, the value set. Each step must change the list's
/// first row or its count (`list_change_timed` waits for that).
const LIST_STEPS: &[(&str, &str, &str)] = &[
    ("search \"an\" to the list shown", "member-search", "an"),
    ("search cleared to the list shown", "member-search", ""),
    ("sort by number to the list shown", "member-sort", "number"),
    ("sort by name to the list shown", "member-sort", "name"),
];

/// Start-ups of each, alternating, so that the machine's noise hits both.
const STARTS: usize = 5;

/// The start-up and idle figures of the app started as on a manager's
/// computer, under the same figures with the sandbox outside the app.
const ACCOUNT_ACTIVE: &str = "  a real account active (no Sandbox started)";
const BUILTIN_SANDBOX: &str = "  Sandbox mode, the built-in Sandbox started";

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

    // Started as on a manager's computer (not told of a sandbox): with a
    // real account active, whose DeepCall is `deepcall`, and in Sandbox
    // mode, where the app starts its own.
    let deepcall = Arc::new(
        Sandbox::start(Options::default())
            .await
            .expect("sandbox starts"),
    );
    let (account_home, account_id) = home_with_account(&deepcall, "release-account").await;
    let with_account = || Launch {
        sandbox: Some(deepcall.clone()),
        home: Some(account_home.clone()),
        builtin_sandbox: true,
        ..Launch::new("release-account")
    };
    let builtin = || Launch {
        builtin_sandbox: true,
        ..Launch::new("release-builtin")
    };

    let mut floor_starts = Vec::new();
    let mut app_starts = Vec::new();
    let mut account_starts = Vec::new();
    let mut builtin_starts = Vec::new();
    for _ in 0..STARTS - 1 {
        let floor = Floor::launch().await;
        floor_starts.push(floor.first_content);
        floor.browser.close().await;
        let app = App::launch("release").await;
        app_starts.push(app.ready_after);
        app.close().await;
        let app = App::launch_with(with_account()).await;
        account_starts.push(app.ready_after);
        app.close().await;
        let app = App::launch_with(builtin()).await;
        builtin_starts.push(app.ready_after);
        app.close().await;
    }

    // The last round also reads idle memory, then opens the large group.
    let floor = Floor::launch().await;
    floor_starts.push(floor.first_content);
    tokio::time::sleep(SETTLE).await;
    let floor_idle = floor.memory();
    floor.browser.close().await;
    // For reference: MiniBrowser as WebKit is by default (composited, every JIT).
    let composited = Floor::launch_in(WebKitMode::Default).await;
    let composited_start = composited.first_content;
    tokio::time::sleep(SETTLE).await;
    let composited_idle = composited.memory();
    composited.browser.close().await;
    let app = App::launch_with(with_account()).await;
    account_starts.push(app.ready_after);
    tokio::time::sleep(SETTLE).await;
    let account_idle = memory_of_tree(app.pid());
    let removed = app
        .invoke("remove_account", json!({ "id": account_id }))
        .await;
    assert!(removed.get("ok").is_some(), "{removed}");
    app.close().await;
    let app = App::launch_with(builtin()).await;
    builtin_starts.push(app.ready_after);
    tokio::time::sleep(SETTLE).await;
    let builtin_idle = memory_of_tree(app.pid());
    app.close().await;

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
    // The network's part, timed alone in the conditions of the app's
    // clicks: the app open and idle, just before them. These reads also
    // warm the sandbox (a debug build in this process, whose first large
    // answer is its slowest), as the app's own earlier reads would.
    let raw = RawTimes::measure(&sb).await;
    app.go("Groups").await;
    let ClickTimes {
        painted_ms: first_rows_ms,
        arrived_ms,
    } = open_group_timed(&app, &LARGE_GROUP_ID.to_string()).await;
    // Read as idle memory is: after the same settling time. The moment
    // the rows are painted is also shown, for reference.
    let just_opened = memory_of_app(&sb.url());
    tokio::time::sleep(SETTLE).await;
    let with_group = memory_of_app(&sb.url());
    sb.clear_requests();
    // The same switch, on and off: the first change also pays for WebKit
    // compiling its code, so the figure is the median, beside them all.
    let mut changes = Vec::new();
    let mut member = String::new();
    for _ in 0..CHANGES {
        let (ms, label) = toggle_first_timed(&app).await;
        changes.push(ms);
        member = label;
    }
    let change_ms = median_f64(&changes);
    let sent = submits(&sb);
    assert_eq!(sent.len(), CHANGES, "each change reached the sandbox");
    assert!(sent
        .iter()
        .all(|s| s["agent_unique_id"].as_array().unwrap().len() == 10_000));
    // The page's own work on all 10,000 members: what its JavaScript
    // engine's settings (`app::without_optimising_jit`) are weighed by.
    let mut list_steps = Vec::new();
    for (what, field, value) in LIST_STEPS {
        list_steps.push((*what, list_change_timed(&app, field, value).await));
    }
    tokio::time::sleep(SETTLE).await;
    let used = memory_of_app(&sb.url());
    app.close().await;

    let (history_rows_ms, history_arrived_ms) = open_long_history().await;
    let bulk = bulk_figures::bulk_run().await;

    let floor_start = median(&floor_starts);
    let app_start = median(&app_starts);
    let binary_mib = mib(std::fs::metadata(&binary).expect("the binary").len());
    let installed = std::env::var_os(DEB_ENV).map(|deb| installed_mib(Path::new(&deb)));

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let floor_ms = ms(floor_start);
    let floor_pss = floor_idle.pss_mib;
    let mut t = Table::default();
    t.note(format!(
        "Release build: {}\n\
         floor: WebKitGTK's MiniBrowser showing an empty page, started the same way\n\
         (WebKitWebDriver) in the same run, running WebKit as the app does (no\n\
         compositing; {jit_env}={jit}).\n\
         Start-ups: median of {STARTS}, alternating with the floor's. Memory: PSS of\n\
         every process, {settle} s after the start (idle) or after the rows were painted.\n\
         The app is in Sandbox mode with the sandbox server outside it (the figures\n\
         without a second line), or started as on a manager's computer: with a real\n\
         account active (its Groups screen), or in Sandbox mode (its welcome).\n\
         The sandbox's own times: raw HTTP from the test process, the app open and\n\
         idle, just before the app's clicks, median of {RAW_RUNS}.\n\
         Each figure: value | against its floor | the target | met?",
        binary.display(),
        settle = SETTLE.as_secs(),
        jit_env = deepcall_desk::JIT_ENV,
        jit =
            std::env::var(deepcall_desk::JIT_ENV).unwrap_or_else(|_| "0, the app's default".into()),
    ));
    t.value("floor: start to first content", floor_ms, "ms");
    t.value("floor: memory idle (PSS)", floor_pss, "MiB");
    match parse_and_join_ms() {
        Some((ms, mib_s)) => t.absolute(
            &format!("parse + join, 10,000 members (criterion; {mib_s:.0} MiB/s)"),
            ms,
            "ms",
            5.0,
        ),
        None => {
            t.note("parse + join: not measured (run the benchmark first: scripts/test does)".into())
        }
    }
    t.ratio(
        "start to first screen",
        ms(app_start),
        "ms",
        floor_ms,
        "floor start",
        1.2,
    );
    t.ratio(
        ACCOUNT_ACTIVE,
        ms(median(&account_starts)),
        "ms",
        floor_ms,
        "floor start",
        1.2,
    );
    t.ratio(
        BUILTIN_SANDBOX,
        ms(median(&builtin_starts)),
        "ms",
        floor_ms,
        "floor start",
        1.2,
    );
    t.difference(
        "memory idle (PSS, app + WebKit)",
        app_idle.pss_mib,
        floor_pss,
        25.0,
    );
    t.difference(ACCOUNT_ACTIVE, account_idle.pss_mib, floor_pss, 25.0);
    t.difference(BUILTIN_SANDBOX, builtin_idle.pss_mib, floor_pss, 25.0);
    t.difference(
        "memory with the 10,000-member group open",
        with_group.pss_mib,
        floor_pss,
        50.0,
    );
    t.difference(
        "  the same the moment its rows were painted",
        just_opened.pss_mib,
        floor_pss,
        0.0,
    );
    t.difference(
        &format!(
            "  the same after {CHANGES} changes and {} list steps",
            LIST_STEPS.len()
        ),
        used.pss_mib,
        floor_pss,
        0.0,
    );
    t.value(
        "click Open group to first rows painted",
        first_rows_ms,
        "ms",
    );
    t.value("  the sandbox's own answer to the read", raw.read_ms, "ms");
    t.absolute(
        "  the app's part (painted minus the sandbox)",
        first_rows_ms - raw.read_ms,
        "ms",
        150.0,
    );
    t.value("  of which until the answer arrived", arrived_ms, "ms");
    t.ratio(
        "one receive-calls change, click to confirmed (median)",
        change_ms,
        "ms",
        raw.change_ms,
        "its 3 raw round trips",
        1.3,
    );
    t.value(
        "  its 3 raw round trips (read, send, read)",
        raw.change_ms,
        "ms",
    );
    for (what, ms) in &list_steps {
        t.value(&format!("  {what}, 10,000 members"), *ms, "ms");
    }
    t.absolute(
        "click History to first rows, 100,000 entries",
        history_rows_ms,
        "ms",
        150.0,
    );
    t.value(
        "  of which until its first page arrived",
        history_arrived_ms,
        "ms",
    );
    t.ratio(
        "bulk run, 10,000 rows: rows a second",
        bulk.app_rows_per_s,
        "/s",
        bulk.sandbox_max,
        "the sandbox's own maximum rate",
        0.0,
    );
    t.difference(
        "memory during the bulk run, peak (PSS)",
        bulk.peak.pss_mib,
        floor_pss,
        0.0,
    );
    let webkit_mib = webkit_libraries_mib();
    t.ratio(
        "binary size",
        binary_mib,
        "MiB",
        webkit_mib,
        "WebKitGTK's own libraries",
        0.0,
    );
    match installed {
        Some(installed) => t.ratio(
            "installed size (.deb Installed-Size)",
            installed,
            "MiB",
            webkit_mib,
            "WebKitGTK's own libraries",
            0.0,
        ),
        None => t.note(format!("installed size: not measured ({DEB_ENV} not set)")),
    }
    t.value("floor: WebKitGTK's own libraries (size)", webkit_mib, "MiB");
    for (what, env) in [
        ("Windows program size (deepcall-desk.exe)", WINDOWS_EXE_ENV),
        ("Windows installer size (the MSI)", MSI_ENV),
    ] {
        match std::env::var_os(env) {
            Some(file) => t.value(
                what,
                mib(std::fs::metadata(&file).expect("the Windows file").len()),
                "MiB",
            ),
            None => t.note(format!("{what}: not measured ({env} not set)")),
        }
    }
    t.value(
        "MiniBrowser as WebKit's default (composited, all JITs)",
        ms(composited_start),
        "ms",
    );
    t.value("  and its idle PSS", composited_idle.pss_mib, "MiB");
    let rounded = |starts: &[Duration]| starts.iter().map(|d| ms(*d).round()).collect::<Vec<_>>();
    t.note(format!(
        "start-ups, ms: app {:?}, floor {:?}\n\
         \x20 a real account active {:?}, the built-in Sandbox {:?}\n\
         the changes: {member}, on and off, 10,000 members sent each time; ms {:?}\n\
         raw round trips, ms: read {:?}; read, send, read {:?}\n\
         processes: app {}; floor {}\n\
         RSS, MiB: app idle {:.1}, with group {:.1}, floor idle {:.1}\n\
         PSS by process, MiB (own: heaps, JavaScript, caches; files: code and data\n\
         mapped; shared: memory shared with another process):\n\
         \x20 floor idle:      {}\n\
         \x20 app idle:        {}\n\
         \x20 account idle:    {}\n\
         \x20 built-in idle:   {}\n\
         \x20 app with group:  {}\n\
         \x20 after using it:  {}",
        rounded(&app_starts),
        rounded(&floor_starts),
        rounded(&account_starts),
        rounded(&builtin_starts),
        changes.iter().map(|c| c.round()).collect::<Vec<_>>(),
        raw.reads,
        raw.changes,
        with_group.processes,
        floor_idle.processes,
        app_idle.rss_mib,
        with_group.rss_mib,
        floor_idle.rss_mib,
        floor_idle.breakdown(),
        app_idle.breakdown(),
        account_idle.breakdown(),
        builtin_idle.breakdown(),
        with_group.breakdown(),
        used.breakdown(),
    ));
    let report = t.text;
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

/// The sandbox's own times, raw HTTP from this process (bytes out, bytes
/// in, nothing parsed in the timing): what the network and DeepCall would
/// cost the app, which the app's figures are set beside.
struct RawTimes {
    /// `Group/getGroupAgentRelation` of the large group, median.
    read_ms: f64,
    /// Read, `submitAssignGroupToAgent` with its complete lists, read: the
    /// three round trips of one receive-calls change, median of the sums.
    change_ms: f64,
    reads: Vec<f64>,
    changes: Vec<f64>,
}

impl RawTimes {
    async fn measure(sb: &Sandbox) -> Self {
        let base = BaseUrl::parse(&sb.url()).expect("the sandbox's address");
        let credentials = sandbox::Credentials::default();
        let auth = |mut body: Value| {
            body["userId"] = json!(credentials.user_id);
            body["token"] = json!(credentials.token);
            body
        };
        let http = reqwest::Client::new();
        let read_url = base.endpoint(Module::Group, "getGroupAgentRelation");
        let read = auth(json!({"groupId": LARGE_GROUP_ID, "quick": true}));
        // The change sends the group back as it is: the sandbox does the
        // same work, and the group stays as it was.
        let answer: Value = serde_json::from_slice(&round_trip(&http, &read_url, &read).await.1)
            .expect("the group as JSON");
        let relation = answer["response"]["relationData"]
            .as_array()
            .expect("members");
        let id = |r: &Value| r["agent_id"].to_string().trim_matches('"').to_owned();
        let send = auth(json!({
            "groupId": LARGE_GROUP_ID,
            "agent_unique_id": relation.iter().map(id).collect::<Vec<_>>(),
            "receive_call": relation.iter().filter(|r| r["receive_call"] == "Y").map(id).collect::<Vec<_>>(),
        }));
        let send_url = base.endpoint(Module::Group, "submitAssignGroupToAgent");
        let (mut reads, mut changes) = (Vec::new(), Vec::new());
        for _ in 0..RAW_RUNS {
            reads.push(round_trip(&http, &read_url, &read).await.0);
            let mut sum = 0.0;
            for (url, body) in [(&read_url, &read), (&send_url, &send), (&read_url, &read)] {
                sum += round_trip(&http, url, body).await.0;
            }
            changes.push(sum);
        }
        let round = |v: &[f64]| v.iter().map(|x| x.round()).collect::<Vec<_>>();
        Self {
            read_ms: median_f64(&reads),
            change_ms: median_f64(&changes),
            reads: round(&reads),
            changes: round(&changes),
        }
    }
}

/// One POST, timed from sending to the last byte of the answer.
async fn round_trip(http: &reqwest::Client, url: &str, body: &Value) -> (f64, Vec<u8>) {
    let payload = serde_json::to_vec(body).expect("JSON");
    let started = std::time::Instant::now();
    let answer = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(payload)
        .send()
        .await
        .expect("the sandbox answers");
    assert!(answer.status().is_success(), "{url}: {}", answer.status());
    let bytes = answer.bytes().await.expect("the answer's bytes").to_vec();
    (started.elapsed().as_secs_f64() * 1000.0, bytes)
}

/// The criterion estimate of parsing and joining the 10,000-member answer
/// (`benches/group_relation.rs`), in ms and MiB/s, when the benchmark ran.
fn parse_and_join_ms() -> Option<(f64, f64)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/criterion/getGroupAgentRelation/parse_and_join_10000_members/new");
    let read = |file: &str| -> Option<Value> {
        serde_json::from_slice(&std::fs::read(dir.join(file)).ok()?).ok()
    };
    let ns = read("estimates.json")?["mean"]["point_estimate"].as_f64()?;
    let bytes = read("benchmark.json")?["throughput"]["Bytes"].as_f64()?;
    Some((ns / 1e6, bytes / (ns / 1e9) / (1024.0 * 1024.0)))
}

/// The report: one line per figure, with its floor and its target.
#[derive(Default)]
struct Table {
    text: String,
}

impl Table {
    fn note(&mut self, note: String) {
        for line in note.lines() {
            self.text += &format!("# {line}\n");
        }
    }

    fn line(&mut self, what: &str, value: f64, unit: &str, against: String, target: String) {
        self.text += &format!("{what:<56} {value:>8.1} {unit:<4} {against:<44} {target}\n");
    }

    /// A figure with nothing to set it against.
    fn value(&mut self, what: &str, value: f64, unit: &str) {
        self.line(what, value, unit, String::new(), String::new());
    }

    /// A figure as a ratio to its floor; `target` 0: none.
    fn ratio(&mut self, what: &str, value: f64, unit: &str, floor: f64, name: &str, target: f64) {
        let ratio = value / floor;
        self.line(
            what,
            value,
            unit,
            format!("{ratio:>6.2} x {name}"),
            verdict(target, ratio <= target, |t| format!("<= {t:.2} x")),
        );
    }

    /// A memory figure less its floor's; `target` 0: none.
    fn difference(&mut self, what: &str, value: f64, floor: f64, target: f64) {
        let more = value - floor;
        self.line(
            what,
            value,
            "MiB",
            format!("{more:>+6.1} MiB against the floor"),
            verdict(target, more <= target, |t| format!("<= +{t:.0} MiB")),
        );
    }

    /// A figure that is the app's work alone, against an absolute target.
    fn absolute(&mut self, what: &str, value: f64, unit: &str, target: f64) {
        self.line(
            what,
            value,
            unit,
            String::new(),
            verdict(target, value <= target, |t| format!("<= {t:.0} {unit}")),
        );
    }
}

fn verdict(target: f64, met: bool, words: impl Fn(f64) -> String) -> String {
    if target == 0.0 {
        String::new()
    } else {
        format!(
            "{:<12} {}",
            words(target),
            if met { "met" } else { "NOT MET" }
        )
    }
}

fn median_f64(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
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
