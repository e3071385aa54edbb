//! The Directory module: `update` (seed) and `getInfo`.
//!
//! The validation rules here are the single authority: the client checks them
//! before sending, the sandbox enforces them as DeepCall does, and the UI
//! asks them through a command as the manager types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{wire, Client, DeepCallError, Module};

pub mod field;
pub mod form;

pub use field::{ContactField, FieldValue, KnownField, ValueKind};

/// A phone number as DeepCall's directory keys it: digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(transparent)]
pub struct ContactNumber(String);

impl ContactNumber {
    /// Accepts spaces, dashes, dots, brackets and one leading `+`.
    pub fn parse(input: &str) -> Result<Self, DeepCallError> {
        let t = input.trim();
        if t.is_empty() {
            return Err(DeepCallError::invalid_input(
                "contact",
                "Enter a phone number.",
            ));
        }
        let body = t.strip_prefix('+').unwrap_or(t);
        let mut digits = String::with_capacity(body.len());
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => {
                    return Err(DeepCallError::invalid_input(
                        "contact",
                        format!("A phone number has only digits (spaces, dashes and a leading + are fine); \"{c}\" is not allowed."),
                    ))
                }
            }
        }
        if !(6..=15).contains(&digits.len()) {
            return Err(DeepCallError::invalid_input(
                "contact",
                format!(
                    "A phone number has 6 to 15 digits; this one has {}.",
                    digits.len()
                ),
            ));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The documented rules, one function per kind of field. Each returns the
/// plain sentence to show beside the field, or `None` when the value is fine.
pub mod rules {
    /// Letters (any alphabet), whitespace and `.` only. A letter keeps the
    /// marks written on it (the virama in Hindi's "वर्मा" is not a letter by
    /// itself), so what is checked is each character as a reader sees it.
    pub fn name(v: &str) -> Option<String> {
        use unicode_segmentation::UnicodeSegmentation;
        if v.trim().is_empty() {
            return Some("Enter a name, or leave the field unchanged.".into());
        }
        v.graphemes(true)
            .find(|g| {
                g.chars()
                    .next()
                    .is_none_or(|c| !(c.is_alphabetic() || c.is_whitespace() || c == '.'))
            })
            .map(|g| {
                format!("A name may contain only letters, spaces and dots; \"{g}\" is not allowed.")
            })
    }

    pub fn email(v: &str) -> Option<String> {
        let bad = || Some("Enter an email address like name@example.com.".to_owned());
        let v = v.trim();
        let Some((local, domain)) = v.split_once('@') else {
            return bad();
        };
        let ok_local = !local.is_empty()
            && local.len() <= 64
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let ok_domain = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if ok_local && ok_domain {
            None
        } else {
            bad()
        }
    }

    /// `dd-mm-YYYY`, a real calendar date.
    pub fn date(v: &str) -> Option<String> {
        match parse_date(v) {
            Some(_) => None,
            None => Some("Enter a real date as dd-mm-yyyy, for example 05-11-1990.".into()),
        }
    }

    /// Splits a `dd-mm-YYYY` date that exists on the calendar.
    pub fn parse_date(v: &str) -> Option<(u32, u32, i32)> {
        let parts: Vec<&str> = v.trim().split('-').collect();
        let [d, m, y] = parts.as_slice() else {
            return None;
        };
        if d.len() != 2 || m.len() != 2 || y.len() != 4 {
            return None;
        }
        let (d, m, y): (u32, u32, i32) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
        if !(1..=9999).contains(&y) || !(1..=12).contains(&m) {
            return None;
        }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (1..=days).contains(&d).then_some((d, m, y))
    }

    /// A whole number of 0 or more, as typed.
    pub fn non_negative_whole(v: &str) -> Option<String> {
        let t = v.trim();
        if !t.is_empty() && t.len() <= 15 && t.chars().all(|c| c.is_ascii_digit()) {
            None
        } else {
            Some("Enter a whole number, 0 or more.".into())
        }
    }
}

/// The four dialer statuses of `other`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, specta::Type,
)]
#[serde(rename_all = "lowercase")]
pub enum Dialer {
    Obd,
    Ibd,
    Pc,
    Ctc,
}

impl Dialer {
    pub const ALL: [Dialer; 4] = [Dialer::Obd, Dialer::Ibd, Dialer::Pc, Dialer::Ctc];

    pub fn key(self) -> &'static str {
        match self {
            Dialer::Obd => "obd",
            Dialer::Ibd => "ibd",
            Dialer::Pc => "pc",
            Dialer::Ctc => "ctc",
        }
    }

    /// Reads a key in either case (`"IBD"` as in the vendor's example, `"ibd"` as in its table).
    pub fn from_key(k: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|d| d.key().eq_ignore_ascii_case(k))
    }
}

/// The fields of one `Directory/update`: only what changes. Each `Some` is sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactUpdate {
    /// `contactinfo`: name, email, dob, address, company, designation and
    /// custom fields, as text.
    pub info: BTreeMap<String, String>,
    pub vip: Option<bool>,
    pub blacklist: Option<bool>,
    pub total_calls: Option<u64>,
    pub source: Option<u64>,
    pub last_call_time: Option<String>,
    pub dialer: BTreeMap<Dialer, String>,
}

/// `contactinfo`'s documented fields by DeepCall's names, from [`KnownField::INFO`].
pub const INFO_FIELDS: [&str; KnownField::INFO.len()] = {
    let mut names = [""; KnownField::INFO.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = KnownField::INFO[i].name();
        i += 1;
    }
    names
};

impl ContactUpdate {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Every rule, with the field it concerns.
    pub fn validate(&self) -> Result<(), DeepCallError> {
        for (field, value) in &self.info {
            let problem = match KnownField::from_name(field) {
                Some(KnownField::Name) => rules::name(value),
                Some(KnownField::Email) => rules::email(value),
                Some(k) if k.kind() == ValueKind::Date => rules::date(value),
                Some(_) => None,
                // A custom field the account already has keeps its name,
                // whatever its spelling; only a blank or reserved one is refused.
                None => form::sendable_field_name(field),
            };
            if let Some(message) = problem {
                return Err(DeepCallError::invalid_input(field.clone(), message));
            }
        }
        if let Some(t) = &self.last_call_time {
            if let Some(message) = rules::date(t) {
                return Err(DeepCallError::invalid_input(
                    KnownField::LastCallTime.name(),
                    message,
                ));
            }
        }
        if self.is_empty() {
            return Err(DeepCallError::invalid_input(
                "contact",
                "Nothing was changed.",
            ));
        }
        Ok(())
    }

    /// The `contactinfo` and `other` objects with DeepCall's names and types.
    pub fn body(&self) -> Map<String, Value> {
        let mut body = Map::new();
        if !self.info.is_empty() {
            let info = self
                .info
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            body.insert("contactinfo".into(), Value::Object(info));
        }
        let mut other = Map::new();
        let mut put = |k: KnownField, v: Value| other.insert(k.name().into(), v);
        if let Some(v) = self.vip {
            put(KnownField::Vip, Value::Bool(v));
        }
        if let Some(v) = self.blacklist {
            put(KnownField::Blacklist, Value::Bool(v));
        }
        if let Some(v) = self.total_calls {
            put(KnownField::TotalCalls, Value::from(v));
        }
        if let Some(v) = self.source {
            put(KnownField::Source, Value::from(v));
        }
        if let Some(v) = &self.last_call_time {
            put(KnownField::LastCallTime, Value::String(v.clone()));
        }
        for (d, v) in &self.dialer {
            other.insert(d.key().into(), Value::String(v.clone()));
        }
        if !other.is_empty() {
            body.insert("other".into(), Value::Object(other));
        }
        body
    }
}

/// A contact's current values from `Directory/getInfo`, read leniently: its
/// answer's shape is not documented, so whatever fields are there are kept
/// as text and the known ones are picked out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ContactInfo {
    pub info: BTreeMap<String, String>,
    pub vip: Option<bool>,
    pub blacklist: Option<bool>,
    pub total_calls: Option<i64>,
    pub source: Option<i64>,
    pub last_call_time: Option<String>,
    pub dialer: BTreeMap<String, String>,
}

/// Keys of `getInfo`'s answer that say which contact it is, or when
/// DeepCall last touched it, rather than hold one of its fields: the reader
/// leaves them out, so no custom field may take one of these names (its
/// value would be sent and never read back).
pub const NOT_FIELDS: [&str; 6] = ["updatetime", "contact", "cn", "user_id", "userid", "_id"];

/// Reads `getInfo`'s `response`: either `{contactinfo:{…}, other:{…}}` or a
/// flat object (or a one-element array of either). `None` when unreadable.
pub fn read_contact_info(response: &Value) -> Option<ContactInfo> {
    let obj = match response {
        Value::Object(o) => o,
        Value::Array(a) => a.first()?.as_object()?,
        _ => return None,
    };
    let mut out = ContactInfo::default();
    let mut take = |k: &str, v: &Value| {
        let lower = k.to_ascii_lowercase();
        if let Some(d) = Dialer::from_key(&lower) {
            if let Some(t) = wire::text_from_value(v) {
                out.dialer.insert(d.key().into(), t);
            }
            return;
        }
        match (KnownField::from_name(&lower), lower.as_str()) {
            (Some(KnownField::Vip), _) => out.vip = wire::flag_from_value(v),
            (Some(KnownField::Blacklist), _) => out.blacklist = wire::flag_from_value(v),
            (Some(KnownField::TotalCalls), _) => out.total_calls = wire::int_from_value(v),
            (Some(KnownField::Source), _) => out.source = wire::int_from_value(v),
            (Some(KnownField::LastCallTime), _) => out.last_call_time = wire::text_from_value(v),
            (_, lower) if NOT_FIELDS.contains(&lower) => {}
            _ => {
                if let Some(t) = wire::text_from_value(v) {
                    out.info.insert(k.to_owned(), t);
                }
            }
        }
    };
    let mut any = false;
    for (k, v) in obj {
        match (k.as_str(), v) {
            ("contactinfo" | "other", Value::Object(inner)) => {
                any = true;
                for (k2, v2) in inner {
                    take(k2, v2);
                }
            }
            (_, Value::Object(_) | Value::Array(_)) => {}
            _ => {
                any = true;
                take(k, v);
            }
        }
    }
    any.then_some(out)
}

impl Client {
    /// `Directory/update` with only the changed fields.
    pub async fn update_contact(
        &self,
        contact: &ContactNumber,
        changes: &ContactUpdate,
    ) -> Result<(), DeepCallError> {
        changes.validate()?;
        let mut body = changes.body();
        body.insert("contact".into(), Value::String(contact.as_str().to_owned()));
        self.call(Module::Directory, "update", body)
            .await
            .map(|_| ())
    }

    /// `Directory/getInfo` with `field: "all"`. `Ok(None)` when the answer
    /// came but could not be read.
    pub async fn contact_info(
        &self,
        contact: &ContactNumber,
    ) -> Result<Option<ContactInfo>, DeepCallError> {
        let mut body = Map::new();
        body.insert("cn".into(), Value::String(contact.as_str().to_owned()));
        body.insert("field".into(), Value::String("all".into()));
        let answer = self.call(Module::Directory, "getInfo", body).await?;
        Ok(answer.get("response").and_then(read_contact_info))
    }
}

#[cfg(test)]
mod tests;
