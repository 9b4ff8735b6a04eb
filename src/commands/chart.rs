//! `chipban chart OUTDIR`: rebuild the charts, GIF and report of a run's
//! output folder from its data files, replacing the old ones atomically.

use super::AppError;
use super::run::visual_files;
use crate::error::UsageError;
use crate::outdir::{lock, update_folder};
use crate::record::ReadError;
use std::path::{Path, PathBuf};

/// Options of `chipban chart`.
#[derive(Clone, Debug, Default)]
pub struct ChartOptions {
    /// An output folder written by `chipban run`.
    pub outdir: PathBuf,
}

/// The entry point: rebuild, then say how many files were rewritten.
pub fn main(opts: &ChartOptions) -> Result<(), AppError> {
    let files = execute(opts)?;
    print!("{}", summary(opts, &files));
    Ok(())
}

/// Rebuild the visuals; returns the files written (paths in the folder).
pub fn execute(opts: &ChartOptions) -> Result<Vec<String>, AppError> {
    not_a_study(&opts.outdir)?;
    let _lock = lock(&opts.outdir)?;
    let data = crate::record::read_output(&opts.outdir)?;
    if data.months.is_empty() {
        return Err(ReadError {
            path: opts.outdir.join("months.csv").display().to_string(),
            message: "holds no month rows (the file is empty or has only its header); \
                      the folder's data are incomplete: write it again with `chipban run`"
                .into(),
        }
        .into());
    }
    let files = visual_files(&data)?;
    update_folder(&opts.outdir, &files)?;
    Ok(files.into_iter().map(|(n, _)| n).collect())
}

/// Refuse a sweep, shard or comparison folder, saying which command
/// redraws its charts.
fn not_a_study(dir: &Path) -> Result<(), AppError> {
    let d = dir.display();
    let state = crate::safe_read::small_text(&dir.join("state.json")).unwrap_or_default();
    if state.contains("\"chipban-sweep\"") {
        let (kind, how) = if state.contains("\"index\"") {
            (
                "sweep shard",
                "merge the shards with `chipban merge <shard folders> --out <study folder>`, which draws the study's charts".to_string(),
            )
        } else {
            (
                "sweep",
                format!(
                    "redraw its charts and report with `chipban sweep {d}/sweep.ron --out {d} --resume` (finished runs are kept, nothing is re-run)"
                ),
            )
        };
        return Err(UsageError::NotARunFolder { dir: dir.to_path_buf(), kind, how }.into());
    }
    if dir.join("world_a.ron").is_file() && dir.join("world_b.ron").is_file() {
        let how = format!(
            "redraw it by running the same `chipban compare` again (same worlds, --replicates and --seed) with `--out {d} --force`"
        );
        return Err(UsageError::NotARunFolder { dir: dir.to_path_buf(), kind: "comparison", how }.into());
    }
    Ok(())
}

/// What `chart` prints.
pub fn summary(opts: &ChartOptions, files: &[String]) -> String {
    format!("rewrote {} files in {}\n", files.len(), opts.outdir.display())
}
