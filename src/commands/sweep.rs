//! `chipban sweep FILE`: run a batch study (or one shard of it) into its
//! folder, resumable; with `--emit-slurm DIR`, write a Slurm job array for
//! it instead of running. Prints what was done and the study's answer: a
//! line per cell (cells named by readable parameter labels), for a timing
//! grid the months to consolidation per level, for a Latin hypercube the
//! parameters ranked by |Spearman ρ| per key outcome.

use super::{AppError, OutputOptions, chart_files, check_jobs};
use crate::analysis::outcome::Outcome;
use crate::analysis::survival;
use crate::outdir::OutFile;
use crate::slurm::{self, SlurmOptions};
use crate::study::data::DesignKind;
use crate::study::{self, Shard, Study, StudyError, SweepOutcome};
use crate::view::format::{rho, value_label};
use crate::view::study_charts::{cell_names, consolidation_levels, pretty_value};
use std::path::PathBuf;

/// Parameters listed per outcome in a Latin hypercube's summary.
pub const RANKED: usize = 10;

/// The outcomes a Latin hypercube's summary ranks the parameters for.
const RANKED_OUTCOMES: [Outcome; 3] =
    [Outcome::FinalIndependentFirms, Outcome::Consolidated, Outcome::MonthsToConsolidation];

/// A Latin hypercube's answer: per key outcome, the `top` parameters ranked
/// by |Spearman ρ| (as the report and the chart rank them), each with its
/// readable label, ρ and its 95% interval, and the standardised regression
/// coefficient; the linear model's R² in the outcome's heading.
pub fn ranking_summary(study: &Study, top: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let points = study.cells.len();
    let _ = writeln!(
        s,
        "{points} design points x {} replicate{} over {} parameters; parameters ranked by |Spearman ρ| with each outcome (n = design points):",
        study.replicates,
        if study.replicates == 1 { "" } else { "s" },
        study.params.len()
    );
    for o in RANKED_OUTCOMES {
        let rows = study::aggregate::ranking(study, o);
        if rows.is_empty() {
            continue;
        }
        let r2 = rows
            .iter()
            .find_map(|r| r.r2)
            .map(|r| format!(" (linear model R² = {r:.2})"))
            .unwrap_or_default();
        let _ = writeln!(s, "{}{r2}:", o.label());
        let shown = &rows[..rows.len().min(top)];
        let names: Vec<String> = shown.iter().map(|r| study.label(r.param).full()).collect();
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).min(64);
        for (k, (r, name)) in shown.iter().zip(&names).enumerate() {
            let name: String = if name.chars().count() > 64 {
                name.chars().take(63).chain(['…']).collect()
            } else {
                name.clone()
            };
            let ci = r
                .ci_low
                .zip(r.ci_high)
                .map(|(a, b)| format!(" (95% CI {} to {})", rho(a), rho(b)))
                .unwrap_or_default();
            let clear = if matches!((r.ci_low, r.ci_high), (Some(a), Some(b)) if a > 0.0 || b < 0.0) {
                " *"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  {:>2}. {name:<width$}  ρ {}{ci}  SRC {}{clear}",
                k + 1,
                r.spearman.map_or("n/a".to_string(), rho),
                r.src.map_or("-".to_string(), rho),
            );
        }
        if rows.len() > shown.len() {
            let _ = writeln!(
                s,
                "      ... {} more parameters in effects.csv and report.html",
                rows.len() - shown.len()
            );
        }
    }
    let _ = writeln!(s, "  * the 95% interval of ρ excludes zero");
    s
}

/// A grid's question of timing: per value of its first parameter (the
/// other's cells pooled), the runs consolidating, the restricted mean
/// months to consolidation with its interval and the Kaplan–Meier median.
pub fn timing_summary(study: &Study) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "months to consolidation by {}:", study.label(0).full());
    for l in consolidation_levels(study) {
        let k = l.curve.iter().map(|p| p.events).sum::<usize>();
        let mean = l.restricted.mean.map_or("-".to_string(), value_label);
        let ci = l
            .restricted
            .ci_low
            .zip(l.restricted.ci_high)
            .map(|(a, b)| format!(" (95% CI {} to {})", value_label(a), value_label(b)))
            .unwrap_or_default();
        let median = survival::median_time(&l.curve).map_or("not reached".to_string(), |m| study.date(m));
        let _ = writeln!(
            s,
            "  {:<10} {k} of {} runs consolidate; restricted mean {mean} months{ci}; median {median}",
            pretty_value(&l.value),
            l.restricted.n
        );
    }
    s
}

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
        (Some(study), _) if study.design == DesignKind::LatinHypercube => {
            s.push_str(&ranking_summary(study, RANKED));
            if let Some(line) = crate::compare::constant_sentence(&study.constant, "every run of the study") {
                let _ = writeln!(s, "{line}");
            }
        }
        (Some(study), _) => {
            let _ = writeln!(s, "{} cells x {} replicates; per cell:", study.cells.len(), study.replicates);
            let show = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.1}"));
            let names: Vec<String> = study
                .cells
                .iter()
                .map(|c| cell_names(study, c).first().cloned().unwrap_or_default())
                .collect();
            let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).clamp(20, 60);
            for (c, name) in study.cells.iter().zip(&names).take(30) {
                let ind = study.stat(c.id, "final_independent_firms").copied().unwrap_or_default();
                let cons = study.stat(c.id, "consolidated").copied().unwrap_or_default();
                let _ = writeln!(
                    s,
                    "  {:<width$} consolidated in {:>5.1}% of runs; final independent firms {} (95% CI {} to {})",
                    name,
                    100.0 * cons.mean.unwrap_or(0.0),
                    show(ind.mean),
                    show(ind.ci_low),
                    show(ind.ci_high)
                );
            }
            if study.cells.len() > 30 {
                let _ = writeln!(s, "  ... {} more cells in cells.csv", study.cells.len() - 30);
            }
            if study.design == DesignKind::Grid && (1..=2).contains(&study.params.len()) {
                s.push_str(&timing_summary(study));
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
