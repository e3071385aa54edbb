//! Contacts: find a caller by number, check the editor's changes as the
//! manager types, and save exactly those changes through `Directory/update`.
//! Every rule lives in `deepcall::directory`; these only connect it.

use serde::{Deserialize, Serialize};
use tauri::State;

use super::AppState;
use super::{blocking, AppError, ErrorKind};
use crate::deepcall::directory::form::{self, ChangeReview, ContactForm, FieldChange};
use crate::deepcall::directory::ContactNumber;
use crate::deepcall::{ApiErrorKind, Client, DeepCallError};
use crate::history::{Change, Entry, Purpose};
use crate::sending::send;

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
    look_up(&state.client().await?, &number, &parsed).await
}

async fn look_up(
    client: &Client,
    typed: &str,
    parsed: &ContactNumber,
) -> Result<ContactLookup, AppError> {
    let empty = |why: String| ContactLookup {
        number: parsed.as_str().to_owned(),
        display: display_number(typed, parsed),
        name: None,
        form: ContactForm::empty(),
        prefilled: false,
        note: Some(format!(
            "{why} The form starts empty: only the fields you fill in will change, and \
             everything else stays as it is in DeepCall."
        )),
    };
    match client.contact_info(parsed).await {
        Ok(Some(info)) => {
            let form = ContactForm::from_info(&info);
            let name = form
                .info
                .get("name")
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty());
            Ok(ContactLookup {
                number: parsed.as_str().to_owned(),
                display: display_number(typed, parsed),
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

/// Which of a History entry's values to put in the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum HistoryValues {
    /// Revert: the values from before the change.
    Before,
    /// Try again: the values the change set.
    After,
}

/// The contact editor, opened from History with a recorded change's values.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ContactFromHistory {
    /// The contact as DeepCall has it now.
    pub lookup: ContactLookup,
    /// `lookup.form` with the entry's values put in, where they are known:
    /// the editor starts with these as the manager's edits, to review.
    pub edited: ContactForm,
    /// What saving it is, for History.
    pub purpose: Purpose,
}

/// Opens a recorded contact change in the editor: `before` to revert it,
/// `after` to try it again. Nothing is sent until the manager saves, with
/// the editor's review and warnings. Only the active account's changes.
#[tauri::command]
#[specta::specta]
pub async fn contact_from_history(
    state: State<'_, AppState>,
    entry: i64,
    values: HistoryValues,
) -> Result<ContactFromHistory, AppError> {
    let history = state.history().await?;
    let found = blocking(move || Ok(history.entry(entry)?)).await?;
    let Some(Entry {
        account,
        change: Change::Contact {
            number, changes, ..
        },
        ..
    }) = found
    else {
        return Err(AppError::new(
            ErrorKind::NotFound,
            "That History entry is not a contact change.",
        ));
    };
    let wanted = (!account.sandbox).then(|| account.id.clone());
    let (client, _) = state.sender_for(wanted).await.map_err(|e| match e.kind {
        // Another account is active: say which one this change needs.
        ErrorKind::Rejected => AppError::new(
            ErrorKind::Rejected,
            format!(
                "This change was made with “{}”. Choose that account at the top of the window first.",
                account.name
            ),
        ),
        // Anything else (a locked keyring, say) in its own words.
        _ => e,
    })?;
    let parsed = ContactNumber::parse(&number)?;
    let lookup = look_up(&client, &number, &parsed).await?;
    let (edited, purpose) = match values {
        HistoryValues::Before => (
            lookup
                .form
                .with_values(changes.iter().map(|c| (&c.field, &c.before))),
            Purpose::Revert,
        ),
        HistoryValues::After => (
            lookup
                .form
                .with_values(changes.iter().map(|c| (&c.field, &c.after))),
            Purpose::TryAgain,
        ),
    };
    Ok(ContactFromHistory {
        lookup,
        edited,
        purpose,
    })
}

/// What the form would change, and every problem with it, for the UI to
/// show beside each field as the manager types. Sends nothing, and never
/// fails: it answers as every command does, so the window reads all their
/// answers one way.
#[tauri::command]
#[specta::specta]
pub async fn check_contact_changes(
    original: ContactForm,
    edited: ContactForm,
) -> Result<ChangeReview, AppError> {
    Ok(form::review(&original, &edited))
}

/// Sends exactly the changes from `original` to `edited` in one
/// `Directory/update`, after checking them again, recorded in History. A
/// change that blacklists the contact (read from the typed change, see
/// `form::blacklists`) also needs `blacklist_confirmed`: the manager
/// accepted the warning.
#[tauri::command]
#[specta::specta]
pub async fn save_contact(
    state: State<'_, AppState>,
    account: Option<String>,
    number: String,
    original: ContactForm,
    edited: ContactForm,
    blacklist_confirmed: bool,
    purpose: Purpose,
) -> Result<SavedContact, AppError> {
    let parsed = ContactNumber::parse(&number)?;
    let save = form::save(&original, &edited, blacklist_confirmed)?;
    let history = state.history().await?;
    let (client, sender) = state.sender_for(account).await?;
    let name = [&edited, &original]
        .iter()
        .filter_map(|f| f.info.get("name"))
        .map(|n| n.trim())
        .find(|n| !n.is_empty())
        .map(str::to_owned);
    send::update_contact(&history, &client, &sender, purpose, &parsed, name, &save).await?;
    Ok(SavedContact {
        changes: save.changes,
    })
}
