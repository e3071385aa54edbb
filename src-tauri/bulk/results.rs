//! The results file of a run: the file's own columns, then each row's
//! result and its reason, in the file's order. Rows the preview left out
//! are there too, so every row of the file is accounted for.

use crate::export::push_row;
use crate::history::batch::Results;

/// The two columns added after the file's own.
pub const ADDED: [&str; 2] = ["Result", "Details"];

/// RFC 4180 CSV with a byte-order mark, like the app's other exports.
pub fn results_csv(results: &Results) -> String {
    let mut out = String::from("\u{feff}");
    let width = results.headers.len();
    let mut header: Vec<&str> = results.headers.iter().map(String::as_str).collect();
    header.extend(ADDED);
    push_row(&mut out, &header);
    for (cells, result) in &results.rows {
        // A short row is padded, a long one cut, so the added columns line up.
        let mut row: Vec<&str> = (0..width)
            .map(|i| cells.get(i).map_or("", String::as_str))
            .collect();
        row.push(&result.words);
        row.push(result.message.as_deref().unwrap_or(""));
        push_row(&mut out, &row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::batch::{LeftOut, NewBatch, RunRow};
    use crate::history::{AccountRef, Change, History, Outcome, Purpose};

    #[test]
    fn every_row_of_the_file_with_its_result_in_the_files_order() {
        let h = History::in_memory();
        let account = AccountRef::sandbox("http://127.0.0.1:1");
        let change = |n: &str| Change::Contact {
            number: n.into(),
            name: Some("Asha, Rao".into()),
            changes: vec![],
        };
        let rows = [
            RunRow {
                line: 2,
                cells: vec!["9876543210".into(), "Asha, Rao".into()],
                change: change("9876543210"),
            },
            RunRow {
                line: 4,
                cells: vec!["9123456780".into()],
                change: change("9123456780"),
            },
        ];
        let left_out = [LeftOut {
            line: 3,
            number: None,
            cells: vec!["12".into(), "Sunil".into()],
            reason: "Row 3: the number is too short.".into(),
        }];
        let headers = ["Phone".to_owned(), "Name".to_owned()];
        let b = h
            .create_batch(&NewBatch {
                account: &account,
                source: "a.csv",
                headers: &headers,
                rows: &rows,
                left_out: &left_out,
            })
            .unwrap();
        let e = h.record_row(b, 2, Purpose::Change).unwrap();
        h.settle(e, Outcome::Confirmed, None).unwrap();

        let csv = results_csv(&h.batch_results_with_cells(b).unwrap());
        assert_eq!(
            csv,
            "\u{feff}Phone,Name,Result,Details\r\n\
             9876543210,\"Asha, Rao\",confirmed,\r\n\
             12,Sunil,left out,Row 3: the number is too short.\r\n\
             9123456780,,not sent,\r\n"
        );
    }

    #[test]
    fn a_results_file_reads_back_as_the_cells_it_was_made_from() {
        let cells = vec![
            "+91 98765-00003".to_owned(),
            "=cmd".to_owned(),
            "-".to_owned(),
            "'quoted'".to_owned(),
        ];
        let results = Results {
            headers: vec!["Phone".into(), "Note".into(), "Dash".into(), "Q".into()],
            rows: vec![(
                cells.clone(),
                crate::history::batch::RowResult::for_test(2, "9198765000003"),
            )],
        };
        let csv = results_csv(&results);
        // Defused for a spreadsheet…
        assert!(csv.contains("'+91 98765-00003"), "{csv}");
        // …and read back by a bulk update as it was.
        let table = crate::bulk::read(csv.as_bytes()).unwrap();
        assert_eq!(&table.rows[0].cells[..4], &cells[..]);
    }
}
