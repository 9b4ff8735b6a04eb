//! Charts of a sweep, made from a [`Study`] alone and in memory (PNG and SVG
//! per chart, 1280×720, the run charts' theme): fan charts of HHI and of
//! independent firms over time for every design, and, by design, the
//! outcomes against the parameter (grid of one parameter), a heat map (grid
//! of two), a forest plot of effects (factorial) or a tornado of rank
//! correlations (Latin hypercube).
//!
//! Nothing here computes statistics beyond arranging what the study holds
//! (the one exception is the all-cells mean drawn faintly in small
//! multiples); nothing here writes files.

use crate::analysis::outcome::Outcome;
use crate::study::data::{Band, DesignKind, Effect, Metric, ParamKind, Study};
use crate::view::axis::{draw_time_axis, time_ticks, x_ticks};
use crate::view::format::{rho, tick, value_label};
use crate::view::legend::{Mark, legend_row, side_legend};
use crate::view::panels::{FanPoint, band_polygon, bounds, draw_fans, empty_panel, fan_axes, padded};
use crate::view::registry::{self, ChartDef, ChartId, StudyChart};
use crate::view::text::{anchored, bold, fit, font, muted, text_px, text_width};
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

pub use crate::view::compare_charts::render_comparison;

/// More groups than this in a fan chart are drawn as small multiples.
pub const MAX_OVERLAID: usize = 6;

/// The outcomes the design-specific charts show.
const KEY_OUTCOMES: [Outcome; 4] = [
    Outcome::FinalIndependentFirms,
    Outcome::FinalHhi,
    Outcome::Consolidated,
    Outcome::MonthsToConsolidation,
];

/// The charts [`render_study`] makes for this study, in order.
pub fn charts(study: &Study) -> Vec<&'static ChartDef> {
    let mut v = vec![StudyChart::FanHhi, StudyChart::FanFirms];
    match study.design {
        DesignKind::Grid if study.params.len() == 1 && !study.cells.is_empty() => {
            v.push(StudyChart::OutcomeVsParam)
        }
        DesignKind::Grid if study.params.len() == 2 && !study.cells.is_empty() => v.push(StudyChart::Heatmap),
        DesignKind::Grid => {}
        DesignKind::Factorial => v.push(StudyChart::Effects),
        DesignKind::LatinHypercube => v.push(StudyChart::Sensitivity),
    }
    v.into_iter().map(|c| registry::chart(ChartId::Study(c))).collect()
}

/// The file names of the charts [`render_study`] makes for this study, in order.
pub fn names(study: &Study) -> Vec<&'static str> {
    charts(study).iter().map(|c| c.name).collect()
}

/// Render every chart of a study in memory (see [`charts`]).
pub fn render_study(study: &Study) -> Result<Vec<Rendered>, String> {
    let mut out = Vec::new();
    for def in charts(study) {
        let ChartId::Study(id) = def.id else { unreachable!("charts() holds study charts only") };
        let r = match id {
            StudyChart::FanHhi => {
                render_pair(def, |r| fan(study, Metric::Hhi, r), |r| fan(study, Metric::Hhi, r))
            }
            StudyChart::FanFirms => render_pair(
                def,
                |r| fan(study, Metric::IndependentFirms, r),
                |r| fan(study, Metric::IndependentFirms, r),
            ),
            StudyChart::OutcomeVsParam => {
                render_pair(def, |r| outcome_vs_param(study, r), |r| outcome_vs_param(study, r))
            }
            StudyChart::Heatmap => render_pair(def, |r| heatmap(study, r), |r| heatmap(study, r)),
            StudyChart::Effects => render_pair(def, |r| effects(study, r), |r| effects(study, r)),
            StudyChart::Sensitivity => render_pair(def, |r| sensitivity(study, r), |r| sensitivity(study, r)),
        }?;
        out.push(r);
    }
    Ok(out)
}

// ---------------------------------------------------------------- helpers

/// A short name for a parameter column: the last segment of a world path.
pub fn short_param(column: &str) -> &str {
    column.rsplit('.').next().unwrap_or(column)
}

/// A parameter column as short as it can be without losing its sense:
/// kept whole up to 24 characters, else its last two path segments
/// (`chips.suppliers[5].capacity_units_month` → `suppliers[5].capacity_units_month`).
pub fn param_name(column: &str) -> &str {
    if column.chars().count() <= 24 {
        return column;
    }
    match column.rmatch_indices('.').nth(1) {
        Some((i, _)) => &column[i + 1..],
        None => column,
    }
}

/// Names for a cell, most explicit first: its label; `name=value` pairs
/// with short parameter names; for a factorial, only the factors not at
/// their reference level (`all low`, `chip_scarcity=high`); the bare values.
pub fn cell_names(study: &Study, cell: &crate::study::data::Cell) -> Vec<String> {
    let mut v = vec![cell.label.clone()];
    if study.design == DesignKind::Factorial && !study.factors.is_empty() {
        let mut changed: Vec<(&str, &str)> = Vec::new();
        for (i, f) in study.factors.iter().enumerate() {
            let p = study.params.iter().position(|p| p.column == f.name).unwrap_or(i);
            let value = cell.values.get(p).map(|s| s.as_str()).unwrap_or("");
            if Some(value) != f.levels.first().map(|s| s.as_str()) {
                changed.push((&f.name, value));
            }
        }
        let refs: Vec<&str> =
            study.factors.iter().filter_map(|f| f.levels.first().map(|s| s.as_str())).collect();
        if changed.is_empty() {
            v.push(if refs.windows(2).all(|w| w[0] == w[1]) && !refs.is_empty() {
                format!("all {}", refs[0])
            } else {
                "all at the reference level".to_string()
            });
        } else if changed.len() == study.factors.len() && changed.windows(2).all(|w| w[0].1 == w[1].1) {
            v.push(format!("all {}", changed[0].1));
        } else {
            v.push(changed.iter().map(|(n, l)| format!("{n}={l}")).collect::<Vec<_>>().join(", "));
            if changed.windows(2).all(|w| w[0].1 == w[1].1) {
                v.push(format!(
                    "{}: {}",
                    changed[0].1,
                    changed.iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
                ));
            }
        }
    } else {
        v.push(
            study
                .params
                .iter()
                .zip(&cell.values)
                .map(|(p, val)| format!("{}={}", short_param(&p.column), pretty_value(val)))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    v.push(cell.values.iter().map(|s| pretty_value(s)).collect::<Vec<_>>().join(", "));
    v
}

/// A parameter value for a chart: a number written as `5500.0` loses its
/// `.0`; anything else is kept as written.
pub fn pretty_value(v: &str) -> String {
    match v.strip_suffix(".0") {
        Some(int) if int.parse::<i64>().is_ok() => int.to_string(),
        _ => v.to_string(),
    }
}

/// The first of [`cell_names`] that fits in `max_w` pixels, else the last
/// one shortened; and whether that is the bare values (which then need a key).
fn cell_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    study: &Study,
    cell: &crate::study::data::Cell,
    style: &TextStyle<'_>,
    max_w: i32,
) -> (String, bool) {
    let names = cell_names(study, cell);
    let last = names.len() - 1;
    for (i, n) in names.iter().enumerate() {
        if text_width(area, n, style) <= max_w {
            return (n.clone(), i == last);
        }
    }
    (fit(area, &names[last], style, max_w), true)
}

/// Interpolate a colour ramp at `t` in 0..1.
fn ramp(t: f64, stops: &[RGBColor]) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.5 };
    let f = t * (stops.len() - 1) as f64;
    let i = (f.floor() as usize).min(stops.len() - 2);
    let u = f - i as f64;
    let (a, b) = (stops[i], stops[i + 1]);
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * u).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

const BLUES: [RGBColor; 3] = [RGBColor(239, 243, 255), RGBColor(107, 174, 214), RGBColor(8, 69, 148)];
const ORANGES: [RGBColor; 3] = [RGBColor(255, 245, 235), RGBColor(253, 141, 60), RGBColor(166, 54, 3)];

// ---------------------------------------------------------------- fans

/// The groups of a fan chart: one per cell (grids, factorials), or the
/// all-runs group (Latin hypercubes, or when cells have no bands).
fn fan_groups(study: &Study, metric: Metric) -> Vec<(String, &Band)> {
    let mut groups: Vec<(String, &Band)> = Vec::new();
    if study.design != DesignKind::LatinHypercube {
        for c in &study.cells {
            if let Some(b) = study.band(Some(c.id), metric) {
                groups.push((c.label.clone(), b));
            }
        }
    }
    if groups.is_empty() {
        groups.extend(study.bands.iter().filter(|b| b.metric == metric).map(|b| (b.group.clone(), b)));
    }
    groups.retain(|(_, b)| !b.points.is_empty());
    groups
}

/// A band's points as (x, mean, p5, p95), a one-month band widened to two.
fn band_points(b: &Band) -> Vec<FanPoint> {
    let mut v: Vec<FanPoint> =
        b.points.iter().enumerate().map(|(i, p)| (i as f64, p.mean, p.p5, p.p95)).collect();
    if let [(_, m, lo, hi)] = v[..] {
        v.push((1.0, m, lo, hi));
    }
    v
}

fn fan_title(metric: Metric) -> &'static str {
    match metric {
        Metric::Hhi => "HHI over time: mean of the runs and the band of 5–95% of runs",
        Metric::IndependentFirms => {
            "Independent firms over time: mean of the runs and the band of 5–95% of runs"
        }
        Metric::Cr4 => "CR4 over time: mean of the runs and the band of 5–95% of runs",
    }
}

/// The mean over groups (weighted by runs) at each month.
fn overall_mean(groups: &[(String, &Band)]) -> Vec<(f64, f64)> {
    let len = groups.iter().map(|(_, b)| b.points.len()).max().unwrap_or(0);
    let mut out = Vec::with_capacity(len);
    for m in 0..len {
        let (mut s, mut w) = (0.0, 0.0);
        for (_, b) in groups {
            if let Some(p) = b.points.get(m) {
                let n = b.n.max(1) as f64;
                s += p.mean * n;
                w += n;
            }
        }
        if w > 0.0 {
            out.push((m as f64, s / w));
        }
    }
    if let [(_, v)] = out[..] {
        out.push((1.0, v));
    }
    out
}

fn fan<DB: DrawingBackend>(study: &Study, metric: Metric, root: &DrawingArea<DB, Shift>) -> ChartResult {
    let groups = fan_groups(study, metric);
    let area = root.margin(20, 10, 20, 20).titled(fan_title(metric), title_style()).map_err(err)?;
    if groups.is_empty() {
        return empty_panel(&area, metric.label(), "no monthly paths in this study");
    }
    let len = groups.iter().map(|(_, b)| b.points.len()).max().unwrap_or(1);
    let x = 0.0..(len.max(2) - 1) as f64;
    let hi = bounds(groups.iter().flat_map(|(_, b)| b.points.iter().flat_map(|p| [p.p95, p.mean])))
        .map_or(1.0, |(_, h)| h);
    let lo = bounds(groups.iter().flat_map(|(_, b)| b.points.iter().flat_map(|p| [p.p5, p.mean])))
        .map_or(0.0, |(l, _)| l);
    // Start at zero when the data come near it; else zoom in, so cells that
    // differ by a few percent (HHI around 2,500) can be told apart.
    let y = if lo >= 0.0 && lo <= 0.3 * hi {
        0.0..hi * 1.06
    } else {
        let r = padded(lo, hi, 0.06);
        if lo >= 0.0 { r.start.max(0.0)..r.end } else { r }
    };
    if groups.len() > MAX_OVERLAID {
        small_multiples(study, metric, &area, &groups, x, y)
    } else {
        overlaid(study, metric, &area, &groups, x, y)
    }
}

fn overlaid<DB: DrawingBackend>(
    study: &Study,
    metric: Metric,
    area: &DrawingArea<DB, Shift>,
    groups: &[(String, &Band)],
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> ChartResult {
    const LEGEND_W: u32 = 360;
    let (w, _) = area.dim_in_pixel();
    let (plot, side) = area.split_horizontally(w.saturating_sub(LEGEND_W));
    let mut chart = fan_axes(&plot, metric, study.start, x, y)?;
    let single = groups.len() == 1;
    let colour = |i: usize| if single { series_colour(0) } else { series_colour(i) };
    let fans: Vec<(Vec<FanPoint>, RGBColor)> =
        groups.iter().enumerate().map(|(i, (_, b))| (band_points(b), colour(i))).collect();
    draw_fans(&mut chart, &fans, if single { 0.25 } else { 0.08 }, 0.45)?;
    // Legend beside the plot: the cells, named as fully as the column allows.
    let style = legend_style();
    let mut entries: Vec<(Mark, String)> = Vec::new();
    for (i, (label, b)) in groups.iter().enumerate() {
        let runs = if b.cell.is_none() { String::new() } else { format!(" ({} runs)", b.n) };
        let room = LEGEND_W as i32 - 48 - text_width(area, &runs, &style);
        let text = match b.cell.and_then(|c| study.cells.iter().find(|cell| cell.id == c)) {
            Some(cell) => cell_title(area, study, cell, &style, room).0,
            None if label == "all runs" => format!("all {} runs", b.n),
            None => fit(area, label, &style, room),
        };
        entries.push((Mark::Line(colour(i), 4), format!("{text}{runs}")));
    }
    let band = if single { tint(series_colour(0), 0.25) } else { RGBColor(215, 215, 215) };
    entries.push((Mark::Fill(band), "5–95% of runs (band)".into()));
    let top = chart.plotting_area().get_base_pixel().1 - side.get_base_pixel().1;
    side_legend(&side, top, &["mean of the runs (line)"], &entries)
}

/// Columns of a grid of `n` panels in a `w`×`h` area, panels about 1.9:1.
fn grid_columns(n: usize, w: f64, h: f64) -> usize {
    let mut best = (f64::INFINITY, 1);
    for c in 1..=n.max(1) {
        let r = n.div_ceil(c);
        let ratio = (w / c as f64) / (h / r as f64);
        let empty = (c * r - n) as f64;
        let score = (ratio / 1.9).ln().abs() + 0.15 * empty;
        if score < best.0 {
            best = (score, c);
        }
    }
    best.1
}

fn small_multiples<DB: DrawingBackend>(
    study: &Study,
    metric: Metric,
    area: &DrawingArea<DB, Shift>,
    groups: &[(String, &Band)],
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> ChartResult {
    let (key, rest) = area.split_vertically(34);
    let colour = series_colour(0);
    let (w, h) = rest.dim_in_pixel();
    let cols = grid_columns(groups.len(), w as f64, h as f64);
    let rows = groups.len().div_ceil(cols);
    let panels = rest.split_evenly((rows, cols));
    let reference = overall_mean(groups);
    let span = y.end - y.start;
    let (pw0, ph) = panels[0].dim_in_pixel();
    let small = if ph < 150 { 12 } else { 14 };
    let ticks = time_ticks(study.start, x.end as usize + 1, ((pw0 / 80) as usize).clamp(2, 8));
    let titles: Vec<(String, bool)> = groups
        .iter()
        .map(|(label, b)| match b.cell.and_then(|c| study.cells.iter().find(|cell| cell.id == c)) {
            Some(cell) => cell_title(&rest, study, cell, &bold(small + 1), pw0 as i32 - 16),
            None => (fit(&rest, label, &bold(small + 1), pw0 as i32 - 16), false),
        })
        .collect();
    let mut entries = vec![
        (Mark::Line(colour, 3), "mean of the cell's runs".to_string()),
        (Mark::Fill(tint(colour, 0.25)), "5–95% of the cell's runs".to_string()),
        (Mark::Line(RGBColor(150, 150, 150), 2), "mean of all cells (for reference)".to_string()),
    ];
    if titles.iter().any(|t| t.1) {
        let names: Vec<&str> = study.params.iter().map(|p| short_param(&p.column)).collect();
        entries.push((Mark::Blank, format!("panels: {}", names.join(", "))));
    }
    legend_row(&key, None, 14, &entries)?;
    for (i, (((_, b), panel), (title, _))) in groups.iter().zip(&panels).zip(titles).enumerate() {
        let bottom_row = i / cols == rows - 1 || i + cols >= groups.len();
        let mut chart = ChartBuilder::on(panel)
            .caption(title, bold(small + 1))
            .margin(6)
            .margin_right(14)
            .x_label_area_size(if bottom_row { 24 } else { 20 })
            .y_label_area_size(if span >= 1000.0 { 52 } else { 40 })
            .build_cartesian_2d(x.clone(), y.clone())
            .map_err(err)?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID)
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(5)
            .y_label_formatter(&|v| tick(*v, span))
            .label_style(font(small))
            .draw()
            .map_err(err)?;
        draw_time_axis(panel, &mut chart, &ticks, small)?;
        let pts = band_points(b);
        chart.draw_series(std::iter::once(band_polygon(&pts, colour.mix(0.25).filled()))).map_err(err)?;
        chart
            .draw_series(LineSeries::new(reference.iter().copied(), RGBColor(150, 150, 150).stroke_width(2)))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), colour.stroke_width(2)))
            .map_err(err)?;
    }
    let _ = metric;
    Ok(())
}

// ---------------------------------------------------------------- one parameter

/// X positions of the cells: the parameter's numeric values when every
/// cell has one, else the cells' order (categorical).
fn cell_positions(study: &Study, param: usize) -> (Vec<f64>, bool) {
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
type CellMean = (f64, f64, Option<(f64, f64)>);

/// Deterministic horizontal offset for run `k` in `-0.5..0.5`.
fn jitter(k: u64) -> f64 {
    ((k as f64 * 0.618_033_988_75).fract()) - 0.5
}

fn outcome_vs_param<DB: DrawingBackend>(study: &Study, root: &DrawingArea<DB, Shift>) -> ChartResult {
    let param = study.params.first().map(|p| p.column.as_str()).unwrap_or("parameter");
    let title = format!("Outcomes by {}: mean of the runs with 95% CI", short_param(param));
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
                    Some((pos(r.cell)? + jitter(r.run_id) * gap * 0.3, r.outcomes.get(oi).copied()?? * s))
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
        let (pw, _) = panel.dim_in_pixel();
        let bottom = k >= 2;
        let mut chart = ChartBuilder::on(panel)
            .caption(fit(panel, &caption, &bold(17), pw as i32 - 20), bold(17))
            .margin(8)
            .margin_right(18)
            .x_label_area_size(if bottom { 58 } else { 34 })
            .y_label_area_size(70)
            .build_cartesian_2d(x_range.clone(), y.clone())
            .map_err(err)?;
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
            mesh.x_desc(param);
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
    }
    Ok(())
}

// ---------------------------------------------------------------- two parameters

/// The distinct values of parameter `p` over the cells, in numeric order
/// when all are numeric, else in order of first appearance.
fn distinct(study: &Study, p: usize) -> Vec<(String, Option<f64>)> {
    let mut v: Vec<(String, Option<f64>)> = Vec::new();
    for c in &study.cells {
        let s = c.values.get(p).cloned().unwrap_or_default();
        if !v.iter().any(|(x, _)| *x == s) {
            v.push((s, c.numeric.get(p).copied().flatten()));
        }
    }
    if v.iter().all(|(_, n)| n.is_some()) {
        v.sort_by(|a, b| a.1.unwrap_or(0.0).total_cmp(&b.1.unwrap_or(0.0)));
    }
    v
}

fn heatmap<DB: DrawingBackend>(study: &Study, root: &DrawingArea<DB, Shift>) -> ChartResult {
    let p0 = study.params.first().map(|p| p.column.as_str()).unwrap_or("parameter 1");
    let p1 = study.params.get(1).map(|p| p.column.as_str()).unwrap_or("parameter 2");
    let title = format!("Mean outcomes by {} and {}", short_param(p0), short_param(p1));
    let area = root.margin(15, 10, 20, 20).titled(&title, title_style()).map_err(err)?;
    let (key, rest) = area.split_vertically(30);
    key.draw(&Text::new(
        "Each tile: the mean over the cell's runs (95% CI below it); darker = higher.".to_string(),
        (key.dim_in_pixel().0 as i32 / 2, 11),
        anchored(muted(17), HPos::Center, VPos::Center),
    ))
    .map_err(err)?;
    let cols = distinct(study, 0);
    let rows = distinct(study, 1);
    let (nx, ny) = (cols.len().max(1), rows.len().max(1));
    let panels = rest.split_evenly((1, 2));
    let tick_font = font(15);
    let y_label_w =
        rows.iter().map(|(s, _)| text_width(root, s, &tick_font)).max().unwrap_or(20).min(160) + 50;
    for (outcome, panel, stops) in
        [(Outcome::FinalIndependentFirms, &panels[0], &BLUES), (Outcome::Consolidated, &panels[1], &ORANGES)]
    {
        let s = outcome.chart_scale();
        let caption = format!("{} ({})", outcome.chart_label(), outcome.chart_unit());
        let (pw, _) = panel.dim_in_pixel();
        let mut chart = ChartBuilder::on(panel)
            .caption(fit(panel, &caption, &bold(17), pw as i32 - 16), bold(17))
            .margin(8)
            .margin_right(16)
            .x_label_area_size(62)
            .y_label_area_size(y_label_w as u32)
            .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .x_desc(p0)
            .y_desc(p1)
            .axis_desc_style(font(16))
            .draw()
            .map_err(err)?;
        let stat = |ix: usize, iy: usize| {
            let cell = study
                .cells
                .iter()
                .find(|c| c.values.first() == Some(&cols[ix].0) && c.values.get(1) == Some(&rows[iy].0))?;
            study.stat(cell.id, outcome).copied()
        };
        let means: Vec<f64> = (0..cols.len())
            .flat_map(|i| (0..rows.len()).map(move |j| (i, j)))
            .filter_map(|(i, j)| stat(i, j)?.mean)
            .collect();
        let (lo, hi) = bounds(means.iter().map(|m| m * s)).unwrap_or((0.0, 1.0));
        let (tw, th) = {
            let a = chart.backend_coord(&(0.0, 1.0));
            let b = chart.backend_coord(&(1.0, 0.0));
            ((b.0 - a.0).abs(), (b.1 - a.1).abs())
        };
        let size = ((th as f64 * 0.28).min(tw as f64 / 4.5)).clamp(10.0, 24.0) as u32;
        for i in 0..cols.len() {
            for j in 0..rows.len() {
                let st = stat(i, j);
                let mean = st.and_then(|st| st.mean).map(|m| m * s);
                let bg = match mean {
                    Some(m) if hi > lo => ramp((m - lo) / (hi - lo), stops),
                    Some(_) => ramp(0.5, stops),
                    None => RGBColor(235, 235, 235),
                };
                let (x, yv) = (i as f64, j as f64);
                chart
                    .draw_series([
                        Rectangle::new([(x, yv), (x + 1.0, yv + 1.0)], bg.filled()),
                        Rectangle::new([(x, yv), (x + 1.0, yv + 1.0)], WHITE.stroke_width(2)),
                    ])
                    .map_err(err)?;
                let ink = text_on(bg);
                let centre = (x + 0.5, yv + 0.5);
                let main = match (mean, outcome) {
                    (Some(m), Outcome::Consolidated) => format!("{m:.0}%"),
                    (Some(m), _) => value_label(m),
                    (None, _) => "no data".to_string(),
                };
                let two_lines = th >= 2 * size as i32 + 24 && tw >= 70;
                let ci = st.and_then(|st| st.ci_low.zip(st.ci_high)).map(|(a, b)| {
                    if outcome == Outcome::Consolidated {
                        format!("{:.0}–{:.0}%", (a * s).max(0.0), (b * s).min(100.0))
                    } else {
                        format!("{}–{}", value_label(a * s), value_label(b * s))
                    }
                });
                let (cx, cy) = chart.backend_coord(&centre);
                let dy = if two_lines && ci.is_some() { size as i32 / 2 + 2 } else { 0 };
                let style = anchored(bold(size).color(&ink), HPos::Center, VPos::Center);
                text_px(panel, &fit(panel, &main, &style, tw - 6), (cx, cy - dy), &style)?;
                if let (true, Some(ci)) = (two_lines, ci) {
                    let small = anchored(
                        (FAMILY, (size * 3 / 4).max(10)).into_font().color(&ink),
                        HPos::Center,
                        VPos::Center,
                    );
                    text_px(panel, &fit(panel, &ci, &small, tw - 6), (cx, cy + size as i32 / 2 + 4), &small)?;
                }
            }
        }
        // Axis values at the tile centres.
        let xt: Vec<(f64, String)> =
            cols.iter().enumerate().map(|(i, (v, _))| (i as f64 + 0.5, pretty_value(v))).collect();
        x_ticks(panel, &chart, &xt, 15)?;
        let ystyle = anchored(tick_font.clone(), HPos::Right, VPos::Center);
        for (j, (v, _)) in rows.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(0.0, j as f64 + 0.5));
            let label = fit(panel, &pretty_value(v), &ystyle, y_label_w - 40);
            text_px(panel, &label, (px - 8, py), &ystyle)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- factorial

fn order_colour(order: u32) -> RGBColor {
    match order {
        1 => PALETTE[0],
        2 => PALETTE[1],
        3 => PALETTE[4],
        _ => PALETTE[5],
    }
}

fn order_name(order: u32) -> String {
    match order {
        1 => "main effect (one factor changed)".into(),
        2 => "two-way interaction (beyond the sum of the two alone)".into(),
        3 => "three-way interaction (beyond all pairs and singles)".into(),
        n => format!("{n}-way interaction"),
    }
}

/// A term for display: `a x b` → `a × b`.
pub fn term_label(term: &str) -> String {
    term.replace(" x ", " × ")
}

/// The terms of a factorial's effects in display order: main effects, then
/// two-way, then three-way interactions, each in the study's order.
pub fn effect_terms(study: &Study) -> Vec<(String, u32)> {
    let mut terms: Vec<(String, u32)> = Vec::new();
    for e in &study.effects {
        if !terms.iter().any(|(t, _)| *t == e.term) {
            terms.push((e.term.clone(), e.order));
        }
    }
    terms.sort_by_key(|t| t.1);
    terms
}

/// The effects chart's outcomes: firms and consolidation, and months to
/// consolidation when any of its effects has an estimate.
fn effect_outcomes(study: &Study) -> Vec<Outcome> {
    let mut v = vec![Outcome::FinalIndependentFirms, Outcome::Consolidated];
    let months = Outcome::MonthsToConsolidation;
    if study.effects.iter().any(|e| e.outcome == months && e.estimate.is_some()) {
        v.push(months);
    }
    v
}

fn effects<DB: DrawingBackend>(study: &Study, root: &DrawingArea<DB, Shift>) -> ChartResult {
    let reference: Vec<String> = study
        .factors
        .iter()
        .filter_map(|f| f.levels.first().map(|l| l.as_str()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|s| format!("“{s}”"))
        .collect();
    let title = if reference.len() == 1 {
        format!("Factorial effects with 95% CI: change from the {} level (right of 0 = more)", reference[0])
    } else {
        "Factorial effects with 95% CI: change from each factor's reference level (right of 0 = more)"
            .to_string()
    };
    let area = root.margin(15, 10, 20, 20).titled(&title, title_style()).map_err(err)?;
    let terms = effect_terms(study);
    if terms.is_empty() {
        return empty_panel(&area, "effects", "no effects in this study");
    }
    let (key, rest) = area.split_vertically(34);
    let mut orders: Vec<u32> = terms.iter().map(|t| t.1).collect();
    orders.dedup();
    let mut entries: Vec<(Mark, String)> =
        orders.iter().map(|&o| (Mark::Whisker(order_colour(o)), order_name(o))).collect();
    if orders.len() < 3 {
        entries.push((Mark::Rule(TEXT), "no effect".into()));
    }
    legend_row(&key, None, 13, &entries)?;
    let labels: Vec<String> = terms.iter().map(|(t, _)| term_label(t)).collect();
    let (_, h) = rest.dim_in_pixel();
    let n = terms.len();
    let row_px = (h as f64 - 90.0) / n as f64;
    let size = (row_px * 0.55).clamp(11.0, 17.0) as u32;
    let label_style = anchored(font(size), HPos::Right, VPos::Center);
    let (w, _) = rest.dim_in_pixel();
    let label_w = (labels.iter().map(|l| text_width(&rest, l, &label_style)).max().unwrap_or(100) + 24)
        .clamp(120, (w as i32 / 3).max(120));
    let (label_area, plots) = rest.split_horizontally(label_w as u32);
    let outcomes = effect_outcomes(study);
    let panels = plots.split_evenly((1, outcomes.len()));
    let row_y = |k: usize| n as f64 - k as f64 - 0.5;
    for (pi, (outcome, panel)) in outcomes.iter().zip(&panels).enumerate() {
        let oi = Some(*outcome);
        let s = outcome.chart_scale();
        let unit = outcome.diff_unit();
        let caption = match *outcome {
            Outcome::Consolidated => "share of runs consolidating (percentage points)".to_string(),
            Outcome::MonthsToConsolidation => "months to consolidation (months)".to_string(),
            _ => format!("{} ({unit})", outcome.chart_label()),
        };
        let rows: Vec<Option<&Effect>> = terms
            .iter()
            .map(|(t, _)| study.effects.iter().find(|e| Some(e.outcome) == oi && e.term == *t))
            .collect();
        let values =
            rows.iter().flatten().flat_map(|e| [e.estimate, e.ci_low, e.ci_high]).flatten().map(|v| v * s);
        let (lo, hi) = bounds(values.chain([0.0])).unwrap_or((-1.0, 1.0));
        let x = padded(lo, hi, 0.08);
        let span = x.end - x.start;
        let (pw, _) = panel.dim_in_pixel();
        let mut chart = ChartBuilder::on(panel)
            .caption(fit(panel, &caption, &bold(17), pw as i32 - 16), bold(17))
            .margin(8)
            .margin_right(18)
            .x_label_area_size(40)
            .y_label_area_size(4)
            .build_cartesian_2d(x.clone(), 0.0..n as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID)
            .x_labels(6)
            .y_labels(0)
            .x_label_formatter(&|v| tick(*v, span))
            .label_style(font(15))
            .draw()
            .map_err(err)?;
        // Shade every other order group, and separate groups with a line.
        let mut start = 0;
        for (g, &o) in orders.iter().enumerate() {
            let len = terms.iter().filter(|t| t.1 == o).count();
            let (top, bottom) = (n as f64 - start as f64, n as f64 - (start + len) as f64);
            if g % 2 == 1 {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x.start, bottom), (x.end, top)],
                        RGBColor(244, 244, 244).filled(),
                    )))
                    .map_err(err)?;
            }
            start += len;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                TEXT.stroke_width(2),
            )))
            .map_err(err)?;
        let cap = 0.18;
        for (k, (row, (_, order))) in rows.iter().zip(&terms).enumerate() {
            let yk = row_y(k);
            let c = order_colour(*order);
            let Some(e) = row.filter(|e| e.estimate.is_some()) else {
                chart
                    .draw_series(std::iter::once(Text::new(
                        "no estimate",
                        (x.start + span * 0.02, yk),
                        anchored(muted(size.min(15)), HPos::Left, VPos::Center),
                    )))
                    .map_err(err)?;
                continue;
            };
            if let (Some(a), Some(b)) = (e.ci_low, e.ci_high) {
                let (a, b) = (a * s, b * s);
                chart
                    .draw_series([
                        PathElement::new(vec![(a, yk), (b, yk)], c.stroke_width(3)),
                        PathElement::new(vec![(a, yk - cap), (a, yk + cap)], c.stroke_width(3)),
                        PathElement::new(vec![(b, yk - cap), (b, yk + cap)], c.stroke_width(3)),
                    ])
                    .map_err(err)?;
            }
            let est = e.estimate.unwrap_or(0.0) * s;
            chart
                .draw_series([
                    Circle::new((est, yk), 7, c.filled()),
                    Circle::new((est, yk), 7, WHITE.stroke_width(1)),
                ])
                .map_err(err)?;
        }
        if pi == 0 {
            for (k, (label, (_, order))) in labels.iter().zip(&terms).enumerate() {
                let (_, py) = chart.backend_coord(&(x.start, row_y(k)));
                let (lx, _) = label_area.get_base_pixel();
                let style = anchored(
                    (FAMILY, size, if *order == 1 { FontStyle::Bold } else { FontStyle::Normal })
                        .into_font()
                        .color(&order_colour(*order)),
                    HPos::Right,
                    VPos::Center,
                );
                let text = fit(&label_area, label, &style, label_w - 16);
                text_px(&label_area, &text, (lx + label_w - 10, py), &style)?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- Latin hypercube

fn sensitivity<DB: DrawingBackend>(study: &Study, root: &DrawingArea<DB, Shift>) -> ChartResult {
    let area = root
        .margin(15, 10, 20, 20)
        .titled("Sensitivity: Spearman rank correlation of each parameter with the outcome", title_style())
        .map_err(err)?;
    let (key, rest) = area.split_vertically(34);
    let (pos, neg) = (PALETTE[0], PALETTE[1]);
    legend_row(
        &key,
        None,
        13,
        &[
            (Mark::Fill(pos), "higher parameter, higher outcome".into()),
            (Mark::Fill(neg), "higher parameter, lower outcome".into()),
            (Mark::Line(TEXT, 2), "95% CI (Fisher z)".into()),
        ],
    )?;
    let panels = rest.split_evenly((1, 2));
    for (outcome, panel) in [Outcome::FinalIndependentFirms, Outcome::Consolidated].iter().zip(&panels) {
        let oi = Some(*outcome);
        let mut rows: Vec<_> = study.sensitivity.iter().filter(|s| Some(s.outcome) == oi).collect();
        rows.sort_by(|a, b| {
            let key = |s: &&crate::study::data::Sensitivity| s.spearman.map_or(-1.0, f64::abs);
            key(b).total_cmp(&key(a)).then(a.param.cmp(&b.param))
        });
        let r2 = rows.iter().find_map(|s| s.r2);
        let caption = match r2 {
            Some(r2) => format!("{} (linear model R² = {r2:.2})", outcome.chart_label()),
            None => outcome.chart_label().to_string(),
        };
        if rows.is_empty() {
            empty_panel(panel, &caption, "no sensitivity results in this study")?;
            continue;
        }
        let n = rows.len();
        let (pw, ph) = panel.dim_in_pixel();
        let size = (((ph as f64 - 100.0) / n as f64) * 0.5).clamp(11.0, 16.0) as u32;
        let name_style = anchored(font(size), HPos::Right, VPos::Center);
        let names: Vec<String> = rows
            .iter()
            .map(|s| study.params.get(s.param).map_or("?".to_string(), |p| param_name(&p.column).to_string()))
            .collect();
        let label_w = (names.iter().map(|l| text_width(panel, l, &name_style)).max().unwrap_or(80) + 80)
            .clamp(120, pw as i32 * 52 / 100);
        let mut chart = ChartBuilder::on(panel)
            .caption(fit(panel, &caption, &bold(17), pw as i32 - 16), bold(17))
            .margin(8)
            .margin_right(18)
            .x_label_area_size(50)
            .y_label_area_size(label_w as u32)
            .build_cartesian_2d(-1.0..1.0, 0.0..n as f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(GRID)
            .x_labels(5)
            .y_labels(0)
            .x_desc("Spearman ρ")
            .x_label_formatter(&|v| tick(*v, 2.0))
            .axis_desc_style(font(16))
            .label_style(font(15))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                TEXT.stroke_width(2),
            )))
            .map_err(err)?;
        let value_style = anchored(bold(size), HPos::Right, VPos::Center);
        for (k, (s, name)) in rows.iter().zip(&names).enumerate() {
            let yk = n as f64 - k as f64 - 0.5;
            let (px, py) = chart.backend_coord(&(-1.0, yk));
            let value = s.spearman.map_or("n/a".to_string(), rho);
            text_px(panel, &value, (px - 8, py), &value_style)?;
            let label = fit(panel, name, &name_style, label_w - 80);
            text_px(panel, &label, (px - 68, py), &name_style)?;
            let Some(r) = s.spearman else {
                chart
                    .draw_series(std::iter::once(Text::new(
                        "no correlation (a constant)",
                        (0.04, yk),
                        anchored(muted(size.min(15)), HPos::Left, VPos::Center),
                    )))
                    .map_err(err)?;
                continue;
            };
            let h = 0.32;
            let c = if r >= 0.0 { pos } else { neg };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, yk - h), (r, yk + h)],
                    c.mix(0.85).filled(),
                )))
                .map_err(err)?;
            if let (Some(a), Some(b)) = (s.ci_low, s.ci_high) {
                chart
                    .draw_series([
                        PathElement::new(vec![(a, yk), (b, yk)], TEXT.stroke_width(2)),
                        PathElement::new(vec![(a, yk - 0.15), (a, yk + 0.15)], TEXT.stroke_width(2)),
                        PathElement::new(vec![(b, yk - 0.15), (b, yk + 0.15)], TEXT.stroke_width(2)),
                    ])
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Synthetic studies for the tests of the charts and the report.
#[cfg(test)]
pub(crate) mod fixtures {
    use crate::analysis::outcome::Outcome;
    use crate::analysis::stats;
    use crate::study::data::*;
    use crate::world::Month;

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
                outcomes[16] = Some(if consolidated { 1.0 } else { 0.0 });
                outcomes[17] = consolidated.then(|| (30.0 + 10.0 * noise(k * 11)).round());
                let m = spec.months as usize;
                let path = |end: f64, start: f64| -> Vec<f64> {
                    (0..m)
                        .map(|t| {
                            start
                                + (end - start) * t as f64 / (m.max(2) - 1) as f64
                                + noise(k * 31 + t as u64)
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
        Study {
            name: "test study".into(),
            description: "A synthetic study for tests.".into(),
            world_name: "baseline".into(),
            start: Month::new(2022, 1),
            months: spec.months,
            master_seed: 42,
            replicates: spec.replicates,
            design: spec.design,
            common_random_numbers: true,
            params: spec.params,
            cells,
            factors: Vec::new(),
            runs,
            cell_stats,
            bands,
            effects: Vec::new(),
            sensitivity: Vec::new(),
        }
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
                (16, 3) => Some((0.5, 0.2)),
                (16, 5) => None,
                (16, _) => Some((0.02, 0.15)),
                (0, _) => Some((120.0 * (k as f64 - 3.0), 150.0)),
                _ => None,
            }
        };
        for outcome in [0usize, 2, 16, 17] {
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
                (
                    vec![format!("{a:.3}"), format!("{b:.3}"), format!("{c:.0}")],
                    vec![Some(a), Some(b), Some(c)],
                )
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
            (16, [(0, None), (1, Some(0.05)), (2, Some(-0.4))]),
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
            r.outcomes[16] = Some(0.0);
            r.outcomes[17] = None;
            r.outcomes[2] = Some(10.0);
        }
        for st in &mut s.cell_stats {
            let xs: Vec<f64> = s
                .runs
                .iter()
                .filter(|r| r.cell == st.cell)
                .filter_map(|r| r.outcomes[st.outcome.index()])
                .collect();
            st.summary = stats::summarise(&xs);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAN_HHI: &str = "fan_hhi";
    const FAN_FIRMS: &str = "fan_independent_firms";
    const OUTCOME_VS_PARAM: &str = "outcome_vs_param";
    const HEATMAP: &str = "heatmap";
    const EFFECTS: &str = "effects";
    const SENSITIVITY: &str = "sensitivity";

    #[test]
    fn padded_ranges_never_have_zero_width() {
        let r = padded(5.0, 5.0, 0.1);
        assert!(r.end > r.start);
        let r = padded(0.0, 0.0, 0.1);
        assert!(r.end > r.start);
        let r = padded(0.0, 10.0, 0.1);
        assert!(bounds([f64::NAN]).is_none());
        assert_eq!(r, -1.0..11.0);
    }

    #[test]
    fn ticks_and_values_read_well() {
        assert_eq!(tick(2000.0, 3000.0), "2,000");
        assert_eq!(tick(2.5, 10.0), "2.5");
        assert_eq!(rho(-0.004), "0.00");
        assert_eq!(rho(-0.37), "−0.37");
        assert_eq!(rho(0.481), "+0.48");
        assert_eq!(pretty_value("5500.0"), "5500");
        assert_eq!(pretty_value("0.5"), "0.5");
        assert_eq!(pretty_value("2023-10"), "2023-10");
        assert_eq!(tick(-5.0, 10.0), "−5");
        assert_eq!(
            param_name("chips.suppliers[5].capacity_units_month"),
            "suppliers[5].capacity_units_month"
        );
        assert_eq!(param_name("market.inertia"), "market.inertia");
        assert_eq!(tick(0.25, 1.0), "0.25");
        assert_eq!(value_label(38.24), "38.2");
        assert_eq!(value_label(2455.2), "2,455");
    }

    #[test]
    fn grids_of_panels_are_wider_than_tall() {
        assert_eq!(grid_columns(9, 1240.0, 600.0), 3);
        assert_eq!(grid_columns(1, 1240.0, 600.0), 1);
        let c = grid_columns(8, 1240.0, 600.0);
        assert!((2..=4).contains(&c));
    }

    #[test]
    fn ramps_hit_their_ends() {
        assert_eq!(ramp(0.0, &BLUES), BLUES[0]);
        assert_eq!(ramp(1.0, &BLUES), BLUES[2]);
        assert_eq!(ramp(f64::NAN, &BLUES), BLUES[1]);
    }

    /// Share of pixels that are not (near) white.
    fn ink(png: &[u8]) -> (u32, u32, f64) {
        let img = image::load_from_memory(png).expect("PNG decodes").to_rgb8();
        let inked = img.pixels().filter(|p| p.0.iter().any(|c| *c < 235)).count();
        (img.width(), img.height(), inked as f64 / (img.width() * img.height()) as f64)
    }

    fn check(study: &Study, expected: &[&str]) {
        check_ink(study, expected, 0.02)
    }

    fn check_ink(study: &Study, expected: &[&str], min_ink: f64) {
        let charts = render_study(study).expect("charts render");
        let got: Vec<&str> = charts.iter().map(|c| c.name).collect();
        assert_eq!(got, expected);
        assert_eq!(names(study), expected);
        for c in &charts {
            let (w, h, ink) = ink(&c.png);
            assert_eq!((w, h), (WIDTH, HEIGHT), "{}", c.name);
            let need = if c.name.starts_with("fan") { 0.02 } else { min_ink };
            assert!(ink > need, "{} is nearly blank ({:.1}% ink)", c.name, ink * 100.0);
            assert!(c.svg.starts_with("<svg") && c.svg.trim_end().ends_with("</svg>"), "{}", c.name);
            let texts = if min_ink < 0.02 { 2 } else { 5 };
            assert!(c.svg.matches("<text").count() >= texts, "{}: title, axes, legend", c.name);
        }
        if let Ok(dir) = std::env::var("CHIPBAN_SWEEP_CHART_DUMP") {
            static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let k = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let tag = format!("{}-{}-{k}", study.design.as_str(), study.cells.len());
            for c in &charts {
                std::fs::write(format!("{dir}/{tag}-{}.png", c.name), &c.png).unwrap();
            }
        }
    }

    #[test]
    fn a_grid_of_one_parameter_has_fans_and_outcomes_against_it() {
        check(&fixtures::grid1(4), &[FAN_HHI, FAN_FIRMS, OUTCOME_VS_PARAM]);
        check(&fixtures::grid1_text(), &[FAN_HHI, FAN_FIRMS, OUTCOME_VS_PARAM]);
        check(&fixtures::grid1(1), &[FAN_HHI, FAN_FIRMS, OUTCOME_VS_PARAM]);
        check(&fixtures::degenerate(fixtures::grid1(3)), &[FAN_HHI, FAN_FIRMS, OUTCOME_VS_PARAM]);
    }

    #[test]
    fn a_grid_of_many_cells_still_renders() {
        check(&fixtures::grid1(60), &[FAN_HHI, FAN_FIRMS, OUTCOME_VS_PARAM]);
    }

    #[test]
    fn a_grid_of_two_parameters_has_a_heatmap_and_small_multiples() {
        check(&fixtures::grid2(), &[FAN_HHI, FAN_FIRMS, HEATMAP]);
        check(&fixtures::degenerate(fixtures::grid2()), &[FAN_HHI, FAN_FIRMS, HEATMAP]);
    }

    #[test]
    fn a_grid_of_three_parameters_has_only_fans() {
        let mut s = fixtures::grid2();
        s.params.push(crate::study::data::Param {
            column: "entry.rate_month".into(),
            kind: crate::study::data::ParamKind::Number,
        });
        for c in &mut s.cells {
            c.values.push("0.3".into());
            c.numeric.push(Some(0.3));
        }
        check(&s, &[FAN_HHI, FAN_FIRMS]);
    }

    /// The fans and `design_chart` of `study`, then of `study` with its
    /// design's results removed by `strip` (a nearly blank design chart).
    fn check_with_and_without(mut study: Study, design_chart: &str, strip: fn(&mut Study)) {
        let expected = [FAN_HHI, FAN_FIRMS, design_chart];
        check(&study, &expected);
        strip(&mut study);
        check_ink(&study, &expected, 0.005);
    }

    #[test]
    fn a_factorial_has_an_effects_forest() {
        check_with_and_without(fixtures::factorial(), EFFECTS, |s| s.effects.clear());
    }

    #[test]
    fn a_latin_hypercube_has_a_sensitivity_tornado() {
        check_with_and_without(fixtures::lhs(), SENSITIVITY, |s| s.sensitivity.clear());
    }

    #[test]
    fn a_study_without_runs_still_renders() {
        let mut s = fixtures::grid1(2);
        s.runs.clear();
        s.bands.clear();
        for st in &mut s.cell_stats {
            st.summary = Default::default();
        }
        let charts = render_study(&s).expect("charts render");
        assert_eq!(charts.len(), 3);
    }
}
