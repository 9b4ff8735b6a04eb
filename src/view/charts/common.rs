//! What only run charts share: the months of the consolidation phase, the
//! layout of a panel with months on x, the legend column and the series key. The time axis, rule markers, legends, text and numbers are in the view's
//! shared modules (`axis`, `rules`, `legend`, `text`, `format`).

use crate::record::{MonthRec, RunData};
use crate::view::axis::time_range;
use crate::view::theme::{ChartResult, err, legend_style, title_style};
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;

/// The months of the consolidation phase as (start, end) tick spans.
pub fn phase_spans(data: &RunData) -> Vec<(f64, f64)> {
    let mut spans = Vec::new();
    let mut start = None;
    for m in &data.months {
        match (m.consolidating == 1, start) {
            (true, None) => start = Some(m.month as f64),
            (false, Some(s)) => {
                spans.push((s, m.month as f64 - 0.5));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, data.months.len() as f64 - 1.0));
    }
    spans
}

/// Where a run chart's panel sits in its area: margins in pixels
/// (`[top, right, bottom, left]`), the label areas (x below, y left, y
/// right) and an optional caption (in the title style).
#[derive(Clone, Copy, Debug, Default)]
pub struct Panel {
    pub caption: Option<&'static str>,
    pub margin: [u32; 4],
    pub x_area: u32,
    pub y_area: u32,
    pub right_area: u32,
}

impl Panel {
    /// A panel with `margin` pixels on every side but `right` on the right.
    pub const fn framed(margin: u32, right: u32, x_area: u32, y_area: u32) -> Self {
        Panel { caption: None, margin: [margin, right, margin, margin], x_area, y_area, right_area: 0 }
    }
}

/// A chart of months (x, the run's time range) against `y` on `area`, laid
/// out as `panel` says.
pub fn time_panel<'a, DB: DrawingBackend, Y: AsRangedCoord>(
    area: &'a DrawingArea<DB, Shift>,
    data: &RunData,
    panel: Panel,
    y: Y,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y::CoordDescType>>, String> {
    let [top, right, bottom, left] = panel.margin;
    let mut builder = ChartBuilder::on(area);
    if let Some(caption) = panel.caption {
        builder.caption(caption, title_style());
    }
    builder
        .margin_top(top)
        .margin_right(right)
        .margin_bottom(bottom)
        .margin_left(left)
        .x_label_area_size(panel.x_area)
        .y_label_area_size(panel.y_area)
        .right_y_label_area_size(panel.right_area)
        .build_cartesian_2d(time_range(data), y)
        .map_err(err)
}

/// The line of one monthly figure (`value` of each month) in `style`.
pub fn month_line<DB: DrawingBackend>(
    data: &RunData,
    value: fn(&MonthRec) -> f64,
    style: ShapeStyle,
) -> LineSeries<DB, (f64, f64)> {
    LineSeries::new(data.months.iter().map(|m| (m.month as f64, value(m))), style)
}

/// `root` under the chart's `title`, split into the plot (left) and a
/// legend column `side` pixels wide (right).
pub fn titled_with_side<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    side: u32,
) -> Result<(Area<DB>, Area<DB>), String> {
    let area = root.titled(title, title_style()).map_err(err)?;
    let (w, _) = area.dim_in_pixel();
    Ok(area.split_horizontally(w.saturating_sub(side)))
}

/// A drawing area in pixels.
pub type Area<DB> = DrawingArea<DB, Shift>;

/// An upper and a lower panel with their legend columns:
/// `((top, bottom), (side_top, side_bottom))`.
pub type TwoPanels<DB> =
    ((DrawingArea<DB, Shift>, DrawingArea<DB, Shift>), (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>));

/// The plot `main` and its legend column `side`, each cut at `frac` of the
/// height.
pub fn upper_and_lower<DB: DrawingBackend>(
    main: &DrawingArea<DB, Shift>,
    side: &DrawingArea<DB, Shift>,
    frac: f64,
) -> TwoPanels<DB> {
    let (_, h) = main.dim_in_pixel();
    let split = (h as f64 * frac) as u32;
    (main.split_vertically(split), side.split_vertically(split))
}

/// The box of the series labels (`.label(..).legend(..)`) at `position`: the
/// legend style on white, framed in black.
pub fn draw_series_key<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> ChartResult {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(legend_style())
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(err)
}

/// Tick values 1-2-5 × 10^k inside `lo..hi` (a log axis). Bounded for
/// any input: none for an empty, non-positive or non-finite range, and at
/// most one decade per power of ten a double has (about 620).
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    if !(lo > 0.0 && lo <= hi && hi.is_finite()) {
        return out;
    }
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let mut p = 10f64.powi(first);
    for _ in first..=last {
        if p > hi {
            break;
        }
        for m in [1.0, 2.0, 5.0] {
            let v = p * m;
            if v >= lo && v <= hi {
                out.push(v);
            }
        }
        p *= 10.0;
    }
    out
}

/// The hover values of a run chart with months on x: one full-height column
/// per month of `chart`, saying "YYYY-MM · " and `text(month index)`, and
/// "US rule … takes effect" in a rule's month.
pub fn month_columns<DB: DrawingBackend, Y: Ranged>(
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    data: &RunData,
    text: impl Fn(usize) -> String,
) -> Vec<crate::view::hover::Region> {
    let rules = crate::view::rules::rule_ticks(data);
    let xs: Vec<f64> = (0..data.months.len()).map(|m| m as f64).collect();
    crate::view::hover::columns(chart, &xs, |i| {
        let mut s = format!("{} · {}", data.months[i].date, text(i));
        for (t, name) in &rules {
            if *t as usize == i {
                s.push_str(&format!(" · {name} takes effect"));
            }
        }
        s
    })
}
