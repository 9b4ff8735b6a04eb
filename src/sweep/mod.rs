//! Batch parameter studies: sweep files (grid, factorial, Latin hypercube
//! designs), a parallel runner that streams every finished run to a
//! journal (resumable, shardable), aggregation with honest statistics, and
//! the study's charts and report.

pub mod aggregate;
pub mod charts;
pub mod common_charts;
pub mod compare;
pub mod compare_charts;
pub mod compare_report;
pub mod journal;
pub mod output;
pub mod parallel;
pub mod report;
pub mod run;
pub mod slurm;
pub mod spec;
pub mod stats;
pub mod study;

pub use run::{MergeOptions, Shard, SweepOptions, SweepOutcome, merge, sweep};
pub use spec::{Plan, load_plan};
pub use study::Study;
