//! Each connection and request, from arrival to answer: read, logged,
//! checked against the faults and the sign-in, carried out, answered.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

use super::faults::faulty;
use super::state::*;
use super::*;

pub(super) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    stopped: watch::Receiver<bool>,
) {
    loop {
        let mut stop = stopped.clone();
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.wait_for(|s| *s) => return,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: pause instead of spinning.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let shared = shared.clone();
        let mut stop = stopped.clone();
        tokio::spawn(async move {
            // Lets a request ask for its own connection to be cut.
            let kill = Arc::new(Notify::new());
            let service = {
                let kill = kill.clone();
                hyper::service::service_fn(move |req| {
                    let shared = shared.clone();
                    let kill = kill.clone();
                    async move { Ok::<_, Infallible>(handle(shared, kill, req).await) }
                })
            };
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = stop.wait_for(|s| *s) => {}
            }
        });
    }
}

pub(super) const MAX_REQUEST_BYTES: usize = 1024 * 1024;

pub(super) async fn handle(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Response<Body> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let api = method == "POST" && path.starts_with("/api/v2/");
    // Counted from arrival, before the body is read; `None` when over the
    // cap (and for other paths, which are not API requests).
    let slot = if api { shared.admit() } else { None };
    let content_type = req
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = match http_body_util::Limited::new(req.into_body(), MAX_REQUEST_BYTES)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => return plain(StatusCode::PAYLOAD_TOO_LARGE, "request too large"),
    };
    let body = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice::<Value>(&bytes).ok();
    let mut record = RecordedRequest {
        seq: 0,
        at: SystemTime::now(),
        method,
        path,
        content_type,
        body,
        json: json.clone(),
        fault: None,
        slowed_by: None,
        carried_out: false,
        api_code: None,
        answer: Answer::Pending,
    };

    let refusal = match record.path.strip_prefix("/api/v2/") {
        None => Some((StatusCode::NOT_FOUND, "not found")),
        Some(_) if record.method != "POST" => Some((StatusCode::METHOD_NOT_ALLOWED, "use POST")),
        Some(_) => None,
    };
    if let Some((status, text)) = refusal {
        record.answer = Answer::Status(status.as_u16());
        shared.log(record);
        return plain(status, text);
    }
    let endpoint = record.endpoint().to_owned();
    let luck = shared.fault_for(&endpoint, slot.is_some());
    record.fault = luck.fault.clone();
    record.slowed_by = luck.slow;

    // Fault::Delay waits before the request is carried out, as it always
    // has; its wait is its only delay.
    if let Some(Fault::Delay(wait)) = luck.fault {
        record.slowed_by = None;
        let ticket = Ticket::new(&shared, record, slot);
        tokio::time::sleep(wait).await;
        let outcome = prepare(&shared, &endpoint, json, None, &luck.refusal);
        shared.update(ticket.seq, |r| {
            r.carried_out = outcome.carried_out;
            r.api_code = outcome.api_code;
        });
        return ticket.answer(outcome.reply, &kill).await;
    }

    // Everything else is decided, and carried out or not, here: no await
    // comes between the request's arrival and its effect on the data.
    let outcome = prepare(&shared, &endpoint, json, luck.fault.as_ref(), &luck.refusal);
    record.carried_out = outcome.carried_out;
    record.api_code = outcome.api_code;
    let held = matches!(luck.fault, Some(Fault::Hold { .. }));
    let mut releases = shared.releases.subscribe();
    if held {
        record.answer = Answer::Held;
    }
    // Logged after the data changed: whoever sees the entry sees the change.
    let ticket = Ticket::new(&shared, record, slot);
    if let Some(wait) = luck.slow {
        tokio::time::sleep(wait).await;
    }
    if held {
        // Any release from now on answers it (`subscribe` marked the count
        // as seen before the entry was logged, so none is missed).
        let _ = releases.changed().await;
    }
    ticket.answer(outcome.reply, &kill).await
}

/// What a request came to.
pub(super) struct Outcome {
    carried_out: bool,
    api_code: Option<i64>,
    reply: Reply,
}

pub(super) enum Reply {
    Send(Response<Body>),
    /// A refusal with this status in this shape, worded when handed over
    /// (so that a `Retry-After` date counts from then).
    Refuse(StatusCode, RefusalShape),
    /// Close the connection without answering.
    Drop,
}

/// Carries the request out unless `fault` stops it first, and makes the
/// answer `fault` calls for (a refusal shaped as `refusal` says). Never awaits.
pub(super) fn prepare(
    shared: &Shared,
    endpoint: &str,
    json: Option<Value>,
    fault: Option<&Fault>,
    refusal: &RefusalShape,
) -> Outcome {
    let refused = |api_code, reply| Outcome {
        carried_out: false,
        api_code,
        reply,
    };
    match fault {
        // An injected DeepCall error refuses the request: nothing changes.
        Some(Fault::ApiError { code, message }) => {
            return refused(
                Some(*code),
                Reply::Send(json_response(
                    StatusCode::OK,
                    &serde_json::json!({"status": "error", "message": message, "code": code}),
                )),
            )
        }
        Some(Fault::IgnoreRequest) => {
            return refused(
                None,
                Reply::Send(json_response(
                    StatusCode::OK,
                    &serde_json::json!({"status": "success"}),
                )),
            )
        }
        Some(Fault::DropConnection) => return refused(None, Reply::Drop),
        Some(Fault::RateLimited | Fault::TooManyInFlight) => {
            return refused(
                None,
                Reply::Refuse(StatusCode::TOO_MANY_REQUESTS, refusal.clone()),
            );
        }
        Some(Fault::ServerError(status)) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return refused(None, Reply::Refuse(status, refusal.clone()));
        }
        Some(Fault::Hold { apply: false }) => {
            return refused(
                None,
                Reply::Refuse(StatusCode::GATEWAY_TIMEOUT, refusal.clone()),
            )
        }
        _ => {}
    }
    let answer = match shared.carry_out(endpoint, json) {
        Carried::Answered(answer) => answer,
        Carried::Unknown => {
            return refused(
                Some(404),
                Reply::Send(json_response(
                    StatusCode::NOT_FOUND,
                    &serde_json::json!({"status": "error", "code": 404, "message": "Not found"}),
                )),
            )
        }
        // A host without the endpoint: its web server answers, not DeepCall.
        Carried::SwitchedOff => {
            return refused(None, Reply::Send(refusal::page(StatusCode::NOT_FOUND)))
        }
    };
    let reply = match fault {
        Some(Fault::DropAfterApplying) => Reply::Drop,
        None | Some(Fault::Delay(_)) | Some(Fault::Hold { .. }) => {
            Reply::Send(json_response(StatusCode::OK, &answer))
        }
        // Every other fault loses or spoils the answer after the request was
        // carried out, as a broken proxy or connection does.
        Some(f) => Reply::Send(faulty(f.clone(), &answer)),
    };
    Outcome {
        carried_out: answer.get("status").and_then(Value::as_str) == Some("success"),
        api_code: answer.get("code").and_then(Value::as_i64),
        reply,
    }
}

/// A logged request whose answer is still to come. Dropped unanswered (the
/// client went away, or the sandbox shut down), it says so in the log.
pub(super) struct Ticket {
    shared: Arc<Shared>,
    seq: u64,
    answered: bool,
    /// Its place among the requests in flight, if it took one.
    slot: Option<Slot>,
}

impl Ticket {
    fn new(shared: &Arc<Shared>, record: RecordedRequest, slot: Option<Slot>) -> Self {
        Self {
            seq: shared.log(record),
            shared: shared.clone(),
            answered: false,
            slot,
        }
    }

    async fn answer(mut self, reply: Reply, kill: &Notify) -> Response<Body> {
        self.answered = true;
        // Handed over now: the place is free before anyone can see the answer.
        self.slot = None;
        let response = match reply {
            Reply::Send(response) => response,
            Reply::Refuse(status, shape) => refusal::refusal(status, &shape, SystemTime::now()),
            Reply::Drop => {
                self.shared.update(self.seq, |r| r.answer = Answer::Dropped);
                kill.notify_one();
                return std::future::pending().await;
            }
        };
        let status = response.status().as_u16();
        self.shared
            .update(self.seq, |r| r.answer = Answer::Status(status));
        response
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.slot = None;
        if !self.answered {
            self.shared
                .update(self.seq, |r| r.answer = Answer::Unanswered);
        }
    }
}
