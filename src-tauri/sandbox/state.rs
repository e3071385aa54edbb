//! What the server's tasks share: the data, the log, the faults waiting,
//! who may sign in, and the requests under way.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde_json::Value;
use tokio::sync::watch;

use super::log::RequestLog;
use super::*;

pub(crate) struct Data {
    pub agents: Vec<AgentRec>,
    pub groups: BTreeMap<u64, GroupRec>,
    pub contacts: BTreeMap<String, ContactRec>,
    pub custom_fields: Vec<String>,
    /// Whether the user holds the AGENT_TO_AGENT_CALL permission.
    pub agent_to_agent_call: bool,
}

/// The credentials the server accepts now.
pub(super) struct SignIn {
    pub(super) credentials: Credentials,
    /// Every credential is refused (error 1014) until
    /// [`Sandbox::set_token`] or [`Sandbox::set_ssid`].
    pub(super) revoked: bool,
}

pub(super) struct Shared {
    pub(super) data: Mutex<Data>,
    pub(super) log: Mutex<RequestLog>,
    /// Endpoints this host does not have (`Module/action`).
    pub(super) switched_off: Mutex<Vec<String>>,
    /// Each fault with the endpoint it waits for (`None`: any).
    pub(super) next_faults: Mutex<VecDeque<(Option<String>, Fault)>>,
    pub(super) standing_fault: Mutex<Option<Fault>>,
    pub(super) misbehaving: Mutex<misbehave::Misbehaving>,
    pub(super) sign_in: Mutex<SignIn>,
    /// API requests under way: from their arrival until their answer is
    /// handed over (see [`Slot`]).
    pub(super) in_flight: AtomicU32,
    /// Counts up on every change to the log, to wake those waiting on it.
    pub(super) log_changed: watch::Sender<u64>,
    /// Counts up on every [`Sandbox::release_held`].
    pub(super) releases: watch::Sender<u64>,
}

impl Shared {
    pub(super) fn log(&self, request: RecordedRequest) -> u64 {
        let seq = lock(&self.log).push(request);
        self.log_changed.send_modify(|n| *n += 1);
        seq
    }

    pub(super) fn update(&self, seq: u64, change: impl FnOnce(&mut RecordedRequest)) {
        lock(&self.log).update(seq, change);
        self.log_changed.send_modify(|n| *n += 1);
    }

    /// The luck of a request to `endpoint`: refused if it came over the cap
    /// on requests in flight (`admitted` false), else a test's queued or
    /// standing fault, else whatever misbehaviour draws; slowed as
    /// misbehaviour says either way.
    pub(super) fn fault_for(&self, endpoint: &str, admitted: bool) -> misbehave::Luck {
        let set = if admitted {
            {
                let mut queue = lock(&self.next_faults);
                let mine = queue
                    .iter()
                    .position(|(only, _)| only.as_deref().is_none_or(|e| e == endpoint));
                mine.and_then(|i| queue.remove(i)).map(|(_, f)| f)
            }
            .or_else(|| lock(&self.standing_fault).clone())
        } else {
            Some(Fault::TooManyInFlight)
        };
        lock(&self.misbehaving).draw(Instant::now(), set)
    }

    /// Runs the request through the API.
    pub(super) fn carry_out(&self, endpoint: &str, json: Option<Value>) -> Carried {
        if lock(&self.switched_off).iter().any(|e| e == endpoint) {
            return Carried::SwitchedOff;
        }
        let sign_in = lock(&self.sign_in);
        let credentials = (!sign_in.revoked).then_some(&sign_in.credentials);
        let mut data = lock(&self.data);
        match api::dispatch(&mut data, credentials, endpoint, json) {
            Some(answer) => Carried::Answered(answer),
            None => Carried::Unknown,
        }
    }

    /// A place among the requests in flight, if the cap leaves one.
    pub(super) fn admit(self: &Arc<Self>) -> Option<Slot> {
        let cap = lock(&self.misbehaving).max_in_flight();
        // One atomic step from reading the count to taking the place: two
        // requests arriving together cannot both take the last one.
        self.in_flight
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                cap.is_none_or(|cap| n < cap).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(self.clone()))
    }
}

/// What the API made of a request.
pub(super) enum Carried {
    Answered(Value),
    /// An endpoint this server has never had.
    Unknown,
    /// An endpoint this host lacks ([`Sandbox::switch_off`]).
    SwitchedOff,
}

/// A request's place among those in flight, given back when dropped: when
/// its answer is handed over (before the log says so, so that whoever sees
/// the answer finds the place free), or when it is never answered.
pub(super) struct Slot(pub(super) Arc<Shared>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test thread that panicked while holding a lock must not wedge the server.
    m.lock().unwrap_or_else(|p| p.into_inner())
}
