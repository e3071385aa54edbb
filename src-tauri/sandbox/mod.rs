//! The sandbox: a real HTTP server that implements the DeepCall contract with
//! the seed data. It serves the contract and end-to-end tests, benchmarks,
//! the `deepcall-sandbox` binary and the app's Sandbox mode. No Tauri here.
//!
//! It is as strict as the vendor's docs: the same auth rule, every documented
//! validation with its code, "contact must exist", merge semantics. Tests can
//! also make it misbehave, one request at a time ([`Fault`]) or at random for
//! bulk runs ([`Misbehaviour`]), and read back every request it received with
//! what became of it ([`RecordedRequest::carried_out`], [`RecordedRequest::answer`]).
//!
//! Whether a request is carried out is decided, and done, when it arrives,
//! before anything is awaited, so it never depends on the client staying
//! connected (hyper drops a handler when its client goes away). The one
//! exception is [`Fault::Delay`], which waits first, as it always has.
//!
//! It can also be a host that lacks optional endpoints
//! ([`Options::switched_off`]), and one whose sign-in is revoked while
//! clients use it ([`Sandbox::revoke_sign_in`], [`Sandbox::set_token`]).

mod api;
mod docs;
mod faults;
mod handling;
mod log;
mod misbehave;
mod options;
mod refusal;
mod responses;
pub mod seed;
mod server;
mod state;

pub use api::endpoints;
pub use faults::Fault;
pub use log::{Answer, RecordedRequest};
pub use misbehave::{Misbehaviour, RateLimit};
pub use options::{Credentials, LogLimit, Options};
pub use refusal::{RefusalBody, RefusalShape, RetryAfter};
use responses::{full_body, internal, json_response, plain, raw_json};
pub use seed::{extra_contact, AgentRec, ContactRec, GroupRec, LARGE_GROUP_ID, USER_ID};
pub use server::Sandbox;
pub(crate) use state::Data;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;

type Body = BoxBody<Bytes, std::io::Error>;
