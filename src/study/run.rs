//! Running a sweep: the output folder's life cycle (fresh, resumed,
//! forced), the parallel workers, the journal, shards, and `merge`.
//!
//! A sweep folder holds `sweep.ron` and `world.ron` (the resolved study,
//! enough to re-run or merge it), `state.json` (version and shard),
//! `journal.csv` (one line per finished run, appended as runs finish) and,
//! once every run of a whole study is in, the study files, charts and
//! report. A shard folder holds the first four only: `chipban merge`
//! turns complete shards into the study.

use super::data::{RunResult, Study};
use super::journal;
use super::spec::{Plan, load_plan};
use super::{aggregate, output};
use crate::error::AppError;
use crate::record::{OutFile, write_file_atomic, write_folder};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

/// `--shard K/N`: this process runs the runs whose id ≡ K (mod N), K in 0..N.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "bad --shard `{s}`: expected K/N with 0 <= K < N, e.g. 0/4 (K is 0-based, like $SLURM_ARRAY_TASK_ID with --array=0-3)"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    pub fn owns(&self, run_id: u64) -> bool {
        run_id % self.count as u64 == self.index as u64
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Options of `chipban sweep`.
#[derive(Clone, Debug, Default)]
pub struct SweepOptions {
    pub file: PathBuf,
    /// Worker threads (default: the machine's cores).
    pub jobs: Option<usize>,
    pub out: Option<PathBuf>,
    pub shard: Option<Shard>,
    pub resume: bool,
    pub force: bool,
    pub quiet: bool,
    /// Skip the study's charts and report.
    pub no_charts: bool,
}

/// What a sweep (or merge) did.
pub struct SweepOutcome {
    pub out: PathBuf,
    /// Runs of this process's share (the whole study or one shard).
    pub runs_owned: u64,
    /// Runs found already finished in the journal (resume).
    pub runs_resumed: u64,
    /// Runs simulated now.
    pub runs_done_now: u64,
    /// The study, when this process finished a whole one.
    pub study: Option<Study>,
    pub seconds: f64,
    pub jobs: usize,
}

const STATE: &str = "state.json";

fn user(e: impl std::fmt::Display) -> AppError {
    AppError::User(e.to_string())
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

/// `state.json`: what makes a folder's journal belong to a sweep.
fn state_json(plan: &Plan, shard: Option<Shard>, runs_owned: u64) -> String {
    let v = serde_json::json!({
        "format": "chipban-sweep",
        "version": crate::VERSION,
        "build": crate::BUILD,
        "study": plan.spec.name,
        "runs": plan.runs(),
        "shard": shard.map(|s| serde_json::json!({"index": s.index, "count": s.count})),
        "runs_in_this_folder": runs_owned,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON of plain values");
    s.push('\n');
    s
}

#[derive(Clone, Debug)]
struct FolderState {
    version: String,
    shard: Option<Shard>,
}

fn read_state(dir: &Path) -> Result<FolderState, String> {
    let p = dir.join(STATE);
    let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: cannot read: {e}", p.display()))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not a sweep state file: {e}", p.display()))?;
    if v["format"] != "chipban-sweep" {
        return Err(format!("{}: not a chipban sweep folder", dir.display()));
    }
    let shard = match &v["shard"] {
        serde_json::Value::Null => None,
        s => Some(Shard {
            index: s["index"].as_u64().ok_or_else(|| format!("{}: bad shard", p.display()))? as u32,
            count: s["count"].as_u64().ok_or_else(|| format!("{}: bad shard", p.display()))? as u32,
        }),
    };
    Ok(FolderState { version: v["version"].as_str().unwrap_or("?").to_string(), shard })
}

/// The identity files of a sweep folder.
fn identity_files(plan: &Plan) -> (String, String) {
    (plan.resolved_ron(), crate::world::to_ron(&plan.base))
}

/// `chipban sweep`.
pub fn sweep(opts: &SweepOptions) -> Result<SweepOutcome, AppError> {
    let started = Instant::now();
    let plan = load_plan(&opts.file).map_err(user)?;
    let default_name = match opts.shard {
        Some(s) => format!("sweep-{}-shard{}of{}", plan.spec.name, s.index, s.count),
        None => format!("sweep-{}", plan.spec.name),
    };
    let out = opts.out.clone().unwrap_or_else(|| PathBuf::from("output").join(default_name));
    let (sweep_ron, world_ron) = identity_files(&plan);
    prepare_folder(&out, &plan, opts, &sweep_ron, &world_ron)?;

    let owned: Vec<u64> = (0..plan.runs()).filter(|id| opts.shard.is_none_or(|s| s.owns(*id))).collect();
    let jpath = out.join(journal::FILE);
    let (done, good_len) = if jpath.exists() {
        let c = journal::read(&jpath).map_err(user)?;
        (c.runs, Some(c.good_len))
    } else {
        (Vec::new(), None)
    };
    let owned_set: BTreeSet<u64> = owned.iter().copied().collect();
    let mut done_ids = BTreeSet::new();
    for r in &done {
        if !owned_set.contains(&r.run_id) || !done_ids.insert(r.run_id) {
            return Err(AppError::User(format!(
                "{}: run {} does not belong here or appears twice; the folder was edited or mixed with another sweep: start over with --force",
                jpath.display(),
                r.run_id
            )));
        }
    }
    let pending: Vec<u64> = owned.iter().copied().filter(|id| !done_ids.contains(id)).collect();
    let jobs = opts
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, pending.len().max(1));
    let mut writer = journal::Writer::open(&jpath, good_len).map_err(user)?;
    let resumed = done.len() as u64;
    let mut runs = done;
    run_pending(&plan, &pending, jobs, opts.quiet, resumed, owned.len() as u64, &mut writer, &mut runs)?;
    writer.sync().map_err(user)?;
    drop(writer);

    let study = if opts.shard.is_none_or(|s| s.count == 1) {
        let (study, files) = finish(&plan, runs, opts.no_charts)?;
        write_study(&out, &files)?;
        Some(study)
    } else {
        None
    };
    Ok(SweepOutcome {
        out,
        runs_owned: owned.len() as u64,
        runs_resumed: resumed,
        runs_done_now: pending.len() as u64,
        study,
        seconds: started.elapsed().as_secs_f64(),
        jobs,
    })
}

/// Make `out` ready: fresh, resumed (after checking it holds this very
/// sweep) or replaced with `--force`.
fn prepare_folder(
    out: &Path,
    plan: &Plan,
    opts: &SweepOptions,
    sweep_ron: &str,
    world_ron: &str,
) -> Result<(), AppError> {
    let shown = out.display();
    let is_sweep = out.join(STATE).exists();
    let nonempty = out.is_dir() && std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true);
    if out.exists() && !out.is_dir() {
        return Err(AppError::User(format!("{shown} is a file, not a folder: choose another --out")));
    }
    if nonempty && opts.force {
        std::fs::remove_dir_all(out)
            .map_err(|e| AppError::User(format!("{shown}: cannot remove for --force: {e}")))?;
    } else if nonempty && !is_sweep {
        return Err(AppError::User(format!(
            "{shown} already exists and is not a chipban sweep folder; choose another folder with --out, or pass --force to replace it"
        )));
    } else if is_sweep && !opts.resume {
        let n = journal::read(&out.join(journal::FILE)).map(|c| c.runs.len()).unwrap_or(0);
        return Err(AppError::User(format!(
            "{shown} already holds a sweep ({n} runs done); pass --resume to finish it, or --force to start over"
        )));
    } else if is_sweep {
        let st = read_state(out).map_err(user)?;
        let mut why = Vec::new();
        if st.version != crate::VERSION {
            why.push(format!("it was made by chipban {} and this is {}", st.version, crate::VERSION));
        }
        if st.shard != opts.shard.filter(|s| s.count > 1) && !(st.shard.is_none() && opts.shard.is_none()) {
            let show = |s: Option<Shard>| s.map_or("none".to_string(), |s| s.to_string());
            why.push(format!("its shard is {} and this run's is {}", show(st.shard), show(opts.shard)));
        }
        if std::fs::read_to_string(out.join("sweep.ron")).ok().as_deref() != Some(sweep_ron) {
            why.push(
                "its sweep.ron differs from this sweep (design, seed, replicates or months changed)".into(),
            );
        }
        if std::fs::read_to_string(out.join("world.ron")).ok().as_deref() != Some(world_ron) {
            why.push("its world.ron differs from this sweep's world".into());
        }
        if !why.is_empty() {
            return Err(AppError::User(format!(
                "cannot resume in {shown}: {}; use another --out, or --force to start over",
                why.join("; ")
            )));
        }
        return Ok(());
    }
    std::fs::create_dir_all(out).map_err(|e| AppError::User(format!("{shown}: cannot create: {e}")))?;
    let shard = opts.shard.filter(|s| s.count > 1);
    let owned = (0..plan.runs()).filter(|id| shard.is_none_or(|s| s.owns(*id))).count() as u64;
    write_file_atomic(&out.join("sweep.ron"), sweep_ron.as_bytes())?;
    write_file_atomic(&out.join("world.ron"), world_ron.as_bytes())?;
    write_file_atomic(&out.join(STATE), state_json(plan, shard, owned).as_bytes())?;
    Ok(())
}

/// Simulate `pending` on `jobs` threads; every finished run is appended to
/// the journal at once (by this thread) and kept in `runs`.
#[allow(clippy::too_many_arguments)]
fn run_pending(
    plan: &Plan,
    pending: &[u64],
    jobs: usize,
    quiet: bool,
    already: u64,
    total: u64,
    writer: &mut journal::Writer,
    runs: &mut Vec<RunResult>,
) -> Result<(), AppError> {
    if pending.is_empty() {
        return Ok(());
    }
    let bar = progress_bar(quiet, total, already);
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<Result<(RunResult, String), String>>(jobs * 4);
    let mut failure = None;
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                let mut cached: Option<(u32, crate::world::World)> = None;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&id) = pending.get(i) else { break };
                    let result = simulate(plan, id, &mut cached);
                    if tx.send(result).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for msg in rx {
            match msg {
                Ok((run, line)) => {
                    if let Err(e) = writer.append(&line) {
                        failure = Some(AppError::User(e));
                        break;
                    }
                    runs.push(run);
                    bar.inc(1);
                }
                Err(e) => {
                    failure = Some(AppError::Internal(e));
                    break;
                }
            }
        }
        if failure.is_some() {
            // Stop the workers: they see the index past the end and quit.
            next.store(pending.len(), Ordering::Relaxed);
        }
    });
    bar.finish_and_clear();
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// One run: the cell's world (cached per worker), simulated with its seed.
fn simulate(
    plan: &Plan,
    run_id: u64,
    cached: &mut Option<(u32, crate::world::World)>,
) -> Result<(RunResult, String), String> {
    let (cell, replicate) = plan.cell_of(run_id);
    if cached.as_ref().is_none_or(|(c, _)| *c != cell) {
        let mut w = plan.cell_world(cell)?;
        // The firm panel is not used by sweeps; skipping it saves time and memory.
        w.record.firm_panel = false;
        *cached = Some((cell, w));
    }
    let world = cached.as_ref().map(|(_, w)| w.clone()).expect("cached above");
    let record = crate::sim::run(world, plan.seed(cell, replicate));
    let result = aggregate::run_result(&record, run_id, cell, replicate);
    let line = journal::format_line(&result);
    Ok((result, line))
}

fn progress_bar(quiet: bool, total: u64, already: u64) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    if quiet {
        return ProgressBar::hidden();
    }
    // indicatif draws only on a terminal: piped or redirected stderr stays clean.
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} runs, {rate}, ETA {eta}",
        )
        .expect("valid template")
        .with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0} runs/s", s.per_sec());
        })
        .progress_chars("=> "),
    );
    bar.set_position(already);
    bar.reset_eta();
    bar
}

/// The study of a complete set of runs and every file to write for it.
fn finish(plan: &Plan, runs: Vec<RunResult>, no_charts: bool) -> Result<(Study, Vec<OutFile>), AppError> {
    let journal_text = journal::sorted_text(&runs);
    let study = aggregate::aggregate(plan, runs);
    let world_hash = crate::record::world_hash(&plan.base);
    let mut files = output::data_files(&study, &world_hash);
    files.push((journal::FILE.to_string(), journal_text.into_bytes()));
    if !no_charts {
        let charts = crate::view::study_charts::render_study(&study).map_err(internal)?;
        let report = crate::view::html::study_report::study_report(&study, &charts);
        for r in charts {
            files.push((format!("charts/{}.png", r.name), r.png));
            files.push((format!("charts/{}.svg", r.name), r.svg.into_bytes()));
        }
        files.push(("report.html".to_string(), report.into_bytes()));
    }
    Ok((study, files))
}

/// Write a study's files into its folder, each atomically (charts as one folder).
fn write_study(out: &Path, files: &[OutFile]) -> Result<(), AppError> {
    let (charts, single): (Vec<&OutFile>, Vec<&OutFile>) =
        files.iter().partition(|(n, _)| n.starts_with("charts/"));
    if !charts.is_empty() {
        let refs: Vec<(&str, &[u8])> =
            charts.iter().map(|(n, b)| (n.trim_start_matches("charts/"), b.as_slice())).collect();
        write_folder(&out.join("charts"), &refs)?;
    }
    for (name, bytes) in single {
        write_file_atomic(&out.join(name), bytes)?;
    }
    Ok(())
}

/// Options of `chipban merge`.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    pub dirs: Vec<PathBuf>,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub no_charts: bool,
}

/// `chipban merge DIR...`: check that the shard folders hold every run of
/// one sweep exactly once, and write the study.
pub fn merge(opts: &MergeOptions) -> Result<SweepOutcome, AppError> {
    let started = Instant::now();
    if opts.dirs.is_empty() {
        return Err(AppError::User("merge needs at least one shard folder".into()));
    }
    let mut first: Option<(PathBuf, String, String, FolderState)> = None;
    let mut shards: Vec<(Shard, PathBuf, Vec<RunResult>)> = Vec::new();
    let mut problems = Vec::new();
    for dir in &opts.dirs {
        let st = match read_state(dir) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("{e} (expected a folder written by `chipban sweep --shard K/N`)"));
                continue;
            }
        };
        let sweep_ron = std::fs::read_to_string(dir.join("sweep.ron")).unwrap_or_default();
        let world_ron = std::fs::read_to_string(dir.join("world.ron")).unwrap_or_default();
        match &first {
            None => first = Some((dir.clone(), sweep_ron.clone(), world_ron.clone(), st.clone())),
            Some((d0, s0, w0, st0)) => {
                if *s0 != sweep_ron || *w0 != world_ron {
                    problems.push(format!(
                        "{} holds a different sweep than {} (sweep.ron or world.ron differ)",
                        dir.display(),
                        d0.display()
                    ));
                    continue;
                }
                if st0.version != st.version {
                    problems.push(format!(
                        "{} was made by chipban {}, {} by {}",
                        dir.display(),
                        st.version,
                        d0.display(),
                        st0.version
                    ));
                    continue;
                }
            }
        }
        let shard = st.shard.unwrap_or(Shard { index: 0, count: 1 });
        let runs = match journal::read(&dir.join(journal::FILE)) {
            Ok(c) => c.runs,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        shards.push((shard, dir.clone(), runs));
    }
    if !problems.is_empty() {
        return Err(AppError::User(format!("cannot merge:\n  - {}", problems.join("\n  - "))));
    }
    let (dir0, _, _, st0) = first.expect("at least one folder read");
    if st0.version != crate::VERSION {
        return Err(AppError::User(format!(
            "the shards were made by chipban {} and this is {}: merge them with the same version",
            st0.version,
            crate::VERSION
        )));
    }
    let plan = load_plan(&dir0.join("sweep.ron")).map_err(user)?;
    let count = shards[0].0.count;
    let mut seen: Vec<Option<&PathBuf>> = vec![None; count as usize];
    for (s, dir, runs) in &shards {
        if s.count != count {
            problems.push(format!(
                "{} is shard {s} but {} is of {count} shards",
                dir.display(),
                shards[0].1.display()
            ));
            continue;
        }
        if let Some(other) = seen[s.index as usize] {
            problems.push(format!("shard {s} is given twice: {} and {}", other.display(), dir.display()));
            continue;
        }
        seen[s.index as usize] = Some(dir);
        let expected = (0..plan.runs()).filter(|id| s.owns(*id)).count();
        let have: BTreeSet<u64> = runs.iter().map(|r| r.run_id).filter(|id| s.owns(*id)).collect();
        if have.len() < expected || runs.len() != have.len() {
            problems.push(format!(
                "shard {s} in {} is incomplete: {} of {expected} runs done; finish it with `chipban sweep <file> --shard {s} --out {} --resume`",
                dir.display(),
                have.len(),
                dir.display()
            ));
        }
    }
    let missing: Vec<String> =
        seen.iter().enumerate().filter(|(_, d)| d.is_none()).map(|(i, _)| format!("{i}/{count}")).collect();
    if !missing.is_empty() {
        problems.push(format!(
            "missing shard{}: {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::User(format!("cannot merge:\n  - {}", problems.join("\n  - "))));
    }
    let runs: Vec<RunResult> = shards.into_iter().flat_map(|(_, _, r)| r).collect();
    let out =
        opts.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("sweep-{}", plan.spec.name)));
    let (sweep_ron, world_ron) = identity_files(&plan);
    let occupied = out.is_dir() && std::fs::read_dir(&out).map(|mut d| d.next().is_some()).unwrap_or(true);
    if (occupied || out.is_file()) && !opts.force {
        return Err(AppError::User(format!(
            "{} already exists; choose another folder with --out, or pass --force to replace it",
            out.display()
        )));
    }
    let sweep_opts = SweepOptions { force: opts.force, ..Default::default() };
    prepare_folder(&out, &plan, &sweep_opts, &sweep_ron, &world_ron)?;
    let n = runs.len() as u64;
    let (study, files) = finish(&plan, runs, opts.no_charts)?;
    write_study(&out, &files)?;
    Ok(SweepOutcome {
        out,
        runs_owned: n,
        runs_resumed: n,
        runs_done_now: 0,
        study: Some(study),
        seconds: started.elapsed().as_secs_f64(),
        jobs: 1,
    })
}
