//! From runs to a study: the outcomes of one run, per-cell statistics,
//! fan-chart bands, factorial effects and Latin-hypercube sensitivity.
//! Everything here is a pure function of the sorted runs, so a study is
//! the same however its runs were scheduled or sharded.

use super::data::{
    Band, BandPoint, Cell, CellStat, DesignKind, Effect, Metric, RunResult, Sensitivity, Study,
};
use super::spec::{Plan, product};
use crate::analysis::materiality;
use crate::analysis::outcome::Outcome;
use crate::analysis::{stats, survival};
use crate::record::RunHead;

/// The outcomes and monthly paths of one finished run.
pub fn run_result(record: &RunHead, run_id: u64, cell: u32, replicate: u32) -> RunResult {
    let months = &record.months;
    let last = months.last().cloned().unwrap_or_default();
    let peak = months.iter().map(|m| m.independent_firms).max().unwrap_or(0);
    let vc: f64 = months.iter().map(|m| m.vc_funding_musd).sum();
    let outcomes = Outcome::ALL
        .iter()
        .map(|o| match o {
            Outcome::FinalHhi => Some(last.hhi),
            Outcome::FinalCr4 => Some(last.cr4),
            Outcome::FinalIndependentFirms => Some(last.independent_firms as f64),
            Outcome::FinalIndependentLabs => Some(last.independent_labs as f64),
            Outcome::PeakIndependentFirms => Some(peak as f64),
            Outcome::FinalStartupsAlive => Some(last.startups_alive as f64),
            Outcome::FinalTop4ComputeShare => Some(last.top4_compute_share),
            Outcome::FinalComputeGini => Some(last.compute_gini),
            Outcome::FinalChipPriceIndex => Some(last.chip_price_index),
            Outcome::FinalTokenPriceIndex => Some(last.token_price_index),
            Outcome::FinalTokenVolumeTtok => Some(last.token_volume_ttok),
            Outcome::FinalWageIndex => Some(last.wage_index),
            Outcome::FinalLoansOutstandingMusd => Some(last.loans_outstanding_musd),
            Outcome::FinalBannedChipUnits => Some(last.banned_chip_units as f64),
            Outcome::FinalTotalRevenueMusd => Some(last.total_revenue_musd),
            // entries, exits, acquisitions, pivots and team transfers are cumulative in months.csv.
            Outcome::TotalEntries => Some(last.entries as f64),
            Outcome::TotalExits => Some(last.exits as f64),
            Outcome::TotalAcquisitions => Some(last.acquisitions as f64),
            Outcome::TotalPivots => Some(last.pivots as f64),
            Outcome::TotalTeamTransfers => Some(last.team_transfers as f64),
            Outcome::TotalVcFundingMusd => Some(vc),
            Outcome::Consolidated => Some(if record.consolidation_start.is_some() { 1.0 } else { 0.0 }),
            Outcome::MonthsToConsolidation => record.consolidation_start.map(f64::from),
        })
        .collect::<Vec<_>>();
    debug_assert_eq!(outcomes.len(), Outcome::COUNT);
    RunResult {
        run_id,
        cell,
        replicate,
        seed: record.seed,
        outcomes,
        paths: [
            months.iter().map(|m| m.hhi).collect(),
            months.iter().map(|m| m.independent_firms as f64).collect(),
            months.iter().map(|m| m.cr4).collect(),
        ],
    }
}

/// Build the study from a plan and all of its runs (in any order).
pub fn aggregate(plan: &Plan, mut runs: Vec<RunResult>) -> Study {
    runs.sort_by_key(|r| r.run_id);
    let cells: Vec<Cell> = plan
        .cells
        .iter()
        .enumerate()
        .map(|(i, c)| Cell {
            id: i as u32,
            values: c.values.clone(),
            numeric: c.numeric.clone(),
            label: c.label.clone(),
        })
        .collect();
    // Runs of each cell (runs are sorted, so each list is in replicate order).
    let mut by_cell: Vec<Vec<usize>> = vec![Vec::new(); cells.len()];
    for (i, r) in runs.iter().enumerate() {
        by_cell[r.cell as usize].push(i);
    }
    let horizon = plan.base.months;
    let constant = constant_outcomes(&runs.iter().collect::<Vec<_>>(), horizon);
    let mut cell_stats = Vec::with_capacity(cells.len() * Outcome::COUNT);
    let mut km_median = Vec::with_capacity(cells.len());
    for (c, idx) in by_cell.iter().enumerate() {
        for o in Outcome::ALL {
            let xs: Vec<f64> =
                idx.iter().filter_map(|&i| o.analysed(runs[i].outcomes[o.index()], horizon)).collect();
            let mut summary = stats::summarise(&xs);
            if constant.iter().any(|(k, _)| *k == o) {
                (summary.sd, summary.ci_low, summary.ci_high) = (None, None, None);
            }
            cell_stats.push(CellStat { cell: c as u32, outcome: o, summary });
        }
        let t = Outcome::MonthsToConsolidation.index();
        let times: Vec<Option<f64>> = idx.iter().map(|&i| runs[i].outcomes[t]).collect();
        km_median.push(survival::median_time(&survival::kaplan_meier(&times, horizon)));
    }
    let months = plan.base.months as usize;
    let mut bands = Vec::new();
    let groups: Vec<(Option<u32>, String, Vec<usize>)> = if plan.design == DesignKind::LatinHypercube {
        vec![(None, "all runs".to_string(), (0..runs.len()).collect())]
    } else {
        by_cell
            .iter()
            .enumerate()
            .map(|(c, idx)| (Some(c as u32), cells[c].label.clone(), idx.clone()))
            .collect()
    };
    for (cell, group, idx) in &groups {
        for (k, metric) in Metric::ALL.iter().enumerate() {
            bands.push(Band {
                cell: *cell,
                group: group.clone(),
                metric: *metric,
                n: idx.len(),
                points: band_points(&runs, idx, k, months),
            });
        }
    }
    let effects = if plan.design == DesignKind::Factorial {
        effects(plan, &runs, &constant, &cell_stats)
    } else {
        Vec::new()
    };
    let sensitivity = if plan.design == DesignKind::LatinHypercube {
        sensitivity(&cells, &by_cell, &runs, plan.params.len(), horizon, &constant)
    } else {
        Vec::new()
    };
    Study {
        name: plan.spec.name.clone(),
        description: plan.spec.description.clone(),
        world_name: plan.base.name.clone(),
        start: plan.base.start,
        months: plan.base.months,
        master_seed: plan.spec.seed,
        replicates: plan.spec.replicates,
        design: plan.design,
        common_random_numbers: plan.common_random_numbers(),
        params: plan.params.clone(),
        labels: super::label::param_labels(&plan.base, &plan.spec, plan.design, &plan.params, &plan.factors),
        cells,
        factors: plan.factors.clone(),
        runs,
        cell_stats,
        constant,
        km_median,
        bands,
        effects,
        sensitivity,
    }
}

/// A Latin hypercube's parameters ranked for one outcome: by |Spearman ρ|,
/// largest first (a parameter without a correlation last), ties in the
/// study's order. The console, the report and the chart rank this way.
pub fn ranking(study: &Study, outcome: Outcome) -> Vec<&super::data::Sensitivity> {
    let mut rows: Vec<&super::data::Sensitivity> =
        study.sensitivity.iter().filter(|s| s.outcome == outcome).collect();
    let key = |s: &super::data::Sensitivity| s.spearman.map_or(-1.0, f64::abs);
    rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.param.cmp(&b.param)));
    rows
}

/// The months to consolidation over the runs of `cells` taken together:
/// the Kaplan–Meier curve (runs that never consolidate censored at the
/// horizon) and the summary of the restricted times min(T, horizon) — its
/// mean is the restricted mean, with a t interval over the runs.
pub fn time_to_consolidation(
    study: &Study,
    cells: &[u32],
) -> (Vec<survival::SurvivalPoint>, super::data::Summary) {
    let t = Outcome::MonthsToConsolidation.index();
    let times: Vec<Option<f64>> = study
        .runs
        .iter()
        .filter(|r| cells.contains(&r.cell))
        .map(|r| r.outcomes.get(t).copied().flatten())
        .collect();
    let restricted: Vec<f64> = times.iter().map(|x| survival::restricted_time(*x, study.months)).collect();
    (survival::kaplan_meier(&times, study.months), stats::summarise(&restricted))
}

/// Mean and 5/50/95% quantiles of metric `k` per month over the runs `idx`.
fn band_points(runs: &[RunResult], idx: &[usize], k: usize, months: usize) -> Vec<BandPoint> {
    let mut points = Vec::with_capacity(months);
    let mut xs = Vec::with_capacity(idx.len());
    for m in 0..months {
        xs.clear();
        xs.extend(idx.iter().filter_map(|&i| runs[i].paths[k].get(m).copied()));
        if xs.is_empty() {
            points.push(BandPoint::default());
            continue;
        }
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        xs.sort_by(f64::total_cmp);
        let q = |p| stats::quantile_sorted(&xs, p).unwrap_or(f64::NAN);
        points.push(BandPoint { mean, p5: q(0.05), p50: q(0.5), p95: q(0.95) });
    }
    points
}

/// Main effects and interactions up to order three, as treatment contrasts
/// against each factor's first level, estimated per replicate and averaged
/// (see [`Effect`]).
#[allow(clippy::needless_range_loop)] // replicate r indexes every cell
fn effects(
    plan: &Plan,
    runs: &[RunResult],
    constant: &[(Outcome, f64)],
    cell_stats: &[CellStat],
) -> Vec<Effect> {
    let horizon = plan.base.months;
    let factors = &plan.factors;
    let sizes: Vec<usize> = factors.iter().map(|f| f.levels.len()).collect();
    let reps = plan.spec.replicates as usize;
    // y[cell][replicate][outcome]
    let mut y: Vec<Vec<Option<&RunResult>>> = vec![vec![None; reps]; plan.cells.len()];
    for r in runs {
        y[r.cell as usize][r.replicate as usize] = Some(r);
    }
    // Mixed-radix cell index: first factor most significant (as `product`).
    let cell_index =
        |levels: &[usize]| -> usize { levels.iter().zip(&sizes).fold(0, |acc, (l, n)| acc * n + l) };
    let k = factors.len();
    let mut out = Vec::new();
    for order in 1..=k.min(3) {
        for subset in subsets(k, order) {
            let level_choices: Vec<usize> = subset.iter().map(|&f| sizes[f] - 1).collect();
            for choice in product(&level_choices) {
                let chosen: Vec<usize> = choice.iter().map(|l| l + 1).collect();
                let others: Vec<usize> = (0..k).filter(|f| !subset.contains(f)).collect();
                let other_sizes: Vec<usize> = others.iter().map(|&f| sizes[f]).collect();
                let other_combos = product(&other_sizes);
                let term = subset
                    .iter()
                    .zip(&chosen)
                    .map(|(&f, &l)| {
                        if sizes[f] == 2 {
                            factors[f].name.clone()
                        } else {
                            format!("{}={}", factors[f].name, factors[f].levels[l])
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" x ");
                for o in Outcome::ALL.into_iter().filter(|o| !constant.iter().any(|(k, _)| k == o)) {
                    let mut per_rep = Vec::with_capacity(reps);
                    'rep: for r in 0..reps {
                        let mut total = 0.0;
                        for oc in &other_combos {
                            // Inclusion-exclusion over which subset factors sit at the chosen level.
                            for mask in 0..(1usize << order) {
                                let mut levels = vec![0usize; k];
                                for (j, &f) in others.iter().enumerate() {
                                    levels[f] = oc[j];
                                }
                                let mut on = 0;
                                for (j, &f) in subset.iter().enumerate() {
                                    if mask & (1 << j) != 0 {
                                        levels[f] = chosen[j];
                                        on += 1;
                                    }
                                }
                                let sign = if (order - on) % 2 == 0 { 1.0 } else { -1.0 };
                                match y[cell_index(&levels)][r]
                                    .and_then(|run| o.analysed(run.outcomes[o.index()], horizon))
                                {
                                    Some(v) => total += sign * v,
                                    None => continue 'rep,
                                }
                            }
                        }
                        per_rep.push(total / other_combos.len() as f64);
                    }
                    let (mean, sd, lo, hi) = stats::mean_ci(&per_rep);
                    // The control is the reference cell (every factor at its first level): cell 0.
                    let control = cell_stats
                        .iter()
                        .find(|s| s.cell == 0 && s.outcome == o)
                        .and_then(|s| s.summary.mean);
                    let threshold = o.threshold().resolve(control);
                    out.push(Effect {
                        term: term.clone(),
                        factors: subset.clone(),
                        levels: chosen.clone(),
                        order: order as u32,
                        outcome: o,
                        n: per_rep.len(),
                        estimate: mean,
                        se: sd.map(|s| s / (per_rep.len() as f64).sqrt()),
                        ci_low: lo,
                        ci_high: hi,
                        threshold,
                        materiality: materiality::classify(mean, lo, hi, threshold),
                    });
                }
            }
        }
    }
    out
}

/// All subsets of 0..n of size `k`, in lexicographic order.
fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    fn go(start: usize, n: usize, k: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for i in start..n {
            cur.push(i);
            go(i + 1, n, k, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    go(0, n, k, &mut Vec::new(), &mut out);
    out
}

/// Outcomes whose analysed value (`Outcome::analysed`) is the same in
/// every one of `runs` (each with a value), with that value. No statistic
/// of spread, effect or association is computed for them.
pub fn constant_outcomes(runs: &[&RunResult], horizon: u32) -> Vec<(Outcome, f64)> {
    Outcome::ALL
        .into_iter()
        .filter_map(|o| {
            let mut values = runs.iter().map(|r| o.analysed(r.outcomes[o.index()], horizon));
            let first = values.next()??;
            values.all(|v| v == Some(first)).then_some((o, first))
        })
        .collect()
}

/// Spearman rank correlation (with Fisher-z interval) of every parameter
/// with every outcome, and standardised regression coefficients of all
/// parameters together. The observations are the design points: each
/// point's replicates are averaged first (a time to an event as the
/// point's restricted mean), so n is the number of points, not of runs.
/// Constant outcomes are left out.
fn sensitivity(
    cells: &[Cell],
    by_cell: &[Vec<usize>],
    runs: &[RunResult],
    n_params: usize,
    horizon: u32,
    constant: &[(Outcome, f64)],
) -> Vec<Sensitivity> {
    let mut out = Vec::new();
    for o in Outcome::ALL.into_iter().filter(|o| !constant.iter().any(|(k, _)| k == o)) {
        // (cell, mean over its replicates with a value)
        let points: Vec<(usize, f64)> = by_cell
            .iter()
            .enumerate()
            .filter_map(|(c, idx)| {
                let xs: Vec<f64> =
                    idx.iter().filter_map(|&i| o.analysed(runs[i].outcomes[o.index()], horizon)).collect();
                Some((c, stats::mean(&xs)?))
            })
            .collect();
        let y: Vec<f64> = points.iter().map(|p| p.1).collect();
        let x: Vec<Vec<f64>> = (0..n_params)
            .map(|p| points.iter().map(|&(c, _)| cells[c].numeric[p].unwrap_or(f64::NAN)).collect())
            .collect();
        let fit = stats::src(&x, &y);
        for (p, xp) in x.iter().enumerate() {
            let rho = stats::spearman(xp, &y);
            let ci = rho.and_then(|r| stats::spearman_ci(r, y.len()));
            out.push(Sensitivity {
                param: p,
                outcome: o,
                n: y.len(),
                spearman: rho,
                ci_low: ci.map(|c| c.0),
                ci_high: ci.map(|c| c.1),
                src: fit.as_ref().map(|(c, _)| c[p]),
                r2: fit.as_ref().map(|(_, r2)| *r2),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_in_order() {
        assert_eq!(subsets(3, 2), vec![vec![0, 1], vec![0, 2], vec![1, 2]]);
        assert_eq!(subsets(3, 3), vec![vec![0, 1, 2]]);
    }
}
