//! The DeepCall API client. No Tauri here: this is plain async Rust, tested
//! against the sandbox server over real HTTP.
//!
//! Every call is `POST {base}/api/v2/<Module>/<action>` with a JSON body that
//! carries the credentials; success is decided by the body's `status`, never
//! by the HTTP status alone.

mod base_url;
pub mod check;
mod client;
pub mod directory;
mod envelope;
pub mod error;
pub mod group;
mod http;
mod request_body;
pub mod retry_after;
pub mod server_text;
pub mod wire;

pub use base_url::BaseUrl;
pub use check::{CheckOutcome, ConnectionCheck};
pub use client::{Auth, Client};
pub use envelope::{parse_envelope, read_response, response_as};
pub use error::{ApiErrorKind, DeepCallError, Module, NetworkStage};
pub use http::{Http, HttpConfig};

/// The vendor's default public host (also the account form's starting
/// address, through the generated bindings).
pub const DEFAULT_HOST: &str = "https://v4-api.deepcall.com";

#[cfg(test)]
mod tests;
