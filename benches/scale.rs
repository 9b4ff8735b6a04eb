//! Scale benchmarks of `chipban run` end to end: simulate a generated world
//! and stream its files into an output folder (`--no-charts`), and the CSV
//! writer's throughput. Not part of `cargo test`.
//!
//! `cargo bench --bench scale` runs, each in a fresh process (so that its
//! peak memory is its own), 3 times, and prints the best wall time and the
//! peak resident memory (VmHWM):
//! * `run_10000_firms_120_months`: targets <= 1.5 s and <= 250 MB;
//! * `csv_throughput`: the streaming writer (`CsvSink`) writing the rows of
//!   a 2,000-firm run into files, target >= 300 MB/s;
//! * with `-- --smoke-100k`, also `run_100000_firms_120_months` once:
//!   targets <= 12 s and <= 1 GB.
//!
//! `cargo bench --bench scale -- --csv` measures the CSV throughput alone;
//! `cargo bench --bench scale -- --world N FILE` writes the generated world
//! of N firms to FILE, to time the binary itself
//! (`/usr/bin/time -v target/release/chipban run FILE --no-charts`).

mod common;

use chipban::record::{CsvSink, MonthBatch, RecordSink};
use chipban::sim::Simulation;
use std::process::Command;
use std::time::Instant;

const MONTHS: u32 = 120;
const INVESTORS: u32 = 500;
const SEED: u64 = 42;

/// Peak resident memory of this process so far, MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// One end-to-end run in this process: `chipban run WORLD --no-charts --out TMP`.
/// Prints `seconds peak_mb bytes`.
fn one_run(firms: u32) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let world = common::scaled_world(firms, INVESTORS, MONTHS);
    let file = dir.path().join("world.ron");
    std::fs::write(&file, chipban::world::to_ron(&world)).expect("world written");
    let out = dir.path().join("out");
    let opts = chipban::commands::run::RunOptions {
        world: Some(file),
        seed: Some(SEED),
        output: chipban::commands::OutputOptions {
            out: Some(out.clone()),
            no_charts: true,
            quiet: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let t = Instant::now();
    chipban::commands::run::execute(&opts).expect("the run succeeds");
    let seconds = t.elapsed().as_secs_f64();
    eprintln!("cpu {}", common::process_cpu_seconds());
    let bytes: u64 = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    println!("{seconds} {} {bytes}", peak_rss_mb());
}

/// Run `one_run(firms)` in a fresh process `times` times; report the best.
fn bench_run(name: &str, firms: u32, times: usize, limits: (f64, f64)) {
    let exe = std::env::current_exe().expect("this benchmark's path");
    let mut best: Option<(f64, f64, u64)> = None;
    for _ in 0..times {
        let out = Command::new(&exe).args(["--one", &firms.to_string()]).output().expect("a child run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        // CPU time of the whole child (both threads, the world built): on a
        // busy machine the wall time is longer than what the run needs
        let cpu = err.lines().find_map(|l| l.strip_prefix("cpu ")).unwrap_or("?");
        let text = String::from_utf8_lossy(&out.stdout);
        let v: Vec<&str> = text.split_whitespace().collect();
        let (s, mb, bytes) = (v[0].parse().unwrap(), v[1].parse().unwrap(), v[2].parse().unwrap());
        eprintln!("  {name}: {s:.3} s, peak {mb:.0} MB, CPU time of the process {cpu} s");
        if best.is_none_or(|(b, _, _)| s < b) {
            best = Some((s, mb, bytes));
        }
    }
    let (s, mb, bytes) = best.expect("at least one run");
    let verdict = if s <= limits.0 && mb <= limits.1 { "within" } else { "OVER" };
    println!(
        "{name}: best {s:.3} s, peak {mb:.0} MB, {:.0} MB of files ({verdict} the targets {:.1} s, {:.0} MB)",
        bytes as f64 / 1e6,
        limits.0,
        limits.1
    );
}

/// Keeps every month's batch as the run hands it over.
#[derive(Default)]
struct Batches(Vec<MonthBatch>);

impl RecordSink for Batches {
    fn month(&mut self, batch: &mut MonthBatch) {
        self.0.push(std::mem::take(batch));
    }
}

/// The streaming writer alone: the months of a 2,000-firm run (simulated
/// first and kept) handed to a `CsvSink` writing into a temporary folder,
/// 5 times; the best MB/s of wall time (measure on a quiet machine).
fn csv_throughput() {
    let mut world = common::scaled_world(2000, INVESTORS, MONTHS);
    world.seed = SEED;
    let mut kept = Batches::default();
    Simulation::new(world.clone(), SEED).run_into(&mut kept).expect("a finite run");
    let mut best = f64::INFINITY;
    let mut bytes = 0;
    for _ in 0..5 {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut batches: Vec<MonthBatch> = kept
            .0
            .iter()
            .map(|b| MonthBatch {
                month: b.month,
                new_firm_names: b.new_firm_names.clone(),
                chips: b.chips.clone(),
                firms: b.firms.clone(),
                events: b.events.clone(),
                ledger: b.ledger.clone(),
            })
            .collect();
        let t = Instant::now();
        let mut sink = CsvSink::create(dir.path(), &world).expect("files created");
        for b in &mut batches {
            sink.month(b);
        }
        sink.finish().expect("files written");
        best = best.min(t.elapsed().as_secs_f64());
        drop(batches);
        bytes = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    }
    let mb = bytes as f64 / 1e6;
    let rate = mb / best;
    let verdict = if rate >= 300.0 { "within" } else { "OVER" };
    println!("csv_throughput: {mb:.0} MB in {best:.3} s = {rate:.0} MB/s ({verdict} the target 300 MB/s)");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    if arg(0) == Some("--one") {
        one_run(arg(1).and_then(|n| n.parse().ok()).expect("--one N"));
        return;
    }
    if arg(0) == Some("--csv") {
        csv_throughput();
        return;
    }
    if arg(0) == Some("--world") {
        let firms: u32 = arg(1).and_then(|n| n.parse().ok()).expect("--world N FILE");
        let mut w = common::scaled_world(firms, INVESTORS, MONTHS);
        w.seed = SEED;
        std::fs::write(arg(2).expect("--world N FILE"), chipban::world::to_ron(&w)).expect("world written");
        return;
    }
    // `cargo bench` passes `--bench`; a name filter is not supported.
    bench_run("run_10000_firms_120_months", 10_000, 3, (1.5, 250.0));
    csv_throughput();
    if args.iter().any(|a| a == "--smoke-100k") {
        bench_run("run_100000_firms_120_months", 100_000, 1, (12.0, 1024.0));
    }
}
