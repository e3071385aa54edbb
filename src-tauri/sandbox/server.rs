//! A sandbox server: started, stopped, told to misbehave, and asked what
//! it received.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::handling::*;
use super::log::RequestLog;
use super::state::*;
use super::*;

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// Set to true once to stop the server and every connection.
    shutdown: watch::Sender<bool>,
}

impl Sandbox {
    /// Binds and starts serving on the current tokio runtime. Refuses any
    /// address but loopback: the sandbox's credentials are public, so it
    /// must never be reachable from another computer.
    pub async fn start(options: Options) -> std::io::Result<Self> {
        if !options.listen.ip().is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "the sandbox listens only on this computer (127.0.0.1 or [::1]), not on {}",
                    options.listen.ip()
                ),
            ));
        }
        options
            .misbehaviour
            .check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        if let Some(e) = options
            .switched_off
            .iter()
            .find(|e| !endpoints().any(|known| known == e.as_str()))
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "switched_off: '{e}' is not an endpoint of the sandbox ({})",
                    endpoints().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        let listener = TcpListener::bind(options.listen).await?;
        let addr = listener.local_addr()?;
        let seed = seed::seed(options.large_group, options.contacts);
        let shared = Arc::new(Shared {
            data: Mutex::new(Data {
                agents: seed.agents,
                groups: seed.groups,
                contacts: seed.contacts,
                custom_fields: seed.custom_fields,
                agent_to_agent_call: true,
            }),
            log: Mutex::new(RequestLog::new(options.log_limit)),
            switched_off: Mutex::new(options.switched_off),
            next_faults: Mutex::new(VecDeque::new()),
            standing_fault: Mutex::new(None),
            misbehaving: Mutex::new(misbehave::Misbehaving::new(options.misbehaviour)),
            sign_in: Mutex::new(SignIn {
                credentials: options.credentials,
                revoked: false,
            }),
            in_flight: AtomicU32::new(0),
            log_changed: watch::Sender::new(0),
            releases: watch::Sender::new(0),
        });
        let (shutdown, stopped) = watch::channel(false);
        tokio::spawn(accept_loop(listener, shared.clone(), stopped));
        Ok(Self {
            addr,
            shared,
            shutdown,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the base address a client uses.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far (the newest within [`LogLimit`]),
    /// oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).entries().to_vec()
    }

    /// Requests to one `Module/action`, oldest first.
    pub fn requests_to(&self, endpoint: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.endpoint() == endpoint)
            .collect()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Waits until a request to `endpoint` is in the log (at once if one
    /// already is); `false` if none came within `timeout`. An entry is
    /// logged only once its request has been carried out (or not), so after
    /// `true` the data already shows it.
    pub async fn wait_for_request(&self, endpoint: &str, timeout: Duration) -> bool {
        self.wait_for_log(timeout, |log| log.iter().any(|r| r.endpoint() == endpoint))
            .await
    }

    /// Waits until `done` holds for the request log (checked at once, then
    /// on every change to it); `false` if it did not within `timeout`.
    pub async fn wait_for_log(
        &self,
        timeout: Duration,
        done: impl Fn(&[RecordedRequest]) -> bool,
    ) -> bool {
        let mut changed = self.shared.log_changed.subscribe();
        let check = async {
            loop {
                // Checked in place, under the lock: no copy of the log.
                if done(lock(&self.shared.log).entries()) {
                    return true;
                }
                if changed.changed().await.is_err() {
                    return false;
                }
            }
        };
        tokio::time::timeout(timeout, check).await.unwrap_or(false)
    }

    /// Answers every request held by [`Fault::Hold`] so far.
    pub fn release_held(&self) {
        self.shared.releases.send_modify(|n| *n += 1);
    }

    /// Replaces the misbehaviour (and restarts its generator from the new
    /// seed and its rate window from empty). `Misbehaviour::default()`
    /// switches it off. [`Sandbox::clear_faults`] leaves it alone.
    pub fn set_misbehaviour(&self, misbehaviour: Misbehaviour) -> std::io::Result<()> {
        misbehaviour
            .check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        *lock(&self.shared.misbehaving) = misbehave::Misbehaving::new(misbehaviour);
        Ok(())
    }

    /// The next API request gets this fault (queued after any already set).
    pub fn fail_next(&self, fault: Fault) {
        lock(&self.shared.next_faults).push_back((None, fault));
    }

    /// The next request to `endpoint` (e.g. `Group/submitAssignGroupToAgent`)
    /// gets this fault; other requests pass untouched.
    pub fn fail_next_on(&self, endpoint: &str, fault: Fault) {
        lock(&self.shared.next_faults).push_back((Some(endpoint.to_owned()), fault));
    }

    /// Every API request gets this fault until [`Sandbox::clear_faults`]
    /// (misbehaviour then draws for none of them).
    pub fn fail_always(&self, fault: Fault) {
        *lock(&self.shared.standing_fault) = Some(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.next_faults).clear();
        *lock(&self.shared.standing_fault) = None;
    }

    /// Makes `endpoint` (e.g. `Group/list`, `Directory/getInfo`) answer as
    /// on a DeepCall host without it: HTTP 404 with the web server's HTML
    /// "Not Found" page, nothing carried out.
    pub fn switch_off(&self, endpoint: &str) {
        lock(&self.shared.switched_off).push(endpoint.to_owned());
    }

    /// Revokes the sign-in: from now on every API request is answered
    /// DeepCall's invalid-token error (HTTP 200, `status: "error"`, code
    /// 1014), whatever credentials it carries, as when a token expires or
    /// is replaced in the DeepCall panel; nothing is carried out.
    /// [`Sandbox::set_token`] or [`Sandbox::set_ssid`] accepts credentials again.
    pub fn revoke_sign_in(&self) {
        lock(&self.shared.sign_in).revoked = true;
    }

    /// Accepts `token` (with the same user ID) from now on, and no longer
    /// the old one, as after a manager makes a new token; ends a
    /// [`Sandbox::revoke_sign_in`].
    pub fn set_token(&self, token: &str) {
        let mut sign_in = lock(&self.shared.sign_in);
        sign_in.credentials.token = token.to_owned();
        sign_in.revoked = false;
    }

    /// Accepts session ID `ssid` from now on, and no longer the old one;
    /// ends a [`Sandbox::revoke_sign_in`].
    pub fn set_ssid(&self, ssid: &str) {
        let mut sign_in = lock(&self.shared.sign_in);
        sign_in.credentials.ssid = ssid.to_owned();
        sign_in.revoked = false;
    }

    /// Grants or revokes the user's AGENT_TO_AGENT_CALL permission (error 1015).
    pub fn set_agent_to_agent_call(&self, allowed: bool) {
        lock(&self.shared.data).agent_to_agent_call = allowed;
    }

    /// A group's members as the server holds them: (agent id, receives calls).
    pub fn group_members(&self, id: u64) -> Option<Vec<(u64, bool)>> {
        lock(&self.shared.data)
            .groups
            .get(&id)
            .map(|g| g.members.clone())
    }

    /// A contact as the server holds it: `{contactinfo, other}`.
    pub fn contact(&self, number: &str) -> Option<Value> {
        lock(&self.shared.data)
            .contacts
            .get(number)
            .map(|c| serde_json::json!({"contactinfo": c.contactinfo, "other": c.other}))
    }

    /// Per contact number: how many `Directory/update` requests the sandbox
    /// carried out (the proof that no row of a bulk run was applied twice).
    pub fn updates_carried_out(&self) -> std::collections::HashMap<String, usize> {
        let mut out = std::collections::HashMap::new();
        for r in self.requests_to("Directory/update") {
            let number = r.json.as_ref().and_then(|j| j["contact"].as_str());
            if let (true, Some(number)) = (r.carried_out, number) {
                *out.entry(number.to_owned()).or_default() += 1;
            }
        }
        out
    }

    /// How many requests to `endpoint` (e.g. `Directory/update`) the log
    /// holds that were carried out.
    pub fn requests_carried_out(&self, endpoint: &str) -> usize {
        lock(&self.shared.log)
            .entries()
            .iter()
            .filter(|r| r.carried_out && r.endpoint() == endpoint)
            .count()
    }

    /// Adds a contact (or gives an existing one a fresh start): `number`,
    /// as DeepCall stores it, named `name`, neither VIP nor blacklisted.
    pub fn add_contact(&self, number: &str, name: &str) {
        let serde_json::Value::Object(contactinfo) = serde_json::json!({ "name": name }) else {
            unreachable!("a literal object")
        };
        let serde_json::Value::Object(other) =
            serde_json::json!({"totalcalls": 0, "source": 1, "vip": false, "blacklist": false})
        else {
            unreachable!("a literal object")
        };
        lock(&self.shared.data)
            .contacts
            .insert(number.to_owned(), seed::ContactRec { contactinfo, other });
    }

    pub fn shutdown(&self) {
        self.shutdown.send_replace(true);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown();
    }
}
