//! `chipban check WORLD`: validate a world file (or a built-in world) and
//! list every problem.

use super::AppError;
use crate::world::{self, World};
use std::path::{Path, PathBuf};

/// Options of `chipban check`.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub world: PathBuf,
    /// The size limits in force (`--allow-large`).
    pub limits: world::SizePolicy,
}

/// The entry point: check, then describe the world in one line.
pub fn main(opts: &CheckOptions) -> Result<(), AppError> {
    let w = execute(&opts.world, opts.limits)?;
    print!("{}", summary(&opts.world, &w));
    Ok(())
}

/// The world (the file `path`, or the built-in world of that name), or
/// every problem, with the size limits of `limits`.
pub fn execute(path: &Path, limits: world::SizePolicy) -> Result<World, AppError> {
    Ok(world::load_named(path, limits)?)
}

/// What `check` prints for a valid world.
pub fn summary(path: &Path, w: &World) -> String {
    format!(
        "{}: ok — world \"{}\", {} months from {}, {} named firms, {} cohorts, {} investors, {} chips, {} rules\n",
        path.display(),
        w.name,
        w.months,
        w.start,
        w.firms.len(),
        w.cohorts.len(),
        w.investors.len(),
        w.chips.suppliers.len(),
        w.policy.rules.len()
    )
}
