//! The files of a finished study: `runs.csv`, `cells.csv`, `bands.csv`,
//! `effects.csv`, `summary.json` (the columns are documented in
//! docs/sweep.md). Numbers are written in shortest round-trip form; empty
//! cells mean "no value" (e.g. no run of the cell consolidated).

use super::data::{DesignKind, Effect, Metric, ParamKind, Sensitivity, Study, Summary};
use crate::analysis::outcome::Outcome;
use crate::outdir::{OutFile, Provenance};
use crate::record::parquet::{Column, Kind};

/// A value in shortest round-trip form, or an empty cell for none.
pub(crate) fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

/// A CSV file in memory (`\n` line ends): the header, then the rows.
pub(crate) fn csv_bytes<H: AsRef<[u8]>>(header: &[H], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(header).expect("writing CSV to memory cannot fail");
    for r in rows {
        w.write_record(&r).expect("writing CSV to memory cannot fail");
    }
    w.into_inner().expect("writing CSV to memory cannot fail")
}

/// `runs.csv`: one row per run.
pub fn runs_csv(s: &Study) -> Vec<u8> {
    let mut header: Vec<String> =
        ["run_id", "cell", "replicate", "seed"].iter().map(|c| c.to_string()).collect();
    header.extend(s.params.iter().map(|p| p.column.clone()));
    header.extend(Outcome::ALL.iter().map(|o| o.column().to_string()));
    let rows = s
        .runs
        .iter()
        .map(|r| {
            let mut row =
                vec![r.run_id.to_string(), r.cell.to_string(), r.replicate.to_string(), r.seed.to_string()];
            row.extend(s.cells[r.cell as usize].values.iter().cloned());
            row.extend(r.outcomes.iter().map(|v| opt(*v)));
            row
        })
        .collect();
    csv_bytes(&header, rows)
}

fn summary_cols(x: &Summary) -> Vec<String> {
    let mut cols = vec![x.n.to_string()];
    cols.extend([x.mean, x.sd, x.ci_low, x.ci_high, x.p5, x.p50, x.p95].map(opt));
    cols
}

/// `cells.csv`: per cell and outcome, n, mean, sd, 95% t interval and quantiles.
pub fn cells_csv(s: &Study) -> Vec<u8> {
    let mut header: Vec<String> = vec!["cell".into()];
    header.extend(s.params.iter().map(|p| p.column.clone()));
    header.extend(
        ["outcome", "n", "mean", "sd", "ci95_low", "ci95_high", "p5", "p50", "p95"]
            .iter()
            .map(|c| c.to_string()),
    );
    let rows = s
        .cell_stats
        .iter()
        .map(|c| {
            let mut row = vec![c.cell.to_string()];
            row.extend(s.cells[c.cell as usize].values.iter().cloned());
            row.push(c.outcome.column().to_string());
            row.extend(summary_cols(&c.summary));
            row
        })
        .collect();
    csv_bytes(&header, rows)
}

/// `bands.csv`: per group, metric and month, mean and 5/50/95% quantiles.
pub fn bands_csv(s: &Study) -> Vec<u8> {
    let header = ["cell", "metric", "month", "date", "n", "mean", "p5", "p50", "p95"];
    let mut rows = Vec::new();
    for b in &s.bands {
        let cell = b.cell.map_or_else(|| "all".to_string(), |c| c.to_string());
        for (m, p) in b.points.iter().enumerate() {
            rows.push(vec![
                cell.clone(),
                b.metric.as_str().to_string(),
                m.to_string(),
                s.date(m as u32),
                b.n.to_string(),
                format!("{}", p.mean),
                format!("{}", p.p5),
                format!("{}", p.p50),
                format!("{}", p.p95),
            ]);
        }
    }
    csv_bytes(&header, rows)
}

/// `effects.csv`: factorial effects, or the Latin-hypercube sensitivity
/// table; `None` for a grid.
pub fn effects_csv(s: &Study) -> Option<Vec<u8>> {
    match s.design {
        DesignKind::Grid => None,
        DesignKind::Factorial => {
            let header = [
                "term",
                "order",
                "outcome",
                "n",
                "estimate",
                "se",
                "ci95_low",
                "ci95_high",
                "material_threshold",
                "verdict",
            ];
            let row = |e: &Effect| {
                let mut row =
                    vec![e.term.clone(), e.order.to_string(), e.outcome.column().into(), e.n.to_string()];
                row.extend([e.estimate, e.se, e.ci_low, e.ci_high, e.threshold].map(opt));
                row.push(e.materiality.map_or(String::new(), |m| m.as_str().to_string()));
                row
            };
            Some(csv_bytes(&header, s.effects.iter().map(row).collect()))
        }
        DesignKind::LatinHypercube => {
            let header = ["parameter", "outcome", "n", "spearman", "ci95_low", "ci95_high", "src", "r2"];
            let row = |x: &Sensitivity| {
                let mut row =
                    vec![s.params[x.param].column.clone(), x.outcome.column().into(), x.n.to_string()];
                row.extend([x.spearman, x.ci_low, x.ci_high, x.src, x.r2].map(opt));
                row
            };
            Some(csv_bytes(&header, s.sensitivity.iter().map(row).collect()))
        }
    }
}

/// `summary.json`: provenance and the headline per cell. No clock times or
/// host names, so the file is the same for any schedule or shard split.
pub fn summary_json(s: &Study, world_hash: &str) -> Vec<u8> {
    use serde_json::json;
    let (cons, indep, hhi) = (Outcome::Consolidated, Outcome::FinalIndependentFirms, Outcome::FinalHhi);
    let cells: Vec<serde_json::Value> = s
        .cells
        .iter()
        .map(|c| {
            let get = |o: Outcome| {
                s.cell_stats
                    .iter()
                    .find(|x| x.cell == c.id && x.outcome == o)
                    .map(|x| x.summary)
                    .unwrap_or_default()
            };
            json!({
                "cell": c.id,
                "label": c.label,
                "values": c.values,
                "runs": get(indep).n,
                "share_consolidated": get(cons).mean,
                "final_independent_firms_mean": get(indep).mean,
                "final_hhi_mean": get(hhi).mean,
                "km_median_months_to_consolidation": s.km_median.get(c.id as usize).copied().flatten(),
                "restricted_mean_months_to_consolidation": get(Outcome::MonthsToConsolidation).mean,
            })
        })
        .collect();
    let mut v = json!({
        "study": s.name,
        "description": s.description,
        "design": s.design.as_str(),
        "world": s.world_name,
        "world_hash": world_hash,
        "start": s.start.to_string(),
        "months": s.months,
        "master_seed": s.master_seed,
        "replicates": s.replicates,
        "common_random_numbers": s.common_random_numbers,
        "seed_rule": "seed = splitmix64(splitmix64(splitmix64(master_seed) ^ c) ^ replicate), c = cell index, or 2^64-1 with common random numbers (never for a Latin hypercube)",
        "cells": s.cells.len(),
        "runs": s.runs.len(),
        "parameters": s.params.iter().map(|p| p.column.clone()).collect::<Vec<_>>(),
        "outcomes": Outcome::ALL.iter().map(|o| o.column()).collect::<Vec<_>>(),
        "metrics": Metric::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "statistics": {
            "interval": "95% Student t interval of the mean over runs (effects: over replicates)",
            "quantiles": "type 7 (linear interpolation, as R and numpy)",
            "sensitivity": "over design points (replicates averaged per point, n = points): Spearman rank correlation, 95% Fisher-z interval with variance 1.06/(n-3); standardised regression coefficients by OLS",
            "timing": "months_to_consolidation is summarised by the restricted time min(T, months) of every run (cells.csv, effects) and the Kaplan-Meier median, never over the runs that consolidated",
            "materiality": "an effect is material when its 95% interval excludes 0 and |estimate| >= the outcome's threshold (docs/sweep.md), detectable but small when the interval excludes 0 below it, negligible when the interval lies within +-threshold, inconclusive otherwise"
        },
        "constant_outcomes": s.constant.iter().map(|(o, v)| json!({"outcome": o.column(), "value": v})).collect::<Vec<_>>(),
        "per_cell": cells,
    });
    Provenance::current().stamp(&mut v);
    let mut text = serde_json::to_string_pretty(&v).expect("JSON of plain values");
    text.push('\n');
    text.into_bytes()
}

/// All data files of a study (not charts or the report).
pub fn data_files(s: &Study, world_hash: &str) -> Vec<OutFile> {
    let mut files = vec![
        ("runs.csv".to_string(), runs_csv(s)),
        ("cells.csv".to_string(), cells_csv(s)),
        ("bands.csv".to_string(), bands_csv(s)),
    ];
    if let Some(e) = effects_csv(s) {
        files.push(("effects.csv".to_string(), e));
    }
    files.push(("summary.json".to_string(), summary_json(s, world_hash)));
    files
}

/// The Parquet schema of a study table, by CSV file name (`--format`);
/// `None` for other files. Counts are unsigned integers, statistics are
/// doubles (nullable where the CSV cell may be empty), a numeric parameter
/// is INT64 when every cell's value is a whole number and DOUBLE otherwise,
/// other parameters (months, levels, names) are strings as in the CSV.
pub fn parquet_columns(s: &Study, file: &str) -> Option<Vec<Column>> {
    let stats = |cols: &mut Vec<Column>, names: &[&str]| {
        cols.extend(names.iter().map(|n| Column::nullable(*n, Kind::F64)));
    };
    let params = |cols: &mut Vec<Column>| {
        for (k, p) in s.params.iter().enumerate() {
            let all = |ok: fn(&str) -> bool| s.cells.iter().all(|c| c.values.get(k).is_some_and(|v| ok(v)));
            let kind = match p.kind {
                ParamKind::Number if all(|v| v.parse::<i64>().is_ok()) => Kind::I64,
                ParamKind::Number if all(|v| v.parse::<f64>().is_ok()) => Kind::F64,
                _ => Kind::Str,
            };
            cols.push(Column::new(p.column.clone(), kind));
        }
    };
    let mut cols = Vec::new();
    match file {
        "runs.csv" => {
            cols.extend([
                Column::new("run_id", Kind::U64),
                Column::new("cell", Kind::U32),
                Column::new("replicate", Kind::U32),
                Column::new("seed", Kind::U64),
            ]);
            params(&mut cols);
            cols.extend(Outcome::ALL.iter().map(|o| Column::nullable(o.column(), Kind::F64)));
        }
        "cells.csv" => {
            cols.push(Column::new("cell", Kind::U32));
            params(&mut cols);
            cols.extend([Column::new("outcome", Kind::Str), Column::new("n", Kind::U64)]);
            stats(&mut cols, &["mean", "sd", "ci95_low", "ci95_high", "p5", "p50", "p95"]);
        }
        "bands.csv" => {
            // `cell` is a cell index or `all`: a string, as in the CSV.
            cols.extend([
                Column::new("cell", Kind::Str),
                Column::new("metric", Kind::Str),
                Column::new("month", Kind::U32),
                Column::new("date", Kind::Str),
                Column::new("n", Kind::U64),
            ]);
            cols.extend(["mean", "p5", "p50", "p95"].map(|n| Column::new(n, Kind::F64)));
        }
        "effects.csv" if s.design == DesignKind::Factorial => {
            cols.extend([
                Column::new("term", Kind::Str),
                Column::new("order", Kind::U32),
                Column::new("outcome", Kind::Str),
                Column::new("n", Kind::U64),
            ]);
            stats(&mut cols, &["estimate", "se", "ci95_low", "ci95_high", "material_threshold"]);
            cols.push(Column::nullable("verdict", Kind::Str));
        }
        "effects.csv" if s.design == DesignKind::LatinHypercube => {
            cols.extend([
                Column::new("parameter", Kind::Str),
                Column::new("outcome", Kind::Str),
                Column::new("n", Kind::U64),
            ]);
            stats(&mut cols, &["spearman", "ci95_low", "ci95_high", "src", "r2"]);
        }
        _ => return None,
    }
    Some(cols)
}
