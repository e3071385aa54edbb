//! Where a column's cells go: the contact's number, one of its fields (a
//! custom field by its name), or nowhere.

use serde::{Deserialize, Serialize};

use crate::deepcall::directory::form;
use crate::deepcall::directory::ContactField;

/// What the number column is called in messages.
pub const NUMBER_LABEL: &str = "Phone number";

/// Where a column's cells go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "field", rename_all = "camelCase")]
pub enum Target {
    /// The contact's number: which contact the row changes.
    Number,
    /// A field of the contact, by DeepCall's name; a custom field by its name.
    Field(ContactField),
    /// Left out.
    NotUsed,
}

impl Target {
    /// A custom field the manager names for a column, by the editor's rule
    /// for a new field's name; `Err` is that rule's sentence.
    pub fn custom(name: &str) -> Result<Self, String> {
        let name = name.trim();
        match form::custom_field_name(name) {
            Some(problem) => Err(problem),
            None => Ok(Target::Field(ContactField::Custom(name.to_owned()))),
        }
    }

    /// The words a manager reads for it.
    pub fn label(&self) -> &str {
        match self {
            Target::Number => NUMBER_LABEL,
            Target::Field(ContactField::Known(k)) => k.label(),
            Target::Field(ContactField::Custom(name)) => name,
            Target::NotUsed => "Not used",
        }
    }
}
