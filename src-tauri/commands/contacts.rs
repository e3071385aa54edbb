//! Contacts: find a caller by number, check the editor's changes as the
//! manager types, and save exactly those changes through `Directory/update`.
//! Every rule lives in `deepcall::directory`; these only connect it.

use serde::Serialize;
use tauri::State;

use super::AppError;
use crate::app::AppState;
use crate::deepcall::directory::form::{self, ChangeReview, ContactForm, FieldChange};
use crate::deepcall::directory::ContactNumber;
use crate::deepcall::{ApiErrorKind, DeepCallError};

/// A contact ready to edit.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ContactLookup {
    /// The number as DeepCall keys it (digits only); sent back on save.
    pub number: String,
    /// The number as the manager wrote it, tidied: digits with their leading `+`.
    pub display: String,
    /// The contact's name, when DeepCall sent one.
    pub name: Option<String>,
    /// What the form starts with: the current values, or every field empty.
    pub form: ContactForm,
    /// Whether `form` holds DeepCall's current values.
    pub prefilled: bool,
    /// Why the form starts empty, in plain words.
    pub note: Option<String>,
}

/// What was saved.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedContact {
    pub changes: Vec<FieldChange>,
}

fn display_number(typed: &str, number: &ContactNumber) -> String {
    if typed.trim().starts_with('+') {
        format!("+{}", number.as_str())
    } else {
        number.as_str().to_owned()
    }
}

/// Looks the number up with `Directory/getInfo`. A number that cannot be a
/// phone number is refused before any request.
#[tauri::command]
#[specta::specta]
pub async fn contact_lookup(
    state: State<'_, AppState>,
    number: String,
) -> Result<ContactLookup, AppError> {
    let parsed = ContactNumber::parse(&number)?;
    let client = state.client().await?;
    let empty = |why: String| ContactLookup {
        number: parsed.as_str().to_owned(),
        display: display_number(&number, &parsed),
        name: None,
        form: ContactForm::empty(),
        prefilled: false,
        note: Some(format!(
            "{why} The form starts empty: only the fields you fill in will change, and \
             everything else stays as it is in DeepCall."
        )),
    };
    match client.contact_info(&parsed).await {
        Ok(Some(info)) => {
            let form = ContactForm::from_info(&info);
            let name = form
                .info
                .get("name")
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty());
            Ok(ContactLookup {
                number: parsed.as_str().to_owned(),
                display: display_number(&number, &parsed),
                name,
                form,
                prefilled: true,
                note: None,
            })
        }
        Ok(None) => Ok(empty(
            "DeepCall answered, but its answer did not contain this contact's current values in a form this app can read.".into(),
        )),
        // Saving would fail for the same reason: say so now.
        Err(e @ DeepCallError::InvalidInput { .. }) => Err(e.into()),
        Err(e)
            if matches!(
                e.api_kind(),
                Some(
                    ApiErrorKind::ContactNotFound
                        | ApiErrorKind::InvalidContactNumber
                        | ApiErrorKind::InvalidToken
                )
            ) =>
        {
            Err(e.into())
        }
        Err(e) => Ok(empty(format!(
            "This contact's current values could not be read: {e}"
        ))),
    }
}

/// What the form would change, and every problem with it, for the UI to
/// show beside each field as the manager types. Sends nothing.
#[tauri::command]
#[specta::specta]
pub async fn check_contact_changes(original: ContactForm, edited: ContactForm) -> ChangeReview {
    form::review(&original, &edited)
}

/// Sends exactly the changes from `original` to `edited` in one
/// `Directory/update`, after checking them again. A change that blacklists
/// the contact (read from the typed change, see `form::blacklists`) also
/// needs `blacklist_confirmed`: the manager accepted the warning.
#[tauri::command]
#[specta::specta]
pub async fn save_contact(
    state: State<'_, AppState>,
    number: String,
    original: ContactForm,
    edited: ContactForm,
    blacklist_confirmed: bool,
) -> Result<SavedContact, AppError> {
    let parsed = ContactNumber::parse(&number)?;
    let save = form::save(&original, &edited, blacklist_confirmed)?;
    state
        .client()
        .await?
        .update_contact(&parsed, &save.update)
        .await?;
    Ok(SavedContact {
        changes: save.changes,
    })
}
