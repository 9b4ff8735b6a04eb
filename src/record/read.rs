//! Reading an output folder back: what `chipban chart OUTDIR` (and `run`,
//! after writing) renders charts, the GIF and the report from. Reading the
//! files, not the in-memory record, makes a re-render byte-identical to the
//! original.

use super::rows::{ChipRec, EventRec, FirmRec, MonthRec, RunSummary, from_csv};
use crate::world::{self, World};
use serde::de::DeserializeOwned;
use std::path::Path;

/// A run as its output folder holds it.
#[derive(Clone, Debug)]
pub struct RunData {
    pub world: World,
    pub months: Vec<MonthRec>,
    pub firms: Vec<FirmRec>,
    pub chips: Vec<ChipRec>,
    pub events: Vec<EventRec>,
    pub summary: RunSummary,
}

/// Why an output folder could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ReadError {
    pub path: String,
    pub message: String,
}

/// The data files a run writes, in the order they are read.
pub const DATA_FILES: [&str; 6] =
    ["world.ron", "months.csv", "firms.csv", "chips.csv", "events.csv", "summary.json"];

fn csv_rows<T: DeserializeOwned>(origin: &str, bytes: &[u8]) -> Result<Vec<T>, ReadError> {
    from_csv(bytes).map_err(|e| ReadError { path: origin.to_string(), message: e.to_string() })
}

impl RunData {
    /// Parse a run from its data files held in memory (`(name, bytes)`);
    /// `dir` only names them in errors.
    pub fn from_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<RunData, ReadError> {
        let get = |name: &str| -> Result<(&[u8], String), ReadError> {
            let origin = dir.join(name).display().to_string();
            files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| (b.as_slice(), origin.clone()))
                .ok_or(ReadError { path: origin, message: "missing".into() })
        };
        let (text, origin) = get("world.ron")?;
        let world = world::load_str(&String::from_utf8_lossy(text), &origin)
            .map_err(|e| ReadError { path: origin.clone(), message: e.to_string() })?;
        let (text, origin) = get("summary.json")?;
        let summary =
            serde_json::from_slice(text).map_err(|e| ReadError { path: origin, message: e.to_string() })?;
        let rows = |name: &str| get(name);
        let (m, mo) = rows("months.csv")?;
        let (f, fo) = rows("firms.csv")?;
        let (c, co) = rows("chips.csv")?;
        let (e, eo) = rows("events.csv")?;
        Ok(RunData {
            world,
            months: csv_rows(&mo, m)?,
            firms: csv_rows(&fo, f)?,
            chips: csv_rows(&co, c)?,
            events: csv_rows(&eo, e)?,
            summary,
        })
    }
}

/// Read every data file of a run's output folder.
pub fn read_output(dir: &Path) -> Result<RunData, ReadError> {
    if !dir.join("summary.json").is_file() {
        return Err(ReadError {
            path: dir.display().to_string(),
            message: "not a chipban output folder (no summary.json); give the folder `chipban run` wrote"
                .into(),
        });
    }
    let mut files = Vec::new();
    for name in DATA_FILES {
        let path = dir.join(name);
        // A folder written with `--format parquet` has a table's Parquet copy instead of its CSV.
        let bytes = match super::parquet::csv_from_copy(&path) {
            Some(made) => made?,
            None => crate::safe_read::data_file(&path)
                .map_err(|message| ReadError { path: path.display().to_string(), message })?,
        };
        files.push((name.to_string(), bytes));
    }
    RunData::from_files(dir, &files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{RunSummary, data_files, world_hash};

    /// What a run's files read back as is what the run held: the same
    /// payloads (numbers at their printed precision) and the same summary.
    #[test]
    fn the_files_read_back_as_the_record_holds_it() {
        let mut w = crate::baseline();
        w.months = 30;
        let r = crate::run(w, 7);
        let data = RunData::from_files(Path::new("mem"), &data_files(&r)).expect("the run's own files parse");
        assert_eq!(data.events.len(), r.events.len());
        for (back, e) in data.events.iter().zip(&r.events) {
            assert_eq!(back.payload, e.payload);
            assert_eq!(
                (back.month, &*back.actor, &*back.target, back.units),
                (e.month, &*e.actor, &*e.target, e.units)
            );
        }
        assert_eq!(data.summary, RunSummary::new(&r.head(), &world_hash(&r.world)));
        assert_eq!(data.months.len(), r.months.len());
        assert_eq!(data.firms.len(), r.firms.len());
        assert_eq!(data.chips.len(), r.chips.len());
    }
}
