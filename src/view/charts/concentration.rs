//! Chart 1, `concentration`: HHI of the foundation-model (token) market
//! over time — the shares of tokens served, as months.csv records `hhi` and
//! `cr4` since Model v2 — against the 1,000 and 1,800 bands of the 2023 US
//! merger guidelines, CR4 on a second axis, export rules as vertical lines,
//! the consolidation phase shaded.

use super::common::*;
use crate::record::{MonthRec, RunData};
use crate::view::axis::*;
use crate::view::format::{self, grouped};
use crate::view::hover::HoverResult;
use crate::view::legend::legend_spot;
use crate::view::rules::*;
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::prelude::*;

pub fn draw<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let max_hhi = data.months.iter().map(|m| m.hhi).fold(2500.0, f64::max) * 1.08;
    let y = 0.0..max_hhi.min(10_000.0);
    let title = "Foundation-model market: HHI of the shares of tokens served, and the top-4 share";
    let area = root.titled(title, title_style()).map_err(err)?;
    let panel = Panel {
        caption: None,
        margin: [10 + strip_height(data), 20, 20, 20],
        x_area: 50,
        y_area: 80,
        right_area: 80,
    };
    let mut chart =
        time_panel(&area, data, panel, y.clone())?.set_secondary_coord(time_range(data), 0.0..1.0);
    run_mesh(&mut chart.configure_mesh(), Grid::Fine)
        .y_label_formatter(&|v| grouped(*v))
        .y_desc("HHI (0–10,000)")
        .x_desc("month")
        .draw()
        .map_err(err)?;
    chart
        .configure_secondary_axes()
        .y_label_formatter(&|v| format!("{v:.1}"))
        .y_desc("CR4 (share of tokens served)")
        .axis_desc_style(label_style())
        .label_style(tick_style())
        .draw()
        .map_err(err)?;
    let x_end = time_range(data).end;
    // bands: unconcentrated < 1,000 ≤ moderately < 1,800 ≤ highly
    let bands = [
        (0.0, 1000.0, BAND_LOW, "unconcentrated (< 1,000)"),
        (1000.0, 1800.0, BAND_MID, "moderately concentrated (1,000–1,800)"),
        (1800.0, y.end, BAND_HIGH, "highly concentrated (≥ 1,800; 2023 US merger guidelines)"),
    ];
    // the bands are named in the key, not on the plot, where the lines and
    // the rule markers would run through their names
    for (lo, hi, colour, label) in bands {
        if lo >= y.end {
            continue;
        }
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, lo), (x_end, hi.min(y.end))],
                colour.filled(),
            )))
            .map_err(err)?
            .label(label)
            .legend(move |(x, y)| {
                EmptyElement::at((x, y))
                    + Rectangle::new([(0, -6), (18, 6)], colour.filled())
                    + Rectangle::new([(0, -6), (18, 6)], FRAME.stroke_width(1))
            });
    }
    for (a, b) in phase_spans(data) {
        chart
            .draw_series(std::iter::once(Rectangle::new([(a, 0.0), (b, y.end)], PHASE.mix(0.5).filled())))
            .map_err(err)?
            .label("consolidation phase")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], PHASE.filled()));
    }
    run_time_axis(&area, &mut *chart, data, Grid::Fine, true)?;
    draw_rules(&mut chart, data, y.clone(), RuleLabels::Above)?;
    // HHI on the left axis, CR4 on the right: series colours 0 and 1
    let line = |i: usize, value: fn(&MonthRec) -> f64| {
        let style = series_colour(i).stroke_width(3);
        let key = move |(x, y): (i32, i32)| PathElement::new(vec![(x, y), (x + 20, y)], style);
        (month_line(data, value, style), key)
    };
    let (hhi, key) = line(0, |m| m.hhi);
    chart.draw_series(hhi).map_err(err)?.label("HHI (left axis)").legend(key);
    let (cr4, key) = line(1, |m| m.cr4);
    chart.draw_secondary_series(cr4).map_err(err)?.label("CR4 (right axis)").legend(key);
    // the key where it covers the least of both lines (CR4 in HHI units)
    let hhi_line: Vec<(f64, f64)> = data.months.iter().map(|m| (m.month as f64, m.hhi)).collect();
    let cr4_line: Vec<(f64, f64)> = data.months.iter().map(|m| (m.month as f64, m.cr4 * y.end)).collect();
    let mut labels: Vec<&str> = bands.iter().filter(|b| b.0 < y.end).map(|b| b.3).collect();
    if !phase_spans(data).is_empty() {
        labels.push("consolidation phase");
    }
    labels.extend(["HHI (left axis)", "CR4 (right axis)"]);
    let spot = legend_spot(&chart, data, &[hhi_line, cr4_line], &labels)?;
    draw_series_key(&mut chart, spot)?;
    Ok(month_columns(&chart, data, |i| {
        let m = &data.months[i];
        let phase = if m.consolidating == 1 { " · consolidation phase" } else { "" };
        format!("HHI {} · CR4 {:.2}{phase}", format::hhi(m.hhi), m.cr4)
    }))
}
