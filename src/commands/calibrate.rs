//! `chipban calibrate`: measure the calibration targets (DESIGN §4) over
//! many replicates of a world and print the table.

use super::{AppError, check_jobs, check_runs, jobs_or_cores, resolve_world};
use crate::calibration::{self, Measured};
use crate::error::UsageError;
use std::path::PathBuf;

/// Options of `chipban calibrate`.
#[derive(Clone, Debug)]
pub struct CalibrateOptions {
    /// World file; `None` = the built-in baseline.
    pub world: Option<PathBuf>,
    pub replicates: u32,
    /// Master seed (default: the world's seed).
    pub seed: Option<u64>,
    pub jobs: Option<usize>,
    pub sets: Vec<String>,
    /// The size limits in force (`--allow-large`).
    pub limits: crate::world::SizePolicy,
}

/// What `calibrate` measured.
pub struct Calibration {
    pub world: String,
    pub replicates: u32,
    pub master_seed: u64,
    pub rows: Vec<Measured>,
}

/// The entry point: measure, then print the table.
pub fn main(opts: &CalibrateOptions) -> Result<(), AppError> {
    print!("{}", summary(&execute(opts)?));
    Ok(())
}

/// Run the replicates and measure every target.
pub fn execute(opts: &CalibrateOptions) -> Result<Calibration, AppError> {
    if opts.replicates == 0 {
        return Err(UsageError::NoReplicates.into());
    }
    check_jobs(opts.jobs)?;
    let w = resolve_world(opts.world.as_deref(), &opts.sets, None, None, opts.limits)?;
    check_runs("--replicates", opts.replicates as u64, &w, opts.limits)?;
    let master = opts.seed.unwrap_or(w.seed);
    let rows = calibration::calibrate(&w, opts.replicates, master, jobs_or_cores(opts.jobs))?;
    Ok(Calibration { world: w.name, replicates: opts.replicates, master_seed: master, rows })
}

/// What `calibrate` prints: a heading, the table and the count of misses.
pub fn summary(c: &Calibration) -> String {
    let mut s = format!(
        "Calibration of world \"{}\" ({} replicates, master seed {}):\n\n",
        c.world, c.replicates, c.master_seed
    );
    s.push_str(&calibration::table(&c.rows, c.replicates));
    let bad = c.rows.iter().filter(|r| !r.ok).count();
    if bad > 0 {
        s.push_str(&format!("\n{bad} target(s) out of range\n"));
    }
    s
}
