//! Figures measured in the real window for `target/measurements`: when an
//! IPC reply reaches the page (timed from the test, not by the app), and
//! the memory of a process with everything under it (the app with its
//! WebKit processes).

use std::path::Path;

use super::App;

impl App {
    /// From now on, notes the moment (`performance.now()`, the page's own
    /// clock) each reply to the IPC command `command` reaches the page, in
    /// `window.__ipcArrivals[command]`.
    ///
    /// Tauri's IPC answers arrive as responses to fetch() calls to its ipc:
    /// protocol; Tauri reads the body and hands it to the UI's promise in
    /// the same task, so the moment the body is read is the moment the UI
    /// has the answer.
    pub async fn time_ipc_arrivals(&self, command: &str) {
        let installed = self
            .driver
            .execute(
                r#"const [command] = arguments;
                   const original = window.fetch;
                   window.__ipcArrivals = window.__ipcArrivals || {};
                   window.__ipcArrivals[command] = [];
                   window.fetch = async (input, init) => {
                     const response = await original(input, init);
                     const url = (typeof input === "string" ? input : input.url).split("?")[0];
                     const ipc = url.startsWith("ipc:") || url.startsWith("http://ipc.localhost");
                     if (ipc && url.endsWith("/" + command)) {
                       for (const how of ["json", "text", "arrayBuffer"]) {
                         const read = response[how].bind(response);
                         response[how] = async () => {
                           const body = await read();
                           window.__ipcArrivals[command].push(performance.now());
                           return body;
                         };
                       }
                     }
                     return response;
                   };
                   return window.fetch !== original;"#,
                vec![serde_json::json!(command)],
            )
            .await
            .expect("script runs");
        assert_eq!(
            installed.json(),
            &serde_json::Value::Bool(true),
            "the IPC timer could not be installed"
        );
    }
}

/// How long a click took to show its result, in the page's own clock.
pub struct ClickTimes {
    /// From the click to the result painted (two animation frames after
    /// `ready` first held).
    pub painted_ms: f64,
    /// Of which until the answer to the IPC command arrived.
    pub arrived_ms: f64,
}

impl App {
    /// Clicks the button whose text starts with `button` (within `scope`, a
    /// CSS selector), and times, in the page, until the JavaScript
    /// expression `ready` holds and is painted, and until the reply to
    /// `command` arrived (see [`App::time_ipc_arrivals`]).
    pub async fn click_timed(
        &self,
        scope: &str,
        button: &str,
        ready: &str,
        command: &str,
    ) -> ClickTimes {
        self.time_ipc_arrivals(command).await;
        let script = format!(
            r#"const [scope, text, command, done] = arguments;
               const button = Array.from(document.querySelectorAll(scope + ' button'))
                 .find((b) => b.textContent.trim().startsWith(text));
               const t0 = performance.now();
               button.click();
               const check = () => {{
                 if ({ready}) {{
                   requestAnimationFrame(() => requestAnimationFrame(() => {{
                     const arrived = window.__ipcArrivals[command].find((t) => t >= t0);
                     done([performance.now() - t0, arrived === undefined ? -1 : arrived - t0]);
                   }}));
                 }} else {{
                   requestAnimationFrame(check);
                 }}
               }};
               check();"#
        );
        let ret = self
            .driver
            .execute_async(
                &script,
                vec![
                    serde_json::json!(scope),
                    serde_json::json!(button),
                    serde_json::json!(command),
                ],
            )
            .await
            .unwrap_or_else(|e| panic!("“{button}” did what it should: {e}"));
        let times = ClickTimes {
            painted_ms: ret.json()[0].as_f64().unwrap(),
            arrived_ms: ret.json()[1].as_f64().unwrap(),
        };
        assert!(times.arrived_ms >= 0.0, "the answer to {command} was timed");
        times
    }
}

/// Writes `report` to `target/measurements/<name>`.
pub fn write_measurements(name: &str, report: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/measurements");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), report).unwrap();
}

pub struct Memory {
    pub rss_mib: f64,
    pub pss_mib: f64,
    /// The processes' names, comma-separated.
    pub processes: String,
    /// Each process's share, to see where a difference lies.
    pub by_process: Vec<ProcessMemory>,
}

/// One process's PSS, split as `smaps_rollup` splits it: its own memory
/// (heaps, JavaScript, caches), its share of mapped files (code) and of
/// shared memory (buffers shared with another process).
pub struct ProcessMemory {
    pub name: String,
    pub pss_mib: f64,
    pub anon_mib: f64,
    pub file_mib: f64,
    pub shmem_mib: f64,
}

impl Memory {
    /// "deepcall-desk 88.4 (own 33.6, files 53.1, shared 1.7), …", in MiB.
    #[allow(
        dead_code,
        reason = "the release figures' notes use it (measure_release); no test does"
    )]
    pub fn breakdown(&self) -> String {
        self.by_process
            .iter()
            .map(|p| {
                format!(
                    "{} {:.1} (own {:.1}, files {:.1}, shared {:.1})",
                    p.name, p.pss_mib, p.anon_mib, p.file_mib, p.shmem_mib
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The values of `keys` (kB) in the `/proc/{pid}/{file}` read once, in MiB;
/// 0 for a key that is not there.
fn proc_mib<const N: usize>(pid: u32, file: &str, keys: [&str; N]) -> [f64; N] {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).unwrap_or_default();
    keys.map(|key| {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    })
}

/// Every process: (pid, parent pid, name).
fn processes() -> Vec<(u32, u32, String)> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let close = stat.rfind(')')?;
            let name = stat[stat.find('(')? + 1..close].to_owned();
            let ppid = stat[close + 2..].split(' ').nth(1)?.parse().ok()?;
            Some((pid, ppid, name))
        })
        .collect()
}

/// The one child of `parent` (WebKitWebDriver starts one browser).
pub fn child_of(parent: u32) -> u32 {
    processes()
        .into_iter()
        .find(|p| p.1 == parent)
        .map(|p| p.0)
        .unwrap_or_else(|| panic!("process {parent} has no child"))
}

/// The app (found by the sandbox address in its environment) and every
/// process under it (WebKit's web and network processes).
pub fn memory_of_app(sandbox_url: &str) -> Memory {
    let marker = format!("DEEPCALL_DESK_SANDBOX_URL={sandbox_url}");
    let root = processes()
        .into_iter()
        .find(|(pid, _, name)| {
            name.starts_with("deepcall-desk")
                && std::fs::read(format!("/proc/{pid}/environ"))
                    .map(|env| env.split(|b| *b == 0).any(|v| v == marker.as_bytes()))
                    .unwrap_or(false)
        })
        .map(|p| p.0)
        .expect("the app's process");
    memory_of_tree(root)
}

/// `root` and every process under it, summed.
pub fn memory_of_tree(root: u32) -> Memory {
    let procs = processes();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(procs.iter().filter(|p| p.1 == parent).map(|p| p.0));
        i += 1;
    }
    let by_process: Vec<ProcessMemory> = tree
        .iter()
        .filter_map(|pid| {
            let name = procs.iter().find(|p| p.0 == *pid)?.2.clone();
            let [pss_mib, anon_mib, file_mib, shmem_mib] = proc_mib(
                *pid,
                "smaps_rollup",
                ["Pss:", "Pss_Anon:", "Pss_File:", "Pss_Shmem:"],
            );
            Some(ProcessMemory {
                name,
                pss_mib,
                anon_mib,
                file_mib,
                shmem_mib,
            })
        })
        .collect();
    Memory {
        rss_mib: tree
            .iter()
            .map(|p| proc_mib(*p, "status", ["VmRSS:"])[0])
            .sum(),
        pss_mib: by_process.iter().map(|p| p.pss_mib).sum(),
        processes: by_process
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        by_process,
    }
}
