//! Which field a column's header names: the words spreadsheets use
//! ("Mobile No.", "Customer Name", "Email ID"), DeepCall's field names and
//! the editor's labels. Only a proposal: the manager sees every choice in
//! the Columns step and may change it.

use super::target::Target;
use crate::deepcall::directory::{ContactField, KnownField};

/// What a header word names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    Number,
    Field(KnownField),
}

/// Header words (as [`header_key`] reads them) beyond each field's DeepCall
/// name and editor label, which are recognised from the catalogue
/// (`field.rs`). The one list of such words.
const WORDS: &[(&str, Names)] = &[
    // The contact's number.
    ("number", Names::Number),
    ("phone", Names::Number),
    ("phonenumber", Names::Number),
    ("phoneno", Names::Number),
    ("mobile", Names::Number),
    ("mobilenumber", Names::Number),
    ("mobileno", Names::Number),
    ("mobilephone", Names::Number),
    ("mob", Names::Number),
    ("mobno", Names::Number),
    ("contact", Names::Number),
    ("contactnumber", Names::Number),
    ("contactno", Names::Number),
    ("cn", Names::Number),
    ("cell", Names::Number),
    ("cellphone", Names::Number),
    ("cellnumber", Names::Number),
    ("cellno", Names::Number),
    ("telephone", Names::Number),
    ("telephonenumber", Names::Number),
    ("telephoneno", Names::Number),
    ("tel", Names::Number),
    ("telno", Names::Number),
    ("whatsapp", Names::Number),
    ("whatsappnumber", Names::Number),
    ("whatsappno", Names::Number),
    // Name.
    ("fullname", Names::Field(KnownField::Name)),
    ("customername", Names::Field(KnownField::Name)),
    ("contactname", Names::Field(KnownField::Name)),
    ("clientname", Names::Field(KnownField::Name)),
    ("callername", Names::Field(KnownField::Name)),
    // Email.
    ("emailid", Names::Field(KnownField::Email)),
    ("emailaddress", Names::Field(KnownField::Email)),
    ("mail", Names::Field(KnownField::Email)),
    ("mailid", Names::Field(KnownField::Email)),
    // Company.
    ("companyname", Names::Field(KnownField::Company)),
    ("organisation", Names::Field(KnownField::Company)),
    ("organization", Names::Field(KnownField::Company)),
    ("organisationname", Names::Field(KnownField::Company)),
    ("organizationname", Names::Field(KnownField::Company)),
    ("firm", Names::Field(KnownField::Company)),
    ("firmname", Names::Field(KnownField::Company)),
    ("businessname", Names::Field(KnownField::Company)),
    // Date of birth.
    ("birthdate", Names::Field(KnownField::Dob)),
    ("birthday", Names::Field(KnownField::Dob)),
    // Job title: "Designation" and "Job Title" are its name and label.
    // Address.
    ("fulladdress", Names::Field(KnownField::Address)),
    ("postaladdress", Names::Field(KnownField::Address)),
    ("streetaddress", Names::Field(KnownField::Address)),
    ("residentialaddress", Names::Field(KnownField::Address)),
    ("homeaddress", Names::Field(KnownField::Address)),
    ("officeaddress", Names::Field(KnownField::Address)),
    ("addressline1", Names::Field(KnownField::Address)),
    // Status.
    ("isvip", Names::Field(KnownField::Vip)),
    ("vipcustomer", Names::Field(KnownField::Vip)),
    ("isblacklisted", Names::Field(KnownField::Blacklist)),
];

/// A header as it is compared: letters and digits only, lower case, so
/// case, spaces, `_`, `-` and punctuation do not matter.
pub fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a header means, when it names the number or a documented field
/// (by a word above, DeepCall's name or the editor's label); otherwise
/// [`Target::NotUsed`].
pub fn target_for(header: &str) -> Target {
    let key = header_key(header);
    if key.is_empty() {
        return Target::NotUsed;
    }
    let names = WORDS
        .iter()
        .find(|(word, _)| *word == key)
        .map(|(_, names)| *names)
        .or_else(|| {
            KnownField::ALL
                .into_iter()
                .find(|f| header_key(f.name()) == key || header_key(f.label()) == key)
                .map(Names::Field)
        });
    match names {
        Some(Names::Number) => Target::Number,
        Some(Names::Field(f)) => Target::Field(ContactField::Known(f)),
        None => Target::NotUsed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(f: KnownField) -> Target {
        Target::Field(ContactField::Known(f))
    }

    #[test]
    fn spreadsheet_headers_for_the_number() {
        for header in [
            "Mobile",
            "Mobile No",
            "Mobile No.",
            "Mobile Number",
            "Phone No.",
            "Phone Number",
            "Contact No",
            "Cell",
            "Cell Phone",
            "WhatsApp No",
            "number",
            "Phone",
            "PHONE NUMBER",
            "phone_number",
            "Contact",
            "Contact Number",
            "contact-number",
            "CN",
            " Mobile No. ",
            "Tel.",
            "Telephone No",
        ] {
            assert_eq!(target_for(header), Target::Number, "{header}");
        }
    }

    #[test]
    fn spreadsheet_headers_for_the_fields() {
        for (header, field) in [
            ("Customer Name", KnownField::Name),
            ("Full Name", KnownField::Name),
            ("full_name", KnownField::Name),
            ("Contact Name", KnownField::Name),
            ("Client Name", KnownField::Name),
            ("Name", KnownField::Name),
            ("E-mail", KnownField::Email),
            ("Email ID", KnownField::Email),
            ("Email Address", KnownField::Email),
            ("Mail ID", KnownField::Email),
            ("e_mail", KnownField::Email),
            ("Company Name", KnownField::Company),
            ("Organisation", KnownField::Company),
            ("Organization", KnownField::Company),
            ("Firm", KnownField::Company),
            ("Company", KnownField::Company),
            ("DOB", KnownField::Dob),
            ("D.O.B.", KnownField::Dob),
            ("Date of Birth", KnownField::Dob),
            ("Birth Date", KnownField::Dob),
            ("Designation", KnownField::Designation),
            ("Job Title", KnownField::Designation),
            ("Address", KnownField::Address),
            ("Full Address", KnownField::Address),
            ("Postal Address", KnownField::Address),
            ("VIP", KnownField::Vip),
            ("vip?", KnownField::Vip),
            ("Blacklist", KnownField::Blacklist),
            ("blacklisted", KnownField::Blacklist),
            ("custom_field_1", KnownField::CustomField1),
            ("Custom Field 2", KnownField::CustomField2),
            ("Total calls", KnownField::TotalCalls),
            ("lastcalltime", KnownField::LastCallTime),
            ("Last call date", KnownField::LastCallTime),
            ("Click-to-call status", KnownField::Ctc),
        ] {
            assert_eq!(target_for(header), known(field), "{header}");
        }
    }

    #[test]
    fn other_headers_are_not_used() {
        for other in [
            "",
            "  ",
            "Notes",
            "preferred_language",
            "Lead Source",
            "#",
            "City",
            "Customer",
            "Address Line 2",
            "Title",
            "Do not call",
        ] {
            assert_eq!(target_for(other), Target::NotUsed, "{other}");
        }
    }

    #[test]
    fn every_documented_field_by_its_name_and_its_label() {
        for f in KnownField::ALL {
            assert_eq!(target_for(f.name()), known(f));
            assert_eq!(target_for(f.label()), known(f));
        }
    }

    #[test]
    fn each_word_once_and_none_a_name_or_label_already() {
        for (i, (word, _)) in WORDS.iter().enumerate() {
            assert_eq!(header_key(word), *word, "{word} is written as a key");
            assert!(
                WORDS[i + 1..].iter().all(|(w, _)| w != word),
                "{word} twice"
            );
            assert!(
                KnownField::ALL
                    .iter()
                    .all(|f| header_key(f.name()) != *word && header_key(f.label()) != *word),
                "{word} is a field's own name or label"
            );
        }
    }
}
