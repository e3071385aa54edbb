//! DeepCall accounts on this computer. No Tauri here.
//!
//! The non-secret part of each account (name, address, sign-in method, user
//! id) and which one is active live in a small JSON file in the app's config
//! directory. The secret (token or session id) lives only in the OS keyring
//! ([`vault`]), one entry per account, keyed by the account's id.

mod accounts;
mod model;
mod rules;
mod store;
pub mod vault;

pub use accounts::{Accounts, StoreOpener};
pub use model::{AccountError, AccountInput, AccountRecord, SignIn};
pub use rules::{auth_from, check_sign_in, saved_secret_may_be_sent, MAX_SECRET_CHARS};
pub use vault::{KeyringProblem, Store, Vault, SERVICE};

#[cfg(test)]
mod tests;
