//! The contact form's checks and what it sends, without a server.

use super::*;
use crate::deepcall::directory::field::CalendarDate;
use serde_json::{json, Value};

fn ravi() -> ContactForm {
    let info = super::super::read_contact_info(&json!({
        "contact": "9876543210",
        "contactinfo": {"name": "Ravi Verma", "email": "ravi.verma@example.in", "dob": "14-08-1986",
                        "address": "12 MG Road, Pune", "preferred_language": "Hindi",
                        "Lead Source": "Trade fair"},
        "other": {"lastcalltime": "18-11-2026", "totalcalls": 12, "source": 1,
                  "vip": false, "blacklist": false, "IBD": 3}
    }))
    .unwrap();
    ContactForm::from_info(&info)
}

fn body(original: &ContactForm, edited: &ContactForm) -> Value {
    Value::Object(save(original, edited, true).expect("valid").update.body())
}

fn field(name: &str) -> ContactField {
    ContactField::from_name(name)
}

fn text(t: &str) -> FieldValue {
    FieldValue::Text(t.into())
}

fn date(day: u32, month: u32, year: i32) -> FieldValue {
    FieldValue::Date(CalendarDate { day, month, year })
}

fn change<'a>(r: &'a ChangeReview, name: &str) -> &'a FieldChange {
    r.changes
        .iter()
        .find(|c| c.field.name() == name)
        .unwrap_or_else(|| panic!("no change to {name}"))
}

fn refused_field(result: Result<Save, DeepCallError>) -> String {
    match result {
        Err(DeepCallError::InvalidInput { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn prefilled_form_reads_getinfo_with_picker_dates() {
    let f = ravi();
    assert_eq!(f.info["name"], "Ravi Verma");
    assert_eq!(f.info["dob"], "1986-08-14");
    assert_eq!(f.info["preferred_language"], "Hindi");
    assert_eq!(f.info["company"], "", "every documented field is present");
    assert_eq!(f.other["lastcalltime"], "2026-11-18");
    assert_eq!(f.other["totalcalls"], "12");
    assert_eq!(f.other["ibd"], "3");
    assert_eq!((f.vip, f.blacklist), (Some(false), Some(false)));
    assert_eq!(review(&f, &f), ChangeReview::default());
}

#[test]
fn one_edit_sends_only_that_field() {
    let o = ravi();
    let mut e = o.clone();
    e.info.insert("email".into(), "a@b.in".into());
    let r = review(&o, &e);
    assert_eq!(
        r.changes,
        vec![FieldChange {
            field: ContactField::Known(KnownField::Email),
            before: text("ravi.verma@example.in"),
            after: text("a@b.in"),
        }]
    );
    assert!(r.is_ready());
    assert!(!r.blacklists);
    assert_eq!(body(&o, &e), json!({"contactinfo": {"email": "a@b.in"}}));
}

#[test]
fn every_kind_of_field_has_its_type_and_format() {
    let o = ravi();
    let mut e = o.clone();
    e.info.insert("name".into(), " Sunil Singh ".into());
    e.info.insert("dob".into(), "1990-11-05".into());
    e.info.insert("company".into(), "Singh & Sons".into());
    e.info.insert("customer_tier".into(), "Gold".into());
    e.vip = Some(true);
    e.blacklist = Some(true);
    e.other.insert("totalcalls".into(), "13".into());
    e.other.insert("source".into(), "0".into());
    e.other.insert("lastcalltime".into(), "2026-11-20".into());
    e.other.insert("obd".into(), "4".into());
    let r = review(&o, &e);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert!(r.blacklists);
    let fields: Vec<&str> = r.changes.iter().map(|c| c.field.name()).collect();
    assert_eq!(
        fields,
        [
            "name",
            "dob",
            "company",
            "customer_tier",
            "vip",
            "blacklist",
            "obd",
            "totalcalls",
            "source",
            "lastcalltime"
        ]
    );
    assert_eq!(
        body(&o, &e),
        json!({
            "contactinfo": {"name": "Sunil Singh", "dob": "05-11-1990", "company": "Singh & Sons",
                            "customer_tier": "Gold"},
            "other": {"vip": true, "blacklist": true, "totalcalls": 13, "source": 0,
                      "lastcalltime": "20-11-2026", "obd": "4"}
        })
    );
    let vip = change(&r, "vip");
    assert_eq!(
        (&vip.before, &vip.after),
        (&FieldValue::Flag(false), &FieldValue::Flag(true))
    );
    assert_eq!(change(&r, "company").before, FieldValue::Empty);
    let dob = change(&r, "dob");
    assert_eq!(
        (&dob.before, &dob.after),
        (&date(14, 8, 1986), &date(5, 11, 1990))
    );
    let calls = change(&r, "totalcalls");
    assert_eq!(
        (&calls.before, &calls.after),
        (&FieldValue::Whole(12), &FieldValue::Whole(13))
    );
    assert_eq!(
        serde_json::to_value(vip).unwrap(),
        json!({"field": "vip", "before": {"kind": "flag", "value": false},
               "after": {"kind": "flag", "value": true}})
    );
}

#[test]
fn problems_beside_each_changed_field_and_nothing_is_built() {
    let o = ravi();
    let mut e = o.clone();
    e.info.insert("name".into(), "R2D2".into());
    e.info.insert("email".into(), "not-an-email".into());
    e.info.insert("dob".into(), "31-02-1990".into());
    e.other.insert("totalcalls".into(), "-1".into());
    e.other.insert("source".into(), "1.5".into());
    e.other.insert("lastcalltime".into(), "".into());
    let r = review(&o, &e);
    let fields: Vec<&str> = r.problems.keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        [
            "dob",
            "email",
            "lastcalltime",
            "name",
            "source",
            "totalcalls"
        ]
    );
    assert!(r.problems["lastcalltime"].contains("put back 18-11-2026"));
    assert_eq!(change(&r, "source").after, text("1.5"));
    assert_eq!(change(&r, "lastcalltime").after, FieldValue::Empty);
    assert!(!r.is_ready());
    assert!(matches!(
        save(&o, &e, true),
        Err(DeepCallError::InvalidInput { .. })
    ));
}

#[test]
fn a_value_already_held_is_not_checked_until_changed() {
    let mut o = ravi();
    o.info.insert("name".into(), "R2D2".into());
    let mut e = o.clone();
    e.vip = Some(true);
    assert!(review(&o, &e).is_ready());
}

#[test]
fn the_same_number_written_differently_is_no_change() {
    let o = ravi();
    let mut e = o.clone();
    e.other.insert("totalcalls".into(), "012".into());
    e.info.insert("dob".into(), "14-08-1986".into());
    assert_eq!(review(&o, &e), ChangeReview::default());
}

#[test]
fn empty_form_changes_only_what_is_filled_in() {
    let o = ContactForm::empty();
    assert_eq!((o.vip, o.blacklist), (None, None));
    let mut e = o.clone();
    assert!(save(&o, &e, true).is_err(), "nothing to save");
    e.blacklist = Some(true);
    e.info.insert("address".into(), "1 Park St".into());
    assert_eq!(
        body(&o, &e),
        json!({"contactinfo": {"address": "1 Park St"}, "other": {"blacklist": true}})
    );
    let r = review(&o, &e);
    assert_eq!(change(&r, "blacklist").before, FieldValue::NotKnown);
    assert!(r.blacklists);
}

// ---- the blacklist gate reads the typed change --------------------------

#[test]
fn blacklisting_is_the_typed_fact_not_its_words() {
    let on = |field: ContactField, before, after| FieldChange {
        field,
        before,
        after,
    };
    // Whatever words the UI uses for the switch or its values, the gate
    // reads the field and the value.
    assert!(blacklists(&[on(
        ContactField::BLACKLIST,
        FieldValue::NotKnown,
        FieldValue::Flag(true)
    )]));
    assert!(blacklists(&[on(
        field("blacklist"),
        FieldValue::Flag(false),
        FieldValue::Flag(true)
    )]));
    for not in [
        on(
            ContactField::BLACKLIST,
            FieldValue::Flag(true),
            FieldValue::Flag(false),
        ),
        on(
            field("vip"),
            FieldValue::Flag(false),
            FieldValue::Flag(true),
        ),
        // Text that reads like "on" in a field labelled like the switch.
        on(field("Blacklisted"), FieldValue::Empty, text("on")),
        on(field("custom_field_1"), text("blacklist"), text("on")),
    ] {
        assert!(!blacklists(std::slice::from_ref(&not)), "{not:?}");
    }
}

#[test]
fn save_refuses_blacklisting_without_confirmation() {
    let o = ravi();
    let mut e = o.clone();
    e.blacklist = Some(true);
    assert_eq!(refused_field(save(&o, &e, false)), "blacklist");
    let s = save(&o, &e, true).expect("confirmed");
    assert_eq!(s.update.blacklist, Some(true));
    assert!(blacklists(&s.changes));

    // From a form whose blacklist was not known, too.
    let o = ContactForm::empty();
    let mut e = o.clone();
    e.blacklist = Some(true);
    assert_eq!(refused_field(save(&o, &e, false)), "blacklist");

    // Turning it off, or changing something else, needs no confirmation.
    let mut o = ravi();
    o.blacklist = Some(true);
    let mut e = o.clone();
    e.blacklist = Some(false);
    e.vip = Some(true);
    let s = save(&o, &e, false).expect("no confirmation needed");
    assert_eq!(
        (s.update.blacklist, s.update.vip),
        (Some(false), Some(true))
    );
}

// ---- custom field names ------------------------------------------------

#[test]
fn custom_field_names() {
    assert!(custom_field_name("preferred_language").is_none());
    for bad in [
        "",
        "two words",
        "tier-2",
        "vip",
        "TotalCalls",
        "name?",
        "Email",
    ] {
        assert!(custom_field_name(bad).is_some(), "{bad}");
    }
    let o = ravi();
    let mut e = o.clone();
    e.info.insert("bad name".into(), String::new());
    assert!(review(&o, &e).problems.contains_key("bad name"));
}

#[test]
fn reserved_names_are_refused_as_new_custom_fields() {
    for name in RESERVED_AS_TYPED {
        let message = custom_field_name(name).unwrap_or_else(|| panic!("{name} accepted"));
        assert_eq!(
            message,
            format!("\"{name}\" is a reserved name, so a field cannot be called that. Choose another name, for example preferred_language.")
        );
        let o = ravi();
        let mut e = o.clone();
        e.info.insert(name.into(), "x".into());
        let r = review(&o, &e);
        assert_eq!(r.problems.get(name), Some(&message), "{name}");
        assert_eq!(refused_field(save(&o, &e, true)), name);
    }
}

#[test]
fn a_custom_field_getinfo_would_not_give_back_is_refused() {
    // `getInfo`'s own keys: a field so named was sent, then left out
    // when the contact was read again, so it vanished from the editor.
    for name in ["cn", "CN", "user_id", "_id", "contact", "updatetime"] {
        let mut e = ContactForm::empty();
        e.info.insert(name.into(), "x".into());
        assert!(custom_field_name(name).is_some(), "{name} accepted");
        assert_eq!(refused_field(save(&ContactForm::empty(), &e, true)), name);
    }
    // A field that may be added is read back with its value.
    let mut e = ContactForm::empty();
    e.info.insert("cn_region".into(), "North".into());
    let info = super::super::read_contact_info(&body(&ContactForm::empty(), &e)).unwrap();
    assert_eq!(info.info["cn_region"], "North");
}

#[test]
fn a_server_field_outside_the_naming_rule_does_not_block_saving() {
    let o = ravi();
    assert_eq!(o.info["Lead Source"], "Trade fair");
    assert!(
        custom_field_name("Lead Source").is_some(),
        "not a name one could add"
    );

    // Another field edited: saved, and "Lead Source" is not sent.
    let mut e = o.clone();
    e.info.insert("company".into(), "Verma Traders".into());
    let r = review(&o, &e);
    assert!(r.is_ready(), "{:?}", r.problems);
    assert_eq!(
        body(&o, &e),
        json!({"contactinfo": {"company": "Verma Traders"}})
    );

    // "Lead Source" itself edited: sent under its own name.
    e.info.insert("Lead Source".into(), "Website".into());
    let r = review(&o, &e);
    assert!(r.is_ready(), "{:?}", r.problems);
    assert_eq!(
        change(&r, "Lead Source").field,
        ContactField::Custom("Lead Source".into())
    );
    assert_eq!(
        body(&o, &e),
        json!({"contactinfo": {"company": "Verma Traders", "Lead Source": "Website"}})
    );
    let s = save(&o, &e, false).expect("valid");
    assert!(s.update.validate().is_ok(), "the client sends it too");

    // The same name added by the manager is refused.
    let mut plain = ContactForm::empty();
    plain.info.insert("name".into(), "Ravi Verma".into());
    let mut added = plain.clone();
    added.info.insert("Lead Source".into(), "Website".into());
    assert!(review(&plain, &added).problems.contains_key("Lead Source"));
}

/// The UI's tests answer `check_contact_changes` with these recorded
/// reviews: each must be what Rust answers for its forms.
#[test]
fn recorded_reviews() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/ui/src/lib/contacts/reviews.json"
    );
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let update = std::env::var_os("UPDATE_REVIEWS").is_some();
    let mut stale = Vec::new();
    for case in file["cases"].as_array_mut().unwrap() {
        let o: ContactForm = serde_json::from_value(case["original"].clone()).unwrap();
        let e: ContactForm = serde_json::from_value(case["edited"].clone()).unwrap();
        let answer = serde_json::to_value(review(&o, &e)).unwrap();
        if case["review"] != answer {
            stale.push(case["name"].to_string());
            case["review"] = answer;
        }
    }
    if update {
        let text = serde_json::to_string_pretty(&file).unwrap() + "\n";
        std::fs::write(path, text).unwrap();
    } else {
        assert!(
            stale.is_empty(),
            "recorded reviews differ from Rust's for {stale:?}: run UPDATE_REVIEWS=1 cargo test --lib recorded_reviews"
        );
    }
}

#[test]
fn dates_in_either_order() {
    assert_eq!(deepcall_date("2024-02-29").as_deref(), Some("29-02-2024"));
    assert_eq!(deepcall_date("29-02-2024").as_deref(), Some("29-02-2024"));
    assert_eq!(deepcall_date("2023-02-29"), None);
    assert_eq!(picker_date("05-11-1990").as_deref(), Some("1990-11-05"));
}
