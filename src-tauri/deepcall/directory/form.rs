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
mod tests;
