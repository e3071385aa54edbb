//! *Check now*: settles entries whose outcome is unknown by reading DeepCall
//! again and comparing. Reads only; never sends the change again.

use crate::deepcall::directory::field::FieldValue;
use crate::deepcall::directory::form::{self, ContactForm, FieldChange};
use crate::deepcall::directory::ContactNumber;
use crate::deepcall::group::{GroupId, GroupMembers};
use crate::deepcall::Client;

use super::send::SendError;
use crate::history::{on_disk, Change, Entry, History, HistoryError, Outcome};

/// What a fresh read says of one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub outcome: Outcome,
    pub message: String,
}

const SHOWS_AFTER: &str = "Checked: DeepCall has this change.";
const SHOWS_BEFORE: &str =
    "Checked: DeepCall still has the value from before, so this change was not applied.";

/// Checks every unknown entry sent with entry `id` (one request's entries
/// are settled together) against `client`, which must be that entry's
/// account. Returns the entries as they are now.
pub async fn check(history: &History, client: &Client, id: i64) -> Result<Vec<Entry>, SendError> {
    let entries = on_disk(history, move |h| h.sent_with(id)).await?;
    let open: Vec<&Entry> = entries.iter().filter(|e| e.outcome.can_check()).collect();
    let Some(first) = open.first() else {
        return Ok(entries);
    };
    let findings: Vec<(i64, Finding)> = match &first.change {
        Change::Receiving { group, .. } => {
            let group = GroupId::new(*group)?;
            let now = client.group_members(group).await?;
            open.iter()
                .map(|e| (e.id, receiving_finding(&e.change, &now)))
                .collect()
        }
        Change::Contact { number, .. } => {
            let number = ContactNumber::parse(number)?;
            match client.contact_info(&number).await? {
                Some(info) => {
                    let now = ContactForm::from_info(&info);
                    open.iter()
                        .map(|e| (e.id, contact_finding(&e.change, &now)))
                        .collect()
                }
                None => {
                    let f = Finding {
                        outcome: Outcome::Unknown,
                        message: "DeepCall answered, but its answer did not include this \
                                  contact's values, so the change cannot be checked. Open \
                                  the contact to see what it has."
                            .into(),
                    };
                    open.iter().map(|e| (e.id, f.clone())).collect()
                }
            }
        }
    };
    settle_all(history, id, findings).await
}

async fn settle_all(
    history: &History,
    id: i64,
    findings: Vec<(i64, Finding)>,
) -> Result<Vec<Entry>, SendError> {
    Ok(
        on_disk(history, move |h| -> Result<Vec<Entry>, HistoryError> {
            for (entry, f) in &findings {
                h.resolve(*entry, f.outcome, Some(&f.message))?;
            }
            h.sent_with(id)
        })
        .await?,
    )
}

/// What a fresh read of the group says of a receive-calls entry.
pub fn receiving_finding(change: &Change, now: &GroupMembers) -> Finding {
    let Change::Receiving {
        agent_id,
        before,
        after,
        ..
    } = change
    else {
        return not_this_kind();
    };
    match now.members.iter().find(|m| m.agent_id == *agent_id) {
        Some(m) if m.receives_calls == *after => Finding {
            outcome: Outcome::Confirmed,
            message: SHOWS_AFTER.into(),
        },
        Some(m) if Some(m.receives_calls) == *before => Finding {
            outcome: Outcome::NotApplied,
            message: SHOWS_BEFORE.into(),
        },
        _ => Finding {
            outcome: Outcome::Unknown,
            message: format!(
                "Checked: agent #{agent_id} is no longer in this group, so whether the change \
                 was applied cannot be told."
            ),
        },
    }
}

/// What a fresh read of the contact says of a contact entry: every field
/// as changed is *confirmed*; every field as before is *not applied*;
/// anything else (changed again since) stays *unknown*, naming the fields.
pub fn contact_finding(change: &Change, now: &ContactForm) -> Finding {
    let Change::Contact { changes, .. } = change else {
        return not_this_kind();
    };
    let current = |c: &FieldChange| form::value_in(now, &c.field);
    let as_after = changes.iter().all(|c| current(c) == c.after);
    // One update sets all its fields or none, so it was not applied when a
    // field does not show its new value and every field is as it was. A
    // value not known before (a bulk row's, a switch on a form that started
    // empty) fits "as it was" whatever it is now: the contact may well have
    // had the new value already.
    let as_before = changes.iter().all(|c| {
        let v = current(c);
        v == c.before || c.before == FieldValue::NotKnown
    });
    if as_after {
        return Finding {
            outcome: Outcome::Confirmed,
            message: SHOWS_AFTER.into(),
        };
    }
    if as_before {
        return Finding {
            outcome: Outcome::NotApplied,
            message: SHOWS_BEFORE.into(),
        };
    }
    let other: Vec<&str> = changes
        .iter()
        .filter(|c| current(c) != c.after)
        .map(|c| c.field.name())
        .collect();
    Finding {
        outcome: Outcome::Unknown,
        message: format!(
            "Checked: DeepCall now has other values for {}: the contact was changed again \
             since. Open the contact to see what it has.",
            other.join(", ")
        ),
    }
}

fn not_this_kind() -> Finding {
    Finding {
        outcome: Outcome::Unknown,
        message: "This entry cannot be checked.".into(),
    }
}
