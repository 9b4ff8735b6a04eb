//! Export-rule markers on a run's time axis: when each rule takes effect
//! ([`rule_ticks`]) and the one function that draws them ([`draw_rules`]):
//! dashed red vertical lines, labelled plainly, fitted (labels kept inside
//! the plot and off each other) or not at all. Every run chart and the GIF
//! take the rules from here.

use crate::record::RunData;
use crate::view::theme::{ChartResult, FAMILY, RULE, err};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Ticks at which each export rule takes effect, with its name (rules in
/// force before the start are at 0; rules after the end are left out).
pub fn rule_ticks(data: &RunData) -> Vec<(f64, String)> {
    let n = data.months.len() as i32;
    data.world
        .policy
        .rules
        .iter()
        .filter_map(|r| {
            let t = r.effective.since(data.world.start).max(0);
            (t < n).then(|| (t as f64, format!("US rule {}", r.name)))
        })
        .collect()
}

/// The style of a rule's label.
pub fn rule_label_style() -> TextStyle<'static> {
    (FAMILY, 16).into_font().color(&RULE)
}

/// Where a rule's label starts: just right of its line at tick `t`, just
/// below the top of `y`.
pub fn label_at(t: f64, y: &std::ops::Range<f64>) -> (f64, f64) {
    (t + 0.4, y.end - (y.end - y.start) * 0.02)
}

/// How the rule lines are labelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLabels {
    /// No labels (the lower panel of a chart whose upper panel has them).
    None,
    /// Each label right of its line, at the top.
    Plain,
    /// Like `Plain`, but a label that would run past the right edge goes
    /// left of its line, and one that would overlap an earlier label moves
    /// down a row.
    Fitted,
}

/// Draw the export rules of a run across `chart` (over the y range `y`) as
/// labelled dashed vertical lines. Works on a linear or a log y axis
/// (labels only on a linear one).
pub fn draw_rules<DB, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    data: &RunData,
    y: std::ops::Range<f64>,
    labels: RuleLabels,
) -> ChartResult
where
    DB: DrawingBackend,
    Y: Ranged<ValueType = f64>,
{
    let (_, ph) = chart.plotting_area().dim_in_pixel();
    let (left, _) = chart.plotting_area().get_base_pixel();
    let (pw, _) = chart.plotting_area().dim_in_pixel();
    let right = left + pw as i32;
    let font = rule_label_style();
    let per_px = (y.end - y.start) / ph.max(1) as f64;
    let mut placed: Vec<(usize, i32, i32)> = Vec::new();
    for (t, label) in rule_ticks(data) {
        chart
            .draw_series(DashedLineSeries::new(vec![(t, y.start), (t, y.end)], 8, 5, RULE.stroke_width(2)))
            .map_err(err)?;
        match labels {
            RuleLabels::None => {}
            RuleLabels::Plain => {
                chart
                    .draw_series(std::iter::once(Text::new(label, label_at(t, &y), font.clone())))
                    .map_err(err)?;
            }
            RuleLabels::Fitted => {
                let (tw, th) = chart.plotting_area().estimate_text_size(&label, &font).map_err(err)?;
                let (tw, th) = (tw as i32, th as i32);
                let x_right_of = chart.backend_coord(&(t + 0.4, y.end)).0;
                let x_left_of = chart.backend_coord(&(t - 0.4, y.end)).0;
                let flip = x_right_of + tw > right && x_left_of - tw >= left;
                let (x0, x1) = if flip { (x_left_of - tw, x_left_of) } else { (x_right_of, x_right_of + tw) };
                let row = (0..)
                    .find(|r| !placed.iter().any(|(pr, a, b)| pr == r && x0 < b + 6 && x1 + 6 > *a))
                    .unwrap_or(0);
                placed.push((row, x0, x1));
                let top = y.end - (y.end - y.start) * 0.02 - (row as i32 * (th + 4)) as f64 * per_px;
                let (x, anchor) = if flip { (t - 0.4, HPos::Right) } else { (t + 0.4, HPos::Left) };
                chart
                    .draw_series(std::iter::once(Text::new(
                        label,
                        (x, top),
                        font.clone().pos(Pos::new(anchor, VPos::Top)),
                    )))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}
