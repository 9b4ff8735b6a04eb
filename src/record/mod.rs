//! The run's record — monthly metrics, the firm × month panel, the event log
//! and the conservation ledger — and its writers (CSV, JSON, RON).
//!
//! The record's types are what the simulation produces (`sim::output`,
//! re-exported here); this module owns the files: the writers in `write.rs`
//! are the only place that touches them, `read.rs` reads them back.

mod read;
mod write;

pub use read::{ChipRec, DATA_FILES, EventRec, FirmRec, MonthRec, ReadError, RunData, read_output};
pub use write::{data_files, is_run_folder, world_hash, write_outputs, write_run};

pub use crate::sim::output::*;
