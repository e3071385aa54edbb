//! Bulk runs (`history::run`) against the sandbox: a few rows at a time,
//! backing off, pausing and cancelling, resuming after a crash; and, with
//! a rate limit, random 5xx and dropped connections, every row ends
//! confirmed or failed with a reason, none is lost and none is applied
//! twice — as the sandbox's own request log shows.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use deepcall_desk::deepcall::directory::field::{ContactField, FieldValue, KnownField};
use deepcall_desk::deepcall::directory::form::FieldChange;
use deepcall_desk::deepcall::directory::{ContactNumber, ContactUpdate};
use deepcall_desk::history::batch::{BatchState, BatchSummary, NewBatch, RunRow};
use deepcall_desk::history::run::{self, Control, RunOptions, RunProgress};
use deepcall_desk::history::{self, AccountRef, Change, History, Outcome, Purpose};
use deepcall_desk::sandbox::{
    extra_contact, Fault, Misbehaviour, Options, RateLimit, RefusalBody, RefusalShape, Sandbox,
};
use tokio::sync::watch;

use crate::common::*;

const UPDATE: &str = "Directory/update";

fn scratch_history() -> History {
    let dir = std::env::temp_dir().join(format!(
        "deepcall-contract-bulk-{}",
        uuid::Uuid::new_v4().simple()
    ));
    History::open(&dir.join(history::FILE_NAME)).expect("history opens")
}

async fn sandbox_with(contacts: usize, misbehaviour: Misbehaviour) -> Sandbox {
    Sandbox::start(Options {
        contacts,
        misbehaviour,
        log_limit: deepcall_desk::sandbox::LogLimit {
            requests: 100_000,
            body_bytes: 256 * 1024 * 1024,
        },
        ..Options::default()
    })
    .await
    .expect("sandbox starts")
}

/// A run of `n` rows on the sandbox at `url`: row `i` makes extra contact
/// `i` VIP.
fn vip_batch(h: &History, url: &str, n: usize) -> i64 {
    let rows: Vec<RunRow> = (0..n)
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
    h.create_batch(&NewBatch {
        account: &AccountRef::sandbox(url),
        source: "vip.csv",
        headers: &["Phone".into(), "VIP".into()],
        rows: &rows,
        left_out: &[],
    })
    .unwrap()
}

/// Quick waits, so that a test with faults takes seconds.
fn quick() -> RunOptions {
    RunOptions {
        first_wait: Duration::from_millis(20),
        longest_wait: Duration::from_millis(200),
        attempts: 10,
        ..RunOptions::default()
    }
}

fn is_vip(sb: &Sandbox, number: &str) -> bool {
    sb.contact(number).unwrap()["other"]["vip"] == true
}

async fn run_batch(
    h: &History,
    sb: &Sandbox,
    batch: i64,
    options: RunOptions,
    control: watch::Receiver<Control>,
) -> (BatchSummary, Vec<RunProgress>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = heard.clone();
    let client = token_client(sb);
    let summary = tokio::time::timeout(
        Duration::from_secs(120),
        run::run(h, &client, batch, options, control, move |p| {
            sink.lock().unwrap().push(p)
        }),
    )
    .await
    .expect("the run ends")
    .expect("History works");
    let heard = heard.lock().unwrap().clone();
    (summary, heard)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_is_sent_once_with_only_what_it_sets() {
    let sb = sandbox_with(300, Misbehaviour::default()).await;
    let h = scratch_history();
    let batch = vip_batch(&h, &sb.url(), 300);
    let (_tx, control) = watch::channel(Control::Run);
    let (summary, heard) = run_batch(&h, &sb, batch, RunOptions::default(), control).await;
    assert_eq!(
        (summary.rows, summary.confirmed, summary.pending),
        (300, 300, 0)
    );
    assert_eq!(summary.state, BatchState::Finished);
    let sent = sb.requests_to(UPDATE);
    assert_eq!(sent.len(), 300, "one request a row");
    for r in &sent {
        let body = r.json.as_ref().unwrap();
        assert_eq!(body["other"], serde_json::json!({"vip": true}), "{body}");
        assert!(
            body.get("contactinfo").is_none(),
            "nothing the row did not set"
        );
    }
    assert!((0..300).all(|i| is_vip(&sb, &extra_contact(i))));
    let last = heard.last().unwrap();
    assert_eq!((last.done, last.confirmed, last.rows), (300, 300, 300));
    assert!(heard.len() > 300, "progress after every row");
    // History: one confirmed entry a row.
    let page = h.page(&Default::default(), 0, 1).unwrap();
    assert_eq!(page.total, 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_rate_limit_5xx_and_dropped_connections_no_row_is_lost_or_applied_twice() {
    const ROWS: usize = 2_000;
    let sb = sandbox_with(
        ROWS,
        Misbehaviour {
            rate_limit: Some(RateLimit::per_second(150)),
            server_errors: 0.05,
            drops: 0.03,
            seed: 7,
            // 429s that only the HTTP status marks as refusals.
            refusal: RefusalShape {
                body: RefusalBody::Text,
                ..RefusalShape::default()
            },
            ..Misbehaviour::default()
        },
    )
    .await;
    let h = scratch_history();
    let batch = vip_batch(&h, &sb.url(), ROWS);
    let (_tx, control) = watch::channel(Control::Run);
    let (summary, _) = run_batch(&h, &sb, batch, quick(), control).await;

    // None lost: every row settled, each confirmed or failed with a reason.
    let rows = h.batch_rows(batch).unwrap();
    assert_eq!(rows.len(), ROWS);
    let mut confirmed = 0;
    for r in &rows {
        match r.outcome {
            Some(Outcome::Confirmed) => confirmed += 1,
            Some(Outcome::Failed) => assert!(r.message.is_some(), "row {} failed silently", r.line),
            other => panic!("row {} ended {other:?}: {:?}", r.line, r.message),
        }
    }
    assert_eq!(summary.confirmed as usize, confirmed);
    assert_eq!(summary.pending, 0);
    // None applied twice, and every confirmed row applied once: the log.
    let applied = sb.updates_carried_out();
    for (i, r) in rows.iter().enumerate() {
        let number = extra_contact(i);
        let times = applied.get(&number).copied().unwrap_or(0);
        match r.outcome {
            Some(Outcome::Confirmed) => {
                assert_eq!(times, 1, "{number} applied {times} times");
                assert!(is_vip(&sb, &number));
            }
            _ => assert!(times <= 1, "{number} applied {times} times"),
        }
    }
    // Every kind of trouble happened: this was not a quiet run.
    let log = sb.requests_to(UPDATE);
    let met = |f: fn(&Fault) -> bool| {
        log.iter()
            .filter(|r| r.fault.as_ref().is_some_and(f))
            .count()
    };
    let limited = met(|f| *f == Fault::RateLimited);
    let errors = met(|f| matches!(f, Fault::ServerError(_)));
    let dropped = met(|f| *f == Fault::DropConnection);
    let dropped_after = met(|f| *f == Fault::DropAfterApplying);
    assert!(
        limited > 0 && errors > 0 && dropped > 0 && dropped_after > 0,
        "429 {limited}, 5xx {errors}, dropped {dropped}, dropped after applying {dropped_after}"
    );
    eprintln!(
        "{ROWS} rows: {confirmed} confirmed, {} failed; {} update requests: 429 {limited}, \
         5xx {errors}, dropped before applying {dropped}, after {dropped_after}",
        ROWS - confirmed,
        log.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_holds_the_run_and_cancel_leaves_the_rest_unsent() {
    let sb = sandbox_with(
        400,
        Misbehaviour {
            delay: Some(Duration::from_millis(5)..=Duration::from_millis(5)),
            ..Misbehaviour::default()
        },
    )
    .await;
    let h = Arc::new(scratch_history());
    let batch = vip_batch(&h, &sb.url(), 400);
    let (tx, control) = watch::channel(Control::Run);
    let sb = Arc::new(sb);
    let running = {
        let (h, sb) = (h.clone(), sb.clone());
        tokio::spawn(async move { run_batch(&h, &sb, batch, RunOptions::default(), control).await })
    };
    while sb.requests_to(UPDATE).len() < 20 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tx.send(Control::Pause).unwrap();
    // Rows under way finish; then nothing more is sent while paused.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let paused_at = sb.requests_to(UPDATE).len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sb.requests_to(UPDATE).len(),
        paused_at,
        "nothing sent while paused"
    );
    assert!(paused_at < 400);
    tx.send(Control::Run).unwrap();
    while sb.requests_to(UPDATE).len() < paused_at + 20 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tx.send(Control::Cancel).unwrap();
    let (summary, heard) = running.await.unwrap();
    assert!(heard.iter().any(|p| p.paused), "progress said paused");
    assert_eq!(summary.state, BatchState::Cancelled);
    let sent = sb.requests_to(UPDATE).len();
    assert!(sent < 400, "cancelled before the end: {sent}");
    assert_eq!(
        summary.confirmed as usize, sent,
        "every row sent was confirmed"
    );
    assert_eq!(summary.pending as usize, 400 - sent, "the rest unsent");
    assert!(h.unfinished_batches().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resuming_after_a_crash_checks_the_row_in_flight_instead_of_sending_it_again() {
    let sb = sandbox_with(5, Misbehaviour::default()).await;
    let h = scratch_history();
    let batch = vip_batch(&h, &sb.url(), 5);
    // Before the crash: row 2 was confirmed; rows 3 and 4 were in flight,
    // and DeepCall applied row 3 (sent here directly) but not row 4.
    let first = h.record_row(batch, 2, Purpose::Change).unwrap();
    h.settle(first, Outcome::Confirmed, None).unwrap();
    sb.clear_requests();
    h.record_row(batch, 3, Purpose::Change).unwrap();
    h.record_row(batch, 4, Purpose::Change).unwrap();
    let u = ContactUpdate {
        vip: Some(true),
        ..ContactUpdate::default()
    };
    let number = ContactNumber::parse(&extra_contact(1)).unwrap();
    bounded(token_client(&sb).update_contact(&number, &u))
        .await
        .unwrap();
    sb.clear_requests();
    assert_eq!(h.unfinished_batches().unwrap()[0].unknown, 2);

    let (_tx, control) = watch::channel(Control::Run);
    let (summary, _) = run_batch(&h, &sb, batch, RunOptions::default(), control).await;
    assert_eq!((summary.confirmed, summary.pending), (5, 0));
    let sent: Vec<String> = sb
        .requests_to(UPDATE)
        .iter()
        .map(|r| {
            r.json.as_ref().unwrap()["contact"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    // Row 2 (extra contact 0) is not sent again, nor row 3 (applied);
    // row 4 (not applied) is, once, as are rows 5 and 6.
    let mut sent_sorted = sent.clone();
    sent_sorted.sort();
    assert_eq!(
        sent_sorted,
        [extra_contact(2), extra_contact(3), extra_contact(4)]
    );
    assert_eq!(
        sb.requests_to("Directory/getInfo").len(),
        2,
        "the two rows in flight were read"
    );
    let rows = h.batch_rows(batch).unwrap();
    assert_eq!(rows[2].outcome, Some(Outcome::Confirmed));
}
