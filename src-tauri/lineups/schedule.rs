//! When a line-up falls due: times of the week in the computer's own time.
