//! Writing a run's record to an output folder: `world.ron`, `months.csv`,
//! `firms.csv`, `events.csv`, `summary.json`. The folder is built beside
//! its destination and renamed into place, so a reader never sees half a
//! run; an existing folder holding a different result is never replaced
//! without `force`.

use super::Record;
use super::rows::{ChipRec, EventRec, FirmRec, MonthRec, RunSummary, summary_json, to_csv};
use crate::world::to_ron;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The destination holds an earlier, different result.
    #[error(
        "{path} already holds a different run ({why}); choose another folder with --out, or pass --force to replace it"
    )]
    Exists { path: String, why: String },
    #[error("cannot write {path}: {message}")]
    Io { path: String, message: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |e| OutputError::Io { path: path.display().to_string(), message: e.to_string() }
}

/// FNV-1a, 64 bits: a stable hash of the resolved world's RON text.
pub fn stable_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Hash of a resolved world with its seed left out, so that runs of one
/// world with different seeds share it.
pub fn world_hash(world: &crate::world::World) -> String {
    let mut w = world.clone();
    w.seed = 0;
    stable_hash(&to_ron(&w))
}

/// `YYYY-MM` of every month of the run, by tick.
fn dates(r: &Record) -> Vec<String> {
    (0..r.months.len() as u32).map(|m| r.date(m)).collect()
}

/// `YYYY-MM` of a tick, from the table when it is there.
fn date_of(r: &Record, dates: &[String], month: u32) -> String {
    dates.get(month as usize).cloned().unwrap_or_else(|| r.date(month))
}

fn months_csv(r: &Record, dates: &[String]) -> Vec<u8> {
    to_csv(r.months.iter().map(|m| MonthRec::new(m, date_of(r, dates, m.month))))
}

fn firms_csv(r: &Record, dates: &[String]) -> Vec<u8> {
    to_csv(r.firms.iter().map(|f| FirmRec::new(f, date_of(r, dates, f.month), &r.firm_names)))
}

fn chips_csv(r: &Record, dates: &[String]) -> Vec<u8> {
    to_csv(r.chips.iter().map(|c| ChipRec::new(c, date_of(r, dates, c.month), &r.chip_names)))
}

fn events_csv(r: &Record, dates: &[String]) -> Vec<u8> {
    to_csv(r.events.iter().map(|e| EventRec::new(e, date_of(r, dates, e.month))))
}

/// Does `dir` already hold this same run (same world hash, seed, version)?
fn holds_same_run(dir: &Path, summary: &str) -> Result<(), String> {
    let Ok(old) = fs::read_to_string(dir.join("summary.json")) else {
        return Err("it is not a chipban output folder".into());
    };
    let key = |s: &str| -> Option<(String, String, String)> {
        let v: serde_json::Value = serde_json::from_str(s).ok()?;
        Some((v["world_hash"].to_string(), v["seed"].to_string(), format!("{} {}", v["version"], v["build"])))
    };
    match (key(&old), key(summary)) {
        (Some(a), Some(b)) if a == b => Ok(()),
        (Some(a), Some(b)) if a.1 != b.1 => Err(format!("seed {} instead of {}", a.1, b.1)),
        (Some(a), Some(b)) if a.0 != b.0 => Err("another world".into()),
        (Some(_), Some(_)) => Err("another chipban version or build".into()),
        _ => Err("its summary.json is unreadable".into()),
    }
}

/// A file of an output folder: its path inside the folder and its bytes.
pub type OutFile = (String, Vec<u8>);

/// The data files of a run (world.ron, the CSVs, summary.json), in memory.
pub fn data_files(r: &Record) -> Vec<OutFile> {
    let hash = world_hash(&r.world);
    let dates = dates(r);
    let mut world = r.world.clone();
    world.seed = r.seed;
    vec![
        ("world.ron".into(), to_ron(&world).into_bytes()),
        ("months.csv".into(), months_csv(r, &dates)),
        ("firms.csv".into(), firms_csv(r, &dates)),
        ("chips.csv".into(), chips_csv(r, &dates)),
        ("events.csv".into(), events_csv(r, &dates)),
        ("summary.json".into(), summary_json(&RunSummary::new(r, &hash)).into_bytes()),
    ]
}

/// Write a run's files (data, and charts if any) into `dir` atomically,
/// refusing to replace a folder that holds a different run unless `force`.
pub fn write_run(dir: &Path, files: &[OutFile], force: bool) -> Result<(), OutputError> {
    let summary = files
        .iter()
        .find(|(n, _)| n == "summary.json")
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .unwrap_or_default();
    if dir.exists()
        && !force
        && let Err(why) = holds_same_run(dir, &summary)
    {
        return Err(OutputError::Exists { path: dir.display().to_string(), why });
    }
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    write_folder(dir, &refs)
}

/// Write the data files of a run into `dir`, atomically.
pub fn write_outputs(r: &Record, dir: &Path, force: bool) -> Result<(), OutputError> {
    write_run(dir, &data_files(r), force)
}

/// Write one file atomically: a temporary file beside it, then a rename.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    fs::rename(&tmp, path).map_err(io(path))
}

/// Build the folder under a temporary name beside `dir`, then swap it in.
pub fn write_folder(dir: &Path, files: &[(&str, &[u8])]) -> Result<(), OutputError> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io(parent))?;
    let name = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
    let tmp: PathBuf = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    fs::create_dir_all(&tmp).map_err(io(&tmp))?;
    for (file, text) in files {
        let path = tmp.join(file);
        if let Some(sub) = path.parent() {
            fs::create_dir_all(sub).map_err(io(sub))?;
        }
        let mut f = fs::File::create(&path).map_err(io(&path))?;
        f.write_all(text).map_err(io(&path))?;
        f.sync_all().map_err(io(&path))?;
    }
    if dir.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        fs::rename(dir, &old).map_err(io(dir))?;
        fs::rename(&tmp, dir).map_err(io(dir))?;
        fs::remove_dir_all(&old).map_err(io(&old))?;
    } else {
        fs::rename(&tmp, dir).map_err(io(dir))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv_is_stable() {
        // FNV-1a 64 of "a" is af63dc4c8601ec8c
        assert_eq!(super::stable_hash("a"), "af63dc4c8601ec8c");
    }
}
