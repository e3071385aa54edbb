//! The 50-row contact file the Bulk update tests send
//! (`tests/data/bulk-50.csv`): 49 ready rows, a bad email on file line 25,
//! 5 rows that blacklist, 10 VIP; and what each row should send.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use deepcall_desk::deepcall::directory::ContactNumber;
use serde_json::{json, Map, Value};

/// The file line of the row whose email is bad.
pub const BAD_LINE: usize = 25;

/// Where the file is.
pub fn path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bulk-50.csv")
}

/// One row of the file: its file line, number as the app sends it, and
/// its cells by header.
pub struct CsvRow {
    pub line: usize,
    pub number: String,
    cells: BTreeMap<String, String>,
}

impl CsvRow {
    pub fn cell(&self, header: &str) -> &str {
        self.cells.get(header).map(String::as_str).unwrap_or("")
    }

    pub fn blacklists(&self) -> bool {
        flag(self.cell("Blacklisted")) == Some(true)
    }

    /// The `Directory/update` body's `contactinfo` and `other` this row
    /// sets: only its non-empty cells.
    pub fn expected(&self) -> (Map<String, Value>, Map<String, Value>) {
        let mut info = Map::new();
        for (header, key) in [
            ("Name", "name"),
            ("Email", "email"),
            ("Custom field 1", "custom_field_1"),
            ("custom_field_2", "custom_field_2"),
        ] {
            let v = self.cell(header).trim();
            if !v.is_empty() {
                info.insert(key.into(), json!(v));
            }
        }
        let mut other = Map::new();
        for (header, key) in [("VIP", "vip"), ("Blacklisted", "blacklist")] {
            if let Some(on) = flag(self.cell(header)) {
                other.insert(key.into(), json!(on));
            }
        }
        (info, other)
    }
}

fn flag(cell: &str) -> Option<bool> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "" => None,
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        other => panic!("the fixture's flag cell {other:?}"),
    }
}

/// The file's rows, in order.
pub fn rows() -> Vec<CsvRow> {
    let mut reader = csv::Reader::from_path(path()).expect("the fixture reads");
    let headers = reader.headers().expect("the fixture's header").clone();
    reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            let r = r.unwrap();
            // No cell of the fixture spans lines: the header is line 1.
            let line = i + 2;
            let cells: BTreeMap<String, String> = headers
                .iter()
                .map(str::to_owned)
                .zip(r.iter().map(str::to_owned))
                .collect();
            let number = ContactNumber::parse(&cells["Phone"])
                .expect("the fixture's numbers are valid")
                .as_str()
                .to_owned();
            CsvRow {
                line,
                number,
                cells,
            }
        })
        .collect()
}
