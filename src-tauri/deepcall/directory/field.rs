//! The fields of a DeepCall contact by their DeepCall names, and a field's
//! value as a value (a flag, a whole number, a date…): the typed facts a
//! change is made of. Decisions read these, never a label or display text.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{rules, Dialer};

/// How a field's value is read, and so how it is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// On or off: a switch.
    Flag,
    /// A whole number, 0 or more.
    Whole,
    /// A calendar date.
    Date,
    /// An email address (text, with the email rule).
    Email,
    /// Anything else: text as typed.
    Text,
}

/// The editor's sections, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum FieldGroup {
    /// `contactinfo`'s documented fields.
    Details,
    /// The two custom fields every account has, and the account's own.
    Custom,
    /// The on/off fields.
    Status,
    /// `other`'s text fields.
    Dialling,
}

/// One documented field as the editor shows it: the UI renders the form
/// from the list of these ([`catalogue`]), so a field is added in this file only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct FieldSpec {
    /// DeepCall's name for it.
    pub key: KnownField,
    /// The plain label a manager reads.
    pub label: &'static str,
    pub kind: ValueKind,
    pub group: FieldGroup,
    /// What the field is for, when its label does not say it all.
    pub help: Option<&'static str>,
}

/// Every documented field, in the editor's order.
pub fn catalogue() -> Vec<FieldSpec> {
    KnownField::ALL.map(KnownField::spec).to_vec()
}

/// A field DeepCall documents, serialised as its DeepCall name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "lowercase")]
pub enum KnownField {
    Name,
    Email,
    Dob,
    Address,
    Company,
    Designation,
    #[serde(rename = "custom_field_1")]
    CustomField1,
    #[serde(rename = "custom_field_2")]
    CustomField2,
    Vip,
    Blacklist,
    Obd,
    Ibd,
    Pc,
    Ctc,
    TotalCalls,
    Source,
    LastCallTime,
}

impl KnownField {
    /// Every documented field, in the editor's order (section by section).
    pub const ALL: [KnownField; 17] = [
        KnownField::Name,
        KnownField::Email,
        KnownField::Dob,
        KnownField::Address,
        KnownField::Company,
        KnownField::Designation,
        KnownField::CustomField1,
        KnownField::CustomField2,
        KnownField::Vip,
        KnownField::Blacklist,
        KnownField::Obd,
        KnownField::Ibd,
        KnownField::Pc,
        KnownField::Ctc,
        KnownField::TotalCalls,
        KnownField::Source,
        KnownField::LastCallTime,
    ];

    /// `contactinfo`'s documented fields, in the editor's order.
    pub const INFO: [KnownField; count_in(&INFO_GROUPS)] = fields_in(&INFO_GROUPS);

    /// `other`'s text fields, in the editor's order.
    pub const OTHER_TEXT: [KnownField; count_in(&[FieldGroup::Dialling])] =
        fields_in(&[FieldGroup::Dialling]);

    /// DeepCall's name for the field (the same as its serialised form).
    pub const fn name(self) -> &'static str {
        match self {
            KnownField::Name => "name",
            KnownField::Email => "email",
            KnownField::Dob => "dob",
            KnownField::Address => "address",
            KnownField::Company => "company",
            KnownField::Designation => "designation",
            KnownField::CustomField1 => "custom_field_1",
            KnownField::CustomField2 => "custom_field_2",
            KnownField::Vip => "vip",
            KnownField::Blacklist => "blacklist",
            KnownField::Obd => "obd",
            KnownField::Ibd => "ibd",
            KnownField::Pc => "pc",
            KnownField::Ctc => "ctc",
            KnownField::TotalCalls => "totalcalls",
            KnownField::Source => "source",
            KnownField::LastCallTime => "lastcalltime",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    pub const fn kind(self) -> ValueKind {
        match self {
            KnownField::Vip | KnownField::Blacklist => ValueKind::Flag,
            KnownField::TotalCalls | KnownField::Source => ValueKind::Whole,
            KnownField::Dob | KnownField::LastCallTime => ValueKind::Date,
            KnownField::Email => ValueKind::Email,
            _ => ValueKind::Text,
        }
    }

    /// The plain label a manager reads.
    pub const fn label(self) -> &'static str {
        match self {
            KnownField::Name => "Name",
            KnownField::Email => "Email",
            KnownField::Dob => "Date of birth",
            KnownField::Address => "Address",
            KnownField::Company => "Company",
            KnownField::Designation => "Job title",
            KnownField::CustomField1 => "Custom field 1",
            KnownField::CustomField2 => "Custom field 2",
            KnownField::Vip => "VIP",
            KnownField::Blacklist => "Blacklisted",
            KnownField::Obd => "Outbound dialler status",
            KnownField::Ibd => "Inbound dialler status",
            KnownField::Pc => "Preview call status",
            KnownField::Ctc => "Click-to-call status",
            KnownField::TotalCalls => "Total calls",
            KnownField::Source => "Source",
            KnownField::LastCallTime => "Last call date",
        }
    }

    /// What the field is for, shown under it.
    pub const fn help(self) -> Option<&'static str> {
        match self {
            KnownField::Name => Some("Letters, spaces and dots only."),
            KnownField::Email => Some("For example name@example.com."),
            KnownField::CustomField1 | KnownField::CustomField2 => {
                Some("What it holds depends on your account.")
            }
            KnownField::Vip => Some("An important customer."),
            KnownField::Blacklist => {
                Some("Blacklisting may stop all further communication with this customer.")
            }
            KnownField::TotalCalls => Some("A whole number, 0 or more."),
            KnownField::Source => Some(
                "How the contact came in, as your account numbers it (for example 1 = added by hand).",
            ),
            _ => None,
        }
    }

    /// The editor's section for the field; from it, where the field goes
    /// in `Directory/update` ([`Self::is_info`]).
    pub const fn group(self) -> FieldGroup {
        match self {
            KnownField::Name
            | KnownField::Email
            | KnownField::Dob
            | KnownField::Address
            | KnownField::Company
            | KnownField::Designation => FieldGroup::Details,
            KnownField::CustomField1 | KnownField::CustomField2 => FieldGroup::Custom,
            KnownField::Vip | KnownField::Blacklist => FieldGroup::Status,
            KnownField::Obd
            | KnownField::Ibd
            | KnownField::Pc
            | KnownField::Ctc
            | KnownField::TotalCalls
            | KnownField::Source
            | KnownField::LastCallTime => FieldGroup::Dialling,
        }
    }

    /// Whether the field's section is one of `groups`.
    const fn in_any(self, groups: &[FieldGroup]) -> bool {
        let mut i = 0;
        while i < groups.len() {
            if groups[i] as u8 == self.group() as u8 {
                return true;
            }
            i += 1;
        }
        false
    }

    pub const fn spec(self) -> FieldSpec {
        FieldSpec {
            key: self,
            label: self.label(),
            kind: self.kind(),
            group: self.group(),
            help: self.help(),
        }
    }

    /// The dialer status this field holds, if it is one.
    pub fn dialer(self) -> Option<Dialer> {
        match self {
            KnownField::Obd => Some(Dialer::Obd),
            KnownField::Ibd => Some(Dialer::Ibd),
            KnownField::Pc => Some(Dialer::Pc),
            KnownField::Ctc => Some(Dialer::Ctc),
            _ => None,
        }
    }

    /// Whether the field belongs in `contactinfo` (otherwise `other`).
    pub const fn is_info(self) -> bool {
        self.in_any(&INFO_GROUPS)
    }
}

/// The sections whose fields `Directory/update` carries in `contactinfo`.
const INFO_GROUPS: [FieldGroup; 2] = [FieldGroup::Details, FieldGroup::Custom];

/// How many fields are in one of `groups`.
const fn count_in(groups: &[FieldGroup]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < KnownField::ALL.len() {
        if KnownField::ALL[i].in_any(groups) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The fields in one of `groups`, in the editor's order; `N` is
/// [`count_in`] of the same groups.
const fn fields_in<const N: usize>(groups: &[FieldGroup]) -> [KnownField; N] {
    let mut fields = [KnownField::Name; N];
    let mut n = 0;
    let mut i = 0;
    while i < KnownField::ALL.len() {
        if KnownField::ALL[i].in_any(groups) {
            fields[n] = KnownField::ALL[i];
            n += 1;
        }
        i += 1;
    }
    assert!(n == N, "N must be count_in(groups)");
    fields
}

/// One field of a contact: a documented one, or one of the account's own
/// custom fields by its name. Serialised as DeepCall's name either way.
///
/// Build it with [`ContactField::from_name`] (or deserialise it): a
/// documented name always becomes [`ContactField::Known`].
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(untagged)]
pub enum ContactField {
    Known(KnownField),
    Custom(String),
}

impl ContactField {
    pub const BLACKLIST: ContactField = ContactField::Known(KnownField::Blacklist);

    pub fn from_name(name: &str) -> Self {
        KnownField::from_name(name).map_or_else(|| Self::Custom(name.to_owned()), Self::Known)
    }

    /// DeepCall's name for the field.
    pub fn name(&self) -> &str {
        match self {
            Self::Known(k) => k.name(),
            Self::Custom(n) => n,
        }
    }

    pub fn kind(&self) -> ValueKind {
        match self {
            Self::Known(k) => k.kind(),
            Self::Custom(_) => ValueKind::Text,
        }
    }

    /// Whether the field belongs in `contactinfo` (custom fields do).
    pub fn is_info(&self) -> bool {
        match self {
            Self::Known(k) => k.is_info(),
            Self::Custom(_) => true,
        }
    }
}

impl fmt::Display for ContactField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A real calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct CalendarDate {
    pub day: u32,
    pub month: u32,
    pub year: i32,
}

impl CalendarDate {
    /// Reads `dd-mm-YYYY` when it is a date on the calendar.
    pub fn parse(v: &str) -> Option<Self> {
        rules::parse_date(v).map(|(day, month, year)| Self { day, month, year })
    }
}

/// As DeepCall writes it: `dd-mm-YYYY`.
impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}-{:04}", self.day, self.month, self.year)
    }
}

/// A field's value as a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum FieldValue {
    /// The field is empty.
    Empty,
    /// The value could not be read (a switch on a form that started empty).
    NotKnown,
    /// On (`true`) or off.
    Flag(bool),
    /// A whole number, 0 or more (at most 15 digits, so exact in JavaScript).
    Whole(u64),
    /// A real calendar date.
    Date(CalendarDate),
    /// Text as typed (trimmed); also a number or date field's value that is
    /// not (yet) a valid number or date.
    Text(String),
}

impl FieldValue {
    /// A switch's value.
    pub fn flag(v: Option<bool>) -> Self {
        v.map_or(Self::NotKnown, Self::Flag)
    }

    /// A text field's value for a field of `kind`, from text already
    /// trimmed (and with dates in DeepCall's format when they are dates).
    pub fn read(kind: ValueKind, text: &str) -> Self {
        if text.is_empty() {
            return Self::Empty;
        }
        let typed = match kind {
            ValueKind::Whole if rules::non_negative_whole(text).is_none() => {
                text.parse().ok().map(Self::Whole)
            }
            ValueKind::Date => CalendarDate::parse(text).map(Self::Date),
            _ => None,
        };
        typed.unwrap_or_else(|| Self::Text(text.to_owned()))
    }

    /// The value as DeepCall's text fields carry it.
    pub fn deepcall_text(&self) -> String {
        match self {
            Self::Empty | Self::NotKnown => String::new(),
            Self::Flag(true) => "on".into(),
            Self::Flag(false) => "off".into(),
            Self::Whole(n) => n.to_string(),
            Self::Date(d) => d.to_string(),
            Self::Text(t) => t.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
