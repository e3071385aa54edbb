//! Line-ups: named sets of who receives calls in one or more groups, kept
//! per account on this computer, applied when the manager asks or on a
//! schedule; and an agent's leave from every group. No Tauri here.

pub mod across;
pub mod csv;
pub mod difference;
pub mod leave;
pub mod model;
pub mod schedule;

pub use difference::{difference, GroupDifference, Named};
pub use model::*;

#[cfg(test)]
pub(crate) mod test_support;
