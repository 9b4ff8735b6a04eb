//! Whole-run benchmarks of the simulation (no file output).
//!
//! Run with `cargo bench --bench simulate`. Targets (release, 2 cores):
//! * `baseline_72_months`: median <= 10 ms;
//! * `generated_10000_firms_120_months`: median <= 1 s;
//! * cost per firm-month at 10,000 firms within 1.5x of that at 1,000
//!   (`generated_1000_firms_120_months`); the firm-month counts are printed
//!   once on stderr before each generated bench.
//!
//! Criterion prints mean-based estimates; the medians are in
//! `target/criterion/<bench name>/new/estimates.json` (`median.point_estimate`, ns).
//! Each group takes under ~30 s on a 2-core machine. On a shared machine the
//! wall times grow with the load: each bench also prints, before it runs,
//! the CPU time its thread spent on untimed runs (`[setup] ... CPU`), the
//! figure to compare with the targets when the machine is busy.

mod common;

use chipban::world::World;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SEED: u64 = 42;

fn baseline_72_months(c: &mut Criterion) {
    let world = chipban::baseline();
    assert_eq!(world.months, 72, "the baseline should run 72 months");
    // untimed by criterion: wall and CPU time of 100 runs, per run
    let (t, cpu) = (Instant::now(), common::thread_cpu_seconds());
    for _ in 0..100 {
        black_box(chipban::run(world.clone(), SEED));
    }
    eprintln!(
        "[setup] baseline: 100 untimed runs: {:.2} ms a run wall, {:.2} ms CPU (this thread)",
        t.elapsed().as_secs_f64() * 10.0,
        (common::thread_cpu_seconds() - cpu) * 10.0
    );
    c.bench_function("baseline_72_months", |b| {
        b.iter_batched(
            || world.clone(),
            |w| black_box(chipban::run(w, SEED)),
            criterion::BatchSize::SmallInput,
        )
    });
}

/// Build and validate a scaled world, run it once untimed and print its
/// firm-months (independent firms summed over months).
fn prepare(firms: u32, investors: u32, months: u32) -> World {
    let world = common::scaled_world(firms, investors, months);
    chipban::world::validate(&world).expect("the scaled benchmark world is valid");
    let (f, i) = common::population(&world);
    let (t, cpu) = (Instant::now(), common::thread_cpu_seconds());
    let record = chipban::run(world.clone(), SEED);
    let elapsed = t.elapsed();
    let cpu = common::thread_cpu_seconds() - cpu;
    let firm_months: u64 = record.months.iter().map(|m| m.independent_firms as u64).sum();
    let last = record.months.last().map(|m| m.independent_firms).unwrap_or(0);
    let peak = record.months.iter().map(|m| m.independent_firms).max().unwrap_or(0);
    eprintln!(
        "[setup] {} : {f} firms, {i} investors, {months} months -> firm-months = {firm_months} \
         (peak {peak}, last {last} independent firms), firm rows {}, events {}; \
         one untimed run {:.1} ms wall ({:.0} ms CPU) = {:.2} us/firm-month",
        world.name,
        record.firms.len(),
        record.events.len(),
        elapsed.as_secs_f64() * 1e3,
        cpu * 1e3,
        elapsed.as_secs_f64() * 1e6 / firm_months.max(1) as f64,
    );
    world
}

fn bench_generated(c: &mut Criterion, name: &str, firms: u32) {
    let world = prepare(firms, 500, 120);
    // Top-level name (no group prefix); criterion's automatic sampling mode
    // switches to flat sampling for runs this long.
    c.bench_function(name, |b| {
        b.iter_batched(
            || world.clone(),
            |w| black_box(chipban::run(w, SEED)),
            criterion::BatchSize::LargeInput,
        )
    });
}

fn generated_1000_firms_120_months(c: &mut Criterion) {
    bench_generated(c, "generated_1000_firms_120_months", 1000);
}

fn generated_10000_firms_120_months(c: &mut Criterion) {
    bench_generated(c, "generated_10000_firms_120_months", 10_000);
}

fn config(warm_up_s: u64, measure_s: u64) -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(warm_up_s))
        .measurement_time(Duration::from_secs(measure_s))
}

criterion_group! {
    name = baseline;
    config = config(2, 5);
    targets = baseline_72_months
}
criterion_group! {
    name = generated_small;
    config = config(2, 20);
    targets = generated_1000_firms_120_months
}
// At ~1.5-2 s a run, flat sampling with 12 s gives one run per sample
// (criterion may warn that 10 samples need more than 12 s: harmless).
criterion_group! {
    name = generated_large;
    config = config(2, 12);
    targets = generated_10000_firms_120_months
}
criterion_main!(baseline, generated_small, generated_large);
