//! Every figure of `target/measurements/release.txt`, measured in one run
//! in the order the machine's noise hits them least unevenly: start-ups
//! alternating with the floor's, idle memory, the 10,000-member group,
//! the long History, the bulk run; then the sizes.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use deepcall_desk::sandbox::{Options, Sandbox, LARGE_GROUP_ID};
use serde_json::{json, Value};

use crate::bulk;
use crate::floor::{Floor, WebKitMode};
use crate::groups::{list_change_timed, toggle_first_timed};
use crate::history::open_long_history;
use crate::raw::{RawTimes, RAW_RUNS};
use crate::report::{median, median_f64, Table};
use crate::sizes::{installed_mib, mib, webkit_libraries_mib, DEB_ENV, MSI_ENV, WINDOWS_EXE_ENV};
use crate::support::measure::{memory_of_app, memory_of_tree, write_measurements, ClickTimes};
use crate::support::requests::submits;
use crate::support::screens::accounts::home_with_account;
use crate::support::{App, Launch};
use crate::SETTLE;

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

/// Measures the release app `binary`; writes `release.txt` and `bulk.txt`
/// to `target/measurements` and returns what `release.txt` holds.
pub async fn measure(binary: &Path) -> String {
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
        floor.close().await;
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
    floor.close().await;
    // For reference: MiniBrowser as WebKit is by default (composited, every JIT).
    let composited = Floor::launch_in(WebKitMode::Default).await;
    let composited_start = composited.first_content;
    tokio::time::sleep(SETTLE).await;
    let composited_idle = composited.memory();
    composited.close().await;
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
    } = app.groups().open_timed(&LARGE_GROUP_ID.to_string()).await;
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
    let bulk = bulk::run().await;

    let floor_start = median(&floor_starts);
    let app_start = median(&app_starts);
    let binary_mib = mib(std::fs::metadata(binary).expect("the binary").len());
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
         The sandbox's own times: raw HTTP from the measuring process, the app open and\n\
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
    report
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
