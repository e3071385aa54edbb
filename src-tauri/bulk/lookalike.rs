//! Numbers that may be the same caller written two ways: `+91 98100 00001`,
//! `098100 00001` and `98100 00001` in one file.
//!
//! DeepCall keys a contact by the digits it is given, so these are three
//! contacts to it, and the app never rewrites a number the manager gave
//! (`ContactNumber::parse` only drops spaces, dashes, dots, brackets and a
//! leading `+`). What it does is name such rows in the preview, and let the
//! manager choose: send each as written, or only the last.
//!
//! The rule, on the digits as they are sent:
//!
//! - a number's *national form* is the 10 digits India dials it with at
//!   home, when it has one: its digits when there are exactly 10; the last
//!   10 when there are exactly 11 and the first is `0` (the trunk prefix);
//!   the last 10 when there are exactly 12 and the first two are `91` (the
//!   country code, written with or without `+`). Those 10 digits never start
//!   with `0` (no Indian number does); any other number has no national form;
//! - two numbers *may be the same caller* when they differ as written and
//!   have the same national form.
//!
//! So `9810000001`, `09810000001` and `919810000001` may be the same caller;
//! `8109810000001` (13 digits) is not one of them though it ends alike, and
//! `+91 98100 00001` is `919810000001` exactly: an exact duplicate, which the
//! preview handles already (the last row for a number wins).

use serde::{Deserialize, Serialize};

use crate::deepcall::directory::ContactNumber;

/// What becomes of rows whose numbers may be the same caller.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SameCaller {
    /// Each row is sent to its number as written. The default: nothing is
    /// left out that the manager did not choose to leave out, and the rows
    /// are named in the preview before anything is sent.
    #[default]
    KeepBoth,
    /// Only the last of such rows is sent; the others are left out, each
    /// with the reason, as for the same number written twice.
    KeepLast,
}

/// Another row whose number may be the same caller as this row's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Lookalike {
    /// The last file line that writes the number this way.
    pub line: u32,
    /// The number as it is sent.
    pub number: ContactNumber,
}

/// The 10 digits India dials `digits` with at home (see the module's rule),
/// or `None`.
pub fn national(digits: &str) -> Option<&str> {
    let ten = match digits.len() {
        10 => digits,
        11 => digits.strip_prefix('0')?,
        12 => digits.strip_prefix("91")?,
        _ => return None,
    };
    (ten.len() == 10 && ten.bytes().all(|b| b.is_ascii_digit()) && !ten.starts_with('0'))
        .then_some(ten)
}

/// Whether two numbers, as sent, may be the same caller.
pub fn may_be_same(a: &ContactNumber, b: &ContactNumber) -> bool {
    a != b && national(a.as_str()).is_some_and(|n| national(b.as_str()) == Some(n))
}

#[cfg(test)]
mod tests;
