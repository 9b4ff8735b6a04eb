//! Writing a run's record to an output folder: `world.ron`, `months.csv`,
//! `firms.csv`, `events.csv`, `summary.json`. The folder is built beside
//! its destination and renamed into place, so a reader never sees half a
//! run; an existing folder holding a different result is never replaced
//! without `force`.

use super::{MonthRow, Record};
use crate::world::to_ron;
use std::fmt::Write as _;
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

/// The columns of months.csv, in order.
pub const MONTH_COLUMNS: &str = "month,date,hhi,cr4,independent_firms,startups_alive,entries,exits,acquisitions,top4_compute_share,compute_gini,chip_price_index,wage_index,vc_funding_musd,loans_outstanding_musd,banned_chip_units,total_revenue_musd,consolidating";

fn month_csv(r: &Record) -> String {
    let mut s = String::with_capacity(r.months.len() * 160);
    s.push_str(MONTH_COLUMNS);
    s.push('\n');
    for m in &r.months {
        let MonthRow {
            month,
            hhi,
            cr4,
            independent_firms,
            startups_alive,
            entries,
            exits,
            acquisitions,
            top4_compute_share,
            compute_gini,
            chip_price_index,
            wage_index,
            vc_funding_musd,
            loans_outstanding_musd,
            banned_chip_units,
            total_revenue_musd,
            consolidating,
        } = m;
        let _ = writeln!(
            s,
            "{month},{},{hhi:.2},{cr4:.6},{independent_firms},{startups_alive},{entries},{exits},{acquisitions},{top4_compute_share:.6},{compute_gini:.6},{chip_price_index:.6},{wage_index:.6},{vc_funding_musd:.4},{loans_outstanding_musd:.4},{banned_chip_units},{total_revenue_musd:.4},{}",
            r.date(*month),
            *consolidating as u8
        );
    }
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn firms_csv(r: &Record) -> String {
    let mut s = String::with_capacity(r.firms.len() * 140);
    s.push_str("month,date,firm,tier,status,owner,cash_musd,debt_musd,compute_pflops,chip_units,researchers,capability,benchmark,revenue_musd,share,valuation_musd\n");
    let names: Vec<String> = r.firm_names.iter().map(|n| csv_field(n)).collect();
    let dates: Vec<String> = (0..r.months.len() as u32).map(|m| r.date(m)).collect();
    for f in &r.firms {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{:.4},{:.4},{:.4},{},{},{:.4},{:.4},{:.4},{:.6},{:.4}",
            f.month,
            dates[f.month as usize],
            names[f.firm as usize],
            f.tier,
            f.status,
            names[f.owner as usize],
            f.cash_musd,
            f.debt_musd,
            f.compute_pflops,
            f.chip_units,
            f.researchers,
            f.capability,
            f.benchmark,
            f.revenue_musd,
            f.share,
            f.valuation_musd
        );
    }
    s
}

fn chips_csv(r: &Record) -> String {
    let mut s = String::with_capacity(r.chips.len() * 60);
    s.push_str("month,date,chip,units_held,pflops_held,units_delivered,price_musd,banned\n");
    let names: Vec<String> = r.chip_names.iter().map(|n| csv_field(n)).collect();
    for c in &r.chips {
        let _ = writeln!(
            s,
            "{},{},{},{},{:.4},{},{:.6},{}",
            c.month,
            r.date(c.month),
            names[c.chip as usize],
            c.units_held,
            c.pflops_held,
            c.units_delivered,
            c.price_musd,
            c.banned as u8
        );
    }
    s
}

fn events_csv(r: &Record) -> String {
    let mut s = String::with_capacity(r.events.len() * 80);
    s.push_str("month,date,kind,actor,target,units,amount_musd,detail\n");
    for e in &r.events {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{:.4},{}",
            e.month,
            r.date(e.month),
            e.kind.as_str(),
            csv_field(&e.actor),
            csv_field(&e.target),
            e.units,
            e.amount_musd,
            csv_field(&e.detail)
        );
    }
    s
}

/// `summary.json`: provenance, final metrics, the consolidation phase and
/// event counts. Keys are sorted; no timestamps.
pub fn summary_json(r: &Record, world_hash: &str) -> String {
    use serde_json::{Map, Value, json};
    let last = r.months.last().cloned().unwrap_or_default();
    let finals = json!({
        "hhi": round(last.hhi, 2),
        "cr4": round(last.cr4, 6),
        "independent_firms": last.independent_firms,
        "startups_alive": last.startups_alive,
        "entries": last.entries,
        "exits": last.exits,
        "acquisitions": last.acquisitions,
        "top4_compute_share": round(last.top4_compute_share, 6),
        "compute_gini": round(last.compute_gini, 6),
        "chip_price_index": round(last.chip_price_index, 6),
        "wage_index": round(last.wage_index, 6),
        "vc_funding_musd": round(last.vc_funding_musd, 4),
        "loans_outstanding_musd": round(last.loans_outstanding_musd, 4),
        "banned_chip_units": last.banned_chip_units,
        "total_revenue_musd": round(last.total_revenue_musd, 4),
        "consolidating": last.consolidating as u8,
    });
    let mut counts = Map::new();
    for (k, n) in r.event_counts() {
        counts.insert(k.as_str().to_string(), Value::from(n));
    }
    let phase = match r.consolidation_start {
        Some(m) => json!({"start_month": m, "start_date": r.date(m)}),
        None => Value::Null,
    };
    let c = &r.world.consolidation;
    let v = json!({
        "program": "chipban",
        "version": crate::VERSION,
        "build": crate::BUILD,
        "world": r.world.name,
        "world_hash": world_hash,
        "seed": r.seed,
        "start": r.world.start.to_string(),
        "months": r.months.len(),
        "final": finals,
        "consolidation": {
            "test": {
                "hhi_threshold": c.hhi_threshold,
                "drop_from_peak": c.drop_from_peak,
                "hold_months": c.hold_months,
            },
            "phase": phase,
        },
        "event_counts": counts,
        "firms_entered": r.firms_entered,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON of plain values");
    s.push('\n');
    s
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
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
    let mut world = r.world.clone();
    world.seed = r.seed;
    vec![
        ("world.ron".into(), to_ron(&world).into_bytes()),
        ("months.csv".into(), month_csv(r).into_bytes()),
        ("firms.csv".into(), firms_csv(r).into_bytes()),
        ("chips.csv".into(), chips_csv(r).into_bytes()),
        ("events.csv".into(), events_csv(r).into_bytes()),
        ("summary.json".into(), summary_json(r, &hash).into_bytes()),
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

    #[test]
    fn csv_quotes_when_needed() {
        assert_eq!(super::csv_field("a,b"), "\"a,b\"");
        assert_eq!(super::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::csv_field("plain"), "plain");
    }
}
