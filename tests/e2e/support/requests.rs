//! What reached "DeepCall": the endpoints as the sandbox's request log
//! names them, and what the tests read from that log.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use deepcall_desk::sandbox::{RecordedRequest, Sandbox};
use serde_json::{Map, Value};

use super::WAIT;

/// A group's members and who of them receives calls.
pub const RELATION: &str = "Group/getGroupAgentRelation";
/// A receive-calls change: the group's complete lists.
pub const SUBMIT: &str = "Group/submitAssignGroupToAgent";
/// The account's groups.
pub const GROUP_LIST: &str = "Group/list";
/// A contact's current values.
pub const GET_INFO: &str = "Directory/getInfo";
/// A change to a contact.
pub const UPDATE: &str = "Directory/update";

/// The bodies of the receive-calls changes the sandbox received.
pub fn submits(sb: &Sandbox) -> Vec<Value> {
    sb.requests_to(SUBMIT)
        .into_iter()
        .map(|r| r.json.expect("JSON body"))
        .collect()
}

/// The ids in one submitted list, as numbers, sorted.
pub fn ids(body: &Value, key: &str) -> Vec<u64> {
    let mut v: Vec<u64> = body[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is a list"))
        .iter()
        .map(|i| i.as_str().expect("ids as strings").parse().unwrap())
        .collect();
    v.sort();
    v
}

/// A request's body without the credentials.
pub fn without_auth(r: &RecordedRequest) -> Value {
    let mut body: Map<String, Value> = r.json.clone().unwrap().as_object().unwrap().clone();
    for k in ["ssid", "userId", "token"] {
        body.remove(k);
    }
    Value::Object(body)
}

/// The contact changes the sandbox received, without the credentials.
pub fn updates(sb: &Sandbox) -> Vec<Value> {
    sb.requests_to(UPDATE).iter().map(without_auth).collect()
}

/// The contact number a contact change is for.
pub fn contact_of(r: &RecordedRequest) -> String {
    r.json.as_ref().expect("a JSON body")["contact"]
        .as_str()
        .expect("a contact number")
        .to_owned()
}

/// Each contact a change was sent for, with how many of its changes the
/// sandbox carried out (0 for one sent and never carried out).
pub fn carried_per_contact(sb: &Sandbox) -> BTreeMap<String, usize> {
    let mut carried: BTreeMap<String, usize> = BTreeMap::new();
    for r in sb.requests_to(UPDATE) {
        *carried.entry(contact_of(&r)).or_default() += usize::from(r.carried_out);
    }
    carried
}

/// Waits until the sandbox has received `n` requests to `endpoint`.
pub async fn wait_requests(sb: &Sandbox, endpoint: &str, n: usize) {
    let deadline = Instant::now() + WAIT;
    while sb.requests_to(endpoint).len() < n {
        assert!(Instant::now() < deadline, "{n} requests to {endpoint}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
