//! The sandbox's own misbehaviour, for the app's crash and bulk-run tests:
//! a held answer with the change made or not (whatever becomes of the
//! client), and seeded misbehaviour (rate limit, 5xx, dropped connections,
//! slow answers) whose every request the log accounts for.

use std::time::Duration;

use deepcall_desk::deepcall::directory::{ContactNumber, ContactUpdate};
use deepcall_desk::deepcall::group::{Assignment, GroupId};
use deepcall_desk::deepcall::{Client, DeepCallError};
use deepcall_desk::sandbox::{
    Answer, Fault, LogLimit, Misbehaviour, Options, RateLimit, RecordedRequest, Sandbox,
};
use serde_json::{json, Value};

use crate::common::*;

const SUBMIT: &str = "Group/submitAssignGroupToAgent";
const RELATION: &str = "Group/getGroupAgentRelation";
const UPDATE: &str = "Directory/update";
const RAVI: &str = "9876543210";
/// How long a test waits for the sandbox to see a request: generous.
const WAIT: Duration = Duration::from_secs(10);

/// Group 28 as the seed has it, and with agent 8 no longer receiving calls.
const GROUP_28_SEED: [(u64, bool); 3] = [(3, true), (8, true), (2, true)];
const GROUP_28_CHANGED: [(u64, bool); 3] = [(3, true), (8, false), (2, true)];

fn g28() -> GroupId {
    GroupId::new(28).unwrap()
}

/// Group 28 with agent 8 no longer receiving calls.
fn turn_off_8() -> Assignment {
    Assignment {
        group: g28(),
        members: vec![3, 8, 2],
        receiving: vec![3, 2],
    }
}

fn total_calls(n: u64) -> ContactUpdate {
    ContactUpdate {
        total_calls: Some(n),
        ..ContactUpdate::default()
    }
}

fn ravi() -> ContactNumber {
    ContactNumber::parse(RAVI).unwrap()
}

/// Ravi's `totalcalls` as the server holds it.
fn ravis_total(sb: &Sandbox) -> Value {
    sb.contact(RAVI).unwrap()["other"]["totalcalls"].clone()
}

/// The newest logged request to `endpoint`.
#[track_caller]
fn last(sb: &Sandbox, endpoint: &str) -> RecordedRequest {
    sb.requests_to(endpoint)
        .pop()
        .unwrap_or_else(|| panic!("no request to {endpoint} in the log"))
}

/// Starts `assign_group(turn_off_8())` in its own task and waits until the
/// sandbox has logged it.
async fn submit_in_background(
    sb: &Sandbox,
    client: Client,
) -> tokio::task::JoinHandle<Result<(), DeepCallError>> {
    let call = tokio::spawn(async move { client.assign_group(&turn_off_8()).await });
    assert!(
        sb.wait_for_request(SUBMIT, WAIT).await,
        "the submit never reached the sandbox"
    );
    call
}

/// Waits until the newest request to `endpoint` has this answer.
async fn wait_for_answer(sb: &Sandbox, endpoint: &str, answer: Answer) {
    let seen = sb
        .wait_for_log(WAIT, |log| {
            log.iter()
                .rev()
                .find(|r| r.endpoint() == endpoint)
                .map(|r| r.answer)
                == Some(answer)
        })
        .await;
    assert!(
        seen,
        "the {endpoint} request never came to {answer:?}: {:?}",
        last(sb, endpoint)
    );
}

// ---- holding an answer ---------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_applied_change_is_on_the_server_while_the_client_still_waits() {
    let sb = sandbox().await;
    sb.fail_next_on(SUBMIT, Fault::Hold { apply: true });
    let call = submit_in_background(&sb, token_client(&sb)).await;

    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_CHANGED);
    let held = last(&sb, SUBMIT);
    assert_eq!(held.fault, Some(Fault::Hold { apply: true }));
    assert!(held.carried_out);
    assert_eq!(held.api_code, Some(200));
    assert_eq!(held.answer, Answer::Held);
    assert!(!call.is_finished(), "the answer is held");

    sb.release_held();
    bounded(call)
        .await
        .unwrap()
        .expect("released, the normal answer comes");
    assert_eq!(last(&sb, SUBMIT).answer, Answer::Status(200));
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_CHANGED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_change_not_applied_stays_unmade_and_is_answered_504() {
    let sb = sandbox().await;
    sb.fail_next_on(SUBMIT, Fault::Hold { apply: false });
    let call = submit_in_background(&sb, token_client(&sb)).await;

    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
    let held = last(&sb, SUBMIT);
    assert!(!held.carried_out);
    assert_eq!(held.api_code, None);
    assert_eq!(held.answer, Answer::Held);
    assert!(!call.is_finished(), "the answer is held");

    sb.release_held();
    let err = bounded(call).await.unwrap().unwrap_err();
    assert_eq!(err, DeepCallError::HttpStatus { status: 504 });
    assert_eq!(last(&sb, SUBMIT).answer, Answer::Status(504));
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
}

/// The e2e crash tests' case: the client dies while the answer is held. The
/// change is made or not exactly as the fault said, and the sandbox goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_killed_while_held_leaves_the_change_as_the_fault_said() {
    for (apply, expected) in [(true, GROUP_28_CHANGED), (false, GROUP_28_SEED)] {
        row(&format!("apply: {apply}"), async {
            let sb = sandbox().await;
            sb.fail_next_on(SUBMIT, Fault::Hold { apply });
            let call = submit_in_background(&sb, token_client(&sb)).await;
            call.abort();
            assert!(bounded(call).await.unwrap_err().is_cancelled());

            // The client and its connection are gone; the sandbox notices.
            wait_for_answer(&sb, SUBMIT, Answer::Unanswered).await;
            let entry = last(&sb, SUBMIT);
            assert_eq!(entry.carried_out, apply);
            assert_eq!(sb.group_members(28).unwrap(), expected);

            // A release afterwards changes nothing, and the sandbox serves on.
            sb.release_held();
            let read = bounded(token_client(&sb).group_members(g28()))
                .await
                .expect("the sandbox still answers");
            let now: Vec<(u64, bool)> = read
                .members
                .iter()
                .map(|m| (m.agent_id, m.receives_calls))
                .collect();
            assert_eq!(now, expected);
            assert_eq!(sb.requests_to(SUBMIT).len(), 1);
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_directory_update_is_applied_on_arrival() {
    let sb = sandbox().await;
    let before = ravis_total(&sb);
    assert_ne!(before, json!(77));
    sb.fail_next_on(UPDATE, Fault::Hold { apply: true });
    let client = ssid_client(&sb);
    let call = tokio::spawn(async move { client.update_contact(&ravi(), &total_calls(77)).await });
    assert!(sb.wait_for_request(UPDATE, WAIT).await);
    assert_eq!(ravis_total(&sb), json!(77));
    assert!(!call.is_finished(), "the answer is held");
    sb.release_held();
    bounded(call).await.unwrap().expect("the normal answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_release_answers_every_held_request_and_holds_only_the_one_asked_for() {
    let sb = sandbox().await;
    sb.fail_next_on(RELATION, Fault::Hold { apply: true });
    sb.fail_next_on(RELATION, Fault::Hold { apply: true });
    let reads: Vec<_> = (0..2)
        .map(|_| {
            let client = token_client(&sb);
            tokio::spawn(async move { client.group_members(g28()).await })
        })
        .collect();
    let both_held = sb
        .wait_for_log(WAIT, |log| {
            log.iter().filter(|r| r.answer == Answer::Held).count() == 2
        })
        .await;
    assert!(both_held, "{:?}", sb.requests());
    // The holds were used up: the next read is answered at once.
    bounded(token_client(&sb).group_members(g28()))
        .await
        .expect("not held");
    assert!(reads.iter().all(|r| !r.is_finished()));

    sb.release_held();
    for read in reads {
        bounded(read).await.unwrap().expect("released");
    }
    let answers: Vec<Answer> = sb.requests().iter().map(|r| r.answer).collect();
    assert_eq!(answers, [Answer::Status(200); 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutting_down_ends_a_hold() {
    let sb = sandbox().await;
    sb.fail_next_on(SUBMIT, Fault::Hold { apply: false });
    let call = submit_in_background(&sb, token_client(&sb)).await;
    sb.shutdown();
    let err = bounded(call).await.unwrap().unwrap_err();
    assert!(matches!(err, DeepCallError::Network { .. }), "{err:?}");
    wait_for_answer(&sb, SUBMIT, Answer::Unanswered).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_for_request_sees_only_its_endpoint_and_gives_up_in_time() {
    let sb = sandbox().await;
    assert!(
        !sb.wait_for_request(SUBMIT, Duration::from_millis(200))
            .await
    );
    bounded(token_client(&sb).group_members(g28()))
        .await
        .unwrap();
    assert!(
        !sb.wait_for_request(SUBMIT, Duration::from_millis(200))
            .await,
        "a read is not a submit"
    );
    assert!(
        sb.wait_for_request(RELATION, Duration::ZERO).await,
        "already logged: true at once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_request_that_left_the_log_is_still_answered() {
    let sb = Sandbox::start(Options {
        log_limit: LogLimit {
            requests: 2,
            body_bytes: 1024 * 1024,
        },
        ..Options::default()
    })
    .await
    .unwrap();
    sb.fail_next_on(SUBMIT, Fault::Hold { apply: true });
    let call = submit_in_background(&sb, token_client(&sb)).await;
    let client = token_client(&sb);
    for _ in 0..3 {
        bounded(client.group_members(g28())).await.unwrap();
    }
    assert!(sb.requests_to(SUBMIT).is_empty(), "pushed out of the log");
    sb.release_held();
    bounded(call).await.unwrap().expect("answered");
    let seqs: Vec<u64> = sb.requests().iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [2, 3], "the log keeps its limit and its order");
}

// ---- misbehaviour ------------------------------------------------------------------

async fn rate_limited(requests: u32, per: Duration) -> Sandbox {
    misbehaving(Misbehaviour {
        rate_limit: Some(RateLimit { requests, per }),
        ..Misbehaviour::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn above_the_rate_limit_requests_get_429_and_change_nothing() {
    // A 60-second window: the test cannot outrun it.
    let sb = rate_limited(3, Duration::from_secs(60)).await;
    let client = token_client(&sb);
    for _ in 0..3 {
        bounded(client.group_members(g28()))
            .await
            .expect("within the limit");
    }
    let err = bounded(client.assign_group(&turn_off_8()))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        DeepCallError::RateLimited {
            retry_after: Some(Duration::from_secs(1))
        }
    );
    assert!(err.is_retryable());
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);

    let raw = bounded(raw_post_full(
        &sb.url(),
        "/api/v2/Group/list",
        Some("application/json"),
        &signed_body(json!({"ssid": SSID}), json!({})),
    ))
    .await;
    assert_eq!(raw.status, 429);
    assert_eq!(raw.header("retry-after"), Some("1"));

    let log = sb.requests();
    let seen: Vec<(bool, Answer, Option<Fault>)> = log
        .iter()
        .map(|r| (r.carried_out, r.answer, r.fault.clone()))
        .collect();
    let ok = (true, Answer::Status(200), None);
    let limited = (false, Answer::Status(429), Some(Fault::RateLimited));
    assert_eq!(seen, [ok.clone(), ok.clone(), ok, limited.clone(), limited]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_lets_requests_through_again_after_its_window() {
    let sb = rate_limited(1, Duration::from_secs(2)).await;
    let client = token_client(&sb);
    bounded(client.group_members(g28())).await.unwrap();
    let err = bounded(client.group_members(g28())).await.unwrap_err();
    assert_eq!(
        err,
        DeepCallError::RateLimited {
            retry_after: Some(Duration::from_secs(1))
        }
    );
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    bounded(client.group_members(g28()))
        .await
        .expect("the window has passed");
}

/// Sends `Directory/update` with totalcalls 1..=n, one after another, and
/// checks after each that the log's `carried_out` is what the data shows.
/// Returns each request's fault and error.
async fn updates_checked_against_the_data(
    sb: &Sandbox,
    n: u64,
) -> Vec<(Option<Fault>, Option<DeepCallError>)> {
    let client = ssid_client(sb);
    let mut held = ravis_total(sb);
    let mut out = Vec::new();
    for i in 1..=n {
        let result = bounded(client.update_contact(&ravi(), &total_calls(i))).await;
        let entry = last(sb, UPDATE);
        assert_eq!(
            entry.json.as_ref().unwrap()["other"]["totalcalls"],
            json!(i)
        );
        if entry.carried_out {
            held = json!(i);
        }
        assert_eq!(ravis_total(sb), held, "request {i}: {entry:?}");
        out.push((entry.fault, result.err()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_5xx_are_seeded_and_change_nothing() {
    let config = |seed| Misbehaviour {
        server_errors: 0.3,
        seed,
        ..Misbehaviour::default()
    };
    let sb = misbehaving(config(7)).await;
    let run = updates_checked_against_the_data(&sb, 40).await;
    for ((fault, err), entry) in run.iter().zip(sb.requests()) {
        match fault {
            Some(Fault::ServerError(status)) => {
                assert!([500, 502, 503, 504].contains(status));
                assert_eq!(err, &Some(DeepCallError::HttpStatus { status: *status }));
                assert_eq!(entry.answer, Answer::Status(*status));
                assert!(!entry.carried_out);
            }
            None => {
                assert_eq!(err, &None);
                assert!(entry.carried_out);
            }
            other => panic!("unexpected fault {other:?}"),
        }
    }
    let failed = run.iter().filter(|(f, _)| f.is_some()).count();
    // 30% of 40 with a fixed seed: exact run to run; the bounds only say "some".
    assert!((4..=24).contains(&failed), "{failed} of 40");

    let faults = |run: &[(Option<Fault>, Option<DeepCallError>)]| {
        run.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>()
    };
    let again = misbehaving(config(7)).await;
    let rerun = updates_checked_against_the_data(&again, 40).await;
    assert_eq!(faults(&run), faults(&rerun), "the same seed, the same run");
    let other = misbehaving(config(8)).await;
    let other_run = updates_checked_against_the_data(&other, 40).await;
    assert_ne!(
        faults(&run),
        faults(&other_run),
        "another seed, another run"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_happen_before_or_after_applying_and_the_log_says_which() {
    let sb = misbehaving(Misbehaviour {
        drops: 0.5,
        seed: 11,
        ..Misbehaviour::default()
    })
    .await;
    let run = updates_checked_against_the_data(&sb, 30).await;
    for ((fault, err), entry) in run.iter().zip(sb.requests()) {
        match fault {
            Some(Fault::DropConnection) | Some(Fault::DropAfterApplying) => {
                assert!(
                    matches!(err, Some(DeepCallError::Network { .. })),
                    "{err:?}"
                );
                assert_eq!(entry.answer, Answer::Dropped);
                assert_eq!(entry.carried_out, fault == &Some(Fault::DropAfterApplying));
            }
            None => {
                assert_eq!(err, &None);
                assert!(entry.carried_out);
                assert_eq!(entry.answer, Answer::Status(200));
            }
            other => panic!("unexpected fault {other:?}"),
        }
    }
    let count = |f: Fault| run.iter().filter(|(x, _)| x.as_ref() == Some(&f)).count();
    assert!(count(Fault::DropConnection) > 0, "{run:?}");
    assert!(count(Fault::DropAfterApplying) > 0, "{run:?}");
    assert!(run.iter().any(|(f, _)| f.is_none()), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_wait_within_their_range_after_carrying_out() {
    let (min, max) = (Duration::from_millis(50), Duration::from_millis(150));
    let sb = misbehaving(Misbehaviour {
        delay: Some(min..=max),
        seed: 3,
        ..Misbehaviour::default()
    })
    .await;
    let client = token_client(&sb);
    for _ in 0..8 {
        let (result, took) = timed(client.group_members(g28())).await;
        result.expect("slow, but answered");
        assert!(took >= min, "answered after {took:?}");
    }
    let waits: Vec<Duration> = sb
        .requests()
        .iter()
        .map(|r| r.slowed_by.expect("every answer is slowed"))
        .collect();
    assert!(waits.iter().all(|d| (min..=max).contains(d)), "{waits:?}");
    assert!(waits.iter().any(|d| *d != waits[0]), "{waits:?}");
    assert!(sb.requests().iter().all(|r| r.carried_out));

    // A change is made on arrival; only its answer is slow.
    sb.set_misbehaviour(Misbehaviour {
        delay: Some(Duration::from_secs(30)..=Duration::from_secs(30)),
        ..Misbehaviour::default()
    })
    .unwrap();
    let client = token_client(&sb);
    let call = tokio::spawn(async move { client.assign_group(&turn_off_8()).await });
    assert!(sb.wait_for_request(SUBMIT, WAIT).await);
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_CHANGED);
    assert_eq!(last(&sb, SUBMIT).answer, Answer::Pending);
    call.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tests_own_fault_comes_before_misbehaviour_and_misbehaviour_can_be_switched_off() {
    let sb = misbehaving(Misbehaviour {
        server_errors: 1.0,
        ..Misbehaviour::default()
    })
    .await;
    let client = token_client(&sb);
    sb.fail_next(Fault::IgnoreRequest);
    let err = bounded(client.group_members(g28())).await.unwrap_err();
    assert!(
        matches!(err, DeepCallError::UnexpectedAnswer { .. }),
        "{err:?}"
    );
    let err = bounded(client.group_members(g28())).await.unwrap_err();
    assert!(matches!(err, DeepCallError::HttpStatus { .. }), "{err:?}");
    let faults: Vec<Option<Fault>> = sb.requests().into_iter().map(|r| r.fault).collect();
    assert!(
        matches!(
            faults.as_slice(),
            [Some(Fault::IgnoreRequest), Some(Fault::ServerError(_))]
        ),
        "{faults:?}"
    );

    sb.set_misbehaviour(Misbehaviour::default()).unwrap();
    bounded(client.group_members(g28()))
        .await
        .expect("behaves again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn impossible_misbehaviour_is_refused() {
    let bad = Misbehaviour {
        server_errors: 1.5,
        ..Misbehaviour::default()
    };
    let err = Sandbox::start(Options {
        misbehaviour: bad.clone(),
        ..Options::default()
    })
    .await
    .err()
    .expect("refused");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("not a probability"), "{err}");
    let sb = sandbox().await;
    assert!(sb.set_misbehaviour(bad).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_numbers_requests_and_records_refusals() {
    let sb = sandbox().await;
    let client = token_client(&sb);
    bounded(client.group_members(g28())).await.unwrap();
    let refused = bounded(client.group_members(GroupId::new(31).unwrap())).await;
    assert!(refused.is_err());
    let (status, _) = bounded(raw_post(&sb.url(), "/elsewhere", None, "{}")).await;
    assert_eq!(status, 404);
    let log: Vec<(u64, bool, Option<i64>, Answer)> = sb
        .requests()
        .iter()
        .map(|r| (r.seq, r.carried_out, r.api_code, r.answer))
        .collect();
    assert_eq!(
        log,
        [
            (0, true, Some(200), Answer::Status(200)),
            (1, false, Some(1503), Answer::Status(200)),
            (2, false, None, Answer::Status(404)),
        ]
    );
}
