//! What an account is: its record (no secret), the form a manager fills
//! in, how it signs in, and what can go wrong with it.

use serde::{Deserialize, Serialize};

use super::KeyringProblem;
use crate::secret::Secret;

/// How an account signs in to DeepCall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "method", rename_all = "camelCase")]
pub enum SignIn {
    /// A session id (`ssid`) is the secret.
    #[serde(rename_all = "camelCase")]
    SessionId,
    /// A user id with a token; the token is the secret.
    #[serde(rename_all = "camelCase")]
    UserToken { user_id: String },
}

/// An account as kept in the accounts file: nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountRecord {
    pub id: String,
    pub name: String,
    /// The checked DeepCall address, e.g. `https://v4-api.deepcall.com`.
    pub host: String,
    pub sign_in: SignIn,
}

/// What a manager entered to add or edit an account.
#[derive(Debug, Clone)]
pub struct AccountInput {
    pub name: String,
    pub host: String,
    pub sign_in: SignIn,
    /// Required for a new account, or when an edit changes the address or the
    /// sign-in ([`saved_secret_may_be_sent`]); `None` keeps the saved one.
    pub secret: Option<Secret>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AccountError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Keyring(KeyringProblem),
    #[error("The list of accounts could not be saved in {path}: {reason}")]
    Storage { path: String, reason: String },
    #[error("That account is no longer on this computer.")]
    NotFound,
}

impl From<KeyringProblem> for AccountError {
    fn from(p: KeyringProblem) -> Self {
        AccountError::Keyring(p)
    }
}

pub(super) fn invalid(field: &str, message: impl Into<String>) -> AccountError {
    AccountError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}
