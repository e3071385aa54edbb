//! The faults a test can make the sandbox commit, one request at a time,
//! and the answers they spoil.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper::{Response, StatusCode};
use serde_json::Value;

use super::*;

/// A way for the sandbox to misbehave, as real servers and proxies do.
///
/// Whether the request is carried out: not for [`Fault::ApiError`],
/// [`Fault::IgnoreRequest`], [`Fault::DropConnection`], [`Fault::RateLimited`],
/// [`Fault::TooManyInFlight`], [`Fault::ServerError`] and
/// `Hold { apply: false }`; for [`Fault::Delay`]
/// after the wait, if the client is still connected then; for every other
/// fault at once on arrival, after which the answer is lost, held or spoiled.
/// The request log says which ([`RecordedRequest::carried_out`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Wait this long, then carry the request out and answer normally. If
    /// the client goes away during the wait, it is not carried out.
    Delay(Duration),
    /// A proxy's HTML error page with HTTP 502 (after carrying it out).
    BadGatewayHtml,
    /// Close the connection without answering or carrying it out.
    DropConnection,
    /// Carry the request out, then close the connection without answering.
    DropAfterApplying,
    /// Withhold the answer until [`Sandbox::release_held`] (or shutdown).
    /// `apply: true` carries the request out at once on arrival, so the
    /// change is made while the client still waits ("the server applied it
    /// but the client never heard"); released, it gets the normal answer.
    /// `apply: false` never carries it out; released, it gets HTTP 504 with
    /// a gateway's page, as from a proxy that gave up waiting. Either way,
    /// what happens to the data does not depend on the client staying
    /// connected.
    Hold { apply: bool },
    /// HTTP 429 Too Many Requests, worded as [`Misbehaviour::refusal`]
    /// says; not carried out. The rate limit and the random 429s record it.
    RateLimited,
    /// The same 429, recorded for a request that arrived while
    /// [`Misbehaviour::max_in_flight`] requests were under way.
    TooManyInFlight,
    /// This HTTP status (500, 502, 503, 504) with a gateway's HTML page (a
    /// 503 with [`Misbehaviour::refusal`]'s `Retry-After`); not carried out.
    ServerError(u16),
    /// HTTP 200 with an empty body.
    EmptyBody,
    /// HTTP 200 with the first half of a valid answer.
    TruncatedJson,
    /// HTTP 200 with well-formed JSON of the wrong types.
    WrongTypes,
    /// An answer of this many bytes; `announce` sets Content-Length.
    Oversize { bytes: usize, announce: bool },
    /// Send the answer one byte at a time, with this pause between bytes.
    Drip(Duration),
    /// A DeepCall error answer (HTTP 200, `status: "error"`); the request is
    /// not carried out.
    ApiError { code: i64, message: String },
    /// Says success without carrying the request out, as a server that
    /// silently drops a change would.
    IgnoreRequest,
}

pub(super) fn faulty(fault: Fault, answer: &Value) -> Response<Body> {
    let full = serde_json::to_vec_pretty(answer).unwrap_or_default();
    match fault {
        Fault::BadGatewayHtml => refusal::page(StatusCode::BAD_GATEWAY),
        Fault::EmptyBody => Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "application/json; charset=utf-8")
            .body(full_body(Bytes::new()))
            .unwrap_or_else(|_| internal()),
        Fault::TruncatedJson => {
            let half = full[..full.len() / 2].to_vec();
            raw_json(StatusCode::OK, half)
        }
        Fault::WrongTypes => json_response(
            StatusCode::OK,
            &serde_json::json!({"status": "success", "code": 200,
                "response": {"groupData": "oops", "agentData": 5, "relationData": "x"}}),
        ),
        Fault::Oversize { bytes, announce } => {
            // A valid-looking JSON answer padded to `bytes`, sent in 64 KiB chunks.
            let head = br#"{"status":"success","code":200,"response":{"pad":""#.to_vec();
            let tail = br#""}}"#.to_vec();
            let pad = bytes.saturating_sub(head.len() + tail.len());
            let mut chunks: Vec<Bytes> = vec![Bytes::from(head)];
            let mut left = pad;
            while left > 0 {
                let n = left.min(64 * 1024);
                chunks.push(Bytes::from(vec![b'x'; n]));
                left -= n;
            }
            chunks.push(Bytes::from(tail));
            let total: usize = chunks.iter().map(Bytes::len).sum();
            let stream = futures_util::stream::iter(
                chunks
                    .into_iter()
                    .map(|c| Ok::<_, std::io::Error>(Frame::data(c))),
            );
            let mut builder = Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/json");
            if announce {
                builder = builder.header("content-length", total);
            }
            builder
                .body(StreamBody::new(stream).boxed())
                .unwrap_or_else(|_| internal())
        }
        Fault::Drip(pause) => {
            let stream = futures_util::stream::unfold((full, 0usize), move |(buf, i)| async move {
                if i >= buf.len() {
                    return None;
                }
                if i > 0 {
                    tokio::time::sleep(pause).await;
                }
                let frame = Frame::data(Bytes::copy_from_slice(&buf[i..i + 1]));
                Some((Ok::<_, std::io::Error>(frame), (buf, i + 1)))
            });
            Response::builder()
                .status(StatusCode::OK)
                .header("content-type", "application/json")
                .body(StreamBody::new(stream).boxed())
                .unwrap_or_else(|_| internal())
        }
        Fault::ApiError { .. }
        | Fault::IgnoreRequest
        | Fault::Delay(_)
        | Fault::DropConnection
        | Fault::DropAfterApplying
        | Fault::Hold { .. }
        | Fault::RateLimited
        | Fault::TooManyInFlight
        | Fault::ServerError(_) => json_response(StatusCode::OK, answer),
    }
}
