//! The sandbox's request log: every request it received, and what became
//! of it, the newest within a limit.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::*;

/// What the sandbox answered a request, as far as it knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Not answered yet: a wait is under way.
    Pending,
    /// Withheld by [`Fault::Hold`] until [`Sandbox::release_held`].
    Held,
    /// An answer with this HTTP status was handed to the connection (a
    /// dripped or very large body may still have been on its way).
    Status(u16),
    /// The sandbox closed the connection without answering (a fault).
    Dropped,
    /// Never answered: the client went away, or the sandbox shut down,
    /// while the answer waited.
    Unanswered,
}

/// One request as the sandbox received it, and what became of it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Its place in the order of logging (0 for the first), so that an
    /// entry can be told apart after older ones have left the log.
    pub seq: u64,
    pub at: SystemTime,
    pub method: String,
    /// e.g. `/api/v2/Group/getGroupAgentRelation`
    pub path: String,
    pub content_type: Option<String>,
    pub body: String,
    /// The body as JSON, when it was JSON.
    pub json: Option<Value>,
    /// The fault it met: set by a test, or drawn by [`Misbehaviour`].
    pub fault: Option<Fault>,
    /// The wait [`Misbehaviour::delay`] put before its answer (refusals
    /// included).
    pub slowed_by: Option<Duration>,
    /// Whether the sandbox carried it out and its API accepted it: for a
    /// change, the change was made (whatever then became of the answer).
    /// False when a fault stopped it first or the API refused it.
    pub carried_out: bool,
    /// The `code` of the DeepCall answer prepared for it (200, an error
    /// number, or an injected [`Fault::ApiError`]'s), when there was one.
    pub api_code: Option<i64>,
    pub answer: Answer,
}

impl RecordedRequest {
    /// The `Module/action` part of the path.
    pub fn endpoint(&self) -> &str {
        self.path
            .trim_start_matches("/api/v2/")
            .trim_end_matches('/')
    }
}

/// The newest requests, within [`LogLimit`].
pub(super) struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    body_bytes: usize,
    limit: LogLimit,
    next_seq: u64,
}

impl RequestLog {
    pub(super) fn new(limit: LogLimit) -> Self {
        RequestLog {
            entries: VecDeque::new(),
            body_bytes: 0,
            limit,
            next_seq: 0,
        }
    }

    /// The entries, oldest first, in one slice (checked in place, under
    /// the log's lock).
    pub(super) fn entries(&mut self) -> &[RecordedRequest] {
        self.entries.make_contiguous()
    }

    /// Adds `request` under the next number, which it returns.
    pub(super) fn push(&mut self, mut request: RecordedRequest) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        request.seq = seq;
        self.body_bytes += request.body.len();
        self.entries.push_back(request);
        while self.entries.len() > self.limit.requests || self.body_bytes > self.limit.body_bytes {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            self.body_bytes -= old.body.len();
        }
        seq
    }

    /// Changes entry `seq`, if it is still in the log.
    pub(super) fn update(&mut self, seq: u64, change: impl FnOnce(&mut RecordedRequest)) {
        if let Ok(i) = self.entries.binary_search_by_key(&seq, |r| r.seq) {
            change(&mut self.entries[i]);
        }
    }

    pub(super) fn clear(&mut self) {
        self.entries.clear();
        self.body_bytes = 0;
    }
}
