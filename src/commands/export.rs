//! `chipban export NAME [PATH]`: write a built-in world or sweep to a file
//! for editing, byte for byte the shipped file.

use super::AppError;
use crate::error::UsageError;
use crate::study::spec::SHIPPED as SWEEPS;
use crate::world::shipped::{builtin_named, names};
use crate::world::{SHIPPED as WORLDS, Source};
use std::path::{Path, PathBuf};

/// Options of `chipban export`.
#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// A built-in world or sweep: `classroom`, `classroom.ron`, `worlds/classroom.ron`.
    pub name: String,
    /// The file to write, or a folder to write `NAME.ron` into (default: `NAME.ron` here).
    pub path: Option<PathBuf>,
    /// Replace an existing file.
    pub force: bool,
}

/// What `export` wrote.
pub struct Exported {
    /// The built-in file (`worlds/classroom.ron (built in)`).
    pub source: Source,
    /// The file written.
    pub path: PathBuf,
    /// A world (`true`) or a sweep.
    pub world: bool,
}

/// The entry point: write the file, then say where and how to use it.
pub fn main(opts: &ExportOptions) -> Result<(), AppError> {
    print!("{}", summary(&execute(opts)?));
    Ok(())
}

/// The built-in world or sweep of this name: (shipped path, text, is a world).
pub fn builtin(name: &str) -> Option<(String, &'static str, bool)> {
    let name = Path::new(name);
    builtin_named(name, WORLDS, "worlds")
        .map(|(f, t)| (format!("worlds/{f}"), t, true))
        .or_else(|| builtin_named(name, SWEEPS, "sweeps").map(|(f, t)| (format!("sweeps/{f}"), t, false)))
}

/// Write the file (atomically: a temporary file beside it, renamed over it).
pub fn execute(opts: &ExportOptions) -> Result<Exported, AppError> {
    let (shipped, text, world) = builtin(&opts.name).ok_or_else(|| UsageError::NotBuiltin {
        name: opts.name.clone(),
        worlds: names(WORLDS).join(", "),
        sweeps: names(SWEEPS).join(", "),
    })?;
    let file = Path::new(&shipped).file_name().expect("a shipped file name").to_owned();
    let path = match &opts.path {
        None => PathBuf::from(&file),
        Some(p) if p.is_dir() => p.join(&file),
        Some(p) => p.clone(),
    };
    if std::fs::symlink_metadata(&path).is_ok() && !opts.force {
        return Err(UsageError::ExportExists { path }.into());
    }
    crate::outdir::write_file_atomic(&path, text.as_bytes())?;
    Ok(Exported { source: Source::Builtin { path: shipped, text }, path, world })
}

/// What `export` prints.
pub fn summary(done: &Exported) -> String {
    let how = if done.world { "chipban run" } else { "chipban sweep" };
    let mut s = format!(
        "wrote {}, a copy of the built-in {}; edit it, then: {how} {}\n",
        done.path.display(),
        match &done.source {
            Source::Builtin { path, .. } => path.clone(),
            other => other.label(),
        },
        done.path.display()
    );
    if !done.world {
        s.push_str(
            "its `world` path starts at the file's folder; where no such file exists, the built-in world \
             of that file name is used\n",
        );
    }
    s
}
