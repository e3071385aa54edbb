//! Which copy of the app is sending a bulk run. A run is claimed by the
//! History opening that sends it, which says so every few seconds (its
//! heartbeat) while the run is under way and lets go when it ends or
//! pauses itself. Resume is offered only for an orphaned run: no copy has
//! it, it is this copy's own, or its copy has stopped beating.
//!
//! History's lock ([`super::lock`]) already keeps a second copy away; an
//! opening that holds it knows every earlier claim is orphaned. The
//! heartbeat is what keeps two copies apart where the file system cannot
//! lock.

use std::time::Duration;

use rusqlite::{params, Connection};

use super::{now_ms, History, HistoryError};

/// How often a run under way says it is alive.
pub const BEAT: Duration = Duration::from_secs(5);

/// A run whose copy has not said so for this long is orphaned.
const STALE: Duration = Duration::from_secs(30);

/// Words for a run another copy is sending.
pub const SENT_ELSEWHERE: &str = "Another copy of DeepCall Desk is sending this run. Close \
                                  this window and follow the run in the other one.";

pub(super) fn new_owner() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple())
}

/// Every claim is orphaned: this opening holds History's lock, so no other
/// copy has it open.
pub(super) fn all_orphaned(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE batches SET owner = NULL, heartbeat_ms = NULL WHERE owner IS NOT NULL",
        [],
    )
}

/// The SQL condition, on `b` (batches), ?1 this owner and ?2 the time
/// before which a heartbeat is stale: no live copy other than this one has
/// the run.
pub(super) const ORPHANED: &str =
    "(b.owner IS NULL OR b.owner = ?1 OR b.heartbeat_ms IS NULL OR b.heartbeat_ms < ?2)";

pub(super) fn stale_before(now_ms: i64) -> i64 {
    now_ms - STALE.as_millis() as i64
}

impl History {
    pub(super) fn owner(&self) -> &str {
        &self.0.owner
    }

    /// Claims `batch` for this opening. `false`: another copy is sending it.
    pub fn claim_batch(&self, batch: i64) -> Result<bool, HistoryError> {
        let now = now_ms();
        let claimed = self
            .conn()
            .execute(
                &format!(
                    "UPDATE batches AS b SET owner = ?1, heartbeat_ms = ?3 \
                     WHERE b.id = ?4 AND {ORPHANED}"
                ),
                params![self.owner(), stale_before(now), now, batch],
            )
            .map_err(HistoryError::write)?;
        Ok(claimed == 1)
    }

    /// The run under way is still this opening's.
    pub fn beat(&self, batch: i64) -> Result<(), HistoryError> {
        self.conn()
            .execute(
                "UPDATE batches SET heartbeat_ms = ?1 WHERE id = ?2 AND owner = ?3",
                params![now_ms(), batch, self.owner()],
            )
            .map_err(HistoryError::write)?;
        Ok(())
    }

    /// This opening no longer sends `batch`.
    pub fn let_go(&self, batch: i64) -> Result<(), HistoryError> {
        self.conn()
            .execute(
                "UPDATE batches SET owner = NULL, heartbeat_ms = NULL \
                 WHERE id = ?1 AND owner = ?2",
                params![batch, self.owner()],
            )
            .map_err(HistoryError::write)?;
        Ok(())
    }

    /// Sets `batch`'s claim as another copy would have it (for tests).
    #[cfg(test)]
    pub(crate) fn claim_as(&self, batch: i64, owner: &str, heartbeat_ms: i64) {
        self.conn()
            .execute(
                "UPDATE batches SET owner = ?1, heartbeat_ms = ?2 WHERE id = ?3",
                params![owner, heartbeat_ms, batch],
            )
            .expect("claim");
    }
}
