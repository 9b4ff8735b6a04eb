//! What every integration test needs to drive the real binary: its path,
//! the repository's files, temporary folders, running the CLI and
//! capturing its status, stdout and stderr, and reading a CSV.
//!
//! Each test crate uses a part of it (`mod common;`), hence the
//! `dead_code` allowance. Nothing here asserts on what a command writes.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The chipban binary under test.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_chipban"))
}

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the repository, by its relative path, as an argument.
pub fn repo_file(rel: &str) -> String {
    repo().join(rel).display().to_string()
}

/// A shipped world (`worlds/NAME`), as an argument.
pub fn world(name: &str) -> String {
    repo().join("worlds").join(name).display().to_string()
}

/// A test fixture (`tests/fixtures/NAME`), as an argument.
pub fn fixture(name: &str) -> String {
    repo().join("tests/fixtures").join(name).display().to_string()
}

/// A fresh temporary folder, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A path as a command-line argument.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// The binary with `args`, ready to run (backtraces on, so a panic shows).
pub fn command(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args).env("RUST_BACKTRACE", "1");
    c
}

/// Run the binary with `args` in the current folder.
pub fn chipban(args: &[&str]) -> Output {
    command(args).output().expect("the chipban binary starts")
}

/// Run the binary with `args` in `cwd`.
pub fn chipban_in(args: &[&str], cwd: &Path) -> Output {
    command(args).current_dir(cwd).output().expect("the chipban binary starts")
}

/// What a run of the binary left behind, as text.
pub struct Captured {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Run the binary with `args` and capture its exit code and output as text.
pub fn capture(args: &[&str]) -> Captured {
    let out = chipban(args);
    Captured {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Assert success; returns stdout.
pub fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Assert a user error (exit code 2, no panic); returns stderr.
pub fn user_error(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(2), "expected a user error (exit 2), got {:?}: {err}", o.status.code());
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    err
}

/// The records of a CSV file (header excluded).
pub fn rows(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path).unwrap().records().map(|r| r.unwrap()).collect()
}

/// The records of a CSV file as maps from column name to value.
pub fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.into(), v.into())).collect())
        .collect()
}

/// Every file under `dir` (relative path → bytes).
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// A path inside a temporary folder.
pub fn within(tmp: &tempfile::TempDir, name: &str) -> PathBuf {
    tmp.path().join(name)
}
