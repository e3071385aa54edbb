//! The changed-since rule: what DeepCall holds now for a row's fields,
//! against the row's values and the values from before it. A contact that
//! holds neither was changed by someone since, and is never overwritten.

use crate::deepcall::directory::field::FieldValue;
use crate::deepcall::directory::form::{self, ContactForm};
use crate::history::Change;

/// What a fresh read of a row's contact shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Every field the row sets holds the row's value.
    After,
    /// Every field holds its value from before the row (all known).
    Before,
    /// The values from before are known, and some field holds neither
    /// them nor the row's: changed since. The fields, by DeepCall's names.
    Neither(Vec<String>),
    /// Not the row's values, and what was there before is not known.
    Unclear(Vec<String>),
}

/// Compares a contact row's change with the contact as read now.
pub fn compare(change: &Change, now: &ContactForm) -> Found {
    let Change::Contact { changes, .. } = change else {
        return Found::Unclear(Vec::new());
    };
    let current = |c: &form::FieldChange| form::value_in(now, &c.field);
    if changes.iter().all(|c| current(c) == c.after) {
        return Found::After;
    }
    let differing: Vec<String> = changes
        .iter()
        .filter(|c| current(c) != c.after)
        .map(|c| c.field.name().to_owned())
        .collect();
    if changes.iter().any(|c| c.before == FieldValue::NotKnown) {
        return Found::Unclear(differing);
    }
    if changes.iter().all(|c| current(c) == c.before) {
        Found::Before
    } else {
        Found::Neither(differing)
    }
}

/// The change with every value from before that was not known taken from
/// the contact as read now.
pub fn with_before(change: &Change, now: &ContactForm) -> Change {
    let mut change = change.clone();
    if let Change::Contact { changes, .. } = &mut change {
        for c in changes.iter_mut() {
            if c.before == FieldValue::NotKnown {
                c.before = form::value_in(now, &c.field);
            }
        }
    }
    change
}

/// A list of field names for a sentence: "vip", "vip and name", "a, b and c".
pub fn fields_words(fields: &[String]) -> String {
    match fields {
        [] => "its fields".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deepcall::directory::field::{ContactField, KnownField};
    use crate::deepcall::directory::form::FieldChange;

    fn row(before: FieldValue, after: FieldValue) -> Change {
        Change::Contact {
            number: "9876543210".into(),
            name: None,
            changes: vec![FieldChange {
                field: ContactField::Known(KnownField::Blacklist),
                before,
                after,
            }],
        }
    }

    fn contact(blacklist: Option<bool>) -> ContactForm {
        let mut f = ContactForm::empty();
        if let Some(b) = blacklist {
            f = f.with_values([(
                &ContactField::Known(KnownField::Blacklist),
                &FieldValue::Flag(b),
            )]);
        }
        f
    }

    #[test]
    fn the_rows_values_are_after_whatever_was_known() {
        for before in [FieldValue::NotKnown, FieldValue::Flag(false)] {
            let r = row(before, FieldValue::Flag(true));
            assert_eq!(compare(&r, &contact(Some(true))), Found::After);
        }
    }

    #[test]
    fn known_values_from_before_tell_not_applied_from_changed_since() {
        let r = row(FieldValue::Flag(false), FieldValue::Flag(true));
        assert_eq!(compare(&r, &contact(Some(false))), Found::Before);
        // Someone set the field to a value that is neither (here: cleared).
        let cleared = compare(&r, &ContactForm::empty());
        assert_eq!(cleared, Found::Neither(vec!["blacklist".into()]));
    }

    #[test]
    fn without_the_values_from_before_it_cannot_be_told() {
        // The un-blacklisted-on-purpose case: not the row's value, and
        // nothing says whether it ever was.
        let r = row(FieldValue::NotKnown, FieldValue::Flag(true));
        assert_eq!(
            compare(&r, &contact(Some(false))),
            Found::Unclear(vec!["blacklist".into()])
        );
    }

    #[test]
    fn a_read_fills_in_what_was_not_known_before() {
        let r = row(FieldValue::NotKnown, FieldValue::Flag(true));
        let known = with_before(&r, &contact(Some(false)));
        assert_eq!(compare(&known, &contact(Some(false))), Found::Before);
        // A value already known is kept.
        let r = row(FieldValue::Flag(true), FieldValue::Flag(false));
        assert_eq!(with_before(&r, &contact(Some(false))), r);
    }

    #[test]
    fn field_lists_read_as_words() {
        let f = |v: &[&str]| fields_words(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(f(&["vip"]), "vip");
        assert_eq!(f(&["vip", "name"]), "vip and name");
        assert_eq!(f(&["a", "b", "c"]), "a, b and c");
    }
}
