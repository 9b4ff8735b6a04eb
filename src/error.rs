//! The program's error type: every failure of a command, as the typed error
//! of the layer it came from. All are the user's to fix (exit code 2: bad
//! input, an occupied folder) except [`AppError::Internal`] (exit code 1: a
//! bug). Each wrapped error names the file or option, the place and the fix.

use crate::compare::CompareError;
use crate::outdir::OutputError;
use crate::record::ReadError;
use crate::sim::output::SimError;
use crate::slurm::SlurmError;
use crate::study::StudyError;
use crate::world::WorldError;

/// A bad option value that no other layer checks.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("--replicates must be at least 1")]
    NoReplicates,
    #[error("--jobs {0}: use 1 to {max} worker threads", max = crate::commands::MAX_JOBS)]
    Jobs(usize),
    /// Sizes over their limits (`world::limits`), one line each.
    #[error("{} over the limits:{}", if .0.len() == 1 { "a size is" } else { "sizes are" }, .0.iter().map(|p| format!("\n  - {p}")).collect::<String>())]
    Limits(Vec<String>),
    /// `chipban chart` was given a study's folder, not a run's.
    #[error("{}: this is a {kind} folder; `chipban chart` redraws a run's folder; {how}", dir.display())]
    NotARunFolder { dir: std::path::PathBuf, kind: &'static str, how: String },
    /// `chipban export NAME`: no built-in world or sweep has that name.
    #[error("`{name}` is not a built-in world or sweep (worlds: {worlds}; sweeps: {sweeps})")]
    NotBuiltin { name: String, worlds: String, sweeps: String },
    /// `chipban export NAME PATH`: PATH exists and `--force` was not given.
    #[error("{} already exists; give another PATH, or pass --force to replace it", path.display())]
    ExportExists { path: std::path::PathBuf },
    /// `chipban explore --port N`: the port cannot be listened on.
    #[error("cannot listen on 127.0.0.1:{port}: {why}; give another --port, or --port 0 for a free one")]
    Listen { port: u16, why: String },
}

/// The enum [`AppError`]: one variant per layer whose errors reach the
/// user, each printed as `error: …`, then the bugs. `from` marks the layers
/// whose every error is the user's (converted by `?`); the others convert
/// by hand.
macro_rules! app_error {
    ($($(#[doc = $doc:literal])* $variant:ident($ty:ty) $($from:ident)?;)*) => {
        /// Any error of a command. User errors exit with code 2, internal ones with 1.
        #[derive(Debug, thiserror::Error)]
        pub enum AppError {
            $($(#[doc = $doc])* #[error("error: {0}")] $variant($ty),)*
            /// A bug in chipban.
            #[error("internal error: {0}\nThis is a bug in chipban; please report it.")]
            Internal(String),
        }
        $($(app_error!(@$from $variant($ty));)?)*
    };
    (@from $variant:ident($ty:ty)) => {
        impl From<$ty> for AppError {
            fn from(e: $ty) -> Self {
                AppError::$variant(e)
            }
        }
    };
}

app_error! {
    World(WorldError) from;
    /// An occupied or unwritable output folder is the user's to fix.
    Output(OutputError) from;
    /// A folder that does not hold a run's data files.
    Read(ReadError) from;
    /// A sweep's or merge's error (some are bugs: see `From<StudyError>`).
    Study(StudyError);
    Compare(CompareError) from;
    Slurm(SlurmError) from;
    Usage(UsageError) from;
    /// A run stopped by a NaN or infinite value: the world's values are the user's to change.
    Sim(SimError) from;
}

impl AppError {
    /// 2 for the user's errors, 1 for bugs.
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Internal(_) => 1,
            _ => 2,
        }
    }

    /// A bug, with what went wrong.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<StudyError> for AppError {
    fn from(e: StudyError) -> Self {
        if e.is_internal() { AppError::Internal(e.to_string()) } else { AppError::Study(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_and_wording() {
        let user = AppError::from(UsageError::NoReplicates);
        assert_eq!(
            (user.exit_code(), user.to_string()),
            (2, "error: --replicates must be at least 1".into())
        );
        let bug = AppError::from(StudyError::Visuals("no font".into()));
        assert_eq!(bug.exit_code(), 1);
        assert!(bug.to_string().starts_with("internal error: no font\n"));
    }
}
