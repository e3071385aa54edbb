//! Opening History with 100,000 entries: the queries the History screen
//! runs when it opens (its first page and the overview), and a search.
//! The time from the click to the first rows painted is measured in the
//! real window by `tests/e2e/history_bench.rs`.
//!
//! `cargo bench --bench history` (criterion; figures in target/criterion,
//! and a summary in target/measurements/history-query.txt).

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use deepcall_desk::history::{self, History, Query};

const ENTRIES: usize = 100_000;

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("deepcall-history-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let h = History::open(&dir.join(history::FILE_NAME)).expect("opens");
    let started = Instant::now();
    h.record_settled(&history::sample::entries(ENTRIES, history::now_ms()))
        .expect("written");
    let written = started.elapsed();
    drop(h);
    // Opening checks the whole file (quick_check): part of the first click.
    let started = Instant::now();
    let h = History::open(&dir.join(history::FILE_NAME)).expect("opens");
    let opened = started.elapsed();
    assert_eq!(
        h.page(&Query::default(), 0, 1).unwrap().total,
        ENTRIES as u32
    );

    let mut group = c.benchmark_group("history_100000_entries");
    group.bench_function("first_page_of_200", |b| {
        b.iter(|| h.page(black_box(&Query::default()), 0, 200).unwrap())
    });
    group.bench_function("overview_accounts_and_unknown", |b| {
        b.iter(|| (h.accounts().unwrap(), h.open_count().unwrap()))
    });
    let search = Query {
        search: "ravi".into(),
        ..Query::default()
    };
    group.bench_function("search_by_name_first_page", |b| {
        b.iter(|| h.page(black_box(&search), 0, 200).unwrap())
    });
    group.bench_function("page_at_offset_90000", |b| {
        b.iter(|| h.page(black_box(&Query::default()), 90_000, 200).unwrap())
    });
    group.finish();

    let size = std::fs::metadata(dir.join(history::FILE_NAME)).map_or(0, |m| m.len());
    let report = format!(
        "History with {ENTRIES} entries (cargo bench --bench history)\n\
         file size: {:.1} MiB\n\
         writing them in one transaction: {written:?}\n\
         opening the file (integrity check, migrations): {opened:?}\n\
         per-query figures: target/criterion/history_100000_entries/*/new/estimates.json\n",
        size as f64 / 1_048_576.0
    );
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/measurements");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join("history-query.txt"), &report);
    eprint!("{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
