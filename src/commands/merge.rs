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
    /// The size limits in force (`--allow-large`).
    pub limits: crate::world::SizePolicy,
}

/// The entry point: merge, then print the study's summary.
pub fn main(opts: &MergeOptions) -> Result<(), AppError> {
    let done = execute(opts)?;
    if !opts.output.quiet {
        print!("{}", summary(&done, None));
    }
    Ok(())
}

/// Merge the shards into the study folder. Each shard folder's lock is
/// held while it is read, so a shard still being written (`sweep --shard
/// ... --resume`) is refused at once rather than merged half done; the
/// study folder's lock is taken by `study::merge`.
pub fn execute(opts: &MergeOptions) -> Result<SweepOutcome, AppError> {
    let _locks = lock_inputs(&opts.dirs)?;
    let settings = study::MergeOptions {
        dirs: opts.dirs.clone(),
        out: opts.output.out.clone(),
        force: opts.output.force,
        visuals: visuals(opts.output.no_charts),
        format: opts.output.format,
        limits: opts.limits,
    };
    Ok(study::merge(&settings)?)
}

/// The locks of the shard folders, each taken once (a folder given twice is
/// reported by the merge itself). A folder that does not exist is left to
/// the merge to report.
fn lock_inputs(dirs: &[PathBuf]) -> Result<Vec<crate::outdir::OutLock>, AppError> {
    let mut seen = std::collections::BTreeSet::new();
    let mut locks = Vec::new();
    for d in dirs {
        let Ok(real) = d.canonicalize() else { continue };
        if real.is_dir() && seen.insert(real) {
            locks.push(crate::outdir::lock(d)?);
        }
    }
    Ok(locks)
}
