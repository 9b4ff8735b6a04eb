//! `chipban merge DIR...`: combine the folders of a sharded sweep into one
//! study, after checking they hold every run exactly once.

use super::sweep::{summary, visuals};
use super::{AppError, OutputOptions};
use crate::study::{self, SweepOutcome};
use std::path::PathBuf;

/// Options of `chipban merge`.
#[derive(Clone, Debug, Default)]
pub struct MergeOptions {
    /// The shard folders (all N of them).
    pub dirs: Vec<PathBuf>,
    pub output: OutputOptions,
}

/// The entry point: merge, then print the study's summary.
pub fn main(opts: &MergeOptions) -> Result<(), AppError> {
    let done = execute(opts)?;
    if !opts.output.quiet {
        print!("{}", summary(&done, None));
    }
    Ok(())
}

/// Merge the shards into the study folder.
pub fn execute(opts: &MergeOptions) -> Result<SweepOutcome, AppError> {
    let settings = study::MergeOptions {
        dirs: opts.dirs.clone(),
        out: opts.output.out.clone(),
        force: opts.output.force,
        visuals: visuals(opts.output.no_charts),
        format: opts.output.format,
    };
    Ok(study::merge(&settings)?)
}
