//! Drawing helpers shared by the charts of a sweep ([`crate::view::study_charts`]) and
//! of a comparison ([`crate::view::compare_charts`]): text and fonts, ranges and
//! tick labels, a legend row, an empty panel, calendar time axes and the
//! fan chart (mean lines over 5–95% bands by calendar month).

use crate::study::data::Metric;
use crate::view::charts::common::{Swatch, with_commas};
use crate::view::theme::*;
use crate::world::Month;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A band's points as (x, mean, p5, p95).
pub type FanPoint = (f64, f64, f64, f64);

pub fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&TEXT)
}

pub fn bold(size: u32) -> TextStyle<'static> {
    (FAMILY, size, FontStyle::Bold).into_font().color(&TEXT)
}

pub fn muted(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&RGBColor(110, 110, 110))
}

pub fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Draw `text` at absolute backend pixel `at` on `area`.
pub fn text_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
    style: &TextStyle<'static>,
) -> ChartResult {
    let (bx, by) = area.get_base_pixel();
    area.draw(&Text::new(text.to_string(), (at.0 - bx, at.1 - by), style.clone())).map_err(err)
}

pub fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
) -> i32 {
    area.estimate_text_size(text, style).map(|(w, _)| w as i32).unwrap_or(text.chars().count() as i32 * 10)
}

/// `text`, shortened with an ellipsis until it is at most `max_w` pixels wide.
pub fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'_>,
    max_w: i32,
) -> String {
    if text_width(area, text, style) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 1 {
        keep -= 1;
        let s = chars[..keep].iter().collect::<String>().trim_end().to_string() + "…";
        if text_width(area, &s, style) <= max_w {
            return s;
        }
    }
    "…".to_string()
}

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

/// A number for an axis whose visible range is `span` wide, with a true minus.
pub fn tick(v: f64, span: f64) -> String {
    let v = if v.abs() < span.abs() * 1e-9 { 0.0 } else { v };
    let s = if span >= 50.0 {
        with_commas(v)
    } else if span >= 5.0 {
        trim(format!("{v:.1}"))
    } else if span >= 0.5 {
        trim(format!("{v:.2}"))
    } else {
        trim(format!("{v:.3}"))
    };
    minus(&s)
}

fn trim(s: String) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// A number written with a true minus sign.
pub fn minus(s: &str) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => s.to_string(),
    }
}

/// The sign to write before the magnitude `digits` of `v`: none when the
/// digits round to zero, else `+` or a true minus.
pub fn sign(digits: &str, v: f64) -> &'static str {
    if digits.trim_matches(|c| c == '0' || c == '.' || c == ',').is_empty() {
        ""
    } else if v > 0.0 {
        "+"
    } else {
        "−"
    }
}

/// `c` at opacity `alpha` over white, as a solid colour (for legend marks).
pub fn blend(c: RGBColor, alpha: f64) -> RGBColor {
    let f = |x: u8| (255.0 - (255.0 - x as f64) * alpha).round() as u8;
    RGBColor(f(c.0), f(c.1), f(c.2))
}

/// A mark in a legend row.
#[derive(Clone, Copy)]
pub enum Mark {
    Line(RGBColor, u32),
    Fill(RGBColor),
    Dot(RGBColor, i32),
    /// A dot with a horizontal whisker through it.
    Whisker(RGBColor),
    /// A vertical line (a zero line).
    Rule(RGBColor),
    /// No mark: the text explains.
    Blank,
}

/// One row of legend entries centred horizontally in `area` at height `y`
/// (relative to `area`).
pub fn key_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    y: i32,
    entries: &[(Mark, String)],
) -> ChartResult {
    let style = anchored(legend_style(), HPos::Left, VPos::Center);
    let (w, _) = area.dim_in_pixel();
    let gap = 28;
    let sym = 24;
    let total: i32 = entries.iter().map(|(_, t)| sym + 6 + text_width(area, t, &style)).sum::<i32>()
        + gap * (entries.len() as i32 - 1).max(0);
    let mut x = ((w as i32 - total) / 2).max(4);
    for (mark, text) in entries {
        match *mark {
            Mark::Line(c, lw) => Swatch::Line(c, lw).draw_at(area, x + 1, y)?,
            Mark::Fill(c) => Swatch::Fill(c).draw_at(area, x + 1, y)?,
            Mark::Dot(c, r) => area.draw(&Circle::new((x + sym / 2, y), r, c.filled())).map_err(err)?,
            Mark::Whisker(c) => {
                area.draw(&PathElement::new(vec![(x, y), (x + sym, y)], c.stroke_width(3))).map_err(err)?;
                area.draw(&Circle::new((x + sym / 2, y), 6, c.filled())).map_err(err)?;
            }
            Mark::Blank => {}
            Mark::Rule(c) => area
                .draw(&PathElement::new(vec![(x + sym / 2, y - 9), (x + sym / 2, y + 9)], c.stroke_width(2)))
                .map_err(err)?,
        }
        area.draw(&Text::new(text.clone(), (x + sym + 6, y), style.clone())).map_err(err)?;
        x += sym + 6 + text_width(area, text, &style) + gap;
    }
    Ok(())
}

/// A message in the middle of an empty panel.
pub fn empty_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    message: &str,
) -> ChartResult {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Rectangle::new(
        [(8, 36), (w as i32 - 8, h as i32 - 8)],
        RGBColor(200, 200, 200).stroke_width(1),
    ))
    .map_err(err)?;
    let t = fit(area, title, &bold(18), w as i32 - 20);
    area.draw(&Text::new(t, (w as i32 / 2, 18), anchored(bold(18), HPos::Center, VPos::Center)))
        .map_err(err)?;
    let m = fit(area, message, &muted(17), w as i32 - 30);
    area.draw(&Text::new(m, (w as i32 / 2, h as i32 / 2), anchored(muted(17), HPos::Center, VPos::Center)))
        .map_err(err)
}

// ---------------------------------------------------------------- time axes

/// Calendar ticks for a time axis of `len` months from `start`: every year,
/// half year, quarter or month, whichever gives the most ticks up to `max`
/// (years as `YYYY`, else `YYYY-MM`).
pub fn time_ticks(start: Month, len: usize, max: usize) -> Vec<(f64, String)> {
    let len = len.max(2);
    for step in [1usize, 3, 6, 12, 24, 48, 120] {
        let at: Vec<usize> = (0..len)
            .filter(|&t| {
                let m = start.plus(t as i32);
                let index = m.0.rem_euclid(step.max(12) as i32) as usize;
                if step >= 12 { index == 0 } else { (m.month() as usize - 1).is_multiple_of(step) }
            })
            .collect();
        if at.len() <= max && at.len() >= 2 {
            return at
                .into_iter()
                .map(|t| {
                    let m = start.plus(t as i32);
                    let label = if step >= 12 { m.year().to_string() } else { m.to_string() };
                    (t as f64, label)
                })
                .collect();
        }
    }
    // Too short for two calendar ticks: the first and last month.
    vec![(0.0, start.to_string()), ((len - 1) as f64, start.plus(len as i32 - 1).to_string())]
}

/// Tick labels drawn below a chart's x axis at given positions (in any
/// order), thinned so none overlap.
pub fn x_ticks<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    ticks: &[(f64, String)],
    size: u32,
) -> ChartResult {
    let style = anchored(font(size), HPos::Center, VPos::Top);
    let y0 = chart.y_range().start;
    let mut last_right = i32::MIN;
    let mut sorted: Vec<&(f64, String)> = ticks.iter().collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (x, label) in sorted {
        let (px, py) = chart.backend_coord(&(*x, y0));
        let w = text_width(root, label, &style);
        if px - w / 2 < last_right + 8 {
            continue;
        }
        let (bx, by) = root.get_base_pixel();
        root.draw(&PathElement::new(vec![(px - bx, py - by), (px - bx, py + 5 - by)], TEXT.stroke_width(1)))
            .map_err(err)?;
        text_px(root, label, (px, py + 8), &style)?;
        last_right = px + w / 2;
    }
    Ok(())
}

/// Light vertical grid lines at the time ticks, and their labels below the axis.
pub fn draw_time_axis<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut Chart<'_, DB>,
    ticks: &[(f64, String)],
    size: u32,
) -> ChartResult {
    let y = chart.y_range();
    for (t, _) in ticks {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(*t, y.start), (*t, y.end)],
                GRID.stroke_width(1),
            )))
            .map_err(err)?;
    }
    x_ticks(area, chart, ticks, size)
}

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

/// Axes over `x` months from `start` (calendar ticks and light vertical
/// grid lines) against `y`, described by `desc` (y, x), with `y_labels`
/// labels (else the default number) written by `y_format`.
pub fn time_axes<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    start: Month,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    desc: (&str, &str),
    y_labels: Option<usize>,
    y_format: &dyn Fn(&f64) -> String,
) -> Result<Chart<'a, DB>, String> {
    let mut chart = ChartBuilder::on(plot)
        .margin_top(10)
        .margin_right(20)
        .x_label_area_size(55)
        .y_label_area_size(85)
        .build_cartesian_2d(x.clone(), y)
        .map_err(err)?;
    let mut mesh = chart.configure_mesh();
    mesh.max_light_lines(0).bold_line_style(GRID).disable_x_mesh().x_labels(0);
    if let Some(n) = y_labels {
        mesh.y_labels(n);
    }
    mesh.y_label_formatter(y_format)
        .y_desc(desc.0)
        .x_desc(desc.1)
        .axis_desc_style(label_style())
        .label_style(tick_style())
        .draw()
        .map_err(err)?;
    let plot_w = chart.plotting_area().dim_in_pixel().0;
    let ticks = time_ticks(start, x.end as usize + 1, ((plot_w / 90) as usize).clamp(2, 14));
    draw_time_axis(plot, &mut chart, &ticks, TICK_SIZE)?;
    Ok(chart)
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
