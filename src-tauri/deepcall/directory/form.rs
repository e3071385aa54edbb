//! The contact editor's model: the form as the manager sees it, what changed
//! against the values it started with, every problem with those changes, and
//! the `Directory/update` that sends exactly them.
//!
//! The UI asks [`review`] on every keystroke and shows each problem beside
//! its field; `save_contact` asks it again before any request. One authority.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{rules, ContactInfo, ContactUpdate, Dialer, INFO_FIELDS};
use crate::deepcall::DeepCallError;

/// The text fields of `other`, in the order the editor shows them.
pub const OTHER_TEXT_FIELDS: [&str; 7] = [
    "obd",
    "ibd",
    "pc",
    "ctc",
    "totalcalls",
    "source",
    "lastcalltime",
];

/// Names a custom field may not take: they are `other`'s or the request's own.
const RESERVED: [&str; 12] = [
    "vip",
    "blacklist",
    "obd",
    "ibd",
    "pc",
    "ctc",
    "totalcalls",
    "source",
    "lastcalltime",
    "updatetime",
    "contact",
    "contactinfo",
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

/// One field whose value changes, as the review shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// DeepCall's name of the field (`name`, `vip`, `totalcalls`, a custom name…).
    pub field: String,
    /// The value before, for reading: "(empty)", "on", "off", "(not known)",
    /// dates as dd-mm-yyyy.
    pub before: String,
    pub after: String,
}

/// What the form would send now, and what stops it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ChangeReview {
    /// In the editor's order: details, custom fields, status, dialling.
    pub changes: Vec<FieldChange>,
    /// Field name → the sentence to show beside it. Empty when saving may go ahead.
    pub problems: BTreeMap<String, String>,
}

impl ChangeReview {
    pub fn is_ready(&self) -> bool {
        self.problems.is_empty() && !self.changes.is_empty()
    }

    /// Whether saving would blacklist the contact.
    pub fn blacklists(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.field == "blacklist" && c.after == "on")
    }
}

fn is_date_field(field: &str) -> bool {
    matches!(field, "dob" | "lastcalltime")
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

/// The rule for the name of a custom field the manager adds.
pub fn custom_field_name(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("Enter the field's name as DeepCall knows it.".into());
    }
    if name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some(
            "A field name has only letters, digits and underscores (_), for example preferred_language."
                .into(),
        );
    }
    if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
        return Some(format!(
            "\"{name}\" is one of DeepCall's own fields; it is already on this form."
        ));
    }
    None
}

/// The value in the form, trimmed; dates in DeepCall's format when they are real dates.
fn normal(field: &str, v: &str) -> String {
    let t = v.trim();
    if is_date_field(field) {
        deepcall_date(t).unwrap_or_else(|| t.to_owned())
    } else {
        t.to_owned()
    }
}

fn shown(v: &str) -> String {
    if v.is_empty() {
        "(empty)".into()
    } else {
        v.to_owned()
    }
}

fn shown_flag(v: Option<bool>) -> String {
    match v {
        Some(true) => "on".into(),
        Some(false) => "off".into(),
        None => "(not known)".into(),
    }
}

/// The problem with a new value of a text field, if any.
fn problem(field: &str, before: &str, after: &str) -> Option<String> {
    let cleared = after.is_empty() && !before.is_empty();
    match field {
        "name" => rules::name(after),
        "email" if cleared => Some(format!(
            "DeepCall cannot clear an email address. Enter a new one, or put back {before}."
        )),
        "email" => rules::email(after),
        "dob" | "lastcalltime" if cleared => Some(format!(
            "DeepCall cannot clear a date. Pick a new one, or put back {before}."
        )),
        "dob" | "lastcalltime" => rules::date(after),
        "totalcalls" | "source" if cleared => Some(format!(
            "DeepCall cannot clear this number. Enter a whole number (0 or more), or put back {before}."
        )),
        "totalcalls" | "source" => rules::non_negative_whole(after),
        _ => None,
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
    field: &str,
    before: Option<&String>,
    after: Option<&String>,
) {
    let before = normal(field, before.map_or("", String::as_str));
    let after = normal(field, after.map_or("", String::as_str));
    if before != after {
        if let Some(p) = problem(field, &before, &after) {
            out.problems.insert(field.to_owned(), p);
        }
        out.changes.push(FieldChange {
            field: field.to_owned(),
            before: shown(&before),
            after: shown(&after),
        });
    }
}

/// What changed from `original` to `edited`, and every problem with it.
/// Only changed fields are checked: a value DeepCall already holds is not
/// the manager's to fix before changing something else.
pub fn review(original: &ContactForm, edited: &ContactForm) -> ChangeReview {
    let mut out = ChangeReview::default();
    let keys = info_keys(original, edited);
    for k in &keys {
        text_change(&mut out, k, original.info.get(*k), edited.info.get(*k));
    }
    for (field, before, after) in [
        ("vip", original.vip, edited.vip),
        ("blacklist", original.blacklist, edited.blacklist),
    ] {
        // A switch left alone keeps a value that could not be read.
        if after.is_some() && before != after {
            out.changes.push(FieldChange {
                field: field.into(),
                before: shown_flag(before),
                after: shown_flag(after),
            });
        }
    }
    for k in OTHER_TEXT_FIELDS {
        text_change(&mut out, k, original.other.get(k), edited.other.get(k));
    }
    // Custom field names are checked whether or not a value changed yet.
    for k in edited
        .info
        .keys()
        .filter(|k| !INFO_FIELDS.contains(&k.as_str()))
    {
        if let Some(p) = custom_field_name(k) {
            out.problems.insert(k.clone(), p);
        }
    }
    out
}

/// The `Directory/update` for the changes from `original` to `edited`, or
/// the first problem (with its field) when there is one.
pub fn update(
    original: &ContactForm,
    edited: &ContactForm,
) -> Result<ContactUpdate, DeepCallError> {
    let r = review(original, edited);
    if let Some((field, message)) = r.problems.into_iter().next() {
        return Err(DeepCallError::invalid_input(field, message));
    }
    let mut u = ContactUpdate::default();
    for c in &r.changes {
        let f = c.field.as_str();
        let value =
            |map: &BTreeMap<String, String>| normal(f, map.get(f).map_or("", String::as_str));
        match f {
            "vip" => u.vip = edited.vip,
            "blacklist" => u.blacklist = edited.blacklist,
            "totalcalls" => u.total_calls = value(&edited.other).parse().ok(),
            "source" => u.source = value(&edited.other).parse().ok(),
            "lastcalltime" => u.last_call_time = Some(value(&edited.other)),
            _ => match Dialer::from_key(f) {
                Some(d) => {
                    u.dialer.insert(d, value(&edited.other));
                }
                None => {
                    u.info.insert(f.to_owned(), value(&edited.info));
                }
            },
        }
    }
    if u.is_empty() {
        return Err(DeepCallError::invalid_input(
            "contact",
            "Nothing was changed, so there is nothing to save.",
        ));
    }
    Ok(u)
}

impl ContactForm {
    /// Every field present and empty; the switches not known.
    pub fn empty() -> Self {
        let mut f = Self::default();
        for k in INFO_FIELDS {
            f.info.insert(k.into(), String::new());
        }
        for k in OTHER_TEXT_FIELDS {
            f.other.insert(k.into(), String::new());
        }
        f
    }

    /// The form for what `Directory/getInfo` said; dates for a date picker.
    pub fn from_info(c: &ContactInfo) -> Self {
        let mut f = Self::empty();
        for (k, v) in &c.info {
            let v = if k == "dob" {
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
            f.other.insert("totalcalls".into(), n.to_string());
        }
        if let Some(n) = c.source {
            f.other.insert("source".into(), n.to_string());
        }
        if let Some(t) = &c.last_call_time {
            let t = picker_date(t).unwrap_or_else(|| t.clone());
            f.other.insert("lastcalltime".into(), t);
        }
        f.vip = c.vip;
        f.blacklist = c.blacklist;
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn ravi() -> ContactForm {
        let info = super::super::read_contact_info(&json!({
            "contact": "9876543210",
            "contactinfo": {"name": "Ravi Verma", "email": "ravi.verma@example.in", "dob": "14-08-1986",
                            "address": "12 MG Road, Pune", "preferred_language": "Hindi"},
            "other": {"lastcalltime": "18-11-2026", "totalcalls": 12, "source": 1,
                      "vip": false, "blacklist": false, "IBD": 3}
        }))
        .unwrap();
        ContactForm::from_info(&info)
    }

    fn body(original: &ContactForm, edited: &ContactForm) -> Value {
        Value::Object(update(original, edited).expect("valid").body())
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
                field: "email".into(),
                before: "ravi.verma@example.in".into(),
                after: "a@b.in".into()
            }]
        );
        assert!(r.is_ready());
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
        assert!(r.blacklists());
        let fields: Vec<&str> = r.changes.iter().map(|c| c.field.as_str()).collect();
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
        let vip = r.changes.iter().find(|c| c.field == "vip").unwrap();
        assert_eq!((vip.before.as_str(), vip.after.as_str()), ("off", "on"));
        let company = r.changes.iter().find(|c| c.field == "company").unwrap();
        assert_eq!(company.before, "(empty)");
        let dob = r.changes.iter().find(|c| c.field == "dob").unwrap();
        assert_eq!(
            (dob.before.as_str(), dob.after.as_str()),
            ("14-08-1986", "05-11-1990")
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
        assert!(!r.is_ready());
        assert!(matches!(
            update(&o, &e),
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
    fn empty_form_changes_only_what_is_filled_in() {
        let o = ContactForm::empty();
        assert_eq!((o.vip, o.blacklist), (None, None));
        let mut e = o.clone();
        assert!(update(&o, &e).is_err(), "nothing to save");
        e.blacklist = Some(true);
        e.info.insert("address".into(), "1 Park St".into());
        assert_eq!(
            body(&o, &e),
            json!({"contactinfo": {"address": "1 Park St"}, "other": {"blacklist": true}})
        );
        let r = review(&o, &e);
        let b = r.changes.iter().find(|c| c.field == "blacklist").unwrap();
        assert_eq!(b.before, "(not known)");
    }

    #[test]
    fn custom_field_names() {
        assert!(custom_field_name("preferred_language").is_none());
        for bad in ["", "two words", "tier-2", "vip", "TotalCalls", "name?"] {
            assert!(custom_field_name(bad).is_some(), "{bad}");
        }
        let o = ravi();
        let mut e = o.clone();
        e.info.insert("bad name".into(), String::new());
        assert!(review(&o, &e).problems.contains_key("bad name"));
    }

    #[test]
    fn dates_in_either_order() {
        assert_eq!(deepcall_date("2024-02-29").as_deref(), Some("29-02-2024"));
        assert_eq!(deepcall_date("29-02-2024").as_deref(), Some("29-02-2024"));
        assert_eq!(deepcall_date("2023-02-29"), None);
        assert_eq!(picker_date("05-11-1990").as_deref(), Some("1990-11-05"));
    }
}
