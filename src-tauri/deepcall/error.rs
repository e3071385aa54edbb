//! Everything that can go wrong talking to DeepCall, in plain words.
//!
//! DeepCall's error numbers are per module: Group 1501 ("name missing") is not
//! Directory 1501 ("sticky agent error"). [`ApiErrorKind::classify`] maps a
//! number only together with the module of the endpoint that answered.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

/// The DeepCall API module an endpoint belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
pub enum Module {
    Group,
    Directory,
}

impl Module {
    pub fn as_str(self) -> &'static str {
        match self {
            Module::Group => "Group",
            Module::Directory => "Directory",
        }
    }
}

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a DeepCall error number means, once the module is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub enum ApiErrorKind {
    // General, seen across modules.
    InvalidParameter,
    SomethingWentWrong,
    DatabaseError,
    InvalidToken,
    PermissionDenied,
    InvalidRequestData,
    // Group module.
    /// Group 1015: the AGENT_TO_AGENT_CALL permission is missing.
    GroupPermissionDenied,
    GroupNameMissing,
    GroupIdMissing,
    GroupNotFound,
    // Directory module.
    /// Directory 1000: a field or value of the contact was refused.
    InvalidField,
    InvalidContactNumber,
    ContactNotFound,
    StickyAgentError,
    TypeNotValid,
    AccountManagerError,
    CreateFailed,
    CliNotFound,
    GroupIdDoesNotExist,
    AgentNotInGroup,
    BadExpiry,
    DoNotCallError,
    /// A number DeepCall's documentation does not list for this module.
    Unknown,
}

impl ApiErrorKind {
    /// Maps DeepCall's error number for the module that answered.
    pub fn classify(module: Module, code: i64) -> Self {
        use ApiErrorKind::*;
        match (module, code) {
            (Module::Directory, 1000) => InvalidField,
            (_, 1000) => InvalidParameter,
            (_, 1009) => SomethingWentWrong,
            (_, 1010) => DatabaseError,
            (_, 1014) => InvalidToken,
            (Module::Group, 1015) => GroupPermissionDenied,
            (_, 1015) => PermissionDenied,
            (_, 1047) => InvalidRequestData,
            (Module::Group, 1501) => GroupNameMissing,
            (Module::Group, 1502) => GroupIdMissing,
            (Module::Group, 1503) => GroupNotFound,
            (Module::Directory, 1005) => InvalidContactNumber,
            (Module::Directory, 1012) => ContactNotFound,
            (Module::Directory, 1501) => StickyAgentError,
            (Module::Directory, 1502) => TypeNotValid,
            (Module::Directory, 1503) => AccountManagerError,
            (Module::Directory, 1504) => CreateFailed,
            (Module::Directory, 1505) => CliNotFound,
            (Module::Directory, 1506) => GroupIdDoesNotExist,
            (Module::Directory, 1507) => AgentNotInGroup,
            (Module::Directory, 1508) | (Module::Directory, 1509) => BadExpiry,
            (Module::Directory, 1510) => DoNotCallError,
            _ => Unknown,
        }
    }

    /// The plain-language sentence a manager reads.
    pub fn plain_message(self) -> &'static str {
        use ApiErrorKind::*;
        match self {
            InvalidParameter => "DeepCall did not accept one of the values sent. Check what you entered and try again.",
            SomethingWentWrong => "DeepCall had a problem on its side. Try again in a moment.",
            DatabaseError => "DeepCall could not reach its database. Try again in a few minutes.",
            InvalidToken => "DeepCall did not accept the saved sign-in (wrong or expired token or session ID). Update the account's credentials.",
            PermissionDenied => "This DeepCall user is not allowed to do this. The account's administrator can grant the permission in DeepCall.",
            GroupPermissionDenied => "This DeepCall user is not allowed to manage agent groups. It needs the AGENT_TO_AGENT_CALL permission, which the account's administrator can grant in DeepCall.",
            InvalidRequestData => "DeepCall could not read the request. Try again; if it keeps happening, report it.",
            GroupNameMissing => "DeepCall needs a group name for this.",
            GroupIdMissing => "Enter a group number.",
            GroupNotFound => "There is no such group, or it does not belong to this account.",
            InvalidField => "DeepCall did not accept one of the fields or values sent. Check the values you changed, and that any custom field you added exists on this account (its name must match DeepCall's exactly).",
            InvalidContactNumber => "DeepCall says this is not a valid phone number. Check the number, with the country code if your account stores one.",
            ContactNotFound => "This number is not in your DeepCall directory. Check the number; a contact must already be in the directory to be changed.",
            StickyAgentError => "DeepCall could not set the sticky agent (the agent who always takes this caller) for this contact. Try again; if it keeps happening, ask your DeepCall administrator.",
            TypeNotValid => "DeepCall did not accept the kind of one of the values sent. Check the numbers and dates you changed.",
            AccountManagerError => "DeepCall could not set the account manager for this contact. Ask your DeepCall administrator to check it.",
            CreateFailed => "DeepCall could not save the record. Try again in a moment.",
            CliNotFound => "That caller ID (CLI) does not exist on this account.",
            GroupIdDoesNotExist => "That group does not exist on this account.",
            AgentNotInGroup => "That agent is not in the group.",
            BadExpiry => "The expiry date is not valid.",
            DoNotCallError => "DeepCall refused the change because of its do-not-call (DNC) list. Ask your DeepCall administrator about this number.",
            Unknown => "DeepCall refused the request with an error this app does not know.",
        }
    }
}

/// Where in an exchange the network failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub enum NetworkStage {
    /// The server could not be reached at all.
    Connect,
    /// The connection broke while sending or before the answer was complete.
    Exchange,
}

/// An error from the DeepCall client. Every variant reads as plain words via
/// `Display`; none carries a secret (requests carry credentials only in the
/// body, which is never copied into an error).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeepCallError {
    #[error("The DeepCall address is not valid: {reason}")]
    InvalidAddress { reason: String },

    #[error("Plain http:// is only allowed for this computer (localhost). Use an https:// address for {host}.")]
    InsecureAddress { host: String },

    #[error("{}", match stage {
        NetworkStage::Connect => "DeepCall could not be reached. Check the internet connection and the address.",
        NetworkStage::Exchange => "The connection to DeepCall broke before its answer was complete. Try again.",
    })]
    Network { stage: NetworkStage, detail: String },

    #[error("DeepCall did not answer within {seconds} second{}. Try again in a moment.", if *seconds == 1 { "" } else { "s" })]
    Timeout { seconds: u64 },

    #[error("DeepCall's answer was larger than this app accepts ({limit_bytes} bytes).")]
    ResponseTooLarge { limit_bytes: usize },

    #[error("The server answered with an error page (HTTP {status}) instead of DeepCall data. It may be down or behind a proxy; try again later.")]
    HttpStatus { status: u16 },

    /// HTTP 429 (or DeepCall's own error 429), whatever the body held: the
    /// server refused the request before doing anything and asks for fewer.
    #[error("DeepCall is busy and asked DeepCall Desk to slow down. Try again in a moment.")]
    RateLimited {
        /// What its `Retry-After` asked for, when it said.
        retry_after: Option<Duration>,
    },

    /// The host answered "not found" (HTTP 404, 405 or 501) without a
    /// DeepCall error: it does not offer this endpoint (DeepCall's optional
    /// ones, such as `Directory/getInfo`, are missing on some hosts).
    #[error("This DeepCall address does not offer this (HTTP {status}). Ask your DeepCall administrator whether it can be switched on.")]
    NotOffered { status: u16 },

    #[error("The server's answer was not DeepCall data ({what}). Check the address, or try again later.")]
    NotDeepCall { what: String },

    /// `detail` is the parser's own words, for engineers (the log), never shown.
    #[error("DeepCall's answer could not be understood: it did not have the shape DeepCall's documentation describes. Check the address, or try again later.")]
    UnexpectedAnswer { detail: String },

    /// The address answered with a redirect (3xx). It is never followed: the
    /// credentials travel in the request body and would go with it.
    #[error("{}", redirect_message(*status, to.as_deref()))]
    Redirected {
        status: u16,
        /// Where it points, when that is a web address (scheme, host, port
        /// and path only).
        to: Option<String>,
    },

    #[error("{}", kind.plain_message())]
    Api {
        module: Module,
        code: i64,
        kind: ApiErrorKind,
        /// DeepCall's own text, for engineers; never shown as the main message.
        server_message: String,
    },

    #[error("{message}")]
    InvalidInput { field: String, message: String },

    /// DeepCall said yes, but reading again shows something else.
    #[error("DeepCall accepted the change, but reading the group again shows it was not applied. Nothing else was changed; try again, and if it happens again ask the account's administrator.")]
    NotApplied,
}

fn redirect_message(_status: u16, to: Option<&str>) -> String {
    const WHY: &str = "DeepCall Desk does not follow forwarding, so that your sign-in is only ever sent to the address you saved it for.";
    match to {
        Some(to) if to.starts_with("https://") => format!(
            "This address forwards to {to}. {WHY} If that is your DeepCall address, enter it instead."
        ),
        Some(to) => format!(
            "This address forwards to {to}, which is not a secure (https) address. {WHY} Ask your DeepCall administrator for the right address."
        ),
        None => format!(
            "This address forwards somewhere else. {WHY} Ask your DeepCall administrator for the right address."
        ),
    }
}

impl DeepCallError {
    pub(crate) fn api(module: Module, code: i64, server_message: impl Into<String>) -> Self {
        DeepCallError::Api {
            module,
            code,
            kind: ApiErrorKind::classify(module, code),
            server_message: server_message.into(),
        }
    }

    pub fn invalid_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        DeepCallError::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The API error kind, when DeepCall itself refused the request.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        match self {
            DeepCallError::Api { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// Whether DeepCall may have carried out the request this error ended:
    /// it left, and its answer was lost or spoiled. Only a fresh read can
    /// tell then; the one place that decides between *failed* and *outcome
    /// unknown*, and between sending again and checking first.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            DeepCallError::Network {
                stage: NetworkStage::Exchange,
                ..
            }
            | DeepCallError::Timeout { .. }
            | DeepCallError::ResponseTooLarge { .. }
            | DeepCallError::NotDeepCall { .. }
            | DeepCallError::UnexpectedAnswer { .. } => true,
            // A proxy's error page may come after DeepCall acted.
            DeepCallError::HttpStatus { .. } => true,
            // A rate limit refuses before anything is done, and a missing
            // endpoint does nothing.
            DeepCallError::RateLimited { .. } | DeepCallError::NotOffered { .. } => false,
            DeepCallError::Network {
                stage: NetworkStage::Connect,
                ..
            }
            | DeepCallError::InvalidAddress { .. }
            | DeepCallError::InsecureAddress { .. }
            | DeepCallError::Redirected { .. }
            | DeepCallError::Api { .. }
            | DeepCallError::InvalidInput { .. }
            | DeepCallError::NotApplied => false,
        }
    }

    /// Whether trying the same request again may succeed: the one place
    /// that decides whether a manager is offered *Retry*.
    pub fn is_retryable(&self) -> bool {
        match self {
            DeepCallError::Network { .. }
            | DeepCallError::Timeout { .. }
            | DeepCallError::HttpStatus { .. }
            | DeepCallError::RateLimited { .. }
            | DeepCallError::NotApplied => true,
            DeepCallError::Api { kind, .. } => kind.is_retryable(),
            // The same address and the same input would get the same answer.
            DeepCallError::InvalidAddress { .. }
            | DeepCallError::InsecureAddress { .. }
            | DeepCallError::ResponseTooLarge { .. }
            | DeepCallError::NotDeepCall { .. }
            | DeepCallError::UnexpectedAnswer { .. }
            | DeepCallError::Redirected { .. }
            | DeepCallError::NotOffered { .. }
            | DeepCallError::InvalidInput { .. } => false,
        }
    }

    /// Whether the server asked for fewer requests: a rate limit, a server
    /// too busy to answer (503), or no answer in time. Concurrency halves.
    pub fn is_overload(&self) -> bool {
        matches!(
            self,
            DeepCallError::RateLimited { .. }
                | DeepCallError::HttpStatus { status: 503 }
                | DeepCallError::Timeout { .. }
        )
    }
}

impl ApiErrorKind {
    /// Whether DeepCall may answer differently a moment later: its own
    /// trouble, not a refusal of what was asked.
    pub fn is_retryable(self) -> bool {
        use ApiErrorKind::*;
        match self {
            SomethingWentWrong | DatabaseError | CreateFailed => true,
            InvalidParameter
            | InvalidToken
            | PermissionDenied
            | InvalidRequestData
            | GroupPermissionDenied
            | GroupNameMissing
            | GroupIdMissing
            | GroupNotFound
            | InvalidField
            | InvalidContactNumber
            | ContactNotFound
            | StickyAgentError
            | TypeNotValid
            | AccountManagerError
            | CliNotFound
            | GroupIdDoesNotExist
            | AgentNotInGroup
            | BadExpiry
            | DoNotCallError
            | Unknown => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_number_means_different_things_per_module() {
        for (module, code, kind) in [
            (Module::Group, 1501, ApiErrorKind::GroupNameMissing),
            (Module::Directory, 1501, ApiErrorKind::StickyAgentError),
            (Module::Group, 1503, ApiErrorKind::GroupNotFound),
            (Module::Directory, 1503, ApiErrorKind::AccountManagerError),
            (Module::Group, 1012, ApiErrorKind::Unknown),
            (Module::Directory, 1012, ApiErrorKind::ContactNotFound),
        ] {
            assert_eq!(
                ApiErrorKind::classify(module, code),
                kind,
                "{module:?} {code}"
            );
        }
    }

    #[test]
    fn every_documented_code_is_known() {
        let group: &[i64] = &[1000, 1009, 1010, 1014, 1015, 1047, 1501, 1502, 1503];
        let directory: &[i64] = &[
            1000, 1005, 1012, 1501, 1502, 1503, 1504, 1505, 1506, 1507, 1508, 1509, 1510,
        ];
        for (module, codes) in [(Module::Group, group), (Module::Directory, directory)] {
            for &code in codes {
                assert_ne!(
                    ApiErrorKind::classify(module, code),
                    ApiErrorKind::Unknown,
                    "{module:?} {code}"
                );
            }
        }
    }

    #[test]
    fn messages_are_plain_words_without_codes() {
        let e = DeepCallError::api(Module::Group, 1015, "Permission denied");
        let text = e.to_string();
        assert!(text.contains("AGENT_TO_AGENT_CALL"));
        assert!(!text.contains("1015"));
    }
}
