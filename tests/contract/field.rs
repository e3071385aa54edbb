//! The sandbox as a real, busy DeepCall host behaves, checked over raw
//! HTTP: 429 in every shape servers use, with or without `Retry-After`;
//! random 429s; gateways' 5xx pages; a cap on requests in flight, exact
//! under concurrency; latency on every answer; hosts without optional
//! endpoints; and a sign-in revoked while clients use it.

use std::time::{Duration, SystemTime};

use deepcall_desk::deepcall::directory::ContactNumber;
use deepcall_desk::deepcall::group::GroupId;
use deepcall_desk::deepcall::{ApiErrorKind, DeepCallError, Module};
use deepcall_desk::sandbox::{
    Answer, Fault, Misbehaviour, Options, RateLimit, RefusalBody, RefusalShape, RetryAfter, Sandbox,
};
use serde_json::json;

use crate::common::*;

const RELATION_PATH: &str = "/api/v2/Group/getGroupAgentRelation";
const SUBMIT_PATH: &str = "/api/v2/Group/submitAssignGroupToAgent";
const UPDATE_PATH: &str = "/api/v2/Directory/update";
const GET_INFO_PATH: &str = "/api/v2/Directory/getInfo";
const RAVI: &str = "9876543210";
const WAIT: Duration = Duration::from_secs(10);

const TOO_MANY_JSON: &str = r#"{"status":"error","message":"Too Many Requests","code":429}"#;

/// A host without these endpoints.
async fn without(endpoints: &[&str]) -> std::io::Result<Sandbox> {
    Sandbox::start(Options {
        switched_off: endpoints.iter().map(|e| (*e).to_owned()).collect(),
        ..Options::default()
    })
    .await
}

fn read_28() -> String {
    signed_body(json!({"ssid": SSID}), json!({"quick": true, "groupId": 28}))
}

/// Group 28 with agent 8 no longer receiving calls: a change to look for.
fn submit_28() -> String {
    signed_body(
        json!({"ssid": SSID}),
        json!({"groupId": 28, "agent_unique_id": ["3", "8", "2"], "receive_call": ["3", "2"]}),
    )
}

fn update_ravi(total: u64) -> String {
    signed_body(
        json!({"ssid": SSID}),
        json!({"contact": RAVI, "other": {"totalcalls": total}}),
    )
}

const GROUP_28_SEED: [(u64, bool); 3] = [(3, true), (8, true), (2, true)];

/// Seconds since 1970 of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
/// read strictly: the weekday must be the date's.
fn imf_fixdate(text: &str) -> Option<u64> {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = text.split(' ').collect();
    let [weekday, day, month, year, clock, "GMT"] = parts.as_slice() else {
        return None;
    };
    let weekday = weekday.strip_suffix(',')?;
    let two = |s: &str| (s.len() == 2).then(|| s.parse::<u64>().ok()).flatten();
    let day = two(day)?;
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let year = (year.len() == 4)
        .then(|| year.parse::<u64>().ok())
        .flatten()?;
    let hms: Vec<u64> = clock.split(':').map(two).collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (DAYS[(days % 7) as usize] == weekday).then_some(days * 86_400 + h * 3600 + m * 60 + s)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Asserts a gateway's HTML page with this status line in its title.
#[track_caller]
fn assert_page(a: &RawAnswer, status: u16, title: &str) {
    assert_eq!(a.status, status, "{a:?}");
    assert_eq!(a.header("content-type"), Some("text/html"), "{a:?}");
    assert!(
        a.body.starts_with(&format!(
            "<html>\r\n<head><title>{status} {title}</title></head>"
        )),
        "{a:?}"
    );
    assert!(a.body.contains("<hr><center>nginx</center>"), "{a:?}");
}

// ---- 429 in every shape --------------------------------------------------------

#[test]
fn the_date_reader_reads_the_standards_example() {
    assert_eq!(
        imf_fixdate("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777)
    );
    assert_eq!(imf_fixdate("Mon, 06 Nov 1994 08:49:37 GMT"), None);
    assert_eq!(imf_fixdate("Sunday, 06-Nov-94 08:49:37 GMT"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_a_429_is_deepcalls_envelope_with_retry_after_in_seconds() {
    let sb = sandbox().await;
    sb.fail_next(Fault::RateLimited);
    let a = bounded(raw_post_full(&sb.url(), SUBMIT_PATH, None, &submit_28())).await;
    assert_eq!(a.status, 429);
    assert_eq!(a.header("content-type"), Some("application/json"));
    assert_eq!(a.body, TOO_MANY_JSON);
    assert_eq!(a.header("retry-after"), Some("1"));
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
    let entry = sb.requests().pop().unwrap();
    assert_eq!(
        (entry.carried_out, entry.answer, entry.fault),
        (false, Answer::Status(429), Some(Fault::RateLimited))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shape_of_429_with_and_without_retry_after() {
    let bodies: [(RefusalBody, Option<&str>, &str); 4] = [
        (RefusalBody::Json, Some("application/json"), TOO_MANY_JSON),
        (RefusalBody::Html, Some("text/html"), "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"),
        (RefusalBody::Empty, None, ""),
        (RefusalBody::Text, Some("text/plain"), "Too Many Requests"),
    ];
    let waits = [
        None,
        Some(RetryAfter::Seconds(2)),
        Some(RetryAfter::Date(5)),
    ];
    for (body, content_type, text) in bodies {
        for retry_after in waits {
            let name = format!("{body:?}, {retry_after:?}");
            row(&name, async {
                // Every request refused, by the random 429s.
                let sb = misbehaving(Misbehaviour {
                    too_many_requests: 1.0,
                    refusal: RefusalShape { body, retry_after },
                    ..Misbehaviour::default()
                })
                .await;
                let before = unix_now();
                let a = bounded(raw_post_full(&sb.url(), SUBMIT_PATH, None, &submit_28())).await;
                let after = unix_now();
                assert_eq!(a.status, 429);
                assert_eq!(a.header("content-type"), content_type);
                assert_eq!(a.body, text);
                match retry_after {
                    None => assert_eq!(a.header("retry-after"), None),
                    Some(RetryAfter::Seconds(s)) => {
                        assert_eq!(a.header("retry-after"), Some(s.to_string().as_str()))
                    }
                    Some(RetryAfter::Date(s)) => {
                        let text = a.header("retry-after").expect("a Retry-After date");
                        let at = imf_fixdate(text)
                            .unwrap_or_else(|| panic!("not an IMF-fixdate: {text:?}"));
                        // At least `s` seconds ahead, rounded up to the second.
                        let s = u64::from(s);
                        assert!((before + s..=after + s + 1).contains(&at), "{text}");
                    }
                }
                assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
                let entry = sb.requests().pop().unwrap();
                assert!(!entry.carried_out);
                assert_eq!(entry.answer, Answer::Status(429));
            })
            .await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_refuses_in_the_chosen_shape() {
    let sb = misbehaving(Misbehaviour {
        rate_limit: Some(RateLimit {
            requests: 1,
            per: Duration::from_secs(60),
        }),
        refusal: RefusalShape {
            body: RefusalBody::Html,
            retry_after: None,
        },
        ..Misbehaviour::default()
    })
    .await;
    let first = bounded(raw_post_full(&sb.url(), RELATION_PATH, None, &read_28())).await;
    assert_eq!(first.status, 200);
    let second = bounded(raw_post_full(&sb.url(), RELATION_PATH, None, &read_28())).await;
    assert_page(&second, 429, "Too Many Requests");
    assert_eq!(second.header("retry-after"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_request_in_seven_gets_a_429_the_same_ones_for_the_same_seed() {
    let config = |seed| Misbehaviour {
        too_many_requests: 1.0 / 7.0,
        seed,
        ..Misbehaviour::default()
    };
    let run = |seed| async move {
        let sb = misbehaving(config(seed)).await;
        let mut statuses = Vec::new();
        for i in 0..70 {
            let a = bounded(raw_post_full(&sb.url(), UPDATE_PATH, None, &update_ravi(i))).await;
            statuses.push(a.status);
        }
        // What the data shows is the last update carried out.
        let last_applied = statuses.iter().rposition(|s| *s == 200).unwrap() as u64;
        assert_eq!(
            sb.contact(RAVI).unwrap()["other"]["totalcalls"],
            json!(last_applied)
        );
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!(
            sb.requests_carried_out("Directory/update"),
            70 - refused,
            "{statuses:?}"
        );
        assert!(statuses.iter().all(|s| [200, 429].contains(s)));
        for r in sb.requests() {
            assert_eq!(r.carried_out, r.answer == Answer::Status(200), "{r:?}");
        }
        statuses
    };
    let a = run(7).await;
    let refused = a.iter().filter(|s| **s == 429).count();
    // 10 expected; the seed is fixed, so this is exact run to run.
    assert!((4..=20).contains(&refused), "{refused} of 70");
    assert_eq!(a, run(7).await, "the same seed, the same run");
    assert_ne!(a, run(8).await, "another seed, another run");
}

// ---- 5xx as gateways send them -------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_come_as_a_gateways_page_and_a_503_says_when_to_come_back() {
    let titles = [
        (500, "Internal Server Error"),
        (502, "Bad Gateway"),
        (503, "Service Unavailable"),
        (504, "Gateway Timeout"),
    ];
    for retry_after in [Some(RetryAfter::Seconds(3)), None] {
        let sb = misbehaving(Misbehaviour {
            refusal: RefusalShape {
                body: RefusalBody::Json,
                retry_after,
            },
            ..Misbehaviour::default()
        })
        .await;
        for (status, title) in titles {
            sb.fail_next(Fault::ServerError(status));
            let a = bounded(raw_post_full(&sb.url(), SUBMIT_PATH, None, &submit_28())).await;
            assert_page(&a, status, title);
            let expected = (status == 503 && retry_after.is_some()).then_some("3");
            assert_eq!(a.header("retry-after"), expected, "{status}");
            let entry = sb.requests().pop().unwrap();
            assert!(!entry.carried_out);
            assert_eq!(entry.answer, Answer::Status(status));
        }
        assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
    }

    // The random ones too.
    let sb = misbehaving(Misbehaviour {
        server_errors: 1.0,
        seed: 2,
        ..Misbehaviour::default()
    })
    .await;
    for _ in 0..8 {
        let a = bounded(raw_post_full(&sb.url(), SUBMIT_PATH, None, &submit_28())).await;
        assert!((500..=504).contains(&a.status), "{a:?}");
        assert_eq!(a.header("content-type"), Some("text/html"));
        assert!(a.body.contains("<hr><center>nginx</center>"));
    }
    assert_eq!(sb.group_members(28).unwrap(), GROUP_28_SEED);
}

// ---- the cap on requests in flight ---------------------------------------------

/// Sends `n` reads of group 28 at once; returns each one's status and how
/// long it took, in the order they were started.
async fn at_once(sb: &Sandbox, n: usize) -> Vec<(u16, Duration)> {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let url = sb.url();
            tokio::spawn(async move {
                let (a, took) = timed(raw_post_full(&url, RELATION_PATH, None, &read_28())).await;
                (a.status, took)
            })
        })
        .collect();
    let mut out = Vec::new();
    for call in calls {
        out.push(bounded(call).await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cap_admits_exactly_its_number_of_32_held_requests() {
    const CAP: usize = 5;
    let sb = misbehaving(Misbehaviour {
        max_in_flight: Some(CAP as u32),
        ..Misbehaviour::default()
    })
    .await;
    // Admitted requests are held until released: however the 32 arrive,
    // the first five take every place.
    sb.fail_always(Fault::Hold { apply: true });
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let url = sb.url();
            tokio::spawn(async move { raw_post_full(&url, RELATION_PATH, None, &read_28()).await })
        })
        .collect();
    let all_in = sb
        .wait_for_log(WAIT, |log| {
            log.len() == 32 && log.iter().all(|r| r.answer != Answer::Pending)
        })
        .await;
    assert!(all_in, "{:?}", sb.requests());
    let log = sb.requests();
    let held = log.iter().filter(|r| r.answer == Answer::Held).count();
    assert_eq!(held, CAP);
    for r in log.iter().filter(|r| r.answer != Answer::Held) {
        assert_eq!(r.answer, Answer::Status(429), "{r:?}");
        assert_eq!(r.fault, Some(Fault::TooManyInFlight));
        assert!(!r.carried_out);
    }
    sb.clear_faults();
    // Held ones still count: the next request is refused too.
    let a = bounded(raw_post_full(&sb.url(), RELATION_PATH, None, &read_28())).await;
    assert_eq!(a.status, 429);
    assert_eq!(a.body, TOO_MANY_JSON);

    sb.release_held();
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(bounded(call).await.unwrap().status);
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), CAP);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 32 - CAP);
    // Every place is free again.
    let again = at_once(&sb, CAP).await;
    assert!(again.iter().all(|(s, _)| *s == 200), "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cap_with_a_slow_host_refuses_all_but_its_number_and_refusals_are_slow_too() {
    const CAP: usize = 8;
    let delay = Duration::from_millis(1_500);
    let sb = misbehaving(Misbehaviour {
        max_in_flight: Some(CAP as u32),
        delay: Some(delay..=delay),
        ..Misbehaviour::default()
    })
    .await;
    let answers = at_once(&sb, 32).await;
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    let refused = answers.iter().filter(|(s, _)| *s == 429).count();
    assert_eq!((ok, refused), (CAP, 32 - CAP), "{answers:?}");
    // A host that far away answers a refusal that late too.
    assert!(
        answers.iter().all(|(_, took)| *took >= delay),
        "{answers:?}"
    );
    assert!(sb
        .requests()
        .iter()
        .all(|r| r.slowed_by == Some(delay) && r.carried_out == (r.answer == Answer::Status(200))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_is_free_before_its_answer_can_be_seen() {
    // One at a time, each sent when the last was answered: a cap of one
    // never refuses any of them.
    let sb = misbehaving(Misbehaviour {
        max_in_flight: Some(1),
        ..Misbehaviour::default()
    })
    .await;
    let client = token_client(&sb);
    for i in 0..50 {
        bounded(client.group_members(GroupId::new(28).unwrap()))
            .await
            .unwrap_or_else(|e| panic!("request {i}: {e:?}"));
    }
    // A request whose client went away gives its place back too.
    sb.fail_next(Fault::Hold { apply: false });
    let url = sb.url();
    let gone =
        tokio::spawn(async move { raw_post_full(&url, RELATION_PATH, None, &read_28()).await });
    assert!(
        sb.wait_for_log(WAIT, |log| log
            .last()
            .is_some_and(|r| r.answer == Answer::Held))
            .await
    );
    gone.abort();
    assert!(
        sb.wait_for_log(WAIT, |log| log
            .last()
            .is_some_and(|r| r.answer == Answer::Unanswered))
            .await
    );
    let a = bounded(raw_post_full(&sb.url(), RELATION_PATH, None, &read_28())).await;
    assert_eq!(a.status, 200);
}

// ---- latency on every answer -------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_is_late_refusals_errors_and_a_tests_own_faults_included() {
    let (min, max) = (Duration::from_millis(80), Duration::from_millis(120));
    let sb = misbehaving(Misbehaviour {
        rate_limit: Some(RateLimit {
            requests: 1,
            per: Duration::from_secs(60),
        }),
        delay: Some(min..=max),
        ..Misbehaviour::default()
    })
    .await;
    let url = sb.url();
    let (first, took) = timed(raw_post_full(&url, SUBMIT_PATH, None, &submit_28())).await;
    assert_eq!(first.status, 200);
    assert!(took >= min, "{took:?}");
    let (limited, took) = timed(raw_post_full(&url, RELATION_PATH, None, &read_28())).await;
    assert_eq!(limited.status, 429);
    assert!(took >= min, "a 429 after {took:?}");
    sb.fail_next(Fault::ServerError(502));
    let (error, took) = timed(raw_post_full(&url, RELATION_PATH, None, &read_28())).await;
    assert_eq!(error.status, 502);
    assert!(took >= min, "a 502 after {took:?}");
    for r in sb.requests() {
        assert!(
            r.slowed_by.is_some_and(|d| (min..=max).contains(&d)),
            "{r:?}"
        );
    }
    // Carried out on arrival all the same.
    assert_eq!(
        sb.group_members(28).unwrap(),
        [(3, true), (8, false), (2, true)]
    );
}

// ---- hosts without optional endpoints -------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_without_get_info_answers_a_web_servers_404_page() {
    let sb = without(&["Directory/getInfo"]).await.unwrap();
    let a = raw_post_signed(
        &sb.url(),
        GET_INFO_PATH,
        json!({"cn": RAVI, "field": "all"}),
    )
    .await;
    assert_page(&a, 404, "Not Found");
    assert_eq!(a.header("retry-after"), None);
    let entry = sb.requests().pop().unwrap();
    assert_eq!(
        (entry.carried_out, entry.api_code, entry.answer),
        (false, None, Answer::Status(404))
    );

    // To the client, the endpoint is not there; the rest of the host is.
    let client = ssid_client(&sb);
    let ravi = ContactNumber::parse(RAVI).unwrap();
    let err = bounded(client.contact_info(&ravi)).await.unwrap_err();
    assert_eq!(err, DeepCallError::NotOffered { status: 404 });
    let a = bounded(raw_post_full(&sb.url(), UPDATE_PATH, None, &update_ravi(5))).await;
    assert_eq!(a.status, 200);
    assert_eq!(sb.requests_carried_out("Directory/update"), 1);

    // Switched off while running, as from a test.
    sb.switch_off("Group/list");
    let list = signed_body(json!({"ssid": SSID}), json!({}));
    let a = bounded(raw_post_full(&sb.url(), "/api/v2/Group/list", None, &list)).await;
    assert_page(&a, 404, "Not Found");
    // An endpoint no DeepCall has is still DeepCall's own refusal.
    let (status, answer) = bounded(raw_post_json(
        &sb.url(),
        "/api/v2/Group/delete",
        None,
        &list,
    ))
    .await;
    assert_eq!((status, &answer["code"]), (404, &json!(404)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_off_an_endpoint_the_sandbox_never_had_is_refused() {
    let err = without(&["Group/delete"]).await.err().expect("refused");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(
        err.to_string()
            .contains("'Group/delete' is not an endpoint"),
        "{err}"
    );
    assert!(err.to_string().contains("Directory/getInfo"), "{err}");
}

// ---- the sign-in revoked mid-run -----------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_sign_in_refuses_everything_until_a_new_token() {
    let sb = sandbox().await;
    let token_body = |token: &str, total: u64| {
        signed_body(
            json!({"userId": USER, "token": token}),
            json!({"contact": RAVI, "other": {"totalcalls": total}}),
        )
    };
    let update = |body: String| {
        let url = sb.url();
        async move { bounded(raw_post_json(&url, UPDATE_PATH, None, &body)).await }
    };
    let (status, answer) = update(token_body(TOKEN, 1)).await;
    assert_eq!((status, &answer["status"]), (200, &json!("success")));

    sb.revoke_sign_in();
    assert_raw_error(update(token_body(TOKEN, 2)).await, 1014);
    assert_raw_error(update(update_ravi(3)).await, 1014);
    assert_raw_error(
        bounded(raw_post_json(&sb.url(), RELATION_PATH, None, &read_28())).await,
        1014,
    );
    let r = bounded(token_client(&sb).group_members(GroupId::new(28).unwrap())).await;
    assert_api(r, Module::Group, 1014, ApiErrorKind::InvalidToken);
    assert_eq!(sb.contact(RAVI).unwrap()["other"]["totalcalls"], json!(1));
    assert_eq!(sb.requests_carried_out("Directory/update"), 1);

    // The manager makes a new token: the old one stays refused.
    sb.set_token("new-token");
    assert_raw_error(update(token_body(TOKEN, 4)).await, 1014);
    let (status, answer) = update(token_body("new-token", 5)).await;
    assert_eq!((status, &answer["status"]), (200, &json!("success")));
    let (_, answer) = update(update_ravi(6)).await;
    assert_eq!(
        answer["status"], "success",
        "the session ID is accepted again"
    );
    assert_eq!(sb.contact(RAVI).unwrap()["other"]["totalcalls"], json!(6));
    assert_eq!(sb.requests_carried_out("Directory/update"), 3);

    // And a new session ID.
    sb.set_ssid("new-ssid");
    assert_raw_error(update(update_ravi(7)).await, 1014);
    let body = signed_body(
        json!({"ssid": "new-ssid"}),
        json!({"contact": RAVI, "other": {"totalcalls": 8}}),
    );
    let (_, answer) = update(body).await;
    assert_eq!(answer["status"], "success");
    let carried: Vec<bool> = sb.requests().iter().map(|r| r.carried_out).collect();
    assert_eq!(
        carried,
        [true, false, false, false, false, false, true, true, false, true]
    );
}
