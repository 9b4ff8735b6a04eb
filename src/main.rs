//! The `chipban` command line: parse arguments, call the library, map errors
//! to exit codes (2 = the user's input, 1 = a bug). Nothing else lives here.

use chipban::commands::{self, AppError, RunOptions};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "chipban",
    version,
    about = "Simulate how China's AI industry consolidates under the US GPU export ban"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a world and write its record (CSV, JSON) to an output folder.
    Run {
        /// World file (RON). Without it, the built-in baseline.
        world: Option<PathBuf>,
        /// Random seed (default: the world's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Number of months to simulate (default: the world's `months`).
        #[arg(long)]
        months: Option<u32>,
        /// Output folder (default: output/<world name>-seed<N>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override a world field by path, e.g. policy.rules[1].effective=2023-06 (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
        /// Replace an existing output folder that holds a different run.
        #[arg(long)]
        force: bool,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
        /// Write only the data files: no charts, GIF or report (faster).
        #[arg(long)]
        no_charts: bool,
        /// Print the story of the run, month by month, in plain sentences.
        #[arg(long)]
        narrate: bool,
    },
    /// Rebuild the charts, GIF and report of an output folder from its data files.
    Chart {
        /// An output folder written by `chipban run`.
        outdir: PathBuf,
    },
    /// Validate a world file and list every problem.
    Check {
        /// World file (RON).
        world: PathBuf,
    },
    /// List the shipped worlds.
    Worlds,
    /// Run a batch study (grid, factorial or Latin hypercube) from a sweep file.
    Sweep {
        /// Sweep file (RON), e.g. sweeps/ban_timing.ron.
        file: PathBuf,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long, short = 'j')]
        jobs: Option<usize>,
        /// Output folder (default: output/sweep-<name>, or output/sweep-<name>-shard<K>of<N>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Run only shard K of N (K = 0..N-1: runs whose id mod N = K); combine with `chipban merge`.
        #[arg(long, value_name = "K/N", value_parser = parse_shard)]
        shard: Option<chipban::study::Shard>,
        /// Continue an interrupted sweep in its folder: finished runs are kept, the rest are run.
        #[arg(long, conflicts_with = "force")]
        resume: bool,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
        /// No progress bar or summary (errors only).
        #[arg(long)]
        quiet: bool,
        /// Write the data files only: no charts or report.
        #[arg(long)]
        no_charts: bool,
        /// Do not run: write a Slurm job array (one task per shard, CPUs per task = --jobs) and its merge job into DIR.
        #[arg(long, value_name = "DIR", conflicts_with_all = ["shard", "resume", "out"])]
        emit_slurm: Option<PathBuf>,
        /// With --emit-slurm: the number of array tasks (shards).
        #[arg(long, default_value_t = 4, requires = "emit_slurm")]
        shards: u32,
    },
    /// Compare two worlds on common random numbers: paired differences, survival curves, a verdict.
    Compare {
        /// First world (A), e.g. worlds/baseline.ron.
        world_a: PathBuf,
        /// Second world (B), e.g. worlds/no_ban.ron. Differences are A minus B.
        world_b: PathBuf,
        /// Paired replicates (replicate r of both worlds uses the same seed).
        #[arg(long, default_value_t = 200)]
        replicates: u32,
        /// Master seed (default: the first world's seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Months to simulate in both worlds (default: the worlds' own, which must agree).
        #[arg(long)]
        months: Option<u32>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long, short = 'j')]
        jobs: Option<usize>,
        /// Output folder (default: output/compare-<A>-vs-<B>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
        /// Write the data files only: no charts or report.
        #[arg(long)]
        no_charts: bool,
    },
    /// Measure the calibration targets (DESIGN §4) over many replicates of a world.
    Calibrate {
        /// World file (default: the built-in baseline).
        world: Option<PathBuf>,
        /// Replicates (seeds derived from the master seed).
        #[arg(long, default_value_t = 50)]
        replicates: u32,
        /// Master seed (default: the world's seed).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long, short = 'j')]
        jobs: Option<usize>,
        /// Override a world field by path (repeatable), e.g. to try a calibration.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
    },
    /// Combine the folders of a sharded sweep into one study.
    Merge {
        /// Shard folders written by `chipban sweep --shard K/N` (all N of them).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output folder (default: output/sweep-<name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
        /// No summary (errors only).
        #[arg(long)]
        quiet: bool,
        /// Write the data files only: no charts or report.
        #[arg(long)]
        no_charts: bool,
    },
}

fn parse_shard(s: &str) -> Result<chipban::study::Shard, String> {
    chipban::study::Shard::parse(s)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = std::panic::catch_unwind(|| dispatch(cli));
    match result {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code() as u8)
        }
        Err(_) => {
            eprintln!("internal error: chipban stopped on a bug (message above); please report it");
            ExitCode::from(1)
        }
    }
}

fn dispatch(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Chart { outdir } => {
            let files = commands::chart(&outdir)?;
            println!("rewrote {} files in {}", files.len(), outdir.display());
            Ok(())
        }
        Command::Run { world, seed, months, out, sets, force, quiet, no_charts, narrate } => {
            let opts = RunOptions { world, seed, months, out, sets, force, quiet, no_charts, narrate };
            let done = commands::run(&opts)?;
            if narrate {
                print!("{}", chipban::view::narrate::text(&done.data));
            }
            if !quiet {
                let r = &done.record;
                let last = r.months.last();
                println!("wrote {}", done.out.display());
                if let Some(m) = last {
                    println!(
                        "{} months of {} (seed {}): final HHI {:.0}, CR4 {:.2}, {} independent firms, {} entries, {} exits, {} acquisitions",
                        r.months.len(),
                        r.world.name,
                        r.seed,
                        m.hhi,
                        m.cr4,
                        m.independent_firms,
                        m.entries,
                        m.exits,
                        m.acquisitions
                    );
                }
                match r.consolidation_start {
                    Some(t) => println!("consolidation phase from {}", r.date(t)),
                    None => println!("no consolidation phase"),
                }
                eprintln!("wall time {:.3} s", done.seconds);
            }
            Ok(())
        }
        Command::Check { world } => {
            let w = commands::check(&world)?;
            println!(
                "{}: ok — world \"{}\", {} months from {}, {} named firms, {} cohorts, {} investors, {} chips, {} rules",
                world.display(),
                w.name,
                w.months,
                w.start,
                w.firms.len(),
                w.cohorts.len(),
                w.investors.len(),
                w.chips.suppliers.len(),
                w.policy.rules.len()
            );
            Ok(())
        }
        Command::Sweep { file, jobs, emit_slurm: Some(dir), shards, force, quiet, .. } => {
            let plan = chipban::study::load_plan(&file).map_err(|e| AppError::User(e.to_string()))?;
            let binary = std::env::current_exe()
                .map_err(|e| AppError::Internal(format!("cannot find this program's path: {e}")))?;
            let opts =
                chipban::slurm::SlurmOptions { dir, shards, cpus: jobs.unwrap_or(1) as u32, binary, force };
            let files = chipban::slurm::emit(&plan, &opts)?;
            if !quiet {
                for f in &files {
                    println!("wrote {}", f.display());
                }
                println!(
                    "edit the EDIT lines of sweep.sbatch and merge.sbatch, then run {}/submit.sh",
                    opts.dir.display()
                );
            }
            Ok(())
        }
        Command::Sweep { file, jobs, out, shard, resume, force, quiet, no_charts, .. } => {
            let opts =
                chipban::study::SweepOptions { file, jobs, out, shard, resume, force, quiet, no_charts };
            let done = chipban::study::sweep(&opts)?;
            if !quiet {
                print!("{}", commands::sweep_summary(&done, shard));
            }
            Ok(())
        }
        Command::Merge { dirs, out, force, quiet, no_charts } => {
            let opts = chipban::study::MergeOptions { dirs, out, force, no_charts };
            let done = chipban::study::merge(&opts)?;
            if !quiet {
                print!("{}", commands::sweep_summary(&done, None));
            }
            Ok(())
        }
        Command::Compare {
            world_a,
            world_b,
            replicates,
            seed,
            months,
            jobs,
            out,
            force,
            quiet,
            no_charts,
        } => {
            let opts = chipban::compare::CompareOptions {
                worlds: [world_a, world_b],
                replicates,
                seed,
                months,
                jobs,
                out,
                force,
                quiet,
                no_charts,
            };
            let (cmp, out, seconds) = chipban::compare::compare(&opts)?;
            if !quiet {
                println!("wrote {} ({} paired runs in {seconds:.1} s)", out.display(), 2 * cmp.replicates);
                for v in &cmp.verdict {
                    println!("- {v}");
                }
            }
            Ok(())
        }
        Command::Calibrate { world, replicates, seed, jobs, sets } => {
            if replicates == 0 {
                return Err(AppError::User("--replicates must be at least 1".into()));
            }
            let w = commands::resolve_world(world.as_deref(), &sets, None, None)?;
            let master = seed.unwrap_or(w.seed);
            let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            let rows = chipban::calibration::calibrate(&w, replicates, master, jobs);
            println!(
                "Calibration of world \"{}\" ({replicates} replicates, master seed {master}):\n",
                w.name
            );
            print!("{}", chipban::calibration::table(&rows, replicates));
            let bad = rows.iter().filter(|r| !r.ok).count();
            if bad > 0 {
                println!("\n{bad} target(s) out of range");
            }
            Ok(())
        }
        Command::Worlds => {
            for (file, name, months, desc) in commands::shipped_worlds() {
                println!("{file:<24} {name:<10} {months:>3} months  {desc}");
            }
            Ok(())
        }
    }
}
