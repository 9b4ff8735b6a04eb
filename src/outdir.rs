//! The one writer of output folders, with the one overwrite policy, and the
//! provenance every `summary.json` carries.
//!
//! Policy ([`claim`]): a destination that is absent or an empty folder is
//! free; a file is never replaced; an occupied folder is replaced only with
//! `--force`, unless the command recognises it as its own (a run folder that
//! holds the identical run, a sweep being resumed) — the command passes that
//! test in, and says what to do otherwise.
//!
//! Writing is atomic: a whole folder is built under a temporary name beside
//! its destination and renamed into place ([`write_folder`], or
//! [`stage`] for a folder whose files are streamed into it); a file is a
//! `tempfile` persisted over its destination ([`write_file_atomic`]); a
//! folder that lives on (a sweep folder, a run folder being re-charted) is
//! updated file by file and subfolder by subfolder ([`update_folder`]), so a
//! reader never sees half a file or half a chart set.
//!
//! One writer at a time ([`lock`]): every command that writes an output
//! folder first takes an advisory lock on `<folder>.lock`, a file beside
//! the folder (the folder itself is swapped atomically, so it cannot hold
//! the lock), and keeps it for the whole run, sweep, merge, compare or
//! chart. The lock file names its holder (PID and command line); a second
//! writer fails at once with [`OutputError::Locked`]. The lock file is
//! removed when the writer is done (also on errors and panics), and a
//! writer that holds the lock removes what a killed writer left beside the
//! folder (`.<name>.tmp-*`, `.<name>.old-*`).
//!
//! This module knows nothing of what the files hold; it must not format
//! data or decide names of files.

use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// A file of an output folder: its path inside the folder and its bytes.
pub type OutFile = (String, Vec<u8>);

/// Who wrote an output: the same three keys in the `summary.json` of a run,
/// a study and a comparison (a typed summary embeds it with
/// `#[serde(flatten)]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Always `"chipban"`.
    pub program: String,
    /// The crate version (`CARGO_PKG_VERSION`).
    pub version: String,
    /// The git commit built from (`"unknown"` outside a checkout).
    pub build: String,
}

impl Provenance {
    /// This program, as built.
    pub fn current() -> Self {
        Provenance { program: "chipban".into(), version: crate::VERSION.into(), build: crate::BUILD.into() }
    }

    /// Add the provenance keys to a JSON object (its keys stay sorted).
    pub fn stamp(&self, summary: &mut serde_json::Value) {
        let serde_json::Value::Object(map) = summary else {
            panic!("a summary.json is a JSON object");
        };
        let serde_json::Value::Object(keys) = serde_json::to_value(self).expect("three strings") else {
            unreachable!("a struct serialises to an object");
        };
        map.extend(keys);
    }
}

/// Why an output folder could not be written. Every variant is the user's
/// to fix (exit code 2) and says how.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The destination holds an earlier, different run.
    #[error(
        "{} already holds a different run ({why}); choose another folder with --out, or pass --force to replace it",
        path.display()
    )]
    DifferentRun { path: PathBuf, why: String },
    /// The destination is an occupied folder that the command does not recognise as its own.
    #[error(
        "{} already exists and is not a chipban {kind} folder; choose another folder with --out, or pass --force to replace it",
        path.display()
    )]
    Foreign { path: PathBuf, kind: &'static str },
    /// The destination is an occupied folder.
    #[error("{} already exists; choose another folder with --out, or pass --force to replace it", path.display())]
    Exists { path: PathBuf },
    /// The destination is a file.
    #[error("{} is a file, not a folder: choose another --out", path.display())]
    IsFile { path: PathBuf },
    /// Something other than a regular file sits where the lock file goes.
    #[error(
        "{} is not a regular file (a folder, a FIFO or a device?); it is where the lock of {} goes: remove it",
        lock.display(),
        path.display()
    )]
    LockNotAFile { path: PathBuf, lock: PathBuf },
    #[error("cannot write {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// Another process is writing the same output folder.
    #[error(
        "{} is being written by another chipban process ({holder}); wait until it is done, or if that process no longer runs, remove {}",
        path.display(),
        lock.display()
    )]
    Locked { path: PathBuf, lock: PathBuf, holder: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.to_path_buf(), source }
}

/// What a command may do with its destination, as [`claim`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Nothing there (or an empty folder).
    Fresh,
    /// An occupied folder the command recognised as its own.
    Own,
    /// An occupied folder to replace (`--force`).
    Replace,
}

/// Is there anything at `dir`: nothing, an empty folder, a file, a folder with files?
fn occupied(dir: &Path) -> bool {
    dir.is_dir() && fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true)
}

/// The overwrite policy of every command (see the module doc). `own` is
/// asked only about an occupied folder without `--force`: it accepts the
/// folder as the command's own, or returns the command's refusal.
pub fn claim<E: From<OutputError>>(
    dir: &Path,
    force: bool,
    own: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<Claim, E> {
    if dir.exists() && !dir.is_dir() {
        return Err(OutputError::IsFile { path: dir.to_path_buf() }.into());
    }
    if !occupied(dir) {
        return Ok(Claim::Fresh);
    }
    if force {
        return Ok(Claim::Replace);
    }
    own(dir)?;
    Ok(Claim::Own)
}

/// Remove a folder to start it anew (after [`Claim::Replace`] of a folder
/// that is filled bit by bit, like a sweep's).
pub fn clear(dir: &Path) -> Result<(), OutputError> {
    fs::remove_dir_all(dir).map_err(io(dir))
}

fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

fn name_of(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into())
}

/// The advisory lock of one output folder, held until dropped (see the
/// module doc). Dropping it removes the lock file.
#[derive(Debug)]
pub struct OutLock {
    file: fs::File,
    path: PathBuf,
}

impl Drop for OutLock {
    fn drop(&mut self) {
        // Remove the file while still holding the lock: a writer waiting on
        // the old file sees it gone (see `lock`) and starts afresh.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// The lock file of the output folder `dir`: `<dir>.lock` beside it.
pub fn lock_path(dir: &Path) -> PathBuf {
    parent_of(dir).join(format!("{}.lock", name_of(dir)))
}

/// Take the lock of the output folder `dir` for this process, or fail at
/// once naming the process that holds it. Then remove what a killed writer
/// of `dir` left beside it.
pub fn lock(dir: &Path) -> Result<OutLock, OutputError> {
    use std::os::unix::fs::MetadataExt;
    let parent = parent_of(dir);
    fs::create_dir_all(parent).map_err(io(parent))?;
    let path = lock_path(dir);
    // never open a FIFO or a device as the lock (reading its holder could block)
    if fs::symlink_metadata(&path).is_ok_and(|m| !m.file_type().is_file()) {
        return Err(OutputError::LockNotAFile { path: dir.to_path_buf(), lock: path });
    }
    for _ in 0..100 {
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "a process that is starting".to_string()
                } else {
                    holder.to_string()
                };
                return Err(OutputError::Locked { path: dir.to_path_buf(), lock: path, holder });
            }
            Err(fs::TryLockError::Error(source)) => return Err(OutputError::Io { path, source }),
        }
        // The holder before us may have removed the file after we opened
        // it: then our lock is on a file nobody else sees; start again.
        let same = match (file.metadata(), fs::metadata(&path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        };
        if !same {
            continue;
        }
        let command: Vec<String> = std::env::args().collect();
        let holder = format!("pid {}: {}", std::process::id(), command.join(" "));
        file.set_len(0).map_err(io(&path))?;
        file.write_all(holder.as_bytes()).map_err(io(&path))?;
        let held = OutLock { file, path };
        clean_leftovers(dir);
        return Ok(held);
    }
    Err(OutputError::Io { path, source: std::io::Error::other("the lock file keeps being replaced") })
}

/// Remove the temporary folders and files a killed writer of `dir` left
/// beside it (`.<name>.tmp-*`, `.<name>.old-*`). Call only with the lock held.
fn clean_leftovers(dir: &Path) {
    let name = name_of(dir);
    let prefixes = [format!(".{name}.tmp-"), format!(".{name}.old-")];
    remove_matching(parent_of(dir), &prefixes);
}

/// Remove the temporary files and folders a killed writer left inside a
/// folder that lives on (a sweep folder being resumed): every entry named
/// `.<something>.tmp-*` or `.<something>.old-*`. Call only with the lock held.
pub fn clean_inside(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if n.starts_with('.') && (n.contains(".tmp-") || n.contains(".old-")) {
            remove_entry(&e.path());
        }
    }
}

fn remove_matching(dir: &Path, prefixes: &[String]) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().to_string();
        if prefixes.iter().any(|p| n.starts_with(p.as_str())) {
            remove_entry(&e.path());
        }
    }
}

fn remove_entry(p: &Path) {
    if p.is_dir() && !p.is_symlink() {
        let _ = fs::remove_dir_all(p);
    } else {
        let _ = fs::remove_file(p);
    }
}

/// Write one file atomically: a temporary file beside it, synced, then
/// persisted over `path`. The file gets the usual permissions (0666 less
/// the umask), not tempfile's private 0600.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let parent = parent_of(path);
    let mut f = tempfile::Builder::new()
        .prefix(&format!(".{}.tmp-", name_of(path)))
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(parent)
        .map_err(io(parent))?;
    f.write_all(bytes).map_err(io(f.path()))?;
    f.as_file().sync_all().map_err(io(path))?;
    f.persist(path).map_err(|e| OutputError::Io { path: path.to_path_buf(), source: e.error })?;
    Ok(())
}

/// Build the folder `dir` with `files` under a temporary name beside it,
/// then swap it in (replacing what was there). Callers decide with
/// [`claim`] first whether replacing is allowed.
pub fn write_folder(dir: &Path, files: &[OutFile]) -> Result<(), OutputError> {
    let staging = stage(dir)?;
    staging.write(files)?;
    staging.commit()
}

/// A folder being built under a temporary name beside its destination
/// (`.<name>.tmp-*`), for files written bit by bit (a run's streamed CSV
/// files): write into [`Staging::path`] or with [`Staging::write`], then
/// [`Staging::commit`] swaps it into place. Dropped without a commit (an
/// error, a panic), it is removed.
#[derive(Debug)]
pub struct Staging {
    tmp: tempfile::TempDir,
    dir: PathBuf,
}

/// Start building the folder `dir` (see [`Staging`]). Callers decide with
/// [`claim`] whether replacing what is at `dir` is allowed before they commit.
pub fn stage(dir: &Path) -> Result<Staging, OutputError> {
    let parent = parent_of(dir);
    fs::create_dir_all(parent).map_err(io(parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.tmp-", name_of(dir)))
        .permissions(fs::Permissions::from_mode(0o777))
        .tempdir_in(parent)
        .map_err(io(parent))?;
    Ok(Staging { tmp, dir: dir.to_path_buf() })
}

impl Staging {
    /// The temporary folder: files written here end up in the destination.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Write files (paths inside the folder, subfolders created), each synced.
    pub fn write(&self, files: &[OutFile]) -> Result<(), OutputError> {
        for (file, bytes) in files {
            let path = self.tmp.path().join(file);
            if let Some(sub) = path.parent() {
                fs::create_dir_all(sub).map_err(io(sub))?;
            }
            let mut f = fs::File::create(&path).map_err(io(&path))?;
            f.write_all(bytes).map_err(io(&path))?;
            f.sync_all().map_err(io(&path))?;
        }
        Ok(())
    }

    /// Swap the folder into place, replacing what was at the destination.
    pub fn commit(self) -> Result<(), OutputError> {
        let Staging { tmp, dir } = self;
        let dir = dir.as_path();
        let parent = parent_of(dir);
        let name = name_of(dir);
        let tmp = tmp.keep();
        let swapped = if dir.exists() {
            let old = parent.join(format!(".{name}.old-{}", std::process::id()));
            let swapped = fs::rename(dir, &old).and_then(|()| fs::rename(&tmp, dir)).map_err(io(dir));
            if swapped.is_err() && old.exists() && !dir.exists() {
                // Put the old folder back rather than leave nothing in its place.
                let _ = fs::rename(&old, dir);
            }
            swapped.and_then(|()| fs::remove_dir_all(&old).map_err(io(&old)))
        } else {
            fs::rename(&tmp, dir).map_err(io(dir))
        };
        if swapped.is_err() && tmp.exists() {
            let _ = fs::remove_dir_all(&tmp);
        }
        swapped
    }
}

/// Update a folder that lives on: each subfolder named by the files
/// (`charts/…`) is replaced as a whole with [`write_folder`], each top-level
/// file with [`write_file_atomic`]; other files of the folder stay.
pub fn update_folder(dir: &Path, files: &[OutFile]) -> Result<(), OutputError> {
    let mut subfolders: Vec<(&str, Vec<OutFile>)> = Vec::new();
    for (name, bytes) in files {
        if let Some((sub, rest)) = name.split_once('/') {
            let i = match subfolders.iter().position(|(s, _)| *s == sub) {
                Some(i) => i,
                None => {
                    subfolders.push((sub, Vec::new()));
                    subfolders.len() - 1
                }
            };
            subfolders[i].1.push((rest.to_string(), bytes.clone()));
        }
    }
    for (sub, sub_files) in &subfolders {
        write_folder(&dir.join(sub), sub_files)?;
    }
    for (name, bytes) in files.iter().filter(|(n, _)| !n.contains('/')) {
        write_file_atomic(&dir.join(name), bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> Vec<OutFile> {
        names.iter().map(|n| (n.to_string(), n.as_bytes().to_vec())).collect()
    }

    #[test]
    fn a_folder_is_written_whole_and_replaced_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        write_folder(&dir, &files(&["a.csv", "charts/x.png"])).unwrap();
        assert_eq!(fs::read(dir.join("charts/x.png")).unwrap(), b"charts/x.png");
        write_folder(&dir, &files(&["b.csv"])).unwrap();
        assert!(!dir.join("a.csv").exists() && dir.join("b.csv").exists());
        // nothing is left beside it
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out")]);
    }

    #[test]
    fn a_staged_folder_appears_on_commit_and_vanishes_when_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        write_folder(&dir, &files(&["old.csv"])).unwrap();
        let staging = stage(&dir).unwrap();
        fs::write(staging.path().join("streamed.csv"), "rows").unwrap();
        staging.write(&files(&["charts/x.png"])).unwrap();
        assert!(dir.join("old.csv").exists(), "the destination is untouched until the commit");
        staging.commit().unwrap();
        assert_eq!(fs::read(dir.join("streamed.csv")).unwrap(), b"rows");
        assert!(dir.join("charts/x.png").exists() && !dir.join("old.csv").exists());
        // an abandoned staging folder is removed, the destination kept
        let staging = stage(&dir).unwrap();
        fs::write(staging.path().join("half.csv"), "half").unwrap();
        drop(staging);
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out")]);
        assert!(dir.join("streamed.csv").exists());
    }

    #[test]
    fn update_keeps_other_files_and_swaps_subfolders() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        write_folder(&dir, &files(&["keep.csv", "charts/old.png"])).unwrap();
        update_folder(&dir, &files(&["report.html", "charts/new.png"])).unwrap();
        assert!(dir.join("keep.csv").exists() && dir.join("report.html").exists());
        assert!(dir.join("charts/new.png").exists() && !dir.join("charts/old.png").exists());
        let mode = fs::metadata(dir.join("report.html")).unwrap().permissions().mode();
        assert_ne!(mode & 0o044, 0, "readable by others as with File::create: {mode:o}");
    }

    #[test]
    fn the_policy() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let refuse = |d: &Path| Err::<(), _>(OutputError::Exists { path: d.to_path_buf() });
        assert_eq!(claim(&dir, false, refuse).unwrap(), Claim::Fresh);
        fs::create_dir(&dir).unwrap();
        assert_eq!(claim(&dir, false, refuse).unwrap(), Claim::Fresh, "an empty folder is free");
        fs::write(dir.join("x"), "x").unwrap();
        assert!(claim(&dir, false, refuse).unwrap_err().to_string().contains("--force"));
        assert_eq!(claim(&dir, true, refuse).unwrap(), Claim::Replace);
        assert_eq!(claim(&dir, false, |_| Ok::<(), OutputError>(())).unwrap(), Claim::Own);
        let file = dir.join("x");
        assert!(matches!(claim(&file, true, refuse), Err(OutputError::IsFile { .. })));
    }

    #[test]
    fn provenance_keys() {
        let mut v = serde_json::json!({"world": "w"});
        Provenance::current().stamp(&mut v);
        assert_eq!(v["program"], "chipban");
        assert_eq!(v["version"], crate::VERSION);
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["build", "program", "version", "world"]);
        let back: Provenance = serde_json::from_value(v).unwrap();
        assert_eq!(back, Provenance::current());
    }
}
