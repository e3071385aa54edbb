//! *Check connection*: does this address answer as DeepCall does, and does
//! it accept these credentials?
//!
//! The verdict comes from the seed endpoint, `Group/getGroupAgentRelation`,
//! asked without a group: DeepCall checks the sign-in (1014) and the
//! AGENT_TO_AGENT_CALL permission (1015) before it asks for the group
//! number (1502), so a 1502 means the sign-in was accepted, without reading
//! or changing anything. Only when that answer settles nothing does the
//! check also ask `Group/list`, which the seeds do not document.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{ApiErrorKind, Client, DeepCallError, Module};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub enum CheckOutcome {
    Connected,
    WrongCredentials,
    Unreachable,
    NotDeepCall,
    /// The address forwards elsewhere (a redirect, never followed).
    Redirected,
    /// Signed in, but the user lacks the AGENT_TO_AGENT_CALL permission.
    NoPermission,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionCheck {
    pub outcome: CheckOutcome,
    /// Plain words for the manager; never a server's own text.
    pub message: String,
}

/// What one probe's answer says about the sign-in.
enum Verdict {
    Settled(CheckOutcome, String),
    /// DeepCall answered, but not in a way that tells whether the sign-in
    /// was accepted.
    Unsettled(DeepCallError),
}

impl Client {
    /// Checks the address and the credentials with harmless reads.
    pub async fn check_connection(&self) -> ConnectionCheck {
        let mut probe = Map::new();
        probe.insert("quick".into(), Value::Bool(true));
        let first = self
            .call(Module::Group, "getGroupAgentRelation", probe)
            .await;
        let unsettled = match verdict(first) {
            Verdict::Settled(outcome, message) => return ConnectionCheck { outcome, message },
            Verdict::Unsettled(e) => e,
        };
        let mut list = Map::new();
        list.insert("quick".into(), Value::Bool(true));
        list.insert("forward".into(), Value::Bool(false));
        let second = match self.call(Module::Group, "list", list).await {
            // An optional endpoint this host lacks tells nothing.
            Err(e @ DeepCallError::NotOffered { .. }) => Verdict::Unsettled(e),
            answer => verdict(answer.map(|_| ())),
        };
        match second {
            Verdict::Settled(outcome, message) => ConnectionCheck { outcome, message },
            // Neither answer settles it: report the seed endpoint's.
            Verdict::Unsettled(_) => ConnectionCheck {
                outcome: CheckOutcome::Failed,
                message: format!(
                    "The address answered as DeepCall does, but the check could not tell \
                     whether these credentials are accepted: {unsettled} If this keeps \
                     happening, ask your DeepCall administrator."
                ),
            },
        }
    }
}

const CONNECTED: &str = "Connected: DeepCall accepted these credentials.";

fn verdict<T>(answer: Result<T, DeepCallError>) -> Verdict {
    use CheckOutcome::*;
    let settled = |o: CheckOutcome, m: String| Verdict::Settled(o, m);
    let e = match answer {
        Ok(_) => return settled(Connected, CONNECTED.into()),
        Err(e) => e,
    };
    match &e {
        DeepCallError::Api { kind, .. } => match kind {
            // The module asked about the group: the sign-in got through.
            ApiErrorKind::GroupIdMissing | ApiErrorKind::GroupNotFound => {
                settled(Connected, CONNECTED.into())
            }
            ApiErrorKind::InvalidToken => settled(
                WrongCredentials,
                "Wrong credentials: DeepCall did not accept this user ID and token (or session \
                 ID). Check them in your DeepCall panel and enter them again."
                    .into(),
            ),
            ApiErrorKind::GroupPermissionDenied | ApiErrorKind::PermissionDenied => settled(
                NoPermission,
                "Connected, but this DeepCall user lacks the AGENT_TO_AGENT_CALL permission \
                 that the Groups screen needs. Contacts work; your DeepCall administrator can \
                 grant the permission."
                    .into(),
            ),
            ApiErrorKind::SomethingWentWrong | ApiErrorKind::DatabaseError => settled(
                Failed,
                format!("DeepCall answered, but could not check the sign-in right now. {e}"),
            ),
            ApiErrorKind::InvalidParameter
            | ApiErrorKind::InvalidRequestData
            | ApiErrorKind::GroupNameMissing
            | ApiErrorKind::InvalidField
            | ApiErrorKind::InvalidContactNumber
            | ApiErrorKind::ContactNotFound
            | ApiErrorKind::StickyAgentError
            | ApiErrorKind::TypeNotValid
            | ApiErrorKind::AccountManagerError
            | ApiErrorKind::CreateFailed
            | ApiErrorKind::CliNotFound
            | ApiErrorKind::GroupIdDoesNotExist
            | ApiErrorKind::AgentNotInGroup
            | ApiErrorKind::BadExpiry
            | ApiErrorKind::DoNotCallError
            | ApiErrorKind::Unknown => Verdict::Unsettled(e),
        },
        DeepCallError::Network { .. } | DeepCallError::Timeout { .. } => settled(
            Unreachable,
            format!(
                "Host not reachable: {e} Check the address and this computer's internet \
                 connection."
            ),
        ),
        DeepCallError::RateLimited { .. } => settled(
            Failed,
            format!("The address answered, but could not check the sign-in right now. {e}"),
        ),
        // The one endpoint every DeepCall has is missing: a wrong address.
        DeepCallError::HttpStatus { .. }
        | DeepCallError::NotOffered { .. }
        | DeepCallError::NotDeepCall { .. }
        | DeepCallError::UnexpectedAnswer { .. }
        | DeepCallError::ResponseTooLarge { .. } => settled(
            NotDeepCall,
            format!(
                "Not a DeepCall server: the address answered, but not the way DeepCall does. \
                 Check the address (for most accounts {}).",
                super::DEFAULT_HOST
            ),
        ),
        DeepCallError::Redirected { .. } => settled(Redirected, e.to_string()),
        DeepCallError::InvalidAddress { .. }
        | DeepCallError::InsecureAddress { .. }
        | DeepCallError::InvalidInput { .. }
        | DeepCallError::NotApplied => settled(Failed, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(r: Result<(), DeepCallError>) -> Option<CheckOutcome> {
        match verdict(r) {
            Verdict::Settled(o, m) => {
                assert!(!m.is_empty());
                Some(o)
            }
            Verdict::Unsettled(_) => None,
        }
    }

    #[test]
    fn each_group_answer_gives_its_verdict() {
        let api = |code| Err(DeepCallError::api(Module::Group, code, "server words"));
        assert_eq!(outcome(api(1502)), Some(CheckOutcome::Connected));
        assert_eq!(outcome(api(1503)), Some(CheckOutcome::Connected));
        assert_eq!(outcome(api(1014)), Some(CheckOutcome::WrongCredentials));
        assert_eq!(outcome(api(1015)), Some(CheckOutcome::NoPermission));
        assert_eq!(outcome(api(1009)), Some(CheckOutcome::Failed));
        assert_eq!(outcome(api(1000)), None, "1000 settles nothing");
        assert_eq!(outcome(api(4242)), None);
        assert_eq!(
            outcome(Err(DeepCallError::Redirected {
                status: 301,
                to: Some("https://other.example".into())
            })),
            Some(CheckOutcome::Redirected)
        );
        assert_eq!(
            outcome(Err(DeepCallError::NotDeepCall { what: "x".into() })),
            Some(CheckOutcome::NotDeepCall)
        );
    }
}
