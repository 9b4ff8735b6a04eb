//! Chart 6, `talent`: the market for AI researchers. Upper panel: the wage
//! index (going wage ÷ the world file's initial wage, pools weighted by
//! their initial size). Lower panel: researchers employed at the giants and
//! at the start-ups (tiers `startup` and `small` together), summed from
//! firms.csv, with export rules as vertical lines.

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

/// Width of the legend column on the right, pixels.
const SIDE: u32 = 270;
/// Width of the y label area of both panels (keeps their time axes aligned).
const Y_AREA: u32 = 95;

pub fn draw<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let n = data.months.len();
    let title = "Talent: researchers' wages, and who employs the researchers";
    let (main, side) = titled_with_side(root, title, SIDE)?;
    let ((top, bottom), (side_top, side_bottom)) = upper_and_lower(&main, &side, 0.40);

    // ---- upper panel: wage index ----
    let (mut lo, mut hi) = (1.0f64, 1.0f64);
    for m in &data.months {
        lo = lo.min(m.wage_index);
        hi = hi.max(m.wage_index);
    }
    let pad = ((hi - lo) * 0.12).max(0.05);
    // room at the top for the rule labels
    let y_top = (lo - pad).max(0.0)..hi + pad * 2.2;
    let frame = Panel { margin: [10 + strip_height(data), 20, 10, 10], ..Panel::framed(10, 20, 40, Y_AREA) };
    let mut chart = time_panel(&top, data, frame, y_top.clone())?;
    let span = y_top.end - y_top.start;
    run_mesh(&mut chart.configure_mesh(), Grid::Fine)
        .y_labels(6)
        .y_label_formatter(&|v| format!("{}×", tick(*v, span)))
        .y_desc("wage ÷ initial wage")
        .draw()
        .map_err(err)?;
    let x_end = time_range(data).end;
    let base = RGBColor(120, 120, 120);
    chart
        .draw_series(DashedLineSeries::new(vec![(0.0, 1.0), (x_end, 1.0)], 6, 5, base.stroke_width(1)))
        .map_err(err)?;
    run_time_axis(&top, &mut chart, data, Grid::Fine, true)?;
    draw_rules(&mut chart, data, y_top.clone(), RuleLabels::Above)?;
    let wage = series_colour(4);
    chart.draw_series(month_line(data, |m| m.wage_index, wage.stroke_width(3))).map_err(err)?;
    let last = data.months.last().map(|m| m.wage_index).unwrap_or(1.0);
    let (_, py) = chart.plotting_area().get_base_pixel();
    let (_, sy) = side_top.get_base_pixel();
    let mut entries = vec![
        (Mark::Line(wage, 3), "wage index".to_string()),
        (Mark::Blank, format!("(end: {last:.2}× initial)")),
        (Mark::Dashed(base, 1), "initial wage (1×)".into()),
    ];
    if !rule_ticks(data).is_empty() {
        entries.push((Mark::Dashed(RULE, 2), "US export rule".into()));
    }
    framed_legend(&side_top, (6, py - sy), Some("Wages"), &entries)?;
    let mut hover = month_columns(&chart, data, |i| {
        format!("wage index {:.2}× the initial wage", data.months[i].wage_index)
    });

    // ---- lower panel: researchers by tier ----
    let mut giants = vec![0.0f64; n];
    let mut others = vec![0.0f64; n];
    for r in &data.firms {
        let t = r.month as usize;
        if t >= n {
            continue;
        }
        if r.tier == "giant" {
            giants[t] += r.researchers as f64;
        } else {
            others[t] += r.researchers as f64;
        }
    }
    let max_r = giants.iter().chain(&others).copied().fold(0.0, f64::max).max(10.0) * 1.1;
    let y_bot = 0.0..max_r;
    let mut chart = time_panel(&bottom, data, Panel::framed(10, 20, 50, Y_AREA), y_bot.clone())?;
    run_mesh(&mut chart.configure_mesh(), Grid::Fine)
        .y_labels(6)
        .y_label_formatter(&|v| with_commas(*v))
        .y_desc("researchers employed")
        .x_desc("month")
        .draw()
        .map_err(err)?;
    run_time_axis(&bottom, &mut chart, data, Grid::Fine, true)?;
    draw_rules(&mut chart, data, y_bot, RuleLabels::None)?;
    let (cg, cs) = (series_colour(0), series_colour(1));
    for (series, colour) in [(&giants, cg), (&others, cs)] {
        chart
            .draw_series(AreaSeries::new(
                series.iter().enumerate().map(|(t, &v)| (t as f64, v)),
                0.0,
                colour.mix(0.12),
            ))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                series.iter().enumerate().map(|(t, &v)| (t as f64, v)),
                colour.stroke_width(3),
            ))
            .map_err(err)?;
    }
    let end = |v: &[f64]| v.last().copied().unwrap_or(0.0);
    let total_end = end(&giants) + end(&others);
    let share =
        |v: f64| if total_end > 0.0 { format!("{:.0}%", 100.0 * v / total_end) } else { "–".into() };
    let (_, py) = chart.plotting_area().get_base_pixel();
    let (_, sy) = side_bottom.get_base_pixel();
    framed_legend(
        &side_bottom,
        (6, py - sy),
        Some("Researchers"),
        &[
            (Mark::Line(cg, 3), "at the giants".into()),
            (Mark::Blank, format!("(end: {}, {})", with_commas(end(&giants)), share(end(&giants)))),
            (Mark::Line(cs, 3), "at start-ups and".into()),
            (Mark::Blank, "small firms".into()),
            (Mark::Blank, format!("(end: {}, {})", with_commas(end(&others)), share(end(&others)))),
        ],
    )?;
    hover.extend(month_columns(&chart, data, |i| {
        format!(
            "researchers at the giants {} · at start-ups and small firms {}",
            with_commas(giants[i]),
            with_commas(others[i])
        )
    }));
    Ok(hover)
}
