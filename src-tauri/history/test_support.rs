//! What History's tests and those of the sending on top of it share: a
//! scratch file, an account, a change of each kind.

use std::path::PathBuf;

use super::*;
use crate::deepcall::directory::field::{ContactField, FieldValue};
use crate::deepcall::directory::form::FieldChange;

pub(crate) fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "deepcall-history-{tag}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(FILE_NAME)
}

pub(crate) fn head_office() -> AccountRef {
    AccountRef {
        id: "acc-1".into(),
        name: "Head office".into(),
        sandbox: false,
        host: "https://s-ct3.sarv.com".into(),
    }
}

pub(crate) fn switch(agent: u64, before: bool, after: bool) -> Change {
    Change::Receiving {
        group: 28,
        group_name: "Evening".into(),
        agent_id: agent,
        agent_name: Some(format!("agent {agent}")),
        before: Some(before),
        after,
        lineup: None,
    }
}

pub(crate) fn blacklisting(number: &str, name: &str) -> Change {
    Change::Contact {
        number: number.into(),
        name: Some(name.into()),
        changes: vec![FieldChange {
            field: ContactField::BLACKLIST,
            before: FieldValue::Flag(false),
            after: FieldValue::Flag(true),
        }],
    }
}

/// Makes History refuse every write from now on, as a full or read-only
/// disk would.
pub(crate) fn refuse_writes(h: &History) {
    h.conn().execute_batch("PRAGMA query_only = ON").unwrap();
}
