//! Sending changes to DeepCall, on top of History and the client: each
//! change written down in History first, then sent, then settled by the
//! answer ([`send`]); Check now, a fresh read that settles what was cut off,
//! never a re-send ([`check`]); line-ups, group by group ([`lineup`]); and
//! bulk runs, row by row at the network's pace ([`run`]). No Tauri here.

pub mod backoff;
pub mod check;
pub mod lineup;
pub mod run;
pub mod send;

#[cfg(test)]
mod tests;
