//! What a DeepCall server (or whatever answers at its address) sends back,
//! read as the client reads it: the envelope (`parse_envelope`), a group's
//! members (`read_response` of `Group/getGroupAgentRelation`, joined), a
//! contact's values (`Directory/getInfo`, as the editor's form) and the
//! group list (`Group/list`).
//!
//! The input is the answer's body; after a last NUL byte, one byte picks
//! its HTTP status (200 without it).
#![no_main]

use deepcall_desk::deepcall::directory::form::{self, ContactForm};
use deepcall_desk::deepcall::directory::read_contact_info;
use deepcall_desk::deepcall::group::{
    read_group_list, Assignment, GroupId, GroupMembers, RawGroupRelation,
};
use deepcall_desk::deepcall::wire::MAX_ID;
use deepcall_desk::deepcall::{parse_envelope, read_response, response_as, DeepCallError, Module};
use deepcall_desk_fuzz::{assert_plain, split, Choices};
use libfuzzer_sys::fuzz_target;

/// Statuses real hosts and the proxies before them answer with.
const STATUSES: [u16; 16] = [
    200, 201, 204, 206, 302, 400, 401, 403, 404, 405, 429, 500, 501, 502, 503, 504,
];

fuzz_target!(|data: &[u8]| {
    let (body, choices) = split(data);
    let mut choices = Choices(choices);
    let status = if choices.is_empty() {
        200
    } else {
        STATUSES[usize::from(choices.byte()) % STATUSES.len()]
    };

    for module in [Module::Group, Module::Directory] {
        if let Err(e) = parse_envelope(module, status, body) {
            check_error(&e, status);
        }
    }

    // The group: the fast pass over the bytes and the `Value` way agree,
    // answer and error alike.
    let joined = |r: Result<Result<RawGroupRelation, DeepCallError>, DeepCallError>| {
        r.map(|inner| inner.map(RawGroupRelation::join))
    };
    let fast = joined(read_response(Module::Group, status, body));
    let slow = joined(parse_envelope(Module::Group, status, body).map(response_as));
    assert_eq!(fast, slow, "the two ways of reading a group disagree");
    match fast {
        Err(e) => check_error(&e, status),
        Ok(Err(e)) => {
            assert!(matches!(e, DeepCallError::UnexpectedAnswer { .. }), "{e:?}");
            assert_plain(&e.to_string());
        }
        Ok(Ok(group)) => check_group(&group),
    }

    if let Ok(answer) = parse_envelope(Module::Directory, status, body) {
        if let Some(info) = answer.get("response").and_then(read_contact_info) {
            check_contact_form(&ContactForm::from_info(&info));
        }
    }

    if let Ok(answer) = parse_envelope(Module::Group, status, body) {
        if let Some(groups) = answer.get("response").and_then(read_group_list) {
            assert!(groups.iter().all(|g| g.id <= MAX_ID));
        }
    }
});

/// An answer the client refuses: one of the reader's own errors, the one
/// the HTTP status calls for, in plain words.
fn check_error(e: &DeepCallError, status: u16) {
    assert_plain(&e.to_string());
    if status == 429 {
        assert_eq!(*e, DeepCallError::RateLimited { retry_after: None });
    }
    match e {
        DeepCallError::HttpStatus { status: s } => {
            assert_eq!(*s, status);
            assert!(!(200..300).contains(s), "an error page with HTTP {s}");
        }
        DeepCallError::NotOffered { status: s } => {
            assert_eq!(*s, status);
            assert!(matches!(s, 404 | 405 | 501));
        }
        DeepCallError::RateLimited { retry_after } => assert!(retry_after.is_none()),
        DeepCallError::NotDeepCall { .. }
        | DeepCallError::UnexpectedAnswer { .. }
        | DeepCallError::Api { .. } => {}
        other => panic!("an answer read as {other:?}"),
    }
}

fn check_group(g: &GroupMembers) {
    assert!(g.group.id <= MAX_ID);
    let mut ids = std::collections::HashSet::new();
    for m in &g.members {
        assert!(m.agent_id <= MAX_ID);
        assert!(ids.insert(m.agent_id), "agent {} listed twice", m.agent_id);
        assert!(m.name.as_deref().is_none_or(|n| !n.trim().is_empty()));
    }
    for a in &g.other_agents {
        assert!(a.agent_id <= MAX_ID);
        assert!(ids.insert(a.agent_id), "agent {} listed twice", a.agent_id);
    }
    assert!(g.receiving_count() <= g.members.len());
    // The assignment that keeps the group as it is shows as the group.
    if let Ok(id) = GroupId::new(g.group.id) {
        assert!(Assignment::from_current(id, g).is_shown_by(g));
    }
    // It crosses to the window as JSON.
    serde_json::to_string(g).expect("a group that cannot be sent to the window");
}

/// The editor's form for what `getInfo` said: unchanged, it has no changes
/// and no problems, and it crosses to the window and back unchanged.
fn check_contact_form(f: &ContactForm) {
    let review = form::review(f, f);
    assert!(review.changes.is_empty() && review.problems.is_empty());
    match form::save(f, f, true) {
        Err(DeepCallError::InvalidInput { message, .. }) => assert_plain(&message),
        other => panic!("an unchanged form saved as {other:?}"),
    }
    let json = serde_json::to_string(f).expect("a form that cannot be sent to the window");
    let back: ContactForm =
        serde_json::from_str(&json).expect("a form the window cannot send back");
    assert_eq!(&back, f);
}
