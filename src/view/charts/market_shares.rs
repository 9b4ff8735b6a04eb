//! Chart 3, `market_shares`: shares of the foundation-model (token) market
//! over time — each lab's share of the tokens served, firms.csv's `share`
//! since Model v2 — as a stacked area that sums to 1 every month. The 8 firms with the largest final share get
//! their own band (the largest at the bottom); every other firm is in one
//! grey "others" band on top, so "others" = 1 − Σ top 8. An acquired firm's
//! share moves to its acquirer in the deal month (firms.csv already records
//! it so), so a buyer's band grows by what it bought from then on.

use super::common::*;
use crate::record::RunData;
use crate::view::axis::*;
use crate::view::format::*;
use crate::view::hover::HoverResult;
use crate::view::legend::*;
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeMap;

/// How many firms get a band of their own.
const TOP: usize = 8;
/// Width of the legend column right of the plot, in pixels.
const LEGEND_WIDTH: u32 = 250;

/// One band of the stack: name, colour, legend label, and per month its
/// lower and upper edge (0..1).
struct Band {
    name: String,
    colour: RGBColor,
    label: String,
    final_share: f64,
    /// The "others" band (not a firm).
    others: bool,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

/// The bands, bottom to top: the top firms by final share (largest first),
/// then "others" (if anything is left for them in any month).
fn bands(data: &RunData) -> Vec<Band> {
    let n = data.months.len();
    let mut share: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for r in &data.firms {
        let m = r.month as usize;
        if m < n {
            share.entry(r.firm.as_str()).or_insert_with(|| vec![0.0; n])[m] += r.share;
        }
    }
    let last = n.saturating_sub(1);
    let mut ranked: Vec<(&str, f64)> = share
        .iter()
        .map(|(f, s)| (*f, s.get(last).copied().unwrap_or(0.0)))
        .filter(|(_, s)| *s > 0.0)
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    ranked.truncate(TOP);
    // Σ of the top firms per month, scaled down in the rare month where
    // rounding takes it above 1.
    let top_sum: Vec<f64> = (0..n).map(|m| ranked.iter().map(|(f, _)| share[f][m]).sum()).collect();
    let scale: Vec<f64> = top_sum.iter().map(|s| if *s > 1.0 { 1.0 / s } else { 1.0 }).collect();
    let mut out = Vec::new();
    let mut lower = vec![0.0; n];
    for (firm, last_share) in &ranked {
        let upper: Vec<f64> = (0..n).map(|m| lower[m] + share[firm][m] * scale[m]).collect();
        out.push(Band {
            name: firm.to_string(),
            colour: firm_colour(&data.world, firm),
            label: format!("{firm}  {}", percent(*last_share)),
            final_share: *last_share,
            others: false,
            lower: std::mem::replace(&mut lower, upper.clone()),
            upper,
        });
    }
    let others: Vec<f64> = lower.iter().map(|l| (1.0 - l).max(0.0)).collect();
    if others.iter().any(|o| *o > 1e-4) {
        // labs still serving tokens, from months.csv (a firm that pivoted to
        // applications serves none; a lab's tiny share may print as 0)
        let labs = data.months.get(last).map_or(0, |m| m.independent_labs as usize);
        let alive = labs.saturating_sub(ranked.len());
        let label = match alive {
            1 => format!("1 other lab  {}", percent(others[last])),
            k => format!("{k} other labs  {}", percent(others[last])),
        };
        let final_share = others[last];
        out.push(Band {
            name: "others".into(),
            colour: OTHERS,
            label,
            final_share,
            others: true,
            lower,
            upper: vec![1.0; n],
        });
    }
    out
}

/// A firm with at least this final share is "large": the zoom panel shows
/// the ones below.
const LARGE: f64 = 0.05;

pub fn draw<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let bands = if data.firms.is_empty() { Vec::new() } else { bands(data) };
    let title = "Who serves the tokens: model-market shares of the top 8 labs";
    let (plot, side) = titled_with_side(&root.margin(20, 20, 20, 20), title, LEGEND_WIDTH)?;
    let (_, h) = plot.dim_in_pixel();
    // The firms outside the largest few hold so little that their bands
    // are slivers: if so, a second panel shows them magnified.
    let big = bands.iter().take_while(|b| !b.others && b.final_share >= LARGE).count();
    let floor: Vec<f64> = match big {
        0 => vec![0.0; data.months.len()],
        k => bands[k - 1].upper.clone(),
    };
    let rest = floor.iter().map(|f| 1.0 - f).fold(0.0, f64::max);
    let zoom = big > 0 && bands.len() > big + 1 && rest > 0.001 && rest < 0.2;
    let (main, lower) = if zoom {
        let (a, b) = plot.split_vertically((h as f64 * 0.6) as u32);
        (a, Some(b))
    } else {
        (plot.clone(), None)
    };
    let panel =
        Panel { margin: [10, 25, 0, 0], x_area: if zoom { 12 } else { 50 }, y_area: 80, ..Panel::default() };
    let mut chart = time_panel(&main, data, panel, 0.0..1.0)?;
    let mut mesh = chart.configure_mesh();
    run_mesh(&mut mesh, Grid::None)
        .y_labels(6)
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .y_desc("share of tokens served")
        .x_desc("month")
        .axis_desc_style(label_style())
        .label_style(tick_style());
    if zoom {
        mesh.x_desc("");
    }
    mesh.draw().map_err(err)?;
    run_time_axis(&main, &mut chart, data, Grid::None, !zoom)?;
    if data.firms.is_empty() {
        let mid = (time_range(data).end / 2.0, 0.5);
        let style = label_style().pos(Pos::new(HPos::Center, VPos::Center));
        let note = "No firm panel in this run (record: RecordOptions(firm_panel: false)): no shares to show";
        chart.draw_series(std::iter::once(Text::new(note, mid, style))).map_err(err)?;
        return Ok(Vec::new());
    }
    draw_stack(&mut chart, data, &bands, 0.0, None)?;
    label_bands(&chart, &main, &bands, None)?;
    let mut hover = month_columns(&chart, data, |i| shares_text(&bands, i));
    if let Some(lower) = lower {
        let top = rest * 1.08;
        let panel = Panel { margin: [14, 25, 0, 0], x_area: 50, y_area: 80, ..Panel::default() };
        let mut zc = time_panel(&lower, data, panel, 0.0..top)?;
        let digits = if top < 0.05 { 1 } else { 0 };
        run_mesh(&mut zc.configure_mesh(), Grid::None)
            .y_labels(5)
            .y_label_formatter(&|v| format!("{:.*}%", digits, v * 100.0))
            .y_desc(format!("outside the top {big}"))
            .x_desc("month")
            .draw()
            .map_err(err)?;
        run_time_axis(&lower, &mut zc, data, Grid::None, true)?;
        let small = &bands[big..];
        draw_stack(&mut zc, data, small, top, Some(&floor))?;
        label_bands(&zc, &lower, small, Some(&floor))?;
        hover.extend(month_columns(&zc, data, |i| shares_text(&bands, i)));
        // Say what the lower panel is, beside it.
        let y0 = zc.plotting_area().get_base_pixel().1 - side.get_base_pixel().1;
        let note = [
            "Lower panel: the firms".to_string(),
            format!("outside the largest {big},"),
            "magnified (stacked from 0)".into(),
        ];
        for (i, line) in note.iter().enumerate() {
            side.draw(&Text::new(line.as_str(), (6, y0 + i as i32 * 22), legend_style())).map_err(err)?;
        }
    }
    // Legend: top to bottom in the order the bands are stacked.
    let entries: Vec<(Mark, String)> =
        bands.iter().rev().map(|b| (Mark::Fill(b.colour), b.label.clone())).collect();
    let end = data.months.last().map(|m| m.date.clone()).unwrap_or_default();
    let top = chart.plotting_area().get_base_pixel().1 - side.get_base_pixel().1;
    side_legend(&side, top, &["share of tokens", &format!("in {end}")], &entries)?;
    Ok(hover)
}

/// The month's shares of tokens served, largest first: "Alibaba 22.9% ·
/// ByteDance 21.5% · … · other labs 0.90%" (bands with no share left out).
fn shares_text(bands: &[Band], i: usize) -> String {
    let mut shares: Vec<(&str, f64)> = bands
        .iter()
        .map(|b| (if b.others { "other labs" } else { b.name.as_str() }, b.upper[i] - b.lower[i]))
        .filter(|(_, s)| *s > 0.0)
        .collect();
    shares.sort_by(|a, b| b.1.total_cmp(&a.1));
    if shares.is_empty() {
        return "no tokens served".into();
    }
    shares.iter().map(|(name, s)| format!("{name} {}", percent(*s))).collect::<Vec<_>>().join(" · ")
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Draw `bands` as filled polygons, each edge lowered by `base` (per month)
/// when given. White seams separate bands where both sides are at least a
/// few pixels thick, and faint white guides mark the y grid (`top` > 0:
/// five steps up to `top`; 0: every 20 %).
fn draw_stack<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    data: &RunData,
    bands: &[Band],
    top: f64,
    base: Option<&[f64]>,
) -> ChartResult {
    let len = bands.first().map_or(0, |b| b.upper.len());
    let xs: Vec<f64> = (0..len).map(|m| m as f64).collect();
    let at = |v: &[f64], m: usize| v[m] - base.map_or(0.0, |b| b[m]);
    for band in bands {
        let mut outline: Vec<(f64, f64)> = (0..xs.len()).map(|m| (xs[m], at(&band.upper, m))).collect();
        outline.extend((0..xs.len()).rev().map(|m| (xs[m], at(&band.lower, m))));
        chart.draw_series(std::iter::once(Polygon::new(outline, band.colour.filled()))).map_err(err)?;
    }
    let (_, ph) = chart.plotting_area().dim_in_pixel();
    let y = chart.y_range();
    let min_thick = 3.0 * (y.end - y.start) / ph.max(1) as f64;
    for pair in bands.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let ok = |m: usize| a.upper[m] - a.lower[m] > min_thick && b.upper[m] - b.lower[m] > min_thick;
        let mut seg: Vec<(f64, f64)> = Vec::new();
        for (m, &x) in xs.iter().enumerate() {
            if ok(m) {
                seg.push((x, at(&a.upper, m)));
            } else if !seg.is_empty() {
                chart
                    .draw_series(LineSeries::new(std::mem::take(&mut seg), WHITE.stroke_width(1)))
                    .map_err(err)?;
            }
        }
        if seg.len() > 1 {
            chart.draw_series(LineSeries::new(seg, WHITE.stroke_width(1))).map_err(err)?;
        }
    }
    let x = time_range(data);
    let guides: Vec<f64> = if top > 0.0 {
        (1..5).map(|k| top * k as f64 / 5.0).collect()
    } else {
        (1..5).map(|k| k as f64 * 0.2).collect()
    };
    for g in guides {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x.start, g), (x.end, g)],
                WHITE.mix(0.45).stroke_width(1),
            )))
            .map_err(err)?;
    }
    Ok(())
}

/// Write each band's name inside it where the whole text fits in the band,
/// preferring the thickest spot towards the middle of the run; a band with
/// no such spot gets no label (the legend names it).
fn label_bands<DB: DrawingBackend>(
    chart: &Chart<'_, DB>,
    plot: &DrawingArea<DB, Shift>,
    bands: &[Band],
    base: Option<&[f64]>,
) -> ChartResult {
    let n = bands.first().map_or(0, |b| b.upper.len());
    if n < 2 {
        return Ok(());
    }
    let lift = |m: usize| base.map_or(0.0, |b| b[m]);
    let (w, _) = chart.plotting_area().dim_in_pixel();
    let per_month = w as f64 / (n - 1) as f64;
    let (bx, by) = plot.get_base_pixel();
    let style = (FAMILY, LEGEND_SIZE, FontStyle::Bold).into_font();
    let mid = (n - 1) as f64 / 2.0;
    for band in bands {
        let name = if band.others { "other labs" } else { band.name.as_str() };
        let (tw, th) = plot.estimate_text_size(name, &style.clone().into()).map_err(err)?;
        // Pixel rows of the band's edges, month by month.
        let top: Vec<i32> =
            (0..n).map(|m| chart.backend_coord(&(m as f64, band.upper[m] - lift(m))).1).collect();
        let bottom: Vec<i32> =
            (0..n).map(|m| chart.backend_coord(&(m as f64, band.lower[m] - lift(m))).1).collect();
        let half = (tw as f64 / 2.0 + 6.0) / per_month;
        let mut best: Option<(f64, usize, i32)> = None;
        for m in 0..n {
            let (a, b) = ((m as f64 - half).floor(), (m as f64 + half).ceil());
            if a < 0.0 || b > (n - 1) as f64 {
                continue;
            }
            let (a, b) = (a as usize, b as usize);
            let hi = top[a..=b].iter().copied().max().unwrap_or(0);
            let lo = bottom[a..=b].iter().copied().min().unwrap_or(0);
            let room = (lo - hi) as f64;
            if room < th as f64 + 4.0 {
                continue;
            }
            let score = room * (1.0 - 0.3 * ((m as f64 - mid) / mid).abs());
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, m, (hi + lo) / 2));
            }
        }
        let Some((_, m, y)) = best else { continue };
        let (x, _) = chart.backend_coord(&(m as f64, 0.0));
        let text_style = style.clone().color(&text_on(band.colour)).pos(Pos::new(HPos::Center, VPos::Center));
        plot.draw(&Text::new(name.to_string(), (x - bx, y - by), text_style)).map_err(err)?;
    }
    Ok(())
}
