//! A server's text does not grow what the app keeps: a 10 MB error message
//! adds a few KB to History and to the log, not 10 MB.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use deepcall_desk::deepcall::group::{GroupId, ReceivingChange};
use deepcall_desk::deepcall::server_text::MAX_CHARS;
use deepcall_desk::deepcall::DeepCallError;
use deepcall_desk::history::{AccountRef, History, Outcome, Purpose, Query};
use deepcall_desk::sandbox::Fault;
use deepcall_desk::sending::send::{self, NotChanged, SendError};

use crate::common::*;

/// What the log's writer was given, for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The bytes of History's file and its WAL.
fn size_on_disk(file: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", file.display())).ok())
        .map(|m| m.len())
        .sum()
}

// One thread: the log is captured on the thread the client runs on.
#[tokio::test(flavor = "current_thread")]
async fn a_ten_megabyte_server_message_adds_a_few_kilobytes_to_history_and_the_log() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);

    let dir = std::env::temp_dir().join(format!(
        "deepcall-contract-growth-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let file = dir.join(deepcall_desk::history::FILE_NAME);
    let history = History::open(&file).expect("history opens");
    let sb = sandbox().await;
    let client = token_client(&sb);
    let message = "Internal error: ".to_owned() + &"x".repeat(10_000_000);
    sb.fail_next_on(
        "Group/submitAssignGroupToAgent",
        Fault::ApiError {
            code: 1001,
            message,
        },
    );
    let before = size_on_disk(&file);
    let logged_before = log.0.lock().unwrap().len();
    let changes = [ReceivingChange {
        agent_id: 3,
        receives_calls: false,
    }];
    let account = AccountRef::sandbox("contract test");
    let sent = send::change_receiving(
        &history,
        &client,
        &account,
        Purpose::Change,
        GroupId::new(28).unwrap(),
        &changes,
        false,
    );
    let Err(NotChanged {
        error: SendError::DeepCall(e),
        ..
    }) = bounded(sent).await
    else {
        panic!("DeepCall refused the change");
    };
    let DeepCallError::Api { server_message, .. } = &e else {
        panic!("DeepCall's own error, not {e:?}");
    };
    assert_eq!(server_message.chars().count(), MAX_CHARS);
    assert!(server_message.starts_with("Internal error: xxx"));
    assert!(server_message.ends_with('…'));

    let entries = history.matching(&Query::default()).expect("history reads");
    let entry = &entries[0];
    assert_eq!(entry.outcome, Outcome::Failed);
    let kept = entry.message.as_deref().unwrap_or_default();
    assert!(kept.contains("Internal error: xxx"), "{kept}");
    assert!(kept.len() < 2_000, "History keeps {} bytes", kept.len());
    let grown = size_on_disk(&file) - before;
    let logged = log.0.lock().unwrap().len() - logged_before;
    eprintln!("a 10 MB server message: History grew {grown} bytes, the log {logged} bytes");
    // A few 4 KiB pages of the WAL, whatever the message's length.
    assert!(grown < 64 * 1024, "History grew {grown} bytes");
    assert!(logged < 4 * 1024, "the log grew {logged} bytes");
    drop(history);
    let _ = std::fs::remove_dir_all(dir);
}
