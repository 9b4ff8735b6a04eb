//! Chart 2, `firms`: how many firms there are over time. Stocks (independent
//! labs — the count the consolidation test uses since Model v2 —, all
//! independent firms, start-ups alive) as solid lines, cumulative flows
//! since the start (entries, pivots to applications, acquisitions, exits) as
//! dashed lines, export rules as vertical lines, the consolidation phase
//! shaded.

use super::common::*;
use crate::record::{MonthRec, RunData};
use crate::view::axis::*;
use crate::view::hover::HoverResult;
use crate::view::legend::*;
use crate::view::rules::*;
use crate::view::text::*;
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// Width of the legend column on the right, pixels.
const SIDE: u32 = 280;

/// One line of the chart: legend label, column, colour, dashed (a
/// cumulative count) or solid (a stock).
struct Line {
    /// Its key in the legend, line by line.
    label: &'static [&'static str],
    /// The line's name in a hover value.
    hover: &'static str,
    value: fn(&MonthRec) -> u32,
    colour: RGBColor,
    dashed: bool,
}

// Red is kept for the export-rule lines, so no line here is red.
const LINES: [Line; 7] = [
    Line {
        label: &["independent labs", "(own foundation model;", "the test's count)"],
        hover: "independent labs",
        value: |m| m.independent_labs,
        colour: PALETTE[0],
        dashed: false,
    },
    Line {
        label: &["independent firms", "(application companies", "included)"],
        hover: "independent firms",
        value: |m| m.independent_firms,
        colour: PALETTE[9],
        dashed: false,
    },
    Line {
        label: &["start-ups alive", "(all non-giants)"],
        hover: "start-ups alive",
        value: |m| m.startups_alive,
        colour: PALETTE[1],
        dashed: false,
    },
    Line {
        label: &["entries since start", "(cumulative)"],
        hover: "entries since start",
        value: |m| m.entries,
        colour: PALETTE[2],
        dashed: true,
    },
    Line {
        label: &["pivots to applications", "(cumulative)"],
        hover: "pivots since start",
        value: |m| m.pivots,
        colour: PALETTE[6],
        dashed: true,
    },
    Line {
        label: &["acquisitions", "(cumulative)"],
        hover: "acquisitions since start",
        value: |m| m.acquisitions,
        colour: PALETTE[4],
        dashed: true,
    },
    Line {
        label: &["exits, closed or", "insolvent (cumulative)"],
        hover: "exits since start",
        value: |m| m.exits,
        colour: PALETTE[5],
        dashed: true,
    },
];

pub fn draw<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let mut series: Vec<Vec<(f64, f64)>> = LINES
        .iter()
        .map(|l| data.months.iter().map(|m| (m.month as f64, (l.value)(m) as f64)).collect())
        .collect();
    // A one-month run: draw that month as a level one month wide.
    for s in &mut series {
        if let [(_, v)] = s[..] {
            s.push((1.0, v));
        }
    }
    let max = series.iter().flatten().map(|p| p.1).fold(0.0, f64::max);
    let y = 0.0..(max * 1.06).max(5.0);
    let title = "Number of labs and firms: stocks, and entries, pivots, acquisitions, exits";
    let (plot, side) = titled_with_side(root, title, SIDE)?;
    let panel = Panel { margin: [10 + strip_height(data), 70, 20, 20], ..Panel::framed(20, 70, 50, 80) };
    let mut chart = time_panel(&plot, data, panel, y.clone())?;
    run_mesh(&mut chart.configure_mesh(), Grid::Coarse)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .y_desc("firms")
        .x_desc("month")
        .draw()
        .map_err(err)?;
    let phases = phase_spans(data);
    for &(a, b) in &phases {
        chart
            .draw_series(std::iter::once(Rectangle::new([(a, y.start), (b, y.end)], PHASE.mix(0.5).filled())))
            .map_err(err)?;
    }
    run_time_axis(&plot, &mut chart, data, Grid::Coarse, true)?;
    draw_rules(&mut chart, data, y.clone(), RuleLabels::Above)?;
    for (line, points) in LINES.iter().zip(&series) {
        if line.dashed {
            let style = line.colour.stroke_width(3);
            chart.draw_series(DashedLineSeries::new(points.iter().copied(), 10, 6, style)).map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(points.iter().copied(), line.colour.stroke_width(4)))
                .map_err(err)?;
        }
    }
    end_values(root, &chart, &series)?;
    // The key beside the plot, where no line can run through it.
    let mut entries: Vec<(Mark, String)> = Vec::new();
    for line in &LINES {
        let swatch = if line.dashed { Mark::Dashed(line.colour, 3) } else { Mark::Line(line.colour, 4) };
        for (k, text) in line.label.iter().enumerate() {
            entries.push((if k == 0 { swatch } else { Mark::Blank }, text.to_string()));
        }
    }
    if !phases.is_empty() {
        entries.push((Mark::Fill(tint(PHASE, 0.5)), "consolidation phase".into()));
    }
    if !rule_ticks(data).is_empty() {
        entries.push((Mark::Dashed(RULE, 2), "US export rule".into()));
    }
    let top = chart.plotting_area().get_base_pixel().1 - side.get_base_pixel().1;
    side_legend(&side, top, &["Stocks (solid), and", "flows since the start", "(dashed)"], &entries)?;
    Ok(month_columns(&chart, data, |i| {
        LINES
            .iter()
            .map(|l| format!("{} {}", l.hover, (l.value)(&data.months[i])))
            .collect::<Vec<_>>()
            .join(" · ")
    }))
}

/// The last value of each line, written just right of the plot in the
/// line's colour, nudged apart so they never overlap.
fn end_values<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    series: &[Vec<(f64, f64)>],
) -> ChartResult {
    let gap = LEGEND_SIZE as i32 + 2;
    let mut labels: Vec<(i32, i32, String, RGBColor)> = Vec::new();
    for (line, points) in LINES.iter().zip(series) {
        if let Some(&(x, v)) = points.last() {
            let (px, py) = chart.backend_coord(&(x, v));
            labels.push((py, px + 8, format!("{v:.0}"), line.colour));
        }
    }
    labels.sort_by_key(|l| l.0);
    for i in 1..labels.len() {
        labels[i].0 = labels[i].0.max(labels[i - 1].0 + gap);
    }
    // Keep the lowest label inside the plot, pushing the ones above it up.
    let (_, bottom) = chart.backend_coord(&(0.0, chart.y_range().start));
    let mut floor = bottom;
    for l in labels.iter_mut().rev() {
        l.0 = l.0.min(floor);
        floor = l.0 - gap;
    }
    let anchor = plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Left,
        plotters::style::text_anchor::VPos::Center,
    );
    let (bx, by) = root.get_base_pixel();
    for (y, x, text, colour) in labels {
        let style = bold(LEGEND_SIZE).color(&colour).pos(anchor);
        root.draw(&Text::new(text, (x - bx, y - by), style)).map_err(err)?;
    }
    Ok(())
}
