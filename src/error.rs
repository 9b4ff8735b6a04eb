//! The program's error type: a user error (exit code 2: bad input, an
//! occupied folder) or an internal one (exit code 1: a bug).

use crate::record::OutputError;
use crate::world::WorldError;

/// User errors exit with code 2, internal ones with 1.
#[derive(Debug)]
pub enum AppError {
    User(String),
    Internal(String),
}

impl AppError {
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::User(_) => 2,
            AppError::Internal(_) => 1,
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::User(m) => write!(f, "error: {m}"),
            AppError::Internal(m) => {
                write!(f, "internal error: {m}\nThis is a bug in chipban; please report it.")
            }
        }
    }
}

impl From<WorldError> for AppError {
    fn from(e: WorldError) -> Self {
        AppError::User(e.to_string())
    }
}

impl From<OutputError> for AppError {
    /// An occupied or unwritable output folder is the user's to fix.
    fn from(e: OutputError) -> Self {
        AppError::User(e.to_string())
    }
}
