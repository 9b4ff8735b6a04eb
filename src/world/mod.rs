//! World files: the RON schema, loading with located errors, semantic
//! validation that lists every problem, and `--set PATH=VALUE` overrides.
//! Nothing here knows about the simulation or output files.

mod error;
pub mod limits;
mod load;
pub mod month;
mod overrides;
pub mod schema;
pub mod shipped;
mod validate;

pub use error::WorldError;
pub use limits::SizePolicy;
pub use load::{load_file, load_file_values, load_str, read_spec_file, ron_options, syntax_error, to_ron};
pub use month::{Month, MonthError};
pub use overrides::{OverrideError, apply_overrides, value_at};
pub use schema::*;
pub use shipped::{Source, find_world};
pub use validate::{MAX_NAME_LEN, unsafe_name, validate, validate_values, validate_with};

use std::path::Path;

/// The worlds shipped with chipban, embedded in the binary: (file name, text).
pub const SHIPPED: &[(&str, &str)] = &[
    ("baseline.ron", include_str!("../../worlds/baseline.ron")),
    ("no_ban.ron", include_str!("../../worlds/no_ban.ron")),
    ("classroom.ron", include_str!("../../worlds/classroom.ron")),
    ("classroom_no_ban.ron", include_str!("../../worlds/classroom_no_ban.ron")),
];

/// FNV-1a, 64 bits: the program's one stable hash (the `world_hash` of
/// every summary.json, the colour of an unnamed firm). Stable across
/// versions and platforms, unlike `std`'s hasher.
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Read and parse a world, from its file or built in, and validate its
/// values (not yet its sizes).
pub fn load_source_values(source: &Source) -> Result<World, WorldError> {
    match source {
        Source::File(p) => load_file_values(p),
        Source::Builtin { text, .. } => load_str(text, &source.label()),
    }
}

/// Read, parse and validate a world, values and sizes (under `policy`):
/// the file `arg` if it exists, else the built-in world of that name ([`find_world`]).
pub fn load_named(arg: &Path, policy: SizePolicy) -> Result<World, WorldError> {
    let source = find_world(arg)?;
    let world = load_source_values(&source)?;
    validate_with(&world, policy).map_err(|e| e.with_origin(&source.label()))?;
    Ok(world)
}

/// Load a world (the file `path` if it exists, else the built-in world of
/// that name; without a path the built-in baseline), apply `--set`
/// overrides and `--months`/`--seed`, and validate the result. Returns the
/// resolved world with its `seed` field set to the seed the run will use.
/// Sizes are checked against the limits of `policy` (`--allow-large`).
pub fn resolve(
    path: Option<&Path>,
    sets: &[String],
    months: Option<u32>,
    seed: Option<u64>,
    policy: SizePolicy,
) -> Result<World, WorldError> {
    let source = source_of(path)?;
    let (w, origin) = (load_source_values(&source)?, source.label());
    resolve_loaded(w, &origin, sets, months, seed, policy)
}

/// The second half of [`resolve`], for a world already read and parsed
/// (values checked) from `origin` (its [`Source::label`]): apply the
/// overrides, `months` and `seed`, and validate, with the same errors as
/// the command line (`chipban explore` re-resolves its world on every change).
pub fn resolve_loaded(
    w: World,
    origin: &str,
    sets: &[String],
    months: Option<u32>,
    seed: Option<u64>,
    policy: SizePolicy,
) -> Result<World, WorldError> {
    let mut w = if sets.is_empty() { w } else { apply_overrides(w, sets)? };
    if let Some(m) = months {
        w.months = m;
    }
    if let Some(s) = seed {
        w.seed = s;
    }
    validate_with(&w, policy).map_err(|e| e.with_origin(&format!("{origin} (after overrides)")))?;
    Ok(w)
}

/// Where a world named on the command line comes from: `path` (a file, or a
/// built-in world's name), or the built-in baseline without one.
pub fn source_of(path: Option<&Path>) -> Result<Source, WorldError> {
    match path {
        Some(p) => find_world(p),
        None => Ok(Source::Builtin { path: format!("worlds/{}", SHIPPED[0].0), text: SHIPPED[0].1 }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv_is_stable() {
        // FNV-1a 64 of "a" is af63dc4c8601ec8c
        assert_eq!(format!("{:016x}", super::fnv1a_64(b"a")), "af63dc4c8601ec8c");
        assert_eq!(super::fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
    }
}
