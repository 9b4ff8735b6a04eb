//! World files: the RON schema, loading with located errors, semantic
//! validation that lists every problem, and `--set PATH=VALUE` overrides.
//! Nothing here knows about the simulation or output files.

mod error;
mod load;
pub mod month;
mod overrides;
pub mod schema;
mod validate;

pub use error::WorldError;
pub use load::{load_file, load_str, ron_options, syntax_error, to_ron};
pub use month::Month;
pub use overrides::{apply_overrides, value_at};
pub use schema::*;
pub use validate::validate;

/// The worlds shipped with chipban, embedded in the binary: (file name, text).
pub const SHIPPED: &[(&str, &str)] = &[
    ("baseline.ron", include_str!("../../worlds/baseline.ron")),
    ("no_ban.ron", include_str!("../../worlds/no_ban.ron")),
    ("classroom.ron", include_str!("../../worlds/classroom.ron")),
];
