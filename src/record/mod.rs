//! The run's record — monthly metrics, the firm × month panel, the event log
//! and the conservation ledger — and its files (CSV, JSON, RON).
//!
//! The record's types are what the simulation produces (`sim::output`,
//! re-exported here); this module owns the files: `rows.rs` holds one serde
//! row type per file (written and read through it), the writers in
//! `write.rs` are the only place that touches the files, `read.rs` reads
//! them back.

pub mod parquet;
mod read;
mod rows;
mod write;

pub use read::{DATA_FILES, ReadError, RunData, read_output};
pub use rows::{
    ChipRec, ConsolidationSummary, ConsolidationTest, EventRec, Finals, FirmRec, MonthRec, PhaseStart,
    RunSummary, columns, from_csv, summary_json, to_csv,
};
pub use write::{data_files, is_run_folder, world_hash, write_outputs, write_run};

pub use crate::sim::output::*;
