//! The rules an account's input and its secret follow, and the one rule
//! for where a saved secret may be sent.

use super::model::invalid;
use super::store::AccountsFile;
use super::*;
use crate::deepcall::{Auth, BaseUrl};
use crate::secret::Secret;

/// The one rule for a saved secret: it is only ever sent to the address it
/// was saved for, with the sign-in method (and user ID) it was saved for.
/// Anything else needs the token or session ID entered again. Every path that
/// could send a saved secret (checking a draft, saving an edit) asks this.
pub fn saved_secret_may_be_sent(
    saved: &AccountRecord,
    base: &BaseUrl,
    sign_in: &SignIn,
) -> Result<(), AccountError> {
    let (new, old) = (secret_word(sign_in), secret_word(&saved.sign_in));
    let same_method = std::mem::discriminant(sign_in) == std::mem::discriminant(&saved.sign_in);
    let same_host = BaseUrl::parse(&saved.host).is_ok_and(|b| b.as_str() == base.as_str());
    if !same_host {
        let again = if same_method { " again" } else { "" };
        return Err(invalid(
            "secret",
            format!("The DeepCall address changed, so enter the {new}{again}: a saved {old} is only ever sent to the address it was saved for."),
        ));
    }
    match (&saved.sign_in, sign_in) {
        (SignIn::SessionId, SignIn::SessionId) => Ok(()),
        (SignIn::UserToken { user_id: a }, SignIn::UserToken { user_id: b }) if a == b => Ok(()),
        (SignIn::UserToken { .. }, SignIn::UserToken { .. }) => Err(invalid(
            "secret",
            "The user ID changed, so enter the token again: a saved token is only ever sent with the user ID it was saved for.",
        )),
        _ => Err(invalid(
            "secret",
            format!("The sign-in method changed, so enter the {new}: a saved {old} is only ever sent with the sign-in method it was saved for."),
        )),
    }
}

/// Checks an input's own fields; returns the normalised name, host and sign-in.
pub(super) fn check_input(input: &AccountInput) -> Result<(String, BaseUrl, SignIn), AccountError> {
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(invalid(
            "name",
            "Give the account a name, for example \"Head office\".",
        ));
    }
    if name.chars().count() > 60 {
        return Err(invalid("name", "Keep the name to 60 characters or fewer."));
    }
    if name.eq_ignore_ascii_case("sandbox") {
        return Err(invalid(
            "name",
            "\"Sandbox\" is the built-in sample account; choose another name.",
        ));
    }
    let base = BaseUrl::parse(&input.host).map_err(|e| invalid("host", e.to_string()))?;
    let sign_in = check_sign_in(&input.sign_in)?;
    if let Some(s) = &input.secret {
        if s.is_empty() {
            return Err(invalid("secret", secret_prompt(&sign_in)));
        }
        check_secret(s)?;
    }
    Ok((name, base, sign_in))
}

/// The longest token or session ID kept. Windows Credential Manager holds
/// at most 2,560 bytes of UTF-16, which is 1,280 characters; the same limit
/// everywhere, so an account set up on one computer can be set up on any.
/// DeepCall's own are a few dozen characters.
pub const MAX_SECRET_CHARS: usize = 1280;

pub(super) fn check_secret(s: &Secret) -> Result<(), AccountError> {
    if s.expose().trim() != s.expose() {
        return Err(invalid(
            "secret",
            "The token or session ID has spaces at its start or end: paste it again.",
        ));
    }
    if s.expose().encode_utf16().count() > MAX_SECRET_CHARS {
        return Err(invalid(
            "secret",
            format!(
                "This is longer than any DeepCall token or session ID (at most \
                 {MAX_SECRET_CHARS} characters are kept): paste only the token or session ID."
            ),
        ));
    }
    Ok(())
}

/// No other account (than `editing`) in `file` has this name.
pub(super) fn name_is_free(
    file: &AccountsFile,
    name: &str,
    editing: Option<&str>,
) -> Result<(), AccountError> {
    let taken = file
        .accounts
        .iter()
        .any(|a| Some(a.id.as_str()) != editing && a.name.eq_ignore_ascii_case(name));
    if taken {
        return Err(invalid(
            "name",
            format!("An account called \"{name}\" already exists."),
        ));
    }
    Ok(())
}

/// Checks a sign-in method's own fields; returns it trimmed.
pub fn check_sign_in(sign_in: &SignIn) -> Result<SignIn, AccountError> {
    match sign_in {
        SignIn::SessionId => Ok(SignIn::SessionId),
        SignIn::UserToken { user_id } => {
            let user_id = user_id.trim();
            if user_id.is_empty() {
                return Err(invalid("userId", "Enter your DeepCall user ID."));
            }
            if user_id.chars().any(char::is_whitespace) || user_id.len() > 64 {
                return Err(invalid(
                    "userId",
                    "A user ID has no spaces, for example 29791451.",
                ));
            }
            Ok(SignIn::UserToken {
                user_id: user_id.to_owned(),
            })
        }
    }
}

/// Builds the auth for a sign-in method and its secret.
pub fn auth_from(sign_in: &SignIn, secret: Secret) -> Auth {
    match sign_in {
        SignIn::SessionId => Auth::Session { ssid: secret },
        SignIn::UserToken { user_id } => Auth::Token {
            user_id: user_id.clone(),
            token: secret,
        },
    }
}

pub(super) fn secret_prompt(sign_in: &SignIn) -> &'static str {
    match sign_in {
        SignIn::SessionId => "Enter the session ID.",
        SignIn::UserToken { .. } => "Enter the token.",
    }
}

/// What the secret of a sign-in method is called.
pub(super) fn secret_word(sign_in: &SignIn) -> &'static str {
    match sign_in {
        SignIn::SessionId => "session ID",
        SignIn::UserToken { .. } => "token",
    }
}
