//! Line-ups kept in the History file, per account: each group's members,
//! the times of the week, and when the schedule was last looked at. Kept
//! beside History so that one lock, one owner and one damaged-file rule
//! serve both. Group and agent numbers are stored as SQLite integers: the
//! app takes none above 2^53 (`deepcall::wire::MAX_ID`), so `as i64` keeps
//! them whole.

use rusqlite::{params, OptionalExtension, Transaction};

use crate::lineups::schedule::Slot;
use crate::lineups::{checked_name, Lineup, LineupGroup, LineupMember, NO_GROUPS};

use super::{now_ms, History, HistoryError};

const NOT_KEPT: &str = "The line-up";

fn json<T: serde::Serialize>(value: &T) -> Result<String, HistoryError> {
    serde_json::to_string(value)
        .map_err(|e| HistoryError::said(format!("{NOT_KEPT} could not be saved ({e}).")))
}

fn from_json<T: serde::de::DeserializeOwned>(col: usize, text: &str) -> rusqlite::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, e.into())
    })
}

fn not_kept(e: rusqlite::Error) -> HistoryError {
    HistoryError::not_kept(NOT_KEPT, e)
}

/// Why a line-up was refused before anything was written.
fn refused(words: impl Into<String>) -> HistoryError {
    HistoryError::said(words)
}

impl History {
    /// The account's line-ups, in the manager's order.
    pub fn lineups(&self, account: &str) -> Result<Vec<Lineup>, HistoryError> {
        self.read_lineups(account, None)
    }

    /// One of the account's line-ups (the others' members are not read).
    pub fn lineup(&self, account: &str, id: i64) -> Result<Lineup, HistoryError> {
        self.read_lineups(account, Some(id))?.pop().ok_or_else(gone)
    }

    /// The account's line-ups, or only `only`, with their groups.
    fn read_lineups(&self, account: &str, only: Option<i64>) -> Result<Vec<Lineup>, HistoryError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, name, slots, updated_ms FROM lineups WHERE account_id = ?1 \
                 AND (?2 IS NULL OR id = ?2) ORDER BY position, id",
            )
            .map_err(HistoryError::read)?;
        let heads = stmt
            .query_map(params![account, only], |r| {
                let slots: Vec<Slot> = from_json(2, &r.get::<_, String>(2)?)?;
                Ok(Lineup {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    slot_words: slots.iter().map(Slot::words).collect(),
                    slots,
                    updated_ms: r.get(3)?,
                    groups: Vec::new(),
                })
            })
            .map_err(HistoryError::read)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(HistoryError::read)?;
        let mut groups = conn
            .prepare_cached(
                "SELECT group_id, group_name, members FROM lineup_groups WHERE lineup = ?1 \
                 ORDER BY position",
            )
            .map_err(HistoryError::read)?;
        heads
            .into_iter()
            .map(|mut lineup| {
                lineup.groups = groups
                    .query_map(params![lineup.id], |r| {
                        Ok(LineupGroup {
                            group: r.get::<_, i64>(0)? as u64,
                            group_name: r.get(1)?,
                            members: from_json(2, &r.get::<_, String>(2)?)?,
                        })
                    })
                    .and_then(|rows| rows.collect())
                    .map_err(HistoryError::read)?;
                Ok(lineup)
            })
            .collect()
    }

    /// Keeps a new line-up, last in the account's list.
    pub fn create_lineup(
        &self,
        account: &str,
        name: &str,
        groups: &[LineupGroup],
    ) -> Result<Lineup, HistoryError> {
        let name = checked_name(name).map_err(refused)?;
        one_group_once(groups)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(not_kept)?;
        name_free(&tx, account, &name, None)?;
        tx.execute(
            "INSERT INTO lineups (account_id, name, position, updated_ms) VALUES (?1, ?2, \
             (SELECT COALESCE(MAX(position), 0) + 1 FROM lineups WHERE account_id = ?1), ?3)",
            params![account, name, now_ms()],
        )
        .map_err(not_kept)?;
        let id = tx.last_insert_rowid();
        write_groups(&tx, id, groups)?;
        tx.commit().map_err(not_kept)?;
        drop(conn);
        self.lineup(account, id)
    }

    /// Renames a line-up.
    pub fn rename_lineup(
        &self,
        account: &str,
        id: i64,
        name: &str,
    ) -> Result<Lineup, HistoryError> {
        let name = checked_name(name).map_err(refused)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(not_kept)?;
        name_free(&tx, account, &name, Some(id))?;
        touch(&tx, account, id)?;
        tx.execute(
            "UPDATE lineups SET name = ?2 WHERE id = ?1",
            params![id, name],
        )
        .map_err(not_kept)?;
        tx.commit().map_err(not_kept)?;
        drop(conn);
        self.lineup(account, id)
    }

    /// Sets whether one member receives calls in one of a line-up's groups.
    pub fn set_lineup_member(
        &self,
        account: &str,
        id: i64,
        group: u64,
        agent: u64,
        receives_calls: bool,
    ) -> Result<Lineup, HistoryError> {
        let mut lineup = self.lineup(account, id)?;
        let member = lineup
            .groups
            .iter_mut()
            .find(|g| g.group == group)
            .and_then(|g| g.members.iter_mut().find(|m| m.agent_id == agent))
            .ok_or_else(|| {
                refused(format!(
                    "Agent #{agent} is not in this line-up's group {group}, so it was not changed. \
                     Open the line-up again."
                ))
            })?;
        member.receives_calls = receives_calls;
        self.replace_groups(account, id, &lineup.groups)
    }

    /// Replaces a line-up's groups: "Save what's on now" into an existing
    /// line-up, or one member edited.
    pub fn replace_groups(
        &self,
        account: &str,
        id: i64,
        groups: &[LineupGroup],
    ) -> Result<Lineup, HistoryError> {
        one_group_once(groups)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(not_kept)?;
        touch(&tx, account, id)?;
        tx.execute("DELETE FROM lineup_groups WHERE lineup = ?1", params![id])
            .map_err(not_kept)?;
        write_groups(&tx, id, groups)?;
        tx.commit().map_err(not_kept)?;
        drop(conn);
        self.lineup(account, id)
    }

    /// Sets the times of the week a line-up is applied at.
    pub fn set_lineup_slots(
        &self,
        account: &str,
        id: i64,
        slots: &[Slot],
    ) -> Result<Lineup, HistoryError> {
        for slot in slots {
            slot.validate().map_err(|e| refused(e.to_string()))?;
        }
        let slots = json(&slots)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(not_kept)?;
        touch(&tx, account, id)?;
        tx.execute(
            "UPDATE lineups SET slots = ?2 WHERE id = ?1",
            params![id, slots],
        )
        .map_err(not_kept)?;
        tx.commit().map_err(not_kept)?;
        drop(conn);
        self.lineup(account, id)
    }

    /// Moves a line-up one place earlier (or later) in the account's list:
    /// of two line-ups due at once, the earlier is applied first. Returns
    /// the list in its new order; at either end, it is left as it is.
    pub fn move_lineup(
        &self,
        account: &str,
        id: i64,
        earlier: bool,
    ) -> Result<Vec<Lineup>, HistoryError> {
        let order: Vec<i64> = self.lineups(account)?.iter().map(|l| l.id).collect();
        let at = order.iter().position(|&l| l == id).ok_or_else(gone)?;
        let other = if earlier {
            at.checked_sub(1)
        } else {
            Some(at + 1).filter(|&o| o < order.len())
        };
        if let Some(other) = other {
            let mut order = order;
            order.swap(at, other);
            let mut conn = self.conn();
            let tx = conn.transaction().map_err(not_kept)?;
            for (position, lineup) in order.iter().enumerate() {
                tx.execute(
                    "UPDATE lineups SET position = ?3 WHERE account_id = ?1 AND id = ?2",
                    params![account, lineup, position as i64 + 1],
                )
                .map_err(not_kept)?;
            }
            tx.commit().map_err(not_kept)?;
        }
        self.lineups(account)
    }

    /// Forgets a line-up (what it sent stays in History).
    pub fn delete_lineup(&self, account: &str, id: i64) -> Result<(), HistoryError> {
        let deleted = self
            .conn()
            .execute(
                "DELETE FROM lineups WHERE account_id = ?1 AND id = ?2",
                params![account, id],
            )
            .map_err(not_kept)?;
        if deleted == 0 {
            return Err(gone());
        }
        Ok(())
    }

    /// Until when the account's schedule has been looked at: a time that fell
    /// due after it, before now, was missed. `None` the first time.
    pub fn schedule_seen(&self, account: &str) -> Result<Option<i64>, HistoryError> {
        self.conn()
            .query_row(
                "SELECT seen_ms FROM schedule_seen WHERE account_id = ?1",
                params![account],
                |r| r.get(0),
            )
            .optional()
            .map_err(HistoryError::read)
    }

    /// The account's schedule has been looked at up to `ms`.
    pub fn set_schedule_seen(&self, account: &str, ms: i64) -> Result<(), HistoryError> {
        self.conn()
            .execute(
                "INSERT INTO schedule_seen (account_id, seen_ms) VALUES (?1, ?2) \
                 ON CONFLICT (account_id) DO UPDATE SET seen_ms = MAX(seen_ms, excluded.seen_ms)",
                params![account, ms],
            )
            .map_err(|e| HistoryError::not_kept("When the schedule was last looked at", e))?;
        Ok(())
    }
}

fn gone() -> HistoryError {
    refused("This line-up is no longer on this computer: it was deleted. Choose another one.")
}

/// Marks the account's line-up `id` changed now; refuses one the account
/// does not have.
fn touch(tx: &Transaction<'_>, account: &str, id: i64) -> Result<(), HistoryError> {
    let updated = tx
        .execute(
            "UPDATE lineups SET updated_ms = ?3 WHERE account_id = ?1 AND id = ?2",
            params![account, id, now_ms()],
        )
        .map_err(not_kept)?;
    if updated == 0 {
        return Err(gone());
    }
    Ok(())
}

fn name_free(
    tx: &Transaction<'_>,
    account: &str,
    name: &str,
    except: Option<i64>,
) -> Result<(), HistoryError> {
    let taken: bool = tx
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM lineups WHERE account_id = ?1 AND name = ?2 \
             COLLATE NOCASE AND id IS NOT ?3)",
            params![account, name, except],
            |r| r.get(0),
        )
        .map_err(HistoryError::read)?;
    if taken {
        return Err(refused(format!(
            "There is already a line-up called “{name}”. Choose another name."
        )));
    }
    Ok(())
}

fn one_group_once(groups: &[LineupGroup]) -> Result<(), HistoryError> {
    let mut seen = std::collections::HashSet::new();
    if let Some(g) = groups.iter().find(|g| !seen.insert(g.group)) {
        return Err(refused(format!(
            "Group {} is in this line-up twice. Choose each group once.",
            g.group
        )));
    }
    if groups.is_empty() {
        return Err(refused(NO_GROUPS));
    }
    Ok(())
}

fn write_groups(tx: &Transaction<'_>, id: i64, groups: &[LineupGroup]) -> Result<(), HistoryError> {
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO lineup_groups (lineup, position, group_id, group_name, members) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(not_kept)?;
    for (position, g) in groups.iter().enumerate() {
        let members: &Vec<LineupMember> = &g.members;
        insert
            .execute(params![
                id,
                position as i64,
                g.group as i64,
                g.group_name,
                json(members)?
            ])
            .map_err(not_kept)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
