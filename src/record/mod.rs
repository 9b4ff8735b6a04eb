//! The run's record — monthly metrics, the firm × month panel, the event log
//! and the conservation ledger — and its files (CSV, JSON, RON).
//!
//! The record's types are what the simulation produces (`sim::output`,
//! re-exported here); this module owns the files: `rows.rs` holds one serde
//! row type per file (written and read through it), `fastcsv.rs` writes the
//! same bytes fast, the writers in `write.rs` and the streaming sink of
//! `stream.rs` are the only places that write the files, `parquet.rs`
//! converts finished tables to Parquet and back, `read.rs` reads them back.

mod fastcsv;
pub mod parquet;
mod read;
mod rows;
mod stream;
mod write;

pub use read::{DATA_FILES, ReadError, RunData, read_output};
pub use rows::{
    ChipRec, ConsolidationSummary, ConsolidationTest, EventRec, Finals, FirmRec, MonthRec, PhaseStart,
    RunSummary, columns, from_csv, summary_json, to_csv,
};
pub use stream::CsvSink;
pub use write::{
    data_files, head_files, holds_same_run, is_run_folder, summary_text, world_hash, write_outputs, write_run,
};

pub use crate::sim::output::*;
