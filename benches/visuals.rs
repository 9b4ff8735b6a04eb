//! Charts, the animated market race and the report for one baseline run,
//! from its data files in memory (no disk I/O).
//!
//! Run with `cargo bench --bench visuals`. Target (release, 2 cores): all
//! charts + GIF + report for the baseline, median ≤ 1.5 s, so that sweeps
//! can afford chart sets.

use chipban::record::{RunData, data_files};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn baseline_visuals(c: &mut Criterion) {
    let record = chipban::run(chipban::baseline(), 42);
    let files = data_files(&record);
    let data = RunData::from_files(Path::new("bench"), &files).expect("the run's own files parse");
    let mut g = c.benchmark_group("visuals");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("baseline_charts_gif_report", |b| {
        b.iter(|| black_box(chipban::commands::run::visual_files(&data).expect("visuals render")))
    });
    g.finish();
}

criterion_group!(benches, baseline_visuals);
criterion_main!(benches);
