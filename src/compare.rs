//! `chipban compare A B`: two worlds on common random numbers. Replicate r
//! of both worlds runs with the same seed, so each pair differs only by the
//! worlds' differences (e.g. the export rules) and the paired differences
//! isolate their effect. Reports paired differences with 95% Student t
//! intervals, the share of runs that consolidate, Kaplan–Meier curves of
//! the time to consolidation (runs that never consolidate are censored at
//! the horizon), and a verdict that claims no more than the intervals and
//! judges each effect's size against the outcome's threshold of a material
//! change (world B is the control for thresholds relative to a mean).
//! Outcomes with the same value in every run of both worlds are not
//! analysed; the time to consolidation is compared only by Kaplan–Meier and
//! the restricted mean, never over the pairs that both consolidated.
//!
//! This module simulates and analyses; it reads no world file and writes no
//! folder (that is `commands::compare`), and draws nothing.

use crate::analysis::materiality::{self, Materiality};
use crate::analysis::outcome::{Outcome, Threshold};
use crate::analysis::stats;
use crate::analysis::survival;
use crate::outdir::{OutFile, Provenance};
use crate::sim::output::SimError;
use crate::study::aggregate::{constant_outcomes, run_result};
use crate::study::data::{BandPoint, Metric, RunResult};
use crate::study::output::{csv_bytes, opt};
use crate::study::spec::run_seed;
use crate::world::{Month, World};

pub use crate::analysis::survival::SurvivalPoint;

/// Why two worlds cannot be compared; all the user's to fix.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("--replicates {0}: a comparison needs at least 2 replicates (200 give intervals worth reading)")]
    TooFewReplicates(u32),
    /// One or both world files are bad (each error names its file).
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Worlds(Vec<crate::world::WorldError>),
    #[error(
        "the worlds cover different months ({} from {} vs {} from {}): paired runs need the same calendar; give both the same `start`, and use --months N to cut them to the same length",
        a.months, a.start, b.months, b.start
    )]
    Calendars { a: Calendar, b: Calendar },
}

/// The months a world covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Calendar {
    pub start: Month,
    pub months: u32,
}

/// Can these worlds be compared with this many replicates?
pub fn check(worlds: &[World; 2], replicates: u32) -> Result<(), CompareError> {
    if replicates < 2 {
        return Err(CompareError::TooFewReplicates(replicates));
    }
    let cal = |w: &World| Calendar { start: w.start, months: w.months };
    let (a, b) = (cal(&worlds[0]), cal(&worlds[1]));
    if a != b {
        return Err(CompareError::Calendars { a, b });
    }
    Ok(())
}

/// A paired difference `A − B` of one outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct PairedDiff {
    /// Column name (an outcome of `runs.csv`, or `restricted_mean_months_to_consolidation`).
    pub outcome: String,
    pub label: String,
    pub unit: String,
    /// Pairs with a value in both worlds.
    pub n: usize,
    pub mean_a: Option<f64>,
    pub mean_b: Option<f64>,
    /// Mean of the paired differences A − B.
    pub diff: Option<f64>,
    pub sd: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// How the interval was made.
    pub method: &'static str,
    /// The threshold of a material difference, in the outcome's unit.
    pub threshold: Option<f64>,
    /// Material, detectable but small, negligible or inconclusive.
    pub materiality: Option<Materiality>,
}

impl PairedDiff {
    /// The paired Student t difference of `a[i] − b[i]` (pairs in order),
    /// judged against `threshold` (B is the control of a relative one).
    fn of(
        outcome: String,
        label: String,
        unit: String,
        a: &[f64],
        b: &[f64],
        threshold: Threshold,
    ) -> PairedDiff {
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        let (diff, sd, ci_low, ci_high) = stats::mean_ci(&d);
        let (mean_a, mean_b) = (stats::mean(a), stats::mean(b));
        let method = "paired Student t";
        let threshold = threshold.resolve(mean_b);
        let materiality = materiality::classify(diff, ci_low, ci_high, threshold);
        PairedDiff {
            outcome,
            label,
            unit,
            n: d.len(),
            mean_a,
            mean_b,
            diff,
            sd,
            ci_low,
            ci_high,
            method,
            threshold,
            materiality,
        }
    }

    /// Does the 95% interval exclude zero?
    pub fn significant(&self) -> bool {
        matches!((self.ci_low, self.ci_high), (Some(l), Some(h)) if l > 0.0 || h < 0.0)
    }
}

/// Everything `compare` produced.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// World names (A, B) and the files they came from.
    pub names: [String; 2],
    pub files: [String; 2],
    pub start: Month,
    pub months: u32,
    pub replicates: u32,
    pub master_seed: u64,
    /// Runs of each world, indexed by replicate.
    pub runs: [Vec<RunResult>; 2],
    /// Per world, one band per metric (indexed like `Metric::ALL`).
    pub bands: [Vec<Vec<BandPoint>>; 2],
    pub diffs: Vec<PairedDiff>,
    /// Outcomes with the same value in every run of both worlds (the
    /// restricted time for the months to consolidation), with that value:
    /// not analysed.
    pub constant: Vec<(Outcome, f64)>,
    /// Kaplan–Meier curve of each world.
    pub survival: [Vec<SurvivalPoint>; 2],
    /// Median months to consolidation from the Kaplan–Meier curve (None if
    /// fewer than half the runs consolidate).
    pub median_months: [Option<u32>; 2],
    /// Plain-language verdict, one sentence per finding.
    pub verdict: Vec<String>,
}

impl Comparison {
    pub fn date(&self, month: u32) -> String {
        self.start.plus(month as i32).to_string()
    }

    pub fn diff(&self, outcome: &str) -> Option<&PairedDiff> {
        self.diffs.iter().find(|d| d.outcome == outcome)
    }
}

/// The outcomes compared by a paired difference, in report order (the
/// restricted mean time to consolidation follows `Consolidated`; the months
/// to consolidation themselves have no paired difference).
const COMPARED: [Outcome; 12] = [
    Outcome::FinalIndependentFirms,
    Outcome::FinalHhi,
    Outcome::FinalCr4,
    Outcome::Consolidated,
    Outcome::FinalIndependentLabs,
    Outcome::FinalTokenPriceIndex,
    Outcome::PeakIndependentFirms,
    Outcome::TotalExits,
    Outcome::TotalAcquisitions,
    Outcome::TotalPivots,
    Outcome::TotalTeamTransfers,
    Outcome::FinalStartupsAlive,
];

/// The column of the restricted mean time to consolidation in `compare.csv`.
pub const RESTRICTED_MEAN: &str = "restricted_mean_months_to_consolidation";

/// Simulate `replicates` pairs of the two resolved worlds (which must pass
/// [`check`]) on `jobs` threads and analyse them. `files` name the
/// worlds' origins in the outputs. A run that produces a NaN or infinite
/// value stops the comparison (the first such run in run order).
pub fn compare(
    worlds: &[World; 2],
    files: [String; 2],
    replicates: u32,
    master: u64,
    jobs: usize,
) -> Result<Comparison, SimError> {
    let (a, b) = (&worlds[0], &worlds[1]);
    let runs = simulate_pairs(worlds, replicates as usize, master, jobs.max(1))?;
    Ok(analyse([a.name.clone(), b.name.clone()], files, a.start, a.months, master, runs))
}

/// Run replicate r of both worlds with seed r of the master seed, on `jobs` threads.
fn simulate_pairs(
    worlds: &[World],
    reps: usize,
    master: u64,
    jobs: usize,
) -> Result<[Vec<RunResult>; 2], SimError> {
    // Item i is world i % 2, replicate i / 2.
    let all = crate::analysis::parallel::map_indexed(2 * reps, jobs, |i| {
        let (w, r) = (i % 2, i / 2);
        let mut world = worlds[w].clone();
        world.record.firm_panel = false;
        let head = crate::sim::Simulation::new(world, run_seed(master, None, r as u32))
            .run_into(&mut crate::sim::output::NullSink)?;
        Ok(run_result(&head, r as u64, w as u32, r as u32))
    });
    let mut pairs: [Vec<RunResult>; 2] = [Vec::with_capacity(reps), Vec::with_capacity(reps)];
    for (i, r) in all.into_iter().enumerate() {
        // the first failed run in run order, whatever the threads did
        pairs[i % 2].push(r?);
    }
    Ok(pairs)
}

/// The statistics of a comparison (a pure function of the runs).
pub fn analyse(
    names: [String; 2],
    files: [String; 2],
    start: Month,
    months: u32,
    master_seed: u64,
    runs: [Vec<RunResult>; 2],
) -> Comparison {
    let reps = runs[0].len();
    let all: Vec<&RunResult> = runs[0].iter().chain(&runs[1]).collect();
    let constant = constant_outcomes(&all, months);
    let is_constant = |o: Outcome| constant.iter().any(|(k, _)| *k == o);
    let mut diffs = Vec::new();
    for o in COMPARED {
        if !is_constant(o) {
            let mut xa = Vec::new();
            let mut xb = Vec::new();
            for (ra, rb) in runs[0].iter().zip(&runs[1]) {
                if let (Some(va), Some(vb)) = (ra.outcomes[o.index()], rb.outcomes[o.index()]) {
                    xa.push(va);
                    xb.push(vb);
                }
            }
            let (label, unit) = (o.label().to_string(), o.unit().to_string());
            diffs.push(PairedDiff::of(o.column().to_string(), label, unit, &xa, &xb, o.threshold()));
        }
        if o == Outcome::Consolidated {
            restricted_mean(&mut diffs, &runs, months, &is_constant);
        }
    }
    let survival = [kaplan_meier(&runs[0], months), kaplan_meier(&runs[1], months)];
    let median_months = [survival::median_time(&survival[0]), survival::median_time(&survival[1])];
    let bands = [bands_of(&runs[0], months), bands_of(&runs[1], months)];
    let mut cmp = Comparison {
        names,
        files,
        start,
        months,
        replicates: reps as u32,
        master_seed,
        runs,
        bands,
        diffs,
        constant,
        survival,
        median_months,
        verdict: Vec::new(),
    };
    cmp.verdict = verdict(&cmp);
    cmp
}

/// Restricted mean time to consolidation: min(T, horizon), with runs that
/// never consolidate at the horizon (censoring happens only at the horizon,
/// so this equals the area under the Kaplan–Meier curve); nothing when it is
/// the same in every run.
fn restricted_mean(
    diffs: &mut Vec<PairedDiff>,
    runs: &[Vec<RunResult>; 2],
    months: u32,
    is_constant: &dyn Fn(Outcome) -> bool,
) {
    let t = Outcome::MonthsToConsolidation;
    if is_constant(t) {
        return;
    }
    let restricted = |r: &RunResult| survival::restricted_time(r.outcomes[t.index()], months);
    let ta: Vec<f64> = runs[0].iter().map(restricted).collect();
    let tb: Vec<f64> = runs[1].iter().map(restricted).collect();
    diffs.push(PairedDiff::of(
        RESTRICTED_MEAN.into(),
        format!("restricted mean months to consolidation (never = {months})"),
        "months from the start".into(),
        &ta,
        &tb,
        t.threshold(),
    ));
}

/// Kaplan–Meier estimate of the share of runs not yet consolidated, month
/// by month. A run that never consolidates is censored at the horizon.
pub fn kaplan_meier(runs: &[RunResult], months: u32) -> Vec<SurvivalPoint> {
    let o = Outcome::MonthsToConsolidation.index();
    let times: Vec<Option<f64>> = runs.iter().map(|r| r.outcomes[o]).collect();
    survival::kaplan_meier(&times, months)
}

fn bands_of(runs: &[RunResult], months: u32) -> Vec<Vec<BandPoint>> {
    Metric::ALL
        .iter()
        .enumerate()
        .map(|(k, _)| {
            (0..months as usize)
                .map(|m| {
                    let xs: Vec<f64> = runs.iter().filter_map(|r| r.paths[k].get(m).copied()).collect();
                    let s = stats::sorted(&xs);
                    let q = |p| stats::quantile_sorted(&s, p).unwrap_or(f64::NAN);
                    BandPoint {
                        mean: stats::mean(&xs).unwrap_or(f64::NAN),
                        p5: q(0.05),
                        p50: q(0.5),
                        p95: q(0.95),
                    }
                })
                .collect()
        })
        .collect()
}

fn fmt(v: f64, digits: usize) -> String {
    format!("{v:.digits$}")
}

/// A value in about four significant digits, for a sentence.
fn short(v: f64) -> String {
    if v == v.round() && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
        let text = format!("{v:.digits$}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// "Constant across runs" for the outcomes of `constant`, or `None`.
pub fn constant_sentence(constant: &[(Outcome, f64)], runs: &str) -> Option<String> {
    if constant.is_empty() {
        return None;
    }
    let list: Vec<String> = constant
        .iter()
        .map(|(o, v)| {
            let v =
                if o.is_time_to_event() { format!("{} months, the horizon", short(*v)) } else { short(*v) };
            format!("{} (value {v})", o.label())
        })
        .collect();
    Some(format!(
        "Constant across {runs}, so not analysed (no interval, effect or verdict): {}.",
        list.join("; ")
    ))
}

/// The size verdict of a difference: its class and the threshold
/// (`scale` turns the outcome's unit into the one shown).
fn size_words(d: &PairedDiff, digits: usize, unit: &str, scale: f64) -> String {
    let (Some(m), Some(t)) = (d.materiality, d.threshold) else {
        return String::new();
    };
    let t = format!("{}{unit}", fmt(t * scale, digits));
    match m {
        Materiality::Material => format!(" Material: at least the {t} of a material difference."),
        Materiality::DetectableButSmall => {
            format!(" Detectable but small: below the {t} of a material difference.")
        }
        Materiality::Negligible => {
            format!(" Negligible: the interval lies within ±{t}, the threshold of a material difference.")
        }
        Materiality::Inconclusive => format!(
            " Inconclusive: the interval includes zero and reaches beyond ±{t}, the threshold of a material difference."
        ),
    }
}

/// The verdict: each sentence states an effect with its interval, says
/// "no detectable difference" when the interval includes zero, and judges
/// its size against the outcome's threshold of a material difference.
fn verdict(c: &Comparison) -> Vec<String> {
    let (a, b) = (&c.names[0], &c.names[1]);
    let mut out = Vec::new();
    let n = c.replicates;
    out.push(format!(
        "{n} paired runs of {a} and {b} (replicate r of both with the same seed); differences are {a} minus {b}, with 95% paired t intervals; each is judged material, detectable but small, negligible or inconclusive against the outcome's threshold (docs/sweep.md), {b} being the control where the threshold is a share of a mean."
    ));
    if let Some(s) = constant_sentence(&c.constant, "every run of both worlds") {
        out.push(s);
    }
    let say = |d: &PairedDiff, what: &str, digits: usize, unit: &str, more: &str, less: &str| -> String {
        let (Some(x), Some(lo), Some(hi)) = (d.diff, d.ci_low, d.ci_high) else {
            return format!("{what}: too few pairs with a value to estimate a difference (n = {}).", d.n);
        };
        let range = format!("95% CI {} to {}{unit}", fmt(lo, digits), fmt(hi, digits));
        let size = size_words(d, digits, unit, 1.0);
        if d.significant() {
            let dir = if x > 0.0 { more } else { less };
            format!(
                "{what}: {a} {dir} by {}{unit} on average ({range}; n = {}).{size}",
                fmt(x.abs(), digits),
                d.n
            )
        } else {
            format!(
                "{what}: no detectable difference — the mean difference is {}{unit}, but the interval ({range}) includes zero (n = {}).{size}",
                fmt(x, digits),
                d.n
            )
        }
    };
    if let Some(d) = c.diff(Outcome::FinalIndependentFirms.column()) {
        out.push(say(d, "Independent firms at the end", 1, " firms", "ends with more", "ends with fewer"));
    }
    if let Some(d) = c.diff(Outcome::FinalIndependentLabs.column()) {
        out.push(say(
            d,
            "Independent foundation-model labs at the end",
            1,
            " labs",
            "ends with more",
            "ends with fewer",
        ));
    }
    if let Some(d) = c.diff(Outcome::FinalHhi.column()) {
        out.push(say(d, "Final HHI", 0, " points", "is more concentrated", "is less concentrated"));
    }
    if let Some(d) = c.diff(Outcome::Consolidated.column()) {
        let (pa, pb) = (d.mean_a.unwrap_or(0.0) * 100.0, d.mean_b.unwrap_or(0.0) * 100.0);
        let mut s = format!(
            "A consolidation phase is reached in {}% of {a}'s runs and {}% of {b}'s. ",
            fmt(pa, 0),
            fmt(pb, 0)
        );
        match (d.ci_low, d.ci_high) {
            (Some(lo), Some(hi)) if d.significant() => s.push_str(&format!(
                "The difference, {} percentage points (95% CI {} to {}), excludes zero.",
                fmt(100.0 * d.diff.unwrap_or(0.0), 0),
                fmt(100.0 * lo, 0),
                fmt(100.0 * hi, 0)
            )),
            (Some(lo), Some(hi)) => s.push_str(&format!(
                "The difference (95% CI {} to {} points) includes zero: no detectable difference in how often consolidation happens.",
                fmt(100.0 * lo, 0),
                fmt(100.0 * hi, 0)
            )),
            _ => s.push_str("Every pair agrees, so there is no interval to give."),
        }
        s.push_str(&size_words(d, 0, " percentage points", 100.0));
        out.push(s);
    }
    let med = |m: Option<u32>| m.map_or("not reached".to_string(), |m| c.date(m));
    let medians = format!(
        "Median start of consolidation (Kaplan–Meier, runs that never consolidate censored at the horizon): {a} {}, {b} {}.",
        med(c.median_months[0]),
        med(c.median_months[1])
    );
    if let Some(d) = c.diff(RESTRICTED_MEAN) {
        out.push(format!(
            "{} {medians}",
            say(
                d,
                &format!(
                    "Time to consolidation (restricted mean over every run, never = the {}-month horizon)",
                    c.months
                ),
                1,
                " months",
                "takes longer",
                "consolidates sooner"
            ),
        ));
    } else {
        out.push(medians);
    }
    out.push(
        "These are effects inside the model, given its assumptions and calibration (docs/calibration.md); the intervals cover seed-to-seed noise only, not uncertainty in the parameters (see the sensitivity sweep).".into(),
    );
    out
}

/// compare.csv, pairs.csv, bands.csv, survival.csv, summary.json.
pub fn data_files(c: &Comparison) -> Vec<OutFile> {
    let compare = csv_bytes(
        &[
            "outcome",
            "n_pairs",
            "mean_a",
            "mean_b",
            "mean_diff_a_minus_b",
            "sd_diff",
            "ci95_low",
            "ci95_high",
            "method",
            "material_threshold",
            "verdict",
        ],
        c.diffs
            .iter()
            .map(|d| {
                vec![
                    d.outcome.clone(),
                    d.n.to_string(),
                    opt(d.mean_a),
                    opt(d.mean_b),
                    opt(d.diff),
                    opt(d.sd),
                    opt(d.ci_low),
                    opt(d.ci_high),
                    d.method.to_string(),
                    opt(d.threshold),
                    d.materiality.map_or(String::new(), |m| m.as_str().to_string()),
                ]
            })
            .collect(),
    );
    let mut header = vec!["replicate".to_string(), "seed".to_string()];
    for col in Outcome::ALL.iter().map(|o| o.column()) {
        header.push(format!("a_{col}"));
        header.push(format!("b_{col}"));
    }
    let pairs = csv_bytes(
        &header,
        (0..c.runs[0].len())
            .map(|r| {
                let mut row = vec![r.to_string(), c.runs[0][r].seed.to_string()];
                for o in 0..Outcome::COUNT {
                    row.push(opt(c.runs[0][r].outcomes[o]));
                    row.push(opt(c.runs[1][r].outcomes[o]));
                }
                row
            })
            .collect(),
    );
    let mut band_rows = Vec::new();
    for (w, name) in c.names.iter().enumerate() {
        for (k, metric) in Metric::ALL.iter().enumerate() {
            for (m, p) in c.bands[w][k].iter().enumerate() {
                band_rows.push(vec![
                    if w == 0 { "a".into() } else { "b".into() },
                    name.clone(),
                    metric.as_str().to_string(),
                    m.to_string(),
                    c.date(m as u32),
                    format!("{}", p.mean),
                    format!("{}", p.p5),
                    format!("{}", p.p50),
                    format!("{}", p.p95),
                ]);
            }
        }
    }
    let bands =
        csv_bytes(&["world", "name", "metric", "month", "date", "mean", "p5", "p50", "p95"], band_rows);
    let mut surv_rows = Vec::new();
    for (w, name) in c.names.iter().enumerate() {
        for p in &c.survival[w] {
            surv_rows.push(vec![
                if w == 0 { "a".into() } else { "b".into() },
                name.clone(),
                p.month.to_string(),
                c.date(p.month),
                p.at_risk.to_string(),
                p.events.to_string(),
                format!("{}", p.survival),
            ]);
        }
    }
    let survival =
        csv_bytes(&["world", "name", "month", "date", "at_risk", "events", "not_consolidated"], surv_rows);
    let mut summary = serde_json::json!({
        "world_a": {"name": c.names[0], "file": c.files[0]},
        "world_b": {"name": c.names[1], "file": c.files[1]},
        "start": c.start.to_string(),
        "months": c.months,
        "replicates": c.replicates,
        "master_seed": c.master_seed,
        "seed_rule": "replicate r of both worlds: seed = splitmix64(splitmix64(splitmix64(master_seed) ^ (2^64-1)) ^ r) (common random numbers)",
        "interval": "95% paired Student t interval of the mean difference A - B",
        "median_months_to_consolidation": {"a": c.median_months[0], "b": c.median_months[1]},
        "differences": c.diffs.iter().map(|d| serde_json::json!({
            "outcome": d.outcome, "n_pairs": d.n, "mean_a": d.mean_a, "mean_b": d.mean_b,
            "mean_diff": d.diff, "ci95_low": d.ci_low, "ci95_high": d.ci_high, "significant": d.significant(),
            "material_threshold": d.threshold, "verdict": d.materiality.map(|m| m.as_str()),
        })).collect::<Vec<_>>(),
        "constant_outcomes": c.constant.iter().map(|(o, v)| serde_json::json!({"outcome": o.column(), "value": v})).collect::<Vec<_>>(),
        "thresholds": "material difference: |mean difference| >= threshold with a 95% interval that excludes zero; thresholds per outcome in docs/sweep.md; world B is the control of thresholds relative to a mean",
        "verdict": c.verdict,
    });
    Provenance::current().stamp(&mut summary);
    let mut text = serde_json::to_string_pretty(&summary).expect("JSON of plain values");
    text.push('\n');
    vec![
        ("compare.csv".into(), compare),
        ("pairs.csv".into(), pairs),
        ("bands.csv".into(), bands),
        ("survival.csv".into(), survival),
        ("summary.json".into(), text.into_bytes()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(t: Option<f64>) -> RunResult {
        let mut outcomes = vec![Some(0.0); Outcome::COUNT];
        outcomes[Outcome::MonthsToConsolidation.index()] = t;
        outcomes[Outcome::Consolidated.index()] = Some(if t.is_some() { 1.0 } else { 0.0 });
        RunResult { run_id: 0, cell: 0, replicate: 0, seed: 0, outcomes, paths: [vec![], vec![], vec![]] }
    }

    fn pair(firms: f64) -> RunResult {
        let mut r = run_with(None);
        r.outcomes[Outcome::FinalIndependentFirms.index()] = Some(firms);
        r
    }

    fn compared(a: &[f64], b: &[f64]) -> Comparison {
        let runs = [a.iter().map(|&x| pair(x)).collect(), b.iter().map(|&x| pair(x)).collect()];
        analyse(["A".into(), "B".into()], ["a.ron".into(), "b.ron".into()], Month::new(2022, 1), 12, 1, runs)
    }

    #[test]
    fn verdict_claims_only_what_the_interval_supports() {
        // A clear effect: A has ~10 fewer firms in every pair.
        let c = compared(&[40.0, 41.0, 39.0, 40.0, 42.0], &[50.0, 52.0, 49.0, 50.0, 51.0]);
        let d = c.diff(Outcome::FinalIndependentFirms.column()).unwrap();
        assert!(d.significant() && (d.diff.unwrap() + 10.0).abs() < 1e-9);
        assert!(c.verdict.iter().any(|v| v.contains("A ends with fewer by 10.0 firms")), "{:?}", c.verdict);
        // Noise only: differences of both signs, interval includes zero.
        let c = compared(&[40.0, 45.0, 38.0, 47.0, 41.0], &[42.0, 41.0, 44.0, 40.0, 43.0]);
        let d = c.diff(Outcome::FinalIndependentFirms.column()).unwrap();
        assert!(!d.significant());
        let line = c.verdict.iter().find(|v| v.starts_with("Independent firms")).unwrap();
        assert!(line.contains("no detectable difference") && line.contains("includes zero"), "{line}");
        assert!(!line.contains("fewer") && !line.contains("more"), "{line}");
    }

    #[test]
    fn constant_outcomes_get_no_statistics() {
        // Every outcome but the final firms is 0 in every run of both worlds.
        let c = compared(&[40.0, 41.0, 39.0, 40.0, 42.0], &[50.0, 52.0, 49.0, 50.0, 51.0]);
        assert!(c.diff(Outcome::FinalHhi.column()).is_none());
        assert!(c.diff(Outcome::Consolidated.column()).is_none());
        assert!(
            c.diff(RESTRICTED_MEAN).is_none(),
            "no run consolidates: every restricted time is the horizon"
        );
        assert!(c.constant.iter().any(|(o, v)| *o == Outcome::MonthsToConsolidation && *v == 12.0));
        assert!(c.constant.iter().any(|(o, v)| *o == Outcome::FinalTotalRevenueMusd && *v == 0.0));
        assert!(!c.constant.iter().any(|(o, _)| *o == Outcome::FinalIndependentFirms));
        let said: Vec<&String> = c.verdict.iter().filter(|v| v.contains("Constant across")).collect();
        assert_eq!(said.len(), 1, "said once: {:?}", c.verdict);
        assert!(said[0].contains("final HHI (value 0)") && said[0].contains("not analysed"), "{}", said[0]);
        assert!(!c.verdict.iter().any(|v| v.starts_with("Final HHI")), "{:?}", c.verdict);
        let csv = String::from_utf8(data_files(&c)[0].1.clone()).unwrap();
        assert!(!csv.contains("\nfinal_hhi,") && csv.contains("final_independent_firms,"), "{csv}");
    }

    #[test]
    fn verdicts_judge_size_against_the_threshold() {
        // −10 firms against B's mean of 50.4: the threshold is 5% of it, 2.52 firms.
        let c = compared(&[40.0, 41.0, 39.0, 40.0, 42.0], &[50.0, 52.0, 49.0, 50.0, 51.0]);
        let d = c.diff(Outcome::FinalIndependentFirms.column()).unwrap();
        assert!((d.threshold.unwrap() - 2.52).abs() < 1e-9);
        assert_eq!(d.materiality, Some(Materiality::Material));
        let line = c.verdict.iter().find(|v| v.starts_with("Independent firms")).unwrap();
        assert!(line.contains("Material") && line.contains("2.5 firms"), "{line}");
        // −1 firm, every pair alike: real, but below the threshold.
        let c = compared(&[49.0, 51.0, 48.0, 49.0, 50.0], &[50.0, 52.0, 49.0, 50.0, 51.0]);
        let d = c.diff(Outcome::FinalIndependentFirms.column()).unwrap();
        assert!(d.significant());
        assert_eq!(d.materiality, Some(Materiality::DetectableButSmall));
        let line = c.verdict.iter().find(|v| v.starts_with("Independent firms")).unwrap();
        assert!(line.contains("Detectable but small"), "{line}");
        // Differences of ±0.5 around zero: inside ±2.52, negligible.
        let c = compared(&[50.5, 51.5, 49.0, 50.5, 50.5], &[50.0, 52.0, 49.0, 50.0, 51.0]);
        let d = c.diff(Outcome::FinalIndependentFirms.column()).unwrap();
        assert_eq!(d.materiality, Some(Materiality::Negligible), "{d:?}");
    }

    #[test]
    fn timing_is_compared_by_restricted_mean_only() {
        let mut runs: [Vec<RunResult>; 2] = [Vec::new(), Vec::new()];
        for (w, times) in
            [[Some(10.0), None, Some(20.0), None], [Some(30.0), Some(40.0), None, None]].iter().enumerate()
        {
            runs[w] = times.iter().map(|t| run_with(*t)).collect();
        }
        let c = analyse(["A".into(), "B".into()], ["a".into(), "b".into()], Month::new(2022, 1), 48, 1, runs);
        assert!(
            c.diff(Outcome::MonthsToConsolidation.column()).is_none(),
            "no mean over the consolidated pairs"
        );
        let order: Vec<&str> = c.diffs.iter().map(|d| d.outcome.as_str()).collect();
        let at = order.iter().position(|o| *o == "consolidated").unwrap();
        assert_eq!(order[at + 1], RESTRICTED_MEAN, "{order:?}");
        let d = c.diff(RESTRICTED_MEAN).unwrap();
        assert_eq!(d.n, 4);
        // A: (10 + 48 + 20 + 48) / 4 = 31.5; B: (30 + 40 + 48 + 48) / 4 = 41.5
        assert!((d.diff.unwrap() + 10.0).abs() < 1e-9, "{d:?}");
        assert_eq!(d.threshold, Some(3.0));
    }

    #[test]
    fn timing_is_compared_when_every_run_consolidates() {
        // Both worlds consolidate in every run: the share is constant, the timing is not.
        let runs = [
            [10.0, 12.0, 11.0, 13.0].iter().map(|t| run_with(Some(*t))).collect(),
            [20.0, 19.0, 22.0, 21.0].iter().map(|t| run_with(Some(*t))).collect(),
        ];
        let c = analyse(["A".into(), "B".into()], ["a".into(), "b".into()], Month::new(2022, 1), 48, 1, runs);
        assert!(c.diff(Outcome::Consolidated.column()).is_none());
        let d = c.diff(RESTRICTED_MEAN).unwrap();
        assert!((d.diff.unwrap() + 9.0).abs() < 1e-9);
        assert_eq!(d.materiality, Some(Materiality::Material));
        assert!(c.verdict.iter().any(|v| v.starts_with("Time to consolidation") && v.contains("Material")));
        assert!(short(0.6) == "0.6" && short(1234.5678) == "1235" && short(3.0) == "3");
    }

    #[test]
    fn kaplan_meier_with_censoring_at_the_horizon() {
        // 4 runs: events at 2, 2, 5, and one censored (never).
        let runs = vec![run_with(Some(2.0)), run_with(Some(2.0)), run_with(Some(5.0)), run_with(None)];
        let km = kaplan_meier(&runs, 8);
        assert_eq!(km[1].survival, 1.0);
        assert_eq!((km[2].at_risk, km[2].events), (4, 2));
        assert!((km[2].survival - 0.5).abs() < 1e-12);
        assert!((km[5].survival - 0.25).abs() < 1e-12);
        assert!((km[7].survival - 0.25).abs() < 1e-12, "the censored run keeps the curve above 0");
        assert_eq!(survival::median_time(&km), Some(2));
    }
}
