//! The contact fields, their values and how they are written.

use super::*;
use serde_json::json;

#[test]
fn fields_serialise_as_their_deepcall_names() {
    for f in KnownField::ALL {
        assert_eq!(serde_json::to_value(f).unwrap(), json!(f.name()));
        let c = ContactField::from_name(f.name());
        assert_eq!(c, ContactField::Known(f));
        assert_eq!(serde_json::to_value(&c).unwrap(), json!(f.name()));
        assert_eq!(
            serde_json::from_value::<ContactField>(json!(f.name())).unwrap(),
            c
        );
    }
    let lead = ContactField::from_name("Lead Source");
    assert_eq!(lead, ContactField::Custom("Lead Source".into()));
    assert_eq!(serde_json::to_value(&lead).unwrap(), json!("Lead Source"));
    assert_eq!(
        serde_json::from_value::<ContactField>(json!("Lead Source")).unwrap(),
        lead
    );
}

#[test]
fn the_catalogue_is_every_field_in_the_editors_sections() {
    let specs = catalogue();
    assert_eq!(specs.len(), KnownField::ALL.len());
    // Each section's fields together, sections in the editor's order.
    let mut sections: Vec<FieldGroup> = specs.iter().map(|s| s.group).collect();
    sections.dedup();
    assert_eq!(
        sections,
        [
            FieldGroup::Details,
            FieldGroup::Custom,
            FieldGroup::Status,
            FieldGroup::Dialling
        ]
    );
    // `contactinfo`'s fields, then the switches, then `other`'s text fields.
    let switches = [KnownField::Vip, KnownField::Blacklist];
    assert_eq!(
        [&KnownField::INFO[..], &switches, &KnownField::OTHER_TEXT].concat(),
        KnownField::ALL
    );
    for s in &specs {
        assert_eq!(s.key.is_info(), KnownField::INFO.contains(&s.key));
        assert_eq!(
            s.kind == ValueKind::Flag,
            s.group == FieldGroup::Status,
            "{:?}",
            s.key
        );
    }
    let labels: Vec<&str> = specs.iter().map(|s| s.label).collect();
    let mut unique = labels.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), labels.len(), "two fields share a label");
    assert_eq!(
        serde_json::to_value(KnownField::Dob.spec()).unwrap(),
        json!({"key": "dob", "label": "Date of birth", "kind": "date", "group": "details", "help": null})
    );
}

#[test]
fn values_are_typed_by_their_field() {
    assert_eq!(
        FieldValue::read(ValueKind::Whole, "12"),
        FieldValue::Whole(12)
    );
    assert_eq!(
        FieldValue::read(ValueKind::Whole, "1.5"),
        FieldValue::Text("1.5".into())
    );
    assert_eq!(
        FieldValue::read(ValueKind::Date, "05-11-1990"),
        FieldValue::Date(CalendarDate {
            day: 5,
            month: 11,
            year: 1990
        })
    );
    assert_eq!(FieldValue::read(ValueKind::Text, ""), FieldValue::Empty);
    assert_eq!(FieldValue::flag(None), FieldValue::NotKnown);
    assert_eq!(
        serde_json::to_value(FieldValue::Flag(true)).unwrap(),
        json!({"kind": "flag", "value": true})
    );
    assert_eq!(
        serde_json::to_value(FieldValue::Empty).unwrap(),
        json!({"kind": "empty"})
    );
    assert_eq!(
        FieldValue::read(ValueKind::Date, "05-11-1990").deepcall_text(),
        "05-11-1990"
    );
}
