//! The comparison report: ONE self-contained HTML page per `chipban
//! compare` (no scripts, no network, charts as inline SVG) with the verdict,
//! the provenance of the two worlds, the paired differences with their 95%
//! intervals, the Kaplan–Meier medians, the charts and how to read them.
//!
//! The words claim no more than the intervals support (the verdict is
//! `Comparison::verdict`, made by `compare.rs`); every string from the world
//! files (names, paths) is HTML-escaped.

use crate::analysis::outcome::Outcome;
use crate::compare::{Comparison, PairedDiff};
use crate::view::format::{count, num, outcome_diff, outcome_value, thousands};
use crate::view::html::page::{self, PageKind, figures, footer, page};
use crate::view::registry::{ChartId, CompareChart};
use crate::view::theme::Rendered;
use maud::{Markup, html};

/// The report of a comparison: `charts` as `charts::render_comparison` returns them.
pub fn comparison_report(cmp: &Comparison, charts: &[Rendered]) -> String {
    let [a, b] = &cmp.names;
    let title = format!("{a} vs {b}");
    let body = html! {
        header {
            p.kicker { "chipban comparison report" }
            h1 { (title) }
            p.lede {
                (count(cmp.replicates as u64, "paired run", "paired runs")) " of each world from " (cmp.start) " to "
                (end(cmp)) ", on common random numbers: every difference below is " (a) " minus " (b)
                ", replicate by replicate."
            }
        }
        (verdict(cmp))
        (contents(charts))
        (provenance(cmp))
        (differences(cmp))
        (consolidation(cmp))
        (figures(charts, |id| match id {
            ChartId::Compare(chart) => caption(chart, cmp),
            other => unreachable!("a comparison report shows comparison charts only, not {other:?}"),
        }))
        (how_to_read(cmp))
        (footer("the comparison's runs"))
    };
    page(PageKind::Compare, &format!("chipban comparison: {title}"), body)
}

// ---------------------------------------------------------------- numbers

/// The last simulated month.
fn end(cmp: &Comparison) -> String {
    cmp.date(cmp.months.max(1) - 1)
}

/// A mean of an outcome as a reader expects it (shares of runs as
/// percentages); a derived measure (the restricted mean) as a number.
fn val(outcome: &str, v: f64) -> String {
    Outcome::from_column(outcome).map_or_else(|| num(v), |o| outcome_value(o, v))
}

/// A difference of an outcome, signed (shares of runs in percentage points);
/// a derived measure (the restricted mean) as a number.
fn diff(outcome: &str, v: f64) -> String {
    outcome_diff(Outcome::from_column(outcome).unwrap_or(Outcome::MonthsToConsolidation), v)
}

/// The row label of an outcome.
fn row_label(d: &PairedDiff) -> (String, String) {
    match Outcome::from_column(&d.outcome) {
        Some(o @ Outcome::Consolidated) => {
            (o.chart_label().into(), "share of runs; difference in percentage points".into())
        }
        Some(o @ Outcome::MonthsToConsolidation) => (d.label.clone(), o.chart_unit().into()),
        _ => (d.label.clone(), d.unit.clone()),
    }
}

// ---------------------------------------------------------------- sections

fn verdict(cmp: &Comparison) -> Markup {
    let n = cmp.verdict.len();
    let class = |i: usize| {
        if i == 0 && n > 1 {
            Some("context")
        } else if i + 1 == n && n > 2 {
            Some("caveat")
        } else {
            None
        }
    };
    html! {
        section #verdict.finding.verdict {
            h2 { "Verdict" }
            @for (i, s) in cmp.verdict.iter().enumerate() {
                p class=[class(i)] { (s) }
            }
            @if cmp.verdict.is_empty() {
                p { "No verdict: the comparison holds no findings." }
            }
        }
    }
}

fn contents(charts: &[Rendered]) -> Markup {
    let mut items = vec![
        ("verdict", "Verdict"),
        ("provenance", "The comparison"),
        ("differences", "Paired differences"),
        ("consolidation", "Time to consolidation"),
    ];
    if !charts.is_empty() {
        items.push(("charts", "Charts"));
    }
    items.push(("reading", "How to read this"));
    page::contents(&items)
}

fn provenance(cmp: &Comparison) -> Markup {
    let [a, b] = &cmp.names;
    html! {
        section #provenance {
            h2 { "The comparison" }
            dl.brief {
                dt { span.swatch.a {} "World A" } dd { (a) " (" code { (cmp.files[0]) } ")" }
                dt { span.swatch.b {} "World B" } dd { (b) " (" code { (cmp.files[1]) } ")" }
                dt { "Period" } dd { (cmp.start) " to " (end(cmp)) " (" (count(cmp.months as u64, "month", "months")) " per run)" }
                dt { "Replicates" }
                dd {
                    (count(cmp.replicates as u64, "pair", "pairs")) " ("
                    (count(2 * cmp.replicates as u64, "run", "runs")) " in all)"
                }
                dt { "Master seed" } dd { (cmp.master_seed) }
                dt { "Common random numbers" }
                dd {
                    "replicate " i { "r" } " of both worlds runs with the same seed, so each pair shares its random \
                     history and the paired difference isolates what differs between the worlds, not luck of the draw."
                }
            }
        }
    }
}

fn differences(cmp: &Comparison) -> Markup {
    let [a, b] = &cmp.names;
    html! {
        section #differences {
            h2 { "Paired differences" }
            p {
                "For each outcome: its mean in each world, the mean of the per-replicate differences " (a) " − " (b)
                " with its 95% paired t interval, and the number of pairs with a value in both worlds. Differences in "
                b { "bold" } " have an interval that excludes zero: a difference the seed noise alone does not explain. "
                "The size column judges each difference against the outcome's threshold of a material difference (" (b)
                " is the control where the threshold is 5% of a mean): material, detectable but small, negligible or inconclusive."
            }
            div.scroll {
                table {
                    thead {
                        tr {
                            th { "outcome" }
                            th.num { "mean in " (a) }
                            th.num { "mean in " (b) }
                            th.num { "mean difference " (a) " − " (b) }
                            th.num { "95% CI of the difference" }
                            th.num { "pairs" }
                            th { "interval" }
                            th { "excludes zero" }
                            th { "size (threshold)" }
                        }
                    }
                    tbody {
                        @for d in &cmp.diffs {
                            (difference_row(d))
                        }
                    }
                }
            }
            @if cmp.diffs.is_empty() {
                p { "No outcomes to compare." }
            }
        }
    }
}

fn difference_row(d: &PairedDiff) -> Markup {
    let (label, unit) = row_label(d);
    let o = d.outcome.as_str();
    let clear = d.significant();
    let cls = if clear { "num clear" } else { "num" };
    let mean = |v: Option<f64>| v.map_or("n/a".to_string(), |x| val(o, x));
    let ci = match (d.ci_low, d.ci_high) {
        (Some(l), Some(hh)) => format!("{} to {}", diff(o, l), diff(o, hh)),
        _ => "n/a".into(),
    };
    let has_ci = d.ci_low.is_some() && d.ci_high.is_some();
    html! {
        tr {
            td { (label) span.unit { (unit) } }
            td.num { (mean(d.mean_a)) }
            td.num { (mean(d.mean_b)) }
            td class=(cls) { (d.diff.map_or("n/a".to_string(), |x| diff(o, x))) }
            td class=(cls) { (ci) }
            td.num { (thousands(d.n as u64)) }
            td { (d.method) }
            td {
                @if has_ci && clear { b { "yes" } } @else if has_ci { "no" } @else { "n/a" }
            }
            td {
                @match (d.materiality, d.threshold) {
                    (Some(m), Some(t)) => { (m.as_str()) " (±" (diff(o, t).trim_start_matches('+')) ")" }
                    _ => "n/a",
                }
            }
        }
    }
}

fn consolidation(cmp: &Comparison) -> Markup {
    let restricted = cmp.diff("restricted_mean_months_to_consolidation");
    html! {
        section #consolidation {
            h2 { "Time to consolidation" }
            p {
                "Kaplan–Meier estimates of when a run's consolidation phase begins. Runs that never consolidate are \
                 censored at the horizon (" (end(cmp)) "); the median is the first month by which at least half of \
                 the runs have consolidated, and is “not reached” when fewer than half do."
            }
            div.scroll {
                table {
                    thead {
                        tr {
                            th { "world" }
                            th.num { "runs" }
                            th.num { "consolidate" }
                            th.num { "never (censored at the horizon)" }
                            th.num { "median start of consolidation" }
                            th.num { "restricted mean months (never = " (cmp.months) ")" }
                        }
                    }
                    tbody {
                        @for w in 0..2 {
                            (survival_row(cmp, w, restricted))
                        }
                    }
                }
            }
            @if let Some(d) = restricted {
                p {
                    @match (d.diff, d.ci_low, d.ci_high) {
                        (Some(x), Some(l), Some(hh)) => {
                            "The restricted mean differs by " (diff("", x)) " months (" (cmp.names[0]) " − "
                            (cmp.names[1]) "; 95% CI " (diff("", l)) " to " (diff("", hh)) ")"
                            @if d.significant() { ", an interval that excludes zero" }
                            @else { ", an interval that includes zero" }
                            @if let Some(m) = d.materiality { "; " (m.as_str()) " against the 3-month threshold of a material difference" }
                            "."
                        }
                        _ => "Too few pairs to give an interval for the restricted mean.",
                    }
                }
            }
        }
    }
}

fn survival_row(cmp: &Comparison, w: usize, restricted: Option<&PairedDiff>) -> Markup {
    let runs = cmp.runs[w].len();
    let never = cmp.survival[w].last().map_or(runs, |p| p.at_risk - p.events);
    let median = match cmp.median_months[w] {
        Some(m) => format!("{} (month {m})", cmp.date(m)),
        None => "not reached".into(),
    };
    let rm = restricted.and_then(|d| if w == 0 { d.mean_a } else { d.mean_b });
    html! {
        tr {
            td { span class={ "swatch " (if w == 0 { "a" } else { "b" }) } {} (cmp.names[w]) }
            td.num { (thousands(runs as u64)) }
            td.num { (thousands((runs - never) as u64)) }
            td.num { (thousands(never as u64)) }
            td.num { (median) }
            td.num { (rm.map_or("n/a".into(), num)) }
        }
    }
}

// ---------------------------------------------------------------- charts

/// A one-line caption: how to read the chart.
fn caption(chart: CompareChart, cmp: &Comparison) -> Markup {
    let [a, b] = &cmp.names;
    match chart {
        CompareChart::FanHhi => html! {
            "HHI of the model market (shares of tokens served, 0–10,000) month by month: the lines are the means over the runs of " (a)
            " (blue) and " (b) " (orange), the shaded bands hold the middle 90% of each world's runs (5th to 95th \
             percentile)."
        },
        CompareChart::FanFirms => html! {
            "Independent firms (a buyer and what it bought count as one) month by month: lines are the means of " (a)
            " (blue) and " (b) " (orange), bands the middle 90% of each world's runs."
        },
        CompareChart::Paired => html! {
            "Each bar counts replicates by their difference " (a) " − " (b) " in the final independent firms (left) \
             and the final HHI (right); the black line is zero, the red dot and whisker the mean difference and its \
             95% paired t interval (shaded)."
        },
        CompareChart::Survival => html! {
            "Share of runs not yet in a consolidation phase (Kaplan–Meier), " (a) " blue and " (b) " orange: dashed \
             drops mark the medians, ticks at the right end the runs that never consolidate (censored at the \
             horizon)."
        },
    }
}

fn how_to_read(cmp: &Comparison) -> Markup {
    html! {
        section #reading {
            h2 { "How to read this" }
            ul.reading {
                li {
                    b { "Common random numbers" } ": replicate " i { "r" } " of both worlds runs with the same seed, so \
                     the two runs of a pair share their random history; the paired difference removes most of the \
                     run-to-run noise and keeps what the worlds' differences cause."
                }
                li {
                    b { "Paired t intervals" } ": for each outcome the differences A − B of the pairs are averaged and \
                     given a Student t 95% interval (n − 1 degrees of freedom). An interval that excludes zero is \
                     evidence of a difference at the 5% level for that outcome alone; with several outcomes, about \
                     one in twenty can exclude zero by chance. An interval that includes zero means “no detectable \
                     difference”, not “no effect”."
                }
                li {
                    b { "Consolidated" } " is 1 for a run that reaches a consolidation phase and 0 otherwise: its mean \
                     is a share of runs and its difference is in percentage points; the t interval is approximate for \
                     a share, most of all with few pairs or shares near 0% or 100%."
                }
                li {
                    b { "Time to consolidation" } " is compared only by the Kaplan–Meier curves and medians and by \
                     the restricted mean, which uses every pair and counts a run that never consolidates at the \
                     horizon; never by a mean over the pairs where both runs consolidate (a selected subset)."
                }
                li {
                    b { "Size" } ": a difference is " i { "material" } " when its interval excludes zero and it is at \
                     least the outcome's threshold (an HHI change of 100 points, as in the 2023 US Merger Guidelines; \
                     5 percentage points of a share or of the share of runs; 5% of world B's mean for counts, money \
                     and indexes; 3 months of the restricted mean), " i { "detectable but small" } " when the interval \
                     excludes zero below it, " i { "negligible" } " when the whole interval lies within ± the \
                     threshold, and " i { "inconclusive" } " otherwise. Outcomes with the same value in every run of \
                     both worlds are not analysed (named once in the verdict). Thresholds and sources: docs/sweep.md."
                }
                li {
                    b { "Kaplan–Meier" } ": the curve is the share of runs not yet consolidated, month by month. Runs \
                     that never consolidate are censored at the horizon (" (end(cmp)) "); the median is the first \
                     month at which the curve is at or below one half."
                }
                li {
                    b { "Restricted mean" } " months to consolidation: the mean of min(T, " (cmp.months) "), counting \
                     a run that never consolidates as " (cmp.months) " months — the area under the Kaplan–Meier curve \
                     up to the horizon."
                }
                li {
                    b { "Bands" } " in the fan charts are the 5th to 95th percentiles of single runs: the spread of \
                     outcomes, not the uncertainty of the mean."
                }
                li {
                    "These intervals cover seed-to-seed noise only, not uncertainty in the parameters or the model: \
                     they say how sure the comparison is " i { "inside the model" } ", given its calibration (see the \
                     sensitivity sweep for how the parameters move the outcomes)."
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::compare_charts::{fixtures, names, render_comparison};
    use crate::view::html::page::testing;

    fn placeholders() -> Vec<Rendered> {
        testing::placeholders(&names())
    }

    fn check_report(cmp: &Comparison, charts: &[Rendered]) -> String {
        let html = comparison_report(cmp, charts);
        testing::check_page(&html, charts);
        for id in ["verdict", "provenance", "differences", "consolidation", "reading"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        html
    }

    #[test]
    fn a_comparison_gets_a_complete_page() {
        let cmp = fixtures::comparison(12, ["baseline", "no_ban"]);
        let html = check_report(&cmp, &render_comparison(&cmp).expect("charts render"));
        assert!(html.contains("<h1>baseline vs no_ban</h1>"));
        assert!(html.contains("<svg") && html.contains("class=\"chart\""), "inline SVG");
        assert!(html.contains("Student t") && html.contains("censored at the horizon"));
        assert!(html.contains("area under the Kaplan–Meier curve"));
        assert!(html.contains("seed-to-seed noise only"));
        for s in &cmp.verdict {
            assert!(html.contains(&html! { (s) }.into_string()), "verdict sentence: {s}");
        }
        // Every compared outcome has a row, and the clear ones are marked.
        assert_eq!(html.matches("<tr><td>").count(), cmp.diffs.len() + 2);
        let clear = cmp.diffs.iter().filter(|d| d.significant()).count();
        assert!(clear > 0, "the fixture has a clear difference");
        assert_eq!(html.matches("<td><b>yes</b></td>").count(), clear);
        if let Ok(dir) = std::env::var("CHIPBAN_SWEEP_CHART_DUMP") {
            std::fs::write(format!("{dir}/compare-report.html"), &html).unwrap();
        }
    }

    #[test]
    fn hostile_world_names_are_escaped() {
        let mut cmp = fixtures::comparison(4, ["<script>alert(1)</script>", "b & \"c\""]);
        cmp.files = ["<img src=x>".into(), "w'.ron".into()];
        let html = check_report(&cmp, &placeholders());
        testing::check_escaped(
            &html,
            &["&lt;script&gt;alert(1)&lt;/script&gt; vs b &amp; &quot;c&quot;", "&lt;img src=x&gt;"],
        );
    }

    #[test]
    fn degenerate_comparisons_do_not_panic() {
        let cmp = fixtures::flat(2);
        let html = check_report(&cmp, &placeholders());
        assert!(html.contains("not reached"));
        check_report(&fixtures::comparison(2, ["a", "b"]), &[]);
        let mut cmp = fixtures::comparison(3, ["a", "b"]);
        cmp.verdict.clear();
        cmp.diffs.clear();
        check_report(&cmp, &placeholders());
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(diff("consolidated", 0.5), "+50 pp");
        assert_eq!(diff("consolidated", -0.034), "−3.4 pp");
        assert_eq!(diff("final_hhi", -360.2), "−360");
        assert_eq!(diff("final_independent_firms", 0.0), "0.00");
        assert_eq!(diff("final_cr4", 0.0123), "+0.012");
        assert_eq!(val("final_hhi", 2455.4), "2,455");
        assert_eq!(val("consolidated", 0.4), "40%");
        assert_eq!(num(-6.25), "−6.2");
    }
}
