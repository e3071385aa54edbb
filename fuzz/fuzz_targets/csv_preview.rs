//! A manager's spreadsheet from its bytes to the preview and the run it
//! becomes: `bulk::read`, the proposed columns (`bulk::propose`), the
//! Columns step's changes, `bulk::preview` and `bulk::plan`.
//!
//! The input is the file; after a last NUL byte, the choices: Keep the last
//! or Keep both, whether blacklisting is confirmed, then (column, target)
//! pairs as the manager sets them in the Columns step.
#![no_main]

use deepcall_desk::bulk::file::{MAX_CELL_CHARS, MAX_COLUMNS};
use deepcall_desk::bulk::lookalike::may_be_same;
use deepcall_desk::bulk::{
    self, FileError, Mapping, Preview, RowState, SameCaller, Table, Target, MAX_ROWS,
};
use deepcall_desk::deepcall::directory::{ContactField, FieldValue, KnownField};
use deepcall_desk_fuzz::{assert_plain, assert_sentence, split, Choices};
use libfuzzer_sys::fuzz_target;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fuzz_target!(|data: &[u8]| {
    let (file, choices) = split(data);
    let mut choices = Choices(choices);
    let lines = lines_in(file);
    let read = bulk::read(file);
    // A BOM changes nothing of what is read, nor where a line is (unless
    // it comes before another text's mark: then it is no longer UTF-16's).
    let marked = [BOM, b"\xFF\xFE", b"\xFE\xFF"];
    if file.len() < 512 && !marked.iter().any(|m| file.starts_with(m)) {
        assert_eq!(bulk::read(&[BOM, file].concat()), read, "with a BOM");
    }
    let table = match read {
        Ok(t) => t,
        Err(e) => return check_refusal(&e, lines),
    };
    check_table(&table, lines);
    let mut mapping = bulk::propose(&table.headers);
    check_proposal(&table, &mapping);

    let flags = choices.byte();
    let choice = if flags & 1 == 0 {
        SameCaller::KeepBoth
    } else {
        SameCaller::KeepLast
    };
    let blacklisting = flags & 2 != 0;
    while !choices.is_empty() {
        let column = usize::from(choices.byte()) % mapping.columns.len();
        let target = target(choices.byte(), &mapping.columns[column].header);
        if let Some(target) = target {
            mapping.columns[column].target = target;
        }
    }

    match bulk::preview(&table, &mapping, choice) {
        Ok(preview) => {
            assert!(mapping.problems().is_empty());
            check_preview(&table, &preview, choice);
            check_plan(&table, &preview, blacklisting);
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "refused without a reason");
            assert_eq!(problems, mapping.problems());
            for p in &problems {
                assert_sentence(&p.message);
                assert!(p
                    .column
                    .is_none_or(|c| (c as usize) < mapping.columns.len()));
            }
        }
    }
});

/// Lines as a text editor counts them: LF, CRLF or a CR alone ends one.
fn lines_in(file: &[u8]) -> usize {
    let mut ends = 0;
    for (i, &b) in file.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && file.get(i + 1) != Some(&b'\n')) {
            ends += 1;
        }
    }
    ends + 1
}

/// A target as the Columns step offers them: Not used, the phone number,
/// each of the editor's fields, or a custom field named after the header
/// (as typed, or with what a name may not hold made underscores).
fn target(code: u8, header: &str) -> Option<Target> {
    let known = KnownField::ALL.len();
    match usize::from(code) % (known + 4) {
        0 => Some(Target::NotUsed),
        1 => Some(Target::Number),
        2 => Target::custom(header).ok(),
        3 => {
            let name: String = header
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            Target::custom(&name).ok()
        }
        i => Some(Target::Field(ContactField::Known(KnownField::ALL[i - 4]))),
    }
}

fn check_refusal(e: &FileError, lines: usize) {
    assert_plain(&e.to_string());
    let line = match e {
        FileError::NulByte { line }
        | FileError::NotUtf8 { line }
        | FileError::RowTooWide { line, .. }
        | FileError::CellTooLong { line, .. } => Some(*line),
        FileError::Unreadable { reason } => {
            panic!("a file in memory refused as unreadable: {reason}")
        }
        FileError::TooLarge { .. } | FileError::TooManyRows { .. } => {
            panic!("a small file refused as too large: {e:?}")
        }
        FileError::TooManyColumns { .. }
        | FileError::Utf16
        | FileError::Empty
        | FileError::NoRows => None,
    };
    if let Some(line) = line {
        assert!(
            (1..=lines).contains(&(line as usize)),
            "line {line} named in a file of {lines} lines"
        );
    }
}

fn check_table(t: &Table, lines: usize) {
    assert!(!t.headers.is_empty() && t.headers.len() <= MAX_COLUMNS);
    assert!(
        t.headers.iter().any(|h| !h.is_empty()),
        "a blank header row"
    );
    assert!(!t.rows.is_empty() && t.rows.len() <= MAX_ROWS);
    // The header, the rows and the blank rows each start on a line of their own.
    assert!(
        1 + t.rows.len() + t.blank_rows as usize <= lines,
        "{} rows and {} blank rows read from {lines} lines",
        t.rows.len(),
        t.blank_rows
    );
    assert!(t.rows[0].line >= 2, "a row on the header's line");
    assert!(
        t.rows.windows(2).all(|w| w[0].line < w[1].line),
        "rows out of line order: {:?}",
        t.rows.iter().map(|r| r.line).collect::<Vec<_>>()
    );
    assert!(t.rows.iter().all(|r| (r.line as usize) <= lines));
    for row in &t.rows {
        assert!(row.cells.len() <= MAX_COLUMNS);
        assert!(row.cells.iter().any(|c| !c.is_empty()), "a blank row kept");
        assert!(row
            .cells
            .iter()
            .all(|c| c.chars().count() <= MAX_CELL_CHARS));
        match t.shape_problem(row) {
            Some(m) => {
                assert_ne!(row.cells.len(), t.headers.len());
                assert_sentence(&m);
            }
            None => assert_eq!(row.cells.len(), t.headers.len()),
        }
    }
}

fn check_proposal(t: &Table, m: &Mapping) {
    assert_eq!(m.columns.len(), t.headers.len());
    for (i, c) in m.columns.iter().enumerate() {
        assert_eq!(c.header, t.headers[i]);
        if c.target != Target::NotUsed {
            assert!(
                m.columns[..i].iter().all(|d| d.target != c.target),
                "two columns proposed for {:?}",
                c.target
            );
        }
    }
}

fn check_preview(t: &Table, p: &Preview, choice: SameCaller) {
    assert_eq!(p.rows.len(), t.rows.len());
    assert_eq!(p.counts.rows as usize, p.rows.len());
    let c = p.counts;
    assert_eq!(
        c.ready + c.with_problems + c.replaced + c.left_out_same_caller,
        c.rows,
        "{c:?}"
    );
    assert_eq!(p.ready().count(), c.ready as usize);
    assert_eq!(p.blacklisting.len(), c.blacklisting as usize);
    assert_eq!(p.same_caller_rows.len(), c.same_caller as usize);
    assert!(p.same_caller_rows.iter().all(|&i| i < p.rows.len()));
    assert_eq!(p.blank_rows, t.blank_rows);

    for (row, r) in t.rows.iter().zip(&p.rows) {
        assert_eq!(r.line, row.line);
        assert!(r.changes.iter().all(|c| c.before == FieldValue::NotKnown));
        for problem in &r.problems {
            assert_sentence(&problem.message);
            assert!(
                problem.message.starts_with(&format!("Row {}", r.line)),
                "a problem that does not name its row: {:?}",
                problem.message
            );
        }
        match r.state {
            RowState::Ready => {
                let update = r.update.as_ref().expect("a ready row with nothing to send");
                assert!(r.number.is_some() && r.problems.is_empty());
                assert!(!r.changes.is_empty() && !update.is_empty());
                // What the client checks again before it sends.
                if let Err(e) = update.validate() {
                    panic!("a ready row the client refuses: {e:?}");
                }
                assert_eq!(r.blacklists, update.blacklist == Some(true));
            }
            RowState::Problems => {
                assert!(!r.problems.is_empty() && r.update.is_none());
            }
            RowState::Replaced | RowState::LeftOutSameCaller => {
                assert!(r.update.is_none());
                assert!(r.replaced_by.is_some_and(|by| by > r.line));
                assert_sentence(r.note.as_deref().expect("left out without a note"));
                if r.state == RowState::LeftOutSameCaller {
                    assert_eq!(choice, SameCaller::KeepLast);
                }
            }
        }
    }
    // Only one row is sent for a number; with Keep the last, only one for
    // numbers that may be the same caller.
    let ready: Vec<_> = p.ready().map(|(_, n, _)| n).collect();
    for (i, a) in ready.iter().enumerate() {
        for b in &ready[..i] {
            assert_ne!(a, b, "two rows sent for one number");
            if choice == SameCaller::KeepLast {
                assert!(!may_be_same(a, b), "{a:?} and {b:?} both sent");
            }
        }
    }
}

fn check_plan(t: &Table, p: &Preview, blacklisting: bool) {
    let (send, left_out) = bulk::plan(t, p, blacklisting);
    assert_eq!(send.len() + left_out.len(), t.rows.len());
    let held = if blacklisting {
        0
    } else {
        p.counts.blacklisting
    };
    assert_eq!(send.len(), (p.counts.ready - held) as usize);
    for l in &left_out {
        assert_sentence(&l.reason);
    }
}
