//! World files: the RON schema, loading with located errors, semantic
//! validation that lists every problem, and `--set PATH=VALUE` overrides.
//! Nothing here knows about the simulation or output files.

mod error;
pub mod limits;
mod load;
pub mod month;
mod overrides;
pub mod schema;
mod validate;

pub use error::WorldError;
pub use load::{load_file, load_file_values, load_str, read_spec_file, ron_options, syntax_error, to_ron};
pub use month::{Month, MonthError};
pub use overrides::{OverrideError, apply_overrides, value_at};
pub use schema::*;
pub use validate::{MAX_NAME_LEN, unsafe_name, validate, validate_values};

use std::path::Path;

/// The worlds shipped with chipban, embedded in the binary: (file name, text).
pub const SHIPPED: &[(&str, &str)] = &[
    ("baseline.ron", include_str!("../../worlds/baseline.ron")),
    ("no_ban.ron", include_str!("../../worlds/no_ban.ron")),
    ("classroom.ron", include_str!("../../worlds/classroom.ron")),
];

/// FNV-1a, 64 bits: the program's one stable hash (the `world_hash` of
/// every summary.json, the colour of an unnamed firm). Stable across
/// versions and platforms, unlike `std`'s hasher.
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// Load a world (or the built-in baseline), apply `--set` overrides and
/// `--months`/`--seed`, and validate the result. Returns the resolved world
/// with its `seed` field set to the seed the run will use.
pub fn resolve(
    path: Option<&Path>,
    sets: &[String],
    months: Option<u32>,
    seed: Option<u64>,
) -> Result<World, WorldError> {
    let (w, origin) = match path {
        Some(p) => (load_file_values(p)?, p.display().to_string()),
        None => (
            load_str(SHIPPED[0].1, "worlds/baseline.ron (built in)")?,
            "worlds/baseline.ron (built in)".to_string(),
        ),
    };
    let mut w = if sets.is_empty() { w } else { apply_overrides(w, sets)? };
    if let Some(m) = months {
        w.months = m;
    }
    if let Some(s) = seed {
        w.seed = s;
    }
    validate(&w).map_err(|e| e.with_origin(&format!("{origin} (after overrides)")))?;
    Ok(w)
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
