//! Writing a run's record to an output folder: `world.ron`, `months.csv`,
//! `firms.csv`, `events.csv`, `summary.json`. The folder is built beside
//! its destination and renamed into place, so a reader never sees half a
//! run; an existing folder holding a different result is never replaced
//! without `force`.

use super::{MonthRow, Record};
use crate::outdir::{OutFile, OutputError, Provenance, claim, write_folder};
use crate::world::to_ron;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// Hash of a resolved world with its seed left out, so that runs of one
/// world with different seeds share it.
pub fn world_hash(world: &crate::world::World) -> String {
    let mut w = world.clone();
    w.seed = 0;
    format!("{:016x}", crate::world::fnv1a_64(to_ron(&w).as_bytes()))
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
    let mut v = json!({
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
    Provenance::current().stamp(&mut v);
    let mut s = serde_json::to_string_pretty(&v).expect("JSON of plain values");
    s.push('\n');
    s
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
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
    fn csv_quotes_when_needed() {
        assert_eq!(super::csv_field("a,b"), "\"a,b\"");
        assert_eq!(super::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::csv_field("plain"), "plain");
    }
}
