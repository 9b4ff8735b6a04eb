//! The commands behind the CLI, as plain functions over option structs:
//! `main.rs` parses arguments into these and maps `AppError` to exit codes.

pub use crate::error::AppError;
use crate::record::{OutFile, Record, RunData, data_files, write_file_atomic, write_folder, write_run};
pub use crate::world::resolve as resolve_world;
use crate::world::{self, World};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Options of `chipban run`.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// World file; `None` = the built-in baseline.
    pub world: Option<PathBuf>,
    pub seed: Option<u64>,
    pub months: Option<u32>,
    pub out: Option<PathBuf>,
    pub sets: Vec<String>,
    pub force: bool,
    pub quiet: bool,
    /// Skip charts, the GIF and the report (data files only).
    pub no_charts: bool,
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

/// `chipban run`: resolve, simulate, write.
pub fn run(opts: &RunOptions) -> Result<RunOutcome, AppError> {
    let w = resolve_world(opts.world.as_deref(), &opts.sets, opts.months, opts.seed)?;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-seed{}", w.name, w.seed)));
    if out.exists() && !opts.force && !out.join("summary.json").exists() {
        return Err(AppError::User(format!(
            "{} already exists and is not a chipban output folder; choose another folder with --out, or pass --force to replace it",
            out.display()
        )));
    }
    let started = Instant::now();
    let seed = w.seed;
    let record = crate::sim::run(w, seed);
    let mut files = data_files(&record);
    let data = RunData::from_files(&out, &files).map_err(|e| AppError::Internal(e.to_string()))?;
    if !opts.no_charts {
        files.extend(visual_files(&data)?);
    }
    write_run(&out, &files, opts.force)?;
    Ok(RunOutcome { out, record, data, seconds: started.elapsed().as_secs_f64() })
}

/// Charts, the animated market race and the report of a run, as files of
/// its output folder, all made from the data files alone.
pub fn visual_files(data: &RunData) -> Result<Vec<OutFile>, AppError> {
    let charts = crate::view::charts::render_all(data).map_err(AppError::Internal)?;
    let gif = crate::view::race::market_race_gif(data).map_err(AppError::Internal)?;
    let report = crate::view::html::run_report::report(data, &charts, Some(&gif));
    let mut files = Vec::with_capacity(2 * charts.len() + 2);
    for r in charts {
        files.push((format!("charts/{}.png", r.name), r.png));
        files.push((format!("charts/{}.svg", r.name), r.svg.into_bytes()));
    }
    files.push(("market_race.gif".into(), gif));
    files.push(("report.html".into(), report.into_bytes()));
    Ok(files)
}

/// `chipban chart OUTDIR`: rebuild charts, GIF and report from the data
/// files of an output folder, replacing the old ones atomically.
pub fn chart(dir: &Path) -> Result<Vec<String>, AppError> {
    let data = crate::record::read_output(dir).map_err(|e| AppError::User(e.to_string()))?;
    let files = visual_files(&data)?;
    let (charts, single): (Vec<&OutFile>, Vec<&OutFile>) =
        files.iter().partition(|(n, _)| n.starts_with("charts/"));
    let chart_refs: Vec<(&str, &[u8])> =
        charts.iter().map(|(n, b)| (n.trim_start_matches("charts/"), b.as_slice())).collect();
    write_folder(&dir.join("charts"), &chart_refs)?;
    for (name, bytes) in &single {
        write_file_atomic(&dir.join(name), bytes)?;
    }
    Ok(files.into_iter().map(|(n, _)| n).collect())
}

/// `chipban check`: the resolved world, or every problem.
pub fn check(path: &Path) -> Result<World, AppError> {
    Ok(world::load_file(path)?)
}

/// `chipban worlds`: (file name, world name, months, description) of each shipped world.
pub fn shipped_worlds() -> Vec<(String, String, u32, String)> {
    world::SHIPPED
        .iter()
        .filter_map(|(file, text)| {
            world::load_str(text, file)
                .ok()
                .map(|w| (format!("worlds/{file}"), w.name, w.months, w.description))
        })
        .collect()
}

/// What `chipban sweep` and `chipban merge` print when done.
pub fn sweep_summary(done: &crate::study::SweepOutcome, shard: Option<crate::study::Shard>) -> String {
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
