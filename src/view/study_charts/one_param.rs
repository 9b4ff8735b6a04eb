//! The outcomes against the one parameter of a grid: each run as a jittered
//! dot, each cell's mean with its interval. Draws only.

use super::*;

// ---------------------------------------------------------------- one parameter

/// X positions of the cells: the parameter's numeric values when every
/// cell has one, else the cells' order (categorical).
pub(super) fn cell_positions(study: &Study, param: usize) -> (Vec<f64>, bool) {
    let numeric: Option<Vec<f64>> = study
        .cells
        .iter()
        .map(|c| c.numeric.get(param).copied().flatten().filter(|v| v.is_finite()))
        .collect();
    match numeric {
        Some(v) if study.params.get(param).is_none_or(|p| p.kind != ParamKind::Text) => (v, true),
        _ => ((0..study.cells.len()).map(|i| i as f64).collect(), false),
    }
}

/// A cell's position, mean and 95% interval on an outcome panel.
pub(super) type CellMean = (f64, f64, Option<(f64, f64)>);

/// Deterministic horizontal offset for run `k` in `-0.5..0.5`.
pub(super) fn jitter(k: u64) -> f64 {
    ((k as f64 * 0.618_033_988_75).fract()) - 0.5
}

pub(super) fn outcome_vs_param<DB: DrawingBackend>(
    study: &Study,
    root: &DrawingArea<DB, Shift>,
) -> HoverResult {
    let param = param_title(study, 0);
    let title = format!("Outcomes by {}: mean of the runs with 95% CI", param_short(study, 0));
    let title = fit(root, &title, &title_style(), WIDTH as i32 - 40);
    let mut regions = Vec::new();
    let area = root.margin(15, 10, 20, 20).titled(&title, title_style()).map_err(err)?;
    let (key, rest) = area.split_vertically(32);
    let colour = series_colour(0);
    legend_row(
        &key,
        None,
        12,
        &[
            (Mark::Whisker(colour), "mean with 95% confidence interval".to_string()),
            (Mark::Dot(tint(colour, 0.35), 4), "one run".to_string()),
        ],
    )?;
    let (xs, numeric) = cell_positions(study, 0);
    let ticks: Vec<(f64, String)> = study
        .cells
        .iter()
        .zip(&xs)
        .map(|(c, x)| (*x, pretty_value(c.values.first().map_or("", |s| s.as_str()))))
        .collect();
    let x_range = match bounds(xs.iter().copied()) {
        Some((lo, hi)) if numeric => padded(lo, hi, 0.07),
        Some((lo, hi)) => (lo - 0.5)..(hi + 0.5),
        None => 0.0..1.0,
    };
    // The smallest gap between positions, for the width of the jitter.
    let mut sorted_x = xs.clone();
    sorted_x.sort_by(f64::total_cmp);
    let gap = sorted_x
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 0.0)
        .fold(x_range.end - x_range.start, f64::min);
    let panels = rest.split_evenly((2, 2));
    for (k, (outcome, panel)) in KEY_OUTCOMES.iter().zip(&panels).enumerate() {
        let oi = outcome.index();
        let s = outcome.chart_scale();
        let caption = format!("{} ({})", outcome.chart_label(), outcome.chart_unit());
        let means: Vec<CellMean> = study
            .cells
            .iter()
            .zip(&xs)
            .filter_map(|(c, x)| {
                let st = study.stat(c.id, *outcome)?;
                let m = st.mean?;
                let ci = st.ci_low.zip(st.ci_high).map(|(a, b)| (a * s, b * s));
                Some((*x, m * s, ci))
            })
            .collect();
        let pos = |cell: u32| study.cells.iter().position(|c| c.id == cell).map(|i| xs[i]);
        // Runs of a 0/1 outcome add nothing to its share: leave them out.
        let runs: Vec<(f64, f64)> = if *outcome == Outcome::Consolidated {
            Vec::new()
        } else {
            study
                .runs
                .iter()
                .filter_map(|r| {
                    // A time to an event as the restricted time (never = the horizon), like the cell means.
                    let v = outcome.analysed(r.outcomes.get(oi).copied()?, study.months)?;
                    Some((pos(r.cell)? + jitter(r.run_id) * gap * 0.3, v * s))
                })
                .collect()
        };
        if means.is_empty() && runs.is_empty() {
            let msg = if *outcome == Outcome::MonthsToConsolidation {
                "no run reached a consolidation phase"
            } else {
                "no values in this study"
            };
            empty_panel(panel, &caption, msg)?;
            continue;
        }
        let values = means.iter().flat_map(|m| [Some(m.1), m.2.map(|c| c.0), m.2.map(|c| c.1)]).flatten();
        let (lo, hi) = bounds(values.chain(runs.iter().map(|r| r.1))).unwrap_or((0.0, 1.0));
        let y = if *outcome == Outcome::Consolidated { -4.0..104.0 } else { padded(lo, hi, 0.08) };
        let span = y.end - y.start;
        let bottom = k >= 2;
        // The caption whole (two lines where it needs them), the panels aligned.
        let body = caption_above(panel, &caption, 16, 2)?;
        let layout = [8, 18, if bottom { 58 } else { 34 }, 70];
        let mut chart = captioned(&body, ("", bold(1)), layout, x_range.clone(), y.clone())?;
        let y_fmt = |v: &f64| tick(*v, span);
        let mut mesh = chart.configure_mesh();
        mesh.disable_x_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID)
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&y_fmt)
            .axis_desc_style(font(16))
            .label_style(font(15));
        if bottom {
            mesh.x_desc(param.clone());
        }
        mesh.draw().map_err(err)?;
        chart.draw_series(runs.iter().map(|&p| Circle::new(p, 3, colour.mix(0.22).filled()))).map_err(err)?;
        if numeric && means.len() > 1 {
            let mut line: Vec<(f64, f64)> = means.iter().map(|m| (m.0, m.1)).collect();
            line.sort_by(|a, b| a.0.total_cmp(&b.0));
            chart.draw_series(LineSeries::new(line, colour.mix(0.6).stroke_width(2))).map_err(err)?;
        }
        let cap = gap * 0.08;
        let (dot, stroke) = match means.len() {
            0..=12 => (6, 3),
            13..=30 => (4, 2),
            _ => (3, 1),
        };
        for &(x, m, ci) in &means {
            if let Some((a, b)) = ci {
                // A share of runs lies in 0..100%: clip its t interval there.
                let (a, b) =
                    if *outcome == Outcome::Consolidated { (a.max(0.0), b.min(100.0)) } else { (a, b) };
                let (a, b) = (a.max(y.start), b.min(y.end));
                chart
                    .draw_series([
                        PathElement::new(vec![(x, a), (x, b)], colour.stroke_width(stroke)),
                        PathElement::new(vec![(x - cap, a), (x + cap, a)], colour.stroke_width(stroke)),
                        PathElement::new(vec![(x - cap, b), (x + cap, b)], colour.stroke_width(stroke)),
                    ])
                    .map_err(err)?;
            }
            chart.draw_series(std::iter::once(Circle::new((x, m), dot, colour.filled()))).map_err(err)?;
        }
        x_ticks(panel, &chart, &ticks, 14)?;
        // Hover: one column per cell, its value and the mean with its interval.
        let mut cols: Vec<(f64, String)> = study
            .cells
            .iter()
            .zip(&xs)
            .map(|(c, x)| {
                let value = pretty_value(c.values.first().map_or("", |s| s.as_str()));
                let stat = study.stat(c.id, *outcome).filter(|s| s.mean.is_some());
                let text = match stat {
                    Some(st) => {
                        let m = st.mean.unwrap_or(0.0) * s;
                        let ci = st
                            .ci_low
                            .zip(st.ci_high)
                            .map(|(a, b)| format!(" (95% CI {}–{})", value_label(a * s), value_label(b * s)))
                            .unwrap_or_default();
                        format!("{}: {}{ci}, {} runs", outcome.chart_label(), value_label(m), st.n)
                    }
                    None => format!("{}: no value", outcome.chart_label()),
                };
                (*x, format!("{} {value}\n{text}", param_short(study, 0)))
            })
            .collect();
        cols.sort_by(|a, b| a.0.total_cmp(&b.0));
        cols.dedup_by(|a, b| a.0 == b.0);
        let xs_sorted: Vec<f64> = cols.iter().map(|c| c.0).collect();
        regions.extend(hover::columns(&chart, &xs_sorted, |i| cols[i].1.clone()));
    }
    Ok(regions)
}
