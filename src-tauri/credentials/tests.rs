//! The accounts file and keyring together, with an in-memory keyring.

use std::path::PathBuf;
use std::sync::Arc;

use super::accounts::new_id;
use super::store::Disk;
use super::*;
use crate::deepcall::{Auth, BaseUrl};
use crate::secret::Secret;

fn memory_opener() -> StoreOpener {
    let store: Store = keyring_core::sample::Store::new().expect("in-memory store");
    Arc::new(move || Ok(store.clone()))
}

fn temp_file(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "deepcall-accounts-{tag}-{}-{}",
        std::process::id(),
        new_id()
    ));
    dir.join("accounts.json")
}

fn token_input(name: &str, token: &str) -> AccountInput {
    AccountInput {
        name: name.into(),
        host: "v4-api.deepcall.com".into(),
        sign_in: SignIn::UserToken {
            user_id: "29791451".into(),
        },
        secret: Some(Secret::new(token)),
    }
}

#[test]
fn a_secret_longer_than_credential_manager_holds_is_refused_before_it_is_saved() {
    let accounts = Accounts::open(temp_file("long-secret"), memory_opener());
    let longest = "t".repeat(MAX_SECRET_CHARS);
    accounts.add(token_input("Longest", &longest)).unwrap();
    let too_long = format!("{longest}t");
    match accounts.add(token_input("Too long", &too_long)) {
        Err(AccountError::Invalid { field, message }) => {
            assert_eq!(field, "secret");
            assert!(message.contains("1280 characters"), "{message}");
            assert!(!message.contains(&too_long));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(accounts.list().len(), 1);
}

#[test]
fn add_list_switch_edit_remove_and_reopen() {
    let path = temp_file("flow");
    let opener = memory_opener();
    let accounts = Accounts::open(path.clone(), opener.clone());
    let a = accounts
        .add(token_input("Head office", "tok-distinct-1"))
        .unwrap();
    let b = accounts
        .add(AccountInput {
            name: "Branch".into(),
            host: "https://brand.example/".into(),
            sign_in: SignIn::SessionId,
            secret: Some(Secret::new("ssid-distinct-2")),
        })
        .unwrap();
    assert_eq!(a.host, "https://v4-api.deepcall.com");
    assert_eq!(b.host, "https://brand.example");
    accounts.set_active(Some(&b.id)).unwrap();

    // The file holds no secret, and is private to the user.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("tok-distinct-1") && !text.contains("ssid-distinct-2"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Reopening finds the same accounts, active one and secrets.
    let again = Accounts::open(path.clone(), opener.clone());
    assert_eq!(again.list(), vec![a.clone(), b.clone()]);
    assert_eq!(again.active(), Some(b.clone()));
    match again.auth(&a).unwrap() {
        Auth::Token { user_id, token } => {
            assert_eq!(user_id, "29791451");
            assert_eq!(token.expose(), "tok-distinct-1");
        }
        other => panic!("{other:?}"),
    }

    // Edit without a new secret keeps it; with one replaces it.
    let mut edit = token_input("Head office (Pune)", "unused");
    edit.secret = None;
    let a2 = again.update(&a.id, edit).unwrap();
    assert_eq!(a2.name, "Head office (Pune)");
    assert!(
        matches!(again.auth(&a2).unwrap(), Auth::Token { token, .. } if token.expose() == "tok-distinct-1")
    );
    again
        .update(&a.id, token_input("Head office (Pune)", "tok-new"))
        .unwrap();
    assert!(
        matches!(again.auth(&a2).unwrap(), Auth::Token { token, .. } if token.expose() == "tok-new")
    );

    // Changing the method needs the new kind of secret.
    let switch = AccountInput {
        name: "Head office (Pune)".into(),
        host: "v4-api.deepcall.com".into(),
        sign_in: SignIn::SessionId,
        secret: None,
    };
    assert!(
        matches!(again.update(&a.id, switch), Err(AccountError::Invalid { field, .. }) if field == "secret")
    );

    // Removing the active account falls back to the Sandbox and deletes the secret.
    again.remove(&b.id).unwrap();
    assert_eq!(again.active(), None);
    assert_eq!(again.vault().unwrap().load(&b.id).unwrap(), None);
    assert_eq!(again.list().len(), 1);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn input_is_checked_with_plain_messages() {
    let accounts = Accounts::open(temp_file("input"), memory_opener());
    accounts.add(token_input("Head office", "t")).unwrap();
    let cases = [
        (token_input("  ", "t"), "name"),
        (token_input("head OFFICE", "t"), "name"),
        (token_input("Sandbox", "t"), "name"),
        (
            AccountInput {
                host: "http://deepcall.example".into(),
                ..token_input("B", "t")
            },
            "host",
        ),
        (
            AccountInput {
                sign_in: SignIn::UserToken {
                    user_id: " ".into(),
                },
                ..token_input("B", "t")
            },
            "userId",
        ),
        (token_input("B", "   "), "secret"),
        (token_input("B", " tok "), "secret"),
        (
            AccountInput {
                secret: None,
                ..token_input("B", "t")
            },
            "secret",
        ),
    ];
    for (input, expected) in cases {
        match accounts.add(input) {
            Err(AccountError::Invalid { field, message }) => {
                assert_eq!(field, expected, "{message}");
                assert!(!message.is_empty());
            }
            other => panic!("expected an invalid {expected}, got {other:?}"),
        }
    }
    assert_eq!(accounts.list().len(), 1);
}

#[test]
fn keyring_trouble_is_reported_and_retried() {
    let broken: StoreOpener = Arc::new(|| Err(KeyringProblem::NoProvider));
    let accounts = Accounts::open(temp_file("broken"), broken);
    assert_eq!(
        accounts.add(token_input("A", "t")),
        Err(AccountError::Keyring(KeyringProblem::NoProvider))
    );
    assert!(accounts.list().is_empty(), "nothing half-saved");
}

#[test]
fn a_damaged_file_is_kept_aside_not_overwritten() {
    let path = temp_file("damaged");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"{ not json").unwrap();
    let accounts = Accounts::open(path.clone(), memory_opener());
    assert!(accounts.list().is_empty());
    assert!(accounts.load_note().unwrap().contains("damaged"));
    assert_eq!(
        std::fs::read(path.with_extension("json.unreadable")).unwrap(),
        b"{ not json"
    );
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

fn secret_problem(result: Result<impl std::fmt::Debug, AccountError>) -> String {
    match result {
        Err(AccountError::Invalid { field, message }) if field == "secret" => message,
        other => panic!("expected the secret to be asked for again, got {other:?}"),
    }
}

fn sent_secret(result: Result<(BaseUrl, Auth), AccountError>) -> (String, String) {
    let (base, auth) = result.unwrap();
    let secret = match auth {
        Auth::Token { token, .. } => token,
        Auth::Session { ssid } => ssid,
    };
    (base.as_str().to_owned(), secret.expose().to_owned())
}

#[test]
fn a_saved_secret_goes_only_to_the_address_and_sign_in_it_was_saved_for() {
    let path = temp_file("host-rule");
    let accounts = Accounts::open(path.clone(), memory_opener());
    let a = accounts
        .add(token_input("Head office", "tok-saved"))
        .unwrap();
    let token = |user_id: &str| SignIn::UserToken {
        user_id: user_id.into(),
    };

    // Same address (however it is spelled) and sign-in: the saved token is used.
    for host in ["v4-api.deepcall.com", " https://V4-API.deepcall.com/ "] {
        assert_eq!(
            sent_secret(accounts.draft_auth(Some(&a.id), host, &token(" 29791451 "), None)),
            ("https://v4-api.deepcall.com".into(), "tok-saved".into())
        );
    }

    // What the form is told as the manager edits: the same rule's words.
    for host in ["v4-api.deepcall.com", " https://V4-API.deepcall.com/ "] {
        assert_eq!(
            accounts.secret_needed(&a.id, host, &token("29791451")),
            None
        );
    }
    let said = accounts
        .secret_needed(&a.id, "http://127.0.0.1:9", &token("29791451"))
        .expect("a changed address needs the token again");
    assert!(said.starts_with("The DeepCall address changed"), "{said}");
    let said = accounts
        .secret_needed(&a.id, "v4-api.deepcall.com", &token(" 11111111 "))
        .expect("a changed user ID needs the token again");
    assert!(said.starts_with("The user ID changed"), "{said}");
    assert!(accounts
        .secret_needed(&a.id, "v4-api.deepcall.com", &SignIn::SessionId)
        .is_some_and(|m| m.contains("sign-in method changed")));
    assert_eq!(
        accounts.secret_needed(&a.id, "http://", &SignIn::SessionId),
        None
    );
    assert_eq!(
        accounts.secret_needed("no-such-id", "x.example", &SignIn::SessionId),
        None
    );

    // Another address, method or user ID: never the saved token.
    let other_host = accounts.draft_auth(
        Some(&a.id),
        "http://127.0.0.1:9",
        &token("29791451"),
        Some(Secret::new("")),
    );
    let message = secret_problem(other_host);
    assert!(
        message.contains("address changed, so enter the token again"),
        "{message}"
    );
    let message = secret_problem(accounts.draft_auth(
        Some(&a.id),
        "v4-api.deepcall.com",
        &SignIn::SessionId,
        None,
    ));
    assert!(
        message.contains("sign-in method changed, so enter the session ID"),
        "{message}"
    );
    let message = secret_problem(accounts.draft_auth(
        Some(&a.id),
        "v4-api.deepcall.com",
        &token("11111111"),
        None,
    ));
    assert!(message.contains("user ID changed"), "{message}");
    let message =
        secret_problem(accounts.draft_auth(Some(&a.id), "brand.example", &SignIn::SessionId, None));
    assert!(
        message.contains("address changed, so enter the session ID:"),
        "{message}"
    );

    // A token typed again goes where the draft says.
    assert_eq!(
        sent_secret(accounts.draft_auth(
            Some(&a.id),
            "http://127.0.0.1:9",
            &token("29791451"),
            Some(Secret::new("tok-typed"))
        )),
        ("http://127.0.0.1:9".into(), "tok-typed".into())
    );
    assert!(secret_problem(accounts.draft_auth(
        None,
        "v4-api.deepcall.com",
        &token("1"),
        Some(Secret::new(" padded "))
    ))
    .contains("spaces"));

    // Saving follows the same rule, and a refused edit changes nothing.
    let moved = |sign_in: SignIn, secret: Option<&str>| AccountInput {
        name: "Head office".into(),
        host: "http://127.0.0.1:9".into(),
        sign_in,
        secret: secret.map(Secret::new),
    };
    let message = secret_problem(accounts.update(&a.id, moved(token("29791451"), None)));
    assert!(message.contains("address changed"), "{message}");
    let same_host = AccountInput {
        host: a.host.clone(),
        ..moved(token("42"), None)
    };
    secret_problem(accounts.update(&a.id, same_host));
    assert_eq!(accounts.get(&a.id), Some(a.clone()));
    assert!(
        matches!(accounts.auth(&a).unwrap(), Auth::Token { token, .. } if token.expose() == "tok-saved")
    );
    // With the token entered again, the edit is saved with it.
    let b = accounts
        .update(&a.id, moved(token("29791451"), Some("tok-for-local")))
        .unwrap();
    assert_eq!(b.host, "http://127.0.0.1:9");
    assert!(
        matches!(accounts.auth(&b).unwrap(), Auth::Token { token, .. } if token.expose() == "tok-for-local")
    );
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn two_copies_of_the_app_adding_at_once_lose_nothing() {
    let path = temp_file("two-writers");
    let opener = memory_opener();
    let first = Accounts::open(path.clone(), opener.clone());
    let second = Accounts::open(path.clone(), opener.clone());
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let writers: Vec<_> = [("First", &first), ("Second", &second)]
            .into_iter()
            .map(|(tag, accounts)| {
                s.spawn(move || {
                    for i in 0..8 {
                        accounts
                            .add(token_input(&format!("{tag} {i}"), "tok"))
                            .unwrap();
                    }
                })
            })
            .collect();
        // Meanwhile the file always parses, whenever it is read.
        let reader = s.spawn(|| {
            let mut reads = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                match store::read(&path) {
                    Disk::Read(_) | Disk::Missing => reads += 1,
                    other => panic!("the file was {other:?} while being written"),
                }
                // Windows 10 and 11 replace a file another handle has
                // open (std's rename uses POSIX semantics on NTFS).
                // Where that is not offered (Wine, FAT drives, some
                // shares) the rename waits for the reader to close it
                // (files::replace): a reader that never lets go would
                // starve it, and a second copy reads the list only now
                // and then.
                #[cfg(windows)]
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            reads
        });
        // The reader stops however the writers end: a writer that
        // failed must fail the test, not leave the reader spinning.
        let written: Vec<_> = writers.into_iter().map(|w| w.join()).collect();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
        for w in written {
            w.unwrap();
        }
    });
    for accounts in [&first, &second] {
        let mut names: Vec<_> = accounts.list().into_iter().map(|a| a.name).collect();
        names.sort();
        let mut expected: Vec<_> = (0..8)
            .flat_map(|i| [format!("First {i}"), format!("Second {i}")])
            .collect();
        expected.sort();
        assert_eq!(names, expected);
    }
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn each_copy_sees_and_keeps_the_other_copys_changes() {
    let path = temp_file("two-copies");
    let opener = memory_opener();
    let first = Accounts::open(path.clone(), opener.clone());
    let second = Accounts::open(path.clone(), opener.clone());
    let a = first.add(token_input("Head office", "t1")).unwrap();
    assert_eq!(second.get(&a.id), Some(a.clone()));
    second.set_active(Some(&a.id)).unwrap();
    assert_eq!(first.active(), Some(a.clone()));
    let b = second.add(token_input("Branch", "t2")).unwrap();
    // A name taken in the other copy is taken here too.
    assert!(matches!(
        first.add(token_input("branch", "t3")),
        Err(AccountError::Invalid { field, .. }) if field == "name"
    ));
    first.remove(&a.id).unwrap();
    assert_eq!(second.list(), vec![b.clone()]);
    assert_eq!(second.active(), None);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn a_file_that_cannot_be_read_is_never_overwritten() {
    // A folder where the file should be: reading it fails even for root.
    let path = temp_file("unreadable");
    std::fs::create_dir_all(path.join("inside")).unwrap();
    let accounts = Accounts::open(path.clone(), memory_opener());
    let note = accounts.load_note().unwrap();
    assert!(
        note.contains("could not be read") && note.contains("will not change"),
        "{note}"
    );
    assert!(accounts.list().is_empty());
    match accounts.add(token_input("Head office", "t")) {
        Err(e @ AccountError::Storage { .. }) => {
            assert!(e.to_string().contains("never overwrites"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    assert!(accounts.set_active(None).is_err());
    assert!(path.join("inside").is_dir(), "left as it was");
    assert_eq!(
        accounts.vault().unwrap().load("anything").unwrap(),
        None,
        "nothing half-saved in the keyring"
    );

    // A file from a newer version: shown as such, and not changed.
    let path = temp_file("newer");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let newer = br#"{"version": 99, "active": null, "accounts": [], "more": 1}"#;
    std::fs::write(&path, newer).unwrap();
    let accounts = Accounts::open(path.clone(), memory_opener());
    assert!(accounts.load_note().unwrap().contains("newer version"));
    assert!(matches!(
        accounts.add(token_input("Head office", "t")),
        Err(AccountError::Storage { .. })
    ));
    assert_eq!(std::fs::read(&path).unwrap(), newer);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn damaged_files_are_kept_aside_and_never_overwrite_each_other() {
    let path = temp_file("damaged-twice");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, b"first damage").unwrap();
    Accounts::open(path.clone(), memory_opener());
    std::fs::write(&path, b"second damage").unwrap();
    let accounts = Accounts::open(path.clone(), memory_opener());
    let note = accounts.load_note().unwrap();
    assert!(note.contains("accounts.json.unreadable-2"), "{note}");
    assert_eq!(
        std::fs::read(path.with_extension("json.unreadable")).unwrap(),
        b"first damage"
    );
    assert_eq!(
        std::fs::read(path.with_extension("json.unreadable-2")).unwrap(),
        b"second damage"
    );
    // A fresh list can be started.
    accounts.add(token_input("Head office", "t")).unwrap();
    // Damage appearing while the app runs is refused, not overwritten.
    std::fs::write(&path, b"third damage").unwrap();
    assert!(matches!(
        accounts.add(token_input("Branch", "t")),
        Err(AccountError::Storage { .. })
    ));
    assert_eq!(std::fs::read(&path).unwrap(), b"third damage");
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

// Not on Windows: a link there needs an administrator or Developer Mode (files.rs).
#[cfg(unix)]
#[test]
fn planted_links_beside_the_file_are_not_followed() {
    let path = temp_file("links");
    let dir = path.parent().unwrap().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    // The old fixed temporary name, and the lock file's name.
    std::os::unix::fs::symlink(&victim, path.with_extension("json.tmp")).unwrap();
    std::os::unix::fs::symlink(&victim, path.with_extension("json.lock")).unwrap();
    let accounts = Accounts::open(path.clone(), memory_opener());
    let a = accounts.add(token_input("Head office", "t")).unwrap();
    accounts.set_active(Some(&a.id)).unwrap();
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert_eq!(
        Accounts::open(path.clone(), memory_opener()).active(),
        Some(a)
    );
    let _ = std::fs::remove_dir_all(dir);
}
