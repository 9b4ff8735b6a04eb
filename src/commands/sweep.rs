//! `chipban sweep FILE`: run a batch study (or one shard of it) into its
//! folder, resumable; with `--emit-slurm DIR`, write a Slurm job array for
//! it instead of running. Prints what was done and a line per cell.

use super::{AppError, OutputOptions, chart_files, check_jobs};
use crate::outdir::OutFile;
use crate::slurm::{self, SlurmOptions};
use crate::study::{self, Shard, Study, StudyError, SweepOutcome};
use std::path::PathBuf;

/// Options of `chipban sweep`.
#[derive(Clone, Debug, Default)]
pub struct SweepOptions {
    /// The sweep file (RON).
    pub file: PathBuf,
    /// Worker threads (default: the machine's cores); with `--emit-slurm`,
    /// the CPUs of each array task (default 1).
    pub jobs: Option<usize>,
    pub output: OutputOptions,
    pub shard: Option<Shard>,
    pub resume: bool,
    /// Write a Slurm job array into this folder instead of running.
    pub emit_slurm: Option<PathBuf>,
    /// With `emit_slurm`: the number of array tasks.
    pub shards: u32,
    /// The size limits in force (`--allow-large`).
    pub limits: crate::world::SizePolicy,
}

/// The entry point: run the sweep (or emit its Slurm scripts) and print
/// what was done.
pub fn main(opts: &SweepOptions) -> Result<(), AppError> {
    check_jobs(opts.jobs)?;
    if let Some(dir) = &opts.emit_slurm {
        let files = emit_slurm(opts, dir)?;
        if !opts.output.quiet {
            print!("{}", slurm_summary(dir, &files));
        }
        return Ok(());
    }
    let done = execute(opts)?;
    if !opts.output.quiet {
        print!("{}", summary(&done, opts.shard));
    }
    Ok(())
}

/// Run the sweep (or the shard) into its folder.
pub fn execute(opts: &SweepOptions) -> Result<SweepOutcome, AppError> {
    check_jobs(opts.jobs)?;
    let OutputOptions { out, force, quiet, no_charts, format } = opts.output.clone();
    let (file, jobs, shard, resume) = (opts.file.clone(), opts.jobs, opts.shard, opts.resume);
    let settings = study::SweepOptions {
        file,
        jobs,
        out,
        shard,
        resume,
        force,
        quiet,
        visuals: visuals(no_charts),
        format,
        limits: opts.limits,
    };
    Ok(study::sweep(&settings)?)
}

/// The study's charts and report, unless `--no-charts`.
pub(crate) fn visuals(no_charts: bool) -> Option<study::StudyVisuals> {
    (!no_charts).then_some(study_visuals as study::StudyVisuals)
}

fn study_visuals(study: &Study) -> Result<Vec<OutFile>, StudyError> {
    let charts = crate::view::study_charts::render_study(study).map_err(StudyError::Visuals)?;
    let report = crate::view::html::study_report::study_report(study, &charts);
    let mut files = chart_files(charts);
    files.push(("report.html".to_string(), report.into_bytes()));
    Ok(files)
}

/// `--emit-slurm DIR`: write the job scripts; returns the files written.
/// DIR's lock is held while they are written (one writer at a time).
pub fn emit_slurm(opts: &SweepOptions, dir: &std::path::Path) -> Result<Vec<PathBuf>, AppError> {
    let plan = study::load_plan_named(&opts.file, opts.limits).map_err(StudyError::from)?;
    let _lock = crate::outdir::lock(dir)?;
    let binary = std::env::current_exe()
        .map_err(|e| AppError::Internal(format!("cannot find this program's path: {e}")))?;
    let slurm_opts = SlurmOptions {
        dir: dir.to_path_buf(),
        shards: opts.shards,
        cpus: opts.jobs.unwrap_or(1) as u32,
        binary,
        force: opts.output.force,
        limits: opts.limits,
    };
    Ok(slurm::emit(&plan, &slurm_opts)?)
}

/// What `--emit-slurm` prints.
pub fn slurm_summary(dir: &std::path::Path, files: &[PathBuf]) -> String {
    let mut s: String = files.iter().map(|f| format!("wrote {}\n", f.display())).collect();
    s.push_str(&format!(
        "edit the EDIT lines of sweep.sbatch and merge.sbatch, then run {}/submit.sh\n",
        dir.display()
    ));
    s
}

/// What `chipban sweep` and `chipban merge` print when done.
pub fn summary(done: &SweepOutcome, shard: Option<Shard>) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "wrote {}: {} runs ({} simulated now, {} already done) in {:.1} s with {} job{}",
        done.out.display(),
        done.runs_owned,
        done.runs_done_now,
        done.runs_resumed,
        done.seconds,
        done.jobs,
        if done.jobs == 1 { "" } else { "s" }
    );
    match (&done.study, shard) {
        (Some(study), _) => {
            let _ = writeln!(s, "{} cells x {} replicates; per cell:", study.cells.len(), study.replicates);
            let show = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.1}"));
            for c in study.cells.iter().take(30) {
                let ind = study.stat(c.id, "final_independent_firms").copied().unwrap_or_default();
                let cons = study.stat(c.id, "consolidated").copied().unwrap_or_default();
                let _ = writeln!(
                    s,
                    "  {:<48} consolidated in {:>5.1}% of runs; final independent firms {} (95% CI {} to {})",
                    c.label,
                    100.0 * cons.mean.unwrap_or(0.0),
                    show(ind.mean),
                    show(ind.ci_low),
                    show(ind.ci_high)
                );
            }
            if study.cells.len() > 30 {
                let _ = writeln!(s, "  ... {} more cells in cells.csv", study.cells.len() - 30);
            }
            if let Some(line) = crate::compare::constant_sentence(&study.constant, "every run of the study") {
                let _ = writeln!(s, "{line}");
            }
        }
        (None, Some(sh)) => {
            let _ = writeln!(
                s,
                "shard {sh} complete; when all {} shards are done: chipban merge <the {} shard folders> --out <study folder>",
                sh.count, sh.count
            );
        }
        (None, None) => {}
    }
    s
}
