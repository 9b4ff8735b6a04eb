//! Finding a world (or, with another table, a sweep) named on the command
//! line: a file that exists wins; otherwise a name of a file built into the
//! binary (`classroom`, `classroom.ron` or `worlds/classroom.ron`); otherwise
//! an error that lists the built-in names.

use super::error::WorldError;
use std::path::{Component, Path, PathBuf};

/// Where a world or a sweep comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A file on disk, by the path as given.
    File(PathBuf),
    /// A file built into the binary: its shipped path (`worlds/classroom.ron`)
    /// and its text, byte for byte the shipped file.
    Builtin { path: String, text: &'static str },
}

impl Source {
    /// How messages and output files name it: the path as given, or
    /// `worlds/classroom.ron (built in)`.
    pub fn label(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Builtin { path, .. } => format!("{path} (built in)"),
        }
    }
}

/// The names of a table's files without `.ron` (`baseline`, `no_ban`, ...).
pub fn names(table: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    table.iter().map(|(file, _)| file.strip_suffix(".ron").unwrap_or(file)).collect()
}

/// The entry of `table` (files of the shipped folder `folder`) that `arg`
/// names: `NAME`, `NAME.ron` or `FOLDER/NAME.ron` (with or without a
/// leading `./`). Says nothing about files on disk.
pub fn builtin_named(
    arg: &Path,
    table: &[(&'static str, &'static str)],
    folder: &str,
) -> Option<(&'static str, &'static str)> {
    let parts: Vec<&str> = arg
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    let file = match parts.as_slice() {
        [file] => *file,
        [dir, file] if *dir == folder => *file,
        _ => return None,
    };
    let stem = file.strip_suffix(".ron").unwrap_or(file);
    table.iter().find(|(f, _)| f.strip_suffix(".ron") == Some(stem)).copied()
}

/// Find `arg` in the table of built-in files of `folder` (`worlds`,
/// `sweeps`): an existing file (not a folder) wins; then a built-in name;
/// then whatever exists (a folder, to be refused by the reader). `None`
/// when nothing matches: the caller says so with [`not_found`].
pub fn find(arg: &Path, table: &[(&'static str, &'static str)], folder: &str) -> Option<Source> {
    let on_disk = std::fs::metadata(arg).ok();
    if on_disk.as_ref().is_some_and(|m| !m.is_dir()) {
        return Some(Source::File(arg.to_path_buf()));
    }
    if let Some((file, text)) = builtin_named(arg, table, folder) {
        return Some(Source::Builtin { path: format!("{folder}/{file}"), text });
    }
    // A folder, or a broken link: the reader's message says which.
    (on_disk.is_some() || std::fs::symlink_metadata(arg).is_ok()).then(|| Source::File(arg.to_path_buf()))
}

/// The message for a name that is neither a file nor built in.
pub fn not_found(what: &str, table: &[(&'static str, &'static str)]) -> String {
    format!(
        "no such file, and no built-in {what} of that name (built in: {}; `chipban worlds` lists them, \
         `chipban export NAME` writes one out for editing)",
        names(table).join(", ")
    )
}

/// Find a world: a file, or a world built into the binary ([`find`]).
pub fn find_world(arg: &Path) -> Result<Source, WorldError> {
    find(arg, super::SHIPPED, "worlds").ok_or_else(|| WorldError::Io {
        path: arg.display().to_string(),
        message: not_found("world", super::SHIPPED),
    })
}

/// `a/b/../c` → `a/c`, without looking at the disk (a leading `..` stays).
pub fn lexical(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &[(&str, &str)] = &[("alpha.ron", "A"), ("beta_two.ron", "B")];

    #[test]
    fn names_accepted_for_a_builtin() {
        for arg in ["alpha", "alpha.ron", "./alpha", "worlds/alpha.ron", "./worlds/alpha"] {
            assert_eq!(builtin_named(Path::new(arg), T, "worlds"), Some(("alpha.ron", "A")), "{arg}");
        }
        for arg in ["gamma", "sweeps/alpha.ron", "/x/alpha.ron", "a/worlds/alpha.ron", "alpha.ron.ron", ""] {
            assert_eq!(builtin_named(Path::new(arg), T, "worlds"), None, "{arg}");
        }
    }

    #[test]
    fn an_existing_file_wins_and_a_folder_does_not() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("alpha");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(find(&file, T, "worlds"), Some(Source::File(file.clone())));
        let dir = tmp.path().join("beta_two");
        std::fs::create_dir(&dir).unwrap();
        assert_eq!(find(&dir, T, "worlds"), Some(Source::File(dir.clone())), "not a bare name: a folder");
        assert_eq!(
            find(Path::new("beta_two"), T, "worlds").unwrap().label(),
            "worlds/beta_two.ron (built in)"
        );
        assert_eq!(find(&tmp.path().join("gamma"), T, "worlds"), None);
        assert!(not_found("world", T).contains("built in: alpha, beta_two;"), "{}", not_found("world", T));
    }

    #[test]
    fn lexical_paths() {
        assert_eq!(lexical(Path::new("sweeps/../worlds/baseline.ron")), Path::new("worlds/baseline.ron"));
        assert_eq!(lexical(Path::new("./a/./b")), Path::new("a/b"));
        assert_eq!(lexical(Path::new("../x")), Path::new("../x"));
    }
}
