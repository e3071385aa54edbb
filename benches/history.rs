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

    let search = Query {
        search: "ravi".into(),
        ..Query::default()
    };
    let everything = Query::default();
    type Work<'a> = Box<dyn Fn() + 'a>;
    let queries: [(&str, Work); 4] = [
        (
            "first_page_of_200",
            Box::new(|| {
                black_box(h.page(black_box(&everything), 0, 200).unwrap());
            }),
        ),
        (
            "overview_accounts_and_unknown",
            Box::new(|| {
                black_box((h.accounts().unwrap(), h.open_count().unwrap()));
            }),
        ),
        (
            "search_by_name_first_page",
            Box::new(|| {
                black_box(h.page(black_box(&search), 0, 200).unwrap());
            }),
        ),
        (
            "page_at_offset_90000",
            Box::new(|| {
                black_box(h.page(black_box(&everything), 90_000, 200).unwrap());
            }),
        ),
    ];
    let mut group = c.benchmark_group("history_100000_entries");
    let mut medians = String::new();
    for (name, work) in &queries {
        group.bench_function(*name, |b| b.iter(work));
        medians += &format!("{name:<32} {:>9.2} ms (median of 21)\n", median_ms(work));
    }
    group.finish();

    let size = std::fs::metadata(dir.join(history::FILE_NAME)).map_or(0, |m| m.len());
    let report = format!(
        "History with {ENTRIES} entries (cargo bench --bench history)\n\
         file size: {:.1} MiB\n\
         writing them in one transaction: {written:?}\n\
         opening the file (integrity check, migrations): {opened:?}\n\
         {medians}\
         criterion's figures: target/criterion/history_100000_entries/\n",
        size as f64 / 1_048_576.0
    );
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/measurements");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join("history-query.txt"), &report);
    eprint!("{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The median time of 21 runs of `work`, in milliseconds.
fn median_ms(work: &dyn Fn()) -> f64 {
    let mut times: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            work();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

criterion_group!(benches, bench);
criterion_main!(benches);
