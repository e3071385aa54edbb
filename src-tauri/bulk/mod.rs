//! Bulk contact updates from a CSV file, the domain: reading the file
//! ([`file`]), which column fills which field ([`mapping`], from the header
//! words of [`headers`]), the preview that checks every row with the contact
//! editor's own rules ([`preview`]) and names numbers that may be the same
//! caller ([`lookalike`]), the run it becomes ([`plan`]), and the runs under
//! way in this app ([`runs`]). No Tauri here; the commands call these.
//!
//! ```text
//! bytes ─ file::read ─▶ Table ─ mapping::propose ─▶ Mapping (the manager may change it)
//!                         └── preview::preview(&table, &mapping, SameCaller) ─▶ Preview
//! ```

pub mod file;
pub mod headers;
pub mod lookalike;
pub mod mapping;
pub mod plan;
pub mod preview;
pub mod results;
pub mod runs;
pub mod target;

pub use file::{read, read_file, FileError, Row, Separator, Table, MAX_BYTES, MAX_ROWS};
pub use lookalike::{Lookalike, SameCaller};
pub use mapping::{propose, Column, Mapping, MappingProblem};
pub use plan::plan;
pub use preview::{preview, Counts, Preview, RowPreview, RowProblem, RowState};
pub use results::results_csv;
pub use runs::{Busy, RunError, Runs, Watcher};
pub use target::{Target, NUMBER_LABEL};
