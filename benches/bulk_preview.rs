//! A bulk update's largest file, 100,000 rows: reading it, proposing the
//! mapping, and the preview that checks every row with the editor's rules.
//!
//! `cargo bench --bench bulk_preview` (criterion; figures in target/criterion,
//! and a summary in target/measurements/bulk-preview.txt).

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use deepcall_desk::bulk::{self, SameCaller, MAX_ROWS};

/// A file like a manager's export: every tenth row blacklists, one in a
/// hundred has a bad email, one in fifty repeats an earlier number, one in
/// a hundred writes an earlier number with `0` where it had `+91`.
fn file(rows: usize) -> Vec<u8> {
    let mut text = String::from(
        "\u{FEFF}Phone;Full name;E-mail;VIP;Blacklisted;Custom field 1;Total calls\r\n",
    );
    for i in 0..rows {
        let number = if i % 50 == 49 { i - 7 } else { i };
        let written = if i % 100 == 51 {
            format!("0 98{:08}", i - 3)
        } else {
            format!("+91 98{number:08}")
        };
        let email = match i % 100 {
            0 => "broken@".to_owned(),
            n if n % 3 == 0 => format!("caller{i}@example.in"),
            _ => String::new(),
        };
        let vip = ["yes", "", "no", ""][i % 4];
        let blacklist = if i % 10 == 0 { "Y" } else { "" };
        text.push_str(&format!(
            "{written};Caller Number {};{email};{vip};{blacklist};\"Tier {}; north\";{}\r\n",
            ["A", "B", "C"][i % 3],
            i % 5,
            i % 40
        ));
    }
    text.into_bytes()
}

fn bench(c: &mut Criterion) {
    let bytes = file(MAX_ROWS);
    let started = Instant::now();
    let table = bulk::read(&bytes).expect("reads");
    let read = started.elapsed();
    let mapping = bulk::propose(&table.headers);
    let started = Instant::now();
    let preview = bulk::preview(&table, &mapping, SameCaller::KeepBoth).expect("mapping is fine");
    let previewed = started.elapsed();
    let counts = preview.counts;
    assert_eq!(counts.rows as usize, MAX_ROWS);

    let mut group = c.benchmark_group("bulk_100000_rows");
    group.sample_size(10);
    group.bench_function("read", |b| {
        b.iter(|| bulk::read(black_box(&bytes)).unwrap())
    });
    group.bench_function("preview", |b| {
        b.iter(|| {
            bulk::preview(black_box(&table), black_box(&mapping), SameCaller::KeepBoth).unwrap()
        })
    });
    group.bench_function("preview_to_json", |b| {
        b.iter(|| serde_json::to_vec(black_box(&preview)).unwrap())
    });
    group.finish();

    let json = serde_json::to_vec(&preview).map_or(0, |v| v.len());
    let report = format!(
        "Bulk update preview of {MAX_ROWS} rows (cargo bench --bench bulk_preview)\n\
         file size: {:.1} MiB\n\
         reading it (one run): {read:?}\n\
         preview, every row checked (one run): {previewed:?}\n\
         counts: {} ready, {} with problems, {} replaced, {} blacklisting, {} may be the same caller\n\
         preview as JSON: {:.1} MiB\n\
         per-step figures: target/criterion/bulk_100000_rows/*/new/estimates.json\n",
        bytes.len() as f64 / 1_048_576.0,
        counts.ready,
        counts.with_problems,
        counts.replaced,
        counts.blacklisting,
        counts.same_caller,
        json as f64 / 1_048_576.0,
    );
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/measurements");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join("bulk-preview.txt"), &report);
    eprint!("{report}");
}

criterion_group!(benches, bench);
criterion_main!(benches);
