//! The log's lines, written through the daily files.

use std::io::Write;

use tracing_subscriber::fmt::MakeWriter;

pub use crate::daily_files::{DailyFiles, KEEP_DAYS};

/// What the log's formatter writes one event through.
pub struct Line<'a>(&'a DailyFiles);

impl Write for Line<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.append_today(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for DailyFiles {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        Line(self)
    }
}
