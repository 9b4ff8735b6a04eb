//! Writing a run's record to an output folder: `world.ron`, `months.csv`,
//! `firms.csv`, `events.csv`, `summary.json`. The folder is built beside
//! its destination and renamed into place, so a reader never sees half a
//! run; an existing folder holding a different result is never replaced
//! without `force`.

use super::fastcsv::{self, Field};
use super::rows::{ChipRec, EventRec, FirmRec, MonthRec, RunSummary, summary_json};
use super::{Record, RunHead};
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

/// `months.csv` of a run (one row per month, written after the run: the
/// consolidation phase needs the whole path).
fn months_csv(h: &RunHead) -> Vec<u8> {
    let mut buf = fastcsv::header::<MonthRec>();
    for m in &h.months {
        fastcsv::month_row(&mut buf, m, &fastcsv::month_prefix(m.month, &h.date(m.month)));
    }
    buf
}

/// `firms.csv`, `chips.csv` and `events.csv` of a run held in memory: the
/// bytes `CsvSink` streams.
fn panel_files(r: &Record) -> [OutFile; 3] {
    let firm_names: Vec<Field> = r.firm_names.iter().map(|n| Field::new(n)).collect();
    let chip_names: Vec<Field> = r.chip_names.iter().map(|n| Field::new(n)).collect();
    let prefixes: Vec<Vec<u8>> =
        (0..r.months.len() as u32).map(|m| fastcsv::month_prefix(m, &r.date(m))).collect();
    let prefix = |m: u32| -> std::borrow::Cow<'_, [u8]> {
        match prefixes.get(m as usize) {
            Some(p) => p.into(),
            None => fastcsv::month_prefix(m, &r.date(m)).into(),
        }
    };
    // about the bytes of a row, so that the buffers are not copied as they grow
    let mut firms = fastcsv::header::<FirmRec>();
    firms.reserve(r.firms.len() * 130);
    for f in &r.firms {
        fastcsv::firm_row(&mut firms, f, &prefix(f.month), &firm_names);
    }
    let mut chips = fastcsv::header::<ChipRec>();
    for c in &r.chips {
        fastcsv::chip_row(&mut chips, c, &prefix(c.month), &chip_names);
    }
    let mut events = fastcsv::header::<EventRec>();
    events.reserve(r.events.len() * 64);
    let mut detail = String::new();
    for e in &r.events {
        fastcsv::event_row(&mut events, e, &prefix(e.month), &mut detail);
    }
    [("firms.csv".into(), firms), ("chips.csv".into(), chips), ("events.csv".into(), events)]
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
/// `summary`: the new run's `summary.json`.
pub fn holds_same_run(dir: &Path, summary: &str) -> Result<(), OutputError> {
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

/// The data files of a run that are written after it (`world.ron` with
/// its seed, `months.csv`, `summary.json`): with the streamed files of a
/// `CsvSink`, the run's data files.
pub fn head_files(h: &RunHead) -> Vec<OutFile> {
    let hash = world_hash(&h.world);
    let mut world = h.world.clone();
    world.seed = h.seed;
    vec![
        ("world.ron".into(), to_ron(&world).into_bytes()),
        ("months.csv".into(), months_csv(h)),
        ("summary.json".into(), summary_json(&RunSummary::new(h, &hash)).into_bytes()),
    ]
}

/// The data files of a run (world.ron, the CSVs, summary.json), in memory.
pub fn data_files(r: &Record) -> Vec<OutFile> {
    let [world, months, summary]: [OutFile; 3] =
        head_files(&r.head()).try_into().expect("three files after the run");
    let [firms, chips, events] = panel_files(r);
    vec![world, months, firms, chips, events, summary]
}

/// The text of `summary.json` among a run's files (empty if it is not there).
pub fn summary_text(files: &[OutFile]) -> String {
    files
        .iter()
        .find(|(n, _)| n == "summary.json")
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .unwrap_or_default()
}

/// Write a run's files (data, and charts if any) into `dir` atomically,
/// refusing to replace a folder that holds a different run unless `force`
/// (the overwrite policy of [`crate::outdir::claim`]).
pub fn write_run(dir: &Path, files: &[OutFile], force: bool) -> Result<(), OutputError> {
    let summary = summary_text(files);
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
