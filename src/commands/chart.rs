//! `chipban chart OUTDIR`: rebuild the charts, GIF and report of a run's
//! output folder from its data files, replacing the old ones atomically.

use super::AppError;
use super::run::visual_files;
use crate::outdir::update_folder;
use std::path::PathBuf;

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
    let data = crate::record::read_output(&opts.outdir)?;
    let files = visual_files(&data)?;
    update_folder(&opts.outdir, &files)?;
    Ok(files.into_iter().map(|(n, _)| n).collect())
}

/// What `chart` prints.
pub fn summary(opts: &ChartOptions, files: &[String]) -> String {
    format!("rewrote {} files in {}\n", files.len(), opts.outdir.display())
}
