//! The circuit breaker: when DeepCall refuses the account itself (its
//! sign-in, 1014, or its permission, 1015) several times in a row, every
//! other row would be refused the same way. The run pauses instead of
//! spending up to 100,000 requests on it, and says what to fix.

use crate::deepcall::{ApiErrorKind, DeepCallError};

/// Why a run paused itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trip {
    /// Wrong or expired token or session ID.
    SignIn,
    /// The user may not change contacts.
    Permission,
}

impl Trip {
    /// What the manager reads, and what to do.
    pub fn words(self) -> &'static str {
        match self {
            Trip::SignIn => {
                "Paused: DeepCall did not accept this account's sign-in (the token or session ID \
                 is wrong or has expired). Enter the current one in Accounts, then press Resume."
            }
            Trip::Permission => {
                "Paused: DeepCall says this user is not allowed to change contacts. Ask the \
                 account's administrator to allow it in DeepCall, then press Resume."
            }
        }
    }
}

/// Counts account refusals in a row; any other answer resets the count.
#[derive(Debug, Clone)]
pub struct Breaker {
    in_a_row: u32,
    trips_at: u32,
}

impl Breaker {
    /// Trips at `trips_at` refusals in a row (at least one).
    pub fn new(trips_at: u32) -> Self {
        Self {
            in_a_row: 0,
            trips_at: trips_at.max(1),
        }
    }

    /// Takes one answer; `Some` once the run must pause.
    pub fn heard(&mut self, answer: Result<(), &DeepCallError>) -> Option<Trip> {
        let trip = match answer.err().and_then(DeepCallError::api_kind) {
            Some(ApiErrorKind::InvalidToken) => Trip::SignIn,
            Some(ApiErrorKind::PermissionDenied | ApiErrorKind::GroupPermissionDenied) => {
                Trip::Permission
            }
            _ => {
                self.in_a_row = 0;
                return None;
            }
        };
        self.in_a_row += 1;
        (self.in_a_row >= self.trips_at).then_some(trip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deepcall::Module;

    fn refusal(code: i64) -> DeepCallError {
        DeepCallError::api(Module::Directory, code, "")
    }

    #[test]
    fn trips_on_refusals_in_a_row_and_says_which() {
        let mut b = Breaker::new(3);
        let token = refusal(1014);
        assert_eq!(b.heard(Err(&token)), None);
        assert_eq!(b.heard(Err(&token)), None);
        assert_eq!(b.heard(Err(&token)), Some(Trip::SignIn));
        let mut b = Breaker::new(2);
        let permission = refusal(1015);
        b.heard(Err(&permission));
        assert_eq!(b.heard(Err(&permission)), Some(Trip::Permission));
        assert!(Trip::SignIn.words().contains("Accounts"));
        assert!(!Trip::SignIn.words().contains("1014"));
    }

    #[test]
    fn any_other_answer_starts_the_count_again() {
        let mut b = Breaker::new(3);
        let token = refusal(1014);
        b.heard(Err(&token));
        b.heard(Err(&token));
        assert_eq!(b.heard(Ok(())), None);
        assert_eq!(b.heard(Err(&token)), None);
        b.heard(Err(&token));
        // A row's own refusal (an unknown contact) is not the account's.
        assert_eq!(b.heard(Err(&refusal(1012))), None);
        assert_eq!(b.heard(Err(&token)), None);
        let busy = DeepCallError::RateLimited { retry_after: None };
        assert_eq!(b.heard(Err(&busy)), None);
    }
}
