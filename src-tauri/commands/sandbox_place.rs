//! Where the Sandbox is: a sandbox server already running outside the app
//! (tests name it), or the app's own, started the first time Sandbox mode
//! needs it. A manager who works with a real account never has it started:
//! it is a server on this computer with public credentials, and it costs
//! memory and start-up time for nothing.

use crate::commands::{AppError, ErrorKind};
use crate::sandbox::{self, Sandbox};

pub enum SandboxPlace {
    /// Its address, given at start.
    Given(String),
    /// The app's own, once it is started; kept for the app's lifetime.
    BuiltIn(tokio::sync::OnceCell<Sandbox>),
}

impl SandboxPlace {
    /// The sandbox at `given`, or the built-in one when `None`.
    pub fn new(given: Option<String>) -> Self {
        match given {
            Some(url) => Self::Given(url),
            None => Self::BuiltIn(tokio::sync::OnceCell::new()),
        }
    }

    /// Its address, the built-in Sandbox started first if it is not
    /// running: once, however many ask at the same moment. A start that
    /// failed is tried again the next time.
    pub async fn url(&self) -> Result<String, AppError> {
        let started = match self {
            Self::Given(url) => return Ok(url.clone()),
            Self::BuiltIn(started) => started,
        };
        let sandbox = started
            .get_or_try_init(|| async {
                let sandbox = Sandbox::start(sandbox::Options::default()).await;
                match &sandbox {
                    Ok(s) => tracing::info!("sandbox: started at {}", s.url()),
                    Err(e) => tracing::error!("sandbox: could not start: {e}"),
                }
                sandbox
            })
            .await
            .map_err(|_| AppError {
                retryable: true,
                ..AppError::new(
                    ErrorKind::Internal,
                    "The Sandbox could not start: this computer did not let DeepCall Desk open \
                     a connection to itself for it. A real DeepCall account still works: choose \
                     it as the active account.",
                )
            })?;
        Ok(sandbox.url())
    }

    /// Whether it can be used without starting anything.
    pub fn is_running(&self) -> bool {
        match self {
            Self::Given(_) => true,
            Self::BuiltIn(started) => started.initialized(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_built_in_sandbox_starts_on_first_use_only_and_once() {
        let place = SandboxPlace::new(None);
        assert!(
            !place.is_running(),
            "nothing is started before it is needed"
        );
        let (first, second) = tokio::join!(place.url(), place.url());
        let url = first.unwrap();
        assert_eq!(second.unwrap(), url, "one Sandbox for both");
        assert!(place.is_running());
        assert_eq!(place.url().await.unwrap(), url);
        let addr = url.strip_prefix("http://").unwrap();
        assert!(addr.starts_with("127.0.0.1:"), "{url}");
        tokio::net::TcpStream::connect(addr)
            .await
            .expect("it listens");
    }

    #[tokio::test]
    async fn a_given_sandbox_is_used_as_it_is() {
        let place = SandboxPlace::new(Some("http://127.0.0.1:1".into()));
        assert!(place.is_running());
        assert_eq!(place.url().await.unwrap(), "http://127.0.0.1:1");
        assert!(matches!(place, SandboxPlace::Given(_)));
    }
}
