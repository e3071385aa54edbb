//! The sandbox's starting data: the vendor's own example for group 28,
//! verbatim, plus a few groups and contacts that exercise the edges.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// The account every sandbox credential belongs to (the seed's `user_id`).
pub const USER_ID: &str = "29791451";
/// Another account, owner of a group the sandbox user may not see.
pub const OTHER_USER_ID: &str = "11111111";

#[derive(Debug, Clone)]
pub struct AgentRec {
    pub id: u64,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct GroupRec {
    pub id: u64,
    pub name: String,
    pub user_id: String,
    pub create_by: String,
    pub status: i64,
    pub create_date: i64,
    /// (agent id, receives calls), in DeepCall's order.
    pub members: Vec<(u64, bool)>,
}

#[derive(Debug, Clone, Default)]
pub struct ContactRec {
    pub contactinfo: Map<String, Value>,
    pub other: Map<String, Value>,
}

pub struct Seed {
    pub agents: Vec<AgentRec>,
    pub groups: BTreeMap<u64, GroupRec>,
    pub contacts: BTreeMap<String, ContactRec>,
    /// `contactinfo` fields this account defines beyond the documented ones.
    pub custom_fields: Vec<String>,
}

/// The id of the generated large group.
pub const LARGE_GROUP_ID: u64 = 9000;

/// The first of the extra contacts' numbers ([`extra_contact`]).
pub const FIRST_EXTRA_CONTACT: u64 = 7_000_000_000;

/// The number of extra contact `i` (from 0).
pub fn extra_contact(i: usize) -> String {
    (FIRST_EXTRA_CONTACT + i as u64).to_string()
}

pub fn seed(large_group: Option<usize>, extra_contacts: usize) -> Seed {
    // agentData exactly as the vendor's example lists it, in its order.
    let mut agents: Vec<AgentRec> = [
        (1, "bhawesh"),
        (2, "bhawesh"),
        (6, "Bhawna"),
        (9, "Sumit"),
        (3, "bhawesh"),
        (5, "Brijendra"),
        (10, "Manoj Kumar111"),
        (4, "vijay developer"),
        (7, "Manoj Kumar111"),
        (8, "manoj"),
        (11, "Manoj Kumar111"),
    ]
    .into_iter()
    .map(|(id, name)| AgentRec {
        id,
        name: name.into(),
    })
    .collect();

    let mut groups = BTreeMap::new();
    groups.insert(
        28,
        GroupRec {
            id: 28,
            name: "Mahipal singh".into(),
            user_id: USER_ID.into(),
            create_by: USER_ID.into(),
            status: 1,
            create_date: 1731746318,
            members: vec![(3, true), (8, true), (2, true)],
        },
    );
    // A group with a member (#12) the account's agent list no longer has.
    groups.insert(
        29,
        GroupRec {
            id: 29,
            name: "Night shift".into(),
            user_id: USER_ID.into(),
            create_by: USER_ID.into(),
            status: 1,
            create_date: 1735689600,
            members: vec![(4, true), (12, false), (6, false), (10, true)],
        },
    );
    groups.insert(
        30,
        GroupRec {
            id: 30,
            name: "Weekend cover".into(),
            user_id: USER_ID.into(),
            create_by: USER_ID.into(),
            status: 0,
            create_date: 1740787200,
            members: vec![],
        },
    );
    // Two more shifts that manoj (#8) works in, beside Mahipal singh: one
    // agent across three groups, as a manager's People screen meets it.
    groups.insert(
        32,
        GroupRec {
            id: 32,
            name: "Day shift".into(),
            user_id: USER_ID.into(),
            create_by: USER_ID.into(),
            status: 1,
            create_date: 1743465600,
            members: vec![(8, true), (5, true), (9, false)],
        },
    );
    groups.insert(
        33,
        GroupRec {
            id: 33,
            name: "Sales line".into(),
            user_id: USER_ID.into(),
            create_by: USER_ID.into(),
            status: 1,
            create_date: 1746057600,
            members: vec![(8, true), (1, false), (7, true)],
        },
    );
    // Belongs to someone else: the sandbox user gets 1503 for it.
    groups.insert(
        31,
        GroupRec {
            id: 31,
            name: "Other account's group".into(),
            user_id: OTHER_USER_ID.into(),
            create_by: OTHER_USER_ID.into(),
            status: 1,
            create_date: 1740787200,
            members: vec![(1, true)],
        },
    );

    if let Some(n) = large_group {
        const FIRST: [&str; 16] = [
            "Aarav", "Priya", "Rohit", "Sneha", "Vikram", "Anjali", "Karan", "Pooja", "Arjun",
            "Neha", "Rahul", "Divya", "Amit", "Kavya", "Suresh", "Meera",
        ];
        const LAST: [&str; 8] = [
            "Sharma", "Patel", "Singh", "Gupta", "Iyer", "Reddy", "Das", "Nair",
        ];
        let mut members = Vec::with_capacity(n);
        for i in 0..n {
            let id = 100_000 + i as u64;
            // Names repeat on purpose: 128 distinct names for any number of agents.
            let name = format!("{} {}", FIRST[i % 16], LAST[(i / 16) % 8]);
            agents.push(AgentRec { id, name });
            members.push((id, i % 3 != 2));
        }
        groups.insert(
            LARGE_GROUP_ID,
            GroupRec {
                id: LARGE_GROUP_ID,
                name: "Large group".into(),
                user_id: USER_ID.into(),
                create_by: USER_ID.into(),
                status: 1,
                create_date: 1750000000,
                members,
            },
        );
    }

    let mut contacts = BTreeMap::new();
    let mut add = |number: &str, info: Value, other: Value| {
        let (Value::Object(contactinfo), Value::Object(other)) = (info, other) else {
            unreachable!("seed literals are objects")
        };
        contacts.insert(number.to_owned(), ContactRec { contactinfo, other });
    };
    // The number the seed's own update example renames to "Sunil Singh".
    add(
        "9876543210",
        json!({"name": "Ravi Verma", "email": "ravi.verma@example.in", "dob": "14-08-1986",
               "address": "12 MG Road, Pune", "company": "Verma Traders", "designation": "Owner",
               "custom_field_1": "Gold plan", "custom_field_2": ""}),
        json!({"updatetime": "02-11-2026", "lastcalltime": "18-11-2026", "totalcalls": 12,
               "source": 1, "vip": false, "blacklist": false,
               "obd": "", "ibd": "", "pc": "", "ctc": ""}),
    );
    add(
        "9123456780",
        json!({"name": "Anita Desai", "email": "anita@desai.co.in", "company": "Desai Exports"}),
        json!({"totalcalls": 40, "source": 2, "vip": true, "blacklist": false}),
    );
    add(
        "9988776655",
        json!({"name": "Unknown caller"}),
        json!({"totalcalls": 3, "source": 1, "vip": false, "blacklist": true}),
    );
    add("8000000001", json!({}), json!({}));
    for i in 0..extra_contacts {
        add(
            &extra_contact(i),
            json!({"name": format!("Caller {i}")}),
            json!({"totalcalls": 0, "source": 1, "vip": false, "blacklist": false}),
        );
    }

    Seed {
        agents,
        groups,
        contacts,
        custom_fields: vec!["preferred_language".into(), "customer_tier".into()],
    }
}
