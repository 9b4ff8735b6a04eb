//! `chipban sweep FILE --emit-slurm DIR`: a ready Slurm job array for a
//! sweep — one array task per shard, each writing its own folder and
//! resumable, and a merge job that runs after all of them succeed.
//!
//! DIR gets: `sweep.ron` and `world.ron` (the resolved study, so the jobs do
//! not depend on relative paths), `sweep.sbatch` (the array), `merge.sbatch`
//! (the merge), `submit.sh` (submits both, the merge with
//! `--dependency=afterok`) and `README.txt`.

use crate::outdir::{OutputError, claim, write_file_atomic};
use crate::study::spec::Plan;
use std::path::{Path, PathBuf};

/// Why the scripts could not be written; all the user's to fix.
#[derive(Debug, thiserror::Error)]
pub enum SlurmError {
    #[error("--shards and --cpus must be at least 1")]
    Zero,
    #[error("{0}")]
    Limit(String),
    #[error("--shards {shards} is more than the sweep's {runs} runs: use at most {runs}")]
    TooManyShards { shards: u32, runs: u64 },
    #[error("{} already holds Slurm scripts; pass --force to replace them", dir.display())]
    ScriptsExist { dir: PathBuf },
    #[error("{}: cannot create: {source}", dir.display())]
    Create { dir: PathBuf, source: std::io::Error },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Output(#[from] OutputError),
}

/// Options of `--emit-slurm`.
#[derive(Clone, Debug)]
pub struct SlurmOptions {
    pub dir: PathBuf,
    /// Array tasks (= shards).
    pub shards: u32,
    /// CPUs per task (= `--jobs` of each shard).
    pub cpus: u32,
    /// The chipban binary the jobs run (default: this one).
    pub binary: PathBuf,
    pub force: bool,
    /// The size limits in force (`--allow-large`, passed on to every job).
    pub limits: crate::world::SizePolicy,
}

fn quote(p: &Path) -> String {
    let s = p.display().to_string();
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Write the job scripts; returns the files written.
pub fn emit(plan: &Plan, opts: &SlurmOptions) -> Result<Vec<PathBuf>, SlurmError> {
    if opts.shards == 0 || opts.cpus == 0 {
        return Err(SlurmError::Zero);
    }
    if let Some(p) = crate::world::limits::SHARDS.check_with(opts.limits, "--shards", opts.shards as u64, "")
    {
        return Err(SlurmError::Limit(p));
    }
    let runs = plan.runs();
    if opts.shards as u64 > runs {
        return Err(SlurmError::TooManyShards { shards: opts.shards, runs });
    }
    let dir = &opts.dir;
    // The overwrite policy: the folder also collects the shards and the
    // study, so only the scripts are replaced (with --force); a folder
    // without scripts is written into.
    claim(dir, opts.force, |d| {
        if d.join("sweep.sbatch").exists() {
            Err(SlurmError::ScriptsExist { dir: d.to_path_buf() })
        } else {
            Ok(())
        }
    })?;
    std::fs::create_dir_all(dir.join("logs"))
        .map_err(|source| SlurmError::Create { dir: dir.clone(), source })?;
    let dir = dir.canonicalize().map_err(|source| SlurmError::Io { path: dir.clone(), source })?;
    let name = &plan.spec.name;
    let bin = quote(&opts.binary);
    let d = quote(&dir);
    let per_shard = runs.div_ceil(opts.shards as u64);
    let (sweep_ron, world_ron) = (plan.resolved_ron(), crate::world::to_ron(&plan.base));
    let last = opts.shards - 1;
    // A study over the default size limits needs the flag in every job too.
    let large = if opts.limits.allow_large { " --allow-large" } else { "" };
    let cpus = opts.cpus;
    let shards = opts.shards;
    let array = format!(
        r#"#!/bin/bash
# Slurm job array for the chipban sweep "{name}": {runs} runs in {shards} shards
# (about {per_shard} runs each). Written by `chipban sweep --emit-slurm`.
#
# Each array task runs one shard, K = $SLURM_ARRAY_TASK_ID of N =
# $SLURM_ARRAY_TASK_COUNT, into its own folder shards/shard-K, with --resume:
# a failed or pre-empted task can be submitted again on its own and continues
# where it stopped:   sbatch --array=K sweep.sbatch
#
# ---- EDIT for your cluster --------------------------------------------------
#SBATCH --job-name=chipban-{name}
#SBATCH --partition=debug
#SBATCH --time=01:00:00
#SBATCH --cpus-per-task={cpus}
#SBATCH --mem-per-cpu=500M
# ---- do not change below unless you know why --------------------------------
#SBATCH --array=0-{last}
#SBATCH --output={dir}/logs/shard-%a.out
#SBATCH --error={dir}/logs/shard-%a.err
#SBATCH --requeue
set -euo pipefail
cd {d}
K="$SLURM_ARRAY_TASK_ID"
N="${{SLURM_ARRAY_TASK_COUNT:-{shards}}}"
exec {bin} sweep sweep.ron --shard "$K/$N" --jobs "${{SLURM_CPUS_PER_TASK:-{cpus}}}" \
    --out "shards/shard-$K" --resume --quiet{large}
"#,
        dir = dir.display()
    );
    let merge = format!(
        r#"#!/bin/bash
# Merge the {shards} shards of the chipban sweep "{name}" into study/.
# Submitted by submit.sh with --dependency=afterok on the array: it runs only
# when every shard succeeded. chipban merge refuses, naming them, if a shard
# is missing or incomplete.
#
# ---- EDIT for your cluster --------------------------------------------------
#SBATCH --job-name=chipban-{name}-merge
#SBATCH --partition=debug
#SBATCH --time=00:30:00
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
# -----------------------------------------------------------------------------
#SBATCH --output={dir}/logs/merge.out
#SBATCH --error={dir}/logs/merge.err
set -euo pipefail
cd {d}
shards=()
for k in $(seq 0 {last}); do shards+=("shards/shard-$k"); done
exec {bin} merge "${{shards[@]}}" --out study --force{large}
"#,
        dir = dir.display()
    );
    let submit = format!(
        r#"#!/bin/bash
# Submit the sweep "{name}" to Slurm: the array, then the merge after it.
set -euo pipefail
cd {d}
array=$(sbatch --parsable sweep.sbatch)
array=${{array%%;*}}
merge=$(sbatch --parsable --dependency=afterok:"$array" merge.sbatch)
merge=${{merge%%;*}}
echo "submitted array job $array ({shards} tasks) and merge job $merge"
echo "watch: squeue -j $array,$merge    result: {dir}/study/report.html"
"#,
        dir = dir.display()
    );
    let readme = format!(
        "chipban sweep \"{name}\" for Slurm: {runs} runs in {shards} array tasks of {cpus} CPUs.\n\n\
         1. Edit the lines marked EDIT in sweep.sbatch and merge.sbatch (partition, time, memory).\n\
         2. ./submit.sh\n\
         3. The study appears in study/ when the merge job has run (report.html, runs.csv, ...).\n\n\
         A task that failed or was pre-empted: sbatch --array=K sweep.sbatch (it resumes), then\n\
         sbatch merge.sbatch. Merge refuses, naming them, while shards are missing or incomplete.\n\
         The merged study is byte-identical to `chipban sweep sweep.ron` run in one process.\n"
    );
    let files: [(&str, &str, bool); 6] = [
        ("sweep.ron", &sweep_ron, false),
        ("world.ron", &world_ron, false),
        ("sweep.sbatch", &array, true),
        ("merge.sbatch", &merge, true),
        ("submit.sh", &submit, true),
        ("README.txt", &readme, false),
    ];
    let mut written = Vec::new();
    for (file, text, exec) in files {
        let p = dir.join(file);
        write_file_atomic(&p, text.as_bytes())?;
        if exec {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755))
                .map_err(|source| SlurmError::Io { path: p.clone(), source })?;
        }
        written.push(p);
    }
    Ok(written)
}
