//! The sandbox's own times, raw HTTP from this process, which the app's
//! figures for opening the large group and changing it are set beside.

use deepcall_desk::deepcall::{BaseUrl, Module};
use deepcall_desk::sandbox::{self, Sandbox, LARGE_GROUP_ID};
use serde_json::{json, Value};

use crate::report::median_f64;

/// Raw round trips of each kind, for the medians.
pub const RAW_RUNS: usize = 5;

/// The sandbox's own times, raw HTTP from this process (bytes out, bytes
/// in, nothing parsed in the timing): what the network and DeepCall would
/// cost the app, which the app's figures are set beside.
pub struct RawTimes {
    /// `Group/getGroupAgentRelation` of the large group, median.
    pub read_ms: f64,
    /// Read, `submitAssignGroupToAgent` with its complete lists, read: the
    /// three round trips of one receive-calls change, median of the sums.
    pub change_ms: f64,
    pub reads: Vec<f64>,
    pub changes: Vec<f64>,
}

impl RawTimes {
    pub async fn measure(sb: &Sandbox) -> Self {
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
