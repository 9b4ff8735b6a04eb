//! Batch studies: the 1,000-run study of issue 12's speed target
//! (`benches/fixtures/study_1000.ron`: the baseline, 72 months, 2 cells x
//! 500 replicates) through `chipban sweep` — simulation, journal and
//! aggregation, no per-run charts and no study charts — with one and with
//! two worker threads.
//!
//! Run with `cargo bench --bench sweep` (or `-- jobs2` for the target
//! alone). Targets (release, 2 cores):
//! * `study_1000_runs/jobs2`: median <= 10 s (issue 12);
//! * speed-up of jobs2 over jobs1 >= 1.7x (printed at the end).
//!
//! Each sample takes several seconds, so the group takes a few minutes.

mod common;

use chipban::study::{SweepOptions, sweep};
use criterion::{Criterion, criterion_group, criterion_main};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn sweep_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/fixtures/study_1000.ron")
}

fn run(file: &Path, out: &Path, jobs: usize) -> f64 {
    let opts = SweepOptions {
        file: file.to_path_buf(),
        jobs: Some(jobs),
        out: Some(out.to_path_buf()),
        force: true,
        quiet: true,
        visuals: None,
        ..Default::default()
    };
    let (started, cpu) = (Instant::now(), common::process_cpu_seconds());
    let done = sweep(&opts).expect("the bench sweep runs");
    assert_eq!(done.runs_owned, 1000);
    let wall = started.elapsed().as_secs_f64();
    // on a shared machine: the process's CPU time (all threads) of the study
    eprintln!(
        "  jobs{jobs}: {wall:.2} s wall, {:.2} s CPU (all threads)",
        common::process_cpu_seconds() - cpu
    );
    wall
}

fn sweep_1000(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = sweep_file();
    let out = tmp.path().join("out");
    let mut group = c.benchmark_group("study_1000_runs");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(60));
    // A filter (`cargo bench --bench sweep -- jobs2`) skips the other
    // function: its closure never runs and leaves no time to report.
    let mut medians: [Option<f64>; 2] = [None; 2];
    for (i, jobs) in [1usize, 2].into_iter().enumerate() {
        let mut times = Vec::new();
        group.bench_function(format!("jobs{jobs}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = run(&file, &out, jobs);
                    times.push(t);
                    total += Duration::from_secs_f64(t);
                }
                total
            })
        });
        times.sort_by(f64::total_cmp);
        medians[i] = times.get(times.len() / 2).copied();
    }
    group.finish();
    match medians {
        [Some(one), Some(two)] => {
            eprintln!("median wall time: jobs1 {one:.2} s, jobs2 {two:.2} s, speed-up {:.2}x", one / two)
        }
        _ => {
            for (jobs, m) in [1, 2].into_iter().zip(medians) {
                if let Some(m) = m {
                    eprintln!("median wall time: jobs{jobs} {m:.2} s (speed-up needs both jobs1 and jobs2)");
                }
            }
        }
    }
}

criterion_group!(benches, sweep_1000);
criterion_main!(benches);
