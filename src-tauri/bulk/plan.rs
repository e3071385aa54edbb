//! From a preview to a run: which rows are sent (each as the History change
//! it makes) and which are left out, with the reason the results file gives.

use super::file::Table;
use super::preview::{Preview, RowState};
use crate::deepcall::directory::field::{ContactField, FieldValue, KnownField};
use crate::history::batch::{LeftOut, RunRow};
use crate::history::Change;

/// Why a ready row that blacklists is left out when blacklisting was not confirmed.
pub const BLACKLIST_NOT_CONFIRMED: &str =
    "Not sent: this row blacklists the contact, and blacklisting was not confirmed.";

/// The rows a run sends and the rows it leaves out, in the file's order.
/// With `blacklisting` false, no row that blacklists is sent.
pub fn plan(table: &Table, preview: &Preview, blacklisting: bool) -> (Vec<RunRow>, Vec<LeftOut>) {
    let mut send = Vec::with_capacity(preview.counts.ready as usize);
    let mut left_out = Vec::new();
    for (row, p) in table.rows.iter().zip(&preview.rows) {
        let number = p.number.as_ref().map(|n| n.as_str().to_owned());
        let reason = match p.state {
            RowState::Ready if p.blacklists && !blacklisting => BLACKLIST_NOT_CONFIRMED.to_owned(),
            RowState::Ready => {
                let name = p.changes.iter().find_map(|c| match (&c.field, &c.after) {
                    (ContactField::Known(KnownField::Name), FieldValue::Text(t)) => Some(t.clone()),
                    _ => None,
                });
                send.push(RunRow {
                    line: row.line,
                    cells: row.cells.clone(),
                    change: Change::Contact {
                        number: number.unwrap_or_default(),
                        name,
                        changes: p.changes.clone(),
                    },
                });
                continue;
            }
            RowState::Problems => {
                let messages: Vec<&str> = p.problems.iter().map(|x| x.message.as_str()).collect();
                format!("Not sent: {}", messages.join(" "))
            }
            RowState::Replaced | RowState::LeftOutSameCaller => p.note.clone().unwrap_or_default(),
        };
        left_out.push(LeftOut {
            line: row.line,
            number,
            cells: row.cells.clone(),
            reason,
        });
    }
    (send, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::{preview, propose, read, SameCaller};

    #[test]
    fn ready_rows_are_sent_the_others_left_out_with_their_reason() {
        let table = read(
            b"Phone,Name,Blacklisted\n\
              9876543210,Asha Rao,\n\
              12,Sunil,\n\
              9123456780,,yes\n\
              9000000001,Ravi,\n\
              9000000001,Ravi Verma,\n",
        )
        .unwrap();
        let p = preview(&table, &propose(&table.headers), SameCaller::KeepBoth).unwrap();

        let (send, left) = plan(&table, &p, true);
        let lines = |s: &[RunRow]| s.iter().map(|r| r.line).collect::<Vec<_>>();
        assert_eq!(lines(&send), [2, 4, 6]);
        assert_eq!(
            send[0].change,
            Change::Contact {
                number: "9876543210".into(),
                name: Some("Asha Rao".into()),
                changes: p.rows[0].changes.clone(),
            }
        );
        assert_eq!(send[0].cells, ["9876543210", "Asha Rao", ""]);
        assert_eq!(left.iter().map(|l| l.line).collect::<Vec<_>>(), [3, 5]);
        assert!(
            left[0].reason.starts_with("Not sent: Row 3"),
            "{}",
            left[0].reason
        );
        assert!(left[1].reason.contains("row 6"), "{}", left[1].reason);

        // Without the yes, the blacklisting row is left out, and said so.
        let (send, left) = plan(&table, &p, false);
        assert_eq!(lines(&send), [2, 6]);
        let four = left.iter().find(|l| l.line == 4).unwrap();
        assert_eq!(four.reason, BLACKLIST_NOT_CONFIRMED);
        assert_eq!(four.number.as_deref(), Some("9123456780"));
    }

    #[test]
    fn an_old_mac_file_is_previewed_and_recorded_row_by_row() {
        use crate::history::batch::NewBatch;
        use crate::history::{AccountRef, History};
        let files: [&[u8]; 2] = [
            b"Phone,VIP\r9876543210,yes\r9876543211,yes\r",
            b"Phone,VIP\r9876543210,yes\n9876543211,yes\r\n9876543212,no\r",
        ];
        let h = History::in_memory();
        let account = AccountRef::sandbox("http://127.0.0.1:1");
        for (bytes, want) in files.into_iter().zip([&[2, 3][..], &[2, 3, 4]]) {
            let table = read(bytes).unwrap();
            let p = preview(&table, &propose(&table.headers), SameCaller::KeepBoth).unwrap();
            let lines: Vec<u32> = p.rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, want);
            let (send, left_out) = plan(&table, &p, true);
            assert!(left_out.is_empty());
            let b = h
                .create_batch(&NewBatch {
                    account: &account,
                    source: "mac.csv",
                    separator: table.separator,
                    headers: &table.headers,
                    rows: &send,
                    left_out: &left_out,
                })
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(h.batch(b).unwrap().unwrap().rows as usize, want.len());
            assert_eq!(
                h.batch_results(b, 0, 10).unwrap().total as usize,
                want.len()
            );
        }
    }
}
