//! Sending, without a server: a change is written down before it leaves,
//! what an error settles it as, and what a fresh read says of it.

use rusqlite::Connection;

use super::check::{contact_finding, receiving_finding};
use super::send::{recorded, settled_by, SendError};
use crate::deepcall::directory::field::{ContactField, FieldValue, KnownField};
use crate::deepcall::directory::form::{ContactForm, FieldChange};
use crate::deepcall::group::{Group, GroupMembers, Member};
use crate::deepcall::{DeepCallError, Module, NetworkStage};
use crate::history::test_support::*;
use crate::history::{Change, History, Outcome, Purpose};

#[tokio::test]
async fn the_entry_is_committed_before_the_sender_is_called() {
    let path = scratch("durable");
    let h = History::open(&path).unwrap();
    let seen = recorded(
        &h,
        &head_office(),
        Purpose::Change,
        vec![switch(3, true, false), switch(8, false, true)],
        |submission| {
            // Another connection (another process, as after a crash) sees
            // both entries, committed, before anything is sent.
            let other = Connection::open(&path).unwrap();
            let rows: Vec<(i64, String)> = other
                .prepare("SELECT submission, outcome FROM entries ORDER BY id")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            async move {
                Ok::<_, SendError>(
                    rows.into_iter()
                        .map(|r| (r.0 == submission, r.1))
                        .collect::<Vec<_>>(),
                )
            }
        },
    )
    .await
    .unwrap();
    assert_eq!(seen, [(true, "sending".into()), (true, "sending".into())]);
}

#[tokio::test]
async fn a_change_history_cannot_write_is_not_sent() {
    let path = scratch("readonly");
    let h = History::open(&path).unwrap();
    refuse_writes(&h);
    let mut called = false;
    let r = recorded(
        &h,
        &head_office(),
        Purpose::Change,
        vec![switch(3, true, false)],
        |_| {
            called = true;
            async { Ok::<_, SendError>(()) }
        },
    )
    .await;
    assert!(matches!(r, Err(SendError::History(_))), "{r:?}");
    assert!(!called, "the sender was never called");
}

#[test]
fn an_error_settles_as_failed_only_when_deepcall_cannot_have_applied_it() {
    let api = DeepCallError::api(Module::Directory, 1012, "Contact not found in directory");
    let (o, m) = settled_by(&api);
    assert_eq!(o, Outcome::Failed);
    assert!(
        m.contains("DeepCall said: “Contact not found in directory”"),
        "{m}"
    );
    let connect = DeepCallError::Network {
        stage: NetworkStage::Connect,
        detail: String::new(),
    };
    assert_eq!(settled_by(&connect).0, Outcome::Failed);
    // A rate limit refuses before anything is done.
    let limited = DeepCallError::RateLimited { retry_after: None };
    assert_eq!(settled_by(&limited).0, Outcome::Failed);
    for maybe in [
        DeepCallError::Timeout { seconds: 20 },
        DeepCallError::Network {
            stage: NetworkStage::Exchange,
            detail: String::new(),
        },
        DeepCallError::HttpStatus { status: 502 },
    ] {
        assert_eq!(settled_by(&maybe).0, Outcome::Unknown, "{maybe:?}");
    }
    assert_eq!(
        settled_by(&DeepCallError::NotApplied).0,
        Outcome::NotApplied
    );
}

fn group(members: &[(u64, bool)]) -> GroupMembers {
    GroupMembers {
        group: Group {
            id: 28,
            name: "Evening".into(),
            status: None,
            created_at: None,
            created_by: None,
        },
        members: members
            .iter()
            .map(|(id, on)| Member {
                agent_id: *id,
                name: None,
                in_agent_list: true,
                receives_calls: *on,
            })
            .collect(),
        other_agents: vec![],
    }
}

#[test]
fn a_check_compares_a_fresh_read_with_the_change() {
    let change = switch(3, true, false);
    assert_eq!(
        receiving_finding(&change, &group(&[(3, false)])).outcome,
        Outcome::Confirmed
    );
    assert_eq!(
        receiving_finding(&change, &group(&[(3, true)])).outcome,
        Outcome::NotApplied
    );
    assert_eq!(
        receiving_finding(&change, &group(&[(8, true)])).outcome,
        Outcome::Unknown
    );

    let change = blacklisting("9876543210", "Ravi");
    let mut now = ContactForm::empty();
    now.blacklist = Some(true);
    assert_eq!(contact_finding(&change, &now).outcome, Outcome::Confirmed);
    now.blacklist = Some(false);
    assert_eq!(contact_finding(&change, &now).outcome, Outcome::NotApplied);

    let email = Change::Contact {
        number: "9876543210".into(),
        name: None,
        changes: vec![
            FieldChange {
                field: ContactField::Known(KnownField::Email),
                before: FieldValue::Text("a@x.in".into()),
                after: FieldValue::Text("b@x.in".into()),
            },
            FieldChange {
                field: ContactField::Known(KnownField::Vip),
                before: FieldValue::NotKnown,
                after: FieldValue::Flag(true),
            },
        ],
    };
    let mut now = ContactForm::empty();
    now.info.insert("email".into(), "b@x.in".into());
    now.vip = Some(true);
    assert_eq!(contact_finding(&email, &now).outcome, Outcome::Confirmed);
    now.info.insert("email".into(), "a@x.in".into());
    now.vip = Some(false);
    assert_eq!(contact_finding(&email, &now).outcome, Outcome::NotApplied);
    // The email as it was: not applied, whatever VIP (not known before) is.
    now.vip = Some(true);
    assert_eq!(contact_finding(&email, &now).outcome, Outcome::NotApplied);
    now.info.insert("email".into(), "c@x.in".into());
    let f = contact_finding(&email, &now);
    assert_eq!(f.outcome, Outcome::Unknown);
    assert!(f.message.contains("email"), "{}", f.message);

    // A bulk row knows no value before. The contact already had its name;
    // VIP is not on: the row was not applied, and is sent again.
    let row = Change::Contact {
        number: "9876543210".into(),
        name: Some("Asha Rao".into()),
        changes: vec![
            FieldChange {
                field: ContactField::Known(KnownField::Name),
                before: FieldValue::NotKnown,
                after: FieldValue::Text("Asha Rao".into()),
            },
            FieldChange {
                field: ContactField::Known(KnownField::Vip),
                before: FieldValue::NotKnown,
                after: FieldValue::Flag(true),
            },
        ],
    };
    let mut now = ContactForm::empty();
    now.info.insert("name".into(), "Asha Rao".into());
    now.vip = Some(false);
    assert_eq!(contact_finding(&row, &now).outcome, Outcome::NotApplied);
    now.vip = Some(true);
    assert_eq!(contact_finding(&row, &now).outcome, Outcome::Confirmed);
}
