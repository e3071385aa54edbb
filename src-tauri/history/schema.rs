//! The History file's schema and its migrations. The schema version is
//! SQLite's `user_version`.

use rusqlite::Connection;

/// Each migration takes the file from version `i` to `i + 1`, in one
/// transaction. Append only: a released migration is never edited.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: every change sent, one row per member switched or contact updated.
    "CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        -- the entries of one request share it: the first entry's id
        submission INTEGER NOT NULL,
        at_ms INTEGER NOT NULL,
        resolved_ms INTEGER,
        account_id TEXT NOT NULL,
        account_name TEXT NOT NULL,
        sandbox INTEGER NOT NULL CHECK (sandbox IN (0, 1)),
        host TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('groups', 'contacts')),
        purpose TEXT NOT NULL,
        -- the group number, or the contact's number (digits)
        target TEXT NOT NULL,
        -- what changed, before and after: JSON of history::Change
        detail TEXT NOT NULL,
        -- lower-case numbers and names, for search
        search TEXT NOT NULL,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('sending', 'confirmed', 'failed', 'unknown', 'notApplied')),
        message TEXT
    );
    CREATE INDEX entries_by_time ON entries (at_ms DESC, id DESC);
    CREATE INDEX entries_by_submission ON entries (submission);
    CREATE INDEX entries_by_account ON entries (account_id, id);
    CREATE INDEX entries_open ON entries (outcome) WHERE outcome IN ('sending', 'unknown');",
    // 2: bulk runs: a CSV file's rows, each sent on its own, as a batch
    // that survives the app stopping. A row gets its entry when it is sent.
    "CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        created_ms INTEGER NOT NULL,
        account_id TEXT NOT NULL,
        account_name TEXT NOT NULL,
        sandbox INTEGER NOT NULL CHECK (sandbox IN (0, 1)),
        host TEXT NOT NULL,
        -- the file's name as the manager chose it (no folder)
        source TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'finished', 'cancelled'))
    );
    CREATE TABLE batch_rows (
        batch INTEGER NOT NULL REFERENCES batches (id),
        -- the row's line in the file
        line INTEGER NOT NULL,
        number TEXT NOT NULL,
        -- what the row sets: JSON of history::Change (a contact change)
        detail TEXT NOT NULL,
        -- its History entry, from the moment it is sent
        entry INTEGER REFERENCES entries (id),
        PRIMARY KEY (batch, line)
    ) WITHOUT ROWID;
    ALTER TABLE entries ADD COLUMN batch INTEGER REFERENCES batches (id);
    CREATE INDEX entries_by_batch ON entries (batch) WHERE batch IS NOT NULL;",
    // 3: a run keeps its file's header and each row's cells, so its results
    // file (the input columns plus each row's outcome) can be saved at any
    // time, also after a restart; rows the preview left out are kept with
    // the reason.
    "ALTER TABLE batches ADD COLUMN headers TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE batch_rows ADD COLUMN cells TEXT NOT NULL DEFAULT '[]';
    CREATE TABLE batch_skipped (
        batch INTEGER NOT NULL REFERENCES batches (id),
        line INTEGER NOT NULL,
        -- the number as the preview read it, when it could
        number TEXT,
        -- JSON array of the row's cells, as the file has them
        cells TEXT NOT NULL,
        -- why it is not sent, in the manager's words
        reason TEXT NOT NULL,
        PRIMARY KEY (batch, line)
    ) WITHOUT ROWID;",
    // 4: a run settles every row itself. A row it decided not to send (the
    // contact changed since the run started; blacklisting not confirmed
    // again at Resume) is held, with the reason; a run that paused itself
    // (the sign-in refused, DeepCall out of reach) keeps why; whether a row
    // blacklists is kept beside it, so Resume can ask again.
    "ALTER TABLE batch_rows ADD COLUMN held TEXT
        CHECK (held IN ('changedSince', 'unsure', 'blacklistNotConfirmed'));
    ALTER TABLE batch_rows ADD COLUMN held_message TEXT;
    ALTER TABLE batches ADD COLUMN note TEXT;
    -- whether the row blacklists its contact (history::Change's JSON)
    ALTER TABLE batch_rows ADD COLUMN blacklists INTEGER NOT NULL DEFAULT 0
        CHECK (blacklists IN (0, 1));
    UPDATE batch_rows SET blacklists = EXISTS (
        SELECT 1 FROM json_each(detail, '$.changes') c
        WHERE json_extract(c.value, '$.field') = 'blacklist'
          AND json_extract(c.value, '$.after.kind') = 'flag'
          AND json_extract(c.value, '$.after.value') = 1);",
    // 5: a run's results file is written with the separator its own file
    // used, so a spreadsheet set up for that file splits it the same way.
    "ALTER TABLE batches ADD COLUMN separator TEXT NOT NULL DEFAULT ','
        CHECK (separator IN (',', ';'));",
    // 6: which copy of the app is sending a run, and when it last said so
    // (every few seconds while it runs): only a run no copy is sending is
    // offered for Resume.
    "ALTER TABLE batches ADD COLUMN owner TEXT;
    ALTER TABLE batches ADD COLUMN heartbeat_ms INTEGER;",
    // 7: line-ups, kept per account beside the History of what they sent:
    // each group's members and whether they receive calls, the times of the
    // week a line-up is applied at, when this computer last looked at those
    // times, and where an agent on leave received calls before.
    "CREATE TABLE lineups (
        id INTEGER PRIMARY KEY,
        -- the account's id on this computer, or 'sandbox'
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        -- its place in the manager's list, which is also the order two
        -- line-ups due at once are applied in
        position INTEGER NOT NULL,
        -- JSON array of lineups::schedule::Slot
        slots TEXT NOT NULL DEFAULT '[]',
        updated_ms INTEGER NOT NULL,
        UNIQUE (account_id, name COLLATE NOCASE)
    );
    CREATE TABLE lineup_groups (
        lineup INTEGER NOT NULL REFERENCES lineups (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        group_id INTEGER NOT NULL,
        group_name TEXT NOT NULL,
        -- JSON array of lineups::LineupMember, in DeepCall's order
        members TEXT NOT NULL,
        PRIMARY KEY (lineup, group_id)
    ) WITHOUT ROWID;
    CREATE TABLE schedule_seen (
        account_id TEXT PRIMARY KEY,
        seen_ms INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE on_leave (
        account_id TEXT NOT NULL,
        agent_id INTEGER NOT NULL,
        agent_name TEXT,
        -- JSON array of history::LeftGroup: each group the agent was in,
        -- and whether they received its calls
        groups TEXT NOT NULL,
        since_ms INTEGER NOT NULL,
        PRIMARY KEY (account_id, agent_id)
    ) WITHOUT ROWID;",
];

/// The version this build writes and reads.
pub(super) const LATEST: usize = MIGRATIONS.len();

/// A History in memory, for tests.
#[cfg(test)]
pub(super) fn open_in_memory() -> Connection {
    let mut conn = Connection::open_in_memory().expect("memory");
    migrate(&mut conn).expect("migrations");
    conn
}

/// Runs every migration the file has not had, each in its own transaction.
pub(super) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
