//! The study report: ONE self-contained HTML page per sweep (no scripts, no
//! network, charts as inline SVG) with the study's provenance, its design,
//! the key outcomes per cell with their intervals, the charts, and — for a
//! factorial or a Latin hypercube — the effects or sensitivities in a table
//! and in plain words.
//!
//! The words claim no more than the intervals support: an effect "matters"
//! only when its 95% interval excludes zero, and an interval that includes
//! zero is reported as "no evidence", never as "no effect"; each effect's
//! size is judged against the outcome's threshold of a material change
//! (material, detectable but small, negligible, inconclusive). Outcomes
//! constant across the runs are named once and not analysed; the time to
//! consolidation is shown as the restricted mean and the Kaplan–Meier
//! median, never over the runs that consolidated. Every string
//! from the sweep file (names, descriptions, parameter paths and values,
//! cell labels, factor and level names) is HTML-escaped.

use crate::analysis::outcome::Outcome;
use crate::analysis::{stats, survival};
use crate::study::aggregate;
use crate::study::data::{DesignKind, Effect, ParamKind, Sensitivity, Study, Summary};
use crate::view::format::{self, count, outcome_diff, outcome_value, rho, short_number, thousands};
use crate::view::html::page::{self, PageKind, figures, footer, page};
use crate::view::registry::{ChartId, StudyChart};
use crate::view::study_charts::{cell_names, effect_terms, heatmap_outcomes, param_title, term_label};
use crate::view::theme::Rendered;
use maud::{Markup, html};

mod effects;
use effects::*;
mod sensitivity;
use sensitivity::*;
#[cfg(test)]
mod tests;

pub use crate::view::html::compare_report::comparison_report;

/// Tables with more rows than this are folded into a `<details>` element.
pub const FOLD_ROWS: usize = 24;

/// The sensitivity table lists at most this many parameters per outcome.
pub const TOP_PARAMS: usize = 15;

/// The report of a study: `charts` as `charts::render_study` returns them.
pub fn study_report(study: &Study, charts: &[Rendered]) -> String {
    let findings = match study.design {
        DesignKind::Factorial => effects(study),
        DesignKind::LatinHypercube => sensitivity(study),
        DesignKind::Grid => grid_findings(study),
    };
    let body = html! {
        header {
            p.kicker { "chipban sweep report" }
            h1 { "Study “" (study.name) "”" }
            p.lede { (study.description) }
        }
        (contents(study, charts))
        (provenance(study))
        (design(study))
        (outcomes(study))
        (findings)
        (figures(charts, |id| match id {
            ChartId::Study(chart) => caption(chart, study),
            other => unreachable!("a study report shows study charts only, not {other:?}"),
        }))
        (how_to_read(study))
        (footer("the study's runs"))
    };
    page(PageKind::Study, &format!("chipban study: {}", study.name), body)
}

// ---------------------------------------------------------------- numbers

/// `a to b` for an interval of an effect.
fn interval(outcome: Outcome, lo: f64, hi: f64) -> String {
    format!("{} to {}", diff(outcome, lo), diff(outcome, hi))
}

fn val(outcome: Outcome, v: f64) -> String {
    outcome_value(outcome, v)
}

fn diff(outcome: Outcome, v: f64) -> String {
    outcome_diff(outcome, v)
}

/// The interval of a mean, clipped to 0–100% for a share of runs.
fn mean_interval(outcome: Outcome, s: &Summary) -> Option<String> {
    let (lo, hi) = s.ci_low.zip(s.ci_high)?;
    let (lo, hi) = if outcome == Outcome::Consolidated { (lo.max(0.0), hi.min(1.0)) } else { (lo, hi) };
    Some(format!("{} to {}", val(outcome, lo), val(outcome, hi)))
}

/// Whether an interval lies wholly on one side of zero.
fn excludes_zero(lo: Option<f64>, hi: Option<f64>) -> bool {
    matches!((lo, hi), (Some(a), Some(b)) if a > 0.0 || b < 0.0)
}

/// The outcomes a factorial or sensitivity section discusses in words.
const TOLD: [Outcome; 2] = [Outcome::FinalIndependentFirms, Outcome::Consolidated];

/// The outcomes of the per-cell table.
const TABLED: [Outcome; 4] = [
    Outcome::FinalIndependentFirms,
    Outcome::FinalHhi,
    Outcome::Consolidated,
    Outcome::MonthsToConsolidation,
];

// ---------------------------------------------------------------- sections

fn contents(study: &Study, charts: &[Rendered]) -> Markup {
    let mut items =
        vec![("provenance", "The study"), ("design", "The design"), ("outcomes", "Outcomes by cell")];
    items.push(match study.design {
        DesignKind::Factorial => ("effects", "What matters: effects"),
        DesignKind::LatinHypercube => ("sensitivity", "What matters: sensitivity"),
        DesignKind::Grid => ("findings", "Across the grid"),
    });
    if !charts.is_empty() {
        items.push(("charts", "Charts"));
    }
    items.push(("reading", "How to read this"));
    page::contents(&items)
}

fn design_name(study: &Study) -> String {
    match study.design {
        DesignKind::Grid => format!(
            "grid: every combination of the values of {}",
            count(study.params.len() as u64, "parameter", "parameters")
        ),
        DesignKind::Factorial => {
            let levels: Vec<String> = study.factors.iter().map(|f| f.levels.len().to_string()).collect();
            format!(
                "full factorial, {} = {} (each factor a bundle of world settings; the first level is the reference)",
                if levels.is_empty() { "no factors".to_string() } else { levels.join(" × ") },
                count(study.cells.len() as u64, "cell", "cells")
            )
        }
        DesignKind::LatinHypercube => format!(
            "Latin hypercube: {} spread evenly over the ranges of {}",
            count(study.cells.len() as u64, "sample", "samples"),
            count(study.params.len() as u64, "parameter", "parameters")
        ),
    }
}

fn provenance(study: &Study) -> Markup {
    let end = study.start.plus(study.months.max(1) as i32 - 1);
    html! {
        section #provenance {
            h2 { "The study" }
            dl.brief {
                dt { "Base world" } dd { (study.world_name) }
                dt { "Design" } dd { (design_name(study)) }
                dt { "Cells" } dd { (thousands(study.cells.len() as u64)) }
                dt { "Replicates" } dd { (thousands(study.replicates as u64)) " per cell" }
                dt { "Runs" } dd { (thousands(study.runs.len() as u64)) }
                dt { "Period" } dd { (study.start) " to " (end) " (" (count(study.months as u64, "month", "months")) " per run)" }
                dt { "Master seed" } dd { (study.master_seed) }
                dt { "Common random numbers" }
                dd {
                    @if study.design == DesignKind::LatinHypercube {
                        "no: a Latin hypercube gives every design point its own seeds, so its points are independent observations; the replicates of a point are averaged and the sensitivity statistics use n = the number of points"
                    } @else if study.common_random_numbers {
                        "yes: replicate " i { "r" } " of every cell runs with the same seed, so cells are compared on the same random histories (paired comparison); differences between cells come from the parameters, not from luck of the draw, and effects are computed replicate by replicate"
                    } @else {
                        "no: every run has its own seed, so cells are independent samples; differences between cells include the run-to-run randomness, which the intervals account for"
                    }
                }
            }
        }
    }
}

fn kind_name(k: ParamKind) -> &'static str {
    match k {
        ParamKind::Number => "number",
        ParamKind::Month => "month",
        ParamKind::Level => "level",
        ParamKind::Text => "value",
    }
}

/// A table, folded into `<details>` when it has more than [`FOLD_ROWS`] rows.
fn folded_table(rows: usize, what: &str, table: Markup) -> Markup {
    html! {
        @if rows > FOLD_ROWS {
            details {
                summary { "Show the " (thousands(rows as u64)) " rows of " (what) }
                div.scroll { (table) }
            }
        } @else {
            div.scroll { (table) }
        }
    }
}

fn runs_in(study: &Study, cell: u32) -> usize {
    study.runs.iter().filter(|r| r.cell == cell).count()
}

fn design(study: &Study) -> Markup {
    let range = |i: usize| {
        let vals: Vec<(f64, &str)> = study
            .cells
            .iter()
            .filter_map(|c| Some((c.numeric.get(i).copied().flatten()?, c.values.get(i)?.as_str())))
            .collect();
        let lo = vals.iter().min_by(|a, b| a.0.total_cmp(&b.0)).map(|v| v.1);
        let hi = vals.iter().max_by(|a, b| a.0.total_cmp(&b.0)).map(|v| v.1);
        lo.zip(hi)
    };
    let table = html! {
        table {
            thead {
                tr {
                    th.num { "cell" }
                    @for i in 0..study.params.len() { th { (param_title(study, i)) } }
                    th.num { "runs" }
                }
            }
            tbody {
                @for c in &study.cells {
                    tr {
                        td.num { (c.id) }
                        @for i in 0..study.params.len() {
                            td { (crate::view::study_charts::pretty_value(c.values.get(i).map_or("", |s| s.as_str()))) }
                        }
                        td.num { (thousands(runs_in(study, c.id) as u64)) }
                    }
                }
            }
        }
    };
    html! {
        section #design {
            h2 { "The design" }
            @if !study.factors.is_empty() {
                p { "Factors and their levels (the first level is the reference the effects are measured from):" }
                ul {
                    @for f in &study.factors {
                        li {
                            b { (crate::study::label::ParamLabel::plain(&f.name).name) } ": "
                            @for (k, l) in f.levels.iter().enumerate() {
                                @if k > 0 { ", " }
                                "“" (l) "”"
                            }
                        }
                    }
                }
            }
            @if study.design == DesignKind::LatinHypercube && !study.params.is_empty() {
                p { "Ranges sampled:" }
                ul {
                    @for (i, p) in study.params.iter().enumerate() {
                        li {
                            b { (param_title(study, i)) } " (" (kind_name(p.kind)) ")"
                            @if let Some((lo, hi)) = range(i) {
                                ": " (short_number(lo)) " to " (short_number(hi))
                            }
                        }
                    }
                }
            }
            (folded_table(study.cells.len(), "the design", table))
        }
    }
}

/// One outcome's summary as table cells: the mean with its interval, and
/// the 5th–95th percentile range (for months to consolidation: the
/// restricted mean over every run with its interval, and the Kaplan–Meier
/// median `km`).
fn summary_cells(study: &Study, outcome: Outcome, s: Option<&Summary>, km: Option<u32>) -> Markup {
    let Some(s) = s.filter(|s| s.n > 0 && s.mean.is_some()) else {
        return match outcome {
            Outcome::MonthsToConsolidation | Outcome::Consolidated => html! { td.num { "—" } },
            _ => html! { td.num { "—" } td.num { "—" } },
        };
    };
    let mean = s.mean.unwrap_or(f64::NAN);
    // A restricted time lies within the horizon: so does its interval as shown.
    let clipped;
    let s = if outcome == Outcome::MonthsToConsolidation {
        clipped = Summary { ci_high: s.ci_high.map(|h| h.min(study.months as f64)), ..*s };
        &clipped
    } else {
        s
    };
    let ci = html! {
        @if let Some(c) = mean_interval(outcome, s) { span.ci { (c) } }
    };
    match outcome {
        Outcome::Consolidated => {
            let yes = (mean * s.n as f64).round() as u64;
            html! {
                td.num { (val(outcome, mean)) " " span.ci { (thousands(yes)) " of " (thousands(s.n as u64)) } (ci) }
            }
        }
        Outcome::MonthsToConsolidation => html! {
            td.num {
                (val(outcome, mean)) (ci)
                span.ci {
                    "KM median "
                    @match km { Some(m) => { (m) " (" (study.date(m)) ")" }, None => "not reached" }
                }
            }
        },
        _ => {
            let p = match (s.p5, s.p95) {
                (Some(a), Some(b)) => format!("{} to {}", val(outcome, a), val(outcome, b)),
                _ => "—".to_string(),
            };
            html! { td.num { (val(outcome, mean)) (ci) } td.num { (p) } }
        }
    }
}

fn outcomes(study: &Study) -> Markup {
    // A Latin hypercube's samples are many and have few runs each: the
    // all-runs row comes first, the samples folded below it.
    let lhs = study.design == DesignKind::LatinHypercube;
    let rows = study.cells.len() + usize::from(!lhs);
    let table = html! {
        table {
            (outcome_head(study, !lhs))
            tbody {
                @for c in &study.cells {
                    tr {
                        td.num { (c.id) }
                        @if !lhs {
                            td {
                                @if study.design == DesignKind::Factorial {
                                    (cell_names(study, c).first().unwrap_or(&c.label))
                                } @else {
                                    (cell_names(study, c).last().unwrap_or(&c.label))
                                }
                            }
                        }
                        @for o in TABLED {
                            (summary_cells(study, o, study.stat(c.id, o), study.km_median.get(c.id as usize).copied().flatten()))
                        }
                    }
                }
                @if !lhs { (all_runs_row(study, true)) }
            }
        }
    };
    html! {
        section #outcomes {
            h2 { "Outcomes by cell" }
            p.note {
                "Each cell: the mean over its runs with the 95% confidence interval of the mean below it, and the range of the middle 90% of runs (5th to 95th percentile). Consolidated: the share of runs that reach a consolidation phase. Months to consolidation: the restricted mean over every run (a run that never consolidates counts as the "
                (study.months) "-month horizon) with its interval, and the Kaplan–Meier median month."
            }
            @if let Some(line) = crate::compare::constant_sentence(&study.constant, "every run of the study") {
                p.note.constant { (line) }
            }
            @if lhs {
                div.scroll { table { (outcome_head(study, false)) tbody { (all_runs_row(study, false)) } } }
            }
            (folded_table(rows, if lhs { "outcomes by sample" } else { "outcomes by cell" }, table))
        }
    }
}

/// The outcomes table's head; the parameters column is headed by their
/// short readable names (factor names for a factorial).
fn outcome_head(study: &Study, parameters: bool) -> Markup {
    let names: Vec<String> = (0..study.params.len()).map(|p| study.label(p).short).collect();
    html! {
        thead {
            tr {
                th.num { "cell" }
                @if parameters {
                    th {
                        @if study.design == DesignKind::Factorial { "factors off their reference level" }
                        @else { (names.join(", ")) }
                    }
                }
                th.num { "final independent firms" }
                th.num { "p5 to p95" }
                th.num { "final HHI" }
                th.num { "p5 to p95" }
                th.num { "consolidated" }
                th.num { "months to consolidation: restricted mean; KM median" }
            }
        }
    }
}

/// The row of all runs together.
fn all_runs_row(study: &Study, parameters: bool) -> Markup {
    let summary = |o: Outcome| {
        let xs: Vec<f64> = study
            .runs
            .iter()
            .filter_map(|r| o.analysed(r.outcomes.get(o.index()).copied().flatten(), study.months))
            .collect();
        let mut s = stats::summarise(&xs);
        if study.constant_value(o).is_some() {
            (s.sd, s.ci_low, s.ci_high) = (None, None, None);
        }
        s
    };
    let t = Outcome::MonthsToConsolidation.index();
    let times: Vec<Option<f64>> = study.runs.iter().map(|r| r.outcomes.get(t).copied().flatten()).collect();
    let km = survival::median_time(&survival::kaplan_meier(&times, study.months));
    html! {
        tr.all {
            @if parameters { td {} }
            td { "all " (thousands(study.runs.len() as u64)) " runs" }
            @for o in TABLED {
                (summary_cells(study, o, Some(&summary(o)), km))
            }
        }
    }
}

// ---------------------------------------------------------------- grid

fn grid_findings(study: &Study) -> Markup {
    let findings: Vec<Markup> = TOLD.into_iter().filter_map(|outcome| grid_finding(study, outcome)).collect();
    let flat = if study.params.len() == 2 { heatmap_outcomes(study).1 } else { Vec::new() };
    html! {
        section #findings {
            h2 { "Across the grid" }
            @for f in &findings { p { (f) } }
            @if findings.is_empty() {
                p { "No cell has values for the key outcomes." }
            }
            @if !flat.is_empty() {
                p.note.constant {
                    "Not drawn as a heat map, because every cell reads the same: "
                    @for (k, (o, v)) in flat.iter().enumerate() {
                        @if k > 0 { "; " }
                        (o.phrase()) " (" (v) " in every cell)"
                    }
                    "."
                }
            }
            @if study.params.len() <= 2 && !study.runs.is_empty() { (time_to_consolidation(study)) }
        }
    }
}

/// When the runs consolidate, per value of the grid's first parameter (the
/// other parameter's cells pooled): the question of a timing study.
fn time_to_consolidation(study: &Study) -> Markup {
    let levels = crate::view::study_charts::consolidation_levels(study);
    let name = param_title(study, 0);
    html! {
        h3 { "When does consolidation come? By " (name) }
        div.scroll {
            table {
                thead {
                    tr {
                        th { (name) }
                        th.num { "runs consolidating" }
                        th.num { "restricted mean months to consolidation (95% CI)" }
                        th.num { "Kaplan–Meier median" }
                    }
                }
                tbody {
                    @for l in &levels {
                        @let n = l.restricted.n;
                        @let k = l.curve.iter().map(|p| p.events).sum::<usize>();
                        tr {
                            td { (crate::view::study_charts::pretty_value(&l.value)) }
                            td.num { (thousands(k as u64)) " of " (thousands(n as u64)) }
                            td.num {
                                @if let Some(m) = l.restricted.mean { (format::value_label(m)) }
                                @if let Some(c) = mean_interval(Outcome::MonthsToConsolidation, &l.restricted) { span.ci { (c) } }
                            }
                            td.num {
                                @match survival::median_time(&l.curve) {
                                    Some(m) => { (study.date(m)) " (month " (m) ")" },
                                    None => "not reached",
                                }
                            }
                        }
                    }
                }
            }
        }
        p.note {
            "A run that never consolidates counts the " (study.months) "-month horizon in the restricted mean; the median is “not reached” while fewer than half the runs have consolidated. The chart “Months to consolidation” draws the curves."
        }
    }
}

/// Where an outcome is lowest and highest over the cells of a grid.
fn grid_finding(study: &Study, outcome: Outcome) -> Option<Markup> {
    let means: Vec<(&crate::study::data::Cell, &Summary)> = study
        .cells
        .iter()
        .filter_map(|c| Some((c, study.stat(c.id, outcome).filter(|s| s.mean.is_some())?)))
        .collect();
    let lo = means.iter().min_by(|a, b| a.1.mean.unwrap_or(0.0).total_cmp(&b.1.mean.unwrap_or(0.0)))?;
    let hi = means.iter().max_by(|a, b| a.1.mean.unwrap_or(0.0).total_cmp(&b.1.mean.unwrap_or(0.0)))?;
    let name = |c: &crate::study::data::Cell| cell_names(study, c).first().unwrap_or(&c.label).clone();
    let ci = |s: &Summary| mean_interval(outcome, s).map(|c| format!(" (95% CI {c})")).unwrap_or_default();
    let (lo_mean, hi_mean) = (lo.1.mean.unwrap_or(0.0), hi.1.mean.unwrap_or(0.0));
    let head = html! { b { (capitalise(outcome.phrase())) "." } };
    if lo.0.id != hi.0.id && (hi_mean - lo_mean).abs() <= 1e-9 * hi_mean.abs().max(1.0) {
        return Some(html! { (head) " The same in every cell: " (val(outcome, lo_mean)) "." });
    }
    if lo.0.id == hi.0.id {
        return Some(html! { (head) " " (val(outcome, lo_mean)) (ci(lo.1)) " in the only cell." });
    }
    let apart = match (lo.1.ci_high, hi.1.ci_low) {
        (Some(a), Some(b)) if a < b => "their intervals do not overlap",
        (Some(_), Some(_)) => "their intervals overlap, so this spread may be chance",
        _ => "too few runs for intervals",
    };
    Some(html! {
        (head) " Lowest in cell " (lo.0.id) " (" (name(lo.0)) "): " (val(outcome, lo_mean)) (ci(lo.1))
        "; highest in cell " (hi.0.id) " (" (name(hi.0)) "): " (val(outcome, hi_mean)) (ci(hi.1)) "; " (apart) "."
    })
}

// ---------------------------------------------------------------- charts

/// A one-line caption: how to read the chart.
fn caption(chart: StudyChart, study: &Study) -> Markup {
    let groups = if study.design == DesignKind::LatinHypercube { "all runs" } else { "each cell's runs" };
    let param = param_title(study, 0);
    match chart {
        StudyChart::FanHhi => html! {
            "HHI of the model market (shares of tokens served; 0–10,000, above 1,800 “highly concentrated”) month by month: the line is the mean over " (groups) ", the band holds the middle 90% of runs (5th to 95th percentile)."
        },
        StudyChart::FanFirms => html! {
            "Independent firms (a buyer and what it bought count as one) month by month: the line is the mean over "
            (groups) ", the band the middle 90% of runs."
        },
        StudyChart::OutcomeVsParam => html! {
            "Key outcomes for each value of " b { (param) } ": the large dot is the cell's mean with its 95% confidence interval, small faint dots are single runs (whether a run consolidated is yes or no, so only the share is shown)."
        },
        StudyChart::Heatmap => html! {
            "Each tile is one cell: the mean over its runs, with the 95% confidence interval below; darker tiles are higher (months to consolidation: the restricted mean, a run that never consolidates counting the " (study.months) "-month horizon). Hover over a tile for its cell and values."
        },
        StudyChart::TimeToConsolidation => html! {
            "Left: for each value of " b { (param) } ", the share of runs not yet in a consolidation phase, month by month (Kaplan–Meier; runs that never consolidate are censored at the horizon; the cells of the other parameter pooled). Where a curve crosses the grey half line is its median. Right: the restricted mean months to consolidation with its 95% interval (a run that never consolidates counts " (study.months) " months). Hover for the values."
        },
        StudyChart::Effects => html! {
            "One row per term: the dot is the estimated change from the reference level, the whisker its 95% interval; a whisker that crosses the zero line means no evidence of an effect."
        },
        StudyChart::Sensitivity => html! {
            "One bar per parameter, sorted by strength: the Spearman rank correlation with the outcome over the design points (replicates averaged), with its 95% interval; a whisker across zero means no evidence of a monotone relation."
        },
    }
}

fn how_to_read(study: &Study) -> Markup {
    html! {
        section #reading {
            h2 { "How to read this" }
            ul.reading {
                li {
                    "Each run is one simulated history of the world. Runs of a cell share its parameter values and differ only in their random seed (the replicates)."
                }
                li {
                    b { "Mean with 95% CI" } ": the interval is Student's t over the runs of a cell (n − 1 degrees of freedom). It says where the mean over many more replicates would likely lie; it is not the spread of single runs."
                }
                li {
                    b { "p5 to p95" } ": the 5th and 95th percentiles of the runs (linear interpolation between order statistics, Hyndman and Fan type 7, the default of R and numpy): the range of the middle 90% of outcomes."
                }
                li {
                    b { "Consolidated" } " is 1 for a run that reaches a consolidation phase and 0 otherwise, so its mean is the share of runs; its t interval is approximate for a share, most of all with few runs or a share near 0% or 100%, and is shown clipped to 0–100%."
                }
                li {
                    b { "Months to consolidation" } " is a time to an event that some runs never reach, so it is never averaged over the runs that got there: the table gives the restricted mean (each run counts min(T, horizon), a run that never consolidates counts the horizon; the area under the Kaplan–Meier curve) with its t interval, and the Kaplan–Meier median month (“not reached” when fewer than half the runs consolidate). Effects on it are differences of restricted means."
                }
                @if study.design != DesignKind::LatinHypercube {
                    li {
                        b { "Material or not" } ": each effect is judged against the outcome's threshold of a material change (an HHI change of 100 points, as in the 2023 US Merger Guidelines; 5 percentage points of a share or of the share of runs; 5% of the reference cell's mean for counts, money and indexes; 3 months for the restricted mean time). "
                        i { "Material" } ": the interval excludes zero and the estimate is at least the threshold; "
                        i { "detectable but small" } ": the interval excludes zero but the estimate is below it; "
                        i { "negligible" } ": the whole interval lies within ± the threshold; "
                        i { "inconclusive" } ": otherwise (a material effect is not ruled out). The thresholds and their sources are in docs/sweep.md."
                    }
                }
                li {
                    b { "Constant outcomes" } ": an outcome with the same value in every run of the study (e.g. a quantity the model keeps fixed) gets no interval, effect, correlation or regression coefficient; it is named once under the outcomes table."
                }
                @match study.design {
                    DesignKind::Factorial => li {
                        b { "Effects" } " are treatment contrasts against each factor's reference (first) level, averaged over the other factors' levels, computed per replicate and summarised by their mean with a Student t 95% interval over replicates. An interval that excludes zero is evidence of an effect at the 5% level for that term alone; with many terms, about one in twenty can exclude zero by chance (no correction for multiple comparisons is made). An interval that includes zero is “no evidence”, not “no effect”."
                    },
                    DesignKind::LatinHypercube => li {
                        "Every design point has its own seeds (no common random numbers across points); a point's replicates are averaged, so the statistics below have n = the number of design points, not of runs. "
                        b { "Spearman ρ" } " is the correlation of ranks: it measures a monotone relation (more of the parameter, consistently more or less of the outcome), not only a straight line. Its 95% interval uses the Fisher z transform with variance 1.06 / (n − 3). " b { "SRC" } " is the standardised coefficient of an ordinary least squares fit of the outcome on all parameters together; " b { "R²" } " is that fit's share of explained variance — a low R² means the parameters act nonlinearly, together, or less than chance does."
                    },
                    DesignKind::Grid => li {
                        "Two cells whose intervals do not overlap differ clearly; overlapping intervals do not prove the cells are the same. Under common random numbers the cells share seeds, so a comparison of the per-cell intervals is conservative (paired differences would be tighter)."
                    },
                }
                @if study.common_random_numbers && study.design != DesignKind::LatinHypercube {
                    li {
                        b { "Common random numbers" } ": replicate " i { "r" } " uses the same seed in every cell, which makes comparisons between cells sharper; the per-cell intervals above still describe each cell on its own."
                    }
                }
            }
        }
    }
}
