//! Synthetic studies for the tests of the charts and the report
//! (deterministic, no runs). Test-only; nothing here is shipped.

use crate::analysis::outcome::Outcome;
use crate::analysis::stats;
use crate::study::data::*;
use crate::world::Month;

/// Positions of the consolidation outcomes in a run's values.
const CONS: usize = Outcome::Consolidated as usize;
const MONTHS: usize = Outcome::MonthsToConsolidation as usize;

/// Deterministic noise in -1..1.
fn noise(k: u64) -> f64 {
    let mut x = k.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0x2545_F491_4F6C_DD1D);
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 32;
    (x % 20_001) as f64 / 10_000.0 - 1.0
}

pub struct Spec {
    pub design: DesignKind,
    pub params: Vec<Param>,
    /// (values, numeric) per cell.
    pub cells: Vec<(Vec<String>, Vec<Option<f64>>)>,
    pub replicates: u32,
    pub months: u32,
    /// Final independent firms and consolidation probability of a cell.
    pub model: fn(&[Option<f64>]) -> (f64, f64),
}

/// Build a study from a spec: runs from the model plus noise, then the
/// statistics the aggregation would compute.
pub fn build(spec: Spec) -> Study {
    let mut runs = Vec::new();
    let mut cells = Vec::new();
    for (c, (values, numeric)) in spec.cells.iter().enumerate() {
        let label = spec
            .params
            .iter()
            .zip(values)
            .map(|(p, v)| format!("{}={v}", p.column))
            .collect::<Vec<_>>()
            .join(", ");
        cells.push(Cell { id: c as u32, values: values.clone(), numeric: numeric.clone(), label });
        let (firms, p_cons) = (spec.model)(numeric);
        for r in 0..spec.replicates {
            let id = (c as u64) * spec.replicates as u64 + r as u64;
            let k = if spec.design == DesignKind::LatinHypercube { id } else { r as u64 } + 1;
            let f = (firms + 4.0 * noise(k * 7 + c as u64)).max(1.0).round();
            let consolidated = (noise(k * 13 + 5 + c as u64) + 1.0) / 2.0 < p_cons;
            let hhi = 9000.0 / f + 300.0 * noise(k * 3);
            let mut outcomes: Vec<Option<f64>> =
                (0..Outcome::COUNT).map(|o| Some(o as f64 + noise(k + o as u64))).collect();
            outcomes[0] = Some(hhi);
            outcomes[2] = Some(f);
            outcomes[CONS] = Some(if consolidated { 1.0 } else { 0.0 });
            outcomes[MONTHS] = consolidated.then(|| (30.0 + 10.0 * noise(k * 11)).round());
            let m = spec.months as usize;
            let path = |end: f64, start: f64| -> Vec<f64> {
                (0..m)
                    .map(|t| {
                        start + (end - start) * t as f64 / (m.max(2) - 1) as f64 + noise(k * 31 + t as u64)
                    })
                    .collect()
            };
            runs.push(RunResult {
                run_id: id,
                cell: c as u32,
                replicate: r,
                seed: 1000 + r as u64,
                outcomes,
                paths: [path(hhi, 1200.0), path(f, 80.0), path(0.9, 0.6)],
            });
        }
    }
    let mut cell_stats = Vec::new();
    for c in &cells {
        for o in Outcome::ALL {
            let xs: Vec<f64> =
                runs.iter().filter(|r| r.cell == c.id).filter_map(|r| r.outcomes[o.index()]).collect();
            cell_stats.push(CellStat { cell: c.id, outcome: o, summary: stats::summarise(&xs) });
        }
    }
    let groups: Vec<(Option<u32>, String)> = if spec.design == DesignKind::LatinHypercube {
        vec![(None, "all runs".into())]
    } else {
        cells.iter().map(|c| (Some(c.id), c.label.clone())).collect()
    };
    let mut bands = Vec::new();
    for (cell, group) in groups {
        let idx: Vec<&RunResult> = runs.iter().filter(|r| cell.is_none_or(|c| r.cell == c)).collect();
        for (k, metric) in Metric::ALL.iter().enumerate() {
            let points = (0..spec.months as usize)
                .map(|m| {
                    let xs = stats::sorted(&idx.iter().map(|r| r.paths[k][m]).collect::<Vec<_>>());
                    BandPoint {
                        mean: stats::mean(&xs).unwrap_or(0.0),
                        p5: stats::quantile_sorted(&xs, 0.05).unwrap_or(0.0),
                        p50: stats::quantile_sorted(&xs, 0.5).unwrap_or(0.0),
                        p95: stats::quantile_sorted(&xs, 0.95).unwrap_or(0.0),
                    }
                })
                .collect();
            bands.push(Band { cell, group: group.clone(), metric: *metric, n: idx.len(), points });
        }
    }
    let n_cells = cells.len();
    let mut s = Study {
        name: "test study".into(),
        description: "A synthetic study for tests.".into(),
        world_name: "baseline".into(),
        start: Month::new(2022, 1),
        months: spec.months,
        master_seed: 42,
        replicates: spec.replicates,
        design: spec.design,
        common_random_numbers: true,
        labels: labels(&spec.params),
        params: spec.params,
        cells,
        factors: Vec::new(),
        runs,
        cell_stats,
        constant: Vec::new(),
        km_median: vec![None; n_cells],
        bands,
        effects: Vec::new(),
        sensitivity: Vec::new(),
    };
    restate(&mut s);
    s
}

/// The parameters' readable labels, resolved against the baseline world as
/// the aggregation resolves them against a sweep's world.
fn labels(params: &[Param]) -> Vec<crate::study::label::ParamLabel> {
    let world = crate::world::load_str(include_str!("../../../worlds/baseline.ron"), "baseline.ron")
        .expect("the baseline loads");
    params
        .iter()
        .map(|p| match p.kind {
            ParamKind::Level => crate::study::label::ParamLabel::plain(&p.column),
            _ => crate::study::label::path_label(&world, &p.column),
        })
        .collect()
}

fn param(column: &str, kind: ParamKind) -> Param {
    Param { column: column.into(), kind }
}

/// A grid over one month-valued parameter, `n` cells.
pub fn grid1(n: usize) -> Study {
    let cells = (0..n)
        .map(|i| {
            let m = Month::new(2022, 10).plus(6 * i as i32);
            (vec![m.to_string()], vec![Some(m.year() as f64 + (m.month() - 1) as f64 / 12.0)])
        })
        .collect();
    build(Spec {
        design: DesignKind::Grid,
        params: vec![param("policy.rules[1].effective", ParamKind::Month)],
        cells,
        replicates: 5,
        months: 24,
        model: |x| (60.0 - 10.0 * (x[0].unwrap_or(2023.0) - 2022.0), 0.3),
    })
}

/// A grid over one text parameter.
pub fn grid1_text() -> Study {
    build(Spec {
        design: DesignKind::Grid,
        params: vec![param("chips.allocation", ParamKind::Text)],
        cells: vec![(vec!["ProRata".into()], vec![None]), (vec!["BigBuyersFirst".into()], vec![None])],
        replicates: 5,
        months: 24,
        model: |_| (40.0, 0.5),
    })
}

/// A 3 × 3 grid over two numeric parameters (9 cells: small multiples).
pub fn grid2() -> Study {
    let mut cells = Vec::new();
    for size in [1000.0, 1500.0, 2000.0] {
        for inertia in [0.5, 0.7, 0.9] {
            cells.push((vec![format!("{inertia}"), format!("{size}")], vec![Some(inertia), Some(size)]));
        }
    }
    build(Spec {
        design: DesignKind::Grid,
        params: vec![
            param("market.inertia", ParamKind::Number),
            param("talent.pools[0].size", ParamKind::Number),
        ],
        cells,
        replicates: 5,
        months: 24,
        model: |x| (20.0 + 40.0 * x[0].unwrap_or(0.0), x[1].unwrap_or(0.0) / 2500.0),
    })
}

/// A 2 × 2 × 2 factorial with hand-made effects (one without an estimate).
pub fn factorial() -> Study {
    let names = ["chip_scarcity", "talent_demand", "upfront_investment"];
    let mut cells = Vec::new();
    for c in 0..8u32 {
        let lv: Vec<usize> = (0..3).map(|f| ((c >> (2 - f)) & 1) as usize).collect();
        cells.push((
            lv.iter().map(|&l| if l == 0 { "low".to_string() } else { "high".to_string() }).collect(),
            lv.iter().map(|&l| Some(l as f64)).collect(),
        ));
    }
    let mut s = build(Spec {
        design: DesignKind::Factorial,
        params: names.iter().map(|n| param(n, ParamKind::Level)).collect(),
        cells,
        replicates: 6,
        months: 24,
        model: |x| {
            let (a, b, c) = (x[0].unwrap_or(0.0), x[1].unwrap_or(0.0), x[2].unwrap_or(0.0));
            (60.0 - 15.0 * a - 2.0 * b - 6.0 * a * c, 0.1 + 0.5 * a * b)
        },
    });
    s.factors = names
        .iter()
        .map(|n| FactorInfo { name: n.to_string(), levels: vec!["low".into(), "high".into()] })
        .collect();
    let terms: [(&str, Vec<usize>); 7] = [
        ("chip_scarcity", vec![0]),
        ("talent_demand", vec![1]),
        ("upfront_investment", vec![2]),
        ("chip_scarcity x talent_demand", vec![0, 1]),
        ("chip_scarcity x upfront_investment", vec![0, 2]),
        ("talent_demand x upfront_investment", vec![1, 2]),
        ("chip_scarcity x talent_demand x upfront_investment", vec![0, 1, 2]),
    ];
    let est = |outcome: usize, k: usize| -> Option<(f64, f64)> {
        match (outcome, k) {
            (2, 0) => Some((-15.0, 3.0)),
            (2, 1) => Some((-2.0, 3.0)),
            (2, 2) => Some((0.5, 3.0)),
            (2, 4) => Some((-6.0, 2.0)),
            (2, 6) => Some((1.0, 4.0)),
            (2, _) => Some((0.3, 2.5)),
            (CONS, 3) => Some((0.5, 0.2)),
            (CONS, 5) => None,
            (CONS, _) => Some((0.02, 0.15)),
            (0, _) => Some((120.0 * (k as f64 - 3.0), 150.0)),
            _ => None,
        }
    };
    for outcome in [0usize, 2, CONS, MONTHS] {
        for (k, (term, factors)) in terms.iter().enumerate() {
            let e = est(outcome, k);
            s.effects.push(Effect {
                term: term.to_string(),
                factors: factors.clone(),
                levels: vec![1; factors.len()],
                order: factors.len() as u32,
                outcome: Outcome::ALL[outcome],
                n: if e.is_some() { 6 } else { 0 },
                estimate: e.map(|e| e.0),
                se: e.map(|e| e.1 / 2.57),
                ci_low: e.map(|e| e.0 - e.1),
                ci_high: e.map(|e| e.0 + e.1),
                threshold: Some(0.0),
                materiality: None,
            });
        }
    }
    s
}

/// A Latin hypercube: 40 samples of three parameters, one run each.
pub fn lhs() -> Study {
    let cells = (0..40)
        .map(|i| {
            let a = (i as f64 + 0.5) / 40.0;
            let b = ((i * 17 % 40) as f64 + 0.5) / 40.0;
            let c = 5000.0 + 25000.0 * ((i * 23 % 40) as f64 + 0.5) / 40.0;
            (vec![format!("{a:.3}"), format!("{b:.3}"), format!("{c:.0}")], vec![Some(a), Some(b), Some(c)])
        })
        .collect();
    let mut s = build(Spec {
        design: DesignKind::LatinHypercube,
        params: vec![
            param("market.inertia", ParamKind::Number),
            param("talent.churn_monthly", ParamKind::Number),
            param("chips.suppliers[5].capacity_units_month", ParamKind::Number),
        ],
        cells,
        replicates: 1,
        months: 24,
        model: |x| (30.0 + 30.0 * x[0].unwrap_or(0.0), 0.3),
    });
    for (outcome, rows) in [
        (2usize, [(0usize, Some(0.81)), (1, Some(-0.12)), (2, Some(0.33))]),
        (CONS, [(0, None), (1, Some(0.05)), (2, Some(-0.4))]),
    ] {
        for (param, rho) in rows {
            let ci = rho.and_then(|r| stats::spearman_ci(r, 40));
            s.sensitivity.push(Sensitivity {
                param,
                outcome: Outcome::ALL[outcome],
                n: 40,
                spearman: rho,
                ci_low: ci.map(|c| c.0),
                ci_high: ci.map(|c| c.1),
                src: rho.map(|r| r * 0.9),
                r2: if outcome == 2 { Some(0.71) } else { None },
            });
        }
    }
    s
}

/// A study whose cells give no values at all for some outcomes.
pub fn degenerate(mut s: Study) -> Study {
    for r in &mut s.runs {
        r.outcomes[CONS] = Some(0.0);
        r.outcomes[MONTHS] = None;
        r.outcomes[2] = Some(10.0);
    }
    restate(&mut s);
    s
}

/// Recompute the per-cell statistics, the constant outcomes and the
/// Kaplan–Meier medians from the runs, as the aggregation does.
pub fn restate(s: &mut Study) {
    let all: Vec<&RunResult> = s.runs.iter().collect();
    s.constant = crate::study::aggregate::constant_outcomes(&all, s.months);
    for st in &mut s.cell_stats {
        let o = st.outcome;
        let xs: Vec<f64> = s
            .runs
            .iter()
            .filter(|r| r.cell == st.cell)
            .filter_map(|r| o.analysed(r.outcomes[o.index()], s.months))
            .collect();
        st.summary = stats::summarise(&xs);
        if s.constant.iter().any(|(k, _)| *k == o) {
            (st.summary.sd, st.summary.ci_low, st.summary.ci_high) = (None, None, None);
        }
    }
    s.km_median = s
        .cells
        .iter()
        .map(|c| {
            let times: Vec<Option<f64>> =
                s.runs.iter().filter(|r| r.cell == c.id).map(|r| r.outcomes[MONTHS]).collect();
            crate::analysis::survival::median_time(&crate::analysis::survival::kaplan_meier(&times, s.months))
        })
        .collect();
}
