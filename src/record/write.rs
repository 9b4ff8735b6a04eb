//! Writing a run's record to an output folder: `world.ron`, `months.csv`,
//! `firms.csv`, `events.csv`, `summary.json`. The folder is built beside
//! its destination and renamed into place, so a reader never sees half a
//! run; an existing folder holding a different result is never replaced
//! without `force`.

use super::Record;
use super::rows::{ChipRec, EventRec, FirmRec, MonthRec, RunSummary, summary_json, to_csv};
use crate::outdir::{OutFile, OutputError, claim, write_folder};
use crate::world::to_ron;
use std::fs;
use std::path::Path;

/// Hash of a resolved world with its seed left out, so that runs of one
/// world with different seeds share it.
pub fn world_hash(world: &crate::world::World) -> String {
    let mut w = world.clone();
    w.seed = 0;
    format!("{:016x}", crate::world::fnv1a_64(to_ron(&w).as_bytes()))
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

/// The refusal of [`write_run`] and `chipban run` for an occupied folder
/// that holds no run (no `summary.json`).
pub fn is_run_folder(dir: &Path) -> Result<(), OutputError> {
    if dir.join("summary.json").exists() {
        Ok(())
    } else {
        Err(OutputError::Foreign { path: dir.to_path_buf(), kind: "output" })
    }
}

/// Does `dir` already hold this same run (same world hash, seed, version)?
fn holds_same_run(dir: &Path, summary: &str) -> Result<(), OutputError> {
    let different = |why: &str| OutputError::DifferentRun { path: dir.to_path_buf(), why: why.to_string() };
    let Ok(old) = fs::read_to_string(dir.join("summary.json")) else {
        return Err(different("it is not a chipban output folder"));
    };
    let key = |s: &str| -> Option<(String, String, String)> {
        let v: serde_json::Value = serde_json::from_str(s).ok()?;
        Some((v["world_hash"].to_string(), v["seed"].to_string(), format!("{} {}", v["version"], v["build"])))
    };
    match (key(&old), key(summary)) {
        (Some(a), Some(b)) if a == b => Ok(()),
        (Some(a), Some(b)) if a.1 != b.1 => Err(different(&format!("seed {} instead of {}", a.1, b.1))),
        (Some(a), Some(b)) if a.0 != b.0 => Err(different("another world")),
        (Some(_), Some(_)) => Err(different("another chipban version or build")),
        _ => Err(different("its summary.json is unreadable")),
    }
}

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
/// refusing to replace a folder that holds a different run unless `force`
/// (the overwrite policy of [`crate::outdir::claim`]).
pub fn write_run(dir: &Path, files: &[OutFile], force: bool) -> Result<(), OutputError> {
    let summary = files
        .iter()
        .find(|(n, _)| n == "summary.json")
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .unwrap_or_default();
    claim(dir, force, |d| holds_same_run(d, &summary))?;
    write_folder(dir, files)
}

/// Write the data files of a run into `dir`, atomically.
pub fn write_outputs(r: &Record, dir: &Path, force: bool) -> Result<(), OutputError> {
    write_run(dir, &data_files(r), force)
}

#[cfg(test)]
mod tests {
    #[test]
    fn world_hash_leaves_out_the_seed() {
        let mut w = crate::baseline();
        let a = super::world_hash(&w);
        w.seed += 1;
        assert_eq!(super::world_hash(&w), a);
    }
}
