//! The chosen file and its preview: a start is bound to what the manager saw.

use super::*;
use crate::bulk::{self, SameCaller};

#[test]
fn a_screen_showing_an_older_file_cannot_use_the_new_one() {
    let session = BulkSession::default();
    let table = bulk::read(b"Phone,VIP\n9876543210,yes\n").unwrap();
    *lock(&session.file) = Some(Arc::new(Loaded {
        id: 2,
        name: "b.csv".into(),
        table,
        preview: Mutex::default(),
    }));
    assert!(session.loaded(2).is_ok());
    let old = session.loaded(1).err().unwrap();
    assert!(
        old.message.contains("Choose the file again"),
        "{}",
        old.message
    );
    let not_checked = previewed(&session.loaded(2).unwrap()).err().unwrap();
    assert!(
        not_checked.message.contains("preview"),
        "{}",
        not_checked.message
    );
}

/// A file with two blacklisting rows, previewed once; returns it with
/// the preview's number.
fn previewed_file() -> (Loaded, u32) {
    let table =
        bulk::read(b"Phone,Blacklisted\n9876543210,yes\n9876543211,yes\n9876543212,no\n").unwrap();
    let loaded = Loaded {
        id: 1,
        name: "a.csv".into(),
        preview: Mutex::default(),
        table,
    };
    let p = bulk::preview(
        &loaded.table,
        &bulk::propose(&loaded.table.headers),
        SameCaller::KeepBoth,
    )
    .unwrap();
    assert_eq!(p.counts.blacklisting, 2);
    let n = lock(&loaded.preview).replace(Some(p));
    (loaded, n)
}

#[test]
fn a_start_is_bound_to_the_preview_and_the_blacklisting_it_confirmed() {
    let (loaded, shown) = previewed_file();
    let (current, latest) = previewed(&loaded).unwrap();
    assert_eq!(current, shown);
    // Confirmed in the gate: the two rows it named.
    assert_eq!(confirmed(current, &latest, shown, Some(2)), Ok(true));
    // "Send only the other rows".
    assert_eq!(confirmed(current, &latest, shown, None), Ok(false));
    assert_eq!(confirmed(current, &latest, shown, Some(0)), Ok(false));
    // A count the preview does not have.
    for other in [1, 3] {
        let e = confirmed(current, &latest, shown, Some(other)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Rejected);
        assert_eq!(
            e.message,
            "The preview changed since you confirmed. Look at it again, then send."
        );
    }
}

#[test]
fn a_preview_made_again_refuses_a_start_that_answered_the_one_before() {
    let (loaded, shown) = previewed_file();
    // The manager changes a choice: the same rows, a new preview.
    let again = bulk::preview(
        &loaded.table,
        &bulk::propose(&loaded.table.headers),
        SameCaller::KeepLast,
    )
    .unwrap();
    let newer = lock(&loaded.preview).replace(Some(again));
    assert_ne!(newer, shown);
    let (current, latest) = previewed(&loaded).unwrap();
    for answer in [Some(2), None] {
        let e = confirmed(current, &latest, shown, answer).unwrap_err();
        assert_eq!(e.message, PREVIEW_CHANGED);
    }
    assert_eq!(confirmed(current, &latest, newer, Some(2)), Ok(true));
    // Columns that need changing leave no preview to start from.
    lock(&loaded.preview).replace(None);
    let e = previewed(&loaded).err().unwrap();
    assert!(
        e.message.contains("Look at the preview again"),
        "{}",
        e.message
    );
}
