//! `chipban compare A B`: two worlds on common random numbers, written to a
//! comparison folder (data files, and unless `--no-charts` charts and a
//! report); prints the verdict.

use super::{AppError, OutputOptions, chart_files, check_jobs, check_runs, jobs_or_cores};
use crate::compare::{self, CompareError, Comparison};
use crate::outdir::{OutputError, claim, lock, write_folder};
use crate::world::World;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `chipban compare`.
#[derive(Clone, Debug, Default)]
pub struct CompareOptions {
    pub worlds: [PathBuf; 2],
    pub replicates: u32,
    /// Master seed (default: the first world's seed).
    pub seed: Option<u64>,
    pub months: Option<u32>,
    pub jobs: Option<usize>,
    pub output: OutputOptions,
    /// The size limits in force (`--allow-large`).
    pub limits: crate::world::SizePolicy,
}

/// What `compare` did.
pub struct CompareOutcome {
    pub comparison: Comparison,
    pub out: PathBuf,
    pub seconds: f64,
}

/// The entry point: compare, then print where and the verdict.
pub fn main(opts: &CompareOptions) -> Result<(), AppError> {
    let done = execute(opts)?;
    if !opts.output.quiet {
        print!("{}", summary(&done));
    }
    Ok(())
}

/// Resolve both worlds, simulate the pairs, write the folder.
pub fn execute(opts: &CompareOptions) -> Result<CompareOutcome, AppError> {
    let started = Instant::now();
    if opts.replicates < 2 {
        return Err(CompareError::TooFewReplicates(opts.replicates).into());
    }
    check_jobs(opts.jobs)?;
    let mut worlds: Vec<World> = Vec::new();
    let mut problems = Vec::new();
    for p in &opts.worlds {
        match crate::world::resolve(Some(p), &[], opts.months, None, opts.limits) {
            Ok(w) => worlds.push(w),
            // The same bad file given twice is reported once.
            Err(e) => {
                if !problems.iter().any(|p: &crate::world::WorldError| p.to_string() == e.to_string()) {
                    problems.push(e)
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(CompareError::Worlds(problems).into());
    }
    let worlds: [World; 2] = worlds.try_into().expect("two worlds");
    compare::check(&worlds, opts.replicates)?;
    let larger = if crate::world::limits::estimate(&worlds[0]).firm_months
        >= crate::world::limits::estimate(&worlds[1]).firm_months
    {
        &worlds[0]
    } else {
        &worlds[1]
    };
    check_runs("--replicates x 2 worlds", 2 * opts.replicates as u64, larger, opts.limits)?;
    let master = opts.seed.unwrap_or(worlds[0].seed);
    let out = opts.output.folder(|| {
        let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        format!("compare-{}-vs-{}", stem(&opts.worlds[0]), stem(&opts.worlds[1]))
    });
    let _lock = lock(&out)?;
    claim(&out, opts.output.force, |d| Err::<(), _>(OutputError::Exists { path: d.to_path_buf() }))?;
    // The worlds as the outputs name them: the path as given, or `worlds/NAME.ron (built in)`.
    let label =
        |p: &Path| crate::world::find_world(p).map_or_else(|_| p.display().to_string(), |s| s.label());
    let files = [label(&opts.worlds[0]), label(&opts.worlds[1])];
    let cmp = compare::compare(&worlds, files, opts.replicates, master, jobs_or_cores(opts.jobs))?;
    let mut files = compare::data_files(&cmp);
    if !opts.output.no_charts {
        let charts = crate::view::study_charts::render_comparison(&cmp).map_err(AppError::Internal)?;
        let report = crate::view::html::study_report::comparison_report(&cmp, &charts);
        files.extend(chart_files(charts));
        files.push(("report.html".into(), report.into_bytes()));
    }
    files.push(("world_a.ron".into(), crate::world::to_ron(&worlds[0]).into_bytes()));
    files.push(("world_b.ron".into(), crate::world::to_ron(&worlds[1]).into_bytes()));
    write_folder(&out, &files)?;
    Ok(CompareOutcome { comparison: cmp, out, seconds: started.elapsed().as_secs_f64() })
}

/// What `compare` prints (unless `--quiet`): the folder and the verdict.
pub fn summary(done: &CompareOutcome) -> String {
    let cmp = &done.comparison;
    let mut s = format!(
        "wrote {} ({} paired runs in {:.1} s)\n",
        done.out.display(),
        2 * cmp.replicates,
        done.seconds
    );
    for v in &cmp.verdict {
        s.push_str(&format!("- {v}\n"));
    }
    s
}
