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

use crate::analysis::stats;
use crate::analysis::outcome::Outcome;
use crate::study::data::{DesignKind, Effect, ParamKind, Sensitivity, Study, Summary};
use crate::view::format::{self, count, join_and, outcome_diff, outcome_value, rho, short_number, thousands};
use crate::view::html::page::{PageKind, esc, figures, footer, page};
use crate::view::registry::{ChartId, StudyChart};
use maud::PreEscaped;
use crate::view::study_charts::{cell_names, effect_terms, param_name, term_label};
use crate::view::theme::Rendered;
use std::fmt::Write;

pub use crate::view::html::compare_report::comparison_report;

/// Tables with more rows than this are folded into a `<details>` element.
pub const FOLD_ROWS: usize = 24;

/// The sensitivity table lists at most this many parameters per outcome.
pub const TOP_PARAMS: usize = 15;

/// The report of a study: `charts` as `charts::render_study` returns them.
pub fn study_report(study: &Study, charts: &[Rendered]) -> String {
    let mut h = String::with_capacity(64 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());
    let _ = write!(
        h,
        "<header>\n<p class=\"kicker\">chipban sweep report</p>\n<h1>Study “{}”</h1>\n<p class=\"lede\">{}</p>\n\
         </header>\n",
        esc(&study.name),
        esc(&study.description)
    );
    contents(&mut h, study, charts);
    provenance(&mut h, study);
    design(&mut h, study);
    outcomes(&mut h, study);
    match study.design {
        DesignKind::Factorial => effects(&mut h, study),
        DesignKind::LatinHypercube => sensitivity(&mut h, study),
        DesignKind::Grid => grid_findings(&mut h, study),
    }
    charts_section(&mut h, study, charts);
    how_to_read(&mut h, study);
    h.push_str(&footer("the study's runs").into_string());
    page(PageKind::Study, &format!("chipban study: {}", study.name), PreEscaped(h))
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
const TABLED: [Outcome; 4] =
    [Outcome::FinalIndependentFirms, Outcome::FinalHhi, Outcome::Consolidated, Outcome::MonthsToConsolidation];

// ---------------------------------------------------------------- sections

fn contents(h: &mut String, study: &Study, charts: &[Rendered]) {
    h.push_str("<nav aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
    h.push_str(
        "<li><a href=\"#provenance\">The study</a></li>\n<li><a href=\"#design\">The design</a></li>\n",
    );
    h.push_str("<li><a href=\"#outcomes\">Outcomes by cell</a></li>\n");
    match study.design {
        DesignKind::Factorial => h.push_str("<li><a href=\"#effects\">What matters: effects</a></li>\n"),
        DesignKind::LatinHypercube => {
            h.push_str("<li><a href=\"#sensitivity\">What matters: sensitivity</a></li>\n")
        }
        DesignKind::Grid => h.push_str("<li><a href=\"#findings\">Across the grid</a></li>\n"),
    }
    if !charts.is_empty() {
        h.push_str("<li><a href=\"#charts\">Charts</a></li>\n");
    }
    h.push_str("<li><a href=\"#reading\">How to read this</a></li>\n</ol>\n</nav>\n");
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

fn provenance(h: &mut String, study: &Study) {
    let end = study.start.plus(study.months.max(1) as i32 - 1);
    let crn = if study.common_random_numbers {
        "yes: replicate <i>r</i> of every cell runs with the same seed, so cells are compared on the same random \
         histories (paired comparison); differences between cells come from the parameters, not from luck of the draw, \
         and effects are computed replicate by replicate"
    } else {
        "no: every run has its own seed, so cells are independent samples; differences between cells include the \
         run-to-run randomness, which the intervals account for"
    };
    let _ = write!(
        h,
        "<section id=\"provenance\">\n<h2>The study</h2>\n<dl class=\"brief\">\n\
         <dt>Base world</dt><dd>{}</dd>\n<dt>Design</dt><dd>{}</dd>\n<dt>Cells</dt><dd>{}</dd>\n\
         <dt>Replicates</dt><dd>{} per cell</dd>\n<dt>Runs</dt><dd>{}</dd>\n\
         <dt>Period</dt><dd>{} to {} ({} per run)</dd>\n<dt>Master seed</dt><dd>{}</dd>\n\
         <dt>Common random numbers</dt><dd>{crn}</dd>\n</dl>\n</section>\n",
        esc(&study.world_name),
        esc(&design_name(study)),
        thousands(study.cells.len() as u64),
        thousands(study.replicates as u64),
        thousands(study.runs.len() as u64),
        study.start,
        end,
        count(study.months as u64, "month", "months"),
        study.master_seed,
    );
}

fn kind_name(k: ParamKind) -> &'static str {
    match k {
        ParamKind::Number => "number",
        ParamKind::Month => "month",
        ParamKind::Level => "level",
        ParamKind::Text => "value",
    }
}

/// Open a table, folded into `<details>` when it is long.
fn open_table(h: &mut String, rows: usize, what: &str) {
    if rows > FOLD_ROWS {
        let _ = write!(
            h,
            "<details>\n<summary>Show the {} rows of {}</summary>\n",
            thousands(rows as u64),
            esc(what)
        );
    }
    h.push_str("<div class=\"scroll\"><table>\n");
}

fn close_table(h: &mut String, rows: usize) {
    h.push_str("</table></div>\n");
    if rows > FOLD_ROWS {
        h.push_str("</details>\n");
    }
}

fn runs_in(study: &Study, cell: u32) -> usize {
    study.runs.iter().filter(|r| r.cell == cell).count()
}

fn design(h: &mut String, study: &Study) {
    h.push_str("<section id=\"design\">\n<h2>The design</h2>\n");
    if !study.factors.is_empty() {
        h.push_str("<p>Factors and their levels (the first level is the reference the effects are measured from):</p>\n<ul>\n");
        for f in &study.factors {
            let levels: Vec<String> = f.levels.iter().map(|l| format!("“{}”", esc(l))).collect();
            let _ = writeln!(h, "<li><code>{}</code>: {}</li>", esc(&f.name), levels.join(", "));
        }
        h.push_str("</ul>\n");
    }
    if study.design == DesignKind::LatinHypercube && !study.params.is_empty() {
        h.push_str("<p>Ranges sampled:</p>\n<ul>\n");
        for (i, p) in study.params.iter().enumerate() {
            let vals: Vec<(f64, &str)> = study
                .cells
                .iter()
                .filter_map(|c| Some((c.numeric.get(i).copied().flatten()?, c.values.get(i)?.as_str())))
                .collect();
            let lo = vals.iter().min_by(|a, b| a.0.total_cmp(&b.0));
            let hi = vals.iter().max_by(|a, b| a.0.total_cmp(&b.0));
            match (lo, hi) {
                (Some(lo), Some(hi)) => {
                    let _ = writeln!(
                        h,
                        "<li><code>{}</code> ({}): {} to {}</li>",
                        esc(&p.column),
                        kind_name(p.kind),
                        esc(&short_number(lo.1)),
                        esc(&short_number(hi.1))
                    );
                }
                _ => {
                    let _ = writeln!(h, "<li><code>{}</code> ({})</li>", esc(&p.column), kind_name(p.kind));
                }
            }
        }
        h.push_str("</ul>\n");
    }
    let rows = study.cells.len();
    open_table(h, rows, "the design");
    h.push_str("<thead><tr><th class=\"num\">cell</th>");
    for p in &study.params {
        let _ = write!(h, "<th>{}</th>", esc(&p.column));
    }
    h.push_str("<th class=\"num\">runs</th></tr></thead>\n<tbody>\n");
    for c in &study.cells {
        let _ = write!(h, "<tr><td class=\"num\">{}</td>", c.id);
        for i in 0..study.params.len() {
            let _ = write!(h, "<td>{}</td>", esc(&short_number(c.values.get(i).map_or("", |s| s.as_str()))));
        }
        let _ = writeln!(h, "<td class=\"num\">{}</td></tr>", thousands(runs_in(study, c.id) as u64));
    }
    h.push_str("</tbody>\n");
    close_table(h, rows);
    h.push_str("</section>\n");
}

/// One outcome's summary as table cells: the mean with its interval, and
/// the 5th–95th percentile range (for months to consolidation: n and mean).
fn summary_cells(outcome: Outcome, s: Option<&Summary>, runs: usize) -> String {
    let Some(s) = s.filter(|s| s.n > 0 && s.mean.is_some()) else {
        return match outcome {
            Outcome::MonthsToConsolidation => "<td class=\"num\">0 runs</td>".to_string(),
            _ => "<td class=\"num\">—</td><td class=\"num\">—</td>".to_string(),
        };
    };
    let mean = s.mean.unwrap_or(f64::NAN);
    let ci = mean_interval(outcome, s).map(|c| format!("<span class=\"ci\">{c}</span>")).unwrap_or_default();
    match outcome {
        Outcome::Consolidated => {
            let yes = (mean * s.n as f64).round() as u64;
            format!(
                "<td class=\"num\">{} <span class=\"ci\">{} of {}</span>{ci}</td>",
                val(outcome, mean),
                thousands(yes),
                thousands(s.n as u64)
            )
        }
        Outcome::MonthsToConsolidation => format!(
            "<td class=\"num\">{} <span class=\"ci\">{} of {} runs</span>{ci}</td>",
            val(outcome, mean),
            thousands(s.n as u64),
            thousands(runs as u64)
        ),
        _ => {
            let p = match (s.p5, s.p95) {
                (Some(a), Some(b)) => format!("{} to {}", val(outcome, a), val(outcome, b)),
                _ => "—".to_string(),
            };
            format!("<td class=\"num\">{}{ci}</td><td class=\"num\">{p}</td>", val(outcome, mean))
        }
    }
}

fn outcomes(h: &mut String, study: &Study) {
    h.push_str("<section id=\"outcomes\">\n<h2>Outcomes by cell</h2>\n");
    h.push_str(
        "<p class=\"note\">Each cell: the mean over its runs with the 95% confidence interval of the mean below it, and \
         the range of the middle 90% of runs (5th to 95th percentile). Consolidated: the share of runs that reach a \
         consolidation phase. Months to consolidation: over the runs that got there only.</p>\n",
    );
    // A Latin hypercube's samples are many and have few runs each: the
    // all-runs row comes first, the samples folded below it.
    let lhs = study.design == DesignKind::LatinHypercube;
    if lhs {
        h.push_str("<div class=\"scroll\"><table>\n");
        outcome_head(h, false);
        all_runs_row(h, study, false);
        h.push_str("</tbody>\n</table></div>\n");
    }
    let rows = study.cells.len() + usize::from(!lhs);
    open_table(h, rows, if lhs { "outcomes by sample" } else { "outcomes by cell" });
    outcome_head(h, !lhs);
    for c in &study.cells {
        let runs = runs_in(study, c.id);
        let _ = write!(h, "<tr><td class=\"num\">{}</td>", c.id);
        if !lhs {
            let names = cell_names(study, c);
            let _ = write!(h, "<td>{}</td>", esc(names.get(1).unwrap_or(&c.label)));
        }
        for o in TABLED {
            h.push_str(&summary_cells(o, study.stat(c.id, o), runs));
        }
        h.push_str("</tr>\n");
    }
    if !lhs {
        all_runs_row(h, study, true);
    }
    h.push_str("</tbody>\n");
    close_table(h, rows);
    h.push_str("</section>\n");
}

fn outcome_head(h: &mut String, parameters: bool) {
    let _ = write!(
        h,
        "<thead><tr><th class=\"num\">cell</th>{}\
         <th class=\"num\">final independent firms</th><th class=\"num\">p5 to p95</th>\
         <th class=\"num\">final HHI</th><th class=\"num\">p5 to p95</th>\
         <th class=\"num\">consolidated</th><th class=\"num\">months to consolidation</th></tr></thead>\n<tbody>\n",
        if parameters { "<th>parameters</th>" } else { "" }
    );
}

/// The row of all runs together.
fn all_runs_row(h: &mut String, study: &Study, parameters: bool) {
    let all = format!("all {} runs", thousands(study.runs.len() as u64));
    if parameters {
        let _ = write!(h, "<tr class=\"all\"><td></td><td>{all}</td>");
    } else {
        let _ = write!(h, "<tr class=\"all\"><td>{all}</td>");
    }
    for o in TABLED {
        let s = Some(o.index()).map(|i| {
            let xs: Vec<f64> =
                study.runs.iter().filter_map(|r| r.outcomes.get(i).copied().flatten()).collect();
            stats::summarise(&xs)
        });
        h.push_str(&summary_cells(o, s.as_ref(), study.runs.len()));
    }
    h.push_str("</tr>\n");
}

// ---------------------------------------------------------------- factorial

fn effect_of<'a>(study: &'a Study, term: &str, outcome: Outcome) -> Option<&'a Effect> {
    study.effects.iter().find(|e| e.outcome == outcome && e.term == term)
}

/// The outcomes of the effects table: those with any effect row.
fn effect_outcomes(study: &Study) -> Vec<Outcome> {
    TABLED.into_iter().filter(|o| study.effects.iter().any(|e| e.outcome == *o))
        .collect()
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

fn effects(h: &mut String, study: &Study) {
    h.push_str("<section id=\"effects\">\n<h2>What matters: effects</h2>\n");
    let terms = effect_terms(study);
    if terms.is_empty() {
        h.push_str("<p>This study has no effects to report.</p>\n</section>\n");
        return;
    }
    let refs: Vec<String> = study
        .factors
        .iter()
        .filter_map(|f| Some(format!("<code>{}</code> at “{}”", esc(&f.name), esc(f.levels.first()?))))
        .collect();
    let _ = writeln!(
        h,
        "<p>Effects are measured from the reference levels ({}). A main effect is the change from moving one factor off \
         its reference level; a two-way interaction is what two factors moved together add beyond the sum of each moved \
         alone; a three-way interaction is what all three add beyond every pair and every single factor. Each is \
         averaged over the levels of the factors it does not involve. Positive means more of the outcome. \
         Consolidation effects are in percentage points (pp) of runs.</p>",
        join_and(&refs)
    );
    for outcome in TOLD {
        if let Some(p) = factorial_reading(study, outcome) {
            let _ = writeln!(h, "<div class=\"finding\">{p}</div>");
        }
    }
    let outs = effect_outcomes(study);
    h.push_str("<div class=\"scroll\"><table>\n<thead><tr><th>term</th><th>kind</th>");
    for o in &outs {
        let _ = write!(h, "<th class=\"num\">{}</th>", esc(o.heading()));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (term, order) in &terms {
        let kind = match order {
            1 => "main".to_string(),
            n => format!("{n}-way"),
        };
        let _ = write!(h, "<tr><td>{}</td><td class=\"kind\">{kind}</td>", esc(&term_label(term)));
        for o in &outs {
            match effect_of(study, term, *o) {
                Some(e) if e.estimate.is_some() => {
                    let clear = excludes_zero(e.ci_low, e.ci_high);
                    let ci = match (e.ci_low, e.ci_high) {
                        (Some(a), Some(b)) => format!("<span class=\"ci\">{}</span>", interval(*o, a, b)),
                        _ => String::new(),
                    };
                    let _ = write!(
                        h,
                        "<td class=\"num{}\">{}{ci}</td>",
                        if clear { " clear" } else { "" },
                        diff(*o, e.estimate.unwrap_or(0.0))
                    );
                }
                Some(_) => h.push_str("<td class=\"num\">n/a</td>"),
                None => h.push_str("<td class=\"num\">—</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table></div>\n");
    h.push_str(
        "<p class=\"note\">Bold: the 95% interval excludes zero. n/a: not estimable (no replicate had a value in every \
         cell the contrast needs, e.g. months to consolidation when some cells never consolidate).</p>\n</section>\n",
    );
}

/// The factor names of an effect, as code.
fn factor_names(study: &Study, e: &Effect) -> Vec<String> {
    e.factors
        .iter()
        .map(|&f| {
            study.factors.get(f).map_or_else(|| "?".to_string(), |f| format!("<code>{}</code>", esc(&f.name)))
        })
        .collect()
}

/// The plain-language reading of a factorial for one outcome: which
/// factors matter alone, which only together, and whether the highest
/// interaction (the confluence) matters beyond the rest; judged only by
/// whether 95% intervals exclude zero.
fn factorial_reading(study: &Study, outcome: Outcome) -> Option<String> {
    let o = outcome;
    let rows: Vec<&Effect> = study.effects.iter().filter(|e| e.outcome == o).collect();
    if rows.is_empty() {
        return None;
    }
    let what = outcome.phrase();
    let mut parts: Vec<String> = Vec::new();
    let mains: Vec<&&Effect> = rows.iter().filter(|e| e.order == 1).collect();
    let clear_mains: Vec<String> = mains
        .iter()
        .filter(|e| excludes_zero(e.ci_low, e.ci_high))
        .map(|e| format!("<code>{}</code> changes it by {}", esc(&e.term), effect_text(e, outcome)))
        .collect();
    let unclear_mains: Vec<String> = mains
        .iter()
        .filter(|e| !excludes_zero(e.ci_low, e.ci_high))
        .map(|e| format!("<code>{}</code>", esc(&e.term)))
        .collect();
    let mut first = format!("<b>{}.</b> ", esc(&capitalise(what)));
    if clear_mains.is_empty() {
        first.push_str("Every main effect's 95% interval includes zero: no evidence that any single factor moves it on its own.");
    } else {
        let _ = write!(first, "Main effects: {}.", join_and(&clear_mains));
        if !unclear_mains.is_empty() {
            let one = unclear_mains.len() == 1;
            let _ = write!(
                first,
                " For {}, the main effect{} interval{} include{} zero: no evidence of an effect on {} own.",
                join_and(&unclear_mains),
                if one { "'s" } else { "s'" },
                if one { "" } else { "s" },
                if one { "s" } else { "" },
                if one { "its" } else { "their" }
            );
        }
    }
    parts.push(first);
    // Interactions below the highest order (or all of them when only pairs exist).
    let max_order = rows.iter().map(|e| e.order).max().unwrap_or(1);
    let inter: Vec<&&Effect> =
        rows.iter().filter(|e| e.order >= 2 && (e.order < max_order || max_order == 2)).collect();
    let clear_inter: Vec<&&Effect> =
        inter.iter().copied().filter(|e| excludes_zero(e.ci_low, e.ci_high)).collect();
    if !inter.is_empty() {
        if clear_inter.is_empty() {
            parts.push(format!(
                "No two-way interaction's interval excludes zero: no evidence that any pair does more (or less) together \
                 than the sum of each alone{}.",
                if max_order == 2 { "" } else { " (the three-way term is below)" }
            ));
        } else {
            let list: Vec<String> = clear_inter
                .iter()
                .map(|e| {
                    format!("{} together add {}", join_and(&factor_names(study, e)), effect_text(e, outcome))
                })
                .collect();
            parts.push(format!("Beyond the sum of each alone, {}.", join_and(&list)));
        }
    }
    // Factors that matter only together: in a clear interaction, with no clear main effect.
    let mut only_together: Vec<String> = Vec::new();
    for e in rows.iter().filter(|e| e.order >= 2 && excludes_zero(e.ci_low, e.ci_high)) {
        for &f in &e.factors {
            let main_clear =
                mains.iter().any(|m| m.factors.contains(&f) && excludes_zero(m.ci_low, m.ci_high));
            let name = study
                .factors
                .get(f)
                .map_or_else(|| "?".to_string(), |x| format!("<code>{}</code>", esc(&x.name)));
            if !main_clear && !only_together.contains(&name) {
                only_together.push(name);
            }
        }
    }
    if !only_together.is_empty() {
        parts.push(format!(
            "{} {} only in combination: no clear effect alone, but part of an interaction whose interval excludes zero.",
            join_and(&only_together),
            if only_together.len() == 1 { "matters" } else { "matter" }
        ));
    }
    // The confluence: the highest-order interaction.
    if max_order >= 2 {
        for e in rows.iter().filter(|e| e.order == max_order) {
            let names = join_and(&factor_names(study, e));
            let head = format!("The {} interaction of {names} (the confluence)", order_word(max_order));
            let text = match (e.estimate, e.ci_low, e.ci_high) {
                (Some(_), Some(a), Some(b)) if a > 0.0 || b < 0.0 => format!(
                    "{head} is {}, which excludes zero: together they move {what} {} than the sum of the singles{} \
                     predicts.",
                    effect_text(e, outcome),
                    if e.estimate.unwrap_or(0.0) > 0.0 { "further up" } else { "further down" },
                    if max_order > 2 { " and pairs" } else { "" }
                ),
                (Some(_), Some(_), Some(_)) => format!(
                    "{head} is {}, which includes zero: no evidence that the confluence matters beyond the sum of the \
                     single drivers{}.",
                    effect_text(e, outcome),
                    if max_order > 2 { " and their pairwise interactions" } else { "" }
                ),
                _ => format!("{head} is {}.", effect_text(e, outcome)),
            };
            parts.push(text);
        }
    }
    if let Some((n, m, lo, hi)) = joint_excess(study, outcome) {
        let verdict = if lo > 0.0 || hi < 0.0 {
            "which excludes zero: the drivers together differ from the sum of their single effects"
        } else {
            "which includes zero: no evidence that the drivers together differ from the sum of their single effects"
        };
        parts.push(format!(
            "All drivers together, measured against the sum of each driver alone (all interactions at once, over {}): \
             {} (95% CI {}), {verdict}.",
            count(n as u64, "replicate", "replicates"),
            diff(outcome, m),
            interval(outcome, lo, hi)
        ));
    }
    let head = parts.remove(0);
    let items: Vec<String> = parts.iter().map(|p| format!("<li>{p}</li>")).collect();
    Some(if items.is_empty() {
        format!("<p>{head}</p>")
    } else {
        format!("<p>{head}</p>\n<ul>\n{}\n</ul>", items.join("\n"))
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

fn sensitivity_rows<'a>(study: &'a Study, outcome: Outcome) -> Vec<&'a Sensitivity> {
    let o = outcome;
    let mut rows: Vec<&Sensitivity> = study.sensitivity.iter().filter(|s| s.outcome == o).collect();
    rows.sort_by(|a, b| {
        let key = |s: &Sensitivity| s.spearman.map_or(-1.0, f64::abs);
        key(b).total_cmp(&key(a)).then(a.param.cmp(&b.param))
    });
    rows
}

fn param_code(study: &Study, p: usize) -> String {
    study.params.get(p).map_or_else(|| "?".to_string(), |p| format!("<code>{}</code>", esc(&p.column)))
}

fn sensitivity(h: &mut String, study: &Study) {
    h.push_str("<section id=\"sensitivity\">\n<h2>What matters: sensitivity</h2>\n");
    if study.sensitivity.is_empty() {
        h.push_str("<p>This study has no sensitivity results to report.</p>\n</section>\n");
        return;
    }
    h.push_str(
        "<p>For each outcome, the Spearman rank correlation ρ of each parameter with the outcome over all runs (−1 to \
         +1: how consistently a higher value goes with a higher outcome), with its 95% interval, and the standardised \
         regression coefficient (SRC) of a linear model in all parameters together; R² says how much of the outcome's \
         variation that linear model explains.</p>\n",
    );
    for outcome in TOLD {
        let rows = sensitivity_rows(study, outcome);
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            h,
            "<div class=\"finding\"><p>{}</p></div>",
            sensitivity_sentence(study, outcome, &rows)
        );
    }
    for outcome in
        [Outcome::FinalIndependentFirms, Outcome::Consolidated, Outcome::FinalHhi, Outcome::MonthsToConsolidation]
    {
        let rows = sensitivity_rows(study, outcome);
        if rows.is_empty() {
            continue;
        }
        let r2 = rows.iter().find_map(|s| s.r2);
        let _ = writeln!(
            h,
            "<h3>{}{}</h3>",
            esc(outcome.heading()),
            r2.map(|r| format!(" <span class=\"note\">(linear model R² = {r:.2})</span>"))
                .unwrap_or_default()
        );
        h.push_str(
            "<div class=\"scroll\"><table>\n<thead><tr><th>parameter</th><th class=\"num\">Spearman ρ</th>\
             <th class=\"num\">95% CI</th><th class=\"num\">SRC</th><th class=\"num\">runs</th></tr></thead>\n<tbody>\n",
        );
        for s in rows.iter().take(TOP_PARAMS) {
            let clear = excludes_zero(s.ci_low, s.ci_high);
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num{}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td></tr>",
                param_code(study, s.param),
                if clear { " clear" } else { "" },
                s.spearman.map_or("n/a".to_string(), rho),
                match (s.ci_low, s.ci_high) {
                    (Some(a), Some(b)) => format!("{} to {}", rho(a), rho(b)),
                    _ => "—".to_string(),
                },
                s.src.map_or("—".to_string(), rho),
                thousands(s.n as u64)
            );
        }
        h.push_str("</tbody>\n</table></div>\n");
        if rows.len() > TOP_PARAMS {
            let _ = writeln!(
                h,
                "<p class=\"note\">The {} parameters with the largest |ρ| of {}; the rest are in <code>effects.csv</code>.</p>",
                TOP_PARAMS,
                rows.len()
            );
        }
    }
    h.push_str(
        "<p class=\"note\">Bold: the 95% interval of ρ excludes zero. n/a: no rank correlation (the outcome or the \
         parameter was constant over the runs).</p>\n</section>\n",
    );
}

fn sensitivity_sentence(study: &Study, outcome: Outcome, rows: &[&Sensitivity]) -> String {
    let what = outcome.phrase();
    let clear: Vec<String> = rows
        .iter()
        .filter(|s| excludes_zero(s.ci_low, s.ci_high))
        .take(3)
        .map(|s| {
            format!(
                "{} (ρ = {}, 95% CI {} to {})",
                param_code(study, s.param),
                rho(s.spearman.unwrap_or(0.0)),
                rho(s.ci_low.unwrap_or(0.0)),
                rho(s.ci_high.unwrap_or(0.0))
            )
        })
        .collect();
    let r2 = rows.iter().find_map(|s| s.r2);
    let n_clear = rows.iter().filter(|s| excludes_zero(s.ci_low, s.ci_high)).count();
    let mut out = format!("<b>{}.</b> ", esc(&capitalise(what)));
    if clear.is_empty() {
        let _ =
            write!(out, "No parameter's rank correlation with {what} has a 95% interval that excludes zero.");
    } else {
        let _ = write!(
            out,
            "The most influential {} {}.",
            if clear.len() == 1 { "parameter is" } else { "parameters are" },
            join_and(&clear)
        );
        let _ = write!(
            out,
            " In all, {n_clear} of the {} parameters have a rank correlation whose 95% interval excludes zero.",
            rows.len()
        );
    }
    if let Some(r2) = r2 {
        let _ = write!(
            out,
            " A linear model in all parameters explains R² = {r2:.2} of its variation{}.",
            if r2 < 0.5 { " (much of the rest is nonlinear, interactions or run-to-run chance)" } else { "" }
        );
    }
    out
}

// ---------------------------------------------------------------- grid

fn grid_findings(h: &mut String, study: &Study) {
    h.push_str("<section id=\"findings\">\n<h2>Across the grid</h2>\n");
    let mut any = false;
    for outcome in TOLD {
        let means: Vec<(&crate::study::data::Cell, &Summary)> = study
            .cells
            .iter()
            .filter_map(|c| Some((c, study.stat(c.id, outcome).filter(|s| s.mean.is_some())?)))
            .collect();
        let lo = means.iter().min_by(|a, b| a.1.mean.unwrap_or(0.0).total_cmp(&b.1.mean.unwrap_or(0.0)));
        let hi = means.iter().max_by(|a, b| a.1.mean.unwrap_or(0.0).total_cmp(&b.1.mean.unwrap_or(0.0)));
        let (Some(lo), Some(hi)) = (lo, hi) else { continue };
        any = true;
        let name = |c: &crate::study::data::Cell| esc(cell_names(study, c).get(1).unwrap_or(&c.label));
        let ci =
            |s: &Summary| mean_interval(outcome, s).map(|c| format!(" (95% CI {c})")).unwrap_or_default();
        let (lo_mean, hi_mean) = (lo.1.mean.unwrap_or(0.0), hi.1.mean.unwrap_or(0.0));
        if lo.0.id != hi.0.id && (hi_mean - lo_mean).abs() <= 1e-9 * hi_mean.abs().max(1.0) {
            let _ = writeln!(
                h,
                "<p><b>{}.</b> The same in every cell: {}.</p>",
                esc(&capitalise(outcome.phrase())),
                val(outcome, lo_mean)
            );
            continue;
        }
        if lo.0.id == hi.0.id {
            let _ = writeln!(
                h,
                "<p><b>{}.</b> {}{} in the only cell.</p>",
                esc(&capitalise(outcome.phrase())),
                val(outcome, lo.1.mean.unwrap_or(0.0)),
                ci(lo.1)
            );
            continue;
        }
        let apart = match (lo.1.ci_high, hi.1.ci_low) {
            (Some(a), Some(b)) if a < b => "their intervals do not overlap",
            (Some(_), Some(_)) => "their intervals overlap, so this spread may be chance",
            _ => "too few runs for intervals",
        };
        let _ = writeln!(
            h,
            "<p><b>{}.</b> Lowest in cell {} ({}): {}{}; highest in cell {} ({}): {}{}; {apart}.</p>",
            esc(&capitalise(outcome.phrase())),
            lo.0.id,
            name(lo.0),
            val(outcome, lo.1.mean.unwrap_or(0.0)),
            ci(lo.1),
            hi.0.id,
            name(hi.0),
            val(outcome, hi.1.mean.unwrap_or(0.0)),
            ci(hi.1)
        );
    }
    if !any {
        h.push_str("<p>No cell has values for the key outcomes.</p>\n");
    }
    h.push_str("</section>\n");
}

// ---------------------------------------------------------------- charts

/// A one-line caption: how to read the chart.
fn caption(chart: StudyChart, study: &Study) -> String {
    let groups = if study.design == DesignKind::LatinHypercube { "all runs" } else { "each cell's runs" };
    let param = study.params.first().map(|p| esc(param_name(&p.column))).unwrap_or_default();
    match chart {
        StudyChart::FanHhi => format!(
            "HHI of AI-revenue shares (0–10,000; above 1,800 “highly concentrated”) month by month: the line is the mean \
             over {groups}, the band holds the middle 90% of runs (5th to 95th percentile)."
        ),
        StudyChart::FanFirms => format!(
            "Independent firms (a buyer and what it bought count as one) month by month: the line is the mean over \
             {groups}, the band the middle 90% of runs."
        ),
        StudyChart::OutcomeVsParam => format!(
            "Key outcomes for each value of <code>{param}</code>: the large dot is the cell's mean with its 95% \
             confidence interval, small faint dots are single runs (whether a run consolidated is yes or no, so only \
             the share is shown)."
        ),
        StudyChart::Heatmap => "Each tile is one cell: the mean over its runs, with the 95% confidence interval below; darker \
                      tiles are higher."
            .into(),
        StudyChart::Effects => "One row per term: the dot is the estimated change from the reference level, the whisker its 95% \
                      interval; a whisker that crosses the zero line means no evidence of an effect."
            .into(),
        StudyChart::Sensitivity => "One bar per parameter, sorted by strength: the Spearman rank correlation with the outcome \
                          over all runs, with its 95% interval; a whisker across zero means no evidence of a monotone \
                          relation."
            .into(),
    }
}

fn charts_section(h: &mut String, study: &Study, charts: &[Rendered]) {
    let markup = figures(charts, |id| match id {
        ChartId::Study(chart) => caption(chart, study),
        other => unreachable!("a study report shows study charts only, not {other:?}"),
    });
    h.push_str(&markup.into_string());
}

fn how_to_read(h: &mut String, study: &Study) {
    h.push_str("<section id=\"reading\">\n<h2>How to read this</h2>\n<ul class=\"reading\">\n");
    h.push_str(
        "<li>Each run is one simulated history of the world. Runs of a cell share its parameter values and differ only \
         in their random seed (the replicates).</li>\n\
         <li><b>Mean with 95% CI</b>: the interval is Student's t over the runs of a cell (n − 1 degrees of freedom). \
         It says where the mean over many more replicates would likely lie; it is not the spread of single runs.</li>\n\
         <li><b>p5 to p95</b>: the 5th and 95th percentiles of the runs (linear interpolation between order statistics, \
         Hyndman and Fan type 7, the default of R and numpy): the range of the middle 90% of outcomes.</li>\n\
         <li><b>Consolidated</b> is 1 for a run that reaches a consolidation phase and 0 otherwise, so its mean is the \
         share of runs; its t interval is approximate for a share, most of all with few runs or a share near 0% or \
         100%, and is shown clipped to 0–100%.</li>\n\
         <li><b>Months to consolidation</b> counts only the runs that got there; with few such runs its mean is \
         fragile, and it says nothing about the runs that never consolidated.</li>\n",
    );
    match study.design {
        DesignKind::Factorial => h.push_str(
            "<li><b>Effects</b> are treatment contrasts against each factor's reference (first) level, averaged over the \
             other factors' levels, computed per replicate and summarised by their mean with a Student t 95% interval \
             over replicates. An interval that excludes zero is evidence of an effect at the 5% level for that term \
             alone; with many terms, about one in twenty can exclude zero by chance (no correction for multiple \
             comparisons is made). An interval that includes zero is “no evidence”, not “no effect”.</li>\n",
        ),
        DesignKind::LatinHypercube => h.push_str(
            "<li><b>Spearman ρ</b> is the correlation of ranks: it measures a monotone relation (more of the parameter, \
             consistently more or less of the outcome), not only a straight line. Its 95% interval uses the Fisher z \
             transform with variance 1.06 / (n − 3). <b>SRC</b> is the standardised coefficient of an ordinary least \
             squares fit of the outcome on all parameters together; <b>R²</b> is that fit's share of explained \
             variance — a low R² means the parameters act nonlinearly, together, or less than chance does.</li>\n",
        ),
        DesignKind::Grid => h.push_str(
            "<li>Two cells whose intervals do not overlap differ clearly; overlapping intervals do not prove the cells \
             are the same.</li>\n",
        ),
    }
    if study.common_random_numbers {
        h.push_str(
            "<li><b>Common random numbers</b>: replicate <i>r</i> uses the same seed in every cell, which makes \
             comparisons between cells sharper; the per-cell intervals above still describe each cell on its own.</li>\n",
        );
    }
    h.push_str("</ul>\n</section>\n");
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
        let p = factorial_reading(&s, Outcome::FinalIndependentFirms).unwrap();
        assert!(p.contains("<code>chip_scarcity</code> changes it by −15.0 (95% CI −18.0 to −12.0)"), "{p}");
        assert!(p.contains("include zero"), "{p}");
        assert!(p.contains("three-way interaction"), "{p}");
        assert!(p.contains("which includes zero: no evidence that the confluence matters"), "{p}");
        // consolidation: only the chip × talent interaction is clear, so both matter only together
        let q = factorial_reading(&s, Outcome::Consolidated).unwrap();
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
        let p = sensitivity_sentence(&s, Outcome::FinalIndependentFirms, &rows);
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
