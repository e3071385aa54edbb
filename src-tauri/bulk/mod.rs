//! Bulk contact updates from a CSV file, the domain: reading the
//! file ([`file`]), which column fills which field ([`mapping`]), and the
//! preview that checks every row with the contact editor's own rules
//! ([`preview`]). No Tauri here; the commands call these.
//!
//! ```text
//! bytes ─ file::read ─▶ Table ─ mapping::propose ─▶ Mapping (the manager may change it)
//!                         └──────────── preview::preview(&table, &mapping) ─▶ Preview
//! ```

pub mod file;
pub mod mapping;
pub mod plan;
pub mod preview;
pub mod results;

pub use file::{read, read_file, FileError, Row, Separator, Table, MAX_BYTES, MAX_ROWS};
pub use mapping::{propose, Column, Mapping, MappingProblem, Target};
pub use plan::plan;
pub use preview::{preview, Counts, Preview, RowPreview, RowProblem, RowState};
pub use results::results_csv;
