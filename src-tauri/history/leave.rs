//! Agents on leave, kept in the History file per account until they are
//! back: what they had before "Off everywhere".

use rusqlite::{params, OptionalExtension};

use crate::lineups::leave::{Leave, LeftGroup};

use super::{History, HistoryError};

const NOT_KEPT: &str = "What the agent had before their leave";

impl History {
    /// The agent's leave, when they are on leave on this account.
    pub fn leave(&self, account: &str, agent: u64) -> Result<Option<Leave>, HistoryError> {
        self.conn()
            .query_row(
                "SELECT agent_name, groups, since_ms FROM on_leave \
                 WHERE account_id = ?1 AND agent_id = ?2",
                params![account, agent as i64],
                |r| {
                    let groups: String = r.get(1)?;
                    let groups: Vec<LeftGroup> = serde_json::from_str(&groups).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            1,
                            rusqlite::types::Type::Text,
                            e.into(),
                        )
                    })?;
                    Ok(Leave {
                        agent_id: agent,
                        agent_name: r.get(0)?,
                        groups,
                        since_ms: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(HistoryError::read)
    }

    /// Every agent on leave on the account, longest first.
    pub fn on_leave(&self, account: &str) -> Result<Vec<u64>, HistoryError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached("SELECT agent_id FROM on_leave WHERE account_id = ?1 ORDER BY since_ms")
            .map_err(HistoryError::read)?;
        let ids = stmt
            .query_map(params![account], |r| r.get::<_, i64>(0).map(|id| id as u64))
            .and_then(|rows| rows.collect())
            .map_err(HistoryError::read);
        ids
    }

    /// Keeps what the agent had before going on leave; an earlier leave's
    /// record is kept as it was (the agent is already off, so a second
    /// "Off everywhere" would only keep "off").
    pub fn start_leave(&self, account: &str, leave: &Leave) -> Result<(), HistoryError> {
        let groups = serde_json::to_string(&leave.groups)
            .map_err(|e| HistoryError::said(format!("{NOT_KEPT} could not be saved ({e}).")))?;
        self.conn()
            .execute(
                "INSERT INTO on_leave (account_id, agent_id, agent_name, groups, since_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (account_id, agent_id) DO NOTHING",
                params![
                    account,
                    leave.agent_id as i64,
                    leave.agent_name,
                    groups,
                    leave.since_ms
                ],
            )
            .map_err(|e| HistoryError::not_kept(NOT_KEPT, e))?;
        Ok(())
    }

    /// The agent is back: their leave is forgotten.
    pub fn end_leave(&self, account: &str, agent: u64) -> Result<(), HistoryError> {
        self.conn()
            .execute(
                "DELETE FROM on_leave WHERE account_id = ?1 AND agent_id = ?2",
                params![account, agent as i64],
            )
            .map_err(|e| HistoryError::not_kept(NOT_KEPT, e))?;
        Ok(())
    }
}
