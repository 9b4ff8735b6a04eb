//! The comparison report: ONE self-contained HTML page per `chipban
//! compare` (no scripts, no network, charts as inline SVG) with the verdict,
//! the provenance of the two worlds, the paired differences with their 95%
//! intervals, the Kaplan–Meier medians, the charts and how to read them.
//!
//! The words claim no more than the intervals support (the verdict is
//! `Comparison::verdict`, made by `compare.rs`); every string from the world
//! files (names, paths) is HTML-escaped.

use crate::compare::{Comparison, PairedDiff};
use crate::analysis::outcome::Outcome;
use crate::view::format::{count, num, outcome_diff, outcome_value, thousands};
use crate::view::html::page::{PageKind, esc, figures, footer, page};
use crate::view::registry::{ChartId, CompareChart};
use maud::PreEscaped;
use crate::view::theme::Rendered;
use std::fmt::Write;

/// The report of a comparison: `charts` as `charts::render_comparison` returns them.
pub fn comparison_report(cmp: &Comparison, charts: &[Rendered]) -> String {
    let mut h = String::with_capacity(48 * 1024 + charts.iter().map(|c| c.svg.len()).sum::<usize>());
    let [a, b] = &cmp.names;
    let title = format!("{a} vs {b}");
    let _ = write!(
        h,
        "<header>\n<p class=\"kicker\">chipban comparison report</p>\n<h1>{}</h1>\n<p class=\"lede\">{} of each world \
         from {} to {}, on common random numbers: every difference below is {} minus {}, replicate by replicate.</p>\n\
         </header>\n",
        esc(&title),
        count(cmp.replicates as u64, "paired run", "paired runs"),
        cmp.start,
        end(cmp),
        esc(a),
        esc(b)
    );
    verdict(&mut h, cmp);
    contents(&mut h, charts);
    provenance(&mut h, cmp);
    differences(&mut h, cmp);
    consolidation(&mut h, cmp);
    charts_section(&mut h, cmp, charts);
    how_to_read(&mut h, cmp);
    h.push_str(&footer("the comparison's runs").into_string());
    page(PageKind::Compare, &format!("chipban comparison: {title}"), PreEscaped(h))
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

/// A difference of an outcome, signed (shares of runs in percentage points).
fn diff(outcome: &str, v: f64) -> String {
    Outcome::from_column(outcome).map_or_else(|| outcome_diff(Outcome::MonthsToConsolidation, v), |o| outcome_diff(o, v))
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

fn verdict(h: &mut String, cmp: &Comparison) {
    h.push_str("<section id=\"verdict\" class=\"finding verdict\">\n<h2>Verdict</h2>\n");
    let n = cmp.verdict.len();
    for (i, s) in cmp.verdict.iter().enumerate() {
        let class = if i == 0 && n > 1 {
            " class=\"context\""
        } else if i + 1 == n && n > 2 {
            " class=\"caveat\""
        } else {
            ""
        };
        let _ = writeln!(h, "<p{class}>{}</p>", esc(s));
    }
    if cmp.verdict.is_empty() {
        h.push_str("<p>No verdict: the comparison holds no findings.</p>\n");
    }
    h.push_str("</section>\n");
}

fn contents(h: &mut String, charts: &[Rendered]) {
    h.push_str("<nav aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
    h.push_str(
        "<li><a href=\"#verdict\">Verdict</a></li>\n<li><a href=\"#provenance\">The comparison</a></li>\n",
    );
    h.push_str("<li><a href=\"#differences\">Paired differences</a></li>\n");
    h.push_str("<li><a href=\"#consolidation\">Time to consolidation</a></li>\n");
    if !charts.is_empty() {
        h.push_str("<li><a href=\"#charts\">Charts</a></li>\n");
    }
    h.push_str("<li><a href=\"#reading\">How to read this</a></li>\n</ol>\n</nav>\n");
}

fn provenance(h: &mut String, cmp: &Comparison) {
    let [a, b] = &cmp.names;
    let _ = write!(
        h,
        "<section id=\"provenance\">\n<h2>The comparison</h2>\n<dl class=\"brief\">\n\
         <dt><span class=\"swatch a\"></span>World A</dt><dd>{} (<code>{}</code>)</dd>\n\
         <dt><span class=\"swatch b\"></span>World B</dt><dd>{} (<code>{}</code>)</dd>\n\
         <dt>Period</dt><dd>{} to {} ({} per run)</dd>\n\
         <dt>Replicates</dt><dd>{} ({} in all)</dd>\n<dt>Master seed</dt><dd>{}</dd>\n\
         <dt>Common random numbers</dt><dd>replicate <i>r</i> of both worlds runs with the same seed, so each pair \
         shares its random history and the paired difference isolates what differs between the worlds, not luck of \
         the draw.</dd>\n</dl>\n</section>\n",
        esc(a),
        esc(&cmp.files[0]),
        esc(b),
        esc(&cmp.files[1]),
        cmp.start,
        end(cmp),
        count(cmp.months as u64, "month", "months"),
        count(cmp.replicates as u64, "pair", "pairs"),
        count(2 * cmp.replicates as u64, "run", "runs"),
        cmp.master_seed,
    );
}

fn differences(h: &mut String, cmp: &Comparison) {
    let [a, b] = &cmp.names;
    let (a, b) = (esc(a), esc(b));
    let _ = write!(
        h,
        "<section id=\"differences\">\n<h2>Paired differences</h2>\n\
         <p>For each outcome: its mean in each world, the mean of the per-replicate differences {a} − {b} with its 95% \
         paired t interval, and the number of pairs with a value in both worlds. Differences in <b>bold</b> have an \
         interval that excludes zero: a difference the seed noise alone does not explain.</p>\n\
         <div class=\"scroll\"><table>\n<thead><tr><th>outcome</th><th class=\"num\">mean in {a}</th>\
         <th class=\"num\">mean in {b}</th><th class=\"num\">mean difference {a} − {b}</th>\
         <th class=\"num\">95% CI of the difference</th><th class=\"num\">pairs</th><th>interval</th>\
         <th>excludes zero</th></tr></thead>\n<tbody>\n"
    );
    for d in &cmp.diffs {
        let (label, unit) = row_label(d);
        let o = d.outcome.as_str();
        let clear = d.significant();
        let cls = if clear { "num clear" } else { "num" };
        let mean = |v: Option<f64>| v.map_or("n/a".to_string(), |x| val(o, x));
        let ci = match (d.ci_low, d.ci_high) {
            (Some(l), Some(hh)) => format!("{} to {}", diff(o, l), diff(o, hh)),
            _ => "n/a".into(),
        };
        let excl = match (d.ci_low, d.ci_high) {
            (Some(_), Some(_)) if clear => "<b>yes</b>",
            (Some(_), Some(_)) => "no",
            _ => "n/a",
        };
        let _ = writeln!(
            h,
            "<tr><td>{}<span class=\"unit\">{}</span></td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"{cls}\">{}</td><td class=\"{cls}\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{excl}</td></tr>",
            esc(&label),
            esc(&unit),
            mean(d.mean_a),
            mean(d.mean_b),
            d.diff.map_or("n/a".to_string(), |x| diff(o, x)),
            ci,
            thousands(d.n as u64),
            esc(d.method),
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    if cmp.diffs.is_empty() {
        h.push_str("<p>No outcomes to compare.</p>\n");
    }
    h.push_str("</section>\n");
}

fn consolidation(h: &mut String, cmp: &Comparison) {
    let restricted = cmp.diff("restricted_mean_months_to_consolidation");
    let _ = write!(
        h,
        "<section id=\"consolidation\">\n<h2>Time to consolidation</h2>\n\
         <p>Kaplan–Meier estimates of when a run's consolidation phase begins. Runs that never consolidate are \
         censored at the horizon ({}); the median is the first month by which at least half of the runs have \
         consolidated, and is “not reached” when fewer than half do.</p>\n\
         <div class=\"scroll\"><table>\n<thead><tr><th>world</th><th class=\"num\">runs</th>\
         <th class=\"num\">consolidate</th><th class=\"num\">never (censored at the horizon)</th>\
         <th class=\"num\">median start of consolidation</th>\
         <th class=\"num\">restricted mean months (never = {})</th></tr></thead>\n<tbody>\n",
        end(cmp),
        cmp.months
    );
    for w in 0..2 {
        let runs = cmp.runs[w].len();
        let never = cmp.survival[w].last().map_or(runs, |p| p.at_risk - p.events);
        let median = match cmp.median_months[w] {
            Some(m) => format!("{} (month {m})", cmp.date(m)),
            None => "not reached".into(),
        };
        let rm = restricted.and_then(|d| if w == 0 { d.mean_a } else { d.mean_b });
        let _ = writeln!(
            h,
            "<tr><td><span class=\"swatch {}\"></span>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            if w == 0 { "a" } else { "b" },
            esc(&cmp.names[w]),
            thousands(runs as u64),
            thousands((runs - never) as u64),
            thousands(never as u64),
            median,
            rm.map_or("n/a".into(), num),
        );
    }
    h.push_str("</tbody>\n</table></div>\n");
    if let Some(d) = restricted {
        let text = match (d.diff, d.ci_low, d.ci_high) {
            (Some(x), Some(l), Some(hh)) => format!(
                "The restricted mean differs by {} months ({} − {}; 95% CI {} to {}){}.",
                diff("", x),
                esc(&cmp.names[0]),
                esc(&cmp.names[1]),
                diff("", l),
                diff("", hh),
                if d.significant() {
                    ", an interval that excludes zero"
                } else {
                    ", an interval that includes zero"
                }
            ),
            _ => "Too few pairs to give an interval for the restricted mean.".into(),
        };
        let _ = writeln!(h, "<p>{text}</p>");
    }
    h.push_str("</section>\n");
}

// ---------------------------------------------------------------- charts

/// A one-line caption: how to read the chart.
fn caption(chart: CompareChart, cmp: &Comparison) -> String {
    let (a, b) = (esc(&cmp.names[0]), esc(&cmp.names[1]));
    match chart {
        CompareChart::FanHhi => format!(
            "HHI of AI-revenue shares (0–10,000) month by month: the lines are the means over the runs of {a} (blue) and \
             {b} (orange), the shaded bands hold the middle 90% of each world's runs (5th to 95th percentile)."
        ),
        CompareChart::FanFirms => format!(
            "Independent firms (a buyer and what it bought count as one) month by month: lines are the means of {a} \
             (blue) and {b} (orange), bands the middle 90% of each world's runs."
        ),
        CompareChart::Paired => format!(
            "Each bar counts replicates by their difference {a} − {b} in the final independent firms (left) and the \
             final HHI (right); the black line is zero, the red dot and whisker the mean difference and its 95% paired \
             t interval (shaded)."
        ),
        CompareChart::Survival => format!(
            "Share of runs not yet in a consolidation phase (Kaplan–Meier), {a} blue and {b} orange: dashed drops mark \
             the medians, ticks at the right end the runs that never consolidate (censored at the horizon)."
        ),
    }
}

fn charts_section(h: &mut String, cmp: &Comparison, charts: &[Rendered]) {
    let markup = figures(charts, |id| match id {
        ChartId::Compare(chart) => caption(chart, cmp),
        other => unreachable!("a comparison report shows comparison charts only, not {other:?}"),
    });
    h.push_str(&markup.into_string());
}

fn how_to_read(h: &mut String, cmp: &Comparison) {
    let _ = write!(
        h,
        "<section id=\"reading\">\n<h2>How to read this</h2>\n<ul class=\"reading\">\n\
         <li><b>Common random numbers</b>: replicate <i>r</i> of both worlds runs with the same seed, so the two runs \
         of a pair share their random history; the paired difference removes most of the run-to-run noise and keeps \
         what the worlds' differences cause.</li>\n\
         <li><b>Paired t intervals</b>: for each outcome the differences A − B of the pairs are averaged and given a \
         Student t 95% interval (n − 1 degrees of freedom). An interval that excludes zero is evidence of a \
         difference at the 5% level for that outcome alone; with several outcomes, about one in twenty can exclude \
         zero by chance. An interval that includes zero means “no detectable difference”, not “no effect”.</li>\n\
         <li><b>Consolidated</b> is 1 for a run that reaches a consolidation phase and 0 otherwise: its mean is a \
         share of runs and its difference is in percentage points; the t interval is approximate for a share, most \
         of all with few pairs or shares near 0% or 100%.</li>\n\
         <li><b>Months to consolidation</b> in the table counts only the pairs where both runs consolidate, a \
         selected subset; the restricted mean uses every pair, counting a run that never consolidates at the \
         horizon.</li>\n\
         <li><b>Kaplan–Meier</b>: the curve is the share of runs not yet consolidated, month by month. Runs that \
         never consolidate are censored at the horizon ({}); the median is the first month at which the curve is \
         at or below one half.</li>\n\
         <li><b>Restricted mean</b> months to consolidation: the mean of min(T, {}), counting a run that never \
         consolidates as {} months — the area under the Kaplan–Meier curve up to the horizon.</li>\n\
         <li><b>Bands</b> in the fan charts are the 5th to 95th percentiles of single runs: the spread of outcomes, \
         not the uncertainty of the mean.</li>\n\
         <li>These intervals cover seed-to-seed noise only, not uncertainty in the parameters or the model: they say \
         how sure the comparison is <i>inside the model</i>, given its calibration (see the sensitivity sweep for \
         how the parameters move the outcomes).</li>\n</ul>\n</section>\n",
        end(cmp),
        cmp.months,
        cmp.months
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::compare_charts::{fixtures, names, render_comparison};

    fn placeholders() -> Vec<Rendered> {
        names()
            .iter()
            .map(|&name| Rendered {
                id: crate::view::registry::by_name(name).expect("a registered chart").id,
                name,
                png: Vec::new(),
                svg: "<svg width=\"10\"><text>x</text></svg>".into(),
            })
            .collect()
    }

    fn check_report(cmp: &Comparison, charts: &[Rendered]) -> String {
        let html = comparison_report(cmp, charts);
        for c in charts {
            assert!(html.contains(&format!("id=\"chart-{}\"", c.name)), "{} missing", c.name);
        }
        assert!(!html.contains("src=\"http"), "no external resources");
        assert!(!html.contains("<script"), "no scripts");
        assert!(!html.contains("xmlns"), "no namespace URLs");
        assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
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
            assert!(html.contains(&esc(s)), "verdict sentence: {s}");
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
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img src=x>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; vs b &amp; &quot;c&quot;"));
        assert!(html.contains("&lt;img src=x&gt;"));
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
