//! `chipban merge DIR...`: combine the folders of a sharded sweep into one
//! study, after checking they hold every run exactly once.

use super::AppError;
use super::sweep::{summary, visuals};
use crate::study::{self, SweepOutcome};
use std::path::PathBuf;

/// Options of `chipban merge`.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// The shard folders (all N of them).
    pub dirs: Vec<PathBuf>,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub quiet: bool,
    /// Skip the study's charts and report.
    pub no_charts: bool,
}

/// The entry point: merge, then print the study's summary.
pub fn main(opts: &MergeOptions) -> Result<(), AppError> {
    let done = execute(opts)?;
    if !opts.quiet {
        print!("{}", summary(&done, None));
    }
    Ok(())
}

/// Merge the shards into the study folder.
pub fn execute(opts: &MergeOptions) -> Result<SweepOutcome, AppError> {
    let settings = study::MergeOptions {
        dirs: opts.dirs.clone(),
        out: opts.out.clone(),
        force: opts.force,
        visuals: visuals(opts.no_charts),
    };
    Ok(study::merge(&settings)?)
}
