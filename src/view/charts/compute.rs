//! Chart 4, `compute`: the usable compute held by all firms, stacked by chip
//! model (foreign chips first, domestic ones on top, so the shift to
//! domestic chips shows as a growing top layer), with the chip price index
//! on a second axis and the export rules as vertical lines. Stockpiling shows
//! as a banned chip's layer growing until its rule, then flat, then shrinking
//! as the lots retire.

use super::common::*;
use crate::record::RunData;
use crate::view::axis::*;
use crate::view::format::*;
use crate::view::hover::HoverResult;
use crate::view::legend::*;
use crate::view::rules::*;
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;

/// Width of the legend column right of the plot, in pixels.
const LEGEND_WIDTH: u32 = 255;

/// One layer of the stack.
struct Layer {
    label: String,
    colour: RGBColor,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

/// Foreign chips take the palette in order, skipping red; domestic chips
/// take red and warm colours, so they stand out as one family.
const FOREIGN: [usize; 8] = [0, 10, 2, 4, 8, 9, 6, 7];
const DOMESTIC: [usize; 3] = [3, 1, 5];

fn layers(data: &RunData) -> Vec<Layer> {
    let n = data.months.len();
    let mut held: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut banned_from: BTreeMap<&str, u32> = BTreeMap::new();
    for r in &data.chips {
        let m = r.month as usize;
        if m < n {
            held.entry(r.chip.as_str()).or_insert_with(|| vec![0.0; n])[m] = r.pflops_held;
        }
        if r.banned == 1 {
            banned_from.entry(r.chip.as_str()).or_insert(r.month);
        }
    }
    // Chip order: the world's suppliers, foreign before domestic; chips
    // that chips.csv has but the world does not (none in practice) last.
    let suppliers = &data.world.chips.suppliers;
    let mut order: Vec<(&str, bool)> = Vec::new();
    for domestic in [false, true] {
        order
            .extend(suppliers.iter().filter(|s| s.domestic == domestic).map(|s| (s.name.as_str(), domestic)));
    }
    for chip in held.keys() {
        if !order.iter().any(|(c, _)| c == chip) {
            order.push((chip, false));
        }
    }
    let (mut f, mut d) = (0, 0);
    let mut lower = vec![0.0; n];
    let mut out = Vec::new();
    for (chip, domestic) in order {
        let colour = if domestic {
            d += 1;
            PALETTE[DOMESTIC[(d - 1) % DOMESTIC.len()]]
        } else {
            f += 1;
            PALETTE[FOREIGN[(f - 1) % FOREIGN.len()]]
        };
        let Some(values) = held.get(chip) else { continue };
        // A chip nobody ever held only clutters the legend.
        if values.iter().all(|v| *v <= 0.0) {
            continue;
        }
        let note = match (domestic, banned_from.get(chip)) {
            (true, _) => " · domestic".to_string(),
            (false, Some(m)) => format!(" · banned {}", data.world.start.plus(*m as i32)),
            (false, None) => String::new(),
        };
        let upper: Vec<f64> = (0..n).map(|m| lower[m] + values[m]).collect();
        out.push(Layer {
            label: format!("{chip}{note}"),
            colour,
            lower: std::mem::replace(&mut lower, upper.clone()),
            upper,
        });
    }
    // A one-month run: draw that month as a strip one month wide.
    if n == 1 {
        for l in &mut out {
            l.lower.push(l.lower[0]);
            l.upper.push(l.upper[0]);
        }
    }
    out
}

/// The runs of months where `on` holds, each widened by a month on either
/// side (so a layer ramps up from and down to zero), as inclusive ranges.
fn spans(n: usize, on: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut m = 0;
    while m < n {
        if on(m) {
            let start = m;
            while m < n && on(m) {
                m += 1;
            }
            out.push((start.saturating_sub(1), m.min(n - 1)));
        }
        m += 1;
    }
    out
}

pub fn draw<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let layers = layers(data);
    let total = layers.last().map(|l| l.upper.iter().copied().fold(0.0, f64::max)).unwrap_or(0.0);
    // Headroom above the stack for the rule labels.
    let y = 0.0..(total * 1.12).max(1.0);
    let price_max = data.months.iter().map(|m| m.chip_price_index).fold(1.0, f64::max);
    let price = 0.0..price_max * 1.25;
    let title = "Usable compute held, by chip model, and the chip price index";
    let (plot, side) = titled_with_side(&root.margin(20, 20, 20, 20), title, LEGEND_WIDTH)?;
    let panel = Panel {
        margin: [10 + strip_height(data), 0, 0, 0],
        x_area: 50,
        y_area: 95,
        right_area: 70,
        ..Panel::default()
    };
    let mut chart =
        time_panel(&plot, data, panel, y.clone())?.set_secondary_coord(time_range(data), price.clone());
    run_mesh(&mut chart.configure_mesh(), Grid::Coarse)
        .y_label_formatter(&|v| grouped(*v))
        .y_desc("usable compute held (PFLOP/s)")
        .x_desc("month")
        .draw()
        .map_err(err)?;
    chart
        .configure_secondary_axes()
        .y_label_formatter(&|v| format!("{v:.1}"))
        .y_desc("chip price index (price ÷ list)")
        .axis_desc_style(label_style())
        .label_style(tick_style())
        .draw()
        .map_err(err)?;
    let len = layers.first().map_or(0, |l| l.upper.len());
    let xs: Vec<f64> = (0..len).map(|m| m as f64).collect();
    for layer in &layers {
        let thick = |m: usize| layer.upper[m] > layer.lower[m];
        for (a, b) in spans(xs.len(), thick) {
            let mut outline: Vec<(f64, f64)> = (a..=b).map(|m| (xs[m], layer.upper[m])).collect();
            outline.extend((a..=b).rev().map(|m| (xs[m], layer.lower[m])));
            chart.draw_series(std::iter::once(Polygon::new(outline, layer.colour.filled()))).map_err(err)?;
        }
    }
    // A white seam where another layer lies on this one.
    for (i, layer) in layers.iter().enumerate() {
        let thick = |m: usize| layer.upper[m] > layer.lower[m];
        let covered = |m: usize| thick(m) && layers[i + 1..].iter().any(|l| l.upper[m] > l.lower[m]);
        for (a, b) in spans(xs.len(), covered) {
            let seam = (a..=b).map(|m| (xs[m], layer.upper[m]));
            chart.draw_series(LineSeries::new(seam, WHITE.stroke_width(1))).map_err(err)?;
        }
    }
    run_time_axis(&plot, &mut chart, data, Grid::Coarse, true)?;
    draw_rules(&mut chart, data, y.clone(), RuleLabels::Above)?;
    // The price index: dark, with a white halo so it reads over any layer.
    let mut index: Vec<(f64, f64)> =
        data.months.iter().map(|m| (m.month as f64, m.chip_price_index)).collect();
    if let [(_, v)] = index[..] {
        index.push((1.0, v));
    }
    chart
        .draw_secondary_series(LineSeries::new(index.iter().copied(), WHITE.stroke_width(6)))
        .map_err(err)?;
    chart.draw_secondary_series(LineSeries::new(index.iter().copied(), TEXT.stroke_width(3))).map_err(err)?;
    // Legend: layers top to bottom as stacked, then the line.
    let mut entries: Vec<(Mark, String)> =
        layers.iter().rev().map(|l| (Mark::Fill(l.colour), l.label.clone())).collect();
    entries.push((Mark::Line(TEXT, 3), "price index (right, 1 = list)".into()));
    if !rule_ticks(data).is_empty() {
        entries.push((Mark::Dashed(RULE, 2), "US export rule".into()));
    }
    let top = chart.plotting_area().get_base_pixel().1 - side.get_base_pixel().1;
    side_legend(&side, top, &["compute held,", "by chip model"], &entries)?;
    Ok(month_columns(&chart, data, |i| {
        let at = |l: &Layer| l.upper.get(i).zip(l.lower.get(i)).map_or(0.0, |(u, d)| u - d);
        let held = layers.last().and_then(|l| l.upper.get(i)).copied().unwrap_or(0.0);
        let mut parts = vec![format!("compute held {} PFLOP/s", grouped(held))];
        parts.extend(
            layers
                .iter()
                .rev()
                .filter(|l| at(l) > 0.0)
                .map(|l| format!("{} {}", chip_name(&l.label), grouped(at(l)))),
        );
        parts.push(format!("price index {:.2}", data.months[i].chip_price_index));
        parts.join(" · ")
    }))
}

/// A layer's chip name (its legend label without the note).
fn chip_name(label: &str) -> &str {
    label.split(" · ").next().unwrap_or(label)
}
