//! `chipban run`: resolve a world, simulate it, write its output folder
//! (data files, and unless `--no-charts` the charts, the market race GIF and
//! the report), and print a summary (or the narration).

use super::{AppError, OutputOptions, chart_files, resolve_world, terminal_safe};
use crate::outdir::{OutFile, claim, lock};
use crate::record::{Record, RunData, data_files, is_run_folder, write_run};
use std::path::PathBuf;
use std::time::Instant;

/// Options of `chipban run`.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// World file; `None` = the built-in baseline.
    pub world: Option<PathBuf>,
    pub seed: Option<u64>,
    pub months: Option<u32>,
    pub sets: Vec<String>,
    pub output: OutputOptions,
    /// Print the story of the run month by month.
    pub narrate: bool,
}

/// What `run` did.
pub struct RunOutcome {
    pub out: PathBuf,
    pub record: Record,
    /// The run as its output files hold it (what charts are made from).
    pub data: RunData,
    pub seconds: f64,
}

/// The entry point: run, then print the narration and the summary.
pub fn main(opts: &RunOptions) -> Result<(), AppError> {
    let done = execute(opts)?;
    if opts.narrate {
        print!("{}", terminal_safe(&crate::view::narrate::text(&done.data)));
    }
    if !opts.output.quiet {
        print!("{}", summary(&done));
        eprintln!("wall time {:.3} s", done.seconds);
    }
    Ok(())
}

/// Resolve, simulate, write.
pub fn execute(opts: &RunOptions) -> Result<RunOutcome, AppError> {
    let w = resolve_world(opts.world.as_deref(), &opts.sets, opts.months, opts.seed)?;
    let out = opts.output.folder(|| format!("{}-seed{}", w.name, w.seed));
    let _lock = lock(&out)?;
    // Refuse a folder that holds no run before simulating; whether it holds
    // this same run is known once the run is done (`write_run`).
    claim(&out, opts.output.force, is_run_folder)?;
    let started = Instant::now();
    let seed = w.seed;
    let record = crate::sim::run(w, seed);
    let mut files = data_files(&record);
    let data = RunData::from_files(&out, &files).map_err(AppError::internal)?;
    if !opts.output.no_charts {
        files.extend(visual_files(&data)?);
    }
    // --format: the data tables as CSV, Parquet or both (issue 11 point 2).
    let files =
        crate::record::parquet::apply_format(files, opts.output.format, crate::record::parquet::run_table)
            .map_err(AppError::internal)?;
    write_run(&out, &files, opts.output.force)?;
    Ok(RunOutcome { out, record, data, seconds: started.elapsed().as_secs_f64() })
}

/// What `run` prints when done (unless `--quiet`).
pub fn summary(done: &RunOutcome) -> String {
    use std::fmt::Write;
    let r = &done.record;
    let mut s = String::new();
    let _ = writeln!(s, "wrote {}", done.out.display());
    if let Some(m) = r.months.last() {
        let _ = writeln!(
            s,
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
        Some(t) => {
            let _ = writeln!(s, "consolidation phase from {}", r.date(t));
        }
        None => s.push_str("no consolidation phase\n"),
    }
    s
}

/// Charts, the animated market race and the report of a run, as files of
/// its output folder, all made from the data files alone.
pub fn visual_files(data: &RunData) -> Result<Vec<OutFile>, AppError> {
    let charts = crate::view::charts::render_all(data).map_err(AppError::Internal)?;
    let gif = crate::view::race::market_race_gif(data).map_err(AppError::Internal)?;
    let report = crate::view::html::run_report::report(data, &charts, Some(&gif));
    let mut files = chart_files(charts);
    files.push(("market_race.gif".into(), gif));
    files.push(("report.html".into(), report.into_bytes()));
    Ok(files)
}
