//! Accounts: list, check, save, remove, switch. The secret crosses IPC once,
//! inward, inside an [`AccountDraft`]; no command returns it.

use serde::{Deserialize, Serialize};
use tauri::State;

use super::AppState;
use super::{blocking, AppError};
use crate::credentials::{AccountInput, AccountRecord, KeyringProblem, SignIn};
use crate::deepcall::{Client, ConnectionCheck};
use crate::secret::Secret;

/// What the Accounts screen shows.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountsOverview {
    pub accounts: Vec<AccountRecord>,
    /// `None`: Sandbox mode.
    pub active_id: Option<String>,
    /// Set when the keyring cannot be used right now.
    pub keyring: Option<KeyringNotice>,
    /// Set when the saved accounts file could not be read at start.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyringNotice {
    pub problem: KeyringProblem,
    pub message: String,
}

impl From<KeyringProblem> for KeyringNotice {
    fn from(problem: KeyringProblem) -> Self {
        Self {
            problem,
            message: problem.message().into(),
        }
    }
}

/// An account as the manager typed it. `secret` is write-only: left empty
/// when editing, the saved one is kept.
#[derive(Debug, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountDraft {
    /// The account being edited; `None` for a new one.
    pub id: Option<String>,
    pub name: String,
    pub host: String,
    pub sign_in: SignIn,
    #[specta(type = Option<String>)]
    pub secret: Option<Secret>,
}

fn overview(state: &AppState) -> AccountsOverview {
    let accounts = state.accounts();
    let keyring = accounts.vault().err().map(KeyringNotice::from);
    AccountsOverview {
        active_id: accounts.active().map(|a| a.id),
        accounts: accounts.list(),
        keyring,
        note: accounts.load_note().map(str::to_owned),
    }
}

/// The saved accounts, the active one, and whether the keyring works.
#[tauri::command]
#[specta::specta]
pub async fn accounts_overview(state: State<'_, AppState>) -> Result<AccountsOverview, AppError> {
    let state = state.inner().clone();
    blocking(move || Ok(overview(&state))).await
}

/// Opens the keyring again (after the manager installed or unlocked it).
#[tauri::command]
#[specta::specta]
pub async fn retry_keyring(state: State<'_, AppState>) -> Result<AccountsOverview, AppError> {
    let state = state.inner().clone();
    blocking(move || {
        state.accounts().reset_vault();
        Ok(overview(&state))
    })
    .await
}

/// One harmless authenticated read with the draft's (or the saved) credentials.
#[tauri::command]
#[specta::specta]
pub async fn check_connection(
    state: State<'_, AppState>,
    draft: AccountDraft,
) -> Result<ConnectionCheck, AppError> {
    let state = state.inner().clone();
    // The saved secret is used only for the address and sign-in it was saved for.
    let st = state.clone();
    let (base, auth) = blocking(move || {
        Ok(st.accounts().draft_auth(
            draft.id.as_deref(),
            &draft.host,
            &draft.sign_in,
            draft.secret,
        )?)
    })
    .await?;
    let client = Client::new(state.http().clone(), base, auth);
    Ok(client.check_connection().await)
}

/// Asked as the manager edits account `id`: why this address and sign-in
/// need the token or session ID entered again, or `null` when the saved one
/// is kept. Sends nothing anywhere.
#[tauri::command]
#[specta::specta]
pub async fn secret_needed(
    state: State<'_, AppState>,
    id: String,
    host: String,
    sign_in: SignIn,
) -> Result<Option<String>, AppError> {
    let state = state.inner().clone();
    blocking(move || Ok(state.accounts().secret_needed(&id, &host, &sign_in))).await
}

/// Adds a new account (and makes it the active one) or saves an edit.
#[tauri::command]
#[specta::specta]
pub async fn save_account(
    state: State<'_, AppState>,
    draft: AccountDraft,
) -> Result<AccountRecord, AppError> {
    let state = state.inner().clone();
    blocking(move || {
        let accounts = state.accounts();
        let input = AccountInput {
            name: draft.name,
            host: draft.host,
            sign_in: draft.sign_in,
            secret: draft.secret.filter(|s| !s.is_empty()),
        };
        let record = match draft.id {
            Some(id) => accounts.update(&id, input)?,
            None => {
                let record = accounts.add(input)?;
                accounts.set_active(Some(&record.id))?;
                record
            }
        };
        Ok(record)
    })
    .await
}

/// Deletes the account's keyring entry and its record.
#[tauri::command]
#[specta::specta]
pub async fn remove_account(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    let state = state.inner().clone();
    blocking(move || {
        state.accounts().remove(&id)?;
        let _ = state.recent().forget(&id);
        Ok(())
    })
    .await
}

/// Makes an account active; `null` switches to the Sandbox.
#[tauri::command]
#[specta::specta]
pub async fn set_active_account(
    state: State<'_, AppState>,
    id: Option<String>,
) -> Result<(), AppError> {
    let state = state.inner().clone();
    blocking(move || Ok(state.accounts().set_active(id.as_deref())?)).await
}
