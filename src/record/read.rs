//! Reading an output folder back: what `chipban chart OUTDIR` (and `run`,
//! after writing) renders charts, the GIF and the report from. Reading the
//! files, not the in-memory record, makes a re-render byte-identical to the
//! original.

use crate::world::{self, World};
use serde::Deserialize;
use std::path::Path;

/// A run as its output folder holds it.
#[derive(Clone, Debug)]
pub struct RunData {
    pub world: World,
    pub months: Vec<MonthRec>,
    pub firms: Vec<FirmRec>,
    pub chips: Vec<ChipRec>,
    pub events: Vec<EventRec>,
    pub summary: serde_json::Value,
}

/// A row of months.csv.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct MonthRec {
    pub month: u32,
    pub date: String,
    pub hhi: f64,
    pub cr4: f64,
    pub independent_firms: u32,
    pub startups_alive: u32,
    pub entries: u32,
    pub exits: u32,
    pub acquisitions: u32,
    pub top4_compute_share: f64,
    pub compute_gini: f64,
    pub chip_price_index: f64,
    pub wage_index: f64,
    pub vc_funding_musd: f64,
    pub loans_outstanding_musd: f64,
    pub banned_chip_units: u64,
    pub total_revenue_musd: f64,
    pub consolidating: u8,
}

/// A row of firms.csv.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct FirmRec {
    pub month: u32,
    pub date: String,
    pub firm: String,
    pub tier: String,
    pub status: String,
    pub owner: String,
    pub cash_musd: f64,
    pub debt_musd: f64,
    pub compute_pflops: f64,
    pub chip_units: u64,
    pub researchers: u32,
    pub capability: f64,
    pub benchmark: f64,
    pub revenue_musd: f64,
    pub share: f64,
    pub valuation_musd: f64,
}

/// A row of chips.csv.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ChipRec {
    pub month: u32,
    pub date: String,
    pub chip: String,
    pub units_held: u64,
    pub pflops_held: f64,
    pub units_delivered: u64,
    pub price_musd: f64,
    pub banned: u8,
}

/// A row of events.csv.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct EventRec {
    pub month: u32,
    pub date: String,
    pub kind: String,
    pub actor: String,
    pub target: String,
    pub units: u64,
    pub amount_musd: f64,
    pub detail: String,
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

fn csv_rows<T: for<'de> Deserialize<'de>>(origin: &str, bytes: &[u8]) -> Result<Vec<T>, ReadError> {
    let err = |message: String| ReadError { path: origin.to_string(), message };
    let mut reader = csv::Reader::from_reader(bytes);
    reader.deserialize().collect::<Result<Vec<T>, _>>().map_err(|e| err(e.to_string()))
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
        let bytes = std::fs::read(&path)
            .map_err(|e| ReadError { path: path.display().to_string(), message: e.to_string() })?;
        files.push((name.to_string(), bytes));
    }
    RunData::from_files(dir, &files)
}
