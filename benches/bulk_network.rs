//! A bulk run at the network's pace: 2,000 rows against a sandbox 100 ms
//! away that refuses more than 16 requests in flight (HTTP 429 in
//! DeepCall's JSON envelope, without `Retry-After`, as a concurrency cap
//! such as nginx's `limit_conn` answers), and against the same sandbox
//! without a cap. One more line times the cap whose refusals do carry
//! `Retry-After: 1`: the run then keeps every such wait, as it must.
//!
//! `cargo bench --bench bulk_network` (release; figures in
//! target/measurements/bulk-network.txt). Beside each run, its floor in the
//! same process: the most such a host allows, 16 requests at a time for
//! 100 ms each (160 rows a second), and what a plain client holding exactly
//! 16 requests in flight measures against it. `BULK_NETWORK_RUNS` repeats
//! each figure (default 1).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use deepcall_desk::deepcall::directory::field::{ContactField, FieldValue, KnownField};
use deepcall_desk::deepcall::directory::form::FieldChange;
use deepcall_desk::deepcall::directory::{ContactNumber, ContactUpdate};
use deepcall_desk::deepcall::{Auth, BaseUrl, Client, Http, HttpConfig};
use deepcall_desk::history::batch::{NewBatch, RunRow};
use deepcall_desk::history::{self, AccountRef, Change, History};
use deepcall_desk::sandbox::{
    extra_contact, Misbehaviour, Options, RefusalBody, RefusalShape, RetryAfter, Sandbox,
};
use deepcall_desk::secret::Secret;
use deepcall_desk::sending::run::limit::Limits;
use deepcall_desk::sending::run::{self, Control, RunOptions, Start};
use tokio::sync::watch;

const ROWS: usize = 2_000;
const LATENCY: Duration = Duration::from_millis(100);
const CAP: u32 = 16;

async fn sandbox(cap: Option<u32>, retry_after: Option<RetryAfter>) -> Sandbox {
    Sandbox::start(Options {
        contacts: ROWS,
        misbehaviour: Misbehaviour {
            delay: Some(LATENCY..=LATENCY),
            max_in_flight: cap,
            refusal: RefusalShape {
                body: RefusalBody::Json,
                retry_after,
            },
            ..Misbehaviour::default()
        },
        ..Options::default()
    })
    .await
    .expect("sandbox starts")
}

fn client(sb: &Sandbox) -> Client {
    Client::new(
        Http::new(HttpConfig::default()).expect("http"),
        BaseUrl::parse(&sb.url()).expect("url"),
        Auth::Token {
            user_id: deepcall_desk::sandbox::USER_ID.into(),
            token: Secret::new("sandbox-token"),
        },
    )
}

/// Rows a second for a run of every row, as the app sends it with
/// `options`, and the most requests it had in flight.
async fn the_run(sb: &Sandbox, options: RunOptions) -> (f64, u32) {
    let dir = std::env::temp_dir().join(format!(
        "deepcall-bench-network-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let h = History::open(&dir.join(history::FILE_NAME)).expect("history");
    let rows: Vec<RunRow> = (0..ROWS)
        .map(|i| RunRow {
            line: i as u32 + 2,
            cells: vec![extra_contact(i), "yes".into()],
            change: Change::Contact {
                number: extra_contact(i),
                name: None,
                changes: vec![FieldChange {
                    field: ContactField::Known(KnownField::Vip),
                    before: FieldValue::NotKnown,
                    after: FieldValue::Flag(true),
                }],
            },
        })
        .collect();
    let batch = h
        .create_batch(&NewBatch {
            account: &AccountRef::sandbox(&sb.url()),
            source: "vip.csv",
            separator: deepcall_desk::bulk::Separator::Comma,
            headers: &["Phone".into(), "VIP".into()],
            rows: &rows,
            left_out: &[],
        })
        .expect("batch");
    let (_tx, control) = watch::channel(Control::Run);
    let most = Arc::new(Mutex::new(0u32));
    let seen = most.clone();
    let started = Instant::now();
    let summary = run::run(
        &h,
        &client(sb),
        batch,
        Start::Fresh,
        options,
        control,
        move |p| {
            let mut m = seen.lock().unwrap();
            *m = (*m).max(p.at_once);
        },
    )
    .await
    .expect("the run ends");
    let took = started.elapsed();
    assert_eq!(summary.confirmed as usize, ROWS, "{summary:?}");
    let _ = std::fs::remove_dir_all(&dir);
    let most = *most.lock().unwrap();
    (ROWS as f64 / took.as_secs_f64(), most)
}

/// Rows a second for a plain client keeping exactly `at_once` requests in
/// flight (no History, no retries): what the host allows.
async fn plain(sb: &Sandbox, at_once: usize) -> f64 {
    let queue = Arc::new(Mutex::new((0..ROWS).collect::<VecDeque<_>>()));
    let update = ContactUpdate {
        vip: Some(true),
        ..ContactUpdate::default()
    };
    let started = Instant::now();
    let workers: Vec<_> = (0..at_once)
        .map(|_| {
            let (queue, client, update) = (queue.clone(), client(sb), update.clone());
            tokio::spawn(async move {
                loop {
                    let Some(i) = queue.lock().unwrap().pop_front() else {
                        return;
                    };
                    let number = ContactNumber::parse(&extra_contact(i)).unwrap();
                    client
                        .update_contact(&number, &update)
                        .await
                        .expect("update");
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    ROWS as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let runs: usize = std::env::var("BULK_NETWORK_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let most = f64::from(CAP) / LATENCY.as_secs_f64();
    let mut lines = vec![format!(
        "A bulk run of {ROWS} rows at the network's pace (cargo bench --bench bulk_network, release)\n\
         host: the sandbox, every answer {} ms late; runs: {runs}\n\
         Each figure: rows a second | against its floor",
        LATENCY.as_millis()
    )];
    for run in 1..=runs {
        let (capped, floor, free, fixed, told) = rt.block_on(async {
            let sb = sandbox(Some(CAP), None).await;
            let floor = plain(&sb, CAP as usize).await;
            drop(sb);
            let sb = sandbox(Some(CAP), None).await;
            let capped = the_run(&sb, RunOptions::default()).await;
            drop(sb);
            let sb = sandbox(None, None).await;
            let free = the_run(&sb, RunOptions::default()).await;
            drop(sb);
            let sb = sandbox(Some(CAP), Some(RetryAfter::Seconds(1))).await;
            let told = the_run(&sb, RunOptions::default()).await;
            drop(sb);
            // Four at a time, always: how runs were sent before the limit
            // followed DeepCall's answers.
            let sb = sandbox(Some(CAP), None).await;
            let four = Limits {
                start: 4,
                least: 4,
                most: 4,
            };
            let fixed = the_run(
                &sb,
                RunOptions {
                    limits: four,
                    ..RunOptions::default()
                },
            )
            .await;
            (capped, floor, free, fixed, told)
        });
        lines.push(format!(
            "run {run}: capped at {CAP} in flight: the run {:.1} rows/s (up to {} at a time) | \
             {:.3} of the cap's most ({most:.0}/s) | {:.3} of a plain client at exactly {CAP} \
             ({floor:.1}/s)",
            capped.0,
            capped.1,
            capped.0 / most,
            capped.0 / floor,
        ));
        lines.push(format!(
            "run {run}: no cap: the run {:.1} rows/s (up to {} at a time) | {:.3} of the most \
             at 32 in flight ({:.0}/s)",
            free.0,
            free.1,
            free.0 / (32.0 / LATENCY.as_secs_f64()),
            32.0 / LATENCY.as_secs_f64(),
        ));
        lines.push(format!(
            "run {run}: capped, at a fixed 4 at a time: the run {:.1} rows/s | {:.3} of the \
             cap's most",
            fixed.0,
            fixed.0 / most,
        ));
        lines.push(format!(
            "run {run}: capped, each refusal with Retry-After: 1: the run {:.1} rows/s (up to {} \
             at a time) | {:.3} of the cap's most",
            told.0,
            told.1,
            told.0 / most,
        ));
    }
    let report = lines.join("\n") + "\n";
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/measurements");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join("bulk-network.txt"), &report);
    eprint!("{report}");
}
