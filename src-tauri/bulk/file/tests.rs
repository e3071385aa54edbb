//! Reading a manager's CSV file: encodings, separators, line ends and limits.

use super::*;

fn table(text: &str) -> Table {
    read(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

fn cells(t: &Table) -> Vec<Vec<&str>> {
    t.rows
        .iter()
        .map(|r| r.cells.iter().map(String::as_str).collect())
        .collect()
}

#[test]
fn utf8_with_or_without_bom() {
    let plain = table("Phone,Name\n9876543210,Zoë\n");
    let bom = read(b"\xEF\xBB\xBFPhone,Name\n9876543210,Zo\xC3\xAB\n").unwrap();
    assert_eq!(bom, plain);
    assert_eq!(bom.headers, ["Phone", "Name"], "no BOM in the first header");
    assert_eq!(cells(&bom), [["9876543210", "Zoë"]]);
}

#[test]
fn semicolons_from_the_header_line() {
    let t = table("Phone;Name;Company\n9876543210;Ravi;Verma, Sons & Co\n");
    assert_eq!(t.separator, Separator::Semicolon);
    assert_eq!(cells(&t), [["9876543210", "Ravi", "Verma, Sons & Co"]]);
    // A comma inside a quoted header does not count.
    let t = table("\"Phone; mobile\",Name\n98765;x,Ravi\n");
    assert_eq!(t.separator, Separator::Comma);
    assert_eq!(t.headers, ["Phone; mobile", "Name"]);
    // One column: a comma.
    assert_eq!(table("Phone\n9876543210\n").separator, Separator::Comma);
}

#[test]
fn quoted_fields_with_separators_quotes_and_newlines() {
    let t = table(
        "Phone,Address,Name\n\
         9876543210,\"12 MG Road, Pune\",\"Ravi \"\"Ravi\"\" Verma\"\n\
         9876543211,\"Flat 4\nLine two\",Sunil\n\
         9876543212,Plain,Asha\n",
    );
    assert_eq!(
        cells(&t),
        [
            ["9876543210", "12 MG Road, Pune", "Ravi \"Ravi\" Verma"],
            ["9876543211", "Flat 4\nLine two", "Sunil"],
            ["9876543212", "Plain", "Asha"],
        ]
    );
    let lines: Vec<u32> = t.rows.iter().map(|r| r.line).collect();
    assert_eq!(
        lines,
        [2, 3, 5],
        "a row after a two-line cell starts on line 5"
    );
}

#[test]
fn crlf_and_lf_and_cells_trimmed() {
    let crlf = table("Phone,VIP\r\n9876543210 , yes\r\n9876543211,no\r\n");
    let lf = table("Phone,VIP\n9876543210,yes\n9876543211,no");
    assert_eq!(crlf, lf);
    assert_eq!(cells(&crlf), [["9876543210", "yes"], ["9876543211", "no"]]);
    assert_eq!(crlf.rows[1].line, 3);
    // Line numbers across CRLF, a two-line cell and a blank line.
    let t =
        table("Phone,Address\r\n9876543210,\"Flat 4\r\nPune\"\r\n\r\n9876543211,x\r\n9876543212,y");
    let lines: Vec<u32> = t.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 5, 6]);
    assert_eq!(t.rows[0].cells[1], "Flat 4\r\nPune");
}

#[test]
fn old_mac_cr_only_and_mixed_line_ends_number_each_row() {
    let lines = |t: &Table| t.rows.iter().map(|r| r.line).collect::<Vec<_>>();
    let mac = table("Phone,Name\r9876543210,Ravi\r9876543211,Asha\r");
    assert_eq!(
        cells(&mac),
        [["9876543210", "Ravi"], ["9876543211", "Asha"]]
    );
    assert_eq!(lines(&mac), [2, 3]);
    // CR, LF and CRLF alike; a blank line and a cell over two lines count.
    let mixed =
        table("Phone,Address\r9876543210,a\n9876543211,b\r\n\r9876543212,\"x\ry\"\r9876543213,c");
    assert_eq!(lines(&mixed), [2, 3, 5, 7]);
    assert_eq!(mixed.rows[2].cells[1], "x\ry");
    assert_eq!(
        read(b"Phone\r9876543210\r98765\x00\r"),
        Err(FileError::NulByte { line: 3 })
    );
}

#[test]
fn rows_never_share_a_line_whatever_the_line_ends() {
    // Every mix of line ends, blank lines and cells over two lines, each
    // between two rows: a row always starts on a later line than the one
    // before it.
    let breaks = ["\n", "\r", "\r\n", "\n\r", "\r\r", "\r\n\n"];
    for (i, a) in breaks.iter().enumerate() {
        for b in &breaks[i..] {
            let text = format!("Phone,Note{a}1,\"x{b}y\"{b}2,z{a}{a}3,w{b}4,v");
            let t = table(&text);
            assert_eq!(t.rows.len(), 4, "{text:?}");
            assert!(
                t.rows.windows(2).all(|w| w[0].line < w[1].line),
                "{text:?}: {:?}",
                t.rows.iter().map(|r| r.line).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn blank_rows_are_left_out_and_counted() {
    let t = table("Phone;VIP\n\n9876543210;yes\n;\n ; \n");
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].line, 3);
    assert_eq!(t.blank_rows, 2, "`;` rows; an empty line is not a row");
}

#[test]
fn ragged_rows_are_a_problem_of_the_row_not_the_file() {
    let t = table("Phone,VIP,Name\n9876543210,yes\n9876543211,no,Asha,extra\n9876543212,y,Ravi\n");
    assert_eq!(t.rows.len(), 3);
    assert_eq!(
        t.shape_problem(&t.rows[0]).unwrap(),
        "Row 2 has 2 cells but the header has 3 columns. Check that row for a missing or extra “,”, or a quote that is not closed."
    );
    assert!(t
        .shape_problem(&t.rows[1])
        .unwrap()
        .starts_with("Row 3 has 4 cells"));
    assert_eq!(t.shape_problem(&t.rows[2]), None);
}

#[test]
fn too_many_rows_names_the_limit_and_the_count() {
    let mut text = String::from("Phone\n");
    for i in 0..=MAX_ROWS {
        text.push_str(&format!("98{i:08}\n"));
    }
    let e = read(text.as_bytes()).unwrap_err();
    assert_eq!(
        e,
        FileError::TooManyRows {
            rows: MAX_ROWS as u64 + 1,
            limit: MAX_ROWS as u64
        }
    );
    assert_eq!(
        e.to_string(),
        "This file has 100001 rows; a bulk update takes at most 100000. Split it into files of 100000 rows or fewer."
    );
    // Exactly the limit is fine.
    let at_limit = &text[..text.len() - "9800100000\n".len()];
    assert_eq!(read(at_limit.as_bytes()).unwrap().rows.len(), MAX_ROWS);
}

#[test]
fn a_file_that_is_not_text() {
    assert_eq!(
        read(b"Phone,VIP\n98765\x00,yes\n"),
        Err(FileError::NulByte { line: 2 })
    );
    let e = read(b"Phone,Name\n9876543210,Ravi\n9876543211,Jos\xE9\n").unwrap_err();
    assert_eq!(e, FileError::NotUtf8 { line: 3 });
    assert_eq!(
        e.to_string(),
        "Line 3 of this file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and choose it again."
    );
    assert_eq!(read(b"\xFF\xFEP\x00h\x00"), Err(FileError::Utf16));
    // A PNG's first bytes.
    assert!(matches!(
        read(b"\x89PNG\r\n\x1a\n\x00\x00"),
        Err(FileError::NotUtf8 { line: 1 } | FileError::NulByte { .. })
    ));
}

#[test]
fn empty_or_only_a_header() {
    for empty in ["", "\n\n", "\u{FEFF}", " \r\n"] {
        assert_eq!(read(empty.as_bytes()), Err(FileError::Empty), "{empty:?}");
    }
    assert_eq!(read(b",,\n"), Err(FileError::Empty));
    assert_eq!(read(b"Phone,VIP\n"), Err(FileError::NoRows));
    assert_eq!(read(b"Phone,VIP\r\n,\r\n"), Err(FileError::NoRows));
}

#[test]
fn a_file_too_wide_is_refused_as_it_is_read_and_quickly() {
    // 2 MB: a million one-letter columns.
    let mut wide = "a,".repeat(999_999);
    wide.push_str("a\n9876543210\n");
    let started = std::time::Instant::now();
    let e = read(wide.as_bytes()).unwrap_err();
    eprintln!(
        "a {:.1} MB file of 1,000,000 columns refused in {:?}",
        wide.len() as f64 / 1e6,
        started.elapsed()
    );
    assert_eq!(
        e,
        FileError::TooManyColumns {
            columns: 1_000_000,
            limit: MAX_COLUMNS as u64
        }
    );
    assert_eq!(
        e.to_string(),
        "This file has 1,000,000 columns; DeepCall Desk reads at most 500. Remove the columns you do not need, or save only the contact columns, and choose it again."
    );
    // Exactly the limit is fine.
    let header = vec!["c"; MAX_COLUMNS].join(";");
    let row = vec!["9"; MAX_COLUMNS].join(";");
    let t = table(&format!("{header}\n{row}\n"));
    assert_eq!(t.headers.len(), MAX_COLUMNS);
    // A row wider than the limit under a short header: refused with its line.
    let too_wide = vec!["9"; MAX_COLUMNS + 1].join(",");
    let e = read(format!("Phone,VIP\n98765,yes\r\n\r\n{too_wide}\n").as_bytes()).unwrap_err();
    assert_eq!(
        e,
        FileError::RowTooWide {
            line: 4,
            cells: 501,
            limit: 500
        }
    );
    assert_eq!(
        e.to_string(),
        "Line 4 of this file has 501 cells; DeepCall Desk reads at most 500 in a row. Remove the cells you do not need from that line, and choose the file again."
    );
}

#[test]
fn a_cell_too_long_is_refused_with_its_line() {
    // Characters, not bytes: three bytes each, exactly the limit.
    let longest = "क".repeat(MAX_CELL_CHARS);
    let t = table(&format!("Phone,Note\n98765,{longest}\n"));
    assert_eq!(t.rows[0].cells[1].chars().count(), MAX_CELL_CHARS);
    let e = read(format!("Phone,Note\n98765,x\n98766,\"{longest}\nक\"\n").as_bytes()).unwrap_err();
    assert_eq!(
        e,
        FileError::CellTooLong {
            line: 3,
            chars: 10_002,
            limit: 10_000
        }
    );
    assert_eq!(
        e.to_string(),
        "Line 3 of this file has a cell of 10,002 characters; DeepCall Desk reads at most 10,000 in a cell. Shorten that cell, or remove its column, and choose the file again."
    );
    // In the header too.
    let e = read(format!("Phone,{}\n98765,x\n", "h".repeat(MAX_CELL_CHARS + 1)).as_bytes())
        .unwrap_err();
    assert!(matches!(e, FileError::CellTooLong { line: 1, .. }), "{e:?}");
}

#[test]
fn counts_are_grouped_by_thousands() {
    for (n, shown) in [
        (0, "0"),
        (500, "500"),
        (1_000, "1,000"),
        (1_000_000, "1,000,000"),
    ] {
        assert_eq!(grouped(n), shown);
    }
}

#[test]
fn the_size_is_capped() {
    let big = vec![b'a'; MAX_BYTES + 1];
    let e = read(&big).unwrap_err();
    assert!(matches!(e, FileError::TooLarge { .. }));
    assert_eq!(
        e.to_string(),
        "This file is 50.1 MiB; the most a bulk update reads is 50.0 MiB. Split it into smaller files."
    );
    let dir = std::env::temp_dir().join(format!("deepcall-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.csv");
    std::fs::write(&path, &big).unwrap();
    assert!(matches!(read_file(&path), Err(FileError::TooLarge { .. })));
    std::fs::write(&path, "Phone\n9876543210\n").unwrap();
    assert_eq!(read_file(&path).unwrap().rows.len(), 1);
    assert!(matches!(
        read_file(&dir.join("missing.csv")),
        Err(FileError::Unreadable { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}
