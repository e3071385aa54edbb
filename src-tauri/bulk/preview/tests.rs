//! The preview of a file's rows, checked as the contact editor checks them.

use super::*;
use crate::bulk::file::read;
use crate::bulk::mapping::propose;
use crate::deepcall::directory::{Dialer, KnownField};
use serde_json::json;

fn run(csv: &str) -> Preview {
    let table = read(csv.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let mapping = propose(&table.headers);
    preview(&table, &mapping, SameCaller::KeepBoth).unwrap_or_else(|p| panic!("{p:?}"))
}

fn messages(r: &RowPreview) -> Vec<&str> {
    r.problems.iter().map(|p| p.message.as_str()).collect()
}

fn body(r: &RowPreview) -> serde_json::Value {
    Value::Object(r.update.as_ref().expect("ready").body())
}

#[test]
fn yes_no_variants() {
    for (cell, on) in [
        ("yes", true),
        ("YES", true),
        (" Yes ", true),
        ("y", true),
        ("Y", true),
        ("true", true),
        ("TRUE", true),
        ("1", true),
        ("on", true),
        ("On", true),
        ("no", false),
        ("No", false),
        ("n", false),
        ("N", false),
        ("false", false),
        ("False", false),
        ("0", false),
        ("off", false),
        ("OFF", false),
    ] {
        assert_eq!(flag(cell), Some(on), "{cell}");
        let p = run(&format!(
            "Phone,VIP,Blacklisted\n9876543210,{cell},{cell}\n"
        ));
        let r = &p.rows[0];
        assert_eq!(r.state, RowState::Ready, "{cell}: {:?}", r.problems);
        let u = r.update.as_ref().unwrap();
        assert_eq!((u.vip, u.blacklist), (Some(on), Some(on)), "{cell}");
        assert_eq!(r.blacklists, on);
    }
    for bad in ["maybe", "2", "yess", "-"] {
        assert_eq!(flag(bad), None, "{bad}");
    }
    let p = run("Phone,VIP\n9876543210,maybe\n");
    assert_eq!(
        messages(&p.rows[0]),
        ["Row 2: the VIP column has “maybe”. Write yes or no (y/n, true/false, 1/0 and on/off work too), or leave the cell empty to keep the contact as it is."]
    );
    assert_eq!(p.rows[0].problems[0].column, Some(1));
    assert_eq!(p.rows[0].problems[0].field.as_deref(), Some("vip"));
}

#[test]
fn empty_cells_are_left_alone() {
    let p = run("Phone,Name,Email,VIP,Blacklisted,Company,Total calls\n\
         9876543210,,,yes,,,\n\
         9876543211,Asha Rao,,,no,,\n");
    assert_eq!(p.counts.ready, 2);
    // Nothing about a row is sent that the row did not set.
    assert_eq!(
        p.rows[0].update,
        Some(ContactUpdate {
            vip: Some(true),
            ..ContactUpdate::default()
        })
    );
    assert_eq!(body(&p.rows[0]), json!({"other": {"vip": true}}));
    let mut expected = ContactUpdate {
        blacklist: Some(false),
        ..ContactUpdate::default()
    };
    expected.info.insert("name".into(), "Asha Rao".into());
    assert_eq!(p.rows[1].update, Some(expected));
    assert_eq!(
        body(&p.rows[1]),
        json!({"contactinfo": {"name": "Asha Rao"}, "other": {"blacklist": false}})
    );
    let fields: Vec<&str> = p.rows[1].changes.iter().map(|c| c.field.name()).collect();
    assert_eq!(fields, ["name", "blacklist"]);
    assert!(p.rows[1]
        .changes
        .iter()
        .all(|c| c.before == FieldValue::NotKnown));
}

#[test]
fn every_kind_of_field_the_editors_way() {
    let p = run(
        "Mobile;Name;E-mail;DOB;Job title;custom_field_1;Custom field 2;Total calls;Source;Last call date;IBD;VIP;Blacklist\n\
         +91 98765-43210;Ravi Verma;ravi@example.in;1986-08-14;Manager;Gold;North;12;1;18-11-2026;3;y;n\n",
    );
    let r = &p.rows[0];
    assert_eq!(r.state, RowState::Ready, "{:?}", r.problems);
    assert_eq!(r.number.as_ref().unwrap().as_str(), "919876543210");
    assert_eq!(
        body(r),
        json!({
            "contactinfo": {"name": "Ravi Verma", "email": "ravi@example.in", "dob": "14-08-1986",
                            "designation": "Manager", "custom_field_1": "Gold", "custom_field_2": "North"},
            "other": {"vip": true, "blacklist": false, "totalcalls": 12, "source": 1,
                      "lastcalltime": "18-11-2026", "ibd": "3"}
        })
    );
    assert_eq!(r.update.as_ref().unwrap().dialer[&Dialer::Ibd], "3");
    assert!(
        r.update.as_ref().unwrap().validate().is_ok(),
        "the client sends it"
    );
}

#[test]
fn a_bad_email_and_the_other_rules_are_reported_by_cell() {
    let p = run("Phone,Name,Email,DOB,Total calls\n\
         9876543210,Ravi,ravi@,,\n\
         9876543211,R2D2,,31-02-1990,-1\n\
         98765x,Asha,,,\n\
         ,Asha,,,\n");
    assert_eq!(
        p.counts,
        Counts {
            rows: 4,
            with_problems: 4,
            ..Counts::default()
        }
    );
    let email = &p.rows[0];
    assert_eq!(
        messages(email),
        ["Row 2: the Email column has “ravi@”. Enter an email address like name@example.com."]
    );
    assert_eq!(
        (email.problems[0].column, email.problems[0].field.as_deref()),
        (Some(2), Some("email"))
    );
    assert_eq!(
        email.update, None,
        "nothing is built for a row with a problem"
    );
    assert_eq!(email.changes.len(), 2, "what the row meant is still shown");
    // The editor's own sentences, each beside its cell.
    let r = &p.rows[1];
    let fields: Vec<&str> = r
        .problems
        .iter()
        .filter_map(|p| p.field.as_deref())
        .collect();
    assert_eq!(fields, ["dob", "name", "totalcalls"]);
    assert_eq!(
        r.problems[0].message,
        format!(
            "Row 3: the DOB column has “31-02-1990”. {}",
            crate::deepcall::directory::rules::date("31-02-1990").unwrap()
        )
    );
    assert!(messages(&p.rows[2])[0]
        .starts_with("Row 4: the Phone column has “98765x”. A phone number has only digits"));
    assert_eq!(
        messages(&p.rows[3]),
        ["Row 5 has no phone number in the Phone column. Fill it in, or remove the row."]
    );
}

#[test]
fn a_row_that_sets_nothing() {
    let p = run("Phone,VIP,Notes\n9876543210,,left out\n");
    assert_eq!(
        messages(&p.rows[0]),
        ["Row 2 changes nothing: its cells other than the phone number are empty, and an empty cell leaves a field as it is. Fill in what should change, or remove the row."]
    );
    assert_eq!(p.counts.with_problems, 1);
}

#[test]
fn ragged_rows_are_reported_on_the_row() {
    let p = run("Phone,VIP,Name\n9876543210,yes\n9876543211,no,Asha\n");
    assert_eq!(p.counts.ready, 1);
    assert_eq!(p.rows[0].state, RowState::Problems);
    assert!(messages(&p.rows[0])[0].starts_with("Row 2 has 2 cells but the header has 3 columns"));
    assert_eq!(p.rows[1].state, RowState::Ready);
}

#[test]
fn duplicates_the_last_row_wins_and_says_so() {
    let p = run("Phone,VIP,Blacklist\n\
         98765 43210,yes,\n\
         9876543211,,yes\n\
         +9876543210,no,\n\
         9876543212,,yes\n\
         9876543211,,no\n");
    assert_eq!(
        p.counts,
        Counts {
            rows: 5,
            ready: 3,
            with_problems: 0,
            replaced: 2,
            blacklisting: 1,
            ..Counts::default()
        }
    );
    let first = &p.rows[0];
    assert_eq!(
        (first.state, first.replaced_by),
        (RowState::Replaced, Some(4))
    );
    assert_eq!(first.update, None);
    assert_eq!(
        first.note.as_deref(),
        Some("Row 2 is not sent: row 4 has the same number (9876543210) and comes later, and only the last row for a number is sent.")
    );
    assert_eq!(p.rows[1].replaced_by, Some(6));
    assert!(p.rows[1].blacklists, "it would have, but it is not sent");
    // Only the ready row 5 blacklists: that is what the confirmation names.
    let numbers: Vec<&str> = p.blacklisting.iter().map(ContactNumber::as_str).collect();
    assert_eq!(numbers, ["9876543212"]);
    let sent: Vec<(u32, serde_json::Value)> = p
        .ready()
        .map(|(r, _, u)| (r.line, Value::Object(u.body())))
        .collect();
    assert_eq!(
        sent,
        [
            (4, json!({"other": {"vip": false}})),
            (5, json!({"other": {"blacklist": true}})),
            (6, json!({"other": {"blacklist": false}})),
        ]
    );
}

#[test]
fn a_custom_field_column() {
    let table =
        read("Phone;Preferred language;VIP\n9876543210;Hindi;\n9876543211;;yes\n".as_bytes())
            .unwrap();
    let mut mapping = propose(&table.headers);
    mapping.columns[1].target = Target::custom("preferred_language").unwrap();
    let p = preview(&table, &mapping, SameCaller::KeepBoth).unwrap();
    assert_eq!(p.counts.ready, 2);
    assert_eq!(
        body(&p.rows[0]),
        json!({"contactinfo": {"preferred_language": "Hindi"}})
    );
    assert_eq!(
        p.rows[0].changes[0].field,
        ContactField::Custom("preferred_language".into())
    );
    assert_eq!(body(&p.rows[1]), json!({"other": {"vip": true}}));

    // A name the editor refuses stops the preview at the mapping.
    mapping.columns[1].target = Target::Field(ContactField::Custom("token".into()));
    let problems = preview(&table, &mapping, SameCaller::KeepBoth).unwrap_err();
    assert_eq!(problems[0].column, Some(1));
}

#[test]
fn the_mapping_must_be_usable_and_for_this_file() {
    let table = read(b"Name,VIP\nAsha,yes\n").unwrap();
    let problems = preview(&table, &propose(&table.headers), SameCaller::KeepBoth).unwrap_err();
    assert!(problems[0]
        .message
        .starts_with("Choose the column that holds the phone numbers"));
    let other = propose(&["Phone".to_owned(), "Name".to_owned()]);
    let problems = preview(&table, &other, SameCaller::KeepBoth).unwrap_err();
    assert_eq!(
        problems[0].message,
        "These column choices were made for another file. Choose the file again."
    );
}

#[test]
fn the_50_row_fixture() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/bulk-50.csv"
    ))
    .unwrap();
    let table = read(&bytes).unwrap();
    let mapping = propose(&table.headers);
    let targets: Vec<&str> = mapping.columns.iter().map(|c| c.target.label()).collect();
    assert_eq!(
        targets,
        [
            "Phone number",
            "Name",
            "Email",
            "VIP",
            "Blacklisted",
            "Custom field 1",
            "Custom field 2"
        ]
    );
    let p = preview(&table, &mapping, SameCaller::KeepBoth).unwrap();
    assert_eq!(
        p.counts,
        Counts {
            rows: 50,
            ready: 49,
            with_problems: 1,
            replaced: 0,
            blacklisting: 5,
            ..Counts::default()
        }
    );
    let bad: Vec<&RowPreview> = p
        .rows
        .iter()
        .filter(|r| r.state == RowState::Problems)
        .collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].problems[0].field.as_deref(), Some("email"));
    assert_eq!(
        p.ready().filter(|(_, _, u)| u.vip == Some(true)).count(),
        10
    );
    // Every ready update is one the client accepts.
    assert!(p.ready().all(|(_, _, u)| u.validate().is_ok()));
    assert_eq!(
        p.rows
            .iter()
            .filter(|r| r
                .changes
                .iter()
                .any(|c| c.field == ContactField::Known(KnownField::CustomField1)))
            .count(),
        50
    );
}

#[test]
fn the_preview_serialises_without_the_update() {
    let p = run("Phone,VIP\n9876543210,yes\n");
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(
        v["counts"],
        json!({"rows": 1, "ready": 1, "withProblems": 0, "replaced": 0, "blacklisting": 0, "sameCaller": 0, "leftOutSameCaller": 0})
    );
    assert_eq!(v["rows"][0]["state"], "ready");
    assert_eq!(v["rows"][0]["number"], "9876543210");
    assert!(v["rows"][0].get("update").is_none());
}
