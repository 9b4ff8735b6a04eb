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
use super::error::StudyError;
use super::journal;
use super::spec::{Plan, load_plan_named, load_plan_with};
use super::{aggregate, output};
use crate::outdir::{
    Claim, OutFile, OutputError, claim, clean_inside, clear, lock, update_folder, write_file_atomic,
};
use crate::record::parquet::{self, Format};
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
    pub fn parse(s: &str) -> Result<Shard, StudyError> {
        let bad = || StudyError::BadShard(s.to_string());
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

/// The charts and report of a study, as files of its folder (drawn by the
/// caller: the study machinery does not know the view layer).
pub type StudyVisuals = fn(&Study) -> Result<Vec<OutFile>, StudyError>;

/// Settings of a sweep (what `chipban sweep` asks for).
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
    /// Draws the study's charts and report; `None` = data files only.
    pub visuals: Option<StudyVisuals>,
    /// The study's tables as CSV, Parquet or both.
    pub format: Format,
    /// The size limits in force (`--allow-large`).
    pub limits: crate::world::SizePolicy,
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
    /// `runs` and `runs_in_this_folder` as written (checked against the plan).
    runs: Option<u64>,
    runs_in_folder: Option<u64>,
}

impl FolderState {
    /// Refuse a `state.json` whose counts disagree with the folder's sweep
    /// (an edited file): the study's runs and the runs of this folder's shard.
    fn check(&self, dir: &Path, plan: &Plan) -> Result<(), StudyError> {
        let path = dir.join(STATE);
        let bad = |message: String| StudyError::StateTampered { path: path.clone(), message };
        if self.runs != Some(plan.runs()) {
            return Err(bad(format!(
                "`runs` is {}, but its sweep.ron has {} runs",
                self.runs.map_or("missing".to_string(), |n| n.to_string()),
                plan.runs()
            )));
        }
        let owned = (0..plan.runs()).filter(|id| self.shard.is_none_or(|s| s.owns(*id))).count() as u64;
        if self.runs_in_folder != Some(owned) {
            return Err(bad(format!(
                "`runs_in_this_folder` is {}, but its shard holds {owned} runs",
                self.runs_in_folder.map_or("missing".to_string(), |n| n.to_string())
            )));
        }
        Ok(())
    }
}

/// Check a journal's runs against the plan (ids, cells, replicates, seeds).
fn check_journal(c: &journal::Contents, path: &Path, plan: &Plan) -> Result<(), StudyError> {
    c.check(path, plan.runs(), |id| {
        let (cell, replicate) = plan.cell_of(id);
        (cell, replicate, plan.seed(cell, replicate))
    })
}

fn read_state(dir: &Path) -> Result<FolderState, StudyError> {
    let p = dir.join(STATE);
    let text =
        crate::safe_read::small_text(&p).map_err(|source| StudyError::Read { path: p.clone(), source })?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| StudyError::StateFile { path: p.clone(), message: e.to_string() })?;
    if v["format"] != "chipban-sweep" {
        return Err(StudyError::NotASweep { dir: dir.to_path_buf() });
    }
    let bad = || StudyError::StateShard { path: p.clone() };
    let shard = match &v["shard"] {
        serde_json::Value::Null => None,
        s => {
            let get = |k: &str| s[k].as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(bad);
            let (index, count) = (get("index")?, get("count")?);
            if count == 0 || index >= count {
                return Err(StudyError::StateTampered {
                    path: p.clone(),
                    message: format!(
                        "shard index {index} of {count} shards is impossible (0 <= index < count)"
                    ),
                });
            }
            Some(Shard { index, count })
        }
    };
    Ok(FolderState {
        version: v["version"].as_str().unwrap_or("?").to_string(),
        shard,
        runs: v["runs"].as_u64(),
        runs_in_folder: v["runs_in_this_folder"].as_u64(),
    })
}

/// The identity files of a sweep folder.
fn identity_files(plan: &Plan) -> (String, String) {
    (plan.resolved_ron(), crate::world::to_ron(&plan.base))
}

/// `chipban sweep`.
pub fn sweep(opts: &SweepOptions) -> Result<SweepOutcome, StudyError> {
    let started = Instant::now();
    let plan = load_plan_named(&opts.file, opts.limits)?;
    let default_name = match opts.shard {
        Some(s) => format!("sweep-{}-shard{}of{}", plan.spec.name, s.index, s.count),
        None => format!("sweep-{}", plan.spec.name),
    };
    let out = opts.out.clone().unwrap_or_else(|| PathBuf::from("output").join(default_name));
    let (sweep_ron, world_ron) = identity_files(&plan);
    let _lock = lock(&out)?;
    prepare_folder(&out, &plan, opts, &sweep_ron, &world_ron)?;
    if opts.resume {
        read_state(&out)?.check(&out, &plan)?;
        clean_inside(&out);
    }

    let owned: Vec<u64> = (0..plan.runs()).filter(|id| opts.shard.is_none_or(|s| s.owns(*id))).collect();
    let jpath = out.join(journal::FILE);
    let (done, good_len) = if jpath.exists() {
        let c = journal::read(&jpath)?;
        check_journal(&c, &jpath, &plan)?;
        (c.runs, Some(c.good_len))
    } else {
        (Vec::new(), None)
    };
    let owned_set: BTreeSet<u64> = owned.iter().copied().collect();
    let mut done_ids = BTreeSet::new();
    for r in &done {
        if !owned_set.contains(&r.run_id) || !done_ids.insert(r.run_id) {
            return Err(StudyError::ForeignRun { journal: jpath, run_id: r.run_id });
        }
    }
    let pending: Vec<u64> = owned.iter().copied().filter(|id| !done_ids.contains(id)).collect();
    let jobs = opts
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, pending.len().max(1));
    let mut writer = journal::Writer::open(&jpath, good_len)?;
    let resumed = done.len() as u64;
    let mut runs = done;
    run_pending(&plan, &pending, jobs, opts.quiet, resumed, owned.len() as u64, &mut writer, &mut runs)?;
    writer.sync()?;
    drop(writer);

    let study = if opts.shard.is_none_or(|s| s.count == 1) {
        let (study, files) = finish(&plan, runs, opts.visuals, opts.format)?;
        update_folder(&out, &files)?;
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

/// Make `out` ready by the overwrite policy of [`crate::outdir::claim`]:
/// fresh, resumed (after checking it holds this very sweep) or replaced
/// with `--force`.
fn prepare_folder(
    out: &Path,
    plan: &Plan,
    opts: &SweepOptions,
    sweep_ron: &str,
    world_ron: &str,
) -> Result<(), StudyError> {
    let own = |dir: &Path| -> Result<(), StudyError> {
        if !dir.join(STATE).exists() {
            return Err(OutputError::Foreign { path: dir.to_path_buf(), kind: "sweep" }.into());
        }
        if !opts.resume {
            let done = journal::read(&dir.join(journal::FILE)).map(|c| c.runs.len()).unwrap_or(0);
            return Err(StudyError::AlreadyASweep { dir: dir.to_path_buf(), done });
        }
        let st = read_state(dir)?;
        let mut reasons = Vec::new();
        if st.version != crate::VERSION {
            reasons.push(format!("it was made by chipban {} and this is {}", st.version, crate::VERSION));
        }
        if st.shard != opts.shard.filter(|s| s.count > 1) && !(st.shard.is_none() && opts.shard.is_none()) {
            let show = |s: Option<Shard>| s.map_or("none".to_string(), |s| s.to_string());
            reasons.push(format!("its shard is {} and this run's is {}", show(st.shard), show(opts.shard)));
        }
        if crate::safe_read::small_text(&dir.join("sweep.ron")).ok().as_deref() != Some(sweep_ron) {
            reasons.push(
                "its sweep.ron differs from this sweep (design, seed, replicates or months changed)".into(),
            );
        }
        if crate::safe_read::small_text(&dir.join("world.ron")).ok().as_deref() != Some(world_ron) {
            reasons.push("its world.ron differs from this sweep's world".into());
        }
        if !reasons.is_empty() {
            return Err(StudyError::CannotResume { dir: dir.to_path_buf(), reasons });
        }
        Ok(())
    };
    match claim(out, opts.force, own)? {
        Claim::Own => return Ok(()),
        Claim::Replace => clear(out)?,
        Claim::Fresh => {}
    }
    std::fs::create_dir_all(out).map_err(|source| StudyError::Create { dir: out.to_path_buf(), source })?;
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
) -> Result<(), StudyError> {
    if pending.is_empty() {
        return Ok(());
    }
    let bar = progress_bar(quiet, total, already);
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<Result<(RunResult, String), StudyError>>(jobs * 4);
    let mut failure = None;
    std::thread::scope(|scope| {
        let mut started = 0;
        for _ in 0..jobs {
            let tx = tx.clone();
            let next = &next;
            let spawned = std::thread::Builder::new().spawn_scoped(scope, move || {
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
            match spawned {
                Ok(_) => started += 1,
                // The system refused more threads: work with those started.
                Err(e) if started == 0 => {
                    failure = Some(StudyError::Threads(e.to_string()));
                    break;
                }
                Err(_) => break,
            }
        }
        drop(tx);
        if failure.is_some() {
            return;
        }
        for msg in rx {
            match msg {
                Ok((run, line)) => {
                    if let Err(e) = writer.append(&line) {
                        failure = Some(e);
                        break;
                    }
                    runs.push(run);
                    bar.inc(1);
                }
                Err(e) => {
                    failure = Some(e);
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
) -> Result<(RunResult, String), StudyError> {
    let (cell, replicate) = plan.cell_of(run_id);
    if cached.as_ref().is_none_or(|(c, _)| *c != cell) {
        let mut w = plan.cell_world(cell).map_err(StudyError::CellWorld)?;
        // The firm panel is not used by sweeps; skipping it saves time and memory.
        w.record.firm_panel = false;
        *cached = Some((cell, w));
    }
    let world = cached.as_ref().map(|(_, w)| w.clone()).expect("cached above");
    // A sweep needs the month rows and event counts only: no row is kept.
    let head = crate::sim::Simulation::new(world, plan.seed(cell, replicate))
        .run_into(&mut crate::sim::output::NullSink)
        .map_err(|source| StudyError::Sim { run_id, cell, replicate, source })?;
    let result = aggregate::run_result(&head, run_id, cell, replicate);
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
fn finish(
    plan: &Plan,
    runs: Vec<RunResult>,
    visuals: Option<StudyVisuals>,
    format: Format,
) -> Result<(Study, Vec<OutFile>), StudyError> {
    let journal_text = journal::sorted_text(&runs);
    let study = aggregate::aggregate(plan, runs);
    let world_hash = crate::record::world_hash(&plan.base);
    let mut files = output::data_files(&study, &world_hash);
    files.push((journal::FILE.to_string(), journal_text.into_bytes()));
    if let Some(draw) = visuals {
        files.extend(draw(&study)?);
    }
    // --format: the tables as CSV, Parquet or both (issue 11 point 2).
    let files = parquet::apply_format(files, format, |name| output::parquet_columns(&study, name))
        .map_err(|e| StudyError::Parquet(e.to_string()))?;
    Ok((study, files))
}

/// Options of `chipban merge`.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    pub dirs: Vec<PathBuf>,
    pub out: Option<PathBuf>,
    pub force: bool,
    /// Draws the study's charts and report; `None` = data files only.
    pub visuals: Option<StudyVisuals>,
    /// The study's tables as CSV, Parquet or both.
    pub format: Format,
    /// The size limits in force (`--allow-large`).
    pub limits: crate::world::SizePolicy,
}

/// `chipban merge DIR...`: check that the shard folders hold every run of
/// one sweep exactly once, and write the study.
pub fn merge(opts: &MergeOptions) -> Result<SweepOutcome, StudyError> {
    let started = Instant::now();
    if opts.dirs.is_empty() {
        return Err(StudyError::NoShards);
    }
    let mut first: Option<(PathBuf, String, String, FolderState)> = None;
    let mut shards: Vec<(Shard, PathBuf, journal::Contents, FolderState)> = Vec::new();
    let mut problems = Vec::new();
    for dir in &opts.dirs {
        let st = match read_state(dir) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("{e} (expected a folder written by `chipban sweep --shard K/N`)"));
                continue;
            }
        };
        let sweep_ron = crate::safe_read::small_text(&dir.join("sweep.ron")).unwrap_or_default();
        let world_ron = crate::safe_read::small_text(&dir.join("world.ron")).unwrap_or_default();
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
            Ok(c) => c,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        shards.push((shard, dir.clone(), runs, st));
    }
    if !problems.is_empty() {
        return Err(StudyError::Merge { problems });
    }
    let (dir0, _, _, st0) = first.expect("at least one folder read");
    if st0.version != crate::VERSION {
        return Err(StudyError::MergeVersion { found: st0.version, this: crate::VERSION });
    }
    let plan = load_plan_with(&dir0.join("sweep.ron"), opts.limits)?;
    for (_, dir, c, st) in &shards {
        if let Err(e) = st.check(dir, &plan).and_then(|()| check_journal(c, &dir.join(journal::FILE), &plan))
        {
            problems.push(e.to_string());
        }
    }
    let count = shards[0].0.count;
    // Missing shards are listed below; a count beyond both the study's
    // runs and the folders given is an edited state.json (and no list).
    if count as u64 > plan.runs().max(opts.dirs.len() as u64) {
        problems.push(format!(
            "{} is shard {} of {count} shards, but {} folder{} given: give all {count}",
            shards[0].1.display(),
            shards[0].0,
            opts.dirs.len(),
            if opts.dirs.len() == 1 { " is" } else { "s are" }
        ));
    }
    if !problems.is_empty() {
        return Err(StudyError::Merge { problems });
    }
    let mut seen: Vec<Option<&PathBuf>> = vec![None; count as usize];
    for (s, dir, c, _) in &shards {
        let runs = &c.runs;
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
        return Err(StudyError::Merge { problems });
    }
    let runs: Vec<RunResult> = shards.into_iter().flat_map(|(_, _, c, _)| c.runs).collect();
    let out =
        opts.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("sweep-{}", plan.spec.name)));
    let (sweep_ron, world_ron) = identity_files(&plan);
    let _lock = lock(&out)?;
    // A merge never resumes: any occupied folder is replaced only with --force.
    claim(&out, opts.force, |d| Err::<(), _>(OutputError::Exists { path: d.to_path_buf() }))?;
    let sweep_opts = SweepOptions { force: opts.force, ..Default::default() };
    prepare_folder(&out, &plan, &sweep_opts, &sweep_ron, &world_ron)?;
    let n = runs.len() as u64;
    let (study, files) = finish(&plan, runs, opts.visuals, opts.format)?;
    update_folder(&out, &files)?;
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
