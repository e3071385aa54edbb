//! Bulk runs (`sending::run`) against the sandbox: a few rows at a time,
//! backing off, pausing and cancelling, resuming after a crash; and, with
//! a rate limit, random 5xx and dropped connections, every row ends
//! confirmed or failed with a reason, none is lost and none is applied
//! twice — as the sandbox's own request log shows.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use deepcall_desk::deepcall::directory::field::{ContactField, FieldValue, KnownField};
use deepcall_desk::deepcall::directory::form::FieldChange;
use deepcall_desk::deepcall::directory::{ContactNumber, ContactUpdate};
use deepcall_desk::history::batch::{BatchState, BatchSummary, Held, NewBatch, RunRow};
use deepcall_desk::history::{self, AccountRef, Change, History, Outcome, Purpose};
use deepcall_desk::sandbox::{extra_contact, Fault, Misbehaviour, Options, RateLimit, Sandbox};
use deepcall_desk::sending::run::{self, Control, RunOptions, RunProgress, Start};
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
        separator: deepcall_desk::bulk::Separator::Comma,
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
        longest_retry_after: Duration::from_millis(50),
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
    start: Start,
    options: RunOptions,
    control: watch::Receiver<Control>,
) -> (BatchSummary, Vec<RunProgress>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = heard.clone();
    let client = token_client(sb);
    let summary = tokio::time::timeout(
        Duration::from_secs(120),
        run::run(h, &client, batch, start, options, control, move |p| {
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
    let (summary, heard) =
        run_batch(&h, &sb, batch, Start::Fresh, RunOptions::default(), control).await;
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

/// What a busy host did to a run's updates, from its own request log.
struct Busy {
    limited: usize,
    errors: usize,
    dropped: usize,
    dropped_after: usize,
}

fn busy(sb: &Sandbox) -> Busy {
    let log = sb.requests_to(UPDATE);
    let met = |f: fn(&Fault) -> bool| {
        log.iter()
            .filter(|r| r.fault.as_ref().is_some_and(f))
            .count()
    };
    Busy {
        limited: met(|f| *f == Fault::RateLimited),
        errors: met(|f| matches!(f, Fault::ServerError(_))),
        dropped: met(|f| *f == Fault::DropConnection),
        dropped_after: met(|f| *f == Fault::DropAfterApplying),
    }
}

/// Numbers whose update was carried out after its answer was dropped.
fn dropped_after_applying(sb: &Sandbox) -> std::collections::HashSet<String> {
    sb.requests_to(UPDATE)
        .iter()
        .filter(|r| r.fault == Some(Fault::DropAfterApplying) && r.carried_out)
        .filter_map(|r| r.json.as_ref()?["contact"].as_str().map(str::to_owned))
        .collect()
}

/// A busy host as managers meet one: 1 request in 7 answered 429 in
/// DeepCall's JSON envelope, 1 in 11 a gateway's HTML error page (500, 502,
/// 503 or 504), connections dropped before and after the update is carried
/// out, and a rate limit besides.
fn busy_host(seed: u64) -> Misbehaviour {
    Misbehaviour {
        too_many_requests: 1.0 / 7.0,
        rate_limit: Some(RateLimit::per_second(400)),
        server_errors: 1.0 / 11.0,
        drops: 0.04,
        seed,
        ..Misbehaviour::default()
    }
}

/// Every row of a 2,000-row run on a busy host ends confirmed, with its
/// own values; returns how many times each contact was carried out.
async fn every_row_confirmed_on_a_busy_host(
    getinfo: bool,
) -> (Sandbox, std::collections::HashMap<String, usize>) {
    const ROWS: usize = 2_000;
    let sb = sandbox_with(ROWS, busy_host(7)).await;
    if !getinfo {
        sb.switch_off("Directory/getInfo");
    }
    let h = scratch_history();
    let batch = vip_batch(&h, &sb.url(), ROWS);
    let (_tx, control) = watch::channel(Control::Run);
    let (summary, _) = run_batch(&h, &sb, batch, Start::Fresh, quick(), control).await;

    let rows = h.batch_rows(batch).unwrap();
    assert_eq!(rows.len(), ROWS);
    for r in &rows {
        assert_eq!(
            r.outcome,
            Some(Outcome::Confirmed),
            "row {} ended {:?}: {:?}",
            r.line,
            r.outcome,
            r.message
        );
    }
    assert_eq!(
        (summary.confirmed, summary.pending, summary.state),
        (ROWS as u32, 0, BatchState::Finished)
    );
    // No contact carried out with other values than its row's: every update
    // the host carried out set exactly VIP, and on that row's contact.
    for r in sb.requests_to(UPDATE).iter().filter(|r| r.carried_out) {
        let body = r.json.as_ref().unwrap();
        assert_eq!(body["other"], serde_json::json!({"vip": true}), "{body}");
        assert!(body.get("contactinfo").is_none(), "{body}");
    }
    assert!((0..ROWS).all(|i| is_vip(&sb, &extra_contact(i))));
    let b = busy(&sb);
    assert!(
        b.limited > 0 && b.errors > 0 && b.dropped > 0 && b.dropped_after > 0,
        "a quiet run: 429 {}, 5xx {}, dropped {}, dropped after applying {}",
        b.limited,
        b.errors,
        b.dropped,
        b.dropped_after
    );
    let applied = sb.updates_carried_out();
    eprintln!(
        "{ROWS} rows, getInfo {}: all confirmed; {} update requests: 429 {}, 5xx {}, dropped \
         before applying {}, after {}; {} getInfo reads; rows carried out twice or more: {}",
        if getinfo { "on" } else { "off" },
        sb.requests_to(UPDATE).len(),
        b.limited,
        b.errors,
        b.dropped,
        b.dropped_after,
        sb.requests_to("Directory/getInfo").len(),
        applied.values().filter(|n| **n > 1).count()
    );
    (sb, applied)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_busy_host_without_getinfo_every_row_ends_confirmed_and_only_lost_answers_are_sent_again(
) {
    let (sb, applied) = every_row_confirmed_on_a_busy_host(false).await;
    let lost = dropped_after_applying(&sb);
    for (number, times) in &applied {
        if *times > 1 {
            assert!(
                lost.contains(number),
                "{number} carried out {times} times without a lost answer"
            );
        }
    }
    assert!(
        applied.values().any(|n| *n > 1),
        "a lost answer was sent again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_busy_host_with_getinfo_no_row_is_carried_out_twice() {
    let (_sb, applied) = every_row_confirmed_on_a_busy_host(true).await;
    for (number, times) in &applied {
        assert_eq!(*times, 1, "{number} carried out {times} times");
    }
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
        tokio::spawn(async move {
            run_batch(&h, &sb, batch, Start::Fresh, RunOptions::default(), control).await
        })
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
    let (summary, _) = run_batch(
        &h,
        &sb,
        batch,
        Start::Resume,
        RunOptions::default(),
        control,
    )
    .await;
    // Row 4 was on its way and DeepCall does not have it: whether it never
    // arrived or someone changed the contact since cannot be told (its
    // values from before were not known), so it is not sent over that.
    assert_eq!(
        (summary.confirmed, summary.other_values, summary.pending),
        (4, 1, 0)
    );
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
    // Row 2 (extra contact 0) is not sent again, nor row 3 (applied) nor
    // row 4 (held); rows 5 and 6 are, once, each after a read.
    let mut sent_sorted = sent.clone();
    sent_sorted.sort();
    assert_eq!(sent_sorted, [extra_contact(3), extra_contact(4)]);
    assert_eq!(
        sb.requests_to("Directory/getInfo").len(),
        4,
        "the two rows in flight and the two not sent were read first"
    );
    let rows = h.batch_rows(batch).unwrap();
    assert_eq!(rows[1].outcome, Some(Outcome::Confirmed));
    assert_eq!(rows[2].held, Some(Held::Unsure));
    let results = h.batch_results(batch, 0, 10).unwrap();
    assert_eq!(
        results.rows[2].words,
        "not sent — DeepCall has other values"
    );
    // Rows 5 and 6 now carry the values from before, as read at Resume.
    let Change::Contact { changes, .. } = &rows[3].change else {
        unreachable!()
    };
    assert_eq!(changes[0].before, FieldValue::Flag(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_a_json_body_is_a_wait_not_a_refusal_and_retry_after_holds_every_request() {
    let sb = sandbox_with(20, Misbehaviour::default()).await;
    let h = scratch_history();
    let batch = vip_batch(&h, &sb.url(), 20);
    // DeepCall's own envelope saying 429 (HTTP 200), then a 429 whose
    // Retry-After asks for a second.
    sb.fail_next_on(
        UPDATE,
        Fault::ApiError {
            code: 429,
            message: "Too Many Requests".into(),
        },
    );
    sb.fail_next_on(UPDATE, Fault::RateLimited);
    let options = RunOptions {
        longest_retry_after: Duration::from_secs(5),
        ..quick()
    };
    let (_tx, control) = watch::channel(Control::Run);
    let (summary, _) = run_batch(&h, &sb, batch, Start::Fresh, options, control).await;
    assert_eq!((summary.confirmed, summary.failed), (20, 0));
    let log = sb.requests_to(UPDATE);
    let limited = log
        .iter()
        .position(|r| r.fault == Some(Fault::RateLimited))
        .expect("the 429 came");
    // No request of the run left within the second its Retry-After asked
    // for (those already on their way when it came arrive at once).
    let then = log[limited].at;
    let early: Vec<_> = log[limited + 1..]
        .iter()
        .filter(|r| {
            r.at.duration_since(then).is_ok_and(|d| {
                (Duration::from_millis(100)..Duration::from_millis(950)).contains(&d)
            })
        })
        .collect();
    assert!(
        early.is_empty(),
        "{} requests inside Retry-After",
        early.len()
    );
    // Each refused try is its own History entry, not applied; none is left
    // "sending" through its wait.
    let not_applied = history::Query {
        outcome: Some(Outcome::NotApplied),
        ..Default::default()
    };
    let page = h.page(&not_applied, 0, 10).unwrap();
    assert_eq!(page.total, 2, "{:?}", page.entries);
    assert!(page.entries.iter().all(|e| e
        .message
        .as_deref()
        .is_some_and(|m| m.contains("slow down") && m.contains("sent again"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_sign_in_pauses_the_run_with_words_and_resume_finishes_it() {
    let sb = sandbox_with(200, Misbehaviour::default()).await;
    let h = scratch_history();
    let batch = vip_batch(&h, &sb.url(), 200);
    let sb = Arc::new(sb);
    // The token expires after 50 updates.
    let expire = {
        let sb = sb.clone();
        tokio::spawn(async move {
            sb.wait_for_log(Duration::from_secs(30), |log| {
                log.iter().filter(|r| r.endpoint() == UPDATE).count() >= 50
            })
            .await;
            sb.fail_always(Fault::ApiError {
                code: 1014,
                message: "Invalid token".into(),
            });
        })
    };
    let (_tx, control) = watch::channel(Control::Run);
    let (summary, _) = run_batch(&h, &sb, batch, Start::Fresh, quick(), control).await;
    expire.await.unwrap();
    assert_eq!(summary.state, BatchState::Paused);
    let note = summary.note.clone().expect("it says why");
    assert!(
        note.contains("sign-in") && note.contains("Resume"),
        "{note}"
    );
    assert!(!note.contains("1014"), "{note}");
    let refused = sb
        .requests_to(UPDATE)
        .iter()
        .filter(|r| r.api_code == Some(1014))
        .count();
    assert!(
        refused <= 40,
        "it paused at once, not after every row: {refused}"
    );
    assert_eq!(summary.failed, 0, "no row failed for the account's sake");
    assert_eq!(
        h.unfinished_batches().unwrap().len(),
        1,
        "offered for Resume"
    );

    // The manager enters the new token; Resume reads back and finishes.
    sb.clear_faults();
    let (_tx, control) = watch::channel(Control::Run);
    let (summary, _) = run_batch(&h, &sb, batch, Start::Resume, quick(), control).await;
    assert_eq!(
        (summary.state, summary.confirmed, summary.note),
        (BatchState::Finished, 200, None)
    );
    assert!((0..200).all(|i| is_vip(&sb, &extra_contact(i))));
    for (number, times) in sb.updates_carried_out() {
        assert_eq!(times, 1, "{number}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_resume_leaves_a_contact_changed_since_alone() {
    let sb = sandbox_with(0, Misbehaviour::default()).await;
    let h = scratch_history();
    // Two rows rename their contacts; the run knew what each held before
    // (it read them), then stopped before sending them.
    let name = |t: &str| FieldValue::Text(t.into());
    let rows: Vec<RunRow> = [("9000000001", "Asha"), ("9000000002", "Ravi")]
        .iter()
        .enumerate()
        .map(|(i, (number, old))| {
            sb.add_contact(number, old);
            RunRow {
                line: i as u32 + 2,
                cells: vec![number.to_string(), format!("{old} Verma")],
                change: Change::Contact {
                    number: number.to_string(),
                    name: None,
                    changes: vec![FieldChange {
                        field: ContactField::Known(KnownField::Name),
                        before: name(old),
                        after: name(&format!("{old} Verma")),
                    }],
                },
            }
        })
        .collect();
    let batch = h
        .create_batch(&NewBatch {
            account: &AccountRef::sandbox(&sb.url()),
            source: "names.csv",
            separator: deepcall_desk::bulk::Separator::Comma,
            headers: &["Phone".into(), "Name".into()],
            rows: &rows,
            left_out: &[],
        })
        .unwrap();
    // Days later, someone renamed the first contact in DeepCall.
    sb.add_contact("9000000001", "Asha Kapoor");
    let (_tx, control) = watch::channel(Control::Run);
    let (summary, _) = run_batch(&h, &sb, batch, Start::Resume, quick(), control).await;
    assert_eq!((summary.confirmed, summary.changed_since), (1, 1));
    assert_eq!(
        sb.contact("9000000001").unwrap()["contactinfo"]["name"],
        "Asha Kapoor",
        "not overwritten"
    );
    let sent: Vec<_> = sb.requests_to(UPDATE);
    assert_eq!(sent.len(), 1, "only the unchanged contact was sent");
    let results = h.batch_results(batch, 0, 10).unwrap();
    assert_eq!(results.rows[0].words, "changed since — not sent");
    assert!(
        results.rows[0]
            .message
            .as_deref()
            .is_some_and(|m| m.contains("name")),
        "{:?}",
        results.rows[0].message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_changed_from_this_computer_since_the_run_started_is_not_sent_at_resume() {
    let sb = sandbox_with(3, Misbehaviour::default()).await;
    let h = scratch_history();
    let batch = vip_batch(&h, &sb.url(), 3);
    // Between the crash and Resume, the manager changed the second row's
    // contact on the Contacts screen.
    let edit = Change::Contact {
        number: extra_contact(1),
        name: None,
        changes: vec![FieldChange {
            field: ContactField::Known(KnownField::Vip),
            before: FieldValue::Flag(false),
            after: FieldValue::Flag(false),
        }],
    };
    let sent = h
        .record(&AccountRef::sandbox(&sb.url()), Purpose::Change, &[edit])
        .unwrap();
    h.settle(sent, Outcome::Confirmed, None).unwrap();
    let (_tx, control) = watch::channel(Control::Run);
    let (summary, _) = run_batch(&h, &sb, batch, Start::Resume, quick(), control).await;
    assert_eq!((summary.confirmed, summary.changed_since), (2, 1));
    assert!(!is_vip(&sb, &extra_contact(1)), "not overwritten");
    let results = h.batch_results(batch, 0, 10).unwrap();
    assert_eq!(results.rows[1].words, "changed since — not sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_takes_effect_while_rows_wait_to_be_tried_again() {
    let sb = sandbox_with(50, Misbehaviour::default()).await;
    let h = Arc::new(scratch_history());
    let batch = vip_batch(&h, &sb.url(), 50);
    // Every request is refused "slow down", with no word on how long.
    sb.fail_always(Fault::RateLimited);
    let options = RunOptions {
        first_wait: Duration::from_millis(200),
        longest_wait: Duration::from_secs(30),
        longest_retry_after: Duration::ZERO,
        ..quick()
    };
    let (tx, control) = watch::channel(Control::Run);
    let sb = Arc::new(sb);
    let running = {
        let (h, sb) = (h.clone(), sb.clone());
        tokio::spawn(async move { run_batch(&h, &sb, batch, Start::Fresh, options, control).await })
    };
    // Long enough for the waits to have grown to seconds.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let cancelled_at = std::time::Instant::now();
    tx.send(Control::Cancel).unwrap();
    let (summary, _) = running.await.unwrap();
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(2),
        "Cancel waited for a retry: {:?}",
        cancelled_at.elapsed()
    );
    assert_eq!(summary.state, BatchState::Cancelled);
    assert_eq!(summary.confirmed, 0);
    for r in h.batch_rows(batch).unwrap() {
        assert!(
            matches!(r.outcome, None | Some(Outcome::NotApplied)),
            "row {}: {:?}",
            r.line,
            r.outcome
        );
    }
    assert!(sb.updates_carried_out().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deepcall_out_of_reach_pauses_the_run_and_says_how_many_rows_are_not_known() {
    let sb = sandbox_with(
        300,
        Misbehaviour {
            delay: Some(Duration::from_millis(50)..=Duration::from_millis(50)),
            ..Misbehaviour::default()
        },
    )
    .await;
    let h = Arc::new(scratch_history());
    let batch = vip_batch(&h, &sb.url(), 300);
    let options = RunOptions {
        unreachable_after: Duration::from_secs(1),
        ..quick()
    };
    let (_tx, control) = watch::channel(Control::Run);
    let sb = Arc::new(sb);
    let running = {
        let (h, sb) = (h.clone(), sb.clone());
        tokio::spawn(async move { run_batch(&h, &sb, batch, Start::Fresh, options, control).await })
    };
    while sb.updates_carried_out().len() < 30 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The host goes away: connections in flight break, new ones are refused.
    sb.shutdown();
    let (summary, _) = running.await.unwrap();
    assert_eq!(summary.state, BatchState::Paused);
    let note = summary.note.clone().expect("it says why");
    assert!(note.contains("cannot be reached"), "{note}");
    if summary.unknown > 0 {
        assert!(note.contains("not yet known"), "{note}");
    }
    assert_eq!(summary.failed, 0, "no row failed for the network's sake");
    assert!(summary.pending + summary.not_applied + summary.unknown > 0);
    assert_eq!(
        h.unfinished_batches().unwrap().len(),
        1,
        "offered for Resume"
    );
}
