//! The `chipban` command line: parse arguments into the options of
//! `chipban::commands`, call the command's entry point, map errors to exit
//! codes (2 = the user's input, 1 = a bug). The clap definitions live here
//! and nowhere else; options shared by several commands are defined once
//! (`#[derive(Args)]`) and flattened in.

use chipban::commands::{self, AppError};
use chipban::record::parquet::Format;
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::io::Write;
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

/// Where and how a command writes its output folder.
#[derive(Args)]
struct OutputArgs {
    /// Output folder.
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
}

impl From<OutputArgs> for commands::OutputOptions {
    fn from(a: OutputArgs) -> Self {
        commands::OutputOptions {
            out: a.out,
            force: a.force,
            quiet: a.quiet,
            no_charts: a.no_charts,
            format: Default::default(),
        }
    }
}

/// The format of the data tables (`run`, `sweep`, `merge`).
#[derive(Args)]
struct FormatArgs {
    /// Data tables as CSV, Parquet instead of CSV, or both (see docs/data.md).
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = format_parser())]
    format: Format,
}

/// `--format`: one of [`Format::NAMES`] (clap lists them and refuses others with exit code 2).
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::{PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(Format::NAMES).map(|s| Format::parse(&s).expect("a listed name"))
}

impl FormatArgs {
    /// The output options with this format.
    fn apply(self, output: OutputArgs) -> commands::OutputOptions {
        commands::OutputOptions { format: self.format, ..output.into() }
    }
}

/// Worker threads.
#[derive(Args)]
struct JobsArgs {
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
}

/// The random seed.
#[derive(Args)]
struct SeedArgs {
    /// Master seed (default: the world's seed).
    #[arg(long)]
    seed: Option<u64>,
}

/// The simulated months.
#[derive(Args)]
struct MonthsArgs {
    /// Number of months to simulate (default: the world's `months`).
    #[arg(long)]
    months: Option<u32>,
}

/// Raise the default size limits (docs/data.md, "Limits").
#[derive(Args)]
struct LargeArgs {
    /// Allow sizes over the default limits (months, firms, runs, ...) up to the absolute ones.
    #[arg(long)]
    allow_large: bool,
}

impl LargeArgs {
    /// The size limits in force for this command.
    fn policy(&self) -> chipban::world::SizePolicy {
        chipban::world::SizePolicy { allow_large: self.allow_large }
    }
}

/// `--set` overrides of world fields.
#[derive(Args)]
struct SetArgs {
    /// Override a world field by path, e.g. policy.rules[1].effective=2023-06 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a world and write its record (CSV, JSON) to an output folder.
    #[command(
        mut_arg("seed", |a| a.help("Random seed (default: the world's `seed`).")),
        mut_arg("out", |a| a.help("Output folder (default: output/<world name>-seed<N>).")),
        mut_arg("force", |a| a.help("Replace an existing output folder that holds a different run.")),
        mut_arg("no_charts", |a| a.help("Write only the data files: no charts, GIF or report (faster).")),
    )]
    Run {
        /// World file (RON), or a built-in world's name (`chipban worlds`). Without it, the built-in baseline.
        world: Option<PathBuf>,
        #[command(flatten)]
        seed: SeedArgs,
        #[command(flatten)]
        months: MonthsArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        format: FormatArgs,
        #[command(flatten)]
        set: SetArgs,
        #[command(flatten)]
        large: LargeArgs,
        /// Print the story of the run, month by month, in plain sentences.
        #[arg(long)]
        narrate: bool,
    },
    /// Rebuild the charts, GIF and report of an output folder from its data files.
    Chart {
        /// An output folder written by `chipban run`.
        outdir: PathBuf,
    },
    /// Validate a world file (or a built-in world) and list every problem.
    Check {
        /// World file (RON), or a built-in world's name.
        world: PathBuf,
        #[command(flatten)]
        large: LargeArgs,
    },
    /// List the worlds and sweeps built into chipban (usable by name from any folder).
    Worlds,
    /// Write a built-in world or sweep to a file for editing (byte for byte the shipped file).
    Export {
        /// A built-in world or sweep, e.g. classroom or li_factors (`chipban worlds` lists them).
        name: String,
        /// The file to write, or a folder to write NAME.ron into (default: NAME.ron in the current folder).
        path: Option<PathBuf>,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Run a batch study (grid, factorial or Latin hypercube) from a sweep file.
    #[command(
        mut_arg("out", |a| a.help("Output folder (default: output/sweep-<name>, or output/sweep-<name>-shard<K>of<N>).")),
        mut_arg("quiet", |a| a.help("No progress bar or summary (errors only).")),
    )]
    Sweep {
        /// Sweep file (RON), e.g. sweeps/ban_timing.ron, or a built-in sweep's name, e.g. ban_timing.
        file: PathBuf,
        #[command(flatten)]
        jobs: JobsArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        format: FormatArgs,
        /// Run only shard K of N (K = 0..N-1: runs whose id mod N = K); combine with `chipban merge`.
        #[arg(long, value_name = "K/N", value_parser = chipban::study::Shard::parse)]
        shard: Option<chipban::study::Shard>,
        /// Continue an interrupted sweep in its folder: finished runs are kept, the rest are run.
        #[arg(long, conflicts_with = "force")]
        resume: bool,
        /// Do not run: write a Slurm job array (one task per shard, CPUs per task = --jobs) and its merge job into DIR.
        #[arg(long, value_name = "DIR", conflicts_with_all = ["shard", "resume", "out"])]
        emit_slurm: Option<PathBuf>,
        /// With --emit-slurm: the number of array tasks (shards).
        #[arg(long, default_value_t = 4, requires = "emit_slurm")]
        shards: u32,
        #[command(flatten)]
        large: LargeArgs,
    },
    /// Compare two worlds on common random numbers: paired differences, survival curves, a verdict.
    #[command(
        mut_arg("seed", |a| a.help("Master seed (default: the first world's seed).")),
        mut_arg("months", |a| a.help("Months to simulate in both worlds (default: the worlds' own, which must agree).")),
        mut_arg("out", |a| a.help("Output folder (default: output/compare-<A>-vs-<B>).")),
    )]
    Compare {
        /// First world (A): a file, or a built-in world's name, e.g. baseline.
        world_a: PathBuf,
        /// Second world (B), e.g. no_ban or worlds/no_ban.ron. Differences are A minus B.
        world_b: PathBuf,
        /// Paired replicates (replicate r of both worlds uses the same seed).
        #[arg(long, default_value_t = 200)]
        replicates: u32,
        #[command(flatten)]
        seed: SeedArgs,
        #[command(flatten)]
        months: MonthsArgs,
        #[command(flatten)]
        jobs: JobsArgs,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        large: LargeArgs,
    },
    /// Measure the calibration targets (DESIGN §4) over many replicates of a world.
    #[command(mut_arg("sets", |a| a.help("Override a world field by path (repeatable), e.g. to try a calibration.")))]
    Calibrate {
        /// World file, or a built-in world's name (default: the built-in baseline).
        world: Option<PathBuf>,
        /// Replicates (seeds derived from the master seed).
        #[arg(long, default_value_t = 50)]
        replicates: u32,
        #[command(flatten)]
        seed: SeedArgs,
        #[command(flatten)]
        jobs: JobsArgs,
        #[command(flatten)]
        set: SetArgs,
        #[command(flatten)]
        large: LargeArgs,
    },
    /// Combine the folders of a sharded sweep into one study.
    #[command(
        mut_arg("out", |a| a.help("Output folder (default: output/sweep-<name>).")),
        mut_arg("quiet", |a| a.help("No summary (errors only).")),
    )]
    Merge {
        /// Shard folders written by `chipban sweep --shard K/N` (all N of them).
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        large: LargeArgs,
        #[command(flatten)]
        format: FormatArgs,
    },
    /// Serve a local web page to explore a world: sliders, a re-run on every change, the world with and without the ban.
    #[command(mut_arg("seed", |a| a.help("The seed the page starts with (default: the world's `seed`).")))]
    Explore {
        /// World file (RON), or a built-in world's name. Without it, the built-in baseline.
        world: Option<PathBuf>,
        /// Port on 127.0.0.1 (default 0: a free port, printed).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Do not open a browser: only print the address.
        #[arg(long)]
        no_open: bool,
        #[command(flatten)]
        seed: SeedArgs,
        #[command(flatten)]
        set: SetArgs,
    },
    /// Print a shell completion script, e.g. `chipban completions bash > ~/.local/share/bash-completion/completions/chipban`.
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `chipban man > chipban.1 && man ./chipban.1`.
    #[command(alias = "manpage")]
    Man,
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
    use commands::*;
    match cli.command {
        Command::Run { world, seed, months, output, format, set, narrate, large } => {
            run::main(&run::RunOptions {
                world,
                seed: seed.seed,
                months: months.months,
                sets: set.sets,
                output: format.apply(output),
                narrate,
                limits: large.policy(),
            })
        }
        Command::Chart { outdir } => chart::main(&chart::ChartOptions { outdir }),
        Command::Check { world, large } => {
            check::main(&check::CheckOptions { world, limits: large.policy() })
        }
        Command::Worlds => worlds::main(),
        Command::Export { name, path, force } => export::main(&export::ExportOptions { name, path, force }),
        Command::Sweep { file, jobs, output, format, shard, resume, emit_slurm, shards, large } => {
            sweep::main(&sweep::SweepOptions {
                file,
                jobs: jobs.jobs,
                output: format.apply(output),
                shard,
                resume,
                emit_slurm,
                shards,
                limits: large.policy(),
            })
        }
        Command::Merge { dirs, output, format, large } => {
            merge::main(&merge::MergeOptions { dirs, output: format.apply(output), limits: large.policy() })
        }
        Command::Compare { world_a, world_b, replicates, seed, months, jobs, output, large } => {
            compare::main(&compare::CompareOptions {
                worlds: [world_a, world_b],
                replicates,
                seed: seed.seed,
                months: months.months,
                jobs: jobs.jobs,
                output: output.into(),
                limits: large.policy(),
            })
        }
        Command::Calibrate { world, replicates, seed, jobs, set, large } => {
            calibrate::main(&calibrate::CalibrateOptions {
                world,
                replicates,
                seed: seed.seed,
                jobs: jobs.jobs,
                sets: set.sets,
                limits: large.policy(),
            })
        }
        Command::Explore { world, port, no_open, seed, set } => {
            explore::main(&explore::ExploreOptions { world, sets: set.sets, seed: seed.seed, port, no_open })
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "chipban", &mut script);
            print_bytes(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(|e| AppError::Internal(format!("cannot render the man page: {e}")))?;
            print_bytes(&page)
        }
    }
}

/// Write to a locked stdout; a reader that stops early (`| head`) is not an error.
fn print_bytes(bytes: &[u8]) -> Result<(), AppError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(AppError::Internal(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}
