//! chipban: an agent-based simulation of how an AI industry consolidates
//! when its key input, advanced GPUs, is cut off by export controls.
//!
//! The public API: load a world ([`world::load_file`], [`world::load_str`]),
//! apply overrides ([`world::apply_overrides`]), run it ([`sim::run`]) and
//! write the record ([`record::write_outputs`]).
//!
//! Dependencies point one way: world → sim → record → analysis → view →
//! commands. Nothing in `sim` touches files; every output folder is written
//! through [`outdir`] (one overwrite policy, one provenance schema);
//! [`commands`] holds one module per CLI command and nothing imports it.

pub mod analysis;
pub mod calibration;
pub mod commands;
pub mod compare;
pub mod error;
pub mod outdir;
pub mod record;
pub mod safe_read;
pub mod sim;
pub mod slurm;
pub mod study;
pub mod view;
pub mod world;

pub use record::Record;
pub use sim::run;

/// Program version recorded in every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The git commit the binary was built from ("unknown" outside a checkout).
pub const BUILD: &str = env!("CHIPBAN_BUILD");

/// The built-in default world (the shipped `worlds/baseline.ron`).
pub fn baseline() -> world::World {
    world::load_str(world::SHIPPED[0].1, "worlds/baseline.ron").expect("the shipped baseline is valid")
}
