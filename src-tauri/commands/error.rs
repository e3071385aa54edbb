//! The one error type that crosses IPC: a stable `kind` the UI maps to a
//! title, a severity and a next step, plus a plain-language `message`.
//! Never a raw code or a Rust error string.

use serde::Serialize;

use crate::bulk::{Busy, RunError};
use crate::credentials::{AccountError, KeyringProblem};
use crate::deepcall::{ApiErrorKind, DeepCallError};
use crate::history::HistoryError;
use crate::sending::send::SendError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub enum ErrorKind {
    /// Something the manager typed; `field` names it.
    InvalidInput,
    /// The DeepCall address itself.
    InvalidAddress,
    /// DeepCall could not be reached, or the connection broke.
    Network,
    Timeout,
    /// The server answered with something that is not DeepCall data.
    BadAnswer,
    /// Wrong or expired credentials.
    Unauthorized,
    PermissionDenied,
    NotFound,
    /// DeepCall refused the request for another documented reason.
    Rejected,
    /// DeepCall's own trouble (generic failure, database).
    ServerTrouble,
    /// No keyring on this computer (no session bus, no Secret Service).
    KeyringUnavailable,
    /// The keyring is locked.
    KeyringLocked,
    /// The accounts file could not be written.
    Storage,
    /// A file the manager asked to save (an export) could not be written.
    FileNotSaved,
    /// A file the manager chose (a CSV file to import) could not be used.
    FileNotRead,
    /// History could not be read or written (so a change was not sent).
    History,
    /// What was asked for was removed on purpose to keep History small
    /// (an old bulk run's copy of its file).
    Removed,
    /// A bug on our side; the message says so plainly.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    /// The input field the message is about, when there is one.
    pub field: Option<String>,
    /// Whether offering "Retry" makes sense.
    pub retryable: bool,
}

impl AppError {
    /// An error of the app's own (not from DeepCall), never worth a Retry:
    /// DeepCall's errors say themselves whether they are
    /// ([`DeepCallError::is_retryable`]).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
            retryable: false,
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Something the manager typed, with the field it concerns.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            ..Self::new(ErrorKind::InvalidInput, message)
        }
    }
}

impl From<KeyringProblem> for AppError {
    fn from(p: KeyringProblem) -> Self {
        let kind = match p {
            KeyringProblem::Locked => ErrorKind::KeyringLocked,
            _ => ErrorKind::KeyringUnavailable,
        };
        Self::new(kind, p.message())
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid { field, message } => Self::field(&field, message),
            AccountError::Keyring(p) => p.into(),
            AccountError::Storage { .. } => Self::new(ErrorKind::Storage, e.to_string()),
            AccountError::NotFound => Self::new(ErrorKind::NotFound, e.to_string()),
        }
    }
}

impl From<RunError> for AppError {
    fn from(e: RunError) -> Self {
        match e {
            RunError::History(e) => e.into(),
            RunError::Broke => AppError::new(ErrorKind::Internal, e.to_string()),
        }
    }
}

impl From<Busy> for AppError {
    fn from(e: Busy) -> Self {
        AppError::new(ErrorKind::Rejected, e.to_string())
    }
}

impl From<HistoryError> for AppError {
    fn from(e: HistoryError) -> Self {
        Self::new(ErrorKind::History, e.to_string())
    }
}

impl From<SendError> for AppError {
    fn from(e: SendError) -> Self {
        match e {
            SendError::DeepCall(e) => e.into(),
            SendError::History(e) => e.into(),
        }
    }
}

impl From<DeepCallError> for AppError {
    fn from(e: DeepCallError) -> Self {
        let message = e.to_string();
        let retryable = e.is_retryable();
        let (kind, field) = match &e {
            DeepCallError::InvalidInput { field, .. } => {
                (ErrorKind::InvalidInput, Some(field.clone()))
            }
            DeepCallError::InvalidAddress { .. }
            | DeepCallError::InsecureAddress { .. }
            | DeepCallError::Redirected { .. } => (ErrorKind::InvalidAddress, None),
            DeepCallError::Network { .. } => (ErrorKind::Network, None),
            DeepCallError::Timeout { .. } => (ErrorKind::Timeout, None),
            DeepCallError::ResponseTooLarge { .. }
            | DeepCallError::HttpStatus { .. }
            | DeepCallError::NotDeepCall { .. }
            | DeepCallError::UnexpectedAnswer { .. } => (ErrorKind::BadAnswer, None),
            DeepCallError::RateLimited { .. } => (ErrorKind::ServerTrouble, None),
            DeepCallError::NotOffered { .. } => (ErrorKind::NotFound, None),
            DeepCallError::NotApplied => (ErrorKind::Rejected, None),
            DeepCallError::Api { kind, .. } => (api_kind(*kind), None),
        };
        Self {
            kind,
            message,
            field,
            retryable,
        }
    }
}

/// What kind of trouble a DeepCall refusal is, for the UI's table. No
/// wildcard: a new refusal does not compile until someone places it.
fn api_kind(kind: ApiErrorKind) -> ErrorKind {
    use ApiErrorKind as A;
    match kind {
        A::InvalidToken => ErrorKind::Unauthorized,
        A::PermissionDenied | A::GroupPermissionDenied => ErrorKind::PermissionDenied,
        A::GroupNotFound | A::ContactNotFound | A::GroupIdDoesNotExist => ErrorKind::NotFound,
        A::SomethingWentWrong | A::DatabaseError | A::CreateFailed => ErrorKind::ServerTrouble,
        A::InvalidParameter
        | A::InvalidRequestData
        | A::GroupNameMissing
        | A::GroupIdMissing
        | A::InvalidField
        | A::InvalidContactNumber
        | A::StickyAgentError
        | A::TypeNotValid
        | A::AccountManagerError
        | A::CliNotFound
        | A::AgentNotInGroup
        | A::BadExpiry
        | A::DoNotCallError
        | A::Unknown => ErrorKind::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deepcall::Module;

    #[test]
    fn deepcall_errors_map_to_kinds_with_plain_words() {
        let e: AppError = DeepCallError::Api {
            module: Module::Group,
            code: 1503,
            kind: ApiErrorKind::GroupNotFound,
            server_message: "Group not found or not authorized".into(),
        }
        .into();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(!e.message.contains("1503"));
        let e: AppError = DeepCallError::Timeout { seconds: 30 }.into();
        assert_eq!(e.kind, ErrorKind::Timeout);
        assert!(e.retryable);
        let e: AppError = DeepCallError::invalid_input("groupId", "Enter a group number.").into();
        assert_eq!(e.field.as_deref(), Some("groupId"));
        assert!(!e.retryable);
    }

    #[test]
    fn retry_is_offered_exactly_where_the_domain_says() {
        let cases: Vec<(DeepCallError, bool)> = vec![
            (DeepCallError::api(Module::Group, 1009, ""), true),
            (DeepCallError::api(Module::Directory, 1010, ""), true),
            (DeepCallError::api(Module::Directory, 1504, ""), true),
            (DeepCallError::api(Module::Group, 1503, ""), false),
            (DeepCallError::api(Module::Directory, 1012, ""), false),
            (DeepCallError::api(Module::Group, 1015, ""), false),
            (
                DeepCallError::Redirected {
                    status: 301,
                    to: None,
                },
                false,
            ),
            (DeepCallError::HttpStatus { status: 502 }, true),
            (DeepCallError::NotApplied, true),
            (
                DeepCallError::UnexpectedAnswer { detail: "x".into() },
                false,
            ),
        ];
        for (e, retry) in cases {
            assert_eq!(e.is_retryable(), retry, "{e:?}");
            let app: AppError = e.clone().into();
            assert_eq!(app.retryable, retry, "{e:?}");
        }
        // The app's own errors never offer Retry.
        assert!(!AppError::new(ErrorKind::Network, "x").retryable);
    }
}
