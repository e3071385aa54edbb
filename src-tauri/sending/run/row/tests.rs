//! One row's way to its outcome, without a server.

use super::*;
use crate::deepcall::Module;

#[test]
fn the_status_decides_what_a_failed_request_asks_for() {
    let wait = Some(Duration::from_secs(3));
    assert_eq!(
        next(&DeepCallError::RateLimited { retry_after: wait }),
        Next::SlowDown(wait)
    );
    assert_eq!(
        next(&DeepCallError::api(Module::Directory, 1014, "")),
        Next::AccountRefused
    );
    assert_eq!(
        next(&DeepCallError::api(Module::Directory, 1015, "")),
        Next::AccountRefused
    );
    assert_eq!(
        next(&DeepCallError::Network {
            stage: NetworkStage::Connect,
            detail: String::new()
        }),
        Next::NotReached
    );
    for maybe in [
        DeepCallError::HttpStatus { status: 503 },
        DeepCallError::Timeout { seconds: 30 },
        DeepCallError::Network {
            stage: NetworkStage::Exchange,
            detail: String::new(),
        },
    ] {
        assert_eq!(next(&maybe), Next::MaybeApplied, "{maybe:?}");
    }
    assert_eq!(
        next(&DeepCallError::api(Module::Directory, 1009, "")),
        Next::Trouble
    );
    assert_eq!(
        next(&DeepCallError::api(Module::Directory, 1012, "")),
        Next::Refused
    );
    assert_eq!(
        next(&DeepCallError::NotOffered { status: 404 }),
        Next::Refused
    );
}
