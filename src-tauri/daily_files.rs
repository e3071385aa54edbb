//! The log's files (the app's log, `logging`, writes its lines through
//! them; no Tauri here): one a day, each at most [`MAX_FILE_BYTES`], the last
//! [`KEEP_DAYS`] days kept, every one only this computer user's from its
//! first byte. (`tracing_appender` rolls by time only, and creates its files
//! with the process's umask.)
//!
//! A day's file that reaches the limit is renamed `<prefix>.<date>.1.log`
//! (replacing an earlier one) and a new one started: a day keeps at most
//! twice the limit, and always its latest lines, which are the ones an
//! engineer looks for. Where the earlier one cannot be replaced, the full
//! file is started again instead, saying so in its first line.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::files;

/// How many days of files are kept; older ones are deleted.
pub const KEEP_DAYS: usize = 7;

/// The most one file holds: 10 MiB, days of an ordinary office's use. A
/// bulk run of 100,000 rows logs a line per request, about 20 MiB.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Files are named `<prefix>.<date>.log`, the date in UTC.
pub struct DailyFiles {
    dir: PathBuf,
    prefix: &'static str,
    limit: u64,
    open: Mutex<Option<Open>>,
}

/// Today's file, as it is being written.
struct Open {
    day: String,
    file: File,
    bytes: u64,
}

impl DailyFiles {
    /// Writes into `dir`, which the caller made; opens today's file at
    /// once, so that a folder that cannot be written is known at the start.
    pub fn new(dir: &Path, prefix: &'static str) -> std::io::Result<Self> {
        Self::with_limit(dir, prefix, MAX_FILE_BYTES)
    }

    fn with_limit(dir: &Path, prefix: &'static str, limit: u64) -> std::io::Result<Self> {
        let files = DailyFiles {
            dir: dir.to_owned(),
            prefix,
            limit,
            open: Mutex::new(None),
        };
        let today = today();
        *files.lock() = Some(files.open_day(&today)?);
        files.prune(&today);
        Ok(files)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Open>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn path(&self, day: &str, part: &str) -> PathBuf {
        self.dir.join(format!("{}.{day}{part}.log", self.prefix))
    }

    fn open_day(&self, day: &str) -> std::io::Result<Open> {
        let file = files::open_private(&self.path(day, ""))?;
        let bytes = file.metadata().map_or(0, |m| m.len());
        Ok(Open {
            day: day.to_owned(),
            file,
            bytes,
        })
    }

    /// Appends one line (a whole event) to today's file.
    pub fn append_today(&self, line: &[u8]) -> std::io::Result<()> {
        self.append(&today(), line)
    }

    /// Appends one line (a whole event) to `day`'s file.
    fn append(&self, day: &str, line: &[u8]) -> std::io::Result<()> {
        let mut open = self.lock();
        if open.as_ref().is_none_or(|o| o.day != day) {
            *open = None;
            *open = Some(self.open_day(day)?);
            self.prune(day);
        }
        let Some(current) = open.as_mut() else {
            return Ok(());
        };
        if current.bytes > 0 && current.bytes + line.len() as u64 > self.limit {
            *open = None;
            let full = self.path(day, "");
            if let Err(e) = std::fs::rename(&full, self.path(day, ".1")) {
                // The older file cannot be replaced (on Windows, while
                // another program has it open without letting it be
                // replaced): the full one starts again, so that the day
                // never outgrows its cap.
                let mut restarted = File::create(&full)?;
                writeln!(
                    restarted,
                    "(this day's earlier lines were dropped: its older file could not be replaced: {e})"
                )?;
            }
            *open = Some(self.open_day(day)?);
        }
        let Some(current) = open.as_mut() else {
            return Ok(());
        };
        // A single line longer than a file (none should be) is cut.
        let line = &line[..line
            .len()
            .min(usize::try_from(self.limit).unwrap_or(usize::MAX))];
        current.file.write_all(line)?;
        current.bytes += line.len() as u64;
        Ok(())
    }

    /// Deletes the files of days before the last [`KEEP_DAYS`] (`today`
    /// among them), and narrows to this user the ones an earlier version
    /// left readable by others.
    fn prune(&self, today: &str) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut ours: Vec<(String, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let day = name
                    .strip_prefix(self.prefix)?
                    .strip_prefix('.')?
                    .strip_suffix(".log")?;
                let day = day.strip_suffix(".1").unwrap_or(day);
                is_day(day).then(|| (day.to_owned(), e.path()))
            })
            .collect();
        let mut days: Vec<&str> = ours.iter().map(|(d, _)| d.as_str()).collect();
        days.push(today);
        days.sort_unstable();
        days.dedup();
        let oldest_kept = days[days.len().saturating_sub(KEEP_DAYS)].to_owned();
        for (day, path) in ours.drain(..) {
            if day < oldest_kept {
                let _ = std::fs::remove_file(path);
            } else {
                let _ = files::make_private(&path);
            }
        }
    }
}

/// `YYYY-MM-DD`.
fn is_day(s: &str) -> bool {
    s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::names_in as names;

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "deepcall-log-{tag}-{}",
            uuid::Uuid::new_v4().simple()
        ));
        files::create_private_dir(&dir).unwrap();
        dir
    }

    #[test]
    fn a_day_keeps_at_most_twice_the_limit_and_its_latest_lines() {
        let dir = scratch("cap");
        let log = DailyFiles::with_limit(&dir, "app", 1_000).unwrap();
        for i in 0..1_000 {
            log.append("2026-03-01", format!("line {i:04} .........\n").as_bytes())
                .unwrap();
        }
        assert_eq!(
            names(&dir),
            [
                "app.2026-03-01.1.log",
                "app.2026-03-01.log",
                &format!("app.{}.log", today())
            ]
        );
        let newest = std::fs::read_to_string(dir.join("app.2026-03-01.log")).unwrap();
        let older = std::fs::read_to_string(dir.join("app.2026-03-01.1.log")).unwrap();
        assert!(newest.len() <= 1_000 && older.len() <= 1_000);
        assert!(newest.ends_with("line 0999 .........\n"));
        assert!(older.lines().all(|l| l < "line 0999"));
        // A line longer than a whole file is cut, not left out.
        log.append("2026-03-01", &[b'x'; 5_000]).unwrap();
        assert_eq!(
            std::fs::metadata(dir.join("app.2026-03-01.log"))
                .unwrap()
                .len(),
            1_000
        );
        // Windows deletes no folder while a file in it is open.
        drop(log);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Writes a day's lines past its cap while its older file cannot be
    /// replaced: the day's file is started again, saying so, and stays
    /// within the cap with the latest line.
    fn fill_while_the_older_file_is_stuck(dir: &Path) {
        let log = DailyFiles::with_limit(dir, "app", 1_000).unwrap();
        for i in 0..1_000 {
            log.append("2026-03-01", format!("line {i:04} .........\n").as_bytes())
                .unwrap();
        }
        let newest = std::fs::read_to_string(dir.join("app.2026-03-01.log")).unwrap();
        assert!(newest.len() <= 1_000, "{} bytes", newest.len());
        assert!(newest.starts_with("(this day's earlier lines were dropped"));
        assert!(newest.ends_with("line 0999 .........\n"));
    }

    #[test]
    fn a_day_that_cannot_set_its_full_file_aside_starts_it_again() {
        let dir = scratch("stuck");
        // Something no file can be renamed over, on Linux and on Windows.
        let older = dir.join("app.2026-03-01.1.log");
        std::fs::create_dir(&older).unwrap();
        std::fs::write(older.join("keep"), "x").unwrap();
        fill_while_the_older_file_is_stuck(&dir);
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Windows: a program reading the older file (an editor, a backup)
    /// without letting it be deleted, as most do.
    #[cfg(windows)]
    #[test]
    fn a_program_holding_the_older_file_open_does_not_lift_the_cap() {
        use std::os::windows::fs::OpenOptionsExt;
        /// FILE_SHARE_READ alone: no FILE_SHARE_DELETE.
        const SHARE_READ: u32 = 1;
        let dir = scratch("held");
        let older = dir.join("app.2026-03-01.1.log");
        std::fs::write(&older, "someone is reading this").unwrap();
        let reader = std::fs::OpenOptions::new()
            .read(true)
            .share_mode(SHARE_READ)
            .open(&older)
            .unwrap();
        fill_while_the_older_file_is_stuck(&dir);
        drop(reader);
        assert_eq!(
            std::fs::read_to_string(&older).unwrap(),
            "someone is reading this"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_last_days_are_kept_and_older_ones_deleted() {
        let dir = scratch("days");
        for day in 1..=9 {
            std::fs::write(dir.join(format!("app.2020-01-0{day}.log")), "x").unwrap();
        }
        std::fs::write(dir.join("app.2020-01-01.1.log"), "x").unwrap();
        std::fs::write(dir.join("notes.txt"), "someone's").unwrap();
        let log = DailyFiles::with_limit(&dir, "app", 1_000).unwrap();
        // Today and the six days before it that have files.
        let mut expected: Vec<String> = (4..=9).map(|d| format!("app.2020-01-0{d}.log")).collect();
        expected.push(format!("app.{}.log", today()));
        expected.push("notes.txt".into());
        expected.sort();
        assert_eq!(names(&dir), expected);
        drop(log);
        std::fs::remove_dir_all(dir).unwrap();
    }

    // Not on Windows: Unix file modes (Windows: AppData's access list, files.rs).
    #[cfg(unix)]
    #[test]
    fn every_file_is_private_from_its_first_byte() {
        use std::os::unix::fs::PermissionsExt;
        let mode = crate::files::mode_of;
        let dir = scratch("private");
        // One an earlier version wrote readable by others.
        let earlier = dir.join("app.2020-01-01.log");
        std::fs::write(&earlier, "x").unwrap();
        std::fs::set_permissions(&earlier, std::fs::Permissions::from_mode(0o644)).unwrap();
        let log = DailyFiles::with_limit(&dir, "app", 100).unwrap();
        for _ in 0..5 {
            log.append_today(&[b'y'; 60]).unwrap();
        }
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(names(&dir).len(), 3, "{:?}", names(&dir));
        for name in names(&dir) {
            assert_eq!(mode(&dir.join(&name)), 0o600, "{name}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
