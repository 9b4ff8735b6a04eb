//! Batch parameter studies: sweep files (grid, factorial, Latin hypercube
//! designs), a parallel runner that streams every finished run to a
//! journal (resumable, shardable) and aggregation. The statistics live in
//! `analysis`, the study's charts and report in `view` (drawn through a
//! function the caller passes in: nothing here imports `view` or `commands`).

pub mod aggregate;
pub mod data;
pub mod error;
pub mod journal;
pub mod label;
pub mod output;
pub mod run;
pub mod spec;

pub use data::Study;
pub use error::StudyError;
pub use run::{MergeOptions, Shard, StudyVisuals, SweepOptions, SweepOutcome, merge, sweep};
pub use spec::{Plan, load_plan, load_plan_named};
