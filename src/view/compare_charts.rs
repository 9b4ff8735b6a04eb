//! Charts of `chipban compare`, made from a [`Comparison`] alone and in
//! memory (PNG and SVG per chart, 1280×720, the run charts' theme): fan
//! charts of HHI and of independent firms with both worlds overlaid, the
//! distribution of the paired differences A − B with their mean and 95%
//! interval, and the Kaplan–Meier curves of the time to consolidation.
//!
//! World A is always the first palette colour (blue) and world B the second
//! (orange). Nothing here computes statistics beyond arranging what the
//! comparison holds (the one exception is the histogram's binning); nothing
//! here writes files.

use crate::analysis::outcome::Outcome;
use crate::compare::{Comparison, PairedDiff, SurvivalPoint};
use crate::study::data::{BandPoint, Metric};
use crate::view::axis::{Chart, time_axes};
use crate::view::format::{percent, signed, tick, value_label};
use crate::view::hover::{HoverResult, Region, columns};
use crate::view::legend::{Mark, key_above, side_legend};
use crate::view::panels::{FanPoint, bounds, captioned, draw_fans, empty_panel, fan_axes, padded, whisker};
use crate::view::registry::{self, ChartId, CompareChart};
use crate::view::text::{anchored, bold, fit, font, muted, text_px, text_width};
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The file names of the charts [`render_comparison`] makes, in order.
pub fn names() -> Vec<&'static str> {
    registry::compare_charts().map(|c| c.name).collect()
}

/// The colour of world A and of world B in every comparison chart.
pub const COLOURS: [RGBColor; 2] = [PALETTE[0], PALETTE[1]];

/// The same, as a static (text styles borrow their colour).
static WORLD_COLOURS: [RGBColor; 2] = COLOURS;

/// The outcomes of the paired-differences chart (left panel, right panel).
pub const PAIRED_OUTCOMES: [Outcome; 2] = [Outcome::FinalIndependentFirms, Outcome::FinalHhi];

/// Width of the legend column beside a plot.
const LEGEND_W: u32 = 360;

/// Render every chart of a comparison in memory, in the registry's order.
pub fn render_comparison(cmp: &Comparison) -> Result<Vec<Rendered>, String> {
    registry::compare_charts()
        .map(|def| {
            let ChartId::Compare(id) = def.id else {
                unreachable!("compare_charts() holds comparison charts only")
            };
            render_pair_hover(def, |r| draw(cmp, id, r), |r| draw(cmp, id, r))
        })
        .collect()
}

/// Draw the comparison chart `id` on `root` (either backend); returns its
/// hover values.
fn draw<DB: DrawingBackend>(
    cmp: &Comparison,
    id: CompareChart,
    root: &DrawingArea<DB, Shift>,
) -> HoverResult {
    match id {
        CompareChart::FanHhi => fan(cmp, Metric::Hhi, root),
        CompareChart::FanFirms => fan(cmp, Metric::IndependentFirms, root),
        CompareChart::Paired => paired(cmp, root),
        CompareChart::Survival => survival(cmp, root),
    }
}

// ---------------------------------------------------------------- helpers

/// Digits after the point for numbers of magnitude up to `a`.
fn digits_for(a: f64) -> usize {
    if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else {
        2
    }
}

/// The chart's area under a title shortened to fit the width.
fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    let area = root.margin(20, 10, 20, 20);
    let (w, _) = area.dim_in_pixel();
    let t = fit(&area, title, &title_style(), w as i32 - 10);
    area.titled(&t, title_style()).map_err(err)
}

/// A dashed line between two points in data coordinates.
fn dashed<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    from: (f64, f64),
    to: (f64, f64),
    style: ShapeStyle,
) -> ChartResult {
    let a = chart.backend_coord(&from);
    let b = chart.backend_coord(&to);
    let len = (((b.0 - a.0) as f64).powi(2) + ((b.1 - a.1) as f64).powi(2)).sqrt();
    let dashes = (len / 12.0).ceil().max(1.0) as usize;
    let segs = (0..dashes).map(|i| {
        let t0 = i as f64 / dashes as f64;
        let t1 = (i as f64 + 0.55) / dashes as f64;
        let at = |t: f64| (from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t);
        PathElement::new(vec![at(t0), at(t1)], style)
    });
    chart.draw_series(segs).map_err(err)?;
    Ok(())
}

// ---------------------------------------------------------------- fans

/// A band's finite points as (x, mean, p5, p95), a one-month band widened to two.
fn band_points(points: &[BandPoint]) -> Vec<FanPoint> {
    let mut v: Vec<FanPoint> = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.mean.is_finite() && p.p5.is_finite() && p.p95.is_finite())
        .map(|(i, p)| (i as f64, p.mean, p.p5, p.p95))
        .collect();
    if let [(x, m, lo, hi)] = v[..] {
        v.push((x + 1.0, m, lo, hi));
    }
    v
}

fn metric_title(metric: Metric) -> &'static str {
    match metric {
        Metric::Hhi => "HHI",
        Metric::IndependentFirms => "Independent firms",
        Metric::Cr4 => "CR4",
    }
}

fn fan<DB: DrawingBackend>(cmp: &Comparison, metric: Metric, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let [a, b] = &cmp.names;
    let title = format!("{} over time: {a} vs {b}, mean and 5–95% of runs", metric_title(metric));
    let area = titled(root, &title)?;
    let k = Metric::ALL.iter().position(|m| *m == metric).unwrap_or(0);
    let bands: Vec<Vec<FanPoint>> =
        (0..2).map(|w| cmp.bands[w].get(k).map(|p| band_points(p)).unwrap_or_default()).collect();
    if bands.iter().all(|b| b.is_empty()) {
        return empty_panel(&area, metric.label(), "no monthly paths in this comparison")
            .map(|()| Vec::new());
    }
    let len = bands.iter().flat_map(|b| b.last().map(|p| p.0 as usize + 1)).max().unwrap_or(2);
    let x = 0.0..(len.max(2) - 1) as f64;
    let all = || bands.iter().flatten();
    let hi = bounds(all().flat_map(|p| [p.3, p.1])).map_or(1.0, |(_, h)| h);
    let lo = bounds(all().flat_map(|p| [p.2, p.1])).map_or(0.0, |(l, _)| l);
    // Start at zero when the data come near it; else zoom in.
    let y = if lo >= 0.0 && lo <= 0.3 * hi && hi > 0.0 {
        0.0..hi * 1.06
    } else {
        let r = padded(lo, hi, 0.06);
        if lo >= 0.0 { r.start.max(0.0)..r.end } else { r }
    };
    let (w, _) = area.dim_in_pixel();
    let (plot, side) = area.split_horizontally(w.saturating_sub(LEGEND_W));
    let mut chart = fan_axes(&plot, metric, cmp.start, x, y)?;
    let fans: Vec<(Vec<FanPoint>, RGBColor)> = bands.into_iter().zip(COLOURS).collect();
    draw_fans(&mut chart, &fans, 0.16, 0.6)?;
    let mut entries: Vec<(Mark, String)> = Vec::new();
    for (wi, name) in cmp.names.iter().enumerate() {
        entries.push((Mark::Line(COLOURS[wi], 4), name.clone()));
    }
    for (wi, name) in cmp.names.iter().enumerate() {
        entries.push((Mark::Fill(tint(COLOURS[wi], 0.16)), format!("5–95% of {name}'s runs")));
    }
    let top = chart.plotting_area().get_base_pixel().1 - side.get_base_pixel().1;
    let heading = format!("mean of {} runs each (line)", cmp.replicates);
    side_legend(&side, top, &[heading.as_str()], &entries)?;
    // Under the legend: what "paired" means here.
    let (_, sh) = side.dim_in_pixel();
    let note_y = (top + 6 * 27 + 10).min(sh as i32 - 60);
    for (i, line) in ["Replicate r of both worlds", "runs with the same seed."].iter().enumerate() {
        side.draw(&Text::new(line.to_string(), (8, note_y + i as i32 * 22), muted(15))).map_err(err)?;
    }
    // hover: each month's mean and 5–95% of both worlds
    let xs: Vec<f64> = (0..len).map(|m| m as f64).collect();
    Ok(columns(&chart, &xs, |i| {
        let mut parts = vec![cmp.date(i as u32)];
        for (wi, (pts, _)) in fans.iter().enumerate() {
            if let Some(p) = pts.iter().find(|p| p.0 == i as f64) {
                parts.push(format!(
                    "{}: {} {} (5–95% of runs {} to {})",
                    cmp.names[wi],
                    metric_word(metric),
                    value_label(p.1),
                    value_label(p.2),
                    value_label(p.3)
                ));
            }
        }
        parts.join(" · ")
    }))
}

/// What a fan's value is, in a hover text.
fn metric_word(metric: Metric) -> &'static str {
    match metric {
        Metric::Hhi => "mean HHI",
        Metric::IndependentFirms => "mean independent firms",
        Metric::Cr4 => "mean CR4",
    }
}

// ---------------------------------------------------------------- paired differences

/// The per-replicate differences A − B of `outcome` (pairs with a value in both worlds).
pub fn pair_differences(cmp: &Comparison, outcome: Outcome) -> Vec<f64> {
    let o = outcome.index();
    cmp.runs[0]
        .iter()
        .zip(&cmp.runs[1])
        .filter_map(|(a, b)| {
            match (a.outcomes.get(o).copied().flatten(), b.outcomes.get(o).copied().flatten()) {
                (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Some(x - y),
                _ => None,
            }
        })
        .collect()
}

/// The smallest of 1, 2, 2.5, 5 × 10^k that is at least `x` (> 0).
fn nice_step(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let mag = 10f64.powf(x.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= x * (1.0 - 1e-9) {
            return m * mag;
        }
    }
    10.0 * mag
}

/// A histogram of `d`: (left edge of the first bin, bin width, counts).
/// Whole-number data get bins centred on whole numbers; all-equal data one
/// bin centred on the value.
pub fn histogram(d: &[f64]) -> (f64, f64, Vec<usize>) {
    let Some((lo, hi)) = bounds(d.iter().copied()) else { return (0.0, 1.0, Vec::new()) };
    let span = hi - lo;
    let integer = d.iter().filter(|v| v.is_finite()).all(|v| (v - v.round()).abs() < 1e-9);
    let (start, step) = if integer {
        let step = nice_step((span + 1.0) / 30.0).max(1.0).round();
        (lo - 0.5, step)
    } else if span < 1e-12 {
        let step = nice_step((lo.abs() * 0.1).max(1e-6));
        (lo - step / 2.0, step)
    } else {
        // Rice's rule for the number of bins, within 6..30.
        let target = (2.0 * (d.len() as f64).cbrt()).ceil().clamp(6.0, 30.0);
        let step = nice_step(span / target);
        ((lo / step).floor() * step, step)
    };
    let bins = (((hi - start) / step).floor() as usize + 1).max(1);
    let mut counts = vec![0usize; bins];
    for v in d.iter().filter(|v| v.is_finite()) {
        let i = (((v - start) / step).floor().max(0.0) as usize).min(bins - 1);
        counts[i] += 1;
    }
    (start, step, counts)
}

const BARS: RGBColor = RGBColor(128, 148, 178);

fn paired<DB: DrawingBackend>(cmp: &Comparison, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let [a, b] = &cmp.names;
    let n = PAIRED_OUTCOMES.iter().filter_map(|o| cmp.diff(o.column())).map(|d| d.n).max().unwrap_or(0);
    let title = format!("Paired differences {a} − {b}, one per replicate (n = {n} pairs)");
    let area = titled(root, &title)?;
    let rest = key_above(
        &area,
        &[
            (Mark::Fill(BARS), "replicates (count)".to_string()),
            (Mark::Rule(TEXT), "zero: no difference".to_string()),
            (Mark::Whisker(RULE), "mean difference with 95% CI".to_string()),
        ],
    )?;
    let panels = rest.split_evenly((1, 2));
    let mut hover = Vec::new();
    for (outcome, panel) in PAIRED_OUTCOMES.iter().zip(&panels) {
        hover.extend(differences_panel(cmp, *outcome, panel)?);
    }
    Ok(hover)
}

fn differences_panel<DB: DrawingBackend>(
    cmp: &Comparison,
    outcome: Outcome,
    panel: &DrawingArea<DB, Shift>,
) -> HoverResult {
    let [a, b] = &cmp.names;
    let (what, unit) = (crate::view::format::capitalise(outcome.label()), outcome.diff_unit());
    let d = pair_differences(cmp, outcome);
    let stat: Option<&PairedDiff> = cmp.diff(outcome.column());
    let (pw, _) = panel.dim_in_pixel();
    let caption = fit(panel, &format!("{what} ({unit}), {a} − {b}"), &bold(18), pw as i32 - 24);
    if d.is_empty() {
        return empty_panel(panel, &caption, "no pair has a value in both worlds").map(|()| Vec::new());
    }
    let (start, step, counts) = histogram(&d);
    let end = start + step * counts.len() as f64;
    let mean = stat.and_then(|s| s.diff).or_else(|| crate::analysis::stats::mean(&d));
    let ci = stat.and_then(|s| s.ci_low.zip(s.ci_high));
    let extra = [Some(0.0), mean, ci.map(|c| c.0), ci.map(|c| c.1)];
    let (lo, hi) =
        bounds([start, end].into_iter().chain(extra.into_iter().flatten())).unwrap_or((start, end));
    let x = padded(lo, hi, 0.05);
    let span = x.end - x.start;
    let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let y = 0.0..top * 1.42;
    let mut chart = captioned(panel, (&caption, bold(18)), [8, 22, 58, 60], x.clone(), y.clone())?;
    let x_desc = fit(panel, &format!("{a} − {b}; right of 0: {a} higher"), &label_style(), pw as i32 - 90);
    chart
        .configure_mesh()
        .max_light_lines(0)
        .bold_line_style(GRID)
        .disable_x_mesh()
        .x_labels(7)
        .y_labels(6)
        .x_label_formatter(&|v| tick(*v, span))
        .y_label_formatter(&|v| if (v - v.round()).abs() < 1e-9 { format!("{v:.0}") } else { String::new() })
        .x_desc(x_desc)
        .y_desc("replicates")
        .axis_desc_style(label_style())
        .label_style(tick_style())
        .draw()
        .map_err(err)?;
    // The 95% interval as a light band behind the bars.
    if let Some((l, h)) = ci {
        chart
            .draw_series(std::iter::once(Rectangle::new([(l, 0.0), (h, top * 1.2)], RULE.mix(0.10).filled())))
            .map_err(err)?;
    }
    chart
        .draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).flat_map(|(i, &c)| {
            let (x0, x1) = (start + step * i as f64, start + step * (i + 1) as f64);
            [
                Rectangle::new([(x0, 0.0), (x1, c as f64)], BARS.filled()),
                Rectangle::new([(x0, 0.0), (x1, c as f64)], WHITE.stroke_width(1)),
            ]
        }))
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (0.0, y.end)], TEXT.stroke_width(2))))
        .map_err(err)?;
    // hover: one region per bar, from its top to the plot's top
    let integer = d.iter().all(|v| (v - v.round()).abs() < 1e-9);
    let mut hover: Vec<Region> = Vec::new();
    for (i, &c) in counts.iter().enumerate() {
        let (x0, x1) = (start + step * i as f64, start + step * (i + 1) as f64);
        let (ax, ay) = chart.backend_coord(&(x0, y.end));
        let (bx, by) = chart.backend_coord(&(x1, 0.0));
        let (first, last) = ((x0 - 1e-9).ceil(), (x1 - 1e-9).floor());
        let range = if integer && first == last {
            format!("{a} − {b} = {}", tick(first, span))
        } else if integer {
            format!("{a} − {b} from {} to {}", tick(first, span), tick(last, span))
        } else {
            format!("{a} − {b} from {} to {}", tick(x0, span), tick(x1, span))
        };
        let text = format!("{what}: {range} ({unit}) in {c} of {} replicates", d.len());
        hover.push(Region { x: ax, y: ay, w: (bx - ax).max(1), h: (by - ay).max(1), text });
    }
    let Some(m) = mean else { return Ok(hover) };
    let wy = top * 1.2;
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(m, 0.0), (m, wy)], RULE.stroke_width(2))))
        .map_err(err)?;
    let cap = top * 0.04;
    if let Some((l, h)) = ci {
        chart.draw_series(whisker(l, h, wy, cap, RULE.stroke_width(3))).map_err(err)?;
    }
    chart
        .draw_series([Circle::new((m, wy), 7, RULE.filled()), Circle::new((m, wy), 7, WHITE.stroke_width(1))])
        .map_err(err)?;
    // The numbers above the whisker, kept inside the plot.
    let label = match ci {
        Some((l, h)) => {
            let dg = digits_for(m.abs().max(l.abs()).max(h.abs()));
            let side = if l > 0.0 || h < 0.0 { "excludes 0" } else { "includes 0" };
            format!("mean {}, 95% CI {} to {} ({side})", signed(m, dg), signed(l, dg), signed(h, dg))
        }
        None => format!("mean {} (too few pairs for an interval)", signed(m, digits_for(m.abs()))),
    };
    let style = anchored(bold(16).color(&RULE), HPos::Center, VPos::Bottom);
    let plot_area = chart.plotting_area();
    let (px0, py0) = plot_area.get_base_pixel();
    let (pw2, _) = plot_area.dim_in_pixel();
    let label = fit(panel, &label, &style, pw2 as i32 - 8);
    let tw = text_width(panel, &label, &style);
    let (mx, my) = chart.backend_coord(&(m, wy));
    let cx = mx.clamp(px0 + tw / 2 + 4, px0 + pw2 as i32 - tw / 2 - 4);
    let ty = (my - 14).max(py0 + 20);
    // the mean and its interval: a region around the dot, on top of the bars'
    hover.push(Region { x: mx - 9, y: my - 9, w: 18, h: 18, text: format!("{what} ({unit}): {label}") });
    // A white ground, so the zero line does not cross the numbers.
    let (bx, by) = panel.get_base_pixel();
    let th = 20;
    panel
        .draw(&Rectangle::new(
            [(cx - tw / 2 - 4 - bx, ty - th - by), (cx + tw / 2 + 4 - bx, ty + 2 - by)],
            WHITE.filled(),
        ))
        .map_err(err)?;
    text_px(panel, &label, (cx, ty), &style)?;
    Ok(hover)
}

// ---------------------------------------------------------------- survival

/// A Kaplan–Meier curve as a step line: starts at 1, drops at the month of
/// each event, and runs to the horizon `months`.
fn steps(curve: &[SurvivalPoint], months: u32) -> Vec<(f64, f64)> {
    let mut v = vec![(0.0, 1.0)];
    let mut s = 1.0;
    for p in curve {
        if p.events > 0 && (p.survival - s).abs() > 1e-15 {
            v.push((p.month as f64, s));
            s = p.survival;
            v.push((p.month as f64, s));
        }
    }
    v.push((months as f64, s));
    v
}

fn percent_tick(v: f64) -> String {
    let p = v * 100.0;
    if (p - p.round()).abs() < 1e-6 && (p.round() as i64) % 10 == 0 && (0.0..=100.0).contains(&p.round()) {
        format!("{:.0}%", p)
    } else {
        String::new()
    }
}

fn survival<DB: DrawingBackend>(cmp: &Comparison, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let area = titled(root, "Time to consolidation (Kaplan–Meier): share of runs not yet consolidated")?;
    if cmp.months == 0 || cmp.survival.iter().all(|c| c.is_empty()) {
        return empty_panel(&area, "Kaplan–Meier", "no months simulated").map(|()| Vec::new());
    }
    let (w, _) = area.dim_in_pixel();
    let (plot, side) = area.split_horizontally(w.saturating_sub(LEGEND_W));
    let months = cmp.months;
    let x = 0.0..months.max(1) as f64;
    let y = 0.0..1.06;
    let desc = (
        "runs not yet consolidated",
        "month (the curve drops in the month a run's consolidation phase begins)",
    );
    let mut chart = time_axes(&plot, cmp.start, x.clone(), y, desc, Some(12), &|v| percent_tick(*v))?;
    // Half of the runs: where the medians are read.
    let grey = RGBColor(120, 120, 120);
    dashed(&mut chart, (0.0, 0.5), (x.end, 0.5), grey.stroke_width(1))?;
    let curves: Vec<Vec<(f64, f64)>> = cmp.survival.iter().map(|c| steps(c, months)).collect();
    // White halos first, then B wide and A narrow on top: where the curves
    // coincide, B shows as a border around A.
    for c in &curves {
        chart.draw_series(LineSeries::new(c.clone(), WHITE.stroke_width(8))).map_err(err)?;
    }
    chart.draw_series(LineSeries::new(curves[1].clone(), COLOURS[1].stroke_width(5))).map_err(err)?;
    chart.draw_series(LineSeries::new(curves[0].clone(), COLOURS[0].stroke_width(3))).map_err(err)?;
    // Censoring marks at the horizon: the runs that never consolidate.
    for (wi, c) in curves.iter().enumerate() {
        let (cx, cy) = *c.last().expect("a curve has at least two points");
        let left = cmp.survival[wi].last().map_or(0, |p| p.at_risk - p.events);
        if left > 0 {
            let (px, py) = chart.backend_coord(&(cx, cy));
            let (bx, by) = plot.get_base_pixel();
            plot.draw(&PathElement::new(
                vec![(px - bx, py - by - 9), (px - bx, py - by + 9)],
                COLOURS[wi].stroke_width(3),
            ))
            .map_err(err)?;
        }
    }
    // Medians: a dashed drop from the half line to the axis, with the date.
    for wi in 0..2 {
        let Some(m) = cmp.median_months[wi] else { continue };
        let c = COLOURS[wi];
        let mx = m as f64;
        dashed(&mut chart, (mx, 0.0), (mx, 0.5), c.stroke_width(2))?;
        chart.draw_series(std::iter::once(Circle::new((mx, 0.5), 6, c.filled()))).map_err(err)?;
        let (px, py) = chart.backend_coord(&(mx, 0.5));
        let (v, dy) = if wi == 0 { (VPos::Bottom, -10) } else { (VPos::Top, 10) };
        let plot_x1 =
            chart.plotting_area().get_base_pixel().0 + chart.plotting_area().dim_in_pixel().0 as i32;
        let text = format!("median {}", cmp.date(m));
        let style = anchored(bold(16).color(&WORLD_COLOURS[wi]), HPos::Left, v);
        let tw = text_width(&plot, &text, &style);
        // The label starts (or, left of the dot, ends) 8 pixels from the
        // dot: anchored at that edge, so it stays by the dot in any
        // renderer's font (the report's SVG is drawn by the browser).
        let left = px + 8 + tw > plot_x1 - 4;
        let tx = if left { px - 8 - tw } else { px + 8 };
        let style = if left { anchored(bold(16).color(&WORLD_COLOURS[wi]), HPos::Right, v) } else { style };
        // On a white ground, so a curve behind the label does not cross it.
        let ty = py + dy;
        let (y0, y1) = if wi == 0 { (ty - 20, ty + 2) } else { (ty - 2, ty + 20) };
        let (bx, by) = plot.get_base_pixel();
        plot.draw(&Rectangle::new(
            [(tx - 4 - bx, y0 - by), (tx + tw + 4 - bx, y1 - by)],
            WHITE.mix(0.85).filled(),
        ))
        .map_err(err)?;
        text_px(&plot, &text, (if left { px - 8 } else { tx }, ty), &style)?;
    }
    // Beside the plot: each world's counts and median.
    let top = chart.plotting_area().get_base_pixel().1 - side.get_base_pixel().1;
    let mut yy = top;
    let (sw, _) = side.dim_in_pixel();
    let room = sw as i32 - 12;
    for (wi, &c) in COLOURS.iter().enumerate() {
        let runs = cmp.runs[wi].len();
        let never = cmp.survival[wi].last().map_or(runs, |p| p.at_risk - p.events);
        let name = fit(&side, &cmp.names[wi], &bold(LEGEND_SIZE), room - 36);
        Mark::Line(c, 4).draw_at(&side, 8, yy + 10)?;
        side.draw(&Text::new(name, (40, yy), bold(LEGEND_SIZE))).map_err(err)?;
        yy += 28;
        let median = match cmp.median_months[wi] {
            Some(m) => format!("median: {} (month {m})", cmp.date(m)),
            None => "median: not reached".to_string(),
        };
        let lines = [
            format!("consolidate: {} of {runs} runs", runs - never),
            format!("never: {never} (censored at the end)"),
            median,
        ];
        for line in lines {
            let t = fit(&side, &line, &font(16), room - 14);
            side.draw(&Text::new(t, (14, yy), font(16))).map_err(err)?;
            yy += 24;
        }
        yy += 18;
    }
    let notes = [
        "A vertical tick at the right end:",
        "runs still not consolidated when",
        "the simulation ends (censored).",
        "Dashed: half of the runs (median).",
    ];
    for line in notes {
        side.draw(&Text::new(line.to_string(), (8, yy), muted(15))).map_err(err)?;
        yy += 21;
    }
    // hover: each month's share of runs not yet consolidated in both worlds
    let xs: Vec<f64> = (0..=months).map(|m| m as f64).collect();
    Ok(columns(&chart, &xs, |i| {
        let t = i as f64;
        let mut parts = vec![cmp.date(i as u32)];
        for (wi, c) in curves.iter().enumerate() {
            let s = c.iter().rfind(|p| p.0 <= t).map_or(1.0, |p| p.1);
            parts.push(format!("{}: {} of runs not yet consolidated", cmp.names[wi], percent(s)));
        }
        parts.join(" · ")
    }))
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::analysis::outcome::Outcome;
    use crate::compare::{Comparison, analyse};
    use crate::study::data::RunResult;
    use crate::world::Month;

    /// Deterministic noise in -1..1.
    pub fn noise(k: u64) -> f64 {
        let mut x = k.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0x2545_F491_4F6C_DD1D);
        x ^= x >> 29;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 32;
        (x % 20_001) as f64 / 10_000.0 - 1.0
    }

    /// One run: final firms, final HHI, consolidation month, over `months`.
    pub fn run(
        replicate: u32,
        world: u32,
        firms: f64,
        hhi: f64,
        cons: Option<u32>,
        months: u32,
    ) -> RunResult {
        let mut outcomes: Vec<Option<f64>> = (0..Outcome::COUNT).map(|o| Some(o as f64)).collect();
        let set = |v: &mut Vec<Option<f64>>, c: &str, x: Option<f64>| {
            v[Outcome::from_column(c).unwrap().index()] = x
        };
        set(&mut outcomes, "final_independent_firms", Some(firms));
        set(&mut outcomes, "final_hhi", Some(hhi));
        set(&mut outcomes, "final_cr4", Some((hhi / 10_000.0).sqrt().min(1.0)));
        set(&mut outcomes, "consolidated", Some(if cons.is_some() { 1.0 } else { 0.0 }));
        set(&mut outcomes, "months_to_consolidation", cons.map(f64::from));
        let m = months as usize;
        let path = |from: f64, to: f64| -> Vec<f64> {
            (0..m).map(|t| from + (to - from) * t as f64 / (m.max(2) - 1) as f64).collect()
        };
        RunResult {
            run_id: replicate as u64,
            cell: world,
            replicate,
            seed: 1000 + replicate as u64,
            outcomes,
            paths: [path(900.0, hhi), path(40.0, firms), path(0.3, (hhi / 10_000.0).sqrt().min(1.0))],
        }
    }

    /// A comparison of `reps` pairs: A ends with fewer firms and consolidates
    /// more often and sooner than B; `names` may be hostile.
    pub fn comparison(reps: u32, names: [&str; 2]) -> Comparison {
        let months = 60;
        let mut runs = [Vec::new(), Vec::new()];
        for r in 0..reps {
            let k = r as u64 + 1;
            let base = 26.0 + 5.0 * noise(k * 7);
            let fa = (base - 4.0 + 2.0 * noise(k * 11)).round().max(1.0);
            let fb = (base + 1.5 * noise(k * 13)).round().max(1.0);
            let ca = (noise(k * 17) < 0.4).then(|| (30.0 + 15.0 * noise(k * 19)).round() as u32);
            let cb = (noise(k * 23) < -0.2).then(|| (40.0 + 15.0 * noise(k * 29)).round() as u32);
            runs[0].push(run(r, 0, fa, 9000.0 / fa + 200.0 * noise(k * 3), ca, months));
            runs[1].push(run(r, 1, fb, 9000.0 / fb + 200.0 * noise(k * 5), cb, months));
        }
        build(names, months, runs)
    }

    pub fn build(names: [&str; 2], months: u32, runs: [Vec<RunResult>; 2]) -> Comparison {
        analyse(
            [names[0].to_string(), names[1].to_string()],
            ["worlds/a.ron".into(), "worlds/b.ron".into()],
            Month::new(2023, 1),
            months,
            42,
            runs,
        )
    }

    /// Nothing consolidates in either world, and every pair differs by the
    /// same amount (zero-width histograms).
    pub fn flat(reps: u32) -> Comparison {
        let months = 36;
        let runs = [
            (0..reps).map(|r| run(r, 0, 20.0, 1500.0, None, months)).collect(),
            (0..reps).map(|r| run(r, 1, 17.0, 1500.0, None, months)).collect(),
        ];
        build(["baseline", "no_ban"], months, runs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Share of pixels that are not (near) white.
    fn ink(png: &[u8]) -> (u32, u32, f64) {
        let img = image::load_from_memory(png).expect("PNG decodes").to_rgb8();
        let inked = img.pixels().filter(|p| p.0.iter().any(|c| *c < 235)).count();
        (img.width(), img.height(), inked as f64 / (img.width() * img.height()) as f64)
    }

    fn check(cmp: &Comparison, tag: &str) {
        let charts = render_comparison(cmp).expect("charts render");
        let got: Vec<&str> = charts.iter().map(|c| c.name).collect();
        assert_eq!(got, names());
        for c in &charts {
            let (w, h, ink) = ink(&c.png);
            assert_eq!((w, h), (WIDTH, HEIGHT), "{}", c.name);
            assert!(ink > 0.02, "{} is nearly blank ({:.1}% ink)", c.name, ink * 100.0);
            assert!(c.svg.starts_with("<svg") && c.svg.trim_end().ends_with("</svg>"), "{}", c.name);
            assert!(c.svg.matches("<text").count() >= 5, "{}: title, axes, legend", c.name);
        }
        if let Ok(dir) = std::env::var("CHIPBAN_SWEEP_CHART_DUMP") {
            for c in &charts {
                std::fs::write(format!("{dir}/compare-{tag}-{}.png", c.name), &c.png).unwrap();
            }
        }
    }

    #[test]
    fn a_comparison_has_four_charts() {
        let cmp = fixtures::comparison(40, ["baseline", "no_ban"]);
        assert!(cmp.median_months[0].is_some(), "the fixture's A consolidates in most runs");
        check(&cmp, "normal");
    }

    #[test]
    fn degenerate_comparisons_render() {
        // Nothing consolidates, every difference is the same.
        let cmp = fixtures::flat(5);
        assert_eq!(cmp.median_months, [None, None]);
        check(&cmp, "flat");
        // Two replicates: the widest intervals.
        check(&fixtures::comparison(2, ["a", "b"]), "two");
        // One world consolidates, the other never.
        let mut cmp = fixtures::comparison(10, ["<script>", "b & c"]);
        let o = Outcome::MonthsToConsolidation.index();
        for r in &mut cmp.runs[1] {
            r.outcomes[o] = None;
        }
        let runs = cmp.runs.clone();
        check(&fixtures::build(["<script>", "b & c"], 60, runs), "one-sided");
    }

    #[test]
    fn histograms_bin_every_value() {
        let (start, step, counts) = histogram(&[3.0, 3.0, 3.0]);
        assert_eq!(counts, vec![3]);
        assert!(start < 3.0 && start + step > 3.0, "the single bin holds the value");
        let (start, step, counts) = histogram(&[-2.0, 0.0, 1.0, 1.0, 5.0]);
        assert_eq!((start, step), (-2.5, 1.0));
        assert_eq!(counts.iter().sum::<usize>(), 5);
        assert_eq!(counts.len(), 8);
        let d: Vec<f64> = (0..200).map(|k| 300.0 * fixtures::noise(k)).collect();
        let (start, step, counts) = histogram(&d);
        assert_eq!(counts.iter().sum::<usize>(), 200);
        assert!(start <= -290.0 && start + step * counts.len() as f64 >= 290.0);
        assert!((6..=31).contains(&counts.len()), "{}", counts.len());
        let (_, _, counts) = histogram(&[0.25, 0.25]);
        assert_eq!(counts, vec![2]);
        assert!(histogram(&[]).2.is_empty());
    }

    #[test]
    fn kaplan_meier_steps_run_to_the_horizon() {
        let cmp = fixtures::flat(3);
        let s = steps(&cmp.survival[0], cmp.months);
        assert_eq!(s, vec![(0.0, 1.0), (36.0, 1.0)]);
        let cmp = fixtures::comparison(20, ["a", "b"]);
        let s = steps(&cmp.survival[0], cmp.months);
        assert!(s.windows(2).all(|w| w[1].0 >= w[0].0 && w[1].1 <= w[0].1), "monotone steps");
        assert_eq!(s.last().unwrap().0, 60.0);
        assert_eq!(signed(-3.204, 2), "−3.20");
        assert_eq!(signed(0.001, 2), "0.00");
        assert_eq!(signed(1234.0, 0), "+1,234");
        assert_eq!(percent_tick(0.5), "50%");
        assert_eq!(percent_tick(0.55), "");
    }
}
