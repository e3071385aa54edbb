//! The results file of a run: the file's own columns, then each row's
//! result and its reason, in the file's order. Rows the preview left out
//! are there too, so every row of the file is accounted for. Read back as
//! a bulk update's file, it gives the cells it was made from. It is
//! written as History's rows are read, so a long run is never in memory
//! whole.

use std::io::Write;

use crate::csv_guard::push_row;
use crate::history::batch::Columns;
use crate::history::{ExportError, History};

/// The two columns added after the file's own.
pub const ADDED: [&str; 2] = ["Result", "Details"];

/// RFC 4180 CSV with a byte-order mark, like the app's other exports, with
/// the separator of the run's own file (`columns`, see
/// [`History::batch_columns`]). Returns how many rows it holds.
pub fn results_csv(
    history: &History,
    batch: i64,
    columns: &Columns,
    out: &mut dyn Write,
) -> Result<u32, ExportError> {
    let separator = char::from(columns.separator.byte());
    let width = columns.headers.len();
    let mut text = String::from("\u{feff}");
    let mut header: Vec<&str> = columns.headers.iter().map(String::as_str).collect();
    header.extend(ADDED);
    push_row(&mut text, &header, separator);
    out.write_all(text.as_bytes())?;
    history.each_result(batch, |cells, result| {
        // A short row is padded, a long one cut, so the added columns line up.
        let mut row: Vec<&str> = (0..width)
            .map(|i| cells.get(i).map_or("", String::as_str))
            .collect();
        row.push(&result.words);
        row.push(result.message.as_deref().unwrap_or(""));
        text.clear();
        push_row(&mut text, &row, separator);
        out.write_all(text.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::{plan, preview, propose, read, SameCaller, Separator};
    use crate::history::batch::{LeftOut, NewBatch, RunRow};
    use crate::history::{AccountRef, Change, Outcome, Purpose};

    /// The results file of `batch` as text.
    fn results_text(h: &History, batch: i64) -> String {
        let columns = h.batch_columns(batch).unwrap().expect("rows kept");
        let mut out = Vec::new();
        results_csv(h, batch, &columns, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

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
                separator: Separator::Comma,
                headers: &headers,
                rows: &rows,
                left_out: &left_out,
            })
            .unwrap();
        let e = h.record_row(b, 2, Purpose::Change).unwrap();
        h.settle(e, Outcome::Confirmed, None).unwrap();

        let csv = results_text(&h, b);
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
        let h = History::in_memory();
        let b = h
            .create_batch(&NewBatch {
                account: &AccountRef::sandbox("http://127.0.0.1:1"),
                source: "a.csv",
                separator: Separator::Comma,
                headers: &["Phone".into(), "Note".into(), "Dash".into(), "Q".into()],
                rows: &[RunRow {
                    line: 2,
                    cells: cells.clone(),
                    change: Change::Contact {
                        number: "919876500003".into(),
                        name: None,
                        changes: vec![],
                    },
                }],
                left_out: &[],
            })
            .unwrap();
        let csv = results_text(&h, b);
        // Defused for a spreadsheet…
        assert!(csv.contains("'+91 98765-00003"), "{csv}");
        // …and read back by a bulk update as it was.
        let table = crate::bulk::read(csv.as_bytes()).unwrap();
        assert_eq!(&table.rows[0].cells[..4], &cells[..]);
    }

    #[test]
    fn a_semicolon_file_gets_semicolon_results_with_no_formula_in_any_reading() {
        let file = "Phone;Name;Company\r\n\
                    9876543210;\"x;=1+1\";\"y, =HYPERLINK(\"\"http://a\"\")\"\r\n\
                    9876543211;'abc;@SUM(1)\r\n";
        let table = read(file.as_bytes()).unwrap();
        assert_eq!(table.separator, Separator::Semicolon);
        let p = preview(&table, &propose(&table.headers), SameCaller::KeepBoth).unwrap();
        let (rows, left_out) = plan(&table, &p, true);
        let h = History::in_memory();
        let b = h
            .create_batch(&NewBatch {
                account: &AccountRef::sandbox("http://127.0.0.1:1"),
                source: "a.csv",
                separator: table.separator,
                headers: &table.headers,
                rows: &rows,
                left_out: &left_out,
            })
            .unwrap();
        let csv = results_text(&h, b);
        assert!(
            csv.starts_with("\u{feff}Phone;Name;Company;Result;Details\r\n"),
            "{csv}"
        );
        crate::csv_guard::assert_no_formula_in_any_reading(&csv);
        // Read back, it gives the cells of the file it was made from.
        let back = read(csv.as_bytes()).unwrap();
        assert_eq!(back.separator, Separator::Semicolon);
        for (was, is) in table.rows.iter().zip(&back.rows) {
            assert_eq!(was.cells[..], is.cells[..3]);
        }
    }

    #[test]
    fn a_run_longer_than_one_read_is_written_whole_in_the_files_order() {
        let h = History::in_memory();
        // Every third line left out, so both kinds of row cross each read.
        let (mut rows, mut left_out) = (Vec::new(), Vec::new());
        for line in 2..1_300u32 {
            let cells = vec![format!("{line}"), format!("name {line}")];
            if line % 3 == 0 {
                left_out.push(LeftOut {
                    line,
                    number: None,
                    cells,
                    reason: "Row left out.".into(),
                });
            } else {
                rows.push(RunRow {
                    line,
                    cells,
                    change: Change::Contact {
                        number: format!("98100{line:05}"),
                        name: None,
                        changes: vec![],
                    },
                });
            }
        }
        let b = h
            .create_batch(&NewBatch {
                account: &AccountRef::sandbox("http://127.0.0.1:1"),
                source: "long.csv",
                separator: Separator::Comma,
                headers: &["Line".into(), "Name".into()],
                rows: &rows,
                left_out: &left_out,
            })
            .unwrap();
        let csv = results_text(&h, b);
        let lines: Vec<&str> = csv.trim_end().split("\r\n").skip(1).collect();
        assert_eq!(lines.len(), 1_298);
        for (line, text) in (2..).zip(&lines) {
            let result = if line % 3 == 0 {
                "left out"
            } else {
                "not sent"
            };
            assert!(
                text.starts_with(&format!("{line},name {line},{result}")),
                "{text}"
            );
        }
    }

    #[test]
    fn another_files_apostrophes_are_its_own() {
        let table = read(b"Phone,Name,Note\n9876543210,'abc,'=1+1\n").unwrap();
        assert_eq!(table.rows[0].cells, ["9876543210", "'abc", "'=1+1"]);
    }
}
