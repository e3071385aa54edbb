//! The credential store against a real Secret Service: gnome-keyring in a
//! private D-Bus session, started by the README's test command.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use deepcall_desk::credentials::vault::open_platform_store;
use deepcall_desk::credentials::{AccountInput, Accounts, SignIn, Vault, SERVICE};
use deepcall_desk::deepcall::Auth;
use deepcall_desk::secret::Secret;

/// The tests share one keyring, and `secret-tool search --all` fails when
/// another test deletes an item while it lists them: one test at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Checks there is a session bus, and waits for this test's turn at the keyring.
fn keyring_turn() -> std::sync::MutexGuard<'static, ()> {
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run these tests through `bash scripts/test`, which starts gnome-keyring in a private session"
    );
    turn
}

/// What `secret-tool search --all service <SERVICE>` prints.
fn secret_tool_search() -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", SERVICE])
        .output()
        .expect("secret-tool runs (package libsecret-tools)");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn accounts_file(tag: &str) -> PathBuf {
    std::env::temp_dir()
        .join(format!("deepcall-keyring-{tag}-{}", std::process::id()))
        .join("accounts.json")
}

#[test]
fn vault_save_read_replace_delete_in_the_real_keyring() {
    let _turn = keyring_turn();
    let vault = Vault::new(open_platform_store().expect("the Secret Service answers"));
    vault.probe().expect("a harmless read works");
    let (a, b) = ("it-vault-a", "it-vault-b");
    vault.save(a, &Secret::new("tok-real-keyring-A")).unwrap();
    vault.save(b, &Secret::new("ssid-real-keyring-B")).unwrap();
    assert_eq!(
        vault.load(a).unwrap().unwrap().expose(),
        "tok-real-keyring-A"
    );
    assert_eq!(
        vault.load(b).unwrap().unwrap().expose(),
        "ssid-real-keyring-B"
    );

    let listed = secret_tool_search();
    assert!(
        listed.contains(&format!("attribute.username = {a}")),
        "{listed}"
    );
    assert!(
        listed.contains(&format!("attribute.service = {SERVICE}")),
        "{listed}"
    );

    vault.save(a, &Secret::new("tok-real-keyring-A2")).unwrap();
    assert_eq!(
        vault.load(a).unwrap().unwrap().expose(),
        "tok-real-keyring-A2"
    );
    // Replacing does not make a second item.
    let listed = secret_tool_search();
    assert_eq!(
        listed
            .matches(&format!("attribute.username = {a}\n"))
            .count(),
        1,
        "{listed}"
    );

    vault.delete(a).unwrap();
    vault.delete(b).unwrap();
    assert_eq!(vault.load(a).unwrap(), None);
    let listed = secret_tool_search();
    assert!(
        !listed.contains("it-vault-a") && !listed.contains("it-vault-b"),
        "{listed}"
    );
}

#[test]
fn accounts_keep_secrets_only_in_the_keyring() {
    let _turn = keyring_turn();
    let path = accounts_file("accounts");
    let accounts = Accounts::open(path.clone(), Arc::new(open_platform_store));
    let head = accounts
        .add(AccountInput {
            name: "Head office".into(),
            host: "https://v4-api.deepcall.com".into(),
            sign_in: SignIn::UserToken {
                user_id: "29791451".into(),
            },
            secret: Some(Secret::new("tok-it-head-office-93c1")),
        })
        .unwrap();
    let branch = accounts
        .add(AccountInput {
            name: "Branch".into(),
            host: "brand.example".into(),
            sign_in: SignIn::SessionId,
            secret: Some(Secret::new("ssid-it-branch-5be0")),
        })
        .unwrap();

    // The file has names and addresses, never a secret.
    let file = std::fs::read_to_string(&path).unwrap();
    assert!(file.contains("Head office") && file.contains("29791451"));
    assert!(!file.contains("tok-it-head-office") && !file.contains("ssid-it-branch"));

    // Another process (a restart) finds both through the keyring.
    let reopened = Accounts::open(path.clone(), Arc::new(open_platform_store));
    match reopened.auth(&head).unwrap() {
        Auth::Token { user_id, token } => {
            assert_eq!(user_id, "29791451");
            assert_eq!(token.expose(), "tok-it-head-office-93c1");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(reopened.auth(&branch).unwrap(), Auth::Session { ssid } if ssid.expose() == "ssid-it-branch-5be0")
    );
    let listed = secret_tool_search();
    assert!(
        listed.contains(&head.id) && listed.contains(&branch.id),
        "{listed}"
    );

    reopened.remove(&head.id).unwrap();
    reopened.remove(&branch.id).unwrap();
    let listed = secret_tool_search();
    assert!(
        !listed.contains(&head.id) && !listed.contains(&branch.id),
        "{listed}"
    );
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}
