//! The Directory module's answers and requests, without a server.

use super::*;
use serde_json::json;

#[test]
fn contact_numbers() {
    assert_eq!(
        ContactNumber::parse("98765 43210").unwrap().as_str(),
        "9876543210"
    );
    assert_eq!(
        ContactNumber::parse("+91-98765-43210").unwrap().as_str(),
        "919876543210"
    );
    assert_eq!(
        ContactNumber::parse("(022) 2345.6789").unwrap().as_str(),
        "02223456789"
    );
    for bad in [
        "",
        "abc",
        "12345",
        "98765x43210",
        "++919876543210",
        "1234567890123456",
    ] {
        assert!(ContactNumber::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn documented_rules() {
    assert!(rules::name("Sunil Singh").is_none());
    assert!(rules::name("Dr. A. Kumar").is_none());
    assert!(rules::name("Zoë Ångström").is_none());
    assert!(rules::name("R2D2").is_some());
    assert!(rules::name("a_b").is_some());
    assert!(rules::email("a@b.in").is_none());
    for bad in ["a@b", "a.b.in", "@b.in", "a@.in", "a b@c.in", "a@b.c"] {
        assert!(rules::email(bad).is_some(), "{bad}");
    }
    assert!(rules::date("29-02-2024").is_none());
    for bad in [
        "29-02-2023",
        "31-04-2024",
        "2024-02-01",
        "1-2-2024",
        "00-01-2024",
        "aa-bb-cccc",
    ] {
        assert!(rules::date(bad).is_some(), "{bad}");
    }
    assert!(rules::non_negative_whole("0").is_none());
    for bad in ["-1", "1.5", "", "x"] {
        assert!(rules::non_negative_whole(bad).is_some(), "{bad}");
    }
}

#[test]
fn only_changed_fields_with_right_types() {
    let mut u = ContactUpdate {
        vip: Some(true),
        total_calls: Some(7),
        ..Default::default()
    };
    u.info.insert("name".into(), "Sunil Singh".into());
    u.dialer.insert(Dialer::Ibd, "3".into());
    assert_eq!(
        Value::Object(u.body()),
        json!({"contactinfo": {"name": "Sunil Singh"}, "other": {"vip": true, "totalcalls": 7, "ibd": "3"}})
    );
    assert!(u.validate().is_ok());
    assert!(ContactUpdate::default().validate().is_err());
    let mut bad = ContactUpdate::default();
    bad.info.insert("email".into(), "nope".into());
    assert!(
        matches!(bad.validate(), Err(DeepCallError::InvalidInput { field, .. }) if field == "email")
    );
}

#[test]
fn info_fields_are_the_documented_known_fields() {
    // Directory/update, `contactinfo`, as the docs list them.
    let documented = "name, email, dob, address, company, designation, \
                      custom_field_1, custom_field_2";
    assert_eq!(INFO_FIELDS.join(", "), documented);
}

#[test]
fn an_existing_custom_field_is_sent_under_its_own_name_but_never_a_reserved_one() {
    let mut u = ContactUpdate::default();
    u.info.insert("Lead Source".into(), "Website".into());
    assert!(u.validate().is_ok(), "the account's own field name");
    assert_eq!(
        Value::Object(u.body()),
        json!({"contactinfo": {"Lead Source": "Website"}})
    );
    for reserved in form::RESERVED_AS_TYPED.into_iter().chain([""]) {
        let mut u = ContactUpdate::default();
        u.info.insert(reserved.into(), "x".into());
        assert!(
            matches!(u.validate(), Err(DeepCallError::InvalidInput { field, .. }) if field == reserved),
            "{reserved}"
        );
    }
}

#[test]
fn contact_info_nested_or_flat() {
    let nested = json!({"contact": "9876543210", "contactinfo": {"name": "A"}, "other": {"vip": true, "IBD": 3}});
    let c = read_contact_info(&nested).unwrap();
    assert_eq!(c.info["name"], "A");
    assert_eq!(c.vip, Some(true));
    assert_eq!(c.dialer["ibd"], "3");
    let flat = json!([{"name": "B", "blacklist": "N", "totalcalls": "4"}]);
    let c = read_contact_info(&flat).unwrap();
    assert_eq!((c.blacklist, c.total_calls), (Some(false), Some(4)));
    assert_eq!(read_contact_info(&json!("nope")), None);
}
