//! Batch parameter studies: sweep files (grid, factorial, Latin hypercube
//! designs), a parallel runner that streams every finished run to a
//! journal (resumable, shardable), aggregation with honest statistics, and
//! the study's charts and report.

pub mod charts;
pub mod report;
pub mod stats;
pub mod study;

pub use study::Study;
