//! The study report: ONE self-contained HTML page per sweep (no scripts, no
//! network, charts as inline SVG) with the study's provenance, its design,
//! the key outcomes per cell with their intervals, the charts, and — for a
//! factorial or a Latin hypercube — the effects or sensitivities in a table
//! and in plain words.
//!
//! The words claim no more than the intervals support: an effect "matters"
//! only when its 95% interval excludes zero, and an interval that includes
//! zero is reported as "no evidence", never as "no effect". Every string
//! from the sweep file (names, descriptions, parameter paths and values,
//! cell labels, factor and level names) is HTML-escaped.

use crate::analysis::outcome::Outcome;
use crate::analysis::stats;
use crate::study::data::{DesignKind, Effect, ParamKind, Sensitivity, Study, Summary};
use crate::view::format::{self, count, outcome_diff, outcome_value, rho, short_number, thousands};
use crate::view::html::page::{self, PageKind, figures, footer, page};
use crate::view::registry::{ChartId, StudyChart};
use crate::view::study_charts::{cell_names, effect_terms, param_name, term_label};
use crate::view::theme::Rendered;
use maud::{Markup, html};

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
                    @if study.common_random_numbers {
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
                    @for p in &study.params { th { (p.column) } }
                    th.num { "runs" }
                }
            }
            tbody {
                @for c in &study.cells {
                    tr {
                        td.num { (c.id) }
                        @for i in 0..study.params.len() {
                            td { (short_number(c.values.get(i).map_or("", |s| s.as_str()))) }
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
                            code { (f.name) } ": "
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
                            code { (p.column) } " (" (kind_name(p.kind)) ")"
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
/// the 5th–95th percentile range (for months to consolidation: n and mean).
fn summary_cells(outcome: Outcome, s: Option<&Summary>, runs: usize) -> Markup {
    let Some(s) = s.filter(|s| s.n > 0 && s.mean.is_some()) else {
        return match outcome {
            Outcome::MonthsToConsolidation => html! { td.num { "0 runs" } },
            _ => html! { td.num { "—" } td.num { "—" } },
        };
    };
    let mean = s.mean.unwrap_or(f64::NAN);
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
                (val(outcome, mean)) " " span.ci { (thousands(s.n as u64)) " of " (thousands(runs as u64)) " runs" } (ci)
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
            (outcome_head(!lhs))
            tbody {
                @for c in &study.cells {
                    tr {
                        td.num { (c.id) }
                        @if !lhs {
                            td { (cell_names(study, c).get(1).unwrap_or(&c.label)) }
                        }
                        @for o in TABLED {
                            (summary_cells(o, study.stat(c.id, o), runs_in(study, c.id)))
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
                "Each cell: the mean over its runs with the 95% confidence interval of the mean below it, and the range of the middle 90% of runs (5th to 95th percentile). Consolidated: the share of runs that reach a consolidation phase. Months to consolidation: over the runs that got there only."
            }
            @if lhs {
                div.scroll { table { (outcome_head(false)) tbody { (all_runs_row(study, false)) } } }
            }
            (folded_table(rows, if lhs { "outcomes by sample" } else { "outcomes by cell" }, table))
        }
    }
}

fn outcome_head(parameters: bool) -> Markup {
    html! {
        thead {
            tr {
                th.num { "cell" }
                @if parameters { th { "parameters" } }
                th.num { "final independent firms" }
                th.num { "p5 to p95" }
                th.num { "final HHI" }
                th.num { "p5 to p95" }
                th.num { "consolidated" }
                th.num { "months to consolidation" }
            }
        }
    }
}

/// The row of all runs together.
fn all_runs_row(study: &Study, parameters: bool) -> Markup {
    let summary = |o: Outcome| {
        let xs: Vec<f64> =
            study.runs.iter().filter_map(|r| r.outcomes.get(o.index()).copied().flatten()).collect();
        stats::summarise(&xs)
    };
    html! {
        tr.all {
            @if parameters { td {} }
            td { "all " (thousands(study.runs.len() as u64)) " runs" }
            @for o in TABLED {
                (summary_cells(o, Some(&summary(o)), study.runs.len()))
            }
        }
    }
}

// ---------------------------------------------------------------- factorial

fn effect_of<'a>(study: &'a Study, term: &str, outcome: Outcome) -> Option<&'a Effect> {
    study.effects.iter().find(|e| e.outcome == outcome && e.term == term)
}

/// The outcomes of the effects table: those with any effect row.
fn effect_outcomes(study: &Study) -> Vec<Outcome> {
    TABLED.into_iter().filter(|o| study.effects.iter().any(|e| e.outcome == *o)).collect()
}

fn order_word(order: u32) -> String {
    match order {
        1 => "main effect".into(),
        2 => "two-way".into(),
        3 => "three-way".into(),
        n => format!("{n}-way"),
    }
}

/// `estimate (95% CI a to b)`, or why there is none.
fn effect_text(e: &Effect, outcome: Outcome) -> String {
    match (e.estimate, e.ci_low, e.ci_high) {
        (Some(m), Some(a), Some(b)) => format!("{} (95% CI {})", diff(outcome, m), interval(outcome, a, b)),
        (Some(m), _, _) => {
            format!("{} (no interval: {})", diff(outcome, m), count(e.n as u64, "replicate", "replicates"))
        }
        _ => format!(
            "not estimable ({} with values in every cell needed)",
            count(e.n as u64, "replicate", "replicates")
        ),
    }
}

fn effects(study: &Study) -> Markup {
    let terms = effect_terms(study);
    if terms.is_empty() {
        return html! {
            section #effects {
                h2 { "What matters: effects" }
                p { "This study has no effects to report." }
            }
        };
    }
    let refs: Vec<Markup> = study
        .factors
        .iter()
        .filter_map(|f| Some(html! { code { (f.name) } " at “" (f.levels.first()?) "”" }))
        .collect();
    let outs = effect_outcomes(study);
    html! {
        section #effects {
            h2 { "What matters: effects" }
            p {
                "Effects are measured from the reference levels (" (and_list(&refs)) "). A main effect is the change from moving one factor off its reference level; a two-way interaction is what two factors moved together add beyond the sum of each moved alone; a three-way interaction is what all three add beyond every pair and every single factor. Each is averaged over the levels of the factors it does not involve. Positive means more of the outcome. Consolidation effects are in percentage points (pp) of runs."
            }
            @for outcome in TOLD {
                @if let Some(p) = factorial_reading(study, outcome) {
                    div.finding { (p) }
                }
            }
            div.scroll {
                table {
                    thead {
                        tr {
                            th { "term" }
                            th { "kind" }
                            @for o in &outs { th.num { (o.heading()) } }
                        }
                    }
                    tbody {
                        @for (term, order) in &terms {
                            tr {
                                td { (term_label(term)) }
                                td.kind { @if *order == 1 { "main" } @else { (order) "-way" } }
                                @for o in &outs { (effect_cell(effect_of(study, term, *o), *o)) }
                            }
                        }
                    }
                }
            }
            p.note {
                "Bold: the 95% interval excludes zero. n/a: not estimable (no replicate had a value in every cell the contrast needs, e.g. months to consolidation when some cells never consolidate)."
            }
        }
    }
}

/// One cell of the effects table.
fn effect_cell(e: Option<&Effect>, o: Outcome) -> Markup {
    match e {
        Some(e) if e.estimate.is_some() => {
            let class = if excludes_zero(e.ci_low, e.ci_high) { "num clear" } else { "num" };
            html! {
                td class=(class) {
                    (diff(o, e.estimate.unwrap_or(0.0)))
                    @if let (Some(a), Some(b)) = (e.ci_low, e.ci_high) { span.ci { (interval(o, a, b)) } }
                }
            }
        }
        Some(_) => html! { td.num { "n/a" } },
        None => html! { td.num { "—" } },
    }
}

/// `a`, `a and b`, `a, b and c` of pieces of markup.
fn and_list(items: &[Markup]) -> Markup {
    html! {
        @for (i, item) in items.iter().enumerate() {
            @if i > 0 { @if i + 1 == items.len() { " and " } @else { ", " } }
            (item)
        }
    }
}

/// The factor names of an effect, as code.
fn factor_names(study: &Study, e: &Effect) -> Vec<Markup> {
    e.factors.iter().map(|&f| factor_code(study, f)).collect()
}

/// A factor's name as code (`?` if there is no such factor).
fn factor_code(study: &Study, f: usize) -> Markup {
    match study.factors.get(f) {
        Some(f) => html! { code { (f.name) } },
        None => html! { "?" },
    }
}

/// The plain-language reading of a factorial for one outcome: which
/// factors matter alone, which only together, and whether the highest
/// interaction (the confluence) matters beyond the rest; judged only by
/// whether 95% intervals exclude zero.
fn factorial_reading(study: &Study, outcome: Outcome) -> Option<Markup> {
    let rows: Vec<&Effect> = study.effects.iter().filter(|e| e.outcome == outcome).collect();
    if rows.is_empty() {
        return None;
    }
    let what = outcome.phrase();
    let mut parts: Vec<Markup> = Vec::new();
    let mains: Vec<&&Effect> = rows.iter().filter(|e| e.order == 1).collect();
    let clear_mains: Vec<Markup> = mains
        .iter()
        .filter(|e| excludes_zero(e.ci_low, e.ci_high))
        .map(|e| html! { code { (e.term) } " changes it by " (effect_text(e, outcome)) })
        .collect();
    let unclear_mains: Vec<Markup> = mains
        .iter()
        .filter(|e| !excludes_zero(e.ci_low, e.ci_high))
        .map(|e| html! { code { (e.term) } })
        .collect();
    let one = unclear_mains.len() == 1;
    parts.push(html! {
        b { (capitalise(what)) "." } " "
        @if clear_mains.is_empty() {
            "Every main effect's 95% interval includes zero: no evidence that any single factor moves it on its own."
        } @else {
            "Main effects: " (and_list(&clear_mains)) "."
            @if !unclear_mains.is_empty() {
                " For " (and_list(&unclear_mains)) ", the main effect" (if one { "'s" } else { "s'" }) " interval"
                (if one { "" } else { "s" }) " include" (if one { "s" } else { "" }) " zero: no evidence of an effect on " (if one { "its" } else { "their" }) " own."
            }
        }
    });
    // Interactions below the highest order (or all of them when only pairs exist).
    let max_order = rows.iter().map(|e| e.order).max().unwrap_or(1);
    let inter: Vec<&&Effect> =
        rows.iter().filter(|e| e.order >= 2 && (e.order < max_order || max_order == 2)).collect();
    let clear_inter: Vec<&&Effect> =
        inter.iter().copied().filter(|e| excludes_zero(e.ci_low, e.ci_high)).collect();
    if !inter.is_empty() {
        if clear_inter.is_empty() {
            parts.push(html! {
                "No two-way interaction's interval excludes zero: no evidence that any pair does more (or less) together than the sum of each alone"
                @if max_order != 2 { " (the three-way term is below)" }
                "."
            });
        } else {
            let list: Vec<Markup> = clear_inter
                .iter()
                .map(|e| html! { (and_list(&factor_names(study, e))) " together add " (effect_text(e, outcome)) })
                .collect();
            parts.push(html! { "Beyond the sum of each alone, " (and_list(&list)) "." });
        }
    }
    // Factors that matter only together: in a clear interaction, with no clear main effect.
    let mut only_together: Vec<usize> = Vec::new();
    for e in rows.iter().filter(|e| e.order >= 2 && excludes_zero(e.ci_low, e.ci_high)) {
        for &f in &e.factors {
            let main_clear =
                mains.iter().any(|m| m.factors.contains(&f) && excludes_zero(m.ci_low, m.ci_high));
            let name = factor_code(study, f).into_string();
            let seen = only_together.iter().any(|&g| factor_code(study, g).into_string() == name);
            if !main_clear && !seen {
                only_together.push(f);
            }
        }
    }
    if !only_together.is_empty() {
        let names: Vec<Markup> = only_together.iter().map(|&f| factor_code(study, f)).collect();
        parts.push(html! {
            (and_list(&names)) " " (if names.len() == 1 { "matters" } else { "matter" }) " only in combination: no clear effect alone, but part of an interaction whose interval excludes zero."
        });
    }
    // The confluence: the highest-order interaction.
    if max_order >= 2 {
        for e in rows.iter().filter(|e| e.order == max_order) {
            let head = html! {
                "The " (order_word(max_order)) " interaction of " (and_list(&factor_names(study, e))) " (the confluence)"
            };
            parts.push(match (e.estimate, e.ci_low, e.ci_high) {
                (Some(_), Some(a), Some(b)) if a > 0.0 || b < 0.0 => html! {
                    (head) " is " (effect_text(e, outcome)) ", which excludes zero: together they move " (what) " "
                    (if e.estimate.unwrap_or(0.0) > 0.0 { "further up" } else { "further down" })
                    " than the sum of the singles" (if max_order > 2 { " and pairs" } else { "" }) " predicts."
                },
                (Some(_), Some(_), Some(_)) => html! {
                    (head) " is " (effect_text(e, outcome)) ", which includes zero: no evidence that the confluence matters beyond the sum of the single drivers"
                    (if max_order > 2 { " and their pairwise interactions" } else { "" }) "."
                },
                _ => html! { (head) " is " (effect_text(e, outcome)) "." },
            });
        }
    }
    if let Some((n, m, lo, hi)) = joint_excess(study, outcome) {
        let verdict = if lo > 0.0 || hi < 0.0 {
            "which excludes zero: the drivers together differ from the sum of their single effects"
        } else {
            "which includes zero: no evidence that the drivers together differ from the sum of their single effects"
        };
        parts.push(html! {
            "All drivers together, measured against the sum of each driver alone (all interactions at once, over "
            (count(n as u64, "replicate", "replicates")) "): " (diff(outcome, m)) " (95% CI " (interval(outcome, lo, hi))
            "), " (verdict) "."
        });
    }
    let head = parts.remove(0);
    Some(html! {
        p { (head) }
        @if !parts.is_empty() {
            ul { @for p in &parts { li { (p) } } }
        }
    })
}

/// An outcome's phrase as the start of a sentence: `the final HHI` → `Final HHI`.
fn capitalise(s: &str) -> String {
    format::capitalise(s.strip_prefix("the ").unwrap_or(s))
}

/// For a factorial with three or more factors: the all-last-levels cell
/// minus the reference, minus the sum of each factor's single change
/// (everything the interactions add at once), per replicate; its mean
/// with a Student t 95% interval as (replicates, mean, low, high).
fn joint_excess(study: &Study, outcome: Outcome) -> Option<(usize, f64, f64, f64)> {
    let k = study.factors.len();
    if k < 3 {
        return None;
    }
    let o = outcome.index();
    let column = |f: usize| study.params.iter().position(|p| p.column == study.factors[f].name).unwrap_or(f);
    let top: Vec<usize> = study.factors.iter().map(|f| f.levels.len().saturating_sub(1)).collect();
    if top.contains(&0) {
        return None;
    }
    // The cell whose factor f is at level want[f].
    let cell_at = |want: &[usize]| {
        study.cells.iter().find(|c| {
            (0..k).all(|f| {
                c.numeric.get(column(f)).copied().flatten().map(|v| v.round() as usize) == Some(want[f])
            })
        })
    };
    let reference = cell_at(&vec![0; k])?.id;
    let joint = cell_at(&top)?.id;
    let singles: Vec<u32> = (0..k)
        .map(|f| {
            let mut want = vec![0; k];
            want[f] = top[f];
            cell_at(&want).map(|c| c.id)
        })
        .collect::<Option<_>>()?;
    let value = |cell: u32, rep: u32| {
        study
            .runs
            .iter()
            .find(|r| r.cell == cell && r.replicate == rep)
            .and_then(|r| r.outcomes.get(o).copied().flatten())
    };
    let mut xs = Vec::new();
    for rep in 0..study.replicates {
        let Some(y0) = value(reference, rep) else { continue };
        let Some(yj) = value(joint, rep) else { continue };
        let Some(sum) = singles.iter().map(|&c| value(c, rep).map(|y| y - y0)).sum::<Option<f64>>() else {
            continue;
        };
        xs.push(yj - y0 - sum);
    }
    let (m, _, lo, hi) = stats::mean_ci(&xs);
    Some((xs.len(), m?, lo?, hi?))
}

// ---------------------------------------------------------------- Latin hypercube

fn sensitivity_rows(study: &Study, outcome: Outcome) -> Vec<&Sensitivity> {
    let o = outcome;
    let mut rows: Vec<&Sensitivity> = study.sensitivity.iter().filter(|s| s.outcome == o).collect();
    rows.sort_by(|a, b| {
        let key = |s: &Sensitivity| s.spearman.map_or(-1.0, f64::abs);
        key(b).total_cmp(&key(a)).then(a.param.cmp(&b.param))
    });
    rows
}

fn param_code(study: &Study, p: usize) -> Markup {
    match study.params.get(p) {
        Some(p) => html! { code { (p.column) } },
        None => html! { "?" },
    }
}

fn sensitivity(study: &Study) -> Markup {
    if study.sensitivity.is_empty() {
        return html! {
            section #sensitivity {
                h2 { "What matters: sensitivity" }
                p { "This study has no sensitivity results to report." }
            }
        };
    }
    let tabled = [
        Outcome::FinalIndependentFirms,
        Outcome::Consolidated,
        Outcome::FinalHhi,
        Outcome::MonthsToConsolidation,
    ];
    html! {
        section #sensitivity {
            h2 { "What matters: sensitivity" }
            p {
                "For each outcome, the Spearman rank correlation ρ of each parameter with the outcome over all runs (−1 to +1: how consistently a higher value goes with a higher outcome), with its 95% interval, and the standardised regression coefficient (SRC) of a linear model in all parameters together; R² says how much of the outcome's variation that linear model explains."
            }
            @for outcome in TOLD {
                @let rows = sensitivity_rows(study, outcome);
                @if !rows.is_empty() {
                    div.finding { p { (sensitivity_sentence(study, outcome, &rows)) } }
                }
            }
            @for outcome in tabled {
                @let rows = sensitivity_rows(study, outcome);
                @if !rows.is_empty() {
                    h3 {
                        (outcome.heading())
                        @if let Some(r) = rows.iter().find_map(|s| s.r2) {
                            " " span.note { "(linear model R² = " (format!("{r:.2}")) ")" }
                        }
                    }
                    div.scroll {
                        table {
                            thead {
                                tr {
                                    th { "parameter" }
                                    th.num { "Spearman ρ" }
                                    th.num { "95% CI" }
                                    th.num { "SRC" }
                                    th.num { "runs" }
                                }
                            }
                            tbody {
                                @for s in rows.iter().take(TOP_PARAMS) {
                                    tr {
                                        td { (param_code(study, s.param)) }
                                        td class=(if excludes_zero(s.ci_low, s.ci_high) { "num clear" } else { "num" }) {
                                            (s.spearman.map_or("n/a".to_string(), rho))
                                        }
                                        td.num {
                                            @match (s.ci_low, s.ci_high) {
                                                (Some(a), Some(b)) => { (rho(a)) " to " (rho(b)) }
                                                _ => "—",
                                            }
                                        }
                                        td.num { (s.src.map_or("—".to_string(), rho)) }
                                        td.num { (thousands(s.n as u64)) }
                                    }
                                }
                            }
                        }
                    }
                    @if rows.len() > TOP_PARAMS {
                        p.note {
                            "The " (TOP_PARAMS) " parameters with the largest |ρ| of " (rows.len()) "; the rest are in "
                            code { "effects.csv" } "."
                        }
                    }
                }
            }
            p.note {
                "Bold: the 95% interval of ρ excludes zero. n/a: no rank correlation (the outcome or the parameter was constant over the runs)."
            }
        }
    }
}

fn sensitivity_sentence(study: &Study, outcome: Outcome, rows: &[&Sensitivity]) -> Markup {
    let what = outcome.phrase();
    let clear: Vec<Markup> = rows
        .iter()
        .filter(|s| excludes_zero(s.ci_low, s.ci_high))
        .take(3)
        .map(|s| {
            html! {
                (param_code(study, s.param)) " (ρ = " (rho(s.spearman.unwrap_or(0.0))) ", 95% CI "
                (rho(s.ci_low.unwrap_or(0.0))) " to " (rho(s.ci_high.unwrap_or(0.0))) ")"
            }
        })
        .collect();
    let r2 = rows.iter().find_map(|s| s.r2);
    let n_clear = rows.iter().filter(|s| excludes_zero(s.ci_low, s.ci_high)).count();
    html! {
        b { (capitalise(what)) "." } " "
        @if clear.is_empty() {
            "No parameter's rank correlation with " (what) " has a 95% interval that excludes zero."
        } @else {
            "The most influential " (if clear.len() == 1 { "parameter is" } else { "parameters are" }) " "
            (and_list(&clear)) "."
            " In all, " (n_clear) " of the " (rows.len()) " parameters have a rank correlation whose 95% interval excludes zero."
        }
        @if let Some(r2) = r2 {
            " A linear model in all parameters explains R² = " (format!("{r2:.2}")) " of its variation"
            @if r2 < 0.5 { " (much of the rest is nonlinear, interactions or run-to-run chance)" }
            "."
        }
    }
}

// ---------------------------------------------------------------- grid

fn grid_findings(study: &Study) -> Markup {
    let findings: Vec<Markup> = TOLD.into_iter().filter_map(|outcome| grid_finding(study, outcome)).collect();
    html! {
        section #findings {
            h2 { "Across the grid" }
            @for f in &findings { p { (f) } }
            @if findings.is_empty() {
                p { "No cell has values for the key outcomes." }
            }
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
    let name = |c: &crate::study::data::Cell| cell_names(study, c).get(1).unwrap_or(&c.label).clone();
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
    let param = study.params.first().map(|p| param_name(&p.column)).unwrap_or_default();
    match chart {
        StudyChart::FanHhi => html! {
            "HHI of AI-revenue shares (0–10,000; above 1,800 “highly concentrated”) month by month: the line is the mean over " (groups) ", the band holds the middle 90% of runs (5th to 95th percentile)."
        },
        StudyChart::FanFirms => html! {
            "Independent firms (a buyer and what it bought count as one) month by month: the line is the mean over "
            (groups) ", the band the middle 90% of runs."
        },
        StudyChart::OutcomeVsParam => html! {
            "Key outcomes for each value of " code { (param) } ": the large dot is the cell's mean with its 95% confidence interval, small faint dots are single runs (whether a run consolidated is yes or no, so only the share is shown)."
        },
        StudyChart::Heatmap => html! {
            "Each tile is one cell: the mean over its runs, with the 95% confidence interval below; darker tiles are higher."
        },
        StudyChart::Effects => html! {
            "One row per term: the dot is the estimated change from the reference level, the whisker its 95% interval; a whisker that crosses the zero line means no evidence of an effect."
        },
        StudyChart::Sensitivity => html! {
            "One bar per parameter, sorted by strength: the Spearman rank correlation with the outcome over all runs, with its 95% interval; a whisker across zero means no evidence of a monotone relation."
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
                    b { "Months to consolidation" } " counts only the runs that got there; with few such runs its mean is fragile, and it says nothing about the runs that never consolidated."
                }
                @match study.design {
                    DesignKind::Factorial => li {
                        b { "Effects" } " are treatment contrasts against each factor's reference (first) level, averaged over the other factors' levels, computed per replicate and summarised by their mean with a Student t 95% interval over replicates. An interval that excludes zero is evidence of an effect at the 5% level for that term alone; with many terms, about one in twenty can exclude zero by chance (no correction for multiple comparisons is made). An interval that includes zero is “no evidence”, not “no effect”."
                    },
                    DesignKind::LatinHypercube => li {
                        b { "Spearman ρ" } " is the correlation of ranks: it measures a monotone relation (more of the parameter, consistently more or less of the outcome), not only a straight line. Its 95% interval uses the Fisher z transform with variance 1.06 / (n − 3). " b { "SRC" } " is the standardised coefficient of an ordinary least squares fit of the outcome on all parameters together; " b { "R²" } " is that fit's share of explained variance — a low R² means the parameters act nonlinearly, together, or less than chance does."
                    },
                    DesignKind::Grid => li {
                        "Two cells whose intervals do not overlap differ clearly; overlapping intervals do not prove the cells are the same."
                    },
                }
                @if study.common_random_numbers {
                    li {
                        b { "Common random numbers" } ": replicate " i { "r" } " uses the same seed in every cell, which makes comparisons between cells sharper; the per-cell intervals above still describe each cell on its own."
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::study_charts::{fixtures, render_study};

    /// The report with placeholder charts (rendering is slow in debug builds).
    fn report_of(study: &Study) -> String {
        let charts: Vec<Rendered> = crate::view::study_charts::names(study)
            .into_iter()
            .map(|name| Rendered {
                id: crate::view::registry::by_name(name).expect("a registered chart").id,
                name,
                png: Vec::new(),
                svg: "<svg width=\"10\"><text>x</text></svg>".into(),
            })
            .collect();
        check_report(study, &charts)
    }

    fn check_report(study: &Study, charts: &[Rendered]) -> String {
        let html = study_report(study, charts);
        for c in charts {
            assert!(html.contains(&format!("id=\"chart-{}\"", c.name)), "{} missing", c.name);
        }
        assert!(!html.contains("src=\"http"), "no external resources");
        assert!(!html.contains("<script"), "no scripts");
        assert!(!html.contains("xmlns"), "no namespace URLs");
        assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
        html
    }

    #[test]
    fn every_design_gets_a_complete_page() {
        for s in [
            fixtures::grid1(4),
            fixtures::grid2(),
            fixtures::factorial(),
            fixtures::lhs(),
            fixtures::grid1_text(),
        ] {
            // Real charts for one study (rendering is slow in debug builds).
            let html = if s.design == DesignKind::LatinHypercube {
                let html = check_report(&s, &render_study(&s).expect("charts render"));
                assert!(html.contains("<svg") && html.contains("class=\"chart\""), "inline SVG");
                html
            } else {
                report_of(&s)
            };
            for id in ["provenance", "design", "outcomes", "reading"] {
                assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
            }
            assert!(html.contains("Student"), "how to read");
            if let Ok(dir) = std::env::var("CHIPBAN_SWEEP_CHART_DUMP") {
                let name = format!("{dir}/report-{}-{}.html", s.design.as_str(), s.cells.len());
                std::fs::write(name, &html).unwrap();
            }
        }
    }

    #[test]
    fn hostile_strings_are_escaped() {
        let mut s = fixtures::grid1(2);
        s.name = "<b>x</b>".into();
        s.description = "a & b <i>".into();
        s.cells[0].label = "<script>alert(1)</script>".into();
        s.cells[0].values[0] = "<script>alert(2)</script>".into();
        s.params[0].column = "a\"<img src=x>".into();
        let html = report_of(&s);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img src=x>"));
        assert!(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"));
    }

    #[test]
    fn the_factorial_reading_follows_the_intervals() {
        let s = fixtures::factorial();
        let html = report_of(&s);
        assert!(html.contains("id=\"effects\""));
        // chip_scarcity's interval (−18 to −12) excludes zero; talent_demand's (−5 to 1) does not.
        let p = factorial_reading(&s, Outcome::FinalIndependentFirms).unwrap().into_string();
        assert!(p.contains("<code>chip_scarcity</code> changes it by −15.0 (95% CI −18.0 to −12.0)"), "{p}");
        assert!(p.contains("include zero"), "{p}");
        assert!(p.contains("three-way interaction"), "{p}");
        assert!(p.contains("which includes zero: no evidence that the confluence matters"), "{p}");
        // consolidation: only the chip × talent interaction is clear, so both matter only together
        let q = factorial_reading(&s, Outcome::Consolidated).unwrap().into_string();
        assert!(q.contains("only in combination"), "{q}");
        assert!(q.contains("+50 pp"), "{q}");
        assert!(html.contains("not estimable") || html.contains("n/a"));
    }

    #[test]
    fn the_joint_excess_is_the_sum_of_the_interactions() {
        // firms = 60 − 15a − 2b − 6ac + noise: all-high minus reference minus singles = −6 on average
        let s = fixtures::factorial();
        let (n, m, lo, hi) = joint_excess(&s, Outcome::FinalIndependentFirms).unwrap();
        assert_eq!(n, 6);
        assert!(lo <= m && m <= hi);
        assert!((m + 6.0).abs() < 12.0, "{m}");
    }

    #[test]
    fn the_sensitivity_section_names_the_strongest_parameters() {
        let s = fixtures::lhs();
        let html = report_of(&s);
        assert!(html.contains("id=\"sensitivity\""));
        let rows = sensitivity_rows(&s, Outcome::FinalIndependentFirms);
        let p = sensitivity_sentence(&s, Outcome::FinalIndependentFirms, &rows).into_string();
        assert!(p.contains("<code>market.inertia</code> (ρ = +0.81"), "{p}");
        assert!(p.contains("R² = 0.71"), "{p}");
        assert!(!p.contains("talent.churn_monthly"), "its interval includes zero: {p}");
    }

    #[test]
    fn degenerate_studies_do_not_panic() {
        let s = fixtures::degenerate(fixtures::grid2());
        let html = report_of(&s);
        assert!(html.contains("0 runs"));
        let mut s = fixtures::factorial();
        s.effects.clear();
        report_of(&s);
        let mut s = fixtures::lhs();
        s.sensitivity.clear();
        report_of(&s);
        let mut s = fixtures::grid1(1);
        s.runs.clear();
        report_of(&s);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(diff(Outcome::Consolidated, 0.5), "+50 pp");
        assert_eq!(diff(Outcome::Consolidated, -0.034), "−3.4 pp");
        assert_eq!(diff(Outcome::Consolidated, 0.0), "0.0 pp");
        assert_eq!(val(Outcome::Consolidated, 0.4), "40%");
        assert_eq!(val(Outcome::FinalHhi, 2455.4), "2,455");
        assert_eq!(val(Outcome::FinalIndependentFirms, -3.0), "−3.0");
        assert_eq!(diff(Outcome::FinalIndependentFirms, -6.0), "−6.0");
        assert_eq!(diff(Outcome::FinalHhi, 360.0), "+360");
        assert_eq!(capitalise("the final HHI"), "Final HHI");
        assert_eq!(short_number("0.7001077918710875"), "0.7001");
        assert_eq!(short_number("29949.20592195334"), "29949");
        assert_eq!(short_number("0.030127802116546996"), "0.03013");
        assert_eq!(short_number("2023-10"), "2023-10");
        assert_eq!(short_number("11000.0"), "11000.0");
    }
}
