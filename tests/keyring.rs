//! The credential store against the platform's real keyring, read back
//! with the platform's own means:
//! - Linux: the Secret Service (gnome-keyring in a private D-Bus session,
//!   started by the README's test command), listed by `secret-tool`;
//! - Windows: Credential Manager (Wine's own, under the Windows test
//!   script), listed by `CredEnumerateW`.

use std::path::PathBuf;
use std::sync::Arc;

use deepcall_desk::credentials::vault::open_platform_store;
use deepcall_desk::credentials::{AccountInput, Accounts, SignIn, Vault};
use deepcall_desk::deepcall::Auth;
use deepcall_desk::secret::Secret;

/// The tests share one keyring, and `secret-tool search --all` fails when
/// another test deletes an item while it lists them: one test at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Checks the keyring can be reached, and waits for this test's turn at it.
fn keyring_turn() -> std::sync::MutexGuard<'static, ()> {
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    #[cfg(all(unix, not(target_os = "macos")))]
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run these tests through `bash scripts/test`, which starts gnome-keyring in a private session"
    );
    turn
}

/// One entry the keyring holds for the app, as the platform lists it.
struct Listed {
    /// The account id it is filed under.
    account: String,
    /// Everything else the platform says about it.
    detail: String,
}

/// The app's entries: `secret-tool search --all service <SERVICE>` finds
/// only items filed under the app, and prints each one's attributes (on
/// its standard error), one `attribute.username` per item.
#[cfg(all(unix, not(target_os = "macos")))]
fn listed() -> Vec<Listed> {
    use deepcall_desk::credentials::SERVICE;
    let out = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", SERVICE])
        .output()
        .expect("secret-tool runs (package libsecret-tools)");
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|line| {
            Some(Listed {
                account: line.strip_prefix("attribute.username = ")?.to_owned(),
                detail: line.to_owned(),
            })
        })
        .collect()
}

/// The app's entries, as Credential Manager enumerates them.
#[cfg(target_os = "windows")]
fn listed() -> Vec<Listed> {
    use windows_sys::Win32::Security::Credentials::{
        CredEnumerateW, CredFree, CREDENTIALW, CRED_PERSIST_LOCAL_MACHINE,
    };
    let wide = |s: &str| s.encode_utf16().chain([0]).collect::<Vec<u16>>();
    let text = |p: *const u16| {
        if p.is_null() {
            return String::new();
        }
        let units: Vec<u16> = (0..)
            .map(|i| unsafe { p.add(i).read_unaligned() })
            .take_while(|&u| u != 0)
            .collect();
        String::from_utf16_lossy(&units)
    };
    let filter = wide("DeepCall Desk/*");
    let mut count = 0u32;
    let mut creds: *mut *mut CREDENTIALW = std::ptr::null_mut();
    // Fails with ERROR_NOT_FOUND when there is none.
    if unsafe { CredEnumerateW(filter.as_ptr(), 0, &mut count, &mut creds) } == 0 {
        return Vec::new();
    }
    let found = (0..count as usize)
        .map(|i| {
            // Read unaligned: Wine packs the entries it returns without
            // the alignment Windows gives them.
            let cred = unsafe { (*creds.add(i)).read_unaligned() };
            let target = text(cred.TargetName);
            let account = target
                .strip_prefix("DeepCall Desk/")
                .expect("the filter's prefix")
                .to_owned();
            assert_eq!(
                cred.Persist, CRED_PERSIST_LOCAL_MACHINE,
                "{target} is kept on this computer only, not roamed"
            );
            Listed {
                detail: format!(
                    "target = {target}, username = {}, {} bytes",
                    text(cred.UserName),
                    cred.CredentialBlobSize
                ),
                account,
            }
        })
        .collect();
    unsafe { CredFree(creds as *const _) };
    found
}

/// The app's entries, for a failed assertion's message.
fn shown() -> String {
    listed()
        .iter()
        .map(|l| l.detail.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// How many entries the keyring holds for `account`.
fn entries_for(account: &str) -> usize {
    listed().iter().filter(|l| l.account == account).count()
}

/// A fresh accounts file. (Under Wine, process ids repeat from one run to
/// the next, so one a failed run left behind is cleared first.)
fn accounts_file(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("deepcall-keyring-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("accounts.json")
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

    assert_eq!(entries_for(a), 1, "{}", shown());
    assert_eq!(entries_for(b), 1, "{}", shown());

    vault.save(a, &Secret::new("tok-real-keyring-A2")).unwrap();
    assert_eq!(
        vault.load(a).unwrap().unwrap().expose(),
        "tok-real-keyring-A2"
    );
    // Replacing does not make a second item.
    assert_eq!(entries_for(a), 1, "{}", shown());

    vault.delete(a).unwrap();
    vault.delete(b).unwrap();
    assert_eq!(vault.load(a).unwrap(), None);
    assert_eq!(entries_for(a) + entries_for(b), 0, "{}", shown());
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
    assert_eq!(entries_for(&head.id), 1, "{}", shown());
    assert_eq!(entries_for(&branch.id), 1, "{}", shown());

    reopened.remove(&head.id).unwrap();
    reopened.remove(&branch.id).unwrap();
    assert_eq!(
        entries_for(&head.id) + entries_for(&branch.id),
        0,
        "{}",
        shown()
    );
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}
