//! `chipban run`: resolve a world, simulate it, write its output folder
//! (data files, and unless `--no-charts` the charts, the market race GIF and
//! the report), and print a summary (or the narration).

use super::{AppError, OutputOptions, chart_files, resolve_world, terminal_safe};
use crate::outdir::{OutFile, claim, lock, stage};
use crate::record::{
    CsvSink, RunData, RunHead, head_files, holds_same_run, is_run_folder, read_output, summary_text,
};
use crate::sim::Simulation;
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
    /// The size limits in force (`--allow-large`).
    pub limits: crate::world::SizePolicy,
}

/// What `run` did.
pub struct RunOutcome {
    pub out: PathBuf,
    /// The run without its rows (those went to the files as they were made).
    pub record: RunHead,
    /// The run as its output files hold it (what charts and the narration
    /// are made from); read back only when charts or the narration are asked for.
    pub data: Option<RunData>,
    pub seconds: f64,
}

/// The entry point: run, then print the narration and the summary.
pub fn main(opts: &RunOptions) -> Result<(), AppError> {
    let done = execute(opts)?;
    if let Some(data) = done.data.as_ref().filter(|_| opts.narrate) {
        print!("{}", terminal_safe(&crate::view::narrate::text(data)));
    }
    if !opts.output.quiet {
        print!("{}", summary(&done));
        eprintln!("wall time {:.3} s", done.seconds);
    }
    Ok(())
}

/// Resolve, simulate, write. The firm panel, chip markets and events are
/// streamed into the folder's staging copy as the months pass; the folder
/// is swapped into place once every file is there.
pub fn execute(opts: &RunOptions) -> Result<RunOutcome, AppError> {
    let w = resolve_world(opts.world.as_deref(), &opts.sets, opts.months, opts.seed, opts.limits)?;
    let out = opts.output.folder(|| format!("{}-seed{}", w.name, w.seed));
    let _lock = lock(&out)?;
    // Refuse a folder that holds no run before simulating; whether it holds
    // this same run is known once the run is done (`holds_same_run`).
    claim(&out, opts.output.force, is_run_folder)?;
    let started = Instant::now();
    let staging = stage(&out)?;
    let mut sink = CsvSink::create(staging.path(), &w)?;
    let seed = w.seed;
    let head = Simulation::new(w, seed).run_into(&mut sink);
    let streamed = sink.finish();
    let head = head?;
    streamed?;
    let data_files = head_files(&head);
    staging.write(&data_files)?;
    // The data files are complete in the staging folder here.
    let data = if opts.narrate || !opts.output.no_charts {
        Some(read_output(staging.path()).map_err(AppError::internal)?)
    } else {
        None
    };
    if let Some(data) = data.as_ref().filter(|_| !opts.output.no_charts) {
        staging.write(&visual_files(data)?)?;
    }
    // --format: the data tables as CSV, Parquet or both (issue 11 point 2),
    // converted in the staging folder before it is swapped into place
    crate::record::parquet::apply_format_in(
        staging.path(),
        opts.output.format,
        crate::record::parquet::run_table,
    )
    .map_err(AppError::internal)?;
    let summary = summary_text(&data_files);
    claim(&out, opts.output.force, |d| holds_same_run(d, &summary))?;
    staging.commit()?;
    Ok(RunOutcome { out, record: head, data, seconds: started.elapsed().as_secs_f64() })
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
            "{} months of {} (seed {}): final HHI {:.0}, CR4 {:.2} (tokens served), {} foundation-model labs, \
             {} independent firms, {} entries, {} exits, {} acquisitions, {} pivots",
            r.months.len(),
            r.world.name,
            r.seed,
            m.hhi,
            m.cr4,
            m.independent_labs,
            m.independent_firms,
            m.entries,
            m.exits,
            m.acquisitions,
            m.pivots
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
