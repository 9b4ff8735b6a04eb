//! Panels shared by the charts of a sweep ([`crate::view::study_charts`]) and
//! of a comparison ([`crate::view::compare_charts`]): value ranges, an empty
//! panel, and the fan chart (mean lines over 5–95% bands by calendar
//! month). Axes, legends, text and numbers come from the shared modules.

use crate::study::data::Metric;
use crate::view::axis::{Chart, time_axes};
use crate::view::format::tick;
use crate::view::text::{anchored, bold, fit, muted};
use crate::view::theme::*;
use crate::world::Month;
use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A band's points as (x, mean, p5, p95).
pub type FanPoint = (f64, f64, f64, f64);

/// Smallest and largest of finite values.
pub fn bounds(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().filter(|v| v.is_finite()).fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// A range around `lo..hi` with `frac` of the span as padding on each side;
/// a zero-width range gets a sensible width of its own.
pub fn padded(lo: f64, hi: f64, frac: f64) -> std::ops::Range<f64> {
    let span = hi - lo;
    if span.abs() < 1e-12 {
        let w = (lo.abs() * 0.1).max(1.0);
        return (lo - w)..(hi + w);
    }
    (lo - span * frac)..(hi + span * frac)
}

/// A chart on a panel with the coordinates of `X` and `Y`.
pub type Panel2d<'a, DB, X, Y> = ChartContext<
    'a,
    DB,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// One small panel of a study or comparison chart with `caption` above it in
/// `style`; `layout` is `[margin, right margin, x label area, y label area]`
/// in pixels.
pub fn captioned<'a, DB: DrawingBackend, X: AsRangedCoord, Y: AsRangedCoord>(
    panel: &'a DrawingArea<DB, Shift>,
    (caption, style): (&str, TextStyle<'_>),
    [margin, right, x_area, y_area]: [u32; 4],
    x: X,
    y: Y,
) -> Result<Panel2d<'a, DB, X, Y>, String> {
    ChartBuilder::on(panel)
        .caption(caption, style)
        .margin(margin)
        .margin_right(right)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// The three strokes of an interval `lo..hi` at height `y` with end caps
/// `cap` high: the bar, then the caps at `lo` and at `hi`.
pub fn whisker(lo: f64, hi: f64, y: f64, cap: f64, style: ShapeStyle) -> [PathElement<(f64, f64)>; 3] {
    [
        PathElement::new(vec![(lo, y), (hi, y)], style),
        PathElement::new(vec![(lo, y - cap), (lo, y + cap)], style),
        PathElement::new(vec![(hi, y - cap), (hi, y + cap)], style),
    ]
}

/// A message in the middle of an empty panel.
pub fn empty_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    message: &str,
) -> ChartResult {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Rectangle::new([(8, 36), (w as i32 - 8, h as i32 - 8)], EDGE.stroke_width(1))).map_err(err)?;
    let t = fit(area, title, &bold(18), w as i32 - 20);
    area.draw(&Text::new(t, (w as i32 / 2, 18), anchored(bold(18), HPos::Center, VPos::Center)))
        .map_err(err)?;
    let m = fit(area, message, &muted(17), w as i32 - 30);
    area.draw(&Text::new(m, (w as i32 / 2, h as i32 / 2), anchored(muted(17), HPos::Center, VPos::Center)))
        .map_err(err)
}

// ---------------------------------------------------------------- time axes

// ---------------------------------------------------------------- fans

pub fn metric_axis(metric: Metric) -> &'static str {
    match metric {
        Metric::Hhi => "HHI (0–10,000)",
        Metric::IndependentFirms => "independent firms",
        Metric::Cr4 => "CR4 (share of revenue)",
    }
}

/// The axes of a fan chart on `plot`: `metric` over `x` months from
/// `start` against `y`.
pub fn fan_axes<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    metric: Metric,
    start: Month,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Chart<'a, DB>, String> {
    let span = y.end - y.start;
    time_axes(plot, start, x, y, (metric_axis(metric), "month"), None, &|v| tick(*v, span))
}

/// The 5–95% band of `pts` as one polygon in `style`.
pub fn band_polygon(pts: &[FanPoint], style: ShapeStyle) -> Polygon<(f64, f64)> {
    let mut outline: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.3)).collect();
    outline.extend(pts.iter().rev().map(|p| (p.0, p.2)));
    Polygon::new(outline, style)
}

/// Fans of several series in their colours: every band first (filled at
/// opacity `fill`, its edges at `edge`), then every mean line on a white
/// halo, so no band hides a line. A series without points draws no band.
pub fn draw_fans<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    series: &[(Vec<FanPoint>, RGBColor)],
    fill: f64,
    edge: f64,
) -> ChartResult {
    for (pts, c) in series {
        if pts.is_empty() {
            continue;
        }
        chart.draw_series(std::iter::once(band_polygon(pts, c.mix(fill).filled()))).map_err(err)?;
        for edge_line in
            [pts.iter().map(|p| (p.0, p.3)).collect::<Vec<_>>(), pts.iter().map(|p| (p.0, p.2)).collect()]
        {
            chart.draw_series(LineSeries::new(edge_line, c.mix(edge).stroke_width(1))).map_err(err)?;
        }
    }
    for (pts, c) in series {
        chart
            .draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), WHITE.stroke_width(6)))
            .map_err(err)?;
        chart.draw_series(LineSeries::new(pts.iter().map(|p| (p.0, p.1)), c.stroke_width(3))).map_err(err)?;
    }
    Ok(())
}
