//! The contact editor's model: the form as the manager sees it, what changed
//! against the values it started with, every problem with those changes, and
//! the `Directory/update` that sends exactly them.
//!
//! The UI asks [`review`] on every keystroke and shows each problem beside
//! its field; `save_contact` asks it again before any request. One authority.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::field::{ContactField, FieldValue, KnownField, ValueKind};
use super::{rules, ContactInfo, ContactUpdate, INFO_FIELDS, NOT_FIELDS};
use crate::deepcall::DeepCallError;

/// Names a custom field may not take, whatever their case: the request's
/// own keys (DeepCall's sign-in fields among them), names that mean
/// something to JavaScript objects, and (`NOT_FIELDS`) the keys of
/// `getInfo`'s answer that are not fields.
const RESERVED: [&str; 7] = [
    "__proto__",
    "constructor",
    "prototype",
    "ssid",
    "token",
    "contactinfo",
    "other",
];

/// Reserved names as a manager might type them, for the tests.
#[cfg(test)]
pub(super) const RESERVED_AS_TYPED: [&str; 7] = [
    "__proto__",
    "constructor",
    "prototype",
    "ssid",
    "token",
    "userId",
    "Token",
];

/// Every field of the editor. Dates are `YYYY-MM-DD` (what a date picker
/// gives) or `dd-mm-YYYY` (what DeepCall uses); both are read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ContactForm {
    /// `contactinfo` by DeepCall's names: the documented fields and any
    /// custom ones the account uses.
    pub info: BTreeMap<String, String>,
    /// `other`'s text fields: obd, ibd, pc, ctc, totalcalls, source, lastcalltime.
    pub other: BTreeMap<String, String>,
    /// `None`: not known (the current value could not be read).
    pub vip: Option<bool>,
    pub blacklist: Option<bool>,
}

/// One field whose value changes: the field and both values, typed. The UI
/// words them; nothing decides anything from those words. History keeps
/// them as they were sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    pub field: ContactField,
    pub before: FieldValue,
    pub after: FieldValue,
}

impl FieldChange {
    /// Whether this change turns the contact's blacklist on.
    pub fn blacklists(&self) -> bool {
        self.field == ContactField::BLACKLIST && self.after == FieldValue::Flag(true)
    }
}

/// Whether saving these changes would blacklist the contact: the one rule
/// behind the warning, the review's highlight and `save_contact`'s gate.
pub fn blacklists(changes: &[FieldChange]) -> bool {
    changes.iter().any(FieldChange::blacklists)
}

/// What the form would send now, and what stops it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangeReview {
    /// In the editor's order: details, custom fields, status, dialling.
    pub changes: Vec<FieldChange>,
    /// Field name → the sentence to show beside it. Empty when saving may go ahead.
    pub problems: BTreeMap<String, String>,
    /// Whether saving would blacklist the contact, as `form::blacklists`
    /// reads `changes`. Saving then needs the manager's confirmation.
    pub blacklists: bool,
}

impl ChangeReview {
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty() && !self.changes.is_empty()
    }
}

/// A date as DeepCall writes it (`dd-mm-YYYY`), from either form a person
/// or a date picker gives.
pub fn deepcall_date(v: &str) -> Option<String> {
    let t = v.trim();
    let (d, m, y) = rules::parse_date(t).or_else(|| {
        // YYYY-MM-DD
        let parts: Vec<&str> = t.split('-').collect();
        match parts.as_slice() {
            [y, m, d] if y.len() == 4 => rules::parse_date(&format!("{d}-{m}-{y}")),
            _ => None,
        }
    })?;
    Some(format!("{d:02}-{m:02}-{y:04}"))
}

/// `YYYY-MM-DD` for a date picker, or `None` when the value is not a real date.
pub fn picker_date(v: &str) -> Option<String> {
    let (d, m, y) = rules::parse_date(&deepcall_date(v)?)?;
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn blank_name() -> Option<String> {
    Some("Enter the field's name as DeepCall knows it.".into())
}

fn reserved(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    (RESERVED.contains(&lower.as_str()) || NOT_FIELDS.contains(&lower.as_str()))
        .then(|| {
            format!(
                "\"{name}\" is a reserved name, so a field cannot be called that. Choose another name, for example preferred_language."
            )
        })
}

/// The rule for the name of a custom field the manager adds.
pub fn custom_field_name(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return blank_name();
    }
    if name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some(
            "A field name has only letters, digits and underscores (_), for example preferred_language."
                .into(),
        );
    }
    if KnownField::ALL
        .iter()
        .any(|f| f.name().eq_ignore_ascii_case(name))
    {
        return Some(format!(
            "\"{name}\" is one of DeepCall's own fields; it is already on this form."
        ));
    }
    reserved(name)
}

/// What any custom field sent to DeepCall must be, including one the
/// account already has under a name the manager could not type (such as
/// "Lead Source"): not blank, and not a reserved name.
pub fn sendable_field_name(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return blank_name();
    }
    reserved(name)
}

/// The value in the form, trimmed; dates in DeepCall's format when they are real dates.
fn normal(kind: ValueKind, v: &str) -> String {
    let t = v.trim();
    if kind == ValueKind::Date {
        deepcall_date(t).unwrap_or_else(|| t.to_owned())
    } else {
        t.to_owned()
    }
}

/// The problem with a new value of a text field, if any.
fn problem(field: &ContactField, before: &str, after: &str) -> Option<String> {
    let cleared = after.is_empty() && !before.is_empty();
    let ContactField::Known(known) = field else {
        return None;
    };
    // The field's kind decides its rule; a name has its own.
    match (known, known.kind()) {
        (KnownField::Name, _) => rules::name(after),
        (_, ValueKind::Email) if cleared => Some(format!(
            "DeepCall cannot clear an email address. Enter a new one, or put back {before}."
        )),
        (_, ValueKind::Email) => rules::email(after),
        (_, ValueKind::Date) if cleared => Some(format!(
            "DeepCall cannot clear a date. Pick a new one, or put back {before}."
        )),
        (_, ValueKind::Date) => rules::date(after),
        (_, ValueKind::Whole) if cleared => Some(format!(
            "DeepCall cannot clear this number. Enter a whole number (0 or more), or put back {before}."
        )),
        (_, ValueKind::Whole) => rules::non_negative_whole(after),
        (_, ValueKind::Text | ValueKind::Flag) => None,
    }
}

/// `contactinfo` keys in the editor's order: the documented ones, then the
/// account's own custom fields by name.
fn info_keys<'a>(a: &'a ContactForm, b: &'a ContactForm) -> Vec<&'a str> {
    let mut keys: Vec<&str> = INFO_FIELDS.to_vec();
    let mut custom: Vec<&str> = a
        .info
        .keys()
        .chain(b.info.keys())
        .map(String::as_str)
        .filter(|k| !INFO_FIELDS.contains(k))
        .collect();
    custom.sort_unstable();
    custom.dedup();
    keys.extend(custom);
    keys
}

fn text_change(
    out: &mut ChangeReview,
    field: ContactField,
    before: Option<&String>,
    after: Option<&String>,
) {
    let kind = field.kind();
    let before = normal(kind, before.map_or("", String::as_str));
    let after = normal(kind, after.map_or("", String::as_str));
    let (before_value, after_value) = (
        FieldValue::read(kind, &before),
        FieldValue::read(kind, &after),
    );
    if before_value != after_value {
        if let Some(p) = problem(&field, &before, &after) {
            out.problems.insert(field.name().to_owned(), p);
        }
        out.changes.push(FieldChange {
            field,
            before: before_value,
            after: after_value,
        });
    }
}

/// What changed from `original` to `edited`, and every problem with it.
/// Only changed fields are checked: a value DeepCall already holds is not
/// the manager's to fix before changing something else.
pub fn review(original: &ContactForm, edited: &ContactForm) -> ChangeReview {
    let mut out = ChangeReview::default();
    for k in info_keys(original, edited) {
        text_change(
            &mut out,
            ContactField::from_name(k),
            original.info.get(k),
            edited.info.get(k),
        );
    }
    for (field, before, after) in [
        (KnownField::Vip, original.vip, edited.vip),
        (KnownField::Blacklist, original.blacklist, edited.blacklist),
    ] {
        // A switch left alone keeps a value that could not be read.
        if after.is_some() && before != after {
            out.changes.push(FieldChange {
                field: ContactField::Known(field),
                before: FieldValue::flag(before),
                after: FieldValue::flag(after),
            });
        }
    }
    for k in KnownField::OTHER_TEXT {
        text_change(
            &mut out,
            ContactField::Known(k),
            original.other.get(k.name()),
            edited.other.get(k.name()),
        );
    }
    // The name of a field the manager adds is checked as soon as it is
    // added; the account's own fields keep the names DeepCall gave them.
    for k in edited
        .info
        .keys()
        .filter(|k| !INFO_FIELDS.contains(&k.as_str()) && !original.info.contains_key(*k))
    {
        if let Some(p) = custom_field_name(k) {
            out.problems.insert(k.clone(), p);
        }
    }
    out.blacklists = blacklists(&out.changes);
    out
}

/// What Save sends, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Save {
    /// The `Directory/update`: exactly the changed fields.
    pub update: ContactUpdate,
    /// The changes it makes, for the manager to read.
    pub changes: Vec<FieldChange>,
}

/// The `Directory/update` for the changes from `original` to `edited`.
/// Refused, with the field concerned, when the changes blacklist the
/// contact and `blacklist_confirmed` is false (the manager has not accepted
/// the warning), or when a change has a problem.
pub fn save(
    original: &ContactForm,
    edited: &ContactForm,
    blacklist_confirmed: bool,
) -> Result<Save, DeepCallError> {
    let r = review(original, edited);
    if blacklists(&r.changes) && !blacklist_confirmed {
        return Err(DeepCallError::invalid_input(
            KnownField::Blacklist.name(),
            "Blacklisting needs your confirmation: turn Blacklisted off and on again, and read the warning.",
        ));
    }
    if let Some((field, message)) = r.problems.into_iter().next() {
        return Err(DeepCallError::invalid_input(field, message));
    }
    let mut u = ContactUpdate::default();
    for c in &r.changes {
        let cannot = || {
            DeepCallError::invalid_input(
                c.field.name(),
                "This value cannot be sent to DeepCall as it is. Check the field and try again.",
            )
        };
        match (&c.field, &c.after) {
            (ContactField::Known(k), after) if !k.is_info() => match (k, after) {
                (KnownField::Vip, FieldValue::Flag(b)) => u.vip = Some(*b),
                (KnownField::Blacklist, FieldValue::Flag(b)) => u.blacklist = Some(*b),
                (KnownField::TotalCalls, FieldValue::Whole(n)) => u.total_calls = Some(*n),
                (KnownField::Source, FieldValue::Whole(n)) => u.source = Some(*n),
                (KnownField::LastCallTime, FieldValue::Date(d)) => {
                    u.last_call_time = Some(d.to_string());
                }
                (k, v @ (FieldValue::Text(_) | FieldValue::Empty)) => {
                    let dialer = k.dialer().ok_or_else(cannot)?;
                    u.dialer.insert(dialer, v.deepcall_text());
                }
                _ => return Err(cannot()),
            },
            (field, after) => {
                if let ContactField::Custom(name) = field {
                    if let Some(message) = sendable_field_name(name) {
                        return Err(DeepCallError::invalid_input(name.clone(), message));
                    }
                }
                u.info
                    .insert(field.name().to_owned(), after.deepcall_text());
            }
        }
    }
    if u.is_empty() {
        return Err(DeepCallError::invalid_input(
            "contact",
            "Nothing was changed, so there is nothing to save.",
        ));
    }
    Ok(Save {
        update: u,
        changes: r.changes,
    })
}

/// The value `field` has in `form`, read as [`review`] reads it.
pub fn value_in(form: &ContactForm, field: &ContactField) -> FieldValue {
    match field {
        ContactField::Known(KnownField::Vip) => FieldValue::flag(form.vip),
        ContactField::Known(KnownField::Blacklist) => FieldValue::flag(form.blacklist),
        f => {
            let kind = f.kind();
            let side = if f.is_info() { &form.info } else { &form.other };
            FieldValue::read(
                kind,
                &normal(kind, side.get(f.name()).map_or("", String::as_str)),
            )
        }
    }
}

impl ContactForm {
    /// Every field present and empty; the switches not known.
    pub fn empty() -> Self {
        let mut f = Self::default();
        for k in KnownField::INFO {
            f.info.insert(k.name().into(), String::new());
        }
        for k in KnownField::OTHER_TEXT {
            f.other.insert(k.name().into(), String::new());
        }
        f
    }

    /// This form with `values` put in, as the manager would type them; a
    /// value that was not known is left as it is. (History's revert puts
    /// back a change's "before" values this way, and its Try again the
    /// "after" ones; the editor's review then shows exactly those changes.)
    pub fn with_values<'a>(
        &self,
        values: impl IntoIterator<Item = (&'a ContactField, &'a FieldValue)>,
    ) -> Self {
        let mut f = self.clone();
        for (field, value) in values {
            match (field, value) {
                (_, FieldValue::NotKnown) => {}
                (ContactField::Known(KnownField::Vip), FieldValue::Flag(b)) => f.vip = Some(*b),
                (ContactField::Known(KnownField::Blacklist), FieldValue::Flag(b)) => {
                    f.blacklist = Some(*b)
                }
                (field, value) => {
                    let text = match value {
                        FieldValue::Date(d) => d.to_string(),
                        v => v.deepcall_text(),
                    };
                    let text = if field.kind() == ValueKind::Date {
                        picker_date(&text).unwrap_or(text)
                    } else {
                        text
                    };
                    let side = if field.is_info() {
                        &mut f.info
                    } else {
                        &mut f.other
                    };
                    side.insert(field.name().to_owned(), text);
                }
            }
        }
        f
    }

    /// The form for what `Directory/getInfo` said; dates for a date picker.
    pub fn from_info(c: &ContactInfo) -> Self {
        let mut f = Self::empty();
        for (k, v) in &c.info {
            let v = if ContactField::from_name(k).kind() == ValueKind::Date {
                picker_date(v).unwrap_or_else(|| v.clone())
            } else {
                v.clone()
            };
            f.info.insert(k.clone(), v);
        }
        for (k, v) in &c.dialer {
            f.other.insert(k.clone(), v.clone());
        }
        if let Some(n) = c.total_calls {
            f.other
                .insert(KnownField::TotalCalls.name().into(), n.to_string());
        }
        if let Some(n) = c.source {
            f.other
                .insert(KnownField::Source.name().into(), n.to_string());
        }
        if let Some(t) = &c.last_call_time {
            let t = picker_date(t).unwrap_or_else(|| t.clone());
            f.other.insert(KnownField::LastCallTime.name().into(), t);
        }
        f.vip = c.vip;
        f.blacklist = c.blacklist;
        f
    }
}

#[cfg(test)]
mod tests {
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
        let mut file: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
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
}
