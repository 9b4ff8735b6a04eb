//! The files of a finished study: `runs.csv`, `cells.csv`, `bands.csv`,
//! `effects.csv`, `summary.json` (the columns are documented in
//! docs/sweep.md). Numbers are written in shortest round-trip form; empty
//! cells mean "no value" (e.g. no run of the cell consolidated).

use super::data::{DesignKind, Effect, Metric, Sensitivity, Study, Summary};
use crate::analysis::outcome::Outcome;
use crate::outdir::{OutFile, Provenance};

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
            let header = ["term", "order", "outcome", "n", "estimate", "se", "ci95_low", "ci95_high"];
            let row = |e: &Effect| {
                let mut row =
                    vec![e.term.clone(), e.order.to_string(), e.outcome.column().into(), e.n.to_string()];
                row.extend([e.estimate, e.se, e.ci_low, e.ci_high].map(opt));
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
        "seed_rule": "seed = splitmix64(splitmix64(splitmix64(master_seed) ^ c) ^ replicate), c = cell index, or 2^64-1 with common random numbers",
        "cells": s.cells.len(),
        "runs": s.runs.len(),
        "parameters": s.params.iter().map(|p| p.column.clone()).collect::<Vec<_>>(),
        "outcomes": Outcome::ALL.iter().map(|o| o.column()).collect::<Vec<_>>(),
        "metrics": Metric::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        "statistics": {
            "interval": "95% Student t interval of the mean over runs (effects: over replicates)",
            "quantiles": "type 7 (linear interpolation, as R and numpy)",
            "sensitivity": "Spearman rank correlation, 95% Fisher-z interval with variance 1.06/(n-3); standardised regression coefficients by OLS"
        },
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
