//! The contact editor's checks: each rule (`directory::rules`, the number,
//! field names, dates), the review of a form against the one it started
//! from (`form::review`) and Save (`form::save`), with what Save accepted
//! read back as DeepCall would hand it over.
//!
//! The input is text, one `field=value` a line. Lines before a line `--` are
//! the contact's values as `Directory/getInfo` gives them (the form starts
//! from them; without `--` it starts empty, as for a bulk row). The lines
//! after it are the manager's edits: `field=value` types a value (into
//! `other` for its text fields, or with an `other.` prefix), `vip=y` or
//! `blacklist=n` sets a switch (anything else leaves it not known), and
//! `-field` removes a field.
#![no_main]

use deepcall_desk::deepcall::directory::form::{self, ContactForm};
use deepcall_desk::deepcall::directory::{
    read_contact_info, rules, ContactNumber, FieldValue, KnownField, ValueKind,
};
use deepcall_desk::deepcall::DeepCallError;
use deepcall_desk_fuzz::{assert_sentence, split};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fuzz_target!(|data: &[u8]| {
    // The choices part is not used: the text says it all.
    let text = String::from_utf8_lossy(split(data).0);
    let (known, edits) = match text.split_once("\n--\n") {
        Some((known, edits)) => (Some(known), edits),
        None => (None, text.as_ref()),
    };
    let original = match known {
        Some(known) => {
            let answer: Map<String, Value> = entries(known)
                .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
                .collect();
            read_contact_info(&Value::Object(answer))
                .map_or_else(ContactForm::empty, |info| ContactForm::from_info(&info))
        }
        None => ContactForm::empty(),
    };
    let mut edited = original.clone();
    for line in edits.lines() {
        if let Some(field) = line.strip_prefix('-') {
            edited.info.remove(field);
            edited.other.remove(field);
            continue;
        }
        let (field, value) = line.split_once('=').unwrap_or((line, ""));
        check_rules(field, value);
        let switch = match value {
            "y" => Some(true),
            "n" => Some(false),
            _ => None,
        };
        match field {
            "vip" => edited.vip = switch,
            "blacklist" => edited.blacklist = switch,
            _ => {
                let other = field.strip_prefix("other.");
                let is_other =
                    other.is_some() || KnownField::OTHER_TEXT.iter().any(|k| k.name() == field);
                let side = if is_other {
                    &mut edited.other
                } else {
                    &mut edited.info
                };
                side.insert(other.unwrap_or(field).to_owned(), value.to_owned());
            }
        }
    }
    check_form(&original, &edited);
});

fn entries(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines().map(|l| l.split_once('=').unwrap_or((l, "")))
}

/// Each rule on its own: what it accepts reads back as itself, and what it
/// refuses it says in a sentence.
fn check_rules(field: &str, value: &str) {
    let sentence = |problem: Option<String>| {
        if let Some(p) = problem {
            assert_sentence(&p);
        }
    };
    match rules::parse_date(value) {
        Some((d, m, y)) => {
            assert_eq!(rules::date(value), None);
            let written = format!("{d:02}-{m:02}-{y:04}");
            assert_eq!(rules::parse_date(&written), Some((d, m, y)));
        }
        None => sentence(rules::date(value)),
    }
    if let Some(date) = form::deepcall_date(value) {
        assert_eq!(rules::date(&date), None, "{value:?} became {date:?}");
        assert_eq!(form::deepcall_date(&date).as_ref(), Some(&date));
        let picked = form::picker_date(value).expect("a date the picker cannot show");
        assert_eq!(form::deepcall_date(&picked), Some(date));
    }
    match rules::non_negative_whole(value) {
        None => {
            let FieldValue::Whole(n) = FieldValue::read(ValueKind::Whole, value.trim()) else {
                panic!("{value:?} accepted as a whole number but not read as one");
            };
            assert_eq!(
                FieldValue::read(ValueKind::Whole, &n.to_string()),
                FieldValue::Whole(n)
            );
        }
        problem => sentence(problem),
    }
    match rules::email(value) {
        None => assert_eq!(rules::email(value.trim()), None),
        problem => sentence(problem),
    }
    match rules::name(value) {
        None => assert!(!value.trim().is_empty()),
        problem => sentence(problem),
    }
    match ContactNumber::parse(value) {
        Ok(n) => {
            assert!((6..=15).contains(&n.as_str().len()));
            assert!(n.as_str().bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(ContactNumber::parse(n.as_str()), Ok(n));
        }
        Err(DeepCallError::InvalidInput { field, message }) => {
            assert_eq!(field, "contact");
            assert_sentence(&message);
        }
        Err(e) => panic!("a number refused as {e:?}"),
    }
    match form::custom_field_name(field) {
        None => assert_eq!(form::sendable_field_name(field), None),
        problem => sentence(problem),
    }
}

fn check_form(original: &ContactForm, edited: &ContactForm) {
    let review = form::review(original, edited);
    assert_eq!(review.blacklists, form::blacklists(&review.changes));
    for c in &review.changes {
        assert_ne!(c.before, c.after, "a change that changes nothing");
    }
    for (field, message) in &review.problems {
        assert_sentence(message);
        assert!(
            review.changes.iter().any(|c| c.field.name() == field)
                || (edited.info.contains_key(field) && !original.info.contains_key(field)),
            "a problem with {field:?}, which did not change"
        );
    }

    if review.blacklists {
        match form::save(original, edited, false) {
            Err(DeepCallError::InvalidInput { field, .. }) => assert_eq!(field, "blacklist"),
            other => panic!("blacklisted without confirmation: {other:?}"),
        }
    }
    let saved = match form::save(original, edited, true) {
        Ok(saved) => saved,
        Err(DeepCallError::InvalidInput { message, .. }) => return assert_sentence(&message),
        Err(e) => panic!("a form refused as {e:?}"),
    };
    assert!(review.problems.is_empty());
    assert_eq!(saved.changes, review.changes);
    assert!(!saved.update.is_empty());
    // What the client checks again before it sends.
    if let Err(e) = saved.update.validate() {
        panic!("a form Save accepted that the client refuses: {e:?}");
    }

    // History's Try again: the changes typed into the form they were made
    // to are the same changes.
    let again = original.with_values(saved.changes.iter().map(|c| (&c.field, &c.after)));
    assert_eq!(form::review(original, &again).changes, saved.changes);

    // Read back: the update as DeepCall keeps it, given by `getInfo`, shows
    // each changed field with its new value.
    let answer = Value::Object(saved.update.body());
    let info = read_contact_info(&answer).expect("an update that reads back as nothing");
    let back = ContactForm::from_info(&info);
    for c in &saved.changes {
        assert_eq!(
            form::value_in(&back, &c.field),
            c.after,
            "{} was sent as {:?} but reads back otherwise",
            c.field,
            c.after
        );
    }
}
