//! What can go wrong with a sweep or a merge, as types: each variant names
//! the file or folder, the place in it, and how to fix it. Nearly all are
//! the user's to fix (exit code 2); [`StudyError::is_internal`] tells the bugs.
//! Nothing here does I/O.

use super::spec::SweepProblems;
use crate::outdir::OutputError;
use std::path::PathBuf;

/// A damaged line of a journal.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("{found} fields, expected {want}")]
    FieldCount { found: usize, want: usize },
    #[error("bad {what} `{text}`")]
    BadInteger { what: &'static str, text: String },
    #[error("bad number `{0}`")]
    BadNumber(String),
    #[error("{0} out of range")]
    OutOfRange(&'static str),
    #[error("`{0}` is not a finite number")]
    NotFinite(String),
}

/// An error of `chipban sweep` or `chipban merge`.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// The sweep file: unreadable, malformed or with bad values.
    #[error("{0}")]
    Spec(#[from] SweepProblems),
    /// A run stopped by a NaN or infinite value (the cell's values are too extreme).
    #[error("run {run_id} (cell {cell}, replicate {replicate}): {source}")]
    Sim { run_id: u64, cell: u32, replicate: u32, source: crate::sim::output::SimError },
    /// The output folder (the overwrite policy, or writing).
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error(
        "bad --shard `{0}`: expected K/N with 0 <= K < N, e.g. 0/4 (K is 0-based, like $SLURM_ARRAY_TASK_ID with --array=0-3)"
    )]
    BadShard(String),
    #[error("{}: cannot read: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: line 1 is not a chipban journal header (was it written by another version?)", path.display())]
    JournalHeader { path: PathBuf },
    #[error("{}:{line}: damaged run line: {error}", path.display())]
    DamagedLine { path: PathBuf, line: usize, error: LineError },
    /// A well-formed journal line that does not belong to the study.
    #[error("{}:{line}: {message}; the folder was edited or mixed with another sweep: start over with --force", path.display())]
    TamperedLine { path: PathBuf, line: usize, message: String },
    /// Opening, trimming or writing the journal.
    #[error("{}: {what}: {source}", path.display())]
    Journal { path: PathBuf, what: &'static str, source: std::io::Error },
    #[error("{}: not a sweep state file: {message}", path.display())]
    StateFile { path: PathBuf, message: String },
    #[error("{}: not a chipban sweep folder", dir.display())]
    NotASweep { dir: PathBuf },
    #[error("{}: bad shard", path.display())]
    StateShard { path: PathBuf },
    /// `state.json` disagrees with the folder's sweep.ron (edited).
    #[error("{}: {message}; the folder was edited: start over with --force", path.display())]
    StateTampered { path: PathBuf, message: String },
    #[error(
        "{}: run {run_id} does not belong here or appears twice; the folder was edited or mixed with another sweep: start over with --force",
        journal.display()
    )]
    ForeignRun { journal: PathBuf, run_id: u64 },
    #[error("{} already holds a sweep ({done} runs done); pass --resume to finish it, or --force to start over", dir.display())]
    AlreadyASweep { dir: PathBuf, done: usize },
    #[error("cannot resume in {}: {}; use another --out, or --force to start over", dir.display(), reasons.join("; "))]
    CannotResume { dir: PathBuf, reasons: Vec<String> },
    #[error("{}: cannot create: {source}", dir.display())]
    Create { dir: PathBuf, source: std::io::Error },
    #[error("merge needs at least one shard folder")]
    NoShards,
    /// Everything wrong with the shard folders given to `merge`, one line each.
    #[error("cannot merge:\n  - {}", problems.join("\n  - "))]
    Merge { problems: Vec<String> },
    #[error("the shards were made by chipban {found} and this is {this}: merge them with the same version")]
    MergeVersion { found: String, this: &'static str },
    /// A cell's world could not be built although the sweep file was checked: a bug.
    #[error("{0}")]
    CellWorld(crate::world::WorldError),
    /// Not even one worker thread could be started.
    #[error("cannot start a worker thread: {0}; try a smaller --jobs")]
    Threads(String),
    /// The charts or report could not be drawn: a bug.
    #[error("{0}")]
    Visuals(String),
    /// The tables could not be converted to Parquet (`--format`): a bug.
    #[error("{0}")]
    Parquet(String),
}

impl StudyError {
    /// A bug in chipban rather than something the user can fix.
    pub fn is_internal(&self) -> bool {
        matches!(self, StudyError::CellWorld(_) | StudyError::Visuals(_) | StudyError::Parquet(_))
    }
}
