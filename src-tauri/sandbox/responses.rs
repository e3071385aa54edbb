//! The answers the sandbox builds: JSON, raw bytes, plain text.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Response, StatusCode};
use serde_json::Value;

use super::Body;

pub(super) fn full_body(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).map_err(|never| match never {}).boxed()
}

pub(super) fn raw_json(status: StatusCode, bytes: Vec<u8>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .header("access-control-allow-origin", "*")
        .body(full_body(bytes))
        .unwrap_or_else(|_| internal())
}

pub(super) fn json_response(status: StatusCode, v: &Value) -> Response<Body> {
    raw_json(status, serde_json::to_vec(v).unwrap_or_default())
}

pub(super) fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .body(full_body(text))
        .unwrap_or_else(|_| internal())
}

pub(super) fn internal() -> Response<Body> {
    let mut r = Response::new(full_body("internal error"));
    *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    r
}
