//! The bulk-run figure for `target/measurements/bulk.txt`: the
//! release app sends a 10,000-row file to a sandbox with no faults. Beside
//! it, in the same run, the sandbox's own maximum rate: the same
//! `Directory/update` requests sent straight from this process with the
//! app's HTTP client and no History, at the app's concurrency and at four
//! times it. Also the app's memory while the run goes on. Measured, never
//! asserted; part of every figure, or measured by itself (`bulk`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use deepcall_desk::deepcall::directory::{ContactNumber, ContactUpdate};
use deepcall_desk::deepcall::{Auth, BaseUrl, Client, Http, HttpConfig};
use deepcall_desk::sandbox::{self, extra_contact, Options, Sandbox};
use deepcall_desk::secret::Secret;
use futures_util::future::join_all;

use crate::support::measure::{memory_of_app, write_measurements, Memory};
use crate::support::{App, Launch, TempDir};

pub const BULK_ROWS: usize = 10_000;
/// The app's requests at a time (`RunOptions::default().concurrency`).
const APP_CONCURRENCY: usize = 4;

pub struct BulkFigures {
    pub app_rows_per_s: f64,
    pub app_seconds: f64,
    /// The sandbox's rate with the app's concurrency, and with four times it.
    pub sandbox_at_app_concurrency: f64,
    pub sandbox_max: f64,
    pub peak: Memory,
    pub mean_pss_mib: f64,
    pub samples: usize,
}

fn client(url: &str) -> Client {
    let c = sandbox::Credentials::default();
    Client::new(
        Http::new(HttpConfig::default()).expect("http"),
        BaseUrl::parse(url).expect("url"),
        Auth::Token {
            user_id: c.user_id,
            token: Secret::new(c.token),
        },
    )
}

/// Requests a second the sandbox answers: `n` VIP updates, `concurrency`
/// at a time, straight from this process.
async fn sandbox_rate(sb: &Sandbox, n: usize, concurrency: usize) -> f64 {
    let client = Arc::new(client(&sb.url()));
    let update = ContactUpdate {
        vip: Some(true),
        ..ContactUpdate::default()
    };
    let started = Instant::now();
    let workers = (0..concurrency).map(|w| {
        let (client, update) = (client.clone(), update.clone());
        async move {
            for i in (w..n).step_by(concurrency) {
                let number = ContactNumber::parse(&extra_contact(i)).expect("number");
                client
                    .update_contact(&number, &update)
                    .await
                    .expect("the sandbox takes it");
            }
        }
    });
    join_all(workers).await;
    n as f64 / started.elapsed().as_secs_f64()
}

/// Sends [`BULK_ROWS`] VIP rows through the release app's Bulk update screen.
pub async fn run() -> BulkFigures {
    let options = || Options {
        contacts: BULK_ROWS,
        ..Options::default()
    };
    // The ceiling, on a sandbox of its own (the app's sandbox keeps a clean log).
    let probe = Sandbox::start(options()).await.expect("sandbox starts");
    sandbox_rate(&probe, 1_000, APP_CONCURRENCY).await; // warm-up
    let at_app = sandbox_rate(&probe, BULK_ROWS, APP_CONCURRENCY).await;
    let at_more = sandbox_rate(&probe, BULK_ROWS, APP_CONCURRENCY * 4).await;
    drop(probe);

    let home = Arc::new(TempDir::new("release-bulk"));
    let file = home.0.join("vip-10000.csv");
    let mut csv = String::from("Phone,VIP\r\n");
    for i in 0..BULK_ROWS {
        csv += &format!("{},yes\r\n", extra_contact(i));
    }
    std::fs::write(&file, csv).expect("the file is written");

    let sb = Arc::new(Sandbox::start(options()).await.expect("sandbox starts"));
    let app = App::launch_with(Launch {
        sandbox: Some(sb.clone()),
        home: Some(home),
        ..Launch::new("release-bulk")
    })
    .await;
    app.go("Bulk update").await;
    app.bulk().choose(&file).await;
    app.bulk().wait_step("Match the columns").await;
    app.click_button("Check the rows").await;
    app.bulk().wait_step("Check what will be sent").await;
    let send = app.button("Send ").await;
    let started = Instant::now();
    send.click().await.expect("Send is clicked");

    let mut samples: Vec<Memory> = Vec::new();
    let deadline = started + Duration::from_secs(600);
    loop {
        samples.push(memory_of_app(&sb.url()));
        if app.bulk().results_shown().await {
            break;
        }
        assert!(Instant::now() < deadline, "the run ended within 10 minutes");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    // The request log keeps only the latest requests; the data tells.
    let vip = (0..BULK_ROWS)
        .filter(|i| sb.contact(&extra_contact(*i)).unwrap()["other"]["vip"] == true)
        .count();
    assert_eq!(vip, BULK_ROWS, "every row reached the sandbox");
    app.close().await;

    let mean = samples.iter().map(|m| m.pss_mib).sum::<f64>() / samples.len() as f64;
    let n = samples.len();
    let peak = samples
        .into_iter()
        .max_by(|a, b| a.pss_mib.total_cmp(&b.pss_mib))
        .expect("a sample");
    BulkFigures {
        app_rows_per_s: BULK_ROWS as f64 / seconds,
        app_seconds: seconds,
        sandbox_at_app_concurrency: at_app,
        sandbox_max: at_app.max(at_more),
        peak,
        mean_pss_mib: mean,
        samples: n,
    }
}

impl BulkFigures {
    /// Writes `target/measurements/bulk.txt` and returns what it holds;
    /// `floor_idle_pss_mib` is MiniBrowser's idle memory measured in the
    /// same run, when it was.
    pub fn write(&self, floor_idle_pss_mib: Option<f64>) -> String {
        let floor = match floor_idle_pss_mib {
            Some(f) => format!(
                "floor idle memory (PSS): {f:.1} MiB; peak ÷ floor: {:.2}\n",
                self.peak.pss_mib / f
            ),
            None => "floor idle memory: not measured in this run\n".into(),
        };
        let report = format!(
                "# A bulk run in the app: {BULK_ROWS} rows (Phone,VIP) sent to a sandbox with no \
                 faults, from the click on Send to the Results heading.\n\
                 # The sandbox's own rate: the same updates sent from the measuring process with the \
                 app's HTTP client and no History, in the same run.\n\
                 app: {:.1} s, {:.0} rows a second\n\
                 sandbox, 4 at a time (the app's concurrency): {:.0} requests a second\n\
                 sandbox, its maximum (4 or 16 at a time): {:.0} requests a second\n\
                 app ÷ sandbox maximum: {:.2}\n\
                 app ÷ sandbox at the app's concurrency: {:.2}\n\
                 app memory during the run (PSS, app + WebKit): peak {:.1} MiB, mean {:.1} MiB \
                 over {} samples; peak RSS {:.1} MiB\n{floor}",
                self.app_seconds,
                self.app_rows_per_s,
                self.sandbox_at_app_concurrency,
                self.sandbox_max,
                self.app_rows_per_s / self.sandbox_max,
                self.app_rows_per_s / self.sandbox_at_app_concurrency,
                self.peak.pss_mib,
                self.mean_pss_mib,
                self.samples,
                self.peak.rss_mib,
            );
        write_measurements("bulk.txt", &report);
        report
    }
}
