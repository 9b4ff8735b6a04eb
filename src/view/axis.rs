//! The time axis of every chart: a run chart's month labels (plotters'
//! own labels, `YYYY-MM`), and the calendar ticks (years, half years,
//! quarters or months) that study, comparison and panel charts draw
//! themselves, with their grid lines. Knows months and pixels, not data.

use crate::record::RunData;
use crate::view::text::{anchored, font, text_px, text_width};
use crate::view::theme::*;
use crate::world::Month;
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// A chart with linear x and y axes.
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

// ---------------------------------------------------------------- run charts

/// `YYYY-MM` of tick `x` (rounded), for the time axis.
pub fn date_of(data: &RunData, x: f64) -> String {
    let t = x.round() as i32;
    data.world.start.plus(t).to_string()
}

/// The x range of a run's months.
pub fn time_range(data: &RunData) -> std::ops::Range<f64> {
    0.0..(data.months.len().max(2) - 1) as f64
}

/// The grid lines of a run chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grid {
    /// Light and bold grid lines.
    Fine,
    /// Bold grid lines only.
    Coarse,
    /// Bold grid lines, light ones drawn invisible (they still space the labels).
    Clear,
    /// No grid lines.
    None,
}

/// The mesh of a run chart: its grid, the months as `YYYY-MM` labels on
/// the x axis (`date` is `|x| date_of(data, *x)`, kept by the caller for
/// as long as the mesh), and the theme's text styles. The caller adds the
/// y axis and draws.
pub fn run_mesh<'m, 'a, 'b, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, RangedCoordf64, Y, DB>,
    data: &RunData,
    date: &'b dyn Fn(&f64) -> String,
    grid: Grid,
) -> &'m mut MeshStyle<'a, 'b, RangedCoordf64, Y, DB>
where
    Y: Ranged,
    DB: DrawingBackend,
{
    match grid {
        Grid::Fine => mesh.light_line_style(GRID).bold_line_style(GRID),
        Grid::Coarse => mesh.max_light_lines(0).bold_line_style(GRID),
        Grid::Clear => mesh.light_line_style(TRANSPARENT).bold_line_style(GRID),
        Grid::None => mesh.disable_mesh(),
    };
    mesh.x_labels(time_labels(data))
        .x_label_formatter(date)
        .axis_desc_style(label_style())
        .label_style(tick_style())
}

/// Number of time-axis labels: one about every six months.
pub fn time_labels(data: &RunData) -> usize {
    (data.months.len() / 6).clamp(2, 14)
}

// ---------------------------------------------------------------- calendar ticks

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
