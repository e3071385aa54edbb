//! Memory of History's CSV export and of a bulk run's results file, with
//! History's size: each written to a file as History is read (as the app
//! does), beside everything read first and the whole file built in memory
//! before it is written. Figures, not times: the peak of the Rust heap,
//! counted by this program's allocator. SQLite's own page cache (its
//! default, at most about 2 MiB a connection) is outside them: it does not
//! grow with History either. The process's resident size is not used: the
//! allocator keeps pages of earlier work, so it says little about one step.
//!
//! `cargo bench --no-default-features --bench history_export` writes
//! `target/measurements/history-export.txt`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use deepcall_desk::bulk::{self, Separator};
use deepcall_desk::files::{self, Access};
use deepcall_desk::history::batch::{BatchState, NewBatch, RunRow};
use deepcall_desk::history::{self, AccountRef, Change, History, Query};

/// Counts the bytes the program holds, and the most it held.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; only
// the sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        grew(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MIB: f64 = 1_048_576.0;

/// The most the Rust heap held while `work` ran, above what it held
/// before, in MiB.
fn peak(work: impl FnOnce()) -> f64 {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    work();
    PEAK.load(Ordering::Relaxed).saturating_sub(base) as f64 / MIB
}

fn size_mib(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / MIB)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("deepcall-export-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let mut report = String::from(
        "Memory of History's export and of a bulk run's results file (cargo bench --bench history_export)\n\
         the most the Rust heap held while each was made, above what it held before;\n\
         SQLite's own page cache (at most about 2 MiB) is apart and does not grow with History\n\n",
    );
    let everything = Query::default();

    for entries in [10_000, 100_000] {
        let path = dir.join(format!("history-{entries}.sqlite3"));
        let h = History::open(&path).expect("opens");
        h.record_settled(&history::sample::entries(entries, history::now_ms()))
            .expect("written");
        let out = dir.join("history.csv");
        let streamed = peak(|| {
            files::write_atomically_with(&out, Access::Document, |w| {
                history::entries_csv(&h, &everything, w)
            })
            .expect("exported");
        });
        let file = size_mib(&out);
        let whole_first = peak(|| {
            let held = h.matching(&everything).expect("read");
            let mut whole = Vec::new();
            history::entries_csv(&h, &everything, &mut whole).expect("built");
            files::write_atomically(&out, &whole, Access::Document).expect("written");
            drop(held);
        });
        report += &format!(
            "History export, {entries} entries (a {file:.1} MiB file):\n\
             \x20 written as it is read:       {streamed:7.2} MiB\n\
             \x20 everything in memory first:  {whole_first:7.2} MiB\n",
        );
    }

    let rows = 100_000u32;
    let path = dir.join("run.sqlite3");
    let h = History::open(&path).expect("opens");
    let batch = {
        let run: Vec<RunRow> = (2..rows + 2)
            .map(|line| RunRow {
                line,
                cells: vec![
                    format!("+91 98100 {line:05}"),
                    "Priya Sharma".into(),
                    "yes".into(),
                    format!("Spoke about the renewal of plan {line}; call back after 6 pm."),
                ],
                change: Change::Contact {
                    number: format!("9198100{line:05}"),
                    name: Some("Priya Sharma".into()),
                    changes: vec![],
                },
            })
            .collect();
        let headers = ["Mobile No", "Customer Name", "VIP", "Note"].map(String::from);
        h.create_batch(&NewBatch {
            account: &AccountRef::sandbox("http://127.0.0.1:8080"),
            source: "customers.csv",
            separator: Separator::Comma,
            headers: &headers,
            rows: &run,
            left_out: &[],
        })
        .expect("run written")
    };
    h.set_batch_state(batch, BatchState::Cancelled)
        .expect("ended");
    let columns = h.batch_columns(batch).expect("read").expect("kept");
    let out = dir.join("results.csv");
    let streamed = peak(|| {
        files::write_atomically_with(&out, Access::Document, |w| {
            bulk::results_csv(&h, batch, &columns, w)
        })
        .expect("saved");
    });
    let file = size_mib(&out);
    let whole_first = peak(|| {
        let mut held = Vec::new();
        h.each_result(batch, |cells, row| {
            held.push((cells.to_vec(), row.clone()));
            Ok(())
        })
        .expect("read");
        let mut whole = Vec::new();
        bulk::results_csv(&h, batch, &columns, &mut whole).expect("built");
        files::write_atomically(&out, &whole, Access::Document).expect("written");
        drop(held);
    });
    report += &format!(
        "Results file of a {rows}-row run (a {file:.1} MiB file):\n\
         \x20 written as it is read:       {streamed:7.2} MiB\n\
         \x20 everything in memory first:  {whole_first:7.2} MiB\n",
    );

    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/measurements");
    let _ = std::fs::create_dir_all(&target);
    let _ = std::fs::write(target.join("history-export.txt"), &report);
    eprint!("{report}");
    let _ = std::fs::remove_dir_all(&dir);
}
