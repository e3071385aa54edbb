//! When a line-up falls due: times of the week in the computer's own time.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "camelCase")]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub days: Vec<Day>,
    pub hour: u8,
    pub minute: u8,
}

impl Slot {
    pub fn validate(&self) -> Result<(), String> {
        if self.days.is_empty() || self.hour > 23 || self.minute > 59 {
            return Err("Choose a day and a time.".into());
        }
        Ok(())
    }
}
