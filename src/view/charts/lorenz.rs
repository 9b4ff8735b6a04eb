//! Chart 7, `lorenz`: Lorenz curves of usable compute across the firms
//! active in a month — at the start, in the month the last export rule takes
//! effect (when that lies inside the run), and at the end — against the 45°
//! line of perfect equality, with each curve's Gini coefficient in the
//! legend (`metrics::lorenz`, `metrics::gini`).

use crate::record::RunData;
use crate::sim::measures::{gini, lorenz, top_n_sum};
use crate::view::axis::*;
use crate::view::format::*;
use crate::view::hover::HoverResult;
use crate::view::legend::*;
use crate::view::text::*;
use crate::view::theme::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One curve: the month, what it is, its colour.
struct Curve {
    month: u32,
    what: String,
    colour: RGBColor,
    values: Vec<f64>,
}

/// The months to draw: start, the last rule's effective month, end.
fn curves(data: &RunData) -> Vec<Curve> {
    let n = data.months.len() as i32;
    if n == 0 {
        return Vec::new();
    }
    let mut picks: Vec<(u32, String, RGBColor)> = vec![(0, "start".into(), series_colour(0))];
    let last_rule = data.world.policy.rules.iter().max_by_key(|r| r.effective);
    if let Some(r) = last_rule {
        let t = r.effective.since(data.world.start);
        if t > 0 && t < n - 1 {
            picks.push((t as u32, format!("rule {} takes effect", r.name), series_colour(1)));
        }
    }
    if n > 1 {
        picks.push(((n - 1) as u32, "end".into(), series_colour(3)));
    }
    picks
        .into_iter()
        .map(|(month, what, colour)| {
            let values: Vec<f64> = data
                .firms
                .iter()
                .filter(|r| r.month == month && r.status == "active")
                .map(|r| r.compute_pflops.max(0.0))
                .collect();
            Curve { month, what, colour, values }
        })
        .collect()
}

pub fn draw<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> HoverResult {
    let area = root
        .titled("Inequality of compute: Lorenz curves of usable compute across active firms", title_style())
        .map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    // a square plot on the left, the legend and a reading guide on the right
    let (x_area, y_area, margin) = (60u32, 90u32, 15u32);
    let plot = h.saturating_sub(x_area + 2 * margin);
    let left_w = (plot + y_area + 2 * margin + 10).min(w.saturating_sub(370));
    // centre plot + legend column (about 370 px) under the title
    let pad = w.saturating_sub(left_w + 370) / 2;
    let (_, rest) = area.split_horizontally(pad);
    let (left, right) = rest.split_horizontally(left_w);
    let mut chart = ChartBuilder::on(&left)
        .margin(margin)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_labels(11)
        .y_labels(11)
        .x_label_formatter(&|x| format!("{:.0}%", x * 100.0))
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .x_desc("share of firms, smallest compute first")
        .y_desc("share of all compute they hold")
        .axis_desc_style(label_style())
        .label_style(tick_style())
        .draw()
        .map_err(err)?;
    let equal = RGBColor(90, 90, 90);
    chart
        .draw_series(DashedLineSeries::new(vec![(0.0, 0.0), (1.0, 1.0)], 10, 6, equal.stroke_width(2)))
        .map_err(err)?;
    let curves = curves(data);
    // the gap of the last curve to the diagonal, lightly shaded: twice its
    // area is the Gini coefficient
    if let Some(c) = curves.last() {
        let pts = lorenz(&c.values);
        if pts.len() > 2 {
            chart.draw_series(std::iter::once(Polygon::new(pts, c.colour.mix(0.10)))).map_err(err)?;
        }
    }
    let mut entries: Vec<(Mark, String)> = Vec::new();
    for c in &curves {
        let pts = lorenz(&c.values);
        let n = c.values.len();
        chart.draw_series(LineSeries::new(pts.iter().copied(), c.colour.stroke_width(3))).map_err(err)?;
        if n <= 40 {
            chart
                .draw_series(pts.iter().skip(1).map(|&p| Circle::new(p, 4, c.colour.filled())))
                .map_err(err)?;
        }
        let total: f64 = c.values.iter().sum();
        let top4 = if total > 0.0 { top_n_sum(&c.values, 4) / total } else { 0.0 };
        entries.push((Mark::Line(c.colour, 3), format!("{} — {}", date_of(data, c.month as f64), c.what)));
        entries.push((Mark::Blank, format!("Gini {:.2}", gini(&c.values))));
        entries
            .push((Mark::Blank, format!("{} firms; top 4 hold {:.0}%", with_commas(n as f64), top4 * 100.0)));
    }
    entries.push((Mark::Dashed(equal, 2), "perfect equality (Gini 0)".into()));
    if curves.len() > 1 {
        entries.push((Mark::Fill(tint(curves[curves.len() - 1].colour, 0.25)), "gap at the end".into()));
    }
    let (_, py) = chart.plotting_area().get_base_pixel();
    let (_, ry) = right.get_base_pixel();
    let (_, kh) = framed_legend(&right, (10, py - ry), Some("Compute held in"), &entries)?;
    let note = anchored(font(16).color(&RGBColor(90, 90, 90)), HPos::Left, VPos::Top);
    let lines = [
        "How to read: a point (x, y) says the x smallest",
        "firms hold y of all usable compute (PFLOP/s).",
        "The further a curve sags below the diagonal,",
        "the more unequal. Gini = twice the area between",
        "curve and diagonal: 0 equal, 1 one firm holds all.",
    ];
    let mut y = py - ry + kh + 20;
    for l in lines {
        right.draw(&Text::new(l, (12, y), note.clone())).map_err(err)?;
        y += 21;
    }
    // hover: a column per 5% of firms, saying what share of compute the
    // smallest that many hold on each curve
    let xs: Vec<f64> = (0..=20).map(|k| k as f64 / 20.0).collect();
    let points: Vec<Vec<(f64, f64)>> = curves.iter().map(|c| lorenz(&c.values)).collect();
    Ok(crate::view::hover::columns(&chart, &xs, |i| {
        let x = xs[i];
        let mut parts = vec![format!("the smallest {:.0}% of firms hold", x * 100.0)];
        for (c, pts) in curves.iter().zip(&points) {
            let held = at_share(pts, x);
            parts.push(format!(
                "{:.1}% of compute in {} ({})",
                held * 100.0,
                date_of(data, c.month as f64),
                c.what
            ));
        }
        parts.join(" · ")
    }))
}

/// The Lorenz curve `pts` (increasing x from (0, 0) to (1, 1)) at `x`,
/// interpolated linearly.
fn at_share(pts: &[(f64, f64)], x: f64) -> f64 {
    let Some(i) = pts.iter().position(|p| p.0 >= x) else { return pts.last().map_or(x, |p| p.1) };
    if i == 0 {
        return pts[0].1;
    }
    let (a, b) = (pts[i - 1], pts[i]);
    if b.0 - a.0 < 1e-12 { b.1 } else { a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_lorenz_curve_is_read_between_its_points() {
        let pts = [(0.0, 0.0), (0.5, 0.1), (1.0, 1.0)];
        assert_eq!(super::at_share(&pts, 0.0), 0.0);
        assert!((super::at_share(&pts, 0.25) - 0.05).abs() < 1e-12);
        assert!((super::at_share(&pts, 0.75) - 0.55).abs() < 1e-12);
        assert_eq!(super::at_share(&pts, 1.0), 1.0);
        assert_eq!(super::at_share(&[], 0.3), 0.3);
    }
}
